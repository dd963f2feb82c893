"""Tables (issue 17): rows never split, cells on a baseline, columns apart, figures tabular and lining.

A 45-row table runs over three pages of print. Read back from the written
PDF (pdfium's glyph origins and boxes): no row is split between pages, the
header row stands again at the head of each page the table continues on,
the cells of a row share their first baseline, the columns stand apart and
the columns of figures are set in tabular lining figures, aligned on the
right. The EPUB's table carries the same marks, is styled the same way
(measured in Chromium where it is installed) and its page-list points into
the row that begins each printed page, never into a repeated header.
"""

from __future__ import annotations

import ctypes
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from conftest import build_book, fidelity_problems, make_manuscript
from lxml import etree
from test_epub import epubcheck_counts

from octavo.check.lint import table_widths
from octavo.cli import main
from octavo.config.printspec import MIN_COLUMN_EMS, PrintOptions, number_width
from octavo.model import Node
from octavo.render.tables import TableFit
from octavo.source.styles import find_styles
from octavo.source.tables import is_number, number_columns

ROWS = 45
HEADER = ("Year", "Description", "Tonnes", "Share")
#: Words of the description; a row has one to three of them, so rows are one to three lines high.
PHRASE = "the committee's report on the output of the northern works and their mills"


def row_cells(i: int) -> tuple[str, str, str, str]:
    """Row ``i`` (from 1): a year, a description opening on ``rowNN`` and closing on ``endNN``,
    a number of tonnes with a thousands comma, a share with decimals."""
    description = f"row{i:02d} " + " ".join([PHRASE] * (1 + i % 3)) + f" end{i:02d}"
    return str(1900 + i), description, f"{i * 137:,}", f"{i * 3.25:.2f}"


TABLE = "\n".join(
    [
        "| " + " | ".join(HEADER) + " |",
        "| --- | --- | ---: | ---: |",  # the year's column is not aligned by the Markdown
        *("| " + " | ".join(row_cells(i)) + " |" for i in range(1, ROWS + 1)),
    ]
)
#: A column of short words beside one of long text: there is room for each word whole.
PLACES = """\
| Works | Remarks |
| --- | --- |
| Luxembourg | the mills of the duchy, rebuilt after the war, rolled steel for the whole of the west |
| Magnitogorsk | the new city on the Ural river, built around its blast furnaces in four years |
"""
#: Columns of long words the measure cannot hold whole beside each other, and a column of figures.
GLOSSES = """\
| Term | Gloss | Gloss | Gloss | Gloss | Amount |
| --- | --- | --- | --- | --- | --- |
| internationalisation | incomprehensibility | counterrevolutionary | institutionalisation | \
electroencephalograph | 1,234,567 |
| denationalisation | disproportionately | misrepresentations | uncharacteristically | \
internationalists | 2,345,678 |
""".replace(" \\\n", " ")
CHAPTER = f"""\
# Output

{"A paragraph of running text before the table, set so that the table begins part way down the page. " * 5}

{TABLE}

Afterwards the text goes on.

{PLACES}

{GLOSSES}
"""

# -- what the cells hold -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "1901",
        "1,234",
        "1,234,567.89",
        "−3.5",
        "-3",
        "+12",
        "12%",
        "12 %",
        "($40)",
        "£1,200",
        ".5",
        "1.234,5",
    ],
)
def test_a_number_is_a_number(text):
    assert is_number(text)


@pytest.mark.parametrize("text", ["", "—", "n/a", "1900s", "3–4", "12.5.3", "No. 3", "a1", "1 2", "12 34"])
def test_words_and_ranges_are_not_numbers(text):
    assert not is_number(text)


def cell(kind: str, text: str) -> Node:
    return Node(kind, (Node("text", text=text),) if text else ())


def table(header: list[str], *rows: list[str]) -> Node:
    head = Node("thead", (Node("tr", tuple(cell("th", t) for t in header)),))
    body = Node("tbody", tuple(Node("tr", tuple(cell("td", t) for t in row)) for row in rows))
    return Node("table", (head, body))


def test_a_column_of_figures_is_one_whose_every_body_cell_is_a_number_or_empty():
    found = number_columns(
        table(
            ["Name", "Year", "Count", "Note", "Mixed"],
            ["Paris", "1901", "1,234", "old", "12"],
            ["Lyon", "1902", "—", "", "twelve"],
            ["Nice", "1903", "", "new", "13"],
        )
    )
    assert found == {1, 2}  # a column of words with a figure in it stays a column of words
    assert number_columns(table(["A", "B"], ["", "—"])) == frozenset()  # no figure at all


