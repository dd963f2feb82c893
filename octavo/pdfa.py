"""Structural PDF/A checks, read with pikepdf: what a deposit's PDF claims and carries.

These are the checks a repository runs first; they do not replace a full
validator such as veraPDF, which is not available here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

FORBIDDEN = ("/JavaScript", "/JS", "/AA", "/Launch")


def _fonts_embedded(pdf: pikepdf.Pdf) -> list[str]:
    missing = []
    for page in pdf.pages:
        for _, font in page.obj.get("/Resources", {}).get("/Font", {}).items():
            target = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = target.get("/FontDescriptor", {})
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


def _forbidden_keys(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            keys = obj.keys()
            found.update(k for k in keys if k in FORBIDDEN)
            if obj.get("/S") in ("/JavaScript", "/Launch"):
                found.add(str(obj.get("/S")))
    return found


def pdfa_problems(path: Path) -> list[str]:
    """Why the file is not a structurally sound PDF/A; empty when it is."""
    problems = []
    with pikepdf.open(path) as pdf:
        xmp = pdf.Root.get("/Metadata")
        text = xmp.read_bytes().decode("utf-8", "replace") if xmp is not None else ""
        part = re.search(r"pdfaid:part(?:>|=\")(\d)", text)
        conformance = re.search(r"pdfaid:conformance(?:>|=\")([ABU])", text)
        if not (part and conformance):
            problems.append("no pdfaid part/conformance in the XMP metadata")
        intents = pdf.Root.get("/OutputIntents", [])
        if not any("/DestOutputProfile" in i for i in intents):
            problems.append("no output intent with an ICC profile")
        if missing := _fonts_embedded(pdf):
            problems.append(f"fonts not embedded: {', '.join(missing)}")
        if forbidden := _forbidden_keys(pdf):
            problems.append(f"forbidden entries: {', '.join(sorted(forbidden))}")
        if "/Encrypt" in pdf.trailer:
            problems.append("the file is encrypted")
        if "/ID" not in pdf.trailer:
            problems.append("no /ID in the trailer")
        title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", text, re.S)
        info_title = str(pdf.docinfo.get("/Title", ""))
        if not title or title.group(1) != info_title.replace("&", "&amp;").replace("<", "&lt;"):
            problems.append("the XMP title differs from the Info title")
    return problems
