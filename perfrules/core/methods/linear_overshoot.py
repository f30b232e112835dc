"""``linear_overshoot``: 反向指标 scored (1 − (实际完成值 − 指标值) ÷ 指标值) × 分值, 0 from twice the target.

≤/< targets only, whatever ``policy.negative`` says. The formula is the
ratio family's negative branch (:mod:`._ratio_family`), forced to
:attr:`NegativeRule.LINEAR_OVERSHOOT`.
"""

from __future__ import annotations

from perfrules.core import _citations as cite
from perfrules.core._fullmarks import FullMarks
from perfrules.core._scoring import Scored
from perfrules.core.methods import _ratio_family as family
from perfrules.core.methods._integer import (
    Array,
    Bounds,
    Group,
    Kernel,
    KernelPlan,
    ratio,
    scaled,
    up,
)
from perfrules.core.methods._rule import Ask, Inputs, Issue, MethodRule, Quantity
from perfrules.model import Indicator, LinearOvershoot, NegativeRule, Policy, QuantitativeTarget


def _score_linear(g: Group) -> tuple[Array, Array]:
    """Unmet: (2t − a)/t · w, floored at 0 from twice the target; met: the full weight."""
    un = ~g.met
    num = g.xp.maximum(g.w * (2 * g.t_c - g.a_c), 0)  # at scale sw + c
    return g.xp.where(un, ratio(num, scaled(g.t, g.c - g.st), g.places - g.sw), g.full), g.met


def _bound_linear(b: Bounds) -> list[int]:
    return [b.W * (2 * b.tc + b.ac) * up(b.places - b.sw), b.tc * up(b.sw - b.places)]


class LinearOvershootRule(MethodRule[LinearOvershoot]):
    cls = LinearOvershoot
    name = "linear_overshoot"
    citations = (cite.QUANT_NEGATIVE_LINEAR,)

    def check_target(
        self, method: LinearOvershoot | None, indicator: Indicator, target: QuantitativeTarget
    ) -> list[Issue]:
        return family.negative_only(self.name, indicator, target)

    def score(self, method: LinearOvershoot | None, inputs: Inputs) -> Scored:
        return family.score(NegativeRule.LINEAR_OVERSHOOT, inputs)

    def quantity(self, method: LinearOvershoot | None, fixed: Inputs) -> Quantity:
        return family.quantity(NegativeRule.LINEAR_OVERSHOOT, fixed)

    def why_not(self, method: LinearOvershoot | None, ask: Ask) -> FullMarks | None:
        return family.why_not(NegativeRule.LINEAR_OVERSHOOT, ask)

    kernels = (Kernel(name="linear", score=_score_linear, bound=_bound_linear),)

    def kernel_plan(
        self, method: LinearOvershoot | None, target: QuantitativeTarget | None, policy: Policy
    ) -> KernelPlan | None:
        return family.kernel_plan(NegativeRule.LINEAR_OVERSHOOT, target, policy)


RULE = LinearOvershootRule()
