"""Justified paragraphs broken as TeX breaks them, inside WeasyPrint's own line layout.

WeasyPrint 70 fills each line as full as it can, one line at a time, and
justifies by widening spaces only; octavo's justified paragraphs had a
space over 1.5 × its natural width on a third of their lines (issue 17).
Here each justified paragraph is broken as a whole by ``totalfit`` (Knuth
and Plass), with the glyph advances Pango gives the very text boxes
WeasyPrint lays out, and WeasyPrint is then led to those breaks: two
guarded patches (``patches``: ``total-fit``, ``total-fit-shrink``) give
each planned line a right edge just past its planned content (so
WeasyPrint's own breaking, hyphenation included, ends the line there) and
let a planned line's spaces shrink as well as stretch when it is justified
to the measure.

Nothing of the Book changes, and the PDF's text is WeasyPrint's: a hyphen
chosen here is the one WeasyPrint sets when it hyphenates. Where a line
does not come out as planned (a measure WeasyPrint sees otherwise, a break
Pango refuses), the rest of the paragraph is broken WeasyPrint's way: the
text is never at risk, only its spacing. ``STATS`` counts both cases.

Spaces: a word space stretches by half its width, as TeX's fonts have it
(cmr10: 3.33 pt, plus 1.67), and shrinks by a fifth, to InDesign's
minimum of 80 % (TeX's third set a paragraph's lines visibly tight once
the glyphs may narrow too); a word's glyphs may widen or narrow by 2 %
(``EXPANSION``). Penalties and demerits are
TeX's (``totalfit.Params``). Hyphenation points are ``hyphenate.points``:
the text language's TeX patterns and exceptions within the CSS
``hyphenate-limit-chars``, never in a capitalised word (a proper name;
Chicago Manual of Style 7.40; not in German, whose nouns all take a
capital), in a word with an apostrophe, nor in a word touching a digit.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from octavo.layout import hyphenate as hyphenation
from octavo.layout.totalfit import INFINITY, Box, Glue, Item, Params, Penalty, breaks

#: Share of a word space's width it may stretch and shrink by (see the module's docstring).
STRETCH, SHRINK = 1 / 2, 1 / 5
#: Share of its width a word's glyphs may be widened or narrowed by (pdfTeX's font expansion, as
#: microtype sets it by default: 2 %): drawn as a horizontal scale of the line's text, which keeps
#: the font's ligatures and kerning (letter spacing would drop the ligatures).
EXPANSION = 0.02
#: CSS px a planned line's right edge lies past its planned content: more than Pango's rounding,
#: less than any space and word (the next word never fits in it).
EPSILON = 0.5
#: Tolerances tried in turn: TeX's \pretolerance without hyphenation, then \tolerance, then up to
#: spaces twice their width, then any (the least bad breaking, as TeX's emergency pass); a paragraph
#: none fits (a word wider than the measure) is broken WeasyPrint's way.
PASSES = ((100.0, False), (100.0, True), (200.0, True), (800.0, True), (math.inf, True))
#: TeX's \hyphenpenalty and \exhyphenpenalty.
HYPHEN_PENALTY = 50.0
#: Dashes a line never begins with.
DASHES = "\u2013\u2014\u2015"
#: Demerits of a paragraph whose last line follows a hyphen (TeX's \\finalhyphendemerits is 5000):
#: a word's stub alone on the last line is avoided unless nothing else fits.
FINAL_HYPHEN_DEMERITS = 50_000.0
#: Plans kept across layouts of one process (the layout is redone for notes and for the gutter).
PLAN_CACHE_SIZE = 50_000

#: What happened, for tests and benchmarks: paragraphs planned / broken WeasyPrint's way because
#: no plan fits ("unfit") or their content is not plain text ("skipped"); lines set as planned
#: ("lines") or not ("missed").
STATS: Counter[str] = Counter()

_SPACES = " \u00a0"  # the spaces WeasyPrint stretches


@dataclass(frozen=True)
class Plan:
    """A paragraph's lines: for the line that starts at each position (leaf index, UTF-8 byte),
    the CSS px of its planned content, of the space it breaks at (0 at a hyphen), whether it is
    the paragraph's last, and the px its spaces may stretch and shrink by and its letters widen
    or narrow by (``justify``)."""

    widths: dict[tuple[int, int], tuple[float, float, bool, tuple[float, float, float]]]


_PLANS: dict[tuple[Any, ...], Plan | None] = {}

#: The attribute of a paragraph element naming the page it fills (``grid``): the paragraph is set
#: a line longer when that page still wants lines (``FILLS``) and it can be.
FILL = "data-octavo-fill"
#: The attribute of a paragraph element listing lines (from 1) that must not end in a hyphen.
UNHYPHENATED = "data-octavo-unhyphenated"
#: Page name -> (lines it wants, ids of the paragraph elements set a line longer for it): set by
#: ``grid`` before a layout; read and filled in as WeasyPrint lays the paragraphs out.
FILLS: dict[str, tuple[int, set[int]]] = {}
#: The tolerances a paragraph set a line longer is tried at, up to ``LOOSE_LIMIT[0]`` (``interior``
#: asks for TeX's default \tolerance, 200, first; then 800: no space over twice its width).
LOOSE_TOLERANCE = (100.0, 200.0, 400.0, 800.0)
LOOSE_LIMIT = [200.0]


def max_x(context: Any, linebox: Any, skip_stack: Any, position_x: float, available_width: float) -> float:
    """The right edge (CSS px) WeasyPrint fills the next line of ``linebox`` up to: its planned
    content's end when the paragraph has a plan and the line starts where a planned line does,
    else the measure's. Marks the line box for ``shrinks`` (on the box, not the context: a line
    calling a note lays the note's lines out before its own is justified). Raises nothing."""
    linebox.octavo_planned = False  # copied to the line WeasyPrint makes of it (``shrinks``)
    default = position_x + available_width
    if context.excluded_shapes or not _ready():
        return default
    found = _plan(context, linebox, available_width)
    if found is None:
        return default
    plan, leaves = found
    start = _position(leaves, skip_stack)
    if start not in plan.widths:  # not set as planned: the rest is planned from where it starts
        STATS["missed"] += 1
        rest = _rest(context, linebox, leaves, start, available_width)
        if rest is None:
            return default
        plan.widths.update(rest.widths)
    width, space, last, spread = plan.widths[start]
    if last and linebox.text_indent + width <= available_width:  # the last line, at its width
        return default
    STATS["lines"] += 1
    linebox.octavo_planned = True
    linebox.octavo_spread = spread
    # WeasyPrint measures a text box with its trailing space (a line breaking at a box's last
    # space must hold it, or WeasyPrint hyphenates the box's first word instead)
    return float(position_x + linebox.text_indent + width + space + EPSILON)


