"""Write tests/books/apparatus: issue 18's test book of the whole scholarly apparatus at once.

    python tests/make_apparatus.py

A preface (roman folios) and four chapters of made-up prose holding 40 page references (to
spans, headings, figures, tables and notes, forward and back), 6 numbered figures and 4
numbered tables each referred to (``[](#fig:…)``), 150 index entries (sub-entries, ranges,
cross-references), and 60 citations of tests/books/citations' works in a note style; an index
and a bibliography close it. Every target and marked word is a made-up word unique to it
(``Tgt7``, ``Qname12``), so a test finds its page in the PDF's text. Deterministic (seeded):
running it again writes the same files. tests/test_apparatus.py builds and checks the book.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
BOOK = HERE / "books" / "apparatus"
WORDS = [
    "the",
    "state",
    "of",
    "things",
    "men",
    "power",
    "class",
    "order",
    "history",
    "labour",
    "party",
    "revolution",
    "after",
    "before",
    "between",
    "workers",
    "managers",
    "owners",
    "property",
    "control",
    "society",
    "future",
    "war",
    "peace",
    "nation",
    "plan",
    "economy",
    "freedom",
]
KEYS = ["burnham1941", "burnham1943", "orwell1946", "rizzi1939", "berle1932", "serge1951", "djilas1957"]
TOML = """# Issue 18's test book: page references, numbered figures and tables, an index and citations
# at once (written by tests/make_apparatus.py; tests/test_apparatus.py checks it).
title = "The Apparatus"
language = "en"
identifier = "urn:uuid:5d0c2f8e-1b7a-4e44-9d3c-0a1b2c3d4e5f"
date = "2026"
bibliography = "refs.json"
csl = "chicago-notes-bibliography"

[[creators]]
name = "Ada Reader"
role = "author"
{contents}
[[contents]]
kind = "bibliography"

[[contents]]
kind = "index"
"""


def filler(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def main() -> None:
    rng = random.Random(18)
    if BOOK.exists():
        shutil.rmtree(BOOK)
    (BOOK / "images").mkdir(parents=True)
    for n in range(6):  # flat plates at print resolution (1,500 px across the measure)
        Image.new("RGB", (1500, 700 + 60 * n), (90 + 20 * n, 100, 120)).save(
            BOOK / "images" / f"plate{n}.png"
        )
    shutil.copy(HERE / "books" / "citations" / "refs.json", BOOK / "refs.json")
    files = {"preface.md": ["# Preface"], **{f"c{i}.md": [f"# Chapter {i}"] for i in range(1, 5)}}
    names = list(files)
    notes: dict[str, list[str]] = {name: [] for name in names}
    for name in names:
        count = 10 if name == "preface.md" else 26
        files[name] += [filler(rng, 55) + "." for _ in range(count)]
    targets = 0

    def place(text: str, name: str | None = None) -> tuple[str, int]:
        name = name or rng.choice(names)
        at = rng.randrange(1, len(files[name]))
        while files[name][at].startswith(("#", "![", "|", "Table:")):
            at = rng.randrange(1, len(files[name]))
        files[name][at] += " " + text
        return name, at

    # 20 targets: spans, headings, notes
    for t in range(20):
        name = rng.choice(names)
        kind = t % 3
        if kind == 0:
            place(f"[Tgt{t}]{{#t{t}}} {filler(rng, 4)}.", name)
        elif kind == 1:
            at = rng.randrange(2, len(files[name]))
            files[name].insert(at, f"## Part Tgt{t} {{#t{t}}}")
        else:
            place(f"{filler(rng, 3)}.[^n{t}]", name)
            notes[name].append(f"[^n{t}]: A note on [Tgt{t}]{{#t{t}}} and {filler(rng, 8).lower()}.")
        targets += 1
    # 6 figures and 4 tables, each referred to in the text
    for n in range(6):
        name = names[1 + n % 4]
        files[name].insert(
            rng.randrange(2, len(files[name])),
            f"![Plate Fig{n} of the series](images/plate{n}.png){{#fig:p{n}}}",
        )
        place(f"As [](#fig:p{n}) shows (p. [](#fig:p{n}){{.pageref}}).")
    for n in range(4):
        name = names[1 + n % 4]
        rows = "\n".join(f"| {1930 + r} | {rng.randrange(10, 99)} |" for r in range(5))
        table = f"Table: Members Tab{n} {{#tbl:m{n}}}\n\n| Year | Members |\n|---|--:|\n{rows}"
        files[name].insert(rng.randrange(2, len(files[name])), table)
        place(f"[](#tbl:m{n}) lists them.")
    # 40 page references to the 20 targets, 6 figures and 4 tables
    ids = [f"t{t}" for t in range(20)] + [f"fig:p{n}" for n in range(6)] + [f"tbl:m{n}" for n in range(4)]
    for k in range(40):
        place(f"See [Ref{k} on p.](#{ids[k % len(ids)]}){{.pageref}}.")
    # 150 index entries: a fifth with a sub-entry, some ranges, some see-also
    for k in range(150):
        for _ in range(rng.randint(1, 3)):
            place(f"[Qname{k}]{{.index}} {filler(rng, 2).lower()}.")
        if k % 5 == 0:
            place(f'[Rsub{k}]{{index="Qname{k}!Rsub{k}"}}.')
        if k % 9 == 4:
            name = rng.choice(names[1:])
            at = rng.randrange(1, len(files[name]) - 3)
            while files[name][at].startswith(("#", "![", "|", "Table:")) or files[name][at + 3].startswith(
                ("#", "![", "|", "Table:")
            ):
                at = rng.randrange(1, len(files[name]) - 3)
            files[name][at] += f' [Qname{k} begins]{{index="Qname{k}" index-range=start}}.'
            files[name][at + 3] += f' It ends [Rend{k}]{{index="Qname{k}" index-range=end}}.'
        if k % 13 == 6:
            place(f'[Alias{k}]{{index-see="Alias{k}, see Qname{k}"}}.')
    # 60 citations in every form
    forms = ["[@{a}, {p}]", "[see @{a}, ch. 2; @{b}, {p}]", "[-@{a}, {p}]", "[@{a}]"]
    for c in range(60):
        a, b = rng.sample(KEYS, 2)
        place(forms[c % len(forms)].format(a=a, b=b, p=rng.randrange(3, 300)) + ".")
    contents = ""
    for name in names:
        kind = "preface" if name == "preface.md" else "chapter"
        text = "\n\n".join(files[name] + notes[name]) + "\n"
        (BOOK / name).write_text(text, encoding="utf-8")
        contents += f'\n[[contents]]\nfile = "{name}"\nkind = "{kind}"\n'
    (BOOK / "book.toml").write_text(TOML.format(contents=contents), encoding="utf-8")
    print(f"wrote {BOOK}: {targets} span/heading/note targets, 40 page references, 150 entries, 60 citations")


if __name__ == "__main__":
    main()
