"""The ratio family: ``ratio`` and its two negative-only variants ``inverse_ratio`` and ``linear_overshoot``.

One rule of 财预〔2020〕10号 第十六条 with its declared variants: met → full
weight; unmet positive → actual / target × weight; exact targets by
``policy.equal_above``; unmet negative targets by ``policy.negative`` —
unless the indicator's method forces one negative rule (``inverse_ratio``,
``linear_overshoot``). A declared overshoot deduction applies to the family
only. The three method modules (:mod:`.ratio`, :mod:`.inverse_ratio`,
:mod:`.linear_overshoot`) share this module's score and why-not inverse.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from perfrules._errors import EvaluationError
from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import exact_ratio, frac, quantum_of, show, show_dec, show_ratio
from perfrules.core._fullmarks import (
    FullMarks,
    bound,
    bound_ratio,
    fm,
    fm_texts,
    low_en,
    slack,
)
from perfrules.core._result import Step, deferred_step, step_texts
from perfrules.core._scoring import (
    Finisher,
    Scored,
    count_steps,
    fixed_step,
    input_texts,
    make_step,
    rule_step,
    with_deductions,
)
from perfrules.core._template import (
    RowTexts,
    StepText,
    deduction_texts,
    reasons,
    round_step,
)
from perfrules.core.methods._integer import Bounds, KernelPlan, up
from perfrules.core.methods._rule import Ask, Inputs, Issue, Quantity
from perfrules.model import (
    Comparator,
    EqualAbove,
    Indicator,
    NegativeRule,
    PartialStep,
    Policy,
    QuantitativeTarget,
    Rounding,
)


def score(forced: NegativeRule | None, inputs: Inputs) -> Scored:
    """The family's score; a declared overshoot deduction is subtracted from it."""
    target, actual = inputs.quantity()
    return Compiled(forced, inputs)(actual, inputs.actual_text)


def quantity(forced: NegativeRule | None, fixed: Inputs) -> Quantity:
    """The family's scorer of one indicator (``fixed``), compiled once: ``(actual, actual_text)`` → Scored."""
    compiled = Compiled(forced, fixed)
    return compiled if compiled.overshoot is not None else compiled._score


def _policy_texts(method_name: str, declared: bool) -> tuple[str, str]:
    if not declared:
        return (
            f"反向指标计分口径：{method_name}（规范 policy.negative 声明）",
            f"negative-indicator rule: {method_name} (declared by policy.negative)",
        )
    return (
        f"反向指标计分口径：{method_name}（本指标 method 声明）",
        f"negative-indicator rule: {method_name} (declared by this indicator's method)",
    )


def _input_value_texts(tgt: str, a: Fraction, unit: str, weight: str) -> tuple[str, str]:
    return input_texts(tgt, f"{show(a)}{unit}", weight)


def _met_texts(a: Fraction, cmp: str, t: Fraction) -> tuple[str, str]:
    sa, st = show(a), show(t)
    return f"{sa} {cmp} {st}，完成指标值，得满分", f"{sa} {cmp} {st} holds: target met, full weight"


def _unmet_texts(a: Fraction, cmp: str, t: Fraction) -> tuple[str, str]:
    sa, st = show(a), show(t)
    return f"{sa} {cmp} {st} 不成立，未完成指标值", f"{sa} {cmp} {st} does not hold: target not met"


def _ratio_texts(a: Fraction, t: Fraction, weight: Decimal, num: int, den: int) -> tuple[str, str]:
    sa, st, sw, sr = show(a), show(t), show_dec(weight), show(Fraction(num, den), 6)
    return (
        f"得分 = 实际完成值 ÷ 指标值 × 分值 = {sa} ÷ {st} × {sw} = {sr}",
        f"score = actual / target × weight = {sa} / {st} × {sw} = {sr}",
    )


