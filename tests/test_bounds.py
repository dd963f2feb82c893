"""Issue 14: bounded input, nothing silently lost, every value ``--check`` accepts builds."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import BOOK_TOML, make_manuscript
from PIL import Image, ImageFile
from test_bad import png_bomb

from octavo.build.pipeline import LATEST, BuildOptions, build, build_timestamp
from octavo.check.lint import check_image_size
from octavo.config.book import ContentEntry, KeyLines, date_problem, load_config
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Metadata
from octavo.source.parse import parse_section
from octavo.source.rawhtml import block_nodes

CONTENTS = '\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n'


def parse_text(tmp_path: Path, text: str) -> tuple[str, list[str]]:
    """The section's text (all blocks) and its diagnostics."""
    path = tmp_path / "one.md"
    path.write_text(text, encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    section = parse_section(ContentEntry(Path("one.md"), "chapter", 1), path, "one", "en", diags)
    assert section is not None, [str(d) for d in diags]
    words = "".join(n.text for b in section.blocks for n in b.walk())
    return words, [str(d) for d in diags]


# -- item 3: void and self-closing raw HTML tags are removed alone ------------------

SELF_CLOSING = ["<embed src=x>", "<embed src='x.swf'/>", "<svg/>", "<iframe/>", "<math/>", "<template/>"]


@pytest.mark.parametrize("tag", SELF_CLOSING)
def test_text_after_a_void_or_self_closing_inline_tag_is_kept(tmp_path, tag):
    words, problems = parse_text(tmp_path, f"# One\n\nBefore {tag} after it, to the end.\n")
    assert "Before" in words and "after it, to the end." in words
    assert any("html-removed" in p for p in problems)
    assert not any("with its content" in p for p in problems), problems


@pytest.mark.parametrize("tag", [*SELF_CLOSING, "<object/>", "<script/>", "<style/>", "<noscript/>"])
def test_text_after_a_void_or_self_closing_tag_in_an_html_block_is_kept(tag):
    warned = []
    nodes = block_nodes(f"<p>Before {tag} after it.</p>\n", 1, lambda line, msg: warned.append(msg))
    words = "".join(n.text for b in nodes for n in b.walk())
    assert "Before" in words and "after it." in words
    assert warned


def test_an_element_with_content_still_goes_with_its_content(tmp_path):
    words, problems = parse_text(tmp_path, "# One\n\nA <svg><text>drawn</text></svg> B <embed src=x> C.\n")
    assert "drawn" not in words and "B" in words and "C." in words
    assert any("<svg> was removed with its content" in p for p in problems)


def test_an_unclosed_element_says_what_it_took(tmp_path):
    words, problems = parse_text(tmp_path, "# One\n\nA <svg> never closed, B.\n\nNext paragraph.\n")
    assert "never closed" not in words and "Next paragraph." in words
    assert any("one.md:3: warning: html-removed: <svg> is not closed in its paragraph" in p for p in problems)


# -- item 10: every value --check accepts builds ------------------------------------


@pytest.mark.parametrize(
    ("date", "ok"),
    [
        ("2026", True),
        ("2026-02", True),
        ("2024-02-29", True),
        ("2026-02-29", False),
        ("2026-13-45", False),
        ("0000", False),
        ("0001", True),
        ("9999-12-31", True),
        ("2026\n", False),
        ("2026-1-1", False),
    ],
)
def test_a_date_must_be_a_real_day(date, ok):
    assert (date_problem(date) is None) is ok


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("0001", datetime(1980, 1, 1, tzinfo=UTC)),
        ("1945-05", datetime(1980, 1, 1, tzinfo=UTC)),
        ("2026-03-04", datetime(2026, 3, 4, tzinfo=UTC)),
        ("9999", LATEST),
        ("", datetime(1980, 1, 1, tzinfo=UTC)),
    ],
)
def test_the_build_time_stays_in_the_years_a_zip_file_holds(date, expected, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    meta = Metadata(title="T", language="en", identifier="urn:x:y", creators=(), date=date)
    assert build_timestamp(Book(metadata=meta, sections=(), root=Path("."))) == expected


def test_source_date_epoch_is_kept_in_range_too(monkeypatch):
    meta = Metadata(title="T", language="en", identifier="urn:x:y", creators=())
    book = Book(metadata=meta, sections=(), root=Path("."))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999")
    assert build_timestamp(book) == LATEST
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_timestamp(book).year == 1980


def test_a_far_date_builds_every_output(tmp_path):
    """9999 and 0001 pass --check: the EPUB's zip, the PDFs' dates and the bag all take them."""
    for date in ("0001", "9999-12-31"):
        ms = make_manuscript(
            tmp_path / date,
            {"one.md": "# One\n\nText.\n"},
            toml=BOOK_TOML.replace('"2026"', f'"{date}"')
            + '\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n',
        )
        built = build(BuildOptions(manuscript=ms, out=tmp_path / f"dist-{date}"))
        assert {p.suffix for p in built.outputs} >= {".epub", ".pdf"}, date


@pytest.mark.parametrize("key", ["title", "subtitle", "description", "publisher"])
def test_a_control_character_in_any_string_is_refused_with_its_line(tmp_path, key):
    toml = (
        BOOK_TOML.replace('date = "2026"', f'date = "2026"\n{key} = "A \\u001b[31m red"')
        if key != "title"
        else (BOOK_TOML.replace('title = "A Test Book"', 'title = "A \\u0007 Book"'))
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nText.\n"}, toml=toml + CONTENTS)
    diags = Diagnostics(root=ms)
    assert load_config(ms, diags) is None
    line = next(i for i, text in enumerate(toml.splitlines(), 1) if text.startswith(key))
    assert [(d.id, d.line) for d in diags.errors] == [("control-char", line)]


def test_keylines_is_linear_on_a_long_line_of_spaces():
    """A header-like line of 200,000 spaces took minutes (a backtracking pattern)."""
    started = time.process_time()
    KeyLines("x = [\n[" + " " * 200_000 + "x\n]\n")
    assert time.process_time() - started < 1.0


def test_keylines_finds_tables_and_keys():
    keys = KeyLines(
        'a = 1\n[print] # comment\ntrim = "a5"\n[[contents]]\nfile = "x"\n[[ contents ]]\nfile = "y"\n'
    )
    assert (keys.of("a"), keys.of("trim", "print"), keys.of("file", "contents", 1)) == (1, 3, 7)
    assert keys.of("", "contents", 0) == 4


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("x = " + "[" * 33 + "]" * 33, "nesting-too-deep"),
        ("x = " + "{a = " * 33 + "1" + "}" * 33, "nesting-too-deep"),
        ("a" + ".a" * 16 + " = 1", "config-key-too-long"),
        ("[" + ".".join("t" * 17) + "]", "config-key-too-long"),
    ],
)
def test_book_toml_is_bounded_before_it_is_parsed(tmp_path, extra, problem):
    ms = make_manuscript(
        tmp_path / "ms", {"one.md": "# One\n\nText.\n"}, toml=extra + "\n" + BOOK_TOML + CONTENTS
    )
    diags = Diagnostics(root=ms)
    assert load_config(ms, diags) is None
    assert [(d.id, d.line) for d in diags.errors] == [(problem, 1)]


