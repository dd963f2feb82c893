"""Parse the manuscript's Markdown files into one immutable ``Book``.

markdown-it produces a flat token stream; this module turns it into ``Node``
trees with a stack (no recursion, so nesting depth cannot overflow Python),
numbers the notes of each section in the order they are called, and reports
what the parse reveals: headings, undefined, unused, duplicate and nested
notes, each at its file and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token
from markdown_it.utils import EnvType

from octavo.config.book import Config, ContentEntry, slugify
from octavo.diagnostics import Diagnostics
from octavo.model import BLOCK_TYPES, Book, Node, Note, Section
from octavo.source.citations import attach_calls, book_citer, generated_note, resolve_citations
from octavo.source.dialect import MAX_INLINE, MAX_NESTING, parser
from octavo.source.indexing import INDEX_ATTRS, index_marks
from octavo.source.numbering import captioned
from octavo.source.rawhtml import DROPPED_WITH_CONTENT, INLINE, block_nodes, parse_tag
from octavo.source.resolve import DERIVED_SUFFIX, FIXED_IDS, resolve
from octavo.strings import for_metadata
from octavo.textio import read_text

#: Attributes a manuscript may set on elements; others are dropped.
SAFE_ATTRS = frozenset({"id", "class", "lang", "dir", "title"}) | INDEX_ATTRS
#: Attributes markdown-it itself sets on tokens (link and picture addresses, table alignment, a list's
#: start): never the writer's, so never reported as unknown.
NATIVE_ATTRS = frozenset({"href", "src", "alt", "style", "start"})
#: A note call markdown-it left as text; a label holds no bracket, so a run of ``[^`` is linear.
UNDEFINED_REF = re.compile(r"\[\^([^\[\]\s]++)\]")
#: Blocks that hold text directly get a ``block`` id, unique in the book.
TEXT_BLOCKS = frozenset({"paragraph", "heading", "list_item", "th", "td"})

OPENERS = {
    "paragraph_open": "paragraph",
    "heading_open": "heading",
    "blockquote_open": "blockquote",
    "bullet_list_open": "bullet_list",
    "ordered_list_open": "ordered_list",
    "list_item_open": "list_item",
    "table_open": "table",
    "thead_open": "thead",
    "tbody_open": "tbody",
    "tr_open": "tr",
    "th_open": "th",
    "td_open": "td",
    "em_open": "em",
    "strong_open": "strong",
    "s_open": "s",
    "link_open": "link",
    "span_open": "span",
}


@dataclass
class _Definition:
    label: str
    line: int
    tokens: list[Token]


@dataclass
class _Refs:
    """Note references of one section, numbered in order of first call."""

    section_id: str
    order: list[str] = field(default_factory=list)  # keys: "label" or "#inline-id"
    calls: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    in_notes: set[str] = field(default_factory=set)  # labels called inside a note (note-in-note)

    def call(self, key: str, line: int) -> Node:
        if key not in self.calls:
            self.order.append(key)
            self.numbers[key] = len(self.order)
            self.calls[key] = 0
            self.lines[key] = line
        self.calls[key] += 1
        number = self.numbers[key]
        note_id = f"{self.section_id}-n{number}"
        count = self.calls[key]
        call_id = f"{note_id}-call" if count == 1 else f"{note_id}-call-{count}"
        attrs = (("call", call_id), ("note", note_id), ("number", str(number)))
        return Node("noteref", attrs=attrs, line=line)


def _attrs(token: Token) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for key, value in (token.attrs or {}).items():
        if key in SAFE_ATTRS:
            out[key] = str(value)
    if token.type == "heading_open":
        out["level"] = token.tag[1:]
    elif token.type == "ordered_list_open" and token.attrs.get("start") not in (None, 1, "1"):
        out["start"] = str(token.attrs["start"])
    elif token.type == "link_open":
        out["href"] = str(token.attrs.get("href", ""))
    elif token.type in ("th_open", "td_open"):
        style = str(token.attrs.get("style", ""))
        if style.startswith("text-align:"):
            out["align"] = style.split(":", 1)[1]
    return tuple(sorted(out.items()))


def plain_text(tokens: list[Token]) -> str:
    """An image description as plain text (CommonMark: an image's ``alt`` is the plain-text
    content of its description): the text and code of the inline tokens, emphasis, links and
    raw HTML dropped, line breaks as spaces, nested images by their own description."""
    parts: list[str] = []
    stack = list(reversed(tokens))
    while stack:
        token = stack.pop()
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            stack.extend(reversed(token.children or []))
    return " ".join("".join(parts).split())


#: A node the converter has open: (type, attrs, line, children, hidden).
_Frame = tuple[str, tuple[tuple[str, str], ...], int, list[Node], bool]


class _Converter:
    """Turns tokens into nodes for one section, resolving note calls."""

    def __init__(self, path: Path, env: EnvType, refs: _Refs, diags: Diagnostics, note_style: bool = False):
        self.path = path
        self.env = env
        self.refs = refs
        self.diags = diags
        self.note_style = note_style  # a citation outside a note becomes a note
        self.cited: dict[str, Node] = {}  # "#cite-N" -> the citation its generated note holds
        self.in_note = False
        self.blocks = 0
        self.skipping = ""  # inside <script> or the like: drop until its end tag
        self.skipping_line = 0

    def nodes(self, tokens: list[Token], line: int = 0) -> tuple[Node, ...]:
        # Each frame: (type, attrs, line, children, hidden)
        root: list[Node] = []
        stack: list[_Frame] = [("", (), line, root, False)]
        for token in tokens:
            if token.map:
                line = token.map[0] + 1
            if token.type == "html_inline":
                self.inline_html(token.content, stack, line)
                continue
            if token.type == "html_block":
                stack[-1][3].extend(self.number(block_nodes(token.content, line, self.warn_html)))
                continue
            if token.nesting == 1:
                kind = OPENERS.get(token.type, token.type.removesuffix("_open"))
                self.unknown_attrs(token, line)
                stack.append((kind, _attrs(token), line, [], token.hidden))
            elif token.nesting == -1:
                if len(stack) == 1:
                    continue
                kind, attrs, start, children, hidden = stack.pop()
                attrs = tuple(a for a in attrs if a[0] != "_html")
                parent = stack[-1][3]
                children = attach_calls(children)
                if hidden:  # paragraphs of tight lists: keep their content only
                    parent.extend(children)
                else:
                    if kind in TEXT_BLOCKS and any(c.type not in BLOCK_TYPES for c in children):
                        attrs = self.block_id(attrs)
                    parent.append(Node(kind, tuple(children), attrs=attrs, line=start))
            else:
                siblings = stack[-1][3]
                after = bool(siblings) and siblings[-1].type not in ("softbreak", "hardbreak")
                stack[-1][3].extend(self.leaf(token, line, after))
                if token.type in ("softbreak", "hardbreak"):
                    line += 1
        while len(stack) > 1:  # unbalanced input: close what is open
            kind, attrs, start, children, _ = stack.pop()
            attrs = tuple(a for a in attrs if a[0] != "_html")
            stack[-1][3].append(Node(kind, tuple(children), attrs=attrs, line=start))
        if self.skipping:  # never closed: what followed it in the paragraph went with it
            self.warn_html(
                self.skipping_line,
                f"<{self.skipping}> is not closed in its paragraph: "
                "the text after it to the paragraph's end was removed with it",
            )
            self.skipping = ""
        return tuple(attach_calls(root))

    def unknown_attrs(self, token: Token, line: int) -> None:
        """Warn (``attr-unknown``) for each attribute written in ``{...}`` that octavo drops."""
        for key in sorted(set(token.attrs or {}) - SAFE_ATTRS - NATIVE_ATTRS):
            self.diags.warning(
                self.path,
                line,
                "attr-unknown",
                f"attribute {key!r} is not one octavo keeps (id, class, lang, dir, title, index, index-see, "
                "index-range): it was dropped",
            )

    def warn_html(self, line: int, message: str) -> None:
        self.diags.warning(self.path, line, "html-removed", message)

    def inline_html(self, html: str, stack: list[_Frame], line: int) -> None:
        """One inline HTML tag: open or close a safe element, or drop it (and, for scripts, what follows)."""
        parsed = parse_tag(html)
        if self.skipping:
            if parsed and parsed[0] and parsed[1] == self.skipping:
                self.skipping = ""
            return
        if parsed is None:
            self.warn_html(line, f"raw HTML {html.strip()[:40]!r} was removed")
            return
        closing, name, attrs, empty = parsed
        if name == "br":
            stack[-1][3].append(Node("hardbreak", line=line))
            return
        if name in DROPPED_WITH_CONTENT and not closing:
            if empty:  # <embed src=x>, <svg/>: nothing to remove but the tag
                self.warn_html(line, f"<{name}> was removed")
                return
            self.skipping, self.skipping_line = name, line
            self.warn_html(line, f"<{name}> was removed with its content")
            return
        kind = INLINE.get(name)
        if kind is None:
            self.warn_html(
                line, f"<{'/' if closing else ''}{name}> is not in octavo's safe HTML subset: removed"
            )
            return
        if not closing:
            if not empty:  # a self-closed <span/> holds nothing
                stack.append((kind, (*attrs, ("_html", name)), line, [], False))
            return
        for depth in range(len(stack) - 1, 0, -1):
            if ("_html", name) in stack[depth][1]:
                while len(stack) > depth:
                    kind_, attrs_, start, children, _ = stack.pop()
                    attrs_ = tuple(a for a in attrs_ if a[0] != "_html")
                    stack[-1][3].append(Node(kind_, tuple(children), attrs=attrs_, line=start))
                return
        self.warn_html(line, f"</{name}> closes nothing: removed")

    def number(self, nodes: list[Node]) -> list[Node]:
        """Give block ids to the text blocks of nodes made from raw HTML."""
        out = []
        for node in nodes:
            children = tuple(self.number(list(node.children))) if node.children else ()
            attrs = node.attrs
            if node.type in TEXT_BLOCKS and any(c.type not in BLOCK_TYPES for c in children):
                attrs = self.block_id(attrs)
            out.append(Node(node.type, children, node.text, attrs, node.line))
        return out

    def block_id(self, attrs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """Number a block that holds text, so layouts can say where a page starts in it."""
        if self.in_note:
            return attrs
        self.blocks += 1
        return tuple(sorted((*attrs, ("block", f"{self.refs.section_id}-b{self.blocks}"))))

    def leaf(self, token: Token, line: int, after: bool = False) -> list[Node]:
        """``after``: the token follows inline content on its line (a word, an emphasis…)."""
        kind = token.type
        if kind == "inline":
            return list(self.nodes(token.children or [], line))
        if kind == "text":
            if self.skipping:
                return []
            self.undefined_refs(token.content, line, (token.meta or {}).get("escaped", ()), after)
            return [Node("text", text=token.content, line=line)]
        if kind == "code_inline":
            return [Node("code", text=token.content, line=line)]
        if kind in ("softbreak", "hardbreak"):
            return [Node(kind, line=line)]
        if kind in ("fence", "code_block"):
            # A fence's info string names a programming language (CommonMark), not a human one.
            words = token.info.split()
            attrs = (("info", words[0]),) if words else ()
            return [Node("code_block", text=token.content, attrs=self.block_id(attrs), line=line)]
        if kind == "hr":
            return [Node("hr", line=line)]
        if kind == "image":
            self.unknown_attrs(token, line)
            image = dict(_attrs(token))
            image["src"] = str(token.attrs.get("src", ""))
            image["alt"] = plain_text(token.children or [])
            if token.attrs.get("title"):
                image["title"] = str(token.attrs["title"])
            return [Node("image", attrs=tuple(sorted(image.items())), line=line)]
        if kind == "footnote_ref":
            return [self.noteref(token, line)]
        if kind == "citation":
            return self.citation(token, line)
        return [Node("text", text=token.content, line=line)] if token.content else []

    def citation(self, token: Token, line: int) -> list[Node]:
        """A ``citation`` node (rendered later, in reading order); in a note style, outside a
        note, a call of a note of its own that holds it, after the author's name for ``@key``."""
        items = json.dumps({"in_text": token.meta["in_text"], "items": token.meta["items"]}, sort_keys=True)
        node = Node("citation", text=token.content, attrs=(("items", items),), line=line)
        if not self.note_style or self.in_note:
            return [node]
        key = f"#cite-{len(self.cited) + 1}"
        call = self.refs.call(key, line)
        full = json.dumps({"in_text": False, "items": token.meta["items"]}, sort_keys=True)
        self.cited[key] = Node(
            "citation", text=token.content, attrs=(("items", full), ("whole", "1")), line=line
        )
        call = Node(call.type, attrs=(*call.attrs, ("cite", "1")), line=line)
        if token.meta["in_text"]:
            name = Node("citation", text=token.content, attrs=(("items", items), ("part", "name")), line=line)
            return [name, call]
        return [call]

    def noteref(self, token: Token, line: int) -> Node:
        label = token.meta.get("label")
        key = label if label is not None else f"#inline-{token.meta['id']}"
        if self.in_note:
            shown = f"[^{label}]" if label is not None else "^[…]"
            self.diags.error(self.path, line, "note-in-note", f"footnote {shown} is called inside a note")
            if label is not None:
                self.refs.in_notes.add(label)  # called, though where it cannot be: not also "unused"
            return Node("text", text=shown, line=line)
        return self.refs.call(key, line)

    def undefined_refs(self, text: str, line: int, escaped: Container[int] = (), after: bool = False) -> None:
        """A ``[^label]`` the footnote plugin left as text (no such note) is a misspelt call where
        a call stands: straight after a word or punctuation. Escaped (``\\[^1]``), after a space
        or at the start of a line, it is text, as CommonMark and the footnote plugin read it."""
        for match in UNDEFINED_REF.finditer(text):
            start = match.start()
            if start in escaped:
                continue
            if text[start - 1].isspace() if start else not after:
                continue
            self.diags.error(
                self.path,
                line,
                "note-undefined",
                f"footnote [^{match.group(1)}] is referenced but never defined",
            )