def _inverse_texts(
    a: Fraction, t: Fraction, weight: Decimal, num: int, den: int
) -> tuple[str, str]:
    sa, st, sw, sr = show(a), show(t), show_dec(weight), show(Fraction(num, den), 6)
    return (
        f"得分 = 指标值 ÷ 实际完成值 × 分值 = {st} ÷ {sa} × {sw} = {sr}",
        f"score = target / actual × weight = {st} / {sa} × {sw} = {sr}",
    )


def _linear_texts(a: Fraction, t: Fraction, weight: Decimal, num: int, den: int) -> tuple[str, str]:
    sa, st, sw, sr = show(a), show(t), show_dec(weight), show(Fraction(num, den), 6)
    return (
        f"得分 = (1 − (实际完成值 − 指标值) ÷ 指标值) × 分值 = (1 − ({sa} − {st}) ÷ {st}) × {sw} = {sr}",
        f"score = (1 − (actual − target) / target) × weight = (1 − ({sa} − {st}) / {st}) × {sw} = {sr}",
    )


_tuple_new = tuple.__new__

_POLICY_EQUAL = fixed_step(
    "policy",
    "实际完成值高于“=”指标值，按规范 policy.equal_above = full 视同完成，得满分",
    "above an exact target: counts as met (policy.equal_above = full)",
)
_GE, _GT, _LE, _LT, _EQ = range(5)
_CMP = {
    Comparator.GE: _GE,
    Comparator.GT: _GT,
    Comparator.LE: _LE,
    Comparator.LT: _LT,
    Comparator.EQ: _EQ,
}


def _holds(cmp: int, diff: int) -> bool:
    """Whether ``a cmp t`` holds, given ``diff``, an integer of the sign of a − t."""
    if cmp == _GE:
        return diff >= 0
    if cmp == _LE:
        return diff <= 0
    if cmp == _GT:
        return diff > 0
    if cmp == _LT:
        return diff < 0
    return diff == 0


