"""Knuth–Plass total-fit line breaking: the breaks of a whole paragraph chosen together.

The paragraph is a list of items, as in D. E. Knuth and M. F. Plass,
"Breaking Paragraphs into Lines", *Software—Practice and Experience* 11
(1981), 1119–1184 (hereafter K&P): ``Box`` (a word or part of one, of fixed
width, or widening and narrowing by ``stretch`` and ``shrink`` at most, as
pdfTeX's font expansion lets it), ``Glue`` (a space that may stretch or
shrink) and ``Penalty`` (a
place to break, with a cost; ``flagged`` for a hyphen). ``breaks`` returns
the breakpoints whose lines have the least total demerits (K&P §"The
algorithm", with TeX's parameters, *The TeXbook* ch. 14): no line's
adjustment ratio below −1 (a space shrinks at most by its shrink) and none
whose badness is over ``tolerance``.

No well-kept Python library implements the algorithm (PyPI's ``justified``,
2016, breaks monospaced text only), so it is here, small, and tested against
K&P's own example. Widths are in any one unit (octavo passes CSS px).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INFINITY = 10_000  # a penalty this high forbids a break, this low (negated) forces one (K&P)


@dataclass(frozen=True, slots=True)
class Box:
    width: float
    stretch: float = 0.0  # what its letters may widen by, all told (expansion, pdfTeX's \pdfadjustspacing)
    shrink: float = 0.0


@dataclass(frozen=True, slots=True)
class Glue:
    width: float
    stretch: float
    shrink: float


@dataclass(frozen=True, slots=True)
class Penalty:
    width: float  # added to the line when it breaks here (the hyphen's)
    penalty: float
    flagged: bool = False  # a hyphen: two in a row cost ``double_hyphen_demerits``


Item = Box | Glue | Penalty


@dataclass(frozen=True)
class Params:
    """TeX's defaults (*The TeXbook*, ch. 14 and appendix B), and octavo's one addition."""

    tolerance: float = 200  # \tolerance: the worst badness a line may have
    line_penalty: float = 10  # \linepenalty
    double_hyphen_demerits: float = 10_000  # \doublehyphendemerits
    final_hyphen_demerits: float = 5_000  # \finalhyphendemerits
    adj_demerits: float = 10_000  # \adjdemerits: lines of fitness classes more than one apart
    max_hyphens: int = 2  # consecutive hyphenated lines at most (no ladder over 2; issue 17)


@dataclass(frozen=True)
class Line:
    """One line of the result: the items ``start``..``end`` (the break item's index) and its
    adjustment ratio (−1: spaces fully shrunk, 0: natural, 1: fully stretched)."""

    start: int
    end: int
    ratio: float


@dataclass
class _Node:
    position: int
    line: int
    fitness: int
    width: float  # totals of the items before ``position`` (after the glue a break drops)
    stretch: float
    shrink: float
    demerits: float
    hyphens: int  # consecutive hyphenated lines ending here
    previous: _Node | None
    ratio: float


def _fitness(ratio: float) -> int:
    """K&P's fitness classes: 0 tight, 1 decent, 2 loose, 3 very loose."""
    if ratio < -0.5:
        return 0
    if ratio <= 0.5:
        return 1
    if ratio <= 1:
        return 2
    return 3


def breaks(
    items: list[Item],
    lengths: list[float],
    params: Params | None = None,
    looseness: int = 0,
    unhyphenated: frozenset[int] = frozenset(),
) -> list[Line] | None:
    """The lines of the best breaking of ``items`` into lines of the given ``lengths``.

    ``lengths[i]`` is line i's length (the last value serves every later line). ``items`` must end
    with a forced break (a ``Penalty`` of −INFINITY), usually after a ``Glue`` of infinite stretch
    (TeX's \\parfillskip). A break may fall at a ``Penalty`` below INFINITY, or at a ``Glue`` right
    after a ``Box``; a glue broken at, and the glues after it up to the next box, are dropped.
    Returns None when no breaking keeps every line within ``params.tolerance`` (the caller then
    tries a higher tolerance, or breaks otherwise).

    ``looseness`` is TeX's ``\\looseness`` (*The TeXbook*, ch. 14): the breaking chosen has as
    close to the best breaking's line count plus ``looseness`` lines as the tolerance allows,
    the fewest demerits among those; ``unhyphenated`` holds the numbers (from 1) of lines that may
    not end at a flagged penalty (a hyphen: the line before a page turn, as TeX's
    ``\\brokenpenalty`` discourages). Either keeps a node per line number as well as per fitness.
    """
    params = params or Params()
    by_line = bool(looseness or unhyphenated)
    sum_width = sum_stretch = sum_shrink = 0.0
    active: list[_Node] = [_Node(0, 0, 1, 0.0, 0.0, 0.0, 0.0, 0, None, 0.0)]
    last_box = False

    def attempt(index: int) -> list[_Node]:  # the break at ``index`` tried from every active node
        totals = (sum_width, sum_stretch, sum_shrink)
        return _try_break(items, index, active, lengths, params, totals, unhyphenated, by_line)

    for index, item in enumerate(items):
        if isinstance(item, Box):
            sum_width += item.width
            sum_stretch += item.stretch
            sum_shrink += item.shrink
            last_box = True
            continue
        if isinstance(item, Glue):
            if last_box:
                active = attempt(index)
            sum_width += item.width
            sum_stretch += item.stretch
            sum_shrink += item.shrink
            last_box = False
            continue
        last_box = False
        if item.penalty < INFINITY:
            active = attempt(index)
        if not active:
            return None
    ends = [n for n in active if n.position == len(items) - 1]
    best = min(ends, key=lambda n: n.demerits, default=None)
    if best is None:
        return None
    if looseness:  # as near the wanted count as can be, never beyond it (TeX's §875)
        target = best.line + looseness
        low, high = sorted((best.line, target))
        best = min(
            (n for n in ends if low <= n.line <= high),
            key=lambda n: (abs(n.line - target), n.demerits),
        )
    lines: list[Line] = []
    node: _Node | None = best
    while node is not None and node.previous is not None:
        lines.append(Line(node.previous.position, node.position, node.ratio))
        node = node.previous
    return lines[::-1]


def _after_break(
    items: list[Item], index: int, totals: tuple[float, float, float]
) -> tuple[float, float, float]:
    """The totals at the start of the line after a break at ``index``: the break's glue and the
    glues and penalties after it, up to the next box or forced break, are dropped (K&P)."""
    width, stretch, shrink = totals
    for position in range(index, len(items)):
        item = items[position]
        if isinstance(item, Box):
            break
        if isinstance(item, Glue):
            width += item.width
            stretch += item.stretch
            shrink += item.shrink
        elif item.penalty <= -INFINITY and position > index:
            break
    return width, stretch, shrink


def _try_break(
    items: list[Item],
    index: int,
    active: list[_Node],
    lengths: list[float],
    params: Params,
    totals: tuple[float, float, float],
    unhyphenated: frozenset[int] = frozenset(),
    by_line: bool = False,
) -> list[_Node]:
    """K&P's main loop body for the legal breakpoint ``index``: deactivate the nodes a line from
    which would be overfull, and add the best new node of each fitness class."""
    item = items[index]
    is_penalty = isinstance(item, Penalty)
    penalty = item.penalty if isinstance(item, Penalty) else 0.0
    flagged = isinstance(item, Penalty) and item.flagged
    extra = item.width if isinstance(item, Penalty) else 0.0
    forced = is_penalty and penalty <= -INFINITY
    sum_width, sum_stretch, sum_shrink = totals
    kept: list[_Node] = []
    best: dict[tuple[int, int, int], _Node] = {}
    for node in active:
        length = lengths[min(node.line, len(lengths) - 1)]
        natural = sum_width - node.width + extra
        if natural < length:
            stretch = sum_stretch - node.stretch
            ratio = (length - natural) / stretch if stretch > 0 else math.inf
        elif natural > length:
            shrink = sum_shrink - node.shrink
            ratio = (length - natural) / shrink if shrink > 0 else -math.inf
        else:
            ratio = 0.0
        if ratio >= -1 and not forced:
            kept.append(node)  # else a line from this node would be overfull (or the paragraph ends)
        if ratio < -1:
            continue
        badness = 100 * abs(ratio) ** 3 if math.isfinite(ratio) else math.inf
        if badness > params.tolerance:
            continue
        hyphens = node.hyphens + 1 if flagged else 0
        if hyphens > params.max_hyphens or (flagged and node.line + 1 in unhyphenated):
            continue
        demerits = (params.line_penalty + badness) ** 2
        if penalty >= 0:
            demerits += penalty**2
        elif not forced:
            demerits -= penalty**2
        if flagged and node.hyphens:
            demerits += params.double_hyphen_demerits
        if forced and node.hyphens:
            demerits += params.final_hyphen_demerits
        fitness = _fitness(ratio)
        if abs(fitness - node.fitness) > 1:
            demerits += params.adj_demerits
        demerits += node.demerits
        key = (fitness, node.line + 1, hyphens) if by_line else (fitness, 0, 0)
        if key not in best or demerits < best[key].demerits:
            width, stretch, shrink = _after_break(items, index, totals)
            best[key] = _Node(
                index, node.line + 1, fitness, width, stretch, shrink, demerits, hyphens, node, ratio
            )
    return kept + list(best.values())
