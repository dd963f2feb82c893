"""--proofs: one PNG per spread of the interior, the cover, and a contact sheet."""

from __future__ import annotations

from PIL import Image

from octavo.proofs import spreads, write_proofs


def test_spread_pairing():
    assert spreads(1) == [(None, 0)]
    assert spreads(4) == [(None, 0), (1, 2), (3, None)]
    assert spreads(5) == [(None, 0), (1, 2), (3, 4)]


def test_proofs_of_the_seed_book(seed_book, tmp_path):
    written = write_proofs(seed_book.pdf, seed_book.pdf.with_name("on-james-burnham-cover.pdf"), tmp_path)
    pages = seed_book.result.pages
    spread_files = sorted(tmp_path.glob("spread-*.png"))
    assert len(spread_files) == len(spreads(pages)) == pages // 2 + 1
    assert (tmp_path / "cover.png").is_file() and (tmp_path / "contact-sheet.png").is_file()
    assert set(written) == {*spread_files, tmp_path / "cover.png", tmp_path / "contact-sheet.png"}
    with Image.open(spread_files[1]) as image:
        assert image.width > 1.2 * image.height  # two pages side by side