class Compiled:
    """The family's score of one indicator (weight, target, rounding, policy), worked out once for many actuals.

    Called with an actual (its exact value and its text), it gives what
    :func:`score_quantitative` and the overshoot deduction give, on integers:
    everything that depends on the indicator alone (the target as a ratio,
    the method and its citation, the whole full-weight outcome) is made here.
    """

    def __init__(self, forced: NegativeRule | None, fixed: Inputs) -> None:
        target = fixed.target
        if target is None:
            raise EvaluationError("a quantitative scoring method needs a target and an actual")
        policy, weight = fixed.policy, fixed.weight
        self.weight = weight
        self.tgt = str(target)
        self.unit = target.unit
        self.weight_s = show_dec(weight)
        cmp = target.comparator
        self.cmp = _CMP[cmp]
        self.cmp_s = cmp.value
        self.t = frac(target.value)
        self.tn, self.td = self.t.numerator, self.t.denominator
        self.wn, self.wd = weight.as_integer_ratio()
        self.direction = direction = cmp.direction
        self.finish = Finisher(weight, fixed.rounding.score)
        self.policy_steps: tuple[Step, ...] = ()
        self.linear = False
        if direction == "negative":
            rule = forced if forced is not None else policy.negative
            self.linear = rule is NegativeRule.LINEAR_OVERSHOOT
            self.citation = (
                cite.QUANT_NEGATIVE_LINEAR if self.linear else cite.QUANT_NEGATIVE_INVERSE
            )
            self.method_name = rule.value
            self.policy_steps = (
                make_step("policy", *_policy_texts(rule.value, forced is not None)),
            )
        elif direction == "positive":
            self.citation, self.method_name = cite.QUANT_POSITIVE, "ratio"
        else:
            self.citation, self.method_name = cite.QUANT_EQUAL, "ratio"
        self.rule = rule_step(self.citation)
        self.equal_full = policy.equal_above is EqualAbove.FULL
        self.full: Scored | None = (
            None  # the full-weight outcome: its steps end every full-weight result
        )
        od = policy.overshoot_deduction
        self.overshoot = (
            od if od is not None and direction in ("positive", "equal") and self.tn > 0 else None
        )
        self.rounding = fixed.rounding

    def __call__(self, actual: Fraction, actual_text: str | None) -> Scored:
        scored = self._score(actual, actual_text)
        if self.overshoot is not None:
            scored = self._overshoot(scored, actual)
        return scored

    def _full(self, steps: tuple[Step, ...]) -> Scored:
        full = self.full
        if full is None:  # worked out on the first full-weight outcome, then shared
            full = self.full = self.finish(
                self.wn,
                self.wd,
                [],
                met=True,
                method=self.method_name,
                citation=self.citation,
                why_zh="",
                why_en="",
                rule=self.rule,
            )
        score, _, method, full_steps, citation, reason, reason_en = full
        result: Scored = _tuple_new(
            Scored, (score, True, method, steps + full_steps, citation, reason, reason_en)
        )  # new_scored(...), without a call per full-weight result
        return result

    def _score(self, a: Fraction, text: str | None) -> Scored:
        an, ad = a.as_integer_ratio()
        tn, td = self.tn, self.td
        diff = an * td - tn * ad  # the sign of a − t
        met = _holds(self.cmp, diff)
        tgt = self.tgt
        if text is None:  # the exact actual with the target's unit, formatted when a text needs it
            first = deferred_step("input", _input_value_texts, tgt, a, self.unit, self.weight_s)
            actual_text = "" if met else f"{show(a)}{self.unit}"
        else:
            first = deferred_step("input", input_texts, tgt, text, self.weight_s)
            actual_text = text
        if met:
            compare = deferred_step("compare", _met_texts, a, self.cmp_s, self.t)
            return self._full(
                (first, *self.policy_steps, compare) if self.policy_steps else (first, compare)
            )
        wn, wd = self.wn, self.wd
        steps = [first, *self.policy_steps]
        steps.append(deferred_step("compare", _unmet_texts, a, self.cmp_s, self.t))
        direction = self.direction
        finish = self.finish
        if direction == "positive" or (direction == "equal" and diff < 0):
            if tn == 0:
                num, den = 0, 1
                steps.append(
                    fixed_step(
                        "formula",
                        "指标值为0，无法按完成比例计分，不得分",
                        "target is 0: no completion ratio, scores 0",
                    )
                )
            else:
                num, den = an * td * wn, ad * tn * wd  # a / t × w
                steps.append(
                    deferred_step("formula", _ratio_texts, a, self.t, self.weight, num, den)
                )
            return finish(
                num,
                den,
                steps,
                met=False,
                method=self.method_name,
                citation=self.citation,
                why_zh=f"实际完成值{actual_text}未达到年度指标值{tgt}，按完成值与指标值的比例计分",
                why_en=f"actual {actual_text} falls short of target {tgt}; scored by the completion ratio",
                rule=self.rule,
            )
        if direction == "equal":  # above an exact target
            if tn == 0:
                steps.append(
                    fixed_step(
                        "formula",
                        "指标值为0：实际完成值不为0即不得分",
                        "target is 0: any non-zero actual scores 0",
                    )
                )
                return finish(
                    0,
                    1,
                    steps,
                    met=False,
                    method=self.method_name,
                    citation=self.citation,
                    why_zh=f"指标值为0，实际完成值为{actual_text}",
                    why_en=f"target is 0 but the actual is {actual_text}",
                    rule=self.rule,
                )
            if self.equal_full:
                steps.append(_POLICY_EQUAL)
                return self._full(tuple(steps))
            num, den = tn * ad * wn, td * an * wd  # t / a × w
            steps.append(deferred_step("formula", _inverse_texts, a, self.t, self.weight, num, den))
            return finish(
                num,
                den,
                steps,
                met=False,
                method="inverse_ratio",
                citation=self.citation,
                why_zh=f"实际完成值{actual_text}偏离年度指标值{tgt}，按指标值与实际完成值的比例计分",
                why_en=f"actual {actual_text} deviates from exact target {tgt}; scored by target / actual",
                rule=self.rule,
            )

        # negative, unmet
        why_zh = f"实际完成值{actual_text}超过年度指标值{tgt}"
        why_en = f"actual {actual_text} exceeds target {tgt}"
        if self.linear:
            if tn == 0:
                num, den = 0, 1
                steps.append(
                    fixed_step(
                        "formula", "指标值为0：超出即不得分", "target is 0: any overshoot scores 0"
                    )
                )
            else:
                num, den = (2 * tn * ad - an * td) * wn, ad * tn * wd  # (1 − (a − t) / t) × w
                steps.append(
                    deferred_step("formula", _linear_texts, a, self.t, self.weight, num, den)
                )
            why_zh += "，按超出比例线性扣减（2倍指标值及以上不得分）"
            why_en += "; linear penalty on the overshoot (0 at twice the target)"
        else:
            if an == 0:
                num, den = 0, 1
                steps.append(
                    fixed_step(
                        "formula",
                        "实际完成值为0且未完成“<0”指标值，不得分",
                        "actual 0 does not meet '< 0': scores 0",
                    )
                )
            else:
                num, den = tn * ad * wn, td * an * wd  # t / a × w
                steps.append(
                    deferred_step("formula", _inverse_texts, a, self.t, self.weight, num, den)
                )
            why_zh += "，按指标值与实际完成值的比例计分"
            why_en += "; scored by target / actual"
        return finish(
            num,
            den,
            steps,
            met=False,
            method=self.method_name,
            citation=self.citation,
            why_zh=why_zh,
            why_en=why_en,
            rule=self.rule,
        )

    def _overshoot(self, scored: Scored, actual: Fraction) -> Scored:
        """The declared overshoot deduction (policy.overshoot_deduction), when the actual is far above the target."""
        od = self.overshoot
        assert od is not None
        ratio = actual / self.t
        if ratio > frac(od.threshold):
            n = count_steps(ratio - frac(od.threshold), frac(od.per), od.partial)
            points = n * frac(od.deduct)
            if points > 0:
                zh = (
                    f"实际完成值为指标值的{show(ratio * 100, 2)}%，超过{show(frac(od.threshold) * 100)}%，"
                    f"按偏离度每超出指标值的{show(frac(od.per) * 100)}%扣{show_dec(od.deduct)}分（{show(n)}档）"
                )
                en = (
                    f"actual is {show(ratio * 100, 2)}% of the target, above {show(frac(od.threshold) * 100)}%: "
                    f"{show_dec(od.deduct)} per further {show(frac(od.per) * 100)}% ({show(n)} step(s))"
                )
                scored = with_deductions(
                    scored,
                    self.weight,
                    self.rounding.score,
                    [(points, zh, en)],
                    cite.OVERSHOOT_DEDUCTION,
                )
        return scored


