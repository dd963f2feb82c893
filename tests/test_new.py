"""``octavo new``: the scaffold builds at once, refuses a used folder, and shows every key."""

from __future__ import annotations

import datetime
import re
import shlex
import tomllib
import uuid
from pathlib import Path

import pytest
from conftest import run_octavo
from lxml import etree
from test_epub import epubcheck_counts
from textutil import EPUB_TYPE, XHTML, epub_spine

from octavo.cli import main
from octavo.config import book as config
from octavo.diagnostics import Diagnostics

#: A setting turned off in the scaffold: "# key = value".
#: A setting or a table header that is off: "# key = value", "# [[contents]]".
COMMENTED_KEY = re.compile(r"^#\s?([A-Za-z0-9_]+\s*=.*|\[\[?\s*[A-Za-z0-9_]+\s*\]\]?\s*)$")
KEY = re.compile(r"^#?\s?([A-Za-z0-9_]+)\s*=")
HEADER = re.compile(r"^\[\[?\s*([A-Za-z0-9_]+)\s*\]\]?\s*$")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def schemas() -> dict[str, dict]:
    """Table name ('' for the top level) -> its schema, from config/book.py's own ``*_KEYS`` definitions.

    A table's schema is named after it (``PRINT_KEYS`` for ``[print]``, ``CREATOR_KEYS`` for
    ``[[creators]]``); a new table or schema that breaks the rule fails here rather than
    being skipped.
    """
    found = {name: value for name, value in vars(config).items() if name.endswith("_KEYS")}
    tables = {"": found.pop("TOP_KEYS")}
    for key, (kind, _) in tables[""].items():
        if key == "strings":  # its keys are octavo/strings/en.toml's, too many to show: one example
            tables[key] = {"contents": (str, False)}
            continue
        if kind in (dict, list):
            stem = next((n for n in found if n[:-5].lower() in (key, key.removesuffix("s"))), None)
            assert stem is not None, f"no *_KEYS schema in config/book.py for the table {key!r}"
            tables[key] = found.pop(stem)
    assert not found, f"schemas in config/book.py that no table of TOP_KEYS uses: {sorted(found)}"
    return tables


def new_book(tmp_path: Path, capsys: pytest.CaptureFixture, *args: str) -> tuple[Path, str]:
    folder = tmp_path / "shelf" / "my-book"
    assert main(["new", str(folder), *args]) == 0
    return folder, capsys.readouterr().out


