"""The EPUB's accessibility metadata, derived from facts read off its documents, and checked back.

``facts`` reads XHTML documents (the ones about to be packaged, or those of
a written EPUB: ``epub_facts``) and counts what a reader meets: pictures and
their text alternatives, tables and their header cells, MathML and its
descriptions, passages marked in another language, notes linked both ways,
headings, the table of contents, page-break markers and the page-list,
audio, video and scripts. ``metadata`` turns the facts into EPUB
Accessibility 1.1 properties and ``summary`` into sentences; nothing is
said that the facts do not show. ``dcterms:conformsTo`` is written only
when every condition in ``conformance_failures`` holds. ``claims_problems``
is the referee's half: it reads a written EPUB, computes the facts again,
and names every property the package states that they do not support.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from octavo.strings import Strings, strings

XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"
MATHML = "http://www.w3.org/1998/Math/MathML"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
#: The properties ``metadata`` writes and ``claims_problems`` checks (the summary is checked by tests).
CHECKED = (
    "schema:accessMode",
    "schema:accessModeSufficient",
    "schema:accessibilityFeature",
    "schema:accessibilityHazard",
    "dcterms:conformsTo",
)
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass
class Facts:
    """What the EPUB's documents contain, counted."""

    documents: int = 0  # content documents in the spine, the navigation document among them
    sections: int = 0  # documents of the book's own text (not cover, title page, copyright, nav)
    headings: int = 0
    toc: bool = False
    page_list: int = 0  # entries of the navigation document's page-list
    page_breaks: int = 0  # doc-pagebreak markers in the documents
    images: int = 0  # pictures in the text (the cover's not counted)
    described: int = 0  # of them, with a text alternative
    decorative: int = 0  # of them, marked decorative (alt="" and role presentation or none)
    cover: bool = False
    cover_described: bool = False
    tables: int = 0
    tables_with_headers: int = 0
    math: int = 0
    math_described: int = 0  # with alttext or an annotation
    notes: int = 0  # note calls
    notes_linked: int = 0  # calls whose note links back to them
    languages: set[str] = field(default_factory=set)  # of marked passages, other than the book's
    undeclared: list[str] = field(default_factory=list)  # documents without lang and xml:lang
    media: int = 0  # audio, video, embed, object, iframe
    scripts: int = 0
    animated: list[str] = field(default_factory=list)  # animated GIF or PNG pictures

    @property
    def undescribed(self) -> int:
        return self.images - self.described - self.decorative


def _decorative(img: etree._Element) -> bool:
    return img.get("alt") == "" and (
        img.get("role") in ("presentation", "none")
        or img.get("aria-hidden") == "true"
        or "decorative" in (img.get("class") or "").split()
    )


def _animated(data: bytes) -> bool:
    """A GIF or PNG with more than one frame (an APNG)."""
    if data[:6] in (b"GIF87a", b"GIF89a"):
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as picture:
                return getattr(picture, "n_frames", 1) > 1
        except OSError:
            return False
    return (
        data[:8] == b"\x89PNG\r\n\x1a\n"
        and b"acTL" in data[: data.find(b"IDAT") if b"IDAT" in data else None]
    )


