"""The words octavo writes itself, in the book's language.

Every word octavo generates (the contents' title, title-page and copyright-page labels, the
colophon, the EPUB's navigation and landmark titles, its accessibility summary...) comes from one
table, ``en.toml``, translated key for key in a file per language beside it (``fr.toml``,
``de.toml``...). A region may add a file of its differences (``pt-BR.toml`` over ``pt.toml``).
The book's ``language`` (a BCP 47 tag) picks the table: ``fr-CA`` reads ``fr``, ``de-CH``
reads ``de``; a language without a table reads English (``config/book.py`` warns). ``book.toml``'s
``[strings]`` table overrides any key (``overrides``).

A value is a string, or a table of plural forms keyed by CLDR plural category (``one``, ``two``,
``few``, ``many``, ``other``; Unicode CLDR, "Language Plural Rules", via Babel), chosen by the
count ``n``; ``other`` is required and serves any category a table leaves out. ``{field}``s are
filled by ``str.format``; a translation uses only the fields of the English string. Counts
are written in the language's number format (CLDR decimal format, via Babel: "1 234" in French
with U+202F, "1.234" in German), lists joined by its list pattern ("A et B").
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import format_decimal

if TYPE_CHECKING:
    from octavo.model import Metadata

#: A string, or its plural forms: category -> string.
Value = str | Mapping[str, str]
#: ``[strings]`` overrides as ``Metadata`` holds them: hashable, in the order given.
Overrides = tuple[tuple[str, str | tuple[tuple[str, str], ...]], ...]

#: The languages with a table of their own (the region files are not counted).
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "pl")
#: The plural categories of CLDR.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@cache
def _file(name: str) -> dict[str, Value] | None:
    """The table in ``octavo/strings/<name>.toml``, or None when there is none."""
    resource = resources.files(__package__).joinpath(f"{name}.toml")
    if not resource.is_file():
        return None
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def english() -> dict[str, Value]:
    """The English table: every key octavo knows."""
    table = _file("en")
    assert table is not None, "octavo/strings/en.toml is missing"
    return table


def table_language(tag: str) -> str | None:
    """The table a BCP 47 tag reads: its primary language subtag when octavo has that table
    (``fr-CA`` -> ``fr``), else None (read English)."""
    primary = tag.split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def _region_file(tag: str) -> dict[str, Value]:
    """A region's differences (``pt-BR.toml``), or nothing."""
    parts = tag.split("-")
    if len(parts) < 2 or len(parts[1]) != 2:
        return {}
    return _file(f"{parts[0].lower()}-{parts[1].upper()}") or {}


def locale(tag: str) -> Locale:
    """Babel's locale for a tag (its CLDR data), English when CLDR does not know it."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en")


def fields(text: str) -> set[str]:
    """The ``{field}`` names of a string; ValueError when its braces are not a format string."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def value_fields(value: Value) -> set[str]:
    """The fields of a string or of all its plural forms."""
    texts = [value] if isinstance(value, str) else list(value.values())
    return set().union(*(fields(t) for t in texts))


