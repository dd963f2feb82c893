"""Figures (issue 17): a picture alone in its paragraph is a <figure> with its caption in both
editions, and in print a figure that does not fit at a page's foot goes to the top of the next
page while the text after it fills the page (``octavo/layout/figures.py``).

The book is made here with pictures at awkward places: after text that nearly fills a page, two
in a row, one ending a chapter, one taller than the page, one right after a subhead, one in a note.
Checked on the written files: the PDF's pictures and text (pypdfium2), the EPUB's markup and
EPUBCheck; the build's referees (fidelity: nothing lost, misplaced or off the page) and the
preflight's ``underfull`` rule for KDP, with and without bleed.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from conftest import BOOK_TOML, build_book, make_manuscript
from lxml import etree
from PIL import Image
from test_epub import epubcheck_counts

from octavo.inspect.pagetext import words

XHTML = "{http://www.w3.org/1999/xhtml}"
WORDS = " ".join(
    [
        "The committee met again in the autumn and took up the question of the harbour, which the",
        "merchants of the lower town had pressed on it for years without an answer; its members",
        "walked the quays, counted the ships and wrote a report that nobody read until the winter.",
    ]
).split()


def paragraph(n: int, words_count: int = 60) -> str:
    text = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(words_count))
    return text[0].upper() + text[1:] + "."


def text(count: int, start: int = 0, length: int = 60) -> str:
    return "\n\n".join(paragraph(start + i, length) for i in range(count))


def picture(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


CAPTIONS = {
    "one": "A wide grey plate showing the harbour at low water.",
    "two-a": "The first of two plates in a row: the quays.",
    "two-b": "The second of two plates in a row: the ships.",
    "last": "A plate that ends the chapter.",
    "tall": "A plate taller than any page, scaled down to fit one.",
    "head": "A plate right after a subhead.",
    "note": "A small plate inside a note.",
}


def book(root: Path, bleed: bool = False) -> Path:
    images = root / "images"
    picture(images / "wide.png", (800, 560), (120, 120, 120))
    picture(images / "quay.png", (800, 480), (90, 110, 130))
    picture(images / "ship.png", (800, 480), (130, 90, 110))
    picture(images / "tall.png", (300, 1400), (60, 60, 60))
    picture(images / "small.png", (120, 60), (20, 20, 20))
    files = {
        "one.md": f"# One\n\n{text(3)}\n\n![{CAPTIONS['one']}](images/wide.png)\n\n{text(9, 5)}\n",
        "two.md": (
            f"# Two\n\n{text(3, 2)}\n\n![{CAPTIONS['two-a']}](images/quay.png)\n\n"
            f"![{CAPTIONS['two-b']}](images/ship.png)\n\n{text(10, 3)}\n"
        ),
        "three.md": f"# Three\n\n{text(6, 4)}\n\n![{CAPTIONS['last']}](images/wide.png)\n",
        "four.md": f"# Four\n\n{text(3, 1)}\n\n![{CAPTIONS['tall']}](images/tall.png)\n\n{text(6, 6)}\n",
        "five.md": (
            f"# Five\n\n{text(2, 7)}\n\n## A subhead\n\n![{CAPTIONS['head']}](images/wide.png)\n\n"
            f"{text(8, 8)}\n"
        ),
        "six.md": (
            f"# Six\n\n{text(2, 9)} A note is called here.[^n]\n\n{text(1, 10)}\n\n"
            f"![{CAPTIONS['one']}](images/quay.png)\n\n{text(6, 11)}\n\n"
            f"[^n]: A note with a plate.\n\n    ![{CAPTIONS['note']}](images/small.png)\n"
        ),
    }
    toml = BOOK_TOML + ("\n[print]\nbleed = true\n" if bleed else "")
    toml += "".join(f'\n[[contents]]\nfile = "{name}"\nkind = "chapter"\n' for name in files)
    return make_manuscript(root, files, toml=toml)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("figures")
    return build_book(book(root / "ms"), root / "dist", preflight="kdp")


def pdf_pages(pdf: Path) -> list[dict]:
    """Per page: its text, text lines' (top, bottom) in pt from the page's top, and its pictures'
    (top, bottom, height)."""
    document = pdfium.PdfDocument(str(pdf))
    pages = []
    for page in document:
        height = page.get_height()
        textpage = page.get_textpage()
        lines = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            lines.append((height - top, height - bottom, textpage.get_text_bounded(left, bottom, right, top)))
        images = []
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
            left, bottom, right, top = obj.get_bounds()
            images.append((height - top, height - bottom, top - bottom))
        pages.append({"text": textpage.get_text_range(), "lines": lines, "images": images})
    return pages


def body_lines(page: dict) -> list[tuple[float, float, str]]:
    """Text lines of the body's size and place (no folio, running head or caption's small type)."""
    return [ln for ln in page["lines"] if 11 <= ln[1] - ln[0] <= 16 and 40 < ln[0] < 560]


def caption_page(pages: list[dict], caption: str) -> int:
    wanted = words(caption)
    found = [i for i, page in enumerate(pages) if " ".join(wanted) in " ".join(words(page["text"]))]
    assert found, f"caption {caption!r} not in the PDF"
    return found[0]


def test_the_build_passes_its_referees_and_the_preflight(built):
    assert not built.result.rejected, built.result.verdicts
    # the plates are flat colours drawn at screen size (800 px): they print under 300 ppi, which
    # the resolution rule reports (tests/test_printer_rules.py tests it); every other rule passes
    failed = [r for r in built.result.preflight if not r.ok and r.rule != "resolution"]
    assert not failed, failed
    assert {r.rule for r in built.result.preflight if not r.ok} <= {"resolution"}


def test_every_caption_is_printed_once_under_its_picture(built):
    pages = pdf_pages(built.pdf)
    for key, caption in CAPTIONS.items():
        if key == "note":
            continue
        index = caption_page(pages, caption)
        assert pages[index]["images"], f"page {index + 1}: a caption without its picture"


def test_a_figure_that_does_not_fit_goes_to_the_next_page_top_and_text_fills_the_page(built):
    pages = pdf_pages(built.pdf)
    floated = 0
    for key in ("one", "two-a", "head"):
        index = caption_page(pages, CAPTIONS[key])
        page, before = pages[index], pages[index - 1]
        top = min(image[0] for image in page["images"])
        lines_above = [ln for ln in body_lines(page) if ln[1] < top]
        if lines_above:
            continue  # it fitted on the page where it stands in the text
        floated += 1
        # the page before is full: its last body line within two lines of the lowest of any page
        lowest = max(ln[1] for p in pages for ln in body_lines(p))
        last = max(ln[1] for ln in body_lines(before))
        assert last >= lowest - 2 * 14.5, f"page {index}: a hole above the figure of page {index + 1}"
    assert floated >= 2, "the book was meant to put figures at a page's foot: make them float"


def test_a_cut_paragraph_loses_no_word_and_its_second_part_is_not_indented(built):
    html = built.result.layout.html
    parts = re.findall(r'<p [^>]*data-split="start"[^>]*>', html)
    assert parts, "no paragraph was cut to float a figure"
    assert 'data-split="end"' in html


def test_a_picture_taller_than_the_page_is_scaled_to_fit(built):
    pages = pdf_pages(built.pdf)
    index = caption_page(pages, CAPTIONS["tall"])
    page_height = pdfium.PdfDocument(str(built.pdf))[index].get_height()
    (image,) = pages[index]["images"]
    assert image[1] < page_height - 36, "the picture runs into the bottom margin"


def test_figures_in_the_epub_have_captions_read_once(built):
    counts, lines = epubcheck_counts(built.epub)
    assert counts["ERROR"] == counts["FATAL"] == 0, lines
    with zipfile.ZipFile(built.epub) as z:
        docs = [etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")]
    figures = [f for d in docs for f in d.iter(f"{XHTML}figure")]
    captions = {" ".join(f.find(f"{XHTML}figcaption").itertext().__iter__()) for f in figures}
    assert {c for k, c in CAPTIONS.items() if k != "note"} <= {" ".join(c.split()) for c in captions}
    for figure in figures:
        img = figure.find(f"{XHTML}img")
        caption = figure.find(f"{XHTML}figcaption")
        assert img.get("alt") == "".join(caption.itertext())
        assert all(span.get("aria-hidden") == "true" for span in caption), "the caption read twice"
    # the EPUB keeps the figure where the author put it: before the paragraph that follows it
    one = next(d for d in docs if any(True for _ in d.iter(f"{XHTML}figure")))
    body = one.find(f"{XHTML}body")
    blocks = [e for e in body.iter() if e.tag in (f"{XHTML}p", f"{XHTML}figure")]
    index = next(i for i, e in enumerate(blocks) if e.tag == f"{XHTML}figure")
    assert index == 3  # after the chapter's three paragraphs, as written


def test_a_figure_in_a_note_stays_in_the_note(built):
    """A picture alone in a note's paragraph is set in the note, under its text, not floated."""
    html = built.result.layout.html
    note = html[html.index('id="six-n1"') :]
    note = note[: note.index("</span></span>")]
    assert "<figure" not in note and "data-picture" in note
    pages = pdf_pages(built.pdf)
    index = next(i for i, p in enumerate(pages) if "A note with a plate" in p["text"])
    line = next(ln for ln in pages[index]["lines"] if "A note with a plate" in ln[2])
    assert any(image[0] >= line[1] - 1 for image in pages[index]["images"]), "the note lost its picture"
