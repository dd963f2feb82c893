"""octavo's patches of WeasyPrint and pydyf: all on with the pinned versions, off when their line is gone,
and never applied by an import."""

from __future__ import annotations

import dataclasses
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pydyf
import pytest
import weasyprint

from octavo.layout import patches

ROOT = Path(__file__).resolve().parent.parent


def current(patch: patches.Patch) -> object:
    """The attribute the patch replaces, as it is now."""
    module = importlib.import_module(patch.module)
    owner = getattr(module, patch.owner_name) if patch.owner_name else module
    return vars(owner)[patch.attribute]


def test_every_patch_is_on_with_the_pinned_versions():
    """Fails loudly when an upgrade (or a changed line) switches a fix off: read the patch again."""
    assert weasyprint.__version__ == "70.0"  # pyproject.toml pins it
    assert {p.library: p.version for p in patches.PATCHES} == {
        "weasyprint": "70.0",
        "pydyf": pydyf.__version__,
    }
    assert patches.apply() == {p.name: patches.ON for p in patches.PATCHES}
    assert patches.on() == {p.name for p in patches.PATCHES}
    for patch in patches.PATCHES:
        assert current(patch) is not patches.ORIGINAL[patch.name], patch.name
    from weasyprint import document, images

    assert document.original_get_image_from_uri is images.get_image_from_uri  # the other name too


def test_apply_is_idempotent():
    first = patches.apply()
    installed = {p.name: current(p) for p in patches.PATCHES}
    assert patches.apply() == first
    assert {p.name: current(p) for p in patches.PATCHES} == installed


def test_the_table_says_what_and_why():
    names = [p.name for p in patches.PATCHES]
    assert len(names) == len(set(names)) == 17
    for patch in patches.PATCHES:
        assert patch.line and patch.replacement and patch.why and patch.upstream
        assert patch.line != patch.replacement


@pytest.mark.parametrize("patch", patches.PATCHES, ids=lambda p: p.name)
def test_a_patch_is_off_when_its_line_is_gone(patch):
    """As if the library had changed that line: the guard leaves the library as it is."""
    patches.apply()
    before = current(patch)
    changed = dataclasses.replace(patch, line=patch.line + "  # changed upstream")
    state = patches.apply_patch(changed)
    assert state.startswith("off:") and "found 0 times" in state
    assert current(patch) is before


@pytest.mark.parametrize("patch", patches.PATCHES, ids=lambda p: p.name)
def test_a_patch_is_off_for_another_version(patch):
    patches.apply()
    before = current(patch)
    state = patches.apply_patch(dataclasses.replace(patch, version="0.0"))
    assert state.startswith("off:") and patch.library in state
    assert current(patch) is before


def test_the_page_references_are_the_same():
    """pydyf's property and the patched one give the same tuple, also after more pages."""
    patches.apply()
    original = patches.ORIGINAL["page-references"].fget
    pdf = pydyf.PDF()
    for count in range(1, 5):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert pdf.page_references == original(pdf)
        assert len(pdf.page_references) == count


NO_PATCH_ON_IMPORT = """
import importlib, json
from octavo.layout import patches

def attribute(p):
    module = importlib.import_module(p.module)
    owner = getattr(module, p.owner_name) if p.owner_name else module
    return vars(owner)[p.attribute]

pristine = {p.name: attribute(p) for p in patches.PATCHES}  # WeasyPrint and pydyf as they come
for name in ("octavo.layout.interior", "octavo.layout.cover", "octavo.layout.notesplit",
             "octavo.writers.pdf", "octavo.writers.epub", "octavo.build.sidejob", "octavo.build.pipeline",
             "octavo.build.preview", "octavo.cli.build"):
    importlib.import_module(name)
untouched = all(attribute(p) is pristine[p.name] for p in patches.PATCHES) and patches.STATE == {}
state = patches.apply()
replaced = all(attribute(p) is not pristine[p.name] for p in patches.PATCHES)
kept = all(patches.ORIGINAL[p.name] is pristine[p.name] for p in patches.PATCHES)
print(json.dumps({"untouched": untouched, "state": state, "replaced": replaced, "kept": kept}))
"""


def test_importing_octavo_patches_nothing():
    """Only ``apply()`` patches: importing the layout, the writers or the build leaves the libraries alone."""
    import json

    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(NO_PATCH_ON_IMPORT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["untouched"], "an import patched WeasyPrint or pydyf"
    assert set(found["state"].values()) == {patches.ON}
    assert found["replaced"] and found["kept"]


#: Words whose British and American break points differ (Pyphen's en_GB and en_US), with the
#: American ones (plain TeX's hyphen.tex): the issue's print review found the British ones.
AMERICAN = {
    "initiative": "ini-tia-tive",
    "contradictory": "con-tra-dic-to-ry",
    "bureaucratization": "bu-reau-cra-ti-za-tion",
    "catastrophe": "catas-tro-phe",
}


@pytest.mark.parametrize(
    ("lang", "wanted"), [("en", "en_US"), ("en-US", "en_US"), ("en-GB", "en_GB"), ("fr", "fr")]
)
def test_tex_patterns_are_chosen_for_a_bare_tag(lang, wanted):
    assert patches._octavo_patterns(lang) == wanted


def test_a_book_in_en_breaks_words_where_tex_breaks_them():
    """The words in a column too narrow for them, in an ``en`` document: every break WeasyPrint
    makes inside a word is an American one (the British patterns break these words elsewhere)."""
    import pypdfium2 as pdfium

    patches.apply()
    html = (
        "<html lang='en'><body><p style='width: 4.2em; font-size: 20pt; hyphens: auto; "
        f"font-family: serif'>{' '.join(AMERICAN)}</p></body></html>"
    )
    from textutil import drawn

    pdf = pdfium.PdfDocument(drawn(weasyprint.HTML(string=html).write_pdf()))  # the hyphens as drawn
    text = pdf[0].get_textpage().get_text_range()
    breaks: dict[str, set[int]] = {}
    word, cuts = "", set()
    for piece in text.split():  # a piece ending in a hyphen goes on at the next line's start
        word += piece.removesuffix("\u2010")
        if piece.endswith("\u2010"):
            cuts.add(len(word))
            continue
        breaks[word], word, cuts = cuts, "", set()
    assert set(breaks) == set(AMERICAN), text
    assert any(breaks.values()), f"nothing was hyphenated: the test tries nothing ({text!r})"
    for plain, american in AMERICAN.items():
        allowed = {len("".join(american.split("-")[:k])) for k in range(1, american.count("-") + 1)}
        assert breaks[plain] <= allowed, f"{plain} broken at {sorted(breaks[plain])}: {text!r}"
