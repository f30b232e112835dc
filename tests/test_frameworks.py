"""Frameworks (specs/): ``extends``, explicit overrides, dated versions, located problems.

Expected lines are computed from the input texts (:func:`conftest.line_of`),
never copied from perfrules' output. The three frameworks of ``specs/`` are
each used by a small unit spec that evaluates; the seed example, which
extends the Hunan framework, must equal the flat spec it replaced
(``tests/data/hunan-2024-general-office-flat.toml``).
"""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, SEED_DIR, line_of, problem_codes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules import ExecutionPolicy, Kind, Problem, Spec, SpecError
from perfrules.core import spec_sha256
from perfrules.loading._extends import CODES

SPECS = ROOT / "specs"
FLAT_SEED = Path(__file__).parent / "data" / "hunan-2024-general-office-flat.toml"
DOC = ROOT / "docs" / "frameworks.md"

BASE = """\
# a small framework
[framework]
id = "base"
title = "基础框架"

[meta]
kind = "项目支出"
basis = "基础依据"

[budget_execution]
weight = 10
policy = "proportional"

[[categories]]
id = "output"
name = "产出指标"
weight = 90
"""

UNIT = """\
extends = "base"

[meta]
id = "u"
title = "单位自评"
unit = "某单位"
year = 2024

[[indicators]]
id = "a"
name = "指标A"
category = "output"
weight = 90
target = "≥10个"
"""

ACTUALS = """\
[budget]
full_year = 100
spent = 92.7

[indicators]
a = 10
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> Spec:
    return perfrules.load_spec(path)


def errors(path: Path) -> list[Problem]:
    with pytest.raises(SpecError) as info:
        perfrules.load_spec(path)
    return list(info.value.problems)


def one(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, f"expected one {code!r} among {[str(p) for p in problems]}"
    return found[0]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/specs/base.toml and tmp/units/u/spec.toml (extends = "base")."""
    write(tmp_path, "specs/base.toml", BASE)
    write(tmp_path, "units/u/spec.toml", UNIT)
    return tmp_path


# ---------------------------------------------------------------------------
# resolution


def test_extends_by_id_finds_the_nearest_specs_folder(tree: Path) -> None:
    spec = load(tree / "units/u/spec.toml")
    assert spec.meta.kind is Kind.PROJECT and spec.meta.basis == "基础依据"
    assert spec.budget_execution is not None and spec.budget_execution.weight == 10
    assert [c.id for c in spec.categories] == ["output"]
    assert spec.framework is not None
    assert (spec.framework.id, spec.framework.title) == ("base", "基础框架")
    assert spec.framework.file is not None and Path(spec.framework.file).resolve() == (
        tree / "specs/base.toml"
    )
    assert spec.framework.version is None
    ev = perfrules.evaluate(spec, perfrules.loads_actuals(ACTUALS, spec=spec))
    assert (ev.total, ev.grade) == (Decimal("99.27"), "优")


def test_a_nearer_specs_folder_wins(tree: Path) -> None:
    write(tree, "units/specs/near.toml", BASE.replace("基础依据", "较近的依据"))
    assert load(tree / "units/u/spec.toml").meta.basis == "较近的依据"


def test_extends_by_path_is_relative_to_the_spec_file(tree: Path) -> None:
    write(tree, "elsewhere/fw.toml", BASE.replace('id = "base"', 'id = "other"'))
    unit = write(
        tree,
        "units/v/spec.toml",
        UNIT.replace('extends = "base"', 'extends = "../../elsewhere/fw.toml"'),
    )
    spec = load(unit)
    assert spec.framework is not None and spec.framework.id == "other"


