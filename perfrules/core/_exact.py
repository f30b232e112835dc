"""Exact arithmetic helpers: every intermediate is a :class:`~fractions.Fraction`.

Scores are computed exactly (``w × a / t`` as a fraction) and rounded once,
half-up, to the quantum a rule declares. Rounding a fraction half-up is done
with integers, so no binary float and no limited-precision decimal context
ever touches a score.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import gcd

from perfrules.model import format_decimal

_FRACTIONS: dict[Decimal | int, Fraction] = {}
_FRACTIONS_KEPT = (
    4096  # weights, targets and quanta repeat across indicators: their fractions are kept
)


def frac(value: Decimal | int) -> Fraction:
    """The exact fraction of a finite Decimal or int (the same value's fraction is made once)."""
    hit = _FRACTIONS.get(value)
    if hit is None:
        hit = Fraction(value)
        if len(_FRACTIONS) >= _FRACTIONS_KEPT:
            _FRACTIONS.clear()
        _FRACTIONS[value] = hit
    return hit


_EXACT_DIGITS = (
    10**28
)  # below this, Decimal(c).scaleb(-k) and normalize() are exact in the default context


class Quantum:
    """A rounding quantum worked out once: its ratio, digits and exponent, and the scores already made at it.

    ``round_ratio`` rounds ``num / den`` half-up to a multiple of the quantum
    with integers only; the Decimal of a multiple is built once and kept (a
    score is usually one of a few values: the full weight, a tier's share).
    """

    __slots__ = ("value", "num", "den", "coefficient", "exponent", "places", "_made")

    def __init__(self, value: Decimal) -> None:
        _, digits, exponent = value.as_tuple()
        if not isinstance(exponent, int):
            raise ValueError(f"quantum {value} is not finite")
        self.value = value
        self.num, self.den = value.as_integer_ratio()
        self.coefficient = int("".join(map(str, digits)))
        self.exponent = exponent
        normal = value.normalize().as_tuple().exponent
        self.places = max(0, -normal) if isinstance(normal, int) else 0
        self._made: dict[int, Decimal] = {}

    def decimal(self, n: int) -> Decimal:
        """``n`` × the quantum, with the quantum's exponent (never a negative zero)."""
        hit = self._made.get(n)
        if hit is None:
            # Built from its digits: Decimal multiplication and quantize would round
            # to the context precision (28 digits) or raise beyond it.
            coefficient = n * self.coefficient
            hit = Decimal(
                (1 if coefficient < 0 else 0, tuple(map(int, str(abs(coefficient)))), self.exponent)
            )
            if len(self._made) >= _FRACTIONS_KEPT:
                self._made.clear()
            self._made[n] = hit
        return hit

    def round_ratio(self, num: int, den: int) -> Decimal:
        """``num / den`` (``den`` ≠ 0) rounded half-up to a multiple of the quantum, ties away from zero."""
        num, den = num * self.den, den * self.num  # value / quantum
        if den < 0:
            num, den = -num, -den
        if num >= 0:
            return self.decimal((2 * num + den) // (2 * den))
        return self.decimal(-((-2 * num + den) // (2 * den)))

    def truncate_ratio(self, num: int, den: int) -> Decimal:
        """``num / den`` (``den`` ≠ 0) cut toward zero to a multiple of the quantum (截尾, for display only)."""
        num, den = num * self.den, den * self.num  # value / quantum
        if den < 0:
            num, den = -num, -den
        return self.decimal(num // den if num >= 0 else -((-num) // den))

    def show_ratio(self, num: int, den: int, truncate: bool) -> Decimal:
        """The ratio as a rate is shown: truncated when the spec declares 截尾, else half-up."""
        return self.truncate_ratio(num, den) if truncate else self.round_ratio(num, den)

    def exact(self, num: int, den: int) -> bool:
        """Whether ``num / den`` is a multiple of the quantum (so rounding leaves it as it is)."""
        return (num * self.den) % (den * self.num) == 0


_QUANTA: dict[tuple[int, tuple[int, ...], int | str], Quantum] = {}


def quantum_of(value: Decimal) -> Quantum:
    """The :class:`Quantum` of ``value`` (one per exact representation: ``0.01`` and ``0.010`` differ)."""
    key = value.as_tuple()
    hit = _QUANTA.get(key)
    if hit is None:
        hit = Quantum(value)
        if len(_QUANTA) >= _FRACTIONS_KEPT:
            _QUANTA.clear()
        _QUANTA[key] = hit
    return hit


def round_half_up(value: Fraction, quantum: Decimal) -> Decimal:
    """Round ``value`` to a multiple of ``quantum``, ties away from zero (四舍五入)."""
    return quantum_of(quantum).round_ratio(value.numerator, value.denominator)


_PLACES: dict[int, int | None] = {}


def _places(denominator: int) -> int | None:
    """The decimal places of a fraction with this (reduced) denominator; None when it does not terminate."""
    k = _PLACES.get(denominator, -1)  # a miss is common (a ratio's denominator): no exception
    if k != -1:
        return k
    k = _count_places(denominator)
    if len(_PLACES) >= _FRACTIONS_KEPT:
        _PLACES.clear()
    _PLACES[denominator] = k
    return k


def _count_places(denominator: int) -> int | None:
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
    """An exact, machine-readable text: a decimal when terminating, else ``p/q`` (kept, as :func:`show`)."""
    key = (value.numerator, value.denominator)
    hit = _EXACT_TEXTS.get(key)
    if hit is None:
        if is_terminating(value):
            hit = format_decimal(to_decimal(value))
        else:
            hit = f"{value.numerator}/{value.denominator}"
        if len(_EXACT_TEXTS) >= _FRACTIONS_KEPT:
            _EXACT_TEXTS.clear()
        _EXACT_TEXTS[key] = hit
    return hit


_EXACT_TEXTS: dict[tuple[int, int], str] = {}


def exact_ratio(num: int, den: int) -> str:
    """``exact_str(Fraction(num, den))`` (``den`` > 0) without making the fraction when its text is kept."""
    g = gcd(num, den)
    if g != 1:
        num, den = num // g, den // g
    hit = _EXACT_TEXTS.get((num, den))
    if hit is not None:
        return hit
    k = _places(den)
    if k is not None:
        c = num * 10**k // den  # exact; no trailing zero when k > 0 (k is the least)
        if -_EXACT_DIGITS < c < _EXACT_DIGITS:  # what to_decimal and format_decimal give
            return str(c) if k == 0 else _plain(c, k)
        return exact_str(Fraction(num, den))
    return f"{num}/{den}"  # exact_str's text of a fraction that does not terminate


def show(value: Fraction, places: int = 4) -> str:
    """Human text: exact when it has at most ``places`` decimals, else ``≈`` and rounded half-up.

    The text of a value is made once while it is kept (an actual or a target is shown in several
    steps of its row).
    """
    num, den = value.numerator, value.denominator
    key = (num, den, places)
    hit = _SHOWN_FRACTIONS.get(key)
    if hit is None:
        hit = _show(num, den, value, places)
        if len(_SHOWN_FRACTIONS) >= _FRACTIONS_KEPT:
            _SHOWN_FRACTIONS.clear()
        _SHOWN_FRACTIONS[key] = hit
    return hit


_SHOWN_FRACTIONS: dict[tuple[int, int, int], str] = {}


def show_ratio(num: int, den: int, places: int = 4) -> str:
    """``show(Fraction(num, den), places)`` (``den`` > 0) without making the fraction when its text is kept."""
    g = gcd(num, den)
    if g != 1:
        num, den = num // g, den // g
    key = (num, den, places)
    hit = _SHOWN_FRACTIONS.get(key)
    if hit is None:
        hit = _show(num, den, None, places)
        if len(_SHOWN_FRACTIONS) >= _FRACTIONS_KEPT:
            _SHOWN_FRACTIONS.clear()
        _SHOWN_FRACTIONS[key] = hit
    return hit


def show_ratio_once(num: int, den: int, places: int = 4) -> str:
    """``show_ratio(num, den, places)`` (``den`` > 0) of a ratio that seldom comes again (a unit's
    own actual over its own target, a sum of its scores): made without the kept texts, whose
    lookup and keeping cost more than they save there (and would push out texts that do come
    again)."""
    g = gcd(num, den)
    if g != 1:
        num, den = num // g, den // g
    return _show(num, den, None, places)


def _plain(c: int, k: int) -> str:
    """``c`` × 10^-k written plainly (``k`` > 0; ``c`` without a trailing zero: k decimals)."""
    digits = str(abs(c)).rjust(k + 1, "0")
    return f"{'-' if c < 0 else ''}{digits[:-k]}.{digits[-k:]}"


def _show(num: int, den: int, value: Fraction | None, places: int) -> str:
    """The text of ``show``; ``value`` the fraction ``num / den`` (reduced), or None (made if needed)."""
    if den == 1 and -_EXACT_DIGITS < num < _EXACT_DIGITS and places >= 0:
        return str(num)
    k = _places(den)
    if k is not None and places >= 0:
        c = num * 10**k // den
        if (
            -_EXACT_DIGITS < c < _EXACT_DIGITS
        ):  # what the general path below gives, without Decimals
            if k == 0:
                return str(c)
            if (
                k <= places
            ):  # c has no trailing zero (k is the least), so k is the number of decimals
                return _plain(c, k)
            return "≈" + _rounded(num, den, places)
    if k is None and places >= 0:  # what the general path below gives, without a Fraction
        return "≈" + _rounded(num, den, places)
    if value is None:
        value = Fraction(num, den)
    if k is not None:
        dec = to_decimal(value)
        exp = dec.normalize().as_tuple().exponent
        if isinstance(exp, int) and -exp <= places:
            return format_decimal(dec)
    return "≈" + format_decimal(round_half_up(value, Decimal(1).scaleb(-places)))


def _rounded(num: int, den: int, places: int) -> str:
    """``show_dec(quantum_of(Decimal(1).scaleb(-places)).round_ratio(num, den))`` (``den`` > 0,
    ``places`` ≥ 0) by integers: ``num / den`` rounded half-up (ties away from 0) to ``places`` decimals, written
    plainly without needless zeros."""
    scaled = num * 10**places
    if scaled >= 0:
        n = (2 * scaled + den) // (2 * den)
    else:
        n = -((-2 * scaled + den) // (2 * den))
    if n == 0:
        return "0"
    while places and n % 10 == 0:
        n //= 10
        places -= 1
    return str(n) if places == 0 else _plain(n, places)


_SHOWN_DEC: dict[Decimal, str] = {}


def show_dec(value: Decimal) -> str:
    """Plain text of a Decimal (no exponent, no needless zeros).

    The text of a value is made once (weights, scores and targets repeat in
    every step that names them): equal non-zero Decimals read the same
    (``2.50`` and ``2.5`` are ``2.5``); zero is not kept (``-0`` reads ``-0``).
    """
    if not value:
        return format_decimal(value)
    try:
        hit = _SHOWN_DEC.get(value)
    except TypeError:  # a signalling NaN has no hash
        return format_decimal(value)
    if hit is None:
        hit = format_decimal(value)
        if len(_SHOWN_DEC) >= _FRACTIONS_KEPT:
            _SHOWN_DEC.clear()
        _SHOWN_DEC[value] = hit
    return hit


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
