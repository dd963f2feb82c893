"""Figures floated to the top of the next page, so that the text fills the page before them.

WeasyPrint 70 has no page floats (CSS GCPM ``float: top``/``bottom``): a
figure too tall for the room left at a page's foot goes to the next page
and leaves a hole where it would not fit. A compositor sets the text that
follows the figure into that hole and puts the figure at the top of the
next page. octavo does the same between layouts, as it does for long notes
(``notesplit``, ``notefit``):

1. After a layout, a figure (with the figures right after it) that stands
   first on its page (after nothing but subheads), while the page before,
   in the same section, is underfull (``pagefill.UNDERFULL_FILL``), is
   *deferred*; at most one is taken per section and per layout, the first.
2. The lines that follow it on its page are measured: those that fit in
   the hole (their height from the figure's foot, plus the subheads above
   it) move back; the first that does not is where the figure goes. A
   paragraph cut there is printed as two (``render/figures.FigurePlan``):
   the first part's last line justified, the second unindented. A cut never
   leaves one line of the paragraph alone on either side nor follows a line
   that ends in a hyphen or dash (the word would be cut by the figure);
   inside a list, a quotation or a table the figure goes before it. When
   the rest of the section fits in the hole, the figure goes to the
   section's end (a page of figures only ends a section: ``pagefill``).
   A figure never goes past the next figure of its section: at most just
   before it (both then stand in the author's order), so no figure passes
   another, nor the text that follows a later one (``in_order`` keeps that
   for every placement made).
3. The book is laid out again, and so on: a figure only ever moves
   forwards, past at least one line, so the passes end (``interior`` bounds
   them too). The text is cut only at a line's start, never lost or set
   twice; the EPUB keeps the figure where the author put it.

Only figures that are blocks of the section itself move (not one inside a
list or a quotation, nor one in a note: notes set their pictures in the
note's own flow).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, MarginBox, TextBox

from octavo.layout.notesplit import cut_blocks
from octavo.layout.pagefill import UNDERFULL_FILL, room
from octavo.layout.pagemap import HYPHEN, count_chars, line_text
from octavo.model import Book, Node, Section
from octavo.render.figures import FigurePlan, is_figure

#: CSS px a line may overrun the hole and still be counted in (rounding).
SLACK = 0.5
#: Characters at a line's end after which a paragraph is never cut (the word goes on).
JOINING = HYPHEN + "\u00ad-\u2011\u2013\u2014"


@dataclass(frozen=True)
class _Line:
    page: int
    box: LineBox
    index: int  # the section's top-level block holding the line (-1: the title)
    owner: str  # block id of the innermost block holding it
    chars: int  # non-space characters (``pagemap.count_chars``)
    text: str


def _block_index(section: Section) -> dict[str, int]:
    """Block id -> index of the section's top-level block that holds it."""
    found: dict[str, int] = {}
    for index, block in enumerate(section.blocks):
        for node in block.walk():
            if node.attr("block"):
                found.setdefault(node.attr("block"), index)
    return found


def _section_box(page: weasyprint.Page) -> Box | None:
    """The page's ``section`` box (the body's flow of one section), or None."""
    stack = [c for c in page._page_box.children if not isinstance(c, FootnoteAreaBox | MarginBox)]
    while stack:
        box = stack.pop(0)
        if getattr(box, "element_tag", None) == "section":
            return box
        stack = list(getattr(box, "children", [])) + stack
    return None


def _lines(box: Box, page: int, blocks: dict[str, int]) -> Iterator[_Line]:
    """The body lines of a section's box on one page, in order, figures' captions left out."""
    stack: list[tuple[Box, str]] = [(child, "") for child in reversed(box.children)]
    while stack:
        current, owner = stack.pop()
        if getattr(current, "element_tag", None) == "figure":
            continue
        element = getattr(current, "element", None)
        if element is not None and not isinstance(current, TextBox) and element.get("data-block"):
            owner = element.get("data-block")
        if isinstance(current, LineBox):
            text = line_text(current)
            yield _Line(page, current, blocks.get(owner, -1), owner, count_chars(text), text)
            continue
        stack.extend((child, owner) for child in reversed(getattr(current, "children", [])))