def test_text_without_a_file_resolves_from_the_working_directory(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    spec = perfrules.loads_spec(UNIT.replace('"base"', '"specs/base.toml"'))
    assert spec.framework is not None and spec.framework.file == "specs/base.toml"
    assert perfrules.loads_spec(UNIT).framework is not None  # by id: tree/specs


def test_unknown_id_suggests_a_known_one(tree: Path) -> None:
    unit = write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"bsae"'))
    p = one(errors(unit), "extends")
    assert (p.file, p.line, p.path) == (str(unit), 1, ("extends",))
    assert p.suggestion == "base"
    assert "bsae" in p.message and "bsae" in p.message_zh


def test_missing_framework_file_is_located_at_extends(tree: Path) -> None:
    unit = write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"../nowhere.toml"'))
    p = one(errors(unit), "extends")
    assert (p.file, p.line) == (str(unit), 1)
    assert "cannot read framework" in p.message and "nowhere.toml" in p.message


def test_a_file_without_framework_table_cannot_be_extended(tree: Path) -> None:
    write(tree, "plain.toml", '[meta]\nkind = "项目支出"\n')
    unit = write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"../../plain.toml"'))
    assert "not a framework" in one(errors(unit), "extends").message


def test_duplicate_framework_ids_in_one_folder(tree: Path) -> None:
    write(tree, "specs/copy.toml", BASE)
    p = one(errors(tree / "units/u/spec.toml"), "extends")
    assert "more than one file" in p.message and "copy.toml" in p.message


def test_non_string_extends(tree: Path) -> None:
    unit = write(tree, "units/u/spec.toml", UNIT.replace('extends = "base"', "extends = 3"))
    assert one(errors(unit), "invalid-value").path == ("extends",)


def test_syntax_error_in_a_framework_is_located_in_the_framework(tree: Path) -> None:
    fw = write(tree, "specs/base.toml", BASE.replace("weight = 90", "weight = = 90"))
    p = one(errors(tree / "units/u/spec.toml"), "toml-syntax")
    assert p.file is not None and Path(p.file).resolve() == fw
    assert p.line == line_of(BASE, "weight = 90")


def test_a_framework_is_not_a_spec() -> None:
    for name in ("national-project", "national-department", "hunan-department"):
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(SPECS / f"{name}.toml")
        (p,) = info.value.problems
        assert p.code == "framework-file"
        assert f'extends = "{name}"' in p.message and "框架" in p.message_zh
        assert p.line == line_of(
            (SPECS / f"{name}.toml").read_text(encoding="utf-8"), "[framework]"
        )


def test_the_cli_refuses_to_evaluate_a_framework(capsys: pytest.CaptureFixture[str]) -> None:
    from perfrules.cli import main

    assert main(["check", str(SPECS / "hunan-department.toml"), "--lang", "en"]) == 2
    assert "[framework-file]" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# chains and cycles

MID = """\
extends = "base"

[framework]
id = "mid"
title = "中间框架"

[overrides.meta]
basis = "中间依据"

[overrides.budget_execution]
policy = "round_whole"

[policy]
negative = "linear_overshoot"
"""


def test_chains_merge_every_level(tree: Path) -> None:
    mid = write(tree, "specs/mid.toml", MID)
    unit = write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"mid"'))
    spec = load(unit)
    assert spec.meta.basis == "中间依据"  # mid overrides base
    assert spec.meta.kind is Kind.PROJECT  # from base through mid
    assert (
        spec.budget_execution is not None
        and spec.budget_execution.policy is ExecutionPolicy.ROUND_WHOLE
    )
    assert spec.policy.negative is perfrules.NegativeRule.LINEAR_OVERSHOOT  # mid's own
    assert spec.framework is not None and spec.framework.id == "mid"
    assert spec.framework.file is not None and Path(spec.framework.file).resolve() == mid
    assert spec.framework.reason is not None and "parent framework 'base'" in spec.framework.reason
    assert "上级框架“base”" in spec.framework.reason


def test_a_chain_level_that_redefines_without_override_conflicts(tree: Path) -> None:
    mid = write(tree, "specs/mid.toml", MID.replace("[overrides.meta]", "[meta]"))
    unit = write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"mid"'))
    p = one(errors(unit), "override-conflict")
    assert p.file is not None and Path(p.file).resolve() == mid  # the conflict is in mid's file
    assert p.line == line_of(MID, "basis = ")


def test_cycle_is_an_error(tree: Path) -> None:
    a = write(tree, "specs/a.toml", 'extends = "b"\n[framework]\nid = "a"\ntitle = "A"\n')
    b = write(tree, "specs/b.toml", 'extends = "a"\n[framework]\nid = "b"\ntitle = "B"\n')
    unit = write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"a"'))
    p = one(errors(unit), "extends-cycle")
    assert p.file is not None and Path(p.file).resolve() == b  # b's extends closes the circle
    assert (p.line, p.path) == (1, ("extends",))
    assert "a.toml → " in p.message and p.message.endswith("a.toml")
    assert a.exists()


def test_a_framework_extending_itself_is_a_cycle(tree: Path) -> None:
    write(tree, "specs/self.toml", 'extends = "self.toml"\n[framework]\nid = "self"\ntitle = "S"\n')
    unit = write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"self"'))
    assert problem_codes(SpecError(errors(unit))) == ["extends-cycle"]


# ---------------------------------------------------------------------------
# conflicts, overrides, dangling overrides


def unit_with(tree: Path, extra: str, *, after: str = "year = 2024\n") -> tuple[Path, str]:
    text = UNIT.replace(after, after + extra)
    return write(tree, "units/u/spec.toml", text), text


def test_redefining_a_table_key_is_a_conflict_naming_both_files(tree: Path) -> None:
    unit, text = unit_with(tree, '\n[budget_execution]\npolicy = "round_whole"\n')
    p = one(errors(unit), "override-conflict")
    assert (p.file, p.line, p.path) == (
        str(unit),
        line_of(text, 'policy = "round_whole"'),
        ("budget_execution", "policy"),
    )
    fw_at = f"{tree / 'specs/base.toml'}:{line_of(BASE, 'policy = ')}:1"
    assert fw_at.split(str(tree))[1] in p.message  # the framework's file and line
    assert "[overrides.budget_execution]" in p.message
    assert "已由框架“base”定义" in p.message_zh


def test_redefining_a_category_with_the_same_id_is_a_conflict(tree: Path) -> None:
    text = UNIT.replace(
        "\n[[indicators]]",
        '\n[[categories]]\nid = "output"\nname = "产出"\nweight = 90\n\n[[indicators]]',
    )
    unit = write(tree, "units/u/spec.toml", text)
    p = one(errors(unit), "override-conflict")
    assert (p.file, p.line, p.path) == (
        str(unit),
        line_of(text, 'id = "output"'),
        ("categories", 0, "id"),
    )
    fw_line = line_of(BASE, 'id = "output"')
    assert f"base.toml:{fw_line}:1" in p.message


def test_redefining_a_whole_list_is_a_conflict(tree: Path) -> None:
    write(
        tree,
        "specs/base.toml",
        BASE + '\n[[grades]]\nname = "合格"\nmin = 60\n[[grades]]\nname = "不合格"\nmin = 0\n',
    )
    unit, text = unit_with(tree, '\n[[grades]]\nname = "优"\nmin = 0\n', after='target = "≥10个"\n')
    p = one(errors(unit), "override-conflict")
    assert (p.path, p.line) == (("grades",), line_of(text, "[[grades]]"))


def test_explicit_table_override_replaces_only_those_fields(tree: Path) -> None:
    unit, _ = unit_with(tree, '\n[overrides.budget_execution]\npolicy = "round_whole"\n')
    spec = load(unit)
    assert spec.budget_execution is not None
    assert (spec.budget_execution.policy, spec.budget_execution.weight) == (
        ExecutionPolicy.ROUND_WHOLE,
        10,
    )
    ev = perfrules.evaluate(spec, perfrules.loads_actuals(ACTUALS, spec=spec))
    assert ev.budget_execution is not None and ev.budget_execution.score == 9


def test_explicit_entry_override_replaces_only_those_fields(tree: Path) -> None:
    text = UNIT.replace("weight = 90\ntarget", "weight = 80\ntarget")
    text += '\n[[overrides.categories]]\nid = "output"\nweight = 80\n'
    unit = write(tree, "units/u/spec.toml", text)
    p = one(errors(unit), "total")  # 80 + 10 ≠ 100: the merged spec is validated as usual
    assert (p.file, p.line) == (str(unit), line_of(text, "[meta]"))
    write(tree, "units/u/spec.toml", text.replace("year = 2024\n", "year = 2024\ntotal = 90\n"))
    spec = load(unit)
    assert (spec.category("output").weight, spec.category("output").name) == (80, "产出指标")
    assert spec.meta.total == 90


def test_overriding_what_the_framework_does_not_define_is_dangling(tree: Path) -> None:
    unit, text = unit_with(
        tree,
        '\n[overrides.budget_execution]\nname = "执行率"\n'
        '\n[overrides.policy]\nnegative = "inverse_ratio"\n'
        '\n[[overrides.categories]]\nid = "outptu"\nweight = 80\n',
    )
    problems = errors(unit)
    dangling = [p for p in problems if p.code == "override-dangling"]
    assert [p.path for p in dangling] == [
        ("overrides", "budget_execution", "name"),
        ("overrides", "policy"),
        ("overrides", "categories", 0, "id"),
    ]
    assert [p.line for p in dangling] == [
        line_of(text, 'name = "执行率"'),
        line_of(text, "[overrides.policy]"),
        line_of(text, 'id = "outptu"'),
    ]
    assert dangling[2].suggestion == "output"
    assert all(p.file == str(unit) for p in dangling)
    assert "does not define budget_execution.name" in dangling[0].message


def test_overrides_without_extends_are_dangling(tmp_path: Path) -> None:
    text = UNIT.replace('extends = "base"\n', "") + '\n[overrides.meta]\nbasis = "x"\n'
    unit = write(tmp_path, "spec.toml", text)
    assert "override-dangling" in problem_codes(SpecError(errors(unit)))


def test_unknown_keys_inside_overrides(tree: Path) -> None:
    unit, text = unit_with(
        tree,
        '\n[overrides.budget_execution]\npolcy = "round_whole"\n'
        '\n[[overrides.categories]]\nid = "output"\nwieght = 80\n'
        '\n[overrides.polcy]\nnegative = "inverse_ratio"\n',
    )
    problems = [p for p in errors(unit) if p.code == "unknown-key"]
    assert {(p.path, p.suggestion) for p in problems} == {
        (("overrides", "budget_execution", "polcy"), "policy"),
        (("overrides", "categories", 0, "wieght"), "weight"),
        (("overrides", "polcy"), "policy"),
    }
    assert all(p.file == str(unit) and p.line for p in problems)


def test_an_entry_overridden_twice(tree: Path) -> None:
    unit, _ = unit_with(
        tree,
        '\n[[overrides.categories]]\nid = "output"\nname = "a"\n[[overrides.categories]]\nid = "output"\nname = "b"\n',
    )
    assert "overridden twice" in one(errors(unit), "override-conflict").message


def test_conflicts_come_with_every_structural_problem(tree: Path) -> None:
    unit, _ = unit_with(tree, '\n[budget_execution]\npolicy = "round_whole"\n')
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("weight = 90\ntarget", "wieght = 90\ntarget"),
        encoding="utf-8",
    )
    codes = problem_codes(SpecError(errors(unit)))
    assert "override-conflict" in codes and "unknown-key" in codes


