"""What a table's cells hold: the columns of figures, set apart from the columns of words.

A column of figures is set in tabular lining figures, aligned on the right
(unless the Markdown aligns it), and its figures are never broken across
lines: the print and EPUB renderers mark its cells ``num``, and the print
check counts the room its figures take (``check/lint.py``). A column is one
of figures when every cell of its body holds a number or stands empty (a
dash, ``n/a``) and at least one holds a number; its header may say anything.
Deciding by the whole column keeps a column aligned one way: a lone figure in
a column of words stays text, as it reads.
"""

from __future__ import annotations

import re

from octavo.model import Node

#: A number as tables print them: a sign or comparison, a currency, digits (in groups of three
#: parted by a comma, a full stop or a thin, narrow or no-break space), decimals, a percent
#: or per-mille sign, brackets around a negative amount, a reference mark after it.
NUMBER = re.compile(
    r"[(\[]?[-+\u2212\u00b1~\u2248<>\u2264\u2265]?[$£€¥₹]?"
    r"(?:\d{1,3}(?:[,.\u2009\u202f\u00a0]\d{3})+|\d+)?(?:[.,]\d+)?"
    r"[\u2009\u202f\u00a0]?[%\u2030]?[)\]]?[*\u2020\u2021]?"
)
#: What stands for no figure in a column of them: nothing, a dash, an ellipsis, a question mark, n/a.
EMPTY = re.compile(r"[-\u2010\u2012\u2013\u2014\u2015\u2026?]?|n/?a", re.IGNORECASE)
#: Inline content a figure may be dressed in (emphasis, a note call, a link) without ceasing to be one.
INLINE = frozenset({"text", "code", "em", "strong", "span", "s", "small", "sup", "sub", "link", "noteref"})


def cell_text(cell: Node) -> str | None:
    """The text a cell prints, spaces at its ends stripped; None if it holds more than text
    (a picture, a line break)."""
    parts = []
    for node in cell.walk():
        if node is cell:
            continue
        if node.type not in INLINE:
            return None
        parts.append(node.text)
    return "".join(parts).strip()


def is_number(text: str) -> bool:
    """True for a cell's text that is one number (``1,234``, ``−3.5``, ``12 %``, ``($40)``)."""
    return any(ch.isdigit() for ch in text) and NUMBER.fullmatch(text.replace(" %", "%")) is not None


def _rows(table: Node, part: str) -> list[Node]:
    return [row for group in table.children if group.type == part for row in group.children]


def number_columns(table: Node) -> frozenset[int]:
    """The indexes (from 0) of a table's columns of figures (see the module's docstring)."""
    numbers: set[int] = set()
    words: set[int] = set()
    for row in _rows(table, "tbody"):
        for index, cell in enumerate(c for c in row.children if c.type in ("th", "td")):
            text = cell_text(cell)
            if text is not None and is_number(text):
                numbers.add(index)
            elif text is None or not EMPTY.fullmatch(text):
                words.add(index)
    return frozenset(numbers - words)


def column_figures(table: Node, column: int) -> list[str]:
    """The numbers a column's body cells hold, in order."""
    found = []
    for row in _rows(table, "tbody"):
        cells = [c for c in row.children if c.type in ("th", "td")]
        text = cell_text(cells[column]) if column < len(cells) else None
        if text and is_number(text):
            found.append(text)
    return found
