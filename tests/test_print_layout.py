"""The print interior's furniture, read back from the PDF: folios, running heads, recto openings."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from conftest import build_book, make_manuscript

ROMAN = re.compile(r"^[ivxlc]+$")


def margin_texts(pdf_path, margins_in: dict[str, float]) -> list[tuple[str, str]]:
    """(text in the top margin, text in the bottom margin) of every page."""
    out = []
    for page in pdfium.PdfDocument(str(pdf_path)):
        height = page.get_height()
        tp = page.get_textpage()
        top = tp.get_text_bounded(top=height, bottom=height - margins_in["top"] * 72 + 6).strip()
        bottom = tp.get_text_bounded(top=margins_in["bottom"] * 72 - 6, bottom=0).strip()
        out.append((" ".join(top.split()), " ".join(bottom.split())))
    return out


@pytest.fixture(scope="module")
def furniture(seed_book):
    layout = seed_book.result.layout
    return layout, margin_texts(seed_book.pdf, layout.margins), layout.anchor_pages()


def test_sections_open_on_rectos_with_drop_folio_and_no_running_head(seed_book, furniture):
    _, texts, anchors = furniture
    for section in seed_book.result.book.sections:
        index = anchors[section.id]
        assert index % 2 == 0, f"{section.id} opens on page index {index}, a verso"
        top, bottom = texts[index]
        assert top == "", (section.id, top)
        assert bottom, f"{section.id}: no drop folio"


def test_text_starts_at_arabic_one_and_front_matter_is_roman(seed_book, furniture):
    _, texts, anchors = furniture
    text_start = anchors["on-burnham"]
    assert texts[text_start][1] == "1"
    for index in range(anchors["toc"], text_start):
        top, bottom = texts[index]
        folio = (top.split()[0] if index % 2 else top.split()[-1]) if top else bottom
        if folio:
            assert ROMAN.match(folio), (index, folio)


def test_running_heads_verso_book_title_recto_section_title(seed_book, furniture):
    _, texts, anchors = furniture
    title = seed_book.result.book.metadata.title
    intro_pages = range(anchors["introduction"] + 1, anchors["on-burnham"])
    seen = 0
    for index in intro_pages:
        top, _ = texts[index]
        if not top:
            continue  # a blank page
        seen += 1
        if index % 2:  # verso: folio left, book title
            assert top.split()[0].isalpha() and ROMAN.match(top.split()[0])
            assert title.lower() in top.lower()
        else:  # recto: section title, folio right
            assert "introduction" in top.lower() and ROMAN.match(top.split()[-1])
    assert seen >= 1


def test_blank_pages_carry_nothing(seed_book, furniture):
    _, texts, _ = furniture
    pdf = pdfium.PdfDocument(str(seed_book.pdf))
    blanks = [i for i in range(len(pdf)) if not pdf[i].get_textpage().get_text_range().strip()]
    assert blanks, "the seed book has blank versos before its openings"
    for index in blanks:
        assert texts[index] == ("", "")


def test_no_blank_recto_when_the_contents_ends_on_a_verso(tmp_path):
    """A book with no front-matter section whose contents takes two pages (v and vi): the first
    chapter opens on page 7, the next recto, and no recto in the book is blank but the padding
    at its end (the empty front-matter's page and a verso after it were blank pages 7 and 8)."""
    chapters = {f"c{i:02d}.md": f"# Chapter {i}\n\nText of chapter {i}.\n" for i in range(1, 31)}
    ms = make_manuscript(tmp_path / "ms", chapters)
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    pdf = pdfium.PdfDocument(str(built.pdf))
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    assert texts[4].startswith("Contents") and "Chapter 30" in texts[5]
    assert texts[6].startswith("Chapter 1\r\n")
    content = texts[: len(texts) - built.result.layout.pad_pages]
    blank_rectos = [i + 1 for i, text in enumerate(content) if i % 2 == 0 and not text.strip()]
    assert blank_rectos == []


def test_padding_reaches_the_vendor_minimum_and_even_count(tmp_path):
    toml_extra = '\n[print]\nvendor = "kdp"\npad = true\n'
    ms = make_manuscript(tmp_path / "ms", {"a.md": "# A\n\nShort.\n"})
    (ms / "book.toml").write_text((ms / "book.toml").read_text() + toml_extra)
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    assert built.result.pages == 24
    assert built.result.layout.pad_pages > 0


@pytest.mark.parametrize("vendor, pages", [("kdp", 24), ("ingram", 18), ("lulu", 32)])
def test_by_default_a_short_book_reaches_its_vendors_minimum(tmp_path, vendor, pages):
    """No [print] pad: the written PDF has the vendor's minimum page count (KDP 24, IngramSpark 18,
    Lulu 32), even, the added pages blank."""
    ms = make_manuscript(tmp_path / "ms", {"a.md": "# A\n\nShort.\n"})
    (ms / "book.toml").write_text((ms / "book.toml").read_text() + f'\n[print]\nvendor = "{vendor}"\n')
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    pdf = pdfium.PdfDocument(str(built.pdf))
    assert len(pdf) == built.result.pages == pages
    assert not pdf[pages - 1].get_textpage().get_text_range().strip()


def test_without_padding_the_count_is_still_even(tmp_path):
    """``pad = false`` adds no page up to the minimum, but a book of an odd count (here 7: half
    title, its verso, title, copyright, contents, a blank verso, the one section) gets a blank
    eighth page: a leaf has two sides."""
    ms = make_manuscript(tmp_path / "ms", {"a.md": "# A\n\nShort.\n"})
    (ms / "book.toml").write_text((ms / "book.toml").read_text() + "\n[print]\npad = false\n")
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    pdf = pdfium.PdfDocument(str(built.pdf))
    assert len(pdf) == 8 and built.result.layout.pad_pages == 1
    assert "Short." in pdf[6].get_textpage().get_text_range()
    assert not pdf[7].get_textpage().get_text_range().strip()


@pytest.mark.parametrize("trim, size", [("6x9", (432, 648)), ("a5", (419.53, 595.28))])
def test_trim_sizes_from_config(tmp_path, trim, size):
    ms = make_manuscript(tmp_path / "ms", {"a.md": "# A\n\nShort.\n"})
    (ms / "book.toml").write_text((ms / "book.toml").read_text() + f'\n[print]\ntrim = "{trim}"\n')
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    for page in pdfium.PdfDocument(str(built.pdf)):
        assert page.get_size() == pytest.approx(size, abs=0.05)


def test_bleed_adds_three_edges_and_keeps_trim_boxes(tmp_path):
    import pikepdf

    ms = make_manuscript(tmp_path / "ms", {"a.md": "# A\n\nShort.\n", "b.md": "# B\n\nMore.\n"})
    (ms / "book.toml").write_text((ms / "book.toml").read_text() + '\n[print]\ntrim = "6x9"\nbleed = true\n')
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    with pikepdf.open(built.pdf) as pdf:
        for index, page in enumerate(pdf.pages):
            media = [float(v) for v in page.mediabox]
            trim = [float(v) for v in page.obj.TrimBox]
            assert media[2] - media[0] == pytest.approx((6 + 0.125) * 72, abs=0.05)
            assert media[3] - media[1] == pytest.approx((9 + 0.25) * 72, abs=0.05)
            assert trim[2] - trim[0] == pytest.approx(6 * 72, abs=0.05)
            gutter_side_flush = trim[0] == media[0] if index % 2 == 0 else trim[2] == media[2]
            assert gutter_side_flush, "no bleed on the binding side"


def test_gutter_widens_when_the_page_count_crosses_a_tier(tmp_path, monkeypatch):
    from octavo.config import printspec

    monkeypatch.setattr(printspec, "KDP_GUTTER", ((4, 0.375), (828, 0.875)))
    chapters = {f"c{i}.md": f"# Chapter {i}\n\n" + "Words of text. " * 300 + "\n" for i in range(4)}
    ms = make_manuscript(tmp_path / "ms", chapters)
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    assert built.result.pages > 4
    assert built.result.layout.margins["inside"] == pytest.approx(0.875 + printspec.VISIBLE_GUTTER)
