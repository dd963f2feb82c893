"""A printed page's words, as the print fidelity referee reads them: the body's and the note area's.

``read_pages`` turns each page's text runs (``pdftext.Reader``) into lines,
then words (``words``: case, quotes, ligatures, dashes and the hyphens added
at line ends set aside), the body's apart from the note area's, and
describes the glyphs off the trim box or, of the text's size, outside the
text area. A page's note area is what stands below the top of its first
note (the notes' named destinations) and below the text's last line.
Superscript note calls (small, not letters; or superior figures, raised) are left out of
the words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from octavo.config.printspec import PrintOptions
from octavo.inspect.pdffonts import INF
from octavo.inspect.pdftext import Reader, Run

if TYPE_CHECKING:
    import pikepdf

#: What parts words, besides spaces and three full stops ("..."): hyphens, dashes, the ellipsis.
DASHES = "-\u2013\u2014\u2026"
#: A hyphen between letters: a compound is one word, whether a line broke at its hyphen or not.
COMPOUND = re.compile(r"-(?<=[^\W\d_]-)(?=[^\W\d_])")  # the '-' first: a quick search for it
#: Punctuation at the start of a word, in a text of words parted by single spaces (read backwards:
#: at the end of a word). A space first: a quick search for it.
LEADING = re.compile(r" [^\w\s]+")
#: What a typesetter adds at a line end when it hyphenates (a hard hyphen "-" is kept).
HYPHENS = "\u2010\u00ad\x02"
PT = 72.0
TOLERANCE = 6.0  # pt a body glyph may stand outside the text area (overhangs, hanging punctuation)
OVERLAP = 1.0  # pt text may overlap a picture both ways (a descender's tip)


#: Hyphens added at line ends, the non-breaking hyphen and apostrophes: dropped inside words.
DROPPED = HYPHENS + "\u2011'\u2019\u2018"


def words(text: str) -> list[str]:
    """Normalised words of a text: NFKC, case-folded; edge punctuation, quotes and hyphens dropped
    (a compound is one word: "anti-socialist" whether or not a line broke at its hyphen)."""
    text = COMPOUND.sub("", unicodedata.normalize("NFKC", text)).replace("...", " ")
    for ch in DASHES:
        text = text.replace(ch, " ")
    text = " " + " ".join(text.split()) + " "  # each word between two spaces
    # the dropped characters are not word characters, nor spaces: dropped from all words at once,
    # before their edges are stripped, they leave the same words
    for ch in DROPPED:
        text = text.replace(ch, "")
    text = LEADING.sub(" ", LEADING.sub(" ", text)[::-1])[::-1]  # punctuation at either edge
    return text.casefold().split()  # case-folded one character at a time: all at once


#: What words() strips from a word's edges, of ASCII and the typographic double quotes: neither
#: word characters nor spaces.
_EDGES = "".join(ch for ch in map(chr, range(128)) if not re.match(r"[\w\s]", ch)) + "\u201c\u201d"


class Words(dict[str, tuple[str, ...]]):
    """``words`` of texts, each token (what ``str.split`` parts) worked out once: a book says the
    same tokens again and again, and ``words`` of a text is ``words`` of its tokens one after the
    other (each of its steps reads within a token: NFKC composes nothing with a space, nor makes a
    space of one; a compound's hyphen, "...", a dash, a word's edges are all within one). One is
    made for a PDF's pages and its book; ``words`` stays the definition."""

    def __missing__(self, token: str) -> tuple[str, ...]:
        # a token of ASCII and typographic quotes, with no hyphen or dash and no '...' (most of a
        # book's): words() of it is the token with its dropped characters dropped, its edges
        # stripped and lowered (NFKC and casefold change none of its characters)
        plain = token.replace("\u2019", "").replace("\u2018", "").replace("'", "").replace("\x02", "")
        if (
            "-" not in plain
            and "..." not in plain
            and plain.replace("\u201c", "").replace("\u201d", "").isascii()
        ):
            core = plain.strip(_EDGES)
            found: tuple[str, ...] = (core.lower(),) if core else ()
        else:
            found = tuple(words(token))
        self[token] = found
        return found

    def __call__(self, text: str) -> list[str]:
        return list(chain.from_iterable(map(self.__getitem__, text.split())))