def test_new_book_builds_strict_and_epubcheck_reports_nothing(tmp_path, capsys, monkeypatch):
    folder, out = new_book(tmp_path, capsys)
    assert sorted(p.name for p in folder.iterdir()) == ["book.toml", "chapter-1.md", "introduction.md"]
    for name in ("book.toml", "introduction.md", "chapter-1.md"):
        assert f"wrote {folder / name}" in out
    # run the very command octavo new suggests, with --strict: warnings would fail it
    suggested = shlex.split(out.strip().splitlines()[-1].removeprefix("next: "))
    assert suggested[:2] == ["octavo", str(folder)]
    monkeypatch.chdir(tmp_path)
    assert main([*suggested[1:], "--strict"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "", captured.err
    dist = tmp_path / suggested[suggested.index("--out") + 1]
    epub = dist / "untitled-book.epub"
    assert (dist / "untitled-book.pdf").is_file() and (dist / "untitled-book-archive.pdf").is_file()

    counts, lines = epubcheck_counts(epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)

    # the chapter shows what it says it shows
    docs = {name.rsplit("/", 1)[1]: etree.fromstring(data) for name, data in epub_spine(epub)}
    intro, chapter = docs["introduction.xhtml"], docs["chapter-1.xhtml"]
    assert intro.find(f".//{XHTML}section").get(EPUB_TYPE) == "introduction"
    refs = [a for a in chapter.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "noteref"]
    notes = [a for a in chapter.iter(f"{XHTML}aside") if a.get(EPUB_TYPE) == "footnote"]
    assert len(refs) == len(notes) == 2
    assert len(notes[0].findall(f".//{XHTML}p")) == 2  # a note in two paragraphs
    assert [s.get("lang") for s in chapter.iter(f"{XHTML}span") if s.get("lang")] == ["fr"]
    assert chapter.find(f".//{XHTML}blockquote") is not None
    assert chapter.find(f".//{XHTML}em") is not None


def test_new_book_metadata_is_fresh_and_round_trips(tmp_path, capsys):
    title, author = 'Le "Livre" d’Ève \\ 2', "Ève Durand-Ô"
    folder, _ = new_book(tmp_path, capsys, "--title", title, "--author", author, "--language", "fr")
    loaded = config.load_config(folder, diags := Diagnostics())
    assert loaded is not None, [str(d) for d in diags]
    meta = loaded.metadata
    assert (meta.title, meta.language, meta.creators[0].name) == (title, "fr", author)
    assert meta.creators[0].file_as == "Durand-Ô, Ève"
    assert meta.date == str(datetime.date.today().year)
    assert uuid.UUID(meta.identifier.removeprefix("urn:uuid:")).version == 4
    other, _ = new_book(tmp_path / "again", capsys)
    assert config.load_config(other, Diagnostics()).metadata.identifier != meta.identifier
    # a French book's example of another language is not French
    assert "{lang=de}" in (folder / "chapter-1.md").read_text(encoding="utf-8")
    assert main([str(folder), "--check", "--strict"]) == 0


@pytest.mark.parametrize("occupant", ["file", "hidden-file", "folder-is-a-file"])
def test_new_refuses_a_used_folder_and_writes_nothing(tmp_path, occupant):
    target = tmp_path / "book"
    if occupant == "folder-is-a-file":
        target.write_text("not a folder", encoding="utf-8")
    else:
        target.mkdir()
        (target / ("notes.md" if occupant == "file" else ".keep")).write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    proc = run_octavo("new", str(target), timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{target}: new-exists: "), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert snapshot(tmp_path) == before


def test_new_refuses_a_bad_language_and_writes_nothing(tmp_path, capsys):
    target = tmp_path / "book"
    assert main(["new", str(target), "--language", "english!"]) == 1
    assert f"{target}: new-language: 'english!' is not a valid BCP 47" in capsys.readouterr().err
    assert not target.exists()


def test_every_config_key_is_in_the_scaffold_with_a_comment(tmp_path, capsys):
    """Every key config/book.py accepts is set or commented out, under its table, after a comment line."""
    folder, _ = new_book(tmp_path, capsys)
    lines = (folder / "book.toml").read_text(encoding="utf-8").splitlines()
    tables = schemas()

    # commented-out settings, turned on, still make a valid book.toml: the examples are right
    switched_on = "\n".join(COMMENTED_KEY.sub(r"\1", line) for line in lines)
    data = tomllib.loads(switched_on)
    (folder / "book.toml").write_text(switched_on, encoding="utf-8")
    diags = Diagnostics()
    assert config.load_config(folder, diags) is not None, [str(d) for d in diags]

    for table, schema in tables.items():
        value = data if table == "" else data.get(table)
        assert value is not None, f"no [{table}] table in the scaffold's book.toml"
        entries = value if isinstance(value, list) else [value]
        present = {key for entry in entries for key in entry}
        missing = set(schema) - present
        assert not missing, f"keys of [{table}] missing from the scaffold's book.toml: {sorted(missing)}"

    commented: set[tuple[str, str]] = set()
    table = ""
    for previous, line in zip(["", *lines], lines, strict=False):
        if header := HEADER.match(COMMENTED_KEY.sub(r"\1", line)):
            table = header.group(1)
        elif (key := KEY.match(line)) and (table, key.group(1)) not in commented:
            assert previous.startswith("#") and not KEY.match(previous) and previous.strip("# "), (
                f"{line!r} in [{table}] needs a comment line above it"
            )
            commented.add((table, key.group(1)))
    # tables ([print], [[creators]]...) are headers, not key lines
    expected = {(t, k) for t, schema in tables.items() for k in schema if not (t == "" and k in tables)}
    assert commented == expected
