"""The what-if report: two specs over the same units, what changed in the rules and in the scores.

The render layer does not import the what-if package: :class:`DiffReport`
takes any object of the shape the protocols below describe (the what-if
package's ``SpecDiff`` has it).
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
from perfrules.render._format import pts
from perfrules.render._problems import ProblemList


class RowDeltaLike(Protocol):
    """One row of one unit under both specs."""

    @property
    def kind(self) -> str: ...  # "budget_execution" | "indicator" | "subtotal"

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def old(self) -> Decimal | None: ...

    @property
    def new(self) -> Decimal | None: ...

    @property
    def delta(self) -> Decimal | None: ...

    @property
    def new_reason(self) -> str | None: ...


class UnitErrorLike(Protocol):
    """A problem that kept a unit out of the comparison."""

    @property
    def side(self) -> str: ...  # "actuals" | "old" | "new"

    @property
    def problem(self) -> Problem: ...


class UnitDiffLike(Protocol):
    """One unit under both specs."""

    @property
    def unit(self) -> str: ...

    @property
    def label(self) -> str | None: ...

    @property
    def ok(self) -> bool: ...

    @property
    def old_total(self) -> Decimal | None: ...

    @property
    def new_total(self) -> Decimal | None: ...

    @property
    def total_delta(self) -> Decimal | None: ...

    @property
    def old_grade(self) -> str | None: ...

    @property
    def new_grade(self) -> str | None: ...

    @property
    def grade_changed(self) -> bool: ...

    @property
    def rows(self) -> Sequence[RowDeltaLike]: ...

    @property
    def changed_rows(self) -> Sequence[RowDeltaLike]: ...

    @property
    def errors(self) -> Sequence[UnitErrorLike]: ...


class SpecRefLike(Protocol):
    """Which spec one side is."""

    @property
    def id(self) -> str: ...

    @property
    def sha256(self) -> str: ...

    @property
    def file(self) -> str | None: ...

    @property
    def framework(self) -> str | None: ...


class SpecChangeLike(Protocol):
    """One value that differs between the specs."""

    @property
    def path(self) -> str: ...

    @property
    def old(self) -> str | None: ...

    @property
    def new(self) -> str | None: ...


class RowSummaryLike(Protocol):
    """One row across every unit."""

    @property
    def name(self) -> str: ...

    @property
    def id(self) -> str: ...

    @property
    def units_changed(self) -> int: ...

    @property
    def min_delta(self) -> Decimal | None: ...

    @property
    def max_delta(self) -> Decimal | None: ...


class GradeMoveLike(Protocol):
    """Units moving from one grade to another."""

    @property
    def old(self) -> str: ...

    @property
    def new(self) -> str: ...

    @property
    def units(self) -> int: ...


class DiffSummaryLike(Protocol):
    """The comparison in figures."""

    @property
    def units(self) -> int: ...

    @property
    def compared(self) -> int: ...

    @property
    def bad(self) -> int: ...

    @property
    def changed(self) -> int: ...

    @property
    def grade_changed(self) -> int: ...

    @property
    def grade_moves(self) -> Sequence[GradeMoveLike]: ...

    @property
    def min_total_delta(self) -> Decimal | None: ...

    @property
    def max_total_delta(self) -> Decimal | None: ...

    @property
    def rows(self) -> Sequence[RowSummaryLike]: ...


class SpecDiffLike(Protocol):
    """Two specs scored over the same units."""

    @property
    def old(self) -> SpecRefLike: ...

    @property
    def new(self) -> SpecRefLike: ...

    @property
    def spec_changes(self) -> Sequence[SpecChangeLike]: ...

    @property
    def units(self) -> Sequence[UnitDiffLike]: ...

    @property
    def summary(self) -> DiffSummaryLike: ...


def signed(value: Decimal | None) -> str:
    """A delta as ``+0.45`` / ``-1`` / ``0`` (empty for None)."""
    if value is None:
        return ""
    return ("+" if value > 0 else "") + pts(value)


def _score(value: Decimal | None) -> str:
    return "—" if value is None else pts(value)


_SIDE = {
    "actuals": ("无法读取实际完成值", "the actuals do not load"),
    "old": ("与旧规范不符", "they do not fit OLD"),
    "new": ("与新规范不符", "they do not fit NEW"),
}


class DiffReport:
    """``perfrules diff``: the rule changes, each unit's changed rows, total and grade, and a
    summary."""

    def __init__(self, diff: SpecDiffLike, *, lang: Lang = "zh", all_rows: bool = False) -> None:
        self.diff = diff
        self.lang = lang
        self.all_rows = all_rows

    def _ref(self, label: str, r: SpecRefLike) -> Text:
        zh = self.lang == "zh"
        t = Text(f"  {label} ", style="bold")
        t.append(r.id, style="cyan")
        extra = [r.file or "", f"sha256 {r.sha256[:12]}"]
        if r.framework:
            extra.append(("框架 " if zh else "framework ") + r.framework)
        t.append(
            ("（" if zh else " (")
            + ("，" if zh else ", ").join(e for e in extra if e)
            + ("）" if zh else ")")
        )
        return t

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        d = self.diff
        zh = self.lang == "zh"
        yield Text("规则对比（what-if）" if zh else "What-if comparison", style="bold")
        yield self._ref("旧 OLD" if zh else "OLD", d.old)
        yield self._ref("新 NEW" if zh else "NEW", d.new)
        if d.spec_changes:
            t = Table(
                box=box.SIMPLE,
                title=f"规范差异（{len(d.spec_changes)}）"
                if zh
                else f"Spec changes ({len(d.spec_changes)})",
                title_justify="left",
            )
            t.add_column("键" if zh else "Key", style="cyan", overflow="fold")
            t.add_column("旧" if zh else "Old", overflow="fold")
            t.add_column("新" if zh else "New", overflow="fold", style="bold")
            for c in d.spec_changes:
                t.add_row(c.path, "—" if c.old is None else c.old, "—" if c.new is None else c.new)
            yield t
        else:
            yield Text(
                "两版规范的规则相同" if zh else "The two specs' rules are the same", style="dim"
            )
        for u in d.units:
            yield from self._unit(u)
        yield from self._summary()

    def _unit(self, u: UnitDiffLike) -> RenderResult:
        zh = self.lang == "zh"
        head = Text("\n")
        head.append(("单位 " if zh else "Unit ") + u.unit, style="bold")
        if u.label:
            head.append(f"（{u.label}）" if zh else f" ({u.label})")
        if not u.ok:
            head.append(
                "：输入有误，未比较" if zh else ": bad input, not compared", style="bold red"
            )
            yield head
            for side, (side_zh, side_en) in _SIDE.items():
                problems = [e.problem for e in u.errors if e.side == side]
                if problems:
                    yield Text(("  " + side_zh + "：") if zh else f"  {side_en}:", style="red")
                    yield ProblemList(problems, lang=self.lang)
            return
        head.append("：" if zh else ": ")
        head.append(
            ("总分 " if zh else "total ") + f"{_score(u.old_total)} → {_score(u.new_total)}"
        )
        delta = signed(u.total_delta)
        head.append(
            f"（{delta}）" if zh else f" ({delta})", style="bold" if u.total_delta else "dim"
        )
        head.append(
            ("，等级 " if zh else ", grade ") + f"{u.old_grade} → {u.new_grade}",
            style="bold yellow" if u.grade_changed else "",
        )
        if u.grade_changed:
            head.append("（等级变化）" if zh else " (grade changes)", style="bold yellow")
        yield head
        rows = list(u.rows if self.all_rows else u.changed_rows)
        if not rows:
            yield Text("  各项得分均未变化" if zh else "  no score changes", style="dim")
            return
        kinds = {
            "budget_execution": ("预算执行率", "budget"),
            "indicator": ("指标", "indicator"),
            "subtotal": ("小计", "subtotal"),
        }
        t = Table(box=box.SIMPLE)
        t.add_column("类型" if zh else "Row", style="dim", no_wrap=True)
        t.add_column("名称" if zh else "Name", overflow="fold")
        t.add_column("旧" if zh else "Old", justify="right")
        t.add_column("新" if zh else "New", justify="right", style="bold")
        t.add_column("差值" if zh else "Δ", justify="right")
        t.add_column("新规范下扣分原因" if zh else "Reason under NEW", overflow="fold", ratio=1)
        for r in rows:
            k = kinds.get(r.kind, (r.kind, r.kind))
            name = (
                r.name
                if r.kind == "budget_execution"
                else f"{r.name}（{r.id}）"
                if zh
                else f"{r.name} ({r.id})"
            )
            t.add_row(
                k[0] if zh else k[1],
                name,
                _score(r.old),
                _score(r.new),
                signed(r.delta),
                r.new_reason or "",
            )
        yield t
        unchanged = len(u.rows) - len(u.changed_rows)
        if not self.all_rows and unchanged:
            yield Text(
                f"  其余 {unchanged} 行得分未变化" if zh else f"  {unchanged} other rows unchanged",
                style="dim",
            )

    def _summary(self) -> RenderResult:
        zh = self.lang == "zh"
        s = self.diff.summary
        yield Text()
        changes = [u for u in self.diff.units if u.grade_changed]
        if changes:
            yield Text(
                "等级变化的单位：" if zh else "Units whose grade changes:", style="bold yellow"
            )
            for u in changes:
                yield Text(f"  {u.unit}: {u.old_grade} → {u.new_grade}（{signed(u.total_delta)}）")
        if s.compared > 1 and s.rows:
            t = Table(
                box=box.SIMPLE,
                title="各行变化汇总" if zh else "Rows that changed, over all units",
                title_justify="left",
            )
            t.add_column("名称" if zh else "Name", overflow="fold")
            t.add_column("变化单位数" if zh else "Units", justify="right")
            t.add_column("最小差值" if zh else "Min Δ", justify="right")
            t.add_column("最大差值" if zh else "Max Δ", justify="right")
            for r in s.rows:
                t.add_row(
                    f"{r.name}（{r.id}）" if zh else f"{r.name} ({r.id})",
                    str(r.units_changed),
                    signed(r.min_delta),
                    signed(r.max_delta),
                )
            yield t
        spread = ""
        if s.min_total_delta is not None and s.max_total_delta is not None:
            lo, hi = signed(s.min_total_delta), signed(s.max_total_delta)
            spread = lo if lo == hi else f"{lo} … {hi}"
        if zh:
            text = (
                f"汇总：{s.units} 个单位，比较 {s.compared} 个，得分变化 {s.changed} 个，等级变化 {s.grade_changed} 个"
                + (f"，输入有误 {s.bad} 个" if s.bad else "")
                + (f"；总分变化 {spread}" if spread else "")
            )
        else:
            text = (
                f"Summary: {s.units} unit(s), {s.compared} compared, {s.changed} changed, "
                f"{s.grade_changed} change grade"
                + (f", {s.bad} with bad input" if s.bad else "")
                + (f"; total delta {spread}" if spread else "")
            )
        yield Text(text, style="bold")
