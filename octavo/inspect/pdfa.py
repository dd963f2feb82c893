"""PDF/A-2 and PDF/A-3 (level B) checks, read with pikepdf from the written file.

No independent validator is installable here (veraPDF is a Java program
found neither on PyPI, npm nor in Debian), so the rules are checked from
the clauses of ISO 19005-2:2011 (and 19005-3:2012 for attachments) on the
file's own objects: what its pages really draw with (``pdfobjects``), its
trailer, catalog, fonts, annotations, actions and metadata. Each problem
names its clause. The clauses covered are listed in ``CLAUSES`` (and in the
README); a file that passes is structurally sound, not certified.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from lxml import etree

from octavo.inspect.pdfobjects import drawing, fonts, space_family, translucent

#: The clauses of ISO 19005-2 checked here, as the README lists them.
CLAUSES = {
    "6.1.3": "the trailer has an /ID and no /Encrypt",
    "6.1.7.1": "no stream refers to an external file (/F, /FFilter, /FDecodeParms)",
    "6.1.7.2": "no LZW compression",
    "6.2.2": "an output intent with an ICC profile; all output intents share one profile",
    "6.2.4.3": "DeviceRGB only with an RGB output intent, DeviceCMYK only with a CMYK one",
    "6.2.5": "no transfer function (/TR, /TR2 other than /Default) nor halftone in a graphics state",
    "6.2.8": "no picture with /Interpolate true, /Alternates or /OPI; 1, 2, 4, 8 or 16 bits per component",
    "6.2.9": "no PostScript XObject, no form with /OPI or /Ref",
    "6.2.10": "only the standard blend modes; without an output intent, a transparency group has /CS",
    "6.2.11.4.1": "every font embedded",
    "6.3.2": "every annotation printable (Print flag set, Hidden, Invisible, NoView clear)",
    "6.5.1": "no JavaScript, Launch or other forbidden action",
    "6.6.2.1": "XMP metadata, unfiltered, with pdfaid:part and pdfaid:conformance",
    "6.6.3": "the Info dictionary's Title, Author, Subject, Creator, Producer and dates agree with the XMP",
    "6.8": "part 2: no embedded file but a PDF; part 3: every embedded file with /AFRelationship",
}

FORBIDDEN_ACTIONS = ("/JavaScript", "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Rendition")
STANDARD_BLEND = {
    "/Normal",
    "/Compatible",
    "/Multiply",
    "/Screen",
    "/Overlay",
    "/Darken",
    "/Lighten",
    "/ColorDodge",
    "/ColorBurn",
    "/HardLight",
    "/SoftLight",
    "/Difference",
    "/Exclusion",
    "/Hue",
    "/Saturation",
    "/Color",
    "/Luminosity",
}
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


def _xmp_value(root: etree._Element, prefix: str, name: str) -> str | None:
    """A property's text from the XMP, as an element or an attribute; a list's first item."""
    tag = f"{{{NS[prefix]}}}{name}"
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        if tag in description.attrib:
            return description.attrib[tag]
        element = description.find(tag)
        if element is not None:
            item = element.find(".//rdf:li", NS)
            return (item.text if item is not None else element.text) or ""
    return None


def _info_date_to_xmp(value: str) -> str:
    """D:YYYYMMDDHHmmSSZ (or with an offset) as an XMP date, for comparing the two."""
    match = re.match(r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(Z|[+-]\d\d'?\d\d'?)?", value)
    if not match:
        return value
    y, mo, d, h, mi, s, zone = match.groups()
    text = y + (f"-{mo}" if mo else "") + (f"-{d}" if d else "")
    if h:
        text += f"T{h}:{mi or '00'}:{s or '00'}"
        if zone:
            minutes = zone.rstrip("'")[-2:]
            text += "Z" if zone == "Z" else f"{zone[:3]}:{minutes}"
    return text


def _metadata(pdf: pikepdf.Pdf) -> tuple[list[str], str | None]:
    """Problems with the XMP packet and its agreement with the Info dictionary; the part claimed."""
    problems: list[str] = []
    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return ["6.6.2.1: no XMP metadata stream in the catalog"], None
    if "/Filter" in stream:
        problems.append("6.6.2.1: the XMP metadata stream is compressed (it must not be filtered)")
    try:
        root = etree.fromstring(stream.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [f"6.6.2.1: the XMP metadata is not well-formed XML: {exc}"], None
    part = _xmp_value(root, "pdfaid", "part")
    conformance = _xmp_value(root, "pdfaid", "conformance")
    if not part or not conformance:
        problems.append("6.6.2.1: no pdfaid:part and pdfaid:conformance in the XMP metadata")
    elif part not in ("2", "3") or conformance not in ("A", "B", "U"):
        problems.append(
            f"6.6.2.1: claims PDF/A-{part}{conformance.lower()}, checked here as 2 or 3, a, b or u"
        )
    info = pdf.docinfo
    pairs = (
        ("/Title", "dc", "title"),
        ("/Author", "dc", "creator"),
        ("/Subject", "dc", "description"),
        ("/Creator", "xmp", "CreatorTool"),
        ("/Producer", "pdf", "Producer"),
        ("/Keywords", "pdf", "Keywords"),
    )
    for key, prefix, name in pairs:
        if key in info:
            value = _xmp_value(root, prefix, name)
            if value is None or value != str(info[key]):
                found = str(info[key])
                problems.append(
                    f"6.6.3: the Info {key[1:]} {found!r} differs from the XMP {prefix}:{name} {value!r}"
                )
    for key, name in (("/CreationDate", "CreateDate"), ("/ModDate", "ModifyDate")):
        if key in info:
            value = _xmp_value(root, "xmp", name)
            if value is None or value.replace("+00:00", "Z") != _info_date_to_xmp(str(info[key])):
                problems.append(
                    f"6.6.3: the Info {key[1:]} {info[key]!s} differs from the XMP xmp:{name} {value}"
                )
    return problems, part


def _profiles(pdf: pikepdf.Pdf) -> tuple[list[str], int | None]:
    """Problems with the output intents; the components of the PDF/A intent's profile."""
    intents = list(pdf.Root.get("/OutputIntents", []))
    profiles = [i.DestOutputProfile for i in intents if "/DestOutputProfile" in i]
    if not profiles:
        return ["6.2.2: no output intent with an ICC profile"], None
    if len({p.objgen if p.is_indirect else p.read_bytes() for p in profiles}) > 1:
        return ["6.2.2: the output intents have different profiles"], None
    return [], int(profiles[0].get("/N", 0))


