"""``ratio``: 完成指标值的记全部分值，未完成的按完成值与指标值的比例记分 (财预〔2020〕10号 第十六条).

The default of a quantitative indicator. Its ≤/< targets follow
``policy.negative`` (the ``inverse_ratio`` or ``linear_overshoot`` formula),
its = targets ``policy.equal_above``; a declared overshoot deduction applies.
The formulas are the ratio family's (:mod:`._ratio_family`).
"""

from __future__ import annotations

from perfrules.core import _citations as cite
from perfrules.core._fullmarks import FullMarks
from perfrules.core._scoring import Scored
from perfrules.core.methods import _ratio_family as family
from perfrules.core.methods._integer import Array, Group, Kernel, KernelPlan, ratio
from perfrules.core.methods._rule import Ask, Inputs, MethodRule, Quantity
from perfrules.model import Policy, QuantitativeTarget, Ratio


def _below_target(g: Group) -> Array:
    """Below the target w·a/t (0 ≤ raw < w), otherwise the full weight: the smaller of the two.

    Half-up rounding is monotone, and w·a/t < w exactly when a < t: below the
    target the rounded w·a/t is at most ``full`` (the weight rounded), from the
    target on at least ``full``. No mask, no selection.
    """
    return g.xp.minimum(ratio(g.w * g.a, g.t, g.st + g.places - g.sw - g.sa), g.full)


def _score_ratio(g: Group) -> tuple[Array, Array]:
    return _below_target(g), g.met


def _score_equal_full(g: Group) -> tuple[Array, Array]:
    # above an exact target counts as met (policy.equal_above = full)
    return _below_target(g), g.met | (g.a_c > g.t_c)


def _score_equal_inverse(g: Group) -> tuple[Array, Array]:
    s = _below_target(g)
    above = g.xp.asarray(g.a_c > g.t_c)  # above an exact target: w·t/a (0 < raw < w)
    s = g.xp.where(
        above, ratio(g.w * g.t, g.xp.where(above, g.a, 1), g.sa + g.places - g.sw - g.st), s
    )
    return s, g.met


class RatioRule(MethodRule[Ratio]):
    cls = Ratio
    name = "ratio"
    citations = (
        cite.QUANT_POSITIVE,
        cite.QUANT_EQUAL,
        cite.QUANT_NEGATIVE_INVERSE,
        cite.QUANT_NEGATIVE_LINEAR,
    )

    def score(self, method: Ratio | None, inputs: Inputs) -> Scored:
        return family.score(None, inputs)

    def quantity(self, method: Ratio | None, fixed: Inputs) -> Quantity:
        return family.quantity(None, fixed)

    def why_not(self, method: Ratio | None, ask: Ask) -> FullMarks | None:
        return family.why_not(None, ask)

    kernels = (
        Kernel(name="ratio", score=_score_ratio, bound=family.ratio_bound),
        Kernel(name="equal_full", score=_score_equal_full, bound=family.ratio_bound),
        Kernel(name="equal_inverse", score=_score_equal_inverse, bound=family.ratio_bound),
    )

    def kernel_plan(
        self, method: Ratio | None, target: QuantitativeTarget | None, policy: Policy
    ) -> KernelPlan | None:
        return family.kernel_plan(None, target, policy)


RULE = RatioRule()