def join_lines(lines: list[str]) -> str:
    """Lines joined into one text, undoing hyphenation at line ends (a hard hyphen stays)."""
    out: list[str] = []  # pieces, none empty: a line, with the space before it if one is put
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out.append(line)
        elif out[-1][-1] in HYPHENS:
            out[-1] = out[-1][:-1] + line
        elif out[-1][-1] == "-":
            out[-1] += line
        else:
            out.append(" " + line)
    return "".join(out)


@dataclass
class PageText:
    """One page's words: the body's and the note area's, and glyphs found off the page."""

    body: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)  # descriptions of glyphs out of bounds
    hyphenated: tuple[bool, bool] = (False, False)  # body, notes end with a break hyphen
    #: note id -> (its words in the part that stands on the page, whether they end in a break
    #: hyphen): the note area cut at each part's top (its named destination)
    parts: dict[str, tuple[list[str], bool]] = field(default_factory=dict)


#: What ``read_pages`` reads of a PDF: each page's text, and the (page, text) of .notdef glyphs drawn.
ReadPages = tuple[list[PageText], list[tuple[int, str]]]

#: Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko... and their
#: presentation forms): a run that holds one is drawn right to left.
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def read_pages(
    pdf: pikepdf.Pdf,
    options: PrintOptions,
    pages: int,
    note_tops: dict[int, list[tuple[float, str]]],
    read: Words | None = None,
) -> ReadPages:
    """Every page's ``PageText`` and the .notdef glyphs drawn, from a pikepdf ``Pdf``
    (``note_tops``: the y and note id of note destinations, by page; ``read``: the ``Words`` to
    read words with, a new one if None)."""
    reader = Reader(pdf)
    read = Words() if read is None else read
    margins = {k: v * PT for k, v in options.margins(pages).items()}
    raw_pages = []
    inked: dict[float, list[str]] = {}  # the inked runs' texts by font size, sizes as first met
    for index, page in enumerate(pdf.pages):
        runs = reader.page(index, page)
        raw_pages.append((tuple(float(v) for v in page.trimbox), runs))
        for run in runs:
            if run.box is not None:
                inked.setdefault(run.size, []).append(run.text)
    sizes: Counter[float] = Counter()
    for size, shown in inked.items():  # characters but spaces, by size to 0.1
        sizes[round(size, 1)] += len("".join("".join(shown).split()))
    # the text's size: the commonest at or above the [print] size (a long note may have more characters);
    # WeasyPrint's sizes are in CSS px (its pages are drawn at 0.75 pt a unit)
    text_sizes = [size for size, _ in sizes.most_common() if size >= options.font_size / 0.75 * 0.9]
    body_size = text_sizes[0] if text_sizes else (sizes.most_common(1)[0][0] if sizes else 0.0)
    at_notes: Counter[float] = Counter()
    for index, tops in note_tops.items():
        for top, _ in tops:
            for run in raw_pages[index][1]:
                if run.box is not None and top - 16 < run.box[3] <= top + 2:
                    at_notes[round(run.size, 1)] += len("".join(run.text.split()))
    smaller = [size for size, _ in at_notes.most_common() if size < body_size * 0.95]
    note_size = smaller[0] if smaller else None  # notes set no smaller than the text: no note area
    texts = [
        _page_text(i, trim, runs, margins, body_size, note_size, note_tops.get(i, []), read)
        for i, (trim, runs) in enumerate(raw_pages)
    ]
    for index, pictures in reader.pictures.items():
        trim, runs = raw_pages[index]
        texts[index].overflow += _picture_problems(index, trim, runs, margins, pictures)
    return texts, reader.notdefs


def text_area(index: int, trim: Sequence[float], margins: dict[str, float]) -> tuple[float, ...]:
    """The text area (left, bottom, right, top, in pt) of page ``index`` (0: a recto) within its
    ``trim`` box, from the ``[print]`` margins in pt (``inside`` on the binding side)."""
    x0, y0, x1, y1 = trim
    left, right = (
        (margins["inside"], margins["outside"]) if index % 2 == 0 else (margins["outside"], margins["inside"])
    )
    return (x0 + left, y0 + margins["bottom"], x1 - right, y1 - margins["top"])


def _overlap(one: Sequence[float], other: Sequence[float]) -> bool:
    """True when two boxes (left, bottom, right, top) overlap by more than ``OVERLAP`` both ways."""
    return min(one[2], other[2]) - max(one[0], other[0]) > OVERLAP and (
        min(one[3], other[3]) - max(one[1], other[1]) > OVERLAP
    )


