"""A batch run: choose the engine once, open the outputs, score, commit (docs/batch.md).

:func:`run_batch` checks the arguments, chooses the engine with
:func:`select_engine` (``engine="auto" | "pure" | "vector"``), opens the four
table writers and the audit in one transaction, lets the engine score every
unit into them (:meth:`perfrules.batch._engines.Engine.run`) and commits them
as one generation. :func:`score_units` scores without writing, unit by unit.
The engines: :mod:`perfrules.batch._engines` (the interface),
:mod:`perfrules.batch._chunked` (pure, and vector chunk by chunk) and
:mod:`perfrules.batch._columnar` (the columnar runner).
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from perfrules._atomic import Transaction
from perfrules._errors import MissingExtraError, Problem, SpecError
from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    PROBLEM_COLUMNS,
    UNIT_COLUMNS,
    ChunkScorer,
)
from perfrules.batch._chunked import CHUNK_UNITS, ChunkedEngine, _runs
from perfrules.batch._engines import (
    AUDIT_LEVELS,
    ENGINES,
    AuditLevel,
    Engine,
    Outputs,
    Progress,
    vector_unavailable,
)
from perfrules.batch._summary import BatchSummary
from perfrules.batch._table import Table, read_table, table_problem
from perfrules.batch._write import FORMATS, parquet_needs_pyarrow, pyarrow_available, sibling
from perfrules.core import Evaluation

__all__ = [
    "CHUNK_UNITS",
    "ENGINES",
    "FAST_CHUNK_UNITS",
    "PROBLEM_COLUMNS",
    "EngineUnavailable",
    "UnitResult",
    "output_paths",
    "run_batch",
    "score_units",
    "select_engine",
]

# units per chunk, at least, on the columnar runner (memory: about three chunks are in flight)
FAST_CHUNK_UNITS = 2_500

EngineUnavailable = MissingExtraError
"""Deprecated: the older name of :class:`perfrules.MissingExtraError` (an engine or a format needs ``perfrules[batch]``)."""


# ---------------------------------------------------------------------------
# the engine, chosen once


def _vector_scorer(engine: str) -> ChunkScorer | None:
    """The vectorised chunk scorer the engine name asks for; ``None`` for the pure path only."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "pure":
        return None
    try:
        import numpy  # noqa: F401 - the vectorised path needs both
        import pyarrow  # noqa: F401

        from perfrules.batch._vector import score_chunk
    except ImportError:
        if engine == "vector":
            raise vector_unavailable() from None
        return None
    return score_chunk


def _columnar_engine(table: Table, chunk_units: int) -> Engine | None:
    """The columnar runner when it reads ``table`` exactly as perfrules' own readers do, else ``None``."""
    try:
        from perfrules.batch._columnar import ColumnarEngine, usable
        from perfrules.batch._vector import score_chunk, unit_builder
    except (
        ImportError
    ):  # a vectorised module with only the chunk-scorer contract (score_chunk): chunk by chunk
        return None
    return (
        ColumnarEngine(score_chunk, unit_builder, chunk_units=chunk_units)
        if usable(table)
        else None
    )


def select_engine(
    engine: str,
    table: Table | None = None,
    *,
    documents: bool = False,
    chunk_units: int = CHUNK_UNITS,
) -> Engine:
    """The engine of a run, chosen once from ``engine="auto" | "pure" | "vector"`` (docs/batch.md, "Engines").

    ``"pure"``: every unit through ``perfrules.evaluate``. ``"vector"`` and
    ``"auto"``: the vectorised path when NumPy, pyarrow and the vectorised
    module import (``"vector"`` raises :class:`~perfrules.MissingExtraError`
    otherwise, ``"auto"`` falls back to pure) — then the **columnar runner**
    when ``table`` is a CSV or Parquet file it reads exactly as perfrules'
    own readers do, and the chunk-by-chunk runner with the vectorised chunk
    scorer otherwise (any unit the scorer leaves out goes to the pure path).
    A vectorised module that offers only ``score_chunk(chunk)``, the contract
    of :mod:`perfrules.batch._chunk`, is used chunk by chunk. With
    ``documents`` (the full audit: every unit's Evaluation) the pure engine
    scores every unit, whatever the name. ``table=None`` never chooses the
    columnar runner (it keeps no Evaluation per unit).
    """
    scorer = _vector_scorer(engine)
    if scorer is None or documents:
        return ChunkedEngine(None, chunk_units=chunk_units)
    if table is not None:
        columnar = _columnar_engine(table, max(chunk_units, FAST_CHUNK_UNITS))
        if columnar is not None:
            return columnar
    return ChunkedEngine(scorer, chunk_units=chunk_units)


# ---------------------------------------------------------------------------
# the cyclic garbage collector during a run

