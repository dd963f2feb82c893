"""Interrupted and concurrent builds: earlier outputs intact, no temporary files, a clear lock message."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import MANUSCRIPT, ROOT

# Starts a build whose PDF step announces itself and then waits to be killed.
SLOW_PDF = """
import os, sys, time, pathlib
sys.argv = ["build.py", *sys.argv[1:]]
from octavo.layout import interior as pdf
real_layout = pdf.layout
def layout(*args, **kwargs):
    pathlib.Path(os.environ["OCTAVO_TEST_MARKER"]).write_text("in the PDF step")
    time.sleep(60)
    return real_layout(*args, **kwargs)
pdf.layout = layout
from octavo.cli import main
sys.exit(main())
"""


def start_in_pdf_step(dist: Path, tmp_path: Path) -> subprocess.Popen:
    """A build of the seed book, returned once it is inside its PDF step."""
    marker = tmp_path / "marker.pdf-step"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_PDF, str(MANUSCRIPT), "--out", str(dist), "--force"],
        env={**os.environ, "OCTAVO_TEST_MARKER": str(marker)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(300):
        if marker.exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert marker.exists(), proc.communicate()[1]
    return proc


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sigkill_during_the_pdf_step_leaves_earlier_outputs(tmp_path):
    dist = tmp_path / "dist"
    first = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), str(MANUSCRIPT), "--out", str(dist)],
        capture_output=True,
        text=True,
    )
    assert first.returncode == 0, first.stderr
    before = snapshot(dist)
    proc = start_in_pdf_step(dist, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = snapshot(dist)
    assert after == before
    assert not [p for p in dist.rglob("*") if p.name.endswith(".octavo-tmp")]


def test_a_second_build_into_a_locked_folder_stops_clearly(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    with open(dist / ".octavo.lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        proc = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), str(MANUSCRIPT), "--out", str(dist)],
            capture_output=True,
            text=True,
        )
    assert proc.returncode == 1
    assert "out-locked" in proc.stderr and "Traceback" not in proc.stderr
    assert [p.name for p in dist.iterdir()] == [".octavo.lock"]


def test_stale_temporary_files_of_a_killed_build_are_cleared(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / ".on-james-burnham.pdf.abc123.octavo-tmp").write_bytes(b"half a file")
    (dist / "mine.txt").write_text("not octavo's")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), str(MANUSCRIPT), "--out", str(dist), "--only", "epub"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert not list(dist.glob("*.octavo-tmp"))
    assert (dist / "mine.txt").read_text() == "not octavo's"


def test_sigterm_ends_the_build_cleanly(tmp_path):
    dist = tmp_path / "dist"
    proc = start_in_pdf_step(dist, tmp_path)
    os.kill(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr
    assert [p.name for p in dist.iterdir()] == [".octavo.lock"]
