"""Citations: Pandoc's syntax, CSL styles through citeproc-py, the notes and the bibliography they make.

``tests/books/citations`` (ten works cited, one not, 25 citations in every form of the syntax)
is built in Chicago notes-bibliography and, copied, in Chicago author-date; the EPUB's XHTML and
the print PDF's text are read back. Each error is a ``file:line: id: message`` at ``--check``.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import ROOT, build_book, fidelity_problems, make_manuscript, run_octavo
from test_epub import epubcheck_counts

from octavo.diagnostics import Diagnostics
from octavo.source.citesyntax import parse_bracketed, split_locator
from octavo.source.csl import load_style, shipped_styles
from octavo.source.dialect import parser

BOOK = ROOT / "tests" / "books" / "citations"
TITLE = "managers-and-their-critics"


def epub_text(epub: Path, name: str) -> str:
    """A section's XHTML as text: tags dropped, entities of citeproc's output decoded."""
    with zipfile.ZipFile(epub) as z:
        xhtml = z.read(f"EPUB/text/{name}.xhtml").decode()
    body = xhtml.split("<body", 1)[1].split(">", 1)[1]
    body = re.sub(r"</?(p|aside|h\d|section|div|header)\b[^>]*>", " ", body)  # blocks apart
    text = re.sub(r"<[^>]+>", "", body)
    return " ".join(text.replace("&amp;", "&").split())


def pdf_text(pdf: Path) -> str:
    """The print PDF's text, pages in order, lines joined (hyphens added at line ends removed)."""
    document = pdfium.PdfDocument(str(pdf))
    pages = [page.get_textpage().get_text_range() for page in document]
    text = "\n".join(pages).replace("\u2010\r\n", "").replace("-\r\n", "")
    return " ".join(text.split())


def copy_book(tmp_path: Path, csl: str) -> Path:
    target = tmp_path / "citations"
    shutil.copytree(BOOK, target)
    toml = target / "book.toml"
    toml.write_text(
        toml.read_text().replace('csl = "chicago-notes-bibliography"', f'csl = "{csl}"'), encoding="utf-8"
    )
    return target


# -- the syntax ----------------------------------------------------------------------------------


def citations(markdown: str) -> list[tuple[str, dict]]:
    tokens = parser("en").parse(markdown, {})
    return [(t.content, t.meta) for t in tokens[1].children or [] if t.type == "citation"]


def test_the_forms_of_pandoc_citation_syntax():
    found = citations("A [see @a, ch. 2; @b_1:x, pp. 33-35, 38 and passim] and [-@c] and @d says, @e [p. 4].")
    assert [c for c, _ in found] == [
        "[see @a, ch. 2; @b_1:x, pp. 33-35, 38 and passim]",
        "[-@c]",
        "@d",
        "@e [p. 4]",
    ]
    first = found[0][1]["items"]
    assert first[0] == {
        "key": "a",
        "prefix": "see",
        "suffix": "",
        "locator": "2",
        "label": "chapter",
        "suppress": False,
    }
    assert (
        first[1]["key"] == "b_1:x"
        and first[1]["locator"] == "33-35, 38"
        and first[1]["suffix"] == "and passim"
    )
    assert found[1][1]["items"][0]["suppress"] is True
    assert found[2][1]["in_text"] is True and found[3][1]["items"][0]["locator"] == "4"
    assert [c for c, _ in citations('*@a* and (see @b) and "@c" and x@d and \\@e')] == ["@a", "@b", "@c"]


@pytest.mark.parametrize(
    "text",
    [
        "Write to ada@example.org today.",  # an address
        "[mail ada@example.org]",  # an address in brackets
        "[a link @a](https://example.org)",  # a link's text holds an in-text citation, not a bracketed one
        "the price@home",
        "[^1] and [see; @a]",  # a part without a key: no bracketed citation
    ],
)
def test_what_is_not_a_bracketed_citation(text):
    assert not [c for c, m in citations(text) if not m["in_text"]]
    if "@a" not in text:
        assert not citations(text)


