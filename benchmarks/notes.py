#!/usr/bin/env python3
"""How a build grows with the number of notes in one chapter: time and memory per note.

    python benchmarks/notes.py [--sizes 250,1000,4000] [--formats epub,pdf] [--work DIR]

Each size is one chapter of paragraphs of 40 words, each calling one note
of 20 words (about four notes a page in print), built by ``octavo`` in a
fresh process with ``--only`` each format and ``--no-referees`` (the EPUB
without its page list, ``[epub] page_list = false``, which would lay out the
print too). A row gives
the CPU seconds of that process (user + system, from ``os.wait4``), its
peak resident memory (``ru_maxrss``, MB), both per note, and the pages of
the PDF. Linear growth keeps the per-note columns flat. The README's
"Limits" section quotes a run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SENTENCE = "the state of the revolution was not what its makers had said it would be in the end"


def make_book(folder: Path, notes: int) -> Path:
    """A manuscript of one chapter with ``notes`` paragraphs, each calling a note of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    words = (SENTENCE.split() * 3)[:40]
    paragraphs = [f"{' '.join(words)} {k}.[^n{k}]" for k in range(notes)]
    definitions = [f"[^n{k}]: Note {k}: {' '.join(words[:18])}." for k in range(notes)]
    text = "# Notes\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n\n".join(definitions) + "\n"
    (folder / "one.md").write_text(text, encoding="utf-8")
    (folder / "book.toml").write_text(
        f'title = "A Chapter of {notes} Notes"\nlanguage = "en"\n'
        'identifier = "urn:uuid:7a0c2b1e-3f4d-4e5a-8b6c-9d0e1f2a3b4c"\ndate = "2026"\n'
        '[[creators]]\nname = "Ada Writer"\nrole = "author"\n\n'
        '[epub]\npage_list = false\n\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n',
        encoding="utf-8",
    )
    return folder


def run(folder: Path, out: Path, fmt: str) -> dict:
    """Build ``fmt`` of ``folder`` in a fresh process: its CPU seconds, peak RSS (MB) and pages."""
    argv = [sys.executable, "build.py", str(folder), "--out", str(out), "--force", "--no-referees"]
    argv += ["--only", fmt, "--json"]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"{fmt} build of {folder} failed: {stdout[-2000:]}")
    pages = json.loads(stdout)["pages"] if fmt == "pdf" else None
    return {"cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250,1000,4000")
    parser.add_argument("--formats", default="epub,pdf")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    print("| notes | output | pages | CPU s | ms a note | peak RSS MB | kB a note |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        for size in (int(s) for s in args.sizes.split(",")):
            folder = make_book(work / f"notes-{size}", size)
            for fmt in args.formats.split(","):
                row = run(folder, work / f"dist-{size}-{fmt}", fmt)
                cpu, rss = row["cpu"], row["rss_mb"]
                per_note = f"{cpu:.1f} | {1000 * cpu / size:.2f} | {rss:.0f} | {1024 * rss / size:.1f}"
                print(f"| {size:,} | {fmt} | {row['pages'] or '-'} | {per_note} |", flush=True)


if __name__ == "__main__":
    main()