def test_the_bounds_leave_strings_and_ordinary_keys_alone(tmp_path):
    quoted = 'description = "' + "[{." * 200 + '"\n' + "rights = '''\n" + "[[[..." * 100 + "\n'''\n"
    ms = make_manuscript(
        tmp_path / "ms",
        {"one.md": "# One\n\nText.\n"},
        toml=quoted + "print.font_size = 10.5\n" + BOOK_TOML + CONTENTS,
    )
    diags = Diagnostics(root=ms)
    assert load_config(ms, diags) is not None, [str(d) for d in diags]


# -- item 7: a picture the PDF cannot decode is an error at --check -------------------


def image_problems(tmp_path: Path, make) -> list[tuple[str, str]]:
    path = tmp_path / "pic.png"
    make(path)
    diags = Diagnostics(root=tmp_path)
    check_image_size(tmp_path, path, tmp_path / "one.md", 3, diags)
    return [(d.id, d.severity.value) for d in diags]


def test_a_png_bomb_is_refused_without_being_decoded(tmp_path):
    tracemalloc.start()
    problems = image_problems(tmp_path, png_bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert ("image-too-large", "error") in problems
    assert peak < 50_000_000  # 2.7 GB decoded: the check reads the header only


def test_a_picture_between_pillows_two_bomb_limits_is_refused(tmp_path):
    """Pillow warns past 89.5 megapixels and refuses past twice that: the check refuses past the first."""
    problems = image_problems(tmp_path, lambda p: png_bomb(p, side=10_000))  # 100 megapixels
    assert problems == [("image-too-large", "error")]


def test_a_png_cut_short_is_damaged(tmp_path):
    def make(path: Path) -> None:
        Image.effect_noise((300, 300), 60).save(path)
        path.write_bytes(path.read_bytes()[:20_000])

    before = ImageFile.LOAD_TRUNCATED_IMAGES  # True once WeasyPrint is imported
    assert image_problems(tmp_path, make) == [("image-unreadable", "error")]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is before


def test_a_sound_picture_passes(tmp_path):
    assert image_problems(tmp_path, lambda p: Image.effect_noise((300, 300), 60).save(p)) == []
