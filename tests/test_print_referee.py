"""The print fidelity referee: every word, every note on its call's page, nothing off the page, no box.

Good books pass it; layouts broken on purpose (a styles folder with one
rule added to print.css) fail the build with the manuscript's file:line.
"""

from __future__ import annotations

import json
import shutil
import signal

import pikepdf
import pytest
import weasyprint
from conftest import ROOT, fidelity_problems, make_manuscript
from textutil import pdfium_pages

from octavo.check import lint as checks
from octavo.cli import main
from octavo.config.book import load_config
from octavo.diagnostics import Diagnostics
from octavo.inspect.fidelity import (
    _check_notes,
    _matches,
    _Report,
    block_words,
    note_tops,
    print_problems,
)
from octavo.inspect.pagetext import PageText, read_pages
from octavo.inspect.pdftext import destinations, notdef_glyphs
from octavo.source.parse import parse_book

CHAPTERS = {
    "one.md": """\
        # One

        The first paragraph speaks of lighthouses and keepers.[^a]

        The second paragraph tells of harbours, tides and ropes.

        The third paragraph closes the chapter quietly.

        [^a]: A note about the keepers of the Eddystone light.
        """,
    "two.md": "# Two\n\nA second chapter with plain words.\n",
}


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    previous = signal.getsignal(signal.SIGTERM)  # main() installs its own handler
    try:
        code = main(args)
    finally:
        signal.signal(signal.SIGTERM, previous)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def broken_styles(tmp_path, css: str):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    with (styles / "css" / "print.css").open("a", encoding="utf-8") as sheet:
        sheet.write("\n" + css + "\n")
    return styles


@pytest.mark.parametrize("fixture", ["seed_book", "sampler"])
def test_good_books_pass(fixture, request):
    built = request.getfixturevalue(fixture)
    result = built.result
    pdfs = [p for p in result.outputs if result.kinds[p] in ("pdf", "archive")]
    assert len(pdfs) == 2
    for pdf in pdfs:
        assert print_problems(pdf, result.book, result.print_options, result.pages) == [], pdf


def _read_both(pdf, result):
    with pikepdf.open(pdf) as opened:
        tops = note_tops(result.book, destinations(opened))
        fast, _ = read_pages(opened, result.print_options, result.pages, tops)
    return fast, pdfium_pages(pdf, result.print_options, result.pages, tops)


@pytest.mark.parametrize("fixture", ["seed_book", "sampler"])
def test_the_content_streams_read_as_pdfium_reads_them(fixture, request):
    """The referee reads the content streams itself (fast); pdfium, char by char, is the reference:
    the same words of each page's body and note area, the same glyphs off the page."""
    result = request.getfixturevalue(fixture).result
    pdf = next(p for p in result.outputs if result.kinds[p] == "pdf")
    fast, reference = _read_both(pdf, result)
    assert len(fast) == len(reference)
    for number, (mine, theirs) in enumerate(zip(fast, reference, strict=True), 1):
        assert (mine.body, mine.notes, mine.hyphenated) == (theirs.body, theirs.notes, theirs.hyphenated), (
            number
        )
        assert [o.split(" ", 3)[:3] for o in mine.overflow] == [o.split(" ", 3)[:3] for o in theirs.overflow]


def test_the_alignment_passes_over_inserts_and_finds_losses():
    """The linear walk keeps every word of identical streams, passes over a few words the PDF adds
    (note numbers), and where a word is lost hands the rest to difflib, which finds just that word."""
    expected = [f"w{k}" for k in range(5000)]
    assert _matches(expected, expected) == {k: k for k in range(5000)}
    got = expected[:100] + ["1"] + expected[100:4000] + ["extra"] * 5 + expected[4000:] + ["next", "section"]
    matched = _matches(expected, got)
    assert len(matched) == 5000 and matched[100] == 101 and matched[4000] == 4006
    lost = expected[:2500] + expected[2501:]
    assert [k for k in range(5000) if k not in _matches(expected, lost)] == [2500]
    changed = [*expected[:10], "changed", *expected[11:]]
    assert [k for k in range(5000) if k not in _matches(expected, changed)] == [10]
    repeated = [f"w{k % 7}" for k in range(300)]  # whatever the walk does, a kept word is there, in order
    kept = sorted(_matches(repeated, repeated[150:]).items())
    assert all(repeated[a] == repeated[150 + b] for a, b in kept) and len(kept) >= 140
    assert [b for _, b in kept] == sorted(b for _, b in kept)


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        (".footnote { display: none }", "ms/one.md:9: print-lost: note 1: 9 word(s) not in the note areas"),
        ("p[data-block]:nth-of-type(2) { display: none }", "ms/one.md:5: print-lost: 9 word(s) not on"),
        ("p { margin-left: -3in }", "ms/one.md:1: print-overflow: page"),
    ],
    ids=["notes-hidden", "paragraph-hidden", "off-the-page"],
)
def test_a_broken_layout_fails_the_build(tmp_path, capsys, css, expected):
    ms = make_manuscript(tmp_path / "ms", CHAPTERS)
    styles = broken_styles(tmp_path, css)
    out = tmp_path / "dist"
    code, _, err = run_main([str(ms), "--out", str(out), "--styles", str(styles), "--only", "pdf"], capsys)
    assert code == 1, err
    assert expected in err, err
    staged = out / ".octavo-staging" / "a-test-book.pdf"  # not moved into place
    assert f"{staged}: referee-failed: fonts, page size:" in err


