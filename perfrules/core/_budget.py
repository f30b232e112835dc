"""The budget-execution row (预算执行率): the rate by the declared policy, or by a catalogue method on it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from perfrules.core import _citations as cite
from perfrules.core._exact import frac, places_of, show, show_dec, show_percent
from perfrules.core._scoring import Scored, finish, make_step
from perfrules.core.methods import Inputs, rule_for
from perfrules.model import (
    BudgetAmounts,
    BudgetExecution,
    Comparator,
    ExecutionBase,
    ExecutionPolicy,
    QuantitativeTarget,
    Rounding,
)


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
        make_step("input", f"{base_zh} {show_dec(base)}{u}；全年执行数 {show_dec(budget.spent)}{u}；分值 {show_dec(block.weight)}分",
                  f"budget ({block.base.value}) {show_dec(base)} {u}; spent {show_dec(budget.spent)} {u}; weight {show_dec(block.weight)}"),
        make_step("formula", f"预算执行率 = 全年执行数 ÷ {base_zh} = {show_dec(budget.spent)} ÷ {show_dec(base)} = {show(rate * 100, 6)}%（显示为{pct}）",
                  f"execution rate = spent / budget = {show_dec(budget.spent)} / {show_dec(base)} = {show(rate * 100, 6)}% (shown as {pct})"),
    ]  # fmt: skip
    if block.method is not None:  # bands or steps on the rate in %, against 100%
        target = QuantitativeTarget(comparator=Comparator.GE, value=Decimal(100), unit="%")
        inputs = Inputs(weight=block.weight, target=target, actual=rate * 100, actual_text=pct, rounding=rounding,
                        citation=cite.BUDGET_METHOD)  # fmt: skip
        scored = rule_for(block.method).score(block.method, inputs)
        scored = attrs.evolve(scored, steps=(*steps, *scored.steps))
        return scored, rate, base
    capped = rate
    if rate > 1:
        capped = Fraction(1)
        steps.append(make_step("clamp", "执行率超过100%，按100%计", "rate above 100% counts as 100%"))
    raw = capped * w
    steps.append(make_step("formula", f"得分 = 预算执行率 × 分值 = {show(capped * 100, 6)}% × {show_dec(block.weight)} = {show(raw, 6)}",
                           f"score = rate × weight = {show(capped * 100, 6)}% × {show_dec(block.weight)} = {show(raw, 6)}"))  # fmt: skip
    if block.policy is ExecutionPolicy.ROUND_WHOLE:
        quantum, citation = Decimal(1), cite.BUDGET_ROUND_WHOLE
        steps.append(make_step("policy", "计分口径 round_whole：按四舍五入取整数分", "policy round_whole: rounded half-up to whole points"))
        how_zh, how_en = "按执行率×分值四舍五入取整计分", "rate × weight rounded to whole points"
    else:
        quantum, citation = rounding.score, cite.BUDGET_PROPORTIONAL
        steps.append(make_step("policy", f"计分口径 proportional：按执行率×分值计分，保留{places_of(quantum)}位小数",
                               f"policy proportional: rate × weight to {places_of(quantum)} decimal places"))  # fmt: skip
        how_zh, how_en = "按执行率×分值计分", "scored as rate × weight"
    scored = finish(raw, block.weight, quantum, steps, met=rate >= 1, method=block.policy.value, citation=citation,
                    why_zh=f"预算执行率{pct}，未达到100%，{how_zh}",
                    why_en=f"execution rate {pct} is below 100%; {how_en}")  # fmt: skip
    return scored, rate, base