def test_unknown_keys_in_a_framework_are_located_in_the_framework(tree: Path) -> None:
    fw_text = BASE.replace('policy = "proportional"', 'polcy = "proportional"')
    fw = write(tree, "specs/base.toml", fw_text)
    text = UNIT.replace("weight = 90\ntarget", "wieght = 90\ntarget")
    unit = write(tree, "units/u/spec.toml", text)
    problems = errors(unit)
    in_fw = [p for p in problems if p.file is not None and Path(p.file).resolve() == fw]
    in_unit = [p for p in problems if p.file == str(unit)]
    assert [(p.code, p.path, p.line, p.suggestion) for p in in_fw] == [
        ("unknown-key", ("budget_execution", "polcy"), line_of(fw_text, "polcy"), "policy")
    ]
    assert [(p.code, p.path, p.line) for p in in_unit] == [
        ("unknown-key", ("indicators", 0, "wieght"), line_of(text, "wieght"))
    ]


def test_a_wrong_value_in_a_framework_is_located_in_the_framework(tree: Path) -> None:
    fw_text = BASE.replace('policy = "proportional"', 'policy = "round_hole"')
    fw = write(tree, "specs/base.toml", fw_text)
    p = one(errors(tree / "units/u/spec.toml"), "invalid-value")
    assert p.file is not None and Path(p.file).resolve() == fw
    assert (p.path, p.line, p.suggestion) == (
        ("budget_execution", "policy"),
        line_of(fw_text, "round_hole"),
        "round_whole",
    )


