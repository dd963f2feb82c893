"""Pandoc's citation syntax, as two markdown-it inline rules.

The rules follow the Pandoc User's Guide, "Citation syntax":

- a bracketed citation ``[see @doe99, pp. 33-35; also @smith04, ch. 1]``: items separated by
  ``;``, each a prefix, a key and a suffix; a ``-`` before the ``@`` suppresses the author
  (``[-@doe99]``); the suffix's locator (``p. 33``, ``ch. 1``, a bare number for a page) is
  read as Pandoc reads it, its label from CSL's locator terms;
- an in-text citation ``@doe99 says``, optionally followed by a locator in brackets
  (``@doe99 [p. 33]``).

A key starts with a letter, a digit or ``_`` and may hold internal punctuation (``:.#$%&-+?<>~/``);
trailing punctuation is not part of it. An ``@`` counts only after the start of the text, a space,
``[``, ``;`` or ``-`` (and, in text, an opening ``(``, ``*``, ``_`` or quotation mark):
``ada@example.org`` is an address, not a citation. A bracket followed by
``(`` or ``[`` is a link, as CommonMark reads it. Prefix and suffix are kept as plain text.

Each citation becomes one ``citation`` token whose ``meta`` is
``{"in_text": bool, "items": [{"key", "prefix", "suffix", "locator", "label", "suppress"}]}``.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

#: A citation key (Pandoc: alphanumerics and ``_``, internal punctuation ``:.#$%&-+?<>~/``).
KEY = r"[\w](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*"
KEY_RE = re.compile(KEY)
#: One item of a bracketed citation: prefix, optional ``-``, ``@key``, suffix.
ITEM_RE = re.compile(rf"(?P<prefix>(?:.*?\s)?)(?P<suppress>-?)@(?P<key>{KEY})(?P<suffix>.*)", re.S)

#: Locator terms (CSL 1.0.2 "Locators", English long and short forms, as Pandoc reads them;
#: ``ch.`` as well as CSL's ``chap.``) -> the CSL locator.
LABELS: dict[str, str] = {}
for _locator, _terms in {
    "book": "book books bk. bks.",
    "chapter": "chapter chapters chap. chaps. ch. chs.",
    "column": "column columns col. cols.",
    "figure": "figure figures fig. figs.",
    "folio": "folio folios fol. fols. f. ff.",
    "issue": "number numbers no. nos. issue issues",
    "line": "line lines l. ll.",
    "note": "note notes n. nn.",
    "opus": "opus opera op. opp.",
    "page": "page pages p. pp.",
    "paragraph": "paragraph paragraphs para. paras. ¶ ¶¶",
    "part": "part parts pt. pts.",
    "section": "section sections sec. secs. § §§",
    "sub-verbo": "s.v. s.vv.",
    "verse": "verse verses v. vv.",
    "volume": "volume volumes vol. vols.",
}.items():
    for _term in _terms.split():
        LABELS[_term] = _locator
_TERMS = "|".join(re.escape(t) for t in sorted(LABELS, key=len, reverse=True))
#: A locator's value: numbers or roman numerals, ranges and lists of them (``33-35, 38``, ``iv``).
_VALUE = r"[0-9ivxlcdmIVXLCDM]+[a-z]?(?:\s*[-–—]\s*[0-9ivxlcdmIVXLCDM]+[a-z]?)*"
LOCATOR_RE = re.compile(
    rf"\s*,?\s*(?:(?P<term>{_TERMS})\s*)?(?P<value>{_VALUE}(?:\s*[,&]\s*{_VALUE})*)(?![\w])"
)


def split_locator(suffix: str) -> tuple[str, str, str]:
    """(locator, CSL label, rest of the suffix) of a citation's suffix, as Pandoc reads it:
    ``", pp. 33-35 and passim"`` -> ``("33-35", "page", " and passim")``; a bare number is a
    page; no locator -> ``("", "", suffix)``. A term needs a comma before it (``[@a, ch. 2]``)."""
    match = LOCATOR_RE.match(suffix)
    if match is None or not suffix.lstrip().startswith(","):
        return "", "", suffix
    term, value = match.group("term"), match.group("value")
    if term is None and not value[0].isdigit():  # a word, not a locator: [@a, ibid]
        return "", "", suffix
    return value, LABELS[term] if term else "page", suffix[match.end() :]


def _item(text: str) -> dict[str, Any] | None:
    match = ITEM_RE.fullmatch(text)
    if match is None or "@" in match.group("prefix").replace("\\@", ""):
        return None
    locator, label, suffix = split_locator(match.group("suffix"))
    return {
        "key": match.group("key"),
        "prefix": " ".join(match.group("prefix").split()),
        "suffix": " ".join(suffix.split()) if suffix.strip() else "",
        "locator": locator,
        "label": label,
        "suppress": bool(match.group("suppress")),
    }


def parse_bracketed(content: str) -> list[dict[str, Any]] | None:
    """The items of a bracket's content (without the brackets), or None when it is no citation:
    every ``;``-separated part must hold one ``@key``."""
    parts = content.split(";")
    items = [_item(part.strip()) for part in parts]
    if not items or any(i is None for i in items):
        return None
    return [i for i in items if i is not None]


def _bracketed(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "[" or src.startswith("[^", start):
        return False
    end = start + 1
    while end < state.posMax and src[end] not in "[]":
        end += 1
    if end >= state.posMax or src[end] != "]" or "@" not in src[start:end]:
        return False
    if end + 1 < state.posMax and src[end + 1] in "([":  # a link or a reference link
        return False
    items = parse_bracketed(src[start + 1 : end])
    if items is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"in_text": False, "items": items}
        token.content = src[start : end + 1]
    state.pos = end + 1
    return True


#: What may stand before an in-text ``@`` (Pandoc: the start, a space, ``[``, ``;`` or ``-``; and
#: what opens an emphasis, a parenthesis or a quotation: ``*@a*``, ``(see @a)``).
_BEFORE = frozenset(" \t\n[;-(*_\"'“‘«")
_IN_TEXT_RE = re.compile(rf"@(?P<key>{KEY})(?:\s?\[(?P<loc>[^\[\]@]*)\](?![(\[]))?")


def _in_text(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "@" or (start > 0 and src[start - 1] not in _BEFORE):
        return False
    if start > 0 and src[start - 1] == "-":  # -@key outside brackets is text (Pandoc too)
        return False
    match = _IN_TEXT_RE.match(src, start, state.posMax)
    if match is None:
        return False
    suffix = match.group("loc")
    locator, label, rest = split_locator(f", {suffix}") if suffix is not None else ("", "", "")
    if not silent:
        token = state.push("citation", "", 0)
        item = {"key": match.group("key"), "prefix": "", "suffix": " ".join(rest.split())}
        token.meta = {
            "in_text": True,
            "items": [{**item, "locator": locator, "label": label, "suppress": False}],
        }
        token.content = match.group(0)
    state.pos = match.end()
    return True


def citations_plugin(md: MarkdownIt) -> None:
    """Add the two citation rules, the bracketed one before links and spans (``[@a]{.x}`` is a
    citation, then text), the in-text one before the text rule's neighbours."""
    md.inline.ruler.before("link", "citation", _bracketed)
    md.inline.ruler.before("link", "citation_in_text", _in_text)
