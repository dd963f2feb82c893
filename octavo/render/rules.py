"""The render rules that differ between formats: where and how notes are written.

Print: the note body stands at its call, as an inline element floated to the
page foot by CSS (``float: footnote``); its blocks become display-block spans
so the paragraph that holds the call stays valid. EPUB: the call is a
``noteref`` link and each body an ``aside`` footnote after the section's text,
with a backlink, which Apple Books, Kobo and Kindle show as a pop-up.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..model import Node, Section
from .html import BLOCKS, HtmlRenderer, attr_string


class PrintRenderer(HtmlRenderer):
    """Rules for the paged HTML that WeasyPrint lays out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_note = False

    def noteref(self, node: Node) -> str:
        note = self.note_of(node)
        call = f'<a class="note-call-anchor" id="{escape(node.attr("call"))}"></a>'
        if node.attr("call") != note.call_id:  # a second call of the same note
            return call + f'<sup class="note-recall">{note.number}</sup>'
        self._in_note = True
        try:
            body = str(self.blocks(note.blocks))
        finally:
            self._in_note = False
        attrs = attr_string([("class", "footnote"), ("id", note.id), ("data-n", str(note.number))])
        return f"{call}<span{attrs}>{body}</span>"

    def element(self, node: Node, out: list[str]) -> None:
        if not self._in_note or node.type not in BLOCKS:
            super().element(node, out)
            return
        # Inside a floated note: blocks become spans styled as blocks.
        out.append(self.open_tag(node, "span", [("class", f"note-{node.type}")]))
        for child in node.children:
            self.node(child, out)
        out.append("</span>")


class EpubRenderer(HtmlRenderer):
    """Rules for EPUB 3 XHTML documents."""

    xml_lang = True

    def noteref(self, node: Node) -> str:
        attrs = attr_string(
            [
                ("class", "noteref"),
                ("epub:type", "noteref"),
                ("role", "doc-noteref"),
                ("id", node.attr("call")),
                ("href", f"#{node.attr('note')}"),
            ]
        )
        return f"<a{attrs}>{escape(node.attr('number'))}</a>"

    def notes(self, section: Section) -> Markup:
        out: list[str] = []
        for note in section.notes:
            attrs = attr_string(
                [
                    ("class", "footnote"),
                    ("epub:type", "footnote"),
                    ("role", "doc-footnote"),
                    ("id", note.id),
                ]
            )
            backlink = f'<a class="backlink" role="doc-backlink" href="#{note.call_id}">{note.number}.</a> '
            out.append(f"<aside{attrs}>")
            blocks = list(note.blocks)
            if blocks and blocks[0].type == "paragraph":
                first = blocks.pop(0)
                out.append(self.open_tag(first, "p") + backlink)
                for child in first.children:
                    self.node(child, out)
                out.append("</p>")
            else:
                out.append(f"<p>{backlink}</p>")
            for block in blocks:
                self.node(block, out)
            out.append("</aside>")
        return Markup("".join(out))
