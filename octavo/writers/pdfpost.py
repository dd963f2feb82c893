"""Finishing the print PDF with pikepdf: boxes, bleed, links, pictures, PDF/X claims.

WeasyPrint writes the pages once, as the tagged PDF/A the archive is made
from (``archive.tagged_pdf``); the print file drops what belongs to the
archive (structure tree, XMP, sRGB output intent, attached sources). A
printer also wants what WeasyPrint does not give: no link annotations in a
print file, a TrimBox and BleedBox on every page, bleed on the three
trimmed edges only (not in the gutter), and for IngramSpark a PDF/X-3 file
with a Gray output intent.

Both PDFs get the same pictures and drawings (``finish_pages``): WeasyPrint
70 marks every picture ``/Interpolate true`` (forbidden by PDF/A-2 6.2.8 and
by printers' preflights), keeps a PNG's alpha channel as a soft mask and
draws every SVG or CSS background in a transparency group; here a picture
loses /Interpolate, a picture with an alpha channel is composited on white
paper (with Pillow) and loses its soft mask, and a transparency group
whose content is wholly opaque (the note rule, ``css/note-rule.svg``) loses
its /Group, which changes nothing on the page. For IngramSpark every RGB
colour operator in the pages, their forms and tiling patterns is rewritten
as its DeviceGray equivalent and every picture is converted to gray; the
file is saved as PDF 1.4 without object streams, as PDF/X-3:2003 requires.
What is left (a group that really is translucent, a picture Pillow cannot
read) is left as it is, and the referees (``pdfa.py``, ``pdfx.py``) name it.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path

import pikepdf
from PIL import Image

from octavo.config.printspec import BLEED, PrintOptions
from octavo.render.pagerefs import roman_value

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


def content_streams(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every content stream: pages, and the forms and tiling patterns they use."""
    seen: set[tuple[int, int]] = set()
    stack: list[pikepdf.Object] = [page.obj for page in pdf.pages]
    while stack:
        holder = stack.pop()
        if holder.is_indirect:
            if holder.objgen in seen:
                continue
            seen.add(holder.objgen)
        yield holder
        resources = holder.get("/Resources", pikepdf.Dictionary())
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
        rewritten: list[tuple[object, pikepdf.Operator]] = []
        for instruction in instructions:
            operands, operator = instruction.operands, instruction.operator
            name = str(operator)
            if name in RGB_TO_GRAY and len(operands) == 3:
                r, g, b = (float(v) for v in operands)
                gray = round(0.299 * r + 0.587 * g + 0.114 * b, 4)
                rewritten.append(([gray], pikepdf.Operator(RGB_TO_GRAY[name])))
                changed = True
            else:
                rewritten.append((operands, operator))
        if changed:
            # pikepdf writes Python numbers as operands; its stubs accept only Objects there
            data = pikepdf.unparse_content_stream(rewritten)  # type: ignore[arg-type]
            if isinstance(holder, pikepdf.Page) or holder.get("/Type") == "/Page":
                pikepdf.Page(holder).contents_coalesce()
                holder.Contents.write(data)
            else:
                holder.write(data)


def _opaque_state(state: pikepdf.Object) -> bool:
    """An ExtGState that paints opaquely: no constant alpha below 1, no soft mask, normal blending."""
    for key in ("/CA", "/ca"):
        if key in state and float(state[key]) < 1:
            return False
    if state.get("/SMask", pikepdf.Name.None_) != pikepdf.Name.None_:
        return False
    mode = state.get("/BM", pikepdf.Name.Normal)
    mode = mode[0] if isinstance(mode, pikepdf.Array) and len(mode) else mode
    return str(mode) in ("/Normal", "/Compatible")


