"""Pictures by their real names: lookup, formats, EPUB names, alt text (issue 15).

A book with pictures whose names have spaces and accents, a TIFF, a PNG
with no extension, two names that flatten to one, a picture in a heading,
a decorative rule and a chapter named like one of octavo's own documents
(``nav.md``) builds with EPUBCheck silent; every ``<img src>`` of the EPUB
leads to a packaged file with the picture's own pixels, and the print PDF
holds one image per picture.
"""

from __future__ import annotations

import io
import posixpath
import subprocess
import zipfile
from hashlib import sha256
from pathlib import Path
from urllib.parse import unquote

import pikepdf
import pytest
from conftest import BOOK_TOML, build_book, fidelity_problems, make_manuscript, run_octavo
from lxml import etree
from PIL import Image
from test_epub import epubcheck_counts

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
CLEAN = {"FATAL": 0, "ERROR": 0, "WARNING": 0, "INFO": 0}


def toml(files: list[str], page_list: bool = True) -> str:
    epub = "" if page_list else "\n[epub]\npage_list = false\n"
    return BOOK_TOML + epub + "".join(f'\n[[contents]]\nfile = "{n}"\nkind = "chapter"\n' for n in files)


def picture(path: Path, colour: tuple[int, int, int], fmt: str = "PNG", size=(24, 16)) -> None:
    """A small picture of one colour, with a pixel of another so orientation shows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, colour)
    image.putpixel((0, 0), (255, 255, 255))
    image.save(path, format=fmt)


def pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        return rgb.size, rgb.tobytes()


def expected(path: Path) -> tuple[tuple[int, int], bytes]:
    return pixels(path.read_bytes())


def epub_pictures(epub: Path) -> list[tuple[str, str, str, bytes]]:
    """(document, src, alt, bytes of the packaged file the src leads to) for every <img> but the
    cover's."""
    found = []
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        assert len(names) == len(set(names)), "two zip entries with one name"
        for name in names:
            if not name.endswith(".xhtml"):
                continue
            tree = etree.fromstring(z.read(name))
            for img in tree.iter(f"{XHTML}img"):
                src = img.get("src")
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(src)))
                assert target in names, f"{name}: <img src={src!r}> leads to no packaged file"
                if target == "EPUB/images/cover.jpg":
                    continue
                found.append((name, src, img.get("alt"), z.read(target)))
    return found


