"""``octavo preview``: the book in a browser, rendered again whenever a file is saved.

A standard-library HTTP server shows a small page (``preview.html``) with a
toolbar to switch between the print CSS and the EPUB CSS (``?css=print`` or
``?css=epub``), the manuscript's diagnostics, and the book in a frame. A
``watchfiles`` thread watches the manuscript and styles folders and renders
the book again on every change; the page listens on ``/events``
(Server-Sent Events) and reloads when the render it shows is no longer the
latest. Only files inside the manuscript and styles folders are served.
"""

from __future__ import annotations

import argparse
import mimetypes
import socket
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from octavo.build.preview import Render, render
from octavo.diagnostics import Diagnostic
from octavo.locations import styles_root
from octavo.source.pictures import Unreadable, packed
from octavo.source.styles import Styles

VIEWS = (("print", "Print CSS"), ("epub", "EPUB CSS"))
FRAMES = {"print": "/print/book.html", "epub": "/epub/text/book.xhtml"}
#: Seconds between keep-alive comments on /events (and checks for the server stopping).
KEEPALIVE = 10.0
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}


def browser_picture(data: bytes, kind: str) -> tuple[bytes, str]:
    """A picture as the EPUB carries it (``source/pictures.packed``): JPEG, PNG, GIF as they are,
    anything else (TIFF, 16-bit PNG...) as a PNG a browser shows; an unreadable one unchanged."""
    try:
        return packed(data)
    except Unreadable:
        return data, kind


class Preview:
    """The latest render and the last one without errors, shared by the watcher and the server."""

    def __init__(self, manuscript: Path, styles: Path):
        self.manuscript = manuscript
        self.styles = styles
        self.generation = 0
        self.current = Render(())
        self.shown: Render | None = None
        self.changed = threading.Condition()
        self.stopping = threading.Event()

    def rebuild(self) -> Render:
        """Render the book again; a bug is reported like a diagnostic and the server goes on."""
        try:
            result = render(self.manuscript, Styles(self.styles))
        except Exception as exc:
            problem = Diagnostic(str(self.manuscript), 0, "internal-error", f"{type(exc).__name__}: {exc}")
            result = Render((problem,))
        with self.changed:
            self.generation += 1
            self.current = result
            if result.ok:
                self.shown = result
            self.changed.notify_all()
        return result

    def state(self) -> tuple[int, Render, Render | None]:
        with self.changed:
            return self.generation, self.current, self.shown

    def wait(self, seen: int, timeout: float) -> int:
        """The generation once it differs from ``seen``, or after ``timeout`` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen or self.stopping.is_set(), timeout)
            return self.generation

    def stop(self) -> None:
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()


def summary(result: Render) -> str:
    counts = [(len(result.errors), "error"), (len(result.warnings), "warning")]
    parts = [f"{n} {word}{'s' * (n != 1)}" for n, word in counts if n]
    return ", ".join(parts) if parts else "no problems"


def inside(root: Path, relative: str) -> Path | None:
    """``root/relative`` if it is a file inside ``root`` once links are resolved, else None."""
    try:
        base = root.resolve()
        target = (base / relative.lstrip("/")).resolve()
    except (OSError, ValueError):
        return None
    return target if target.is_relative_to(base) and target.is_file() else None


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def log_message(self, format: str, *args: object) -> None:  # the terminal is for the book's messages
        pass

    def do_GET(self) -> None:
        if not self.server.host_allowed(self.headers.get("Host", "")):
            self.send_error(HTTPStatus.FORBIDDEN, "unexpected Host header")
            return
        url = urlsplit(self.path)
        path = unquote(url.path)
        preview = self.server.preview
        generation, current, shown = preview.state()
        if path == "/":
            view = parse_qs(url.query).get("css", ["print"])[0]
            self.page(generation, current, shown, view if view in FRAMES else "print")
        elif path == "/events":
            self.events()
        elif path == FRAMES["print"] and shown is not None and shown.print_html is not None:
            self.send(shown.print_html.encode("utf-8"), "text/html; charset=utf-8")
        elif path == FRAMES["epub"] and shown is not None and shown.epub_xhtml is not None:
            self.send(shown.epub_xhtml, "application/xhtml+xml; charset=utf-8")
        else:
            self.file(self.locate(path, shown))

    def locate(self, path: str, shown: Render | None) -> Path | None:
        """The manuscript or styles file a URL names, path-checked; None for anything else."""
        preview = self.server.preview
        roots = {
            "/manuscript/": preview.manuscript,
            "/styles/": preview.styles,
            "/epub/css/": preview.styles / "css",
            "/epub/fonts/": preview.styles / "fonts",
        }
        for prefix, root in roots.items():
            if path.startswith(prefix):
                return inside(root, path.removeprefix(prefix))
        if path.startswith("/epub/images/") and shown is not None:
            source = shown.images.get(path.removeprefix("/epub/images/"))
            return inside(preview.manuscript, source) if source else None
        return None

    def page(self, generation: int, current: Render, shown: Render | None, view: str) -> None:
        html = self.server.template.render(
            title=(shown or current).title or str(self.server.preview.manuscript),
            generation=generation,
            views=VIEWS,
            view=view,
            summary=summary(current),
            diagnostics=current.diagnostics,
            stale=not current.ok and shown is not None,
            frame=f"{FRAMES[view]}?v={generation}" if shown is not None else "",
        )
        self.send(html.encode("utf-8"), "text/html; charset=utf-8")

    def events(self) -> None:
        """Server-Sent Events: the current generation at once, then each new one as it comes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview, seen = self.server.preview, -1
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not preview.stopping.is_set():
                generation = preview.wait(seen, KEEPALIVE)
                if generation != seen:
                    self.wfile.write(f"data: {generation}\n\n".encode())
                    seen = generation
                else:
                    self.wfile.write(b": waiting\n\n")
                self.wfile.flush()
        except OSError:  # the page went away
            pass

    def file(self, path: Path | None) -> None:
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "not in the manuscript or styles folder")
            return
        data = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("image/") and kind != "image/svg+xml":
            data, kind = browser_picture(data, kind)
        self.send(data, kind)

    def send(self, data: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, preview: Preview):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.preview = preview
        self.host = host
        env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape())
        self.template = env.get_template("preview.html")
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{f'[{host}]' if ':' in str(host) else host}:{port}/"

    def host_allowed(self, header: str) -> bool:
        """Refuse pages of other sites that rebind their name to this address (DNS rebinding)."""
        if self.host in ("0.0.0.0", "::", ""):
            return True
        name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
        return name.strip("[]") in LOCAL_NAMES | {self.host}