def test_a_semantic_problem_of_an_inherited_value_is_reported_at_extends(tree: Path) -> None:
    """The framework is shared: the unit's 二级/三级 weights do not fit its 一级 weight."""
    text = UNIT.replace("weight = 90\ntarget", "weight = 85\ntarget")
    unit = write(tree, "units/u/spec.toml", text)
    problems = errors(unit)
    p = one(problems, "weight-sum")
    assert (p.file, p.line, p.path) == (str(unit), 1, ("extends",))
    assert "inherited from framework 'base' at " in p.message
    assert f"base.toml:{line_of(BASE, 'weight = 90')}:1" in p.message
    assert "继承自框架“base”" in p.message_zh
    assert all(q.file == str(unit) for q in problems)


def test_a_unit_problem_keeps_its_own_key_path_and_line(tree: Path) -> None:
    text = UNIT.replace('target = "≥10个"', 'target = "≥-5个"')
    unit = write(tree, "units/u/spec.toml", text)
    p = one(errors(unit), "target-value")
    assert (p.file, p.line, p.path) == (
        str(unit),
        line_of(text, "≥-5个"),
        ("indicators", 0, "target"),
    )


def test_versions_in_a_unit_are_unknown(tree: Path) -> None:
    unit, _ = unit_with(tree, "\n[[versions]]\nvalid = { from = 2024 }\n")
    assert "framework" in one(errors(unit), "unknown-key").message


# ---------------------------------------------------------------------------
# dated versions

VERSIONED = """\
[framework]
id = "dated"
title = "分期框架"

[meta]
kind = "项目支出"

[budget_execution]
weight = 10

[[categories]]
id = "output"
name = "产出指标"
weight = 90

[[versions]]
valid = { from = 2019, to = 2021 }
[versions.budget_execution]
name = "v2019"

[[versions]]
valid = { from = 2022, to = 2023 }
note = "second"
[versions.budget_execution]
name = "v2022"
policy = "round_whole"

[[versions]]
valid = { from = 2024 }
[versions.budget_execution]
name = "v2024"
policy = "round_whole"
"""


def dated_unit(tree: Path, year: int, framework: str = VERSIONED) -> Path:
    write(tree, "specs/dated.toml", framework)
    return write(
        tree, "units/u/spec.toml", UNIT.replace('"base"', '"dated"').replace("2024", str(year))
    )


@pytest.mark.parametrize(
    ("year", "name", "label"),
    [
        (2019, "v2019", "2019–2021"),
        (2021, "v2019", "2019–2021"),
        (2022, "v2022", "2022–2023"),
        (2023, "v2022", "2022–2023"),
        (2024, "v2024", "2024–"),
        (2031, "v2024", "2024–"),
    ],
)
def test_the_version_in_force_is_picked_at_the_boundaries(
    tree: Path, year: int, name: str, label: str
) -> None:
    spec = load(dated_unit(tree, year))
    assert spec.budget_execution is not None and spec.budget_execution.name == name
    assert spec.framework is not None and spec.framework.version == label
    assert spec.framework.reason is not None
    assert f"in force for {year} (version valid {label})" in spec.framework.reason
    assert f"{year}年度适用" in spec.framework.reason


