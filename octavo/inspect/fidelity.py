"""The print fidelity referee: the parsed Book against the PDF as written.

The PDF file is read back, never the layout: pypdfium2 gives each character
with its font size and box, pikepdf the named destinations WeasyPrint writes
for element ids and the fonts' glyphs. Four checks, each a diagnostic
against the manuscript's ``file:line``:

- ``print-lost``: every word of each section (title, blocks) and of each
  note is in the PDF, in order, the body's among its section's pages, the
  notes' in the note areas (words compared after ``words``: case, quotes,
  ligatures, dashes and the hyphens added at line ends set aside);
- ``print-misplaced``: a note starts in the note area of its call's page
  (``note.call_id``'s destination) and may continue, in order, on the
  following pages' note areas, never on a page of another section;
- ``print-overflow``: no glyph outside the trim box, and no glyph of body
  size outside the text area (margins from ``[print]``) by more than 6 pt;
- ``glyph-missing``: no glyph drawn as .notdef (glyph 0) in a Type0 font.

A page's note area is told by size: the text below the lowest character
larger than the notes' size (measured at the notes' own destinations).
Superscript note calls (small, not letters) are left out of the words.
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import math
import re
import struct
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from octavo.config.printspec import PrintOptions
from octavo.diagnostics import Diagnostic
from octavo.model import BLOCK_TYPES, Book, Node, Note, Section

if TYPE_CHECKING:
    import pikepdf

#: A PDF matrix (a, b, c, d, e, f).
Matrix = tuple[float, ...]
#: One glyph a run inks: (char, left, bottom, right, top) in pt.
Glyph = tuple[str, float, float, float, float]

SEPARATORS = re.compile(r"[\s\-\u2013\u2014\u2026]+|\.\.\.")
#: A hyphen between letters: a compound is one word, whether a line broke at its hyphen or not.
COMPOUND = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
EDGE = re.compile(r"^[^\w]+|[^\w]+$")
#: What a typesetter adds at a line end when it hyphenates (a hard hyphen "-" is kept).
HYPHENS = "\u2010\u00ad\x02"
#: Most diagnostics of one kind reported for one PDF.
MAX_REPORTED = 8
PT = 72.0
TOLERANCE = 6.0  # pt a body glyph may stand outside the text area (overhangs, hanging punctuation)


#: Hyphens added at line ends, the non-breaking hyphen and apostrophes: dropped inside words.
DROPPED = HYPHENS + "\u2011'\u2019\u2018"


def words(text: str) -> list[str]:
    """Normalised words of a text: NFKC, case-folded; edge punctuation, quotes and hyphens dropped
    (a compound is one word: "anti-socialist" whether or not a line broke at its hyphen)."""
    tokens = SEPARATORS.split(COMPOUND.sub("", unicodedata.normalize("NFKC", text)))
    # the dropped characters are not word characters, nor spaces: dropped from all tokens at once,
    # before their edges are stripped, they leave the same words
    text = " ".join(tokens)
    for ch in DROPPED:
        text = text.replace(ch, "")
    tokens = text.split(" ")
    return [token.casefold() for token in map(EDGE.sub, repeat(""), tokens) if token]


def join_lines(lines: list[str]) -> str:
    """Lines joined into one text, undoing hyphenation at line ends (a hard hyphen stays)."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and out[-1] in HYPHENS:
            out = out[:-1] + line
        elif out and out[-1] == "-":
            out += line
        else:
            out = f"{out} {line}" if out else line
    return out


def missing_in_order(expected: list[str], got: list[str]) -> list[str]:
    """Describe every place where expected words are lost or changed (inserts are allowed)."""
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    problems = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            context = " ".join(expected[max(0, i1 - 5) : i1])
            problems.append(f"after '…{context}': expected {expected[i1:i2]!r}, found {got[j1:j2][:20]!r}")
    return problems


# -- what the manuscript says --------------------------------------------------------------------
def block_words(blocks: tuple[Node, ...], line: int) -> list[tuple[str, int]]:
    """(word, line of its innermost block) for blocks as print shows them: no images, no note calls."""
    lines, texts = [line], [""]  # a segment's line, and its text

    def visit(node: Node, line: int) -> None:
        if node.type in BLOCK_TYPES:
            lines.append(node.line or line)
            texts.append("")
            for child in node.children:
                visit(child, node.line or line)
            lines.append(line)
            texts.append("")
            return
        if node.type in ("image", "noteref"):
            return
        texts[-1] += " " if node.type in ("softbreak", "hardbreak") else node.text
        for child in node.children:
            visit(child, line)

    for block in blocks:
        visit(block, line)
    return [(w, at) for at, text in zip(lines, texts, strict=True) for w in words(text)]


# -- what the PDF says ---------------------------------------------------------------------------
@dataclass
class PageText:
    """One page's words: the body's and the note area's, and glyphs found off the page."""

    body: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)  # descriptions of glyphs out of bounds
    hyphenated: tuple[bool, bool] = (False, False)  # body, notes end with a break hyphen


#: What ``read_pages`` reads of a PDF: each page's text, and the (page, text) of .notdef glyphs drawn.
ReadPages = tuple[list[PageText], list[tuple[int, str]]]


def destinations(pdf: pikepdf.Pdf) -> dict[str, tuple[int, float]]:
    """A pikepdf ``Pdf``'s named destinations (/Names /Dests, /Dests): name -> (page index, y in pt)."""
    import pikepdf

    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    found: dict[str, tuple[int, float]] = {}
    root = pdf.Root
    items = []
    if "/Names" in root and "/Dests" in root.Names:
        items = list(pikepdf.NameTree(root.Names.Dests).items())
    if "/Dests" in root:
        items += [(str(k)[1:], v) for k, v in root.Dests.items()]
    for name, dest in items:
        dest = dest.get("/D", dest) if isinstance(dest, pikepdf.Dictionary) else dest
        if isinstance(dest, pikepdf.Array) and len(dest) >= 4 and dest[0].objgen in index:
            try:
                y = float(dest[3])
            except (TypeError, ValueError):  # a null top: the destination's page is what counts
                y = 0.0
            found[str(name)] = (index[dest[0].objgen], y)
    return found