def kernel_plan(
    forced: NegativeRule | None, target: QuantitativeTarget | None, policy: Policy
) -> KernelPlan | None:
    """The family's kernels: ``ratio``, ``equal_full``/``equal_inverse`` (by policy), ``inverse``/``linear`` (≤/<)."""
    if target is None:
        return None
    direction = target.comparator.direction
    if forced is not None or direction == "negative":
        if direction != "negative":
            return None  # a negative-only method on another target: refused by validation, never vectorised
        rule = forced if forced is not None else policy.negative
        return KernelPlan(kernel="inverse" if rule is NegativeRule.INVERSE_RATIO else "linear")
    if direction == "positive":
        return KernelPlan(kernel="ratio")
    return KernelPlan(
        kernel="equal_full" if policy.equal_above is EqualAbove.FULL else "equal_inverse"
    )


def ratio_bound(b: Bounds) -> list[int]:
    """The bound terms of w·a/t and w·t/a at the score precision (``ratio``, ``equal_*``, ``inverse``)."""
    x, y = b.st + b.places - b.sw - b.sa, b.sa + b.places - b.sw - b.st
    return [b.W * b.A * up(x), b.T * up(-x), b.W * b.T * up(y), b.A * up(-y)]


def negative_only(name: str, indicator: Indicator, target: QuantitativeTarget) -> list[Issue]:
    """``inverse_ratio`` and ``linear_overshoot`` score ≤/< targets only."""
    if target.comparator.direction == "negative":
        return []
    return [
        Issue(
            code="method-target",
            path=(),
            en=f"indicator {indicator.id!r}: {name} applies to ≤/< targets, not {target.comparator.value}",
            zh=f"指标“{indicator.name}”：{name} 仅适用于反向指标（≤、<），指标值为“{target}”",
        )
    ]


