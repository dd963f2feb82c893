"""The EPUB 3 writer: the Book through the EPUB templates, packaged with ebooklib.

ebooklib 0.20 builds the package document and the NCX; its known faults are
worked around here, each in a named step:

* creators get unique ids and proper ``role``/``file-as`` refinements
  (``add_author`` gives every creator the id ``creator`` and tags file-as
  with the MARC scheme);
* documents are plain ``EpubItem``s, so our ``<head>``/``<body>`` attributes
  survive (``EpubHtml`` re-parses and drops them) and a document that is not
  well-formed XHTML stops the build instead of becoming an empty chapter;
* the navigation document is our own template (``EpubNav`` fills the
  page-list with every ``epub:type`` element), and an NCX is really written,
  so the spine's ``toc="ncx"`` points at something;
* Apple Books' display options (``META-INF/com.apple.ibooks.display-options.xml``,
  which ebooklib has no step for) are written beside the container, so Apple
  Books shows the embedded book face instead of its own;
* the zip is written with fixed timestamps and a fixed entry order, and
  ``dcterms:modified`` comes from the build timestamp, so two builds are
  byte-identical.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import quote

from ebooklib import epub
from lxml import etree

from octavo.config.book import EpubOptions
from octavo.diagnostics import Diagnostic, ManuscriptError
from octavo.layout.pagemap import PageStart, page_starts
from octavo.model import Book, Metadata, Section
from octavo.render.rules import EpubRenderer
from octavo.render.templates import EPUB_TYPES, environment, template_values
from octavo.source.styles import Styles
from octavo.strings import for_metadata
from octavo.writers import a11y
from octavo.writers.epub_assets import book_images, image_names, subset_font

if TYPE_CHECKING:
    import weasyprint

TEXT_DIR = "text"


@dataclass
class Document:
    """One XHTML document of the package."""

    id: str
    file: str  # relative to the package folder, e.g. text/introduction.xhtml
    title: str
    xhtml: bytes
    source: Path | None = None
    properties: list[str] = field(default_factory=list)
    landmark: str = ""


class _FixedZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry one timestamp and fixed attributes."""

    def __init__(self, target: str | IO[bytes], date_time: tuple[int, int, int, int, int, int]):
        super().__init__(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
        self.fixed_time = date_time

    # names only (ebooklib never passes a ZipInfo): narrower than ZipFile.writestr
    def writestr(  # type: ignore[override]
        self, name: str, data: bytes | str, compress_type: int | None = None, compresslevel: int | None = None
    ) -> None:
        info = zipfile.ZipInfo(str(name), date_time=self.fixed_time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress_type is None else compress_type
        info.external_attr = 0o644 << 16
        info.create_system = 3
        super().writestr(info, data, compress_type=info.compress_type, compresslevel=compresslevel)


#: Apple Books' opt-in for the book's embedded fonts on every device (Apple Books Asset Guide,
#: "Fonts": without ``specified-fonts`` it sets the text in the reader's chosen face).
APPLE_DISPLAY_OPTIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<display_options><platform name="*"><option name="specified-fonts">true</option></platform>'
    "</display_options>\n"
)
APPLE_DISPLAY_OPTIONS_PATH = "META-INF/com.apple.ibooks.display-options.xml"


class _Writer(epub.EpubWriter):  # type: ignore[misc]  # EpubWriter is untyped: ebooklib ships no types
    """ebooklib's writer with a reproducible container and the package's language."""

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)

    def write(self) -> None:
        stamp = self.options["mtime"]
        self.out = _FixedZip(
            self.file_name,
            (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second),
        )
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self.out.writestr(APPLE_DISPLAY_OPTIONS_PATH, APPLE_DISPLAY_OPTIONS)
        self._write_opf()
        self._write_items()
        self.out.close()


# -- package steps ----------------------------------------------------------------------