def test_locators_as_pandoc_reads_them():
    assert split_locator(", 12") == ("12", "page", "")
    assert split_locator(", sec. 3") == ("3", "section", "")
    assert split_locator(", § 3") == ("3", "section", "")
    assert split_locator(", vol. iv, at the end") == ("iv", "volume", ", at the end")
    assert split_locator(", and passim") == ("", "", ", and passim")
    assert parse_bracketed("see @a; nothing") is None


# -- the styles ----------------------------------------------------------------------------------


def test_octavo_ships_five_styles_and_citeproc_renders_each():
    assert set(shipped_styles()) == {
        "apa",
        "chicago-author-date",
        "chicago-notes-bibliography",
        "chicago-shortened-notes-bibliography",
        "modern-language-association",
    }
    assert (ROOT / "styles" / "csl" / "README.md").read_text().count("CC BY-SA") + (
        ROOT / "styles" / "csl" / "README.md"
    ).read_text().count("Attribution-ShareAlike") >= 1
    for name in shipped_styles():
        diags = Diagnostics()
        style = load_style(
            name, BOOK, (BOOK / "book.toml", 1), diags
        )  # renders a trial book, article, chapter
        assert style is not None and not diags.errors, (name, [str(d) for d in diags])


# -- the note style, read back ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def notes_book(tmp_path_factory):
    return build_book(BOOK, tmp_path_factory.mktemp("notes") / "dist")


def test_a_note_style_makes_notes_with_short_forms_and_a_bibliography(notes_book):
    assert not notes_book.result.diagnostics.errors, [str(d) for d in notes_book.result.diagnostics]
    one, two = epub_text(notes_book.epub, "one"), epub_text(notes_book.epub, "two")
    # the call after the punctuation, no space before it; an address left alone
    assert "giving way to its managers.1 The argument was not new,2 and" in one
    assert "Write to ada@example.org for the data" in one
    # the first note in full, given names whole; later ones short; a note's own citation in its text
    assert "1. James Burnham, The Managerial Revolution (John Day, 1941), 12." in one
    assert "4. Burnham, The Managerial Revolution, 12." in one
    assert "2. See Adolf A. Berle and Gardiner C. Means, The Modern Corporation" in one
    assert (
        "Bruno Rizzi, The Bureaucratization of the World, trans. Adam Westoby (Free Press, 1985), 3." in one
    )
    assert "9. Daniel Kelly, “Burnham and the Cold War,” in Thinkers of the Right, ed. Samuel Francis" in one
    assert (
        "8. Orwell doubted the forecasts most of all Orwell, “Second Thoughts on James Burnham,” 20; compare"
        in one
    )
    assert "Burnham3 says" in one  # @key: the name in the sentence, the citation in a note
    assert "2. Burnham, The Machiavellians: Defenders of Freedom, sec. 2." in two
    assert "edition" not in one + two  # citeproc-py's label of an empty variable, not printed
    bibliography = epub_text(notes_book.epub, "bibliography")
    entries = re.findall(r"(\w+), [A-Z][\w. ]+?[.,] ", bibliography)
    assert bibliography.startswith("Bibliography")
    assert "A Work Never Cited" not in bibliography
    families = [
        "Berle",
        "Burnham",
        "Burnham",
        "Diggins",
        "Djilas",
        "Kelly",
        "Orwell",
        "Rizzi",
        "Serge",
        "Wald",
    ]
    assert [e for e in entries if e in families] == families, bibliography


def test_the_note_styles_print_is_the_epubs(notes_book):
    text = pdf_text(notes_book.pdf)
    assert "giving way to its managers.1 The argument" in text
    assert "1. James Burnham, The Managerial Revolution (John Day, 1941), 12." in text
    assert "5. Burnham, The Managerial Revolution, 14." in text
    bibliography = text[text.rindex("Bibliography") :]
    assert (
        bibliography.index("Berle, Adolf A.")
        < bibliography.index("Burnham, James")
        < bibliography.index("Wald, Alan M.")
    )
    assert fidelity_problems(notes_book.result, notes_book.pdf) == []


