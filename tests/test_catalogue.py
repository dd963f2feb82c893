"""``octavo catalogue``: every book under a folder, in parallel; failures reported, the rest built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_manuscript

from octavo.catalogue import find_manuscripts, jobs, run_dask, run_local


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
