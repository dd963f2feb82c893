#!/usr/bin/env python3
"""Preflight out of the box: every vendor, with and without bleed, on the seed book, the sampler
and a long book (issue 17, point 5).

    python benchmarks/preflight.py [--chapters 40] [--results FILE]

Each book is copied with only ``[print] vendor`` and ``bleed`` set (nothing else of book.toml
changed: the long book is ``bench.make_book``'s, with no ``[print]`` table at all), built with
``--preflight`` (print files only, no referees: the tests run those), and reported: each rule's
verdict, the page count, the least distance of a running head or folio from the trim (measured
on the PDF's glyphs, as ``tests/test_vendors.py`` does) against the vendor's minimum, and the
cover's spine type. Nothing is asserted: the numbers are for reading and committing.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pikepdf  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as raw  # noqa: E402
from bench import make_book  # noqa: E402

from octavo.build.pipeline import BuildOptions, build  # noqa: E402
from octavo.config.printspec import min_outer  # noqa: E402
from octavo.layout.cover import geometry, spine_ink  # noqa: E402

VENDORS = ("kdp", "ingram", "lulu")
PT = 72.0


def with_print(source: Path, target: Path, vendor: str, bleed: bool) -> Path:
    """A copy of ``source`` whose book.toml's [print] table sets the vendor and bleed."""
    shutil.copytree(source, target)
    toml = target / "book.toml"
    text = re.sub(r"(?m)^(vendor|bleed)\s*=.*\n", "", toml.read_text(encoding="utf-8"))
    if "[print]\n" not in text:
        text += "\n[print]\n"
    toml.write_text(
        text.replace("[print]\n", f'[print]\nvendor = "{vendor}"\nbleed = {json.dumps(bleed)}\n', 1)
    )
    return target


def furniture(pdf: Path, options, pages: int) -> float:
    """The least distance (inches) of a glyph of a running head or folio from the top or bottom trim."""
    margins = options.margins(pages)
    least = float("inf")
    with pikepdf.open(pdf) as opened:
        trims = [[float(v) for v in page.obj.get("/TrimBox", page.mediabox)] for page in opened.pages]
    document = pdfium.PdfDocument(str(pdf))
    for index, page in enumerate(document):
        trim = trims[index]
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            if not textpage.get_text_range(i, 1).strip():
                continue
            box = textpage.get_charbox(i)
            if box[1] > trim[3] - margins["top"] * PT:
                least = min(least, (trim[3] - box[3]) / PT)
            elif box[3] < trim[1] + margins["bottom"] * PT:
                least = min(least, (box[1] - trim[1]) / PT)
    return least


def spine_size(cover: Path, options, pages: int) -> float:
    """The spine text's size in pt (0: none)."""
    g = geometry(options, pages)
    if spine_ink(cover.read_bytes(), g) is None:
        return 0.0
    textpage = pdfium.PdfDocument(str(cover))[0].get_textpage()
    sizes = []
    for i in range(textpage.count_chars()):
        left, _, right, _ = textpage.get_charbox(i)
        if g.spine_x * PT <= (left + right) / 2 <= (g.spine_x + g.spine) * PT:
            sizes.append(raw.FPDFText_GetFontSize(textpage, i) * 0.75)
    return round(max(sizes), 1)


def run(name: str, source: Path, vendor: str, bleed: bool, work: Path) -> dict:
    folder = work / f"{name}-{vendor}-{'bleed' if bleed else 'trim'}"
    manuscript = with_print(source, folder / "ms", vendor, bleed)
    started = time.perf_counter()
    result = build(BuildOptions(manuscript=manuscript, out=folder / "dist", formats=("pdf",), preflight=""))
    seconds = time.perf_counter() - started
    options = result.print_options
    pdf = next(p for p in result.outputs if result.kinds[p] == "pdf")
    cover = next(p for p in result.outputs if result.kinds[p] == "cover")
    return {
        "book": name,
        "vendor": vendor,
        "bleed": bleed,
        "pages": result.pages,
        "failed": [f"{r.rule}: {r.found}" for r in result.preflight if not r.ok],
        "rules": len(result.preflight),
        "furniture": furniture(pdf, options, result.pages),
        "minimum": min_outer(vendor, bleed),
        "spine": spine_size(cover, options, result.pages),
        "seconds": seconds,
    }


def report(rows: list[dict], chapters: int) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    out = [
        "# Preflight out of the box: three vendors, with and without bleed\n",
        f"`python benchmarks/preflight.py --chapters {chapters}`, {time.strftime('%Y-%m-%d')}, at commit "
        f"{commit or '?'} ({platform.machine()}, Python {platform.python_version()}). Each book is built "
        'with only `[print] vendor` and `bleed` set and `--preflight`; "heads, folios" is the least '
        "distance of a glyph of a running head or folio from the trim, measured on the PDF, against the "
        "vendor's minimum; \"spine\" the cover's spine type (0: no spine text).\n",
        "| book | vendor | bleed | pages | preflight | heads, folios (in) | minimum (in) | spine (pt) | s |",
        "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        verdict = f"{row['rules']} rules pass" if not row["failed"] else "FAIL " + "; ".join(row["failed"])
        out.append(
            f"| {row['book']} | {row['vendor']} | {'yes' if row['bleed'] else 'no'} | {row['pages']} | "
            f"{verdict} | {row['furniture']:.3f} | {row['minimum']:.3f} | {row['spine']:g} | "
            f"{row['seconds']:.1f} |"
        )
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, default=40, help="chapters of the long book")
    parser.add_argument("--results", type=Path, default=None, help="also write the report here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        books = {
            "seed": ROOT / "manuscript",
            "sampler": ROOT / "tests" / "books" / "sampler",
            f"{args.chapters} chapters": make_book(work / "long", args.chapters),
        }
        for name, source in books.items():
            for vendor in VENDORS:
                for bleed in (False, True):
                    rows.append(run(name, source, vendor, bleed, work))
                    print(json.dumps(rows[-1]), file=sys.stderr)
    text = report(rows, args.chapters)
    print(text)
    if args.results:
        args.results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
