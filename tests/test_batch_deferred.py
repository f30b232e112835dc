"""A table opened without its unit scan (``read_table(path, scan=False)``, what ``perfrules batch`` does).

The columnar runner then checks, as it reads, what the scan would have
checked; when the table turns out not to be plain (a unit whose rows are not
contiguous, a record Arrow reads otherwise than the csv reader, bytes that are
not UTF-8 …) the run starts over on the scanned table. Either way every output
is byte for byte that of a run on the scanned table: every bad row reported at
its row and column, no good unit lost.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from perfrules.batch import (  # noqa: E402
    _columnar,
    _engines,
    _run,
    explain,
    output_paths,
    read_table,
    run_batch,
)

HEADER = "unit,indicator,category,weight,comparator,target,actual,year"


def unit_rows(unit: str, actual: int = 9) -> list[str]:
    return [
        f"{unit},x,产出指标,60,>=,10,{actual},2024",
        f"{unit},y,效益指标,40,<=,5,4,2024",
    ]


UNITS = [f"u{k:02d}" for k in range(12)]
GOOD = [row for k, u in enumerate(UNITS) for row in unit_rows(u, 5 + k)]


def write(path: Path, rows: list[str], *, end: str = "\n") -> Path:
    path.write_bytes((end.join([HEADER, *rows]) + end).encode())
    return path


@contextmanager
def small_chunks() -> Iterator[None]:
    """A chunk per unit and blocks of a few records: the checks run across chunks and blocks."""
    with (
        mock.patch.object(_run, "FAST_CHUNK_UNITS", 1),
        mock.patch.object(_columnar, "BLOCK_BYTES", 128),
    ):
        yield


@contextmanager
def counting_scans() -> Iterator[list[int]]:
    """How many times a run scanned its deferred table (a run that started over scans it once)."""
    calls: list[int] = []
    real = _engines.scan_table

    def scan(table: Any) -> Any:
        calls.append(1)
        return real(table)

    with mock.patch.object(_engines, "scan_table", scan):
        yield calls


def outputs(table: Any, out: Path, **kw: Any) -> dict[str, bytes]:
    audit = out.with_suffix(".jsonl")
    run_batch(table, out, audit=audit, audit_level="record", chunk_units=1, **kw)
    files = {k: p.read_bytes() for k, p in output_paths(out).items()}
    files["audit"] = audit.read_bytes()
    return files


def assert_same_as_scanned(
    path: Path, tmp_path: Path, *, restarts: bool, small: bool = True
) -> dict[str, bytes]:
    """The deferred run's files equal the scanned table's, byte for byte; whether it started over."""
    with small_chunks() if small else nullcontext():
        want = outputs(read_table(path), tmp_path / "scanned.csv")
        table = read_table(path, scan=False)
        assert table.deferred and table.plain and table.unit_count == 0
        with counting_scans() as scans:
            got = outputs(table, tmp_path / "deferred.csv")
    want["audit"] = want["audit"].replace(b"scanned", b"deferred")
    assert got == want
    assert len(scans) == (1 if restarts else 0)
    return got


def test_a_plain_table_runs_once_without_its_scan(tmp_path: Path) -> None:
    got = assert_same_as_scanned(write(tmp_path / "in.csv", GOOD), tmp_path, restarts=False)
    assert got["problems"].count(b"\n") == 1  # the header only: every unit scored
    crlf = write(tmp_path / "crlf.csv", GOOD, end="\r\n")
    assert_same_as_scanned(crlf, tmp_path, restarts=False)


def _moved(rows: list[str], src: int, dst: int) -> list[str]:
    out = list(rows)
    out.insert(dst, out.pop(src))
    return out


NOT_PLAIN = {
    # a unit's row after another unit's, chunks apart (found at the end of the read)
    "stray": _moved(GOOD, 0, len(GOOD) - 1),
    # a unit's rows twice, within one chunk's rows (A B A)
    "repeated-in-a-block": [*GOOD[:4], *GOOD[:2], *GOOD[4:]],
    "bytes-not-utf8": [*GOOD[:18], GOOD[18].replace("x", "\udcff"), *GOOD[19:]],
    "blank-line": [*GOOD[:17], "", *GOOD[17:]],
    "ragged": [*GOOD[:17], GOOD[17] + ",extra", *GOOD[18:]],
    "no-unit-id": [*GOOD[:17], GOOD[17].replace("u08", ""), *GOOD[18:]],
    "blank-record": [*GOOD[:17], "," * 7, *GOOD[17:]],
    "whitespace-id": [*GOOD[:17], GOOD[17].replace("u08", " \u3000 "), *GOOD[18:]],
}


@pytest.mark.parametrize("case", sorted(NOT_PLAIN))
def test_a_table_that_is_not_plain_starts_over_with_the_same_results(
    case: str, tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    rows = NOT_PLAIN[case]
    data = ("\n".join([HEADER, *rows]) + "\n").encode("utf-8", "surrogateescape")
    path.write_bytes(data)
    assert_same_as_scanned(path, tmp_path, restarts=True)


def test_a_cell_beyond_the_csv_modules_limit_starts_over(tmp_path: Path) -> None:
    limit = csv.field_size_limit()
    rows = [*GOOD[:16], GOOD[16].replace(",x,", "," + "x" * (limit + 1) + ",", 1), *GOOD[17:]]
    # blocks of 1 MiB: Arrow reads the record (in small blocks it refuses it, and the run starts over for that)
    got = assert_same_as_scanned(
        write(tmp_path / "in.csv", rows), tmp_path, restarts=True, small=False
    )
    assert b"u08" in got["problems"]


def test_colliding_hashes_start_over_and_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every unit id hashes alike: the check cannot tell a stray from a collision, the scan can (exactly)
    monkeypatch.setattr(_columnar, "hash", lambda _: 7, raising=False)
    assert_same_as_scanned(write(tmp_path / "in.csv", GOOD), tmp_path, restarts=True)


def _quoted_and_lone_cr(tmp_path: Path) -> list[Path]:
    return [
        write(tmp_path / "quoted.csv", [GOOD[0].replace(",x,", ',"x",'), *GOOD[1:]]),
        write(tmp_path / "quoted-late.csv", [*GOOD[:-1], GOOD[-1].replace(",y,", ',"y",')]),
        write(tmp_path / "cr.csv", [GOOD[0].replace(",x,", ",x\ry,"), *GOOD[1:]]),
        write(tmp_path / "cr-late.csv", [*GOOD[:-1], GOOD[-1].replace(",y,", ",y\rz,")]),
    ]


@pytest.mark.skipif(_columnar._ctext is None, reason="perfrules.batch._ctext was not built")
def test_the_splitter_finds_quotes_and_lone_carriage_returns_as_it_reads(tmp_path: Path) -> None:
    """With the C splitter no pass reads the file for them first: the table opens deferred, and the
    run starts over on the scanned table when it meets one (at the first record or the last)."""
    for path in _quoted_and_lone_cr(tmp_path):
        assert_same_as_scanned(path, tmp_path, restarts=True)


def test_tables_the_run_cannot_check_are_scanned_when_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the C splitter pyarrow reads the table, which takes a quote or a lone carriage return:
    such a file is scanned when opened."""
    from perfrules.batch import _table

    monkeypatch.setattr(_table, "_ctext", None)
    for path in _quoted_and_lone_cr(tmp_path):
        table = read_table(path, scan=False)
        assert not table.deferred
        assert table.unit_count == len(UNITS)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(("\n".join([HEADER, *GOOD]) + "\n").encode("gb18030"))
    assert not read_table(gbk, scan=False).deferred


