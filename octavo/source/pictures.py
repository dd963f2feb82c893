"""The book's pictures: their real names, their formats, and their names in the EPUB.

**Names.** A picture's path is a URL, as CommonMark has it: markdown-it
decodes its entities and percent-encodes what remains (``<images/harbour
map.png>`` becomes ``images/harbour%20map.png``), and ``gate.reference_name``
decodes that once. The result is the picture's real name: the file looked up
on disk exactly as written (no change of case or of Unicode form), and the
name every message uses.

**Formats.** A picture is read by Pillow whatever its extension, or with
none. PNG, JPEG and GIF, which every EPUB reader shows, are packed as they
are; any other format Pillow decodes (TIFF, BMP, WebP…) becomes a PNG, for
the EPUB and the print PDF alike: the first frame, turned as its EXIF
orientation says, with its colour profile when the colours are kept, and
nothing that changes from one build to the next (no time chunk). A file Pillow
cannot decode to the end is ``image-unreadable``.

**EPUB names.** A picture goes to ``images/`` followed by its path in the
manuscript folder, each part cut down to ASCII letters, digits, ``.``, ``_``
and ``-`` (accents dropped, anything else a hyphen), with the extension of
what is packed (``.png``, ``.jpg``, ``.gif``). Names that would then be one
when letter case is ignored (``a/b.png`` and ``A/b.png``, ``a b.png`` and
``a-b.png``), or one with octavo's ``images/cover.jpg``, each get a suffix made
from a hash of the real name, so that which one gets which name never
depends on the order of the book.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from octavo.model import Book
from octavo.source import gate

#: Formats packed as they are (see ``kept``): Pillow's name -> (media type, extension).
KEPT = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "MPO": ("image/jpeg", ".jpg"),  # a camera's JPEG with a second picture inside; readers show the first
    "GIF": ("image/gif", ".gif"),
}
CONVERTED = ("image/png", ".png")
#: Names of octavo's own files in the EPUB's images/ folder.
RESERVED = frozenset({"cover.jpg"})
#: PNG modes kept when converting; the rest become RGB or RGBA.
PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_PART = 100  # characters of one part of an EPUB name (OCF allows 255 bytes)


def _why(exc: BaseException) -> str:
    """Pillow's reason, in words a user can act on (never the repr of an open file)."""
    if isinstance(exc, UnidentifiedImageError):
        return "its bytes are in no picture format Pillow knows (PNG, JPEG, GIF, WebP, TIFF...)"
    return re.sub(r"\s*<_io\.[A-Za-z]+ name=[^>]*>", "", str(exc)) or type(exc).__name__


class Unreadable(Exception):
    """A file Pillow cannot decode (``name``: the picture's real name, when known)."""

    def __init__(self, why: str, name: str = ""):
        self.name = name
        super().__init__(why)


@dataclass(frozen=True)
class Picture:
    """A picture of the book: its real name, where the EPUB puts it, what is packed."""

    name: str  # relative to the manuscript folder, decoded
    epub: str  # relative to the EPUB's images/ folder
    media: str
    data: bytes


@contextmanager
def _strict() -> Iterator[None]:
    """Decode to the end: WeasyPrint lets Pillow pass truncated files, octavo does not."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def decode(data: bytes | BinaryIO) -> Image.Image:
    """The picture, decoded to the end (``Unreadable`` if Pillow cannot)."""
    handle = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        with _strict():
            image = Image.open(handle)
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Unreadable(_why(exc)) from None
    return image


def kept(image_format: str, mode: str) -> bool:
    """Whether a picture is packed as it is: a JPEG, or a PNG or GIF of 8 bits or fewer per
    channel in grey, a palette or RGB (WeasyPrint 70 prints a 16-bit PNG black and a CMYK TIFF not
    at all)."""
    return image_format in ("JPEG", "MPO") or (image_format in KEPT and mode in PNG_MODES)


def media_of(found: tuple[str, str] | None) -> tuple[str, str]:
    """(media type, extension) of what is packed for a picture of (format, mode) ``found``."""
    return KEPT[found[0]] if found is not None and kept(*found) else CONVERTED


def sniff(data: bytes | BinaryIO) -> tuple[str, str]:
    """Pillow's (format, mode) of ``data``, from its header only; ``Unreadable`` if none."""
    try:
        with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as image:
            return image.format or "", image.mode
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Unreadable(_why(exc)) from None


def packed(data: bytes) -> tuple[bytes, str]:
    """(bytes, media type) of what the outputs carry for a picture file: the file itself when
    readers show its format, else a PNG made from it, the same bytes every time."""
    found = sniff(data)
    if kept(*found):
        return data, media_of(found)[0]
    image = decode(data)
    profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    mode = image.mode
    if mode.startswith("I") and mode != "I":  # 16-bit grey: I;16, I;16B…
        image, mode = image.convert("I"), "I"
    if mode == "I":  # scale 16 bits down to 8
        image = image.point(lambda v: v * (1 / 257)).convert("L")
    elif mode == "PA" or mode.endswith("a"):  # premultiplied alpha
        image = image.convert("RGBA" if mode in ("PA", "RGBa") else "LA")
    elif mode not in PNG_MODES:
        alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if alpha else "RGB")
    if _model(image.mode) != _model(mode):
        profile = None  # the colours were changed: the profile no longer describes them
    out = io.BytesIO()
    options = {"icc_profile": profile} if profile else {}
    image.save(out, format="PNG", optimize=False, compress_level=9, **options)
    return out.getvalue(), CONVERTED[0]