def test_a_column_of_figures_is_as_wide_as_its_longest_number():
    widths = table_widths(table(["Name", "Amount"], ["one", "1,234,567,890.25"], ["two", "12"]))
    assert widths[0] == MIN_COLUMN_EMS and widths[1] == number_width("1,234,567,890.25") > MIN_COLUMN_EMS


def test_figures_too_wide_to_set_whole_are_an_error_at_check(tmp_path, capsys):
    wide = "| " + " | ".join(["1,234,567,890.25"] * 6) + " |"
    rows = "\n".join(["| " + " | ".join(f"C{c}" for c in range(6)) + " |", "|---" * 6 + "|", wide])
    ms = make_manuscript(tmp_path / "ms", {"wide.md": f"# Wide\n\nA table follows.\n\n{rows}\n"})
    assert main([str(ms), "--check", "--no-referees"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"^ms/wide\.md:5: table-too-wide: .*columns 1, 2, 3, 4, 5, 6 set whole", err, re.M), err


# -- the printed table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Glyph:
    page: int
    char: str
    x: float  # origin: where the glyph's advance starts
    y: float  # origin: its baseline
    box: tuple[float, float, float, float]  # left, bottom, right, top
    size: float  # points


def pdf_glyphs(path: Path) -> list[Glyph]:
    """Every glyph of the PDF as drawn (its replacement text, a broken word read whole, set aside:
    ``textutil.drawn``), in reading order (pdfium's), with its origin and box in points."""
    from textutil import drawn

    found = []
    x, y = ctypes.c_double(), ctypes.c_double()
    for index, page in enumerate(pdfium.PdfDocument(drawn(path.read_bytes()))):
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(textpage.raw, i)
            char = chr(code) if code else ""
            if not char.strip():
                found.append(Glyph(index, " ", 0, 0, (0, 0, 0, 0), 0))
                continue
            raw.FPDFText_GetCharOrigin(textpage.raw, i, x, y)
            size = raw.FPDFText_GetFontSize(textpage.raw, i) * 0.75  # WeasyPrint's CSS px, in points
            found.append(Glyph(index, char, x.value, y.value, textpage.get_charbox(i), size))
    return found


def tokens(glyphs: list[Glyph]) -> dict[str, list[list[Glyph]]]:
    """Each word of the PDF (glyphs between spaces, on one page) -> its occurrences' glyphs."""
    found: dict[str, list[list[Glyph]]] = defaultdict(list)
    word: list[Glyph] = []
    for glyph in [*glyphs, Glyph(-1, " ", 0, 0, (0, 0, 0, 0), 0)]:
        if (
            glyph.char == " "
            or (word and glyph.page != word[0].page)
            or (word and abs(glyph.y - word[0].y) > 1)
        ):
            if word:
                found["".join(g.char for g in word)].append(word)
            word = [] if glyph.char == " " else [glyph]
        else:
            word.append(glyph)
    return found


@dataclass
class Row:
    year: list[Glyph]
    first: list[Glyph]  # the description's first word (rowNN)
    last: list[Glyph]  # its last word (endNN)
    tonnes: list[Glyph]
    share: list[Glyph]

    @property
    def cells(self) -> list[list[Glyph]]:
        return [self.year, self.first, self.tonnes, self.share]


def printed_rows(words: dict[str, list[list[Glyph]]]) -> list[Row]:
    rows = []
    for i in range(1, ROWS + 1):
        year, _, tonnes, share = row_cells(i)
        found = [words.get(w, []) for w in (year, f"row{i:02d}", f"end{i:02d}", tonnes, share)]
        assert all(len(f) == 1 for f in found), (i, [len(f) for f in found])
        rows.append(Row(*(f[0] for f in found)))
    return rows


@pytest.fixture(scope="module")
def table_book(tmp_path_factory):
    root = tmp_path_factory.mktemp("tables")
    ms = make_manuscript(root / "ms", {"output.md": CHAPTER})
    built = build_book(ms, root / "dist", formats=("epub", "pdf"))
    assert not built.result.diagnostics.errors, built.result.diagnostics.errors
    return built


@pytest.fixture(scope="module")
def printed(table_book):
    words = tokens(pdf_glyphs(table_book.pdf))
    return words, printed_rows(words)


def test_the_table_runs_over_three_pages_and_no_row_is_split(printed):
    _, rows = printed
    pages = [{g.page for cell in (r.year, r.first, r.last, r.tonnes, r.share) for g in cell} for r in rows]
    split = [(i + 1, sorted(p)) for i, p in enumerate(pages) if len(p) > 1]
    assert not split, f"rows split across pages (row, pages): {split}"
    assert len({min(p) for p in pages}) >= 3  # the table does run over pages


def test_the_header_row_stands_again_on_each_page_the_table_continues_on(printed):
    words, rows = printed
    for page in sorted({r.year[0].page for r in rows}):
        top = max(r.year[0].y for r in rows if r.year[0].page == page)  # the page's first row
        for heading in HEADER:
            above = [w for w in words[heading] if w[0].page == page and w[0].y > top]
            assert len(above) == 1, (page, heading)


def test_the_cells_of_a_row_share_their_first_baseline(printed):
    _, rows = printed
    for number, row in enumerate(rows, 1):
        baselines = [cell[0].y for cell in row.cells]
        assert max(baselines) - min(baselines) < 0.05, (number, baselines)
    # and a row of several lines is set from its top: the last word of row 2 is on its third line
    assert rows[1].last[0].y < rows[1].first[0].y - 2 * rows[1].first[0].size


def test_the_columns_stand_apart(printed):
    _, rows = printed
    size = rows[0].year[0].size  # the table's type
    for row in rows:
        # the year, on the right of its column, and the description, on the left of the next
        assert row.first[0].box[0] - row.year[-1].box[2] >= 0.7 * size, row.year
    for page in {r.year[0].page for r in rows}:
        on_page = [r for r in rows if r.year[0].page == page]
        description = max(r.last[-1].box[2] for r in on_page)  # the description's widest line ends
        tonnes = min(r.tonnes[0].box[0] for r in on_page)
        assert tonnes - description >= 0.7 * size, page


def test_figures_are_tabular_lining_and_aligned_on_the_right(printed):
    _, rows = printed
    for column in ("year", "tonnes", "share"):
        cells = [getattr(r, column) for r in rows]
        steps = {
            round(b.x - a.x, 2)
            for c in cells
            for a, b in pairwise(c)
            if a.char.isdigit() and b.char.isdigit()
        }
        assert max(steps) - min(steps) < 0.02, (column, steps)  # every figure as wide as the others
        for page in {c[0].page for c in cells}:  # (the text block of a verso and a recto differ)
            lasts = [c[-1].x for c in cells if c[0].page == page]  # each ends on a figure as wide as
            assert max(lasts) - min(lasts) < 0.05, (column, lasts)  # the others: their ends line up
        for glyph in (g for c in cells for g in c if g.char.isdigit()):
            # lining: every figure stands on the baseline and rises to about the capitals' height
            assert glyph.box[1] > glyph.y - 0.05 * glyph.size, (column, glyph)
            assert glyph.box[3] > glyph.y + 0.55 * glyph.size, (column, glyph)


def test_a_column_of_short_words_beside_long_text_keeps_its_words_whole(printed):
    words, _ = printed
    for word in ("Luxembourg", "Magnitogorsk"):
        assert len(words[word]) == 1, word  # whole, on one line, not hyphenated


def test_the_text_after_a_table_is_not_indented(printed):
    words, _ = printed
    (after,), (below,) = words["Afterwards"], words["Works"]  # the next table's first heading, flush
    assert after[0].page == below[0].page
    assert abs(after[0].box[0] - below[0].box[0]) < 3  # side bearings; the indent is 13 pt


def test_figures_stay_whole_where_the_words_beside_them_must_break(printed):
    words, _ = printed
    assert "internationalisation" not in words  # no room for the glosses whole: they break
    for amount in ("1,234,567", "2,345,678"):
        assert len(words[amount]) == 1, amount


def test_a_table_keeps_its_words_whole_where_the_measure_holds_them():
    fit = TableFit(PrintOptions().table_room(0), find_styles())
    places = table(
        ["Works", "Remarks"], ["Luxembourg", "the mills of the duchy"], ["Magnitogorsk", "a new city"]
    )
    assert fit.whole(places)
    glosses = [w for w in GLOSSES.split() if w.isalpha()][6:]  # the body's words
    assert not fit.whole(table(["Term"] * 5, glosses[:5], glosses[5:10]))
    assert not fit.whole(table(["Amount"] * 5, *[["1,234,567,890.25"] * 5] * 2))  # figures set whole too


def test_the_print_referee_and_epubcheck_pass(table_book):
    assert fidelity_problems(table_book.result, table_book.pdf) == []
    counts, lines = epubcheck_counts(table_book.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)


# -- the EPUB ------------------------------------------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"


def first_table(epub: Path) -> etree._Element:
    """The EPUB's first table (the 45 rows)."""
    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith("output.xhtml"))
        return next(etree.fromstring(z.read(name)).iter(f"{XHTML}table"))


