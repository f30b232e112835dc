"""Why not full marks, and what it would have taken.

For every result that lost points, :func:`full_marks` works out the condition
on the actual under which the same rule (with the same rounding) gives the
full weight: the exact threshold, how the actual must compare with it, and a
sentence in Chinese and English. It answers the question an evaluated unit
asks first: 差多少才能得满分？ Each scoring method's inverse is in its module
of :mod:`perfrules.core.methods`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfrules.core._exact import frac, show_dec
from perfrules.core._fullmarks import FullMarks, fm, slack
from perfrules.core.methods import Ask, rule_for, rule_of
from perfrules.core.methods._rule import MethodRule
from perfrules.model import BudgetExecution, ExecutionPolicy, Indicator, QuantitativeTarget, Spec

__all__ = ["FullMarks", "budget_full_marks", "full_marks"]


ACTUAL_ZH = "实际完成值"  # what an indicator's why-not asks of: its actual
ACTUAL_EN = "an actual"


def full_marks(spec: Spec, ind: Indicator) -> FullMarks | None:
    """What actual would have earned ``ind`` its full weight (``None`` if nothing sensible can be said)."""
    q = ind.score_quantum(spec.rounding.score)
    return full_marks_of(spec, rule_of(ind), ind.method, ind.weight, q, ind.target)


def full_marks_of(
    spec: Spec,
    rule: MethodRule[Any],
    method: Any,
    w: Decimal,
    q: Decimal,
    target: QuantitativeTarget | None,
) -> FullMarks | None:
    """:func:`full_marks` of an indicator of ``rule`` with this method, weight, score quantum and
    target (the batch's document writer asks it of a row's numbers)."""
    if not weight_on_grid(w, q):
        return None  # policy.weight_precision = allow: no score at this precision equals the weight
    return rule.why_not(
        method,
        Ask(spec=spec, weight=w, quantum=q, target=target, what_zh=ACTUAL_ZH, what_en=ACTUAL_EN),
    )


def weight_on_grid(weight: Decimal, quantum: Decimal) -> bool:
    """Whether ``weight`` is a whole multiple of ``quantum`` (> 0): else no score equals the weight."""
    wn, wd = weight.as_integer_ratio()
    qn, qd = quantum.as_integer_ratio()
    return (wn * qd) % (wd * qn) == 0


def budget_full_marks(spec: Spec, block: BudgetExecution) -> FullMarks:
    """The execution rate that would have earned the budget row its full weight."""
    whole = block.method is None and block.policy is ExecutionPolicy.ROUND_WHOLE
    q = Decimal(1) if whole else spec.rounding.score
    if (frac(block.weight) / frac(q)).denominator != 1:  # policy.weight_precision = allow
        # no score at this precision equals the weight, whatever the method or policy
        return FullMarks(
            threshold=None,
            comparator=None,
            zh=f"分值{show_dec(block.weight)}分不是得分精度{show_dec(q)}的整数倍，任何执行率的得分都不会恰为分值",
            en=f"the weight {show_dec(block.weight)} is not a multiple of the score precision {show_dec(q)}: "
            "no execution rate scores exactly the weight",
        )
    target = QuantitativeTarget.parse("≥100%")
    if block.method is not None:  # the declared bands or steps decide; the unused policy never does
        ask = Ask(
            spec=spec,
            weight=block.weight,
            quantum=spec.rounding.score,
            target=target,
            what_zh="预算执行率",
            what_en="an execution rate",
        )
        found = rule_for(block.method).why_not(block.method, ask)
        if found is not None:
            return found
        return FullMarks(
            threshold=None,
            comparator=None,
            zh="按规范声明的计分办法，执行率的任何取值均不能得满分",
            en="under the declared method no execution rate earns full marks",
        )
    thr = slack(block.weight, q) * 100
    how_zh = (
        "（执行率×分值四舍五入取整后为满分）"
        if block.policy is ExecutionPolicy.ROUND_WHOLE
        else "（执行率×分值四舍五入后为满分）"
    )
    return fm(
        thr,
        "≥",
        "%",
        "预算执行率",
        "an execution rate",
        how_zh,
        " (rate × weight rounds to the full weight)",
    )
