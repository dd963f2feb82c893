"""Where octavo's own styles live; kept free of heavy imports (the CLI's no-op check uses it)."""

from __future__ import annotations

from pathlib import Path

#: The outputs octavo can build, in the order it builds them.
FORMATS = ("epub", "pdf", "archive")
PACKAGE_STYLES = Path(__file__).parent / "_styles"
PROJECT_STYLES = Path(__file__).parent.parent / "styles"


def styles_root(override: Path | None = None) -> Path:
    """The styles folder to use: the one given, the installed copy, or the project's."""
    if override is not None:
        return override
    return PACKAGE_STYLES if PACKAGE_STYLES.is_dir() else PROJECT_STYLES
