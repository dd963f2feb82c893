"""The opening's lead-in: its first words in small caps, and only there.

CSS ``::first-line`` set the opening paragraph's first line in small caps,
and WeasyPrint 70 set the first line the paragraph has on each later page
so too. The renderer now marks the first words (``render.html.lead_in``);
the print test reads the written PDF: small capitals are taller than
lower-case letters, so a lower-case ``o`` drawn taller than the body's is a
small capital.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter

import pypdfium2 as pdfium
import pytest
from conftest import make_manuscript

from octavo.build.pipeline import BuildOptions, build
from octavo.model import Node
from octavo.render.html import lead_in


def text(value: str) -> Node:
    return Node("text", text=value)


def shown(nodes: tuple[Node, ...]) -> list[str]:
    return ["".join(n.text for n in node.walk()) for node in nodes]


@pytest.mark.parametrize(
    ("children", "lead", "rest"),
    [
        ((text("The harbour was quiet that morning."),), ["The harbour was"], [" quiet that morning."]),
        ((text("Yes, it was."),), ["Yes,"], [" it was."]),
        ((text("One"),), ["One"], []),
        ((text("  Spaced   start here now"),), ["  Spaced   start here"], [" now"]),
        (
            (Node("strong", (Node("em", (text("Well-known"),)),)), text(" opening, with more")),
            ["Well-known", " opening,"],
            [" with more"],
        ),
        ((Node("noteref"), text(" text")), [], ["", " text"]),
        ((Node("em", (text("far too many words here"),)), text(" x")), [], ["far too many words here", " x"]),
        (
            (text("Two words"), Node("em", (text("and more"),)), text(" end")),
            ["Two words"],
            ["and more", " end"],
        ),
    ],
)
def test_lead_in_takes_the_first_words_whole(children, lead, rest):
    got_lead, got_rest = lead_in(Node("paragraph", children))
    assert (shown(got_lead), shown(got_rest)) == (lead, rest)
    # nothing lost, nothing added
    assert "".join(shown(got_lead) + shown(got_rest)) == "".join(shown(children))


def tall_o_per_page(pdf) -> list[int]:
    """How many lower-case 'o's on each page are drawn taller than most (small capitals)."""
    heights: list[list[float]] = []
    for page in pdf:
        textpage = page.get_textpage()
        found = []
        for index in range(textpage.count_chars()):
            if textpage.get_text_range(index, 1) == "o":
                _, bottom, _, top = textpage.get_charbox(index)
                found.append(round(top - bottom, 1))
        heights.append(found)
    body = Counter(h for page in heights for h in page).most_common(1)[0][0]
    return [sum(1 for h in page if h > body * 1.05) for page in heights]


def test_only_the_opening_words_are_small_capitals_in_print(tmp_path):
    words = " ".join(f"word{i}" for i in range(700))
    opening = f"# Chapter\n\n***Well-known*** opening, with a self-evident start {words} end.\n"
    folder = make_manuscript(tmp_path / "ms", {"one.md": opening})
    result = build(BuildOptions(manuscript=folder, out=tmp_path / "dist", formats=("epub", "pdf")))
    pdf = pdfium.PdfDocument(next(p for p in result.outputs if result.kinds[p] == "pdf"))
    texts = [page.get_textpage().get_text_range() for page in pdf]
    first = next(i for i, t in enumerate(texts) if "Well-known" in t)
    last = next(i for i, t in enumerate(texts) if "word699" in t)
    assert last > first, "the opening paragraph must run onto another page for this test"
    tall = tall_o_per_page(pdf)
    assert tall[first] >= 1, "the lead-in ('opening') is not in small capitals"
    assert tall[first + 1 : last + 1] == [0] * (last - first), "small capitals after the opening page"
    assert "Well-known opening, with" in " ".join(texts[first].split())

    # the EPUB marks where each print page begins, in the opening paragraph too
    epub = next(p for p in result.outputs if result.kinds[p] == "epub")
    with zipfile.ZipFile(epub) as z:
        nav = z.read("EPUB/text/nav.xhtml").decode()
        documents = {n.rsplit("/", 1)[-1]: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    targets = re.findall(r'href="([\w.-]+\.xhtml)#(page-[\w]+)"', nav)
    # every page of the chapter's paragraph is listed (its folios 1...), no blank or padding page after it
    body = [ident for _, ident in targets if ident.removeprefix("page-").isdigit()]
    assert body == [f"page-{n}" for n in range(1, last - first + 2)]
    missing = [f"{doc}#{ident}" for doc, ident in targets if f'id="{ident}"' not in documents[doc]]
    assert not missing, missing
