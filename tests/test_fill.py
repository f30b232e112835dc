"""``Fill`` (perfrules.core._fill): a template compiled once gives what ``str.format`` gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrules.core._fill import Fill, pieces

_TEXT = st.text(alphabet=st.sampled_from('ab{}"\\，年度指标值≥%'), max_size=6)


@st.composite
def _templates(draw: st.DrawFn) -> tuple[str, int]:
    """A ``str.format`` template of bare positional fields (braces doubled in its texts)."""
    n = draw(st.integers(0, 6))
    parts = draw(st.lists(st.one_of(_TEXT, st.integers(0, max(n - 1, 0))), max_size=12))
    fmt = "".join(
        p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{" + str(p) + "}"
        for p in parts
        if isinstance(p, str) or n
    )
    return fmt, n


@given(_templates(), st.lists(_TEXT, min_size=6, max_size=6))
def test_fill_is_str_format(template: tuple[str, int], values: list[str]) -> None:
    fmt, _ = template
    assert Fill.format(fmt).fill(values) == fmt.format(*values)


@given(
    st.lists(st.one_of(_TEXT, st.integers(0, 5)), max_size=12),
    st.lists(_TEXT, min_size=6, max_size=6),
)
def test_fill_of_pieces_joins_texts_and_values(parts: list[str | int], values: list[str]) -> None:
    want = "".join(p if isinstance(p, str) else values[p] for p in parts)
    assert Fill(parts).fill(values) == want


_VALUE = st.text(alphabet=st.sampled_from('ab"\\，年度指标值≥%\x00\n'), max_size=6)


@given(
    st.lists(st.one_of(_TEXT, st.integers(0, 5)), max_size=12),
    st.lists(_VALUE, min_size=6, max_size=6),
)
def test_fill_bytes_is_the_fills_utf8(parts: list[str | int], values: list[str]) -> None:
    """``fill_bytes`` (literals kept encoded, values encoded together and split at NULs) gives
    the UTF-8 of ``fill`` for any texts and values, a value holding a NUL or Chinese among them."""
    fill = Fill(parts)
    assert fill.fill_bytes(values) == fill.fill(values).encode()


def test_pieces_keep_braces_and_field_numbers() -> None:
    assert pieces('{{"a":{0}}},{1}{1}') == ['{"a":', 0, "},", 1, 1]
    assert Fill(pieces("x{2}")).fields == (2,)
    assert Fill(pieces("{2}x{0}{2}")).uses == {0, 2}


@pytest.mark.parametrize("fmt", ["{}", "{a}", "{0:>3}", "{0!r}", "{0[1]}"])
def test_a_field_other_than_a_bare_number_is_refused(fmt: str) -> None:
    with pytest.raises(ValueError):
        pieces(fmt)


def test_a_negative_field_number_is_refused() -> None:
    with pytest.raises(ValueError, match="never negative"):
        Fill(["a", -1])