def _opaque(holder: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    """Whether a content stream (and what it draws) paints only opaque marks."""
    if holder.is_indirect:
        if holder.objgen in seen:
            return True
        seen.add(holder.objgen)
    resources = holder.get("/Resources", pikepdf.Dictionary())
    states = resources.get("/ExtGState", pikepdf.Dictionary())
    xobjects = resources.get("/XObject", pikepdf.Dictionary())
    patterns = resources.get("/Pattern", pikepdf.Dictionary())
    for instruction in pikepdf.parse_content_stream(holder):
        operands, operator = instruction.operands, instruction.operator
        name = str(operator)
        if name == "gs":
            state = states.get(str(operands[0]))
            if state is None or not _opaque_state(state):
                return False
        elif name == "Do":
            target = xobjects.get(str(operands[0]))
            if target is None:
                return False
            if target.get("/Subtype") == "/Image":
                if "/SMask" in target or target.get("/SMaskInData", 0) != 0:
                    return False
            elif "/Group" in target or not _opaque(target, seen):
                return False
        elif name in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
            pattern = patterns.get(str(operands[-1]))
            if pattern is None:
                return False
            if pattern.get("/PatternType") == 1 and not _opaque(pattern, seen):
                return False
            if pattern.get("/PatternType") == 2 and not _opaque_state(
                pattern.get("/ExtGState", pikepdf.Dictionary())
            ):
                return False
    return True


def flatten_opaque_groups(pdf: pikepdf.Pdf) -> None:
    """Drop the transparency group of every form whose content is wholly opaque.

    An isolated group of opaque marks composited on the page gives exactly
    the marks painted directly, so the page looks the same without it.
    Innermost forms first, so that a form holding a flattened one can go too.
    """
    forms = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
    changed = True
    while changed:
        changed = False
        for form in forms:
            group = form.get("/Group")
            if group is not None and group.get("/S") == "/Transparency" and _opaque(form, set()):
                del form["/Group"]
                changed = True
    for page in pdf.pages:
        group = page.obj.get("/Group")
        if group is not None and group.get("/S") == "/Transparency" and _opaque(page.obj, set()):
            del page.obj["/Group"]


WHITE: dict[str, int | tuple[int, int, int]] = {"L": 255, "RGB": (255, 255, 255)}


def finish_images(pdf: pikepdf.Pdf, gray: bool = False) -> None:
    """No /Interpolate; alpha composited on white; with ``gray``, every picture in DeviceGray."""
    images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    masks = {o.SMask.objgen for o in images if isinstance(o.get("/SMask"), pikepdf.Stream)}
    for image in images:
        if image.objgen in masks:
            continue
        if "/Interpolate" in image:
            del image["/Interpolate"]
        smask = image.get("/SMask")
        space = image.get("/ColorSpace")
        is_gray = space == pikepdf.Name.DeviceGray or (
            isinstance(space, pikepdf.Array)
            and str(space[0]) == "/ICCBased"
            and int(space[1].get("/N", 0)) == 1
        )
        if image.get("/ImageMask", False) or (smask is None and (is_gray or not gray)):
            continue
        try:
            picture = pikepdf.PdfImage(image).as_pil_image()
        except Exception:  # left as it is: the referees name what is wrong with it
            continue
        mode = "L" if gray or is_gray else "RGB"
        picture = picture.convert(mode)
        if smask is not None:
            assert isinstance(smask, pikepdf.Stream)  # a soft mask is an image XObject
            alpha = pikepdf.PdfImage(smask).as_pil_image().convert("L")
            if alpha.size != picture.size:
                alpha = alpha.resize(picture.size)
            picture = Image.composite(picture, Image.new(mode, picture.size, WHITE[mode]), alpha)
        image.write(zlib.compress(picture.tobytes(), 9), filter=pikepdf.Name.FlateDecode)
        image.ColorSpace = pikepdf.Name.DeviceGray if mode == "L" else pikepdf.Name.DeviceRGB
        image.BitsPerComponent = 8
        for key in ("/SMask", "/SMaskInData", "/Decode", "/DecodeParms", "/Mask"):
            if key in image:
                del image[key]


def finish_pages(pdf: pikepdf.Pdf, gray: bool = False) -> None:
    """What both the print and archive PDFs need: pictures finished, opaque groups flattened."""
    finish_images(pdf, gray)
    flatten_opaque_groups(pdf)


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
    pdf.docinfo[pikepdf.Name.Trapped] = pikepdf.Name("/False")  # not Name.False_: that is /False_


def set_page_labels(pdf: pikepdf.Pdf, labels: list[str]) -> None:
    """Give ``pdf`` a /PageLabels number tree saying ``labels`` (one folio per page, in order:
    lower-case roman or arabic, as ``layout.pagemap.page_labels`` reads them from the layout), so
    that a viewer's page numbers and "go to page" are the printed folios. Each run of consecutive
    numbers of one style is one range (ISO 32000-1, 12.4.2, "Page Labels": /S /r or /D, /St its
    first number); a label that is neither starts a range with that label as its prefix (/P).
    Nothing is set for an empty list or one that does not match the page count."""
    if not labels or len(labels) != len(pdf.pages):
        return
    nums: list[object] = []
    expected: tuple[str, int] | None = None
    for index, label in enumerate(labels):
        style, number = ("D", int(label)) if label.isdigit() else ("r", roman_value(label))
        if expected == (style, number) and number:
            expected = (style, number + 1)
            continue
        if number:
            entry = pikepdf.Dictionary(S=pikepdf.Name("/" + style))
            if number != 1:
                entry.St = number
            expected = (style, number + 1)
        else:
            entry, expected = pikepdf.Dictionary(P=pikepdf.String(label)), None
        nums += [index, entry]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def finish_print_pdf(
    data: bytes, options: PrintOptions, icc_profile: Path, labels: list[str] | None = None
) -> bytes:
    """The printer's PDF from WeasyPrint's tagged PDF/A bytes; same input, same output bytes.
    ``labels``: each page's folio, for the /PageLabels (``set_page_labels``)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        set_page_labels(pdf, labels or [])
        drop_archive_parts(pdf)
        remove_annotations(pdf)
        set_boxes(pdf, options)
        pdfx = options.vendor == "ingram"
        finish_pages(pdf, gray=pdfx)
        if pdfx:
            to_gray(pdf)
            claim_pdfx(pdf, icc_profile)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            # PDF/X-3:2003 is PDF 1.4: no object streams, no cross-reference streams
            object_stream_mode=pikepdf.ObjectStreamMode.disable
            if pdfx
            else pikepdf.ObjectStreamMode.preserve,
            force_version="1.4" if pdfx else "",
        )
        return out.getvalue()
