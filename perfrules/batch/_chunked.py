"""The chunk-by-chunk runner: the pure engine, and the vector engine chunk by chunk (docs/batch.md, "Engines").

The table is read in blocks by perfrules' own readers (``Table.blocks``) and
its units grouped into chunks of whole units. Per chunk: the table-level
checks (contiguous rows, per-unit columns that agree, a ``spec`` cell that
loads) and base resolution; then the chunk scorer, when the engine has one
(the vectorised path's :func:`perfrules.batch._vector.score_chunk`, or any
scorer keeping the contract of :mod:`perfrules.batch._chunk`), gets the
chunk, and every unit it leaves out is scored on the pure path
(``perfrules.evaluate``, one unit at a time: no Evaluation outlives its
unit). Results come out in unit order. Memory holds one chunk of rows and
results — nothing that grows with the number of units (the table scan found
the units whose rows are not contiguous beforehand, in bounded memory:
``perfrules.batch._table._UnitScan``).

:func:`_score_chunk` is also the columnar runner's pure path: it scores the
units the vectorised path leaves out there, so error rows are the same,
problem for problem, on every engine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from perfrules._errors import Problem, SpecError, format_path
from perfrules._messages import message
from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    PROBLEM_COLUMNS,
    STATUS_ERROR,
    STATUS_OK,
    UNIT_COLUMNS,
    Chunk,
    ChunkResult,
    ChunkScorer,
)
from perfrules.batch._engines import Engine, OnUnit, hand_over, score_unit, writes_documents
from perfrules.batch._shape import Shapes
from perfrules.batch._summary import Tally
from perfrules.batch._table import Table, scan_table, table_problem
from perfrules.batch._unit import Bases, Prepared, UnitRows, build, prepare
from perfrules.core import Evaluation, UnitDocument, evaluate

if TYPE_CHECKING:
    from perfrules.batch._records import RecordInputs

CHUNK_UNITS = 500  # units per chunk
BUDGET_ROW = "budget_execution"  # the indicator id of the 预算执行率 row in the indicators table


# ---------------------------------------------------------------------------
# the output tables of one chunk


def _columns(names: Sequence[str]) -> dict[str, list[Any]]:
    return {c: [] for c in names}


_ZERO = Decimal(0)


class _Out:
    """The four output tables of one chunk, column by column, in unit order."""

    def __init__(self) -> None:
        self.units = _columns(UNIT_COLUMNS)
        self.indicators = _columns(INDICATOR_COLUMNS)
        self.categories = _columns(CATEGORY_COLUMNS)
        self.problems = _columns(PROBLEM_COLUMNS)
        # the indicators table's positive losses as Tally.add counts them from its lost texts
        # (points and rows by indicator id, in first-seen order), counted from the numbers the
        # texts are written from
        self.points: dict[str, Decimal] = {}
        self.losing: dict[str, int] = {}

    def _count(self, idents: Sequence[str], losts: Sequence[Decimal]) -> None:
        points, losing = self.points, self.losing
        for ident, lost in zip(idents, losts, strict=True):
            if lost > 0:
                points[ident] = points.get(ident, _ZERO) + lost
                losing[ident] = losing.get(ident, 0) + 1

    def ok(self, unit: str, ev: Evaluation | UnitDocument) -> None:
        row: tuple[Any, ...] = (
            unit,
            STATUS_OK,
            str(ev.total),
            ev.grade,
            str(ev.total_weight),
            str(ev.lost),
            len(ev.warnings),
            None,
            None,
            None,
            None,
            None,
            None,
        )
        for c, v in zip(UNIT_COLUMNS, row, strict=True):
            self.units[c].append(v)
        ind = self.indicators
        if type(ev) is UnitDocument:  # its rows already column by column
            cols = ev.rows
            weights, scores = cols.weights, cols.scores
            ind["unit"].extend([unit] * len(weights))
            ind["indicator"].extend(cols.ids)
            ind["category"].extend(cols.categories)
            ind["weight"].extend(map(str, weights))
            ind["score"].extend(map(str, scores))
            losts = [w - s for w, s in zip(weights, scores, strict=True)]
            ind["lost"].extend(map(str, losts))
            ind["met"].extend(cols.mets)
            self._count(cols.ids, losts)
            self._categories(unit, ev)
            return
        # the rows' values, column by column (a unit's rows transposed at once)
        values = [
            (unit, r.id, r.category, str(r.weight), str(r.score), str(r.lost), r.met)
            for r in ev.indicators
        ]
        if values:
            for c, column in zip(INDICATOR_COLUMNS, zip(*values, strict=True), strict=True):
                ind[c].extend(column)
            self._count([r.id for r in ev.indicators], [r.lost for r in ev.indicators])
        be = ev.budget_execution
        if be is not None:
            for c, v in zip(
                INDICATOR_COLUMNS,
                (unit, BUDGET_ROW, None, str(be.weight), str(be.score), str(be.lost), None),
                strict=True,
            ):
                ind[c].append(v)
            self._count([BUDGET_ROW], [be.lost])
        self._categories(unit, ev)

    def _categories(self, unit: str, ev: Evaluation | UnitDocument) -> None:
        for cat in ev.categories:
            for c, v in zip(
                CATEGORY_COLUMNS,
                (unit, cat.id, cat.name, cat.level, str(cat.weight), str(cat.score)),
                strict=True,
            ):
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
        row: tuple[Any, ...] = (
            unit,
            STATUS_ERROR,
            None,
            None,
            None,
            None,
            None,
            first.code,
            first.file,
            first.line,
            first.column,
            zh,
            en,
        )
        for c, v in zip(UNIT_COLUMNS, row, strict=True):
            self.units[c].append(v)
        for p in problems:
            values = (
                unit,
                p.code,
                p.file,
                p.line,
                p.column,
                format_path(p.path),
                p.text("zh"),
                p.text("en"),
            )
            for c, v in zip(PROBLEM_COLUMNS, values, strict=True):
                self.problems[c].append(v)

    def extend(self, result: ChunkResult, spans: tuple[range, range, range]) -> None:
        """Append one unit of a vectorised result, given its row spans in the three tables."""
        pairs = (
            (self.units, result.units, UNIT_COLUMNS, spans[0]),
            (self.indicators, result.indicators, INDICATOR_COLUMNS, spans[1]),
            (self.categories, result.categories, CATEGORY_COLUMNS, spans[2]),
        )
        for table, source, cols, span in pairs:
            for c in cols:
                values = source[c]
                table[c].extend(_plain(values[r]) for r in span)
        n = len(spans[1])
        if n:  # these rows' losses as Tally.add reads them: from their texts
            texts = self.indicators["lost"][-n:]
            idents = self.indicators["indicator"][-n:]
            counted = [(i, Decimal(t)) for i, t in zip(idents, texts, strict=True) if t is not None]
            self._count([i for i, _ in counted], [v for _, v in counted])


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
    skip: bool = (
        False  # a later run of a unit whose rows are not contiguous (reported with its first run)
    )


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
            return _Pending(
                unit_rows,
                (
                    table_problem(
                        "not-contiguous",
                        table.file,
                        *message(
                            ("not-contiguous", "rows"),
                            unit=current,
                            first=rows[0],
                            last=rows[-1],
                            resume=resume,
                        ),
                        row=resume,
                        column=table.header["unit"],
                        column_name="unit",
                    ),
                    *unread,
                ),
            )
        if not current:
            return _Pending(
                unit_rows,
                (
                    unit_rows.problem(
                        "missing-unit",
                        *message(("missing-unit", "row")),
                        column="unit",
                    ),
                    *unread,
                ),
            )
        return _Pending(unit_rows, unread)

    for block in table.blocks(block_rows):
        unit_col = block.columns["unit"]
        n = len(block.rows)
        r = 0
        while r < n:  # a run of rows of one unit, taken at once
            unit = unit_col[r].strip()
            stop = r + 1
            while stop < n and (unit_col[stop] == unit or unit_col[stop].strip() == unit):
                stop += 1
            if unit != current:
                if current is not None:
                    yield finish()
                current = unit
                cells = {c: [] for c in block.columns}
                rows = []
            for c, values in block.columns.items():
                cells[c] += values[r:stop]
            rows += block.rows[r:stop]
            r = stop
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
        file=table.file,
        columns=columns,
        column_numbers=dict(table.header),
        rows=rows,
        units=[p.rows.unit for p in prepared],
        starts=starts,
        stops=stops,
        bases=[p.base_spec for p in prepared],
        inline=[p.inline for p in prepared],
        refs=[p.values.get("spec", ("", 0))[0] for p in prepared],
        first_unit=first_unit,
    )


@attrs.frozen(eq=False)
class Scored:
    """One chunk's output tables, how many units each path scored, and the rows of each output unit."""

    out: _Out
    vector: int
    pure: int
    rows: list[UnitRows] = attrs.field(
        factory=list
    )  # the rows of each output unit, in output order
    columns: tuple[str, ...] = ()  # the table's canonical columns, in its order

    @property
    def tables(self) -> _Out:
        return self.out

    def tally(self, tally: Tally) -> None:
        tally.add_units(self.out.units)
        tally.add_points(self.out.points, self.out.losing)

    def record_inputs(self) -> RecordInputs:
        import numpy as np
        import pyarrow as pa

        from perfrules.batch._records import RecordInputs

        cells = {
            c: pa.array(
                [v for r in self.rows for v in r.cells.get(c, [""] * len(r.rows))], type=pa.string()
            )
            for c in self.columns
        }
        rows = np.array([n for r in self.rows for n in r.rows], dtype=np.int64)
        counts = np.array([len(r.rows) for r in self.rows], dtype=np.int64)
        return RecordInputs(cells, rows, counts)


