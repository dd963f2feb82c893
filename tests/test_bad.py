"""Bad manuscripts: a clear message with file and line, exit 1, no traceback, dist/ untouched.

Each folder in tests/bad/ is a manuscript with an ``expect.toml``: the
message(s) stderr must contain, the exit code, extra arguments, and, for
inputs too big or too odd to keep in the repository, how to generate them.
The cases run ``octavo.cli.main`` in process (``run_octavo``); one case runs
through the real entry point too, as a command of its own.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tomllib
import zlib
from pathlib import Path

import pytest
from conftest import ROOT, run_octavo
from PIL import Image

BAD = Path(__file__).parent / "bad"
CASES = sorted(p for p in BAD.iterdir() if (p / "expect.toml").is_file())


def png_bomb(path: Path, side: int = 30_000) -> None:
    """A side x side black RGB PNG, written in a blink: one compressed run of rows, repeated.

    Each run ends with a full flush, so the runs are independent and can be
    repeated as they are; the zlib checksum of N zero bytes is (N mod 65521) << 16 | 1.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = 1 + 3 * side  # the filter byte, then the pixels
    rows = 100 if side % 100 == 0 else 1
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    run = deflate.compress(bytes(row * rows)) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    checksum = struct.pack(">I", (row * side % 65521) << 16 | 1)
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    data = b"\x78\xda" + run * (side // rows) + end + checksum
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunks)


def generate(kind: str, folder: Path) -> None:
    """Inputs made at test time rather than kept in git."""
    chapter = folder / "one.md"
    if kind == "big-chapter":
        with chapter.open("w", encoding="utf-8") as handle:
            handle.write("# One\n\n")
            line = "A long chapter line of ordinary words that goes on and on. " * 10 + "\n\n"
            while handle.tell() < 20 * 1024 * 1024:
                handle.write(line)
    elif kind == "deep-quotes":
        chapter.write_text("# One\n\n" + "> " * 1000 + "deep\n", encoding="utf-8")
    elif kind == "deep-lists":
        chapter.write_text("# One\n\n" + "- " * 1000 + "deep\n", encoding="utf-8")
    elif kind == "symlink-outside":
        os.symlink("/etc/hostname", folder / "link.md")
    elif kind == "symlink-loop":
        os.symlink("loop.md", folder / "loop.md")
    elif kind in ("small-png", "big-png"):
        size = (40, 30) if kind == "small-png" else (2600, 2000)
        Image.new("RGB", size, (200, 190, 170)).save(folder / "pic.png")
    elif kind == "deep-toml":  # 5,000 arrays deep: Python's TOML parser would overflow its stack
        with (folder / "book.toml").open("a", encoding="utf-8") as handle:
            handle.write("x = " + "[" * 5000 + "]" * 5000 + "\n")
    elif kind == "long-key-toml":  # 100 kB, one dotted key: Python's TOML parser takes gigabytes
        with (folder / "book.toml").open("a", encoding="utf-8") as handle:
            handle.write("a" + ".a" * 50_000 + " = 1\n")
    elif kind == "big-toml":
        config = folder / "book.toml"
        size = config.stat().st_size
        with config.open("a", encoding="utf-8") as handle:
            handle.write(("# padding\n" * 40_000)[: 300 * 1024 - size])
    elif kind == "png-bomb":  # 2.6 MB on disk, 2.7 GB decoded
        png_bomb(folder / "pic.png")
    elif kind == "png-damaged":  # a sound header, then the pixel data cut short
        png_bomb(folder / "whole.png", side=600)
        (folder / "pic.png").write_bytes((folder / "whole.png").read_bytes()[:400])
        (folder / "whole.png").unlink()
    elif kind == "long-paragraph":
        with chapter.open("a", encoding="utf-8") as handle:
            handle.write("\n" + "\"a 'b " * (300 * 1024 // 6) + "\n")
    elif kind == "out-file":
        folder.with_suffix(".out").write_text("a file where the output folder should be\n")
    else:
        raise ValueError(kind)


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


def prepare(case: Path, tmp_path: Path) -> tuple[Path, Path, list[str], dict]:
    """The case's manuscript copied (and generated) under tmp_path, its dist/ and arguments."""
    expect = tomllib.loads((case / "expect.toml").read_text(encoding="utf-8"))
    manuscript = tmp_path / case.name
    shutil.copytree(case, manuscript, symlinks=True, ignore=shutil.ignore_patterns("expect.toml"))
    if "generate" in expect:
        generate(expect["generate"], manuscript)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "earlier.epub").write_bytes(b"an earlier build's output")
    args = [a.replace("{manuscript}", str(manuscript)) for a in expect.get("args", [])]
    if "--out" not in args:
        args += ["--out", str(dist)]
    return manuscript, dist, [str(manuscript), *args], expect


def assert_refused(proc: subprocess.CompletedProcess, expect: dict, manuscript: Path, dist: Path) -> None:
    assert proc.returncode == expect["exit"], proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    for message in expect["messages"]:
        assert message in proc.stderr, f"{message!r} not in:\n{proc.stderr}"
    if "problems" in expect:  # these and nothing else
        count = expect["problems"]
        assert f"octavo: {count} problem{'s' * (count != 1)};" in proc.stderr, proc.stderr
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == {"earlier.epub": b"an earlier build's output"}
    assert not (manuscript / "dist").exists() or not any((manuscript / "dist").iterdir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_manuscript(case: Path, tmp_path: Path):
    manuscript, dist, argv, expect = prepare(case, tmp_path)
    assert_refused(run_octavo(*argv), expect, manuscript, dist)


@pytest.mark.parametrize("name", ["note-undefined"])
def test_bad_manuscript_through_the_command(name: str, tmp_path: Path):
    """The same refusal from ``python build.py`` as a process of its own: stderr, exit code, no traceback."""
    manuscript, dist, argv, expect = prepare(BAD / name, tmp_path)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *argv], capture_output=True, text=True, timeout=120
    )
    assert_refused(proc, expect, manuscript, dist)
