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
from perfrules.core._exact import frac, places_of, round_half_up, show, show_dec, show_percent
from perfrules.core._result import Step
from perfrules.core._text import band_text
from perfrules.model import (
    Band,
    BandBasis,
    Bands,
    BudgetAmounts,
    BudgetExecution,
    Comparator,
    EqualAbove,
    ExecutionBase,
    ExecutionPolicy,
    NegativeRule,
    PartialStep,
    PerOccurrence,
    QualitativeDefault,
    QuantitativeTarget,
    Rounding,
    StepDeduction,
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
    w = frac(weight)
    if raw > w:
        steps.append(_step("clamp", f"{show(raw)} 超过分值，按分值上限 {show_dec(weight)} 计（{cite.CAP.text}）",
                           f"{show(raw)} exceeds the weight; capped at {show_dec(weight)}"))  # fmt: skip
        raw = w
    elif raw < 0:
        steps.append(_step("clamp", f"{show(raw)} 小于0，按0分计", f"{show(raw)} is below 0; floored at 0"))
        raw = Fraction(0)
    score = round_half_up(raw, quantum)
    places = places_of(quantum)
    if frac(score) == raw:
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
    t = frac(target.value)
    a = actual
    w = frac(weight)
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
    hi = frac(weight) * frac(tier.max)
    if tier.max_inclusive:
        return hi
    q = frac(quantum)
    top = (hi / q).__ceil__() * q - q  # largest multiple of q strictly below hi
    return max(top, frac(weight) * frac(tier.min))


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
    w = frac(weight)
    lo, hi = w * frac(tier.min), w * frac(tier.max)
    close = "]" if tier.max_inclusive else ")"
    steps = [
        _step("input", f"年度指标值：{target_text}；完成情况：{description or tier.name}；分值 {show_dec(weight)}分",
              f"target: {target_text}; outcome: {description or tier.name}; weight {show_dec(weight)}"),
        _step("compare", f"评定档次“{tier.name}”，分值区间 [{show(lo)}, {show(hi)}{close}"
              f"（分值的 {show(frac(tier.min) * 100)}%–{show(frac(tier.max) * 100)}%）",
              f"tier {tier.name!r}: score range [{show(lo)}, {show(hi)}{close} "
              f"({show(frac(tier.min) * 100)}%–{show(frac(tier.max) * 100)}% of the weight)"),
    ]  # fmt: skip
    if entered is not None:
        raw = frac(entered)
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
    rate = frac(budget.spent) / frac(base)
    pct = show_percent(rate, rounding.rate_display)
    w = frac(block.weight)
    u = budget.unit
    steps = [
        _step("input", f"{base_zh} {show_dec(base)}{u}；全年执行数 {show_dec(budget.spent)}{u}；分值 {show_dec(block.weight)}分",
              f"budget ({block.base.value}) {show_dec(base)} {u}; spent {show_dec(budget.spent)} {u}; weight {show_dec(block.weight)}"),
        _step("formula", f"预算执行率 = 全年执行数 ÷ {base_zh} = {show_dec(budget.spent)} ÷ {show_dec(base)} = {show(rate * 100, 6)}%（显示为{pct}）",
              f"execution rate = spent / budget = {show_dec(budget.spent)} / {show_dec(base)} = {show(rate * 100, 6)}% (shown as {pct})"),
    ]  # fmt: skip
    if block.method is not None:  # bands or steps on the rate in %, against 100%
        target = QuantitativeTarget(comparator=Comparator.GE, value=Decimal(100), unit="%")
        kw = {"weight": block.weight, "target": target, "actual": rate * 100, "actual_text": pct, "rounding": rounding}
        if isinstance(block.method, Bands):
            scored = score_bands(method=block.method, citation=cite.BUDGET_METHOD, **kw)  # type: ignore[arg-type]
        else:
            scored = score_step(method=block.method, citation=cite.BUDGET_METHOD, **kw)  # type: ignore[arg-type]
        scored = attrs.evolve(scored, steps=(*steps, *scored.steps))
        return scored, rate, base
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


# ---------------------------------------------------------------------------
# The rule catalogue: steps, bands, rate × weight, per occurrence, deductions.


def count_steps(distance: Fraction, per: Fraction, partial: PartialStep) -> Fraction:
    """How many steps of size ``per`` a ``distance`` ≥ 0 makes under the declared partial-step rule."""
    steps = distance / per
    if partial is PartialStep.FLOOR:
        return Fraction(steps.__floor__())
    if partial is PartialStep.CEIL:
        return Fraction(steps.__ceil__())
    return steps


_PARTIAL_ZH = {PartialStep.FLOOR: "不足一档不扣", PartialStep.CEIL: "不足一档按一档扣", PartialStep.PROPORTIONAL: "按比例折算"}


def score_step(
    *, weight: Decimal, target: QuantitativeTarget, actual: Fraction, actual_text: str,
    method: StepDeduction, rounding: Rounding, quantum: Decimal | None = None, citation: Citation = cite.STEP,
) -> Scored:  # fmt: skip
    """每超过/低于 per 扣 deduct 分，扣完为止, measured from the target in the comparator's direction."""
    t, a, w = frac(target.value), actual, frac(weight)
    tgt = str(target)
    steps = [_step("input", f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {show_dec(weight)}分",
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
    steps.append(_step("compare",
                       f"{show(a)} {side_zh}指标值 {show(t)} 共 {show(distance)}{unit}；每{show(per)}{unit}为一档（{_PARTIAL_ZH[method.partial]}），计 {show(n)} 档",
                       f"{show(a)} is {show(distance)} {side_en} the target {show(t)}; steps of {show(per)} ({method.partial.value}): {show(n)}"))  # fmt: skip
    steps.append(_step("formula",
                       f"得分 = 分值 − 档数 × 每档扣分 = {show_dec(weight)} − {show(n)} × {show(deduct)} = {show(raw, 6)}（扣完为止）",
                       f"score = weight − steps × deduction = {show_dec(weight)} − {show(n)} × {show(deduct)} = {show(raw, 6)} (floored at 0)"))  # fmt: skip
    return _finish(raw, weight, quantum or rounding.score, steps, met=met, method="step", citation=citation,
                   why_zh=f"实际完成值{actual_text}{side_zh}年度指标值{tgt}，每{show(per)}{unit}扣{show(deduct)}分",
                   why_en=f"actual {actual_text} is {side_en} target {tgt}; {show(deduct)} per {show(per)}")  # fmt: skip


def band_holds(band: Band, value: Fraction) -> bool:
    """Whether ``value`` lies in the band, edges as declared."""
    if band.min is not None:
        lo = frac(band.min)
        if value < lo or (value == lo and not band.min_inclusive):
            return False
    if band.max is not None:
        hi = frac(band.max)
        if value > hi or (value == hi and not band.max_inclusive):
            return False
    return True


def score_bands(
    *, weight: Decimal, target: QuantitativeTarget, actual: Fraction, actual_text: str,
    method: Bands, rounding: Rounding, quantum: Decimal | None = None, citation: Citation = cite.BANDS,
) -> Scored:  # fmt: skip
    """区间计分: the band the value falls in gives the score."""
    t, a = frac(target.value), actual
    tgt = str(target)
    steps = [_step("input", f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {show_dec(weight)}分",
                   f"target {tgt}; actual {actual_text}; weight {show_dec(weight)}")]  # fmt: skip
    if method.on is BandBasis.DEVIATION:
        value = abs(a - t) / t * 100 if t != 0 else (Fraction(0) if a == 0 else Fraction(10**9))
        steps.append(_step("formula", f"偏离度 = |实际完成值 − 指标值| ÷ 指标值 × 100% = |{show(a)} − {show(t)}| ÷ {show(t)} × 100% = {show(value, 6)}%",
                           f"deviation = |actual − target| / target × 100% = {show(value, 6)}%"))  # fmt: skip
        what_zh, what_en = f"偏离度{show(value, 2)}%", f"deviation {show(value, 2)}%"
    else:
        value = a
        what_zh, what_en = f"实际完成值{actual_text}", f"actual {actual_text}"
    band = next(b for b in method.bands if band_holds(b, value))  # validate_spec: the bands cover every value
    table = "；".join(f"{band_text(b)}计{show_dec(b.score)}分" for b in method.bands)
    steps.append(_step("compare", f"计分区间：{table}。{what_zh}落在“{band_text(band)}”，计{show_dec(band.score)}分",
                       f"{what_en} falls in band {band_text(band)}: {show_dec(band.score)} points"))  # fmt: skip
    met = target.comparator.holds(a, t)
    return _finish(frac(band.score), weight, quantum or rounding.score, steps, met=met, method="bands",
                   citation=citation, why_zh=f"{what_zh}落在“{band_text(band)}”区间，计{show_dec(band.score)}分",
                   why_en=f"{what_en} falls in band {band_text(band)}")  # fmt: skip


def score_rate(
    *, weight: Decimal, target: QuantitativeTarget, actual: Fraction, actual_text: str, rounding: Rounding
) -> Scored:
    """Score = rate × weight: the actual as a share (÷ 100 for a % unit), met or not; capped at the weight."""
    share = actual / 100 if target.unit == "%" else actual
    raw = share * frac(weight)
    tgt = str(target)
    steps = [
        _step("input", f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {show_dec(weight)}分",
              f"target {tgt}; actual {actual_text}; weight {show_dec(weight)}"),
        _step("formula", f"得分 = 实际完成比率 × 分值 = {show(share * 100, 6)}% × {show_dec(weight)} = {show(raw, 6)}（满分为止）",
              f"score = rate × weight = {show(share * 100, 6)}% × {show_dec(weight)} = {show(raw, 6)} (capped at the weight)"),
    ]  # fmt: skip
    met = target.comparator.holds(actual, frac(target.value))
    return _finish(raw, weight, rounding.score, steps, met=met, method="rate", citation=cite.RATE,
                   why_zh=f"实际完成值{actual_text}，按比率×分值计分", why_en=f"actual {actual_text}; scored as rate × weight")  # fmt: skip


def score_per_occurrence(
    *, weight: Decimal, actual: Fraction, actual_text: str, method: PerOccurrence, rounding: Rounding
) -> Scored:
    """每出现一例扣 deduct 分，扣完为止: the actual is the count."""
    d = frac(method.deduct)
    raw = frac(weight) - actual * d
    steps = [
        _step("input", f"出现 {show(actual)} 例；分值 {show_dec(weight)}分；每例扣 {show(d)} 分",
              f"{show(actual)} occurrence(s); weight {show_dec(weight)}; {show(d)} per occurrence"),
        _step("formula", f"得分 = 分值 − 例数 × 每例扣分 = {show_dec(weight)} − {show(actual)} × {show(d)} = {show(raw, 6)}（扣完为止）",
              f"score = weight − count × deduction = {show(raw, 6)} (floored at 0)"),
    ]  # fmt: skip
    return _finish(raw, weight, rounding.score, steps, met=actual == 0, method="per_occurrence",
                   citation=cite.PER_OCCURRENCE, why_zh=f"出现{actual_text}，每例扣{show(d)}分",
                   why_en=f"{actual_text} occurrence(s), {show(d)} each")  # fmt: skip


def with_deductions(
    scored: Scored, weight: Decimal, quantum: Decimal, items: list[tuple[Fraction, str, str]], citation: Citation
) -> Scored:
    """Subtract further deductions (overshoot, manual) from a method's score, each with its reason."""
    if not items:
        return scored
    steps = list(scored.steps)
    rule = steps.pop()  # the method's rule step stays last
    raw = frac(scored.score)
    reasons_zh = [scored.reason] if scored.reason else []
    reasons_en = [scored.reason_en] if scored.reason_en else []
    for points, zh, en in items:
        raw -= points
        steps.append(_step("deduction", f"扣减：{zh}，扣{show(points)}分（{citation.document}）",
                           f"deducted: {en}; {show(points)} point(s) [{citation.id}]"))  # fmt: skip
        reasons_zh.append(f"{zh}，扣{show(points)}分")
        reasons_en.append(f"{en}; {show(points)} point(s) deducted")
    if raw < 0:
        steps.append(_step("clamp", f"{show(raw)} 小于0，扣完为止，按0分计", f"{show(raw)} is below 0; floored at 0"))
        raw = Fraction(0)
    score = round_half_up(raw, quantum)
    if frac(score) != raw:
        steps.append(_step("round", f"按四舍五入保留{places_of(quantum)}位小数：{show(raw, 6)} → {show_dec(score)}",
                           f"rounded half-up: {show(raw, 6)} → {show_dec(score)}"))  # fmt: skip
    steps.append(rule)
    lost = score < weight  # a deduction that rounds away leaves no reason behind
    return Scored(score=score, met=scored.met, method=scored.method, steps=tuple(steps), citation=scored.citation,
                  reason="；".join(reasons_zh) if lost else None,
                  reason_en="; ".join(reasons_en) if lost else None)  # fmt: skip
