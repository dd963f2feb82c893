"""The registry of diagnostic ids: every id octavo can print, in one table.

Each id is printed in one of three forms (its ``kind``):

- ``diagnostic``: ``file:line: id: message`` (``file: id: message`` with no
  line; ``warning:`` before the id of a warning), from a ``Diagnostic``;
- ``command``: a refusal of ``octavo new``, ``catalogue`` or ``preview``
  before any manuscript is read (``DIR: new-exists: …``);
- ``rule``: a ``--preflight`` rule, printed ``pass`` or ``FAIL`` with its
  name.

The code keeps its ids as string literals where it emits them; this table
says what each means. ``tests/test_registry.py`` walks the package's syntax
tree and fails on an id emitted but not registered, on an id registered
but never emitted, on an emitted severity the entry does not allow, and on
an id no test triggers; the README's table of diagnostics
(``python -m octavo.registry --markdown``) is written from this one.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
BOTH = "both"  # an id emitted both ways


@dataclass(frozen=True)
class Entry:
    """One id: its severity (``error``, ``warning`` or ``both``), what it means in one line, the
    README heading (its GitHub anchor) where it is explained, and how it is printed."""

    id: str
    severity: str
    anchor: str
    meaning: str
    kind: str = "diagnostic"


_E, _W = ERROR, WARNING

#: Every id, grouped as the pipeline meets them: book.toml, files, the text, the build, referees,
#: commands, preflight rules.
ENTRIES: tuple[Entry, ...] = (
    # book.toml
    Entry("manuscript-missing", _E, "diagnostics", "the manuscript folder does not exist"),
    Entry("config-missing", _E, "diagnostics", "the manuscript folder has no `book.toml`"),
    Entry("config-syntax", _E, "in-booktoml", "`book.toml` is not valid TOML"),
    Entry(
        "config-unknown-key",
        _E,
        "in-booktoml",
        "a key octavo does not know (the message lists those it does)",
    ),
    Entry(
        "config-missing-key", _E, "in-booktoml", "a required key, `[[creators]]` or `[[contents]]` is absent"
    ),
    Entry("config-type", _E, "in-booktoml", "a value of the wrong type (a string for a number, say)"),
    Entry("config-empty", _E, "diagnostics", "a required text key that is empty or blank"),
    Entry("config-language", _E, "in-booktoml", "`language` is not a valid BCP 47 tag"),
    Entry(
        "config-identifier", _E, "diagnostics", "`identifier` has no scheme, or is not a valid UUID or ISBN"
    ),
    Entry("config-date", _E, "diagnostics", "`date` is not a valid date"),
    Entry(
        "config-isbn",
        _E,
        "diagnostics",
        "an `[epub]` or `[print]` `isbn` is not an ISBN (check digit, length, prefix), or both are one",
    ),
    Entry("config-price", _E, "diagnostics", "a `price` is not a currency code and an amount (`USD 18.00`)"),
    Entry("config-territory", _E, "diagnostics", "a `territory` is neither `WORLD` nor country codes"),
    Entry("config-slug", _E, "diagnostics", "`slug` is not lower-case letters, digits and hyphens"),
    Entry("config-role", _E, "diagnostics", "a creator's `role` is not one octavo knows"),
    Entry("config-kind", _E, "in-booktoml", "a section's `kind` is not one octavo knows"),
    Entry("config-trim", _E, "diagnostics", "`[print] trim` is neither a named size nor dimensions"),
    Entry("config-paper", _E, "diagnostics", "`[print] paper` is not one octavo knows"),
    Entry("config-vendor", _E, "diagnostics", "`[print] vendor` is not one octavo knows"),
    Entry("config-range", _E, "diagnostics", "`[print] font_size` or `leading` out of its range"),
    Entry(
        "config-strings",
        _E,
        "generated-words",
        "a `[strings]` value that is not a string or plural forms, or uses a field its key lacks",
    ),
    Entry(
        "language-fallback",
        _W,
        "generated-words",
        "octavo has no words of its own in the book's `language`: they are written in English",
    ),
    Entry("config-pdfa", _E, "diagnostics", "`[archive] pdfa` is neither 2b nor 3b"),
    Entry(
        "config-key-too-long",
        _E,
        "limits",
        "a dotted key of more than 16 parts in `book.toml`, refused before parsing",
    ),
    Entry("contents-missing", _E, "files-and-headings", "a file listed in `contents` is absent"),
    Entry("contents-duplicate", _E, "diagnostics", "a file listed twice in `contents`"),
    Entry(
        "contents-outside",
        _E,
        "diagnostics",
        "a file listed in `contents` is outside the manuscript folder (`../`, absolute, symlink)",
    ),
    Entry(
        "config-outside",
        _E,
        "citations",
        "`bibliography` or a `csl` file outside the manuscript folder (`../`, absolute, symlink)",
    ),
    # citations
    Entry(
        "bibliography-invalid",
        _E,
        "citations",
        "the `bibliography` is missing, unreadable, not CSL-JSON, or has an entry citeproc-py cannot read",
    ),
    Entry(
        "csl-invalid",
        _E,
        "citations",
        "`csl` names no shipped style, or a file that is not a CSL style citeproc-py can render",
    ),
    Entry("cite-unknown", _E, "citations", "a citation key that is not in the bibliography"),
    Entry(
        "cite-no-bibliography",
        _E,
        "citations",
        "a citation, or a generated bibliography section, with no `bibliography` in `book.toml`",
    ),
    Entry(
        "bibliography-empty", _W, "citations", "a bibliography section in a book that cites nothing: left out"
    ),
    # reading files
    Entry(
        "file-too-large",
        _E,
        "limits",
        "a Markdown file over 8 MB or a `book.toml` over 256 kB, refused unread",
    ),
    Entry(
        "nesting-too-deep",
        _E,
        "limits",
        "quotes or lists nested past 47 levels, or `book.toml` arrays and inline tables past 32",
    ),
    Entry(
        "file-missing",
        _E,
        "diagnostics",
        "a file gone (or a folder) when octavo came to read it, after it was listed",
    ),
    Entry("file-unreadable", _E, "diagnostics", "a file the system will not let octavo read"),
    Entry("not-utf8", _E, "diagnostics", "a file that is not UTF-8 (the byte offset is named)"),
    Entry("nul-byte", _E, "diagnostics", "a NUL byte in a Markdown file or `book.toml`"),
    Entry(
        "control-char",
        _E,
        "diagnostics",
        "a control character (U+0001–U+001F but tab and line ends), U+FFFE or U+FFFF: XML cannot hold it",
    ),
    Entry(
        "file-unlisted", _W, "files-and-headings", "a Markdown file in the folder that `contents` leaves out"
    ),
    # the text
    Entry(
        "paragraph-too-long",
        _E,
        "limits",
        "a paragraph, heading or table cell of more than 262,144 characters",
    ),
    Entry("heading-missing", _E, "files-and-headings", "a file that does not start with its one `#` title"),
    Entry(
        "heading-multiple",
        _E,
        "files-and-headings",
        "a second `#` heading in a file: each file is one section",
    ),
    Entry("heading-skip", _E, "files-and-headings", "a heading level skipped (`###` under `#`)"),
    Entry(
        "head-too-long",
        _W,
        "running-heads",
        "a running head wider than its line in print: cut at a word with an ellipsis",
    ),
    Entry("heading-empty", _E, "diagnostics", "a `#` title with no text"),
    Entry("section-empty", _E, "diagnostics", "a section with a title and no text"),
    Entry("note-undefined", _E, "notes", "a note call with no note"),
    Entry("note-unused", _E, "notes", "a note that nothing calls"),
    Entry("note-duplicate", _E, "diagnostics", "a note defined twice in a file"),
    Entry("note-in-note", _E, "diagnostics", "a note called inside a note"),
    Entry("note-empty", _E, "diagnostics", "a note with no text"),
    Entry("space-before-call", _W, "notes", "a space before a note call"),
    Entry("link-unresolved", _E, "links-and-ids-in-the-text", "a link within the book that leads to nothing"),
    Entry(
        "link-invalid",
        _W,
        "links-and-ids-in-the-text",
        "a link out of the book with an unregistered scheme or no valid host, printed as text",
    ),
    Entry("id-duplicate", _E, "links-and-ids-in-the-text", "an id given twice in the book"),
    Entry("pageref-target", _E, "page-references", "a page reference that leads out of the book"),
    Entry(
        "pageref-no-pages",
        _W,
        "page-references",
        "a page reference in a book whose EPUB has no print page-list: it prints no page there",
    ),
    Entry("index-term", _E, "index", "an index mark whose entry, or a level of it, is empty"),
    Entry("index-see-target", _W, "index", "an `index-see` whose target no mark makes an entry"),
    Entry("index-range", _E, "index", "an `index-range` that is not start or end, never ends or closes none"),
    Entry(
        "pageref-unstable",
        _E,
        "page-references",
        "a page reference whose folio is not its target's page after the layouts allowed",
    ),
    Entry("id-reserved", _E, "links-and-ids-in-the-text", "an id octavo gives itself"),
    Entry(
        "lang-invalid",
        _E,
        "words-characters-and-pictures",
        "a `lang` attribute that is not a valid BCP 47 tag",
    ),
    Entry(
        "table-too-wide",
        _E,
        "words-characters-and-pictures",
        "a table the print measure cannot set: too many columns, or columns of figures too wide",
    ),
    Entry("straight-quote", _W, "words-characters-and-pictures", "a straight quote octavo could not curl"),
    Entry("double-hyphen", _W, "diagnostics", "`--` left after normalisation"),
    Entry("double-space", _W, "words-characters-and-pictures", "two spaces between words"),
    Entry(
        "html-removed",
        _W,
        "diagnostics",
        "raw HTML removed from the text (an element octavo does not keep, or one left open)",
    ),
    Entry(
        "markup-as-text",
        _W,
        "words-characters-and-pictures",
        "Markdown meant as markup printed as text: span attributes after a space or without `=`, "
        "an address with a space not in `<...>`",
    ),
    Entry(
        "attr-unknown",
        _W,
        "words-characters-and-pictures",
        "an attribute in `{...}` that octavo does not keep (only id, class, lang, dir, title): dropped",
    ),
    Entry(
        "glyph-missing",
        BOTH,
        "words-characters-and-pictures",
        "a character the book face lacks: warning if another font has it, error if none or printed as a box",
    ),
    # pictures
    Entry("image-missing", _E, "words-characters-and-pictures", "a picture not found"),
    Entry(
        "image-outside",
        _E,
        "words-characters-and-pictures",
        "a picture outside the manuscript folder (`..`, absolute, a link out) or a URL",
    ),
    Entry(
        "image-unreadable",
        _E,
        "words-characters-and-pictures",
        "a picture Pillow cannot decode to the end (damaged, cut short, not a picture)",
    ),
    Entry(
        "image-too-large",
        _E,
        "limits",
        "a picture of more than 89.5 megapixels, more than the print PDF decodes",
    ),
    Entry(
        "image-alt",
        _E,
        "words-characters-and-pictures",
        "a picture with no alt text, or a decorative one with some",
    ),
    Entry("image-large", _W, "diagnostics", "a picture over 1.5 MB or 4 megapixels, heavy for e-readers"),
    # the build
    Entry(
        "out-not-folder",
        _E,
        "diagnostics",
        "`--out` names a file, or a folder under a file (at `--check` too)",
    ),
    Entry("out-in-manuscript", _E, "the-build", "the output folder is the manuscript folder or inside it"),
    Entry("out-in-styles", _E, "the-build", "the output folder is the styles folder or inside it"),
    Entry("out-locked", _E, "the-build", "another build is writing to the output folder"),
    Entry(
        "styles-missing",
        _E,
        "the-build",
        "a file octavo needs is missing from the styles folder (or the folder itself)",
    ),
    Entry("styles-outside", _E, "the-build", "a file of the styles folder is a link that leads out of it"),
    Entry("styles-no-font", _E, "the-build", "the styles folder has no font"),
    Entry("template-error", _E, "the-build", "a template of the styles folder does not render"),
    Entry(
        "fetch-refused",
        _E,
        "the-build",
        "the styles or the manuscript asked for a file from the network or outside both folders",
    ),
    Entry(
        "epub-xhtml",
        _E,
        "diagnostics",
        "a rendered EPUB document that is not well-formed XHTML (a bug in octavo or the templates)",
    ),
    Entry(
        "internal-error",
        _E,
        "diagnostics",
        "a build or `preview` failed with a bug in octavo or a system error (a full disk)",
    ),
    # referees
    Entry(
        "referee-failed",
        _E,
        "command-line",
        "an output failed its referee and is not moved into the output folder",
    ),
    Entry(
        "referee-warning",
        _W,
        "command-line",
        "a referee's warning (EPUBCheck's warnings, usage notes): fails nothing, even with `--strict`",
    ),
    Entry(
        "print-lost",
        _E,
        "command-line",
        "fidelity referee: a word of the manuscript is not on its section's pages (or note areas)",
    ),
    Entry(
        "print-misplaced",
        _E,
        "command-line",
        "fidelity referee: a note not on its call's page, or jumping pages",
    ),
    Entry(
        "print-overflow",
        _E,
        "command-line",
        "fidelity referee: a glyph or picture off the trim box or the text area, or text on a picture",
    ),
    # commands
    Entry(
        "new-exists",
        _E,
        "start-a-new-book",
        "`octavo new`: the folder is a file, or not empty",
        kind="command",
    ),
    Entry("new-title", _E, "diagnostics", "`octavo new`: an empty `--title`", kind="command"),
    Entry("new-author", _E, "diagnostics", "`octavo new`: an empty `--author`", kind="command"),
    Entry(
        "new-language",
        _E,
        "diagnostics",
        "`octavo new`: `--language` is not a valid BCP 47 tag",
        kind="command",
    ),
    Entry("new-unwritable", _E, "diagnostics", "`octavo new`: a file could not be written", kind="command"),
    Entry("catalogue-missing", _E, "diagnostics", "`octavo catalogue`: DIR is not a folder", kind="command"),
    Entry(
        "catalogue-empty",
        _E,
        "diagnostics",
        "`octavo catalogue`: no folder under DIR holds a `book.toml`",
        kind="command",
    ),
    Entry(
        "catalogue-cluster",
        _E,
        "diagnostics",
        "`octavo catalogue --scheduler`: Dask is not installed",
        kind="command",
    ),
    # preflight rules (pass or FAIL)
    Entry("page-size", _E, "preflight", "every page equals the trim, plus bleed when on", kind="rule"),
    Entry("fonts-embedded", _E, "preflight", "every font is embedded", kind="rule"),
    Entry("annotations", _E, "preflight", "no links or annotations in the print interior", kind="rule"),
    Entry("page-count", _E, "preflight", "an even page count within the vendor's range", kind="rule"),
    Entry("margins", _E, "preflight", "no text inside the vendor's gutter and edge minimums", kind="rule"),
    Entry("boxes", _E, "preflight", "TrimBox ⊆ BleedBox ⊆ MediaBox on every page", kind="rule"),
    Entry("pdf-x", _E, "preflight", "IngramSpark: the interior keeps the PDF/X-3 rules", kind="rule"),
    Entry(
        "cover-size", _E, "preflight", "the cover matches the formula for the real page count", kind="rule"
    ),
    Entry(
        "spine-text",
        _E,
        "preflight",
        "spine text only from the vendor's page count, clear of the folds",
        kind="rule",
    ),
    Entry(
        "blank-end",
        _E,
        "preflight",
        "at most 10 blank pages at the end of the interior (Amazon's distribution requirements)",
        kind="rule",
    ),
    Entry(
        "type-size",
        _E,
        "preflight",
        "no type under 7 pt in the interior: text, notes, note calls, heads",
        kind="rule",
    ),
    Entry(
        "resolution",
        _E,
        "preflight",
        "every picture ≥ 300 ppi at its printed size (`warn` from 200, `FAIL` below)",
        kind="rule",
    ),
    Entry("underfull", _E, "preflight", "no page short of text but where a section ends", kind="rule"),
)

REGISTRY: dict[str, Entry] = {entry.id: entry for entry in ENTRIES}

#: The ids the code builds with an f-string, as the code writes the f-string (each ``{…}`` as
#: ``{}``), and every id each can make: ``tests/test_registry.py`` checks both against the code.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "config-{}": (  # config/book.py
        "config-role",
        "config-kind",
        "config-paper",
        "config-vendor",
        "config-isbn",
        "config-price",
        "config-territory",
    ),
    "out-in-{}": ("out-in-manuscript", "out-in-styles"),  # build/pipeline.py: check_out_dir
}


def _shown(entry: Entry) -> str:
    if entry.kind == "rule":
        return "`FAIL` (preflight rule)"
    if entry.kind == "command":
        return "error (command)"
    return "error or warning" if entry.severity == BOTH else entry.severity


def markdown() -> str:
    """The README's table of every id (between its ``registry`` markers)."""
    rows = ["| id | severity | meaning |", "| --- | --- | --- |"]
    for entry in ENTRIES:
        rows.append(f"| [`{entry.id}`](#{entry.anchor}) | {_shown(entry)} | {entry.meaning} |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m octavo.registry [--markdown]``: the table, as Markdown or one id a line."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--markdown"]:
        sys.stdout.write(markdown())
        return 0
    if args:
        print("usage: python -m octavo.registry [--markdown]", file=sys.stderr)
        return 2
    for entry in ENTRIES:
        print(f"{entry.id:<20} {entry.severity:<8} {entry.meaning}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
