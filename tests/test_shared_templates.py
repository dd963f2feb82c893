"""The shared templates really are shared: a marker added to one shows in both outputs."""

from __future__ import annotations

import zipfile

import pypdfium2 as pdfium
from conftest import MANUSCRIPT, build_book


def test_marker_in_shared_template_reaches_epub_and_pdf(styles_copy, tmp_path):
    template = styles_copy / "templates" / "shared" / "copyright.html"
    template.write_text(
        template.read_text().replace("</section>", '<p class="marker">Zqxmarker shared</p></section>'),
        encoding="utf-8",
    )
    built = build_book(MANUSCRIPT, tmp_path / "dist", styles=styles_copy)
    with zipfile.ZipFile(built.epub) as z:
        assert "Zqxmarker" in z.read("EPUB/text/copyright.xhtml").decode()
    text = "".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(str(built.pdf)))
    assert "Zqxmarker" in text
