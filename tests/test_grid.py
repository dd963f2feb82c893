"""The page grid (issue 17): text pages full to their last line, facing pages' last lines level,
no recto ending in a hyphen, read on the written PDF with PDFium (pypdfium2), not octavo's reader.

The books: the seed, and a generated one whose chapters mix paragraphs of every length with
subheads, quotations, lists, section breaks and notes, in another order in each chapter, so that
widows and orphans fall everywhere.
"""

from __future__ import annotations

import ctypes
import random
from collections import Counter, defaultdict
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import ROOT, build_book, make_manuscript
from textutil import drawn

from octavo.layout import grid, linebreak
from octavo.layout.pagefill import text_pages

WORDS = " ".join(
    (
        "the revolution of the managers had been announced by those who believed history moved",
        "in one direction only and the bureaucracy which had grown in the shadow of the plan now",
        "claimed to be its author while the workers whose labour built the factories were told to",
        "wait for a socialism that receded as they approached it extraordinary circumstances",
        "demanded extraordinary measures said the commissars",
    )
).split(" ")


def _paragraph(rng: random.Random, words: int) -> str:
    start = rng.randrange(len(WORDS))
    text = " ".join(WORDS[(start + i) % len(WORDS)] for i in range(words))
    return text[0].upper() + text[1:] + "."


def varied_book(root: Path, chapters: int = 6) -> Path:
    """A manuscript whose pages end in every way: paragraphs of 1 to 14 lines, subheads,
    quotations of one and two paragraphs, lists, breaks, and notes."""
    rng = random.Random(17)
    files = {}
    note = 0
    for number in range(1, chapters + 1):
        blocks = [f"# Chapter {number}"]
        notes = []
        for _ in range(26):
            kind = rng.random()
            if kind < 0.08:
                blocks.append(f"## {_paragraph(rng, rng.randint(2, 6))[:-1]}")
            elif kind < 0.16:
                quote = [_paragraph(rng, rng.randint(20, 60)) for _ in range(rng.randint(1, 2))]
                blocks.append("\n>\n".join(f"> {q}" for q in quote))
            elif kind < 0.22:
                blocks.append("\n".join(f"- {_paragraph(rng, rng.randint(3, 25))}" for _ in range(3)))
            elif kind < 0.25:
                blocks.append("* * *")
            else:
                text = _paragraph(rng, rng.choice([8, 15, 40, 70, 110, 160]))
                if rng.random() < 0.2:
                    note += 1
                    text += f"[^n{note}]"
                    notes.append(f"[^n{note}]: {_paragraph(rng, rng.randint(10, 70))}")
                blocks.append(text)
        files[f"chapter-{number:02d}.md"] = "\n\n".join(blocks + notes) + "\n"
    return make_manuscript(root, files)


@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    """The benchmark's long book (``benchmarks/bench.py``: the seed's text and notes 48 times,
    296 pages), the book issue 17 measures the grid on."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    root = tmp_path_factory.mktemp("long")
    return build_book(bench.make_book(root / "ms", 48), root / "out", formats=("pdf",))


@pytest.fixture(scope="module")
def varied(tmp_path_factory):
    root = tmp_path_factory.mktemp("grid")
    return build_book(varied_book(root / "ms"), root / "out", formats=("pdf",))


def _baselines(pdf: Path) -> list[list[tuple[float, float]]]:
    """Each page's text lines as (baseline y from the page's top, font size), read with PDFium:
    one entry per distinct baseline of characters that are not spaces."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        height = page.get_height()
        text = page.get_textpage()
        lines: dict[float, float] = {}
        for index in range(text.count_chars()):
            if not text.get_text_range(index, 1).strip():
                continue
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium.raw.FPDFText_GetCharOrigin(text.raw, index, x, y)
            size = pdfium.raw.FPDFText_GetFontSize(text.raw, index)
            key = round(height - y.value, 1)
            lines[key] = max(lines.get(key, 0.0), size)
        pages.append(sorted(lines.items()))
    return pages


def _body_foot(built) -> tuple[float, float]:
    """The text area's top and bottom (pt from the page's top) of a body page."""
    options = built.result.print_options
    margins = built.result.layout.margins
    return margins["top"] * 72, (options.size[1] - margins["bottom"]) * 72


