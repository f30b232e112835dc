"""Deviation targets (issue 12, item 2): ``±5%``, ``偏差率≤10%``, ``控制在预算的±5%以内``, method ``deviation``.

The worked cases of docs/scoring.md (``deviation-cases``) are evaluated here; the target reader, the
located errors, the explanation, the why-not interval, lint's figure audit and the testing kit's
properties over generated deviation rows are checked too.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.lint import lint
from perfrules.model import DeviationTarget, QuantitativeTarget, read_deviation
from perfrules.testing import cases, check_all

ROOT = Path(__file__).resolve().parent.parent
SCORING = ROOT / "docs" / "scoring.md"

TABLES = {
    "A": "shares = [{ max = 5, max_inclusive = true, share = 1 }, { min = 5, min_inclusive = false, "
    "max = 10, max_inclusive = true, share = 0.6 }, { min = 10, min_inclusive = false, share = 0 }]",
    "B": "shares = [{ max = 2, max_inclusive = true, share = 1 }, { min = 2, min_inclusive = false, "
    "max = 5, max_inclusive = true, share = 0.875 }, { min = 5, min_inclusive = false, share = 0.5 }]",
}


def _spec(weight: str, target: str, method: str, extra: str = "") -> perfrules.Spec:
    return perfrules.loads_spec(
        f"""
