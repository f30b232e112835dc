"""Properties that hold for every valid spec and actuals, drawn and checked by the perfrules.testing kit.

The specs mix every method of the rule catalogue (ratio, inverse_ratio,
linear_overshoot, qualitative tiers, step, bands, rate, per_occurrence),
budget execution by policy, bands or steps, derived actuals (tables and
formulas), 不适用 indicators, manual deductions, the overshoot deduction,
bonus items and vetoes, numeric rows whose actual is stated in words (据陈述,
by the spec's ``[stated]`` declaration), specs that declare ``policy.weight_precision =
"allow"`` with weights finer than their rows' quanta; the actuals sit near the rules'
boundaries. The
scores are checked against an independent reference implementation of the
rules (decimal module, ROUND_HALF_UP) and against the kit's stock properties.
"""

from __future__ import annotations

import decimal
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs
import pytest
from conftest import SEED_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from strategies import mutated

import perfrules
from perfrules import (
    Band,
    BandBasis,
    Bands,
    Comparator,
    Derivation,
    EqualAbove,
    Evaluation,
    ExecutionBase,
    ExecutionPolicy,
    Indicator,
    IndicatorActual,
    InverseRatio,
    LinearOvershoot,
    NegativeRule,
    PartialStep,
    PerOccurrence,
    RateTimesWeight,
    Spec,
    SpecError,
    StepDeduction,
    VetoEffect,
    WeightPrecision,
)
from perfrules.model import Deviation, Formula
from perfrules.model._formula import Binary, Name
from perfrules.testing import (
    Case,
    actuals_for,
    cases,
    check_deterministic,
    check_explained,
    check_grade,
    check_monotone,
    check_rescaling,
    check_round_trip,
    check_score_bounds,
    check_subtotals,
    check_total,
    specs,
)

PROPS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


CASES = cases(stated=None)
"""The project's own cases: every method, and sometimes numeric rows stated in words (据陈述)."""


def evaluate(case: Case) -> Evaluation:
    return perfrules.evaluate(case.spec, case.actuals)


# ---------------------------------------------------------------------------
# an independent reference for the scoring rules (decimal module, ROUND_HALF_UP),
# written from docs/scoring.md and docs/spec-format.md

CTX = decimal.Context(prec=80, rounding=decimal.ROUND_HALF_UP)


def ref_round(value: Fraction, quantum: Decimal) -> Decimal:
    """四舍五入 to ``quantum`` via the decimal module at 80 digits (independent of perfrules' integer rounding)."""
    exact = CTX.divide(Decimal(value.numerator), Decimal(value.denominator))
    # quantize() keeps the quantum's exponent as written: 0.10 would mean 0.01, 1E+1 tens
    return exact.quantize(quantum.normalize(context=CTX), context=CTX)


def ref_finish(raw: Fraction, weight: Decimal, quantum: Decimal) -> Decimal:
    """Clamp to [0, weight], then round once.

    The weight caps the raw score, not the rounded one: under ``policy.weight_precision =
    "allow"`` a weight finer than the quantum is scored as written, so a met 4.5 rounded to whole
    points scores 5 and a met 4.4 scores 4 (docs/scoring.md, "Weights fit the quantum").
    """
    return ref_round(min(max(raw, Fraction(0)), Fraction(weight)), quantum)


def ref_quantum(spec: Spec, ind: Indicator) -> Decimal:
    """The quantum a row's score is rounded to: its own ``round_to`` where it declares one (in
    place of ``rounding.score``, for every rounding of the row: the method's score, the overshoot
    and manual deductions, a qualitative tier's top), else ``rounding.score``."""
    return spec.rounding.score if ind.round_to is None else ind.round_to


def ref_steps(distance: Fraction, per: Fraction, partial: PartialStep) -> Fraction:
    if partial is PartialStep.FLOOR:
        return Fraction(math.floor(distance / per))
    if partial is PartialStep.CEIL:
        return Fraction(math.ceil(distance / per))
    return distance / per


def ref_in_band(band: Band, v: Fraction) -> bool:
    lo = None if band.min is None else Fraction(band.min)
    hi = None if band.max is None else Fraction(band.max)
    above = lo is None or v > lo or (v == lo and band.min_inclusive)
    below = hi is None or v < hi or (v == hi and band.max_inclusive)
    return above and below


