"""The words octavo generates: one table per language, plurals by CLDR, [strings] overrides.

The tables' shape (every language has every key, only English's fields, its own plural forms),
plural forms counted in English, French, Russian and Polish, the choice of a table by a BCP 47
tag, book.toml's ``[strings]`` checked in the config's one pass, French spaces and each
language's quotes in the parsed text, and the accessibility summary in the book's language.
The built books are in test_strings_books.py.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest
from babel import Locale

from octavo.config.book import load_config
from octavo.diagnostics import Diagnostics
from octavo.source.dialect import parser
from octavo.strings import LANGUAGES, english, strings, table_language, value_fields
from octavo.writers.a11y import Facts, summary

FILES = sorted(p for p in resources.files("octavo.strings").iterdir() if p.name.endswith(".toml"))


@pytest.mark.parametrize("resource", FILES, ids=lambda p: p.name)
def test_every_table_has_englishs_keys_and_fields_and_its_plural_forms(resource):
    name = resource.name.removesuffix(".toml")
    table = tomllib.loads(resource.read_text(encoding="utf-8"))
    region = "-" in name
    if region:  # a region's file holds only its differences
        assert set(table) <= set(english()), sorted(set(table) - set(english()))
    else:
        assert name in LANGUAGES
        assert set(table) == set(english()), sorted(set(table) ^ set(english()))
    categories = {*Locale.parse(name.replace("-", "_")).plural_form.tags, "other"}
    for key, value in table.items():
        assert value_fields(value) <= value_fields(english()[key]) | {"n"}, key
        if isinstance(value, dict):
            assert "other" in value and set(value) <= categories, (key, sorted(value))
            assert (
                isinstance(english()[key], dict)
                or "{n}" not in "".join(value.values())
                or ("n" in value_fields(english()[key]))
            ), key


def test_no_translation_is_left_in_english():
    # names and terms every language shares may stay as they are; nothing else
    shared = {
        "isbn",
        "isbn-edition",
        "edition-epub",
        "cover-document",
        "a11y-pictures-mixed",
        "role-introduction",
    }
    spelt_alike = {
        "fr": {"index", "figure-number"},
        "nl": {"edition-paperback"},
    }  # the French words are the English ones
    for language in LANGUAGES[1:]:
        table = strings(language).table
        same = {k for k, v in table.items() if v == english()[k]} - shared - spelt_alike.get(language, set())
        assert not same, (language, sorted(same))


PLURALS = {
    # the a11y-headings forms for 1, 2, 5, 21 and 22 headings
    "en": ["1 heading", "2 headings", "5 headings", "21 headings", "22 headings"],
    "fr": ["1 titre", "2 titres", "5 titres", "21 titres", "22 titres"],
    "ru": ["1 заголовок", "2 заголовка", "5 заголовков", "21 заголовок", "22 заголовка"],
    "pl": ["1 nagłówek", "2 nagłówki", "5 nagłówków", "21 nagłówków", "22 nagłówki"],
}


@pytest.mark.parametrize("language", sorted(PLURALS))
def test_plural_forms_follow_cldr(language):
    t = strings(language)
    assert [t("a11y-headings", n=n) for n in (1, 2, 5, 21, 22)] == PLURALS[language]


def test_plural_forms_of_a_sentence_in_russian_and_polish():
    ru, pl = strings("ru"), strings("pl")
    assert [ru("a11y-page-list", n=n).split()[3] for n in (1, 2, 5, 21, 22)] == [
        "1", "2", "5", "21", "22"
    ]  # fmt: skip
    assert [ru("a11y-page-list", n=n).split()[4] for n in (1, 2, 5, 21, 22)] == [
        "страницу", "страницы", "страниц", "страницу", "страницы"
    ]  # fmt: skip
    assert [pl("a11y-page-list", n=n).split()[4] for n in (1, 2, 5, 21, 22)] == [
        "stronę", "strony", "stron", "stron", "strony"
    ]  # fmt: skip


def test_counts_are_written_in_the_languages_number_format():
    assert strings("en")("a11y-headings", n=1234) == "1,234 headings"
    assert strings("de")("a11y-headings", n=1234) == "1.234 Überschriften"
    assert strings("fr")("a11y-headings", n=1234) == "1\u202f234 titres"


@pytest.mark.parametrize(
    ("tag", "contents"),
    [
        ("fr", "Table des matières"),
        ("fr-CA", "Table des matières"),
        ("de-CH", "Inhalt"),
        ("DE", "Inhalt"),
        ("pt", "Índice"),
        ("pt-BR", "Sumário"),
        ("ru", "Содержание"),
        ("pl", "Spis treści"),
        ("tlh", "Contents"),
        ("ja", "Contents"),
    ],
)
def test_a_tag_reads_its_languages_table(tag, contents):
    assert strings(tag)("contents") == contents
    assert (table_language(tag) is None) == (contents == "Contents")


def test_lists_are_joined_in_the_language():
    assert strings("en").list(["A", "B"]) == "A and B"
    assert strings("fr").list(["A", "B", "C"]) == "A, B et C"
    assert strings("ru").list(["A", "B"]) == "A и B"


# -- book.toml's [strings] and language ------------------------------------------------------------

GOOD = """title = "T"
language = "fr"
identifier = "urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10"
[[creators]]
name = "A"
role = "author"
[[contents]]
file = "a.md"
kind = "chapter"
"""


def load(tmp_path: Path, text: str):
    (tmp_path / "book.toml").write_text(text, encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    return load_config(tmp_path, diags), [f"{d.line}:{d.severity.value}:{d.id}" for d in diags], diags


def test_strings_override_the_languages_words(tmp_path):
    text = (
        GOOD
        + '[strings]\ncontents = "Sommaire"\n'
        + '"a11y-headings" = { one = "{n} intertitre", other = "{n} intertitres" }\n'
    )
    config, problems, _ = load(tmp_path, text)
    assert problems == []
    t = strings(config.metadata.language, config.metadata.strings)
    assert t("contents") == "Sommaire" and t("a11y-headings", n=3) == "3 intertitres"
    assert t("copyright") == "Mentions légales"  # the others are the language's


def test_strings_problems_are_reported_at_once_with_their_lines(tmp_path):
    text = GOOD.replace('role = "author"', 'role = "painter"') + (
        "[strings]\n"
        'contnets = "Sommaire"\n'  # line 11: unknown key
        'set-in = "Composé en {font}."\n'  # 12: a field set-in lacks
        'a11y-headings = { one = "{n} titre", few = "{n} titres", other = "{n} titres" }\n'  # 13: few
        "copyright = 3\n"  # 14
        'identifier = "{identifier"\n'  # 15: not a format string
        'a11y-toc = { one = "x" }\n'  # 16: no other
    )
    config, problems, diags = load(tmp_path, text)
    assert config is None
    assert sorted(problems, key=lambda p: int(p.split(":")[0])) == [
        "6:error:config-role",
        "11:error:config-unknown-key",
        "12:error:config-strings",
        "13:error:config-strings",
        "14:error:config-strings",
        "15:error:config-strings",
        "16:error:config-strings",
    ]
    messages = {d.line: str(d) for d in diags}
    assert "did you mean 'contents'?" in messages[11]
    assert "{font}" in messages[12] and "{typeface}" in messages[12]
    assert "'few' is not a plural form of fr" in messages[13]


def test_an_unknown_language_warns_and_reads_english(tmp_path):
    config, problems, diags = load(tmp_path, GOOD.replace('"fr"', '"tlh"'))
    assert config is not None and problems == ["2:warning:language-fallback"]
    assert "'tlh'" in str(diags.items[0])
    assert strings(config.metadata.language)("contents") == "Contents"


# -- typography of the text ------------------------------------------------------------------------


def text_of(language: str, markdown: str) -> str:
    tokens = parser(language).parse(markdown, {})
    return "".join(c.content for t in tokens if t.type == "inline" for c in t.children or [])


def test_french_spaces_before_high_punctuation_and_inside_guillemets():
    got = text_of("fr", 'Il dit : "bonjour !" Quoi?! Oui; non. « ok » *mot*? `x`: fin')
    assert got == (
        "Il dit\u00a0: «\u202fbonjour\u202f!\u202f» Quoi\u202f?! Oui\u202f; non. "
        "«\u202fok\u202f» mot\u202f? x\u00a0: fin"
    )


def test_french_spaces_leave_addresses_times_and_code_alone():
    got = text_of("fr", "Voir <http://exemple.fr/?a=b;c> à 10:30, ratio 1:2 et `a ? b`.")
    assert got == "Voir http://exemple.fr/?a=b;c à 10:30, ratio 1:2 et a ? b."


def test_french_spaces_reach_notes_and_picture_descriptions():
    tokens = parser("fr-CA").parse("Texte.^[Vraiment?]\n\n![Une image!](a.png)", {})
    image = next(c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "image")
    assert "".join(c.content for c in image.children) == "Une image\u202f!"
    env: dict = {}
    parser("fr").parse("Texte.^[Vraiment?]", env)
    note = next(iter(env["footnotes"]["list"].values()))
    assert "".join(c.content for c in note["tokens"]) == "Vraiment\u202f?"


def test_other_languages_get_no_french_spaces():
    assert text_of("en", "What? Yes: no!") == "What? Yes: no!"
    assert text_of("de", "Was? Ja: nein!") == "Was? Ja: nein!"


@pytest.mark.parametrize(
    ("language", "quoted"),
    [
        ("de", "„Wort“"),
        ("de-CH", "«Wort»"),
        ("es", "«Wort»"),
        ("ru", "«Wort»"),
        ("pt", "«Wort»"),
        ("pt-BR", "“Wort”"),
        ("fr", "«\u202fWort\u202f»"),
    ],
)
def test_quotes_by_language(language, quoted):
    assert text_of(language, '"Wort"') == quoted


# -- the accessibility summary ---------------------------------------------------------------------

FACTS = Facts(sections=21, headings=5, toc=True, notes=22, notes_linked=22, page_list=2, page_breaks=2)


def test_the_english_summary_is_as_before():
    assert summary(FACTS) == (
        "This EPUB has 21 sections of text in reading order, with a table of contents and 5 headings "
        "for navigation. Its 22 footnotes are linked both ways between call and note. Page-break "
        "markers and a page list give 2 pages of the print edition. It has no pictures in its "
        "text. It has no audio, video or scripts."
    )


def test_the_summary_is_in_the_books_language_with_its_plurals():
    ru = summary(FACTS, strings("ru"))
    assert ru.startswith(
        "Этот EPUB содержит 21 раздел текста в порядке чтения; для навигации есть оглавление и 5 заголовков."
    )
    assert "22 сноски связаны" in ru and "2 страницы печатного издания" in ru
    pl = summary(Facts(sections=1, notes=5, notes_linked=2, images=3, described=3), strings("pl"))
    assert pl == (
        "Ten EPUB zawiera 1 sekcję tekstu w kolejności czytania. Z 5 przypisów 2 odsyłają z powrotem "
        "do odsyłaczy. Wszystkie ilustracje (3) mają teksty alternatywne. Nie zawiera dźwięku, wideo "
        "ani skryptów."
    )
    one = summary(Facts(sections=1, notes=1, notes_linked=1), strings("en"))
    assert "Its 1 footnote is linked both ways" in one  # was "Its 1 footnote are linked"


def test_a_language_without_a_table_counts_its_overrides_by_its_own_rules():
    # Czech: octavo has no table; its [strings] are Czech and counted so, the English rest as English
    t = strings(
        "cs", (("a11y-headings", (("one", "{n} nadpis"), ("few", "{n} nadpisy"), ("other", "{n} nadpisů"))),)
    )
    assert [t("a11y-headings", n=n) for n in (1, 3, 5)] == ["1 nadpis", "3 nadpisy", "5 nadpisů"]
    assert [t("a11y-tables", n=n) for n in (1, 3)] == ["1 table", "3 tables"]
    ja = strings("ja")  # CLDR gives Japanese one form: the English words still say "1 table"
    assert ja("a11y-tables", n=1) == "1 table"


def test_every_contributor_role_has_its_words_and_the_archive_names_it_in_the_language():
    from datetime import UTC, datetime

    from octavo.model import ROLES, Book, Creator, Metadata
    from octavo.writers.pdf import xmp_packet

    assert {f"role-{r}" for r in ROLES if r != "author"} <= set(english())
    creators = (Creator("Ada Writer", "author"), Creator("Ann Smith", "translator"))
    meta = Metadata(title="T", language="fr-CA", identifier="urn:uuid:x", creators=creators)
    xmp = xmp_packet(Book(meta, (), Path()), "2b", datetime(2026, 1, 1, tzinfo=UTC), "p").decode()
    assert "Ann Smith (traduction)" in xmp and "translator" not in xmp


def test_french_spaces_take_a_long_run_of_spaces_once():
    # a run of spaces is looked at from its start only (a scan from each of its spaces was
    # quadratic: minutes for a paragraph of 100,000 spaces, which MAX_INLINE allows)
    from octavo.source.spacing import _space

    assert _space("a" + " " * 100_000 + "?", "") == "a\u202f?"
    assert _space("«" + " " * 100_000 + "b" + " " * 100_000 + "c", "") == "«\u202fb" + " " * 100_000 + "c"
