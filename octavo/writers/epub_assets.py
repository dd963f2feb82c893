"""What the EPUB carries besides its documents: the subset book face, images, the cover picture."""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path

import pypdfium2 as pdfium
from fontTools import subset
from fontTools.ttLib import TTFont

from ..model import Book
from .cover import CoverGeometry

#: OpenType features the EPUB CSS may use; glyphs reachable only through others are dropped.
FONT_FEATURES = [
    "kern",
    "liga",
    "clig",
    "calt",
    "ccmp",
    "locl",
    "mark",
    "mkmk",
    "smcp",
    "c2sc",
    "onum",
    "lnum",
    "pnum",
    "tnum",
    "sups",
    "frac",
]
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
#: Width of the cover picture in pixels (its height follows the trim's proportions).
COVER_WIDTH = 1600


def subset_font(path: Path, chars: set[str]) -> bytes:
    """The font cut down to the characters used, OpenType features kept, no timestamp change."""
    font = TTFont(path, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = FONT_FEATURES
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in chars} | set(range(0x20, 0x7F)))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def image_name(src: str) -> str:
    """The image's file name inside the EPUB's images/ folder (its manuscript path, flattened)."""
    return src.strip("/").replace("/", "-")


def book_images(book: Book) -> list[tuple[str, str, bytes]]:
    """(name in the EPUB, media type, bytes) of every image the book shows, once each."""
    found: dict[str, tuple[str, str, bytes]] = {}
    for section in book.sections:
        for block in section.blocks + tuple(b for n in section.notes for b in n.blocks):
            for node in block.walk():
                if node.type != "image" or node.attr("src") in found:
                    continue
                src = node.attr("src")
                path = book.root / src
                media = IMAGE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or ""
                found[src] = (image_name(src), media, path.read_bytes())
    return list(found.values())


def cover_picture(cover_pdf: bytes, geometry: CoverGeometry) -> bytes:
    """The front panel of the print cover as a JPEG about 1600 pixels wide."""
    document = pdfium.PdfDocument(cover_pdf)
    scale = COVER_WIDTH / (geometry.trim_width * 72)
    image = document[0].render(scale=scale).to_pil().convert("RGB")
    px = scale * 72
    box = (
        round(geometry.front_x * px),
        round(geometry.bleed * px),
        round(geometry.front_x * px) + COVER_WIDTH,
        round((geometry.bleed + geometry.trim_height) * px),
    )
    out = io.BytesIO()
    image.crop(box).save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()
