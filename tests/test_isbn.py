"""An ISBN per edition: book.toml's [epub] and [print] isbn, in the EPUB, the copyright page,
the ONIX and Dublin Core records, and the cover's EAN-13 barcode (read back with zxing-cpp)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from conftest import SAMPLER, build_book
from lxml import etree
from test_config import GOOD, load
from test_epub import epubcheck_counts

from octavo.config.book import load_config
from octavo.config.isbn import ean5_addon, hyphenated, isbn13, isbn_problem, parse_price
from octavo.config.printspec import PrintOptions
from octavo.diagnostics import Diagnostics
from octavo.layout.cover import cover_pdf, geometry
from octavo.source.parse import parse_book
from octavo.source.styles import find_styles

EPUB_ISBN, PRINT_ISBN = "9781402894626", "9780306406157"
EDITIONS = """
isbn = "978-1-4028-9462-6"
price = "USD 9.99"
territory = "WORLD"

[print]
isbn = "0-306-40615-2"
price = "USD 18.00"
territory = "US CA"
"""
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "o": "http://ns.editeur.org/onix/3.0/reference",
    "x": "http://www.w3.org/1999/xhtml",
}


def with_editions(tmp_path: Path) -> Path:
    """The sampler with an ebook and a paperback ISBN, and a work identifier of its own."""
    manuscript = tmp_path / "sampler"
    shutil.copytree(SAMPLER, manuscript)
    toml = manuscript / "book.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace(
        'identifier = "urn:isbn:9780306406157"',
        'identifier = "urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10"',
    )
    text = text.replace(
        'certified_by = "Octavo Editions"\n', 'certified_by = "Octavo Editions"' + EDITIONS, 1
    )
    toml.write_text(text, encoding="utf-8")
    return manuscript


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("isbn")
    return build_book(with_editions(tmp), tmp / "dist")


@pytest.fixture(scope="module")
def opf(built) -> etree._Element:
    with zipfile.ZipFile(built.epub) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def records(built) -> tuple[etree._Element, etree._Element]:
    folder = next(built.epub.parent.glob("*-deposit")) / "data" / "metadata"
    return etree.parse(str(folder / "dc.xml")).getroot(), etree.parse(str(folder / "onix.xml")).getroot()


# -- config -------------------------------------------------------------------------------


def test_isbns_are_checked_and_made_isbn_13():
    assert isbn13("0-306-40615-2") == PRINT_ISBN and isbn13("978 1 4028 9462 6") == EPUB_ISBN
    assert "check digit" in isbn_problem("978-0-306-40615-8")
    assert isbn_problem("0-306-40615-3") and isbn_problem("97803064061") and isbn_problem("9771234567003")
    assert hyphenated(PRINT_ISBN) == "978-0-306-40615-7" and hyphenated(EPUB_ISBN) == "978-1-4028-9462-6"
    assert isbn13("0-8044-2957-X") == "9780804429573"  # an ISBN-10 whose check digit is X
    assert hyphenated("9791090636071") == "979-10-90636-07-1"  # a 979 prefix (France)
    assert hyphenated("9799999999990") == "9799999999990"  # a range the agency has not given out


def test_a_bad_check_digit_and_an_unknown_key_are_errors_in_one_pass(tmp_path):
    text = GOOD + '[epub]\nisbn = "978-1-4028-9462-7"\ncolour = "red"\n[print]\nisbn = "0306406153"\n'
    text += 'price = "18 dollars"\nterritory = "Europe"\n'
    config, problems = load(tmp_path, text)
    assert config is None
    assert sorted(problems) == sorted(
        [
            "11:config-isbn",
            "12:config-unknown-key",
            "14:config-isbn",
            "15:config-price",
            "16:config-territory",
        ]
    )


def test_one_isbn_for_two_editions_is_an_error(tmp_path):
    config, problems = load(tmp_path, GOOD + '[epub]\nisbn = "9780306406157"\n[print]\nisbn = "0306406152"\n')
    assert config is None and problems == ["11:config-isbn"]


def test_isbn_keys_reach_the_metadata(tmp_path):
    config, problems = load(
        tmp_path,
        GOOD.replace("urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10", "isbn:0306406152")
        + "[epub]"
        + EDITIONS,
    )
    assert problems == []
    assert config.metadata.identifier == f"urn:isbn:{PRINT_ISBN}"  # 'isbn:' is no URN scheme
    assert (config.metadata.epub_isbn, config.metadata.print_isbn) == (EPUB_ISBN, PRINT_ISBN)
    assert (config.print.price, config.epub.territory) == ("USD 18.00", "WORLD")


def test_the_price_add_on_follows_the_bookland_convention():
    assert ean5_addon(parse_price("USD 18.00")) == "51800"
    assert ean5_addon(parse_price("CAD 24.95")) == "62495"
    assert ean5_addon(parse_price("GBP 7.99")) == "00799"
    assert ean5_addon(parse_price("USD 120.00")) == "59999"  # over 99.98
    assert ean5_addon(parse_price("EUR 12.00")) == "90000"  # no price the convention can say


# -- EPUB ---------------------------------------------------------------------------------


def test_the_epub_is_the_ebook_edition(opf):
    unique = opf.get("unique-identifier")
    assert opf.find(f".//dc:identifier[@id='{unique}']", NS).text == f"urn:isbn:{EPUB_ISBN}"
    identifiers = [e.text for e in opf.findall(".//dc:identifier", NS)]
    assert "urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10" in identifiers
    assert not [i for i in identifiers if i.startswith("isbn:")]
    source = opf.find(".//opf:meta[@property='pageBreakSource']", NS).text
    assert source == f"urn:isbn:{PRINT_ISBN}"  # the print edition's pages


def test_the_title_and_contributors_are_refined(opf):
    title = opf.find(".//dc:title[@id='title']", NS)
    assert title.text == "A Sampler of Forms"
    refines = {m.get("property"): m.text for m in opf.findall(".//opf:meta[@refines='#title']", NS)}
    assert refines == {"title-type": "main", "file-as": "Sampler of Forms, A"}
    creators = {e.text for e in opf.findall(".//dc:creator", NS)}
    contributors = {e.get("id"): e.text for e in opf.findall(".//dc:contributor", NS)}
    assert creators == {"Ada Writer"} and list(contributors.values()) == ["Ben Editor"]
    (uid,) = contributors
    role = opf.find(f".//opf:meta[@refines='#{uid}'][@property='role']", NS)
    assert (role.text, role.get("scheme")) == ("edt", "marc:relators")


def copyright_lines(text: str) -> list[str]:
    return re.findall(r"ISBN [\d-]+ \((?:paperback|EPUB)\)", " ".join(text.split()))


def test_the_copyright_page_lists_both_editions(built):
    with zipfile.ZipFile(built.epub) as z:
        page = etree.fromstring(z.read("EPUB/text/copyright.xhtml"))
    expected = ["ISBN 978-0-306-40615-7 (paperback)", "ISBN 978-1-4028-9462-6 (EPUB)"]
    assert copyright_lines("".join(page.itertext())) == expected
    pdf = pdfium.PdfDocument(str(built.pdf))
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(min(6, len(pdf))))
    assert copyright_lines(text) == expected


def test_epubcheck_reports_nothing(built):
    counts, lines = epubcheck_counts(built.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)


# -- records ------------------------------------------------------------------------------


def test_onix_has_one_product_per_format(built):
    _, onix = records(built)
    products = onix.findall("o:Product", NS)
    assert len(products) == 2
    ebook, paperback = products

    def value(product, path):
        return product.findtext(path, namespaces=NS)

    assert (value(ebook, ".//o:ProductForm"), value(ebook, ".//o:ProductFormDetail")) == ("EA", "E101")
    assert value(paperback, ".//o:ProductForm") == "BC"
    for product, isbn in ((ebook, EPUB_ISBN), (paperback, PRINT_ISBN)):
        ident = product.find("o:ProductIdentifier", NS)
        assert (value(ident, "o:ProductIDType"), value(ident, "o:IDValue")) == ("15", isbn)
    assert value(paperback, ".//o:Extent/o:ExtentValue") == str(built.result.pages)
    measures = {
        value(m, "o:MeasureType"): value(m, "o:Measurement") for m in paperback.iterfind(".//o:Measure", NS)
    }
    assert measures == {"01": "8.5", "02": "5.5"}
    assert value(paperback, ".//o:Price/o:PriceAmount") == "18.00"
    assert value(paperback, ".//o:CountriesIncluded") == "US CA"
    assert value(ebook, ".//o:Price/o:PriceAmount") == "9.99"
    features = {value(f, "o:ProductFormFeatureValue") for f in ebook.iterfind(".//o:ProductFormFeature", NS)}
    assert {"04", "11", "13"} <= features  # EPUB Accessibility 1.1, table of contents, reading order
    assert paperback.find(".//o:ProductFormFeature", NS) is None


def test_dublin_core_lists_every_edition(built, opf):
    dc, _ = records(built)
    identifiers = [e.text for e in dc.findall("dc:identifier", NS)]
    assert identifiers == [
        "urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10",
        f"urn:isbn:{PRINT_ISBN}",
        f"urn:isbn:{EPUB_ISBN}",
    ]
    assert [e.text for e in dc.findall("dc:contributor", NS)] == ["Ben Editor [edt]"]


# -- the cover's barcode ------------------------------------------------------------------


def read_barcodes(cover: bytes, options: PrintOptions, pages: int) -> list[str]:
    """What a barcode reader finds on the cover's back, rendered at 600 dpi."""
    g = geometry(options, pages)
    x, y, w, h = g.barcode
    page = pdfium.PdfDocument(cover)[0]
    scale = 600 / 72
    image = page.render(scale=scale).to_pil()
    dpi = 600
    box = image.crop(
        (int((x - 0.2) * dpi), int((y - 0.2) * dpi), int((x + w + 0.2) * dpi), int((y + h + 0.2) * dpi))
    )
    found = zxingcpp.read_barcodes(
        box, formats=zxingcpp.BarcodeFormat.EAN13, ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Require
    )
    found = found or zxingcpp.read_barcodes(box, formats=zxingcpp.BarcodeFormat.EAN13)
    return [r.text for r in found]