def test_a_year_no_version_covers_is_an_error(tree: Path) -> None:
    unit = dated_unit(tree, 2018)
    p = one(errors(unit), "no-version")
    assert (p.file, p.line, p.path) == (str(unit), 1, ("extends",))
    assert "2018" in p.message and "2019–2021, 2022–2023, 2024–" in p.message
    assert "2018年度" in p.message_zh


def test_base_values_cover_years_of_the_framework_validity(tree: Path) -> None:
    fw = VERSIONED.replace('title = "分期框架"', 'title = "分期框架"\nvalid = { from = 2010 }')
    spec = load(dated_unit(tree, 2015, fw))
    assert (
        spec.budget_execution is not None and spec.budget_execution.name == "预算执行率"
    )  # base values only
    assert spec.framework is not None and spec.framework.version == "2010–"
    assert spec.framework.reason is not None and "no dated version applies" in spec.framework.reason
    assert "no-version" in problem_codes(SpecError(errors(dated_unit(tree, 2009, fw))))


def test_a_framework_without_versions_applies_to_every_year(tree: Path) -> None:
    spec = load(write(tree, "units/u/spec.toml", UNIT.replace("2024", "1999")))
    assert spec.framework is not None and spec.framework.version is None
    assert spec.framework.reason is not None and "applies to every year" in spec.framework.reason


def test_overlapping_periods_are_an_error_located_in_the_framework(tree: Path) -> None:
    fw = VERSIONED.replace(
        "valid = { from = 2022, to = 2023 }", "valid = { from = 2021, to = 2023 }"
    )
    problems = errors(dated_unit(tree, 2024, fw))
    p = one(problems, "version-overlap")
    assert p.file is not None and Path(p.file).resolve() == tree / "specs/dated.toml"
    assert (p.line, p.path) == (line_of(fw, "from = 2021, to = 2023"), ("versions", 1, "valid"))
    assert "2021–2023 overlaps" in p.message and "2019–2021" in p.message


def test_dates_count_for_their_budget_year(tree: Path) -> None:
    fw = VERSIONED.replace(
        "valid = { from = 2022, to = 2023 }", "valid = { from = 2022-01-01, to = 2023-06-30 }"
    )
    fw = fw.replace("valid = { from = 2024 }", "valid = { from = 2023-07-01 }")
    p = one(errors(dated_unit(tree, 2024, fw)), "version-overlap")
    assert "2023-07-01–" in p.message and "2022-01-01–2023-06-30" in p.message
    fw = fw.replace("from = 2023-07-01", "from = 2024-01-01")
    spec = load(dated_unit(tree, 2023, fw))
    assert spec.budget_execution is not None and spec.budget_execution.name == "v2022"
    assert spec.framework is not None and spec.framework.version == "2022-01-01–2023-06-30"


def test_a_period_ending_before_it_starts(tree: Path) -> None:
    fw = VERSIONED.replace(
        "valid = { from = 2019, to = 2021 }", "valid = { from = 2021, to = 2019 }"
    )
    assert one(errors(dated_unit(tree, 2024, fw)), "version-period").path == (
        "versions",
        0,
        "valid",
    )


def test_a_version_needs_a_valid_period(tree: Path) -> None:
    fw = VERSIONED.replace("valid = { from = 2019, to = 2021 }\n", "")
    p = one(errors(dated_unit(tree, 2024, fw)), "missing-key")
    assert p.path == ("versions", 0, "valid")


def test_problems_in_versions_not_in_force_are_reported(tree: Path) -> None:
    fw = VERSIONED.replace('name = "v2019"', 'name = "v2019"\npolcy = "round_whole"').replace(
        'name = "v2022"\npolicy = "round_whole"', 'name = "v2022"\npolicy = "round_hole"'
    )
    problems = errors(dated_unit(tree, 2024, fw))
    assert {(p.code, p.path, p.line, p.suggestion) for p in problems} == {
        (
            "unknown-key",
            ("versions", 0, "budget_execution", "polcy"),
            line_of(fw, "polcy"),
            "policy",
        ),
        (
            "invalid-value",
            ("versions", 1, "budget_execution", "policy"),
            line_of(fw, "round_hole"),
            "round_whole",
        ),
    }
    assert all(
        p.file is not None and Path(p.file).resolve() == tree / "specs/dated.toml" for p in problems
    )


def test_special_keys_are_not_allowed_in_a_version(tree: Path) -> None:
    fw = VERSIONED.replace(
        "[[versions]]\nvalid = { from = 2024 }",
        '[[versions]]\nvalid = { from = 2024 }\nextends = "x"',
    )
    assert one(errors(dated_unit(tree, 2024, fw)), "unknown-key").path == ("versions", 2, "extends")


# a version picked is the one in force: random non-overlapping periods, random years


