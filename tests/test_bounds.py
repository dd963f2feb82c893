"""Issue 14: bounded input, nothing silently lost, every value ``--check`` accepts builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.config import ContentEntry
from octavo.diagnostics import Diagnostics
from octavo.parse import parse_section
from octavo.rawhtml import block_nodes


def parse_text(tmp_path: Path, text: str) -> tuple[str, list[str]]:
    """The section's text (all blocks) and its diagnostics."""
    path = tmp_path / "one.md"
    path.write_text(text, encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    section = parse_section(ContentEntry(Path("one.md"), "chapter", 1), path, "one", "en", diags)
    assert section is not None, [str(d) for d in diags]
    words = "".join(n.text for b in section.blocks for n in b.walk())
    return words, [str(d) for d in diags]


# -- item 3: void and self-closing raw HTML tags are removed alone ------------------

SELF_CLOSING = ["<embed src=x>", "<embed src='x.swf'/>", "<svg/>", "<iframe/>", "<math/>", "<template/>"]


@pytest.mark.parametrize("tag", SELF_CLOSING)
def test_text_after_a_void_or_self_closing_inline_tag_is_kept(tmp_path, tag):
    words, problems = parse_text(tmp_path, f"# One\n\nBefore {tag} after it, to the end.\n")
    assert "Before" in words and "after it, to the end." in words
    assert any("html-removed" in p for p in problems)
    assert not any("with its content" in p for p in problems), problems


@pytest.mark.parametrize("tag", [*SELF_CLOSING, "<object/>", "<script/>", "<style/>", "<noscript/>"])
def test_text_after_a_void_or_self_closing_tag_in_an_html_block_is_kept(tag):
    warned = []
    nodes = block_nodes(f"<p>Before {tag} after it.</p>\n", 1, lambda line, msg: warned.append(msg))
    words = "".join(n.text for b in nodes for n in b.walk())
    assert "Before" in words and "after it." in words
    assert warned


def test_an_element_with_content_still_goes_with_its_content(tmp_path):
    words, problems = parse_text(tmp_path, "# One\n\nA <svg><text>drawn</text></svg> B <embed src=x> C.\n")
    assert "drawn" not in words and "B" in words and "C." in words
    assert any("<svg> was removed with its content" in p for p in problems)


def test_an_unclosed_element_says_what_it_took(tmp_path):
    words, problems = parse_text(tmp_path, "# One\n\nA <svg> never closed, B.\n\nNext paragraph.\n")
    assert "never closed" not in words and "Next paragraph." in words
    assert any("one.md:3: warning: html-removed: <svg> is not closed in its paragraph" in p for p in problems)
