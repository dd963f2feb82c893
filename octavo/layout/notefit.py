"""Reading a layout for notes that are not where they belong, and planning their parts.

``refine`` looks at every note of a laid-out book: its first part must
stand in the note area of its call's page, its parts on consecutive pages,
none cut off by the note area's height, and none past the end of its
section's pages. For the notes that fail, it plans parts from the room
measured on that very layout (``notesplit.plan_parts``) and returns a new
``SplitPlan``; the caller lays the book out again with it.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, ReplacedBox

from octavo.layout.notegroup import plan_group
from octavo.layout.notesplit import (
    NOTE_SHARE,
    SLACK,
    NoteLine,
    plan_parts,
    split_note,
    word_starts,
)
from octavo.layout.pagemap import anchor_pages
from octavo.model import Book, Note
from octavo.render.notes import SplitPlan, part_id


@dataclass(frozen=True)
class Placed:
    """Where a note part was laid out: page index, its box's top and bottom in pt, clipped or not."""

    page: int
    top: float
    bottom: float
    clipped: bool
    order: int  # its place in the page's note area


def _area(page: weasyprint.Page) -> FootnoteAreaBox | None:
    return next((c for c in page._page_box.children if isinstance(c, FootnoteAreaBox)), None)


def placed_parts(document: weasyprint.Document) -> dict[str, Placed]:
    """Every note part's place, by element id (the first place, if WeasyPrint drew one twice)."""
    found: dict[str, Placed] = {}
    for index, page in enumerate(document.pages):
        area = _area(page)
        if area is None:
            continue
        limit = area.content_box_y() + area.height + 0.5
        for order, box in enumerate(area.children):
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident and ident not in found:
                bottom = box.position_y + box.margin_height()
                found[ident] = Placed(index, box.position_y, bottom, bottom > limit, order)
    return found


def _body_lines(page: weasyprint.Page) -> Iterator[LineBox]:
    """The lines of ``page``'s text (not its notes), in reading order."""
    stack = [c for c in reversed(page._page_box.children) if not isinstance(c, FootnoteAreaBox)]
    while stack:
        box = stack.pop()
        if isinstance(box, LineBox):
            yield box
        else:
            stack.extend(reversed(getattr(box, "children", [])))


def _holds(line: LineBox, ident: str) -> bool:
    """True when the element ``ident`` stands in ``line``."""
    stack = [line]
    while stack:
        current = stack.pop()
        element = getattr(current, "element", None)
        if element is not None and element.get("id") == ident:
            return True
        stack.extend(getattr(current, "children", []))
    return False


def _line_bottom(page: weasyprint.Page, ident: str) -> float | None:
    """Bottom (CSS px) of the body line holding the element ``ident`` on ``page``."""
    line = next((line for line in _body_lines(page) if _holds(line, ident)), None)
    return None if line is None else line.position_y + line.height


@dataclass(frozen=True)
class Room:
    """The note area's limits on a page, in pt."""

    first: float  # for a note's first part under its call
    cap: float  # for one part on a page of its own notes' area


def room(page: weasyprint.Page, call_id: str, before: float, area: FootnoteAreaBox | None) -> Room:
    """The room for a note called at ``call_id`` on ``page``, in CSS px like every WeasyPrint box.

    ``before``: px of notes placed above it; ``area``: a note area laid out with the book's @footnote
    style (the page's own, or another page's when this one has none).
    """
    content_bottom = page._page_box.content_box_y() + page._page_box.height
    chrome, limit, cap = _limits(page, area)
    call_bottom = _line_bottom(page, call_id)
    first = 0.0 if call_bottom is None else min(content_bottom - call_bottom - chrome, limit) - before
    return Room(max(first, 0.0), cap)


def _limits(page: weasyprint.Page, area: FootnoteAreaBox | None) -> tuple[float, float, float]:
    """(px of the note area's margins, padding and borders, its max-height, the most one part may
    fill) on ``page``, from ``area``'s style (see ``room``)."""
    height = page._page_box.height
    chrome = 0.0
    limit = math.inf
    if area is not None:
        chrome = area.margin_top + area.padding_top + area.border_top_width
        chrome += area.margin_bottom + area.padding_bottom + area.border_bottom_width
        if isinstance(area.max_height, int | float):
            limit = float(area.max_height)
    if area is None:  # no page has notes yet: the share octavo aims at
        limit = NOTE_SHARE * height
    return chrome, limit, max(min(limit, NOTE_SHARE * height - chrome), 0.0)


def _notes_above(page: weasyprint.Page, own: set[str]) -> float:
    """Height in px of the notes in ``page``'s note area before the first of ``own``."""
    area = _area(page)
    height = 0.0
    for box in area.children if area is not None else []:
        element = getattr(box, "element", None)
        if element is not None and element.get("id") in own:
            break
        height += box.margin_height()
    return height


