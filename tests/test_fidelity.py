"""No word of the source is lost: every word of the seed and its notes, in order, in both outputs."""

from __future__ import annotations

import pytest
from conftest import ROOT, SEED, build_book, fidelity_problems
from textutil import epub_streams, missing_in_order, pdf_streams, seed_streams


@pytest.fixture(scope="module")
def expected():
    return seed_streams(SEED)


def test_seed_copy_is_the_shared_seed():
    shared = SEED.parents[2].parent / "shared" / "seed" / SEED.name
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert SEED.read_bytes() == shared.read_bytes()


def test_epub_keeps_every_word(seed_book, expected):
    header, seed = expected
    got = epub_streams(seed_book.epub)
    assert not missing_in_order(header + seed.body, got.body)
    assert not missing_in_order(seed.notes, got.notes)
    assert len(seed.notes) > 50


def test_pdf_keeps_every_word(seed_book, expected):
    header, seed = expected
    got = pdf_streams(seed_book.pdf)
    assert not missing_in_order(header + seed.body, got.body)
    notes = [w for w in seed.notes if not w.isdigit()]
    assert not missing_in_order(notes, got.notes)


def test_a_lost_word_is_detected(expected):
    _, seed = expected
    damaged = list(seed.body)
    del damaged[len(damaged) // 2]
    assert missing_in_order(seed.body, damaged)


def test_a_word_broken_over_a_page_turn_above_list_markers_is_read_whole(tmp_path):
    """A book written by a new user (lists, quotations, subheads, notes): pages whose last line is
    broken by a hyphen carry list markers, which WeasyPrint draws after the page's text; the
    referee reads the lowest line last (``pagetext._last_line_last``) and joins the word with the
    next page's first, where it reported "collectivization" and "inhumanity" lost (exit 1)."""
    built = build_book(ROOT / "tests" / "books" / "lists-at-turns", tmp_path / "out", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
