"""The EPUB's page-list comes from the print layout: one marker per page that holds text or a
picture, at the page's first words (issue 19: blank and padding pages are not listed; a page that
begins with a floated figure is marked before the picture, one that continues a table before the
row that begins it, never in the repeated header)."""

from __future__ import annotations

import zipfile

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
import test_figures
import test_tables
from conftest import build_book, make_manuscript
from lxml import etree
from test_epub import epubcheck_counts
from textutil import BLOCK_TAGS, EPUB_TYPE, XHTML, words

from octavo.layout.pagemap import page_labels


@pytest.fixture(scope="module")
def epub_docs(seed_book):
    with zipfile.ZipFile(seed_book.epub) as z:
        return {
            name.rsplit("/", 1)[1]: etree.fromstring(z.read(name))
            for name in z.namelist()
            if name.endswith(".xhtml")
        }


def page_list(docs) -> list[tuple[str, str]]:
    nav = next(n for n in docs["nav.xhtml"].iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "page-list")
    return [(a.text, a.get("href")) for a in nav.iter(f"{XHTML}a")]


def pages_with_content(built) -> list[str]:
    """Labels of the PDF's pages that show text or a picture inside the margins (not a page with
    only its running head and folio), read from the written PDF."""
    labels = page_labels(built.result.book, built.result.layout.document)
    pdf = pdfium.PdfDocument(str(built.pdf))
    margins = built.result.layout.margins
    found = []
    for index, page in enumerate(pdf):
        pictures = list(page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4))
        if first_pdf_words(page, margins) or pictures:
            found.append(labels[index])
    return found


def test_one_entry_per_print_page_with_text_in_order(seed_book, epub_docs):
    entries = page_list(epub_docs)
    assert [label for label, _ in entries] == pages_with_content(seed_book)
    assert len(entries) < seed_book.result.pages  # the seed's blank versos are left out
    for label, href in entries:
        doc, fragment = href.split("#")
        marker = epub_docs[doc].find(f".//*[@id='{fragment}']")
        assert marker is not None and marker.get(EPUB_TYPE) == "pagebreak", href
        assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == label


def words_after(root, element, count: int = 4) -> list[str]:
    """The first words of text after ``element`` in document order, note calls left out."""
    texts, started = [], False
    for node in root.iter():
        if node is element:
            started = True
            if node.tail:
                texts.append(node.tail)
            continue
        if not started:
            continue
        is_call = node.get(EPUB_TYPE) == "noteref"
        gap = " " if isinstance(node.tag, str) and node.tag.removeprefix(XHTML) in BLOCK_TAGS else ""
        texts.append(gap)
        if node.text and not is_call and node.tag != f"{XHTML}aside":
            texts.append(node.text)
        if node.tail:
            texts.append(gap + node.tail)
        if len(words("".join(texts))) >= count:
            break
    return words("".join(texts))[:count]  # words part at blocks, never at an inline element


def first_pdf_words(page, margins, count: int = 4) -> list[str]:
    height = page.get_height()
    text = page.get_textpage().get_text_bounded(
        top=height - margins["top"] * 72 + 4, bottom=margins["bottom"] * 72 - 4
    )
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return words(" ".join(lines))[:count]


def test_markers_stand_where_the_print_pages_begin(seed_book, epub_docs):
    layout = seed_book.result.layout
    anchors = layout.anchor_pages()
    pdf = pdfium.PdfDocument(str(seed_book.pdf))
    checked = 0
    for label, href in page_list(epub_docs):
        index = next(
            i for i, lab in enumerate(page_labels(seed_book.result.book, layout.document)) if lab == label
        )
        expected = first_pdf_words(pdf[index], layout.margins)
        assert expected, f"page {label} is listed but shows no text"
        if anchors.get("halftitle") == index:
            continue  # the half-title, which the EPUB does not have
        doc, fragment = href.split("#")
        root = epub_docs[doc]
        got = words_after(root, root.find(f".//*[@id='{fragment}']"))
        assert got[0].endswith(expected[0]), (label, expected, got)  # the marker is at the word's start
        assert got[1:2] == expected[1:2], (label, expected, got)
        checked += 1
    assert checked >= 10


