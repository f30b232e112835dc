"""Audit records (``--audit-level record``): written at batch speed, the full document on demand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numpy")
pytest.importorskip("pyarrow")

from conftest import without_ctext  # noqa: E402

from perfrules.batch import explain, run_batch  # noqa: E402

BASE = """[meta]
id = "base"
title = "base"
unit = "u"
year = 2024
kind = "项目支出"

[budget_execution]
weight = 10
policy = "round_whole"
"""
HEADER = "unit,indicator,name,category,weight,comparator,target,actual,method,target_text,tier,spec,budget,spent\n"


def _table(tmp_path: Path) -> Path:
    rows = []
    for u in range(30):
        spec = "base.toml"
        rows.append(f'u{u:02d},a,指标"A",产出指标,40,≥,100,{80 + u},,,,{spec},1000,{900 + u}')
        rows.append(f"u{u:02d},b,指标B,效益指标,30,≤,50,{40 + u},,,,,,")
        rows.append(
            f"u{u:02d},c,指标C,满意度指标,20,,,,qualitative,满意,{'达成' if u % 2 else '部分达成'},,,"
        )
    rows[6] = rows[6].replace(",82,", ",abc,")  # unit u02: a bad actual → an error record
    (tmp_path / "base.toml").write_text(BASE, encoding="utf-8")
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_records_expand_to_exactly_the_full_documents(tmp_path: Path) -> None:
    table = _table(tmp_path)
    run_batch(table, tmp_path / "full.csv", audit=tmp_path / "full.jsonl")
    summary = run_batch(
        table, tmp_path / "rec.csv", audit=tmp_path / "rec.jsonl", audit_level="record"
    )
    assert dict(summary.engines).get("vector", 0) > 0  # the records came from the vectorised path
    for name in (
        "",
        ".indicators",
        ".categories",
        ".problems",
    ):  # the result tables do not depend on the level
        assert (tmp_path / f"full{name}.csv").read_bytes() == (
            tmp_path / f"rec{name}.csv"
        ).read_bytes()
    lines = (tmp_path / "rec.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines]
    assert [r["unit"] for r in records] == [f"u{u:02d}" for u in range(30)]
    assert {r["status"] for r in records} == {"ok", "error"}
    bad = next(r for r in records if r["unit"] == "u02")
    assert (
        bad["status"] == "error"
        and bad["problems"][0]["row"] == 8
        and bad["problems"][0]["code"] == "invalid-number"
    )
    ok = next(r for r in records if r["unit"] == "u05")
    assert (
        ok["cells"]["name"][0] == '指标"A"'
        and ok["rows"] == [17, 18, 19]
        and "unit" not in ok["cells"]
    )
    assert (
        ok["indicators"]["indicator"] == ["a", "b", "c", "budget_execution"]
        and ok["indicators"]["met"][3] is None
    )
    for unit in ("u00", "u05", "u29"):
        assert explain(tmp_path / "rec.jsonl", unit) == explain(tmp_path / "full.jsonl", unit)
        assert (
            explain(tmp_path / "rec.jsonl", unit, full=False)["schema"] == "perfrules.batch-audit"
        )
    assert explain(tmp_path / "rec.jsonl", "u02") == explain(tmp_path / "full.jsonl", "u02") | {
        "schema": "perfrules.batch-audit",
        "schema_version": 1,
    }
    mode = os.stat(tmp_path / "rec.jsonl").st_mode & 0o777
    assert mode == 0o666 & ~_umask()


def test_a_record_that_no_longer_evaluates_the_same_is_refused(tmp_path: Path) -> None:
    table = _table(tmp_path)
    run_batch(table, tmp_path / "rec.csv", audit=tmp_path / "rec.jsonl", audit_level="record")
    (tmp_path / "base.toml").write_text(
        BASE.replace('policy = "round_whole"', 'policy = "proportional"'), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="changed since the batch ran"):
        explain(tmp_path / "rec.jsonl", "u05")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_records_made_beside_the_run_fail_it_and_leave_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are made on a thread of their own: an error there is the run's, and no output is left."""
    from perfrules.batch import _records, _run

    path = _table(tmp_path)
    calls: list[int] = []
    real = _records.record_block

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("records broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(_records, "record_block", failing)
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    with pytest.raises(RuntimeError, match="records broke"):
        run_batch(
            path,
            tmp_path / "r.csv",
            audit=tmp_path / "a.jsonl",
            audit_level="record",
            chunk_units=1,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.toml", "t.csv"]


def test_records_are_joined_in_place_in_the_audits_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk whose units all scored is joined straight into the audit's buffer and not copied again;
    a chunk with a failed unit is copied in; the audit is byte for byte the one joined in Arrow's pool."""
    import pyarrow as pa

    from perfrules.batch import _audit, _run

    path = _table(tmp_path)
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    blocks: list[bytes] = []  # each block's lines, as written
    copied: list[int] = []
    real_block, real_copy = _audit.AuditWriter.write_block, _audit._copy_bytes

    def block(self: _audit.AuditWriter, lines: pa.Array, units: object) -> None:
        blocks.append("".join(lines.to_pylist()).encode())
        real_block(self, lines, units)

    def counted(into: memoryview, piece: memoryview) -> None:
        copied.append(len(piece))
        real_copy(into, piece)

    def run(name: str) -> bytes:
        blocks.clear()
        copied.clear()
        run_batch(
            path,
            tmp_path / f"{name}.csv",
            audit=tmp_path / f"{name}.jsonl",
            audit_level="record",
            chunk_units=1,
        )
        return (tmp_path / f"{name}.jsonl").read_bytes()

    monkeypatch.setattr(_audit.AuditWriter, "write_block", block)
    monkeypatch.setattr(_audit, "_copy_bytes", counted)
    in_place = run("in-place")
    assert in_place.count(b"\n") == 30 and len(blocks) > 1
    failed = [b for b in blocks if b'"status":"error"' in b]
    assert len(failed) == 1  # u02's chunk: copied in, every other chunk joined in place
    assert sum(copied) == len(failed[0]) and b"".join(blocks) == in_place
    monkeypatch.setattr(_audit.AuditWriter, "allocate", lambda self, size: pa.allocate_buffer(size))
    assert run("pooled") == in_place
    assert sum(copied) == len(in_place)  # every chunk copied in from Arrow's pool


def test_records_of_many_chunks_come_in_unit_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfrules.batch import _run

    path = _table(tmp_path)
    run_batch(path, tmp_path / "one.csv", audit=tmp_path / "one.jsonl", audit_level="record")
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    run_batch(
        path,
        tmp_path / "many.csv",
        audit=tmp_path / "many.jsonl",
        audit_level="record",
        chunk_units=1,
    )
    assert (tmp_path / "many.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    units = [
        json.loads(line)["unit"] for line in (tmp_path / "many.jsonl").read_text().splitlines()
    ]
    assert units == [f"u{u:02d}" for u in range(30)]


def test_records_are_written_off_the_reading_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk's records are made and appended to the audit on the records' thread, never on the thread
    that reads the table and writes the result tables (the audit is the run's largest output); on
    Linux that thread runs RECORDS_NICE below the process's priority, the reading thread at it."""
    import sys
    import threading

    from perfrules.batch import _audit, _engines, _run

    path = _table(tmp_path)
    run_batch(path, tmp_path / "one.csv", audit=tmp_path / "one.jsonl", audit_level="record")
    seen: list[str] = []
    nice: list[int] = []
    real = _audit.AuditWriter.write_block

    def watched(self: _audit.AuditWriter, lines: object, units: object) -> None:
        seen.append(threading.current_thread().name)
        if sys.platform == "linux":
            nice.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        real(self, lines, units)

    monkeypatch.setattr(_audit.AuditWriter, "write_block", watched)
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    run_batch(
        path, tmp_path / "r.csv", audit=tmp_path / "r.jsonl", audit_level="record", chunk_units=1
    )
    assert seen and threading.main_thread().name not in seen
    assert all(name.startswith("perfrules-records") for name in seen)
    if sys.platform == "linux":
        own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert nice == [min(19, own + _engines.RECORDS_NICE)] * len(seen)
    assert (tmp_path / "r.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def test_chunks_wait_for_their_records_a_few_at_most(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the records' thread is held up (a disk at its pace), the run goes on for
    ``RECORDS_IN_FLIGHT`` more chunks, then waits: the queued records, and memory, stay bounded; the
    audit is whole once the thread goes on."""
    import threading

    from perfrules.batch import _columnar, _engines, _run

    path = _table(tmp_path)
    run_batch(path, tmp_path / "one.csv", audit=tmp_path / "one.jsonl", audit_level="record")
    go = threading.Event()
    submitted: list[int] = []
    real = _engines._write_records

    def held(*args: object) -> None:
        go.wait(30)
        real(*args)  # type: ignore[arg-type]

    real_submit = _engines.ThreadPoolExecutor.submit

    def counted(self: object, fn: object, /, *args: object, **kw: object) -> object:
        if fn is held:
            submitted.append(1)
        return real_submit(self, fn, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(_engines, "_write_records", held)
    monkeypatch.setattr(_engines.ThreadPoolExecutor, "submit", counted)
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    monkeypatch.setattr(_columnar, "BLOCK_BYTES", 256)  # a few units a block: many chunks
    done = threading.Thread(
        target=run_batch,
        args=(path, tmp_path / "r.csv"),
        kwargs={"audit": tmp_path / "r.jsonl", "audit_level": "record", "chunk_units": 1},
    )
    done.start()
    for _ in range(200):  # until the run waits for the held records
        if len(submitted) >= _engines.RECORDS_IN_FLIGHT + 1:
            break
        threading.Event().wait(0.01)
    threading.Event().wait(0.2)
    assert len(submitted) == _engines.RECORDS_IN_FLIGHT + 1  # one being written, the others queued
    go.set()
    done.join(60)
    assert not done.is_alive()
    assert len(submitted) > _engines.RECORDS_IN_FLIGHT + 1
    assert (tmp_path / "r.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def test_a_failing_run_waits_for_the_records_being_written_before_it_removes_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that fails while the records' thread writes: the chunk being written is finished, the
    records not begun are dropped, and only then are the temporary files closed and removed (a
    write after that could land in another file that took the descriptor's number)."""
    import time

    from perfrules._atomic import Transaction
    from perfrules.batch import _columnar, _engines, _run
    from perfrules.batch._write import TableWriter

    path = _table(tmp_path)
    events: list[str] = []
    real = _engines._write_records

    def slow(*args: object) -> None:
        events.append("records start")
        time.sleep(0.3)
        real(*args)  # type: ignore[arg-type]
        events.append("records end")

    real_write = TableWriter.write
    calls = {"n": 0}

    def failing(self: TableWriter, columns: object) -> None:
        calls["n"] += 1
        if calls["n"] == 9:  # the third chunk's second table: records of earlier chunks under way
            raise RuntimeError("a bug half-way")
        real_write(self, columns)  # type: ignore[arg-type]

    real_abort = Transaction.abort

    def abort(self: Transaction) -> None:
        events.append("abort")
        real_abort(self)

    monkeypatch.setattr(_engines, "_write_records", slow)
    monkeypatch.setattr(TableWriter, "write", failing)
    monkeypatch.setattr(Transaction, "abort", abort)
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    monkeypatch.setattr(_columnar, "BLOCK_BYTES", 256)  # a few units a block: many chunks
    with pytest.raises(RuntimeError, match="a bug half-way"):
        run_batch(
            path,
            tmp_path / "r.csv",
            audit=tmp_path / "r.jsonl",
            audit_level="record",
            chunk_units=1,
        )
    assert events[0] == "records start" and "abort" in events
    cut = events.index("abort")
    assert events[:cut].count("records start") == events[:cut].count("records end")  # none cut off
    assert "records start" not in events[cut:]  # none begun after
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_tables_are_written_on_their_own_thread_and_a_failure_there_aborts_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The four tables of a chunk are written on the tables' thread while the next chunk is made, in
    chunk order (the files equal a run's that writes them in turn); a write failing there fails the
    run, which waits for the tables' thread before the abort removes every temporary file, and leaves
    the previous outputs whole."""
    import threading
    import time

    from perfrules._atomic import Transaction
    from perfrules.batch import _columnar, _run
    from perfrules.batch._write import TableWriter

    path = _table(tmp_path)
    run_batch(path, tmp_path / "one.csv")
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    monkeypatch.setattr(_columnar, "BLOCK_BYTES", 256)  # a few units a block: many chunks
    names: set[str] = set()
    real_write = TableWriter.write

    def seen(self: TableWriter, columns: object) -> None:
        names.add(threading.current_thread().name)
        real_write(self, columns)  # type: ignore[arg-type]

    monkeypatch.setattr(TableWriter, "write", seen)
    run_batch(path, tmp_path / "many.csv", chunk_units=1)
    assert names and all(n.startswith("perfrules-tables") for n in names)
    for name in ("", ".indicators", ".categories", ".problems"):
        assert (tmp_path / f"many{name}.csv").read_bytes() == (
            tmp_path / f"one{name}.csv"
        ).read_bytes()

    events: list[str] = []
    calls = {"n": 0}

    def failing(self: TableWriter, columns: object) -> None:
        calls["n"] += 1
        if calls["n"] == 6:  # the second chunk's second table
            time.sleep(0.3)
            events.append("failed")
            raise OSError(28, "No space left on device")
        real_write(self, columns)  # type: ignore[arg-type]

    real_abort = Transaction.abort

    def abort(self: Transaction) -> None:
        events.append("abort")
        real_abort(self)

    monkeypatch.setattr(TableWriter, "write", failing)
    monkeypatch.setattr(Transaction, "abort", abort)
    with pytest.raises(OSError, match="No space"):
        run_batch(path, tmp_path / "one.csv", chunk_units=1)
    assert events[:2] == ["failed", "abort"]
    assert (tmp_path / "one.indicators.csv").read_bytes() == (
        tmp_path / "many.indicators.csv"
    ).read_bytes()  # the previous outputs whole
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left

    # a run failing on its own thread while a chunk's tables are being written: they are finished first
    events.clear()

    def slow(self: TableWriter, columns: object) -> None:
        events.append("write start")
        time.sleep(0.2)
        real_write(self, columns)  # type: ignore[arg-type]
        events.append("write end")

    def progress(done: int, total: int) -> None:
        raise RuntimeError("a bug half-way")

    monkeypatch.setattr(TableWriter, "write", slow)
    with pytest.raises(RuntimeError, match="a bug half-way"):
        run_batch(path, tmp_path / "one.csv", chunk_units=1, progress=progress)
    cut = events.index("abort")
    assert "write start" in events[:cut]
    assert events[:cut].count("write start") == events[:cut].count("write end")  # none cut off
    assert "write start" not in events[cut:]  # none begun after
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.skipif(
    not hasattr(os, "posix_fadvise") or not Path("/proc/self/fd").is_dir(),
    reason="page advice is a Linux system call",
)
def test_written_pages_are_handed_back_as_the_outputs_grow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every output of a run, the record audit included, has its written pages handed back to the
    system as it grows (``posix_fadvise`` ``DONTNEED`` on its file), and the files are as without."""
    from perfrules.batch import _run, _write

    path = _table(tmp_path)
    run_batch(path, tmp_path / "one.csv", audit=tmp_path / "one.jsonl", audit_level="record")
    advised: list[tuple[str, int]] = []
    real = os.posix_fadvise

    def watched(fd: int, offset: int, length: int, advice: int) -> None:
        advised.append((os.readlink(f"/proc/self/fd/{fd}"), advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", watched)
    monkeypatch.setattr(_write, "RELEASE_BYTES", 1)  # at every write of a chunk
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    out = tmp_path / "out"
    out.mkdir()
    run_batch(path, out / "r.csv", audit=out / "r.jsonl", audit_level="record", chunk_units=7)
    names = {(Path(p).name, a) for p, a in advised}
    for name in ("r.csv", "r.indicators.csv", "r.categories.csv", "r.jsonl"):
        # written to a temporary file beside the output (renamed into place at the commit); the
        # audit's own file, not its index's (".r.jsonl.idx.…")
        assert any(
            n.startswith(f".{name}.")
            and not n[len(name) + 2 :].startswith("idx")
            and a == os.POSIX_FADV_DONTNEED
            for n, a in names
        ), name
    for name in ("r.csv", "r.indicators.csv", "r.categories.csv", "r.jsonl"):
        assert (out / name).read_bytes() == (tmp_path / name.replace("r", "one", 1)).read_bytes()


_TEXTS = st.lists(
    st.one_of(
        st.none(),
        st.text(max_size=6),
        st.text(st.characters(max_codepoint=0x9F), max_size=20),
        st.sampled_from(["", "a", "中", '"', "\\", "\x7f", "\x00", "\x1f", " ", "~", "\x80"]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.integers(0, 3))
def test_the_escaping_test_finds_exactly_the_cells_json_escapes(
    texts: list[str | None], offset: int
) -> None:
    """``_needs_escaping``: a quote, a backslash or a control character (< 32, 127) in some cell of the
    array (or of a slice of it), read off the bytes; never a miss, never a false alarm — in C (eight
    bytes at a time, ``_ctext.json_escapes``) and with NumPy."""
    import pyarrow as pa

    from perfrules.batch import _records

    arr = pa.array(texts, type=pa.string()).slice(min(offset, len(texts)))
    cells = [t for t in arr.to_pylist() if t is not None]
    want = any(ch in '"\\\x7f' or ord(ch) < 32 for t in cells for ch in t)
    assert _records._needs_escaping(arr) == want
    with without_ctext(_records):
        assert _records._needs_escaping(arr) == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["u1", "u2", "u3", "", "中"])), max_size=14))
def test_runs_of_a_column_are_the_runs_of_its_dictionary_codes(values: list[str | None]) -> None:
    """``_runs``: the lengths of the runs of equal neighbours, as the column's dictionary codes give them
    (each null a run of its own, as a missing code never equals another)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from perfrules.batch._records import _runs

    col = pa.array(values, type=pa.string())
    codes = np.asarray(pc.dictionary_encode(col).indices.to_numpy(zero_copy_only=False))
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(values) else []
    want = np.diff(np.r_[starts, len(values)]).tolist() if len(values) else []
    assert _runs(col).tolist() == want
    assert sum(_runs(col).tolist()) == len(values)


_CELL = st.one_of(
    st.text(max_size=4), st.sampled_from(["", "a", "中", '"', "\\", "\x7f", "\x00", "\n"])
)


@st.composite
def _unit_runs(draw: st.DrawFn) -> tuple[list[str | None], list[int], int]:
    """A column's cells unit after unit, each unit's count, and an offset to slice the array at: often
    every unit the same run (the common case of a framework's indicator names), sometimes not."""
    k = draw(st.integers(0, 4))
    n = draw(st.integers(1, 5))
    run = draw(st.lists(_CELL, min_size=k, max_size=k))
    cells: list[str | None] = [c for _ in range(n) for c in run]
    counts = [k] * n
    change = draw(st.sampled_from(["none", "cell", "count", "null"]))
    if change == "cell" and cells:
        cells[draw(st.integers(0, len(cells) - 1))] = draw(_CELL)
    elif change == "count":
        extra = draw(st.lists(_CELL, min_size=1, max_size=3))
        cells += extra
        counts.append(len(extra))
    elif change == "null" and cells:
        cells[draw(st.integers(0, len(cells) - 1))] = None
    return cells, counts, draw(st.integers(0, 2))


@settings(max_examples=400, deadline=None)
@given(_unit_runs(), st.booleans())
def test_each_units_list_is_the_json_array_of_its_cells(
    case: tuple[list[str | None], list[int], int], plain: bool
) -> None:
    """``_list_parts`` (the columns of a record's ``cells``, ``indicators`` and ``categories``): joined,
    each unit's part is ``json.dumps`` of its run of cells — whether every unit has the same run
    (one text for the whole chunk), or not, with escapes, nulls and a sliced array."""
    import numpy as np
    import pyarrow as pa

    from perfrules.batch._records import _list_parts, _same_runs, join_lines

    cells, counts, offset = case
    arr = pa.array(["pad"] * offset + cells, type=pa.string()).slice(offset)
    if plain and any(c is None or json.dumps(c)[1:-1] != c for c in cells):
        plain = False  # ``plain`` promises cells JSON leaves as they are
    parts = _list_parts(arr, np.array(counts, dtype=np.int64), plain=plain)
    lines = join_lines(parts, len(counts)).to_pylist()
    same = len(counts) > 1 and counts[0] > 0 and len(set(counts)) == 1
    same = same and None not in cells and cells == cells[: counts[0]] * len(counts)
    assert _same_runs(arr, np.array(counts, dtype=np.int64)) == (
        cells[: counts[0]] if same else None
    )
    at = 0
    want = []
    for c in counts:
        want.append(json.dumps(cells[at : at + c], ensure_ascii=False, separators=(",", ":")))
        at += c
    assert lines == want


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.lists(st.one_of(st.none(), st.integers(-3, 10**12)), max_size=9),
        st.lists(st.one_of(st.none(), st.booleans()), max_size=9),
    ),
    st.lists(st.integers(0, 3), min_size=1, max_size=4),
)
def test_each_units_list_of_numbers_or_flags_is_its_json_array(
    values: list[int | bool | None], sizes: list[int]
) -> None:
    """``_list_parts`` of a number or boolean column (``rows``, ``level``, ``met``): each unit's part is
    ``json.dumps`` of its values (``null`` for a missing one), units with none included."""
    import numpy as np
    import pyarrow as pa

    from perfrules.batch._records import _list_parts, join_lines

    counts = [min(s, len(values) - sum(sizes[:i])) for i, s in enumerate(sizes)]
    counts = [max(c, 0) for c in counts]
    counts[-1] += len(values) - sum(counts)
    kind = pa.bool_() if any(isinstance(v, bool) for v in values) else pa.int64()
    parts = _list_parts(pa.array(values, type=kind), np.array(counts, dtype=np.int64))
    lines = join_lines(parts, len(counts)).to_pylist()
    at, want = 0, []
    for c in counts:
        want.append(json.dumps(values[at : at + c], separators=(",", ":")))
        at += c
    assert lines == want


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL | st.none(), min_size=1, max_size=6), st.booleans())
def test_each_units_text_is_its_json_string(values: list[str | None], repeat: bool) -> None:
    """``_string_parts`` (a record's ``unit``, ``total``, ``grade``, ``total_weight`` and ``lost``):
    each unit's part is ``json.dumps`` of its value (``null`` when missing), whether every unit has the
    same text (one literal) or not."""
    import pyarrow as pa

    from perfrules.batch._records import _string_parts, join_lines

    if repeat:
        values = values[:1] * len(values)
    parts = _string_parts(pa.array(values, type=pa.string()))
    lines = join_lines(parts, len(values)).to_pylist()
    assert lines == [json.dumps(v, ensure_ascii=False) for v in values]
