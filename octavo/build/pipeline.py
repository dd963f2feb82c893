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
from typing import Any

from jinja2 import TemplateError

from octavo.build.cache import (
    CACHE_NAME,
    TEMP_SUFFIX,
    CachedLayout,
    build_key,
    input_digests,
    layout_key,
    load_layout,
    previous_pages,
    record,
    save_layout,
)
from octavo.build.sidejob import EpubJob
from octavo.build.staging import Stage, recover, write_file
from octavo.check.lint import run_checks
from octavo.config.book import Config, load_config
from octavo.config.printspec import PrintOptions
from octavo.diagnostics import Diagnostic, Diagnostics, ManuscriptError
from octavo.inspect.preflight import RuleResult, run_preflight
from octavo.layout import interior as pdf
from octavo.layout.cover import cover_pdf
from octavo.layout.fetch import report_refused
from octavo.layout.pagefill import underfull
from octavo.locations import FORMATS
from octavo.model import Book
from octavo.render.templates import template_problem
from octavo.source import gate
from octavo.source.gate import pictures
from octavo.source.parse import parse_book
from octavo.source.styles import Styles, check_styles, find_styles
from octavo.writers.deposit import build_deposit
from octavo.writers.epub import page_map
from octavo.writers.pdf import archive_pdf, tagged_pdf
from octavo.writers.pdfpost import finish_print_pdf
from octavo.writers.proofs import write_proofs


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


def write_outputs(outputs: dict[Path, bytes]) -> list[Path]:
    """Write every output (into the staging folder), each synced to disk."""
    for target, data in outputs.items():
        write_file(target, data)
    return list(outputs)


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
    images = pictures(book)
    formats = list(options.formats)
    if result.vendor_note:  # laid out for another vendor: the next ordinary build is not up to date
        formats.append(f"vendor={config.print.vendor}")
    key = build_key(options.manuscript, styles.root, formats, options.strict, images, inputs)

    # 3. Check.
    with result.stage("check"):
        run_checks(book, styles, diags, config.print)
    _stop_if_errors(diags, options.strict)
    if options.check_only:
        return result
    with output_lock(options.out, diags) as lock:
        stage = Stage(options.out)
        stage.create()
        try:
            run = Run(options, config, book, styles, diags, result, build_timestamp(book), stage.root)
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
    names = sorted({p.relative_to(stage.root).parts[0] for p in result.outputs})
    with result.stage("swap"):
        moved = set(stage.swap(names, drop=(CACHE_NAME,)))  # no record while outputs move
    result.outputs = [stage.final(p) for p in result.outputs]
    result.verdicts = {stage.final(p): v for p, v in result.verdicts.items()}
    result.unchanged = {p for p in result.outputs if p.relative_to(options.out).parts[0] not in moved}
    if options.progress is not None:
        options.progress("swap", {"state": "done", "pages": result.pages})
    if layout is not None:
        save_layout(options.out, *layout)
    record(options.out, key, result.outputs, [str(w) for w in run.diags.warnings], result.pages, images)


@dataclass(frozen=True)
class Run:
    """What stages 4 to 6 work from: the options, the loaded book and where to report."""

    options: BuildOptions
    config: Config
    book: Book
    styles: Styles
    diags: Diagnostics
    result: BuildResult
    stamp: datetime
    staging: Path  # where the outputs are written before they are moved into ``options.out``


def print_products(formats: set[str], preflight: bool, page_list: bool = True) -> set[str]:
    """What the build needs from the print layout: nothing for an EPUB without a page-list;
    else the cover always (its spine, the EPUB's picture) and the PDFs asked for."""
    if formats == {"epub"} and not page_list and not preflight:
        return set()
    needed = {"cover"}
    if "pdf" in formats or preflight:
        needed.add("pdf")
    if "archive" in formats:
        needed.add("archive")
    return needed


def _lay_out(run: Run) -> tuple[pdf.Layout, CachedLayout]:
    """Lay the book out once; the cover and the EPUB's page map come from it at once."""
    book, stage = run.book, run.result.stage
    iso = run.stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with font_clock(run.stamp), stage("layout"):
        laid_out = pdf.layout(book, run.styles, iso, run.config.print, previous_pages(run.options.out))
    timings = run.result.timings  # the print HTML is rendered inside pdf.layout: its time apart
    timings["layout"] -= laid_out.html_seconds
    timings["render HTML"] = timings.get("render HTML", 0.0) + laid_out.html_seconds
    report_refused(laid_out.fetcher.refused, book.root, run.styles.root, run.diags)
    _stop_if_errors(run.diags, run.options.strict)
    run.result.layout, run.result.pages = laid_out, laid_out.page_count
    with font_clock(run.stamp), stage("cover"):
        cover = cover_pdf(book, run.styles, run.config.print, laid_out.page_count, iso)
    with stage("page map"):
        starts = [astuple(s) for s in page_map(book, laid_out.document)]
    return laid_out, CachedLayout(laid_out.page_count, starts, {"cover": cover})


