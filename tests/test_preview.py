"""``octavo preview`` driven in headless Chromium (Playwright with Debian's chromium).

The server runs as a subprocess on a small manuscript in tmp_path; the tests
save files the way an editor would and wait for the page to follow.
"""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, make_manuscript
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Milliseconds Playwright waits for the page to follow a save (a limit, not a measurement).
FOLLOW = 20_000

ONE = """\
# The First Chapter

The harbour was quiet that morning.
"""
TWO = """\
# The Second Chapter

Nothing happened in the second chapter.
"""


@dataclass
class Server:
    process: subprocess.Popen
    manuscript: Path
    url: str = ""
    lines: list[str] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if " at http://" in line and not self.url:
                self.url = line.split(" at ", 1)[1].split()[0]
                self.started.set()
        self.started.set()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    manuscript = make_manuscript(tmp_path / "book", {"one.md": ONE, "two.md": TWO})
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "preview", str(manuscript), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Server(process, manuscript)
    reader = threading.Thread(target=running.read, daemon=True)
    reader.start()
    try:
        running.started.wait(timeout=60)
        assert running.url, f"octavo preview printed no URL:\n{running.output}"
        yield running
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        reader.join(timeout=5)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def save(path: Path, text: str) -> None:
    """Write a file whole, as an editor saves it."""
    path.write_text(text, encoding="utf-8")


def test_page_shows_the_book_and_follows_a_save(server: Server, page: Page) -> None:
    page.goto(server.url)
    book = page.frame_locator("#book")
    expect(book.locator("body")).to_contain_text("The harbour was quiet that morning.")
    expect(book.locator("body")).to_contain_text("Nothing happened in the second chapter.")
    expect(page.locator("#status")).to_have_text("no problems")

    reading = page.locator("#book").element_handle().content_frame()
    reading.evaluate("window.scrollTo(0, 300)")
    assert reading.evaluate("window.scrollY") == 300

    save(server.manuscript / "one.md", ONE.replace("quiet that morning", "loud with gulls at noon"))
    # No reload from the test: the page must follow the save by itself.
    expect(book.locator("body")).to_contain_text("The harbour was loud with gulls at noon.", timeout=FOLLOW)
    expect(book.locator("body")).not_to_contain_text("quiet that morning")
    # ... and keep the reader where they were.
    reloaded = page.locator("#book").element_handle().content_frame()
    reloaded.wait_for_function("Math.abs(window.scrollY - 300) < 50", timeout=FOLLOW)

    assert server.stop() == 0
    assert "preview stopped" in server.output
    assert "Traceback" not in server.output


def test_switch_between_print_and_epub_css(server: Server, page: Page) -> None:
    page.goto(server.url)
    book = page.frame_locator("#book")
    expect(book.locator("link[rel=stylesheet]")).to_have_attribute("href", "/styles/css/print.css")
    expect(book.locator(".halftitle")).to_have_count(1)  # the print wrapper
    expect(book.locator("body")).to_have_css("margin-left", "0px")  # print.css: body { margin: 0 }

    page.locator("#css-epub").click()
    expect(page).to_have_url(f"{server.url}?css=epub")
    expect(book.locator("link[rel=stylesheet]")).to_have_attribute("href", "../css/epub.css")
    expect(book.locator(".halftitle")).to_have_count(0)  # the EPUB documents, one after another
    expect(book.locator(".epub-document")).to_have_count(4)  # title page, copyright, two chapters
    expect(book.locator("body")).not_to_have_css("margin-left", "0px")  # epub.css sets none: the browser's
    expect(book.locator("body")).to_contain_text("The harbour was quiet that morning.")

    save(server.manuscript / "two.md", TWO.replace("Nothing happened", "Much happened"))
    expect(book.locator("body")).to_contain_text("Much happened in the second chapter.", timeout=FOLLOW)
    expect(page).to_have_url(f"{server.url}?css=epub")  # the choice survives the reload
    expect(book.locator("link[rel=stylesheet]")).to_have_attribute("href", "../css/epub.css")


def test_errors_and_warnings_show_in_the_page_and_the_terminal(server: Server, page: Page) -> None:
    page.goto(server.url)
    book = page.frame_locator("#book")
    expect(book.locator("body")).to_contain_text("The harbour was quiet that morning.")
    expect(page.locator("#diagnostics")).to_have_count(0)

    save(server.manuscript / "one.md", ONE.replace("morning.", "morning.[^gone]"))
    expected = "book/one.md:3: note-undefined: footnote [^gone] is referenced but never defined"
    expect(page.locator("#diagnostics")).to_contain_text(expected, timeout=FOLLOW)
    expect(page.locator("#status")).to_have_text("1 error")
    # The last version without errors stays on show, and says so.
    expect(page.locator("#diagnostics")).to_contain_text("last version without errors")
    expect(book.locator("body")).to_contain_text("The harbour was quiet that morning.")

    save(server.manuscript / "one.md", ONE.replace("was quiet", "was  calm"))
    expect(page.locator("#diagnostics")).to_contain_text("warning: double-space", timeout=FOLLOW)
    expect(page.locator("#diagnostics")).not_to_contain_text("note-undefined")
    expect(book.locator("body")).to_contain_text("calm that morning.")
    expect(page.locator("#status")).to_have_text("1 warning")

    server.stop()
    assert expected in server.output
    assert "book/one.md:3: warning: double-space: two spaces between words" in server.output


def raw_get(url: str, path: str, host: str | None = None) -> int:
    """The status of a GET sent with the path exactly as given (no client-side clean-up of '..')."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_serves_only_the_manuscript_and_styles_folders(server: Server, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("not for the browser", encoding="utf-8")
    (server.manuscript / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert raw_get(server.url, "/manuscript/one.md") == 200
    assert raw_get(server.url, "/styles/css/epub.css") == 200
    assert raw_get(server.url, "/epub/fonts/EBGaramond-Regular.ttf") == 200
    for outside in (
        "/manuscript/../secret.txt",
        "/manuscript/%2e%2e/secret.txt",
        "/manuscript/..%2fsecret.txt",
        "/manuscript/link.txt",
        "/styles/../../../../etc/passwd",
        "/epub/css/../../../etc/passwd",
        "/epub/images/..%2f..%2fsecret.txt",
        "/etc/passwd",
    ):
        assert raw_get(server.url, outside) == 404, outside
    # Another site's name pointed at this address (DNS rebinding) gets nothing.
    assert raw_get(server.url, "/manuscript/one.md", host="attacker.example") == 403


def get(url: str, path: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def test_pictures_a_browser_cannot_show_are_served_as_png(server: Server) -> None:
    """A TIFF (which browsers do not show) comes as the PNG the EPUB would carry; a JPEG as it is."""
    from PIL import Image

    Image.new("RGB", (30, 20), (200, 10, 10)).save(server.manuscript / "map.tiff")
    Image.new("RGB", (30, 20), (10, 200, 10)).save(server.manuscript / "photo.jpg")
    status, kind, body = get(server.url, "/manuscript/map.tiff")
    assert (status, kind, body[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
    jpeg = (server.manuscript / "photo.jpg").read_bytes()
    assert get(server.url, "/manuscript/photo.jpg") == (200, "image/jpeg", jpeg)
