"""Load and validate ``book.toml`` in one pass.

Every problem is reported at once, each with the line it is on: unknown keys,
wrong types, missing required keys, bad language tags and identifiers. The
result is a ``Config``: the book's ``Metadata`` and its reading order.
"""

from __future__ import annotations

import datetime
import difflib
import re
import tomllib
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import langcodes

from octavo.config.bounds import CONFIG_NAME, config_bounds
from octavo.config.isbn import isbn13, isbn_problem, price_problem, territory_problem, urn
from octavo.config.printspec import PAPERS, TRIMS, VENDORS, PrintOptions, parse_trim
from octavo.diagnostics import Diagnostics
from octavo.model import GENERATED_KINDS, ROLES, SECTION_KINDS, Creator, Metadata
from octavo.strings import check_override, english, table_language
from octavo.textio import read_text

# key -> (type, required)
TOP_KEYS: dict[str, tuple[type, bool]] = {
    "title": (str, True),
    "subtitle": (str, False),
    "short_title": (str, False),
    "language": (str, True),
    "identifier": (str, True),
    "date": (str, False),
    "publisher": (str, False),
    "rights": (str, False),
    "copyright": (str, False),
    "description": (str, False),
    "source": (str, False),
    "edition": (str, False),
    "slug": (str, False),
    "bibliography": (str, False),
    "csl": (str, False),
    "creators": (list, True),
    "contents": (list, True),
    "print": (dict, False),
    "epub": (dict, False),
    "archive": (dict, False),
    "strings": (dict, False),
}
ARCHIVE_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "pdfa": (str, False),
}
EPUB_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "certified_by": (str, False),
    "accessibility_summary": (str, False),
    "page_list": (bool, False),
    "isbn": (str, False),
    "price": (str, False),
    "territory": (str, False),
}
PRINT_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "trim": (str, False),
    "paper": (str, False),
    "bleed": (bool, False),
    "vendor": (str, False),
    "font_size": ((int, float), False),
    "leading": ((int, float), False),
    "pad": (bool, False),
    "isbn": (str, False),
    "price": (str, False),
    "territory": (str, False),
}
KIND_NAMES: dict[type | tuple[type, ...], str] = {
    str: "a string",
    list: "an array of tables",
    dict: "a table",
    bool: "true or false",
}
CREATOR_KEYS: dict[str, tuple[type, bool]] = {
    "name": (str, True),
    "role": (str, True),
    "file_as": (str, False),
}
CONTENT_KEYS: dict[str, tuple[type, bool]] = {
    "file": (str, False),  # needed, but for the kinds octavo writes itself (GENERATED_KINDS, a bibliography)
    "kind": (str, True),
    "title": (str, False),  # a generated section's title (a file's is its '#' heading)
    "short_title": (str, False),
}
DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
SLUG_RE = re.compile(r"[a-z0-9]++(-[a-z0-9]++)*+")

#: Characters XML 1.0 cannot hold (C0 controls but tab and line ends, U+FFFE, U+FFFF).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: What Python's TOML parser says, and what the writer most often meant.
TOML_HINTS = (
    ("Cannot overwrite a value", " (a key given twice: each key once in its table)"),
    ("Cannot declare", " (a table or key given twice)"),
    (
        "Expected newline or end of document after a statement",
        ' (text goes in quotes: trim = "6x9"; a second statement on a line needs a line break)',
    ),
    ("Invalid value", ' (text goes in quotes: title = "My Book"; true and false are lower case)'),
)


#: The PDF/A levels the archive PDF can be written to (``[archive] pdfa``): 2b, or 3b with the
#: manuscript attached as its source (ISO 19005-2 and 19005-3, level B).
PDFA_LEVELS = ("2b", "3b")


@dataclass(frozen=True)
class EpubOptions:
    """The ``[epub]`` table: who certified the accessibility, an optional summary, the page-list."""

    certified_by: str = ""
    accessibility_summary: str = ""
    page_list: bool = True  # the print edition's pages; false for a title with no print edition
    isbn: str = ""  # the ebook's ISBN-13, 13 digits (``config.isbn``)
    price: str = ""  # "USD 9.99"
    territory: str = ""  # "WORLD" or country codes


