"""Long notes in print: every word printed, in order, the note starting on its call's page.

Notes are written as numbered tokens (``a0 a1 …`` for note a) among body
tokens (``w0 w1 …``), so the words can be followed on the extracted text of
each page of the written PDFs without any knowledge of the layout.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from conftest import build_book, fidelity_problems, make_manuscript

TOKEN = re.compile(r"\b([a-z]+)(\d+)\b")


def body(prefix: str, count: int, start: int = 0) -> str:
    return " ".join(f"{prefix}{i}" for i in range(start, start + count))


def page_tokens(path) -> list[list[tuple[str, int]]]:
    """(prefix, number) of every token on each page, in reading order."""
    pdf = pdfium.PdfDocument(str(path))
    pages = []
    for page in pdf:
        text = page.get_textpage().get_text_range().replace("\u2010\r\n", "")
        pages.append([(m.group(1), int(m.group(2))) for m in TOKEN.finditer(text)])
    return pages


def check_note(pages, prefix: str, words: int, call_word: str) -> None:
    """Every token of note ``prefix`` once, in order, the first on the page of ``call_word``."""
    seen = [(index, n) for index, tokens in enumerate(pages) for p, n in tokens if p == prefix]
    assert [n for _, n in seen] == list(range(words)), f"note {prefix}: words lost, repeated or out of order"
    call_page = next(i for i, tokens in enumerate(pages) for p, n in tokens if f"{p}{n}" == call_word)
    assert seen[0][0] == call_page, f"note {prefix} starts on page {seen[0][0]}, its call is on {call_page}"
    on = sorted({index for index, _ in seen})
    assert on == list(range(on[0], on[-1] + 1)), f"note {prefix} skips pages: {on}"


def two_chapters(note_words: int, *, where: str) -> dict[str, str]:
    if where == "alone":
        one = f"# One\n\n{body('w', 40)} x0.[^a]\n\n[^a]: {body('a', note_words)}\n"
    else:  # at the end of a chapter followed by another, or of the book
        one = f"# One\n\n{body('w', 400)}\n\n{body('v', 120)} x0.[^a]\n\n[^a]: {body('a', note_words)}\n"
    if where == "last":  # the book's last words
        return {"one.md": one}
    return {"one.md": one, "two.md": f"# Two\n\n{body('y', 300)}\n"}


@pytest.mark.slow
@pytest.mark.parametrize("words", [300, 900, 2000, 5000])
@pytest.mark.parametrize("where", ["alone", "end", "last"])
def test_long_note_prints_whole_from_its_calls_page(tmp_path, words, where):
    ms = make_manuscript(tmp_path / "ms", two_chapters(words, where=where))
    built = build_book(ms, tmp_path / "dist", formats=("pdf", "archive"))  # the PDFs are what is read
    assert not built.result.diagnostics.errors
    for path in (built.pdf, tmp_path / "dist" / "a-test-book-archive.pdf"):
        pages = page_tokens(path)
        check_note(pages, "a", words, "x0")
        two = next((i for i, tokens in enumerate(pages) if ("y", 0) in tokens), len(pages))
        note_pages = {i for i, tokens in enumerate(pages) for p, _ in tokens if p == "a"}
        assert max(note_pages) < two, "the note runs onto the next chapter's pages"


def test_several_long_notes_on_one_page(tmp_path):
    text = (
        f"# One\n\n{body('w', 60)} x0.[^a] {body('v', 20)}\n\n{body('u', 30)} x1.[^b] {body('t', 300)}\n\n"
        f"{body('s', 200)} x2.[^c]\n\n[^a]: {body('a', 900)}\n\n"
        f"[^b]: {body('b', 700)}\n\n[^c]: {body('c', 60)}\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text, "two.md": f"# Two\n\n{body('y', 100)}\n"})
    built = build_book(ms, tmp_path / "dist")
    pages = page_tokens(built.pdf)
    check_note(pages, "a", 900, "x0")
    check_note(pages, "b", 700, "x1")
    check_note(pages, "c", 60, "x2")
    for prefix in "wvuts":  # the text is whole too
        numbers = [n for tokens in pages for p, n in tokens if p == prefix]
        assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))


def test_short_notes_called_where_a_long_note_continues_stand_under_it_on_their_call_pages(tmp_path):
    """A 2,500-word note continues over four pages; each of the next paragraphs calls a short
    note. WeasyPrint kept every note called after a carried one behind it (they went pages past
    their calls); now a short note goes under the continued note on its call's page, and the
    continued note goes on after it on the next page. Every word of every note, in order, from
    its call's page; the referees pass."""
    paragraphs = [f"{body('w', 40)} x0.[^a] {body('v', 20)}"]
    notes = [f"[^a]: {body('a', 2500)}"]
    for k, name in enumerate("bcdefghijk", start=1):
        paragraphs.append(f"{body(f'p{name}', 60)} x{k}.[^{name}] {body(f'q{name}', 30)}")
        notes.append(f"[^{name}]: {body(name, 25)}")
    text = "# One\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n\n".join(notes) + "\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text, "two.md": f"# Two\n\n{body('y', 100)}\n"})
    built = build_book(ms, tmp_path / "dist")
    assert fidelity_problems(built.result, built.pdf) == []
    pages = page_tokens(built.pdf)
    check_note(pages, "a", 2500, "x0")
    for k, name in enumerate("bcdefghijk", start=1):
        check_note(pages, name, 25, f"x{k}")
    shared = [i for i, tokens in enumerate(pages) if {p for p, _ in tokens} >= {"a", "b"}]
    assert shared, "no page holds the long note's continuation and a short note: the case is not tried"


