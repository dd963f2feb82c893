"""Whether a printed table can keep every word whole, or must let its cells break words.

WeasyPrint shares a table's width out in proportion to what each column
could take beyond its narrowest: a column of short words beside a column of
long text gets little more than its narrowest width. Cells that may break
anywhere (``overflow-wrap: anywhere``) are narrowest at one letter, so such a
column breaks its words ("Luxem-bourg") on a page with room to spare; cells
that never break a word are narrowest at their longest word, and a table of
many long words would then run past the text block.

So each table is measured before it is laid out (``TableFit.whole``): the
longest word of every column (its longest number for a column of figures,
which is never broken), measured with the book face's widest advances (no
kerning: at least what WeasyPrint sets), plus the space between columns. A
table that fits that way is marked ``whole`` and keeps its words whole and
unhyphenated (print.css); any other keeps breaking words where it must.
"""

from __future__ import annotations

from dataclasses import dataclass

from octavo.config.printspec import COLUMN_GAP_EMS
from octavo.model import Node
from octavo.render.fit import is_string
from octavo.source.styles import Styles
from octavo.source.tables import cell_text, number_columns

#: The width of a character the book face lacks, in ems (another font prints it).
UNKNOWN_EMS = 1.0


@dataclass(frozen=True)
class TableFit:
    """The print measure in ems of a table's type (``PrintOptions.table_room``) and the book face."""

    room: float
    styles: Styles

    def width(self, text: str) -> float:
        """The most ``text`` takes on one line, in ems."""
        advances = self.styles.advances
        return sum(advances.get(ord(ch), UNKNOWN_EMS) for ch in text if ch not in "\u00ad\u200b\u2060")

    def least_width(self, cell: Node, figures: bool) -> float:
        """The narrowest a cell can be with its words whole: its longest word, or its whole text in a
        column of figures. A URL or a long string may still break (``fit.breakable``): not counted."""
        text = cell_text(cell)
        if text is None:  # a picture, a line break: its words only
            text = " ".join(n.text for n in cell.walk() if n.type in ("text", "code"))
        if figures and cell.type == "td":
            return self.width(text)
        return max((self.width(w) for w in text.split() if not is_string(w)), default=0.0)

    def whole(self, table: Node) -> bool:
        """True if every column of ``table`` can be as wide as its longest word within the measure."""
        numbers = number_columns(table)
        widths: list[float] = []
        for row in (row for group in table.children for row in group.children):
            for index, cell in enumerate(c for c in row.children if c.type in ("th", "td")):
                if index == len(widths):
                    widths.append(0.0)
                widths[index] = max(widths[index], self.least_width(cell, index in numbers))
        return sum(widths) + COLUMN_GAP_EMS * max(0, len(widths) - 1) <= self.room
