"""Preflight: check the built print files against a vendor's rules before upload.

Each rule gives what the vendor expects, what the files have, and pass or
fail, read from the PDFs themselves (page boxes and fonts with pikepdf, text
positions with pypdfium2) and, for underfull pages, from the build's layout.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, UnidentifiedImageError

from octavo.config.printspec import (
    BLEED,
    PAGE_RANGE,
    SPINE_CLEARANCE,
    SPINE_TEXT_MIN_PAGES,
    PrintOptions,
    min_gutter,
    min_outer,
)
from octavo.inspect.pdfx import pdfx_problems
from octavo.layout.cover import geometry, spine_ink
from octavo.model import Book
from octavo.source import gate

PT = 72.0
TOLERANCE_PT = 0.5


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict: ``ok`` False fails the preflight; ``warn`` (with ``ok``) passes it but
    is printed ``warn``, for what a printer accepts and a reader may notice."""

    rule: str
    expected: str
    found: str
    ok: bool
    warn: bool = False

    def __str__(self) -> str:
        verdict = "FAIL" if not self.ok else "warn" if self.warn else "pass"
        return f"{verdict}  {self.rule:<15} expected {self.expected}; found {self.found}"


def _inches(points: float) -> str:
    return f"{points / PT:.3f} in"


def expected_page_size(options: PrintOptions) -> tuple[float, float]:
    """Interior page size in points: trim, plus bleed on three edges when on."""
    width, height = options.size
    if options.bleed:
        width, height = width + BLEED, height + 2 * BLEED
    return width * PT, height * PT


def check_page_size(pdf: pikepdf.Pdf, options: PrintOptions) -> RuleResult:
    want = expected_page_size(options)
    for number, page in enumerate(pdf.pages, start=1):
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        if abs(x1 - x0 - want[0]) > TOLERANCE_PT or abs(y1 - y0 - want[1]) > TOLERANCE_PT:
            found = f"page {number} is {_inches(x1 - x0)} × {_inches(y1 - y0)}"
            return RuleResult("page-size", f"{_inches(want[0])} × {_inches(want[1])}", found, False)
    return RuleResult(
        "page-size", f"{_inches(want[0])} × {_inches(want[1])}", f"all {len(pdf.pages)} pages", True
    )


def _fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[str, bool]]:
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
        for _, font in fonts.items():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            target = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = target.get("/FontDescriptor", pikepdf.Dictionary())
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            yield str(font.get("/BaseFont", "?")), embedded


def check_fonts(pdf: pikepdf.Pdf, rule: str = "fonts-embedded") -> RuleResult:
    fonts = list(_fonts(pdf))
    missing = [name for name, embedded in fonts if not embedded]
    plural = "s" * (len(fonts) != 1)
    found = f"not embedded: {', '.join(missing)}" if missing else f"{len(fonts)} font{plural}, all embedded"
    return RuleResult(rule, "every font embedded", found, not missing)


def check_annotations(pdf: pikepdf.Pdf) -> RuleResult:
    pages = [n for n, page in enumerate(pdf.pages, start=1) if "/Annots" in page.obj]
    found = f"annotations on pages {pages[:5]}" if pages else "none"
    return RuleResult("annotations", "no links, annotations or marks", found, not pages)


def check_page_count(count: int, vendor: str) -> RuleResult:
    low, high = PAGE_RANGE[vendor]
    ok = low <= count <= high and count % 2 == 0
    return RuleResult("page-count", f"even, {low}–{high}", str(count), ok)


def check_boxes(pdf: pikepdf.Pdf) -> RuleResult:
    for number, page in enumerate(pdf.pages, start=1):
        media = [float(v) for v in page.mediabox]
        bleed = [float(v) for v in page.obj.get("/BleedBox", page.mediabox)]
        trim_box = page.obj.get("/TrimBox")
        if trim_box is None:
            return RuleResult(
                "boxes", "TrimBox ⊆ BleedBox ⊆ MediaBox", f"page {number} has no TrimBox", False
            )
        trim = [float(v) for v in trim_box]

        def inside(a: list[float], b: list[float]) -> bool:
            return a[0] >= b[0] - 0.01 and a[1] >= b[1] - 0.01 and a[2] <= b[2] + 0.01 and a[3] <= b[3] + 0.01

        if not (inside(trim, bleed) and inside(bleed, media)):
            return RuleResult("boxes", "TrimBox ⊆ BleedBox ⊆ MediaBox", f"page {number} is not nested", False)
    return RuleResult("boxes", "TrimBox ⊆ BleedBox ⊆ MediaBox", f"all {len(pdf.pages)} pages", True)


