"""How octavo's parser grows on hostile input: a table of times at 1, 10, 100 and 500 kB.

Each row is a chapter made of one pattern repeated to the size, in
paragraphs of at most 200 kB (markdown-it's and CommonMark's known
pathological inputs, and octavo's own), parsed as
octavo parses a chapter (markdown-it, notes, raw HTML, the checks' patterns).
The last column is time(500 kB) / time(100 kB): linear growth gives 5.

    python benchmarks/limits.py [--sizes 1,10,100,500] [--only NAME]

Times are CPU seconds (``time.process_time``), the best of three; a size
that takes over 30 s ends its row. ``tests/test_growth.py`` asserts the
ratios; this script prints the numbers for the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from octavo.check.lint import check_images, check_typography
from octavo.config.book import ContentEntry
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Metadata
from octavo.source.parse import parse_section


def repeat(unit: str, head: str = "", tail: str = "") -> Callable[[int], str]:
    """A pattern: ``head``, ``unit`` repeated to ``size`` bytes, ``tail``."""
    return lambda size: head + unit * max(1, (size - len(head) - len(tail)) // len(unit.encode())) + tail


def nested(opening: str, middle: str, closing: str) -> Callable[[int], str]:
    def make(size: int) -> str:
        n = max(1, size // (len(opening) + len(closing)))
        return opening * n + middle + closing * n

    return make


def backticks(size: int) -> str:
    out, i = [], 1
    while sum(map(len, out)) < size:
        out.append("e" + "`" * i)
        i += 1
    return "".join(out)


def notes(size: int) -> str:
    n = max(1, size // 40)
    calls = " ".join(f"word[^{i}]" for i in range(n))
    return calls + "\n\n" + "".join(f"[^{i}]: Note {i}.\n" for i in range(n))


#: name -> chapter body of about ``size`` bytes (after "# Title\n\n")
PATTERNS: dict[str, Callable[[int], str]] = {
    "plain paragraphs": repeat("Ordinary words of a book, one after another, and a full stop.\n\n"),
    "nested brackets [[[a]]]": nested("[", "a", "]"),
    "nested strong/em *a **a": nested("*a **a ", "b", " a** a*"),
    "emphasis *a**a*": repeat("*a**a*"),
    "emphasis closers a_ ": repeat("a_ "),
    "emphasis openers _a ": repeat("_a "),
    "mismatched *a_ ": repeat("*a_ "),
    "multiple of 3 c* ": repeat("c* ", head="a**b"),
    "link openers [a": repeat("[a"),
    "link closers a]": repeat("a]"),
    "link openers, em closers [ a_": repeat("[ a_"),
    "[ (](": repeat("[ (]("),
    "[a](": repeat("[a]("),
    "unclosed link [a](<b": repeat("[a](<b"),
    "unclosed link [a](b": repeat("[a](b"),
    "image openers ![": repeat("!["),
    "runs of <": repeat("<"),
    "unclosed comments <!--": repeat("<!--", head="</"),
    "unclosed <?": repeat("<?"),
    "unclosed <!A": repeat("<!A "),
    "unclosed <![CDATA[": repeat("<![CDATA["),
    "tags <span a": repeat("<span a=1 "),
    "backtick runs": backticks,
    "quote markers > > >": repeat("> ", tail="a"),
    "list markers": repeat("- ", tail="a"),
    "quotes, many lines": repeat("> a\n"),
    "smart quotes \"a '": repeat("\"a 'b "),
    "note calls [^a": repeat("[^a"),
    "inline notes ^[": repeat("^["),
    "attributes {": repeat("[a]{"),
    "link reference definitions": repeat("[a]: /u\n[a]\n\n"),
    "table rows": repeat("| a | b |\n", head="| a | b |\n| - | - |\n"),
    "table columns": repeat("| a ", head="| h |\n| - |\n"),
    "dashes and dots": repeat("a--b---c...d.... "),
    "spaces": repeat(" ", head="a", tail="b"),
    "notes (40 bytes each)": notes,
}


def parse_once(folder: Path, text: str) -> float:
    """CPU seconds to parse ``text`` as a chapter and run the text checks on it."""
    path = folder / "one.md"
    path.write_text(text, encoding="utf-8")
    diags = Diagnostics(root=folder)
    started = time.process_time()
    section = parse_section(ContentEntry(Path("one.md"), "chapter", 1), path, "one", "en", diags)
    if section is not None:
        meta = Metadata(title="T", language="en", identifier="urn:x:y", creators=())
        book = Book(metadata=meta, sections=(section,), root=folder)
        check_typography(book, diags)
        check_images(book, diags)
    return time.process_time() - started


#: A chapter larger than this is made of paragraphs of this size: one paragraph
#: over 256 kB is refused (``paragraph-too-long``), and a chapter of many is what grows.
CHUNK = 200 * 1024


def chapter_text(make: Callable[[int], str], size: int) -> str:
    """A chapter of about ``size`` bytes of a pattern, in paragraphs of at most ``CHUNK``."""
    parts = [make(CHUNK)] * (size // CHUNK) + ([make(size % CHUNK)] if size % CHUNK else [])
    return "# Title\n\n" + "\n\n".join(parts) + "\n"


def measure(make: Callable[[int], str], kilobytes: int, folder: Path, repeats: int = 3) -> float:
    text = chapter_text(make, kilobytes * 1024)
    return min(parse_once(folder, text) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100,500", help="sizes in kB")
    parser.add_argument("--only", default=None, help="the patterns whose name contains this")
    parser.add_argument("--give-up", type=float, default=30.0, help="seconds after which a row ends")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| input | " + " | ".join(f"{s} kB" for s in sizes) + f" | {sizes[-1]}/{sizes[-2]} kB |")
    print("| --- |" + " ---: |" * (len(sizes) + 1))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, make in PATTERNS.items():
            if args.only and args.only not in name:
                continue
            times: list[float | None] = []
            for size in sizes:
                if times and (times[-1] is None or times[-1] > args.give_up):
                    times.append(None)
                    continue
                times.append(measure(make, size, folder, 3 if size <= 100 else 1))
            cells = [f"{t:.3f} s" if t is not None else "–" for t in times]
            last, before = times[-1], times[-2]
            ratio = f"{last / before:.1f}" if last is not None and before else "–"
            print(f"| {name} | " + " | ".join(cells) + f" | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