def test_the_problems_are_in_json_and_skipped_with_no_referees(tmp_path, capsys):
    ms = make_manuscript(tmp_path / "ms", CHAPTERS)
    styles = broken_styles(tmp_path, ".footnote { display: none }")
    args = [str(ms), "--out", str(tmp_path / "dist"), "--styles", str(styles), "--only", "archive"]
    code, stdout, _ = run_main([*args, "--json"], capsys)
    assert code == 1
    found = json.loads(stdout)["diagnostics"]
    lost = [d for d in found if d["id"] == "print-lost"]
    assert lost and all(d["file"] == "ms/one.md" and d["severity"] == "error" for d in lost)
    assert {"a-test-book.pdf", "a-test-book-archive.pdf"} <= {
        d["message"].rsplit(" in ", 1)[-1] for d in lost
    }
    code, _, err = run_main([*args, "--no-referees", "--force"], capsys)
    assert code == 0 and "print-lost" not in err


def test_a_note_out_of_the_note_area_is_lost(tmp_path, capsys):
    """A note set in the text (float off) is not in any page's note area."""
    ms = make_manuscript(tmp_path / "ms", CHAPTERS)
    styles = broken_styles(tmp_path, ".footnote { float: none; display: inline }")
    args = [str(ms), "--out", str(tmp_path / "dist"), "--styles", str(styles), "--only", "pdf"]
    code, _, err = run_main(args, capsys)
    assert code == 1
    assert "ms/one.md:9: print-lost: note 1: 9 word(s) not in the note areas" in err, err


def _note_book(tmp_path):
    ms = make_manuscript(tmp_path / "ms", CHAPTERS)
    diags = Diagnostics(root=ms)
    return parse_book(load_config(ms, diags), diags)


def test_a_note_may_continue_but_not_start_elsewhere(tmp_path):
    """Continued on the next page's note area: fine; started a page late, or in another section: not."""
    book = _note_book(tmp_path)
    section = book.sections[0]
    note = section.notes[0]
    text = block_words(note.blocks, note.line)
    first, rest = [w for w, _ in text[:4]], [w for w, _ in text[4:]]
    dests = {note.call_id: (0, 100.0)}

    def problems(pages: list[PageText], span: range) -> list[str]:
        report = _Report(str, "book.pdf")
        _check_notes(section, pages, span, dests, report)
        return [f"{d.id}: {d.message}" for d in report.found]

    def area(ws: list[str]) -> PageText:  # a page's note area holding a part of the note
        return PageText(notes=ws, parts={note.id: (ws, False)})

    assert problems([area(first), area(["4", *rest]), PageText()], range(0, 3)) == []
    late = problems([PageText(), area(first + rest), PageText()], range(0, 3))
    assert late == ["print-misplaced: note 1 starts on page 2, its call is on page 1 in book.pdf"]
    elsewhere = problems([area(first), area(rest)], range(0, 1))
    assert elsewhere == ["print-misplaced: note 1 continues on page 2, a page of another section in book.pdf"]


MALAYALAM = "മലയാളം"


def test_notdef_glyphs_are_found_in_a_pdf(tmp_path):
    """No installed font has Malayalam: WeasyPrint draws glyph 0 and the referee sees it."""
    font = ROOT / "styles" / "fonts" / "EBGaramond-Regular.ttf"
    css = f"@font-face {{ font-family: G; src: url({font.as_uri()}) }} body {{ font-family: G }}"
    pdf = tmp_path / "box.pdf"
    weasyprint.HTML(string=f"<style>{css}</style><p>Words and {MALAYALAM} here.</p>").write_pdf(pdf)
    with pikepdf.open(pdf) as opened:
        found = notdef_glyphs(opened)
    assert [text for _, text in found] == list(MALAYALAM)  # each glyph, named by its ToUnicode
    assert all(page == 0 for page, _ in found)
    plain = tmp_path / "plain.pdf"
    weasyprint.HTML(string=f"<style>{css}</style><p>Words and nothing else.</p>").write_pdf(plain)
    with pikepdf.open(plain) as opened:
        assert notdef_glyphs(opened) == []