def _last_baselines(built) -> dict[int, float]:
    """Text page index -> the lowest baseline in its text area (notes included), from the PDF."""
    top, bottom = _body_foot(built)
    pages = _baselines(built.pdf)
    found = {}
    for index in text_pages(built.result.book, built.result.layout.document):
        inside = [y for y, _ in pages[index] if top < y <= bottom + 1]
        found[index] = max(inside)
    return found


@pytest.mark.parametrize("book", ["seed", "varied", pytest.param("long", marks=pytest.mark.slow)])
def test_every_text_page_ends_on_the_same_baseline(book, request):
    """Facing pages' last lines line up: every text page (a section's last page aside) ends on
    one baseline, the notes' last line included (``grid.note_foot``); a page a line short, or
    notes not on the grid, ends elsewhere."""
    built = request.getfixturevalue({"seed": "seed_book", "varied": "varied", "long": "long_book"}[book])
    last = _last_baselines(built)
    leading_px = built.result.print_options.leading * 4 / 3
    short, _ = grid.survey(built.result.book, built.result.layout.document, leading_px)
    assert book != "long" or not short.short
    last = {index: y for index, y in last.items() if index not in short.short}  # see the next tests
    assert len(last) >= {"seed": 5, "varied": 15, "long": 230}[book]
    deepest = max(last.values())
    off = {index + 1: round(deepest - y, 2) for index, y in last.items() if deepest - y > 0.3}
    assert not off, f"pages ending above the last baseline by (pt): {off}"
    leading = built.result.print_options.leading
    facing = [(i, i + 1) for i in last if i % 2 == 1 and i + 1 in last]
    assert len(facing) >= {"seed": 2, "varied": 3, "long": 90}[book]
    assert all(abs(last[a] - last[b]) <= 0.3 for a, b in facing)
    assert all(deepest - y < leading for y in last.values())


def test_the_varied_book_has_notes_quotations_and_subheads_at_page_ends(varied):
    """The book above tests what it should: pages ending in notes, in quotations, and pages made
    full by a paragraph set a line longer."""
    document = varied.result.layout.document
    pages = text_pages(varied.result.book, document)
    with_notes = [
        i
        for i in pages
        if any(
            c.__class__.__name__ == "FootnoteAreaBox" and c.children
            for c in document.pages[i]._page_box.children
        )
    ]
    assert len(with_notes) >= 8
    assert varied.result.layout.passes >= 2


@pytest.mark.slow
def test_no_page_of_the_long_book_is_a_line_short(long_book):
    """Issue 17's acceptance: every text page of the long book holds its full line count (or ends
    a chapter): the gap below each text page's last body line (above its notes, or the foot)
    holds no whole line, on the laid-out boxes (``grid.survey``); the baseline test above checks
    the same on the PDF. Without the grid, 48 of its pages are a line short."""
    leading = long_book.result.print_options.leading * 4 / 3
    report, _ = grid.survey(long_book.result.book, long_book.result.layout.document, leading)
    assert report.short == {}
    assert long_book.result.pages == 296


def test_the_seed_has_at_most_one_short_page(seed_book):
    """The seed's introduction has a page a line short whose paragraphs cannot take a line more
    within tolerance 400 (800 would, at the cost of rivers): the only one."""
    leading = seed_book.result.print_options.leading * 4 / 3
    report, _ = grid.survey(seed_book.result.book, seed_book.result.layout.document, leading)
    assert len(report.short) <= 1 and sum(report.short.values()) <= 1, report.short


def _last_body_line(page, top: float, bottom: float) -> str:
    """The text of the lowest line of the text area in the body's type (the size most of the
    page's characters have), read with PDFium."""
    height = page.get_height()
    text = page.get_textpage()
    chars = []
    for index in range(text.count_chars()):
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium.raw.FPDFText_GetCharOrigin(text.raw, index, x, y)
        size = round(pdfium.raw.FPDFText_GetFontSize(text.raw, index), 1)
        chars.append((round(height - y.value, 1), x.value, size, text.get_text_range(index, 1)))
    sizes = Counter(size for _, _, size, char in chars if char.strip())
    if not sizes:
        return ""
    body = sizes.most_common(1)[0][0]
    lines: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for baseline, x, size, char in chars:
        if top < baseline <= bottom + 1 and size == body:
            lines[baseline].append((x, char))
    return "".join(char for _, char in sorted(lines[max(lines)])).strip() if lines else ""


