#!/usr/bin/env python3
"""Benchmark octavo on long books made from the seed text, against WeasyPrint alone and Pandoc.

    python benchmarks/bench.py [--chapters 40 120] [--catalogue 8] [--repeat 2] [--check-runs 5]
                               [--results FILE]

For each size it generates a manuscript of N chapters (each the seed text with
all its notes), builds it in a fresh process, and reports total time, time
per stage and pages (the fastest of --repeat runs that are not watched,
each from scratch), and peak memory (in a
second run whose process tree's PSS is read every 50 ms); then, in the same
run: WeasyPrint alone laying out and writing the same final print HTML
(timed and watched the same way);
Pandoc (PyPI pypandoc-binary) making the EPUB of the same Markdown; an
EPUB-only build from scratch (with the print page-list, which needs a print
layout; and as a title without a print edition, which needs none) and one
whose print layout is cached; a
no-op rebuild through the command line (the whole command, interpreter
start included); and a rebuild after an EPUB-only stylesheet edit. Then a
catalogue of small books built one after another and on every core, and
``--check`` of the seed book (the whole command, --check-runs times). It
prints the ratios the speed issue asks for. The full build's table also
times the print fidelity referee on its PDF (apart from the total).
Nothing is asserted: the numbers are for reading and committing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
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
from octavo.build.pipeline import BuildOptions, build
import octavo.build.sidejob, octavo.inspect.preflight, octavo.layout.interior, octavo.writers.deposit
import octavo.writers.pdf, octavo.writers.proofs  # imported by build() when it lays out: not timed
formats = tuple(sys.argv[3].split(","))
styles = Path(sys.argv[4]) if len(sys.argv) > 4 else None
started = time.perf_counter()
options = BuildOptions(manuscript=Path(sys.argv[1]), out=Path(sys.argv[2]), formats=formats, styles=styles)
result = build(options)
total = time.perf_counter() - started
if result.layout is not None:
    Path(sys.argv[2], "print.html").write_text(result.layout.html, encoding="utf-8")
fidelity = problems = None
pdf = next((p for p in result.outputs if result.kinds[p] == "pdf"), None)
if pdf is not None:  # the fidelity referee on the print PDF, apart
    from octavo.inspect.fidelity import print_problems
    checked = time.perf_counter()
    problems = len(print_problems(pdf, result.book, result.print_options, result.pages))
    fidelity = time.perf_counter() - checked
mb = lambda who: resource.getrusage(who).ru_maxrss / 1024
print(json.dumps({"total": total, "stages": result.timings, "pages": result.pages,
                  "fidelity": fidelity, "fidelity_problems": problems,
                  "laid_out": result.layout is not None,
                  "renders": result.layout.passes if result.layout is not None else 0,
                  "corrections": result.layout.corrections if result.layout is not None else 0,
                  "rss_mb": mb(resource.RUSAGE_SELF) + mb(resource.RUSAGE_CHILDREN),
                  "self_mb": mb(resource.RUSAGE_SELF), "child_mb": mb(resource.RUSAGE_CHILDREN)}))
"""

WEASYPRINT_ALONE = """
import json, resource, sys, time
import weasyprint
from octavo.layout.fetch import SafeFetcher
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


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                stack += [int(c) for c in (task / "children").read_text().split()]
    return found


def _pss_mb(pids: list[int]) -> float:
    """Proportional set size of these processes, in MB: shared pages are counted once in all."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return total / 1024


def run_json(code: str, *args: str, sample: bool = False) -> dict:
    """Run ``code`` in a fresh interpreter and return its JSON line.

    With ``sample``, also the peak PSS of its process tree, read every 50 ms.
    Reading smaps takes the measured process's memory lock and slows it, so
    times come from runs without sampling and memory from runs with it.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    peak = 0.0
    while proc.poll() is None:
        if sample:
            peak = max(peak, _pss_mb(_tree(proc.pid)))
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    if proc.returncode:
        raise SystemExit(stderr)
    data = json.loads(stdout.strip().splitlines()[-1])
    data["pss_mb"] = peak
    return data


def pandoc_epub(folder: Path, out: Path) -> float:
    """Pandoc's EPUB of the same chapters (--file-scope: notes are numbered per file, as octavo does)."""
    import pypandoc

    files = sorted(str(p) for p in folder.glob("chapter-*.md"))
    started = time.perf_counter()
    pypandoc.convert_file(
        files,
        "epub3",
        outputfile=str(out),
        extra_args=["--file-scope", "--quiet", "--metadata", "title=Benchmark"],
    )
    return time.perf_counter() - started