def score_quantitative(
    *,
    weight: Decimal,
    target: QuantitativeTarget,
    actual: Fraction,
    actual_text: str,
    method: NegativeRule | None,
    negative_rule: NegativeRule,
    equal_above: EqualAbove,
    rounding: Rounding,
) -> Scored:
    """Score a quantitative indicator: met → full; unmet → by direction and declared policy (no overshoot deduction)."""
    policy = Policy(negative=negative_rule, equal_above=equal_above, overshoot_deduction=None)
    fixed = Inputs(weight=weight, rounding=rounding, policy=policy, target=target)
    return Compiled(method, fixed)._score(actual, actual_text)


def why_not(forced: NegativeRule | None, ask: Ask) -> FullMarks | None:
    """The family's full-marks condition: below the target the ratio, far above it the overshoot deduction."""
    target = ask.target
    if target is None:
        return None
    spec, w, q, what_zh, what_en = ask.spec, ask.weight, ask.quantum, ask.what_zh, ask.what_en
    u = target.unit
    rounding_zh, rounding_en = _ROUNDING_ZH, _ROUNDING_EN
    found = full_bound(forced, target, w, q, spec.policy)
    if found is not None:  # one bound: the ratio's threshold, by integers
        num, den, cmp = found
        return fm(Fraction(num, den), cmp, u, what_zh, what_en, rounding_zh, rounding_en)
    t = frac(target.value)
    d = target.comparator.direction
    if d == "positive" or d == "equal":
        if t == 0:
            return fm(t, target.comparator.value, u, what_zh, what_en)
        low = t * slack(w, q)
        od = spec.policy.overshoot_deduction
        if od is not None:  # above threshold (+ one step with floor) the overshoot deduction bites
            first = frac(od.threshold) + (frac(od.per) if od.partial is PartialStep.FLOOR else 0)
            high = t * first
            cmp_hi = "<" if od.partial is PartialStep.FLOOR else "≤"
            return FullMarks(
                threshold=None,
                comparator=None,
                zh=f"{what_zh}≥{bound(low, '≥')}{u}且{cmp_hi}{bound(high, cmp_hi)}{u}即可得满分"
                f"（低于指标值按比例计分；超过指标值{show(frac(od.threshold) * 100)}%按偏离度调减）",
                en=f"full marks with {low_en(low, u)} and {cmp_hi} {bound(high, cmp_hi)}{u} "
                "(below the target the ratio applies; far above it the overshoot deduction)",
            )
        if d == "equal" and spec.policy.equal_above is EqualAbove.INVERSE_RATIO:
            high = t / slack(w, q)
            return FullMarks(
                threshold=None,
                comparator=None,
                zh=f"{what_zh}在{bound(low, '≥')}至{bound(high, '≤')}{u}之间即可得满分{rounding_zh}",
                en=f"full marks with an actual between {bound(low, '≥')} and {bound(high, '≤')}{u}{rounding_en}",
            )
        return fm(low, "≥", u, what_zh, what_en, rounding_zh, rounding_en)
    # negative
    rule = forced if forced is not None else spec.policy.negative
    if t == 0:
        return fm(t, "≤" if target.comparator.value == "≤" else "<", u, what_zh, what_en)
    if rule is NegativeRule.LINEAR_OVERSHOOT:
        high = t * (1 + frac(q) / (2 * frac(w)))
    else:
        high = t / slack(w, q)
    return fm(high, "≤", u, what_zh, what_en, rounding_zh, rounding_en)


