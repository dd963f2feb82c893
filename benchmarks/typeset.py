#!/usr/bin/env python3
"""Measure how well a print PDF is typeset: word spaces, rivers, hyphenation and the page grid.

    python benchmarks/typeset.py [--chapters 40] [--work DIR] [--pdf FILE ...] [--manuscript DIR] [--json]

It builds the seed book (``manuscript/``) and the N-chapter book of
``benchmarks/bench.py``'s ``make_book`` (``build.py <folder> --out <dir>
--only pdf --no-referees -q``; with ``--work`` the builds are kept there and
reused when their PDF exists), then measures each print PDF, and any
``--pdf`` given (read with the ``[print]`` table of ``--manuscript``, by
default octavo's defaults), and prints Markdown tables with one row per book.
Nothing is asserted: the numbers are for reading and committing (issue 17).

What is read
------------
Only the written PDF. Its content streams are interpreted with pikepdf
(text state, text and graphics matrices, form XObjects): each glyph drawn
gives its text (the font's ToUnicode), its origin on the baseline, its
*advance end* (origin + the advance width the font's ``/W`` or ``/Widths``
array gives the glyph's code, times the size and horizontal scaling; the
character and word spacing and the ``TJ`` offsets that follow a glyph are
not its advance but white space after it) and its type size on the page (pt).
pypdfium2's loose character boxes are not used: for a glyph whose outline
reaches past its advance (an italic or roman *f*, an italic *r*) their right
edge is the outline's, which would shorten the word space after it by up
to 1 pt. Taken from octavo: ``PrintOptions``, read from the book's
``[print]`` table (the margins, ``margins(pages)`` with the PDF's own page
count, as ``octavo/inspect`` reads them; ``font_size`` and the leading), and
``pdffonts.cid_widths``, the reading of a CIDFont's ``/W`` widths (ISO
32000-1, 9.7.4.3), which is the file format's, not octavo's layout. Page 1
of the PDF is a recto: rectos are the odd page numbers (even 0-based
indexes), versos the even ones.

Definitions
-----------
- **Text block**: the trim box (the PDF's ``/TrimBox``) less the margins of
  ``PrintOptions.margins(pages)``: inside margin on the left of a recto and
  the right of a verso.
- **Line**: glyphs of one page whose baselines are within 0.45 of the larger
  type size of each other, in order of height (so a raised note call stays
  on its line: the next line is a whole leading away). Its *size* is the
  size of most of its glyphs, its baseline the median baseline of those
  glyphs, its left and right edges the first glyph's origin and the last
  non-space glyph's advance end. Glyphs smaller than 0.8 of the line's size
  are note calls or superscripts: part of their word, not counted as characters.
- **Word space (gap)**: a space glyph (any Unicode space), or white of more
  than 0.15 em between two glyphs' advances with no glyph drawn in it, splits
  a line into words. Its width is the next word's first origin less the
  previous word's last advance end: all the white the reader sees between
  the two words' advance boxes, whatever drew it (the space glyph, ``TJ``
  offsets, word spacing).
- **Natural space**: the advance width of U+0020 in the line's font (the font
  most of the line's glyphs are drawn in), read from the font's widths array
  in the PDF (what the embedded font's ``hmtx`` holds), times the line's
  size: EB Garamond's is 0.2 em, 2.2 pt at 11 pt, 1.8 pt at 9 pt. It is read
  from the font, not from the paragraphs' last lines, so that it does not
  depend on how the typesetter sets them; as a check, the median word space
  of the ragged body lines (which are set at natural spacing) divided by
  it is reported (``ragged median``): 1.00 means the two agree.
- **Body size**: the commonest size (by glyphs) of the lines inside text
  blocks, among sizes at least 0.9 of ``[print] font_size``. **Body line**: a
  line inside the text block vertically (baseline between its bottom and
  top), set in the body size (within 2 %): not running heads or folios
  (outside the block), headings (larger), block quotes, tables or notes
  (smaller). A line with a dot leader (three or more words that are a lone
  '.') is a contents entry, not body text. (Front matter set in the body
  size counts too: the seed's title page has two centred 11 pt credit lines,
  ragged, and its 9 pt copyright page, having no body line, is note lines.)
- **Note line**: a line inside the text block, below the page's lowest body
  line (or on a page with none), set in the note size: the commonest size
  of such lines below 0.95 of the body size.
- **Justified line**: a body (or note) line with at least one word space whose
  right edge is within 1 pt of the text block's right edge. **Ragged line**:
  one whose right edge falls short of it by more than 1 pt (a paragraph's
  last line, a line before a forced break). **Overfull line**: one whose
  right edge passes it by more than 1 pt.
- **Space ratio** of a justified line: its widest word space divided by its
  natural space. Reported: the % of justified lines above 1.5 and above 2,
  the largest ratio and its page, and the lines above 3.
- **Adjacent lines**: two body lines on the same page, one right below the
  other (in order of height) and at most 1.5 leadings apart: a heading or
  a block quote between them parts them.
- **River**: word spaces wider than 1.5 times natural on adjacent lines are
  linked when they overlap horizontally (the spans between the two words'
  advance boxes share some x); a river is a group of linked spaces
  (transitively) that spans at least 3 lines. Each group counts once however
  it branches. Overlap of the white itself, not a slant of a few points:
  conservative, a channel drifting sideways by more than a space is missed.
- **Hyphenated line**: a body line whose last glyph is a hyphen added by
  hyphenation: U+2010 HYPHEN or U+00AD SOFT HYPHEN, what WeasyPrint draws
  (its ``hyphenate-character``; pypdfium2's ``get_text_range`` shows
  ``"\\u2010\\r\\n"`` there). A line that breaks after a hyphen of the text
  (U+002D after a letter: "anti-|socialist") is a **hard-hyphen break**.
  Reported: hyphenated lines as a % of body lines (every body line end
  counts, paragraphs' last lines included), and hard-hyphen breaks apart.
- **Ladder**: a run of adjacent body lines each ending in a hyphen, of either
  kind (as TeX's ``\\doublehyphendemerits`` and Chicago 7.37's "no more than
  three successive lines" count them). Reported: the longest run and the
  count of runs of 3 or more lines.
- **Recto foot hyphen**: a recto's last body line ends in a hyphen of either
  kind: the word is finished overleaf.
- **Capitalised hyphenation**: a hyphenated line whose broken word starts with
  a capital letter and does not start a sentence (the word before it, in the
  body's reading order, exists and does not end in '.', '!' or '?' before any
  closing quotes or brackets, and the broken word does not start a
  paragraph, i.e. is not the first word after a ragged line).
- **Stub**: a ragged body line holding only the rest of a word hyphenated at
  the end of the line before it, of at most 4 characters (punctuation
  counted, note calls not).
- **Opening**: a page with any line set at least 1.3 times the body size (a
  section title: 16 pt against 11). **Text page**: a page with body lines
  that is not an opening, nor the last page with body lines before the next
  opening (or the book's end): a section's last page.
- **Full page**: a text page holding as many body lines as the most any text
  page holds. Reported: the % of text pages that are full, and that most.
- **Facing pair**: a verso (even page number, 2 or more) and the recto after
  it, both text pages. Reported: the % whose last body baselines are within
  0.5 pt of each other, and the largest difference; and the same for the
  page's last line of any text in the block, notes included (``foot``).
- **Baseline grid**: baselines at the text block's top less *phase* less
  k x leading (``[print] leading``), where phase is the commonest distance
  (to 0.1 pt, modulo the leading) of the body baselines below the block's
  top: the grid the book itself sets most of its lines on. A body line is
  *off the grid* if its baseline is more than 0.5 pt from it.

Page numbers in the tables are the PDF's (1-based), with the printed folio
where the page carries one.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import math
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from octavo.config.printspec import PrintOptions  # noqa: E402
from octavo.inspect.pdffonts import cid_widths  # noqa: E402

#: A PDF matrix (a, b, c, d, e, f).
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

#: Hyphens a typesetter adds when it hyphenates; a hard hyphen is U+002D.
ADDED_HYPHENS = ("\u2010", "\u00ad")
HARD_HYPHEN = "-"
#: Word spaces wider than these multiples of natural are counted.
WIDE, VERY_WIDE, EXTREME = 1.5, 2.0, 3.0
#: A line's right edge this close to the text block's (pt) is justified.
EDGE = 1.0
#: Baselines this far apart (pt) are level for the page grid and the baseline grid.
LEVEL = 0.5
#: Lines of a river span at least this many lines; ladders reported from this length.
RIVER_LINES = 3
LADDER = 3
#: A stub is at most this many characters.
STUB = 4
#: White between glyphs (in ems) that splits words with no space glyph drawn in it.
SPLIT_EM = 0.15
#: Glyphs smaller than this share of the line's size are note calls or superscripts.
SMALL = 0.8
#: A page with a line at least this many times the body size opens a section.
TITLE = 1.3
SENTENCE_END = re.compile(r"[.!?][\"'”’»)\]]*$")
ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)


# --- Reading the PDF -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Glyph:
    """One glyph drawn: its text, origin and advance end on the baseline, size; in pt, y up."""

    text: str
    x0: float  # the origin
    x1: float  # the origin plus the glyph's advance width
    y: float  # the baseline
    size: float  # the type size on the page
    space: float = 0.0  # the advance of U+0020 in the glyph's font at its size (0: the font has none)


@dataclass
class Page:
    number: int  # 1-based: odd numbers are rectos
    trim: tuple[float, float, float, float]  # left, bottom, right, top
    glyphs: list[Glyph]


def _mul(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _matrix(values: Any) -> Matrix:
    """Six numbers as a matrix (the identity if they are not six)."""
    numbers = [float(v) for v in values]
    if len(numbers) != 6:
        return IDENTITY
    return (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])


_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _utf16(digits: bytes) -> str:
    raw = bytes.fromhex(re.sub(rb"\s", b"", digits).decode())
    return raw.decode("utf-16-be", "replace")


def to_unicode(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap's code -> text (bfchar and bfrange)."""
    found: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        pairs = _HEX.findall(block)
        for code, text in zip(pairs[::2], pairs[1::2], strict=False):
            found[int(code or b"0", 16)] = _utf16(text)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])", block
        ):
            first, last = int(lo, 16), min(int(hi, 16), int(lo, 16) + 65535)
            if target.startswith(b"["):
                for code, text in zip(range(first, last + 1), _HEX.findall(target), strict=False):
                    found[code] = _utf16(text)
            else:
                start = bytes.fromhex(re.sub(rb"\s", b"", target[1:-1]).decode())
                for code in range(first, last + 1):
                    end = int.from_bytes(start[-2:], "big") + code - first
                    found[code] = (start[:-2] + (end & 0xFFFF).to_bytes(2, "big")).decode(
                        "utf-16-be", "replace"
                    )
    return found


