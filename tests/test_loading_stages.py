"""The loader's public stages (perfrules.loading) and the deprecated ``perfrules.spec`` alias.

``read_toml`` / ``parse_toml_text`` → ``load_data`` is the whole loader: every
stage composed gives what ``load_spec`` gives, problems included, and each stage
can be used on its own (data built in Python, a framework resolved without a
unit spec). Expected lines are computed from the input texts, never copied
from perfrules' output.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from conftest import ROOT, SEED_DIR, line_of

import perfrules
import perfrules.loading as loading
from perfrules import Actuals, Spec, SpecError
from perfrules.loading import (
    load_data,
    parse_toml_text,
    read_text,
    read_toml,
    resolve_framework,
    structural_problems,
)
from perfrules.model import SourceMap

SPEC_TEXT = """\
[meta]
id = "u"
title = "单位自评"
unit = "某单位"
year = 2024
kind = "项目支出"

[budget_execution]
weight = 10
policy = "proportional"

[[categories]]
id = "c"
name = "产出指标"
weight = 90

[[indicators]]
id = "a"
name = "完成数量"
category = "c"
weight = 90
target = "≥10个"
"""

ACTUALS_TEXT = """\
[budget]
full_year = 100
spent = 90

[indicators]
a = 10
"""


# ---------------------------------------------------------------------------
# the API itself


def test_all_is_literal_and_every_name_resolves() -> None:
    tree = ast.parse(Path(loading.__file__).read_text(encoding="utf-8"))
    assigned = [
        n
        for n in tree.body
        if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)
    ]
    assert len(assigned) == 1 and isinstance(assigned[0].value, ast.List)
    names = [ast.literal_eval(e) for e in assigned[0].value.elts]
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(loading, name), name
    stages = {
        "read_toml",
        "read_text",
        "parse_toml_text",
        "load_data",
        "resolve_framework",
        "resolve_extends",
    }
    assert stages <= set(names)


def test_the_stages_compose_to_the_whole_loader(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(SPEC_TEXT, encoding="utf-8")
    (tmp_path / "actuals.toml").write_text(ACTUALS_TEXT, encoding="utf-8")
    data, source = read_toml(tmp_path / "spec.toml")
    assert source.file == str(tmp_path / "spec.toml")
    assert source.locate(("indicators", 0, "target")) == (line_of(SPEC_TEXT, 'target = "≥10个"'), 1)
    spec = load_data(data, source)
    assert spec == perfrules.load_spec(tmp_path) and spec.source is source
    actuals = load_data(*read_toml(tmp_path / "actuals.toml"), Actuals, spec=spec)
    assert actuals == perfrules.load_actuals(tmp_path, spec=spec)
    assert (
        perfrules.evaluate(spec, actuals).total
        == perfrules.evaluate(*perfrules.load_example(tmp_path)).total
    )


def test_the_stages_compose_for_the_seed_example_which_extends_a_framework() -> None:
    spec = load_data(*read_toml(SEED_DIR / "spec.toml"))
    assert spec == perfrules.load_spec(SEED_DIR)
    assert spec.framework is not None and spec.framework.id == "hunan-department"


def test_parse_toml_text_names_the_file_and_locates_lazily() -> None:
    data, source = parse_toml_text(SPEC_TEXT, file="unit.toml")
    assert data["meta"]["id"] == "u" and source.file == "unit.toml"
    assert source.locate(("budget_execution", "policy"))[0] == line_of(
        SPEC_TEXT, 'policy = "proportional"'
    )
    with pytest.raises(SpecError) as err:
        parse_toml_text("[meta]\nid = \n", file="bad.toml")
    assert [(p.code, p.file, p.line) for p in err.value.problems] == [
        ("toml-syntax", "bad.toml", 2)
    ]


def test_read_text_and_read_toml_locate_encoding_problems(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes('[meta]\ntitle = "单位"\n'.encode("gbk"))
    with pytest.raises(SpecError) as err:
        read_text(path)
    (p,) = err.value.problems
    assert (p.code, p.file, p.line) == ("encoding", str(path), 2) and "GBK" in p.message
    with pytest.raises(SpecError) as err:
        read_toml(path, "shown.toml")  # the display name is the one problems give
    assert [q.file for q in err.value.problems] == ["shown.toml"]


def test_load_data_raises_every_located_problem_at_once() -> None:
    text = SPEC_TEXT.replace("weight = 90\ntarget", "wieght = 90\ntarget").replace(
        'policy = "proportional"', 'policy = "proportionall"'
    )
    with pytest.raises(SpecError) as err:
        load_data(*parse_toml_text(text, file="u.toml"))
    found = {(p.code, p.line) for p in err.value.problems}
    assert ("unknown-key", line_of(text, "wieght = 90")) in found
    assert ("invalid-value", line_of(text, 'policy = "proportionall"')) in found
    assert all(p.file == "u.toml" for p in err.value.problems)


def test_load_data_without_a_source_map_and_its_kinds() -> None:
    data, _ = parse_toml_text(SPEC_TEXT)
    spec = load_data(data)  # data built in Python: no file, no positions
    assert isinstance(spec, Spec) and spec.source == SourceMap(file=None)
    actuals_data, _ = parse_toml_text(ACTUALS_TEXT.replace("a = 10", "zz = 10"))
    assert isinstance(load_data(actuals_data, None, Actuals), Actuals)  # unchecked without a spec
    with pytest.raises(SpecError) as err:
        load_data(actuals_data, None, Actuals, spec=spec)
    assert {p.code for p in err.value.problems} >= {"unknown-indicator"}
    with pytest.raises(TypeError):
        load_data(data, None, dict)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        load_data(data, None, Spec, spec=spec)  # type: ignore[call-overload]


def test_load_data_refuses_a_framework_file() -> None:
    with pytest.raises(SpecError) as err:
        load_data(*read_toml(ROOT / "specs" / "hunan-department.toml"))
    assert [p.code for p in err.value.problems] == ["framework-file"]


def test_structural_problems_are_located_and_empty_for_good_data() -> None:
    data, source = parse_toml_text(SPEC_TEXT, file="u.toml")
    assert structural_problems(data, source) == []
    data["meta"]["yaer"] = 2024
    (p,) = structural_problems(data, source)
    assert (p.code, p.suggestion, p.file) == ("unknown-key", "year", "u.toml")


def test_resolve_framework_flattens_a_framework_for_a_year(tmp_path: Path) -> None:
    data, info, problems = resolve_framework("hunan-department", {"year": 2024, "id": "x"})
    assert problems == [] and info is not None
    assert (info.id, info.version) == ("hunan-department", "2024–")
    assert data["meta"]["year"] == 2024 and data["meta"]["id"] == "x"
    assert data["budget_execution"]["policy"] == "round_whole"  # from the version in force
    cats = [(c["id"], c["weight"]) for c in data["categories"]]
    assert cats == [
        ("output", 50),
        ("benefit", 30),
        ("satisfaction", 10),
    ]  # specs/hunan-department.toml
    _, info, problems = resolve_framework("hunan-department", {"year": 2023})
    assert [p.code for p in problems] == ["no-version"]


def test_resolve_framework_looks_up_ids_from_start(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "local.toml").write_text(
        '[framework]\nid = "local"\ntitle = "本地框架"\n\n[meta]\nkind = "项目支出"\n',
        encoding="utf-8",
    )
    data, info, problems = resolve_framework("local", {}, start=tmp_path)
    assert (
        problems == []
        and info is not None
        and info.id == "local"
        and data["meta"] == {"kind": "项目支出"}
    )
    _, info, problems = resolve_framework("local", {})  # from the working directory: not found
    assert info is None and [p.code for p in problems] == ["extends"]


# ---------------------------------------------------------------------------
# perfrules.spec: the deprecated alias


def test_the_old_name_still_works_with_a_deprecation_warning() -> None:
    import perfrules.spec as old

    with pytest.warns(DeprecationWarning, match="perfrules.loading"):
        load_spec = old.load_spec
    assert load_spec is loading.load_spec
    with pytest.warns(DeprecationWarning, match="perfrules.loading"):
        from perfrules.spec import load_example
    assert load_example is loading.load_example
    assert set(old.__all__) == set(loading.__all__)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inspect.getmembers(old)  # tools that walk modules (pkgutil + inspect) are not warned
    with pytest.raises(AttributeError):
        old.not_a_name  # noqa: B018
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        importlib.reload(old)  # importing it does not warn; using a name does


def test_the_old_name_warns_in_a_fresh_interpreter_pointing_at_the_caller() -> None:
    code = (
        "import warnings\nwarnings.simplefilter('always')\nfrom perfrules.spec import load_spec\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert "<string>:3: DeprecationWarning: perfrules.spec is deprecated" in res.stderr
