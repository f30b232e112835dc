"""Pure: checking a case's expectations against a spec, and an evaluation against the
expectations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

import attrs

from perfrules._errors import Lang, PathKey, Problem
from perfrules._messages import Message, listing, message
from perfrules._suggest import suggest
from perfrules.core import BudgetExecutionResult, Evaluation, IndicatorResult, Step
from perfrules.golden._load import (
    NO_BUDGET_EXECUTION,
    UNKNOWN_CATEGORY,
    UNKNOWN_GRADE,
    UNKNOWN_INDICATOR,
)
from perfrules.golden._model import NO_INDICATOR, Expect
from perfrules.model import SourceMap, Spec, format_decimal, make_problem

MismatchKind = Literal["total", "grade", "budget_execution", "indicator", "subtotal", "warnings"]
Value = Decimal | str | tuple[str, ...]

_BUDGET_ZH = "预算执行率"


def check_expect(
    expect: Expect, spec: Spec, *, at: PathKey, source: SourceMap | None
) -> list[Problem]:
    """Every id, grade or row ``expect`` names that ``spec`` does not have, located in the case
    file."""
    out: list[Problem] = []
    at_expect: PathKey = (*at, "expect")
    indicator_ids = [i.id for i in spec.indicators]
    category_ids = [c.id for c in spec.categories]

    def unknown(code: str, path: PathKey, m: Message, key: str, pool: list[str]) -> None:
        out.append(
            make_problem(code, path, source=source, suggestion=suggest(key, pool), **m.as_en_zh())
        )

    for key in expect.indicators:
        if key not in indicator_ids:
            unknown(
                UNKNOWN_INDICATOR,
                (*at_expect, "indicators", key),
                message(("unknown-indicator", "case"), spec=spec.meta.id, key=key),
                key,
                indicator_ids,
            )
    for key in expect.subtotals:
        if key not in category_ids:
            unknown(
                UNKNOWN_CATEGORY,
                (*at_expect, "subtotals", key),
                message(("unknown-category", "case"), spec=spec.meta.id, key=key),
                key,
                category_ids,
            )
    for key in expect.warnings or {}:
        if key != NO_INDICATOR and key not in indicator_ids:
            unknown(
                UNKNOWN_INDICATOR,
                (*at_expect, "warnings", key),
                message(("unknown-indicator", "case"), spec=spec.meta.id, key=key),
                key,
                indicator_ids,
            )
    grades = [g.name for g in spec.grades]
    if expect.grade is not None and expect.grade not in grades:
        out.append(
            make_problem(
                UNKNOWN_GRADE,
                (*at_expect, "grade"),
                source=source,
                suggestion=suggest(expect.grade, grades),
                **message(
                    "unknown-grade", spec=spec.meta.id, grade=expect.grade, grades=listing(grades)
                ).as_en_zh(),
            )
        )
    if expect.budget_execution is not None and spec.budget_execution is None:
        out.append(
            make_problem(
                NO_BUDGET_EXECUTION,
                (*at_expect, "budget_execution"),
                source=source,
                **message("no-budget-execution", spec=spec.meta.id).as_en_zh(),
            )
        )
    return out


def _text(value: Value | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return value


@attrs.frozen(kw_only=True)
class Mismatch:
    """One expected value that the evaluation does not give (within the tolerance)."""

    kind: MismatchKind
    id: str | None  # the indicator or category id (warnings: an indicator id or "*")
    name: str  # what the row is called on the form (Chinese)
    path: PathKey  # key path of the expected value in the case file (where --update writes)
    expected: Value | None  # None: the case does not name it (an unexpected warning)
    actual: Value
    line: int | None = None  # line of the expected value in the case file

    def label(self, lang: Lang = "zh") -> str:
        """What differs: ``预算执行率``, ``指标 组织参事…（counsellor_proposals）``, …"""
        zh = lang == "zh"
        if self.kind == "total":
            return "总分" if zh else "total"
        if self.kind == "grade":
            return "等级" if zh else "grade"
        if self.kind == "budget_execution":
            return _BUDGET_ZH if zh else f"budget execution ({_BUDGET_ZH})"
        kind = {
            "indicator": ("指标", "indicator"),
            "subtotal": ("小计", "subtotal"),
            "warnings": ("提示", "warnings"),
        }[self.kind]
        if zh:
            return (
                f"{kind[0]} {self.name}（{self.id}）"
                if self.name != self.id
                else f"{kind[0]} {self.id}"
            )
        return (
            f"{kind[1]} {self.name} ({self.id})" if self.name != self.id else f"{kind[1]} {self.id}"
        )

    @property
    def expected_text(self) -> str:
        """The expected value as written."""
        return _text(self.expected)

    @property
    def actual_text(self) -> str:
        """The value the evaluation gives."""
        return _text(self.actual)

    @property
    def delta_text(self) -> str:
        """actual − expected for numbers (``+0.45``), empty otherwise."""
        if isinstance(self.expected, Decimal) and isinstance(self.actual, Decimal):
            d = self.actual - self.expected
            return ("+" if d > 0 else "") + format_decimal(d)
        return ""


def _within(actual: Decimal, expected: Decimal, tolerance: Decimal) -> bool:
    return abs(actual - expected) <= tolerance


def warnings_by_indicator(ev: Evaluation) -> dict[str, tuple[str, ...]]:
    """The codes of the evaluation's warnings per indicator id (``*``: not tied to one), in
    order."""
    out: dict[str, list[str]] = {}
    for w in ev.warnings:
        out.setdefault(w.indicator or NO_INDICATOR, []).append(w.code)
    return {k: tuple(v) for k, v in out.items()}


def compare(
    expect: Expect,
    ev: Evaluation,
    *,
    tolerance: Decimal = Decimal(0),
    at: PathKey = (),
    source: SourceMap | None = None,
) -> tuple[Mismatch, ...]:
    """Every value of ``expect`` that ``ev`` does not give; numbers within ``tolerance`` agree.

    ``at`` is the key path of the case in its file (``("cases", 0)``); each
    mismatch carries the key path and line of its expected value.
    """
    out: list[Mismatch] = []
    base: PathKey = (*at, "expect")

    def add(
        kind: MismatchKind,
        ident: str | None,
        name: str,
        path: PathKey,
        expected: Value | None,
        actual: Value,
    ) -> None:
        line = source.locate(path)[0] if source is not None and expected is not None else None
        out.append(
            Mismatch(
                kind=kind,
                id=ident,
                name=name,
                path=path,
                expected=expected,
                actual=actual,
                line=line,
            )
        )

    be = ev.budget_execution
    if (
        expect.budget_execution is not None
        and be is not None
        and not _within(be.score, expect.budget_execution, tolerance)
    ):
        add(
            "budget_execution",
            None,
            be.name,
            (*base, "budget_execution"),
            expect.budget_execution,
            be.score,
        )
    for ident, want in expect.indicators.items():
        r = ev.indicator(ident)
        if not _within(r.score, want, tolerance):
            add("indicator", ident, r.name, (*base, "indicators", ident), want, r.score)
    for ident, want in expect.subtotals.items():
        c = ev.category(ident)
        if not _within(c.score, want, tolerance):
            add("subtotal", ident, c.name, (*base, "subtotals", ident), want, c.score)
    if expect.total is not None and not _within(ev.total, expect.total, tolerance):
        add("total", None, "总分", (*base, "total"), expect.total, ev.total)
    if expect.grade is not None and ev.grade != expect.grade:
        add("grade", None, "等级", (*base, "grade"), expect.grade, ev.grade_shown())
    if expect.warnings is not None:
        got = warnings_by_indicator(ev)
        names = {r.id: r.name for r in ev.indicators}
        for ident in [*expect.warnings, *(k for k in got if k not in expect.warnings)]:
            want_codes = expect.warnings.get(ident)
            have = got.get(ident, ())
            if Counter(want_codes or ()) != Counter(have):
                add(
                    "warnings",
                    ident,
                    names.get(ident, ident),
                    (*base, "warnings", ident),
                    want_codes,
                    have,
                )
    return tuple(out)


def _descendants(ev: Evaluation, category: str) -> set[str]:
    found = {category}
    changed = True
    while changed:
        changed = False
        for c in ev.categories:
            if c.parent in found and c.id not in found:
                found.add(c.id)
                changed = True
    return found


def explained_rows(
    ev: Evaluation, mismatches: Iterable[Mismatch]
) -> tuple[IndicatorResult | BudgetExecutionResult, ...]:
    """The rows whose explanation a failure shows.

    Each indicator (or the budget-execution row) whose expected score or
    warnings differ; when only a subtotal, the total or the grade differs, the
    rows that lost points under it (every such row for the total and grade).
    """
    rows: list[IndicatorResult | BudgetExecutionResult] = []
    ms = list(mismatches)

    def add(r: IndicatorResult | BudgetExecutionResult) -> None:
        if all(r is not x for x in rows):
            rows.append(r)

    for m in ms:
        if m.kind == "budget_execution" and ev.budget_execution is not None:
            add(ev.budget_execution)
        elif m.kind in ("indicator", "warnings") and m.id is not None and m.id != NO_INDICATOR:
            add(ev.indicator(m.id))
    if rows:
        return tuple(rows)
    for m in ms:
        if m.kind == "subtotal" and m.id is not None:
            under = _descendants(ev, m.id)
            for r in ev.losses():
                if isinstance(r, IndicatorResult) and r.category in under:
                    add(r)
        elif m.kind in ("total", "grade"):
            for r in ev.losses():
                add(r)
    return tuple(rows)


def total_steps(ev: Evaluation, mismatches: Iterable[Mismatch]) -> tuple[Step, ...]:
    """The steps of the total (and grade) when the total or the grade differs."""
    kinds = {m.kind for m in mismatches}
    steps: tuple[Step, ...] = ()
    if "total" in kinds or "grade" in kinds:
        steps += ev.total_steps
    if "grade" in kinds:
        steps += ev.grade_steps
    return steps
