"""Ways out of the book: nothing outside the manuscript and styles folders is read, nothing is run.

Every build here runs under an audit hook (``sys.addaudithook``) that logs
each file opened and each process started, in this process and in any
child it forks (the log is a file descriptor the child inherits). The
build itself is called (``pipeline.build``), not the CLI, whose referees
(EPUBCheck in Java) run after the build on purpose.
"""

from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import BOOK_TOML, ROOT, make_manuscript

from octavo.build.cache import build_key
from octavo.build.pipeline import BuildOptions, build
from octavo.build.preview import render
from octavo.config.book import load_config
from octavo.diagnostics import Diagnostics, ManuscriptError
from octavo.source.parse import parse_book
from octavo.source.styles import Styles
from octavo.writers.deposit import build_deposit

#: Audit events that start another program (``os.fork`` is octavo's own side job: logged apart).
PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.forkpty")
_LOG: dict[str, int | None] = {"fd": None}


def _hook(event: str, args: tuple) -> None:
    fd = _LOG["fd"]
    if fd is None:
        return
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        line = f"open\t{os.path.abspath(os.fsdecode(args[0]))}\n"
    elif event in PROCESS_EVENTS or event == "os.fork":
        line = f"{event}\t{args[0] if args else ''}\n"
    else:
        return
    os.write(fd, line.encode("utf-8", "surrogateescape"))


sys.addaudithook(_hook)


@dataclass
class Spy:
    opened: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    forked: int = 0


@contextmanager
def spy() -> Iterator[Spy]:
    """Log what the block (and any child it forks) opens and starts."""
    found = Spy()
    fd, log = tempfile.mkstemp(prefix="octavo-spy-")
    os.close(fd)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    _LOG["fd"] = fd
    try:
        yield found
    finally:
        _LOG["fd"] = None
        os.close(fd)
        with open(log, encoding="utf-8", errors="surrogateescape") as handle:
            lines = handle.read().splitlines()
        os.unlink(log)
        for line in lines:
            event, _, arg = line.partition("\t")
            if event == "open":
                found.opened.append(arg)
            elif event == "os.fork":
                found.forked += 1
            else:
                found.started.append(f"{event} {arg}")


def python_dirs() -> list[Path]:
    dirs = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return sorted(dirs)


def outside_opens(found: Spy, allowed: list[Path], forbidden: list[Path]) -> list[str]:
    """Paths opened that are not in an allowed folder (or the temporary one), or are in a forbidden one."""
    allowed = [p.resolve() for p in allowed] + python_dirs() + [Path(tempfile.gettempdir()).resolve()]
    forbidden = [p.resolve() for p in forbidden] + [Path("/etc"), Path("/proc")]
    bad = []
    for name in found.opened:
        path = Path(name).resolve()
        if any(path.is_relative_to(f) for f in forbidden) or not any(path.is_relative_to(a) for a in allowed):
            bad.append(name)
    return bad


# -- the hostile book ------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_bytes(b"\x89PNG not for the book")
    (folder / "secret.css").write_text("body { color: red }\n", encoding="utf-8")
    (folder / "secret.html").write_text("SECRET TEMPLATE\n", encoding="utf-8")
    return folder


EPUB_ONLY_TOML = BOOK_TOML + "\n[epub]\npage_list = false\n"


def toml_for(files: list[str]) -> str:
    return EPUB_ONLY_TOML + "".join(f'\n[[contents]]\nfile = "{n}"\nkind = "chapter"\n' for n in files)


HOSTILE = """\
# One ![heading](/etc/hostname)

![absolute](/etc/hostname)

![up](../outside/secret.png)

![a link to a file](link.png)

![through a linked folder](linkdir/secret.png)

![percent-encoded dots](%2e%2e/outside/secret.png)

![percent-encoded slashes](..%2Foutside%2Fsecret.png)

![a file URL](file:///etc/hostname)

![a file URL to the secret](file://{secret})

## Two ![a second heading](link.png)

Text.[^a] More^[An inline note ![inline](../outside/secret.png)] text.[^b]

<p><img src="/etc/hostname" alt="raw block"></p>

Inline raw <img src="../outside/secret.png" alt="raw inline"> HTML.

[^a]: ![in a note](/etc/hostname)

[^b]: ![in a note, through the linked folder](linkdir/secret.png)
"""
#: Lines of HOSTILE whose picture must be refused.
HOSTILE_LINES = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 27, 29]