#: Characters drawn with no width that pdfium leaves out of a page's text (``<wbr>``, word joiners).
ZERO_WIDTH = "\u200b\u2060\ufeff"
INF = float("inf")
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: The content-stream operations the reader follows; everything else is passed over.
NUMBER = rb"(?<![\w.+-])(?>[-+]?(?:\d+\.?\d*|\.\d+))"  # a whole number, never backtracked into
OPERATION = re.compile(
    rb"(?=[\[<(/\d.+\-BEqQT])(?:"  # only where an operation can start (a quick scan past the rest)
    rb"\[([^\]\(]*)\]\s*TJ"  # 1: a text array of hex strings (WeasyPrint's form)
    rb"|\[((?:[^\]\\(]|\((?:\\.|[^\\)])*\))*)\]\s*TJ"  # 2: a text array with literal strings
    rb"|(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))\s*(Tj|'|\")"  # 3, 4: a string shown
    rb"|/([^\s/\[\]<>(){}%]+)\s+(?:(" + NUMBER + rb")\s+Tf|Do)"  # 5, 6: a font set, a form drawn
    rb"|((?:" + NUMBER + rb"\s+)+)(Tm|cm|T[dDLcwzs])"  # 7, 8: operators with numbers
    rb"|(BT|ET|q|Q|T\*)(?![^\s\[/<(%])"  # 9
    rb"|\((?:\\.|[^\\)])*\)"  # a literal string elsewhere (a marked-content property): passed over
    rb"|BI\s.*?\sEI(?=\s)"  # an inline image: passed over
    rb")",
    re.S,
)
HEX_STRING = re.compile(rb"<([0-9A-Fa-f\s]*)>")
STRING_OR_NUMBER = re.compile(rb"<([0-9A-Fa-f\s]*)>|\(((?:\\.|[^\\)])*)\)|(" + NUMBER + rb")", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
LITERAL_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.S)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """The matrix ``m`` then ``n`` (PDF order: a point is ``p × m × n``)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _literal(data: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 255])
        return ESCAPES.get(code, b"" if code in (b"\n", b"\r", b"\r\n") else code)

    return LITERAL_ESCAPE.sub(one, data)


def _hex(digits: bytes) -> bytes:
    digits = SPACE.sub(b"", digits)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())  # an odd last digit is followed by 0


def _glyph_boxes(data: bytes) -> list[tuple[float, float, float, float] | None] | None:
    """Each glyph's outline box in em (None: no outline) from a TrueType font program's glyf table."""
    try:
        tables = {}
        for k in range(struct.unpack_from(">H", data, 4)[0]):
            tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * k)
            tables[tag] = offset
        head, glyf = tables[b"head"], tables[b"glyf"]
        em = struct.unpack_from(">H", data, head + 18)[0] or 1000
        glyphs = struct.unpack_from(">H", data, tables[b"maxp"] + 4)[0]
        if struct.unpack_from(">h", data, head + 50)[0]:
            loca = struct.unpack_from(f">{glyphs + 1}I", data, tables[b"loca"])
        else:
            loca = tuple(2 * x for x in struct.unpack_from(f">{glyphs + 1}H", data, tables[b"loca"]))
        boxes: list[tuple[float, float, float, float] | None] = []
        for g in range(glyphs):
            if loca[g + 1] > loca[g]:
                x0, y0, x1, y1 = struct.unpack_from(">hhhh", data, glyf + loca[g] + 2)
                boxes.append((x0 / em, y0 / em, x1 / em, y1 / em))
            else:
                boxes.append(None)
        return boxes
    except (KeyError, struct.error):
        return None


class _Font:
    """What the reader needs of a font, by character code: text, advance and outline box in em.

    Type0 fonts (WeasyPrint's) read two-byte codes, others one byte; the box
    is the glyph's outline (from an embedded TrueType program) or, without
    one, the descriptor's ascent and descent over the advance.
    """

    def __init__(self, font: pikepdf.Object) -> None:
        import pikepdf

        self.two_byte = font.get("/Subtype") == "/Type0"
        size = 65536 if self.two_byte else 256
        descendant = font.DescendantFonts[0] if self.two_byte else font
        descriptor = descendant.get("/FontDescriptor") or pikepdf.Dictionary()
        scale = 0.001
        if font.get("/Subtype") == "/Type3" and "/FontMatrix" in font:
            scale = float(font.FontMatrix[0])
        self.text = [""] * size
        default = float(descendant.get("/DW", 1000)) * scale if self.two_byte else 0.0
        self.advance = [default] * size
        self.low, self.high = [INF] * size, [-INF] * size
        self.left, self.over = [0.0] * size, [0.0] * size  # outline's left, and right beyond the advance
        self.notdef, self.notdef_text = _notdef_codes(font)
        cids: dict[int, int] | None = None
        if self.two_byte:
            widths = list(descendant.get("/W", []))
            k = 0
            while k + 1 < len(widths):
                first = int(widths[k])
                if isinstance(widths[k + 1], pikepdf.Array):
                    for n, w in enumerate(widths[k + 1]):
                        if first + n < size:
                            self.advance[first + n] = float(w) * scale
                    k += 2
                elif k + 2 < len(widths):
                    for code in range(first, min(int(widths[k + 1]), size - 1) + 1):
                        self.advance[code] = float(widths[k + 2]) * scale
                    k += 3
                else:
                    break
            encoding = font.get("/Encoding")
            if isinstance(encoding, pikepdf.Stream):
                cids = _cmap_cids(encoding.read_bytes())
        else:
            first = int(font.get("/FirstChar", 0))
            for n, w in enumerate(font.get("/Widths", [])):
                if 0 <= first + n < size:
                    self.advance[first + n] = float(w) * scale
        if isinstance(font.get("/ToUnicode"), pikepdf.Stream):
            for code, text in _to_unicode(font.ToUnicode.read_bytes()).items():
                if code < size:
                    self.text[code] = "".join(ch for ch in text if ch not in ZERO_WIDTH)
        elif not self.two_byte:
            self.text = [chr(c) for c in range(256)]
        boxes = None
        program = descriptor.get("/FontFile2")
        if isinstance(program, pikepdf.Stream) and font.get("/Subtype") != "/Type3":
            boxes = _glyph_boxes(program.read_bytes())
        if boxes is not None and self.two_byte:
            gid_map = descendant.get("/CIDToGIDMap")
            gids = gid_map.read_bytes() if isinstance(gid_map, pikepdf.Stream) else None
            codes = cids.items() if cids is not None else ((c, c) for c in range(size))
            for code, cid in codes:
                if gids is not None:
                    gid = (
                        int.from_bytes(gids[2 * cid : 2 * cid + 2], "big") if 2 * cid + 2 <= len(gids) else 0
                    )
                else:
                    gid = cid
                if gid >= len(boxes):
                    if gids is None and cids is None:
                        break
                    continue
                outline = boxes[gid]
                if outline is not None:
                    x0, y0, x1, y1 = outline
                    self.left[code], self.low[code], self.high[code] = x0, y0, y1
                    self.over[code] = x1 - self.advance[code]
        else:  # no outlines to read: the descriptor's ascent and descent, over the advance
            if font.get("/Subtype") == "/Type3" and "/FontBBox" in font:
                box = [float(v) * scale for v in font.FontBBox]
                low, high = box[1], box[3]
            else:
                low = float(descriptor.get("/Descent", -200)) / 1000
                high = float(descriptor.get("/Ascent", 800)) / 1000
            for code in range(size):
                if self.text[code].strip():
                    self.low[code], self.high[code] = low, high
        # how far any outline reaches left of its origin and right of its advance (em): for quick bounds
        self.leftmost = min(0.0, min(self.left))
        self.beyond = max(0.0, max(self.over))

    def codes(self, data: bytes) -> bytes | array[int]:
        """Character codes of a string's bytes."""
        if not self.two_byte:
            return data
        codes = array("H", data[: len(data) - len(data) % 2])
        if sys.byteorder == "little":
            codes.byteswap()
        return codes


def _cmap_cids(data: bytes) -> dict[int, int]:
    cids: dict[int, int] = {}
    for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        for lo, hi, cid in CIDRANGE.findall(block):
            for code in range(int(lo, 16), min(int(hi, 16), int(lo, 16) + 65535) + 1):
                cids[code] = int(cid) + code - int(lo, 16)
    for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        cids.update({int(code, 16): int(cid) for code, cid in CIDCHAR.findall(block)})
    return cids


BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])")