_ROUNDING_ZH = "（按完成比例计分并四舍五入后为满分）"
_ROUNDING_EN = " (the ratio score rounds to the full weight)"


def full_bound(
    forced: NegativeRule | None,
    target: QuantitativeTarget,
    weight: Decimal,
    quantum: Decimal,
    policy: Policy,
) -> tuple[int, int, str] | None:
    """:func:`why_not`'s single bound as integers ``(num, den, comparator)`` (``den`` > 0), or None.

    A non-zero target, a weight above 0: ≥ t·(w − q/2)/w for a positive or exact target (no
    overshoot deduction, no inverse ratio above an exact target); ≤ t·w/(w − q/2) for a negative
    one under the inverse rule. Anything else (None) :func:`why_not` works out with fractions.
    """
    tn, td = target.value.as_integer_ratio()
    wn, wd = weight.as_integer_ratio()
    qn, qd = quantum.as_integer_ratio()
    return full_bound_ints(forced, target.comparator.direction, policy, tn, td, wn, wd, qn, qd)


def full_bound_ints(
    forced: NegativeRule | None,
    direction: str,
    policy: Policy,
    tn: int,
    td: int,
    wn: int,
    wd: int,
    qn: int,
    qd: int,
) -> tuple[int, int, str] | None:
    """:func:`full_bound` of the target ``tn / td``, the weight ``wn / wd`` and the quantum
    ``qn / qd`` (each ``den`` > 0) under a target of ``direction``."""
    sn, sd = 2 * wn * qd - qn * wd, 2 * wn * qd  # slack(w, q) = sn / sd
    if tn == 0 or wn <= 0 or sn <= 0:
        return None
    if direction == "negative":
        rule = forced if forced is not None else policy.negative
        if rule is not NegativeRule.INVERSE_RATIO:
            return None
        return tn * sd, td * sn, "≤"
    if policy.overshoot_deduction is not None or (
        direction == "equal" and policy.equal_above is EqualAbove.INVERSE_RATIO
    ):
        return None
    return tn * sn, td * sd, "≥"


FULL_EXTRA = (_ROUNDING_ZH, _ROUNDING_EN)  # what fast_full_marks' sentences end with


def fast_full_marks(
    forced: NegativeRule | None,
    target: QuantitativeTarget,
    weight: Decimal,
    quantum: Decimal,
    policy: Policy,
    what_zh: str,
    what_en: str,
) -> tuple[str, str, str, str] | None:
    """:func:`why_not`'s answer where :func:`full_bound` has it, as texts: the threshold's exact
    text, the comparator and the two sentences; None otherwise (ask :func:`why_not`)."""
    found = full_bound(forced, target, weight, quantum, policy)
    if found is None:
        return None
    num, den, cmp = found
    shown = bound_ratio(num, den, cmp)
    zh, en = fm_texts(shown, cmp, target.unit, what_zh, what_en, _ROUNDING_ZH, _ROUNDING_EN)
    return exact_ratio(num, den), cmp, zh, en


# ---------------------------------------------------------------------------
# the fast branch of the full-document batch (perfrules.core._template)


class FastPlan(NamedTuple):
    """A row's numbers under the family's fast branch: its branch and the texts of its numbers.

    ``key``: what the row's texts depend on besides the numbers (the branch, the comparator,
    the unit, the rule, the rounding's places, whether the score rounds and loses points);
    ``numbers``: the values :func:`fast_branch_texts` shows (actual, target, weight, raw score
    as integers ``(num, den)``, score, points lost); ``shown``: their texts as the render functions show them, in that
    order, then the target's text.
    """

    key: tuple[Any, ...]
    numbers: tuple[Fraction, Fraction, Decimal, tuple[int, int], Decimal, Decimal]
    shown: tuple[str, ...]
    score: Decimal
    met: bool
    method: str
    citation: Citation


