#!/usr/bin/env python3
"""Benchmark the citation stage: how long citeproc-py takes to render a book's citations.

    python benchmarks/citations.py [--counts 100 500 2000] [--styles chicago-notes-bibliography ...]
                                   [--results FILE]

For each count it writes a manuscript of ten chapters citing the ten works of
``tests/books/citations/refs.json`` (a work and a page drawn at random, the same
every run), with a generated bibliography, and times ``parse_book`` (the parse, the
citations rendered in reading order and the bibliography) in this process, per style.
The parse of the same text without citations is timed too, so the difference is the
citations' cost. Nothing is asserted: the numbers are for reading and committing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from octavo.config.book import load_config  # noqa: E402
from octavo.diagnostics import Diagnostics  # noqa: E402
from octavo.source.parse import parse_book  # noqa: E402

REFS = ROOT / "tests" / "books" / "citations" / "refs.json"
KEYS = ["burnham1941", "burnham1943", "orwell1946", "rizzi1939", "berle1932", "kelly2002", "serge1951"]
CHAPTERS = 10


def manuscript(folder: Path, count: int, style: str, cite: bool) -> Path:
    """A ten-chapter book of ``count`` sentences, each ending with a citation when ``cite``."""
    folder.mkdir(parents=True)
    shutil.copy(REFS, folder / "refs.json")
    rng = random.Random(count)
    toml = [
        'title = "Citations"\nlanguage = "en"\nidentifier = "urn:uuid:0b6f7a2c-3d4e-4f51-9a6b-7c8d9e0f1a2e"',
        f'bibliography = "refs.json"\ncsl = "{style}"\n\n[[creators]]\nname = "A"\nrole = "author"',
    ]
    for chapter in range(CHAPTERS):
        sentences = []
        for n in range(count // CHAPTERS):
            cited = f" [@{rng.choice(KEYS)}, {rng.randint(1, 300)}]" if cite else ""
            sentences.append(f"Sentence {n} of the argument{cited}.")
        paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        (folder / f"c{chapter}.md").write_text(f"# Chapter {chapter}\n\n" + "\n\n".join(paragraphs) + "\n")
        toml.append(f'[[contents]]\nfile = "c{chapter}.md"\nkind = "chapter"')
    if cite:
        toml.append('[[contents]]\nkind = "bibliography"')
    (folder / "book.toml").write_text("\n\n".join(toml) + "\n")
    return folder


def parse_seconds(folder: Path) -> float:
    diags = Diagnostics(root=folder)
    config = load_config(folder, diags)
    assert config is not None, [str(d) for d in diags]
    start = time.perf_counter()
    book = parse_book(config, diags)
    seconds = time.perf_counter() - start
    assert book is not None and not diags.errors, [str(d) for d in diags]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument(
        "--styles", nargs="+", default=["chicago-notes-bibliography", "chicago-author-date", "apa"]
    )
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    rows = [
        "| citations | style | parse with citations (s) | without (s) | per citation (ms) |",
        "|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.counts:
            plain = parse_seconds(manuscript(Path(tmp) / f"plain-{count}", count, args.styles[0], False))
            for style in args.styles:
                cited = parse_seconds(manuscript(Path(tmp) / f"{style}-{count}", count, style, True))
                per = (cited - plain) / count * 1000
                rows.append(f"| {count} | {style} | {cited:.2f} | {plain:.2f} | {per:.1f} |")
                print(rows[-1], flush=True)
    if args.results:
        args.results.write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
