"""The Jinja2 environment over ``styles/templates``, shared by every writer.

A styles folder is shared between presses: its templates are data, not
code. They run in Jinja2's ``ImmutableSandboxedEnvironment`` (no attribute
that starts with ``_``, no way to a function's globals, no mutation) and
see only plain values: the metadata (strings and tuples of them), the
sections as ``SectionView`` (id, kind, part, title, nodes) without their
file, the renderer as ``RendererView``, five methods and nothing of
the renderer behind them, and the book's words as ``t`` (``octavo.strings``:
``t("contents")``, ``t("translated-by", name=c.name)``, ``t.list(names)``).
No value they are given leads to a path, a file or a module. Templates
are loaded through ``gate``: a name that leads out of ``templates/``, by ``..`` or by a link, is not found.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict

from jinja2 import BaseLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2 import Environment as _Environment
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import select_autoescape
from markupsafe import Markup

from octavo.config.isbn import isbn_lines
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Metadata, Node, Section
from octavo.source import gate
from octavo.strings import Strings, for_metadata

if TYPE_CHECKING:
    from octavo.render.html import HtmlRenderer

EPUB_TYPES = {
    "foreword": "foreword",
    "preface": "preface",
    "introduction": "introduction",
    "chapter": "chapter",
    "afterword": "afterword",
    "appendix": "appendix",
    "bibliography": "bibliography",
    "index": "index",
}
ARIA_ROLES = {
    "foreword": "doc-foreword",
    "preface": "doc-preface",
    "introduction": "doc-introduction",
    "chapter": "doc-chapter",
    "afterword": "doc-afterword",
    "appendix": "doc-appendix",
    "bibliography": "doc-bibliography",
    "index": "doc-index",
}


class GateLoader(BaseLoader):
    """Templates from one folder, read through the gate: nothing outside it, even by a link."""

    def __init__(self, root: Path):
        self.root = root

    def get_source(self, environment: _Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses '..'
        shown = self.root.joinpath(*pieces)
        try:
            data = gate.read(self.root, "/".join(pieces))
        except gate.Refused:
            raise TemplateNotFound(template) from None
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateNotFound(f"{template} (not UTF-8: {exc})") from None
        mtime = _mtime(shown)
        return source, str(shown), lambda: _mtime(shown) == mtime

    def list_templates(self) -> list[str]:
        return sorted(n.removeprefix("templates/") for n in gate.styles_files(self.root.parent))


def _mtime(path: Path) -> float:
    try:
        return os.path.getmtime(path)
    except OSError:
        return -1.0


def environment(templates: Path) -> ImmutableSandboxedEnvironment:
    """A sandboxed, strict, autoescaping environment: a missing variable is an error, not a blank."""
    env = ImmutableSandboxedEnvironment(
        loader=GateLoader(templates),
        autoescape=select_autoescape(["html", "xhtml", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["epub_type"] = lambda kind: EPUB_TYPES.get(kind, "")
    env.filters["aria_role"] = lambda kind: ARIA_ROLES.get(kind, "")
    return env


# -- what the templates see ---------------------------------------------------------------------


@dataclass(frozen=True)
class SectionView:
    """A section as the templates see it: no file, only its words and nodes."""

    id: str
    kind: str
    part: str
    title: str
    title_nodes: tuple[Node, ...]
    blocks: tuple[Node, ...]
    lang: str = ""


@dataclass(frozen=True)
class BookView:
    """The book as the templates see it: its metadata and sections in reading order."""

    metadata: Metadata
    sections: tuple[SectionView, ...]

    @property
    def front(self) -> tuple[SectionView, ...]:
        return tuple(s for s in self.sections if s.part == "frontmatter")

    @property
    def body(self) -> tuple[SectionView, ...]:
        return tuple(s for s in self.sections if s.part != "frontmatter")


def section_view(section: Section) -> SectionView:
    return SectionView(
        section.id,
        section.kind,
        section.part,
        section.title,
        section.title_nodes,
        section.blocks,
        section.lang,
    )


class RendererView:
    """The renderer's five entry points, and nothing else of it, for the templates."""

    __slots__ = ("_renderer", "_sections")

    def __init__(self, renderer: HtmlRenderer, sections: dict[str, Section]):
        self._renderer = renderer
        self._sections = sections

    def _section(self, section: SectionView) -> Section:
        return self._sections[section.id]

    def blocks(self, nodes: tuple[Node, ...], opening: bool = False) -> Markup:
        return self._renderer.blocks(nodes, opening=bool(opening))

    def inline(self, nodes: tuple[Node, ...]) -> Markup:
        return self._renderer.inline(nodes)

    def title(self, section: SectionView) -> Markup:
        return self._renderer.title(self._section(section))

    def notes(self, section: SectionView) -> Markup:
        return self._renderer.notes(self._section(section))

    def marks(self, part: str) -> Markup:
        return self._renderer.marks(str(part))


class TemplateValues(TypedDict):
    """The values every template may use."""

    book: BookView
    meta: Metadata
    t: Strings
    isbns: tuple[str, ...]  # the copyright page's ISBN lines (``config.isbn.isbn_lines``)
    r: NotRequired[RendererView]


def template_values(book: Book, renderer: HtmlRenderer | None = None) -> TemplateValues:
    """``book``, ``meta``, ``t``, ``isbns`` and (with a renderer) ``r``: the values every template may use."""
    values: TemplateValues = {
        "book": BookView(book.metadata, tuple(section_view(s) for s in book.sections)),
        "meta": book.metadata,
        "t": for_metadata(book.metadata),
        "isbns": isbn_lines(book.metadata),
    }
    if renderer is not None:
        values["r"] = RendererView(renderer, {s.id: s for s in book.sections})
    return values


def template_problem(exc: TemplateError, templates: Path, diags: Diagnostics) -> None:
    """A template that does not render, named by file and line where Jinja2 knows them."""
    where, line = templates, 0
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        where, line = Path(exc.filename), exc.lineno
    else:  # Jinja2 puts template frames, with template lines, into the traceback
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            path = Path(frame.f_code.co_filename)
            if path.is_relative_to(templates):
                where, line = path, lineno
    message = exc.message or type(exc).__name__
    if isinstance(exc, TemplateNotFound):
        message = f"template {exc.name!r} not found in the styles folder's templates/ (or outside it)"
    diags.error(where, line, "template-error", message)