def _opens_page(page: weasyprint.Page, ident: str) -> bool:
    """True when the element ``ident`` stands in the first line of ``page``'s text."""
    first = next(_body_lines(page), None)
    return first is not None and _holds(first, ident)


def _parts(plan: SplitPlan, note: Note) -> list[str]:
    split = plan.splits.get(note.id)
    return [part_id(note, i) for i in range(len(split.parts) if split else 1)]


def misplaced(note: Note, ids: list[str], places: dict[str, Placed], call_page: int) -> bool:
    """True unless the parts stand in order on consecutive pages from the call's, none clipped."""
    found = [places.get(i) for i in ids]
    spots = [s for s in found if s is not None]
    if len(spots) != len(found) or spots[0].page != call_page:
        return True
    pages = [s.page for s in spots]
    if any(b - a != 1 for a, b in itertools.pairwise(pages)):
        return True
    return any(s.clipped for s in spots)


def refine(
    book: Book,
    document: weasyprint.Document,
    plan: SplitPlan,
    measure: Callable[[list[Note]], dict[str, list[NoteLine]]],
) -> SplitPlan | None:
    """A new plan if some note is misplaced in ``document`` and splitting can help, else None.

    ``measure`` lays notes out alone and returns their lines (in CSS px,
    WeasyPrint's unit: 0.75 pt). A note placed right but whose first part
    could take more of the room under its call is planned again too.
    """
    pages = anchor_pages(document)
    places = placed_parts(document)
    reference = next((a for a in map(_area, document.pages) if a is not None), None)
    bad: set[str] = set()
    todo: list[Note] = []
    for section in book.sections:
        for note in section.notes:
            call_page = pages.get(note.call_id)
            if call_page is None:
                continue
            if misplaced(note, _parts(plan, note), places, call_page):
                bad.add(note.id)
                todo.append(note)
            elif note.id in plan.splits:  # well placed: its first part may take more room
                todo.append(note)
    new = SplitPlan(dict(plan.splits), dict(plan.overrun), {k: dict(v) for k, v in plan.leave.items()}, {})
    # A note crowded off its call's page by another's continuation part waits; that part is made
    # shorter by the room the note needs, and the next pass places the note under its call.
    crowding = _crowding(book, document, plan, bad, pages)
    # ... unless it is too long to end under the continued part: then they share the next pages
    crowding = _short(book, document, crowding, measure, reference)
    crowded = _crowded(document, crowding, places, reference)
    for (owner, index), need in crowded.items():
        new.leave.setdefault(owner, {})[index] = new.leave.get(owner, {}).get(index, 0.0) + need
    # A continuation part under a picture too tall for the room the part left leaves more room.
    new.under, overlapped = _under(document, plan, places)
    todo = [n for n in todo if n.id not in crowding]
    forced = {owner for owner, _ in crowded} | overlapped
    todo += [n for s in book.sections for n in s.notes if n.id in forced and n not in todo]
    measured = measure(todo) if todo else {}
    grouped = _plan_groups(book, document, plan, new, todo, bad, pages, places, reference, measure)
    for note in todo:
        lines = measured.get(note.id)
        if not lines or note.id in grouped:
            continue
        lines = _cuttable(note, lines)
        page = document.pages[pages[note.call_id]]
        above = _notes_above(page, set(_parts(plan, note)))
        limits = room(page, note.call_id, above, _area(page) or reference)
        first = limits.first
        if note.id in bad and pages[note.call_id] > 0 and _opens_page(page, note.call_id):
            # the call's line was moved on to make room for the whole note: a short first
            # part lets it stay at the foot of the page before, where the next pass fills the room
            first = 0.0
        offsets = plan_parts(lines, first, limits.cap, new.room_left(note.id))
        old = plan.splits.get(note.id)
        keep = note.id not in bad and note.id not in forced
        if keep and old is not None and (not offsets or offsets[0] <= old.offsets[0]):
            continue  # keep a placed split unless its first part can grow
        if offsets:
            new.splits[note.id] = split_note(note, offsets)
        else:
            new.splits.pop(note.id, None)
    _overrun(book, new, plan, pages, places)
    return None if new.key() == plan.key() else new


def _cuttable(note: Note, lines: list[NoteLine]) -> list[NoteLine]:
    """``lines`` with ``cut`` kept only where a word of ``note`` begins."""
    starts = word_starts(note.blocks)
    return [dataclasses.replace(ln, cut=ln.cut and ln.offset in starts) for ln in lines]


