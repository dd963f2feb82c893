"""Hostile input: nothing outside the book is read, nothing is fetched, raw HTML never runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, make_manuscript
from lxml import etree

from octavo.build.pipeline import BuildOptions, build
from octavo.diagnostics import ManuscriptError
from octavo.layout.fetch import FetchRefused, SafeFetcher, css_references

# Runs a build with an audit hook that records every file opened and every network call.
SPY = """
import json, os, sys
opened, network = [], []
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.fsdecode(args[0]))
    elif event.startswith("socket."):
        network.append(event)
sys.addaudithook(hook)
sys.argv = ["build.py", *sys.argv[1:]]
from octavo.cli import main
try:
    code = main()
finally:
    with open(os.environ["OCTAVO_SPY_LOG"], "w") as log:
        json.dump({"opened": opened, "network": network}, log)
sys.exit(code)
"""


def spy_build(manuscript: Path, out: Path, log: Path) -> tuple[subprocess.CompletedProcess, dict]:
    proc = subprocess.run(
        [sys.executable, "-c", SPY, str(manuscript), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "OCTAVO_SPY_LOG": str(log)},
    )
    return proc, json.loads(log.read_text())


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    path = folder / "secret.png"
    path.write_bytes(b"\x89PNG not for the book")
    return path


def test_hostile_manuscript_reads_nothing_outside_and_fetches_nothing(tmp_path, secret):
    ms = make_manuscript(
        tmp_path / "ms",
        {
            "one.md": f"""
            # One

            ![up and out](../outside/secret.png)

            ![absolute](file://{secret})

            ![remote](http://127.0.0.1:9/x.png)

            ![linked](link.png)
            """,
        },
    )
    os.symlink(secret, ms / "link.png")
    proc, spy = spy_build(ms, tmp_path / "dist", tmp_path / "spy.json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.count("image-outside") == 4, proc.stderr
    assert spy["network"] == []
    assert any(p.endswith("one.md") for p in spy["opened"]), "the spy saw the manuscript being read"
    assert not [p for p in spy["opened"] if p.startswith(str(secret.parent)) or p.endswith("secret.png")]
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").glob("*.epub"))


def test_raw_html_never_reaches_the_outputs_as_markup(tmp_path):
    ms = make_manuscript(
        tmp_path / "ms",
        {
            "one.md": """
            # One

            Text <script>alert(1)</script> and <img src="http://127.0.0.1:9/x.png" onerror="alert(2)">.

            <iframe src="javascript:alert(3)"></iframe>

            <style>@import url(http://127.0.0.1:9/evil.css);</style>
            """,
        },
    )
    proc, spy = spy_build(ms, tmp_path / "dist", tmp_path / "spy.json")
    assert proc.returncode == 0, proc.stderr
    assert spy["network"] == []
    with zipfile.ZipFile(tmp_path / "dist" / "a-test-book.epub") as z:
        doc = etree.fromstring(z.read("EPUB/text/one.xhtml"))
    body = doc.find("{http://www.w3.org/1999/xhtml}body")
    tags = {el.tag.split("}")[-1] for el in body.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "iframe", "img", "style", "object", "link"}
    assert not [el for el in body.iter() if any(a.startswith("on") for a in el.attrib)]
    text = "".join(body.itertext())
    assert "alert(" not in text and "evil.css" not in text  # removed with their content
    assert "html-removed" in proc.stderr


def test_the_fetcher_serves_only_the_allowed_folders(tmp_path, secret):
    inside = tmp_path / "book"
    inside.mkdir()
    (inside / "ok.css").write_text("p {}")
    fetcher = SafeFetcher([inside])
    assert fetcher.fetch((inside / "ok.css").as_uri()).read() == b"p {}"
    for url in (
        secret.as_uri(),
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/a.css",
        (inside / ".." / "outside" / "secret.png").as_uri(),
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_css_references_resolve_against_the_stylesheet(tmp_path):
    css = tmp_path / "styles" / "css"
    css.mkdir(parents=True)
    (css / "a.css").write_text(
        '@import "b.css";\n'
        "/* url(commented.png) */\n"
        '@media print { p { background: url( "../img/x.png" ) } }\n'
        "h1 { background: url(https://example.com/rule.png) }\n",
        encoding="utf-8",
    )
    refs = css_references(tmp_path / "styles")
    a = css / "a.css"
    base = (tmp_path / "styles").resolve().as_uri()
    assert refs == {
        f"{base}/css/b.css": [(a, 1)],
        f"{base}/img/x.png": [(a, 3)],
        "https://example.com/rule.png": [(a, 4)],
    }


def test_fetch_refused_names_the_stylesheet_that_asked(tmp_path, styles_copy):
    """A url() in the styles is reported at its file and line, not at book.toml."""
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nText.\n"})
    print_css = styles_copy / "css" / "print.css"
    lines = print_css.read_text(encoding="utf-8").count("\n")
    with print_css.open("a", encoding="utf-8") as css:
        css.write('h1 { background: url("https://example.com/rule.png"); }\n')
    template = styles_copy / "templates" / "print" / "book.html"
    html = template.read_text(encoding="utf-8")
    template.write_text(html.replace("</body>", '<img src="https://example.com/logo.png" alt=""/></body>'))
    with pytest.raises(ManuscriptError) as caught:
        build(BuildOptions(manuscript=ms, out=tmp_path / "dist", formats=("pdf",), styles=styles_copy))
    problems = sorted(str(d) for d in caught.value.diagnostics)
    assert problems == [
        "ms: fetch-refused: refused to load https://example.com/logo.png, asked for by the styles or the "
        "manuscript: octavo reads nothing from the network or from outside the manuscript and styles folders",
        f"styles/css/print.css:{lines + 1}: fetch-refused: refused to load https://example.com/rule.png: "
        "octavo reads nothing from the network or from outside the manuscript and styles folders",
    ], problems