def shrinks(context: Any, line: Any, available_width: float, last: bool) -> bool:
    """True when ``line`` is a planned line (its last included, as TeX justifies it), wider than
    the measure: its spaces shrink to it."""
    return bool(getattr(line, "octavo_planned", False))


def justify(context: Any, line: Any, extra: float) -> bool:
    """Justify a planned ``line`` by ``extra`` px (negative: narrower), as its plan has it: its
    glyphs widened or narrowed (``octavo_scale``, drawn as a horizontal scale of the text matrix
    by ``patches``: ``total-fit-draw``) by their share of its stretch (or shrink), the spaces
    taking the rest; False (nothing done) for a line that is not planned."""
    spread = getattr(line, "octavo_spread", None) if getattr(line, "octavo_planned", False) else None
    if spread is None or line.width <= 0:
        return False
    from weasyprint.layout.inline import count_expandable_spaces

    space_stretch, space_shrink, letters = spread
    flexible = (space_stretch if extra > 0 else space_shrink) + letters
    if flexible <= 0:
        return False
    ratio = max(-1.0, min(1.0, extra / flexible))  # letters widen or narrow by EXPANSION at most
    scale = 1 + ratio * EXPANSION if letters else 1.0
    spaces = count_expandable_spaces(line)
    target = line.width + extra
    if spaces:
        spacing = (target / scale - line.width) / spaces
    else:  # a word alone on its line: its letters widen by EXPANSION at most, the line stays short
        spacing, scale = 0.0, max(1 - EXPANSION, min(1 + EXPANSION, target / line.width))
    _spread_line(context, line, spacing, scale, 0.0)
    return True


