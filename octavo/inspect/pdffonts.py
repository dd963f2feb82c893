"""What the print referee needs of a PDF font, by character code (pikepdf).

``Font`` reads a font once: each code's text (its ToUnicode CMap), advance
and outline box in em (the widths arrays, the embedded TrueType program's
glyf table, else the descriptor's ascent and descent), and, for a Type0 font,
the codes that draw glyph 0 (.notdef, the box a missing character prints as)
through its encoding CMap and CIDToGIDMap.
"""

from __future__ import annotations

import re
import struct
import sys
from array import array
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pikepdf

#: Characters drawn with no width that pdfium leaves out of a page's text (``<wbr>``, word joiners).
ZERO_WIDTH = "\u200b\u2060\ufeff"
INF = float("inf")
HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
SPACE = re.compile(rb"\s")
CIDCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*(\d+)")
CIDRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)")
BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


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


def cid_widths(array: Iterable[Any], last: int) -> Iterator[tuple[int, float]]:
    """(CID, width in glyph space) of each glyph a CIDFont's ``/W`` array gives, up to CID ``last``
    (ISO 32000-1, 9.7.4.3: ``c [w1 w2 …]`` or ``c_first c_last w``); a malformed tail is ignored."""
    import pikepdf

    widths = list(array)
    k = 0
    while k + 1 < len(widths):
        first = int(widths[k])
        if isinstance(widths[k + 1], pikepdf.Array):
            for n, w in enumerate(widths[k + 1]):
                if first + n <= last:
                    yield first + n, float(w)
            k += 2
        elif k + 2 < len(widths):
            for code in range(first, min(int(widths[k + 1]), last) + 1):
                yield code, float(widths[k + 2])
            k += 3
        else:
            break


class Font:
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
            for code, width in cid_widths(descendant.get("/W", []), size - 1):
                self.advance[code] = width * scale
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
        # a run's text, height and .notdef glyphs are read a word at a time (the codes between two
        # spaces), each word once: a book says the same words again and again
        self.space = self.text.index(" ") if " " in self.text else None
        self.separator = chr(self.space) if self.space is not None else ""
        self.unit = b"hhhh" if self.two_byte else b"hh"  # a code's hex digits, as pdftext marks them
        self.hex_code = b"<" + self.unit + b">"
        self.words = _Words(self.text, self.low, self.high, self.advance, self.notdef, self.left, self.over)
        self.spaced = self.words[self.separator]  # what the space draws
        #: what the space and then a word draw, by the word (the words of a run after its first)
        self.after_space = _AfterSpace(self.words, self.spaced)

    def codes(self, data: bytes) -> bytes | array[int]:
        """Character codes of a string's bytes."""
        if not self.two_byte:
            return data
        codes = array("H", data[: len(data) - len(data) % 2])
        if sys.byteorder == "little":
            codes.byteswap()
        return codes


#: What a run of codes draws: its text, its outlines' lowest and highest point (em; INF and -INF
#: when nothing is inked), whether a code draws .notdef, each code's advance (em), in order, and
#: how far its outlines reach left of their origins and right of their advances (em; 0 at least).
Word = tuple[str, float, float, bool, tuple[float, ...], float, float]


class _Words(dict[str, Word]):
    """What the codes of each word (a ``str`` of one character a code) draw, one by one, worked out
    the first time it is asked for: the words' text, their outlines' lowest and highest point,
    whether a code draws .notdef and the codes' advances (from the font's tables by code)."""

    def __init__(
        self,
        text: list[str],
        low: list[float],
        high: list[float],
        advance: list[float],
        notdef: set[int],
        left: list[float],
        over: list[float],
    ) -> None:
        super().__init__()
        self.text, self.low, self.high, self.advance, self.notdef = text, low, high, advance, notdef
        self.left, self.over = left, over

    def __missing__(self, word: str) -> Word:
        codes = list(map(ord, word))
        found = self[word] = (
            word.translate(self.text),  # each code's text (a list by code serves as the table)
            min(map(self.low.__getitem__, codes), default=INF),
            max(map(self.high.__getitem__, codes), default=-INF),
            not self.notdef.isdisjoint(codes),
            tuple(map(self.advance.__getitem__, codes)),
            min(0.0, min(map(self.left.__getitem__, codes), default=0.0)),
            max(0.0, max(map(self.over.__getitem__, codes), default=0.0)),
        )
        return found


class _AfterSpace(dict[str, Word]):
    """What the space and then each word draw (``_Words``' entries of the two, joined), worked
    out the first time it is asked for: a run's words after its first, each read in one look-up."""

    def __init__(self, words: _Words, space: Word) -> None:
        super().__init__()
        self.words, self.space = words, space

    def __missing__(self, word: str) -> Word:
        text, low, high, notdef, advances, left, over = self.words[word]
        space_text, space_low, space_high, space_notdef, space_advances, space_left, space_over = self.space
        found = self[word] = (
            space_text + text,
            low if low < space_low else space_low,  # min() and max() of two, written out: min(a, b)
            high if high > space_high else space_high,  # is b if b < a else a
            space_notdef or notdef,
            space_advances + advances,
            left if left < space_left else space_left,
            over if over > space_over else space_over,
        )
        return found


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
