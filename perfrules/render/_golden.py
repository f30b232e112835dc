"""Golden-case reports: a case's outcome (what differs and why) and the values ``--update``
re-recorded.

The render layer does not import the golden package: these renderables take
any object of the shape described by the protocols below (the golden
package's ``CaseResult``, ``Mismatch`` and ``Change`` have it).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from perfrules._errors import Lang, Problem
from perfrules.core import BudgetExecutionResult, IndicatorResult, Step
from perfrules.render._format import pts
from perfrules.render._indicator_detail import _KIND_ZH, IndicatorDetail
from perfrules.render._problems import ProblemList


class MismatchLike(Protocol):
    """One expected value that differs."""

    def label(self, lang: Lang = "zh") -> str: ...

    @property
    def expected_text(self) -> str: ...

    @property
    def actual_text(self) -> str: ...

    @property
    def delta_text(self) -> str: ...

    @property
    def line(self) -> int | None: ...


class CaseResultLike(Protocol):
    """The outcome of one golden case."""

    @property
    def name(self) -> str: ...

    @property
    def location(self) -> str: ...

    @property
    def status(self) -> str: ...  # "passed" | "failed" | "error"

    @property
    def tolerance(self) -> Decimal: ...

    @property
    def mismatches(self) -> Sequence[MismatchLike]: ...

    @property
    def problems(self) -> Sequence[Problem]: ...

    @property
    def details(self) -> Sequence[IndicatorResult | BudgetExecutionResult]: ...

    @property
    def total_steps(self) -> Sequence[Step]: ...


class ChangeLike(Protocol):
    """One expected value re-recorded by ``--update``."""

    @property
    def location(self) -> str: ...

    @property
    def case(self) -> str: ...

    def label(self, lang: Lang = "zh") -> str: ...

    @property
    def old_text(self) -> str: ...

    @property
    def new_text(self) -> str: ...


_MARK = {"passed": ("✓", "green"), "failed": ("✗", "bold red"), "error": ("!", "bold red")}


def case_line(result: CaseResultLike, *, lang: Lang = "zh") -> Text:
    """``✓ file:line  name`` (with ``失败``/``FAILED``, ``输入有误``/``ERROR`` when not passed)."""
    zh = lang == "zh"
    mark, style = _MARK.get(result.status, ("?", "bold"))
    line = Text()
    line.append(mark + " ", style=style)
    line.append(result.location, style="bold")
    line.append("  " + result.name)
    if result.status == "failed":
        line.append("  失败" if zh else "  FAILED", style=style)
    elif result.status == "error":
        line.append("  输入有误" if zh else "  ERROR (bad input)", style=style)
    return line


class CaseReport:
    """One case: a line when it passed; what differs (expected, actual, Δ) and every step behind
    it when not."""

    def __init__(self, result: CaseResultLike, *, lang: Lang = "zh") -> None:
        self.result = result
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r = self.result
        zh = self.lang == "zh"
        yield case_line(r, lang=self.lang)
        if r.status == "error":
            yield ProblemList(r.problems, lang=self.lang)
            return
        if r.status != "failed":
            return
        tol = (
            ""
            if r.tolerance == 0
            else (f"（容差 {pts(r.tolerance)}）" if zh else f" (tolerance {pts(r.tolerance)})")
        )
        t = Table(
            box=box.SIMPLE,
            title=("与期望值不一致" if zh else "Differs from the expected values") + tol,
            title_justify="left",
        )
        t.add_column("项目" if zh else "What", overflow="fold")
        t.add_column("期望" if zh else "Expected", justify="right")
        t.add_column("实际" if zh else "Actual", justify="right", style="bold")
        t.add_column("差值" if zh else "Δ", justify="right")
        t.add_column("行" if zh else "Line", justify="right", style="dim")
        for m in r.mismatches:
            t.add_row(
                m.label(self.lang),
                m.expected_text,
                m.actual_text,
                m.delta_text,
                "" if m.line is None else str(m.line),
            )
        yield t
        for row in r.details:
            yield IndicatorDetail(row, lang=self.lang)
        if r.total_steps:
            g = Table.grid(padding=(0, 1))
            g.add_column(style="dim", no_wrap=True)
            g.add_column(style="cyan", no_wrap=True)
            g.add_column(overflow="fold")
            for i, step in enumerate(r.total_steps, 1):
                g.add_row(
                    f"{i}.",
                    _KIND_ZH.get(step.kind, step.kind) if zh else step.kind,
                    step.text(self.lang),
                )
            yield Text("总分与等级" if zh else "Total and grade", style="bold")
            yield g


class ChangeList:
    """What ``perfrules test --update`` re-recorded: per case, each value old → new."""

    def __init__(self, changes: Sequence[ChangeLike], *, lang: Lang = "zh") -> None:
        self.changes = tuple(changes)
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        zh = self.lang == "zh"
        n = len(self.changes)
        yield Text(
            f"已重新记录 {n} 个期望值："
            if zh
            else f"re-recorded {n} expected value{'s' if n != 1 else ''}:",
            style="bold",
        )
        for c in self.changes:
            line = Text("  ")
            line.append(c.location, style="bold")
            line.append(f"  {c.case}  ")
            line.append(c.label(self.lang), style="cyan")
            line.append(f": {c.old_text} → ")
            line.append(c.new_text, style="bold")
            yield line
