"""Where a word may be hyphenated: TeX's patterns and exceptions, and octavo's word rules.

One ``Hyphenator`` per language serves both the paragraph planning
(``linebreak``) and WeasyPrint's own hyphenation (``patches``:
``tex-patterns``, ``hyphenator``), so the two never disagree.

Patterns. Pyphen ships LibreOffice's dictionaries; most are conversions of
TeX's hyph-utf8 patterns (fr, es, it, pl, pt, ru from their TeX files; en_US
is plain TeX's hyphen.tex with the TUGboat exception log turned into
patterns, which gets more of that log right than hyph-utf8's hyph-en-us).
German is the exception: LibreOffice's hyph_de_DE is a two-level file (a
compound list, then dehyphn.tex) that Pyphen reads as one, which breaks
Zusam-me-n-a-r-beit and Fort-s-chritt (Pyphen issue 24). German is therefore
hyphenated with TeX's own current patterns, hyph-de-1996.tex (2024-02-28,
MIT licence, shipped in ``hyphenation/``), read here with Liang's algorithm.

Exceptions. TeX hyphenates the words of its ``\\hyphenation`` list as listed
(``hyphenation/exceptions-en_US.txt``: plain TeX's list and the words of the
TUGboat hyphenation exception log that the patterns break wrongly).

Rules (Chicago Manual of Style 7.40 and 6.80): no break in a capitalised
word (a proper name; not in German or Luxembourgish, whose nouns all take a
capital), in a word with an apostrophe or a digit, nor within
``hyphenate-limit-chars`` (left and right here; the word length in
``points``). URLs are kept from hyphenation by print.css (``render.fit``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources

#: BCP 47 language (lower case) -> the patterns TeX uses for it, where Pyphen's own fallback picks
#: others: a Pyphen dictionary name, or a TeX pattern file of ``hyphenation/``. TeX's ``english``
#: (hyph-en-us, plain TeX's hyphen.tex) is American; Pyphen's bare ``en`` is its first en_* file,
#: the British patterns (initi-at-ive, cata-strophe). German: see the module's docstring.
TEX_PATTERNS = {
    "en": "en_US",
    "de": "hyph-de-1996.tex",
    "de_de": "hyph-de-1996.tex",
    "de_at": "hyph-de-1996.tex",
    "de_ch": "hyph-de-1996.tex",
}
#: Patterns -> the file of TeX's exceptions (``\\hyphenation{}`` words) that go with them.
EXCEPTIONS = {"en_US": "exceptions-en_US.txt"}
#: Languages that capitalise every noun: there a capital does not mark a proper name.
NOUNS_CAPITALISED = frozenset({"de", "lb"})
#: What a word may not hold to be hyphenated: a digit, an apostrophe.
_NOT_A_WORD = re.compile(r"[\d'’]")
#: A word of running text: letters, maybe joined by apostrophes.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def patterns(language: str) -> str | None:
    """The patterns a text in ``language`` (BCP 47, e.g. ``en``, ``fr-CA``) is hyphenated with:
    a Pyphen dictionary name (``en_US``, ``fr``) or a TeX file of ``hyphenation/``
    (``hyph-de-1996.tex``): ``TEX_PATTERNS``, else Pyphen's ``language_fallback``; None when
    there are none."""
    import pyphen

    known = {name.lower(): name for name in pyphen.LANGUAGES}
    parts = language.replace("-", "_").lower().split("_")
    while parts:  # the most specific first, as Pyphen's fallback (Unicode TR 35 truncation)
        tag = "_".join(parts)
        found = TEX_PATTERNS.get(tag) or known.get(tag)
        if found:
            return str(found)
        parts.pop()
    return None


def _data(name: str) -> str:
    return (resources.files("octavo.layout") / "hyphenation" / name).read_text(encoding="utf-8")


@functools.cache
def exceptions(name: str) -> dict[str, tuple[int, ...]]:
    """TeX's exception words for the patterns ``name``: lower-case word -> the character indexes
    it breaks before (``as-so-ciate`` -> ``(2, 4)``); empty when it has none."""
    file = EXCEPTIONS.get(name)
    if not file:
        return {}
    found: dict[str, tuple[int, ...]] = {}
    for line in _data(file).splitlines():
        for entry in line.partition("%")[0].split():
            parts = entry.lower().split("-")
            found["".join(parts)] = tuple(sum(map(len, parts[:i])) for i in range(1, len(parts)))
    return found


@functools.cache
def _tex(name: str) -> tuple[dict[str, tuple[int, ...]], int]:
    """A TeX pattern file's ``\\patterns{}``: letters -> the values between and around them."""
    text = re.sub(r"%.*", "", _data(name))
    found = re.search(r"\\patterns\s*\{(.*?)\}", text, re.S)
    if not found:
        raise ValueError(f"{name}: no \\patterns{{}}")
    table: dict[str, tuple[int, ...]] = {}
    for pattern in found.group(1).split():
        letters = re.sub(r"\d", "", pattern)
        values = [0] * (len(letters) + 1)
        position = 0
        for char in pattern:
            if char.isdigit():
                values[position] = int(char)
            else:
                position += 1
        table[letters] = tuple(values)
    return table, max(map(len, table))