@pytest.fixture(scope="module")
def sampler_book():
    diags = Diagnostics(root=SAMPLER)
    return parse_book(load_config(SAMPLER, diags), diags)


@pytest.mark.parametrize(
    "isbn, price, expected",
    [
        (PRINT_ISBN, "USD 18.00", PRINT_ISBN + "51800"),
        (PRINT_ISBN, "", PRINT_ISBN),
        (PRINT_ISBN, "CAD 24.95", PRINT_ISBN + "62495"),
        ("9791090636071", "EUR 12.00", "979109063607190000"),
    ],
)
def test_the_cover_carries_a_readable_ean_13(sampler_book, isbn, price, expected):
    options = PrintOptions(isbn=isbn, price=price)
    cover = cover_pdf(sampler_book, find_styles(), options, 120, "2026-01-01T00:00:00Z")
    assert read_barcodes(cover, options, 120) == [expected]
    text = pdfium.PdfDocument(cover)[0].get_textpage().get_text_range()
    assert f"ISBN {hyphenated(isbn)}" in text


def test_no_print_isbn_leaves_the_box_empty(sampler_book):
    options = PrintOptions()
    cover = cover_pdf(sampler_book, find_styles(), options, 120, "2026-01-01T00:00:00Z")
    assert read_barcodes(cover, options, 120) == []
    g = geometry(options, 120)
    x, y, w, h = g.barcode
    page = pdfium.PdfDocument(cover)[0]
    pixels = page.render(scale=150 / 72, grayscale=True).to_pil()
    box = pixels.crop((int(x * 150) + 2, int(y * 150) + 2, int((x + w) * 150) - 2, int((y + h) * 150) - 2))
    assert box.getextrema() == (255, 255)  # white: nothing drawn in the box


