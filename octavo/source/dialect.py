"""The Markdown dialect: CommonMark plus footnotes, citations, attributes and typography.

Pandoc's citations (``[see @key, p. 12]``, ``@key``: ``citesyntax``). Footnotes (``[^label]``
with indented multi-paragraph definitions, and inline ``^[...]``), bracketed spans with
attributes (``[Vojd]{lang=ru-Latn}``),
block attributes, attributes at the end of a heading (``## Methods {#methods}``),
and tables. Typography is normalised per language: straight
quotes become curly, ``--``/``---`` become dashes and ``...`` an ellipsis;
characters that are already right are left alone. markdown-it's own
``replacements`` rule stays off: it would also turn ``(c)`` into a copyright
sign, which a book's text must never suffer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.smartquotes import process_inlines
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs
from mdit_py_plugins.footnote import footnote_plugin

from octavo.source.citesyntax import citations_plugin
from octavo.source.joiners import word_joiners
from octavo.source.spacing import french_spaces

#: Deepest nesting of blocks or inline elements accepted; deeper input is an error.
MAX_NESTING = 50
#: Longest run of inline text (a paragraph, a heading, a table cell) parsed; a longer one is an
#: error. markdown-it's smart quotes are quadratic inside one paragraph (each quote looks back
#: over every unmatched one), so a paragraph is bounded; a chapter of many is linear.
MAX_INLINE = 256 * 1024

#: Quotation marks by language (a region's own before its language's): double open/close,
#: single open/close. German „…“ and ‚…‘ (Duden, "Anführungszeichen"), Swiss German «…» (Duden,
#: the Swiss usage); French « … » with thin no-break spaces (Lexique de l'Imprimerie nationale);
#: Spanish, Italian, European Portuguese and Russian «…» outside, then “…” or „…“ inside.
QUOTES = {
    "en": "“”‘’",
    "de": "„“‚‘",
    "de-CH": "«»‹›",
    "de-LI": "«»‹›",
    "fr": ["«\u202f", "\u202f»", "‹\u202f", "\u202f›"],
    "es": "«»“”",
    "it": "«»“”",
    "pt": "«»“”",
    "pt-BR": "“”‘’",
    "ru": "«»„“",
    "pl": "„”‚’",
    "nl": "“”‘’",
    "sv": "””’’",
}

DASHES = [(re.compile(r"(?<!-)---(?!-)"), "\u2014"), (re.compile(r"(?<!-)--(?!-)"), "\u2013")]
ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")


def _normalise_text(tokens: list[Token]) -> None:
    """Dashes and ellipses in text tokens (code is left untouched)."""
    for token in tokens:
        if token.type == "text":
            text = token.content
            if "--" in text:
                for pattern, repl in DASHES:
                    text = pattern.sub(repl, text)
            if "..." in text:
                text = ELLIPSIS.sub("\u2026", text)
            token.content = text


def _descriptions(tokens: list[Token]) -> list[list[Token]]:
    """The children of every image among ``tokens``, nested images' too: the descriptions that
    become ``alt`` text, which markdown-it's smart quotes do not reach."""
    found: list[list[Token]] = []
    stack = [t for t in tokens if t.type == "image" and t.children]
    while stack:
        image = stack.pop()
        found.append(image.children or [])
        stack.extend(t for t in image.children or [] if t.type == "image" and t.children)
    return found


def typography(state: StateCore, french: bool = False, english: bool = False) -> None:
    """Core rule run after smartquotes; also reaches inline notes, kept apart in env, and
    images' descriptions (their ``alt`` text is typeset like the text around it). ``french``:
    French spaces too (``spacing``); word joiners and no-break spaces always (``joiners``),
    ``english`` for its English-only rules."""
    for token in state.tokens:
        if token.type == "inline" and token.children:  # smartquotes has done their quotes
            _normalise_text(token.children)
            word_joiners(token.children, english)
            if french:
                french_spaces(token.children)
            for description in _descriptions(token.children):
                _typeset(description, state, french, english)
    for note in state.env.get("footnotes", {}).get("list", {}).values():
        if "tokens" in note and not note.get("typeset"):
            for tokens in (note["tokens"], *_descriptions(note["tokens"])):
                _typeset(tokens, state, french, english)
            note["typeset"] = True


def _typeset(tokens: list[Token], state: StateCore, french: bool = False, english: bool = False) -> None:
    """Quotes, dashes and ellipses (and French spaces, word joiners) in inline tokens smartquotes
    did not reach."""
    process_inlines(tokens, state)
    _normalise_text(tokens)
    word_joiners(tokens, english)
    if french:
        french_spaces(tokens)


#: ``{…}`` at the end of a heading's text: its attributes (Pandoc's ``## Methods {#methods .x}``).
HEADING_ATTRS = re.compile(r"\s*(\{[^{}\n]*\})$")


