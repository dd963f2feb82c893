"""The book index (issue 18): marks in the text, entries sorted by the language's collation, the
printed page numbers true to where the marked words are (read from the PDF), the EPUB's index
(EPUB Indexes 1.1) showing the same numbers and linking to the marks."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import BOOK_TOML, build_book, fidelity_problems, make_manuscript, run_octavo
from lxml import etree
from test_epub import epubcheck_counts

from octavo.layout.pagemap import roman
from octavo.render.indexpage import inclusive
from octavo.render.pagerefs import roman_value

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
FILLER = re.findall(r"\w+", "the state of things men power class order history labour party revolution after")


def _filler(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(words))


def index_book(root: Path, entries: int, paragraphs: int, seed: int = 7) -> Path:
    """A book whose entries are made-up names (``Qname12``), each marked 1–4 times (a fifth of them
    with a sub-entry, ``Qname12!rsub12``), some as ranges over a few paragraphs, some with "see
    also"; a preface (roman pages) holds marks too. Every marked word is unique to its entry, so
    the test finds its pages in the PDF's text."""
    rng = random.Random(seed)
    names = [f"Qname{k}" for k in range(entries)]
    blocks: dict[str, list[str]] = {"preface.md": ["# Preface"], "a.md": ["# One"], "b.md": ["# Two"]}
    files = list(blocks)
    plan: list[tuple[str, int]] = []  # (file, paragraph) where each mark goes
    for name in files:
        count = paragraphs // 6 if name == "preface.md" else paragraphs
        blocks[name] += [_filler(rng, 60) + "." for _ in range(count)]
    for k, name in enumerate(names):
        for _ in range(rng.randint(1, 4)):
            file = rng.choice(files)
            plan.append((file, rng.randrange(1, len(blocks[file]))))
            blocks[file][plan[-1][1]] += f" [{name}]{{.index}} {_filler(rng, 3)}."
        if k % 5 == 0:
            file = rng.choice(files)
            at = rng.randrange(1, len(blocks[file]))
            blocks[file][at] += f' [rsub{k}]{{index="{name}!rsub{k}"}}.'
        if k % 7 == 3:  # a range over three paragraphs
            file = rng.choice(files[1:])
            at = rng.randrange(1, len(blocks[file]) - 3)
            blocks[file][at] += f' [{name}]{{index="{name}" index-range=start}} begins.'
            blocks[file][at + 3] += f' It ends [rend{k}]{{index="{name}" index-range=end}}.'
        if k % 11 == 4:
            blocks["a.md"][1] += f' [alias{k}]{{index-see="{name}, see also {names[0]}"}}.'
    blocks["a.md"][2] += ' [Xenophon]{index-see="Xenophon, see Qname1"}.'
    toml = BOOK_TOML + "".join(
        f'\n[[contents]]\nfile = "{n}"\nkind = "{"preface" if n == "preface.md" else "chapter"}"\n'
        for n in files
    )
    toml += '\n[[contents]]\nkind = "index"\n'
    return make_manuscript(root, {n: "\n\n".join(b) + "\n" for n, b in blocks.items()}, toml=toml)


def _texts(pdf: Path) -> tuple[list[str], list[str]]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        texts = [page.get_textpage().get_text_range() for page in document]
        return texts, [document.get_page_label(i) for i in range(len(document))]
    finally:
        document.close()


def _pages(folios: str) -> set[str]:
    """The folios a printed locator list names: "4, 7–9, 101–3" -> {4, 7, 8, 9, 101, 102, 103}."""
    found: set[str] = set()
    for part in (p.strip() for p in folios.split(",") if p.strip()):
        if "\u2013" in part:
            a, b = part.split("\u2013")
            if not a.isdigit():  # roman folios, both whole
                found |= {roman(n) for n in range(roman_value(a), roman_value(b) + 1)}
                continue
            b = a[: len(a) - len(b)] + b  # Chicago's shortened second number
            found |= {str(n) for n in range(int(a), int(b) + 1)}
        else:
            found.add(part)
    return found


