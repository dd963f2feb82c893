"""The EPUB's layout-independent work, done in a forked child, changes nothing in the EPUB."""

from __future__ import annotations

from conftest import SAMPLER, build_book

from octavo.build import sidejob
from octavo.writers import epub


def _count_subsets(monkeypatch) -> list[int]:
    """Count font subsetting done in this process (a forked child counts in its own memory)."""
    calls: list[int] = []
    real = epub.subset_fonts

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(epub, "subset_fonts", counting)
    return calls


def test_fonts_subset_in_the_child_give_the_same_epub(tmp_path, monkeypatch):
    calls = _count_subsets(monkeypatch)
    monkeypatch.setattr(sidejob, "can_fork", lambda: True)
    beside = build_book(SAMPLER, tmp_path / "forked", formats=("epub",))
    assert calls == []  # the child's subsets were used: none was made here

    monkeypatch.setattr(sidejob, "can_fork", lambda: False)
    here = build_book(SAMPLER, tmp_path / "here", formats=("epub",))
    assert calls == [1]
    assert beside.epub.read_bytes() == here.epub.read_bytes()


def test_a_failing_child_leaves_the_work_to_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(sidejob, "can_fork", lambda: True)
    here = build_book(SAMPLER, tmp_path / "reference", formats=("epub",))

    def broken(*args, **kwargs):
        raise RuntimeError("the child fails")

    monkeypatch.setattr(sidejob, "prepare_fonts", broken)
    calls = _count_subsets(monkeypatch)
    rescued = build_book(SAMPLER, tmp_path / "rescued", formats=("epub",))
    assert calls == [1]
    assert rescued.epub.read_bytes() == here.epub.read_bytes()
