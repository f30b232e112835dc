"""The batch runner: read the long table in chunks of whole units, score each chunk, write as it goes.

Per chunk: the table-level checks (contiguous rows, per-unit columns that
agree, a ``spec`` cell that loads) and base resolution; then the vectorised
scorer (:func:`perfrules.batch._vector.score_chunk`, when NumPy and pyarrow
import, the engine allows it and no audit is asked for) gets the chunk, and
every unit it leaves out is scored on the pure path (``perfrules.evaluate``,
one unit at a time: no Evaluation outlives its unit). Results go to the
writers in unit order. Memory holds one chunk of rows, the summary's tallies
and the writers' buffers — nothing that grows with the number of units
except the set of unit ids the contiguity check needs.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from perfrules._atomic import Transaction
from perfrules._errors import Problem, SpecError, format_path
from perfrules.batch._audit import AuditWriter, problem_document
from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    STATUS_ERROR,
    STATUS_OK,
    UNIT_COLUMNS,
    Chunk,
    ChunkResult,
)
from perfrules.batch._summary import BatchSummary, Tally
from perfrules.batch._table import Table, read_table, table_problem
from perfrules.batch._unit import Bases, Prepared, UnitRows, build, prepare
from perfrules.batch._write import FORMATS, TableWriter, pyarrow_available, sibling
from perfrules.core import Evaluation, evaluate, to_document

Engine = Literal["auto", "pure", "vector"]
ENGINES: tuple[str, ...] = ("auto", "pure", "vector")
PROBLEM_COLUMNS: tuple[str, ...] = ("unit", "code", "file", "row", "column", "field", "error", "error_en")
CHUNK_UNITS = 500  # units per chunk
BUDGET_ROW = "budget_execution"  # the indicator id of the 预算执行率 row in the indicators table

Progress = Callable[[int, int], None]  # (units done, units in all)
ChunkScorer = Callable[[Chunk], ChunkResult]


class EngineUnavailable(RuntimeError):
    """``engine="vector"`` without NumPy, pyarrow or the vectorised module."""


def vector_scorer(engine: str) -> ChunkScorer | None:
    """The vectorised chunk scorer the engine asks for, or ``None`` for the pure path only."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "pure":
        return None
    try:
        importlib.import_module("numpy")
        importlib.import_module("pyarrow")
        module = importlib.import_module("perfrules.batch._vector")
    except ImportError:
        if engine == "vector":
            raise EngineUnavailable("the vectorised engine needs NumPy and pyarrow: pip install 'perfrules[batch]'") from None
        return None
    scorer: ChunkScorer = module.score_chunk
    return scorer


# ---------------------------------------------------------------------------
# results of one unit


def _columns(names: Sequence[str]) -> dict[str, list[Any]]:
    return {c: [] for c in names}


@attrs.frozen(eq=False)
class UnitResult:
    """One unit's outcome as :func:`score_units` yields it.

    ``status`` is ``"ok"`` or ``"error"``; ``row`` the unit's row of the units
    table; ``indicators`` and ``categories`` its rows of those tables (dicts of
    the table's columns); ``problems`` every problem of a failed unit;
    ``evaluation`` the unit's :class:`~perfrules.Evaluation` when the pure path
    scored it (``None`` for a unit the vectorised engine scored or one that
    failed).
    """

    unit: str
    status: str
    row: dict[str, Any]
    indicators: tuple[dict[str, Any], ...] = ()
    categories: tuple[dict[str, Any], ...] = ()
    problems: tuple[Problem, ...] = ()
    evaluation: Evaluation | None = None