def ref_ratio(spec: Spec, ind: Indicator, a: Fraction) -> Fraction:
    assert ind.target is not None
    t, w = Fraction(ind.target.value), Fraction(ind.weight)
    cmp = ind.target.comparator
    if isinstance(ind.method, LinearOvershoot):
        linear = True
    elif isinstance(ind.method, InverseRatio):
        linear = False
    else:
        linear = spec.policy.negative is NegativeRule.LINEAR_OVERSHOOT
    met = {
        Comparator.GE: a >= t,
        Comparator.GT: a > t,
        Comparator.LE: a <= t,
        Comparator.LT: a < t,
        Comparator.EQ: a == t,
    }[cmp]
    if met:
        return w
    if cmp in (Comparator.GE, Comparator.GT) or (cmp is Comparator.EQ and a < t):
        return Fraction(0) if t == 0 else a / t * w  # 按完成值与指标值的比例记分
    if cmp is Comparator.EQ:  # above an exact target
        if t == 0:
            return Fraction(0)
        return w if spec.policy.equal_above is EqualAbove.FULL else t / a * w
    if linear:
        return Fraction(0) if t == 0 else (1 - (a - t) / t) * w
    return Fraction(0) if a == 0 else t / a * w


def ref_method(spec: Spec, ind: Indicator, a: Fraction) -> Decimal:
    """The score of a quantitative indicator before manual deductions."""
    assert ind.target is not None
    t, w, q = Fraction(ind.target.value), Fraction(ind.weight), ref_quantum(spec, ind)
    m = ind.method
    direction = ind.target.comparator.direction
    if isinstance(m, StepDeduction):  # 每超过/低于 per 扣 deduct 分，扣完为止
        if m.start is not None:  # counted from the rule's start point (起扣点), not the target
            t = Fraction(m.start)
        if direction == "negative":
            distance = max(a - t, Fraction(0))
        elif direction == "positive":
            distance = max(t - a, Fraction(0))
        else:
            distance = abs(a - t)
        return ref_finish(
            w - ref_steps(distance, Fraction(m.per), m.partial) * Fraction(m.deduct), ind.weight, q
        )
    if isinstance(m, Bands):  # 区间计分
        v = a if m.on is BandBasis.ACTUAL else abs(a - t) / t * 100
        (band,) = [
            b for b in m.bands if ref_in_band(b, v)
        ]  # exactly one band holds every value ≥ 0
        return ref_finish(Fraction(band.score), ind.weight, q)
    if isinstance(m, RateTimesWeight):  # rate × weight, met or not
        share = a / 100 if ind.target.unit == "%" else a
        return ref_finish(share * w, ind.weight, q)
    if isinstance(m, PerOccurrence):  # 每出现一例扣 deduct 分
        return ref_finish(w - a * Fraction(m.deduct), ind.weight, q)
    if isinstance(
        m, Deviation
    ):  # 偏差计分: |a − plan| / plan × 100 in one band, its share × weight
        d = abs(a - t) / t * 100
        (hit,) = [
            b
            for b in m.shares
            if ref_in_band(
                Band(
                    score=b.share,
                    min=b.min,
                    max=b.max,
                    min_inclusive=b.min_inclusive,
                    max_inclusive=b.max_inclusive,
                ),
                d,
            )
        ]
        return ref_finish(Fraction(hit.share) * w, ind.weight, q)
    score = ref_finish(ref_ratio(spec, ind, a), ind.weight, q)
    od = (
        spec.policy.overshoot_deduction
    )  # 按照偏离度适度调减分值, on ratio scoring of ≥ > = targets above 0
    if od is not None and direction != "negative" and t > 0 and a / t > Fraction(od.threshold):
        points = ref_steps(a / t - Fraction(od.threshold), Fraction(od.per), od.partial) * Fraction(
            od.deduct
        )
        if points > 0:
            score = ref_finish(Fraction(score) - points, ind.weight, q)
    return score


def ref_qualitative(spec: Spec, ind: Indicator, act: IndicatorActual) -> Decimal:
    assert act.tier is not None
    tier = spec.tier(act.tier)
    w, q = Fraction(ind.weight), Fraction(ref_quantum(spec, ind))
    if act.score is not None:
        raw = Fraction(act.score)
    elif tier.max_inclusive:
        raw = w * Fraction(tier.max)
    else:  # the largest multiple of the quantum strictly below the top, not below the bottom
        hi = w * Fraction(tier.max)
        k = hi // q
        if k * q == hi:
            k -= 1
        raw = max(k * q, w * Fraction(tier.min))
    return ref_finish(raw, ind.weight, ref_quantum(spec, ind))


