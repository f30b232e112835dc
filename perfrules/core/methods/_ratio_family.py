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

from perfrules.core import _citations as cite
from perfrules.core._exact import frac, show, show_dec
from perfrules.core._fullmarks import FullMarks, bound, fm, low_en, slack
from perfrules.core._scoring import Scored, count_steps, finish, make_step, with_deductions
from perfrules.core.methods._integer import Bounds, KernelPlan, up
from perfrules.core.methods._rule import Ask, Inputs, Issue
from perfrules.model import EqualAbove, Indicator, NegativeRule, PartialStep, Policy, QuantitativeTarget, Rounding


def score(forced: NegativeRule | None, inputs: Inputs) -> Scored:
    """The family's score; a declared overshoot deduction is subtracted from it."""
    target, actual = inputs.quantity()
    policy, rounding = inputs.policy, inputs.rounding
    scored = score_quantitative(weight=inputs.weight, target=target, actual=actual, actual_text=inputs.actual_text,
                                method=forced, negative_rule=policy.negative, equal_above=policy.equal_above,
                                rounding=rounding)  # fmt: skip
    od = policy.overshoot_deduction
    t = frac(target.value)
    if od is not None and target.comparator.direction in ("positive", "equal") and t > 0:
        ratio = actual / t
        if ratio > frac(od.threshold):
            n = count_steps(ratio - frac(od.threshold), frac(od.per), od.partial)
            points = n * frac(od.deduct)
            if points > 0:
                zh = (f"实际完成值为指标值的{show(ratio * 100, 2)}%，超过{show(frac(od.threshold) * 100)}%，"
                      f"按偏离度每超出指标值的{show(frac(od.per) * 100)}%扣{show_dec(od.deduct)}分（{show(n)}档）")
                en = (f"actual is {show(ratio * 100, 2)}% of the target, above {show(frac(od.threshold) * 100)}%: "
                      f"{show_dec(od.deduct)} per further {show(frac(od.per) * 100)}% ({show(n)} step(s))")  # fmt: skip
                scored = with_deductions(scored, inputs.weight, rounding.score, [(points, zh, en)],
                                         cite.OVERSHOOT_DEDUCTION)  # fmt: skip
    return scored


def kernel_plan(forced: NegativeRule | None, target: QuantitativeTarget | None, policy: Policy) -> KernelPlan | None:
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
    return KernelPlan(kernel="equal_full" if policy.equal_above is EqualAbove.FULL else "equal_inverse")


def ratio_bound(b: Bounds) -> list[int]:
    """The bound terms of w·a/t and w·t/a at the score precision (``ratio``, ``equal_*``, ``inverse``)."""
    x, y = b.st + b.places - b.sw - b.sa, b.sa + b.places - b.sw - b.st
    return [b.W * b.A * up(x), b.T * up(-x), b.W * b.T * up(y), b.A * up(-y)]


