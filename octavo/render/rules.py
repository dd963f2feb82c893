"""The render rules that differ between formats: where and how notes are written.

Print: the note body stands at its call, as an inline element floated to the
page foot by CSS (``float: footnote``); its blocks become display-block spans
so the paragraph that holds the call stays valid. EPUB: the call is a
``noteref`` link and each body an ``aside`` footnote after the section's text,
with a backlink, which Apple Books, Kobo and Kindle show as a pop-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from octavo.model import BLOCK_TYPES, Book, Node, Note, Section
from octavo.render.figures import caption_html
from octavo.render.fit import code_lines
from octavo.render.html import HtmlRenderer, attr_string
from octavo.source.numbering import figure_id, figure_image

if TYPE_CHECKING:
    from octavo.render.figures import FigureFit, FigurePlan
    from octavo.render.notes import SplitPlan
    from octavo.render.tables import TableFit


def is_picture_paragraph(node: Node) -> bool:
    """True for a paragraph of pictures only (no words beside them): a figure, not a line of text."""
    kinds = [c.type for c in node.children if not (c.type in ("text", "softbreak") and not c.text.strip())]
    return bool(kinds) and all(kind == "image" for kind in kinds)


class PrintRenderer(HtmlRenderer):
    """Rules for the paged HTML that WeasyPrint lays out.

    ``plan`` (a ``render.notes.SplitPlan``, decided by the layout) says which long notes are printed in
    parts and how many overrun pages end a section; without it every note is
    one part. ``tables`` (the measure and the book face) tells which tables keep their
    words whole; without it none does. ``figures`` (the room a figure has) gives each figure's
    picture its tallest height; ``placement`` (a ``render.figures.FigurePlan``, decided by the
    layout) says where figures are set when not where the author put them.
    """

    def __init__(
        self,
        book: Book,
        image_src: Callable[[str], str] | None = None,
        *,
        fit: bool = False,
        plan: SplitPlan | None = None,
        tables: TableFit | None = None,
        figures: FigureFit | None = None,
        placement: FigurePlan | None = None,
        folios: Mapping[str, str] | None = None,
    ):
        super().__init__(book, image_src, fit=fit, folios=folios)
        self._in_note = False
        self._in_text = False  # rendering the children of a block that holds text
        self.plan = plan
        self.tables = tables
        self.figures = figures
        self.placement = placement
        self._sections = {id(s.blocks): s.id for s in book.sections}

    def blocks(self, nodes: Iterable[Node], opening: bool = False) -> Markup:
        """A section's blocks as the layout placed them (``placement``): its opening paragraph
        keeps its lead-in only if it still opens the section."""
        ident = self._sections.get(id(nodes))
        placed = self.placement.sections.get(ident) if self.placement and ident else None
        if placed is None or not isinstance(nodes, tuple):
            return super().blocks(nodes, opening)
        first = nodes[0] if nodes else None
        return super().blocks(placed, opening and bool(placed) and placed[0] is first)

    def figure_style(self, image: Node) -> str:
        if self.figures is None:
            return ""
        return f"max-height: {self.figures.image_height(image):g}pt"

    def whole_table(self, table: Node) -> bool:
        return self.tables is not None and self.tables.whole(table)

    def noteref(self, node: Node) -> str:
        note = self.note_of(node)
        call = f'<a class="note-call-anchor" id="{escape(node.attr("call"))}"></a>'
        if node.attr("call") != note.call_id:  # a second call of the same note
            return call + f'<sup class="note-recall">{note.number}</sup>'
        split = self.plan.splits.get(note.id) if self.plan is not None else None
        parts = split.parts if split is not None else (note.blocks,)
        return call + "".join(self.note_part(note, blocks, index) for index, blocks in enumerate(parts))

    def note_part(self, note: Note, blocks: tuple[Node, ...], index: int = 0) -> str:
        """One part of a note as floated to the page foot: the first numbered, the others continued."""
        self._in_note = True
        try:
            body = str(self.blocks(blocks))
        finally:
            self._in_note = False
        classes = ["footnote"] if index == 0 else ["footnote", "note-continued"]
        if (
            blocks
            and blocks[0].type == "paragraph"
            and blocks[-1] is blocks[0]
            and blocks[0].attr("split") == "end"
        ):
            classes.append("note-split-end")  # its first paragraph is cut: shown inline in the note's box
        ident = note.id if index == 0 else f"{note.id}-cont-{index}"
        attrs = attr_string([("class", " ".join(classes)), ("id", ident), ("data-n", str(note.number))])
        return f"<span{attrs}>{body}</span>"

    def notes(self, section: Section) -> Markup:
        """After a section whose notes are split: a marker where its text ends, and overrun pages."""
        if self.plan is None:
            return Markup("")
        split = any(n.id in self.plan.splits for n in section.notes)
        pages = self.plan.overrun.get(section.id, 0)
        if not split and not pages:
            return Markup("")
        end = f'<div class="note-section-end" id="{escape(section.id)}-notes-end"></div>'
        return Markup(end + '<div class="note-overrun"></div>' * pages)

    def children(self, node: Node, out: list[str]) -> None:
        """A block's children, knowing whether the block holds text: a picture in a line of
        text is set at the text's height (``in-text-picture``), as a vignette in a sentence is."""
        saved = self._in_text
        if node.type in BLOCK_TYPES:
            self._in_text = any(c.type == "text" and c.text.strip() for c in node.children)
        try:
            super().children(node, out)
        finally:
            self._in_text = saved

    def image(self, node: Node, out: list[str], style: str = "") -> None:
        if not self._in_text:
            super().image(node, out, style)
            return
        out.append('<span class="in-text-picture">')
        super().image(node, out, style)
        out.append("</span>")

    def open_tag(self, node: Node, tag: str, extra: list[tuple[str, str]] | None = None) -> str:
        if node.attr("block") and not self._in_note:  # where pages begin, for the EPUB page-list
            extra = [*(extra or []), ("data-block", node.attr("block"))]
        if tag == "p" and is_picture_paragraph(node):  # set without the first line's indent
            extra = [*(extra or []), ("data-picture", "")]
        if tag == "p" and node.attr("split") and not self._in_note:  # cut where a figure was set
            extra = [*(extra or []), ("data-split", node.attr("split"))]
        return super().open_tag(node, tag, extra)

    def node(self, node: Node, out: list[str]) -> None:
        if not self._in_note:
            super().node(node, out)
        elif node.type == "softbreak":
            out.append(" ")  # a soft break is a space, also in a note's inline span
        elif node.type == "code_block":
            out.append(self.open_tag(node, "span", [("class", "note-code_block")]))
            text = code_lines(node.text) if self.fit else escape(node.text.removesuffix("\n"))
            out.append(f"<code>{text}</code></span>")
        elif node.type == "hr":
            out.append('<span class="note-hr"></span>')
        else:
            super().node(node, out)

    def element(self, node: Node, out: list[str]) -> None:
        if not self._in_note or node.type not in BLOCK_TYPES:
            super().element(node, out)
            return
        # Inside a floated note, which stands inside the paragraph that calls it,
        # every block becomes a span styled as that block (print.css, "note-…"):
        # a real <p>, <pre>, <ul> or <table> there would close the paragraph.
        classes = [f"note-{node.type}", *self.table_classes(node)]
        if node.attr("split"):
            classes.append(f"note-split-{node.attr('split')}")
        extra = [("class", " ".join(classes))]
        if node.type == "paragraph" and is_picture_paragraph(node):  # a figure in the note: a block
            extra.append(("data-picture", ""))
        if node.type == "ordered_list":
            start = int(node.attr("start") or 1)
            extra.append(("style", f"counter-reset: list-item {start - 1}"))
        elif node.type in ("th", "td") and node.attr("align"):
            extra.append(("style", f"text-align:{node.attr('align')}"))
        out.append(self.open_tag(node, "span", extra))
        self.children(node, out)
        image = figure_image(node)
        number = self.numbers.get(figure_id(node), "") if image is not None else ""
        if image is not None and caption_html(image, number):  # a figure in the note: its caption
            text = " ".join(image.attr("alt").split())
            if number:
                out.append(
                    f'<span class="note-figcaption"><span class="figure-number">{escape(number)}.</span>'
                )
                out.append(f' <span aria-hidden="true">{escape(text)}</span></span>' if text else "</span>")
            else:
                out.append(f'<span class="note-figcaption" aria-hidden="true">{escape(text)}</span>')
        if node.type == "table":
            self._tables.pop()
        out.append("</span>")


