"""The one gate for every file a build reads from the manuscript or the styles.

A reference — a picture's ``src``, a listed chapter, a template's name, a
stylesheet, a font — is resolved once, every link followed, and must then
lie inside its folder; it is opened only then, only as a regular file (a
folder, a pipe or a device is not one), and read in chunks. A ``src`` is a
URL reference: it is percent-decoded once, and a scheme (``file:``,
``http:``, ``data:``…) or an absolute path is refused, before and after
decoding, so neither encoding nor a ``file:`` URL gets round the check.

The same module says which files a book uses — ``book.toml``, the Markdown
files its ``contents`` lists, the pictures they show, and the styles
folder's ``templates/``, ``css/``, ``fonts/`` and ``color/`` (and a bibliography and
``.csl`` style the book names) — for the build
cache's key and the deposit bag: nothing else of either folder is read.
It imports nothing heavy, so that the command line's up-to-date check stays
cheap.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import stat
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from octavo.config.bounds import config_bounds
from octavo.diagnostics import Diagnostics

if TYPE_CHECKING:
    from octavo.model import Book, Node

#: The styles folder's own folders; nothing else in it is read.
STYLE_FOLDERS = ("templates", "css", "fonts", "color")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CHUNK = 1 << 20


class Refused(Exception):
    """A file the gate will not open; ``kind`` is ``outside``, ``missing`` or ``unreadable``."""

    def __init__(self, kind: str, path: str, why: str = ""):
        self.kind, self.path = kind, path
        super().__init__(f"{path}: {why or kind}")


def _absolute(text: str) -> bool:
    return text.startswith(("/", "\\")) or bool(_SCHEME.match(text)) or Path(text).is_absolute()


def inside(root: Path, path: str | Path) -> Path:
    """``path`` with every link resolved, if it lies inside ``root``; else ``Refused('outside')``.

    A ``str`` is a name relative to ``root`` (and must not be absolute); a ``Path`` is one octavo
    made (``root / name``), relative to the working folder or absolute."""
    if isinstance(path, str) and (not path or _absolute(path) or "\x00" in path):
        raise Refused("outside", path)
    base = root.resolve()
    try:
        target = (root / path if isinstance(path, str) else path).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a link loop, a name the system refuses
        raise Refused("missing", str(path), str(exc)) from None
    if not target.is_relative_to(base):
        raise Refused("outside", str(path))
    return target


def reference_name(src: str) -> str:
    """The relative path a URL reference from the manuscript names, percent-decoded once and
    normalised; ``Refused('outside')`` for a URL with a scheme or an absolute path."""
    decoded = unquote(src)
    if not src or _absolute(src) or _absolute(decoded) or src.startswith("//") or "\x00" in decoded:
        raise Refused("outside", src)
    name = posixpath.normpath(decoded.replace("\\", "/"))
    if name == ".." or name.startswith("../"):
        raise Refused("outside", src)
    return name


def reference(root: Path, src: str) -> Path:
    """The regular file inside ``root`` that the reference ``src`` names (see ``reference_name``)."""
    try:
        return regular(inside(root, reference_name(src)))
    except Refused as refused:
        raise Refused(refused.kind, src) from None


def regular(path: Path) -> Path:
    """``path`` if it is a regular file; ``Refused('missing')`` if it is absent or something else."""
    try:
        if stat.S_ISREG(path.stat().st_mode):
            return path
    except OSError:
        pass
    raise Refused("missing", str(path))


def open_file(root: Path, path: str | Path) -> io.BufferedReader:
    """Open a regular file inside ``root`` for reading, through the gate."""
    target = inside(root, path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        raise Refused("missing", str(path)) from None
    except OSError as exc:
        raise Refused("unreadable", str(path), exc.strerror or str(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused("missing", str(path), "not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read(root: Path, path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file inside ``root`` (``Refused('unreadable')`` past ``limit`` bytes)."""
    with open_file(root, path) as handle:
        try:
            data = handle.read() if limit is None else handle.read(limit + 1)
        except OSError as exc:
            raise Refused("unreadable", str(path), exc.strerror or str(exc)) from None
    if limit is not None and len(data) > limit:
        raise Refused("unreadable", str(path), f"larger than {limit} bytes")
    return data


def digest(root: Path, path: str | Path) -> str:
    """sha256 of a file inside ``root``, read in chunks; a file that cannot be read hashes as such."""
    try:
        with open_file(root, path) as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (Refused, OSError) as exc:
        kind = exc.kind if isinstance(exc, Refused) else "unreadable"
        return f"{kind}"


# -- what a book uses ---------------------------------------------------------------------------


def book_nodes(book: Book) -> Iterator[tuple[Path, Node]]:
    """(file, node) for every node of the book: titles, text and notes."""
    for section in book.sections:
        roots = section.title_nodes + section.all_blocks
        for root in roots:
            for node in root.walk():
                yield section.file, node


def pictures(book: Book) -> list[str]:
    """The relative names of the pictures the book shows (titles, text and notes), once each."""
    names: dict[str, None] = {}
    for _, node in book_nodes(book):
        if node.type == "image":
            try:
                names[reference_name(node.attr("src"))] = None
            except Refused:
                continue
    return list(names)


def _listed(root: Path) -> list[str]:
    """The Markdown files ``book.toml`` lists in ``contents``, as written (read cheaply, unchecked)."""

    try:
        text = read(root, "book.toml", 8 * 1024 * 1024).decode("utf-8")
        if not config_bounds(text, root / "book.toml", Diagnostics(root=root)):
            return []  # too large or too deep to parse: the config loader says so
        data = tomllib.loads(text)
    except (Refused, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    entries = data.get("contents")
    if not isinstance(entries, list):
        return []
    files = [e["file"] for e in entries if isinstance(e, dict) and isinstance(e.get("file"), str)]
    csl = data.get("csl")  # a style of the manuscript's own (a shipped one is named without .csl)
    extra = [data.get("bibliography"), csl if isinstance(csl, str) and csl.endswith(".csl") else None]
    return files + [name for name in extra if isinstance(name, str) and name]


def manuscript_files(root: Path, images: Iterable[str] = ()) -> dict[str, Path]:
    """Name -> file of what the book uses in its folder: book.toml, the listed Markdown, its
    bibliography and ``.csl`` style (``bibliography``, ``csl``), ``images``."""
    found: dict[str, Path] = {}
    for name in ["book.toml", *_listed(root), *images]:
        try:
            path = regular(inside(root, name))
        except Refused:
            continue
        found.setdefault(posixpath.normpath(name), path)
    return dict(sorted(found.items()))


def styles_files(root: Path) -> dict[str, Path]:
    """Name -> file of the styles folder's ``templates/``, ``css/``, ``fonts/`` and ``color/``:
    regular files, hidden ones aside, that lie inside the folder once links are resolved."""
    found: dict[str, Path] = {}
    for folder in STYLE_FOLDERS:
        for dirpath, dirnames, filenames in os.walk(root / folder, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
            for filename in sorted(filenames):
                if filename.startswith("."):
                    continue
                path = Path(dirpath) / filename
                try:
                    found[path.relative_to(root).as_posix()] = regular(inside(root, path))
                except Refused:
                    continue
    return dict(sorted(found.items()))


def used_files(manuscript: Path, styles: Path, images: Iterable[str] = ()) -> dict[str, Path]:
    """``manuscript/<name>`` and ``styles/<name>`` -> file, for every file the book uses."""
    files = {f"manuscript/{n}": p for n, p in manuscript_files(manuscript, images).items()}
    files.update({f"styles/{n}": p for n, p in styles_files(styles).items()})
    return files
