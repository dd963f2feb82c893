"""Diagnostics: compiler-style messages with a stable id, file and line.

Every problem octavo finds in a manuscript becomes a ``Diagnostic``. They are
collected, never raised one at a time, so that a run reports all of them at
once; ``ManuscriptError`` carries a batch of errors out of a stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How bad a diagnostic is: errors stop the build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, printed as ``file:line: id: message``."""

    file: str
    line: int
    id: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = self.file if self.line <= 0 else f"{self.file}:{self.line}"
        level = "" if self.severity is Severity.ERROR else "warning: "
        return f"{where}: {level}{self.id}: {self.message}"


def in_order(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics by file, then line; those of one line in the order they were found."""
    return sorted(items, key=lambda d: (d.file, d.line))


def of_severity(items: Iterable[Diagnostic], severity: Severity) -> list[Diagnostic]:
    """The diagnostics of one severity, in their order."""
    return [d for d in items if d.severity is severity]


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics for one run."""

    root: Path | None = None
    items: list[Diagnostic] = field(default_factory=list)

    def where(self, path: Path | str) -> str:
        """Name a file as the user typed it: relative to the manuscript's parent."""
        p = Path(path)
        if self.root is not None:
            try:
                return str(p.resolve().relative_to(self.root.resolve().parent))
            except (ValueError, OSError, RuntimeError):  # outside the root, or a link loop
                pass
        return str(p)

    def error(self, path: Path | str, line: int, id: str, message: str) -> None:
        self.items.append(Diagnostic(self.where(path), line, id, message, Severity.ERROR))

    def warning(self, path: Path | str, line: int, id: str, message: str) -> None:
        self.items.append(Diagnostic(self.where(path), line, id, message, Severity.WARNING))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return of_severity(self.items, Severity.ERROR)

    @property
    def warnings(self) -> list[Diagnostic]:
        return of_severity(self.items, Severity.WARNING)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class ManuscriptError(Exception):
    """Raised by a stage that cannot go on; carries every error it found (``diagnostics``) and
    the warnings found with them (``warnings``), so that a stopped build still reports everything."""

    def __init__(self, diagnostics: Iterable[Diagnostic], warnings: Iterable[Diagnostic] = ()):
        self.diagnostics = list(diagnostics)
        self.warnings = list(warnings)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
