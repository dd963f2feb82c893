"""dist/ is never half-new: outputs are staged, refereed, then moved into place together.

A failure or an interruption at any step leaves the earlier outputs as they
were; the cache record is written last, and never for outputs that failed
or did not finish their referees.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import make_manuscript, run_octavo

from octavo.build.cache import CACHE_NAME
from octavo.cli import main
from octavo.inspect import referees

CHAPTER = "# One\n\nA first chapter, version {n}.[^a]\n\n[^a]: Its note.\n"
SLUG = "a-test-book"
OUTPUTS = {f"{SLUG}.epub", f"{SLUG}.pdf", f"{SLUG}-cover.pdf", f"{SLUG}-archive.pdf", f"{SLUG}-deposit"}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the lock (which a build may create), with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".octavo.lock"
    }


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    previous = signal.getsignal(signal.SIGTERM)  # main() installs its own handler
    try:
        try:
            code = main(args)
        except SystemExit as exc:
            code = exc.code
    finally:
        signal.signal(signal.SIGTERM, previous)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def version(ms: Path, n: int) -> None:
    (ms / "one.md").write_text(CHAPTER.format(n=n), encoding="utf-8")


@pytest.fixture
def built(tmp_path, capsys) -> tuple[Path, Path]:
    """A small book built once (no referees) into dist/, then its chapter changed."""
    ms = make_manuscript(tmp_path / "ms", {"one.md": CHAPTER.format(n=1)})
    out = tmp_path / "dist"
    code, _, err = run_main([str(ms), "--out", str(out), "--no-referees"], capsys)
    assert code == 0, err
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == OUTPUTS
    version(ms, 2)
    return ms, out


def leftovers(out: Path) -> list[str]:
    """Anything a build should not leave behind: temporary files, the staging folder."""
    known = {".octavo.lock", CACHE_NAME, ".octavo-layout", *OUTPUTS, "proofs"}
    return sorted(p.name for p in out.iterdir() if p.name not in known)


def test_a_failure_in_the_bag_step_leaves_dist_as_it_was(built, monkeypatch, capsys):
    """Issue 14, case 4: the new EPUB and PDFs were already in place beside the old bag."""
    ms, out = built
    before = snapshot(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("octavo.writers.deposit.build_deposit", full)  # imported when used
    code, _, err = run_main([str(ms), "--out", str(out), "--no-referees"], capsys)
    assert code == 1 and "No space left on device" in err
    assert "earlier outputs are unchanged" in err
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a tmpfs needs root")
def test_a_full_disk_leaves_dist_as_it_was(tmp_path):
    """A real full disk: a 4 MB tmpfs holds one build's outputs but not a second set beside them."""
    ms = make_manuscript(tmp_path / "ms", {"one.md": CHAPTER.format(n=1)})
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = disk / "dist"
        build = [str(ms), "--out", str(out), "--no-referees"]
        first = run_octavo(*build)
        assert first.returncode == 0, first.stderr
        before = snapshot(out)
        version(ms, 2)
        (ms / "two.md").write_text("# Two\n\n" + "More text. " * 4000, encoding="utf-8")
        toml = ms / "book.toml"
        toml.write_text(toml.read_text() + '\n[[contents]]\nfile = "two.md"\nkind = "chapter"\n')
        second = run_octavo(*build)
        assert second.returncode == 1, second.stdout + second.stderr
        assert "No space left on device" in second.stderr and "Traceback" not in second.stderr
        assert snapshot(out) == before
        assert leftovers(out) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_an_interrupted_referee_does_not_make_the_next_build_up_to_date(built, monkeypatch, capsys):
    """Issue 14, case 5: Ctrl-C during EPUBCheck left the cache record of the new build."""
    ms, out = built
    before = snapshot(out)

    def interrupted(path, options, pages):
        raise KeyboardInterrupt

    monkeypatch.setitem(referees.REFEREES, "epub", interrupted)
    code, _, err = run_main([str(ms), "--out", str(out), "--only", "epub"], capsys)
    assert code == 130 and "interrupted" in err
    monkeypatch.undo()
    assert snapshot(out) == before
    code, stdout, err = run_main([str(ms), "--out", str(out), "--only", "epub", "--json"], capsys)
    assert json.loads(stdout)["up_to_date"] is False


