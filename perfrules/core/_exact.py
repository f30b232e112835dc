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


def frac(value: Decimal | int) -> Fraction:
    """The exact fraction of a finite Decimal or int."""
    return Fraction(value)


def round_half_up(value: Fraction, quantum: Decimal) -> Decimal:
    """Round ``value`` to a multiple of ``quantum``, ties away from zero (四舍五入)."""
    q = Fraction(quantum)
    steps = value / q
    sign = -1 if steps < 0 else 1
    n = (abs(steps) * 2 + 1) // 2  # floor(|x| + 1/2)
    # Build n × quantum from its digits: Decimal multiplication and quantize
    # would round to the context precision (28 digits) or raise beyond it.
    _, q_digits, exponent = quantum.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"quantum {quantum} is not finite")
    coefficient = n * int("".join(map(str, q_digits)))
    negative = 1 if sign < 0 and coefficient else 0
    return Decimal((negative, tuple(map(int, str(coefficient))), exponent))


def is_terminating(value: Fraction) -> bool:
    """Whether ``value`` has a finite decimal expansion."""
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def to_decimal(value: Fraction) -> Decimal:
    """The exact Decimal of a terminating fraction (:class:`ValueError` otherwise)."""
    if not is_terminating(value):
        raise ValueError(f"{value} has no finite decimal expansion")
    k = 0
    while (value.numerator * 10**k) % value.denominator:
        k += 1
    return Decimal(value.numerator * 10**k // value.denominator).scaleb(-k)


def exact_str(value: Fraction) -> str:
    """An exact, machine-readable text: a decimal when terminating, else ``p/q``."""
    if is_terminating(value):
        return format_decimal(to_decimal(value))
    return f"{value.numerator}/{value.denominator}"


def show(value: Fraction, places: int = 4) -> str:
    """Human text: exact when it has at most ``places`` decimals, else ``≈`` and rounded half-up."""
    if is_terminating(value):
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