class Strings:
    """One book's words: ``strings("contents")``, ``strings("a11y-headings", n=3)``.

    ``language`` is the book's tag; ``table`` every key of ``en.toml``, translated where the
    language's table (and then ``overrides``) says so. ``native``: the keys whose text is in the
    book's language, counted by its CLDR rules; the others are English and counted by English's
    (a language octavo has no table for: all but its ``[strings]``). Jinja2 templates call it
    as ``t(...)``.
    """

    def __init__(self, language: str, table: Mapping[str, Value], native: Iterable[str] | None = None):
        self.language = language
        self.table = dict(table)
        self.native = frozenset(self.table if native is None else native)
        self.english = locale("en")
        self.book_locale = locale(language)
        self.locale = self.book_locale if table_language(language) else self.english

    def _locale(self, key: str) -> Locale:
        return self.book_locale if key in self.native else self.english

    def number(self, n: int, key: str = "") -> str:
        """``n`` in the decimal format (CLDR) of the language ``key`` is written in (the book's
        when no key is named and octavo has its table)."""
        return format_decimal(n, locale=self._locale(key) if key else self.locale)

    def form(self, key: str, n: int) -> str:
        """The plural form of ``key`` for the count ``n``: CLDR's category for ``n`` in the
        language of the key's text, else ``other``. KeyError for a key ``en.toml`` does not have."""
        value = self.table[key]
        if isinstance(value, str):
            return value
        category = self._locale(key).plural_form(n)
        return value.get(category, value["other"])

    def __call__(self, key: str, n: int | None = None, **values: object) -> str:
        """The string ``key`` with its fields filled: ``n`` (a count, written in the language's
        number format, and choosing the plural form) and ``values``. KeyError for an unknown key."""
        text = self.form(key, n if n is not None else 1)
        if n is not None:
            values["n"] = self.number(n, key)
        return text.format(**values) if "{" in text else text

    def list(self, items: Iterable[str]) -> str:
        """Items joined as the language joins a list ("A, B and C"; CLDR list patterns)."""
        items = [str(i) for i in items]
        return format_list(items, locale=self.locale) if items else ""

    def chars(self) -> set[str]:
        """Every character the strings may write (for glyph coverage)."""
        found: set[str] = set()
        for value in self.table.values():
            for text in [value] if isinstance(value, str) else value.values():
                found.update(text)
        return found


def table(language: str) -> dict[str, Value]:
    """English's keys, with the language's table (and its region's) over them."""
    merged = dict(english())
    primary = table_language(language)
    if primary and primary != "en":
        merged.update(_file(primary) or {})
        merged.update(_region_file(language))
    return merged


@lru_cache(maxsize=32)
def strings(language: str, overrides: Overrides = ()) -> Strings:
    """The words of a book in ``language`` (BCP 47) with ``book.toml``'s ``[strings]`` over them
    (already checked by ``check_overrides``)."""
    merged = table(language)
    for key, value in overrides:
        merged[key] = value if isinstance(value, str) else dict(value)
    native = None if table_language(language) else [key for key, _ in overrides]
    return Strings(language, merged, native)


def for_metadata(meta: Metadata) -> Strings:
    """The words of the book ``meta`` describes."""
    return strings(meta.language, meta.strings)


def check_override(key: str, value: object, language: str) -> str | None:
    """Why ``[strings]``'s ``key = value`` cannot be used, or None: an unknown key, a value that
    is neither a string nor a table of plural forms (strings, CLDR categories of the language,
    ``other`` among them), a field the English string does not have, or braces that are not
    a format string (``{{`` writes a brace)."""
    known = english()
    if key not in known:
        return f"unknown key '{key}' in [strings] (the README's 'Generated words' lists them)"
    if isinstance(value, dict):
        allowed = {*locale(language).plural_form.tags, "other"}
        if "other" not in value:
            return f"'{key}' in [strings] needs an 'other' form"
        for category, text in value.items():
            if category not in allowed:
                return (
                    f"'{category}' is not a plural form of {language} for '{key}' "
                    f"(its forms: {', '.join(c for c in CATEGORIES if c in allowed)})"
                )
            if not isinstance(text, str):
                return f"'{key}.{category}' in [strings] must be a string"
    elif not isinstance(value, str):
        return f"'{key}' in [strings] must be a string or a table of plural forms"
    try:
        used = value_fields(value)
    except ValueError as exc:
        return f"'{key}' in [strings] is not a format string ({exc}; write {{{{ for a brace)"
    extra = used - value_fields(known[key]) - ({"n"} if isinstance(value, dict) else set())
    if extra:
        have = ", ".join(f"{{{f}}}" for f in sorted(value_fields(known[key]))) or "no fields"
        return f"'{key}' in [strings] uses {', '.join(f'{{{f}}}' for f in sorted(extra))} ({key} has {have})"
    return None