def cli_seconds(*args: str) -> float:
    """Wall time of one whole ``python build.py`` command."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return time.perf_counter() - started


def bench(chapters: int, work: Path, repeat: int) -> dict:
    folder = make_book(work / f"book-{chapters}", chapters)
    dist = work / f"dist-{chapters}"
    fulls, alones = [], []
    for _ in range(repeat):  # interleaved, so that a slow spell of the machine hits both
        shutil.rmtree(dist, ignore_errors=True)  # every full build from scratch
        fulls.append(run_json(BUILD, str(folder), str(dist), "epub,pdf,archive"))
        alones.append(run_json(WEASYPRINT_ALONE, str(dist / "print.html"), str(folder), str(ROOT / "styles")))
    full = min(fulls, key=lambda r: r["total"])
    alone = min(alones, key=lambda r: r["total"])
    watched = run_json(BUILD, str(folder), str(work / "watched"), "epub,pdf,archive", sample=True)
    full["pss_mb"] = watched["pss_mb"]
    alone["pss_mb"] = run_json(
        WEASYPRINT_ALONE, str(dist / "print.html"), str(folder), str(ROOT / "styles"), sample=True
    )["pss_mb"]
    epub_cold = run_json(BUILD, str(folder), str(work / f"epub-{chapters}"), "epub")
    ebook_only = work / f"ebook-only-{chapters}"  # the same book as a title with no print edition
    shutil.copytree(folder, ebook_only)
    with (ebook_only / "book.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[epub]\npage_list = false\n")
    epub_no_pages = run_json(BUILD, str(ebook_only), str(work / f"ebook-only-out-{chapters}"), "epub")
    epub_cached = run_json(BUILD, str(folder), str(dist), "epub")  # the full build's layout is cached
    pandoc = pandoc_epub(folder, work / f"pandoc-{chapters}.epub")
    cli_seconds(str(folder), "--out", str(dist))  # records the CLI's cache key for the full formats
    noop = cli_seconds(str(folder), "--out", str(dist))
    styles = work / f"styles-{chapters}"
    shutil.copytree(ROOT / "styles", styles)
    styled = run_json(BUILD, str(folder), str(dist), "epub,pdf,archive", str(styles))  # lays out once
    with (styles / "css" / "epub.css").open("a", encoding="utf-8") as css:
        css.write("\np { hyphens: auto; }\n")
    css_edit = run_json(BUILD, str(folder), str(dist), "epub,pdf,archive", str(styles))
    return {
        "chapters": chapters,
        "full": full,
        "weasyprint": alone,
        "epub_cold": epub_cold,
        "epub_no_pages": epub_no_pages,
        "epub_cached": epub_cached,
        "pandoc": pandoc,
        "noop": noop,
        "css_edit": css_edit,
        "styled_laid_out": styled["laid_out"],
    }


def bench_catalogue(books: int, work: Path) -> dict:
    """``octavo catalogue`` of ``books`` copies of the seed book: one process, then one per core."""
    shelf = work / "shelf"
    for number in range(1, books + 1):
        shutil.copytree(
            ROOT / "manuscript", shelf / f"book-{number}", ignore=shutil.ignore_patterns("source")
        )
    serial = cli_seconds("catalogue", str(shelf), "--out", str(work / "cat-1"), "--jobs", "1")
    cores = os.cpu_count() or 1
    parallel = cli_seconds("catalogue", str(shelf), "--out", str(work / "cat-n"), "--jobs", str(cores))
    return {"books": books, "cores": cores, "serial": serial, "parallel": parallel}


def bench_check(runs: int) -> dict:
    """``build.py manuscript --check``, the whole command (interpreter start included), ``runs`` times."""
    times = sorted(cli_seconds(str(ROOT / "manuscript"), "--check") for _ in range(runs))
    return {"runs": runs, "fastest": times[0], "median": times[len(times) // 2], "slowest": times[-1]}


def machine() -> str:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in ln
        ),
        platform.processor() or "unknown CPU",
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"Machine: {platform.node()} — {cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; "
        f"{platform.platform()}, Python {platform.python_version()}; load average at start {load}\n"
    )


def report(
    rows: list[dict], catalogue: dict | None, started_on: str, repeat: int, check: dict | None = None
) -> str:
    out = [f"# octavo benchmark\n\n{started_on}"]
    if repeat > 1 and rows:
        out.append(
            f"Full build and WeasyPrint alone: the fastest of {repeat} runs each, interleaved "
            "(the other measures: one run).\n"
        )
    for row in rows:
        full, alone = row["full"], row["weasyprint"]
        out.append(f"## {row['chapters']} chapters, {full['pages']} pages\n")
        out.append("| measure | seconds |\n| --- | ---: |")
        out.append(f"| full build (EPUB, PDF, cover, archive, bag) | {full['total']:.2f} |")
        for name, seconds in full["stages"].items():
            out.append(f"| stage: {name} | {seconds:.2f} |")
        if full.get("fidelity") is not None:
            out.append(
                f"| fidelity referee on the print PDF, after the build "
                f"({full['fidelity_problems']} problems) | {full['fidelity']:.2f} |"
            )
        out.append(f"| WeasyPrint alone, same HTML ({alone['pages']} pages) | {alone['total']:.2f} |")
        out.append(
            f"| (WeasyPrint renders in the full build: {full['renders']}, of which "
            f"corrective layouts for notes: {full['corrections']}) | |"
        )
        out.append(
            f"| EPUB-only build, from scratch (lays the book out for the page-list) | "
            f"{row['epub_cold']['total']:.2f} |"
        )
        out.append(f"| EPUB-only build, print layout cached | {row['epub_cached']['total']:.2f} |")
        out.append(
            "| EPUB-only build, from scratch, title without a print edition "
            f"(`[epub] page_list = false`: no layout) | {row['epub_no_pages']['total']:.2f} |"
        )
        out.append(f"| Pandoc EPUB, same Markdown | {row['pandoc']:.2f} |")
        out.append(f"| no-op rebuild, whole `build.py` command | {row['noop']:.2f} |")
        out.append(
            f"| full rebuild after an EPUB-only CSS edit (laid out again: "
            f"{'yes' if row['css_edit']['laid_out'] else 'no'}) | {row['css_edit']['total']:.2f} |\n"
        )
        out.append("| ratio | value | target |\n| --- | ---: | ---: |")
        out.append(f"| full build / WeasyPrint alone | {full['total'] / alone['total']:.2f} | ≤ 1.25 |")
        out.append(
            f"| EPUB-only (layout cached) / Pandoc EPUB | "
            f"{row['epub_cached']['total'] / row['pandoc']:.2f} | ≤ 0.5 |"
        )
        out.append(
            f"| EPUB-only from scratch, no print page-list / Pandoc EPUB | "
            f"{row['epub_no_pages']['total'] / row['pandoc']:.2f} | ≤ 0.5 |"
        )
        out.append(
            f"| EPUB-only from scratch, with the print page-list (a print layout) / Pandoc EPUB | "
            f"{row['epub_cold']['total'] / row['pandoc']:.2f} | — |"
        )
        out.append(f"| no-op rebuild (s) | {row['noop']:.2f} | ≤ 0.3 |")
        out.append(
            f"| peak memory / WeasyPrint alone, PSS of the process tree read every 50 ms in a run of its own "
            f"({full['pss_mb']:.0f} / {alone['pss_mb']:.0f} MB) | "
            f"{full['pss_mb'] / alone['pss_mb']:.2f} | ≤ 1.3 |"
        )
        out.append(
            f"| max RSS, build + EPUB child (shared pages counted twice) / WeasyPrint alone "
            f"({full['self_mb']:.0f} + {full['child_mb']:.0f} / {alone['rss_mb']:.0f} MB) | "
            f"{full['rss_mb'] / alone['rss_mb']:.2f} | — |\n"
        )
    if catalogue:
        c = catalogue
        out.append(f"## Catalogue of {c['books']} books (the seed book, 24 pages each)\n")
        out.append("| measure | seconds |\n| --- | ---: |")
        out.append(f"| one after another (`--jobs 1`) | {c['serial']:.2f} |")
        out.append(f"| in parallel (`--jobs {c['cores']}`) | {c['parallel']:.2f} |\n")
        out.append(f"Speed-up on {c['cores']} cores: {c['serial'] / c['parallel']:.2f} × (target ≥ 1.7 ×)\n")
    if check:
        out.append(f"## `--check` of the seed book, whole `build.py` command ({check['runs']} runs)\n")
        out.append("| measure | seconds | target |\n| --- | ---: | ---: |")
        out.append(f"| fastest | {check['fastest']:.2f} | ≤ 0.5 |")
        out.append(f"| median | {check['median']:.2f} | |")
        out.append(f"| slowest | {check['slowest']:.2f} | |\n")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, nargs="*", default=[40, 120])
    parser.add_argument("--catalogue", type=int, default=8, help="books in the catalogue run (0: skip)")
    parser.add_argument("--results", type=Path, default=None, help="also write the report here")
    parser.add_argument("--repeat", type=int, default=2, help="runs of the full build and WeasyPrint alone")
    parser.add_argument(
        "--check-runs", type=int, default=5, help="runs of --check on the seed book (0: skip)"
    )
    args = parser.parse_args()
    started_on = machine()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [bench(n, Path(tmp), max(args.repeat, 1)) for n in args.chapters]
        catalogue = bench_catalogue(args.catalogue, Path(tmp)) if args.catalogue else None
    check = bench_check(args.check_runs) if args.check_runs else None
    text = report(rows, catalogue, started_on, max(args.repeat, 1), check)
    print(text)
    if args.results:
        args.results.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
