"""``octavo catalogue DIR``: build every manuscript under DIR, in parallel.

Each folder holding a ``book.toml`` is one book, built into OUT/<its path
under DIR>. Books build in separate processes on this machine (one per
core by default), or, with ``--scheduler ADDRESS``, as tasks on a Dask
distributed cluster (optional extra ``octavo[cluster]``). A failing book
does not stop the others; the summary says which failed and the exit code
is 1 if any did.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from .locations import FORMATS


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


def build_one(manuscript: str, out: str, formats: tuple[str, ...] = FORMATS) -> dict:
    """Build one book; never raises (a worker must report, not die)."""
    from .diagnostics import ManuscriptError
    from .pipeline import BuildOptions, build

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


def run_local(work: list[tuple[str, str]], workers: int | None = None) -> list[dict]:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(work) == 1:
        return [build_one(m, o) for m, o in work]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(build_one, [m for m, _ in work], [o for _, o in work]))


def run_dask(work: list[tuple[str, str]], address: str) -> list[dict]:
    from dask.distributed import Client  # the optional [cluster] extra

    with Client(address) as client:
        futures = client.map(build_one, [m for m, _ in work], [o for _, o in work], pure=False)
        return client.gather(futures)


def summary(results: list[dict]) -> str:
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
