"""Four fixes for WeasyPrint 70, each one line of its own source changed.

**Notes kept with their calls.** When the second line of a paragraph does
not fit at the foot of a page, the paragraph cannot break there (orphans:
2), and WeasyPrint's ``_linebox_layout`` then *reports* the page's last
footnotes to the next page to make room for that line: the page keeps its
text, the notes go over, away from their calls. (That branch caused every
deferred note of the benchmark books: one a chapter, and a whole corrective
layout each.) A compositor pushes the paragraph to the next page instead,
which is what WeasyPrint does anyway when the page has no notes to move.

**No structure element per text fragment.** A tagged PDF gets, for every
piece of text drawn, a ``Span`` structure element holding one marked-content
id, under the paragraph or heading it belongs to. Those spans say nothing
(no attributes, no language) and are most of the structure tree: a third of
the tagged write's memory. WeasyPrint already puts a link's text directly in
its ``Link`` element; the fix does the same for every element, which PDF
allows (a structure element's /K may hold marked-content ids).

**A note that fits is not called too tall.** ``LayoutContext._update_footnote_area``
says the note area overflows when its last note's bottom is past the
area's bottom; both are sums of many line heights, and a note of a few
dozen lines can come out a ten-billionth of a px "past" an area it exactly
fills. WeasyPrint then moves the note (and its call's line) on, page after
page, and drops it at the book's end. The fix compares with a tolerance of
a thousandth of a px.

**Pictures named by their bytes, not their path.** ``get_image_from_uri``
names each raster picture by an MD5 of its URL, an absolute ``file:`` URL:
the same book built in two folders gave two PDFs. The fix names it by an
MD5 of its bytes and orientation, which also lets one picture shown twice
be stored once.

Each function's source, with its line replaced, is compiled in WeasyPrint's
own module. A fix is applied only to the version it was written for, and
only if its line is found exactly once; otherwise nothing is changed. Without
the first, the print layout's corrective passes (``pdf.layout``) still keep
notes with their calls, at the cost of another layout; without the second,
the archive's structure tree has its spans again.
"""

from __future__ import annotations

import inspect
import sys
import textwrap
from types import ModuleType

import weasyprint
from weasyprint import document, images
from weasyprint.layout import LayoutContext, block
from weasyprint.pdf import tags

#: The version whose source was read.
FOR_VERSION = "70.0"

#: (module or class, function, the line as WeasyPrint has it, octavo's line).
FIXES: tuple[tuple[ModuleType | type, str, str, str], ...] = (
    (
        block,
        "_linebox_layout",
        "report = not context.in_column and can_break_now and not could_break_before",
        "report = False  # octavo: never move notes to make room for a line",
    ),
    (
        tags,
        "_build_box_tree",
        "if tag == 'Link':\n                    # Associate MCID directly with link reference.",
        "if True:  # octavo: text in its element, no Span per fragment",
    ),
    (
        LayoutContext,
        "_update_footnote_area",
        "overflow = last_child_bottom > footnote_area_bottom",
        "overflow = last_child_bottom > footnote_area_bottom + 1e-3  # octavo: rounding is no overflow",
    ),
    (
        images,
        "get_image_from_uri",
        "image_id = md5(url.encode(), usedforsecurity=False).hexdigest()",
        "image_id = md5(bytestring + repr(orientation).encode(), usedforsecurity=False).hexdigest()",
    ),
)

#: WeasyPrint's own functions, kept so that a test can show what a fix changes.
ORIGINAL = {name: getattr(module, name) for module, name, _, _ in FIXES}

_applied: set[str] = set()


def _recompile(owner: ModuleType | type, name: str, line: str, replacement: str) -> bool:
    source = textwrap.dedent(inspect.getsource(ORIGINAL[name]))
    if source.count(line) != 1:
        return False
    module = owner if isinstance(owner, ModuleType) else sys.modules[owner.__module__]
    namespace: dict[str, object] = {}
    code = compile(source.replace(line, replacement), module.__file__ or name, "exec")
    exec(code, vars(module), namespace)  # WeasyPrint's own source with one line changed
    setattr(owner, name, namespace[name])
    return True


def apply() -> bool:
    """Install the fixed functions; True if all are in place (idempotent)."""
    if weasyprint.__version__ != FOR_VERSION:
        return False
    for module, name, line, replacement in FIXES:
        if name not in _applied and _recompile(module, name, line, replacement):
            _applied.add(name)
    if "get_image_from_uri" in _applied:  # the document module imported it under another name
        document.original_get_image_from_uri = images.get_image_from_uri
    return len(_applied) == len(FIXES)
