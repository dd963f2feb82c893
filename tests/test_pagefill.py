"""Underfull pages: none in the seed book; a real hole is found in a book that has one."""

from __future__ import annotations

from conftest import build_book, make_manuscript

from octavo.layout import pagefill


def test_seed_book_has_no_underfull_page(seed_book):
    layout = seed_book.result.layout
    text_pages = pagefill.text_pages(seed_book.result.book, layout.document)
    assert len(text_pages) >= 5
    assert pagefill.underfull(seed_book.result.book, layout.document) == []


def test_a_pushed_paragraph_with_a_long_note_is_reported(tmp_path):
    filler = " ".join(["Some words of running text that fill the page."] * 70)
    note = " ".join(["A long note that cannot be split across pages."] * 40)
    text = f"# Hole\n\n{filler}\n\nA short paragraph with a call.[^n] {filler}\n\n[^n]: {note}\n"
    ms = make_manuscript(tmp_path / "ms", {"hole.md": text})
    built = build_book(ms, tmp_path / "out", formats=("pdf",))
    holes = pagefill.underfull(built.result.book, built.result.layout.document)
    assert holes, [
        str(f)
        for f in map(
            lambda i: pagefill.measure(built.result.layout.document.pages[i], i), range(built.result.pages)
        )
    ]
    assert all(h.fill < pagefill.UNDERFULL_FILL for h in holes)
