"""The batch engines behind one interface: what an engine receives and what it returns (docs/batch.md, "Engines").

An :class:`Engine` scores every unit of a :class:`~perfrules.batch.Table`
into a run's :class:`Outputs` (the four table writers and the audit) and
returns the :class:`~perfrules.batch.BatchSummary`, calling ``progress(done,
total)`` after each chunk. Every engine yields the same thing per chunk of
whole units — a :class:`ScoredChunk`: the four result tables and how many
units each path scored — and shares :meth:`Engine.run`, the loop that writes,
tallies and reports progress; the engines differ only in how they read and
score the chunks:

* :class:`perfrules.batch._chunked.ChunkedEngine` — the chunk-by-chunk
  runner: the table read in blocks by perfrules' own readers, each chunk
  handed to a vectorised chunk scorer when it has one (``engine="vector"``)
  and every unit left over scored on the pure path (``perfrules.evaluate``);
  without a scorer it is the pure engine;
* :class:`perfrules.batch._columnar.ColumnarEngine` — the columnar runner:
  cells kept in Arrow arrays from the reader to the writers, the units the
  vectorised path leaves out handed to the chunk-by-chunk runner's own pure
  scorer.

:func:`perfrules.batch._run.select_engine` chooses one, once per run, from
``engine="auto" | "pure" | "vector"``. Results never depend on the engine.
"""

from __future__ import annotations

import abc
import contextlib
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import attrs

from perfrules._atomic import Transaction
from perfrules._errors import MissingExtraError, Problem
from perfrules.batch._audit import AuditWriter, problem_document
from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    PROBLEM_COLUMNS,
    STATUS_ERROR,
    UNIT_COLUMNS,
    ResultTables,
)
from perfrules.batch._summary import BatchSummary, Tally
from perfrules.batch._table import Table, TableNotPlain, scan_table
from perfrules.batch._write import PageRelease, TableWriter
from perfrules.core import (
    Evaluation,
    UnitDocument,
    document_line,
    evaluate,
    unit_document,
)
from perfrules.model import Actuals, Spec

if TYPE_CHECKING:
    from perfrules.batch._records import RecordInputs

EngineName = Literal["auto", "pure", "vector"]
ENGINES: tuple[EngineName, ...] = ("auto", "pure", "vector")
AuditLevel = Literal["full", "record"]
AUDIT_LEVELS: tuple[AuditLevel, ...] = ("full", "record")

Progress = Callable[[int, int], None]
"""``progress(done, total)``: units done so far and units in all, called after each chunk."""

OnUnit = Callable[[str, Evaluation | None, tuple[Problem, ...]], None]
"""Called for each unit the pure path handles, in unit order: its id, its Evaluation (scored) or its problems."""


def score_unit(
    spec: Spec,
    actuals: Actuals,
    unit: str,
    on_unit: OnUnit | None,
    score: Callable[[Spec, Actuals], Evaluation] = evaluate,
) -> Evaluation | UnitDocument:
    """The pure path's score of one unit; hand it to ``on_unit`` with :func:`hand_over`.

    For the full audit's document writer, :func:`perfrules.core.unit_document` (the unit's line and
    what the result tables read, exactly as of ``evaluate``, without making the Evaluation), and
    ``score`` (``evaluate``) for a unit it does not cover; ``score`` for any other ``on_unit``.
    Raises :class:`~perfrules.SpecError` as ``evaluate`` does.
    """
    if isinstance(on_unit, _Documents):
        doc = unit_document(spec, actuals, unit)
        if doc is not None:
            return doc
    return score(spec, actuals)


def writes_documents(on_unit: OnUnit | None) -> bool:
    """Whether ``on_unit`` is the full audit's document writer (it takes
    :class:`~perfrules.core.UnitDocument` lines)."""
    return isinstance(on_unit, _Documents)


def hand_over(on_unit: OnUnit, unit: str, ev: Evaluation | UnitDocument) -> None:
    """``on_unit(unit, ev, ())``; a :class:`~perfrules.core.UnitDocument` (from :func:`score_unit`)
    goes to the full audit's writer as a line."""
    if isinstance(ev, UnitDocument):
        assert isinstance(on_unit, _Documents)  # score_unit makes documents for it alone
        on_unit.outputs.write_document(unit, ev)
    else:
        on_unit(unit, ev, ())


