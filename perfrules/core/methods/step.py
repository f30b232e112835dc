"""``step``: 每超过/低于 ``per`` 扣 ``deduct`` 分，扣完为止 (部门整体支出 共性指标).

The distance from the target counts in the comparator's direction (above a
≤/< target, below a ≥/> target, either side of an = target); a part of a
step counts by ``partial``. Also the budget row's ``method`` (steps below
100%).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules._errors import EvaluationError
from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import frac, show, show_dec
from perfrules.core._fullmarks import FullMarks, fm
from perfrules.core._result import deferred_step
from perfrules.core._scoring import Finisher, Scored, count_steps, input_texts, rule_step
from perfrules.core.methods._integer import (
    Array,
    Bounds,
    Group,
    Kernel,
    KernelPlan,
    p10,
    scaled,
    up,
)
from perfrules.core.methods._rule import Ask, Inputs, Issue, MethodRule, Quantity
from perfrules.model import PartialStep, Policy, QuantitativeTarget, Rounding, StepDeduction

_PARTIAL_ZH = {
    PartialStep.FLOOR: "不足一档不扣",
    PartialStep.CEIL: "不足一档按一档扣",
    PartialStep.PROPORTIONAL: "按比例折算",
}


def score_step(
    *,
    weight: Decimal,
    target: QuantitativeTarget,
    actual: Fraction,
    actual_text: str,
    method: StepDeduction,
    rounding: Rounding,
    citation: Citation = cite.STEP,
) -> Scored:
    """每超过/低于 per 扣 deduct 分，扣完为止, measured from the target in the comparator's direction."""
    fixed = Inputs(weight=weight, rounding=rounding, target=target, citation=citation)
    return Compiled(method, fixed)(actual, actual_text)


def _compare_texts(
    a: Fraction,
    t: Fraction,
    distance: Fraction,
    n: Fraction,
    side_zh: str,
    side_en: str,
    unit: str,
    per: Fraction,
    partial: PartialStep,
) -> tuple[str, str]:
    sa, st, sd, sp, sn = show(a), show(t), show(distance), show(per), show(n)
    return (
        f"{sa} {side_zh}指标值 {st} 共 {sd}{unit}；每{sp}{unit}为一档（{_PARTIAL_ZH[partial]}），计 {sn} 档",
        f"{sa} is {sd} {side_en} the target {st}; steps of {sp} ({partial.value}): {sn}",
    )


def _formula_texts(
    weight: Decimal, n: Fraction, deduct: Fraction, raw: Fraction
) -> tuple[str, str]:
    sw, sn, sd, sr = show_dec(weight), show(n), show(deduct), show(raw, 6)
    return (
        f"得分 = 分值 − 档数 × 每档扣分 = {sw} − {sn} × {sd} = {sr}（扣完为止）",
        f"score = weight − steps × deduction = {sw} − {sn} × {sd} = {sr} (floored at 0)",
    )


class Compiled:
    """The step score of one indicator (weight, target, steps, rounding), worked out once for many actuals."""

    def __init__(self, method: StepDeduction, fixed: Inputs) -> None:
        target = fixed.target
        if target is None:
            raise EvaluationError("a quantitative scoring method needs a target and an actual")
        self.weight = fixed.weight
        self.w = frac(fixed.weight)
        self.weight_s = show_dec(fixed.weight)
        self.tgt = str(target)
        self.t = frac(target.value)
        self.comparator = target.comparator
        self.direction = target.comparator.direction
        if self.direction == "negative":
            self.side_zh, self.side_en = "超过", "above"
        elif self.direction == "positive":
            self.side_zh, self.side_en = "低于", "below"
        else:
            self.side_zh, self.side_en = "偏离", "away from"
        self.target_unit = target.unit
        self.unit = target.unit if target.unit != "%" else "个百分点"
        self.per, self.deduct, self.partial = frac(method.per), frac(method.deduct), method.partial
        self.why_zh = f"，每{show(self.per)}{self.unit}扣{show(self.deduct)}分"
        self.why_en = f"; {show(self.deduct)} per {show(self.per)}"
        self.citation = fixed.citation or cite.STEP
        self.finish = Finisher(fixed.weight, fixed.rounding.score)
        self.rule = rule_step(self.citation)

    def __call__(self, a: Fraction, actual_text: str | None) -> Scored:
        text = f"{show(a)}{self.target_unit}" if actual_text is None else actual_text
        t = self.t
        if self.direction == "negative":
            distance = max(a - t, Fraction(0))
        elif self.direction == "positive":
            distance = max(t - a, Fraction(0))
        else:
            distance = abs(a - t)
        n = count_steps(distance, self.per, self.partial)
        raw = self.w - n * self.deduct
        steps = [
            deferred_step("input", input_texts, self.tgt, text, self.weight_s),
            deferred_step(
                "compare",
                _compare_texts,
                a,
                t,
                distance,
                n,
                self.side_zh,
                self.side_en,
                self.unit,
                self.per,
                self.partial,
            ),
            deferred_step("formula", _formula_texts, self.weight, n, self.deduct, raw),
        ]
        return self.finish(
            raw.numerator,
            raw.denominator,
            steps,
            met=self.comparator.holds(a, t),
            method="step",
            citation=self.citation,
            why_zh=f"实际完成值{text}{self.side_zh}年度指标值{self.tgt}{self.why_zh}",
            why_en=f"actual {text} is {self.side_en} target {self.tgt}{self.why_en}",
            rule=self.rule,
        )


