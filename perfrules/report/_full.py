"""The whole self-evaluation report (自评报告) as blocks: every section, in the published report's
order.

For a 部门整体支出 evaluation the sections follow the seed report (湖南省人民政府办公厅,
2024): the cover, the preamble, 一、部门基本情况, 二、一般公共预算支出情况 (by budget
line), 三、政府性基金预算, 四、国有资本经营预算, 五、社会保险基金预算, 六、部门整体支出绩效情况
(the scoring prose of :func:`~perfrules.report.to_narrative` with the unit's own
description after each sentence), 七、存在的问题及原因分析, 八、下一步改进措施,
九、自评结果拟应用和公开情况, 十、其他需要说明的情况, and an appendix with the scored
自评表 and how every score was reached. A 项目支出 evaluation gets the project
report's sections (项目基本情况, 项目资金使用及管理情况, 项目绩效目标完成情况, …).

What perfrules knows is filled in; what only the unit knows comes from
:class:`~perfrules.report.ReportText` (``report.toml``); a section neither can
fill is a clearly marked placeholder (``【待填写：…】``). 存在的问题 is drafted
from the points lost and the target-setting findings (``perfrules lint``) when
the unit has not written it, marked ``【自动草拟，请核改】``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from perfrules._errors import Lang
from perfrules.core import BudgetExecutionResult, Evaluation, IndicatorResult
from perfrules.report._audit import audit_blocks
from perfrules.report._blocks import Block, Heading, Items, PageBreak, Para, Row, Table
from perfrules.report._narrative import (
    Actual,
    GroupNumbers,
    budget_header,
    category_header,
    indicator_line,
    one_line,
)
from perfrules.report._prose import clean, full_marks_text, plain_terms, total_in_words
from perfrules.report._text import pts, zh_number, zh_section
from perfrules.report._tree import sections
from perfrules.report._unit_text import REPORT_FILE, ReportText, Section

ORDINALS = "一二三四五六七八九十"


@attrs.frozen(kw_only=True)
class Issue:
    """A target-setting finding that 存在的问题 is drafted from (a ``perfrules lint`` finding, in
    words)."""

    code: str
    title: str  # the finding's kind: 效益指标以定性为主
    text: str  # what it found, as lint words it
    indicator: str | None = None  # the indicator id it is about (removed from the prose)


def issues_from_findings(
    findings: Iterable[Any], codes: Mapping[str, Any], lang: str
) -> list[Issue]:
    """The warnings among ``perfrules.lint`` findings as :class:`Issue` s (``codes``: lint's
    ``CODES``).

    Duck-typed on the findings (``code``, ``severity``, ``zh``, ``en``, ``indicator``) so that the
    report does not import lint; the command line and the service pass ``lint(spec, actuals)``.
    """
    out = []
    for f in findings:
        if f.severity != "warning":
            continue
        info = codes.get(f.code)
        title = (info.zh if lang == "zh" else info.en) if info else f.code
        text = f.zh if lang == "zh" else f.en
        out.append(Issue(code=f.code, title=title, text=text, indicator=f.indicator))
    return out


def paragraphs(text: str | None) -> list[str]:
    """The paragraphs of a text from report.toml: separated by blank lines, each on one line."""
    if not text:
        return []
    out: list[str] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        para = one_line(chunk.strip())
        if para:
            out.append(para)
    return out


def _body(text: str | None) -> list[Block]:
    return [Para(text=p, role="body") for p in paragraphs(text)]


def _placeholder(what: str, where: str, lang: Lang) -> Para:
    if lang == "zh":
        text = f"【待填写：{what}。请在 {REPORT_FILE} 的 {where} 中填写。】"
    else:
        text = f"[To be written: {what}. Fill in {where} in {REPORT_FILE}.]"
    return Para(text=text, role="placeholder")


def _section_blocks(sec: Section, what: str, where: str, lang: Lang) -> list[Block]:
    if sec.empty:
        return [_placeholder(what, where, lang)]
    out: list[Block] = _body(sec.text)
    for i, part in enumerate(sec.parts, 1):
        label = zh_section(i) if lang == "zh" else f"({i}) "
        out.append(Heading(level=3, text=f"{label}{one_line(part.title)}"))
        out += _body(part.text) or [_placeholder(one_line(part.title), where, lang)]
    return out


class _Numbers:
    """一、二、… for the report's top sections."""

    def __init__(self, lang: Lang) -> None:
        self.n = 0
        self.lang = lang

    def __call__(self, title: str) -> Heading:
        self.n += 1
        label = f"{zh_number(self.n)}、" if self.lang == "zh" else f"{self.n}. "
        return Heading(level=2, text=label + title, anchor=f"section-{self.n}")