# chunks whose audit records may wait for the records' thread before the next chunk waits for the oldest:
# the records' writes go at the disk's pace (a record audit at 1,000,000 units is 3.8 GB), so a few queued
# chunks keep a burst of write-back from stalling the reading and scoring (six alternated runs at 1,000,000
# units, CSV: 17.4–24.2 s with 3, 20.2–28.7 s with 1; peak RSS not higher)
RECORDS_IN_FLIGHT = 3
# the records' thread's nice value above the process's (Linux): its work waits in a queue of RECORDS_IN_FLIGHT
# chunks, so when both CPUs are taken the scheduler gives them to the reading and the scoring first, and the
# records take the CPU time they leave (1,000,000 units, CSV, record audit, two alternated pairs of runs:
# 19.73 and 18.48 s at 10, 20.00 and 19.29 s at 0)
RECORDS_NICE = 10
# chunks whose four tables are still being written on the tables' thread when the next chunk is handed over
# (Arrow's CSV and Parquet writers release the GIL: the tables are written while the next chunk is read)
TABLES_IN_FLIGHT = 1

TABLES: dict[str, tuple[str, ...]] = {
    "units": UNIT_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
    "categories": CATEGORY_COLUMNS,
    "problems": PROBLEM_COLUMNS,
}


def vector_unavailable() -> MissingExtraError:
    """The error for ``engine="vector"`` without NumPy, pyarrow or the vectorised module."""
    return MissingExtraError(
        "batch", "the vectorised engine needs NumPy and pyarrow", "向量化计分需要 NumPy 和 pyarrow"
    )


class ScoredChunk(Protocol):
    """One chunk of whole units, scored: what every engine yields, chunk after chunk, in table order."""

    @property
    def tables(self) -> ResultTables:
        """The chunk's rows of the units, indicators, categories and problems tables, in unit order."""
        ...

    @property
    def vector(self) -> int:
        """How many of the chunk's units the vectorised path scored."""
        ...

    @property
    def pure(self) -> int:
        """How many of the chunk's units the pure path scored (units that failed are counted by neither)."""
        ...

    def tally(self, tally: Tally) -> None:
        """Add the chunk's units and indicator losses to the run's summary."""
        ...

    def record_inputs(self) -> RecordInputs:
        """Every output unit's input rows, for its audit record (needs NumPy and pyarrow)."""
        ...