def _group(box: Box) -> tuple[list[Box], list[Box]]:
    """The subheads, then the figures, that open a section's box on a page (both may be empty)."""
    heads: list[Box] = []
    figures: list[Box] = []
    for child in box.children:
        tag = getattr(child, "element_tag", None)
        if tag == "figure" and (child.element.get("data-block") or ""):
            figures.append(child)
        elif not figures and tag in ("h2", "h3", "h4", "h5", "h6"):
            heads.append(child)
        else:
            break
    return heads, figures


def _placed(plan: FigurePlan, section: Section, figure: str, index: int) -> tuple[int, int]:
    """Where ``figure`` (at ``index`` in the section) stands now: before block i + 1, or its move."""
    return plan.moves.get(figure, (index + 1, 0))


def _target(lines: list[_Line], first: int, section: Section) -> tuple[int, int] | None:
    """(block index, characters of it before) where the figure goes for ``lines[first]`` to
    follow it: a paragraph cut at a line's start, or before the top-level block."""
    t = first
    line = lines[t]
    node = section.blocks[line.index] if line.index >= 0 else None
    if node is None:
        return None
    own = [k for k, other in enumerate(lines) if other.index == line.index]
    start = own[0]
    if t == start:
        return line.index, 0
    if node.type != "paragraph" or line.owner != node.attr("block"):
        return (line.index, 0) if start > 0 else None  # a list, a quotation: before it
    while t - start >= 2 and (own[-1] - t + 1 < 2 or lines[t - 1].text.rstrip()[-1:] in JOINING):
        t -= 1  # no widow after the cut, no word cut by the figure
    if t - start < 2:
        return line.index, 0  # no orphan before it: the whole paragraph after the figure
    return line.index, sum(other.chars for other in lines[start:t])


def _defer(book: Book, document: weasyprint.Document, plan: FigurePlan) -> dict[str, tuple[int, int]]:
    """Figure block id -> its new place, for the first deferred figure of each section."""
    pages = document.pages
    found: dict[str, tuple[int, int]] = {}
    sections = {s.id: s for s in book.sections}
    boxes = [_section_box(page) for page in pages]
    done: set[str] = set()
    for q in range(1, len(pages)):
        box, before = boxes[q], boxes[q - 1]
        if box is None or before is None or box.element is not before.element:
            continue
        section = sections.get(box.element.get("id", ""))
        if section is None or section.id in done:
            continue
        heads, group = _group(box)
        if not group:
            continue
        top, lowest, bottom, _ = room(pages[q - 1])
        if (lowest - top) / max(bottom - top, 1.0) >= UNDERFULL_FILL:
            continue
        blocks = _block_index(section)
        ids = [f.element.get("data-block") for f in group]
        if any(i not in blocks or not is_figure(section.blocks[blocks[i]]) for i in ids):
            continue
        done.add(section.id)
        # the section's lines from its first page to the next page's end (to find the cut)
        ours = [b if b is not None and b.element is box.element else None for b in boxes]
        start = next(p for p in range(q, -1, -1) if p == 0 or ours[p - 1] is None)
        lines = [
            line
            for p in range(start, min(q + 2, len(pages)))
            if (mine := ours[p]) is not None
            for line in _lines(mine, p, blocks)
        ]
        foot = group[-1].position_y + group[-1].margin_height()
        heads_height = group[0].position_y - heads[0].position_y if heads else 0.0
        after = [k for k, line in enumerate(lines) if line.page == q and line.box.position_y >= foot - SLACK]
        hole = bottom - lowest
        fits = [k for k in after if heads_height + line_bottom(lines[k]) - foot <= hole + SLACK]
        if not fits or fits[0] != after[0]:
            continue
        rest = [k for k in after if k not in fits]
        if rest:
            first = rest[0]
        elif any(line.page > q for line in lines):
            first = next((k for k, line in enumerate(lines) if line.page > q), -1)
            if first < 0:
                continue
        else:
            first = len(lines)
        target = (len(section.blocks), 0) if first == len(lines) else _target(lines, first, section)
        if target is None:
            continue
        index = {i: blocks[i] for i in ids}
        now = min(_placed(plan, section, i, index[i]) for i in ids)
        target = min(target, _next_figure(plan, section, ids, max(index.values())))
        if target <= now:
            continue
        for ident in ids:
            found[ident] = target
    return found


