"""totalfit.breaks: Knuth and Plass's total fit, checked against every breaking of small paragraphs.

The search is the algorithm's hard part: for random paragraphs of up to a dozen
breakpoints, every subset of breakpoints is tried, scored with K&P's demerits
(badness, line penalty, penalties, flagged pairs, fitness classes; *Software—
Practice and Experience* 11 (1981), pp. 1119–1184, and *The TeXbook*, ch. 14),
and the least is compared with what ``breaks`` found.
"""

from __future__ import annotations

import math
import random

import pytest

from octavo.layout.totalfit import INFINITY, Box, Glue, Params, Penalty, breaks

SPACE = Glue(3.0, 1.5, 1.0)


def paragraph(rng: random.Random, words: int, expansion: float = 0.0) -> list:
    """Words of 5–15 units, some with a hyphenation point, ending as TeX's paragraphs end; with
    ``expansion``, a word's letters may widen and narrow by that share of its width."""
    items: list = []
    for index in range(words):
        if index:
            items.append(SPACE)
        if rng.random() < 0.6:
            items += [Box(rng.uniform(3, 8)), Penalty(2.0, 50, True), Box(rng.uniform(3, 8))]
        else:
            items.append(Box(rng.uniform(5, 15)))
    if expansion:
        items = [
            Box(i.width, i.width * expansion, i.width * expansion) if isinstance(i, Box) else i for i in items
        ]
    return [*items, Penalty(0, INFINITY), Glue(0, math.inf, 0), Penalty(0, -INFINITY)]


def legal(items: list) -> list[int]:
    return [
        i
        for i, item in enumerate(items)
        if (isinstance(item, Penalty) and item.penalty < INFINITY)
        or (isinstance(item, Glue) and i and isinstance(items[i - 1], Box))
    ]


def fitness(ratio: float) -> int:
    return 0 if ratio < -0.5 else 1 if ratio <= 0.5 else 2 if ratio <= 1 else 3


def demerits(items: list, ends: list[int], lengths: list[float], params: Params) -> float | None:
    """K&P's total demerits of breaking at ``ends`` (the last is the final forced break), or None
    when a line is overfull or over the tolerance, or more than ``max_hyphens`` hyphens run."""
    total, start, previous, run = 0.0, -1, 1, 0
    for number, end in enumerate(ends):
        scored = line_score(items, start, end, number, lengths, params)
        if scored is None:
            return None
        score, current = scored
        last = items[end]
        flagged = isinstance(last, Penalty) and last.flagged
        forced = isinstance(last, Penalty) and last.penalty <= -INFINITY
        if flagged and run:
            score += params.double_hyphen_demerits
        if forced and run:
            score += params.final_hyphen_demerits
        run = run + 1 if flagged else 0
        if run > params.max_hyphens:
            return None
        if abs(current - previous) > 1:
            score += params.adj_demerits
        total += score
        previous, start = current, end
    return total


def line_score(items: list, start: int, end: int, number: int, lengths: list[float], params: Params):
    """(demerits without the fitness and hyphen terms, fitness class, ratio) of the line from the
    break at ``start`` (−1: the paragraph's start) to the break at ``end``, or None if it is
    overfull or over the tolerance."""
    first = start + 1
    while first < end and not isinstance(items[first], Box):
        first += 1
    line = items[first:end]
    width = sum(i.width for i in line if not isinstance(i, Penalty))
    stretch = sum(i.stretch for i in line if not isinstance(i, Penalty))
    shrink = sum(i.shrink for i in line if not isinstance(i, Penalty))
    last = items[end]
    if isinstance(last, Penalty):
        width += last.width
    length = lengths[min(number, len(lengths) - 1)]
    if width < length:
        ratio = (length - width) / stretch if stretch else math.inf
    elif width > length:
        ratio = (length - width) / shrink if shrink else -math.inf
    else:
        ratio = 0.0
    badness = 100 * abs(ratio) ** 3 if math.isfinite(ratio) else math.inf
    if ratio < -1 or badness > params.tolerance:
        return None
    penalty = last.penalty if isinstance(last, Penalty) else 0.0
    forced = isinstance(last, Penalty) and last.penalty <= -INFINITY
    score = (params.line_penalty + badness) ** 2
    if penalty >= 0:
        score += penalty**2
    elif not forced:
        score -= penalty**2
    return score, fitness(ratio)


def best_by_search(
    items: list, lengths: list[float], params: Params, unhyphenated: frozenset[int] = frozenset()
) -> float | None:
    counts = counts_by_search(items, lengths, params, unhyphenated)
    return min(counts.values(), default=None)


