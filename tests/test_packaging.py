"""What a user installs: the wheel carries the frameworks, the template, the schemas and the docs,
finds them outside the checkout, and nothing tracked names a path of one machine.

``.ci/run`` goes further: it installs the built wheel into a fresh virtual
environment and runs the command line from a folder outside the checkout,
and runs the unpacked sdist's own tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ("spec", "actuals", "framework", "case", "evaluation")


def _tracked_files() -> list[Path]:
    """The files git tracks (or, in an unpacked sdist, every file of the tree)."""
    if (ROOT / ".git").exists():
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        return [ROOT / name for name in out.decode("utf-8").split("\0") if name]
    skip = {".git", ".venv", ".ci-venv", "build", "dist", "__pycache__", ".hypothesis", "site"}
    return [
        p
        for p in ROOT.rglob("*")
        if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)
    ]


# An absolute path on a machine: a home or work folder, a Windows drive. "/tmp/…" in prose is allowed.
MACHINE_PATH = re.compile(r"(?<![\w.])(/work/|/root/|/home/\w|/Users/\w|/opt/|[A-Za-z]:\\\\?Users)")


def test_no_tracked_file_names_a_path_of_one_machine() -> None:
    found: list[str] = []
    for path in _tracked_files():
        if not path.exists() or path.suffix in (".xlsx", ".png", ".parquet"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.name == "test_packaging.py":
            continue  # the pattern itself
        for n, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:120]}")
    assert not found, "absolute paths of a machine in tracked files:\n" + "\n".join(found)


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "perfrules").rglob("__init__.py")
    }
    assert on_disk - listed == set(), "package folders missing from [tool.setuptools] packages"
    mapped = config["tool"]["setuptools"]["package-dir"]
    assert mapped == {"perfrules._specs": "specs", "perfrules._docs": "docs"}
    for package in listed - on_disk:  # the data packages, mapped from specs/ and docs/
        top, _, rest = package.removeprefix("perfrules.").partition(".")
        folder = ROOT / mapped[f"perfrules.{top}"] / rest.replace(".", "/")
        assert folder.is_dir(), package


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("setuptools", reason="building the wheel needs setuptools")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("perfrules-*.whl")
    return found


def test_the_wheel_carries_the_data_and_no_second_copy_drifts(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        shipped = {
            "perfrules/_specs/hunan-department.toml": ROOT / "specs" / "hunan-department.toml",
            "perfrules/_specs/national-department.toml": ROOT
            / "specs"
            / "national-department.toml",
            "perfrules/_specs/national-project.toml": ROOT / "specs" / "national-project.toml",
            "perfrules/_specs/templates/绩效自评表-空白.xlsx": ROOT
            / "specs"
            / "templates"
            / "绩效自评表-空白.xlsx",
            "perfrules/_docs/scoring.md": ROOT / "docs" / "scoring.md",
            "perfrules/py.typed": ROOT / "perfrules" / "py.typed",
        }
        shipped |= {
            f"perfrules/_specs/schemas/{n}.schema.json": ROOT
            / "specs"
            / "schemas"
            / f"{n}.schema.json"
            for n in SCHEMAS
        }
        shipped |= {
            f"perfrules/_specs/cases/{p.name}": p
            for p in (ROOT / "specs" / "cases").glob("*.case.toml")
        }
        for inside, source in shipped.items():
            assert inside in names, inside
            assert zf.read(inside) == source.read_bytes(), inside
        docs = {n for n in names if n.startswith("perfrules/_docs/") and n.endswith(".md")}
        assert docs == {f"perfrules/_docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
        assert not [n for n in names if n.startswith(("tests/", "examples/", "benchmarks/"))]
        # the batch path's C text kernels: their stub always, the compiled module wherever the wheel
        # was built with a C compiler and Python's headers (setuptools builds it, optional=true)
        assert "perfrules/batch/_ctext.pyi" in names
        headers = Path(sysconfig.get_paths()["include"], "Python.h").exists()
        built = headers and shutil.which(os.environ.get("CC", "cc")) is not None
        assert built == any(
            n.startswith("perfrules/batch/_ctext.") and n.endswith(".so") for n in names
        )
        entry_points = zf.read(
            next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        ).decode()
        assert "perfrules = perfrules.cli:run" in entry_points


def test_the_installed_wheel_finds_its_data_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    probe = """
import importlib.resources, json, sys
import perfrules, perfrules._resources as r
print(json.dumps({
    "perfrules": perfrules.__file__,
    "specs": str(r.specs_root()),
    "template": r.template_path().is_file(),
    "schemas": {n: json.loads(importlib.resources.files("perfrules._specs").joinpath(
        f"schemas/{n}.schema.json").read_text(encoding="utf-8")).get("title") for n in r.SCHEMA_NAMES},
    "docs": sorted(p.name for p in r.docs_root().glob("*.md"))[:3],
}))
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    res = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r})\n{probe}"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["perfrules"].startswith(str(site)) and got["specs"] == str(
        site / "perfrules" / "_specs"
    )
    assert got["template"] is True
    assert all(got["schemas"].values()), got["schemas"]
    assert got["docs"] == sorted(p.name for p in (ROOT / "docs").glob("*.md"))[:3]