# -- generated books: floated figures, a table over pages, padding -------------------------------------


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """test_figures' book (figures floated to page tops) with test_tables' chapter (a 45-row table
    over three pages) after it."""
    root = tmp_path_factory.mktemp("pagelist-mixed")
    manuscript = test_figures.book(root / "ms")
    (manuscript / "output.md").write_text(test_tables.CHAPTER, encoding="utf-8")
    toml = manuscript / "book.toml"
    toml.write_text(toml.read_text() + '\n[[contents]]\nfile = "output.md"\nkind = "chapter"\n')
    return build_book(manuscript, root / "dist")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A book of one page of text, padded at the end to the vendor's minimum page count."""
    root = tmp_path_factory.mktemp("pagelist-tiny")
    manuscript = make_manuscript(root / "ms", {"one.md": "# One\n\nA single short paragraph.\n"})
    return build_book(manuscript, root / "dist")


def epub_documents(built) -> dict[str, etree._Element]:
    with zipfile.ZipFile(built.epub) as z:
        return {
            n.rsplit("/", 1)[1]: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")
        }


HEADER = words(" ".join(test_tables.HEADER))


def test_each_listed_page_is_marked_at_its_first_words(mixed):
    """Every listed page's marker is followed in the EPUB by the first words the PDF shows on that
    page: a floated figure's caption (the marker stands before the picture), a table's first row
    after the repeated header."""
    docs = epub_documents(mixed)
    entries = page_list(docs)
    assert [label for label, _ in entries] == pages_with_content(mixed)
    labels = page_labels(mixed.result.book, mixed.result.layout.document)
    pdf = pdfium.PdfDocument(str(mixed.pdf))
    halftitle = mixed.result.layout.anchor_pages().get("halftitle")
    figures = rows = 0
    for label, href in entries:
        index = labels.index(label)
        if index == halftitle:
            continue
        expected = first_pdf_words(pdf[index], mixed.result.layout.margins, 8)
        doc, fragment = href.split("#")
        root = docs[doc]
        marker = root.find(f".//*[@id='{fragment}']")
        got = words_after(root, marker)
        if expected[:4] == HEADER and got[:4] != HEADER:  # the header set again on a continued page
            expected, rows = expected[4:], rows + 1
            assert marker.getparent().tag == f"{XHTML}td", (label, "not in the row's first cell")
        following = marker.getnext()
        if following is not None and following.tag == f"{XHTML}figure":
            figures += 1
        assert got[0].endswith(expected[0]), (label, expected, got)
        assert got[1:2] == expected[1:2], (label, expected, got)
    assert figures >= 3 and rows >= 2  # the cases the book was made for were met


def test_the_figure_pages_are_marked_before_their_picture(mixed):
    docs = epub_documents(mixed)
    pdf = pdfium.PdfDocument(str(mixed.pdf))
    labels = page_labels(mixed.result.book, mixed.result.layout.document)
    captions = [words(c)[:4] for c in test_figures.CAPTIONS.values()]
    topped = [
        labels[i]
        for i, page in enumerate(pdf)
        if first_pdf_words(page, mixed.result.layout.margins) in captions
    ]
    assert len(topped) >= 3
    for label in topped:
        doc = next(d for d in docs.values() if d.find(f".//*[@id='page-{label}']") is not None)
        marker = doc.find(f".//*[@id='page-{label}']")
        figure = marker.getnext()
        assert figure is not None and figure.tag == f"{XHTML}figure", label
        assert figure[0].tag == f"{XHTML}img", label


def test_padding_and_blank_pages_are_not_listed(tiny):
    docs = epub_documents(tiny)
    entries = [label for label, _ in page_list(docs)]
    assert tiny.result.pages >= 18  # padded to the vendor's minimum
    assert entries == pages_with_content(tiny) == ["i", "iii", "iv", "v", "1"]
    markers = [e for d in docs.values() for e in d.iter() if e.get(EPUB_TYPE) == "pagebreak"]
    assert sorted(m.get("aria-label") for m in markers) == sorted(entries)
    with zipfile.ZipFile(tiny.epub) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "Page-break markers and a page list give 5 pages of the print edition." in opf


@pytest.mark.parametrize("which", ["mixed", "tiny"])
def test_epubcheck_passes(which, request):
    counts, lines = epubcheck_counts(request.getfixturevalue(which).epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)
