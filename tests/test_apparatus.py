"""Issue 18, acceptance 1: the whole apparatus in one book (tests/books/apparatus, written by
tests/make_apparatus.py): 40 page references, 6 figures and 4 tables numbered and referred to,
a 150-entry index and 60 citations in a note style. Every printed page number is checked
against where its target or marked word is in the PDF's text; the EPUB's locators show the
same labels and lead to the marks; EPUBCheck and the print fidelity referee pass."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, build_book, fidelity_problems
from test_epub import epubcheck_counts
from test_index import _texts, check_locators

BOOK = ROOT / "tests" / "books" / "apparatus"
REF = re.compile(r"Ref(\d+)\s+on\s+p\.\s*([0-9ivxlc]+)\b")


@pytest.fixture(scope="module")
def apparatus(tmp_path_factory: pytest.TempPathFactory):
    return build_book(BOOK, tmp_path_factory.mktemp("apparatus") / "dist")


def _flat(texts: list[str]) -> list[str]:
    return [" ".join(t.split()) for t in texts]


def test_every_page_reference_prints_its_targets_page(apparatus) -> None:
    texts, labels = _texts(apparatus.pdf)
    flat = _flat(texts)
    end = next(i for i, t in enumerate(flat) if t.startswith("Bibliography"))
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(BOOK.glob("*.md")))
    target_of = {int(k): t for k, t in re.findall(r"\[Ref(\d+) on p\.\]\(#([^)]+)\)", source)}
    assert len(target_of) == 40

    def page_of(target: str) -> str:
        if target.startswith("fig:"):
            word = f"Plate Fig{target.removeprefix('fig:p')} of"
        elif target.startswith("tbl:"):
            word = f"Members Tab{target.removeprefix('tbl:m')}"
        else:
            word = f"Tgt{target.removeprefix('t')}"
        pages = [i for i, t in enumerate(flat[:end]) if re.search(rf"{re.escape(word)}\b", t)]
        assert pages, target
        return labels[pages[0]]

    printed = {int(k): folio for t in flat[:end] for k, folio in REF.findall(t)}
    assert set(printed) == set(target_of)
    wrong = {k: (printed[k], page_of(t)) for k, t in target_of.items() if printed[k] != page_of(t)}
    assert not wrong, wrong


def test_figures_and_tables_are_numbered_and_referred_to(apparatus) -> None:
    texts, _ = _texts(apparatus.pdf)
    text = " ".join(_flat(texts))
    for n in range(1, 7):
        assert f"Figure {n}. Plate Fig" in text and f"As Figure {n} shows" in text
    for n in range(1, 5):
        assert f"Table {n}. Members Tab" in text and f"Table {n} lists them" in text


def test_every_index_locator_is_where_the_marked_word_is(apparatus) -> None:
    entries, checked = check_locators(apparatus.pdf, apparatus.epub, "Rsub", "Rend")
    assert len([e for e in entries if e.startswith("Qname") and "!" not in e]) == 150
    assert checked >= 150


def test_sixty_citations_are_notes_and_a_bibliography(apparatus) -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(BOOK.glob("*.md")))
    assert len(re.findall(r"\[(?:see )?-?@\w+", source)) == 60
    with zipfile.ZipFile(apparatus.epub) as z:
        documents = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    cited = sum(d.count('<span class="citation">') for d in documents.values())
    assert cited >= 60
    bibliography = documents["EPUB/text/bibliography.xhtml"]
    assert bibliography.count('class="csl-entry"') == 7


def test_the_epub_passes_epubcheck_and_the_print_its_referee(apparatus) -> None:
    counts, lines = epubcheck_counts(apparatus.epub)
    assert counts["ERROR"] == counts["FATAL"] == counts["WARNING"] == 0, lines
    assert fidelity_problems(apparatus.result, apparatus.pdf) == []


def test_the_book_is_what_its_generator_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/books/apparatus is make_apparatus.py's output, byte for byte (the generator is seeded)."""
    import make_apparatus

    monkeypatch.setattr(make_apparatus, "BOOK", tmp_path / "apparatus")
    make_apparatus.main()
    for path in sorted(BOOK.rglob("*")):
        if path.is_file():
            assert (tmp_path / "apparatus" / path.relative_to(BOOK)).read_bytes() == path.read_bytes(), path
