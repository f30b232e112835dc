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
from perfrules.core._citations import Citation
from perfrules.core._exact import frac, quantum_of, show, show_dec
from perfrules.core._fullmarks import FullMarks
from perfrules.core._result import Step, deferred_step
from perfrules.core._scoring import Finisher, Scored, rule_step
from perfrules.core._template import RowTexts, StepText, finish_texts
from perfrules.core.methods._integer import (
    Array,
    Bounds,
    Group,
    Kernel,
    KernelPlan,
    half_up,
    p10,
    scaled,
    up,
)
from perfrules.core.methods._rule import Ask, Inputs, MethodRule, Outcome
from perfrules.model import (
    DEFAULT_TIERS,
    Policy,
    Qualitative,
    QualitativeDefault,
    QuantitativeTarget,
    Rounding,
    Tier,
)


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
    return Compiled(weight, target_text, rounding)(tier, entered, description)


def _input_texts(target_text: str, outcome: str, weight: str) -> tuple[str, str]:
    return (
        f"年度指标值：{target_text}；完成情况：{outcome}；分值 {weight}分",
        f"target: {target_text}; outcome: {outcome}; weight {weight}",
    )


def _range_texts(tier: Tier, weight: Decimal) -> tuple[str, str]:
    w = frac(weight)
    lo, hi = show(w * frac(tier.min)), show(w * frac(tier.max))
    low, high = show(frac(tier.min) * 100), show(frac(tier.max) * 100)
    close = "]" if tier.max_inclusive else ")"
    return (
        f"评定档次“{tier.name}”，分值区间 [{lo}, {hi}{close}（分值的 {low}%–{high}%）",
        f"tier {tier.name!r}: score range [{lo}, {hi}{close} ({low}%–{high}% of the weight)",
    )


def _entered_texts(entered: Decimal) -> tuple[str, str]:
    se = show_dec(entered)
    return f"录入得分 {se}，在档次区间内", f"entered score {se} lies inside the tier's range"


def _top_texts(tier: Tier, raw: Fraction, quantum: Decimal) -> tuple[str, str]:
    sr = show(raw)
    if tier.max_inclusive:
        zh, en = f"未录入得分，按档次上限计 {sr}", f"no score entered: the tier's top, {sr}"
    else:
        sq = show_dec(quantum)
        zh = f"未录入得分，按档次可取的最高分计（上限不含，按{sq}分精度）{sr}"
        en = f"no score entered: the highest score the tier admits at {sq} precision, {sr}"
    return (
        zh + "（policy.qualitative_default = tier_top）",
        en + " (policy.qualitative_default = tier_top)",
    )


_tuple_new = tuple.__new__

_QUOTED_TIERS = {(t.name, t.min, t.max, t.max_inclusive) for t in DEFAULT_TIERS}


def _cited(tier: Tier) -> Citation | None:
    """QUALITATIVE (第十六条's three tiers) for a tier of that table; a spec's own tiers cite none."""
    return (
        cite.QUALITATIVE
        if (tier.name, tier.min, tier.max, tier.max_inclusive) in _QUOTED_TIERS
        else None
    )


