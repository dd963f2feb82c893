"""The package type-checks: mypy, strict, with pyproject.toml's [tool.mypy], finds nothing.

The check runs with a cache of its own under ``tmp_path``, so it starts cold
every time: its answer cannot depend on a ``.mypy_cache`` left by another
mypy, other stubs or another tree. Cold, it takes 7 to 15 s of CPU (25 s
and more of wall time on a loaded two-core machine), hence ``slow``; ``mypy``
run from the repository's root, with its default cache, answers in 3 s.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_package_is_mypy_strict_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the package of this tree, whatever is installed
    out, err, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "octavo",
        ]
    )
    assert status == 0, out + err
    assert out.startswith("Success: no issues found"), out