def report(result: Render, what: str) -> None:
    """The render's diagnostics on stderr, a one-line summary on stdout."""
    for diagnostic in result.diagnostics:
        print(diagnostic, file=sys.stderr, flush=True)
    print(f"octavo: {what}: {summary(result)}", flush=True)


def watch(preview: Preview, on_change: Callable[[Render, str], None]) -> None:
    """Render again on every batch of saved files until the preview stops."""
    import watchfiles  # only the preview needs it

    try:
        for changes in watchfiles.watch(
            preview.manuscript, preview.styles, stop_event=preview.stopping, raise_interrupt=False
        ):
            names = sorted({Path(path).name for _, path in changes})
            on_change(preview.rebuild(), ", ".join(names) + " changed")
    except Exception as exc:  # e.g. the folder was removed: say so, keep serving the last render
        print(f"octavo: preview: no longer watching for changes: {exc}", file=sys.stderr, flush=True)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="octavo preview", description="Show the book in a browser, reloaded whenever a file is saved."
    )
    parser.add_argument("manuscript", nargs="?", default="manuscript", type=Path, help="manuscript folder")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--styles", type=Path, default=None, help="styles folder instead of octavo's")
    return parser


def main(argv: list[str]) -> int:
    """``octavo preview [MANUSCRIPT] [--port N] [--host ADDRESS] [--styles DIR]``."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port} is not a port number (0 to 65535)")
    if not args.manuscript.is_dir():
        print(f"{args.manuscript}: manuscript-missing: manuscript folder not found", file=sys.stderr)
        return 1
    styles = styles_root(args.styles)
    if not styles.is_dir():
        print(f"{styles}: styles-missing: styles folder not found", file=sys.stderr)
        return 1
    preview = Preview(args.manuscript, styles)
    try:
        report(preview.rebuild(), f"{args.manuscript}")
        try:
            server = PreviewServer(args.host, args.port, preview)
        except OSError as exc:
            print(f"octavo: preview: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
            return 2
        watcher = threading.Thread(target=watch, args=(preview, report), name="octavo-watch", daemon=True)
        watcher.start()
        print(f"octavo: previewing {args.manuscript} at {server.url} (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        finally:
            preview.stop()
            server.server_close()
            watcher.join(timeout=2)
    except KeyboardInterrupt:
        pass
    print("octavo: preview stopped", flush=True)
    return 0
