"""The build plan (``octavo/build/plan.py``): what each combination of options makes, under which
names, through which stages; and that no other module names an output or guesses one's kind."""

from __future__ import annotations

import itertools
import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from octavo.build.pipeline import BuildOptions
from octavo.build.plan import KINDS, BuildPlan, make_plan, names, payload_names, stages_for
from octavo.locations import FORMATS

PACKAGE = Path(__file__).resolve().parent.parent / "octavo"
SLUG = "a-book"

#: Every non-empty --only selection (the default is all of FORMATS).
SELECTIONS = [c for n in range(1, len(FORMATS) + 1) for c in itertools.combinations(FORMATS, n)]
PREFLIGHTS = [None, "", "kdp"]


def plan_for(formats=FORMATS, *, page_list=True, vendor="ingram", referee=True, **options) -> BuildPlan:
    built = BuildOptions(
        manuscript=Path("ms"),
        out=Path("dist"),
        formats=tuple(formats),
        referee=(lambda result, outputs: {}) if referee else None,
        **options,
    )
    return make_plan(built, SLUG, page_list, vendor)


def kinds(plan: BuildPlan) -> list[str]:
    return [o.kind for o in plan.outputs]


@pytest.mark.parametrize("formats", SELECTIONS, ids="+".join)
@pytest.mark.parametrize("preflight", PREFLIGHTS, ids=repr)
@pytest.mark.parametrize("proofs", [False, True], ids=["", "proofs"])
@pytest.mark.parametrize("page_list", [True, False], ids=["page-list", "no-page-list"])
def test_every_combination(formats, preflight, proofs, page_list):
    plan = plan_for(formats, preflight=preflight, proofs=proofs, page_list=page_list)
    asked = set(formats)
    made = asked | ({"epub", "pdf"} if "archive" in asked else set())
    assert plan.formats == asked and plan.made == made
    printing = "pdf" in made or preflight is not None
    expected = [
        *(["epub"] if "epub" in made else []),
        *(["pdf", "cover"] if printing else []),
        *(["archive", "deposit"] if "archive" in made else []),
        *(["proofs"] if proofs and "pdf" in asked else []),  # not for the archive's sake alone
    ]
    assert kinds(plan) == expected
    assert kinds(plan) == sorted(kinds(plan), key=KINDS.index)  # made in the order of KINDS
    # The layout: none for an EPUB without a page-list; else the cover and the PDFs made.
    if made == {"epub"} and not page_list and preflight is None:
        assert plan.layout == frozenset()
    else:
        assert plan.layout == {"cover"} | ({"pdf"} if printing else set()) | (made & {"archive"})
    for kind in ("pdf", "cover", "archive"):  # every print output comes from the layout
        assert not plan.makes(kind) or kind in plan.layout
    assert plan.makes("epub") == ("epub" in made)
    # The names: the plan's, one each, in the output folder.
    for output in plan.outputs:
        assert output.name == names(SLUG)[output.kind]
        assert plan.name(output.kind) == output.name
    assert plan.top_names == sorted({o.name for o in plan.outputs})
    assert len(plan.top_names) == len(plan.outputs)
    # The bag holds the archive, the EPUB, the print PDF and the cover, under the same names.
    if "archive" in made:
        assert [k for k, _ in plan.payload] == ["archive", "epub", "pdf", "cover"]
        for kind, inside in plan.payload:
            assert plan.makes(kind) and inside.rsplit("/", 1)[1] == plan.name(kind)
    else:
        assert plan.payload == ()
    # Stages, preflight, the layout cache.
    assert ("epub" in plan.stages) == plan.makes("epub")
    assert ("bag" in plan.stages) == plan.makes("deposit") == ("archive" in plan.stages)
    assert ("pdf write" in plan.stages) == printing
    assert plan.stages[:3] == ("config", "parse", "check") and plan.stages[-2:] == ("referees", "swap")
    assert plan.vendor == (None if preflight is None else preflight or "ingram")
    assert plan.reuse_layout == (preflight is None)
    assert not plan.check_only


