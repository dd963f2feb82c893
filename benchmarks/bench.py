#!/usr/bin/env python3
"""Benchmark octavo on long books made from the seed text, against WeasyPrint alone and Pandoc.

    python benchmarks/bench.py [--chapters 40 120] [--results FILE]

For each size it generates a manuscript of N chapters (each the seed text with
all its notes), builds it in a fresh process, and reports total time, time
per stage, peak memory (max RSS) and pages; then, in the same run, WeasyPrint
alone laying out and writing the same final print HTML (also in a fresh
process, for its own peak memory), and Pandoc (PyPI pypandoc-binary) making
the EPUB of the same Markdown, and the ratios the speed issue asks for.
Nothing is asserted: the numbers are for reading and committing.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "manuscript" / "source" / "serge-1945-burnham.txt"

BUILD = """
import json, resource, sys, time
from pathlib import Path
from octavo.pipeline import BuildOptions, build
formats = tuple(sys.argv[3].split(","))
started = time.perf_counter()
result = build(BuildOptions(manuscript=Path(sys.argv[1]), out=Path(sys.argv[2]), formats=formats))
total = time.perf_counter() - started
if result.layout is not None:
    Path(sys.argv[2], "print.html").write_text(result.layout.html, encoding="utf-8")
print(json.dumps({"total": total, "stages": result.timings, "pages": result.pages,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

WEASYPRINT_ALONE = """
import json, resource, sys, time
import weasyprint
from octavo.fetch import SafeFetcher
from pathlib import Path
html = Path(sys.argv[1]).read_text(encoding="utf-8")
started = time.perf_counter()
fetcher = SafeFetcher([Path(sys.argv[2]), Path(sys.argv[3])])
base = Path(sys.argv[2]).as_uri() + "/"
document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render()
data = document.write_pdf()
print(json.dumps({"total": time.perf_counter() - started, "pages": len(document.pages),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_book(folder: Path, chapters: int) -> Path:
    """A manuscript of ``chapters`` chapters, each the seed's text and notes."""
    lines = [ln for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    body = [ln for ln in lines[3:] if not re.match(r"^\d+\.\s", ln)]
    notes = [re.match(r"^(\d+)\.\s+(.*)$", ln).groups() for ln in lines[3:] if re.match(r"^\d+\.\s", ln)]
    text = "\n\n".join(re.sub(r"\s*\[(\d+)\]", r"[^\1] ", ln) for ln in body)
    text = text.replace("Late May 1945", "Late May 1945[^1]", 1)
    definitions = "\n\n".join(f"[^{n}]: {t}" for n, t in notes)
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number in range(1, chapters + 1):
        name = f"chapter-{number:03d}.md"
        (folder / name).write_text(f"# Chapter {number}\n\n{text}\n\n{definitions}\n", encoding="utf-8")
        entries.append(f'[[contents]]\nfile = "{name}"\nkind = "chapter"\n')
    (folder / "book.toml").write_text(
        f'title = "Benchmark of {chapters} Chapters"\nlanguage = "en"\n'
        'identifier = "urn:uuid:2f1d7c52-8a53-4c1e-9d57-0b9f3c1e5a77"\ndate = "2026"\n'
        '[[creators]]\nname = "Victor Serge"\nrole = "author"\n\n' + "\n".join(entries),
        encoding="utf-8",
    )
    return folder


def run_json(code: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pandoc_epub(folder: Path, out: Path) -> float:
    import pypandoc

    files = sorted(str(p) for p in folder.glob("chapter-*.md"))
    started = time.perf_counter()
    pypandoc.convert_file(files, "epub3", outputfile=str(out), extra_args=["--metadata", "title=Benchmark"])
    return time.perf_counter() - started


def bench(chapters: int, work: Path) -> dict:
    folder = make_book(work / f"book-{chapters}", chapters)
    full = run_json(BUILD, str(folder), str(work / f"dist-{chapters}"), "epub,pdf,archive")
    epub_only = run_json(BUILD, str(folder), str(work / f"epub-{chapters}"), "epub")
    alone = run_json(
        WEASYPRINT_ALONE, str(work / f"dist-{chapters}" / "print.html"), str(folder), str(ROOT / "styles")
    )
    pandoc = pandoc_epub(folder, work / f"pandoc-{chapters}.epub")
    return {"chapters": chapters, "full": full, "epub_only": epub_only, "weasyprint": alone, "pandoc": pandoc}


def report(rows: list[dict]) -> str:
    out = [
        f"# octavo benchmark\n\nMachine: {platform.node()} — {platform.platform()}, "
        f"Python {platform.python_version()}, {__import__('os').cpu_count()} cores\n"
    ]
    for row in rows:
        full, alone = row["full"], row["weasyprint"]
        out.append(f"## {row['chapters']} chapters, {full['pages']} pages\n")
        out.append("| measure | seconds |\n| --- | ---: |")
        out.append(f"| full build (EPUB, PDF, cover, archive, bag) | {full['total']:.2f} |")
        for name, seconds in full["stages"].items():
            out.append(f"| stage: {name} | {seconds:.2f} |")
        out.append(f"| EPUB-only build | {row['epub_only']['total']:.2f} |")
        out.append(f"| WeasyPrint alone, same HTML ({alone['pages']} pages) | {alone['total']:.2f} |")
        out.append(f"| Pandoc EPUB, same Markdown | {row['pandoc']:.2f} |\n")
        out.append("| ratio | value | target |\n| --- | ---: | ---: |")
        out.append(f"| full build / WeasyPrint alone | {full['total'] / alone['total']:.2f} | ≤ 1.25 |")
        out.append(f"| EPUB-only / Pandoc EPUB | {row['epub_only']['total'] / row['pandoc']:.2f} | ≤ 0.5 |")
        out.append(
            f"| peak memory / WeasyPrint alone ({full['rss_mb']:.0f} / {alone['rss_mb']:.0f} MB) | "
            f"{full['rss_mb'] / alone['rss_mb']:.2f} | ≤ 1.3 |\n"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, nargs="+", default=[40, 120])
    parser.add_argument("--results", type=Path, default=None, help="also write the report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [bench(n, Path(tmp)) for n in args.chapters]
    text = report(rows)
    print(text)
    if args.results:
        args.results.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
