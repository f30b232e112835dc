"""The answer to "why not full marks?" and the pieces every method's answer is made of.

:class:`FullMarks` is what a result carries; :func:`slack`, :func:`bound`
and :func:`fm` are shared by the scoring methods' why-not inverses (each in
its module of :mod:`perfrules.core.methods`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from perfrules.core._exact import frac, show


@attrs.frozen(kw_only=True)
class FullMarks:
    """The condition on the actual that earns the full weight under the same rule.

    ``threshold`` and ``comparator`` (``≥``, ``>``, ``≤``, ``<``, ``=``) state it
    exactly when one bound suffices; ``None`` when it is not a single bound
    (e.g. a qualitative tier, or no value earns full marks).
    """

    threshold: Fraction | None
    comparator: str | None
    zh: str
    en: str


_SLACK: dict[tuple[Decimal, Decimal], Fraction] = {}


def slack(weight: Decimal, quantum: Decimal) -> Fraction:
    """w − q/2: the smallest raw score that rounds half-up to the full weight, as a share of w."""
    key = (weight, quantum)  # by value: equal Decimals give the same fraction
    hit = _SLACK.get(key)
    if hit is None:
        w = frac(weight)
        hit = (w - frac(quantum) / 2) / w
        if len(_SLACK) >= 4096:
            _SLACK.clear()
        _SLACK[key] = hit
    return hit


def bound(value: Fraction, cmp: str, places: int = 4) -> str:
    """A bound shown at ``places`` decimals, rounded on the safe side (up for ≥/>, down for ≤/<)."""
    scale = 10**places
    scaled = value * scale
    if scaled.denominator == 1:
        return show(value, places)
    n = scaled.__ceil__() if cmp in ("≥", ">") else scaled.__floor__()
    return show(Fraction(n, scale), places)


def fm(
    threshold: Fraction,
    cmp: str,
    unit: str,
    what_zh: str,
    what_en: str,
    extra_zh: str = "",
    extra_en: str = "",
) -> FullMarks:
    """Full marks with the actual ``cmp`` ``threshold``, in both languages."""
    shown = bound(threshold, cmp)
    return FullMarks(
        threshold=threshold,
        comparator=cmp,
        zh=f"{what_zh}{cmp}{shown}{unit}即可得满分{extra_zh}",
        en=f"full marks with {what_en} {cmp} {shown}{unit}{extra_en}",
    )


def low_en(low: Fraction, unit: str) -> str:
    """English lower bound text."""
    return f"an actual ≥ {bound(low, '≥')}{unit}"
