"""The changes octavo makes to WeasyPrint 70 and pydyf: one table, one explicit ``apply()``.

Each patch changes one piece of a library's own source (usually one line):
the function holding it is read back from the library's file, the piece is
replaced, and the function is compiled again in the library's module and put
in the old one's place. A patch is applied only

- to the version of the library it was written for (``Patch.version``), and
- if the text it replaces (``Patch.line``) is found exactly once in that
  function's source;

otherwise that library is left as it is, and ``apply()`` says why. Nothing
is changed by importing this module (nor WeasyPrint imported): whatever
renders with WeasyPrint calls ``apply()`` first — the print layout
(``interior.layout``, ``notesplit.measure``), the cover (``cover.cover_pdf``,
also used by the EPUB's cover picture) and the PDF write
(``writers.pdf.tagged_pdf``). ``apply()`` is idempotent and cheap once the
patches are on; ``test_patches.py`` fails if, with the pinned versions, any
patch is off.

**Notes kept with their calls** (``report-notes``). When the second line of
a paragraph does not fit at the foot of a page, the paragraph cannot break
there (orphans: 2), and WeasyPrint's ``_linebox_layout`` then *reports* the
page's last footnotes to the next page to make room for that line: the page
keeps its text, the notes go over, away from their calls. (That branch
caused every deferred note of the benchmark books: one a chapter, and a
whole corrective layout each.) A compositor pushes the paragraph to the
next page instead, which is what WeasyPrint does anyway when the page has
no notes to move. Without it, the print layout's corrective passes
(``interior.layout``) still keep notes with their calls, at the cost of
another layout.

**No structure element per text fragment** (``tag-spans``). A tagged PDF
gets, for every piece of text drawn, a ``Span`` structure element holding
one marked-content id, under the paragraph or heading it belongs to. Those
spans say nothing (no attributes, no language) and are most of the
structure tree: a third of the tagged write's memory. WeasyPrint already
puts a link's text directly in its ``Link`` element; the fix does the same
for every element, which PDF allows (a structure element's /K may hold
marked-content ids).

**A note that fits is not called too tall** (``note-overflow``).
``LayoutContext._update_footnote_area`` says the note area overflows when
its last note's bottom is past the area's bottom; both are sums of many
line heights, and a note of a few dozen lines can come out a
ten-billionth of a px "past" an area it exactly fills. WeasyPrint then
moves the note (and its call's line) on, page after page, and drops it at
the book's end. The fix compares with a tolerance of a thousandth of a px.

**Pictures named by their bytes, not their path** (``image-id``).
``get_image_from_uri`` names each raster picture by an MD5 of its URL, an
absolute ``file:`` URL: the same book built in two folders gave two PDFs.
The fix names it by an MD5 of its bytes and orientation, which also lets
one picture shown twice be stored once. ``weasyprint.document`` imported
the function under another name, which is pointed at the fixed one too.

**New notes are not held back by a continued one** (``continued-notes-wait``,
``one-part-a-page``). WeasyPrint keeps footnotes in order across pages: once
a note is carried to the next page, every note called after it is carried
too. octavo's continuation parts are carried on purpose (``notesplit``), so
a short note called on a page where a long note continues went after all
the long note's parts, pages from its call. With the fix, a continuation
part still waits behind anything carried, but a numbered note waits only
behind carried numbered notes: it goes under the continued note on its
call's page, as a compositor sets it. And at a page's start WeasyPrint put
every carried note that fitted: two parts of one note on one page, which
left no room for the notes called there; a part now waits for the next page
when a part of its note is already on this one, at its call or at the page's
start, while the parts of other notes carried with it are still tried.

**TeX's English patterns** (``tex-patterns``). WeasyPrint hyphenates with the
Pyphen dictionary of the text's language; for a bare ``en`` Pyphen gives the
first of its English files by name, ``en_GB``, the British patterns, which
break initi-at-ive, contradict-ory, bur-eau-crat-iz-a-tion and cata-strophe
in an American text. TeX's and babel's ``english`` is the American
``hyphen.tex`` (Pyphen's ``en_US``: LibreOffice's conversion of it, with the
TUGboat exceptions); ``en-GB`` keeps the British ones. German takes TeX's
hyph-de-1996 (``hyphenate``).

**One hyphenator** (``hyphenator``). WeasyPrint breaks a word with the same
``hyphenate.Hyphenator`` as the paragraph planning: TeX's exception words
(analy-sis, which the patterns alone break anal-ysis), and no break in a proper name,
a word with an apostrophe or a digit, in the lines WeasyPrint fills itself
too (ragged text, a paragraph no plan fits).

**Notes looked up only for boxes that call one** (``note-lookup``). For every
box of every line, WeasyPrint asked whether the box's note (``None`` for
almost all boxes) is in the list of notes still to be set, a scan of the
whole list; a chapter of 4,000 notes spent more time there than on its
notes. Boxes that call no note now skip the question.

**Page references built once** (``page-references``). pydyf computes
``PDF.page_references`` anew on every access: a tuple of a reference to
every page. WeasyPrint's structure tree (``pdf_tags=True``, used for the
archive PDF) reads it once per tagged element, so writing the tagged
archive of a 969-page book took 37 s against 11 s for the same pages
untagged. The fix builds the tuple once per page count: pages are only
ever appended, so the count says whether it is still right.

**Paragraphs broken as a whole** (``total-fit``, ``total-fit-shrink``).
WeasyPrint fills each line as full as it can and justifies by widening
spaces only. ``linebreak`` breaks each justified paragraph as TeX does
(Knuth–Plass) with Pango's own advances; the first patch gives a planned
line a right edge just past its planned content, so that WeasyPrint's own
breaking (hyphenation included) ends it there, and the second lets such a
line's spaces shrink to the measure when its content is wider.
"""

