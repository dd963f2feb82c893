"""A fix for WeasyPrint 70's line layout, which moved notes off their call's page.

When the second line of a paragraph does not fit at the foot of a page,
the paragraph cannot break there (orphans: 2), and WeasyPrint's
``_linebox_layout`` then *reports* the page's last footnotes to the next
page to make room for that line: the page keeps its text, the notes go
over, away from their calls. (That branch caused every deferred note of the
benchmark books: one a chapter.) A compositor pushes the paragraph to the
next page instead, which is what WeasyPrint does anyway when the page has no
notes to move.

The fix removes that branch: the function's source, with the one line that
decides to report replaced, is compiled in WeasyPrint's own module. It is
applied only to the version it was written for, and only if that line is
found exactly once; otherwise nothing is changed and the print layout's
corrective passes (``pdf.layout``) keep notes with their calls as before,
at the cost of another layout. They stay in place either way, for the
notes this does not cover (a note too tall for the room left under its call).
"""

from __future__ import annotations

import inspect

import weasyprint
from weasyprint.layout import block

#: The version whose source was read, and the line (once in the function) that is replaced.
FOR_VERSION = "70.0"
REPORT_LINE = "report = not context.in_column and can_break_now and not could_break_before"
REPLACEMENT = "report = False  # octavo: never move notes to make room for a line"

_applied = False
#: WeasyPrint's own function, kept so that a test can show what the fix changes.
ORIGINAL = block._linebox_layout


def apply() -> bool:
    """Install the fixed ``_linebox_layout``; True if it is in place (idempotent)."""
    global _applied
    if _applied:
        return True
    if weasyprint.__version__ != FOR_VERSION:
        return False
    source = inspect.getsource(block._linebox_layout)
    if source.count(REPORT_LINE) != 1:
        return False
    namespace: dict[str, object] = {}
    code = compile(source.replace(REPORT_LINE, REPLACEMENT), block.__file__, "exec")
    exec(code, vars(block), namespace)  # WeasyPrint's own source with one line changed
    block._linebox_layout = namespace["_linebox_layout"]
    _applied = True
    return True