#: Leading articles an English title is filed without ("The Waves" files as "Waves, The").
ARTICLES = {"en": ("The ", "A ", "An ")}


def title_file_as(title: str, language: str) -> str:
    """The title's sort key (``file-as``): a leading article of the book's language moved to the
    end, "Sampler of Forms, A" (the library rule of non-filing initial articles: MARC 21 field
    245, second indicator); the title itself in a language without a list of articles."""
    for article in ARTICLES.get(language.split("-")[0].lower(), ()):
        if title.startswith(article) and len(title) > len(article):
            return f"{title[len(article) :]}, {article.strip()}"
    return title


def new_package(meta: Metadata) -> epub.EpubBook:
    """The package with its unique identifier (the ebook's ISBN as ``urn:isbn:`` when given: EPUB
    3.3, "The identifier element", names this EPUB, not the work; the work's identifier follows),
    the main title refined by ``title-type`` and ``file-as`` (EPUB 3.3, "Meta properties
    vocabulary"), and the language."""
    package = epub.EpubBook()
    package.FOLDER_NAME = "EPUB"
    package.set_identifier(meta.package_identifier)
    if meta.identifier != meta.package_identifier:
        package.add_metadata("DC", "identifier", meta.identifier, {"id": "work-identifier"})
    package.title = meta.title  # ebooklib's set_title would add a dc:title without an id
    package.add_metadata("DC", "title", meta.title, {"id": "title"})
    package.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    file_as = title_file_as(meta.title, meta.language)
    package.add_metadata(None, "meta", file_as, {"refines": "#title", "property": "file-as"})
    package.set_language(meta.language)
    return package


def add_metadata(package: epub.EpubBook, meta: Metadata) -> None:
    """Creators and the rest of the Dublin Core. Authors are ``dc:creator``; editors, translators
    and the writer of the introduction ``dc:contributor`` (DCMI Metadata Terms: a creator is
    primarily responsible for the resource, a contributor makes contributions to it), each with
    its MARC relator (``model.ROLES``)."""
    for i, creator in enumerate(meta.creators, start=1):
        uid = f"creator-{i}"
        element = "creator" if creator.role == "author" else "contributor"
        package.add_metadata("DC", element, creator.name, {"id": uid})
        package.add_metadata(
            None, "meta", creator.marc, {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"}
        )
        if creator.file_as:
            package.add_metadata(None, "meta", creator.file_as, {"refines": f"#{uid}", "property": "file-as"})
    if meta.subtitle:
        package.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        package.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    for name in ("date", "publisher", "rights", "description"):
        value = getattr(meta, name)
        if value:
            package.add_metadata("DC", name, value)
    if meta.source:
        package.add_metadata("DC", "source", " ".join(meta.source.split()))


def add_accessibility(package: epub.EpubBook, book: Book, options: EpubOptions, found: a11y.Facts) -> None:
    """EPUB Accessibility 1.1 metadata from the facts of the documents being packaged (``a11y``)."""
    for prop, value in a11y.metadata(found):
        package.add_metadata(None, "meta", value, {"property": prop})
    summary = options.accessibility_summary or a11y.summary(found, for_metadata(book.metadata))
    package.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})
    if options.certified_by:
        package.add_metadata(None, "meta", options.certified_by, {"property": "a11y:certifiedBy"})
    # the page-list's pages are the print edition's (EPUB Accessibility 1.1, "Page source")
    if found.page_list:
        package.add_metadata(None, "meta", book.metadata.print_identifier, {"property": "pageBreakSource"})


def add_images(package: epub.EpubBook, book: Book, cover: bytes | None) -> dict[str, bytes]:
    """The book's images, and the cover picture marked cover-image; returns the book's, by path."""
    images, _ = book_images(book)
    for i, picture in enumerate(images, start=1):
        package.add_item(
            epub.EpubItem(
                uid=f"image-{i}",
                file_name=f"images/{picture.epub}",
                media_type=picture.media,
                content=picture.data,
            )
        )
    if cover is not None:
        item = epub.EpubItem(
            uid="cover-image", file_name="images/cover.jpg", media_type="image/jpeg", content=cover
        )
        item.properties = ["cover-image"]
        package.add_item(item)
        package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    return {f"{package.FOLDER_NAME}/images/{p.epub}": p.data for p in images}


