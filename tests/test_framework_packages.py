"""Framework discovery: local specs/, installed framework packages (entry points), the shipped frameworks.

A real framework package is built as a wheel during the test (setuptools,
no network), installed with pip into a folder and put on ``PYTHONPATH`` of a
``perfrules`` process that runs in a folder outside the checkout: the route
a province's ``perfrules-<province>`` package takes.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import perfrules
from perfrules.loading._discovery import ENTRY_POINT_GROUP, entry_points

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "hunan-2024-general-office"

FRAMEWORK = """\
extends = "national-department"

[framework]
id = "testprov-department"
title = "测试省省级部门整体支出绩效自评框架"

[[categories]]
id = "output"
name = "产出指标"
weight = 60

[[categories]]
id = "satisfaction"
name = "满意度指标"
weight = 40
"""

UNIT = """\
extends = "testprov-department"

[meta]
id = "testprov-unit"
title = "测试单位2025年度部门整体支出绩效自评"
unit = "测试单位"
year = 2025

[[indicators]]
id = "reports"
name = "报送信息期数"
category = "output"
weight = 60
target = "≥10期"

[[indicators]]
id = "satisfied"
name = "服务对象满意度"
category = "satisfaction"
weight = 40
target = "≥90%"
"""

ACTUALS = """\
[indicators]
reports = 8
satisfied = 95
"""


def _pip(*args: str, cwd: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the built-and-installed package ``perfrules-testprov`` (entry point ``testprov``)
    and a broken one whose entry point names a package that does not exist."""
    pytest.importorskip("setuptools", reason="building the test framework package needs setuptools")
    base = tmp_path_factory.mktemp("framework-package")
    src = base / "src"
    pkg = src / "perfrules_testprov"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        '"""Frameworks of 测试省 for perfrules."""\n', encoding="utf-8"
    )
    (pkg / "testprov-department.toml").write_text(FRAMEWORK, encoding="utf-8")
    (src / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "perfrules-testprov"
        version = "1.0"

        [project.entry-points."{ENTRY_POINT_GROUP}"]
        testprov = "perfrules_testprov"

        [tool.setuptools]
        packages = ["perfrules_testprov"]

        [tool.setuptools.package-data]
        perfrules_testprov = ["*.toml"]
        """),
        encoding="utf-8",
    )
    broken = base / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "perfrules-broken"
        version = "0.1"

        [project.entry-points."{ENTRY_POINT_GROUP}"]
        broken = "perfrules_no_such_package"

        [tool.setuptools]
        packages = []
        """),
        encoding="utf-8",
    )
    dist = base / "dist"
    for project in (src, broken):
        _pip(
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(project),
            cwd=base,
        )
    target = base / "site"
    _pip(
        "install",
        "--no-deps",
        "--no-index",
        "--target",
        str(target),
        *map(str, sorted(dist.glob("*.whl"))),
        cwd=base,
    )
    return target


