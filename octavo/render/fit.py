"""Keeping text inside a fixed measure: break points in long strings, code lines that wrap.

Used by the print HTML only (a reflowing EPUB has no fixed measure). A URL,
or a long run of characters that is not a word, is wrapped in a
``<span class="breakable">`` that print.css keeps from being hyphenated and
allows to break anywhere as a last resort; ``<wbr/>`` marks where it should
rather break. WeasyPrint draws a ``<wbr>`` as a zero-width space, which
pypdfium2 leaves out of the extracted text, so the PDF's text is unchanged.
A code block's lines become ``<span class="line">`` blocks, so that a line
too long for the measure wraps with a hanging indent.
"""

from __future__ import annotations

import re
from itertools import pairwise

from markupsafe import escape

#: A URL: a scheme and ``//``, or ``www.``.
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S|www\.\S", re.IGNORECASE)
#: A word: letters, maybe joined by hyphens or apostrophes, with punctuation at its edges.
WORD = re.compile(r"[^\w]*[^\W\d_]+(?:[-\u2010\u2011'\u2019][^\W\d_]+)*[^\w]*")
#: A number: figures with their separators (3.14159265358979, 1,000,000.00, 6.022e23, 1931–1934),
#: with punctuation at its edges. Never broken, as a word is not (Chicago 6.80: a number stays whole).
NUMBER = re.compile(r"[^\w]*[-+\u2212]?\d(?:[\d.,'\u2009\u202f\u2013-]*\d)?(?:[eE][-+]?\d+)?%?[^\w]*")
#: Characters from which a number is long enough to break as a string (no measure holds it whole).
LONG_NUMBER = 40
#: Characters from which a run that is not a word is a string to break (shorter ones fit any measure).
LONG_STRING = 15
#: The Chicago Manual of Style, 17th ed., 14.18: break a URL after a colon or a double slash;
#: before a single slash, a tilde, a period, a comma, a hyphen, an underline, a question mark,
#: a number sign or a percent sign; before or after an equals sign or an ampersand.
BREAK_BEFORE = frozenset("/~.,-_?#%=&")
BREAK_AFTER = frozenset(":=&")
#: Where Pango (UAX #14) would break but CMOS does not: after a single slash or a hyphen
#: (a hyphen ending a line would read as a hyphenation). A word joiner forbids it.
NO_BREAK_AFTER = frozenset("/-")

#: Punctuation that ends a sentence or a clause after a string, and that opens one before it:
#: not the string's, never a place to break it.
TRAILING = ".,;:!?)]}\"'\u2019\u201d\u00bb\u2026"
LEADING = "([{\"'\u2018\u201c\u00ab"

WBR = "<wbr/>"
#: U+2060 WORD JOINER: no glyph, left out of pypdfium2's extracted text and of pagemap's counts.
WORD_JOINER = "\u2060"


def is_string(token: str) -> bool:
    """True for a URL, or for a run of at least ``LONG_STRING`` characters that is neither a word
    nor a number (shorter than ``LONG_NUMBER``)."""
    if URL.match(token):
        return True
    if len(token) < LONG_STRING or WORD.fullmatch(token):
        return False
    return not (len(token) < LONG_NUMBER and NUMBER.fullmatch(token))


def break_points(token: str) -> list[int]:
    """Offsets (in characters) inside ``token`` where a line may break, after CMOS 17 14.18.

    A break goes after ``//`` but never inside it, and never before the
    first or after the last character.
    """
    points = set()
    for i, ch in enumerate(token):
        if ch == "/" and token[i - 1 : i] == "/":  # the second slash of '//': after it only
            points.add(i + 1)
        elif ch in BREAK_BEFORE:
            points.add(i)
        if ch in BREAK_AFTER:
            points.add(i + 1)
    # never before the sentence's punctuation after the string, nor after its opening bracket
    # or quote (", the" must not begin a line)
    end = len(token.rstrip(TRAILING))
    start = len(token) - len(token.lstrip(LEADING))
    return sorted(p for p in points if max(0, start) < p < end)


def breakable(text: str) -> str:
    """``text`` as escaped HTML, each string in it (see ``is_string``) in a ``breakable`` span
    with ``<wbr/>`` at its CMOS 17 14.18 break points (``break_points``)."""
    out = []
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace() or not is_string(token):
            out.append(str(escape(token)))
            continue
        bounds = [0, *break_points(token), len(token)]
        pieces = [_piece(token[a:b]) for a, b in pairwise(bounds)]
        out.append(f'<span class="breakable">{WBR.join(pieces)}</span>')
    return "".join(out)


def _piece(text: str) -> str:
    """A stretch between break points as HTML: no break after its slashes and hyphens;
    a long stretch may break anywhere (class ``solid``)."""
    html = "".join(
        f"{escape(ch)}{WORD_JOINER}" if ch in NO_BREAK_AFTER and i + 1 < len(text) else str(escape(ch))
        for i, ch in enumerate(text)
    )
    return f'<span class="solid">{html}</span>' if len(text) >= LONG_STRING else html


def code_lines(text: str) -> str:
    """A code block's text as HTML: one ``<span class="line">`` per line, its strings breakable."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the block
    return "".join(f'<span class="line">{breakable(line)}</span>' for line in lines)
