"""A word broken at a line's end is extracted and copied whole from both PDFs (issue 17).

The book is set on a narrow measure in long words, with compounds
("well-known") that may break at their own hyphen, emphasis and soft
hyphens, so that many lines end hyphenated, some at a page's foot. Where
the lines break is read from the glyphs drawn (``benchmarks/typeset.py``,
which reads the content streams, not the text extractors); what a reader
gets is read by PDFium (pypdfium2, Chrome's engine) and by poppler's
``pdftotext`` where it is installed. The hyphens stay in print: the pages
render exactly as without the replacement text.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import BOOK_TOML, ROOT, build_book, make_manuscript

from octavo.config.printspec import PrintOptions
from octavo.layout import actualtext

_spec = importlib.util.spec_from_file_location("typeset", ROOT / "benchmarks" / "typeset.py")
typeset = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("typeset", typeset)
_spec.loader.exec_module(typeset)

LONG = [
    "internationalization",
    "responsibilities",
    "representative",
    "extraordinary",
    "administration",
    "characteristically",
    "incomprehensibility",
    "counterrevolutionary",
    "bureaucratization",
    "totalitarianism",
    "establishment",
    "philosophical",
    "circumstances",
    "contradictory",
    "understanding",
    "overwhelming",
    "nevertheless",
    "constitutional",
    "manifestations",
    "interpretation",
]
COMPOUNDS = ["well-known", "state-capitalist", "long-standing", "self-evident", "counter-manoeuvre"]
SHORT = ["the", "of", "and", "a", "to", "in", "is", "was", "that", "it", "on", "as", "with", "for"]
#: What marks an added hyphen, or a hyphen taken for one, at the end of an extracted line: the
#: hyphens, a soft hyphen, and PDFium's marks for a hyphen-minus it joined to the next line.
LINE_END_HYPHENS = "-\u2010\u00ad\ufffe\x02"
TOML = BOOK_TOML.replace('title = "A Test Book"', 'title = "Broken Words"') + (
    '\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n\n[print]\ntrim = "5x8"\nfont_size = 12\n'
)


def chapter(seed: int = 18, count: int = 9) -> str:
    rng = random.Random(seed)
    paragraphs = []
    for _number in range(count):
        words = []
        for _ in range(80):
            draw = rng.random()
            pool = LONG if draw < 0.45 else COMPOUNDS if draw < 0.55 else SHORT
            words.append(rng.choice(pool))
        words[10] = f"*{words[10]}*"  # a word in its own text box
        words[20] = "extra\u00adordinarily"  # a soft hyphen: WeasyPrint's manual hyphenation
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "# One\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The book's print and archive PDFs, and its print PDF drawn without replacement text."""
    root = tmp_path_factory.mktemp("actual")
    ms = make_manuscript(root / "ms", {"one.md": chapter()}, toml=TOML)
    built = build_book(ms, root / "dist", formats=("pdf", "archive"))
    pdfs = {p.name: p for p in built.result.outputs if p.suffix == ".pdf"}
    plain_dir = root / "plain"
    saved = actualtext.split
    actualtext.split = lambda box, layout_text, *_: box.copy_with_text(layout_text)
    try:
        plain = build_book(ms, plain_dir, formats=("pdf",), force=True)
    finally:
        actualtext.split = saved
    return {
        "print": pdfs["broken-words.pdf"],
        "archive": pdfs["broken-words-archive.pdf"],
        "plain": next(p for p in plain.result.outputs if p.name == "broken-words.pdf"),
    }


@dataclass(frozen=True)
class Broken:
    """A word broken at a body line's end, as drawn."""

    page: int  # 1-based, where its first part is
    kind: str  # "added": a hyphen added by hyphenation; "hard": after a compound's own hyphen
    first: str  # its first part, without an added hyphen (a compound's own kept)
    rest: str  # the next line's first word
    rest_page: int

    @property
    def whole(self) -> str:
        return self.first + self.rest


def broken_words(pdf: Path) -> list[Broken]:
    """Each word broken at a body line's end, read from the glyphs drawn (not from the text
    extractors), in reading order."""
    pages = typeset.read_pdf(pdf)
    layout = typeset.classify(pages, PrintOptions(trim="5x8", font_size=12))
    body = [line for page in pages for line in layout.lines[page.number] if line.kind == "body"]
    found = []
    for line, after in itertools.pairwise(body):
        kind = typeset._hyphen(line)
        if kind:
            first = line.words[-1][:-1] if kind == "added" else line.words[-1]
            found.append(Broken(line.page, kind, first, after.words[0], after.page))
    return found


