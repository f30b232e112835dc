"""``step``: 每超过/低于 ``per`` 扣 ``deduct`` 分，扣完为止 (部门整体支出 共性指标).

The distance counts in the comparator's direction (above a ≤/< target,
below a ≥/> target, either side of an = target) from the rule's start point
(``start``, 起扣点: "85%以上得满分，每降低1个百分点扣0.5分" counts from 85 on a
≥95% row) or, by default, from the target; a part of a step counts by
``partial``. The target is shown as written and ``met`` judged against it.
Also the budget row's ``method`` (steps below 100%, or below its start).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from perfrules._errors import EvaluationError
from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import frac, quantum_of, show, show_dec
from perfrules.core._fullmarks import FullMarks, fm
from perfrules.core._result import deferred_step
from perfrules.core._scoring import Finisher, Scored, count_steps, input_texts, rule_step
from perfrules.core._template import (
    RowTexts,
    StepText,
    clamp_low_texts,
    deduction_texts,
    finish_texts,
    reasons,
    round_step,
)
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
from perfrules.model import (
    Comparator,
    PartialStep,
    Policy,
    QuantitativeTarget,
    Rounding,
    StepDeduction,
)

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
    anchored: bool = False,
) -> tuple[str, str]:
    sa, st, sd, sp, sn = show(a), show(t), show(distance), show(per), show(n)
    point_zh, point_en = ("起扣点", "the start point") if anchored else ("指标值", "the target")
    return (
        f"{sa} {side_zh}{point_zh} {st} 共 {sd}{unit}；每{sp}{unit}为一档（{_PARTIAL_ZH[partial]}），计 {sn} 档",
        f"{sa} is {sd} {side_en} {point_en} {st}; steps of {sp} ({partial.value}): {sn}",
    )


def _formula_texts(
    weight: Decimal, n: Fraction, deduct: Fraction, raw: Fraction
) -> tuple[str, str]:
    sw, sn, sd, sr = show_dec(weight), show(n), show(deduct), show(raw, 6)
    return (
        f"得分 = 分值 − 档数 × 每档扣分 = {sw} − {sn} × {sd} = {sr}（扣完为止）",
        f"score = weight − steps × deduction = {sw} − {sn} × {sd} = {sr} (floored at 0)",
    )


def _per_texts(per: Fraction, deduct: Fraction, unit: str) -> tuple[str, str]:
    """The step rule's texts in a deduction's reason: so much per step."""
    return f"，每{show(per)}{unit}扣{show(deduct)}分", f"; {show(deduct)} per {show(per)}"


def _why_zh(text: str, side_zh: str, tgt: str, rule_zh: str) -> str:
    return f"实际完成值{text}{side_zh}年度指标值{tgt}{rule_zh}"


def _why_en(text: str, side_en: str, tgt: str, rule_en: str) -> str:
    return f"actual {text} is {side_en} target {tgt}{rule_en}"


def _sides(direction: str) -> tuple[str, str]:
    """The side of the target the distance counts on, in Chinese and English."""
    if direction == "negative":
        return "超过", "above"
    if direction == "positive":
        return "低于", "below"
    return "偏离", "away from"


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
        # the point the distance counts from: the rule's start (起扣点), else the target
        self.anchored = method.start is not None
        self.anchor = frac(method.start) if method.start is not None else self.t
        self.comparator = target.comparator
        self.direction = target.comparator.direction
        self.side_zh, self.side_en = _sides(self.direction)
        self.target_unit = target.unit
        self.unit = _distance_unit(target.unit)
        self.per, self.deduct, self.partial = frac(method.per), frac(method.deduct), method.partial
        self.why_zh, self.why_en = _per_texts(self.per, self.deduct, self.unit)
        if self.anchored:
            start = f"{show(self.anchor)}{self.target_unit}"
            self.why_zh = f"（起扣点{start}）{self.why_zh}"
            self.why_en = f" (deductions count from {start}){self.why_en}"
        # the generic text only where it is this row's rule (docs/scoring.md, "Citations")
        quoted = cite.step_quotes(  # how a part of a point counts is the spec's reading of the text
            target.comparator.value,
            target.value,
            target.unit,
            method.per,
            method.deduct,
            method.start,
        )
        self.citation = fixed.citation or (cite.STEP if quoted else None)
        self.finish = Finisher(fixed.weight, fixed.rounding.score)
        self.rule = rule_step(self.citation) if self.citation is not None else None

    def __call__(self, a: Fraction, actual_text: str | None) -> Scored:
        text = f"{show(a)}{self.target_unit}" if actual_text is None else actual_text
        t = self.anchor
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
                self.anchored,
            ),
            deferred_step("formula", _formula_texts, self.weight, n, self.deduct, raw),
        ]
        return self.finish(
            raw.numerator,
            raw.denominator,
            steps,
            met=self.comparator.holds(a, self.t),
            method="step",
            citation=self.citation,
            # no step deducted: only rounding can lose points (deduction_reasons says so)
            why_zh="" if n == 0 else _why_zh(text, self.side_zh, self.tgt, self.why_zh),
            why_en="" if n == 0 else _why_en(text, self.side_en, self.tgt, self.why_en),
            rule=self.rule,
        )


def _distance_unit(unit: str) -> str:
    """The unit a distance from a target of ``unit`` is counted in (a % target's in points)."""
    return unit if unit != "%" else "个百分点"


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


_BUDGET_TARGET = QuantitativeTarget(comparator=Comparator.GE, value=Decimal(100), unit="%")


def _start_issues(start: Decimal, target: QuantitativeTarget | None) -> list[Issue]:
    """``start`` lies on the lenient side of a ≥/> or ≤/< target, so a met target scores full.

    Without a target the rule scores the budget row, whose target is ≥100%.
    """
    t = _BUDGET_TARGET if target is None else target
    direction = t.comparator.direction
    shown_t, shown_s = str(t), f"{show_dec(start)}{t.unit}"
    if start < 0:
        return [
            Issue(
                code="method-params",
                path=("start",),
                en=f"step method: start must not be negative, not {show_dec(start)}",
                zh=f"扣分档计分：起扣点 start 不能为负数，而非{show_dec(start)}",
            )
        ]
    if direction == "equal":
        return [
            Issue(
                code="method-params",
                path=("start",),
                en=f"step method: start needs a ≥, >, ≤ or < target, not {shown_t}"
                " (an = target deducts on both sides of itself)",
                zh=f"扣分档计分：起扣点 start 只适用于 ≥、>、≤、< 指标值，而非{shown_t}（= 指标值两侧都扣分）",
            )
        ]
    if direction == "positive" and start > t.value:
        return [
            Issue(
                code="method-params",
                path=("start",),
                en=f"step method: start {shown_s} lies above the target {shown_t}: a row that meets"
                " its target would still lose points; state the target the rule scores against",
                zh=f"扣分档计分：起扣点{shown_s}高于指标值{shown_t}，达到指标值仍会扣分；请核对指标值与计分规则",
                suggestion=f"start ≤ {show_dec(t.value)}",
            )
        ]
    if direction == "negative" and start < t.value:
        return [
            Issue(
                code="method-params",
                path=("start",),
                en=f"step method: start {shown_s} lies below the target {shown_t}: a row that meets"
                " its target would still lose points; state the target the rule scores against",
                zh=f"扣分档计分：起扣点{shown_s}低于指标值{shown_t}，达到指标值仍会扣分；请核对指标值与计分规则",
                suggestion=f"start ≥ {show_dec(t.value)}",
            )
        ]
    return []


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
        issues = [
            Issue(
                code="method-params",
                path=(key,),
                en=f"step method: {key} must be positive, not {show_dec(v)}",
                zh=f"扣分档计分：{key} 须大于0，而非{show_dec(v)}",
            )
            for key, v in (("per", method.per), ("deduct", method.deduct))
            if v <= 0
        ]
        if method.start is not None:
            issues += _start_issues(method.start, target)
        return issues

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
        if method.start is not None:
            t = frac(method.start)  # full marks are earned from the start point on
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
        if method.start is not None:
            return (
                None  # the kernels count from the target column: an anchored row is scored per unit
            )
        return KernelPlan(
            kernel="step",
            params=(("per", method.per), ("deduct", method.deduct)),
            partial=method.partial.value,
        )


RULE = StepRule()


# ---------------------------------------------------------------------------
# the fast branch of the full-document batch (perfrules.core._template)


def fast_texts(
    method: StepDeduction,
    target: QuantitativeTarget,
    weight: Decimal,
    rounding: Rounding,
    a: Fraction,
) -> RowTexts:
    """:meth:`Compiled.__call__` of an actual typed in as a number, straight to text."""
    cmp = target.comparator
    key = (method, cmp.value, target.value, target.unit, weight, rounding.score)
    c = _COMPILED.get(key)
    if c is None:  # equal keys, equal texts (a Compiled reads no more of its inputs)
        c = Compiled(method, Inputs(weight=weight, rounding=rounding, target=target))
        if len(_COMPILED) >= 4096:
            _COMPILED.clear()
        _COMPILED[key] = c
    text = f"{show(a)}{c.target_unit}"
    t = c.anchor
    if c.direction == "negative":
        distance = max(a - t, Fraction(0))
    elif c.direction == "positive":
        distance = max(t - a, Fraction(0))
    else:
        distance = abs(a - t)
    n = count_steps(distance, c.per, c.partial)
    raw = c.w - n * c.deduct
    steps: list[StepText] = [
        ("input", *input_texts(c.tgt, text, c.weight_s)),
        (
            "compare",
            *_compare_texts(
                a, t, distance, n, c.side_zh, c.side_en, c.unit, c.per, c.partial, c.anchored
            ),
        ),
        ("formula", *_formula_texts(c.weight, n, c.deduct, raw)),
    ]
    return finish_texts(
        weight,
        quantum_of(rounding.score),
        raw.numerator,
        raw.denominator,
        steps,
        met=c.comparator.holds(a, c.t),
        method="step",
        citation=c.citation,
        why_zh="" if n == 0 else _why_zh(text, c.side_zh, c.tgt, c.why_zh),
        why_en="" if n == 0 else _why_en(text, c.side_en, c.tgt, c.why_en),
    )


# the fast branch's compiled rows, by the values a Compiled reads (a batch's step rows repeat them)
_COMPILED: dict[tuple[object, ...], Compiled] = {}


# ---------------------------------------------------------------------------
# the shape's document writer (perfrules.core._fastdoc.DocumentPlan): a step row by integers,
# its texts from templates made of its branch's texts for marker numbers


class FastStep(NamedTuple):
    """What a step row's texts read besides its numbers (:func:`fast_step_fixed`)."""

    cmp: str  # the comparator's text
    direction: str
    side_zh: str
    side_en: str
    unit: str  # the distance's unit
    target_unit: str
    partial: PartialStep


def fast_step_fixed(method: StepDeduction, target: QuantitativeTarget) -> FastStep | None:
    """The fixed part of a step row without a start (None for one with a start: not covered)."""
    if method.start is not None:
        return None
    direction = target.comparator.direction
    side_zh, side_en = _sides(direction)
    return FastStep(
        target.comparator.value,
        direction,
        side_zh,
        side_en,
        _distance_unit(target.unit),
        target.unit,
        method.partial,
    )


def fast_step(
    f: FastStep,
    a: tuple[int, int],
    t: tuple[int, int],
    per: tuple[int, int],
    deduct: tuple[int, int],
    w: tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], bool]:
    """:meth:`Compiled.__call__`'s numbers by integers (each ``(num, den)``, ``den`` > 0, ``per``
    above 0): the distance, the steps, the raw score ``w − steps × deduct`` (before the floor at
    0) and whether the target is met."""
    an, ad = a
    tn, td = t
    diff, dd = an * td - tn * ad, ad * td  # a − t
    if f.direction == "negative":
        dist = diff if diff > 0 else 0
        met = diff <= 0 if f.cmp == "≤" else diff < 0
    elif f.direction == "positive":
        dist = -diff if diff < 0 else 0
        met = diff >= 0 if f.cmp == "≥" else diff > 0
    else:
        dist = abs(diff)
        met = diff == 0
    sn, sd = dist * per[1], dd * per[0]  # distance / per
    if f.partial is PartialStep.FLOOR:
        sn, sd = sn // sd, 1
    elif f.partial is PartialStep.CEIL:
        sn, sd = -(-sn // sd), 1
    wn, wd = w
    xn, xd = deduct
    return (dist, dd), (sn, sd), (wn * sd * xd - sn * xn * wd, wd * sd * xd), met


def fast_step_citation(f: FastStep, t: Decimal, per: Decimal, deduct: Decimal) -> Citation | None:
    """The citation of a step row without a start (:class:`Compiled`'s)."""
    return cite.STEP if cite.step_quotes(f.cmp, t, f.target_unit, per, deduct, None) else None


def fast_step_texts(
    f: FastStep,
    branch: tuple[bool, bool, bool, int],
    numbers: tuple[Fraction, ...],
    decimals: tuple[Decimal, Decimal, Decimal],
    low: tuple[int, int],
    tgt: str,
) -> tuple[list[StepText], str | None, str | None]:
    """The step texts and the reason of a step row, by the render functions :meth:`Compiled.__call__`
    and :func:`finish_texts` use: ``branch`` (floored at 0, exact, points lost, the score's
    places); ``numbers`` the actual, the target, the distance, the steps, ``per``, ``deduct`` and
    the raw score; ``decimals`` the weight, the score and the points lost; ``low`` the raw score
    as the floor's step shows it.

    Given the row's numbers, its texts; given marker numbers (each shown as its own digits), the
    texts its templates are made of (the shape's document writer fills them).
    """
    clamped, exact, deducted, places = branch
    a, t, distance, n, per, deduct, raw = numbers
    weight, score, lost = decimals
    text = f"{show(a)}{f.target_unit}"
    steps: list[StepText] = [
        ("input", *input_texts(tgt, text, show_dec(weight))),
        (
            "compare",
            *_compare_texts(a, t, distance, n, f.side_zh, f.side_en, f.unit, per, f.partial),
        ),
        ("formula", *_formula_texts(weight, n, deduct, raw)),
    ]
    if clamped:  # as finish_texts writes a raw score below 0
        steps.append(("clamp", *clamp_low_texts(*low)))
        steps.append(round_step(places, True, 0, 1, score))
    else:
        steps.append(round_step(places, exact, raw.numerator, raw.denominator, score))
    reason = reason_en = None
    if deducted:
        rule_zh, rule_en = _per_texts(per, deduct, f.unit)
        if n == 0:  # no step deducted: only rounding lost points (deduction_reasons says so)
            reason, reason_en = reasons("", "", lost)
        else:
            reason, reason_en = reasons(
                _why_zh(text, f.side_zh, tgt, rule_zh), _why_en(text, f.side_en, tgt, rule_en), lost
            )
        steps.append(("deduction", *deduction_texts(reason, reason_en)))
    return steps, reason, reason_en
