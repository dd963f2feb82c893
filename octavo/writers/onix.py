"""The ONIX 3.0 record of the deposit: one Product per format, the EPUB and the paperback.

Each product carries its own identifier (its ISBN-13 as ProductIDType 15 when
``book.toml`` gives one, else the work's identifier as a proprietary one), its
form (ONIX code list 150: ``EA`` digital with detail ``E101`` EPUB, ``BC``
paperback), and what only it has: the EPUB its accessibility (list 196, from
the facts read off the written EPUB, as its package states them), the
paperback its trim (Measure, list 48 and 50) and page count (Extent, lists 23
and 24) from the layout. Price and territory (ProductSupply) are written when
``book.toml`` gives them. Code lists: EDItEUR, ONIX for Books Code Lists
(list 5 product identifier type, 150 product form, 17 contributor role, 51
product relation, 55 date format, 143 hazard warning, 196 accessibility).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from octavo.config.isbn import Price, parse_price, urn
from octavo.model import Metadata

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
#: EPUB accessibility features -> ONIX list 196 (W3C, Schema.org Accessibility Properties
#: Crosswalk, "Schema.org and ONIX"); features without an ONIX code are left out.
FEATURE_CODES = {
    "tableOfContents": "11",
    "index": "12",
    "readingOrder": "13",
    "alternativeText": "14",
    "MathML": "17",
    "pageNavigation": "19",
}
#: ``dcterms:conformsTo`` -> list 196 (the same crosswalk): EPUB Accessibility 1.1, WCAG 2.1, AA.
CONFORMANCE_CODES = {"EPUB Accessibility 1.1 - WCAG 2.1 Level AA": ("04", "81", "85")}
#: Price type (list 58): recommended retail price excluding tax where shelf prices are quoted
#: so (US and Canadian dollars), including tax elsewhere.
PRICE_TYPE = {"USD": "01", "CAD": "01"}


@dataclass(frozen=True)
class Edition:
    """One product: ``form`` "epub" or "paperback", its ISBN-13 (or ""), price and territory as
    ``book.toml`` gives them, and for the paperback its trim (width, height, inches) and pages."""

    form: str
    isbn: str = ""
    price: str = ""
    territory: str = ""
    trim: tuple[float, float] | None = None
    pages: int = 0


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ONIX}}}{name}", attrib=attrs)
    if text is not None:
        element.text = text
    return element


def _identifier(product: etree._Element, meta: Metadata, edition: Edition) -> None:
    ident = _sub(product, "ProductIdentifier")
    if edition.isbn:
        _sub(ident, "ProductIDType", "15")  # ISBN-13
        _sub(ident, "IDValue", edition.isbn)
    else:
        # proprietary: the EPUB's package identifier (the work's), the paperback's made from it
        value = meta.identifier if edition.form == "epub" else f"{meta.identifier}/{edition.form}"
        _sub(ident, "ProductIDType", "01")
        _sub(ident, "IDTypeName", meta.identifier.rsplit(":", 1)[0])
        _sub(ident, "IDValue", value)


def _feature(detail: etree._Element, kind: str, value: str) -> None:
    feature = _sub(detail, "ProductFormFeature")
    _sub(feature, "ProductFormFeatureType", kind)
    _sub(feature, "ProductFormFeatureValue", value)


def _form(detail: etree._Element, edition: Edition, accessibility: list[tuple[str, str]]) -> None:
    """ProductForm and what follows it up to the title: features, or measures."""
    _sub(detail, "ProductComposition", "00")
    if edition.form == "epub":
        _sub(detail, "ProductForm", "EA")
        _sub(detail, "ProductFormDetail", "E101")
        codes: list[str] = []
        for prop, value in accessibility:
            if prop == "schema:accessibilityFeature" and value in FEATURE_CODES:
                codes.append(FEATURE_CODES[value])
            elif prop == "dcterms:conformsTo":
                codes += CONFORMANCE_CODES.get(value, ())
        for code in sorted(set(codes)):
            _feature(detail, "09", code)  # type 09: e-publication accessibility detail, list 196
        if ("schema:accessibilityHazard", "none") in accessibility:
            _feature(detail, "12", "00")  # type 12: hazard warning, list 143: no known hazards
        return
    _sub(detail, "ProductForm", "BC")
    if edition.trim is not None:
        for kind, size in (("01", edition.trim[1]), ("02", edition.trim[0])):  # list 48: height, width
            measure = _sub(detail, "Measure")
            _sub(measure, "MeasureType", kind)
            _sub(measure, "Measurement", f"{size:g}")
            _sub(measure, "MeasureUnitCode", "in")  # list 50


def _supply(product: etree._Element, meta: Metadata, edition: Edition) -> None:
    """ProductSupply: the market (territory) and the price, when given."""
    if not (edition.price or edition.territory):
        return
    supply = _sub(product, "ProductSupply")
    if edition.territory:
        territory = _sub(_sub(supply, "Market"), "Territory")
        if edition.territory == "WORLD":
            _sub(territory, "RegionsIncluded", "WORLD")
        else:
            _sub(territory, "CountriesIncluded", " ".join(edition.territory.split()))
    detail = _sub(supply, "SupplyDetail")
    supplier = _sub(detail, "Supplier")
    _sub(supplier, "SupplierRole", "01")  # list 93: publisher to resellers
    _sub(supplier, "SupplierName", meta.publisher or "octavo")
    _sub(detail, "ProductAvailability", "20")  # list 65: available
    if edition.price:
        price: Price = parse_price(edition.price)
        element = _sub(detail, "Price")
        _sub(element, "PriceType", PRICE_TYPE.get(price.currency, "02"))
        _sub(element, "PriceAmount", price.text)
        _sub(element, "CurrencyCode", price.currency)
    else:
        _sub(detail, "UnpricedItemType", "02")  # list 57: price to be announced


def _product(
    root: etree._Element,
    meta: Metadata,
    edition: Edition,
    other: Edition | None,
    accessibility: list[tuple[str, str]],
) -> None:
    product = _sub(root, "Product")
    reference = urn(edition.isbn) if edition.isbn else f"{meta.identifier}/{edition.form}"
    _sub(product, "RecordReference", reference)
    _sub(product, "NotificationType", "03")
    _identifier(product, meta, edition)
    detail = _sub(product, "DescriptiveDetail")
    _form(detail, edition, accessibility)
    title = _sub(detail, "TitleDetail")
    _sub(title, "TitleType", "01")
    element = _sub(title, "TitleElement")
    _sub(element, "TitleElementLevel", "01")
    _sub(element, "TitleText", meta.title)
    if meta.subtitle:
        _sub(element, "Subtitle", meta.subtitle)
    for number, c in enumerate(meta.creators, start=1):
        contributor = _sub(detail, "Contributor")
        _sub(contributor, "SequenceNumber", str(number))
        _sub(contributor, "ContributorRole", ONIX_ROLES[c.role])
        _sub(contributor, "PersonName", c.name)
        if c.file_as and ", " in c.file_as:
            _sub(contributor, "PersonNameInverted", c.file_as)
    language = _sub(detail, "Language")
    _sub(language, "LanguageRole", "01")
    primary = meta.language.split("-")[0].lower()
    _sub(language, "LanguageCode", ISO639_2.get(primary, primary))
    if edition.pages:
        extent = _sub(detail, "Extent")
        _sub(extent, "ExtentType", "00")  # list 23: main content page count
        _sub(extent, "ExtentValue", str(edition.pages))
        _sub(extent, "ExtentUnit", "03")  # list 24: pages
    if meta.description:
        text = _sub(_sub(product, "CollateralDetail"), "TextContent")
        _sub(text, "TextType", "03")
        _sub(text, "ContentAudience", "00")
        _sub(text, "Text", meta.description)
    if meta.publisher or meta.date:
        publishing = _sub(product, "PublishingDetail")
        if meta.publisher:
            publisher = _sub(publishing, "Publisher")
            _sub(publisher, "PublishingRole", "01")
            _sub(publisher, "PublisherName", meta.publisher)
        if meta.date:
            date = _sub(publishing, "PublishingDate")
            _sub(date, "PublishingDateRole", "01")
            form = {4: "05", 7: "01", 10: "00"}[len(meta.date)]  # list 55: YYYY, YYYYMM, YYYYMMDD
            _sub(date, "Date", meta.date.replace("-", ""), dateformat=form)
    if other is not None and other.isbn:
        related = _sub(_sub(product, "RelatedMaterial"), "RelatedProduct")
        # list 51: 13 "epublication based on (print product)", 27 "electronic version available as"
        _sub(related, "ProductRelationCode", "13" if edition.form == "epub" else "27")
        ident = _sub(related, "ProductIdentifier")
        _sub(ident, "ProductIDType", "15")
        _sub(ident, "IDValue", other.isbn)
    _supply(product, meta, edition)


def onix(
    meta: Metadata, stamp: str, editions: tuple[Edition, ...], accessibility: list[tuple[str, str]]
) -> bytes:
    """An ONIX 3.0 message (UTF-8 XML bytes) with one Product per edition, in ``editions``' order.

    ``stamp``: the message's SentDateTime (``YYYYMMDDThhmmssZ``); ``accessibility``: the EPUB's
    checked accessibility properties (``a11y.metadata`` of the written EPUB's facts), as
    (property, value) pairs. Raises ``ValueError`` for a price ``config`` would have refused.
    """
    root = etree.Element(f"{{{ONIX}}}ONIXMessage", nsmap={None: ONIX}, release="3.0")
    header = _sub(root, "Header")
    _sub(_sub(header, "Sender"), "SenderName", meta.publisher or "octavo")
    _sub(header, "SentDateTime", stamp)
    for edition in editions:
        other = next((e for e in editions if e is not edition), None)
        _product(root, meta, edition, other, accessibility)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
