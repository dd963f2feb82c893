"""What the print renderer is told about long notes: which are printed in parts, and where.

The layout stage (``layout/notesplit.py``, ``layout/notefit.py``) decides
the parts; the renderer (``render/rules.py``) writes them. The values live
here, in the earlier stage, so that the renderer needs nothing of the layout.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from octavo.model import Node, Note


@dataclass(frozen=True)
class Split:
    """How one note is printed: its parts' blocks, in order (the first carries the number)."""

    note: str
    parts: tuple[tuple[Node, ...], ...]
    offsets: tuple[int, ...] = ()  # where parts 2, 3… begin, in non-space characters


@dataclass
class SplitPlan:
    """What the renderer needs: the split notes and the overrun pages at each section's end."""

    splits: dict[str, Split] = dataclasses.field(default_factory=dict)
    overrun: dict[str, int] = dataclasses.field(default_factory=dict)  # section id -> pages
    #: note id -> {part index: CSS px its part leaves free}: room for the notes called on the page
    #: where that continuation part stands, which go under it
    leave: dict[str, dict[int, float]] = dataclasses.field(default_factory=dict)
    #: note id -> {part index: CSS px}: room a continuation part leaves for a picture above it
    #: (kept only while that part's page holds a picture)
    under: dict[str, dict[int, float]] = dataclasses.field(default_factory=dict)

    def room_left(self, note: str) -> dict[int, float]:
        """Part index -> CSS px that part of ``note`` leaves free on its page (``leave`` and ``under``)."""
        left = dict(self.leave.get(note, {}))
        for index, px in self.under.get(note, {}).items():
            left[index] = left.get(index, 0.0) + px
        return left

    def key(self) -> tuple[object, ...]:
        return (
            tuple(sorted((k, s.offsets) for k, s in self.splits.items())),
            tuple(sorted(self.overrun.items())),
            tuple(sorted((k, tuple(sorted(v.items()))) for k, v in self.leave.items())),
            tuple(sorted((k, tuple(sorted(v.items()))) for k, v in self.under.items())),
        )


def part_id(note: Note | str, index: int) -> str:
    """The element id of a note's part: the note's own id for the first."""
    ident = note if isinstance(note, str) else note.id
    return ident if index == 0 else f"{ident}-cont-{index}"
