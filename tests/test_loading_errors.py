"""Loading specs and actuals: every mistake becomes a located Problem inside one SpecError.

Expected lines and columns are computed from the input text itself
(:func:`conftest.line_of`), never copied from perfrules' output.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import types
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import column_of, line_of, problem_codes

import perfrules
from perfrules import Problem, Spec, SpecError
from perfrules.golden import load_case_file

SPEC = """\
[meta]
id = "demo"
title = "测试项目"
unit = "测试单位"
year = 2024
kind = "项目支出"

[budget_execution]
weight = 10

[[categories]]
id = "output"
name = "产出指标"
weight = 60

[[categories]]
id = "benefit"
name = "效益指标"
weight = 30

[[indicators]]
id = "issues"
name = "期数"
category = "output"
weight = 20
target = "≥400期"

[[indicators]]
id = "cost_rate"
name = "成本控制率"
category = "output"
weight = 20
target = "≤100%"
derive = { numerator = "cost_spent", denominator = "cost_budget" }

[[indicators]]
id = "timeliness"
name = "时效"
category = "output"
weight = 20
target_text = "按时完成"

[[indicators]]
id = "satisfaction"
name = "满意度"
category = "benefit"
weight = 30
target = "≥90%"
"""

ACTUALS = """\
spec = "demo"
year = 2024

[budget]
full_year = 100
spent = 95

[amounts]
cost_budget = 100
cost_spent = 90