def _score_chunk(
    table: Table,
    chunk: list[_Pending],
    bases: Bases,
    scorer: ChunkScorer | None,
    first_unit: int,
    on_unit: OnUnit | None,
) -> Scored:
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
            raise RuntimeError(
                "the vectorised scorer's units do not match the chunk's units minus the unscored ones"
            )
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
    # the full audit: a unit of a shape seen before is written by its shape's writer when it can be
    shapes = Shapes(bases) if writes_documents(on_unit) else None
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
        written = shapes.write(ready[k]) if shapes is not None else None
        if written is not None:
            assert on_unit is not None
            pure += 1
            out.ok(unit, written)
            unit_rows.append(pending.rows)
            hand_over(on_unit, unit, written)
            continue
        try:
            spec, actuals = build(ready[k], bases)
            ev = score_unit(spec, actuals, unit, on_unit, evaluate)
        except SpecError as err:
            out.error(unit, err.problems)
            unit_rows.append(pending.rows)
            if on_unit is not None:
                on_unit(unit, None, err.problems)
            continue
        if shapes is not None:
            shapes.seen(ready[k], spec, actuals, ev)
        pure += 1
        out.ok(unit, ev)
        unit_rows.append(pending.rows)
        if on_unit is not None:
            hand_over(on_unit, unit, ev)
        del ev
    return Scored(out, len(vector_done), pure, unit_rows, tuple(table.header))


class ChunkedEngine(Engine):
    """The chunk-by-chunk runner: ``scorer`` (a vectorised chunk scorer) first when given, the pure path for the rest.

    Without a scorer, this is the pure engine: every unit through
    ``perfrules.evaluate`` — the only engine that hands ``on_unit`` every
    unit's :class:`~perfrules.Evaluation` (the full audit).
    """

    def __init__(
        self, scorer: ChunkScorer | None = None, *, chunk_units: int = CHUNK_UNITS
    ) -> None:
        self.scorer = scorer
        self.chunk_units = chunk_units

    def chunks(self, table: Table, on_unit: OnUnit | None = None) -> Iterator[Scored]:
        table = scan_table(table)  # a deferred table: its strays and unread rows are needed here
        bases = Bases(table.folder, table.file)
        first = 0
        for chunk in _chunks(table, self.chunk_units):
            scored = _score_chunk(table, chunk, bases, self.scorer, first, on_unit)
            first += len(chunk)
            yield scored