def check_pdfx(path: Path, pdf: pikepdf.Pdf) -> RuleResult:
    """The file's PDF/X claim, checked on its objects (``pdfx.pdfx_problems``)."""
    version = str(pdf.docinfo.get("/GTS_PDFXVersion", ""))
    problems = pdfx_problems(path)
    more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
    found = f"{version or 'no PDF/X claim'}: " + (
        "; ".join(problems[:3]) + more if problems else "no problem"
    )
    expected = "PDF/X-1a or X-3 kept: output intent, no transparency, gray colour, PDF 1.4"
    return RuleResult("pdf-x", expected, found, not problems)


def check_margins(path: Path, pdf: pikepdf.Pdf, options: PrintOptions, vendor: str) -> RuleResult:
    """Text never in the gutter nor outside the margins, measured from the text's positions."""
    pages = len(pdf.pages)
    gutter, outer = min_gutter(vendor, pages) * PT, min_outer(vendor, options.bleed) * PT
    expected = f"gutter ≥ {_inches(gutter)}, other edges ≥ {_inches(outer)}"
    document = pdfium.PdfDocument(str(path))
    worst: tuple[float, str] | None = None
    for index, page in enumerate(document):
        trim = [float(v) for v in pdf.pages[index].obj.get("/TrimBox", pdf.pages[index].mediabox)]
        textpage = page.get_textpage()
        rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]
        if not rects:
            continue
        left = min(r[0] for r in rects) - trim[0]
        right = trim[2] - max(r[2] for r in rects)
        bottom = min(r[1] for r in rects) - trim[1]
        top = trim[3] - max(r[3] for r in rects)
        recto = index % 2 == 0
        inside, outside = (left, right) if recto else (right, left)
        for edge, distance, minimum in (
            ("gutter", inside, gutter),
            ("outside", outside, outer),
            ("top", top, outer),
            ("bottom", bottom, outer),
        ):
            shortfall = minimum - distance
            if shortfall > TOLERANCE_PT and (worst is None or shortfall > worst[0]):
                worst = (shortfall, f"page {index + 1}: text {_inches(distance)} from the {edge}")
    if worst:
        return RuleResult("margins", expected, worst[1], False)
    return RuleResult("margins", expected, f"all {pages} pages inside", True)


def check_cover(path: Path, options: PrintOptions, pages: int) -> RuleResult:
    width, height = options.cover_size(pages)
    expected = f"{width:.3f} × {height:.3f} in for {pages} pages"
    if not path.is_file():
        return RuleResult("cover-size", expected, f"{path.name} not found", False)
    with pikepdf.open(path) as cover:
        if len(cover.pages) != 1:
            return RuleResult("cover-size", expected, f"{len(cover.pages)} pages", False)
        x0, y0, x1, y1 = (float(v) for v in cover.pages[0].mediabox)
    found = f"{(x1 - x0) / PT:.3f} × {(y1 - y0) / PT:.3f} in"
    ok = abs(x1 - x0 - width * PT) <= TOLERANCE_PT and abs(y1 - y0 - height * PT) <= TOLERANCE_PT
    return RuleResult("cover-size", expected, found, ok)


def check_spine(path: Path, options: PrintOptions, pages: int) -> RuleResult:
    """The cover's spine text, measured on its glyphs: none on a book of fewer pages than the
    vendor prints spine text on (``SPINE_TEXT_MIN_PAGES``: KDP, "more than 79 pages"), and
    otherwise at least ``SPINE_CLEARANCE`` (KDP: 0.0625 in) from each fold of the spine."""
    least, clearance = SPINE_TEXT_MIN_PAGES[options.vendor], SPINE_CLEARANCE[options.vendor]
    expected = f"none under {least} pages, else ≥ {clearance:.4f} in from each fold"
    if not path.is_file():
        return RuleResult("spine-text", expected, f"{path.name} not found", False)
    g = geometry(options, pages)
    ink = spine_ink(path.read_bytes(), g)
    if ink is None:
        return RuleResult("spine-text", expected, f"none ({pages} pages, spine {g.spine:.3f} in)", True)
    if pages < least:
        return RuleResult("spine-text", expected, f"spine text on a book of {pages} pages", False)
    back, front = ink[0] - g.spine_x, g.spine_x + g.spine - ink[2]
    found = f"{min(back, front):.4f} in from a fold (spine {g.spine:.3f} in)"
    return RuleResult("spine-text", expected, found, min(back, front) >= clearance - TOLERANCE_PT / PT)


