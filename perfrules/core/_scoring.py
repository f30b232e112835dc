"""What every scoring method shares: the scored result, clamping and the one rounding, extra deductions.

The methods themselves live in :mod:`perfrules.core.methods`, one module
each. Every function here is pure: exact fractions in, a Decimal score
rounded once (half-up, at the declared quantum) out, with bilingual steps
and the rule's citation.

Steps are built as data (:func:`perfrules.core._result.deferred_step`: a
render function and its arguments) and their text is formatted when first
read; :class:`Finisher` is :func:`finish` for one weight and quantum, worked
out once per indicator, on integers.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import frac, quantum_of, round_half_up, show, show_dec
from perfrules.core._result import Step, StepKind, deferred_step
from perfrules.model import Band, PartialStep


class Scored(NamedTuple):
    """What a scoring method returns."""

    score: Decimal
    met: bool | None
    method: str
    steps: tuple[Step, ...]
    citation: Citation | None  # None: no generic rule text fits this row (its own rule may)
    reason: str | None
    reason_en: str | None


_tuple_new = tuple.__new__


def new_scored(
    score: Decimal,
    met: bool | None,
    method: str,
    steps: tuple[Step, ...],
    citation: Citation | None,
    reason: str | None,
    reason_en: str | None,
) -> Scored:
    """``Scored(...)`` from its fields in order, without the keyword constructor's overhead."""
    result: Scored = _tuple_new(Scored, (score, met, method, steps, citation, reason, reason_en))
    return result


def make_step(kind: str, zh: str, en: str) -> Step:
    """One explanation step (``kind`` is one of :data:`perfrules.core._result.StepKind`)."""
    return Step(kind=kind, zh=zh, en=en)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# step texts (formatted when a step is first read)


def _texts(zh: str, en: str) -> tuple[str, str]:
    return zh, en


def input_texts(tgt: str, actual_text: str, weight: str) -> tuple[str, str]:
    """The first step of a quantitative method: target, actual and weight (``weight`` already shown)."""
    return (
        f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {weight}分",
        f"target {tgt}; actual {actual_text}; weight {weight}",
    )


def fixed_step(kind: StepKind, zh: str, en: str) -> Step:
    """A step whose texts are already known (kept as they are)."""
    return deferred_step(kind, _texts, zh, en)


def _clamp_high(num: int, den: int, weight: Decimal) -> tuple[str, str]:
    sr, sw = show(Fraction(num, den)), show_dec(weight)
    return (
        f"{sr} 超过分值，按分值上限 {sw} 计（{cite.CAP.text}）",
        f"{sr} exceeds the weight; capped at {sw}",
    )


def _clamp_low(num: int, den: int) -> tuple[str, str]:
    sr = show(Fraction(num, den))
    return f"{sr} 小于0，按0分计", f"{sr} is below 0; floored at 0"


def _round_exact(label_zh: str, score: Decimal) -> tuple[str, str]:
    ss = show_dec(score)
    return f"{label_zh} {ss}（无需舍入）", f"score {ss} (exact, no rounding)"


def _rounded(places: int, num: int, den: int, score: Decimal) -> tuple[str, str]:
    unit_zh = "取整数" if places == 0 else f"保留{places}位小数"
    unit_en = "to whole points" if places == 0 else f"to {places} decimal places"
    sr, ss = show(Fraction(num, den), 6), show_dec(score)
    return f"按四舍五入{unit_zh}：{sr} → {ss}", f"rounded half-up {unit_en}: {sr} → {ss}"


def _deduction(reason: str, reason_en: str) -> tuple[str, str]:
    return f"扣分原因：{reason}", f"deduction: {reason_en}"


def _rule(citation: Citation) -> tuple[str, str]:
    return f"依据：{citation}", f"rule: {citation.document} [{citation.id}]"


def ratio(num: int, den: int) -> Fraction:
    """The fraction ``num / den`` (``den`` ≠ 0)."""
    return Fraction(num, den)


_RULE_STEPS: dict[int, tuple[Citation, Step]] = {}


def rule_step(citation: Citation) -> Step:
    """The closing step of a method: the rule it applied (``依据：…``).

    One step per citation, shared by every result that cites it (a step is an
    immutable value: its text is formatted once, for all of them).
    """
    hit = _RULE_STEPS.get(id(citation))
    if hit is None or hit[0] is not citation:
        hit = (citation, deferred_step("rule", _rule, citation))
        if len(_RULE_STEPS) >= 256:
            _RULE_STEPS.clear()
        _RULE_STEPS[id(citation)] = hit
    return hit[1]


# ---------------------------------------------------------------------------
# clamp, round once, reason and citation