def test_glyph_missing_is_an_error_at_check_and_in_the_pdf(tmp_path, capsys, monkeypatch):
    ms = make_manuscript(tmp_path / "ms", {"one.md": f"# One\n\nSome {MALAYALAM} text.\n"})
    code, _, err = run_main([str(ms), "--check"], capsys)
    assert code == 1
    assert "ms/one.md:3: glyph-missing: U+0D2E MALAYALAM LETTER MA" in err
    assert "nor in any installed font" in err
    # Were the check skipped, the PDF's referee would still catch the boxes.
    monkeypatch.setattr(checks, "check_glyphs", lambda book, styles, diags: None)
    code, _, err = run_main([str(ms), "--out", str(tmp_path / "dist"), "--only", "pdf"], capsys)
    assert code == 1
    assert "ms/one.md:3: glyph-missing: U+0D2E MALAYALAM LETTER MA (മ) printed as .notdef" in err


def test_a_fallback_font_keeps_it_a_warning(tmp_path, capsys):
    """Hebrew is not in EB Garamond but DejaVu has it: a warning naming the font, not an error."""
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nHebrew: אבג.\n"})
    code, _, err = run_main([str(ms), "--check"], capsys)
    assert code == 0
    assert "ms/one.md:3: warning: glyph-missing: U+05D0 HEBREW LETTER ALEF" in err
    assert "it would print from another font (" in err


def test_words_in_separate_runs_keep_their_spaces(tmp_path, capsys):
    """Links (or any inline elements) side by side are separate text runs; the space between them is
    a gap, not a glyph, and narrower on a line set loose than a justified one (CommonMark ex. 507)."""
    text = "# One\n\n[link](https://a.example/ 'title')\n[link](https://b.example/)\n[word](https://c.example/)\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    code, _, err = run_main([str(ms), "--out", str(tmp_path / "dist"), "--only", "pdf"], capsys)
    assert code == 0, err
    assert "print-lost" not in err


def test_the_archive_is_read_once_when_it_draws_what_the_print_pdf_draws(seed_book, tmp_path, monkeypatch):
    """The archive, written from the print PDF's layout, is hashed, not parsed again (it has the
    print PDF's problems); an archive that draws anything else (here: a page's text cut out) is
    read in full and judged on its own."""
    from octavo.inspect import fidelity

    result = seed_book.result
    printed = next(p for p in result.outputs if result.kinds[p] == "pdf")
    archive = next(p for p in result.outputs if result.kinds[p] == "archive")
    reads = []
    original = fidelity.read_pages
    monkeypatch.setattr(fidelity, "read_pages", lambda *a: reads.append(1) or original(*a))
    memo: dict = {}
    args = (result.book, result.print_options, result.pages)
    assert print_problems(printed, *args, memo=memo) == []
    assert print_problems(archive, *args, memo=memo) == []
    assert len(reads) == 1
    broken = tmp_path / "archive.pdf"
    with pikepdf.open(archive) as pdf:
        page = pdf.pages[8]
        page.obj.Contents = pdf.make_stream(b"")  # the page's text is gone
        pdf.save(broken)
    problems = print_problems(broken, *args, memo=memo)
    assert len(reads) == 2 and any(d.id == "print-lost" for d in problems)
    # a PDF that draws what one judged before draws has its problems, named for it, unread
    again = tmp_path / "again.pdf"
    shutil.copyfile(broken, again)
    found = print_problems(again, *args, memo=memo)
    assert len(reads) == 2
    assert [(d.file, d.line, d.id, d.message) for d in found] == [
        (d.file, d.line, d.id, d.message.replace(" in archive.pdf", " in again.pdf")) for d in problems
    ]


