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
