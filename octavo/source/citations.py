"""Citations resolved into the parsed ``Book``: text, notes and the bibliography section.

The parser leaves each citation as a ``citation`` node (its items in ``attrs["items"]`` as JSON).
Here they are rendered with the book's CSL style in reading order (a note's citations where its
first call stands), so that the style's positions hold: first, subsequent, ibid (CSL 1.0.2,
"Position"). What comes out is ordinary nodes, so every writer gets the same Book:

- an in-text style (author-date): the citation in the sentence, ``(Burnham 1941, 12)``; an
  in-text citation ``@key`` as ``Burnham (1941, 12)`` (Pandoc User's Guide, "Citation syntax");
- a note style: the parser already made each citation outside a note a note of its own (numbered
  with the section's notes, in order); its text is the rendered citation. A citation inside a
  note is rendered in the note's text. An in-text ``@key`` leaves the author's name in the
  sentence and the citation in its note (as Pandoc does).

``book_citer`` reads the book's bibliography and style (``csl.py``) for the parser;
``attach_calls`` sets the note calls the parser makes from citations where a note call goes.
Each rendered citation is a ``span`` of class ``citation``; citeproc-py's ``<i>``, ``<b>``,
``<sup>``, ``<sub>`` become ``em``, ``strong``, ``sup``, ``sub`` nodes. The bibliography section
(``[[contents]] kind = "bibliography"`` with no ``file``) gets one paragraph of class
``csl-entry`` per cited work, in the style's order.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

from octavo.config.book import Config
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Node, Note, Section
from octavo.source.csl import Citer, load_references, load_style
from octavo.source.dialect import DASHES, ELLIPSIS, QUOTES
from octavo.strings import for_metadata

#: citeproc-py's HTML elements -> node types (others keep their text only).
_TAGS = {"i": "em", "b": "strong", "sup": "sup", "sub": "sub"}


#: What may stand before an opening quotation mark.
_OPENS_AFTER = frozenset(" \t\n([{\u2014\u2013-/\u201c\u2018\u00ab\u201e")


def typeset(text: str, before: str, quotes: Sequence[str]) -> str:
    """``text`` (a run of a rendered citation, ``before`` the character that precedes it) with
    the manuscript's typography (``source/dialect.py``): straight quotes curly by the book's
    language (``quotes``: double open/close, single open/close), ``--``/``---`` dashes, ``...``
    an ellipsis. The bibliography's data is not Markdown, so this is all it gets."""
    for pattern, dash in DASHES:
        text = pattern.sub(dash, text)
    text = ELLIPSIS.sub("\u2026", text)
    if '"' not in text and "'" not in text:
        return text
    out: list[str] = []
    for index, ch in enumerate(text):
        previous = out[-1][-1:] if out else before
        opens = not previous or previous in _OPENS_AFTER
        if ch == '"':
            out.append(quotes[0] if opens else quotes[1])
        elif ch == "'":
            following = text[index + 1 : index + 2]
            out.append(quotes[2] if opens and following.isalnum() else quotes[3])
        else:
            out.append(ch)
    return "".join(out)


class _Nodes(HTMLParser):
    """citeproc-py's HTML (a flat run of inline elements) as inline nodes, typeset (``typeset``)."""

    def __init__(self, line: int, quotes: Sequence[str]):
        super().__init__(convert_charrefs=True)
        self.line = line
        self.quotes = quotes
        self.last = ""  # the last character of text so far
        self.stack: list[tuple[str, list[Node]]] = [("", [])]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = _TAGS.get(tag, "")
        if tag == "span" and any("small-caps" in (v or "") for _, v in attrs):
            kind = "span-smallcaps"
        self.stack.append((kind, []))

    def handle_endtag(self, tag: str) -> None:
        if len(self.stack) < 2:
            return
        kind, children = self.stack.pop()
        if not kind:
            self.stack[-1][1].extend(children)
        elif kind == "span-smallcaps":
            self.stack[-1][1].append(
                Node("span", tuple(children), attrs=(("class", "smallcaps"),), line=self.line)
            )
        else:
            self.stack[-1][1].append(Node(kind, tuple(children), line=self.line))

    def handle_data(self, data: str) -> None:
        data = typeset(data, self.last, self.quotes)
        self.last = data[-1:] or self.last
        siblings = self.stack[-1][1]
        if siblings and siblings[-1].type == "text":
            siblings[-1] = Node("text", text=siblings[-1].text + data, line=self.line)
        else:
            siblings.append(Node("text", text=data, line=self.line))

    def result(self) -> tuple[Node, ...]:
        self.close()
        while len(self.stack) > 1:
            self.handle_endtag("")
        return tuple(self.stack[0][1])