def opf_items(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    return {i.get("href"): i.get("media-type") for i in opf.iter(f"{OPF}item")}


# -- each problem of the issue, alone ------------------------------------------------------------


def test_two_names_that_flatten_alike_are_two_files(tmp_path):
    text = """
    # One

    ![A red square](a/b.png) and ![a blue square](a-b.png).

    ![A green square](Case.png) and ![a yellow square](case.png).

    ![A photograph named like the cover](cover.jpg) and ![a GIF](dot.gif)
    """
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"], page_list=False))
    picture(ms / "a" / "b.png", (200, 0, 0))
    picture(ms / "a-b.png", (0, 0, 200))
    picture(ms / "Case.png", (0, 200, 0))
    picture(ms / "case.png", (200, 200, 0))
    picture(ms / "cover.jpg", (90, 90, 90), fmt="JPEG")
    picture(ms / "dot.gif", (0, 90, 0), fmt="GIF")
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    shown = epub_pictures(built.epub)
    by_alt = {alt: data for _, _, alt, data in shown}
    assert by_alt.keys() == {
        "A red square",
        "a blue square",
        "A green square",
        "a yellow square",
        "A photograph named like the cover",
        "a GIF",
    }
    # PNG, JPEG and GIF are packed as they are
    assert by_alt["A photograph named like the cover"] == (ms / "cover.jpg").read_bytes()
    assert by_alt["a GIF"] == (ms / "dot.gif").read_bytes()
    assert by_alt["A red square"] == (ms / "a" / "b.png").read_bytes()
    assert pixels(by_alt["A red square"]) == expected(ms / "a" / "b.png")
    assert pixels(by_alt["a blue square"]) == expected(ms / "a-b.png")
    assert pixels(by_alt["A green square"]) == expected(ms / "Case.png")
    assert pixels(by_alt["a yellow square"]) == expected(ms / "case.png")
    items = opf_items(built.epub)
    hrefs = [h for h in items if h.startswith("images/") and h != "images/cover.jpg"]
    assert len({h.casefold() for h in hrefs}) == len(hrefs) == 6
    assert "images/a/b.png" in hrefs and "images/a-b.png" in hrefs
    assert {h for h in hrefs if h.casefold().startswith("images/case")} == {
        f"images/Case-{sha256(b'Case.png').hexdigest()[:8]}.png",
        f"images/case-{sha256(b'case.png').hexdigest()[:8]}.png",
    }
    assert f"images/cover-{sha256(b'cover.jpg').hexdigest()[:8]}.jpg" in hrefs
    with zipfile.ZipFile(built.epub) as z:
        cover = z.read("EPUB/images/cover.jpg")
    assert cover != (ms / "cover.jpg").read_bytes() and items["images/cover.jpg"] == "image/jpeg"
    counts, lines = epubcheck_counts(built.epub)
    assert counts == CLEAN, "\n".join(lines)


@pytest.mark.parametrize("name", ["nav", "cover", "copyright", "titlepage", "toc"])
def test_a_chapter_named_like_octavos_own_documents_keeps_both(tmp_path, name):
    files = {f"{name}.md": f"# The {name.title()} Chapter\n\nIts own text.\n", "two.md": "# Two\n\nMore.\n"}
    ms = make_manuscript(tmp_path / "ms", files, toml=toml([f"{name}.md", "two.md"]))
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    with zipfile.ZipFile(built.epub) as z:
        names = z.namelist()
        assert len(names) == len(set(names)), "two zip entries with one name"
        documents = {n: z.read(n).decode() for n in names if n.endswith(".xhtml")}
    assert sum(f"The {name.title()} Chapter" in d for d in documents.values()) >= 1
    own = {"nav": "Contents", "cover": 'class="cover"', "copyright": 'class="copyright"'}
    own["titlepage"] = 'class="titlepage"'
    own["toc"] = 'id="toc"'
    assert own[name] in documents[f"EPUB/text/{'nav' if name == 'toc' else name}.xhtml"]
    nav = documents["EPUB/text/nav.xhtml"]
    assert 'epub:type="toc"' in nav and f"The {name.title()} Chapter" in nav
    counts, lines = epubcheck_counts(built.epub)
    assert counts == CLEAN, "\n".join(lines)


def test_a_tiff_and_a_picture_without_extension_become_png(tmp_path):
    text = """
    # One

    ![A TIFF plate](plates/plate.tif)

    ![A PNG with no extension](plates/figure)
    """
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"], page_list=False))
    picture(ms / "plates" / "plate.tif", (10, 120, 30), fmt="TIFF")
    picture(ms / "plates" / "figure", (90, 20, 160), fmt="PNG")
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    shown = {alt: (src, data) for _, src, alt, data in epub_pictures(built.epub)}
    for alt, source in [("A TIFF plate", "plates/plate.tif"), ("A PNG with no extension", "plates/figure")]:
        src, data = shown[alt]
        assert src.endswith(".png") and data.startswith(b"\x89PNG\r\n\x1a\n")
        assert pixels(data) == expected(ms / source)
    items = opf_items(built.epub)
    assert [m for h, m in items.items() if h.startswith("images/plates/")] == ["image/png", "image/png"]
    counts, lines = epubcheck_counts(built.epub)
    assert counts == CLEAN, "\n".join(lines)


def grey16(path: Path) -> None:
    """A 16-bit grey gradient, left to right, as PNG."""
    image = Image.new("I;16", (64, 8))
    for x in range(64):
        for y in range(8):
            image.putpixel((x, y), x * 1000)
    image.save(path, format="PNG")


@pytest.mark.parametrize(
    "name, fmt, mode",
    [("plate.bmp", "BMP", "RGB"), ("plate.webp", "WEBP", "RGB"), ("plate.tiff", "TIFF", "CMYK")],
)
def test_other_formats_become_png_with_their_pixels(tmp_path, name, fmt, mode):
    ms = make_manuscript(
        tmp_path / "ms", {"one.md": f"# One\n\n![A plate]({name})\n"}, toml=toml(["one.md"], page_list=False)
    )
    image = Image.new(mode, (24, 16), (0, 255, 255, 0) if mode == "CMYK" else (40, 90, 140))
    image.save(ms / name, format=fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    [(_, src, _, data)] = epub_pictures(built.epub)
    assert src == "../images/plate.png" and data.startswith(b"\x89PNG")
    assert pixels(data) == expected(ms / name)
    counts, lines = epubcheck_counts(built.epub)
    assert counts == CLEAN, "\n".join(lines)


def test_a_16_bit_png_becomes_an_8_bit_one(tmp_path):
    ms = make_manuscript(
        tmp_path / "ms", {"one.md": "# One\n\n![A gradient](g.png)\n"}, toml=toml(["one.md"], page_list=False)
    )
    grey16(ms / "g.png")
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    [(_, _, _, data)] = epub_pictures(built.epub)
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "L"
        row = [image.getpixel((x, 4)) for x in range(64)]
    assert row == sorted(row) and row[0] == 0 and row[-1] == round(63000 / 257)


def test_the_print_pdf_shows_a_cmyk_tiff_and_a_16_bit_png(tmp_path):
    """WeasyPrint 70 alone prints a 16-bit PNG black and a CMYK TIFF not at all."""
    import pypdfium2 as pdfium

    text = "# One\n\n![A red plate](red.tif)\n\n![A gradient](g.png)\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"]))
    Image.new("CMYK", (120, 60), (0, 255, 255, 0)).save(ms / "red.tif", format="TIFF")
    grey16(ms / "g.png")
    built = build_book(ms, tmp_path / "dist")
    assert len(pdf_images(built.pdf)) == 2
    colours: set = set()
    for page in pdfium.PdfDocument(built.pdf):
        colours.update(c for _, c in page.render(scale=1).to_pil().convert("RGB").getcolors(1 << 20))
    assert (255, 0, 0) in colours
    greys = {c[0] for c in colours if c[0] == c[1] == c[2]}
    assert len(greys & set(range(60, 200))) > 10  # the gradient's middle, not black