def _plan_groups(
    book: Book,
    document: weasyprint.Document,
    plan: SplitPlan,
    new: SplitPlan,
    todo: list[Note],
    bad: set[str],
    pages: dict[str, int],
    places: dict[str, Placed],
    reference: FootnoteAreaBox | None,
    measure: Callable[[list[Note]], dict[str, list[NoteLine]]],
) -> set[str]:
    """Plan together, into ``new``, the notes of a page where a note is misplaced: those carried
    onto it from earlier pages (from their part there on) and those called on it, when two of
    them are long (what is left of each is over half what a part may fill) and they do not all
    fit under the last call (``notegroup.plan_group``). The ids of the notes so planned, or kept
    as ``plan`` has them when all stand where they belong (``places``: ``placed_parts`` of
    ``document``)."""
    called: dict[int, list[Note]] = {}
    for section in book.sections:
        for note in section.notes:
            if note.call_id in pages:
                called.setdefault(pages[note.call_id], []).append(note)
    waiting = {n.id for n in todo if n.id in bad}
    concerned = waiting | set(plan.splits)
    if not concerned:
        return set()  # no note misplaced nor split: no page to look at
    continuing = _continuing(book, plan, pages, places)
    planned: set[str] = set()  # planned here, or kept
    replanned: set[str] = set()  # planned again here: not again for a later page in this pass
    for index in sorted(called):
        carried = [
            (note, next(offset for page, offset in parts if page >= index))
            for note, call, parts in continuing
            if call < index and any(page >= index for page, _ in parts)
        ]
        members = [note for note, _ in carried] + called[index]
        if not concerned.intersection(n.id for n in members):
            continue
        if replanned.intersection(n.id for n in members):
            continue
        measured = measure(members)
        if any(not measured.get(n.id) for n in members):
            continue
        starts = {note.id: offset for note, offset in carried}
        lines = []
        for note in members:
            mine = _cuttable(note, measured[note.id])
            lines.append([ln for ln in mine if ln.offset >= starts.get(note.id, 0)])
        if any(not ln for ln in lines):
            continue
        page = document.pages[index]
        limits = room(page, called[index][-1].call_id, 0.0, _area(page) or reference)
        long = [ln for ln in lines if ln[-1].bottom - ln[0].top > limits.cap / 2]
        if len(long) < 2:
            continue  # one long note: refine plans it alone, the notes after it go under it
        if not any(n.id in bad for n in members):
            planned.update(n.id for n in members)  # placed as planned together: kept
            continue
        start = limits.first
        if index > 0 and _opens_page(page, called[index][-1].call_id):
            start = 0.0  # the calls' line was moved on: short first parts bring it back (see refine)
        elif sum(ln[-1].bottom - ln[0].top + SLACK for ln in lines) <= start:
            continue  # they all fit: not a matter of sharing
        leaves = [new.room_left(n.id) for n in members]
        for note, offsets in zip(members, plan_group(lines, start, limits.cap, leaves), strict=True):
            before = plan.splits[note.id].offsets if note.id in plan.splits else ()
            kept = [o for o in before if o <= starts[note.id]] if note.id in starts else []
            if kept or offsets:
                new.splits[note.id] = split_note(note, [*kept, *offsets])
            else:
                new.splits.pop(note.id, None)
            planned.add(note.id)
            replanned.add(note.id)
    return planned


def _continuing(
    book: Book, plan: SplitPlan, pages: dict[str, int], places: dict[str, Placed]
) -> list[tuple[Note, int, list[tuple[int, int]]]]:
    """Each split note with its call's page and the (page, character offset where the part begins)
    of each continuation part placed, in order (``places``, ``pages``: read on the current layout):
    a note called before a page whose parts reach it is carried onto that page from the first part
    there."""
    found = []
    for section in book.sections:
        for note in section.notes:
            split = plan.splits.get(note.id)
            call = pages.get(note.call_id)
            if split is None or call is None:
                continue
            parts = [
                (spot.page, split.offsets[k - 1])
                for k in range(1, len(split.parts))
                if (spot := places.get(part_id(note, k))) is not None
            ]
            if parts:
                found.append((note, call, parts))
    return found


def _short(
    book: Book,
    document: weasyprint.Document,
    crowding: dict[str, tuple[str, int]],
    measure: Callable[[list[Note]], dict[str, list[NoteLine]]],
    reference: FootnoteAreaBox | None,
) -> dict[str, tuple[str, int]]:
    """The crowded notes (``_crowding``) short enough to stand whole under a continued part, which
    then leaves them room; a longer one is planned with the notes carried onto its call's page."""
    if not crowding:
        return crowding
    notes = [n for s in book.sections for n in s.notes if n.id in crowding]
    measured = measure(notes)
    half = _limits(document.pages[0], reference)[2] / 2  # half what a part may fill
    return {
        ident: part
        for ident, part in crowding.items()
        if not measured.get(ident) or measured[ident][-1].bottom <= half
    }


