"""The archive deposit: PDF/A claims, the bag's fixity, same pages as print, records, reproducibility."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import bagit
import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import MANUSCRIPT, SAMPLER, build_book, run_octavo
from lxml import etree
from textutil import words

from octavo.inspect.pdfa import pdfa_problems

SLUG = "on-james-burnham"


@pytest.fixture(scope="module")
def deposit(seed_book) -> Path:
    return seed_book.pdf.parent / f"{SLUG}-deposit"


def run(*args: str) -> subprocess.CompletedProcess:
    return run_octavo(*args)


def test_bag_is_valid_and_complete(deposit):
    bag = bagit.Bag(str(deposit))
    bag.validate()
    assert set(bag.algorithms) == {"sha256", "sha512"}
    info = bag.info
    assert info["Source-Organization"] == "Octavo Editions"
    assert info["External-Identifier"].startswith("urn:uuid:")
    assert info["Bagging-Date"] == "2026-01-01" and "Payload-Oxum" in info
    payload = set(bag.payload_entries())
    for name in (
        f"data/publication/{SLUG}.epub",
        f"data/publication/{SLUG}-archive.pdf",
        f"data/print/{SLUG}.pdf",
        f"data/print/{SLUG}-cover.pdf",
        "data/manuscript/book.toml",
        "data/manuscript/on-burnham.md",
        "data/metadata/dc.xml",
        "data/metadata/onix.xml",
        "data/README.txt",
        "data/styles/fonts/OFL.txt",
        "data/styles/css/print.css",
    ):
        assert name in payload, name
    assert all((deposit / f"tagmanifest-{alg}.txt").is_file() for alg in ("sha256", "sha512"))


def test_verify_passes_then_names_a_changed_file(deposit, tmp_path):
    import shutil

    copy = tmp_path / "bag"
    shutil.copytree(deposit, copy)
    proc = run("--verify", str(copy))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    target = copy / "data" / "manuscript" / "on-burnham.md"
    data = bytearray(target.read_bytes())
    data[100] ^= 0x01
    target.write_bytes(bytes(data))
    proc = run("--verify", str(copy))
    assert proc.returncode == 1
    failed = [ln for ln in proc.stdout.splitlines() if ln.startswith("FAILED")]
    assert any("data/manuscript/on-burnham.md" in ln and "checksum" in ln for ln in failed), proc.stdout
    assert "Traceback" not in proc.stderr


def test_archive_pdf_structure(seed_book):
    path = seed_book.pdf.parent / f"{SLUG}-archive.pdf"
    assert pdfa_problems(path) == []
    with pikepdf.open(path) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes()[36:40] == b"acsp"
        for key in ("/JavaScript", "/JS", "/AA", "/Launch"):
            assert all(key not in obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary))
        assert "/Encrypt" not in pdf.trailer and "/ID" in pdf.trailer
        assert f'<rdf:li xml:lang="x-default">{pdf.docinfo.Title}</rdf:li>' in xmp
        for field in (
            "<dc:language>",
            "<dc:identifier>urn:uuid:",
            "<dc:rights>",
            "<xmp:CreateDate>",
            "Mitchell Abidor (translator)",
        ):
            assert field in xmp, field


def test_archive_pdf_is_tagged(seed_book):
    with pikepdf.open(seed_book.pdf.parent / f"{SLUG}-archive.pdf") as pdf:
        assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "en"
        kinds: set[str] = set()
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            if "/S" in element:
                kinds.add(str(element.S))
            children = element.get("/K")
            if isinstance(children, pikepdf.Array):
                stack.extend(c for c in children if isinstance(c, pikepdf.Dictionary))
            elif isinstance(children, pikepdf.Dictionary):
                stack.append(children)
        assert {"/Document", "/Sect", "/H1", "/P", "/Link"} <= kinds


def test_archive_parent_tree_maps_every_mark_to_its_element(seed_book):
    """Text sits directly in its element (no Span per fragment), and every mark is found again."""
    with pikepdf.open(seed_book.pdf.parent / f"{SLUG}-archive.pdf") as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        paragraphs_with_text = 0
        for index in range(len(pdf.pages)):
            assert int(nums[2 * index]) == index
            for mcid, element in enumerate(nums[2 * index + 1]):
                assert pages[element.Pg.objgen] == index
                assert mcid in [int(k) for k in element.K if isinstance(k, int)], (index, mcid)
                paragraphs_with_text += element.S == "/P"
        assert paragraphs_with_text > 100


def test_a_pdf_without_claims_fails_the_check(seed_book):
    assert pdfa_problems(seed_book.pdf)  # the print PDF claims no PDF/A


def test_archive_has_the_print_pagination(seed_book):
    archive = pdfium.PdfDocument(str(seed_book.pdf.parent / f"{SLUG}-archive.pdf"))
    printed = pdfium.PdfDocument(str(seed_book.pdf))
    assert len(archive) == len(printed) == seed_book.result.pages
    for a, p in zip(archive, printed, strict=True):
        assert words(a.get_textpage().get_text_range())[:6] == words(p.get_textpage().get_text_range())[:6]
        assert a.get_size() == pytest.approx(p.get_size())


def test_records_agree_with_the_epub_package(seed_book):
    deposit = seed_book.pdf.parent / f"{SLUG}-deposit" / "data" / "metadata"
    dc = etree.parse(str(deposit / "dc.xml")).getroot()
    onix = etree.parse(str(deposit / "onix.xml")).getroot()
    with zipfile.ZipFile(seed_book.epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "o": "http://ns.editeur.org/onix/3.0/reference",
        "opf": "http://www.idpf.org/2007/opf",
    }
    title = opf.find(".//dc:title", ns).text
    identifier = opf.find(".//dc:identifier", ns).text
    language = opf.find(".//dc:language", ns).text
    people = {}
    for person in opf.findall(".//dc:creator", ns) + opf.findall(".//dc:contributor", ns):
        role = opf.find(f".//opf:meta[@refines='#{person.get('id')}'][@property='role']", ns).text
        people.setdefault(person.text, set()).add(role)
    assert dc.find("dc:title", ns).text.startswith(title)
    assert dc.find("dc:identifier", ns).text == identifier and dc.find("dc:language", ns).text == language
    dc_people: dict[str, set[str]] = {}
    for e in dc.findall("dc:creator", ns) + dc.findall("dc:contributor", ns):
        name, role = e.text.rsplit(" [", 1)
        dc_people.setdefault(name, set()).add(role.rstrip("]"))
    assert dc_people == people
    assert onix.find(".//o:TitleText", ns).text == title
    assert onix.find(".//o:ProductIdentifier/o:IDValue", ns).text == identifier
    assert onix.find(".//o:LanguageCode", ns).text == "eng"
    onix_roles = {"A01": "aut", "B06": "trl", "B01": "edt", "A24": "win"}
    onix_people: dict[str, set[str]] = {}
    for c in onix.findall(".//o:Contributor", ns):
        onix_people.setdefault(c.find("o:PersonName", ns).text, set()).add(
            onix_roles[c.find("o:ContributorRole", ns).text]
        )
    assert onix_people == people


def _outputs_from_two_folders(tmp_path, source) -> tuple[dict[str, bytes], dict[str, bytes]]:
    import shutil

    outputs = []
    for name in ("one", "two/at/another/depth"):
        manuscript = tmp_path / name / "manuscript"
        shutil.copytree(source, manuscript)
        build_book(manuscript, tmp_path / name / "dist")
        dist = tmp_path / name / "dist"
        outputs.append(
            {str(p.relative_to(dist)): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}
        )
    return outputs[0], outputs[1]


@pytest.mark.parametrize("source", [MANUSCRIPT, SAMPLER], ids=["seed", "sampler (a picture)"])
def test_two_builds_in_two_directories_are_byte_identical(tmp_path, monkeypatch, source):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    one, two = _outputs_from_two_folders(tmp_path, source)
    assert one.keys() == two.keys()
    assert len(one) > 20
    different = [name for name in one if one[name] != two[name]]
    assert different == []


def test_without_the_picture_naming_fix_folders_show_in_the_pdfs(tmp_path, monkeypatch):
    """The test above guards something: WeasyPrint's own picture names differ between folders."""
    from weasyprint import document

    from octavo.layout import patches

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    patches.apply()
    original = patches.ORIGINAL["image-id"]
    monkeypatch.setattr(document, "original_get_image_from_uri", original)
    one, two = _outputs_from_two_folders(tmp_path, SAMPLER)
    assert one["a-sampler-of-forms.pdf"] != two["a-sampler-of-forms.pdf"]