@pytest.mark.parametrize("words", [900, 2000])
def test_two_long_notes_called_in_one_line_share_the_pages_from_their_call(tmp_path, words):
    """Two long notes called in one line: the first took all the room under the line and the
    second went after its last part, pages from its call (print-misplaced, the build failed).
    They now share the room: both start under the line and go on together, page after page."""
    text = (
        f"# One\n\n{body('w', 40)} x0.[^a] x1.[^b] {body('v', 200)}\n\n"
        f"[^a]: {body('a', words)}\n\n[^b]: {body('b', words)}\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text, "two.md": f"# Two\n\n{body('y', 100)}\n"})
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    pages = page_tokens(built.pdf)
    check_note(pages, "a", words, "x0")
    check_note(pages, "b", words, "x1")
    two = next(i for i, tokens in enumerate(pages) if ("y", 0) in tokens)
    assert not [i for i, tokens in enumerate(pages[two:]) for p, _ in tokens if p in "ab"]


def test_notes_called_in_short_paragraphs_while_a_long_note_continues(tmp_path):
    """A 2,500-word note, then ten short paragraphs each calling a note of 80 words: far more
    notes than text. The notes went past the chapter's end, onto the next chapter's pages, and
    one was lost (print-lost, print-misplaced). Now every note stands from its call's page on."""
    paragraphs = [f"{body('w', 40)} x0.[^a] {body('v', 20)}"]
    notes = [f"[^a]: {body('a', 2500)}"]
    for k, name in enumerate("bcdefghijk", start=1):
        paragraphs.append(f"{body(f'p{name}', 15)} x{k}.[^{name}] {body(f'q{name}', 10)}")
        notes.append(f"[^{name}]: {body(name, 80)}")
    one = "# One\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n\n".join(notes) + "\n"
    two = f"# Two\n\n{body('y', 100)} call0.[^z]\n\n[^z]: {body('z', 40)}\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": one, "two.md": two})
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    pages = page_tokens(built.pdf)
    check_note(pages, "a", 2500, "x0")
    for k, name in enumerate("bcdefghijk", start=1):
        check_note(pages, name, 80, f"x{k}")
    check_note(pages, "z", 40, "call0")


def test_a_long_note_called_while_two_long_notes_continue_goes_on_with_them(tmp_path):
    """Three notes called in one sentence (900, 700 and 20 words), then five paragraphs on a fourth
    of 900 words: the fourth started under its call, then waited two pages behind the first two's
    continued parts (print-misplaced). Now the pages are shared by the notes that go on."""
    paragraphs = [f"{body('w', 60)} x0.[^a] x1.[^b] x2.[^c] {body('v', 30)}"]
    paragraphs += [body(f"p{k}", 50) for k in range(5)]
    paragraphs.append(f"{body('u', 40)} x3.[^d] {body('t', 200)}")
    notes = [f"[^a]: {body('a', 900)}", f"[^b]: {body('b', 700)}", f"[^c]: {body('c', 20)}"]
    notes.append(f"[^d]: {body('d', 900)}")
    text = "# One\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n\n".join(notes) + "\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text, "two.md": f"# Two\n\n{body('y', 100)}\n"})
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    pages = page_tokens(built.pdf)
    for name, words, call in (("a", 900, "x0"), ("b", 700, "x1"), ("c", 20, "x2"), ("d", 900, "x3")):
        check_note(pages, name, words, call)


