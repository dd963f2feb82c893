"""Staging: a build's outputs are made in ``OUT/.octavo-staging/``, then moved into place together.

Every output — the EPUB, the PDFs, the deposit bag, the proofs folder — is
written into the staging folder, checked there by the referees, and only
then moved into ``OUT``. POSIX renames each one atomically, but not several
at once, so the move is a small transaction:

1. each output whose bytes differ from what ``OUT`` holds is listed; the
   old file of each is hard-linked into ``.octavo-staging/.old/``;
2. a journal, ``.octavo-staging/swap.json``, is written (synced, renamed
   into place): from here the new outputs win;
3. each file is renamed over its old one (``os.replace``); each folder's
   old copy is renamed aside into ``.old/`` and the new one renamed in;
4. the journal, then the staging folder, are deleted.

If one of the renames raises, the journal turns to "back" and the old
outputs are put back from ``.old/``. If the process dies (a kill, a power
cut) between two renames, ``OUT`` holds some new outputs and some old for
as long as it stays dead; the next build into ``OUT`` finishes the move
(``recover``, under the output lock, before anything else) in the
journal's direction. Without a journal, a staging folder is what a killed
or rejected build left, and is deleted.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import NotRequired, TypedDict

STAGE_NAME = ".octavo-staging"
JOURNAL = "swap.json"
OLD = ".old"


class _Entry(TypedDict):
    """One output of a swap, as the journal records it."""

    name: str
    drop: NotRequired[bool]  # the cache record, moved aside and deleted
    folder: NotRequired[bool]
    existed: NotRequired[bool]


def write_file(path: Path, data: bytes) -> None:
    """Write one staged output, synced to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _move(source: Path, target: Path) -> None:
    """Every rename of the swap goes through here (a test makes one fail)."""
    os.replace(source, target)


def _keep(old: Path, aside: Path) -> None:
    """Keep the old file's bytes aside: a hard link, or a copy where links are not allowed."""
    try:
        os.link(old, aside, follow_symlinks=False)
    except OSError:
        shutil.copy2(old, aside, follow_symlinks=False)


def _files(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def _same(new: Path, old: Path) -> bool:
    """Does ``old`` already hold exactly what ``new`` holds (a file, or a folder's every file)?"""
    try:
        if new.is_dir():
            if old.is_symlink() or not old.is_dir():
                return False
            mine, theirs = _files(new), _files(old)
            return mine.keys() == theirs.keys() and all(_same(mine[k], theirs[k]) for k in mine)
        if old.is_symlink() or not old.is_file():
            return False
        return old.stat().st_size == new.stat().st_size and old.read_bytes() == new.read_bytes()
    except OSError:
        return False


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Stage:
    """The staging folder of one build into ``out``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.root = out / STAGE_NAME

    def create(self) -> Path:
        self.root.mkdir()
        return self.root

    def final(self, staged: Path) -> Path:
        """Where a staged output goes."""
        return self.out / staged.relative_to(self.root)

    def discard(self) -> None:
        """Delete the staging folder (a failed or interrupted build's), unless a swap's journal is
        still there: a swap whose rollback failed is left whole for ``recover`` to finish."""
        if not os.path.lexists(self.root / JOURNAL):
            shutil.rmtree(self.root, ignore_errors=True)

    def swap(self, names: list[str], drop: tuple[str, ...] = ()) -> list[str]:
        """Move the staged outputs ``names`` (top-level names in ``out``) into place; the names moved.

        An output whose bytes ``out`` already holds is left untouched there.
        The files ``drop`` (the cache record) are moved aside first and
        deleted with the staging folder, or put back if the swap is undone.
        """
        entries: list[_Entry] = [
            {"name": name, "drop": True} for name in drop if os.path.lexists(self.out / name)
        ]
        for name in names:
            new, old = self.root / name, self.out / name
            if not _same(new, old):
                entries.append({"name": name, "folder": new.is_dir(), "existed": os.path.lexists(old)})
        if len(entries) > len([e for e in entries if e.get("drop")]):
            (self.root / OLD).mkdir(exist_ok=True)
            for entry in entries:
                if not entry.get("drop") and entry["existed"] and not entry["folder"]:
                    _keep(self.out / entry["name"], self.root / OLD / entry["name"])
            self._journal(entries, "forward")
            try:
                for entry in entries:
                    self._forward(entry)
            except BaseException:
                self._journal(entries, "back")
                for entry in reversed(entries):
                    self._back(entry)
                (self.root / JOURNAL).unlink()
                raise
            _sync_folder(self.out)
            (self.root / JOURNAL).unlink()
        else:
            entries = []
        self.discard()
        return [e["name"] for e in entries if not e.get("drop")]

    def _journal(self, entries: list[_Entry], direction: str) -> None:
        temporary = self.root / f"{JOURNAL}.tmp"
        write_file(temporary, json.dumps({"direction": direction, "entries": entries}).encode())
        os.replace(temporary, self.root / JOURNAL)
        _sync_folder(self.root)

    def _forward(self, entry: _Entry) -> None:
        """Put the new output in place (again: each step is skipped once done)."""
        name = entry["name"]
        new, target, aside = self.root / name, self.out / name, self.root / OLD / name
        if entry.get("drop"):
            if os.path.lexists(target) and not os.path.lexists(aside):
                _move(target, aside)
            return
        if not os.path.lexists(new):
            return
        if entry["folder"] and os.path.lexists(target) and not os.path.lexists(aside):
            _move(target, aside)
        _move(new, target)

    def _back(self, entry: _Entry) -> None:
        """Put the old output back (or remove the new one where there was none)."""
        name = entry["name"]
        target, aside = self.out / name, self.root / OLD / name
        if os.path.lexists(aside):
            if entry.get("folder") and os.path.lexists(target):
                _move(target, self.root / f".new-{name}")
            _move(aside, target)
        elif (
            not entry.get("existed", True)
            and os.path.lexists(target)
            and not os.path.lexists(self.root / name)
        ):
            if target.is_dir() and not target.is_symlink():
                _move(target, self.root / f".new-{name}")
            else:
                target.unlink()


def recover(out: Path) -> str | None:
    """Finish a swap a dead build left half done, then clear its staging folder.

    Returns "forward" or "back" when a swap was finished, else None.
    """
    stage = Stage(out)
    if not os.path.lexists(stage.root):
        return None
    direction = None
    try:
        journal = json.loads((stage.root / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        journal = None
    if journal is not None:
        direction = journal["direction"]
        step = stage._forward if direction == "forward" else stage._back
        entries = journal["entries"] if direction == "forward" else list(reversed(journal["entries"]))
        for entry in entries:
            step(entry)
        _sync_folder(out)
        (stage.root / JOURNAL).unlink()
    stage.discard()
    return direction