def epub_index(epub: Path) -> dict[str, tuple[list[str], list[str]]]:
    """The EPUB's index: each entry's terms joined with '!' -> (locator labels, their hrefs)."""
    with zipfile.ZipFile(epub) as z:
        root = etree.fromstring(z.read("EPUB/text/index.xhtml"))
    found = {}
    for entry in root.iter(f"{XHTML}li"):
        if entry.get(EPUB_TYPE) != "index-entry":
            continue
        path, node = [], entry
        while node is not None:
            if node.tag == f"{XHTML}li":
                term = next(c for c in node if c.get(EPUB_TYPE) == "index-term")
                path.insert(0, "".join(term.itertext()))
            node = node.getparent()
        labels, hrefs = [], []
        for node in entry.iterdescendants():
            if next(node.iterancestors(f"{XHTML}li")) is not entry:
                continue  # a sub-entry's
            kind = node.get(EPUB_TYPE)
            in_range = node.getparent().get(EPUB_TYPE) == "index-locator-range"
            if kind == "index-locator-range":
                labels.append("".join(node.itertext()))
                hrefs.append(node[0].get("href"))
            elif kind == "index-locator" and not in_range:
                labels.append(node.text)
                hrefs.append(node.get("href"))
        found["!".join(path)] = (labels, hrefs)
    return found


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("index")
    manuscript = index_book(root / "ms", entries=150, paragraphs=60)
    return build_book(manuscript, root / "dist")


def check_locators(pdf: Path, epub: Path, sub: str, end: str) -> tuple[dict, int]:
    """Assert that every entry's and sub-entry's locators (print and EPUB alike) name the pages its
    marked words are on in the PDF's text (``Qname7``, sub-entries ``<sub>7``), a range's pages from
    its start ("Qname7 begins") to its end mark (``<end>7``). Returns the EPUB's index and how many
    entries with pages were checked."""
    texts, labels = _texts(pdf)
    flat = [" ".join(t.split()) for t in texts]
    start = next(i for i, t in enumerate(flat) if t.startswith("Index"))
    where: dict[str, set[int]] = {}  # word -> the pages (indices) it is on, before the index
    for index, text in enumerate(flat[:start]):
        for word in set(re.findall(rf"\b(?:Qname|{sub}|{end})\d+\b", text)):
            where.setdefault(word, set()).add(index)
    # PDFium's text puts a line end between separately drawn runs ("10", "–11"): the dash joined again
    index_text = re.sub(r"\s*\u2013\s*", "\u2013", " ".join(flat[start:]))
    entries = epub_index(epub)
    checked = 0
    for entry, (folios, _) in entries.items():
        if not folios:
            continue
        word = entry.split("!")[-1]
        printed = ", ".join(folios)
        assert f"{word}, {printed}" in index_text, (entry, printed)  # the print's index = the EPUB's
        pages = set(where[word])
        k = word.removeprefix("Qname")
        if "!" not in entry and f"{end}{k}" in where:  # a range: every page from its start to its end
            first = next(i for i, t in enumerate(flat) if f"{word} begins" in t)
            pages |= set(range(first, max(where[f"{end}{k}"]) + 1))
        assert _pages(printed) == {labels[i] for i in pages}, (entry, printed, sorted(pages))
        checked += 1
    return entries, checked


def test_every_printed_page_number_is_where_the_word_is(indexed) -> None:
    """For every entry and sub-entry, the pages its locators name (print and EPUB alike) are the
    pages its marked words are on in the PDF's text, a range's pages from its start to its end."""
    entries, checked = check_locators(indexed.pdf, indexed.epub, "rsub", "rend")
    assert len([e for e in entries if "!" not in e]) >= 150
    assert checked >= 150
    assert any(not f[0].isdigit() for e in entries.values() for f in e[0]), "no roman locator"


def test_the_epub_index_links_to_the_marks_and_passes_epubcheck(indexed) -> None:
    entries = epub_index(indexed.epub)
    with zipfile.ZipFile(indexed.epub) as z:
        documents = {
            n.removeprefix("EPUB/text/"): z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")
        }
    for entry, (_, hrefs) in entries.items():
        for href in hrefs:
            document, _, fragment = href.partition("#")
            assert f'id="{fragment}"' in documents[document], (entry, href)
            word = entry.split("!")[-1]
            tail = documents[document].split(f'id="{fragment}"', 1)[1][:200]
            assert word in tail or "rend" in tail, (entry, tail)
    counts, lines = epubcheck_counts(indexed.epub)
    assert counts["ERROR"] == counts["FATAL"] == counts["WARNING"] == 0, lines