@dataclass(frozen=True)
class ContentEntry:
    """One ``[[contents]]`` entry: a Markdown file and its section kind; a kind octavo writes
    itself (``model.GENERATED_KINDS``: the index; a bibliography with no file, made from the
    citations) has no file (``file`` is None) and may have a ``title``."""

    file: Path | None
    kind: str
    line: int
    title: str = ""  # a generated bibliography's, when book.toml gives one
    #: The section's running head in print when its title is too long for one (``short_title``),
    #: and the line of book.toml it is on (0: none given).
    short_title: str = ""
    short_line: int = 0


#: The kinds of section octavo makes itself when ``[[contents]]`` names no ``file`` (a
#: bibliography of the works cited); with a file, the author wrote it.
MADE_WITHOUT_FILE = ("bibliography",)
#: The citation style when ``book.toml`` names none (Pandoc's default).
DEFAULT_CSL = "chicago-author-date"


@dataclass(frozen=True)
class Config:
    """A validated ``book.toml``."""

    root: Path
    path: Path
    metadata: Metadata
    contents: tuple[ContentEntry, ...]
    print: PrintOptions = field(default_factory=PrintOptions)
    epub: EpubOptions = field(default_factory=lambda: EpubOptions())
    pdfa: str = "2b"
    #: ``bibliography``: a CSL-JSON file of the manuscript ("" for none), and its line in book.toml
    bibliography: str = ""
    #: ``csl``: a style octavo ships, by name, or a ``.csl`` file of the manuscript
    csl: str = DEFAULT_CSL
    #: key -> its line in book.toml (``bibliography``, ``csl``), for diagnostics about their files
    key_lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, 0)


def _short(entry: dict[str, Any], index: int, keys: KeyLines) -> tuple[str, int]:
    """A ``[[contents]]`` entry's ``short_title`` (spaces collapsed) and its line; ("", 0) if none."""
    short = " ".join(entry.get("short_title", "").split())
    return (short, keys.of("short_title", "contents", index)) if short else ("", 0)


