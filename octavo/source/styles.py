"""The design: templates, CSS and fonts, found in one ``styles`` folder.

The folder is the project's ``styles/`` (or, installed, the copy inside the
package), unless a press passes its own with ``--styles``. Fonts are read
here: their weight and style, their family name for the colophon (only when
it is asked for) and their character map to report any character of the
book that the book face cannot print.
"""

from __future__ import annotations

import io
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fontTools.ttLib import TTFont

from octavo.diagnostics import Diagnostics
from octavo.locations import styles_root
from octavo.source import gate
from octavo.strings import Strings

FONT_SUFFIXES = (".ttf", ".otf")


@dataclass(frozen=True)
class FontFace:
    path: Path
    weight: int
    italic: bool


@dataclass(frozen=True)
class Styles:
    """A styles folder: ``templates/``, ``css/``, ``fonts/``."""

    root: Path

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def css(self) -> Path:
        return self.root / "css"

    @property
    def fonts(self) -> Path:
        return self.root / "fonts"

    @cached_property
    def files(self) -> dict[str, Path]:
        """Name -> file of every file octavo may read here (``gate.styles_files``)."""
        return gate.styles_files(self.root)

    def read(self, path: str | Path) -> bytes:
        """A file of the styles folder, read through the gate (``gate.Refused`` if it leads out)."""
        return gate.read(self.root, path)

    def _top(self, folder: str, suffixes: tuple[str, ...]) -> list[Path]:
        return [
            self.root / name
            for name in self.files
            if name.count("/") == 1 and name.startswith(f"{folder}/") and name.lower().endswith(suffixes)
        ]

    @property
    def licences(self) -> list[Path]:
        """The fonts' licence texts (``fonts/*.txt``)."""
        return self._top("fonts", (".txt",))

    @cached_property
    def faces(self) -> tuple[FontFace, ...]:
        faces = []
        for path in self._top("fonts", FONT_SUFFIXES):
            font = TTFont(io.BytesIO(self.read(path)), lazy=True)
            weight = font["OS/2"].usWeightClass
            italic = bool(font["head"].macStyle & 0b10)
            faces.append(FontFace(path, weight, italic))
            font.close()
        return tuple(faces)

    @cached_property
    def families(self) -> tuple[str, ...]:
        """The book face's family names, sorted (none when the styles have no fonts).

        Read apart from ``faces``: fontTools' 'name' table loads most of its
        OpenType tables, which a check that finds every glyph never needs.
        """
        names = set()
        for face in self.faces:
            font = TTFont(io.BytesIO(self.read(face.path)), lazy=True)
            names.add(str(font["name"].getBestFamilyName() or face.path.stem))
            font.close()
        return tuple(sorted(names))

    @cached_property
    def typeface(self) -> str:
        """The book face's family name, for octavo's messages (the colophon says it in the book's
        language: ``colophon_typeface``)."""
        return " and ".join(self.families) if self.families else "the reader’s default typeface"

    def colophon_typeface(self, strings: Strings) -> str:
        """The book face's family names as the colophon's "Set in …" names them, in the book's
        language ("EB Garamond"; "A et B"; the reader's default typeface when there is none)."""
        return strings.list(self.families) or strings("default-typeface")

    @cached_property
    def coverage(self) -> dict[tuple[int, bool], frozenset[int]]:
        """Code points each (weight, italic) face can print."""
        cover: dict[tuple[int, bool], frozenset[int]] = {}
        for face in self.faces:
            font = TTFont(io.BytesIO(self.read(face.path)), lazy=True)
            cover[(face.weight, face.italic)] = frozenset(font.getBestCmap())
            font.close()
        return cover

    @cached_property
    def advances(self) -> dict[int, float]:
        """Code point -> the widest advance its glyph has in the book face's styles, in ems."""
        widest: dict[int, float] = {}
        for face in self.faces:
            font = TTFont(io.BytesIO(self.read(face.path)), lazy=True)
            units, metrics = font["head"].unitsPerEm, font["hmtx"]
            for code, glyph in font.getBestCmap().items():
                widest[code] = max(widest.get(code, 0.0), metrics[glyph][0] / units)
            font.close()
        return widest

    def missing_glyphs(self, chars: set[str]) -> list[str]:
        """Characters no face of the book face has (spaces and controls aside)."""
        if not self.coverage:
            return []
        regular = self.coverage.get((400, False)) or next(iter(self.coverage.values()))
        missing = []
        for ch in sorted(chars):
            if unicodedata.category(ch)[0] in "ZC":
                continue
            if ord(ch) not in regular:
                missing.append(ch)
        return missing


def find_styles(override: Path | None = None) -> Styles:
    """The styles folder to use: the one given, the installed copy or the project's."""
    return Styles(styles_root(override))


def check_styles(styles: Styles, diags: Diagnostics) -> None:
    """Report a styles folder that lacks what the writers need."""
    for needed in (
        "templates/print/book.html",
        "templates/epub/document.xhtml",
        "css/print.css",
        "css/epub.css",
        "color/Gray.icc",
    ):
        try:
            gate.regular(gate.inside(styles.root, needed))
        except gate.Refused as refused:
            if needed.startswith("color/") and refused.kind != "outside":
                continue  # the print PDF's output intent: only a link out of the folder is an error
            if refused.kind == "outside":
                diags.error(
                    styles.root / needed,
                    0,
                    "styles-outside",
                    "leads outside the styles folder: octavo reads nothing from outside the manuscript "
                    "and styles folders",
                )
            else:
                diags.error(styles.root / needed, 0, "styles-missing", "missing from the styles folder")
    if not styles.faces:
        diags.error(styles.fonts, 0, "styles-no-font", "the styles folder has no font (.ttf or .otf)")


def fallback_families(ch: str) -> list[str] | None:
    """Families of the installed fonts that have ``ch``, as fontconfig lists them
    (``fc-list ':charset=HEX' family``): the fonts Pango, and so WeasyPrint,
    falls back to for a character the book face lacks. None when ``fc-list``
    cannot be run (fontconfig's tools not installed)."""
    try:
        found = subprocess.run(
            ["fc-list", f":charset={ord(ch):x}", "family"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if found.returncode != 0:
        return None
    return sorted({line.split(",")[0].strip() for line in found.stdout.splitlines() if line.strip()})


def glyph_name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED CHARACTER')} ({ch})"