@attrs.frozen(eq=False)
class Outputs:
    """Where a run's results go: the four table writers, and the audit writer with its level (or none).

    Every file is an output of one :class:`~perfrules._atomic.Transaction`:
    nothing is in place before :meth:`commit`, and the transaction's abort
    removes every temporary file.
    """

    tables: Mapping[str, TableWriter]  # units, indicators, categories, problems
    audit: AuditWriter | None = None
    audit_level: AuditLevel = "full"
    # audit records are made on a thread of their own (mostly Arrow kernels, which release the GIL) and
    # written in chunk order: a chunk's records once the next chunk's are under way, the rest at commit
    _records: deque[Future[None]] = attrs.field(factory=deque, init=False)
    _pool: list[ThreadPoolExecutor] = attrs.field(factory=list, init=False)
    _audit_pages: list[PageRelease] = attrs.field(
        factory=list, init=False
    )  # the audit's, once records start
    # the four tables are written on a thread of their own too, in chunk order
    _tables_out: deque[Future[None]] = attrs.field(factory=deque, init=False)
    _table_pool: list[ThreadPoolExecutor] = attrs.field(factory=list, init=False)

    @classmethod
    def open(
        cls,
        paths: Mapping[str, Path],
        transaction: Transaction,
        *,
        audit: str | os.PathLike[str] | None = None,
        audit_level: AuditLevel = "full",
        use_pyarrow: bool | None = None,
    ) -> Outputs:
        """Open the writers of ``paths`` (units, indicators, categories, problems) and of ``audit``, in ``transaction``."""
        tables = {
            name: TableWriter(
                paths[name], columns, use_pyarrow=use_pyarrow, transaction=transaction
            )
            for name, columns in TABLES.items()
        }
        writer = None if audit is None else AuditWriter(audit, transaction=transaction)
        return cls(tables, writer, audit_level)

    @property
    def documents(self) -> bool:
        """Whether the audit holds every unit's full evaluation document (so the pure path must score every unit)."""
        return self.audit is not None and self.audit_level == "full"

    @property
    def on_unit(self) -> OnUnit | None:
        """What the pure path calls for each unit: the full audit's document writer, or ``None``."""
        return _Documents(self) if self.documents else None

    def write_document(self, unit: str, doc: UnitDocument) -> None:
        """Write a unit's line as :func:`perfrules.core.unit_document` wrote it."""
        assert self.audit is not None
        self.audit.write_data(unit, doc.data)

    def _document(self, unit: str, ev: Evaluation | None, problems: tuple[Problem, ...]) -> None:
        assert self.audit is not None
        if ev is not None:  # the line of {"unit": unit, **to_document(ev)}, written directly
            self.audit.write_line(unit, document_line(ev, unit))
        elif problems:
            self.audit.write(
                unit,
                {
                    "unit": unit,
                    "status": STATUS_ERROR,
                    "problems": [problem_document(p) for p in problems],
                },
            )

    def write(self, table: Table, scored: ScoredChunk) -> None:
        """Append one chunk's tables (and, at ``audit_level="record"``, its units' records): handed to
        the tables' thread, which writes them while the next chunk is made (an error of theirs is raised
        by a later call, :meth:`commit` at the latest)."""
        t = scored.tables
        if not self._table_pool:
            self._table_pool.append(
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfrules-tables")
            )
        self._tables_out.append(self._table_pool[0].submit(_write_tables, self.tables, t))
        if self.audit is not None and self.audit_level == "record":
            from perfrules.batch._records import record_block

            if not self._pool:
                self._pool.append(
                    ThreadPoolExecutor(
                        max_workers=1,
                        thread_name_prefix="perfrules-records",
                        initializer=_records_priority,
                    )
                )
            if not self._audit_pages:
                self._audit_pages.append(self.audit.page_release())
            # made and written on the records' thread (one thread: in chunk order), off the reading thread
            self._records.append(
                self._pool[0].submit(
                    _write_records,
                    self.audit,
                    self._audit_pages[0],
                    record_block,
                    table.file,
                    str(Path(table.folder).resolve()),
                    t,
                    scored.record_inputs(),
                )
            )
            while len(self._records) > RECORDS_IN_FLIGHT:
                self._records.popleft().result()
        while len(self._tables_out) > TABLES_IN_FLIGHT:
            self._tables_out.popleft().result()

    def _finish_tables(self) -> None:
        """Wait for the tables still being written, and stop their thread."""
        _finish(self._tables_out, self._table_pool)

    def _finish_records(self) -> None:
        """Wait for the records still being made and written, and stop their thread."""
        _finish(self._records, self._pool)

    def stop(self) -> None:
        """Stop the records' and the tables' threads of a run that fails: what is not begun is dropped
        and the chunk being written is waited for, so that nothing writes to a file after the abort
        closed it (its descriptor's number may by then be another file's)."""
        for futures, pools in ((self._records, self._pool), (self._tables_out, self._table_pool)):
            for future in futures:
                future.cancel()
            futures.clear()
            for pool in pools:
                pool.shutdown(wait=True, cancel_futures=True)
            pools.clear()

    def reset(self) -> None:
        """Empty every file, as just opened: a run that starts over (a deferred table that was not plain)."""
        self._finish_tables()  # (the tables are emptied next)
        self._finish_records()  # (the audit is emptied next)
        for w in self.tables.values():
            w.reset()
        if self.audit is not None:
            self.audit.reset()
        self._audit_pages.clear()

    def commit(self) -> None:
        """Finish every file (the transaction's commit then renames them all into place)."""
        self._finish_tables()
        self._finish_records()
        for w in self.tables.values():
            w.commit()
        if self.audit is not None:
            self.audit.commit()


def _finish(futures: deque[Future[None]], pools: list[ThreadPoolExecutor]) -> None:
    """Wait for ``futures`` in order (the first error is raised), then stop the ``pools``' threads."""
    while futures:
        futures.popleft().result()
    for pool in pools:
        pool.shutdown()
    pools.clear()


