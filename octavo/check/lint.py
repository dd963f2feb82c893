"""Lint checks on a parsed Book, each with a stable id.

The parser already reports what parsing reveals (headings, undefined,
unused and duplicate notes). These checks look at the finished Book: what
typography normalisation left behind, spacing, files the contents leave
out, images, characters the book face cannot print (an error when no
installed font has them either: fontconfig's ``fc-list`` is asked), and
tables too wide for the print measure.
"""

from __future__ import annotations

import os
import re
import struct
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from octavo.check.heads import running_heads
from octavo.config.book import language_problem
from octavo.config.printspec import (
    COLUMN_GAP_EMS,
    MIN_COLUMN_EMS,
    TABLE_TYPE,
    PrintOptions,
    estimate_pages,
    number_width,
)
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Node, Section
from octavo.source import gate, pictures
from octavo.source.styles import Styles, fallback_families, glyph_name
from octavo.source.tables import column_figures, number_columns
from octavo.strings import for_metadata

DOUBLE_SPACE = re.compile(r"\S  +\S")
#: Image syntax markdown-it refused to turn into an image (file:, data:, javascript: …) and left as text.
#: Linear: possessive, and alt text holds no bracket (a run of ``![`` is not rescanned from each).
REFUSED_IMAGE = re.compile(r"!\[[^\[\]]*+\]\(\s*+<?([A-Za-z][\w+.-]*+:[^)\s>]*+)")


def _text_runs(section: Section) -> Iterator[tuple[Node, Node | None, Path]]:
    """(node, next sibling) pairs over the section's and its notes' inline content."""
    for root in section.all_blocks:
        for node in root.walk():
            kids = node.children
            for i, child in enumerate(kids):
                yield child, kids[i + 1] if i + 1 < len(kids) else None, section.file


def check_typography(book: Book, diags: Diagnostics) -> None:
    for section in book.sections:
        for node, following, path in _text_runs(section):
            if node.type != "text":
                continue
            text = node.text
            if '"' in text or "'" in text:
                diags.warning(
                    path,
                    node.line,
                    "straight-quote",
                    "a straight quote was left after normalisation; use “ ” or ’",
                )
            if "--" in text:
                diags.warning(path, node.line, "double-hyphen", "'--' left after normalisation")
            if DOUBLE_SPACE.search(text):
                diags.warning(path, node.line, "double-space", "two spaces between words")
            if following is not None and following.type == "noteref" and text[-1:].isspace():
                diags.warning(
                    path,
                    following.line,
                    "space-before-call",
                    f"space before note call {following.attr('number')}: "
                    "attach the call to the word or punctuation before it",
                )


#: Markup that did not take and was printed as text: (pattern, why). Each pattern is linear
#: (no nested quantifiers); code spans and code blocks are not text nodes, so they are never read.
MARKUP_AS_TEXT = (
    (
        re.compile(r"\]\s+\{[^{}\n]{1,200}\}"),
        "attributes after a space are printed as text: write [words]{lang=fr} with no space before '{'",
    ),
    (
        re.compile(r"\]\{[^{}\n]{0,200}\}"),
        "this '{...}' after ']' is not an attribute list and was printed as text "
        "(write {lang=fr}, {#id} or {.class}: key=value, with '=')",
    ),
    (
        re.compile(r"!?\[[^\[\]\n]{0,500}\]\([^()\s<>]+ [^()<>\n]{0,500}\)"),
        "a link or picture whose address holds a space was printed as text: "
        "write the address in angle brackets, ![...](<my picture.png>)",
    ),
    (
        re.compile(r"\[\^[^\[\]\s]{0,100}\s+\]"),
        "a note call with a space in its label was printed as text: write [^label], with no space",
    ),
    (
        re.compile(r"^\]\((?:[a-z][a-z0-9+.-]*:|[/#.])[^()\s]{0,500}\)"),
        "link syntax printed as text: a link's text cannot hold a note call; put the call after the link",
    ),
)


