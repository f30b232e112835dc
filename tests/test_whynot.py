"""Why not full marks: the threshold each rule gives, checked by scoring at and beside it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import D, make_actuals, make_spec, quant, score_one, value
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules
from perfrules import (
    EqualAbove,
    ExecutionPolicy,
    NegativeRule,
    OvershootDeduction,
    Policy,
    QuantitativeTarget,
    Rounding,
)
from perfrules.core import _exact
from perfrules.core._exact import exact_str, show
from perfrules.core.methods import _ratio_family as family


def test_seed_budget_row_needed_95_percent(seed_eval: perfrules.Evaluation) -> None:
    be = seed_eval.budget_execution
    assert be is not None and be.full_marks is not None
    # round_whole: rate × 10 rounds to 10 from 9.5 on, so 95% would have earned full marks
    assert be.full_marks.threshold == Fraction(95) and be.full_marks.comparator == "≥"
    assert "预算执行率≥95%即可得满分" in be.full_marks.zh
    assert [r.name for r in seed_eval.losses()] == ["预算执行率"]


def test_seed_document_ranks_losses(seed_eval: perfrules.Evaluation) -> None:
    doc = perfrules.to_document(seed_eval)
    assert doc["losses"] == [{"id": "budget_execution", "name": "预算执行率", "lost": "1"}]
    assert doc["budget_execution"]["full_marks"]["threshold"] == "95"
    assert all(i["full_marks"] is None for i in doc["indicators"])  # nothing else lost points


def test_proportional_budget_needs_99_95_percent() -> None:
    from perfrules import BudgetAmounts, BudgetExecution

    block = BudgetExecution(weight=D(10), policy=ExecutionPolicy.PROPORTIONAL)
    spec = make_spec([quant("x", 3, "≥1")], budget=block)
    ev = perfrules.evaluate(
        spec, make_actuals(value("x", 1), budget=BudgetAmounts(full_year=D(100), spent=D(90)))
    )
    assert ev.budget_execution is not None and ev.budget_execution.full_marks is not None
    # rate × 10 ≥ 9.995 rounds to 10.00: rate ≥ 99.95%
    assert ev.budget_execution.full_marks.threshold == Fraction(9995, 100)


@pytest.mark.parametrize(
    ("target", "actual", "policy"),
    [
        ("≥400期", 380, Policy()),
        (">400期", 380, Policy()),
        ("≤100%", 120, Policy()),
        ("≤100%", 120, Policy(negative=NegativeRule.LINEAR_OVERSHOOT)),
        ("=24期", 20, Policy()),
    ],
)
def test_threshold_earns_full_marks_and_just_beyond_does_not(
    target: str, actual: int, policy: Policy
) -> None:
    res = score_one(target, actual, 3, policy=policy)
    fm = res.full_marks
    assert fm is not None and fm.threshold is not None and fm.comparator is not None
    scaled = fm.threshold * 10**6
    if fm.comparator in (
        "≥",
        ">",
    ):  # at: the threshold rounded to the safe side; beyond: just short of it
        at, beyond = Fraction(scaled.__ceil__(), 10**6), Fraction(scaled.__floor__() - 1, 10**6)
    else:
        at, beyond = Fraction(scaled.__floor__(), 10**6), Fraction(scaled.__ceil__() + 1, 10**6)
    assert score_one(target, _dec(at), 3, policy=policy).score == D(3)
    assert score_one(target, _dec(beyond), 3, policy=policy).score < D(3)


def _dec(value: Fraction) -> str:
    """Exact text of a fraction with a terminating decimal expansion (here: at most 6 places)."""
    assert (value * 10**6).denominator == 1
    return str(Decimal(value.numerator) / Decimal(value.denominator))


def test_met_indicator_has_no_full_marks_hint() -> None:
    assert score_one("≥400期", 400, 3).full_marks is None


@settings(max_examples=150, deadline=None)
@given(
    t=st.integers(1, 10_000),
    a_share=st.fractions(min_value=0, max_value=1),
    w=st.sampled_from(["1", "2.5", "3", "5", "10"]),
    q=st.sampled_from(["0.01", "0.1", "1"]),
)
def test_positive_threshold_is_exactly_where_full_marks_start(
    t: int, a_share: Fraction, w: str, q: str
) -> None:
    rounding = Rounding(score=D(q), total=D("0.01"))
    if (Fraction(D(w)) / Fraction(D(q))).denominator != 1:
        return  # weight not on the grid: the spec is invalid (weight-precision)
    actual = Fraction(t) * a_share
    res = score_one(f"≥{t}", _dec(Fraction(round(actual * 100), 100)), w, rounding=rounding)
    if res.full_marks is None:
        assert res.score == D(w)
        return
    thr = res.full_marks.threshold
    assert thr is not None and thr <= t
    # at the threshold (rounded up to a terminating value) the same rule gives full marks
    up = Fraction((thr * 10**6).__ceil__(), 10**6)
    assert score_one(f"≥{t}", _dec(up), w, rounding=rounding).score == D(w)


def test_deviation_bands_state_a_range_not_a_bound() -> None:
    from perfrules import Band, BandBasis, Bands

    bands = Bands(
        bands=(
            Band(score=D(10), max=D(10), max_inclusive=True),
            Band(score=D(5), min=D(10), min_inclusive=False),
        ),
        on=BandBasis.DEVIATION,
    )
    res = score_one("=200", 250, 10, method=bands)
    assert res.score == D(5) and res.full_marks is not None
    assert (res.full_marks.threshold, res.full_marks.comparator) == (None, None)
    assert "偏离度" in res.full_marks.zh


def test_a_closed_full_band_is_stated_as_the_band() -> None:
    from perfrules import Band, Bands

    bands = Bands(
        bands=(
            Band(score=D(0), max=D(90)),
            Band(score=D(10), min=D(90), max=D(110), max_inclusive=True),
            Band(score=D(5), min=D(110), min_inclusive=False),
        )
    )
    res = score_one("≥90%", 120, 10, method=bands)
    assert res.full_marks is not None and res.full_marks.threshold is None
    assert "90（含）至110（含）" in res.full_marks.zh  # not "≥90%": 120% is above the full band


def test_budget_method_decides_the_full_marks_rate_not_the_unused_policy() -> None:
    from perfrules import Band, Bands, BudgetAmounts, BudgetExecution

    method = Bands(
        bands=(
            Band(score=D(10), max=D(50), max_inclusive=True),
            Band(score=D(4), min=D(50), min_inclusive=False),
        )
    )
    block = BudgetExecution(weight=D(10), policy=ExecutionPolicy.ROUND_WHOLE, method=method)
    spec = make_spec([quant("x", 3, "≥1")], budget=block)
    ev = perfrules.evaluate(
        spec, make_actuals(value("x", 1), budget=BudgetAmounts(full_year=D(100), spent=D(80)))
    )
    be = ev.budget_execution
    assert be is not None and be.score == D(4) and be.full_marks is not None
    assert (be.full_marks.threshold, be.full_marks.comparator) == (
        Fraction(50),
        "≤",
    )  # not round_whole's ≥95%


_NUMBERS = st.decimals(min_value=-1000, max_value=10**6, places=3, allow_nan=False)


@settings(max_examples=400, deadline=None)
@given(
    t=_NUMBERS,
    w=st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False),
    q=st.sampled_from(["0.01", "0.010", "0.1", "0.5", "1", "0.25"]),
    cmp=st.sampled_from(["≥", ">", "=", "≤", "<"]),
    forced=st.sampled_from([None, NegativeRule.INVERSE_RATIO]),
    negative=st.sampled_from(list(NegativeRule)),
    equal_above=st.sampled_from(list(EqualAbove)),
    deduction=st.booleans(),
)
def test_the_ratio_familys_bound_by_integers_is_the_fraction_bound(
    t: Decimal,
    w: Decimal,
    q: str,
    cmp: str,
    forced: NegativeRule | None,
    negative: NegativeRule,
    equal_above: EqualAbove,
    deduction: bool,
) -> None:
    """``full_bound`` (and the texts ``fast_full_marks`` writes from it) is t·(w − q/2)/w, or
    t·w/(w − q/2), exactly where the family's single bound applies; None elsewhere."""
    target = QuantitativeTarget.parse(f"{cmp}{t}件")
    od = (
        OvershootDeduction(threshold=D("1.3"), per=D("0.1"), deduct=D("0.5")) if deduction else None
    )
    policy = Policy(negative=negative, equal_above=equal_above, overshoot_deduction=od)
    quantum = D(q)
    found = family.full_bound(forced, target, w, quantum, policy)
    tf, wf = Fraction(t), Fraction(w)
    expected: tuple[Fraction, str] | None = None
    s = (wf - Fraction(quantum) / 2) / wf if wf > 0 else Fraction(0)
    if tf != 0 and s > 0:  # (a weight on the quantum's grid: s ≥ 1/2)
        if target.comparator.direction == "negative":
            if (forced or negative) is NegativeRule.INVERSE_RATIO:
                expected = (tf / s, "≤")
        elif od is None and not (cmp == "=" and equal_above is EqualAbove.INVERSE_RATIO):
            expected = (tf * s, "≥")
    assert (None if found is None else (Fraction(found[0], found[1]), found[2])) == expected
    texts = family.fast_full_marks(forced, target, w, quantum, policy, "实际完成值", "an actual")
    if expected is None:
        assert texts is None
        return
    thr, comparator = expected
    scaled = thr * 10**4  # the threshold shown at 4 places, rounded on the safe side
    edge = scaled.__ceil__() if comparator == "≥" else scaled.__floor__()
    shown = show(thr) if scaled.denominator == 1 else show(Fraction(edge, 10**4))
    rounds = "（按完成比例计分并四舍五入后为满分）"
    assert texts == (
        exact_str(thr),
        comparator,
        f"实际完成值{comparator}{shown}件即可得满分{rounds}",
        f"full marks with an actual {comparator} {shown}件 (the ratio score rounds to the full weight)",
    )


