"""The build cache: a content-addressed key over everything that makes the outputs.

The key hashes octavo's version, the requested formats, SOURCE_DATE_EPOCH,
and every file of the manuscript and styles folders (name and bytes). After
a successful build, ``dist/.octavo-cache.json`` records the key, the hash of
each output and the warnings. A later build with the same key, whose
outputs are all still there unchanged, does nothing: it touches no file.
This module imports nothing heavy, so that check takes a few milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from . import __version__

CACHE_NAME = ".octavo-cache.json"


def _files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.is_file():
            yield path


def build_key(manuscript: Path, styles: Path, formats: Iterable[str], strict: bool) -> str:
    digest = hashlib.sha256()
    digest.update(f"octavo {__version__}|{sorted(formats)}|{strict}|".encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    for label, folder in (("manuscript", manuscript), ("styles", styles)):
        for path in _files(folder):
            digest.update(f"|{label}/{path.relative_to(folder)}|".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def output_hashes(out: Path, outputs: Iterable[Path]) -> dict[str, str]:
    """sha256 of each output file (a folder counts as all its files)."""
    hashes: dict[str, str] = {}
    for output in outputs:
        paths = [output] if output.is_file() else list(_files(output)) if output.is_dir() else []
        for path in paths:
            if path.is_file():
                relative = str(path.relative_to(out) if path.is_relative_to(out) else path)
                hashes[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def record(out: Path, key: str, outputs: list[Path], warnings: list[str], pages: int) -> None:
    data = {"key": key, "outputs": output_hashes(out, outputs), "warnings": warnings, "pages": pages}
    (out / CACHE_NAME).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")


def up_to_date(out: Path, key: str) -> dict | None:
    """The cache record if every output is there, unchanged, for this key; else None."""
    try:
        data = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("key") != key or not data.get("outputs"):
        return None
    for relative, digest in data["outputs"].items():
        path = out / relative
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return None
    return data
