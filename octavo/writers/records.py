"""Catalogue records for the deposit: Dublin Core (oai_dc) and a minimal ONIX 3.0 product.

Both are written from the same ``Metadata`` as the EPUB's package document,
with lxml, so they are well-formed by construction.
"""

from __future__ import annotations

from lxml import etree

from octavo.model import ROLES, Metadata

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
ONIX = "http://ns.editeur.org/onix/3.0/reference"
#: ONIX code list 17 (contributor role) for octavo's roles.
ONIX_ROLES = {"author": "A01", "translator": "B06", "editor": "B01", "introduction": "A24"}
#: ISO 639-2/B codes ONIX wants, for the commonest languages (others: the BCP 47 primary subtag).
ISO639_2 = {
    "en": "eng",
    "fr": "fre",
    "de": "ger",
    "es": "spa",
    "it": "ita",
    "ru": "rus",
    "pt": "por",
    "nl": "dut",
    "pl": "pol",
    "sv": "swe",
}


def dublin_core(meta: Metadata) -> bytes:
    """An oai_dc record: title, creators with MARC roles, language, identifier, and the rest."""
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC})

    def add(name: str, text: str) -> None:
        if text:
            etree.SubElement(root, f"{{{DC}}}{name}").text = text

    add("title", meta.title + (f": {meta.subtitle}" if meta.subtitle else ""))
    for c in meta.creators:
        add("creator" if c.role == "author" else "contributor", f"{c.name} [{ROLES[c.role]}]")
    add("language", meta.language)
    add("identifier", meta.identifier)
    add("date", meta.date)
    add("publisher", meta.publisher)
    add("rights", meta.rights)
    add("description", meta.description)
    add("source", " ".join(meta.source.split()))
    add("type", "Text")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def onix(meta: Metadata, stamp: str) -> bytes:
    """A minimal ONIX 3.0 message with one product: identifiers, title, contributors, language."""
    root = etree.Element(f"{{{ONIX}}}ONIXMessage", nsmap={None: ONIX}, release="3.0")

    def sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ONIX}}}{name}", attrib=attrs)
        if text is not None:
            element.text = text
        return element

    header = sub(root, "Header")
    sender = sub(header, "Sender")
    sub(sender, "SenderName", meta.publisher or "octavo")
    sub(header, "SentDateTime", stamp)
    product = sub(root, "Product")
    sub(product, "RecordReference", meta.identifier)
    sub(product, "NotificationType", "03")
    ident = sub(product, "ProductIdentifier")
    if meta.isbn:
        sub(ident, "ProductIDType", "15")
        sub(ident, "IDValue", meta.isbn.replace("-", ""))
    else:
        sub(ident, "ProductIDType", "01")
        sub(ident, "IDTypeName", meta.identifier.rsplit(":", 1)[0])
        sub(ident, "IDValue", meta.identifier)
    detail = sub(product, "DescriptiveDetail")
    sub(detail, "ProductComposition", "00")
    sub(detail, "ProductForm", "ED")
    sub(detail, "ProductFormDetail", "E101")
    title = sub(detail, "TitleDetail")
    sub(title, "TitleType", "01")
    element = sub(title, "TitleElement")
    sub(element, "TitleElementLevel", "01")
    sub(element, "TitleText", meta.title)
    if meta.subtitle:
        sub(element, "Subtitle", meta.subtitle)
    for number, c in enumerate(meta.creators, start=1):
        contributor = sub(detail, "Contributor")
        sub(contributor, "SequenceNumber", str(number))
        sub(contributor, "ContributorRole", ONIX_ROLES[c.role])
        sub(contributor, "PersonName", c.name)
        if c.file_as and ", " in c.file_as:
            sub(contributor, "PersonNameInverted", c.file_as)
    language = sub(detail, "Language")
    sub(language, "LanguageRole", "01")
    primary = meta.language.split("-")[0].lower()
    sub(language, "LanguageCode", ISO639_2.get(primary, primary))
    if meta.description:
        collateral = sub(product, "CollateralDetail")
        text = sub(collateral, "TextContent")
        sub(text, "TextType", "03")
        sub(text, "ContentAudience", "00")
        sub(text, "Text", meta.description)
    if meta.publisher or meta.date:
        publishing = sub(product, "PublishingDetail")
        if meta.publisher:
            publisher = sub(publishing, "Publisher")
            sub(publisher, "PublishingRole", "01")
            sub(publisher, "PublisherName", meta.publisher)
        if meta.date:
            date = sub(publishing, "PublishingDate")
            sub(date, "PublishingDateRole", "01")
            form = {4: "05", 7: "01", 10: "00"}[len(meta.date)]  # ONIX list 55: YYYY, YYYYMM, YYYYMMDD
            sub(date, "Date", meta.date.replace("-", ""), dateformat=form)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
