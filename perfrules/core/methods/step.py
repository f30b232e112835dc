"""``step``: 每超过/低于 ``per`` 扣 ``deduct`` 分，扣完为止 (部门整体支出 共性指标).

The distance from the target counts in the comparator's direction (above a
≤/< target, below a ≥/> target, either side of an = target); a part of a
step counts by ``partial``. Also the budget row's ``method`` (steps below
100%).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import frac, show, show_dec
from perfrules.core._fullmarks import FullMarks, fm
from perfrules.core._scoring import Scored, count_steps, finish, make_step
from perfrules.core.methods._integer import Array, Bounds, Group, Kernel, KernelPlan, p10, scaled, up
from perfrules.core.methods._rule import Ask, Inputs, Issue, MethodRule
from perfrules.model import PartialStep, Policy, QuantitativeTarget, Rounding, StepDeduction

_PARTIAL_ZH = {PartialStep.FLOOR: "不足一档不扣", PartialStep.CEIL: "不足一档按一档扣", PartialStep.PROPORTIONAL: "按比例折算"}


def score_step(
    *, weight: Decimal, target: QuantitativeTarget, actual: Fraction, actual_text: str,
    method: StepDeduction, rounding: Rounding, citation: Citation = cite.STEP,
) -> Scored:  # fmt: skip
    """每超过/低于 per 扣 deduct 分，扣完为止, measured from the target in the comparator's direction."""
    t, a, w = frac(target.value), actual, frac(weight)
    tgt = str(target)
    steps = [make_step("input", f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {show_dec(weight)}分",
                       f"target {tgt}; actual {actual_text}; weight {show_dec(weight)}")]  # fmt: skip
    direction = target.comparator.direction
    if direction == "negative":
        distance, side_zh, side_en = max(a - t, Fraction(0)), "超过", "above"
    elif direction == "positive":
        distance, side_zh, side_en = max(t - a, Fraction(0)), "低于", "below"
    else:
        distance, side_zh, side_en = abs(a - t), "偏离", "away from"
    met = target.comparator.holds(a, t)
    per, deduct = frac(method.per), frac(method.deduct)
    n = count_steps(distance, per, method.partial)
    raw = w - n * deduct
    unit = target.unit if target.unit != "%" else "个百分点"
    steps.append(make_step("compare",
                           f"{show(a)} {side_zh}指标值 {show(t)} 共 {show(distance)}{unit}；每{show(per)}{unit}为一档（{_PARTIAL_ZH[method.partial]}），计 {show(n)} 档",
                           f"{show(a)} is {show(distance)} {side_en} the target {show(t)}; steps of {show(per)} ({method.partial.value}): {show(n)}"))  # fmt: skip
    steps.append(make_step("formula",
                           f"得分 = 分值 − 档数 × 每档扣分 = {show_dec(weight)} − {show(n)} × {show(deduct)} = {show(raw, 6)}（扣完为止）",
                           f"score = weight − steps × deduction = {show_dec(weight)} − {show(n)} × {show(deduct)} = {show(raw, 6)} (floored at 0)"))  # fmt: skip
    return finish(raw, weight, rounding.score, steps, met=met, method="step", citation=citation,
                  why_zh=f"实际完成值{actual_text}{side_zh}年度指标值{tgt}，每{show(per)}{unit}扣{show(deduct)}分",
                  why_en=f"actual {actual_text} is {side_en} target {tgt}; {show(deduct)} per {show(per)}")  # fmt: skip


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

    def check(self, method: StepDeduction, *, weight: Decimal, quantum: Decimal,
              target: QuantitativeTarget | None) -> list[Issue]:  # fmt: skip
        return [Issue(code="method-params", path=(key,), en=f"step method: {key} must be positive, not {show_dec(v)}",
                      zh=f"扣分档计分：{key} 须大于0，而非{show_dec(v)}")
                for key, v in (("per", method.per), ("deduct", method.deduct)) if v <= 0]  # fmt: skip

    def reads_below_zero(self, method: StepDeduction | None) -> bool:
        return True  # a distance from the target is defined on both sides of 0

    def score(self, method: StepDeduction | None, inputs: Inputs) -> Scored:
        assert method is not None
        target, actual = inputs.quantity()
        return score_step(weight=inputs.weight, target=target, actual=actual, actual_text=inputs.actual_text,
                          method=method, rounding=inputs.rounding, citation=inputs.citation or cite.STEP)  # fmt: skip

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
            return fm(t + per, "<", u, what_zh, what_en) if strict else fm(t, "≤", u, what_zh, what_en)
        if d == "positive":
            if strict and t - per < 0:  # every value ≥ 0 is within one step: the rule itself never deducted
                return fm(Fraction(0), "≥", u, what_zh, what_en)
            return fm(t - per, ">", u, what_zh, what_en) if strict else fm(t, "≥", u, what_zh, what_en)
        lo, hi = (t - per, t + per) if strict else (t, t)
        return FullMarks(threshold=None, comparator=None,
                         zh=f"{what_zh}与指标值{show(t)}{u}的偏差{'小于' if strict else '为0，即等于'}{show(per) if strict else ''}{u if strict else ''}即可得满分（{show(lo)}至{show(hi)}）",
                         en=f"full marks within {show(per) if strict else 0} of the target {show(t)}{u}")  # fmt: skip


    kernels = (Kernel(name="step", score=_score_step, bound=_bound_step, params=("per", "deduct")),)

    def kernel_plan(self, method: StepDeduction | None, target: QuantitativeTarget | None,
                    policy: Policy) -> KernelPlan | None:  # fmt: skip
        assert method is not None
        return KernelPlan(kernel="step", params=(("per", method.per), ("deduct", method.deduct)),
                          partial=method.partial.value)  # fmt: skip


RULE = StepRule()