def _print_pdfs(run: Run, laid_out: pdf.Layout, needed: set[str], products: dict[str, bytes]) -> None:
    """Write the layout once (tagged PDF/A) and make the print and archive PDFs from it.

    The write is the same whatever is asked for, so the print PDF is the
    same bytes whether or not the archive is made.
    """
    if not needed & {"pdf", "archive"}:
        return
    sources = [run.config.path, *(s.file for s in run.book.sections)]
    with font_clock(run.stamp), run.result.stage("pdf write"):
        written = tagged_pdf(laid_out, run.stamp, run.config.pdfa, sources)
        if "pdf" in needed:
            icc = gate.inside(run.styles.root, "color/Gray.icc")
            products["pdf"] = finish_print_pdf(written, run.config.print, icc)
    if "archive" in needed:
        with run.result.stage("archive"):
            products["archive"] = archive_pdf(written, run.book, run.stamp, run.config.pdfa)


def _render_and_write(run: Run, lock: int) -> tuple[str, CachedLayout] | None:
    """Stages 4 to 6, under the output folder's lock (``lock``, its descriptor), into the staging
    folder; returns the layout to keep (its key and products) once the outputs are in place."""
    options, config, book, styles, result, stamp = (
        run.options,
        run.config,
        run.book,
        run.styles,
        run.result,
        run.stamp,
    )
    # 4. Render every requested format in memory. One layout serves the print
    # PDF, the cover's spine, the archive PDF and the EPUB's page-list; when
    # its inputs are unchanged since the last build, its products are reused.
    slug, staged = book.metadata.slug, run.staging
    wants = set(options.formats) | ({"epub", "pdf"} if "archive" in options.formats else set())
    needed = print_products(wants, options.preflight is not None, config.epub.page_list)
    key = layout_key(options.manuscript, styles.root, pictures(book))
    reuse = options.preflight is None and not options.force
    printed = load_layout(options.out, key, needed) if reuse else None
    fresh = printed is None
    epub = EpubJob(book, styles, stamp, config) if "epub" in wants else None
    outputs: dict[Path, bytes] = {}
    laid_out = None
    try:
        if printed is None and needed:
            if epub is not None:  # its layout-independent work runs beside the layout
                epub.start(close_fds=(lock,))
            laid_out, printed = _lay_out(run)
        result.pages = printed.pages if printed is not None else 0
        if epub is not None:  # finished before the PDFs, so its memory is free again for them
            with result.stage("epub"):
                outputs[staged / f"{slug}.epub"] = epub.epub(printed)
    finally:
        if epub is not None:
            epub.cancel()
    if laid_out is not None:
        assert printed is not None  # laid out with it
        _print_pdfs(run, laid_out, needed, printed.products)
    if "pdf" in wants or options.preflight is not None:
        assert printed is not None  # needed, so reused or laid out
        outputs[staged / f"{slug}.pdf"] = printed.products["pdf"]
        outputs[staged / f"{slug}-cover.pdf"] = printed.products["cover"]
    if "archive" in wants:
        assert printed is not None  # needed, so reused or laid out
        outputs[staged / f"{slug}-archive.pdf"] = printed.products["archive"]

    # 5. Write: every file, then the deposit bag that holds copies of them.
    with result.stage("write"):
        result.outputs = write_outputs(outputs)
    if "archive" in wants:
        payload = {
            f"publication/{slug}-archive.pdf": outputs[staged / f"{slug}-archive.pdf"],
            f"publication/{slug}.epub": outputs[staged / f"{slug}.epub"],
            f"print/{slug}.pdf": outputs[staged / f"{slug}.pdf"],
            f"print/{slug}-cover.pdf": outputs[staged / f"{slug}-cover.pdf"],
        }
        with result.stage("bag"):
            result.outputs.append(
                build_deposit(staged / f"{slug}-deposit", book, styles.root, payload, stamp, config.pdfa)
            )

    if options.proofs and "pdf" in options.formats:
        result.outputs += write_proofs(
            staged / f"{slug}.pdf", staged / f"{slug}-cover.pdf", staged / "proofs"
        )

    # 6. Preflight what was written (still staged), against the vendor's rules.
    if options.preflight is not None and result.layout is not None:
        result.vendor = options.preflight or config.print.vendor
        holes = [str(f) for f in underfull(book, result.layout.document)]
        result.preflight = run_preflight(
            staged / f"{slug}.pdf", staged / f"{slug}-cover.pdf", config.print, result.vendor, holes
        )
    if run.result.vendor_note:  # laid out for another vendor than book.toml's: not kept for the next build
        return None
    return (key, printed) if fresh and printed is not None else None


__all__ = ["FORMATS", "BuildOptions", "BuildResult", "Diagnostic", "ManuscriptError", "build"]
