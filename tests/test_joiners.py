"""Word joiners and no-break spaces (issue 19, Standard Ebooks' typogrify as the model): a number
range never breaks after its en dash, initials stay with each other and the name, "p. 42" and
"pp. 42–45" keep the number with the abbreviation; code and URLs are left as written, and the
print's fidelity referee reads the joiner as nothing and the no-break space as a space."""

from __future__ import annotations

import re
import zipfile

import pypdfium2 as pdfium
import pytest
from conftest import build_book, fidelity_problems, make_manuscript
from test_epub import epubcheck_counts

from octavo.config.book import load_config
from octavo.diagnostics import Diagnostics
from octavo.source.joiners import join
from octavo.source.parse import parse_book

WJ, NBSP = "\u2060", "\u00a0"


@pytest.mark.parametrize(
    ("text", "english", "expected"),
    [
        ("in 1931–1934 he", True, f"in 1931–{WJ}1934 he"),
        ("pages 3–4", False, f"pages 3–{WJ}4"),
        ("1931–", True, "1931–"),  # no range
        ("May–June", True, "May–June"),  # words: no joiner
        (f"1931–{WJ}1934", True, f"1931–{WJ}1934"),  # not doubled
        ("J. R. R. Tolkien", True, f"J.{NBSP}R.{NBSP}R.{NBSP}Tolkien"),
        ("Dr. J. Smith", False, f"Dr. J.{NBSP}Smith"),
        ("step. A new", True, "step. A new"),  # a sentence's end is not an initial
        ("see p. 42 and pp. 42–45", True, f"see p.{NBSP}42 and pp.{NBSP}42–{WJ}45"),
        ("p. xii", True, f"p.{NBSP}xii"),
        ("see p. 42", False, "see p. 42"),  # English only
        ("a cup. 42 men", True, "a cup. 42 men"),  # "cup." is not "p."
    ],
)
def test_join(text, english, expected):
    assert join(text, english) == expected


def test_code_and_autolinks_are_left_alone(manuscript):
    text = "A range 1931–1934, `code 1931–1934 p. 4`, <https://example.org/p.%2042>, p. 7.[^a]\n\n"
    text += "[^a]: See pp. 10–12 of J. Smith.\n"
    root = manuscript({"one.md": f"# One\n\n{text}"})
    diags = Diagnostics()
    book = parse_book(load_config(root, diags), diags)
    assert book is not None
    found = [n for s in book.sections for b in s.blocks for n in b.walk()]
    texts = " ".join(n.text for n in found if n.type == "text")
    codes = [n.text for n in found if n.type == "code"]
    assert f"1931–{WJ}1934" in texts and f"p.{NBSP}7" in texts
    assert codes == ["code 1931–1934 p. 4"]
    assert "https://example.org/p. 42" in texts  # the autolink's text as written (decoded)
    notes = " ".join(n.text for s in book.sections for note in s.notes for b in note.blocks for n in b.walk())
    assert f"pp.{NBSP}10–{WJ}12" in notes and f"J.{NBSP}Smith" in notes


#: Words that move each range, name and page number along the line, paragraph after paragraph.
FILLER = [
    *("the", "committee", "met", "again", "in", "the", "autumn", "and"),
    *("took", "up", "the", "question", "of", "the", "harbour"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("joiners")
    paragraphs = []
    for n in range(60):
        lead = " ".join(FILLER[: n % len(FILLER)])
        paragraphs.append(
            f"{lead.capitalize() or 'So'} in 1931–1934 and 1948–1952 J. R. R. Tolkien and T. S. Eliot "
            f"wrote, as p. 42 and pp. 112–145 show, {' '.join(FILLER[n % 5 :])} from 1961–1963 on."
        )
    manuscript = make_manuscript(root / "ms", {"one.md": "# One\n\n" + "\n\n".join(paragraphs) + "\n"})
    return build_book(manuscript, root / "dist")


def test_no_printed_line_breaks_inside_a_range_initials_or_a_page_number(built):
    pdf = pdfium.PdfDocument(str(built.pdf))
    ends = []
    for page in pdf:
        lines = page.get_textpage().get_text_range().splitlines()
        ends += [line.rstrip() for line in lines if line.strip()]
    assert len(ends) > 200
    bad = [e for e in ends if re.search(r"(\d–|\b[A-Z]\.|\bpp?\.)$", e)]
    assert not bad, bad[:5]


def test_the_referee_and_epubcheck_pass(built):
    assert fidelity_problems(built.result, built.pdf) == []
    counts, lines = epubcheck_counts(built.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)
    with zipfile.ZipFile(built.epub) as z:
        text = z.read("EPUB/text/one.xhtml").decode()
    assert f"1931–{WJ}1934" in text and f"J.{NBSP}R.{NBSP}R.{NBSP}Tolkien" in text and f"p.{NBSP}42" in text


def test_the_referees_words_read_the_joiner_as_nothing_and_the_no_break_space_as_a_space():
    """pdfium extracts no word joiner (it has no glyph) and the EPUB's text holds it: the words
    the referees and the page-list tests compare must be the same (``words`` strips the joiner
    from a word's edge, where the rule puts it, and NFKC makes the no-break space a space)."""
    from octavo.inspect.pagetext import words

    assert words(join("In 1931–1934 J. R. R. Tolkien, p. 42.", True)) == words(
        "In 1931–1934 J. R. R. Tolkien, p. 42."
    )


def test_the_page_markers_count_no_joiner(built):
    """The EPUB's page markers stand at each page's first words, joiners in the paragraphs before
    them (the print's line text has none: they are not counted)."""
    from test_pagelist import epub_documents, first_pdf_words, page_list, words_after

    from octavo.layout.pagemap import page_labels

    docs = epub_documents(built)
    labels = page_labels(built.result.book, built.result.layout.document)
    pdf = pdfium.PdfDocument(str(built.pdf))
    checked = 0
    for label, href in page_list(docs):
        doc, fragment = href.split("#")
        if doc != "one.xhtml" or label == "1":
            continue
        expected = first_pdf_words(pdf[labels.index(label)], built.result.layout.margins)
        got = words_after(docs[doc], docs[doc].find(f".//*[@id='{fragment}']"))
        assert got[:3] == expected[:3], (label, expected, got)
        checked += 1
    assert checked >= 3