class FastFixed(NamedTuple):
    """What the family's fast branch reads of a row besides its numbers (:func:`fast_fixed`)."""

    cmp: int  # the comparator (_GE …)
    direction: str  # the comparator's direction
    rule: NegativeRule | None  # the negative rule (the inverse ratio), for a ≤/< target
    equal_full: bool  # policy.equal_above = full
    citation: Citation
    method: str


def fast_fixed(
    forced: NegativeRule | None, comparator: Comparator, policy: Policy
) -> FastFixed | None:
    """The fixed part of :func:`fast_plan` for a target's comparator; None where not covered (the
    linear rule, a declared overshoot deduction, a forced rule on a ≥/>/= target)."""
    direction = comparator.direction
    rule: NegativeRule | None = None
    if direction == "negative":
        rule = forced if forced is not None else policy.negative
        if rule is not NegativeRule.INVERSE_RATIO:
            return None
    elif forced is not None or policy.overshoot_deduction is not None:
        return None
    if rule is not None:
        citation, method = cite.QUANT_NEGATIVE_INVERSE, rule.value
    elif direction == "positive":
        citation, method = cite.QUANT_POSITIVE, "ratio"
    else:
        citation, method = cite.QUANT_EQUAL, "ratio"
    return FastFixed(
        _CMP[comparator],
        direction,
        rule,
        policy.equal_above is EqualAbove.FULL,
        citation,
        method,
    )


def fast_branch(
    f: FastFixed, an: int, ad: int, tn: int, td: int, wn: int, wd: int
) -> tuple[str, int, int, bool, str] | None:
    """The branch of an actual ``an / ad`` against the target ``tn / td`` with the weight
    ``wn / wd`` (each ``den`` > 0): ``(branch, num, den, met, method)``, the raw score
    ``num / den``; None where not covered (a zero target, a zero actual under the inverse rule,
    a raw score outside [0, weight])."""
    if tn == 0 or (f.rule is not None and an == 0):
        return None
    diff = an * td - tn * ad  # the sign of a − t
    met = _holds(f.cmp, diff)
    method = f.method
    direction = f.direction
    if met:
        branch, num, den = "met", wn, wd
    elif direction == "positive" or (direction == "equal" and diff < 0):
        branch, num, den = "ratio", an * td * wn, ad * tn * wd  # a / t × w
    elif direction == "equal" and f.equal_full:
        branch, num, den, met = "equal_full", wn, wd, True
    elif direction == "equal":
        branch, num, den, method = "equal_inverse", tn * ad * wn, td * an * wd, "inverse_ratio"
    else:
        branch, num, den = "inverse", tn * ad * wn, td * an * wd  # t / a × w
    if num < 0 or num * wd > wn * den:
        return None  # clamped: left to the Step path
    return branch, num, den, met, method


def fast_plan(
    forced: NegativeRule | None,
    target: QuantitativeTarget,
    weight: Decimal,
    quantum: Decimal,
    policy: Policy,
    a: Fraction,
) -> FastPlan | None:
    """:meth:`Compiled._score` of an actual typed in as a number, as numbers; ``None`` where not covered.

    Covered: every comparator with a non-zero target, ≤/< under the inverse
    rule (forced by ``inverse_ratio`` or declared by ``policy.negative``)
    with a non-zero actual, a raw score within [0, weight]; not the linear
    rule, a zero target, a declared overshoot deduction or a clamped score
    (all left to the Step path).
    """
    f = fast_fixed(forced, target.comparator, policy)
    if f is None:
        return None
    t = frac(target.value)
    wn, wd = weight.as_integer_ratio()
    an, ad = a.as_integer_ratio()
    found = fast_branch(f, an, ad, t.numerator, t.denominator, wn, wd)
    if found is None:
        return None
    branch, num, den, met, method = found
    q = quantum_of(quantum)
    score = q.round_ratio(num, den)
    exact = q.exact(num, den)
    lost = weight - score
    shown = (
        show(a),
        show(t),
        show_dec(weight),
        show_ratio(num, den, 6),
        show_dec(score),
        show_dec(lost) if lost > 0 else "",
        f"{target.comparator.value}{show_dec(target.value)}{target.unit}",  # str(target)
    )
    key = fast_key(branch, target.comparator, target.unit, f.rule, forced, q.places, exact, lost)
    return FastPlan(
        key, (a, t, weight, (num, den), score, lost), shown, score, met, method, f.citation
    )