def test_a_small_type_table_above_a_pages_notes_is_text(tmp_path, capsys):
    """A table set smaller than the text, last on a page that has notes, is read as text: the note
    area begins at the page's first note (its named destination), not at the first small type."""
    text = (
        "# One\n\nThe keeper counted the steps.[^steps] There were one hundred and twelve.\n\n"
        "| year | hours |\n|---|---|\n| 1901 | 3,120 |\n| 1902 | 3,344 |\n\n"
        "[^steps]: His father had carved a notch into every tenth step.\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    code, _, err = run_main([str(ms), "--out", str(tmp_path / "dist"), "--only", "pdf"], capsys)
    assert code == 0, err
    assert "print-lost" not in err


def test_a_book_with_a_jpeg_passes_every_referee(tmp_path):
    """A JPEG is drawn from its DCT stream, which qpdf does not decode: the referees' digest of
    what the print and archive PDFs draw read it as a failure ('read_bytes called on unfilterable
    stream') and every book with a JPEG failed its build."""
    from conftest import run_octavo
    from PIL import Image

    text = "# One\n\n![A red square](photo.jpg)\n\nText after it.\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    Image.new("RGB", (60, 40), (200, 30, 30)).save(ms / "photo.jpg", quality=90)
    done = run_octavo(str(ms), "--out", str(tmp_path / "dist"), "-q")
    assert done.returncode == 0, done.stderr
    assert not list((tmp_path / "dist").glob(".octavo-staging"))


def test_long_urls_broken_across_lines_are_found_whole(tmp_path):
    """A URL too long for the line breaks after a '/', with no hyphen: the PDF's text has it as
    two words, which the referee put end to end; it used to call the URL lost."""
    url = "https://example.org/une/tres/longue/adresse/qui/ne/tient/pas/sur/une/ligne"
    text = (
        f"# One\n\nSome text before the link so that it wraps on the line.\n\n"
        f"An external link: <{url}/index.html>\n\nAnother: <{url}/index.html?x=1&y=2>\n\n"
        f"A bare one: {url}/page\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    from octavo.build.pipeline import BuildOptions, build

    result = build(BuildOptions(manuscript=ms, out=tmp_path / "dist", formats=("pdf",)))
    pdf = next(p for p in result.outputs if result.kinds[p] == "pdf")
    assert fidelity_problems(result, pdf) == []
    document = pikepdf.open(pdf)
    texts, _ = read_pages(document, result.print_options, result.pages, {})
    pieces = [w for t in texts for w in t.body if "example.org" in w]
    assert pieces and all(not w.endswith("ligne/page") for w in pieces), "no URL was broken: not tried"


def test_right_to_left_words_are_read_in_their_order(tmp_path):
    """WeasyPrint draws a right-to-left run in visual order, so its characters came out of the
    PDF backwards: a Hebrew phrase was called lost (the page read right)."""
    from octavo.build.pipeline import BuildOptions, build

    text = "# One\n\nHebrew [שלום עולם]{lang=he dir=rtl} in the line, and a word: [ספר]{lang=he}.\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    result = build(BuildOptions(manuscript=ms, out=tmp_path / "dist", formats=("pdf",)))
    pdf = next(p for p in result.outputs if result.kinds[p] == "pdf")
    assert fidelity_problems(result, pdf) == []


PICTURE_CHAPTERS = {
    "one.md": "# One\n\nA line of words before the picture, and more words to fill a second line of it.\n\n"
    "![A brown block](block.png)\n\nA line of words after the picture.\n",
}


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        ("img { height: 11in !important; max-height: none !important; }", "off the trim"),
        ("img { position: relative; top: -30pt; }", "with text printed over it"),
        ("img { margin-left: -30pt; }", "outside the text area"),
    ],
    ids=["past-the-foot", "over-the-text", "into-the-margin"],
)
def test_a_picture_off_the_page_or_under_text_fails_the_build(tmp_path, capsys, css, expected):
    """A picture is checked like text: within the text area, and no text printed over it (a picture
    taller than the page had been set over a long note's continued part with every referee passing)."""
    from PIL import Image

    ms = make_manuscript(tmp_path / "ms", PICTURE_CHAPTERS)
    Image.new("RGB", (400, 200), (120, 60, 30)).save(ms / "block.png")
    out = tmp_path / "dist"
    code, _, err = run_main([str(ms), "--out", str(out), "--only", "pdf"], capsys)
    assert code == 0, err  # as octavo sets it, the picture passes
    styles = broken_styles(tmp_path, css)
    code, _, err = run_main([str(ms), "--out", str(out), "--styles", str(styles), "--only", "pdf"], capsys)
    assert code == 1, err
    assert "ms/one.md:1: print-overflow: page" in err and expected in err, err


@pytest.mark.parametrize("where", ["text", "note"])
def test_a_picture_of_its_own_paragraph_stays_in_the_text_block(tmp_path, capsys, where):
    """A picture as wide as the measure, alone in a paragraph of the text or of a note: it took the
    paragraph's first-line indent (1.2 em in the text, 1 em in a note's second paragraph) and
    stood that far in the margin, which the picture check now finds."""
    from PIL import Image

    picture = "![A wide brown block](wide.png)"
    text = (
        f"# One\n\nA paragraph of words.\n\n{picture}\n"
        if where == "text"
        else f"# One\n\nA paragraph calls a note.[^a]\n\n[^a]: The note's words.\n\n    {picture}\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    Image.new("RGB", (900, 300), (120, 60, 30)).save(ms / "wide.png")
    code, _, err = run_main([str(ms), "--out", str(tmp_path / "dist"), "--only", "pdf"], capsys)
    assert code == 0, err