def _utf16(digits: bytes) -> str:
    return bytes.fromhex(digits.decode()).decode("utf-16-be", "replace")


def _to_unicode(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap: code -> text."""
    found: dict[int, str] = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, target in BFRANGE.findall(block):
            lo_, hi_ = int(lo, 16), min(int(hi, 16), int(lo, 16) + 65535)
            if target.startswith(b"["):
                for code, digits in zip(range(lo_, hi_ + 1), HEX.findall(target), strict=False):
                    found[code] = _utf16(SPACE.sub(b"", digits))
            else:
                start = bytes.fromhex(target[1:-1].decode())
                for code in range(lo_, hi_ + 1):
                    last = int.from_bytes(start[-2:], "big") + code - lo_
                    found[code] = (start[:-2] + (last & 0xFFFF).to_bytes(2, "big")).decode(
                        "utf-16-be", "replace"
                    )
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in BFCHAR.findall(block):
            found[int(code, 16)] = _utf16(uni)
    return found


@dataclass
class _Run:
    """One string or array of strings shown: its text, font size, outline box and baseline ends."""

    text: str
    size: float
    box: tuple[float, float, float, float] | None  # left, bottom, right, top (pt); None: nothing inked
    start: tuple[float, float]  # the first glyph's origin
    end: tuple[float, float]  # where the next glyph would go
    height: float  # the font size in pt on the page
    glyphs: Callable[[], list[tuple[str, float, float, float, float]]]  # each inked glyph: char, box


class _Reader:
    """A PDF's pages as text runs, read from the content streams (pikepdf), fonts read once."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.fonts: dict[tuple[int, int] | int, _Font] = {}
        self.notdefs: list[tuple[int, str]] = []

    def font(self, resources: pikepdf.Object | None, name: bytes) -> _Font | None:
        fonts = resources.get("/Font") if resources is not None else None
        font = fonts.get("/" + name.decode("latin-1")) if fonts is not None else None
        if font is None:
            return None
        key = font.objgen if font.is_indirect else id(font)
        if key not in self.fonts:
            self.fonts[key] = _Font(font)
        return self.fonts[key]

    def page(self, index: int, page: pikepdf.Page) -> list[_Run]:
        import pikepdf

        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents else []
        data = b"\n".join(s.read_bytes() for s in streams)
        runs: list[_Run] = []
        self._scan(data, page.obj.get("/Resources"), IDENTITY, index, runs, 0)
        return runs

    def _scan(
        self,
        data: bytes,
        resources: pikepdf.Object | None,
        ctm: Matrix,
        page: int,
        runs: list[_Run],
        depth: int,
    ) -> None:
        stack: list[tuple[Matrix, _Font | None, float, float, float, float, float, float]] = []
        font: _Font | None = None
        size = tc = tw = rise = leading = 0.0
        th = 1.0
        tm = tlm = IDENTITY
        for match in OPERATION.finditer(data):
            fast, slow, string, shows, name, points, numbers, operator, begin = match.groups()
            if fast is not None or slow is not None or string is not None:
                if string is not None and shows != b"Tj":  # ' and " go to the next line first
                    if shows == b'"':
                        operands = data[max(0, match.start() - 64) : match.start()].split()[-2:]
                        with contextlib.suppress(ValueError):
                            tw, tc = (float(v) for v in operands)
                    tlm = tm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
                if font is None:
                    continue
                content = string if string is not None else fast if fast is not None else slow
                run, advance = self._show(font, content, size, tc, tw, th, rise, _mul(tm, ctm), page)
                runs.append(run)
                tm = _mul((1.0, 0.0, 0.0, 1.0, advance, 0.0), tm)
            elif name is not None:
                if points is not None:
                    font, size = self.font(resources, name), float(points)
                elif depth < 8 and resources is not None:
                    self._form(resources, name, ctm, page, runs, depth)
            elif numbers is not None:
                values = [float(v) for v in numbers.split()]
                if operator in (b"Tm", b"cm"):
                    if len(values) >= 6:
                        if operator == b"cm":
                            ctm = _mul(tuple(values[-6:]), ctm)
                        else:
                            tm = tlm = tuple(values[-6:])
                elif operator in (b"Td", b"TD"):
                    if len(values) >= 2:
                        if operator == b"TD":
                            leading = -values[-1]
                        tlm = tm = _mul((1.0, 0.0, 0.0, 1.0, values[-2], values[-1]), tlm)
                elif operator == b"TL":
                    leading = values[-1]
                elif operator == b"Tc":
                    tc = values[-1]
                elif operator == b"Tw":
                    tw = values[-1]
                elif operator == b"Tz":
                    th = values[-1] / 100
                else:
                    rise = values[-1]
            elif begin is not None:
                if begin == b"q":
                    stack.append((ctm, font, size, tc, tw, th, rise, leading))
                elif begin == b"Q":
                    if stack:
                        ctm, font, size, tc, tw, th, rise, leading = stack.pop()
                elif begin == b"BT":
                    tm = tlm = IDENTITY
                elif begin == b"T*":
                    tlm = tm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)

    def _form(
        self, resources: pikepdf.Object, name: bytes, ctm: Matrix, page: int, runs: list[_Run], depth: int
    ) -> None:
        import pikepdf

        xobject = resources.get("/XObject", pikepdf.Dictionary()).get("/" + name.decode("latin-1"))
        if xobject is not None and xobject.get("/Subtype") == "/Form":
            inner = xobject.read_bytes()
            if b"T" in inner:  # no text operator, no text
                matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
                self._scan(
                    inner, xobject.get("/Resources", resources), _mul(matrix, ctm), page, runs, depth + 1
                )

    def _show(
        self,
        font: _Font,
        content: bytes,
        size: float,
        tc: float,
        tw: float,
        th: float,
        rise: float,
        matrix: Matrix,
        page: int,
    ) -> tuple[_Run, float]:
        """The run a string or text array draws, and how far it moves the text matrix (text space)."""
        codes: bytes | bytearray | array[int] | None = None
        numbers: list[float]
        if b"(" not in content:  # hex strings only: all decoded at once
            hexes = HEX_STRING.findall(content)
            if not any(map((3 if font.two_byte else 1).__and__, map(len, hexes))):  # whole codes each
                with contextlib.suppress(ValueError):
                    codes = font.codes(bytes.fromhex(b"".join(hexes).decode()))
                    numbers = list(map(float, HEX_STRING.sub(b" ", content).split()))
        if codes is None:
            codes = array("H") if font.two_byte else bytearray()
            numbers = []
            for string, number in _items(content):
                if string is None:
                    numbers.append(number)
                else:
                    codes.extend(font.codes(string))
        if font.notdef and not font.notdef.isdisjoint(codes):
            self.notdefs += [(page, font.notdef_text.get(c, "")) for c in codes if c in font.notdef]
        count = len(codes)
        widths = sum(map(font.advance.__getitem__, codes))
        total, absolute = sum(numbers), sum(map(abs, numbers))
        back = (absolute + total) / 2000 * size  # moves to the left (kerning), in text space
        forth = (absolute - total) / 2000 * size  # and to the right (spacing)
        spaces = codes.count(32) * tw if not font.two_byte else 0.0
        advance = (widths * size + forth - back + count * tc + spaces) * th
        text = "".join(map(font.text.__getitem__, codes))
        a, b, c, d, e, f = matrix
        start = (rise * c + e, rise * d + f)
        end = (advance * a + rise * c + e, advance * b + rise * d + f)
        height = size * math.hypot(c, d)
        box = None
        low = min(map(font.low.__getitem__, codes), default=INF)
        if low != INF:  # something is inked: a box sure to hold every outline (exact in height)
            high = max(map(font.high.__getitem__, codes))
            x0 = (font.leftmost * size - back - count * max(0.0, -tc)) * th
            x1 = ((widths + font.beyond) * size + forth + count * max(0.0, tc) + max(0.0, spaces)) * th
            y0, y1 = rise + low * size, rise + high * size
            xs = (x0 * a + y0 * c + e, x1 * a + y0 * c + e, x0 * a + y1 * c + e, x1 * a + y1 * c + e)
            ys = (x0 * b + y0 * d + f, x1 * b + y0 * d + f, x0 * b + y1 * d + f, x1 * b + y1 * d + f)
            box = (min(xs), min(ys), max(xs), max(ys))
        glyphs = partial(_glyphs, font, content, size, tc, tw, th, rise, matrix)
        return _Run(text, size, box, start, end, height, glyphs), advance


