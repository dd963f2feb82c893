"""The changes octavo makes to WeasyPrint 70 and pydyf: one table, one explicit ``apply()``.

Each patch changes one piece of a library's own source (usually one line):
the function holding it is read back from the library's file, the piece is
replaced, and the function is compiled again in the library's module and put
in the old one's place. A patch is applied only

- to the version of the library it was written for (``Patch.version``), and
- if the text it replaces (``Patch.line``) is found exactly once in that
  function's source;

otherwise that library is left as it is, and ``apply()`` says why. Nothing
is changed by importing this module (nor WeasyPrint imported): whatever
renders with WeasyPrint calls ``apply()`` first — the print layout
(``interior.layout``, ``notesplit.measure``), the cover (``cover.cover_pdf``,
also used by the EPUB's cover picture) and the PDF write
(``writers.pdf.tagged_pdf``). ``apply()`` is idempotent and cheap once the
patches are on; ``test_patches.py`` fails if, with the pinned versions, any
patch is off.

**Notes kept with their calls** (``report-notes``). When the second line of
a paragraph does not fit at the foot of a page, the paragraph cannot break
there (orphans: 2), and WeasyPrint's ``_linebox_layout`` then *reports* the
page's last footnotes to the next page to make room for that line: the page
keeps its text, the notes go over, away from their calls. (That branch
caused every deferred note of the benchmark books: one a chapter, and a
whole corrective layout each.) A compositor pushes the paragraph to the
next page instead, which is what WeasyPrint does anyway when the page has
no notes to move. Without it, the print layout's corrective passes
(``interior.layout``) still keep notes with their calls, at the cost of
another layout.

**No structure element per text fragment** (``tag-spans``). A tagged PDF
gets, for every piece of text drawn, a ``Span`` structure element holding
one marked-content id, under the paragraph or heading it belongs to. Those
spans say nothing (no attributes, no language) and are most of the
structure tree: a third of the tagged write's memory. WeasyPrint already
puts a link's text directly in its ``Link`` element; the fix does the same
for every element, which PDF allows (a structure element's /K may hold
marked-content ids).

**A note that fits is not called too tall** (``note-overflow``).
``LayoutContext._update_footnote_area`` says the note area overflows when
its last note's bottom is past the area's bottom; both are sums of many
line heights, and a note of a few dozen lines can come out a
ten-billionth of a px "past" an area it exactly fills. WeasyPrint then
moves the note (and its call's line) on, page after page, and drops it at
the book's end. The fix compares with a tolerance of a thousandth of a px.

**Pictures named by their bytes, not their path** (``image-id``).
``get_image_from_uri`` names each raster picture by an MD5 of its URL, an
absolute ``file:`` URL: the same book built in two folders gave two PDFs.
The fix names it by an MD5 of its bytes and orientation, which also lets
one picture shown twice be stored once. ``weasyprint.document`` imported
the function under another name, which is pointed at the fixed one too.

**Page references built once** (``page-references``). pydyf computes
``PDF.page_references`` anew on every access: a tuple of a reference to
every page. WeasyPrint's structure tree (``pdf_tags=True``, used for the
archive PDF) reads it once per tagged element, so writing the tagged
archive of a 969-page book took 37 s against 11 s for the same pages
untagged. The fix builds the tuple once per page count: pages are only
ever appended, so the count says whether it is still right.
"""

from __future__ import annotations

import importlib
import inspect
import textwrap
from dataclasses import dataclass
from types import ModuleType

ON = "on"


@dataclass(frozen=True)
class Patch:
    """One change to a library's source."""

    name: str
    library: str  # the distribution, whose ``__version__`` is compared with ``version``
    version: str  # the version whose source was read; the patch applies to it only
    module: str  # where the function is defined
    function: str  # ``name`` or ``Class.name`` (a method or a property)
    line: str  # the text replaced, exactly as in the library's file (later lines with their indentation)
    replacement: str  # what replaces it (later lines indented as they will be in the file)
    why: str
    upstream: str  # the upstream issue or pull request, or why there is none
    also: tuple[str, ...] = ()  # ``module.name`` that hold the function under another name

    @property
    def owner_name(self) -> str:
        return self.function.rpartition(".")[0]

    @property
    def attribute(self) -> str:
        return self.function.rpartition(".")[2]