#: Effective resolution of a picture at its printed size, in pixels per inch: from ``GOOD_PPI``
#: a pass, from ``LEAST_PPI`` a warning, below it a failure. KDP ("Paperback Manuscript
#: Formatting Guide", images: "at least 300 DPI"), IngramSpark ("File Requirements for Print
#: Books": images at 300 ppi) and Lulu ("Book Creation Guide", Photo and Graphic Resolution:
#: 300 ppi) ask for 300; below 200 the pixels show on the printed page.
GOOD_PPI = 300.0
LEAST_PPI = 200.0


def picture_sources(book: Book) -> dict[tuple[int, int], list[str]]:
    """(width, height) in pixels -> ``file:line (picture)`` of every picture of that size in the
    book, in reading order: how a picture of the PDF is traced to the Markdown that shows it
    (its pixels are the file's: ``writers/pdfpost`` never resamples)."""
    sizes: dict[str, tuple[int, int] | None] = {}
    found: dict[tuple[int, int], list[str]] = {}
    for where, node in gate.book_nodes(book):
        if node.type != "image":
            continue
        src = node.attr("src")
        if src not in sizes:
            try:
                with Image.open(gate.reference(book.root, src)) as image:
                    sizes[src] = image.size
            except (gate.Refused, OSError, UnidentifiedImageError, ValueError):
                sizes[src] = None
        size = sizes[src]
        if size is not None:
            try:
                shown = where.relative_to(book.root)
            except ValueError:
                shown = where
            found.setdefault(size, []).append(f"{shown}:{node.line} ({src})")
    return found


def placed_pictures(path: Path) -> Iterator[tuple[int, tuple[int, int], float]]:
    """(page number, (width, height) in pixels, effective ppi) of every picture drawn in the PDF:
    its pixels over its placed size (the image object's matrix, pt), the lower of the two axes."""
    document = pdfium.PdfDocument(str(path))
    for index in range(len(document)):
        page = document[index]
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
            assert isinstance(obj, pdfium.PdfImage)
            width, height = obj.get_px_size()
            m = obj.get_matrix()
            placed_w, placed_h = math.hypot(m.a, m.b) / PT, math.hypot(m.c, m.d) / PT
            if not (width and height and placed_w > 0 and placed_h > 0):
                continue
            yield index + 1, (width, height), min(width / placed_w, height / placed_h)


def check_resolution(path: Path, sources: dict[tuple[int, int], list[str]]) -> RuleResult:
    """Every picture of the interior at ``GOOD_PPI`` or more at its printed size (a warning from
    ``LEAST_PPI``, a failure below it), each named by the Markdown line that shows it when its
    pixel size traces it (``picture_sources``), else by its page."""
    expected = f"pictures ≥ {GOOD_PPI:.0f} ppi as printed (< {LEAST_PPI:.0f} fails)"
    low: list[tuple[float, str]] = []
    count = 0
    for page, size, ppi in placed_pictures(path):
        count += 1
        if ppi < GOOD_PPI:
            named = sources.get(size)
            where = ", ".join(named) if named else f"a {size[0]}×{size[1]} px picture"
            low.append((ppi, f"{where} on page {page}: {ppi:.0f} ppi"))
    if not low:
        return RuleResult("resolution", expected, f"{count} picture{'s' * (count != 1)}, all sharp", True)
    low.sort()
    more = f" (+{len(low) - 3} more)" if len(low) > 3 else ""
    found = "; ".join(text for _, text in low[:3]) + more
    return RuleResult("resolution", expected, found, low[0][0] >= LEAST_PPI, warn=True)


#: The least type size a printer accepts, in points: KDP's "Paperback Manuscript Formatting
#: Guide" ("Font size: 7 pt minimum"); IngramSpark and Lulu print the same file. Every glyph of the
#: interior counts: text, notes, note calls (the face's superior figures at the text's size:
#: print.css), running heads, folios, captions.
MIN_TYPE_PT = 7.0


def type_sizes(path: Path) -> Iterator[tuple[int, float, str]]:
    """(page number, size in pt, the word) of every run of glyphs of one size in the PDF: the
    font size times the vertical scale of the character's matrix (WeasyPrint draws in CSS px)."""
    document = pdfium.PdfDocument(str(path))
    for index in range(len(document)):
        textpage = document[index].get_textpage()
        run: list[str] = []
        size = 0.0
        for char in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage, char)
            if code in (0, 2, 9, 10, 13, 32, 0xFFFE):
                if run and run[-1] != " ":
                    run.append(" ")
                continue
            matrix = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFText_GetMatrix(textpage, char, ctypes.byref(matrix))
            scale = math.hypot(matrix.c, matrix.d) or 1.0
            points = round(pdfium_c.FPDFText_GetFontSize(textpage, char) * scale, 2)
            if points != size and run:
                yield index + 1, size, "".join(run).strip()
                run = []
            size = points
            run.append(chr(code))
        if run:
            yield index + 1, size, "".join(run).strip()


