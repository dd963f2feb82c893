"""``--check``: every problem reported in compiler form, exit 1, nothing written."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, make_manuscript


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(  # the referees are tests/test_report.py's business
        [sys.executable, str(ROOT / "build.py"), *args, "--no-referees"],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
    )


def test_check_reports_each_problem_and_writes_nothing(tmp_path):
    ms = make_manuscript(
        tmp_path / "ms",
        {
            "one.md": """
            # One

            A call to nothing.[^7] A good call.[^a]

            [^a]: Defined once.

            [^a]: Defined twice.

            [^unused]: Never called.
            """,
        },
        contents=[("one.md", "chapter"), ("missing.md", "chapter")],
    )
    out = tmp_path / "dist"
    proc = run(str(ms), "--out", str(out), "--check")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ": " in ln and not ln.startswith("octavo:")]
    expected = {
        "ms/book.toml:16: contents-missing: missing.md is listed in contents but does not exist",
        "ms/one.md:3: note-undefined: footnote [^7] is referenced but never defined",
        "ms/one.md:7: note-duplicate: footnote [^a] is defined twice (first on line 5)",
        "ms/one.md:9: note-unused: footnote [^unused] is defined but never referenced",
    }
    assert set(lines) == expected, proc.stderr
    assert not out.exists()


def test_check_on_the_seed_passes():
    proc = run("--check")
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr


def test_help_and_usage_errors():
    assert run("--help").returncode == 0
    proc = run("--only", "mobi")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_missing_manuscript_is_a_manuscript_error(tmp_path):
    proc = run(str(tmp_path / "nowhere"), "--out", str(tmp_path / "dist"))
    assert proc.returncode == 1
    assert "manuscript-missing" in proc.stderr and "Traceback" not in proc.stderr


def test_only_epub_builds_one_format(tmp_path):
    out = tmp_path / "dist"
    proc = run("--only", "epub", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert [p.suffix for p in out.iterdir() if not p.name.startswith(".")] == [".epub"]


def test_failed_build_leaves_previous_outputs(tmp_path):
    ms = make_manuscript(tmp_path / "ms", {"one.md": "# One\n\nText.[^x]\n\n[^x]: Note.\n"})
    out = tmp_path / "dist"
    assert run(str(ms), "--out", str(out), "--only", "epub").returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}  # the layout cache too
    (ms / "one.md").write_text("# One\n\nText.[^y]\n", encoding="utf-8")
    assert run(str(ms), "--out", str(out)).returncode == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_fence_info_string_is_not_a_human_language(tmp_path):
    """```toml names a programming language: no lang-invalid, nothing checked as BCP 47."""
    ms = make_manuscript(
        tmp_path / "ms",
        {
            "one.md": """
            # One

            The book's metadata:

            ```toml
            title = "A Book"
            ```

            ```python
            print("built")
            ```
            """,
        },
    )
    proc = run(str(ms), "--out", str(tmp_path / "dist"), "--check")
    assert proc.returncode == 0, proc.stderr
    assert "lang-invalid" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_stopped_check_still_shows_its_warnings(tmp_path, capsys):
    """Errors stop the build, but the warnings found with them are printed too (and in --json)."""
    import json

    from octavo import cli

    text = "# One\n\nA call[^x] and two  spaces.\n"
    ms = make_manuscript(tmp_path / "ms", {"one.md": text})
    assert cli.main([str(ms), "--check"]) == 1
    err = capsys.readouterr().err
    assert "one.md:3: note-undefined" in err
    assert "one.md:3: warning: double-space" in err
    assert "1 problem and 1 warning; nothing was written" in err
    assert cli.main([str(ms), "--check", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert {d["id"] for d in doc["diagnostics"]} >= {"note-undefined", "double-space"}


#: What ``--check`` must not load: the layout's, the writers' and the referees' libraries.
HEAVY = ("weasyprint", "pydyf", "ebooklib", "pikepdf", "pypdfium2")

CHECK_AND_LIST_MODULES = """
import sys
from octavo.cli import main
code = main(sys.argv[1:])
print("exit", code)
print("\\n".join(sorted(sys.modules)))
"""


def modules_loaded_by(*args: str) -> tuple[int, set[str]]:
    """Run ``octavo ARGS`` in a fresh interpreter: its exit code and every module it loaded."""
    proc = subprocess.run(
        [sys.executable, "-c", CHECK_AND_LIST_MODULES, *args], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("exit "))
    return int(lines[start].split()[1]), set(lines[start + 1 :])


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_check_loads_no_layout_or_writer_library():
    code, modules = modules_loaded_by("manuscript", "--check")
    assert code == 0
    assert "octavo.check.lint" in modules  # it did check
    assert heavy(modules) == []


def test_a_failing_check_loads_no_layout_or_writer_library(tmp_path):
    import shutil

    ms = tmp_path / "ms"
    shutil.copytree(ROOT / "manuscript", ms, ignore=shutil.ignore_patterns("source"))
    toml = ms / "book.toml"
    toml.write_text('colour = "red"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    code, modules = modules_loaded_by(str(ms), "--check", "--out", str(tmp_path / "dist"))
    assert code == 1
    assert heavy(modules) == []
