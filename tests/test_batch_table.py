"""Reading the long table: numbers, per-unit columns, row kinds, bands, years, in-memory tables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfrules.batch import parse_number, score_units, table_from_columns

BASE = {
    "unit": "u",
    "year": "2024",
    "category": "产出指标",
    "weight": "100",
    "comparator": "≥",
    "target": "10",
}


def one(rows: list[dict[str, str]]) -> list[object]:
    cols: list[str] = []
    for r in rows:
        cols.extend(c for c in r if c not in cols)
    table = table_from_columns({c: [r.get(c, "") for r in rows] for c in cols}, file="t.csv")
    return list(score_units(table, engine="pure"))


@pytest.mark.parametrize("text", ["1,000", "1e3", "nan", "inf", "12.5%", "", " ", "０"])
def test_numbers_are_plain_decimals(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"), [("12", "12"), (" -0.5 ", "-0.5"), (".5", "0.5"), ("2.50", "2.50")]
)
def test_numbers_parse_exactly(text: str, value: str) -> None:
    got = parse_number(text)
    assert got == Decimal(value) and str(got) == value


def test_unit_defaults_and_exact_decimal_scores() -> None:
    (res,) = one([dict(BASE, indicator="x", actual="3.3333333333")])
    assert res.status == "ok"  # type: ignore[attr-defined]
    ev = res.evaluation  # type: ignore[attr-defined]
    assert (ev.spec_id, ev.title, ev.unit, ev.kind, ev.year) == ("u", "u", "u", "项目支出", 2024)
    assert ev.total == Decimal("33.33")


def test_inline_unit_needs_a_year() -> None:
    (res,) = one(
        [{k: v for k, v in BASE.items() if k != "year"} | {"indicator": "x", "actual": "9"}]
    )
    assert res.status == "error" and res.problems[0].code == "missing-year"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "code", "column"),
    [
        ({"method": "bands"}, "bands-in-table", "method"),
        ({"amount": "a1"}, "row-kind", "amount"),
        ({"weight": "0"}, "weight", "weight"),
        ({"target": "-5"}, "target-value", "target"),
        ({"method": "step", "per": "1"}, "missing-key", "method"),
        ({"method": "ratio", "deduct": "1"}, "unknown-key", "deduct"),
        ({"round_to": "0.5"}, "rounding", "round_to"),
    ],
)
def test_row_problems_are_located(change: dict[str, str], code: str, column: str) -> None:
    row = dict(BASE, indicator="x", actual="9") | change
    (res,) = one([row])
    problems = res.problems  # type: ignore[attr-defined]
    assert res.status == "error"  # type: ignore[attr-defined]
    assert (code, "t.csv", 2, (column,)) in [(p.code, p.file, p.line, p.path) for p in problems], [
        str(p) for p in problems
    ]


def test_per_unit_columns_must_agree_numerically() -> None:
    rows = [
        dict(BASE, indicator="x", actual="9", weight="50", budget="100", spent="90"),
        dict(BASE, indicator="y", actual="9", weight="50", budget="100.0"),
    ]
    (res,) = one(rows)
    assert res.status == "ok"  # type: ignore[attr-defined]


def test_not_applicable_and_amount_label() -> None:
    rows = [
        dict(BASE, indicator="x", actual="9", weight="50"),
        dict(BASE, indicator="y", weight="50", not_applicable="本年度未开展"),
    ]
    (res,) = one(rows)
    assert res.status == "ok", res.problems  # type: ignore[attr-defined]
    assert res.evaluation.total == Decimal("90.00")  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# the table scan in bounded memory: run heads hashed, repeats checked by their ids


STRAY_BODIES = [
    ["a,x,1", "a,y,2", "b,x,1", "c,x,1"],  # contiguous
    ["a,x,1", "b,x,1", "a,y,2", "c,x,1", "b,y,3", "a,z,4"],  # a resumes at row 4, b at row 6
    ["a,x,1", "", "b,x,1", "a,y,1"],  # a blank line: the csv module's scan, a stray
    [" a ,x,1", "a,y,2", ",,", "b,x,1", " b,y,2"],  # padded ids, a blank record
    ['a,"x\ny",1', "b,x,1", "a,y,2"],  # a record spanning lines, then a stray
]


def _scans(path: Any, *, collide: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    from perfrules.batch import _table, read_table

    with monkeypatch.context() as mp:
        if collide:  # every id hashes alike: every run is checked again by its id
            mp.setattr(_table, "hash", lambda _: 7, raising=False)
        t = read_table(path)
    return t.row_count, t.unit_count, dict(t.strays), t.plain


@pytest.mark.parametrize("body", STRAY_BODIES)
@pytest.mark.parametrize("suffix", [".csv", ".parquet", "memory"])
def test_the_scan_finds_strays_by_id_whatever_the_hashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: list[str], suffix: str
) -> None:
    """Colliding hashes cost a second pass, never a wrong count or a false stray; the answer is the id set's."""
    from perfrules.batch import _table

    rows = [r for r in body if r.strip(",")]
    if suffix == "memory":
        import csv

        cells = list(csv.reader(rows))
        cols = {c: [r[i] for r in cells] for i, c in enumerate(("unit", "indicator", "actual"))}

        def scan(collide: bool) -> tuple[Any, ...]:
            with monkeypatch.context() as mp:
                if collide:
                    mp.setattr(_table, "hash", lambda _: 7, raising=False)
                t = table_from_columns(cols)
            return t.row_count, t.unit_count, dict(t.strays), t.plain

        normal, collided = scan(False), scan(True)
        ids = [c[0].strip() for c in cells]
    else:
        path = tmp_path / f"t{suffix}"
        text = "\n".join(["unit,indicator,actual", *body, ""])
        if suffix == ".csv":
            path.write_text(text, encoding="utf-8")
        else:
            if '"' in text or "" in body or any(r.strip(",") != r for r in body if r):
                pytest.skip("a Parquet table has no blank lines or quoted line breaks")
            import pyarrow as pa
            import pyarrow.csv as pcsv
            import pyarrow.parquet as pq

            (tmp_path / "t.csv").write_text(text, encoding="utf-8")
            t = pcsv.read_csv(
                tmp_path / "t.csv",
                convert_options=pcsv.ConvertOptions(
                    column_types={c: pa.string() for c in ("unit", "indicator", "actual")}
                ),
            )
            pq.write_table(t, path)
        normal = _scans(path, collide=False, monkeypatch=monkeypatch)
        collided = _scans(path, collide=True, monkeypatch=monkeypatch)
        ids = None
    assert normal == collided
    if ids is not None:  # the in-memory table: the scan's answer from the ids themselves
        strays: dict[str, int] = {}
        seen: set[str] = set()
        for k, u in enumerate(ids):
            if k and u == ids[k - 1]:
                continue
            if u in seen:
                strays.setdefault(u, k + 2)
            seen.add(u)
        assert normal[:3] == (len(ids), len(set(ids)), strays)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 64])
