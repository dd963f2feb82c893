"""The EPUB work that needs no print layout, done beside it in a forked process.

WeasyPrint's layout keeps one core busy for most of a build. Just before it
starts, the build forks a child, where a fork is safe (POSIX, and no other
thread in the process). The child does the EPUB work that does not depend
on the layout — rendering the documents to learn their characters and
subsetting the fonts to them — leaves the subsets in a temporary file (a
pipe would hold the child until the parent reads it) and exits, long
before the layout ends. The EPUB is then finished in process
as soon as the page map exists, before the PDFs are written, so that its
memory is free again for them (the tagged archive PDF is the build's
peak). Where no fork is possible, the same work is done in process; the
EPUB is byte for byte the same either way.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
import threading
from datetime import datetime

from octavo.build.cache import CachedLayout
from octavo.config.book import Config
from octavo.config.printspec import estimate_pages
from octavo.layout.cover import cover_pdf, geometry
from octavo.layout.pagemap import PageStart
from octavo.model import Book
from octavo.source.styles import Styles
from octavo.writers.epub import FontSubsets, build_epub, prepare_fonts
from octavo.writers.epub_assets import cover_picture


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class EpubJob:
    """``start`` before the layout; ``epub`` once the print facts are known."""

    def __init__(self, book: Book, styles: Styles, stamp: datetime, config: Config) -> None:
        self.book, self.styles, self.stamp, self.config = book, styles, stamp, config
        self.pid = 0
        self._handoff = ""

    def start(self, close_fds: tuple[int, ...] = ()) -> EpubJob:
        """Fork the child, if that is safe here; ``close_fds`` are the parent's (its lock)."""
        if not can_fork():
            return self
        fd, self._handoff = tempfile.mkstemp(prefix="octavo-fonts-")
        os.close(fd)
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            self._child(close_fds)
        return self

    def _child(self, close_fds: tuple[int, ...]) -> None:
        status = 0
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills us if needed
            for fd in close_fds:
                os.close(fd)
            data = pickle.dumps(prepare_fonts(self.book, self.styles), protocol=pickle.HIGHEST_PROTOCOL)
            with open(self._handoff, "wb") as handoff:
                handoff.write(data)
        except BaseException:
            status = 1  # the parent does the work itself
        finally:
            os._exit(status)

    def _fonts(self) -> FontSubsets | None:
        """The child's font subsets, or None if there is no child or it failed."""
        if not self.pid:
            return None
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            with open(self._handoff, "rb") as handoff:
                fonts = pickle.loads(handoff.read()) if status == 0 else None
        except (OSError, pickle.UnpicklingError, EOFError):
            fonts = None
        finally:
            self._discard()
        return fonts if isinstance(fonts, FontSubsets) else None

    def _discard(self) -> None:
        if self._handoff:
            os.unlink(self._handoff)
            self._handoff = ""

    def epub(self, printed: CachedLayout | None) -> bytes:
        """The EPUB's bytes, with the page map and cover of the print layout.

        Without a print page-list (``[epub] page_list = false``) no layout is
        needed: the cover picture is then drawn from a cover sized for the
        estimated page count (the front panel does not depend on it), the
        same whether or not the print files are built too.
        """
        folios = printed.folios if printed is not None else None
        if self.config.epub.page_list and printed is not None:
            pages, cover = printed.pages, printed.products["cover"]
            starts: list[PageStart] | None = [PageStart(*s) for s in printed.starts]
        else:
            pages = estimate_pages(self.book, self.config.print)
            iso = self.stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
            cover, starts = cover_pdf(self.book, self.styles, self.config.print, pages, iso), None
        picture = cover_picture(cover, geometry(self.config.print, pages))
        fonts = self._fonts()
        return build_epub(
            self.book, self.styles, self.stamp, starts, self.config.epub, picture, fonts, folios
        )

    def cancel(self) -> None:
        """Stop the child if it is still there (the build failed or was interrupted)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0
        self._discard()


__all__ = ["EpubJob", "can_fork"]