from __future__ import annotations

import importlib
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

ON = "on"


@dataclass(frozen=True)
class Patch:
    """One change to a library's source."""

    name: str
    library: str  # the distribution, whose ``__version__`` is compared with ``version``
    version: str  # the version whose source was read; the patch applies to it only
    module: str  # where the function is defined
    function: str  # ``name`` or ``Class.name`` (a method or a property)
    line: str  # the text replaced, exactly as in the library's file (later lines with their indentation)
    replacement: str  # what replaces it (later lines indented as they will be in the file)
    why: str
    upstream: str  # the upstream issue or pull request, or why there is none
    also: tuple[str, ...] = ()  # ``module.name`` that hold the function under another name
    helpers: tuple[str, ...] = ()  # functions of this module the replacement calls, put in the library's

    @property
    def owner_name(self) -> str:
        return self.function.rpartition(".")[0]

    @property
    def attribute(self) -> str:
        return self.function.rpartition(".")[2]


PATCHES: tuple[Patch, ...] = (
    Patch(
        name="total-fit",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.inline",
        function="get_next_linebox",
        line="        max_x = position_x + available_width",
        replacement=(
            "        max_x = _octavo_max_x(context, linebox, skip_stack, position_x, available_width)"
        ),
        why="a justified paragraph's lines end where Knuth and Plass's total fit (octavo.layout.linebreak) "
        "breaks it, not where each line is fullest",
        upstream="Kozea/WeasyPrint breaks lines one at a time; no upstream plan for total fit found",
        helpers=("_octavo_max_x",),
    ),
    Patch(
        name="total-fit-expansion",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.inline",
        function="justify_line",
        line="    if (nb_spaces := count_expandable_spaces(line)):",
        replacement=(
            "    if _octavo_justify(context, line, extra_width):\n"
            "        return\n"
            "    if (nb_spaces := count_expandable_spaces(line)):"
        ),
        why="a planned line is justified as planned: its spaces and its glyphs' width (font expansion) "
        "take their shares of the width (octavo.layout.linebreak.justify)",
        upstream="WeasyPrint justifies by word spacing only",
        helpers=("_octavo_justify",),
    ),
    Patch(
        name="total-fit-draw",
        library="weasyprint",
        version="70.0",
        module="weasyprint.draw.text",
        function="draw_text",
        line="stream, textbox, text_overflow, block_ellipsis, Matrix(d=-1, e=x, f=y))",
        replacement=(
            "stream, textbox, text_overflow, block_ellipsis,\n"
            "        Matrix(a=getattr(textbox, 'octavo_scale', 1), d=-1, e=x, f=y))"
        ),
        why="a planned line's glyphs are drawn widened or narrowed by the scale its justification gave "
        "them (octavo.layout.linebreak.justify): font expansion, as pdfTeX's",
        upstream="WeasyPrint has no font expansion",
        also=("weasyprint.draw.draw_text",),
    ),
    Patch(
        name="total-fit-shrink",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.inline",
        function="text_align",
        line="    if line.width >= available_width:\n        return 0",
        replacement=(
            "    if line.width >= available_width:\n"
            "        if _octavo_shrinks(context, line, available_width, last):\n"
            "            justify_line(context, line, available_width - line.width)\n"
            "        return 0"
        ),
        why="a planned line wider than the measure is justified by shrinking its spaces, as TeX does",
        upstream="CSS Text 3 allows shrinking spaces in justification; WeasyPrint only stretches",
        helpers=("_octavo_shrinks",),
    ),
    Patch(
        name="actual-text-split",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.inline",
        function="split_text_box",
        line="        box = box.copy_with_text(layout.text)",
        replacement=(
            "        box = _octavo_split(box, layout.text, text, skip, resume_index, available_width)"
        ),
        why="a line's text box holding part of a word broken at a line's end is given the text it "
        "stands for, the word whole (octavo.layout.actualtext.split)",
        upstream="WeasyPrint draws a hyphenated word as two strings; no upstream plan for /ActualText found",
        helpers=("_octavo_split",),
    ),
    Patch(
        name="actual-text-begin",
        library="weasyprint",
        version="70.0",
        module="weasyprint.draw.text",
        function="draw_text",
        line="    stream.begin_text()\n",
        replacement=(
            "    octavo_actual = _octavo_actual_begin(stream, textbox, text_overflow, block_ellipsis)\n"
            "    stream.begin_text()\n"
        ),
        why="a text box holding part of a word broken at a line's end is drawn in marked content whose "
        "/ActualText (ISO 32000-1 14.9.4) has the word whole: the PDF's text reads it whole "
        "(octavo.layout.actualtext.begin)",
        upstream="as actual-text-split",
        helpers=("_octavo_actual_begin",),
    ),
    Patch(
        name="actual-text-end",
        library="weasyprint",
        version="70.0",
        module="weasyprint.draw.text",
        function="draw_text",
        line="    stream.end_text()\n",
        replacement="    stream.end_text()\n    if octavo_actual:\n        _octavo_actual_end(stream)\n",
        why="the marked content of a broken word's text box ends with its text object",
        upstream="as actual-text-split",
        helpers=("_octavo_actual_end",),
    ),
    Patch(
        name="report-notes",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.block",
        function="_linebox_layout",
        line="report = not context.in_column and can_break_now and not could_break_before",
        replacement="report = False  # octavo: never move notes to make room for a line",
        why="a paragraph short of its orphans at a page's foot is pushed over whole, "
        "instead of the page's last notes being moved away from their calls",
        upstream="the branch is Kozea/WeasyPrint#2437 (for #2432), which chose the other way; not reported",
    ),
    Patch(
        name="continued-notes-wait",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.block",
        function="_linebox_layout",
        line="                    context.reported_footnotes or\n",
        replacement=(
            "                    _octavo_waits(footnote, context.reported_footnotes,\n"
            "                                  context.current_page_footnotes) or\n"
        ),
        why="a note called where a long note continues goes under it on its call's page, not after "
        "every later part of the long note",
        upstream="WeasyPrint keeps all notes in order on purpose; octavo's carried parts are its own",
        helpers=("_octavo_waits",),
    ),
    Patch(
        name="note-lookup",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.block",
        function="_linebox_layout",
        line="if descendant.footnote in context.footnotes)",
        replacement="if descendant.footnote is not None and descendant.footnote in context.footnotes)",
        why="a box of a line that calls no note is not looked for among all the notes yet to be set: "
        "that scan of a list made a chapter's layout grow with the square of its notes",
        upstream="none filed",
    ),
    Patch(
        name="one-part-a-page",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.page",
        function="make_page",
        line=(
            "if overflow and i != 0:\n"
            "            context.report_footnote(reported_footnote)\n"
            "            context.reported_footnotes = reported_footnotes[i:]\n"
        ),
        replacement=(
            "if _octavo_held(reported_footnote, context.current_page_footnotes[:-1]):\n"
            "            context.report_footnote(reported_footnote)  # octavo: on to the next page\n"
            "            continue\n"
            "        if overflow and i != 0:\n"
            "            context.report_footnote(reported_footnote)\n"
            "            held = context.reported_footnotes[:-1]\n"
            "            context.reported_footnotes = held + reported_footnotes[i:]\n"
        ),
        why="one part of a continued note a page, as the parts were planned: the room left is for the "
        "notes called on that page, and for the parts of other notes continued with it",
        upstream="octavo's own parts; nothing to report",
        helpers=("_octavo_held",),
    ),
    Patch(
        name="tex-patterns",
        library="weasyprint",
        version="70.0",
        module="weasyprint.text.line_break",
        function="split_first_line",
        line="lang = style['lang'] and pyphen.language_fallback(style['lang'])",
        replacement="lang = style['lang'] and _octavo_patterns(style['lang'])",
        why="a book in 'en' is hyphenated with TeX's English patterns (American, as TeX's and babel's "
        "'english' are), not with whichever of Pyphen's en_GB and en_US files sorts first; German "
        "with TeX's hyph-de-1996",
        upstream="Pyphen gives a bare tag the first dictionary file in name order; not reported",
        also=("weasyprint.layout.inline.split_first_line", "weasyprint.layout.preferred.split_first_line"),
        helpers=("_octavo_patterns",),
    ),
    Patch(
        name="hyphenator",
        library="weasyprint",
        version="70.0",
        module="weasyprint.text.line_break",
        function="split_first_line",
        line="dictionary = pyphen.Pyphen(lang=lang, left=left, right=right)",
        replacement="dictionary = _octavo_dictionary(lang, left, right)",
        why="WeasyPrint breaks words where the paragraph planning does: TeX's exceptions, TeX's German "
        "patterns, no break in a proper name or a word with an apostrophe or a digit",
        upstream="octavo's own rules and data; nothing to report",
        also=("weasyprint.layout.inline.split_first_line", "weasyprint.layout.preferred.split_first_line"),
        helpers=("_octavo_dictionary",),
    ),
    Patch(
        name="tag-spans",
        library="weasyprint",
        version="70.0",
        module="weasyprint.pdf.tags",
        function="_build_box_tree",
        line="if tag == 'Link':\n                    # Associate MCID directly with link reference.",
        replacement="if True:  # octavo: text in its element, no Span per fragment",
        why="no Span structure element per piece of text: a third of the tagged write's memory",
        upstream="none found or filed",
    ),
    Patch(
        name="note-overflow",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout",
        function="LayoutContext._update_footnote_area",
        line="overflow = last_child_bottom > footnote_area_bottom",
        replacement=(
            "overflow = last_child_bottom > footnote_area_bottom + 1e-3  # octavo: rounding is no overflow"
        ),
        why="a note that exactly fills the note area is not moved on, page after page, to the book's end",
        upstream="none found or filed",
    ),
    Patch(
        name="image-id",
        library="weasyprint",
        version="70.0",
        module="weasyprint.images",
        function="get_image_from_uri",
        line="image_id = md5(url.encode(), usedforsecurity=False).hexdigest()",
        replacement=(
            "image_id = md5(bytestring + repr(orientation).encode(), usedforsecurity=False).hexdigest()"
        ),
        why="a picture is named by its bytes, not its absolute file: URL, so that the same book "
        "built in two folders gives the same PDF",
        upstream="none filed (reproducible output: Kozea/WeasyPrint#1553, #1666)",
        also=("weasyprint.document.original_get_image_from_uri",),
    ),
    Patch(
        name="page-references",
        library="pydyf",
        version="0.13.0",
        module="pydyf",
        function="PDF.page_references",
        line=(
            "return tuple(\n"
            "            f'{object_number} 0 R'.encode('ascii')\n"
            "            for object_number in self.pages['Kids'][::3])"
        ),
        replacement=(
            "kids = self.pages['Kids']  # octavo: built once per page count, not once per access\n"
            "        cached = self.__dict__.get('_octavo_page_references')\n"
            "        if cached is None or cached[0] != len(kids):\n"
            "            references = tuple(f'{number} 0 R'.encode('ascii') for number in kids[::3])\n"
            "            cached = self.__dict__['_octavo_page_references'] = (len(kids), references)\n"
            "        return cached[1]"
        ),
        why="the tagged archive PDF's structure tree reads it once per element: "
        "the write was quadratic in the page count",
        upstream="none found or filed",
    ),
)

