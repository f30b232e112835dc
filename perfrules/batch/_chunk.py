"""The interface between the batch runner and a chunk scorer: :class:`Chunk` in, :class:`ChunkResult` out.

The runner (:mod:`perfrules.batch._chunked`, and the columnar runner for the
units it scores) reads the long table (one row per unit × indicator) in
*chunks of whole units* and hands each chunk first to the vectorised scorer
(``perfrules.batch._vector.score_chunk(chunk) -> ChunkResult``, a
:data:`ChunkScorer`, when NumPy and pyarrow are importable and the engine
allows it), then scores every unit the vectorised scorer left out on the pure
per-unit path (``perfrules.evaluate``). Results must not depend on which
engine scored a unit. The output tables' column names are here too, and
:class:`ResultTables`, the four tables of a run of units as every engine
returns them.

Everything here is column-oriented so that a vectorised scorer never has to
build per-row Python objects:

* a :class:`Chunk` carries the table's raw cell text, column by column, for a
  run of whole units (only units that passed the table-level checks: a unit
  whose rows are not contiguous, whose per-unit columns disagree or whose
  ``spec`` cannot be read is reported by the runner and never reaches a
  scorer), the units' ids with their ``[start, stop)`` row ranges, the file
  row number of every row and each unit's resolved base;
* a :class:`ChunkResult` carries the three output tables as ``dict[str,
  Sequence]`` columns (:data:`UNIT_COLUMNS`, :data:`INDICATOR_COLUMNS`,
  :data:`CATEGORY_COLUMNS`) for the units it scored, in unit order, plus the
  chunk-local indices of the units it did **not** score. A scorer must leave
  unscored every unit it cannot score *exactly* as ``perfrules.evaluate``
  would, including every unit that ``evaluate`` would reject: error rows are
  always made by the pure path, which locates every problem.

Cell values of the output columns: the Decimal columns are ``str`` — exactly
``str(Decimal)`` of the value the core computes (``"99.00"``, a whole-point
score ``"9"``); the integer columns (:data:`INT_COLUMNS`) are ``int``; ``met``
is ``bool``; a missing value is ``None`` in any column. See docs/batch.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs

from perfrules.model import Actuals, Spec

# ---------------------------------------------------------------------------
# output tables: column names, in the order they are written

UNIT_COLUMNS: tuple[str, ...] = (
    "unit",
    "status",
    "total",
    "grade",
    "total_weight",
    "lost",
    "warnings",
    "error_code",
    "error_file",
    "error_row",
    "error_column",
    "error",
    "error_en",
)
INDICATOR_COLUMNS: tuple[str, ...] = (
    "unit",
    "indicator",
    "category",
    "weight",
    "score",
    "lost",
    "met",
)
CATEGORY_COLUMNS: tuple[str, ...] = ("unit", "category", "name", "level", "weight", "score")
PROBLEM_COLUMNS: tuple[str, ...] = (
    "unit",
    "code",
    "file",
    "row",
    "column",
    "field",
    "error",
    "error_en",
)

# columns holding integers (None when empty); ``met`` holds bools; every other column holds str (or None)
INT_COLUMNS: frozenset[str] = frozenset({"warnings", "error_row", "error_column", "level"})
BOOL_COLUMNS: frozenset[str] = frozenset({"met"})

STATUS_OK = "ok"
STATUS_ERROR = "error"

Columns = Mapping[str, Sequence[Any]]


class ResultTables(Protocol):
    """The four output tables of a run of units, column by column, in unit order (any engine's)."""

    @property
    def units(self) -> Columns: ...

    @property
    def indicators(self) -> Columns: ...

    @property
    def categories(self) -> Columns: ...

    @property
    def problems(self) -> Columns: ...


@attrs.frozen(eq=False)
class Chunk:
    """A run of whole units of the long table, column by column, ready to score.

    ``columns`` maps each *canonical* input column name (``unit``,
    ``indicator``, ``weight``, ``actual`` … — aliases already resolved; see
    :data:`perfrules.batch.INPUT_COLUMNS`) present in the table to the raw cell
    text of every row of the chunk: ``str``, ``""`` for an empty cell (CSV) or a
    null (Parquet). Numbers are the text as written (``"2.7"``, ``"≥"``); parse
    them with ``Decimal`` (never float).

    Units are ``units[i]`` with rows ``starts[i] <= r < stops[i]`` (indices into
    the column lists, contiguous, in table order). ``rows[r]`` is the row
    number in the file (the header is row 1, so the first data row is row 2;
    Parquet counts the same way). ``column_numbers`` gives each canonical
    column's 1-based position in the file.

    ``bases[i]`` is unit ``i``'s resolved base, ``None`` when the unit has no
    ``spec`` cell (inline indicators on perfrules' defaults). When
    ``inline[i]`` is false, ``bases[i]`` is the complete, checked
    :class:`~perfrules.Spec` the unit's rows give actuals for. When
    ``inline[i]`` is true, the rows declare the indicators and ``bases[i]`` (if
    not ``None``) is the base the unit builds on, flattened for the unit's year
    and *not* validated: its ``policy``, ``rounding``, ``grades``, ``tiers``,
    ``budget_execution``, ``bonus``, ``vetoes`` and declared ``categories`` (and
    any indicators a framework declares) apply; its ``meta`` holds placeholders
    for what the unit supplies (id, title, unit, year). Bases are shared: units
    with the same ``spec`` cell and year get the same object, so a scorer may
    group units by ``id(base)``. ``refs[i]`` is the unit's ``spec`` cell as
    written (``""`` for none); ``bases[i] is None`` with a non-empty
    ``refs[i]`` means the base did not structure on its own: leave such a unit
    unscored (the pure path reports why, or scores it).

    ``first_unit`` is the index, in the whole table's sequence of units that
    reached a scorer, of ``units[0]`` (informational).
    """

    file: str
    columns: Mapping[str, Sequence[str]]
    column_numbers: Mapping[str, int]
    rows: Sequence[int]
    units: Sequence[str]
    starts: Sequence[int]
    stops: Sequence[int]
    bases: Sequence[Spec | None]
    inline: Sequence[bool]
    refs: Sequence[str] = ()
    first_unit: int = 0

    def __len__(self) -> int:
        """The number of units in the chunk."""
        return len(self.units)

    def unit_slice(self, i: int) -> range:
        """The row indices (into the column lists) of unit ``i``."""
        return range(self.starts[i], self.stops[i])

    def cell(self, column: str, r: int) -> str:
        """The raw text of ``column`` in row ``r`` (``""`` when the column is absent or the cell empty)."""
        col = self.columns.get(column)
        return "" if col is None else col[r]


Losses = tuple[tuple[str, int, int, int], ...]
"""The positive losses of an indicators table, by indicator id in order of first appearance
among its rows with a positive loss: ``(indicator, total, places, rows)`` — the sum of those
rows' ``lost`` (``Decimal(total).scaleb(-places)``, ``places`` the most any of them has) and how
many there are."""


@attrs.frozen(eq=False)
class ChunkResult:
    """What a chunk scorer returns: the three output tables for the units it scored, column by column.

    ``units`` has the :data:`UNIT_COLUMNS`, one row per scored unit, in chunk
    order (status ``"ok"``; the error columns ``None``). ``indicators`` has the
    :data:`INDICATOR_COLUMNS`, each unit's indicators in the spec's order, the
    units in chunk order; ``categories`` has the :data:`CATEGORY_COLUMNS`, each
    unit's subtotals in the order of ``Evaluation.categories``. A column may be
    any sequence (list, tuple, NumPy array of objects) whose items are the
    cell values described in the module docstring.

    ``unscored`` lists the chunk-local indices (``0 … len(chunk) - 1``) of the
    units this result does not contain; the runner scores them on the pure
    path. Every unit of the chunk is either in ``units`` or in ``unscored``,
    never both.

    ``losses``, when given, is what the summary reads off the ``lost`` column of
    ``indicators`` (:data:`Losses`), made from the scorer's integers; ``None``:
    the summary parses the column's texts.
    """

    units: Columns
    indicators: Columns
    categories: Columns
    unscored: Sequence[int] = ()
    losses: Losses | None = None

    @classmethod
    def empty(cls, n_units: int) -> ChunkResult:
        """A result that scores nothing: all ``n_units`` units go to the pure path."""
        return cls(
            units={c: [] for c in UNIT_COLUMNS},
            indicators={c: [] for c in INDICATOR_COLUMNS},
            categories={c: [] for c in CATEGORY_COLUMNS},
            unscored=tuple(range(n_units)),
        )


Build = Callable[[int], tuple[Spec, Actuals]]
"""``build(i)``: unit ``i`` of a chunk built on the pure path (checked Spec and Actuals, or SpecError)."""

ChunkScorer = Callable[[Chunk], ChunkResult]
"""A chunk scorer: ``score_chunk(chunk) -> ChunkResult`` (the vectorised module's, or a stand-in with its contract)."""

BuildingScorer = Callable[[Chunk, Build], ChunkResult]
"""A chunk scorer given the builder of its prototypes (``perfrules.batch._vector.score_chunk(chunk, build)``)."""

UnitBuilder = Callable[[Chunk, Path], Build]
"""The builder of a chunk's units over the table's folder (``perfrules.batch._vector.unit_builder``)."""
