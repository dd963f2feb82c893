"""The archive PDF: PDF/A from the print layout itself, with XMP that matches the book.

No second layout, and no second write: WeasyPrint writes the layout once,
tagged, as PDF/A-2b (or PDF/A-3b with the manuscript attached as its
source), and both PDFs are made from those bytes (``pdfpost`` strips the
archive's parts for the print file). pikepdf then crops any bleed away (the
archive keeps the trim), finishes the pictures and drawings as the print
file's (``pdfpost.finish_pages``: no /Interpolate, which PDF/A-2 6.2.8
forbids; alpha composited on white; opaque groups flattened), replaces the
XMP packet with one written from the book's metadata, keeps the Info
dictionary equal to it, and saves with a content-derived /ID so that builds
are byte-identical. ``pdfa.pdfa_problems`` checks the written file.

The file is tagged (WeasyPrint's structure tree: sections, headings,
paragraphs, lists, links, in reading order). It does not claim PDF/UA-1:
no validator for it is available here to confirm the claim.
"""

from __future__ import annotations

import gc
import io
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
import weasyprint

from octavo.layout import patches
from octavo.layout.interior import Layout
from octavo.model import Book
from octavo.strings import for_metadata
from octavo.writers.pdfpost import finish_pages, set_page_labels


def author_line(book: Book) -> str:
    """The Info /Author and XMP dc:creator: the authors, or the first creator."""
    meta = book.metadata
    return ", ".join(c.name for c in meta.authors) or (meta.creators[0].name if meta.creators else "")


def _seq(items: list[str]) -> str:
    return "".join(f"<rdf:li>{escape(i)}</rdf:li>" for i in items)


def xmp_packet(book: Book, level: str, stamp: datetime, producer: str) -> bytes:
    """An XMP packet for PDF/A: title, creators, language, rights, identifier, dates. Contributors
    other than authors are named with their part in the book's language ("Ann Smith (traduction)")."""
    meta = book.metadata
    part, conformance = level[0], level[1].upper()
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    authors = author_line(book)
    t = for_metadata(meta)
    others = [f"{c.name} ({t(f'role-{c.role}')})" for c in meta.creators if c.role != "author"]
    rights = (
        f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.rights)}</rdf:li>'
        "</rdf:Alt></dc:rights>"
    )
    description = (
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.description)}</rdf:li>'
        "</rdf:Alt></dc:description>"
    )
    body = f"""<rdf:Description rdf:about=""
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
  xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>{part}</pdfaid:part>
<pdfaid:conformance>{conformance}</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq>{_seq([authors])}</rdf:Seq></dc:creator>
{f"<dc:contributor><rdf:Bag>{_seq(others)}</rdf:Bag></dc:contributor>" if others else ""}
<dc:language><rdf:Bag>{_seq([meta.language])}</rdf:Bag></dc:language>
<dc:identifier>{escape(meta.identifier)}</dc:identifier>
{rights if meta.rights else ""}
{description if meta.description else ""}
{f"<dc:publisher><rdf:Bag>{_seq([meta.publisher])}</rdf:Bag></dc:publisher>" if meta.publisher else ""}
<xmp:CreateDate>{when}</xmp:CreateDate>
<xmp:ModifyDate>{when}</xmp:ModifyDate>
<xmp:MetadataDate>{when}</xmp:MetadataDate>
<xmp:CreatorTool>octavo</xmp:CreatorTool>
<pdf:Producer>{escape(producer)}</pdf:Producer>
</rdf:Description>"""
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f"{body}\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def _pdf_date(stamp: datetime) -> str:
    return stamp.strftime("D:%Y%m%d%H%M%SZ")


def tagged_pdf(
    layout: Layout,
    stamp: datetime,
    level: str = "2b",
    sources: list[Path] | None = None,
    described: str = "Manuscript source of this book",
) -> bytes:
    """WeasyPrint's one write of the layout: tagged PDF/A-2b, or 3b with ``sources`` attached,
    each ``described`` so (in the book's language: ``octavo.strings``' ``source-attachment``).

    The same call whatever formats are asked for, so that the print PDF made
    from it is the same bytes with or without the archive. The objects alive
    before it (the whole layout) are set aside from the cyclic garbage
    collector meanwhile: its full collections walked them all, 0.7 s of a
    969-page book's 9 s write.
    """
    patches.apply()
    attachments = []
    if level == "3b":
        for path in sources or []:
            attachments.append(
                weasyprint.Attachment(
                    filename=str(path),
                    name=path.name,
                    description=described,
                    created=stamp,
                    modified=stamp,
                    relationship="Source",
                )
            )
    gc.collect(1)  # the young garbage goes now, then what is left is set aside
    gc.freeze()
    try:
        data: bytes = layout.document.write_pdf(
            pdf_variant=f"pdf/a-{level}", pdf_identifier=False, attachments=attachments or None, pdf_tags=True
        )
        return data
    finally:
        gc.unfreeze()


def archive_pdf(
    data: bytes, book: Book, stamp: datetime, level: str = "2b", labels: list[str] | None = None
) -> bytes:
    """The archive PDF from ``tagged_pdf``'s bytes: trim only, XMP and Info from the book, and
    ``labels`` (each page's folio) as its /PageLabels (``pdfpost.set_page_labels``)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        set_page_labels(pdf, labels or [])
        for page in pdf.pages:
            trim = page.obj.get("/TrimBox")
            if isinstance(trim, pikepdf.Array):
                page.mediabox = trim
            for box in ("/TrimBox", "/BleedBox", "/CropBox"):
                if box in page.obj:
                    del page.obj[box]
        finish_pages(pdf)  # no /Interpolate (PDF/A-2 6.2.8), alpha on white, opaque groups flattened
        producer = str(pdf.docinfo.get("/Producer", "WeasyPrint"))
        metadata = pikepdf.Stream(pdf, xmp_packet(book, level, stamp, producer))
        metadata.Type, metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        pdf.Root.Metadata = metadata
        meta = book.metadata
        authors = author_line(book)
        pdf.docinfo.Title = pikepdf.String(meta.title)
        pdf.docinfo.Author = pikepdf.String(authors)
        pdf.docinfo.Creator = pikepdf.String("octavo")
        pdf.docinfo.CreationDate = pikepdf.String(_pdf_date(stamp))
        pdf.docinfo.ModDate = pikepdf.String(_pdf_date(stamp))
        if meta.description:
            pdf.docinfo.Subject = pikepdf.String(meta.description)
        elif "/Subject" in pdf.docinfo:
            del pdf.docinfo["/Subject"]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()
