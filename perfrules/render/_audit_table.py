"""The self-evaluation table (绩效自评表) view of an :class:`~perfrules.Evaluation`."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from perfrules._errors import Lang
from perfrules.core import Evaluation
from perfrules.render._format import amount, pts
from perfrules.render._losses import LossRanking
from perfrules.render._warnings import WarningList

_HEAD = {
    "zh": ("分值", "年度指标值", "实际完成值", "得分", "扣分原因"),
    "en": ("Weight", "Target", "Actual", "Score", "Reason for deduction"),
}
"""The columns after the name columns (:meth:`Evaluation.level_names`)."""


class AuditTable:
    """Renders an evaluation the way the official 自评表 lays it out.

    The budget-execution block first (年初预算数 / 全年预算数 / 全年执行数 /
    分值 / 执行率 / 得分), then every category in form order with its
    subtotal, each in the column of its level (目标 / 一级 / 二级 / 三级, as
    deep as the spec goes), and every indicator in the last name column with
    分值, 年度指标值, 实际完成值, 得分 and 扣分原因, the total and the grade,
    and the warnings.
    """

    def __init__(self, evaluation: Evaluation, *, lang: Lang = "zh") -> None:
        self.evaluation = evaluation
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ev = self.evaluation
        zh = self.lang == "zh"
        title = Text(ev.title, style="bold")
        sub = Text(
            f"{ev.unit} · {ev.year}年度 · {ev.kind}"
            if zh
            else f"{ev.unit} · {ev.year} · {ev.kind}",
            style="dim",
        )
        parts: list[object] = [title, sub]
        if ev.partial is not None:
            parts.append(
                Text(
                    f"部分指标：{ev.partial}（总分只计已录入的各行，不评定等级）"
                    if zh
                    else f"Partial form: {ev.partial} (the total "
                    "runs over the declared rows; no grade)",
                    style="bold yellow",
                )
            )
        if ev.basis:
            parts.append(Text(("依据：" if zh else "Basis: ") + ev.basis, style="dim"))
        be = ev.budget_execution
        if be is not None:
            bt = Table(
                box=box.SIMPLE_HEAVY,
                title=(f"预算执行情况（{be.unit}）" if zh else f"Budget execution ({be.unit})"),
            )
            heads = (
                ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "扣分原因")
                if zh
                else (
                    "",
                    "Initial budget",
                    "Full-year budget",
                    "Spent",
                    "Weight",
                    "Rate",
                    "Score",
                    "Reason",
                )
            )
            for i, h in enumerate(heads):
                bt.add_column(h, justify="right" if 0 < i < 7 else "left", overflow="fold")
            bt.add_row(
                be.name if zh else "Budget execution",
                amount(be.initial),
                amount(be.full_year),
                amount(be.spent),
                pts(be.weight),
                be.rate_display,
                Text(pts(be.score), style="bold red" if be.lost > 0 else "bold green"),
                (be.reason if zh else be.reason_en) or "",
            )
            for line in be.lines:
                bt.add_row(
                    Text(f"  {line.name}", style="dim"),
                    "",
                    amount(line.budget),
                    amount(line.spent),
                    "",
                    line.rate_display or "",
                    "",
                    "",
                )
            parts.append(bt)

        names = ev.level_names(self.lang)  # one column per category level, then the indicator
        head = (*names, *_HEAD[self.lang])
        pad = ("",) * (len(names) - 3)  # the name columns a deeper form adds (none on two levels)
        t = Table(box=box.SIMPLE_HEAVY, show_lines=False, title="绩效指标" if zh else "Indicators")
        for i in range(len(names) - 1):  # the category columns: narrow, the first one narrowest
            t.add_column(head[i], overflow="fold", max_width=10 if i == 0 else 12)
        t.add_column(head[len(names) - 1], overflow="fold", ratio=3)
        t.add_column(head[-5], justify="right")
        t.add_column(head[-4], overflow="fold", ratio=2)
        t.add_column(head[-3], overflow="fold", ratio=2)
        t.add_column(head[-2], justify="right")
        t.add_column(head[-1], overflow="fold", ratio=3)
        for cat in ev.categories:  # form order: each category, then what is under it
            before = ("",) * (cat.level - 1)
            after = ("",) * (len(names) - cat.level)
            if cat.level == 1:
                t.add_row(
                    *before,
                    Text(cat.name, style="bold"),
                    *after,
                    Text(pts(cat.weight), style="bold"),
                    "",
                    "",
                    Text(pts(cat.score), style="bold"),
                    _lost(cat.lost, zh),
                    style="on grey11",
                )
            else:
                t.add_row(
                    *before,
                    Text(cat.name, style="italic"),
                    *after,
                    pts(cat.weight),
                    "",
                    "",
                    pts(cat.score),
                    _lost(cat.lost, zh),
                )
            for r in ev.indicators_in(cat.id):
                mark = " ⚠" if r.warnings else ""
                if not r.applicable:
                    t.add_row(
                        "",
                        *pad,
                        "",
                        Text(r.name, style="dim"),
                        Text(pts(r.weight), style="dim"),
                        r.target,
                        Text("不适用" if zh else "n/a", style="dim"),
                        Text("—", style="dim"),
                        Text((r.steps[0].text(self.lang)), style="dim"),
                    )
                    continue
                t.add_row(
                    "",
                    *pad,
                    "",
                    r.name,
                    pts(r.weight),
                    r.target,
                    r.actual + mark,
                    Text(
                        pts(r.score) + r.score_mark(self.lang),
                        style="red" if r.lost > 0 else "green",
                    ),
                    (r.reason if zh else r.reason_en) or "",
                )
        for b in ev.bonus:
            t.add_row(
                Text("加分项" if zh else "Bonus", style="bold"),
                *pad,
                "",
                b.name,
                pts(b.cap),
                "",
                "",
                Text(f"+{pts(b.points)}", style="green"),
                b.reason,
            )
        for v in ev.vetoes:
            t.add_row(
                Text("一票否决" if zh else "Veto", style="bold red"),
                *pad,
                "",
                v.name,
                "",
                "",
                "",
                "",
                Text(v.reason, style="red"),
            )
        if be is not None:
            t.add_row(
                Text(be.name if zh else "Budget execution", style="bold"),
                *pad,
                "",
                "",
                Text(pts(be.weight), style="bold"),
                "100%",
                be.rate_display,
                Text(pts(be.score), style="bold"),
                _lost(be.lost, zh),
                style="on grey11",
            )
        t.add_row(
            Text("总分" if zh else "Total", style="bold"),
            *pad,
            "",
            "",
            Text(pts(ev.total_weight), style="bold"),
            "",
            "",
            Text(pts(ev.total), style="bold"),
            Text(
                (f"等级：{ev.grade_shown()}" if zh else f"grade: {ev.grade_shown('en')}"),
                style="bold",
            ),
        )
        parts.append(t)
        summary = (
            f"总分 {pts(ev.total)} 分（满分 {pts(ev.total_weight)} "
            f"分，扣 {pts(ev.lost)} 分），等级：{ev.grade_shown()}"
            if zh
            else f"Total {pts(ev.total)} of {pts(ev.total_weight)} "
            f"({pts(ev.lost)} deducted), grade {ev.grade_shown('en')}"
        )
        parts.append(Text(summary, style="bold"))
        if len(ev.total_steps) > 1:  # rescaled, bonus, capped, vetoed or rounded: show how
            how = Text()
            for i, step in enumerate(ev.total_steps):
                how.append(("\n" if i else "") + "· " + step.text(self.lang), style="dim")
            parts.append(how)
        if ev.losses():
            parts.append(LossRanking(ev, lang=self.lang))
        if ev.warnings:
            parts.append(WarningList(ev.warnings, lang=self.lang))
        yield Group(*parts)  # type: ignore[arg-type]


def _lost(lost: object, zh: bool) -> str:
    text = pts(lost)  # type: ignore[arg-type]
    if text in ("0", ""):
        return "未扣分" if zh else "no deduction"
    return f"扣{text}分" if zh else f"{text} deducted"