def _liang(name: str, word: str) -> list[int]:
    """Liang's algorithm (TeX's, The TeXbook appendix H): the indexes of ``word`` (lower case) an
    odd value of the patterns ``name`` allows a break before."""
    table, longest = _tex(name)
    dotted = f".{word}."
    values = [0] * (len(dotted) + 1)
    for i in range(len(dotted)):
        for j in range(i + 1, min(len(dotted), i + longest) + 1):
            found = table.get(dotted[i:j])
            if found:
                for k, value in enumerate(found):
                    values[i + k] = max(values[i + k], value)
    return [i - 1 for i in range(2, len(dotted) - 1) if values[i] % 2]


class Hyphenator:
    """Where words of one language may break: ``positions`` and ``iterate`` as Pyphen's
    ``Pyphen`` has them (WeasyPrint calls ``iterate``), with TeX's exceptions and the word rules.

    ``name`` is what ``patterns`` gives; ``left``, ``right``: the fewest letters before and
    after a break (CSS ``hyphenate-limit-chars``). Raises KeyError for a name Pyphen lacks."""

    def __init__(self, name: str, left: int, right: int) -> None:
        import pyphen

        self.name, self.left, self.right = name, left, right
        self.language = re.split(r"[-_]", name.removeprefix("hyph-"))[0].lower()
        self.pyphen = None if name.endswith(".tex") else pyphen.Pyphen(lang=name, left=left, right=right)
        self.exceptions = exceptions(name)

    def positions(self, word: str) -> list[int]:
        """The indexes of ``word`` it may break before, in order; none for a capitalised word
        (outside ``NOUNS_CAPITALISED``), a word with a digit or an apostrophe."""
        if not word or _NOT_A_WORD.search(word):
            return []
        if word[0].isupper() and self.language not in NOUNS_CAPITALISED:
            return []
        lower = word.lower()
        if lower in self.exceptions:
            found = list(self.exceptions[lower])
        elif self.pyphen is not None:
            return [int(p) for p in self.pyphen.positions(word)]
        else:
            found = _liang(self.name, lower)
        return [p for p in found if self.left <= p <= len(word) - self.right]

    def iterate(self, word: str) -> Iterator[tuple[str, str]]:
        """The ways to break ``word``, the longest first part first (as ``Pyphen.iterate``)."""
        for position in reversed(self.positions(word)):
            yield word[:position], word[position:]


def dictionary(name: str, left: int, right: int) -> Hyphenator:
    """The ``Hyphenator`` of the patterns ``name`` (see ``patterns``) with these limits."""
    return _dictionary(name, left, right)


@functools.cache
def _dictionary(name: str, left: int, right: int) -> Hyphenator:
    return Hyphenator(name, left, right)


def points(text: str, language: str, limits: tuple[int, int, int] = (6, 3, 3)) -> set[int]:
    """Character indexes of ``text`` (running text in ``language``, BCP 47) before which a line
    may end with a hyphen: each word's ``Hyphenator.positions``, for words of at least
    ``limits[0]`` letters, ``limits[1]`` before and ``limits[2]`` after the break (CSS
    ``hyphenate-limit-chars``), none in a word touching a digit ("1930s", "A4")."""
    name = patterns(language)
    if not name:
        return set()
    total, left, right = limits
    hyphenator = dictionary(name, left, right)
    found: set[int] = set()
    for match in WORD.finditer(text):
        word = match.group()
        start, end = match.span()
        if len(word) < total:
            continue
        if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue
        found.update(start + p for p in hyphenator.positions(word))
    return found
