"""Command line: ``octavo [PATH] [options]`` builds; ``octavo COMMAND ...`` runs another command.

Exit 0 on success, 1 when the manuscript has errors (or an output fails its
referee), 2 on usage errors. Messages go to stderr in compiler form,
``file:line: id: message``. One module per command; each is imported only
when its command runs, so ``octavo new`` never loads the build.
"""

from __future__ import annotations

import importlib
import signal
import sys
from collections.abc import Callable

from octavo.cli.common import terminate

#: ``octavo COMMAND ...``: the module in ``octavo.cli`` whose ``main(argv)`` runs it.
COMMANDS = {"catalogue": "catalogue", "new": "new", "preview": "preview"}


def main(argv: list[str] | None = None) -> int:
    """Run a command; ``argv`` without the program name (default: ``sys.argv[1:]``). Returns the exit code."""
    signal.signal(signal.SIGTERM, terminate)  # every command ends on SIGTERM as on Ctrl-C
    argv = sys.argv[1:] if argv is None else argv
    name = COMMANDS.get(argv[0], "build") if argv else "build"
    module = importlib.import_module(f"octavo.cli.{name}")
    run: Callable[[list[str]], int] = module.main
    return run(argv[1:] if name != "build" else argv)
