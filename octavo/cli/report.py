"""What the command line shows of a build: progress, the summary, or one JSON document.

On a terminal, a progress bar on stderr names the stage running and, once
the book is laid out, its page count; at the end a table gives each output
with its size, pages, time and referee's verdict (``referees.py``). Piped,
a ``wrote PATH`` line for each output rewritten (``unchanged PATH`` for one
whose bytes were already in place) and a plain table. ``--quiet`` prints only
diagnostics (stderr); ``--json`` prints one JSON document on stdout and
diagnostics on stderr. Diagnostics keep the compiler form throughout.

Imports nothing heavy at the top: the "up to date" path uses it too; rich
and the referees are imported only when needed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from octavo.build.plan import KINDS, stages_for
from octavo.build.staging import STAGE_NAME
from octavo.diagnostics import Diagnostic, Severity, in_order

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from octavo.build.pipeline import BuildOptions, BuildResult
    from octavo.inspect.referees import Verdict

#: The stages of ``pipeline.build`` that make each kind of output (its time in the summary).
STAGES = {
    "epub": ("epub",),
    "pdf": ("render HTML", "layout", "pdf write"),
    "cover": ("cover",),
    "archive": ("archive",),
    "deposit": ("bag",),
}


@dataclass
class Row:
    """One output in the summary."""

    path: Path
    format: str
    bytes: int
    pages: int | None = None
    seconds: float | None = None
    referee: Verdict | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "bytes": self.bytes,
            "pages": self.pages,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "referee": None if self.referee is None else self.referee.as_dict(),
        }


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def human_size(count: int) -> str:
    size = float(count)
    for unit in ("B", "kB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def pages_of(kind: str, pages: int) -> int | None:
    return pages if kind in ("pdf", "archive") else 1 if kind == "cover" else None


def result_rows(result: BuildResult, verdicts: dict[Path, Verdict]) -> list[Row]:
    """A row for each output of the build, in the order it was made; its kind is the plan's."""
    rows = []
    for path in result.outputs:
        kind = result.kinds[path]
        seconds = sum(result.timings.get(s, 0.0) for s in STAGES.get(kind, ())) or None
        rows.append(Row(path, kind, size_of(path), pages_of(kind, result.pages), seconds, verdicts.get(path)))
    return rows


def cached_rows(out: Path, cached: dict[str, Any]) -> list[Row]:
    """A row for each output a cache record names, with the kind it recorded (the build plan's),
    in the order of ``plan.KINDS`` (the bag counts as one output, each proof picture as one)."""
    rows = []
    for name, kind in sorted(cached["kinds"].items()):
        rows.append(Row(out / name, kind, size_of(out / name), pages_of(kind, cached.get("pages", 0))))
    return sorted(rows, key=lambda r: KINDS.index(r.format))


CACHED_WARNING = re.compile(r"^(?P<file>.*?)(?::(?P<line>\d+))?: warning: (?P<id>[\w-]+): (?P<message>.*)$")


def diagnostic_dict(diagnostic: Diagnostic | str) -> dict[str, Any]:
    """A diagnostic's fields; a cached warning (kept as its text) is read back into them."""
    if isinstance(diagnostic, str):
        match = CACHED_WARNING.match(diagnostic)
        if match is None:
            return {"file": "", "line": 0, "id": "", "severity": "warning", "message": diagnostic}
        found = match.groupdict()
        return {**found, "line": int(found["line"] or 0), "severity": "warning"}
    return {
        "file": diagnostic.file,
        "line": diagnostic.line,
        "id": diagnostic.id,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
    }


def referee_diagnostics(rows: Iterable[Row]) -> list[Diagnostic]:
    """A failed referee is an error against its output, in compiler form, after the problems it
    found in the manuscript's own ``file:line`` form (the fidelity referee's)."""
    found: list[Diagnostic] = []
    for r in rows:
        for warning in r.referee.warnings if r.referee is not None else ():
            assert r.referee is not None  # it has warnings
            found.append(
                Diagnostic(
                    str(r.path), 0, "referee-warning", f"{r.referee.name}: {warning}", Severity.WARNING
                )
            )
        if r.referee is not None and r.referee.ok is False:
            found += r.referee.diagnostics
            found.append(
                Diagnostic(str(r.path), 0, "referee-failed", f"{r.referee.name}: {r.referee.detail}")
            )
    return found


def referee_cell(verdict: Verdict | None) -> str:
    if verdict is None:
        return "-"
    status = {True: "ok", False: "FAILED", None: "not run"}[verdict.ok]
    return f"{status}  {verdict.name}: {verdict.detail}"


def plain_table(rows: list[Row]) -> str:
    """The summary as text columns, for logs and pipes."""
    table = [("output", "size", "pages", "time", "referee")]
    for r in rows:
        seconds = "-" if r.seconds is None else f"{r.seconds:.2f} s"
        table.append(
            (str(r.path), human_size(r.bytes), str(r.pages or "-"), seconds, referee_cell(r.referee))
        )
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    right = (False, True, True, True)
    return "\n".join(
        "  ".join(c.rjust(widths[i]) if right[i] else c.ljust(widths[i]) for i, c in enumerate(row[:4]))
        + "  "
        + row[4]
        for row in table
    )