def _items(content: bytes) -> list[tuple[bytes | None, float]]:
    """A string or text array's strings (as bytes) and numbers, in order."""
    items: list[tuple[bytes | None, float]] = []
    for match in STRING_OR_NUMBER.finditer(content):
        hexes, literal, number = match.groups()
        if number is not None:
            items.append((None, float(number)))
        elif hexes is not None:
            items.append((_hex(hexes), 0.0))
        else:
            items.append((_literal(literal), 0.0))
    return items


def _glyphs(
    font: _Font, content: bytes, size: float, tc: float, tw: float, th: float, rise: float, matrix: Matrix
) -> list[Glyph]:
    """(char, left, bottom, right, top) of each inked glyph of a run, one by one (pt)."""
    a, b, c, d, e, f = matrix
    x = 0.0
    out: list[Glyph] = []
    for string, number in _items(content):
        if string is None:
            x -= number / 1000 * size * th
            continue
        for code in font.codes(string):
            text = font.text[code]
            if font.low[code] != INF and text.strip():
                x0 = x + font.left[code] * size * th
                x1 = x + (font.advance[code] + font.over[code]) * size * th
                y0, y1 = rise + font.low[code] * size, rise + font.high[code] * size
                xs = (x0 * a + y0 * c + e, x1 * a + y0 * c + e, x0 * a + y1 * c + e, x1 * a + y1 * c + e)
                ys = (x0 * b + y0 * d + f, x1 * b + y0 * d + f, x0 * b + y1 * d + f, x1 * b + y1 * d + f)
                out.append((text.strip()[0], min(xs), min(ys), max(xs), max(ys)))
            x += (font.advance[code] * size + tc + (tw if code == 32 and not font.two_byte else 0.0)) * th
    return out


