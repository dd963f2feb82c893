"""The EPUB built beside the print layout, in a forked process.

WeasyPrint's layout keeps one core busy for most of a build. Just before it
starts, the build forks a child, where a fork is safe (POSIX, and no other
thread in the process). The child does the EPUB work that needs no layout —
rendering the documents to learn their characters, subsetting the fonts —
then waits for the page map and the cover; it finishes the EPUB while the
parent writes the PDFs, and sends the bytes back through a pipe.

Where no fork is possible, the same functions run in process when the page
map is known, so the EPUB is byte for byte the same either way. The child
was forked before the layout, so it holds none of it in memory.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from dataclasses import dataclass
from datetime import datetime

from .config import Config
from .diagnostics import ManuscriptError
from .model import Book
from .pagemap import PageStart
from .styles import Styles
from .writers.cover import geometry
from .writers.epub import FontSubsets, build_epub, prepare_fonts
from .writers.epub_assets import cover_picture


@dataclass(frozen=True)
class PrintFacts:
    """What the EPUB takes from the print layout."""

    pages: int
    starts: list[tuple[int, str, str, int]]
    cover: bytes


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def _send(fd: int, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(len(data).to_bytes(8, "big") + data)


def _receive(fd: int) -> object | None:
    """The message on the pipe, or None if the other end closed without one."""
    with os.fdopen(fd, "rb") as pipe:
        size = pipe.read(8)
        if len(size) < 8:
            return None
        data = pipe.read(int.from_bytes(size, "big"))
    return pickle.loads(data)


class EpubJob:
    """``start`` before the layout, ``send`` the print facts after it, then ``result``."""

    def __init__(self, book: Book, styles: Styles, stamp: datetime, config: Config) -> None:
        self.book, self.styles, self.stamp, self.config = book, styles, stamp, config
        self.pid = 0
        self.facts: PrintFacts | None = None

    def epub(self, facts: PrintFacts, fonts: FontSubsets | None = None) -> bytes:
        picture = cover_picture(facts.cover, geometry(self.config.print, facts.pages))
        starts = [PageStart(*s) for s in facts.starts]
        return build_epub(self.book, self.styles, self.stamp, starts, self.config.epub, picture, fonts)

    def start(self, close_fds: tuple[int, ...] = ()) -> EpubJob:
        """Fork the child, if that is safe here; ``close_fds`` are the parent's (its lock)."""
        if not can_fork():
            return self
        facts_read, self._facts_write = os.pipe()
        self._result_read, result_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(self._facts_write)
            os.close(self._result_read)
            self._child(facts_read, result_write, close_fds)
        os.close(facts_read)
        os.close(result_write)
        return self

    def _child(self, facts_read: int, result_write: int, close_fds: tuple[int, ...]) -> None:
        status = 0
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills us if needed
            for fd in close_fds:
                os.close(fd)
            fonts = prepare_fonts(self.book, self.styles)
            facts = _receive(facts_read)
            if isinstance(facts, PrintFacts):
                try:
                    message: tuple = ("epub", self.epub(facts, fonts))
                except ManuscriptError as exc:
                    message = ("diagnostics", exc.diagnostics)
                except Exception as exc:
                    message = ("error", f"{type(exc).__name__}: {exc}")
                _send(result_write, message)
        except BaseException:
            status = 1
        finally:
            os._exit(status)

    def send(self, facts: PrintFacts) -> None:
        """Hand the child the page map and cover; without a child, keep them for ``result``."""
        self.facts = facts
        if self.pid:
            _send(self._facts_write, facts)
            self._facts_write = -1

    def result(self) -> bytes:
        """The EPUB's bytes (from the child, or made here); raise what making it raised."""
        if self.facts is None:
            raise RuntimeError("EpubJob.result() before send()")
        if not self.pid:
            return self.epub(self.facts)
        message = _receive(self._result_read)
        self._result_read = -1
        os.waitpid(self.pid, 0)
        self.pid = 0
        if not isinstance(message, tuple):  # the child died: make the EPUB here instead
            return self.epub(self.facts)
        kind, payload = message
        if kind == "diagnostics":
            raise ManuscriptError(payload)
        if kind == "error":
            raise RuntimeError(f"EPUB writer: {payload}")
        return payload

    def cancel(self) -> None:
        """Stop the child (the build failed or was interrupted) and close the pipes."""
        for name in ("_facts_write", "_result_read"):
            fd = getattr(self, name, -1)
            if fd >= 0:
                os.close(fd)
                setattr(self, name, -1)
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0