def _score_step(g: Group) -> tuple[Array, Array]:
    """w − steps·deduct, floored at 0; steps = distance ÷ per (floor, ceil or pro rata)."""
    assert g.per is not None and g.deduct is not None
    xp, a_c, t_c, c = g.xp, g.a_c, g.t_c, g.c
    if g.cmp in ("ge", "gt"):
        dist = xp.maximum(t_c - a_c, 0)
    elif g.cmp in ("le", "lt"):
        dist = xp.maximum(a_c - t_c, 0)
    else:
        dist = xp.abs(a_c - t_c)
    # steps = dist/10^c ÷ per/10^sp = dn / dd
    y = g.sp - c
    dn, dd = (scaled(dist, y), g.per) if y >= 0 else (dist, g.per * p10(-y))
    m = max(g.sw, g.sd)  # the raw score w − steps·deduct at scale 10^m
    if g.partial == "proportional":
        num = scaled(g.w, m - g.sw) * dd - dn * scaled(g.deduct, m - g.sd)  # at scale m, over dd
        return g.clamped(xp.maximum(num, 0), dd, m, high=False), g.met
    n = dn // dd if g.partial == "floor" else -((-dn) // dd)
    num = scaled(g.w, m - g.sw) - n * scaled(g.deduct, m - g.sd)
    return g.clamped(xp.maximum(num, 0), 1, m, high=False), g.met


def _bound_step(b: Bounds) -> list[int]:
    y = b.sp - b.c
    dn, dd = (b.tc + b.ac) * up(y), b.PER * up(-y)
    m = max(b.sw, b.sd)
    num = b.W * p10(m - b.sw) * dd + dn * b.D * p10(m - b.sd)
    return [dn, dd, num * up(b.places - m), dd * up(m - b.places), b.W * dd * up(m - b.sw)]


class StepRule(MethodRule[StepDeduction]):
    cls = StepDeduction
    name = "step"
    citations = (cite.STEP,)
    columns = (("per", "number"), ("deduct", "number"), ("partial", "text"))

    def check(
        self,
        method: StepDeduction,
        *,
        weight: Decimal,
        quantum: Decimal,
        target: QuantitativeTarget | None,
    ) -> list[Issue]:
        return [
            Issue(
                code="method-params",
                path=(key,),
                en=f"step method: {key} must be positive, not {show_dec(v)}",
                zh=f"扣分档计分：{key} 须大于0，而非{show_dec(v)}",
            )
            for key, v in (("per", method.per), ("deduct", method.deduct))
            if v <= 0
        ]

    def reads_below_zero(self, method: StepDeduction | None) -> bool:
        return True  # a distance from the target is defined on both sides of 0

    def score(self, method: StepDeduction | None, inputs: Inputs) -> Scored:
        assert method is not None
        _, actual = inputs.quantity()
        return Compiled(method, inputs)(actual, inputs.actual_text)

    def quantity(self, method: StepDeduction | None, fixed: Inputs) -> Quantity:
        assert method is not None
        return Compiled(method, fixed)

    def why_not(self, method: StepDeduction | None, ask: Ask) -> FullMarks | None:
        assert method is not None
        target = ask.target
        if target is None:
            return None
        t, u, what_zh, what_en = frac(target.value), target.unit, ask.what_zh, ask.what_en
        per = frac(method.per)
        strict = method.partial is PartialStep.FLOOR
        d = target.comparator.direction
        if d == "negative":
            return (
                fm(t + per, "<", u, what_zh, what_en) if strict else fm(t, "≤", u, what_zh, what_en)
            )
        if d == "positive":
            if (
                strict and t - per < 0
            ):  # every value ≥ 0 is within one step: the rule itself never deducted
                return fm(Fraction(0), "≥", u, what_zh, what_en)
            return (
                fm(t - per, ">", u, what_zh, what_en) if strict else fm(t, "≥", u, what_zh, what_en)
            )
        lo, hi = (t - per, t + per) if strict else (t, t)
        return FullMarks(
            threshold=None,
            comparator=None,
            zh=f"{what_zh}与指标值{show(t)}{u}的偏差{'小于' if strict else '为0，即等于'}{show(per) if strict else ''}{u if strict else ''}即可得满分（{show(lo)}至{show(hi)}）",
            en=f"full marks within {show(per) if strict else 0} of the target {show(t)}{u}",
        )

    kernels = (Kernel(name="step", score=_score_step, bound=_bound_step, params=("per", "deduct")),)

    def kernel_plan(
        self, method: StepDeduction | None, target: QuantitativeTarget | None, policy: Policy
    ) -> KernelPlan | None:
        assert method is not None
        return KernelPlan(
            kernel="step",
            params=(("per", method.per), ("deduct", method.deduct)),
            partial=method.partial.value,
        )


RULE = StepRule()
