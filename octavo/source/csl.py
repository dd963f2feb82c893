"""The bibliography and the citation style a book names, read and checked for citeproc-py.

``bibliography = "refs.json"`` is CSL-JSON (CSL 1.0.2, "CSL-JSON": an array of items, each
with a string ``id`` and ``type``); ``csl`` is a style octavo ships (``styles/csl``, named by
file stem) or a ``.csl`` file of the manuscript. Both are read through the gate (inside the
manuscript folder). A style is checked by rendering, with citeproc-py, a book, an article and a
chapter cited and listed: a style citeproc-py cannot render is refused (``csl-invalid``) here,
never at a citation. What citeproc-py 0.11 lacks of CSL is supplied by ``cslfixes``.
"""

from __future__ import annotations

import io
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from octavo.diagnostics import Diagnostics
from octavo.locations import styles_root
from octavo.source import gate
from octavo.source.cslfixes import (
    CSL_NS,
    citeproc_locale,
    macros,
    patched,
    punctuation_in_quote,
    quote_punctuation,
    supply_initialize,
)

_NS = {"cs": CSL_NS}
#: Largest bibliography or style file read.
MAX_BYTES = 8 * 1024 * 1024
#: The names roles an author's place falls to, in order (CSL 1.0.2, "Names": substitution).
AUTHOR_ROLES = ("author", "editor", "translator")


def shipped_styles() -> dict[str, Path]:
    """Stem -> file of the CSL styles octavo ships (``styles/csl/*.csl``)."""
    folder = styles_root() / "csl"
    return {p.stem: p for p in sorted(folder.glob("*.csl"))} if folder.is_dir() else {}


@dataclass(frozen=True)
class Style:
    """A CSL style citeproc-py renders: its name, class (``note`` or ``in-text``), the XML as
    citeproc-py is to read it, whether it has a ``cs:bibliography``, its ``default-locale``."""

    name: str
    note: bool
    xml: bytes
    has_bibliography: bool
    locale: str = ""


def _read(root: Path, name: str, style: bool, where: tuple[Path, int], diags: Diagnostics) -> bytes | None:
    """The bytes of ``name`` inside ``root`` (``style``: a CSL file, else the bibliography); else
    ``config-outside``, or ``csl-invalid`` / ``bibliography-invalid``, reported."""
    path, line = where
    try:
        return gate.read(root, name, MAX_BYTES)
    except gate.Refused as refused:
        why = {
            "outside": "is outside the manuscript folder; octavo reads only the book's own files",
            "missing": "does not exist (or is not a file)",
        }.get(refused.kind, f"cannot be read: {refused}")
        outside = refused.kind == "outside"
        ident = "config-outside" if outside else ("csl-invalid" if style else "bibliography-invalid")
        diags.error(path, line, ident, f"{name} {why}")
        return None