def _drawing_problems(pdf: pikepdf.Pdf, components: int | None) -> list[str]:
    problems: list[str] = []
    drawn = drawing(pdf)
    for where, image in drawn.images:
        if bool(image.get("/Interpolate", False)):
            problems.append(f"6.2.8: a picture with /Interpolate true ({where})")
        for key in ("/Alternates", "/OPI"):
            if key in image:
                problems.append(f"6.2.8: a picture with {key} ({where})")
        bits = image.get("/BitsPerComponent")
        if bits is not None and int(bits) not in (1, 2, 4, 8, 16):
            problems.append(f"6.2.8: a picture with {int(bits)} bits per component ({where})")
    for where, inline in drawn.inline_images:
        attributes = getattr(inline, "obj", {})
        if bool(attributes.get("/I", attributes.get("/Interpolate", False))):
            problems.append(f"6.2.8: an inline picture with /Interpolate true ({where})")
    for where, form in drawn.forms:
        if form.get("/Subtype2") == "/PS" or "/OPI" in form or "/Ref" in form:
            problems.append(f"6.2.9: a form XObject with /Subtype2 /PS, /OPI or /Ref ({where})")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/PS":
            problems.append("6.2.9: a PostScript XObject")
            break
    device = {"/DeviceRGB": 3, "/DeviceCMYK": 4}
    for where, space in drawn.spaces:
        family = space_family(space)
        if family in device and components != device[family]:
            intent = {1: "a Gray", 3: "an RGB", 4: "a CMYK"}.get(components or 0, "no")
            problems.append(f"6.2.4.3: {family[1:]} colour with {intent} output intent ({where})")
    for where, state in drawn.states:
        if "/TR" in state or ("/TR2" in state and pikepdf.Name("/Default") != state.TR2):
            problems.append(f"6.2.5: a transfer function in a graphics state ({where})")
        if "/HTP" in state or "/HT" in state:
            problems.append(f"6.2.5: a halftone in a graphics state ({where})")
        mode = state.get("/BM")
        modes = list(mode) if isinstance(mode, pikepdf.Array) else [mode] if mode is not None else []
        for blend in modes:
            if str(blend) not in STANDARD_BLEND:
                problems.append(f"6.2.10: blend mode {blend} is not a standard one ({where})")
    if components is None:
        for where, group in drawn.groups:
            if group.get("/S") == "/Transparency" and "/CS" not in group:
                problems.append(f"6.2.10: a transparency group without /CS and no output intent ({where})")
    if drawn.states and any(translucent(s) for _, s in drawn.states) and components is None:
        problems.append("6.2.10: transparency without an output intent")
    return problems


