"""Page references (``[see p.](#id){.pageref}``) and /PageLabels: the folio printed is the page
where the target stands, read from the written PDF's text, in print and in the EPUB (issue 18)."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import BOOK_TOML, build_book, fidelity_problems, make_manuscript, run_octavo

from octavo.layout import pagemap
from octavo.render.pagerefs import roman_value

WORDS = re.findall(
    r"\w+",
    "the state of things men power class order history labour party revolution after before "
    "between workers managers owners property control society future war peace nation plan "
    "economy freedom thought struggle people idea world century change reason crisis",
)


#: A page reference as the text extraction gives it: "ref7 on p. 42", maybe across lines.
REF = re.compile(r"ref(\d+)\s+on\s+p\.\s*([0-9ivxlc]+)\b")


def _paragraph(rng: random.Random, words: int = 70) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def pageref_book(root: Path, refs: int = 40, seed: int = 18) -> tuple[Path, dict[int, int]]:
    """A book of a preface (roman folios) and four chapters whose text holds ``refs`` page
    references, forward and back, to unique target words: ``tgtN`` marked ``{#tN}`` on a span, a
    paragraph or a heading, or in a note. Each reference reads "refK on p. 42". Returns the
    manuscript and {reference number: target number}."""
    rng = random.Random(seed)
    files: dict[str, list[str]] = {
        "preface.md": ["# Preface"],
        **{f"c{i}.md": [f"# Chapter {i}"] for i in range(1, 5)},
    }
    names = list(files)
    targets: list[tuple[str, int]] = []  # (file, target number), in the order they are placed
    for name in names:
        paragraphs = 12 if name == "preface.md" else 30
        for p in range(paragraphs):
            if p % 5 == 2:
                n = len(targets)
                kind = n % 4
                if kind == 0:
                    files[name].append(_paragraph(rng, 30) + f" [tgt{n}]{{#t{n}}} " + _paragraph(rng, 30))
                elif kind == 1:
                    files[name].append(f"## Part tgt{n} {{#t{n}}}")
                elif kind == 2:
                    files[name].append(f"{{#t{n}}}\ntgt{n} " + _paragraph(rng, 50))
                else:
                    files[name].append(_paragraph(rng, 40) + f"[^n{n}]")
                    files[name].append(f"[^n{n}]: A note on [tgt{n}]{{#t{n}}} and more.")
                targets.append((name, n))
            else:
                files[name].append(_paragraph(rng))
    ref_to: dict[int, int] = {}
    for k in range(refs):
        target = rng.randrange(len(targets))
        name = rng.choice(names)
        block = rng.randrange(1, len(files[name]))
        if files[name][block].startswith(("#", "[^", "{#")):
            block = 1
        files[name][block] += f" See [ref{k} on p.](#t{target}){{.pageref}} for it."
        ref_to[k] = target
    toml = BOOK_TOML + "".join(
        f'\n[[contents]]\nfile = "{n}"\nkind = "{"preface" if n == "preface.md" else "chapter"}"\n'
        for n in names
    )
    make_manuscript(root, {n: "\n\n".join(blocks) + "\n" for n, blocks in files.items()}, toml=toml)
    return root, ref_to


def _page_texts(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _labels(pdf: Path) -> list[str]:
    """Each page's label from the PDF's /PageLabels (pypdfium2 reads them)."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document.get_page_label(i) for i in range(len(document))]
    finally:
        document.close()


@pytest.fixture(scope="module")
def refs_book(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("pagerefs")
    manuscript, ref_to = pageref_book(root / "ms")
    built = build_book(manuscript, root / "dist")
    return built, ref_to


def test_every_printed_folio_is_the_page_of_its_target(refs_book) -> None:
    built, ref_to = refs_book
    texts = _page_texts(built.pdf)
    labels = _labels(built.pdf)
    where = {}  # target number -> page index, from the text (the word, not the anchor)
    for index, text in enumerate(texts):
        for n in re.findall(r"\btgt(\d+)\b", text):
            where.setdefault(int(n), index)
    printed = {}
    for text in texts:
        for k, folio in re.findall(REF, text.replace("\u00a0", " ")):
            printed[int(k)] = folio
    assert len(ref_to) == 40
    assert set(printed) == set(ref_to), "a page reference is missing from the print"
    wrong = {k: (printed[k], labels[where[t]]) for k, t in ref_to.items() if printed[k] != labels[where[t]]}
    assert not wrong, wrong
    assert any(not f.isdigit() for f in printed.values()), "no reference into the roman front matter"
    assert len(set(printed.values())) > 10


def test_page_labels_are_the_printed_folios(refs_book) -> None:
    """/PageLabels say what each page prints in its running head or at its foot (the text's last
    words): roman before the text, arabic from the first chapter; checked on every page with text
    after the title pages and copyright (which print no folio)."""
    built, _ = refs_book
    texts = _page_texts(built.pdf)
    labels = _labels(built.pdf)
    assert len(labels) == len(texts) > 20
    folioed = [(t.split(), label) for t, label in zip(texts, labels, strict=True)][4:]
    folioed = [(words, label) for words, label in folioed if words]
    assert len(folioed) > 25
    wrong = [(label, words[-4:]) for words, label in folioed if label not in words[-4:]]
    assert not wrong, wrong
    first = labels.index("1")
    assert labels[:first] == [pagemap.roman(n) for n in range(1, first + 1)]
    assert labels[first:] == [str(n) for n in range(1, len(labels) - first + 1)]
    archive = next(p for p in built.result.outputs if p.name.endswith("-archive.pdf"))
    assert _labels(archive) == labels


def test_the_epub_shows_the_print_folio_and_links_to_the_target(refs_book) -> None:
    built, ref_to = refs_book
    texts = _page_texts(built.pdf)
    printed = {}
    for text in texts:
        for k, folio in re.findall(REF, text.replace("\u00a0", " ")):
            printed[int(k)] = folio
    found = {}
    with zipfile.ZipFile(built.epub) as epub:
        documents = {n: epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml")}
    for name, xhtml in documents.items():
        for tag, k, folio in re.findall(r"(<a [^>]*>)ref(\d+) on p\.\u00a0(\w+)</a>", xhtml):
            assert 'class="pageref"' in tag
            found[int(k)] = (re.search(r'href="([^"]+)"', tag).group(1), folio, name)
    assert set(found) == set(ref_to)
    for k, (href, folio, name) in found.items():
        assert folio == printed[k]
        document, _, fragment = href.partition("#")
        assert fragment == f"t{ref_to[k]}"
        target = str(Path(name).parent / document) if document else name
        assert f'id="{fragment}"' in documents[target], (k, href)


def test_fidelity_referee_passes_with_page_references(refs_book) -> None:
    built, _ = refs_book
    assert fidelity_problems(built.result, built.pdf) == []


def test_a_book_without_page_references_is_not_laid_out_again(tmp_path: Path) -> None:
    manuscript = make_manuscript(tmp_path / "ms", {"a.md": "# One\n\nSome text [here]{#x}.\n"})
    built = build_book(manuscript, tmp_path / "dist")
    assert built.result.layout.folio_passes == 0
    assert built.result.layout.folios == {}


def test_a_page_reference_out_of_the_book_is_an_error(tmp_path: Path) -> None:
    manuscript = make_manuscript(
        tmp_path / "ms",
        {"a.md": "# One\n\nSee [p.](https://example.org/){.pageref} and [p.](#nowhere){.pageref}.\n"},
    )
    done = run_octavo(str(manuscript), "--check")
    assert done.returncode == 1
    assert "a.md:3: pageref-target:" in done.stderr
    assert "a.md:3: link-unresolved:" in done.stderr


def test_folios_that_do_not_settle_are_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no layout allowed again, the placeholder folio printed first is not the target's page:
    each reference is an error at its own line, and nothing is written."""
    from octavo.layout import pagerefs

    monkeypatch.setattr(pagerefs, "MAX_LAYOUTS", 0)
    text = "# One\n\n" + "\n\n".join(_paragraph(random.Random(n)) for n in range(30))
    text += "\n\n[the end]{#end}\n\nBack to [p.](#end){.pageref} and [p.](#end){.pageref}.\n"
    manuscript = make_manuscript(tmp_path / "ms", {"a.md": text})
    done = run_octavo(str(manuscript), "--out", str(tmp_path / "dist"), "--no-referees")
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if "pageref-unstable" in line]
    assert len(lines) == 2 and all(
        "a.md:65: pageref-unstable: page reference to 'end' prints p. 0" in x for x in lines
    )
    assert not (tmp_path / "dist" / "a-test-book.pdf").exists()


def test_an_epub_made_from_a_kept_layout_has_the_folios(tmp_path: Path) -> None:
    """The folios are kept with the layout: an EPUB made later from it (no layout made) shows them."""
    text = "# One\n\n" + "\n\n".join(_paragraph(random.Random(n)) for n in range(30))
    text += "\n\n[the end]{#end}\n\nBack to [p.](#end){.pageref}.\n"
    manuscript = make_manuscript(tmp_path / "ms", {"a.md": text})
    first = build_book(manuscript, tmp_path / "dist", formats=("pdf",))
    folio = first.result.layout.folios["end"]
    assert folio.isdigit() and folio != "1"
    second = build_book(manuscript, tmp_path / "dist", formats=("epub",))
    assert second.result.layout is None  # the kept layout served
    with zipfile.ZipFile(second.epub) as epub:
        xhtml = epub.read("EPUB/text/a.xhtml").decode()
    assert f">p.\u00a0{folio}</a>" in xhtml


def test_roman_values() -> None:
    assert [roman_value(r) for r in ("i", "iv", "ix", "xiv", "xl", "mcmxc", "x1", "")] == [
        1,
        4,
        9,
        14,
        40,
        1990,
        0,
        0,
    ]


def test_page_label_ranges(tmp_path: Path) -> None:
    from octavo.writers.pdfpost import set_page_labels

    pdf = pikepdf.new()
    for _ in range(7):
        pdf.add_blank_page()
    set_page_labels(pdf, ["i", "ii", "iii", "1", "2", "3", "4"])
    nums = list(pdf.Root.PageLabels.Nums)
    assert nums[0] == 0 and nums[1].S == "/r" and nums[2] == 3 and nums[3].S == "/D"
    assert "/St" not in nums[1] and "/St" not in nums[3]
    set_page_labels(pdf, ["iii", "iv", "v", "7", "8", "10", "11"])
    nums = list(pdf.Root.PageLabels.Nums)
    assert [nums[i] for i in range(0, len(nums), 2)] == [0, 3, 5]
    assert nums[1].St == 3 and nums[3].St == 7 and nums[5].St == 10


def test_a_page_reference_to_the_id_on_a_title(tmp_path: Path) -> None:
    """``# Two {#second}``: the id names the section, and a page reference to it prints the page
    the section opens on."""
    one = "# One\n\n" + "\n\n".join(_paragraph(random.Random(n)) for n in range(12))
    one += "\n\nSee [p.](#second){.pageref}.\n"
    root = make_manuscript(tmp_path / "ms", {"one.md": one, "two.md": "# Two {#second}\n\nText.\n"})
    built = build_book(root, tmp_path / "dist")
    texts = _page_texts(built.pdf)
    labels = _labels(built.pdf)
    opens = next(i for i, t in enumerate(texts) if t.startswith("Two"))
    assert built.result.layout.folios == {"two": labels[opens]}  # the section's own id
    assert f"See p.\u00a0{labels[opens]}." in " ".join(texts) or f"See p. {labels[opens]}." in " ".join(texts)


def test_without_a_page_list_the_epub_names_no_print_page(tmp_path: Path) -> None:
    """``[epub] page_list = false``: a page reference keeps its words (or its target's title) and
    its link, with no number, and --check warns at each."""
    one = "# One\n\nSee [chapter two, p.](two.md){.pageref} or [](two.md){.pageref}.\n"
    toml = BOOK_TOML + '\n[[contents]]\nfile = "one.md"\nkind = "chapter"\n'
    toml += '\n[[contents]]\nfile = "two.md"\nkind = "chapter"\n\n[epub]\npage_list = false\n'
    root = make_manuscript(tmp_path / "ms", {"one.md": one, "two.md": "# Two\n\nText.\n"}, toml=toml)
    built = build_book(root, tmp_path / "dist", formats=("epub",))
    with zipfile.ZipFile(built.epub) as epub:
        xhtml = epub.read("EPUB/text/one.xhtml").decode()
    assert '>chapter two, p.</a> or <a href="two.xhtml" class="pageref">Two</a>' in xhtml
    done = run_octavo(str(root), "--check")
    assert done.stderr.count("one.md:3: warning: pageref-no-pages:") == 2, done.stderr