class Font:
    """What the measures need of a PDF font: code width, code text, the space's width (text space)."""

    def __init__(self, font: Any) -> None:
        import pikepdf

        subtype = font.get("/Subtype")
        self.two_byte = subtype == "/Type0"
        self.widths: dict[int, float] = {}
        self.default = 0.0
        if self.two_byte:
            descendant = font.DescendantFonts[0]
            self.default = float(descendant.get("/DW", 1000)) / 1000
            for code, width in cid_widths(descendant.get("/W", []), 0xFFFF):
                self.widths[code] = width / 1000
        else:
            scale = 1 / 1000
            if subtype == "/Type3" and "/FontMatrix" in font:
                scale = float(font.FontMatrix[0])
            first = int(font.get("/FirstChar", 0))
            for n, w in enumerate(font.get("/Widths", [])):
                self.widths[first + n] = float(w) * scale
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None:
                self.default = float(descriptor.get("/MissingWidth", 0)) * scale
        if isinstance(font.get("/ToUnicode"), pikepdf.Stream):
            self.text = to_unicode(font.ToUnicode.read_bytes())
        else:
            self.text = {} if self.two_byte else {c: chr(c) for c in range(256)}
        spaces = [code for code, text in self.text.items() if text == " "]
        self.space = self.widths.get(spaces[0], self.default) if spaces else 0.0

    def codes(self, data: bytes) -> list[int]:
        if not self.two_byte:
            return list(data)
        return [int.from_bytes(data[k : k + 2], "big") for k in range(0, len(data) - 1, 2)]


