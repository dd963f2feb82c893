"""What citeproc-py 0.11 lacks of CSL 1.0.2, supplied for octavo's citations (``csl.py``).

- ``initialize="false"`` on ``cs:name`` (CSL 1.0.2, "Name-part Order" / ``initialize``): given
  names stay whole where the style says so (Chicago's "James Burnham", not "J. Burnham"). The
  style is rewritten before citeproc-py reads it (``supply_initialize``): the inherited
  ``initialize-with`` is moved onto each ``cs:name`` that does not say ``initialize="false"``.
- suppress-author (Pandoc's ``[-@key]``, citeproc-js's ``suppress-author``): the first names
  the citation renders, substitutes included (the author's place), are left out; ``Names.process``
  is wrapped for items marked so (``patched``).
- "Punctuation in Quotes": where the locale says so (en-US), a period or comma after a closing
  quotation mark is moved inside it (``quote_punctuation``).
- "Locale Fallback": the CSL locale citeproc-py has for the book's language (``citeproc_locale``).

And one bug: a ``cs:label`` whose variable is empty is rendered ("edition" in Chicago's short
notes); ``Label.process`` is wrapped to render nothing then. citeproc-py also looks a macro up
by XPath each time it is used and walks a subtree each time it asks whether it calls a
variable; ``get_macro`` and ``calls_variable`` keep what they found while a ``Citer``
renders (``macros``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

CSL_NS = "http://purl.org/net/xbiblio/csl"
_NS = {"cs": CSL_NS}


def _locales() -> Path:
    import citeproc

    return Path(citeproc.LOCALES_PATH)


def citeproc_locale(language: str) -> str:
    """The CSL locale citeproc-py has for a BCP 47 tag: itself (``fr-CA``), else its language's
    main one (``fr`` -> ``fr-FR``, ``en`` -> ``en-US``), else ``en-US`` (CSL 1.0.2, "Locale
    Fallback")."""
    parts = language.split("-")
    primary = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), "")
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    candidates = [language, f"{primary}-{region}"] if region else [language]
    candidates += [PRIMARY_DIALECTS.get(primary, f"{primary}-{primary.upper()}"), primary]
    for name in candidates:
        if (_locales() / f"locales-{name}.xml").is_file():
            return name
    found = sorted(_locales().glob(f"locales-{primary}-{script + '-' if script else ''}*.xml"))
    return found[0].stem.removeprefix("locales-") if found else "en-US"


#: A language's main CSL locale where it is not ``xx-XX`` (the CSL project's "primary dialects").
PRIMARY_DIALECTS = {
    "en": "en-US", "pt": "pt-PT", "zh": "zh-CN", "sv": "sv-SE", "da": "da-DK", "ja": "ja-JP",
    "ko": "ko-KR", "el": "el-GR", "cs": "cs-CZ", "uk": "uk-UA", "he": "he-IL", "fa": "fa-IR",
    "vi": "vi-VN", "et": "et-EE", "nb": "nb-NO", "nn": "nn-NO", "sl": "sl-SI", "ca": "ca-AD",
    "sr": "sr-RS", "eu": "eu", "ar": "ar", "la": "la",
}  # fmt: skip


def punctuation_in_quote(locale: str) -> bool:
    """Whether citeproc-py's file of ``locale`` sets ``punctuation-in-quote`` (CSL 1.0.2, "Locale
    Options"); False for a locale it lacks."""
    try:
        tree = etree.parse(str(_locales() / f"locales-{locale}.xml"))
    except (OSError, etree.XMLSyntaxError):
        return False
    options = tree.getroot().find("cs:style-options", _NS)
    return options is not None and options.get("punctuation-in-quote") == "true"


#: A period or comma after a closing double quotation mark (and the tags between them).
_AFTER_QUOTE = re.compile(r"”((?:</[a-z]+>)*)([.,])")


def quote_punctuation(html: str) -> str:
    """``“Title”.`` -> ``“Title.”``: a period or comma moved inside the closing quotation mark."""
    return _AFTER_QUOTE.sub(r"\2”\1", html)