def hostile_manuscript(tmp_path: Path, outside: Path) -> Path:
    ms = make_manuscript(
        tmp_path / "ms",
        {"one.md": HOSTILE.format(secret=outside / "secret.png")},
        toml=toml_for(["one.md"]),
    )
    os.symlink(outside / "secret.png", ms / "link.png")
    os.symlink(outside, ms / "linkdir")
    return ms


MODES = ["full", "epub", "preview"]


def run_mode(mode: str, ms: Path, out: Path, styles: Path | None = None) -> list[str]:
    """The diagnostics of one build (or preview render) of ``ms``, as strings."""
    if mode == "preview":
        result = render(ms, Styles(styles or ROOT / "styles"))
        return [str(d) for d in result.diagnostics]
    formats = ("epub",) if mode == "epub" else ("epub", "pdf", "archive")
    try:
        result = build(BuildOptions(manuscript=ms, out=out, formats=formats, styles=styles))
    except ManuscriptError as exc:
        return [str(d) for d in exc.diagnostics]
    return [str(d) for d in result.diagnostics]


@pytest.mark.parametrize("mode", MODES)
def test_a_hostile_manuscript_opens_nothing_outside(tmp_path, outside, mode):
    ms = hostile_manuscript(tmp_path, outside)
    out = tmp_path / "dist"
    with spy() as found:
        problems = run_mode(mode, ms, out)
    errors = [p for p in problems if ": warning: " not in p]
    refused = sorted(int(p.split(":")[1]) for p in errors if "image-outside" in p)
    assert refused == HOSTILE_LINES, "\n".join(problems)
    assert all("image-outside" in p for p in errors), "\n".join(errors)
    if mode == "preview":  # a build's error carries only the errors; the preview shows the warnings too
        assert sum("html-removed" in p for p in problems) == 2, "\n".join(problems)
    assert outside_opens(found, [ms, ROOT, out], [outside]) == [], "opened outside the book"
    assert found.started == []
    assert not out.exists() or not any(out.glob("*.epub"))


@pytest.mark.parametrize(
    "where",
    ["footnote", "inline note", "heading"],
)
@pytest.mark.parametrize("target", ["/etc/hostname", "../../../../../../../../etc/passwd", "link.png"])
def test_pictures_in_notes_and_headings_are_checked_like_the_text(tmp_path, outside, where, target):
    """Item 1: with no layout (``--only epub``, no page-list), nothing but the check stands in the way."""
    text = {
        "footnote": f"# One\n\nText.[^a]\n\n[^a]: ![x]({target})\n",
        "inline note": f"# One\n\nText.^[![x]({target})]\n",
        "heading": f"# One ![x]({target})\n\nText.\n",
    }[where]
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml_for(["one.md"]))
    os.symlink(outside / "secret.png", ms / "link.png")
    out = tmp_path / "dist"
    with spy() as found:
        problems = run_mode("epub", ms, out)
    line = 1 if where == "heading" else 5 if where == "footnote" else 3
    assert [p for p in problems if "warning" not in p] == [
        f"ms/one.md:{line}: image-outside: image {target!r} is outside the manuscript folder"
    ]
    assert outside_opens(found, [ms, ROOT, out], [outside, Path("/etc")]) == []
    assert not any(out.glob("*.epub"))


