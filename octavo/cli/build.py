"""The build command: ``octavo [PATH] [--out DIR] [--only FORMAT] [--check]``.

Exit 0 on success, 1 when the manuscript has errors (or an output fails its
referee), 2 on usage errors. Messages go to stderr in compiler form,
``file:line: id: message``; what else is shown is ``report.py``'s.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from octavo import __version__
from octavo.build.cache import build_key, recorded_images, up_to_date
from octavo.cli.common import EXIT_MANUSCRIPT, EXIT_OK, Parser, terminate
from octavo.config.printspec import VENDORS
from octavo.locations import FORMATS, styles_root

if TYPE_CHECKING:
    from octavo.cli.report import Reporter


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    parser.add_argument(
        "--verify",
        type=Path,
        metavar="BAG",
        help="check a deposit bag: fixity, PDF/A claims, EPUB; build nothing",
    )
    parser.add_argument(
        "--proofs", action="store_true", help="write PNG proofs of every spread and the cover to OUT/proofs"
    )
    parser.add_argument(
        "--preflight",
        nargs="?",
        const="",
        choices=("", *VENDORS),
        metavar="VENDOR",
        help="build the print files and check them against a vendor's rules "
        "(kdp, ingram or lulu; default: [print] vendor)",
    )
    parser.add_argument(
        "--styles",
        type=Path,
        default=None,
        help="styles folder (templates, css, fonts) to use instead of octavo's",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems (on stderr)")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout: outputs, referees, problems"
    )
    parser.add_argument(
        "--no-referees", action="store_true", help="skip checking each output (EPUBCheck, PDF/A, fixity...)"
    )
    parser.add_argument("--version", action="version", version=f"octavo {__version__}")
    return parser


def _what_is_in(reporter: Reporter, out: Path) -> str:
    """What a build that stopped left in the output folder."""
    if reporter.moved:  # stopped after the swap, writing the cache record
        return f"the new outputs are in {out} (the next build checks them again)"
    return "earlier outputs are unchanged"


def main(argv: list[str]) -> int:
    """``octavo [PATH] [options]``: build (or ``--check``, or ``--verify``) one manuscript."""
    signal.signal(signal.SIGTERM, terminate)
    args = make_parser().parse_args(argv)
    if args.verify is not None:
        from octavo.cli import verify

        return verify.main(args.verify)
    from octavo.cli.report import Reporter

    formats = tuple(args.only) if args.only else FORMATS
    if not (args.check or args.force or args.proofs) and args.preflight is None:
        images = recorded_images(args.out)
        key = build_key(args.manuscript, styles_root(args.styles), formats, args.strict, images)
        if (cached := up_to_date(args.out, key)) is not None:
            Reporter.from_args(args).up_to_date(args.manuscript, args.out, cached)
            return EXIT_OK
    reporter = Reporter.from_args(args)  # its clock starts before the heavy imports
    from octavo.build.pipeline import BuildOptions, build
    from octavo.diagnostics import ManuscriptError

    options = BuildOptions(
        manuscript=args.manuscript,
        out=args.out,
        formats=formats,
        check_only=args.check,
        strict=args.strict,
        styles=args.styles,
        preflight=args.preflight,
        proofs=args.proofs,
        force=args.force,
        progress=reporter.stage,
        referee=None if args.check else reporter.referee(args.manuscript),  # on the staged outputs
    )
    try:
        with reporter.progress(options):
            result = build(options)
    except ManuscriptError as exc:
        reporter.failed(options, exc.diagnostics, exc.warnings)
        return EXIT_MANUSCRIPT
    except KeyboardInterrupt:
        print(f"octavo: interrupted; {_what_is_in(reporter, options.out)}", file=sys.stderr)
        reporter.aborted(options, "interrupted")
        return 130
    except Exception as exc:  # a bug in octavo or a library: no traceback unless asked for
        if os.environ.get("OCTAVO_DEBUG"):
            raise
        print(f"{args.manuscript}: internal-error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(
            f"octavo: {_what_is_in(reporter, options.out)}; set OCTAVO_DEBUG=1 for the traceback",
            file=sys.stderr,
        )
        reporter.aborted(options, f"internal error: {type(exc).__name__}: {exc}")
        return EXIT_MANUSCRIPT
    return EXIT_OK if reporter.finish(options, result) else EXIT_MANUSCRIPT
