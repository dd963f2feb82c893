"""A word broken at a line's end reads whole in the PDF's text: replacement text (issue 17).

WeasyPrint draws a hyphenated line's last text box with the hyphenate
character appended ("… of repre‐") and the next line's first box with the
rest of the word ("sentative and …"): the hyphen is right in print, but the
PDF's text, as extractors read it and as a reader copies it, held the two
halves on two lines, the hyphen between them.

ISO 32000-1 §14.9.4 ("Replacement text") lets a marked-content sequence
carry an /ActualText that stands, for text extraction, for the glyphs it
encloses (its example is a hyphenated word). Each text box that holds part
of a broken word is drawn in such a sequence, inside the marked content that
tags it (its MCID) and around its text object, so the sequences nest in the
tagged structure and stay in one page's content stream::

    /Span <</MCID 7>> BDC
    /Span <</ActualText (… of representative)>> BDC BT … [(… of repre‐)] TJ ET EMC
    EMC
    /Span <</MCID 8>> BDC
    /Span <</ActualText (and …)>> BDC BT … [(sentative and …)] TJ ET EMC
    EMC

The first box's replacement text has the whole word where its first part is
drawn, without the added hyphen; the next box's has its text without the
rest of the word and the spaces after it. A box that holds nothing else
(the middle of a word over three lines) stands for a tab, a word break:
PDFium reads an empty /ActualText as none and extracts the glyphs. A word
broken across a page turn reads whole on the page it starts on, and not at
all on the next. A compound broken at its own hyphen ("well-" / "known")
is treated the same, its replacement the whole compound, hyphen kept:
poppler's pdftotext and PDFium otherwise take a hyphen-minus at a line's
end for an added one and drop or mark it ("wellknown").

Why whole text objects, not the word alone: marked content cannot enclose
part of a text array, and splitting the array in two moves the glyphs after
the split in PDFium when the text matrix is horizontally scaled (the font
expansion of ``linebreak``): it advances the text position between two
arrays without the scale (0.1 pt on a line of the test book). The glyphs,
and so the rendered pages, stay exactly as WeasyPrint draws them; a viewer
places the replacement's characters evenly over the box's glyphs.

ISO 32000-1 §14.8.2.2.3 asks a tagged PDF to give an added hyphen as a soft
hyphen (U+00AD) instead: neither extractor joins the halves on it (PDFium
joins the lines but gives U+FFFE in the hyphen's place; pdftotext keeps the
line break), and the hyphen's glyph is the text's own hyphen, one ToUnicode
entry for both.

Which boxes hold a broken word is found where WeasyPrint splits a text box
into lines (``split``, called from ``layout.inline.split_text_box`` by the
patch ``actual-text-split``); ``begin`` and ``end`` draw the sequence
(patches ``actual-text-begin``, ``actual-text-end`` in ``draw.text.draw_text``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

#: The attribute of a line's text box that holds its replacement text.
ACTUAL = "octavo_actual"
#: The attribute of an unsplit text box that holds the words broken in it: absolute byte offset of
#: a line's start in its text -> bytes the line starts with that belong to the word broken before
#: it (with the spaces after the word).
BROKEN = "octavo_broken"
#: Characters that end a compound's first part when a line breaks after them: hyphen-minus, hyphen.
HYPHENS = "-\u2010"
SOFT_HYPHEN = "\u00ad"
#: The marked-content tag of the sequences (§14.9.4's example uses Span).
TAG = "Span"
#: The replacement text of a box that holds only the middle or the rest of a broken word.
NOTHING = "\t"


def split(box: Any, layout_text: str, text: bytes, skip: int, resume: int | None, width: float | None) -> Any:
    """WeasyPrint's ``box.copy_with_text(layout_text)`` in ``split_text_box``: the text box of one
    line, given the replacement text it is drawn with (``ACTUAL``) when it holds part of a word
    broken at a line's end.

    ``box`` is the unsplit text box, ``text`` its UTF-8 text from ``skip`` (the line's start, in
    bytes), ``layout_text`` the line's text as drawn (a hyphenate character maybe appended),
    ``resume`` where the next line starts in ``text`` (None: the rest fits) and ``width`` the px
    the line has (None: a measure, not a line: nothing is recorded). Raises nothing.
    """
    new = box.copy_with_text(layout_text)
    if width is None:
        return new
    broken: dict[int, int] = box.__dict__.setdefault(BROKEN, {})
    drawn = layout_text.encode()
    hidden = min(broken.get(skip, 0), len(drawn))  # the rest of a word broken on the line before
    word = None if resume is None else _broken_word(box, layout_text, drawn, text, resume)
    if resume is not None:
        if word is None:
            broken.pop(skip + resume, None)
        elif hidden and word[0] == 0:  # one word over three lines: this line is all its middle
            broken[skip + resume] = max(broken[skip] - resume, 0) or word[1]
        else:
            broken[skip + resume] = word[1]
    if not hidden and word is None:
        return new
    if word is None:
        actual = drawn[hidden:].decode(errors="replace")
    elif hidden and word[0] == 0:
        actual = ""
    else:
        actual = drawn[hidden : word[0]].decode(errors="replace") + word[2]
    setattr(new, ACTUAL, _visible(actual) or NOTHING)
    return new


def _visible(text: str) -> str:
    """``text`` without the characters that draw no glyph and no text (soft hyphens, zero-width
    spaces, joiners: Unicode's format characters, category Cf)."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _word_start(text: str) -> int:
    """The index in ``text`` just past its last whitespace character (0 if none)."""
    for index in range(len(text) - 1, -1, -1):
        if text[index].isspace():
            return index + 1
    return 0


def _word_end(text: str) -> int:
    """The index of ``text``'s first whitespace character (its length if none)."""
    for index, char in enumerate(text):
        if char.isspace():
            return index
    return len(text)


def _broken_word(
    box: Any, layout_text: str, drawn: bytes, text: bytes, resume: int
) -> tuple[int, int, str] | None:
    """(start of the broken word's first part in ``drawn``, bytes of its rest from ``resume`` with
    the spaces after it, the whole word without the added hyphen) when the line ends inside a word,
    at a hyphen added by hyphenation or after a compound's own hyphen; else None."""
    if resume <= 0 or resume >= len(text):
        return None
    line, after = text[:resume], text[resume:]
    try:
        line_text, after_text = line.decode(), after.decode()
    except UnicodeDecodeError:
        return None
    if not line_text.rstrip(SOFT_HYPHEN) or line_text[-1].isspace() or after_text[0].isspace():
        return None
    hyphen = (box.style["hyphenate_character"] or "").encode()
    bare = SOFT_HYPHEN.encode()
    added = hyphen and drawn.endswith(hyphen) and drawn[: -len(hyphen)].rstrip(bare) == line.rstrip(bare)
    if not (added or (drawn == line and line_text[-1] in HYPHENS)):
        return None  # a word broken anywhere else (a URL, an emergency break): left as drawn
    first = _word_start(line_text)
    end = _word_end(after_text)
    rest, spaces = after_text[:end], after_text[end:]
    hidden = rest + spaces[: len(spaces) - len(spaces.lstrip())]
    return len(layout_text[:first].encode()), len(hidden.encode()), line_text[first:] + rest


# -- drawing --------------------------------------------------------------------------------------


def begin(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str) -> bool:
    """Called by ``draw_text`` before the text object of ``textbox``: begins the marked-content
    sequence of its replacement text (``/Span <</ActualText (...)>> BDC``) if it has one and is
    drawn as laid out (no ellipsis). Returns whether it did (``end`` is then to be called)."""
    actual = textbox.__dict__.get(ACTUAL)
    if actual is None or text_overflow == "ellipsis" or block_ellipsis != "none":
        return False
    import pydyf

    stream.begin_marked_content(TAG, pydyf.Dictionary({"ActualText": text_string(actual)}))
    return True


def end(stream: Any) -> None:
    """Called by ``draw_text`` after the text object ``begin`` began a sequence for: ends it."""
    stream.end_marked_content()


def text_string(text: str) -> bytes:
    """``text`` as a PDF text string (ISO 32000-1 §7.9.2.2), always a literal string: its bytes
    as they are when it is printable ASCII (the same in PDFDocEncoding), else UTF-16BE after its
    byte order mark; backslashes, parentheses and line ends escaped (§7.3.4.2). A literal, not
    hex, so that the referee's reader passes over it in one step (``inspect.pdftext.READING``)."""
    data = text.encode() if text.isascii() and text.isprintable() else b"\xfe\xff" + text.encode("utf-16-be")
    for byte, escaped in ((b"\\", b"\\\\"), (b"(", b"\\("), (b")", b"\\)"), (b"\r", b"\\r"), (b"\n", b"\\n")):
        data = data.replace(byte, escaped)
    return b"(" + data + b")"