class Finisher:
    """:func:`finish` for one weight and quantum: the raw score as integers ``num / den`` (``den`` > 0).

    What depends only on the weight and the quantum (the weight as a ratio,
    the quantum's digits, the decimal places) is worked out once; the raw
    score stays two integers until a step's text needs the fraction.
    """

    __slots__ = ("weight", "wn", "wd", "quantum", "label_zh")

    def __init__(self, weight: Decimal, quantum: Decimal, label_zh: str = "得分") -> None:
        self.weight = weight
        self.wn, self.wd = weight.as_integer_ratio()
        self.quantum = quantum_of(quantum)
        self.label_zh = label_zh

    def __call__(
        self,
        num: int,
        den: int,
        steps: list[Step],
        *,
        met: bool | None,
        method: str,
        citation: Citation | None,
        why_zh: str,
        why_en: str,
        rule: Step | None = None,
    ) -> Scored:
        """Clamp to [0, weight], round once half-up, add the deduction and citation steps (``rule``: the latter)."""
        wn, wd = self.wn, self.wd
        if den < 0:
            num, den = -num, -den
        if num * wd > wn * den:
            steps.append(deferred_step("clamp", _clamp_high, num, den, self.weight))
            num, den = wn, wd
        elif num < 0:
            steps.append(deferred_step("clamp", _clamp_low, num, den))
            num, den = 0, 1
        q = self.quantum
        score = q.round_ratio(num, den)
        if q.exact(num, den):
            steps.append(deferred_step("round", _round_exact, self.label_zh, score))
        else:
            steps.append(deferred_step("round", _rounded, q.places, num, den, score))
        lost = self.weight - score
        reason = reason_en = None
        if lost > 0:
            reason, reason_en = deduction_reasons(why_zh, why_en, lost)
            steps.append(deferred_step("deduction", _deduction, reason, reason_en))
        if rule is not None:
            steps.append(rule)
        elif citation is not None:
            steps.append(rule_step(citation))
        return new_scored(score, met, method, tuple(steps), citation, reason, reason_en)


def deduction_reasons(why_zh: str, why_en: str, lost: Decimal) -> tuple[str, str]:
    """The 扣分原因 of a row that lost points, in Chinese and English; without a reason of the
    method's (``why_zh`` empty: the rule gave the full weight), the points were lost to rounding
    alone (``policy.weight_precision = "allow"``: a weight off its score grid, 4.4 → 4)."""
    shown = show_dec(lost)
    if not why_zh:
        why_zh, why_en = _ROUNDED_BELOW
    return f"{why_zh}，扣{shown}分", f"{why_en}; {shown} point(s) deducted"


_ROUNDED_BELOW = (
    "分值不是得分精度的整数倍，按得分精度四舍五入后低于分值",
    "the weight is not a multiple of the score precision and rounds half-up to below it",
)


def finish(
    raw: Fraction,
    weight: Decimal,
    quantum: Decimal,
    steps: list[Step],
    *,
    met: bool | None,
    method: str,
    citation: Citation | None,
    why_zh: str,
    why_en: str,
    label_zh: str = "得分",
) -> Scored:
    """Clamp to [0, weight], round once half-up, add the deduction and citation steps."""
    return Finisher(weight, quantum, label_zh)(
        raw.numerator,
        raw.denominator,
        steps,
        met=met,
        method=method,
        citation=citation,
        why_zh=why_zh,
        why_en=why_en,
    )


def count_steps(distance: Fraction, per: Fraction, partial: PartialStep) -> Fraction:
    """How many steps of size ``per`` a ``distance`` ≥ 0 makes under the declared partial-step rule."""
    steps = distance / per
    if partial is PartialStep.FLOOR:
        return Fraction(steps.__floor__())
    if partial is PartialStep.CEIL:
        return Fraction(steps.__ceil__())
    return steps


def band_holds(band: Band, value: Fraction) -> bool:
    """Whether ``value`` lies in the band, edges as declared."""
    if band.min is not None:
        lo = frac(band.min)
        if value < lo or (value == lo and not band.min_inclusive):
            return False
    if band.max is not None:
        hi = frac(band.max)
        if value > hi or (value == hi and not band.max_inclusive):
            return False
    return True


def _deducted(zh: str, en: str, points: Fraction, citation: Citation) -> tuple[str, str]:
    sp = show(points)
    return (
        f"扣减：{zh}，扣{sp}分（{citation.document}）",
        f"deducted: {en}; {sp} point(s) [{citation.id}]",
    )


def _floored(raw: Fraction) -> tuple[str, str]:
    sr = show(raw)
    return f"{sr} 小于0，扣完为止，按0分计", f"{sr} is below 0; floored at 0"


def _rounded_deductions(places: int, raw: Fraction, score: Decimal) -> tuple[str, str]:
    sr, ss = show(raw, 6), show_dec(score)
    return f"按四舍五入保留{places}位小数：{sr} → {ss}", f"rounded half-up: {sr} → {ss}"


def with_deductions(
    scored: Scored,
    weight: Decimal,
    quantum: Decimal,
    items: list[tuple[Fraction, str, str]],
    citation: Citation,
) -> Scored:
    """Subtract further deductions (overshoot, manual) from a method's score, each with its reason."""
    if not items:
        return scored
    steps = list(scored.steps)
    rule = steps.pop()  # the method's rule step stays last
    raw = frac(scored.score)
    reasons_zh = [scored.reason] if scored.reason else []
    reasons_en = [scored.reason_en] if scored.reason_en else []
    for points, zh, en in items:
        raw -= points
        steps.append(deferred_step("deduction", _deducted, zh, en, points, citation))
        reasons_zh.append(f"{zh}，扣{show(points)}分")
        reasons_en.append(f"{en}; {show(points)} point(s) deducted")
    if raw < 0:
        steps.append(deferred_step("clamp", _floored, raw))
        raw = Fraction(0)
    q = quantum_of(quantum)
    score = round_half_up(raw, quantum)
    if frac(score) != raw:
        steps.append(deferred_step("round", _rounded_deductions, q.places, raw, score))
    steps.append(rule)
    lost = score < weight  # a deduction that rounds away leaves no reason behind
    return Scored(
        score=score,
        met=scored.met,
        method=scored.method,
        steps=tuple(steps),
        citation=scored.citation,
        reason="；".join(reasons_zh) if lost else None,
        reason_en="; ".join(reasons_en) if lost else None,
    )
