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


def with_folio(node: Node, folio: str) -> Node:
    """The link ``node`` with ``folio`` after its text: "see p." -> "see p.\u00a042"; no text -> "42"."""
    text = "".join(n.text for n in node.walk() if n.type in ("text", "code"))
    tail = Node("text", text=(JOIN if text.strip() else "") + folio, line=node.line)
    return Node(node.type, (*node.children, tail), node.text, node.attrs, node.line)