def test_the_note_styles_epub_passes_epubcheck(notes_book):
    counts, lines = epubcheck_counts(notes_book.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)


def test_the_bibliography_has_a_hanging_indent(notes_book):
    with zipfile.ZipFile(notes_book.epub) as z:
        xhtml = z.read("EPUB/text/bibliography.xhtml").decode()
        css = z.read("EPUB/css/epub.css").decode() if "EPUB/css/epub.css" in z.namelist() else ""
    assert xhtml.count('class="csl-entry"') == 10
    assert "lead-in" not in xhtml
    print_css = (ROOT / "styles" / "css" / "print.css").read_text()
    for sheet in (css or (ROOT / "styles" / "css" / "epub.css").read_text(), print_css):
        rule = re.search(r"p\.csl-entry[^{]*\{([^}]*)\}", sheet)
        assert rule and "text-indent: -" in rule.group(1) and "padding-left" in rule.group(1)


def test_a_style_with_ibid_says_ibid_after_a_repeat(tmp_path):
    book = copy_book(tmp_path, "styles/ibid-notes.csl")
    built = build_book(book, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.errors, [str(d) for d in built.result.diagnostics]
    one = epub_text(built.epub, "one")
    assert "3. Burnham, The Managerial Revolution." in one  # subsequent, another work between
    assert "4. Ibid., 12." in one and "5. Ibid., 14." in one
    assert "8. Orwell doubted the forecasts most of all Ibid., 20; compare" in one  # in a note, after note 7


# -- author-date ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def author_date(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("author-date")
    return build_book(copy_book(tmp, "chicago-author-date"), tmp / "dist")


def test_an_author_date_style_cites_in_the_sentence(author_date):
    assert not author_date.result.diagnostics.errors, [str(d) for d in author_date.result.diagnostics]
    for text in (epub_text(author_date.epub, "one"), pdf_text(author_date.pdf)):
        assert (
            "giving way to its managers (Burnham 1941, 12). The argument was not new "
            "(see Berle and Means 1932, 45; Rizzi 1985, 3)," in text
        )
        assert "Burnham (1941) says" in text  # in-text
        assert "came with a forecast (1941, 170)" in text  # author suppressed
        assert "(Orwell 1946, 20); compare Djilas (1957, 38)" in text  # in a note
        assert "earlier still (Serge 1963, 281; Djilas 1957, 40)." in text  # as written, not as first cited
    book = author_date.result.book
    assert [len(s.notes) for s in book.sections] == [1, 0, 0]  # the author's note only: no note made
    references = epub_text(author_date.epub, "bibliography")
    assert references.startswith("References")
    assert "Burnham, James. 1941. The Managerial Revolution. John Day." in references
    assert references.index("1941. The Managerial") < references.index("1943. The Machiavellians")
    assert fidelity_problems(author_date.result, author_date.pdf) == []


def test_the_author_date_epub_passes_epubcheck(author_date):
    counts, lines = epubcheck_counts(author_date.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)


def test_the_bibliography_and_a_books_own_style_are_files_the_book_uses(tmp_path):
    """The build cache's key and the deposit bag take them in: a change to either rebuilds."""
    from octavo.source.gate import manuscript_files

    assert "refs.json" in manuscript_files(BOOK)
    assert "styles/ibid-notes.csl" not in manuscript_files(BOOK)  # a shipped style is named, not read
    assert "styles/ibid-notes.csl" in manuscript_files(copy_book(tmp_path, "styles/ibid-notes.csl"))


# -- errors ---------------------------------------------------------------------------------------

REFS = '[{"id": "a", "type": "book", "title": "A Book", "author": [{"family": "Writer", "given": "Ada"}]}]'


def citing(
    tmp_path: Path, text: str, keys: str, files: dict[str, str] | None = None, contents: str = ""
) -> Path:
    """A one-chapter manuscript citing in ``text``; ``keys`` open book.toml (line 1 on), ``contents``
    follows the chapter's entry (from line 15 when ``keys`` is one line)."""
    from conftest import BOOK_TOML

    return make_manuscript(
        tmp_path / "ms",
        {"one.md": f"# One\n\n{text}\n", **(files or {})},
        toml=keys + BOOK_TOML + '\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n' + contents,
    )


@pytest.mark.parametrize(
    ("text", "toml", "files", "expected"),
    [
        ("Cited [@nobody, 3].", 'bibliography = "refs.json"\n', {"refs.json": REFS},
         "ms/one.md:3: cite-unknown: @nobody is not in the bibliography"),
        ("Cited [@a].", "", {},
         "ms/one.md:3: cite-no-bibliography: [@a] cites, but book.toml names no 'bibliography'"),
        ("Cited [@a].", 'bibliography = "refs.json"\n', {"refs.json": "[{"},
         "ms/book.toml:1: bibliography-invalid: refs.json is not CSL-JSON: "),
        ("Cited [@a].", 'bibliography = "refs.json"\n', {"refs.json": '{"id": "a"}'},
         "ms/book.toml:1: bibliography-invalid: refs.json must hold a JSON array of CSL-JSON items"),
        ("Cited [@a].", 'bibliography = "refs.json"\n', {"refs.json": '[{"title": "x"}]'},
         "ms/book.toml:1: bibliography-invalid: refs.json: item 1 needs a string 'id' and 'type'"),
        ("Cited [@a].", 'bibliography = "refs.json"\n', {"refs.json": f"[{REFS[1:-1]}, {REFS[1:-1]}]"},
         "ms/book.toml:1: bibliography-invalid: refs.json: id 'a' is given twice"),
        ("Cited [@a].", 'bibliography = "refs.json"\n',
         {"refs.json": '[{"id": "a", "type": "book", "author": ["x"]}]'},
         "ms/book.toml:1: bibliography-invalid: refs.json: item 1 (a): citeproc-py cannot read it"),
        ("Cited [@a].", 'bibliography = "refs.json"\n',
         {"refs.json": '[{"id": "a", "type": "book", "issued": {"date-parts": [["x"]]}}]'},
         "ms/one.md:3: bibliography-invalid: citeproc-py cannot render [@a] (look at its works' entries)"),
        ("Cited [@a].", 'bibliography = "gone.json"\n', {},
         "ms/book.toml:1: bibliography-invalid: gone.json does not exist"),
        ("Cited [@a].", 'bibliography = "../refs.json"\n', {},
         "ms/book.toml:1: config-outside: ../refs.json is outside the manuscript folder"),
        ("Cited [@a].", 'bibliography = "refs.json"\ncsl = "turabian"\n', {"refs.json": REFS},
         "ms/book.toml:2: csl-invalid: no style 'turabian' (octavo ships apa, chicago-author-date"),
        ("Cited [@a].", 'bibliography = "refs.json"\ncsl = "my.csl"\n', {"refs.json": REFS, "my.csl": "<st"},
         "ms/book.toml:2: csl-invalid: my.csl is not XML: "),
        ("Cited [@a].", 'bibliography = "refs.json"\ncsl = "my.csl"\n', {"refs.json": REFS, "my.csl": "<a/>"},
         "ms/book.toml:2: csl-invalid: my.csl is not a CSL style"),
        ("Cited [@a].", 'bibliography = "refs.json"\ncsl = "/etc/x.csl"\n', {"refs.json": REFS},
         "ms/book.toml:2: config-outside: /etc/x.csl is outside the manuscript folder"),
    ],
)  # fmt: skip
def test_each_citation_error_is_reported_at_its_line(tmp_path, text, toml, files, expected):
    ms = citing(tmp_path, text, toml, files)
    proc = run_octavo(str(ms), "--check")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert any(line.startswith(expected) for line in proc.stderr.splitlines()), proc.stderr


def test_an_in_text_citation_of_a_work_with_no_author_names_its_title(tmp_path):
    refs = '[{"id": "anon", "type": "book", "title": "Primary Colors", "issued": {"date-parts": [[1996]]}}]'
    ms = citing(tmp_path, "As @anon [p. 3] shows.", 'bibliography = "refs.json"\n', {"refs.json": refs})
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.errors, [str(d) for d in built.result.diagnostics]
    assert "As Primary Colors (1996, 3) shows." in epub_text(built.epub, "one")


def test_the_bibliographys_text_gets_the_manuscripts_typography(tmp_path):
    """Straight quotes, ``--`` and ``...`` in CSL-JSON come out as the text's own would: curly
    (by the book's language), a dash, an ellipsis; no warning about them."""
    refs = (
        '[{"id": "ob", "type": "book", "title": "Burnham\'s \\"World\\" -- and more...",'
        ' "author": [{"family": "O\'Brien", "given": "Pat"}], "issued": {"date-parts": [[1941]]}}]'
    )
    keys = 'bibliography = "refs.json"\ncsl = "chicago-notes-bibliography"\n'
    ms = citing(tmp_path, "Text [@ob]. As @ob says.", keys, {"refs.json": refs})
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.items, [str(d) for d in built.result.diagnostics]
    one = epub_text(built.epub, "one")
    assert "1. Pat O’Brien, Burnham’s “World” – and More… (1941)." in one  # title case: the style
    assert "As O’Brien2 says." in one


@pytest.mark.parametrize(
    ("csl", "expected"),
    [
        ("apa", "As Writer (1941, p. 3) says, and again (Writer, 1941)."),  # APA sorts in a citation
        ("modern-language-association", "As Writer (A Book 3) says, and again (Writer, A Book)."),
        ("chicago-author-date", "As Writer (1941, 3) says, and again (Writer 1941)."),
    ],
)
def test_in_text_citations_in_each_in_text_style(tmp_path, csl, expected):
    refs = REFS.replace('"author"', '"issued": {"date-parts": [[1941]]}, "author"')
    keys = f'bibliography = "refs.json"\ncsl = "{csl}"\n'
    ms = citing(tmp_path, "As @a [p. 3] says, and again [@a].", keys, {"refs.json": refs})
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.errors, [str(d) for d in built.result.diagnostics]
    assert expected in epub_text(built.epub, "one")


def test_a_citation_in_a_title_is_rendered_in_the_title(tmp_path):
    keys = 'bibliography = "refs.json"\n'
    ms = citing(tmp_path, "Text.", keys, {"refs.json": REFS})
    (ms / "one.md").write_text("# One [@a]\n\nText.\n", encoding="utf-8")
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.errors, [str(d) for d in built.result.diagnostics]
    assert built.result.book.sections[0].title == "One (Writer, n.d.)"  # the contents and heads use it
    assert epub_text(built.epub, "one").startswith("One (Writer, n.d.) Text.")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1. George Orwell, “Second Thoughts,” Polemic 3 (1946): 13."),  # en-US: inside the quotes
        ("en-GB", "1. George Orwell, ‘Second Thoughts’, Polemic 3 (1946): 13."),  # its quotes, outside
        ("fr", "1. George Orwell, « Second Thoughts », Polemic 3 (1946): 13."),
    ],
)
def test_the_books_language_is_the_citations_locale(tmp_path, language, expected):
    """CSL 1.0.2 "Locale Fallback" and "Punctuation in Quotes": the book's language picks the
    locale (a style without ``default-locale``), and en-US puts a period or comma inside."""
    from conftest import BOOK_TOML

    refs = (
        '[{"id": "o", "type": "article-journal", "title": "Second Thoughts", "container-title": "Polemic",'
        ' "volume": "3", "author": [{"family": "Orwell", "given": "George"}],'
        ' "issued": {"date-parts": [[1946]]}}]'
    )
    toml = 'bibliography = "refs.json"\ncsl = "chicago-notes-bibliography"\n' + BOOK_TOML.replace(
        'language = "en"', f'language = "{language}"'
    )
    ms = make_manuscript(
        tmp_path / "ms",
        {"one.md": "# One\n\nText [@o, 13].\n", "refs.json": refs},
        toml=toml + '\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n',
    )
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.errors, [str(d) for d in built.result.diagnostics]
    assert expected in epub_text(built.epub, "one")


