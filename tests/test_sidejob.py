"""The EPUB made beside the layout, in a forked child, is the EPUB made in process."""

from __future__ import annotations

import pytest
from conftest import SAMPLER, build_book

from octavo import sidejob


def test_forked_and_in_process_epubs_are_the_same_bytes(tmp_path, monkeypatch):
    forked: list[int] = []
    start = sidejob.EpubJob.start

    def recording_start(self, close_fds=()):
        job = start(self, close_fds)
        forked.append(job.pid)
        return job

    monkeypatch.setattr(sidejob.EpubJob, "start", recording_start)
    monkeypatch.setattr(sidejob, "can_fork", lambda: True)
    beside = build_book(SAMPLER, tmp_path / "forked", formats=("epub",))
    assert forked and forked[0] > 0  # a child really made this one

    monkeypatch.setattr(sidejob, "can_fork", lambda: False)
    here = build_book(SAMPLER, tmp_path / "here", formats=("epub",))
    assert beside.epub.read_bytes() == here.epub.read_bytes()


def test_an_epub_error_in_the_child_stops_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(sidejob, "can_fork", lambda: True)

    def broken(*args, **kwargs):
        raise sidejob.ManuscriptError([])

    monkeypatch.setattr(sidejob, "build_epub", broken)
    with pytest.raises(sidejob.ManuscriptError):
        build_book(SAMPLER, tmp_path / "dist", formats=("epub",))
    assert not list((tmp_path / "dist").glob("*.epub"))