def _picture_problems(
    index: int,
    trim: Sequence[float],
    runs: list[Run],
    margins: dict[str, float],
    pictures: list[tuple[float, float, float, float]],
) -> list[str]:
    """Descriptions of the pictures of a page that stand outside its text area (or off the trim),
    or that text is printed over (an inked run's box overlapping one by more than ``OVERLAP``
    both ways), in pt; a picture in a line of text sits beside its words, not under them."""
    x0, y0, x1, y1 = trim
    area = text_area(index, trim, margins)
    found = []
    for left, bottom, right, top in pictures:
        where = f"a picture at ({left:.0f}, {bottom:.0f})–({right:.0f}, {top:.0f}) pt"
        if (
            left < area[0] - TOLERANCE
            or bottom < area[1] - TOLERANCE
            or right > area[2] + TOLERANCE
            or top > area[3] + TOLERANCE
        ):
            off = left < x0 or bottom < y0 or right > x1 or top > y1
            found.append(f"{where} {'off the trim' if off else 'outside the text area'}")
        over = [
            char
            for run in runs
            if run.box is not None and _overlap(run.box, (left, bottom, right, top))
            for char, *box in run.glyphs()  # a run may go on past a picture set in its line
            if _overlap(box, (left, bottom, right, top))
        ]
        if over:
            found.append(f"{where} with text printed over it: {''.join(over)[:40]!r}")
    return found


def _overflow(run: Run, trim: Sequence[float], area: Sequence[float], body_size: float) -> list[str]:
    """Descriptions of a run's glyphs off the trim, or of body size outside the text area."""
    assert run.box is not None  # the caller passes inked runs only
    x0, y0, x1, y1 = trim
    left, bottom, right, top = run.box
    off_trim = x0 - 0.5 > left or right > x1 + 0.5 or y0 - 0.5 > bottom or top > y1 + 0.5
    checked = run.size >= body_size * 0.95
    outside = checked and (
        left < area[0] - TOLERANCE
        or right > area[2] + TOLERANCE
        or bottom < area[1] - TOLERANCE
        or top > area[3] + TOLERANCE
    )
    if not (off_trim or outside):
        return []
    found = []
    for ch, left, bottom, right, top in run.glyphs():
        if x0 - 0.5 > left or right > x1 + 0.5 or y0 - 0.5 > bottom or top > y1 + 0.5:
            found.append(f"{ch!r} off the trim at ({left:.0f}, {bottom:.0f}) pt")
        elif checked and (
            left < area[0] - TOLERANCE
            or right > area[2] + TOLERANCE
            or bottom < area[1] - TOLERANCE
            or top > area[3] + TOLERANCE
        ):
            found.append(f"{ch!r} outside the text area at ({left:.0f}, {bottom:.0f}) pt")
    return found


def _same_line(before: Run, after: Run) -> tuple[bool, bool]:
    """Whether ``after`` goes on ``before``'s line, and whether a space stands between them unwritten."""
    (x, y), (x_, y_) = before.end, after.start
    h, h_ = before.height, after.height
    # max() and min() of two written out (they parse keyword arguments: some 1,500 instructions)
    low, low_ = y - 0.25 * h, y_ - 0.25 * h_
    low = low_ if low_ > low else low
    high, high_ = y + 0.75 * h, y_ + 0.75 * h_
    high = high_ if high_ < high else high
    em = h_ if h_ < h else h
    if high <= low or x_ < x - 0.5 * em:  # not level with it, or back to the left: a new line
        return False, False
    return True, x_ - x > 0.12 * em  # a word space is about 0.2 em; a run inside a word, about 0


def _superior(run: Run) -> bool:
    """Whether a run is a note call set in the face's superior figures (OpenType ``sups``) at the
    text's size: figures only, their ink a quarter of the size or more above the run's baseline
    (EB Garamond's superiors stand 0.44 em above it, its figures on it)."""
    figures = run.text.strip()
    return run.box is not None and figures.isdigit() and run.box[1] - run.start[1] >= 0.25 * run.height


def _last_line_last(lines: list[str], foot: dict[int, float]) -> None:
    """Put the page's lowest body line last when it ends in a hyphen and something was drawn after
    it (WeasyPrint draws list markers outside the text after the page's text): a word broken
    across the page turn is then joined with the next page's first (``fidelity._stream``)."""
    if not foot:
        return
    lowest = min(foot, key=foot.__getitem__) - 1
    last = max(foot) - 1
    if lowest != last and lines[lowest].rstrip()[-1:] in HYPHENS + "-":
        lines.append(lines.pop(lowest))


