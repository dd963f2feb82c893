"""The print fidelity referee: the parsed Book against the PDF as written.

The PDF file is read back, never the layout: its content streams and fonts
(``pdftext``, ``pdffonts``, with pikepdf) give each page's text runs, read
as the words of the page's body and of its note area (``pagetext``), and
the named destinations WeasyPrint writes for element ids. Four checks, each
a diagnostic against the manuscript's ``file:line``:

- ``print-lost``: every word of each section (title, blocks) and of each
  note is in the PDF, in order, the body's among its section's pages, the
  notes' in the note areas (words compared after ``words``: case, quotes,
  ligatures, dashes and the hyphens added at line ends set aside); each
  note against the words of its own parts, the note area cut at each
  part's destination (notes that share pages, or quote the same passage,
  are not taken for one another);
- ``print-misplaced``: a note starts in the note area of its call's page
  (``note.call_id``'s destination) and may continue, in order, on the
  following pages' note areas, never on a page of another section;
- ``print-overflow``: no glyph outside the trim box, and no glyph of body
  size outside the text area (margins from ``[print]``) by more than 6 pt;
  no picture off the trim or outside the text area, none with text over it;
- ``glyph-missing``: no glyph drawn as .notdef (glyph 0) in a Type0 font.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path

from octavo.config.printspec import PrintOptions
from octavo.diagnostics import Diagnostic
from octavo.inspect.pagetext import PageText, Words, read_pages, words
from octavo.inspect.pdftext import destinations, drawn_digest
from octavo.model import BLOCK_TYPES, PAGEREF, Book, Node, Section
from octavo.render.pagerefs import target_key
from octavo.source.numbering import numbers

#: A word the print adds to the text: a note's number, or a page reference's folio (arabic, or
#: roman in the front matter: ``render/pagerefs.py``), which the alignment passes over.
FOLIO = re.compile(r"\d+|[ivxlcdm]+")
#: Most diagnostics of one kind reported for one PDF.
MAX_REPORTED = 8
#: A problem found, before it is named for a PDF: (manuscript file, line, id, message).
Finding = tuple[Path, int, str, str]


def missing_in_order(expected: list[str], got: list[str]) -> list[str]:
    """Describe every place where expected words are lost or changed (inserts are allowed)."""
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    problems = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            context = " ".join(expected[max(0, i1 - 5) : i1])
            problems.append(f"after '…{context}': expected {expected[i1:i2]!r}, found {got[j1:j2][:20]!r}")
    return problems


# -- what the manuscript says --------------------------------------------------------------------
def block_words(
    blocks: tuple[Node, ...], line: int, read: Callable[[str], list[str]] = words
) -> list[tuple[str, int]]:
    """(word, line of its innermost block) for blocks as print shows them: no images, no note calls
    (words read with ``read``: ``words``, or a ``Words`` that reads each token once)."""
    return list(zip(*_block_words(blocks, line, read), strict=True))


def _block_words(
    blocks: tuple[Node, ...],
    line: int,
    read: Callable[[str], list[str]],
    labels: Mapping[str, str] | None = None,
) -> tuple[list[str], list[int]]:
    """``block_words`` as two lists: the words, and the line of each. ``labels``: what a link with
    no text to a numbered figure or table prints ("Figure 3": ``source.numbering.numbers``)."""
    lines, texts = [line], [""]  # a segment's line, and its text

    def visit(node: Node, line: int) -> None:
        if node.type in BLOCK_TYPES:
            lines.append(node.line or line)
            texts.append("")
            for child in node.children:
                visit(child, node.line or line)
            lines.append(line)
            texts.append("")
            return
        if node.type in ("image", "noteref"):
            return
        if node.type == "link" and not node.children and labels and PAGEREF not in node.attr("class").split():
            # [](#fig:x) prints "Figure 3" (a page reference only its folio)
            texts[-1] += " " + labels.get(target_key(node.attr("target")), "") + " "
        texts[-1] += " " if node.type in ("softbreak", "hardbreak") else node.text
        for child in node.children:
            visit(child, line)

    for block in blocks:
        visit(block, line)
    found: list[str] = []
    where: list[int] = []
    for at, text in zip(lines, texts, strict=True):
        if text and not text.isspace():
            ws = read(text)
            found += ws
            where += [at] * len(ws)
    return found, where


def _body(page: PageText) -> tuple[list[str], bool]:
    return page.body, page.hyphenated[0]


def _body_and_foot(page: PageText) -> tuple[list[str], bool]:
    """The body's words, then those of the small type below it (a page of a section without notes)."""
    return page.body + page.notes, page.hyphenated[0]


