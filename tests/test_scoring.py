"""Scoring rules at their boundaries, on small specs built in Python.

Each expected value is worked out by hand in the comment next to it from
the rule it tests (财预〔2020〕10号 第十六条 and the declared policies), never
copied from perfrules' output.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from conftest import (
    D,
    derived,
    make_actuals,
    make_spec,
    problem_codes,
    qual,
    quant,
    score_one,
    step_kinds,
    tier,
    value,
)

import perfrules
from perfrules import (
    BudgetAmounts,
    BudgetExecution,
    EqualAbove,
    ExecutionBase,
    ExecutionPolicy,
    GradeBand,
    LinearOvershoot,
    NegativeRule,
    Policy,
    QualitativeDefault,
    Rounding,
    SpecError,
)

LINEAR = Policy(negative=NegativeRule.LINEAR_OVERSHOOT)
EQUAL_INVERSE = Policy(equal_above=EqualAbove.INVERSE_RATIO)


# ---------------------------------------------------------------------------
# positive targets (≥, >)


def test_ge_actual_equal_to_target_scores_full() -> None:
    res = score_one("≥400期", 400, 3)
    assert res.met is True
    assert res.score == D(3)
    assert res.reason is None


def test_ge_below_target_is_weight_times_actual_over_target() -> None:
    # 3 × 5 / 7 = 15/7 = 2.142857… → 2.14; rounding the ratio first would give 3 × 0.71 = 2.13
    res = score_one("≥7", 5, 3)
    assert res.met is False
    assert res.score == D("2.14")
    assert res.score != D(3) * D("0.71")


def test_ratio_is_not_rounded_before_multiplying() -> None:
    # 5 × 2 / 3 = 3.3333… → 3.33; 5 × round(2/3, 2) = 5 × 0.67 = 3.35
    assert score_one("≥3", 2, 5).score == D("3.33")


def test_exact_tie_rounds_half_up() -> None:
    # 3 × 374 / 400 = 1122/400 = 2.805 exactly → half-up 2.81
    # (banker's rounding would give 2.80, binary floats give 2.8 as 2.805 is 2.80499…)
    res = score_one("≥400期", 374, 3)
    assert res.score == D("2.81")
    rounding_step = next(s for s in res.steps if s.kind == "round")
    assert "2.805" in rounding_step.zh and "2.81" in rounding_step.zh
    # 3 × 378 / 400 = 2.835 → 2.84
    assert score_one("≥400期", 378, 3).score == D("2.84")


def test_decimal_actual_tie() -> None:
    # 4 × 94.125 / 100 = 3.765 exactly → 3.77
    assert score_one("≥100%", "94.125", 4).score == D("3.77")


@pytest.mark.parametrize(("quantum", "expected"), [("0.01", "2.14"), ("0.1", "2.1"), ("1", "2")])
def test_score_quantum(quantum: str, expected: str) -> None:
    # 3 × 5 / 7 = 2.142857… at the declared quantum
    res = score_one("≥7", 5, 3, rounding=Rounding(score=D(quantum)))
    assert res.score == D(expected)
    assert str(res.score) == expected  # the score carries the quantum's places


def test_gt_actual_equal_to_target_is_unmet() -> None:
    res = score_one(">10", 10, 3)
    assert res.met is False
    compare = next(s for s in res.steps if s.kind == "compare")
    assert "不成立" in compare.zh
    # unmet → completion ratio: 10 / 10 × 3 = 3 (the ratio rule cannot deduct at equality)
    assert res.score == D(3)


def test_gt_just_above_target_is_met() -> None:
    res = score_one(">10", "10.01", 3)
    assert res.met is True and res.score == D(3)


def test_overachievement_never_adds_points() -> None:
    res = score_one("≥10", 1000, 3)
    assert res.met is True
    assert res.score == D(3)
    assert "clamp" not in step_kinds(res)


# ---------------------------------------------------------------------------
# zero targets


def test_ge_zero_met_by_zero() -> None:
    res = score_one("≥0", 0, 3)
    assert res.met is True and res.score == D(3)


def test_gt_zero_with_actual_zero_scores_zero() -> None:
    res = score_one(">0", 0, 3)
    assert res.met is False
    assert res.score == D(0)
    assert res.reason is not None and "扣3分" in res.reason


def test_gt_zero_with_positive_actual_is_met() -> None:
    assert score_one(">0", "0.01", 3).score == D(3)


def test_eq_zero_met_by_zero() -> None:
    res = score_one("=0", 0, 3)
    assert res.met is True and res.score == D(3)


@pytest.mark.parametrize("policy", [Policy(), EQUAL_INVERSE])
def test_eq_zero_with_positive_actual_scores_zero(policy: Policy) -> None:
    res = score_one("=0", 5, 3, policy=policy)
    assert res.met is False and res.score == D(0)


def test_zero_target_never_warns_overshoot() -> None:
    assert score_one("≥0", 50, 3).warnings == ()


# ---------------------------------------------------------------------------
# negative targets (≤, <)


@pytest.mark.parametrize("policy", [Policy(), LINEAR])
def test_le_actual_equal_to_target_scores_full(policy: Policy) -> None:
    res = score_one("≤100%", 100, 5, policy=policy)
    assert res.met is True and res.score == D(5)


def test_le_above_target_inverse_ratio() -> None:
    # 90 / 100 × 5 = 4.5
    res = score_one("≤90%", 100, 5)
    assert res.met is False
    assert res.method == "inverse_ratio"
    assert res.score == D("4.5")
    # 100 / 120 × 5 = 4.1666… → 4.17
    assert score_one("≤100%", 120, 5).score == D("4.17")


def test_le_above_target_linear_overshoot() -> None:
    # (1 − (100 − 90) / 90) × 5 = 5 × 8/9 = 4.444… → 4.44
    res = score_one("≤90%", 100, 5, policy=LINEAR)
    assert res.method == "linear_overshoot"
    assert res.score == D("4.44")
    # (1 − 20/100) × 5 = 4
    assert score_one("≤100%", 120, 5, policy=LINEAR).score == D(4)


def test_linear_overshoot_as_indicator_method() -> None:
    # the indicator's own method wins over policy.negative = inverse_ratio
    res = score_one("≤90%", 100, 5, method=LinearOvershoot())
    assert res.method == "linear_overshoot"
    assert res.score == D("4.44")


def test_linear_overshoot_zero_at_and_beyond_twice_target() -> None:
    at_2t = score_one("≤100", 200, 5, policy=LINEAR)
    assert at_2t.score == D(0)
    beyond = score_one("≤100", 250, 5, policy=LINEAR)  # (1 − 150/100) × 5 = −2.5 → floored at 0
    assert beyond.score == D(0)
    assert "clamp" in step_kinds(beyond)
    just_below = score_one("≤100", "199.9", 5, policy=LINEAR)  # (1 − 0.999) × 5 = 0.005 → 0.01
    assert just_below.score == D("0.01")


def test_inverse_ratio_at_twice_target_is_half() -> None:
    # 100 / 200 × 5 = 2.5 (the inverse ratio never reaches 0)
    assert score_one("≤100", 200, 5).score == D("2.5")


@pytest.mark.parametrize("target", ["≤100%", "<5", "≤0"])
@pytest.mark.parametrize("policy", [Policy(), LINEAR])
def test_zero_actual_on_negative_indicator_scores_full(target: str, policy: Policy) -> None:
    res = score_one(target, 0, 5, policy=policy)
    assert res.met is True and res.score == D(5)


def test_lt_zero_with_actual_zero_is_unmet() -> None:
    # "< 0" cannot be met by a non-negative actual
    for policy in (Policy(), LINEAR):
        res = score_one("<0", 0, 5, policy=policy)
        assert res.met is False and res.score == D(0)


def test_le_zero_with_positive_actual_scores_zero() -> None:
    assert score_one("≤0", 3, 5).score == D(0)
    assert score_one("≤0", 3, 5, policy=LINEAR).score == D(0)


# ---------------------------------------------------------------------------
# exact targets (=)


def test_eq_met_exactly() -> None:
    res = score_one("=24期", 24, 3)
    assert res.met is True and res.score == D(3)


def test_eq_above_full_by_default() -> None:
    res = score_one("=24期", 30, 3)
    assert res.score == D(3)
    assert any(s.kind == "policy" and "equal_above" in s.en for s in res.steps)


def test_eq_above_inverse_ratio_when_declared() -> None:
    # 24 / 30 × 3 = 2.4
    res = score_one("=24期", 30, 3, policy=EQUAL_INVERSE)
    assert res.met is False
    assert res.score == D("2.4")


@pytest.mark.parametrize("policy", [Policy(), EQUAL_INVERSE])
def test_eq_below_is_completion_ratio(policy: Policy) -> None:
    # 20 / 24 × 3 = 2.5
    assert score_one("=24期", 20, 3, policy=policy).score == D("2.5")


def test_target_without_comparator_is_exact() -> None:
    res = score_one("24期", 20, 3)
    assert res.score == D("2.5")


# ---------------------------------------------------------------------------
# derived rates


def test_derived_percentage_negative() -> None:
    # 110 / 100 × 100% = 110% against ≤100%: 100/110 × 5 = 4.5454… → 4.55
    spec = make_spec([derived("d", 5, "≤100%", "spent", "budget")])
    ev = perfrules.evaluate(spec, make_actuals(amounts={"spent": "110", "budget": "100"}))
    res = ev.indicator("d")
    assert res.actual == "110.00%"
    assert res.score == D("4.55")


def test_derived_percentage_positive() -> None:
    # 90 / 100 = 90% against ≥95%: 90/95 × 4 = 3.7894… → 3.79
    spec = make_spec([derived("d", 4, "≥95%", "yes", "asked")])
    ev = perfrules.evaluate(spec, make_actuals(amounts={"yes": "90", "asked": "100"}))
    assert ev.indicator("d").score == D("3.79")


def test_derived_plain_ratio_without_unit() -> None:
    # 0.9 against ≥0.95: 0.9/0.95 × 4 = 3.79 (no × 100 when the unit is empty)
    spec = make_spec([derived("d", 4, "≥0.95", "yes", "asked")])
    ev = perfrules.evaluate(spec, make_actuals(amounts={"yes": "90", "asked": "100"}))
    assert ev.indicator("d").score == D("3.79")


def test_derived_rate_exactly_on_target() -> None:
    spec = make_spec([derived("d", 5, "≤100%", "spent", "budget")])
    ev = perfrules.evaluate(spec, make_actuals(amounts={"spent": "823", "budget": "823"}))
    assert ev.indicator("d").met is True and ev.indicator("d").score == D(5)


# ---------------------------------------------------------------------------
# qualitative tiers


def _qual_score(
    tier_name: str, score: str | None = None, weight: int = 10, **spec_kw: object
) -> perfrules.IndicatorResult:
    spec = make_spec([qual("q", weight)], **spec_kw)  # type: ignore[arg-type]
    return perfrules.evaluate(spec, make_actuals(tier("q", tier_name, score))).indicator("q")


@pytest.mark.parametrize("name", ["达成年度指标", "达成"])
def test_qualitative_top_tier_default_is_full(name: str) -> None:
    res = _qual_score(name)
    assert res.score == D(10)
    assert res.tier == "达成年度指标"
    assert res.met is True


@pytest.mark.parametrize("name", ["部分达成年度指标并具有一定效果", "部分达成"])
def test_qualitative_middle_tier_default(name: str) -> None:
    # tier_top: the range is [6, 8) of weight 10 (upper bound excluded), so the
    # highest score the tier admits at the 0.01 quantum is 7.99
    res = _qual_score(name)
    assert res.score == D("7.99")
    assert res.met is False
    assert res.reason is not None and "扣2.01分" in res.reason


def test_qualitative_bottom_tier_default() -> None:
    # [0, 6) of weight 10 → 5.99 at 0.01
    assert _qual_score("未达成").score == D("5.99")


@pytest.mark.parametrize(("quantum", "expected"), [("0.1", "7.9"), ("1", "7")])
def test_qualitative_middle_tier_default_follows_quantum(quantum: str, expected: str) -> None:
    assert _qual_score("部分达成", rounding=Rounding(score=D(quantum))).score == D(expected)


@pytest.mark.parametrize(
    ("tier_name", "score"),
    [
        ("达成", "8"),  # 0.8w is included in the top tier
        ("达成", "10"),
        ("部分达成", "6"),  # 0.6w is included in the middle tier
        ("部分达成", "7.99"),
        ("未达成", "0"),
        ("未达成", "5.99"),
    ],
)
def test_entered_score_inside_tier_is_used(tier_name: str, score: str) -> None:
    res = _qual_score(tier_name, score)
    assert res.score == D(score)


@pytest.mark.parametrize(
    ("tier_name", "score"),
    [
        ("部分达成", "8"),  # 0.8w belongs to 达成, not to 部分达成
        ("未达成", "6"),  # 0.6w belongs to 部分达成
        ("达成", "7.99"),
        ("达成", "10.01"),  # above the weight
        ("未达成", "-0.5"),  # below 0
        ("部分达成", "5.99"),
    ],
)
def test_entered_score_outside_tier_is_rejected(tier_name: str, score: str) -> None:
    spec = make_spec([qual("q", 10)])
    with pytest.raises(SpecError) as err:
        perfrules.evaluate(spec, make_actuals(tier("q", tier_name, score)))
    assert problem_codes(err.value) == ["score-outside-tier"]
    assert err.value.problems[0].path == ("indicators", "q", "score")


def test_require_score_policy() -> None:
    policy = Policy(qualitative_default=QualitativeDefault.REQUIRE_SCORE)
    spec = make_spec([qual("q", 10)], policy=policy)
    with pytest.raises(SpecError) as err:
        perfrules.evaluate(spec, make_actuals(tier("q", "部分达成")))
    assert problem_codes(err.value) == ["missing-score"]
    # the top tier needs no score: it is the full weight
    assert perfrules.evaluate(spec, make_actuals(tier("q", "达成"))).indicator("q").score == D(10)
    assert perfrules.evaluate(spec, make_actuals(tier("q", "部分达成", "7"))).indicator(
        "q"
    ).score == D(7)


# ---------------------------------------------------------------------------
# overshoot warning


def test_overshoot_warning_fires_at_exactly_130_percent() -> None:
    res = score_one("≥10", 13, 3)
    assert [w.code for w in res.warnings] == ["overshoot"]
    assert res.warnings[0].indicator == "x"
    assert res.score == D(3)


def test_overshoot_warning_silent_just_below() -> None:
    assert score_one("≥10", "12.99", 3).warnings == ()


def test_overshoot_warning_on_gt() -> None:
    assert [w.code for w in score_one(">10", 13, 3).warnings] == ["overshoot"]


def test_overshoot_warning_threshold_is_configurable() -> None:
    policy = Policy(overshoot_warning=D("1.2"))
    assert [w.code for w in score_one("≥10", 12, 3, policy=policy).warnings] == ["overshoot"]
    assert score_one("≥10", "11.99", 3, policy=policy).warnings == ()


def test_overshoot_warning_can_be_switched_off() -> None:
    assert score_one("≥10", 1000, 3, policy=Policy(overshoot_warning=None)).warnings == ()


def test_overshoot_warnings_are_collected_on_the_evaluation() -> None:
    spec = make_spec([quant("a", 3, "≥10"), quant("b", 3, "≥10")])
    ev = perfrules.evaluate(spec, make_actuals(value("a", 13), value("b", 12)))
    assert [w.indicator for w in ev.warnings] == ["a"]


def test_negative_indicator_far_below_target_does_not_warn() -> None:
    assert score_one("≤100%", 10, 3).warnings == ()


# ---------------------------------------------------------------------------
# budget execution


def _budget_eval(
    spent: str,
    full_year: str = "1000",
    *,
    policy: ExecutionPolicy,
    initial: str | None = None,
    **block_kw: object,
) -> perfrules.BudgetExecutionResult:
    block = BudgetExecution(weight=D(10), policy=policy, **block_kw)  # type: ignore[arg-type]
    spec = make_spec([quant("x", 3, "≥1")], budget=block)
    budget = BudgetAmounts(
        full_year=D(full_year), spent=D(spent), initial=None if initial is None else D(initial)
    )
    ev = perfrules.evaluate(spec, make_actuals(value("x", 1), budget=budget))
    assert ev.budget_execution is not None
    return ev.budget_execution


@pytest.mark.parametrize(
    ("spent", "proportional", "round_whole"),
    [
        ("945", "9.45", "9"),  # 94.5% × 10 = 9.45 → whole 9
        ("950", "9.5", "10"),  # 95% × 10 = 9.5 → whole 10 (half-up)
        ("850", "8.5", "9"),  # 85% × 10 = 8.5 → whole 9 (half-even would give 8)
        ("944.5", "9.45", "9"),  # 94.45% × 10 = 9.445 → 9.45 at 0.01 (half-even would give 9.44)
        ("1000", "10", "10"),
        ("0", "0", "0"),
    ],
)
def test_budget_execution_policies(spent: str, proportional: str, round_whole: str) -> None:
    prop = _budget_eval(spent, policy=ExecutionPolicy.PROPORTIONAL)
    whole = _budget_eval(spent, policy=ExecutionPolicy.ROUND_WHOLE)
    assert prop.score == D(proportional)
    assert whole.score == D(round_whole)
    assert prop.policy == "proportional" and whole.policy == "round_whole"


def test_budget_rate_above_100_percent_is_capped() -> None:
    for policy in ExecutionPolicy:
        be = _budget_eval("1200", policy=policy)
        assert be.rate_display == "120.00%"
        assert be.score == D(10)
        clamp = next(s for s in be.steps if s.kind == "clamp")
        assert "100%" in clamp.zh  # the rate is capped at 100% (not only the score at the weight)
        formula = [s for s in be.steps if s.kind == "formula"][-1]
        assert "100% × 10 = 10" in formula.zh


def test_budget_rate_just_above_100_percent_is_capped() -> None:
    be = _budget_eval("1000.01", policy=ExecutionPolicy.PROPORTIONAL)
    assert be.score == D(10)
    assert any(s.kind == "clamp" and "100%" in s.zh for s in be.steps)


def test_budget_base_initial() -> None:
    # 855 / 900 (年初预算数) = 95% → 9.5; against the full-year budget 855 / 1000 = 85.5% → 8.55
    initial = _budget_eval(
        "855", initial="900", policy=ExecutionPolicy.PROPORTIONAL, base=ExecutionBase.INITIAL
    )
    assert initial.rate_display == "95.00%"
    assert initial.score == D("9.5")
    assert initial.base == "initial"
    full = _budget_eval("855", initial="900", policy=ExecutionPolicy.PROPORTIONAL)
    assert full.score == D("8.55")


def test_budget_base_initial_needs_initial() -> None:
    with pytest.raises(SpecError) as err:
        _budget_eval("855", policy=ExecutionPolicy.PROPORTIONAL, base=ExecutionBase.INITIAL)
    assert "missing-budget" in problem_codes(err.value)


def test_budget_rate_display_precision() -> None:
    block = BudgetExecution(weight=D(10))
    spec = make_spec([quant("x", 3, "≥1")], budget=block, rounding=Rounding(rate_display=D("0.1")))
    ev = perfrules.evaluate(
        spec,
        make_actuals(
            value("x", 1), budget=BudgetAmounts(full_year=D("32909.2"), spent=D("31092.65"))
        ),
    )
    assert ev.budget_execution is not None
    assert ev.budget_execution.rate_display == "94.5%"  # 94.4801…% at 0.1


def test_budget_deduction_and_rule_steps() -> None:
    be = _budget_eval("945", policy=ExecutionPolicy.ROUND_WHOLE)
    assert be.reason is not None and "扣1分" in be.reason and "94.50%" in be.reason
    deduction = next(s for s in be.steps if s.kind == "deduction")
    assert be.reason in deduction.zh
    rule = next(s for s in be.steps if s.kind == "rule")
    assert be.citation.document in rule.zh


# ---------------------------------------------------------------------------
# grades


BANDS_80 = (
    GradeBand(name="优", min=D(80)),
    GradeBand(name="良", min=D(70)),
    GradeBand(name="中", min=D(60)),
    GradeBand(name="差", min=D(0)),
)


def _total_of(actual: str, grades: tuple[GradeBand, ...]) -> perfrules.Evaluation:
    # one indicator of weight 100 against ≥100: score = actual / 100 × 100 = actual
    spec = make_spec([quant("x", 100, "≥100")], grades=grades, filler=False)
    return perfrules.evaluate(spec, make_actuals(value("x", actual), filler=False))


@pytest.mark.parametrize(
    ("actual", "grade"),
    [
        ("100", "优"),
        ("80", "优"),
        ("79.99", "良"),
        ("70", "良"),
        ("69.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_custom_grade_bands(actual: str, grade: str) -> None:
    ev = _total_of(actual, BANDS_80)
    assert ev.total == D(actual)
    assert ev.grade == grade


@pytest.mark.parametrize(
    ("actual", "grade"),
    [("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("59.99", "差")],
)
def test_default_grade_bands(actual: str, grade: str) -> None:
    from perfrules.model import DEFAULT_GRADES

    ev = _total_of(actual, DEFAULT_GRADES)
    assert ev.grade == grade
    assert [s.kind for s in ev.grade_steps][-1] == "rule"


def test_total_rounding_quantum() -> None:
    # 3 × 5 / 7 → 2.14 and the filler's 97: total 99.14; at a whole-point total quantum → 99
    spec = make_spec([quant("x", 3, "≥7")], rounding=Rounding(total=D(1)))
    ev = perfrules.evaluate(spec, make_actuals(value("x", 5)))
    assert ev.indicator("x").score == D("2.14")
    assert ev.total == D(99)


# ---------------------------------------------------------------------------
# explanations


@pytest.mark.parametrize(
    ("target", "actual", "document"),
    [
        ("≥10", "5", "财预〔2020〕10号"),
        ("≤10", "20", "项目支出绩效自评表填表说明"),
        ("=10", "5", "财预〔2020〕10号"),
    ],
)
def test_rule_and_deduction_steps(target: str, actual: str, document: str) -> None:
    res = score_one(target, actual, 4)
    kinds = step_kinds(res)
    assert kinds[0] == "input"
    assert kinds[-1] == "rule"
    rule = res.steps[-1]
    assert document in rule.zh
    assert res.citation.document in rule.zh
    assert res.lost == D(2)  # 5/10 × 4 = 2 and 10/20 × 4 = 2
    assert res.reason is not None and "扣2分" in res.reason
    deduction = next(s for s in res.steps if s.kind == "deduction")
    assert res.reason in deduction.zh


def test_linear_rule_step_cites_the_production_rule() -> None:
    res = score_one("≤10", "15", 4, policy=LINEAR)
    assert res.citation.id == "quantitative.negative.linear_overshoot"
    assert res.citation.document in res.steps[-1].zh


def test_qualitative_steps_cite_article_16() -> None:
    res = _qual_score("部分达成")
    assert res.steps[-1].kind == "rule"
    assert "第十六条" in res.steps[-1].zh
    assert "deduction" in step_kinds(res)


def test_met_indicator_has_rule_step_but_no_deduction() -> None:
    res = score_one("≥10", "10", 4)
    assert step_kinds(res)[-1] == "rule"
    assert "deduction" not in step_kinds(res)


# ---------------------------------------------------------------------------
# weights and scores


def test_weight_finer_than_score_quantum_is_rejected() -> None:
    # 2.555 at 0.01 would score 2.56 > 2.555 when met
    with pytest.raises(SpecError) as err:
        perfrules.check(make_spec([quant("x", "2.555", "≥1")]))
    assert "weight-precision" in problem_codes(err.value)


def test_round_whole_budget_weight_must_be_whole() -> None:
    # 7.5 rounded to whole points would score 8 > 7.5 at a 100% rate
    block = BudgetExecution(weight=D("7.5"), policy=ExecutionPolicy.ROUND_WHOLE)
    with pytest.raises(SpecError) as err:
        perfrules.check(make_spec([quant("x", "2.5", "≥1")], budget=block))
    assert [p.path for p in err.value.problems if p.code == "weight-precision"] == [
        ("budget_execution", "weight")
    ]
    # the same weight is fine when scored proportionally at 0.01
    ok = make_spec(
        [quant("x", "2.5", "≥1")], budget=attrs.evolve(block, policy=ExecutionPolicy.PROPORTIONAL)
    )
    perfrules.check(ok)


def test_half_point_weights_at_default_quantum() -> None:
    # 2.5 × 1 / 3 = 0.8333… → 0.83
    assert score_one("≥3", 1, "2.5").score == D("0.83")


def test_lost_is_weight_minus_score() -> None:
    res = score_one("≥7", 5, 3)
    assert res.lost == D(3) - D("2.14") == D("0.86")
    assert isinstance(res.score, Decimal)


# ---------------------------------------------------------------------------
# exact arithmetic beyond the decimal context (28 digits)


def test_rounding_is_exact_beyond_28_digits() -> None:
    # 3 × 5 / 7 = 2.142857142857… rounded at 30 places: the 31st digit is 1 → round down
    res = score_one("≥7", 5, 3, rounding=Rounding(score=D("1E-30")))
    assert res.score == Decimal("2." + "142857" * 5)


def test_decimal_text_is_exact_for_long_and_large_numbers() -> None:
    from perfrules.model import format_decimal

    assert format_decimal(Decimal("1E+30")) == "1" + "0" * 30
    assert (
        format_decimal(Decimal("1.0000000000000000000000000000001"))
        == "1.0000000000000000000000000000001"
    )
    assert format_decimal(Decimal("2.50")) == "2.5"
    assert format_decimal(Decimal("100")) == "100"
    assert format_decimal(Decimal("1E+2")) == "100"
    assert format_decimal(Decimal("0.000")) == "0"


# ---------------------------------------------------------------------------
# review fixes: strict boundaries, "=" overshoot, per-indicator negative rule,
# tier/score precision, met for the top tier


@pytest.mark.parametrize("target", [">10", "<10"])
def test_strict_target_missed_by_equality_warns(target: str) -> None:
    res = score_one(target, 10, 3)
    assert res.met is False and res.score == D(3)
    assert [w.code for w in res.warnings] == ["strict-boundary"]
    assert "严格" in res.warnings[0].zh


def test_strict_target_missed_below_does_not_warn() -> None:
    res = score_one(">10", 9, 3)
    assert res.score == D("2.7") and res.warnings == ()


def test_unmet_target_rounded_to_full_marks_is_not_a_strict_boundary() -> None:
    # 50 / 100 × 0.01 = 0.005 → 0.01 at 0.01: full marks by rounding, not by equality
    res = score_one("≥100", 50, "0.01")
    assert res.score == D("0.01") and res.met is False
    assert res.warnings == ()


def test_overshoot_warning_on_exact_targets() -> None:
    res = score_one("=24期", 32, 3)  # 32 / 24 = 133% ≥ 130%
    assert res.score == D(3)
    assert [w.code for w in res.warnings] == ["overshoot"]
    assert score_one("=24期", 31, 3).warnings == ()  # 129%


def test_inverse_ratio_method_overrides_a_linear_policy() -> None:
    spec = make_spec([quant("x", 3, "≤100", method=perfrules.InverseRatio())], policy=LINEAR)
    res = perfrules.evaluate(spec, make_actuals(value("x", 120))).indicator("x")
    assert res.method == "inverse_ratio"
    assert res.score == D(
        "2.5"
    )  # 100 / 120 × 3 = 2.5; the linear rule would give (1 − 0.2) × 3 = 2.4
    assert any("本指标 method 声明" in s.zh for s in res.steps)


def test_inverse_ratio_method_on_a_positive_target_is_an_error() -> None:
    spec = make_spec([quant("x", 3, "≥100", method=perfrules.InverseRatio())])
    with pytest.raises(SpecError) as err:
        perfrules.check(spec)
    assert problem_codes(err.value) == ["method-target"]


def test_tier_without_a_score_on_the_grid_is_a_spec_error() -> None:
    # weight 2 at whole points: 部分达成 admits [1.2, 1.6), which holds no whole number
    spec = make_spec([qual("q", 2)], rounding=Rounding(score=D(1), total=D(1)))
    with pytest.raises(SpecError) as err:
        perfrules.check(spec)
    assert problem_codes(err.value) == ["tier-precision"]
    assert err.value.problems[0].path == ("indicators", 0, "weight")


def test_entered_score_off_the_grid_is_an_actuals_error() -> None:
    spec = make_spec([qual("q", 5)])
    with pytest.raises(SpecError) as err:
        perfrules.evaluate(spec, make_actuals(tier("q", "部分达成", "3.999")))
    assert problem_codes(err.value) == ["score-precision"]


def test_top_tier_is_met_whatever_score_inside_it() -> None:
    spec = make_spec([qual("q", 10)])
    res = perfrules.evaluate(spec, make_actuals(tier("q", "达成年度指标", "8.5"))).indicator("q")
    assert res.met is True and res.score == D("8.5") and res.lost == D("1.5")
    partial = perfrules.evaluate(spec, make_actuals(tier("q", "部分达成", "7.9"))).indicator("q")
    assert partial.met is False


def test_default_grades_need_a_total_of_100() -> None:
    spec = make_spec([quant("x", 50, "≥1")], filler=False)
    with pytest.raises(SpecError) as err:
        perfrules.check(spec)
    assert problem_codes(err.value) == ["grades"]  # one problem, at meta.total, not one per band
    assert err.value.problems[0].path == ("meta", "total")


def test_declared_total_must_fit_the_total_quantum() -> None:
    spec = make_spec(
        [quant("x", "99.5", "≥1")],
        filler=False,
        rounding=Rounding(total=D(1)),
        grades=(GradeBand(name="合格", min=D(0)),),
    )
    with pytest.raises(SpecError) as err:
        perfrules.check(spec)
    assert problem_codes(err.value) == ["weight-precision"]
    assert err.value.problems[0].path == ("meta", "total")