def test_no_recto_ends_in_a_hyphen(varied, seed_book):
    """No word is broken across a leaf's turn: the last body line of a text page that is a recto
    (an odd page) never ends in a hyphen, read on the PDF with PDFium; and hyphens do end lines
    elsewhere, so that the rule is tested."""
    hyphenated = rectos = 0
    for built in (seed_book, varied):
        document = pdfium.PdfDocument(drawn(built.pdf.read_bytes()))  # the hyphens as drawn
        top, bottom = _body_foot(built)
        pages = set(text_pages(built.result.book, built.result.layout.document))
        for index, page in enumerate(document):
            if index not in pages:
                continue
            last = _last_body_line(page, top, bottom)
            if index % 2 == 0:
                rectos += 1
                assert not last.endswith(("-", "\u2010", "\u00ad")), (built.pdf.name, index + 1, last)
            else:
                hyphenated += last.endswith(("-", "\u2010", "\u00ad"))
            text = page.get_textpage().get_text_range().replace("\r", "")
            hyphenated += sum(line.rstrip().endswith(("-", "\u2010")) for line in text.split("\n"))
    assert rectos >= 12 and hyphenated >= 10, (rectos, hyphenated)


def test_short_pages_are_filled_by_paragraphs_set_a_line_longer(tmp_path):
    """Without the grid pages of the varied book are a line or more short and a recto ends in a
    hyphen; with it, fewer lines are missing (paragraphs set a line longer), no recto ends in a
    hyphen, and the page count stays. Not none: a page whose paragraphs are all too short or
    too tight to take a line more within tolerance 400 stays short (issue 17 allows a
    one-line-long or short spread there: not done)."""
    from octavo.layout import interior

    ms = varied_book(tmp_path / "ms", chapters=3)
    before = interior.MAX_GRID_PASSES
    interior.MAX_GRID_PASSES = 0
    try:
        plain = build_book(ms, tmp_path / "plain", formats=("pdf",), force=True)
    finally:
        interior.MAX_GRID_PASSES = before
    leading = plain.result.print_options.leading * 4 / 3
    report, _ = grid.survey(plain.result.book, plain.result.layout.document, leading)
    assert len(report.short) >= 4, "the book should have short pages without the grid"
    linebreak.STATS.clear()
    mended = build_book(ms, tmp_path / "mended", formats=("pdf",), force=True)
    after, _ = grid.survey(mended.result.book, mended.result.layout.document, leading)
    assert sum(after.short.values()) < sum(report.short.values()), (report.short, after.short)
    assert report.hyphenated_rectos and not after.hyphenated_rectos
    assert linebreak.STATS["loosened"] >= 1
    assert mended.result.pages == plain.result.pages


def test_grid_css_blocks_are_whole_lines(varied):
    """Subheads, quotations, lists and breaks are a whole number of text lines high (margins and
    padding included), measured on the laid-out boxes."""
    leading = varied.result.print_options.leading * 4 / 3
    heights = defaultdict(list)
    pages_of = defaultdict(set)  # a block split by a page break is stretched to the page's foot
    found = []
    for index, page in enumerate(varied.result.layout.document.pages):
        stack = list(page._page_box.children)
        while stack:
            box = stack.pop()
            if getattr(box, "element", None) is not None:
                pages_of[id(box.element)].add(index)
            if getattr(box, "element_tag", "") in ("h2", "blockquote", "ul", "hr"):
                found.append(box)
            stack.extend(getattr(box, "children", []))
    for box in found:
        if len(pages_of[id(box.element)]) == 1:
            heights[box.element_tag].append(box.margin_height())
    assert set(heights) == {"h2", "blockquote", "ul", "hr"}
    for tag, values in heights.items():
        for value in values:
            assert abs(value / leading - round(value / leading)) < 0.01, (tag, value / leading)