def _spread_line(context: Any, box: Any, spacing: float, scale: float, x_advance: float) -> float:
    """WeasyPrint's ``add_word_spacing``, every text box's glyphs also scaled by ``scale``."""
    from weasyprint.formatting_structure import boxes as wb
    from weasyprint.layout.inline import count_expandable_spaces
    from weasyprint.text.line_break import create_layout

    if isinstance(box, wb.TextBox):
        box.position_x += x_advance
        spaces = count_expandable_spaces(box)
        if spaces:
            box.justification_spacing = spacing
            layout = create_layout(
                box.text, box.style, context, max_width=None, justification_spacing=spacing
            )
            layout.deactivate()
            box.pango_layout = layout
        width = (box.width + spacing * spaces) * scale
        box.octavo_scale = scale
        x_advance += width - box.width
        box.width = width
    elif isinstance(box, wb.LineBox | wb.InlineBox):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread_line(context, child, spacing, scale, x_advance)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


# -- the paragraph's text boxes -----------------------------------------------------------


@dataclass(frozen=True)
class _Leaves:
    boxes: list[Any]  # the TextBoxes, in order
    paths: list[tuple[int, ...]]  # each one's child indexes from the line box
    texts: list[bytes]


def _leaves(linebox: Any) -> _Leaves | None:
    """The paragraph's text boxes, or None when it holds anything else in its flow (a picture, an
    inline block, a padded or bordered inline box, a preserved line break)."""
    from weasyprint.formatting_structure import boxes as wb

    found: list[Any] = []
    paths: list[tuple[int, ...]] = []
    stack: list[tuple[Any, tuple[int, ...]]] = [(linebox, ())]
    while stack:
        box, path = stack.pop()
        if isinstance(box, wb.TextBox):
            if "\n" in box.text or box.style["white_space"] != "normal":
                return None
            found.append(box)
            paths.append(path)
        elif isinstance(box, wb.InlineBox | wb.LineBox):
            if box is not linebox and any(
                _length(box.style[f"{kind}_{side}"])
                for kind in ("margin", "padding")
                for side in ("left", "right")
            ):
                return None
            if box is not linebox and (box.style["border_left_width"] or box.style["border_right_width"]):
                return None
            for index in reversed(range(len(box.children))):
                stack.append((box.children[index], (*path, index)))
        elif box.is_in_normal_flow():
            return None
    if not found:
        return None
    return _Leaves(found, paths, [b.text.encode() for b in found])


def _length(value: Any) -> float:
    """A computed length's px (a percentage or ``auto`` counts as non-zero: not planned)."""
    if value == "auto":
        return 1.0
    unit = getattr(value, "unit", None)
    if unit is None:
        return float(value or 0)
    return 1.0 if unit != "px" or value.value else 0.0


def _canonical(leaves: _Leaves, leaf: int, byte: int) -> tuple[int, int]:
    """Where a line starting at ``byte`` of leaf ``leaf`` really starts: after the spaces
    WeasyPrint skips there (``skip_first_whitespace``)."""
    while leaf < len(leaves.texts):
        text = leaves.texts[leaf]
        while byte < len(text) and text[byte] == 0x20:
            byte += 1
        if byte < len(text):
            return leaf, byte
        leaf, byte = leaf + 1, 0
    return leaf, 0