@settings(max_examples=400, deadline=None)
@given(
    num=st.integers(-(10**30), 10**30),
    twos=st.integers(0, 12),
    fives=st.integers(0, 12),
    other=st.sampled_from([1, 1, 1, 3, 7, 9]),
)
def test_exact_ratio_is_exact_str_of_the_fraction(
    num: int, twos: int, fives: int, other: int
) -> None:
    """``exact_ratio`` (integers, unreduced) writes what ``exact_str`` writes of the fraction:
    terminating or not, negative, zero, past 28 digits."""
    den = 2**twos * 5**fives * other
    fresh = exact_str(Fraction(num, den))
    _exact._EXACT_TEXTS.clear()  # not from exact_str's kept texts
    assert _exact.exact_ratio(num * 6, den * 6) == fresh


@settings(max_examples=400, deadline=None)
@given(
    num=st.integers(-(10**30), 10**30),
    twos=st.integers(0, 12),
    fives=st.integers(0, 12),
    other=st.sampled_from([1, 1, 1, 3, 7, 9]),
    places=st.sampled_from([0, 2, 4, 6]),
)
def test_show_ratio_is_show_of_the_fraction(
    num: int, twos: int, fives: int, other: int, places: int
) -> None:
    """``show_ratio`` (integers, unreduced, its text made without the fraction) writes what
    ``show`` writes of the fraction."""
    den = 2**twos * 5**fives * other
    _exact._SHOWN_FRACTIONS.clear()
    fresh = show(Fraction(num, den), places)
    _exact._SHOWN_FRACTIONS.clear()  # not from show's kept texts
    assert _exact.show_ratio(num * 6, den * 6, places) == fresh
