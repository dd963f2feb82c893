"""Issue 15: every claim octavo writes is true, checked on the written files.

Each output's claims (PDF/A-2, PDF/X-3, the EPUB's accessibility metadata,
the bag's BagIt version) are checked by the referees on the file itself;
the tests here build real books and also spoil good files with pikepdf to
see each rule fail with a message that names it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import SAMPLER, build_book
from PIL import Image

from octavo.config.printspec import PrintOptions
from octavo.inspect import referees
from octavo.inspect.pdfa import pdfa_problems

# -- books ------------------------------------------------------------------------------------------


def _rgba_png(path: Path) -> None:
    """A picture with real transparency: a red disc fading out on a transparent ground."""
    image = Image.new("RGBA", (80, 60), (0, 0, 0, 0))
    for x in range(80):
        for y in range(60):
            if (x - 40) ** 2 + (y - 30) ** 2 < 26**2:
                image.putpixel((x, y), (200, 30, 30, 255 - 3 * x))
    image.save(path)


@pytest.fixture(scope="module")
def ingram(tmp_path_factory) -> Path:
    """The sampler laid out for IngramSpark, with an RGBA picture beside its RGB chart."""
    root = tmp_path_factory.mktemp("ingram")
    book = root / "sampler"
    shutil.copytree(SAMPLER, book)
    toml = (book / "book.toml").read_text(encoding="utf-8")
    (book / "book.toml").write_text(toml.replace("[epub]", '[print]\nvendor = "ingram"\n\n[epub]'))
    _rgba_png(book / "images" / "disc.png")
    with (book / "two.md").open("a", encoding="utf-8") as handle:
        handle.write("\n![A red disc that fades from left to right.](images/disc.png)\n")
    built = build_book(book, root / "dist")
    return built.result.outputs[0].parent


def _output(folder: Path, suffix: str) -> Path:
    return next(p for p in folder.iterdir() if p.name.endswith(suffix))


def _images(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    return [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]


# -- the archive: PDF/A-2 -----------------------------------------------------------------------------


def test_the_sampler_archive_has_no_interpolated_image(sampler):
    archive = _output(sampler.pdf.parent, "-archive.pdf")
    with pikepdf.open(archive) as pdf:
        images = _images(pdf)
        assert images, "the sampler has a picture"
        assert not [i for i in images if bool(i.get("/Interpolate", False))]
    assert pdfa_problems(archive) == []


def _spoil(source: Path, target: Path, change) -> Path:
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(target)
    return target


def test_an_interpolated_image_fails_the_archive_referee(sampler, tmp_path):
    def interpolate(pdf):
        _images(pdf)[0].Interpolate = True

    spoilt = _spoil(_output(sampler.pdf.parent, "-archive.pdf"), tmp_path / "a.pdf", interpolate)
    problems = pdfa_problems(spoilt)
    assert any("6.2.8" in p and "Interpolate" in p for p in problems), problems
    verdict = referees.archive_pdf(spoilt, PrintOptions(), 13)
    assert verdict.ok is False and "Interpolate" in verdict.detail


# -- the IngramSpark interior: PDF/X-3 ------------------------------------------------------------------


def test_the_ingram_interior_has_no_transparency_nor_rgb(ingram):
    interior = _output(ingram, "forms.pdf")
    with pikepdf.open(interior) as pdf:
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-3:2003"
        assert pdf.docinfo["/Trapped"] == pikepdf.Name("/False")
        assert pdf.pdf_version <= "1.4"
        images = _images(pdf)
        assert len(images) == 2
        for image in images:
            assert "/SMask" not in image
            assert str(image.ColorSpace) == "/DeviceGray"
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                group = obj.get("/Group")
                assert group is None or group.get("/S") != "/Transparency"
    from octavo.inspect.pdfx import pdfx_problems

    assert pdfx_problems(interior) == []
    assert referees.print_pdf(interior, PrintOptions(vendor="ingram"), 14).ok


def test_the_rgba_picture_is_composited_on_white(ingram):
    with pikepdf.open(_output(ingram, "forms.pdf")) as pdf:
        disc = next(i for i in _images(pdf) if int(i.Width) == 80)
        pixels = pikepdf.PdfImage(disc).as_pil_image()
    assert pixels.mode == "L"
    assert pixels.getpixel((0, 0)) == 255  # transparent ground: white paper
    assert pixels.getpixel((20, 30)) < 140  # the disc, nearly opaque there
    assert pixels.getpixel((70, 30)) > 200  # and nearly gone there


@pytest.mark.parametrize(
    "spoil, words",
    [
        ("group", "transparency group"),
        ("smask", "soft mask"),
        ("rgb", "DeviceRGB"),
        ("alpha", "constant alpha"),
        ("trapped", "Trapped"),
    ],
)
def test_a_spoilt_pdfx_file_fails_the_referee(ingram, tmp_path, spoil, words):
    def change(pdf):
        page = pdf.pages[0]
        if spoil == "group":
            page.obj.Group = pikepdf.Dictionary(Type=pikepdf.Name.Group, S=pikepdf.Name.Transparency)
        elif spoil == "smask":
            image = _images(pdf)[0]
            mask = pikepdf.Stream(pdf, b"\xff" * (int(image.Width) * int(image.Height)))
            mask.Type, mask.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
            mask.Width, mask.Height, mask.BitsPerComponent = image.Width, image.Height, 8
            mask.ColorSpace = pikepdf.Name.DeviceGray
            image.SMask = mask
        elif spoil == "rgb":
            page.contents_add(pikepdf.Stream(pdf, b"q 1 0 0 rg 0 0 10 10 re f Q"))
        elif spoil == "alpha":
            states = page.obj.Resources.get("/ExtGState")
            if states is None:
                page.obj.Resources.ExtGState = states = pikepdf.Dictionary()
            states.Half = pikepdf.Dictionary(ca=0.5)
            page.contents_add(pikepdf.Stream(pdf, b"q /Half gs 0 g 0 0 10 10 re f Q"))
        elif spoil == "trapped":
            pdf.docinfo.Trapped = pikepdf.Name("/False_")

    spoilt = _spoil(_output(ingram, "forms.pdf"), tmp_path / "x.pdf", change)
    verdict = referees.print_pdf(spoilt, PrintOptions(vendor="ingram"), 14)
    assert verdict.ok is False
    assert words in verdict.detail, verdict.detail
    assert "PDF/X" in verdict.detail


def test_the_ingram_archive_keeps_pdfa(ingram):
    archive = _output(ingram, "-archive.pdf")
    assert pdfa_problems(archive) == []
    with pikepdf.open(archive) as pdf:
        assert not [i for i in _images(pdf) if bool(i.get("/Interpolate", False))]


# -- metadata that a checker reads back -----------------------------------------------------------------


def test_a_title_with_markup_characters_passes_the_archive_referee(manuscript, tmp_path):
    toml_title = 'title = "Less < More & Greater > All"\n'
    folder = manuscript({"one.md": "# One\n\nText.\n"})
    text = (folder / "book.toml").read_text(encoding="utf-8")
    (folder / "book.toml").write_text(text.replace('title = "A Test Book"\n', toml_title))
    built = build_book(folder, tmp_path / "dist", formats=("archive",))
    archive = _output(built.pdf.parent, "-archive.pdf")
    assert pdfa_problems(archive) == []
    with pikepdf.open(archive) as pdf:
        assert str(pdf.docinfo.Title) == "Less < More & Greater > All"


def test_a_wrong_xmp_title_still_fails(sampler, tmp_path):
    def retitle(pdf):
        pdf.docinfo.Title = pikepdf.String("Another Book")

    spoilt = _spoil(_output(sampler.pdf.parent, "-archive.pdf"), tmp_path / "t.pdf", retitle)
    assert any("dc:title" in p for p in pdfa_problems(spoilt))


def test_the_bag_declares_the_bagit_version_its_readme_names(sampler):
    bag = _output(sampler.pdf.parent, "-deposit")
    declared = (bag / "bagit.txt").read_text(encoding="utf-8")
    # what the bagit library writes (its make_bag knows no other version), and so what we say
    assert "BagIt-Version: 0.97\n" in declared
    assert "as a BagIt 0.97 bag" in (bag / "data" / "README.txt").read_text(encoding="utf-8")
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "BagIt 0.97 bag" in readme and "BagIt 1.0" not in readme
    assert referees.deposit(bag, PrintOptions(), 0).ok


# -- the EPUB's accessibility metadata: from what the EPUB contains ---------------------------------


def _package_meta(epub: Path) -> list[tuple[str, str]]:
    from octavo.writers.a11y import epub_facts

    return epub_facts(epub)[1]


def _values(meta: list[tuple[str, str]], prop: str) -> list[str]:
    return [value for p, value in meta if p == prop]


def _epub_book(manuscript, tmp_path, text: str, picture: bool = False) -> Path:
    folder = manuscript({"one.md": text})
    if picture:
        Image.new("RGB", (40, 30), (90, 90, 90)).save(folder / "pic.png")
    return build_book(folder, tmp_path / "dist", formats=("epub",)).epub


PLAIN = "# One\n\nOnly words, in English.\n"
RICH = """\
# One

