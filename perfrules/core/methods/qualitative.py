"""``qualitative``: 定性指标 scored by tier (财预〔2020〕10号 第十六条).

The actual is a tier (达成 / 部分达成 / 未达成, or the spec's own tiers); an
entered score inside the tier's range is the raw score, otherwise the highest
score the tier admits at the score quantum (``policy.qualitative_default =
tier_top``). The default of an indicator without a quantitative target.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules._errors import EvaluationError
from perfrules.core import _citations as cite
from perfrules.core._exact import frac, show, show_dec
from perfrules.core._fullmarks import FullMarks
from perfrules.core._scoring import Scored, finish, make_step
from perfrules.core.methods._integer import Array, Bounds, Group, Kernel, KernelPlan, half_up, scaled, up
from perfrules.core.methods._rule import Ask, Inputs, MethodRule
from perfrules.model import Policy, Qualitative, QualitativeDefault, QuantitativeTarget, Rounding, Tier


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
        make_step("input", f"年度指标值：{target_text}；完成情况：{description or tier.name}；分值 {show_dec(weight)}分",
                  f"target: {target_text}; outcome: {description or tier.name}; weight {show_dec(weight)}"),
        make_step("compare", f"评定档次“{tier.name}”，分值区间 [{show(lo)}, {show(hi)}{close}"
                  f"（分值的 {show(frac(tier.min) * 100)}%–{show(frac(tier.max) * 100)}%）",
                  f"tier {tier.name!r}: score range [{show(lo)}, {show(hi)}{close} "
                  f"({show(frac(tier.min) * 100)}%–{show(frac(tier.max) * 100)}% of the weight)"),
    ]  # fmt: skip
    if entered is not None:
        raw = frac(entered)
        steps.append(make_step("formula", f"录入得分 {show_dec(entered)}，在档次区间内",
                               f"entered score {show_dec(entered)} lies inside the tier's range"))  # fmt: skip
    else:
        raw = tier_top(weight, tier, rounding.score)
        if tier.max_inclusive:
            zh, en = f"未录入得分，按档次上限计 {show(raw)}", f"no score entered: the tier's top, {show(raw)}"
        else:
            zh = f"未录入得分，按档次可取的最高分计（上限不含，按{show_dec(rounding.score)}分精度）{show(raw)}"
            en = f"no score entered: the highest score the tier admits at {show_dec(rounding.score)} precision, {show(raw)}"
        steps.append(make_step("policy", zh + "（policy.qualitative_default = tier_top）", en + " (policy.qualitative_default = tier_top)"))
    met = tier.max_inclusive and tier.max == 1  # 达成年度指标: the target is met, whatever score is entered
    return finish(raw, weight, rounding.score, steps, met=met, method="qualitative", citation=cite.QUALITATIVE,
                  why_zh=f"定性评价为“{tier.name}”，按该档次分值区间计分",
                  why_en=f"qualitative outcome {tier.name!r}, scored within that tier's range")  # fmt: skip


def _score_tier(g: Group) -> tuple[Array, Array]:
    """tier_top: w·max when the top is inclusive, else the largest quantum strictly below w·max, never below w·min.

    ``g.tiers = (index, table)``: each element's tier, and the tiers' top and
    bottom shares as fractions (``hi_num/hi_den``, ``lo_num/lo_den``), whether
    the top is included and whether the tier means the target is met.
    """
    assert g.tiers is not None
    idx, table = g.tiers
    pl, sw, w = g.places, g.sw, g.w
    met = table.met[idx]
    hn, hd = table.hi_num[idx], table.hi_den[idx]
    x = scaled(w * hn, max(pl - sw, 0))  # w·max in quanta = x / den
    den = scaled(hd, max(sw - pl, 0))
    top_incl = half_up(x, den)
    if table.all_inclusive:
        return top_incl, met
    inclusive = table.inclusive[idx]
    top_excl = -((-x) // den) - 1
    lo_num = scaled(w * table.lo_num[idx], max(pl - sw, 0))
    lo_den = scaled(table.lo_den[idx], max(sw - pl, 0))
    top_excl = g.xp.where(top_excl * lo_den < lo_num, half_up(lo_num, lo_den), top_excl)
    return g.xp.where(inclusive, top_incl, top_excl), met


def _bound_tier(b: Bounds) -> list[int]:
    t = b.tiers
    assert t is not None
    h = max(int(t.hi_num.max()), int(t.hi_den.max()), int(t.lo_num.max()), int(t.lo_den.max()), 1) + 1
    return [b.W * h * up(b.places - b.sw) * h, h * up(b.sw - b.places) * b.W * h]


class QualitativeRule(MethodRule[Qualitative]):
    cls = Qualitative
    name = "qualitative"
    citations = (cite.QUALITATIVE,)
    qualitative = True

    def score(self, method: Qualitative | None, inputs: Inputs) -> Scored:
        if inputs.tier is None:
            raise EvaluationError("a qualitative indicator is scored by its tier")
        return score_qualitative(weight=inputs.weight, target_text=inputs.target_text, tier=inputs.tier,
                                 entered=inputs.entered, description=inputs.description,
                                 default=inputs.policy.qualitative_default, rounding=inputs.rounding)  # fmt: skip

    def why_not(self, method: Qualitative | None, ask: Ask) -> FullMarks | None:
        top = ask.spec.tiers[0]
        w = ask.weight
        return FullMarks(threshold=None, comparator=None,
                         zh=f"评定为“{top.name}”且得分为分值{show_dec(w)}分方可得满分",
                         en=f"full marks need tier {top.name!r} scored at the weight {show_dec(w)}")  # fmt: skip

    kernels = (Kernel(name="tier", score=_score_tier, bound=_bound_tier, tiers=True),)

    def kernel_plan(self, method: Qualitative | None, target: QuantitativeTarget | None,
                    policy: Policy) -> KernelPlan | None:  # fmt: skip
        if policy.qualitative_default is not QualitativeDefault.TIER_TOP:
            return None  # an entered score is required: the kernel only knows tier_top
        return KernelPlan(kernel="tier")


RULE = QualitativeRule()
