"""One build plan: what a build makes, from what, under which names, through which stages.

``make_plan`` works it out once, from the build's options, the book's
``[epub] page_list`` and its slug, before anything is rendered. The
pipeline executes it step by step, the staging moves the outputs it names,
and the command line's report, its ``--json`` and the cache record read
each output's kind from it: none of them guesses a format or a slug from a
file name.

This is the one place octavo names its outputs: ``{slug}.epub``,
``{slug}.pdf``, ``{slug}-cover.pdf``, ``{slug}-archive.pdf``, the bag
``{slug}-deposit/`` and the folder ``proofs/``, and the copies inside the
bag's payload (``publication/`` for the preservation copies, ``print/``
for the printer's files).

Imports nothing heavy: the command line sizes its progress bar from it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

#: Every kind of output, in the order a build makes (and a report lists) them.
KINDS = ("epub", "pdf", "cover", "archive", "deposit", "proofs")
#: The folders of the bag's payload: the preservation copies, and the files as sent to the printer.
PUBLICATION, PRINT = "publication", "print"


class PlanOptions(Protocol):
    """What a plan reads of ``pipeline.BuildOptions`` (not imported: the pipeline imports this)."""

    @property
    def formats(self) -> tuple[str, ...]: ...
    @property
    def check_only(self) -> bool: ...
    @property
    def preflight(self) -> str | None: ...
    @property
    def proofs(self) -> bool: ...
    @property
    def force(self) -> bool: ...
    @property
    def referee(self) -> Any: ...


def names(slug: str) -> dict[str, str]:
    """kind -> the output's name in the output folder (a folder for ``deposit`` and ``proofs``)."""
    return {
        "epub": f"{slug}.epub",
        "pdf": f"{slug}.pdf",
        "cover": f"{slug}-cover.pdf",
        "archive": f"{slug}-archive.pdf",
        "deposit": f"{slug}-deposit",
        "proofs": "proofs",
    }


def payload_names(slug: str) -> dict[str, str]:
    """kind -> the name of its copy in the deposit bag's payload (under ``data/``), in the
    order they are put there: the archive PDF and the EPUB, then the print interior and cover."""
    made = names(slug)
    return {
        "archive": f"{PUBLICATION}/{made['archive']}",
        "epub": f"{PUBLICATION}/{made['epub']}",
        "pdf": f"{PRINT}/{made['pdf']}",
        "cover": f"{PRINT}/{made['cover']}",
    }


def made_formats(formats: Iterable[str]) -> frozenset[str]:
    """The formats a build makes for the formats asked for (``--only``): the archive's deposit bag
    holds the EPUB and the print PDF, so asking for the archive makes those too."""
    asked = frozenset(formats)
    return asked | ({"epub", "pdf"} if "archive" in asked else frozenset())


def print_products(formats: Collection[str], preflight: bool, page_list: bool = True) -> set[str]:
    """What the build needs from the print layout (``formats``: the formats made): nothing for an
    EPUB without a page-list; else the cover always (its spine, the EPUB's picture) and the PDFs
    asked for. A subset of ``{"cover", "pdf", "archive"}``."""
    if set(formats) == {"epub"} and not page_list and not preflight:
        return set()
    needed = {"cover"}
    if "pdf" in formats or preflight:
        needed.add("pdf")
    if "archive" in formats:
        needed.add("archive")
    return needed


def planned_stages(
    formats: Iterable[str], check_only: bool, preflight: bool, referees: bool
) -> tuple[str, ...]:
    """The stages ``pipeline.build`` is expected to time (they size the progress bar; a stage not
    foreseen, "page map" say, only makes the bar longer)."""
    stages = ["config", "parse", "check"]
    if check_only:
        return tuple(stages)
    made = made_formats(formats)
    stages += ["layout", "cover"]
    stages += ["epub"] if "epub" in made else []
    stages += ["pdf write"] if "pdf" in made or preflight else []
    stages += ["archive", "write", "bag"] if "archive" in made else ["write"]
    return (*stages, "referees", "swap") if referees else (*stages, "swap")


def stages_for(options: PlanOptions) -> tuple[str, ...]:
    """``planned_stages`` for a build's options, before the book is read (the progress bar's)."""
    return planned_stages(
        options.formats, options.check_only, options.preflight is not None, options.referee is not None
    )


@dataclass(frozen=True)
class Output:
    """One output of a build: its kind (one of ``KINDS``) and its name in the output folder."""

    kind: str
    name: str


@dataclass(frozen=True)
class BuildPlan:
    """What one build makes, from what, and under which names.

    ``made``: the formats made (those asked for, with the EPUB and the print
    PDF for the archive); ``layout``: what the print layout must give
    (``print_products``; empty: no layout at all); ``outputs``: each output,
    in the order it is made; ``payload``: (kind, name under the bag's
    ``data/``) of each copy the deposit bag holds; ``stages``: as
    ``planned_stages``; ``vendor``: the vendor the preflight checks against,
    None without ``--preflight``.
    """

    slug: str
    formats: frozenset[str]
    made: frozenset[str]
    layout: frozenset[str]
    outputs: tuple[Output, ...]
    payload: tuple[tuple[str, str], ...]
    stages: tuple[str, ...]
    check_only: bool = False
    vendor: str | None = None
    reuse_layout: bool = True  # may a cached layout with the same key serve

    def makes(self, kind: str) -> bool:
        """Is an output of this kind made?"""
        return any(o.kind == kind for o in self.outputs)

    def name(self, kind: str) -> str:
        """The name of the output of this kind; ``KeyError`` when the plan makes none."""
        for output in self.outputs:
            if output.kind == kind:
                return output.name
        raise KeyError(kind)

    @property
    def stale(self) -> list[str]:
        """Names in the output folder this build makes out of date without replacing them: the
        proofs of an earlier print PDF when a new print PDF is made without ``--proofs``."""
        return [names(self.slug)["proofs"]] if self.makes("pdf") and not self.makes("proofs") else []

    @property
    def top_names(self) -> list[str]:
        """The names of every output in the output folder, sorted (what the staging moves)."""
        return sorted(o.name for o in self.outputs)


def make_plan(options: PlanOptions, slug: str = "", page_list: bool = True, vendor: str = "") -> BuildPlan:
    """The plan of a build with these options, for a book with this slug, ``[epub] page_list`` and
    ``[print] vendor`` (the preflight's, unless ``--preflight`` names one). A check-only plan makes
    nothing. Raises nothing: the options are the command line's, already checked."""
    preflight = options.preflight is not None
    formats = frozenset(options.formats)
    made = made_formats(formats)
    stages = planned_stages(formats, options.check_only, preflight, options.referee is not None)
    if options.check_only:
        return BuildPlan(slug, formats, made, frozenset(), (), (), stages, check_only=True)
    named = names(slug)
    kinds = []
    if "epub" in made:
        kinds.append("epub")
    if "pdf" in made or preflight:
        kinds += ["pdf", "cover"]
    if "archive" in made:
        kinds += ["archive", "deposit"]
    if options.proofs and "pdf" in formats:  # the formats asked for: not for the archive's sake alone
        kinds.append("proofs")
    payload = tuple(payload_names(slug).items()) if "archive" in made else ()
    return BuildPlan(
        slug=slug,
        formats=formats,
        made=made,
        layout=frozenset(print_products(made, preflight, page_list)),
        outputs=tuple(Output(kind, named[kind]) for kind in kinds),
        payload=payload,
        stages=stages,
        vendor=(options.preflight or vendor) if preflight else None,
        reuse_layout=not preflight and not options.force,
    )
