"""Preflight: check the built print files against a vendor's rules before upload.

Each rule gives what the vendor expects, what the files have, and pass or
fail, read from the PDFs themselves (page boxes and fonts with pikepdf, text
positions with pypdfium2) and, for underfull pages, from the build's layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

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

PT = 72.0
TOLERANCE_PT = 0.5


@dataclass(frozen=True)
class RuleResult:
    rule: str
    expected: str
    found: str
    ok: bool

    def __str__(self) -> str:
        return (
            f"{'pass' if self.ok else 'FAIL'}  {self.rule:<15} expected {self.expected}; found {self.found}"
        )


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


def run_preflight(
    interior: Path, cover: Path, options: PrintOptions, vendor: str, underfull: list[str] | None = None
) -> list[RuleResult]:
    """Every rule for ``vendor`` on the interior and cover PDFs."""
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
        results = [
            check_page_size(pdf, options),
            check_fonts(pdf),
            check_annotations(pdf),
            check_page_count(pages, vendor),
            check_margins(interior, pdf, options, vendor),
            check_boxes(pdf),
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