def _part(note: str, page: PageText) -> tuple[list[str], bool] | None:
    """The words of ``note``'s part on ``page``, if one stands there."""
    return page.parts.get(note)


def _stream(
    pages: list[PageText], numbers: range, read: Callable[[PageText], tuple[list[str], bool] | None]
) -> tuple[list[str], list[int]]:
    """Words ``read`` gives of each page (and whether they end in a break hyphen; None: the page
    has none of them), in order, and the page of each; a word hyphenated across a page end is joined."""
    got: list[str] = []
    where: list[int] = []
    glue = False
    for number in numbers:
        found = read(pages[number])
        if found is None:
            glue = False
            continue
        ws, hyphenated = found
        if glue and ws and got:
            got[-1] += ws[0]
            ws = ws[1:]
        got += ws
        where += [number] * len(ws)
        glue = hyphenated and bool(ws)
    return got, where


#: Words of the PDF passed over at most, at one place, before the expected words are found again.
SKIP = 12
#: Expected words that must follow there for the PDF's words to be passed over.
ANCHOR = 3


def _matches(expected: list[str], got: list[str]) -> dict[int, int]:
    """Expected index -> got index of the words the alignment keeps (``_kept``, word by word)."""
    return {i + k: j + k for i, j, size in _kept(expected, got) for k in range(size)}


def _kept(expected: list[str], got: list[str]) -> list[tuple[int, int, int]]:
    """The words the alignment keeps, as blocks (expected index, got index, length), in order,
    apart: the words expected[i:i + length] are got[j:j + length] (a word broken across lines,
    ``_joined``, is a block of one).

    A linear walk: words in step are kept; where they differ, a few words of
    the PDF not expected (a note's number) are passed over, or failing that
    as few expected words as can be (lost), for ``ANCHOR`` words to be in
    step again (``_resync``). Where that fails within ``SKIP`` words,
    difflib aligns the rest, as it did the whole before.
    """
    kept: list[tuple[int, int, int]] = []
    i = j = 0
    n, m = len(expected), len(got)
    while i < n and j < m:
        if expected[i] == got[j]:
            step = _in_step(expected, got, i, j)
            kept.append((i, j, step))
            i, j = i + step, j + step
            continue
        if FOLIO.fullmatch(got[j]) and not FOLIO.fullmatch(expected[i]):
            j += 1  # a note's number printed before its text, a page reference's folio after its own
            continue
        joined = _joined(expected[i], got, j)
        if joined:  # a word the layout broke across lines with no hyphen (a URL at a '/')
            kept.append((i, j, 1))
            i, j = i + 1, j + joined
            continue
        skips = _resync(expected, got, i, j)
        if skips is not None:  # words of the PDF passed over; expected words lost or changed, if any
            i, j = i + skips[0], j + skips[1]
            continue
        matcher = difflib.SequenceMatcher(None, expected[i:], got[j:], autojunk=False)
        kept += [(i + a, j + b, size) for a, b, size in matcher.get_matching_blocks() if size]
        break
    return kept


def _lost(kept: list[tuple[int, int, int]], count: int) -> list[tuple[int, int]]:
    """The runs [start, end) of the ``count`` expected words that the blocks ``kept`` leave out."""
    runs = []
    end = 0
    for i, _, size in kept:
        if i > end:
            runs.append((end, i))
        end = i + size
    if end < count:
        runs.append((end, count))
    return runs


def _in_step(expected: list[str], got: list[str], i: int, j: int) -> int:
    """How many words from ``i`` and ``j`` on are the same in both (``expected[i] == got[j]``):
    slices compared whole, of twice the length each time, then halved (in C, not word by word)."""
    most = min(len(expected) - i, len(got) - j)
    step, size = 1, 1  # the words before ``step`` are the same
    while step < most and expected[i + step : i + step + size] == got[j + step : j + step + size]:
        step += size
        size *= 2
    while size > 1 and step < most:  # a difference within the next ``size`` words
        size //= 2
        if expected[i + step : i + step + size] == got[j + step : j + step + size]:
            step += size
    return min(step, most)


#: Pieces a word broken across lines with no hyphen (a long URL, a long name) is looked for in.
PIECES = 16
NOT_WORD = re.compile(r"\W+")


def _joined(word: str, got: list[str], j: int) -> int:
    """How many PDF words from ``j`` on, two or more, make ``word`` when put end to end; 0 if none
    do. ``render/fit.py`` lets a URL or a long string break after a '/' or '.', with no hyphen,
    so the PDF's text has it as two words or more."""
    if not got[j] or len(got[j]) >= len(word) or not word.startswith(got[j]):
        return 0
    whole = NOT_WORD.sub("", word)  # the '/' at the break is cut from the pieces' ends with the rest
    joined, k = NOT_WORD.sub("", got[j]), j + 1
    while k < len(got) and k - j < PIECES and len(joined) < len(whole):
        joined += NOT_WORD.sub("", got[k])
        k += 1
    return k - j if joined == whole and k - j > 1 else 0


