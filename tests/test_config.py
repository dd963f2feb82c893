"""book.toml validation: one pass, every problem with its line, unknown keys refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.config.book import check_identifier, language_problem, load_config
from octavo.config.isbn import isbn_valid
from octavo.diagnostics import Diagnostics


def load(tmp_path: Path, text: str) -> tuple[object, list[str]]:
    (tmp_path / "book.toml").write_text(text, encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    config = load_config(tmp_path, diags)
    return config, [f"{d.line}:{d.id}" for d in diags]


GOOD = """title = "T"
language = "en"
identifier = "urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10"
[[creators]]
name = "A"
role = "author"
[[contents]]
file = "a.md"
kind = "chapter"
"""


def test_good_config_loads(tmp_path):
    config, problems = load(tmp_path, GOOD)
    assert problems == [] and config.metadata.slug == "t"


def test_all_problems_reported_at_once_with_lines(tmp_path):
    text = GOOD.replace('language = "en"', 'language = "xx-!!"\ncolour = "red"')
    text = text.replace('role = "author"', 'role = "painter"\nshoe = 1')
    text = text.replace('kind = "chapter"', "kind = 3")
    config, problems = load(tmp_path, text)
    assert config is None
    assert sorted(problems) == sorted(
        [
            "3:config-unknown-key",
            "2:config-language",
            "8:config-unknown-key",
            "7:config-role",
            "11:config-type",
        ]
    )


def test_missing_required_keys(tmp_path):
    config, problems = load(tmp_path, 'subtitle = "S"\n')
    assert config is None
    assert {p.split(":")[1] for p in problems} == {"config-missing-key"}
    assert len(problems) == 5  # title, language, identifier, creators, contents


def test_invalid_toml_names_the_line(tmp_path):
    config, problems = load(tmp_path, 'title = "T"\nlanguage = \n')
    assert config is None and problems == ["2:config-syntax"]


@pytest.mark.parametrize(
    "value, ok",
    [
        ("isbn:9780306406157", True),
        ("isbn:978-0-306-40615-7", True),
        ("isbn:9780306406158", False),
        ("urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10", True),
        ("urn:uuid:not-a-uuid", False),
        ("just text", False),
    ],
)
def test_identifiers(value, ok):
    assert (check_identifier(value) is None) == ok


def test_isbn10():
    assert isbn_valid("0306406152") and not isbn_valid("0306406153")


@pytest.mark.parametrize("tag", ["en", "en-GB", "ru-Latn", "zh-Hant-TW", "de-CH-1996", "x-private"])
def test_language_tags_accepted(tag):
    assert language_problem(tag) is None


@pytest.mark.parametrize(
    "tag, suggestion",
    [
        ("fr_FR", "fr-FR"),  # CLDR/POSIX spelling: langcodes reads it, EPUBCheck refuses it
        ("zh_Hant_TW", "zh-Hant-TW"),
        ("fr FR", "fr-FR"),
        ("fr--FR", "fr-FR"),  # an empty subtag
        ("fr-", "fr"),  # a trailing hyphen
        ("-fr", "fr"),
        (" fr", "fr"),
        ("french", None),
        ("", None),
    ],
)
def test_malformed_language_tags_refused(tag, suggestion):
    why = language_problem(tag)
    assert why is not None and why.startswith(f"{tag!r} is not a valid BCP 47 language tag")
    if suggestion:
        assert why.endswith(f"did you mean {suggestion}?")
    else:
        assert "did you mean" not in why


def test_underscore_language_in_book_toml(tmp_path):
    config, problems = load(tmp_path, GOOD.replace('language = "en"', 'language = "fr_FR"'))
    assert config is None and problems == ["2:config-language"]