def fast_key(
    branch: str,
    comparator: Comparator,
    unit: str,
    rule: NegativeRule | None,
    forced: NegativeRule | None,
    places: int,
    exact: bool,
    lost: Decimal,
) -> tuple[Any, ...]:
    """A :class:`FastPlan`'s ``key``: what its texts depend on besides its numbers."""
    return (branch, comparator, unit, rule, forced is not None, places, exact, lost > 0)


def fast_branch_texts(
    key: tuple[Any, ...],
    numbers: tuple[Fraction, Fraction, Decimal, tuple[int, int], Decimal, Decimal],
    tgt: str,
) -> tuple[list[StepText], str | None, str | None]:
    """The step texts and the reason of a :class:`FastPlan`'s branch, by the render functions.

    Given the plan's numbers, the row's texts; given marker numbers (each shown as its own
    digits), the texts a template is made of (the batch's document writer fills it with the
    plan's ``shown`` texts).
    """
    branch, comparator, unit, rule, forced, places, exact, deducted = key
    a, t, weight, (num, den), score, lost = numbers
    cmp_s = comparator.value
    steps: list[StepText] = [("input", *_input_value_texts(tgt, a, unit, show_dec(weight)))]
    if rule is not None:
        steps.append(("policy", *_policy_texts(rule.value, forced)))
    why_zh = why_en = ""
    if branch == "met":
        steps.append(("compare", *_met_texts(a, cmp_s, t)))
    else:
        steps.append(("compare", *_unmet_texts(a, cmp_s, t)))
        actual_text = f"{show(a)}{unit}"
        if branch == "ratio":
            steps.append(("formula", *_ratio_texts(a, t, weight, num, den)))
            why_zh = f"实际完成值{actual_text}未达到年度指标值{tgt}，按完成值与指标值的比例计分"
            why_en = (
                f"actual {actual_text} falls short of target {tgt}; scored by the completion ratio"
            )
        elif branch == "equal_full":
            steps.append(("policy", *step_texts(_POLICY_EQUAL)))
        elif branch == "equal_inverse":
            steps.append(("formula", *_inverse_texts(a, t, weight, num, den)))
            why_zh = f"实际完成值{actual_text}偏离年度指标值{tgt}，按指标值与实际完成值的比例计分"
            why_en = (
                f"actual {actual_text} deviates from exact target {tgt}; scored by target / actual"
            )
        else:
            steps.append(("formula", *_inverse_texts(a, t, weight, num, den)))
            why_zh = f"实际完成值{actual_text}超过年度指标值{tgt}，按指标值与实际完成值的比例计分"
            why_en = f"actual {actual_text} exceeds target {tgt}; scored by target / actual"
    steps.append(round_step(places, exact, num, den, score))
    reason = reason_en = None
    if deducted:  # as finish_texts writes it
        reason, reason_en = reasons(why_zh, why_en, lost)
        steps.append(("deduction", *deduction_texts(reason, reason_en)))
    return steps, reason, reason_en


def fast_texts(
    forced: NegativeRule | None,
    target: QuantitativeTarget,
    weight: Decimal,
    quantum: Decimal,
    policy: Policy,
    a: Fraction,
) -> RowTexts | None:
    """:meth:`Compiled._score` of an actual typed in as a number, straight to text (see :func:`fast_plan`)."""
    plan = fast_plan(forced, target, weight, quantum, policy, a)
    if plan is None:
        return None
    steps, reason, reason_en = fast_branch_texts(plan.key, plan.numbers, plan.shown[-1])
    return RowTexts(plan.score, plan.met, plan.method, steps, plan.citation, reason, reason_en)
