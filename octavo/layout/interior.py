"""The print interior: the Book through the print template, laid out by WeasyPrint.

``layout`` returns a ``Layout``: the WeasyPrint document and where every
anchor landed, which the tests (and later the EPUB page-list) use; the PDF
is written from that same layout.

Notes stay on their call's page. WeasyPrint 70 moved a note to the next
page when the paragraph that ends the page needed the room to honour its
orphans; a patch (``patches``) makes it push that paragraph to the next page
instead, within the one layout. Should a note still land on another page
than its call (a fix not applied, a note too tall for the room left), the
paragraph straddling the page end is pushed whole to the next page (a short
page, as a compositor would set it), or, if it is long, allowed an orphan
line, and the page is laid out again.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import weasyprint
from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, MarginBox, TextBox

from octavo import __version__
from octavo.check.heads import head_size, running_heads
from octavo.config.printspec import (
    BLEED,
    FURNITURE_GAP_PT,
    FURNITURE_LINE_PT,
    PAGE_RANGE,
    TABLE_TYPE,
    PrintOptions,
    estimate_pages,
)
from octavo.layout import figures, grid, linebreak, notefit, pagerefs, patches
from octavo.layout.fetch import SafeFetcher
from octavo.layout.notesplit import NoteLine, measure
from octavo.layout.pagemap import anchor_pages
from octavo.model import Book, Note
from octavo.render import pagerefs as render_pagerefs
from octavo.render.figures import FigureFit, FigurePlan
from octavo.render.notes import SplitPlan
from octavo.render.rules import PrintRenderer
from octavo.render.tables import TableFit
from octavo.render.templates import environment, template_values
from octavo.source import gate, pictures
from octavo.source.styles import Styles

#: The layouts made again at most for the grid, each as (the worst badness of a line set a line
#: longer: TeX's default \tolerance first; whether paragraphs that run onto a short page and call
#: notes are asked too): a line of badness 400 has a space at most 1.8 times its width, of 800
#: twice (asked of the paragraphs that start on the page only: with those that run onto it, it
#: made rivers in tests/test_linebreak.py's hard text).
GRID_PASSES = ((200.0, False), (400.0, False), (400.0, True))
MAX_GRID_PASSES = len(GRID_PASSES)
#: Most lines a straddling paragraph may have on a page and still be moved whole.
MAX_PUSHED_LINES = 3
#: Most corrective re-layouts before giving up (each fixes at least one page).
MAX_PASSES = 12
#: Most layouts spent placing long notes' parts, at one gutter.
MAX_SPLIT_PASSES = 6
#: Most layouts spent floating figures to the next page's top (``figures``), at one gutter.
MAX_FIGURE_PASSES = 8
#: pt: the least a continued note takes at a page's foot in the default style (print.css): the note
#: area's rule and margins (10 pt) and ``notesplit.MIN_FIRST_LINES`` lines of 11.5 pt, rounded up.
CONTINUED_NOTE_ROOM = 36.0


@dataclass
class Layout:
    """One WeasyPrint render of the print HTML."""

    document: weasyprint.Document
    html: str
    fetcher: SafeFetcher
    options: PrintOptions
    margins: dict[str, float]
    pad_pages: int = 0
    passes: int = 1
    corrections: int = 0  # layouts made again to bring notes back to their calls' pages
    html_seconds: float = 0.0  # of the layout's time, what went to rendering the print HTML
    plan: SplitPlan | None = None  # the long notes printed in parts
    placement: FigurePlan | None = None  # the figures floated to the top of a later page
    folios: dict[str, str] = field(default_factory=dict)  # page references' targets' folios, printed
    folio_passes: int = 0  # layouts made again because a page reference's folio changed
    unstable: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (printed, true folio)

    @property
    def page_count(self) -> int:
        return len(self.document.pages)

    def anchor_pages(self) -> dict[str, int]:
        """Anchor id -> 0-based page index where it landed."""
        return anchor_pages(self.document)


class _DecorativeAlt(logging.Filter):
    """WeasyPrint 70 logs an error for every ``<img alt="">`` of a tagged PDF. octavo refuses a
    picture without alt text (``image-alt``) unless its author marked it ``{.decorative}``, so
    the message only ever concerns those: it is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "has no required alt description" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_DecorativeAlt())


