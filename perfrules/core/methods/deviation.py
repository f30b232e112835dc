"""``deviation``: 偏差计分 — |actual − plan| ÷ plan looked up in a table of shares of the weight.

For a deviation target (:class:`~perfrules.model.DeviationTarget`: ``120公里±5%``,
``500万元，偏差率<10%``): the deviation *d* = |*a* − *p*| ÷ *p* × 100 (exact, in % of
the plan *p*) falls in exactly one band of the declared table, whose ``share`` of the
weight is the raw score, rounded once half-up. ``met`` is the target's tolerance
(*d* ≤ tolerance, or < for ``偏差率<…``), whatever band is hit. No national text
states such a table: the rule is the spec's own (citation ``deviation``, declared).
The batch path scores it per unit (no integer kernel), as it does band tables.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from perfrules.core import _citations as cite
from perfrules.core._exact import frac, quantum_of, show, show_dec
from perfrules.core._fullmarks import FullMarks, bound, slack
from perfrules.core._scoring import Scored, band_holds, finish, make_step
from perfrules.core._text import band_text
from perfrules.core.methods._rule import Ask, Inputs, Issue, Issues, MethodRule
from perfrules.core.methods.bands import check_band_table
from perfrules.model import (
    Band,
    Bands,
    Deviation,
    DeviationBand,
    DeviationTarget,
    Indicator,
    QuantitativeTarget,
    RateDisplay,
    Rounding,
)


def as_band(band: DeviationBand) -> Band:
    """The band's edges as a :class:`~perfrules.model.Band` (its ``score`` is the share)."""
    return Band(
        score=band.share,
        min=band.min,
        max=band.max,
        min_inclusive=band.min_inclusive,
        max_inclusive=band.max_inclusive,
    )


def _shown_band(band: DeviationBand) -> Band:
    """The band as the text shows it: a band without ``min`` starts at deviation 0 (included)."""
    b = as_band(band)
    return (
        b
        if b.min is not None
        else Band(score=b.score, min=Decimal(0), max=b.max, max_inclusive=b.max_inclusive)
    )


def deviation_of(actual: Fraction, plan: Fraction) -> Fraction:
    """|actual − plan| ÷ plan × 100, exactly (``plan`` > 0)."""
    return abs(actual - plan) / plan * 100


def within(target: DeviationTarget, deviation: Fraction) -> bool:
    """Whether a deviation (in %) is within the target's tolerance: ``met``."""
    tol = frac(target.tolerance)
    return deviation <= tol if target.inclusive else deviation < tol


def shown_rate(value: Fraction, rounding: Rounding) -> str:
    """A percentage as the spec shows rates (``rounding.rate_display``, 截尾 when declared)."""
    q = quantum_of(rounding.rate_display)
    truncate = rounding.rate_display_mode is RateDisplay.TRUNCATE
    return f"{q.show_ratio(value.numerator, value.denominator, truncate):f}%"


def _share_text(share: Decimal) -> str:
    return f"{show(frac(share) * 100)}%"


def table_text(method: Deviation) -> str:
    """The declared table as the forms write it: ``偏差率0（含）至5（含）得分值的100%；…``."""
    return "；".join(
        f"偏差率{band_text(_shown_band(b))}得分值的{_share_text(b.share)}" for b in method.shares
    )


def score_deviation(
    *,
    weight: Decimal,
    target: DeviationTarget,
    actual: Fraction,
    actual_text: str,
    method: Deviation,
    rounding: Rounding,
) -> Scored:
    """偏差计分: the band the deviation falls in gives its share of the weight."""
    p = frac(target.value)
    d = deviation_of(actual, p)
    shown = shown_rate(d, rounding)
    plan = f"{show_dec(target.value)}{target.unit}"
    tol = target.tolerance_text
    w = show_dec(weight)
    met = within(target, d)
    steps = [
        make_step(
            "input",
            f"计划值 {plan}；偏差目标 {tol}；实际完成值 {actual_text}；分值 {w}分",
            f"plan {plan}; deviation target {tol}; actual {actual_text}; weight {w}",
        ),
        make_step(
            "formula",
            f"偏差率 = |实际完成值 − 计划值| ÷ 计划值 × 100% = |{show(actual)} − {show(p)}| ÷ {show(p)} × 100%"
            f" = {show(d, 6)}%（显示为{shown}）",
            f"deviation = |actual − plan| / plan × 100% = |{show(actual)} − {show(p)}| / {show(p)} × 100%"
            f" = {show(d, 6)}% (shown as {shown})",
        ),
        make_step(
            "compare",
            f"偏差率{shown}{'在偏差目标' + tol + '以内，完成指标值' if met else '超出偏差目标' + tol + '，未完成指标值'}",
            f"deviation {shown} is {'within' if met else 'outside'} the target {tol}",
        ),
    ]
    band = next(
        b for b in method.shares if band_holds(as_band(b), d)
    )  # validate_spec: the bands cover every deviation ≥ 0
    raw = frac(band.share) * frac(weight)
    where = band_text(_shown_band(band))
    share = _share_text(band.share)
    steps.append(
        make_step(
            "compare",
            f"计分区间：{table_text(method)}。偏差率{shown}落在“{where}”，"
            f"得分 = {share} × {w} = {show(raw, 6)}",
            f"deviation {shown} falls in band {where}: {share} of the weight = {show(raw, 6)}",
        )
    )
    return finish(
        raw,
        weight,
        rounding.score,
        steps,
        met=met,
        method="deviation",
        citation=cite.DEVIATION,
        why_zh=f"偏差率{shown}落在“{where}”区间，按分值的{share}计分",
        why_en=f"deviation {shown} falls in band {where} ({share} of the weight)",
    )


