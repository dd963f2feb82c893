"""The sampler's EPUB, file by file, against goldens in ``tests/golden/sampler-epub/``.

Every text file of the package (the package document, the navigation, the
NCX, each XHTML document, the stylesheet, the container) is compared whole
with its golden; binary files (the subset font, the pictures) by their
SHA-256, listed in ``binary.txt`` with the entries' order in the ZIP. A
missing golden fails. After a deliberate change, ``pytest
tests/test_epub_golden.py --update-goldens`` writes them again: review the
diff before committing it.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "sampler-epub"
TEXT = (".opf", ".xhtml", ".ncx", ".css", ".xml", "mimetype")


def entries(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as z:
        return {name: z.read(name) for name in z.namelist()}


def is_text(name: str) -> bool:
    return name.endswith(TEXT)


def listing(files: dict[str, bytes]) -> str:
    """The ZIP's entries in order, each binary one with its SHA-256."""
    lines = []
    for name, data in files.items():
        digest = "text" if is_text(name) else hashlib.sha256(data).hexdigest()
        lines.append(f"{name} {digest}\n")
    return "".join(lines)


def write_goldens(files: dict[str, bytes]) -> None:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    GOLDEN.mkdir(parents=True)
    (GOLDEN / "binary.txt").write_text(listing(files), encoding="utf-8")
    for name, data in files.items():
        if is_text(name):
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


@pytest.fixture(scope="module")
def files(sampler) -> dict[str, bytes]:
    return entries(sampler.epub)


def test_the_entries_and_binary_files_are_the_goldens(files, update_goldens):
    if update_goldens:
        write_goldens(files)
    listed = GOLDEN / "binary.txt"
    assert listed.is_file(), "no golden: run pytest tests/test_epub_golden.py --update-goldens and review it"
    assert listing(files) == listed.read_text(encoding="utf-8")


def test_every_text_file_is_its_golden(files):
    texts = [name for name in files if is_text(name)]
    assert len(texts) >= 8  # container, package, nav, ncx, css and the documents
    for name in texts:
        golden = GOLDEN / name
        assert golden.is_file(), f"no golden for {name}: run with --update-goldens and review it"
        assert files[name].decode("utf-8") == golden.read_text(encoding="utf-8"), name
    extra = sorted(
        p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file() and p.name != "binary.txt"
    )
    assert extra == sorted(texts), "goldens for files the EPUB no longer has"
