"""The seed book's PDF: trim size, embedded book face, notes on their call's page."""

from __future__ import annotations

import re

import pikepdf
import pytest
import weasyprint
from conftest import SEED, build_book, make_manuscript

TRIM = (5.5 * 72, 8.5 * 72)


def test_every_page_has_the_trim_size(seed_book):
    with pikepdf.open(seed_book.pdf) as pdf:
        assert len(pdf.pages) == seed_book.result.pages > 4
        for number, page in enumerate(pdf.pages, start=1):
            box = [float(v) for v in page.mediabox]
            assert box[2] - box[0] == pytest.approx(TRIM[0], abs=0.01), number
            assert box[3] - box[1] == pytest.approx(TRIM[1], abs=0.01), number


def fonts_of(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        resources = page.obj.get("/Resources", {})
        for _, font in resources.get("/Font", {}).items():
            yield font


def test_every_font_is_embedded_and_is_the_book_face(seed_book):
    with pikepdf.open(seed_book.pdf) as pdf:
        names = set()
        for font in fonts_of(pdf):
            descendants = font.get("/DescendantFonts")
            target = descendants[0] if descendants else font
            descriptor = target.get("/FontDescriptor")
            assert descriptor is not None, font.get("/BaseFont")
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            names.add(str(font.BaseFont).split("+", 1)[-1])
        assert names and all(n.replace("-", "").startswith("EBGaramond") for n in names), names


def test_each_note_lands_on_its_calls_page(seed_book):
    pages = seed_book.result.layout.anchor_pages()
    notes = [n for s in seed_book.result.book.sections for n in s.notes]
    assert len(notes) >= 8
    for note in notes:
        assert pages[note.id] == pages[note.call_id], note.id


def test_front_matter_uses_roman_and_text_starts_at_one(seed_book):
    import pypdfium2 as pdfium

    layout = seed_book.result.layout
    anchors = layout.anchor_pages()
    pdf = pdfium.PdfDocument(str(seed_book.pdf))
    text_page = anchors["on-burnham"]
    intro_page = anchors["introduction"]
    assert intro_page < text_page
    lines = pdf[text_page].get_textpage().get_text_range().split()
    assert lines[-1] == "1"
    contents = pdf[anchors["toc"]].get_textpage().get_text_range()
    assert "Introduction" in contents and "On James Burnham" in contents
    assert contents.index("Introduction") < contents.index("On James Burnham")


def test_hyphenation_follows_span_language(manuscript, tmp_path):
    """The same long word breaks by German rules inside a de span, not by English rules (a word
    most of whose German points are not English ones: the lines choose among them)."""
    word = "Kraftfahrzeughaftpflichtversicherung"
    line = " ".join([f"[{word}]{{lang=de}}"] * 30)
    ms = manuscript({"a.md": f"# A\n\n{line}\n"})
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    assert 'lang="de"' in built.result.layout.html
    import pypdfium2 as pdfium
    from textutil import drawn

    pdf = pdfium.PdfDocument(drawn(built.pdf.read_bytes()))  # the hyphens as drawn, not the words read
    text = "".join(p.get_textpage().get_text_range() for p in pdf)
    from octavo.layout import hyphenate

    german = set(hyphenate.dictionary(hyphenate.patterns("de"), 1, 1).positions(word))
    english = set(hyphenate.dictionary(hyphenate.patterns("en"), 1, 1).positions(word.lower()))
    broken = [ln.strip() for ln in text.splitlines() if ln.strip().endswith(("-", "\u2010", "\x02"))]
    breaks = {len(fragment.split()[-1].rstrip("-\u2010\x02")) for fragment in broken}
    assert breaks, "no word was hyphenated"
    assert breaks <= german, breaks
    assert breaks - english, f"{breaks} would also be English breaks: the test proves nothing"


def test_two_builds_give_identical_pdfs(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    from conftest import MANUSCRIPT

    one = build_book(MANUSCRIPT, tmp_path / "a", formats=("pdf",))
    two = build_book(MANUSCRIPT, tmp_path / "b", formats=("pdf",))
    for name in ("on-james-burnham.pdf", "on-james-burnham-cover.pdf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert one.result.pages == two.result.pages


def _three_chapters(root, monkeypatch):
    """Three chapters of the seed text and notes, with a 0.55 in gutter.

    With that measure (and octavo's whole-paragraph line breaking) WeasyPrint 70's
    own page layout moves one note a chapter to the next page (to make room for
    a paragraph's second line).
    """
    from octavo.config import printspec

    monkeypatch.setattr(printspec, "KDP_GUTTER", ((828, 0.55),))
    seed = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()][3:]
    body = [line for line in seed if not re.match(r"\d+\.\s", line)]
    notes = [re.match(r"(\d+)\.\s+(.*)", line).groups() for line in seed if re.match(r"\d+\.\s", line)]
    text = "\n\n".join(re.sub(r"\s*\[(\d+)\]", r"[^\1] ", line) for line in body)
    text = text.replace("Late May 1945", "Late May 1945[^1]", 1)  # the source's note without a call
    text += "\n\n" + "\n\n".join(f"[^{n}]: {note}" for n, note in notes)
    return make_manuscript(root, {f"c{n}.md": f"# Chapter {n}\n\n{text}\n" for n in range(1, 4)})


def test_notes_stay_with_calls_in_one_layout(tmp_path, monkeypatch):
    from weasyprint.layout import block

    from octavo.layout import interior as pdf
    from octavo.layout import patches

    ms = _three_chapters(tmp_path / "ms", monkeypatch)
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    laid_out = built.result.layout
    assert patches.apply()["report-notes"] == patches.ON
    assert pdf.deferred_notes(built.result.book, laid_out.document) == []
    assert laid_out.corrections == 0
    # WeasyPrint's own line layout moves notes of this book to the next page;
    # the corrective passes then bring them back, a layout each.
    monkeypatch.setattr(block, "_linebox_layout", patches.ORIGINAL["report-notes"])
    unfixed = weasyprint.HTML(string=laid_out.html, base_url=ms.as_uri() + "/", url_fetcher=laid_out.fetcher)
    assert len(pdf.deferred_notes(built.result.book, unfixed.render())) == 3
    again = build_book(ms, tmp_path / "again", formats=("pdf",))
    assert again.result.layout.corrections > 0
    assert pdf.deferred_notes(again.result.book, again.result.layout.document) == []
    assert again.result.pages == built.result.pages