def test_a_deferred_parquet_table(tmp_path: Path) -> None:
    cells = [r.split(",") for r in NOT_PLAIN["stray"]]
    names = HEADER.split(",")
    for name, rows in (("plain", [r.split(",") for r in GOOD]), ("stray", cells)):
        path = tmp_path / f"{name}.parquet"
        pq.write_table(
            pa.table({c: pa.array([r[i] for r in rows]) for i, c in enumerate(names)}),
            path,
            row_group_size=3,
        )
        assert_same_as_scanned(path, tmp_path, restarts=name == "stray")


def test_the_pure_engine_scans_a_deferred_table_first(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", NOT_PLAIN["stray"])
    want = run_batch(read_table(path), tmp_path / "a.csv", engine="pure")
    got = run_batch(read_table(path, scan=False), tmp_path / "b.csv", engine="pure")
    assert (want.units, want.failed) == (got.units, got.failed) == (len(UNITS), 1)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_progress_of_a_deferred_table_ends_at_its_count(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", GOOD)
    seen: list[tuple[int, int]] = []
    with small_chunks():
        run_batch(
            read_table(path, scan=False),
            tmp_path / "o.csv",
            progress=lambda d, t: seen.append((d, t)),
        )
    assert seen[-1] == (len(UNITS), len(UNITS))
    assert all(0 < d <= t for d, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_an_error_on_a_plain_deferred_table_is_raised(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", GOOD)

    def broken(*_: Any) -> Any:
        raise RuntimeError("a bug")

    with (
        mock.patch.object(_columnar, "_score", broken),
        counting_scans() as scans,
        pytest.raises(RuntimeError, match="a bug"),
    ):
        run_batch(read_table(path, scan=False), tmp_path / "o.csv")
    assert len(scans) == 1  # judged on the scanned table: plain, so the error is the run's own
    assert not (tmp_path / "o.csv").exists()


def test_explain_reads_a_deferred_runs_audit(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", NOT_PLAIN["stray"])
    run_batch(
        read_table(path, scan=False),
        tmp_path / "o.csv",
        audit=tmp_path / "a.jsonl",
        audit_level="record",
    )
    assert explain(tmp_path / "a.jsonl", "u00")["status"] == "error"
    assert explain(tmp_path / "a.jsonl", "u01", full=False)["status"] == "ok"
