"""Books in other languages have no English generated word (issue 19, acceptance 3).

``octavo new``'s book in French, German and Russian is built (its body text stays as
scaffolded: the author's words are the author's); the text of the print PDF (every page) and of
the EPUB (every XHTML document, the navigation document and the package document) must hold
none of the English table's strings, by the literal parts around their fields, save the few
words the scaffold's own English text uses. EPUBCheck reports nothing. A ``[strings]`` override
shows in both editions; a language octavo has no table for builds in English with a warning.
"""

from __future__ import annotations

import re
import string
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import BOOK_TOML, ROOT, build_book, fidelity_problems, make_manuscript, run_octavo
from lxml import etree
from test_epub import epubcheck_counts

from octavo.cli import main
from octavo.source.styles import Styles
from octavo.strings import LANGUAGES, english, strings


def english_fragments() -> set[str]:
    """The literal parts of the English strings (around their fields), of three letters or more."""
    found = set()
    for value in english().values():
        for text in [value] if isinstance(value, str) else value.values():
            for literal, _, _, _ in string.Formatter().parse(text):
                fragment = literal.strip(" .,:;()")
                if re.search("[A-Za-z]{3}", fragment):
                    found.add(fragment)
    return found


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


#: Attributes whose values a reader hears or sees.
SPOKEN = ("aria-label", "alt", "title")
#: Package metadata that is vocabulary (schema.org terms, MARC codes), not words.
VOCABULARY = ("schema:accessibilityFeature", "schema:accessMode", "schema:accessibilityHazard", "role")


def epub_text(path: Path) -> str:
    """The words of the EPUB: the text and the spoken attributes (aria-label, alt, title) of every
    XHTML document, the navigation document among them, the NCX's labels, and the package's
    metadata (its title, summary...), vocabulary terms left out."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith((".xhtml", ".opf", ".ncx")):
                continue
            root = etree.fromstring(z.read(name))
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                if name.endswith(".opf") and not any(
                    v in (element.get("property") or "") for v in VOCABULARY
                ):
                    found.append(element.text or "")
                elif not name.endswith(".opf"):
                    found.append(element.text or "")
                    found.append(element.tail or "")
                    found.extend(element.get(a) or "" for a in SPOKEN)
    return "\n".join(found)


OVERRIDE = "Gesetzt von Hand aus der {typeface}."


@pytest.fixture(scope="module", params=["fr", "de", "ru"])
def built(request, tmp_path_factory):
    language = request.param
    root = tmp_path_factory.mktemp(f"new-{language}")
    folder = root / "book"
    assert main(["new", str(folder), "--language", language]) == 0
    if language == "de":
        toml = folder / "book.toml"
        text = toml.read_text(encoding="utf-8")
        assert text.count("\n[strings]\n") == 1
        toml.write_text(
            text.replace("\n[strings]\n", f'\n[strings]\nset-in = "{OVERRIDE}"\n'), encoding="utf-8"
        )
    result = build_book(folder, root / "dist", strict=True)
    assert not result.result.diagnostics.errors, [str(d) for d in result.result.diagnostics]
    manuscript = "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.md"))
    return language, result, manuscript


def test_no_english_generated_word_in_the_pdf_or_the_epub(built):
    language, result, manuscript = built
    t = strings(language)
    texts = {"pdf": pdf_text(result.pdf), "epub": epub_text(result.epub)}
    # the extraction reads the generated words: the language's own are there
    for text in texts.values():
        assert t("contents") in text and t("rights-reserved") in text
    assert t("a11y-no-media") in texts["epub"] and t("start-of-text") in texts["epub"]
    own = " ".join(v if isinstance(v, str) else " ".join(v.values()) for v in t.table.values())
    # an English word the language's own words use ("Table" in "Table des matières") is not English
    fragments = {f for f in english_fragments() if f not in manuscript and f not in own}
    assert {"Contents", "Set in", "Title page", "Cover"} <= fragments
    for name, text in texts.items():
        left = sorted(f for f in fragments if f in text)
        assert not left, f"{language} {name}: English words {left}"


def test_epubcheck_reports_nothing(built):
    _, result, _ = built
    counts, lines = epubcheck_counts(result.epub)
    assert counts == {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}, "\n".join(lines)


def test_a_strings_override_shows_in_both_editions(built):
    language, result, _ = built
    pdf, epub = pdf_text(result.pdf).replace("\r\n", " ").replace("\n", " "), epub_text(result.epub)
    own = strings(language)("set-in", typeface="EB Garamond")
    if language == "de":  # the German book says it its own way
        said = OVERRIDE.format(typeface="EB Garamond")
        assert said in pdf and said in epub and own not in pdf and own not in epub
    else:
        assert own in pdf and own in epub


def test_an_unknown_language_builds_in_english_with_a_warning(tmp_path):
    toml = (
        'title = "T"\nlanguage = "tlh"\nidentifier = "urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10"\n'
        '[epub]\npage_list = false\n[[creators]]\nname = "A"\nrole = "author"\n'
        '[[contents]]\nfile = "a.md"\nkind = "chapter"\n'
    )
    ms = make_manuscript(tmp_path / "ms", {"a.md": "# Qapla'\n\nText.\n"}, toml=toml)
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert [(d.line, d.id) for d in built.result.diagnostics] == [(2, "language-fallback")]
    text = epub_text(built.epub)
    assert "Contents" in text and "This EPUB has 1 section of text" in text


def test_the_print_referee_reads_the_french_spaces(built):
    # the French book's colons and guillemets now hold U+00A0 and U+202F: every word still in place
    language, result, manuscript = built
    assert fidelity_problems(result.result, result.pdf) == []
    if language == "fr":
        assert ": " in manuscript  # the scaffold's text has colons, spaced by the French rule
        assert "\u00a0:" in "".join(
            n.text for s in result.result.book.sections for b in s.all_blocks for n in b.walk()
        )
        assert "\u00a0:" in epub_text(result.epub)  # the EPUB has them too


def test_every_shipped_table_is_in_the_book_face():
    faces = Styles(ROOT / "styles")
    for language in (*LANGUAGES, "pt-BR"):
        assert faces.missing_glyphs(strings(language).chars()) == [], language


def test_a_strings_override_is_checked_for_glyphs(tmp_path):
    toml = BOOK_TOML + '\n[strings]\ncontents = "目次"\n\n[[contents]]\nfile = "a.md"\nkind = "chapter"\n'
    ms = make_manuscript(tmp_path / "ms", {"a.md": "# One\n\nText.\n"}, toml=toml)
    done = run_octavo(str(ms), "--check")
    assert "glyph-missing" in done.stderr and "U+76EE" in done.stderr, done.stderr


@pytest.mark.parametrize("language", [*LANGUAGES, "pt-BR", "fr-CA"])
def test_octavo_new_writes_its_words_in_the_language_and_checks_clean(tmp_path, language):
    folder = tmp_path / "book"
    assert run_octavo("new", str(folder), "--language", language).returncode == 0
    toml = (folder / "book.toml").read_text(encoding="utf-8")
    t = strings(language)
    for said in (t("rights-reserved"), t("new-title"), t("new-author"), t("contents")):
        assert f'"{said}"' in toml, said
    done = run_octavo(str(folder), "--check", "--strict")
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