def _split_definitions(tokens: list[Token]) -> tuple[list[Token], list[_Definition]]:
    """Take footnote definitions out of the stream, wherever they stand."""
    body: list[Token] = []
    definitions: list[_Definition] = []
    open_: list[list[Token]] = [body]  # a definition indented inside another is a note of its own
    for token in tokens:
        if token.type == "footnote_reference_open":
            line = token.map[0] + 1 if token.map else 0
            definitions.append(_Definition(token.meta["label"], line, []))
            open_.append(definitions[-1].tokens)
        elif token.type == "footnote_reference_close":
            if len(open_) > 1:
                open_.pop()
        else:
            open_[-1].append(token)
    return body, definitions


def parse_section(
    entry: ContentEntry,
    path: Path,
    section_id: str,
    language: str,
    diags: Diagnostics,
    note_style: bool = False,
) -> Section | None:
    """Parse one Markdown file into a ``Section``; report its problems. ``note_style``: the book's
    citation style is a note style, so each citation outside a note is a note of its own."""
    text = read_text(path, diags)
    if text is None:
        return None
    env: EnvType = {}
    tokens = parser(language).parse(text, env)
    deepest = max((t.level for t in tokens), default=0)
    if deepest >= MAX_NESTING - 2:  # markdown-it silently drops what lies deeper
        where = next((t.map[0] + 1 for t in tokens if t.level >= MAX_NESTING - 2 and t.map), 0)
        diags.error(
            path,
            where,
            "nesting-too-deep",
            f"quotes or lists nest more than {MAX_NESTING - 3} deep; octavo stops rather than drop text",
        )
        return None
    for where, length in env.get("too_long", []):
        diags.error(
            path,
            where,
            "paragraph-too-long",
            f"a paragraph of {length:,} characters; octavo parses at most {MAX_INLINE:,} in one "
            "(split it with a blank line)",
        )
    if env.get("too_long"):
        return None
    body, definitions = _split_definitions(tokens)

    defined: dict[str, _Definition] = {}
    for definition in definitions:
        if definition.label in defined:
            first = defined[definition.label].line
            diags.error(
                path,
                definition.line,
                "note-duplicate",
                f"footnote [^{definition.label}] is defined twice (first on line {first})",
            )
        else:
            defined[definition.label] = definition

    headings = [(i, t) for i, t in enumerate(body) if t.type == "heading_open"]
    title_nodes: tuple[Node, ...] = ()
    title, line, anchor = path.stem, 1, ""
    refs = _Refs(section_id)
    convert = _Converter(path, env, refs, diags, note_style)
    first_content = next((i for i, t in enumerate(body) if t.level == 0), None)
    if not headings or headings[0][1].tag != "h1" or headings[0][0] != first_content:
        diags.error(
            path, 1, "heading-missing", "the file must start with one '#' heading: the section's title"
        )
    else:
        start, heading = headings[0]
        line = heading.map[0] + 1 if heading.map else 1
        anchor = str((heading.attrs or {}).get("id", ""))
        title_nodes = convert.nodes([body[start + 1]], line)
        title = "".join(n.text for node in title_nodes for n in node.walk()).strip()
        if not title:
            diags.error(path, line, "heading-empty", "the section's '#' heading is empty")
        body = body[:start] + body[start + 3 :]
    blocks = convert.nodes(body)

    notes: list[Note] = []
    convert.in_note = True
    for number, key in enumerate(refs.order, start=1):
        note_id = f"{section_id}-n{number}"
        if key in convert.cited:
            notes.append(generated_note(note_id, number, convert.cited[key], path, refs.lines[key]))
            continue
        if key.startswith("#inline-"):
            inline = env["footnotes"]["list"][int(key.removeprefix("#inline-"))]
            para = Node("paragraph", convert.nodes(inline["tokens"], refs.lines[key]), line=refs.lines[key])
            notes.append(Note(note_id, number, "", (para,), path, refs.lines[key]))
            continue
        note_def = defined.get(key)
        if note_def is None:  # markdown-it knew a note octavo did not take out of the text
            diags.error(path, refs.lines[key], "note-undefined", f"footnote [^{key}] is never defined")
            notes.append(Note(note_id, number, key, (), path, refs.lines[key]))
            continue
        note_blocks = convert.nodes(note_def.tokens, note_def.line)
        if not note_blocks:
            diags.error(path, note_def.line, "note-empty", f"footnote [^{key}] has no text")
        notes.append(Note(note_id, number, key, note_blocks, path, note_def.line))
    for label, definition in defined.items():
        if label not in refs.calls and label not in refs.in_notes:
            diags.error(
                path, definition.line, "note-unused", f"footnote [^{label}] is defined but never referenced"
            )

    if not blocks and title_nodes:
        diags.error(path, line, "section-empty", "the section has a title but no text")
    return Section(
        id=section_id,
        kind=entry.kind,
        title=title,
        title_nodes=title_nodes,
        blocks=blocks,
        notes=tuple(notes),
        file=path,
        line=line,
        anchor=anchor,
        short_title=entry.short_title,
        short_line=entry.short_line,
    )


