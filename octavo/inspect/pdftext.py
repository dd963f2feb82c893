"""A PDF's text as drawn, read from its content streams (pikepdf): the reader under the
print fidelity referee.

``Reader`` follows each page's content stream, and the forms it draws, as
text runs: for each string or text array shown, its text, font size, a box
sure to hold its outlines and the glyphs one by one on demand (fonts read
once, by ``pdffonts.Font``), and the .notdef glyphs drawn. Also here: the
named destinations WeasyPrint writes for element ids, and a digest of what a
PDF draws (two PDFs with one digest are read once).
"""

from __future__ import annotations

import binascii
import codecs
import contextlib
import math
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, Any, TypeAlias

from octavo.inspect.pdffonts import INF, SPACE, Font

if TYPE_CHECKING:
    import pikepdf

#: A PDF matrix (a, b, c, d, e, f).
Matrix = tuple[float, ...]
#: One glyph a run inks: (char, left, bottom, right, top) in pt.
Glyph = tuple[str, float, float, float, float]
#: A run's character codes.
Codes: TypeAlias = "bytes | bytearray | array[int]"
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: The corners of the unit square a picture fills in its own space (ISO 32000-1, 8.9.4).
UNIT = ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
#: The content-stream operations the reader follows; everything else is passed over.
NUMBER = rb"(?<![\w.+-])(?>[-+]?(?:\d+\.?\d*|\.\d+))"  # a whole number, never backtracked into
#: Only where an operation can start (a quick scan past the rest).
_START = rb"(?=[\[<(/\d.+\-BEqQT])(?:"
_OTHERS = (
    rb"|\[((?:[^\]\\(]|\((?:\\.|[^\\)])*\))*)\]\s*TJ"  # 2: a text array with literal strings
    rb"|(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))\s*(Tj|'|\")"  # 3, 4: a string shown
    rb"|/([^\s/\[\]<>(){}%]+)\s+(?:(" + NUMBER + rb")\s+Tf|Do)"  # 5, 6: a font set, a form drawn
    rb"|((?:" + NUMBER + rb"\s+)+)(Tm|cm|T[dDLcwzs])"  # 7, 8: operators with numbers
    rb"|(BT|ET|q|Q|T\*)(?![^\s\[/<(%])"  # 9
    rb"|\((?:\\.|[^\\)])*\)"  # a literal string elsewhere (a marked-content property): passed over
    rb"|BI\s.*?\sEI(?=\s)"  # an inline image: passed over
    rb")"
)
OPERATION = re.compile(
    _START + rb"\[([^\]\(]*)\]\s*TJ" + _OTHERS,  # 1: a text array of hex strings (WeasyPrint's form)
    re.S,
)
#: ``OPERATION`` with a text object as WeasyPrint writes it, byte for byte (BT, Tm, Tf, TJ, ET, a
#: line each, maybe in the marked content that tags it: ``/Span <</MCID 3>> BDC`` ... ``EMC``, and
#: in the replacement text of a broken word, ``/Span <</ActualText (...)>> BDC`` ... ``EMC``
#: (``layout.actualtext``), where OPERATION finds nothing), as one operation (groups 1-4: the Tm
#: numbers, the font, its size, the array), then OPERATION's (groups 5-13). Its numbers are only
#: made of the bytes of numbers (``_operations`` reads them, or has OPERATION read on where one is
#: not a number) and its arrays run to the first ']', a literal string's included (OPERATION reads
#: on where an array holds one), so that both read the same operations. No group, no look-around
#: before the array: a text object costs little more than the scan of its array.
READING = re.compile(
    _START
    + rb"(?:/[A-Za-z]+\n<</MCID \d+>>\nBDC\n)?"
    + rb"(?:/Span\n<</ActualText \([^\\)]*+(?:\\.[^\\)]*+)*+\)>>\nBDC\n)?"
    + rb"BT\n([-+.\d ]*) Tm\n/([^\s/\[\]<>(){}%]+) ([-+.\d]*) Tf\n"
    + rb"\[([^\]]*)\] TJ\nET(?![^\s\[/<(%])(?:\nEMC){0,2}"
    + rb"|\[([^\]]*)\]\s*TJ"
    + _OTHERS,
    re.S,
)
_NO_TEXT_OBJECT = (None, None, None, None)
#: Bytes looked for in bytes by their value: ``b"(" in data`` makes and clears a TypeError in
#: CPython before it searches (it tries the operand as an int first), ``40 in data`` does not.
_PAREN, _LESS, _MORE, _T = b"(<>T"
_utf_16_be = codecs.utf_16_be_decode
#: For arrays of hex strings read with bytes methods (``Reader._hex_array``): hex digits made 'h',
#: '<' and '>' kept, any other byte made '!'; '>' made '<'.
_HEX_MARKS = bytes(
    b"h"[0] if b in b"0123456789ABCDEFabcdef" else b if b in b"<>" else b"!"[0] for b in range(256)
)
_CLOSE_AS_OPEN = bytes.maketrans(b">", b"<")
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


