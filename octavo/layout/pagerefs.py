"""Page references' folios, read from the layout (``render/pagerefs.py`` prints them).

A folio is known only once the book is laid out, and the layout depends on
the folios' widths: the layout (``interior.layout``) starts from the labels
of the last build or from placeholders, reads where each target landed
(``found``) and lays the book out again while they differ, at most
``MAX_LAYOUTS`` times; references whose folio still differs are reported
(``pageref-unstable``). A book without page references is laid out as
before: no layout more.
"""

from __future__ import annotations

from collections.abc import Mapping

import weasyprint

from octavo.layout.pagemap import anchor_pages, page_labels
from octavo.model import Book

#: Most layouts made again for page references' folios (issue 18: "at most 3 layouts").
MAX_LAYOUTS = 3


def placeholders(keys: list[str], pages: int, previous: Mapping[str, str] | None = None) -> dict[str, str]:
    """The folios a first layout prints: the last build's where known, else a number with as many
    digits as the book's page count (``pages``, an estimate), so the lines around them are near final."""
    guess = "0" * len(str(max(1, pages)))
    return {key: (previous or {}).get(key, guess) for key in keys}


def found(book: Book, document: weasyprint.Document, keys: list[str]) -> dict[str, str]:
    """Each target id's folio in this layout: the label (``pagemap.page_labels``) of the page where
    WeasyPrint laid the element of that id out (``Page.anchors``); "?" for an id it does not hold."""
    anchors = anchor_pages(document)
    labels = page_labels(book, document)
    return {key: labels[anchors[key]] if key in anchors else "?" for key in keys}
