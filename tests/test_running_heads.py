"""Running heads that fit (issue 19, "Printers"): one line each inside the trim, a short title
from book.toml, a head still too long cut at a word with a warning at its title's line."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from conftest import BOOK_TOML, build_book, make_manuscript

#: 148 characters each: a chapter's title and a book's.
LONG_CHAPTER = (
    "A Very Long Chapter Title That Goes On and On About the Many Things It Contains, "
    "Which Are Several, and Then Some More Besides Those, to Be Too Sure"
)
LONG_BOOK = (
    "The Book Whose Title Never Ends: Being a Complete and Faithful Account of Everything "
    "That Happened, Told at Length, with Notes, Maps and Some Errata"
)
TEXT = "\n\n".join(
    " ".join(f"Sentence {i} of paragraph {p} runs on to fill the page with words." for i in range(12))
    for p in range(18)
)


def long_book(root, short: bool):
    assert len(LONG_CHAPTER) == 148 and len(LONG_BOOK) == 148
    toml = BOOK_TOML.replace('title = "A Test Book"', f'title = "{LONG_BOOK}"')
    if short:
        toml = toml.replace(
            'language = "en"', 'short_title = "The Book Whose Title Never Ends"\nlanguage = "en"'
        )
    toml += '\n[[contents]]\nfile = "long.md"\nkind = "chapter"\n'
    if short:
        toml += 'short_title = "A Very Long Chapter"\n'
    files = {"long.md": f"# {LONG_CHAPTER}\n\n{TEXT}\n"}
    return make_manuscript(root, files, toml=toml)


def head_lines(built) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page with a running head: the text lines of the page's head area (above the text block),
    each as (left, bottom, right, top, text), trim-box coordinates in pt."""
    pdf = pdfium.PdfDocument(str(built.pdf))
    top_margin = built.result.layout.margins["top"] * 72
    pages = []
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        text = page.get_textpage()
        rects = [text.get_rect(i) for i in range(text.count_rects())]
        top_zone = [r for r in rects if r[1] > height - top_margin]  # above the text block
        lines: dict[float, list] = {}
        for left, bottom, right, top in top_zone:
            lines.setdefault(round(bottom, 0), []).append((left, bottom, right, top))
        page_lines = []
        for rects_ in lines.values():
            left, bottom = min(r[0] for r in rects_), min(r[1] for r in rects_)
            right, top = max(r[2] for r in rects_), max(r[3] for r in rects_)
            page_lines.append((left, bottom, right, top, text.get_text_bounded(left, bottom, right, top)))
        pages.append((width, height, page_lines))
    return pages


@pytest.fixture(scope="module")
def long_built(tmp_path_factory):
    root = tmp_path_factory.mktemp("heads")
    return build_book(long_book(root / "ms", short=False), root / "dist", formats=("pdf",))


@pytest.fixture(scope="module")
def short_built(tmp_path_factory):
    root = tmp_path_factory.mktemp("heads-short")
    return build_book(long_book(root / "ms", short=True), root / "dist", formats=("pdf",))


def _heads(built):
    found = []
    for width, height, lines in head_lines(built):
        for line in lines:
            found.append((width, height, line))
    return found


def test_long_titles_give_one_line_heads_inside_the_trim(long_built):
    heads = _heads(long_built)
    texts = [line[4] for _, _, line in heads]
    assert any(t.startswith("The Book Whose") for t in texts), texts  # the verso head
    assert any(t.upper().startswith("A VERY LONG") for t in texts), texts  # the recto head
    for width, height, (left, _bottom, right, top, text) in heads:
        if not text.strip() or text.strip().isdigit():
            continue
        assert left >= 0 and right <= width and top <= height, (text, left, right, top)
        assert text.rstrip().endswith("…"), text
    # one line each: every line of the head area stands on the heads' baseline, none above or below
    for _, _, lines in head_lines(long_built):
        heads_ = [line for line in lines if line[4].strip() and not line[4].strip().isdigit()]
        assert len(heads_) <= 1, heads_
    warnings = [w for w in [str(w) for w in long_built.result.diagnostics.warnings] if "head-too-long" in w]
    assert len(warnings) == 2, [str(w) for w in long_built.result.diagnostics.warnings]
    assert any(w.startswith("ms/long.md:1: warning: head-too-long: ") for w in warnings), warnings
    assert any(w.startswith("ms/book.toml:1: warning: head-too-long: ") for w in warnings), warnings


def test_short_titles_are_the_heads_without_a_warning(short_built):
    texts = {line[4].strip() for _, _, line in _heads(short_built)}
    assert "The Book Whose Title Never Ends" in texts, texts
    assert any(t.upper() == "A VERY LONG CHAPTER" for t in texts), texts
    assert not [w for w in [str(w) for w in short_built.result.diagnostics.warnings] if "head-too-long" in w]


def test_a_head_of_one_long_word_or_of_glyphs_the_face_lacks_is_cut():
    """A title with no space to cut at keeps the letters that fit; characters the face lacks are
    measured as an em each (a fallback face's CJK ideograph), so a long CJK title is cut too."""
    from octavo.check.heads import HeadMeasure, fit, head_room
    from octavo.config.printspec import PrintOptions
    from octavo.source.styles import find_styles

    measure = HeadMeasure(find_styles(), 9.0)
    room = head_room(PrintOptions(), measure)
    word = "Donaudampfschifffahrtsgesellschaftskapitän" * 4
    head = fit(word, room, measure)
    assert head.endswith("…") and word.startswith(head[:-1]) and measure.width(head) <= room
    cjk = "長い題名" * 20
    head = fit(cjk, room, measure)
    assert head.endswith("…") and measure.width(head) <= room and len(head) > 10
    assert fit("Short", room, measure) == "Short"
