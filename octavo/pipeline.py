"""The build, top to bottom: load config → parse → check → render → write.

Each stage reports to one ``Diagnostics``; the build stops after a stage
that found errors. Outputs are rendered in memory and written only when
every requested format has succeeded, each through a temporary file renamed
into place, so a failed build leaves earlier outputs in ``dist/`` untouched.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .cache import (
    TEMP_SUFFIX,
    CachedLayout,
    build_key,
    layout_key,
    load_layout,
    previous_pages,
    record,
    save_layout,
    write_atomically,
)
from .checks import run_checks
from .config import Config, load_config
from .deposit import build_deposit
from .diagnostics import Diagnostic, Diagnostics, ManuscriptError
from .fetch import report_refused
from .locations import FORMATS
from .model import Book
from .pagefill import underfull
from .parse import parse_book
from .preflight import RuleResult, run_preflight
from .printspec import PrintOptions
from .proofs import write_proofs
from .sidejob import EpubJob
from .styles import Styles, check_styles, find_styles
from .writers import pdf
from .writers.archive import archive_pdf, tagged_pdf
from .writers.cover import cover_pdf
from .writers.epub import page_map
from .writers.pdfpost import finish_print_pdf


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
    #: told ``(stage, {"state": "start"|"end", "pages": N, "seconds": x})`` around each stage
    progress: Callable[[str, dict], None] | None = None


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
    timings: dict[str, float] = field(default_factory=dict)
    progress: Callable[[str, dict], None] | None = field(default=None, repr=False)

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
    """Hold ``out/.octavo.lock`` for the build; clear temporary files an earlier, killed build left."""
    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / LOCK_NAME, "a+")  # noqa: SIM115 (held for the whole build)
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            diags.error(
                out, 0, "out-locked", "another octavo build is writing to this folder; try again when it ends"
            )
            raise ManuscriptError(diags.errors) from None
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
        raise ManuscriptError(problems)


def check_out_dir(options: BuildOptions, diags: Diagnostics) -> None:
    out = options.out.resolve()
    manuscript = options.manuscript.resolve()
    if out == manuscript or out.is_relative_to(manuscript):
        diags.error(
            options.out,
            0,
            "out-in-manuscript",
            "the output folder must not be the manuscript folder or inside it",
        )
    existing = next(p for p in (out, *out.parents) if p.exists())  # the root always exists
    if not existing.is_dir():
        diags.error(
            options.out,
            0,
            "out-not-folder",
            f"{existing} is a file, not a folder: give --out a folder (it is made if it does not exist)",
        )


def _same_bytes(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def write_outputs(outputs: dict[Path, bytes]) -> list[Path]:
    """Write every output through a temporary file in its folder, then rename.

    An output whose file already holds exactly these bytes is left untouched.
    """
    written = []
    for target, data in outputs.items():
        if _same_bytes(target, data):
            written.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
        written.append(target)
    return written


def build(options: BuildOptions) -> BuildResult:
    """Build the manuscript; raise ``ManuscriptError`` with every problem found."""
    diags = Diagnostics(root=options.manuscript)
    result = BuildResult(diagnostics=diags, progress=options.progress)

    # 1. Load and validate the configuration (and the styles it will use).
    styles = find_styles(options.styles)
    key = build_key(options.manuscript, styles.root, options.formats, options.strict)
    check_styles(styles, diags)
    check_out_dir(options, diags)  # at --check too: what --check accepts must build
    with result.stage("config"):
        config = load_config(options.manuscript, diags)
    if config is None:
        raise ManuscriptError(diags.errors)
    result.print_options = config.print

    # 2. Parse every file into one Book.
    with result.stage("parse"):
        book = parse_book(config, diags)
    if book is None:
        raise ManuscriptError(diags.errors)
    result.book = book

    # 3. Check.
    with result.stage("check"):
        run_checks(book, styles, diags, config.print)
    _stop_if_errors(diags, options.strict)
    if options.check_only:
        return result
    with output_lock(options.out, diags) as lock:
        _render_and_write(Run(options, config, book, styles, diags, result, build_timestamp(book)), lock)
        record(options.out, key, result.outputs, [str(w) for w in diags.warnings], result.pages)
    return result


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
            icc = run.styles.root / "color" / "Gray.icc"
            products["pdf"] = finish_print_pdf(written, run.config.print, icc)
    if "archive" in needed:
        with run.result.stage("archive"):
            products["archive"] = archive_pdf(written, run.book, run.stamp, run.config.pdfa)


def _render_and_write(run: Run, lock: int) -> BuildResult:
    """Stages 4 to 6, under the output folder's lock (``lock``, its descriptor)."""
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
    slug = book.metadata.slug
    wants = set(options.formats) | ({"epub", "pdf"} if "archive" in options.formats else set())
    needed = print_products(wants, options.preflight is not None, config.epub.page_list)
    key = layout_key(options.manuscript, styles.root)
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
                outputs[options.out / f"{slug}.epub"] = epub.epub(printed)
    finally:
        if epub is not None:
            epub.cancel()
    if laid_out is not None:
        _print_pdfs(run, laid_out, needed, printed.products)
    if "pdf" in wants or options.preflight is not None:
        outputs[options.out / f"{slug}.pdf"] = printed.products["pdf"]
        outputs[options.out / f"{slug}-cover.pdf"] = printed.products["cover"]
    if "archive" in wants:
        outputs[options.out / f"{slug}-archive.pdf"] = printed.products["archive"]

    # 5. Write: every file, then the deposit bag that holds copies of them.
    with result.stage("write"):
        result.outputs = write_outputs(outputs)
        if fresh and printed is not None:
            save_layout(options.out, key, printed)
    if "archive" in wants:
        payload = {
            f"publication/{slug}-archive.pdf": outputs[options.out / f"{slug}-archive.pdf"],
            f"publication/{slug}.epub": outputs[options.out / f"{slug}.epub"],
            f"print/{slug}.pdf": outputs[options.out / f"{slug}.pdf"],
            f"print/{slug}-cover.pdf": outputs[options.out / f"{slug}-cover.pdf"],
        }
        with result.stage("bag"):
            result.outputs.append(
                build_deposit(options.out / f"{slug}-deposit", book, styles.root, payload, stamp, config.pdfa)
            )

    if options.proofs and "pdf" in options.formats:
        result.outputs += write_proofs(
            options.out / f"{slug}.pdf", options.out / f"{slug}-cover.pdf", options.out / "proofs"
        )

    # 6. Preflight what was written, against the vendor's rules.
    if options.preflight is not None and result.layout is not None:
        result.vendor = options.preflight or config.print.vendor
        holes = [str(f) for f in underfull(book, result.layout.document)]
        result.preflight = run_preflight(
            options.out / f"{slug}.pdf", options.out / f"{slug}-cover.pdf", config.print, result.vendor, holes
        )
    return result


__all__ = ["FORMATS", "BuildOptions", "BuildResult", "Diagnostic", "ManuscriptError", "build"]
