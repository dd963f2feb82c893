"""One resolver for ids and links, run on the parsed ``Book`` before anything is written.

Ids. The author's ``{#id}`` ids (on spans, blocks, headings, a title) are
kept as written; each must be unique in the book (``id-duplicate``) and
must not be one octavo gives itself (``id-reserved``): a section's id (from
its file name), ``<section>-title``, a note's ``<section>-n<N>`` and its
``-call``/``-call-<K>``/``-cont-<K>`` ids, ``<section>-notes-end``,
``page-<label>``, an index mark's ``ix-<N>`` and the fixed ids of the templates (``titlepage``, ``toc``…).
Every other heading gets ``<section>-<slug>``, its text in lower-case ASCII
with hyphens, made unique (``-2``, ``-3``…) against every other id.

Links. ``two.md`` (relative to the linking file) leads to that section,
``two.md#x`` and ``#x`` to ``x`` in that file or this one: an author's id, or
a heading's slug as GitHub writes it (``## Methods`` is ``#methods``, a
second one ``#methods-1``); ``#x`` also to an author's id anywhere in the book.
A resolved link carries ``target`` (``section`` or ``section#id``), which
the EPUB writes as ``section.xhtml#id`` and the print HTML as ``#id``. A
relative or root-relative link that leads to nothing in the book is an
error (``link-unresolved``). An absolute URL is kept when its scheme is
registered (EPUBCheck's list of IANA schemes, less ``javascript``, ``file``
and ``data``) and, for ``http``, ``https`` and ``ftp``, it names a valid
host; otherwise it is a warning (``link-invalid``) and the link's text is
printed without the link.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from octavo.diagnostics import Diagnostics
from octavo.model import PAGEREF, Book, Node, Section

#: The URI schemes EPUBCheck accepts without HTM-025 (its ``URISchemes``: the IANA registry),
#: less those that run code or name a file on the reader's machine.
REGISTERED_SCHEMES = frozenset(
    """aaa aaas acap afs cap cid crid dav dict dns dtn fax ftp go gopher h323 http https iax icap
    im imap info ipp irc iris iris.beep iris.lwz iris.xpc iris.xpcs ldap mailserver mailto mid
    modem msrp msrps mtqp mupdate news nfs nntp opaquelocktoken pack pop pres prospero rtsp service
    shttp sip sips snews snmp soap.beep soap.beeps tag tel telnet tftp thismessage tip tn3270 tv urn
    vemmi videotex wais xmlrpc.beep xmlrpc.beeps xmpp z39.50r z39.50s""".split()  # noqa: SIM905
)
#: Schemes whose URLs must name a host (WHATWG's special schemes among the registered ones).
HOST_SCHEMES = frozenset({"http", "https", "ftp"})
#: Ids the templates write (title page, contents, navigation, cover).
FIXED_IDS = frozenset(
    {"halftitle", "titlepage", "copyright", "toc", "toc-title", "cover", "landmarks", "page-list"}
)
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
HOST_LABEL = re.compile(r"^[A-Za-z0-9_-]+$")


def heading_slug(text: str) -> str:
    """A heading's slug as GitHub writes it: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


#: What octavo appends to a section's id for the ids it derives: its title, its notes, their calls
#: and continued parts, the end of its notes.
DERIVED_SUFFIX = re.compile(r"-title|-notes-end|-n\d+(?:-call(?:-\d+)?|-cont-\d+)?")


def octavo_ids(section_ids: list[str]) -> Callable[[str], bool]:
    """Whether an id is one octavo gives (or may give) itself in a book of these sections."""
    names = "|".join(re.escape(s) for s in sorted(section_ids, key=len, reverse=True)) or "(?!)"
    pattern = re.compile(rf"page-.*|ix-(?:entry-)?\d+|(?:{names})(?:{DERIVED_SUFFIX.pattern})?", re.S)
    return lambda ident: ident in FIXED_IDS or pattern.fullmatch(ident) is not None