def check_type_size(path: Path) -> RuleResult:
    """No glyph of the interior under ``MIN_TYPE_PT``: the smallest named with its page."""
    expected = f"type ≥ {MIN_TYPE_PT:g} pt (text, notes, calls, heads)"
    smallest: tuple[float, int, str] | None = None
    for page, size, text in type_sizes(path):
        if size > 0 and (smallest is None or size < smallest[0]):
            smallest = (size, page, text)
    if smallest is None:
        return RuleResult("type-size", expected, "no text", True)
    size, page, text = smallest
    shown = text if len(text) <= 20 else text[:20] + "…"
    found = f"{size:g} pt at the least (page {page}: {shown!r})"
    return RuleResult("type-size", expected, found, size >= MIN_TYPE_PT - 0.01)


#: Most blank pages an interior may end on: Amazon's "Mandatory Print Book Distribution
#: Requirements" ("no more than ... 10 consecutive blank pages at the end of an interior file",
#: quoted at https://connect.lulu.com/en/discussion/337429/blank-pages). A KDP book fails past it;
#: IngramSpark and Lulu publish no such limit, but a book they distribute to Amazon meets Amazon's
#: review: a warning there.
MAX_BLANK_END = 10
#: The vendors whose own rules set ``MAX_BLANK_END``.
BLANK_END_VENDORS = frozenset({"kdp"})


def blank_end(path: Path) -> int:
    """How many pages at the end of the PDF at ``path`` are blank: nothing drawn on them (no text,
    picture or path object, as pypdfium2 lists a page's objects)."""
    document = pdfium.PdfDocument(str(path))
    count = 0
    for index in range(len(document) - 1, -1, -1):
        if next(iter(document[index].get_objects()), None) is not None:
            break
        count += 1
    return count


def check_blank_end(path: Path, vendor: str, pages: int) -> RuleResult:
    """At most ``MAX_BLANK_END`` blank pages at the end of the interior (a failure for KDP, a
    warning for the others). ``pad`` fills a short book up to the vendor's minimum page count
    (``PAGE_RANGE``), which can take more: the message then says that the minimum forces them
    (the book needs more text, not fewer blank pages)."""
    blanks = blank_end(path)
    expected = f"≤ {MAX_BLANK_END} blank pages at the end"
    if blanks <= MAX_BLANK_END:
        return RuleResult("blank-end", expected, str(blanks), True)
    text_pages, least = pages - blanks, PAGE_RANGE[vendor][0]
    found = f"{blanks} (text ends on page {text_pages} of {pages})"
    if pages <= least + 1 and text_pages < least:
        found += (
            f": {vendor}'s minimum of {least} pages forces them; the text needs at least "
            f"{least - MAX_BLANK_END} pages for the padding to stay within {MAX_BLANK_END}"
        )
    if vendor not in BLANK_END_VENDORS:
        found += f"; Amazon's limit, which {vendor} does not set, applies to a book it sells through Amazon"
        return RuleResult("blank-end", expected, found, True, warn=True)
    return RuleResult("blank-end", expected, found, False)


def run_preflight(
    interior: Path,
    cover: Path,
    options: PrintOptions,
    vendor: str,
    underfull: list[str] | None = None,
    book: Book | None = None,
) -> list[RuleResult]:
    """Every rule for ``vendor`` on the interior and cover PDFs; ``book`` names the pictures."""
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
        results = [
            check_page_size(pdf, options),
            check_fonts(pdf),
            check_annotations(pdf),
            check_page_count(pages, vendor),
            check_margins(interior, pdf, options, vendor),
            check_boxes(pdf),
            check_blank_end(interior, vendor, pages),
            check_type_size(interior),
            check_resolution(interior, picture_sources(book) if book is not None else {}),
        ]
        if vendor == "ingram":
            results.append(check_pdfx(interior, pdf))
    vendor_options = PrintOptions(**{**options.__dict__, "vendor": vendor})
    results.append(check_cover(cover, vendor_options, pages))
    results.append(check_spine(cover, vendor_options, pages))
    if underfull is not None:
        found = ", ".join(underfull) if underfull else "none"
        results.append(RuleResult("underfull", "no short page but at section ends", found, not underfull))
    return results
