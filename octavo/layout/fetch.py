"""A URL fetcher that serves only files inside the book's allowed folders.

WeasyPrint (and anything else that resolves URLs) gets this fetcher: it never
touches the network and reads only through ``gate``, so it refuses any file
outside the manuscript and styles folders once links are resolved (and
anything not a regular file), recording each refusal so the build can
report it. WeasyPrint does
not tell the fetcher who asked; a ``url()`` or ``@import`` in a stylesheet of
the styles folder can still be found again, since it resolves against the
stylesheet's own address, so the report names that file and line.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import tinycss2
from tinycss2.ast import (
    AtKeywordToken,
    CurlyBracketsBlock,
    FunctionBlock,
    Node,
    ParenthesesBlock,
    SquareBracketsBlock,
    StringToken,
    URLToken,
)
from weasyprint.urls import URLFetcher, URLFetcherResponse, url_join

from octavo.diagnostics import Diagnostics
from octavo.source import gate

WHY = "octavo reads nothing from the network or from outside the manuscript and styles folders"


class FetchRefused(ValueError):
    """A URL outside the book was asked for."""


class GatedResponse(URLFetcherResponse):  # type: ignore[misc]  # weasyprint ships no types
    """A response whose bytes were read through the gate, naming no file: WeasyPrint 70 keeps a
    picture fetched from a ``file:`` URL as that path and reads the file again when it writes the
    PDF (``images.LazyLocalImage``), after the gate, where a file swapped in the meantime (a link
    out of the manuscript) would be read. Without a path it keeps the bytes the gate gave."""

    @property
    def path(self) -> None:
        return None


class SafeFetcher(URLFetcher):  # type: ignore[misc]  # URLFetcher is untyped: weasyprint ships no types
    """Serve ``file:`` URLs under ``roots``; refuse everything else."""

    def __init__(self, roots: list[Path], replaced: dict[Path, tuple[bytes, str]] | None = None):
        """``replaced``: file -> (bytes, media type) served in its place (a picture converted to
        PNG, read through the gate beforehand)."""
        super().__init__(allowed_protocols=("file",))
        self.roots = [r.resolve() for r in roots]
        self.replaced = replaced or {}
        self.refused: list[str] = []

    def allowed(self, path: Path) -> bool:
        return self._read(path) is not None

    def _read(self, path: Path) -> bytes | None:
        """The file's bytes, through the gate of the first root that holds it; None if none does."""
        for root in self.roots:
            try:
                return gate.read(root, path)
            except gate.Refused:
                continue
        return None

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            self.refused.append(url)
            raise FetchRefused(f"refused to fetch {url}: only files of the book are read")
        path = Path(unquote(parts.path))
        data: bytes | None
        if path in self.replaced:  # not a file: URL, or WeasyPrint would read the file itself
            data, media = self.replaced[path]
            return URLFetcherResponse(f"octavo-converted:{url}", data, {"Content-Type": media}, 200)
        data = self._read(path) if path.is_absolute() else None
        if data is None:
            self.refused.append(url)
            raise FetchRefused(f"refused to read {path}: outside the manuscript and styles folders")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return GatedResponse(url, data, {"Content-Type": mime}, 200)


def _css_urls(tokens: Iterable[Node]) -> Iterator[tuple[str, int]]:
    """Each URL a stylesheet asks for (``url()``, ``@import "…"``) with its line."""
    after_import = False
    for token in tokens:
        kind = token.type
        if isinstance(token, URLToken):
            yield token.value, token.source_line
        elif isinstance(token, FunctionBlock) and token.lower_name == "url":
            yield from ((t.value, t.source_line) for t in token.arguments if isinstance(t, StringToken))
        elif isinstance(token, StringToken) and after_import:
            yield token.value, token.source_line
        if isinstance(token, FunctionBlock):
            yield from _css_urls(token.arguments)
        elif isinstance(token, ParenthesesBlock | SquareBracketsBlock | CurlyBracketsBlock):
            yield from _css_urls(token.content)
        if kind not in ("whitespace", "comment"):
            after_import = isinstance(token, AtKeywordToken) and token.lower_value == "import"


def css_references(styles_root: Path) -> dict[str, list[tuple[Path, int]]]:
    """URL (resolved as WeasyPrint resolves it) -> the stylesheets and lines that ask for it."""
    refs: dict[str, list[tuple[Path, int]]] = {}
    for name in gate.styles_files(styles_root):
        if not name.endswith(".css"):
            continue
        css = styles_root / name
        try:
            text = gate.read(styles_root, css).decode("utf-8")
        except (gate.Refused, UnicodeDecodeError):
            continue
        base = css.resolve().as_uri()
        for url, line in _css_urls(tinycss2.parse_component_value_list(text)):
            resolved = url_join(base, url.strip(), False, css.name)
            if resolved:
                refs.setdefault(unquote(resolved), []).append((css, line))
    return refs


def report_refused(refused: Iterable[str], book_root: Path, styles_root: Path, diags: Diagnostics) -> None:
    """One fetch-refused per refused URL, at the stylesheet line that asked when it can be told."""
    refused = list(dict.fromkeys(refused))
    refs = css_references(styles_root) if refused else {}
    for url in refused:
        places = refs.get(unquote(url))
        if places:
            for css, line in places:
                diags.error(css, line, "fetch-refused", f"refused to load {url}: {WHY}")
        else:
            diags.error(
                book_root,
                0,
                "fetch-refused",
                f"refused to load {url}, asked for by the styles or the manuscript: {WHY}",
            )
