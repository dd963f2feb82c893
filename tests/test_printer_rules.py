"""Preflight rules printers check (issue 19, "Printers"): pictures' resolution as printed, type
sizes, blank pages at the end; each fails on a crafted bad book (the seed and sampler: test_vendors)."""

from __future__ import annotations

from pathlib import Path

from conftest import BOOK_TOML, build_book, make_manuscript
from PIL import Image

from octavo.inspect.preflight import MAX_BLANK_END, check_blank_end, check_resolution, picture_sources

TEXT = "\n\n".join(
    " ".join(f"Sentence {i} of paragraph {p} fills the page with words." for i in range(12))
    for p in range(30)
)


def _rule(built, name: str):
    return next(r for r in built.result.preflight if r.rule == name)


def _picture_book(root: Path, width: int) -> Path:
    """A book with one picture ``width`` px wide (3:2), alone in its paragraph on line 5."""
    folder = make_manuscript(
        root, {"ch.md": f"# Pictures\n\nA line of text.\n\n![A gray field.](pic.png)\n\n{TEXT}\n"}
    )
    Image.new("L", (width, width * 2 // 3), 128).save(folder / "pic.png")
    return folder


def test_a_low_resolution_picture_fails_naming_its_line(tmp_path):
    built = build_book(
        _picture_book(tmp_path / "ms", 120), tmp_path / "dist", formats=("pdf",), preflight="kdp"
    )
    rule = _rule(built, "resolution")
    assert not rule.ok, rule
    assert "ch.md:5 (pic.png)" in rule.found and "96 ppi" in rule.found, rule  # CSS px: 96 a inch


def test_resolution_warns_from_200_and_passes_from_300(tmp_path):
    """A picture wider than the measure is set across it: 1,050 px on 4.2 in is 250 ppi (warn),
    1,500 px 357 ppi (pass). The rule reads the PDF's pictures, so both are checked on one file each."""
    warned = build_book(_picture_book(tmp_path / "a", 1050), tmp_path / "da", formats=("pdf",))
    result = check_resolution(warned.pdf, picture_sources(warned.result.book))
    assert result.ok and result.warn and "ch.md:5 (pic.png)" in result.found, result
    assert str(result).startswith("warn"), result
    sharp = build_book(_picture_book(tmp_path / "b", 1500), tmp_path / "db", formats=("pdf",))
    result = check_resolution(sharp.pdf, picture_sources(sharp.result.book))
    assert result.ok and not result.warn and result.found == "1 picture, all sharp", result


def test_notes_set_under_7_pt_fail(tmp_path, styles_copy):
    css = styles_copy / "css" / "print.css"
    css.write_text(css.read_text() + "\n.footnote { font-size: 5pt; }\n")
    folder = make_manuscript(
        tmp_path / "ms", {"ch.md": f"# Notes\n\nA called note.[^1]\n\n[^1]: A note.\n\n{TEXT}\n"}
    )
    built = build_book(folder, tmp_path / "dist", formats=("pdf",), preflight="kdp", styles=styles_copy)
    rule = _rule(built, "type-size")
    assert not rule.ok and "5 pt" in rule.found, rule
    plain = build_book(folder, tmp_path / "dist2", formats=("pdf",), preflight="kdp")
    assert _rule(plain, "type-size").ok, _rule(plain, "type-size")


def test_a_short_book_padded_to_the_minimum_fails_and_says_why(tmp_path):
    """Seven pages of a short book padded to KDP's 24: 17 blank pages at the end, more than
    Amazon's 10; the message says the minimum forced them. Without the minimum (IngramSpark's 18
    pages, a longer text) the padding stays within 10."""
    folder = make_manuscript(tmp_path / "ms", {"ch.md": "# Short\n\nA very short book.\n"})
    built = build_book(folder, tmp_path / "dist", formats=("pdf",), preflight="kdp")
    rule = _rule(built, "blank-end")
    assert not rule.ok and "minimum of 24 pages forces them" in rule.found, rule
    assert built.result.pages == 24
    assert int(rule.found.split()[0]) > MAX_BLANK_END
    lulu = build_book(folder, tmp_path / "dist-lulu", formats=("pdf",), preflight="lulu")
    rule = _rule(lulu, "blank-end")  # Lulu sets no limit: Amazon's, for a book sold there, warns
    assert rule.ok and rule.warn and "Amazon's limit" in rule.found, rule
    longer = make_manuscript(tmp_path / "ms2", {"ch.md": f"# Longer\n\n{TEXT}\n\n{TEXT}\n"})
    built = build_book(longer, tmp_path / "dist2", formats=("pdf",), preflight="kdp")
    assert _rule(built, "blank-end").ok, _rule(built, "blank-end")


def test_blank_end_counts_only_the_trailing_blank_pages(tmp_path):
    """A book's blank versos inside it are not counted: only the run at the end."""
    toml = (
        BOOK_TOML
        + '\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n\n[[contents]]\nfile = "b.md"\nkind = "chapter"\n'
    )
    folder = make_manuscript(
        tmp_path / "ms", {"a.md": f"# A\n\n{TEXT}\n", "b.md": f"# B\n\n{TEXT}\n"}, toml=toml
    )
    built = build_book(folder, tmp_path / "dist", formats=("pdf",), preflight="ingram")
    rule = check_blank_end(built.pdf, "ingram", built.result.pages)
    assert rule.ok and int(rule.found) <= 1, rule


def test_a_second_call_of_a_note_is_not_set_under_7_pt(tmp_path):
    """A note called again is recalled by its number (``note-recall``): the face's superior
    figures at the text's size, as the first call, not a figure at 0.65 em (6.5 pt at 10 pt)."""
    toml = BOOK_TOML + '\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n\n[print]\nfont_size = 10\n'
    text = "# A\n\nA note called once[^1] and again.[^1]\n\n> In a quotation, again.[^1]\n\n[^1]: The note.\n"
    folder = make_manuscript(tmp_path / "ms", {"a.md": text}, toml=toml)
    built = build_book(folder, tmp_path / "dist", formats=("pdf",), preflight="kdp")
    rule = _rule(built, "type-size")
    assert rule.ok, rule