class _Out:
    """The four output tables of one chunk, column by column, in unit order."""

    def __init__(self) -> None:
        self.units = _columns(UNIT_COLUMNS)
        self.indicators = _columns(INDICATOR_COLUMNS)
        self.categories = _columns(CATEGORY_COLUMNS)
        self.problems = _columns(PROBLEM_COLUMNS)

    def ok(self, unit: str, ev: Evaluation) -> None:
        row: tuple[Any, ...] = (unit, STATUS_OK, str(ev.total), ev.grade, str(ev.total_weight), str(ev.lost), len(ev.warnings),
               None, None, None, None, None, None)  # fmt: skip
        for c, v in zip(UNIT_COLUMNS, row, strict=True):
            self.units[c].append(v)
        ind = self.indicators
        for r in ev.indicators:
            for c, v in zip(INDICATOR_COLUMNS, (unit, r.id, r.category, str(r.weight), str(r.score), str(r.lost), r.met),
                            strict=True):  # fmt: skip
                ind[c].append(v)
        be = ev.budget_execution
        if be is not None:
            for c, v in zip(INDICATOR_COLUMNS, (unit, BUDGET_ROW, None, str(be.weight), str(be.score), str(be.lost), None),
                            strict=True):  # fmt: skip
                ind[c].append(v)
        for cat in ev.categories:
            for c, v in zip(CATEGORY_COLUMNS, (unit, cat.id, cat.name, cat.level, str(cat.weight), str(cat.score)),
                            strict=True):  # fmt: skip
                self.categories[c].append(v)

    def error(self, unit: str, problems: Sequence[Problem]) -> None:
        first = problems[0]
        more = len(problems) - 1
        field = format_path(first.path)
        zh = (f"{field}：" if field else "") + first.text("zh")
        en = (f"{field}: " if field else "") + first.text("en")
        if more:
            zh += f"（另有{more}个问题，见 problems 表）"
            en += f" (and {more} more problem{'s' if more > 1 else ''}: see the problems table)"
        row: tuple[Any, ...] = (unit, STATUS_ERROR, None, None, None, None, None, first.code, first.file, first.line, first.column, zh, en)
        for c, v in zip(UNIT_COLUMNS, row, strict=True):
            self.units[c].append(v)
        for p in problems:
            values = (unit, p.code, p.file, p.line, p.column, format_path(p.path), p.text("zh"), p.text("en"))
            for c, v in zip(PROBLEM_COLUMNS, values, strict=True):
                self.problems[c].append(v)

    def extend(self, result: ChunkResult, spans: tuple[range, range, range]) -> None:
        """Append one unit of a vectorised result, given its row spans in the three tables."""
        pairs = ((self.units, result.units, UNIT_COLUMNS, spans[0]),
                 (self.indicators, result.indicators, INDICATOR_COLUMNS, spans[1]),
                 (self.categories, result.categories, CATEGORY_COLUMNS, spans[2]))  # fmt: skip
        for table, source, cols, span in pairs:
            for c in cols:
                values = source[c]
                table[c].extend(_plain(values[r]) for r in span)

def _plain(value: Any) -> Any:
    """A cell value as a plain Python object (NumPy or Arrow scalars → int/bool/str/None)."""
    as_py = getattr(value, "as_py", None)
    if callable(as_py):
        return as_py()
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, str) else value


def _runs(units_col: Sequence[Any], ids: Sequence[str]) -> dict[str, range]:
    """Row span of each unit id in a column sorted by unit (contiguous runs)."""
    out: dict[str, range] = {}
    start = 0
    n = len(units_col)
    while start < n:
        u = _plain(units_col[start])
        stop = start + 1
        while stop < n and _plain(units_col[stop]) == u:
            stop += 1
        out[str(u)] = range(start, stop)
        start = stop
    return {i: out.get(i, range(0)) for i in ids}


# ---------------------------------------------------------------------------
# reading units in chunks


@attrs.frozen(eq=False)
class _Pending:
    """A unit read from the table: its rows, or the problem that already failed it."""

    rows: UnitRows
    problems: tuple[Problem, ...] = ()
    skip: bool = False  # a later run of a unit whose rows are not contiguous (reported with its first run)


