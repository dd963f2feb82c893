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
    assert len(names) == len(set(names)) == 8
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
