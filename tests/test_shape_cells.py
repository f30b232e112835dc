"""The shape writer's fast reading of plainly written number cells equals its full reading."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from perfrules.batch._shape import _plain_cell, _read_cell

_HOSTILE = st.text(alphabet="0123456789.+- eE,²١０\t", max_size=30)


@st.composite
def _plain(draw: st.DrawFn) -> str:
    """A decimal written in ASCII digits, with or without a point, leading and trailing zeros."""
    whole = draw(st.from_regex(r"[0-9]{1,17}", fullmatch=True))
    if draw(st.booleans()):
        return whole
    return whole + "." + draw(st.from_regex(r"[0-9]{0,12}", fullmatch=True))


@given(st.one_of(_plain(), _HOSTILE))
@example("1234.50")
@example("0.0001")
@example("0.00001")
@example("999999999999999.9999")
@example("1000000000000000")
def test_a_plain_cell_reads_as_the_full_reader_reads_it(text: str) -> None:
    fast = _plain_cell(text)
    assert fast is None or fast == _read_cell(text)


@given(
    st.integers(1, 10**15 - 1),
    st.from_regex(r"[0-9]{0,3}[1-9]", fullmatch=True) | st.just(""),
    st.integers(0, 4),
)
def test_plain_positive_decimals_take_the_fast_reading(whole: int, part: str, zeros: int) -> None:
    text = f"{whole}.{part}{'0' * zeros}" if part or zeros else str(whole)
    fast = _plain_cell(text)
    assert fast is not None
    assert fast == _read_cell(text)
