"""Bounds on ``book.toml``, checked before it is parsed (by the config loader and the gate).

A module of its own, with nothing heavy to import, because the command
line's up-to-date check reads ``book.toml`` too, before any other import.
"""

from __future__ import annotations

import re
from pathlib import Path

from octavo.diagnostics import Diagnostics

CONFIG_NAME = "book.toml"
#: Bounds on ``book.toml``, checked before it is parsed: Python's TOML parser
#: is recursive in nesting and quadratic in a dotted key's parts. octavo's own
#: keys need a fraction of each (1,000 chapters take some 60 kB).
MAX_CONFIG_BYTES = 256 * 1024
MAX_CONFIG_NESTING = 32
MAX_KEY_PARTS = 16
#: The tokens that matter for the bounds: strings and comments (skipped
#: whole), brackets, dots, line ends; every alternative possessive, so linear.
_TOML_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*+"""'
    r"|'''(?:[^']|'(?!''))*+'''"
    r'|"(?:[^"\\\n]|\\.)*+"'
    r"|'[^'\n]*+'"
    r"|#[^\n]*+"
    r"|[\[\]{}.\n]"
    r"|[^\[\]{}.\"'#\n]++"
    r"|[\"']",
    re.S,
)


def config_bounds(text: str, path: Path, diags: Diagnostics) -> bool:
    """Refuse a ``book.toml`` too big, too deeply nested or with too long a key, before parsing it."""
    size = len(text.encode("utf-8"))
    if size > MAX_CONFIG_BYTES:
        diags.error(
            path,
            0,
            "file-too-large",
            f"is {size // 1024} kB; octavo reads a {CONFIG_NAME} of at most {MAX_CONFIG_BYTES // 1024} kB",
        )
        return False
    ok = True
    line, depth, dots = 1, 0, 0
    deep_reported = long_reported = False
    for match in _TOML_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_CONFIG_NESTING and not deep_reported:
                diags.error(
                    path,
                    line,
                    "nesting-too-deep",
                    f"arrays or tables nest more than {MAX_CONFIG_NESTING} deep",
                )
                ok, deep_reported = False, True
        elif token in "]}":
            depth = max(depth - 1, 0)
        elif token == ".":
            dots += 1
            if dots >= MAX_KEY_PARTS and not long_reported:
                diags.error(
                    path,
                    line,
                    "config-key-too-long",
                    f"a dotted key of more than {MAX_KEY_PARTS} parts (more than {MAX_KEY_PARTS - 1} dots "
                    "outside strings on one line); octavo's keys have at most two",
                )
                ok, long_reported = False, True
        elif token == "\n":
            line, dots = line + 1, 0
        elif "\n" in token:  # a multi-line string
            line += token.count("\n")
    return ok
