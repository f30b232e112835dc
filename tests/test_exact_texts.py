"""The texts of exact numbers the document writers show: by integers, as the Decimal way writes them.

``show`` writes a fraction with at most ``places`` decimals exactly and any other rounded half-up
with "≈"; ``perfrules.core.number`` gives a Decimal's texts (its plain text, its step text, its
exact text) from its plain text where that is the same. Each is held to the reference it replaces.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from perfrules.core import exact_str, number, round_half_up, show, show_dec
from perfrules.core._exact import exact_ratio, show_ratio, show_ratio_once
from perfrules.model import format_decimal


def _reference(value: Fraction, places: int) -> str:
    """``show`` as the general path writes it: a terminating value with few enough decimals as
    its Decimal, anything else "≈" and rounded half-up through a Decimal quantum."""
    if value.denominator == 1:
        return str(value.numerator)
    d = value.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        k = 0
        while (value * 10**k).denominator != 1:
            k += 1
        if k <= places:
            return format_decimal(Decimal(value.numerator * 10**k // value.denominator).scaleb(-k))
    return "≈" + format_decimal(round_half_up(value, Decimal(1).scaleb(-places)))


_dens = st.one_of(
    st.integers(1, 10**6),
    st.sampled_from([3, 7, 9, 11, 6, 12, 16, 625, 1024, 3125, 10**7, 2**20, 5**9]),
)


@settings(max_examples=3000, deadline=None)
@given(st.integers(-(10**20), 10**20), _dens, st.sampled_from([0, 2, 4, 6]))
def test_a_ratio_is_shown_as_the_decimal_way_shows_it(num: int, den: int, places: int) -> None:
    value = Fraction(num, den)
    assert show(value, places) == _reference(value, places)
    assert show_ratio(num * 3, den * 3, places) == _reference(value, places)
    assert show_ratio_once(num * 3, den * 3, places) == _reference(value, places)


@settings(max_examples=500, deadline=None)
@given(st.integers(-(10**6), 10**6), st.sampled_from([0, 2, 4, 6]))
def test_halves_round_away_from_zero(n: int, places: int) -> None:
    """A tie (…5 past the last place) goes away from 0, as 四舍五入 does."""
    value = Fraction(2 * n + 1, 2 * 10**places)
    assert show(value, places) == _reference(value, places)


# Decimals as a table's cells and a spec write them, and the edges of the plain-text shortcut:
# 27 and 28 digits, many places, zero with an exponent, a negative zero
_decimals = st.one_of(
    st.builds(
        lambda c, e: Decimal(c).scaleb(e),
        st.integers(-(10**15), 10**15),
        st.integers(-10, 3),
    ),
    st.builds(
        lambda c, e: Decimal(c).scaleb(e),
        st.integers(10**25, 10**29) | st.integers(-(10**29), -(10**25)),
        st.integers(-8, 2),
    ),
    st.sampled_from(
        [
            Decimal("0"),
            Decimal("-0"),
            Decimal("0E-5"),
            Decimal("1E+3"),
            Decimal("12.50"),
            Decimal("0.00001"),
            Decimal("62500000000000000000000000.0625"),
            Decimal("9" * 27),
            Decimal("9" * 28),
            Decimal("0." + "0" * 26 + "1"),
        ]
    ),
)


@settings(max_examples=3000, deadline=None)
@given(_decimals)
def test_a_numbers_texts_are_the_fraction_ways(value: Decimal) -> None:
    made = number(value)
    exact = Fraction(value)
    assert made.value is value
    assert made.dec == show_dec(value)
    assert made.json == '"' + show_dec(value) + '"'
    assert made.shown == show(exact)
    assert made.exact == exact_str(exact)
    assert (made.num, made.den) == value.as_integer_ratio()


@settings(max_examples=2000, deadline=None)
@given(st.integers(-(10**20), 10**20), _dens)
def test_an_exact_ratio_is_exact_str_of_its_fraction(num: int, den: int) -> None:
    assert exact_ratio(num * 7, den * 7) == exact_str(Fraction(num, den))


def _format_reference(value: Decimal) -> str:
    """``format_decimal`` as it was first written: the exact fixed-point text, needless zeros off."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True),
        st.builds(
            lambda c, e: Decimal(c).scaleb(e),
            st.integers(-(10**30), 10**30),
            st.integers(-40, 12),
        ),
        st.sampled_from(
            [Decimal(t) for t in ("-0", "0E-7", "1E+2", "-0.000", "sNaN", "-NaN12", "-Infinity")]
        ),
    )
)
def test_format_decimal_writes_the_fixed_point_text(value: Decimal) -> None:
    """``format_decimal`` takes ``str`` where it writes no exponent: the same text as the exact
    fixed-point format for every Decimal (exponents either way, zeros, signs, infinities, NaN),
    also where the context writes exponents in lower case."""
    assert format_decimal(value) == _format_reference(value)
    with localcontext() as ctx:
        ctx.capitals = 0
        assert format_decimal(value) == _format_reference(value)