def ref_formula(node: object, env: dict[str, Fraction]) -> Fraction:
    """The formulas the kit generates: names, + and /."""
    if isinstance(node, Name):
        return env[node.name]
    assert isinstance(node, Binary) and node.op in "+/", node
    left, right = ref_formula(node.left, env), ref_formula(node.right, env)
    return left + right if node.op == "+" else left / right


def ref_stated(spec: Spec, ind: Indicator, word: str) -> Decimal:
    """据陈述: a declared met word earns met_share of the weight, a not-met word not_met_share; no number."""
    words = spec.stated
    assert words is not None, "a stated actual needs the spec's [stated]"
    if word in words.met:
        share = Fraction(words.met_share)
    else:
        assert word in words.not_met, word
        share = Fraction(words.not_met_share)
    return ref_finish(share * Fraction(ind.weight), ind.weight, ref_quantum(spec, ind))


def is_stated(case: Case, ind: Indicator) -> bool:
    act = case.actuals.indicator(ind.id)
    return act is not None and act.stated is not None


def actual_of(case: Case, ind: Indicator) -> Fraction:
    assert ind.target is not None
    if ind.derive is not None:
        env = {a.name: Fraction(a.value) for a in case.actuals.amounts}
        b = case.actuals.budget
        if b is not None:
            env |= {"budget.full_year": Fraction(b.full_year), "budget.spent": Fraction(b.spent)}
        if isinstance(ind.derive, Derivation):
            ratio = env[ind.derive.numerator] / env[ind.derive.denominator]
        else:
            assert isinstance(ind.derive, Formula)
            ratio = ref_formula(ind.derive.root, env)
        return ratio * (100 if ind.target.unit == "%" else 1)
    act = case.actuals.indicator(ind.id)
    assert act is not None and act.value is not None
    return Fraction(act.value)


def ref_indicator(case: Case, ind: Indicator) -> Decimal:
    spec, act = case.spec, case.actuals.indicator(ind.id)
    if act is not None and act.not_applicable is not None:
        return Decimal(0)
    if ind.is_qualitative:
        assert act is not None
        score = ref_qualitative(spec, ind, act)
    elif act is not None and act.stated is not None:
        score = ref_stated(spec, ind, act.stated)
    else:
        score = ref_method(spec, ind, actual_of(case, ind))
    if act is not None and act.deductions:  # 扣减分数, floored at 0
        cut = sum((Fraction(d.points) for d in act.deductions), Fraction(0))
        score = ref_finish(Fraction(score) - cut, ind.weight, ref_quantum(spec, ind))
    return score


def ref_budget(case: Case) -> Decimal:
    block, budget = case.spec.budget_execution, case.actuals.budget
    assert block is not None and budget is not None
    base = budget.initial if block.base is ExecutionBase.INITIAL else budget.full_year
    assert base is not None
    rate = Fraction(budget.spent) / Fraction(base)
    m, w, q = block.method, Fraction(block.weight), case.spec.rounding.score
    if isinstance(m, StepDeduction):  # percentage points below 100%
        return ref_finish(
            w
            - ref_steps(
                max((100 if m.start is None else Fraction(m.start)) - rate * 100, Fraction(0)),
                Fraction(m.per),
                m.partial,
            )
            * Fraction(m.deduct),
            block.weight,
            q,
        )
    if isinstance(m, Bands):  # the rate in % (uncapped), or its deviation from 100%
        v = rate * 100 if m.on is BandBasis.ACTUAL else abs(rate * 100 - 100)
        (band,) = [b for b in m.bands if ref_in_band(b, v)]
        return ref_finish(Fraction(band.score), block.weight, q)
    raw = min(rate, Fraction(1)) * w  # the raw score never exceeds the weight (rounded: it may)
    quantum = Decimal(1) if block.policy is ExecutionPolicy.ROUND_WHOLE else q
    return ref_finish(raw, block.weight, quantum)


