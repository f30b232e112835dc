"""A plain CSV table's blocks are the csv reader's, cells and row numbers, whichever reader reads them
(pyarrow for a plain table without quotes, the csv reader otherwise)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

pytest.importorskip("pyarrow")

from perfrules.batch import _table, read_table  # noqa: E402

HEADER = ["unit", "indicator", "name", "actual", "note"]

# cells that stress both parsers: separators, quotes, padding, line breaks, non-ASCII text
_HOSTILE = st.lists(
    st.sampled_from(list('ab1.,"  \n\r\t\x00中文，“”—\u3000') + ["\r\n"]), max_size=8
).map("".join)
_CELL = st.one_of(st.sampled_from(["", "a", "1.5", " 2 ", "中文", "x y"]), _HOSTILE)
_UNIT = st.sampled_from(["u1", "u2", " u3", "单位甲"])


def _flat(blocks: list[_table.Block]) -> tuple[dict[str, list[str]], list[int]]:
    cols: dict[str, list[str]] = {}
    rows: list[int] = []
    for b in blocks:
        for c, v in b.columns.items():
            cols.setdefault(c, []).extend(v)
        rows.extend(b.rows)
    return cols, rows


def _both(path: Path) -> tuple[object, object] | None:
    """The table's blocks and the csv reader's blocks of the table at ``path``, if it is plain."""
    table = read_table(path)
    if not table.plain:
        return None
    by_csv = _table._csv_blocks(path, table.file, table.header, 3, False)
    return _flat(list(table.blocks(5))), _flat(list(by_csv))


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=st.lists(st.tuples(_UNIT, _CELL, _CELL, _CELL, _CELL), min_size=1, max_size=12).map(
        sorted
    ),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    raw=st.booleans(),
    small=st.booleans(),
)
def test_arrow_blocks_are_the_csv_readers(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    records: list[tuple[str, ...]],
    quoting: int,
    line_end: str,
    bom: bool,
    raw: bool,
    small: bool,
) -> None:
    out = io.StringIO()
    if raw:  # joined as typed, quotes and all: what a hand-edited file holds
        out.write(line_end.join(",".join(r) for r in [tuple(HEADER), *records]) + line_end)
    else:
        w = csv.writer(out, quoting=quoting, lineterminator=line_end)
        w.writerow(HEADER)
        w.writerows(records)
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8"))
    with monkeypatch.context() as mp:
        if small:  # many Arrow blocks, records cut between them
            mp.setattr(_table, "READ_BYTES", 64)
        got = _both(path)
    event("not plain" if got is None else "plain, quoted" if b'"' in path.read_bytes() else "plain")
    if got is not None:
        assert got[0] == got[1]


def test_a_plain_table_without_quotes_is_read_by_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No csv reader for a plain table without quotes; rows numbered from 2."""
    path = tmp_path / "t.csv"
    path.write_text("unit,indicator,note\r\nu1,a, x \r\nu1,b,\r\nu2,a,z\r\n", encoding="utf-8-sig")
    table = read_table(path)
    assert table.plain

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the csv reader read a plain table without quotes")

    monkeypatch.setattr(_table, "_csv_blocks", refuse)
    (block,) = list(table.blocks())
    assert block.rows == [2, 3, 4]
    assert block.columns == {
        "unit": ["u1", "u1", "u2"],
        "indicator": ["a", "b", "a"],
        "note": [" x ", "", "z"],
    }


def test_a_deferred_table_is_read_by_the_csv_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table opened without its scan (``scan=False``) was never checked as a whole: the csv reader
    reads it (the columnar runner checks such a table itself, as it reads it)."""
    path = tmp_path / "t.csv"
    path.write_text("unit,indicator,note\nu1,a,x\nu2,a,z\n", encoding="utf-8")
    table = read_table(path, scan=False)
    assert table.deferred and table.plain

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pyarrow read a table that was not scanned")

    monkeypatch.setattr(_table, "_arrow_csv_blocks", refuse)
    (block,) = list(table.blocks())
    assert block.rows == [2, 3]
    assert block.columns["note"] == ["x", "z"]