def _text_spans(section: Section) -> Iterator[tuple[str, int]]:
    """(text, line) of each run of adjacent text nodes, in the section and its notes: markdown-it
    cuts text at brackets, so what a reader sees as one phrase can be several nodes."""
    for root in section.all_blocks:
        for node in root.walk():
            run: list[Node] = []
            for child in (*node.children, None):
                if child is not None and child.type == "text":
                    run.append(child)
                    continue
                if run:
                    yield "".join(n.text for n in run), run[0].line
                run = []


def check_markup_as_text(book: Book, diags: Diagnostics) -> None:
    """Warn (``markup-as-text``) where Markdown that was meant as markup reached the text as
    characters: span attributes after a space or not in ``key=value`` form, an address with a space
    not in angle brackets (CommonMark 0.31, 6.3: a link destination holds no space unless in ``<>``)."""
    for section in book.sections:
        for text, line in _text_spans(section):
            if "]" not in text:
                continue
            for pattern, why in MARKUP_AS_TEXT:
                for found in pattern.finditer(text):
                    diags.warning(section.file, line, "markup-as-text", f"{found.group(0)!r}: {why}")


def check_headings(book: Book, diags: Diagnostics) -> None:
    """The headings under a section's title: no second '#' (``heading-multiple``: a file is one
    section), no level skipped (``heading-skip``: '###' right after the title, say), in the text's
    order; a level is read from the heading node the parser made (headings in notes are not
    outline and are not checked)."""
    for section in book.sections:
        previous = 1
        for block in section.blocks:
            for node in block.walk():
                if node.type != "heading":
                    continue
                level = int(node.attr("level", "2"))
                if level == 1:
                    diags.error(
                        section.file,
                        node.line,
                        "heading-multiple",
                        "a second '#' heading: each file holds one section, with one title",
                    )
                elif level > previous + 1:
                    diags.error(
                        section.file,
                        node.line,
                        "heading-skip",
                        f"heading level {level} follows level {previous}: a level is skipped",
                    )
                previous = level


def check_unlisted(book: Book, diags: Diagnostics) -> None:
    listed = {s.file.resolve() for s in book.sections}
    for path in sorted(book.root.glob("*.md")):
        if path.resolve() not in listed:
            diags.warning(path, 0, "file-unlisted", "Markdown file is not listed in book.toml's contents")


def check_images(book: Book, diags: Diagnostics) -> None:
    """Every picture (in the text, in notes of both kinds, in titles) through the gate, as it is
    read, decoded by Pillow to the end; each named by its real name (see ``octavo.source.pictures``)."""
    seen: dict[str, list[tuple[str, str, str]]] = {}
    for where, node in gate.book_nodes(book):
        if node.type == "text" and (match := REFUSED_IMAGE.search(node.text)):
            diags.error(
                where,
                node.line,
                "image-outside",
                f"image {match.group(1)!r} is refused: octavo uses only files in the manuscript folder",
            )
        if node.type != "image":
            continue
        src = node.attr("src")
        try:
            name = gate.reference_name(src)
        except gate.Refused:
            name = src
        if name not in seen:
            seen[name] = inspect_image(book.root, src, name)
        for severity, problem, message in seen[name]:
            getattr(diags, severity)(where, node.line, problem, message)
        check_alt(node, name, where, diags)


def check_alt(node: Node, name: str, where: Path, diags: Diagnostics) -> None:
    """A picture says what it shows, or is marked ``{.decorative}`` and says nothing."""
    decorative = "decorative" in node.attr("class").split()
    described = bool(node.attr("alt").strip())
    if decorative and described:
        message = f"image {name!r} is marked {{.decorative}} but has alt text: keep one or the other"
        diags.error(where, node.line, "image-alt", message)
    elif not decorative and not described:
        message = (
            f"image {name!r} has no alt text: describe it, or mark it {{.decorative}} if it only decorates"
        )
        diags.error(where, node.line, "image-alt", message)