def read_pages(
    pdf: pikepdf.Pdf, options: PrintOptions, pages: int, note_tops: dict[int, list[float]]
) -> ReadPages:
    """Every page's ``PageText`` and the .notdef glyphs drawn, from a pikepdf ``Pdf``
    (``note_tops``: y of note destinations by page)."""
    reader = _Reader(pdf)
    margins = {k: v * PT for k, v in options.margins(pages).items()}
    raw_pages = []
    sizes: Counter[float] = Counter()
    for index, page in enumerate(pdf.pages):
        runs = reader.page(index, page)
        raw_pages.append((tuple(float(v) for v in page.trimbox), runs))
        for run in runs:
            if run.box is not None:
                sizes[round(run.size, 1)] += len(run.text) - sum(map(str.isspace, run.text))
    # the text's size: the commonest at or above the [print] size (a long note may have more characters);
    # WeasyPrint's sizes are in CSS px (its pages are drawn at 0.75 pt a unit)
    text_sizes = [size for size, _ in sizes.most_common() if size >= options.font_size / 0.75 * 0.9]
    body_size = text_sizes[0] if text_sizes else (sizes.most_common(1)[0][0] if sizes else 0.0)
    at_notes: Counter[float] = Counter()
    for index, tops in note_tops.items():
        for top in tops:
            for run in raw_pages[index][1]:
                if run.box is not None and top - 16 < run.box[3] <= top + 2:
                    at_notes[round(run.size, 1)] += len(run.text) - sum(map(str.isspace, run.text))
    smaller = [size for size, _ in at_notes.most_common() if size < body_size * 0.95]
    note_size = smaller[0] if smaller else None  # notes set no smaller than the text: no note area
    texts = [
        _page_text(i, trim, runs, margins, body_size, note_size, note_tops.get(i, []))
        for i, (trim, runs) in enumerate(raw_pages)
    ]
    return texts, reader.notdefs


def _overflow(run: _Run, trim: Sequence[float], area: Sequence[float], body_size: float) -> list[str]:
    """Descriptions of a run's glyphs off the trim, or of body size outside the text area."""
    assert run.box is not None  # the caller passes inked runs only
    x0, y0, x1, y1 = trim
    left, bottom, right, top = run.box
    off_trim = x0 - 0.5 > left or right > x1 + 0.5 or y0 - 0.5 > bottom or top > y1 + 0.5
    checked = run.size >= body_size * 0.95
    outside = checked and (
        left < area[0] - TOLERANCE
        or right > area[2] + TOLERANCE
        or bottom < area[1] - TOLERANCE
        or top > area[3] + TOLERANCE
    )
    if not (off_trim or outside):
        return []
    found = []
    for ch, left, bottom, right, top in run.glyphs():
        if x0 - 0.5 > left or right > x1 + 0.5 or y0 - 0.5 > bottom or top > y1 + 0.5:
            found.append(f"{ch!r} off the trim at ({left:.0f}, {bottom:.0f}) pt")
        elif checked and (
            left < area[0] - TOLERANCE
            or right > area[2] + TOLERANCE
            or bottom < area[1] - TOLERANCE
            or top > area[3] + TOLERANCE
        ):
            found.append(f"{ch!r} outside the text area at ({left:.0f}, {bottom:.0f}) pt")
    return found


def _same_line(before: _Run, after: _Run) -> tuple[bool, bool]:
    """Whether ``after`` goes on ``before``'s line, and whether a space stands between them unwritten."""
    (x, y), (x_, y_) = before.end, after.start
    low = max(y - 0.25 * before.height, y_ - 0.25 * after.height)
    high = min(y + 0.75 * before.height, y_ + 0.75 * after.height)
    em = min(before.height, after.height)
    if high <= low or x_ < x - 0.5 * em:  # not level with it, or back to the left: a new line
        return False, False
    return True, x_ - x > 0.12 * em  # a word space is about 0.2 em; a run inside a word, about 0