@st.composite
def periods(draw: st.DrawFn) -> list[tuple[int | None, int | None]]:
    cuts = sorted(draw(st.sets(st.integers(1990, 2040), min_size=2, max_size=8)))
    out: list[tuple[int | None, int | None]] = []
    for lo, hi in zip(cuts[::2], cuts[1::2], strict=False):
        out.append((lo, draw(st.integers(lo, hi - 1)) if hi > lo else lo))
    if draw(st.booleans()):
        out[0] = (None, out[0][1])
    if draw(st.booleans()):
        out[-1] = (out[-1][0], None)
    return draw(st.permutations(out))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(periods(), st.integers(1985, 2045))
def test_property_the_version_picked_is_the_one_in_force(
    spans: list[tuple[int | None, int | None]], year: int
) -> None:
    blocks = []
    for i, (lo, hi) in enumerate(spans):
        bounds = ", ".join(
            b
            for b in (
                f"from = {lo}" if lo is not None else "",
                f"to = {hi}" if hi is not None else "",
            )
            if b
        )
        blocks.append(
            f'[[versions]]\nvalid = {{ {bounds} }}\n[versions.budget_execution]\nname = "v{i}"\n'
        )
    fw = BASE.replace('id = "base"', 'id = "dated"') + "\n" + "\n".join(blocks)
    in_force = [
        i
        for i, (lo, hi) in enumerate(spans)
        if (lo is None or lo <= year) and (hi is None or year <= hi)
    ]
    assert len(in_force) <= 1
    with tempfile.TemporaryDirectory() as tmp:
        unit = dated_unit(Path(tmp), year, fw)
        if in_force:
            spec = load(unit)
            assert (
                spec.budget_execution is not None
                and spec.budget_execution.name == f"v{in_force[0]}"
            )
        else:
            assert problem_codes(SpecError(errors(unit))) == ["no-version"]


# ---------------------------------------------------------------------------
# templates (inherited entries without a weight)


def test_a_template_category_enters_only_with_a_weight(tree: Path) -> None:
    fw = (
        BASE
        + '\n[[categories]]\nid = "output.quantity"\nname = "数量指标"\nparent = "output"\n'
        + '\n[[categories]]\nid = "output.quality"\nname = "质量指标"\nparent = "output"\n'
    )
    write(tree, "specs/base.toml", fw)
    text = UNIT.replace('category = "output"', 'category = "output.quantity"')
    unit = write(
        tree,
        "units/u/spec.toml",
        text + '\n[[overrides.categories]]\nid = "output.quantity"\nweight = 90\n',
    )
    spec = load(unit)
    assert [(c.id, c.name, c.weight) for c in spec.categories] == [
        ("output", "产出指标", 90),
        ("output.quantity", "数量指标", 90),
    ]
    unit = write(tree, "units/u/spec.toml", text)
    p = one(errors(unit), "framework-template")
    assert (p.file, p.line, p.path) == (
        str(unit),
        line_of(text, 'category = "output.quantity"'),
        ("indicators", 0, "category"),
    )


def test_an_unused_template_is_still_checked_for_unknown_keys(tree: Path) -> None:
    fw = BASE + '\n[[categories]]\nid = "output.quantity"\nnmae = "数量指标"\nparent = "output"\n'
    write(tree, "specs/base.toml", fw)
    p = one(errors(tree / "units/u/spec.toml"), "unknown-key")
    assert (p.path, p.line, p.suggestion) == (
        ("categories", 1, "nmae"),
        line_of(fw, "nmae"),
        "name",
    )
    assert p.file is not None and Path(p.file).resolve() == tree / "specs/base.toml"


def test_a_version_replaces_an_inherited_value(tree: Path) -> None:
    write(
        tree,
        "specs/mid.toml",
        MID + '\n[[versions]]\nvalid = { from = 2024 }\n[versions.meta]\nkind = "部门整体支出"\n',
    )
    unit = write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"mid"'))
    assert (
        load(unit).meta.kind is Kind.DEPARTMENT
    )  # base's 项目支出 replaced in 2024– without a conflict
    write(tree, "units/u/spec.toml", UNIT.replace('"base"', '"mid"').replace("2024", "2023"))
    assert problem_codes(SpecError(errors(unit))) == ["no-version"]


# ---------------------------------------------------------------------------
# the three frameworks of specs/, each used by a small unit spec


def evaluate_unit(tmp_path: Path, spec_text: str, actuals_text: str) -> perfrules.Evaluation:
    folder = (
        tmp_path / "unit"
    )  # outside the repository: ids resolve through the bundled specs/ folder
    write(folder, "spec.toml", spec_text)
    write(folder, "actuals.toml", actuals_text)
    return perfrules.evaluate(*perfrules.load_example(folder))