def negative_only(name: str, indicator: Indicator, target: QuantitativeTarget) -> list[Issue]:
    """``inverse_ratio`` and ``linear_overshoot`` score ≤/< targets only."""
    if target.comparator.direction == "negative":
        return []
    return [Issue(code="method-target", path=(),
                  en=f"indicator {indicator.id!r}: {name} applies to ≤/< targets, not {target.comparator.value}",
                  zh=f"指标“{indicator.name}”：{name} 仅适用于反向指标（≤、<），指标值为“{target}”")]  # fmt: skip


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
    """Score a quantitative indicator: met → full; unmet → by direction and declared policy."""
    t = frac(target.value)
    a = actual
    w = frac(weight)
    cmp = target.comparator
    tgt = str(target)
    steps = [make_step("input", f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {show_dec(weight)}分",
                       f"target {tgt}; actual {actual_text}; weight {show_dec(weight)}")]  # fmt: skip
    met = cmp.holds(a, t)
    direction = cmp.direction
    if direction == "negative":
        rule = method if method is not None else negative_rule
        use_linear = rule is NegativeRule.LINEAR_OVERSHOOT
        citation = cite.QUANT_NEGATIVE_LINEAR if use_linear else cite.QUANT_NEGATIVE_INVERSE
        method_name = rule.value
        if method is None:
            steps.append(make_step("policy", f"反向指标计分口径：{method_name}（规范 policy.negative 声明）",
                                   f"negative-indicator rule: {method_name} (declared by policy.negative)"))  # fmt: skip
        else:
            steps.append(make_step("policy", f"反向指标计分口径：{method_name}（本指标 method 声明）",
                                   f"negative-indicator rule: {method_name} (declared by this indicator's method)"))  # fmt: skip
    elif direction == "positive":
        citation, method_name = cite.QUANT_POSITIVE, "ratio"
    else:
        citation, method_name = cite.QUANT_EQUAL, "ratio"

    if met:
        steps.append(make_step("compare", f"{show(a)} {cmp.value} {show(t)}，完成指标值，得满分",
                               f"{show(a)} {cmp.value} {show(t)} holds: target met, full weight"))  # fmt: skip
        return finish(w, weight, rounding.score, steps, met=True, method=method_name, citation=citation,
                      why_zh="", why_en="")  # fmt: skip

    steps.append(make_step("compare", f"{show(a)} {cmp.value} {show(t)} 不成立，未完成指标值",
                           f"{show(a)} {cmp.value} {show(t)} does not hold: target not met"))  # fmt: skip
    raw: Fraction
    if direction == "positive" or (direction == "equal" and a < t):
        if t == 0:
            raw = Fraction(0)
            steps.append(make_step("formula", "指标值为0，无法按完成比例计分，不得分",
                                   "target is 0: no completion ratio, scores 0"))  # fmt: skip
        else:
            raw = a / t * w
            steps.append(make_step("formula",
                                   f"得分 = 实际完成值 ÷ 指标值 × 分值 = {show(a)} ÷ {show(t)} × {show_dec(weight)} = {show(raw, 6)}",
                                   f"score = actual / target × weight = {show(a)} / {show(t)} × {show_dec(weight)} = {show(raw, 6)}"))  # fmt: skip
        why_zh = f"实际完成值{actual_text}未达到年度指标值{tgt}，按完成值与指标值的比例计分"
        why_en = f"actual {actual_text} falls short of target {tgt}; scored by the completion ratio"
        return finish(raw, weight, rounding.score, steps, met=False, method=method_name, citation=citation,
                      why_zh=why_zh, why_en=why_en)  # fmt: skip

    if direction == "equal":  # above an exact target
        if t == 0:
            steps.append(make_step("formula", "指标值为0：实际完成值不为0即不得分", "target is 0: any non-zero actual scores 0"))
            return finish(Fraction(0), weight, rounding.score, steps, met=False, method=method_name,
                          citation=citation, why_zh=f"指标值为0，实际完成值为{actual_text}",
                          why_en=f"target is 0 but the actual is {actual_text}")  # fmt: skip
        if equal_above is EqualAbove.FULL:
            steps.append(make_step("policy", "实际完成值高于“=”指标值，按规范 policy.equal_above = full 视同完成，得满分",
                                   "above an exact target: counts as met (policy.equal_above = full)"))  # fmt: skip
            return finish(w, weight, rounding.score, steps, met=True, method=method_name, citation=citation,
                          why_zh="", why_en="")  # fmt: skip
        raw = t / a * w
        steps.append(make_step("formula",
                               f"得分 = 指标值 ÷ 实际完成值 × 分值 = {show(t)} ÷ {show(a)} × {show_dec(weight)} = {show(raw, 6)}",
                               f"score = target / actual × weight = {show(t)} / {show(a)} × {show_dec(weight)} = {show(raw, 6)}"))  # fmt: skip
        return finish(raw, weight, rounding.score, steps, met=False, method="inverse_ratio", citation=citation,
                      why_zh=f"实际完成值{actual_text}偏离年度指标值{tgt}，按指标值与实际完成值的比例计分",
                      why_en=f"actual {actual_text} deviates from exact target {tgt}; scored by target / actual")  # fmt: skip

    # negative, unmet
    why_zh = f"实际完成值{actual_text}超过年度指标值{tgt}"
    why_en = f"actual {actual_text} exceeds target {tgt}"
    if method_name == "linear_overshoot":
        if t == 0:
            raw = Fraction(0)
            steps.append(make_step("formula", "指标值为0：超出即不得分", "target is 0: any overshoot scores 0"))
        else:
            raw = (1 - (a - t) / t) * w
            steps.append(make_step("formula",
                                   f"得分 = (1 − (实际完成值 − 指标值) ÷ 指标值) × 分值 = (1 − ({show(a)} − {show(t)}) ÷ {show(t)}) × {show_dec(weight)} = {show(raw, 6)}",
                                   f"score = (1 − (actual − target) / target) × weight = (1 − ({show(a)} − {show(t)}) / {show(t)}) × {show_dec(weight)} = {show(raw, 6)}"))  # fmt: skip
        why_zh += "，按超出比例线性扣减（2倍指标值及以上不得分）"
        why_en += "; linear penalty on the overshoot (0 at twice the target)"
    else:
        if a == 0:
            raw = Fraction(0)
            steps.append(make_step("formula", "实际完成值为0且未完成“<0”指标值，不得分", "actual 0 does not meet '< 0': scores 0"))
        else:
            raw = t / a * w
            steps.append(make_step("formula",
                                   f"得分 = 指标值 ÷ 实际完成值 × 分值 = {show(t)} ÷ {show(a)} × {show_dec(weight)} = {show(raw, 6)}",
                                   f"score = target / actual × weight = {show(t)} / {show(a)} × {show_dec(weight)} = {show(raw, 6)}"))  # fmt: skip
        why_zh += "，按指标值与实际完成值的比例计分"
        why_en += "; scored by target / actual"
    return finish(raw, weight, rounding.score, steps, met=False, method=method_name, citation=citation,
                  why_zh=why_zh, why_en=why_en)  # fmt: skip


