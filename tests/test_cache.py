"""Incremental builds: nothing changed, nothing rebuilt and no file touched; any change rebuilds."""

from __future__ import annotations

import subprocess
import sys
import time

from conftest import ROOT, make_manuscript


def run(*args: str) -> subprocess.CompletedProcess:
    # The referees (EPUBCheck and others, tests/test_report.py) are not what is tested here.
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args, "--no-referees"], capture_output=True, text=True
    )


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
    assert "wrote" in forced.stdout
