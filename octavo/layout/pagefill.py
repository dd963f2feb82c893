"""How full each text page is, measured on WeasyPrint's laid-out boxes.

A page is underfull when its text stops well short of the foot of the text
area (or of its notes) and it does not end a section: the hole a reader sees
when WeasyPrint pushes a paragraph whose note does not fit to the next page.
"""

from __future__ import annotations

from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, MarginBox, ReplacedBox

from octavo.layout.pagemap import anchor_pages
from octavo.model import Book

#: A text page filled less than this (of the height its text may use) is underfull.
UNDERFULL_FILL = 0.9


@dataclass(frozen=True)
class PageFill:
    index: int  # 0-based page index
    fill: float  # 0..1 of the height the text could use
    lines: int  # body lines on the page

    def __str__(self) -> str:
        return f"page {self.index + 1}: {self.fill:.0%} full"


def _body_boxes(page: weasyprint.Page) -> list[Box]:
    """The page's body boxes: not the margin boxes, not the notes."""
    return [c for c in page._page_box.children if not isinstance(c, FootnoteAreaBox | MarginBox)]


def room(page: weasyprint.Page) -> tuple[float, float, float, int]:
    """(top of the text area, lowest body content, foot of the room the text may use, body lines),
    y in CSS px from the page's top. A figure's caption lines are not counted as lines: a page
    that holds only figures (``render/figures.py``) is no text page."""
    box = page._page_box
    top = box.content_box_y()
    bottom = top + box.height
    for child in box.children:
        if isinstance(child, FootnoteAreaBox) and child.children:
            bottom = min(bottom, child.position_y)
    lowest, lines = top, 0
    stack: list[tuple[Box, bool]] = [(b, False) for b in _body_boxes(page)]
    while stack:
        current, in_figure = stack.pop()
        if isinstance(current, LineBox):
            lines += 0 if in_figure else 1
            lowest = max(lowest, current.position_y + current.height)
            continue
        if isinstance(current, ReplacedBox):
            lowest = max(lowest, current.position_y + current.margin_height())
            continue
        in_figure = in_figure or getattr(current, "element_tag", None) == "figure"
        stack.extend((child, in_figure) for child in getattr(current, "children", []))
    return top, lowest, bottom, lines


def measure(page: weasyprint.Page, index: int) -> PageFill:
    """The fill of one page: text bottom over the usable height of its text area."""
    top, lowest, bottom, lines = room(page)
    usable = max(bottom - top, 1)
    return PageFill(index, min(1.0, (lowest - top) / usable), lines)


def text_pages(book: Book, document: weasyprint.Document) -> list[int]:
    """Pages inside a section's text that do not end the section (blank pages left out)."""
    anchors = anchor_pages(document)
    openers = sorted(anchors[s.id] for s in book.sections if s.id in anchors)
    pages = []
    for start, following in zip(openers, [*openers[1:], len(document.pages)], strict=True):
        span = [i for i in range(start, following) if measure(document.pages[i], i).lines]
        pages.extend(span[:-1])  # the last page with text ends the section
    return pages


def underfull(book: Book, document: weasyprint.Document, threshold: float = UNDERFULL_FILL) -> list[PageFill]:
    """Text pages, section ends aside, filled less than ``threshold``."""
    fills = [measure(document.pages[i], i) for i in text_pages(book, document)]
    return [f for f in fills if f.fill < threshold]