[meta]
id = "d"
title = "d"
unit = "u"
year = 2024
kind = "项目支出"
total = {weight}
[rounding]
{extra}
[[grades]]
name = "—"
min = 0
[[categories]]
id = "k"
name = "成本指标"
weight = {weight}
[[indicators]]
id = "x"
name = "项目成本"
category = "k"
weight = {weight}
target = "{target}"
method = {method}
"""
    )


def _one(spec: perfrules.Spec, actual: str) -> perfrules.IndicatorResult:
    return perfrules.evaluate(
        spec, perfrules.loads_actuals(f"[indicators]\nx = {actual}\n", spec=spec)
    ).indicator("x")


def _cases() -> list[list[str]]:
    doc = SCORING.read_text(encoding="utf-8")
    start, end = (
        doc.index("<!-- deviation-cases:begin -->"),
        doc.index("<!-- deviation-cases:end -->"),
    )
    rows = [
        [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        for line in doc[start:end].splitlines()[3:]
        if line.startswith("|")
    ]
    assert rows
    return rows


def test_the_docs_state_the_tables_the_cases_use() -> None:
    doc = SCORING.read_text(encoding="utf-8")
    for table in TABLES.values():
        assert f"`{table}`" in doc


@pytest.mark.parametrize("row", _cases(), ids=lambda r: f"{r[0]}|{r[1]}")
def test_scoring_deviation_case(row: list[str]) -> None:
    target, actual, weight, table, score, met = row[:6]
    res = _one(_spec(weight, target, f'{{ name = "deviation", {TABLES[table]} }}'), actual)
    assert res.method == "deviation"
    assert res.score == Decimal(score)
    assert res.met is {"true": True, "false": False}[met]
    assert (res.reason is None) == (res.lost == 0)
    assert res.citation is not None and res.citation.id == "deviation"


@pytest.mark.parametrize(
    ("text", "plan", "unit", "tolerance", "inclusive"),
    [
        ("±5%", None, "", "5", True),
        ("120公里±5%", "120", "公里", "5", True),
        ("偏差率≤10%", None, "", "10", True),
        ("500万元，偏差率<10%", "500", "万元", "10", False),
        ("控制在预算的±5%以内", None, "", "5", True),
        ("500万元控制在预算的±5%以内", "500", "万元", "5", True),
        ("95%±2.5%", "95", "%", "2.5", True),
    ],
)
def test_deviation_wording_reads(
    text: str, plan: str | None, unit: str, tolerance: str, inclusive: bool
) -> None:
    found = read_deviation(text)
    assert found is not None
    assert found.plan == (None if plan is None else Decimal(plan))
    assert (found.unit, found.tolerance, found.inclusive) == (unit, Decimal(tolerance), inclusive)


@pytest.mark.parametrize("text", ["≥120公里", "24期", "±", "偏差率10%", "约±5%"])
def test_other_targets_are_not_deviation_targets(text: str) -> None:
    assert read_deviation(text) is None


def test_a_deviation_target_writes_and_reads_back() -> None:
    for text in ("120公里±5%", "500万元，偏差率<10%"):
        target = DeviationTarget.parse(text)
        assert str(target) == text and DeviationTarget.parse(str(target)) == target
        assert target != QuantitativeTarget.parse("=" + text.split("±")[0].split("，")[0])
    spec = _spec("10", "120公里±5%", f'{{ name = "deviation", {TABLES["A"]} }}')
    again = perfrules.loads_spec(perfrules.dumps_spec(spec))
    assert again == spec and isinstance(again.indicator("x").target, DeviationTarget)


def test_a_tolerance_without_its_plan_is_a_located_error() -> None:
    with pytest.raises(perfrules.SpecError) as err:
        _spec("10", "±5%", f'{{ name = "deviation", {TABLES["A"]} }}')
    (problem,) = err.value.problems
    assert problem.code == "invalid-value" and problem.line is not None
    assert "计划值" in problem.text("zh") and "120公里±5%" in problem.text("zh")


@pytest.mark.parametrize(
    ("target", "method", "code"),
    [
        ("120公里±5%", '"ratio"', "method-target"),  # a deviation target needs method deviation
        ("≥120公里", f'{{ name = "deviation", {TABLES["A"]} }}', "method-target"),
        ("0公里±5%", f'{{ name = "deviation", {TABLES["A"]} }}', "target-value"),
        ("120公里±5%", '{ name = "deviation", shares = [{ max = 5, share = 1 }] }', "bands"),
        (
            "120公里±5%",
            '{ name = "deviation", shares = [{ max = 5, share = 1 }, { min = 5, share = 1.2 }] }',
            "bands",
        ),
    ],
)
def test_a_deviation_row_that_cannot_score_is_refused(target: str, method: str, code: str) -> None:
    with pytest.raises(perfrules.SpecError) as err:
        _spec("10", target, method)
    assert code in {p.code for p in err.value.problems}


def test_the_explanation_shows_plan_actual_and_deviation_at_the_rate_display() -> None:
    method = f'{{ name = "deviation", {TABLES["A"]} }}'
    res = _one(_spec("10", "120公里±5%", method), "126.01")
    texts = [s.zh for s in res.steps]
    assert texts[0] == "计划值 120公里；偏差目标 ±5%；实际完成值 126.01公里；分值 10分"
    assert texts[1].endswith("= ≈5.008333%（显示为5.01%）")
    assert texts[2] == "偏差率5.01%超出偏差目标±5%，未完成指标值"
    assert "落在“5（不含）至10（含）”，得分 = 60% × 10 = 6" in texts[3]
    # 截尾 where the spec declares it: 5.008333…% shows 5.00%
    cut = _one(_spec("10", "120公里±5%", method, 'rate_display_mode = "truncate"'), "126.01")
    assert cut.steps[1].zh.endswith("（显示为5.00%）") and cut.score == res.score


def test_why_not_gives_the_interval_of_actuals_for_full_marks() -> None:
    res = _one(_spec("10", "120公里±5%", f'{{ name = "deviation", {TABLES["A"]} }}'), "130")
    assert res.full_marks is not None
    assert res.full_marks.zh.startswith("实际完成值在[114公里, 126公里]之间")
    strict = _one(
        _spec("10", "120公里，偏差率<5%", f'{{ name = "deviation", {TABLES["A"]} }}'), "130"
    )
    assert strict.full_marks is not None and "[114公里, 126公里]" in strict.full_marks.zh
    # every actual inside the interval scores full, just outside does not
    spec = _spec("10", "120公里±5%", f'{{ name = "deviation", {TABLES["A"]} }}')
    assert _one(spec, "114").score == 10 and _one(spec, "126").score == 10
    assert _one(spec, "113.99").score < 10 and _one(spec, "126.01").score < 10


def test_the_overshoot_warning_reads_the_plan_as_an_exact_target() -> None:
    # a deviation target is the plan as an = target: 130% of the plan and more asks for the 偏差原因
    spec = _spec("10", "120公里±5%", f'{{ name = "deviation", {TABLES["A"]} }}')
    assert [w.code for w in _one(spec, "156").warnings] == ["overshoot"]
    assert _one(spec, "155.99").warnings == ()


def test_lint_recomputes_a_stated_deviation() -> None:
    spec = _spec("10", "500万元±5%", f'{{ name = "deviation", {TABLES["A"]} }}')

    def findings(stated: str) -> list[str]:
        actuals = perfrules.loads_actuals(
            f'[indicators]\nx = {{ value = 526.05, deviation = "{stated}" }}\n', spec=spec
        )
        return [f.code for f in lint(spec, actuals) if f.indicator == "x"]

    assert findings("5.21%") == []  # 26.05 ÷ 500 = 5.21%
    assert findings("5.2%") == []
    assert findings("5.01%") == ["figure-mismatch"]
    assert findings("约5%") == ["figure-unreadable"]


def test_a_stated_deviation_needs_a_deviation_target() -> None:
    spec = _spec("10", "≥120公里", '"ratio"')
    with pytest.raises(perfrules.SpecError) as err:
        perfrules.loads_actuals('[indicators]\nx = { value = 1, deviation = "1%" }\n', spec=spec)
    assert {p.code for p in err.value.problems} == {"actual-kind"}


def test_deviation_is_exact_on_a_plan_with_decimals() -> None:
    # 0.3 plan, 0.315 actual: exactly 5% in Decimal/Fraction arithmetic (a float would give 5.000000000000004)
    res = _one(_spec("10", "0.3万元±5%", f'{{ name = "deviation", {TABLES["A"]} }}'), "0.315")
    assert res.met is True and res.score == 10
    assert re.search(r"= 5%（显示为5\.00%）$", res.steps[1].zh)
    assert Fraction("0.315") / Fraction("0.3") == Fraction(21, 20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(methods=["deviation"]))
def test_the_kits_properties_hold_on_generated_deviation_rows(case: object) -> None:
    spec, actuals = case  # type: ignore[misc]
    assert check_all(spec, actuals)
    ev = perfrules.evaluate(spec, actuals)
    for ind in spec.indicators:
        res = ev.indicator(ind.id)
        if not res.applicable:
            continue
        target = ind.target
        assert isinstance(target, DeviationTarget) and res.method == "deviation"
        assert res.actual_value is not None
        d = abs(res.actual_value - Fraction(target.value)) / Fraction(target.value) * 100
        tol = Fraction(target.tolerance)
        assert res.met is (d <= tol if target.inclusive else d < tol)