def _is_project(ev: Evaluation) -> bool:
    return ev.kind == "项目支出"


def _cover(ev: Evaluation, text: ReportText, lang: Lang) -> list[Block]:
    zh = lang == "zh"
    prefix = f"{ev.year}年度"
    title = one_line(ev.title)
    if zh and title.startswith(prefix):
        title = title[len(prefix) :]
    head = f"{prefix}{one_line(ev.unit)}" if zh else one_line(ev.title)
    kind_line = (
        f"{one_line(ev.kind)}绩效自评报告"
        if zh
        else f"{ev.year} self-evaluation report ({one_line(ev.kind)})"
    )
    if zh and _is_project(ev):  # a project's title names the project: 某项目支出绩效自评 → …报告
        kind_line = title if title.endswith("报告") else title + "报告"
        head = prefix
    date = one_line(text.date) if text.date else None
    out: list[Block] = [
        Para(text=head, role="cover_title"),
        Heading(level=1, text=kind_line),
        Para(text=one_line(ev.unit), role="cover"),
    ]
    out.append(
        Para(text=date, role="cover")
        if date
        else _placeholder("报告日期" if zh else "the report's date", "date", lang)
    )
    out.append(PageBreak())
    return out


def _preamble(ev: Evaluation, text: ReportText, lang: Lang) -> list[Block]:
    if text.preamble:
        return _body(text.preamble)
    if lang == "zh":
        basis = f"根据{one_line(ev.basis)}要求，" if ev.basis else ""
        return [
            Para(
                text=f"{basis}{one_line(ev.unit)}开展了{ev.year}年度{one_line(ev.kind)}绩效自评工作。"
                f"现将{one_line(ev.kind)}绩效自评情况报告如下：",
                role="body",
            )
        ]
    basis = f" under {one_line(ev.basis)}" if ev.basis else ""
    return [
        Para(
            text=f"{one_line(ev.unit)} evaluated its {ev.year} "
            f"{one_line(ev.kind)}{basis}. The report follows.",
            role="body",
        )
    ]


def _rate_sentence(be: BudgetExecutionResult, lang: Lang, year: int) -> str:
    unit = one_line(be.unit)
    base = be.initial if be.base == "initial" and be.initial is not None else be.full_year
    if lang == "zh":
        return (
            f"{year}年全年预算数{pts(base)}{unit}，全年执行数{pts(be.spent)}{unit}，"
            f"预算执行率{be.rate_display}。"
        )
    return (
        f"In {year} the budget was {pts(base)} {unit}, "
        f"{pts(be.spent)} {unit} spent: {be.rate_display}."
    )


def budget_table(be: BudgetExecutionResult, lang: Lang) -> Table:
    """Budget execution by line: 项目 / 全年预算数 / 全年执行数 / 执行率, the total row last."""
    zh = lang == "zh"
    unit = one_line(be.unit)
    head = (
        ("项目", f"全年预算数（{unit}）", f"全年执行数（{unit}）", "执行率")
        if zh
        else ("Item", f"Budget ({unit})", f"Spent ({unit})", "Rate")
    )
    rows = [
        Row(cells=(one_line(li.name), pts(li.budget), pts(li.spent), li.rate_display or ""))
        for li in be.lines
    ]
    base = be.initial if be.base == "initial" and be.initial is not None else be.full_year
    rows.append(
        Row(
            cells=("合计" if zh else "Total", pts(base), pts(be.spent), be.rate_display),
            role="total",
        )
    )
    return Table(head=head, rows=tuple(rows), numeric=frozenset({1, 2, 3}))


