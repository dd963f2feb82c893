"""--proofs: one PNG per spread of the interior, the cover, and a contact sheet."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT
from PIL import Image, ImageChops, ImageStat

from octavo.writers.proofs import spreads, write_proofs


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


def test_readme_pictures_are_the_pipelines_own_proofs(seed_book, tmp_path):
    """Every docs/proofs picture the README shows is what --proofs makes of the seed book today."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"\]\((docs/proofs/[^)]+\.png)\)", readme)
    assert len(shown) >= 4
    write_proofs(seed_book.pdf, seed_book.pdf.with_name("on-james-burnham-cover.pdf"), tmp_path)
    for picture in shown:
        made = tmp_path / Path(picture).name
        assert made.is_file(), f"{picture} is not a name --proofs writes"
        with Image.open(ROOT / picture) as committed, Image.open(made) as fresh:
            assert committed.size == fresh.size, picture
            difference = ImageStat.Stat(ImageChops.difference(committed.convert("RGB"), fresh.convert("RGB")))
            assert max(difference.mean) < 1.0, f"{picture} no longer matches the proofs: copy it again"