@pytest.mark.parametrize("where", ["footnote", "inline note", "heading"])
def test_a_missing_picture_in_a_note_is_a_diagnostic(tmp_path, where):
    text = {
        "footnote": "# One\n\nText.[^a]\n\n[^a]: ![x](nowhere.png)\n",
        "inline note": "# One\n\nText.^[![x](nowhere.png)]\n",
        "heading": "# One ![x](nowhere.png)\n\nText.\n",
    }[where]
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml_for(["one.md"]))
    problems = run_mode("epub", ms, tmp_path / "dist")
    line = 1 if where == "heading" else 5 if where == "footnote" else 3
    assert [p for p in problems if "warning" not in p] == [
        f"ms/one.md:{line}: image-missing: image 'nowhere.png' not found"
    ]


def test_a_picture_in_a_note_and_a_heading_reaches_the_epub(tmp_path):
    """The other side: a picture of the book's own, in a note or a heading, is packed and linked."""
    from PIL import Image

    text = "# One ![a square](pics/a.png)\n\nText.[^a]\n\n[^a]: A note ![a square](pics/b%20c.png)\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml_for(["one.md"]))
    (ms / "pics").mkdir()
    Image.new("RGB", (20, 20), (10, 20, 30)).save(ms / "pics" / "a.png")
    Image.new("RGB", (20, 20), (30, 20, 10)).save(ms / "pics" / "b c.png")
    result = build(BuildOptions(manuscript=ms, out=tmp_path / "dist", formats=("epub",)))
    epub = next(p for p in result.outputs if p.suffix == ".epub")
    with zipfile.ZipFile(epub) as z:
        names = set(z.namelist())
        one = z.read("EPUB/text/one.xhtml").decode()
    assert "EPUB/images/pics/a.png" in names and "../images/pics/a.png" in one
    assert "EPUB/images/pics/b-c.png" in names and "../images/pics/b-c.png" in one


# -- styles ----------------------------------------------------------------------------------------


def clean_manuscript(tmp_path: Path) -> Path:
    return make_manuscript(
        tmp_path / "ms", {"one.md": "# One\n\nText.[^a]\n\n[^a]: A note.\n"}, toml=toml_for(["one.md"])
    )


def test_css_ways_out_are_refused_in_print_and_never_followed_for_the_epub(tmp_path, styles_copy, outside):
    ms = clean_manuscript(tmp_path)
    css = styles_copy / "css"
    os.symlink(outside / "secret.png", css / "link.png")
    os.symlink(outside, css / "linkdir")
    # Each on an element the book has, so that the layout asks for it; an @import comes first.
    (css / "print.css").write_text(
        '@import url("../../outside/secret.css");\n'
        + (css / "print.css").read_text(encoding="utf-8")
        + 'html { background: url("/etc/hostname") }\n'
        'body { background: url("../../outside/secret.png") }\n'
        'h1 { background: url("link.png") }\n'
        'p { background: url("linkdir/secret.png") }\n'
        'nav { background: url("%2e%2e/%2e%2e/outside/secret.png") }\n'
        f'section {{ background: url("file://{outside}/secret.png") }}\n',
        encoding="utf-8",
    )
    (css / "cover.css").write_text(
        '@import url("../../outside/secret.css");\n' + (css / "cover.css").read_text(encoding="utf-8")
    )
    for mode in MODES:
        out = tmp_path / f"dist-{mode}"
        with spy() as found:
            problems = run_mode(mode, ms, out, styles_copy)
        assert outside_opens(found, [ms, styles_copy, ROOT, out], [outside, Path("/etc")]) == [], mode
        assert found.started == [], mode
        if mode == "full":
            assert sum("fetch-refused" in p for p in problems) == 8, "\n".join(problems)
        else:
            assert [p for p in problems if "warning" not in p] == [], (mode, problems)


