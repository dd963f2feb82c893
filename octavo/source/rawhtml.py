"""Raw HTML in Markdown, cut down to a documented safe subset and turned into nodes.

The subset is what a book's text needs and nothing that runs or fetches:

* inline: ``em``/``i``, ``strong``/``b``, ``sup``, ``sub``, ``small``, ``span``,
  ``abbr``, ``cite``, ``br``;
* blocks (an HTML block on its own lines): those, plus ``p``, ``blockquote``,
  ``ul``, ``ol``, ``li``;
* attributes: ``lang``, ``title``, ``class``, ``dir`` only.

Everything else is removed: ``script``, ``style``, ``iframe``, ``object``,
``embed``, ``svg``, ``math``, ``template`` and ``noscript`` with their
content (a void or self-closing one, ``<embed src=x>`` or ``<svg/>``, has
none: it goes alone and the text after it stays); other tags (``img``,
``a``, ``link``, ``div``…) keep only their text; event handlers and URLs
go with them. Block HTML is cleaned by nh3 (the Ammonia sanitiser) and
parsed by lxml; inline tags are matched one by one.
Whatever the input, the result is ``Node`` trees, which render as
well-formed XHTML. Each removal is reported as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
import nh3

from octavo.model import Node

INLINE = {
    "em": "em",
    "i": "em",
    "strong": "strong",
    "b": "strong",
    "sup": "sup",
    "sub": "sub",
    "small": "small",
    "span": "span",
    "abbr": "abbr",
    "cite": "cite",
}
BLOCK = {
    **INLINE,
    "p": "paragraph",
    "blockquote": "blockquote",
    "ul": "bullet_list",
    "ol": "ordered_list",
    "li": "list_item",
}
ATTRS = frozenset({"lang", "title", "class", "dir"})
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript"}
)
#: Elements that never have content in HTML: ``<embed src=x>`` ends where it stands.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track"}
    | {"wbr"}
)
# Every pattern below is linear in its input: no quantifier that can give back
# what it took to try again (possessive ``*+``, and an attribute name starts
# only where a name cannot already have started).
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)([\s/][^<>]*+)?>", re.S)
ATTR = re.compile(r"""(?<![-\w:.])([A-Za-z_:][-\w:.]*+)\s*+=\s*+("[^"]*+"|'[^']*+'|[^\s"'=<>`]++)""")
#: A self-closing tag of an element removed with its content: an HTML parser
#: ignores the ``/`` and would take the rest of the block as its content.
SELF_CLOSED_DROPPED = re.compile(
    r"<(?:" + "|".join(sorted(DROPPED_WITH_CONTENT)) + r")(?![A-Za-z0-9-])[^<>]*+(?<=/)>", re.I
)
MAX_DEPTH = 40

Warn = Callable[[int, str], None]


def parse_tag(html: str) -> tuple[bool, str, tuple[tuple[str, str], ...], bool] | None:
    """(closing, tag name, safe attributes, empty) of one inline tag, or None if it is not a plain tag.

    ``empty`` is true for a tag that has no content: a void element or one
    written self-closing (``<svg/>``).
    """
    match = TAG.fullmatch(html.strip())
    if not match:
        return None
    closing, name, rest = match.groups()
    rest = (rest or "").rstrip()
    attrs = tuple(
        sorted((key.lower(), value.strip("\"'")) for key, value in ATTR.findall(rest) if key.lower() in ATTRS)
    )
    name = name.lower()
    return bool(closing), name, attrs, name in VOID or rest.endswith("/")


def block_nodes(html: str, line: int, warn: Warn) -> list[Node]:
    """Nodes for an HTML block, after cleaning it down to the safe subset."""
    cleaned = nh3.clean(
        SELF_CLOSED_DROPPED.sub("", html),
        tags=set(BLOCK) | {"br"},
        attributes={"*": set(ATTRS)},
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    if _normalise(cleaned) != _normalise(html):
        warn(line, "raw HTML was cut down to octavo's safe subset (see the README)")
    if not cleaned.strip():
        return []
    root = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    children = _convert_children(root, line, 0, warn)
    # Loose inline content at the top becomes a paragraph.
    blocks: list[Node] = []
    loose: list[Node] = []
    for node in children:
        if node.type in ("paragraph", "blockquote", "bullet_list", "ordered_list"):
            if loose:
                blocks.append(Node("paragraph", tuple(loose), line=line))
                loose = []
            blocks.append(node)
        elif not (node.type == "text" and not node.text.strip() and not loose):
            loose.append(node)
    if any(n.type != "text" or n.text.strip() for n in loose):
        blocks.append(Node("paragraph", tuple(loose), line=line))
    return blocks


def _normalise(html: str) -> str:
    return re.sub(r"\s+", " ", html.replace('"', "'")).strip().lower()


def _convert_children(element: lxml.html.HtmlElement, line: int, depth: int, warn: Warn) -> list[Node]:
    out: list[Node] = []
    if element.text:
        out.append(Node("text", text=element.text, line=line))
    for child in element:
        if not isinstance(child.tag, str):
            continue
        out.extend(_convert(child, line, depth + 1, warn))
        if child.tail:
            out.append(Node("text", text=child.tail, line=line))
    return out


def _convert(element: lxml.html.HtmlElement, line: int, depth: int, warn: Warn) -> list[Node]:
    assert isinstance(element.tag, str)  # the caller skips comments and processing instructions
    tag = element.tag.lower()
    if tag == "br":
        return [Node("hardbreak", line=line)]
    if depth > MAX_DEPTH:
        warn(line, f"raw HTML nested more than {MAX_DEPTH} deep was flattened to its text")
        return [Node("text", text=element.text_content(), line=line)]
    attrs = tuple(sorted((k, v) for k, v in element.attrib.items() if k in ATTRS))
    children = tuple(_convert_children(element, line, depth, warn))
    kind = BLOCK.get(tag)
    if kind is None:
        return list(children)
    return [Node(kind, children, attrs=attrs, line=line)]
