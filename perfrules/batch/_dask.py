"""The Dask route: a long table in many files, scored on a Dask cluster (docs/batch.md, "Scaling beyond one machine").

A thin seam over the public batch API, so that nothing of the scoring or of
the output formatting has a second copy:

1. **scan** — one task per file: :func:`~perfrules.batch.read_table` (the
   header checked, units counted). A file that cannot be read fails the whole
   run here, before any scoring, as ``perfrules batch`` fails on it.
2. **score** — one task per file, a partition of whole units:
   :func:`~perfrules.batch.run_batch` scores the file with the exact engine and
   writes its four tables as Parquet into a folder of parts beside ``out``
   (which the workers must see, like the input files and the ``spec`` paths).
   Progress counts the units of each part as it finishes.
3. **merge** — on the client, part after part in the order of ``paths``: the
   parts' rows go through perfrules' own table writers
   (:class:`~perfrules.batch._write.TableWriter`, CSV or Parquet by ``out``'s
   suffix) into the four outputs, committed together as one generation; the
   summary is tallied from the rows as ``perfrules batch`` tallies its own.

A unit whose rows are in **more than one file** is not scored from any part:
each file is a partition, and a unit's rows must be in one. It fails once, at
its first appearance, with ``not-contiguous`` located at its first row in the
next file holding it; its rows in the other files are dropped. Everything
else is exactly what ``perfrules batch`` writes for each file, concatenated in
the order of ``paths`` (tests/test_batch_dask.py compares them byte for byte).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfrules._atomic import Transaction
from perfrules._errors import MissingExtraError, Problem, SpecError
from perfrules._progress import progress_line
from perfrules.batch._audit import AuditWriter, index_path, problem_document
from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    PROBLEM_COLUMNS,
    STATUS_ERROR,
    UNIT_COLUMNS,
)
from perfrules.batch._chunked import _Out
from perfrules.batch._engines import AUDIT_LEVELS, AuditLevel
from perfrules.batch._records import error_line
from perfrules.batch._run import output_paths, run_batch
from perfrules.batch._summary import BatchSummary, Tally
from perfrules.batch._table import read_table, table_problem
from perfrules.batch._write import FORMATS, TableWriter

__all__ = ["Progress", "dask_missing", "run_dask", "table_files"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: units scored so far and units in all, called as each file's part finishes."""

_TABLES: dict[str, tuple[str, ...]] = {
    "units": UNIT_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
    "categories": CATEGORY_COLUMNS,
    "problems": PROBLEM_COLUMNS,
}
_GLOB = set("*?[")


def dask_missing() -> MissingExtraError:
    """The error for the Dask route without Dask, distributed or pyarrow installed."""
    return MissingExtraError(
        "dask",
        "the Dask route needs distributed and pyarrow",
        "Dask 分布式计分需要 distributed 和 pyarrow",
    )


