"""The registry of diagnostic ids (``octavo/registry.py``) against the code, the tests and the README.

The code keeps its ids as string literals where it emits them. A walk of
the package's syntax tree finds every one: the id argument of every call to
``Diagnostic``, ``NewBookError`` and preflight's ``RuleResult``, and of every
function that passes one of its parameters on as an id (``Diagnostics.error``
and ``.warning``, the fidelity referee's ``_Report.add``, ``check_fonts``),
found to a fixed point, ``getattr(diags, severity)(…)`` included; an id held
in a variable is followed to what the function assigns it; f-string ids are
expanded by ``registry.TEMPLATES``; ``("error" | "warning", id, message)``
tuples (the picture checks); and the ``octavo: DIR: id: message`` lines the
commands print. What the walk cannot tell fails the test, unless
``UNRESOLVED`` says where those ids are found instead. Snippets with a
made-up id, one for each way, show that the walk finds a new one.

Then: every id emitted is registered, with a severity its entry allows;
every entry is emitted; every entry is triggered by a test. That last
check reads the tests rather than running them: an id counts as triggered
when a test function's strings name it (not in its docstring, nor in a
``not in`` or ``!=`` test), or a ``tests/bad`` case expects it in its
messages (``test_bad.py`` checks they are printed). Last, the README's
table of diagnostics is the registry's (``python -m pytest
tests/test_registry.py --update-goldens`` rewrites it), every anchor is a
heading that names its id, and every id the README prints is registered.
"""

from __future__ import annotations

import ast
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

from octavo.registry import BOTH, ENTRIES, REGISTRY, TEMPLATES, markdown

PACKAGE = ROOT / "octavo"
TESTS = ROOT / "tests"
README = ROOT / "README.md"

ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
#: A command's refusal: ``octavo: DIR: id: …``, ``octavo: id: …`` or ``DIR: id: …``.
COMMAND_LINE = re.compile(r"\A(?:octavo: \{\}: |octavo: |\{\}: )([a-z][a-z0-9]*(?:-[a-z0-9]+)+): ")
SEVERITIES = ("error", "warning")

#: Ids the walk cannot follow, by (module, variable), and where it finds them instead.
UNRESOLVED = {
    ("octavo/check/lint.py", "problem"): "inspect_image's (severity, id, message) tuples",
    ("octavo/check/lint.py", "ident"): "inspect_image's (severity, id, message) tuples",
}


@dataclass(frozen=True)
class Emission:
    id: str  # an id, or an f-string's template with {} for each value ("out-in-{}")
    severity: str  # "error" or "warning" (a preflight rule's FAIL counts as an error)
    where: str  # "octavo/build/pipeline.py:192"
    kind: str = "diagnostic"  # or "command" (NewBookError, a printed line), "rule" (RuleResult)


@dataclass(frozen=True)
class Sink:
    """A callable that takes an id: where among its arguments, and the severity it gives."""

    position: int  # among the positional arguments of a call (self not counted)
    keyword: str
    severity: str | None  # None: Diagnostic's own fifth argument says
    method: bool = False  # called as ``obj.name(…)`` only
    kind: str = "diagnostic"  # what the id becomes: see Emission


#: The calls that take an id: the diagnostic itself, ``octavo new``'s refusal, a preflight rule.
BASE_SINKS = {
    "Diagnostic": Sink(2, "id", None),
    "NewBookError": Sink(0, "id", "error", kind="command"),
    "RuleResult": Sink(0, "rule", "error", kind="rule"),
}