def ref_total_and_grade(
    case: Case, scores: dict[str, Decimal], budget: Decimal
) -> tuple[Decimal, str]:
    spec, actuals = case.spec, case.actuals
    total = Fraction(spec.meta.total)
    raw = sum((Fraction(s) for s in scores.values()), Fraction(budget))
    na = [
        i
        for i in spec.indicators
        if (a := actuals.indicator(i.id)) is not None and a.not_applicable is not None
    ]
    if na:  # 按百分制折算
        raw = raw * total / (total - sum((Fraction(i.weight) for i in na), Fraction(0)))
    if actuals.bonus:
        raw += sum((Fraction(b.points) for b in actuals.bonus), Fraction(0))
        if spec.policy.total_cap:
            raw = min(raw, total)
    triggered = [v for v in spec.vetoes if v.id in {t.id for t in actuals.vetoes}]
    if any(v.effect is VetoEffect.ZERO for v in triggered):
        raw = Fraction(0)
    result = ref_round(raw, spec.rounding.total)
    grade = next(g.name for g in spec.grades if result >= g.min)
    imposed = [v.grade or spec.grades[-1].name for v in triggered if v.effect is VetoEffect.GRADE]
    if imposed:  # the lowest imposed grade, but never better than the one earned
        grade = max([*imposed, grade], key=[g.name for g in spec.grades].index)
    return result, grade


def check_against_the_reference(case: Case) -> None:
    ev = evaluate(case)
    scores = {}
    for ind in case.spec.indicators:
        res = ev.indicator(ind.id)
        expected = ref_indicator(case, ind)
        if is_stated(case, ind):  # never computed from a number
            assert (res.method, res.actual_value) == ("stated", None)
        elif res.applicable and not ind.is_qualitative:
            assert res.actual_value == actual_of(case, ind)
        assert res.score == expected, (
            ind,
            case.actuals.indicator(ind.id),
            [s.zh for s in res.steps],
        )
        scores[ind.id] = expected
    budget = Decimal(0)
    if ev.budget_execution is not None:
        budget = ref_budget(case)
        assert ev.budget_execution.score == budget, [s.zh for s in ev.budget_execution.steps]
    assert (ev.total, ev.grade) == ref_total_and_grade(case, scores, budget), [
        s.zh for s in ev.total_steps
    ]


@PROPS
@given(CASES)
def test_scores_match_the_reference_rules(case: Case) -> None:
    check_against_the_reference(case)


@PROPS
@given(cases(weight_precision=True, stated=None))
def test_scores_under_weight_precision_allow_match_the_reference_rules(case: Case) -> None:
    """Every case declares "allow", nearly all with weights finer than their rows' quanta: a met
    4.5 at whole points scores 5, subtotals and the total may pass their weights."""
    assert case.spec.policy.weight_precision is WeightPrecision.ALLOW
    check_against_the_reference(case)


@PROPS
@given(cases(stated=True))
def test_stated_rows_match_the_reference_rules(case: Case) -> None:
    """Every case states at least one numeric row in words (据陈述), with its evidence."""
    assert any(is_stated(case, i) for i in case.spec.indicators)
    check_against_the_reference(case)
    assert check_explained(*case)


STATED_SPEC = perfrules.loads_spec(
    """
[meta]
id = "s"
title = "s"
unit = "u"
year = 2024
kind = "项目支出"
total = 10
[[grades]]
name = "—"
min = 0
[stated]
met = ["达标"]
not_met = ["未达标"]
met_share = 0.8
not_met_share = 0.25
[[categories]]
id = "k"
name = "产出指标"
weight = 10
[[indicators]]
id = "x"
name = "道路里程"
category = "k"
weight = 10
target = "≥120公里"
"""
)


def _stated(word: str) -> perfrules.Actuals:
    return perfrules.loads_actuals(
        f'[indicators]\nx = {{ stated = "{word}", evidence = "验收报告（2023-05）" }}\n',
        spec=STATED_SPEC,
    )


@pytest.mark.parametrize(("word", "score", "met"), [("达标", "8", True), ("未达标", "2.5", False)])
def test_the_reference_scores_a_stated_row_by_its_declared_share(
    word: str, score: str, met: bool
) -> None:
    case = Case(STATED_SPEC, _stated(word))
    (ind,) = STATED_SPEC.indicators
    assert ref_indicator(case, ind) == Decimal(score)
    res = evaluate(case).indicator("x")
    assert (res.score, res.met, res.method) == (Decimal(score), met, "stated")
    assert check_explained(*case)


