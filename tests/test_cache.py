"""Incremental builds: nothing changed, nothing rebuilt and no file touched; any change rebuilds."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import zipfile

from conftest import build_book, make_manuscript, run_octavo

from octavo.build.cache import CACHE_NAME, up_to_date


def run(*args: str) -> subprocess.CompletedProcess:
    # The referees (EPUBCheck and others, tests/test_report.py) are not what is tested here.
    return run_octavo(*args, "--no-referees")


def stats(folder):
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_noop_rebuild_touches_nothing_and_changes_rebuild(tmp_path):
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nText.[^a]\n\n[^a]: A note.\n"})
    out = tmp_path / "dist"
    first = run(str(ms), "--out", str(out), "--only", "epub")
    assert first.returncode == 0, first.stderr
    before = stats(out)
    started = time.perf_counter()
    again = run(str(ms), "--out", str(out), "--only", "epub")
    assert again.returncode == 0 and "up to date" in again.stdout
    assert time.perf_counter() - started < 10  # the benchmark measures it; this only guards against a rebuild
    assert stats(out) == before

    (ms / "one.md").write_text("# One\n\nChanged text.[^a]\n\n[^a]: A note.\n", encoding="utf-8")
    changed = run(str(ms), "--out", str(out), "--only", "epub")
    assert changed.returncode == 0 and "wrote" in changed.stdout

    epub = next(out.glob("*.epub"))
    epub.write_bytes(b"tampered")
    repaired = run(str(ms), "--out", str(out), "--only", "epub")
    assert "wrote" in repaired.stdout and epub.read_bytes() != b"tampered"

    forced = run(str(ms), "--out", str(out), "--only", "epub", "--force")
    assert f"unchanged {epub}" in forced.stdout.splitlines()  # rebuilt, same bytes: left in place


def test_epub_css_change_reuses_the_layout_and_gives_the_same_epub(tmp_path, styles_copy):
    styles = styles_copy
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nText.[^a]\n\n[^a]: A note.\n"})
    out = tmp_path / "dist"
    first = build_book(ms, out, styles=styles)
    assert first.result.layout is not None and "layout" in first.result.timings
    print_files = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.pdf")}
    assert len(print_files) == 3  # interior, cover, archive

    with (styles / "css" / "epub.css").open("a", encoding="utf-8") as css:
        css.write("\np { text-indent: 2em; } /* an EPUB-only edit */\n")
    second = build_book(ms, out, styles=styles)
    assert second.result.layout is None and "layout" not in second.result.timings
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.pdf")} == print_files
    with zipfile.ZipFile(second.epub) as epub:
        assert "an EPUB-only edit" in epub.read("EPUB/css/epub.css").decode()

    # The cached layout gives the EPUB a fresh layout gives: the cache is invisible in the bytes.
    fresh = build_book(ms, tmp_path / "fresh", styles=styles, force=True)
    assert fresh.result.layout is not None
    assert fresh.epub.read_bytes() == second.epub.read_bytes()
    bag = next(out.glob("*-deposit")).name
    assert (tmp_path / "fresh" / bag / "manifest-sha256.txt").read_bytes() == (
        out / bag / "manifest-sha256.txt"
    ).read_bytes()

    # A print stylesheet edit lays the book out again; so does a damaged cache.
    with (styles / "css" / "print.css").open("a", encoding="utf-8") as css:
        css.write("\n/* a print edit */\n")
    assert build_book(ms, out, styles=styles).result.layout is not None
    for stored in (out / ".octavo-layout").iterdir():
        if stored.name != "layout.json":
            stored.write_bytes(b"damaged")
    assert build_book(ms, out, styles=styles).result.layout is not None


def test_a_record_without_the_outputs_kinds_is_not_up_to_date(tmp_path):
    """An earlier octavo's record names no kinds: the report could only guess them, so it rebuilds."""
    (tmp_path / "x.epub").write_bytes(b"epub")
    digest = hashlib.sha256(b"epub").hexdigest()
    record = {"key": "k", "outputs": {"x.epub": digest}, "warnings": [], "pages": 0, "images": []}
    (tmp_path / CACHE_NAME).write_text(json.dumps(record))
    assert up_to_date(tmp_path, "k") is None
    (tmp_path / CACHE_NAME).write_text(json.dumps({**record, "kinds": {"x.epub": "epub"}}))
    assert up_to_date(tmp_path, "k") is not None
