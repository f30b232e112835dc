"""Properties that hold for every valid spec and actuals (hypothesis, tests/strategies.py)."""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules import (
    Actuals,
    Amount,
    Comparator,
    EqualAbove,
    Evaluation,
    ExecutionBase,
    ExecutionPolicy,
    Indicator,
    IndicatorActual,
    LinearOvershoot,
    NegativeRule,
    Spec,
    SpecError,
)
from perfrules.core import spec_sha256

from conftest import SEED_DIR
from strategies import Case, cases, mutated, specs

PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def evaluate(case: Case) -> Evaluation:
    return perfrules.evaluate(case.spec, case.actuals)


# ---------------------------------------------------------------------------
# an independent reference for the scoring rules (decimal module, ROUND_HALF_UP)

CTX = decimal.Context(prec=80, rounding=decimal.ROUND_HALF_UP)


def ref_round(value: Fraction, quantum: Decimal) -> Decimal:
    """四舍五入 to ``quantum`` via the decimal module at 80 digits (independent of perfrules' integer rounding)."""
    exact = CTX.divide(Decimal(value.numerator), Decimal(value.denominator))
    return exact.quantize(quantum, context=CTX)


def ref_quantitative(spec: Spec, ind: Indicator, a: Fraction) -> Decimal:
    assert ind.target is not None
    t, w = Fraction(ind.target.value), Fraction(ind.weight)
    cmp = ind.target.comparator
    linear = isinstance(ind.method, LinearOvershoot) or spec.policy.negative is NegativeRule.LINEAR_OVERSHOOT
    met = {
        Comparator.GE: a >= t,
        Comparator.GT: a > t,
        Comparator.LE: a <= t,
        Comparator.LT: a < t,
        Comparator.EQ: a == t,
    }[cmp]
    if met:
        raw = w
    elif cmp in (Comparator.GE, Comparator.GT) or (cmp is Comparator.EQ and a < t):
        raw = Fraction(0) if t == 0 else a / t * w  # 按完成值与指标值的比例记分
    elif cmp is Comparator.EQ:  # above an exact target
        if t == 0:
            raw = Fraction(0)
        else:
            raw = w if spec.policy.equal_above is EqualAbove.FULL else t / a * w
    elif linear:
        raw = Fraction(0) if t == 0 else (1 - (a - t) / t) * w
    else:
        raw = Fraction(0) if a == 0 else t / a * w
    raw = min(max(raw, Fraction(0)), w)
    return ref_round(raw, spec.rounding.score)


def ref_qualitative(spec: Spec, ind: Indicator, act: IndicatorActual) -> Decimal:
    assert act.tier is not None
    tier = spec.tier(act.tier)
    w, q = Fraction(ind.weight), Fraction(spec.rounding.score)
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
    return ref_round(min(max(raw, Fraction(0)), w), spec.rounding.score)


def actual_of(case: Case, ind: Indicator) -> Fraction:
    if ind.derive is not None:
        num = Fraction(case.actuals.amount(ind.derive.numerator))
        den = Fraction(case.actuals.amount(ind.derive.denominator))
        assert ind.target is not None
        return num / den * (100 if ind.target.unit == "%" else 1)
    act = case.actuals.indicator(ind.id)
    assert act is not None and act.value is not None
    return Fraction(act.value)


def ref_budget(case: Case) -> Decimal:
    block, budget = case.spec.budget_execution, case.actuals.budget
    assert block is not None and budget is not None
    base = budget.initial if block.base is ExecutionBase.INITIAL else budget.full_year
    assert base is not None
    rate = Fraction(budget.spent) / Fraction(base)
    raw = min(rate, Fraction(1)) * Fraction(block.weight)  # the score never exceeds the weight
    quantum = Decimal(1) if block.policy is ExecutionPolicy.ROUND_WHOLE else case.spec.rounding.score
    return ref_round(raw, quantum)


# ---------------------------------------------------------------------------
# scores


@PROPS
@given(cases())
def test_scores_match_the_reference_rules(case: Case) -> None:
    ev = evaluate(case)
    for ind in case.spec.indicators:
        res = ev.indicator(ind.id)
        if ind.is_qualitative:
            act = case.actuals.indicator(ind.id)
            assert act is not None
            expected = ref_qualitative(case.spec, ind, act)
        else:
            expected = ref_quantitative(case.spec, ind, actual_of(case, ind))
            assert res.actual_value == actual_of(case, ind)
        assert res.score == expected, (ind, res.steps)
    if ev.budget_execution is not None:
        assert ev.budget_execution.score == ref_budget(case)


