"""Figures in print, checked on the PDF (a new user's faults with tall figures, issue 17's figures):

1. figures come in the manuscript's order, and a figure floated to the next page's top never
   passes another figure nor ends up after text that follows a later figure;
2. a figure in a note keeps its caption in print, as in the EPUB.

The book has what broke them: a tall figure followed by a short paragraph or two and a figure
taller than the page, at several places on the page (one chapter each), two tall figures in a
row, a subhead, and a note with a picture and its caption.
"""

from __future__ import annotations

import ctypes
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from conftest import BOOK_TOML, build_book, make_manuscript
from test_figures import WORDS, picture

from octavo.inspect.pagetext import words

#: Words of the paragraph that opens each chapter: where the first tall figure falls on its page.
LEADS = (170, 230, 290)
NOTE_CAPTION = "Plate in a note: the harbour light."


def para(n: int, count: int) -> str:
    body = " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(count))
    return f"Paragraph {n} begins: {body}."


def book(root: Path) -> tuple[Path, list[list[str]]]:
    """The manuscript, and each chapter's items in order: ``"P<n>"`` a paragraph, ``"F<id>"`` a figure."""
    images = root / "images"
    picture(images / "tall.png", (900, 2400), (200, 170, 150))
    picture(images / "huge.png", (600, 4000), (150, 170, 200))
    picture(images / "wide.png", (1500, 900), (170, 200, 150))
    picture(images / "small.png", (200, 150), (120, 120, 120))
    files, order, n = {}, [], 0
    for c, lead in enumerate(LEADS):
        parts, items = [f"# Chapter {c + 1}"], []
        note = " A note is called here.[^n]" if c == 2 else ""
        plan = [(lead, ""), "a tall plate:tall", (40, ""), (25, note), "a plate taller than the page:huge"]
        plan += [(90, ""), "## A subhead", (60, ""), "a wide plate after a subhead's paragraph:wide"]
        plan += ["a tall plate, right after another:tall", (80, ""), (120, "")]
        for step in plan:
            if isinstance(step, tuple):  # a paragraph of so many words
                n += 1
                parts.append(para(n, step[0]) + step[1])
                items.append(f"P{n}")
            elif step.startswith("#"):
                parts.append(step)
            else:  # a figure: its caption, its picture
                what, image = step.split(":")
                key = f"{c}{'abcd'[sum(i.startswith('F') for i in items)]}"
                parts.append(f"![Figure {key}: {what}.](images/{image}.png)")
                items.append(f"F{key}")
        if note:
            parts.append(
                f"[^n]: A note with a plate:\n\n    ![{NOTE_CAPTION}](images/small.png)\n\n    It goes on."
            )
        files[f"c{c}.md"] = "\n\n".join(parts) + "\n"
        order.append(items)
    toml = BOOK_TOML + "".join(f'\n[[contents]]\nfile = "{k}"\nkind = "chapter"\n' for k in files)
    return make_manuscript(root, files, toml=toml), order


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("figure-print")
    manuscript, order = book(root / "ms")
    return build_book(manuscript, root / "dist"), order


def _origin(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, float]:
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(textpage.raw, index, x, y)
    return x.value, y.value


def places(pdf: Path, order: list[list[str]]) -> dict[str, tuple[int, float]]:
    """Item -> (page index, pt from the page's top) of a paragraph's first baseline, a figure's
    picture's top (the picture just above its caption, which is found by its text)."""
    found: dict[str, tuple[int, float]] = {}
    document = pdfium.PdfDocument(str(pdf))
    wanted = {item for items in order for item in items}
    for index, page in enumerate(document):
        height = page.get_height()
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        pictures = [
            (height - top, height - bottom)
            for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4)
            for _, bottom, _, top in [obj.get_bounds()]
        ]
        for item in wanted - set(found):
            if item.startswith("P"):
                at = text.find(f"Paragraph {item[1:]} begins")
                if at >= 0:
                    found[item] = (index, height - _origin(textpage, at)[1])
                continue
            at = text.find(f"Figure {item[1:]}:")
            if at < 0:
                continue
            caption = height - textpage.get_charbox(at)[3]
            above = [p for p in pictures if -1 <= caption - p[1] <= 24]
            assert above, f"page {index + 1}: the caption of {item} is not under its picture"
            found[item] = (index, max(above, key=lambda p: p[1])[0])
    assert set(found) == wanted, f"not in the PDF: {sorted(wanted - set(found))}"
    return found


def test_figures_keep_the_manuscript_order_and_no_float_passes_later_text(built):
    result, order = built
    assert not result.result.rejected, result.result.verdicts
    where = places(result.pdf, order)
    floated = 0
    for items in order:
        figures = [i for i in items if i.startswith("F")]
        assert [where[f] for f in figures] == sorted(where[f] for f in figures), (
            f"figures out of the manuscript's order: {[(f, where[f]) for f in figures]}"
        )
        for k, item in enumerate(items):
            if not item.startswith("F"):
                continue
            later_figure = next((j for j in range(k + 1, len(items)) if items[j].startswith("F")), None)
            before = [i for i in items[:k] if i.startswith("P")]
            # a float moves only forwards: the text before a figure stays before it
            assert all(where[p] < where[item] for p in before), f"{item} set before text that precedes it"
            if later_figure is not None:  # and it never passes the text after the next figure
                after = [i for i in items[later_figure:] if i.startswith("P")]
                assert all(where[item] < where[p] for p in after), (
                    f"{item} set after text that follows {items[later_figure]}"
                )
            following = next((i for i in items[k + 1 :] if i.startswith("P")), None)
            if following is not None and where[following] < where[item]:
                floated += 1  # the text after it was set first: it floated, to its page's top
                page, top = where[item]
                others = [v for key, v in where.items() if v[0] == page and v[1] < top]
                assert not others, f"{item} floated but is not at the top of page {page + 1}"
    assert floated >= 2, "the book was meant to float tall figures: make it do so"


def test_a_figure_in_a_note_keeps_its_caption_in_print_as_in_the_epub(built):
    result, _ = built
    with zipfile.ZipFile(result.epub) as z:
        epub = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert re.search(r"<figcaption>.*Plate in a note", epub), "the EPUB's note lost its figure"
    document = pdfium.PdfDocument(str(result.pdf))
    texts = [page.get_textpage().get_text_range() for page in document]
    index = next(i for i, t in enumerate(texts) if "A note with a plate" in t)
    assert " ".join(words(NOTE_CAPTION)) in " ".join(words(texts[index])), "the note's caption is not printed"
    page = document[index]
    textpage = page.get_textpage()
    height = page.get_height()
    caption = height - textpage.get_charbox(texts[index].index("Plate in a note"))[3]
    note = height - textpage.get_charbox(texts[index].index("A note with a plate"))[3]
    pictures = [
        height - obj.get_bounds()[1]
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4)
    ]
    assert any(note < bottom <= caption + 1 for bottom in pictures), "the caption is not under its picture"
