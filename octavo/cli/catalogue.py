"""``octavo catalogue DIR``: build every manuscript folder under DIR (``build/catalogue.py`` runs them)."""

from __future__ import annotations

import sys
from pathlib import Path

from octavo.cli.common import EXIT_MANUSCRIPT, EXIT_OK, EXIT_USAGE, Parser


def main(argv: list[str]) -> int:
    """``octavo catalogue DIR [--out OUT] [--jobs N] [--timeout SECONDS] [--scheduler ADDRESS]``."""
    from octavo.build.catalogue import jobs, run_dask, run_local, summary

    parser = Parser(prog="octavo catalogue", description="Build every manuscript folder under DIR.")
    parser.add_argument("root", type=Path, help="folder holding manuscript folders (each with book.toml)")
    parser.add_argument("--out", type=Path, default=Path("dist") / "catalogue", help="where the books go")
    parser.add_argument("--jobs", type=int, default=None, help="parallel processes (default: one per core)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop a book that takes longer and report it (local processes only)",
    )
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler address (needs octavo[cluster])")
    args = parser.parse_args(argv)
    if args.timeout is not None and (args.timeout <= 0 or args.scheduler):
        parser.error("--timeout takes a number of seconds above 0, and works without --scheduler only")
    if not args.root.is_dir():
        print(f"octavo: {args.root}: catalogue-missing: not a folder", file=sys.stderr)
        return EXIT_MANUSCRIPT
    work = jobs(args.root, args.out)
    if not work:
        print(f"octavo: {args.root}: catalogue-empty: no folder with a book.toml", file=sys.stderr)
        return EXIT_MANUSCRIPT
    try:
        results = (
            run_dask(work, args.scheduler) if args.scheduler else run_local(work, args.jobs, args.timeout)
        )
    except ImportError:
        print(
            "octavo: catalogue-cluster: --scheduler needs Dask: pip install 'octavo[cluster]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(summary(results))
    return EXIT_OK if all(r["ok"] for r in results) else EXIT_MANUSCRIPT