class Reader:
    """A PDF's glyphs, page by page, from its content streams (pikepdf); fonts read once."""

    def __init__(self, path: Path) -> None:
        import pikepdf

        self.pdf = pikepdf.open(path)
        self.fonts: dict[Any, Font | None] = {}

    def pages(self) -> list[Page]:
        found = []
        for index, page in enumerate(self.pdf.pages):
            glyphs: list[Glyph] = []
            self._scan(page.obj, page.obj.get("/Resources"), IDENTITY, glyphs, 0)
            trim = tuple(float(v) for v in page.trimbox)
            found.append(Page(index + 1, (trim[0], trim[1], trim[2], trim[3]), glyphs))
        return found

    def _font(self, resources: Any, name: Any) -> Font | None:
        fonts = resources.get("/Font") if resources is not None else None
        font = fonts.get(str(name)) if fonts is not None else None
        if font is None:
            return None
        key = font.objgen if font.is_indirect else id(font)
        if key not in self.fonts:
            try:
                self.fonts[key] = Font(font)
            except (KeyError, AttributeError, IndexError, ValueError, TypeError):
                self.fonts[key] = None
        return self.fonts[key]

    def _scan(self, stream: Any, resources: Any, ctm: Matrix, glyphs: list[Glyph], depth: int) -> None:
        import pikepdf

        stack: list[tuple[Matrix, Font | None, float, float, float, float, float, float, int]] = []
        font: Font | None = None
        size = tc = tw = rise = leading = 0.0
        th = 1.0
        mode = 0
        tm = tlm = IDENTITY
        for instruction in pikepdf.parse_content_stream(stream):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            operands, op = instruction.operands, str(instruction.operator)
            if op in ("TJ", "Tj", "'", '"'):
                if op in ("'", '"'):
                    if op == '"':
                        tw, tc = float(operands[0]), float(operands[1])
                    tlm = tm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
                if font is None:
                    continue
                items = list(operands[0]) if op == "TJ" else [operands[-1]]
                base = _mul(tm, ctm)
                a, b, c, d, e, f = base
                on_page = size * math.hypot(c, d)
                upright = abs(b) < 1e-6 and abs(c) < 1e-6 and a > 0
                tx = 0.0
                for item in items:
                    if not isinstance(item, pikepdf.String):
                        tx -= float(item) / 1000 * size * th
                        continue
                    for code in font.codes(bytes(item)):
                        width = font.widths.get(code, font.default)
                        if upright and mode not in (3, 7):
                            glyphs.append(
                                Glyph(
                                    font.text.get(code, "\ufffd"),
                                    tx * a + rise * c + e,
                                    (tx + width * size * th) * a + rise * c + e,
                                    tx * b + rise * d + f,
                                    on_page,
                                    font.space * size * th * a,
                                )
                            )
                        tx += (width * size + tc + (tw if code == 32 and not font.two_byte else 0.0)) * th
                tm = _mul((1.0, 0.0, 0.0, 1.0, tx, 0.0), tm)
            elif op == "Tf":
                font, size = self._font(resources, operands[0]), float(operands[1])
            elif op == "Tm":
                tm = tlm = _matrix(operands)
            elif op in ("Td", "TD"):
                if op == "TD":
                    leading = -float(operands[1])
                tlm = tm = _mul((1.0, 0.0, 0.0, 1.0, float(operands[0]), float(operands[1])), tlm)
            elif op == "T*":
                tlm = tm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
            elif op == "TL":
                leading = float(operands[0])
            elif op == "Tc":
                tc = float(operands[0])
            elif op == "Tw":
                tw = float(operands[0])
            elif op == "Tz":
                th = float(operands[0]) / 100
            elif op == "Ts":
                rise = float(operands[0])
            elif op == "Tr":
                mode = int(operands[0])
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "cm":
                ctm = _mul(_matrix(operands), ctm)
            elif op == "q":
                stack.append((ctm, font, size, tc, tw, th, rise, leading, mode))
            elif op == "Q":
                if stack:
                    ctm, font, size, tc, tw, th, rise, leading, mode = stack.pop()
            elif op == "Do" and depth < 8 and resources is not None:
                xobjects = resources.get("/XObject")
                xobject = xobjects.get(str(operands[0])) if xobjects is not None else None
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    matrix = _matrix(xobject.get("/Matrix", IDENTITY))
                    inner = xobject.get("/Resources", resources)
                    self._scan(xobject, inner, _mul(matrix, ctm), glyphs, depth + 1)