def test_pdfa_3b_attaches_the_sources(tmp_path):
    import shutil

    manuscript = tmp_path / "manuscript"
    shutil.copytree(MANUSCRIPT, manuscript)
    toml = manuscript / "book.toml"
    toml.write_text(toml.read_text() + '\n[archive]\npdfa = "3b"\n')
    built = build_book(manuscript, tmp_path / "dist", formats=("archive",))
    path = tmp_path / "dist" / f"{SLUG}-archive.pdf"
    assert built.result.pages and pdfa_problems(path) == []
    with pikepdf.open(path) as pdf:
        assert "<pdfaid:part>3</pdfaid:part>" in pdf.Root.Metadata.read_bytes().decode()
        files = pdf.Root.AF
        names = {str(f.UF) for f in files}
        assert {"book.toml", "introduction.md", "on-burnham.md"} <= names
        assert all(f.AFRelationship == "/Source" for f in files)
    # The print PDF is made from the same write: none of the archive's parts are left in it.
    with pikepdf.open(tmp_path / "dist" / f"{SLUG}.pdf") as pdf:
        archive_parts = {"/AF", "/StructTreeRoot", "/MarkInfo", "/Metadata", "/OutputIntents"}
        assert not archive_parts & set(pdf.Root.keys())
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert all("/StructParents" not in page.obj for page in pdf.pages)
        assert len(pdf.pages) == built.result.pages


def test_the_print_pdf_does_not_depend_on_the_archive_being_made(seed_book, tmp_path):
    """--only pdf and a full build give the same interior, byte for byte."""
    alone = build_book(MANUSCRIPT, tmp_path / "dist", formats=("pdf",))
    assert alone.pdf.read_bytes() == seed_book.pdf.read_bytes()