def test_the_kit_catches_an_evaluation_that_computes_or_misreads_a_stated_row() -> None:
    def as_met(spec: Spec, actuals: perfrules.Actuals) -> Evaluation:  # every word read as met
        acts = tuple(attrs.evolve(a, stated="达标") for a in actuals.indicators)
        return perfrules.evaluate(spec, attrs.evolve(actuals, indicators=acts))

    def computed(spec: Spec, actuals: perfrules.Actuals) -> Evaluation:  # the target assumed
        acts = tuple(
            attrs.evolve(a, stated=None, evidence=None, value=Decimal(120))
            for a in actuals.indicators
        )
        return perfrules.evaluate(spec, attrs.evolve(actuals, indicators=acts))

    with pytest.raises(AssertionError, match=r"counts as met=False"):
        check_explained(STATED_SPEC, _stated("未达标"), evaluate=as_met)
    with pytest.raises(AssertionError, match=r"never computed"):
        check_explained(STATED_SPEC, _stated("达标"), evaluate=computed)


def test_stated_actuals_need_a_spec_that_admits_them() -> None:
    plain = perfrules.loads_spec(perfrules.dumps_spec(attrs.evolve(STATED_SPEC, stated=None)))
    with pytest.raises(InvalidArgument, match=r"stated=True"):
        actuals_for(plain, stated=True)


@PROPS
@given(specs(stated=True).flatmap(lambda s: st.tuples(st.just(s), actuals_for(s, stated=False))))
def test_stated_false_never_states_a_row(drawn: tuple[Spec, perfrules.Actuals]) -> None:
    spec, actuals = drawn
    assert spec.stated is not None
    assert all(a.stated is None and a.evidence is None for a in actuals.indicators)


# ---------------------------------------------------------------------------
# scores, totals, subtotals, grades, explanations: the kit's stock properties


@PROPS
@given(CASES)
def test_every_score_lies_between_zero_and_its_weight(case: Case) -> None:
    assert check_score_bounds(*case)


@PROPS
@given(CASES)
def test_total_is_the_sum_of_top_subtotals_and_budget(case: Case) -> None:
    assert check_total(*case)
    ev = evaluate(case)
    if not ev.bonus and not ev.vetoes and all(r.applicable for r in ev.indicators):
        tops = sum((c.score for c in ev.categories if c.level == 1), Decimal(0))
        budget = ev.budget_execution.score if ev.budget_execution is not None else Decimal(0)
        spec = case.spec
        if all(ref_quantum(spec, i) % spec.rounding.total == 0 for i in spec.indicators):
            # every score is on the total's grid, so the rounded total is the exact sum
            assert ev.total == tops + budget
        else:  # a row rounded finer (its round_to) than the total: the sum rounded once
            assert ev.total == ref_round(Fraction(tops + budget), spec.rounding.total)


@PROPS
@given(CASES)
def test_subtotals_are_sums_of_their_children(case: Case) -> None:
    assert check_subtotals(*case)


@PROPS
@given(CASES)
def test_a_met_target_scores_full_and_every_deduction_explains_itself(case: Case) -> None:
    assert check_explained(*case)


@PROPS
@given(st.one_of(CASES, cases(vetoes=True, near_boundary=False, stated=None)))
def test_grade_follows_the_bands(case: Case) -> None:
    assert check_grade(*case)


@PROPS
@given(cases(not_applicable=True, stated=None))
def test_rescaling_keeps_the_full_total_at_full_marks(case: Case) -> None:
    check_rescaling(
        *case
    )  # False when some indicator has no full-marks actual (a band table without one)


