"""The EPUB's page-list comes from the print layout: one marker per page, at the page's first words."""

from __future__ import annotations

import zipfile

import pypdfium2 as pdfium
import pytest
from lxml import etree
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


def test_one_entry_per_print_page_in_order(seed_book, epub_docs):
    layout = seed_book.result.layout
    labels = page_labels(seed_book.result.book, layout.document)
    entries = page_list(epub_docs)
    assert [label for label, _ in entries] == labels
    assert len(entries) == seed_book.result.pages
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
        if not expected or anchors.get("halftitle") == index:
            continue  # blank pages, and the half-title that the EPUB does not have
        doc, fragment = href.split("#")
        root = epub_docs[doc]
        got = words_after(root, root.find(f".//*[@id='{fragment}']"))
        assert got[0].endswith(expected[0]), (label, expected, got)  # the marker is at the word's start
        assert got[1:2] == expected[1:2], (label, expected, got)
        checked += 1
    assert checked >= 10