def add_styles(package: epub.EpubBook, styles: Styles) -> None:
    for name in ("fonts.css", "epub.css"):
        package.add_item(
            epub.EpubItem(
                uid=f"css-{name[:-4]}",
                file_name=f"css/{name}",
                media_type="text/css",
                content=styles.read(f"css/{name}"),
            )
        )


#: Every character a page label can hold (arabic and lower-case roman folios): the
#: fonts always cover them, so their subset does not depend on the page count.
LABEL_CHARS = frozenset("0123456789ivxlcdm")
#: Characters a reading system inserts into the text it shows (a hyphen where it breaks a word,
#: the soft hyphen, spaces that do not break, a list's bullet, dashes and the ellipsis of a
#: shortened line): kept in the subset so they are set in the book face, not a fallback (issue 19).
READER_CHARS = frozenset("\u2010-\u00ad\u00a0\u202f\u2022\u2013\u2014\u2026")
#: What every subset holds, whatever the documents use.
KEPT_CHARS = LABEL_CHARS | READER_CHARS


@dataclass(frozen=True)
class FontSubsets:
    """The book face cut down to ``chars``: file name -> font bytes."""

    chars: frozenset[str]
    fonts: dict[str, bytes]


def subset_fonts(styles: Styles, chars: frozenset[str]) -> FontSubsets:
    fonts = {face.path.name: subset_font(styles.read(face.path), set(chars)) for face in styles.faces}
    return FontSubsets(chars, fonts)


def prepare_fonts(book: Book, styles: Styles, cover: bool = True) -> FontSubsets:
    """The EPUB work that needs no print layout: the characters of every document, the font subsets.

    Page markers carry no text and page labels only ``LABEL_CHARS``, so the
    documents rendered without a page map hold the same characters as the
    final ones; ``build_epub`` checks that and subsets again if not.
    """
    docs = render_documents(book, styles, {}, cover)
    nav = render_navigation(book, styles, docs, {}, [])
    return subset_fonts(styles, frozenset(document_chars([*docs, nav]) | KEPT_CHARS))


def add_fonts(package: epub.EpubBook, styles: Styles, subsets: FontSubsets) -> None:
    """The book face, subset to the characters used, with its licence."""
    for licence in styles.licences:
        package.add_item(
            epub.EpubItem(
                uid=f"font-licence-{licence.stem.lower()}",
                file_name=f"fonts/{licence.name}",
                media_type="text/plain",
                content=styles.read(licence),
            )
        )
    for i, face in enumerate(styles.faces, start=1):
        package.add_item(
            epub.EpubItem(
                uid=f"font-{i}",
                file_name=f"fonts/{face.path.name}",
                media_type="font/ttf",
                content=subsets.fonts[face.path.name],
            )
        )


#: Template parts the EPUB has too, and the document that holds each.
PARTS = {"titlepage": "titlepage.xhtml", "copyright": "copyright.xhtml", "toc": "nav.xhtml"}


def _owners(book: Book) -> dict[str, str]:
    """Block, section or part id -> the EPUB document that holds it."""
    owner: dict[str, str] = {}
    for section in book.sections:
        owner[section.id] = f"{section.id}.xhtml"
        for block in section.blocks:
            for node in block.walk():
                if node.attr("block"):
                    owner[node.attr("block")] = f"{section.id}.xhtml"
    owner.update(PARTS)
    return owner


