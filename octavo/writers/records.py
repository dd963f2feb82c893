"""The deposit's Dublin Core record (oai_dc); its ONIX record is ``writers.onix``.

Written from the same ``Metadata`` as the EPUB's package document, with lxml,
so it is well-formed by construction.
"""

from __future__ import annotations

from lxml import etree

from octavo.config.isbn import urn
from octavo.model import ROLES, Metadata

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"


def dublin_core(meta: Metadata) -> bytes:
    """An oai_dc record (UTF-8 XML bytes): title, authors as ``dc:creator`` and the others as
    ``dc:contributor`` with their MARC relators, language, identifiers (the work's, then each
    edition's ISBN as ``urn:isbn:``, RFC 8254), and the rest (DCMI Metadata Terms)."""
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC})

    def add(name: str, text: str) -> None:
        if text:
            etree.SubElement(root, f"{{{DC}}}{name}").text = text

    add("title", meta.title + (f": {meta.subtitle}" if meta.subtitle else ""))
    for c in meta.creators:
        add("creator" if c.role == "author" else "contributor", f"{c.name} [{ROLES[c.role]}]")
    add("language", meta.language)
    add("identifier", meta.identifier)
    for number in (meta.print_isbn, meta.epub_isbn):
        if number and urn(number) != meta.identifier:
            add("identifier", urn(number))
    add("date", meta.date)
    add("publisher", meta.publisher)
    add("rights", meta.rights)
    add("description", meta.description)
    add("source", " ".join(meta.source.split()))
    add("type", "Text")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
