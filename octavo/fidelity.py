"""The print fidelity referee: the parsed Book against the PDF as written.

The PDF file is read back, never the layout: pypdfium2 gives each character
with its font size and box, pikepdf the named destinations WeasyPrint writes
for element ids and the fonts' glyphs. Four checks, each a diagnostic
against the manuscript's ``file:line``:

- ``print-lost``: every word of each section (title, blocks) and of each
  note is in the PDF, in order, the body's among its section's pages, the
  notes' in the note areas (words compared after ``words``: case, quotes,
  ligatures, dashes and the hyphens added at line ends set aside);
- ``print-misplaced``: a note starts in the note area of its call's page
  (``note.call_id``'s destination) and may continue, in order, on the
  following pages' note areas, never on a page of another section;
- ``print-overflow``: no glyph outside the trim box, and no glyph of body
  size outside the text area (margins from ``[print]``) by more than 6 pt;
- ``glyph-missing``: no glyph drawn as .notdef (glyph 0) in a Type0 font.

A page's note area is told by size: the text below the lowest character
larger than the notes' size (measured at the notes' own destinations).
Superscript note calls (small, not letters) are left out of the words.
"""

from __future__ import annotations

import ctypes
import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic
from .model import BLOCK_TYPES, Book, Node, Note, Section
from .printspec import PrintOptions

SEPARATORS = re.compile(r"[\s\-\u2013\u2014\u2026]+|\.\.\.")
#: A hyphen between letters: a compound is one word, whether a line broke at its hyphen or not.
COMPOUND = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
EDGE = re.compile(r"^[^\w]+|[^\w]+$")
#: What a typesetter adds at a line end when it hyphenates (a hard hyphen "-" is kept).
HYPHENS = "\u2010\u00ad\x02"
#: Most diagnostics of one kind reported for one PDF.
MAX_REPORTED = 8
PT = 72.0
TOLERANCE = 6.0  # pt a body glyph may stand outside the text area (overhangs, hanging punctuation)


def words(text: str) -> list[str]:
    """Normalised words of a text: NFKC, case-folded; edge punctuation, quotes and hyphens dropped
    (a compound is one word: "anti-socialist" whether or not a line broke at its hyphen)."""
    text = COMPOUND.sub("", unicodedata.normalize("NFKC", text))
    out = []
    for token in SEPARATORS.split(text):
        token = EDGE.sub("", token)
        for h in HYPHENS + "\u2011'\u2019\u2018":
            token = token.replace(h, "")
        if token:
            out.append(token.casefold())
    return out


def join_lines(lines: list[str]) -> str:
    """Lines joined into one text, undoing hyphenation at line ends (a hard hyphen stays)."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and out[-1] in HYPHENS:
            out = out[:-1] + line
        elif out and out[-1] == "-":
            out += line
        else:
            out = f"{out} {line}" if out else line
    return out


def missing_in_order(expected: list[str], got: list[str]) -> list[str]:
    """Describe every place where expected words are lost or changed (inserts are allowed)."""
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    problems = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            context = " ".join(expected[max(0, i1 - 5) : i1])
            problems.append(f"after '…{context}': expected {expected[i1:i2]!r}, found {got[j1:j2][:20]!r}")
    return problems


# -- what the manuscript says --------------------------------------------------------------------
def block_words(blocks: tuple[Node, ...], line: int) -> list[tuple[str, int]]:
    """(word, line of its innermost block) for blocks as print shows them: no images, no note calls."""
    segments: list[list] = [[line, ""]]

    def visit(node: Node, line: int) -> None:
        if node.type in BLOCK_TYPES:
            segments.append([node.line or line, ""])
            for child in node.children:
                visit(child, node.line or line)
            segments.append([line, ""])
            return
        if node.type in ("image", "noteref"):
            return
        segments[-1][1] += " " if node.type in ("softbreak", "hardbreak") else node.text
        for child in node.children:
            visit(child, line)

    for block in blocks:
        visit(block, line)
    return [(w, at) for at, text in segments for w in words(text)]


# -- what the PDF says ---------------------------------------------------------------------------
@dataclass
class PageText:
    """One page's words: the body's and the note area's, and glyphs found off the page."""

    body: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)  # descriptions of glyphs out of bounds
    hyphenated: tuple[bool, bool] = (False, False)  # body, notes end with a break hyphen


