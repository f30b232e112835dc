"""The audit records' compiled joiner (perfrules/batch/_ctext.c) against Arrow's joins and plain Python."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")

from conftest import without_ctext  # noqa: E402

from perfrules.batch import _records as R  # noqa: E402

compiled = pytest.mark.skipif(
    R._ctext is None, reason="perfrules.batch._ctext was not built (no C compiler at install)"
)

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=5)


def test_the_text_kernels_are_built_where_ci_requires_it() -> None:
    """``.ci/run`` sets ``PERFRULES_REQUIRE_COMPILED=1`` where a C compiler is found: there, a build
    that silently left the optional extension out fails here instead of testing only the fallback."""
    if os.environ.get("PERFRULES_REQUIRE_COMPILED") != "1":
        pytest.skip("PERFRULES_REQUIRE_COMPILED is not set")
    assert R._ctext is not None


@st.composite
def _parts(draw: st.DrawFn) -> tuple[list[object], int, list[str]]:
    """Parts of a join for n lines — texts, a text per line (some arrays sliced), runs of texts per
    line (counts with zeros, any separator) — and the lines plain Python makes of them."""
    n = draw(st.integers(0, 5))
    parts: list[object] = []
    lines = [""] * n
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["text", "per-line", "runs"]))
        if kind == "text":
            t = draw(_TEXT)
            parts.append(t)
            lines = [line + t for line in lines]
        elif kind == "per-line":
            values = draw(st.lists(_TEXT, min_size=n, max_size=n))
            pad = draw(st.integers(0, 2))
            parts.append(pa.array(["p"] * pad + values, type=pa.string()).slice(pad))
            lines = [line + v for line, v in zip(lines, values, strict=True)]
        else:
            counts = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
            cells = draw(st.lists(_TEXT, min_size=sum(counts), max_size=sum(counts)))
            sep = draw(st.sampled_from([",", '","', "", "、"]))
            pad = draw(st.integers(0, 2))
            arr = pa.array(["p"] * pad + cells, type=pa.string()).slice(pad)
            parts.append(R.Runs(arr, np.array(counts, dtype=np.int64), sep))
            at = 0
            for u, c in enumerate(counts):
                lines[u] += sep.join(cells[at : at + c])
                at += c
    return parts, n, lines


@compiled
@settings(max_examples=400, deadline=None)
@given(_parts())
def test_the_compiled_join_writes_what_arrow_and_python_write(
    case: tuple[list[object], int, list[str]],
) -> None:
    parts, n, lines = case
    merged = R._merged(list(parts))
    assert R._join_arrow(list(merged), n).to_pylist() == lines
    got = R._join_compiled(list(merged), n)
    got.validate(full=True)
    assert got.to_pylist() == lines


@compiled
@pytest.mark.parametrize(
    ("parts", "n", "error"),
    [
        ([(1, np.array([0, 2, 1], dtype=np.int32), b"abc")], 2, "go back"),
        ([(1, np.array([0, 1, 9], dtype=np.int32), b"abc")], 2, "beyond its data"),
        ([(1, np.array([-1, 1, 2], dtype=np.int32), b"abc")], 2, "negative offset"),
        ([(1, np.array([0, 1], dtype=np.int32), b"abc")], 2, "shorter than its texts"),
        (
            [
                (
                    2,
                    np.array([0, 1], dtype=np.int32),
                    b"a",
                    np.array([1], dtype=np.int64),
                    b"",
                    b",",
                    b"",
                )
            ],
            2,
            "one per line",
        ),
        (
            [
                (
                    2,
                    np.array([0, 1], dtype=np.int32),
                    b"a",
                    np.array([2, -1], dtype=np.int64),
                    b"",
                    b",",
                    b"",
                )
            ],
            2,
            "bad count",
        ),
        (
            [
                (
                    2,
                    np.array([0, 1], dtype=np.int32),
                    b"a",
                    np.array([1, 1], dtype=np.int64),
                    b"",
                    b",",
                    b"",
                )
            ],
            2,
            "shorter than its texts",
        ),
    ],
)
def test_the_compiled_join_refuses_buffers_that_do_not_hold_their_texts(
    parts: list[tuple[object, ...]], n: int, error: str
) -> None:
    """Every offset and count is checked against its buffer before a byte is copied: a ValueError that
    says what is wrong, never a read outside a buffer."""
    assert R._ctext is not None
    with pytest.raises(ValueError, match=error):
        R._ctext.join(n, parts, pa.allocate_buffer)


@compiled
def test_the_compiled_join_refuses_a_buffer_too_small_and_unknown_parts() -> None:
    assert R._ctext is not None
    with pytest.raises(ValueError, match="too small"):
        R._ctext.join(1, [(0, b"abc")], lambda size: bytearray(size - 1))
    with pytest.raises(TypeError, match="unknown part"):
        R._ctext.join(1, [(7, b"abc")], pa.allocate_buffer)
    with pytest.raises(TypeError, match="a tuple"):
        R._ctext.join(1, [b"abc"], pa.allocate_buffer)


@compiled
def test_record_audits_are_the_same_bytes_without_the_compiled_joiner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's record audit (and its index) is byte-identical whether the lines are joined by the
    compiled joiner or by Arrow's joins (a package installed without a C compiler)."""
    from perfrules.batch import run_batch

    base = tmp_path / "base.toml"
    base.write_text(
        '[meta]\nid = "b"\ntitle = "b"\nunit = "u"\nyear = 2024\nkind = "项目支出"\n',
        encoding="utf-8",
    )
    rows = [
        "unit,indicator,name,category,weight,comparator,target,actual,method,target_text,tier,spec"
    ]
    for u in range(40):
        rows.append(f'u{u:02d},a,指标"A",产出指标,60,≥,100,{70 + u},,,,base.toml')
        rows.append(f"u{u:02d},b,指标B\\,效益指标,30,≤,50,{40 + u % 7},,,,")
        rows.append(
            f"u{u:02d},c,指标C,满意度指标,10,,,,qualitative,满意,{'达成' if u % 3 else '部分达成'},"
        )
    rows[7] = rows[7].replace(",75,", ",x,")  # a failed unit: its error record
    table = tmp_path / "t.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_batch(table, tmp_path / "a.csv", audit=tmp_path / "a.jsonl", audit_level="record")
    monkeypatch.setattr(R, "_ctext", None)
    run_batch(table, tmp_path / "b.csv", audit=tmp_path / "b.jsonl", audit_level="record")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    a_index = (tmp_path / "a.jsonl.idx").read_text(encoding="utf-8").splitlines()[1:]
    b_index = (tmp_path / "b.jsonl.idx").read_text(encoding="utf-8").splitlines()[1:]
    assert a_index == b_index and len(a_index) == 40


