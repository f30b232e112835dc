"""The report's own scoring prose (the 绩效情况 section of a 自评报告), generated from an evaluation.

The wording follows the published 2024 report of 湖南省人民政府办公厅 (section
六, see ``docs/reports.md``)::

    根据部门整体支出绩效评价指标，部门整体支出绩效得分99分，具体情况如下：
    （一）预算执行率（分值10分，得9分，扣1分）
    （二）产出指标（分值50分，得50分，未扣分）
    1、数量指标（分值20分，得20分，未扣分）
    全年报送《湖南信息》期数，年度指标值：≥400期，实际完成值：408期，分值3分，得分3分。

Every figure comes from the :class:`~perfrules.core.Evaluation`: names,
年度指标值 (``IndicatorResult.target``), 实际完成值 (``IndicatorResult.actual``),
分值, 得分, 扣分原因; points print without needless zeros (``9``, not ``9.00``).
Text from the spec and actuals is put on one line with its control characters
shown as escapes (``\\x1b``: ``perfrules._safe_text``), so the prose is safe to
print in a terminal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, TypeAlias

from perfrules._errors import Lang
from perfrules._safe_text import escape_controls
from perfrules.core import BudgetExecutionResult, CategoryResult, Evaluation, IndicatorResult
from perfrules.report._prose import clean, target_shown, total_in_words
from perfrules.report._text import lost_of, lost_phrase, pts, zh_section
from perfrules.report._text import one_line as _one_line
from perfrules.report._tree import sections

Actual: TypeAlias = Literal["computed", "stated"]
ACTUALS: tuple[str, ...] = ("computed", "stated")

_KIND_EN = {"部门整体支出": "department-wide spending", "项目支出": "project spending"}


def closing_sentence(ev: Evaluation, lang: Lang, subject: str, kind: str) -> str:
    """综上… : the total and grade, or in partial mode the total over the declared rows and no
    grade."""
    if ev.partial is not None:
        if lang == "zh":
            return (
                f"综上，{subject}已录入各项得分{pts(ev.total)}分（已录入各项满分{pts(ev.total_weight)}分）。"
                f"本表为部分指标（{one_line(ev.partial)}），不评定等级。"
            )
        return (
            f"In sum, the declared rows of the {kind} self-evaluation score {pts(ev.total)} of "
            f"{pts(ev.total_weight)}. Partial form ({one_line(ev.partial)}): no grade is claimed."
        )
    if lang == "zh":
        return (
            f"综上，{subject}绩效自评得分{pts(ev.total)}分（满分{pts(ev.total_weight)}分），"
            f"自评等级为“{one_line(ev.grade_shown())}”。"
        )
    return (
        f"In sum, the {kind} self-evaluation scores {pts(ev.total)} of {pts(ev.total_weight)}, "
        f"grade {one_line(ev.grade_shown('en'))}."
    )


def _subject(kind: str) -> str:
    """Who scored: ``部门整体支出`` for a department, ``本项目`` for a project (项目支出)."""
    return "本项目" if kind == "项目支出" else one_line(kind)


def one_line(text: str) -> str:
    """User text as the prose shows it: on one line, control characters escaped (``\\x1b``)."""
    return _one_line(escape_controls(text))  # escaped first: \x1c-\x1e and \x85 would break lines


def _end(text: str, lang: Lang) -> str:
    """A sentence with exactly one full stop."""
    text = one_line(text).rstrip()
    if lang == "zh":
        return text if text.endswith(("。", "！", "？")) else text + "。"
    return text if text.endswith((".", "!", "?")) else text + "."


def _figures(
    weight: Decimal,
    score: Decimal,
    lost: Decimal,
    lang: Lang,
    not_applicable: Decimal | None = None,
) -> str:
    """``分值50分，得50分，未扣分`` (with ``不适用指标X分`` when part of the weight is not applicable)."""
    if lang == "zh":
        na = f"，其中不适用指标{pts(not_applicable)}分" if not_applicable else ""
        return f"分值{pts(weight)}分{na}，得{pts(score)}分，{lost_phrase(lost, lang)}"
    na = f", of which {pts(not_applicable)} not applicable" if not_applicable else ""
    return f"weight {pts(weight)}{na}, score {pts(score)}, {lost_phrase(lost, lang)}"


def category_header(label: str, cat: CategoryResult, lang: Lang) -> str:
    na = None if cat.applicable_weight is None else cat.weight - cat.applicable_weight
    fig = _figures(cat.weight, cat.score, cat.lost, lang, na)
    name = one_line(cat.name)
    return f"{label}{name}（{fig}）" if lang == "zh" else f"{label} {name} ({fig})"


class GroupNumbers:
    """The labels of the groups under a top category: ``1、`` for level 2, ``（1）`` for level 3 under
    it.

    Each level counts from 1 again under a new parent (``1.``, ``1.1`` in English).
    """

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.counts = [0, 0]

    def next(self, level: int) -> str:
        if level <= 2:
            self.counts = [self.counts[0] + 1, 0]
            return f"{self.counts[0]}、" if self.lang == "zh" else f"{self.counts[0]}."
        self.counts[1] += 1
        return (
            f"（{self.counts[1]}）" if self.lang == "zh" else f"{self.counts[0]}.{self.counts[1]}"
        )


def budget_header(label: str, be: BudgetExecutionResult, lang: Lang) -> str:
    """``（一）预算执行率（分值10分，得9分，扣1分）``."""
    fig = _figures(be.weight, be.score, be.lost, lang)
    return (
        f"{label}{one_line(be.name)}（{fig}）"
        if lang == "zh"
        else f"{label} Budget execution ({fig})"
    )


def _reason(reason: str | None, lost: Decimal, lang: Lang) -> str:
    """The 扣分原因 sentence of a row that lost points ('' when none were lost)."""
    if lost_of(lost) == 0:
        return ""
    if reason:
        return _end(
            ("扣分原因：" if lang == "zh" else "Reason for deduction: ") + clean(reason), lang
        )
    return _end(lost_phrase(lost, lang), lang)


def indicator_line(r: IndicatorResult, lang: Lang = "zh", *, actual: Actual = "computed") -> str:
    """``名称，年度指标值：…，实际完成值：…，分值X分，得分Y分。`` plus the 扣分原因 when points were lost.

    ``actual="stated"`` prints the 实际完成值 as the actuals state it where the
    score uses a computed value (a derived rate: the report's ``85.4%`` for the
    computed 85.39%); the default prints the value the score was computed from.
    """
    # a result stated in words (据陈述) always shows its mark and evidence, whichever actual is asked
    # for
    shown = (
        r.stated if actual == "stated" and r.stated is not None and not r.is_stated else r.actual
    )
    name, target, actual_text = one_line(r.name), target_shown(r.target), one_line(shown)
    if not r.applicable:
        why = r.steps[0].text(lang) if r.steps else ("不适用" if lang == "zh" else "not applicable")
        if lang == "zh":
            return (
                f"{name}，年度指标值：{target}，实际完成值：不适用，分值{pts(r.weight)}分，不考核。"
                + _end(why, lang)
            )
        return (
            f"{name}: target: {target}; actual: not "
            f"applicable; weight {pts(r.weight)}, not scored. " + _end(why, lang)
        )
    mark = r.score_mark(lang)
    if lang == "zh":
        line = (
            f"{name}，年度指标值：{target}，实际完成值：{actual_text}，"
            f"分值{pts(r.weight)}分，得分{pts(r.score)}分{mark}。"
        )
        if r.own_score is not None:  # the printed score replaced the rule's: say so, lost or not
            return line + _end(clean(r.own_score.text(lang)), lang)
        return line + _reason(r.reason, r.lost, lang)
    line = (
        f"{name}: target: {target}; actual: {actual_text}; "
        f"weight {pts(r.weight)}, score {pts(r.score)}{mark}."
    )
    if r.own_score is not None:
        return line + " " + _end(clean(r.own_score.text(lang)), lang)
    reason = _reason(r.reason_en, r.lost, lang)
    return line + (" " + reason if reason else "")


def _budget_paragraph(be: BudgetExecutionResult, lang: Lang) -> list[str]:
    zh = lang == "zh"
    if be.base == "initial" and be.initial is not None:
        base_zh, base_en, base = "年初预算数", "Initial budget", be.initial
    else:
        base_zh, base_en, base = "全年预算数", "Full-year budget", be.full_year
    unit = one_line(be.unit)
    if zh:
        line = (
            f"{base_zh}{pts(base)}{unit}，全年执行数{pts(be.spent)}{unit}，预算执行率{be.rate_display}，"
            f"分值{pts(be.weight)}分，得分{pts(be.score)}分。"
        ) + _reason(be.reason, be.lost, lang)
    else:
        line = (
            f"{base_en} {pts(base)} {unit}, spent {pts(be.spent)} "
            f"{unit}, execution rate {be.rate_display}; "
            f"weight {pts(be.weight)}, score {pts(be.score)}."
        )
        reason = _reason(be.reason_en, be.lost, lang)
        line += " " + reason if reason else ""
    out = [line]
    parts = []
    for li in be.lines:
        if zh:
            bud = f"预算{pts(li.budget)}{unit}，" if li.budget is not None else ""
            rate = f"，执行率{li.rate_display}" if li.rate_display else ""
            parts.append(f"{one_line(li.name)}{bud}执行{pts(li.spent)}{unit}{rate}")
        else:
            bud = f"budget {pts(li.budget)} {unit}, " if li.budget is not None else ""
            rate = f", rate {li.rate_display}" if li.rate_display else ""
            parts.append(f"{one_line(li.name)}: {bud}spent {pts(li.spent)} {unit}{rate}")
    if parts:
        out.append(
            ("其中：" + "；".join(parts) + "。") if zh else ("Of which: " + "; ".join(parts) + ".")
        )
    return out


def to_narrative(evaluation: Evaluation, *, lang: Lang = "zh", actual: Actual = "computed") -> str:
    """The scoring prose of the self-evaluation report, in the seed report's own wording.

    One paragraph per line, paragraphs separated by a blank line: the title,
    the total line (``根据部门整体支出绩效评价指标，部门整体支出绩效得分99分，具体情况如下：``),
    the budget row (``（一）预算执行率（分值10分，得9分，扣1分）`` and its figures),
    each top category (``（二）产出指标（分值50分，得50分，未扣分）``) with its
    二级 categories (``1、数量指标（…）``; a level below them ``（1）…``: the
    三级 categories of a 四级 form, the 二级 ones under a 年度绩效目标 block) and one line per indicator
    (``名称，年度指标值：…，实际完成值：…，分值3分，得分3分。`` then
    ``扣分原因：…。`` when points were lost, and ``说明：…`` for the
    actuals' note), the bonus items and vetoes, how the total was reached
    when it is not the plain sum, and the closing total and grade line.
    ``lang="en"`` gives the same in English. ``actual="stated"`` prints a
    derived rate's 实际完成值 as the actuals state it (the report's own ``85.4%``)
    instead of the value the score was computed from (``85.39%``).
    """
    if actual not in ACTUALS:
        raise ValueError(f"actual must be one of {', '.join(ACTUALS)}, not {actual!r}")
    ev = evaluation
    zh = lang == "zh"
    kind = ev.kind if zh else _KIND_EN.get(ev.kind, ev.kind)
    paras: list[str] = [one_line(ev.title)]
    if zh:
        paras.append(
            f"根据{kind}绩效评价指标，{_subject(ev.kind)}绩效得分{pts(ev.total)}分，具体情况如下："
        )
    else:
        paras.append(
            f"Under the {kind} performance indicators, the {kind} performance score is "
            f"{pts(ev.total)} of {pts(ev.total_weight)}. In detail:"
        )
    n = 0

    def label() -> str:
        nonlocal n
        n += 1
        return zh_section(n) if zh else f"({n})"

    be = ev.budget_execution
    if be is not None:
        paras.append(budget_header(label(), be, lang))
        paras.extend(_budget_paragraph(be, lang))
    for sec in sections(ev):
        paras.append(category_header(label(), sec.category, lang))
        numbers = GroupNumbers(lang)
        for group in sec.groups:
            if group.category is not None:
                paras.append(category_header(numbers.next(group.level), group.category, lang))
            for r in group.indicators:
                paras.append(indicator_line(r, lang, actual=actual))
                if r.note:
                    paras.append(_end(("说明：" if zh else "Note: ") + r.note, lang))
    if ev.bonus:
        added = sum((b.points for b in ev.bonus), Decimal(0))
        paras.append(
            f"{label()}加分项（加{pts(added)}分）" if zh else f"{label()} Bonus (+{pts(added)})"
        )
        for b in ev.bonus:
            if zh:
                paras.append(
                    f"{one_line(b.name)}，上限{pts(b.cap)}分，加{pts(b.points)}分。"
                    + _end(f"加分理由：{b.reason}", lang)
                )
            else:
                paras.append(
                    f"{one_line(b.name)}: cap {pts(b.cap)}, +{pts(b.points)}. "
                    + _end(f"Reason: {b.reason}", lang)
                )
    if ev.vetoes:
        paras.append(f"{label()}一票否决事项" if zh else f"{label()} Vetoes")
        for v in ev.vetoes:
            if zh:
                effect = (
                    "总分记为0分"
                    if v.effect == "zero"
                    else f"等级定为“{one_line(ev.grade_shown())}”"
                )
                paras.append(_end(f"{one_line(v.name)}：{v.reason}，{effect}", lang))
            else:
                effect = (
                    "the total is 0"
                    if v.effect == "zero"
                    else f"the grade is set to {one_line(ev.grade_shown('en'))}"
                )
                paras.append(_end(f"{one_line(v.name)}: {v.reason}; {effect}", lang))
    how = total_in_words(ev, lang)  # rescaled, bonus, capped, vetoed or rounded: say how
    if how is not None:
        paras.append(how)
    paras.append(closing_sentence(ev, lang, _subject(ev.kind), kind))
    return "\n\n".join(paras) + "\n"
