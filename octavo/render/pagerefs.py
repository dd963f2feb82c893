"""Page references in the text: ``[see p.](#id){.pageref}``, the link and its folio.

A link of class ``pageref`` that the resolver led to a place in the book
(``source/resolve.py``) is printed with the folio of the print page where
its target stands, after its text and a no-break space ("see p.\u00a042";
"42" alone for a link with no text). The folios come from the layout
(``layout/pagerefs.py``); both renderers write them the same way, so the
EPUB names the print page that its page-list calls by that label.
"""

from __future__ import annotations

from octavo.model import PAGEREF, Book, Node

#: Between a page reference's text and its folio: a no-break space ("p. 42" never parts).
JOIN = "\u00a0"


def is_pageref(node: Node) -> bool:
    """True for a link of class ``pageref``."""
    return node.type == "link" and PAGEREF in node.attr("class").split()


def target_key(target: str) -> str:
    """The id a resolved link's ``target`` (``section`` or ``section#id``) names in the print HTML."""
    section, _, fragment = target.partition("#")
    return fragment or section


def references(book: Book) -> dict[str, list[tuple[str, int]]]:
    """Each page reference's target id -> where it is referred to, as (file, line), in reading
    order. Only links the resolver led into the book (with a ``target``) count."""
    found: dict[str, list[tuple[str, int]]] = {}
    for section in book.sections:
        for root in (*section.title_nodes, *section.all_blocks):
            for node in root.walk():
                if is_pageref(node) and node.attr("target"):
                    found.setdefault(target_key(node.attr("target")), []).append(
                        (str(section.file), node.line)
                    )
    return found


def folio_targets(book: Book) -> dict[str, list[tuple[str, int]]]:
    """Every id whose print folio the book prints: page references' targets (``references``) and,
    in a book with an index section, the index marks that give a page (``Book.index``), each with
    where it is asked for (file, line)."""
    found = references(book)
    if any(s.kind == "index" for s in book.sections):
        for mark in book.index:
            if mark.id:
                found.setdefault(mark.id, []).append((str(mark.file), mark.line))
    return found


def with_folio(node: Node, folio: str) -> Node:
    """The link ``node`` with ``folio`` after its text: "see p." -> "see p.\u00a042"; no text -> "42"."""
    text = "".join(n.text for n in node.walk() if n.type in ("text", "code"))
    tail = Node("text", text=(JOIN if text.strip() else "") + folio, line=node.line)
    return Node(node.type, (*node.children, tail), node.text, node.attrs, node.line)


def roman_value(label: str) -> int:
    """The number a lower-case roman numeral stands for ("xiv" -> 14); 0 if it is not one."""
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    if not label or any(ch not in values for ch in label):
        return 0
    total = 0
    for ch, after in zip(label, label[1:] + " ", strict=True):
        value = values[ch]
        total += -value if after in values and values[after] > value else value
    return total
