"""What the EPUB carries besides its documents: the subset book face, images, the cover picture."""

from __future__ import annotations

import io
import mimetypes
from urllib.parse import unquote

import pypdfium2 as pdfium
import uharfbuzz as hb
from PIL import Image

from .. import gate
from ..diagnostics import Diagnostic, Diagnostics, ManuscriptError
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


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


def subset_font(data: bytes, chars: set[str]) -> bytes:
    """The font cut down to the characters used, OpenType features kept, no timestamp change.

    HarfBuzz's subsetter (through uharfbuzz) does in a few milliseconds what
    fontTools' takes a third of a second a face for; it keeps the glyphs the
    listed features reach from those characters, and every name record.
    """
    plan = hb.SubsetInput()
    plan.unicode_set.update({ord(c) for c in chars} | set(range(0x20, 0x7F)))
    plan.layout_feature_tag_set.clear()
    plan.layout_feature_tag_set.update(_tag(f) for f in FONT_FEATURES)
    plan.name_id_set.clear()
    plan.name_id_set.invert()
    plan.flags = hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.GLYPH_NAMES
    face = hb.subset(hb.Face(data), plan)
    if face is None:
        raise ValueError("HarfBuzz could not subset a font of the styles folder")
    return bytes(face.blob.data)


def image_name(src: str) -> str:
    """The image's file name inside the EPUB's images/ folder (its manuscript path, decoded and
    flattened; a link to it percent-encodes it again)."""
    return unquote(src).strip("/").replace("/", "-")


def book_images(book: Book) -> list[tuple[str, str, bytes]]:
    """(name in the EPUB, media type, bytes) of every image the book shows (text, notes, titles),
    once each, read through the gate."""
    found: dict[str, tuple[str, str, bytes]] = {}
    for where, node in gate.book_nodes(book):
        if node.type != "image" or node.attr("src") in found:
            continue
        src = node.attr("src")
        try:
            path = gate.reference(book.root, src)
            data = gate.read(book.root, path)
        except gate.Refused as refused:
            problem = "image-outside" if refused.kind == "outside" else "image-missing"
            where = Diagnostics(root=book.root).where(where)
            message = f"image {src!r} cannot be read"
            raise ManuscriptError([Diagnostic(where, node.line, problem, message)]) from None
        media = IMAGE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or ""
        found[src] = (image_name(src), media, data)
    return list(found.values())


def cover_picture(cover_pdf: bytes, geometry: CoverGeometry) -> bytes:
    """The front panel of the print cover as a JPEG about 1600 pixels wide.

    Only the front panel is rendered (the rest of the sheet is cropped
    before rasterizing), into a 4-byte RGBX bitmap that Pillow reads in
    place: the whole sheet in 3-byte RGB, copied twice, took 65 MB.
    """
    document = pdfium.PdfDocument(cover_pdf)
    page = document[0]
    scale = COVER_WIDTH / (geometry.trim_width * 72)
    left, bleed = geometry.front_x * 72, geometry.bleed * 72
    right = geometry.width * 72 - left - geometry.trim_width * 72
    bitmap = page.render(scale=scale, crop=(left, bleed, right, bleed), prefer_bgrx=True, rev_byteorder=True)
    size = (bitmap.width, bitmap.height)
    image = Image.frombuffer("RGBX", size, bitmap.buffer, "raw", "RGBX", bitmap.stride, 1)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()