def test_national_project_framework(tmp_path: Path) -> None:
    spec_text = """\
extends = "national-project"

[meta]
id = "road-2024"
title = "2024年度某县农村公路养护项目支出绩效自评"
unit = "某县交通运输局"
year = 2024

[[overrides.categories]]
id = "output.quantity"
weight = 30
[[overrides.categories]]
id = "output.quality"
weight = 20
[[overrides.categories]]
id = "benefit.social"
weight = 30
[[overrides.categories]]
id = "satisfaction.service"
weight = 10

[[indicators]]
id = "km"
name = "养护里程"
category = "output.quantity"
weight = 30
target = "≥120公里"
[[indicators]]
id = "pass_rate"
name = "验收合格率"
category = "output.quality"
weight = 20
target = "≥95%"
[[indicators]]
id = "travel"
name = "群众出行条件改善"
category = "benefit.social"
weight = 30
target_text = "明显改善"
[[indicators]]
id = "satisfied"
name = "群众满意度"
category = "satisfaction.service"
weight = 10
target = "≥90%"
"""
    actuals_text = """\
[budget]
full_year = 500
spent = 463.5
[indicators]
km = 113
pass_rate = 100
travel = { tier = "达成" }
satisfied = 88.5
"""
    ev = evaluate_unit(tmp_path, spec_text, actuals_text)
    spec = perfrules.load_spec(tmp_path / "unit")
    assert spec.meta.kind is Kind.PROJECT and "财预〔2020〕10号" in spec.meta.basis
    assert [c.id for c in spec.categories] == [
        "output",
        "output.quantity",
        "output.quality",
        "benefit",
        "benefit.social",
        "satisfaction",
        "satisfaction.service",
    ]  # unused 附件1 templates are left out
    assert (
        spec.framework is not None
        and spec.framework.id == "national-project"
        and spec.framework.version == "2020–"
    )
    assert ev.budget_execution is not None and ev.budget_execution.score == Decimal(
        "9.27"
    )  # proportional
    # 113/120 × 30 = 28.25; 88.5/90 × 10 = 9.83
    assert ev.total == Decimal("28.25") + 20 + 30 + Decimal("9.83") + Decimal("9.27")
    assert ev.grade == "优"


def test_national_department_framework_leaves_weights_to_the_unit(tmp_path: Path) -> None:
    spec_text = """\
extends = "national-department"

[meta]
id = "dept-2024"
title = "2024年度某部门整体支出绩效自评"
unit = "某部门"
year = 2024

[budget_execution]
weight = 20

[[categories]]
id = "output"
name = "产出指标"
weight = 80

[[indicators]]
id = "done"
name = "重点工作完成率"
category = "output"
weight = 80
target = "≥100%"
"""
    ev = evaluate_unit(
        tmp_path, spec_text, "[budget]\nfull_year = 10\nspent = 7\n[indicators]\ndone = 100\n"
    )
    spec = perfrules.load_spec(tmp_path / "unit")
    assert spec.meta.kind is Kind.DEPARTMENT
    assert [g.min for g in spec.grades] == [90, 80, 60, 0]
    assert (ev.total, ev.grade) == (Decimal(94), "优")
    assert spec.framework is not None and spec.framework.version is None


def test_hunan_framework_with_a_small_unit(tmp_path: Path) -> None:
    cats = "\n".join(
        f'[[categories]]\nid = "{top}.x"\nname = "{name}"\nparent = "{top}"\nweight = {w}\n'
        for top, name, w in (
            ("output", "数量指标", 50),
            ("benefit", "社会效益指标", 30),
            ("satisfaction", "服务对象满意度指标", 10),
        )
    )
    inds = "\n".join(
        f'[[indicators]]\nid = "{top}_i"\nname = "指标{top}"\ncategory = "{top}.x"\nweight = {w}\ntarget = "≥1次"\n'
        for top, w in (("output", 50), ("benefit", 30), ("satisfaction", 10))
    )
    spec_text = f'extends = "hunan-department"\n[meta]\nid = "h"\ntitle = "t"\nunit = "某厅"\nyear = 2024\n{cats}\n{inds}'
    actuals = "[budget]\nfull_year = 100\nspent = 94.5\n[indicators]\noutput_i = 1\nbenefit_i = 1\nsatisfaction_i = 1\n"
    ev = evaluate_unit(tmp_path, spec_text, actuals)
    assert (
        ev.budget_execution is not None and ev.budget_execution.score == 9
    )  # round_whole: 9.45 → 9
    assert (ev.total, ev.grade) == (Decimal(99), "优")
    spec = perfrules.load_spec(tmp_path / "unit")
    assert spec.meta.kind is Kind.DEPARTMENT and "湘财绩〔2020〕7号" in spec.meta.basis
    assert spec.framework is not None and (spec.framework.id, spec.framework.version) == (
        "hunan-department",
        "2024–",
    )
    with pytest.raises(SpecError) as info:  # 2023: the rule before 2024 is not known
        perfrules.loads_spec(
            spec_text.replace("year = 2024", "year = 2023"),
            file=str(tmp_path / "unit" / "spec.toml"),
        )
    assert problem_codes(info.value) == ["no-version"]


# ---------------------------------------------------------------------------
# the seed example extends the Hunan framework and equals the flat spec it replaced


