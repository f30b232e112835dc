"""The scoring methods. Each returns the score and the steps that explain it.

Every function here is pure: exact fractions in, a Decimal score rounded
once (half-up, at the declared quantum) out, with bilingual steps and the
rule's citation.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import places_of, round_half_up, show, show_dec, show_percent
from perfrules.core._result import Step
from perfrules.model import (
    BudgetAmounts,
    BudgetExecution,
    EqualAbove,
    ExecutionBase,
    ExecutionPolicy,
    NegativeRule,
    QualitativeDefault,
    QuantitativeTarget,
    Rounding,
    Tier,
)


@attrs.frozen(kw_only=True)
class Scored:
    """What a scoring method returns."""

    score: Decimal
    met: bool | None
    method: str
    steps: tuple[Step, ...]
    citation: Citation
    reason: str | None
    reason_en: str | None


def _step(kind: str, zh: str, en: str) -> Step:
    return Step(kind=kind, zh=zh, en=en)  # type: ignore[arg-type]


def _finish(
    raw: Fraction,
    weight: Decimal,
    quantum: Decimal,
    steps: list[Step],
    *,
    met: bool | None,
    method: str,
    citation: Citation,
    why_zh: str,
    why_en: str,
    label_zh: str = "得分",
) -> Scored:
    """Clamp to [0, weight], round once half-up, add the deduction and citation steps."""
    w = Fraction(weight)
    if raw > w:
        steps.append(_step("clamp", f"{show(raw)} 超过分值，按分值上限 {show_dec(weight)} 计（{cite.CAP.text}）",
                           f"{show(raw)} exceeds the weight; capped at {show_dec(weight)}"))  # fmt: skip
        raw = w
    elif raw < 0:
        steps.append(_step("clamp", f"{show(raw)} 小于0，按0分计", f"{show(raw)} is below 0; floored at 0"))
        raw = Fraction(0)
    score = round_half_up(raw, quantum)
    places = places_of(quantum)
    if Fraction(score) == raw:
        steps.append(_step("round", f"{label_zh} {show_dec(score)}（无需舍入）", f"score {show_dec(score)} (exact, no rounding)"))
    else:
        unit_zh = "取整数" if places == 0 else f"保留{places}位小数"
        unit_en = "to whole points" if places == 0 else f"to {places} decimal places"
        steps.append(_step("round", f"按四舍五入{unit_zh}：{show(raw, 6)} → {show_dec(score)}",
                           f"rounded half-up {unit_en}: {show(raw, 6)} → {show_dec(score)}"))  # fmt: skip
    lost = weight - score
    reason = reason_en = None
    if lost > 0:
        reason = f"{why_zh}，扣{show_dec(lost)}分"
        reason_en = f"{why_en}; {show_dec(lost)} point(s) deducted"
        steps.append(_step("deduction", f"扣分原因：{reason}", f"deduction: {reason_en}"))
    steps.append(_step("rule", f"依据：{citation}", f"rule: {citation.document} [{citation.id}]"))
    return Scored(score=score, met=met, method=method, steps=tuple(steps), citation=citation,
                  reason=reason, reason_en=reason_en)  # fmt: skip


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
    t = Fraction(target.value)
    a = actual
    w = Fraction(weight)
    cmp = target.comparator
    tgt = str(target)
    steps = [_step("input", f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {show_dec(weight)}分",
                   f"target {tgt}; actual {actual_text}; weight {show_dec(weight)}")]  # fmt: skip
    met = cmp.holds(a, t)
    direction = cmp.direction
    if direction == "negative":
        rule = method if method is not None else negative_rule
        use_linear = rule is NegativeRule.LINEAR_OVERSHOOT
        citation = cite.QUANT_NEGATIVE_LINEAR if use_linear else cite.QUANT_NEGATIVE_INVERSE
        method_name = rule.value
        if method is None:
            steps.append(_step("policy", f"反向指标计分口径：{method_name}（规范 policy.negative 声明）",
                               f"negative-indicator rule: {method_name} (declared by policy.negative)"))  # fmt: skip
        else:
            steps.append(_step("policy", f"反向指标计分口径：{method_name}（本指标 method 声明）",
                               f"negative-indicator rule: {method_name} (declared by this indicator's method)"))  # fmt: skip
    elif direction == "positive":
        citation, method_name = cite.QUANT_POSITIVE, "ratio"
    else:
        citation, method_name = cite.QUANT_EQUAL, "ratio"

    if met:
        steps.append(_step("compare", f"{show(a)} {cmp.value} {show(t)}，完成指标值，得满分",
                           f"{show(a)} {cmp.value} {show(t)} holds: target met, full weight"))  # fmt: skip
        return _finish(w, weight, rounding.score, steps, met=True, method=method_name, citation=citation,
                       why_zh="", why_en="")  # fmt: skip

    steps.append(_step("compare", f"{show(a)} {cmp.value} {show(t)} 不成立，未完成指标值",
                       f"{show(a)} {cmp.value} {show(t)} does not hold: target not met"))  # fmt: skip
    raw: Fraction
    if direction == "positive" or (direction == "equal" and a < t):
        if t == 0:
            raw = Fraction(0)
            steps.append(_step("formula", "指标值为0，无法按完成比例计分，不得分",
                               "target is 0: no completion ratio, scores 0"))  # fmt: skip
        else:
            raw = a / t * w
            steps.append(_step("formula",
                               f"得分 = 实际完成值 ÷ 指标值 × 分值 = {show(a)} ÷ {show(t)} × {show_dec(weight)} = {show(raw, 6)}",
                               f"score = actual / target × weight = {show(a)} / {show(t)} × {show_dec(weight)} = {show(raw, 6)}"))  # fmt: skip
        why_zh = f"实际完成值{actual_text}未达到年度指标值{tgt}，按完成值与指标值的比例计分"
        why_en = f"actual {actual_text} falls short of target {tgt}; scored by the completion ratio"
        return _finish(raw, weight, rounding.score, steps, met=False, method=method_name, citation=citation,
                       why_zh=why_zh, why_en=why_en)  # fmt: skip

    if direction == "equal":  # above an exact target
        if t == 0:
            steps.append(_step("formula", "指标值为0：实际完成值不为0即不得分", "target is 0: any non-zero actual scores 0"))
            return _finish(Fraction(0), weight, rounding.score, steps, met=False, method=method_name,
                           citation=citation, why_zh=f"指标值为0，实际完成值为{actual_text}",
                           why_en=f"target is 0 but the actual is {actual_text}")  # fmt: skip
        if equal_above is EqualAbove.FULL:
            steps.append(_step("policy", "实际完成值高于“=”指标值，按规范 policy.equal_above = full 视同完成，得满分",
                               "above an exact target: counts as met (policy.equal_above = full)"))  # fmt: skip
            return _finish(w, weight, rounding.score, steps, met=True, method=method_name, citation=citation,
                           why_zh="", why_en="")  # fmt: skip
        raw = t / a * w
        steps.append(_step("formula",
                           f"得分 = 指标值 ÷ 实际完成值 × 分值 = {show(t)} ÷ {show(a)} × {show_dec(weight)} = {show(raw, 6)}",
                           f"score = target / actual × weight = {show(t)} / {show(a)} × {show_dec(weight)} = {show(raw, 6)}"))  # fmt: skip
        return _finish(raw, weight, rounding.score, steps, met=False, method="inverse_ratio", citation=citation,
                       why_zh=f"实际完成值{actual_text}偏离年度指标值{tgt}，按指标值与实际完成值的比例计分",
                       why_en=f"actual {actual_text} deviates from exact target {tgt}; scored by target / actual")  # fmt: skip

    # negative, unmet
    why_zh = f"实际完成值{actual_text}超过年度指标值{tgt}"
    why_en = f"actual {actual_text} exceeds target {tgt}"
    if method_name == "linear_overshoot":
        if t == 0:
            raw = Fraction(0)
            steps.append(_step("formula", "指标值为0：超出即不得分", "target is 0: any overshoot scores 0"))
        else:
            raw = (1 - (a - t) / t) * w
            steps.append(_step("formula",
                               f"得分 = (1 − (实际完成值 − 指标值) ÷ 指标值) × 分值 = (1 − ({show(a)} − {show(t)}) ÷ {show(t)}) × {show_dec(weight)} = {show(raw, 6)}",
                               f"score = (1 − (actual − target) / target) × weight = (1 − ({show(a)} − {show(t)}) / {show(t)}) × {show_dec(weight)} = {show(raw, 6)}"))  # fmt: skip
        why_zh += "，按超出比例线性扣减（2倍指标值及以上不得分）"
        why_en += "; linear penalty on the overshoot (0 at twice the target)"
    else:
        if a == 0:
            raw = Fraction(0)
            steps.append(_step("formula", "实际完成值为0且未完成“<0”指标值，不得分", "actual 0 does not meet '< 0': scores 0"))
        else:
            raw = t / a * w
            steps.append(_step("formula",
                               f"得分 = 指标值 ÷ 实际完成值 × 分值 = {show(t)} ÷ {show(a)} × {show_dec(weight)} = {show(raw, 6)}",
                               f"score = target / actual × weight = {show(t)} / {show(a)} × {show_dec(weight)} = {show(raw, 6)}"))  # fmt: skip
        why_zh += "，按指标值与实际完成值的比例计分"
        why_en += "; scored by target / actual"
    return _finish(raw, weight, rounding.score, steps, met=False, method=method_name, citation=citation,
                   why_zh=why_zh, why_en=why_en)  # fmt: skip


def tier_top(weight: Decimal, tier: Tier, quantum: Decimal) -> Fraction:
    """The highest score ``tier`` admits at the score quantum."""
    hi = Fraction(weight) * Fraction(tier.max)
    if tier.max_inclusive:
        return hi
    q = Fraction(quantum)
    top = (hi / q).__ceil__() * q - q  # largest multiple of q strictly below hi
    return max(top, Fraction(weight) * Fraction(tier.min))


def score_qualitative(
    *,
    weight: Decimal,
    target_text: str,
    tier: Tier,
    entered: Decimal | None,
    description: str | None,
    default: QualitativeDefault,
    rounding: Rounding,
) -> Scored:
    """Score a qualitative indicator by its tier (财预〔2020〕10号 第十六条)."""
    w = Fraction(weight)
    lo, hi = w * Fraction(tier.min), w * Fraction(tier.max)
    close = "]" if tier.max_inclusive else ")"
    steps = [
        _step("input", f"年度指标值：{target_text}；完成情况：{description or tier.name}；分值 {show_dec(weight)}分",
              f"target: {target_text}; outcome: {description or tier.name}; weight {show_dec(weight)}"),
        _step("compare", f"评定档次“{tier.name}”，分值区间 [{show(lo)}, {show(hi)}{close}"
              f"（分值的 {show(Fraction(tier.min) * 100)}%–{show(Fraction(tier.max) * 100)}%）",
              f"tier {tier.name!r}: score range [{show(lo)}, {show(hi)}{close} "
              f"({show(Fraction(tier.min) * 100)}%–{show(Fraction(tier.max) * 100)}% of the weight)"),
    ]  # fmt: skip
    if entered is not None:
        raw = Fraction(entered)
        steps.append(_step("formula", f"录入得分 {show_dec(entered)}，在档次区间内",
                           f"entered score {show_dec(entered)} lies inside the tier's range"))  # fmt: skip
    else:
        raw = tier_top(weight, tier, rounding.score)
        if tier.max_inclusive:
            zh, en = f"未录入得分，按档次上限计 {show(raw)}", f"no score entered: the tier's top, {show(raw)}"
        else:
            zh = f"未录入得分，按档次可取的最高分计（上限不含，按{show_dec(rounding.score)}分精度）{show(raw)}"
            en = f"no score entered: the highest score the tier admits at {show_dec(rounding.score)} precision, {show(raw)}"
        steps.append(_step("policy", zh + "（policy.qualitative_default = tier_top）", en + " (policy.qualitative_default = tier_top)"))
    met = tier.max_inclusive and tier.max == 1  # 达成年度指标: the target is met, whatever score is entered
    return _finish(raw, weight, rounding.score, steps, met=met, method="qualitative", citation=cite.QUALITATIVE,
                   why_zh=f"定性评价为“{tier.name}”，按该档次分值区间计分",
                   why_en=f"qualitative outcome {tier.name!r}, scored within that tier's range")  # fmt: skip


def score_budget_execution(
    block: BudgetExecution, budget: BudgetAmounts, rounding: Rounding
) -> tuple[Scored, Fraction, Decimal]:
    """Score 预算执行率; returns the scored part, the exact rate and the base amount."""
    base_is_initial = block.base is ExecutionBase.INITIAL
    base = budget.initial if base_is_initial and budget.initial is not None else budget.full_year
    base_zh = "年初预算数" if base_is_initial else "全年预算数"
    rate = Fraction(budget.spent) / Fraction(base)
    pct = show_percent(rate, rounding.rate_display)
    w = Fraction(block.weight)
    u = budget.unit
    steps = [
        _step("input", f"{base_zh} {show_dec(base)}{u}；全年执行数 {show_dec(budget.spent)}{u}；分值 {show_dec(block.weight)}分",
              f"budget ({block.base.value}) {show_dec(base)} {u}; spent {show_dec(budget.spent)} {u}; weight {show_dec(block.weight)}"),
        _step("formula", f"预算执行率 = 全年执行数 ÷ {base_zh} = {show_dec(budget.spent)} ÷ {show_dec(base)} = {show(rate * 100, 6)}%（显示为{pct}）",
              f"execution rate = spent / budget = {show_dec(budget.spent)} / {show_dec(base)} = {show(rate * 100, 6)}% (shown as {pct})"),
    ]  # fmt: skip
    capped = rate
    if rate > 1:
        capped = Fraction(1)
        steps.append(_step("clamp", "执行率超过100%，按100%计", "rate above 100% counts as 100%"))
    raw = capped * w
    steps.append(_step("formula", f"得分 = 预算执行率 × 分值 = {show(capped * 100, 6)}% × {show_dec(block.weight)} = {show(raw, 6)}",
                       f"score = rate × weight = {show(capped * 100, 6)}% × {show_dec(block.weight)} = {show(raw, 6)}"))  # fmt: skip
    if block.policy is ExecutionPolicy.ROUND_WHOLE:
        quantum, citation = Decimal(1), cite.BUDGET_ROUND_WHOLE
        steps.append(_step("policy", "计分口径 round_whole：按四舍五入取整数分", "policy round_whole: rounded half-up to whole points"))
        how_zh, how_en = "按执行率×分值四舍五入取整计分", "rate × weight rounded to whole points"
    else:
        quantum, citation = rounding.score, cite.BUDGET_PROPORTIONAL
        steps.append(_step("policy", f"计分口径 proportional：按执行率×分值计分，保留{places_of(quantum)}位小数",
                           f"policy proportional: rate × weight to {places_of(quantum)} decimal places"))  # fmt: skip
        how_zh, how_en = "按执行率×分值计分", "scored as rate × weight"
    scored = _finish(raw, block.weight, quantum, steps, met=rate >= 1, method=block.policy.value, citation=citation,
                     why_zh=f"预算执行率{pct}，未达到100%，{how_zh}",
                     why_en=f"execution rate {pct} is below 100%; {how_en}")  # fmt: skip
    return scored, rate, base
