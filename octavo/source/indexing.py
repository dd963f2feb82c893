"""The index marks of the text: ``[Stalin]{.index}`` and the attributes that say more.

The syntax (issue 18; attributes as Pandoc writes them, on a span or a block):

- ``[Stalin]{.index}``: an entry, the span's text;
  ``[the Leader]{index="Stalin, Joseph"}``: an entry given apart from the text;
- ``!`` parts an entry from its sub-entry (and sub-sub-entry):
  ``index="Stalin, Joseph!and collectivization"``;
- ``index-see="Djugashvili, see Stalin"`` (or ``…, see also …``): a cross-reference
  from the first entry to the second, with no page; ``index-see="Stalin"`` alone
  refers the span's own entry (its ``index`` or its text) to Stalin;
- ``{index="…" index-range=start}`` … ``{index-range=end}``: the pages from the
  first mark to the second (an end with no ``index`` closes the range opened last).

Each mark that gives a page gets an id (``ix-N``, unless it has one), which the
layout finds on its page and the EPUB's index links to. Problems are errors at
the mark's line: an empty entry (``index-term``), an ``index-range`` that is
neither start nor end, or that is never closed or closes nothing (``index-range``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from octavo.diagnostics import Diagnostics
from octavo.model import Book, IndexMark, Node, Section
from octavo.strings import strings

#: The attributes of an index mark (kept by the parser beside id, class, lang, dir, title).
INDEX_ATTRS = frozenset({"index", "index-see", "index-range"})
#: ``A, see B`` or ``A, see also B`` in an ``index-see`` value (Chicago 16.15: "See" and "See also").
SEE = re.compile(r"^(.*?),\s*(see also|see)\b\s*(.*)$", re.S | re.I)
#: The ids octavo gives marks (``source/resolve.py`` keeps them from the author).
MARK_ID = "ix-{}"


def terms(value: str) -> tuple[str, ...]:
    """An entry's levels: ``"Stalin, Joseph!and collectivization"`` -> ("Stalin, Joseph",
    "and collectivization"); spaces made single, empty levels kept (as "") for the caller to refuse."""
    return tuple(" ".join(part.split()) for part in value.split("!"))


def _text(node: Node) -> str:
    return " ".join("".join(n.text for n in node.walk() if n.type in ("text", "code")).split())


def _is_mark(node: Node) -> bool:
    """A node marked ``.index`` or with one of ``INDEX_ATTRS`` (even empty: ``index=""`` is an
    empty entry, reported)."""
    return "index" in node.attr("class").split() or any(key in INDEX_ATTRS for key, _ in node.attrs)


class _Marker:
    def __init__(self, diags: Diagnostics, see: re.Pattern[str] = SEE) -> None:
        self.diags = diags
        self.see = see  # "A, see B" in English or in the book's language
        self.marks: list[IndexMark] = []
        self.open: list[IndexMark] = []  # ranges started and not yet ended
        self.count = 0

    def error(self, section: Section, line: int, ident: str, message: str) -> None:
        self.diags.error(section.file, line, ident, message)

    def node(self, node: Node, section: Section) -> Node:
        children = tuple(self.node(child, section) for child in node.children)
        if children != node.children:
            node = replace(node, children=children)
        if not _is_mark(node):
            return node
        line = node.line or section.line
        given = any(key == "index" for key, _ in node.attrs)
        entry = terms(node.attr("index")) if given else (_text(node),)
        see = node.attr("index-see")
        if see:
            found = self.see.match(see)
            source, kind, target = (
                (terms(found.group(1)), _kind(found.group(2)), terms(found.group(3)))
                if found
                else (entry, "see", terms(see))
            )
            if not all(source) or not all(target):
                self.error(section, line, "index-term", f"index-see {see!r}: an entry or its target is empty")
                return node
            self.marks.append(IndexMark("", section.id, source, kind, target, file=section.file, line=line))
            return node
        span = node.attr("index-range")
        if span not in ("", "start", "end"):
            self.error(section, line, "index-range", f"index-range={span!r}: write index-range=start or end")
            return node
        if span == "end" and not given:  # closes the range opened last
            if not self.open:
                self.error(section, line, "index-range", "index-range=end closes no range: none is open")
                return node
            entry = self.open[-1].terms
        if not all(entry):
            what = f"index={node.attr('index')!r}" if given else "a span marked .index"
            self.error(section, line, "index-term", f"{what}: the entry (or a level of it) is empty")
            return node
        ident = node.attr("id")
        if not ident:
            self.count += 1
            ident = MARK_ID.format(self.count)
            node = replace(node, attrs=tuple(sorted((*node.attrs, ("id", ident)))))
        mark = IndexMark(ident, section.id, entry, range=span, file=section.file, line=line)
        if span == "start":
            self.open.append(mark)
        elif span == "end":
            opened = [m for m in self.open if m.terms == entry]
            if not opened:
                self.error(
                    section,
                    line,
                    "index-range",
                    f"index-range=end for {'!'.join(entry)!r}: no range of it is open",
                )
                return node
            self.open.remove(opened[-1])
        self.marks.append(mark)
        return node

    def section(self, section: Section) -> Section:
        def blocks(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
            return tuple(self.node(n, section) for n in nodes)

        titles, text = blocks(section.title_nodes), blocks(section.blocks)  # in reading order
        notes = tuple(replace(n, blocks=blocks(n.blocks)) for n in section.notes)
        return replace(section, title_nodes=titles, blocks=text, notes=notes)


def _kind(word: str) -> str:
    """ "see" or "see also" for the cross-reference word matched (English or the book's language)."""
    return "see also" if len(word.split()) > 1 else "see"


def see_pattern(language: str) -> re.Pattern[str]:
    """``SEE`` with the book language's words for See and See also beside the English ones
    (``octavo.strings``: "voir", "voir aussi"; "siehe", "siehe auch")."""
    words = strings(language)
    see, also = words("index-see").rstrip("."), words("index-see-also").rstrip(".")
    options = sorted(
        {"see also", "see", re.escape(also.lower()), re.escape(see.lower())}, key=len, reverse=True
    )
    return re.compile(rf"^(.*?),\s*({'|'.join(options)})(?!\w)\.?\s*(.*)$", re.S | re.I)


def index_marks(book: Book, diags: Diagnostics) -> Book:
    """The book with an id on each index mark that gives a page and its marks in ``Book.index``,
    in reading order (each section's text, then its notes); problems reported to ``diags``. An
    ``index-see`` is read in English or in the book's language ("Koba, voir Staline")."""
    marker = _Marker(diags, see_pattern(book.metadata.language))
    sections = tuple(marker.section(s) for s in book.sections)
    entries = {mark.terms[:n] for mark in marker.marks for n in range(1, len(mark.terms) + 1)}
    for mark in marker.marks:
        if mark.kind != "locator" and mark.target not in entries:
            diags.warning(
                mark.file,
                mark.line,
                "index-see-target",
                f"index-see sends the reader to {'!'.join(mark.target)!r}, which no mark of the book "
                "makes an entry: check its spelling (the index prints it as written)",
            )
    for mark in marker.open:
        diags.error(
            mark.file,
            mark.line,
            "index-range",
            f"index-range=start for {'!'.join(mark.terms)!r} is never ended",
        )
    return replace(book, sections=sections, index=tuple(marker.marks))