def _position(leaves: _Leaves, skip_stack: Any) -> tuple[int, int]:
    """The (leaf, byte) a WeasyPrint skip stack points to (``_canonical``)."""
    path: tuple[int, ...] = ()
    stack = skip_stack
    while stack:
        ((index, below),) = stack.items()
        here = bisect.bisect_left(leaves.paths, path)
        if here < len(leaves.paths) and leaves.paths[here] == path:  # a text box: ``index`` is a byte
            return _canonical(leaves, here, index)
        path, stack = (*path, index), below
    return _canonical(leaves, bisect.bisect_left(leaves.paths, path), 0)


# -- planning -----------------------------------------------------------------------------


def _plan(context: Any, linebox: Any, measure: float) -> tuple[Plan, _Leaves] | None:
    plans = context.__dict__.setdefault("octavo_plans", {})
    key = (id(linebox), round(measure, 3))
    if key in plans:
        found: tuple[Plan, _Leaves] | None = plans[key][1]
        return found
    result = _make_plan(context, linebox, measure)
    plans[key] = (linebox, result)  # the box is kept so that its id is not reused
    return result


def _make_plan(context: Any, linebox: Any, measure: float) -> tuple[Plan, _Leaves] | None:
    style = linebox.style
    if style["text_align_all"] != "justify" or style["direction"] != "ltr":
        return None
    leaves = _leaves(linebox)
    if leaves is None:
        STATS["skipped"] += 1
        return None
    indent = float(linebox.text_indent or 0)
    full = style["text_align_last"] == "justify"  # a note's part cut mid-paragraph: its last line full
    element = getattr(linebox, "element", None)
    unhyphenated = _line_numbers(element.get(UNHYPHENATED) if element is not None else None)
    key = (
        tuple((_style_key(b.style), b.text) for b in leaves.boxes),
        round(measure, 3),
        round(indent, 3),
        full,
        unhyphenated,
    )
    plan = _cached(
        key, lambda: _break(context, leaves, measure, indent, full=full, unhyphenated=unhyphenated)
    )
    group = element.get(FILL) if element is not None else None
    if plan is not None and group and group in FILLS:
        plan = _filled(context, leaves, (measure, indent, full, unhyphenated), key, plan, group, element)
    STATS["planned" if plan is not None else "unfit"] += 1
    return None if plan is None else (plan, leaves)


def _cached(key: tuple[Any, ...], make: Any) -> Plan | None:
    if key in _PLANS:
        return _PLANS[key]
    plan: Plan | None = make()
    if len(_PLANS) >= PLAN_CACHE_SIZE:
        _PLANS.clear()
    _PLANS[key] = plan
    return plan


def _filled(
    context: Any,
    leaves: _Leaves,
    setting: tuple[float, float, bool, frozenset[int]],
    key: tuple[Any, ...],
    plan: Plan,
    group: str,
    element: Any,
) -> Plan:
    """The paragraph set a line longer (TeX's ``\\looseness=1``, within ``LOOSE_TOLERANCE``) when
    its page (``group``) still wants lines (``FILLS``: ``grid``) and it can be; else ``plan``. The
    paragraphs of a group are asked in the order they are laid out; one that was chosen is
    chosen again when WeasyPrint lays it out again."""
    wanted, chosen = FILLS[group]
    if id(element) not in chosen and len(chosen) >= wanted:
        return plan
    measure, indent, full, unhyphenated = setting

    def loosen() -> Plan | None:
        for tolerance in (t for t in LOOSE_TOLERANCE if t <= LOOSE_LIMIT[0]):
            found = _break(
                context,
                leaves,
                measure,
                indent,
                full=full,
                unhyphenated=unhyphenated,
                looseness=1,
                tolerance=tolerance,
            )
            if found is not None and len(found.widths) == len(plan.widths) + 1:
                return found
        return None

    loose = _cached((*key, "loose", LOOSE_LIMIT[0]), loosen)
    if loose is None:
        return plan
    chosen.add(id(element))
    STATS["loosened"] += 1
    return loose


