"""The summary of a batch run: units scored and failed, grades, the indicators that lost most points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from perfrules._errors import Lang
from perfrules.batch._chunk import STATUS_OK

TOP_LOSSES = 10


@attrs.frozen(kw_only=True)
class IndicatorLoss:
    """Points one indicator id lost over all units, and in how many units it lost any."""

    indicator: str
    points: Decimal
    units: int


@attrs.frozen(kw_only=True)
class BatchSummary:
    """What a batch run did. Renders with rich (``rich.print(summary)``), in Chinese unless ``lang="en"``."""

    units: int
    scored: int
    failed: int
    grades: tuple[tuple[str, int], ...]  # grade → units, most frequent first (ties: first seen)
    losses: tuple[IndicatorLoss, ...]  # the most points lost first, at most TOP_LOSSES
    outputs: tuple[str, ...] = ()  # the files written
    engines: tuple[tuple[str, int], ...] = ()  # engine → units it scored ("vector", "pure")
    lang: Lang = attrs.field(default="zh", eq=False)

    @property
    def exit_code(self) -> int:
        """0 when every unit was scored, 1 when any failed (findings: each failed unit has its error row)."""
        return 0 if self.failed == 0 else 1

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        zh = self.lang == "zh"
        head = (
            f"共 {self.units} 个单位：{self.scored} 个已评分，{self.failed} 个有误"
            if zh
            else f"{self.units} units: {self.scored} scored, {self.failed} failed"
        )
        yield Text(head, style="bold red" if self.failed else "bold green")
        if self.grades:
            g = Table(title="等级分布" if zh else "grades", title_justify="left")
            g.add_column("等级" if zh else "grade")
            g.add_column("单位数" if zh else "units", justify="right")
            for grade, n in self.grades:
                g.add_row(grade, str(n))
            yield g
        if self.losses:
            t = Table(
                title="扣分最多的指标" if zh else "most-deducted indicators", title_justify="left"
            )
            t.add_column("指标" if zh else "indicator")
            t.add_column("扣分合计" if zh else "points lost", justify="right")
            t.add_column("扣分单位数" if zh else "units losing points", justify="right")
            for loss in self.losses:
                t.add_row(loss.indicator, str(loss.points), str(loss.units))
            yield t
        if self.engines:
            parts = (
                "、".join(f"{e} {n}" for e, n in self.engines)
                if zh
                else ", ".join(f"{e} {n}" for e, n in self.engines)
            )
            yield Text(f"计分引擎：{parts}" if zh else f"engines: {parts}", style="dim")
        for path in self.outputs:
            yield Text(("已写入 " if zh else "wrote ") + path, style="dim")


class Tally:
    """Accumulates a summary from result columns, chunk by chunk (memory: one entry per grade and indicator id)."""

    def __init__(self) -> None:
        self.units = 0
        self.scored = 0
        self.grades: dict[str, int] = {}
        self.points: dict[str, Decimal] = {}
        self.losing: dict[str, int] = {}
        self.engines: dict[str, int] = {}

    def add(
        self, units: Mapping[str, Sequence[Any]], indicators: Mapping[str, Sequence[Any]]
    ) -> None:
        self.add_units(units)
        for ident, lost in zip(indicators["indicator"], indicators["lost"], strict=True):
            if lost is None:
                continue
            value = Decimal(lost)
            if value > 0:
                self.points[ident] = self.points.get(ident, Decimal(0)) + value
                self.losing[ident] = self.losing.get(ident, 0) + 1

    def add_units(self, units: Mapping[str, Sequence[Any]]) -> None:
        """Count a units table's units, those scored and their grades."""
        for status, grade in zip(units["status"], units["grade"], strict=True):
            self.units += 1
            if status == STATUS_OK:
                self.scored += 1
                self.grades[grade] = self.grades.get(grade, 0) + 1

    def add_points(self, points: Mapping[str, Decimal], losing: Mapping[str, int]) -> None:
        """Count losses already summed (points lost and rows that lost, by indicator id, in
        first-seen order), as :meth:`add` counts them from an indicators table's texts."""
        for ident, value in points.items():
            self.points[ident] = self.points.get(ident, Decimal(0)) + value
            self.losing[ident] = self.losing.get(ident, 0) + losing[ident]

    def engine(self, name: str, n: int) -> None:
        if n:
            self.engines[name] = self.engines.get(name, 0) + n

    def summary(self, outputs: Sequence[str] = ()) -> BatchSummary:
        grades = sorted(self.grades.items(), key=lambda kv: -kv[1])
        losses = sorted(self.points.items(), key=lambda kv: (-kv[1], -self.losing[kv[0]]))[
            :TOP_LOSSES
        ]
        return BatchSummary(
            units=self.units,
            scored=self.scored,
            failed=self.units - self.scored,
            grades=tuple(grades),
            losses=tuple(
                IndicatorLoss(indicator=k, points=v, units=self.losing[k]) for k, v in losses
            ),
            outputs=tuple(outputs),
            engines=tuple(sorted(self.engines.items())),
        )