def test_seed_extends_the_hunan_framework(seed_spec: Spec, seed_spec_text: str) -> None:
    assert 'extends = "hunan-department"' in seed_spec_text
    assert "[budget_execution]" not in seed_spec_text and 'id = "output"\n' not in seed_spec_text
    fw = seed_spec.framework
    assert fw is not None and (fw.id, fw.version) == ("hunan-department", "2024–")
    assert fw.title == "湖南省省级部门整体支出绩效自评框架"
    assert fw.file is not None and Path(fw.file).resolve() == SPECS / "hunan-department.toml"
    assert (
        fw.reason is not None
        and fw.reason.startswith("2024年度适用")
        and "in force for 2024" in fw.reason
    )


def test_seed_equals_the_old_flat_spec(seed_spec: Spec) -> None:
    flat = perfrules.load_spec(FLAT_SEED)
    assert flat.framework is None
    assert seed_spec == flat
    assert spec_sha256(seed_spec) == spec_sha256(flat)


def test_seed_evaluates_as_before(seed: tuple[Spec, perfrules.Actuals]) -> None:
    spec, actuals = seed
    ev = perfrules.evaluate(spec, actuals)
    assert (ev.total, ev.grade) == (Decimal(99), "优")
    assert ev.budget_execution is not None and ev.budget_execution.score == 9
    assert all(r.score == r.weight for r in ev.indicators)
    assert len(ev.indicators) == 19
    flat = perfrules.load_spec(FLAT_SEED)
    new_doc = perfrules.to_document(ev)
    old_doc = perfrules.to_document(
        perfrules.evaluate(
            flat,
            perfrules.loads_actuals(
                (SEED_DIR / "actuals.toml").read_text(encoding="utf-8"), spec=flat
            ),
        )
    )
    for doc in (new_doc, old_doc):
        doc["spec"].pop("sha256")
        doc.pop("framework", None)
    assert new_doc == old_doc


def test_seed_dumps_flat_and_round_trips(seed_spec: Spec) -> None:
    text = perfrules.dumps_spec(seed_spec)
    assert "extends" not in text and "[framework]" not in text and "overrides" not in text
    assert text.startswith("# flattened from framework 'hunan-department'")
    again = perfrules.loads_spec(text)
    assert again == seed_spec and again.framework is None


# ---------------------------------------------------------------------------
# docs/frameworks.md: every code documented, every example message real


def test_every_framework_code_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    section = doc[doc.index("## Problem codes") : doc.index("### Example messages")]
    documented = set(re.findall(r"^\|\s*`([a-z][a-z-]*)`\s*\|", section, re.M))
    assert set(CODES) <= documented
    assert documented - set(CODES) <= {
        "unknown-key",
        "missing-key",
        "invalid-value",
        "toml-syntax",
        "file",
    }


# (seed text: old, new) → the code whose str(problem) docs/frameworks.md quotes verbatim
DOC_MUTATIONS = [
    ("extends", 'extends = "hunan-department"', 'extends = "hunan-departmnt"'),
    ("no-version", "year = 2024", "year = 2023"),
    (
        "override-conflict",
        "[overrides.meta]                 # the report's own wording of its basis\nbasis",
        '[budget_execution]\npolicy = "proportional"\n\n[overrides.meta]\nbasis',
    ),
    (
        "override-dangling",
        "[overrides.meta]",
        '[[overrides.categories]]\nid = "outptu"\nweight = 50\n\n[overrides.meta]',
    ),
    (
        "override-dangling",
        "[overrides.meta]",
        '[overrides.budget_execution]\nname = "执行率"\n\n[overrides.meta]',
    ),
    (
        "unknown-key",
        "[overrides.meta]",
        '[overrides.budget_execution]\npolcy = "proportional"\n\n[overrides.meta]',
    ),
    (
        "weight-sum",
        'id = "output.cost"\nname = "成本指标"\nparent = "output"\nweight = 10',
        'id = "output.cost"\nname = "成本指标"\nparent = "output"\nweight = 9',
    ),
]


@pytest.mark.parametrize(("code", "old", "new"), DOC_MUTATIONS)
def test_doc_example_messages_are_real(
    code: str, old: str, new: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    text = (SEED_DIR / "spec.toml").read_text(encoding="utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    with pytest.raises(SpecError) as info:
        perfrules.loads_spec(broken, file="examples/hunan-2024-general-office/spec.toml")
    first = next(p for p in info.value.problems if p.code == code)
    assert str(first) in DOC.read_text(encoding="utf-8"), str(first)


def test_doc_framework_file_message_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(SpecError) as info:
        perfrules.load_spec("specs/hunan-department.toml")
    assert str(info.value.problems[0]) in DOC.read_text(encoding="utf-8")


def test_framework_lookup_stops_at_the_repository_root(tmp_path: Path) -> None:
    from perfrules.loading._extends import framework_dirs

    (tmp_path / "specs").mkdir()  # a stray specs/ above the project
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "specs").mkdir()
    unit = repo / "units" / "a"
    unit.mkdir(parents=True)
    dirs = framework_dirs(unit)
    assert repo / "specs" in dirs
    assert tmp_path / "specs" not in dirs
