"""Scored rows as texts: what a scoring method's fast branch returns for the batch's document writer.

The full-document batch (``--audit-level full``) writes one JSON line per unit;
for the rows a method can score straight to text (its *fast branch*, a
function at the end of the method's module), no :class:`~perfrules.core.Step`,
:class:`~perfrules.core.IndicatorResult` or :class:`~perfrules.core.Evaluation`
is made: the branch returns a :class:`RowTexts` (the score and the step texts,
formatted by the very render functions the Step path uses) and
:mod:`perfrules.core._fastdoc` writes the line. A branch that does not cover a
row returns ``None`` and the unit takes the ordinary path.

:func:`finish_texts` is :class:`~perfrules.core._scoring.Finisher` with texts:
clamp, round once half-up, the deduction reason and step, the rule step.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from perfrules.core._citations import Citation
from perfrules.core._exact import Quantum
from perfrules.core._scoring import (
    _clamp_high,
    _clamp_low,
    _deduction,
    _round_exact,
    _rounded,
    deduction_reasons,
)

deduction_texts = _deduction  # the 扣分原因 step's texts: (reason, reason_en) → (zh, en)
clamp_low_texts = _clamp_low  # the floor's step texts of a raw score below 0: (num, den) → (zh, en)
reasons = (
    deduction_reasons  # the 扣分原因 of a row that lost points: (why_zh, why_en, lost) → (zh, en)
)

StepText = tuple[str, str, str]
"""One step as text: ``(kind, zh, en)``."""


class RowTexts(NamedTuple):
    """A row scored straight to text: :class:`~perfrules.core._scoring.Scored` with step texts."""

    score: Decimal
    met: bool | None
    method: str
    steps: list[StepText]
    citation: Citation | None  # its rule step is the last step (when not None)
    reason: str | None
    reason_en: str | None


def finish_texts(
    weight: Decimal,
    quantum: Quantum,
    num: int,
    den: int,
    steps: list[StepText],
    *,
    met: bool | None,
    method: str,
    citation: Citation | None,
    why_zh: str,
    why_en: str,
    label_zh: str = "得分",
) -> RowTexts:
    """``Finisher(weight, quantum)(num, den, steps, …)`` with texts; the citation's rule step is left to the writer."""
    wn, wd = weight.as_integer_ratio()
    if den < 0:
        num, den = -num, -den
    if num * wd > wn * den:
        steps.append(("clamp", *_clamp_high(num, den, weight)))
        num, den = wn, wd
    elif num < 0:
        steps.append(("clamp", *_clamp_low(num, den)))
        num, den = 0, 1
    score = quantum.round_ratio(num, den)
    steps.append(round_step(quantum.places, quantum.exact(num, den), num, den, score, label_zh))
    lost = weight - score
    reason = reason_en = None
    if lost > 0:
        reason, reason_en = reasons(why_zh, why_en, lost)
        steps.append(("deduction", *_deduction(reason, reason_en)))
    return RowTexts(score, met, method, steps, citation, reason, reason_en)


def round_step(
    places: int, exact: bool, num: int, den: int, score: Decimal, label_zh: str = "得分"
) -> StepText:
    """The rounding step of a raw score ``num / den`` (den > 0) rounded to ``score``."""
    if exact:
        return ("round", *_round_exact(label_zh, score))
    return ("round", *_rounded(places, num, den, score))