def read_pdf(path: Path) -> list[Page]:
    """Every page's glyphs."""
    return Reader(path).pages()


# --- Lines and words -------------------------------------------------------------------------------


@dataclass
class Line:
    """A line of text on a page: its words and the word spaces between them."""

    page: int
    y: float  # baseline
    size: float
    glyphs: list[Glyph]  # left to right, spaces included
    words: list[str]  # note calls included
    gaps: list[tuple[float, float]]  # each word space: (previous word's advance end, next word's origin)
    left: float
    right: float
    natural: float  # the natural word space, pt
    kind: str = "other"  # "body", "note" or "other"
    fit: str = ""  # for body and note lines: "justified", "ragged" or "overfull"

    @property
    def ratios(self) -> list[float]:
        return [(x1 - x0) / self.natural for x0, x1 in self.gaps] if self.natural > 0 else []

    @property
    def last(self) -> str:
        """The last visible glyph's text."""
        drawn = [g.text for g in self.glyphs if not g.text.isspace()]
        return drawn[-1] if drawn else ""

    @property
    def text(self) -> str:
        return " ".join(self.words)


def group_lines(page: Page) -> list[Line]:
    """The page's glyphs as lines, top to bottom (see the module's definitions)."""
    glyphs = sorted(page.glyphs, key=lambda g: -g.y)
    clusters: list[list[Glyph]] = []
    last_y = math.inf
    biggest = 0.0
    for glyph in glyphs:
        if not clusters or last_y - glyph.y > 0.45 * max(glyph.size, biggest):
            clusters.append([])
            biggest = 0.0
        clusters[-1].append(glyph)
        last_y = glyph.y
        biggest = max(biggest, glyph.size)
    return [line for cluster in clusters if (line := make_line(page.number, cluster)) is not None]