def facts(
    documents: Iterable[tuple[str, bytes]], language: str, pictures: dict[str, bytes] | None = None
) -> Facts:
    """Facts from (file name, XHTML) pairs in reading order; ``pictures`` by file name, for animation."""
    found = Facts()
    primary = language.lower()
    parsed = [(name, etree.fromstring(data, PARSER)) for name, data in documents]
    ids: dict[tuple[str, str], etree._Element] = {}
    for name, root in parsed:
        for element in root.iter():
            if isinstance(element.tag, str) and (ident := element.get("id")):
                ids[(name, ident)] = element
    for name, root in parsed:
        found.documents += 1
        if not (root.get("lang") and root.get(XML_LANG)):
            found.undeclared.append(name)
        body = root.find(f"{{{XHTML}}}body")
        types = set((body.get(f"{{{EPUB}}}type") or "").split()) if body is not None else set()
        is_nav = any(n.get(f"{{{EPUB}}}type") == "toc" for n in root.iter(f"{{{XHTML}}}nav"))
        is_cover = "cover" in types or any(
            "cover" in (s.get(f"{{{EPUB}}}type") or "").split() for s in root.iter(f"{{{XHTML}}}section")
        )
        if is_nav:
            found.toc = True
            for nav in root.iter(f"{{{XHTML}}}nav"):
                if nav.get(f"{{{EPUB}}}type") == "page-list":
                    found.page_list += len(nav.findall(f".//{{{XHTML}}}a"))
        front = types & {"titlepage", "copyright-page"} or any(
            set((s.get(f"{{{EPUB}}}type") or "").split()) & {"titlepage", "copyright-page"}
            for s in root.iter(f"{{{XHTML}}}section")
        )
        if not (is_nav or is_cover or front):
            found.sections += 1
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            namespace = etree.QName(element).namespace
            kind = set((element.get(f"{{{EPUB}}}type") or "").split()) | {element.get("role") or ""}
            lang = element.get(XML_LANG) or element.get("lang")
            if lang and element is not root and lang.lower() != primary:
                found.languages.add(lang)
            if namespace == MATHML and tag == "math":
                found.math += 1
                if element.get("alttext") or element.find(f".//{{{MATHML}}}annotation") is not None:
                    found.math_described += 1
                continue
            if namespace != XHTML:
                continue
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                found.headings += 1
            elif tag == "img":
                source = posixpath.normpath(posixpath.join(posixpath.dirname(name), element.get("src", "")))
                if pictures and source in pictures and _animated(pictures[source]):
                    found.animated.append(source)
                if is_cover:
                    found.cover = True
                    found.cover_described = bool((element.get("alt") or "").strip())
                    continue
                found.images += 1
                if (element.get("alt") or "").strip():
                    found.described += 1
                elif _decorative(element):
                    found.decorative += 1
            elif tag == "table":
                found.tables += 1
                if element.find(f".//{{{XHTML}}}th") is not None:
                    found.tables_with_headers += 1
            elif tag in ("audio", "video", "embed", "object", "iframe"):
                found.media += 1
            elif tag == "script":
                found.scripts += 1
            elif "pagebreak" in kind or "doc-pagebreak" in kind:
                found.page_breaks += 1
            elif tag == "a" and ("noteref" in kind or "doc-noteref" in kind):
                found.notes += 1
                target = unquote(element.get("href", ""))
                file, _, anchor = target.partition("#")
                file = posixpath.normpath(posixpath.join(posixpath.dirname(name), file)) if file else name
                note = ids.get((file, anchor))
                call = element.get("id")
                if note is not None and call:
                    back = {unquote(a.get("href", "")) for a in note.iter(f"{{{XHTML}}}a")}
                    here = posixpath.relpath(name, posixpath.dirname(file)) if file != name else ""
                    if f"#{call}" in back or f"{here}#{call}" in back:
                        found.notes_linked += 1
    return found


def conformance_failures(found: Facts) -> list[str]:
    """Why the EPUB may not claim EPUB Accessibility 1.1 - WCAG 2.1 AA: each condition octavo can
    check on the documents, with what fails it. Empty: every condition holds."""
    failures = []
    if found.undeclared:
        failures.append(f"documents without lang and xml:lang: {', '.join(found.undeclared[:3])}")
    if found.undescribed:
        failures.append(f"{found.undescribed} picture(s) without a text alternative, not marked decorative")
    if found.cover and not found.cover_described:
        failures.append("the cover picture has no text alternative")
    if found.tables_with_headers < found.tables:
        failures.append(f"{found.tables - found.tables_with_headers} table(s) without header cells")
    if found.math_described < found.math:
        failures.append(
            f"{found.math - found.math_described} MathML formula(s) without alttext or annotation"
        )
    if not found.toc:
        failures.append("no table of contents in the navigation document")
    if found.page_breaks and not found.page_list:
        failures.append("page-break markers without a page-list")
    if found.media or found.scripts:
        failures.append("audio, video, embedded objects or scripts, which octavo cannot check")
    if found.animated:
        failures.append(
            f"animated pictures, which octavo cannot check for flashing: {', '.join(found.animated)}"
        )
    return failures


def metadata(found: Facts) -> list[tuple[str, str]]:
    """The schema.org accessibility properties (and conformsTo) the facts support."""
    meta = [("schema:accessMode", "textual")]
    if found.images - found.decorative:
        meta.append(("schema:accessMode", "visual"))
    if not found.undescribed:
        meta.append(("schema:accessModeSufficient", "textual"))
    if found.images - found.decorative:
        meta.append(("schema:accessModeSufficient", "textual,visual"))
    features = []
    if found.headings:
        features.append("structuralNavigation")
    if found.toc:
        features.append("tableOfContents")
    features.append("readingOrder")
    if found.page_breaks:
        features.append("pageBreakMarkers")
    if found.page_list:
        features.append("pageNavigation")
    if found.described and not found.undescribed:
        features.append("alternativeText")
    if found.math:
        features.append("MathML")
        if found.math_described == found.math:
            features.append("describedMath")
    meta += [("schema:accessibilityFeature", f) for f in features]
    if found.media or found.scripts or found.animated:
        meta.append(("schema:accessibilityHazard", "unknown"))
    else:
        meta.append(("schema:accessibilityHazard", "none"))
    if not conformance_failures(found):
        meta.append(("dcterms:conformsTo", CONFORMS_TO))
    return meta