class Module:
    def __init__(self, name: str, source: str):
        self.name = name
        self.tree = ast.parse(source)
        self.nodes = list(ast.walk(self.tree))
        self.calls = [n for n in self.nodes if isinstance(n, ast.Call)]
        self.parents = {child: parent for parent in self.nodes for child in ast.iter_child_nodes(parent)}
        self.in_fstrings = {id(v) for n in self.nodes if isinstance(n, ast.JoinedStr) for v in n.values}

    def function_of(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None


def _params(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    return [*function.args.posonlyargs, *function.args.args]


#: ``getattr(diags, severity)(where, line, id, message)``: a method of Diagnostics by a name the
#: walk cannot read; the id is the third argument, the severity comes with it (``ANY``).
ANY = "any"
_BY_NAME = Sink(2, "id", ANY, True)


def _sink_of(call: ast.Call, sinks: dict[str, Sink]) -> Sink | None:
    func = call.func
    if isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id == "getattr":
        name = func.args[1] if len(func.args) > 1 else None
        if isinstance(name, ast.Constant):
            return sinks.get(name.value)
        return _BY_NAME
    if isinstance(call.func, ast.Attribute):
        return sinks.get(call.func.attr)
    if isinstance(call.func, ast.Name):
        sink = sinks.get(call.func.id)
        return None if sink is None or sink.method else sink
    return None


def _argument(call: ast.Call, sink: Sink) -> ast.expr | None:
    """The id a call passes; None when it passes none (``parser.error(message)`` is argparse's)."""
    for keyword in call.keywords:
        if keyword.arg == sink.keyword:
            return keyword.value
    return call.args[sink.position] if len(call.args) > sink.position else None


def _severity(call: ast.Call, sink: Sink) -> str:
    if sink.severity is not None:
        return sink.severity
    given = call.args[4] if len(call.args) > 4 else None
    given = next((k.value for k in call.keywords if k.arg == "severity"), given)
    if given is None:
        return "error"
    if isinstance(given, ast.Attribute) and given.attr in ("ERROR", "WARNING"):
        return given.attr.lower()
    raise AssertionError(f"a Diagnostic's severity {ast.unparse(given)!r} cannot be told")


def _template(node: ast.JoinedStr) -> str:
    return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


def derive_sinks(modules: list[Module]) -> dict[str, Sink]:
    """The base sinks and every function that passes a parameter on to one as its id, to a fixed point."""
    sinks = dict(BASE_SINKS)
    changed = True
    while changed:
        changed = False
        for module in modules:
            for call in module.calls:
                if (sink := _sink_of(call, sinks)) is None:
                    continue
                argument, function = _argument(call, sink), module.function_of(call)
                if not isinstance(argument, ast.Name) or function is None or function.name in sinks:
                    continue
                names = [p.arg for p in _params(function)]
                if argument.id not in names:
                    continue
                method = names[0] in ("self", "cls")
                position, severity = names.index(argument.id) - method, _severity(call, sink)
                sinks[function.name] = Sink(position, argument.id, severity, method, sink.kind)
                changed = True
    return sinks


def _default(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    params, defaults = _params(function), function.args.defaults
    given = dict(zip([p.arg for p in params[len(params) - len(defaults) :]], defaults, strict=True))
    return given.get(name)


def _assigned(scope: ast.AST, name: str) -> list[ast.expr] | None:
    """The values ``name`` is assigned in ``scope``; None if it is also a loop's or a with's target."""
    found: list[ast.expr] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found.append(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr)
            and getattr(node.target, "id", "") == name
        ):
            return None
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension | ast.withitem):
            target = node.optional_vars if isinstance(node, ast.withitem) else node.target
            if target is not None and name in {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}:
                return None
    return found or None


def _leaves(expr: ast.expr) -> list[ast.expr]:
    if isinstance(expr, ast.IfExp):
        return _leaves(expr.body) + _leaves(expr.orelse)
    return [expr]


def emissions(modules: list[Module], unresolved: set | None = None) -> tuple[list[Emission], list[str]]:
    """Every id the modules can emit, and what the walk could not tell (the ``UNRESOLVED`` entries
    it met go into ``unresolved``)."""
    sinks = derive_sinks(modules)
    found: list[Emission] = []
    problems: list[str] = []
    for module in modules:
        for node in module.nodes:
            where = f"{module.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and (sink := _sink_of(node, sinks)) is not None:
                argument = _argument(node, sink)
                if argument is None:
                    continue
                severity, function = _severity(node, sink), module.function_of(node)
                leaves = _leaves(argument)
                if isinstance(argument, ast.Name):
                    if function is not None and argument.id in [p.arg for p in _params(function)]:
                        default = _default(function, argument.id)  # a sink: its callers pass the id
                        leaves = [] if default is None else [default]
                    elif (values := _assigned(function or module.tree, argument.id)) is not None:
                        leaves = [leaf for value in values for leaf in _leaves(value)]
                    elif (module.name, argument.id) in UNRESOLVED:
                        leaves = []
                        if unresolved is not None:
                            unresolved.add((module.name, argument.id))
                for leaf in leaves:
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                        found.append(Emission(leaf.value, severity, where, sink.kind))
                    elif isinstance(leaf, ast.JoinedStr):
                        found.append(Emission(_template(leaf), severity, where, sink.kind))
                    else:
                        problems.append(f"{where}: cannot tell which id {ast.unparse(leaf)!r} is")
            elif isinstance(node, ast.Tuple) and len(node.elts) == 3:
                severity, ident = node.elts[0], node.elts[1]
                if (
                    isinstance(severity, ast.Constant)
                    and severity.value in SEVERITIES
                    and isinstance(ident, ast.Constant)
                    and isinstance(ident.value, str)
                ):
                    found.append(Emission(ident.value, severity.value, where))
            elif isinstance(node, ast.JoinedStr) or (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in module.in_fstrings
            ):
                text = _template(node) if isinstance(node, ast.JoinedStr) else node.value
                if match := COMMAND_LINE.match(text):
                    found.append(Emission(match.group(1), "error", where, "command"))
    problems += [
        f"{e.where}: {e.id!r} is not an id" for e in found if "{}" not in e.id and not ID.match(e.id)
    ]
    return found, problems


@functools.cache
def package() -> tuple[Module, ...]:
    """The package's modules, parsed once (``octavo/registry.py`` among them: it emits nothing)."""
    return tuple(
        Module(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    )


@pytest.fixture(scope="module")
def emitted() -> list[Emission]:
    met: set[tuple[str, str]] = set()
    found, problems = emissions(list(package()), met)
    assert not problems, "\n".join(problems)
    assert met == set(UNRESOLVED), f"UNRESOLVED names what no longer is: {set(UNRESOLVED) - met}"
    return found


def expanded(found: list[Emission]) -> dict[str, set[str]]:
    """id -> the severities it is emitted with, f-string templates expanded by ``TEMPLATES``."""
    ids: dict[str, set[str]] = {}
    for e in found:
        for ident in TEMPLATES.get(e.id, ()) if "{}" in e.id else (e.id,):
            ids.setdefault(ident, set()).update({e.severity} - {ANY})
    return ids


# -- the code against the registry


def test_the_walk_finds_the_ids_it_must(emitted):
    ids = expanded(emitted)
    # one of each way of emitting, so that a walk that misses a way fails here first
    for ident, severity in [
        ("config-syntax", "error"),  # diags.error(…, "id", …)
        ("file-unlisted", "warning"),  # diags.warning
        ("epub-xhtml", "error"),  # Diagnostic(…)
        ("referee-warning", "warning"),  # Diagnostic(…, Severity.WARNING)
        ("image-outside", "error"),  # problem = "…" if … else "…"; Diagnostic(where, line, problem, …)
        ("image-large", "warning"),  # ("warning", "image-large", message)
        ("print-misplaced", "error"),  # report.add(…, "id", …) -> _Report.add -> Diagnostic
        ("out-in-styles", "error"),  # f"out-in-{ident}", expanded by TEMPLATES
        ("new-exists", "error"),  # raise NewBookError("id", …)
        ("fonts-embedded", "error"),  # check_fonts(pdf, rule="fonts-embedded")
        ("underfull", "error"),  # RuleResult("underfull", …)
        ("catalogue-missing", "error"),  # print(f"octavo: {root}: catalogue-missing: …")
        ("manuscript-missing", "error"),  # preview: print(f"{manuscript}: manuscript-missing: …")
    ]:
        assert severity in ids.get(ident, set()), ident


def test_every_emitted_id_is_registered(emitted):
    templates = {e.id for e in emitted if "{}" in e.id}
    assert templates == set(TEMPLATES), "an f-string id: list the ids it makes in octavo.registry.TEMPLATES"
    for template, made in TEMPLATES.items():
        pattern = re.compile(re.escape(template).replace(r"\{\}", "[a-z0-9-]+") + r"\Z")
        assert all(pattern.match(ident) for ident in made), template
    unregistered = sorted(
        {f"{e.where}: {e.id}" for e in emitted if "{}" not in e.id and e.id not in REGISTRY}
    )
    unregistered += [f"TEMPLATES: {i}" for made in TEMPLATES.values() for i in made if i not in REGISTRY]
    assert not unregistered, "not in octavo/registry.py:\n" + "\n".join(unregistered)


def test_every_registered_id_is_emitted(emitted):
    dead = sorted(set(REGISTRY) - set(expanded(emitted)))
    assert not dead, f"registered but never emitted: {dead}"


def test_severities_agree(emitted):
    wrong = []
    for ident, severities in sorted(expanded(emitted).items()):
        if (entry := REGISTRY.get(ident)) is None:
            continue  # test_every_emitted_id_is_registered says so
        allowed = {"error", "warning"} if entry.severity == BOTH else {entry.severity}
        if not severities <= allowed or (entry.severity == BOTH and severities != allowed):
            wrong.append(f"{ident}: registered {entry.severity}, emitted {sorted(severities)}")
    assert not wrong, "\n".join(wrong)


def test_kinds_agree(emitted):
    """A rule is only a RuleResult's; a command's id is never a Diagnostic's (a diagnostic's id may
    also be printed by a command: ``preview`` refuses a missing folder with ``manuscript-missing``)."""
    wrong = []
    for e in emitted:
        made = TEMPLATES.get(e.id, ()) if "{}" in e.id else (e.id,)
        for entry in filter(None, map(REGISTRY.get, made)):
            if e.kind != entry.kind and not (entry.kind == "diagnostic" and e.kind == "command"):
                wrong.append(f"{e.where}: {entry.id} is registered as a {entry.kind}, emitted as a {e.kind}")
    assert not wrong, "\n".join(wrong)


def test_the_registry_is_well_formed():
    assert len(ENTRIES) == len(REGISTRY), "an id registered twice"
    for entry in ENTRIES:
        assert ID.match(entry.id), entry.id
        assert entry.severity in ("error", "warning", BOTH), entry.id
        assert entry.kind in ("diagnostic", "command", "rule"), entry.id
        assert entry.meaning and "\n" not in entry.meaning and "|" not in entry.meaning, entry.id
        assert entry.kind == "diagnostic" or entry.severity == "error", entry.id


#: A made-up id written each way octavo emits ids (a module of its own each).
WAYS_OF_EMITTING = [
    'def f(diags):\n    diags.error(path, 1, "made-up-id", "message")\n',
    'def f(diags):\n    diags.warning(path, 1, id="made-up-id", message="message")\n',
    'def f():\n    return Diagnostic("x.md", 0, "made-up-id", "message")\n',
    'def f(kind):\n    which = "made-up-id" if kind else "config-syntax"\n'
    '    return Diagnostic("x", 0, which, "m")\n',
    'PROBLEMS = [("warning", "made-up-id", "message")]\n',
    'def f(report):\n    report.add(path, 1, "made-up-id", "message")\n',
    'def f():\n    raise NewBookError("made-up-id", "message")\n',
    'def f():\n    return RuleResult("made-up-id", "expected", "found", False)\n',
    'def f(root):\n    print(f"octavo: {root}: made-up-id: message")\n',
    'def f():\n    print("octavo: made-up-id: message")\n',
    'def f(diags, key):\n    diags.error(path, 1, f"made-up-{key}", "message")\n',
    'def shout(diags, ident):\n    diags.error(path, 1, ident, "m")\n\n'
    'def g(diags):\n    shout(diags, "made-up-id")\n',
    'def check(pdf, rule="made-up-id"):\n    return RuleResult(rule, "expected", "found", True)\n',
    'def f(diags):\n    getattr(diags, "warning")(path, 1, "made-up-id", "m")\n',
    'def f(diags, severity):\n    getattr(diags, severity)(path, 1, "made-up-id", "m")\n',
]
#: Ids the walk cannot follow: each is a problem, which fails the test.
CANNOT_TELL = [
    "def f(diags, found):\n    for ident in found:\n        diags.error(path, 1, ident, 'm')\n",
    "def f(diags, table):\n    diags.error(path, 1, table['id'], 'm')\n",
    "def f(diags):\n    diags.error(path, 1, 'made-up-' + 'id', 'm')\n",
    "def f(diags, found):\n    for severity, ident in found:\n"
    "        getattr(diags, severity)(path, 1, ident, 'm')\n",
]
#: What looks like an id but is none.
NO_ID = (
    "def f(parser, seen, css):\n"
    "    parser.error('--port is not a port number')\n"  # argparse's error: one argument
    "    seen.add(1)\n"
    "    css.append('counter-reset: list-item 0')\n"
    "    print(f'octavo: internal error: {seen}')\n"
)


@pytest.fixture(scope="module")
def snippets() -> tuple[list[Emission], list[str]]:
    """The package walked with every snippet above, each its own module (``octavo/snippet-N.py``)."""
    every = [*WAYS_OF_EMITTING, *CANNOT_TELL, NO_ID]
    return emissions([*package(), *(Module(f"octavo/snippet-{i}.py", s) for i, s in enumerate(every))])


def _of(snippet: int, items: list) -> list:
    where = f"octavo/snippet-{snippet}.py:"
    return [i for i in items if (i.where if isinstance(i, Emission) else i).startswith(where)]


@pytest.mark.parametrize("snippet", range(len(WAYS_OF_EMITTING)))
def test_a_new_unregistered_id_fails(snippets, snippet: int):
    """The walk is strict: an id written any of the ways octavo emits ids is found, and is not registered."""
    found, problems = snippets
    assert not _of(snippet, problems)
    new = {e.id for e in _of(snippet, found)}
    assert new & {"made-up-id", "made-up-{}"}, WAYS_OF_EMITTING[snippet]
    assert "made-up-id" not in REGISTRY and "made-up-{}" not in TEMPLATES


@pytest.mark.parametrize("snippet", range(len(CANNOT_TELL)))
def test_an_id_the_walk_cannot_tell_fails(snippets, snippet: int):
    assert _of(len(WAYS_OF_EMITTING) + snippet, snippets[1]), CANNOT_TELL[snippet]


def test_what_is_no_id_is_not_taken_for_one(snippets):
    found, problems = snippets
    last = len(WAYS_OF_EMITTING) + len(CANNOT_TELL)
    assert not _of(last, found) and not _of(last, problems)


# -- the tests against the registry


def _strings(node: ast.FunctionDef) -> list[str]:
    """A test's string constants but its docstring and those a ``not in`` or ``!=`` tests for absence."""
    absent = {id(node.body[0].value)} if ast.get_docstring(node) is not None else set()
    absent |= {
        id(n)
        for compare in ast.walk(node)
        if isinstance(compare, ast.Compare)
        and any(isinstance(op, ast.NotIn | ast.NotEq) for op in compare.ops)
        for side in (compare.left, *compare.comparators)
        for n in ast.walk(side)
    }
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in absent
    ]


#: A registered id with a hyphen, as a word of a string; a preflight rule of one word is only
#: mentioned by a string that is that word (tests key rules by name).
_HYPHENATED = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(i) for i in sorted(REGISTRY, key=len, reverse=True) if "-" in i)
    + r")(?![\w-])"
)


