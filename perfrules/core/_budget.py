"""The budget-execution row (预算执行率): the rate by the declared policy, or by a catalogue method on it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import quantum_of, show, show_dec
from perfrules.core._result import Step, deferred_step
from perfrules.core._scoring import Finisher, Scored, fixed_step, rule_step
from perfrules.core.methods import Inputs, rule_for
from perfrules.model import (
    BudgetAmounts,
    BudgetExecution,
    Comparator,
    ExecutionBase,
    ExecutionPolicy,
    QuantitativeTarget,
    RateDisplay,
    Rounding,
)


def score_budget_execution(
    block: BudgetExecution, budget: BudgetAmounts, rounding: Rounding
) -> tuple[Scored, Fraction, Decimal]:
    """Score 预算执行率; returns the scored part, the exact rate and the base amount."""
    scored, rate, base, _ = BudgetRow(block, rounding)(budget)
    return scored, rate, base


def _input_texts(
    base_zh: str, base_key: str, base: Decimal, unit: str, spent: Decimal, weight: Decimal
) -> tuple[str, str]:
    sb, ss, sw = show_dec(base), show_dec(spent), show_dec(weight)
    return (
        f"{base_zh} {sb}{unit}；全年执行数 {ss}{unit}；分值 {sw}分",
        f"budget ({base_key}) {sb} {unit}; spent {ss} {unit}; weight {sw}",
    )


def _rate_texts(
    base_zh: str, spent: Decimal, base: Decimal, rate: Fraction, pct: str
) -> tuple[str, str]:
    ss, sb, sr = show_dec(spent), show_dec(base), show(rate * 100, 6)
    return (
        f"预算执行率 = 全年执行数 ÷ {base_zh} = {ss} ÷ {sb} = {sr}%（显示为{pct}）",
        f"execution rate = spent / budget = {ss} / {sb} = {sr}% (shown as {pct})",
    )


def _score_texts(cn: int, cd: int, weight: Decimal, num: int, den: int) -> tuple[str, str]:
    sc, sw, sr = show(Fraction(cn * 100, cd), 6), show_dec(weight), show(Fraction(num, den), 6)
    return (
        f"得分 = 预算执行率 × 分值 = {sc}% × {sw} = {sr}",
        f"score = rate × weight = {sc}% × {sw} = {sr}",
    )


class BudgetRow:
    """The budget row of one spec (its block and rounding), worked out once for many actuals.

    Called with the actuals' budget amounts, it gives the scored part, the
    exact rate, the base amount and the rate as shown (``94.48%``).
    """

    def __init__(self, block: BudgetExecution, rounding: Rounding) -> None:
        self.block = block
        self.base_is_initial = block.base is ExecutionBase.INITIAL
        self.base_zh = "年初预算数" if self.base_is_initial else "全年预算数"
        self.weight = block.weight
        self.wn, self.wd = block.weight.as_integer_ratio()
        self.rate_quantum = quantum_of(rounding.rate_display)
        self.truncate_rate = rounding.rate_display_mode is RateDisplay.TRUNCATE
        self.method = None
        self.citation: Citation | None = None
        if block.method is not None:  # bands or steps on the rate in %, against 100%
            target = QuantitativeTarget(comparator=Comparator.GE, value=Decimal(100), unit="%")
            fixed = Inputs(
                weight=block.weight, target=target, rounding=rounding, citation=cite.BUDGET_METHOD
            )
            self.method = rule_for(block.method).quantity(block.method, fixed)
            return
        self.clamp = fixed_step(
            "clamp", "执行率超过100%，按100%计", "rate above 100% counts as 100%"
        )
        if block.policy is ExecutionPolicy.ROUND_WHOLE:
            quantum, self.citation = Decimal(1), cite.BUDGET_ROUND_WHOLE
            self.policy_step = fixed_step(
                "policy",
                "计分口径 round_whole：按四舍五入取整数分",
                "policy round_whole: rounded half-up to whole points",
            )
            self.how_zh, self.how_en = (
                "按执行率×分值四舍五入取整计分",
                "rate × weight rounded to whole points",
            )
        else:
            quantum = rounding.score
            self.citation = (
                cite.BUDGET_PROPORTIONAL if cite.budget_proportional_quotes(block.weight) else None
            )
            places = quantum_of(quantum).places
            self.policy_step = fixed_step(
                "policy",
                f"计分口径 proportional：按执行率×分值计分，保留{places}位小数",
                f"policy proportional: rate × weight to {places} decimal places",
            )
            self.how_zh, self.how_en = "按执行率×分值计分", "scored as rate × weight"
        self.finish = Finisher(block.weight, quantum)
        self.rule = rule_step(self.citation) if self.citation is not None else None

    def __call__(self, budget: BudgetAmounts) -> tuple[Scored, Fraction, Decimal, str]:
        block = self.block
        base = (
            budget.initial
            if self.base_is_initial and budget.initial is not None
            else budget.full_year
        )
        sn, sd = budget.spent.as_integer_ratio()
        bn, bd = base.as_integer_ratio()
        rn, rd = sn * bd, sd * bn  # spent / base
        if rd < 0:
            rn, rd = -rn, -rd
        rate = Fraction(rn, rd)
        pct = f"{self.rate_quantum.show_ratio(rn * 100, rd, self.truncate_rate):f}%"
        steps: list[Step] = [
            deferred_step(
                "input",
                _input_texts,
                self.base_zh,
                block.base.value,
                base,
                budget.unit,
                budget.spent,
                block.weight,
            ),
            deferred_step("formula", _rate_texts, self.base_zh, budget.spent, base, rate, pct),
        ]
        if self.method is not None:
            scored = self.method(rate * 100, pct)
            return scored._replace(steps=(*steps, *scored.steps)), rate, base, pct
        if rn > rd:  # above 100%
            cn, cd = 1, 1
            steps.append(self.clamp)
        else:
            cn, cd = rn, rd
        num, den = cn * self.wn, cd * self.wd  # capped rate × weight
        steps.append(deferred_step("formula", _score_texts, cn, cd, block.weight, num, den))
        steps.append(self.policy_step)
        met = (
            rn >= rd
        )  # at 100% or above, points are lost to rounding alone (weight_precision allow)
        scored = self.finish(
            num,
            den,
            steps,
            met=met,
            method=block.policy.value,
            citation=self.citation,
            why_zh=f"预算执行率{pct}，{'已达到' if met else '未达到'}100%，{self.how_zh}",
            why_en=f"execution rate {pct} {'reaches' if met else 'is below'} 100%; {self.how_en}",
            rule=self.rule,
        )
        return scored, rate, base, pct