def test_the_barcode_is_vector_black_without_transparency(sampler_book):
    """Plain filled boxes in black: no picture, no SVG form and no transparency group, which
    PDF/X-1a and X-3 forbid (WeasyPrint 70 puts SVG drawings in one)."""
    import pikepdf

    options = PrintOptions(isbn=PRINT_ISBN, price="USD 18.00")
    cover = cover_pdf(sampler_book, find_styles(), options, 120, "2026-01-01T00:00:00Z")
    with pikepdf.open(io.BytesIO(cover)) as pdf:
        page = pdf.pages[0]
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/Group" in obj:
                assert obj.Group.get("/S") != "/Transparency"
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        xobjects = resources.get("/XObject", pikepdf.Dictionary())
        assert not [x for x in xobjects.values() if x.get("/Subtype") == "/Image"]
        operators = [
            (list(map(float, ops)), str(op))
            for ops, op in pikepdf.parse_content_stream(page)
            if str(op) in ("rg", "re")
        ]
    fills = [ops for ops, op in operators if op == "rg"]
    assert [0.0, 0.0, 0.0] in fills  # the bars' black, 100 %
    # 30 bars of the EAN-13 and 14 of the add-on, each a rectangle
    assert len([1 for _, op in operators if op == "re"]) >= 30 + 14
