"""PDF/X-1a and PDF/X-3 checks, read with pikepdf from the written file.

No PDF/X validator is installable here, so the rules of ISO 15930-1/-4
(PDF/X-1a) and ISO 15930-3/-6 (PDF/X-3) that concern octavo's files are
checked on the file's own objects, each problem naming its rule; the
rules covered are in ``RULES`` (and in the README).
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from octavo.inspect.pdfobjects import Drawing, drawing, fonts, space_family, translucent

RULES = {
    "version": "GTS_PDFXVersion names PDF/X-1a or PDF/X-3; the header's PDF version is the one the "
    "standard is based on (1.3 for X-1a:2001, 1.4 for X-1a:2003 and X-3:2003), "
    "so no object or cross-reference streams",
    "info": "the Info dictionary has Title, CreationDate, ModDate and Trapped (/True or /False)",
    "output intent": "a GTS_PDFX output intent with an OutputConditionIdentifier and an ICC profile",
    "boxes": "every page has a TrimBox (or ArtBox); TrimBox ⊆ BleedBox ⊆ MediaBox",
    "fonts": "every font embedded",
    "transparency": "no transparency: no transparency group, no soft mask (in a picture or a graphics "
    "state), no constant alpha below 1, no blend mode but Normal",
    "colour": "colour consistent with the output intent: DeviceGray always; DeviceRGB never; "
    "DeviceCMYK only with a CMYK intent; ICCBased, Lab, CalRGB or CalGray only in PDF/X-3",
    "other": "no encryption, no JavaScript, no PostScript XObject, no OPI, no transfer function; "
    "the trailer has an /ID; no annotation but printer's marks",
}

VERSIONS = {"PDF/X-1:2001": "1.3", "PDF/X-1a:2001": "1.3", "PDF/X-1a:2003": "1.4", "PDF/X-3:2002": "1.3"}
VERSIONS |= {"PDF/X-3:2003": "1.4"}


def _colour(drawn: Drawing, x3: bool, components: int | None) -> list[str]:
    problems = []
    device_ok = {"/DeviceGray": True, "/DeviceRGB": components == 3, "/DeviceCMYK": components == 4}
    independent = ("/ICCBased", "/Lab", "/CalRGB", "/CalGray")
    for where, space in drawn.spaces:
        family = space_family(space)
        if family in device_ok:
            if not device_ok[family]:
                intent = {1: "Gray", 3: "RGB", 4: "CMYK"}.get(components or 0, "unknown")
                problems.append(f"colour: {family[1:]} with a {intent} output intent ({where})")
        elif family in independent:
            if not x3:
                problems.append(f"colour: {family[1:]} colour is not allowed in PDF/X-1a ({where})")
        elif family not in ("/Indexed", "/Separation", "/DeviceN", "/Pattern"):
            problems.append(f"colour: an unknown colour space {family} ({where})")
    return problems


def _transparency(drawn: Drawing) -> list[str]:
    problems = []
    for where, group in drawn.groups:
        if group.get("/S") == "/Transparency":
            problems.append(f"transparency: a transparency group ({where})")
    for where, image in drawn.images:
        if isinstance(image.get("/SMask"), pikepdf.Stream):
            problems.append(f"transparency: a picture with a soft mask (its alpha channel) ({where})")
        if int(image.get("/SMaskInData", 0)):
            problems.append(f"transparency: a JPEG 2000 picture with its alpha channel ({where})")
    for where, state in drawn.states:
        problems += [f"transparency: {what} ({where})" for what in translucent(state)]
    return problems


def _boxes(pdf: pikepdf.Pdf) -> list[str]:
    def inside(a: list[float], b: list[float]) -> bool:
        return a[0] >= b[0] - 0.01 and a[1] >= b[1] - 0.01 and a[2] <= b[2] + 0.01 and a[3] <= b[3] + 0.01

    for number, page in enumerate(pdf.pages, start=1):
        media = [float(v) for v in page.mediabox]
        trim = page.obj.get("/TrimBox", page.obj.get("/ArtBox"))
        if trim is None:
            return [f"boxes: page {number} has neither TrimBox nor ArtBox"]
        if "/TrimBox" in page.obj and "/ArtBox" in page.obj:
            return [f"boxes: page {number} has both TrimBox and ArtBox"]
        bleed = [float(v) for v in page.obj.get("/BleedBox", page.mediabox)]
        if not (inside([float(v) for v in trim], bleed) and inside(bleed, media)):
            return [f"boxes: page {number}'s TrimBox, BleedBox and MediaBox are not nested"]
    return []


def pdfx_problems(path: Path) -> list[str]:
    """Why the file is not the PDF/X it claims, each problem named by its rule; empty when none found."""
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        claim = str(info.get("/GTS_PDFXVersion", ""))
        if claim not in VERSIONS:
            return [f"version: GTS_PDFXVersion {claim or 'missing'}: not a PDF/X-1a or PDF/X-3 claim"]
        x3 = claim.startswith("PDF/X-3")
        if pdf.pdf_version > VERSIONS[claim]:
            problems.append(f"version: {claim} is PDF {VERSIONS[claim]}; the file is PDF {pdf.pdf_version}")
        if any(isinstance(o, pikepdf.Stream) and o.get("/Type") in ("/ObjStm", "/XRef") for o in pdf.objects):
            problems.append(f"version: object or cross-reference streams, which {claim} does not have")
        for key in ("/Title", "/CreationDate", "/ModDate"):
            if key not in info:
                problems.append(f"info: no {key[1:]} in the Info dictionary")
        if info.get("/Trapped") not in (pikepdf.Name("/True"), pikepdf.Name("/False")):
            found = str(info.get("/Trapped", "missing"))
            problems.append(f"info: Trapped is {found}; it must be /True or /False")
        intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]
        components = None
        if len(intents) != 1 or "/OutputConditionIdentifier" not in intents[0]:
            problems.append("output intent: not exactly one GTS_PDFX output intent with an identifier")
        elif "/DestOutputProfile" not in intents[0]:
            problems.append("output intent: no ICC profile (DestOutputProfile)")
        else:
            components = int(intents[0].DestOutputProfile.get("/N", 0))
        problems += _boxes(pdf)
        missing = sorted({name for name, _, embedded in fonts(pdf) if not embedded})
        if missing:
            problems.append(f"fonts: not embedded: {', '.join(missing)}")
        drawn = drawing(pdf)
        problems += _transparency(drawn)
        problems += _colour(drawn, x3, components)
        for where, state in drawn.states:
            if "/TR" in state or ("/TR2" in state and pikepdf.Name("/Default") != state.TR2):
                problems.append(f"other: a transfer function ({where})")
        for where, image in drawn.images:
            if "/OPI" in image or "/Alternates" in image:
                problems.append(f"other: a picture with /OPI or /Alternates ({where})")
        if "/Encrypt" in pdf.trailer:
            problems.append("other: the file is encrypted")
        if "/ID" not in pdf.trailer:
            problems.append("other: no /ID in the trailer")
        for number, page in enumerate(pdf.pages, start=1):
            if any(a.get("/Subtype") != "/PrinterMark" for a in page.obj.get("/Annots", [])):
                problems.append(f"other: annotations on page {number}")
                break
        if any(
            isinstance(o, pikepdf.Dictionary | pikepdf.Stream)
            and (o.get("/S") == "/JavaScript" or "/JS" in o or o.get("/Subtype") == "/PS")
            for o in pdf.objects
        ):
            problems.append("other: JavaScript or a PostScript XObject")
    return problems
