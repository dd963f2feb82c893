"""The full-wrap cover: size from the page count and paper, an empty barcode box, spine text rules."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import MANUSCRIPT

from octavo.config.book import load_config
from octavo.config.printspec import PrintOptions, spine_width
from octavo.diagnostics import Diagnostics
from octavo.layout.cover import cover_pdf, geometry
from octavo.source.parse import parse_book
from octavo.source.styles import find_styles

PT = 72.0


@pytest.fixture(scope="module")
def book():
    diags = Diagnostics()
    return parse_book(load_config(MANUSCRIPT, diags), diags)


def render(book, tmp_path: Path, options: PrintOptions, pages: int) -> Path:
    path = tmp_path / f"cover-{options.vendor}-{options.paper}-{pages}.pdf"
    path.write_bytes(cover_pdf(book, find_styles(), options, pages, "2026-01-01T00:00:00Z"))
    return path


@pytest.mark.parametrize("vendor", ["kdp", "lulu"])
@pytest.mark.parametrize("paper", ["white", "cream"])
@pytest.mark.parametrize("pages", [120, 320])
def test_cover_size_follows_the_formula(book, tmp_path, vendor, paper, pages):
    options = PrintOptions(trim="6x9", paper=paper, vendor=vendor)
    path = render(book, tmp_path, options, pages)
    pdf = pdfium.PdfDocument(str(path))
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert width / PT == pytest.approx(2 * 6 + spine_width(vendor, paper, pages) + 0.25, abs=0.002)
    assert height / PT == pytest.approx(9.25, abs=0.002)


def _intersects(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_barcode_box_is_empty_and_placed(book, tmp_path):
    options = PrintOptions(trim="5.5x8.5", paper="cream")
    path = render(book, tmp_path, options, 320)
    g = geometry(options, 320)
    x, y, w, h = g.barcode
    page = pdfium.PdfDocument(str(path))[0]
    height = page.get_height()
    box = (x * PT, height - (y + h) * PT, (x + w) * PT, height - y * PT)  # PDF coordinates
    # 0.25 in from the spine and from the bottom trim
    assert (g.spine_x - (x + w)) == pytest.approx(0.25)
    assert (g.bleed + g.trim_height - (y + h)) == pytest.approx(0.25)
    text = page.get_textpage().get_text_bounded(left=box[0], bottom=box[1], right=box[2], top=box[3])
    assert text.strip() == ""
    page_area = page.get_width() * height
    for obj in page.get_objects():
        bounds = obj.get_bounds()
        area = (bounds[2] - bounds[0]) * (bounds[3] - bounds[1])
        if area > 0.05 * page_area:
            continue  # panel backgrounds
        inside = _intersects(bounds, box)
        is_white_box = bounds == pytest.approx(box, abs=1.0)
        assert not inside or is_white_box, (obj.type, bounds)


@pytest.mark.parametrize("pages, has_text", [(60, False), (320, True)])
def test_spine_text_only_when_the_page_count_allows(book, tmp_path, pages, has_text):
    options = PrintOptions(paper="white")
    path = render(book, tmp_path, options, pages)
    g = geometry(options, pages)
    page = pdfium.PdfDocument(str(path))[0]
    text = page.get_textpage().get_text_bounded(
        left=g.spine_x * PT, right=(g.spine_x + g.spine) * PT, bottom=0, top=page.get_height()
    )
    assert bool(text.strip()) == has_text


def _spine_glyphs(path: Path, g) -> list[tuple[float, float, float, float, float]]:
    """(left, bottom, right, top, size in pt) of each glyph drawn on the spine, in inches but the size."""
    import pypdfium2.raw as raw

    textpage = pdfium.PdfDocument(str(path))[0].get_textpage()
    found = []
    for index in range(textpage.count_chars()):
        if not textpage.get_text_range(index, 1).strip():
            continue
        left, bottom, right, top = (v / PT for v in textpage.get_charbox(index))
        if g.spine_x <= (left + right) / 2 <= g.spine_x + g.spine:
            found.append((left, bottom, right, top, raw.FPDFText_GetFontSize(textpage, index) * 0.75))
    return found


@pytest.mark.parametrize(
    "vendor, paper, pages",
    [
        ("kdp", "cream", 84),
        ("kdp", "white", 100),
        ("kdp", "cream", 100),
        ("lulu", "white", 80),
        ("kdp", "cream", 400),
    ],
)
def test_spine_type_is_sized_to_the_spine(book, tmp_path, vendor, paper, pages):
    """Measured on the cover PDF: every glyph of the spine text at least 0.0625 in (KDP's spine
    clearance) from each fold, the ink centred across the spine, the type as large as that allows
    (a clearance within 0.01 in of the least on one side at least) or 12 pt, and inside the live
    area along the spine. An 84-page book's spine (0.21 in) took a fixed 10 pt before, 0.035 in
    from the folds."""
    options = PrintOptions(paper=paper, vendor=vendor)
    g = geometry(options, pages)
    glyphs = _spine_glyphs(render(book, tmp_path, options, pages), g)
    assert glyphs, "the spine has text"
    back = min(x[0] for x in glyphs) - g.spine_x
    front = g.spine_x + g.spine - max(x[2] for x in glyphs)
    assert min(back, front) >= 0.0625 - 0.001
    assert back == pytest.approx(front, abs=0.005)
    size = max(x[4] for x in glyphs)
    assert size == pytest.approx(12.0, abs=0.05) or min(back, front) <= 0.0625 + 0.01
    assert min(x[1] for x in glyphs) >= g.bleed + 0.375 - 0.01
    assert max(x[3] for x in glyphs) <= g.height - g.bleed - 0.375 + 0.01


def test_spine_type_grows_with_the_spine(book, tmp_path):
    sizes = []
    for pages in (84, 100, 120):
        options = PrintOptions(paper="cream")
        glyphs = _spine_glyphs(render(book, tmp_path, options, pages), geometry(options, pages))
        sizes.append(max(x[4] for x in glyphs))
    assert sizes[0] < sizes[1] < sizes[2] == pytest.approx(12.0, abs=0.05), sizes
    assert sizes[0] < 10.0


def test_no_spine_text_on_a_spine_too_narrow_for_6_pt(book, tmp_path):
    """KDP allows spine text on 80 pages, but an 80-page spine on white paper (0.18 in) would
    take it under 6 pt: it has none."""
    options = PrintOptions(paper="white")
    assert geometry(options, 84).spine_text
    assert _spine_glyphs(render(book, tmp_path, options, 84), geometry(options, 84)) == []


def test_preflight_checks_the_spine_text(book, tmp_path, styles_copy):
    """The spine-text rule passes octavo's cover, and fails one whose spine text is a fixed 10 pt
    (the old style) on an 84-page spine, naming the clearance found."""
    from octavo.inspect.preflight import check_spine
    from octavo.source.styles import Styles

    options = PrintOptions(paper="cream")
    good = render(book, tmp_path, options, 84)
    assert check_spine(good, options, 84).ok
    css = styles_copy / "css" / "cover.css"
    css.write_text(css.read_text() + "\n.spine .live { font-size: 10pt !important; }\n")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(cover_pdf(book, Styles(styles_copy), options, 84, "2026-01-01T00:00:00Z"))
    result = check_spine(bad, options, 84)
    assert result.rule == "spine-text" and not result.ok and "in from a fold" in result.found, result
    small = render(book, tmp_path, PrintOptions(vendor="kdp"), 60)
    assert check_spine(small, PrintOptions(), 60).ok


def test_cover_fonts_embedded_and_reproducible(book, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # as the pipeline does (font_clock)
    options = PrintOptions()
    first = render(book, tmp_path, options, 200)
    second = cover_pdf(book, find_styles(), options, 200, "2026-01-01T00:00:00Z")
    assert first.read_bytes() == second
    with pikepdf.open(first) as pdf:
        for _, font in pdf.pages[0].obj.Resources.Font.items():
            target = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            assert "/FontFile2" in target.FontDescriptor or "/FontFile3" in target.FontDescriptor
            assert "Garamond" in str(font.BaseFont)


def test_spine_text_under_the_vendor_s_minimum_fails(book, tmp_path, monkeypatch):
    """A cover with spine text on a book of fewer pages than the vendor prints spine text on fails
    the spine-text rule (here a 120-page cover, with the minimum raised to 130 pages)."""
    from octavo.config import printspec
    from octavo.inspect.preflight import check_spine

    options = PrintOptions(paper="cream")
    cover = render(book, tmp_path, options, 120)
    assert check_spine(cover, options, 120).ok
    monkeypatch.setitem(printspec.SPINE_TEXT_MIN_PAGES, "kdp", 130)
    result = check_spine(cover, options, 120)
    assert not result.ok and result.found == "spine text on a book of 120 pages", result
