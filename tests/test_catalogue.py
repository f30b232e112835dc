"""The rule catalogue: step, bands, rate, per_occurrence, budget execution by bands or steps,
manual deductions, 不适用 rescaling, the overshoot deduction, bonus items and vetoes.

Boundary tests for each method (exact edges, inclusive and exclusive band edges, partial
steps), the problems each misuse raises, the citation each explanation carries, hypothesis
properties (scores within [0, weight] on the grid, monotonicity where it holds, rescaling
keeps a fully met set at the full score) and the full result of examples/catalogue-demo.

Tests marked ``xfail(strict=True)`` pin down a known defect of the code (see the reason);
they start failing as soon as the defect is fixed, so that the marker is removed.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from conftest import ROOT, D, fill_actual, make_actuals, make_spec, quant, value
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules import (
    Actuals,
    Band,
    BandBasis,
    Bands,
    BonusAward,
    BonusItem,
    BudgetAmounts,
    BudgetExecution,
    Category,
    Deduction,
    Evaluation,
    Indicator,
    IndicatorActual,
    Kind,
    Meta,
    OvershootDeduction,
    PartialStep,
    PerOccurrence,
    Policy,
    QuantitativeTarget,
    RateTimesWeight,
    RuleSource,
    Spec,
    SpecError,
    StepDeduction,
    Veto,
    VetoEffect,
    VetoTrigger,
)
from perfrules.core import _citations as cite
from perfrules.model import Formula

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------
# builders


def step(per: str, deduct: str, partial: PartialStep = PartialStep.FLOOR) -> StepDeduction:
    return StepDeduction(per=D(per), deduct=D(deduct), partial=partial)


def band(
    score: str | int,
    lo: str | int | None = None,
    hi: str | int | None = None,
    *,
    lo_in: bool = True,
    hi_in: bool = False,
) -> Band:
    return Band(
        score=D(score),
        min=None if lo is None else D(lo),
        max=None if hi is None else D(hi),
        min_inclusive=lo_in,
        max_inclusive=hi_in,
    )


# 重点支出安排率≥90%，计5分；80%（含）-90%，计4分；70%（含）-80%，计3分；60%（含）-70%，计2分；低于60%不得分
KEY_SPENDING = Bands(
    bands=(band(5, 90), band(4, 80, 90), band(3, 70, 80), band(2, 60, 70), band(0, None, 60))
)
# 预算调整率=0，计3分；0-10%（含），计2分；10-20%（含），计1分；20-30%（含），计0.5分；大于30%不得分
ADJUST = Bands(
    bands=(
        band(3, 0, 0, hi_in=True),
        band(2, 0, 10, lo_in=False, hi_in=True),
        band(1, 10, 20, lo_in=False, hi_in=True),
        band("0.5", 20, 30, lo_in=False, hi_in=True),
        band(0, 30, lo_in=False),
    )
)
DEVIATION = Bands(
    on=BandBasis.DEVIATION,
    bands=(
        band(10, None, 5, hi_in=True),
        band(8, 5, 10, lo_in=False, hi_in=True),
        band(5, 10, 20, lo_in=False, hi_in=True),
        band(0, 20, lo_in=False),
    ),
)


def one(
    target: str, actual: str | int, weight: str | int, method: object, **kw: object
) -> perfrules.IndicatorResult:
    """Evaluate one indicator ``x`` (plus a met filler up to 100) and return its result."""
    policy = kw.pop("policy", Policy())
    deductions = kw.pop("deductions", ())
    spec = make_spec([quant("x", weight, target, method=method, **kw)], policy=policy)  # type: ignore[arg-type]
    act = IndicatorActual(id="x", value=D(actual), deductions=deductions)  # type: ignore[arg-type]
    return perfrules.evaluate(spec, make_actuals(act)).indicator("x")


def spec_problems(spec: Spec) -> list[perfrules.Problem]:
    with pytest.raises(SpecError) as exc:
        perfrules.check(spec)
    return list(exc.value.problems)


def actuals_problems(spec: Spec, actuals: Actuals) -> list[perfrules.Problem]:
    perfrules.check(spec)
    with pytest.raises(SpecError) as exc:
        perfrules.check(spec, actuals)
    return list(exc.value.problems)


def codes_of_spec(spec: Spec) -> list[str]:
    return [p.code for p in spec_problems(spec)]


def rule_steps(
    result: perfrules.IndicatorResult | perfrules.BudgetExecutionResult,
) -> list[perfrules.Step]:
    return [s for s in result.steps if s.kind == "rule"]


def assert_cites(
    result: perfrules.IndicatorResult | perfrules.BudgetExecutionResult,
    citation: perfrules.Citation | None,
) -> None:
    """The result's citation, and the explanation's rule step that names it (none: no generic step)."""
    assert result.citation == citation
    if citation is None:
        assert not any(s.zh.startswith("依据：") for s in rule_steps(result))
        return
    assert any(
        s.zh == f"依据：{citation}" and s.en.endswith(f"[{citation.id}]")
        for s in rule_steps(result)
    )


# ---------------------------------------------------------------------------
# step: 每超过/低于 per 扣 deduct 分，扣完为止

FLOOR, CEIL, PROP = PartialStep.FLOOR, PartialStep.CEIL, PartialStep.PROPORTIONAL


@pytest.mark.parametrize(
    ("actual", "partial", "score"),
    [
        ("100", FLOOR, "5"),
        ("99", FLOOR, "5"),  # the good side of a ≤ target: distance 0
        ("100.99", FLOOR, "5"),  # no whole step yet
        ("101", FLOOR, "4.5"),  # exactly one step
        ("102.0", FLOOR, "4"),  # exactly two steps
        ("102.5", FLOOR, "4"),  # two whole steps and a half
        ("100", CEIL, "5"),
        ("100.01", CEIL, "4.5"),  # a started step counts in full
        ("101", CEIL, "4.5"),  # exactly one step: the same as floor
        ("102.0", CEIL, "4"),
        ("102.5", CEIL, "3.5"),  # three started steps
        ("102.0", PROP, "4"),
        ("102.5", PROP, "3.75"),  # 2.5 steps
        ("100.01", PROP, "5"),  # 0.01 step × 0.5: 5 − 0.005 = 4.995, a tie, rounded half-up to 5
        ("100.02", PROP, "4.99"),  # 5 − 0.01
        ("110", FLOOR, "0"),  # exactly reaches 0
        ("115", FLOOR, "0"),  # 7.5 points: floored at 0 (扣完为止)
    ],
)
def test_step_edges_on_a_negative_percent_target(
    actual: str, partial: PartialStep, score: str
) -> None:
    res = one("≤100%", actual, 5, step("1", "0.5", partial))
    assert res.score == D(score)
    assert res.method == "step"
    assert res.met is (Fraction(D(actual)) <= 100)
    assert (res.reason is None) == (res.score == 5)
    assert_cites(res, cite.STEP)
    assert ("clamp" in [s.kind for s in res.steps]) is (Fraction(D(actual)) > 110)


def test_step_rounds_once() -> None:
    """5 − 1/3 × 1 = 4.6666…: exact until the one rounding."""
    res = one("≤0", 1, 5, step("3", "1", PROP))
    assert res.score == D("4.67")
    assert [s.kind for s in res.steps] == [
        "input",
        "compare",
        "formula",
        "round",
        "deduction",
    ]  # a ≤0 row is not the ≦100% control rate the generic step text quotes: no rule step
    assert res.citation is None
    assert "≈4.666667 → 4.67" in res.steps[3].zh


@pytest.mark.parametrize(
    ("target", "actual", "score", "met"),
    [
        ("≥90%", "95", "5", True),  # above a positive target: distance 0
        ("≥90%", "89", "4.5", False),  # one step below
        ("≥90%", "87.5", "4", False),  # 2.5 below: 2 whole steps
        (">90%", "90", "5", False),  # strict: unmet at equality, distance 0
        ("=100", "97", "3.5", False),  # three below an exact target
        ("=100", "103", "3.5", False),  # three above: either side counts
        ("=100", "100", "5", True),
        ("<100%", "100", "5", False),  # strict negative: unmet at equality, distance 0
    ],
)
def test_step_direction_follows_the_comparator(
    target: str, actual: str, score: str, met: bool
) -> None:
    res = one(target, actual, 5, step("1", "0.5"))
    assert (res.score, res.met) == (D(score), met)


def test_step_strict_boundary_warns() -> None:
    spec = make_spec([quant("x", 5, "<100%", method=step("1", "0.5"))])
    ev = perfrules.evaluate(spec, make_actuals(value("x", 100)))
    assert [w.code for w in ev.warnings] == ["strict-boundary"]


@pytest.mark.parametrize(
    ("per", "deduct", "key"), [("0", "0.5", "per"), ("1", "0", "deduct"), ("-1", "0.5", "per")]
)
def test_step_parameters_must_be_positive(per: str, deduct: str, key: str) -> None:
    spec = make_spec([quant("x", 5, "≤100%", method=step(per, deduct))])
    problems = spec_problems(spec)
    assert [(p.code, p.path[-1]) for p in problems] == [("method-params", key)]
    assert f"step method: {key} must be positive" in problems[0].message


# ---------------------------------------------------------------------------
# bands: 区间计分


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("100", "5"),
        ("90", "5"),
        ("89.99", "4"),
        ("80", "4"),
        ("79.99", "3"),
        ("70", "3"),
        ("69.99", "2"),
        ("60", "2"),
        ("59.99", "0"),
        ("0", "0"),
    ],
)
def test_bands_half_open_edges(actual: str, score: str) -> None:
    res = one("≥90%", actual, 5, KEY_SPENDING)
    assert res.score == D(score)
    assert res.method == "bands"
    assert res.met is (Fraction(D(actual)) >= 90)
    assert_cites(res, cite.BANDS)


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("0", "3"),
        ("0.0001", "2"),
        ("10", "2"),
        ("10.0001", "1"),
        ("20", "1"),
        ("20.0001", "0.5"),
        ("30", "0.5"),
        ("30.0001", "0"),
        ("500", "0"),
    ],
)
def test_bands_inclusive_upper_edges(actual: str, score: str) -> None:
    assert one("=0%", actual, 3, ADJUST).score == D(score)


def _edge_values(b: Band) -> list[tuple[Fraction, bool]]:
    """Each declared edge of ``b`` with whether the band holds it."""
    out = []
    if b.min is not None:
        out.append((Fraction(b.min), b.min_inclusive))
    if b.max is not None:
        out.append((Fraction(b.max), b.max_inclusive))
    return out


@pytest.mark.parametrize("table", [KEY_SPENDING, ADJUST], ids=["key_spending", "adjust"])
def test_every_edge_belongs_to_exactly_the_declared_band(table: Bands) -> None:
    weight = max(b.score for b in table.bands)
    for b in table.bands:
        for edge, inside in _edge_values(b):
            if edge < 0:
                continue
            got = one("≥0", str(edge), weight, table).score
            holders = [x for x in table.bands if perfrules.core._scoring.band_holds(x, edge)]
            assert len(holders) == 1, (edge, holders)
            assert (holders[0] == b) is inside
            assert got == holders[0].score


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("800", "10"),
        ("760", "10"),
        ("840", "10"),
        ("839.99", "10"),
        ("840.01", "8"),
        ("759.99", "8"),
        ("720", "8"),
        ("880", "8"),
        ("719.99", "5"),
        ("960", "5"),
        ("640", "5"),
        ("960.01", "0"),
        ("0", "0"),
    ],
)
def test_deviation_bands_are_symmetric(actual: str, score: str) -> None:
    res = one("=800元", actual, 10, DEVIATION)
    assert res.score == D(score)
    mirrored = 1600 - D(actual)
    if mirrored >= 0:
        assert one("=800元", str(mirrored), 10, DEVIATION).score == res.score
    assert "偏离度" in res.steps[1].zh


def test_deviation_bands_need_a_positive_target() -> None:
    spec = make_spec([quant("x", 10, "=0元", method=DEVIATION)])
    assert [(p.code, p.path[-1]) for p in spec_problems(spec)] == [("method-params", "on")]


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((band(5, 90), band(0, None, 80)), "values from 80 up to 90 fall in no band (a gap)"),
        (
            (band(5, 90), band(3, 80, 90, hi_in=True), band(0, None, 80)),
            "overlaps the band below it at 90",
        ),
        ((band(5, 85), band(3, 80, 90), band(0, None, 80)), "overlaps the band below it at 85"),
        (
            (band(3, 80, 90), band(0, None, 80)),
            "values from 90 upward fall in no band (declare a band without max)",
        ),
        (
            (band(5, 90, lo_in=False), band(0, None, 90)),
            "values from 90 up to 90 fall in no band (a gap)",
        ),
        ((band(5, 90), band(0, 10, 90)), "values from 0 up to 10 fall in no band (a gap)"),
        ((band(5), band(0, 80)), "band 2 overlaps an earlier band that is unbounded above"),
        ((band(5, 90, 80), band(0, None, 80)), "band 1: min 90 must be below max 80"),
        ((band(5, 90, 90), band(0, None, 90)), "band 1: min 90 must be below max 90"),
        ((band(6, 90), band(0, None, 90)), "band score 6 lies outside 0..5"),
        ((band("4.995", 90), band(0, None, 90)), "band score 4.995 is finer than rounding.score"),
        ((), "a band table needs at least one band"),
    ],
    ids=[
        "gap",
        "overlap-at-edge",
        "overlap",
        "no-upper-band",
        "edge-in-no-band",
        "gap-from-0",
        "after-unbounded",
        "min-above-max",
        "empty-interval",
        "score-above-weight",
        "score-off-grid",
        "empty",
    ],
)
def test_band_tables_must_cover_every_value_once(bands: tuple[Band, ...], message: str) -> None:
    spec = make_spec([quant("x", 5, "≥90%", method=Bands(bands=bands))])
    problems = spec_problems(spec)
    assert [p.code for p in problems] == ["bands"]
    assert message in problems[0].message


@pytest.mark.parametrize(
    "bands",
    [
        (band(5, 90), band(0, -10, 90)),  # a band may reach below 0
        (
            band(5, 0, 0, hi_in=True),
            band(2, 0, lo_in=False),
        ),  # the single value 0, then everything above
        (band(5),),  # one band for every value
        (band(0, None, 60), band(5, 90), band(2, 60, 90)),  # any order
    ],
)
def test_valid_band_tables(bands: tuple[Band, ...]) -> None:
    perfrules.check(make_spec([quant("x", 5, "≥90%", method=Bands(bands=bands))]))


def test_two_bands_unbounded_below_overlap() -> None:
    spec = make_spec(
        [
            quant(
                "x",
                5,
                "≥90%",
                method=Bands(bands=(band(0, None, 60), band(2, None, 70), band(5, 70))),
            )
        ]
    )
    assert "bands" in codes_of_spec(spec)


def test_negative_derived_value_is_a_problem_not_a_crash() -> None:
    ind = attrs.evolve(
        quant("x", 5, "=0%", method=ADJUST),
        derive=Formula.parse("(budget.full_year - budget.initial) / budget.initial"),
    )
    spec = make_spec([ind])
    actuals = make_actuals(budget=BudgetAmounts(full_year=D(90), spent=D(80), initial=D(100)))
    with pytest.raises(SpecError):
        perfrules.evaluate(spec, actuals)


# ---------------------------------------------------------------------------
# rate × weight


@pytest.mark.parametrize(
    ("target", "actual", "weight", "score", "met"),
    [
        ("≥90%", "92.5", 9, "8.33", True),  # 8.325 exactly: half-up
        ("≥90%", "92.4", 9, "8.32", True),  # 8.316
        ("≥90%", "85", 9, "7.65", False),
        ("≥90%", "110", 9, "9", True),  # capped at the weight
        ("≥90%", "0", 9, "0", False),
        ("≥0.9", "0.925", 9, "8.33", True),  # no unit: the actual is the share
        ("≥90%", "99.95", 10, "10", True),  # 9.995 → 10
        ("≤10%", "8", 10, "0.8", True),  # the comparator decides only met
    ],
)
def test_rate_times_weight(target: str, actual: str, weight: int, score: str, met: bool) -> None:
    res = one(target, actual, weight, RateTimesWeight())
    assert (res.score, res.met, res.method) == (D(score), met, "rate")
    assert_cites(res, cite.RATE if target.endswith("%") else None)  # the text is of a rate in %
    if Fraction(D(actual)) > 100 and target.endswith("%"):
        assert "clamp" in [s.kind for s in res.steps]


def test_rate_needs_a_percent_or_unitless_target() -> None:
    spec = make_spec([quant("x", 9, "≥90分", method=RateTimesWeight())])
    assert codes_of_spec(spec) == ["method-target"]


# ---------------------------------------------------------------------------
# per_occurrence: 每出现一例扣 deduct 分，扣完为止


@pytest.mark.parametrize(
    ("count", "score"), [(0, "5"), (1, "4"), (4, "1"), (5, "0"), (6, "0"), (100, "0")]
)
def test_per_occurrence_reaches_zero(count: int, score: str) -> None:
    res = one("=0例", count, 5, PerOccurrence(deduct=D(1)))
    assert (res.score, res.met, res.method) == (D(score), count == 0, "per_occurrence")
    assert_cites(res, cite.PER_OCCURRENCE)
    if count > 5:
        assert "clamp" in [s.kind for s in res.steps]


def test_per_occurrence_count_must_be_whole() -> None:
    spec = make_spec([quant("x", 5, "=0例", method=PerOccurrence(deduct=D(1)))])
    problems = actuals_problems(spec, make_actuals(value("x", "1.5")))
    assert [(p.code, p.path) for p in problems] == [("actual-kind", ("indicators", "x", "value"))]
    assert "the value must be a whole number" in problems[0].message
    perfrules.check(spec, make_actuals(value("x", "2.0")))  # 2.0 is whole


def test_per_occurrence_deduct_must_be_positive() -> None:
    assert codes_of_spec(make_spec([quant("x", 5, "=0例", method=PerOccurrence(deduct=D(0)))])) == [
        "method-params"
    ]


def test_per_occurrence_derived_count_must_be_whole() -> None:
    ind = attrs.evolve(
        quant("x", 5, "=0", method=PerOccurrence(deduct=D(1))), derive=Formula.parse("a / b")
    )
    spec = make_spec([ind])
    assert "actual-kind" in [
        p.code for p in actuals_problems(spec, make_actuals(amounts={"a": "1", "b": "3"}))
    ]


# ---------------------------------------------------------------------------
# manual deductions (扣减分数)


def test_manual_deduction_after_the_method() -> None:
    res = one(
        "=0例",
        2,
        5,
        PerOccurrence(deduct=D(1)),
        deductions=(Deduction(points=D("0.5"), reason="专项资金未按进度下达"),),
    )
    assert res.score == D("2.5")
    assert res.reason == "出现2例，每例扣1分，扣2分；专项资金未按进度下达，扣0.5分"
    manual = [s for s in res.steps if s.kind == "deduction" and s.en.endswith("[manual_deduction]")]
    assert len(manual) == 1 and cite.MANUAL_DEDUCTION.document in manual[0].zh
    assert res.citation == cite.PER_OCCURRENCE  # the method's citation stays
    assert res.steps[-1].kind == "rule"


def test_manual_deductions_floor_at_zero_and_apply_to_met_targets() -> None:
    res = one(
        "≥10",
        10,
        3,
        None,
        deductions=(Deduction(points=D(2), reason="a"), Deduction(points=D(2), reason="b")),
    )
    assert (res.score, res.met) == (D(0), True)
    assert "clamp" in [s.kind for s in res.steps]
    assert res.reason == "a，扣2分；b，扣2分"
    assert res.full_marks is not None and "扣减分数4分" in res.full_marks.zh


def test_manual_deduction_on_a_qualitative_indicator() -> None:
    spec = make_spec(
        [
            perfrules.Indicator(
                id="q", name="定性", category="c", weight=D(10), target_text="按时完成"
            )
        ]
    )
    act = IndicatorActual(
        id="q", tier="达成", deductions=(Deduction(points=D(1), reason="材料不全"),)
    )
    res = perfrules.evaluate(spec, make_actuals(act)).indicator("q")
    assert (res.score, res.method) == (D(9), "qualitative")


@pytest.mark.parametrize(
    ("points", "reason", "codes"),
    [
        ("0", "r", ["deduction"]),
        ("-1", "r", ["deduction"]),
        ("0.005", "r", ["deduction"]),
        ("1", "", ["reason"]),
        ("1", "  ", ["reason"]),
        ("0", "", ["deduction", "reason"]),
    ],
)
def test_manual_deduction_rules(points: str, reason: str, codes: list[str]) -> None:
    spec = make_spec([quant("x", 5, "≥1")])
    act = IndicatorActual(
        id="x", value=D(1), deductions=(Deduction(points=D(points), reason=reason),)
    )
    assert [p.code for p in actuals_problems(spec, make_actuals(act))] == codes


# ---------------------------------------------------------------------------
# 不适用: not applicable, and the total rescaled


def _na_spec() -> Spec:
    inds = [quant("a", 30, "≥10"), quant("b", 30, "≥10"), quant("n", 30, "≥5")]
    return make_spec(inds, budget=BudgetExecution(weight=D(10)), filler=False)


def _na_actuals(a: str = "10", b: str = "5", spent: str = "90") -> Actuals:
    return Actuals(
        indicators=(
            value("a", a),
            value("b", b),
            IndicatorActual(id="n", not_applicable="本年度未开展"),
        ),
        budget=BudgetAmounts(full_year=D(100), spent=D(spent)),
    )


def test_not_applicable_rescales_the_total() -> None:
    ev = perfrules.evaluate(_na_spec(), _na_actuals())
    n = ev.indicator("n")
    assert (n.applicable, n.score, n.lost, n.met, n.method, n.actual) == (
        False,
        D(0),
        D(0),
        None,
        "not_applicable",
        "不适用",
    )
    assert n.citation == cite.NOT_APPLICABLE
    assert [s.kind for s in n.steps] == ["input", "policy", "rule"]
    cat = ev.category("c")
    assert (cat.score, cat.applicable_weight, cat.lost) == (D(45), D(60), D(15))
    # (30 + 15 + 9) ÷ (100 − 30) × 100 = 77.142857… → 77.14
    assert ev.total == D("77.14")
    zh = [s.zh for s in ev.total_steps]
    assert zh[0] == "总分 = 产出指标45 + 预算执行率9 = 54"
    assert (
        zh[1] == "不适用指标（指标n，分值合计30分）不考核，按百分制折算：54 ÷ 70 × 100 = ≈77.142857"
    )
    assert zh[2] == f"依据：{cite.NOT_APPLICABLE}"
    assert zh[-1] == "总分按四舍五入保留到0.01：≈77.142857 → 77.14"
    assert ev.lost == D("22.86")
    assert "n" not in [getattr(r, "id", "budget_execution") for r in ev.losses()]


def test_not_applicable_all_met_keeps_the_full_score() -> None:
    ev = perfrules.evaluate(_na_spec(), _na_actuals(b="10", spent="100"))
    assert (ev.total, ev.grade, ev.lost) == (D(100), "优", D(0))


def test_every_indicator_not_applicable_is_rejected() -> None:
    spec = _na_spec()
    actuals = Actuals(
        indicators=tuple(IndicatorActual(id=i, not_applicable="无") for i in ("a", "b", "n")),
        budget=BudgetAmounts(full_year=D(100), spent=D(100)),
    )
    problems = actuals_problems(spec, actuals)
    assert [p.code for p in problems] == ["not-applicable"]
    assert problems[0].message == "every indicator is marked not applicable: nothing to score"


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (IndicatorActual(id="n", not_applicable=" "), "reason"),
        (IndicatorActual(id="n", not_applicable="无", value=D(1)), "actual-kind"),
        (
            IndicatorActual(
                id="n", not_applicable="无", deductions=(Deduction(points=D(1), reason="r"),)
            ),
            "actual-kind",
        ),
    ],
)
def test_not_applicable_entries(entry: IndicatorActual, code: str) -> None:
    actuals = attrs.evolve(_na_actuals(), indicators=(value("a", 10), value("b", 10), entry))
    assert [p.code for p in actuals_problems(_na_spec(), actuals)] == [code]


def test_not_applicable_derived_indicator_needs_no_amounts() -> None:
    ind = attrs.evolve(quant("d", 30, "≤100%"), derive=Formula.parse("spent / budget"))
    spec = make_spec(
        [quant("a", 60, "≥1"), ind], budget=BudgetExecution(weight=D(10)), filler=False
    )
    actuals = Actuals(
        indicators=(value("a", 1), IndicatorActual(id="d", not_applicable="无此项支出")),
        budget=BudgetAmounts(full_year=D(100), spent=D(100)),
    )
    assert perfrules.evaluate(spec, actuals).total == D(100)


# ---------------------------------------------------------------------------
# overshoot deduction (按照偏离度适度调减分值)

OD = OvershootDeduction(threshold=D("1.3"), per=D("0.1"), deduct=D("0.5"))


@pytest.mark.parametrize(
    ("target", "actual", "partial", "score"),
    [
        ("≥10", "13", FLOOR, "10"),  # exactly at the threshold: nothing
        ("≥10", "13", CEIL, "10"),  # also under ceil: the threshold is exceeded strictly
        ("≥10", "13.01", FLOOR, "10"),
        ("≥10", "13.01", CEIL, "9.5"),
        (
            "≥10",
            "13.01",
            PROP,
            "10",
        ),  # 0.01 step × 0.5: 10 − 0.005 = 9.995, a tie, rounded half-up to 10
        ("≥10", "13.02", PROP, "9.99"),  # 10 − 0.01
        ("≥10", "13.5", PROP, "9.75"),  # half a step
        ("≥10", "14", FLOOR, "9.5"),  # exactly one step beyond
        ("≥10", "13.99", FLOOR, "10"),
        ("≥10", "16", FLOOR, "8.5"),
        ("≥10", "40", FLOOR, "0"),  # 27 steps: floored at 0
        ("=10", "14", FLOOR, "9.5"),  # exact targets too
        (">10", "14", FLOOR, "9.5"),
        ("≥10", "8", FLOOR, "8"),  # unmet: the ratio rule only
    ],
)
def test_overshoot_deduction_at_and_beyond_the_threshold(
    target: str, actual: str, partial: PartialStep, score: str
) -> None:
    policy = Policy(overshoot_deduction=attrs.evolve(OD, partial=partial))
    res = one(target, actual, 10, None, policy=policy)
    assert res.score == D(score)
    steps = [
        s for s in res.steps if s.kind == "deduction" and s.en.endswith("[overshoot_deduction]")
    ]
    ratio = Fraction(D(actual)) / 10
    n = {
        FLOOR: (ratio - Fraction(13, 10)) * 10 // 1,
        CEIL: -((Fraction(13, 10) - ratio) * 10 // 1),
        PROP: (ratio - Fraction(13, 10)) * 10,
    }[partial]
    assert bool(steps) == (
        ratio > Fraction(13, 10) and n > 0
    )  # a step appears whenever points are deducted
    assert res.citation.id.startswith("quantitative.")  # the ratio citation stays


def test_overshoot_deduction_skips_negative_targets_and_catalogue_methods() -> None:
    policy = Policy(overshoot_deduction=OD)
    assert one("≤10", "5", 10, None, policy=policy).score == D(10)
    for method in (step("1", "1"), RateTimesWeight(), KEY_SPENDING, PerOccurrence(deduct=D(1))):
        target = "=0例" if isinstance(method, PerOccurrence) else "≥10%"
        actual = "0" if isinstance(method, PerOccurrence) else "40"  # 400% of the target
        with_od, without = (
            one(target, actual, 10, method, policy=pol) for pol in (policy, Policy())
        )
        assert with_od.score == without.score
        assert not any(s.en.endswith("[overshoot_deduction]") for s in with_od.steps)


def test_overshoot_deduction_then_manual_deduction() -> None:
    res = one(
        "≥10",
        "16",
        10,
        None,
        policy=Policy(overshoot_deduction=OD),
        deductions=(Deduction(points=D(1), reason="台账不全"),),
    )
    assert res.score == D("7.5")
    kinds = [s.en.rsplit("[", 1)[-1] for s in res.steps if s.kind == "deduction"]
    assert kinds == ["overshoot_deduction]", "manual_deduction]"]
    assert res.reason is not None and res.reason.endswith("台账不全，扣1分")


@pytest.mark.parametrize(
    ("od", "key"),
    [
        (attrs.evolve(OD, threshold=D("0.9")), "threshold"),
        (attrs.evolve(OD, per=D(0)), "per"),
        (attrs.evolve(OD, deduct=D(0)), "deduct"),
    ],
)
def test_overshoot_deduction_parameters(od: OvershootDeduction, key: str) -> None:
    problems = spec_problems(
        make_spec([quant("x", 5, "≥1")], policy=Policy(overshoot_deduction=od))
    )
    assert [(p.code, p.path) for p in problems] == [
        ("policy", ("policy", "overshoot_deduction", key))
    ]


def test_overshoot_deduction_finer_than_the_grid_is_rejected_and_reasons_follow_losses() -> None:
    policy = Policy(overshoot_deduction=attrs.evolve(OD, deduct=D("0.001")))
    with pytest.raises(SpecError) as exc:
        one("≥10", "15", 10, None, policy=policy)
    assert [(p.code, p.path) for p in exc.value.problems] == [
        ("policy", ("policy", "overshoot_deduction", "deduct"))
    ]
    # a proportional step can still land off the grid; if it rounds away, no reason is left behind
    tiny = Policy(
        overshoot_deduction=attrs.evolve(OD, deduct=D("0.01"), partial=PartialStep.PROPORTIONAL)
    )
    res = one(
        "≥10", "13.02", 10, None, policy=tiny
    )  # (1.302 − 1.3) / 0.1 = 0.02 steps × 0.01 = 0.0002 → rounds away
    assert res.score == D(10) and res.reason is None


# ---------------------------------------------------------------------------
# bonus (加分项) and total_cap


def _bonus_spec(total_cap: bool = True) -> Spec:
    return attrs.evolve(
        make_spec([quant("x", 50, "≥10")]),
        bonus=(
            BonusItem(
                id="innovation", name="创新加分", cap=D(3), rule=RuleSource(document="某办法")
            ),
        ),
        policy=Policy(total_cap=total_cap),
    )


def _bonus_actuals(
    x: str, points: str, reason: str = "获评省级案例", award_id: str = "innovation"
) -> Actuals:
    return attrs.evolve(
        make_actuals(value("x", x)),
        bonus=(BonusAward(id=award_id, points=D(points), reason=reason),),
    )


def test_bonus_is_added_after_the_total() -> None:
    ev = perfrules.evaluate(_bonus_spec(), _bonus_actuals("9", "2"))
    assert ev.total == D(97)  # 45 + 50 + 2
    assert [(b.id, b.points, b.cap) for b in ev.bonus] == [("innovation", D(2), D(3))]
    assert ev.total_steps[-1].zh == "加分项“创新加分”加2分（上限3分）：获评省级案例（某办法）"


@pytest.mark.parametrize(("total_cap", "total", "lost"), [(True, "100", "0"), (False, "103", "0")])
def test_total_cap(total_cap: bool, total: str, lost: str) -> None:
    ev = perfrules.evaluate(_bonus_spec(total_cap), _bonus_actuals("10", "3"))
    assert (ev.total, ev.lost) == (D(total), D(lost))
    assert ("clamp" in [s.kind for s in ev.total_steps]) is total_cap


def test_bonus_without_rule_cites_the_bonus_citation() -> None:
    spec = attrs.evolve(
        _bonus_spec(), bonus=(BonusItem(id="innovation", name="创新加分", cap=D(3)),)
    )
    ev = perfrules.evaluate(spec, _bonus_actuals("9", "1"))
    assert ev.total == D(96)
    assert (
        ev.total_steps[-1].zh
        == f"加分项“创新加分”加1分（上限3分）：获评省级案例（{cite.BONUS.document}）"
    )


@pytest.mark.parametrize(("points", "reason"), [("4", "r"), ("0", "r"), ("0.001", "r"), ("1", " ")])
def test_bonus_award_rules(points: str, reason: str) -> None:
    codes = [p.code for p in actuals_problems(_bonus_spec(), _bonus_actuals("10", points, reason))]
    assert codes == (["reason"] if reason.strip() == "" else ["bonus"])


def test_unknown_bonus_has_a_did_you_mean() -> None:
    problems = actuals_problems(_bonus_spec(), _bonus_actuals("10", "1", award_id="inovation"))
    assert [(p.code, p.suggestion) for p in problems] == [("unknown-bonus", "innovation")]
    assert problems[0].message == "'inovation' is not a bonus item of this spec"


@pytest.mark.parametrize("cap", ["0", "-1", "0.005"])
def test_bonus_cap_must_be_positive_on_the_grid(cap: str) -> None:
    spec = attrs.evolve(_bonus_spec(), bonus=(BonusItem(id="b", name="b", cap=D(cap)),))
    assert codes_of_spec(spec) == ["bonus"]


def test_duplicate_bonus_and_veto_ids() -> None:
    spec = attrs.evolve(
        _bonus_spec(),
        bonus=(BonusItem(id="b", name="b", cap=D(1)),) * 2,
        vetoes=(Veto(id="v", name="v"),) * 2,
    )
    assert codes_of_spec(spec) == ["duplicate-id", "duplicate-id"]


def test_bonus_award_must_be_a_table_with_its_reason() -> None:
    """`[bonus] id = 2` has no shorthand: an award always needs its reason, so it is a table."""
    spec = _bonus_spec()
    with pytest.raises(SpecError) as exc:
        perfrules.loads_actuals(
            "[indicators]\nx = 10\nfill = 1\n[bonus]\ninnovation = 2\n", spec=spec
        )
    assert [(p.code, p.path) for p in exc.value.problems] == [
        ("invalid-value", ("bonus", "innovation"))
    ]
    assert "table" in exc.value.problems[0].message


# ---------------------------------------------------------------------------
# vetoes (一票否决)


def _veto_spec() -> Spec:
    return attrs.evolve(
        make_spec([quant("x", 50, "≥10")]),
        vetoes=(
            Veto(id="violation", name="重大违纪违规"),
            Veto(id="accident", name="重大安全事故", effect=VetoEffect.ZERO),
        ),
    )


def _vetoed(*triggers: tuple[str, str], x: str = "10") -> Evaluation:
    actuals = attrs.evolve(
        make_actuals(value("x", x)), vetoes=tuple(VetoTrigger(id=i, reason=r) for i, r in triggers)
    )
    return perfrules.evaluate(_veto_spec(), actuals)


def test_veto_grade_sets_the_lowest_grade_by_default() -> None:
    ev = _vetoed(("violation", "审计发现挪用资金"))
    assert (ev.total, ev.grade) == (D(100), "差")
    assert ev.grade_steps[-1].zh == "一票否决（重大违纪违规）：等级定为“差”"
    assert [(v.id, v.effect, v.reason) for v in ev.vetoes] == [
        ("violation", "grade", "审计发现挪用资金")
    ]
    assert (
        ev.total_steps[-1].zh
        == f"一票否决“重大违纪违规”：审计发现挪用资金；等级按规定确定（{cite.VETO.document}）"
    )


def test_veto_zero_sets_the_total_to_zero() -> None:
    ev = _vetoed(("accident", "发生重大安全事故"))
    assert (ev.total, ev.grade, ev.lost) == (D(0), "差", D(100))
    assert ev.total_steps[-1].zh.startswith("一票否决“重大安全事故”：发生重大安全事故；总分记为0分")


def test_veto_with_a_declared_grade() -> None:
    spec = attrs.evolve(
        _veto_spec(), vetoes=(Veto(id="violation", name="重大违纪违规", grade="中"),)
    )
    actuals = attrs.evolve(
        make_actuals(value("x", 10)), vetoes=(VetoTrigger(id="violation", reason="r"),)
    )
    assert perfrules.evaluate(spec, actuals).grade == "中"  # 100 would be 优


def test_a_veto_never_improves_the_grade() -> None:
    spec = attrs.evolve(
        _veto_spec(), vetoes=(Veto(id="violation", name="重大违纪违规", grade="中"),)
    )
    actuals = attrs.evolve(
        make_actuals(value("x", 1)), vetoes=(VetoTrigger(id="violation", reason="r"),)
    )
    ev = perfrules.evaluate(spec, actuals)
    assert ev.total == D(55)  # 5 + 50: 差 by the total
    assert ev.grade == "差"


def test_unknown_veto_has_a_did_you_mean() -> None:
    spec = _veto_spec()
    actuals = attrs.evolve(
        make_actuals(value("x", 10)), vetoes=(VetoTrigger(id="violaton", reason="r"),)
    )
    problems = actuals_problems(spec, actuals)
    assert [(p.code, p.suggestion) for p in problems] == [("unknown-veto", "violation")]


def test_triggered_veto_needs_a_reason() -> None:
    actuals = attrs.evolve(
        make_actuals(value("x", 10)), vetoes=(VetoTrigger(id="violation", reason=""),)
    )
    assert [p.code for p in actuals_problems(_veto_spec(), actuals)] == ["reason"]


@pytest.mark.parametrize(
    ("veto", "message"),
    [
        (Veto(id="v", name="v", grade="丁"), "veto 'v': '丁' is not a grade of this spec"),
        (
            Veto(id="v", name="v", effect=VetoEffect.ZERO, grade="差"),
            "veto 'v': a grade only goes with effect = \"grade\"",
        ),
    ],
)
def test_veto_declarations(veto: Veto, message: str) -> None:
    problems = spec_problems(attrs.evolve(_veto_spec(), vetoes=(veto,)))
    assert [(p.code, p.message) for p in problems] == [("veto", message)]


# ---------------------------------------------------------------------------
# budget execution by bands or by steps

BUDGET_BANDS = Bands(bands=(band(10, 95), band(8, 90, 95), band(6, 80, 90), band(0, None, 80)))


def _budget(
    method: Bands | StepDeduction, spent: str, full_year: str = "1000"
) -> perfrules.BudgetExecutionResult:
    spec = make_spec([], budget=BudgetExecution(weight=D(10), method=method))
    ev = perfrules.evaluate(
        spec, make_actuals(budget=BudgetAmounts(full_year=D(full_year), spent=D(spent)))
    )
    assert ev.budget_execution is not None
    return ev.budget_execution


@pytest.mark.parametrize(
    ("spent", "score"),
    [
        ("925", "8"),
        ("950", "10"),
        ("949.99", "8"),
        ("900", "8"),
        ("899.99", "6"),
        ("800", "6"),
        ("799.99", "0"),
        ("1100", "10"),
        ("0", "0"),
    ],
)
def test_budget_execution_by_bands(spent: str, score: str) -> None:
    be = _budget(BUDGET_BANDS, spent)
    assert be.score == D(score)
    assert_cites(be, cite.BUDGET_METHOD)
    assert be.policy == "method bands"  # the method, not the unused default policy, scored the row
    assert [s.kind for s in be.steps[:2]] == ["input", "formula"]


@pytest.mark.parametrize(
    ("spent", "partial", "score"),
    [
        ("1000", CEIL, "10"),
        ("1050", CEIL, "10"),
        ("995", CEIL, "9.8"),
        ("995", FLOOR, "10"),
        ("990", FLOOR, "9.8"),
        ("965.2", CEIL, "9.2"),
        ("965.2", PROP, "9.3"),
        ("400", FLOOR, "0"),
    ],
)
def test_budget_execution_by_steps(spent: str, partial: PartialStep, score: str) -> None:
    be = _budget(step("1", "0.2", partial), spent)
    assert be.score == D(score)
    assert_cites(be, cite.BUDGET_METHOD)


def test_budget_execution_method_must_be_bands_or_step() -> None:
    text = '[meta]\nid = "x"\ntitle = "x"\nunit = "x"\nyear = 2024\nkind = "项目支出"\n[budget_execution]\nmethod = "rate"\n'
    with pytest.raises(SpecError) as exc:
        perfrules.loads_spec(text)
    problems = [p for p in exc.value.problems if p.path[0] == "budget_execution"]
    assert [(p.code, p.path) for p in problems] == [
        ("invalid-value", ("budget_execution", "method"))
    ]
    assert "not 'rate'" in problems[0].message


def test_budget_execution_bands_are_checked() -> None:
    spec = make_spec(
        [],
        budget=BudgetExecution(weight=D(10), method=Bands(bands=(band(10, 95), band(0, None, 90)))),
    )
    problems = spec_problems(spec)
    assert [(p.code, p.path[:2]) for p in problems] == [("bands", ("budget_execution", "method"))]


def test_declared_rules_add_a_rule_step() -> None:
    spec = make_spec(
        [
            quant(
                "x",
                5,
                "≤100%",
                method=step("1", "0.5"),
                rule=RuleSource(document="共性指标", text="每超过一个百分点扣0.5分"),
            )
        ],
        budget=BudgetExecution(
            weight=D(10), method=BUDGET_BANDS, rule=RuleSource(document="某办法")
        ),
    )
    ev = perfrules.evaluate(
        spec, make_actuals(value("x", 101), budget=BudgetAmounts(full_year=D(100), spent=D(100)))
    )
    x = ev.indicator("x")
    assert x.rule == RuleSource(document="共性指标", text="每超过一个百分点扣0.5分")
    # the row's own rule is cited first, then the generic text that is this row's rule too
    assert [s.zh for s in x.steps if s.kind == "rule"] == [
        "本指标计分规则：共性指标：每超过一个百分点扣0.5分",
        f"依据：{cite.STEP}",
    ]
    assert x.citation == cite.STEP
    be = ev.budget_execution
    assert be is not None
    assert [s.zh for s in be.steps if s.kind == "rule"][0] == "本项计分规则：某办法"


# ---------------------------------------------------------------------------
# properties

quanta = st.sampled_from([D("0.01"), D("0.1"), D(1)])


@st.composite
def weights(draw: st.DrawFn, quantum: Decimal) -> Decimal:
    return (
        draw(st.integers(1, 2000)) * quantum if quantum < 1 else Decimal(draw(st.integers(1, 30)))
    )


def decimals(lo: int = 0, hi: int = 300, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.integers(lo * 10**places, hi * 10**places).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def band_tables(
    draw: st.DrawFn, weight: Decimal, quantum: Decimal, *, decreasing_from: str = "top"
) -> Bands:
    """A valid band table over [0, ∞) with random cut points and edge inclusivity.

    ``decreasing_from="top"``: scores never rise as the value falls (a ≥ target);
    ``"bottom"``: scores never rise as the value rises (a ≤ target); ``"any"``: random.
    """
    cuts = sorted(set(draw(st.lists(decimals(1, 200), min_size=0, max_size=5))))
    grid = int(weight / quantum)
    scores = [draw(st.integers(0, grid)) * quantum for _ in range(len(cuts) + 1)]
    if decreasing_from == "top":
        scores.sort()
    elif decreasing_from == "bottom":
        scores.sort(reverse=True)
    incl = [draw(st.booleans()) for _ in cuts]  # whether each cut belongs to the band above it
    out = []
    for i in range(len(cuts) + 1):
        lo = None if i == 0 else cuts[i - 1]
        hi = None if i == len(cuts) else cuts[i]
        out.append(
            Band(
                score=scores[i],
                min=lo,
                max=hi,
                min_inclusive=True if lo is None else incl[i - 1],
                max_inclusive=False if hi is None else not incl[i],
            )
        )
    return Bands(bands=tuple(draw(st.permutations(out))))


@st.composite
def catalogue_indicators(draw: st.DrawFn, quantum: Decimal) -> tuple[Indicator, Decimal]:
    """A catalogue indicator (step, bands, rate or per_occurrence) and an actual for it."""
    w = draw(weights(quantum))
    kind = draw(st.sampled_from(["step", "bands", "deviation", "rate", "per_occurrence"]))
    cmp = draw(st.sampled_from(["≥", ">", "≤", "<", "="]))
    t = draw(decimals(1, 150))
    if kind == "step":
        method: object = StepDeduction(
            per=draw(decimals(0, 20).filter(lambda d: d > 0)),
            deduct=draw(decimals(0, 10).filter(lambda d: d > 0)),
            partial=draw(st.sampled_from(list(PartialStep))),
        )
    elif kind == "bands":
        method = draw(band_tables(w, quantum, decreasing_from="any"))
    elif kind == "deviation":
        method = attrs.evolve(
            draw(band_tables(w, quantum, decreasing_from="bottom")), on=BandBasis.DEVIATION
        )
    elif kind == "rate":
        method = RateTimesWeight()
    else:
        method, cmp, t = (
            PerOccurrence(deduct=draw(decimals(0, 10).filter(lambda d: d > 0))),
            "=",
            Decimal(0),
        )
    target = QuantitativeTarget.parse(f"{cmp}{t}%")
    actual = (
        Decimal(draw(st.integers(0, 50))) if kind == "per_occurrence" else draw(decimals(0, 300))
    )
    ind = Indicator(id="x", name="x", category="c", weight=w, target=target, method=method)  # type: ignore[arg-type]
    return ind, actual


def _spec_one(ind: Indicator, quantum: Decimal, **kw: object) -> Spec:
    rest = Decimal(100) - ind.weight if ind.weight < 100 else None
    inds = [ind] + ([quant("fill", str(rest), "≥1")] if rest else [])
    total = sum((i.weight for i in inds), Decimal(0))
    return Spec(
        meta=Meta(id="p", title="p", unit="u", year=2024, kind=Kind.PROJECT, total=total),
        categories=(Category(id="c", name="c", weight=total),),
        indicators=tuple(inds),
        rounding=perfrules.Rounding(score=quantum, total=quantum),
        grades=(perfrules.GradeBand(name="—", min=Decimal(0)),),
        **kw,  # type: ignore[arg-type]
    )


def _score(spec: Spec, actual: Decimal) -> perfrules.IndicatorResult:
    acts = [IndicatorActual(id="x", value=actual)] + (
        [fill_actual()] if len(spec.indicators) > 1 else []
    )
    return perfrules.evaluate(spec, Actuals(indicators=tuple(acts))).indicator("x")


@PROPS
@given(st.data())
def test_catalogue_scores_lie_in_zero_to_weight_on_the_grid(data: st.DataObject) -> None:
    quantum = data.draw(quanta)
    ind, actual = data.draw(catalogue_indicators(quantum))
    res = _score(_spec_one(ind, quantum), actual)
    assert Decimal(0) <= res.score <= ind.weight
    assert (Fraction(res.score) / Fraction(quantum)).denominator == 1
    assert res.lost == ind.weight - res.score
    assert (res.reason is None) == (res.lost == 0)
    if res.citation is not None:  # a generic text only where it is the row's rule, named by a step
        assert res.citation.id == res.method and res.steps[-1].kind == "rule"


@PROPS
@given(st.data())
def test_step_is_monotone_away_from_the_target(data: st.DataObject) -> None:
    quantum = data.draw(quanta)
    w = data.draw(weights(quantum))
    cmp = data.draw(st.sampled_from(["≥", ">", "≤", "<", "="]))
    method = StepDeduction(
        per=data.draw(decimals(0, 20).filter(lambda d: d > 0)),
        deduct=data.draw(decimals(0, 10).filter(lambda d: d > 0)),
        partial=data.draw(st.sampled_from(list(PartialStep))),
    )
    t = data.draw(decimals(0, 150))
    ind = Indicator(
        id="x",
        name="x",
        category="c",
        weight=w,
        target=QuantitativeTarget.parse(f"{cmp}{t}"),
        method=method,
    )
    spec = _spec_one(ind, quantum)
    d1, d2 = sorted(data.draw(st.lists(decimals(0, 150), min_size=2, max_size=2)))
    direction = ind.target.comparator.direction  # type: ignore[union-attr]
    sides = [1] if direction == "negative" else [-1] if direction == "positive" else [1, -1]
    for side in sides:
        near, far = t + side * d1, t + side * d2
        assume(near >= 0 and far >= 0)
        assert _score(spec, far).score <= _score(spec, near).score
    if direction == "equal":  # symmetric around an exact target
        assume(t - d1 >= 0)
        assert _score(spec, t - d1).score == _score(spec, t + d1).score


@PROPS
@given(st.data())
def test_bands_with_falling_scores_are_monotone(data: st.DataObject) -> None:
    quantum = data.draw(quanta)
    w = data.draw(weights(quantum))
    positive = data.draw(st.booleans())
    method = data.draw(band_tables(w, quantum, decreasing_from="top" if positive else "bottom"))
    ind = Indicator(
        id="x",
        name="x",
        category="c",
        weight=w,
        method=method,
        target=QuantitativeTarget.parse("≥90%" if positive else "≤10%"),
    )
    spec = _spec_one(ind, quantum)
    lo, hi = sorted(data.draw(st.lists(decimals(0, 250), min_size=2, max_size=2)))
    if positive:  # moving down, away from a ≥ target, never gains
        assert _score(spec, lo).score <= _score(spec, hi).score
    else:  # moving up, away from a ≤ target, never gains
        assert _score(spec, hi).score <= _score(spec, lo).score
    # and the value falls in exactly one band
    assert (
        len([b for b in method.bands if perfrules.core._scoring.band_holds(b, Fraction(lo))]) == 1
    )


@PROPS
@given(st.data())
def test_deviation_bands_are_symmetric_and_monotone(data: st.DataObject) -> None:
    quantum = data.draw(quanta)
    w = data.draw(weights(quantum))
    method = attrs.evolve(
        data.draw(band_tables(w, quantum, decreasing_from="bottom")), on=BandBasis.DEVIATION
    )
    t = data.draw(decimals(1, 150))
    ind = Indicator(
        id="x",
        name="x",
        category="c",
        weight=w,
        method=method,
        target=QuantitativeTarget.parse(f"={t}"),
    )
    spec = _spec_one(ind, quantum)
    d1, d2 = sorted(data.draw(st.lists(decimals(0, 150), min_size=2, max_size=2)))
    assume(t - d2 >= 0)
    assert _score(spec, t + d1).score == _score(spec, t - d1).score
    assert _score(spec, t + d2).score <= _score(spec, t + d1).score


@PROPS
@given(st.data())
def test_rate_is_monotone_in_the_actual(data: st.DataObject) -> None:
    quantum = data.draw(quanta)
    w = data.draw(weights(quantum))
    ind = Indicator(
        id="x",
        name="x",
        category="c",
        weight=w,
        method=RateTimesWeight(),
        target=QuantitativeTarget.parse(
            data.draw(st.sampled_from(["≥90%", "≤10%", "=50%", "≥0.9"]))
        ),
    )
    spec = _spec_one(ind, quantum)
    a1, a2 = sorted(data.draw(st.lists(decimals(0, 200), min_size=2, max_size=2)))
    s1, s2 = _score(spec, a1).score, _score(spec, a2).score
    assert s1 <= s2
    share = Fraction(a2) / (100 if ind.target.unit == "%" else 1)  # type: ignore[union-attr]
    assert s2 == min(perfrules.core._exact.round_half_up(share * Fraction(w), quantum), w)


@PROPS
@given(st.data())
def test_per_occurrence_is_monotone_in_the_count(data: st.DataObject) -> None:
    w = Decimal(data.draw(st.integers(1, 30)))
    ind = Indicator(
        id="x",
        name="x",
        category="c",
        weight=w,
        method=PerOccurrence(deduct=data.draw(decimals(0, 5).filter(lambda d: d > 0))),
        target=QuantitativeTarget.parse("=0例"),
    )
    spec = _spec_one(ind, D("0.01"))
    c1, c2 = sorted(data.draw(st.lists(st.integers(0, 40), min_size=2, max_size=2)))
    assert _score(spec, Decimal(c2)).score <= _score(spec, Decimal(c1)).score


@PROPS
@given(st.data())
def test_rescaling_keeps_a_fully_met_applicable_set_at_the_full_score(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 8))
    budget = data.draw(st.booleans())
    units = (
        9000 if budget else 10000
    )  # in 0.01 points; with a budget row of 10, the indicators hold 90
    cuts = sorted(
        data.draw(st.lists(st.integers(1, units - 1), min_size=n - 1, max_size=n - 1, unique=True))
    )
    weights_ = [
        Decimal(hi - lo).scaleb(-2) for lo, hi in zip([0, *cuts], [*cuts, units], strict=True)
    ]
    inds = [
        Indicator(
            id=f"i{k}", name=f"i{k}", category="c", weight=wt, target=QuantitativeTarget.parse("≥1")
        )
        for k, wt in enumerate(weights_)
    ]
    dropped = data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    spec = Spec(
        meta=Meta(id="p", title="p", unit="u", year=2024, kind=Kind.DEPARTMENT),
        categories=(Category(id="c", name="c", weight=sum(weights_, Decimal(0))),),
        indicators=tuple(inds),
        budget_execution=BudgetExecution(weight=D(10)) if budget else None,
    )
    acts = tuple(
        IndicatorActual(id=f"i{k}", not_applicable="不适用")
        if k in dropped
        else IndicatorActual(id=f"i{k}", value=D(1))
        for k in range(n)
    )
    actuals = Actuals(
        indicators=acts, budget=BudgetAmounts(full_year=D(100), spent=D(100)) if budget else None
    )
    ev = perfrules.evaluate(spec, actuals)
    assert (ev.total, ev.grade) == (D(100), "优")
    assert ev.category("c").applicable_weight == sum(
        (w for k, w in enumerate(weights_) if k not in dropped), Decimal(0)
    )


# ---------------------------------------------------------------------------
# examples/catalogue-demo, in full


def test_catalogue_demo_full_result() -> None:
    spec, actuals = perfrules.load_example(ROOT / "examples" / "catalogue-demo")
    ev = perfrules.evaluate(spec, actuals)
    got = {r.id: (r.score, r.lost, r.method, r.met, r.citation.id) for r in ev.indicators}
    assert got == {
        "staff_control": (D(4), D(1), "step", False, "step"),  # 102.5%: 2 whole steps × 0.5
        "three_public_control": (D(3), D(3), "step", False, "step"),  # derived 103.5%: 3 steps × 1
        "key_spending": (D(4), D(1), "bands", False, "bands"),  # 85 in [80, 90)
        "compliance": (
            D("2.5"),
            D("2.5"),
            "per_occurrence",
            False,
            "per_occurrence",
        ),  # 5 − 2, − 0.5 by hand
        "satisfaction": (D("8.33"), D("0.67"), "rate", True, "rate"),  # 8.325 half-up
        "trainings": (
            D("28.5"),
            D("1.5"),
            "ratio",
            True,
            "quantitative.positive",
        ),  # 160%: 3 steps × 0.5
        "pilot": (D(0), D(0), "not_applicable", None, "not_applicable"),
    }
    assert ev.indicator("three_public_control").actual == "103.50%"
    assert [r.applicable for r in ev.indicators].count(False) == 1
    be = ev.budget_execution
    assert be is not None and (be.score, be.lost, be.citation.id, be.rate_display) == (
        D(8),
        D(2),
        "budget_execution.method",
        "92.50%",
    )
    assert [(c.id, c.score, c.lost, c.applicable_weight) for c in ev.categories] == [
        ("input", D("21.83"), D("8.17"), None),
        ("output", D("28.5"), D("1.5"), D(30)),
    ]
    assert [(b.id, b.points, b.cap) for b in ev.bonus] == [("innovation", D("1.5"), D(2))]
    assert ev.vetoes == ()
    assert (ev.total, ev.grade, ev.lost) == (D("84.83"), "良", D("15.17"))
    assert [s.kind for s in ev.total_steps] == ["formula", "formula", "rule", "formula", "round"]
    assert [w.code for w in ev.warnings] == ["overshoot"]
    assert [getattr(r, "id", "budget_execution") for r in ev.losses()] == [
        "three_public_control",
        "compliance",
        "budget_execution",
        "trainings",
        "staff_control",
        "key_spending",
        "satisfaction",
    ]