@pytest.mark.parametrize(
    "body",
    [
        ["a,x,1", "a,y,2", "b,x,1", "c,x,1"],
        ["a,x,1", "", "b,x,1"],
        ["a,x,1", "b,x,1\rc", "c,x,1"],  # a lone carriage return
        ["a,x,1", "b,x,1", "a,y,2"],
    ],
)
def test_the_byte_scan_reads_alike_at_every_block_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str, size: int, body: list[str]
) -> None:
    """The file's bytes are scanned in blocks: a blank line or a lone CR across a block's end is still seen."""
    from perfrules.batch import _table

    path = tmp_path / "t.csv"
    text = newline.join(["unit,indicator,actual", *body])
    for end in ("", newline):
        path.write_bytes((text + end).encode())
        whole = _table._csv_shape(path)
        with monkeypatch.context() as mp:
            mp.setattr(_table, "SCAN_BYTES", size)
            cut = _table._csv_shape(path)
        assert cut == whole
        plain = "" not in body and not any("\r" in r for r in body)
        assert (whole is not None) == plain
        if whole is not None:
            assert whole.lines == len(body) + 1
            assert whole.last == (body[-1] + end).encode()


@pytest.mark.parametrize("size", [1, 3, 64, 1 << 20])
@pytest.mark.parametrize(
    "lines",
    [
        [b"a,x,1", "b,\u5355\u4f4d,2".encode()],  # UTF-8 throughout
        [b"a,x,\xff", b"b,x,2"],  # a byte that is never UTF-8, on the first line
        [b"a,x,1", b"b,x,\xe4\xb8", b"c,x,3"],  # a character cut short by the line end
        [b"a,x,1", b"b,x,2", b"c,x,\xc3"],  # on the last line, with or without its line end
        [b"a,x,1", b"b,x,\xed\xa0\x80"],  # a surrogate: not UTF-8
    ],
)
def test_the_byte_scan_admits_only_utf8_on_every_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, lines: list[bytes]
) -> None:
    """UTF-8 is checked line by line (a line end splits no character): a bad byte on any line is found."""
    from perfrules.batch import _table

    path = tmp_path / "t.csv"
    for end in (b"", b"\n"):
        data = b"\n".join([b"unit,indicator,actual", *lines]) + end
        path.write_bytes(data)
        try:
            data.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False
        with monkeypatch.context() as mp:
            mp.setattr(_table, "SCAN_BYTES", size)
            assert (_table._csv_shape(path) is not None) == utf8


def test_parquet_tables_are_read_without_pre_buffering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Parquet file the batch reads is opened with ``pre_buffer=False``.

    pyarrow's default pre-buffering holds memory that grows with the rows read
    while iterating over batches (300 MiB after 20 M rows): the scan and the
    columnar runner must stay flat.
    """
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from perfrules.batch import read_table, run_batch

    src = tmp_path / "in.parquet"
    cols = {
        "单位": ["a", "b"],
        "指标": ["x", "x"],
        "一级指标": ["产出指标", "产出指标"],
        "分值": ["100", "100"],
        "比较符": [">=", ">="],
        "指标值": ["10", "10"],
        "实际完成值": ["9", "10"],
        "年度": ["2024", "2024"],
    }
    pq.write_table(pa.table(cols), src)
    opened: list[Any] = []
    real = pq.ParquetFile

    def spy(*args: Any, **kwargs: Any) -> Any:
        opened.append(kwargs.get("pre_buffer"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pq, "ParquetFile", spy)
    table = read_table(src)
    assert table.plain  # the columnar runner reads it
    summary = run_batch(table, tmp_path / "out.parquet")
    assert summary.scored == 2
    assert len(opened) >= 2 and all(p is False for p in opened)
