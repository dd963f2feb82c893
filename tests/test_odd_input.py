"""Odd but acceptable input builds (BOM, CRLF, a 5,000-letter word); a failing PDF step writes nothing."""

from __future__ import annotations

import pytest
from conftest import MANUSCRIPT, build_book, make_manuscript


def test_bom_and_crlf_are_accepted_silently(tmp_path):
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nText.[^a]\n\n[^a]: Note.\n"})
    for path in (ms / "one.md", ms / "book.toml"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    built = build_book(ms, tmp_path / "dist", formats=("epub",), strict=True)
    assert built.epub.is_file() and not built.result.diagnostics.items


def test_a_five_thousand_character_word_builds(tmp_path):
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nBefore " + "x" * 5000 + " after.\n"})
    built = build_book(ms, tmp_path / "dist", formats=("pdf", "epub"))
    assert built.pdf.is_file() and built.epub.is_file()


def test_an_exception_in_the_pdf_step_after_the_epub_leaves_dist_untouched(tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    build_book(MANUSCRIPT, dist, formats=("epub", "pdf"))
    before = {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()}

    def broken(*args, **kwargs):
        raise RuntimeError("the PDF step failed")

    monkeypatch.setattr("octavo.writers.pdfpost.finish_print_pdf", broken)  # imported when used
    with pytest.raises(RuntimeError):  # force: the cached layout would spare the PDF step
        build_book(MANUSCRIPT, dist, formats=("epub", "pdf"), force=True)
    assert {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()} == before
    assert not list(dist.glob("*.octavo-tmp"))