def make_line(page: int, glyphs: list[Glyph]) -> Line | None:
    """One line from its glyphs: size, baseline, words and word spaces."""
    drawn = [g for g in glyphs if not g.text.isspace()]
    if not drawn:
        return None
    size = Counter(round(g.size, 2) for g in drawn).most_common(1)[0][0]
    main = [g for g in drawn if abs(g.size - size) <= 0.02 * size]
    baseline = statistics.median(g.y for g in main)
    spaces = Counter(round(g.space, 3) for g in main if g.space > 0)
    natural = spaces.most_common(1)[0][0] if spaces else 0.0
    ordered = sorted(glyphs, key=lambda g: g.x0)
    words: list[str] = []
    gaps: list[tuple[float, float]] = []
    word = ""
    end = 0.0
    spaced = False
    for glyph in ordered:
        if glyph.text.isspace():
            spaced = bool(word)
            continue
        if word and (spaced or glyph.x0 - end > SPLIT_EM * size):
            words.append(word)
            gaps.append((end, glyph.x0))
            word = ""
        spaced = False
        word += glyph.text
        end = glyph.x1
    words.append(word)
    left, right = min(g.x0 for g in drawn), max(g.x1 for g in drawn)
    return Line(page, baseline, size, ordered, words, gaps, left, right, natural)


def characters(line: Line) -> str:
    """The line's visible text without note calls (glyphs much smaller than the line's)."""
    return "".join(g.text for g in line.glyphs if not g.text.isspace() and g.size >= SMALL * line.size)


# --- The measures ----------------------------------------------------------------------------------


@dataclass
class Block:
    left: float
    bottom: float
    right: float
    top: float


def text_block(options: PrintOptions, pages: int, page: Page) -> Block:
    """The text block of a page: its trim box less the book's margins (inside toward the spine)."""
    margins = {k: v * 72 for k, v in options.margins(pages).items()}
    x0, y0, x1, y1 = page.trim
    recto = page.number % 2 == 1
    left, right = (
        (margins["inside"], margins["outside"]) if recto else (margins["outside"], margins["inside"])
    )
    return Block(x0 + left, y0 + margins["bottom"], x1 - right, y1 - margins["top"])


def _leader(line: Line) -> bool:
    return sum(word == "." for word in line.words) >= 3


def _folio(lines: list[Line], block: Block, recto: bool) -> str:
    """The printed page number: a number (arabic or roman) outside the text block, alone on its
    line or at the line's outer end (a running head's folio stands at the block's outside edge)."""
    for line in lines:
        if block.bottom - LEVEL <= line.y <= block.top + LEVEL or not line.words:
            continue
        if len(line.words) == 1:
            word = line.words[0]
        elif recto and line.right >= block.right - 2:
            word = line.words[-1]
        elif not recto and line.left <= block.left + 2:
            word = line.words[0]
        else:
            continue
        if word.isdigit() or ROMAN.match(word):
            return word
    return ""


@dataclass
class Book:
    """A PDF's lines, classified, with what the measures need of each page."""

    pages: list[Page]
    options: PrintOptions
    lines: dict[int, list[Line]] = field(default_factory=dict)  # page number -> lines, top to bottom
    blocks: dict[int, Block] = field(default_factory=dict)
    folios: dict[int, str] = field(default_factory=dict)
    body_size: float = 0.0
    note_size: float = 0.0

    def where(self, number: int) -> str:
        folio = self.folios.get(number)
        return f"p. {number}" + (f" (folio {folio})" if folio else "")


def classify(pages: list[Page], options: PrintOptions) -> Book:
    """Lines of every page, each marked body, note or other, and justified, ragged or overfull."""
    book = Book(pages, options)
    sizes: Counter[float] = Counter()
    for page in pages:
        block = book.blocks[page.number] = text_block(options, len(pages), page)
        lines = book.lines[page.number] = group_lines(page)
        book.folios[page.number] = _folio(lines, block, page.number % 2 == 1)
        for line in lines:
            if block.bottom - LEVEL <= line.y <= block.top + LEVEL:
                sizes[round(line.size, 1)] += len(characters(line))
    candidates = [s for s, _ in sizes.most_common() if s >= 0.9 * options.font_size]
    book.body_size = candidates[0] if candidates else (sizes.most_common(1)[0][0] if sizes else 0.0)
    notes: Counter[float] = Counter()
    for page in pages:
        block = book.blocks[page.number]
        inside = [ln for ln in book.lines[page.number] if block.bottom - LEVEL <= ln.y <= block.top + LEVEL]
        for line in inside:
            if abs(line.size - book.body_size) <= 0.02 * book.body_size and not _leader(line):
                line.kind = "body"
        body = [ln.y for ln in inside if ln.kind == "body"]
        lowest = min(body, default=math.inf)
        for line in inside:
            if line.y < lowest and line.size < 0.95 * book.body_size:
                notes[round(line.size, 1)] += len(characters(line))
    book.note_size = notes.most_common(1)[0][0] if notes else 0.0
    for page in pages:
        block = book.blocks[page.number]
        lines = book.lines[page.number]
        lowest = min((ln.y for ln in lines if ln.kind == "body"), default=math.inf)
        for line in lines:
            if (
                line.kind == "other"
                and book.note_size
                and block.bottom - LEVEL <= line.y < lowest
                and abs(line.size - book.note_size) <= 0.02 * book.note_size
            ):
                line.kind = "note"
            if line.kind != "other":
                past = line.right - block.right
                line.fit = "overfull" if past > EDGE else "justified" if past >= -EDGE else "ragged"
    return book


