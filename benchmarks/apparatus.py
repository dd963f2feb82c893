#!/usr/bin/env python3
"""What page references and an index cost in layouts (issue 18, acceptance 4).

    python benchmarks/apparatus.py [--work DIR]

Builds the print PDF of three books, each in a fresh output folder (no layout kept from an
earlier build), and reports WeasyPrint's layouts (``Layout.passes``: every render, the notes',
figures' and grid's included), the layouts made again because a folio moved
(``Layout.folio_passes``) and the layout time:

- the seed manuscript, which has neither page references nor an index: it must be laid out
  no more than before issue 18 (``folio_passes`` 0);
- tests/test_pagerefs.py's book of 40 page references;
- tests/test_index.py's book of a 150-entry index;

then the index book again into the same folder after an edit far from its marks (a word
of its last paragraph): the folios kept from the first build are printed first, so no layout
is made again for them. Nothing is asserted: the numbers go in ``results-apparatus.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_index import index_book  # noqa: E402
from test_pagerefs import pageref_book  # noqa: E402

from octavo.build.pipeline import BuildOptions, build  # noqa: E402


def measure(manuscript: Path, out: Path) -> dict[str, float]:
    result = build(BuildOptions(manuscript=manuscript, out=out, formats=("pdf",)))
    layout = result.layout
    assert layout is not None
    return {
        "pages": result.pages,
        "layouts": layout.passes,
        "again for folios": layout.folio_passes,
        "folios": len(layout.folios),
        "layout s": round(result.timings["layout"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="octavo-apparatus-"))
    refs, _ = pageref_book(work / "pagerefs")
    index = index_book(work / "index", entries=150, paragraphs=60)
    rows = [
        ("seed (no references, no index)", measure(ROOT / "manuscript", work / "out-seed")),
        ("40 page references", measure(refs, work / "out-refs")),
        ("150-entry index", measure(index, work / "out-index")),
    ]
    last = index / "b.md"
    last.write_text(last.read_text(encoding="utf-8").rstrip("\n") + " Amended.\n", encoding="utf-8")
    rows.append(("index, rebuilt after an edit", measure(index, work / "out-index")))
    keys = list(rows[0][1])
    print("| book | " + " | ".join(keys) + " |")
    print("|---|" + "--:|" * len(keys))
    for name, row in rows:
        print(f"| {name} | " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
