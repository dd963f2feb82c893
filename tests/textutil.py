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

from octavo.fidelity import join_lines, missing_in_order, words

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
        for aside in list(body.iter(f"{XHTML}aside")):
            streams.notes.extend(words(" ".join(aside.itertext())))
            aside.text, aside.tail = None, f" {aside.tail or ''}"
            for child in list(aside):
                aside.remove(child)
        body_text.append(" ".join(body.itertext()))
    streams.body = words(" ".join(body_text))
    return streams
