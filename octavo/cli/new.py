"""``octavo new DIR``: scaffold a manuscript that builds at once.

The files come from templates in ``octavo/scaffold/`` (``string.Template``),
filled with the title, author, language, a fresh ``urn:uuid:`` identifier,
this year, and the allowed values and defaults taken from octavo's own
definitions, so that the comments in ``book.toml`` never drift from the code.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
import uuid
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from string import Template

from octavo.config.book import PDFA_LEVELS, language_problem, slugify
from octavo.config.printspec import PAPERS, TRIMS, VENDORS, PrintOptions
from octavo.model import BACK_KINDS, BODY_KINDS, FRONT_KINDS, ROLES
from octavo.strings import strings

#: Template in octavo/scaffold/ -> file written into the new manuscript.
FILES = {
    "book.toml.tmpl": "book.toml",
    "introduction.md.tmpl": "introduction.md",
    "chapter-1.md.tmpl": "chapter-1.md",
}
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class NewBookError(Exception):
    """Why the manuscript was not written: ``(id, message)``."""

    def __init__(self, id: str, message: str):
        self.id, self.message = id, message
        super().__init__(f"{id}: {message}")


def toml_string(value: str) -> str:
    """A TOML basic string: backslash, quote and control characters escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def _number(value: float) -> str:
    return f"{value:g}"


def file_as(name: str) -> str:
    """'Ada Writer' -> 'Writer, Ada': a first guess the writer is told to check."""
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


def _listing(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def values(title: str, author: str, language: str, today: datetime.date) -> dict[str, str]:
    """Everything the templates need, already in TOML or Markdown form."""
    defaults = PrintOptions()
    # the example of a word in another language must be in another language than the book's
    french = language.lower().split("-")[0] == "fr"
    foreign, foreign_lang = ("Zeitgeist", "de") if french else ("joie de vivre", "fr")
    year = str(today.year)
    return {
        "title": toml_string(title),
        "author": toml_string(author),
        "file_as": toml_string(file_as(author)),
        "language": toml_string(language),
        "identifier": toml_string(f"urn:uuid:{uuid.uuid4()}"),
        "date": toml_string(year),
        "year": year,
        "rights": toml_string(strings(language)("rights-reserved")),
        "contents": toml_string(strings(language)("contents")),
        "slug": toml_string(slugify(title)),
        "trims": _listing(TRIMS),
        "papers": _listing(PAPERS),
        "vendors": _listing(VENDORS),
        "roles": _listing(ROLES),
        "front_kinds": _listing(FRONT_KINDS),
        "body_kinds": _listing(BODY_KINDS),
        "back_kinds": _listing(BACK_KINDS),
        "pdfa_levels": ", ".join(PDFA_LEVELS),
        "trim": defaults.trim,
        "paper": defaults.paper,
        "vendor": defaults.vendor,
        "bleed": str(defaults.bleed).lower(),
        "pad": str(defaults.pad).lower(),
        "font_size": _number(defaults.font_size),
        "leading": _number(defaults.leading),
        "foreign": foreign,
        "foreign_lang": foreign_lang,
    }


def render(title: str, author: str, language: str, today: datetime.date | None = None) -> dict[str, str]:
    """File name -> text of the new manuscript."""
    mapping = values(title, author, language, today or datetime.date.today())
    folder = resources.files("octavo") / "scaffold"
    return {
        name: Template((folder / template).read_text(encoding="utf-8")).substitute(mapping)
        for template, name in FILES.items()
    }


def create(target: Path, title: str, author: str, language: str) -> list[Path]:
    """Write a new manuscript into ``target`` (absent or empty); return the files written."""
    if not title.strip():
        raise NewBookError("new-title", "the title must not be empty")
    if not author.strip():
        raise NewBookError("new-author", "the author must not be empty")
    if why := language_problem(language):
        raise NewBookError("new-language", why)
    if target.exists() and not target.is_dir():
        raise NewBookError("new-exists", "is a file, not a folder; give a new or empty folder")
    if target.is_dir() and any(target.iterdir()):
        raise NewBookError(
            "new-exists", "the folder is not empty; octavo new writes only into a new or empty folder"
        )
    texts = render(title.strip(), author.strip(), language)
    written: list[Path] = []
    made = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            path = target / name
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        if made and target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        raise NewBookError("new-unwritable", exc.strerror or str(exc)) from exc
    return written


def next_out(target: Path) -> Path:
    """An output folder to suggest: ``dist`` here, unless that is inside the manuscript."""
    here = Path.cwd()
    out = Path("dist")
    if (here / out).resolve().is_relative_to(target.resolve()):
        out = Path(os.path.relpath(target.resolve().parent / "dist", here))
    return out


def main(argv: list[str]) -> int:
    """``octavo new DIR [--title T] [--author A] [--language L]``."""
    from octavo.cli.common import Parser

    parser = Parser(prog="octavo new", description="Write a new manuscript that builds at once.")
    parser.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder for the manuscript")
    parser.add_argument("--title", help="the book's title (default: Untitled Book, in the book's language)")
    parser.add_argument("--author", help="the author's name (default: Author Name, in the book's language)")
    parser.add_argument("--language", default="en", help="BCP 47 tag of the text (default: en)")
    args = parser.parse_args(argv)
    words = strings(args.language if not language_problem(args.language) else "en")
    title = args.title if args.title is not None else words("new-title")
    author = args.author if args.author is not None else words("new-author")
    try:
        written = create(args.folder, title, author, args.language)
    except NewBookError as exc:
        print(f"{args.folder}: {exc.id}: {exc.message}; nothing was written", file=sys.stderr)
        return EXIT_REFUSED
    for path in written:
        print(f"wrote {path}")
    print(f"next: octavo {args.folder} --out {next_out(args.folder)}")
    return EXIT_OK