@PROPS
@given(cases())
def test_every_score_lies_between_zero_and_its_weight(case: Case) -> None:
    ev = evaluate(case)
    for res in ev.indicators:
        assert Decimal(0) <= res.score <= res.weight
        assert res.lost == res.weight - res.score
    if ev.budget_execution is not None:
        assert Decimal(0) <= ev.budget_execution.score <= ev.budget_execution.weight
    for cat in ev.categories:
        assert Decimal(0) <= cat.score <= cat.weight
    assert Decimal(0) <= ev.total <= case.spec.meta.total


@PROPS
@given(cases())
def test_total_is_the_sum_of_top_subtotals_and_budget(case: Case) -> None:
    ev = evaluate(case)
    tops = sum((c.score for c in ev.categories if c.level == 1), Decimal(0))
    budget = ev.budget_execution.score if ev.budget_execution is not None else Decimal(0)
    # every score is on the total's grid, so the rounded total is the exact sum
    assert ev.total == tops + budget
    assert ev.total_weight == case.spec.meta.total
    assert ev.lost == ev.total_weight - ev.total
    assert (ev.budget_execution is None) == (case.spec.budget_execution is None)


@PROPS
@given(cases())
def test_subtotals_are_sums_of_their_children(case: Case) -> None:
    ev = evaluate(case)
    assert {c.id for c in ev.categories} == {c.id for c in case.spec.categories}
    for cat in ev.categories:
        kids = ev.children(cat.id)
        if kids:
            assert cat.level == 1
            assert cat.score == sum((k.score for k in kids), Decimal(0))
            assert all(k.level == 2 and k.parent == cat.id for k in kids)
        else:
            assert cat.score == sum((r.score for r in ev.indicators_in(cat.id)), Decimal(0))


@PROPS
@given(cases())
def test_a_met_target_scores_full_and_explains_itself(case: Case) -> None:
    ev = evaluate(case)
    for res in ev.indicators:
        kinds = [s.kind for s in res.steps]
        assert kinds[-1] == "rule"
        assert res.citation.document in res.steps[-1].zh
        if res.met and res.tier is None:  # a met quantitative target earns the full weight
            assert res.score == res.weight
        if res.met and res.tier is not None:  # 达成年度指标: met, scored inside the top tier
            assert res.score >= res.weight * case.spec.tier(res.tier).min
        if res.score < res.weight:
            assert res.reason is not None and "deduction" in kinds
            deduction = next(s for s in res.steps if s.kind == "deduction")
            assert res.reason in deduction.zh
        else:
            assert res.reason is None and "deduction" not in kinds


@PROPS
@given(cases())
def test_overshoot_warnings_follow_the_threshold(case: Case) -> None:
    ev = evaluate(case)
    limit = case.spec.policy.overshoot_warning
    warned = {w.indicator for w in ev.warnings if w.code == "overshoot"}
    for ind in case.spec.indicators:
        expected = (
            limit is not None
            and not ind.is_qualitative
            and ind.target is not None
            and ind.target.comparator.direction in ("positive", "equal")
            and ind.target.value > 0
            and actual_of(case, ind) >= Fraction(limit) * Fraction(ind.target.value)
        )
        assert (ind.id in warned) == expected
    assert all(w.code in ("overshoot", "strict-boundary") for w in ev.warnings)
    for w in ev.warnings:
        if w.code == "strict-boundary":  # only a strict target missed by equality, still at full marks
            ind = case.spec.indicator(w.indicator or "")
            res = ev.indicator(ind.id)
            assert ind.target is not None and ind.target.comparator.value in (">", "<")
            assert actual_of(case, ind) == Fraction(ind.target.value)
            assert res.met is False and res.score == res.weight


@PROPS
@given(cases())
def test_grade_follows_the_bands(case: Case) -> None:
    ev = evaluate(case)
    bands = case.spec.grades
    expected = next(b.name for b in bands if ev.total >= b.min)
    assert ev.grade == expected
    idx = [b.name for b in bands].index(ev.grade)
    assert ev.total >= bands[idx].min
    assert idx == 0 or ev.total < bands[idx - 1].min


# ---------------------------------------------------------------------------
# monotonicity