def adjacent(upper: Line, lower: Line, leading: float) -> bool:
    """Two body lines of one page, one right below the other, at most 1.5 leadings apart."""
    return upper.page == lower.page and 0 < upper.y - lower.y <= 1.5 * leading


def space_measures(lines: list[Line], book: Book) -> dict[str, Any]:
    """Widest word space of each justified line against natural."""
    justified = [ln for ln in lines if ln.fit == "justified" and ln.gaps and ln.natural > 0]
    widest = [(max(ln.ratios), ln) for ln in justified]
    ragged = [r for ln in lines if ln.fit == "ragged" for r in ln.ratios]
    top = max(widest, key=lambda pair: pair[0], default=None)
    return {
        "lines": len(lines),
        "justified": len(justified),
        "over_1_5": sum(r > WIDE for r, _ in widest),
        "over_2": sum(r > VERY_WIDE for r, _ in widest),
        "over_3": sum(r > EXTREME for r, _ in widest),
        "max": round(top[0], 2) if top else None,
        "max_where": book.where(top[1].page) if top else None,
        "max_line": top[1].text if top else None,
        "ragged_median": round(statistics.median(ragged), 3) if ragged else None,
        "overfull": sum(ln.fit == "overfull" for ln in lines),
        "overfull_max_pt": round(
            max((ln.right - book.blocks[ln.page].right for ln in lines), default=0.0), 2
        ),
    }