def _records_priority() -> None:
    """Lower the records' thread's CPU priority by :data:`RECORDS_NICE` (Linux, where a thread has a nice
    value of its own; elsewhere, or where refused, nothing changes)."""
    if sys.platform != "linux" or RECORDS_NICE <= 0:
        return
    import threading

    tid = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(
            os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + RECORDS_NICE)
        )


def _write_tables(tables: Mapping[str, TableWriter], t: ResultTables) -> None:
    """Append one chunk's four tables to their writers."""
    for name, columns in (
        ("units", t.units),
        ("indicators", t.indicators),
        ("categories", t.categories),
        ("problems", t.problems),
    ):
        tables[name].write(columns)


def _write_records(audit: AuditWriter, release: PageRelease, make: Any, *args: Any) -> None:
    """Make one chunk's audit records (``make``: ``record_block``, joined in place in the audit's
    buffer), append them to ``audit`` and hand its written pages back (``release``)."""
    audit.write_block(*make(*args, allocate=audit.allocate))
    release()


class _Documents:
    """The full audit's document writer as ``on_unit`` (it also takes lines written by the core)."""

    __slots__ = ("outputs",)

    def __init__(self, outputs: Outputs) -> None:
        self.outputs = outputs

    def __call__(self, unit: str, ev: Evaluation | None, problems: tuple[Problem, ...]) -> None:
        self.outputs._document(unit, ev, problems)


class Engine(abc.ABC):
    """A way of scoring a whole table: chosen once per run, then :meth:`run` (results never depend on it)."""

    reads_deferred = (
        False  # whether chunks() reads a deferred table itself (else run() scans it first)
    )

    @abc.abstractmethod
    def chunks(self, table: Table, on_unit: OnUnit | None = None) -> Iterator[ScoredChunk]:
        """Score the table's units, a chunk of whole units at a time, in table order.

        ``on_unit`` is called for every unit the pure path handles (an engine
        that never gives it every unit refuses an ``on_unit``).
        """

    def fallback(self, table: Table) -> Engine:
        """The engine for the scanned ``table`` when a deferred table turned out not to be plain."""
        return self

    def run(self, table: Table, outputs: Outputs, progress: Progress | None = None) -> BatchSummary:
        """Score every unit of ``table`` into ``outputs``; the summary (``outputs`` are left to commit).

        A :attr:`~perfrules.batch.Table.deferred` table is scanned first
        (:func:`~perfrules.batch._table.scan_table`) unless the engine checks it
        as it reads it; when that check fails (:class:`TableNotPlain`), every
        output is emptied and the run starts over on the scanned table, with
        the engine :meth:`fallback` chooses for it: the results are those of a
        run on the scanned table. Any other error of such a run is judged on
        the scanned table too: rows the engine was never meant to see (a unit
        twice in one chunk, before the check at the end finds it) start the
        run over; on a table the engine reads as it stands, the error is raised.
        """
        if table.deferred and not self.reads_deferred:
            table = scan_table(table)
        try:
            return self._run(table, outputs, progress)
        except Exception as exc:
            if not table.deferred:
                raise
            scanned = scan_table(table)
            engine = self.fallback(scanned)
            if engine is self and not isinstance(exc, TableNotPlain):
                raise
        outputs.reset()
        return engine.run(scanned, outputs, progress)

    def _run(self, table: Table, outputs: Outputs, progress: Progress | None) -> BatchSummary:
        tally = Tally()
        done = 0
        for scored in self.chunks(table, outputs.on_unit):
            outputs.write(table, scored)
            scored.tally(tally)
            tally.engine("vector", scored.vector)
            tally.engine("pure", scored.pure)
            done += len(scored.tables.units["unit"])
            if progress is not None:
                progress(done, _total(table, done, scored))
        if progress is not None and table.deferred:
            progress(done, done)  # counted now
        return tally.summary()


def _total(table: Table, done: int, scored: ScoredChunk) -> int:
    """The units in all, for progress: the table's count, or — not yet counted (a deferred table) — an
    estimate from the share of the input read so far."""
    if not table.deferred:
        return table.unit_count
    share = float(getattr(scored, "share", 0.0))
    return max(done, round(done / share)) if share > 0 else done