MAX_IMAGE_BYTES = 1_500_000
MAX_IMAGE_PIXELS = 4_000_000
#: The most pixels the print PDF's writer decodes: Pillow's decompression-bomb limit, past which
#: WeasyPrint leaves a picture out of the PDF (the EPUB would still ship it).
DECODE_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485


def inspect_image(root: Path, src: str, name: str) -> list[tuple[str, str, str]]:
    """(severity, id, message) for one picture: refused by the gate, more pixels than the print
    PDF's writer decodes (read from the header alone), not decodable to the end by Pillow, or too
    big for e-readers (> 1.5 MB or > 4 megapixels)."""
    problems: list[tuple[str, str, str]] = []
    too_large = (
        f"image {name!r} has more than {DECODE_PIXELS / 1e6:.1f} megapixels, more than the print PDF "
        "can decode: it would be missing from the PDFs (scale it down; 4 megapixels fill a page)"
    )
    try:
        with gate.open_file(root, gate.reference(root, src)) as handle:
            size = os.fstat(handle.fileno()).st_size
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    with Image.open(handle) as header:
                        if header.width * header.height > DECODE_PIXELS:
                            return [("error", "image-too-large", too_large)]
            except Image.DecompressionBombError:
                return [("error", "image-too-large", too_large)]
            except (OSError, ValueError, SyntaxError, struct.error, zlib.error, EOFError):
                pass  # pictures.decode says why
            handle.seek(0)
            image = pictures.decode(handle)
            pixels = image.width * image.height
    except gate.Refused as refused:
        if refused.kind == "outside":
            return [("error", "image-outside", f"image {name!r} is outside the manuscript folder")]
        if refused.kind == "missing":
            return [("error", "image-missing", f"image {name!r} not found")]
        return [("error", "image-unreadable", f"image {name!r} cannot be read: {refused}")]
    except pictures.Unreadable as exc:
        return [("error", "image-unreadable", f"image {name!r} is not a picture octavo can read: {exc}")]
    if size > MAX_IMAGE_BYTES:
        message = f"image {name!r} is {size / 1e6:.1f} MB (keep images under 1.5 MB)"
        problems.append(("warning", "image-large", message))
    if pixels > MAX_IMAGE_PIXELS:
        message = f"image {name!r} has {pixels / 1e6:.1f} megapixels (keep under 4)"
        problems.append(("warning", "image-large", message))
    return problems


def check_image_size(root: Path, path: Path, where: Path, line: int, diags: Diagnostics) -> None:
    """``inspect_image``'s problems for the file ``path`` under ``root``, as diagnostics at ``where``."""
    for severity, ident, message in inspect_image(root, path.relative_to(root).as_posix(), path.name):
        getattr(diags, severity)(where, line, ident, message)


def check_languages(book: Book, diags: Diagnostics) -> None:
    """Every lang attribute a valid BCP 47 tag."""
    for section in book.sections:
        for block in section.all_blocks:
            for node in block.walk():
                tag = node.attr("lang")
                if tag and (why := language_problem(tag)):
                    diags.error(section.file, node.line, "lang-invalid", why)


def check_glyphs(book: Book, styles: Styles, diags: Diagnostics) -> None:
    """Every character of the text, the metadata and octavo's own words (``octavo.strings``, with
    ``[strings]``) is in the book face, or in a font installed (a warning), else an error."""
    missing = styles.missing_glyphs(book.text_chars() | for_metadata(book.metadata).chars())
    for ch in missing:
        where = next(
            ((s.file, n.line) for s in book.sections for b in s.all_blocks for n in b.walk() if ch in n.text),
            (book.root / "book.toml", 0),
        )
        families = fallback_families(ch)
        if families == []:
            diags.error(
                where[0],
                where[1],
                "glyph-missing",
                f"{glyph_name(ch)} is not in {styles.typeface} nor in any installed font: "
                "it would print as a box (.notdef)",
            )
        elif families is None:
            diags.warning(
                where[0],
                where[1],
                "glyph-missing",
                f"{glyph_name(ch)} is not in {styles.typeface}; fontconfig's fc-list is not installed "
                "to tell whether another font has it",
            )
        else:
            diags.warning(
                where[0],
                where[1],
                "glyph-missing",
                f"{glyph_name(ch)} is not in {styles.typeface}: it would print from another font "
                f"({', '.join(families[:3])})",
            )