def _units(table: Table, block_rows: int) -> Iterator[_Pending]:
    """The table's units in order, each with all its rows (a stray run of a unit is flagged)."""
    reported: set[str] = set()
    current: str | None = None
    cells: dict[str, list[str]] = {}
    rows: list[int] = []

    def finish() -> _Pending:
        assert current is not None
        unit_rows = UnitRows(current, table.file, table.folder, table.header, cells, rows)
        # rows the reader could not read as they stand (every run of the unit's): the unit fails with them alone,
        # since any other problem of its rows may only follow from what was not read
        unread = tuple(table.issues.get(current, ()))
        if current in table.strays:
            if current in reported:
                return _Pending(unit_rows, skip=True)
            reported.add(current)
            resume = table.strays[current]
            return _Pending(unit_rows, (table_problem(
                "not-contiguous", table.file,
                f"the rows of unit {current!r} are not contiguous: rows {rows[0]}–{rows[-1]}, then again from row "
                f"{resume}; keep each unit's rows together",
                f"单位“{current}”的行不连续：第{rows[0]}—{rows[-1]}行之后，又从第{resume}行起出现；同一单位的行须相邻",
                row=resume, column=table.header["unit"], column_name="unit",
            ), *unread))  # fmt: skip
        if not current:
            return _Pending(unit_rows, (unit_rows.problem("missing-unit", "the row has no unit id",
                                                          "该行未填写单位（unit 列）", column="unit"), *unread))  # fmt: skip
        return _Pending(unit_rows, unread)

    for block in table.blocks(block_rows):
        unit_col = block.columns["unit"]
        for r, row_no in enumerate(block.rows):
            unit = unit_col[r].strip()
            if unit != current:
                if current is not None:
                    yield finish()
                current = unit
                cells = {c: [] for c in block.columns}
                rows = []
            for c, values in block.columns.items():
                cells[c].append(values[r])
            rows.append(row_no)
    if current is not None:
        yield finish()


def _chunks(table: Table, chunk_units: int) -> Iterator[list[_Pending]]:
    batch: list[_Pending] = []
    for pending in _units(table, max(chunk_units * 4, 1024)):
        batch.append(pending)
        if len(batch) >= chunk_units:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------------------
# scoring one chunk


def _make_chunk(table: Table, prepared: list[Prepared], first_unit: int) -> Chunk:
    columns: dict[str, list[str]] = {c: [] for c in table.header}
    rows: list[int] = []
    starts: list[int] = []
    stops: list[int] = []
    for p in prepared:
        starts.append(len(rows))
        for c in columns:
            columns[c].extend(p.rows.cells[c])
        rows.extend(p.rows.rows)
        stops.append(len(rows))
    return Chunk(
        file=table.file, columns=columns, column_numbers=dict(table.header), rows=rows,
        units=[p.rows.unit for p in prepared], starts=starts, stops=stops,
        bases=[p.base_spec for p in prepared], inline=[p.inline for p in prepared],
        refs=[p.values.get("spec", ("", 0))[0] for p in prepared], first_unit=first_unit,
    )  # fmt: skip


@attrs.frozen(eq=False)
class _Scored:
    """One chunk's output tables, and how many units each engine scored."""

    out: _Out
    vector: int
    pure: int
    rows: list[UnitRows] = attrs.field(factory=list)  # the rows of each output unit, in output order


