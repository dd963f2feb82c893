"""Fault injection: a failure at each step, and random kill -9s, leave dist/ whole.

Whole means: the outputs in dist/ are all the earlier build's or all the new
one's, byte for byte, and the cache record never calls a mixed or
unfinished set up to date.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, make_manuscript

import octavo.build.staging
import octavo.writers.deposit
import octavo.writers.proofs
from octavo.build.cache import CACHE_NAME, build_key, up_to_date
from octavo.build.pipeline import BuildOptions, build
from octavo.build.staging import JOURNAL, STAGE_NAME, recover
from octavo.locations import FORMATS, styles_root

CHAPTER = "# One\n\nA first chapter, version {n}.[^a]\n\n[^a]: Its note, version {n}.\n"


def visible(out: Path) -> dict[str, bytes]:
    """The outputs: every file under a top-level entry of ``out`` that is not a dot-name."""
    found = {}
    for top in out.iterdir():
        if top.name.startswith("."):
            continue
        paths = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in paths:
            if path.is_file():
                found[str(path.relative_to(out))] = path.read_bytes()
    return found


def everything(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".octavo.lock"
    }


def fail_at(count: int, error: BaseException):
    """A function that raises ``error`` on its ``count``-th call (from 0), once, else calls ``real``."""
    calls = {"n": 0}

    def wrap(real):
        def fake(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] - 1 == count:
                raise error
            return real(*args, **kwargs)

        return fake

    return wrap


@pytest.mark.slow
def test_a_failure_at_any_step_leaves_dist_whole(tmp_path, monkeypatch):
    ms = make_manuscript(tmp_path / "ms", {"one.md": CHAPTER.format(n=1)})
    out, new_ref = tmp_path / "dist", tmp_path / "new"
    build(BuildOptions(manuscript=ms, out=out, proofs=True))
    old = everything(out)
    (ms / "one.md").write_text(CHAPTER.format(n=2), encoding="utf-8")
    build(BuildOptions(manuscript=ms, out=new_ref, proofs=True))
    new = visible(new_ref)
    assert visible(out) != new

    def judged(result, outputs):
        return {}

    def interrupted(result, outputs):
        raise KeyboardInterrupt

    import octavo.build.pipeline
    from octavo.layout import interior as pdf

    probe, moves = tmp_path / "probe", []  # how many renames the swap makes (unchanged files: none)
    shutil.copytree(out, probe)
    with monkeypatch.context() as patch:
        real_move = octavo.build.staging._move
        patch.setattr(
            octavo.build.staging,
            "_move",
            lambda source, target: (moves.append(target), real_move(source, target)),
        )
        build(BuildOptions(manuscript=ms, out=probe, proofs=True))
    assert len(moves) >= 6, moves  # the EPUB, the PDF, the archive PDF, the bag and the proofs (2 each)

    faults = [
        ("render", pdf, "layout", fail_at(0, RuntimeError("render"))),
        *[
            (f"write {n}", octavo.build.pipeline, "write_file", fail_at(n, OSError(28, "No space left")))
            for n in range(4)
        ],
        ("bag", octavo.writers.deposit, "build_deposit", fail_at(0, OSError(28, "No space left"))),
        ("proofs", octavo.writers.proofs, "write_proofs", fail_at(0, MemoryError())),
        ("referees", None, None, None),
        ("keep aside", octavo.build.staging, "_keep", fail_at(0, OSError(1, "no links"))),
        *[
            (f"swap {n}", octavo.build.staging, "_move", fail_at(n, OSError(5, "I/O error")))
            for n in range(len(moves))
        ],
        ("record", octavo.build.pipeline, "record", fail_at(0, OSError(28, "No space left"))),
    ]
    for name, module, attribute, wrap in faults:
        with monkeypatch.context() as patch:
            if module is not None:
                patch.setattr(module, attribute, wrap(getattr(module, attribute)))
            referee = interrupted if name == "referees" else judged
            with pytest.raises((Exception, KeyboardInterrupt)):
                build(BuildOptions(manuscript=ms, out=out, proofs=True, referee=referee))
        assert not (out / STAGE_NAME).exists(), name
        if name == "record":  # after the swap: wholly new, and no record to call it up to date
            assert visible(out) == new, name
            assert not (out / CACHE_NAME).exists()
        else:
            assert everything(out) == old, name
    build(BuildOptions(manuscript=ms, out=out, proofs=True))
    assert visible(out) == new


def test_a_swap_killed_midway_is_finished_by_the_next_build(tmp_path, monkeypatch):
    """A kill between two renames leaves a journal; recover() finishes the move."""
    ms = make_manuscript(tmp_path / "ms", {"one.md": CHAPTER.format(n=1)})
    out, new_ref = tmp_path / "dist", tmp_path / "new"
    build(BuildOptions(manuscript=ms, out=out, formats=("epub", "pdf")))
    (ms / "one.md").write_text(CHAPTER.format(n=2), encoding="utf-8")
    build(BuildOptions(manuscript=ms, out=new_ref, formats=("epub", "pdf")))

    class Killed(BaseException):
        pass

    def dies(self, entries, direction):  # the process "dies" instead of rolling back
        if direction == "back":
            raise Killed
        return real_journal(self, entries, direction)

    real_journal = octavo.build.staging.Stage._journal
    monkeypatch.setattr(octavo.build.staging.Stage, "_journal", dies)
    monkeypatch.setattr(
        octavo.build.staging, "_move", fail_at(1, OSError(5, "I/O error"))(octavo.build.staging._move)
    )
    with pytest.raises(Killed):
        build(BuildOptions(manuscript=ms, out=out, formats=("epub", "pdf")))
    assert (out / STAGE_NAME / JOURNAL).is_file()  # one output moved, the others not
    assert visible(out) != visible(new_ref)
    monkeypatch.undo()
    assert recover(out) == "forward"
    assert visible(out) == visible(new_ref)
    assert not (out / STAGE_NAME).exists()


def _build(ms: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), str(ms), "--out", str(out), "--proofs", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes its helpers too
    )


@pytest.mark.slow
def test_twenty_random_kills_leave_dist_whole(tmp_path):
    books = {}
    for n in (1, 2):
        ms = make_manuscript(tmp_path / f"ms{n}", {"one.md": CHAPTER.format(n=n)})
        ref = tmp_path / f"ref{n}"
        started = time.monotonic()
        proc = _build(ms, ref, "--no-referees")
        assert proc.wait() == 0, proc.stderr.read()
        books[n] = (ms, visible(ref), time.monotonic() - started)
    out = tmp_path / "dist"
    proc = _build(books[1][0], out, "--no-referees")
    assert proc.wait() == 0
    current = 1
    rng = random.Random(14)
    deadline = time.monotonic() + 900
    journals = completed = 0
    for _ in range(20):
        assert time.monotonic() < deadline
        target = 2 if current == 1 else 1
        ms, _, seconds = books[target]
        proc = _build(ms, out, "--no-referees")
        time.sleep(rng.uniform(0.0, seconds * 1.2))
        os.killpg(proc.pid, signal.SIGKILL)
        completed += proc.wait() == 0
        if (out / STAGE_NAME / JOURNAL).exists():  # killed between two renames of the swap
            journals += 1
            recover(out)  # what the next build does first, under the lock
        now = visible(out)
        assert now in (books[1][1], books[2][1]), sorted(now)
        current = 1 if now == books[1][1] else 2
        for manuscript, outputs, _ in books.values():
            key = build_key(manuscript, styles_root(None), FORMATS, False)
            if up_to_date(out, key) is not None:
                assert now == outputs, "the cache calls a set up to date that is not in dist/"
    print(f"20 kills: {completed} builds had finished, {journals} swaps finished by recover()")
