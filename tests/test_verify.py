"""``--verify BAG`` tells the truth about every payload file, and agrees with bagit on the bag.

Each tamper case spoils a copy of a real deposit bag; ``verify_bag`` must
name the spoilt file with what is wrong, call no damaged file ``ok``, and
fail the bag exactly when ``bagit``'s own ``Bag.validate`` does.
"""

from __future__ import annotations

import builtins
import os
import shutil
import threading
import zipfile
from pathlib import Path

import bagit
import pytest
from conftest import build_book, make_manuscript

from octavo.build.plan import PUBLICATION
from octavo.inspect import verify
from octavo.inspect.verify import verify_bag

PDF = "data/print/a-test-book.pdf"
EPUB = "data/publication/a-test-book.epub"


@pytest.fixture(scope="module")
def deposit(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("verify")
    ms = make_manuscript(root / "ms", {"one.md": "# One\n\nA chapter.[^a]\n\n[^a]: A note.\n"})
    build_book(ms, root / "dist")
    return root / "dist" / "a-test-book-deposit"


@pytest.fixture(autouse=True)
def no_epubcheck(monkeypatch):
    monkeypatch.setattr(verify, "epub_problems", lambda path: None)  # Java is not what is tested


def flip(bag: Path) -> None:
    data = bytearray((bag / PDF).read_bytes())
    data[200] ^= 0x01  # same size: Payload-Oxum cannot see it
    (bag / PDF).write_bytes(bytes(data))


def grow(bag: Path) -> None:
    with open(bag / PDF, "ab") as handle:
        handle.write(b"%")


def remove(bag: Path) -> None:
    (bag / PDF).unlink()


def extra(bag: Path) -> None:
    (bag / "data" / "print" / "notes.txt").write_text("added later")


def fifo(bag: Path) -> None:
    (bag / PDF).unlink()
    os.mkfifo(bag / PDF)


def folder(bag: Path) -> None:
    (bag / PDF).unlink()
    (bag / PDF).mkdir()
    (bag / PDF / "inside.txt").write_text("x")


def symlink_out(bag: Path) -> None:
    outside = bag.parent / "outside.pdf"
    shutil.move(bag / PDF, outside)
    (bag / PDF).symlink_to(outside)


def symlink_in(bag: Path) -> None:
    """A link to a copy inside the bag: same bytes, but not a file."""
    shutil.copy(bag / PDF, bag / "data" / "print" / "copy.pdf")
    (bag / PDF).unlink()
    (bag / PDF).symlink_to("copy.pdf")


def tag_changed(bag: Path) -> None:
    info = bag / "bag-info.txt"
    info.write_text(info.read_text().replace("Source-Organization: ", "Source-Organization: X"))


def oxum_and_file(bag: Path) -> None:
    """Both a wrong Payload-Oxum and a changed file: the file must still be named."""
    flip(bag)
    info = bag / "bag-info.txt"
    text = info.read_text()
    info.write_text(text.replace("Payload-Oxum: ", "Payload-Oxum: 1"))


CASES = {
    "changed": (flip, PDF, "checksum differs"),
    "grown": (grow, PDF, "checksum differs"),
    "missing": (remove, PDF, "missing"),
    "extra": (extra, "data/print/notes.txt", "not listed in the manifest"),
    "fifo": (fifo, PDF, "not a regular file (a FIFO)"),
    "folder": (folder, PDF, "a folder where the manifest lists a file"),
    "symlink-out": (symlink_out, PDF, "a symbolic link"),
    "symlink-in": (symlink_in, PDF, "a symbolic link"),
    "tag-changed": (tag_changed, "bag-info.txt", "checksum differs"),
    "oxum-and-file": (oxum_and_file, PDF, "checksum differs"),
}


def bagit_valid(bag: Path) -> bool:
    """bagit's verdict; a validation that hangs (reading a FIFO) counts as a failure."""
    verdict: list[bool] = []

    def run() -> None:
        try:
            bagit.Bag(str(bag)).validate(processes=1)
            verdict.append(True)
        except (bagit.BagError, bagit.BagValidationError, OSError):
            verdict.append(False)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)
    return bool(verdict and verdict[0])