_DECIMAL_CELL = st.one_of(
    st.from_regex(
        r"\A[0-9]{1,14}(\.[0-9]{1,8})?\Z"
    ),  # plain digits, some beyond the kernel's bounds
    st.sampled_from(
        ["", "0", "00", "007.50", "999999999999", "1000000000000", "0.000001", "1.0000001"]
        # twenty characters (the longest the kernel reads): digits beyond int64, leading zeros
        + ["99999999999999999999", "18446744073709551617", "00000000000000000001"]
        + ["0000000000009.999999", "999999999999.999999", "1000000000000.00000"]
    ),
    st.sampled_from(["-1", "+1", "1.", ".5", "1e3", " 1", "1 ", "1.2.3", "abc", "１"]),  # not plain
)


@compiled
@settings(max_examples=500, deadline=None)
@given(st.lists(_DECIMAL_CELL, max_size=12), st.integers(0, 2))
def test_decimal_cells_parse_alike_in_c_and_with_arrow(cells: list[str], pad: int) -> None:
    """``_cells.parse``: the C kernel's numbers (every filled cell plain digits) are exactly those of
    Arrow's decimal cast and the checks after it — value, ok, empty, places and scale — and a column
    with any other cell is parsed the Arrow way whole."""
    from perfrules.batch import _cells

    arr = pa.array(["9"] * pad + cells, type=pa.string()).slice(pad)
    fast = _cells.parse(arr)
    with without_ctext(_cells):
        slow = _cells.parse(arr)
    assert fast.scale == slow.scale
    for name in ("value", "ok", "empty", "places"):
        assert getattr(fast, name).tolist() == getattr(slow, name).tolist(), name