def test_entries_are_in_collation_order_with_letter_groups(indexed) -> None:
    entries = [e for e in epub_index(indexed.epub) if "!" not in e]
    names = [e for e in entries if e.startswith("Qname")]
    import icu

    collator = icu.Collator.createInstance(icu.Locale("en"))
    assert names == sorted(names, key=collator.getSortKey)
    assert entries.index("Xenophon") > entries.index(names[-1])
    with zipfile.ZipFile(indexed.epub) as z:
        xhtml = z.read("EPUB/text/index.xhtml").decode()
    assert re.search(r'<h2 class="index-letter">Q</h2>', xhtml)
    assert re.search(
        r"Xenophon</span>\. <span class=\"index-xref\" epub:type=\"index-xref-preferred\"><em>See</em>", xhtml
    )
    assert 'epub:type="index-xref-related"' in xhtml and 'epub:type="index-locator-range"' in xhtml


def test_fidelity_referee_passes_with_an_index(indexed) -> None:
    assert fidelity_problems(indexed.result, indexed.pdf) == []


def test_spanish_collation_and_groups(tmp_path: Path) -> None:
    text = (
        "# Uno\n\n"
        + " ".join(f"[{w}]{{.index}}" for w in ("ñu", "nube", "oso", "árbol", "zapato", "Ñandú"))
        + "\n"
    )
    toml = BOOK_TOML.replace('language = "en"', 'language = "es"')
    toml += '\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n\n[[contents]]\nkind = "index"\n'
    root = make_manuscript(tmp_path / "ms", {"a.md": text}, toml=toml)
    built = build_book(root, tmp_path / "dist", formats=("epub",))
    assert [e for e in epub_index(built.epub)] == ["árbol", "nube", "Ñandú", "ñu", "oso", "zapato"]
    with zipfile.ZipFile(built.epub) as z:
        xhtml = z.read("EPUB/text/index.xhtml").decode()
    assert re.findall(r'<h2 class="index-letter">(\w)</h2>', xhtml) == ["A", "N", "Ñ", "O", "Z"]


def test_without_a_page_list_the_locators_are_numbered_links(tmp_path: Path) -> None:
    text = "# One\n\n[Alpha]{.index} text [Beta]{.index}.\n\nMore [Alpha]{.index}.\n"
    toml = BOOK_TOML + '\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n\n[[contents]]\nkind = "index"\n'
    toml += "\n[epub]\npage_list = false\n"
    root = make_manuscript(tmp_path / "ms", {"a.md": text}, toml=toml)
    built = build_book(root, tmp_path / "dist", formats=("epub",))
    assert epub_index(built.epub) == {
        "Alpha": (["1", "2"], ["a.xhtml#ix-1", "a.xhtml#ix-3"]),
        "Beta": (["1"], ["a.xhtml#ix-2"]),
    }


@pytest.mark.parametrize(
    ("mark", "ident"),
    [
        ('[x]{index=""}', "index-term"),
        ('[x]{index-see="A, see also"}', "index-term"),
        ('[x]{index-see="Koba, seen B"}', ""),
        ("[]{.index}", "index-term"),
        ('[x]{index="Stalin!"}', "index-term"),
        ('[x]{index="A" index-range=middle}', "index-range"),
        ("[x]{index-range=end}", "index-range"),
        ('[x]{index="A" index-range=start}', "index-range"),
        ('[x]{index-see="A, see "}', "index-term"),
    ],
)
def test_bad_marks_are_errors_at_their_line(tmp_path: Path, mark: str, ident: str) -> None:
    root = make_manuscript(tmp_path / "ms", {"a.md": f"# One\n\nText.\n\nSome {mark} here.\n"})
    done = run_octavo(str(root), "--check")
    if not ident:
        assert done.returncode == 0, done.stderr
        return
    assert done.returncode == 1
    assert f"a.md:5: {ident}:" in done.stderr, done.stderr