def _file_url(book: Book) -> Callable[[str], str]:
    return lambda src: gate.reference(book.root, src).as_uri()


def print_html(
    book: Book,
    styles: Styles,
    timestamp: str,
    options: PrintOptions,
    margins: dict[str, float],
    pad_pages: int = 0,
    *,
    stylesheet: str | None = None,
    image_src: Callable[[str], str] | None = None,
    plan: SplitPlan | None = None,
    note_foot: float = 0.0,
    placement: FigurePlan | None = None,
    folios: dict[str, str] | None = None,
) -> str:
    """The whole book as one HTML document for the paged layout.

    Images and the stylesheet are ``file:`` URLs for WeasyPrint unless
    ``image_src`` and ``stylesheet`` say otherwise (the preview serves them).
    ``plan``: the long notes' parts; ``placement``: where figures are set (``figures``);
    ``note_foot``: the space (pt) below the notes (``grid.note_foot``); ``folios``: the folio
    each page reference prints (``pagerefs``).
    """

    renderer = PrintRenderer(
        book,
        image_src=image_src or _file_url(book),
        plan=plan,
        fit=True,
        tables=table_fit(styles, options, margins),
        figures=figure_fit(styles, options, margins),
        placement=placement,
        folios=folios or {},
    )
    env = environment(styles.templates)
    width, height = options.size
    body = [s for s in book.sections if s.part != "frontmatter"]
    page = dict(
        bleed=BLEED if options.bleed else 0,
        width=round(width, 4),
        height=round(height, 4),
        font_size=options.font_size,
        leading=options.leading,
        picture_height=picture_height(options, margins),
        furniture_type=furniture_type(options),
        furniture_line=FURNITURE_LINE_PT,
        furniture_gap=FURNITURE_GAP_PT,
        note_foot=note_foot,
        **margins,
    )
    values = template_values(book, renderer)
    return env.get_template("print/book.html").render(
        **values,
        heads=running_heads(book, styles, options),
        href=lambda section: f"#{section.id}",
        typeface=styles.colophon_typeface(values["t"]),
        first_body=body[0].id if body else "",
        page=page,
        pad_pages=pad_pages,
        stylesheet=stylesheet or (styles.css / "print.css").resolve().as_uri(),
        timestamp=timestamp,
        version=__version__,
    )


def table_fit(styles: Styles, options: PrintOptions, margins: dict[str, float]) -> TableFit:
    """What tells a table that keeps its words whole (``render/tables.py``) at these margins (inches)."""
    measure = (options.size[0] - margins["inside"] - margins["outside"]) * 72
    return TableFit(measure / (TABLE_TYPE * options.font_size), styles)


def figure_fit(styles: Styles, options: PrintOptions, margins: dict[str, float]) -> FigureFit:
    """The room a figure has at these margins (inches): the measure and the tallest picture, in pt."""
    measure = (options.size[0] - margins["inside"] - margins["outside"]) * 72
    return FigureFit(
        measure, picture_height(options, margins) * 72, options.font_size, options.leading, styles
    )


def picture_height(options: PrintOptions, margins: dict[str, float]) -> float:
    """The tallest a picture may be set, in inches: the text block's height less two lines and
    ``CONTINUED_NOTE_ROOM``, so a picture fits on any page, even one a note continues on
    (WeasyPrint sets a picture too tall for the page past the page's foot, over the notes, and
    what is past the foot is lost). ``margins`` in inches, as ``PrintOptions.margins`` gives them."""
    text_height = options.size[1] - margins["top"] - margins["bottom"]
    return round(text_height - (2 * options.leading + CONTINUED_NOTE_ROOM) / 72, 4)