def _score_chunk(table: Table, chunk: list[_Pending], bases: Bases, scorer: ChunkScorer | None, first_unit: int,
                 on_unit: Callable[[str, Evaluation | None, tuple[Problem, ...]], None] | None) -> _Scored:  # fmt: skip
    failed: dict[int, tuple[Problem, ...]] = {}
    ready: dict[int, Prepared] = {}
    for k, pending in enumerate(chunk):
        if pending.skip:
            continue
        if pending.problems:
            failed[k] = pending.problems
            continue
        try:
            ready[k] = prepare(pending.rows, bases)
        except SpecError as err:
            failed[k] = err.problems
    vector_done: dict[int, tuple[range, range, range]] = {}
    result: ChunkResult | None = None
    if scorer is not None and ready:
        order = list(ready)
        result = scorer(_make_chunk(table, [ready[k] for k in order], first_unit))
        unscored = set(result.unscored)
        scored_ids = [ready[k].rows.unit for j, k in enumerate(order) if j not in unscored]
        if [str(_plain(u)) for u in result.units["unit"]] != scored_ids:
            raise RuntimeError("the vectorised scorer's units do not match the chunk's units minus the unscored ones")
        ind = _runs(result.indicators["unit"], scored_ids)
        cat = _runs(result.categories["unit"], scored_ids)
        n = 0
        for j, k in enumerate(order):
            if j in unscored:
                continue
            unit = ready[k].rows.unit
            vector_done[k] = (range(n, n + 1), ind[unit], cat[unit])
            n += 1
    out = _Out()
    pure = 0
    unit_rows: list[UnitRows] = []
    for k, pending in enumerate(chunk):
        if pending.skip:
            continue
        unit = pending.rows.unit
        if k in failed:
            out.error(unit, failed[k])
            unit_rows.append(pending.rows)
            if on_unit is not None:
                on_unit(unit, None, failed[k])
            continue
        if k in vector_done:
            assert result is not None
            out.extend(result, vector_done[k])
            unit_rows.append(pending.rows)
            if on_unit is not None:
                on_unit(unit, None, ())
            continue
        try:
            spec, actuals = build(ready[k], bases)
            ev = evaluate(spec, actuals)
        except SpecError as err:
            out.error(unit, err.problems)
            unit_rows.append(pending.rows)
            if on_unit is not None:
                on_unit(unit, None, err.problems)
            continue
        pure += 1
        out.ok(unit, ev)
        unit_rows.append(pending.rows)
        if on_unit is not None:
            on_unit(unit, ev, ())
        del ev
    return _Scored(out, len(vector_done), pure, unit_rows)


def _scored_chunks(table: Table, *, engine: str, chunk_units: int, audit: bool,
                   on_unit: Callable[[str, Evaluation | None, tuple[Problem, ...]], None] | None) -> Iterator[_Scored]:  # fmt: skip
    scorer = vector_scorer(engine)
    if audit:
        scorer = None  # the audit needs every unit's Evaluation: the pure path makes it
    bases = Bases(table.folder, table.file)
    first = 0
    for chunk in _chunks(table, chunk_units):
        scored = _score_chunk(table, chunk, bases, scorer, first, on_unit)
        first += len(chunk)
        yield scored


FAST_CHUNK_UNITS = 10_000  # units per chunk on the columnar runner
AUDIT_LEVELS: tuple[str, ...] = ("full", "record")


def _write_records(writer: AuditWriter, table: Table, scored: Any) -> None:
    """Audit records of one chunk's units (``audit_level="record"``)."""
    import numpy as np
    import pyarrow as pa

    from perfrules.batch._records import lines_for

    o = scored.out
    cols = {"units": UNIT_COLUMNS, "indicators": INDICATOR_COLUMNS, "categories": CATEGORY_COLUMNS,
            "problems": PROBLEM_COLUMNS}  # fmt: skip
    from perfrules.batch._write import _arrow_table, _schema

    tables = {name: _arrow_table(_schema(names), names, getattr(o, name)) for name, names in cols.items()}
    arrays = {name: {c: t.column(c).combine_chunks() for c in t.column_names} for name, t in tables.items()}
    if hasattr(scored, "cells"):  # the columnar runner carries the cells as Arrow arrays already
        cells, rows, counts = scored.cells, scored.row_numbers, scored.row_counts
    else:
        names = list(table.header)
        cells = {c: pa.array([v for r in scored.rows for v in r.cells.get(c, [""] * len(r.rows))], type=pa.string())
                 for c in names}  # fmt: skip
        rows = np.array([n for r in scored.rows for n in r.rows], dtype=np.int64)
        counts = np.array([len(r.rows) for r in scored.rows], dtype=np.int64)
    lines, ids = lines_for(table=table.file, folder=str(Path(table.folder).resolve()), units=arrays["units"],
                           indicators=arrays["indicators"], categories=arrays["categories"],
                           problems=arrays["problems"], cells=cells, rows=rows, row_counts=counts)  # fmt: skip
    writer.write_block(lines, ids)


