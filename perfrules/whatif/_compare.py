"""Pure: score two specs over the same units' actuals and compare, row by row."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from perfrules._errors import SpecError
from perfrules.core import Evaluation, evaluate, spec_sha256
from perfrules.model import METHODS, Spec, format_decimal
from perfrules.whatif._model import (
    DiffSummary,
    GradeMove,
    RowDelta,
    RowKind,
    RowSummary,
    Side,
    SpecChange,
    SpecDiff,
    SpecRef,
    UnitDiff,
    UnitError,
    UnitInput,
)

_SKIP_FIELDS = {"source"}


def spec_ref(spec: Spec, file: str | None = None) -> SpecRef:
    """Which spec this is, for the report."""
    fw = spec.framework
    framework = None if fw is None else (f"{fw.id}@{fw.version}" if fw.version else fw.id)
    return SpecRef(
        id=spec.meta.id,
        title=spec.meta.title,
        year=spec.meta.year,
        sha256=spec_sha256(spec),
        file=file,
        framework=framework,
    )


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, Fraction):
        return str(value)
    return str(value)


def _flatten(obj: Any, path: str, out: dict[str, str], entries: set[str]) -> None:
    if obj is None:
        return
    if attrs.has(type(obj)):
        if type(obj) in METHODS.values():
            out[f"{path}.name"] = type(obj).name
        for f in attrs.fields(type(obj)):
            if f.name in _SKIP_FIELDS:
                continue
            if not path and f.name == "framework":  # one value: which framework, which version
                fw = getattr(obj, f.name)
                if fw is not None:
                    out["framework"] = f"{fw.id}@{fw.version}" if fw.version else fw.id
                continue
            _flatten(getattr(obj, f.name), f"{path}.{f.name}" if path else f.name, out, entries)
        return
    if isinstance(obj, tuple | list):
        keyed = bool(obj) and all(
            attrs.has(type(x)) and isinstance(getattr(x, "id", None), str) for x in obj
        )
        for i, item in enumerate(obj):
            if keyed:
                sub = f"{path}[{item.id}]"
                entries.add(sub)
                out[sub] = str(getattr(item, "name", item.id))
                _flatten(item, sub, out, entries)
            else:
                _flatten(item, f"{path}[{i}]", out, entries)
        if not obj:
            out[path] = "[]"
        return
    out[path] = _scalar(obj)


def spec_changes(old: Spec, new: Spec) -> tuple[SpecChange, ...]:
    """Every value that differs between the specs (an entry added or removed is one change)."""
    a: dict[str, str] = {}
    b: dict[str, str] = {}
    entries: set[str] = set()
    _flatten(old, "", a, entries)
    _flatten(new, "", b, entries)
    keys = list(a) + [k for k in b if k not in a]
    whole = {k for k in entries if (k in a) != (k in b)}  # entries only one side has
    out: list[SpecChange] = []
    for k in keys:
        if a.get(k) == b.get(k):
            continue
        if any(k.startswith(w) and k != w and k[len(w)] in ".[" for w in whole):
            continue
        out.append(SpecChange(path=k, old=a.get(k), new=b.get(k)))
    return tuple(out)


def _rows(old: Evaluation, new: Evaluation) -> tuple[RowDelta, ...]:
    rows: list[RowDelta] = []
    ob, nb = old.budget_execution, new.budget_execution
    if nb is not None or ob is not None:
        rows.append(_delta("budget_execution", "budget_execution", ob, nb, reasons=True))
    old_ind = {r.id: r for r in old.indicators}
    new_ind = {r.id: r for r in new.indicators}
    for ident in [*old_ind, *(k for k in new_ind if k not in old_ind)]:
        rows.append(
            _delta("indicator", ident, old_ind.get(ident), new_ind.get(ident), reasons=True)
        )
    old_cat = {c.id: c for c in old.categories}
    new_cat = {c.id: c for c in new.categories}
    for ident in [*old_cat, *(k for k in new_cat if k not in old_cat)]:
        rows.append(
            _delta("subtotal", ident, old_cat.get(ident), new_cat.get(ident), reasons=False)
        )
    return tuple(rows)


def _delta(kind: RowKind, ident: str, o: Any, n: Any, *, reasons: bool) -> RowDelta:
    """One row's old and new score, weight and (for scored rows) 扣分原因; either side may be absent."""
    either = n if n is not None else o
    assert either is not None
    extra = (
        {"old_reason": o.reason if o else None, "new_reason": n.reason if n else None}
        if reasons
        else {}
    )
    return RowDelta(
        kind=kind,
        id=ident,
        name=either.name,
        old=o.score if o else None,
        new=n.score if n else None,
        old_weight=o.weight if o else None,
        new_weight=n.weight if n else None,
        **extra,
    )


