"""The what-if comparison as a JSON-ready document (schema ``perfrules.diff``, version 1).

Numbers are strings, as in the evaluation document (docs/json-format.md):
``"9.45"``, ``"+0.45"`` for deltas. See docs/what-if.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfrules._errors import Problem, format_path
from perfrules._version import __version__
from perfrules.model import format_decimal
from perfrules.whatif._model import RowDelta, SpecDiff, SpecRef, UnitDiff

DIFF_SCHEMA = "perfrules.diff"
DIFF_SCHEMA_VERSION = 1


def _d(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def _delta(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return ("+" if value > 0 else "") + format_decimal(value)


def _ref(r: SpecRef) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "year": r.year,
        "sha256": r.sha256,
        "file": r.file,
        "framework": r.framework,
    }


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "path": format_path(p.path),
        "message": p.message,
        "message_zh": p.message_zh,
        "suggestion": p.suggestion,
    }


def _row(r: RowDelta) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "id": r.id,
        "name": r.name,
        "old": _d(r.old),
        "new": _d(r.new),
        "delta": _delta(r.delta),
        "changed": r.changed,
        "old_weight": _d(r.old_weight),
        "new_weight": _d(r.new_weight),
        "old_reason": r.old_reason,
        "new_reason": r.new_reason,
    }


def _unit(u: UnitDiff, all_rows: bool) -> dict[str, Any]:
    return {
        "unit": u.unit,
        "label": u.label,
        "ok": u.ok,
        "old": {"total": _d(u.old_total), "grade": u.old_grade},
        "new": {"total": _d(u.new_total), "grade": u.new_grade},
        "total_delta": _delta(u.total_delta),
        "grade_changed": u.grade_changed,
        "changed": u.changed,
        "rows": [_row(r) for r in (u.rows if all_rows else u.changed_rows)],
        "errors": [{"side": e.side, **_problem(e.problem)} for e in u.errors],
    }


def to_diff_document(diff: SpecDiff, *, all_rows: bool = True) -> dict[str, Any]:
    """The comparison as a JSON-ready dict; with ``all_rows=False`` only the rows that changed."""
    s = diff.summary
    return {
        "schema": DIFF_SCHEMA,
        "schema_version": DIFF_SCHEMA_VERSION,
        "perfrules_version": __version__,
        "old": _ref(diff.old),
        "new": _ref(diff.new),
        "spec_changes": [{"path": c.path, "old": c.old, "new": c.new} for c in diff.spec_changes],
        "units": [_unit(u, all_rows) for u in diff.units],
        "summary": {
            "units": s.units,
            "compared": s.compared,
            "bad": s.bad,
            "changed": s.changed,
            "grade_changed": s.grade_changed,
            "grade_changes": [
                {"unit": u.unit, "old": u.old_grade, "new": u.new_grade} for u in diff.grade_changes
            ],
            "grade_moves": [{"old": m.old, "new": m.new, "units": m.units} for m in s.grade_moves],
            "min_total_delta": _delta(s.min_total_delta),
            "max_total_delta": _delta(s.max_total_delta),
            "rows": [
                {
                    "kind": r.kind,
                    "id": r.id,
                    "name": r.name,
                    "units_changed": r.units_changed,
                    "min_delta": _delta(r.min_delta),
                    "max_delta": _delta(r.max_delta),
                }
                for r in s.rows
            ],
        },
    }
