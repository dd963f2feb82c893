"""The package shows its pipeline: stage folders, imported only backwards, with no cycle.

Stages in order (docs/architecture.md): the core modules at the top of the
package, then config → source → check → render → layout → writers →
inspect → build → cli. A module may import from its own stage or an
earlier one; only ``build/`` and ``cli/`` drive the later ones. Every
import is counted, those inside functions too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "octavo"
STAGES = ["core", "config", "source", "check", "render", "layout", "writers", "inspect", "build", "cli"]
CORE = {
    "octavo",
    "octavo.model",
    "octavo.diagnostics",
    "octavo.registry",
    "octavo.locations",
    "octavo.textio",
    "octavo.strings",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def stage_of(module: str) -> str:
    """The stage of an octavo module: its folder, or ``core`` for the top-level modules."""
    if module == "octavo.__main__":
        return "cli"
    if module in CORE:
        return "core"
    folder = module.split(".")[1]
    assert folder in STAGES, f"{module} is in no stage folder"
    return folder


def imports_of(module: str) -> set[str]:
    """The octavo modules ``module`` imports (a name imported from a package counts as its module)."""
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "octavo"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
            if base.split(".")[0] != "octavo":
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
    return {m for m in found if m in MODULES and m != module}


def test_every_module_is_in_a_stage() -> None:
    assert len(MODULES) > 40
    for module in MODULES:
        stage_of(module)
    for stage in STAGES[1:]:
        assert (PACKAGE / stage / "__init__.py").is_file(), f"no {stage}/ folder"


def test_imports_go_backwards() -> None:
    wrong = []
    for module in MODULES:
        rank = STAGES.index(stage_of(module))
        if stage_of(module) in {"build", "cli"}:
            continue
        for imported in imports_of(module):
            if STAGES.index(stage_of(imported)) > rank:
                wrong.append(f"{module} ({stage_of(module)}) imports {imported} ({stage_of(imported)})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycle() -> None:
    graph = {m: imports_of(m) for m in MODULES}
    # a package's __init__ importing its own modules is not a cycle through them
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_the_rules_catch_a_wrong_import(tmp_path: Path) -> None:
    """The walk itself works: a known backward and a known forward import are told apart."""
    assert "octavo.model" in imports_of("octavo.source.parse")
    assert "octavo.build.pipeline" in imports_of("octavo.cli.build")
    assert STAGES.index(stage_of("octavo.cli.build")) > STAGES.index(stage_of("octavo.build.pipeline"))


def test_the_architecture_document_names_real_modules_and_every_stage() -> None:
    """docs/architecture.md: each module path it names exists, and each stage folder is described."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:[a-z]+/)?[a-z_]+\.py)`", text))
    assert len(named) > 20
    root = PACKAGE.parent
    here = {p.name for p in PACKAGE.rglob("*.py")}  # a bare name, next to a folder named before it
    missing = [
        n
        for n in named
        if not any((base / n).is_file() for base in (PACKAGE, root, root / "tests"))
        and not ("/" not in n and n in here)
    ]
    assert not missing, missing
    for stage in STAGES[1:]:
        assert f"\n{stage}/" in text, f"{stage}/ is not in the stage table"