def _budget_section(ev: Evaluation, text: ReportText, lang: Lang) -> list[Block]:
    """二、一般公共预算支出情况 (a project: 项目资金使用及管理情况): the table, then each line."""
    zh = lang == "zh"
    be = ev.budget_execution
    out: list[Block] = _body(text.budget.text)
    if be is None:
        if not out:
            out.append(_placeholder("预算执行情况" if zh else "budget execution", "[budget]", lang))
        return out
    out.append(Para(text=_rate_sentence(be, lang, ev.year), role="body"))
    out.append(budget_table(be, lang))
    for i, li in enumerate(be.lines, 1):
        name = one_line(li.name)
        label = zh_section(i) if zh else f"({i}) "
        out.append(Heading(level=3, text=f"{label}{name}情况" if zh else f"{label}{name}"))
        own = text.budget.lines.get(li.name)
        if own:
            out += _body(own)
            continue
        unit = one_line(be.unit)
        if zh:
            bud = f"预算安排{pts(li.budget)}{unit}，" if li.budget is not None else ""
            rate = f"，完成预算安排的{li.rate_display}" if li.rate_display else ""
            out.append(
                Para(
                    text=f"{ev.year}年{name}{bud}实际支出{pts(li.spent)}{unit}{rate}。", role="body"
                )
            )
        else:
            bud = f"budget {pts(li.budget)} {unit}, " if li.budget is not None else ""
            out.append(Para(text=f"{name}: {bud}spent {pts(li.spent)} {unit}.", role="body"))
        out.append(
            _placeholder(
                f"{name}的主要用途" if zh else f"what {name} was spent on",
                f'[budget.lines] "{name}"',
                lang,
            )
        )
    return out


def _fund(title: str, own: str | None, key: str, lang: Lang, number: _Numbers) -> list[Block]:
    return [number(title), *(_body(own) or [_placeholder(title, f"[budget] {key}", lang)])]


def _performance(ev: Evaluation, text: ReportText, lang: Lang, actual: Actual) -> Iterator[Block]:
    """The scoring prose (as :func:`to_narrative`) with the unit's description after each
    sentence."""
    zh = lang == "zh"
    kind = one_line(ev.kind)
    subject = "本项目" if _is_project(ev) else kind
    total = (
        f"根据{kind}绩效评价指标，{subject}绩效得分{pts(ev.total)}分，具体情况如下："
        if zh
        else f"Under the {kind} performance indicators the score "
        f"is {pts(ev.total)} of {pts(ev.total_weight)}:"
    )
    # the unit's introduction leads into the total, as in the seed
    intro = paragraphs(text.performance.text)
    yield from (Para(text=p, role="body") for p in intro[:-1])
    yield Para(text=(intro[-1] if intro else "") + total, role="body")
    n = 0

    def label() -> str:
        nonlocal n
        n += 1
        return zh_section(n) if zh else f"({n})"

    own = text.performance.indicators
    be = ev.budget_execution
    if be is not None:
        yield Heading(level=3, text=budget_header(label(), be, lang))
        unit = one_line(be.unit)
        base = be.initial if be.base == "initial" and be.initial is not None else be.full_year
        base_name = (
            "年初预算数" if be.base == "initial" and be.initial is not None else "全年预算数"
        )
        line = (
            f"{base_name}{pts(base)}{unit}，全年执行数{pts(be.spent)}{unit}，预算执行率{be.rate_display}，"
            f"分值{pts(be.weight)}分，得分{pts(be.score)}分。"
            if zh
            else f"Budget {pts(base)} {unit}, spent "
            f"{pts(be.spent)} {unit}, rate {be.rate_display}; "
            f"weight {pts(be.weight)}, score {pts(be.score)}."
        )
        if be.lost > 0 and (be.reason if zh else be.reason_en):
            reason = clean((be.reason if zh else be.reason_en) or "")
            line += f"扣分原因：{reason}。" if zh else f" Reason for deduction: {reason}."
        yield Para(text=line, role="body")
        yield from _body(text.performance.budget_execution)
    for sec in sections(ev):
        yield Heading(level=3, text=category_header(label(), sec.category, lang))
        numbers = GroupNumbers(lang)
        for group in sec.groups:
            if group.category is not None:
                yield Heading(
                    level=2 + group.level,
                    text=category_header(numbers.next(group.level), group.category, lang),
                )
            for r in group.indicators:
                described = own.get(r.id)
                sentence = indicator_line(r, lang, actual=actual)
                if described:
                    first, *rest = paragraphs(described)
                    yield Para(text=sentence + first, role="body")
                    yield from (Para(text=p, role="body") for p in rest)
                else:
                    yield Para(text=sentence, role="body")
                    if r.note:
                        note = ("说明：" if zh else "Note: ") + clean(r.note)
                        stop = "。" if zh else "."
                        yield Para(
                            text=note if note.endswith(("。", ".", "！", "？")) else note + stop,
                            role="body",
                        )
    if ev.bonus:
        added = sum((b.points for b in ev.bonus), Decimal(0))
        yield Heading(
            level=3,
            text=f"{label()}加分项（加{pts(added)}分）"
            if zh
            else f"{label()} Bonus (+{pts(added)})",
        )
        for b in ev.bonus:
            yield Para(
                text=f"{one_line(b.name)}，上限{pts(b.cap)}分，"
                f"加{pts(b.points)}分。加分理由：{one_line(b.reason)}。"
                if zh
                else f"{one_line(b.name)}: cap {pts(b.cap)}, "
                f"+{pts(b.points)}. Reason: {one_line(b.reason)}.",
                role="body",
            )
    if ev.vetoes:
        yield Heading(level=3, text=f"{label()}一票否决事项" if zh else f"{label()} Vetoes")
        for v in ev.vetoes:
            effect = (
                "总分记为0分" if v.effect == "zero" else f"等级定为“{one_line(ev.grade_shown())}”"
            )
            yield Para(text=f"{one_line(v.name)}：{one_line(v.reason)}，{effect}。", role="body")
    how = total_in_words(ev, lang)
    if how is not None:
        yield Para(text=how, role="body")
    if ev.partial is None:
        closing = (
            f"综上，{subject}绩效自评得分{pts(ev.total)}分（满分{pts(ev.total_weight)}分），"
            f"自评等级为“{one_line(ev.grade_shown())}”。"
            if zh
            else f"In sum: {pts(ev.total)} of {pts(ev.total_weight)}, "
            f"grade {one_line(ev.grade_shown('en'))}."
        )
    else:
        closing = (
            f"综上，{subject}已录入各项得分{pts(ev.total)}分（已录入各项满分{pts(ev.total_weight)}分）。"
            f"本表为部分指标（{one_line(ev.partial)}），不评定等级。"
            if zh
            else f"In sum: the declared rows score {pts(ev.total)} of {pts(ev.total_weight)}. "
            f"Partial form ({one_line(ev.partial)}): no grade is claimed."
        )
    yield Para(text=closing, role="body")


