"""The index a book's ``[[contents]] kind = "index"`` section holds, written from its marks.

Entries come from ``Book.index`` (``source/indexing.py``); each locator is
the print folio of the page where its mark landed (``folios``, read from the
layout as for page references: ``layout/pagerefs.py``). The house style is the
Chicago Manual of Style's (17th ed., chapter 16):

- entries and sub-entries sorted by the book language's collation (ICU, through PyICU:
  Spanish puts ñ after n, Swedish å after z), letter-by-letter as ICU compares
  whole strings, in letter groups (ICU's ``AlphabeticIndex`` for the language), the
  numerals and symbols first and other scripts last, without a letter (16.60);
- locators in page order, roman before arabic; a page given twice once; consecutive
  pages and marked ranges joined with an en dash, the second number shortened as
  Chicago 9.64 says (``inclusive``: 42–45, 101–8, 321–28, 1496–500);
- sub-entries on their own indented lines (the indented style, 16.24); "See" after
  an entry with no locators, "See also" after the locators, in italics (16.15–16.18).

Print: two columns, hanging indents (print.css ``.index``). EPUB: the structure of
EPUB Indexes 1.1 (``index-group``, ``index-entry-list``, ``index-entry``,
``index-term``, ``index-locator``, ``index-locator-range``, ``index-xref-preferred``,
``index-xref-related``) whose locators show the same folios and link to the marked
words; with ``numbered`` (no print page-list) they are numbered links, 1, 2, 3, in
the order of the marks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

from markupsafe import escape

from octavo.model import IndexMark
from octavo.render.pagerefs import roman_value


@dataclass
class Entry:
    """One entry or sub-entry: its term, its locators as (first mark id, last mark id: the same
    for a single page), its sub-entries by term, and its cross-references."""

    term: str
    locators: list[tuple[str, str]] = field(default_factory=list)
    subs: dict[str, Entry] = field(default_factory=dict)
    see: list[tuple[str, ...]] = field(default_factory=list)
    see_also: list[tuple[str, ...]] = field(default_factory=list)


def entries(marks: tuple[IndexMark, ...]) -> dict[str, Entry]:
    """The entries the marks make, by term (top level), sub-entries nested; a range is one
    locator from its start mark to its end mark."""
    top: dict[str, Entry] = {}

    def at(terms: tuple[str, ...]) -> Entry:
        level, entry = top, None
        for term in terms:
            entry = level.setdefault(term, Entry(term))
            level = entry.subs
        assert entry is not None
        return entry

    starts: dict[tuple[str, ...], list[str]] = {}
    for mark in marks:
        entry = at(mark.terms)
        if mark.kind == "see":
            if mark.target not in entry.see:
                entry.see.append(mark.target)
        elif mark.kind == "see also":
            if mark.target not in entry.see_also:
                entry.see_also.append(mark.target)
        elif mark.range == "start":
            starts.setdefault(mark.terms, []).append(mark.id)
        elif mark.range == "end":
            entry.locators.append((starts[mark.terms].pop(), mark.id))
        else:
            entry.locators.append((mark.id, mark.id))
    return top


@cache
def collator(language: str) -> Callable[[str], bytes]:
    """The sort key of the book language's collation (ICU; the root collation for a language
    ICU does not tailor)."""
    import icu

    instance = icu.Collator.createInstance(icu.Locale(language.replace("-", "_") or "root"))
    return instance.getSortKey  # type: ignore[no-any-return]


@cache
def _letter_index(language: str):  # type: ignore[no-untyped-def]
    import icu

    alphabet = icu.AlphabeticIndex(icu.Locale(language.replace("-", "_") or "root"))
    alphabet.addLabels(icu.Locale("en"))  # Latin letters in any book (names quoted in another script)
    return alphabet.buildImmutableIndex()


def letter(term: str, language: str) -> tuple[int, str]:
    """(the group's place, its letter) of a term in the language's alphabetic index: numerals
    and symbols in the first group, with no letter (""); a term in a script the index has no
    letters for (Cyrillic in an English book) after the others, under its own first letter."""
    index = _letter_index(language)
    place = index.getBucketIndex(term)
    label, kind = index.getBucket(place)
    if kind == 0:
        return place, label
    return place, term[:1].upper() if kind != 1 else ""  # 1: ICU's underflow (before "A")


def inclusive(first: int, last: int) -> str:
    """Chicago 9.64's inclusive numbers: the second number shortened (42–45, 100–104, 101–8,
    321–28, 498–532, 1496–500, 11564–615)."""
    if last <= first:
        return str(first)
    a, b = str(first), str(last)
    if first < 100 or first % 100 == 0 or len(b) != len(a):
        return f"{a}\u2013{b}"
    if first % 100 < 10:  # 101–109 in each hundred: the changed part only
        keep = 0
        while keep < len(a) and a[keep] == b[keep]:
            keep += 1
        return f"{a}\u2013{b[keep:]}"
    keep = 0  # 110–199 in each hundred: two digits, or more as needed
    while keep < len(a) - 2 and a[keep] == b[keep]:
        keep += 1
    return f"{a}\u2013{b[keep:]}"


def _number(folio: str) -> tuple[int, int] | None:
    """(style: 0 roman, 1 arabic, number) of a folio; None for "?" or another label."""
    if folio.isdigit():
        return 1, int(folio)
    value = roman_value(folio)
    return (0, value) if value else None


@dataclass(frozen=True)
class Locator:
    """A page or a run of pages an entry gives: its text and the marks it leads to."""

    text: str
    first: str  # the id of the first mark
    last: str  # the id of the last (the same for one page)


def locators(entry: Entry, folios: Mapping[str, str]) -> list[Locator]:
    """The entry's locators in page order: a page once, consecutive pages and ranges joined."""
    spans: list[tuple[tuple[int, int], tuple[int, int], str, str]] = []
    for first, last in entry.locators:
        a, b = _number(folios.get(first, "?")), _number(folios.get(last, "?"))
        if a is None or b is None:
            continue  # not laid out: the layout reports it (pageref-unstable at the mark)
        if b < a:  # an end before its start: each page on its own
            spans += [(a, a, first, first), (b, b, last, last)]
            continue
        spans.append((a, b, first, last))
    spans.sort()
    merged: list[tuple[tuple[int, int], tuple[int, int], str, str]] = []
    for a, b, first, last in spans:
        end = merged[-1][1] if merged else None
        if end is not None and (a <= end or a == (end[0], end[1] + 1)):  # within, or the next page
            start, end, opening, closing = merged[-1]
            merged[-1] = (start, b, opening, last) if b > end else (start, end, opening, closing)
            continue
        merged.append((a, b, first, last))
    found = []
    for a, b, first, last in merged:
        if a[0] == 0 or b[0] != a[0]:  # roman, or from the front matter into the text: both whole
            text = folios[first] if a == b else f"{folios[first]}\u2013{folios[last]}"
        else:
            text = inclusive(a[1], b[1])
        found.append(Locator(text, first, last))
    return found


