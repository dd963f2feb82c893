"""Print arithmetic: trims, vendor gutters, spine and cover size."""

from __future__ import annotations

import pytest
from conftest import ROOT

from octavo.config import printspec
from octavo.config.printspec import PrintOptions, min_gutter, parse_trim, spine_has_text, spine_width


@pytest.mark.parametrize(
    "value, size",
    [
        ("5.5x8.5", (5.5, 8.5)),
        ("6x9", (6.0, 9.0)),
        ("148mm x 210mm", (148 / 25.4, 210 / 25.4)),
        ("5 x 8 in", (5.0, 8.0)),
        ("huge", None),
        ("100x100", None),
    ],
)
def test_parse_trim(value, size):
    result = parse_trim(value)
    assert result == (pytest.approx(size) if size else None)


@pytest.mark.parametrize(
    "pages, inches",
    [
        (24, 0.375),
        (150, 0.375),
        (151, 0.5),
        (300, 0.5),
        (301, 0.625),
        (500, 0.625),
        (501, 0.75),
        (700, 0.75),
        (701, 0.875),
        (828, 0.875),
    ],
)
def test_kdp_gutter_tiers(pages, inches):
    assert min_gutter("kdp", pages) == inches


def test_margins_never_below_vendor_minimum():
    for vendor in ("kdp", "ingram", "lulu"):
        for bleed in (False, True):
            options = PrintOptions(vendor=vendor, bleed=bleed, trim="5x8")
            for pages in (24, 200, 400, 600, 800):
                m = options.margins(pages)
                assert m["inside"] >= min_gutter(vendor, pages)
                floor = 0.5 if vendor != "kdp" else (0.375 if bleed else 0.25)
                assert min(m["outside"], m["top"], m["bottom"]) >= floor


@pytest.mark.parametrize(
    "vendor, paper, pages, spine",
    [
        ("kdp", "white", 100, 0.2252),
        ("kdp", "cream", 100, 0.25),
        ("kdp", "white", 300, 0.6756),
        ("lulu", "white", 444, 1.06),
    ],
)
def test_spine_width(vendor, paper, pages, spine):
    assert spine_width(vendor, paper, pages) == pytest.approx(spine)


@pytest.mark.parametrize("pages, paper", [(120, "white"), (320, "cream")])
def test_cover_size_formula(pages, paper):
    options = PrintOptions(trim="6x9", paper=paper)
    width, height = options.cover_size(pages)
    assert width == pytest.approx(2 * 6 + spine_width("kdp", paper, pages) + 0.25)
    assert height == pytest.approx(9 + 0.25)


@pytest.mark.parametrize("vendor", ["kdp", "ingram", "lulu"])
def test_spine_text_threshold(vendor):
    """KDP prints spine text on books of more than 79 pages; Lulu from 80; IngramSpark assumed 80."""
    assert not spine_has_text(vendor, 79) and spine_has_text(vendor, 80)


@pytest.mark.parametrize("vendor", ["kdp", "ingram", "lulu"])
@pytest.mark.parametrize("bleed", [False, True])
@pytest.mark.parametrize("trim", ["5x8", "5.5x8.5", "6x9", "a5"])
def test_top_and_bottom_margins_hold_the_heads_and_folios_inside_the_minimum(vendor, bleed, trim):
    """The heads' and folios' line and its gap from the text fit between the text and the
    vendor's minimum margin (KDP 0.25 in, 0.375 in with bleed; IngramSpark and Lulu 0.5 in)."""
    margins = PrintOptions(vendor=vendor, bleed=bleed, trim=trim).margins(200)
    floor = 0.5 if vendor != "kdp" else (0.375 if bleed else 0.25)
    room = (printspec.FURNITURE_GAP_PT + printspec.FURNITURE_LINE_PT) / 72
    assert margins["top"] >= floor + room and margins["bottom"] >= floor + room


def test_the_furniture_line_holds_every_glyph_of_the_face():
    """Heads and folios are set on a line at least as tall as the face's ascent plus descent
    (hhea), and no glyph of it rises above the ascent or falls below the descent by more than
    0.5 pt at their size: so their ink stays within the room ``FURNITURE`` keeps for them."""
    from fontTools.ttLib import TTFont

    face = TTFont(ROOT / "styles" / "fonts" / "EBGaramond-Regular.ttf")
    em = face["head"].unitsPerEm
    ascent, descent = face["hhea"].ascent / em, -face["hhea"].descent / em
    size = printspec.FURNITURE_TYPE_PT
    assert (ascent + descent) * size <= printspec.FURNITURE_LINE_PT
    assert (face["head"].yMax / em - ascent) * size <= 0.5
    assert (-face["head"].yMin / em - descent) * size <= 0.5
