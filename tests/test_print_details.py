"""The small details of the print review (issue 17), measured on the written PDF: no indent after a
subhead or a table, note calls in the face's superior figures, the copyright page flush left with
a © line."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import BOOK_TOML, build_book, fidelity_problems, make_manuscript

from octavo.model import Creator, Metadata

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


def _font_size(textpage: pdfium.PdfTextPage, index: int) -> float:
    """A character's font size in pt (pdfium gives the Tf size, in WeasyPrint's 0.75 pt units)."""
    return float(pdfium_c.FPDFText_GetFontSize(textpage, index)) * 0.75


@pytest.mark.parametrize(
    "before, number, size", [("calls a note here.", "1", FONT_SIZE), ("of its own,", "2", 10.0)]
)
def test_note_calls_are_superior_figures_at_the_texts_size(built, before, number, size):
    """A call is set at the size of the text it stands in (11 pt; 10 pt in a quotation) in the
    face's superior figures (OpenType sups), which stand 0.44 em above the baseline and are 0.34
    em tall; not lining figures at 65 % of the size raised by vertical-align (5.85 pt before)."""
    document = pdfium.PdfDocument(str(built.pdf))
    _, textpage = _page_with(document, before)
    call = _find(textpage, before) + len(before)
    assert textpage.get_text_range(call, 1) == number
    letter = textpage.get_charbox(call - 2)  # the letter before the punctuation: on the baseline
    box = textpage.get_charbox(call)
    assert _font_size(textpage, call) == pytest.approx(size, abs=0.05)
    assert _font_size(textpage, call - 2) == pytest.approx(size, abs=0.05)
    assert box[1] - letter[1] == pytest.approx(0.44 * size, abs=0.1 * size)
    assert box[3] - box[1] == pytest.approx(0.34 * size, abs=0.05 * size)


def test_the_print_fidelity_referee_reads_the_calls_as_calls(built):
    assert fidelity_problems(built.result, built.pdf) == []


def test_the_copyright_page_is_flush_left_with_a_notice(built):
    document = pdfium.PdfDocument(str(built.pdf))
    index, textpage = _page_with(document, "All rights reserved.")
    text = textpage.get_text_range()
    assert "© 2026 Ada Writer\r\n" in text
    lines = [line for line in text.split("\r\n") if line.strip()]
    assert len(lines) >= 4
    left = _left_edge(built, index)
    for line in lines:
        start = textpage.get_charbox(_find(textpage, line))[0] - left
        assert start == pytest.approx(0, abs=1.0), f"{line!r} starts {start:.1f} pt in"


def _metadata(**kwargs) -> Metadata:
    authors = (Creator("Ada Writer", "author"), Creator("Ben Writer", "author"), Creator("Eve", "editor"))
    return Metadata("T", "en", "urn:x", authors, **kwargs)


@pytest.mark.parametrize(
    "kwargs, notice",
    [
        ({"date": "2026-03-01"}, "© 2026 Ada Writer, Ben Writer"),
        ({"date": "2026", "copyright": "Octavo Editions"}, "© 2026 Octavo Editions"),
        ({"copyright": "Octavo Editions"}, "© Octavo Editions"),
        ({"date": "2026", "copyright": ""}, ""),
        ({"date": "2026", "rights": "Copyright © 2026 Ada Writer. All rights reserved."}, ""),
        ({"date": "2026", "rights": "© Ada Writer", "copyright": "Ada Writer"}, "© 2026 Ada Writer"),
    ],
)
def test_the_copyright_notice(kwargs, notice):
    assert _metadata(**kwargs).copyright_notice == notice


def test_no_author_no_notice():
    assert Metadata("T", "en", "urn:x", (Creator("Eve", "editor"),), date="2026").copyright_notice == ""


def test_copyright_must_be_a_string(tmp_path):
    from octavo.config.book import load_config
    from octavo.diagnostics import Diagnostics

    toml = top_keys("copyright = 2026\n")
    ms = make_manuscript(tmp_path / "ms", {"a.md": "# A\n\nText.\n"}, toml=toml)
    diags = Diagnostics()
    assert load_config(ms, diags) is None
    assert [d.id for d in diags.errors] == ["config-type"], [str(d) for d in diags.errors]
    assert "copyright" in diags.errors[0].message


@pytest.mark.parametrize("size", [9, 7.5])
def test_text_of_nine_points_or_less_keeps_its_notes_and_folios_smaller(tmp_path, size):
    """A new user's 9 pt book with one note failed its own referee (print-lost: the note's words,
    print-overflow: the folios): notes and folios were 9 pt whatever the text's size, so they could
    no longer be told from the text. They are now 9/11 of it, below 11 pt."""
    lorem = (
        "The printer had sent proofs on a grey afternoon, and nobody had complained about the spacing, the "
        "rivers or the widows, which is unusual in a trade that lives on complaints about all three of them."
    )
    text = f"# Small Type\n\n{lorem}[^a]\n\n" + "\n\n".join([lorem] * 12) + "\n\n[^a]: A short note.\n"
    toml = BOOK_TOML + f'\n[print]\nfont_size = {size}\n\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n'
    ms = make_manuscript(tmp_path / "ms", {"a.md": text}, toml=toml)
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    page = next(
        p for p in pdfium.PdfDocument(str(built.pdf)) if "A short note" in p.get_textpage().get_text_range()
    )
    sizes = {
        round(obj.get_font_size() * obj.get_matrix().get()[3], 1)
        for obj in page.get_objects()
        if obj.type == 1
    }
    assert min(sizes) < size * 0.9  # the note (and the folio) smaller than the text
