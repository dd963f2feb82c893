"""French spaces: the no-break spaces French sets before high punctuation and inside guillemets.

The rule (Imprimerie nationale, *Lexique des règles typographiques en usage à l'Imprimerie
nationale*, "Espaces" and "Ponctuation"): a thin no-break space (espace fine insécable,
U+202F) before ``;``, ``!`` and ``?``, a word space that does not break (U+00A0) before ``:``,
and a no-break space after ``«`` and before ``»`` (U+202F here, as ``dialect.QUOTES``' French
quotes have it, and as most French ebook publishers set guillemets). An author's plain space
there becomes the right one; a missing one is added. Nothing else moves: a mark with a non-space
right after it (``http://``, ``10:30``, ``?lang=fr``) is not punctuation ending a word, a mark
right after another (``?!``) takes no second space, and text in code or an autolink is left as
written. Applied to a token stream of markdown-it (after smart quotes), so that the Book, and so
both the EPUB and the print, hold the spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from markdown_it.token import Token

NNBSP = "\u202f"
NBSP = "\u00a0"
#: The space each high punctuation mark takes before it.
HIGH = {";": NNBSP, "!": NNBSP, "?": NNBSP, ":": NBSP}
#: Spaces an author may have typed where one of these belongs.
SPACES = " \u00a0\u202f\u2009\u2006"
#: A high mark or a closing guillemet with the spaces before it; an opening guillemet with
#: the spaces after it. A run of spaces is tried from its start only, and taken whole: linear in
#: the text, however long a run of spaces.
MARK = re.compile(f"(?<![{SPACES}])([{SPACES}]*+)([;:!?»›])|([«‹])([{SPACES}]*+)")
#: What may follow a high mark that ends a word: a space, closing punctuation, the end.
AFTER = re.compile(r"[\s»›)\]”’.,;:!?…\u2014\u2013]")


def _space(text: str, previous: str) -> str:
    """``text`` with French spaces, ``previous`` the character written before it ("" for none)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(3):  # « and the spaces after it
            return match.group(3) + NNBSP
        mark = match.group(2)
        before = text[match.start() - 1] if match.start() else previous
        if not before or before.isspace() or before in HIGH or before in "«‹":
            return match.group(0)
        if mark in HIGH:
            after = text[match.end() : match.end() + 1]
            if after and not AFTER.match(after):
                return match.group(0)
            return HIGH[mark] + mark
        return NNBSP + mark

    return MARK.sub(replace, text)


def autolink_depths(tokens: Iterable[Token]) -> Iterator[tuple[Token, bool]]:
    """Each inline token, and whether it stands inside an autolink (``<https://…>``), whose text is
    an address that typography must leave alone."""
    depth = 0
    for token in tokens:
        if token.type == "link_open" and token.markup == "autolink":
            depth += 1
        elif token.type == "link_close" and depth:
            depth -= 1
        yield token, depth > 0 and token.type not in ("link_open", "link_close")


def french_spaces(tokens: Iterable[Token]) -> None:
    """Set French spaces in an inline token stream (``Token.children`` of an ``inline``), in place.

    ``text`` tokens are changed; the character before a token is the last one written before it
    (code included), so ``*mot*?`` and ``` `code`: ``` get their space too."""
    previous = ""
    for token, in_autolink in autolink_depths(tokens):
        if token.type == "text" and not in_autolink and token.content:
            token.content = _space(token.content, previous)
        elif token.type in ("softbreak", "hardbreak"):
            previous = "\n"
            continue
        if token.type in ("text", "code_inline") and token.content:
            previous = token.content[-1]
