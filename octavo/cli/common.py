"""What every command shares: the exit codes and an argument parser that exits 2 with a short message."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

EXIT_OK, EXIT_MANUSCRIPT, EXIT_USAGE = 0, 1, 2


def terminate(signum: int, frame: object) -> None:
    """SIGTERM ends a command like Ctrl-C: a build's temporary files go, earlier outputs stay;
    ``octavo preview`` stops its server and exits 0."""
    raise KeyboardInterrupt


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 already; keep its message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"octavo: error: {message}\n")