TEMPLATE_WAYS_OUT = {
    "a run command": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "a read file": "{{ book.root.joinpath('/etc/passwd').read_text() }}",
    "a section's file": "{% for s in book.sections %}{{ s.file.read_text() }}{% endfor %}",
    "a renderer's book": "{{ r.book.root.joinpath('/etc/hostname').read_text() }}",
    "an include up": '{% include "../../outside/secret.html" %}',
    "an include absolute": '{% include "/etc/hostname" %}',
    "an include through a link": '{% include "shared/link.html" %}',
    "an include through a linked folder": '{% include "linkdir/secret.html" %}',
    "a globals walk": "{{ r.blocks.__globals__ }}",
    "an import of os": "{{ self._TemplateReference__context.environment.loader }}",
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("way", list(TEMPLATE_WAYS_OUT))
def test_templates_are_data(tmp_path, styles_copy, outside, mode, way):
    """Item 2: a styles folder is shared between presses; its templates run nothing and read nothing."""
    ms = clean_manuscript(tmp_path)
    templates = styles_copy / "templates"
    os.symlink(outside / "secret.html", templates / "shared" / "link.html")
    os.symlink(outside, templates / "linkdir")
    copyright = templates / "shared" / "copyright.html"
    copyright.write_text(
        copyright.read_text(encoding="utf-8").replace("</section>", TEMPLATE_WAYS_OUT[way] + "\n</section>")
    )
    out = tmp_path / "dist"
    with spy() as found:
        problems = run_mode(mode, ms, out, styles_copy)
    assert found.started == []
    assert outside_opens(found, [ms, styles_copy, ROOT, out], [outside, Path("/etc")]) == []
    errors = [p for p in problems if "warning" not in p]
    assert len(errors) == 1 and "template-error" in errors[0], problems
    assert errors[0].startswith("styles/templates/shared/copyright.html:"), errors
    assert not out.exists() or not any(out.glob("*.epub"))


# -- what is keyed and bagged: the files the book uses ---------------------------------------------


def used_book(tmp_path: Path) -> Path:
    from PIL import Image

    ms = make_manuscript(
        tmp_path / "ms",
        {
            "one.md": "# One\n\nText.\n\n![a square](.img/pic.png)\n",
            ".hidden.md": "# Hidden\n\nHidden text.\n",
        },
        toml=toml_for(["one.md", ".hidden.md"]),
    )
    (ms / ".img").mkdir()
    Image.new("RGB", (20, 20), (10, 20, 30)).save(ms / ".img" / "pic.png")
    return ms


def parsed(ms: Path):
    diags = Diagnostics(root=ms)
    config = load_config(ms, diags)
    return parse_book(config, diags)


STYLES = ROOT / "styles"


def deposit(ms: Path, target: Path) -> set[str]:
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    build_deposit(target, parsed(ms), STYLES, {"epub": ("publication/x.epub", b"x")}, stamp, "2b")
    return {p.relative_to(target / "data").as_posix() for p in (target / "data").rglob("*") if p.is_file()}


def test_used_dot_files_are_keyed_and_bagged(tmp_path):
    """Item 6: a chapter ``.hidden.md`` and a picture under ``.img/`` are the book's own files."""
    ms = used_book(tmp_path)
    key = build_key(ms, STYLES, ("epub",), False, images=[".img/pic.png"])
    (ms / ".hidden.md").write_text("# Hidden\n\nEdited text.\n", encoding="utf-8")
    edited = build_key(ms, STYLES, ("epub",), False, images=[".img/pic.png"])
    assert edited != key
    (ms / ".img" / "pic.png").write_bytes((ms / ".img" / "pic.png").read_bytes() + b"\0")
    assert build_key(ms, STYLES, ("epub",), False, images=[".img/pic.png"]) != edited
    bagged = deposit(ms, tmp_path / "bag")
    assert {"manuscript/.hidden.md", "manuscript/.img/pic.png", "manuscript/one.md"} <= bagged


def test_a_hidden_chapter_edit_rebuilds(tmp_path):
    """Item 6 through the command line: the edit is seen, the build is not 'up to date'."""
    import subprocess

    ms = used_book(tmp_path)
    out = tmp_path / "dist"

    def run() -> subprocess.CompletedProcess:
        args = [str(ms), "--out", str(out), "--only", "epub", "--no-referees"]
        return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True)

    assert run().returncode == 0
    assert "up to date" in run().stdout
    (ms / ".hidden.md").write_text("# Hidden\n\nEdited text.\n", encoding="utf-8")
    again = run()
    assert "up to date" not in again.stdout and "wrote" in again.stdout, again.stdout + again.stderr
    with zipfile.ZipFile(next(out.glob("*.epub"))) as z:
        assert any(b"Edited text." in z.read(n) for n in z.namelist() if n.endswith(".xhtml"))
    (ms / ".img" / "pic.png").write_bytes((ms / ".img" / "pic.png").read_bytes() + b"\0")
    assert "up to date" not in run().stdout


