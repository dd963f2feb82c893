"""Notes called on one page that do not all fit at its foot: their parts share the pages.

``notesplit.plan_parts`` plans one note: its first part fills the room under
its call, the others a page's note area each. Two long notes called in one
line (or a long note and the notes called after it on its page) cannot be
planned that way: the first took all the room and the others were pushed
to the pages after its last part, far from their calls.

A compositor shares the room: every note called on the page starts under
its call, and while several continue, each continued page's note area is
shared among them, in their order (``plan_group``). A note short enough for
its share ends there, and what it leaves goes to the others. Each part is
still cut at a line start measured on the note alone, so every part of every
note stands on consecutive pages from its call's, as the fidelity referee
requires; WeasyPrint sets a page's carried parts in order, one of a note a
page (``patches``: ``one-part-a-page``).
"""

from __future__ import annotations

from octavo.layout.notesplit import SLACK, NoteLine, part_end


def _shares(needs: list[float], room: float) -> list[float]:
    """Px each note may fill of ``room``: an equal share, what a note needs less than its share
    going to the others (water-filling), in the order of ``needs``."""
    given = [0.0] * len(needs)
    left, todo = room, sorted(range(len(needs)), key=lambda i: needs[i])
    for count, i in enumerate(todo):
        share = left / (len(todo) - count)
        given[i] = min(needs[i], share)
        left -= given[i]
    return given


def _used(lines: list[NoteLine], start: int, end: int | None) -> float:
    """Px the part of ``lines`` from ``start`` to ``end`` (None: to the note's end) fills, with SLACK."""
    last = lines[-1] if end is None else lines[end - 1]
    return last.bottom - lines[start].top + SLACK


def _ends(
    notes: list[list[NoteLine]],
    starts: list[int | None],
    active: list[int],
    needs: list[float],
    room: float,
) -> dict[int, int | None]:
    """For each active note, the line its next part begins at (``part_end``) when the notes share
    ``room`` px. A part that cannot be kept within its share (a picture, a table row, the fewest
    lines worth setting) takes what it needs, and the others share what it leaves."""
    fixed: dict[int, float] = {}  # note -> px its part takes over its share
    ends: dict[int, int | None] = {}
    while True:
        free = [i for i in active if i not in fixed]
        left = max(room - sum(fixed.values()), 0.0)
        over = False
        for i, share in zip(free, _shares([needs[active.index(i)] for i in free], left), strict=True):
            start = starts[i]
            assert start is not None
            ends[i] = part_end(notes[i], start, share)
            used = _used(notes[i], start, ends[i])
            if used > share + 0.01:
                fixed[i], over = used, True
        if not over:
            break
    return {i: ends[i] for i in active}


def plan_group(
    notes: list[list[NoteLine]], first_room: float, cap: float, leaves: list[dict[int, float]]
) -> list[list[int]]:
    """For each note (lines measured alone, in the order they stand in the note area), the character
    offsets where its parts 2, 3… begin, when the notes share ``first_room`` px on their calls'
    page and ``cap`` px on each page after it, less what each note's ``leaves`` (part index -> px)
    keep free there for other notes (or a picture).

    A note's parts go on consecutive pages; a note that cannot be given ``notesplit.MIN_FIRST_LINES``
    lines on a page still gets that many (``part_end``: the layout then moves the call's line on,
    or the referee says so). Raises nothing; an empty list for a note that is not cut.
    """
    starts: list[int | None] = [0 if lines else None for lines in notes]
    cuts: list[list[int]] = [[] for _ in notes]
    page = 0
    while any(start is not None for start in starts):
        active = [i for i, start in enumerate(starts) if start is not None]
        if page == 0:
            room = first_room
        else:
            room = cap - sum(leaves[i].get(page, 0.0) for i in active)
        needs = []
        for i in active:
            lines, start = notes[i], starts[i]
            assert start is not None
            needs.append(lines[-1].bottom - lines[start].top + SLACK)
        for i, end in _ends(notes, starts, active, needs, max(room, 0.0)).items():
            if end is None:  # the rest fits in its share, or cannot be cut: it goes whole
                starts[i] = None
            else:
                cuts[i].append(notes[i][end].offset)
                starts[i] = end
        page += 1
    return cuts
