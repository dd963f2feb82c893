"""The build, top to bottom: load config → parse → check → render → write.

Each stage reports to one ``Diagnostics``; the build stops after a stage
that found errors. Outputs are rendered in memory, written into a staging
folder inside ``dist/`` (``staging.py``), checked there by the referees
(``BuildOptions.referee``), and moved into place together only when all of
that succeeded; the cache record is written last. A failure or an
interruption at any step leaves the earlier outputs in ``dist/`` as they were.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from octavo.build.cache import (
    CACHE_NAME,
    TEMP_SUFFIX,
    CachedLayout,
    build_key,
    input_digests,
    layout_key,
    load_layout,
    previous_folios,
    previous_pages,
    record,
    save_layout,
)
from octavo.build.plan import BuildPlan, make_plan
from octavo.build.staging import Stage, recover, write_file
from octavo.check.lint import run_checks
from octavo.config.book import Config, load_config
from octavo.config.printspec import PrintOptions
from octavo.diagnostics import Diagnostic, Diagnostics, ManuscriptError, in_order
from octavo.locations import FORMATS
from octavo.model import Book
from octavo.render.pagerefs import folio_targets, references
from octavo.source import gate
from octavo.source.gate import pictures
from octavo.source.parse import parse_book
from octavo.source.styles import Styles, check_styles, find_styles

if TYPE_CHECKING:  # the layout and the writers load WeasyPrint, pikepdf...: not at --check
    from octavo.inspect.preflight import RuleResult
    from octavo.layout import interior as pdf
    from octavo.writers.onix import Edition


@dataclass(frozen=True)
class BuildOptions:
    manuscript: Path
    out: Path
    formats: tuple[str, ...] = FORMATS
    check_only: bool = False
    strict: bool = False
    styles: Path | None = None
    preflight: str | None = None  # a vendor, or "" for the one in [print]
    proofs: bool = False
    force: bool = False  # lay out again even when the layout's inputs are unchanged
    #: told ``(stage, {"state": "start"|"end", "pages": N, "seconds": x})`` around each stage,
    #: and ``("swap", {"state": "done"})`` once the new outputs are in place
    progress: Callable[[str, dict[str, Any]], None] | None = None
    #: the referees: given the result and the staged outputs, a verdict (with ``ok``) for each;
    #: a verdict whose ``ok`` is False keeps the outputs out of ``out``
    referee: Callable[[BuildResult, list[Path]], dict[Path, Any]] | None = None


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    pages: int = 0
    book: Book | None = None
    plan: BuildPlan | None = None  # what this build makes and under which names (``plan.py``)
    #: each output's kind (one of ``plan.KINDS``), from the plan: staged paths, then final ones
    kinds: dict[Path, str] = field(default_factory=dict)
    layout: pdf.Layout | None = None
    print_options: PrintOptions | None = None  # the [print] table, for the referees
    preflight: list[RuleResult] = field(default_factory=list)
    vendor: str = ""
    #: set when ``--preflight VENDOR`` names another vendor than book.toml's [print] vendor
    #: (the print files of this build are then laid out for VENDOR, not for book.toml's)
    vendor_note: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    progress: Callable[[str, dict[str, Any]], None] | None = field(default=None, repr=False)
    verdicts: dict[Path, Any] = field(default_factory=dict)  # the referees', by output
    unchanged: set[Path] = field(default_factory=set)  # outputs whose bytes were already in place
    rejected: bool = False  # a referee failed: the outputs stay in the staging folder

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage (the benchmark reads these) and tell ``progress`` when it starts and ends."""
        if self.progress is not None:
            self.progress(name, {"state": "start", "pages": self.pages})
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.timings[name] = self.timings.get(name, 0.0) + elapsed
            if self.progress is not None:
                self.progress(name, {"state": "end", "pages": self.pages, "seconds": elapsed})


#: The times a ZIP entry (the EPUB, the bag) can hold, and so every output's.
EARLIEST, LATEST = datetime(1980, 1, 1, tzinfo=UTC), datetime(2107, 12, 31, 23, 59, 58, tzinfo=UTC)


