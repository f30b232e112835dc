"""Batch scoring of many units from one long table: CSV or Parquet in, result tables out (docs/batch.md).

::

    from perfrules.batch import run_batch, explain

    summary = run_batch("units.csv", "results.csv", audit="audit.jsonl")
    summary.failed, summary.grades          # rich.print(summary) shows it
    explain("audit.jsonl", "unit-042")      # one unit's evaluation document, via the index

The table has one row per unit × indicator; a unit's rows either give the
actuals for a spec file its ``spec`` column names, or declare its indicators
inline on a base (a framework or a base file). Every unit is scored by the
pure core (``perfrules.evaluate``) or, with ``perfrules[batch]`` installed, by
the exact vectorised path with identical results: one engine per run, chosen
once (``perfrules/batch/_engines.py``). ``Chunk`` and ``ChunkResult`` are the
interface between the runner and a chunk scorer. ``EngineUnavailable`` is the
older name of :class:`perfrules.MissingExtraError` (deprecated).
"""

from perfrules.batch._audit import explain, index_path
from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    PROBLEM_COLUMNS,
    UNIT_COLUMNS,
    Chunk,
    ChunkResult,
)
from perfrules.batch._engines import ENGINES
from perfrules.batch._run import EngineUnavailable, UnitResult, output_paths, run_batch, score_units
from perfrules.batch._summary import BatchSummary, IndicatorLoss
from perfrules.batch._table import (
    INPUT_COLUMNS,
    UNIT_LEVEL,
    Table,
    parse_number,
    read_table,
    table_from_columns,
)
from perfrules.batch._write import FORMATS

__all__ = [
    "CATEGORY_COLUMNS",
    "ENGINES",
    "FORMATS",
    "INDICATOR_COLUMNS",
    "INPUT_COLUMNS",
    "PROBLEM_COLUMNS",
    "UNIT_COLUMNS",
    "UNIT_LEVEL",
    "BatchSummary",
    "Chunk",
    "ChunkResult",
    "EngineUnavailable",
    "IndicatorLoss",
    "Table",
    "UnitResult",
    "explain",
    "index_path",
    "output_paths",
    "parse_number",
    "read_table",
    "run_batch",
    "score_units",
    "table_from_columns",
]
