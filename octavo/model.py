"""The intermediate representation: one immutable ``Book`` that feeds every writer.

A book is metadata plus sections in reading order. Each section holds a tree
of ``Node`` blocks parsed from its Markdown file and the notes it calls, each
with the file and line it came from. Writers receive a ``Book`` and never
read Markdown again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Section kinds by the part of the book they belong to.
FRONT_KINDS = ("foreword", "preface", "introduction", "note-on-text")
BODY_KINDS = ("chapter",)
BACK_KINDS = ("afterword", "appendix", "bibliography", "index")
SECTION_KINDS = FRONT_KINDS + BODY_KINDS + BACK_KINDS
#: Section kinds octavo writes itself, from the rest of the book: ``[[contents]]`` names no file.
GENERATED_KINDS = ("index",)

#: Node types that are blocks (the rest are inline).
BLOCK_TYPES = frozenset(
    {
        "paragraph",
        "heading",
        "blockquote",
        "bullet_list",
        "ordered_list",
        "list_item",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code_block",
        "hr",
        "index",  # a generated index's place in its section (``render/indexpage.py``)
    }
)

#: The class that makes a link a page reference, printed with its target's folio (Pandoc's
#: attribute syntax: ``[see p.](#id){.pageref}``; ``render/pagerefs.py``).
PAGEREF = "pageref"

#: Creator roles and their MARC relator codes (Library of Congress, MARC Code List for Relators:
#: ``win``, "writer of introduction", replaced ``aui``, which was withdrawn).
ROLES = {"author": "aut", "translator": "trl", "editor": "edt", "introduction": "win"}


@dataclass(frozen=True)
class Node:
    """One element of a section's document tree.

    ``type`` is a small closed vocabulary (paragraph, heading, blockquote,
    bullet_list, ordered_list, list_item, code_block, hr, table parts (a ``caption``
    first), text,
    em, strong, code, link, image, span, softbreak, hardbreak, noteref; and citation, which
    the parser makes and ``source/citations.py`` replaces before the Book is complete).
    ``attrs`` are sorted key/value pairs (a code_block's ``info`` is the first
    word of its fence's info string); ``text`` is the literal text of leaf nodes.
    """

    type: str
    children: tuple[Node, ...] = ()
    text: str = ""
    attrs: tuple[tuple[str, str], ...] = ()
    line: int = 0

    def attr(self, name: str, default: str = "") -> str:
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    def walk(self) -> Iterator[Node]:
        """Every node of the subtree, depth first, without recursion."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(frozen=True)
class Note:
    """A footnote: its number within the section and its content blocks."""

    id: str
    number: int
    label: str
    blocks: tuple[Node, ...]
    file: Path
    line: int

    @property
    def call_id(self) -> str:
        return f"{self.id}-call"


@dataclass(frozen=True)
class Section:
    """A file of the manuscript: its kind, title and content."""

    id: str
    kind: str
    title: str
    title_nodes: tuple[Node, ...]
    blocks: tuple[Node, ...]
    notes: tuple[Note, ...]
    file: Path
    line: int
    lang: str = ""
    #: The author's ``{#id}`` on the title (``# One {#one}``): a link to it leads to the section.
    anchor: str = ""
    #: Made by octavo, not read from a file (a bibliography of the works cited); ``file`` and
    #: ``line`` are then its ``[[contents]]`` entry's in book.toml.
    generated: bool = False
    #: Its running head in print when the title is too long for one (``[[contents]] short_title``
    #: in book.toml) and the line of book.toml that gives it (0: none).
    short_title: str = ""
    short_line: int = 0

    @property
    def all_blocks(self) -> tuple[Node, ...]:
        """The section's blocks, then its notes' blocks, in order: every block of its text."""
        return self.blocks + tuple(b for n in self.notes for b in n.blocks)

    @property
    def part(self) -> str:
        """frontmatter, bodymatter or backmatter."""
        if self.kind in FRONT_KINDS:
            return "frontmatter"
        if self.kind in BACK_KINDS:
            return "backmatter"
        return "bodymatter"


@dataclass(frozen=True)
class Creator:
    name: str
    role: str
    file_as: str = ""

    @property
    def marc(self) -> str:
        return ROLES[self.role]


@dataclass(frozen=True)
class Metadata:
    """Everything about the book that is not its text."""

    title: str
    language: str
    identifier: str
    creators: tuple[Creator, ...]
    subtitle: str = ""
    #: The verso running head in print when ``title`` is too long for one (book.toml's
    #: ``short_title``); the lines of book.toml ``title`` and ``short_title`` are on (0: unknown).
    short_title: str = ""
    title_line: int = 0
    short_title_line: int = 0
    date: str = ""
    publisher: str = ""
    rights: str = ""
    description: str = ""
    source: str = ""
    edition: str = ""
    slug: str = ""
    copyright: str | None = None  # who holds the copyright; None: the authors; "": no notice
    #: ``[strings]`` of book.toml: key -> text, or -> ((plural category, text), ...) (octavo.strings)
    strings: tuple[tuple[str, str | tuple[tuple[str, str], ...]], ...] = ()
    epub_isbn: str = ""  # the ebook's ISBN-13 (13 digits), ``[epub] isbn``
    print_isbn: str = ""  # the paperback's, ``[print] isbn``

    def by_role(self, role: str) -> tuple[Creator, ...]:
        return tuple(c for c in self.creators if c.role == role)

    @property
    def copyright_notice(self) -> str:
        """The copyright page's notice, "© 2026 Ada Writer": the symbol, the year of publication
        (``date``'s, when given) and the owner (U.S. Copyright Office, Circular 3, "Copyright
        Notice"). The owner is ``copyright``, or by default the authors. No notice ("") when
        ``copyright`` is empty (a text in the public domain), when there is no author to name,
        or when ``rights`` is a notice already (it starts with © or "Copyright", as ``octavo
        new`` wrote it before the ``copyright`` key)."""
        holder = ", ".join(c.name for c in self.authors) if self.copyright is None else self.copyright
        if self.copyright is None and self.rights.lstrip().casefold().startswith(("©", "copyright")):
            return ""
        if not holder:
            return ""
        return " ".join(part for part in ("©", self.date[:4], holder) if part)

    @property
    def authors(self) -> tuple[Creator, ...]:
        return self.by_role("author")

    @property
    def isbn(self) -> str:
        """The work identifier's ISBN (13 digits) when it is ``urn:isbn:…``, else ""."""
        return self.identifier[9:] if self.identifier.startswith("urn:isbn:") else ""

    @property
    def package_identifier(self) -> str:
        """The EPUB's unique identifier: the ebook's ISBN as a URN when given, else the work's."""
        return f"urn:isbn:{self.epub_isbn}" if self.epub_isbn else self.identifier

    @property
    def print_identifier(self) -> str:
        """What names the print edition (the EPUB's ``pageBreakSource``): its ISBN as a URN when
        given, else the work's identifier."""
        return f"urn:isbn:{self.print_isbn}" if self.print_isbn else self.identifier


@dataclass(frozen=True)
class IndexMark:
    """A place the author marked for the index (``source/indexing.py``): the element ``id`` it
    stands at, its ``terms`` (entry, sub-entry...), and what it is: a ``locator`` (``range``:
    "start", "end" or ""), or a cross-reference ``see`` / ``see also`` to ``target`` terms."""

    id: str
    section: str
    terms: tuple[str, ...]
    kind: str = "locator"  # "locator", "see" or "see also"
    target: tuple[str, ...] = ()
    range: str = ""
    file: Path = Path()
    line: int = 0


@dataclass(frozen=True)
class Book:
    """The parsed manuscript: metadata and sections in reading order, and its index marks."""

    metadata: Metadata
    sections: tuple[Section, ...]
    root: Path
    index: tuple[IndexMark, ...] = ()

    @property
    def front(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.part == "frontmatter")

    @property
    def body(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.part != "frontmatter")

    def text_chars(self) -> set[str]:
        """Every character the book's text and metadata use (for glyph coverage)."""
        chars: set[str] = set()
        m = self.metadata
        for value in (
            m.title,
            m.subtitle,
            m.publisher,
            m.rights,
            m.copyright_notice,
            m.description,
            m.source,
        ):
            chars.update(value)
        for c in m.creators:
            chars.update(c.name)
        for section in self.sections:
            chars.update(section.title)
            for block in section.all_blocks:
                for node in block.walk():
                    chars.update(node.text)
        return chars