def test_two_long_notes_quoting_the_same_passage_pass_the_referee(tmp_path):
    """Two long notes called in one sentence that quote the same passage (as two commentators do):
    they share the pages, and the referee, which followed all the notes as one stream, took one's
    words for the other's and failed a right book (print-lost, 'note 1 jumps from page 11 to 9').
    Each note is now read in its own parts."""
    from conftest import ROOT

    seed = (ROOT.parent / "shared" / "seed" / "serge-1945-burnham.txt").read_text(encoding="utf-8")
    sentences = [s.strip() + "." for s in seed.replace("\n", " ").split(". ") if len(s.split()) > 8][:60]
    assert len(sentences) == 60, "the seed text is shorter than the test needs"
    shared = " ".join(sentences[:30])
    a = f"First commentator. {' '.join(sentences[30:45])} {shared} The first ends."
    b = f"Second commentator. {shared} {' '.join(sentences[45:60])} The second ends."
    text = (
        f"# One\n\n{body('w', 60)} They quote the same passage.[^a] And again.[^b] {body('v', 300)}\n\n"
        f"[^a]: {a}\n\n[^b]: {b}\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text, "two.md": f"# Two\n\n{body('y', 100)}\n"})
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    pdf = pdfium.PdfDocument(str(built.pdf))
    printed = " ".join(page.get_textpage().get_text_range() for page in pdf).replace("\u2010\r\n", "")
    assert printed.count("The first ends.") == 1 and printed.count("The second ends.") == 1


def drawn_boxes(path) -> list[tuple[list[tuple[float, ...]], list[tuple[float, ...]], tuple[float, ...]]]:
    """For each page: the boxes (left, bottom, right, top, in pt) of its pictures and of its
    characters, and its page box."""
    import pypdfium2.raw as raw

    pages = []
    for page in pdfium.PdfDocument(str(path)):
        pictures = [obj.get_bounds() for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE])]
        text = page.get_textpage()
        chars = [text.get_charbox(i) for i in range(text.count_chars()) if text.get_text_range(i, 1).strip()]
        pages.append((pictures, chars, (0.0, 0.0, page.get_width(), page.get_height())))
    return pages


def test_a_tall_picture_on_a_page_a_note_continues_on_stands_above_the_note(tmp_path):
    """A picture taller than the page's text block, on a page where a 2,000-word note continues:
    WeasyPrint set it from the text block's top past the page's foot, over the note, and the
    referees passed. The picture is now set within the text block, the note's part on that page
    leaves it room: no character printed on a picture, every picture on its page, every word."""
    from PIL import Image

    text = (
        f"# One\n\n{body('w', 40)} x0.[^a] {body('v', 20)}\n\n{body('u', 60)}\n\n"
        f"![A tall brown block](tall.png)\n\n{body('t', 200)}\n\n[^a]: {body('a', 2000)}\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text, "two.md": f"# Two\n\n{body('y', 100)}\n"})
    Image.new("RGB", (600, 1400), (120, 60, 30)).save(ms / "tall.png")
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    check_note(page_tokens(built.pdf), "a", 2000, "x0")
    pages = drawn_boxes(built.pdf)
    assert sum(len(pictures) for pictures, _, _ in pages) == 1, "the picture is not printed once"
    for number, (pictures, chars, (_, _, width, height)) in enumerate(pages, start=1):
        for left, bottom, right, top in pictures:
            assert min(left, bottom) >= 0 and right <= width and top <= height, f"page {number}: off it"
            over = [c for c in chars if c[0] < right and c[2] > left and c[1] < top and c[3] > bottom]
            assert not over, f"page {number}: {len(over)} characters printed on the picture"
            shared = any(c[3] < bottom for c in chars)  # the picture's page has the note below it
    assert shared, "the picture's page holds no note: the case is not tried"


def test_a_note_ending_in_a_picture_beside_a_long_note_keeps_it_on_consecutive_pages(tmp_path):
    """A note whose second paragraph is a picture, and a 3,000-word note called in the same line: they
    share the pages after. The plan gave each half of a page; the picture, which cannot be cut,
    took more than its half, the two parts did not fit there, and the long note skipped a page
    (print-misplaced). The long note's part now takes what the picture leaves."""
    from PIL import Image

    text = (
        f"# One\n\n{body('w', 340)}\n\n{body('v', 100)} x0.[^p] {body('u', 10)} x1.[^y] {body('t', 100)}\n\n"
        f"[^p]: {body('p', 142)}\n\n    ![A small diagram](pic.png)\n\n[^y]: {body('y', 3000)}\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    Image.new("RGB", (600, 300), (200, 210, 230)).save(ms / "pic.png")
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    pages = page_tokens(built.pdf)
    check_note(pages, "p", 142, "x0")
    check_note(pages, "y", 3000, "x1")


def test_a_table_taller_than_the_note_area_continues_between_its_rows(tmp_path):
    """A note holding a 40-row table, between 500 and 600 words: the table is cut between rows
    (never inside one, nor right after its header) and continues on the next pages' note areas;
    it used to be kept whole and printed past the page's foot."""
    rows = "\n".join(f"    | ta{i} | tb{i} | tc{i} |" for i in range(40))
    table = "    | H1 | H2 | H3 |\n    |---|---|---|\n" + rows
    note = f"[^a]: {body('a', 500)}\n\n{table}\n\n    {body('b', 600)}\n"
    text = f"# One\n\n{body('w', 200)} x0.[^a] {body('v', 300)}\n\n{note}"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text, "two.md": f"# Two\n\n{body('y', 100)}\n"})
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    pages = page_tokens(built.pdf)
    check_note(pages, "a", 500, "x0")
    check_note(pages, "b", 600, "tc39")  # the note's last paragraph follows the table's last row
    for column in ("ta", "tb", "tc"):
        numbers = [n for tokens in pages for p, n in tokens if p == column]
        assert numbers == list(range(40)), f"column {column}: rows lost or out of order"
    on = sorted({i for i, tokens in enumerate(pages) for p, _ in tokens if p in ("ta", "tb", "tc")})
    assert len(on) >= 2, "the table was not cut: the case is not tried"