GC_THRESHOLD = (
    50_000  # allocations between young collections while a run scores (Python's default: 700)
)
_gc_lock = threading.Lock()
_gc_runs = 0  # runs under way (in any thread)
_gc_saved: tuple[int, int, int] | None = None  # the thresholds before the first of them


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Young-generation collections every :data:`GC_THRESHOLD` allocations instead of 700, while a run scores.

    Scoring a unit allocates thousands of objects, nearly all freed by their
    reference counts; at Python's default threshold the collector ran about
    once per unit and took a tenth of a full-audit run's CPU time, rescanning
    the chunk's live objects each time. Restored when the last run in the
    process ends (unless someone else changed the thresholds meanwhile);
    cyclic garbage is still collected, just less often.
    """
    global _gc_runs, _gc_saved
    with _gc_lock:
        if _gc_runs == 0:
            _gc_saved = gc.get_threshold()
            if _gc_saved[0] < GC_THRESHOLD:
                gc.set_threshold(GC_THRESHOLD, *_gc_saved[1:])
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0 and _gc_saved is not None:
                if gc.get_threshold() == (GC_THRESHOLD, *_gc_saved[1:]):
                    gc.set_threshold(*_gc_saved)
                _gc_saved = None


# ---------------------------------------------------------------------------
# public API


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


def score_units(
    table: Table | str | os.PathLike[str], *, engine: str = "auto", chunk_units: int = CHUNK_UNITS
) -> Iterator[UnitResult]:
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

    for scored in select_engine(engine, chunk_units=chunk_units).chunks(t, keep):
        out = scored.tables
        ids = [str(u) for u in out.units["unit"]]
        ind = _runs(out.indicators["unit"], ids)
        cat = _runs(out.categories["unit"], ids)
        for k, unit in enumerate(ids):
            ev, problems = evaluations.pop(unit, (None, ()))
            yield UnitResult(
                unit=unit,
                status=out.units["status"][k],
                row={c: out.units[c][k] for c in UNIT_COLUMNS},
                indicators=tuple(
                    {c: out.indicators[c][r] for c in INDICATOR_COLUMNS} for r in ind[unit]
                ),
                categories=tuple(
                    {c: out.categories[c][r] for c in CATEGORY_COLUMNS} for r in cat[unit]
                ),
                problems=problems,
                evaluation=ev,
            )
        evaluations.clear()


def output_paths(out: str | os.PathLike[str]) -> dict[str, Path]:
    """The files a run writes for ``OUT``: units, indicators, categories and problems tables."""
    p = Path(out)
    return {
        "units": p,
        "indicators": sibling(p, "indicators"),
        "categories": sibling(p, "categories"),
        "problems": sibling(p, "problems"),
    }


def run_batch(
    path: str | os.PathLike[str] | Table,
    out: str | os.PathLike[str],
    *,
    audit: str | os.PathLike[str] | None = None,
    engine: str = "auto",
    progress: Progress | None = None,
    chunk_units: int = CHUNK_UNITS,
    use_pyarrow: bool | None = None,
    audit_level: str = "full",
) -> BatchSummary:
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
    document on demand) at batch speed. The engine is chosen once
    (:func:`select_engine`). Returns the summary; a unit that fails is an
    error row, never an exception. Raises :class:`~perfrules.SpecError` when
    the table cannot be read (unreadable file, unknown header …) and
    :class:`~perfrules.MissingExtraError` for ``engine="vector"``, Parquet
    output or audit records without NumPy/pyarrow.
    """
    table = path if isinstance(path, Table) else read_table(path)
    paths = output_paths(out)
    suffix = paths["units"].suffix.lower()
    if suffix not in FORMATS:
        raise SpecError(
            [
                table_problem(
                    "file",
                    str(out),
                    f"the output must end in .csv or .parquet, not {suffix or 'nothing'!r}",
                    "输出文件须以 .csv 或 .parquet 结尾",
                )
            ]
        )
    if FORMATS[suffix] == "parquet" and not (
        pyarrow_available() if use_pyarrow is None else use_pyarrow
    ):
        raise parquet_needs_pyarrow()
    # chosen once, before any file is opened: an unknown or unavailable engine fails here
    chosen = select_engine(
        engine,
        table,
        documents=audit is not None and audit_level == "full",
        chunk_units=chunk_units,
    )
    if audit_level not in AUDIT_LEVELS:
        raise ValueError(
            f"audit_level must be one of {', '.join(AUDIT_LEVELS)}, not {audit_level!r}"
        )
    level: AuditLevel = "full" if audit_level == "full" else "record"
    if audit is not None and level == "record" and not pyarrow_available(parquet=False):
        raise MissingExtraError(
            "batch",
            "audit records need pyarrow (or audit_level='full')",
            "审计记录需要 pyarrow（或 audit_level='full'）",
            module="pyarrow",
        )
    outputs_tx = Transaction()  # every output of the run is committed as one generation, or none is
    outputs: Outputs | None = None
    try:
        outputs = Outputs.open(
            paths, outputs_tx, audit=audit, audit_level=level, use_pyarrow=use_pyarrow
        )
        with fewer_collections():
            summary = chosen.run(table, outputs, progress)
        outputs.commit()  # finishes each file; the transaction renames them
        outputs_tx.commit()
    except BaseException:
        try:
            if outputs is not None:
                outputs.stop()  # the records' thread writes nothing more
        finally:
            outputs_tx.abort()  # removes every temporary file; previous outputs stay whole
        raise
    written = [str(p) for p in paths.values()] + ([str(audit)] if audit is not None else [])
    return attrs.evolve(summary, outputs=tuple(written))