def test_an_untouched_bag_is_ok_for_both(deposit, tmp_path):
    copy = tmp_path / "bag"
    shutil.copytree(deposit, copy)
    states = verify_bag(copy, PUBLICATION)
    assert all(s.ok for s in states), [str(s) for s in states if not s.ok]
    assert any(s.path == PDF for s in states) and any(s.path == EPUB for s in states)
    assert bagit_valid(copy)


@pytest.mark.parametrize("case", CASES)
def test_verify_names_each_tampered_file_and_agrees_with_bagit(deposit, tmp_path, case):
    spoil, name, detail = CASES[case]
    copy = tmp_path / "bag"
    shutil.copytree(deposit, copy)
    spoil(copy)
    states = verify_bag(copy, PUBLICATION)
    named = [s for s in states if s.path == name]
    assert named, [str(s) for s in states]
    assert all(not s.ok for s in named), [str(s) for s in named]
    assert any(detail in s.detail for s in named), [str(s) for s in named]
    others = [s.path for s in states if not s.ok and s.path not in (name, str(copy))]
    if case == "folder":
        assert others == [f"{PDF}/inside.txt"]
    elif case == "symlink-in":
        assert others == ["data/print/copy.pdf"]
    elif case == "oxum-and-file":
        assert others == ["bag-info.txt"]  # its tag manifest checksum, too
    else:
        assert others == [], [str(s) for s in states]
    assert any(s.path == str(copy) and not s.ok for s in states)  # the bag itself fails
    assert bagit_valid(copy) is False  # and bagit agrees


def test_an_unreadable_payload_file_is_named(deposit, tmp_path, monkeypatch):
    """As root no mode makes a file unreadable: ``open`` is made to refuse it, for both."""
    copy = tmp_path / "bag"
    shutil.copytree(deposit, copy)
    target = str(copy / PDF)
    real_open = builtins.open

    def refusing(file, *args, **kwargs):
        if os.fspath(file) == target:
            raise PermissionError(13, "Permission denied", target)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing)
    states = verify_bag(copy, PUBLICATION)
    [state] = [s for s in states if s.path == PDF]
    assert not state.ok and "cannot be read" in state.detail and "Permission denied" in state.detail
    assert bagit_valid(copy) is False


def test_the_verify_command_prints_no_ok_for_a_missing_file(deposit, tmp_path, capsys):
    from octavo.cli.verify import main as verify_command

    copy = tmp_path / "bag"
    shutil.copytree(deposit, copy)
    remove(copy)
    assert verify_command(copy) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [ln for ln in lines if PDF in ln] == [f"FAILED  {PDF}: listed in the manifest but missing"]
    assert lines[-1].startswith("verify: ") and "failed" in lines[-1]


def test_the_preservation_copies_are_checked_by_what_they_hold(deposit, monkeypatch, tmp_path):
    """The archive PDF and the EPUB in data/publication/ are told apart by their bytes, never by
    their names; the print files beside them get their fixity checked only."""
    checked = []
    monkeypatch.setattr(verify, "pdfa_problems", lambda path: checked.append(("pdfa", path.name)) or [])
    monkeypatch.setattr(verify, "epub_problems", lambda path: checked.append(("epub", path.name)) or [])
    assert all(s.ok for s in verify_bag(deposit, PUBLICATION))
    assert sorted(checked) == [("epub", "a-test-book.epub"), ("pdfa", "a-test-book-archive.pdf")]
    assert verify.content_kind(deposit / EPUB) == "epub"
    assert verify.content_kind(deposit / PDF) == "pdf"
    assert verify.content_kind(deposit / "data" / "README.txt") is None
    plain_zip = tmp_path / "book.epub"  # a ZIP without the EPUB's mimetype entry first
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("content.opf", "<package/>")
    assert verify.content_kind(plain_zip) is None