CONTINUED = "note-continued"  # the class of a note's continuation parts (render/rules.py)


def _continues(footnote: object) -> bool:
    element = getattr(footnote, "element", None)
    return element is not None and CONTINUED in (element.get("class") or "").split()


def _octavo_waits(footnote: object, reported: list[object], placed: list[object]) -> bool:
    """Whether a note called now must follow the notes carried to the next page: a continuation
    part, behind any, and when a part of its note is already on this page (``placed``: the page's
    notes so far, this one among them); a numbered note, only behind a carried numbered note."""
    if _octavo_held(footnote, [f for f in placed if f is not footnote]):
        return True
    if not reported:
        return False
    return _continues(footnote) or any(not _continues(f) for f in reported)


def _octavo_held(footnote: object, placed: list[object]) -> bool:
    """Whether a carried continuation part waits for the next page because a part of its note
    is already on this one (parts are ``<note>`` and ``<note>-cont-<k>``)."""
    if not _continues(footnote):
        return False
    own = _ident(footnote).rpartition("-cont-")[0]
    return any(i == own or i.rpartition("-cont-")[0] == own for i in map(_ident, placed))


def _octavo_patterns(language: str) -> str | None:
    """``hyphenate.patterns``: the patterns WeasyPrint hyphenates ``language`` with."""
    from octavo.layout import hyphenate

    return hyphenate.patterns(language)