def destinations(pdf) -> dict[str, tuple[int, float]]:
    """A pikepdf ``Pdf``'s named destinations (/Names /Dests, /Dests): name -> (page index, y in pt)."""
    import pikepdf

    index = {page.objgen: i for i, page in enumerate(pdf.pages)}
    found: dict[str, tuple[int, float]] = {}
    root = pdf.Root
    items = []
    if "/Names" in root and "/Dests" in root.Names:
        items = list(pikepdf.NameTree(root.Names.Dests).items())
    if "/Dests" in root:
        items += [(str(k)[1:], v) for k, v in root.Dests.items()]
    for name, dest in items:
        dest = dest.get("/D", dest) if isinstance(dest, pikepdf.Dictionary) else dest
        if isinstance(dest, pikepdf.Array) and len(dest) >= 4 and dest[0].objgen in index:
            try:
                y = float(dest[3])
            except (TypeError, ValueError):  # a null top: the destination's page is what counts
                y = 0.0
            found[str(name)] = (index[dest[0].objgen], y)
    return found


def _chars(page) -> list[tuple[str, float, float, float, float, float]]:
    """(char, font size, left, bottom, right, top) of every character pdfium finds, in order."""
    import pypdfium2.raw as raw

    text = page.get_textpage()
    handle = text.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    out = []
    for i in range(raw.FPDFText_CountChars(handle)):
        code = raw.FPDFText_GetUnicode(handle, i)
        raw.FPDFText_GetCharBox(handle, i, left, right, bottom, top)
        size = raw.FPDFText_GetFontSize(handle, i)
        out.append((chr(code) if code else "", size, left.value, bottom.value, right.value, top.value))
    text.close()
    return out


