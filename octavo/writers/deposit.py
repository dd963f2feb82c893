"""The archive deposit: a BagIt 0.97 bag of the publication, its sources and its records.

BagIt 0.97 because that is what the ``bagit`` library writes and declares
in ``bagit.txt`` (its ``make_bag`` has no other version, and it does not
percent-encode ``%`` in manifest paths as BagIt 1.0, RFC 8493, requires);
the README.txt in the bag says the same, and a test reads ``bagit.txt``.

The payload is laid out in a temporary folder beside the final one, bagged
with the ``bagit`` library (sha256 and sha512 manifests and tag manifests),
its manifests put in a fixed order so that two builds give the same bytes,
checked, and only then moved into place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import bagit
from lxml import etree

from octavo import __version__
from octavo.model import Book
from octavo.source import gate
from octavo.writers import a11y
from octavo.writers.onix import Edition, onix
from octavo.writers.records import dublin_core

ALGORITHMS = ("sha256", "sha512")

README = """\
{title}
{underline}

An archive deposit made by octavo {version} on {date}, as a BagIt 0.97 bag.
Fixity: manifest-sha256.txt and manifest-sha512.txt list every payload file;
the tag manifests cover the bag's own files. Check it with any BagIt tool, or
with `python build.py --verify <this folder>`.

Files (under data/):

{payload}manuscript/
    The sources: book.toml (metadata and reading order, TOML), the Markdown
    files it lists (CommonMark with footnotes and attributes, UTF-8) and the
    images they show; nothing else of the manuscript folder.
styles/
    The templates (Jinja2), style sheets (CSS), fonts (TrueType, with their
    licences) and colour profile used to make the files above.
metadata/dc.xml
    A Dublin Core record (OAI-DC XML).
metadata/onix.xml
    A minimal ONIX 3.0 product record (XML).
README.txt
    This file.

Identifier: {identifier}
Rights: {rights}
"""


#: What the README says of each copy in the payload, by kind (the names are the plan's).
PAYLOAD_NOTES = {
    "archive": """\
    PDF/A-{level} ({pdfa_text}). The book's preservation copy, with exactly the
    pages of the print edition (without bleed), every font embedded, an sRGB
    output intent and XMP metadata from book.toml. Made by WeasyPrint from the
    same layout as the print interior, finished with pikepdf.
""",
    "epub": """\
    EPUB 3.3 with an EPUB 2 NCX, the reading copy. Its page-list gives the
    print edition's pages. Made by octavo with ebooklib; checked with EPUBCheck.
""",
    "pdf": """\
    The print-on-demand interior (PDF 1.7), as uploaded to the printer.
""",
    "cover": """\
    The full-wrap print cover (PDF 1.7).
""",
}


def _copy_used(book: Book, styles_root: Path, target: Path) -> None:
    """The files the book uses (``gate.used_files``), read through the gate: nothing else of the
    manuscript or styles folder, neither a recording beside the chapters nor a private note."""
    images = gate.pictures(book)
    for label, root, files in (
        ("manuscript", book.root, gate.manuscript_files(book.root, images)),
        ("styles", styles_root, gate.styles_files(styles_root)),
    ):
        for name, path in files.items():
            destination = target / label / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with gate.open_file(root, path) as source, destination.open("wb") as copy:
                shutil.copyfileobj(source, copy, 1 << 20)


def _sort_manifests(bag_dir: Path) -> None:
    """Put every manifest's lines in order, then rebuild the tag manifests (bagit uses listdir order)."""
    for manifest in sorted(bag_dir.glob("manifest-*.txt")):
        lines = manifest.read_text(encoding="utf-8").splitlines()
        lines.sort(key=lambda line: line.split(maxsplit=1)[-1])  # by path
        manifest.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    for alg in ALGORITHMS:
        tag_files = sorted(
            p.name for p in bag_dir.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-")
        )
        lines = [
            f"{hashlib.new(alg, (bag_dir / name).read_bytes()).hexdigest()} {name}" for name in tag_files
        ]
        (bag_dir / f"tagmanifest-{alg}.txt").write_text(
            "".join(f"{line}\n" for line in lines), encoding="utf-8"
        )


def _accessibility(work: Path, payload: dict[str, tuple[str, bytes]]) -> list[tuple[str, str]]:
    """The accessibility properties the EPUB of the payload's facts support (``a11y.metadata`` of
    the written file, as the referee computes them); none when the payload has no EPUB."""
    if "epub" not in payload:
        return []
    try:
        found, _ = a11y.epub_facts(work / payload["epub"][0])
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        return []  # not an EPUB octavo wrote (the referee says so): no claims about it
    return a11y.metadata(found)


def build_deposit(
    target: Path,
    book: Book,
    styles_root: Path,
    payload: dict[str, tuple[str, bytes]],
    stamp: datetime,
    level: str,
    editions: tuple[Edition, ...] = (),
) -> Path:
    """Write the bag at ``target`` (replacing an earlier one only once the new one is complete);
    returns ``target``.

    ``payload``: kind (``archive``, ``epub``, ``pdf``, ``cover``) -> (its name under ``data/``, its
    bytes), in the order the README lists them; ``level``: the archive's PDF/A level ("2b", "3b");
    ``editions``: the ONIX record's products (by default an EPUB and a paperback with the ISBNs
    of ``book.metadata``).
    Raises ``OSError`` when the bag cannot be written, ``bagit.BagValidationError`` when the bag
    written does not validate; an earlier bag at ``target`` is then left as it was.
    """
    meta = book.metadata
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".octavo-tmp", dir=target.parent))
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(work, 0o777 & ~umask)  # mkdtemp's 0700 would become the bag's mode
    try:
        for name, data in payload.values():
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _copy_used(book, styles_root, work)
        (work / "metadata").mkdir(exist_ok=True)
        (work / "metadata" / "dc.xml").write_bytes(dublin_core(meta))
        products = editions or (Edition("epub", meta.epub_isbn), Edition("paperback", meta.print_isbn))
        record = onix(meta, stamp.strftime("%Y%m%dT%H%M%SZ"), products, _accessibility(work, payload))
        (work / "metadata" / "onix.xml").write_bytes(record)
        pdfa_text = "with the manuscript attached as its source" if level == "3b" else "ISO 19005-2, level B"
        notes = {
            kind: note.format(level=level.upper(), pdfa_text=pdfa_text)
            for kind, note in PAYLOAD_NOTES.items()
        }
        readme = README.format(
            title=meta.title,
            underline="=" * len(meta.title),
            version=__version__,
            date=stamp.strftime("%Y-%m-%d"),
            payload="".join(f"{name}\n{notes[kind]}" for kind, (name, _) in payload.items()),
            identifier=meta.identifier,
            rights=meta.rights or "see book.toml",
        )
        (work / "README.txt").write_text(readme, encoding="utf-8")
        bag_info = {
            "Source-Organization": meta.publisher or "unknown",
            "External-Identifier": meta.identifier,
            "External-Description": meta.title,
            "Bagging-Date": stamp.strftime("%Y-%m-%d"),
            "Bag-Software-Agent": f"octavo {__version__} with bagit.py",
        }
        bagit.make_bag(str(work), bag_info, checksums=list(ALGORITHMS))
        _sort_manifests(work)
        bagit.Bag(str(work)).validate()
        old = target.with_name(f".{target.name}.old.octavo-tmp")
        if target.exists():
            target.rename(old)
        work.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        return target
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
