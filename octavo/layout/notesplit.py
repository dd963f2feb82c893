"""Long notes in print: a note that does not fit at its call's foot continues on the next pages.

WeasyPrint 70 never splits a footnote (Kozea/WeasyPrint#1833): a note taller
than the room left under its call goes whole to a later page, and one taller
than the note area is cut off. octavo splits such a note itself, as a
compositor does: the first part fills the room under the call's line, the
rest follows as unnumbered continuation parts at the foot of the next pages,
each first in its page's note area.

How: every part is floated from the call's position (``PrintRenderer``).
The first part fits, so it stays on the call's page; WeasyPrint carries the
parts that do not fit to the following pages in order, one a page, before
the notes called there (its "reported" footnotes). Where a section's text
ends before its notes do, empty overrun pages are added at the section's end
for the remaining parts, so a note never spills onto another section's pages.

The parts are cut at line starts measured on the note itself: all notes to
split are laid out once, alone, in a page as wide as the text with an
unbounded note area (``measure``), which gives each line's height and the
characters before it. A cut never follows a hyphenated line end and never
falls inside a table's row. The Book stays whole; a split is a layout decision
handed to the renderer as ``Split`` values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, TableRowBox, TextBox

from octavo.layout import patches
from octavo.layout.fetch import SafeFetcher
from octavo.layout.pagemap import HYPHEN, INVISIBLE, count_chars
from octavo.model import BLOCK_TYPES, Node, Note
from octavo.render.notes import Split

#: Share of the text area's height a continuation part may fill by default.
NOTE_SHARE = 0.6
#: Fewest lines of a note worth starting under its call (fewer: the call's line moves on).
MIN_FIRST_LINES = 2
#: Slack in CSS px kept below each part, for a margin the cut brings back (a quote's, a list's).
SLACK = 3.0


@dataclass(frozen=True)
class NoteLine:
    """One line of a note laid out alone: ``top``/``bottom`` in CSS px from the note's top;
    ``offset`` the non-space characters of the note before the line; ``cut``: a part may begin here."""

    top: float
    bottom: float
    offset: int
    cut: bool


# -- cutting the Book's nodes -------------------------------------------------------------


def node_chars(node: Node) -> int:
    """Non-space characters a node prints (as ``pagemap.count_chars`` counts them)."""
    return sum(count_chars(n.text) for n in node.walk())


def _with_split(node: Node, value: str) -> Node:
    attrs = tuple(sorted([(k, v) for k, v in node.attrs if k != "split"] + [("split", value)]))
    return dataclasses.replace(node, attrs=attrs)


def _cut_text(text: str, count: int) -> tuple[str, str]:
    """``text`` before and from its ``count``-th non-space character (0-based)."""
    seen = 0
    for position, ch in enumerate(text):
        if ch.isspace() or ch == HYPHEN or ch in INVISIBLE:
            continue
        if seen == count:
            return text[:position], text[position:]
        seen += 1
    return text, ""


def _cut_children(children: tuple[Node, ...], count: int) -> tuple[list[Node], list[Node], int, bool]:
    """Children before and from character ``count``; the index (in ``children``) of the first
    child that goes right, or of the child that was cut; whether a block was marked ``split=end``."""
    left: list[Node] = []
    for index, child in enumerate(children):
        if count <= 0:
            return left, list(children[index:]), index, False
        size = node_chars(child)
        if size <= count:
            left.append(child)
            count -= size
            continue
        head, tail, marked = _cut_node(child, count)
        return [*left, head], [tail, *children[index + 1 :]], index, marked
    return left, [], len(children), False


def _cut_node(node: Node, count: int) -> tuple[Node, Node, bool]:
    """Cut one node inside (0 < ``count`` < its characters); True once the innermost block
    holding the cut line is marked ``split=end``."""
    if not node.children:
        before, after = _cut_text(node.text, count)
        return dataclasses.replace(node, text=before), dataclasses.replace(node, text=after), False
    left, right, index, marked = _cut_children(node.children, count)
    head = dataclasses.replace(node, children=tuple(left))
    # the id stays with the element's start (where a link to it lands): ids are unique in print too
    tail = dataclasses.replace(
        node, children=tuple(right), attrs=tuple(a for a in node.attrs if a[0] != "id")
    )
    if node.type == "ordered_list":  # the continued list counts on from the item it resumes
        start = int(node.attr("start") or 1) + index
        tail = dataclasses.replace(
            tail,
            attrs=tuple(sorted([*((k, v) for k, v in tail.attrs if k != "start"), ("start", str(start))])),
        )
    if not marked and node.type in BLOCK_TYPES:  # the innermost block: its last line is the cut line
        head, marked = _with_split(head, "end"), True
    return head, _with_split(tail, "start"), marked


def cut_blocks(blocks: tuple[Node, ...], count: int) -> tuple[tuple[Node, ...], tuple[Node, ...]]:
    """A note's blocks before and from its ``count``-th non-space character.

    The block cut in two is marked ``split=end`` (its last line is justified)
    on the innermost node that holds the cut line, and every node on the
    right of the cut ``split=start`` (no indent, no list marker: the item
    goes on). An ordered list continued gets the number it resumes at.
    """
    left, right, _, _ = _cut_children(blocks, count)
    return tuple(left), tuple(right)


# -- measuring ----------------------------------------------------------------------------


def _is_table(box: Box) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "note-table" in (element.get("class") or "").split()


def _text(box: Box) -> str:
    """Text of a box without generated content (markers, the note number)."""
    parts, stack = [], [box]
    while stack:
        current = stack.pop()
        if "::" in (getattr(current, "element_tag", "") or ""):
            continue
        if isinstance(current, TextBox):
            parts.append(current.text)
        else:
            stack.extend(reversed(getattr(current, "children", [])))
    return "".join(parts)


def _rows(table: Box) -> list[tuple[Box, bool]]:
    """A table's row boxes in order, each with whether it is a header row."""
    found: list[tuple[Box, bool]] = []
    stack: list[tuple[Box, bool]] = [(table, False)]
    while stack:
        current, header = stack.pop()
        if isinstance(current, TableRowBox):
            found.append((current, header))
            continue
        header = header or bool(getattr(current, "is_header", False))
        stack.extend((child, header) for child in reversed(getattr(current, "children", [])))
    return found