def counts_by_search(
    items: list, lengths: list[float], params: Params, unhyphenated: frozenset[int] = frozenset()
) -> dict[int, float]:
    """The least total demerits over every breaking: a plain dynamic program over (break, fitness
    class of its line, hyphenated lines running into it, line number), every earlier break tried
    for every later one, nothing pruned (K&P's algorithm instead keeps a list of active breaks,
    drops those a line from which would be overfull, and one best break per fitness class)."""
    points = legal(items)
    final = len(items) - 1
    # state: (break, line count, fitness of its line, hyphen run) -> least demerits
    best: dict[tuple[int, int, int, int], float] = {(-1, 0, 1, 0): 0.0}
    for end in points:
        item = items[end]
        flagged = isinstance(item, Penalty) and item.flagged
        forced = isinstance(item, Penalty) and item.penalty <= -INFINITY
        for (start, number, previous, run), total in list(best.items()):
            if start >= end or (flagged and number + 1 in unhyphenated):
                continue
            scored = line_score(items, start, end, number, lengths, params)
            if scored is None:
                continue
            score, current = scored
            hyphens = run + 1 if flagged else 0
            if hyphens > params.max_hyphens:
                continue
            if flagged and run:
                score += params.double_hyphen_demerits
            if forced and run:
                score += params.final_hyphen_demerits
            if abs(current - previous) > 1:
                score += params.adj_demerits
            key = (end, number + 1, current, hyphens)
            best[key] = min(best.get(key, math.inf), total + score)
    counts: dict[int, float] = {}  # line count -> the least demerits of a breaking into so many
    for (position, number, *_), total in best.items():
        if position == final:
            counts[number] = min(counts.get(number, math.inf), total)
    return counts


SEEDS = range(300)


@pytest.mark.parametrize("seed", SEEDS)
def test_breaks_finds_the_least_demerits_of_every_breaking(seed):
    rng = random.Random(seed)
    items = paragraph(rng, rng.randint(8, 16), expansion=rng.choice([0.0, 0.0, 0.02, 0.05]))
    lengths = [rng.uniform(35, 55), rng.uniform(40, 60)]
    params = Params(tolerance=rng.choice([200, 800, 10_000]))
    expected = best_by_search(items, lengths, params)
    lines = breaks(items, lengths, params)
    if expected is None:
        assert lines is None
        return
    assert lines is not None
    found = demerits(items, [line.end for line in lines], lengths, params)
    assert found == pytest.approx(expected)


def test_the_random_paragraphs_are_set_in_several_lines():
    """The search above is tried on paragraphs that have a breaking, mostly of three lines or more."""
    counts = []
    for seed in SEEDS:
        rng = random.Random(seed)
        items = paragraph(rng, rng.randint(8, 16), expansion=rng.choice([0.0, 0.0, 0.02, 0.05]))
        lengths = [rng.uniform(35, 55), rng.uniform(40, 60)]
        lines = breaks(items, lengths, Params(tolerance=rng.choice([200, 800, 10_000])))
        counts.append(len(lines) if lines else 0)
    assert sum(count >= 3 for count in counts) >= len(SEEDS) // 2


def test_no_more_than_two_hyphenated_lines_in_a_row():
    """Nine half-words that break only at their hyphens, two to a line: four hyphenated lines in a
    row, unless ``max_hyphens`` (2 by default: no ladder over two, issue 17) forbids it, when no
    breaking is left."""
    items: list = []
    for _ in range(9):
        items += [Box(18), Penalty(2, 50, True)]
    items = [*items[:-1], Penalty(0, INFINITY), Glue(0, math.inf, 0), Penalty(0, -INFINITY)]
    ladder = breaks(items, [38.0], Params(max_hyphens=10))
    assert ladder is not None
    assert [isinstance(items[line.end], Penalty) and items[line.end].flagged for line in ladder] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert breaks(items, [38.0], Params()) is None


def test_nothing_fits_within_the_tolerance_gives_none():
    items = [Box(10), SPACE, Box(10), Penalty(0, INFINITY), Glue(0, math.inf, 0), Penalty(0, -INFINITY)]
    assert breaks(items, [5.0], Params(tolerance=200)) is None  # a word wider than the measure