def compare_unit(old: Spec, new: Spec, unit: UnitInput) -> UnitDiff:
    """One unit under both specs (errors when its actuals do not load or do not fit a spec)."""
    if unit.actuals is None:
        return UnitDiff(
            unit=unit.name,
            errors=tuple(UnitError(side="actuals", problem=p) for p in unit.problems),
        )
    errors: list[UnitError] = []
    evs: list[Evaluation | None] = []
    sides: tuple[tuple[Side, Spec], ...] = (("old", old), ("new", new))
    for side, spec in sides:
        try:
            evs.append(evaluate(spec, unit.actuals))
        except SpecError as err:
            evs.append(None)
            errors.extend(UnitError(side=side, problem=p) for p in err.problems)
    label = unit.actuals.label
    o, n = evs
    if o is None or n is None:
        return UnitDiff(unit=unit.name, label=label, errors=tuple(errors))
    return UnitDiff(
        unit=unit.name,
        label=label,
        old_total=o.total,
        new_total=n.total,
        old_grade=o.grade,
        new_grade=n.grade,
        rows=_rows(o, n),
        old_evaluation=o,
        new_evaluation=n,
    )


def summarize(units: Iterable[UnitDiff]) -> DiffSummary:
    """The comparison of ``units`` in figures."""
    us = list(units)
    ok = [u for u in us if u.ok]
    moves = Counter((u.old_grade or "", u.new_grade or "") for u in ok if u.grade_changed)
    deltas = [d for d in (u.total_delta for u in ok) if d is not None]
    per_row: dict[tuple[str, str], list[RowDelta]] = {}
    for u in ok:
        for r in u.changed_rows:
            per_row.setdefault((r.kind, r.id), []).append(r)
    row_summaries: list[RowSummary] = []
    for (_, ident), rs in per_row.items():
        ds = [d for d in (r.delta for r in rs) if d is not None]
        row_summaries.append(
            RowSummary(
                kind=rs[0].kind,
                id=ident,
                name=rs[-1].name,
                units_changed=len(rs),
                min_delta=min(ds) if ds else None,
                max_delta=max(ds) if ds else None,
            )
        )
    return DiffSummary(
        units=len(us),
        compared=len(ok),
        bad=len(us) - len(ok),
        changed=sum(1 for u in ok if u.changed),
        grade_changed=sum(1 for u in ok if u.grade_changed),
        grade_moves=tuple(GradeMove(old=a, new=b, units=n) for (a, b), n in moves.items()),
        min_total_delta=min(deltas) if deltas else None,
        max_total_delta=max(deltas) if deltas else None,
        rows=tuple(row_summaries),
    )


def compare(
    old: Spec,
    new: Spec,
    units: Iterable[UnitInput],
    *,
    old_file: str | None = None,
    new_file: str | None = None,
) -> SpecDiff:
    """Score every unit under ``old`` and ``new``; the deltas per unit and row, and a summary. Pure.

    A unit whose actuals did not load, or do not fit one of the specs, is
    reported with its located problems (:attr:`UnitDiff.errors`); the other
    units are still compared.
    """
    diffs = tuple(compare_unit(old, new, u) for u in units)
    return SpecDiff(
        old=spec_ref(old, old_file),
        new=spec_ref(new, new_file),
        spec_changes=spec_changes(old, new),
        units=diffs,
        summary=summarize(diffs),
    )