def test_names_with_spaces_and_accents_are_found_as_commonmark_says(tmp_path):
    text = """
    # One

    ![A harbour map](<images/harbour map.png>)

    ![A map of summer](images/carte-été.png)

    ![An encoded space](images/b%20c.png)

    ![An entity](images/caf&eacute;.png)
    """
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"], page_list=False))
    picture(ms / "images" / "harbour map.png", (1, 2, 3))
    picture(ms / "images" / "carte-été.png", (4, 5, 6))
    picture(ms / "images" / "b c.png", (7, 8, 9))
    picture(ms / "images" / "café.png", (10, 11, 12))
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    shown = {alt: (src, data) for _, src, alt, data in epub_pictures(built.epub)}
    sources = {
        "A harbour map": "harbour map.png",
        "A map of summer": "carte-été.png",
        "An encoded space": "b c.png",
        "An entity": "café.png",
    }
    for alt, name in sources.items():
        src, data = shown[alt]
        assert src.isascii() and " " not in src and "%" not in src
        assert pixels(data) == expected(ms / "images" / name)
    counts, lines = epubcheck_counts(built.epub)
    assert counts == CLEAN, "\n".join(lines)


def check(ms: Path) -> subprocess.CompletedProcess:
    return run_octavo(ms.name, "--check", cwd=ms.parent)


def test_a_missing_picture_is_named_by_its_real_name(tmp_path):
    text = "# One\n\n![A map](<images/no such map.png>)\n\n![A plan](images/plan%20été.png)\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"]))
    proc = check(ms)
    assert proc.returncode == 1
    assert "one.md:3: image-missing: image 'images/no such map.png' not found" in proc.stderr
    assert "one.md:5: image-missing: image 'images/plan été.png' not found" in proc.stderr


def test_alt_text_is_plain_text(tmp_path):
    text = '# One\n\n![The *Nautilus* and `code`,\n"quoted"](n.png)\n'
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"], page_list=False))
    picture(ms / "n.png", (0, 0, 0))
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    [(_, _, alt, _)] = epub_pictures(built.epub)
    assert alt == "The Nautilus and code, “quoted”"  # typeset like the text (code spans stay straight)


def test_a_picture_without_alt_text_is_an_error_unless_decorative(tmp_path):
    text = "# One\n\nText.\n\n![](pic.png)\n\n![  ](pic.png)\n\n![](rule.png){.decorative}\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"], page_list=False))
    picture(ms / "pic.png", (0, 0, 0))
    picture(ms / "rule.png", (0, 0, 0), size=(60, 2))
    proc = check(ms)
    assert proc.returncode == 1
    lines = [ln for ln in proc.stderr.splitlines() if "image-alt" in ln]
    why = "has no alt text: describe it, or mark it {.decorative} if it only decorates"
    assert lines == [f"ms/one.md:{n}: image-alt: image 'pic.png' {why}" for n in (5, 7)]
    assert "warning: image-alt" not in proc.stderr