def _page_text(
    index: int,
    trim: Sequence[float],
    runs: list[Run],
    margins: dict[str, float],
    body_size: float,
    note_size: float | None,
    tops: Sequence[tuple[float, str]] = (),
    read: Callable[[str], list[str]] = words,
) -> PageText:
    """A page's body and note-area words (read with ``read``). The note area is what stands below
    the top of the highest note (or note part) that starts on the page, read from the named
    destinations (``tops``, y in pt), and below the text's last line: a page with no note has
    none, whatever size its text is set in (a table at its foot), and a note set in the text is in
    none."""
    x0, y0, x1, y1 = trim
    area = text_area(index, trim, margins)
    low, high = area[1] - TOLERANCE, area[3] + TOLERANCE
    # and above it, no text larger than the notes (a note set in the text is not in a note area)
    big = [
        run.box[1]
        for run in runs
        if run.box is not None
        and low <= (run.box[1] + run.box[3]) / 2 <= high
        and (note_size is None or run.size > note_size * 1.08)
    ]
    boundary = min(max(y for y, _ in tops) + 1.0 if tops else -INF, min(big) + 0.5 if big else INF)
    starts = sorted(tops)  # the parts' tops, from the page's foot up
    owned: dict[str, list[str]] = {}  # note id -> its part's lines on this page
    owner = ""
    body_lines, note_lines = [""], [""]
    foot: dict[int, float] = {}  # body line (its number from 1) -> the bottom of its first inked run
    lines, in_notes = body_lines, False  # the region the last inked run was in: the body, or notes
    result = PageText()
    before = None
    checked = body_size * 0.95  # runs of the text's size are held to the text area
    right_to_left = RIGHT_TO_LEFT.search("".join(run.text for run in runs)) is not None  # on the page
    ax0, ay0, ax1, ay1 = area[0] - TOLERANCE, low, area[2] + TOLERANCE, high
    call_in_body, call_in_notes = body_size * 0.8, (note_size or body_size) * 0.8  # smaller: a call
    for run in runs:
        text = run.text
        if before is not None:
            same, gap = _same_line(before, run)
            if not same:
                body_lines.append("")
                note_lines.append("")
                if owner:
                    owned[owner].append("")
            elif gap and not before.text[-1:].isspace() and not text[:1].isspace():
                lines[-1] += " "
                if in_notes and owner:
                    owned[owner][-1] += " "
        before = run
        box = run.box
        if box is None:  # spaces only
            lines[-1] += text
            if in_notes and owner:
                owned[owner][-1] += text
            continue
        left, bottom, right, top = box
        size = run.size
        if (  # off the trim, or (of the text's size) outside the text area: glyph by glyph
            x0 - 0.5 > left
            or right > x1 + 0.5
            or y0 - 0.5 > bottom
            or top > y1 + 0.5
            or (size >= checked and (left < ax0 or right > ax1 or bottom < ay0 or top > ay1))
        ):
            result.overflow += _overflow(run, trim, area, body_size)
        if not low <= (bottom + top) / 2 <= high and size < checked:
            continue  # running heads and folios
        in_notes = top <= boundary
        lines = note_lines if in_notes else body_lines
        if size < (call_in_notes if in_notes else call_in_body) or _superior(run):
            text = "".join(ch for ch in text if ch.isalpha() or not ch.strip())  # a note call (superscript)
        if right_to_left and RIGHT_TO_LEFT.search(text):  # drawn in visual order: the other way round
            text = text[::-1]
        lines[-1] += text
        if not in_notes and len(body_lines) not in foot:
            foot[len(body_lines)] = bottom
        if in_notes:  # the part whose top is the lowest above the run's
            mine = next((ident for y, ident in starts if y >= top - 1.0), "")
            if mine and mine != owner:
                owner = mine
                owned.setdefault(owner, [""]).append("")
            if owner:
                owned[owner][-1] += text
    _last_line_last(body_lines, foot)
    body, notes = join_lines(body_lines), join_lines(note_lines)
    result.body, result.notes = read(body), read(notes)
    result.hyphenated = (body[-1:] in tuple(HYPHENS + "-"), notes[-1:] in tuple(HYPHENS + "-"))
    for ident, part in owned.items():
        joined = join_lines(part)
        result.parts[ident] = (read(joined), joined[-1:] in tuple(HYPHENS + "-"))
    return result