def load_style(value: str, root: Path, where: tuple[Path, int], diags: Diagnostics) -> Style | None:
    """The style ``csl`` names: a shipped one by stem, or a ``.csl`` file inside ``root``.

    ``where`` is (book.toml, line of ``csl``). Errors: ``csl-invalid`` (unknown name, unreadable,
    not XML, not a CSL style, not rendered by citeproc-py), ``config-outside``."""
    path, line = where
    shipped = shipped_styles()
    if value.endswith(".csl"):
        data = _read(root, value, True, where, diags)
    elif value in shipped:
        data = shipped[value].read_bytes()
    else:
        names = ", ".join(shipped)
        diags.error(
            path, line, "csl-invalid", f"no style {value!r} (octavo ships {names}; or name a .csl file)"
        )
        return None
    if data is None:
        return None
    try:
        tree = etree.parse(io.BytesIO(data), etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        diags.error(path, line, "csl-invalid", f"{value} is not XML: {exc}")
        return None
    xml = tree.getroot()
    layout = xml.find("cs:citation/cs:layout", _NS)
    if xml.tag != f"{{{CSL_NS}}}style" or layout is None or xml.get("class") not in ("note", "in-text"):
        why = "a CSL style (cs:style with class note or in-text, and a cs:citation layout)"
        diags.error(path, line, "csl-invalid", f"{value} is not {why}")
        return None
    if xml.find("cs:info/cs:link[@rel='independent-parent']", _NS) is not None:
        diags.error(path, line, "csl-invalid", f"{value} is a dependent style: name its parent style instead")
        return None
    supply_initialize(xml)
    has_bibliography = xml.find("cs:bibliography", _NS) is not None
    note = xml.get("class") == "note"
    style = Style(value, note, etree.tostring(xml), has_bibliography, xml.get("default-locale", ""))
    problem = _trial(style)
    if problem:
        diags.error(path, line, "csl-invalid", f"citeproc-py cannot render {value}: {problem}")
        return None
    return style


#: What a style must render to be accepted: a book, an article, a chapter with two authors and an editor.
_TRIAL = [
    {"id": "b", "type": "book", "title": "T", "author": [{"family": "A", "given": "B"}],
     "publisher": "P", "publisher-place": "X", "issued": {"date-parts": [[1941]]}},
    {"id": "a", "type": "article-journal", "title": "T", "author": [{"family": "C", "given": "D"}],
     "container-title": "J", "volume": "3", "page": "13-33", "issued": {"date-parts": [[1946, 5]]}},
    {"id": "c", "type": "chapter", "title": "T", "author": [{"family": "E"}, {"family": "F"}],
     "editor": [{"family": "G"}], "container-title": "B", "page": "1-20", "issued": {"date-parts": [[2000]]}},
]  # fmt: skip


def _trial(style: Style) -> str:
    """Why citeproc-py fails on ``style`` ('' when it renders every trial citation and entry)."""
    try:
        citer = Citer(style, {str(r["id"]): r for r in _TRIAL})
        for key, locator in (
            ("b", ("12", "page")),
            ("a", ("", "")),
            ("c", ("2", "chapter")),
            ("b", ("", "")),
        ):
            citer.cite([{"key": key, "prefix": "", "suffix": "", "locator": locator[0], "label": locator[1],
                         "suppress": False}])  # fmt: skip
        citer.cite([{"key": "a", "prefix": "", "suffix": "", "locator": "", "label": "", "suppress": True}])
        if style.has_bibliography:
            citer.bibliography(["b", "a", "c"])
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def load_references(
    name: str, root: Path, where: tuple[Path, int], diags: Diagnostics
) -> dict[str, dict[str, Any]] | None:
    """Id -> item of the CSL-JSON file ``name`` inside ``root`` (``where``: book.toml and the line of
    ``bibliography``). Errors (``bibliography-invalid``): unreadable, not UTF-8 JSON, not an array
    of objects each with a string ``id`` and ``type``, an id given twice; ``config-outside``."""
    path, line = where
    data = _read(root, name, False, where, diags)
    if data is None:
        return None
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        diags.error(path, line, "bibliography-invalid", f"{name} is not CSL-JSON: {exc}")
        return None
    if not isinstance(items, list):
        diags.error(path, line, "bibliography-invalid", f"{name} must hold a JSON array of CSL-JSON items")
        return None
    found: dict[str, dict[str, Any]] = {}
    lowered: set[str] = set()  # citeproc-py reads ids in lower case: two that differ so are one
    for index, item in enumerate(items, start=1):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("id"), str | int)
            or not isinstance(item.get("type"), str)
        ):
            diags.error(
                path, line, "bibliography-invalid", f"{name}: item {index} needs a string 'id' and 'type'"
            )
            return None
        key = str(item["id"])
        if key.lower() in lowered:
            diags.error(path, line, "bibliography-invalid", f"{name}: id {key!r} is given twice")
            return None
        if why := _unreadable(item):
            diags.error(path, line, "bibliography-invalid", f"{name}: item {index} ({key}): {why}")
            return None
        found[key] = item
        lowered.add(key.lower())
    return found


def _unreadable(item: dict[str, Any]) -> str:
    """Why citeproc-py cannot read a CSL-JSON item ('' when it can): names that are not objects,
    dates that are not ``date-parts``, a type it does not know..."""
    from citeproc.source.json import CiteProcJSON

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            CiteProcJSON([item])
    except Exception as exc:  # any failure of the reader is the item's
        return f"citeproc-py cannot read it ({type(exc).__name__}: {exc})"
    return ""