def _issue_text(issues: Sequence[Issue]) -> str:
    texts = []
    for i in issues:
        t = clean(i.text)
        if i.indicator:
            t = t.replace(f"（{i.indicator}）", "").replace(f"({i.indicator})", "")
        texts.append(t.rstrip("。；;"))
    return "；".join(texts)


def draft_problems(ev: Evaluation, issues: Sequence[Issue], lang: Lang = "zh") -> list[str]:
    """存在的问题 drafted from the points lost (most first) and the target-setting findings."""
    zh = lang == "zh"
    points: list[str] = []
    for r in ev.losses():
        name = one_line(r.name) if isinstance(r, IndicatorResult) or zh else "Budget execution"
        reason = clean((r.reason if zh else r.reason_en) or "").rstrip("。")
        full = full_marks_text(r, lang)
        if zh:
            points.append(f"{name}失分{pts(r.lost)}分：{reason}" + (f"（{full}）" if full else ""))
        else:
            points.append(f"{name} lost {pts(r.lost)}: {reason}" + (f" ({full})" if full else ""))
    by_code: dict[str, list[Issue]] = {}
    for i in issues:
        by_code.setdefault(i.code, []).append(i)
    for found in by_code.values():
        title = one_line(found[0].title)
        points.append(f"{title}。{_issue_text(found)}" if zh else f"{title}. {_issue_text(found)}")
    if not points:
        return []
    if zh:
        lead = "根据评分结果和指标设置检查，存在的问题主要有："
        out = [lead]
        for k, p in enumerate(points, 1):
            mark = zh_number(k) if k <= 99 else str(k)
            out.append(f"{mark}是{p}。")
        return out
    return ["From the scores and the target-setting checks:"] + [
        f"{k}. {p}." for k, p in enumerate(points, 1)
    ]


