"""Parser cases as fixture files: each ``fixtures/parse/X.md`` renders to ``X.html``.

Run ``pytest --update-goldens`` after a deliberate change and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.config.book import ContentEntry
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Metadata
from octavo.render.rules import EpubRenderer, PrintRenderer
from octavo.source.parse import parse_section

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
CASES = sorted(FIXTURES.glob("*.md"))


def render(path: Path) -> tuple[str, list[str]]:
    diags = Diagnostics(root=path.parent)
    section = parse_section(ContentEntry(Path(path.name), "chapter", 1), path, "s", "en", diags)
    meta = Metadata(title="T", language="en", identifier="urn:x:y", creators=())
    book = Book(metadata=meta, sections=(section,), root=path.parent)
    epub, printed = EpubRenderer(book), PrintRenderer(book)
    out = [
        f"<!-- title: {section.title} -->",
        *(f"<!-- {d.line}: {d.id}: {d.message} -->" for d in diags),
        "<!-- epub -->",
        str(epub.blocks(section.blocks)),
        str(epub.notes(section)),
        "<!-- print -->",
        str(printed.blocks(section.blocks)),
    ]
    return "\n".join(out) + "\n", [str(d) for d in diags]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_fixture(case: Path, update_goldens: bool):
    html, problems = render(case)
    golden = case.with_suffix(".html")
    if update_goldens:
        golden.write_text(html, encoding="utf-8")
    assert golden.exists(), f"no golden {golden.name}: run pytest --update-goldens and review it"
    assert all(f"{case.name}:" in p and "warning: html-removed" in p for p in problems), problems
    assert html == golden.read_text(encoding="utf-8")
