"""What only the unit knows: the report's own sections, read from an optional ``report.toml``.

perfrules fills in everything the evaluation knows (scores, losses and their
reasons, budget execution by fund, problems drafted from the findings); the
unit writes the rest — 部门基本情况, the description after each scoring
sentence, 改进措施, 结果应用 — in ``report.toml`` beside the spec::

    date = "2025年4月18日"
    preamble = "为进一步规范财政资金管理……现将部门整体支出绩效自评情况报告如下："

    [basic]                          # 一、部门基本情况
    [[basic.parts]]
    title = "职能职责"
    text = \"\"\"……\"\"\"

    [budget]                         # 二、一般公共预算支出情况
    lines = { "基本支出" = "……", "项目支出" = "……" }
    government_funds = "2024年度未安排政府性基金预算。"

    [performance]                    # 六、绩效情况
    text = "2024年，……"
    indicators = { portal_updates = "建立7×24小时网站编辑值班发布制度……" }

    [problems]                       # 存在的问题及原因分析
    text = "……"

Every section is either a string or a table with ``text`` and ``parts``
(each part a ``title`` and a ``text``). Paragraphs are separated by blank
lines. The data is checked strictly like the spec: an unknown key, a value of
the wrong type, an indicator id or a budget line the evaluation does not have
is a located problem with a did-you-mean, all raised together as one
:class:`~perfrules.SpecError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from perfrules._errors import Problem, SpecError
from perfrules._suggest import suggest
from perfrules.core import Evaluation
from perfrules.model import SourceMap, make_problem

REPORT_FILE = "report.toml"


@attrs.frozen(kw_only=True)
class Part:
    """A numbered sub-section: （一）职能职责 and its text."""

    title: str
    text: str


@attrs.frozen(kw_only=True)
class Section:
    """A section's own text (paragraphs separated by blank lines) and its sub-sections."""

    text: str | None = None
    parts: tuple[Part, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.text and self.text.strip()) and not self.parts


@attrs.frozen(kw_only=True)
class BudgetText:
    """二、预算执行: an introduction, a text per budget line (by its name) and the other funds."""

    text: str | None = None
    lines: Mapping[str, str] = attrs.field(factory=dict)
    government_funds: str | None = None  # 政府性基金预算
    state_capital: str | None = None  # 国有资本经营预算
    social_insurance: str | None = None  # 社会保险基金预算


@attrs.frozen(kw_only=True)
class PerformanceText:
    """绩效情况: the introduction and the unit's description after each scoring sentence."""

    text: str | None = None
    budget_execution: str | None = None
    indicators: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class ReportText:
    """The unit's own text of the self-evaluation report (everything optional)."""

    date: str | None = None
    preamble: str | None = None
    basic: Section = Section()
    budget: BudgetText = BudgetText()
    performance: PerformanceText = PerformanceText()
    problems: Section = Section()
    improvements: Section = Section()
    application: Section = Section()
    other: Section = Section()


_TOP = (
    "date",
    "preamble",
    "basic",
    "budget",
    "performance",
    "problems",
    "improvements",
    "application",
    "other",
)
_SECTION = ("text", "parts")
_PART = ("title", "text")
_BUDGET = ("text", "lines", "government_funds", "state_capital", "social_insurance")
_PERFORMANCE = ("text", "budget_execution", "indicators")

PathKey = tuple[str | int, ...]