def pdfium_pages(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(str(pdf))
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def poppler_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    return text.decode().split("\f")[:-1]


EXTRACTORS = {"pdfium": pdfium_pages, "pdftotext": poppler_pages}


def extractor(name: str):
    if name == "pdftotext" and shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    return EXTRACTORS[name]


def test_the_book_breaks_many_words(book):
    words = broken_words(book["print"])
    assert sum(w.kind == "added" for w in words) >= 25, "few hyphenated lines: the test proves little"
    assert any(w.kind == "hard" for w in words), "no compound broken at its own hyphen"
    assert any(w.page != w.rest_page for w in words), "no word broken across a page turn"


@pytest.mark.parametrize("which", ["print", "archive"])
@pytest.mark.parametrize("name", ["pdfium", "pdftotext"])
def test_a_broken_word_is_extracted_whole_and_once(book, which, name):
    """Each broken word is read whole on the page its first part is on, and neither of its parts
    is read alone anywhere (a part that is a word of the manuscript too is not looked for)."""
    pages = [page.split() for page in extractor(name)(book[which])]
    words = set(re.sub(r"[*.]", " ", chapter().replace("\u00ad", "")).split())
    for word in broken_words(book["print"]):
        assert word.whole in pages[word.page - 1], f"{name}, {which} PDF, p. {word.page}: {word} not whole"
        parts = {word.first, word.first.rstrip("-") + "\u2010", word.rest} - words - {word.whole}
        for number in {word.page, word.rest_page}:
            read = parts & set(pages[number - 1])
            assert not read, f"{name}, {which} PDF, p. {number}: {sorted(read)} of {word.whole!r} read alone"


@pytest.mark.parametrize("which", ["print", "archive"])
@pytest.mark.parametrize("name", ["pdfium", "pdftotext"])
def test_no_extracted_line_ends_in_a_hyphen(book, which, name):
    """Not an added one, nor a compound's (which reads whole), nor PDFium's marks for a hyphen it
    joined to the next line (it takes a hyphen-minus at a line's end for an added one)."""
    text = "\n".join(extractor(name)(book[which]))
    ends = [ln for ln in text.splitlines() if ln.rstrip() and ln.rstrip()[-1] in LINE_END_HYPHENS]
    assert ends == [], f"{name}, {which} PDF: lines ending in a hyphen: {ends[:3]}"
    assert "\ufffe" not in text and "\x02" not in text


@pytest.mark.parametrize("which", ["print", "archive"])
def test_marked_content_nests_in_each_page(book, which):
    """Every sequence ends in the content stream it began in, and one begun in (or out of) a text
    object ends in (or out of) it (ISO 32000-1 §14.6); the replacement texts are there."""
    replaced = 0
    with pikepdf.open(book[which]) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            depth, text_depth = 0, None
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    depth += 1
                    if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                        replaced += "/ActualText" in operands[1]
                elif op == "EMC":
                    depth -= 1
                    assert depth >= 0 and (text_depth is None or depth >= text_depth), number
                elif op == "BT":
                    text_depth = depth
                elif op == "ET":
                    assert depth == text_depth, f"page {number}: marked content crosses a text object"
                    text_depth = None
            assert depth == 0, f"page {number}: marked content left open"
    assert replaced >= len(broken_words(book["print"]))


def test_the_pages_render_as_without_replacement_text(book):
    """The hyphens are drawn as before: every page renders the same, and the content streams are
    the same but for the replacement text's marked-content operators."""
    marked = re.compile(
        rb"/Span\n<</ActualText (?:\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>)>>\nBDC\n(BT\n.*?\nET\n)EMC\n", re.S
    )
    with pikepdf.open(book["print"]) as one, pikepdf.open(book["plain"]) as two:
        assert len(one.pages) == len(two.pages)
        for a, b in zip(one.pages, two.pages, strict=True):
            assert marked.sub(rb"\1", a.Contents.read_bytes()) == b.Contents.read_bytes()
    one, two = pdfium.PdfDocument(str(book["print"])), pdfium.PdfDocument(str(book["plain"]))
    for i in range(len(one)):
        assert one[i].render(scale=1.5).to_pil().tobytes() == two[i].render(scale=1.5).to_pil().tobytes(), i


class FakeBox:
    """What ``actualtext.split`` reads of a WeasyPrint text box."""

    def __init__(self, text: str, hyphen: str = "\u2010") -> None:
        self.text = text
        self.style = {"hyphenate_character": hyphen}

    def copy_with_text(self, text: str) -> FakeBox:
        new = FakeBox.__new__(FakeBox)
        new.__dict__.update(self.__dict__)
        new.text = text
        return new


def lines(text: str, breaks: list[tuple[int, str]]) -> list[str | None]:
    """Split ``text`` into lines as WeasyPrint does (each line: where the next starts, in
    characters, and the line as drawn), the last line taking the rest; each line's
    replacement text."""
    box, skip, found = FakeBox(text), 0, []
    data = text.encode()
    for end, drawn_text in [*breaks, (None, None)]:
        rest = data[skip:]
        resume = None if end is None else len(text[:end].encode()) - skip
        line = actualtext.split(box, drawn_text or rest.decode(), rest, skip, resume, 100.0)
        found.append(line.__dict__.get(actualtext.ACTUAL))
        skip += resume or 0
    return found


def test_a_hyphenated_word_stands_whole_on_its_first_line_and_not_on_the_next():
    assert lines("the representative of it", [(9, "the repre\u2010")]) == ["the representative", "of it"]


def test_a_word_over_three_lines_stands_whole_on_the_first():
    text = "a counterrevolutionary b"
    assert lines(text, [(9, "a counter\u2010"), (15, "revolu\u2010")]) == [
        "a counterrevolutionary",
        "\t",
        "b",
    ]


def test_a_compound_broken_at_its_hyphen_keeps_it_and_a_soft_hyphen_goes():
    assert lines("a well-known b", [(7, "a well-")]) == ["a well-known", "b"]
    assert lines("an extra\u00adordinary day", [(9, "an extra\u00ad\u2010")]) == ["an extraordinary", "day"]


def test_other_breaks_and_measures_are_left_alone():
    url = "see example.org/\u200bpath/to"
    assert lines(url, [(17, "see example.org/\u200b")]) == [None, None]  # a URL's break: no hyphen
    assert lines("two words", [(4, "two")]) == [None, None]  # a break at a space
    box = FakeBox("the representative")
    line = actualtext.split(box, "the repre\u2010", b"the representative", 0, 9, None)
    assert actualtext.ACTUAL not in line.__dict__ and not box.__dict__.get(actualtext.BROKEN)


def test_replacement_text_is_a_pdf_text_string():
    assert actualtext.text_string("a(b)\\c") == rb"(a\(b\)\\c)"
    assert actualtext.text_string("naïve") == b"(\xfe\xff\x00n\x00a\x00\xef\x00v\x00e)"
    assert actualtext.text_string("\t") == b"(\xfe\xff\x00\t)"
    assert actualtext.text_string("\u010a\u0d29") == b"(\xfe\xff\x01\\n\\r\\))"
    with pikepdf.new() as pdf:  # as a PDF reader reads it back
        for text in ("a(b)\\c", "naïve", "\t", "\u010a\u0d29", "Ἀθῆναι"):
            pdf.Root.T = pikepdf.parse_content_stream(
                pikepdf.Stream(pdf, actualtext.text_string(text) + b" Tj")
            )[0][0][0]
            assert str(pdf.Root.T) == text


def test_the_referee_reads_the_same_text_in_as_many_steps(book):
    """The fidelity referee reads the glyphs (the hyphens included) as without the replacement
    text, and each text object in one match of its fast form (``pdftext.READING``)."""
    from octavo.inspect.pdftext import READING, Reader

    with pikepdf.open(book["print"]) as one, pikepdf.open(book["plain"]) as two:
        mine, theirs = Reader(one), Reader(two)
        for index, (a, b) in enumerate(zip(one.pages, two.pages, strict=True)):
            runs = [(r.text, r.size, r.box) for r in mine.page(index, a)]
            assert runs == [(r.text, r.size, r.box) for r in theirs.page(index, b)], index
            steps = [sum(1 for _ in READING.finditer(p.Contents.read_bytes())) for p in (a, b)]
            assert steps[0] == steps[1], index