def _line_numbers(value: str | None) -> frozenset[int]:
    """The line numbers of an ``UNHYPHENATED`` attribute ("3 7"): none for anything else."""
    if not value:
        return frozenset()
    return frozenset(int(v) for v in value.split() if v.isdigit())


def _rest(context: Any, linebox: Any, leaves: _Leaves, start: tuple[int, int], measure: float) -> Plan | None:
    """A plan for the lines of ``linebox`` from ``start`` on, where a line ended otherwise than
    planned."""
    if start[0] >= len(leaves.texts):
        return None
    return _break(context, leaves, measure, 0.0, start, full=linebox.style["text_align_last"] == "justify")


def _break(
    context: Any,
    leaves: _Leaves,
    measure: float,
    indent: float,
    start: tuple[int, int] = (0, 0),
    full: bool = False,
    unhyphenated: frozenset[int] = frozenset(),
    looseness: int = 0,
    tolerance: float | None = None,
) -> Plan | None:
    """The plan of the paragraph from ``start``; ``full``: its last line is justified too;
    ``unhyphenated``, ``looseness``: ``totalfit.breaks``'; ``tolerance``: that pass alone (with
    hyphenation), not ``PASSES``."""
    passes = PASSES if tolerance is None else ((tolerance, True),)
    for limit, hyphenate in passes:
        items, resumes = _items(context, leaves, hyphenate, start, full)
        params = Params(tolerance=limit, final_hyphen_demerits=FINAL_HYPHEN_DEMERITS)
        lines = breaks(items, [measure - indent, measure], params, looseness, unhyphenated)
        if lines is not None:
            return _to_plan(leaves, items, resumes, lines, start, full)
    return None


def _to_plan(
    leaves: _Leaves,
    items: list[Item],
    resumes: dict[int, tuple[int, int]],
    lines: list[Any],
    first: tuple[int, int],
    full: bool = False,
) -> Plan:
    widths: dict[tuple[int, int], tuple[float, float, bool, tuple[float, float, float]]] = {}
    start = _canonical(leaves, *first)
    for line in lines:
        end = line.end
        last = line is lines[-1] and not full  # a full last line is planned as the others are
        space = items[end].width if isinstance(items[end], Glue) else 0.0
        widths[start] = (_natural(items, line.start, end), space, last, _spread(items, line.start, end))
        if line is not lines[-1]:
            start = _canonical(leaves, *resumes[end])
    return Plan(widths)


def _spread(items: list[Item], start: int, end: int) -> tuple[float, float, float]:
    """(px the spaces may stretch by, shrink by, px the letters may widen or narrow by) on the line
    of items after the break at ``start`` up to the break at ``end``."""
    position = start + 1 if start else 0
    while position < end and not isinstance(items[position], Box):
        position += 1
    line = items[position:end]
    return (
        sum(i.stretch for i in line if isinstance(i, Glue)),
        sum(i.shrink for i in line if isinstance(i, Glue)),
        sum(i.stretch for i in line if isinstance(i, Box)),
    )


def _natural(items: list[Item], start: int, end: int) -> float:
    """The natural width of the line of items after the break at ``start`` (its discarded glue
    and penalties dropped) up to the break at ``end`` (a penalty's width counted)."""
    position = start + 1 if start else 0
    while position < end and not isinstance(items[position], Box):
        position += 1
    width = sum(i.width for i in items[position:end] if not isinstance(i, Penalty))
    last = items[end]
    return width + (last.width if isinstance(last, Penalty) else 0.0)