def url_problem(href: str, scheme: str) -> str:
    """Why an absolute URL is not one EPUBCheck accepts ('' if it is)."""
    if scheme not in REGISTERED_SCHEMES:
        return f"'{scheme}:' is not a registered URL scheme"
    rest = href[len(scheme) + 1 :]
    if not rest:
        return "nothing follows the scheme"
    if scheme not in HOST_SCHEMES:
        return ""
    if not rest.startswith("//"):
        return f"a {scheme} URL needs '//' and a host"
    try:
        parts = urlsplit(href)
        host = parts.hostname or ""
        parts.port  # noqa: B018 -- raises ValueError for a port that is not one
    except ValueError:
        return "its host or port is not valid"
    if not host:
        return "it names no host"
    if "[" in parts.netloc:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "its host is not a valid IPv6 address"
        return ""
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:  # a trailing dot is allowed
        labels.pop()
    if not all(HOST_LABEL.match(label) for label in labels):
        return f"'{host}' is not a valid host name"
    return ""


def _text(node: Node) -> str:
    return "".join(n.text for n in node.walk() if n.type in ("text", "code"))


class _Resolver:
    def __init__(self, book: Book, diags: Diagnostics):
        self.book = book
        self.diags = diags
        self.reserved = octavo_ids([s.id for s in book.sections])
        self.ids: dict[str, tuple[Section, int]] = {}  # author ids: where each stands
        self.anchors: dict[str, dict[str, str]] = {}  # section id -> name -> fragment ('' = the section)
        self.heading_ids: dict[int, str] = {}  # id(heading node) -> the id octavo gives it
        self.files = {s.file.resolve(): s for s in book.sections}

    def author_ids(self) -> None:
        for section in self.book.sections:
            if section.anchor:
                self.claim(section.anchor, section, section.line)
            for root in _roots(section):
                for node in root.walk():
                    if node.attr("id"):
                        self.claim(node.attr("id"), section, node.line)

    def claim(self, ident: str, section: Section, line: int) -> None:
        if self.reserved(ident):
            self.diags.error(
                section.file,
                line,
                "id-reserved",
                f"id '{ident}' is one octavo gives itself (to a section, a note, a page or the "
                "title page and contents): choose another",
            )
        elif ident in self.ids:
            first, first_line = self.ids[ident]
            self.diags.error(
                section.file,
                line,
                "id-duplicate",
                f"id '{ident}' is already given on {first.file.name}:{first_line}: ids must be "
                "unique in the book",
            )
        else:
            self.ids[ident] = (section, line)

    def headings(self) -> None:
        taken = set(self.ids)
        for section in self.book.sections:
            names: dict[str, str] = {}
            slugs: dict[str, int] = {}

            def slug_for(text: str, slugs: dict[str, int] = slugs) -> str:
                base = heading_slug(text)
                count = slugs.get(base, 0)
                slugs[base] = count + 1
                return base if count == 0 else f"{base}-{count}"

            for ident, (where, _) in self.ids.items():
                if where is section:
                    names[ident] = ident
            if section.anchor:
                names[section.anchor] = ""
            names.setdefault(slug_for(section.title), "")
            for block in section.blocks:
                for node in block.walk():
                    if node.type != "heading":
                        continue
                    ident = node.attr("id")
                    if not ident:
                        base = f"{section.id}-{ascii_slug(_text(node)) or 'h'}"
                        if self.reserved(f"{base}-2"):  # '## N1 call': base-2, base-3… are all reserved
                            base += "-h"
                        ident, n = base, 2
                        while ident in taken or self.reserved(ident):
                            ident, n = f"{base}-{n}", n + 1
                        taken.add(ident)
                        self.heading_ids[id(node)] = ident
                        names.setdefault(ident, ident)
                    names.setdefault(slug_for(_text(node)), ident)
            self.anchors[section.id] = names

    def target(self, href: str, section: Section) -> tuple[str, str]:
        """('target', 'section#id'), ('keep', ''), ('invalid', why) or ('unresolved', why)."""
        if not href:
            return "keep", ""
        if match := SCHEME.match(href):
            problem = url_problem(href, match.group(1).lower())
            return ("invalid", problem) if problem else ("keep", "")
        if href.startswith("//"):
            return "invalid", "a URL with no scheme (write https:)"
        path, _, fragment = href.partition("#")
        fragment = unquote(fragment)
        if not path:
            if not fragment:
                return "target", section.id
            if fragment in self.anchors[section.id]:
                found: str | None = self.anchors[section.id][fragment]
                return "target", f"{section.id}#{found}" if found else section.id
            if fragment in self.ids:
                owner = self.ids[fragment][0]
                if fragment == owner.anchor:  # the id on a section's title: the section
                    return "target", owner.id
                return "target", f"{owner.id}#{fragment}"
            return "unresolved", f"no heading or id '{fragment}' in {section.file.name} or the book"
        if path.startswith("/") or "?" in path:
            return "unresolved", "a link to a file must name a Markdown file of the book by a relative path"
        other = self.files.get((section.file.parent / unquote(path)).resolve())
        if other is None:
            return "unresolved", f"'{unquote(path)}' is not a file of the book's contents"
        if not fragment:
            return "target", other.id
        found = self.anchors[other.id].get(fragment)
        if found is None:
            return "unresolved", f"no heading or id '{fragment}' in {other.file.name}"
        return "target", f"{other.id}#{found}" if found else other.id

    def rewrite(self, node: Node, section: Section) -> Node:
        children = tuple(self.rewrite(child, section) for child in node.children)
        attrs = node.attrs
        kind = node.type
        if kind == "heading" and id(node) in self.heading_ids:
            attrs = tuple(sorted((*attrs, ("id", self.heading_ids[id(node)]))))
        elif kind == "link":
            href = node.attr("href")
            verdict, value = self.target(href, section)
            if verdict == "target":
                attrs = tuple(sorted((*attrs, ("target", value))))
            elif verdict == "keep" and PAGEREF in node.attr("class").split():
                self.diags.error(
                    section.file,
                    node.line,
                    "pageref-target",
                    f"page reference {href!r} leads out of the book: a page reference names a "
                    "heading, a section or an {#id} of the book (`[see p.](#id){.pageref}`)",
                )
            elif verdict != "keep":
                if verdict == "invalid":
                    self.diags.warning(
                        section.file,
                        node.line,
                        "link-invalid",
                        f"link {href!r}: {value}; its text is printed without the link",
                    )
                else:
                    self.diags.error(
                        section.file, node.line, "link-unresolved", f"link {href!r} leads nowhere: {value}"
                    )
                kind, attrs = "span", tuple(a for a in attrs if a[0] != "href")
        if children == node.children and attrs is node.attrs and kind == node.type:
            return node
        return Node(kind, children, node.text, attrs, node.line)

    def section(self, section: Section) -> Section:
        def nodes(blocks: tuple[Node, ...]) -> tuple[Node, ...]:
            return tuple(self.rewrite(block, section) for block in blocks)

        notes = tuple(replace(n, blocks=nodes(n.blocks)) for n in section.notes)
        return replace(
            section, title_nodes=nodes(section.title_nodes), blocks=nodes(section.blocks), notes=notes
        )


def _roots(section: Section) -> list[Node]:
    return [*section.title_nodes, *section.all_blocks]


def resolve(book: Book, diags: Diagnostics) -> Book:
    """The book with every heading's id and every link's target; problems reported to ``diags``."""
    resolver = _Resolver(book, diags)
    resolver.author_ids()
    resolver.headings()
    return replace(book, sections=tuple(resolver.section(s) for s in book.sections))