def test_an_index_entry_in_contents_has_no_file(tmp_path: Path) -> None:
    toml = (
        BOOK_TOML
        + '\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n\n[[contents]]\nfile = "ix.md"\nkind = "index"\n'
    )
    toml += '\n[[contents]]\nkind = "chapter"\n'
    root = make_manuscript(tmp_path / "ms", {"a.md": "# One\n\nText.\n"}, toml=toml)
    done = run_octavo(str(root), "--check")
    assert done.returncode == 1
    assert "config-kind: [[contents]] #2: an index is written by octavo" in done.stderr
    assert "config-missing-key: [[contents]] #3 needs 'file'" in done.stderr


def test_inclusive_numbers_as_chicago_gives_them() -> None:
    cases = {(3, 10): "3–10", (71, 72): "71–72", (96, 117): "96–117", (100, 104): "100–104",
             (1100, 1113): "1100–1113", (101, 108): "101–8", (808, 833): "808–33", (1103, 1104): "1103–4",
             (321, 328): "321–28", (498, 532): "498–532", (1087, 1089): "1087–89", (1496, 1500): "1496–500",
             (11564, 11615): "11564–615", (12991, 13001): "12991–3001", (42, 42): "42"}  # fmt: skip
    assert {k: inclusive(*k) for k in cases} == cases


def test_a_range_from_the_front_matter_into_the_text_keeps_both_ends() -> None:
    from octavo.render.indexpage import Entry, locators

    entry = Entry("Purges", locators=[("a", "b"), ("c", "c")])
    found = locators(entry, {"a": "vii", "b": "5", "c": "ix"})
    assert [loc.text for loc in found] == ["vii\u20135"]  # ix lies within the range
    found = locators(Entry("X", locators=[("a", "b")]), {"a": "5", "b": "vii"})  # an end before its start
    assert [loc.text for loc in found] == ["vii", "5"]


def test_a_cross_reference_in_the_books_language(tmp_path: Path) -> None:
    text = '# Un\n\n[Staline]{.index} et [Koba]{index-see="Koba, voir Staline"}, '
    text += '[Sosso]{index-see="Sosso, voir aussi Staline"} [Sosso]{.index}.\n'
    toml = BOOK_TOML.replace('language = "en"', 'language = "fr"')
    toml += '\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n\n[[contents]]\nkind = "index"\n'
    root = make_manuscript(tmp_path / "ms", {"a.md": text}, toml=toml)
    built = build_book(root, tmp_path / "dist", formats=("epub",))
    with zipfile.ZipFile(built.epub) as z:
        xhtml = "".join(etree.fromstring(z.read("EPUB/text/index.xhtml")).itertext())
    assert "Koba. Voir Staline" in xhtml and "Sosso, 1. Voir aussi Staline" in xhtml


def test_see_also_without_pages_reads_see_and_other_scripts_get_their_letter(tmp_path: Path) -> None:
    """Chicago 16.16: an entry with no pages sends the reader on with "See", never "See also"; a
    name in Cyrillic in an English index stands under its own letter, after Z."""
    text = '# One\n\n[Zola]{.index}, [Молотов]{index="Молотов, Вячеслав"} and '
    text += '[Apple]{index-see="Apple, see also Pear"} [Pear]{.index}.\n'
    toml = BOOK_TOML + '\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n\n[[contents]]\nkind = "index"\n'
    root = make_manuscript(tmp_path / "ms", {"a.md": text}, toml=toml)
    built = build_book(root, tmp_path / "dist", formats=("epub",))
    with zipfile.ZipFile(built.epub) as z:
        xhtml = z.read("EPUB/text/index.xhtml").decode()
    assert re.findall(r'<h2 class="index-letter">(\w)</h2>', xhtml) == ["A", "P", "Z", "М"]
    assert 'Apple</span>. <span class="index-xref" epub:type="index-xref-preferred"><em>See</em>' in xhtml


def test_a_cross_reference_to_no_entry_is_warned(tmp_path: Path) -> None:
    text = '# One\n\n[Stalin]{.index} and [Koba]{index-see="Koba, see Stalin"}.\n\n'
    text += 'And [Nobody]{index-see="Nobody, see Nonexistent Person"}.\n'
    root = make_manuscript(tmp_path / "ms", {"a.md": text})
    done = run_octavo(str(root), "--check")
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "index-see-target" in line]
    assert len(warned) == 1 and "a.md:5: warning: index-see-target:" in warned[0], done.stderr
