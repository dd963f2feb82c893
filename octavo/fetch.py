"""A URL fetcher that serves only files inside the book's allowed folders.

WeasyPrint (and anything else that resolves URLs) gets this fetcher: it never
touches the network and refuses any file outside the manuscript and styles
folders, recording each refusal so the build can report it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class FetchRefused(ValueError):
    """A URL outside the book was asked for."""


class SafeFetcher(URLFetcher):
    """Serve ``file:`` URLs under ``roots``; refuse everything else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols=("file",))
        self.roots = [r.resolve() for r in roots]
        self.refused: list[str] = []

    def allowed(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            self.refused.append(url)
            raise FetchRefused(f"refused to fetch {url}: only files of the book are read")
        path = Path(unquote(parts.path))
        if not self.allowed(path) or not path.is_file():
            self.refused.append(url)
            raise FetchRefused(f"refused to read {path}: outside the manuscript and styles folders")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime}, 200)