def summary(found: Facts, t: Strings | None = None) -> str:
    """What the EPUB contains, said plainly for a reader who cannot see it: every sentence a fact,
    in the book's language (``t``, English by default; the sentences are ``octavo/strings``'
    ``a11y-*`` keys, each count in its plural form)."""
    t = t or strings("en")
    navigation = []
    if found.toc:
        navigation.append(t("a11y-toc"))
    if found.headings:
        navigation.append(t("a11y-headings", n=found.headings))
    if navigation:
        parts = [t("a11y-text-navigation", n=found.sections, navigation=t.list(navigation))]
    else:
        parts = [t("a11y-text", n=found.sections)]
    if found.notes:
        if found.notes_linked == found.notes:
            parts.append(t("a11y-notes-linked", n=found.notes))
        else:
            notes = t("a11y-footnotes", n=found.notes)
            parts.append(t("a11y-notes-some-linked", n=found.notes_linked, notes=notes))
    if found.page_list:
        parts.append(t("a11y-page-markers" if found.page_breaks else "a11y-page-list", n=found.page_list))
    alone = {
        found.described: "a11y-pictures-described",
        found.decorative: "a11y-pictures-decorative",
        found.undescribed: "a11y-pictures-undescribed",
    }.get(found.images)
    if found.images and alone is not None:  # every picture alike
        parts.append(t(alone, n=found.images))
    elif found.images:
        said = [
            t(key, n=count)
            for key, count in (
                ("a11y-some-described", found.described),
                ("a11y-some-decorative", found.decorative),
                ("a11y-some-undescribed", found.undescribed),
            )
            if count
        ]
        parts.append(
            t("a11y-pictures-mixed", pictures=t("a11y-pictures", n=found.images), parts=", ".join(said))
        )
    else:
        parts.append(t("a11y-no-pictures"))
    if found.cover:
        parts.append(t("a11y-cover-described" if found.cover_described else "a11y-cover-undescribed"))
    if found.tables:
        if found.tables_with_headers == found.tables:
            parts.append(t("a11y-tables-headers", n=found.tables))
        else:
            tables = t("a11y-tables", n=found.tables)
            parts.append(
                t("a11y-tables-some-headers", n=found.tables - found.tables_with_headers, tables=tables)
            )
    if found.math:
        if found.math_described == found.math:
            described = t("a11y-math-all-described", n=found.math)
        else:
            described = t("a11y-math-some-described", n=found.math_described)
        parts.append(t("a11y-math", n=found.math, described=described))
    if found.languages:
        parts.append(t("a11y-languages", languages=", ".join(sorted(found.languages))))
    if not (found.media or found.scripts):
        parts.append(t("a11y-no-media"))
    return " ".join(parts)


# -- the referee's half: a written EPUB ------------------------------------------------------------------


def _package(archive: zipfile.ZipFile) -> tuple[str, etree._Element]:
    container = etree.fromstring(archive.read("META-INF/container.xml"), PARSER)
    rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
    path = rootfile.get("full-path") if rootfile is not None else None
    if path is None:
        raise ValueError("META-INF/container.xml names no package document")
    return path, etree.fromstring(archive.read(path), PARSER)


def epub_facts(path: Path) -> tuple[Facts, list[tuple[str, str]]]:
    """The facts of a written EPUB's spine, and the accessibility properties its package states."""
    with zipfile.ZipFile(path) as archive:
        opf_path, opf = _package(archive)
        base = posixpath.dirname(opf_path)
        items = {
            i.get("id"): (
                posixpath.normpath(posixpath.join(base, unquote(i.attrib["href"]))),
                i.get("media-type"),
            )
            for i in opf.iter(f"{{{OPF}}}item")
        }
        spine = [items[r.get("idref")][0] for r in opf.iter(f"{{{OPF}}}itemref") if r.get("idref") in items]
        nav = [
            items[i.get("id")][0] for i in opf.iter(f"{{{OPF}}}item") if "nav" in (i.get("properties") or "")
        ]
        names = spine + [n for n in nav if n not in spine]
        pictures = {p: archive.read(p) for p, media in items.values() if (media or "").startswith("image/")}
        language = opf.findtext(f".//{{{DC}}}language") or ""
        found = facts([(n, archive.read(n)) for n in names], language, pictures)
        stated = [
            (m.get("property", ""), (m.text or "").strip())
            for m in opf.iter(f"{{{OPF}}}meta")
            if m.get("property") in (*CHECKED, "schema:accessibilitySummary", "pageBreakSource")
        ]
    return found, stated


def claims_problems(path: Path) -> list[str]:
    """Every accessibility property the EPUB's package states that its documents do not support."""
    found, stated = epub_facts(path)
    expected = {pair for pair in metadata(found)}
    problems = []
    for prop, value in stated:
        if prop in CHECKED and (prop, value) not in expected:
            if prop == "dcterms:conformsTo":
                why = "; ".join(conformance_failures(found)) or "not a conformance octavo checks"
                problems.append(f"claims {value!r} but {why}")
            else:
                problems.append(f"claims {prop} {value!r}, which its documents do not support")
    for prop, value in sorted(expected - set(stated)):
        if prop != "dcterms:conformsTo":
            problems.append(f"does not state {prop} {value!r}, which its documents show")
    if found.page_list and not any(p == "pageBreakSource" for p, _ in stated):
        problems.append("has a page-list but no pageBreakSource")
    if any(p == "pageBreakSource" for p, _ in stated) and not found.page_list:
        problems.append("states a pageBreakSource but has no page-list")
    return problems
