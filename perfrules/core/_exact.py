"""Exact arithmetic helpers: every intermediate is a :class:`~fractions.Fraction`.

Scores are computed exactly (``w × a / t`` as a fraction) and rounded once,
half-up, to the quantum a rule declares. Rounding a fraction half-up is done
with integers, so no binary float and no limited-precision decimal context
ever touches a score.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules.model import format_decimal

_FRACTIONS: dict[Decimal | int, Fraction] = {}
_FRACTIONS_KEPT = 4096  # weights, targets and quanta repeat across indicators: their fractions are kept


def frac(value: Decimal | int) -> Fraction:
    """The exact fraction of a finite Decimal or int (the same value's fraction is made once)."""
    hit = _FRACTIONS.get(value)
    if hit is None:
        hit = Fraction(value)
        if len(_FRACTIONS) >= _FRACTIONS_KEPT:
            _FRACTIONS.clear()
        _FRACTIONS[value] = hit
    return hit


_EXACT_DIGITS = 10**28  # below this, Decimal(c).scaleb(-k) and normalize() are exact in the default context


def round_half_up(value: Fraction, quantum: Decimal) -> Decimal:
    """Round ``value`` to a multiple of ``quantum``, ties away from zero (四舍五入)."""
    _, q_digits, exponent = quantum.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"quantum {quantum} is not finite")
    # value / quantum as num / den with den > 0, in integers (a Fraction per step is slow)
    q_num, q_den = quantum.as_integer_ratio()
    num, den = value.numerator * q_den, value.denominator * q_num
    if den < 0:
        num, den = -num, -den
    n = (2 * abs(num) + den) // (2 * den)  # floor(|x| + 1/2)
    # Build n × quantum from its digits: Decimal multiplication and quantize
    # would round to the context precision (28 digits) or raise beyond it.
    coefficient = n * int("".join(map(str, q_digits)))
    negative = 1 if num < 0 and coefficient else 0
    return Decimal((negative, tuple(map(int, str(coefficient))), exponent))


def _places(denominator: int) -> int | None:
    """The decimal places of a fraction with this (reduced) denominator; None when it does not terminate."""
    twos = (denominator & -denominator).bit_length() - 1
    d = denominator >> twos
    fives = 0
    while d % 5 == 0:
        d //= 5
        fives += 1
    return max(twos, fives) if d == 1 else None


def is_terminating(value: Fraction) -> bool:
    """Whether ``value`` has a finite decimal expansion."""
    return _places(value.denominator) is not None


def to_decimal(value: Fraction) -> Decimal:
    """The exact Decimal of a terminating fraction (:class:`ValueError` otherwise)."""
    k = _places(value.denominator)
    if k is None:
        raise ValueError(f"{value} has no finite decimal expansion")
    # k is the least k with denominator | numerator × 10**k (the fraction is reduced)
    return Decimal(value.numerator * 10**k // value.denominator).scaleb(-k)


def exact_str(value: Fraction) -> str:
    """An exact, machine-readable text: a decimal when terminating, else ``p/q``."""
    if is_terminating(value):
        return format_decimal(to_decimal(value))
    return f"{value.numerator}/{value.denominator}"


def show(value: Fraction, places: int = 4) -> str:
    """Human text: exact when it has at most ``places`` decimals, else ``≈`` and rounded half-up."""
    k = _places(value.denominator)
    if k is not None and places >= 0:
        c = value.numerator * 10**k // value.denominator
        if -_EXACT_DIGITS < c < _EXACT_DIGITS:  # what the general path below gives, without Decimals
            if k == 0:
                return str(c)
            if k <= places:  # c has no trailing zero (k is the least), so k is the number of decimals
                digits = str(abs(c)).rjust(k + 1, "0")
                return f"{'-' if c < 0 else ''}{digits[:-k]}.{digits[-k:]}"
            return "≈" + format_decimal(round_half_up(value, Decimal(1).scaleb(-places)))
    if k is not None:
        dec = to_decimal(value)
        exp = dec.normalize().as_tuple().exponent
        if isinstance(exp, int) and -exp <= places:
            return format_decimal(dec)
    return "≈" + format_decimal(round_half_up(value, Decimal(1).scaleb(-places)))


def show_dec(value: Decimal) -> str:
    """Plain text of a Decimal (no exponent, no needless zeros)."""
    return format_decimal(value)


def places_of(quantum: Decimal) -> int:
    """Decimal places a quantum stands for (``0.01`` → 2, ``1`` → 0)."""
    exp = quantum.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def show_percent(rate: Fraction, quantum: Decimal) -> str:
    """A rate as a percentage rounded half-up to ``quantum`` points, e.g. ``94.48%``."""
    value = round_half_up(rate * 100, quantum)
    return f"{value:f}%"


def on_grid(value: Decimal, quantum: Decimal) -> bool:
    """Whether ``value`` is a multiple of ``quantum`` (a non-positive quantum is reported elsewhere: True)."""
    if quantum <= 0:
        return True
    return (frac(value) / frac(quantum)).denominator == 1