def _octavo_dictionary(name: str, left: int, right: int) -> Any:
    """``hyphenate.dictionary``: the ``Hyphenator`` WeasyPrint breaks words of ``name`` with."""
    from octavo.layout import hyphenate

    return hyphenate.dictionary(name, left, right)


def _octavo_max_x(context: Any, linebox: Any, skip_stack: Any, position_x: float, width: float) -> float:
    """``linebreak.max_x``: the right edge of the next line (CSS px)."""
    from octavo.layout import linebreak

    return linebreak.max_x(context, linebox, skip_stack, position_x, width)


def _octavo_justify(context: Any, line: Any, extra: float) -> bool:
    """``linebreak.justify``: justify a planned line as planned."""
    from octavo.layout import linebreak

    return linebreak.justify(context, line, extra)


def _octavo_shrinks(context: Any, line: Any, available_width: float, last: bool) -> bool:
    """``linebreak.shrinks``: may ``line``'s spaces shrink to the measure."""
    from octavo.layout import linebreak

    return linebreak.shrinks(context, line, available_width, last)


def _octavo_split(box: Any, text: str, rest: bytes, skip: int, resume: int | None, width: Any) -> Any:
    """``actualtext.split``: a line's text box, with the marks of a broken word."""
    from octavo.layout import actualtext

    return actualtext.split(box, text, rest, skip, resume, width)


