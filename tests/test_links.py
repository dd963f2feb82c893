"""Links and ids (``octavo/resolve.py``): links between files, to headings and to spans, followed
to the place they name in the EPUB and in the archive PDF; every id unique; what a link that
leads nowhere, or out of the book by a URL EPUBCheck refuses, becomes."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import make_manuscript
from lxml import etree
from test_epub import epubcheck_counts
from textutil import XHTML

from octavo.build.pipeline import BuildOptions, build
from octavo.config.book import ContentEntry, load_config
from octavo.diagnostics import Diagnostics, ManuscriptError, Severity
from octavo.source.parse import parse_book, section_ids
from octavo.source.resolve import REGISTERED_SCHEMES, url_problem

CLEAN = {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}

ONE = """\
# One

See [chapter two](two.md), its [methods](two.md#methods), our own
[summary](#summary), [the quote](#quote-para) and [the word](two.md#vojd).[^a]

## Summary

Summary of the first chapter. Out: <https://example.com/x> and [mail](mailto:a@example.com).

## Odd Things {#odd}

Brace-free heading above; a [link back to its start](one.md).

[^a]: A note that links to [the methods](two.md#methods).
"""

TWO = """\
# Two

{#quote-para}
Quoted paragraph with its own id.

## Methods

Methods of [Vojd]{#vojd lang=ru-Latn}, back to [the summary](one.md#summary) and [odd](#odd).
"""

#: link text -> (EPUB document, fragment or '' for the document, a text the target holds)
EXPECTED = {
    "chapter two": ("two.xhtml", "", "Quoted paragraph with its own id."),
    "methods": ("two.xhtml", "two-methods", "Methods"),
    "summary": ("one.xhtml", "one-summary", "Summary"),
    "the quote": ("two.xhtml", "quote-para", "Quoted paragraph with its own id."),
    "the word": ("two.xhtml", "vojd", "Vojd"),
    "link back to its start": ("one.xhtml", "", "See chapter two"),
    "the methods": ("two.xhtml", "two-methods", "Methods"),
    "the summary": ("one.xhtml", "one-summary", "Summary"),
    "odd": ("one.xhtml", "odd", "Odd Things"),
}


def errors(folder: Path, tmp_path: Path) -> list[str]:
    """``--check``: the errors as printed."""
    try:
        result = build(BuildOptions(manuscript=folder, out=tmp_path / "dist", check_only=True))
    except ManuscriptError as stopped:
        found = stopped.diagnostics
    else:
        found = list(result.diagnostics)
    return [str(d) for d in found if d.severity is Severity.ERROR]


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def epub_documents(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as z:
        return {
            posixpath.basename(n): etree.fromstring(z.read(n))
            for n in z.namelist()
            if n.startswith("EPUB/text/") and n.endswith(".xhtml")
        }


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    folder = make_manuscript(root / "ms", {"one.md": ONE, "two.md": TWO})
    result = build(BuildOptions(manuscript=folder, out=root / "dist", formats=("epub", "pdf", "archive")))
    assert not result.diagnostics.errors, [str(d) for d in result.diagnostics]
    outputs = {p.name: p for p in result.outputs}
    return outputs


def test_the_linked_book_passes_epubcheck(linked):
    counts, lines = epubcheck_counts(linked["a-test-book.epub"])
    assert counts == CLEAN, "\n".join(lines)


def test_every_link_in_the_epub_leads_to_its_place(linked):
    docs = epub_documents(linked["a-test-book.epub"])
    ids = {name: {e.get("id"): e for e in doc.iter() if e.get("id")} for name, doc in docs.items()}
    seen = set()
    for name, doc in docs.items():
        for a in doc.iter(f"{XHTML}a"):
            href = a.get("href")
            if href is None or ":" in href.split("#")[0]:
                continue
            file, _, fragment = href.partition("#")
            target_doc = file or name
            assert target_doc in docs, (name, href)
            if fragment:
                assert fragment in ids[target_doc], (name, href)  # a dangling href fails here
            label = text_of(a)
            if label in EXPECTED:
                seen.add(label)
                assert (target_doc, fragment) == EXPECTED[label][:2], (label, href)
                target = ids[target_doc][fragment] if fragment else docs[target_doc]
                assert EXPECTED[label][2] in text_of(target), (label, text_of(target))
    assert seen == set(EXPECTED)
    hrefs = {a.get("href") for doc in docs.values() for a in doc.iter(f"{XHTML}a")}
    assert {"https://example.com/x", "mailto:a@example.com"} <= hrefs  # links out, kept


def test_every_id_in_each_epub_document_is_unique(linked):
    for name, doc in epub_documents(linked["a-test-book.epub"]).items():
        found = [e.get("id") for e in doc.iter() if e.get("id")]
        assert len(found) == len(set(found)), name


def test_the_headings_attributes_are_parsed_not_printed(linked):
    docs = epub_documents(linked["a-test-book.epub"])
    heading = next(h for h in docs["one.xhtml"].iter(f"{XHTML}h2") if h.get("id") == "odd")
    assert text_of(heading) == "Odd Things"
    assert "{#odd}" not in etree.tostring(docs["one.xhtml"], encoding="unicode")


def _page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    texts = [" ".join(page.get_textpage().get_text_range().split()) for page in pdf]
    pdf.close()
    return texts


def test_every_internal_link_of_the_archive_pdf_leads_to_the_page_of_its_target(linked):
    """The archive PDF keeps links (the print PDF has none): each named destination a link
    goes to is on the page that shows the target's text."""
    path = linked["a-test-book-archive.pdf"]
    texts = _page_texts(path)
    with pikepdf.open(path) as pdf:
        dests = pikepdf.NameTree(pdf.Root.Names.Dests)
        index = {page.objgen: n for n, page in enumerate(pdf.pages)}
        followed = {}
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link" or "/A" in annot:
                    continue
                name = str(annot.Dest)
                followed[name] = index[dests[name][0].objgen]
    wanted = {"two-methods": "Methods", "one-summary": "Summary", "quote-para": "Quoted paragraph"}
    wanted |= {"vojd": "Vojd", "odd": "Odd Things", "two": "Two"}
    assert set(wanted) <= set(followed), followed
    for name, text in wanted.items():
        assert text in texts[followed[name]], (name, followed[name])
    with pikepdf.open(linked["a-test-book.pdf"]) as pdf:
        assert not any(page.get("/Annots") for page in pdf.pages)  # the print PDF: no links


# -- ids ---------------------------------------------------------------------------------


def test_an_id_given_twice_is_an_error_at_check(tmp_path):
    folder = make_manuscript(
        tmp_path / "ms",
        {"one.md": "# One\n\n[a]{#same} and more.\n", "two.md": "# Two\n\n{#same}\nText.\n"},
    )
    assert errors(folder, tmp_path) == [
        "ms/two.md:4: id-duplicate: id 'same' is already given on one.md:3: ids must be unique in the book"
    ]


RESERVED = ["page-1", "one-n1", "one-n1-call", "one-n1-call-2", "one-n1-cont-1", "one-notes-end"]
RESERVED += ["one", "two-title", "toc", "titlepage", "cover", "page-list"]


@pytest.mark.parametrize("ident", RESERVED)
def test_an_id_octavo_gives_itself_is_refused(tmp_path, ident):
    text = f"# One\n\nText[^a] and [this]{{#{ident}}}.\n\n[^a]: A note.\n"
    folder = make_manuscript(tmp_path / "ms", {"one.md": text, "two.md": "# Two\n\nText.\n"})
    [error] = errors(folder, tmp_path)
    assert error.startswith(f"ms/one.md:3: id-reserved: id '{ident}' is one octavo gives itself")


def test_a_heading_whose_slug_is_a_note_id_makes_way_and_the_back_link_finds_its_call(tmp_path):
    text = "# One\n\nText.[^a]\n\n## N1\n\nMore.\n\n## N1\n\nEnd.\n\n[^a]: The note.\n"
    folder = make_manuscript(tmp_path / "ms", {"one.md": text})
    built = build(BuildOptions(manuscript=folder, out=tmp_path / "dist", formats=("epub",)))
    epub = next(p for p in built.outputs if p.suffix == ".epub")
    assert epubcheck_counts(epub)[0] == CLEAN
    doc = epub_documents(epub)["one.xhtml"]
    assert [h.get("id") for h in doc.iter(f"{XHTML}h2")] == ["one-n1-2", "one-n1-3"]
    [back] = [a for a in doc.iter(f"{XHTML}a") if a.get("role") == "doc-backlink"]
    [call] = [e for e in doc.iter() if e.get("id") == back.get("href")[1:]]
    assert call.get("role") == "doc-noteref"


# -- links that lead nowhere, or out by a URL EPUBCheck refuses -----------------------------


@pytest.mark.parametrize(
    "link",
    [
        "[link](foo\\):)",
        "[link](/url)",
        "[link](url)",
        "[link](my%20url)",
        "[link](#fragment)",
        "[link](two.md)",
        "[link](one.md#nowhere)",
    ],
)
def test_a_link_that_leads_nowhere_is_an_error_at_check(tmp_path, link):
    folder = make_manuscript(tmp_path / "ms", {"one.md": f"# One\n\nText\n{link}.\n"})
    [error] = errors(folder, tmp_path)
    assert error.startswith("ms/one.md:4: link-unresolved: link ")


INVALID = ["<a+b+c:d>", "<made-up-scheme://foo,bar>", "<localhost:5001/foo>", "<https://../>"]
INVALID += ["[//host/path](//host/path)"]


def test_a_link_out_by_a_url_epubcheck_refuses_is_a_warning_and_its_text_stays(tmp_path):
    text = "# One\n\n" + "".join(f"Here {link} ends.\n\n" for link in INVALID)
    folder = make_manuscript(tmp_path / "ms", {"one.md": text})
    built = build(BuildOptions(manuscript=folder, out=tmp_path / "dist", formats=("epub",)))
    warnings = [str(d) for d in built.diagnostics if d.id == "link-invalid"]
    assert [w.split(":")[1] for w in warnings] == ["3", "5", "7", "9", "11"], warnings
    assert all("its text is printed without the link" in w for w in warnings)
    epub = next(p for p in built.outputs if p.suffix == ".epub")
    counts, lines = epubcheck_counts(epub)
    assert counts == CLEAN, "\n".join(lines)
    doc = epub_documents(epub)["one.xhtml"]
    assert not list(doc.iter(f"{XHTML}a"))
    body = text_of(doc)
    for link in INVALID:
        assert f"Here {link[1:-1] if link[0] == '<' else link[1:].split(']')[0]} ends." in body


def test_the_registered_schemes_are_epubchecks_own():
    """Every scheme octavo keeps is in EPUBCheck's list (its URISchemes class, read from the jar)."""
    from epubcheck.const import EPUBCHECK

    with zipfile.ZipFile(EPUBCHECK) as jar:
        data = jar.read("com/adobe/epubcheck/util/URISchemes.class").decode("latin-1")
    for scheme in REGISTERED_SCHEMES:
        constant = scheme.upper().replace(".", "_")
        assert constant in data, scheme
    assert url_problem("https://example.com/a?b#c", "https") == ""
    assert url_problem("https://../", "https")
    assert url_problem("javascript:alert(1)", "javascript")


# -- the parser's cases around ids and notes -----------------------------------------------


def test_escaped_and_spaced_note_like_text_is_text_and_a_misspelt_call_an_error(tmp_path):
    text = (
        "# One\n\nAn escaped \\[^1] call, the class [^abc] of a regex,\n"
        "[^x] at a line's start, and a real one.[^a]\n\nThen a typo.[^frist]\n\n[^a]: The note.\n"
    )
    folder = make_manuscript(tmp_path / "ms", {"one.md": text})
    assert errors(folder, tmp_path) == [
        "ms/one.md:6: note-undefined: footnote [^frist] is referenced but never defined"
    ]


def test_a_note_defined_inside_another_is_a_note_of_its_own(tmp_path):
    text = "# One\n\nText[^a] and[^b].\n\n[^a]: Note a.\n\n    [^b]: Note b.\n"
    folder = make_manuscript(tmp_path / "ms", {"one.md": text})
    built = build(BuildOptions(manuscript=folder, out=tmp_path / "dist", formats=("epub",)))
    assert not built.diagnostics.errors, [str(d) for d in built.diagnostics]
    epub = next(p for p in built.outputs if p.suffix == ".epub")
    doc = epub_documents(epub)["one.xhtml"]
    notes = [text_of(a) for a in doc.iter(f"{XHTML}aside")]
    assert notes == ["1. Note a.", "2. Note b."]


def resolved(folder: Path) -> tuple[dict[str, str], list[str]]:
    """The book as the resolver leaves it: every link's text -> its target; the diagnostics."""
    diags = Diagnostics(root=folder)
    book = parse_book(load_config(folder, diags), diags)
    links = {}
    for section in book.sections:
        for root in [*section.blocks, *(b for n in section.notes for b in n.blocks)]:
            for node in root.walk():
                if node.type == "link":
                    links["".join(n.text for n in node.walk())] = node.attr("target") or node.attr("href")
    return links, [str(d) for d in diags]


def test_slugs_titles_and_author_ids_as_link_targets(tmp_path):
    one = (
        "# One {#start}\n\n[a](#start) [b](#one) [c](#notes) [d](#notes-1) [e](two.md#notes)\n"
        "[f](#one-notes) [g](./two.md) [h](#two) [i](two.md#two)\n\n"
        "## Notes\n\nText with [a span]{#one-notes}.\n\n## Notes\n\nMore.\n"
    )
    folder = make_manuscript(tmp_path / "ms", {"one.md": one, "two.md": "# Two\n\n## Notes\n\nText.\n"})
    links, diags = resolved(folder)
    assert diags == [
        "ms/one.md:4: link-unresolved: link '#two' leads nowhere: no heading or id 'two' "
        "in one.md or the book"
    ]
    assert links == {
        "a": "one",  # the title's own id: the section
        "b": "one",  # the title's slug
        "c": "one#one-notes-2",  # the heading makes way for the author's id one-notes
        "d": "one#one-notes-3",  # the second heading of the same text: GitHub's -1
        "e": "two#two-notes",
        "f": "one#one-notes",
        "g": "two",
        "i": "two",  # the other file's title slug (h, unresolved, is text now: the build stops)
    }


def test_a_file_named_like_a_template_id_gets_a_section_id_of_its_own():
    entries = tuple(ContentEntry(Path(name), "chapter", 1) for name in ("toc.md", "cover.md", "one.md"))
    assert section_ids(entries) == ["s-toc", "s-cover", "one"]


def test_a_file_named_like_an_id_octavo_derives_gets_a_section_id_of_its_own():
    """``a-title``, ``a-n1``, ``a-n1-call-2``, ``a-notes-end`` are ids octavo derives from section
    ``a``: the section named so takes ``-s``, whatever the files' order; ``a-b1`` derives nothing."""
    names = ("a-n1-call-2.md", "a.md", "a-title.md", "a-n1.md", "a-notes-end.md", "a-b1.md", "a-title-s.md")
    entries = tuple(ContentEntry(Path(name), "chapter", 1) for name in names)
    assert section_ids(entries) == [
        "a-n1-call-2-s",
        "a",
        "a-title-s2",
        "a-n1-s",
        "a-notes-end-s",
        "a-b1",
        "a-title-s",
    ]


def test_sections_named_like_each_others_ids_build_a_valid_epub(tmp_path):
    """Section ``a`` has a title, a note and a heading; files ``a-title``, ``a-n1`` and ``a-intro``
    would take its ids: every id stays unique and every link lands (EPUBCheck)."""
    files = {
        "a.md": "# A\n\nText.[^1] See [the intro](a-intro.md).\n\n## Intro\n\nMore.\n\n[^1]: The note.\n",
        "a-title.md": "# A title\n\nText of a-title.\n",
        "a-n1.md": "# A n1\n\nText.[^1]\n\n[^1]: Its note.\n",
        "a-intro.md": "# A intro\n\nBack to [a](a.md#intro).\n",
    }
    folder = make_manuscript(tmp_path / "ms", files)
    built = build(BuildOptions(manuscript=folder, out=tmp_path / "dist", formats=("epub",)))
    epub = next(p for p in built.outputs if p.suffix == ".epub")
    assert epubcheck_counts(epub)[0] == CLEAN
    ids = [e.get("id") for doc in epub_documents(epub).values() for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and {"a-n1", "a-title", "a-title-s", "a-n1-s"} <= set(ids)


@pytest.mark.parametrize("title", ["N1 call", "N1 cont", "Notes end"])
def test_a_heading_named_like_a_numbered_octavo_id_gets_one_of_its_own(tmp_path, title):
    """'## N1 call' gave one-n1-call, reserved for the first note's call, and every -2, -3…
    after it is reserved too: octavo looped for ever, even at --check."""
    text = f"# One\n\nText.[^a]\n\n## {title}\n\nMore.\n\n[^a]: The note.\n"
    folder = make_manuscript(tmp_path / "ms", {"one.md": text})
    assert errors(folder, tmp_path) == []