def page_map(book: Book, document: weasyprint.Document) -> list[PageStart]:
    """Where each print page begins, in terms the EPUB has (read from the layout once)."""
    owner = _owners(book)
    sections = {s.id for s in book.sections}
    blocks = {k for k in owner if k not in PARTS and k not in sections}
    return page_starts(book, document, blocks, set(PARTS) | sections)


def page_marks(
    book: Book, starts: list[PageStart] | None
) -> tuple[dict[str, list[tuple[int, str]]], list[dict[str, str]]]:
    """Markers per block or part, and the page-list entries, from the print page map."""
    if starts is None:
        return {}, []
    owner = _owners(book)
    marks: dict[str, list[tuple[int, str]]] = {}
    pages: list[dict[str, str]] = []
    last = f"{book.sections[-1].id}.xhtml" if book.sections else "nav.xhtml"
    for start in starts:
        marks.setdefault(start.target, []).append((start.offset, start.label))
        pages.append({"label": start.label, "href": f"{owner.get(start.target, last)}#page-{start.label}"})
    return marks, pages


def image_src(book: Book) -> Callable[[str], str]:
    """A picture's ``src`` in a document of ``text/``: its file in ``images/`` (a picture in a
    title shows in the contents too)."""
    names = image_names(book)
    return lambda src: f"../images/{quote(names.get(src, ''))}"


def render_documents(
    book: Book,
    styles: Styles,
    marks: dict[str, list[tuple[int, str]]],
    cover: bool,
    folios: dict[str, str] | None = None,
    numbered_index: bool = False,
) -> list[Document]:
    env = environment(styles.templates)
    renderer = EpubRenderer(book, image_src=image_src(book), page_marks=marks, folios=folios)
    renderer.numbered_index = numbered_index  # no print page-list: the index's links are numbered
    page = env.get_template("epub/document.xhtml")
    values = template_values(book, renderer)
    views = {s.id: s for s in values["book"].sections}
    t = values["t"]
    common = dict(
        **values,
        typeface=styles.colophon_typeface(t),
        href=lambda s: f"{s.id}.xhtml",
        stylesheet="../css/epub.css",
        first_body="",
    )

    def doc(
        doc_id: str, title: str, template: str, part: str, section: Section | None = None, landmark: str = ""
    ) -> Document:
        view = views[section.id] if section is not None else None
        xhtml = page.render(title=title, template=template, part=part, section=view, **common)
        return Document(
            doc_id,
            f"{TEXT_DIR}/{doc_id}.xhtml",
            title,
            xhtml.encode("utf-8"),
            source=section.file if section else None,
            landmark=landmark,
        )

    docs = [doc("cover", t("cover"), "epub/cover.html", "cover", landmark="cover")] if cover else []
    docs += [
        doc("titlepage", book.metadata.title, "shared/titlepage.html", "frontmatter", landmark="titlepage"),
        doc("copyright", t("copyright"), "shared/copyright.html", "frontmatter"),
    ]
    first_body = True
    for section in book.sections:
        landmark = (
            EPUB_TYPES.get(section.kind, "")
            if section.part == "frontmatter" or section.kind == "index"
            else ""
        )
        if section.part == "bodymatter" and first_body:
            landmark, first_body = "bodymatter", False
        docs.append(doc(section.id, section.title, "", section.part, section, landmark))
    return docs


def check_wellformed(docs: list[Document]) -> None:
    """Refuse documents that are not well-formed XHTML (ebooklib would empty them)."""
    problems = []
    for d in docs:
        try:
            etree.fromstring(d.xhtml)
        except etree.XMLSyntaxError as exc:
            where = str(d.source) if d.source else d.file
            problems.append(Diagnostic(where, 0, "epub-xhtml", f"rendered XHTML is not well-formed: {exc}"))
    if problems:
        raise ManuscriptError(problems)


def document_chars(docs: list[Document]) -> set[str]:
    chars: set[str] = set()
    for d in docs:
        chars.update("".join(etree.fromstring(d.xhtml).itertext()))
    return chars


