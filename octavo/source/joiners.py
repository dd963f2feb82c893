"""Places a line must not break, marked in the text: word joiners and no-break spaces.

The rules are Standard Ebooks' ``typogrify`` (standardebooks/tools, ``se/typography.py``), the
ones that keep a reading unit on one line:

* a number range's en dash is never left at a line's end: a word joiner (U+2060) after the dash,
  so "1931–1934" breaks before or after the range, never inside it (typogrify: "Add a word
  joiner on both sides of en dashes"; before the dash Unicode's line breaking, UAX #14, class
  BA, already allows none);
* initials are not split from each other nor from the name they belong to: "J.\u00a0R.\u00a0R.
  Tolkien" (typogrify marks a name's initials ``white-space: nowrap``; a no-break space does the
  same in both editions);
* in English, "p." and "pp." stay with the page number that follows: "p.\u00a042",
  "pp.\u00a042–45" (typogrify: no-break spaces after abbreviations and between a number and
  an abbreviated unit).

Applied to markdown-it's inline tokens after the dashes are made (``dialect``), so the Book, and
both the EPUB and the print, hold them. Code spans and autolinks are left as written; the
print's fidelity referee (``inspect/pagetext.words``) reads U+2060 at a word's edge as nothing
and U+00A0 as a space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it.token import Token

from octavo.source.spacing import autolink_depths

WORD_JOINER = "\u2060"
NBSP = "\u00a0"
#: An en dash between two figures (a joiner already there is not doubled).
RANGE = re.compile(r"(?<=\d)\u2013(?!\u2060)(?=\d)")
#: A capital's initial (after a space, an opening mark or the start) followed by a space and a
#: capital: another initial or the name.
INITIAL = re.compile(r"(?<![\w.])([A-Z]\.)[ ]+(?=[A-Z])")
#: "p." or "pp." (a word of its own) before a page number, arabic or lower-case roman.
PAGES = re.compile(r"(?<![\w.])(pp?\.)[ ]+(?=\d|[ivxlcdm]+\b)")


def join(text: str, english: bool) -> str:
    """``text`` with word joiners in number ranges, no-break spaces after initials and, when
    ``english``, after "p."/"pp." before a number."""
    if "\u2013" in text:
        text = RANGE.sub("\u2013" + WORD_JOINER, text)
    if ". " in text:
        text = INITIAL.sub(r"\1" + NBSP, text)
        if english:
            text = PAGES.sub(r"\1" + NBSP, text)
    return text


def word_joiners(tokens: Iterable[Token], english: bool) -> None:
    """Apply ``join`` to the ``text`` tokens of an inline token stream, in place (code spans and
    the text of autolinks are left alone)."""
    for token, in_autolink in autolink_depths(tokens):
        if token.type == "text" and not in_autolink and token.content:
            token.content = join(token.content, english)