def rivers(body: list[Line], leading: float) -> list[int]:
    """Lines spanned by each river in the body lines (in reading order)."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def root(node: tuple[int, int]) -> tuple[int, int]:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    wide = [[k for k, r in enumerate(ln.ratios) if r > WIDE] for ln in body]
    for i, gaps in enumerate(wide):
        for k in gaps:
            parent[(i, k)] = (i, k)
    for i in range(len(body) - 1):
        if not (wide[i] and wide[i + 1] and adjacent(body[i], body[i + 1], leading)):
            continue
        for k in wide[i]:
            a0, a1 = body[i].gaps[k]
            for m in wide[i + 1]:
                b0, b1 = body[i + 1].gaps[m]
                if min(a1, b1) > max(a0, b0):
                    parent[root((i, k))] = root((i + 1, m))
    spans: dict[tuple[int, int], set[int]] = {}
    for node in parent:
        spans.setdefault(root(node), set()).add(node[0])
    return sorted((len(s) for s in spans.values() if len(s) >= RIVER_LINES), reverse=True)


def _hyphen(line: Line) -> str:
    """'added' if the line ends in a hyphen added by hyphenation, 'hard' after a hyphen of the text."""
    if line.last in ADDED_HYPHENS:
        return "added"
    visible = characters(line)
    if visible.endswith(HARD_HYPHEN) and len(visible) > 1 and visible[-2].isalpha():
        return "hard"
    return ""


def hyphen_measures(body: list[Line], book: Book, leading: float) -> dict[str, Any]:
    """Hyphenated line ends, ladders, recto feet, capitalised breaks and stubs in the body lines."""
    kinds = [_hyphen(ln) for ln in body]
    runs: list[int] = []
    run = 0
    for i, kind in enumerate(kinds):
        if kind and run and adjacent(body[i - 1], body[i], leading):
            run += 1
        else:
            if run:
                runs.append(run)
            run = 1 if kind else 0
    if run:
        runs.append(run)
    last_of_page: dict[int, Line] = {}
    for line in body:
        last_of_page[line.page] = line  # top to bottom: the last one stays
    recto_feet = [book.where(p) for p, ln in sorted(last_of_page.items()) if p % 2 == 1 and _hyphen(ln)]
    capitalised: list[str] = []
    stubs: list[str] = []
    for i, line in enumerate(body):
        if kinds[i] == "added":
            broken = line.words[-1]
            before = line.words[-2] if len(line.words) > 1 else (body[i - 1].words[-1] if i else "")
            starts_paragraph = len(line.words) == 1 and (i == 0 or body[i - 1].fit == "ragged")
            letters = [ch for ch in broken if ch.isalpha()]
            if (
                letters
                and letters[0].isupper()
                and before
                and not SENTENCE_END.search(before)
                and not starts_paragraph
            ):
                capitalised.append(f"{broken} ({book.where(line.page)})")
        if (
            i
            and line.fit == "ragged"
            and kinds[i - 1] == "added"
            and len(line.words) == 1
            and len(characters(line)) <= STUB
        ):
            stubs.append(f"{characters(line)} ({book.where(line.page)})")
    return {
        "body_lines": len(body),
        "hyphenated": kinds.count("added"),
        "hard_breaks": kinds.count("hard"),
        "longest_ladder": max(runs, default=0),
        "ladders": sum(r >= LADDER for r in runs),
        "recto_feet": recto_feet,
        "capitalised": capitalised,
        "stubs": stubs,
    }


def grid_measures(book: Book, leading: float) -> dict[str, Any]:
    """Full pages, facing pairs and the baseline grid."""
    body = {n: [ln for ln in lines if ln.kind == "body"] for n, lines in book.lines.items()}
    openings = {
        n for n, lines in book.lines.items() if any(ln.size >= TITLE * book.body_size for ln in lines)
    }
    with_body = [n for n in sorted(body) if body[n]]
    text_pages = []
    for k, number in enumerate(with_body):
        following = with_body[k + 1] if k + 1 < len(with_body) else None
        if number in openings or following is None or following in openings:
            continue
        text_pages.append(number)
    counts = {n: len(body[n]) for n in text_pages}
    most = max(counts.values(), default=0)
    full = [n for n in text_pages if counts[n] == most]
    pairs = []
    text = set(text_pages)
    for verso in sorted(text):
        if verso % 2 == 0 and verso + 1 in text:
            recto = verso + 1
            block = {n: book.blocks[n] for n in (verso, recto)}
            feet = [
                min(ln.y for ln in book.lines[n] if ln.kind != "other" and ln.y >= block[n].bottom - LEVEL)
                for n in (verso, recto)
            ]
            pairs.append((verso, abs(body[verso][-1].y - body[recto][-1].y), abs(feet[0] - feet[1])))
    offsets = []
    for number, lines in body.items():
        top = book.blocks[number].top
        offsets += [(top - ln.y) % leading for ln in lines]
    phase = Counter(round(o, 1) for o in offsets).most_common(1)[0][0] if offsets else 0.0
    off_grid = sum(abs((o - phase + leading / 2) % leading - leading / 2) > LEVEL for o in offsets)
    worst_pair = max(pairs, key=lambda p: p[1], default=None)
    return {
        "text_pages": len(text_pages),
        "most_lines": most,
        "full": len(full),
        "short_pages": sorted(((n, counts[n]) for n in text_pages if counts[n] < most), key=lambda p: p[1])[
            :8
        ],
        "pairs": len(pairs),
        "pairs_level": sum(d <= LEVEL for _, d, _ in pairs),
        "pairs_max_pt": round(worst_pair[1], 2) if worst_pair else None,
        "pairs_max_where": book.where(worst_pair[0]) if worst_pair else None,
        "feet_level": sum(d <= LEVEL for _, _, d in pairs),
        "body_baselines": len(offsets),
        "grid_phase_pt": phase,
        "off_grid": off_grid,
    }


def measure(pages: list[Page], options: PrintOptions) -> dict[str, Any]:
    """Every measure of one PDF (see the module's definitions)."""
    book = classify(pages, options)
    ordered = [ln for n in sorted(book.lines) for ln in book.lines[n]]
    body = [ln for ln in ordered if ln.kind == "body"]
    notes = [ln for ln in ordered if ln.kind == "note"]
    leading = options.leading
    found_rivers = rivers(body, leading)
    return {
        "pages": len(pages),
        "body_size_pt": book.body_size,
        "note_size_pt": book.note_size,
        "leading_pt": leading,
        "body": space_measures(body, book),
        "notes": space_measures(notes, book),
        "rivers": len(found_rivers),
        "longest_river": found_rivers[0] if found_rivers else 0,
        "hyphenation": hyphen_measures(body, book, leading),
        "grid": grid_measures(book, leading),
    }


# --- Building, the command line and the tables -----------------------------------------------------


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pdf_in(out: Path) -> Path | None:
    return next((p for p in sorted(out.glob("*.pdf")) if not p.name.endswith("-cover.pdf")), None)


def build(folder: Path, out: Path) -> tuple[Path, float | None]:
    """The print PDF of a manuscript folder, built into ``out`` unless one is there; its build time."""
    found = _pdf_in(out) if out.is_dir() else None
    if found is not None:
        return found, None
    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "build.py"), str(folder), "--out", str(out)]
    subprocess.run([*command, "--only", "pdf", "--no-referees", "-q"], check=True, cwd=ROOT)
    found = _pdf_in(out)
    if found is None:
        raise SystemExit(f"no print PDF in {out}")
    return found, time.perf_counter() - started


def options_of(manuscript: Path | None) -> PrintOptions:
    """The ``[print]`` options of a manuscript's book.toml (octavo's defaults without one)."""
    if manuscript is None:
        return PrintOptions()
    from octavo.config.book import load_config
    from octavo.diagnostics import Diagnostics

    diags = Diagnostics(root=manuscript)
    config = load_config(manuscript, diags)
    if config is None:
        raise SystemExit(f"{manuscript}: no usable book.toml")
    return config.print


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def _row(*cells: object) -> str:
    return "| " + " | ".join("–" if cell is None else str(cell) for cell in cells) + " |"


