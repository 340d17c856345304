"""The package's structure: no import cycle, a pure kinematics core, modules that say what they
hold and stay small (docs/architecture.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGE = REPO / "vidgait"
#: modules allowed over MAX_LINES, each with the reason
LONG_MODULES: dict[str, str] = {
    "live/processor.py": "one class, LiveProcessor, whose inference, analysis and recording "
                         "threads share one lock and one snapshot; its parts (config, pacing, "
                         "window, crops, snapshot) are already modules of their own",
}
MAX_LINES = 400
#: what the kinematics core may import besides the standard library
CORE_MAY_IMPORT = ("numpy", "scipy", "vidgait.kinematics", "vidgait.landmarks",
                   "vidgait.sequence", "vidgait.norms", "vidgait.errors", "vidgait.lens")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str, known: set[str] | None = None) -> set[str]:
    """Every module ``path`` imports, at module level or inside functions (relative resolved);
    ``from a import b`` names ``a.b`` too when that is a module.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join(head + ([node.module] if node.module else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names
                    if known is None or f"{base}.{a.name}" in known}
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: (_imports(p, m, known) & known) - {m} for m, p in mods.items()}


def test_no_import_cycle_anywhere_in_the_package():
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    """The check above can fail: a two-module loop and a package importing itself are found."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"p": {"p.m"}, "p.m": {"p"}}) == [["p", "p.m"]]


def test_the_kinematics_core_imports_nothing_above_it():
    import sys

    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for name, path in _modules().items():
        if not name.startswith("vidgait.kinematics"):
            continue
        for imp in _imports(path, name):
            top = imp.split(".")[0]
            assert top in stdlib or imp.startswith(CORE_MAY_IMPORT), f"{name} imports {imp}"


@pytest.mark.parametrize("name", sorted(_modules()))
def test_each_module_says_what_it_holds(name):
    path = _modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and len(doc) > 20, f"{path.relative_to(REPO)} opens without a docstring"


def test_modules_stay_small_or_say_why():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(long) <= set(LONG_MODULES), {k: v for k, v in long.items()
                                            if k not in LONG_MODULES}
    for mod, why in LONG_MODULES.items():
        assert mod in long, f"{mod} is no longer long: drop it from LONG_MODULES"
        assert len(why) > 30
