"""Figures and tables: what they are in the manuscript, their captions and their numbers.

A **figure** is a paragraph whose only content is one picture not marked
``{.decorative}`` (issue 18's definition, Pandoc's "implicit figure"); its
alt text is its caption. A **table's caption** is a paragraph that begins
``Table:`` (or ``:``) standing just before or after a table (Pandoc's
``table_captions`` extension); attributes at its end, ``{#tbl:label}``, go
to the table. Figures whose picture (or paragraph) has an id beginning
``fig:`` and tables whose id begins ``tbl:`` are **numbered**, each kind
through the whole book in reading order (pandoc-crossref's convention, which
the Chicago Manual of Style's 3.9 "numbering of illustrations" and 3.52
"table numbers" allow for a book with few of them); a link with no text to
one, ``[](#fig:map)``, reads "Figure 3" (``numbers``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs

from octavo.model import Book, Node, Section
from octavo.strings import for_metadata

#: Id prefixes of numbered figures and tables, and the key of their label in the book's words
#: (``octavo.strings``: "Figure {number}", "Tableau {number}").
KINDS = {"fig": "figure-number", "tbl": "table-number"}
#: A table caption paragraph's opening (Pandoc: ``Table:``, ``table:`` or ``:``).
CAPTION_START = re.compile(r"^(?:[Tt]able)?:\s*")
#: ``{…}`` at the end of a caption's text: the table's attributes.
TRAILING_ATTRS = re.compile(r"\s*(\{[^{}\n]*\})\s*$")


def figure_image(node: Node) -> Node | None:
    """The picture of a figure paragraph, or None if ``node`` is not a figure.

    A figure is a paragraph whose only content (spaces and soft breaks
    aside) is one picture not marked ``{.decorative}``."""
    if node.type != "paragraph":
        return None
    kept = [c for c in node.children if not (c.type in ("text", "softbreak") and not c.text.strip())]
    if len(kept) != 1 or kept[0].type != "image":
        return None
    if "decorative" in kept[0].attr("class").split():
        return None
    return kept[0]


def figure_id(node: Node) -> str:
    """The id of a figure paragraph: its picture's (``![…](x.png){#fig:x}``), else its own."""
    image = figure_image(node)
    return (image.attr("id") if image is not None else "") or node.attr("id")


def _caption(node: Node) -> tuple[Node, tuple[tuple[str, str], ...]] | None:
    """A table caption paragraph as a ``caption`` node and the attributes at its end; None if
    ``node`` is not one."""
    if node.type != "paragraph" or not node.children or node.children[0].type != "text":
        return None
    first = node.children[0]
    opening = CAPTION_START.match(first.text)
    if opening is None:
        return None
    children = [replace(first, text=first.text[opening.end() :]), *node.children[1:]]
    attrs: tuple[tuple[str, str], ...] = ()
    last = children[-1]
    match = TRAILING_ATTRS.search(last.text) if last.type == "text" else None
    if match is not None:
        try:
            end, parsed = parse_attrs(match.group(1))
        except ParseError:
            parsed, end = {}, -1
        if end == len(match.group(1)) - 1:
            attrs = tuple((k, str(v)) for k, v in parsed.items() if k in ("id", "class"))
            children[-1] = replace(last, text=last.text[: match.start()])
    children = [c for c in children if not (c.type == "text" and not c.text)]
    if not any(c.text.strip() or c.children for c in children):
        return None
    kept = tuple((k, v) for k, v in node.attrs if k == "block")
    return Node("caption", tuple(children), attrs=kept, line=node.line), attrs


def _with_caption(table: Node, caption: Node, attrs: tuple[tuple[str, str], ...]) -> Node:
    merged = dict(table.attrs)
    for key, value in attrs:
        merged[key] = f"{merged[key]} {value}" if key == "class" and key in merged else value
    return Node(table.type, (caption, *table.children), table.text, tuple(sorted(merged.items())), table.line)


def table_captions(blocks: tuple[Node, ...]) -> tuple[Node, ...]:
    """``blocks`` with each table caption paragraph moved into the table beside it (before it
    first, as Pandoc looks; a caption between two tables goes to the one it follows only if the
    next has one already). Nested blocks (quotations, list items) are looked through too."""
    out: list[Node] = []
    items = list(blocks)
    index = 0
    while index < len(items):
        node = items[index]
        if node.children and node.type in ("blockquote", "list_item", "bullet_list", "ordered_list"):
            node = replace(node, children=table_captions(node.children))
        found = _caption(node)
        after = items[index + 1] if index + 1 < len(items) else None
        if found is not None and after is not None and after.type == "table" and not _has_caption(after):
            items[index + 1] = _with_caption(after, *found)
        elif found is not None and out and out[-1].type == "table" and not _has_caption(out[-1]):
            out[-1] = _with_caption(out[-1], *found)
        else:
            out.append(node)
        index += 1
    return tuple(out)


def _has_caption(table: Node) -> bool:
    return bool(table.children) and table.children[0].type == "caption"


def captioned(section: Section) -> Section:
    """The section with its table captions in their tables (``table_captions``), notes' too."""
    notes = tuple(replace(n, blocks=table_captions(n.blocks)) for n in section.notes)
    return replace(section, blocks=table_captions(section.blocks), notes=notes)


def numbers(book: Book) -> dict[str, str]:
    """Each numbered figure's and table's id -> "Figure 3" / "Table 1" in the book's language, in
    reading order (sections, then each section's notes)."""
    words = for_metadata(book.metadata)
    counts = dict.fromkeys(KINDS, 0)
    found: dict[str, str] = {}
    for section in book.sections:
        for block in section.all_blocks:
            for node in block.walk():
                ident = figure_id(node) if node.type == "paragraph" else node.attr("id")
                if node.type == "paragraph" and figure_image(node) is None:
                    continue
                if node.type not in ("paragraph", "table"):
                    continue
                kind = ident.partition(":")[0] if ":" in ident else ""
                if (kind == "fig") != (node.type == "paragraph") or kind not in KINDS or ident in found:
                    continue
                counts[kind] += 1
                found[ident] = words(KINDS[kind], number=counts[kind])
    return found