def block_note(prefix: str, rounds: int) -> str:
    """A note whose blocks are a paragraph, code, a list, a quotation, a rule and a second paragraph,
    ``rounds`` times over, every word a numbered token."""
    n = iter(range(10_000))

    def words(count: int) -> str:
        return " ".join(f"{prefix}{next(n)}" for _ in range(count))

    parts = []
    for _ in range(rounds):
        parts += [
            words(40),
            "\n".join("    " + words(4) for _ in range(3)),
            "\n".join(f"- {words(12)}" for _ in range(3)),
            "\n".join(f"{i}. {words(8)}" for i in range(1, 4)),
            f"> {words(30)}",
            "---",
            f"{words(25)}\n{words(5)}",
        ]
    lines = "\n\n".join(parts).splitlines()
    return "[^a]: " + "\n".join([lines[0]] + [f"    {line}" if line else "" for line in lines[1:]]) + "\n"


def count_tokens(text: str, prefix: str) -> int:
    return len([m for m in TOKEN.finditer(text) if m.group(1) == prefix])


@pytest.mark.parametrize("rounds", [1, 8])
def test_every_block_of_a_note_stays_in_the_note(tmp_path, rounds):
    note = block_note("a", rounds)
    text = f"# One\n\n{body('w', 30)} x0.[^a] {body('v', 30)}\n\n{body('u', 200)}\n\n{note}"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    pages = page_tokens(built.pdf)
    check_note(pages, "a", count_tokens(note, "a"), "x0")
    # the paragraph that calls the note is one paragraph: w… and v… in one block box, nothing between
    document = built.result.layout.document
    paragraphs = [
        box
        for page in document.pages
        for box in _descendants(page._page_box)
        if getattr(box, "element_tag", "") == "p" and "w0" in _text(box)
    ]
    assert paragraphs and all("v29" in _text(b) or b is not paragraphs[0] for b in paragraphs)
    assert "v0" in "".join(_text(b) for b in paragraphs)
    first = pages[next(i for i, t in enumerate(pages) if ("x", 0) in t)]
    body_run = [f"{p}{n}" for p, n in first if p in "wxv"]
    assert body_run[:62] == [f"w{i}" for i in range(30)] + ["x0"] + [f"v{i}" for i in range(30)][:31]


def _descendants(box):
    stack = [box]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(getattr(current, "children", []))


def _text(box) -> str:
    return " ".join(getattr(b, "text", "") for b in _descendants(box))