class KeyLines:
    """Find the line of a key in a TOML text, table by table (tomllib gives none).

    Linear in the text: a line is looked at once, by patterns that never
    backtrack (a header's name is one character class, a key possessive).
    """

    _name = re.compile(r"[A-Za-z0-9_.\-\"' ]+")
    _key = re.compile(r"\s*+([A-Za-z0-9_\-]++|\"[^\"]*+\")\s*+=")

    @classmethod
    def header(cls, line: str) -> tuple[str, str] | None:
        """('[' or '[[', table name) of a table header line, else None."""
        stripped = line.strip()
        if not stripped.startswith("["):
            return None
        opener = "[[" if stripped.startswith("[[") else "["
        close = stripped.find("]", len(opener))
        if close < 0:
            return None
        name = stripped[len(opener) : close]
        rest = stripped[close + 1 :]
        if opener == "[[" and rest.startswith("]"):
            rest = rest[1:]
        rest = rest.lstrip()
        if not cls._name.fullmatch(name) or (rest and not rest.startswith("#")):
            return None
        return opener, name.strip()

    def __init__(self, text: str):
        self.lines: dict[tuple[str, int, str], int] = {}
        self.tables: dict[tuple[str, int], int] = {}
        table, index = "", 0
        counts: dict[str, int] = {}
        in_multiline = None
        for number, line in enumerate(text.split("\n"), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = self.header(line)
            if header:
                opener, table = header
                if opener == "[[":
                    index = counts.get(table, -1) + 1
                    counts[table] = index
                else:
                    index = 0
                self.tables[(table, index)] = number
                continue
            key = self._key.match(line)
            if key:
                self.lines.setdefault((table, index, key.group(1).strip('"')), number)
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        in_multiline = quote

    def of(self, key: str, table: str = "", index: int = 0) -> int:
        return self.lines.get((table, index, key), self.tables.get((table, index), 0))


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed value, however nested (no recursion)."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)


def check_characters(data: dict[str, Any], keys: KeyLines, path: Path, diags: Diagnostics) -> None:
    """A string value holding a character XML cannot hold (a control character, a NUL) is an error."""
    tables: list[tuple[str, int, dict[str, Any]]] = [("", 0, {})]
    for key, value in data.items():
        if isinstance(value, dict):  # [print], [epub], [archive]
            tables.append((key, 0, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables += [(key, index, entry) for index, entry in enumerate(value)]  # [[contents]]
        else:
            tables[0][2][key] = value
    for table, index, entries in tables:
        for key, value in entries.items():
            for text in _strings(value):
                if match := CONTROL_CHARS.search(text):
                    diags.error(
                        path,
                        keys.of(key, table, index),
                        "control-char",
                        f"'{key}' holds the control character U+{ord(match.group()):04X}, "
                        "which the EPUB and PDFs cannot hold",
                    )
                    break


def date_problem(date: str) -> str | None:
    """Why a ``date`` is not YYYY, YYYY-MM or YYYY-MM-DD of a real day, or None."""
    why = f"date {date!r} must be YYYY, YYYY-MM or YYYY-MM-DD"
    if not DATE_RE.fullmatch(date):
        return why
    parts = [int(p) for p in date.split("-")]
    try:
        datetime.date(*[*parts, 1, 1][:3])
    except ValueError as exc:
        return f"{why}, a real day: {exc}"
    return None


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: for output file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "book"


def check_identifier(value: str) -> str | None:
    """Return why an identifier is invalid, or None."""
    scheme, _, rest = value.partition(":")
    if not rest or not re.fullmatch(r"[a-z][a-z0-9+.\-]*", scheme):
        return f"identifier {value!r} needs a scheme, e.g. 'urn:uuid:…' or 'urn:isbn:978…'"
    if value.startswith("urn:uuid:"):
        try:
            uuid.UUID(value[9:])
        except ValueError:
            return f"identifier {value!r} is not a valid UUID"
    if (scheme == "isbn" or value.startswith("urn:isbn:")) and isbn_problem(value.rsplit(":", 1)[1]):
        return f"identifier {value!r} is not a valid ISBN (check digit, length or prefix)"
    return None


def normal_identifier(value: str) -> str:
    """A checked identifier as the package holds it: an ISBN (``isbn:…``, which is no URN
    scheme, or ``urn:isbn:…`` with hyphens or ISBN-10) becomes ``urn:isbn:`` and 13 digits
    (RFC 8254); any other is kept as written."""
    scheme = value.partition(":")[0]
    if scheme == "isbn" or value.startswith("urn:isbn:"):
        return urn(isbn13(value.rsplit(":", 1)[1]))
    return value


#: BCP 47's syntax (as EPUBCheck reads lang, xml:lang and dc:language): subtags
#: of 1-8 ASCII letters or digits joined by hyphens, the first all letters.
#: langcodes alone is too lenient: it reads ``fr_FR`` as ``fr-FR``.
LANGUAGE_SYNTAX = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


def _tag_ok(tag: str) -> bool:
    return bool(LANGUAGE_SYNTAX.fullmatch(tag)) and langcodes.tag_is_valid(tag)


def language_problem(tag: str) -> str | None:
    """Return why a BCP 47 tag is invalid (with a fix when one is plain), or None."""
    if tag and _tag_ok(tag):
        return None
    why = f"{tag!r} is not a valid BCP 47 language tag"
    hyphenated = "-".join(part for part in re.split(r"[-_\s]+", tag) if part)
    if hyphenated != tag and _tag_ok(hyphenated):
        return f"{why}: did you mean {hyphenated}?"
    return why


def _check_table(
    data: dict[str, Any],
    schema: Mapping[str, tuple[type | tuple[type, ...], bool]],
    where: str,
    table: str,
    index: int,
    keys: KeyLines,
    path: Path,
    diags: Diagnostics,
) -> bool:
    """Check one table against its schema; return True when it is usable."""
    ok = True
    for key, value in data.items():
        line = keys.of(key, table, index)
        if key not in schema:
            known = ", ".join(schema)
            diags.error(path, line, "config-unknown-key", f"unknown key '{key}' in {where} (known: {known})")
            ok = False
            continue
        expected, _ = schema[key]
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            kind = KIND_NAMES.get(expected, "a number")
            diags.error(
                path, line, "config-type", f"'{key}' in {where} must be {kind}, not {type(value).__name__}"
            )
            ok = False
        elif expected is str and isinstance(value, str) and not value.strip() and schema[key][1]:
            diags.error(path, line, "config-empty", f"'{key}' in {where} must not be empty")
            ok = False
    for key, (_, required) in schema.items():
        if required and key not in data:
            diags.error(path, keys.of("", table, index) or 1, "config-missing-key", f"{where} needs '{key}'")
            ok = False
    return ok


def _table_array(
    data: dict[str, Any],
    name: str,
    schema: dict[str, tuple[type, bool]],
    choice: tuple[str, tuple[str, ...]],
    keys: KeyLines,
    path: Path,
    diags: Diagnostics,
) -> list[tuple[int, dict[str, Any]]]:
    """The usable entries of ``[[name]]``: checked against the schema and one closed-choice key."""
    raw = data.get(name)
    if not isinstance(raw, list):
        return []
    if not raw:
        diags.error(path, keys.of(name), "config-missing-key", f"at least one [[{name}]] is needed")
    usable_entries = []
    key, allowed = choice
    for i, entry in enumerate(raw):
        where = f"[[{name}]] #{i + 1}"
        if not isinstance(entry, dict):
            diags.error(path, keys.of(name), "config-type", f"{where} must be a table")
            continue
        usable = _check_table(entry, schema, where, name, i, keys, path, diags)
        value = entry.get(key)
        if isinstance(value, str) and value not in allowed:
            diags.error(
                path,
                keys.of(key, name, i),
                f"config-{key}",
                f"{key} {value!r} is not one of {', '.join(allowed)}",
            )
            usable = False
        if usable:
            usable_entries.append((i, entry))
    return usable_entries


def edition_problems(
    table: dict[str, Any], name: str, keys: KeyLines, path: Path, diags: Diagnostics
) -> bool:
    """Check an edition's ``isbn``, ``price`` and ``territory`` (``[epub]`` or ``[print]``); True
    when they are usable. The ISBN's check digit is verified (``config.isbn``)."""
    ok = True
    for key, problem in (("isbn", isbn_problem), ("price", price_problem), ("territory", territory_problem)):
        value = table.get(key)
        if isinstance(value, str) and (why := problem(value)):
            diags.error(path, keys.of(key, name), f"config-{key}", f"[{name}] {key} {why}")
            ok = False
    return ok


def _print_options(
    data: dict[str, Any], keys: KeyLines, path: Path, diags: Diagnostics
) -> PrintOptions | None:
    """The ``[print]`` table, defaults for what it leaves out."""
    table = data.get("print", {})
    if not isinstance(table, dict):
        return None
    ok = _check_table(table, PRINT_KEYS, "[print]", "print", 0, keys, path, diags)
    ok = edition_problems(table, "print", keys, path, diags) and ok
    if not ok:
        return None
    if "trim" in table and parse_trim(table["trim"]) is None:
        diags.error(
            path,
            keys.of("trim", "print"),
            "config-trim",
            f"trim {table['trim']!r} is neither a named size ({', '.join(TRIMS)}) "
            "nor dimensions such as '5.5x8.5' or '148mm x 210mm'",
        )
        ok = False
    for key, allowed in (("paper", PAPERS), ("vendor", VENDORS)):
        if key in table and table[key] not in allowed:
            diags.error(
                path,
                keys.of(key, "print"),
                f"config-{key}",
                f"{key} {table[key]!r} is not one of {', '.join(allowed)}",
            )
            ok = False
    for key, low, high in (("font_size", 6, 24), ("leading", 6, 36)):
        if key in table and not low <= table[key] <= high:
            diags.error(
                path, keys.of(key, "print"), "config-range", f"{key} must be between {low} and {high} pt"
            )
            ok = False
    if not ok:
        return None
    values: dict[str, Any] = {k: (float(v) if k in ("font_size", "leading") else v) for k, v in table.items()}
    if "isbn" in values:
        values["isbn"] = isbn13(values["isbn"])
    if "font_size" in values and "leading" not in values:
        values["leading"] = round(values["font_size"] * 1.32, 2)
    return PrintOptions(**values)


def _strings_table(
    table: dict[str, Any], language: object, keys: KeyLines, path: Path, diags: Diagnostics
) -> tuple[tuple[str, str | tuple[tuple[str, str], ...]], ...]:
    """The ``[strings]`` table: each key one of ``octavo/strings/en.toml``'s, each value a string
    or a table of the language's plural forms, with the English string's fields only."""
    tag = language.strip() if isinstance(language, str) and _tag_ok(language.strip()) else "en"
    found: list[tuple[str, str | tuple[tuple[str, str], ...]]] = []
    for key, value in table.items():
        if key not in english():
            close = difflib.get_close_matches(key, english(), n=1)
            hint = (
                f": did you mean '{close[0]}'?" if close else " (the README's 'Generated words' lists them)"
            )
            diags.error(
                path, keys.of(key, "strings"), "config-unknown-key", f"unknown key '{key}' in [strings]{hint}"
            )
        elif why := check_override(key, value, tag):
            diags.error(path, keys.of(key, "strings"), "config-strings", why)
        elif isinstance(value, dict):
            found.append((key, tuple((k, v) for k, v in value.items())))
        else:
            found.append((key, value))
    return tuple(found)


def load_config(root: Path, diags: Diagnostics) -> Config | None:
    """Read ``root/book.toml``; report every problem to ``diags``; None if unusable."""
    path = root / CONFIG_NAME
    if not root.is_dir():
        diags.error(root, 0, "manuscript-missing", "manuscript folder not found")
        return None
    if not path.is_file():
        diags.error(path, 0, "config-missing", f"no {CONFIG_NAME} in the manuscript folder")
        return None
    text = read_text(path, diags)
    if text is None or not config_bounds(text, path, diags):
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(match.group(1)) if match else 0
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        hint = next((h for cause, h in TOML_HINTS if cause in message), "")
        diags.error(path, line, "config-syntax", f"invalid TOML: {message}{hint}")
        return None

    keys = KeyLines(text)
    before = len(diags.errors)
    _check_table(data, TOP_KEYS, CONFIG_NAME, "", 0, keys, path, diags)
    check_characters(data, keys, path, diags)

    language = data.get("language")
    if isinstance(language, str) and language.strip() and (why := language_problem(language)):
        diags.error(path, keys.of("language"), "config-language", why)
    elif isinstance(language, str) and language.strip() and table_language(language.strip()) is None:
        diags.warning(
            path,
            keys.of("language"),
            "language-fallback",
            f"octavo has no words of its own in {language.strip()!r}: the contents, title and copyright "
            "pages and the EPUB's navigation are in English; [strings] in book.toml can give them",
        )
    strings_table = data.get("strings", {})
    overrides = (
        _strings_table(strings_table, language, keys, path, diags) if isinstance(strings_table, dict) else ()
    )
    identifier = data.get("identifier")
    if isinstance(identifier, str) and identifier.strip() and (why := check_identifier(identifier)):
        diags.error(path, keys.of("identifier"), "config-identifier", why)
    date = data.get("date")
    if isinstance(date, str) and (why := date_problem(date)):
        diags.error(path, keys.of("date"), "config-date", why)
    slug = data.get("slug")
    if isinstance(slug, str) and not SLUG_RE.fullmatch(slug):
        diags.error(
            path,
            keys.of("slug"),
            "config-slug",
            f"slug {slug!r} must be lower-case letters, digits and hyphens",
        )

    creators = [
        Creator(entry["name"].strip(), entry["role"], entry.get("file_as", "").strip())
        for _, entry in _table_array(
            data, "creators", CREATOR_KEYS, ("role", tuple(ROLES)), keys, path, diags
        )
    ]

    contents: list[ContentEntry] = []
    seen: dict[str, int] = {}
    kinds_seen: dict[str, int] = {}  # the generated sections, one of each kind
    for i, entry in _table_array(data, "contents", CONTENT_KEYS, ("kind", SECTION_KINDS), keys, path, diags):
        line = keys.of("file", "contents", i) if "file" in entry else keys.of("kind", "contents", i)
        generated = entry["kind"] in GENERATED_KINDS
        if generated and "file" in entry:
            diags.error(
                path,
                line,
                "config-kind",
                f"[[contents]] #{i + 1}: an {entry['kind']} is written by octavo from the book: "
                "it has no file (leave 'file' out)",
            )
            continue
        if generated or ("file" not in entry and entry["kind"] in MADE_WITHOUT_FILE):
            if entry["kind"] in kinds_seen:
                diags.error(
                    path,
                    line,
                    "contents-duplicate",
                    f"a second {entry['kind']} (first on line {kinds_seen[entry['kind']]})",
                )
            else:  # a title of its own, or the book language's word ("Index", "Bibliography")
                kinds_seen[entry["kind"]] = line
                title = entry.get("title", "").strip()
                contents.append(ContentEntry(None, entry["kind"], line, title, *_short(entry, i, keys)))
            continue
        if "file" not in entry:
            diags.error(
                path,
                line,
                "config-missing-key",
                f"[[contents]] #{i + 1} needs 'file': the Markdown file of this {entry['kind']}",
            )
            continue
        if "title" in entry:
            diags.error(
                path,
                keys.of("title", "contents", i),
                "config-unknown-key",
                f"'title' in [[contents]] #{i + 1} names a generated section; {entry['file']}'s "
                "title is its '#' heading",
            )
            continue
        if entry["file"] in seen:
            diags.error(
                path,
                line,
                "contents-duplicate",
                f"{entry['file']} is listed twice (first on line {seen[entry['file']]})",
            )
            continue
        seen[entry["file"]] = line
        contents.append(ContentEntry(Path(entry["file"]), entry["kind"], line, "", *_short(entry, i, keys)))

    print_options = _print_options(data, keys, path, diags)
    epub_table = data.get("epub", {})
    epub_ok = isinstance(epub_table, dict) and all(
        [  # both checks run: every problem at once
            _check_table(epub_table, EPUB_KEYS, "[epub]", "epub", 0, keys, path, diags),
            edition_problems(epub_table, "epub", keys, path, diags),
        ]
    )
    epub_isbn = isbn13(epub_table["isbn"]) if epub_ok and epub_table.get("isbn") else ""
    if epub_isbn and print_options is not None and epub_isbn == print_options.isbn:
        diags.error(
            path,
            keys.of("isbn", "epub"),
            "config-isbn",
            "[epub] isbn is the [print] isbn: each edition (format) has its own ISBN",
        )
    archive_table = data.get("archive", {})
    archive_ok = isinstance(archive_table, dict) and _check_table(
        archive_table, ARCHIVE_KEYS, "[archive]", "archive", 0, keys, path, diags
    )
    pdfa = archive_table.get("pdfa", PDFA_LEVELS[0]) if archive_ok else PDFA_LEVELS[0]
    if archive_ok and pdfa not in PDFA_LEVELS:
        levels = ", ".join(PDFA_LEVELS)
        diags.error(path, keys.of("pdfa", "archive"), "config-pdfa", f"pdfa {pdfa!r} is not one of {levels}")
    if len(diags.errors) > before or print_options is None or not epub_ok or not archive_ok:
        return None
    metadata = Metadata(
        title=data["title"].strip(),
        subtitle=data.get("subtitle", "").strip(),
        short_title=" ".join(data.get("short_title", "").split()),
        title_line=keys.of("title"),
        short_title_line=keys.of("short_title") if data.get("short_title", "").strip() else 0,
        language=data["language"].strip(),
        identifier=normal_identifier(data["identifier"].strip()),
        creators=tuple(creators),
        date=data.get("date", ""),
        publisher=data.get("publisher", "").strip(),
        rights=data.get("rights", "").strip(),
        copyright=data["copyright"].strip() if "copyright" in data else None,
        description=data.get("description", "").strip(),
        source=data.get("source", "").strip(),
        edition=data.get("edition", "").strip(),
        slug=data.get("slug") or slugify(data["title"]),
        strings=overrides,
        epub_isbn=epub_isbn,
        print_isbn=print_options.isbn,
    )
    epub_values: dict[str, Any] = {k: v.strip() if isinstance(v, str) else v for k, v in epub_table.items()}
    if "isbn" in epub_values:
        epub_values["isbn"] = isbn13(epub_values["isbn"])
    return Config(
        root=root,
        path=path,
        metadata=metadata,
        contents=tuple(contents),
        print=print_options,
        epub=EpubOptions(**epub_values),
        pdfa=pdfa,
        bibliography=data.get("bibliography", "").strip(),
        csl=data.get("csl", "").strip() or DEFAULT_CSL,
        key_lines=(("bibliography", keys.of("bibliography")), ("csl", keys.of("csl"))),
    )