def furniture_type(options: PrintOptions) -> float:
    """The running heads' and folios' size in pt: ``FURNITURE_TYPE_PT`` (9 pt), or 9/11 of the
    text's size for text smaller than 11 pt, so that they stay smaller than the text (as the notes
    do: print.css) and a reader, or the fidelity referee, tells them from it."""
    return head_size(options)


def padding(options: PrintOptions, pages: int) -> int:
    """Blank pages to add at the end: one to make an odd count even, always (every vendor of
    ``printspec.VENDORS`` prints on both sides of a leaf: ``PAGE_RANGE``), and with ``pad``
    (the default) as many as the book needs to reach the vendor's minimum page count, and no more:
    the preflight rule ``blank-end`` (at most 10 blank pages at the end) fails, saying so, only on
    a book too short for the minimum."""
    target = max(pages, PAGE_RANGE[options.vendor][0]) if options.pad else pages
    return target + target % 2 - pages


def deferred_notes(book: Book, document: weasyprint.Document) -> list[tuple[str, int]]:
    """(note id, call page) of every note laid out on another page than its call."""
    pages = anchor_pages(document)
    return [
        (note.id, pages[note.call_id])
        for section in book.sections
        for note in section.notes
        if note.id in pages and note.call_id in pages and pages[note.id] != pages[note.call_id]
    ]


def _straddling_block(page: weasyprint.Page) -> tuple[Box | None, int]:
    """The block box of the page's last body line and how many of its lines are on the page."""
    stack = [c for c in page._page_box.children if not isinstance(c, FootnoteAreaBox | MarginBox)]
    last = None
    while stack:
        box = stack.pop(0)
        if isinstance(box, FootnoteAreaBox):
            continue
        children = getattr(box, "children", [])
        if any(isinstance(c, LineBox) for c in children):
            last = box
        stack = [c for c in children if not isinstance(c, LineBox | TextBox)] + stack
    if last is None:
        return None, 0
    return last, sum(isinstance(c, LineBox) for c in last.children)


def _push_straddlers(book: Book, document: weasyprint.Document) -> bool:
    """Mark the paragraph before each deferred note to move or break; False if nothing can be done."""
    changed = False
    for _, call_page in deferred_notes(book, document):
        block, lines = _straddling_block(document.pages[call_page])
        element = getattr(block, "element", None)
        if element is None:
            continue
        style = element.get("style", "")
        if "break-before" not in style and lines <= MAX_PUSHED_LINES:
            element.set("style", f"{style}; break-before: page".lstrip("; "))
            changed = True
        elif "orphans" not in style:
            element.set("style", f"{style}; orphans: 1; widows: 1".lstrip("; "))
            changed = True
    return changed