def _items(
    context: Any, leaves: _Leaves, hyphenate: bool, start: tuple[int, int] = (0, 0), full: bool = False
) -> tuple[list[Item], dict[int, tuple[int, int]]]:
    """The paragraph from ``start`` (leaf, byte) as boxes, glue and penalties, and for each
    breakable item the (leaf, byte) the next line resumes at. A line may break where Pango breaks
    the paragraph's whole text (so across its text boxes too: a URL's ``<wbr>``), and at the
    hyphenation points."""
    items: list[Item] = []
    resumes: dict[int, tuple[int, int]] = {}
    allowed = _opportunities(context, leaves)
    first = 0  # the paragraph's character index of the leaf's first character
    for leaf, box in enumerate(leaves.boxes):
        text: str = box.text
        if leaf < start[0]:
            first += len(text)
            continue
        xs = _measure(context, box.style, text)
        offsets = _byte_offsets(text)
        points = _hyphen_points(context, box.style, text) if hyphenate else set()
        hyphen = _hyphen_width(context, box.style) if points else 0.0
        position = offsets.index(start[1]) if leaf == start[0] and start[1] in offsets else 0
        while position < len(text):
            if text[position] in _SPACES:
                end = position
                while end < len(text) and text[end] in _SPACES:
                    end += 1
                width = xs[end] - xs[position]
                # a no-break space, a space Pango keeps, or a space before a dash (a spaced dash
                # stays with the word before it: a line never begins with a dash, Chicago 6.80)
                if not allowed[first + end] or text[end : end + 1] in tuple(DASHES):
                    items.append(Penalty(0.0, INFINITY))
                resumes[len(items)] = (leaf, offsets[end])
                items.append(Glue(width, width * STRETCH, width * SHRINK))
                position = end
                continue
            end = position + 1  # one run of the word: up to a break opportunity or a space
            while (
                end < len(text)
                and text[end] not in _SPACES
                and not allowed[first + end]
                and end not in points
            ):
                end += 1
            width = xs[end] - xs[position]
            items.append(Box(width, width * EXPANSION, width * EXPANSION))
            if end < len(text):
                follows, allowed_here = text[end], allowed[first + end] and _dash_allows(text, end)
            else:  # between two text boxes: only after a <wbr> (WeasyPrint keeps a note call on its word)
                follows, allowed_here = (
                    _next_char(leaves, leaf),
                    text[-1] == "\u200b" and allowed[first + end],
                )
            if follows and follows not in _SPACES and (end in points or allowed_here):
                resumes[len(items)] = (leaf, offsets[end])
                if end in points:
                    items.append(Penalty(hyphen, HYPHEN_PENALTY, flagged=True))
                else:  # after a hyphen, a dash, a <wbr>, as Pango allows
                    hard = text[end - 1] in "-\u2010"
                    items.append(Penalty(0.0, HYPHEN_PENALTY if hard else 0.0, flagged=hard))
            position = end
        first += len(text)
    if not full:
        items.append(Penalty(0.0, INFINITY))
        items.append(Glue(0.0, math.inf, 0.0))  # \parfillskip
    items.append(Penalty(0.0, -INFINITY))
    return items, resumes


def _dash_allows(text: str, index: int) -> bool:
    """False for a break before a dash (Chicago 6.80: a dash ends a line, never starts one) or
    after an en dash between figures (a range: 1931–1934)."""
    if text[index] in DASHES:
        return False
    range_dash = text[index - 1] == "\u2013" and index >= 2 and text[index - 2].isdigit()
    return not (range_dash and text[index].isdigit())


def _next_char(leaves: _Leaves, leaf: int) -> str:
    """The first character after leaf ``leaf``, or "" at the paragraph's end."""
    for box in leaves.boxes[leaf + 1 :]:
        if box.text:
            return str(box.text[0])
    return ""


