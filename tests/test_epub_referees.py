"""The EPUB against its referees, on the seed book and on a second book with every form.

Each of ebooklib 0.20's known faults is worked around in octavo/writers/epub.py;
each workaround is proven here on the built file, and EPUBCheck has the last word.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from test_epub import epubcheck_counts
from textutil import EPUB_TYPE, XHTML

from octavo.diagnostics import ManuscriptError
from octavo.writers.epub import Document, check_wellformed

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture(params=["seed", "sampler"])
def epub_path(request, seed_book, sampler) -> Path:
    return (seed_book if request.param == "seed" else sampler).epub


def package(path: Path) -> tuple[etree._Element, zipfile.ZipFile]:
    z = zipfile.ZipFile(path)
    return etree.fromstring(z.read("EPUB/content.opf")), z


def test_epubcheck_reports_nothing_on_both_books(epub_path):
    counts, lines = epubcheck_counts(epub_path)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)


def test_creator_ids_are_unique_and_refined(epub_path):
    opf, _ = package(epub_path)
    people = [e for e in opf.iter(f"{DC}creator", f"{DC}contributor")]
    ids = [e.get("id") for e in people]
    assert len(ids) == len(set(ids)) and None not in ids
    roles = {m.get("refines")[1:] for m in opf.iter(f"{OPF}meta") if m.get("property") == "role"}
    assert roles == set(ids)


def test_spine_toc_points_at_a_real_ncx(epub_path):
    opf, z = package(epub_path)
    spine = opf.find(f"{OPF}spine")
    item = next(i for i in opf.iter(f"{OPF}item") if i.get("id") == spine.get("toc"))
    assert item.get("media-type") == "application/x-dtbncx+xml"
    ncx = etree.fromstring(z.read("EPUB/" + item.get("href")))
    assert len(ncx.findall(".//{*}navPoint")) >= 2


def test_cover_is_linear_first_and_in_landmarks(epub_path):
    opf, z = package(epub_path)
    first = opf.find(f"{OPF}spine")[0]
    assert first.get("idref") == "cover" and first.get("linear") != "no"
    image = next(i for i in opf.iter(f"{OPF}item") if "cover-image" in (i.get("properties") or ""))
    assert image.get("media-type") == "image/jpeg"
    nav = etree.fromstring(z.read("EPUB/text/nav.xhtml"))
    landmarks = next(n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "landmarks")
    assert "cover" in {a.get(EPUB_TYPE) for a in landmarks.iter(f"{XHTML}a")}


def test_page_list_holds_only_page_breaks(epub_path):
    _, z = package(epub_path)
    nav = etree.fromstring(z.read("EPUB/text/nav.xhtml"))
    pages = next(n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "page-list")
    for a in pages.iter(f"{XHTML}a"):
        doc, fragment = a.get("href").split("#")
        target = etree.fromstring(z.read(f"EPUB/text/{doc}")).find(f".//*[@id='{fragment}']")
        assert target.get(EPUB_TYPE) == "pagebreak"


def test_head_and_body_attributes_survive(epub_path):
    _, z = package(epub_path)
    for name in z.namelist():
        if not name.endswith(".xhtml"):
            continue
        root = etree.fromstring(z.read(name))
        assert root.get("lang") and root.get("{http://www.w3.org/XML/1998/namespace}lang"), name
        body = root.find(f"{XHTML}body")
        assert body.get(EPUB_TYPE), name
        assert root.find(f"{XHTML}head/{XHTML}link").get("href") == "../css/epub.css"


def test_a_malformed_document_stops_the_build_instead_of_emptying():
    broken = Document("x", "text/x.xhtml", "X", b"<html><body><p>unclosed</body></html>", Path("x.md"))
    with pytest.raises(ManuscriptError) as caught:
        check_wellformed([broken])
    assert "x.md" in str(caught.value) and "epub-xhtml" in str(caught.value)


def test_accessibility_metadata_follows_the_content(sampler, seed_book):
    def properties(path):
        opf, _ = package(path)
        found: dict[str, list[str]] = {}
        for m in opf.iter(f"{OPF}meta"):
            if m.get("property"):
                found.setdefault(m.get("property"), []).append(m.text)
        return found

    seed, book = properties(seed_book.epub), properties(sampler.epub)
    assert seed["schema:accessModeSufficient"] == ["textual"]
    assert book["schema:accessModeSufficient"] == ["textual", "textual,visual"]  # its picture is described
    for found in (seed, book):
        assert found["schema:accessibilityHazard"] == ["none"]
        assert found["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
        assert found["a11y:certifiedBy"] == ["Octavo Editions"]
        assert {
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "pageBreakMarkers",
            "pageNavigation",
        } <= set(found["schema:accessibilityFeature"])
        assert found["pageBreakSource"]
    assert "alternativeText" in book["schema:accessibilityFeature"]
    assert "alternativeText" not in seed["schema:accessibilityFeature"]
    assert "Its picture has a text alternative." in book["schema:accessibilitySummary"][0]
    assert "It has no pictures in its text." in seed["schema:accessibilitySummary"][0]
    assert "Its table has header cells." in book["schema:accessibilitySummary"][0]
    assert "table" not in seed["schema:accessibilitySummary"][0].replace("table of contents", "")


def test_sampler_image_has_alt_and_words_are_marked(sampler):
    _, z = package(sampler.epub)
    one = etree.fromstring(z.read("EPUB/text/one.xhtml"))
    image = one.find(f".//{XHTML}img")
    assert image.get("alt").startswith("A bar chart") and image.get("src") == "../images/images/chart.png"
    assert "EPUB/images/images/chart.png" in z.namelist()
    langs = {s.text: s.get("lang") for s in one.iter(f"{XHTML}span") if s.get("lang")}
    assert langs == {"fait accompli": "fr", "Schadenfreude": "de"}
    notes = one.findall(f".//{XHTML}aside")
    assert len(notes) == 2 and len(notes[0].findall(f"{XHTML}p")) == 3