def html_nodes(html: str, line: int, language: str = "en") -> tuple[Node, ...]:
    """Inline nodes of citeproc-py's HTML output, each at ``line``, typeset for ``language``."""
    parser = _Nodes(line, QUOTES.get(language.split("-")[0].lower(), QUOTES["en"]))
    parser.feed(html)
    return parser.result()


def _span(children: tuple[Node, ...], line: int) -> Node:
    return Node("span", children, attrs=(("class", "citation"),), line=line)


@dataclasses.dataclass
class _Render:
    citer: Citer
    note_style: bool
    diags: Diagnostics
    section: Section
    cited: dict[str, None] = dataclasses.field(default_factory=dict)
    failed: bool = False

    def name(self, key: str) -> str:
        """The author's names an in-text citation puts in the sentence, typeset."""
        quotes = QUOTES.get(self.citer.language.split("-")[0].lower(), QUOTES["en"])
        return typeset(self.citer.author(key), "", quotes)

    def citation(self, node: Node) -> list[Node]:
        """The nodes that stand for one citation node."""
        meta = json.loads(node.attr("items"))
        items = meta["items"]
        unknown = [i["key"] for i in items if i["key"] not in self.citer.references]
        if unknown:
            for key in unknown if node.attr("part") != "name" else ():  # its note's citation says it
                self.diags.error(
                    self.section.file, node.line, "cite-unknown", f"@{key} is not in the bibliography"
                )
            self.failed = True
            return [Node("text", text=node.text, line=node.line)]
        for item in items:
            self.cited.setdefault(item["key"], None)
        if node.attr("part") == "name":  # the author's name, its citation in a note of its own
            return [Node("text", text=self.name(items[0]["key"]), line=node.line)]
        in_text = meta["in_text"] and not self.note_style
        if in_text:  # Burnham (1941, 12): the name, then the citation without it
            items = [{**items[0], "suppress": True}]
        elif self.note_style:  # a note names the work whole, whatever the text says
            items = [{**item, "suppress": False} for item in items]
        try:
            html = self.citer.cite(items)
        except Exception as exc:
            self.diags.error(
                self.section.file,
                node.line,
                "bibliography-invalid",
                f"citeproc-py cannot render {node.text} (look at its works' entries): {exc}",
            )
            self.failed = True
            return [Node("text", text=node.text, line=node.line)]
        rendered = html_nodes(html, node.line, self.citer.language)
        if node.attr("whole") and rendered:  # a note of its own starts with a capital ("See")
            rendered = _capitalised(rendered)
        if in_text:
            name = self.name(items[0]["key"])
            rendered = (Node("text", text=f"{name} ", line=node.line), *rendered) if name else rendered
        return [_span(rendered, node.line)]


