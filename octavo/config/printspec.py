"""Print specifications: trim sizes, vendor rules, margins and the cover's geometry.

Everything here is plain arithmetic in inches, kept apart from layout so it
can be tested on its own and shared by the interior, the cover and preflight.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from octavo.model import Book

#: Named trim sizes, width x height in inches.
TRIMS: dict[str, tuple[float, float]] = {
    "5x8": (5.0, 8.0),
    "5.25x8": (5.25, 8.0),
    "5.5x8.5": (5.5, 8.5),
    "6x9": (6.0, 9.0),
    "a5": (148 / 25.4, 210 / 25.4),
    "royal": (156 / 25.4, 234 / 25.4),
}
VENDORS = ("kdp", "ingram", "lulu")
PAPERS = ("white", "cream")
BLEED = 0.125  # inches, on every trimmed edge
COVER_BLEED = 0.125

#: The vendors' published rules, which the functions below cite:
#: KDP, "Set Trim Size, Bleed, and Margins" (https://kdp.amazon.com/en_US/help/topic/GVBQ3CMEQW3W2VL6)
#: and "Paperback Cover Guidelines" (https://kdp.amazon.com/en_US/help/topic/G201953020);
#: IngramSpark, "File Requirements for Print Books"
#: (https://www.ingramspark.com/blog/file-requirements-for-print-books);
#: Lulu, "Tips for Formatting Documents"
#: (https://help.lulu.com/en/support/solutions/articles/64000255583-tips-for-formatting-documents).
#: KDP's minimum inside margin (gutter) by page count: (last page of the tier, inches).
KDP_GUTTER = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875))
#: Pages a vendor accepts for a paperback (min, max). KDP's are its published limits;
#: the IngramSpark and Lulu figures are octavo's conservative defaults. Every vendor prints
#: both sides of a leaf, so a count is even: IngramSpark adds a blank last page itself to an
#: odd one ("File Requirements for Print Books"), which would make the spine wrong.
PAGE_RANGE = {"kdp": (24, 828), "ingram": (18, 1200), "lulu": (32, 800)}
#: Spine text needs at least this many pages. KDP: "We only print spine text on books with more
#: than 79 pages" ("Create a Paperback Cover"); Lulu prints spine text "on books with as few as 80
#: pages" (Lulu's cover guidance, quoted at https://connect.lulu.com/en/discussion/343028); for
#: IngramSpark, which publishes no figure, the same 80 is assumed.
SPINE_TEXT_MIN_PAGES = {"kdp": 80, "ingram": 80, "lulu": 80}
#: Inches of clear spine kept between the spine text's ink and each fold: KDP asks for at least
#: 0.0625 in (1.6 mm) ("Create a Paperback Cover"); assumed the same for IngramSpark and Lulu.
SPINE_CLEARANCE = {"kdp": 0.0625, "ingram": 0.0625, "lulu": 0.0625}
#: The spine text's type, in points: sized to fill the spine less the clearance (``layout.cover``),
#: at most ``SPINE_TYPE_MAX_PT``; a spine that would take it smaller than ``SPINE_TYPE_MIN_PT``
#: (too small to read) gets none.
SPINE_TYPE_MAX_PT = 12.0
SPINE_TYPE_MIN_PT = 6.0
#: The gutter a reader needs beyond what the binding takes.
VISIBLE_GUTTER = 0.3
#: Running heads and folios (the margin boxes of print/book.html): their type size, the height
#: of their line and the space between that line and the text block, in points. The line holds
#: every glyph of the face (EB Garamond's ascent and descent, 1.007 + 0.298 em, are 11.75 pt at
#: 9 pt), so no ink of a head or folio is further from the text than the line's outer edge.
FURNITURE_TYPE_PT = 9.0
FURNITURE_LINE_PT = 12.0
FURNITURE_GAP_PT = 14.0
#: Inches the top and bottom margins need beyond the vendor's minimum margin for the heads and
#: folios set in them (the gap and the line), so that those stay inside the vendor's minimum.
FURNITURE = (FURNITURE_GAP_PT + FURNITURE_LINE_PT) / 72

#: Tables in print (styles/css/print.css): type size relative to the body's, the narrowest
#: column's text and the space between two columns (the outer ones stand flush with the text
#: block), in ems of the table's type.
TABLE_TYPE = 0.82
MIN_COLUMN_EMS = 2.5
COLUMN_GAP_EMS = 0.8
#: The room the characters of a number take at most, in ems of its type: a figure, a separator
#: (comma, full stop, thin space), anything else (a sign, a currency, a percent sign). A column
#: of figures is never broken, so it is as wide as its longest number (EB Garamond's tabular
#: figures are 0.48 em wide, its comma and full stop 0.23, its percent sign 0.65).
FIGURE_EMS = 0.55
SEPARATOR_EMS = 0.3
SIGN_EMS = 0.75


def number_width(text: str) -> float:
    """The most a number takes in a table, in ems of its type (``FIGURE_EMS`` …)."""
    return sum(
        FIGURE_EMS if ch.isdigit() else SEPARATOR_EMS if ch in ",.\u2009\u202f\u00a0 " else SIGN_EMS
        for ch in text
    )


_EXPLICIT = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(in|mm|cm)?\s*[x×]\s*(\d+(?:\.\d+)?)\s*(in|mm|cm)?\s*$", re.IGNORECASE
)
_UNIT = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, None: 1.0}


def parse_trim(value: str) -> tuple[float, float] | None:
    """A named trim or explicit dimensions ('5.5x8.5', '148mm x 210mm'); None if neither."""
    if value.lower() in TRIMS:
        return TRIMS[value.lower()]
    match = _EXPLICIT.match(value)
    if not match:
        return None
    w, wu, h, hu = match.groups()
    wu, hu = (wu or hu), (hu or wu)
    w_in, h_in = float(w) * _UNIT[wu and wu.lower()], float(h) * _UNIT[hu and hu.lower()]
    if not (2 <= w_in <= 12 and 2 <= h_in <= 16):
        return None
    return (w_in, h_in)


def min_gutter(vendor: str, pages: int) -> float:
    """The vendor's minimum inside margin, in inches, for a book of ``pages`` pages.

    KDP ("Set Trim Size, Bleed, and Margins"): 0.375 in up to 150 pages, then 0.5, 0.625, 0.75
    and 0.875 in for the tiers ending at 300, 500, 700 and 828 pages. IngramSpark ("File
    Requirements for Print Books": "a minimum of 0.5 in from final trim size on all sides") and
    Lulu ("Tips for Formatting Documents": "at least 0.5 in margins on all your pages"): 0.5 in.
    """
    if vendor in ("ingram", "lulu"):
        return 0.5
    for last, inches in KDP_GUTTER:
        if pages <= last:
            return inches
    return KDP_GUTTER[-1][1]


def min_outer(vendor: str, bleed: bool) -> float:
    """The vendor's minimum outside, top and bottom margin in inches, for text, running heads
    and folios alike.

    KDP ("Set Trim Size, Bleed, and Margins"): 0.25 in without bleed, 0.375 in with it.
    IngramSpark (0.5 in from the trim on all sides, "this includes page numbers") and Lulu
    (0.5 in on all pages): 0.5 in, with or without bleed.
    """
    if vendor in ("ingram", "lulu"):
        return 0.5
    return 0.375 if bleed else 0.25


def spine_width(vendor: str, paper: str, pages: int) -> float:
    """Spine width in inches from the page count and paper: KDP's paper thickness per page
    ("Create a Paperback Cover": white 0.002252 in, cream 0.0025 in), also used for IngramSpark;
    Lulu's formula, pages / 444 + 0.06 in."""
    if vendor == "lulu":
        return pages / 444 + 0.06
    per_page = 0.0025 if paper == "cream" else 0.002252
    return pages * per_page


def spine_has_text(vendor: str, pages: int) -> bool:
    """Whether the vendor prints text on the spine of a book of ``pages`` pages."""
    return pages >= SPINE_TEXT_MIN_PAGES[vendor]


@dataclass(frozen=True)
class PrintOptions:
    """The ``[print]`` table of book.toml, with defaults that make a good book."""

    trim: str = "5.5x8.5"
    paper: str = "cream"
    bleed: bool = False
    vendor: str = "kdp"
    font_size: float = 11.0
    leading: float = 14.5
    pad: bool = True  # blank pages up to the vendor's minimum page count (the count is always even)
    isbn: str = ""  # the paperback's ISBN-13, 13 digits (``config.isbn``); its barcode goes on the cover
    price: str = ""  # "USD 18.00": ONIX, and the barcode's EAN-5 add-on
    territory: str = ""  # "WORLD" or country codes, for ONIX

    @property
    def size(self) -> tuple[float, float]:
        size = parse_trim(self.trim)
        assert size is not None, "validated by config"
        return size

    def margins(self, pages: int) -> dict[str, float]:
        """Inside, outside, top and bottom margins (inches) for a book of ``pages`` pages.

        The inside margin is the vendor's gutter plus ``VISIBLE_GUTTER``; the top and bottom
        margins hold the running heads and folios (``FURNITURE``) inside the vendor's minimum
        (``min_outer``), and are at least 8 % and 10 % of the page's height.
        """
        width, height = self.size
        outer = max(min_outer(self.vendor, self.bleed), round(width * 0.105, 3))
        furnished = math.ceil((min_outer(self.vendor, self.bleed) + FURNITURE) * 1000) / 1000
        return {
            "inside": max(min_gutter(self.vendor, pages) + VISIBLE_GUTTER, round(width * 0.13, 3)),
            "outside": outer,
            "top": max(furnished, round(height * 0.08, 3)),
            "bottom": max(furnished, round(height * 0.1, 3)),
        }

    def measure(self, pages: int) -> float:
        """The text block's width in points for a book of ``pages`` pages (trim less margins)."""
        margins = self.margins(pages)
        return (self.size[0] - margins["inside"] - margins["outside"]) * 72

    def table_room(self, pages: int) -> float:
        """The measure in ems of a table's type (``TABLE_TYPE`` times the body size)."""
        return self.measure(pages) / (TABLE_TYPE * self.font_size)

    def max_table_columns(self, pages: int) -> int:
        """Most columns a table can have and still be set in the measure (print.css's table rules).

        A column narrower than ``MIN_COLUMN_EMS`` ems of the table's type
        breaks its words every few letters (about five of EB Garamond's);
        ``COLUMN_GAP_EMS`` stand between two columns.
        """
        return int((self.table_room(pages) + COLUMN_GAP_EMS) // (MIN_COLUMN_EMS + COLUMN_GAP_EMS))

    def cover_size(self, pages: int) -> tuple[float, float]:
        """Full-wrap cover width and height in inches, bleed included."""
        width, height = self.size
        return (
            2 * width + spine_width(self.vendor, self.paper, pages) + 2 * COVER_BLEED,
            height + 2 * COVER_BLEED,
        )


#: Average advance of a character of running text and notes, in ems (measured on the seed book).
AVERAGE_ADVANCE = 0.36
#: Pages a book has besides its running text: half-title, title, copyright, contents.
FURNITURE_PAGES = 4


def estimate_pages(book: Book, options: PrintOptions) -> int:
    """A rough page count from the text's length and the page's measure, to choose the gutter.

    It only spares a layout: the vendor's gutter comes in wide page-count
    tiers, and a wrong guess is corrected by laying out again.
    """
    width, height = options.size
    chars = sum(
        len(node.text) for section in book.sections for block in section.all_blocks for node in block.walk()
    )
    openings = round(1.5 * len(book.sections))  # a section opens on a recto, often after a blank
    pages = 0
    for _ in range(2):  # the measure depends on the gutter, which depends on the pages
        margins = options.margins(pages)
        line = (width - margins["inside"] - margins["outside"]) * 72 / (AVERAGE_ADVANCE * options.font_size)
        lines = (height - margins["top"] - margins["bottom"]) * 72 / options.leading
        pages = FURNITURE_PAGES + openings + round(chars / max(line * lines, 1))
    return pages
