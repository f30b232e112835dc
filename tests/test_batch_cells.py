"""Fast paths of the columnar cells and writers: a test over the data buffer decides only when nothing can match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

from conftest import without_ctext  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from perfrules._safe_text import FORMULA_START, neutralise  # noqa: E402
from perfrules.batch._cells import parse  # noqa: E402
from perfrules.batch._write import TableWriter  # noqa: E402


@pytest.mark.parametrize("odd", ["1e5", "1E5", " 5", "5 ", "1 0"])
@pytest.mark.parametrize("offset", [0, 2])
def test_exponents_and_blanks_are_never_numbers_of_the_kernel(odd: str, offset: int) -> None:
    cells = pa.array(["x", "7", "1.25", odd, "", "30"]).slice(offset)
    got = parse(cells)
    texts = cells.to_pylist()
    assert got.ok.tolist() == [t not in (odd, "", "x") for t in texts]
    assert got.value.tolist() == [{"7": 700, "1.25": 125, "30": 3000}.get(t, 0) for t in texts]


def test_a_column_without_exponents_or_blanks_parses_exactly() -> None:
    got = parse(pa.array(["12", "0.5", "", "003.10"]).slice(1))
    assert (got.value.tolist(), got.ok.tolist(), got.scale) == (
        [50, 0, 310],
        [True, False, True],
        2,
    )


@pytest.mark.parametrize("start", FORMULA_START)
def test_the_csv_writer_neutralises_every_formula_start(start: str, tmp_path: Path) -> None:
    cells = pa.array(["a", None, "", f"{start}cmd", "b", "-5", "中"])
    for offset in (0, 1, 3):
        out = tmp_path / f"t{offset}.csv"
        w = TableWriter(out, ["unit", "status"], use_pyarrow=True)
        part = cells.slice(offset)
        w.write({"unit": part, "status": part})
        w.commit()
        rows = out.read_bytes().decode().split("\n")[1:-1]  # a cell may hold a carriage return
        texts = part.to_pylist()
        want = ["" if t is None else '"' + neutralise(t).replace('"', '""') + '"' for t in texts]
        assert rows == [f"{v},{v}" for v in want]
        assert f"'{start}cmd" in out.read_bytes().decode()


def test_cells_that_only_look_alike_are_left_as_they_are(tmp_path: Path) -> None:
    # no first byte is a formula start: "中" and "a=b" hold such bytes elsewhere only
    out = tmp_path / "t.csv"
    w = TableWriter(out, ["unit"], use_pyarrow=True)
    w.write({"unit": pa.array(["a=b", "中", "x-1", "x+1"])})
    w.commit()
    assert out.read_text(encoding="utf-8").splitlines()[1:] == ['"a=b"', '"中"', '"x-1"', '"x+1"']


@pytest.mark.parametrize("start", FORMULA_START)
def test_a_slice_is_read_from_its_own_first_cell(start: str, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    w = TableWriter(out, ["unit"], use_pyarrow=True)
    w.write({"unit": pa.array(["a", "b", "c", f"{start}cmd"]).slice(3)})
    w.commit()
    assert out.read_bytes().decode().split("\n")[1:-1] == [f'"\'{start}cmd"']


@pytest.mark.parametrize("compiled", [True, False], ids=["C", "NumPy"])
def test_the_first_byte_test_reads_a_slice_from_its_own_first_cell(
    compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfrules.batch import _write
    from perfrules.batch._write import _may_start_a_formula

    if compiled and _write._ctext is None:
        pytest.skip("perfrules.batch._ctext was not built")
    if not compiled:
        monkeypatch.setattr(_write, "_ctext", None)
    cells = pa.array(["a", "=b", "c", "", None, "-1"])
    assert [_may_start_a_formula(cells.slice(k, 1)) for k in range(6)] == [
        False,
        True,
        False,
        False,
        False,
        True,
    ]
    assert not _may_start_a_formula(cells.slice(2, 3))
    assert _may_start_a_formula(pa.array(["x"] * 1000 + ["@y"] + ["z"] * 10))
    assert not _may_start_a_formula(pa.array(["x=1", "中", "", " +1"]))


@given(st.lists(st.one_of(st.none(), st.text(max_size=3)), max_size=12), st.integers(0, 3))
def test_the_first_byte_test_is_the_python_test(cells: list[str | None], pad: int) -> None:
    """C and NumPy say what the cells' own first characters say (a slice read from its offset)."""
    from perfrules.batch import _write

    arr = pa.array(["="] * pad + cells, type=pa.string()).slice(pad)
    want = any(c is not None and c[:1] in FORMULA_START for c in cells)
    assert _write._may_start_a_formula(arr) == want
    with without_ctext(_write):
        assert _write._may_start_a_formula(arr) == want