PATCHES: tuple[Patch, ...] = (
    Patch(
        name="report-notes",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout.block",
        function="_linebox_layout",
        line="report = not context.in_column and can_break_now and not could_break_before",
        replacement="report = False  # octavo: never move notes to make room for a line",
        why="a paragraph short of its orphans at a page's foot is pushed over whole, "
        "instead of the page's last notes being moved away from their calls",
        upstream="the branch is Kozea/WeasyPrint#2437 (for #2432), which chose the other way; not reported",
    ),
    Patch(
        name="tag-spans",
        library="weasyprint",
        version="70.0",
        module="weasyprint.pdf.tags",
        function="_build_box_tree",
        line="if tag == 'Link':\n                    # Associate MCID directly with link reference.",
        replacement="if True:  # octavo: text in its element, no Span per fragment",
        why="no Span structure element per piece of text: a third of the tagged write's memory",
        upstream="none found or filed",
    ),
    Patch(
        name="note-overflow",
        library="weasyprint",
        version="70.0",
        module="weasyprint.layout",
        function="LayoutContext._update_footnote_area",
        line="overflow = last_child_bottom > footnote_area_bottom",
        replacement=(
            "overflow = last_child_bottom > footnote_area_bottom + 1e-3  # octavo: rounding is no overflow"
        ),
        why="a note that exactly fills the note area is not moved on, page after page, to the book's end",
        upstream="none found or filed",
    ),
    Patch(
        name="image-id",
        library="weasyprint",
        version="70.0",
        module="weasyprint.images",
        function="get_image_from_uri",
        line="image_id = md5(url.encode(), usedforsecurity=False).hexdigest()",
        replacement=(
            "image_id = md5(bytestring + repr(orientation).encode(), usedforsecurity=False).hexdigest()"
        ),
        why="a picture is named by its bytes, not its absolute file: URL, so that the same book "
        "built in two folders gives the same PDF",
        upstream="none filed (reproducible output: Kozea/WeasyPrint#1553, #1666)",
        also=("weasyprint.document.original_get_image_from_uri",),
    ),
    Patch(
        name="page-references",
        library="pydyf",
        version="0.13.0",
        module="pydyf",
        function="PDF.page_references",
        line=(
            "return tuple(\n"
            "            f'{object_number} 0 R'.encode('ascii')\n"
            "            for object_number in self.pages['Kids'][::3])"
        ),
        replacement=(
            "kids = self.pages['Kids']  # octavo: built once per page count, not once per access\n"
            "        cached = self.__dict__.get('_octavo_page_references')\n"
            "        if cached is None or cached[0] != len(kids):\n"
            "            references = tuple(f'{number} 0 R'.encode('ascii') for number in kids[::3])\n"
            "            cached = self.__dict__['_octavo_page_references'] = (len(kids), references)\n"
            "        return cached[1]"
        ),
        why="the tagged archive PDF's structure tree reads it once per element: "
        "the write was quadratic in the page count",
        upstream="none found or filed",
    ),
)

#: Each patched attribute as the library had it, by patch name (filled on the first ``apply()``).
ORIGINAL: dict[str, object] = {}

#: What the last ``apply()`` found, by patch name: ``ON`` or why the patch is off.
STATE: dict[str, str] = {}


def _owner(patch: Patch) -> ModuleType | type:
    module = importlib.import_module(patch.module)
    return getattr(module, patch.owner_name) if patch.owner_name else module


def _original(patch: Patch) -> object:
    """The attribute as the library defines it (a function, or a property for a class's)."""
    if patch.name not in ORIGINAL:
        owner = _owner(patch)
        ORIGINAL[patch.name] = vars(owner)[patch.attribute]
    return ORIGINAL[patch.name]


def _version(library: str) -> str:
    return str(getattr(importlib.import_module(library), "__version__", ""))


def apply_patch(patch: Patch) -> str:
    """Apply one patch if its guards allow; ``ON``, or why it is off (the library then unchanged)."""
    if STATE.get(patch.name) == ON and patch in PATCHES:
        return ON
    found = _version(patch.library)
    if found != patch.version:
        return f"off: {patch.library} is {found}, the patch is for {patch.version}"
    original = _original(patch)
    function = original.fget if isinstance(original, property) else original
    lines, first = inspect.getsourcelines(function)  # type: ignore[arg-type]
    source = "".join(lines)
    count = source.count(patch.line)
    if count != 1:
        where = f"{patch.module}.{patch.function}"
        return f"off: its line is found {count} times in {where}, not once"
    module = importlib.import_module(patch.module)
    # blank lines first, so that tracebacks give the line numbers of the library's file
    text = "\n" * (first - 1) + textwrap.dedent(source.replace(patch.line, patch.replacement))
    namespace: dict[str, object] = {}
    exec(compile(text, module.__file__ or patch.module, "exec"), vars(module), namespace)
    setattr(_owner(patch), patch.attribute, namespace[patch.attribute])
    for alias in patch.also:
        holder, _, name = alias.rpartition(".")
        setattr(importlib.import_module(holder), name, getattr(_owner(patch), patch.attribute))
    return ON


def apply() -> dict[str, str]:
    """Apply every patch whose guards allow (idempotent); each patch's name, with ``ON`` or why it is off."""
    if len(STATE) == len(PATCHES) and all(v == ON for v in STATE.values()):
        return dict(STATE)
    for patch in PATCHES:
        STATE[patch.name] = apply_patch(patch)
    return dict(STATE)


def on() -> set[str]:
    """The patches in place in this process."""
    return {name for name, state in STATE.items() if state == ON}


__all__ = ["ON", "ORIGINAL", "PATCHES", "STATE", "Patch", "apply", "apply_patch", "on"]