def table_widths(table: Node) -> list[float]:
    """The least width of each column of a table in print, in ems of its type: ``MIN_COLUMN_EMS``,
    or a column of figures' longest number (never broken, ``number_width``) if that is wider."""
    columns = max(
        (sum(c.type in ("th", "td") for c in row.children) for row in table.walk() if row.type == "tr"),
        default=0,
    )
    numbers = number_columns(table)
    return [
        max(
            MIN_COLUMN_EMS,
            max((number_width(n) for n in column_figures(table, i)), default=0) if i in numbers else 0,
        )
        for i in range(columns)
    ]


def check_tables(book: Book, options: PrintOptions, diags: Diagnostics) -> None:
    """A table the print measure cannot set is an error (``table-too-wide``): more columns than
    ``PrintOptions.max_table_columns``, or columns of figures too wide, set whole, beside the others.

    The measure is the one the book's estimated page count gives (the
    gutter grows with it).
    """
    pages = estimate_pages(book, options)
    most = options.max_table_columns(pages)
    room = options.table_room(pages)
    size = TABLE_TYPE * options.font_size
    inches = options.measure(pages) / 72
    for section in book.sections:
        for block in section.all_blocks:
            for node in block.walk():
                if node.type != "table":
                    continue
                widths = table_widths(node)
                need = sum(widths) + COLUMN_GAP_EMS * max(0, len(widths) - 1)
                if len(widths) > most:
                    message = (
                        f"a table of {len(widths)} columns cannot be set in the {inches:.2f} in "
                        f"text block: at most {most} fit at {size:.1f} pt"
                    )
                elif need > room:
                    wide = [str(i + 1) for i, w in enumerate(widths) if w > MIN_COLUMN_EMS]
                    named = f"column {wide[0]}" if len(wide) == 1 else f"columns {', '.join(wide)}"
                    message = (
                        f"a table cannot be set in the {inches:.2f} in text block at {size:.1f} pt: "
                        f"with the figures of {named} set whole (never broken) it needs "
                        f"{need * size / 72:.2f} in"
                    )
                else:
                    continue
                diags.error(
                    section.file,
                    node.line,
                    "table-too-wide",
                    f"{message}; split the table or give it fewer columns",
                )


def run_checks(book: Book, styles: Styles, diags: Diagnostics, options: PrintOptions | None = None) -> None:
    """Every lint check, in a fixed order; ``options`` is the book's [print] table (defaults if None)."""
    check_headings(book, diags)
    check_typography(book, diags)
    check_markup_as_text(book, diags)
    check_unlisted(book, diags)
    check_images(book, diags)
    check_languages(book, diags)
    check_glyphs(book, styles, diags)
    check_tables(book, options or PrintOptions(), diags)
    check_running_heads(book, styles, options or PrintOptions(), diags)


def check_running_heads(book: Book, styles: Styles, options: PrintOptions, diags: Diagnostics) -> None:
    """A running head too wide for one line of the print edition is cut at a word with an
    ellipsis (``check/heads.py``): a warning (``head-too-long``) at the line of its text, the
    section's ``#`` title (or book.toml's ``title``), or the ``short_title`` still too long."""
    if not styles.faces:
        return  # no face to measure with: styles-no-font is reported
    for cut in running_heads(book, styles, options).shortened:
        diags.warning(
            cut.file,
            cut.line,
            "head-too-long",
            f"the running head {cut.text[:60] + ('…' if len(cut.text) > 60 else '')!r} does not fit on one "
            f"line of the print edition: it is printed as {cut.head!r}; give a shorter short_title in "
            "book.toml (top level for the book, in its [[contents]] entry for a section)",
        )