def _octavo_actual_begin(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str) -> bool:
    """``actualtext.begin``: the replacement text's marked content begun, if the box has one."""
    if "octavo_actual" not in textbox.__dict__:
        return False
    from octavo.layout import actualtext

    return actualtext.begin(stream, textbox, text_overflow, block_ellipsis)


def _octavo_actual_end(stream: Any) -> None:
    """``actualtext.end``: the replacement text's marked content ended."""
    from octavo.layout import actualtext

    actualtext.end(stream)


def _ident(footnote: object) -> str:
    element = getattr(footnote, "element", None)
    return str(element.get("id") or "") if element is not None else ""


#: Each patched attribute as the library had it, by patch name (filled on the first ``apply()``).
ORIGINAL: dict[str, object] = {}

#: What the last ``apply()`` found, by patch name: ``ON`` or why the patch is off.
STATE: dict[str, str] = {}


def _owner(patch: Patch) -> ModuleType | type:
    module = importlib.import_module(patch.module)
    return getattr(module, patch.owner_name) if patch.owner_name else module


def _original(patch: Patch) -> object:
    """The attribute as the library defines it (a function, or a property for a class's)."""
    if patch.name not in ORIGINAL:
        owner = _owner(patch)
        ORIGINAL[patch.name] = vars(owner)[patch.attribute]
    return ORIGINAL[patch.name]