def build_timestamp(book: Book) -> datetime:
    """SOURCE_DATE_EPOCH if set, else 1 January of the book's date, else 1980-01-01 (UTC),
    kept within the years 1980 to 2107 that a ZIP file can hold."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        seconds = min(int(epoch), int(LATEST.timestamp()))
        return max(datetime.fromtimestamp(seconds, tz=UTC), EARLIEST)
    date = book.metadata.date
    if date:
        parts = [int(p) for p in date.split("-")] + [1, 1]
        return min(max(datetime(parts[0], parts[1], parts[2], tzinfo=UTC), EARLIEST), LATEST)
    return EARLIEST


@contextmanager
def font_clock(stamp: datetime) -> Iterator[None]:
    """Pin the clock fontTools writes into subset fonts' 'head' table.

    WeasyPrint subsets fonts with fontTools, which stamps each subset with the
    current time unless SOURCE_DATE_EPOCH is set: without this, two builds a
    second apart give different PDFs.
    """
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


LOCK_NAME = ".octavo.lock"


@contextmanager
def output_lock(out: Path, diags: Diagnostics) -> Iterator[int]:
    """Hold ``out/.octavo.lock`` for the build; finish or clear what an earlier, killed build left."""
    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / LOCK_NAME, "a+")  # noqa: SIM115 (held for the whole build)
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            diags.error(
                out, 0, "out-locked", "another octavo build is writing to this folder; try again when it ends"
            )
            raise ManuscriptError(diags.errors, diags.warnings) from None
        recover(out)  # a swap it left half done is finished first, its staging folder cleared
        for stale in out.glob(f".*{TEMP_SUFFIX}"):  # only files octavo itself names so
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
        yield handle.fileno()
    finally:
        handle.close()


def _stop_if_errors(diags: Diagnostics, strict: bool) -> None:
    problems = diags.errors + (diags.warnings if strict else [])
    if problems:
        raise ManuscriptError(problems, [] if strict else diags.warnings)


def check_out_dir(options: BuildOptions, styles: Path, diags: Diagnostics) -> None:
    """The outputs go neither into the manuscript nor into the styles: both are bagged and hashed."""
    out = options.out.resolve()
    for folder, ident in ((options.manuscript, "manuscript"), (styles, "styles")):
        inside = folder.resolve()
        if out == inside or out.is_relative_to(inside):
            diags.error(
                options.out,
                0,
                f"out-in-{ident}",
                f"the output folder must not be the {ident} folder or inside it",
            )
    existing = next(p for p in (out, *out.parents) if p.exists())  # the root always exists
    if not existing.is_dir():
        diags.error(
            options.out,
            0,
            "out-not-folder",
            f"{existing} is a file, not a folder: give --out a folder (it is made if it does not exist)",
        )


def build(options: BuildOptions) -> BuildResult:
    """Build the manuscript; raise ``ManuscriptError`` with every problem found."""
    diags = Diagnostics(root=options.manuscript)
    result = BuildResult(diagnostics=diags, progress=options.progress)

    # 1. Load and validate the configuration (and the styles it will use).
    styles = find_styles(options.styles)
    # The files the book uses are hashed before they are read (the pictures once the text names them),
    # so a file edited during the build leaves a key that the next build does not match.
    inputs = input_digests(options.manuscript, styles.root)
    check_styles(styles, diags)
    check_out_dir(options, styles.root, diags)  # at --check too: what --check accepts must build
    with result.stage("config"):
        config = load_config(options.manuscript, diags)
    if config is None:
        raise ManuscriptError(diags.errors, diags.warnings)
    if options.preflight and options.preflight != config.print.vendor:
        # the files are checked against the vendor asked for, so they are laid out for it too
        result.vendor_note = (
            f"book.toml's [print] vendor is {config.print.vendor}; the print files of this build are "
            f"laid out for {options.preflight}, as --preflight asked"
        )
        config = replace(config, print=replace(config.print, vendor=options.preflight))
    result.print_options = config.print

    # 2. Parse every file into one Book.
    with result.stage("parse"):
        book = parse_book(config, diags)
    if book is None:
        raise ManuscriptError(diags.errors, diags.warnings)
    result.book = book
    plan = result.plan = make_plan(options, book.metadata.slug, config.epub.page_list, config.print.vendor)
    images = pictures(book)
    formats = list(options.formats)
    if result.vendor_note:  # laid out for another vendor: the next ordinary build is not up to date
        formats.append(f"vendor={config.print.vendor}")
    key = build_key(options.manuscript, styles.root, formats, options.strict, images, inputs)

    # 3. Check.
    with result.stage("check"):
        run_checks(book, styles, diags, config.print)
        if not config.epub.page_list:  # no print pages in the EPUB: its page references name none
            for places in references(book).values():
                for file, line in places:
                    diags.warning(
                        Path(file),
                        line,
                        "pageref-no-pages",
                        "page reference in a book with [epub] page_list = false: the EPUB has no print "
                        "pages to name, so it keeps the link's words (or its target's title) and no number",
                    )
    _stop_if_errors(diags, options.strict)
    if plan.check_only:
        return result
    from jinja2 import TemplateError  # not needed to check: jinja2 is loaded when the book is rendered

    from octavo.render.templates import template_problem

    with output_lock(options.out, diags) as lock:
        stage = Stage(options.out)
        stage.create()
        try:
            run = Run(options, plan, config, book, styles, diags, result, build_timestamp(book), stage.root)
            try:
                layout = _render_and_write(run, lock)
            except TemplateError as exc:  # the styles' templates are data: one that does not render is theirs
                template_problem(exc, styles.templates, diags)
                raise ManuscriptError(diags.errors, diags.warnings) from None
            if options.referee is not None:
                result.verdicts = options.referee(result, list(result.outputs))
            if any(getattr(v, "ok", None) is False for v in result.verdicts.values()):
                result.rejected = True  # kept in the staging folder until the next build
                return result
            _swap(run, stage, key, layout, images)
        except BaseException:
            stage.discard()
            raise
    return result


def _swap(
    run: Run, stage: Stage, key: str, layout: tuple[str, CachedLayout] | None, images: list[str]
) -> None:
    """Move the staged outputs into place, then keep the layout and write the cache record."""
    options, result = run.options, run.result
    with result.stage("swap"):
        # no record while outputs move; proofs of an earlier PDF go with the new PDF's arrival
        moved = set(stage.swap(run.plan.top_names, drop=(CACHE_NAME, *run.plan.stale)))
    result.outputs = [stage.final(p) for p in result.outputs]
    result.kinds = {stage.final(p): kind for p, kind in result.kinds.items()}
    result.verdicts = {stage.final(p): v for p, v in result.verdicts.items()}
    result.unchanged = {p for p in result.outputs if p.relative_to(options.out).parts[0] not in moved}
    if options.progress is not None:
        options.progress("swap", {"state": "done", "pages": result.pages})
    if layout is not None:
        save_layout(options.out, *layout)
    warnings = [str(w) for w in in_order(run.diags.warnings)]
    record(options.out, key, result.outputs, result.kinds, warnings, result.pages, images)


@dataclass(frozen=True)
class Run:
    """What stages 4 to 6 work from: the options, the plan, the loaded book and where to report."""

    options: BuildOptions
    plan: BuildPlan
    config: Config
    book: Book
    styles: Styles
    diags: Diagnostics
    result: BuildResult
    stamp: datetime
    staging: Path  # where the outputs are written before they are moved into ``options.out``


def _lay_out(run: Run) -> tuple[pdf.Layout, CachedLayout]:
    """Lay the book out once; the cover and the EPUB's page map come from it at once."""
    from octavo.layout import interior as pdf
    from octavo.layout.cover import cover_pdf
    from octavo.layout.fetch import report_refused
    from octavo.writers.epub import page_map

    book, stage = run.book, run.result.stage
    iso = run.stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with font_clock(run.stamp), stage("layout"):
        laid_out = pdf.layout(
            book,
            run.styles,
            iso,
            run.config.print,
            previous_pages(run.options.out),
            previous_folios(run.options.out),
        )
    timings = run.result.timings  # the print HTML is rendered inside pdf.layout: its time apart
    timings["layout"] -= laid_out.html_seconds
    timings["render HTML"] = timings.get("render HTML", 0.0) + laid_out.html_seconds
    report_refused(laid_out.fetcher.refused, book.root, run.styles.root, run.diags)
    report_unstable(book, laid_out.unstable, run.diags)
    _stop_if_errors(run.diags, run.options.strict)
    run.result.layout, run.result.pages = laid_out, laid_out.page_count
    with font_clock(run.stamp), stage("cover"):
        cover = cover_pdf(book, run.styles, run.config.print, laid_out.page_count, iso)
    with stage("page map"):
        starts = [astuple(s) for s in page_map(book, laid_out.document)]
    return laid_out, CachedLayout(laid_out.page_count, starts, {"cover": cover}, laid_out.folios)