@pytest.mark.parametrize("formats", SELECTIONS, ids="+".join)
def test_check_only_makes_nothing(formats):
    plan = plan_for(formats, check_only=True, proofs=True, preflight="")
    assert plan.check_only and plan.outputs == () and plan.payload == () and plan.layout == frozenset()
    assert plan.stages == ("config", "parse", "check")
    assert plan.top_names == [] and not plan.makes("epub")
    with pytest.raises(KeyError):
        plan.name("epub")


def test_the_full_build():
    plan = plan_for(proofs=True)
    assert [(o.kind, o.name) for o in plan.outputs] == [
        ("epub", "a-book.epub"),
        ("pdf", "a-book.pdf"),
        ("cover", "a-book-cover.pdf"),
        ("archive", "a-book-archive.pdf"),
        ("deposit", "a-book-deposit"),
        ("proofs", "proofs"),
    ]
    assert dict(plan.payload) == {
        "archive": "publication/a-book-archive.pdf",
        "epub": "publication/a-book.epub",
        "pdf": "print/a-book.pdf",
        "cover": "print/a-book-cover.pdf",
    }
    assert dict(plan.payload) == payload_names(SLUG)
    assert plan.stages == (
        "config",
        "parse",
        "check",
        "layout",
        "cover",
        "epub",
        "pdf write",
        "archive",
        "write",
        "bag",
        "referees",
        "swap",
    )


def test_stages_without_referees_and_for_the_progress_bar():
    plan = plan_for(["epub"], referee=False)
    assert plan.stages == ("config", "parse", "check", "layout", "cover", "epub", "write", "swap")
    options = BuildOptions(manuscript=Path("ms"), out=Path("dist"), formats=("pdf",), preflight="")
    assert stages_for(options) == make_plan(options, SLUG).stages  # before the book is read: the same


def test_force_lays_out_again_and_the_plan_is_frozen():
    assert plan_for().reuse_layout and not plan_for(force=True).reuse_layout
    with pytest.raises(FrozenInstanceError):
        plan_for().slug = "other"  # type: ignore[misc]


def test_a_build_makes_what_its_plan_names(seed_book):
    result = seed_book.result
    out = seed_book.epub.parent
    plan = result.plan
    assert plan is not None and plan.slug == result.book.metadata.slug
    assert sorted({p.relative_to(out).parts[0] for p in result.outputs}) == plan.top_names
    for path in result.outputs:
        assert result.kinds[path] in KINDS
        assert path.relative_to(out).parts[0] == plan.name(result.kinds[path])


# -- no module but plan.py names an output or guesses a kind from a name ---------------------------

GUESSES = [
    # an output's name made, or matched, anywhere but plan.py
    re.compile(r"""["'][^"'\n]*(-archive\.pdf|-cover\.pdf|-deposit\b|\}\.epub\b|\}\.pdf\b)"""),
    # a format read off a file name
    re.compile(r"""\.endswith\(\s*\(?\s*f?["'][^"'\n]*\.(epub|pdf|png)\b"""),
    re.compile(r"""\.suffix(\.lower\(\))?\s*(==|!=|in)\s*\(?\s*["']\.(epub|pdf|png)\b"""),
    re.compile(r"""\bkind_of\b"""),
]


def test_no_module_guesses_a_format_or_a_slug_from_a_file_name():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "build" / "plan.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in GUESSES):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    assert found == [], "output names are made in octavo/build/plan.py only:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        'if name.endswith("-archive.pdf"):',
        'epub = next(p for p in outputs if p.suffix == ".epub")',
        'target = out / f"{slug}.pdf"',
        'bag = f"{slug}-deposit"',
        "kind = kind_of(path, slug)",
        'pdfs = [n for n in tops if n.endswith(".pdf")]',
    ],
)
def test_the_guess_finder_finds_guesses(line):
    assert any(p.search(line) for p in GUESSES)