def _perfrules(args: list[str], cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # perfrules itself from wherever this test imports it, the framework packages from ``site``
    perfrules_root = str(Path(perfrules.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([str(site), perfrules_root])
    return subprocess.run(
        [sys.executable, "-m", "perfrules", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    folder = tmp_path / "work" / "unit"
    folder.mkdir(parents=True)
    (folder / "spec.toml").write_text(UNIT, encoding="utf-8")
    (folder / "actuals.toml").write_text(ACTUALS, encoding="utf-8")
    return folder


def test_a_unit_extends_a_framework_from_an_installed_package(site: Path, unit: Path) -> None:
    res = _perfrules(["evaluate", "unit", "--format", "json"], unit.parent, site)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["framework"]["id"] == "testprov-department"
    assert doc["framework"]["file"] == "<perfrules-testprov>/testprov-department.toml"
    assert doc["total"] == "88" and doc["grade"] == "良"  # reports 8/10 × 60 = 48, satisfied 40


def test_frameworks_lists_every_place_in_order(site: Path, unit: Path) -> None:
    res = _perfrules(["frameworks", "--from", "unit", "--format", "json"], unit.parent, site)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    rows = [(f["id"], f["origin"], f["source"]) for f in doc["frameworks"]]
    assert rows[0] == ("testprov-department", "package", "perfrules-testprov 1.0 [testprov]")
    shipped = [r for r in rows if r[1] == "shipped"]
    assert {r[0] for r in shipped} == {
        "national-project",
        "national-department",
        "hunan-department",
    }
    assert rows.index(rows[0]) < rows.index(shipped[0])  # packages before the shipped frameworks
    assert doc["broken_packages"] == [
        {
            "source": "perfrules-broken 0.1 [broken]",
            "error": "ModuleNotFoundError: 'perfrules_no_such_package' is not an installed package",
        }
    ]
    table = _perfrules(["frameworks", "--from", "unit"], unit.parent, site)
    assert (
        table.returncode == 0
        and "perfrules-testprov 1.0" in table.stdout
        and "perfrules-broken" in table.stdout
    )


def test_a_local_specs_folder_overrides_an_installed_framework(site: Path, unit: Path) -> None:
    local = unit.parent / "specs"
    local.mkdir()
    (local / "mine.toml").write_text(
        FRAMEWORK.replace("测试省省级", "本地覆盖的测试省"), encoding="utf-8"
    )
    res = _perfrules(["evaluate", "unit", "--format", "json"], unit.parent, site)
    assert res.returncode == 0, res.stderr
    assert (
        json.loads(res.stdout)["framework"]["title"] == "本地覆盖的测试省部门整体支出绩效自评框架"
    )
    listed = json.loads(
        _perfrules(["frameworks", "--from", "unit", "--format", "json"], unit.parent, site).stdout
    )
    ours = [f for f in listed["frameworks"] if f["id"] == "testprov-department"]
    assert [(f["origin"], f["used"]) for f in ours] == [("local", True), ("package", False)]


def test_a_missing_framework_lists_every_place_searched(site: Path, unit: Path) -> None:
    (unit / "spec.toml").write_text(
        UNIT.replace('"testprov-department"', '"testprov-departmnt"'), encoding="utf-8"
    )
    res = _perfrules(["check", "unit"], unit.parent, site)
    assert res.returncode == 2
    err = " ".join(res.stderr.split())
    assert "找不到编号为“testprov-departmnt”的框架" in err
    assert "单位上方的 specs/ 文件夹：无" in err
    assert (
        "perfrules-testprov 1.0 [testprov]" in err
        and "perfrules-broken 0.1 [broken]（无法加载" in err
    )
    assert "perfrules 自带的框架：<perfrules>" in err
    assert "是否应为 “testprov-department”" in err
    en = _perfrules(["check", "unit", "--lang", "en"], unit.parent, site)
    text = " ".join(en.stderr.split())
    assert (
        "no framework with id 'testprov-departmnt'" in text
        and "did you mean 'testprov-department'?" in text
    )
    assert not any(
        "\u4e00" <= ch <= "\u9fff" for ch in text.split("spec.toml:", 1)[1].split("[extends]")[0]
    ), text


def test_the_shipped_frameworks_need_no_checkout(tmp_path: Path) -> None:
    unit = tmp_path / "unit"
    unit.mkdir()
    for name in ("spec.toml", "actuals.toml"):
        (unit / name).write_text((SEED / name).read_text(encoding="utf-8"), encoding="utf-8")
    spec = perfrules.load_spec(unit)
    assert spec.framework is not None and spec.framework.file == "<perfrules>/hunan-department.toml"
    ev = perfrules.evaluate(spec, perfrules.load_actuals(unit / "actuals.toml", spec=spec))
    assert (str(ev.total), ev.grade) == ("99.00", "优")


def test_our_entry_point_scan_agrees_with_importlib_metadata() -> None:
    for group in ("console_scripts", "pytest11"):
        ours = sorted((ep.name, ep.value) for ep in entry_points(group))
        theirs = sorted(
            {(ep.name, ep.value) for ep in importlib.metadata.entry_points(group=group)}
        )
        assert ours == theirs, group
