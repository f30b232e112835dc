"""``per_occurrence``: 每出现一例扣 ``deduct`` 分，扣完为止 (部门整体支出 共性指标).

The actual is a count of occurrences (a whole number); the target (usually
``=0例``) is only shown, and ``met`` is a count of 0.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules.core import _citations as cite
from perfrules.core._exact import frac, show, show_dec
from perfrules.core._fullmarks import FullMarks, fm
from perfrules.core._scoring import Scored, finish, make_step
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
from perfrules.core.methods._rule import Ask, Inputs, Issue, MethodRule
from perfrules.model import PerOccurrence, Policy, QuantitativeTarget, Rounding


def score_per_occurrence(
    *,
    weight: Decimal,
    actual: Fraction,
    actual_text: str,
    method: PerOccurrence,
    rounding: Rounding,
) -> Scored:
    """每出现一例扣 deduct 分，扣完为止: the actual is the count."""
    d = frac(method.deduct)
    raw = frac(weight) - actual * d
    steps = [
        make_step(
            "input",
            f"出现 {show(actual)} 例；分值 {show_dec(weight)}分；每例扣 {show(d)} 分",
            f"{show(actual)} occurrence(s); weight {show_dec(weight)}; {show(d)} per occurrence",
        ),
        make_step(
            "formula",
            f"得分 = 分值 − 例数 × 每例扣分 = {show_dec(weight)} − {show(actual)} × {show(d)} = {show(raw, 6)}（扣完为止）",
            f"score = weight − count × deduction = {show(raw, 6)} (floored at 0)",
        ),
    ]
    return finish(
        raw,
        weight,
        rounding.score,
        steps,
        met=actual == 0,
        method="per_occurrence",
        citation=cite.PER_OCCURRENCE if cite.per_occurrence_quotes(method.deduct) else None,
        why_zh=f"出现{actual_text}，每例扣{show(d)}分",
        why_en=f"{actual_text} occurrence(s), {show(d)} each",
    )


def _score_per_occurrence(g: Group) -> tuple[Array, Array]:
    """w − count·deduct, floored at 0; met: a count of 0."""
    assert g.deduct is not None
    m = max(g.sw, g.sa + g.sd)
    num = g.xp.maximum(scaled(g.w, m - g.sw) - scaled(g.a * g.deduct, m - g.sa - g.sd), 0)
    return g.clamped(num, 1, m, high=False), g.xp.asarray(g.a == 0)


def _bound_per_occurrence(b: Bounds) -> list[int]:
    m = max(b.sw, b.sa + b.sd)
    num = b.W * p10(m - b.sw) + b.A * b.D * p10(m - b.sa - b.sd)
    return [num * up(b.places - m), up(m - b.places)]


class PerOccurrenceRule(MethodRule[PerOccurrence]):
    cls = PerOccurrence
    name = "per_occurrence"
    citations = (cite.PER_OCCURRENCE,)
    columns = (("deduct", "number"),)
    counts = True

    def check(
        self,
        method: PerOccurrence,
        *,
        weight: Decimal,
        quantum: Decimal,
        target: QuantitativeTarget | None,
    ) -> list[Issue]:
        if method.deduct <= 0:
            return [
                Issue(
                    code="method-params",
                    path=("deduct",),
                    en="per_occurrence: deduct must be positive",
                    zh="按例扣分：deduct 须大于0",
                )
            ]
        return []

    def score(self, method: PerOccurrence | None, inputs: Inputs) -> Scored:
        assert method is not None
        _, actual = inputs.quantity()
        return score_per_occurrence(
            weight=inputs.weight,
            actual=actual,
            actual_text=inputs.actual_text,
            method=method,
            rounding=inputs.rounding,
        )

    def why_not(self, method: PerOccurrence | None, ask: Ask) -> FullMarks | None:
        target = ask.target
        if target is None:
            return None
        u, what_zh, what_en = target.unit, ask.what_zh, ask.what_en
        return fm(Fraction(0), "=", u, what_zh, what_en)

    kernels = (
        Kernel(
            name="per_occurrence",
            score=_score_per_occurrence,
            bound=_bound_per_occurrence,
            params=("deduct",),
        ),
    )

    def kernel_plan(
        self, method: PerOccurrence | None, target: QuantitativeTarget | None, policy: Policy
    ) -> KernelPlan | None:
        assert method is not None
        return KernelPlan(kernel="per_occurrence", params=(("deduct", method.deduct),))


RULE = PerOccurrenceRule()