#: Names octavo gives its own documents, ids and package items: a section never takes one.
RESERVED_IDS = frozenset(
    (
        "cover",
        "titlepage",
        "copyright",
        "nav",
        "ncx",
        "toc",
        "toc-title",
        "halftitle",
        "landmarks",
        "page-list",
    )
)
RESERVED_PREFIXES = ("cover-", "image-", "font-", "css-", "page-")


def _derived(ident: str, sections: set[str]) -> bool:
    """Whether ``ident`` is an id octavo derives from one of ``sections`` (linear in its length)."""
    return any(
        ident[:i] in sections and DERIVED_SUFFIX.fullmatch(ident, i)
        for i in range(1, len(ident))
        if ident[i] == "-"
    )


def section_ids(entries: tuple[ContentEntry, ...]) -> list[str]:
    """Unique XML ids from file names: 'introduction', 'chapter-1', …; one that does not start
    with a letter, or would be a name of octavo's own (``nav.md``, ``cover.md``…), starts with
    ``s-``. The id names the section's EPUB document too (``s-nav.xhtml``)."""
    ids: list[str] = []
    for entry in entries:
        base = slugify(entry.file.stem if entry.file is not None else entry.kind)
        if not base[0].isalpha() or base in RESERVED_IDS or base.startswith(RESERVED_PREFIXES):
            base = f"s-{base}"
        candidate, n = base, 2
        while candidate in ids or candidate in FIXED_IDS:
            candidate, n = f"{base}-{n}", n + 1
        ids.append(candidate)
    # An id octavo derives from another section's (``a`` gives ``a-title``, ``a-n1``, ``a-n1-call``,
    # ``a-notes-end``...) is no section's own: the section whose id is derived gets ``-s``.
    taken, renamed = set(ids), True  # a prefix is shorter than the id: none is derived from itself
    while renamed:  # a new name can make an id already seen derived: look again until none is
        renamed = False
        for i, ident in enumerate(ids):
            if _derived(ident, taken):
                taken.discard(ident)
                candidate, n = f"{ident}-s", 2
                while candidate in taken or _derived(candidate, taken):
                    candidate, n = f"{ident}-s{n}", n + 1
                ids[i], renamed = candidate, True
                taken.add(candidate)
    return ids