def full_interval(
    target: DeviationTarget, band: DeviationBand
) -> tuple[Fraction, bool, Fraction | None, bool] | None:
    """The actuals whose deviation lies in ``band`` when it starts at deviation 0: (low, incl, high, incl).

    ``None`` when the band does not hold deviation 0 (its actuals are two intervals, one each
    side of the plan). ``high`` is ``None`` for a band unbounded above.
    """
    b = as_band(band)
    if not band_holds(b, Fraction(0)):
        return None
    p = frac(target.value)
    if band.max is None:
        return Fraction(0), True, None, False
    hi = frac(band.max)
    low = p * (1 - hi / 100)
    if low <= 0:
        return Fraction(0), True, p * (1 + hi / 100), band.max_inclusive
    return low, band.max_inclusive, p * (1 + hi / 100), band.max_inclusive


class DeviationRule(MethodRule[Deviation]):
    cls = Deviation
    name = "deviation"
    citations = (cite.DEVIATION,)
    table_refusal = (
        "bands-in-table",
        "method 'deviation' needs a table of deviation bands, which only a spec file can hold: declare this "
        "indicator in a spec file (and name it in the spec column), or choose another method",
        "偏差计分（deviation）需要偏差区间表，只能在规范文件中声明：请在规范文件中声明该指标（并在 spec 列引用），或改用其他计分方法",
    )

    def check(
        self,
        method: Deviation,
        *,
        weight: Decimal,
        quantum: Decimal,
        target: QuantitativeTarget | None,
    ) -> list[Issue]:
        # the table covers every deviation ≥ 0 exactly once (the band checks, on the edges alone)
        edges = tuple(
            Band(
                score=Decimal(0),
                min=b.min,
                max=b.max,
                min_inclusive=b.min_inclusive,
                max_inclusive=b.max_inclusive,
            )
            for b in method.shares
        )
        c = Issues(
            attrs.evolve(i, path=("shares", *i.path[1:]))  # the table's key is ``shares``
            for i in check_band_table(Bands(bands=edges), weight, quantum)
        )
        for i, b in enumerate(method.shares):
            if not (0 <= b.share <= 1):
                c.add(
                    "bands",
                    ("shares", i, "share"),
                    en=f"band share {show_dec(b.share)} lies outside 0..1 (a share of the weight: 0.6 is 60%)",
                    zh=f"区间得分比例{show_dec(b.share)}超出0至1（为分值的比例，0.6即60%）",
                )
            for key, edge in (("min", b.min), ("max", b.max)):
                if edge is not None and edge < 0:
                    c.add(
                        "bands",
                        ("shares", i, key),
                        en=f"a deviation is never below 0: {key} {show_dec(edge)}",
                        zh=f"偏差率不会小于0：{key} 为{show_dec(edge)}",
                    )
        return c

    def check_target(
        self, method: Deviation | None, indicator: Indicator, target: QuantitativeTarget
    ) -> list[Issue]:
        if not isinstance(target, DeviationTarget):
            return [
                Issue(
                    code="method-target",
                    path=(),
                    en=f"method deviation scores a deviation target such as '120公里±5%', not {str(target)!r}",
                    zh=f"偏差计分（deviation）要求偏差目标（如“120公里±5%”），而非“{target}”",
                )
            ]
        return []

    def score(self, method: Deviation | None, inputs: Inputs) -> Scored:
        assert method is not None
        target, actual = inputs.quantity()
        assert isinstance(target, DeviationTarget)  # validate_spec: check_target
        return score_deviation(
            weight=inputs.weight,
            target=target,
            actual=actual,
            actual_text=inputs.actual_text,
            method=method,
            rounding=inputs.rounding,
        )

    def why_not(self, method: Deviation | None, ask: Ask) -> FullMarks | None:
        assert method is not None
        target = ask.target
        if not isinstance(target, DeviationTarget):
            return None
        need = slack(ask.weight, ask.quantum)  # the smallest share that rounds to the full weight
        full = [b for b in method.shares if frac(b.share) >= need]
        if not full:
            return FullMarks(
                threshold=None,
                comparator=None,
                zh="偏差区间中没有满分档",
                en="no deviation band gives the full weight",
            )
        u = target.unit
        for band in full:
            span = full_interval(target, band)
            if span is None:
                continue
            low, low_in, high, high_in = span
            where = band_text(_shown_band(band))
            if high is None:
                return FullMarks(
                    threshold=None,
                    comparator=None,
                    zh=f"偏差率在“{where}”区间即可得满分：任何实际完成值均可",
                    en=f"full marks with a deviation in band {where}: any actual",
                )
            lo_s, hi_s = bound(low, "≥" if low_in else ">"), bound(high, "≤" if high_in else "<")
            return FullMarks(
                threshold=None,
                comparator=None,
                zh=f"实际完成值在{'[' if low_in else '('}{lo_s}{u}, {hi_s}{u}{']' if high_in else ')'}"
                f"之间（偏差率{where}，计划值{show_dec(target.value)}{u}）即可得满分",
                en=f"full marks with an actual in {'[' if low_in else '('}{lo_s}{u}, {hi_s}{u}"
                f"{']' if high_in else ')'} (a deviation {where} from the plan {show_dec(target.value)}{u})",
            )
        where = "、".join(band_text(_shown_band(b)) for b in full)
        return FullMarks(
            threshold=None,
            comparator=None,
            zh=f"偏差率（|实际完成值 − 计划值| ÷ 计划值）在“{where}”区间即可得满分",
            en=f"full marks with a deviation from the plan {show_dec(target.value)}{u} in band(s) {where}",
        )


RULE = DeviationRule()