def test_a_space_shrinks_at_most_by_its_shrink():
    items = [Box(30), SPACE, Box(30), Penalty(0, INFINITY), Glue(0, math.inf, 0), Penalty(0, -INFINITY)]
    one = breaks(items, [62.0], Params())
    assert one is not None and len(one) == 1 and one[0].ratio == pytest.approx(-1.0)
    two = breaks(items, [61.9], Params(tolerance=math.inf))
    assert two is not None and len(two) == 2


def test_letters_that_may_widen_make_a_tight_line_fit():
    """Font expansion (pdfTeX's): a line two spaces cannot shrink to fits when its words' letters
    may narrow by 2 %."""
    words = [Box(60.0), SPACE, Box(60.0), Penalty(0, INFINITY), Glue(0, math.inf, 0), Penalty(0, -INFINITY)]
    assert len(breaks(words, [121.5], Params(tolerance=math.inf)) or []) == 2
    expanded = [Box(60.0, 1.2, 1.2), SPACE, Box(60.0, 1.2, 1.2), *words[3:]]
    lines = breaks(expanded, [121.5], Params())
    assert lines is not None and len(lines) == 1 and -1 <= lines[0].ratio < 0


def loose_case(seed: int) -> tuple[list, list[float], Params]:
    """A random paragraph for the looseness tests: letters that may widen or narrow by up to 5 %
    and the highest tolerances let some be set a line shorter than their best breaking."""
    rng = random.Random(seed)
    items = paragraph(rng, rng.randint(10, 16), expansion=rng.choice([0.0, 0.02, 0.05]))
    lengths = [rng.uniform(35, 55), rng.uniform(40, 60)]
    return items, lengths, Params(tolerance=rng.choice([200, 800, 10_000]))


LOOSE_SEEDS = range(300)


@pytest.mark.parametrize("seed", LOOSE_SEEDS)
def test_looseness_gives_the_nearest_line_count_with_the_least_demerits(seed):
    """TeX's \\looseness (*The TeXbook*, ch. 14; §875 of *TeX: The Program*): the line count as
    near the best breaking's count plus ``looseness`` as the tolerance allows, never beyond it, and
    the least demerits among breakings of that count (octavo makes a page full by setting a
    paragraph a line longer: ``layout.grid``)."""
    items, lengths, params = loose_case(seed)
    counts = counts_by_search(items, lengths, params)
    if not counts:
        assert breaks(items, lengths, params, looseness=1) is None
        return
    natural = min(counts, key=lambda n: (counts[n], n))
    for looseness in (-1, 1, 2):
        target = natural + looseness
        low, high = sorted((natural, target))
        wanted = min((n for n in counts if low <= n <= high), key=lambda n: abs(n - target))
        lines = breaks(items, lengths, params, looseness=looseness)
        assert lines is not None
        assert len(lines) == wanted, (looseness, natural, sorted(counts))
        found = demerits(items, [line.end for line in lines], lengths, params)
        assert found == pytest.approx(counts[wanted])


def test_looseness_is_tried_on_paragraphs_that_can_take_it():
    """The test above meets paragraphs that can be set a line longer and a line shorter."""
    longer = shorter = 0
    for seed in LOOSE_SEEDS:
        counts = counts_by_search(*loose_case(seed))
        if counts:
            natural = min(counts, key=lambda n: (counts[n], n))
            longer += natural + 1 in counts
            shorter += natural - 1 in counts
    assert longer >= 60 and shorter >= 3, (longer, shorter)


@pytest.mark.parametrize("seed", range(120))
def test_a_line_kept_from_ending_in_a_hyphen(seed):
    """``unhyphenated``: the lines so numbered never end at a flagged penalty, and the breaking is
    the best of those that keep the rule (the line before a page turn: issue 17)."""
    rng = random.Random(seed)
    items = paragraph(rng, rng.randint(8, 16))
    lengths = [rng.uniform(35, 55), rng.uniform(40, 60)]
    params = Params(tolerance=rng.choice([800, 10_000]))
    plain = breaks(items, lengths, params)
    hyphenated = [n for n, line in enumerate(plain or [], 1) if getattr(items[line.end], "flagged", False)]
    if not hyphenated:
        return
    banned = frozenset(hyphenated[:1])
    expected = best_by_search(items, lengths, params, banned)
    lines = breaks(items, lengths, params, unhyphenated=banned)
    if expected is None:
        assert lines is None
        return
    assert lines is not None
    assert not any(getattr(items[lines[n - 1].end], "flagged", False) for n in banned if n <= len(lines))
    assert demerits(items, [line.end for line in lines], lengths, params) == pytest.approx(expected)
