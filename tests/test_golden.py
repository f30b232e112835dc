"""Golden cases: the case format and its located errors, tolerance, the runner, --update, the CLI, the pytest plugin.

Also runs every shipped case file (examples/*/cases, specs/cases) and checks
that the seed's case pins what the published report states and that every
framework in specs/ has a case.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from conftest import column_of, line_of

import perfrules
from perfrules.cli import main
from perfrules.golden import (
    CASE_SUFFIX,
    CODES,
    Change,
    EditError,
    find_case_files,
    load_case_file,
    loads_case_file,
    run_case,
    run_case_file,
    run_paths,
    update_text,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "hunan-2024-general-office"
SEED_CASE = SEED / "cases" / "report-2024.case.toml"
SHIPPED = sorted(
    [
        *(ROOT / "examples").glob(f"*/cases/*{CASE_SUFFIX}"),
        *(ROOT / "specs" / "cases").glob(f"*{CASE_SUFFIX}"),
    ]
)

# a tiny spec extending no framework, inline in case files below
UNIT_SPEC = """
[spec.meta]
id = "u"
title = "测试"
unit = "测试单位"
year = 2024
kind = "项目支出"

[[spec.categories]]
id = "output"
name = "产出指标"
weight = 90

[spec.budget_execution]
weight = 10

[[spec.indicators]]
id = "a"
name = "指标甲"
category = "output"
weight = 60
target = "≥100件"

