"""The build cache: a content-addressed key over everything that makes the outputs.

The key hashes octavo's version, the requested formats, SOURCE_DATE_EPOCH,
and every file of the manuscript and styles folders (name and bytes). After
a successful build, ``dist/.octavo-cache.json`` records the key, the hash of
each output and the warnings. A later build with the same key, whose
outputs are all still there unchanged, does nothing: it touches no file.
This module imports nothing heavy, so that check takes a few milliseconds.

A second, finer key covers only what the print layout depends on (not the
EPUB stylesheet or templates). ``dist/.octavo-layout/`` keeps that layout's
products: the page count, the EPUB page map, and the print, cover and
archive PDFs. A build whose layout key is unchanged takes them from there
instead of laying the book out again, so editing the EPUB CSS rebuilds the
EPUB (and the bag that holds it) in a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
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


def _tree_key(head: str, manuscript: Path, styles: Path, skip_styles: tuple[str, ...] = ()) -> str:
    """sha256 over ``head``, SOURCE_DATE_EPOCH and every file of both folders (name and bytes)."""
    digest = hashlib.sha256()
    digest.update(head.encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    for label, folder in (("manuscript", manuscript), ("styles", styles)):
        for path in _files(folder):
            relative = path.relative_to(folder).as_posix()
            if label == "styles" and relative.startswith(skip_styles):
                continue
            digest.update(f"|{label}/{relative}|".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_key(manuscript: Path, styles: Path, formats: Iterable[str], strict: bool) -> str:
    return _tree_key(f"octavo {__version__}|{sorted(formats)}|{strict}|", manuscript, styles)


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


# The layout cache: what the print layout produced, kept for builds whose
# layout inputs did not change (an EPUB stylesheet edit, say).

LAYOUT_DIR = ".octavo-layout"
#: Styles files that reach the EPUB only: editing them keeps the print layout.
EPUB_ONLY_STYLES = ("css/epub.css", "templates/epub/")


def layout_key(manuscript: Path, styles: Path) -> str:
    """A key over everything the print layout and the PDFs made from it depend on."""
    return _tree_key(f"octavo {__version__}|layout|", manuscript, styles, EPUB_ONLY_STYLES)


@dataclass
class CachedLayout:
    """A print layout's products: page count, EPUB page map, and the PDFs made from it."""

    pages: int
    starts: list[tuple[int, str, str, int]]
    products: dict[str, bytes] = field(default_factory=dict)  # "pdf", "cover", "archive"


#: The suffix of every temporary file octavo writes, so a later build can clear a killed one's.
TEMP_SUFFIX = ".octavo-tmp"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomically(target: Path, data: bytes) -> None:
    """Write through a temporary file in the target's folder, synced, then renamed into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_layout(out: Path, key: str, layout: CachedLayout) -> None:
    """Keep this layout's products (content-addressed) and drop any earlier ones."""
    folder = out / LAYOUT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    products = {}
    for name, data in sorted(layout.products.items()):
        digest = hashlib.sha256(data).hexdigest()
        products[name] = digest
        if not (folder / digest).is_file():
            write_atomically(folder / digest, data)
    index = {"key": key, "pages": layout.pages, "starts": layout.starts, "products": products}
    write_atomically(folder / "layout.json", json.dumps(index, indent=1, sort_keys=True).encode())
    for stale in folder.iterdir():
        if stale.name != "layout.json" and stale.name not in products.values():
            stale.unlink(missing_ok=True)


def load_layout(out: Path, key: str, needed: Iterable[str]) -> CachedLayout | None:
    """The cached layout for ``key`` if it holds every ``needed`` product intact; else None."""
    folder = out / LAYOUT_DIR
    try:
        index = json.loads((folder / "layout.json").read_text(encoding="utf-8"))
        if index.get("key") != key or not set(needed) <= set(index["products"]):
            return None
        products = {}
        for name in needed:
            data = (folder / index["products"][name]).read_bytes()
            if hashlib.sha256(data).hexdigest() != index["products"][name]:
                return None
            products[name] = data
        starts = [(int(i), str(lab), str(where), int(at)) for i, lab, where, at in index["starts"]]
        return CachedLayout(int(index["pages"]), starts, products)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def previous_pages(out: Path) -> int:
    """The page count of the last layout kept in ``out`` (whatever its key), or 0: a hint for the gutter."""
    try:
        return int(json.loads((out / LAYOUT_DIR / "layout.json").read_text(encoding="utf-8"))["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0