def _operations(data: bytes, numbers: _Numbers) -> Iterator[tuple[re.Match[bytes], tuple[Any, ...]]]:
    """Each operation of a content stream the reader follows, and ``READING``'s groups for it; a
    text object's Tm numbers are given as a matrix (IDENTITY for fewer than six), its font size as
    a number (read with ``numbers``)."""
    for match in READING.finditer(data):
        groups = match.groups()
        shown = groups[3] if groups[3] is not None else groups[4]
        if shown is not None and _PAREN in shown:  # a literal string in an array: OPERATION reads the rest
            break
        if groups[3] is not None:
            try:  # bytes of numbers that make no number ('1.2.3', '-', no size): OPERATION reads the rest
                size = numbers[groups[2]] if groups[2] else float(groups[2])
                groups = (numbers.matrix(groups[0]), groups[1], size, *groups[3:])
            except ValueError:
                break
        yield match, groups
    else:
        return
    for again in OPERATION.finditer(data, match.start()):
        yield again, _NO_TEXT_OBJECT + again.groups()


@dataclass
class Run:
    """One string or array of strings shown: its text, font size, outline box and baseline ends."""

    text: str
    size: float
    box: tuple[float, float, float, float] | None  # left, bottom, right, top (pt); None: nothing inked
    start: tuple[float, float]  # the first glyph's origin
    end: tuple[float, float]  # where the next glyph would go
    height: float  # the font size in pt on the page
    glyphs: Callable[[], list[tuple[str, float, float, float, float]]]  # each inked glyph: char, box


