"""Finishing the print PDF with pikepdf: boxes, bleed, links, PDF/X claims.

WeasyPrint writes the pages once, as the tagged PDF/A the archive is made
from (``archive.tagged_pdf``); the print file drops what belongs to the
archive (structure tree, XMP, sRGB output intent, attached sources). A
printer also wants what WeasyPrint does not give: no link annotations in a
print file, a TrimBox and BleedBox on every page, bleed on the three
trimmed edges only (not in the gutter), and for IngramSpark a PDF/X-3 file
with a Gray output intent: WeasyPrint paints in DeviceRGB, so every RGB
colour operator in the pages, their forms and tiling patterns is rewritten
as its DeviceGray equivalent first; preflight then checks that no RGB
colour is left. (Images are not converted: a book with RGB pictures fails
that check and says so.)
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


#: Catalog entries of the tagged PDF/A that have no place in the print file.
ARCHIVE_ENTRIES = ("/StructTreeRoot", "/MarkInfo", "/Metadata", "/OutputIntents", "/AF")


def drop_archive_parts(pdf: pikepdf.Pdf) -> None:
    """Remove the structure tree, PDF/A metadata and intent, and attachments.

    The marked-content operators stay in the pages (they draw nothing); the
    objects no longer referenced are left out when the file is saved.
    """
    for entry in ARCHIVE_ENTRIES:
        if entry in pdf.Root:
            del pdf.Root[entry]
    names = pdf.Root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names:
        del names["/EmbeddedFiles"]
    for page in pdf.pages:
        for entry in ("/StructParents", "/Tabs"):
            if entry in page.obj:
                del page.obj[entry]


def remove_annotations(pdf: pikepdf.Pdf) -> None:
    """Links have no place in a file sent to a printer."""
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]


RGB_TO_GRAY = {"rg": "g", "RG": "G"}


def content_streams(pdf: pikepdf.Pdf):
    """Every content stream: pages, and the forms and tiling patterns they use."""
    seen: set[tuple[int, int]] = set()
    stack = [page.obj for page in pdf.pages]
    while stack:
        holder = stack.pop()
        if holder.is_indirect:
            if holder.objgen in seen:
                continue
            seen.add(holder.objgen)
        yield holder
        resources = holder.get("/Resources", {})
        for _, xobject in resources.get("/XObject", {}).items():
            if xobject.get("/Subtype") == "/Form":
                stack.append(xobject)
        for _, pattern in resources.get("/Pattern", {}).items():
            if pattern.get("/PatternType") == 1:
                stack.append(pattern)


def to_gray(pdf: pikepdf.Pdf) -> None:
    """Rewrite RGB colour operators as gray (luminance), leaving everything else as it is."""
    for holder in content_streams(pdf):
        instructions = pikepdf.parse_content_stream(holder)
        changed = False
        rewritten = []
        for operands, operator in instructions:
            name = str(operator)
            if name in RGB_TO_GRAY and len(operands) == 3:
                r, g, b = (float(v) for v in operands)
                gray = round(0.299 * r + 0.587 * g + 0.114 * b, 4)
                rewritten.append(([gray], pikepdf.Operator(RGB_TO_GRAY[name])))
                changed = True
            else:
                rewritten.append((operands, operator))
        if changed:
            data = pikepdf.unparse_content_stream(rewritten)
            if isinstance(holder, pikepdf.Page) or holder.get("/Type") == "/Page":
                pikepdf.Page(holder).contents_coalesce()
                holder.Contents.write(data)
            else:
                holder.write(data)


def rgb_left(pdf: pikepdf.Pdf) -> list[str]:
    """Where RGB colour remains: operators, colour spaces set, images."""
    found = []
    for holder in content_streams(pdf):
        for operands, operator in pikepdf.parse_content_stream(holder):
            name = str(operator)
            if name in RGB_TO_GRAY or (name in ("cs", "CS") and str(operands[0]) == "/DeviceRGB"):
                found.append(f"{name} operator")
        for _, xobject in holder.get("/Resources", {}).get("/XObject", {}).items():
            if xobject.get("/Subtype") == "/Image" and str(xobject.get("/ColorSpace")) == "/DeviceRGB":
                found.append("RGB image")
    return found


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
    """The printer's PDF from WeasyPrint's tagged PDF/A bytes; same input, same output bytes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        drop_archive_parts(pdf)
        remove_annotations(pdf)
        set_boxes(pdf, options)
        if options.vendor == "ingram":
            to_gray(pdf)
            claim_pdfx(pdf, icc_profile)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.preserve,
        )
        return out.getvalue()
