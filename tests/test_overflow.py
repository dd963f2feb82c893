"""Nothing leaves the text block: long code lines, long URLs, unbreakable words, wide tables."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from conftest import build_book, make_manuscript

from octavo.cli import main
from octavo.pagemap import count_chars
from octavo.render.fit import breakable

#: How far (points) a glyph's box may stray past the text area: side bearings, italic overhang.
TOLERANCE = 1.5

CODE_SOLID = "".join(f"seg{i:03d}" for i in range(34))[:200]
CODE_SPACED = " ".join(f"word{i:02d}" for i in range(30))
URL_LINK = "https://example.org/a/very/long/path/to/a/resource/that/goes/on/and/on/index.html?query=printing&x=overflowing_parameter&y=42"
URL_BARE = "https://archive.example.net/collections/manuscripts/serge/notebooks/1945/may/entry-on-burnham.html?page=17&lang=en"
SOLID_WORD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789WXYZ"  # 40 characters, nothing to break at
INLINE_CODE = "inline.code.with_a_long_identifier(and_arguments,more_arguments)"
COLUMNS = 10

TABLE = "\n".join(
    [
        "| " + " | ".join(f"Heading{c}" for c in range(COLUMNS)) + " |",
        "|" + "---|" * COLUMNS,
        "| " + " | ".join(f"cell{c}value{c}" for c in range(COLUMNS)) + " |",
        "| " + " | ".join(f"x{c}" for c in range(COLUMNS)) + " |",
    ]
)

CHAPTER = f"""\
# Overflow

A paragraph before the code, to set the measure and show the text block.

    {CODE_SOLID}
    {CODE_SPACED}

The address [{URL_LINK}]({URL_LINK}) is in a link, and this one is bare: {URL_BARE} in running text.

`{INLINE_CODE}` ends here.

A word that will not break: {SOLID_WORD} and the sentence goes on after it.

{TABLE}

A paragraph after the table.
"""


def glyphs_outside(pdf_path, margins: dict[str, float]) -> list[tuple[int, str, tuple[float, ...]]]:
    """(page index, character, box) of every glyph outside its page's text area, in points.

    The text area is the page less its margins left and right (recto pages,
    the even indexes, have the inside margin on the left) and the page itself
    top and bottom (running heads and folios stand in the top and bottom margins).
    """
    outside = []
    for index, page in enumerate(pdfium.PdfDocument(str(pdf_path))):
        width, height = page.get_width(), page.get_height()
        inside, outer = margins["inside"] * 72, margins["outside"] * 72
        left, right = (inside, width - outer) if index % 2 == 0 else (outer, width - inside)
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            char = textpage.get_text_range(i, 1)
            if char.isspace() or not char:
                continue
            x0, y0, x1, y1 = textpage.get_charbox(i)
            if x0 < left - TOLERANCE or x1 > right + TOLERANCE or y0 < 0 or y1 > height:
                outside.append((index, char, (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1))))
    return outside


def solid_text(pdf_path) -> str:
    """The PDF's text with all whitespace removed."""
    text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(str(pdf_path)))
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def overflow_book(tmp_path_factory):
    root = tmp_path_factory.mktemp("overflow")
    ms = make_manuscript(root / "ms", {"chapter.md": CHAPTER})
    return build_book(ms, root / "dist", formats=("pdf",))


def test_every_glyph_stays_inside_the_text_area(overflow_book):
    layout = overflow_book.result.layout
    outside = glyphs_outside(overflow_book.pdf, layout.margins)
    assert not outside, f"{len(outside)} glyphs outside the text area, first: {outside[:5]}"


def test_every_word_of_code_urls_and_table_is_printed(overflow_book):
    text = solid_text(overflow_book.pdf)
    unbroken = [CODE_SOLID, CODE_SPACED.replace(" ", ""), URL_LINK, URL_BARE, SOLID_WORD, INLINE_CODE]
    missing = [word for word in unbroken if word not in text]  # broken without a hyphen added
    assert not missing, missing
    # Table cells are narrow: their words may be hyphenated (U+2010, as in the running text).
    cells = text.replace("\u2010", "")
    words = [f"Heading{c}" for c in range(COLUMNS)] + [f"cell{c}value{c}" for c in range(COLUMNS)]
    assert not [word for word in words if word not in cells]


def test_break_marks_are_invisible_to_the_page_map():
    html = breakable("see https://example.org/a-b/c?d=1 now")
    assert "<wbr/>" in html and "\u2060" in html
    assert count_chars("https://\u2060example.org/\u2060a-\u2060b") == count_chars("https://example.org/a-b")


def test_a_table_too_wide_to_set_is_an_error_at_check(tmp_path, capsys):
    columns = 40
    table = "\n".join(
        [
            "| " + " | ".join(f"C{c}" for c in range(columns)) + " |",
            "|" + "---|" * columns,
            "| " + " | ".join(str(c) for c in range(columns)) + " |",
        ]
    )
    ms = make_manuscript(tmp_path / "ms", {"wide.md": f"# Wide\n\nA table follows.\n\n{table}\n"})
    code = main([str(ms), "--check", "--no-referees"])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(r"^ms/wide\.md:5: table-too-wide: .*40 columns", err, re.M), err