def why_not(forced: NegativeRule | None, ask: Ask) -> FullMarks | None:
    """The family's full-marks condition: below the target the ratio, far above it the overshoot deduction."""
    target = ask.target
    if target is None:
        return None
    spec, w, q, what_zh, what_en = ask.spec, ask.weight, ask.quantum, ask.what_zh, ask.what_en
    t = frac(target.value)
    u = target.unit
    rounding_zh = "（按完成比例计分并四舍五入后为满分）"
    rounding_en = " (the ratio score rounds to the full weight)"
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
            return FullMarks(threshold=None, comparator=None,
                             zh=f"{what_zh}≥{bound(low, '≥')}{u}且{cmp_hi}{bound(high, cmp_hi)}{u}即可得满分"
                             f"（低于指标值按比例计分；超过指标值{show(frac(od.threshold) * 100)}%按偏离度调减）",
                             en=f"full marks with {low_en(low, u)} and {cmp_hi} {bound(high, cmp_hi)}{u} "
                             "(below the target the ratio applies; far above it the overshoot deduction)")  # fmt: skip
        if d == "equal" and spec.policy.equal_above is EqualAbove.INVERSE_RATIO:
            high = t / slack(w, q)
            return FullMarks(threshold=None, comparator=None,
                             zh=f"{what_zh}在{bound(low, '≥')}至{bound(high, '≤')}{u}之间即可得满分{rounding_zh}",
                             en=f"full marks with an actual between {bound(low, '≥')} and {bound(high, '≤')}{u}{rounding_en}")  # fmt: skip
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