@compiled
def test_the_decimal_kernel_says_when_a_column_is_not_plain_digits() -> None:
    """-1 (the caller parses the column its own way) for a column with any cell that is not plain
    digits; and buffers of the wrong sizes are refused, never read past."""
    assert R._ctext is not None

    def run(cells: list[str], n: int | None = None) -> int:
        arr = pa.array(cells, type=pa.string())
        m = len(cells) if n is None else n
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(cells) + 1)
        data = arr.buffers()[2] or b""
        out = (np.empty(m, np.int64), np.empty(m, np.int64), np.empty(m, bool), np.empty(m, bool))
        return R._ctext.parse_decimals(offsets, data, *out, 12, 6)

    assert run(["1.5", "2"]) == 1
    for bad in ("-1", "1.", ".5", "1e3", " 1", "1.2.3", "１"):
        assert run(["1.5", bad]) == -1, bad
    with pytest.raises(ValueError, match="wrong sizes"):
        run(["1", "2"], n=3)


@compiled
@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda k: st.lists(
            st.lists(st.sampled_from(["", "a", "ab", "中", "b"]), min_size=k, max_size=k),
            max_size=6,
        )
    ),
    st.integers(0, 2),
)
def test_runs_that_repeat_are_found_alike_in_c_and_with_numpy(
    runs: list[list[str]], pad: int
) -> None:
    """``_cells.repeats``: n runs of k texts (a sliced column too) repeat the first run exactly when
    plain Python says so — the same lengths shifted between cells ("a","b" against "ab","") are no
    repeat, nor is a run that differs from the one before it only in a later run's bytes — in C and
    with NumPy."""
    from perfrules.batch import _cells

    if not runs:
        runs = [["a"]]
    k = len(runs[0])
    cells = [c for run in runs for c in run]
    arr = pa.array(["x"] * pad + cells, type=pa.string()).slice(pad)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * pad)
    want = all(run == runs[0] for run in runs)
    assert _cells.repeats(offsets, arr.buffers()[2], len(runs), k) == want
    with without_ctext(_cells):
        assert _cells.repeats(offsets, arr.buffers()[2], len(runs), k) == want


@compiled
def test_the_repeat_kernel_refuses_offsets_that_do_not_hold_the_runs() -> None:
    assert R._ctext is not None
    arr = pa.array(["a", "b", "a"], type=pa.string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=4)
    with pytest.raises(ValueError, match="do not hold"):
        R._ctext.repeats(offsets, arr.buffers()[2], 2, 2)
    with pytest.raises(ValueError, match="beyond the data"):
        R._ctext.repeats(offsets, b"a", 3, 1)
    assert R._ctext.repeats(offsets, arr.buffers()[2], 1, 3)


@compiled
@given(
    st.lists(
        st.one_of(st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, -1, 9, 10, -(2**63)])),
        max_size=20,
    ),
    st.integers(0, 2),
)
def test_integers_are_written_as_arrow_casts_them(values: list[int], pad: int) -> None:
    """``_ctext.format_ints`` (the record audit's row numbers and levels): each int64's text, as
    Arrow's cast to string writes it and as ``_records._literal`` wrote it before (a sliced column too)."""
    assert R._ctext is not None
    arr = pa.array([7] * pad + values, type=pa.int64()).slice(pad)
    offsets, data = R._ctext.format_ints(
        np.asarray(values, dtype=np.int64).reshape(-1), pa.allocate_buffer
    )
    got = pa.Array.from_buffers(pa.string(), len(values), [None, pa.py_buffer(offsets), data])
    assert got.to_pylist() == [str(v) for v in values]
    assert R._literal(arr).equals(pa.compute.cast(arr, pa.string()))
    with pytest.raises(ValueError, match="int64"):
        R._ctext.format_ints(b"1234567", pa.allocate_buffer)
