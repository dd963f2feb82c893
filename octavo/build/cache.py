"""The build cache: a content-addressed key over everything that makes the outputs.

The key hashes octavo's version, the requested formats, SOURCE_DATE_EPOCH,
and every file the book uses (name and bytes, read in chunks through
``gate``): book.toml, the Markdown files it lists, the pictures they show
and the styles — nothing else of either folder is opened. After a
successful build, ``dist/.octavo-cache.json`` records the key, the hash of
each output, each output's kind (from the build plan, ``plan.py``: the
report of an up-to-date build reads them), the warnings and the pictures
the key covered (the command line's check takes them from there: they
change only with the Markdown, which the key covers). A later build with
the same key, whose outputs are all still there unchanged, does nothing:
it touches no file.
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
from typing import Any

from octavo import __version__
from octavo.source import gate

#: What the keys also name beside octavo's version: made one more whenever what a build or a
#: layout keeps changes meaning within a version (the EPUB's page map listing only pages with
#: text, the folios of page references), so that an output folder's older record is not taken
#: for a current one.
FORMAT = 3

CACHE_NAME = ".octavo-cache.json"


def _files(folder: Path) -> Iterable[Path]:
    """Every file of an output folder (the deposit bag), for the outputs' hashes."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.is_file():
            yield path


def input_digests(
    manuscript: Path, styles: Path, images: Iterable[str] = (), known: dict[str, str] | None = None
) -> dict[str, str]:
    """``manuscript/<name>`` or ``styles/<name>`` -> sha256 of each file the book uses (``gate.used_files``),
    read in chunks through the gate; ``known`` digests are taken as they are."""
    known = known or {}
    digests = {}
    for label, root, files in (
        ("manuscript", manuscript, gate.manuscript_files(manuscript, images)),
        ("styles", styles, gate.styles_files(styles)),
    ):
        for name, path in files.items():
            key = f"{label}/{name}"
            digests[key] = known.get(key) or gate.digest(root, path)
    return digests


def _tree_key(
    head: str,
    manuscript: Path,
    styles: Path,
    skip_styles: tuple[str, ...] = (),
    images: Iterable[str] = (),
    known: dict[str, str] | None = None,
) -> str:
    """sha256 over ``head``, SOURCE_DATE_EPOCH and every file the book uses (name and bytes)."""
    digest = hashlib.sha256()
    digest.update(head.encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    for name, file_digest in input_digests(manuscript, styles, images, known).items():
        if name.startswith("styles/") and name.removeprefix("styles/").startswith(skip_styles):
            continue
        digest.update(f"|{name}|".encode())
        digest.update(file_digest.encode())
    return digest.hexdigest()


def build_key(
    manuscript: Path,
    styles: Path,
    formats: Iterable[str],
    strict: bool,
    images: Iterable[str] = (),
    known: dict[str, str] | None = None,
) -> str:
    """The key of a build: octavo, the formats, and the files the book uses (``images``: its pictures)."""
    head = f"octavo {__version__}/{FORMAT}|{sorted(formats)}|{strict}|{sorted(set(images))}|"
    return _tree_key(head, manuscript, styles, images=images, known=known)


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


def record(
    out: Path,
    key: str,
    outputs: list[Path],
    kinds: dict[Path, str],
    warnings: list[str],
    pages: int,
    images: Iterable[str] = (),
) -> None:
    """Keep the key, the outputs' hashes, each output's kind (``kinds``: the build plan's, by
    output path, as ``outputs`` lists them), the warnings and the pictures the key covered.
    Raises ``OSError`` when the record cannot be written."""
    data = {
        "key": key,
        "outputs": output_hashes(out, outputs),
        "kinds": {str(p.relative_to(out)): kinds[p] for p in outputs},
        "warnings": warnings,
        "pages": pages,
        "images": sorted(set(images)),
    }
    (out / CACHE_NAME).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")


def recorded_images(out: Path) -> list[str]:
    """The pictures the last build's key covered: unless the Markdown changed (and so the key), the
    book's pictures now."""
    try:
        images = json.loads((out / CACHE_NAME).read_text(encoding="utf-8")).get("images", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [i for i in images if isinstance(i, str)] if isinstance(images, list) else []


def up_to_date(out: Path, key: str) -> dict[str, Any] | None:
    """The cache record if every output is there, unchanged, for this key; else None (a record
    without the outputs' kinds, an earlier octavo's, too)."""
    try:
        data: dict[str, Any] = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or not data.get("outputs"):
        return None
    if not isinstance(data.get("kinds"), dict) or not data["kinds"]:
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


def layout_key(manuscript: Path, styles: Path, images: Iterable[str] = ()) -> str:
    """A key over everything the print layout and the PDFs made from it depend on."""
    head = f"octavo {__version__}/{FORMAT}|layout|{sorted(set(images))}|"
    return _tree_key(head, manuscript, styles, EPUB_ONLY_STYLES, images)


@dataclass
class CachedLayout:
    """A print layout's products: page count, EPUB page map, and the PDFs made from it."""

    pages: int
    starts: list[tuple[int, str, str, int]]
    products: dict[str, bytes] = field(default_factory=dict)  # "pdf", "cover", "archive"
    folios: dict[str, str] = field(default_factory=dict)  # page references' targets: id -> folio


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
    index = {
        "key": key,
        "pages": layout.pages,
        "starts": layout.starts,
        "products": products,
        "folios": layout.folios,
    }
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
        folios = {str(k): str(v) for k, v in index["folios"].items()}
        return CachedLayout(int(index["pages"]), starts, products, folios)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def previous_pages(out: Path) -> int:
    """The page count of the last layout kept in ``out`` (whatever its key), or 0: a hint for the gutter."""
    try:
        return int(json.loads((out / LAYOUT_DIR / "layout.json").read_text(encoding="utf-8"))["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def previous_folios(out: Path) -> dict[str, str]:
    """The page references' folios of the last layout kept in ``out`` (target id -> folio; whatever
    its key), or none: what a first layout prints, so that an edit far from them costs no layout more."""
    try:
        folios = json.loads((out / LAYOUT_DIR / "layout.json").read_text(encoding="utf-8"))["folios"]
        return {str(k): str(v) for k, v in folios.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
