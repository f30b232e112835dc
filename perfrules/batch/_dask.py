"""The Dask route: a long table in many files, scored on a Dask cluster (docs/batch.md, "Scaling
beyond one machine").

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

A unit **cut at file boundaries** (the last unit of a file, the only unit of
any files after it, the first of the next: its rows one run, as if the files
were one table) is scored whole by one more task, from all its rows gathered
into an in-memory table; its results replace the parts' pieces of it, every
location in them mapped back to the file, row and column the cell came from.
Any other unit whose rows are in more than one file fails once, at its first
appearance, with ``not-contiguous`` located at its first row in the next file
holding it; its rows in the other files are dropped. Everything else is
exactly what ``perfrules batch`` writes for each file, concatenated in the
order of ``paths`` (tests/test_batch_dask.py compares them byte for byte).
"""

from __future__ import annotations

import glob
import heapq
import itertools
import json
import operator
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfrules._atomic import Transaction
from perfrules._errors import MissingExtraError, Problem, SpecError
from perfrules._messages import message
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
from perfrules.batch._table import read_table, table_from_columns, table_problem
from perfrules.batch._write import FORMATS, TableWriter

__all__ = ["Progress", "dask_missing", "run_dask", "table_files"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: units scored so far and units in all, called as each file's part
finishes."""

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
    """The files ``paths`` names, in order: each a file, or a glob pattern expanded in sorted
    order."""
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    files: list[str] = []
    for p in given:
        text = os.fspath(p)
        if _GLOB & set(text):
            matched = sorted(glob.glob(text))
            if not matched:
                raise SpecError(
                    [table_problem("file", text, *message(("file", "no-match"), pattern=text))]
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
    """Scan: the file's unit count (raises SpecError for an unreadable table, as ``perfrules
    batch`` does)."""
    return read_table(path).unit_count


@attrs.frozen
class _Part:
    """What the client keeps of a scored part: a few numbers and its edge units, never its ids."""

    index: int
    units: int
    engines: tuple[tuple[str, int], ...]
    first: str | None  # its units table's first unit (None: no unit)
    last: str | None  # and its last


def _ids_path(out: str) -> str:
    """Where a part's sorted unit ids are kept (beside its four tables)."""
    return str(Path(out).with_suffix(".ids.parquet"))


