"""The audit trail of an evaluation as blocks: what the Markdown and HTML reports both contain.

In order: the header (unit, year, kind, spec, framework, basis, actuals), the
total and grade with how they were reached, points lost by category (the
chart's data), the budget-execution row, one table per 一级 category with its
二级/三级 indicators (分值, 年度指标值, 实际完成值, 得分, 扣分, 扣分原因), bonus
items and vetoes, the losses ranked, the warnings, and for every row the
explanation steps, the full-marks condition and the rule with its source.
"""

from __future__ import annotations

from decimal import Decimal

from perfrules._errors import Lang
from perfrules.core import BudgetExecutionResult, Citation, Evaluation, IndicatorResult
from perfrules.report._blocks import Block, ChartSlot, Heading, Items, Para, Row, Table
from perfrules.report._chart import loss_bars
from perfrules.report._narrative import budget_header, category_header
from perfrules.report._prose import full_marks_text, policies_in_words, target_shown
from perfrules.report._text import (
    STATUS,
    STEP_KIND,
    lost_of,
    lost_phrase,
    one_line,
    pts,
    zh_section,
)
from perfrules.report._tree import sections

_L = {
    "zh": {
        "unit": "单位",
        "year": "年度",
        "kind": "类型",
        "spec": "规范",
        "sha": "规范摘要（SHA-256）",
        "framework": "框架",
        "version": "版本",
        "basis": "依据",
        "actuals": "实际数据",
        "policies": "计分口径",
        "none": "无",
        "total_head": "总分与等级",
        "chart_head": "失分分布（按类别）",
        "category": "类别",
        "weight": "分值",
        "score": "得分",
        "lost": "扣分",
        "budget_head": "预算执行率",
        "item": "项目",
        "initial": "年初预算数",
        "full_year": "全年预算数",
        "spent": "全年执行数",
        "rate": "执行率",
        "reason": "扣分原因",
        "ind_head": "绩效指标",
        "target": "年度指标值",
        "actual": "实际完成值",
        "subtotal": "小计",
        "na": "不适用",
        "bonus_head": "加分项",
        "cap": "上限",
        "points": "加分",
        "why": "理由",
        "veto_head": "一票否决",
        "effect": "效果",
        "losses_head": "失分排序（差多少得满分）",
        "row": "指标",
        "full": "满分条件",
        "no_losses": "无失分，各项均得满分。",
        "warnings_head": "提示",
        "no_warnings": "无提示。",
        "steps_head": "计分过程与依据",
        "rule": "依据",
        "declared": "本评价方案规定的依据",
        "notes_head": "注释",
        "note_mark": "注",
        "recalled_note": "条文凭记忆引述，正式引用前须核对原文",
        "note": "说明",
        "warning": "提示",
        "zero": "总分记为0分",
        "budget_name": "预算执行率",
    },
    "en": {
        "unit": "Unit",
        "year": "Year",
        "kind": "Kind",
        "spec": "Spec",
        "sha": "Spec digest (SHA-256)",
        "framework": "Framework",
        "version": "version",
        "basis": "Basis",
        "actuals": "Actuals",
        "policies": "Policies",
        "none": "none",
        "total_head": "Total and grade",
        "chart_head": "Points lost by category",
        "category": "Category",
        "weight": "Weight",
        "score": "Score",
        "lost": "Lost",
        "budget_head": "Budget execution",
        "item": "Row",
        "initial": "Initial budget",
        "full_year": "Full-year budget",
        "spent": "Spent",
        "rate": "Rate",
        "reason": "Reason for deduction",
        "ind_head": "Indicators",
        "target": "Target",
        "actual": "Actual",
        "subtotal": "subtotal",
        "na": "not applicable",
        "bonus_head": "Bonus",
        "cap": "Cap",
        "points": "Points",
        "why": "Reason",
        "veto_head": "Vetoes",
        "effect": "Effect",
        "losses_head": "Points lost, most first (what full marks needed)",
        "row": "Row",
        "full": "Full marks with",
        "no_losses": "No points lost: full marks on every row.",
        "warnings_head": "Warnings",
        "no_warnings": "No warnings.",
        "steps_head": "Every score explained",
        "rule": "Rule",
        "declared": "Rule stated by this evaluation scheme",
        "notes_head": "Notes",
        "note_mark": "note ",
        "recalled_note": "the clause is quoted from memory; check "
        "the official wording before citing it",
        "note": "Note",
        "warning": "Warning",
        "zero": "the total is 0",
        "budget_name": "Budget execution",
    },
}


