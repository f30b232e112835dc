"""No import cycle between perfrules' modules, counting every import a module can run.

The graph has an edge from module A to module B when A's source can import B
at run time: an ``import`` or ``from … import`` statement anywhere in A — at
module level or inside a function or a method (a cycle hidden in a function
is still a cycle: it only waits for the call) —, an
``importlib.import_module("…")`` or ``__import__("…")`` of a literal name,
and a string literal that names a perfrules module exactly (the tables of
lazily imported names: ``perfrules/__init__.py``, ``perfrules.cli._main.COMMANDS``).
Only imports under ``if TYPE_CHECKING:`` are left out: they never run.
``from package import name`` is an edge to the submodule when ``name`` is
one, else to the package (its ``__init__``).
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from pathlib import Path

import perfrules

PKG = Path(perfrules.__file__).parent


def modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Every module of the package at ``root``: dotted name → (file, whether it is a package's ``__init__``).

    A compiled module (a C extension) counts by its stub, the ``.pyi`` file beside where it is built:
    an import of it is an edge to it, never to its package."""
    found: dict[str, tuple[Path, bool]] = {}
    stubs = [p for p in root.rglob("*.pyi") if not p.with_suffix(".py").exists()]
    for path in sorted([*root.rglob("*.py"), *stubs]):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _dynamic(node: ast.Call) -> str | None:
    """The literal module name of ``importlib.import_module("…")`` / ``__import__("…")``."""
    func = node.func
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id
        if isinstance(func, ast.Name)
        else None
    )
    if (
        name in ("import_module", "__import__")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        value = node.args[0].value
        return value if isinstance(value, str) else None
    return None


def _targets(tree: ast.AST, here: str, mods: Collection[str]) -> set[str]:
    """The modules of ``mods`` that the code in ``tree`` (a module of package ``here``) can import at run time."""
    found: set[str] = set()
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                todo.extend(child.orelse)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name in mods)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = here.split(".")
                    parts = parts[: len(parts) - child.level + 1]
                    base = ".".join([*parts, *([child.module] if child.module else [])])
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    if sub in mods:
                        found.add(sub)
                    elif base in mods:
                        found.add(base)
            elif (
                isinstance(child, ast.Call)
                and (target := _dynamic(child)) is not None
                and target in mods
            ):
                found.add(target)
            elif (
                isinstance(child, ast.Constant)
                and isinstance(child.value, str)
                and child.value in mods
            ):
                found.add(child.value)
            todo.append(child)
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module → the package's modules it can import at run time (see the module docstring)."""
    mods = modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = _targets(tree, name if is_package else name.rpartition(".")[0], mods) - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One cycle through the component's first module, for the failure message."""
    members = set(component)
    start = component[0]
    trail = [start]
    seen = {start}
    node = start
    while True:
        nxt = sorted(n for n in graph[node] if n in members)
        back = [n for n in nxt if n == start]
        if back and len(trail) > 1:
            return " → ".join([*trail, start])
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            return " → ".join([*trail, nxt[0]]) if nxt else " → ".join(trail)
        node = fresh[0]
        trail.append(node)
        seen.add(node)


def test_no_import_cycle_in_perfrules() -> None:
    graph = import_graph(PKG, "perfrules")
    assert len(graph) > 100 and "perfrules.batch._run" in graph
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(_path(graph, c) for c in found)


def test_the_graph_sees_function_level_and_dynamic_imports(tmp_path: Path) -> None:
    """The check is not vacuous: cycles hidden in functions, behind import_module or in a lazy table are found."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text('LAZY = {"thing": "pkg.lazy"}\n', encoding="utf-8")
    (pkg / "a.py").write_text("from pkg import b\n", encoding="utf-8")
    (pkg / "b.py").write_text(
        "def f():\n    from pkg.sub import c\n    return c\n", encoding="utf-8"
    )
    (pkg / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub" / "c.py").write_text(
        "import importlib\n\n\ndef g():\n    return importlib.import_module('pkg.a')\n",
        encoding="utf-8",
    )
    (pkg / "lazy.py").write_text("import pkg\n", encoding="utf-8")
    (pkg / "rel.py").write_text("from .sub import c\nfrom . import b\n", encoding="utf-8")
    (pkg / "typed.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg import a\n",
        encoding="utf-8",
    )
    graph = import_graph(pkg, "pkg")
    assert (
        graph["pkg.b"] == {"pkg.sub.c"}
        and graph["pkg.sub.c"] == {"pkg.a"}
        and graph["pkg.typed"] == set()
    )
    assert graph["pkg.rel"] == {"pkg.sub.c", "pkg.b"}
    assert sorted(cycles(graph)) == [["pkg", "pkg.lazy"], ["pkg.a", "pkg.b", "pkg.sub.c"]]
    assert _path(graph, ["pkg.a", "pkg.b", "pkg.sub.c"]) == "pkg.a → pkg.b → pkg.sub.c → pkg.a"