def test_outputs_that_fail_a_referee_are_not_moved_into_place(built, monkeypatch, capsys):
    ms, out = built
    before = snapshot(out)

    def damaged(path, options, pages):
        return referees.Verdict("EPUBCheck", False, "RSC-005: damaged")

    monkeypatch.setitem(referees.REFEREES, "epub", damaged)
    code, _, err = run_main([str(ms), "--out", str(out), "--only", "epub"], capsys)
    assert code == 1
    staged = out / ".octavo-staging" / f"{SLUG}.epub"
    assert f"{staged}: referee-failed: EPUBCheck: RSC-005: damaged" in err
    assert f"none was moved into {out}" in err and staged.is_file()
    assert snapshot(out) == {k: v for k, v in before.items()} | {
        str(p.relative_to(out)): p.read_bytes() for p in (out / ".octavo-staging").rglob("*") if p.is_file()
    }
    monkeypatch.undo()
    code, _, err = run_main([str(ms), "--out", str(out), "--only", "epub", "--no-referees"], capsys)
    assert code == 0, err
    assert not (out / ".octavo-staging").exists()  # the next build clears what was kept


def test_the_bag_folder_has_ordinary_permissions(built):
    _, out = built
    umask = os.umask(0)
    os.umask(umask)
    mode = stat.S_IMODE((out / f"{SLUG}-deposit").stat().st_mode)
    assert mode == 0o777 & ~umask
    assert stat.S_IMODE((out / f"{SLUG}-deposit" / "data").stat().st_mode) == 0o777 & ~umask


def test_wrote_only_for_files_really_rewritten(tmp_path):
    ms = make_manuscript(tmp_path / "ms", {"one.md": CHAPTER.format(n=1)})
    out = tmp_path / "dist"
    build = [str(ms), "--out", str(out), "--no-referees"]
    assert run_octavo(*build).returncode == 0
    epub = out / f"{SLUG}.epub"
    stamp = epub.stat().st_mtime_ns
    proc = run_octavo(*build, "--force")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert not [ln for ln in lines if ln.startswith("wrote")], proc.stdout
    assert f"unchanged {epub}" in lines
    assert epub.stat().st_mtime_ns == stamp
    (ms / "one.md").write_text(CHAPTER.format(n=2), encoding="utf-8")
    proc = run_octavo(*build)
    assert f"wrote {epub}" in proc.stdout.splitlines()


def test_out_inside_the_styles_folder_is_refused(tmp_path, styles_copy, capsys):
    ms = make_manuscript(tmp_path / "ms", {"one.md": CHAPTER.format(n=1)})
    out = styles_copy / "dist"
    code, _, err = run_main([str(ms), "--out", str(out), "--styles", str(styles_copy)], capsys)
    assert code == 1
    assert "styles/dist: out-in-styles: the output folder must not be the styles folder or inside it" in err
    assert not out.exists()


def test_an_error_after_the_move_says_the_new_outputs_are_in_place(built, monkeypatch, capsys):
    ms, out = built

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("octavo.build.pipeline.record", full)
    code, _, err = run_main([str(ms), "--out", str(out), "--no-referees"], capsys)
    assert code == 1 and f"{ms}: internal-error: OSError" in err
    assert f"the new outputs are in {out}" in err and "unchanged" not in err
    assert not (out / CACHE_NAME).exists()


def test_proofs_of_an_earlier_pdf_go_when_a_new_pdf_comes_without_them(tmp_path, capsys):
    """Proofs show the print PDF they were made from: a new PDF built without ``--proofs`` takes
    the old proofs away (an EPUB-only build, which leaves the PDF as it was, keeps them)."""
    ms = make_manuscript(tmp_path / "ms", {"one.md": CHAPTER.format(n=1)})
    out = tmp_path / "dist"
    assert run_main([str(ms), "--out", str(out), "--no-referees", "--proofs"], capsys)[0] == 0
    assert any((out / "proofs").glob("spread-*.png"))
    version(ms, 2)
    assert run_main([str(ms), "--out", str(out), "--no-referees", "--only", "epub"], capsys)[0] == 0
    assert any((out / "proofs").glob("spread-*.png"))
    assert run_main([str(ms), "--out", str(out), "--no-referees"], capsys)[0] == 0
    assert not (out / "proofs").exists()
    assert leftovers(out) == []


def test_warnings_of_a_successful_build_are_printed_in_line_order(tmp_path, capsys):
    """The parser warns first (removed HTML on line 7), the checks after (a straight quote on line
    3): the build, and the next one that finds it up to date, print them by line."""
    text = "# One\n\nA quote left 'tis straight.\n\nMiddle.\n\nA <marquee>gone</marquee> tag.\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    out = tmp_path / "dist"
    for _ in range(2):
        code, _, err = run_main([str(ms), "--out", str(out), "--only", "epub", "--no-referees", "-q"], capsys)
        assert code == 0, err
        lines = [line.split(": ")[0] for line in err.splitlines() if "warning:" in line]
        assert lines == ["ms/one.md:3", "ms/one.md:7", "ms/one.md:7"], err
