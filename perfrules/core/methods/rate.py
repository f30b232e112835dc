"""``rate``: 比率 × 分值 — the actual as a share (÷ 100 for a % target) times the weight, 满分为止.

Met or not: the comparator decides only ``met``; the target does not enter
the score.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules.core import _citations as cite
from perfrules.core._exact import frac, show, show_dec
from perfrules.core._fullmarks import FullMarks, fm, slack
from perfrules.core._scoring import Scored, finish, make_step
from perfrules.core.methods._integer import Array, Bounds, Group, Kernel, KernelPlan, p10, up
from perfrules.core.methods._rule import Ask, Inputs, Issue, MethodRule
from perfrules.model import Policy, QuantitativeTarget, RateTimesWeight, Rounding


def score_rate(
    *,
    weight: Decimal,
    target: QuantitativeTarget,
    actual: Fraction,
    actual_text: str,
    rounding: Rounding,
) -> Scored:
    """Score = rate × weight: the actual as a share (÷ 100 for a % unit), met or not; capped at the weight."""
    share = actual / 100 if target.unit == "%" else actual
    raw = share * frac(weight)
    tgt = str(target)
    steps = [
        make_step(
            "input",
            f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {show_dec(weight)}分",
            f"target {tgt}; actual {actual_text}; weight {show_dec(weight)}",
        ),
        make_step(
            "formula",
            f"得分 = 实际完成比率 × 分值 = {show(share * 100, 6)}% × {show_dec(weight)} = {show(raw, 6)}（满分为止）",
            f"score = rate × weight = {show(share * 100, 6)}% × {show_dec(weight)} = {show(raw, 6)} (capped at the weight)",
        ),
    ]
    met = target.comparator.holds(actual, frac(target.value))
    return finish(
        raw,
        weight,
        rounding.score,
        steps,
        met=met,
        method="rate",
        citation=cite.RATE if cite.rate_quotes(target.unit) else None,
        why_zh=f"实际完成值{actual_text}，按比率×分值计分",
        why_en=f"actual {actual_text}; scored as rate × weight",
    )


def _score_rate(g: Group) -> tuple[Array, Array]:
    """share × w, capped at the weight."""
    return g.clamped(g.w * g.a, 1, g.sw + g.sa + (2 if g.percent else 0), high=True), g.met


def _bound_rate(b: Bounds) -> list[int]:
    m = b.sw + b.sa + (2 if b.percent else 0)
    return [b.W * b.A * up(b.places - m), up(m - b.places), b.W * p10(m - b.sw) * up(b.sw - m)]


class RateRule(MethodRule[RateTimesWeight]):
    cls = RateTimesWeight
    name = "rate"
    citations = (cite.RATE,)

    def check(
        self,
        method: RateTimesWeight,
        *,
        weight: Decimal,
        quantum: Decimal,
        target: QuantitativeTarget | None,
    ) -> list[Issue]:
        if target is not None and target.unit not in ("%", ""):
            return [
                Issue(
                    code="method-target",
                    path=(),
                    en=f"method rate scores a rate: the target unit must be % or none, not {target.unit!r}",
                    zh=f"比率计分要求指标单位为“%”或留空，而非“{target.unit}”",
                )
            ]
        return []

    def score(self, method: RateTimesWeight | None, inputs: Inputs) -> Scored:
        target, actual = inputs.quantity()
        return score_rate(
            weight=inputs.weight,
            target=target,
            actual=actual,
            actual_text=inputs.actual_text,
            rounding=inputs.rounding,
        )

    def why_not(self, method: RateTimesWeight | None, ask: Ask) -> FullMarks | None:
        target = ask.target
        if target is None:
            return None
        u, w, q, what_zh, what_en = target.unit, ask.weight, ask.quantum, ask.what_zh, ask.what_en
        rounding_zh = "（按完成比例计分并四舍五入后为满分）"
        rounding_en = " (the ratio score rounds to the full weight)"
        share = slack(w, q)
        thr = share * 100 if u == "%" else share
        return fm(
            thr,
            "≥",
            u,
            what_zh,
            what_en,
            rounding_zh.replace("完成比例", "比率"),
            rounding_en.replace("ratio", "rate"),
        )

    kernels = (Kernel(name="rate", score=_score_rate, bound=_bound_rate),)

    def kernel_plan(
        self, method: RateTimesWeight | None, target: QuantitativeTarget | None, policy: Policy
    ) -> KernelPlan | None:
        return KernelPlan(kernel="rate")


RULE = RateRule()