class _Reader:
    """Strict structuring of report.toml data, collecting located problems."""

    def __init__(self, source: SourceMap | None) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(
        self, code: str, path: PathKey, en: str, zh: str, suggestion: str | None = None
    ) -> None:
        self.problems.append(
            make_problem(
                code, path, en=en, zh=zh, source=self.source, suggestion=suggestion, written=True
            )
        )

    def keys(self, data: Mapping[str, Any], allowed: Iterable[str], path: PathKey) -> None:
        allowed = tuple(allowed)
        for key in data:
            if key not in allowed:
                self.problem(
                    "unknown-key",
                    (*path, key),
                    en=f"unknown key {key!r}; allowed here: {', '.join(allowed)}",
                    zh=f"未知的键“{key}”；此处可用的键：{'、'.join(allowed)}",
                    suggestion=suggest(str(key), allowed),
                )

    def wrong(self, path: PathKey, want_en: str, want_zh: str, value: Any) -> None:
        self.problem(
            "invalid-value",
            path,
            en=f"expected {want_en}, got {type(value).__name__}",
            zh=f"应为{want_zh}，实际为 {type(value).__name__}",
        )

    def text(self, data: Mapping[str, Any], key: str, path: PathKey) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong((*path, key), "a string", "字符串", value)
            return None
        return value

    def table(self, value: Any, path: PathKey) -> Mapping[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.wrong(path, "a table", "表（table）", value)
        return None

    def section(self, data: Mapping[str, Any], key: str) -> Section:
        value = data.get(key)
        if value is None:
            return Section()
        if isinstance(value, str):
            return Section(text=value)
        table = self.table(value, (key,))
        if table is None:
            return Section()
        self.keys(table, _SECTION, (key,))
        parts: list[Part] = []
        raw_parts = table.get("parts", [])
        if not isinstance(raw_parts, list):
            self.wrong((key, "parts"), "an array of tables", "表数组", raw_parts)
            raw_parts = []
        for i, raw in enumerate(raw_parts):
            part = self.table(raw, (key, "parts", i))
            if part is None:
                continue
            self.keys(part, _PART, (key, "parts", i))
            title = self.text(part, "title", (key, "parts", i))
            body = self.text(part, "text", (key, "parts", i))
            if title is None and "title" not in part:
                self.problem(
                    "missing-key",
                    (key, "parts", i, "title"),
                    en="required key 'title' is missing",
                    zh="缺少必填的键“title”",
                )
            if title is not None:
                parts.append(Part(title=title, text=body or ""))
        return Section(text=self.text(table, "text", (key,)), parts=tuple(parts))

    def names(
        self,
        data: Mapping[str, Any],
        key: str,
        path: PathKey,
        known: Iterable[str] | None,
        what: tuple[str, str],
    ) -> dict[str, str]:
        value = data.get(key)
        if value is None:
            return {}
        table = self.table(value, (*path, key))
        if table is None:
            return {}
        out: dict[str, str] = {}
        pool = None if known is None else tuple(known)
        for name, text in table.items():
            if pool is not None and name not in pool:
                self.problem(
                    "unknown-key",
                    (*path, key, name),
                    en=f"no {what[0]} {name!r} in this evaluation; known: {', '.join(pool)}",
                    zh=f"本评价没有{what[1]}“{name}”；已有：{'、'.join(pool)}",
                    suggestion=suggest(name, pool),
                )
                continue
            if not isinstance(text, str):
                self.wrong((*path, key, name), "a string", "字符串", text)
                continue
            out[name] = text
        return out


def report_text_from_data(
    data: Mapping[str, Any],
    source: SourceMap | None = None,
    *,
    evaluation: Evaluation | None = None,
) -> ReportText:
    """``report.toml`` data (as :func:`perfrules.loading.read_toml` reads it) → :class:`ReportText`.

    Strict: unknown keys (with a did-you-mean), values of the wrong type and,
    with ``evaluation``, indicator ids and budget lines it does not have are
    located problems, raised together as one :class:`~perfrules.SpecError`.
    """
    r = _Reader(source)
    r.keys(data, _TOP, ())
    budget = BudgetText()
    raw_budget = data.get("budget")
    if raw_budget is not None and (table := r.table(raw_budget, ("budget",))) is not None:
        r.keys(table, _BUDGET, ("budget",))
        lines = None
        if evaluation is not None:
            be = evaluation.budget_execution
            lines = [li.name for li in be.lines] if be is not None else []
        budget = BudgetText(
            text=r.text(table, "text", ("budget",)),
            lines=r.names(table, "lines", ("budget",), lines, ("budget line", "预算明细行")),
            government_funds=r.text(table, "government_funds", ("budget",)),
            state_capital=r.text(table, "state_capital", ("budget",)),
            social_insurance=r.text(table, "social_insurance", ("budget",)),
        )
    perf = PerformanceText()
    raw_perf = data.get("performance")
    if raw_perf is not None and (table := r.table(raw_perf, ("performance",))) is not None:
        r.keys(table, _PERFORMANCE, ("performance",))
        ids = None if evaluation is None else [i.id for i in evaluation.indicators]
        perf = PerformanceText(
            text=r.text(table, "text", ("performance",)),
            budget_execution=r.text(table, "budget_execution", ("performance",)),
            indicators=r.names(table, "indicators", ("performance",), ids, ("indicator", "指标")),
        )
    text = ReportText(
        date=r.text(data, "date", ()),
        preamble=r.text(data, "preamble", ()),
        basic=r.section(data, "basic"),
        budget=budget,
        performance=perf,
        problems=r.section(data, "problems"),
        improvements=r.section(data, "improvements"),
        application=r.section(data, "application"),
        other=r.section(data, "other"),
    )
    if r.problems:
        raise SpecError(r.problems)
    return text