def report_unstable(book: Book, unstable: dict[str, tuple[str, str]], diags: Diagnostics) -> None:
    """An error at each page reference whose printed folio is not its target's page
    (``Layout.unstable``: id -> (printed, landed))."""
    from octavo.layout.pagerefs import MAX_LAYOUTS

    where = folio_targets(book)
    for key, (printed, landed) in sorted(unstable.items()):
        for file, line in where.get(key, []):
            if landed == "?":
                message = f"page reference or index mark '{key}': it is not in the print layout"
            else:
                message = (
                    f"page reference to '{key}' prints p. {printed}, but its target stands on p. {landed} "
                    f"after {MAX_LAYOUTS} layouts more: reword the text near it so the pages settle"
                )
            diags.error(Path(file), line, "pageref-unstable", message)


def _print_pdfs(run: Run, laid_out: pdf.Layout, products: dict[str, bytes]) -> None:
    """Write the layout once (tagged PDF/A) and make the print and archive PDFs the plan's layout
    gives from it, into ``products``.

    The write is the same whatever is asked for, so the print PDF is the
    same bytes whether or not the archive is made.
    """
    from octavo.layout.pagemap import page_labels
    from octavo.strings import for_metadata
    from octavo.writers.pdf import archive_pdf, tagged_pdf
    from octavo.writers.pdfpost import finish_print_pdf

    needed = run.plan.layout
    if not needed & {"pdf", "archive"}:
        return
    sources = [run.config.path, *(s.file for s in run.book.sections if not s.generated)]
    cited = (run.config.bibliography, run.config.csl if run.config.csl.endswith(".csl") else "")
    sources += [run.config.root / name for name in cited if name]
    labels = page_labels(run.book, laid_out.document)  # the folios, as /PageLabels
    with font_clock(run.stamp), run.result.stage("pdf write"):
        described = for_metadata(run.book.metadata)("source-attachment")
        written = tagged_pdf(laid_out, run.stamp, run.config.pdfa, sources, described)
        if "pdf" in needed:
            icc = gate.inside(run.styles.root, "color/Gray.icc")
            products["pdf"] = finish_print_pdf(written, run.config.print, icc, labels)
    if "archive" in needed:
        with run.result.stage("archive"):
            products["archive"] = archive_pdf(written, run.book, run.stamp, run.config.pdfa, labels)