def _capitalised(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """``nodes`` with the first letter of their text in upper case (Pandoc does so for a citation
    that is a note of its own: "See Burnham…")."""
    first = nodes[0]
    if first.type == "text":
        return (dataclasses.replace(first, text=first.text[:1].upper() + first.text[1:]), *nodes[1:])
    if first.children:
        return (dataclasses.replace(first, children=_capitalised(first.children)), *nodes[1:])
    return nodes


def _rebuild(node: Node, done: dict[int, list[Node]]) -> Node:
    """``node`` with each citation below it replaced by its rendering (``done``, by node id)."""
    if not any(c.type == "citation" or c.children for c in node.children):
        return node
    children: list[Node] = []
    for index, child in enumerate(node.children):
        if child.type == "citation":
            after = node.children[index + 1] if index + 1 < len(node.children) else None
            rendered = done.get(id(child), [child])
            if after is not None and after.type == "text" and after.text[:1] in PUNCTUATION:
                rendered = _without_period(rendered)
            children.extend(rendered)
        else:
            children.append(_rebuild(child, done))
    return dataclasses.replace(node, children=tuple(children))


#: Punctuation that, straight after a citation, takes the place of the period the style ends it with.
PUNCTUATION = frozenset(".,;:!?")


def _without_period(nodes: list[Node]) -> list[Node]:
    """``nodes`` without the period that ends their text (a note's citation before ``;``: "20;",
    not "20.;": one mark of punctuation, not two)."""
    if not nodes:
        return nodes
    last = nodes[-1]
    if last.type == "text":
        return (
            [*nodes[:-1], dataclasses.replace(last, text=last.text.removesuffix("."))]
            if last.text.endswith(".")
            else nodes
        )
    if last.children:
        return [*nodes[:-1], dataclasses.replace(last, children=tuple(_without_period(list(last.children))))]
    return nodes


def _section(render: _Render, section: Section) -> Section:
    """Render a section's citations in reading order: text, and each note at its first call."""
    done: dict[int, list[Node]] = {}
    notes = {n.id: n for n in section.notes}
    todo: list[Node] = list(reversed((*section.title_nodes, *section.blocks)))
    while todo:
        node = todo.pop()
        if node.type == "citation":
            done[id(node)] = render.citation(node)
            continue
        if node.type == "noteref" and node.attr("call") == f"{node.attr('note')}-call":
            note = notes.get(node.attr("note"))
            if note is not None:
                todo.extend(reversed(note.blocks))
            continue
        todo.extend(reversed(node.children))
    if not done:
        return section
    title_nodes = _rebuild(Node("span", section.title_nodes), done).children  # a title's own citations
    title = "".join(n.text for node in title_nodes for n in node.walk()).strip()
    return dataclasses.replace(
        section,
        title=title if title_nodes != section.title_nodes else section.title,
        title_nodes=title_nodes,
        blocks=tuple(_rebuild(b, done) for b in section.blocks),
        notes=tuple(
            dataclasses.replace(n, blocks=tuple(_rebuild(b, done) for b in n.blocks)) for n in section.notes
        ),
    )


def bibliography_blocks(citer: Citer, keys: list[str], section_id: str, line: int) -> tuple[Node, ...]:
    """One paragraph of class ``csl-entry`` per work, in the style's order (CSL 1.0.2,
    "Bibliography-specific options" and ``cs:sort``), each with its block id for page marks."""
    blocks = []
    for number, html in enumerate(citer.bibliography(keys), start=1):
        attrs = (("block", f"{section_id}-b{number}"), ("class", "csl-entry"))
        blocks.append(Node("paragraph", html_nodes(html, line, citer.language), attrs=attrs, line=line))
    return tuple(blocks)


def _uncited(book: Book, diags: Diagnostics) -> bool:
    """With no bibliography configured: ``cite-no-bibliography`` at each citation and generated
    bibliography section; True when there was none."""
    clean = True
    for section in book.sections:
        if section.generated:
            diags.error(section.file, section.line, "cite-no-bibliography", "a bibliography section needs "
                        "'bibliography' (a CSL-JSON file) in book.toml")  # fmt: skip
            clean = False
        for root in (*section.title_nodes, *section.all_blocks):
            for node in root.walk():
                if node.type == "citation":
                    diags.error(section.file, node.line, "cite-no-bibliography",
                                f"{node.text} cites, but book.toml names no 'bibliography'")  # fmt: skip
                    clean = False
    return clean


def resolve_citations(
    book: Book, citer: Citer | None, note_style: bool, configured: bool, diags: Diagnostics
) -> Book | None:
    """``book`` with every citation rendered and each generated bibliography section (``generated``,
    no blocks yet) filled. ``citer`` None: no bibliography (``configured`` False: each citation is
    ``cite-no-bibliography``) or an invalid one (already reported). Errors: ``cite-unknown``,
    ``csl-invalid``, ``bibliography-invalid`` (an entry citeproc-py cannot render). None when any
    citation or section failed."""
    if citer is None:
        return book if not configured and _uncited(book, diags) else None
    sections: list[Section] = []
    failed = False
    cited: dict[str, None] = {}
    for section in book.sections:
        render = _Render(citer, note_style, diags, section)
        sections.append(_section(render, section))
        failed = failed or render.failed
        cited.update(render.cited)
    if failed:
        return None
    out: list[Section] = []
    for section in sections:
        if section.generated:
            if not cited:
                diags.warning(
                    section.file,
                    section.line,
                    "bibliography-empty",
                    "nothing is cited: the bibliography is left out",
                )
                continue
            try:
                blocks = bibliography_blocks(citer, list(cited), section.id, section.line)
            except Exception as exc:
                diags.error(
                    section.file,
                    section.line,
                    "csl-invalid",
                    f"citeproc-py cannot render the bibliography with this style: {exc}",
                )
                return None
            # its title in the book's language: "Bibliography" (a note style) or "References"
            title = section.title or for_metadata(book.metadata)(
                "bibliography" if note_style else "references"
            )
            section = dataclasses.replace(
                section,
                blocks=blocks,
                title=title,
                title_nodes=(Node("text", text=title, line=section.line),),
            )
        out.append(section)
    return dataclasses.replace(book, sections=tuple(out))


def generated_note(note_id: str, number: int, citation: Node, file: Path, line: int) -> Note:
    """The note a citation outside a note becomes in a note style: one paragraph, the citation."""
    return Note(note_id, number, "", (Node("paragraph", (citation,), line=line),), file, line)


def book_citer(config: Config, diags: Diagnostics) -> tuple[Citer | None, bool]:
    """The book's citation processor (None: no ``bibliography``, or it or the style is invalid,
    reported) and whether its style is a note style."""
    if not config.bibliography:
        return None, False
    references = load_references(
        config.bibliography, config.root, (config.path, config.line_of("bibliography")), diags
    )
    style = load_style(config.csl, config.root, (config.path, config.line_of("csl") or 1), diags)
    if references is None or style is None:
        return None, bool(style and style.note)
    return Citer(style, references, config.metadata.language), style.note


#: Punctuation a note call made from a citation goes after (Chicago Manual of Style: a note
#: number follows any punctuation but a dash; Pandoc moves it so).
CALL_AFTER = ".,;:!?"


def attach_calls(children: list[Node]) -> list[Node]:
    """Inline nodes with each note call made from a citation (``cite`` attr) attached to the word
    before it (the space before it dropped) and moved after the punctuation that follows it:
    ``managers [@a].`` -> ``managers.¹``. Other nodes are returned as they are."""
    if not any(c.type == "noteref" and c.attr("cite") for c in children):
        return children
    out: list[Node] = []
    pending: Node | None = None  # a call waiting for the punctuation after it
    for child in children:
        if pending is not None:
            if child.type == "text":
                moved = len(child.text) - len(child.text.lstrip(CALL_AFTER))
                if moved:
                    out.append(Node("text", text=child.text[:moved], line=child.line))
                out.append(pending)
                pending = None
                if child.text[moved:]:
                    out.append(Node("text", text=child.text[moved:], line=child.line))
                continue
            out.append(pending)
            pending = None
        if child.type == "noteref" and child.attr("cite"):
            while out and out[-1].type == "softbreak":  # the call ends the line before it
                out.pop()
            if out and out[-1].type == "text" and out[-1].text[-1:].isspace():
                trimmed = out[-1].text.rstrip()
                out[-1:] = [Node("text", text=trimmed, line=out[-1].line)] if trimmed else []
            pending = child
            continue
        out.append(child)
    if pending is not None:
        out.append(pending)
    return out
