"""The print ISBN's EAN-13 barcode, with its EAN-5 price add-on, laid out for the cover's box.

python-barcode computes the EAN-13 module pattern (GS1 General
Specifications, "EAN/UPC symbology": 95 modules, guards 101 / 01010 / 101);
the add-on is the EAN-5 of the same chapter's add-on symbols (start 1011, the
digits in sets A and B chosen by the add-on's check value, separators 01),
carrying the Bookland price code
(``config.isbn.ean5_addon``). The result is geometry only: bars and digits
in inches from the box's top-left corner, which the cover template draws as
plain black boxes and text. WeasyPrint 70 puts SVG drawings in transparency
groups, which PDF/X-1a and X-3 forbid, hence no SVG picture.

Sizes follow GS1's EAN-13 (a module of 0.33 mm at 100 %, 80 % the least,
bars 22.85 mm high at 100 %, 11 modules of quiet zone on the left, 7 on the
right, the add-on 7 to 12 modules after the main symbol).
"""

from __future__ import annotations

from dataclasses import dataclass

from barcode import EAN13
from barcode.charsets import ean as charsets

from octavo.config.isbn import ean5_addon, hyphenated, parse_price

MM = 1 / 25.4
#: The module at 100 % and the least magnification GS1 allows (80 %), inches.
MODULE, MODULE_MIN = 0.33 * MM, 0.264 * MM
#: Modules: quiet zones of the EAN-13, the gap before the add-on, the add-on's right quiet zone.
QUIET_LEFT, QUIET_RIGHT, ADDON_GAP, ADDON_QUIET = 11, 7, 9, 5
#: The guard bars reach this many modules below the others (GS1's EAN-13 drawings).
GUARD_EXTRA = 5
#: The add-on's parity patterns by its check value (GS1, EAN-5 add-on): L is set A, G set B.
ADDON_PARITY = ("GGLLL", "GLGLL", "GLLGL", "GLLLG", "LGGLL", "LLGGL", "LLLGG", "LGLGL", "LGLLG", "LLGLG")
#: Inside the box (inches): the margin, the "ISBN …" line's height, the digits' height.
MARGIN, HEADER, DIGITS = 0.08, 0.16, 0.13


@dataclass(frozen=True)
class Bar:
    """A black bar: left edge, top, width and height in inches from the box's top-left corner."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Label:
    """Text centred on ``x``, its top at ``y`` (inches), ``size`` in pt."""

    text: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class Barcode:
    """The drawing: bars, the human-readable digits (and "ISBN …" above), the module in inches."""

    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]
    module: float
    digits: str
    addon: str


def ean13_modules(digits: str) -> str:
    """The 95 modules of an EAN-13 ("1" a bar module, "0" a space) of its 13 digits.

    Raises ``ValueError`` when the digits are not an EAN-13 with a right check digit.
    """
    code = EAN13(digits, no_checksum=True)
    if code.get_fullcode() != digits or code.calculate_checksum() != int(digits[-1]):
        raise ValueError(f"{digits!r} is not an EAN-13 with its check digit")
    modules: str = code.build()[0]
    return modules


def ean5_modules(addon: str) -> str:
    """The 47 modules of an EAN-5 add-on of five digits (GS1 General Specifications, add-on
    symbols: check value 3 × odd-position digits + 9 × even-position digits, modulo 10)."""
    d = [int(c) for c in addon]
    check = (3 * (d[0] + d[2] + d[4]) + 9 * (d[1] + d[3])) % 10
    parts = ["1011"]
    for i, (digit, parity) in enumerate(zip(d, ADDON_PARITY[check], strict=True)):
        if i:
            parts.append("01")
        parts.append(charsets.CODES["A" if parity == "L" else "B"][digit])
    return "".join(parts)


def _runs(modules: str, start: float, module: float) -> list[tuple[float, float, int]]:
    """(x, width, first module) of each run of bar modules."""
    runs, i = [], 0
    while i < len(modules):
        if modules[i] == "1":
            j = i
            while j < len(modules) and modules[j] == "1":
                j += 1
            runs.append((start + i * module, (j - i) * module, i))
            i = j
        else:
            i += 1
    return runs


def layout(isbn: str, price: str, box: tuple[float, float]) -> Barcode:
    """The barcode of a 13-digit ``isbn`` (with the add-on of ``price`` when given, e.g. "USD
    18.00") fitted to a box of ``box`` (width, height) inches: the largest module up to 100 %
    that fits the width with the quiet zones; ``ValueError`` when even 80 % does not fit."""
    addon = ean5_addon(parse_price(price)) if price else ""
    main = ean13_modules(isbn)
    extra = ean5_modules(addon) if addon else ""
    total = QUIET_LEFT + len(main) + (ADDON_GAP + len(extra) + ADDON_QUIET if extra else QUIET_RIGHT)
    width, height = box
    module = min(MODULE, (width - 2 * MARGIN) / total)
    if module < MODULE_MIN:
        raise ValueError(f"a {width} in box is too narrow for the barcode at 80 % (GS1's least)")
    left = MARGIN + ((width - 2 * MARGIN) - total * module) / 2 + QUIET_LEFT * module
    top = MARGIN + HEADER
    bar_height = height - top - MARGIN - DIGITS
    guard_bottom = top + bar_height + GUARD_EXTRA * module
    guards = set(range(3)) | set(range(45, 50)) | set(range(92, 95))
    bars = [
        Bar(x, top, w, (guard_bottom - top) if first in guards else bar_height)
        for x, w, first in _runs(main, left, module)
    ]
    digit_size = DIGITS * 72 * 0.82
    labels = [Label(f"ISBN {hyphenated(isbn)}", left + len(main) * module / 2, MARGIN, HEADER * 72 * 0.7)]
    below = top + bar_height + 0.01
    labels.append(Label(isbn[0], left - 4 * module, below, digit_size))
    for i, digit in enumerate(isbn[1:7]):
        labels.append(Label(digit, left + (3 + 7 * i + 3.5) * module, below, digit_size))
    for i, digit in enumerate(isbn[7:]):
        labels.append(Label(digit, left + (50 + 7 * i + 3.5) * module, below, digit_size))
    if extra:
        start = left + (len(main) + ADDON_GAP) * module
        addon_top = top + DIGITS
        bars += [Bar(x, addon_top, w, guard_bottom - addon_top) for x, w, _ in _runs(extra, start, module)]
        for i, digit in enumerate(addon):
            labels.append(Label(digit, start + (4 + 9 * i + 3.5) * module, top, digit_size))
    return Barcode(tuple(bars), tuple(labels), module, isbn, addon)
