"""The EPUB as e-reader stores want it (issue 19, "E-reader stores"), checked on the seed's EPUB:
note calls inside ``<sup>`` (Kindle), no body margins, a cover 2,560 px high, Apple Books'
embedded-fonts opt-in, and font subsets that hold what a reading system inserts into the text."""

from __future__ import annotations

import io
import re
import zipfile

from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image
from textutil import EPUB_TYPE, XHTML

from octavo.writers import a11y

#: What a reading system may insert: hyphens, soft hyphen, no-break and narrow no-break spaces,
#: bullet, en and em dashes, ellipsis, digits, the page labels' roman numerals.
INSERTED = "\u2010-\u00ad\u00a0\u202f\u2022\u2013\u2014\u2026" + "0123456789" + "ivxlcdm"


def entries(built) -> dict[str, bytes]:
    with zipfile.ZipFile(built.epub) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_note_calls_are_links_inside_sup(seed_book):
    files = entries(seed_book)
    calls = [
        a
        for name, data in files.items()
        if name.endswith(".xhtml")
        for a in etree.fromstring(data).iter(f"{XHTML}a")
        if a.get(EPUB_TYPE) == "noteref"
    ]
    assert len(calls) == 11
    for call in calls:
        assert call.getparent().tag == f"{XHTML}sup", call.get("id")
        assert call.get("role") == "doc-noteref" and call.get("href", "").startswith("#")
    # the accessibility facts still find every call and its backlink
    documents = [(name, data) for name, data in files.items() if name.endswith(".xhtml")]
    found = a11y.facts(documents, "en", {})
    assert found.notes == found.notes_linked == 11


def test_the_stylesheet_imposes_no_body_margins(seed_book):
    css = entries(seed_book)["EPUB/css/epub.css"].decode()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = re.findall(r"([^{};]+)\{([^}]*)\}", css)
    for selectors, body in rules:
        names = {s.strip() for s in selectors.split(",")}
        if names & {"body", "html"}:
            assert not re.search(r"\b(margin|padding)", body), (selectors, body)
    assert any("body" in s for s, _ in rules)  # the rule is still there (the face, the figures)


def test_the_cover_is_2560_pixels_high_in_the_trim_aspect(seed_book):
    image = Image.open(io.BytesIO(entries(seed_book)["EPUB/images/cover.jpg"]))
    width, height = image.size
    trim_width, trim_height = seed_book.result.print_options.size  # inches
    assert height == 2560
    assert abs(width - 2560 * trim_width / trim_height) <= 1


def test_apple_books_is_told_to_use_the_embedded_fonts(seed_book):
    with zipfile.ZipFile(seed_book.epub) as z:
        names = z.namelist()
        root = etree.fromstring(z.read("META-INF/com.apple.ibooks.display-options.xml"))
    assert names.index("META-INF/com.apple.ibooks.display-options.xml") < names.index("EPUB/content.opf")
    assert root.tag == "display_options"
    options = root.findall("platform/option")
    assert [(o.getparent().get("name"), o.get("name"), o.text) for o in options] == [
        ("*", "specified-fonts", "true")
    ]


def test_the_font_subsets_hold_what_a_reading_system_inserts(seed_book):
    fonts = {name: data for name, data in entries(seed_book).items() if name.endswith(".ttf")}
    assert len(fonts) == 4
    for name, data in fonts.items():
        font = TTFont(io.BytesIO(data))
        cmap = font.getBestCmap()
        glyphs = set(font.getGlyphOrder())
        missing = [f"U+{ord(ch):04X}" for ch in INSERTED if cmap.get(ord(ch)) not in glyphs - {".notdef"}]
        assert not missing, (name, missing)
