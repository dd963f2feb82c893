"""The Jinja2 environment over ``styles/templates``, shared by every writer."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

EPUB_TYPES = {
    "foreword": "foreword",
    "preface": "preface",
    "introduction": "introduction",
    "chapter": "chapter",
    "afterword": "afterword",
    "appendix": "appendix",
    "bibliography": "bibliography",
}
ARIA_ROLES = {
    "foreword": "doc-foreword",
    "preface": "doc-preface",
    "introduction": "doc-introduction",
    "chapter": "doc-chapter",
    "afterword": "doc-afterword",
    "appendix": "doc-appendix",
    "bibliography": "doc-bibliography",
}


def environment(templates: Path) -> Environment:
    """A strict, autoescaping environment: a missing variable is an error, not a blank."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "xhtml", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["epub_type"] = lambda kind: EPUB_TYPES.get(kind, "")
    env.filters["aria_role"] = lambda kind: ARIA_ROLES.get(kind, "")
    return env
