"""Nothing leaves the text block: long code lines, long URLs, unbreakable words, wide tables."""

from __future__ import annotations

import re
from itertools import pairwise

import pypdfium2 as pdfium
import pytest
from conftest import build_book, make_manuscript

from octavo.cli import main
from octavo.config.printspec import PrintOptions
from octavo.layout.pagemap import count_chars
from octavo.render.fit import break_points, breakable

#: How far (points) a glyph's box may stray past the text area: side bearings, italic overhang.
TOLERANCE = 1.5

CODE_SOLID = "".join(f"seg{i:03d}" for i in range(34))[:200]
CODE_SPACED = " ".join(f"word{i:02d}" for i in range(30))
URL_LINK = "https://example.org/a/very/long/path/to/a/resource/that/goes/on/and/on/index.html?query=printing&x=overflowing_parameter&y=42"
URL_BARE = "https://archive.example.net/collections/manuscripts/serge/notebooks/1945/may/entry-on-burnham.html?page=17&lang=en"
SOLID_WORD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789WXYZ"  # 40 characters, nothing to break at
DIGEST = "0123456789abcdef" * 6  # 96 characters: longer than a line
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

A digest longer than the line: {DIGEST} and more words.

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
    unbroken = [CODE_SOLID, CODE_SPACED.replace(" ", ""), URL_LINK, URL_BARE, SOLID_WORD, INLINE_CODE, DIGEST]
    missing = [word for word in unbroken if word not in text]  # broken without a hyphen added
    assert not missing, missing
    # Table cells are narrow: their words may be hyphenated (U+2010, as in the running text).
    cells = text.replace("\u2010", "")
    words = [f"Heading{c}" for c in range(COLUMNS)] + [f"cell{c}value{c}" for c in range(COLUMNS)]
    assert not [word for word in words if word not in cells]


def chars_of(pdf_path, wanted: str) -> list[tuple[str, tuple[float, ...]]]:
    """(character, box) of the glyphs that spell ``wanted`` (whitespace between them ignored)."""
    for page in pdfium.PdfDocument(str(pdf_path)):
        textpage = page.get_textpage()
        glyphs = [
            (textpage.get_text_range(i, 1), textpage.get_charbox(i)) for i in range(textpage.count_chars())
        ]
        glyphs = [(c, box) for c, box in glyphs if c and not c.isspace()]
        text = "".join(c for c, _ in glyphs)
        if wanted in text:
            start = text.index(wanted)
            return glyphs[start : start + len(wanted)]
    return []


def test_a_long_code_line_wraps_with_a_hanging_indent(overflow_book):
    glyphs = chars_of(overflow_book.pdf, CODE_SOLID)
    lines: dict[float, float] = {}  # top of the line -> left edge of its first glyph
    for _, (x0, _, _, y1) in glyphs:
        top = next((t for t in lines if abs(t - y1) < 3), y1)
        lines[top] = min(lines.get(top, x0), x0)
    lefts = [lines[top] for top in sorted(lines, reverse=True)]
    assert len(lefts) >= 2, "the 200-character line did not wrap"
    size = overflow_book.result.print_options.font_size
    assert all(left - lefts[0] > size for left in lefts[1:]), lefts


def test_url_break_points_follow_chicago():
    url = "https://a.org/b-c_d?e=f&g"
    bounds = [0, *break_points(url), len(url)]
    pieces = [url[a:b] for a, b in pairwise(bounds)]
    assert pieces == ["https:", "//", "a", ".org", "/b", "-c", "_d", "?e", "=", "f", "&", "g"]


@pytest.mark.parametrize(
    ("token", "first", "last"),
    [
        ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,", None, None),
        ("https://example.org/a/b.", "https:", "/b."),
        ("(https://example.org/a/b),", "(https:", "/b),"),
        ("“https://example.org/a”;", "“https:", "/a”;"),
    ],
)
def test_a_string_never_breaks_before_the_sentence_punctuation_after_it(token, first, last):
    """A new user's digest followed by a comma broke before the comma (", the" began a line):
    the punctuation after a string (and the bracket or quote before it) is not the string's."""
    bounds = [0, *break_points(token), len(token)]
    pieces = [token[a:b] for a, b in pairwise(bounds)]
    if first is None:
        assert pieces == [token]
    else:
        assert pieces[0] == first and pieces[-1] == last, pieces


@pytest.mark.parametrize(
    "number", ["3.14159265358979", "1,000,000,000.00", "(6.02214076e23).", "–12,345,678.90"]
)
def test_a_long_number_is_never_broken_as_a_string(number):
    """A new user's π, "3.14159265358979", was broken after its point ("3." on one line) as if it
    were a URL, and the referee then called it lost. A number stays whole (Chicago 6.80)."""
    assert "<wbr/>" not in breakable(f"pi is {number} here")


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


def font_sizes(pdf_path, wanted: str) -> set[float]:
    """The font sizes of the glyphs that spell ``wanted``, as pdfium reports them."""
    for page in pdfium.PdfDocument(str(pdf_path)):
        textpage = page.get_textpage()
        glyphs = [(textpage.get_text_range(i, 1), i) for i in range(textpage.count_chars())]
        glyphs = [(c, i) for c, i in glyphs if c and not c.isspace()]
        text = "".join(c for c, _ in glyphs)
        if wanted in text:
            start = text.index(wanted)
            return {
                round(pdfium.raw.FPDFText_GetFontSize(textpage.raw, i), 1)
                for _, i in glyphs[start : start + len(wanted)]
            }
    return set()


def test_code_and_tables_are_set_smaller_than_the_text(overflow_book):
    body = font_sizes(overflow_book.pdf, "Aparagraphafterthetable.")
    assert len(body) == 1  # (in WeasyPrint's CSS pixels, not points: only the ratio matters)
    for sample in (CODE_SPACED.replace(" ", ""), "x0x1x2x3x4x5x6x7x8x9"):
        sizes = font_sizes(overflow_book.pdf, sample)
        assert sizes and max(sizes) < min(body), (sample, sizes)


def test_ten_columns_fit_the_default_page_and_eleven_do_not():
    assert PrintOptions().max_table_columns(0) == 10