class Reader:
    """A PDF's pages as text runs, read from the content streams (pikepdf), fonts read once."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.fonts: dict[tuple[int, int] | int, Font] = {}
        self.notdefs: list[tuple[int, str]] = []
        self.numbers = _Numbers()
        #: page index -> the box (left, bottom, right, top, in pt) of each picture drawn on it
        self.pictures: dict[int, list[tuple[float, float, float, float]]] = {}

    def font(self, resources: pikepdf.Object | None, name: bytes) -> Font | None:
        fonts = resources.get("/Font") if resources is not None else None
        font = fonts.get("/" + name.decode("latin-1")) if fonts is not None else None
        if font is None:
            return None
        key = font.objgen if font.is_indirect else id(font)
        if key not in self.fonts:
            self.fonts[key] = Font(font)
        return self.fonts[key]

    def page(self, index: int, page: pikepdf.Page) -> list[Run]:
        import pikepdf

        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents else []
        data = b"\n".join(s.read_bytes() for s in streams)
        runs: list[Run] = []
        self._scan(data, page.obj.get("/Resources"), IDENTITY, index, runs, 0)
        return runs

    def _scan(
        self,
        data: bytes,
        resources: pikepdf.Object | None,
        ctm: Matrix,
        page: int,
        runs: list[Run],
        depth: int,
    ) -> None:
        stack: list[tuple[Matrix, Font | None, float, float, float, float, float, float]] = []
        font: Font | None = None
        size = tc = tw = rise = leading = 0.0
        th = 1.0
        tm = tlm = IDENTITY
        fonts: dict[bytes, Font | None] = {}  # by name, in these resources
        for match, groups in _operations(data, self.numbers):
            # a text object (its matrix, font, size and array), then OPERATION's groups
            placed, named, sized, shown, fast, slow, string, shows, name, points, numbers, operator, begin = (
                groups
            )
            if shown is not None:  # BT, Tm, Tf, TJ, ET: each done as it is done on its own
                tm = tlm = placed
                if named not in fonts:
                    fonts[named] = self.font(resources, named)
                font, size = fonts[named], sized
                if font is not None:
                    run, advance = self._show(font, shown, size, tc, tw, th, rise, _mul(tm, ctm), page)
                    runs.append(run)
                    tm = _mul((1.0, 0.0, 0.0, 1.0, advance, 0.0), tm)
            elif fast is not None or slow is not None or string is not None:
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
                    if name not in fonts:
                        fonts[name] = self.font(resources, name)
                    font, size = fonts[name], float(points)
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
        self, resources: pikepdf.Object, name: bytes, ctm: Matrix, page: int, runs: list[Run], depth: int
    ) -> None:
        import pikepdf

        xobject = resources.get("/XObject", pikepdf.Dictionary()).get("/" + name.decode("latin-1"))
        if xobject is not None and xobject.get("/Subtype") == "/Image":  # the unit square, by the CTM
            corners = [(x * ctm[0] + y * ctm[2] + ctm[4], x * ctm[1] + y * ctm[3] + ctm[5]) for x, y in UNIT]
            xs, ys = [x for x, _ in corners], [y for _, y in corners]
            self.pictures.setdefault(page, []).append((min(xs), min(ys), max(xs), max(ys)))
        if xobject is not None and xobject.get("/Subtype") == "/Form":
            inner = xobject.read_bytes()
            if _T in inner:  # no text operator, no text
                matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
                self._scan(
                    inner, xobject.get("/Resources", resources), _mul(matrix, ctm), page, runs, depth + 1
                )

    def _show(
        self,
        font: Font,
        content: bytes,
        size: float,
        tc: float,
        tw: float,
        th: float,
        rise: float,
        matrix: Matrix,
        page: int,
    ) -> tuple[Run, float]:
        """The run a string or text array draws, and how far it moves the text matrix (text space)."""
        read = self._hex_array(font, content)
        codes: Codes | None = None  # a two-byte font's codes, read from ``data`` when needed
        if read is None:
            codes, numbers = _codes(font, content)
            word = None
        else:
            data, numbers, word = read
            codes = None if font.two_byte else data
        if word is not None and font.space is not None:  # a word at a time (``Font.words``)
            pieces = word.split(font.separator)
            if len(pieces) == 1:
                text, low, high, notdef, advances, left, over = font.words[word]
                widths = sum(advances)
            else:  # the first word, then the space and the next word, one look-up each
                entries = [font.words[pieces[0]], *map(font.after_space.__getitem__, pieces[1:])]
                texts, lows, highs, notdefs, per_word, lefts, overs = zip(*entries, strict=True)
                text = "".join(texts)
                low, high, notdef = min(lows), max(highs), True in notdefs
                left, over = min(lefts), max(overs)
                widths = sum(chain.from_iterable(per_word))  # each code's advance, in order
            count = len(word)
        else:
            codes = font.codes(data) if codes is None else codes
            text = "".join(map(font.text.__getitem__, codes))
            low = min(map(font.low.__getitem__, codes), default=INF)
            high = max(map(font.high.__getitem__, codes), default=-INF)
            notdef = bool(font.notdef) and not font.notdef.isdisjoint(codes)
            widths = sum(map(font.advance.__getitem__, codes))
            left = min(0.0, min(map(font.left.__getitem__, codes), default=0.0))
            over = max(0.0, max(map(font.over.__getitem__, codes), default=0.0))
            count = len(codes)
        if notdef:
            codes = font.codes(data) if codes is None else codes
            self.notdefs += [(page, font.notdef_text.get(c, "")) for c in codes if c in font.notdef]
        total, absolute = sum(numbers), sum(map(abs, numbers))
        back = (absolute + total) / 2000 * size  # moves to the left (kerning), in text space
        forth = (absolute - total) / 2000 * size  # and to the right (spacing)
        spaces = codes.count(32) * tw if codes is not None and not font.two_byte else 0.0
        advance = (widths * size + forth - back + count * tc + spaces) * th
        a, b, c, d, e, f = matrix
        height = size * math.hypot(c, d)
        box = None
        if low != INF:  # something is inked: a box sure to hold every outline (exact in height)
            # max(0.0, v) and the like written out: max() and min() parse keyword arguments, some
            # 1,500 instructions a call, seven a run
            # the run's own glyphs' reach beyond their advances (``Font.words``), not the font's
            x0 = (left * size - back - count * (-tc if -tc > 0.0 else 0.0)) * th
            x1 = (widths + over) * size + forth + count * (tc if tc > 0.0 else 0.0)
            x1 = (x1 + (spaces if spaces > 0.0 else 0.0)) * th
            y0, y1 = rise + low * size, rise + high * size
        if b == 0.0 and c == 0.0:  # upright (WeasyPrint's): the same points, the terms of zero left out
            start = (e, rise * d + f)
            end = (advance * a + e, start[1])
            if low != INF:
                x0, x1, y0, y1 = x0 * a + e, x1 * a + e, y0 * d + f, y1 * d + f
                box = (
                    x1 if x1 < x0 else x0,
                    y1 if y1 < y0 else y0,
                    x1 if x1 > x0 else x0,
                    y1 if y1 > y0 else y0,
                )
        else:
            start = (rise * c + e, rise * d + f)
            end = (advance * a + rise * c + e, advance * b + rise * d + f)
            if low != INF:
                xs = (x0 * a + y0 * c + e, x1 * a + y0 * c + e, x0 * a + y1 * c + e, x1 * a + y1 * c + e)
                ys = (x0 * b + y0 * d + f, x1 * b + y0 * d + f, x0 * b + y1 * d + f, x1 * b + y1 * d + f)
                box = (min(xs), min(ys), max(xs), max(ys))
        glyphs = partial(_glyphs, font, content, size, tc, tw, th, rise, matrix)
        return Run(text, size, box, start, end, height, glyphs), advance

    def _hex_array(self, font: Font, content: bytes) -> tuple[bytes, list[float], str | None] | None:
        """A text array of hex strings of whole codes and numbers (WeasyPrint's) read with bytes
        methods, in C: its strings' bytes, its numbers (give or take zeros: nothing to a sum) and
        its codes as a ``str``, a character a code (None where a surrogate pair would make one
        character of two codes). None for any other string or array: ``_codes`` reads it."""
        # each '<' and '>' in a hex string of whole codes (of one code, or none, most often)
        marks = content.translate(_HEX_MARKS)
        rest = marks.replace(font.hex_code, b"!").replace(b"<>", b"")
        if _LESS in rest or _MORE in rest:
            rest = marks.replace(font.unit, b"").replace(b"<>", b"")
            if _LESS in rest or _MORE in rest:
                return None  # not in turn, or a byte other than a hex digit (a space too), or a code cut
        # the zero after most glyphs dropped, the hex strings on either side of it are one
        parts = content.replace(b">0<", b"").translate(_CLOSE_AS_OPEN).split(b"<")
        try:  # a number between two hex strings (or none: 0, nothing to a sum), as WeasyPrint writes
            numbers = list(map(self.numbers.__getitem__, parts[::2]))
        except ValueError:  # spaces only, or numbers, between two hex strings: each number
            try:
                numbers = list(map(self.numbers.__getitem__, b" ".join(parts[::2]).split()))
            except ValueError:
                return None
        data = binascii.a2b_hex(b"".join(parts[1::2]))
        if not font.two_byte:
            return data, numbers, data.decode("latin-1")
        word = _utf_16_be(data, "surrogatepass", True)[0]  # bytes.decode looks the codec up by name
        return data, numbers, word if 2 * len(word) == len(data) else None


def _codes(font: Font, content: bytes) -> tuple[Codes, list[float]]:
    """The codes and numbers of any string or text array."""
    codes: bytes | bytearray | array[int] | None = None
    numbers: list[float]
    if _PAREN not in content:  # hex strings only: all decoded at once
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
    return codes, numbers


class _Numbers(dict[bytes, float]):
    """Numbers of text arrays and text objects by their bytes, each read once (``float``: spaces
    around one are passed over; nothing is 0), and Tm operands as matrices."""

    def __init__(self) -> None:
        super().__init__({b"": 0.0})
        self.matrices: dict[bytes, Matrix] = {}

    def __missing__(self, digits: bytes) -> float:
        number = self[digits] = float(digits)
        return number

    def matrix(self, operands: bytes) -> Matrix:
        """The matrix of a Tm's operands (numbers parted by spaces): the last six; IDENTITY for
        fewer. Raises ValueError where one is not a number."""
        found = self.matrices.get(operands)
        if found is None:
            values = tuple(map(float, operands.split()))
            found = self.matrices[operands] = values[-6:] if len(values) >= 6 else IDENTITY
        return found


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
    font: Font, content: bytes, size: float, tc: float, tw: float, th: float, rise: float, matrix: Matrix
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


def drawn_digest(pdf: pikepdf.Pdf, dests: dict[str, tuple[int, float]]) -> str:
    """A digest of what a pikepdf ``Pdf`` draws and where: every page's trim box, content stream
    bytes and fonts (their programs and encodings), and the named destinations. Two PDFs with one
    digest show the same glyphs at the same places, so one reading serves both (two that draw the
    same with streams stored otherwise, compressed otherwise, have two digests: each is read)."""
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
            # the bytes as stored, and (in its dictionary) the filters that decode them: the same
            # stored bytes decode to the same bytes, and are not decoded for it (nor need be: qpdf
            # does not decode a JPEG's)
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


def notdef_glyphs(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """(page index, text the glyph stands for or "") of each .notdef glyph drawn in a pikepdf ``Pdf``.

    Reads the page content streams and the forms they draw (``Do``), the
    fonts' encodings (Identity-H or an embedded CMap) and CIDToGIDMap: a code
    that maps to glyph 0 in a Type0 font draws .notdef (other font types are
    not inspected). The same reading as the text's (``Reader``).
    """
    reader = Reader(pdf)
    for index, page in enumerate(pdf.pages):
        reader.page(index, page)
    return reader.notdefs