def _version(library: str) -> str:
    return str(getattr(importlib.import_module(library), "__version__", ""))


def _check(patch: Patch, source: str) -> str:
    """``ON`` if the patch's guards allow it on this source, else why not."""
    found = _version(patch.library)
    if found != patch.version:
        return f"off: {patch.library} is {found}, the patch is for {patch.version}"
    count = source.count(patch.line)
    if count != 1:
        return f"off: its line is found {count} times in {patch.module}.{patch.function}, not once"
    return ON


def _apply_group(group: list[Patch]) -> dict[str, str]:
    """Apply the patches of one function together (those its guards allow), compiled once; each
    patch's name, with ``ON`` or why it is off. The function is left as it is if none is on."""
    first_patch = group[0]
    function = _function(first_patch)
    for patch in group[1:]:
        ORIGINAL.setdefault(patch.name, ORIGINAL[first_patch.name])
    lines, first = inspect.getsourcelines(function)
    source = "".join(lines)
    states = {p.name: _check(p, source) for p in group}
    chosen = [p for p in group if states[p.name] == ON]
    if not chosen:
        return states
    for patch in chosen:
        source = source.replace(patch.line, patch.replacement)
    module = importlib.import_module(first_patch.module)
    for patch in chosen:
        for helper in patch.helpers:
            setattr(module, helper, globals()[helper])
    # blank lines first, so that tracebacks give the line numbers of the library's file
    text = "\n" * (first - 1) + textwrap.dedent(source)
    namespace: dict[str, object] = {}
    exec(compile(text, module.__file__ or first_patch.module, "exec"), vars(module), namespace)
    setattr(_owner(first_patch), first_patch.attribute, namespace[first_patch.attribute])
    for patch in chosen:
        for alias in patch.also:
            holder, _, name = alias.rpartition(".")
            setattr(importlib.import_module(holder), name, getattr(_owner(patch), patch.attribute))
    return states


def _group_of(patch: Patch) -> list[Patch]:
    """The patches that change the same function as ``patch``, ``patch`` in its table place."""
    same = [p for p in PATCHES if (p.module, p.function) == (patch.module, patch.function)]
    return [patch if p.name == patch.name else p for p in same] or [patch]


def apply_patch(patch: Patch) -> str:
    """Apply one patch, with the others of its function, if its guards allow; ``ON``, or why it is
    off (the function is then left as it is)."""
    if STATE.get(patch.name) == ON and patch in PATCHES:
        return ON
    source = "".join(inspect.getsourcelines(_function(patch))[0])
    state = _check(patch, source)
    if state != ON:
        return state
    return _apply_group(_group_of(patch))[patch.name]


def _function(patch: Patch) -> Callable[..., Any]:
    """The function a patch changes, as the library defines it (a property's getter)."""
    original = _original(patch)
    function = original.fget if isinstance(original, property) else original
    assert callable(function)
    return function


def apply() -> dict[str, str]:
    """Apply every patch whose guards allow (idempotent); each patch's name, with ``ON`` or why it is off."""
    if len(STATE) == len(PATCHES) and all(v == ON for v in STATE.values()):
        return dict(STATE)
    done: set[tuple[str, str]] = set()
    for patch in PATCHES:
        if (patch.module, patch.function) not in done:
            done.add((patch.module, patch.function))
            STATE.update(_apply_group(_group_of(patch)))
    return dict(STATE)


def on() -> set[str]:
    """The patches in place in this process."""
    return {name for name, state in STATE.items() if state == ON}


__all__ = ["ON", "ORIGINAL", "PATCHES", "STATE", "Patch", "apply", "apply_patch", "on"]
