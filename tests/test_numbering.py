"""Numbered figures and tables (issue 18): ``{#fig:x}`` and ``Table: … {#tbl:x}``, "Figure 3" in
both editions, ``[](#fig:x)`` and ``{.pageref}`` to them."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import build_book, fidelity_problems, make_manuscript
from test_epub import epubcheck_counts

from octavo.diagnostics import Diagnostics
from octavo.source.numbering import numbers
from octavo.source.parse import parse_book

SAMPLER_PICTURE = Path(__file__).parent / "books" / "sampler" / "images" / "chart.png"

TABLE = "| Year | Members |\n|---|--:|\n| 1931 | 12 |\n| 1934 | 40 |\n"


def _book(tmp_path: Path, files: dict[str, str]):
    from octavo.config.book import load_config

    root = make_manuscript(tmp_path / "ms", files)
    (root / "images").mkdir(exist_ok=True)
    shutil.copy(SAMPLER_PICTURE, root / "images" / "chart.png")
    diags = Diagnostics(root=root)
    config = load_config(root, diags)
    assert config is not None, diags.errors
    book = parse_book(config, diags)
    assert book is not None and not diags.errors, diags.errors
    return root, book


def _tables(book) -> list:
    return [n for s in book.sections for b in s.all_blocks for n in b.walk() if n.type == "table"]


@pytest.mark.parametrize(
    ("text", "caption", "ident"),
    [
        (f"Table: Members by year {{#tbl:members}}\n\n{TABLE}", "Members by year", "tbl:members"),
        (f"{TABLE}\nTable: Members by year {{#tbl:members}}\n", "Members by year", "tbl:members"),
        (f"{TABLE}\n: Members *by* year\n", "Members by year", ""),
        (f"table: Members by year\n\n{TABLE}", "Members by year", ""),
        (
            f"> Table: Quoted {{#tbl:q .wide}}\n>\n> {TABLE.replace(chr(10), chr(10) + '> ')}",
            "Quoted",
            "tbl:q",
        ),
    ],
)
def test_table_captions(tmp_path: Path, text: str, caption: str, ident: str) -> None:
    _, book = _book(tmp_path, {"a.md": "# One\n\n" + text})
    [table] = _tables(book)
    first = table.children[0]
    assert first.type == "caption"
    assert "".join(n.text for n in first.walk()).strip() == caption
    assert table.attr("id") == ident
    paragraphs = [n for b in book.sections[0].blocks for n in b.walk() if n.type == "paragraph"]
    assert not any("Table:" in "".join(n.text for n in p.walk()) for p in paragraphs)


@pytest.mark.parametrize(
    "text",
    [
        "Table: a paragraph with no table beside it.\n",
        f"{TABLE}\nSome text.\n\nTable: two paragraphs away.\n",
        "Table:\n\n" + TABLE,  # nothing after the colon: no caption
    ],
)
def test_what_is_not_a_caption(tmp_path: Path, text: str) -> None:
    _, book = _book(tmp_path, {"a.md": "# One\n\n" + text})
    for table in _tables(book):
        assert table.children[0].type != "caption"
    assert "Table:" in "".join(n.text for b in book.sections[0].blocks for n in b.walk())


def test_numbers_run_through_the_book_in_reading_order(tmp_path: Path) -> None:
    _, book = _book(
        tmp_path,
        {
            "a.md": "# One\n\n![A chart](images/chart.png){#fig:one}\n\n![Unnumbered](images/chart.png)\n\n"
            f"Table: First {{#tbl:first}}\n\n{TABLE}\nText.[^1]\n\n"
            "[^1]: A note with a figure:\n\n    ![In a note](images/chart.png){#fig:note}\n",
            "b.md": f"# Two\n\n![Second](images/chart.png){{#fig:two}}\n\n"
            f"{TABLE}\n: Second {{#tbl:second}}\n",
        },
    )
    assert numbers(book) == {
        "fig:one": "Figure 1",
        "tbl:first": "Table 1",
        "fig:note": "Figure 2",
        "fig:two": "Figure 3",
        "tbl:second": "Table 2",
    }


def test_numbered_figures_and_tables_in_both_editions(tmp_path: Path) -> None:
    root, _ = _book(
        tmp_path,
        {
            "a.md": "# One\n\nAs [](#fig:chart) shows, and [](#tbl:members) lists "
            "(on p. [](#tbl:members){.pageref}); "
            "see [the chart](#fig:chart).\n\n![Members of the party](images/chart.png){#fig:chart}\n\n"
            f"Table: Members by year {{#tbl:members}}\n\n{TABLE}",
        },
    )
    built = build_book(root, tmp_path / "dist")
    with zipfile.ZipFile(built.epub) as epub:
        xhtml = epub.read("EPUB/text/a.xhtml").decode()
    assert re.search(
        r'<a href="a.xhtml#fig:chart">Figure 1</a> shows, and <a href="a.xhtml#tbl:members">Table 1</a>',
        xhtml,
    )
    assert ">the chart</a>" in xhtml
    assert re.search(
        r'<figcaption><span class="figure-number">Figure 1\.</span> <span class="caption-text"', xhtml
    )
    assert re.search(r'<caption><span class="table-number">Table 1\.</span> Members by year</caption>', xhtml)
    assert 'id="tbl:members"' in xhtml and 'id="fig:chart"' in xhtml
    document = pdfium.PdfDocument(str(built.pdf))
    text = " ".join(page.get_textpage().get_text_range() for page in document).replace("\r\n", " ")
    document.close()
    assert "As Figure 1 shows, and Table 1 lists (on p." in text
    assert "Figure 1. Members of the party" in text
    assert "Table 1. Members by year" in text
    assert fidelity_problems(built.result, built.pdf) == []  # the numbers are the words it expects
    counts, lines = epubcheck_counts(built.epub)
    assert counts["ERROR"] == counts["FATAL"] == counts["WARNING"] == 0, lines
