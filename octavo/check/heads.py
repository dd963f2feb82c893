"""Running heads that fit on one line (issue 19, "Printers").

The print edition's heads (``styles/css/print.css``: the book's title on a verso, the section's on
a recto, in the ``@top-center`` margin box) are one line each. WeasyPrint 70 gives the centre box
its whole text's width only when that width and twice the wider of the folio boxes beside it fit
in the text block's width (``weasyprint/layout/page.py``, ``compute_fixed_dimension``, CSS Paged
Media 3 §6.3.2); a longer head wraps, and its lines past the first fall off the top of the page.

So a head is its ``short_title`` when book.toml gives one, else the title; one that is still too
wide is cut at a word and ends with an ellipsis, and the check reports it (``head-too-long``).
Widths are the book face's advances (its regular style, small capitals as the face's ``smcp``
feature substitutes them) at the heads' size and letter-spacing. The room is the narrowest text
block the vendor's page counts allow (the widest gutter, ``printspec.KDP_GUTTER``), so a head cut
here fits whatever the page count turns out to be.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from octavo.config.bounds import CONFIG_NAME
from octavo.config.printspec import FURNITURE_TYPE_PT, PAGE_RANGE, PrintOptions
from octavo.model import Book
from octavo.source.styles import Styles

#: print.css's ``@top-center``: ``letter-spacing: 0.06em`` and small capitals.
HEAD_LETTER_SPACING = 0.06
#: ems of the heads' type kept free beyond the folios and the measured words, for kerning and
#: rounding: a head measured to the last point could still wrap.
HEAD_SLACK_EMS = 1.0
#: The widest front-matter folio allowed for (lower-case roman: 38 pages of front matter).
ROMAN_FOLIO = "xxxviii"
ELLIPSIS = "\u2026"
#: A character the face lacks (set in a fallback face), measured as this many ems: a CJK ideograph's.
UNKNOWN_EMS = 1.0


@dataclass(frozen=True)
class Shortened:
    """A head cut to fit: where its text is written (file, line), the text and what is printed."""

    file: Path
    line: int
    text: str
    head: str


@dataclass(frozen=True)
class Heads:
    """The print edition's running heads: the book's (versos) and each section's by id (rectos)."""

    book: str
    sections: dict[str, str] = field(default_factory=dict)
    shortened: tuple[Shortened, ...] = ()


class HeadMeasure:
    """Widths of a head's text in pt, from the book face's regular style, with small capitals."""

    def __init__(self, styles: Styles, size: float):
        self.size = size
        faces = sorted(styles.faces, key=lambda f: (f.italic, abs(f.weight - 400)))
        self.ems: dict[int, float] = _face_ems(styles.read(faces[0].path)) if faces else {}

    def width(self, text: str) -> float:
        """The width of ``text`` set as a head, in pt (advances and letter-spacing, no kerning)."""
        ems = sum(self.ems.get(ord(ch), UNKNOWN_EMS) + HEAD_LETTER_SPACING for ch in text)
        return ems * self.size


@lru_cache(maxsize=4)
def _face_ems(data: bytes) -> dict[int, float]:
    """Code point -> advance in ems of the font file ``data``, a lower-case letter's small capital
    (read once per face: the print HTML is rendered at every layout)."""
    font = TTFont(io.BytesIO(data), lazy=True)
    units, metrics, cmap = font["head"].unitsPerEm, font["hmtx"], font.getBestCmap()
    small = _small_caps(font)
    ems = {code: metrics[small.get(glyph, glyph)][0] / units for code, glyph in cmap.items()}
    font.close()
    return ems


def _small_caps(font: TTFont) -> dict[str, str]:
    """Glyph name -> its small capital, from the face's ``smcp`` single substitutions ({} if none)."""
    if "GSUB" not in font or font["GSUB"].table.FeatureList is None:
        return {}
    table = font["GSUB"].table
    indexes = {
        index
        for record in table.FeatureList.FeatureRecord
        if record.FeatureTag == "smcp"
        for index in record.Feature.LookupListIndex
    }
    mapping: dict[str, str] = {}
    for index in sorted(indexes):
        lookup = table.LookupList.Lookup[index]
        for sub in lookup.SubTable:
            if sub.LookupType == 7:  # an extension: the substitution it wraps
                sub = sub.ExtSubTable
            if getattr(sub, "mapping", None):
                mapping.update(sub.mapping)
    return mapping


def head_size(options: PrintOptions) -> float:
    """The heads' type size in pt (``layout.interior.furniture_type``, repeated here so that the
    check need not import the layout)."""
    return round(min(FURNITURE_TYPE_PT, options.font_size * FURNITURE_TYPE_PT / 11.0), 3)


def head_room(options: PrintOptions, measure: HeadMeasure, parts: tuple[str, ...] = ("bodymatter",)) -> float:
    """The widest a head may be, in pt: the narrowest text block of the vendor's page counts less
    twice the widest folio beside it and ``HEAD_SLACK_EMS``. A head of the front matter (``parts``
    holds ``frontmatter``) stands beside a roman folio (``ROMAN_FOLIO`` at most), one of the rest
    beside an arabic one (as many digits as the vendor's most pages)."""
    text_block = options.measure(PAGE_RANGE[options.vendor][1])
    folio = 0.0
    if "frontmatter" in parts:
        folio = measure.width(ROMAN_FOLIO)
    if set(parts) - {"frontmatter"}:
        widest_digit = max(measure.width(d) for d in "0123456789")
        folio = max(folio, widest_digit * len(str(PAGE_RANGE[options.vendor][1])))
    return text_block - 2 * folio - HEAD_SLACK_EMS * measure.size


def fit(text: str, room: float, measure: HeadMeasure) -> str:
    """``text`` if it fits in ``room`` pt, else its longest run of whole words that fits with an
    ellipsis after it (the first word's letters, if even that one is too wide)."""
    if measure.width(text) <= room:
        return text
    words = text.split(" ")
    for count in range(len(words) - 1, 0, -1):
        head = " ".join(words[:count]).rstrip(",;:.–—-") + ELLIPSIS
        if measure.width(head) <= room:
            return head
    letters = words[0]
    while letters and measure.width(letters + ELLIPSIS) > room:
        letters = letters[:-1]
    return letters + ELLIPSIS


def running_heads(book: Book, styles: Styles, options: PrintOptions) -> Heads:
    """Every running head of the print edition, fitted to one line (module docstring). A head cut
    to fit is listed in ``Heads.shortened`` with the line of its text: the section's ``#`` title
    in its file, or the ``short_title`` in book.toml that was still too long."""
    measure = HeadMeasure(styles, head_size(options))
    rooms = {
        (part,): head_room(options, measure, (part,)) for part in ("frontmatter", "bodymatter", "backmatter")
    }
    shortened: list[Shortened] = []
    config = book.root / CONFIG_NAME

    def head(text: str, short: str, file: Path, line: int, short_line: int, room: float) -> str:
        wanted = short or text
        fitted = fit(wanted, room, measure)
        if fitted != wanted:
            shortened.append(
                Shortened(config if short else file, short_line if short else line, wanted, fitted)
            )
        return fitted

    meta = book.metadata
    # the book's title heads the versos of the front matter and of the rest
    book_room = head_room(options, measure, ("frontmatter", "bodymatter"))
    book_head = head(meta.title, meta.short_title, config, meta.title_line, meta.short_title_line, book_room)
    sections = {
        s.id: head(s.title, s.short_title, s.file, s.line, s.short_line, rooms[(s.part,)])
        for s in book.sections
    }
    return Heads(book_head, sections, tuple(shortened))
