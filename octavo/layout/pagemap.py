"""Where each print page begins, read from the layout, for the EPUB's page-list.

Every block that holds text carries a ``block`` id from the parser; the print
HTML writes it as ``data-block``. Walking WeasyPrint's pages in order, the
first line of each page is found and expressed as (block, how many
non-space characters of that block were on earlier pages). The EPUB renderer
puts the page marker there, at the start of the word. Pages that begin with
a section, or with the title page, copyright or contents, point at those; a
page that begins with a picture (a figure the layout floated to its top) is
marked before the picture. Only pages that hold text or a picture are listed:
a blank page, one with nothing but its running head and folio, or a padding
page at the end has no entry. A page whose text has no EPUB counterpart where
it begins (the half-title, a page of notes only) shares the marker position of
the next listed page that has one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure.boxes import (
    FootnoteAreaBox,
    InlineReplacedBox,
    LineBox,
    MarginBox,
    TextBox,
)

from octavo.model import Book

#: Ids of template parts that exist in the EPUB too (sections add theirs).
TEMPLATE_TARGETS = ("titlepage", "copyright", "toc")
#: Characters left out when counting: spaces, and the hyphen WeasyPrint adds at a break.
HYPHEN = "\u2010"
#: Invisible characters the print HTML adds and the EPUB has not (render/fit.py's word joiner).
INVISIBLE = "\u200b\u2060"


@dataclass(frozen=True)
class PageStart:
    """Print page ``label`` begins at ``target`` (a block or part id), ``offset`` characters in."""

    index: int
    label: str
    target: str
    offset: int = 0


def count_chars(text: str) -> int:
    """Characters that count for positions: not spaces, break hyphens or invisible joiners."""
    return sum(1 for ch in text if not ch.isspace() and ch != HYPHEN and ch not in INVISIBLE)


def roman(number: int) -> str:
    numerals = (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    )
    out = ""
    for value, letters in numerals:
        while number >= value:
            out, number = out + letters, number - value
    return out


def anchor_pages(document: weasyprint.Document) -> dict[str, int]:
    """Element id -> 0-based index of the first page where WeasyPrint laid it out."""
    pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index)
    return pages


def page_labels(book: Book, document: weasyprint.Document) -> list[str]:
    """Folio of every page: roman before the text, arabic from 1 where it starts."""
    anchors = anchor_pages(document)
    body = [s for s in book.sections if s.part != "frontmatter"]
    start = anchors.get(body[0].id, len(document.pages)) if body else len(document.pages)
    return [roman(i + 1) if i < start else str(i - start + 1) for i in range(len(document.pages))]


def _lines(page: weasyprint.Page, headers: set[object]) -> Iterator[tuple[LineBox, str]]:
    """(line box, id of the innermost block or part holding it), in document order.

    A table's header rows count where the table begins: WeasyPrint sets them
    again at the top of each page the table continues on, and there they are
    left out (``headers`` holds the elements of those already met). A figure's
    caption is left out too: it repeats the picture's alt text, which the EPUB's
    blocks do not count; the line of the figure's picture is met (``has_picture``),
    so a page that begins with a figure is marked before it.
    """
    stack = [
        (child, "")
        for child in reversed(page._page_box.children)
        if not isinstance(child, FootnoteAreaBox | MarginBox)
    ]
    while stack:
        box, owner = stack.pop()
        element = getattr(box, "element", None)
        if getattr(box, "element_tag", None) == "figcaption":
            continue
        if getattr(box, "is_header", False) and element is not None:
            if element in headers:
                continue  # a header row repeated on a continuation page
            headers.add(element)
        if element is not None and not isinstance(box, TextBox):
            block = element.get("data-block")
            ident = element.get("id", "")
            if block:
                owner = block
            elif ident and (ident in TEMPLATE_TARGETS or element.tag == "section"):
                owner = ident
        if isinstance(box, LineBox):
            yield box, owner
            continue
        stack.extend((child, owner) for child in reversed(getattr(box, "children", [])))


def has_picture(line: LineBox) -> bool:
    """Whether a line holds a picture (an inline replaced box: a figure's or one in the text)."""
    stack = list(line.children)
    while stack:
        box = stack.pop()
        if isinstance(box, InlineReplacedBox):
            return True
        stack.extend(getattr(box, "children", []))
    return False


def notes_text(page: weasyprint.Page) -> bool:
    """Whether the page's footnote area holds any text (a page of notes only is a page of text)."""
    stack = [c for c in page._page_box.children if isinstance(c, FootnoteAreaBox)]
    while stack:
        box = stack.pop()
        if isinstance(box, TextBox) and box.text.strip():
            return True
        stack.extend(getattr(box, "children", []))
    return False


def line_text(line: LineBox) -> str:
    """The text of a line, without generated content (note calls, markers)."""
    parts = []
    stack = list(reversed(line.children))
    while stack:
        box = stack.pop()
        if "::" in (getattr(box, "element_tag", "") or ""):
            continue
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        if "footnote" in classes or "note-recall" in classes:
            continue  # notes go to the foot; note numbers are not text
        if isinstance(box, TextBox):
            parts.append(box.text)
        else:
            stack.extend(reversed(getattr(box, "children", [])))
    return "".join(parts)


def page_starts(
    book: Book, document: weasyprint.Document, blocks: set[str], parts: set[str]
) -> list[PageStart]:
    """Where each listed page begins, in page order: the pages that hold text or a picture.

    ``blocks`` are the block ids the EPUB renders, ``parts`` the sections and
    template parts it has. A page's position is its first line (of text, or
    holding a picture) that belongs to one of them; a listed page with no such
    line shares the next listed page's position (the target is empty after the
    last one). A page with no text and no picture outside its margin boxes
    (blank, running head and folio only, padding) is not listed: the EPUB's
    page-list names the print pages a reader finds something on (issue 19).
    """
    labels = page_labels(book, document)
    seen: dict[str, int] = {}
    found: list[tuple[str, int] | None] = []
    listed: list[bool] = []
    headers: set[object] = set()
    for page in document.pages:
        first = None
        content = notes_text(page)
        for line, owner in _lines(page, headers):
            chars = count_chars(line_text(line))
            picture = not chars and has_picture(line)
            content = content or bool(chars) or picture
            if first is None and (chars or picture) and (owner in blocks or owner in parts):
                first = (owner, seen.get(owner, 0) if owner in blocks else 0)
            seen[owner] = seen.get(owner, 0) + chars
        found.append(first)
        listed.append(content)
    starts: list[PageStart] = []
    following: tuple[str, int] = ("", 0)
    for index in range(len(found) - 1, -1, -1):
        following = found[index] or following
        if listed[index]:
            starts.append(PageStart(index, labels[index], *following))
    return starts[::-1]