def test_a_bibliographys_title_is_in_the_books_language(tmp_path):
    from conftest import BOOK_TOML

    toml = 'bibliography = "refs.json"\ncsl = "apa"\n' + BOOK_TOML.replace(
        'language = "en"', 'language = "de"'
    )
    contents = '\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n\n[[contents]]\nkind = "bibliography"\n'
    ms = make_manuscript(
        tmp_path / "ms", {"one.md": "# Eins\n\nText [@a].\n", "refs.json": REFS}, toml=toml + contents
    )
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.errors, [str(d) for d in built.result.diagnostics]
    assert epub_text(built.epub, "bibliography").startswith("Literaturverzeichnis Writer, A.")


def test_an_unknown_key_in_text_is_reported_once_in_a_note_style(tmp_path):
    keys = 'bibliography = "refs.json"\ncsl = "chicago-notes-bibliography"\n'
    ms = citing(tmp_path, "As @nobody says.", keys, {"refs.json": REFS})
    proc = run_octavo(str(ms), "--check")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.count("cite-unknown") == 1, proc.stderr
    assert "ms/one.md:3: cite-unknown: @nobody is not in the bibliography" in proc.stderr


def test_a_bibliography_section_needs_a_bibliography(tmp_path):
    ms = citing(tmp_path, "No citation.", "", contents='\n[[contents]]\nkind = "bibliography"\n')
    proc = run_octavo(str(ms), "--check")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "ms/book.toml:16: cite-no-bibliography: a bibliography section needs 'bibliography'" in proc.stderr


