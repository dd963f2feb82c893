"""Word streams from the seed text, the PDF and the EPUB, for fidelity tests.

Words are compared after normalising what typesetting legitimately changes:
quotes, dashes, ellipses, hyphenation at line ends, letter case (small caps)
and punctuation at word edges. Body text and notes are separate streams; the
check is that the expected words appear in order with nothing lost or
changed, while the output may add words (front matter, the introduction,
editorial remarks, folios).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from octavo.inspect.fidelity import missing_in_order
from octavo.inspect.pagetext import join_lines, text_area, words

__all__ = ["missing_in_order", "words"]

CALL = re.compile(r"\s*\[\d+\]")
NOTE_LINE = re.compile(r"^(\d+)\.\s+(.*)$")


@dataclass
class Streams:
    body: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def seed_streams(path: Path) -> tuple[list[str], Streams]:
    """(header words, body and note words) of the seed text."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    header = words(" ".join(lines[:3]))
    streams = Streams()
    for line in lines[3:]:
        match = NOTE_LINE.match(line)
        if match:
            streams.notes.extend(words(match.group(2)))
        else:
            streams.body.extend(words(CALL.sub(" ", line)))
    return header, streams


def superior(textpage, index: int, char: str, size: float) -> bool:
    """Whether a character is a superior figure (a note call set with the face's sups glyphs): a
    figure whose ink starts a quarter of its size or more above its baseline (pdfium's origin).
    ``size`` is pdfium's font size, in WeasyPrint's 0.75 pt units."""
    import ctypes

    import pypdfium2.raw as raw

    if not char.isdigit():
        return False
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(textpage, index, ctypes.byref(x), ctypes.byref(y))
    return textpage.get_charbox(index)[1] - y.value >= 0.25 * size * 0.75


def drawn(data: bytes) -> bytes:
    """A PDF (bytes) without its replacement text: each marked-content sequence with an
    /ActualText (``octavo.layout.actualtext``: a word broken at a line's end, read whole) is
    dropped, its operators kept, so that a text extractor reads the glyphs as drawn, the
    hyphens at line ends included."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            kept, open_ = [], []
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name in ("BDC", "BMC"):
                    properties = operands[1] if name == "BDC" else None
                    replaced = isinstance(properties, pikepdf.Dictionary) and "/ActualText" in properties
                    open_.append(replaced)
                    if replaced:
                        continue
                elif name == "EMC" and open_ and open_.pop():
                    continue
                kept.append((operands, operator))
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def pdf_streams(path: Path) -> Streams:
    """Body and note words of a PDF, told apart by font size and position."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    pages = []  # per page: list of (size, y, char)
    sizes: Counter[float] = Counter()
    for page in pdf:
        tp = page.get_textpage()
        chars = []
        for i in range(tp.count_chars()):
            code = raw.FPDFText_GetUnicode(tp, i)
            ch = chr(code) if code else ""
            size = round(raw.FPDFText_GetFontSize(tp, i), 1)
            box = tp.get_charbox(i)
            if superior(tp, i, ch, size):
                continue  # a note call in superior figures
            chars.append((size, box[1], ch))
            if ch.strip():
                sizes[size] += 1
        pages.append(chars)
    body_size = sizes.most_common(1)[0][0]
    smaller = [s for s, _ in sizes.most_common() if s < body_size * 0.95]
    note_size = smaller[0] if smaller else body_size
    streams = Streams()
    body_lines: list[str] = []
    for chars in pages:
        body_ys = [y for size, y, ch in chars if size >= body_size * 0.95 and ch.strip()]
        lowest_body = min(body_ys) if body_ys else None
        highest_body = max(body_ys) if body_ys else None
        page_body, page_notes = [""], [""]
        for size, y, ch in chars:
            if ch in "\r\n":
                page_body.append("")
                page_notes.append("")
                continue
            if size < note_size * 0.9:
                continue  # note calls (superscripts)
            if size < body_size * 0.95 and highest_body is not None and y > highest_body:
                continue  # running heads and folios above the text
            is_note = size < body_size * 0.95 and lowest_body is not None and y < lowest_body
            (page_notes if is_note else page_body)[-1] += ch
        body_lines.extend(page_body)
        note_text = join_lines(page_notes)
        streams.notes.extend(w for w in words(note_text) if not w.isdigit())
    streams.body = words(join_lines(body_lines))
    return streams


XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def epub_spine(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of each spine document, in reading order."""
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        items = {i.get("id"): i.get("href") for i in opf.iter("{*}item")}
        return [
            (base + items[ref.get("idref")], z.read(base + items[ref.get("idref")]))
            for ref in opf.iter("{*}itemref")
        ]


#: Elements that part words in an EPUB's text (blocks, line breaks, the page markers' spans are inline).
BLOCK_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "td",
        "th",
        "tr",
        "table",
        "caption",
        "blockquote",
        "div",
        "section",
        "aside",
        "figure",
        "figcaption",
        "pre",
        "br",
        "hr",
        "header",
        "footer",
        "nav",
    ]
)


def epub_streams(path: Path) -> Streams:
    """Body and note words of an EPUB, in spine order; call and backlink numbers left out."""
    streams = Streams()
    body_text: list[str] = []
    for name, data in epub_spine(path):
        if name.endswith("nav.xhtml"):
            continue
        root = etree.fromstring(data)
        body = root.find(f"{XHTML}body")
        for element in body.iter(f"{XHTML}a"):
            if element.get(EPUB_TYPE) == "noteref" or element.get("role") == "doc-backlink":
                element.text = " "
        for element in body.iter():  # words part at blocks and breaks, never at an inline element
            if isinstance(element.tag, str) and element.tag.removeprefix(XHTML) in BLOCK_TAGS:
                element.text, element.tail = f" {element.text or ''}", f" {element.tail or ''}"
        for aside in list(body.iter(f"{XHTML}aside")):
            streams.notes.extend(words("".join(aside.itertext())))
            aside.text, aside.tail = None, f" {aside.tail or ''}"
            for child in list(aside):
                aside.remove(child)
        body_text.append("".join(body.itertext()))
    streams.body = words(" ".join(body_text))
    return streams


def pdfium_pages(path: Path, options, pages: int, note_tops: dict[int, list[tuple[float, str]]]):
    """Every page's ``pagetext.PageText`` as the referee read it before it read content streams:
    pypdfium2, character by character (slow, kept as the reference the fast reader is held to)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from octavo.inspect.pagetext import HYPHENS, PT, TOLERANCE, PageText

    pdf = pdfium.PdfDocument(str(path))
    margins = {k: v * PT for k, v in options.margins(pages).items()}
    raw_pages = []
    sizes: Counter[float] = Counter()
    for index in range(len(pdf)):
        page = pdf[index]
        text = page.get_textpage()
        chars = []
        for i in range(text.count_chars()):
            code = raw.FPDFText_GetUnicode(text, i)
            box = text.get_charbox(i)
            ch, size = chr(code) if code else "", raw.FPDFText_GetFontSize(text, i)
            chars.append((ch, size, *box, superior(text, i, ch, size)))
        raw_pages.append((page.get_trimbox(), chars))
        sizes.update(round(c[1], 1) for c in chars if c[0].strip())
    text_sizes = [size for size, _ in sizes.most_common() if size >= options.font_size / 0.75 * 0.9]
    body_size = text_sizes[0] if text_sizes else (sizes.most_common(1)[0][0] if sizes else 0.0)
    at_notes: Counter[float] = Counter()
    for index, tops in note_tops.items():
        for top, _ in tops:
            at_notes.update(
                round(c[1], 1) for c in raw_pages[index][1] if c[0].strip() and top - 16 < c[5] <= top + 2
            )
    smaller = [size for size, _ in at_notes.most_common() if size < body_size * 0.95]
    note_size = smaller[0] if smaller else None
    out = []
    for index, (trim, chars) in enumerate(raw_pages):
        x0, y0, x1, y1 = trim
        area = text_area(index, trim, margins)
        in_area = [
            c
            for c in chars
            if c[0].strip() and area[1] - TOLERANCE <= (c[3] + c[5]) / 2 <= area[3] + TOLERANCE
        ]
        big = [c[3] for c in in_area if note_size is None or c[1] > note_size * 1.08]
        tops = note_tops.get(index, [])
        boundary = min(
            max(y for y, _ in tops) + 1.0 if tops else -float("inf"), min(big) + 0.5 if big else float("inf")
        )
        lines = {"body": [""], "notes": [""]}
        result = PageText()
        region = "body"
        for ch, size, left_, bottom, right_, top, is_superior in chars:
            if ch in "\r\n":
                lines["body"].append("")
                lines["notes"].append("")
                continue
            if not ch.strip():
                lines[region][-1] += ch
                continue
            if x0 - 0.5 > left_ or right_ > x1 + 0.5 or y0 - 0.5 > bottom or top > y1 + 0.5:
                result.overflow.append(f"{ch!r} off the trim")
            elif size >= body_size * 0.95 and (
                left_ < area[0] - TOLERANCE
                or right_ > area[2] + TOLERANCE
                or bottom < area[1] - TOLERANCE
                or top > area[3] + TOLERANCE
            ):
                result.overflow.append(f"{ch!r} outside the text area")
            if (
                not area[1] - TOLERANCE <= (bottom + top) / 2 <= area[3] + TOLERANCE
                and size < body_size * 0.95
            ):
                continue
            is_note = top <= boundary
            region = "notes" if is_note else "body"
            main = (note_size or body_size) if is_note else body_size
            if (size < main * 0.8 or is_superior) and not ch.isalpha():
                continue
            lines[region][-1] += ch
        body, notes = join_lines(lines["body"]), join_lines(lines["notes"])
        result.body, result.notes = words(body), words(notes)
        result.hyphenated = (body[-1:] in tuple(HYPHENS + "-"), notes[-1:] in tuple(HYPHENS + "-"))
        out.append(result)
    pdf.close()
    return out
