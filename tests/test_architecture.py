"""The layering the folder names promise: spec → model → core → render/cli."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import perfrules

PKG = Path(perfrules.__file__).parent

# what each layer may import from perfrules (besides itself and the base modules)
ALLOWED = {
    "model": set(),
    "core": {"model"},
    "spec": {"model", "core", "_resources"},  # _resources: where the shipped frameworks are
    "render": {"model", "core"},
    "lint": {"model", "core"},
    "golden": {"model", "core", "spec"},
    "whatif": {"model", "core", "spec"},
    "testing": {"model", "core", "spec"},
    "report": {"model", "core"},  # Markdown, HTML and the Chinese narrative: text from an Evaluation
    "interchange": {"model", "core", "spec", "_resources"},  # the 自评表 workbook in and out (openpyxl)
    "batch": {"model", "core", "spec"},  # long tables of many units, the exact vectorised path
    "schema": {"model", "spec", "golden", "_resources"},  # JSON Schemas of the TOML files, from the model
    "cli": {"model", "core", "spec", "render", "lint", "golden", "whatif", "report", "interchange", "batch",
            "schema", "_resources"},  # fmt: skip
}
# top-level modules that are layers of their own
MODULES = {"pytest_plugin": {"golden", "render"}}
# the pure modules of the golden and what-if packages (their I/O sits in the other modules)
PURE_MODULES = ["golden/_check.py", "golden/_edit.py", "golden/_model.py",
                "whatif/_compare.py", "whatif/_document.py", "whatif/_model.py"]  # fmt: skip
BASE = {"_errors", "_suggest", "_version", "_names", "_limits", "_lazy", "_atomic", "_xlsx_guard", "_safe_text"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("perfrules."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("perfrules."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_is_below_it(layer: str) -> None:
    for path in (PKG / layer).rglob("*.py"):
        bad = _imports(path) - ALLOWED[layer] - BASE - {layer}
        assert not bad, f"{path.relative_to(PKG)} imports {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_only_what_is_below_it(module: str) -> None:
    bad = _imports(PKG / f"{module}.py") - MODULES[module] - BASE
    assert not bad, f"{module}.py imports {sorted(bad)}"


@pytest.mark.parametrize("layer", ["core", "lint", *PURE_MODULES])
def test_pure_layers_do_no_io_and_no_printing(layer: str) -> None:
    forbidden = {"open", "print", "input", "eval", "exec"}
    paths = [PKG / layer] if layer.endswith(".py") else (PKG / layer).rglob("*.py")
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in forbidden, f"{path.name} calls {node.func.id}()"
            if isinstance(node, ast.Import | ast.ImportFrom):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for m in mods:
                    assert m.split(".")[0] not in {"os", "sys", "pathlib", "io", "rich", "tomllib"}, (
                        f"{path.name} imports {m}"
                    )


def test_no_eval_anywhere() -> None:
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile"}, f"{path.name} calls {node.func.id}()"


def test_public_all_is_literal_and_complete() -> None:
    tree = ast.parse((PKG / "__init__.py").read_text(encoding="utf-8"))
    assigned = [n for n in tree.body if isinstance(n, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)]  # fmt: skip
    assert len(assigned) == 1 and isinstance(assigned[0].value, ast.List)
    names = [ast.literal_eval(e) for e in assigned[0].value.elts]
    assert len(names) == len(set(names)), "duplicate names in __all__"
    for name in names:
        assert hasattr(perfrules, name), name


def _fresh(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PKG.parent)


HEAVY = ("perfrules.core", "perfrules.model", "perfrules.spec", "perfrules.render", "attr", "cattrs", "rich")


def test_import_perfrules_and_the_version_load_nothing_heavy() -> None:
    """``import perfrules`` and ``perfrules --version`` start fast: the core, attrs, cattrs and rich wait."""
    res = _fresh("import sys, perfrules, perfrules.cli\n"
                 "from perfrules.cli._parser import build_parser\n"
                 "build_parser()\n"
                 f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))")  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"
    res = _fresh("import sys, perfrules\nperfrules.evaluate\nprint('perfrules.core' in sys.modules)")
    assert res.stdout.strip() == "True", res.stderr  # and the names still resolve on first use


def test_the_pytest_plugin_loads_nothing_heavy_without_cases(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text(
        "import sys\n\n\ndef test_plain():\n"
        f"    heavy = sorted(m for m in sys.modules if m.startswith({HEAVY[:5]!r}))\n"
        "    assert 'perfrules.pytest_plugin' in sys.modules and heavy == [], heavy\n",
        encoding="utf-8",
    )
    import importlib.metadata

    registered = any(ep.value == "perfrules.pytest_plugin" for ep in importlib.metadata.entry_points(group="pytest11"))
    plugin = [] if registered else ["-p", "perfrules.pytest_plugin"]
    env = dict(os.environ, PYTHONPATH=str(PKG.parent))
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin, str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path, env=env)  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