def read_pages(path: Path, options: PrintOptions, pages: int, note_tops: dict[int, list[float]]):
    """Every page's ``PageText``, from the file (``note_tops``: y of note destinations by page)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    margins = {k: v * PT for k, v in options.margins(pages).items()}
    raw_pages = []
    sizes: Counter[float] = Counter()
    for index in range(len(pdf)):
        page = pdf[index]
        chars = _chars(page)
        raw_pages.append((page.get_trimbox(), chars))
        sizes.update(round(c[1], 1) for c in chars if c[0].strip())
        page.close()
    pdf.close()
    # the text's size: the commonest at or above the [print] size (a long note may have more characters);
    # pdfium reads WeasyPrint's sizes in CSS px (its pages are drawn at 0.75 pt a unit)
    text_sizes = [size for size, _ in sizes.most_common() if size >= options.font_size / 0.75 * 0.9]
    body_size = text_sizes[0] if text_sizes else (sizes.most_common(1)[0][0] if sizes else 0.0)
    at_notes: Counter[float] = Counter()
    for index, tops in note_tops.items():
        for top in tops:
            at_notes.update(
                round(c[1], 1) for c in raw_pages[index][1] if c[0].strip() and top - 16 < c[5] <= top + 2
            )
    smaller = [size for size, _ in at_notes.most_common() if size < body_size * 0.95]
    note_size = smaller[0] if smaller else None  # notes set no smaller than the text: no note area
    return [
        _page_text(i, trim, chars, margins, body_size, note_size) for i, (trim, chars) in enumerate(raw_pages)
    ]


def _page_text(index, trim, chars, margins, body_size, note_size) -> PageText:
    x0, y0, x1, y1 = trim
    inside, outside = (margins["inside"], margins["outside"])
    left, right = (inside, outside) if index % 2 == 0 else (outside, inside)  # page 1 is a recto
    area = (x0 + left, y0 + margins["bottom"], x1 - right, y1 - margins["top"])
    in_area = [
        c for c in chars if c[0].strip() and area[1] - TOLERANCE <= (c[3] + c[5]) / 2 <= area[3] + TOLERANCE
    ]
    big = [c[3] for c in in_area if note_size is None or c[1] > note_size * 1.08]
    boundary = min(big) if big else float("inf")
    lines = {"body": [""], "notes": [""]}
    result = PageText()
    region = "body"
    for ch, size, left_, bottom, right_, top in chars:
        if ch in "\r\n":
            lines["body"].append("")
            lines["notes"].append("")
            continue
        if not ch.strip():
            lines[region][-1] += ch
            continue
        if x0 - 0.5 > left_ or right_ > x1 + 0.5 or y0 - 0.5 > bottom or top > y1 + 0.5:
            result.overflow.append(f"{ch!r} off the trim at ({left_:.0f}, {bottom:.0f}) pt")
        elif size >= body_size * 0.95 and (
            left_ < area[0] - TOLERANCE
            or right_ > area[2] + TOLERANCE
            or bottom < area[1] - TOLERANCE
            or top > area[3] + TOLERANCE
        ):
            result.overflow.append(f"{ch!r} outside the text area at ({left_:.0f}, {bottom:.0f}) pt")
        middle = (bottom + top) / 2
        if not area[1] - TOLERANCE <= middle <= area[3] + TOLERANCE and size < body_size * 0.95:
            continue  # running heads and folios
        is_note = note_size is not None and top <= boundary + 0.5 and size <= note_size * 1.08
        region = "notes" if is_note else "body"
        main = note_size if is_note else body_size
        if size < main * 0.8 and not ch.isalpha():
            continue  # a note call or recall (superscript)
        lines[region][-1] += ch
    body, notes = join_lines(lines["body"]), join_lines(lines["notes"])
    result.body, result.notes = words(body), words(notes)
    result.hyphenated = (body[-1:] in tuple(HYPHENS + "-"), notes[-1:] in tuple(HYPHENS + "-"))
    return result


def _stream(
    pages: list[PageText], numbers: range, notes: bool, both: bool = False
) -> tuple[list[str], list[int]]:
    """Words of the pages' body (or note areas; or, ``both``, the body then the note-sized text
    below it) in order, and the page of each; a word hyphenated across a page end is joined."""
    got: list[str] = []
    where: list[int] = []
    glue = False
    for number in numbers:
        page = pages[number]
        ws = page.body + page.notes if both else (page.notes if notes else page.body)
        if glue and ws and got:
            got[-1] += ws[0]
            ws = ws[1:]
        got += ws
        where += [number] * len(ws)
        glue = page.hyphenated[1 if notes else 0] and bool(ws)
    return got, where


def _matches(expected: list[str], got: list[str]) -> dict[int, int]:
    """Expected index -> got index of the words the alignment keeps."""
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    return {a + k: b + k for a, b, size in matcher.get_matching_blocks() for k in range(size)}


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs [start, end) of sorted indices."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1][1] += 1
        else:
            runs.append([i, i + 1])
    return [(a, b) for a, b in runs]


def _quote(ws: list[str]) -> str:
    return "“" + " ".join(ws[:8]) + (" …" if len(ws) > 8 else "") + "”"


@dataclass
class _Report:
    where: Callable[[Path], str]
    name: str
    found: list[Diagnostic] = field(default_factory=list)

    def add(self, path: Path, line: int, ident: str, message: str) -> None:
        if sum(d.id == ident for d in self.found) < MAX_REPORTED:
            self.found.append(Diagnostic(self.where(path), line, ident, f"{message} in {self.name}"))


def _section_pages(book: Book, dests: dict[str, tuple[int, float]], count: int) -> dict[str, range]:
    starts = sorted((dests[s.id][0], s.id) for s in book.sections if s.id in dests)
    spans = {}
    for k, (start, ident) in enumerate(starts):
        spans[ident] = range(start, starts[k + 1][0] if k + 1 < len(starts) else count)
    return spans


def _check_notes(section: Section, pages, span: range, dests, report: _Report) -> None:
    window = range(span.start, min(span.stop + 2, len(pages)))  # the next section's first pages too
    got, on = _stream(pages, window, notes=True)
    expected: list[tuple[str, int, Note]] = []
    for note in section.notes:
        expected += [(w, line, note) for w, line in block_words(note.blocks, note.line)]
    matched = _matches([w for w, _, _ in expected], got)
    lost = [i for i in range(len(expected)) if i not in matched]
    for a, b in _runs(lost):
        note, lost_words = expected[a][2], [e[0] for e in expected[a:b]]
        report.add(
            note.file,
            expected[a][1],
            "print-lost",
            f"note {note.number}: {b - a} word(s) not in the note areas: {_quote(lost_words)}",
        )
    for note in section.notes:
        mine = [i for i, item in enumerate(expected) if item[2] is note]
        if note.call_id not in dests:
            report.add(
                note.file, note.line, "print-misplaced", f"note {note.number}: its call is not in the PDF"
            )
            continue
        call = dests[note.call_id][0]
        seen = [on[matched[i]] for i in mine if i in matched]
        if mine and mine[0] in matched and seen[0] != call:
            report.add(
                note.file,
                note.line,
                "print-misplaced",
                f"note {note.number} starts on page {seen[0] + 1}, its call is on page {call + 1}",
            )
            continue
        for before, after in zip([call, *seen], seen, strict=False):
            if not (0 <= after - before <= 1):
                report.add(
                    note.file,
                    note.line,
                    "print-misplaced",
                    f"note {note.number} jumps from page {before + 1} to page {after + 1}",
                )
                break
            if after >= span.stop:
                report.add(
                    note.file,
                    note.line,
                    "print-misplaced",
                    f"note {note.number} continues on page {after + 1}, a page of another section",
                )
                break


def print_problems(
    path: Path, book: Book, options: PrintOptions, pages: int, where: Callable[[Path], str] = str
) -> list[Diagnostic]:
    """Every print-lost, print-misplaced, print-overflow and glyph-missing problem of one PDF.

    ``path`` is the written print or archive PDF, ``options`` the book's
    [print] table (margins, trim) and ``pages`` its page count; ``where``
    names a manuscript file in the diagnostics. Returns errors in compiler
    form, at most ``MAX_REPORTED`` of each id; raises what pikepdf or
    pypdfium2 raise on a file they cannot read.
    """
    import pikepdf

    report = _Report(where, path.name)
    with pikepdf.open(path) as pdf:
        dests = destinations(pdf)
        notdefs = notdef_glyphs(pdf)
    note_ids = {n.id for s in book.sections for n in s.notes}
    tops: dict[int, list[float]] = {}
    for name, (page, y) in dests.items():
        if name in note_ids:
            tops.setdefault(page, []).append(y)
    texts = read_pages(path, options, pages, tops)
    spans = _section_pages(book, dests, len(texts))
    for section in book.sections:
        span = spans.get(section.id, range(0, len(texts)))
        # a section without notes has no note area: small type at a page's foot (a table) is text
        got, _ = _stream(texts, span, notes=False, both=not section.notes)
        expected = [(w, section.line) for w in words(section.title)] + block_words(
            section.blocks, section.line
        )
        matched = _matches([w for w, _ in expected], got)
        for a, b in _runs([i for i in range(len(expected)) if i not in matched]):
            pages_seen = f"pages {span.start + 1}–{span.stop}" if span else "no page"
            report.add(
                section.file,
                expected[a][1],
                "print-lost",
                f"{b - a} word(s) not on {pages_seen}: {_quote([w for w, _ in expected[a:b]])}",
            )
        if section.notes:
            _check_notes(section, texts, span, dests, report)
        for number in span:
            for problem in texts[number].overflow[:1]:
                more = len(texts[number].overflow) - 1
                report.add(
                    section.file,
                    section.line,
                    "print-overflow",
                    f"page {number + 1}: {problem}" + (f" (and {more} more glyphs)" if more else ""),
                )
    for page, text in notdefs:
        file, line = locate(book, text)
        report.add(
            file, line, "glyph-missing", f"{_glyph(text)} printed as .notdef (a box) on page {page + 1}"
        )
    return report.found


def _glyph(text: str) -> str:
    if len(text) != 1:
        return f"a glyph for {text!r}" if text else "a glyph"
    return f"U+{ord(text):04X} {unicodedata.name(text, 'UNNAMED CHARACTER')} ({text})"


def locate(book: Book, text: str) -> tuple[Path, int]:
    """The file and line of the first node whose text holds ``text`` (book.toml, 0 if none)."""
    for section in book.sections:
        if text and text in section.title:
            return section.file, section.line
        for block in section.blocks + tuple(b for n in section.notes for b in n.blocks):
            for node in block.walk():
                if text and text in node.text:
                    return section.file, node.line
    return book.root / "book.toml", 0


# -- glyphs drawn as .notdef ---------------------------------------------------------------------
TOKENS = re.compile(
    rb"/([^\s/\[\]<>(){}]+)\s+[-\d.]+\s+Tf|/([^\s/\[\]<>(){}]+)\s+Do\b|\[([^\]]*)\]\s*TJ|<([0-9A-Fa-f\s]*)>\s*Tj"
)
HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
SPACE = re.compile(rb"\s")
CIDCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*(\d+)")
CIDRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)")
BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


def _notdef_codes(font) -> tuple[set[int], dict[int, str]]:
    """Codes of a Type0 font that draw glyph 0, and what its ToUnicode says they stand for."""
    import pikepdf

    if font.get("/Subtype") != "/Type0":
        return set(), {}
    encoding = font.get("/Encoding")
    cids: dict[int, int] | None = None  # None: Identity
    if isinstance(encoding, pikepdf.Stream):
        data = encoding.read_bytes()
        cids = {}
        for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
            for lo, hi, cid in CIDRANGE.findall(block):
                for code in range(int(lo, 16), min(int(hi, 16), int(lo, 16) + 65535) + 1):
                    cids[code] = int(cid) + code - int(lo, 16)
        for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
            cids.update({int(code, 16): int(cid) for code, cid in CIDCHAR.findall(block)})
    descendant = font.DescendantFonts[0]
    gid_map = descendant.get("/CIDToGIDMap")
    gids = gid_map.read_bytes() if isinstance(gid_map, pikepdf.Stream) else None

    def gid(cid: int) -> int:
        if gids is None:
            return cid
        return int.from_bytes(gids[2 * cid : 2 * cid + 2], "big") if 2 * cid + 2 <= len(gids) else 0

    codes = {c for c, cid in (cids or {0: 0}).items() if gid(cid) == 0}
    if cids is None and gids is not None:
        codes |= {cid for cid in range(len(gids) // 2) if gid(cid) == 0}
    meaning: dict[int, str] = {}
    if codes and isinstance(font.get("/ToUnicode"), pikepdf.Stream):
        data = font.ToUnicode.read_bytes()
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for code, uni in BFCHAR.findall(block):
                if int(code, 16) in codes and uni:
                    meaning[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be", "replace")
    return codes, meaning


def _scan(stream, resources, fonts: dict, page: int, found: list[tuple[int, str]], depth: int = 0) -> None:
    font_dict = resources.get("/Font", {}) if resources is not None else {}
    xobjects = resources.get("/XObject", {}) if resources is not None else {}
    current: tuple[set[int], dict[int, str], tuple[bytes, ...]] = (set(), {}, ())
    for match in TOKENS.finditer(stream.read_bytes()):
        name, form, array, single = match.groups()
        if name is not None:
            font = font_dict.get("/" + name.decode("latin-1"))
            if font is not None and font.objgen not in fonts:
                codes, meaning = _notdef_codes(font)
                quick = tuple(b"%04x" % c for c in codes) if len(codes) < 64 else ()
                fonts[font.objgen] = (codes, meaning, quick)
            current = fonts[font.objgen] if font is not None else (set(), {}, ())
        elif form is not None and depth < 8:
            xobject = xobjects.get("/" + form.decode("latin-1"))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                _scan(xobject, xobject.get("/Resources", resources), fonts, page, found, depth + 1)
        elif current[0]:
            strings = (array or b"").lower() if single is None else b"<" + single.lower() + b">"
            if current[2] and not any(code in strings for code in current[2]):
                continue  # none of the font's .notdef codes even appears (whitespace aside)
            for hexes in HEX.findall(strings):
                digits = SPACE.sub(b"", hexes).decode()
                data = bytes.fromhex(digits + "0" * (len(digits) % 2))  # an odd last digit is followed by 0
                for k in range(0, len(data) - 1, 2):
                    code = int.from_bytes(data[k : k + 2], "big")
                    if code in current[0]:
                        found.append((page, current[1].get(code, "")))


def notdef_glyphs(pdf) -> list[tuple[int, str]]:
    """(page index, text the glyph stands for or "") of each .notdef glyph drawn in a pikepdf ``Pdf``.

    Reads the page content streams and the forms they draw (``Do``), the
    fonts' encodings (Identity-H or an embedded CMap) and CIDToGIDMap: a code
    that maps to glyph 0 in a Type0 font draws .notdef. Strings are read in
    hex, the form WeasyPrint writes; other font types are not inspected.
    """
    import pikepdf

    found: list[tuple[int, str]] = []
    fonts: dict = {}
    for index, page in enumerate(pdf.pages):
        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents else []
        for stream in streams:
            _scan(stream, page.obj.get("/Resources"), fonts, index, found)
    return found
