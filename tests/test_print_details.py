"""The small details of the print review (issue 17), measured on the written PDF: no indent after a
subhead or a table."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from conftest import BOOK_TOML, build_book, make_manuscript

PT = 72.0
INDENT_EMS = 1.2  # print.css: p { text-indent: 1.2em }
FONT_SIZE = 11.0  # [print] font_size's default

CHAPTER = """\
# A Chapter

The opening paragraph of the chapter, long enough to run over a line or two of the page, so that
the paragraphs after it are set as running text is set in a book.

A second paragraph, which takes the indent that marks a new paragraph within running text, and
runs on for more than a line.

## A Subhead

After the subhead a paragraph starts flush with the text block, as in book typography, and it
calls a note here.[^one] The sentence goes on after the call.

| Year | Pages |
| --- | --- |
| 1945 | 24 |
| 1946 | 48 |

Below the table a paragraph starts flush too, and its text runs on for more than one line of the
page.

> A quotation that calls a note of its own,[^two] set smaller than the text.

[^one]: The first note.

[^two]: The second note.
"""


def top_keys(keys: str) -> str:
    """The tests' book.toml with ``keys`` among its top-level keys, and one chapter, a.md."""
    return BOOK_TOML.replace("[[creators]]", keys + "\n[[creators]]", 1) + (
        '\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n'
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("details")
    toml = top_keys('publisher = "Octavo Editions"\nrights = "All rights reserved."\n')
    ms = make_manuscript(root / "ms", {"a.md": CHAPTER}, toml=toml)
    return build_book(ms, root / "dist", formats=("pdf",))


def _find(textpage: pdfium.PdfTextPage, needle: str) -> int:
    text = textpage.get_text_range()
    index = text.find(needle)
    assert index >= 0, f"{needle!r} not on the page"
    return index


def _page_with(document: pdfium.PdfDocument, needle: str) -> tuple[int, pdfium.PdfTextPage]:
    for index, page in enumerate(document):
        textpage = page.get_textpage()
        if needle in textpage.get_text_range():
            return index, textpage
    raise AssertionError(f"{needle!r} is on no page")


def _left_edge(built, index: int) -> float:
    """The text block's left edge on page ``index`` (0-based: rectos are even), in PDF points."""
    margins = built.result.print_options.margins(built.result.pages)
    return (margins["inside"] if index % 2 == 0 else margins["outside"]) * PT


@pytest.mark.parametrize(
    "start, indented",
    [
        ("A second paragraph", True),
        ("After the subhead", False),
        ("Below the table", False),
    ],
)
def test_no_indent_after_a_subhead_or_a_table(built, start, indented):
    document = pdfium.PdfDocument(str(built.pdf))
    index, textpage = _page_with(document, start)
    left = textpage.get_charbox(_find(textpage, start))[0] - _left_edge(built, index)
    indent = INDENT_EMS * FONT_SIZE
    assert left == pytest.approx(indent if indented else 0, abs=1.5), f"{start!r} starts {left:.1f} pt in"