def _model(mode: str) -> str:
    """The colour model of a Pillow mode: grey, RGB, CMYK…"""
    if mode in ("1", "L", "LA", "La", "F") or mode.startswith("I"):
        return "grey"
    return "RGB" if mode in ("P", "PA") else mode.rstrip("Aa")


# -- names ----------------------------------------------------------------------------------------


def _part(text: str) -> str:
    """One part of a path as the EPUB names it: ASCII letters, digits, '.', '_' and '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", ascii_text).strip(".-")[:MAX_PART].strip(".-")


def _stem(name: str) -> str:
    """``name`` (a path) without the extension of a picture format, if it has one."""
    folder, _, last = name.rpartition("/")
    head, dot, suffix = last.rpartition(".")
    if dot and head and f".{suffix.lower()}" in Image.registered_extensions():
        last = head
    return f"{folder}/{last}" if folder else last


def _clean(name: str, extension: str) -> tuple[str, str]:
    """(the path without extension, the extension) of ``name``'s EPUB name, before any suffix."""
    parts = [_part(p) or "picture" for p in _stem(name).split("/")]
    return "/".join(parts), extension


def _digest(name: str, length: int) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:length]


def epub_names(pictures: dict[str, str]) -> dict[str, str]:
    """Real name -> name in the EPUB's images/ folder, for ``pictures`` (real name -> extension).

    Unique when letter case is ignored, never octavo's own, never the name of another's folder;
    each name depends on its own real name and on those it collides with, not on the order."""
    clean = {name: _clean(name, extension) for name, extension in pictures.items()}
    plain = {name: f"{stem}{extension}".casefold() for name, (stem, extension) in clean.items()}
    crowd = Counter(plain.values())
    length = {n: 8 if crowd[plain[n]] > 1 or plain[n] in RESERVED else 0 for n in pictures}
    while True:
        names = {}
        for name, (stem, extension) in clean.items():
            suffix = f"-{_digest(name, length[name])}" if length[name] else ""
            names[name] = f"{stem}{suffix}{extension}"
        folded = Counter(e.casefold() for e in names.values())
        folders = {f for e in folded for f in _folders(e)}
        taken = RESERVED | folders
        clashing = [n for n, e in names.items() if folded[e.casefold()] > 1 or e.casefold() in taken]
        if not clashing:
            return names
        for name in clashing:  # a hash suffix written by hand, say: a longer hash
            if length[name] == 64:
                raise ValueError(f"no EPUB name for the picture {name!r}")  # pragma: no cover
            length[name] = {0: 8, 8: 16, 16: 64}[length[name]]


def _folders(name: str) -> list[str]:
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


# -- the book's pictures --------------------------------------------------------------------------


def locate(root: Path, name: str) -> Path:
    """The regular file a real name (decoded, relative) names inside ``root``."""
    return gate.regular(gate.inside(root, name))


def real_names(book: Book) -> dict[str, str]:
    """``src`` as parsed -> the picture's real name, for every picture that has one."""
    found: dict[str, str] = {}
    for _, node in gate.book_nodes(book):
        if node.type == "image" and node.attr("src") not in found:
            try:
                found[node.attr("src")] = gate.reference_name(node.attr("src"))
            except gate.Refused:
                continue
    return found


def names_in_epub(book: Book, data: dict[str, bytes] | None = None) -> dict[str, str]:
    """Real name -> name in the EPUB's images/ folder of every picture the book shows; the formats
    are read from ``data`` (real name -> bytes) or from the files' headers."""
    extensions: dict[str, str] = {}
    for name in dict.fromkeys(real_names(book).values()):
        try:
            if data is not None:
                extensions[name] = media_of(sniff(data[name]))[1]
                continue
            with gate.open_file(book.root, locate(book.root, name)) as handle:
                extensions[name] = media_of(sniff(handle))[1]
        except (gate.Refused, Unreadable):
            extensions[name] = media_of(None)[1]  # refused by the checks before anything is written
    return epub_names(extensions)


def book_pictures(book: Book) -> tuple[list[Picture], dict[str, str]]:
    """Every picture the book shows, once each, read through the gate and made ready to pack, and
    ``src`` as parsed -> its name in the EPUB's images/ folder. ``gate.Refused`` or ``Unreadable``
    (with the real name) for a file the checks would have refused."""
    sources = real_names(book)
    data: dict[str, bytes] = {}
    for name in dict.fromkeys(sources.values()):
        try:
            data[name] = gate.read(book.root, locate(book.root, name))
        except gate.Refused as refused:
            raise gate.Refused(refused.kind, name) from None
    names = names_in_epub(book, data)
    pictures = []
    for name, raw in data.items():
        try:
            content, media = packed(raw)
        except Unreadable as exc:
            raise Unreadable(str(exc), name) from None
        pictures.append(Picture(name, names[name], media, content))
    return pictures, {src: names[name] for src, name in sources.items()}


def converted(book: Book, names: Iterable[str] | None = None) -> dict[Path, tuple[bytes, str]]:
    """File -> (PNG bytes, media type) of every picture whose format is not packed as it is."""
    out: dict[Path, tuple[bytes, str]] = {}
    for name in dict.fromkeys(names if names is not None else real_names(book).values()):
        try:
            path = locate(book.root, name)
            raw = gate.read(book.root, path)
            if not kept(*sniff(raw)):
                out[path] = packed(raw)
        except (gate.Refused, Unreadable):
            continue
    return out
