"""Command line: ``octavo [PATH] [--out DIR] [--only FORMAT] [--check]``.

Exit 0 on success, 1 when the manuscript has errors, 2 on usage errors.
Messages go to stderr in compiler form, ``file:line: id: message``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .diagnostics import ManuscriptError
from .pipeline import FORMATS, BuildOptions, build

EXIT_OK, EXIT_MANUSCRIPT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 already; keep its message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"octavo: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="octavo",
        description="Build a Markdown manuscript into an EPUB 3 and a print PDF.",
    )
    parser.add_argument(
        "manuscript",
        nargs="?",
        default="manuscript",
        type=Path,
        help="manuscript folder with book.toml (default: manuscript)",
    )
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
    parser.add_argument(
        "--only", choices=FORMATS, action="append", help="build only this format (repeatable)"
    )
    parser.add_argument("--check", action="store_true", help="validate only, write nothing")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--styles",
        type=Path,
        default=None,
        help="styles folder (templates, css, fonts) to use instead of octavo's",
    )
    parser.add_argument("--version", action="version", version=f"octavo {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    options = BuildOptions(
        manuscript=args.manuscript,
        out=args.out,
        formats=tuple(args.only) if args.only else FORMATS,
        check_only=args.check,
        strict=args.strict,
        styles=args.styles,
    )
    try:
        result = build(options)
    except ManuscriptError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        count = len(exc.diagnostics)
        print(f"octavo: {count} problem{'s' * (count != 1)}; nothing was written", file=sys.stderr)
        return EXIT_MANUSCRIPT
    except KeyboardInterrupt:
        print("octavo: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in octavo or a library: no traceback unless asked for
        if os.environ.get("OCTAVO_DEBUG"):
            raise
        print(f"octavo: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("octavo: earlier outputs are unchanged; set OCTAVO_DEBUG=1 for the traceback", file=sys.stderr)
        return EXIT_MANUSCRIPT
    for diagnostic in result.diagnostics.warnings:
        print(diagnostic, file=sys.stderr)
    if options.check_only:
        print(f"octavo: {options.manuscript}: no errors", file=sys.stderr)
    for path in result.outputs:
        extra = f" ({result.pages} pages)" if path.suffix == ".pdf" else ""
        print(f"wrote {path}{extra}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