def test_a_large_unused_file_is_never_read_nor_bagged(tmp_path):
    """Item 12: a 200 MB recording beside the chapters costs nothing and stays private."""
    import subprocess

    ms = used_book(tmp_path)
    big = ms / "recording.wav"
    subprocess.run(["truncate", "-s", "200M", str(big)], check=True)
    (ms / "private").mkdir()
    (ms / "private" / "letters.txt").write_text("not for the archive", encoding="utf-8")
    with spy() as found:
        build_key(ms, STYLES, ("epub",), False, images=[".img/pic.png"])
        bagged = deposit(ms, tmp_path / "bag")
    assert str(big) not in found.opened and str(ms / "private" / "letters.txt") not in found.opened
    assert bagged & {"manuscript/recording.wav", "manuscript/private/letters.txt"} == set()
    assert "manuscript/book.toml" in bagged


def test_an_unreadable_file_in_the_folder_is_no_traceback(tmp_path):
    """Item 14: a link to /proc/self/mem (unreadable) beside the chapters is none of the build's business."""
    ms = used_book(tmp_path)
    os.symlink("/proc/self/mem", ms / "mem")
    out = tmp_path / "dist"
    build_key(ms, STYLES, ("epub",), False, images=[".img/pic.png"])
    assert "manuscript/mem" not in deposit(ms, tmp_path / "bag")
    result = build(BuildOptions(manuscript=ms, out=out, formats=("epub",)))
    assert any(p.suffix == ".epub" for p in result.outputs)


def test_an_unreadable_picture_is_a_diagnostic(tmp_path):
    """A picture the book uses that cannot be read (here a folder named like a picture) is reported."""
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\n![x](pic.png)\n"}, toml=toml_for(["one.md"]))
    (ms / "pic.png").mkdir()
    problems = run_mode("epub", ms, tmp_path / "dist")
    assert [p for p in problems if "warning" not in p] == [
        "ms/one.md:3: image-missing: image 'pic.png' not found"
    ]


def test_folders_given_as_relative_paths_go_through_the_gate(tmp_path, monkeypatch):
    """``octavo mybook --styles mystyles``: relative folders, the same files found and read."""
    import shutil

    shutil.copytree(STYLES, tmp_path / "mystyles")
    ms = used_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    styles = Styles(Path("mystyles"))
    assert [f.path.name for f in styles.faces] == [f.path.name for f in Styles(STYLES).faces]
    assert styles.read(styles.licences[0]) == (STYLES / "fonts" / "OFL.txt").read_bytes()
    assert build_key(Path("ms"), Path("mystyles"), ("epub",), False, [".img/pic.png"]) == build_key(
        ms, tmp_path / "mystyles", ("epub",), False, [".img/pic.png"]
    )


def test_the_catalogues_build_of_a_hostile_manuscript_opens_nothing_outside(tmp_path, outside):
    """The catalogue builds each book with ``catalogue.build_one`` (in a forked worker): the same
    function, run here under the audit hook, refuses the hostile book and opens nothing outside."""
    from octavo.build.catalogue import build_one

    ms = hostile_manuscript(tmp_path, outside)
    out = tmp_path / "dist"
    with spy() as found:
        row = build_one(str(ms), str(out))
    assert row["ok"] is False and "image-outside" in row["message"], row
    assert outside_opens(found, [ms, ROOT, out], [outside]) == [], "opened outside the book"
    assert found.started == []