def heading_attrs(state: StateCore) -> None:
    """Attributes written at the end of a heading move to the heading (run before smartquotes)."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        inline = tokens[index + 1]
        if token.type != "heading_open" or inline.type != "inline" or not inline.children:
            continue
        last = inline.children[-1]
        match = HEADING_ATTRS.search(last.content) if last.type == "text" else None
        if match is None:
            continue
        try:
            end, attrs = parse_attrs(match.group(1))
        except ParseError:
            continue
        if end != len(match.group(1)) - 1:  # the closing brace ends the heading
            continue
        for key, value in attrs.items():
            token.attrSet(key, value)
        last.content = last.content[: match.start()]
        if not last.content:
            inline.children.pop()
        inline.content = inline.content[: len(inline.content) - len(match.group(0))].rstrip()


def _join(tokens: list[Token]) -> list[Token]:
    """markdown-it's ``text_join``, that also records in ``meta["escaped"]`` the offsets of the
    characters a backslash escaped (so that ``\\[^1]`` is known to be text, not a note call)."""
    out: list[Token] = []
    for token in tokens:
        if token.children:  # an image's alt text
            token.children = _join(token.children)
        escaped = token.type == "text_special" and token.info == "escape"
        if token.type == "text_special":
            token.type = "text"
        if token.type != "text":
            out.append(token)
            continue
        if out and out[-1].type == "text":
            joined = out[-1]
        else:
            joined = token
            out.append(token)
            offsets = [0] if escaped else []
            joined.meta = {**(joined.meta or {}), "escaped": offsets}
            continue
        if escaped:
            joined.meta["escaped"].append(len(joined.content))
        joined.content += token.content
    return out


def text_join(state: StateCore) -> None:
    """Join text and escapes, in the text and in inline notes (kept apart in env)."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _join(token.children)
    for note in state.env.get("footnotes", {}).get("list", {}).values():
        if "tokens" in note:
            note["tokens"] = _join(note["tokens"])


def bound_inline(state: StateCore) -> None:
    """Core rule before ``inline``: a run of inline text over ``MAX_INLINE`` is not parsed.

    Its line goes in ``env["too_long"]`` for the parser to report; the text is emptied.
    """
    for token in state.tokens:
        if token.type == "inline" and len(token.content) > MAX_INLINE:
            line = token.map[0] + 1 if token.map else 0
            state.env.setdefault("too_long", []).append((line, len(token.content)))
            token.content = ""


#: Inline rules that look for a closing ``]`` after an opening ``[`` (a link's label, a span's,
#: a picture's description, a note call or an inline note), scanning to the end of the paragraph
#: when there is none: each ``[`` of a paragraph without a ``]`` after it cost a scan of all that
#: follows (100 kB of ``![`` took 10 s; 0.3 s with the guard).
LABEL_RULES = ("link", "span", "image", "footnote_ref", "footnote_inline", "citation")


def _last_closer(state: StateInline) -> int:
    """Where the last ``]`` of the inline source is (-1: none), found once per source: an inline
    note's text is parsed as a source of its own, and its paragraph's is kept meanwhile."""
    known: dict[int, tuple[str, int]] = state.env.setdefault("_octavo_last_closer", {})
    found = known.get(id(state.src))
    if found is None or found[0] is not state.src:
        found = known[id(state.src)] = (state.src, state.src.rfind("]"))
    return found[1]


def _needs_closer(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """``rule``, skipped where no ``]`` follows: it could only fail, after a scan to the end."""

    def guarded(state: StateInline, silent: bool) -> bool:
        if _last_closer(state) <= state.pos:
            return False
        return rule(state, silent)

    return guarded


@lru_cache(maxsize=16)
def parser(language: str) -> MarkdownIt:
    """The markdown-it parser for a book in ``language`` (BCP 47)."""
    parts = language.split("-")
    primary = parts[0].lower()
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    quotes = QUOTES.get(f"{primary}-{region}", QUOTES.get(primary, QUOTES["en"]))
    md = MarkdownIt(
        "commonmark",
        {"typographer": True, "quotes": quotes, "maxNesting": MAX_NESTING, "html": True},
    )
    md.enable(["smartquotes", "table"])
    footnote_plugin(md, inline=True, move_to_end=False)
    attrs_plugin(md, spans=True)
    attrs_block_plugin(md)
    citations_plugin(md)
    md.core.ruler.before("smartquotes", "octavo_heading_attrs", heading_attrs)
    md.core.ruler.after(
        "smartquotes",
        "octavo_typography",
        partial(typography, french=primary == "fr", english=primary == "en"),
    )
    md.core.ruler.at("text_join", text_join)
    md.core.ruler.before("inline", "octavo_bound_inline", bound_inline)
    for rule in md.inline.ruler.__rules__:
        if rule.name in LABEL_RULES:
            md.inline.ruler.at(rule.name, _needs_closer(rule.fn))
    return md
