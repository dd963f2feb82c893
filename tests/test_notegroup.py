"""notegroup.plan_group: notes called on one page share its room and the continued pages'."""

from __future__ import annotations

import itertools

import pytest

from octavo.layout.notegroup import plan_group
from octavo.layout.notesplit import SLACK, NoteLine, plan_parts

LINE = 15.0  # px a note line


def lines(count: int, chars: int = 60) -> list[NoteLine]:
    """A note of ``count`` lines of ``chars`` characters, a cut allowed at every line."""
    return [NoteLine(i * LINE, (i + 1) * LINE, i * chars, i > 0) for i in range(count)]


def parts(note: list[NoteLine], cuts: list[int]) -> list[int]:
    """Lines of each part of ``note`` cut at ``cuts`` (character offsets)."""
    starts = [0, *(next(i for i, ln in enumerate(note) if ln.offset == c) for c in cuts), len(note)]
    return [b - a for a, b in itertools.pairwise(starts)]


@pytest.mark.parametrize("count", [1, 5, 30, 100])
@pytest.mark.parametrize("first", [0.0, 50.0, 200.0])
def test_one_note_is_planned_as_plan_parts_plans_it(count, first):
    note = lines(count)
    assert plan_group([note], first, 300.0, [{}]) == [plan_parts(note, first, 300.0)]


def test_two_long_notes_share_each_page_equally():
    a, b = lines(60), lines(60)
    cuts = plan_group([a, b], 10 * LINE + 2 * SLACK, 20 * LINE + 2 * SLACK, [{}, {}])
    assert [parts(a, cuts[0]), parts(b, cuts[1])] == [[5, 10, 10, 10, 10, 10, 5]] * 2


def test_a_note_that_ends_leaves_its_share_to_the_other():
    a, b = lines(12), lines(60)
    cuts = plan_group([a, b], 10 * LINE + 2 * SLACK, 20 * LINE + 2 * SLACK, [{}, {}])
    assert parts(a, cuts[0]) == [5, 7]  # ends on the second page, in less than its half
    assert parts(b, cuts[1])[:3] == [5, 13, 20]  # which goes to b, then the whole area


def test_a_short_note_goes_whole_and_the_long_one_takes_the_rest():
    short, long = lines(3), lines(40)
    cuts = plan_group([long, short], 12 * LINE + 2 * SLACK, 20 * LINE + SLACK, [{}, {}])
    assert cuts[1] == [] and parts(long, cuts[0])[:2] == [9, 20]


def test_leaves_keep_room_free_on_their_page():
    a, b = lines(60), lines(60)
    cuts = plan_group([a, b], 10 * LINE + 2 * SLACK, 20 * LINE + 2 * SLACK, [{1: 4 * LINE}, {}])
    assert parts(a, cuts[0])[1] + parts(b, cuts[1])[1] == 16  # 20 lines less the 4 left free


def test_a_rest_that_cannot_be_cut_takes_its_height_and_the_others_share_what_it_leaves():
    # a note ending in a picture 14 lines tall (one line that cannot be cut) beside a long note:
    # the picture goes whole and the long note's part on that page is shortened to fit beside it
    picture = [*lines(12), NoteLine(12 * LINE, 26 * LINE, 12 * 60, True)]
    long = lines(80)
    cap = 20 * LINE + 2 * SLACK
    cuts = plan_group([picture, long], 4 * LINE + 2 * SLACK, cap, [{}, {}])
    assert parts(picture, cuts[0]) == [2, 10, 1]
    pages = [parts(picture, cuts[0]), parts(long, cuts[1])]
    third = pages[0][2] * 14 * LINE + pages[1][2] * LINE + 2 * SLACK  # px the third page's parts fill
    assert third <= cap
    assert pages[1][2] == 6  # the 20 lines' room less the picture's 14