def _opportunities(context: Any, leaves: _Leaves) -> list[bool]:
    """For each character index of the paragraph's text (and its end): may a line break before it
    (Pango's line-break attributes for the whole text, in the paragraph's language)."""
    text = "".join(box.text for box in leaves.boxes)
    style = leaves.boxes[0].style
    cache = _cache(context, style)
    key = ("breaks", style["lang"], text)
    if key not in cache:
        from weasyprint.text.ffi import ffi, pango
        from weasyprint.text.line_break import create_layout

        layout = create_layout(text, style, context, None, 0)
        attrs = pango.pango_layout_get_log_attrs_readonly(layout.layout, ffi.new("int *"))
        cache[key] = [bool(attrs[i].is_line_break) for i in range(len(text) + 1)]
        layout.deactivate()
    return cache[key]  # type: ignore[no-any-return]


def _byte_offsets(text: str) -> list[int]:
    """UTF-8 byte offset of each character index of ``text`` (and of its end)."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode()))
    return offsets


def _style_key(style: Any) -> str:
    from weasyprint.text.line_break import _font_style_cache_key

    return str(_font_style_cache_key(style, include_size=True)) + repr(
        (
            style["letter_spacing"],
            style["word_spacing"],
            style["font_kerning"],
            style["hyphens"],
            style["hyphenate_limit_chars"],
            style["hyphenate_character"],
        )
    )


def _cache(context: Any, style: Any) -> dict[Any, Any]:
    """Measures kept with the document's fonts (``FontConfiguration``), for every layout of it."""
    cache: dict[Any, Any] = style.font_config.__dict__.setdefault("octavo_measures", {})
    return cache


def _measure(context: Any, style: Any, text: str) -> list[float]:
    """The x (CSS px) of each character boundary of ``text`` set on one line in ``style``."""
    cache = _cache(context, style)
    key = (_style_key(style), text)
    if key in cache:
        return cache[key]  # type: ignore[no-any-return]
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango
    from weasyprint.text.line_break import create_layout, line_size

    layout = create_layout(text, style, context, None, 0)
    rectangle = ffi.new("PangoRectangle *")
    xs = []
    # one walk over the characters (pango_layout_index_to_pos walks from the start for each:
    # an 8,000-word paragraph took 25 s)
    walk = pango.pango_layout_get_iter(layout.layout)
    try:
        for _ in range(len(text)):
            pango.pango_layout_iter_get_char_extents(walk, rectangle)
            xs.append(rectangle.x * FROM_UNITS)
            pango.pango_layout_iter_next_char(walk)
    finally:
        pango.pango_layout_iter_free(walk)
    first, _ = layout.get_first_line()
    width, _ = line_size(first, style)
    if style["letter_spacing"] != "normal":
        width -= style["letter_spacing"]
    xs.append(width)
    layout.deactivate()
    cache[key] = xs
    return xs


def _hyphen_width(context: Any, style: Any) -> float:
    return _measure(context, style, style["hyphenate_character"])[-1]


def _hyphen_points(context: Any, style: Any, text: str) -> set[int]:
    """Character indexes of ``text`` before which the paragraph may break with a hyphen
    (``hyphenate.points`` in the box's language and ``hyphenate-limit-chars``)."""
    if style["hyphens"] != "auto" or not style["lang"]:
        return set()
    return hyphenation.points(text, style["lang"], tuple(style["hyphenate_limit_chars"]))


_READY: list[bool] = []


def _ready() -> bool:
    if not _READY:
        _READY.append(enabled())
    return _READY[0]


def enabled() -> bool:
    """True when Pango can tell character positions here (the planning needs it)."""
    try:
        from weasyprint.text.ffi import ffi, pango

        try:
            pango.pango_layout_iter_get_char_extents  # noqa: B018
        except AttributeError:
            ffi.cdef(
                "PangoLayoutIter *pango_layout_get_iter (PangoLayout *layout);"
                "void pango_layout_iter_free (PangoLayoutIter *iter);"
                "int pango_layout_iter_next_char (PangoLayoutIter *iter);"
                "void pango_layout_iter_get_char_extents (PangoLayoutIter *iter, PangoRectangle *rect);"
            )
            pango.pango_layout_iter_get_char_extents  # noqa: B018
    except Exception:
        return False
    return True