def _fast_module(table: Table, engine: str, audit: bool) -> Any:
    """The columnar runner (perfrules.batch._fast) when it applies to this run, else None."""
    scorer = vector_scorer(engine)
    if engine == "pure" or audit or scorer is None:
        return None
    try:
        module = importlib.import_module("perfrules.batch._fast")
    except ImportError:  # the vectorised module is not the real one (a stand-in scorer): chunk by chunk
        return None
    if module.score_chunk is not scorer:  # a stand-in scorer is in use: chunk by chunk, through it
        return None
    return module if module.usable(table) else None


# ---------------------------------------------------------------------------
# public API


def score_units(table: Table | str | os.PathLike[str], *, engine: str = "auto",
                chunk_units: int = CHUNK_UNITS) -> Iterator[UnitResult]:  # fmt: skip
    """Score every unit of a long table, yielding one :class:`UnitResult` per unit in table order.

    ``table`` is a path (CSV or Parquet) or a table from
    :func:`~perfrules.batch.read_table` / :func:`~perfrules.batch.table_from_columns`.
    Nothing is written. Units are scored chunk by chunk, so the caller holds at
    most one chunk of results unless it keeps them.
    """
    t = table if isinstance(table, Table) else read_table(table)
    evaluations: dict[str, tuple[Evaluation | None, tuple[Problem, ...]]] = {}

    def keep(unit: str, ev: Evaluation | None, problems: tuple[Problem, ...]) -> None:
        evaluations[unit] = (ev, problems)

    for scored in _scored_chunks(t, engine=engine, chunk_units=chunk_units, audit=False, on_unit=keep):
        out = scored.out
        ids = [str(u) for u in out.units["unit"]]
        ind = _runs(out.indicators["unit"], ids)
        cat = _runs(out.categories["unit"], ids)
        for k, unit in enumerate(ids):
            ev, problems = evaluations.pop(unit, (None, ()))
            yield UnitResult(
                unit=unit, status=out.units["status"][k], row={c: out.units[c][k] for c in UNIT_COLUMNS},
                indicators=tuple({c: out.indicators[c][r] for c in INDICATOR_COLUMNS} for r in ind[unit]),
                categories=tuple({c: out.categories[c][r] for c in CATEGORY_COLUMNS} for r in cat[unit]),
                problems=problems, evaluation=ev,
            )  # fmt: skip
        evaluations.clear()


def output_paths(out: str | os.PathLike[str]) -> dict[str, Path]:
    """The files a run writes for ``OUT``: units, indicators, categories and problems tables."""
    p = Path(out)
    return {"units": p, "indicators": sibling(p, "indicators"), "categories": sibling(p, "categories"),
            "problems": sibling(p, "problems")}  # fmt: skip