class IndexWriter:
    """Writes the index's HTML: ``href`` gives a mark id's link; ``epub``: with EPUB Indexes
    1.1's ``epub:type``s; ``folios``: mark id -> folio, or None for numbered links; ``see``: the
    words "See" and "See also" in the book's language."""

    def __init__(
        self,
        marks: tuple[IndexMark, ...],
        language: str,
        href: Callable[[str], str],
        folios: Mapping[str, str] | None,
        epub: bool,
        see: tuple[str, str] = ("See", "See also"),
    ) -> None:
        self.top = entries(marks)
        self.see_words = see  # "See" and "See also" in the book's language
        self.key = collator(language)
        self.language = language
        self.href = href
        self.folios = folios
        self.epub = epub
        self.ids = {terms: f"ix-entry-{n}" for n, terms in enumerate(self._all_terms(), 1)}

    def _all_terms(self) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = []

        def walk(level: dict[str, Entry], path: tuple[str, ...]) -> None:
            for term in sorted(level, key=self.key):
                found.append((*path, term))
                walk(level[term].subs, (*path, term))

        walk(self.top, ())
        return found

    def _type(self, kind: str) -> str:
        return f' epub:type="{kind}"' if self.epub else ""

    def html(self) -> str:
        """The index: letter groups, each a list of entries."""
        groups: dict[tuple[int, str], list[str]] = {}
        for term in sorted(self.top, key=self.key):
            groups.setdefault(letter(term, self.language), []).append(term)
        out = []
        for (_, label), terms in sorted(groups.items()):
            heading = f'<h2 class="index-letter">{escape(label)}</h2>' if label else ""
            out.append(f'<section class="index-group"{self._type("index-group")}>{heading}')
            out.append(self._list([self.top[t] for t in terms], ()))
            out.append("</section>")
        return "".join(out)

    def _list(self, level: list[Entry], path: tuple[str, ...]) -> str:
        items = "".join(self._entry(entry, (*path, entry.term)) for entry in level)
        return f'<ul class="index-entries"{self._type("index-entry-list")}>{items}</ul>'

    def _entry(self, entry: Entry, path: tuple[str, ...]) -> str:
        parts = [f'<span class="index-term"{self._type("index-term")}>{escape(entry.term)}</span>']
        found = (
            locators(entry, self.folios)
            if self.folios is not None
            else [Locator(str(n), a, b) for n, (a, b) in enumerate(entry.locators, 1)]
        )
        for locator in found:
            parts.append(", " + self._locator(locator))
        see, see_also = self.see_words
        if entry.see and not found:
            parts.append(". " + self._xref(entry.see, see, "index-xref-preferred"))
        elif entry.see:
            parts.append(". " + self._xref(entry.see, see_also, "index-xref-related"))
        if entry.see_also and not found and not entry.see:  # no pages: "See", never "See also"
            parts.append(". " + self._xref(entry.see_also, see, "index-xref-preferred"))
        elif entry.see_also:
            parts.append(". " + self._xref(entry.see_also, see_also, "index-xref-related"))
        subs = [entry.subs[t] for t in sorted(entry.subs, key=self.key)]
        if subs:
            parts.append(self._list(subs, path))
        return (
            f'<li class="index-entry" id="{self.ids[path]}"{self._type("index-entry")}>{"".join(parts)}</li>'
        )

    def _locator(self, locator: Locator) -> str:
        first = f'<a href="{escape(self.href(locator.first))}"{self._type("index-locator")}>'
        if locator.first == locator.last or "\u2013" not in locator.text:
            return f"{first}{escape(locator.text)}</a>"
        start, end = locator.text.split("\u2013", 1)
        last = f'<a href="{escape(self.href(locator.last))}"{self._type("index-locator")}>'
        return (
            f'<span class="index-range"{self._type("index-locator-range")}>{first}{escape(start)}</a>'
            f"\u2013{last}{escape(end)}</a></span>"
        )

    def _xref(self, targets: list[tuple[str, ...]], word: str, kind: str) -> str:
        links = []
        for target in targets:
            text = ", ".join(target)  # Chicago 16.16: a sub-entry after its entry and a comma
            ident = self.ids.get(target)
            links.append(f'<a href="#{ident}">{escape(text)}</a>' if ident else escape(text))
        return f'<span class="index-xref"{self._type(kind)}><em>{word}</em> {"; ".join(links)}</span>'
