"""The print interior: the Book through the print template, laid out by WeasyPrint.

``layout`` renders once and returns a ``Layout``: the WeasyPrint document and
where every anchor landed, which the tests (and later the EPUB page-list) use.
``write_pdf`` writes that same layout.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import weasyprint

from .. import __version__
from ..fetch import SafeFetcher
from ..model import Book
from ..render.rules import PrintRenderer
from ..render.templates import environment
from ..styles import Styles


@dataclass
class Layout:
    """One WeasyPrint render of the print HTML."""

    document: weasyprint.Document
    html: str
    fetcher: SafeFetcher

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


def print_html(book: Book, styles: Styles, timestamp: str) -> str:
    """The whole book as one HTML document for the paged layout."""
    renderer = PrintRenderer(book, image_src=lambda src: (book.root / src).resolve().as_uri())
    env = environment(styles.templates)
    return env.get_template("print/book.html").render(
        book=book,
        meta=book.metadata,
        r=renderer,
        href=lambda section: f"#{section.id}",
        typeface=styles.typeface,
        stylesheet=(styles.css / "print.css").resolve().as_uri(),
        timestamp=timestamp,
        version=__version__,
    )


def layout(book: Book, styles: Styles, timestamp: str) -> Layout:
    """Lay the book out once."""
    html = print_html(book, styles, timestamp)
    fetcher = SafeFetcher([book.root, styles.root])
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(
        string=html, base_url=book.root.resolve().as_uri() + "/", url_fetcher=fetcher
    ).render()
    return Layout(document=document, html=html, fetcher=fetcher)


def pdf_bytes(result: Layout) -> bytes:
    """The PDF of a layout, with a content-derived (reproducible) identifier."""
    return result.document.write_pdf(pdf_identifier=False)


def write_pdf(result: Layout, target: Path) -> None:
    target.write_bytes(pdf_bytes(result))