def layout(
    book: Book,
    styles: Styles,
    timestamp: str,
    options: PrintOptions | None = None,
    pages_hint: int = 0,
    folios_hint: dict[str, str] | None = None,
) -> Layout:
    """Lay the book out: notes kept with their calls, the gutter fitted to the page count.

    The vendor's minimum gutter depends on the final page count, known only
    after a layout. The first layout assumes ``pages_hint`` (the last build's
    count) or an estimate; when the result falls in another tier, or padding
    is needed, the book is laid out again at once, before any correction for
    notes, which are made only on a layout whose gutter is right. Only one
    WeasyPrint document is alive at a time.

    Page references (``render/pagerefs.py``) print the folios of ``folios_hint`` (the last
    build's) or placeholders first; the book is laid out again while a folio differs from where
    its target landed, at most ``pagerefs.MAX_LAYOUTS`` times; what still differs is in
    ``Layout.unstable``. A book without page references is laid out no more than before.
    """
    patches.apply()
    linebreak.FILLS.clear()
    options = options or PrintOptions()
    fetcher = SafeFetcher([book.root, styles.root], pictures.converted(book))
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    assumed_pages, pad, passes = pages_hint or estimate_pages(book, options), 0, 0
    html_seconds = 0.0
    document = None
    plan = SplitPlan()
    foot: float | None = None
    placement = FigurePlan()
    base_url = book.root.resolve().as_uri() + "/"
    targets = sorted(render_pagerefs.folio_targets(book))
    folios = pagerefs.placeholders(targets, assumed_pages, folios_hint)
    folio_passes = 0

    def book_html() -> str:  # the print HTML with the margins, padding, plans and foot as they now are
        return print_html(
            book,
            styles,
            timestamp,
            options,
            margins,
            pad,
            plan=plan,
            placement=placement,
            note_foot=foot or 0.0,
            folios=folios,
        )

    html = ""
    source: weasyprint.HTML | None = None  # the print HTML parsed for WeasyPrint

    def fresh_source() -> None:  # the print HTML made again, as the plans and folios now are
        nonlocal html, source
        html = book_html()
        source = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)

    def render() -> weasyprint.Document:  # the next layout, the earlier one (and its cycles) dropped first
        nonlocal document, passes
        assert source is not None
        document = None
        gc.collect()
        passes += 1
        return source.render()

    for _ in range(4):
        margins = options.margins(assumed_pages)
        measured: dict[str, list[NoteLine]] = {}  # at this measure: the notes' lines
        split_passes = figure_passes = 0
        started = time.perf_counter()
        html = book_html()
        if foot is None:  # the notes' last line on the text's last (``grid``), measured once
            foot = grid.note_foot(html[: html.index("<body")], base_url, fetcher)
            html = book_html()
        html_seconds += time.perf_counter() - started
        source = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        corrections = 0
        while True:
            document = render()
            content_pages = len(document.pages) - pad
            wanted_pad = padding(options, content_pages)
            total = content_pages + wanted_pad
            fits = options.margins(total) == margins and wanted_pad == pad
            if not fits:
                break
            if targets and folio_passes < pagerefs.MAX_LAYOUTS - 1:
                landed = pagerefs.found(book, document, targets)
                if landed != folios:
                    folios, folio_passes = landed, folio_passes + 1
                    fresh_source()
                    continue
            if split_passes < MAX_SPLIT_PASSES:
                measure_notes = _note_measurer(
                    book, styles, html, options, margins, base_url, fetcher, measured
                )
                better = notefit.refine(book, document, plan, measure_notes)
                if better is not None:
                    plan, split_passes = better, split_passes + 1
                    fresh_source()
                    continue
            if figure_passes < MAX_FIGURE_PASSES and "<figure" in html:
                floated = figures.place(book, document, placement)
                if floated is not None:
                    placement, figure_passes = floated, figure_passes + 1
                    fresh_source()
                    continue
            if corrections >= MAX_PASSES or not _push_straddlers(book, document):
                break
            corrections += 1
        if fits:
            break
        assumed_pages, pad = total, wanted_pad
    else:  # the notes' plans and the page count kept moving each other: pad the last layout as it is
        if document is not None and len(document.pages) != content_pages + pad:
            fresh_source()
            document = render()
    # the grid (``grid``): the layout made again, at most ``MAX_GRID_PASSES`` times, with
    # paragraphs set a line longer to fill short pages and rectos' last lines kept from hyphens;
    # the best layout is kept: the fewest flaws, the page count unchanged, no note moved off its
    # call's page (the marks of the passes after it are taken back and it is made again); none
    # when the line breaker cannot plan here (``linebreak.enabled``): nothing could be mended
    if document is not None and linebreak._ready():
        state, report, read = _grid_survey(book, document, options)
        states = [state]
        history: list[grid.Marks] = []
        planner = [_planner_state()]  # what the line breaker held for each layout (``FILLS``)
        for grid_pass in range(MAX_GRID_PASSES):
            linebreak.LOOSE_LIMIT[0], bold = GRID_PASSES[grid_pass]
            marks = grid.mark(report, read, bold) if report else []
            if not marks:
                continue  # nothing for this pass to ask: the next asks more paragraphs, or looser
            history.append(marks)
            read = []  # the boxes read go with their layout
            document = render()
            state, report, read = _grid_survey(book, document, options)
            states.append(state)
            planner.append(_planner_state())
            if states[-1][0] != states[0][0] or states[-1][1] > states[0][1]:
                break  # the page count moved, or a note: the passes after would build on it
        read = []
        pages_before, deferred_before = states[0][:2]
        best = min(
            (
                i
                for i, (pages, deferred, _) in enumerate(states)
                if pages == pages_before and deferred <= deferred_before
            ),
            key=lambda i: (states[i][2], -i),
        )
        if best != len(states) - 1:
            for marks in reversed(history[best:]):
                grid.unmark(marks)
            _restore_planner(planner[best])
            document = render()
            if best and len(document.pages) != pages_before:  # not laid out again as it was: none
                for marks in reversed(history[:best]):
                    grid.unmark(marks)
                _restore_planner(planner[0])
                document = render()
    unstable: dict[str, tuple[str, str]] = {}
    if targets and document is not None:  # the grid's passes may have moved a target: read again
        landed = pagerefs.found(book, document, targets)
        if landed != folios and folio_passes < pagerefs.MAX_LAYOUTS:
            folios, folio_passes = landed, folio_passes + 1
            fresh_source()
            document = render()
            landed = pagerefs.found(book, document, targets)
        unstable = {k: (folios[k], landed[k]) for k in targets if landed[k] != folios[k] or landed[k] == "?"}
    return Layout(
        document,
        html,
        fetcher,
        options,
        margins,
        pad,
        passes,
        corrections,
        html_seconds,
        plan,
        placement,
        folios,
        folio_passes,
        unstable,
    )