def _times(value: float | None) -> str | None:
    return None if value is None else f"{value}×"


def tables(results: dict[str, dict[str, Any]]) -> str:
    """The Markdown tables: one row per book in each."""
    out = [
        "### Word spaces of justified lines (widest space of the line / natural space)",
        "",
        _row(
            "book", "pages", "body lines", "justified", "> 1.5×", "> 2×", "> 3×", "widest", "where",
            "ragged median", "overfull", "notes: justified", "> 1.5×", "> 2×", "widest", "where",
        ),
        "|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|---|",
    ]  # fmt: skip
    for name, r in results.items():
        b, n = r["body"], r["notes"]
        out.append(
            _row(
                name, r["pages"], b["lines"], b["justified"], _pct(b["over_1_5"], b["justified"]),
                _pct(b["over_2"], b["justified"]), b["over_3"], _times(b["max"]), b["max_where"],
                b["ragged_median"], b["overfull"], n["justified"], _pct(n["over_1_5"], n["justified"]),
                _pct(n["over_2"], n["justified"]), _times(n["max"]), n["max_where"],
            )
        )  # fmt: skip
    out += [
        "",
        "### Rivers and hyphenation (body lines)",
        "",
        _row(
            "book", "rivers", "longest (lines)", "hyphenated line ends", "hard-hyphen breaks",
            "longest ladder", "ladders ≥ 3", "recto-foot hyphens", "capitalised", "stubs ≤ 4",
        ),
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]  # fmt: skip
    for name, r in results.items():
        h = r["hyphenation"]
        out.append(
            _row(
                name, r["rivers"], r["longest_river"],
                f"{_pct(h['hyphenated'], h['body_lines'])} ({h['hyphenated']})", h["hard_breaks"],
                h["longest_ladder"], h["ladders"], len(h["recto_feet"]), len(h["capitalised"]),
                len(h["stubs"]),
            )
        )  # fmt: skip
    out += [
        "",
        "### The page grid",
        "",
        _row(
            "book", "text pages", "most body lines", "full pages", "facing pairs", "last baselines level",
            "largest difference", "feet level", "body lines off the grid", "grid phase",
        ),
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]  # fmt: skip
    for name, r in results.items():
        g = r["grid"]
        worst = f"{g['pairs_max_pt']} pt, {g['pairs_max_where']}" if g["pairs"] else None
        out.append(
            _row(
                name, g["text_pages"], g["most_lines"], _pct(g["full"], g["text_pages"]), g["pairs"],
                _pct(g["pairs_level"], g["pairs"]), worst, _pct(g["feet_level"], g["pairs"]),
                _pct(g["off_grid"], g["body_baselines"]), f"{g['grid_phase_pt']} pt",
            )
        )  # fmt: skip
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--chapters", type=int, default=40, help="chapters of the long book (0: none)")
    parser.add_argument("--work", type=Path, help="keep the builds here and reuse them")
    parser.add_argument("--pdf", type=Path, nargs="*", default=[], help="other print PDFs to measure")
    parser.add_argument("--manuscript", type=Path, help="the book.toml of the --pdf files ([print])")
    parser.add_argument("--no-build", action="store_true", help="measure only the --pdf files")
    parser.add_argument("--json", action="store_true", help="print the measures as JSON")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="typeset-")))
        work.mkdir(parents=True, exist_ok=True)
        books: list[tuple[str, Path, PrintOptions, float | None]] = []
        if not args.no_build:
            pdf, seconds = build(ROOT / "manuscript", work / "seed")
            books.append(("seed", pdf, options_of(ROOT / "manuscript"), seconds))
            if args.chapters > 0:
                folder = work / f"book-{args.chapters}"
                if not (folder / "book.toml").is_file():
                    _bench().make_book(folder, args.chapters)
                pdf, seconds = build(folder, work / f"book-{args.chapters}-out")
                books.append((f"{args.chapters} chapters", pdf, options_of(folder), seconds))
        extra = options_of(args.manuscript)
        books += [(str(p), p, extra, None) for p in args.pdf]
        for name, pdf, options, seconds in books:
            started = time.perf_counter()
            result = measure(read_pdf(pdf), options)
            result["measure_s"] = round(time.perf_counter() - started, 2)
            result["build_s"] = round(seconds, 1) if seconds is not None else None
            result["pdf"] = str(pdf)
            results[name] = result
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(tables(results))
        print()
        for name, r in results.items():
            built = f"built in {r['build_s']} s, " if r["build_s"] is not None else ""
            print(f"- {name}: {r['pages']} pages, {built}measured in {r['measure_s']} s ({platform.node()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