Words, and a *[mot juste]{lang=fr}*.

![A gray rectangle.](pic.png)

| Year | Event |
|------|-------|
| 1945 | Written |
"""


def test_a_plain_book_claims_only_what_it_has(manuscript, tmp_path):
    from octavo.writers.a11y import claims_problems

    epub = _epub_book(manuscript, tmp_path, PLAIN)
    meta = _package_meta(epub)
    assert _values(meta, "schema:accessMode") == ["textual"]
    assert _values(meta, "schema:accessModeSufficient") == ["textual"]
    assert "alternativeText" not in _values(meta, "schema:accessibilityFeature")
    summary = _values(meta, "schema:accessibilitySummary")[0]
    assert "It has no pictures in its text." in summary
    assert "table" not in summary.replace("table of contents", "") and "languages" not in summary
    assert "Nothing relies on colour" not in summary
    assert _values(meta, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert claims_problems(epub) == []


def test_pictures_tables_and_languages_are_in_the_summary(manuscript, tmp_path):
    from octavo.writers.a11y import claims_problems

    epub = _epub_book(manuscript, tmp_path, RICH, picture=True)
    meta = _package_meta(epub)
    assert _values(meta, "schema:accessMode") == ["textual", "visual"]
    assert _values(meta, "schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert "alternativeText" in _values(meta, "schema:accessibilityFeature")
    summary = _values(meta, "schema:accessibilitySummary")[0]
    assert "Its picture has a text alternative." in summary
    assert "Its table has header cells." in summary
    assert "Passages in other languages are marked as such (fr)." in summary
    assert _values(meta, "dcterms:conformsTo")
    assert claims_problems(epub) == []


def test_a_picture_without_alt_text_claims_no_alternative_text(manuscript, tmp_path, monkeypatch):
    """--check refuses such a picture (image-alt); should one get through, the metadata says so."""
    from octavo.check import lint as checks
    from octavo.writers.a11y import claims_problems

    monkeypatch.setattr(checks, "check_alt", lambda *args: None)
    epub = _epub_book(manuscript, tmp_path, "# One\n\n![](pic.png)\n\nText.\n", picture=True)
    meta = _package_meta(epub)
    assert "alternativeText" not in _values(meta, "schema:accessibilityFeature")
    assert _values(meta, "schema:accessModeSufficient") == ["textual,visual"]
    assert _values(meta, "dcterms:conformsTo") == []  # a condition fails, so no conformance claim
    summary = _values(meta, "schema:accessibilitySummary")[0]
    assert "Its picture has no description." in summary
    assert "text alternative" not in summary
    assert claims_problems(epub) == []


def _rewrite_opf(epub: Path, target: Path, change) -> Path:
    import zipfile

    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".opf"):
                data = change(data.decode("utf-8")).encode("utf-8")
            copy.writestr(info, data)
    return target


def test_a_false_conformance_claim_fails_the_epub_referee(manuscript, tmp_path, monkeypatch):
    from octavo.check import lint as checks

    monkeypatch.setattr(checks, "check_alt", lambda *args: None)  # (--check refuses it: image-alt)
    epub = _epub_book(manuscript, tmp_path, "# One\n\n![](pic.png)\n\nText.\n", picture=True)
    claim = '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>\n'
    feature = '<meta property="schema:accessibilityFeature">alternativeText</meta>\n'
    spoilt = _rewrite_opf(
        epub, tmp_path / "spoilt.epub", lambda t: t.replace("</metadata>", claim + feature + "</metadata>")
    )
    monkeypatch.setattr(referees, "epub_check", lambda path: ([], []))
    verdict = referees.epub(spoilt, PrintOptions(), 0)
    assert verdict.ok is False
    assert "without a text alternative" in verdict.detail
    assert "alternativeText" in verdict.detail


# -- a referee's warning is a warning ----------------------------------------------------------------


def test_an_epubcheck_warning_is_shown_but_fails_nothing(manuscript, tmp_path, monkeypatch):
    from octavo.cli.report import Row, referee_diagnostics, tally
    from octavo.diagnostics import Severity

    epub = _epub_book(manuscript, tmp_path, PLAIN)
    warning = "WARNING(RSC-017): a usage note about the package"
    monkeypatch.setattr(referees, "epub_check", lambda path: ([], [warning]))
    verdict = referees.epub(epub, PrintOptions(), 0)
    assert verdict.ok is True and verdict.warnings == (warning,)
    assert "1 warning" in verdict.detail
    said = referee_diagnostics([Row(epub, "epub", 1, referee=verdict)])
    assert [d.severity for d in said] == [Severity.WARNING]
    assert "RSC-017" in str(said[0]) and "warning:" in str(said[0])
    assert tally([Row(epub, "epub", 1, referee=verdict)]) == "referees: 1 passed (1 with warnings), 0 failed"
    monkeypatch.setattr(referees, "epub_check", lambda path: (["ERROR(RSC-005): broken"], [warning]))
    assert referees.epub(epub, PrintOptions(), 0).ok is False


# -- --preflight VENDOR for a book made for another vendor ---------------------------------------------


def test_preflight_for_another_vendor_lays_the_book_out_for_it(manuscript, tmp_path):
    folder = manuscript({"one.md": PLAIN})  # book.toml's [print] vendor: kdp, the default
    out = tmp_path / "dist"
    built = build_book(folder, out, formats=("pdf",), preflight="ingram")
    result = built.result
    assert result.vendor == "ingram"
    assert "vendor is kdp" in result.vendor_note and "laid out for ingram" in result.vendor_note
    assert result.print_options.vendor == "ingram"
    with pikepdf.open(built.pdf) as pdf:
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-3:2003"
    rule = next(r for r in result.preflight if r.rule == "pdf-x")
    assert rule.ok, rule
    # the next ordinary build is laid out for kdp again, not taken from the ingram build
    again = build_book(folder, out, formats=("pdf",))
    assert again.result.vendor_note == ""
    with pikepdf.open(again.pdf) as pdf:
        assert "/GTS_PDFXVersion" not in pdf.docinfo


def test_preflight_for_the_book_s_own_vendor_says_nothing_more(manuscript, tmp_path):
    folder = manuscript({"one.md": PLAIN})
    built = build_book(folder, tmp_path / "dist", formats=("pdf",), preflight="kdp")
    assert built.result.vendor == "kdp" and built.result.vendor_note == ""