def _resync(expected: list[str], got: list[str], i: int, j: int) -> tuple[int, int] | None:
    """(expected words, PDF words) to pass over for ``ANCHOR`` words to be in step again: PDF words
    alone first (nothing lost), then as few expected words as can be; None beyond ``SKIP``."""
    for lost in range(SKIP + 1):
        anchor = expected[i + lost : i + lost + ANCHOR]
        if len(anchor) < min(ANCHOR, len(expected) - i):
            return None
        for added in range(0 if lost else 1, SKIP + 1):
            if got[j + added : j + added + len(anchor)] == anchor:
                return lost, added
    return None


def _quote(ws: list[str]) -> str:
    return "“" + " ".join(ws[:8]) + (" …" if len(ws) > 8 else "") + "”"


@dataclass
class _Report:
    where: Callable[[Path], str]
    name: str
    found: list[Diagnostic] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # the same, for any PDF

    def add(self, path: Path, line: int, ident: str, message: str) -> None:
        if sum(d.id == ident for d in self.found) < MAX_REPORTED:
            self.findings.append((path, line, ident, message))
            self.found.append(Diagnostic(self.where(path), line, ident, f"{message} in {self.name}"))


def _section_pages(book: Book, dests: dict[str, tuple[int, float]], count: int) -> dict[str, range]:
    starts = sorted((dests[s.id][0], s.id) for s in book.sections if s.id in dests)
    spans = {}
    for k, (start, ident) in enumerate(starts):
        spans[ident] = range(start, starts[k + 1][0] if k + 1 < len(starts) else count)
    return spans


def _check_notes(
    section: Section,
    pages: list[PageText],
    span: range,
    dests: dict[str, tuple[int, float]],
    report: _Report,
    read: Callable[[str], list[str]] = words,
    labels: Mapping[str, str] | None = None,
) -> None:
    window = range(span.start, min(span.stop + 2, len(pages)))  # the next section's first pages too
    expected: list[str] = []  # the notes' words, one note after the other
    lines: list[int] = []  # the line of each
    owners: list[int] = []  # the note (its index in section.notes) of each
    lost_at: list[tuple[int, int, int]] = []  # the words kept, as blocks (index in expected, -, length)
    # each note's words kept: whether its first is, and the page of each, in order
    kept_by: list[tuple[bool, list[int]]] = []
    # each note against the words of its own parts (the note area cut at each part's destination):
    # notes that share the pages, or quote the same passage, are not taken for one another
    for k, note in enumerate(section.notes):
        ws, at = _block_words(note.blocks, note.line, read, labels)
        got, where = _stream(pages, window, partial(_part, note.id))
        kept = _kept(ws, got)
        lost_at += [(len(expected) + i, j, size) for i, j, size in kept]
        kept_by.append(
            (bool(kept) and kept[0][0] == 0, list(chain.from_iterable(where[j : j + n] for _, j, n in kept)))
        )
        expected += ws
        lines += at
        owners += [k] * len(ws)
    for a, b in _lost(lost_at, len(expected)):
        note = section.notes[owners[a]]
        report.add(
            note.file,
            lines[a],
            "print-lost",
            f"note {note.number}: {b - a} word(s) not in the note areas: {_quote(expected[a:b])}",
        )
    by_note: dict[int, list[int]] = {}  # the notes that are one object (each one, but for a repeat)
    for k, note in enumerate(section.notes):
        by_note.setdefault(id(note), []).append(k)
    has_words = [False] * len(section.notes)
    for k in owners:
        has_words[k] = True
    for note in section.notes:
        mine = [k for k in by_note[id(note)] if has_words[k]]
        if note.call_id not in dests:
            report.add(
                note.file, note.line, "print-misplaced", f"note {note.number}: its call is not in the PDF"
            )
            continue
        call = dests[note.call_id][0]
        seen = list(chain.from_iterable(kept_by[k][1] for k in mine))  # the page of each word kept
        if mine and kept_by[mine[0]][0] and seen[0] != call:
            report.add(
                note.file,
                note.line,
                "print-misplaced",
                f"note {note.number} starts on page {seen[0] + 1}, its call is on page {call + 1}",
            )
            continue
        for before, after in zip([call, *seen], seen, strict=False):
            if not (0 <= after - before <= 1):
                report.add(
                    note.file,
                    note.line,
                    "print-misplaced",
                    f"note {note.number} jumps from page {before + 1} to page {after + 1}",
                )
                break
            if after >= span.stop:
                report.add(
                    note.file,
                    note.line,
                    "print-misplaced",
                    f"note {note.number} continues on page {after + 1}, a page of another section",
                )
                break