def _score_part(
    index: int, path: str, out: str, audit: str | None, *, engine: str, audit_level: AuditLevel
) -> _Part:
    """Score: one file with the exact engine, its four tables written as Parquet at ``out`` and
    beside it.

    With ``audit``, the part's audit trail (at ``audit_level``) is written there too. The part's
    unit ids, sorted and without repeats, are written beside it for the client's streaming search
    of units found in more than one file.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    summary = run_batch(path, out, engine=engine, audit=audit, audit_level=audit_level)
    ids = pq.read_table(out, columns=["unit"]).column("unit")
    unique = pc.unique(ids)
    pq.write_table(pa.table({"unit": unique.take(pc.sort_indices(unique))}), _ids_path(out))
    return _Part(
        index=index,
        units=summary.units,
        engines=summary.engines,
        first=ids[0].as_py() if len(ids) else None,
        last=ids[-1].as_py() if len(ids) else None,
    )


def _first_row(path: str, unit: str) -> tuple[int, int]:
    """The row of ``unit``'s first row in the file at ``path``, and the file's ``unit`` column
    number."""
    table = read_table(path)
    for block in table.blocks():
        for cell, row in zip(block.columns["unit"], block.rows, strict=True):
            if cell.strip() == unit:
                return row, table.header["unit"]
    raise AssertionError(f"unit {unit!r} not found again in {path}")  # pragma: no cover


# ---------------------------------------------------------------------------
# the run


def _distributed() -> Any:
    """The ``distributed`` module (untyped: used through ``Any``), after checking the extra is
    installed."""
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
    """Score the units of a long table kept in many files on a Dask cluster; write the four result
    tables.

    ``paths``: CSV or Parquet files (or XLSX), or glob patterns, in order —
    the parts of one table; each file is one partition of whole units (a
    unit cut at a file boundary is scored whole apart, see the module
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
                    "the output must end in .csv or .parquet, "
                    f"not {final['units'].suffix or 'nothing'!r}",
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
        edges = _Edges.of(done_parts, _repeated([_ids_path(p) for p in part_out]))
        chains = _chains(edges)
        whole = _score_whole(on, files, chains, parts_dir, audit is not None, audit_level, engine)
        audits = (
            None
            if audit is None
            else (Path(audit), [Path(a) for a in part_audit if a], audit_level)
        )
        summary = _merge(files, part_out, final, done_parts, audits, edges, whole)
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


def _id_stream(path: str, batch: int, part: int) -> Iterator[tuple[str, int]]:
    """A part's sorted unit ids, each with the part's number, read a batch at a time."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as f:
        for got in f.iter_batches(batch_size=batch, columns=["unit"]):
            for unit in got.column(0).to_pylist():
                yield unit, part


def _repeated(ids_files: Sequence[str]) -> dict[str, list[int]]:
    """Units found in more than one part: unit → the parts holding it, in order.

    A streaming k-way merge of the parts' sorted id files: the client holds one
    batch of ids per part and the repeated units, never every unit id (its
    memory does not grow with the units, only with the files and the units that
    are in more than one of them).
    """
    batch = max(64, 262_144 // max(1, len(ids_files)))
    streams = [_id_stream(p, batch, i) for i, p in enumerate(ids_files)]
    repeated: dict[str, list[int]] = {}
    for unit, held in itertools.groupby(heapq.merge(*streams), key=operator.itemgetter(0)):
        holders = [i for _, i in held]
        if len(holders) > 1:
            repeated[unit] = holders
    return repeated


@attrs.frozen
class _Edges:
    """The parts as the merge needs them: the units found in more than one (with the parts holding
    each), and each part's first and last unit and unit count."""

    repeated: Mapping[str, Sequence[int]]
    first: Sequence[str | None]
    last: Sequence[str | None]
    units: Sequence[int]

    @classmethod
    def of(cls, parts: Sequence[_Part], repeated: Mapping[str, Sequence[int]]) -> _Edges:
        ordered = sorted(parts, key=lambda p: p.index)
        return cls(
            repeated=repeated,
            first=[p.first for p in ordered],
            last=[p.last for p in ordered],
            units=[p.units for p in ordered],
        )

    def only(self, part: int, unit: str) -> bool:
        """Whether ``unit`` is the only unit of ``part``."""
        return self.units[part] == 1 and self.first[part] == unit


def _straddlers(edges: _Edges) -> dict[str, tuple[int, int]]:
    """Units found in more than one part: unit → (its first part, the next part holding it)."""
    return {unit: (parts[0], parts[1]) for unit, parts in edges.repeated.items()}


def _chains(edges: _Edges) -> dict[str, tuple[int, int]]:
    """Units cut at file boundaries: unit → (first part, last part) of its rows.

    A unit qualifies when it is the last unit of its first part, the only unit
    of every part between, the first unit of its last part, and in no other
    part: its rows would be one run if the files were one table. (Whether its
    rows really are one run in each file is checked when they are read.)
    """
    chains: dict[str, tuple[int, int]] = {}
    for unit, parts in edges.repeated.items():
        lo, hi = parts[0], parts[-1]
        if list(parts) != list(range(lo, hi + 1)):
            continue
        if edges.last[lo] != unit or edges.first[hi] != unit:
            continue
        if all(edges.only(m, unit) for m in range(lo + 1, hi)):
            chains[unit] = (lo, hi)
    return chains


@attrs.frozen
class _Whole:
    """A unit cut at file boundaries, scored whole: its four tables (and audit) and where its
    rows came from."""

    out: str
    audit: str | None
    token: str  # the file name its in-memory table had (replaced by the real files in the outputs)
    rows: tuple[tuple[str, int], ...]  # (file, row) of each row of that table, in order
    columns: tuple[str, ...]  # that table's columns, in order (column k is columns[k - 1])
    headers: Mapping[str, Mapping[str, int]]  # each file's columns: name → column number


_Gathered = tuple[dict[str, list[str]], list[tuple[str, int]], dict[str, dict[str, int]]]


def _gather(unit: str, files: Sequence[str]) -> _Gathered | None:
    """The unit's rows: the last run of the first file, every row of the files between, the first
    run of the last.

    ``None`` when they are not one run in each file (the unit then fails as not contiguous).
    """
    columns: dict[str, list[str]] = {}
    origin: list[tuple[str, int]] = []
    headers: dict[str, dict[str, int]] = {}
    last = len(files) - 1
    for k, path in enumerate(files):
        table = read_table(path)
        headers[path] = dict(table.header)
        run: list[tuple[dict[str, str], int]] = []
        ended = False
        for block in table.blocks():
            names = list(block.columns)
            for r, row in enumerate(block.rows):
                cells = {c: block.columns[c][r] for c in names}
                if not any(v.strip() for v in cells.values()):
                    continue  # a blank record: skipped, as perfrules batch skips it
                if cells.get("unit", "").strip() == unit:
                    if ended:
                        return None  # the unit resumes after another unit in this file
                    run.append((cells, row))
                elif k == 0:
                    run = []  # the first file: only the unit's last run counts
                elif run or k < last:
                    if k < last:
                        return None  # a file between holds another unit
                    ended = True
                else:
                    return None  # the last file does not begin with the unit
        if not run:
            return None
        for cells, row in run:
            for c in set(cells) - set(columns):
                columns[c] = [""] * len(origin)
            for c in columns:
                columns[c].append(cells.get(c, ""))
            origin.append((path, row))
    return columns, origin, headers


def _score_one(
    unit: str,
    files: Sequence[str],
    out: str,
    audit: str | None,
    *,
    engine: str,
    audit_level: AuditLevel,
) -> _Whole | None:
    """Score a unit cut at file boundaries from all its rows, as one in-memory table (a task)."""
    got = _gather(unit, files)
    if got is None:
        return None
    columns, origin, headers = got
    token = f"{files[0]}#{unit}"
    table = table_from_columns(columns, file=token, folder=Path(files[0]).parent)
    run_batch(table, out, engine=engine, audit=audit, audit_level=audit_level)
    return _Whole(
        out=out,
        audit=audit,
        token=token,
        rows=tuple(origin),
        columns=tuple(columns),
        headers=headers,
    )


def _score_whole(
    on: Any,
    files: Sequence[str],
    chains: Mapping[str, tuple[int, int]],
    parts_dir: Path,
    audited: bool,
    audit_level: AuditLevel,
    engine: str,
) -> dict[str, _Whole]:
    """Score every unit cut at file boundaries whole, on the cluster; the ones whose rows are one
    run."""
    if not chains:
        return {}
    units = list(chains)
    outs = [str(parts_dir / f"whole-{k:05d}.parquet") for k in range(len(units))]
    audits = [
        str(parts_dir / f"whole-{k:05d}.audit.jsonl") if audited else None
        for k in range(len(units))
    ]
    spans = [list(files[chains[u][0] : chains[u][1] + 1]) for u in units]
    futures = on.map(
        _score_one, units, spans, outs, audits, engine=engine, audit_level=audit_level, pure=False
    )
    done = on.gather(futures)
    return {u: w for u, w in zip(units, done, strict=True) if w is not None}


def _split_problem(unit: str, files: Sequence[str], where: tuple[int, int]) -> Problem:
    path = files[where[1]]
    row, column = _first_row(path, unit)
    return table_problem(
        "not-contiguous",
        path,
        *message(
            ("not-contiguous", "files"), unit=unit, first_file=files[where[0]], path=path, row=row
        ),
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
    audits: tuple[Path, Sequence[Path], AuditLevel] | None,
    edges: _Edges,
    whole: Mapping[str, _Whole],
) -> BatchSummary:
    split = _straddlers(edges)
    failed = {u: _split_problem(u, files, where) for u, where in split.items() if u not in whole}
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
                _merge_audit(audit, i, audits[1][i], audits[2], split, failed, whole)
            for pieces in _part_pieces(i, output_paths(path), split, failed, whole):
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
    whole: Mapping[str, _Whole],
) -> None:
    """A part's audit lines, in order, into ``audit``; a unit found in another part: its line, once.

    That line is the unit's own, scored whole, when its rows are one run
    across the files; else its error line.
    """
    with open(index_path(part), encoding="utf-8") as idx, open(part, "rb") as lines:
        idx.readline()  # the head line: {"audit": name, "size": bytes}
        for entry in idx:
            unit, _, length = json.loads(entry)
            line = lines.read(length)
            if unit not in split:
                audit.write_line(unit, line.decode("utf-8").removesuffix("\n"))
            elif split[unit][0] == index and unit in whole:
                w = whole[unit]
                assert w.audit is not None
                with open(w.audit, encoding="utf-8") as fh:
                    for text in fh:
                        audit.write_line(unit, _relocated_line(text.removesuffix("\n"), w))
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
    whole: Mapping[str, _Whole],
) -> Iterator[dict[str, dict[str, Any]]]:
    """A part's four tables in unit order; a unit found in another part: at its first appearance its
    rows scored whole (when they are one run across the files) or its error, else dropped."""
    read = {name: _read_part(p) for name, p in tables.items()}
    if not any(u in split for u in read["units"].column("unit").to_pylist()):
        yield {name: _as_lists(read[name], _TABLES[name]) for name in _TABLES}
        return
    # in unit order: the runs of units kept as they are, and the error row of each unit split
    # between files
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
        if unit is not None and split[unit][0] == index and unit in whole:
            yield _relocated_tables(whole[unit])
        elif unit is not None and split[unit][0] == index:
            err = _Out()
            err.error(unit, [failed[unit]])
            yield {
                "units": err.units,
                "indicators": err.indicators,
                "categories": err.categories,
                "problems": err.problems,
            }
        start = k + 1


