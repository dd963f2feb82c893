"""Ace by DAISY finds no accessibility violation in either book.

Ace runs on Node with Debian's Chromium; it is installed as the README says
(`.ace/`, or OCTAVO_ACE naming ace-puppeteer). Where it is not installed the
test says so and skips; .ci/run installs it, so CI always runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

ACE = Path(os.environ.get("OCTAVO_ACE", ROOT / ".ace" / "node_modules" / ".bin" / "ace-puppeteer"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not (ACE.exists() and Path(CHROMIUM).exists()),
    reason="Ace by DAISY is not installed (see README: Checking the EPUB with Ace)",
)


def violations(epub: Path, outdir: Path) -> list[str]:
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM}
    proc = subprocess.run(
        [str(ACE), "--force", "--silent", "--outdir", str(outdir), str(epub)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((outdir / "report.json").read_text())
    return [
        f"{subject['earl:testSubject']['url']}: {a['earl:test']['dct:title']}"
        for subject in report["assertions"]
        for a in subject.get("assertions", [])
    ]


@pytest.mark.parametrize("which", ["seed", "sampler"])
def test_ace_reports_no_violation(which, seed_book, sampler, tmp_path):
    epub = (seed_book if which == "seed" else sampler).epub
    assert violations(epub, tmp_path / "ace") == []
