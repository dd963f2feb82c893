"""The print interior: the Book through the print template, laid out by WeasyPrint.

``layout`` returns a ``Layout``: the WeasyPrint document and where every
anchor landed, which the tests (and later the EPUB page-list) use; the PDF
is written from that same layout.

Notes stay on their call's page. WeasyPrint defers a note to the next page
when the paragraph that ends the page needs the room to honour its orphans
and widows; when that happens the paragraph straddling the page end is
pushed whole to the next page (a short page, as a compositor would set it),
or, if it is long, allowed an orphan line, and the page is laid out again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, MarginBox, TextBox

from .. import __version__
from ..fetch import SafeFetcher
from ..model import Book
from ..printspec import BLEED, PAGE_RANGE, PrintOptions
from ..render.rules import PrintRenderer
from ..render.templates import environment
from ..styles import Styles

#: Most lines a straddling paragraph may have on a page and still be moved whole.
MAX_PUSHED_LINES = 3
#: Most corrective re-layouts before giving up (each fixes at least one page).
MAX_PASSES = 12


@dataclass
class Layout:
    """One WeasyPrint render of the print HTML."""

    document: weasyprint.Document
    html: str
    fetcher: SafeFetcher
    options: PrintOptions
    margins: dict[str, float]
    pad_pages: int = 0
    passes: int = 1

    @property
    def page_count(self) -> int:
        return len(self.document.pages)

    def anchor_pages(self) -> dict[str, int]:
        """Anchor id -> 0-based page index where it landed."""
        pages: dict[str, int] = {}
        for index, page in enumerate(self.document.pages):
            for anchor in page.anchors:
                pages.setdefault(anchor, index)
        return pages


def print_html(
    book: Book,
    styles: Styles,
    timestamp: str,
    options: PrintOptions,
    margins: dict[str, float],
    pad_pages: int = 0,
    *,
    stylesheet: str | None = None,
    image_src: Callable[[str], str] | None = None,
) -> str:
    """The whole book as one HTML document for the paged layout.

    Images and the stylesheet are ``file:`` URLs for WeasyPrint unless
    ``image_src`` and ``stylesheet`` say otherwise (the preview serves them).
    """

    def file_url(src: str) -> str:
        return (book.root / src).resolve().as_uri()

    renderer = PrintRenderer(book, image_src=image_src or file_url)
    env = environment(styles.templates)
    width, height = options.size
    body = [s for s in book.sections if s.part != "frontmatter"]
    page = dict(
        bleed=BLEED if options.bleed else 0,
        width=round(width, 4),
        height=round(height, 4),
        font_size=options.font_size,
        leading=options.leading,
        **margins,
    )
    return env.get_template("print/book.html").render(
        book=book,
        meta=book.metadata,
        r=renderer,
        href=lambda section: f"#{section.id}",
        typeface=styles.typeface,
        first_body=body[0].id if body else "",
        page=page,
        pad_pages=pad_pages,
        stylesheet=stylesheet or (styles.css / "print.css").resolve().as_uri(),
        timestamp=timestamp,
        version=__version__,
    )


def padding(options: PrintOptions, pages: int) -> int:
    """Blank pages to add so the book reaches the vendor's minimum and an even count."""
    if not options.pad:
        return 0
    target = max(pages, PAGE_RANGE[options.vendor][0])
    return target + target % 2 - pages


def deferred_notes(book: Book, document: weasyprint.Document) -> list[tuple[str, int]]:
    """(note id, call page) of every note laid out on another page than its call."""
    pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index)
    return [
        (note.id, pages[note.call_id])
        for section in book.sections
        for note in section.notes
        if note.id in pages and note.call_id in pages and pages[note.id] != pages[note.call_id]
    ]


def _straddling_block(page: weasyprint.Page):
    """The block box of the page's last body line and how many of its lines are on the page."""
    stack = [c for c in page._page_box.children if not isinstance(c, FootnoteAreaBox | MarginBox)]
    last = None
    while stack:
        box = stack.pop(0)
        if isinstance(box, FootnoteAreaBox):
            continue
        children = getattr(box, "children", [])
        if any(isinstance(c, LineBox) for c in children):
            last = box
        stack = [c for c in children if not isinstance(c, LineBox | TextBox)] + stack
    if last is None:
        return None, 0
    return last, sum(isinstance(c, LineBox) for c in last.children)


def _keep_notes_with_calls(html: weasyprint.HTML, book: Book) -> tuple[weasyprint.Document, int]:
    """Lay out, then again until every note is on its call's page (or nothing more can be done).

    Only one document is alive at a time: the previous one is dropped before
    the next render, so a corrective pass does not double the peak memory.
    """
    document = html.render()
    passes = 1
    while passes <= MAX_PASSES:
        problems = deferred_notes(book, document)
        if not problems:
            break
        changed = False
        for _, call_page in problems:
            block, lines = _straddling_block(document.pages[call_page])
            element = getattr(block, "element", None)
            if element is None:
                continue
            style = element.get("style", "")
            if "break-before" not in style and lines <= MAX_PUSHED_LINES:
                element.set("style", f"{style}; break-before: page".lstrip("; "))
                changed = True
            elif "orphans" not in style:
                element.set("style", f"{style}; orphans: 1; widows: 1".lstrip("; "))
                changed = True
        if not changed:
            break
        del document, problems, block
        document = html.render()
        passes += 1
    return document, passes


def layout(book: Book, styles: Styles, timestamp: str, options: PrintOptions | None = None) -> Layout:
    """Lay the book out: notes kept with their calls, the gutter fitted to the page count.

    The vendor's minimum gutter depends on the final page count, which is known
    only after a layout; when it falls in another tier than the one assumed,
    or padding is needed, the book is laid out again with the right values.
    """
    options = options or PrintOptions()
    fetcher = SafeFetcher([book.root, styles.root])
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    assumed_pages, pad, passes = 0, 0, 0
    for _ in range(4):
        margins = options.margins(assumed_pages)
        html = print_html(book, styles, timestamp, options, margins, pad)
        source = weasyprint.HTML(
            string=html, base_url=book.root.resolve().as_uri() + "/", url_fetcher=fetcher
        )
        document = None  # drop an earlier layout before the next one
        document, done = _keep_notes_with_calls(source, book)
        passes += done
        content_pages = len(document.pages) - pad
        wanted_pad = padding(options, content_pages)
        total = content_pages + wanted_pad
        if options.margins(total) == margins and wanted_pad == pad:
            break
        assumed_pages, pad = total, wanted_pad
    return Layout(document, html, fetcher, options, margins, pad, passes)


def pdf_bytes(result: Layout) -> bytes:
    """The PDF of a layout, with a content-derived (reproducible) identifier."""
    return result.document.write_pdf(pdf_identifier=False)


def write_pdf(result: Layout, target: Path) -> None:
    target.write_bytes(pdf_bytes(result))