def _decimal_text(value: int, places: int) -> str:
    from decimal import Decimal

    return str(Decimal(value).scaleb(-places))


@pytest.mark.parametrize("places", range(7))
def test_result_texts_are_str_of_decimal_on_both_sides_of_the_lookup_table(places: int) -> None:
    import numpy as np

    from perfrules.batch._cells import LOOKUP_HALF, fmt

    edge = [-LOOKUP_HALF - 1, -LOOKUP_HALF, -1, 0, 1, 7, 10**places, LOOKUP_HALF - 1, LOOKUP_HALF]
    small = [v for v in edge if -LOOKUP_HALF <= v < LOOKUP_HALF]
    for values in (small, edge, [*small, 10**15]):  # the table, and the cast (one value outside it)
        got = fmt(np.array(values, dtype=np.int64), places).to_pylist()
        assert got == [_decimal_text(v, places) for v in values]


def test_signed_differences_at_mixed_places_keep_their_sign_and_places() -> None:
    import numpy as np

    from perfrules.batch._cells import _fmt_signed, fmt_places

    rng = np.random.default_rng(5)
    for big in (10, 5_000, 10**9):  # inside the lookup table and beyond it
        scale = 3
        places = rng.integers(0, scale + 1, 400)
        diff = rng.integers(-big, big, 400)
        diff -= diff % 10 ** (scale - places)  # exactly ``places`` decimals at ``scale``
        want = [
            ("-" if d < 0 else "") + _decimal_text(abs(int(d)) // 10 ** (scale - int(p)), int(p))
            for d, p in zip(diff.tolist(), places.tolist(), strict=True)
        ]
        assert _fmt_signed(diff, places, scale).to_pylist() == want
        mags = np.abs(diff)
        assert fmt_places(mags, places, scale).to_pylist() == [w.lstrip("-") for w in want]


def test_the_columnar_tally_counts_as_the_row_by_row_tally() -> None:
    # Tally.add is the reference: same units, grades, points and units losing them, in first-seen order
    from perfrules.batch._columnar import tally_arrays
    from perfrules.batch._summary import Tally

    units: dict[str, list[str | None]] = {
        "status": ["ok", "error", "ok", "ok", "ok"],
        "grade": ["良", None, "差", "良", "优"],
    }
    indicators: dict[str, list[str | None]] = {
        "indicator": ["b", "a", "a", "c", "c", "c", "a", "b", "e", "e", "f", "a"],
        "lost": ["1.50", None, "-0.5", None, "0", "0.00", "2", "3.125", "1.5", "0.25", "0", "0.1"],
    }
    want, got = Tally(), Tally()
    want.add(units, indicators)
    tally_arrays(
        got,
        {c: pa.array(v, type=pa.string()) for c, v in units.items()},
        {c: pa.array(v, type=pa.string()) for c, v in indicators.items()},
    )
    assert (got.units, got.scored) == (want.units, want.scored) == (5, 4)
    assert list(got.grades.items()) == list(want.grades.items())
    assert list(got.points.items()) == list(want.points.items())
    assert [str(v) for v in got.points.values()] == [str(v) for v in want.points.values()]
    assert list(got.losing.items()) == list(want.losing.items())


_POOL = ["", "7", "1.25", "003.10", "0.000001", "12.5", "999999999999", "1000000000000", "-3"]
_ODD = ["1e5", " 5", "x", "1.1234567", "1,5"]  # the cast rejects some: the regex decides then


@pytest.mark.parametrize("odd", [None, *_ODD])
@pytest.mark.parametrize("offset", [0, 3])
def test_parsing_by_distinct_texts_gives_what_the_cell_by_cell_parse_gives(
    odd: str | None, offset: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from decimal import Decimal

    import numpy as np

    import perfrules.batch._cells as cells_mod

    rng = np.random.default_rng(11)
    pool = _POOL + ([odd] if odd is not None else [])
    cells = pa.array([pool[i] for i in rng.integers(0, len(pool), 9000)]).slice(offset)
    chosen: list[bool] = []
    few = cells_mod._few_distinct

    def spy(texts: Any) -> bool:
        chosen.append(few(texts))
        return chosen[-1]

    monkeypatch.setattr(cells_mod, "_few_distinct", spy)
    by_distinct = parse(cells)
    assert chosen == [True]  # a column of a few texts repeated is read by its distinct texts
    monkeypatch.setattr(cells_mod, "_few_distinct", lambda texts: False)
    by_cell = parse(cells)
    for field in ("value", "ok", "empty", "places"):
        assert getattr(by_distinct, field).tolist() == getattr(by_cell, field).tolist(), field
    assert by_distinct.scale == by_cell.scale == 6
    texts = cells.to_pylist()
    ok = by_distinct.ok.tolist()
    # a text the cast rejects sends the column through the table format's expression: "003.10" fails it
    canonical_only = odd in ("x", "1,5")
    assert {t for t, k in zip(texts, ok, strict=True) if k} == {
        "7",
        "1.25",
        "0.000001",
        "12.5",
        "999999999999",
        *([] if canonical_only else ["003.10"]),
    }
    for t, k, v in zip(texts, ok, by_distinct.value.tolist(), strict=True):
        assert v == (int(Decimal(t).scaleb(6)) if k else 0)


def test_a_column_of_distinct_texts_is_parsed_cell_by_cell() -> None:
    from perfrules.batch._cells import _few_distinct

    assert not _few_distinct(pa.array([f"{i}.5" for i in range(5000)]))
    assert _few_distinct(pa.array([f"{i % 40}.5" for i in range(5000)]))


_CELL_TEXTS = st.one_of(
    st.none(), st.sampled_from(["", "a", '"q"', "=1", "-5", "中,文", "x\ny", "+", "@a"]), st.text()
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(_CELL_TEXTS, st.one_of(st.none(), st.integers(-(2**40), 2**40)), st.booleans()),
        max_size=40,
    ),
    batch=st.sampled_from([1, 3, 7, 1 << 16]),
    chunks=st.integers(1, 3),
)
def test_the_arrow_csv_writer_writes_the_csv_rules_by_hand_whatever_its_batch(
    rows: list[tuple[str | None, int | None, bool]],
    batch: int,
    chunks: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The pyarrow CSV writer turns WRITE_BATCH_ROWS rows into text at once: the file is the by-hand
    writer's, byte for byte, for tables across many batches and chunks (text, integer, boolean cells)."""
    from perfrules.batch import _write

    folder = tmp_path_factory.mktemp("w")
    columns = ["unit", "warnings", "met"]
    got = {}
    for arrow in (True, False):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(_write, "WRITE_BATCH_ROWS", batch)
            got[arrow] = _written(folder / f"{arrow}.csv", columns, rows, chunks, arrow)
    assert got[True] == got[False]


def _written(
    out: Path,
    columns: list[str],
    rows: list[tuple[str | None, int | None, bool]],
    chunks: int,
    arrow: bool,
) -> bytes:
    """The table of ``rows`` as one writer writes it, in ``chunks`` writes."""
    w = TableWriter(out, columns, use_pyarrow=arrow)
    step = max(1, -(-len(rows) // chunks))
    for lo in range(0, len(rows), step):
        part = rows[lo : lo + step]
        cols = {c: [r[i] for r in part] for i, c in enumerate(columns)}
        types = {"unit": pa.string(), "warnings": pa.int64(), "met": pa.bool_()}
        # the columnar runner hands Arrow arrays on, the pure path Python values
        w.write({c: pa.array(v, type=types[c]) for c, v in cols.items()} if arrow else cols)
    w.commit()
    return out.read_bytes()


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(
        st.tuples(
            st.integers(0, 6),
            st.one_of(
                st.integers(-(2**15) - 2, 2**15 + 1),  # about the lookup tables' ends
                st.sampled_from([-(2**15) - 1, -(2**15), -1, 0, 1, 2**15 - 1, 2**15]),
                st.integers(-(10**12), 10**12),
            ),
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_numbers_at_mixed_places_are_str_of_decimal_from_one_take_or_the_cast(
    cells: list[tuple[int, int]],
) -> None:
    """``fmt_places`` and ``_fmt_signed`` at several numbers of places (one take from the places' lookup
    tables end to end when every value is inside them, else place by place): each text is
    ``str(Decimal)`` of the value at its own places, in element order."""
    import numpy as np

    from perfrules.batch._cells import _fmt_signed, fmt_places

    scale = 6
    places = np.array([p for p, _ in cells], dtype=np.int64)
    own = np.array([v for _, v in cells], dtype=np.int64)  # each value at its own places
    at_scale = own * 10 ** (scale - places)
    want = [_decimal_text(v, p) for p, v in cells]
    assert _fmt_signed(at_scale, places, scale).to_pylist() == want
    mags = np.abs(at_scale)
    assert fmt_places(mags, places, scale).to_pylist() == [
        _decimal_text(abs(v), p) for p, v in cells
    ]


@given(st.text(max_size=4), st.integers(0, 70))
def test_a_constant_column_is_n_copies_of_its_value(value: str, n: int) -> None:
    from perfrules.batch._cells import const

    arr = const(value, n)
    arr.validate(full=True)
    assert arr.type == pa.string() and arr.to_pylist() == [value] * n
    assert const(3, n, pa.int64()).to_pylist() == [3] * n