MARKS = {True: ("✓", "green"), False: ("✗", "bold red"), None: ("–", "yellow")}


def rich_table(rows: list[Row], caption: str) -> Table:
    """The summary as a rich table, for a terminal."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    table.add_column("output", overflow="fold")
    for name in ("size", "pages", "time"):
        table.add_column(name, justify="right")
    table.add_column("referee", overflow="fold")
    for r in rows:
        if r.referee is None:
            verdict = Text("-", style="dim")
        else:
            mark, style = MARKS[r.referee.ok]
            verdict = Text.assemble((f"{mark} {r.referee.name}", style), (f"  {r.referee.detail}", "dim"))
        seconds = "-" if r.seconds is None else f"{r.seconds:.2f} s"
        table.add_row(Text(str(r.path)), human_size(r.bytes), str(r.pages or "-"), seconds, verdict)
    return table


def tally(rows: list[Row]) -> str:
    """How the referees voted, in a few words."""
    verdicts = [r.referee.ok for r in rows if r.referee is not None]
    if not verdicts:
        return "referees not run"
    warned = sum(1 for r in rows if r.referee is not None and r.referee.ok and r.referee.warnings)
    passed = f"{verdicts.count(True)} passed" + (f" ({warned} with warnings)" if warned else "")
    text = f"referees: {passed}, {verdicts.count(False)} failed"
    return text + (f", {verdicts.count(None)} not run" if None in verdicts else "")


def collapse_proofs(rows: list[Row]) -> list[Row]:
    """One summary row for the proof pictures rather than one per spread."""
    proofs = [r for r in rows if r.format == "proofs"]
    if len(proofs) < 2:
        return rows
    folder = proofs[0].path.parent
    merged = Row(Path(f"{folder}/ ({len(proofs)} pictures)"), "proofs", sum(r.bytes for r in proofs))
    return [r for r in rows if r.format != "proofs"] + [merged]


class Reporter:
    """Shows one run of the command line in the mode its options ask for."""

    def __init__(self, *, quiet: bool = False, as_json: bool = False, referees: bool = True):
        self.as_json = as_json
        self.quiet = quiet or as_json
        self.referees = referees
        self.started = time.perf_counter()
        self.rows: list[Row] = []
        self._live: tuple[Progress, TaskID] | None = None  # (rich Progress, task id) while a bar is shown
        self._total = 0
        self.moved = False  # the build's new outputs are in place

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Reporter:
        return cls(quiet=args.quiet, as_json=args.json, referees=not args.no_referees)

    # -- progress ---------------------------------------------------------------------------------
    @contextmanager
    def progress(self, options: BuildOptions) -> Iterator[None]:
        """A progress bar on stderr while the build and its referees run (a terminal only)."""
        if self.quiet or not sys.stderr.isatty():
            yield
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        bar = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description:<10}"),
            BarColumn(complete_style="cyan", finished_style="green"),
            TextColumn("{task.fields[pages]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._total = len(stages_for(options))
        self._live = (bar, bar.add_task("starting", total=self._total, pages=""))
        with bar:
            try:
                yield
            finally:
                self._live = None

    def stage(self, name: str, info: dict[str, Any]) -> None:
        """The pipeline's progress callback."""
        if name == "swap" and info.get("state") == "done":
            self.moved = True
            return
        if self._live is None:
            return
        bar, task = self._live
        pages = f"{info['pages']} pages" if info.get("pages") else ""
        if info.get("state") == "start":
            bar.update(task, description=name, pages=pages, refresh=True)
            return
        if bar.tasks[0].completed + 1 > self._total:  # a stage we did not expect: make room
            self._total += 1
            bar.update(task, total=self._total)
        bar.update(task, advance=1, pages=pages, refresh=True)

    # -- after the build --------------------------------------------------------------------------
    def referee(self, manuscript: Path) -> Callable[[BuildResult, list[Path]], dict[Path, Verdict]] | None:
        """What the pipeline calls to judge the staged outputs (None with ``--no-referees``)."""
        if not self.referees:
            return None

        def run(result: BuildResult, outputs: list[Path]) -> dict[Path, Verdict]:
            if result.print_options is None:
                return {}
            from octavo.diagnostics import Diagnostics
            from octavo.inspect.referees import judge

            self.stage("referees", {"state": "start", "pages": result.pages})
            verdicts = judge(
                [(path, result.kinds[path]) for path in outputs],
                result.print_options,
                result.pages,
                result.book,
                Diagnostics(root=manuscript).where,
            )
            self.stage("referees", {"state": "end", "pages": result.pages})
            return verdicts

        return run

    def finish(self, options: BuildOptions, result: BuildResult) -> bool:
        """Print what was built; False when a referee or the preflight failed."""
        self.rows = result_rows(result, result.verdicts)
        said = referee_diagnostics(self.rows)  # warnings are shown; only errors fail the build
        failed = [d for d in said if d.severity is Severity.ERROR]
        for diagnostic in [*in_order(result.diagnostics.warnings), *said]:
            print(diagnostic, file=sys.stderr)
        if result.rejected:
            print(
                f"octavo: outputs failed their referees: none was moved into {options.out}; "
                f"they are kept in {Path(options.out) / STAGE_NAME} until the next build",
                file=sys.stderr,
            )
        flunked = [r for r in result.preflight if not r.ok]
        if self.as_json:
            extra: dict[str, Any] = {"check": True} if options.check_only else {}
            if options.preflight is not None:
                extra["preflight"] = {
                    "vendor": result.vendor,
                    "note": result.vendor_note,
                    "rules": [vars(r) for r in result.preflight],
                }
            diagnostics = [*in_order(result.diagnostics.warnings), *said]
            self._json(
                not (failed or flunked), options.manuscript, options.out, result.pages, diagnostics, **extra
            )
        elif self.quiet:
            if result.vendor_note and flunked:
                print(f"preflight: {result.vendor_note}", file=sys.stderr)
            for rule in flunked:
                print(f"preflight: {rule}", file=sys.stderr)
        else:
            self._summary(options, result, failed)
        return not (failed or flunked)

    def _summary(self, options: BuildOptions, result: BuildResult, failed: list[Diagnostic]) -> None:
        if options.check_only:
            print(f"octavo: {options.manuscript}: no errors", file=sys.stderr)
            return
        rows = collapse_proofs(self.rows)
        seconds = time.perf_counter() - self.started
        outputs = f"{len(rows)} output{'s' * (len(rows) != 1)}"
        pages = f"{result.pages} pages · " if result.pages else ""
        caption = f"{pages}{outputs} · {seconds:.1f} s · {tally(self.rows)}"
        if sys.stdout.isatty():
            from rich.console import Console

            Console().print(rich_table(rows, caption))
        else:
            proofs = [p for p in result.outputs if result.kinds[p] == "proofs"]
            if proofs:
                count, folder = len(proofs), proofs[0].parent
                if result.rejected:
                    print(f"kept {count} proof pictures in {folder}")
                elif proofs[0] in result.unchanged:
                    print(f"unchanged: {count} proof pictures in {folder}")
                else:
                    print(f"wrote {count} proof pictures to {folder}")
            for row in (r for r in self.rows if r.format != "proofs"):
                verb = "kept" if result.rejected else "unchanged" if row.path in result.unchanged else "wrote"
                print(f"{verb} {row.path}" + (f" ({row.pages} pages)" if row.format == "pdf" else ""))
            print(plain_table(rows))
            print(f"octavo: {caption}")
        if options.preflight is not None:
            print(f"preflight for {result.vendor}:")
            if result.vendor_note:
                print(f"  note: {result.vendor_note}")
            for rule in result.preflight:
                print(f"  {rule}")
            flunked = [r for r in result.preflight if not r.ok]
            warned = sum(r.ok and r.warn for r in result.preflight)
            also = f" ({warned} with a warning)" if warned else ""
            print(f"preflight: {len(result.preflight) - len(flunked)} passed{also}, {len(flunked)} failed")

    def failed(
        self, options: BuildOptions, diagnostics: list[Diagnostic], warnings: list[Diagnostic] | None = None
    ) -> None:
        """The build stopped on problems in the manuscript; the warnings found with them are shown too."""
        warnings = warnings or []
        for diagnostic in in_order(diagnostics + warnings):
            print(diagnostic, file=sys.stderr)
        count = len(diagnostics)
        also = f" and {len(warnings)} warning{'s' * (len(warnings) != 1)}" if warnings else ""
        print(f"octavo: {count} problem{'s' * (count != 1)}{also}; nothing was written", file=sys.stderr)
        if self.as_json:
            self._json(False, options.manuscript, options.out, 0, diagnostics + warnings)

    def aborted(self, options: BuildOptions, message: str) -> None:
        """Interrupted, or an internal error: the JSON still says so."""
        if self.as_json:
            self._json(False, options.manuscript, options.out, 0, [], error=message)

    def up_to_date(self, manuscript: Path, out: Path, cached: dict[str, Any]) -> None:
        for warning in cached["warnings"]:
            print(warning, file=sys.stderr)
        if self.as_json:
            self.rows = cached_rows(out, cached)
            pages = cached.get("pages", 0)
            self._json(True, manuscript, out, pages, cached["warnings"], up_to_date=True)
        elif not self.quiet:
            print(f"octavo: {manuscript}: up to date, nothing rebuilt")

    def _json(
        self,
        ok: bool,
        manuscript: Path,
        out: Path,
        pages: int,
        diagnostics: Sequence[Diagnostic | str],
        **extra: Any,
    ) -> None:
        """The one document ``--json`` prints on stdout."""
        document = {
            "ok": ok,
            "manuscript": str(manuscript),
            "out": str(out),
            "pages": pages or None,
            "up_to_date": False,
            "seconds": round(time.perf_counter() - self.started, 3),
            "outputs": [r.as_dict() for r in self.rows],
            "diagnostics": [diagnostic_dict(d) for d in diagnostics],
        }
        print(json.dumps({**document, **extra}, indent=1, ensure_ascii=False))