def note_tops(book: Book, dests: dict[str, tuple[int, float]]) -> dict[int, list[tuple[float, str]]]:
    """Page index -> (y in pt, note id) of the top of every note, and every part of a long note,
    on it (the PDF's named destinations of the notes' elements)."""
    note_ids = {n.id for s in book.sections for n in s.notes}
    tops: dict[int, list[tuple[float, str]]] = {}
    for name, (page, y) in dests.items():
        owner = name if name in note_ids else name.split("-cont-")[0]
        if owner in note_ids:
            tops.setdefault(page, []).append((y, owner))
    return tops


def print_problems(
    path: Path,
    book: Book,
    options: PrintOptions,
    pages: int,
    where: Callable[[Path], str] = str,
    memo: dict[str, list[Finding]] | None = None,
) -> list[Diagnostic]:
    """Every print-lost, print-misplaced, print-overflow and glyph-missing problem of one PDF.

    ``path`` is the written print or archive PDF, ``options`` the book's
    [print] table (margins, trim) and ``pages`` its page count; ``where``
    names a manuscript file in the diagnostics. ``memo`` (a dict the caller
    keeps across the PDFs of one book) lets a PDF whose ``drawn_digest``
    equals one judged before have the problems found then, named for it:
    the archive, written from the same layout as the print PDF, is then
    hashed rather than read and judged again.
    Returns errors in compiler form, at most ``MAX_REPORTED`` of each id;
    raises what pikepdf raises on a file it cannot read.
    """
    with _collector_paused():
        return _problems(path, book, options, pages, where, memo)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: the referee makes some 100,000 small objects that outlive
    a collection, in no cycle (but a nested function's), so each collection they set off (dozens
    a PDF) walks the heap for nothing, the whole of it, a build's layout too. It runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _problems(
    path: Path,
    book: Book,
    options: PrintOptions,
    pages: int,
    where: Callable[[Path], str],
    memo: dict[str, list[Finding]] | None,
) -> list[Diagnostic]:
    import pikepdf

    report = _Report(where, path.name)
    with pikepdf.open(path) as pdf:
        dests = destinations(pdf)
        key = drawn_digest(pdf, dests) if memo is not None else ""
        if memo is not None and key in memo:  # what another PDF drawn the same showed
            for finding in memo[key]:
                report.add(*finding)
            return report.found
        read = Words()  # the words of the pages and of the book, each token read once
        texts, notdefs = read_pages(pdf, options, pages, note_tops(book, dests), read)
    spans = _section_pages(book, dests, len(texts))
    labels = numbers(book)
    for section in book.sections:
        span = spans.get(section.id, range(0, len(texts)))
        # a section without notes has no note area: small type at a page's foot (a table) is text
        got, _ = _stream(texts, span, _body if section.notes else _body_and_foot)
        title = read(section.title)
        expected, lines = _block_words(section.blocks, section.line, read, labels)
        expected, lines = title + expected, [section.line] * len(title) + lines
        for a, b in _lost(_kept(expected, got), len(expected)):
            place = "on no page (the section has none)"
            if span:
                place = f"not on pages {span.start + 1}–{span.stop}"
            quoted = _quote(expected[a:b])
            report.add(section.file, lines[a], "print-lost", f"{b - a} word(s) {place}: {quoted}")
        if section.notes:
            _check_notes(section, texts, span, dests, report, read, labels)
        for number in span:
            for problem in texts[number].overflow[:1]:
                more = len(texts[number].overflow) - 1
                report.add(
                    section.file,
                    section.line,
                    "print-overflow",
                    f"page {number + 1}: {problem}" + (f" (and {more} more glyphs)" if more else ""),
                )
    for page, text in notdefs:
        file, line = locate(book, text)
        report.add(
            file, line, "glyph-missing", f"{_glyph(text)} printed as .notdef (a box) on page {page + 1}"
        )
    if memo is not None:
        memo[key] = report.findings
    return report.found


def _glyph(text: str) -> str:
    if len(text) != 1:
        return f"a glyph for {text!r}" if text else "a glyph"
    return f"U+{ord(text):04X} {unicodedata.name(text, 'UNNAMED CHARACTER')} ({text})"


def locate(book: Book, text: str) -> tuple[Path, int]:
    """The file and line of the first node whose text holds ``text`` (book.toml, 0 if none)."""
    for section in book.sections:
        if text and text in section.title:
            return section.file, section.line
        for block in section.all_blocks:
            for node in block.walk():
                if text and text in node.text:
                    return section.file, node.line
    return book.root / "book.toml", 0