def _cached_layout(run: Run, key: str) -> CachedLayout | None:
    """The layout the last build kept, if the plan allows it, its key is ``key`` and it holds every
    product the plan's layout gives."""
    if not run.plan.reuse_layout:
        return None
    return load_layout(run.options.out, key, run.plan.layout)


def _layout_and_epub(
    run: Run, printed: CachedLayout | None, files: dict[str, bytes], lock: int
) -> tuple[pdf.Layout | None, CachedLayout | None]:
    """Lay the book out (unless ``printed`` is cached or the plan needs no layout) while the EPUB's
    layout-independent work runs beside it in a forked job; then finish the EPUB, whose page-list
    comes from the layout, into ``files["epub"]``. Returns the fresh layout (None if none was made)
    and the layout's products."""
    from octavo.build.sidejob import EpubJob

    result = run.result
    epub = EpubJob(run.book, run.styles, run.stamp, run.config) if run.plan.makes("epub") else None
    laid_out = None
    try:
        if printed is None and run.plan.layout:
            if epub is not None:  # its layout-independent work runs beside the layout
                epub.start(close_fds=(lock,))
            laid_out, printed = _lay_out(run)
        result.pages = printed.pages if printed is not None else 0
        if epub is not None:  # finished before the PDFs, so its memory is free again for them
            with result.stage("epub"):
                files["epub"] = epub.epub(printed)
    finally:
        if epub is not None:
            epub.cancel()
    return laid_out, printed


def _print_files(run: Run, printed: CachedLayout | None, files: dict[str, bytes]) -> None:
    """The print PDF, the cover and the archive PDF the plan makes, from the layout's products."""
    for kind in ("pdf", "cover", "archive"):
        if run.plan.makes(kind):
            assert printed is not None, f"the plan makes {kind} but lays nothing out"
            files[kind] = printed.products[kind]


