"""``octavo --verify BAG``: check a deposit bag (fixity, PDF/A claims, EPUB) and build nothing."""

from __future__ import annotations

from pathlib import Path

from octavo.cli.common import EXIT_MANUSCRIPT, EXIT_OK


def main(path: Path) -> int:
    """Report each file of a deposit bag; exit 1 on any problem."""
    from octavo.build.plan import PUBLICATION
    from octavo.inspect.verify import verify_bag  # heavy imports only where needed

    states = verify_bag(path, PUBLICATION)
    for state in states:
        print(state)
    failed = [s for s in states if not s.ok]
    print(f"verify: {len(states) - len(failed)} ok, {len(failed)} failed")
    return EXIT_MANUSCRIPT if failed else EXIT_OK