def test_a_soft_break_in_a_note_is_a_space(tmp_path):
    text = "# One\n\nText with a call.[^a]\n\n[^a]: These words\n    run on one line in print.\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    pdf = pdfium.PdfDocument(str(built.pdf))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    assert "These words run on one line in print." in text


@pytest.mark.parametrize("picture", ["docs/long-note/spread-004.png", "docs/long-note/spread-005.png"])
def test_readme_pictures_of_a_continued_note_are_the_proofs(tmp_path, picture):
    """The README's pictures of a long note are what --proofs makes of tests/books/long-note."""
    from pathlib import Path

    from conftest import ROOT
    from PIL import Image, ImageChops, ImageStat

    from octavo.writers.proofs import write_proofs

    assert f"]({picture})" in (ROOT / "README.md").read_text(encoding="utf-8")
    built = build_book(ROOT / "tests" / "books" / "long-note", tmp_path / "dist", formats=("pdf",))
    write_proofs(built.pdf, built.pdf.with_name("a-long-note-cover.pdf"), tmp_path / "proofs")
    made = tmp_path / "proofs" / Path(picture).name
    with Image.open(ROOT / picture) as committed, Image.open(made) as fresh:
        assert committed.size == fresh.size
        difference = ImageStat.Stat(ImageChops.difference(committed.convert("RGB"), fresh.convert("RGB")))
        assert max(difference.mean) < 1.0, f"{picture} no longer matches the proofs: copy it again"


def test_an_author_id_stays_with_the_start_of_a_cut_element():
    """A paragraph or span with an author's ``{#id}`` cut between two parts: the id stays on the
    part where the element begins (a link lands there), so it is not given twice in print."""
    from octavo.layout.notesplit import cut_blocks
    from octavo.model import Node

    span = Node("span", children=(Node("text", text="one two three"),), attrs=(("id", "word"),))
    para = Node("paragraph", children=(Node("text", text="alpha "), span), attrs=(("id", "para"),))
    head, tail = cut_blocks((para,), len("alphaonetw"))
    ids = [n.attr("id") for part in (head, tail) for block in part for n in block.walk() if n.attr("id")]
    assert ids == ["para", "word"]
    assert head[0].attr("id") == "para" and head[0].children[-1].attr("id") == "word"


def test_cutting_a_note_keeps_every_character_and_marks_the_cut():
    from octavo.layout.notesplit import cut_blocks, node_chars
    from octavo.model import Node

    def text(value):
        return Node("text", text=value)

    para = Node("paragraph", children=(text("alpha beta "), Node("em", children=(text("gamma delta"),))))
    items = tuple(Node("list_item", children=(text(f"item {i}"),)) for i in range(3))
    ordered = Node("ordered_list", attrs=(("start", "3"),), children=items)
    blocks = (para, ordered)
    total = sum(node_chars(b) for b in blocks)
    for count in range(1, total):
        head, tail = cut_blocks(blocks, count)
        assert sum(node_chars(b) for b in head) == count
        assert sum(node_chars(b) for b in head + tail) == total
    head, tail = cut_blocks(blocks, len("alphabetagam"))
    assert head[0].attr("split") == "end"  # the paragraph, not the <em>: its last line is the cut line
    assert tail[0].attr("split") == "start" and tail[1] is ordered
    head, tail = cut_blocks(blocks, node_chars(para) + len("item0it"))  # inside the second item
    assert head[-1].children[-1].attr("split") == "end"
    assert tail[0].attr("start") == "4" and tail[0].children[0].attr("split") == "start"


def test_a_page_count_the_note_plans_keep_moving_is_still_padded_even(tmp_path):
    """A new user's book: one paragraph calling a note of twelve sentences, then one more. Each
    plan of the note's parts moved the page count, which moved the padding (to KDP's 24 pages),
    which moved the plan: the layout gave up after four rounds with 23 pages, an odd count under
    the vendor's minimum. The last layout is now padded as it stands."""
    import pypdfium2 as pdfium

    lorem = (
        "The printer had sent proofs on a grey afternoon, and nobody had complained about the spacing, the "
        "rivers or the widows, which is unusual in a trade that lives on complaints about all three of them."
    )
    text = f"# Note Cut\n\n{lorem}[^n]\n\n{lorem}\n\n[^n]: {' '.join([lorem] * 12)}\n"
    ms = make_manuscript(tmp_path / "ms", {"ch.md": text})
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    assert len(pdfium.PdfDocument(str(built.pdf))) == 24
