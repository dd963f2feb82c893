"""The diagnostic ids no other test triggered, each triggered here, in-process and quickly.

``tests/test_registry.py`` fails on a registered id that no test asserts;
these are the ones that had none when the registry was made.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from conftest import ROOT, make_manuscript
from test_config import GOOD, load

import octavo.build.catalogue
import octavo.cli.preview
from octavo.cli import main
from octavo.cli.report import Row, referee_diagnostics
from octavo.diagnostics import Diagnostics, Severity
from octavo.inspect.referees import Verdict
from octavo.textio import read_text


def run(argv: list[str]) -> int:
    previous = signal.getsignal(signal.SIGTERM)  # a build installs its own handler
    try:
        return main(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


# -- book.toml


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('title = "T"', 'title = "  "', "1:config-empty"),
        ('language = "en"', 'language = "en"\nslug = "Not A Slug"', "3:config-slug"),
        ('kind = "chapter"', 'kind = "chapter"\n[print]\npaper = "papyrus"', "11:config-paper"),
        ('kind = "chapter"', 'kind = "chapter"\n[print]\nfont_size = 99', "11:config-range"),
        ('kind = "chapter"', 'kind = "chapter"\n[archive]\npdfa = "1a"', "11:config-pdfa"),
    ],
)
def test_one_value_checks_of_book_toml(tmp_path: Path, old: str, new: str, expected: str):
    assert old in GOOD
    config, problems = load(tmp_path, GOOD.replace(old, new))
    assert config is None and problems == [expected]


# -- reading files


def test_a_file_gone_before_it_is_read_is_file_missing(tmp_path: Path):
    diags = Diagnostics(root=tmp_path)
    (tmp_path / "folder.md").mkdir()
    assert read_text(tmp_path / "gone.md", diags) is None
    assert read_text(tmp_path / "folder.md", diags) is None
    assert [(d.id, d.message) for d in diags] == [
        ("file-missing", "file not found"),
        ("file-missing", "is a directory, not a file"),
    ]


def test_a_file_the_system_will_not_read_is_file_unreadable(tmp_path: Path):
    diags = Diagnostics(root=tmp_path)
    assert read_text(tmp_path / ("a" * 300 + ".md"), diags) is None  # neither absent nor a folder
    assert [(d.id, d.message) for d in diags] == [("file-unreadable", "cannot be read: File name too long")]


def test_an_empty_note_is_note_empty(tmp_path: Path, capsys):
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nA call.[^a]\n\n[^a]:\n"})
    assert run([str(ms), "--check"]) == 1
    assert "ms/one.md:5: note-empty: footnote [^a] has no text" in capsys.readouterr().err


# -- the styles folder


def _styles_without(styles: Path) -> Path:
    (styles / "css" / "print.css").unlink()
    (styles / "css" / "epub.css").unlink()
    os.symlink("/etc/hostname", styles / "css" / "epub.css")
    for font in (styles / "fonts").iterdir():
        if font.suffix in (".ttf", ".otf"):
            font.unlink()
    return styles


def test_a_styles_folder_without_what_octavo_needs(tmp_path: Path, styles_copy: Path, capsys):
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nText.\n"})
    styles = _styles_without(styles_copy)
    assert run([str(ms), "--check", "--styles", str(styles)]) == 1
    err = capsys.readouterr().err
    # named from the manuscript's parent folder, but the link, whose resolved path is outside it
    assert "\nstyles/css/print.css: styles-missing: missing from the styles folder\n" in err
    assert f"{styles}/css/epub.css: styles-outside: leads outside the styles folder" in err
    assert "\nstyles/fonts: styles-no-font: the styles folder has no font (.ttf or .otf)\n" in err


def test_preview_refuses_a_styles_folder_that_is_not_there(tmp_path: Path, capsys):
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nText.\n"})
    assert run(["preview", str(ms), "--styles", str(tmp_path / "nowhere")]) == 1
    assert f"{tmp_path / 'nowhere'}: styles-missing: styles folder not found" in capsys.readouterr().err


# -- the preview and the referees


def test_a_bug_in_the_preview_render_is_internal_error(tmp_path: Path, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(octavo.cli.preview, "render", broken)
    preview = octavo.cli.preview.Preview(tmp_path, ROOT / "styles")
    result = preview.rebuild()
    assert [(d.id, d.message, d.severity) for d in result.diagnostics] == [
        ("internal-error", "ZeroDivisionError: a bug", Severity.ERROR)
    ]


def test_a_referee_warning_is_a_warning_and_fails_nothing(tmp_path: Path):
    verdict = Verdict("EPUBCheck, accessibility claims", True, "no errors", warnings=("a usage note",))
    found = referee_diagnostics([Row(tmp_path / "x.epub", "epub", 10, referee=verdict)])
    assert [str(d) for d in found] == [
        f"{tmp_path / 'x.epub'}: warning: referee-warning: EPUBCheck, accessibility claims: a usage note"
    ]


# -- octavo new and octavo catalogue


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--title", " "], "new-title: the title must not be empty"),
        (["--author", ""], "new-author: the author must not be empty"),
    ],
)
def test_octavo_new_refuses_an_empty_title_or_author(tmp_path: Path, capsys, args, expected):
    folder = tmp_path / "book"
    assert run(["new", str(folder), *args]) == 1
    assert f"{folder}: {expected}; nothing was written" in capsys.readouterr().err
    assert not folder.exists()


def test_octavo_new_that_cannot_write_is_new_unwritable(tmp_path: Path, capsys):
    (tmp_path / "a-file").write_text("not a folder\n")
    folder = tmp_path / "a-file" / "book"
    assert run(["new", str(folder)]) == 1
    assert f"{folder}: new-unwritable: Not a directory; nothing was written" in capsys.readouterr().err


def test_catalogue_of_no_folder_or_no_book(tmp_path: Path, capsys):
    assert run(["catalogue", str(tmp_path / "nowhere")]) == 1
    assert f"octavo: {tmp_path / 'nowhere'}: catalogue-missing: not a folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert run(["catalogue", str(tmp_path / "empty")]) == 1
    assert (
        f"octavo: {tmp_path / 'empty'}: catalogue-empty: no folder with a book.toml"
        in capsys.readouterr().err
    )


def test_catalogue_on_a_cluster_without_dask(tmp_path: Path, capsys, monkeypatch):
    def no_dask(*args, **kwargs):
        raise ImportError("No module named 'dask'")

    monkeypatch.setattr(octavo.build.catalogue, "run_dask", no_dask)
    make_manuscript(tmp_path / "shelf" / "a", {"one.md": "# One\n\nText.\n"})
    assert run(["catalogue", str(tmp_path / "shelf"), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert "octavo: catalogue-cluster: --scheduler needs Dask: pip install 'octavo[cluster]'" in err