class Compiled:
    """The qualitative score of one indicator (weight, target wording, rounding), worked out once for many outcomes.

    Per tier, what does not depend on the outcome's description or entered
    score (the tier's range, its top score and the whole outcome without an
    entered score) is made once.
    """

    def __init__(self, weight: Decimal, target_text: str, rounding: Rounding) -> None:
        self.weight = weight
        self.weight_s = show_dec(weight)
        self.target_text = target_text
        self.quantum = rounding.score
        self.finish = Finisher(weight, rounding.score)
        self.rule = rule_step(
            cite.QUALITATIVE
        )  # for the default tiers only: the three 第十六条 quotes
        self.tiers: dict[int, tuple[Tier, Step, Scored]] = {}

    def _tier(self, tier: Tier) -> tuple[Tier, Step, Scored]:
        compare = deferred_step("compare", _range_texts, tier, self.weight)
        raw = tier_top(self.weight, tier, self.quantum)
        steps = [compare, deferred_step("policy", _top_texts, tier, raw, self.quantum)]
        top = self.finish(
            raw.numerator,
            raw.denominator,
            steps,
            met=tier.max_inclusive and tier.max == 1,
            method="qualitative",
            citation=_cited(tier),
            why_zh=f"定性评价为“{tier.name}”，按该档次分值区间计分",
            why_en=f"qualitative outcome {tier.name!r}, scored within that tier's range",
            rule=self.rule if _cited(tier) is not None else None,
        )
        hit = self.tiers[id(tier)] = (tier, compare, top)
        return hit

    def __call__(self, tier: Tier, entered: Decimal | None, description: str | None) -> Scored:
        hit = self.tiers.get(id(tier))
        if hit is None or hit[0] is not tier:
            hit = self._tier(tier)
        _, compare, top = hit
        first = deferred_step(
            "input", _input_texts, self.target_text, description or tier.name, self.weight_s
        )
        if entered is None:
            score, met, method, top_steps, citation, reason, reason_en = top
            result: Scored = _tuple_new(
                Scored, (score, met, method, (first, *top_steps), citation, reason, reason_en)
            )  # new_scored(...), without a call per outcome
            return result
        num, den = entered.as_integer_ratio()
        steps = [first, compare, deferred_step("formula", _entered_texts, entered)]
        met = (
            tier.max_inclusive and tier.max == 1
        )  # 达成年度指标: the target is met, whatever score is entered
        return self.finish(
            num,
            den,
            steps,
            met=met,
            method="qualitative",
            citation=_cited(tier),
            why_zh=f"定性评价为“{tier.name}”，按该档次分值区间计分",
            why_en=f"qualitative outcome {tier.name!r}, scored within that tier's range",
            rule=self.rule if _cited(tier) is not None else None,
        )


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
    if table.all_inclusive:
        # every top share over one common denominator: one division by a number, not by an array
        x = scaled(w * table.hi_common[idx], max(pl - sw, 0))
        return half_up(x, table.common_den * p10(max(sw - pl, 0))), met
    hn, hd = table.hi_num[idx], table.hi_den[idx]
    x = scaled(w * hn, max(pl - sw, 0))  # w·max in quanta = x / den
    den = scaled(hd, max(sw - pl, 0))
    top_incl = half_up(x, den)
    inclusive = table.inclusive[idx]
    top_excl = -((-x) // den) - 1
    lo_num = scaled(w * table.lo_num[idx], max(pl - sw, 0))
    lo_den = scaled(table.lo_den[idx], max(sw - pl, 0))
    top_excl = g.xp.where(top_excl * lo_den < lo_num, half_up(lo_num, lo_den), top_excl)
    return g.xp.where(inclusive, top_incl, top_excl), met


def _bound_tier(b: Bounds) -> list[int]:
    t = b.tiers
    assert t is not None
    shares = (t.hi_num, t.hi_den, t.lo_num, t.lo_den, t.hi_common)
    h = max([int(x.max()) for x in shares] + [t.common_den, 1]) + 1
    return [b.W * h * up(b.places - b.sw) * h, h * up(b.sw - b.places) * b.W * h]


class QualitativeRule(MethodRule[Qualitative]):
    cls = Qualitative
    name = "qualitative"
    citations = (cite.QUALITATIVE,)
    qualitative = True

    def score(self, method: Qualitative | None, inputs: Inputs) -> Scored:
        if inputs.tier is None:
            raise EvaluationError("a qualitative indicator is scored by its tier")
        return score_qualitative(
            weight=inputs.weight,
            target_text=inputs.target_text,
            tier=inputs.tier,
            entered=inputs.entered,
            description=inputs.description,
            default=inputs.policy.qualitative_default,
            rounding=inputs.rounding,
        )

    def outcome(self, method: Qualitative | None, fixed: Inputs) -> Outcome:
        return Compiled(fixed.weight, fixed.target_text, fixed.rounding)

    def why_not(self, method: Qualitative | None, ask: Ask) -> FullMarks | None:
        top = ask.spec.tiers[0]
        w = ask.weight
        return FullMarks(
            threshold=None,
            comparator=None,
            zh=f"评定为“{top.name}”且得分为分值{show_dec(w)}分方可得满分",
            en=f"full marks need tier {top.name!r} scored at the weight {show_dec(w)}",
        )

    kernels = (Kernel(name="tier", score=_score_tier, bound=_bound_tier, tiers=True),)

    def kernel_plan(
        self, method: Qualitative | None, target: QuantitativeTarget | None, policy: Policy
    ) -> KernelPlan | None:
        if policy.qualitative_default is not QualitativeDefault.TIER_TOP:
            return None  # an entered score is required: the kernel only knows tier_top
        return KernelPlan(kernel="tier")


RULE = QualitativeRule()


# ---------------------------------------------------------------------------
# the fast branch of the full-document batch (perfrules.core._template)


def fast_texts(
    weight: Decimal,
    target_text: str,
    quantum: Decimal,
    tier: Tier,
    entered: Decimal | None,
    description: str | None,
) -> RowTexts:
    """:class:`Compiled` of an outcome (a tier, an entered score or none, a description or none), as text."""
    steps: list[StepText] = [
        ("input", *_input_texts(target_text, description or tier.name, show_dec(weight))),
        ("compare", *_range_texts(tier, weight)),
    ]
    if entered is None:
        raw = tier_top(weight, tier, quantum)
        num, den = raw.numerator, raw.denominator
        steps.append(("policy", *_top_texts(tier, raw, quantum)))
    else:
        num, den = entered.as_integer_ratio()
        steps.append(("formula", *_entered_texts(entered)))
    return finish_texts(
        weight,
        quantum_of(quantum),
        num,
        den,
        steps,
        met=tier.max_inclusive and tier.max == 1,
        method="qualitative",
        citation=_cited(tier),
        why_zh=f"定性评价为“{tier.name}”，按该档次分值区间计分",
        why_en=f"qualitative outcome {tier.name!r}, scored within that tier's range",
    )