def _page_text(
    index: int,
    trim: Sequence[float],
    runs: list[_Run],
    margins: dict[str, float],
    body_size: float,
    note_size: float | None,
    tops: Sequence[float] = (),
) -> PageText:
    """A page's body and note-area words. The note area is what stands below the top of the
    highest note (or note part) that starts on the page, read from the named destinations
    (``tops``, y in pt), and below the text's last line: a page with no note has none, whatever
    size its text is set in (a table at its foot), and a note set in the text is in none."""
    x0, y0, x1, y1 = trim
    inside, outside = (margins["inside"], margins["outside"])
    left, right = (inside, outside) if index % 2 == 0 else (outside, inside)  # page 1 is a recto
    area = (x0 + left, y0 + margins["bottom"], x1 - right, y1 - margins["top"])
    low, high = area[1] - TOLERANCE, area[3] + TOLERANCE
    # and above it, no text larger than the notes (a note set in the text is not in a note area)
    big = [
        run.box[1]
        for run in runs
        if run.box is not None
        and low <= (run.box[1] + run.box[3]) / 2 <= high
        and (note_size is None or run.size > note_size * 1.08)
    ]
    boundary = min(max(tops) + 1.0 if tops else -INF, min(big) + 0.5 if big else INF)
    lines = {"body": [""], "notes": [""]}
    result = PageText()
    region = "body"
    before = None
    for run in runs:
        text = run.text
        if before is not None:
            same, gap = _same_line(before, run)
            if not same:
                lines["body"].append("")
                lines["notes"].append("")
            elif gap and not before.text[-1:].isspace() and not text[:1].isspace():
                lines[region][-1] += " "
        before = run
        if run.box is None:  # spaces only
            lines[region][-1] += text
            continue
        result.overflow += _overflow(run, trim, area, body_size)
        size = run.size
        if not low <= (run.box[1] + run.box[3]) / 2 <= high and size < body_size * 0.95:
            continue  # running heads and folios
        is_note = run.box[3] <= boundary
        region = "notes" if is_note else "body"
        main = (note_size or body_size) if is_note else body_size
        if size < main * 0.8:
            text = "".join(ch for ch in text if ch.isalpha() or not ch.strip())  # a note call (superscript)
        if RIGHT_TO_LEFT.search(text):  # drawn in visual order: its characters the other way round
            text = text[::-1]
        lines[region][-1] += text
    body, notes = join_lines(lines["body"]), join_lines(lines["notes"])
    result.body, result.notes = words(body), words(notes)
    result.hyphenated = (body[-1:] in tuple(HYPHENS + "-"), notes[-1:] in tuple(HYPHENS + "-"))
    return result


def _stream(
    pages: list[PageText], numbers: range, notes: bool, both: bool = False
) -> tuple[list[str], list[int]]:
    """Words of the pages' body (or note areas; or, ``both``, the body then the note-sized text
    below it) in order, and the page of each; a word hyphenated across a page end is joined."""
    got: list[str] = []
    where: list[int] = []
    glue = False
    for number in numbers:
        page = pages[number]
        ws = page.body + page.notes if both else (page.notes if notes else page.body)
        if glue and ws and got:
            got[-1] += ws[0]
            ws = ws[1:]
        got += ws
        where += [number] * len(ws)
        glue = page.hyphenated[1 if notes else 0] and bool(ws)
    return got, where


#: Words of the PDF passed over at most, at one place, before the expected words are found again.
SKIP = 12
#: Expected words that must follow there for the PDF's words to be passed over.
ANCHOR = 3