def _problems(ev: Evaluation, text: ReportText, issues: Sequence[Issue], lang: Lang) -> list[Block]:
    if not text.problems.empty:
        return _section_blocks(text.problems, "", "[problems]", lang)
    drafted = draft_problems(ev, issues, lang)
    if not drafted:
        return [
            _placeholder(
                "存在的问题及原因分析" if lang == "zh" else "problems and causes",
                "[problems]",
                lang,
            )
        ]
    mark = "【自动草拟，请核改】" if lang == "zh" else "[Drafted by perfrules; check and edit]"
    return [Para(text=mark, role="draft"), *(Para(text=p, role="draft") for p in drafted)]


def _appendix(ev: Evaluation, lang: Lang) -> list[Block]:
    """The scored 自评表 and every step: the audit trail, one heading level down, without its
    header."""
    blocks = list(audit_blocks(ev, lang))
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 2)
    out: list[Block] = [
        PageBreak(),
        Heading(
            level=2,
            text="附件：评分明细与计分依据"
            if lang == "zh"
            else "Annex: scores and how they were reached",
            anchor="annex",
        ),
        *blocks[1:start],  # the header's lines (unit, spec, framework, policies)
    ]
    for b in blocks[start:]:
        if isinstance(b, Heading):
            b = attrs.evolve(b, level=b.level + 1)
        elif isinstance(b, Items):
            b = attrs.evolve(b, items=tuple(plain_terms(i) for i in b.items))
        elif isinstance(b, Para):
            b = attrs.evolve(b, text=plain_terms(b.text))
        out.append(b)
    return out


def report_blocks(
    evaluation: Evaluation,
    text: ReportText | None = None,
    issues: Sequence[Issue] = (),
    *,
    lang: Lang = "zh",
    actual: Actual = "computed",
    annex: bool = True,
) -> tuple[Block, ...]:
    """The whole report as blocks, in order (see the module docstring)."""
    ev = evaluation
    text = text or ReportText()
    zh = lang == "zh"
    number = _Numbers(lang)
    out: list[Block] = [*_cover(ev, text, lang), *_preamble(ev, text, lang)]
    if _is_project(ev) or not zh:
        basic_title = "项目基本情况" if zh else "Basic information"
        budget_title = "项目资金使用及管理情况" if zh else "Budget execution"
        perf_title = "项目绩效目标完成情况" if zh else "Performance"
        apply_title = "绩效自评结果拟应用和公开情况" if zh else "Use and publication of the results"
    else:
        basic_title = "部门基本情况"
        budget_title = "一般公共预算支出情况"
        perf_title = f"{one_line(ev.kind)}绩效情况"
        apply_title = f"{one_line(ev.kind)}绩效自评结果拟应用和公开情况"
    out.append(number(basic_title))
    out += _section_blocks(
        text.basic,
        ("部门基本情况（职能职责、机构设置）" if not _is_project(ev) else "项目概况和绩效目标")
        if zh
        else basic_title,
        "[basic]",
        lang,
    )
    out.append(number(budget_title))
    out += _budget_section(ev, text, lang)
    if zh and not _is_project(ev):
        out += _fund(
            "政府性基金预算支出情况", text.budget.government_funds, "government_funds", lang, number
        )
        out += _fund(
            "国有资本经营预算支出情况", text.budget.state_capital, "state_capital", lang, number
        )
        out += _fund(
            "社会保险基金预算支出情况",
            text.budget.social_insurance,
            "social_insurance",
            lang,
            number,
        )
    out.append(number(perf_title))
    out += list(_performance(ev, text, lang, actual))
    out.append(number("存在的问题及原因分析" if zh else "Problems and their causes"))
    out += _problems(ev, text, issues, lang)
    out.append(number("下一步改进措施" if zh else "Improvements"))
    out += _section_blocks(
        text.improvements, "下一步改进措施" if zh else "improvements", "[improvements]", lang
    )
    out.append(number(apply_title))
    out += _section_blocks(text.application, apply_title, "[application]", lang)
    out.append(number("其他需要说明的情况" if zh else "Other matters"))
    out += _section_blocks(
        text.other, "其他需要说明的情况" if zh else "other matters", "[other]", lang
    )
    if annex:
        out += _appendix(ev, lang)
    return tuple(out)