def test_a_bibliography_with_nothing_cited_is_left_out_with_a_warning(tmp_path):
    contents = '\n[[contents]]\nkind = "bibliography"\n'
    ms = citing(tmp_path, "No citation.", 'bibliography = "refs.json"\n', {"refs.json": REFS}, contents)
    proc = run_octavo(str(ms), "--check")
    assert proc.returncode == 0, proc.stderr
    assert "ms/book.toml:17: warning: bibliography-empty: nothing is cited" in proc.stderr


def test_a_bibliography_may_have_a_title_of_its_own(tmp_path):
    contents = '\n[[contents]]\nkind = "bibliography"\ntitle = "Bibliographie"\n'
    ms = citing(tmp_path, "Cited [@a].", 'bibliography = "refs.json"\n', {"refs.json": REFS}, contents)
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.errors, [str(d) for d in built.result.diagnostics]
    assert epub_text(built.epub, "bibliography").startswith("Bibliographie Writer, Ada. n.d. A Book.")
    assert "Bibliographie" in epub_text(built.epub, "nav")


def test_a_title_in_contents_is_for_a_generated_section_only(tmp_path):
    contents = '\n[[contents]]\nfile = "two.md"\nkind = "appendix"\ntitle = "X"\n'
    ms = citing(tmp_path, "Text.", "", {"two.md": "# Two\n\nText.\n"}, contents)
    proc = run_octavo(str(ms), "--check")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert (
        "ms/book.toml:18: config-unknown-key: 'title' in [[contents]] #2 names a generated section"
        in proc.stderr
    )


def test_only_a_bibliography_may_leave_out_its_file(tmp_path):
    ms = citing(tmp_path, "Text.", "", contents='\n[[contents]]\nkind = "appendix"\n')
    proc = run_octavo(str(ms), "--check")
    assert proc.returncode == 1
    assert "ms/book.toml:16: config-missing-key: [[contents]] #2 needs 'file'" in proc.stderr


def test_a_style_citeproc_cannot_render_is_refused(tmp_path, monkeypatch):
    """A style whose trial rendering raises is refused with the processor's message, not a traceback."""
    from octavo.source import csl

    def broken(self, items):
        raise AttributeError("'str' object has no attribute 'label'")

    monkeypatch.setattr(csl.Citer, "cite", broken)
    diags = Diagnostics()
    assert load_style("apa", BOOK, (BOOK / "book.toml", 4), diags) is None
    assert [d.id for d in diags] == ["csl-invalid"]
    assert "citeproc-py cannot render apa: AttributeError" in diags.items[0].message