def _number(x: Any) -> int | None:
    return int(x) if isinstance(x, int) or (isinstance(x, str) and x.isdigit()) else None


def _relocate(w: _Whole, file: Any, row: Any, column: Any = None) -> tuple[Any, Any, Any]:
    """A location in the in-memory table of a unit scored whole, as the file, row and column it came
    from.

    Numbers keep their type (the problems table holds rows and columns as text).
    """
    if file != w.token:
        return file, row, column
    n, c = _number(row), _number(column)
    if n is None or not 2 <= n < len(w.rows) + 2:
        return w.rows[0][0], row, column  # the header (row 1) or no row: the unit's first file
    path, at = w.rows[n - 2]
    if c is not None and 1 <= c <= len(w.columns):
        own = w.headers[path].get(w.columns[c - 1])
        column = column if own is None else str(own) if isinstance(column, str) else own
    return path, str(at) if isinstance(row, str) else at, column


_LOCATED = {
    "units": ("error_file", "error_row", "error_column"),
    "problems": ("file", "row", "column"),
}


def _relocated_tables(w: _Whole) -> dict[str, dict[str, Any]]:
    """The four tables of a unit scored whole, its locations in the files its rows came from."""
    pieces: dict[str, dict[str, Any]] = {}
    for name, path in output_paths(w.out).items():
        cols = {c: _plain(v) for c, v in _as_lists(_read_part(path), _TABLES[name]).items()}
        if name in _LOCATED:
            fc, rc, cc = _LOCATED[name]
            moved = [
                _relocate(w, f, r, c) for f, r, c in zip(cols[fc], cols[rc], cols[cc], strict=True)
            ]
            cols[fc], cols[rc], cols[cc] = ([m[k] for m in moved] for k in range(3))
        pieces[name] = cols
    return pieces


def _relocated_line(text: str, w: _Whole) -> str:
    """A unit's audit line with its locations in the files its rows came from (a record: table
    and rows)."""
    doc = json.loads(text)
    if doc.get("table") == w.token:
        # the unit's first file; each row numbered in its own file (the record's schema has one
        # table)
        doc["table"] = w.rows[0][0]
        doc["rows"] = [_relocate(w, w.token, r)[1] for r in doc["rows"]]
    for p in doc.get("problems", ()):
        p["file"], p["row"], p["column"] = _relocate(
            w, p.get("file"), p.get("row"), p.get("column")
        )
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _tally(tally: Tally, pieces: Mapping[str, Mapping[str, Any]]) -> None:
    """Count a piece's units, grades and points lost: Arrow columns vectorised, an error row's
    lists as they are."""
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