@PROPS
@given(CASES)
def test_overshoot_warnings_follow_the_threshold(case: Case) -> None:
    ev = evaluate(case)
    limit = case.spec.policy.overshoot_warning
    warned = {w.indicator for w in ev.warnings if w.code == "overshoot"}
    for ind in case.spec.indicators:
        res = ev.indicator(ind.id)
        expected = (
            limit is not None
            and res.applicable
            and not ind.is_qualitative
            and not is_stated(case, ind)  # no number, so nothing to compare with the target
            and ind.target is not None
            and ind.target.comparator.direction in ("positive", "equal")
            and ind.target.value > 0
            and actual_of(case, ind) >= Fraction(limit) * Fraction(ind.target.value)
        )
        assert (ind.id in warned) == expected
    assert all(w.code in ("overshoot", "strict-boundary") for w in ev.warnings)
    for w in ev.warnings:
        if (
            w.code == "strict-boundary"
        ):  # only a strict target missed by equality, still at full marks
            ind = case.spec.indicator(w.indicator or "")
            res = ev.indicator(ind.id)
            act = case.actuals.indicator(ind.id)
            assert ind.target is not None and ind.target.comparator.value in (">", "<")
            assert actual_of(case, ind) == Fraction(ind.target.value)
            assert res.met is False
            if act is None or not act.deductions:
                # what a met row scores: its weight, rounded half-up to a multiple of its
                # quantum when policy.weight_precision = "allow" puts the weight off its grid
                # (a multiple of the quantum's value: a quantum written "1.0" rounds to whole
                # points, where quantize would keep one place)
                q = ind.score_quantum(case.spec.rounding.score)
                steps = (res.weight / q).quantize(Decimal(1), rounding=ROUND_HALF_UP)
                assert res.score == steps * q


# ---------------------------------------------------------------------------
# monotonicity

deltas = st.one_of(
    st.sampled_from([Decimal("0.01"), Decimal("0.0001"), Decimal(1)]),
    st.integers(1, 50_000).map(lambda n: Decimal(n).scaleb(-2)),
)


@PROPS
@given(CASES, deltas)
def test_score_is_monotone_in_the_actual(case: Case, delta: Decimal) -> None:
    """More is never worse on ≥/>, less never worse on ≤/<, closer never worse on =, per method."""
    check_monotone(*case, deltas=[delta])


@PROPS
@given(cases(budget_execution=True, stated=None), deltas)
def test_budget_score_is_monotone_in_spending(case: Case, delta: Decimal) -> None:
    check_monotone(*case, deltas=[delta])


# ---------------------------------------------------------------------------
# determinism and round trips


@PROPS
@given(CASES)
def test_evaluation_is_deterministic(case: Case) -> None:
    assert check_deterministic(*case)


@PROPS
@given(CASES)
def test_inputs_round_trip_through_toml_to_the_same_document(case: Case) -> None:
    assert check_round_trip(*case)


# ---------------------------------------------------------------------------
# malformed input: SpecError and nothing else

SEED_SPEC_TEXT = (SEED_DIR / "spec.toml").read_text(encoding="utf-8")
SEED_ACTUALS_TEXT = (SEED_DIR / "actuals.toml").read_text(encoding="utf-8")
SEED_SPEC = perfrules.loads_spec(SEED_SPEC_TEXT)


def loads_spec_or_spec_error(text: str) -> Spec | None:
    try:
        return perfrules.loads_spec(text, file="fuzz.toml")
    except SpecError as err:
        assert err.problems
        assert all(p.code and p.message and p.message_zh for p in err.problems)
        assert all(p.file == "fuzz.toml" for p in err.problems)
        str(err)  # every problem renders
        return None


@FUZZ
@given(mutated(SEED_SPEC_TEXT))
def test_mutated_seed_spec_raises_only_spec_error(text: str) -> None:
    spec = loads_spec_or_spec_error(text)
    if spec is not None:  # whatever loads also dumps and loads back
        assert perfrules.loads_spec(perfrules.dumps_spec(spec)) == spec


@FUZZ
@given(specs(stated=None).flatmap(lambda s: mutated(perfrules.dumps_spec(s))))
def test_mutated_generated_spec_raises_only_spec_error(text: str) -> None:
    loads_spec_or_spec_error(text)


@FUZZ
@given(mutated(SEED_ACTUALS_TEXT))
def test_mutated_actuals_raise_only_spec_error_and_evaluate_when_loaded(text: str) -> None:
    try:
        actuals = perfrules.loads_actuals(text, file="fuzz.toml", spec=SEED_SPEC)
    except SpecError as err:
        assert err.problems
        return
    ev = perfrules.evaluate(SEED_SPEC, actuals)  # checked actuals always evaluate
    assert Decimal(0) <= ev.total <= Decimal(100)


@pytest.mark.parametrize("cut", range(0, len(SEED_SPEC_TEXT), 97))
def test_truncated_seed_spec_raises_only_spec_error(cut: int) -> None:
    loads_spec_or_spec_error(SEED_SPEC_TEXT[:cut])
