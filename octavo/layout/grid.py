"""The page grid: every text page full to its last line, no word broken across a leaf's turn.

A compositor does not leave a page short to keep a widow or an orphan off
it: a paragraph on the page is set a line longer (or shorter) so that the
page break falls where it may (*The TeXbook*, ch. 14, ``\\looseness``;
Bringhurst, *The Elements of Typographic Style*, 4.2.1). WeasyPrint keeps
widows and orphans off a page by leaving it a line or more short (issue 17:
no page of the long book held its full 34 lines). After a layout,
``mark`` finds each text page (one that does not end its section) whose
body stops a line or more above the foot of its text area (or its notes),
and names the page on the paragraphs set whole on it (``linebreak.FILL``);
the line breaker then sets as many of them a line longer, within TeX's
tolerance, as the page wants lines. A page made full so ends where it did:
what follows it does not move.

A recto's last line may not end in a hyphen (Chicago Manual of Style
7.41: the reader would turn the leaf mid-word): its paragraph is broken
again with that line kept from a hyphen (``linebreak.UNHYPHENATED``).

Both changes are attributes of the print HTML's paragraphs, laid out again
by ``interior.layout``; the EPUB and the Book are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import weasyprint
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, MarginBox, ReplacedBox

from octavo.layout import linebreak
from octavo.layout.pagefill import text_pages
from octavo.layout.pagemap import line_text
from octavo.model import Book

#: Hyphens a line may end in when a word or a compound is broken there.
LINE_END_HYPHENS = ("-", "\u2010", "\u00ad")
#: Fewest lines of a paragraph asked to be set a line longer (a short one cannot take it well).
MIN_FILL_LINES = 3
#: px: a gap this much under a whole line counts as the line (rounding of the boxes' positions).
EPSILON = 0.5


@dataclass
class PageGrid:
    """What one page's body holds: its lines (paragraph element, line box) top to bottom, and the
    px below its last line to the foot of its text area (or notes)."""

    index: int
    lines: list[tuple[Any, LineBox]] = field(default_factory=list)
    gap: float = 0.0


@dataclass
class GridReport:
    """A layout's pages against the grid: page indexes (0-based) short by whole lines (with how
    many), and rectos whose last line ends in a hyphen."""

    short: dict[int, int] = field(default_factory=dict)
    hyphenated_rectos: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.short or self.hyphenated_rectos)


def read_page(page: weasyprint.Page, index: int) -> PageGrid:
    """The body lines of one laid-out page and the gap below them (CSS px)."""
    box = page._page_box
    bottom = box.content_box_y() + box.height
    for child in box.children:
        if isinstance(child, FootnoteAreaBox) and child.children:
            bottom = min(bottom, child.position_y)
    grid = PageGrid(index)
    lowest = box.content_box_y()

    def walk(node: Any, paragraph: Any) -> None:
        nonlocal lowest
        for child in getattr(node, "children", []):
            if isinstance(child, FootnoteAreaBox | MarginBox):
                continue
            if isinstance(child, LineBox):
                grid.lines.append((node.element if paragraph is None else paragraph, child))
                lowest = max(lowest, child.position_y + child.height)
            elif isinstance(child, ReplacedBox):
                lowest = max(lowest, child.position_y + child.margin_height())
            else:
                walk(child, paragraph)

    walk(box, None)
    grid.gap = max(0.0, bottom - lowest)
    return grid


#: A body paragraph with a note, laid out alone to read where each kind of line sets its baseline.
_PROBE = (
    '<body><div class="body-matter"><section class="section"><p>Probe'
    '<span class="footnote">Probe</span></p></section></div></body></html>'
)


def note_foot(head: str, base_url: str, fetcher: Any) -> float:
    """The space (pt) below the note area that sets the last line of a page's notes on the baseline
    of a full page's last text line, so that the last lines of facing pages line up whether one
    has notes or not (Bringhurst 8.5.3: notes, too, sit on the page's grid).

    ``head`` is the print HTML's ``<!DOCTYPE html>…</head>`` (its styles and page size). A page
    of the text holds ``n`` whole lines of height L in its text area of height H; its last
    baseline stands ``H - n·L + d`` above the area's foot, ``d`` being how far a text line's box
    reaches below its baseline; a note line's box reaches ``d′`` below its own. Returns
    ``H - n·L + d - d′`` (0 when that is negative, or when the probe sets no note)."""
    document = weasyprint.HTML(string=head + _PROBE, base_url=base_url, url_fetcher=fetcher).render()
    for page in document.pages:
        box = page._page_box
        body = [line for _, line in read_page(page, 0).lines]
        notes = [
            line for child in box.children if isinstance(child, FootnoteAreaBox) for line in _lines(child)
        ]
        if body and notes:
            leading = body[-1].height
            whole = int((box.height + EPSILON) // leading)
            below = box.height - whole * leading
            reach = body[-1].height - body[-1].baseline
            note_reach = notes[-1].height - notes[-1].baseline
            return round(float(max(0.0, below + reach - note_reach)) * 0.75, 3)  # CSS px -> pt
    return 0.0


def _lines(box: Any) -> list[LineBox]:
    found: list[LineBox] = []
    for child in getattr(box, "children", []):
        if isinstance(child, LineBox):
            found.append(child)
        else:
            found.extend(_lines(child))
    return found


def survey(book: Book, document: weasyprint.Document, leading: float) -> tuple[GridReport, list[PageGrid]]:
    """The grid report of a layout and each page's lines. ``leading`` is the body's line height
    in CSS px. A short page is a text page (``pagefill.text_pages``: not a section's last) whose
    gap holds one whole line or more; a hyphenated recto is an odd-numbered page whose last body
    line ends in a hyphen, a paragraph's last line aside."""
    pages = [read_page(page, index) for index, page in enumerate(document.pages)]
    report = GridReport()
    for index in text_pages(book, document):
        wanted = int((pages[index].gap + EPSILON) // leading)
        if wanted and pages[index].lines:
            report.short[index] = wanted
    last_line: dict[int, LineBox] = {}  # id(paragraph element) -> its last line in the book
    for page in pages:
        for element, line in page.lines:
            last_line[id(element)] = line
    for page in pages:
        if page.index % 2 == 0 and page.lines:  # a recto (page 1 is a right-hand page)
            element, line = page.lines[-1]
            if last_line.get(id(element)) is not line and line_text(line).rstrip().endswith(LINE_END_HYPHENS):
                report.hyphenated_rectos.append(page.index)
    return report, pages


#: What ``mark`` changed: (element, attribute, its value before), to be put back by ``unmark``.
Marks = list[tuple[Any, str, str | None]]


def mark(report: GridReport, pages: list[PageGrid], bold: bool = False) -> Marks:
    """Set the attributes that mend ``report`` on the print HTML's paragraph elements (the laid-out
    boxes' elements, so the next render of the same HTML sees them) and fill ``linebreak.FILLS``.
    ``bold`` asks paragraphs running onto a short page that call notes too (``interior`` does
    from its second pass: a call that moves moves its note, and may move the pages' breaks).
    Returns what was changed (empty: nothing left to try)."""
    changed: Marks = []
    counts: dict[int, int] = {}  # id(element) -> its lines on the pages before the one read
    seen_on: dict[int, set[int]] = {}  # id(element) -> pages it has lines on
    total: dict[int, int] = {}  # id(element) -> its lines in the book
    for page in pages:
        for element, _ in page.lines:
            seen_on.setdefault(id(element), set()).add(page.index)
            total[id(element)] = total.get(id(element), 0) + 1
    for page in pages:
        mine: dict[int, int] = {}
        for element, _ in page.lines:
            mine[id(element)] = mine.get(id(element), 0) + 1
        if page.index in report.hyphenated_rectos:
            element, _ = page.lines[-1]
            number = counts.get(id(element), 0) + mine[id(element)]
            if element is not None and element.tag == "p":
                before = element.get(linebreak.UNHYPHENATED)
                numbers = linebreak._line_numbers(before)
                if number not in numbers:
                    element.set(linebreak.UNHYPHENATED, " ".join(map(str, sorted(numbers | {number}))))
                    changed.append((element, linebreak.UNHYPHENATED, before))
        if page.index in report.short:
            name = f"page-{page.index}"
            # a paragraph set whole on the page, or starting on it and running over its foot: a
            # line more lands on this page, and the page after keeps the lines a widow rule
            # gave it; one running onto the page from the page before (full: it keeps its share)
            # if it calls no note, or if ``bold``
            candidates = {
                id(e): e
                for e, _ in page.lines
                if e is not None
                and e.tag == "p"
                and (bold or min(seen_on[id(e)]) == page.index or not _calls_notes(e))
                and total[id(e)] >= MIN_FILL_LINES
                and e.get(linebreak.FILL) in (None, name)
            }
            for element in candidates.values():  # (one already named is named again: tried anew)
                changed.append((element, linebreak.FILL, element.get(linebreak.FILL)))
                element.set(linebreak.FILL, name)
            if candidates:  # the paragraphs set a line longer for it before stay so
                _, chosen = linebreak.FILLS.get(name, (0, set()))
                linebreak.FILLS[name] = (len(chosen) + report.short[page.index], chosen)
        for key, value in mine.items():
            counts[key] = counts.get(key, 0) + value
    return changed


def _calls_notes(element: Any) -> bool:
    """Whether a paragraph element holds a note (``float: footnote``; class ``footnote``)."""
    return any("footnote" in (child.get("class") or "").split() for child in element.iter())


def unmark(marks: Marks) -> None:
    """Put back what ``mark`` changed."""
    for element, attribute, before in reversed(marks):
        if before is None:
            element.attrib.pop(attribute, None)
        else:
            element.set(attribute, before)
