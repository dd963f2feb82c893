"""What ``octavo preview`` shows: the book as print HTML and as one EPUB page, with its diagnostics.

The same stages as a build (config → parse → checks), then the print
wrapper (``print_html``) and the EPUB documents (``render_documents``)
through the styles' own templates. There is no WeasyPrint layout, so a
render takes a fraction of a second. URLs point at the preview server:
``/styles/…`` and ``/manuscript/…`` in the print view; the EPUB view is
served at ``/epub/text/book.xhtml`` beside ``/epub/css/``, ``/epub/fonts/``
and ``/epub/images/``, the package's own layout, so its links work as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from jinja2 import TemplateError
from lxml import etree

from octavo.build.pipeline import build_timestamp
from octavo.check.lint import run_checks
from octavo.config.book import Config, load_config
from octavo.diagnostics import Diagnostic, Diagnostics, ManuscriptError, Severity, of_severity
from octavo.layout.interior import print_html
from octavo.model import Book
from octavo.render.templates import template_problem
from octavo.source.parse import parse_book
from octavo.source.pictures import names_in_epub
from octavo.source.styles import Styles, check_styles
from octavo.writers.epub import Document, check_wellformed, render_documents

XHTML = "http://www.w3.org/1999/xhtml"
#: Where the EPUB view says one document of the package ends and the next begins.
DOCUMENT_RULE = ".epub-document + .epub-document { border-top: 1px dashed #bbb; margin-top: 3em; }"


@dataclass(frozen=True)
class Render:
    """One version of the book as the preview shows it; no HTML when it has errors."""

    diagnostics: tuple[Diagnostic, ...]
    print_html: str | None = None
    epub_xhtml: bytes | None = None
    #: EPUB image name (``images/<name>``) -> its real name in the manuscript folder
    images: dict[str, str] = field(default_factory=dict)
    title: str = ""

    @property
    def ok(self) -> bool:
        return self.print_html is not None

    @property
    def errors(self) -> list[Diagnostic]:
        return of_severity(self.diagnostics, Severity.ERROR)

    @property
    def warnings(self) -> list[Diagnostic]:
        return of_severity(self.diagnostics, Severity.WARNING)


def print_view(book: Book, styles: Styles, config: Config) -> str:
    """The print interior's HTML, as WeasyPrint gets it, with URLs the preview serves."""
    stamp = build_timestamp(book).strftime("%Y-%m-%dT%H:%M:%SZ")
    return print_html(
        book,
        styles,
        stamp,
        config.print,
        config.print.margins(0),
        stylesheet="/styles/css/print.css",
        image_src=lambda src: "/manuscript/" + quote(unquote(src).strip("/")),
    )


def _child(parent: etree._Element, name: str) -> etree._Element:
    """The XHTML element ``name`` under ``parent`` (every EPUB document has its head, title and body)."""
    found = parent.find(f"{{{XHTML}}}{name}")
    if found is None:
        raise ValueError(f"an EPUB document with no <{name}>")
    return found


def epub_view(book: Book, docs: list[Document]) -> bytes:
    """The EPUB's documents in reading order as one XHTML page, each body in a ``div``."""
    page = etree.fromstring(docs[0].xhtml)
    head, body = _child(page, "head"), _child(page, "body")
    _child(head, "title").text = book.metadata.title
    etree.SubElement(head, f"{{{XHTML}}}style").text = DOCUMENT_RULE
    body.attrib.clear()
    for child in list(body):
        body.remove(child)
    for doc in docs:
        source = _child(etree.fromstring(doc.xhtml), "body")
        wrapper = etree.SubElement(body, f"{{{XHTML}}}div", dict(source.attrib))
        wrapper.set("class", "epub-document")
        wrapper.set("data-document", doc.file)
        wrapper.text = source.text
        wrapper.extend(list(source))
    return etree.tostring(page, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")


def render(manuscript: Path, styles: Styles) -> Render:
    """Check the manuscript and render both views; diagnostics instead of HTML when it has errors."""
    diags = Diagnostics(root=manuscript)
    check_styles(styles, diags)
    config = load_config(manuscript, diags)
    book = parse_book(config, diags) if config is not None else None
    if config is not None and book is not None:
        run_checks(book, styles, diags, config.print)
    if config is None or book is None or diags.errors:
        return Render(tuple(diags))
    try:
        html = print_view(book, styles, config)
        docs = render_documents(book, styles, {}, cover=False)
        check_wellformed(docs)
        epub = epub_view(book, docs)
    except ManuscriptError as exc:
        diags.extend(exc.diagnostics)
        return Render(tuple(diags))
    except TemplateError as exc:
        template_problem(exc, styles.templates, diags)
        return Render(tuple(diags))
    names = names_in_epub(book)
    images = {epub: name for name, epub in names.items()}
    return Render(tuple(diags), html, epub, images, book.metadata.title)