[[spec.indicators]]
id = "b"
name = "指标乙"
category = "output"
weight = 30
target = "≥10次"
"""
# a = 100 → 60; b = 14 → 30 with an overshoot warning (140% ≥ 130%); budget 94.48% → 9.45 (proportional)
UNIT_ACTUALS = """
[cases.actuals]
budget = { full_year = 32909.2, spent = 31092.65 }
indicators = { a = 100, b = 14 }
"""


def case_text(expect: str, *, head: str = "", extra: str = "") -> str:
    """A case file with the unit spec inline, one case with UNIT_ACTUALS and ``expect`` as [cases.expect]."""
    return (
        f'{head}{UNIT_SPEC}\n[[cases]]\nname = "c"\n{extra}{UNIT_ACTUALS}\n[cases.expect]\n{expect}'
    )


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def problems_of(text: str, tmp: Path) -> list[perfrules.Problem]:
    """Every problem of a case file: loading it, else running its cases."""
    path = write(tmp, f"t{CASE_SUFFIX}", text)
    try:
        cf = load_case_file(path)
    except perfrules.SpecError as err:
        return list(err.problems)
    return [p for r in run_case_file(cf) for p in r.problems]


# ---------------------------------------------------------------------------
# the format and its located errors


def test_a_case_with_inline_spec_and_actuals_passes(tmp_path: Path) -> None:
    text = case_text(
        'total = 99.45\ngrade = "优"\nbudget_execution = 9.45\nindicators = { a = 60, b = 30 }\n'
        'subtotals = { output = 90 }\nwarnings = { b = ["overshoot"] }\n'
    )
    [res] = run_case_file(load_case_file(write(tmp_path, "ok.case.toml", text)))
    assert res.status == "passed", res
    assert res.evaluation is not None and res.evaluation.total == Decimal("99.45")


def test_unknown_key_is_located_with_a_did_you_mean(tmp_path: Path) -> None:
    text = case_text("totl = 99\n")
    [p] = problems_of(text, tmp_path)
    assert p.code == "unknown-key" and p.suggestion == "total"
    assert (p.line, p.column) == (line_of(text, "totl"), 1)
    assert p.path == ("cases", 0, "expect", "totl")
    assert p.file is not None and p.file.endswith(CASE_SUFFIX)


def test_top_level_typo_lists_the_allowed_keys(tmp_path: Path) -> None:
    [p] = problems_of(case_text("total = 1\n", head="tolerence = 0.1\n"), tmp_path)
    assert p.code == "unknown-key" and p.suggestion == "tolerance" and p.line == 1
    assert "spec, actuals, tolerance, cases" in p.message


def test_wrong_types_are_located_each(tmp_path: Path) -> None:
    text = case_text(
        'grade = 1\nindicators = { a = "60" }\nwarnings = { b = "overshoot", a = ["x", 2] }\n'
    )
    got = {(p.path, p.line, p.column) for p in problems_of(text, tmp_path)}
    base = ("cases", 0, "expect")
    assert got == {
        ((*base, "grade"), line_of(text, "grade = 1"), 1),
        ((*base, "indicators", "a"), line_of(text, 'a = "60"'), column_of(text, 'a = "60"')),
        ((*base, "warnings", "b"), line_of(text, "warnings ="), column_of(text, 'b = "overshoot"')),
        ((*base, "warnings", "a", 1), line_of(text, "warnings ="), column_of(text, "2]")),
    }


def test_toml_syntax_error_is_located(tmp_path: Path) -> None:
    [p] = problems_of(case_text("total = = 1\n"), tmp_path)
    assert p.code == "toml-syntax" and p.line is not None


def test_unknown_ids_and_grades_are_located_with_did_you_mean(tmp_path: Path) -> None:
    text = case_text(
        'indicators = { aa = 1 }\nsubtotals = { outptu = 1 }\ngrade = "良好"\nwarnings = { bb = [] }\n'
    )
    ps = {p.code + ":" + str(p.path[-1]): p for p in problems_of(text, tmp_path)}
    assert set(ps) == {
        "unknown-indicator:aa",
        "unknown-category:outptu",
        "unknown-grade:grade",
        "unknown-indicator:bb",
    }
    assert ps["unknown-indicator:aa"].suggestion == "a"
    assert ps["unknown-category:outptu"].suggestion == "output"
    assert ps["unknown-grade:grade"].suggestion == "良"
    assert ps["unknown-category:outptu"].line == line_of(text, "outptu")
    assert "优、良、中、差" in ps["unknown-grade:grade"].message_zh


def test_no_budget_row_to_expect(tmp_path: Path) -> None:
    text = case_text("budget_execution = 9\n").replace("[spec.budget_execution]\nweight = 10\n", "")
    text = text.replace("weight = 90", "weight = 100").replace("weight = 30\n", "weight = 40\n")
    text = text.replace("budget = { full_year = 32909.2, spent = 31092.65 }\n", "")
    assert [p.code for p in problems_of(text, tmp_path)] == ["no-budget-execution"]


def test_nothing_expected_duplicate_names_negative_tolerance(tmp_path: Path) -> None:
    text = (
        case_text("total = 1\n", extra="tolerance = -1\n")
        + '\n[[cases]]\nname = "c"\nspec = "x"\nexpect = {}\n'
    )
    codes = sorted((p.code, p.line) for p in problems_of(text, tmp_path))
    assert codes == sorted(
        [
            ("invalid-value", line_of(text, "tolerance = -1")),
            ("case-duplicate", line_of(text, 'name = "c"', 2)),
            ("case-empty", line_of(text, "expect = {}")),
        ]
    )


def test_paths_are_relative_to_the_case_file_and_a_missing_one_is_located(tmp_path: Path) -> None:
    text = '[[cases]]\nname = "x"\nspec = "../no-such-folder"\nexpect = { total = 1 }\n'
    [p] = problems_of(text, tmp_path / "deep")
    assert p.code == "case-path" and p.line == 3 and p.path == ("cases", 0, "spec")
    assert "no-such-folder" in p.message


def test_spec_given_nowhere(tmp_path: Path) -> None:
    [p] = problems_of('[[cases]]\nname = "x"\nexpect = { total = 1 }\n', tmp_path)
    assert p.code == "missing-key" and "spec" in p.message


def test_problems_of_inline_actuals_are_located_in_the_case_file(tmp_path: Path) -> None:
    text = case_text("total = 1\n").replace(
        "indicators = { a = 100, b = 14 }", "indicators = { a = 100, bb = 14 }"
    )
    ps = problems_of(text, tmp_path)
    bad = [p for p in ps if p.path[-1] == "bb"]
    assert bad and bad[0].file is not None and bad[0].file.endswith(CASE_SUFFIX)
    assert bad[0].path == ("cases", 0, "actuals", "indicators", "bb")
    assert bad[0].line == line_of(text, "bb = 14") and bad[0].suggestion == "b"


def test_problems_of_an_inline_spec_are_located_in_the_case_file(tmp_path: Path) -> None:
    text = case_text("total = 1\n").replace('target = "≥10次"', 'target = "≥10次"\nwieght = 1')
    [p] = problems_of(text, tmp_path)
    assert p.code == "unknown-key" and p.suggestion == "weight"
    assert p.path == ("spec", "indicators", 1, "wieght") and p.line == line_of(text, "wieght")


def test_problems_in_the_named_spec_file_are_located_there(tmp_path: Path) -> None:
    spec = (
        (SEED / "spec.toml")
        .read_text(encoding="utf-8")
        .replace('target = "≥400期"', 'target = "≥400期"\nwieght = 3')
    )
    write(tmp_path, "u/spec.toml", spec)
    shutil.copy(SEED / "actuals.toml", tmp_path / "u" / "actuals.toml")
    shutil.copytree(ROOT / "specs", tmp_path / "specs", ignore=shutil.ignore_patterns("cases"))
    [p] = problems_of('[[cases]]\nname = "x"\nspec = "u"\nexpect = { total = 99 }\n', tmp_path)
    assert p.file is not None and p.file.endswith("spec.toml") and p.line == line_of(spec, "wieght")


# ---------------------------------------------------------------------------
# checking: tolerance, warnings


@pytest.mark.parametrize(
    ("tolerance", "status"),
    [
        ("", "failed"),
        ("tolerance = 0.04\n", "failed"),
        ("tolerance = 0.05\n", "passed"),
        ("tolerance = 1\n", "passed"),
    ],
)
def test_tolerance_is_inclusive_and_defaults_to_exact(
    tmp_path: Path, tolerance: str, status: str
) -> None:
    text = case_text(
        "total = 99.4\nbudget_execution = 9.4\n", extra=tolerance
    )  # actual 99.45 and 9.45
    [res] = run_case_file(load_case_file(write(tmp_path, "t.case.toml", text)))
    assert res.status == status
    assert res.tolerance == (Decimal(tolerance.split("=")[1]) if tolerance else 0)


def test_a_file_tolerance_is_the_default_and_a_case_overrides_it(tmp_path: Path) -> None:
    text = case_text("total = 99.4\n", head="tolerance = 0.1\n")
    assert run_case_file(load_case_file(write(tmp_path, "a.case.toml", text)))[0].status == "passed"
    text = case_text("total = 99.4\n", head="tolerance = 0.1\n", extra="tolerance = 0\n")
    assert run_case_file(load_case_file(write(tmp_path, "b.case.toml", text)))[0].status == "failed"


def test_the_grade_never_uses_the_tolerance(tmp_path: Path) -> None:
    text = case_text('grade = "良"\n', head="tolerance = 100\n")
    [res] = run_case_file(load_case_file(write(tmp_path, "t.case.toml", text)))
    assert res.status == "failed" and [m.kind for m in res.mismatches] == ["grade"]


def test_warnings_are_complete_when_given(tmp_path: Path) -> None:
    res = run_case_file(
        load_case_file(write(tmp_path, "a.case.toml", case_text("warnings = {}\n")))
    )[0]
    [m] = res.mismatches
    assert (m.kind, m.id, m.expected, m.actual) == ("warnings", "b", None, ("overshoot",))
    res = run_case_file(
        load_case_file(write(tmp_path, "b.case.toml", case_text("warnings = { a = [] }\n")))
    )[0]
    assert [m.id for m in res.mismatches] == ["b"]
    res = run_case_file(
        load_case_file(
            write(tmp_path, "c.case.toml", case_text('warnings = { b = ["overshoot"] }\n'))
        )
    )[0]
    assert res.passed


def test_run_case_is_pure_given_loaded_inputs(
    seed: tuple[perfrules.Spec, perfrules.Actuals],
) -> None:
    cf = loads_case_file(
        '[[cases]]\nname = "x"\nspec = "."\n[cases.expect]\ntotal = 98\nindicators = { portal_updates = 3 }\n',
        file="mem.case.toml",
    )
    res = run_case(cf, 0, *seed)
    assert res.status == "failed" and res.location == "mem.case.toml:1"
    [m] = res.mismatches
    assert (m.kind, m.expected_text, m.actual_text, m.delta_text, m.line) == (
        "total",
        "98",
        "99",
        "+1",
        5,
    )
    # only the total differs: the report explains the rows that lost points and the total
    assert [getattr(r, "id", "budget") for r in res.details] == ["budget"]
    assert res.total_steps and "99" in res.total_steps[0].zh


# ---------------------------------------------------------------------------
# finding case files


def test_only_case_files_are_found_and_hidden_folders_skipped(tmp_path: Path) -> None:
    write(tmp_path, "a/cases/x.case.toml", "")
    write(tmp_path, "a/spec.toml", "")
    write(tmp_path, "a/cases/notes.toml", "")
    write(tmp_path, ".hidden/y.case.toml", "")
    write(tmp_path, "b/z.case.toml", "")
    found = [
        p.relative_to(tmp_path).as_posix()
        for p in find_case_files([tmp_path, tmp_path / "b" / "z.case.toml"])
    ]
    assert found == ["a/cases/x.case.toml", "b/z.case.toml"]
    with pytest.raises(perfrules.SpecError) as err:
        find_case_files([tmp_path / "nope"])
    assert err.value.problems[0].code == "file"


# ---------------------------------------------------------------------------
# --update: rewriting in place


def _failed(text: str, tmp: Path) -> tuple[str, list[Change]]:
    path = write(tmp, "u.case.toml", text)
    results = run_case_file(load_case_file(path))
    new, changes = update_text(text, results, file=str(path))
    return new, list(changes)


def test_update_rewrites_only_the_values_that_differ(tmp_path: Path) -> None:
    text = case_text(
        'total = 99                     # the total\ngrade = "优"  # stays\n'
        "indicators = { a = 60, b = 29 }\n"
    )
    new, changes = _failed(text, tmp_path)
    assert len(changes) == 2
    changed = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            "total = 99                     # the total",
            "total = 99.45                  # the total",
        ),
        ("indicators = { a = 60, b = 29 }", "indicators = { a = 60, b = 30 }"),
    ]
    assert _failed(new, tmp_path)[1] == []  # idempotent: nothing left to re-record


def test_update_adds_a_new_warning_to_a_header_table_dotted_keys_and_inline_tables(
    tmp_path: Path,
) -> None:
    for written, expected in [
        (
            "[cases.expect.warnings]\na = []  # none\n",
            '[cases.expect.warnings]\na = []  # none\nb = ["overshoot"]\n',
        ),
        ("[cases.expect.warnings]\n", '[cases.expect.warnings]\nb = ["overshoot"]\n'),
        ("warnings.a = []\n", 'warnings.a = []\nwarnings.b = ["overshoot"]\n'),
        ("warnings = {}\n", 'warnings = { b = ["overshoot"] }\n'),
        ("warnings = { a = [] }\n", 'warnings = { a = [], b = ["overshoot"] }\n'),
    ]:
        text = case_text("total = 99.45\n" + written)
        new, changes = _failed(text, tmp_path)
        assert new == text.replace(written, expected), written
        assert run_case_file(loads_case_file(new, file=str(tmp_path / "u.case.toml")))[0].passed


def test_update_sets_vanished_warnings_to_an_empty_list(tmp_path: Path) -> None:
    text = case_text('warnings = { a = ["overshoot"], b = ["overshoot"] }\n')
    new, _ = _failed(text, tmp_path)
    assert 'warnings = { a = [], b = ["overshoot"] }' in new


def test_update_leaves_errors_and_other_cases_alone(tmp_path: Path) -> None:
    text = (
        case_text("total = 1\n")
        + '\n[[cases]]\nname = "d"\n'
        + UNIT_ACTUALS
        + '[cases.expect]\ngrade = "差"\n'
    )
    text += '\n[[cases]]\nname = "e"\n' + UNIT_ACTUALS + "[cases.expect]\nindicators = { zz = 1 }\n"
    new, changes = _failed(text, tmp_path)
    assert new == text.replace("total = 1\n", "total = 99.45\n").replace(
        'grade = "差"', 'grade = "优"'
    )
    assert [c.case for c in changes] == ["c", "d"]


def test_update_refuses_what_it_cannot_rewrite_in_place(tmp_path: Path) -> None:
    results = run_case_file(
        load_case_file(write(tmp_path, "u.case.toml", case_text("total = 1\n")))
    )
    with pytest.raises(EditError):
        update_text('[[cases]]\nname = "c"\n', results)  # the value to rewrite is not in this text


# ---------------------------------------------------------------------------
# the acceptance: breaking one rule in a copy of the seed


def _seed_copy(tmp: Path) -> Path:
    """tmp/specs (the frameworks) and tmp/examples/seed (spec, actuals, cases) — a copy that loads on its own."""
    shutil.copytree(ROOT / "specs", tmp / "specs", ignore=shutil.ignore_patterns("cases"))
    folder = tmp / "examples" / "seed"
    shutil.copytree(SEED, folder)
    return folder


def test_breaking_a_rule_fails_with_the_explanation_and_update_rerecords(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _seed_copy(tmp_path)
    assert main(["test", str(tmp_path / "examples")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 passed, 0 failed"

    spec = folder / "spec.toml"
    spec.write_text(
        spec.read_text(encoding="utf-8")
        + '\n[overrides.budget_execution]\npolicy = "proportional"\n',
        encoding="utf-8",
    )
    assert main(["test", str(tmp_path / "examples"), "--width", "200"]) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "预算执行率" in line and "9.45" in line)
    assert re.search(r"预算执行率\s+9\s+9\.45\s+\+0\.45", row), row
    assert re.search(r"总分\s+99\s+99\.45\s+\+0\.45", out)
    assert (
        "31092.65 ÷ 32909.2" in out and "proportional" in out and "9.448011 → 9.45" in out
    )  # its steps
    assert "0 passed, 1 failed" in out.splitlines()

    case = folder / "cases" / SEED_CASE.name
    before = case.read_text(encoding="utf-8")
    assert (
        main(["test", str(tmp_path / "examples"), "--update", "--lang", "en", "--width", "200"])
        == 0
    )
    out = capsys.readouterr().out
    assert "re-recorded 2 expected values" in out and "9 → 9.45" in out and "99 → 99.45" in out
    assert out.splitlines()[-1] == "1 passed, 0 failed"
    after = case.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert [b.split("#")[0].strip() for _, b in changed] == [
        "budget_execution = 9.45",
        "total = 99.45",
    ]
    assert main(["test", str(case)]) == 0


# ---------------------------------------------------------------------------
# the command line


def test_bad_case_file_exits_2_with_located_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "bad.case.toml", case_text("totl = 1\n"))
    write(tmp_path, "good.case.toml", case_text("total = 99.45\n"))
    assert main(["test", str(tmp_path), "--lang", "en", "--width", "400"]) == 2
    out = capsys.readouterr().out
    assert re.search(
        r"bad\.case\.toml:\d+:1: cases\[0\]\.expect\.totl: unknown key 'totl'.*did you mean 'total'",
        out,
    )
    assert "1 with bad input" in out and out.splitlines()[-1] == "1 passed, 0 failed"


def test_no_case_files_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(tmp_path)]) == 2
    assert "no case files" in capsys.readouterr().err
    assert main(["test", str(tmp_path / "nope")]) == 2


def test_quiet_lists_only_what_did_not_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "a.case.toml", case_text("total = 99.45\n"))
    write(tmp_path, "b.case.toml", case_text("total = 99\n"))
    assert main(["test", str(tmp_path), "-q"]) == 1
    out = capsys.readouterr().out
    assert (
        "a.case.toml" not in out
        and "b.case.toml" in out
        and out.splitlines()[-1] == "1 passed, 1 failed"
    )


# ---------------------------------------------------------------------------
# the pytest plugin


def _plugin_args() -> list[str]:
    registered = any(ep.value == "perfrules.pytest_plugin" for ep in entry_points(group="pytest11"))
    return [] if registered else ["-p", "perfrules.pytest_plugin"]


def test_pytest_collects_case_files_only_and_shows_the_report(tmp_path: Path) -> None:
    write(tmp_path, "cases/good.case.toml", case_text("total = 99.45\n"))
    write(tmp_path, "cases/bad.case.toml", case_text("budget_execution = 9\n"))
    write(tmp_path, "cases/broken.case.toml", case_text("totl = 1\n"))
    write(tmp_path, "cases/other.toml", "this = 'is not a case'\n")
    write(tmp_path, "spec.toml", "[meta]\n")
    write(tmp_path, "test_plain.py", "def test_ordinary():\n    assert True\n")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "COLUMNS": "200",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            *_plugin_args(),
            "-rA",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert re.search(r"2 failed, 2 passed", out), out
    assert "PASSED cases/good.case.toml::c" in out and "PASSED test_plain.py::test_ordinary" in out
    assert "FAILED cases/bad.case.toml::c" in out
    assert re.search(r"预算执行率\s+9\s+9\.45\s+\+0\.45", out) and "9.448011 → 9.45" in out
    assert "FAILED cases/broken.case.toml::<case file>" in out and re.search(
        r"broken\.case\.toml:\d+:1: cases\[0\]\.expect\.totl", out
    )
    assert "other.toml" not in out


# ---------------------------------------------------------------------------
# the shipped cases


@pytest.mark.parametrize("path", SHIPPED, ids=[p.relative_to(ROOT).as_posix() for p in SHIPPED])
def test_shipped_cases_pass(path: Path, request: pytest.FixtureRequest) -> None:
    if request.config.pluginmanager.hasplugin("perfrules") and {"examples", "specs"} <= set(
        request.config.getini("testpaths")
    ):
        pytest.skip("collected as items by the perfrules pytest plugin")
    results = run_case_file(load_case_file(path))
    bad = [r for r in results if not r.passed]
    assert not bad, "\n".join(
        f"{r.location} {r.name}: {r.status} {r.mismatches or r.problems}" for r in bad
    )


def test_perfrules_test_examples_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(ROOT / "examples"), "-q"]) == 0
    assert re.fullmatch(r"\d+ passed, 0 failed", capsys.readouterr().out.splitlines()[-1])


def test_the_seed_case_pins_the_published_report(seed_spec: perfrules.Spec) -> None:
    cf = load_case_file(SEED_CASE)
    expect = cf.cases[0].expect
    assert expect.total == 99 and expect.grade == "优" and expect.budget_execution == 9
    assert list(expect.indicators) == [i.id for i in seed_spec.indicators]
    assert set(expect.subtotals) == {c.id for c in seed_spec.categories}
    assert expect.warnings == {
        "counsellor_proposals": ("overshoot",),
        "volunteer_activities": ("overshoot",),
    }
    assert run_paths([SEED_CASE]).summary == "1 passed, 0 failed"


def test_every_framework_in_specs_has_a_golden_case() -> None:
    frameworks = {}
    for f in sorted((ROOT / "specs").glob("*.toml")):
        table = tomllib.loads(f.read_text(encoding="utf-8")).get("framework")
        if isinstance(table, dict):
            frameworks[table["id"]] = f
    assert frameworks, "no framework in specs/"
    covered = set()
    for path in SHIPPED:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for spec in [data.get("spec"), *(c.get("spec") for c in data.get("cases", []))]:
            if isinstance(spec, dict) and isinstance(spec.get("extends"), str):
                covered.add(spec["extends"])
    assert set(frameworks) <= covered, (
        f"frameworks without a golden case: {sorted(set(frameworks) - covered)}"
    )


# ---------------------------------------------------------------------------
# the documentation


DOC = ROOT / "docs" / "golden-cases.md"


def test_the_documented_example_runs_and_passes() -> None:
    blocks = [
        b
        for b in re.findall(r"^```toml\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)
        if b.startswith("# file: docs-example.case.toml")
    ]
    assert len(blocks) == 1
    cf = loads_case_file(blocks[0], file=str(ROOT / "docs" / "docs-example.case.toml"))
    results = run_case_file(cf)
    assert len(results) == 2 and all(r.passed for r in results), results


def test_every_problem_code_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    table = doc[doc.index("| code | meaning |") :]
    for code in [*CODES, "toml-syntax", "unknown-key", "missing-key", "invalid-value"]:
        assert f"`{code}`" in table, code
