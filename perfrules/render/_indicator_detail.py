"""The detailed, step-by-step view of one indicator (or the budget-execution row)."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from perfrules._errors import Lang
from perfrules.core import BudgetExecutionResult, IndicatorResult
from perfrules.render._format import pts

_KIND_ZH = {
    "input": "输入",
    "compare": "比较",
    "formula": "计算",
    "round": "舍入",
    "clamp": "限值",
    "policy": "口径",
    "deduction": "扣分",
    "rule": "依据",
}


class IndicatorDetail:
    """Every step that produced one result: inputs, comparison, formula, rounding, deduction,
    rule."""

    def __init__(
        self, result: IndicatorResult | BudgetExecutionResult, *, lang: Lang = "zh"
    ) -> None:
        self.result = result
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # piped or written to a file: one line a step, prose never wrapped
        if not console.is_terminal:
            yield from self._lines()
            return
        r = self.result
        zh = self.lang == "zh"
        t = Table.grid(padding=(0, 1))
        t.add_column(style="dim", no_wrap=True)
        t.add_column(style="cyan", no_wrap=True)
        t.add_column(overflow="fold")
        for i, step in enumerate(r.steps, 1):
            t.add_row(
                f"{i}.",
                _KIND_ZH.get(step.kind, step.kind) if zh else step.kind,
                step.text(self.lang),
            )
        if r.full_marks is not None:
            t.add_row(
                "→",
                "满分条件" if zh else "full marks",
                Text(r.full_marks.zh if zh else r.full_marks.en, style="bold"),
            )
        if isinstance(r, IndicatorResult):
            for w in r.warnings:
                t.add_row("⚠", "提示" if zh else "warning", Text(w.text(self.lang), style="yellow"))
            if r.note:
                t.add_row("", "说明" if zh else "note", r.note)
            path = " / ".join(r.category_path)
            title = f"{r.name}（{r.id}）" if zh else f"{r.name} ({r.id})"
            subtitle = f"{path} · " if path else ""
        else:
            title = r.name if zh else "Budget execution"
            subtitle = ""
        score = (
            f"得分 {pts(r.score)}{r.score_mark(self.lang)} / {pts(r.weight)} 分"
            if zh
            else f"score {pts(r.score)}{r.score_mark(self.lang)} of {pts(r.weight)}"
        )
        yield Panel(
            t,
            title=Text(title, style="bold"),
            subtitle=subtitle + score,
            border_style="red" if r.lost > 0 else "green",
        )

    def _lines(self) -> RenderResult:
        """The same content as plain lines: heading, every step, full-marks condition, warnings,
        score."""
        r = self.result
        zh = self.lang == "zh"
        if isinstance(r, IndicatorResult):
            path = " / ".join(r.category_path)
            head = f"{r.name}（{r.id}）" if zh else f"{r.name} ({r.id})"
            head += f" · {path}" if path else ""
        else:
            head = r.name if zh else "Budget execution"
        yield Text(head, style="bold")
        for i, step in enumerate(r.steps, 1):
            kind = _KIND_ZH.get(step.kind, step.kind) if zh else step.kind
            yield Text(f"{i}. {kind}  {step.text(self.lang)}")
        if r.full_marks is not None:
            yield Text(
                f"→ {'满分条件' if zh else 'full marks'}  {r.full_marks.zh if zh else r.full_marks.en}"
            )
        if isinstance(r, IndicatorResult):
            for w in r.warnings:
                yield Text(f"⚠ {'提示' if zh else 'warning'}  {w.text(self.lang)}")
            if r.note:
                yield Text(f"{'说明' if zh else 'note'}  {r.note}")
        yield Text(
            f"得分 {pts(r.score)}{r.score_mark(self.lang)} / {pts(r.weight)} 分"
            if zh
            else f"score {pts(r.score)}{r.score_mark(self.lang)} of {pts(r.weight)}",
            style="bold",
        )
