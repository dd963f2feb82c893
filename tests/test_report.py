"""What a build shows: --json (one entry per output), --quiet, the summary table, progress, referees."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import ROOT, make_manuscript

from octavo.build.cache import CACHE_NAME
from octavo.cli import main
from octavo.cli.report import Row, rich_table
from octavo.config.printspec import PrintOptions
from octavo.inspect import referees
from octavo.inspect.referees import Verdict

CHAPTERS = {
    "one.md": "# One\n\nA first chapter.[^a]\n\n[^a]: Its note.\n",
    "two.md": "# Two\n\nA second chapter.\n",
    "draft.md": "# Draft\n\nNot in the book.\n",  # not in contents: a file-unlisted warning
}
CONTENTS = [("one.md", "chapter"), ("two.md", "chapter")]
FORMATS = {"epub", "pdf", "cover", "archive", "deposit"}


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, **kwargs
    )


def outputs_in(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if not p.name.startswith(".")}


@pytest.fixture(scope="module")
def json_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """The small book, every format, built once with --json (referees on)."""
    root = tmp_path_factory.mktemp("report")
    ms = make_manuscript(root / "ms", CHAPTERS, contents=CONTENTS)
    out = root / "dist"
    return run(str(ms), "--out", str(out), "--json"), ms, out


def test_json_has_one_entry_per_output_with_pages_and_referees(json_build):
    proc, _, out = json_build
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # the whole of stdout is one JSON document
    assert doc["ok"] is True and doc["up_to_date"] is False
    entries = {Path(o["path"]).name: o for o in doc["outputs"]}
    assert len(entries) == len(doc["outputs"]) and set(entries) == outputs_in(out)
    assert {o["format"] for o in doc["outputs"]} == FORMATS
    for name, entry in entries.items():
        path = out / name
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else None
        assert entry["bytes"] == (size if path.is_dir() else path.stat().st_size)
        if name.endswith(".pdf"):
            assert entry["pages"] == len(pdfium.PdfDocument(path)), name
        else:
            assert entry["pages"] is None
        assert entry["seconds"] is not None and entry["seconds"] >= 0
        assert entry["referee"]["ok"] is True, entry["referee"]
    assert doc["pages"] == entries["a-test-book.pdf"]["pages"]
    assert entries["a-test-book.epub"]["referee"]["name"] == "EPUBCheck, accessibility claims"
    assert entries["a-test-book-deposit"]["referee"]["name"] == "BagIt fixity"
    assert doc["diagnostics"] == [
        {
            "file": "ms/draft.md",
            "line": 0,
            "id": "file-unlisted",
            "severity": "warning",
            "message": doc["diagnostics"][0]["message"],
        }
    ]
    assert "ms/draft.md: warning: file-unlisted: " in proc.stderr  # still in compiler form on stderr


def test_json_when_up_to_date_names_the_same_outputs(json_build):
    first, ms, out = json_build
    proc = run(str(ms), "--out", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    doc, before = json.loads(proc.stdout), json.loads(first.stdout)
    assert doc["ok"] is True and doc["up_to_date"] is True
    assert [(o["path"], o["bytes"], o["pages"]) for o in doc["outputs"]] == [
        (o["path"], o["bytes"], o["pages"]) for o in before["outputs"]
    ]
    assert doc["diagnostics"] == before["diagnostics"]  # the cached warning, read back into its fields


def test_json_on_a_bad_manuscript_lists_the_problems(tmp_path):
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nA call.[^7]\n"})
    proc = run(str(ms), "--out", str(tmp_path / "dist"), "--json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False and doc["outputs"] == []
    assert [(d["file"], d["line"], d["id"], d["severity"]) for d in doc["diagnostics"]] == [
        ("ms/one.md", 3, "note-undefined", "error")
    ]
    assert "ms/one.md:3: note-undefined: " in proc.stderr


def test_quiet_prints_only_the_diagnostics(tmp_path):
    ms = make_manuscript(tmp_path / "ms", CHAPTERS, contents=CONTENTS)
    proc = run(str(ms), "--out", str(tmp_path / "dist"), "--only", "pdf", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith("ms/draft.md: warning: file-unlisted: ")
    assert outputs_in(tmp_path / "dist") == {"a-test-book.pdf", "a-test-book-cover.pdf"}


def test_progress_on_a_terminal_and_a_plain_summary_in_a_pipe(tmp_path):
    ms = make_manuscript(tmp_path / "ms", CHAPTERS, contents=CONTENTS)
    out = tmp_path / "dist"
    master, terminal = pty.openpty()  # stderr is a terminal, stdout a pipe
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), str(ms), "--out", str(out), "--only", "pdf"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "120"},
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the build closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    stdout = proc.stdout.read().decode()
    assert proc.wait() == 0, shown.decode(errors="replace")
    progress = shown.decode(errors="replace")
    assert "layout" in progress and "pages" in progress and "referees" in progress
    lines = stdout.splitlines()
    assert lines[0] == f"wrote {out / 'a-test-book.pdf'} (" + lines[0].split("(")[-1]
    for name in outputs_in(out):
        row = next(ln for ln in lines if ln.startswith(f"{out / name} "))
        assert "  ok  " in row, row
    assert lines[-1].startswith("octavo: ") and "referees: 2 passed, 0 failed" in lines[-1]


def test_the_terminal_table_lists_each_output(json_build):
    proc, _, _ = json_build
    doc = json.loads(proc.stdout)
    rows = [
        Row(Path(o["path"]), o["format"], o["bytes"], o["pages"], o["seconds"], Verdict(**o["referee"]))
        for o in doc["outputs"]
    ]
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200)
    console.print(rich_table(rows, "caption"))
    shown = console.file.getvalue()
    for o in doc["outputs"]:
        assert o["path"] in shown and o["referee"]["name"] in shown


def test_referees_catch_broken_outputs(json_build, tmp_path):
    _, _, out = json_build
    bag = shutil.copytree(out / "a-test-book-deposit", tmp_path / "a-test-book-deposit")
    record = bag / "data" / "metadata" / "dc.xml"
    record.write_bytes(record.read_bytes().replace(b"A Test Book", b"A Tost Book"))  # same size
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((out / "a-test-book.pdf").read_bytes()[:2000])
    pages = json.loads(json_build[0].stdout)["pages"]
    verdicts = referees.judge(
        [(bag, "deposit"), (out / "a-test-book.pdf", "pdf"), (broken, "archive")],
        PrintOptions(trim="6x9"),  # not the book's trim
        pages,
    )
    assert [v.ok for v in verdicts.values()] == [False, False, False]
    assert "dc.xml" in verdicts[bag].detail
    assert "page-size" in verdicts[out / "a-test-book.pdf"].detail
    assert "cannot read broken.pdf" in verdicts[broken].detail


def test_a_failing_referee_fails_the_build(tmp_path, monkeypatch, capsys):
    def wrong_trim(path: Path, options: PrintOptions, pages: int) -> referees.Verdict:
        return referees.cover_pdf(path, dataclasses.replace(options, trim="6x9"), pages)

    monkeypatch.setitem(referees.REFEREES, "cover", wrong_trim)
    ms = make_manuscript(tmp_path / "ms", CHAPTERS, contents=CONTENTS)
    out = tmp_path / "dist"
    previous = signal.getsignal(signal.SIGTERM)  # main() installs its own handler
    try:
        assert main([str(ms), "--out", str(out), "--only", "pdf", "--json"]) == 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["ok"] is False
    cover = str(out / ".octavo-staging" / "a-test-book-cover.pdf")  # rejected: not moved into place
    assert [d["file"] for d in doc["diagnostics"] if d["id"] == "referee-failed"] == [cover]
    assert f"{cover}: referee-failed: fonts, cover size: cover-size: expected" in captured.err
    assert not (out / CACHE_NAME).exists()  # so the next build does not call it up to date
    assert not (out / "a-test-book-cover.pdf").exists()


def test_the_seed_books_outputs_pass_their_referees(seed_book):
    """EPUBCheck on the seed's EPUB is test_epub.py's; here the PDFs' and the bag's referees."""
    result = seed_book.result
    kinds = result.kinds
    verdicts = referees.judge(
        [(p, k) for p, k in kinds.items() if k != "epub"], result.layout.options, result.pages
    )
    assert sorted(kinds[p] for p in verdicts) == ["archive", "cover", "deposit", "pdf"]
    assert all(v.ok for v in verdicts.values()), verdicts