def test_the_epub_marks_the_columns_of_figures(table_book):
    for row in first_table(table_book.epub).iter(f"{XHTML}tr"):
        classes = [(c.get("class") or "").split() for c in row]
        assert ["num" in c for c in classes] == [True, False, True, True], classes


def test_the_epub_page_list_points_at_the_row_that_begins_each_printed_page(table_book, printed):
    _, rows = printed
    first_rows = {}
    for row in rows:
        first_rows.setdefault(row.year[0].page, row.year)
    continued = sorted(first_rows)[1:]  # the pages the table continues on
    expected = ["".join(g.char for g in first_rows[page]) for page in continued]
    marked = []
    for mark in first_table(table_book.epub).iter(f"{XHTML}span"):
        if mark.get("role") != "doc-pagebreak":
            continue
        ancestors = [a.tag.removeprefix(XHTML) for a in mark.iterancestors()]
        assert "th" not in ancestors, "a page marker in a repeated header row"
        if "td" in ancestors:
            marked.append("".join(next(a for a in mark.iterancestors() if a.tag == f"{XHTML}td").itertext()))
    assert marked == expected


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.is_file(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.parametrize("width", [420, 800])
def test_the_epub_table_is_styled_in_a_reading_system(table_book, tmp_path, width):
    """Chromium (Playwright) shows the EPUB's document at a phone's and a tablet's width."""
    from playwright.sync_api import sync_playwright

    with zipfile.ZipFile(table_book.epub) as z:
        z.extractall(tmp_path)
    document = next(tmp_path.rglob("output.xhtml"))
    script = """() => {
      const text = (cell) => { const r = document.createRange(); r.selectNodeContents(cell); return r; };
      const first = (cell) => {
        const r = document.createRange();
        const t = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT).nextNode();
        r.setStart(t, 0); r.setEnd(t, 1); return r.getBoundingClientRect();
      };
      return [...document.querySelector('table').rows].map(row => [...row.cells].map(cell => {
        const all = text(cell).getClientRects(), box = text(cell).getBoundingClientRect();
        const style = getComputedStyle(cell);
        return {left: box.left, right: box.right, width: box.width,
                top: first(cell).top, bottom: first(cell).bottom,
                lines: new Set([...all].map(r => Math.round(r.top))).size,
                size: parseFloat(style.fontSize), rule: parseFloat(style.borderBottomWidth)};
      }));
    }"""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(document.as_uri())
            page.evaluate("document.fonts.ready")
            cells = page.evaluate(script)
        finally:
            browser.close()
    header, body = cells[0], cells[1:]
    size = body[0][0]["size"]
    assert all(h["rule"] > 0 and h["lines"] == 1 for h in header), header  # headings whole, over a rule
    assert min(b["top"] for b in body[0]) > max(h["bottom"] for h in header)
    for row in [header, *body]:
        for left, right in pairwise(row):
            assert right["left"] - left["right"] >= 0.6 * size, row  # the columns stand apart
    for row in body:
        assert max(c["top"] for c in row) - min(c["top"] for c in row) < 0.5, row  # one baseline
    for column in (0, 2, 3):
        rights = [row[column]["right"] for row in body]
        assert max(rights) - min(rights) < 0.5, column  # aligned on the right
        assert all(row[column]["lines"] == 1 for row in body)  # never broken
    widths = defaultdict(set)  # numbers of as many characters are as wide: tabular figures
    for i, row in enumerate(body, 1):
        widths[len(row_cells(i)[2])].add(round(row[2]["width"], 1))
    assert all(len(w) == 1 for w in widths.values()), widths
