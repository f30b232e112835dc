"""What every scoring method shares: the scored result, clamping and the one rounding, extra deductions.

The methods themselves live in :mod:`perfrules.core.methods`, one module
each. Every function here is pure: exact fractions in, a Decimal score
rounded once (half-up, at the declared quantum) out, with bilingual steps
and the rule's citation.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import frac, places_of, round_half_up, show, show_dec
from perfrules.core._result import Step
from perfrules.model import Band, PartialStep


@attrs.frozen(kw_only=True)
class Scored:
    """What a scoring method returns."""

    score: Decimal
    met: bool | None
    method: str
    steps: tuple[Step, ...]
    citation: Citation
    reason: str | None
    reason_en: str | None


def make_step(kind: str, zh: str, en: str) -> Step:
    """One explanation step (``kind`` is one of :data:`perfrules.core._result.StepKind`)."""
    return Step(kind=kind, zh=zh, en=en)  # type: ignore[arg-type]


def finish(
    raw: Fraction,
    weight: Decimal,
    quantum: Decimal,
    steps: list[Step],
    *,
    met: bool | None,
    method: str,
    citation: Citation,
    why_zh: str,
    why_en: str,
    label_zh: str = "得分",
) -> Scored:
    """Clamp to [0, weight], round once half-up, add the deduction and citation steps."""
    w = frac(weight)
    if raw > w:
        steps.append(make_step("clamp", f"{show(raw)} 超过分值，按分值上限 {show_dec(weight)} 计（{cite.CAP.text}）",
                               f"{show(raw)} exceeds the weight; capped at {show_dec(weight)}"))  # fmt: skip
        raw = w
    elif raw < 0:
        steps.append(make_step("clamp", f"{show(raw)} 小于0，按0分计", f"{show(raw)} is below 0; floored at 0"))
        raw = Fraction(0)
    score = round_half_up(raw, quantum)
    places = places_of(quantum)
    if frac(score) == raw:
        steps.append(make_step("round", f"{label_zh} {show_dec(score)}（无需舍入）", f"score {show_dec(score)} (exact, no rounding)"))
    else:
        unit_zh = "取整数" if places == 0 else f"保留{places}位小数"
        unit_en = "to whole points" if places == 0 else f"to {places} decimal places"
        steps.append(make_step("round", f"按四舍五入{unit_zh}：{show(raw, 6)} → {show_dec(score)}",
                               f"rounded half-up {unit_en}: {show(raw, 6)} → {show_dec(score)}"))  # fmt: skip
    lost = weight - score
    reason = reason_en = None
    if lost > 0:
        reason = f"{why_zh}，扣{show_dec(lost)}分"
        reason_en = f"{why_en}; {show_dec(lost)} point(s) deducted"
        steps.append(make_step("deduction", f"扣分原因：{reason}", f"deduction: {reason_en}"))
    steps.append(make_step("rule", f"依据：{citation}", f"rule: {citation.document} [{citation.id}]"))
    return Scored(score=score, met=met, method=method, steps=tuple(steps), citation=citation,
                  reason=reason, reason_en=reason_en)  # fmt: skip


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


def with_deductions(
    scored: Scored, weight: Decimal, quantum: Decimal, items: list[tuple[Fraction, str, str]], citation: Citation
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
        steps.append(make_step("deduction", f"扣减：{zh}，扣{show(points)}分（{citation.document}）",
                               f"deducted: {en}; {show(points)} point(s) [{citation.id}]"))  # fmt: skip
        reasons_zh.append(f"{zh}，扣{show(points)}分")
        reasons_en.append(f"{en}; {show(points)} point(s) deducted")
    if raw < 0:
        steps.append(make_step("clamp", f"{show(raw)} 小于0，扣完为止，按0分计", f"{show(raw)} is below 0; floored at 0"))
        raw = Fraction(0)
    score = round_half_up(raw, quantum)
    if frac(score) != raw:
        steps.append(make_step("round", f"按四舍五入保留{places_of(quantum)}位小数：{show(raw, 6)} → {show_dec(score)}",
                               f"rounded half-up: {show(raw, 6)} → {show_dec(score)}"))  # fmt: skip
    steps.append(rule)
    lost = score < weight  # a deduction that rounds away leaves no reason behind
    return Scored(score=score, met=scored.met, method=scored.method, steps=tuple(steps), citation=scored.citation,
                  reason="；".join(reasons_zh) if lost else None,
                  reason_en="; ".join(reasons_en) if lost else None)  # fmt: skip
