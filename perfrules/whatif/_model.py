"""What-if results as data: two specs scored over the same units' actuals, row by row."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import attrs

from perfrules._errors import Problem
from perfrules.core import Evaluation
from perfrules.model import Actuals

RowKind = Literal["budget_execution", "indicator", "subtotal"]
Side = Literal["actuals", "old", "new"]


@attrs.frozen(kw_only=True)
class UnitInput:
    """One unit to score under both specs: its actuals, or the problems that kept them from
    loading."""

    name: str  # how the unit is shown: its actuals file, or a name of the caller's choosing
    actuals: Actuals | None = None
    problems: tuple[Problem, ...] = ()  # the actuals could not be read (then ``actuals`` is None)


@attrs.frozen(kw_only=True)
class SpecRef:
    """Which spec one side is: id, title, digest and where it was read from."""

    id: str
    title: str
    year: int
    sha256: str
    file: str | None
    framework: str | None = None  # "id" or "id@version" when built from a framework


@attrs.frozen(kw_only=True)
class SpecChange:
    """One value that differs between the two specs (``None``: not there on that side)."""

    path: str  # e.g. ``budget_execution.policy``, ``indicators.portal_updates.weight``
    old: str | None
    new: str | None


@attrs.frozen(kw_only=True)
class RowDelta:
    """One row (an indicator, a subtotal or the budget-execution row) of one unit under both
    specs."""

    kind: RowKind
    id: str  # indicator or category id; ``budget_execution`` for the budget row
    name: str
    old: Decimal | None  # None: the row is not in that spec
    new: Decimal | None
    old_weight: Decimal | None = None
    new_weight: Decimal | None = None
    old_reason: str | None = None  # 扣分原因 under each spec, when points were lost
    new_reason: str | None = None

    @property
    def delta(self) -> Decimal | None:
        """new − old; None when the row is missing on one side."""
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def changed(self) -> bool:
        """Whether the score differs (or the row exists on one side only)."""
        return self.old != self.new


@attrs.frozen(kw_only=True)
class UnitError:
    """Why a unit could not be compared: its actuals do not load, or do not fit one of the specs."""

    side: Side  # "actuals": unreadable; "old"/"new": they do not fit that spec
    problem: Problem


@attrs.frozen(kw_only=True)
class UnitDiff:
    """One unit under both specs: total, grade and every row, or the errors that kept it out."""

    unit: str
    label: str | None = None  # the actuals' own label
    old_total: Decimal | None = None
    new_total: Decimal | None = None
    old_grade: str | None = None
    new_grade: str | None = None
    rows: tuple[RowDelta, ...] = ()
    errors: tuple[UnitError, ...] = ()
    old_evaluation: Evaluation | None = attrs.field(default=None, eq=False, repr=False)
    new_evaluation: Evaluation | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def ok(self) -> bool:
        """Whether the unit was scored under both specs."""
        return not self.errors

    @property
    def total_delta(self) -> Decimal | None:
        """new total − old total (None when not compared)."""
        return (
            None
            if self.old_total is None or self.new_total is None
            else self.new_total - self.old_total
        )

    @property
    def grade_changed(self) -> bool:
        """Whether the unit's grade differs."""
        return self.ok and self.old_grade != self.new_grade

    @property
    def changed_rows(self) -> tuple[RowDelta, ...]:
        """The rows whose score differs."""
        return tuple(r for r in self.rows if r.changed)

    @property
    def changed(self) -> bool:
        """Whether anything of the unit's result differs."""
        return self.ok and (
            self.old_total != self.new_total or self.grade_changed or bool(self.changed_rows)
        )


@attrs.frozen(kw_only=True)
class RowSummary:
    """One row across every compared unit: in how many it changed and by how much."""

    kind: RowKind
    id: str
    name: str
    units_changed: int
    min_delta: Decimal | None
    max_delta: Decimal | None


@attrs.frozen(kw_only=True)
class GradeMove:
    """How many units went from one grade to another."""

    old: str
    new: str
    units: int


@attrs.frozen(kw_only=True)
class DiffSummary:
    """The comparison in figures."""

    units: int  # units given
    compared: int  # scored under both specs
    bad: int  # not compared (errors)
    changed: int  # compared units whose result differs
    grade_changed: int
    grade_moves: tuple[GradeMove, ...] = ()
    min_total_delta: Decimal | None = None
    max_total_delta: Decimal | None = None
    rows: tuple[RowSummary, ...] = ()  # the rows that changed in at least one unit


@attrs.frozen(kw_only=True)
class SpecDiff:
    """Two specs scored over the same units: spec changes, per-unit deltas, a summary."""

    old: SpecRef
    new: SpecRef
    spec_changes: tuple[SpecChange, ...]
    units: tuple[UnitDiff, ...]
    summary: DiffSummary

    @property
    def bad_units(self) -> tuple[UnitDiff, ...]:
        """The units that could not be compared."""
        return tuple(u for u in self.units if not u.ok)

    @property
    def grade_changes(self) -> tuple[UnitDiff, ...]:
        """The units whose grade changes."""
        return tuple(u for u in self.units if u.grade_changed)