class Citer:
    """Citations of one book rendered in reading order with citeproc-py (so that its registry
    knows first, subsequent and ibid positions, CSL 1.0.2 "position"), and its bibliography.

    ``cite`` takes items as ``citesyntax`` makes them and returns citeproc-py's HTML (``<i>``,
    ``<b>``, ``<sup>``…); processor errors propagate (the caller reports them)."""

    def __init__(self, style: Style, references: dict[str, dict[str, Any]], language: str = "en"):
        from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter
        from citeproc.source.json import CiteProcJSON

        patched()
        self.references = references
        self.language = language  # the book's (BCP 47): its quotation marks
        locale = style.locale or citeproc_locale(language)
        #: CSL 1.0.2 "Punctuation in Quotes": the locale's (en-US: a period or comma after a
        #: closing quotation mark goes inside it); citeproc-py 0.11 does not apply it
        self.punctuation_in_quote = punctuation_in_quote(locale)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._style = CitationStylesStyle(io.BytesIO(style.xml), locale=locale, validate=False)
            self._source = CiteProcJSON(list(references.values()))
        self._bib = CitationStylesBibliography(self._style, self._source, formatter.html)
        self._formatter = formatter.html
        self._macro_cache: dict[Any, Any] = {}  # this style's macros by name (``_MACROS``)

    def author(self, key: str) -> str:
        """The names an in-text citation puts in the sentence: family names of the item's
        authors (else editors, translators), "A", "A and B", "A et al."; with no names, its
        (short) title, as CSL substitutes it (CSL 1.0.2, "Substitution"), else its key."""
        item = self.references[key]
        for role in AUTHOR_ROLES:
            names = item.get(role)
            if isinstance(names, list) and names:
                families = [
                    str(n.get("family") or n.get("literal") or "") for n in names if isinstance(n, dict)
                ]
                if len(families) >= 3:  # the shipped styles: et-al-min 3, use-first 1
                    return f"{families[0]} et al."
                return (
                    families[0] if len(families) == 1 else ", ".join(families[:-1]) + " and " + families[-1]
                )
        return str(item.get("title-short") or item.get("title") or key)  # no names: the title stands in

    def cite(self, items: list[dict[str, Any]]) -> str:
        """citeproc-py's HTML for one citation of ``items`` (key, prefix, suffix, locator, label,
        suppress), registered after the book's earlier citations."""
        from html import escape

        from citeproc import Citation, CitationItem
        from citeproc.source import Locator

        cites = []
        for entry in items:
            extra: dict[str, Any] = {}
            if entry["locator"]:
                extra["locator"] = Locator(entry["label"].replace("-", " "), entry["locator"])
            if entry["prefix"]:
                extra["prefix"] = escape(entry["prefix"]) + " "
            if entry["suffix"]:
                suffix = escape(entry["suffix"])
                extra["suffix"] = suffix if suffix[0] in ",.;:" else " " + suffix
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cite = CitationItem(entry["key"], **extra)
            if entry["suppress"]:
                cite.octavo_suppress = True
            cites.append(cite)
        citation = Citation(cites)
        self._bib.register(citation)
        # citeproc-py orders a citation's items as first cited in the book; CSL keeps them as
        # written unless the style's cs:citation sorts them (CSL 1.0.2, "Sorting"): order as written.
        keys = self._bib.keys
        saved = list(keys)
        mine = list(dict.fromkeys(c.key for c in cites if c.key in keys))
        at = min((keys.index(k) for k in mine), default=0)
        rest = [k for k in keys if k not in mine]
        keys[:] = rest[:at] + mine + rest[at:]
        try:
            with macros(self._macro_cache):
                return self._finish(str(self._bib.cite(citation, lambda item: None)))
        finally:
            keys[:] = saved

    def bibliography(self, keys: list[str]) -> list[str]:
        """citeproc-py's HTML for the bibliography entries of ``keys``, in the style's order."""
        from citeproc import Citation, CitationItem, CitationStylesBibliography

        bib = CitationStylesBibliography(self._style, self._source, self._formatter)
        for key in keys:
            bib.register(Citation([CitationItem(key)]))
        with macros(self._macro_cache):
            bib.sort()
            return [self._finish(str(entry)) for entry in bib.bibliography()]

    def _finish(self, html: str) -> str:
        return quote_punctuation(html) if self.punctuation_in_quote else html