[indicators]
issues = 408
timeliness = { tier = "达成年度指标" }
satisfaction = { value = 95, text = "95%" }
"""


def load_spec_err(text: str) -> SpecError:
    with pytest.raises(SpecError) as err:
        perfrules.loads_spec(text, file="spec.toml")
    return err.value


def load_actuals_err(text: str, spec: Spec | None = None) -> SpecError:
    spec = spec or perfrules.loads_spec(SPEC, file="spec.toml")
    with pytest.raises(SpecError) as err:
        perfrules.loads_actuals(text, file="actuals.toml", spec=spec)
    return err.value


def only(err: SpecError, code: str) -> Problem:
    found = [p for p in err.problems if p.code == code]
    assert len(found) == 1, err
    return found[0]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_base_texts_are_valid() -> None:
    spec = perfrules.loads_spec(SPEC, file="spec.toml")
    actuals = perfrules.loads_actuals(ACTUALS, file="actuals.toml", spec=spec)
    ev = perfrules.evaluate(spec, actuals)
    # 95% budget execution → 9.5; 90% cost rate ≤ 100% met; others met
    assert ev.total == Decimal("99.5")


# ---------------------------------------------------------------------------
# structural problems (keys and types)


def test_misspelled_key_is_located_with_suggestion() -> None:
    text = replace_once(SPEC, 'weight = 20\ntarget = "≥400期"', '  wieght = 20\ntarget = "≥400期"')
    err = load_spec_err(text)
    p = only(err, "unknown-key")
    assert p.path == ("indicators", 0, "wieght")
    assert p.suggestion == "weight"
    assert (p.file, p.line, p.column) == ("spec.toml", line_of(text, "wieght"), 3)
    assert p.location == f"spec.toml:{p.line}:3"
    assert "weight" in p.text("en") and "是否应为 “weight”" in p.text("zh")
    # one typo, one problem: the required key it replaces is not reported missing as well
    assert "missing-key" not in problem_codes(err)


def test_a_typo_does_not_hide_semantic_problems() -> None:
    # misspelt required key + a wrong category elsewhere: both are reported in one go,
    # the semantic checks reading the misspelt key as its did-you-mean
    text = replace_once(SPEC, 'weight = 20\ntarget = "≥400期"', 'wieght = 20\ntarget = "≥400期"')
    text = replace_once(text, 'category = "benefit"', 'category = "benefti"')
    err = load_spec_err(text)
    assert sorted(problem_codes(err)) == ["empty-category", "unknown-category", "unknown-key"]
    assert only(err, "unknown-category").suggestion == "benefit"


def test_misspelled_optional_key_is_the_only_problem() -> None:
    text = replace_once(SPEC, "target_text =", "target_txt =")
    err = load_spec_err(text)
    assert problem_codes(err) == ["unknown-key"]
    p = err.problems[0]
    assert p.suggestion == "target_text"
    assert p.line == line_of(text, "target_txt")


def test_all_structural_problems_are_reported_at_once() -> None:
    text = replace_once(SPEC, "target_text =", "target_txt =")
    text = replace_once(text, 'weight = 30\ntarget = "≥90%"', 'weight = "30"\ntarget = "≥90%"')
    text = replace_once(text, 'target = "≥400期"', 'target = "≥ abc"')
    err = load_spec_err(text)
    assert len(err.problems) == 3
    got = sorted((p.line, p.code, p.path) for p in err.problems)
    assert got == sorted(
        [
            (line_of(text, "target_txt"), "unknown-key", ("indicators", 2, "target_txt")),
            (line_of(text, 'weight = "30"'), "invalid-value", ("indicators", 3, "weight")),
            (line_of(text, "≥ abc"), "invalid-value", ("indicators", 0, "target")),
        ]
    )
    assert all(p.file == "spec.toml" for p in err.problems)
    assert str(err).startswith("3 problems found")


def test_all_semantic_problems_are_reported_at_once() -> None:
    text = replace_once(SPEC, 'id = "cost_rate"', 'id = "issues"')  # duplicate id
    text = replace_once(text, 'target = "≥400期"', 'target = "≥400期"\nmethod = "linear_overshoot"')
    text = replace_once(text, "[budget_execution]\nweight = 10", "[budget_execution]\nweight = 15")
    err = load_spec_err(text)
    assert sorted(problem_codes(err)) == ["duplicate-id", "method-target", "total"]


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ('"20"', "expected a number, got the string '20'"),
        ("true", "expected a number, got a boolean"),
    ],
)
def test_wrong_type_where_a_number_is_expected(literal: str, expected: str) -> None:
    text = replace_once(
        SPEC, 'weight = 20\ntarget = "≥400期"', f'weight = {literal}\ntarget = "≥400期"'
    )
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("indicators", 0, "weight")
    assert expected in p.message
    assert p.line == line_of(text, f"weight = {literal}")


def test_number_where_a_string_is_expected() -> None:
    text = replace_once(SPEC, 'name = "期数"', "name = 5")
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("indicators", 0, "name")
    assert "expected a string" in p.message


@pytest.mark.parametrize("literal", ["inf", "-inf", "+inf", "nan"])
def test_non_finite_numbers_are_rejected(literal: str) -> None:
    text = replace_once(
        SPEC, "[budget_execution]\nweight = 10", f"[budget_execution]\nweight = {literal}"
    )
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("budget_execution", "weight")
    assert "finite" in p.message
    assert p.line == line_of(text, f"weight = {literal}")


@pytest.mark.parametrize(
    "literal", ["1e30", "99999999999999999999", "1000000000000000", "0.00000000001"]
)
def test_absurd_numbers_are_problems_not_crashes(literal: str) -> None:
    text = replace_once(
        SPEC, "[budget_execution]\nweight = 10", f"[budget_execution]\nweight = {literal}"
    )
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("budget_execution", "weight")


def test_absurd_number_inside_a_target_string() -> None:
    text = replace_once(SPEC, 'target = "≥400期"', 'target = "≥1000000000000000期"')
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("indicators", 0, "target")


@pytest.mark.parametrize(
    "target",
    ["≥ abc", "abc", "≥", "≥≥5", "", "≥1,000期", "≥1，000期", "≥1e5", "≥1.5.2", "不少于2.5万条"],
)
def test_unreadable_target(target: str) -> None:
    text = replace_once(SPEC, 'target = "≥400期"', f'target = "{target}"')
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("indicators", 0, "target")
    assert "target_text" in p.message  # points qualitative authors to the right key
    assert p.line == line_of(text, f'target = "{target}"')


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("≥2.5万条", "≥2.5万条"),
        ("≥ 95 %", "≥95%"),
        ("24期", "=24期"),
        ("＞=5km", "≥5km"),
        ("≦100%", "≤100%"),
    ],
)
def test_readable_targets(target: str, shown: str) -> None:
    text = replace_once(SPEC, 'target = "≥400期"', f'target = "{target}"')
    assert str(perfrules.loads_spec(text).indicator("issues").target) == shown


def test_target_as_table() -> None:
    text = replace_once(
        SPEC, 'target = "≥400期"', 'target = { comparator = ">=", value = 400, unit = "期" }'
    )
    spec = perfrules.loads_spec(text)
    assert str(spec.indicator("issues").target) == "≥400期"


def test_unknown_enum_value_with_suggestion() -> None:
    text = replace_once(
        SPEC,
        "[budget_execution]\nweight = 10",
        '[budget_execution]\nweight = 10\npolicy = "round_hole"',
    )
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("budget_execution", "policy")
    assert p.suggestion == "round_whole"


def test_unknown_method_with_suggestion() -> None:
    text = replace_once(SPEC, 'target = "≤100%"', 'target = "≤100%"\nmethod = "linear_overshot"')
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("indicators", 1, "method")
    assert p.suggestion == "linear_overshoot"


def test_missing_required_key() -> None:
    text = replace_once(SPEC, 'name = "满意度"\n', "")
    p = only(load_spec_err(text), "missing-key")
    assert p.path == ("indicators", 3, "name")


def test_overshoot_warning_false_switches_it_off() -> None:
    spec = perfrules.loads_spec(SPEC + "\n[policy]\novershoot_warning = false\n")
    assert spec.policy.overshoot_warning is None
    text = SPEC + "\n[policy]\novershoot_warning = true\n"
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("policy", "overshoot_warning")


# ---------------------------------------------------------------------------
# semantic problems of a spec


def test_duplicate_indicator_ids_report_both_lines() -> None:
    text = replace_once(SPEC, 'id = "cost_rate"', 'id = "issues"')
    p = only(load_spec_err(text), "duplicate-id")
    assert p.path == ("indicators", 1, "id")
    assert p.line == line_of(text, 'id = "issues"', occurrence=2)
    # the message points at the first indicator's table, [[indicators]] number 1
    assert f"line {line_of(text, '[[indicators]]')}" in p.message
    assert "indicators[0]" in p.message


def test_duplicate_category_ids() -> None:
    text = replace_once(SPEC, 'id = "benefit"', 'id = "output"')
    err = load_spec_err(text)
    p = next(p for p in err.problems if p.code == "duplicate-id")
    assert p.path == ("categories", 1, "id")


def test_unknown_category_with_suggestion() -> None:
    text = replace_once(SPEC, 'category = "benefit"', 'category = "benefits"')
    err = load_spec_err(text)
    p = only(err, "unknown-category")
    assert p.suggestion == "benefit"
    assert p.path == ("indicators", 3, "category")
    assert p.line == line_of(text, 'category = "benefits"')
    assert p.column == 1


def test_category_weight_must_equal_its_parts() -> None:
    text = replace_once(SPEC, 'name = "产出指标"\nweight = 60', 'name = "产出指标"\nweight = 50')
    text = replace_once(text, "[budget_execution]\nweight = 10", "[budget_execution]\nweight = 20")
    p = only(load_spec_err(text), "weight-sum")
    assert p.path == ("categories", 0, "weight")
    assert p.line == line_of(text, "weight = 50")
    assert "50" in p.message and "60" in p.message


def test_total_must_be_100_unless_declared() -> None:
    text = replace_once(SPEC, "[budget_execution]\nweight = 10", "[budget_execution]\nweight = 5")
    p = only(load_spec_err(text), "total")
    assert p.path == ("meta", "total")
    assert p.line == line_of(text, "[meta]")  # meta.total is not written: the [meta] table
    assert "95" in p.message
    # declaring the total makes the same weights valid (grades must fit it too)
    declared = replace_once(text, 'kind = "项目支出"', 'kind = "项目支出"\ntotal = 95')
    declared = 'grades = [{ name = "优", min = 85 }, { name = "差", min = 0 }]\n' + declared
    spec = perfrules.loads_spec(declared)
    assert spec.meta.total == Decimal(95)


def test_declared_total_that_does_not_add_up() -> None:
    text = replace_once(SPEC, 'kind = "项目支出"', 'kind = "项目支出"\ntotal = 95')
    err = load_spec_err(text)
    p = only(err, "total")
    assert p.line == line_of(text, "total = 95")


def test_linear_overshoot_on_a_positive_target() -> None:
    text = replace_once(SPEC, 'target = "≥400期"', 'target = "≥400期"\nmethod = "linear_overshoot"')
    p = only(load_spec_err(text), "method-target")
    assert p.path == ("indicators", 0, "method")
    assert p.line == line_of(text, 'method = "linear_overshoot"')


def test_qualitative_method_with_numeric_target() -> None:
    text = replace_once(SPEC, 'target = "≥90%"', 'target = "≥90%"\nmethod = "qualitative"')
    p = only(load_spec_err(text), "method-target")
    assert p.path == ("indicators", 3, "target")
    assert p.line == line_of(text, 'target = "≥90%"')


def test_ratio_method_without_numeric_target() -> None:
    text = replace_once(
        SPEC, 'target_text = "按时完成"', 'target_text = "按时完成"\nmethod = "ratio"'
    )
    p = only(load_spec_err(text), "method-target")
    assert p.path == ("indicators", 2, "method")


def test_negative_weight() -> None:
    text = replace_once(SPEC, 'name = "效益指标"\nweight = 30', 'name = "效益指标"\nweight = -30')
    text = replace_once(text, 'weight = 30\ntarget = "≥90%"', 'weight = -30\ntarget = "≥90%"')
    err = load_spec_err(text)
    assert {p.path for p in err.problems if p.code == "weight"} == {
        ("categories", 1, "weight"),
        ("indicators", 3, "weight"),
    }


def test_weight_precision_problem_is_located() -> None:
    text = replace_once(
        SPEC, 'name = "效益指标"\nweight = 30', 'name = "效益指标"\nweight = 30.005'
    )
    text = replace_once(text, 'weight = 30\ntarget = "≥90%"', 'weight = 30.005\ntarget = "≥90%"')
    text = replace_once(
        text, "[budget_execution]\nweight = 10", "[budget_execution]\nweight = 9.995"
    )
    err = load_spec_err(text)
    assert {(p.path, p.line) for p in err.problems if p.code == "weight-precision"} == {
        (("indicators", 3, "weight"), line_of(text, "weight = 30.005", occurrence=2)),
        (("budget_execution", "weight"), line_of(text, "weight = 9.995")),
    }
    assert len(err.problems) == 2  # category weights are sums, not scores: no precision rule


def test_grades_must_fit() -> None:
    text = (
        'grades = [{ name = "良", min = 80 }, { name = "优", min = 90 }, { name = "差", min = 0 }]\n'
        + SPEC
    )
    err = load_spec_err(text)
    p = only(err, "grades")  # out of order
    assert p.path == ("grades", 1, "min")
    assert (p.line, p.column) == (1, text.index("min = 90") + 1)


# ---------------------------------------------------------------------------
# TOML and files


def test_toml_syntax_error_is_located() -> None:
    text = replace_once(SPEC, 'name = "期数"', 'name = "期数')
    p = only(load_spec_err(text), "toml-syntax")
    assert p.file == "spec.toml"
    assert p.line == line_of(text, 'name = "期数')
    assert p.column is not None


def test_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(missing)
    p = only(err.value, "file")
    assert p.file == str(missing)


def test_folder_without_spec(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(tmp_path)
    assert problem_codes(err.value) == ["file"]


def test_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_bytes(
        SPEC.replace('title = "测试项目"', 'title = "x"').encode() + "\n# 注释\n".encode("gbk")
    )
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(path)
    p = only(err.value, "encoding")
    assert p.line == SPEC.count("\n") + 2


def test_loading_from_files_locates_problems(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(SPEC, encoding="utf-8")
    bad = replace_once(ACTUALS, "issues = 408", "issue = 408")
    (tmp_path / "actuals.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        perfrules.load_example(tmp_path)
    p = only(err.value, "unknown-indicator")
    assert p.file == str(tmp_path / "actuals.toml")
    assert p.line == line_of(bad, "issue = 408")


def test_spec_error_is_a_value_error_and_pickles() -> None:
    err = load_spec_err(replace_once(SPEC, "target_text =", "target_txt ="))
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == err.problems


def _tblib_dumps(obj: object) -> bytes:
    """Pickle as a process with tblib's pickling support installed does (distributed installs it on import):
    every exception through ``pickle_exception``, which also pickles ``__cause__`` and ``__context__``.
    A private dispatch table, so the rest of the test session keeps the standard pickling."""
    support = pytest.importorskip("tblib.pickling_support")
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf)
    table = dict(copyreg.dispatch_table)

    def classes(cls: type[BaseException]) -> Iterator[type[BaseException]]:
        yield cls
        for sub in cls.__subclasses__():
            yield from classes(sub)

    table[types.TracebackType] = support.pickle_traceback
    for cls in classes(BaseException):
        table[cls] = support.pickle_exception
    pickler.dispatch_table = table
    pickler.dump(obj)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["spec", "case"])
def test_a_spec_error_pickles_where_tblib_pickles_exceptions(kind: str, tmp_path: Path) -> None:
    """A SpecError from strict structuring carries no cattrs error as its context: cattrs' validation
    errors do not unpickle, and tblib (installed by distributed, so on every Dask worker and client)
    pickles an exception's context with it — a worker's SpecError would reach the client as a TypeError."""
    if kind == "spec":
        err = load_spec_err(replace_once(SPEC, "target_text =", "target_txt ="))
    else:
        case = tmp_path / "x.case.toml"
        case.write_text('spec = "s.toml"\n[[cases]]\nname = "c"\nexpct = 1\n', encoding="utf-8")
        with pytest.raises(SpecError) as info:
            load_case_file(case)
        err = info.value
    assert err.__context__ is None and err.__cause__ is None
    again = pickle.loads(_tblib_dumps(err))
    assert isinstance(again, SpecError) and again.problems == err.problems


# ---------------------------------------------------------------------------
# actuals


def test_actual_for_unknown_indicator_with_suggestion() -> None:
    text = replace_once(ACTUALS, "issues = 408", "issues = 408\nissue = 3")
    p = only(load_actuals_err(text), "unknown-indicator")
    assert p.suggestion == "issues"
    assert p.path == ("indicators", "issue")
    assert (p.file, p.line, p.column) == ("actuals.toml", line_of(text, "issue = 3"), 1)


def test_indicator_without_actual() -> None:
    text = replace_once(ACTUALS, "issues = 408\n", "")
    p = only(load_actuals_err(text), "missing-actual")
    assert "issues" in p.message
    assert p.line == line_of(text, "[indicators]")


def test_misspelled_tier_with_suggestion() -> None:
    text = replace_once(ACTUALS, 'tier = "达成年度指标"', 'tier = "部份达成"')
    p = only(load_actuals_err(text), "unknown-tier")
    assert p.suggestion == "部分达成"
    assert p.path == ("indicators", "timeliness", "tier")
    assert (p.line, p.column) == (line_of(text, "部份达成"), column_of(text, "tier ="))


def test_qualitative_score_outside_its_tier() -> None:
    # 部分达成 admits [0.6, 0.8) × 20 = [12, 16): 16 belongs to the top tier
    text = replace_once(ACTUALS, 'tier = "达成年度指标"', 'tier = "部分达成", score = 16')
    p = only(load_actuals_err(text), "score-outside-tier")
    assert p.path == ("indicators", "timeliness", "score")
    assert (p.line, p.column) == (line_of(text, "score = 16"), column_of(text, "score = 16"))
    ok = replace_once(ACTUALS, 'tier = "达成年度指标"', 'tier = "部分达成", score = 12')
    spec = perfrules.loads_spec(SPEC)
    ev = perfrules.evaluate(spec, perfrules.loads_actuals(ok, spec=spec))
    assert ev.indicator("timeliness").score == Decimal(12)


def test_value_for_a_qualitative_indicator() -> None:
    text = replace_once(ACTUALS, 'timeliness = { tier = "达成年度指标" }', "timeliness = 1")
    err = load_actuals_err(text)
    assert {p.code for p in err.problems} == {"actual-kind", "missing-actual"}


def test_tier_for_a_quantitative_indicator() -> None:
    text = replace_once(ACTUALS, "issues = 408", 'issues = { tier = "达成" }')
    err = load_actuals_err(text)
    assert "actual-kind" in problem_codes(err)


def test_value_given_for_a_derived_indicator() -> None:
    text = replace_once(ACTUALS, "issues = 408", "issues = 408\ncost_rate = 90")
    p = only(load_actuals_err(text), "derived-value")
    assert p.path == ("indicators", "cost_rate", "value")
    assert p.line == line_of(text, "cost_rate = 90")


def test_missing_amount_with_suggestion() -> None:
    text = replace_once(ACTUALS, "cost_spent = 90", "cost_spend = 90")
    p = only(load_actuals_err(text), "missing-amount")
    # located at the likely misspelling in the actuals, suggesting the name the spec needs
    assert p.path == ("amounts", "cost_spend")
    assert p.line == line_of(text, "cost_spend = 90")
    assert p.suggestion == "cost_spent"
    assert "cost_spent" in p.message and "cost_spend" in p.message


def test_zero_denominator() -> None:
    text = replace_once(ACTUALS, "cost_budget = 100", "cost_budget = 0")
    p = only(load_actuals_err(text), "zero-denominator")
    assert p.path == ("amounts", "cost_budget")
    assert p.line == line_of(text, "cost_budget = 0")


def test_zero_budget() -> None:
    text = replace_once(ACTUALS, "full_year = 100", "full_year = 0")
    p = only(load_actuals_err(text), "zero-denominator")
    assert p.path == ("budget", "full_year")


def test_missing_budget_block() -> None:
    text = replace_once(ACTUALS, "[budget]\nfull_year = 100\nspent = 95\n", "")
    assert problem_codes(load_actuals_err(text)) == ["missing-budget"]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("cost_spent = 90", "cost_spent = -90", ("amounts", "cost_spent")),
        ("spent = 95", "spent = -95", ("budget", "spent")),
        ("issues = 408", "issues = -408", ("indicators", "issues", "value")),
    ],
)
def test_negative_numbers_in_actuals(old: str, new: str, path: tuple[str, ...]) -> None:
    text = replace_once(ACTUALS, old, new)
    p = only(load_actuals_err(text), "negative")
    assert p.path == path
    assert p.line == line_of(text, new)


@pytest.mark.parametrize("literal", ["inf", "nan", '"408"', "true"])
def test_non_numbers_in_actuals(literal: str) -> None:
    text = replace_once(ACTUALS, "issues = 408", f"issues = {literal}")
    p = only(load_actuals_err(text), "invalid-value")
    assert p.path == ("indicators", "issues", "value")
    assert p.line == line_of(text, f"issues = {literal}")


def test_wrong_spec_id_and_year() -> None:
    text = replace_once(ACTUALS, 'spec = "demo"', 'spec = "dem0"')
    text = replace_once(text, "year = 2024", "year = 2023")
    err = load_actuals_err(text)
    mismatch = only(err, "spec-mismatch")
    assert mismatch.suggestion == "demo"
    assert mismatch.line == line_of(text, 'spec = "dem0"')
    year = only(err, "year-mismatch")
    assert year.line == line_of(text, "year = 2023")
    assert "2023" in year.message and "2024" in year.message


def test_all_actuals_problems_at_once() -> None:
    text = replace_once(ACTUALS, 'tier = "达成年度指标"', 'tier = "部份达成"')
    text = replace_once(text, "cost_budget = 100", "cost_budget = 0")
    text = replace_once(text, "issues = 408", "issue = 408")
    err = load_actuals_err(text)
    assert sorted(problem_codes(err)) == [
        "missing-actual",
        "unknown-indicator",
        "unknown-tier",
        "zero-denominator",
    ]


def test_unknown_key_in_actuals_entry() -> None:
    text = replace_once(
        ACTUALS,
        'satisfaction = { value = 95, text = "95%" }',
        'satisfaction = { value = 95, txt = "95%" }',
    )
    p = only(load_actuals_err(text), "unknown-key")
    assert p.suggestion == "text"
    assert p.path == ("indicators", "satisfaction", "txt")
    assert (p.line, p.column) == (line_of(text, "txt ="), column_of(text, "txt ="))


def test_actuals_without_spec_skip_the_cross_checks() -> None:
    text = replace_once(ACTUALS, "issues = 408", "issue = 408")
    actuals = perfrules.loads_actuals(text)  # structurally fine on its own
    assert actuals.indicator("issue") is not None
    with pytest.raises(SpecError) as err:
        perfrules.evaluate(perfrules.loads_spec(SPEC), actuals)
    assert "unknown-indicator" in problem_codes(err.value)


def test_method_table_without_name() -> None:
    text = replace_once(SPEC, 'target = "≥400期"', 'target = "≥400期"\nmethod = {}')
    p = only(load_spec_err(text), "invalid-value")
    assert p.path == ("indicators", 0, "method")
    assert "name" in p.message


def test_method_table_with_an_extra_key_lists_what_is_allowed() -> None:
    text = replace_once(
        SPEC, 'target = "≥400期"', 'target = "≥400期"\nmethod = { name = "ratio", nmae = 1 }'
    )
    p = only(load_spec_err(text), "unknown-key")
    assert p.path == ("indicators", 0, "method", "nmae")
    assert "allowed here: name" in p.message
    assert p.suggestion == "name"


def test_id_inside_an_actuals_entry_is_explained() -> None:
    text = replace_once(ACTUALS, "cost_spent = 90", "cost_spent = 90")  # unchanged anchor
    text = text.replace(
        "[indicators]\n", '[indicators]\nreports = { id = "reports", value = 1 }\n', 1
    )
    err = load_actuals_err(text)
    p = next(p for p in err.problems if p.path[:2] == ("indicators", "reports"))
    assert "remove it" in p.message and "key" in p.message