def note_lines(box: Box) -> list[NoteLine]:
    """The lines of a laid-out note box; a table's rows count as lines, a part may begin at a
    row but not at a header row nor right after one (the headings stay with a row)."""
    top = box.position_y
    units: list[tuple[Box, float, bool]] = []  # box, height, a part may begin here
    stack = list(reversed(box.children))
    while stack:
        current = stack.pop()
        if isinstance(current, LineBox):
            units.append((current, current.height, True))
        elif _is_table(current):
            rows = _rows(current)
            if not rows:  # not laid out as rows: the table whole
                units.append((current, current.margin_height(), True))
            after_header = False
            for row, header in rows:
                units.append((row, row.margin_height(), not header and not after_header))
                after_header = header
        else:
            stack.extend(reversed(getattr(current, "children", [])))
    lines: list[NoteLine] = []
    offset = 0
    for unit, height, cut in units:
        y = unit.position_y - top
        lines.append(NoteLine(y, y + height, offset, bool(lines) and cut))
        offset += count_chars(_text(unit))
    return lines


def word_starts(blocks: tuple[Node, ...]) -> set[int]:
    """Offsets (non-space characters before) where a word begins: the only places a part may
    begin (never after a hyphenated line end or inside a broken URL)."""
    starts, offset, after_space = set(), 0, True
    for block in blocks:
        after_space = True  # a block begins a word
        for node in block.walk():
            if node.type in ("softbreak", "hardbreak") or node.children:
                after_space = after_space or node.type in ("softbreak", "hardbreak", *BLOCK_TYPES)
                continue
            for ch in node.text:
                if ch.isspace():
                    after_space = True
                elif ch != HYPHEN and ch not in INVISIBLE:
                    if after_space:
                        starts.add(offset)
                    offset += 1
                    after_space = False
    return starts


def measure(
    html_head: str, notes: list[tuple[Note, str]], width: float, base_url: str, fetcher: SafeFetcher
) -> dict[str, list[NoteLine]]:
    """Lay the given notes out alone, each as printed, in a page ``width`` pt wide.

    ``notes`` pairs each note with its printed markup (the whole note, one
    part); ``html_head`` is the print document's head, whose stylesheet sets
    the notes' type. Returns each note's lines (``note_lines``).
    """
    body = "".join(f"<p>{markup}</p>" for _, markup in notes)
    style = (
        f"<style>@page {{ size: {width:.3f}pt 14000pt; margin: 0; @footnote {{ max-height: none; }} }}"
        " @page :left { margin: 0 } @page :right { margin: 0 } p { margin: 0 }</style>"
    )
    html = f"<!DOCTYPE html><html>{html_head}{style}<body>{body}</body></html>"
    patches.apply()
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
    found: dict[str, list[NoteLine]] = {}
    for page in document.pages:
        for area in page._page_box.children:
            if isinstance(area, FootnoteAreaBox):
                for box in area.children:
                    ident = box.element.get("id") if getattr(box, "element", None) is not None else None
                    if ident and ident not in found:
                        found[ident] = note_lines(box)
    return found


def part_end(lines: list[NoteLine], start: int, room: float) -> int | None:
    """Index of the line that begins the next part when the part beginning at ``lines[start]``
    may fill ``room`` px: the last cut that keeps the part within the room, or, when none does,
    the first cut ``MIN_FIRST_LINES`` lines on (the smallest part worth setting). None when the
    rest of the note fits in ``room``, or cannot be cut at all."""
    top = lines[start].top
    if lines[-1].bottom - top <= room - SLACK:
        return None
    end = start
    for index in range(start + 1, len(lines)):
        if lines[index - 1].bottom - top > room - SLACK:
            break
        if lines[index].cut:
            end = index
    if end == start:  # nothing fits: at least the smallest part that can be cut
        end = next((i for i in range(start + MIN_FIRST_LINES, len(lines)) if lines[i].cut), 0)
    return end or None


def plan_parts(
    lines: list[NoteLine], first_room: float, cap: float, leave: dict[int, float] | None = None
) -> list[int]:
    """Character offsets where parts 2, 3… begin: the first part fills ``first_room`` px,
    the others at most ``cap`` px each, less what ``leave`` keeps free on a part's page (part
    index -> px, for the notes called there). Empty when the whole note fits in ``first_room``."""
    if not lines or lines[-1].bottom <= first_room:
        return []
    leave = leave or {}
    cuts: list[int] = []
    start, room = 0, first_room
    while (end := part_end(lines, start, room)) is not None:
        cuts.append(lines[end].offset)
        start, room = end, max(cap - leave.get(len(cuts), 0.0), 0.0)
    return cuts


def split_note(note: Note, offsets: Iterable[int]) -> Split:
    """Cut ``note`` at the given character offsets (ascending)."""
    offsets = list(offsets)
    parts: list[tuple[Node, ...]] = []
    rest, done = note.blocks, 0
    for offset in offsets:
        head, rest = cut_blocks(rest, offset - done)
        parts.append(head)
        done = offset
    parts.append(rest)
    return Split(note.id, tuple(p for p in parts if p), tuple(offsets))
