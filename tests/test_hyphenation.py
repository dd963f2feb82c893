"""Hyphenation: every break the line breaker may take is a correct one, for each shipped language.

The word lists (``fixtures/hyphenation/<language>.txt``) give each word's correct breaks and
their source. The breaks octavo allows are read through the line breaker's own function
(``linebreak._hyphen_points``) with print.css's ``hyphenate-limit-chars: 6 3 3``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from octavo.layout import hyphenate, linebreak

ROOT = Path(__file__).resolve().parent.parent
LISTS = Path(__file__).parent / "fixtures" / "hyphenation"
LIMITS = (6, 3, 3)
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "pl")


def _words(language: str) -> dict[str, set[int]]:
    """A list's words -> the indexes they may break before."""
    found: dict[str, set[int]] = {}
    for line in (LISTS / f"{language}.txt").read_text(encoding="utf-8").splitlines():
        for entry in line.partition("%")[0].split():
            word = entry.replace("-", "")
            found[word] = {m.start() - k for k, m in enumerate(re.finditer("-", entry))}
    return found


def _allowed(word: str, language: str) -> set[int]:
    style = {"hyphens": "auto", "lang": language, "hyphenate_limit_chars": LIMITS}
    return linebreak._hyphen_points(None, style, word)


def _shown(word: str, points: set[int]) -> str:
    for p in sorted(points, reverse=True):
        word = f"{word[:p]}-{word[p:]}"
    return word


def test_print_css_sets_tex_limits():
    css = (ROOT / "styles" / "css" / "print.css").read_text(encoding="utf-8")
    assert "hyphenate-limit-chars: 6 3 3;" in css


def test_english_list_is_long_enough():
    words = _words("en")
    assert len(words) >= 200
    for word in ("initiative", "contradictory", "bureaucratization", "catastrophe", "analysis"):
        assert word in words


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_wrong_break_point(language):
    """Every break the line breaker may take in a listed word is one the list allows (capitalised
    words are looked up in lower case here, German nouns as written: the capital rule is below)."""
    words = _words(language)
    assert len(words) >= 18
    wrong = []
    for word, correct in words.items():
        written = word if language == "de" else word.lower()
        allowed = _allowed(written, language)
        if not allowed <= correct:
            wrong.append(f"{_shown(word, allowed)} (right: {_shown(word, correct)})")
    assert not wrong, f"{len(wrong)} wrong: " + ", ".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_words_do_break(language):
    """The lists' words are hyphenated at all (a dictionary that gives nothing passes the test
    above): most long words get a break."""
    words = [w for w in _words(language) if len(w) >= 9]
    broken = [w for w in words if _allowed(w if language == "de" else w.lower(), language)]
    assert len(broken) >= 0.8 * len(words), (language, sorted(set(words) - set(broken)))


def test_review_words_break_the_american_way():
    """The breaks the print reviews found (initiat-ive, contradict-ory, bur-eaucratization,
    cata-strophe: Pyphen's British patterns) are not allowed."""
    assert not {5, 7} & _allowed("initiative", "en")
    assert 10 not in _allowed("contradictory", "en")
    assert 3 not in _allowed("bureaucratization", "en")
    assert 4 not in _allowed("catastrophe", "en")
    assert _allowed("catastrophe", "en") == {5, 8}


def test_tex_exceptions_win_over_the_patterns():
    """analy-sis, as-sist-ant, re-arrange (TeX's exceptions): Pyphen's patterns alone give
    anal-ysis, assis-tant, rear-range."""
    assert _allowed("analysis", "en") == {5}
    assert _allowed("assistant", "en") == {6}
    assert _allowed("rearrange", "en") == set()  # re-arrange: "re" is under 3 letters
    assert _allowed("present", "en") == _allowed("project", "en") == set()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Lenin's", "en"),
        ("Lenin’s", "en"),
        ("Constantinople", "en"),
        ("Washington", "en"),
        ("GOVERNMENT", "en"),
        ("government's", "en"),
        ("1930s", "en"),
        ("A4paper", "en"),
        ("Gouvernement", "fr"),
        ("Санкт-Петербург", "ru"),
    ],
)
def test_no_break_in_names_apostrophes_or_numbers(text, language):
    assert _allowed(text, language) == set()


def test_german_nouns_break_despite_their_capital():
    assert _allowed("Zusammenarbeit", "de") == {5, 8, 10}  # Zusam-men-ar-beit
    assert _allowed("Fortschritt", "de") == {4}  # Fort-schritt, not Fort-s-chritt


def test_short_words_and_manual_text_are_not_hyphenated():
    assert _allowed("table", "en") == set()  # under 6 letters
    style = {"hyphens": "manual", "lang": "en", "hyphenate_limit_chars": LIMITS}
    assert linebreak._hyphen_points(None, style, "catastrophe") == set()


def test_weasyprint_breaks_words_with_the_same_hyphenator():
    """WeasyPrint's own hyphenation (lines it fills itself) uses octavo's Hyphenator."""
    from octavo.layout import patches

    patches.apply()
    dictionary = patches._octavo_dictionary(hyphenate.patterns("en"), 3, 3)
    assert [first for first, _ in dictionary.iterate("analysis")] == ["analy"]
    assert list(dictionary.iterate("Lenin's")) == []
    assert "hyphenator" in patches.on()


@pytest.mark.parametrize(
    ("language", "wanted"),
    [("en", "en_US"), ("en-US", "en_US"), ("en-GB", "en_GB"), ("fr-CA", "fr"), ("de-AT", "hyph-de-1996.tex")],
)
def test_patterns_for_a_tag(language, wanted):
    assert hyphenate.patterns(language) == wanted
