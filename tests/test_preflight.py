"""Preflight: the seed book passes KDP and IngramSpark; wrong builds fail with a clear line."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import MANUSCRIPT, ROOT, run_octavo


def preflight(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return run_octavo(*args, "--no-referees", cwd=cwd)  # the referees are tests/test_report.py's business


def rules(stdout: str) -> dict[str, str]:
    found = {}
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in ("pass", "FAIL"):
            found[parts[1]] = line.strip()
    return found


@pytest.fixture(scope="module")
def kdp_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("kdp") / "dist"
    return preflight(str(MANUSCRIPT), "--out", str(out), "--preflight", "kdp"), out


def test_seed_passes_kdp(kdp_run):
    proc, out = kdp_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = rules(proc.stdout)
    assert set(found) >= {
        "page-size",
        "fonts-embedded",
        "annotations",
        "page-count",
        "margins",
        "boxes",
        "cover-size",
        "underfull",
    }
    assert all(line.startswith("pass") for line in found.values()), found
    assert (out / "on-james-burnham-cover.pdf").is_file()


def test_seed_ingram_build_passes_ingram(tmp_path):
    ms = tmp_path / "ms"
    shutil.copytree(MANUSCRIPT, ms)
    toml = (ms / "book.toml").read_text().replace('vendor = "kdp"', 'vendor = "ingram"')
    (ms / "book.toml").write_text(toml)
    proc = preflight(str(ms), "--out", str(tmp_path / "dist"), "--preflight", "ingram")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = rules(proc.stdout)
    assert found["pdf-x"].startswith("pass") and found["boxes"].startswith("pass")


def _styles_with(tmp_path, old: str, new: str):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    template = styles / "templates" / "print" / "book.html"
    text = template.read_text()
    assert old in text
    template.write_text(text.replace(old, new))
    return styles


def test_wrong_gutter_fails_with_a_clear_line(tmp_path):
    styles = _styles_with(tmp_path, "margin-right: {{ page.inside }}in", "margin-right: 0.1in")
    styles_t = styles / "templates" / "print" / "book.html"
    styles_t.write_text(
        styles_t.read_text().replace("margin-left: {{ page.inside }}in", "margin-left: 0.1in")
    )
    proc = preflight(
        str(MANUSCRIPT), "--out", str(tmp_path / "dist"), "--styles", str(styles), "--preflight", "kdp"
    )
    assert proc.returncode == 1
    line = rules(proc.stdout)["margins"]
    assert line.startswith("FAIL") and "gutter" in line, line


def test_wrong_trim_fails_with_a_clear_line(tmp_path):
    styles = _styles_with(tmp_path, "size: {{ page.width }}in {{ page.height }}in", "size: 6in 9in")
    proc = preflight(
        str(MANUSCRIPT), "--out", str(tmp_path / "dist"), "--styles", str(styles), "--preflight", "kdp"
    )
    assert proc.returncode == 1
    line = rules(proc.stdout)["page-size"]
    assert line.startswith("FAIL") and "6.000 in × 9.000 in" in line, line