def _matches(expected: list[str], got: list[str]) -> dict[int, int]:
    """Expected index -> got index of the words the alignment keeps.

    A linear walk: words in step are kept; where they differ, a few words of
    the PDF not expected (a note's number) are passed over, or failing that
    as few expected words as can be (lost), for ``ANCHOR`` words to be in
    step again (``_resync``). Where that fails within ``SKIP`` words,
    difflib aligns the rest, as it did the whole before.
    """
    matched: dict[int, int] = {}
    i = j = 0
    n, m = len(expected), len(got)
    while i < n and j < m:
        if expected[i] == got[j]:
            step = 1
            while i + step < n and j + step < m and expected[i + step] == got[j + step]:
                step += 1
            matched.update(zip(range(i, i + step), range(j, j + step), strict=True))
            i, j = i + step, j + step
            continue
        if got[j].isdigit() and not expected[i].isdigit():  # a note's number, printed before its text
            j += 1
            continue
        joined = _joined(expected[i], got, j)
        if joined:  # a word the layout broke across lines with no hyphen (a URL at a '/')
            matched[i] = j
            i, j = i + 1, j + joined
            continue
        skips = _resync(expected, got, i, j)
        if skips is not None:  # words of the PDF passed over; expected words lost or changed, if any
            i, j = i + skips[0], j + skips[1]
            continue
        matcher = difflib.SequenceMatcher(None, expected[i:], got[j:], autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            matched.update(zip(range(i + a, i + a + size), range(j + b, j + b + size), strict=True))
        break
    return matched


#: Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko... and their
#: presentation forms): a run that holds one is drawn right to left.
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
#: Pieces a word broken across lines with no hyphen (a long URL, a long name) is looked for in.
PIECES = 16
NOT_WORD = re.compile(r"\W+")


def _joined(word: str, got: list[str], j: int) -> int:
    """How many PDF words from ``j`` on, two or more, make ``word`` when put end to end; 0 if none
    do. ``render/fit.py`` lets a URL or a long string break after a '/' or '.', with no hyphen,
    so the PDF's text has it as two words or more."""
    if not got[j] or len(got[j]) >= len(word) or not word.startswith(got[j]):
        return 0
    whole = NOT_WORD.sub("", word)  # the '/' at the break is cut from the pieces' ends with the rest
    joined, k = NOT_WORD.sub("", got[j]), j + 1
    while k < len(got) and k - j < PIECES and len(joined) < len(whole):
        joined += NOT_WORD.sub("", got[k])
        k += 1
    return k - j if joined == whole and k - j > 1 else 0


def _resync(expected: list[str], got: list[str], i: int, j: int) -> tuple[int, int] | None:
    """(expected words, PDF words) to pass over for ``ANCHOR`` words to be in step again: PDF words
    alone first (nothing lost), then as few expected words as can be; None beyond ``SKIP``."""
    for lost in range(SKIP + 1):
        anchor = expected[i + lost : i + lost + ANCHOR]
        if len(anchor) < min(ANCHOR, len(expected) - i):
            return None
        for added in range(0 if lost else 1, SKIP + 1):
            if got[j + added : j + added + len(anchor)] == anchor:
                return lost, added
    return None


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs [start, end) of sorted indices."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1][1] += 1
        else:
            runs.append([i, i + 1])
    return [(a, b) for a, b in runs]


def _quote(ws: list[str]) -> str:
    return "“" + " ".join(ws[:8]) + (" …" if len(ws) > 8 else "") + "”"


@dataclass
class _Report:
    where: Callable[[Path], str]
    name: str
    found: list[Diagnostic] = field(default_factory=list)

    def add(self, path: Path, line: int, ident: str, message: str) -> None:
        if sum(d.id == ident for d in self.found) < MAX_REPORTED:
            self.found.append(Diagnostic(self.where(path), line, ident, f"{message} in {self.name}"))


def _section_pages(book: Book, dests: dict[str, tuple[int, float]], count: int) -> dict[str, range]:
    starts = sorted((dests[s.id][0], s.id) for s in book.sections if s.id in dests)
    spans = {}
    for k, (start, ident) in enumerate(starts):
        spans[ident] = range(start, starts[k + 1][0] if k + 1 < len(starts) else count)
    return spans


def _check_notes(
    section: Section,
    pages: list[PageText],
    span: range,
    dests: dict[str, tuple[int, float]],
    report: _Report,
) -> None:
    window = range(span.start, min(span.stop + 2, len(pages)))  # the next section's first pages too
    got, on = _stream(pages, window, notes=True)
    expected: list[tuple[str, int, Note]] = []
    for note in section.notes:
        expected += [(w, line, note) for w, line in block_words(note.blocks, note.line)]
    matched = _matches([w for w, _, _ in expected], got)
    lost = [i for i in range(len(expected)) if i not in matched]
    if lost:
        lost = _interleaved(expected, got, on, matched, lost, dests)
    for a, b in _runs(lost):
        note, lost_words = expected[a][2], [e[0] for e in expected[a:b]]
        report.add(
            note.file,
            expected[a][1],
            "print-lost",
            f"note {note.number}: {b - a} word(s) not in the note areas: {_quote(lost_words)}",
        )
    by_note: dict[int, list[int]] = {}
    for i, item in enumerate(expected):
        by_note.setdefault(id(item[2]), []).append(i)
    for note in section.notes:
        mine = by_note.get(id(note), [])
        if note.call_id not in dests:
            report.add(
                note.file, note.line, "print-misplaced", f"note {note.number}: its call is not in the PDF"
            )
            continue
        call = dests[note.call_id][0]
        seen = [on[matched[i]] for i in mine if i in matched]
        if mine and mine[0] in matched and seen[0] != call:
            report.add(
                note.file,
                note.line,
                "print-misplaced",
                f"note {note.number} starts on page {seen[0] + 1}, its call is on page {call + 1}",
            )
            continue
        for before, after in zip([call, *seen], seen, strict=False):
            if not (0 <= after - before <= 1):
                report.add(
                    note.file,
                    note.line,
                    "print-misplaced",
                    f"note {note.number} jumps from page {before + 1} to page {after + 1}",
                )
                break
            if after >= span.stop:
                report.add(
                    note.file,
                    note.line,
                    "print-misplaced",
                    f"note {note.number} continues on page {after + 1}, a page of another section",
                )
                break


def _interleaved(
    expected: list[tuple[str, int, Note]],
    got: list[str],
    on: list[int],
    matched: dict[int, int],
    lost: list[int],
    dests: dict[str, tuple[int, float]],
) -> list[int]:
    """The expected note words still lost once each run of them is looked for again among the
    note-area words no note took, from its call's page on: a note set under another that continues
    on its page stands between that note's parts, out of the order the alignment follows. Found
    words are added to ``matched``."""
    taken = set(matched.values())
    free = [j for j in range(len(got)) if j not in taken]
    still: list[int] = []
    for a, b in _runs(lost):
        by_note: dict[int, list[int]] = {}
        for i in range(a, b):
            by_note.setdefault(id(expected[i][2]), []).append(i)
        for indices in by_note.values():
            note = expected[indices[0]][2]
            call = dests.get(note.call_id, (0, 0.0))[0]
            start = bisect.bisect_left(free, bisect.bisect_left(on, call))
            window = [j for j in free[start : start + 4 * len(indices) + 64] if j not in taken]
            found = _matches([expected[i][0] for i in indices], [got[j] for j in window])
            for k, i in enumerate(indices):
                if k in found:
                    matched[i] = window[found[k]]
                    taken.add(window[found[k]])
                else:
                    still.append(i)
    return sorted(still)


def drawn_digest(pdf: pikepdf.Pdf, dests: dict[str, tuple[int, float]]) -> str:
    """A digest of what a pikepdf ``Pdf`` draws and where: every page's trim box, content stream
    bytes and fonts (their programs and encodings), and the named destinations. Two PDFs with one
    digest show the same glyphs at the same places, so one reading serves both."""
    import hashlib

    import pikepdf

    digest = hashlib.sha256(repr(sorted(dests.items())).encode())
    seen: dict[tuple[int, int], int] = {}  # an object met again is named by when it was first met

    def feed(obj: pikepdf.Object | None) -> None:
        if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary | pikepdf.Array) and obj.is_indirect:
            if obj.objgen in seen:
                digest.update(b"again %d" % seen[obj.objgen])
                return
            seen[obj.objgen] = len(seen)
        if isinstance(obj, pikepdf.Stream):
            try:
                digest.update(obj.read_bytes())
            except pikepdf.PdfError:  # a JPEG (DCTDecode): qpdf does not decode it; its bytes as stored
                digest.update(obj.read_raw_bytes())
            feed(obj.stream_dict)
        elif isinstance(obj, pikepdf.Dictionary):
            for key in sorted(obj.keys()):
                if key not in ("/Parent", "/StructParents", "/Annots"):
                    digest.update(key.encode())
                    feed(obj[key])
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                feed(item)
        else:
            digest.update(repr(obj).encode())

    for page in pdf.pages:
        feed(page.obj.get("/TrimBox", page.obj.get("/MediaBox")))
        feed(page.obj.get("/Contents"))
        feed(page.obj.get("/Resources"))
    return digest.hexdigest()