def _planner_state() -> tuple[float, dict[str, tuple[int, set[int]]]]:
    """A copy of what the line breaker decides loosened paragraphs by (``linebreak.FILLS``, with
    the paragraphs it chose, and ``LOOSE_LIMIT``), to lay a kept layout out again as it was."""
    return linebreak.LOOSE_LIMIT[0], {k: (n, set(ids)) for k, (n, ids) in linebreak.FILLS.items()}


def _restore_planner(state: tuple[float, dict[str, tuple[int, set[int]]]]) -> None:
    linebreak.LOOSE_LIMIT[0] = state[0]
    linebreak.FILLS.clear()
    linebreak.FILLS.update({k: (n, set(ids)) for k, (n, ids) in state[1].items()})


def _grid_survey(
    book: Book, document: weasyprint.Document, options: PrintOptions
) -> tuple[tuple[int, int, int], grid.GridReport, list[grid.PageGrid]]:
    """A layout read for the grid (``grid.survey``): (pages, notes off their call's page, short
    lines plus hyphenated rectos), the report ``grid.mark`` mends, and the pages' lines."""
    report, pages = grid.survey(book, document, options.leading * 4 / 3)  # pt -> CSS px
    flaws = sum(report.short.values()) + len(report.hyphenated_rectos)
    return (len(document.pages), len(deferred_notes(book, document)), flaws), report, pages


def _note_measurer(
    book: Book,
    styles: Styles,
    html: str,
    options: PrintOptions,
    margins: dict[str, float],
    base_url: str,
    fetcher: SafeFetcher,
    measured: dict[str, list[NoteLine]],
) -> Callable[[list[Note]], dict[str, list[NoteLine]]]:
    """A function laying notes out alone at this layout's measure (remembered in ``measured``)."""
    head = html[html.index("<head>") : html.index("</head>") + len("</head>")]
    width = (options.size[0] - margins["inside"] - margins["outside"]) * 72
    renderer = PrintRenderer(
        book, image_src=_file_url(book), fit=True, tables=table_fit(styles, options, margins)
    )

    def measure_notes(notes: list[Note]) -> dict[str, list[NoteLine]]:
        todo = [(n, renderer.note_part(n, n.blocks)) for n in notes if n.id not in measured]
        if todo:
            measured.update(measure(head, todo, width, base_url, fetcher))
        return {n.id: measured[n.id] for n in notes if n.id in measured}

    return measure_notes
