"""``octavo catalogue DIR``: build every manuscript under DIR, in parallel.

Each folder holding a ``book.toml`` is one book, built into OUT/<its path
under DIR>. Books build in separate processes on this machine (one per
core by default), or, with ``--scheduler ADDRESS``, as tasks on a Dask
distributed cluster (optional extra ``octavo[cluster]``). A failing book
does not stop the others, nor does a book whose process dies (killed,
crashed) or, with a ``timeout``, runs too long (its process group is
killed): its row says so. The exit code is 1 if any failed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from octavo.locations import FORMATS

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkProcess


@dataclass
class BookResult:
    manuscript: str
    title: str = ""
    formats: str = ""
    pages: int = 0
    seconds: float = 0.0
    ok: bool = False
    message: str = ""


def find_manuscripts(root: Path) -> list[Path]:
    """Folders under ``root`` that hold a book.toml, in a stable order."""
    found = []
    for toml in sorted(root.rglob("book.toml")):
        relative = toml.parent.relative_to(root)
        if not any(part.startswith((".", "_")) or part == "dist" for part in relative.parts):
            found.append(toml.parent)
    return found


def build_one(manuscript: str, out: str, formats: tuple[str, ...] = FORMATS) -> dict[str, Any]:
    """Build one book; never raises (a worker must report, not die)."""
    from octavo.build.pipeline import BuildOptions, build
    from octavo.diagnostics import ManuscriptError

    started = time.perf_counter()
    result = BookResult(manuscript=manuscript, formats=", ".join(formats))
    try:
        built = build(BuildOptions(manuscript=Path(manuscript), out=Path(out), formats=formats))
        result.title = built.book.metadata.title if built.book else ""
        result.pages, result.ok = built.pages, True
    except ManuscriptError as exc:
        result.message = str(exc.diagnostics[0]) + (
            f" (+{len(exc.diagnostics) - 1} more)" if len(exc.diagnostics) > 1 else ""
        )
    except Exception as exc:
        result.message = f"internal error: {type(exc).__name__}: {exc}"
    result.seconds = round(time.perf_counter() - started, 2)
    return asdict(result)


def jobs(root: Path, out: Path) -> list[tuple[str, str]]:
    return [(str(m), str(out / m.relative_to(root))) for m in find_manuscripts(root)]


def _worker(send: Connection, manuscript: str, out: str) -> None:
    """One book in its own process group (so that a timeout stops its helpers too)."""
    os.setpgid(0, 0)
    send.send(build_one(manuscript, out))
    send.close()


def _died(manuscript: str, code: int | None, seconds: float) -> dict[str, Any]:
    if code is not None and code < 0:
        try:
            message = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            message = f"killed by signal {-code}"
    else:
        message = f"its process ended with status {code} and no result"
    return asdict(
        BookResult(manuscript, formats=", ".join(FORMATS), seconds=round(seconds, 2), message=message)
    )


def _kill_group(pid: int | None) -> None:
    """Kill a book's process group: the book's process and any helper it started."""
    if pid is None:  # never started
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_local(
    work: list[tuple[str, str]], workers: int | None = None, timeout: float | None = None
) -> list[dict[str, Any]]:
    """Build each (manuscript, out) in a process of its own, ``workers`` at a time.

    A process that dies without a result, or outlives ``timeout`` seconds
    (then killed with its process group), gives a failed row; the rest go on.
    """
    from multiprocessing.connection import wait

    workers = workers or os.cpu_count() or 1
    context = multiprocessing.get_context("fork")
    results: dict[int, dict[str, Any]] = {}
    waiting = list(enumerate(work))
    running: dict[int, tuple[ForkProcess, Connection, float]] = {}  # index -> (process, pipe, started)
    while waiting or running:
        while waiting and len(running) < workers:
            index, (manuscript, out) = waiting.pop(0)
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_worker, args=(send, manuscript, out))
            process.start()
            pid = process.pid
            assert pid is not None  # start() sets it
            with contextlib.suppress(OSError):  # as the child does: whichever comes first
                os.setpgid(pid, pid)
            send.close()
            running[index] = (process, receive, time.monotonic())
        now = time.monotonic()
        limit = None if timeout is None else max(0.0, min(s + timeout - now for _, _, s in running.values()))
        wait([r for _, r, _ in running.values()] + [p.sentinel for p, _, _ in running.values()], limit)
        for index, (process, receive, started) in list(running.items()):
            manuscript, elapsed = work[index][0], time.monotonic() - started
            if receive.poll():
                try:
                    results[index] = receive.recv()
                except EOFError:  # the pipe closed with nothing in it: the process died
                    process.join()
                    results[index] = _died(manuscript, process.exitcode, elapsed)
                process.join()
            elif not process.is_alive():
                results[index] = _died(manuscript, process.exitcode, elapsed)
            elif timeout is not None and elapsed >= timeout:
                _kill_group(process.pid)
                process.join()
                result = BookResult(manuscript, formats=", ".join(FORMATS), seconds=round(elapsed, 2))
                result.message = f"timed out after {timeout:g} s"
                results[index] = asdict(result)
            else:
                continue
            receive.close()
            _kill_group(process.pid)  # a helper the book's process may have left behind
            del running[index]
    return [results[i] for i in range(len(work))]


def run_dask(work: list[tuple[str, str]], address: str) -> list[dict[str, Any]]:
    from dask.distributed import Client  # the optional [cluster] extra

    with Client(address) as client:  # type: ignore[no-untyped-call]  # distributed leaves Client untyped
        futures = client.map(build_one, [m for m, _ in work], [o for _, o in work], pure=False)
        results: list[dict[str, Any]] = client.gather(futures)
        return results


def summary(results: list[dict[str, Any]]) -> str:
    """A plain table: title, formats, pages, time, result."""
    rows = [("book", "title", "formats", "pages", "time", "result")]
    for r in results:
        rows.append(
            (
                Path(r["manuscript"]).name,
                r["title"] or "-",
                r["formats"],
                str(r["pages"] or "-"),
                f"{r['seconds']:.1f} s",
                "ok" if r["ok"] else f"FAILED: {r['message']}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5] for row in rows
    ]
    failed = sum(not r["ok"] for r in results)
    lines.append(f"catalogue: {len(results) - failed} built, {failed} failed")
    return "\n".join(lines)
