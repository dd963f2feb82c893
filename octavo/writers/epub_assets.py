"""What the EPUB carries besides its documents: the subset book face, images, the cover picture."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from PIL import Image

from octavo.diagnostics import Diagnostic, Diagnostics, ManuscriptError
from octavo.layout.cover import CoverGeometry
from octavo.model import Book
from octavo.source import gate
from octavo.source.pictures import Picture, Unreadable, book_pictures, names_in_epub, real_names

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
#: Height of the cover picture in pixels (its width follows the trim's proportions): Kindle's least.
COVER_HEIGHT = 2560


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


#: Characters a face may lack, and the character whose glyph stands in for each: the narrow
#: no-break space (French spacing, a reading system's own insertions) is a thin space that does
#: not break (Unicode 15, section 6.2, "Space Characters").
STAND_INS = {"\u202f": "\u2009"}


def with_stand_ins(data: bytes, chars: set[str]) -> bytes:
    """The font with ``STAND_INS`` mapped in its cmap where ``chars`` want them and the face has
    the stand-in's glyph but not the character's; the font unchanged otherwise."""
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    cmap = font.getBestCmap()
    wanted = {
        ord(ch): cmap[ord(other)]
        for ch, other in STAND_INS.items()
        if ch in chars and ord(ch) not in cmap and ord(other) in cmap
    }
    if not wanted:
        return data
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update(wanted)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def subset_font(data: bytes, chars: set[str]) -> bytes:
    """The font cut down to the characters used, OpenType features kept, no timestamp change.

    HarfBuzz's subsetter (through uharfbuzz) does in a few milliseconds what
    fontTools' takes a third of a second a face for; it keeps the glyphs the
    listed features reach from those characters, and every name record.
    """
    plan = hb.SubsetInput()
    stand_ins = {ord(STAND_INS[c]) for c in chars if c in STAND_INS}
    plan.unicode_set.update({ord(c) for c in chars} | stand_ins | set(range(0x20, 0x7F)))
    plan.layout_feature_tag_set.clear()
    plan.layout_feature_tag_set.update(_tag(f) for f in FONT_FEATURES)
    plan.name_id_set.clear()
    plan.name_id_set.invert()
    plan.flags = hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.GLYPH_NAMES
    face = hb.subset(hb.Face(data), plan)
    if face is None:
        raise ValueError("HarfBuzz could not subset a font of the styles folder")
    return with_stand_ins(bytes(face.blob.data), chars)


def image_names(book: Book) -> dict[str, str]:
    """``src`` as parsed -> the picture's name in the EPUB's images/ folder."""
    names = names_in_epub(book)
    return {src: names[name] for src, name in real_names(book).items()}


def book_images(book: Book) -> tuple[list[Picture], dict[str, str]]:
    """The pictures the book shows (text, notes, titles), once each, as the EPUB packs them, and
    ``src`` -> name in its images/ folder (see ``octavo.source.pictures``)."""
    try:
        return book_pictures(book)
    except (gate.Refused, Unreadable) as exc:  # the checks report these before anything is built
        name = exc.path if isinstance(exc, gate.Refused) else exc.name
        problem = "image-outside" if getattr(exc, "kind", "") == "outside" else "image-unreadable"
        file, line = next(
            ((f, n.line) for f, n in gate.book_nodes(book) if real_names(book).get(n.attr("src")) == name),
            (book.root, 0),
        )
        where = Diagnostics(root=book.root).where(file)
        raise ManuscriptError([Diagnostic(where, line, problem, f"image {name!r} cannot be read")]) from None


def cover_picture(cover_pdf: bytes, geometry: CoverGeometry) -> bytes:
    """The front panel of the print cover as a JPEG ``COVER_HEIGHT`` (2,560) pixels high, as wide
    as the trim's aspect makes it (1,707 px for 6 × 9 in): Amazon's Kindle Publishing Guidelines
    ask for a cover at least 2,560 px high (1,600 × 2,560 ideal), Apple's at least 1,400 px wide.

    Only the front panel is rendered (the rest of the sheet is cropped
    before rasterizing), into a 4-byte RGBX bitmap that Pillow reads in
    place: the whole sheet in 3-byte RGB, copied twice, took 65 MB.
    """
    document = pdfium.PdfDocument(cover_pdf)
    page = document[0]
    scale = COVER_HEIGHT / (geometry.trim_height * 72)
    left, bleed = geometry.front_x * 72, geometry.bleed * 72
    right = geometry.width * 72 - left - geometry.trim_width * 72
    bitmap = page.render(scale=scale, crop=(left, bleed, right, bleed), prefer_bgrx=True, rev_byteorder=True)
    size = (bitmap.width, bitmap.height)
    image = Image.frombuffer("RGBX", size, bitmap.buffer, "raw", "RGBX", bitmap.stride, 1)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()
