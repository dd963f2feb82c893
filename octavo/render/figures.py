"""Figures: a picture alone in its paragraph, set out of the text's flow with its caption.

A paragraph that holds one picture and nothing else (``is_figure``) is a
figure in both editions (issue 17; issue 18 defines it so): ``<figure>``
holding the picture and a ``<figcaption>`` that shows its alt text. A
picture marked ``{.decorative}`` (an ornament, a rule) is no figure, and a
paragraph of several pictures, or of pictures and words, is not one either:
those stay as they were (``p[data-picture]``; in a sentence, inline).

Accessibility: the caption repeats the alt text, which a screen reader
would then read twice. The picture keeps its ``alt`` (WCAG 2.1 1.1.1's text
alternative, which DAISY Ace's ``image-alt`` check and octavo's own
accessibility facts, ``writers/a11y.py``, look for) and the caption's text
is a span with ``aria-hidden="true"`` (WAI-ARIA 1.2 §6.6 ``aria-hidden``:
left out of the accessibility tree, so of the figure's accessible name too,
accname 1.2 step 2A), so it is read once. ``alt=""`` with a visible caption
was the other way, but it makes a described picture look decorative to
every checker that reads ``img`` alone (Ace lists it so, and it would drop
the EPUB's ``alternativeText`` feature). A figure number (issue 18's
"Figure 3") goes in the ``figcaption`` before that span, read aloud.

Print: the layout may move a figure to the top of the next page so that
the text after it fills the page (``layout/figures.py``); the place it is
set is a layout decision handed to the renderer as a ``FigurePlan``, the
Book stays as the author wrote it, and the EPUB keeps every figure where it
stands.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from markupsafe import escape

from octavo.model import Node
from octavo.source.numbering import figure_image
from octavo.source.styles import Styles

#: The caption's size and line as shares of the text's size (the notes' 9/11.5 pt at 11 pt: print.css).
CAPTION_SIZE = 9 / 11
CAPTION_LEADING = 11.5 / 11
#: pt between the picture and its caption (print.css ``figcaption``).
CAPTION_GAP = 4.0
#: Fewest pt a figure's picture is given, however long its caption.
LEAST_PICTURE = 36.0


def is_figure(node: Node) -> bool:
    """True for a paragraph that is a figure (``figure_image``)."""
    return figure_image(node) is not None


def caption_html(image: Node, number: str = "") -> str:
    """The ``figcaption`` of a figure's picture: its ``number`` ("Figure 3", read aloud: the alt
    text does not say it) and its alt text, hidden from assistive technology (the picture's alt
    says it); "" when there is neither."""
    text = " ".join(image.attr("alt").split())
    if not text and not number:
        return ""
    label = f'<span class="figure-number">{escape(number)}.</span>' if number else ""
    caption = f'<span class="caption-text" aria-hidden="true">{escape(text)}</span>' if text else ""
    return f"<figcaption>{label}{' ' if label and caption else ''}{caption}</figcaption>"


@dataclass(frozen=True)
class FigureFit:
    """The room a printed figure has: ``measure`` and ``picture_height`` (the tallest picture any
    page takes, ``interior.picture_height``) in pt, the text's ``size`` and ``leading`` in pt, and the
    book face (its advances measure a caption's lines)."""

    measure: float
    picture_height: float
    size: float
    leading: float
    styles: Styles

    def caption_lines(self, text: str) -> int:
        """Lines a caption takes at most: its words' widest advances over the measure, word by
        word, as a line breaker fills lines (so never fewer than the lines set)."""
        advances = self.styles.advances
        room = self.measure / (self.size * CAPTION_SIZE)  # in ems of the caption's type
        lines, used = 1, 0.0
        for word in text.split():
            width = sum(advances.get(ord(ch), 1.0) for ch in word) + 0.35  # a word space
            if used and used + width > room:
                lines, used = lines + 1, 0.0
            used += width
        return lines + (1 if used > room else 0)

    def image_height(self, image: Node) -> float:
        """The tallest, in pt, a figure's picture may be set so that the figure (the space above
        and below it, one text line each, and its caption) fits where any picture fits."""
        text = " ".join(image.attr("alt").split())
        caption = self.caption_lines(text) * self.size * CAPTION_LEADING + CAPTION_GAP if text else 0.0
        return max(LEAST_PICTURE, math.floor((self.picture_height - 2 * self.leading - caption) * 100) / 100)


@dataclass
class FigurePlan:
    """Where the print layout sets each section's blocks: section id -> its blocks in print
    order, figures moved and the paragraphs they stand in cut (``layout/figures.py``); ``moves``:
    figure block id -> (index of the section's block it now stands in or before, characters of that
    block before it), which the layout compares to move figures only forwards."""

    sections: dict[str, tuple[Node, ...]] = dataclasses.field(default_factory=dict)
    moves: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)

    def key(self) -> tuple[object, ...]:
        return tuple(sorted(self.moves.items()))