def run_batch(path: str | os.PathLike[str] | Table, out: str | os.PathLike[str], *,
              audit: str | os.PathLike[str] | None = None, engine: str = "auto", progress: Progress | None = None,
              chunk_units: int = CHUNK_UNITS, use_pyarrow: bool | None = None,
              audit_level: str = "full") -> BatchSummary:  # fmt: skip
    """Score every unit of the long table at ``path`` and write the result tables (docs/batch.md).

    Writes ``out`` (units) and, beside it, ``<stem>.indicators<suffix>``,
    ``<stem>.categories<suffix>`` and ``<stem>.problems<suffix>`` (CSV or
    Parquet by ``out``'s suffix), all atomically: each goes to a temporary file
    in the same folder and is renamed into place only when the whole run has
    succeeded. With ``audit``, every unit's explanation document is streamed
    to that JSON-lines file (and its index, for :func:`explain`):
    ``audit_level="full"`` writes the core's evaluation document of every unit
    (the pure path scores every unit), ``"record"`` the unit's audit record
    (every input cell and every output; :func:`explain` turns it into the full
    document on demand) at batch speed. Returns the
    summary; a unit that fails is an error row, never an exception. Raises
    :class:`~perfrules.SpecError` when the table cannot be read (unreadable
    file, unknown header …) and :class:`EngineUnavailable` for ``engine="vector"``
    without NumPy/pyarrow.
    """
    table = path if isinstance(path, Table) else read_table(path)
    paths = output_paths(out)
    suffix = paths["units"].suffix.lower()
    if suffix not in FORMATS:
        raise SpecError([table_problem("file", str(out), f"the output must end in .csv or .parquet, not {suffix or 'nothing'!r}",
                                       "输出文件须以 .csv 或 .parquet 结尾")])  # fmt: skip
    if FORMATS[suffix] == "parquet" and not (pyarrow_available() if use_pyarrow is None else use_pyarrow):
        raise EngineUnavailable("writing Parquet needs pyarrow: pip install 'perfrules[batch]'")
    vector_scorer(engine)  # fail early on an unavailable engine
    if audit_level not in AUDIT_LEVELS:
        raise ValueError(f"audit_level must be one of {', '.join(AUDIT_LEVELS)}, not {audit_level!r}")
    records = audit is not None and audit_level == "record"
    if records and not pyarrow_available():
        raise EngineUnavailable("audit records need pyarrow: pip install 'perfrules[batch]' (or audit_level='full')")
    full_audit = audit is not None and not records
    columns = {"units": UNIT_COLUMNS, "indicators": INDICATOR_COLUMNS, "categories": CATEGORY_COLUMNS,
               "problems": PROBLEM_COLUMNS}  # fmt: skip
    writers: dict[str, TableWriter] = {}
    audit_writer: AuditWriter | None = None
    outputs_tx = Transaction()  # every output of the run is committed as one generation, or none is
    try:
        for name, p in paths.items():
            writers[name] = TableWriter(p, columns[name], use_pyarrow=use_pyarrow, transaction=outputs_tx)
        if audit is not None:
            audit_writer = AuditWriter(audit, transaction=outputs_tx)
        sink = audit_writer if full_audit else None

        def on_unit(unit: str, ev: Evaluation | None, problems: tuple[Problem, ...]) -> None:
            if sink is None:
                return
            if ev is not None:
                sink.write(unit, to_document(ev))
            elif problems:
                sink.write(unit, {"unit": unit, "status": STATUS_ERROR, "problems": [problem_document(p) for p in problems]})

        tally = Tally()
        done = 0
        fast = _fast_module(table, engine, full_audit)
        chunks: Iterator[Any] = (
            fast.scored_chunks(table, chunk_units=max(chunk_units, FAST_CHUNK_UNITS)) if fast is not None
            else _scored_chunks(table, engine=engine, chunk_units=chunk_units, audit=full_audit, on_unit=on_unit)
        )  # fmt: skip
        for scored in chunks:
            o = scored.out
            writers["units"].write(o.units)
            writers["indicators"].write(o.indicators)
            writers["categories"].write(o.categories)
            writers["problems"].write(o.problems)
            if fast is not None:
                fast.tally_arrays(tally, o.units, o.indicators)
            else:
                tally.add(o.units, o.indicators)
            if records and audit_writer is not None:
                _write_records(audit_writer, table, scored)
            tally.engine("vector", scored.vector)
            tally.engine("pure", scored.pure)
            done += len(o.units["unit"])
            if progress is not None:
                progress(done, table.unit_count)
        for w in writers.values():
            w.commit()  # finishes each table; the transaction renames them
        if audit_writer is not None:
            audit_writer.commit()
        outputs_tx.commit()
    except BaseException:
        outputs_tx.abort()  # removes every temporary file; previous outputs stay whole
        raise
    outputs = [str(p) for p in paths.values()] + ([str(audit)] if audit is not None else [])
    return tally.summary(outputs)

