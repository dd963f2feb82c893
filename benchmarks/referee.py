#!/usr/bin/env python3
"""Time the print fidelity referee alone, on a long book made from the seed text.

    python benchmarks/referee.py [--chapters 48] [--repeat 3] [--work DIR] [--profile]

Generates a manuscript of N chapters (each the seed text with all its notes,
as ``bench.py`` makes them; 48 chapters are about 300 pages), builds its print
and archive PDFs once (kept in ``--work`` if given: a second run reuses the
cached layout), then runs ``fidelity.print_problems`` on each PDF ``--repeat``
times and prints the best wall and CPU (``time.process_time``) seconds and
the number of problems found (a good book has none). The whole benchmark
(``bench.py``) is far longer; this is the referee's row, on its own. Last, both PDFs are
judged as a build judges them: the archive, which draws the print PDF's pages, is hashed and
has the print PDF's problems. The book says one text 48 times: the referee, which reads each
distinct word of a font once, meets fewer of them than in a book of as many pages (some 3 µs
each).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import make_book  # noqa: E402

from octavo.build.pipeline import BuildOptions, build  # noqa: E402
from octavo.inspect.fidelity import print_problems  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, help="folder for the book and its build (kept; reused)")
    parser.add_argument("--profile", action="store_true", help="cProfile one run on the print PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        folder = work / f"book-{args.chapters}"
        if not (folder / "book.toml").exists():
            make_book(folder, args.chapters)
        started = time.perf_counter()
        result = build(
            BuildOptions(manuscript=folder, out=work / f"dist-{args.chapters}", formats=("pdf", "archive"))
        )
        print(f"build: {time.perf_counter() - started:.2f} s, {result.pages} pages")
        pdfs = [p for p in result.outputs if result.kinds[p] in ("pdf", "archive")]
        for pdf in pdfs:
            if args.profile and result.kinds[pdf] == "pdf":
                import cProfile
                import pstats

                profile = cProfile.Profile()
                profile.runcall(print_problems, pdf, result.book, result.print_options, result.pages)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            walls, cpus, found = [], [], []
            for _ in range(args.repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                found = print_problems(pdf, result.book, result.print_options, result.pages)
                cpus.append(time.process_time() - cpu)
                walls.append(time.perf_counter() - wall)
            print(
                f"referee on {pdf.name}: best {min(walls) * 1000:.0f} ms wall, {min(cpus) * 1000:.0f} ms CPU "
                f"(of {args.repeat}; all wall: {', '.join(f'{w * 1000:.0f}' for w in walls)} ms); "
                f"{len(found)} problems"
            )
            for diagnostic in found:
                print("  ", diagnostic)
        # What a build pays: the print PDF read and judged, the archive hashed (it draws the same pages).
        walls, cpus = [], []
        for _ in range(args.repeat):
            memo: dict = {}
            wall, cpu = time.perf_counter(), time.process_time()
            for pdf in pdfs:
                print_problems(pdf, result.book, result.print_options, result.pages, memo=memo)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        print(
            f"referee on both PDFs, as a build runs it (the archive hashed): best {min(walls) * 1000:.0f} ms "
            f"wall, {min(cpus) * 1000:.0f} ms CPU (of {args.repeat})"
        )


if __name__ == "__main__":
    main()