def supply_initialize(root: etree._Element) -> None:
    """Move ``initialize-with`` down onto each ``cs:name`` that does not say ``initialize="false"``
    (citeproc-py 0.11 ignores ``initialize``). A name's inherited value is its own, else that of its
    ``cs:citation``/``cs:bibliography``, else the style's."""
    holders = [root, *root.findall("cs:citation", _NS), *root.findall("cs:bibliography", _NS)]
    if not any("initialize-with" in h.attrib for h in holders):
        return
    for name in root.iter(f"{{{CSL_NS}}}name"):
        if "initialize-with" in name.attrib:
            continue
        if name.get("initialize") == "false":
            continue
        value = root.get("initialize-with")
        for ancestor in name.iterancestors():
            if ancestor in holders and "initialize-with" in ancestor.attrib:
                value = ancestor.get("initialize-with")
                break
        if value is not None:
            name.set("initialize-with", value)
    for holder in holders:
        holder.attrib.pop("initialize-with", None)


@cache
def patched() -> bool:
    """Wrap citeproc-py's ``Names.process`` and ``Label.process`` once: an item marked
    ``octavo_suppress`` renders without the first names it would render (Pandoc's
    suppress-author); a ``cs:label`` of an empty variable renders nothing (CSL 1.0.2, "Label";
    citeproc-py 0.11 printed "edition" in Chicago's short notes of an article). And
    ``get_macro`` keeps what it found while a ``Citer`` renders (``_MACROS``)."""
    from citeproc import model

    original = model.Names.process

    def process(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, item, *args, **kwargs)
        if not isinstance(item, dict) or not dict.get(item, "octavo_suppress") or result is None:
            return result
        if kwargs.get("sort_options") is not None or isinstance(kwargs.get("context"), model.Layout):
            return result  # a sort key (cs:sort in cs:citation: its macro is called by the layout)
        if any(a.tag == f"{{{CSL_NS}}}substitute" for a in self.iterancestors()):
            return result  # rendered for an outer names element, which decides
        where = self.getroottree().getpath(self)
        first = dict.get(item, "octavo_suppressed")
        if first is None:  # the first names the citation renders: the author's place
            item["octavo_suppressed"] = first = where
        return None if where == first else result  # the same place each time it is rendered

    model.Names.process = process

    label_process = model.Label.process

    def label(self: Any, item: Any, variable: Any = None, *args: Any, **kwargs: Any) -> Any:
        own = self.get("variable", "") if variable is None else ""
        if own == "locator" and not item.has_locator:
            return None
        if own and own != "locator" and own.replace("-", "_") not in item.reference:
            return None  # CSL 1.0.2 "Label": not rendered when its variable is empty
        return label_process(self, item, variable, *args, **kwargs)

    model.Label.process = label

    get_macro = model.CitationStylesElement.get_macro

    def macro(self: Any, name: str) -> Any:
        found = _MACROS.get()
        if found is None:
            return get_macro(self, name)
        if name not in found:
            found[name] = get_macro(self, name)
        return found[name]

    model.CitationStylesElement.get_macro = macro

    for cls in (model.Parent, model.Text):  # whether an element calls a variable: its subtree's
        original_calls = cls.__dict__["calls_variable"]

        def calls(self: Any, _original: Any = original_calls) -> Any:
            found = _MACROS.get()
            if found is None:
                return _original(self)
            key = ("calls", self)  # the element is kept, so lxml hands out this proxy again
            if key not in found:
                found[key] = _original(self)
            return found[key]

        cls.calls_variable = calls
    return True


#: The macros of the style being rendered, by name, and whether each element calls a variable,
#: while a ``Citer`` renders: citeproc-py looks a macro up by XPath each time it is used and walks
#: an element's subtree each time it asks (three quarters of a Chicago citation's time). Both
#: depend on the style alone.
_MACROS: ContextVar[dict[Any, Any] | None] = ContextVar("octavo_csl_macros", default=None)


@contextmanager
def macros(found: dict[Any, Any]) -> Iterator[None]:
    """While inside: ``get_macro`` and ``calls_variable`` keep what they find in ``found`` (one
    style's macros by name, and whether each element calls a variable)."""
    token = _MACROS.set(found)
    try:
        yield
    finally:
        _MACROS.reset(token)
