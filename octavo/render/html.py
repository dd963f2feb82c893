"""Render rules: ``Node`` trees to HTML, shared by every output.

``HtmlRenderer`` holds the rules both formats share; a format subclasses it
only where it really differs (how a note call and a note body are written,
whether ``xml:lang`` is needed). The output is well-formed XHTML in every
case, so the same fragments serve the print HTML and the EPUB documents.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping

from markupsafe import Markup, escape

from octavo.model import Book, Node, Note, Section
from octavo.render.figures import caption_html
from octavo.render.fit import breakable, code_lines
from octavo.render.indexpage import IndexWriter
from octavo.render.pagerefs import is_pageref, target_key, with_folio
from octavo.source.numbering import figure_id, figure_image, numbers
from octavo.source.tables import number_columns
from octavo.strings import for_metadata

TAGS = {
    "paragraph": "p",
    "blockquote": "blockquote",
    "bullet_list": "ul",
    "ordered_list": "ol",
    "list_item": "li",
    "table": "table",
    "caption": "caption",
    "thead": "thead",
    "tbody": "tbody",
    "tr": "tr",
    "th": "th",
    "td": "td",
    "em": "em",
    "strong": "strong",
    "s": "s",
    "span": "span",
    "link": "a",
    "sup": "sup",
    "sub": "sub",
    "small": "small",
    "abbr": "abbr",
    "cite": "cite",
}


#: The most words an opening's lead-in holds (set in small caps by the styles' ``.lead-in``).
LEAD_WORDS = 3
#: A word that ends a clause ends the lead-in early.
CLAUSE_END = re.compile(r"[,;:.!?\u2014\u2013]\W*$")
#: Inline elements a lead-in may hold whole (never a note call, a picture or a break).
LEAD_ELEMENTS = frozenset({"em", "strong", "span", "s", "abbr", "cite", "small"})


def lead_in(paragraph: Node, words: int = LEAD_WORDS) -> tuple[tuple[Node, ...], tuple[Node, ...]]:
    """The opening paragraph's first words, and the rest: ``(lead, rest)`` children of ``paragraph``.

    The lead-in takes up to ``words`` words, ending early after a word that
    ends a clause; it cuts a text node between words and takes an inline
    element (emphasis, a span) only whole and only if it fits. It replaces
    CSS ``::first-line``, which WeasyPrint 70 also applies to the first line
    the paragraph has on each later page. ``((), children)`` if nothing fits.
    """
    lead: list[Node] = []
    children, taken = list(paragraph.children), 0
    while children and taken < words:
        child = children[0]
        if child.type == "text":
            parts = re.split(r"(\s+)", child.text)  # words at even indices, spaces at odd ones
            cut = 0
            for index in range(0, len(parts), 2):
                if not parts[index]:
                    continue
                taken, cut = taken + 1, index + 1
                if taken >= words or CLAUSE_END.search(parts[index]):
                    taken = words
                    break
            head, tail = "".join(parts[:cut]), "".join(parts[cut:])
            if head:
                lead.append(Node("text", text=head, line=child.line))
            children[0:1] = [Node("text", text=tail, line=child.line)] if tail else []
            if tail:
                break
        elif child.type in LEAD_ELEMENTS and all(n.type in ("text", *LEAD_ELEMENTS) for n in child.walk()):
            text = "".join(n.text for n in child.walk())
            count = len(text.split())
            if not count or taken + count > words:
                break
            lead.append(children.pop(0))
            taken += count
            if CLAUSE_END.search(text):
                break
        else:
            break
    return tuple(lead), tuple(children)


def attr_string(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {key}="{escape(value)}"' for key, value in pairs if value is not None)


def numbered_table(table: Node, number: str) -> Node:
    """A numbered table with its number ("Table 2.") opening its caption (one made if none)."""
    label = Node("span", (Node("text", text=f"{number}."),), attrs=(("class", "table-number"),))
    if table.children and table.children[0].type == "caption":
        caption = table.children[0]
        caption = dataclasses.replace(caption, children=(label, Node("text", text=" "), *caption.children))
        return dataclasses.replace(table, children=(caption, *table.children[1:]))
    return dataclasses.replace(table, children=(Node("caption", (label,), line=table.line), *table.children))


class HtmlRenderer:
    """The render rules every format shares."""

    #: Write ``xml:lang`` beside ``lang`` (XHTML documents need both).
    xml_lang = False
    #: Write ``epub:type`` on generated structures (the index: EPUB Indexes 1.1).
    epub_types = False
    #: Number the index's locators 1, 2, 3 rather than give print folios (no print page-list).
    numbered_index = False

    def __init__(
        self,
        book: Book,
        image_src: Callable[[str], str] | None = None,
        *,
        fit: bool = False,
        folios: Mapping[str, str] | None = None,
    ):
        """``fit``: write for a fixed measure (print): strings get break points, code lines wrap.
        ``folios``: the print folio of each page reference's target id (``render/pagerefs.py``);
        None: page references are written as plain links (no layout to know them from)."""
        self.book = book
        self.fit = fit
        self.folios = folios
        self.numbers = numbers(book)  # numbered figures' and tables' ids -> "Figure 3"
        self.section_titles = {s.id: s.title for s in book.sections}
        self.image_src = image_src or (lambda src: src)
        self.notes_by_id = {n.id: n for s in book.sections for n in s.notes}
        self._copy = False  # writing a title again (contents): without its ids, which stand once
        # the tables being written (a note called in a cell may hold one): each one's columns of
        # figures and the column of the cell written last
        self._tables: list[tuple[frozenset[int], list[int]]] = []

    # -- entry points used by the templates -------------------------------------------
    def blocks(self, nodes: Iterable[Node], opening: bool = False) -> Markup:
        """Blocks as HTML; ``opening``: they open a section, and a first paragraph's first words
        are a ``<span class="lead-in">`` (``lead_in``), but for a bibliography's entry."""
        out: list[str] = []
        for index, node in enumerate(nodes):
            if opening and index == 0 and node.type == "paragraph" and node.attr("class") != "csl-entry":
                self.opening(node, out)
            else:
                self.node(node, out)
        return Markup("".join(out))

    def opening(self, paragraph: Node, out: list[str]) -> None:
        """The paragraph that opens a section, its lead-in a span of class ``lead-in``, rendered by
        the same rules as any paragraph (a format's page markers, note calls...)."""
        lead, rest = lead_in(paragraph)
        if lead:
            span = Node("span", lead, attrs=(("class", "lead-in"),), line=paragraph.line)
            paragraph = dataclasses.replace(paragraph, children=(span, *rest))
        self.node(paragraph, out)

    def inline(self, nodes: Iterable[Node]) -> Markup:
        """Inline content without note calls (titles in contents, running heads)."""
        out: list[str] = []
        self._copy = True
        try:
            for node in nodes:
                if node.type != "noteref":
                    self.node(node, out)
        finally:
            self._copy = False
        return Markup("".join(out))

    def title(self, section: Section) -> Markup:
        """A section's title as it opens the section, note calls included."""
        out: list[str] = []
        for node in section.title_nodes:
            self.node(node, out)
        return Markup("".join(out))

    def notes(self, section: Section) -> Markup:
        """Note bodies written after a section's text (none by default)."""
        return Markup("")

    def marks(self, part: str) -> Markup:
        """Page markers at the start of a part (section, title page…); none by default."""
        return Markup("")

    # -- rules ------------------------------------------------------------------------
    def lang_attrs(self, node: Node) -> list[tuple[str, str]]:
        pairs = []
        for key in ("id", "class", "title", "dir"):
            if node.attr(key) and not (key == "id" and self._copy):
                pairs.append((key, node.attr(key)))
        if node.attr("lang"):
            pairs.append(("lang", node.attr("lang")))
            if self.xml_lang:
                pairs.append(("xml:lang", node.attr("lang")))
        return pairs

    def open_tag(self, node: Node, tag: str, extra: list[tuple[str, str]] | None = None) -> str:
        pairs = (extra or []) + self.lang_attrs(node)
        classes = [value for key, value in pairs if key == "class"]
        if len(classes) > 1:  # the renderer's classes and the author's: one attribute
            pairs = [("class", " ".join(classes))] + [(k, v) for k, v in pairs if k != "class"]
        return f"<{tag}{attr_string(pairs)}>"

    def whole_table(self, table: Node) -> bool:
        """True if ``table`` keeps its words whole (print only: ``render/tables.py``)."""
        return False

    def table_classes(self, node: Node) -> list[str]:
        """Classes a table part gets for what it holds: ``num``, a cell of a column of figures
        (``source/tables.py``), set in tabular lining figures, aligned right, never broken;
        ``whole``, a table that keeps its words whole (``whole_table``).

        Called for every table part, in the order they are written: a ``table`` opens a
        table's columns, a ``tr`` starts at its first column, each cell moves one on.
        """
        if node.type == "table":
            self._tables.append((number_columns(node), [0]))
            return ["whole"] if self.whole_table(node) else []
        elif node.type == "tr" and self._tables:
            self._tables[-1][1][0] = 0
        elif node.type in ("th", "td") and self._tables:
            numbers, column = self._tables[-1]
            column[0] += 1
            if column[0] - 1 in numbers:
                return ["num"]
        return []

    def node(self, node: Node, out: list[str]) -> None:
        kind = node.type
        if kind == "text":
            out.append(breakable(node.text) if self.fit else str(escape(node.text)))
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("<br/>")
        elif kind == "code":
            out.append(f"<code>{breakable(node.text) if self.fit else escape(node.text)}</code>")
        elif kind == "noteref":
            out.append(self.noteref(node))
        elif kind == "image":
            self.image(node, out)
        elif kind == "hr":
            out.append('<hr class="break"/>')
        elif kind == "index":
            out.append(self.index_html())
        elif kind == "code_block":
            info = node.attr("info")
            code = attr_string([("class", f"language-{info}")]) if info else ""
            text = code_lines(node.text) if self.fit else escape(node.text)
            out.append(f"<pre><code{code}>{text}</code></pre>")
        else:
            self.element(node, out)

    def element(self, node: Node, out: list[str]) -> None:
        image = figure_image(node)
        if image is not None:
            self.figure(node, image, out)
            return
        if node.type == "heading":
            tag = f"h{min(6, int(node.attr('level', '2')))}"
        else:
            tag = TAGS.get(node.type, "span")
        extra: list[tuple[str, str]] = []
        if node.type == "link":
            target = node.attr("target")
            if target and self.folios is not None and is_pageref(node):
                node = with_folio(node, self.folios.get(target_key(target), "?"))
            elif target and is_pageref(node) and not node.children:  # no folios: its target's title
                title = self.section_titles.get(target.partition("#")[0], "")
                node = dataclasses.replace(node, children=(Node("text", text=title, line=node.line),))
            elif target and not node.children and target_key(target) in self.numbers:  # [](#fig:x)
                label = Node("text", text=self.numbers[target_key(target)], line=node.line)
                node = dataclasses.replace(node, children=(label,))
            extra.append(
                ("href", self.target_href(*target.partition("#")[::2]) if target else node.attr("href"))
            )
        elif node.type == "table" and node.attr("id") in self.numbers:
            node = numbered_table(node, self.numbers[node.attr("id")])
        elif node.type == "ordered_list" and node.attr("start"):
            extra.append(("start", node.attr("start")))
        elif node.type in ("th", "td") and node.attr("align"):
            extra.append(("style", f"text-align:{node.attr('align')}"))
        extra.extend(("class", name) for name in self.table_classes(node))
        out.append(self.open_tag(node, tag, extra))
        self.children(node, out)
        if node.type == "table":
            self._tables.pop()
        out.append(f"</{tag}>")

    def children(self, node: Node, out: list[str]) -> None:
        for child in node.children:
            self.node(child, out)

    def image(self, node: Node, out: list[str], style: str = "") -> None:
        """A picture; one marked ``{.decorative}`` has an empty ``alt`` and is presentation only.
        ``style``: a CSS declaration for it (a figure's tallest height in print)."""
        extra = [("src", self.image_src(node.attr("src"))), ("alt", node.attr("alt"))]
        if "decorative" in node.attr("class").split():
            extra = [extra[0], ("alt", ""), ("role", "presentation")]
        if style:
            extra.append(("style", style))
        out.append(f"<img{attr_string(extra + self.lang_attrs(node))}/>")

    def figure(self, paragraph: Node, image: Node, out: list[str]) -> None:
        """A figure (``render/figures.py``): ``<figure>`` with the paragraph's attributes, the picture
        and its caption (none when the alt text is empty)."""
        out.append(self.open_tag(paragraph, "figure", [("class", "figure")]))
        self.image(image, out, self.figure_style(image))
        out.append(caption_html(image, self.numbers.get(figure_id(paragraph), "")))
        out.append("</figure>")

    def figure_style(self, image: Node) -> str:
        """A CSS declaration for a figure's picture (none by default)."""
        return ""

    def index_html(self) -> str:
        """The book's index (``render/indexpage.py``), its locators the print folios of its marks
        (``folios``) or numbered links."""
        owners = {m.id: m.section for m in self.book.index if m.id}
        words = for_metadata(self.book.metadata)
        folios = None if self.folios is None or self.numbered_index else self.folios
        writer = IndexWriter(
            self.book.index,
            self.book.metadata.language,
            lambda ident: self.target_href(owners[ident], ident),
            folios,
            epub=self.epub_types,
            see=(words("index-see"), words("index-see-also")),
        )
        return f'<div class="index-list">{writer.html()}</div>'

    def target_href(self, section_id: str, fragment: str) -> str:
        """The href of a link the resolver led to a section (and an id in it): one document here."""
        return f"#{fragment or section_id}"

    def noteref(self, node: Node) -> str:
        raise NotImplementedError

    def note_of(self, node: Node) -> Note:
        return self.notes_by_id[node.attr("note")]