def _continuations(plan: SplitPlan) -> dict[str, tuple[str, int]]:
    """Element id of every continuation part -> (its note's id, its part index)."""
    return {
        part_id(note, index): (note, index)
        for note, split in plan.splits.items()
        for index in range(1, len(split.parts))
    }


def _crowding(
    book: Book, document: weasyprint.Document, plan: SplitPlan, bad: set[str], pages: dict[str, int]
) -> dict[str, tuple[str, int]]:
    """Misplaced note id -> the continuation part (note id, index) in its call's page's note area
    that left it no room: the notes a shorter continuation part would let stand under their call
    (``pages``: ``anchor_pages`` of ``document``)."""
    continuations = _continuations(plan)
    found: dict[str, tuple[str, int]] = {}
    for section in book.sections:
        for note in section.notes:
            call_page = pages.get(note.call_id)
            if note.id not in bad or call_page is None:
                continue
            if call_page > 0 and _opens_page(document.pages[call_page], note.call_id):
                call_page -= 1  # its line was pushed on for want of room: make the room on the page before
            area = _area(document.pages[call_page])
            ids = [getattr(b, "element", None) for b in (area.children if area is not None else [])]
            parts = [
                continuations[e.get("id")] for e in ids if e is not None and e.get("id") in continuations
            ]
            if parts and parts[-1][0] != note.id:
                found[note.id] = parts[-1]
    return found


def _crowded(
    document: weasyprint.Document,
    crowding: dict[str, tuple[str, int]],
    places: dict[str, Placed],
    reference: FootnoteAreaBox | None,
) -> dict[tuple[str, int], float]:
    """(note id, part index) of each continuation part that must leave room on its page, and the
    px it must leave there: the height the crowded-out notes took where WeasyPrint put them
    (``places``), at most half what a part may fill, so the continuation still goes on."""
    need: dict[tuple[str, int], float] = {}
    for note_id, part in crowding.items():
        spot = places.get(note_id)
        if spot is None:
            continue
        page = document.pages[spot.page]
        cap = _limits(page, _area(page) or reference)[2]
        need[part] = min(need.get(part, 0.0) + spot.bottom - spot.top, cap / 2)
    return need


def _under(
    document: weasyprint.Document, plan: SplitPlan, places: dict[str, Placed]
) -> tuple[dict[str, dict[int, float]], set[str]]:
    """The room continuation parts leave for pictures above them, for the next layout, and the
    notes whose room grew.

    WeasyPrint sets a picture that opens a page even when it is taller than the room the page's
    continued note leaves, over the note. Such a part leaves the px the page's text runs into its
    note area, added to what it left before; what it left before is kept while its page (in
    ``places``) still holds a picture, and dropped once the picture has moved on.
    """
    continuations = _continuations(plan)
    under: dict[str, dict[int, float]] = {}
    for note, parts in plan.under.items():
        for index, px in parts.items():
            spot = places.get(part_id(note, index))
            if spot is not None and _has_picture(document.pages[spot.page]):
                under.setdefault(note, {})[index] = px
    grown: set[str] = set()
    for page in document.pages:
        area = _area(page)
        first = getattr(area.children[0], "element", None) if area is not None and area.children else None
        part = continuations.get(first.get("id")) if first is not None else None
        if area is None or part is None or not _has_picture(page):
            continue
        top = area.children[0].position_y - area.margin_top - area.padding_top - area.border_top_width
        over = max((line.position_y + line.height for line in _body_lines(page)), default=0.0) - top
        if over > 0.5:
            note, index = part
            under.setdefault(note, {})[index] = under.get(note, {}).get(index, 0.0) + over
            grown.add(note)
    return under, grown


def _has_picture(page: weasyprint.Page) -> bool:
    """True when a line of ``page``'s text holds a picture."""
    stack: list[Box] = list(_body_lines(page))
    while stack:
        box = stack.pop()
        if isinstance(box, ReplacedBox):
            return True
        stack.extend(getattr(box, "children", []))
    return False


def _overrun(
    book: Book, new: SplitPlan, old: SplitPlan, pages: dict[str, int], places: dict[str, Placed]
) -> None:
    """Pages each section needs after its text for its notes' last parts, read on the layout whose
    ``anchor_pages`` and ``placed_parts`` are ``pages`` and ``places``."""
    for section in book.sections:
        parts = [i for note in section.notes if note.call_id in pages for i in _parts(old, note)]
        lost = sum(i not in places for i in parts)  # carried past the book's end and dropped
        end = pages.get(f"{section.id}-notes-end")
        if end is None:
            if lost:  # the next layout marks where the section's text ends
                new.overrun[section.id] = lost
            continue
        after = {places[i].page for i in parts if i in places and places[i].page > end}
        if after or lost or section.id in new.overrun:
            new.overrun[section.id] = len(after) + lost