def _next_figure(plan: FigurePlan, section: Section, ids: list[str], last: int) -> tuple[int, int]:
    """The farthest place (as ``FigurePlan.moves``) figures ``ids`` may go, the last of them at
    block ``last`` of the section: before the next figure of the section (where it stands, or
    was moved to; ``arrange`` sets figures sharing a place in the author's order), else its end.
    A float never passes another figure, nor the text that follows it."""
    for position in range(last + 1, len(section.blocks)):
        node = section.blocks[position]
        if is_figure(node) and node.attr("block") not in ids:
            return plan.moves.get(node.attr("block"), (position, 0))
    return len(section.blocks), 0


def line_bottom(line: _Line) -> float:
    return float(line.box.position_y + line.box.height)


def arrange(section: Section, moves: dict[str, tuple[int, int]]) -> tuple[Node, ...]:
    """The section's blocks in print order: each moved figure (block id -> (block index, characters
    before)) set before that block, or inside that paragraph, cut there (``split``: ``end`` on the
    part before, ``start`` on the part after, both on a middle part)."""
    placed: dict[int, list[tuple[int, int, Node]]] = {}
    moved = set()
    for position, node in enumerate(section.blocks):
        target = moves.get(node.attr("block")) if is_figure(node) else None
        if target is not None:
            placed.setdefault(target[0], []).append((target[1], position, node))
            moved.add(position)
    out: list[Node] = []
    for position, block in enumerate([*section.blocks, None]):
        figures = sorted(placed.get(position, []), key=lambda f: (f[0], f[1]))
        if block is None:
            out.extend(f for _, _, f in figures)
            break
        if position in moved:  # those set before a figure moved on: where it stood
            out.extend(f for _, _, f in figures)
            continue
        done, rest = 0, block  # characters of the paragraph set before, and the part left
        for offset, _, figure in figures:
            if offset > done and rest.type == "paragraph":
                left, right = cut_blocks((rest,), offset - done)
                if left and right:
                    out.append(_split(left[0], "end", rest))
                    rest, done = _split(right[0], "start", rest), offset
            out.append(figure)
        out.append(rest)
    return tuple(out)


def in_order(section: Section, moves: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """The moves (figure block id -> (block index, characters before), as ``arrange`` reads them)
    that keep ``section``'s figures in the author's order: a figure that would stand before an
    earlier figure's new place goes to that place too (``arrange`` sets figures sharing a place
    in their order). A float never passes another figure, so no figure ends up after the text
    that follows a later one. Returns only the moves added or changed."""
    changed: dict[str, tuple[int, int]] = {}
    furthest = (-1, 0)
    for position, node in enumerate(section.blocks):
        if not is_figure(node):
            continue
        ident = node.attr("block")
        here = moves.get(ident, (position + 1, 0))
        if here < furthest or (ident not in moves and here <= furthest):
            changed[ident] = here = furthest
        furthest = max(furthest, here)
    return changed


def _split(part: Node, side: str, whole: Node) -> Node:
    """A part of a cut paragraph, marked: a middle part is both a start and an end."""
    marks = set(whole.attr("split").split()) | {side}
    attrs = [(k, v) for k, v in part.attrs if k != "split"] + [
        ("split", " ".join(sorted(marks, reverse=True)))
    ]
    return dataclasses.replace(part, attrs=tuple(sorted(attrs)))


def place(book: Book, document: weasyprint.Document, plan: FigurePlan) -> FigurePlan | None:
    """A better placement of the figures for the next layout, or None when none is deferred."""
    moves = _defer(book, document, plan)
    if not moves:
        return None
    merged = {**plan.moves, **moves}
    sections = {s.id: s for s in book.sections}
    for section in sections.values():
        merged.update(in_order(section, merged))
    touched = {s.id for s in book.sections for n in s.blocks if n.attr("block") in merged}
    return FigurePlan({sid: arrange(sections[sid], merged) for sid in touched}, merged)
