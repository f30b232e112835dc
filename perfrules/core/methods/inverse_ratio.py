"""``inverse_ratio``: 反向指标 scored 指标值 ÷ 实际完成值 × 分值, whatever ``policy.negative`` says.

≤/< targets only. The formula is the ratio family's negative branch
(:mod:`._ratio_family`), forced to :attr:`NegativeRule.INVERSE_RATIO`.
"""

from __future__ import annotations

from perfrules.core import _citations as cite
from perfrules.core._fullmarks import FullMarks
from perfrules.core._scoring import Scored
from perfrules.core.methods import _ratio_family as family
from perfrules.core.methods._integer import Array, Group, Kernel, KernelPlan, ratio
from perfrules.core.methods._rule import Ask, Inputs, Issue, MethodRule, Quantity
from perfrules.model import Indicator, InverseRatio, NegativeRule, Policy, QuantitativeTarget


def _score_inverse(g: Group) -> tuple[Array, Array]:
    """Unmet (a > t, or a = t under <): w·t/a, 0 < raw ≤ w; met: the full weight."""
    exp = g.sa + g.places - g.sw - g.st
    if g.sa >= g.st:
        # The smaller of w·t/a rounded and ``full`` (half-up rounding is monotone; w·t/a ≥ w
        # exactly when a ≤ t). An actual of 0 (met: targets are > 0) divides by 1 instead: one
        # quantum of the actual's scale, at most the target when sa ≥ st, so still the full weight.
        return g.xp.minimum(ratio(g.w * g.t, g.xp.maximum(g.a, 1), exp), g.full), g.met
    un = ~g.met
    return g.xp.where(un, ratio(g.w * g.t, g.xp.where(un, g.a, 1), exp), g.full), g.met


class InverseRatioRule(MethodRule[InverseRatio]):
    cls = InverseRatio
    name = "inverse_ratio"
    citations = (cite.QUANT_NEGATIVE_INVERSE,)

    def check_target(
        self, method: InverseRatio | None, indicator: Indicator, target: QuantitativeTarget
    ) -> list[Issue]:
        return family.negative_only(self.name, indicator, target)

    def score(self, method: InverseRatio | None, inputs: Inputs) -> Scored:
        return family.score(NegativeRule.INVERSE_RATIO, inputs)

    def quantity(self, method: InverseRatio | None, fixed: Inputs) -> Quantity:
        return family.quantity(NegativeRule.INVERSE_RATIO, fixed)

    def why_not(self, method: InverseRatio | None, ask: Ask) -> FullMarks | None:
        return family.why_not(NegativeRule.INVERSE_RATIO, ask)

    kernels = (Kernel(name="inverse", score=_score_inverse, bound=family.ratio_bound),)

    def kernel_plan(
        self, method: InverseRatio | None, target: QuantitativeTarget | None, policy: Policy
    ) -> KernelPlan | None:
        return family.kernel_plan(NegativeRule.INVERSE_RATIO, target, policy)


RULE = InverseRatioRule()
