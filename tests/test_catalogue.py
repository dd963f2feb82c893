"""``octavo catalogue``: every book under a folder, in parallel; failures reported, the rest built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_manuscript

from octavo.build.catalogue import find_manuscripts, jobs, run_dask, run_local, summary


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    root = tmp_path / "shelf"
    for name, text in (("alpha", "# Alpha\n\nOne.[^a]\n\n[^a]: A.\n"), ("beta", "# Beta\n\nTwo.\n")):
        make_manuscript(root / name, {"one.md": text})
        toml = root / name / "book.toml"
        toml.write_text(toml.read_text().replace('"A Test Book"', f'"{name.title()}"'))
    make_manuscript(root / "broken", {"one.md": "# Broken\n\nA call.[^nothing]\n"})
    return root


def test_catalogue_builds_the_good_books_and_reports_the_bad(shelf, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "catalogue", str(shelf), "--out", str(out), "--jobs", "2"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert any(ln.startswith("alpha") and ln.rstrip().endswith("ok") for ln in lines), proc.stdout
    assert any(ln.startswith("beta") and ln.rstrip().endswith("ok") for ln in lines)
    assert any(ln.startswith("broken") and "FAILED" in ln and "note-undefined" in ln for ln in lines)
    assert lines[-1] == "catalogue: 2 built, 1 failed"
    assert (out / "alpha" / "alpha.epub").is_file() and (out / "beta" / "beta.pdf").is_file()


def test_find_manuscripts_skips_outputs_and_hidden_folders(shelf):
    (shelf / "dist" / "x").mkdir(parents=True)
    (shelf / "dist" / "x" / "book.toml").write_text("")
    assert [p.name for p in find_manuscripts(shelf)] == ["alpha", "beta", "broken"]


def test_dask_cluster_gives_the_same_bytes_as_local(shelf, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    good = [j for j in jobs(shelf, tmp_path / "local") if not j[0].endswith("broken")]
    local = run_local(good, workers=1)
    remote_jobs = [(m, o.replace(str(tmp_path / "local"), str(tmp_path / "remote"))) for m, o in good]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = run_dask(remote_jobs, cluster.scheduler_address)
    assert [r["ok"] for r in local] == [r["ok"] for r in remote] == [True, True]
    for (_, local_out), (_, remote_out) in zip(good, remote_jobs, strict=True):
        files = sorted(
            p.relative_to(local_out)
            for p in Path(local_out).rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
        assert files
        for name in files:
            assert (Path(local_out) / name).read_bytes() == (Path(remote_out) / name).read_bytes(), name


def test_a_killed_worker_is_a_failed_row_and_the_catalogue_goes_on(shelf, tmp_path, monkeypatch):
    """A book whose process dies (here, killed by SIGKILL) is reported; the others build."""
    import os
    import signal

    import octavo.build.pipeline

    real_build = octavo.build.pipeline.build

    def build(options):
        if options.manuscript.name == "beta":
            os.kill(os.getpid(), signal.SIGKILL)
        return real_build(options)

    monkeypatch.setattr(octavo.build.pipeline, "build", build)
    work = [j for j in jobs(shelf, tmp_path / "out") if not j[0].endswith("broken")]
    results = run_local(work, workers=2)
    by_name = {Path(r["manuscript"]).name: r for r in results}
    assert by_name["alpha"]["ok"] is True
    assert by_name["beta"]["ok"] is False and by_name["beta"]["message"] == "killed by SIGKILL"
    assert "beta" in summary(results) and "FAILED: killed by SIGKILL" in summary(results)


HANGING = """
import sys, time
import octavo.build.pipeline
real_build = octavo.build.pipeline.build
def build(options):
    if options.manuscript.name == "alpha":
        time.sleep(300)
    return real_build(options)
octavo.build.pipeline.build = build
from octavo.cli import main
sys.exit(main())
"""


TIMEOUT = ("--jobs", "2", "--timeout", "20")


def test_a_hanging_book_times_out_and_the_catalogue_goes_on(shelf, tmp_path):
    import time

    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", HANGING, "catalogue", str(shelf), "--out", str(tmp_path / "out"), *TIMEOUT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
    )
    assert time.monotonic() - started < 200
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert any(ln.startswith("alpha") and "FAILED: timed out after 20 s" in ln for ln in lines), proc.stdout
    assert any(ln.startswith("beta") and ln.rstrip().endswith("ok") for ln in lines), proc.stdout
    assert lines[-1] == "catalogue: 1 built, 2 failed"


CLUSTER_TIMEOUT = ("--timeout", "5", "--scheduler", "tcp://127.0.0.1:1")


def test_timeout_is_refused_with_a_scheduler(shelf):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "catalogue", str(shelf), *CLUSTER_TIMEOUT],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "works without --scheduler only" in proc.stderr
