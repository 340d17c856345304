"""Every public function and method in vidgait/ names each of its parameters in the
``Parameters`` section of its numpydoc docstring.

Public: a module-level function or a method of a public class whose name does not start with
``_``; a public class's ``__init__`` counts too, its parameters named in the class docstring or
its own. ``self`` and ``cls`` are not parameters to document; ``*args`` and ``**kwargs`` are.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vidgait"

#: a section header: a title line underlined with dashes
_SECTION = re.compile(r"^(\w[\w ]*)\n-+\n", re.MULTILINE)


def documented(doc: str | None) -> set[str]:
    """The names in the ``Parameters`` section of a (cleaned) numpydoc docstring.

    Parameters
    ----------
    doc : str or None
        The docstring as :func:`ast.get_docstring` returns it.

    Returns
    -------
    set of str
        The names, leading ``*`` removed; ``a, b : float`` names ``a`` and ``b``.
    """
    parts = _SECTION.split(doc or "")  # [before, title, body, title, body, ...]
    names: set[str] = set()
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        if title == "Parameters":
            for line in body.splitlines():
                if line and not line[0].isspace():  # a name line; descriptions are indented
                    head = line.split(" : ")[0].rstrip(" :")
                    names.update(n.strip().lstrip("*") for n in head.split(","))
    return names


def _parameters(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    a = fn.args
    named = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
    named += [p.arg for p in (a.vararg, a.kwarg) if p is not None]
    return [n for n in named if n not in ("self", "cls")]


def undocumented(source: str) -> list[str]:
    """``"name(parameter)"`` for each public parameter that its docstring does not name.

    Parameters
    ----------
    source : str
        The text of a Python module.

    Returns
    -------
    list of str
        ``Class.method(parameter)`` or ``function(parameter)``, in source order.
    """
    out: list[str] = []

    def visit(body: list[ast.stmt], prefix: str, class_doc: str | None) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                visit(node.body, f"{prefix}{node.name}.", ast.get_docstring(node))
            elif (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                  and (not node.name.startswith("_")
                       or (node.name == "__init__" and prefix))):
                names = documented(ast.get_docstring(node))
                if node.name == "__init__":
                    names |= documented(class_doc)
                out.extend(f"{prefix}{node.name}({p})" for p in _parameters(node)
                           if p not in names)

    visit(ast.parse(source).body, "", None)
    return out


def test_every_public_function_documents_its_parameters() -> None:
    missing = [f"{path.relative_to(PACKAGE.parent)}: {name}"
               for path in sorted(PACKAGE.rglob("*.py"))
               for name in undocumented(path.read_text(encoding="utf-8"))]
    assert not missing, "parameters missing from a numpydoc Parameters section:\n" + \
        "\n".join(missing)


def test_the_checker_reports_an_undocumented_parameter() -> None:
    source = '''
def speed(distance_m, duration_s, *samples, **options):
    """Walking speed.

    Parameters
    ----------
    distance_m, duration_s : float
        Distance walked (m) and the time it took (s).
    *samples : float
        Extra samples.

    Returns
    -------
    float
        m/s.
    """


def _private(x):
    """Not checked."""


class Walker:
    """A walker.

    Parameters
    ----------
    height_m : float
        Body height, m.
    """

    def __init__(self, height_m, mass_kg):
        self.height_m = height_m

    def step(self, n):
        """Take ``n`` steps."""
'''
    assert undocumented(source) == ["speed(options)", "Walker.__init__(mass_kg)",
                                    "Walker.step(n)"]
