#!/usr/bin/env python3
"""Time the print fidelity referee alone, on a long book made from the seed text.

    python benchmarks/referee.py [--chapters 48] [--repeat 3] [--work DIR] [--profile]
                                 [--text repeated|shuffled|rotated]

Generates a manuscript of N chapters (each the seed text with all its notes,
as ``bench.py`` makes them; 48 chapters are about 300 pages), builds its print
and archive PDFs once (kept in ``--work`` if given: a second run reuses the
cached layout), then runs ``fidelity.print_problems`` on each PDF ``--repeat``
times and prints the best wall and CPU (``time.process_time``) seconds and
the number of problems found (a good book has none). The whole benchmark
(``bench.py``) is far longer; this is the referee's row, on its own. Last, both PDFs are
judged as a build judges them: the archive, which draws the print PDF's pages, is hashed and
has the print PDF's problems.

The book says one text 48 times (``--text repeated``, the default): the
referee, which reads each distinct word of a font and each distinct token of
the text once, meets far fewer of them than in a book of as many pages, and
the same lines again. ``--text shuffled`` puts each chapter's paragraphs in
another order (other lines, the same words); ``--text rotated`` rotates each
chapter's letters by its number (other words in every chapter: 23,000 new
tokens of 97,000, more than a novel's vocabulary). Each is built in a folder
of its own under ``--work``.
"""

from __future__ import annotations

import argparse
import random
import re
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


def _rotated(text: str, by: int) -> str:
    """``text`` with every ASCII letter moved ``by`` places on in the alphabet (note marks kept)."""

    def rotate(match: re.Match[str]) -> str:
        base = ord("a") if match.group(0).islower() else ord("A")
        return chr(base + (ord(match.group(0)) - base + by) % 26)

    parts = re.split(r"(\[\^\d+\]:?)", text)
    return "".join(part if part.startswith("[^") else re.sub(r"[A-Za-z]", rotate, part) for part in parts)


def vary(folder: Path, text: str) -> None:
    """Make each chapter of the book in ``folder`` say other lines (``shuffled``: its paragraphs in
    an order of its own) or other words (``rotated``: its letters rotated by its number)."""
    for number, path in enumerate(sorted(folder.glob("chapter-*.md")), 1):
        head, rest = path.read_text(encoding="utf-8").split("\n\n", 1)
        paragraphs = rest.strip().split("\n\n")
        body = [p for p in paragraphs if not p.startswith("[^")]
        notes = [p for p in paragraphs if p.startswith("[^")]
        if text == "shuffled":
            random.Random(number).shuffle(body)
        else:
            body = [_rotated(p, number % 25 + 1) for p in body]
            notes = [_rotated(p, number % 25 + 1) for p in notes]
        path.write_text(head + "\n\n" + "\n\n".join(body + notes) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, help="folder for the book and its build (kept; reused)")
    parser.add_argument("--profile", action="store_true", help="cProfile one run on the print PDF")
    parser.add_argument(
        "--text",
        choices=("repeated", "shuffled", "rotated"),
        default="repeated",
        help="each chapter the seed text (default), its paragraphs shuffled, or its letters rotated",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        name = f"{args.chapters}" if args.text == "repeated" else f"{args.chapters}-{args.text}"
        folder = work / f"book-{name}"
        if not (folder / "book.toml").exists():
            make_book(folder, args.chapters)
            if args.text != "repeated":
                vary(folder, args.text)
        started = time.perf_counter()
        result = build(BuildOptions(manuscript=folder, out=work / f"dist-{name}", formats=("pdf", "archive")))
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