class Notes:
    """The footnotes of the audit trail: one per recalled rule document, numbered in order of
    first use."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.numbers: dict[str, int] = {}

    def mark(self, document: str) -> str:
        n = self.numbers.setdefault(document, len(self.numbers) + 1)
        t = _L[self.lang]
        return f"［{t['note_mark']}{n}］" if self.lang == "zh" else f" [{t['note_mark']}{n}]"

    def blocks(self) -> list[Block]:
        if not self.numbers:
            return []
        t = _L[self.lang]
        sep = "：" if self.lang == "zh" else ": "
        items = tuple(f"{doc}{sep}{t['recalled_note']}" for doc in self.numbers)
        return [
            Heading(level=2, text=t["notes_head"], anchor="notes"),
            Items(items=items, ordered=True),
        ]


def _cite(c: Citation, lang: Lang, notes: Notes | None = None) -> str:
    """The rule's source document and how sure its wording is (its clause text is the last step).

    A rule quoted from memory gets a footnote (``［注1］``) instead of the caveat in brackets.
    """
    if notes is not None and c.status == "recalled":
        return c.document + notes.mark(c.document)
    status = STATUS[lang].get(c.status, c.status)
    return f"{c.document}（{status}）" if lang == "zh" else f"{c.document} ({status})"


def _reason(text: str | None, lost: Decimal) -> str:
    return one_line(text) if text and lost_of(lost) > 0 else ""


def _lost_cell(lost: Decimal) -> str:
    return pts(lost_of(lost))


def _header(ev: Evaluation, lang: Lang) -> list[Block]:
    t = _L[lang]
    zh = lang == "zh"
    meta = [
        f"{t['unit']}：{ev.unit}" if zh else f"{t['unit']}: {ev.unit}",
        f"{t['year']}：{ev.year}年" if zh else f"{t['year']}: {ev.year}",
        f"{t['kind']}：{ev.kind}" if zh else f"{t['kind']}: {ev.kind}",
    ]
    sep = "：" if zh else ": "
    items = [f"{t['spec']}{sep}{ev.spec_id}", f"{t['sha']}{sep}{ev.spec_sha256}"]
    fw = ev.framework
    if fw is None:
        items.append(f"{t['framework']}{sep}{t['none']}")
    else:
        extra = [
            x for x in (fw.id, f"{t['version']} {fw.version}" if fw.version else None, fw.file) if x
        ]
        joined = "，".join(extra) if zh else ", ".join(extra)
        items.append(
            f"{t['framework']}{sep}{fw.title}" + (f"（{joined}）" if zh else f" ({joined})")
        )
        if fw.reason:  # "中文 / English", as the framework loader words it
            zh_reason, _, en_reason = fw.reason.partition(" / ")
            items.append(
                f"{t['framework']}{sep}" + (zh_reason if zh or not en_reason else en_reason)
            )
    items.append(f"{t['basis']}{sep}{ev.basis or t['none']}")
    if ev.actuals_label:
        items.append(f"{t['actuals']}{sep}{ev.actuals_label}")
    if ev.policies:
        items.append(
            f"{t['policies']}{sep}" + ("；" if zh else "; ").join(policies_in_words(ev, lang))
        )
    return [
        Heading(level=1, text=ev.title),
        Para(text=" · ".join(meta)),
        Items(items=tuple(one_line(i) for i in items)),
    ]


def _total(ev: Evaluation, lang: Lang) -> list[Block]:
    t = _L[lang]
    if lang == "zh":
        line = (
            f"总分 {pts(ev.total)} 分（满分 {pts(ev.total_weight)} "
            f"分，扣 {pts(ev.lost)} 分），等级：{ev.grade_shown()}"
        )
    else:
        line = (
            f"Total {pts(ev.total)} of {pts(ev.total_weight)} "
            f"({pts(ev.lost)} deducted), grade {ev.grade_shown('en')}"
        )
    steps = tuple(one_line(s.text(lang)) for s in (*ev.total_steps, *ev.grade_steps))
    return [
        Heading(level=2, text=t["total_head"], anchor="total"),
        Para(text=line, strong=True),
        Items(items=steps),
    ]


def _chart(ev: Evaluation, lang: Lang) -> list[Block]:
    t = _L[lang]
    rows = tuple(
        Row(cells=(b.label, pts(b.weight), pts(b.score), pts(b.lost))) for b in loss_bars(ev, lang)
    )
    return [
        Heading(level=2, text=t["chart_head"], anchor="chart"),
        ChartSlot(),
        Table(
            head=(t["category"], t["weight"], t["score"], t["lost"]),
            rows=rows,
            numeric=frozenset({1, 2, 3}),
        ),
    ]


def _budget(be: BudgetExecutionResult, lang: Lang) -> list[Block]:
    t = _L[lang]
    name = be.name if lang == "zh" else t["budget_name"]
    rows = [
        Row(
            cells=(
                name,
                pts(be.initial),
                pts(be.full_year),
                pts(be.spent),
                pts(be.weight),
                be.rate_display,
                pts(be.score),
                _lost_cell(be.lost),
                _reason(be.reason if lang == "zh" else be.reason_en, be.lost),
            ),
            role="group",
        )
    ]
    for li in be.lines:
        rows.append(
            Row(
                cells=(
                    li.name,
                    "",
                    pts(li.budget),
                    pts(li.spent),
                    "",
                    li.rate_display or "",
                    "",
                    "",
                    "",
                )
            )
        )
    unit = f"（{be.unit}）" if lang == "zh" else f" ({be.unit})"
    head = (
        t["item"],
        t["initial"] + unit,
        t["full_year"] + unit,
        t["spent"] + unit,
        t["weight"],
        t["rate"],
        t["score"],
        t["lost"],
        t["reason"],
    )
    label = zh_section(1) if lang == "zh" else "(1)"
    return [
        Heading(level=2, text=t["budget_head"], anchor="budget"),
        Para(text=budget_header(label, be, lang), strong=True),
        Table(head=head, rows=tuple(rows), numeric=frozenset(range(1, 8))),
    ]


def _indicator_row(r: IndicatorResult, lang: Lang, pad: tuple[str, ...] = ()) -> Row:
    """An indicator's row; ``pad``: the empty name cells a deeper form adds before the indicator
    column."""
    t = _L[lang]
    mark = " ⚠" if r.warnings else ""
    if not r.applicable:
        return Row(
            cells=(
                "",
                *pad,
                r.name,
                pts(r.weight),
                target_shown(r.target),
                t["na"],
                "—",
                "—",
                one_line(r.steps[0].text(lang)),
            ),
            role="not_applicable",
        )
    reason = _reason(r.reason if lang == "zh" else r.reason_en, r.lost)
    return Row(
        cells=(
            "",
            *pad,
            r.name,
            pts(r.weight),
            target_shown(r.target),
            r.actual + mark,
            pts(r.score) + r.score_mark(lang),
            _lost_cell(r.lost),
            reason,
        )
    )


def _indicators(ev: Evaluation, lang: Lang) -> list[Block]:
    t = _L[lang]
    out: list[Block] = [Heading(level=2, text=t["ind_head"], anchor="indicators")]
    # the narrative's numbering: the budget row is （一）
    n = 1 if ev.budget_execution is not None else 0
    names = ev.level_names(lang)[
        1:
    ]  # the name columns below the top: 二级指标, 三级指标 on two levels
    pad = ("",) * (len(names) - 2)  # the name columns a deeper form adds
    for sec in sections(ev):
        n += 1
        label = zh_section(n) if lang == "zh" else f"({n})"
        out.append(
            Heading(
                level=3, text=category_header(label, sec.category, lang), anchor=f"category-{n}"
            )
        )
        rows: list[Row] = []
        for group in sec.groups:
            c = group.category
            if c is not None:  # a subtotal row, its name in the column of its level
                rows.append(
                    Row(
                        cells=(
                            *("",) * (c.level - 2),
                            c.name,
                            *("",) * (len(names) - c.level + 1),
                            pts(c.weight),
                            "",
                            "",
                            pts(c.score),
                            _lost_cell(c.lost),
                            t["subtotal"]
                            + ("，" if lang == "zh" else ", ")
                            + lost_phrase(c.lost, lang),
                        ),
                        role="subtotal",
                    )
                )
            rows.extend(_indicator_row(r, lang, pad) for r in group.indicators)
        top = sec.category
        rows.append(
            Row(
                cells=(
                    top.name,
                    "",
                    *pad,
                    pts(top.weight),
                    "",
                    "",
                    pts(top.score),
                    _lost_cell(top.lost),
                    lost_phrase(top.lost, lang),
                ),
                role="total",
            )
        )
        head = (
            *names,
            t["weight"],
            t["target"],
            t["actual"],
            t["score"],
            t["lost"],
            t["reason"],
        )
        out.append(
            Table(
                head=head,
                rows=tuple(rows),
                numeric=frozenset({2 + len(pad), 5 + len(pad), 6 + len(pad)}),
            )
        )
    return out


def _bonus_and_vetoes(ev: Evaluation, lang: Lang) -> list[Block]:
    t = _L[lang]
    out: list[Block] = []
    if ev.bonus:
        rows = tuple(
            Row(cells=(b.name, pts(b.cap), "+" + pts(b.points), b.reason)) for b in ev.bonus
        )
        out += [
            Heading(level=2, text=t["bonus_head"], anchor="bonus"),
            Table(
                head=(t["bonus_head"], t["cap"], t["points"], t["why"]),
                rows=rows,
                numeric=frozenset({1, 2}),
            ),
        ]
    if ev.vetoes:

        def effect(e: str) -> str:
            if e == "zero":
                return t["zero"]
            return (
                f"等级定为“{ev.grade_shown()}”"
                if lang == "zh"
                else f"the grade is set to {ev.grade_shown('en')}"
            )

        rows = tuple(Row(cells=(v.name, effect(v.effect), v.reason)) for v in ev.vetoes)
        out += [
            Heading(level=2, text=t["veto_head"], anchor="vetoes"),
            Table(head=(t["veto_head"], t["effect"], t["why"]), rows=rows),
        ]
    return out


def _losses(ev: Evaluation, lang: Lang) -> list[Block]:
    t = _L[lang]
    out: list[Block] = [Heading(level=2, text=t["losses_head"], anchor="losses")]
    losses = ev.losses()
    if not losses:
        return [*out, Para(text=t["no_losses"])]
    rows = []
    for i, r in enumerate(losses, 1):
        name = r.name if isinstance(r, IndicatorResult) or lang == "zh" else t["budget_name"]
        rows.append(
            Row(
                cells=(
                    str(i),
                    name,
                    pts(r.lost),
                    one_line((r.reason if lang == "zh" else r.reason_en) or ""),
                    full_marks_text(r, lang),
                )
            )
        )
    out.append(
        Table(
            head=("#", t["row"], t["lost"], t["reason"], t["full"]),
            rows=tuple(rows),
            numeric=frozenset({0, 2}),
        )
    )
    return out


def _warnings(ev: Evaluation, lang: Lang) -> list[Block]:
    t = _L[lang]
    out: list[Block] = [Heading(level=2, text=t["warnings_head"], anchor="warnings")]
    if not ev.warnings:
        return [*out, Para(text=t["no_warnings"])]
    items = []
    for w in ev.warnings:
        src = ""
        if w.citation is not None:
            src = (
                f"（{t['rule']}：{w.citation.document}）"
                if lang == "zh"
                else f" ({t['rule']}: {w.citation.document})"
            )
        items.append(one_line(w.text(lang)) + src)
    return [*out, Items(items=tuple(items), ordered=True)]


def _explained(
    r: IndicatorResult | BudgetExecutionResult, lang: Lang, anchor: str, notes: Notes
) -> list[Block]:
    t = _L[lang]
    zh = lang == "zh"
    sep = "：" if zh else ": "
    if isinstance(r, IndicatorResult):
        path = " / ".join(r.category_path)
        title = f"{r.name}（{r.id}）" if zh else f"{r.name} ({r.id})"
    else:
        path = ""
        title = r.name if zh else t["budget_name"]
    if isinstance(r, IndicatorResult) and not r.applicable:
        score = (
            f"{t['na']}，{t['weight']} {pts(r.weight)} 分"
            if zh
            else f"{t['na']}, weight {pts(r.weight)}"
        )
    elif zh:
        score = (
            f"得分 {pts(r.score)}{r.score_mark(lang)} / "
            f"{pts(r.weight)} 分，{lost_phrase(r.lost, lang)}"
        )
    else:
        score = (
            f"score {pts(r.score)}{r.score_mark(lang)} of "
            f"{pts(r.weight)}, {lost_phrase(r.lost, lang)}"
        )
    out: list[Block] = [
        Heading(level=3, text=title, anchor=anchor),
        Para(text=(f"{path} · " if path else "") + score),
    ]
    kinds = STEP_KIND[lang]
    steps = tuple(f"[{kinds.get(s.kind, s.kind)}] {one_line(s.text(lang))}" for s in r.steps)
    out.append(Items(items=steps, ordered=True))
    extra: list[str] = []
    if r.full_marks is not None:
        extra.append(t["full"] + sep + full_marks_text(r, lang))
    if r.citation is not None:  # no generic text fits some rows: they cite their own rule or none
        extra.append(t["rule"] + sep + _cite(r.citation, lang, notes))
    if r.rule is not None:
        extra.append(
            t["declared"]
            + sep
            + r.rule.document
            + (("：" if zh else ": ") + r.rule.text if r.rule.text else "")
        )
    if isinstance(r, IndicatorResult):
        extra.extend(t["warning"] + sep + w.text(lang) for w in r.warnings)
        if r.note:
            extra.append(t["note"] + sep + r.note)
    out.append(Items(items=tuple(one_line(e) for e in extra)))
    return out


def _details(ev: Evaluation, lang: Lang) -> list[Block]:
    out: list[Block] = [Heading(level=2, text=_L[lang]["steps_head"], anchor="steps")]
    notes = Notes(lang)
    if ev.budget_execution is not None:
        out += _explained(ev.budget_execution, lang, "row-budget_execution", notes)
    for i, r in enumerate(ev.indicators, 1):
        out += _explained(r, lang, f"row-{i}", notes)
    return out + notes.blocks()


def audit_blocks(ev: Evaluation, lang: Lang = "zh") -> tuple[Block, ...]:
    """The whole audit trail of ``ev`` as blocks, in the order the reports print them."""
    blocks: list[Block] = [*_header(ev, lang), *_total(ev, lang), *_chart(ev, lang)]
    if ev.budget_execution is not None:
        blocks += _budget(ev.budget_execution, lang)
    blocks += [
        *_indicators(ev, lang),
        *_bonus_and_vetoes(ev, lang),
        *_losses(ev, lang),
        *_warnings(ev, lang),
        *_details(ev, lang),
    ]
    return tuple(blocks)
