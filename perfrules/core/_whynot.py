"""Why not full marks, and what it would have taken.

For every result that lost points, :func:`full_marks` works out the condition
on the actual under which the same rule (with the same rounding) gives the
full weight: the exact threshold, how the actual must compare with it, and a
sentence in Chinese and English. It answers the question an evaluated unit
asks first: 差多少才能得满分？
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from perfrules.core._exact import frac, show, show_dec
from perfrules.core._text import band_text
from perfrules.model import (
    BandBasis,
    Bands,
    BudgetExecution,
    EqualAbove,
    ExecutionPolicy,
    Indicator,
    InverseRatio,
    LinearOvershoot,
    NegativeRule,
    PartialStep,
    PerOccurrence,
    QuantitativeTarget,
    RateTimesWeight,
    Spec,
    StepDeduction,
)


@attrs.frozen(kw_only=True)
class FullMarks:
    """The condition on the actual that earns the full weight under the same rule.

    ``threshold`` and ``comparator`` (``≥``, ``>``, ``≤``, ``<``, ``=``) state it
    exactly when one bound suffices; ``None`` when it is not a single bound
    (e.g. a qualitative tier, or no value earns full marks).
    """

    threshold: Fraction | None
    comparator: str | None
    zh: str
    en: str


def _slack(weight: Decimal, quantum: Decimal) -> Fraction:
    """w − q/2: the smallest raw score that rounds half-up to the full weight, as a share of w."""
    w = frac(weight)
    return (w - frac(quantum) / 2) / w


def _bound(value: Fraction, cmp: str, places: int = 4) -> str:
    """A bound shown at ``places`` decimals, rounded on the safe side (up for ≥/>, down for ≤/<)."""
    scale = 10**places
    scaled = value * scale
    if scaled.denominator == 1:
        return show(value, places)
    n = scaled.__ceil__() if cmp in ("≥", ">") else scaled.__floor__()
    return show(Fraction(n, scale), places)


def _fm(threshold: Fraction, cmp: str, unit: str, what_zh: str, what_en: str, extra_zh: str = "", extra_en: str = "") -> FullMarks:
    shown = _bound(threshold, cmp)
    return FullMarks(
        threshold=threshold,
        comparator=cmp,
        zh=f"{what_zh}{cmp}{shown}{unit}即可得满分{extra_zh}",
        en=f"full marks with {what_en} {cmp} {shown}{unit}{extra_en}",
    )


def full_marks(spec: Spec, ind: Indicator) -> FullMarks | None:
    """What actual would have earned ``ind`` its full weight (``None`` if nothing sensible can be said)."""
    q = ind.score_quantum(spec.rounding.score)
    w = ind.weight
    if (frac(w) / frac(q)).denominator != 1:
        return None  # policy.weight_precision = allow: no score at this precision equals the weight
    if ind.is_qualitative:
        top = spec.tiers[0]
        return FullMarks(threshold=None, comparator=None,
                         zh=f"评定为“{top.name}”且得分为分值{show_dec(w)}分方可得满分",
                         en=f"full marks need tier {top.name!r} scored at the weight {show_dec(w)}")  # fmt: skip
    t_obj = ind.target
    if t_obj is None:
        return None
    return _quantitative(t_obj, ind.method, w, q, spec, what_zh="实际完成值", what_en="an actual")


def _quantitative(
    target: QuantitativeTarget, method: object, w: Decimal, q: Decimal, spec: Spec, *, what_zh: str, what_en: str
) -> FullMarks | None:
    t = frac(target.value)
    u = target.unit
    rounding_zh = "（按完成比例计分并四舍五入后为满分）"
    rounding_en = " (the ratio score rounds to the full weight)"
    if isinstance(method, StepDeduction):
        per = frac(method.per)
        strict = method.partial is PartialStep.FLOOR
        d = target.comparator.direction
        if d == "negative":
            return _fm(t + per, "<", u, what_zh, what_en) if strict else _fm(t, "≤", u, what_zh, what_en)
        if d == "positive":
            if strict and t - per < 0:  # every value ≥ 0 is within one step: the rule itself never deducted
                return _fm(Fraction(0), "≥", u, what_zh, what_en)
            return _fm(t - per, ">", u, what_zh, what_en) if strict else _fm(t, "≥", u, what_zh, what_en)
        lo, hi = (t - per, t + per) if strict else (t, t)
        return FullMarks(threshold=None, comparator=None,
                         zh=f"{what_zh}与指标值{show(t)}{u}的偏差{'小于' if strict else '为0，即等于'}{show(per) if strict else ''}{u if strict else ''}即可得满分（{show(lo)}至{show(hi)}）",
                         en=f"full marks within {show(per) if strict else 0} of the target {show(t)}{u}")  # fmt: skip
    if isinstance(method, Bands):
        full = [b for b in method.bands if b.score == w]
        if not full:
            return FullMarks(threshold=None, comparator=None, zh="计分区间中没有满分档",
                             en="no band gives the full weight")  # fmt: skip
        where = "、".join(band_text(b) for b in full)
        if method.on is BandBasis.DEVIATION:  # a range around the target: no single bound on the actual
            return FullMarks(threshold=None, comparator=None,
                             zh=f"偏离度（|实际完成值 − 指标值| ÷ 指标值）在“{where}”区间即可得满分",
                             en=f"full marks with a deviation from the target {show(t)}{u} in band(s) {where}")  # fmt: skip
        if len(full) == 1 and (full[0].min is None) != (full[0].max is None):  # one half-open band: one bound
            b = full[0]
            if b.min is not None:
                return _fm(frac(b.min), "≥" if b.min_inclusive else ">", u, what_zh, what_en)
            assert b.max is not None
            return _fm(frac(b.max), "≤" if b.max_inclusive else "<", u, what_zh, what_en)
        return FullMarks(threshold=None, comparator=None,
                         zh=f"{what_zh}在“{where}”区间即可得满分",
                         en=f"full marks with {what_en} in band(s) {where}")  # fmt: skip
    if isinstance(method, RateTimesWeight):
        share = _slack(w, q)
        thr = share * 100 if u == "%" else share
        return _fm(thr, "≥", u, what_zh, what_en, rounding_zh.replace("完成比例", "比率"), rounding_en.replace("ratio", "rate"))
    if isinstance(method, PerOccurrence):
        return _fm(Fraction(0), "=", u, what_zh, what_en)
    d = target.comparator.direction
    if d == "positive" or d == "equal":
        if t == 0:
            return _fm(t, target.comparator.value, u, what_zh, what_en)
        low = t * _slack(w, q)
        od = spec.policy.overshoot_deduction
        if od is not None:  # above threshold (+ one step with floor) the overshoot deduction bites
            first = frac(od.threshold) + (frac(od.per) if od.partial is PartialStep.FLOOR else 0)
            high = t * first
            cmp_hi = "<" if od.partial is PartialStep.FLOOR else "≤"
            return FullMarks(threshold=None, comparator=None,
                             zh=f"{what_zh}≥{_bound(low, '≥')}{u}且{cmp_hi}{_bound(high, cmp_hi)}{u}即可得满分"
                             f"（低于指标值按比例计分；超过指标值{show(frac(od.threshold) * 100)}%按偏离度调减）",
                             en=f"full marks with {low_en(low, u)} and {cmp_hi} {_bound(high, cmp_hi)}{u} "
                             "(below the target the ratio applies; far above it the overshoot deduction)")  # fmt: skip
        if d == "equal" and spec.policy.equal_above is EqualAbove.INVERSE_RATIO:
            high = t / _slack(w, q)
            return FullMarks(threshold=None, comparator=None,
                             zh=f"{what_zh}在{_bound(low, '≥')}至{_bound(high, '≤')}{u}之间即可得满分{rounding_zh}",
                             en=f"full marks with an actual between {_bound(low, '≥')} and {_bound(high, '≤')}{u}{rounding_en}")  # fmt: skip
        return _fm(low, "≥", u, what_zh, what_en, rounding_zh, rounding_en)
    # negative
    rule = spec.policy.negative
    if isinstance(method, LinearOvershoot):
        rule = NegativeRule.LINEAR_OVERSHOOT
    elif isinstance(method, InverseRatio):
        rule = NegativeRule.INVERSE_RATIO
    if t == 0:
        return _fm(t, "≤" if target.comparator.value == "≤" else "<", u, what_zh, what_en)
    if rule is NegativeRule.LINEAR_OVERSHOOT:
        high = t * (1 + frac(q) / (2 * frac(w)))
    else:
        high = t / _slack(w, q)
    return _fm(high, "≤", u, what_zh, what_en, rounding_zh, rounding_en)


def low_en(low: Fraction, unit: str) -> str:
    """English lower bound text."""
    return f"an actual ≥ {_bound(low, '≥')}{unit}"


def budget_full_marks(spec: Spec, block: BudgetExecution) -> FullMarks:
    """The execution rate that would have earned the budget row its full weight."""
    target = QuantitativeTarget.parse("≥100%")
    if block.method is not None:  # the declared bands or steps decide; the unused policy never does
        fm = _quantitative(target, block.method, block.weight, spec.rounding.score, spec,
                           what_zh="预算执行率", what_en="an execution rate")  # fmt: skip
        if fm is not None:
            return fm
        return FullMarks(threshold=None, comparator=None, zh="按规范声明的计分办法，执行率的任何取值均不能得满分",
                         en="under the declared method no execution rate earns full marks")  # fmt: skip
    q = Decimal(1) if block.policy is ExecutionPolicy.ROUND_WHOLE else spec.rounding.score
    if (frac(block.weight) / frac(q)).denominator != 1:  # policy.weight_precision = allow
        return FullMarks(threshold=None, comparator=None,
                         zh=f"分值{show_dec(block.weight)}分不是得分精度{show_dec(q)}的整数倍，任何执行率的得分都不会恰为分值",
                         en=f"the weight {show_dec(block.weight)} is not a multiple of the score precision {show_dec(q)}: "
                         "no execution rate scores exactly the weight")  # fmt: skip
    thr = _slack(block.weight, q) * 100
    how_zh = "（执行率×分值四舍五入取整后为满分）" if block.policy is ExecutionPolicy.ROUND_WHOLE else "（执行率×分值四舍五入后为满分）"
    return _fm(thr, "≥", "%", "预算执行率", "an execution rate", how_zh, " (rate × weight rounds to the full weight)")
