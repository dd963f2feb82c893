"""The full-wrap cover: back, spine and front on one page, sized from the page count.

The geometry comes from ``printspec`` (trim, paper, vendor, page count); the
design is the ``print/cover.html`` template with ``cover.css`` and the book
face, rendered by WeasyPrint through the same fetcher as the interior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import weasyprint

from octavo import __version__
from octavo.config.printspec import (
    COVER_BLEED,
    SPINE_CLEARANCE,
    SPINE_TYPE_MAX_PT,
    SPINE_TYPE_MIN_PT,
    PrintOptions,
    spine_has_text,
    spine_width,
)
from octavo.layout import patches
from octavo.layout.barcode import Barcode
from octavo.layout.barcode import layout as barcode_layout
from octavo.layout.fetch import SafeFetcher
from octavo.model import Book
from octavo.render.templates import environment, template_values
from octavo.source.styles import Styles

#: The barcode box (inches) and its distance from the trim and the spine.
BARCODE = (2.0, 1.2)
BARCODE_INSET = 0.25
#: Live content keeps this far inside the trim of each panel.
SAFE = 0.375
#: The spine text is first set at this size (pt) and measured, then set at the size that fills
#: the spine (``spine_type``).
SPINE_PROBE_PT = 10.0
#: Ems of the spine text's size kept, at the least, between its author and its title.
SPINE_GAP_EMS = 2.0
PT = 72.0


@dataclass(frozen=True)
class CoverGeometry:
    """Positions in inches from the top-left corner of the cover sheet (bleed included)."""

    width: float
    height: float
    trim_width: float
    trim_height: float
    spine: float
    spine_text: bool
    bleed: float = COVER_BLEED

    @property
    def back_x(self) -> float:
        return self.bleed

    @property
    def spine_x(self) -> float:
        return self.bleed + self.trim_width

    @property
    def front_x(self) -> float:
        return self.spine_x + self.spine

    @property
    def barcode(self) -> tuple[float, float, float, float]:
        """x, y, width, height of the barcode box: bottom right of the back cover."""
        w, h = BARCODE
        x = self.spine_x - BARCODE_INSET - w
        y = self.bleed + self.trim_height - BARCODE_INSET - h
        return (x, y, w, h)


def geometry(options: PrintOptions, pages: int) -> CoverGeometry:
    width, height = options.cover_size(pages)
    trim_width, trim_height = options.size
    return CoverGeometry(
        width=width,
        height=height,
        trim_width=trim_width,
        trim_height=trim_height,
        spine=spine_width(options.vendor, options.paper, pages),
        spine_text=spine_has_text(options.vendor, pages),
    )


@dataclass(frozen=True)
class SpineType:
    """How the spine text is set: its size in pt (0: no spine text), how far (inches, towards
    the front cover) it is moved so that its ink is centred across the spine, and how its author
    and title share the spine's length (CSS ``justify-content``)."""

    size: float = 0.0
    offset: float = 0.0
    justify: str = "space-between"


def cover_html(
    book: Book,
    styles: Styles,
    options: PrintOptions,
    pages: int,
    timestamp: str,
    spine: SpineType | None = None,
) -> str:
    """The cover's HTML: geometry from ``options`` and ``pages``, ``spine`` type, and in the
    barcode box the print ISBN's EAN-13 (``layout.barcode``) when ``options.isbn`` is set, else
    nothing (the box stays empty for a printer's own barcode)."""
    g = geometry(options, pages)
    barcode: Barcode | None = None
    if options.isbn:
        barcode = barcode_layout(options.isbn, options.price, BARCODE)
    return (
        environment(styles.templates)
        .get_template("print/cover.html")
        .render(
            **template_values(book),
            g=g,
            barcode=barcode,
            safe=SAFE,
            spine=spine or SpineType(),
            stylesheet=(styles.css / "cover.css").resolve().as_uri(),
            timestamp=timestamp,
            version=__version__,
        )
    )


def _render(book: Book, styles: Styles, html: str) -> bytes:
    fetcher = SafeFetcher([book.root, styles.root])
    document = weasyprint.HTML(
        string=html, base_url=book.root.resolve().as_uri() + "/", url_fetcher=fetcher
    ).render()
    data: bytes = document.write_pdf(pdf_identifier=False)
    return data


def spine_ink(cover: bytes, g: CoverGeometry) -> tuple[float, float, float, float] | None:
    """The box of the glyphs drawn on the spine, in inches from the cover sheet's left and bottom
    edges (left, bottom, right, top), as pdfium reads them; None when the spine has none."""
    document = pdfium.PdfDocument(cover)
    try:
        textpage = document[0].get_textpage()
        low, high = g.spine_x * PT, (g.spine_x + g.spine) * PT
        boxes = []
        for index in range(textpage.count_chars()):
            if not textpage.get_text_range(index, 1).strip():
                continue
            left, bottom, right, top = textpage.get_charbox(index)
            if low <= (left + right) / 2 <= high:
                boxes.append((left, bottom, right, top))
    finally:
        document.close()
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes) / PT,
        min(b[1] for b in boxes) / PT,
        max(b[2] for b in boxes) / PT,
        max(b[3] for b in boxes) / PT,
    )


def spine_type(book: Book, styles: Styles, options: PrintOptions, pages: int, timestamp: str) -> SpineType:
    """The spine text's size and place: as large as the spine holds, at most ``SPINE_TYPE_MAX_PT``.

    The text (its author and title, packed) is set at ``SPINE_PROBE_PT`` and its ink measured
    on the PDF; ink scales with the type. The size is the largest at which that ink, centred
    across the spine, keeps the vendor's clearance from both folds (``SPINE_CLEARANCE``; KDP:
    0.0625 in) and at which author and title, ``SPINE_GAP_EMS`` apart, fit the spine's length
    less ``SAFE`` at each end. No spine text when the vendor prints none for the page count
    (``spine_has_text``) or when the spine would take it smaller than ``SPINE_TYPE_MIN_PT``.
    """
    g = geometry(options, pages)
    if not g.spine_text:
        return SpineType()
    probe = SpineType(SPINE_PROBE_PT, 0.0, "flex-start")
    ink = spine_ink(_render(book, styles, cover_html(book, styles, options, pages, timestamp, probe)), g)
    if ink is None:
        return SpineType()
    across, along = ink[2] - ink[0], ink[3] - ink[1]  # the text runs up the spine
    items = len(book.metadata.authors) + 1
    room_across = g.spine - 2 * SPINE_CLEARANCE[options.vendor]
    room_along = g.trim_height - 2 * SAFE
    needed_along = along + SPINE_GAP_EMS * SPINE_PROBE_PT / PT * (items - 1)
    scale = min(room_across / across, room_along / needed_along, SPINE_TYPE_MAX_PT / SPINE_PROBE_PT)
    size = math.floor(SPINE_PROBE_PT * scale * 10) / 10
    if size < SPINE_TYPE_MIN_PT:
        return SpineType()
    off_centre = (ink[0] + ink[2]) / 2 - (g.spine_x + g.spine / 2)  # at the probe's size
    return SpineType(size, round(-off_centre * size / SPINE_PROBE_PT, 4))


def cover_pdf(book: Book, styles: Styles, options: PrintOptions, pages: int, timestamp: str) -> bytes:
    """The cover as PDF bytes; the same inputs give the same bytes."""
    patches.apply()
    spine = spine_type(book, styles, options, pages, timestamp)
    return _render(book, styles, cover_html(book, styles, options, pages, timestamp, spine))
