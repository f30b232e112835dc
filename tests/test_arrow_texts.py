"""The CSV reader's Arrow columns as Python texts (``perfrules.batch._table._texts``).

A column's texts go to the per-unit cells (the pure path and the shape writers); a column that
repeats its texts is read through Arrow's dictionary, so that each text is one object. Whatever
the column, the list must equal ``to_pylist()``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")

from perfrules.batch._table import _texts  # noqa: E402

_CELLS = st.text(alphabet=st.sampled_from(' ab1.≥产出指标%\t"'), max_size=5)


@settings(deadline=None)  # the first call imports pyarrow.compute
@given(
    st.lists(_CELLS, min_size=1, max_size=6),
    st.lists(st.integers(0, 5), max_size=80),
    st.integers(0, 10),
)
def test_texts_are_the_columns_cells(values: list[str], picks: list[int], cut: int) -> None:
    """Few texts or many, a column sliced or not: the cells in order, as ``to_pylist``."""
    cells = [values[p % len(values)] for p in picks] + values
    column = pa.array(cells, pa.string()).slice(min(cut, len(cells)))
    assert _texts(column) == column.to_pylist()


def test_a_repeated_text_is_one_object() -> None:
    column = pa.array(["产出指标", "ratio", "产出指标"] * 20, pa.string())
    texts = _texts(column)
    assert texts == column.to_pylist()
    assert texts[0] is texts[2] is texts[-3] and texts[1] is texts[4]


def test_mostly_distinct_texts_are_read_one_by_one() -> None:
    column = pa.array([f"{k / 100:.2f}" for k in range(200)] + ["0.00"], pa.string())
    assert _texts(column) == column.to_pylist()