def _staged(run: Run, kind: str) -> Path:
    """Where the output of this kind is written: the plan's name, in the staging folder."""
    return run.staging / run.plan.name(kind)


def _add(run: Run, path: Path, kind: str) -> None:
    run.result.outputs.append(path)
    run.result.kinds[path] = kind


def _write(run: Run, files: dict[str, bytes]) -> None:
    """Write each file made in memory (kind -> bytes) under its planned name, synced to disk."""
    with run.result.stage("write"):
        for kind, data in files.items():
            write_file(_staged(run, kind), data)
            _add(run, _staged(run, kind), kind)


def editions(config: Config, pages: int) -> tuple[Edition, ...]:
    """The book's two products for ONIX: the EPUB, and the paperback with its trim and ``pages``
    (the print layout's page count; 0 when no print PDF was laid out)."""
    from octavo.writers.onix import Edition

    epub, printed = config.epub, config.print
    return (
        Edition("epub", epub.isbn, epub.price, epub.territory),
        Edition("paperback", printed.isbn, printed.price, printed.territory, printed.size, pages),
    )


def _bag(run: Run, files: dict[str, bytes]) -> None:
    """The deposit bag, holding copies of the files the plan puts in its payload."""
    from octavo.writers.deposit import build_deposit

    if not run.plan.makes("deposit"):
        return
    payload = {kind: (name, files[kind]) for kind, name in run.plan.payload}
    with run.result.stage("bag"):
        bag = build_deposit(
            _staged(run, "deposit"),
            run.book,
            run.styles.root,
            payload,
            run.stamp,
            run.config.pdfa,
            editions(run.config, run.result.pages),
        )
    _add(run, bag, "deposit")


def _proofs(run: Run) -> None:
    """PNG proofs of every spread and the cover, from the staged print PDF and cover."""
    from octavo.writers.proofs import write_proofs

    if not run.plan.makes("proofs"):
        return
    for picture in write_proofs(_staged(run, "pdf"), _staged(run, "cover"), _staged(run, "proofs")):
        _add(run, picture, "proofs")


def _preflight(run: Run) -> None:
    """Check the staged print PDF and cover against the plan's vendor's rules (when laid out now)."""
    from octavo.inspect.preflight import run_preflight
    from octavo.layout.pagefill import underfull

    result = run.result
    if run.plan.vendor is None or result.layout is None:
        return
    result.vendor = run.plan.vendor
    holes = [str(f) for f in underfull(run.book, result.layout.document)]
    result.preflight = run_preflight(
        _staged(run, "pdf"), _staged(run, "cover"), run.config.print, result.vendor, holes, run.book
    )


def _render_and_write(run: Run, lock: int) -> tuple[str, CachedLayout] | None:
    """Stages 4 to 6, as the plan says, under the output folder's lock (``lock``, its descriptor),
    into the staging folder; returns the layout to keep (its key and products) once the outputs are
    in place, or None."""
    # 4. Render every planned output in memory. One layout serves the print
    # PDF, the cover's spine, the archive PDF and the EPUB's page-list; when
    # its inputs are unchanged since the last build, its products are reused.
    key = layout_key(run.options.manuscript, run.styles.root, pictures(run.book))
    printed = _cached_layout(run, key)
    fresh = printed is None
    files: dict[str, bytes] = {}  # kind -> bytes, in the plan's order
    laid_out, printed = _layout_and_epub(run, printed, files, lock)
    if laid_out is not None:
        assert printed is not None  # laid out with it
        _print_pdfs(run, laid_out, printed.products)
    _print_files(run, printed, files)

    # 5. Write: every file, then the deposit bag that holds copies of them, then the proofs.
    _write(run, files)
    _bag(run, files)
    _proofs(run)

    # 6. Preflight what was written (still staged), against the vendor's rules.
    _preflight(run)
    if run.result.vendor_note:  # laid out for another vendor than book.toml's: not kept for the next build
        return None
    return (key, printed) if fresh and printed is not None else None


__all__ = ["FORMATS", "BuildOptions", "BuildPlan", "BuildResult", "Diagnostic", "ManuscriptError", "build"]