def _with_value(actuals: Actuals, ind_id: str, value: Decimal) -> Actuals:
    acts = tuple(attrs.evolve(a, value=value) if a.id == ind_id else a for a in actuals.indicators)
    return attrs.evolve(actuals, indicators=acts)


def _with_amount(actuals: Actuals, name: str, value: Decimal) -> Actuals:
    amts = tuple(Amount(name=a.name, value=value, label=a.label) if a.name == name else a for a in actuals.amounts)
    return attrs.evolve(actuals, amounts=amts)


deltas = st.one_of(
    st.sampled_from([Decimal("0.01"), Decimal("0.0001"), Decimal(1)]),
    st.integers(0, 50_000).map(lambda n: Decimal(n).scaleb(-2)),
)


@PROPS
@given(cases(), st.data())
def test_score_is_monotone_in_the_actual(case: Case, data: st.DataObject) -> None:
    """More is never worse on ≥/>, less is never worse on ≤/< (and = below its target)."""
    quantitative = [i for i in case.spec.indicators if not i.is_qualitative]
    assume(quantitative)
    ind = data.draw(st.sampled_from(quantitative))
    assert ind.target is not None
    direction = ind.target.comparator.direction
    delta = data.draw(deltas)
    before = evaluate(case).indicator(ind.id).score
    if ind.derive is None:
        act = case.actuals.indicator(ind.id)
        assert act is not None and act.value is not None
        old = act.value
        better = old - delta if direction == "negative" else old + delta
        if direction == "equal":
            assume(better <= ind.target.value)
        assume(better >= 0)
        actuals = _with_value(case.actuals, ind.id, better)
    else:  # move the numerator of the derived rate
        old = case.actuals.amount(ind.derive.numerator)
        better = old - delta if direction == "negative" else old + delta
        assume(better >= 0)
        if direction == "equal":
            den = case.actuals.amount(ind.derive.denominator)
            scale = 100 if ind.target.unit == "%" else 1
            assume(Fraction(better) / Fraction(den) * scale <= ind.target.value)
        actuals = _with_amount(case.actuals, ind.derive.numerator, better)
    after = perfrules.evaluate(case.spec, actuals).indicator(ind.id).score
    assert after >= before


@PROPS
@given(cases(budget_execution=True), deltas)
def test_budget_score_is_monotone_in_spending(case: Case, delta: Decimal) -> None:
    budget = case.actuals.budget
    assert budget is not None
    before = evaluate(case)
    more = attrs.evolve(case.actuals, budget=attrs.evolve(budget, spent=budget.spent + delta))
    after = perfrules.evaluate(case.spec, more)
    assert before.budget_execution is not None and after.budget_execution is not None
    assert after.budget_execution.score >= before.budget_execution.score


# ---------------------------------------------------------------------------
# determinism and round trips


@PROPS
@given(cases())
def test_evaluation_is_deterministic(case: Case) -> None:
    first, second = evaluate(case), evaluate(case)
    assert first == second
    assert perfrules.to_json(first) == perfrules.to_json(second)
    doc = json.loads(perfrules.to_json(first))
    assert doc["total"] == perfrules.to_document(first)["total"]
    assert Decimal(doc["total"]) == first.total


@PROPS
@given(specs())
def test_spec_round_trips_through_toml(spec: Spec) -> None:
    text = perfrules.dumps_spec(spec)
    again = perfrules.loads_spec(text, file="dumped.toml")
    assert again == spec
    assert spec_sha256(again) == spec_sha256(spec)
    assert perfrules.dumps_spec(again) == text


@PROPS
@given(cases())
def test_actuals_round_trip_through_toml(case: Case) -> None:
    text = perfrules.dumps_actuals(case.actuals)
    again = perfrules.loads_actuals(text, file="dumped.toml", spec=case.spec)
    assert again == case.actuals
    assert perfrules.dumps_actuals(again) == text


@PROPS
@given(cases())
def test_round_tripped_inputs_evaluate_to_the_same_document(case: Case) -> None:
    spec = perfrules.loads_spec(perfrules.dumps_spec(case.spec))
    actuals = perfrules.loads_actuals(perfrules.dumps_actuals(case.actuals), spec=spec)
    assert perfrules.to_json(perfrules.evaluate(spec, actuals)) == perfrules.to_json(evaluate(case))


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
@given(specs().flatmap(lambda s: mutated(perfrules.dumps_spec(s))))
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