def parse_book(config: Config, diags: Diagnostics) -> Book | None:
    """Parse every file in reading order, citations rendered (``source/citations.py``) and a
    generated bibliography made; None if any file could not be read or a citation resolved."""
    sections: list[Section] = []
    ok = True
    root = config.root.resolve()
    processor, note_style = book_citer(config, diags)
    for entry, section_id in zip(config.contents, section_ids(config.contents), strict=True):
        if entry.file is None and entry.kind == "bibliography":  # made from the citations
            sections.append(
                Section(
                    section_id, entry.kind, entry.title, (), (), (), config.path, entry.line, generated=True
                )
            )
            continue
        if entry.file is None:  # a section octavo writes itself (the index)
            sections.append(generated_section(entry, section_id, config))
            continue
        path = config.root / entry.file
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError) as exc:  # a link loop (RuntimeError before Python 3.13)
            why = "a symbolic link that leads back to itself" if "loop" in str(exc).lower() else str(exc)
            diags.error(config.path, entry.line, "contents-missing", f"{entry.file} cannot be read: {why}")
            ok = False
            continue
        if entry.file.is_absolute() or not resolved.is_relative_to(root):
            diags.error(
                config.path,
                entry.line,
                "contents-outside",
                f"{entry.file} is outside the manuscript folder; octavo reads only the book's own files",
            )
            ok = False
            continue
        if not path.is_file():
            diags.error(
                config.path,
                entry.line,
                "contents-missing",
                f"{entry.file} is listed in contents but does not exist",
            )
            ok = False
            continue
        section = parse_section(entry, path, section_id, config.metadata.language, diags, note_style)
        if section is None:
            ok = False
        else:
            sections.append(captioned(section))
    if not ok:
        return None
    book = Book(metadata=config.metadata, sections=tuple(sections), root=config.root)
    cited = resolve_citations(book, processor, note_style, bool(config.bibliography), diags)
    if cited is None:
        return None
    return index_marks(resolve(cited, diags), diags)


def generated_section(entry: ContentEntry, section_id: str, config: Config) -> Section:
    """A section octavo writes from the rest of the book (``model.GENERATED_KINDS``): its title,
    and one block of its kind standing for what the renderers write there (``render/indexpage.py``).
    Its file is ``book.toml``, which names it."""
    title = entry.title or for_metadata(config.metadata)(entry.kind)  # else "Index" in its language
    return Section(
        id=section_id,
        kind=entry.kind,
        title=title,
        title_nodes=(Node("text", text=title, line=entry.line),),
        blocks=(Node(entry.kind, line=entry.line),),
        notes=(),
        file=config.path,
        line=entry.line,
        short_title=entry.short_title,
        short_line=entry.short_line,
    )