def test_a_decorative_picture_is_presentation_only(tmp_path):
    text = "# One\n\nText.\n\n![](rule.png){.decorative}\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"], page_list=False))
    picture(ms / "rule.png", (0, 0, 0), size=(60, 2))
    built = build_book(ms, tmp_path / "dist", formats=("epub",))
    assert not built.result.diagnostics.warnings
    with zipfile.ZipFile(built.epub) as z:
        page = etree.fromstring(z.read("EPUB/text/one.xhtml"))
    [img] = page.iter(f"{XHTML}img")
    assert img.get("alt") == "" and img.get("role") == "presentation"


def test_a_decorative_picture_with_a_description_is_an_error(tmp_path):
    text = "# One\n\nText.\n\n![A rule](rule.png){.decorative}\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"], page_list=False))
    picture(ms / "rule.png", (0, 0, 0), size=(60, 2))
    proc = check(ms)
    assert proc.returncode == 1
    assert "one.md:5: image-alt: image 'rule.png' is marked {.decorative} but has alt text" in proc.stderr


@pytest.mark.parametrize(
    "name, data",
    [
        ("broken.png", b"\x89PNG\r\n\x1a\nnot really a picture"),
        ("notes.tif", b"plain text, not a TIFF"),
        ("figure", b"no extension and no picture"),
    ],
)
def test_a_file_pillow_cannot_decode_is_unreadable(tmp_path, name, data):
    text = f"# One\n\nText.\n\n![A figure]({name})\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"]))
    (ms / name).write_bytes(data)
    proc = check(ms)
    assert proc.returncode == 1
    assert f"one.md:5: image-unreadable: image '{name}'" in proc.stderr


def test_a_truncated_picture_is_unreadable(tmp_path):
    text = "# One\n\nText.\n\n![A figure](cut.png)\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"]))
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 60).save(buffer, format="PNG")
    (ms / "cut.png").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    proc = check(ms)
    assert proc.returncode == 1
    assert "one.md:5: image-unreadable: image 'cut.png'" in proc.stderr


# -- all of it in one book, EPUB and print ------------------------------------------------------

BOOK = {
    "nav.md": """
    # The Chapter Called Nav ![A compass](<images/compass rose.png>)

    ![A harbour map](<images/harbour map.png>)

    ![A map of summer](images/carte-été.png) and ![an encoded space](images/b%20c.png)

    ![](rule.png){.decorative}

    ![A TIFF plate](plates/plate.tif)
    """,
    "two.md": """
    # Two

    ![A PNG with no extension](plates/figure)

    ![A red square](a/b.png) and ![a blue square](a-b.png).[^a]

    [^a]: A note with the red square again: ![A red square](a/b.png)
    """,
}
SOURCES = {
    "A compass": "images/compass rose.png",
    "A harbour map": "images/harbour map.png",
    "A map of summer": "images/carte-été.png",
    "an encoded space": "images/b c.png",
    "": "rule.png",
    "A TIFF plate": "plates/plate.tif",
    "A PNG with no extension": "plates/figure",
    "A red square": "a/b.png",
    "a blue square": "a-b.png",
}


@pytest.fixture(scope="module")
def picture_book(tmp_path_factory):
    root = tmp_path_factory.mktemp("pictures")
    ms = make_manuscript(root / "ms", BOOK, toml=toml(list(BOOK)))
    colours = iter([(200, 30, 30), (30, 200, 30), (30, 30, 200), (120, 120, 0), (0, 120, 120)])
    for name in SOURCES.values():
        if name == "rule.png":
            picture(ms / name, (0, 0, 0), size=(120, 3))
        elif name.endswith(".tif"):
            picture(ms / name, (90, 60, 30), fmt="TIFF")
        elif name == "a/b.png":
            picture(ms / name, (250, 0, 0))
        elif name == "a-b.png":
            picture(ms / name, (0, 0, 250))
        else:
            picture(ms / name, next(colours), size=(32, 20))
    return ms, build_book(ms, root / "dist")


def test_the_picture_book_passes_epubcheck(picture_book):
    _, built = picture_book
    assert not built.result.diagnostics.errors and not built.result.diagnostics.warnings
    counts, lines = epubcheck_counts(built.epub)
    assert counts == CLEAN, "\n".join(lines)


def test_every_img_of_the_picture_book_shows_its_own_pixels(picture_book):
    ms, built = picture_book
    shown = epub_pictures(built.epub)
    assert sorted({alt for _, _, alt, _ in shown}) == sorted(SOURCES)
    for document, _, alt, data in shown:
        assert pixels(data) == expected(ms / SOURCES[alt]), (document, alt)
    assert sum(alt == "A red square" for _, _, alt, _ in shown) == 2
    with zipfile.ZipFile(built.epub) as z:
        page = etree.fromstring(z.read("EPUB/text/s-nav.xhtml"))
        assert page.find(f".//{XHTML}h1//{XHTML}img").get("alt") == "A compass"
        rule = next(i for i in page.iter(f"{XHTML}img") if i.get("alt") == "")
        assert rule.get("role") == "presentation"
        nav = etree.fromstring(z.read("EPUB/text/nav.xhtml"))
    assert [i.get("alt") for i in nav.iter(f"{XHTML}img")] == ["A compass"]  # the title's, in the contents


