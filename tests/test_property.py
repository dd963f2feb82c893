"""Random Markdown never crashes octavo: each run ends in outputs EPUBCheck accepts, or a clean error."""

from __future__ import annotations

import itertools
from pathlib import Path

from conftest import make_manuscript
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_epub import epubcheck_counts

from octavo.build.pipeline import BuildOptions, build
from octavo.diagnostics import ManuscriptError

FRAGMENTS = [
    "word",
    "Ünïcödé",
    "«quote»",
    '"straight"',
    "it's",
    "--",
    "---",
    "...",
    "*em*",
    "**strong**",
    "`code`",
    "[link](https://example.com)",
    "[span]{lang=fr}",
    "^[inline *note*]",
    "<b>raw</b>",
    "<script>x</script>",
    "&amp;",
    "&",
    "<",
    ">",
    "\\",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "#",
    "|",
    "Ελληνικά",  # (CJK, which no installed font has, is refused: tests/test_print_referee.py)
    "שלום",
    "😀",
    "\u00ad",
    "\u200b",
    "x" * 300,
    "[^a]",
    "[^a][^b]",
]
LINE_STARTS = ["", "", "", "> ", "- ", "1. ", "## ", "    ", "> > ", "- - ", "| a | b |\n|---|---|\n| "]
COUNTER = itertools.count()
BUILT: list[int] = []

line = st.builds(
    lambda start, words: start + " ".join(words),
    st.sampled_from(LINE_STARTS),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12),
)
body = st.lists(line, min_size=1, max_size=8).map(lambda lines: "\n\n".join(lines))
# Notes a and b are defined (b in two paragraphs); the text always calls both.
DEFINITIONS = "[^a]: One note.\n\n[^b]: Another.\n\n    Its second paragraph.\n"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.sampled_from(["Title", "A *title*", "Ti^[note]tle", ""]), text=body)
def test_random_markdown_builds_or_fails_cleanly(tmp_path_factory, title, text):
    number = next(COUNTER)
    root: Path = tmp_path_factory.mktemp("prop")
    source = f"# {title}\n\nA call[^a] and[^b] another.\n\n{text}\n\n{DEFINITIONS}"
    ms = make_manuscript(root / "ms", {"one.md": source})
    try:
        result = build(BuildOptions(manuscript=ms, out=root / "dist", formats=("epub",)))
    except ManuscriptError as error:
        ids = {d.id for d in error.diagnostics}
        assert "epub-xhtml" not in ids, source  # octavo's own XHTML must always be well-formed
        return
    BUILT.append(number)
    epub = next(p for p in result.outputs if p.suffix == ".epub")
    if len(BUILT) % 6 == 1:  # EPUBCheck is slow: a sample of the books that built
        counts, lines = epubcheck_counts(epub)
        assert counts["FATAL"] == counts["ERROR"] == 0, (source, lines)


def test_many_random_books_really_built():
    """The property above is only worth something if many of its books build (it runs first)."""
    assert len(BUILT) >= 10, BUILT