#: Characters that are not counted for page markers: no glyph, none in the print's line text
#: (``layout/pagemap.INVISIBLE``, not imported: the EPUB needs no WeasyPrint).
INVISIBLE = "\u200b\u2060"


class EpubRenderer(HtmlRenderer):
    """Rules for EPUB 3 XHTML documents, with the print edition's page markers.

    ``page_marks`` maps a block id or part id to the (offset, label) of the
    print pages that begin there: offset counts the block's characters that
    are not spaces; the marker goes at the start of the word found there.
    """

    xml_lang = True
    epub_types = True

    def __init__(
        self,
        book: Book,
        image_src: Callable[[str], str] | None = None,
        page_marks: dict[str, list[tuple[int, str]]] | None = None,
        folios: Mapping[str, str] | None = None,
    ):
        super().__init__(book, image_src, folios=folios)
        self.page_marks = page_marks or {}
        self._pending: list[tuple[int, str]] = []
        self._count = 0

    @staticmethod
    def pagebreak(label: str) -> str:
        attrs = attr_string(
            [
                ("epub:type", "pagebreak"),
                ("role", "doc-pagebreak"),
                ("id", f"page-{label}"),
                ("aria-label", label),
            ]
        )
        return f"<span{attrs}></span>"

    def marks(self, part: str) -> Markup:
        return Markup("".join(self.pagebreak(label) for _, label in self.page_marks.get(part, [])))

    def children(self, node: Node, out: list[str]) -> None:
        block = node.attr("block")
        if not block or block not in self.page_marks:
            super().children(node, out)
            return
        saved = (self._pending, self._count)
        self._pending, self._count = sorted(self.page_marks[block], key=lambda m: m[0]), 0
        super().children(node, out)
        out.extend(self.pagebreak(label) for _, label in self._pending)  # never lose one
        self._pending, self._count = saved

    def node(self, node: Node, out: list[str]) -> None:
        if node.type == "text" and self._pending:
            out.append(self._marked_text(node.text))
        elif node.type == "image" and self._pending:  # a page that begins with this picture
            while self._pending and self._pending[0][0] <= self._count:
                out.append(self.pagebreak(self._pending.pop(0)[1]))
            super().node(node, out)
        elif node.type == "code" and self._pending:
            self._count += sum(1 for ch in node.text if not ch.isspace())
            super().node(node, out)
        else:
            super().node(node, out)

    def _marked_text(self, text: str) -> str:
        """Escape ``text``, putting the pending markers at the start of their word."""
        pieces: list[str] = []
        start = 0
        for position, ch in enumerate(text):
            if ch.isspace() or ch == "\u2010" or ch in INVISIBLE:  # as pagemap.count_chars
                continue
            while self._pending and self._pending[0][0] <= self._count:
                cut = position
                while cut > start and not text[cut - 1].isspace():
                    cut -= 1
                pieces.append(str(escape(text[start:cut])))
                pieces.append(self.pagebreak(self._pending.pop(0)[1]))
                start = cut
            self._count += 1
        pieces.append(str(escape(text[start:])))
        return "".join(pieces)

    def figure(self, paragraph: Node, image: Node, out: list[str]) -> None:
        """A figure, after the markers of the print pages that begin with it (a figure the layout
        floated to a page's top): before the picture, as the page shows it first."""
        out.extend(self.pagebreak(label) for _, label in self.page_marks.get(paragraph.attr("block"), []))
        super().figure(paragraph, image, out)

    def target_href(self, section_id: str, fragment: str) -> str:
        """One XHTML document per section, side by side in the package's text folder."""
        return f"{section_id}.xhtml" + (f"#{fragment}" if fragment else "")

    def noteref(self, node: Node) -> str:
        """The note call: a ``noteref`` link inside ``<sup>``, as Amazon's Kindle Publishing
        Guidelines show footnote calls, so a reading system that ignores the stylesheet still
        sets the number as a superior."""
        attrs = attr_string(
            [
                ("class", "noteref"),
                ("epub:type", "noteref"),
                ("role", "doc-noteref"),
                ("id", node.attr("call")),
                ("href", f"#{node.attr('note')}"),
            ]
        )
        return f'<sup class="note-call"><a{attrs}>{escape(node.attr("number"))}</a></sup>'

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
        if self.book.sections and section is self.book.sections[-1]:
            out.append(str(self.marks("")))  # print pages after the last text (padding)
        return Markup("".join(out))