def pdf_images(path: Path) -> set[tuple[int, int]]:
    """The image XObjects the pages draw (through forms too), once each."""
    found: set[tuple[int, int]] = set()
    with pikepdf.open(path) as pdf:
        stack = [page.obj for page in pdf.pages]
        seen: set[tuple[int, int]] = set()
        while stack:
            holder = stack.pop()
            resources = holder.get("/Resources")
            if resources is None or "/XObject" not in resources:
                continue
            for _, xobject in resources.XObject.items():
                key = xobject.objgen
                if key in seen:
                    continue
                seen.add(key)
                if xobject.get("/Subtype") == "/Image":
                    found.add(key)
                elif xobject.get("/Subtype") == "/Form":
                    stack.append(xobject)
    return found


def test_the_print_pdf_holds_every_picture_once(picture_book):
    _, built = picture_book
    assert len(pdf_images(built.pdf)) == len(SOURCES)


def test_the_converted_pictures_are_the_same_bytes_in_every_build(picture_book, tmp_path):
    ms, built = picture_book
    again = build_book(ms, tmp_path / "again", formats=("epub",))
    with zipfile.ZipFile(built.epub) as one, zipfile.ZipFile(again.epub) as two:
        pngs = [n for n in one.namelist() if n.startswith("EPUB/images/plates/")]
        assert pngs and all(one.read(n) == two.read(n) for n in pngs)
        assert b"tIME" not in b"".join(one.read(n) for n in pngs)


def test_the_pdf_write_prints_the_bytes_the_gate_read_not_the_file_again(tmp_path, monkeypatch):
    """WeasyPrint 70 kept a picture fetched by ``file:`` URL as its path and read the file again
    when writing the PDF, after the gate: swapped in between (here for a green one, or it could be
    a link out of the manuscript), the new file was printed. The PDF holds the red picture read at
    layout time."""
    import octavo.writers.pdf

    text = "# One\n\n![A red plate](plate.png)\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"]))
    Image.new("RGB", (40, 30), (255, 0, 0)).save(ms / "plate.png")
    real = octavo.writers.pdf.tagged_pdf

    def swapped_first(*args, **kwargs):
        Image.new("RGB", (40, 30), (0, 255, 0)).save(ms / "plate.png")
        return real(*args, **kwargs)

    monkeypatch.setattr(octavo.writers.pdf, "tagged_pdf", swapped_first)
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    with pikepdf.open(built.pdf) as pdf:
        shown = {
            pikepdf.PdfImage(x).as_pil_image().convert("RGB").getpixel((5, 5))
            for page in pdf.pages
            for x in page.get_images().values()
        }
    assert shown == {(255, 0, 0)}


def test_a_picture_in_a_line_of_text_is_set_at_the_texts_height(tmp_path):
    """A vignette in a note's sentence was printed at its own size, two inches tall in a line
    of the note, and the note's words then stood below the text area, where the print referee
    read them as a folio (print-lost). In a line of text, in a note or the text, a picture is
    set at the text's height; a picture in a paragraph of its own keeps its size."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    text = (
        "# One\n\nA paragraph with a note that holds a picture.[^a] "
        "And a vignette ![A mark](mark.png) here.\n\n"
        "![A plate of its own](plate.png)\n\n[^a]: A note with a picture: ![A small vignette](mark.png)\n"
    )
    ms = make_manuscript(tmp_path / "ms", {"one.md": text}, toml=toml(["one.md"]))
    Image.new("RGB", (600, 400), (200, 180, 150)).save(ms / "mark.png")
    Image.new("RGB", (600, 400), (20, 80, 150)).save(ms / "plate.png")
    built = build_book(ms, tmp_path / "dist", formats=("pdf",))
    assert fidelity_problems(built.result, built.pdf) == []
    heights = []
    for page in pdfium.PdfDocument(built.pdf):
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=4):
            bottom, top = obj.get_bounds()[1::2]
            heights.append(round(top - bottom))
    assert len(heights) == 3, heights
    assert sorted(heights)[1] <= 16, heights  # the two vignettes at the height of 11 pt type
    assert max(heights) > 100, heights  # the plate keeps its size