def table_files(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """The files ``paths`` names, in order: each a file, or a glob pattern expanded in sorted order."""
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    files: list[str] = []
    for p in given:
        text = os.fspath(p)
        if _GLOB & set(text):
            matched = sorted(glob.glob(text))
            if not matched:
                raise SpecError(
                    [
                        table_problem(
                            "file",
                            text,
                            f"no file matches {text}",
                            f"没有与 {text} 相符的文件",
                        )
                    ]
                )
            files += matched
        else:
            files.append(text)
    if not files:
        raise ValueError("no input files")
    if len(set(files)) != len(files):
        raise ValueError(
            "a file is given twice: " + ", ".join(sorted({f for f in files if files.count(f) > 1}))
        )
    return files


# ---------------------------------------------------------------------------
# the tasks (module-level functions: workers import them by name)


def _count_units(path: str) -> int:
    """Scan: the file's unit count (raises SpecError for an unreadable table, as ``perfrules batch`` does)."""
    return read_table(path).unit_count


@attrs.frozen
class _Part:
    index: int
    units: int
    engines: tuple[tuple[str, int], ...]


def _score_part(
    index: int, path: str, out: str, audit: str | None, *, engine: str, audit_level: AuditLevel
) -> _Part:
    """Score: one file with the exact engine, its four tables written as Parquet at ``out`` and beside it.

    With ``audit``, the part's audit trail (at ``audit_level``) is written there too.
    """
    summary = run_batch(path, out, engine=engine, audit=audit, audit_level=audit_level)
    return _Part(index=index, units=summary.units, engines=summary.engines)


def _first_row(path: str, unit: str) -> tuple[int, int]:
    """The row of ``unit``'s first row in the file at ``path``, and the file's ``unit`` column number."""
    table = read_table(path)
    for block in table.blocks():
        for cell, row in zip(block.columns["unit"], block.rows, strict=True):
            if cell.strip() == unit:
                return row, table.header["unit"]
    raise AssertionError(f"unit {unit!r} not found again in {path}")  # pragma: no cover


# ---------------------------------------------------------------------------
# the run


def _distributed() -> Any:
    """The ``distributed`` module (untyped: used through ``Any``), after checking the extra is installed."""
    try:
        import distributed
        import pyarrow.parquet  # noqa: F401 - the parts are Parquet
    except ImportError:
        raise dask_missing() from None
    module: Any = distributed
    return module


def _client(client: Any) -> tuple[Any, Callable[[], None]]:
    """The client to run on, and how to close what was started here (nothing for a given client)."""
    if client is not None:
        return client, lambda: None
    dd = _distributed()
    try:
        return dd.get_client(), lambda: None
    except ValueError:  # no client yet: a local cluster for this run
        cluster = dd.LocalCluster(processes=False, dashboard_address=":0")
        started = dd.Client(cluster)

        def close() -> None:
            started.close()
            cluster.close()

        return started, close


def _read_part(path: Path) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(path)


def _columns(table: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {c: table.column(c).combine_chunks() for c in columns}


def run_dask(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    client: Any = None,
    engine: str = "auto",
    progress: Progress | bool | None = None,
    audit: str | os.PathLike[str] | None = None,
    audit_level: AuditLevel = "full",
) -> BatchSummary:
    """Score the units of a long table kept in many files on a Dask cluster; write the four result tables.

    ``paths``: CSV or Parquet files (or XLSX), or glob patterns, in order —
    the parts of one table; each file is one partition, so **a unit's rows
    must be in one file** (a unit found in two files fails, see the module
    docstring). ``out``: the units table, ``.parquet`` or ``.csv``; the
    indicators, categories and problems tables go beside it, as with
    ``perfrules batch``, and all four are committed together. ``client``: a
    ``distributed.Client`` (default: the current one, else a local cluster
    for the run). ``engine`` as in :func:`~perfrules.batch.run_batch`.
    ``progress``: a ``progress(done, total)`` callback; ``None`` (default) draws
    a live line on stderr when it is a terminal and nothing when it is piped;
    ``False``: none. ``audit``, ``audit_level``: as in
    :func:`~perfrules.batch.run_batch` — each part writes its audit trail, and
    the parts' lines are merged in file order into ``audit`` (a new index
    beside it), committed with the four tables: the same lines ``perfrules
    batch --audit`` writes for each file. Raises :class:`~perfrules.SpecError` when a file cannot be
    read, :class:`~perfrules.MissingExtraError` without the ``dask`` extra.
    """
    dd = _distributed()
    files = table_files(paths)
    final = output_paths(out)
    if final["units"].suffix.lower() not in FORMATS:
        raise SpecError(
            [
                table_problem(
                    "file",
                    str(out),
                    f"the output must end in .csv or .parquet, not {final['units'].suffix or 'nothing'!r}",
                    "输出文件须以 .csv 或 .parquet 结尾",
                )
            ]
        )
    if audit_level not in AUDIT_LEVELS:
        raise ValueError(f"audit_level must be one of {AUDIT_LEVELS}, not {audit_level!r}")
    outputs = [*final.values(), *([Path(audit), index_path(audit)] if audit is not None else [])]
    if {str(Path(f).resolve()) for f in files} & {str(p.resolve()) for p in outputs}:
        raise ValueError("an output would replace an input file")
    on, close = _client(client)
    parts_dir = final["units"].parent / f".{final['units'].stem}.dask-parts.{uuid.uuid4().hex}"
    try:
        counts = on.gather(on.map(_count_units, files, pure=False))
        total = sum(counts)
        parts_dir.mkdir()
        part_out = [str(parts_dir / f"part-{i:05d}.parquet") for i in range(len(files))]
        part_audit = [
            None if audit is None else str(parts_dir / f"part-{i:05d}.audit.jsonl")
            for i in range(len(files))
        ]
        futures = on.map(
            _score_part,
            range(len(files)),
            files,
            part_out,
            part_audit,
            engine=engine,
            audit_level=audit_level,
            pure=False,
        )
        parts: list[_Part | None] = [None] * len(files)
        with _progress(progress) as update:
            update(0, total)
            done = 0
            for future in dd.as_completed(futures):
                part: _Part = future.result()
                parts[part.index] = part
                done += part.units
                update(done, total)
        done_parts = [p for p in parts if p is not None]
        audits = (
            None
            if audit is None
            else (Path(audit), [Path(a) for a in part_audit if a], audit_level)
        )
        summary = _merge(files, part_out, final, done_parts, audits)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
        close()
    return attrs.evolve(summary, outputs=tuple(str(p) for p in final.values()))


def _progress(progress: Progress | bool | None) -> Any:
    if callable(progress):
        from contextlib import nullcontext

        return nullcontext(progress)
    return progress_line("评分（Dask）", enabled=progress is None or bool(progress))


# ---------------------------------------------------------------------------
# the merge: part after part, through perfrules' own writers


def _straddlers(part_out: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Units found in more than one part: unit → (its first part, the next part holding it)."""
    import pyarrow.parquet as pq

    first: dict[str, int] = {}
    split: dict[str, tuple[int, int]] = {}
    for i, path in enumerate(part_out):
        for unit in pq.read_table(path, columns=["unit"]).column("unit").to_pylist():
            if unit in first and first[unit] != i:
                split.setdefault(unit, (first[unit], i))
            first.setdefault(unit, i)
    return split


def _split_problem(unit: str, files: Sequence[str], where: tuple[int, int]) -> Problem:
    path = files[where[1]]
    row, column = _first_row(path, unit)
    return table_problem(
        "not-contiguous",
        path,
        f"the rows of unit {unit!r} are in more than one file: {files[where[0]]}, then {path} from row {row}; "
        "keep each unit's rows in one file",
        f"单位“{unit}”的行分在多个文件中：{files[where[0]]}，又在 {path} 第{row}行起出现；同一单位的行须在同一文件中",
        row=row,
        column=column,
        column_name="unit",
    )


def _rows_of(table: Any, keep: Callable[[str], bool]) -> Any:
    import pyarrow as pa

    mask = pa.array([keep(u) for u in table.column("unit").to_pylist()], type=pa.bool_())
    return table.filter(mask)


def _merge(
    files: Sequence[str],
    part_out: Sequence[str],
    final: Mapping[str, Path],
    parts: Sequence[_Part],
    audits: tuple[Path, Sequence[Path], AuditLevel] | None = None,
) -> BatchSummary:
    split = _straddlers(part_out)
    failed = {u: _split_problem(u, files, where) for u, where in split.items()}
    tx = Transaction()
    try:
        writers = {
            name: TableWriter(final[name], columns, transaction=tx)
            for name, columns in _TABLES.items()
        }
        audit = None if audits is None else AuditWriter(audits[0], transaction=tx)
        tally = Tally()
        for i, path in enumerate(part_out):
            if audit is not None and audits is not None:
                _merge_audit(audit, i, audits[1][i], audits[2], split, failed)
            for pieces in _part_pieces(i, output_paths(path), split, failed):
                for name, columns in pieces.items():
                    writers[name].write(columns)
                _tally(tally, pieces)
        for part in parts:
            for name, n in part.engines:
                tally.engine(name, n)
        for w in writers.values():
            w.commit()
        if audit is not None:
            audit.commit()
        tx.commit()
    except BaseException:
        tx.abort()
        raise
    return tally.summary()


def _merge_audit(
    audit: AuditWriter,
    index: int,
    part: Path,
    level: AuditLevel,
    split: Mapping[str, tuple[int, int]],
    failed: Mapping[str, Problem],
) -> None:
    """A part's audit lines, in order, into ``audit``; a unit found in another part: its error line, once."""
    with open(index_path(part), encoding="utf-8") as idx, open(part, "rb") as lines:
        idx.readline()  # the head line: {"audit": name, "size": bytes}
        for entry in idx:
            unit, _, length = json.loads(entry)
            line = lines.read(length)
            if unit not in split:
                audit.write_line(unit, line.decode("utf-8").removesuffix("\n"))
            elif split[unit][0] == index:
                problems = [problem_document(failed[unit])]
                if level == "record":
                    audit.write_line(unit, error_line(unit, problems).removesuffix("\n"))
                else:
                    audit.write(unit, {"unit": unit, "status": STATUS_ERROR, "problems": problems})


def _part_pieces(
    index: int,
    tables: Mapping[str, Path],
    split: Mapping[str, tuple[int, int]],
    failed: Mapping[str, Problem],
) -> Iterator[dict[str, dict[str, Any]]]:
    """A part's four tables in unit order, a unit found in another part replaced by its error (or dropped)."""
    read = {name: _read_part(p) for name, p in tables.items()}
    if not any(u in split for u in read["units"].column("unit").to_pylist()):
        yield {name: _as_lists(read[name], _TABLES[name]) for name in _TABLES}
        return
    # in unit order: the runs of units kept as they are, and the error row of each unit split between files
    units = read["units"].column("unit").to_pylist()
    start = 0
    for k, unit in enumerate([*units, None]):
        if unit is not None and unit not in split:
            continue
        kept = set(units[start:k])
        if kept:
            yield {
                name: _as_lists(_rows_of(read[name], kept.__contains__), _TABLES[name])
                for name in _TABLES
            }
        if unit is not None and split[unit][0] == index:
            err = _Out()
            err.error(unit, [failed[unit]])
            yield {
                "units": err.units,
                "indicators": err.indicators,
                "categories": err.categories,
                "problems": err.problems,
            }
        start = k + 1


def _tally(tally: Tally, pieces: Mapping[str, Mapping[str, Any]]) -> None:
    """Count a piece's units, grades and points lost: Arrow columns vectorised, an error row's lists as they are."""
    units, indicators = pieces["units"], pieces["indicators"]
    if isinstance(units["status"], list):
        tally.add(
            {c: units[c] for c in ("status", "grade")},
            {c: _plain(indicators[c]) for c in ("indicator", "lost")},
        )
    else:
        from perfrules.batch._columnar import tally_arrays

        tally_arrays(tally, dict(units), dict(indicators))


def _plain(values: Any) -> list[Any]:
    """An Arrow array's values as Python objects (a list as it is)."""
    return values if isinstance(values, list) else values.to_pylist()


def _as_lists(table: Any, columns: Sequence[str]) -> dict[str, Any]:
    return _columns(table, columns) if table.num_rows else {c: [] for c in columns}
