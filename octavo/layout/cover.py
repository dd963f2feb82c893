"""The full-wrap cover: back, spine and front on one page, sized from the page count.

The geometry comes from ``printspec`` (trim, paper, vendor, page count); the
design is the ``print/cover.html`` template with ``cover.css`` and the book
face, rendered by WeasyPrint through the same fetcher as the interior.
"""

from __future__ import annotations

from dataclasses import dataclass

import weasyprint

from octavo import __version__
from octavo.config.printspec import COVER_BLEED, PrintOptions, spine_has_text, spine_width
from octavo.layout import patches
from octavo.layout.fetch import SafeFetcher
from octavo.model import Book
from octavo.render.templates import environment, template_values
from octavo.source.styles import Styles

#: The barcode box (inches) and its distance from the trim and the spine.
BARCODE = (2.0, 1.2)
BARCODE_INSET = 0.25
#: Live content keeps this far inside the trim of each panel.
SAFE = 0.375


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


def cover_html(book: Book, styles: Styles, options: PrintOptions, pages: int, timestamp: str) -> str:
    g = geometry(options, pages)
    return (
        environment(styles.templates)
        .get_template("print/cover.html")
        .render(
            **template_values(book),
            g=g,
            safe=SAFE,
            stylesheet=(styles.css / "cover.css").resolve().as_uri(),
            timestamp=timestamp,
            version=__version__,
        )
    )


def cover_pdf(book: Book, styles: Styles, options: PrintOptions, pages: int, timestamp: str) -> bytes:
    """The cover as PDF bytes; the same inputs give the same bytes."""
    patches.apply()
    html = cover_html(book, styles, options, pages, timestamp)
    fetcher = SafeFetcher([book.root, styles.root])
    document = weasyprint.HTML(
        string=html, base_url=book.root.resolve().as_uri() + "/", url_fetcher=fetcher
    ).render()
    data: bytes = document.write_pdf(pdf_identifier=False)
    return data