def _annotations(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") == "/Popup":
                continue
            flags = int(annotation.get("/F", 0))
            if not flags & 4 or flags & (1 | 2 | 32):
                problems.append(
                    f"6.3.2: an annotation on page {number} is not set to print "
                    f"(/F {flags}: Print must be set; Invisible, Hidden, NoView clear)"
                )
                break
    return problems


def _objects(pdf: pikepdf.Pdf) -> list[str]:
    """Actions, external streams, LZW: found anywhere in the file."""
    found: set[str] = set()
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        if obj.get("/S") in FORBIDDEN_ACTIONS:
            found.add(f"6.5.1: a {str(obj.S)[1:]} action")
        if "/JS" in obj or "/AA" in obj:
            found.add("6.5.1: JavaScript or additional actions (/JS, /AA)")
        if isinstance(obj, pikepdf.Stream):
            if any(k in obj for k in ("/F", "/FFilter", "/FDecodeParms")):
                found.add("6.1.7.1: a stream that refers to an external file")
            filters = obj.get("/Filter")
            names = list(filters) if isinstance(filters, pikepdf.Array) else [filters]
            if pikepdf.Name("/LZWDecode") in names:
                found.add("6.1.7.2: an LZW-compressed stream")
    return sorted(found)


def _attachments(pdf: pikepdf.Pdf, part: str | None) -> list[str]:
    names = pdf.Root.get("/Names", pikepdf.Dictionary()).get("/EmbeddedFiles")
    if names is None:
        return []
    problems = []
    entries = list(names.get("/Names", []))
    for name, spec in zip(entries[::2], entries[1::2], strict=False):
        if part == "3" and "/AFRelationship" not in spec:
            problems.append(f"6.8: the attachment {name} has no /AFRelationship")
        elif part == "2":
            data = spec.get("/EF", pikepdf.Dictionary()).get("/F")
            if data is None or not data.read_bytes().startswith(b"%PDF-"):
                problems.append(f"6.8: the attachment {name} is not a PDF (PDF/A-2 allows only PDF/A files)")
    return problems


def pdfa_problems(path: Path) -> list[str]:
    """Why the file is not a PDF/A-2b or 3b as it claims, each with its clause; empty when none found."""
    with pikepdf.open(path) as pdf:
        problems, part = _metadata(pdf)
        intent_problems, components = _profiles(pdf)
        problems += intent_problems
        if "/Encrypt" in pdf.trailer:
            problems.append("6.1.3: the file is encrypted")
        if "/ID" not in pdf.trailer:
            problems.append("6.1.3: no /ID in the trailer")
        problems += _objects(pdf)
        problems += _drawing_problems(pdf, components)
        missing = sorted({name for name, _, embedded in fonts(pdf) if not embedded})
        if missing:
            problems.append(f"6.2.11.4.1: fonts not embedded: {', '.join(missing)}")
        problems += _annotations(pdf)
        problems += _attachments(pdf, part)
    return problems