def render_navigation(
    book: Book,
    styles: Styles,
    docs: list[Document],
    marks: dict[str, list[tuple[int, str]]],
    pages: list[dict[str, str]],
) -> Document:
    """The navigation document: contents, landmarks and the page-list."""
    env = environment(styles.templates)
    t = for_metadata(book.metadata)
    landmarks = [{"type": "toc", "href": "nav.xhtml#toc", "label": t("contents")}]
    for d in docs:
        if d.landmark:
            label = {"titlepage": t("title-page"), "bodymatter": t("start-of-text")}.get(d.landmark, d.title)
            landmarks.append(
                {"type": d.landmark, "href": d.file.removeprefix(f"{TEXT_DIR}/"), "label": label}
            )
    xhtml = (
        env.get_template("epub/nav.xhtml")
        .render(
            **template_values(book, EpubRenderer(book, image_src=image_src(book), page_marks=marks)),
            href=lambda s: f"{s.id}.xhtml",
            landmarks=landmarks,
            pages=pages,
            stylesheet="../css/epub.css",
        )
        .encode("utf-8")
    )
    return Document("nav", f"{TEXT_DIR}/nav.xhtml", t("contents"), xhtml, properties=["nav"])


def add_navigation(package: epub.EpubBook, book: Book) -> None:
    """The EPUB 2 NCX (ebooklib writes it from ``toc``) beside our navigation document."""
    package.add_item(epub.EpubNcx())
    package.toc = [epub.Link(f"{TEXT_DIR}/{s.id}.xhtml", s.title, s.id) for s in book.sections]


def add_documents(package: epub.EpubBook, docs: list[Document]) -> None:
    for d in docs:
        item = epub.EpubItem(uid=d.id, file_name=d.file, media_type="application/xhtml+xml", content=d.xhtml)
        item.properties = list(d.properties)
        package.add_item(item)
    package.spine = [d.id for d in docs]


def write_package(package: epub.EpubBook, modified: datetime) -> bytes:
    buffer = io.BytesIO()
    writer = _Writer(buffer, package, {"mtime": modified, "epub2_guide": False})
    writer.process()
    writer.write()
    return buffer.getvalue()


def build_epub(
    book: Book,
    styles: Styles,
    modified: datetime,
    starts: list[PageStart] | None = None,
    options: EpubOptions | None = None,
    cover: bytes | None = None,
    fonts: FontSubsets | None = None,
    folios: dict[str, str] | None = None,
) -> bytes:
    """The whole EPUB as bytes, in package steps; with the print page map, its page-list.

    ``fonts`` are subsets made beforehand by ``prepare_fonts``; they are used
    when they cover exactly the characters of the final documents. ``folios``: the print folio of
    each page reference's target (``render/pagerefs.py``), None without a print layout.
    """
    marks, pages = page_marks(book, starts)
    package = new_package(book.metadata)
    add_metadata(package, book.metadata)
    pictures = add_images(package, book, cover)
    add_styles(package, styles)
    options = options or EpubOptions()
    folios = folios if options.page_list else None  # no print pages: references name none
    docs = render_documents(book, styles, marks, cover is not None, folios, not options.page_list)
    check_wellformed(docs)
    nav = render_navigation(book, styles, docs, marks, pages)
    add_navigation(package, book)
    docs.insert(docs.index(next(d for d in docs if d.id == "copyright")) + 1, nav)
    check_wellformed([nav])
    found = a11y.facts(
        [(f"{package.FOLDER_NAME}/{d.file}", d.xhtml) for d in docs], book.metadata.language, pictures
    )
    add_accessibility(package, book, options or EpubOptions(), found)
    chars = frozenset(document_chars(docs) | KEPT_CHARS)
    add_fonts(
        package, styles, fonts if fonts is not None and fonts.chars == chars else subset_fonts(styles, chars)
    )
    add_documents(package, docs)
    return write_package(package, modified)