def note_tops(book: Book, dests: dict[str, tuple[int, float]]) -> dict[int, list[float]]:
    """Page index -> y (pt) of the top of every note, and every part of a long note, on it."""
    note_ids = {n.id for s in book.sections for n in s.notes}
    tops: dict[int, list[float]] = {}
    for name, (page, y) in dests.items():
        if name in note_ids or name.split("-cont-")[0] in note_ids:
            tops.setdefault(page, []).append(y)
    return tops


def print_problems(
    path: Path,
    book: Book,
    options: PrintOptions,
    pages: int,
    where: Callable[[Path], str] = str,
    memo: dict[str, ReadPages] | None = None,
) -> list[Diagnostic]:
    """Every print-lost, print-misplaced, print-overflow and glyph-missing problem of one PDF.

    ``path`` is the written print or archive PDF, ``options`` the book's
    [print] table (margins, trim) and ``pages`` its page count; ``where``
    names a manuscript file in the diagnostics. ``memo`` (a dict the caller
    keeps across PDFs) lets a PDF whose ``drawn_digest`` equals one read
    before be judged on that reading: the archive, written from the same
    layout as the print PDF, is then hashed rather than parsed again.
    Returns errors in compiler form, at most ``MAX_REPORTED`` of each id;
    raises what pikepdf raises on a file it cannot read.
    """
    import pikepdf

    report = _Report(where, path.name)
    with pikepdf.open(path) as pdf:
        dests = destinations(pdf)
        key = drawn_digest(pdf, dests) if memo is not None else ""
        if memo is not None and key in memo:
            texts, notdefs = memo[key]
        else:
            texts, notdefs = read_pages(pdf, options, pages, note_tops(book, dests))
            if memo is not None:
                memo[key] = (texts, notdefs)
    spans = _section_pages(book, dests, len(texts))
    for section in book.sections:
        span = spans.get(section.id, range(0, len(texts)))
        # a section without notes has no note area: small type at a page's foot (a table) is text
        got, _ = _stream(texts, span, notes=False, both=not section.notes)
        expected = [(w, section.line) for w in words(section.title)] + block_words(
            section.blocks, section.line
        )
        matched = _matches([w for w, _ in expected], got)
        for a, b in _runs([i for i in range(len(expected)) if i not in matched]):
            place = "on no page (the section has none)"
            if span:
                place = f"not on pages {span.start + 1}–{span.stop}"
            report.add(
                section.file,
                expected[a][1],
                "print-lost",
                f"{b - a} word(s) {place}: {_quote([w for w, _ in expected[a:b]])}",
            )
        if section.notes:
            _check_notes(section, texts, span, dests, report)
        for number in span:
            for problem in texts[number].overflow[:1]:
                more = len(texts[number].overflow) - 1
                report.add(
                    section.file,
                    section.line,
                    "print-overflow",
                    f"page {number + 1}: {problem}" + (f" (and {more} more glyphs)" if more else ""),
                )
    for page, text in notdefs:
        file, line = locate(book, text)
        report.add(
            file, line, "glyph-missing", f"{_glyph(text)} printed as .notdef (a box) on page {page + 1}"
        )
    return report.found


def _glyph(text: str) -> str:
    if len(text) != 1:
        return f"a glyph for {text!r}" if text else "a glyph"
    return f"U+{ord(text):04X} {unicodedata.name(text, 'UNNAMED CHARACTER')} ({text})"


def locate(book: Book, text: str) -> tuple[Path, int]:
    """The file and line of the first node whose text holds ``text`` (book.toml, 0 if none)."""
    for section in book.sections:
        if text and text in section.title:
            return section.file, section.line
        for block in section.all_blocks:
            for node in block.walk():
                if text and text in node.text:
                    return section.file, node.line
    return book.root / "book.toml", 0


# -- glyphs drawn as .notdef ---------------------------------------------------------------------
HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
SPACE = re.compile(rb"\s")
CIDCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*(\d+)")
CIDRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)")
BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


def _notdef_codes(font: pikepdf.Object) -> tuple[set[int], dict[int, str]]:
    """Codes of a Type0 font that draw glyph 0, and what its ToUnicode says they stand for."""
    import pikepdf

    if font.get("/Subtype") != "/Type0":
        return set(), {}
    encoding = font.get("/Encoding")
    cids: dict[int, int] | None = None  # None: Identity
    if isinstance(encoding, pikepdf.Stream):
        cids = _cmap_cids(encoding.read_bytes())
    descendant = font.DescendantFonts[0]
    gid_map = descendant.get("/CIDToGIDMap")
    gids = gid_map.read_bytes() if isinstance(gid_map, pikepdf.Stream) else None

    def gid(cid: int) -> int:
        if gids is None:
            return cid
        return int.from_bytes(gids[2 * cid : 2 * cid + 2], "big") if 2 * cid + 2 <= len(gids) else 0

    codes = {c for c, cid in (cids or {0: 0}).items() if gid(cid) == 0}
    if cids is None and gids is not None:
        codes |= {cid for cid in range(len(gids) // 2) if gid(cid) == 0}
    meaning: dict[int, str] = {}
    if codes and isinstance(font.get("/ToUnicode"), pikepdf.Stream):
        data = font.ToUnicode.read_bytes()
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for code, uni in BFCHAR.findall(block):
                if int(code, 16) in codes and uni:
                    meaning[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be", "replace")
    return codes, meaning


def notdef_glyphs(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """(page index, text the glyph stands for or "") of each .notdef glyph drawn in a pikepdf ``Pdf``.

    Reads the page content streams and the forms they draw (``Do``), the
    fonts' encodings (Identity-H or an embedded CMap) and CIDToGIDMap: a code
    that maps to glyph 0 in a Type0 font draws .notdef (other font types are
    not inspected). The same reading as the text's (``_Reader``).
    """
    reader = _Reader(pdf)
    for index, page in enumerate(pdf.pages):
        reader.page(index, page)
    return reader.notdefs
