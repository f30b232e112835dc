"""The answer to "why not full marks?" and the pieces every method's answer is made of.

:class:`FullMarks` is what a result carries; :func:`slack`, :func:`bound`
and :func:`fm` are shared by the scoring methods' why-not inverses (each in
its module of :mod:`perfrules.core.methods`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from perfrules.core._exact import frac, show_ratio, show_ratio_once


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
    return bound_ratio(value.numerator, value.denominator, cmp, places)


def bound_ratio(num: int, den: int, cmp: str, places: int = 4) -> str:
    """:func:`bound` of ``num / den`` (``den`` > 0), without making the fraction."""
    scale = 10**places
    scaled = num * scale
    if scaled % den == 0:
        return show_ratio(num, den, places)
    n = -(-scaled // den) if cmp in ("≥", ">") else scaled // den
    return show_ratio_once(n, scale, places)  # n: the unit's own bound


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
    zh, en = fm_texts(bound(threshold, cmp), cmp, unit, what_zh, what_en, extra_zh, extra_en)
    return FullMarks(threshold=threshold, comparator=cmp, zh=zh, en=en)


def fm_texts(
    shown: str,
    cmp: str,
    unit: str,
    what_zh: str,
    what_en: str,
    extra_zh: str = "",
    extra_en: str = "",
) -> tuple[str, str]:
    """The sentences of :func:`fm`, given the threshold's text ``shown`` (as :func:`bound` shows it)."""
    return (
        f"{what_zh}{cmp}{shown}{unit}即可得满分{extra_zh}",
        f"full marks with {what_en} {cmp} {shown}{unit}{extra_en}",
    )


def low_en(low: Fraction, unit: str) -> str:
    """English lower bound text."""
    return f"an actual ≥ {bound(low, '≥')}{unit}"