def mentioned(strings: list[str]) -> set[str]:
    found = {s for s in strings if s in REGISTRY}
    for text in strings:
        found.update(_HYPHENATED.findall(text))
    return found


def triggering_tests() -> dict[str, list[str]]:
    """id -> the tests that assert it: a test function's strings (its parametrize cases too), or
    the messages a ``tests/bad`` case expects (``test_bad.py`` checks they are printed)."""
    found: dict[str, list[str]] = {}
    for path in sorted(TESTS.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            functions = [node] if isinstance(node, ast.FunctionDef) else []
            if isinstance(node, ast.ClassDef):
                functions = [n for n in node.body if isinstance(n, ast.FunctionDef)]
            for function in functions:
                if function.name.startswith("test"):
                    for ident in mentioned(_strings(function)):
                        found.setdefault(ident, []).append(f"{path.name}::{function.name}")
    for expect in sorted((TESTS / "bad").glob("*/expect.toml")):
        messages = tomllib.loads(expect.read_text(encoding="utf-8"))["messages"]
        for ident in mentioned(messages):
            found.setdefault(ident, []).append(f"test_bad.py::test_bad_manuscript[{expect.parent.name}]")
    return found


def test_every_registered_id_is_triggered_by_a_test():
    found = triggering_tests()
    untested = [ident for ident in REGISTRY if ident not in found]
    assert not untested, f"no test asserts these ids: {untested}"


# -- the README against the registry

BEGIN = "<!-- registry: written from octavo/registry.py by `python -m octavo.registry --markdown` -->\n"
END = "<!-- registry: end -->\n"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def readme_sections(text: str) -> dict[str, str]:
    """anchor -> the heading's text up to the next heading of any level."""
    sections: dict[str, str] = {}
    current = None
    for line in text.splitlines(keepends=True):
        if match := re.match(r"#{1,6} (.*)", line):
            current = _slug(match.group(1))
            sections[current] = ""
        elif current is not None:
            sections[current] += line
    return sections


def test_the_readme_table_is_the_registry(update_goldens: bool):
    text = README.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1, "the README lost its registry markers"
    head, rest = text.split(BEGIN)
    table, tail = rest.split(END)
    if update_goldens and table != "\n" + markdown():
        README.write_text(head + BEGIN + "\n" + markdown() + END + tail, encoding="utf-8")
        table = "\n" + markdown()
    assert table == "\n" + markdown(), "run: python -m pytest tests/test_registry.py --update-goldens"
    assert head.rsplit("\n### ", 1)[-1].startswith("Diagnostics\n"), "the table is not under ### Diagnostics"


def test_every_anchor_is_a_heading_that_names_its_id():
    sections = readme_sections(README.read_text(encoding="utf-8"))
    wrong = []
    for entry in ENTRIES:
        if entry.anchor not in sections:
            wrong.append(f"{entry.id}: no heading #{entry.anchor}")
        elif not _mentions_in_prose(sections[entry.anchor], entry.id):
            wrong.append(f"{entry.id}: #{entry.anchor} does not name it")
    assert not wrong, "\n".join(wrong)


def _mentions_in_prose(text: str, ident: str) -> bool:
    return re.search(rf"`[^`\n]*(?<![\w-]){re.escape(ident)}(?![\w-])[^`\n]*`", text) is not None


#: Where the README prints an id: ``**`id`**`` in Troubleshooting, ``file:line: id: …`` in
#: examples, the first column of the tables of diagnostics and of preflight rules.
README_IDS = [
    re.compile(r"\*\*`([a-z][a-z0-9-]*)`\*\*"),
    re.compile(r"^\S+?(?::\d+)?: (?:warning: )?([a-z][a-z0-9]*(?:-[a-z0-9]+)+): ", re.M),
    re.compile(r"^\| \[?`([a-z][a-z0-9-]*)`", re.M),
]


def test_the_readme_names_no_id_the_registry_lacks():
    text = README.read_text(encoding="utf-8")
    sections = readme_sections(text)
    shown = {}
    for anchor in ("diagnostics", "preflight", *_troubleshooting(sections)):
        for pattern in README_IDS:
            for ident in pattern.findall(sections[anchor]):
                shown.setdefault(ident, anchor)
    for ident in re.findall(r"^\S+?(?::\d+)?: (?:warning: )?([a-z][a-z0-9]*(?:-[a-z0-9]+)+): ", text, re.M):
        shown.setdefault(ident, "an example")
    unknown = sorted(f"{ident} (#{anchor})" for ident, anchor in shown.items() if ident not in REGISTRY)
    assert not unknown, f"the README names ids octavo does not have: {unknown}"
    assert {"config-syntax", "referee-failed", "page-size", "new-exists"} <= set(shown)


def _troubleshooting(sections: dict[str, str]) -> list[str]:
    names = list(sections)
    start = names.index("troubleshooting")
    return names[start : names.index("outputs")]


def test_the_ids_the_test_data_expects_are_registered():
    """The ids ``tests/bad`` cases and ``tests/corpora-refused.toml`` expect (the corpora's tests
    are skipped without the corpora, so a misspelt id there would go unseen)."""
    named = set()
    corpora = tomllib.loads((TESTS / "corpora-refused.toml").read_text(encoding="utf-8"))
    for entry in corpora.get("refused", []):
        named |= {(i, "corpora-refused.toml") for i in entry["ids"]}
    for entry in corpora.get("known", []):
        named |= {(i, "corpora-refused.toml") for i in entry.get("diagnostics", [])}
    for expect in sorted((TESTS / "bad").glob("*/expect.toml")):
        for message in tomllib.loads(expect.read_text(encoding="utf-8"))["messages"]:
            if match := re.search(r"(?:^|: )(?:warning: )?([a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?::|$)", message):
                named.add((match.group(1), f"tests/bad/{expect.parent.name}"))
    assert len(named) > 40
    unknown = sorted(f"{ident} ({where})" for ident, where in named if ident not in REGISTRY)
    assert not unknown, unknown
