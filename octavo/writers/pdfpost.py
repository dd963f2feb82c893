"""Finishing the print PDF with pikepdf: boxes, bleed, links, PDF/X claims.

WeasyPrint writes the pages; a printer also wants what WeasyPrint does not
give: no link annotations in a print file, a TrimBox and BleedBox on every
page, bleed on the three trimmed edges only (not in the gutter), and for
IngramSpark a PDF/X-3 claim with an output intent. The PDF/X claim is a
label: WeasyPrint's text is DeviceRGB black, which preflight tools of
printers accept but which is not a validated PDF/X file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from ..printspec import BLEED, PrintOptions

PT = 72.0
PDFX_VERSION = "PDF/X-3:2003"


def _box(x0: float, y0: float, x1: float, y1: float) -> pikepdf.Array:
    return pikepdf.Array([round(x0, 3), round(y0, 3), round(x1, 3), round(y1, 3)])


def set_boxes(pdf: pikepdf.Pdf, options: PrintOptions) -> None:
    """TrimBox and BleedBox on every page; with bleed, none on the gutter side."""
    for index, page in enumerate(pdf.pages):
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        if options.bleed:
            bleed = BLEED * PT
            recto = index % 2 == 0
            if recto:  # binding on the left: no bleed there
                x0 += bleed
            else:
                x1 -= bleed
            page.mediabox = _box(x0, y0, x1, y1)
            trim = (
                (x0, y0 + bleed, x1 - bleed, y1 - bleed)
                if recto
                else (x0 + bleed, y0 + bleed, x1, y1 - bleed)
            )
        else:
            trim = (x0, y0, x1, y1)
        page.obj.TrimBox = _box(*trim)
        page.obj.BleedBox = _box(x0, y0, x1, y1)
        if "/CropBox" in page.obj:
            del page.obj["/CropBox"]


def remove_annotations(pdf: pikepdf.Pdf) -> None:
    """Links have no place in a file sent to a printer."""
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]


def claim_pdfx(pdf: pikepdf.Pdf, icc_profile: Path) -> None:
    """PDF/X-3 information and a Gray output intent (Gray.icc, zlib licence)."""
    profile = pikepdf.Stream(pdf, icc_profile.read_bytes())
    profile.N = 1
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String("Custom"),
        OutputCondition=pikepdf.String("Black text on uncoated paper"),
        RegistryName=pikepdf.String("http://www.color.org"),
        Info=pikepdf.String("Gray (icc-profiles-free)"),
        DestOutputProfile=profile,
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])
    pdf.docinfo[pikepdf.Name.GTS_PDFXVersion] = pikepdf.String(PDFX_VERSION)
    pdf.docinfo[pikepdf.Name.Trapped] = pikepdf.Name.False_


def finish_print_pdf(data: bytes, options: PrintOptions, icc_profile: Path) -> bytes:
    """The printer's PDF from WeasyPrint's bytes; same input, same output bytes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        remove_annotations(pdf)
        set_boxes(pdf, options)
        if options.vendor == "ingram":
            claim_pdfx(pdf, icc_profile)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.preserve,
        )
        return out.getvalue()
