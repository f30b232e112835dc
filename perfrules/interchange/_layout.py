"""The visible 自评表: which value goes in which cell, as pure data (no openpyxl).

The exporter writes a :class:`Layout`; the importer rebuilds the layout of the
spec and actuals in the hidden sheet and compares it with the cells it reads,
so both sides share one definition of the form (docs/excel.md, "Layout").
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs

from perfrules.core import Evaluation
from perfrules.model import (
    Actuals,
    Category,
    Indicator,
    IndicatorActual,
    Spec,
    category_tree,
    format_decimal,
    goal_blocks,
)

SHEET = "自评表"
HIDDEN_SHEET = "perfrules"
LAYOUT_VERSION = 2
"""The layout written today: 2 adds the 年度总体目标 block (1: without it; still read)."""
LAYOUT_VERSIONS = (1, 2)
COLUMNS = "ABCDEFGHIJ"
WIDTHS = {"A": 12, "B": 14, "C": 30, "D": 22, "E": 22, "F": 8, "G": 8, "H": 28, "I": 18, "J": 22}

# indicator table columns
C_L1, C_L2, C_NAME, C_TARGET, C_ACTUAL, C_WEIGHT, C_SCORE, C_REASON, C_NOTE = "ABCDEFGHI"
# budget block columns
B_LABEL, B_INITIAL, B_FULL, B_SPENT, B_WEIGHT, B_RATE, B_SCORE, B_REASON = "CDEFGHIJ"

INDICATOR_HEADERS = {
    C_L1: "一级指标",
    C_L2: "二级指标",
    C_NAME: "三级指标",
    C_TARGET: "年度指标值",
    C_ACTUAL: "实际完成值",
    C_WEIGHT: "分值",
    C_SCORE: "得分",
    C_REASON: "扣分原因",
    C_NOTE: "偏差原因分析及改进措施",
}
BUDGET_HEADERS = {
    B_INITIAL: "年初预算数",
    B_FULL: "全年预算数",
    B_SPENT: "全年执行数",
    B_WEIGHT: "分值",
    B_RATE: "执行率",
    B_SCORE: "得分",
    B_REASON: "扣分原因",
}
BUDGET_TOTAL = "年度资金总额"
BUDGET_LABEL = "资金情况"
TOTAL_LABEL = "总分"
SUBTOTAL_SUFFIX = "小计"
GRADE_PREFIX = "自评等级："
BONUS_PREFIX = "加分项："
VETO_PREFIX = "一票否决："
GOALS_LABEL = "年度总体目标"
GOALS_EXPECTED = "预期目标"
GOALS_ACHIEVED = "实际完成情况"
TITLE_LABEL = "自评名称"
UNIT_LABEL = "预算部门（单位）"

Role: TypeAlias = Literal["heading", "label", "header", "input", "result", "info"]
ResultKind: TypeAlias = Literal["indicator", "budget", "rate", "category", "total", "grade"]
FieldKey: TypeAlias = tuple[str | int, ...]


@attrs.frozen(kw_only=True)
class Cell:
    """One cell of the form: its value (text or exact number) and what it is for."""

    ref: str
    value: str | Decimal | None
    role: Role
    places: int | None = None  # number format decimals (numbers only)
    percent: bool = False  # shown as a percentage (the value is the share)
    wrap: bool = False
    field: FieldKey | None = None  # the model value an input cell shows
    result: tuple[ResultKind, str, str] | None = None  # declared result: kind, subject id, label
    formula: str | None = None  # written as this formula (no "="), ``value`` its cached result
    indent: int = 0  # text indented this many steps (a 四级 row under its 三级 category)


@attrs.frozen(kw_only=True)
class Layout:
    """Every written cell, the merged ranges and the rows that get borders."""

    cells: tuple[Cell, ...]
    merges: tuple[str, ...]
    table_rows: tuple[int, int]  # first and last row with borders
    header_row: int | None = None  # the indicator table's header row (repeated when printed)
    min_heights: tuple[tuple[int, float], ...] = ()  # (row, points): room left to write in

    def cell(self, ref: str) -> Cell | None:
        """The cell written at ``ref``."""
        for c in self.cells:
            if c.ref == ref:
                return c
        return None


class _Builder:
    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.merges: list[str] = []

    def put(
        self, col: str, row: int, value: str | Decimal | None, role: Role, **kw: object
    ) -> None:
        cell = Cell(ref=f"{col}{row}", value=value, role=role, **kw)  # type: ignore[arg-type]
        self.cells.append(cell)

    def merge(self, first: str, last: str) -> None:
        if first != last:
            self.merges.append(f"{first}:{last}")


def _number(value: Decimal | None) -> tuple[Decimal | None, int | None]:
    if value is None:
        return None, None
    exp = value.as_tuple().exponent
    return value, max(0, -exp) if isinstance(exp, int) else 0


def actual_display(ind: Indicator, act: IndicatorActual | None, computed: str | None) -> str | None:
    """What the 实际完成值 cell shows: the actual's wording, else its value with the target's unit, else
    its tier.

    A derived indicator shows the computed actual (``computed``) when the
    actuals give no wording. An actual stated in words shows as every output
    shows it (``computed``): ``达标（据陈述；佐证：验收报告（2023-05））``.
    """
    if act is None:
        return computed if ind.derive is not None else None
    if act.stated is not None:
        return computed
    if act.text is not None:
        return act.text
    if ind.derive is not None:
        return computed
    if act.value is not None:
        unit = ind.target.unit if ind.target is not None else ""
        return format_decimal(act.value) + unit
    return act.tier


def form_rows(spec: Spec) -> list[tuple[Category, Category | None, list[Indicator]]]:
    """The indicator rows in form order: per top category, its own indicators, then per category
    below it its own.

    Each entry is (the top category, the category the indicators are filed
    under or ``None`` for the top's own, the indicators); a category whose
    indicators sit in its sub-categories has no entry of its own.
    """
    out: list[tuple[Category, Category | None, list[Indicator]]] = []
    top: Category | None = None
    for cat, level in category_tree(spec.categories):
        if level == 1:
            top = cat
        assert top is not None
        inds = [i for i in spec.indicators if i.category == cat.id]
        if inds:
            out.append((top, None if cat is top else cat, inds))
    return out


def _share(rate_display: str) -> tuple[Decimal, int]:
    points = Decimal(rate_display.rstrip("%"))
    exp = points.as_tuple().exponent
    places = max(0, -exp) if isinstance(exp, int) else 0
    return points.scaleb(-2), places


def build_layout(
    spec: Spec, actuals: Actuals, ev: Evaluation, *, version: int = LAYOUT_VERSION
) -> Layout:
    """The visible form of ``spec`` with ``actuals`` and their evaluation ``ev``.

    ``version`` is the layout version (:data:`LAYOUT_VERSIONS`): 1 is the form
    without the 年度总体目标 block, which forms written before it still have.
    """
    b = _Builder()
    last = COLUMNS[-1]
    b.put("A", 1, f"{spec.meta.kind.value}绩效自评表", "heading", field=("meta", "kind"))
    b.merge("A1", f"{last}1")
    b.put("A", 2, f"（{spec.meta.year}年度）", "heading", field=("meta", "year"))
    b.merge("A2", f"{last}2")
    b.put("A", 3, TITLE_LABEL, "label")
    b.merge("A3", "B3")
    b.put("C", 3, spec.meta.title, "input", field=("meta", "title"), wrap=True)
    b.merge("C3", f"{last}3")
    b.put("A", 4, UNIT_LABEL, "label")
    b.merge("A4", "B4")
    b.put("C", 4, spec.meta.unit, "input", field=("meta", "unit"), wrap=True)
    b.merge("C4", f"{last}4")

    # budget block
    row = 5
    budget = actuals.budget
    be = ev.budget_execution
    lines = budget.lines if budget is not None else ()
    unit = budget.unit if budget is not None else "万元"
    b.put("A", row, f"{BUDGET_LABEL}（{unit}）", "input", field=("budget", "unit"), wrap=True)
    b.merge(f"A{row}", f"B{row + 1 + len(lines)}")
    b.put(B_LABEL, row, None, "header")
    for col, text in BUDGET_HEADERS.items():
        b.put(col, row, text, "header")
    row += 1
    budget_row = row
    b.put(B_LABEL, row, BUDGET_TOTAL, "label")
    for col, key, val in (
        (B_INITIAL, "initial", budget.initial if budget else None),
        (B_FULL, "full_year", budget.full_year if budget else None),
        (B_SPENT, "spent", budget.spent if budget else None),
    ):
        v, p = _number(val)
        b.put(col, row, v, "input", places=p, field=("amounts", key))
    weight = spec.budget_execution.weight if spec.budget_execution is not None else None
    v, p = _number(weight)
    b.put(B_WEIGHT, row, v, "input", places=p, field=("budget", "weight"))
    if be is not None:
        share, places = _share(be.rate_display)
        b.put(
            B_RATE,
            row,
            share,
            "result",
            places=places,
            percent=True,
            result=("rate", "budget_execution", be.name),
        )
        v, p = _number(be.score)
        b.put(B_SCORE, row, v, "result", places=p, result=("budget", "budget_execution", be.name))
        b.put(B_REASON, row, be.reason, "info", wrap=True)
    else:
        for col in (B_RATE, B_SCORE, B_REASON):
            b.put(col, row, None, "info")
    line_results = be.lines if be is not None else ()
    for i, line in enumerate(lines):
        row += 1
        b.put(B_LABEL, row, line.name, "input", field=("line", i, "name"), wrap=True)
        for col, key, val in (
            (B_INITIAL, "initial", line.initial),
            (B_FULL, "full_year", line.full_year),
            (B_SPENT, "spent", line.spent),
        ):
            v, p = _number(val)
            b.put(col, row, v, "input", places=p, field=("line", i, key))
        b.put(B_WEIGHT, row, None, "info")
        lr = line_results[i] if i < len(line_results) else None
        if lr is not None and lr.rate_display is not None:
            share, places = _share(lr.rate_display)
            b.put(B_RATE, row, share, "info", places=places, percent=True)
        else:
            b.put(B_RATE, row, None, "info")
        b.put(B_SCORE, row, None, "info")
        b.put(B_REASON, row, None, "info")
    first_table_row = 5
    budget_score = (
        (f"{B_SCORE}{budget_row}", be.score) if be is not None and be.score is not None else None
    )

    if version >= 2:  # 年度总体目标: what the indicators set out to do, and what was done
        row += 1
        expected, achieved = goals_text(spec, actuals, ev)
        b.put("A", row, GOALS_LABEL, "label")
        b.merge(f"A{row}", f"B{row + 1}")
        b.put(C_NAME, row, GOALS_EXPECTED, "header")
        b.merge(f"{C_NAME}{row}", f"{B_SPENT}{row}")
        b.put(C_SCORE, row, GOALS_ACHIEVED, "header")
        b.merge(f"{C_SCORE}{row}", f"J{row}")
        row += 1
        b.put(C_NAME, row, expected, "info", wrap=True)
        b.merge(f"{C_NAME}{row}", f"{B_SPENT}{row}")
        b.put(C_SCORE, row, achieved, "info", wrap=True)
        b.merge(f"{C_SCORE}{row}", f"J{row}")

    # indicator table
    row += 1
    header_row = row
    for col, text in INDICATOR_HEADERS.items():
        b.put(col, row, text, "header")
    b.put("J", row, None, "header")
    b.merge(f"{C_NOTE}{row}", f"J{row}")
    results = {r.id: r for r in ev.indicators}
    subtotals: list[tuple[str, Decimal]] = []
    bonuses: list[tuple[str, Decimal]] = []
    tree = category_tree(spec.categories)
    below: dict[str | None, list[Category]] = {}
    for c, _ in tree:
        below.setdefault(c.parent, []).append(c)
    inds_of: dict[str, list[Indicator]] = {}
    for ind in spec.indicators:
        inds_of.setdefault(ind.category, []).append(ind)

    def put_indicator(ind: Indicator, indent: int) -> Decimal:
        """One indicator row at ``row`` (its name indented ``indent`` steps: a 四级 row); its
        score."""
        res = results[ind.id]
        act = actuals.indicator(ind.id)
        b.put(
            C_NAME,
            row,
            ind.name,
            "input",
            field=("indicator", ind.id, "name"),
            wrap=True,
            **({"indent": indent} if indent else {}),
        )
        b.put(
            C_TARGET,
            row,
            ind.target_display or None,
            "input",
            field=("indicator", ind.id, "target"),
            wrap=True,
        )
        b.put(
            C_ACTUAL,
            row,
            actual_display(ind, act, res.actual),
            "input",
            field=("actual", ind.id, "actual"),
            wrap=True,
        )
        v, p = _number(ind.weight)
        b.put(C_WEIGHT, row, v, "input", places=p, field=("indicator", ind.id, "weight"))
        v, p = _number(res.score)
        b.put(C_SCORE, row, v, "result", places=p, result=("indicator", ind.id, ind.name))
        # a unit's own score is said even at full marks, where there is no 扣分原因
        own = res.own_score.text() if res.own_score is not None else None
        b.put(C_REASON, row, res.reason or own, "info", wrap=True)
        b.put(
            C_NOTE,
            row,
            act.note if act is not None else None,
            "input",
            field=("actual", ind.id, "note"),
            wrap=True,
        )
        b.merge(f"{C_NOTE}{row}", f"J{row}")
        return res.score

    def subtotal_row(cat: Category, label: str, formula: str | None) -> None:
        """The 小计 row of ``cat`` at ``row``: the label over A:E, 分值, 得分 (``formula``)."""
        b.put("A", row, label, "info", wrap=True)
        b.merge(f"A{row}", f"E{row}")
        v, p = _number(cat.weight)
        b.put(C_WEIGHT, row, v, "info", places=p)
        v, p = _number(ev.category(cat.id).score)
        b.put(
            C_SCORE,
            row,
            v,
            "result",
            places=p,
            result=("category", cat.id, cat.name),
            formula=formula,
        )
        b.put(C_REASON, row, None, "info")
        b.merge(f"{C_REASON}{row}", f"J{row}")

    # a goal block (目标) is a band row over its 一级 blocks and a 小计 row under them
    goal = goal_blocks(spec.categories)
    for root in below.get(None, []):
        if goal:
            row += 1
            b.put("A", row, root.name, "input", field=("category", root.id, "name"), wrap=True)
            b.merge(f"A{row}", f"E{row}")
            v, p = _number(root.weight)
            b.put(C_WEIGHT, row, v, "info", places=p)
            b.put(C_SCORE, row, None, "info")
            b.put(C_REASON, row, None, "info")
            b.merge(f"{C_REASON}{row}", f"J{row}")
        goal_parts: list[tuple[str, Decimal]] = []
        for top in below.get(root.id, []) if goal else [root]:
            # the 一级 block: (二级 or None, [(三级 category or None, its indicators)])
            top_groups: list[tuple[Category | None, list[tuple[Category | None, list[Indicator]]]]]
            top_groups = [(None, [(None, inds_of[top.id])])] if inds_of.get(top.id) else []
            for mid in below.get(top.id, []):
                pieces: list[tuple[Category | None, list[Indicator]]] = [
                    (c3, inds_of.get(c3.id, [])) for c3 in below.get(mid.id, [])
                ]
                if inds_of.get(mid.id):
                    pieces.insert(0, (None, inds_of[mid.id]))
                if pieces:
                    top_groups.append((mid, pieces))
            if not top_groups:
                continue
            top_start = row + 1
            scores: list[Decimal] = []
            runs: list[tuple[int, int]] = []  # the indicator rows the 一级 小计 adds up
            for sub, pieces in top_groups:
                start = row + 1
                for c3, inds in pieces:
                    if c3 is not None:  # a 三级 category: its subtotal row, then its 四级 rows
                        row += 1
                        c3_row = row
                        b.put(
                            C_NAME,
                            row,
                            c3.name,
                            "input",
                            field=("category", c3.id, "name"),
                            wrap=True,
                        )
                        b.put(C_TARGET, row, None, "info")
                        b.put(C_ACTUAL, row, None, "info")
                    first = row + 1
                    c3_scores = [Decimal(0)]
                    for ind in inds:
                        row += 1
                        c3_scores.append(put_indicator(ind, 1 if c3 is not None else 0))
                    scores += c3_scores[1:]
                    if runs and runs[-1][1] == first - 1:
                        runs[-1] = (runs[-1][0], row)
                    else:
                        runs.append((first, row))
                    if c3 is not None:
                        v, p = _number(c3.weight)
                        b.put(C_WEIGHT, c3_row, v, "info", places=p)
                        score = ev.category(c3.id).score
                        v, p = _number(score)
                        b.put(
                            C_SCORE,
                            c3_row,
                            v,
                            "result",
                            places=p,
                            result=("category", c3.id, c3.name),
                            formula=f"SUM({C_SCORE}{first}:{C_SCORE}{row})"
                            if sum(c3_scores, Decimal(0)) == score
                            else None,
                        )
                        b.put(C_REASON, c3_row, None, "info")
                        b.merge(f"{C_REASON}{c3_row}", f"J{c3_row}")
                if sub is not None:  # 二级 merged vertically over its rows
                    b.put(
                        C_L2,
                        start,
                        sub.name,
                        "input",
                        field=("category", sub.id, "name"),
                        wrap=True,
                    )
                    b.merge(f"{C_L2}{start}", f"{C_L2}{row}")
                else:  # indicators filed directly under the 一级 category: no 二级
                    for r in range(start, row + 1):
                        b.put(C_L2, r, None, "input")
            # 一级 merged vertically over every row of the category
            b.put(C_L1, top_start, top.name, "input", field=("category", top.id, "name"), wrap=True)
            b.merge(f"{C_L1}{top_start}", f"{C_L1}{row}")
            row += 1
            cat = ev.category(top.id)
            # the 小计 sums the 得分 cells of its indicators (the evaluation's subtotal is that sum)
            subtotal_row(
                top,
                f"{top.name}{SUBTOTAL_SUFFIX}",
                f"SUM({','.join(f'{C_SCORE}{a}:{C_SCORE}{z}' for a, z in runs)})"
                if sum(scores, Decimal(0)) == cat.score
                else None,
            )
            goal_parts.append((f"{C_SCORE}{row}", cat.score))
        if not goal:
            subtotals += goal_parts
            continue
        row += 1
        cat = ev.category(root.id)
        subtotal_row(
            root,
            f"{root.name}{SUBTOTAL_SUFFIX}",
            f"SUM({','.join(ref for ref, _ in goal_parts)})"
            if goal_parts and sum((v for _, v in goal_parts), Decimal(0)) == cat.score
            else None,
        )
        subtotals.append((f"{C_SCORE}{row}", cat.score))
    for bonus in ev.bonus:
        row += 1
        b.put(
            "A",
            row,
            f"{BONUS_PREFIX}{bonus.name}（上限{format_decimal(bonus.cap)}分）",
            "info",
            wrap=True,
        )
        b.merge(f"A{row}", f"E{row}")
        v, p = _number(bonus.cap)
        b.put(C_WEIGHT, row, v, "info", places=p)
        v, p = _number(bonus.points)
        b.put(C_SCORE, row, v, "info", places=p)
        bonuses.append((f"{C_SCORE}{row}", bonus.points))
        b.put(C_REASON, row, bonus.reason, "info", wrap=True)
        b.merge(f"{C_REASON}{row}", f"J{row}")
    for veto in ev.vetoes:
        row += 1
        b.put("A", row, f"{VETO_PREFIX}{veto.name}", "info", wrap=True)
        b.merge(f"A{row}", f"G{row}")
        b.put(C_REASON, row, veto.reason, "info", wrap=True)
        b.merge(f"{C_REASON}{row}", f"J{row}")
    row += 1
    b.put("A", row, TOTAL_LABEL, "label")
    b.merge(f"A{row}", f"E{row}")
    v, p = _number(ev.total_weight)
    b.put(C_WEIGHT, row, v, "info", places=p)
    v, p = _number(ev.total)
    parts = ([budget_score] if budget_score is not None else []) + subtotals
    b.put(
        C_SCORE,
        row,
        v,
        "result",
        places=p,
        result=("total", "total", TOTAL_LABEL),
        formula=total_formula(spec, ev, parts, bonuses),
    )
    b.put(
        C_REASON,
        row,
        f"{GRADE_PREFIX}{ev.grade_shown()}",
        "result",
        result=("grade", "grade", "自评等级"),
    )
    b.merge(f"{C_REASON}{row}", f"J{row}")
    return Layout(
        cells=tuple(b.cells),
        merges=tuple(b.merges),
        table_rows=(first_table_row, row),
        header_row=header_row,
    )


def goals_text(spec: Spec, actuals: Actuals, ev: Evaluation) -> tuple[str, str]:
    """The 年度总体目标 block: 预期目标 and 实际完成情况, one line per 一级 category.

    The spec states no goals in prose, so the block is drafted from the
    indicator table: each 一级 category's 三级 indicators with their 年度指标值
    (预期目标) and their 实际完成值 (实际完成情况), in form order.
    """
    results = {r.id: r for r in ev.indicators}
    expected: dict[str, list[str]] = {}
    achieved: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for top, _, inds in form_rows(spec):
        names[top.id] = top.name
        for ind in inds:
            target = ind.target_display or ""
            expected.setdefault(top.id, []).append(f"{ind.name}{_joined(target)}")
            shown = actual_display(ind, actuals.indicator(ind.id), results[ind.id].actual)
            achieved.setdefault(top.id, []).append(f"{ind.name}{_joined(shown or '')}")
    return (
        _short("\n".join(f"{names[k]}：{'；'.join(v)}。" for k, v in expected.items())),
        _short("\n".join(f"{names[k]}：{'；'.join(v)}。" for k, v in achieved.items())),
    )


GOALS_MAX = 1200
"""Characters of 年度总体目标 text at most: beyond, the block refers to the table below."""


def _short(text: str) -> str:
    if len(text) <= GOALS_MAX:
        return text
    cut = max(text.rfind("；", 0, GOALS_MAX), text.rfind("\n", 0, GOALS_MAX), GOALS_MAX // 2)
    return text[:cut] + "……（详见下表）"


def _joined(value: str) -> str:
    """``value`` after an indicator's name: directly when it starts with a comparator or digit,
    else in brackets."""
    if not value:
        return ""
    if value[0] in "≥≤><=＞＜＝+-" or value[0].isdigit():
        return value
    return f"（{value}）"


def total_formula(
    spec: Spec,
    ev: Evaluation,
    parts: list[tuple[str, Decimal]],
    bonuses: list[tuple[str, Decimal]],
) -> str | None:
    """The 总分 as a formula over the cells it adds up, or ``None`` when none gives ``ev.total``.

    Mirrors the total rule (perfrules.core): Σ 一级 小计 (+ 预算执行率 得分),
    rescaled to the full score when indicators are 不适用, + bonus points,
    capped at the full score (``policy.total_cap``), rounded half-up to
    ``rounding.total``. A triggered veto that zeroes the total writes the
    number alone. The formula is computed here exactly as a spreadsheet would
    (without float noise) and kept only when it gives ``ev.total``.
    """
    if any(v.effect == "zero" for v in ev.vetoes) or not parts:
        return None
    full = spec.meta.total
    dropped = sum((r.weight for r in ev.indicators if not r.applicable), Decimal(0))
    refs = [ref for ref, _ in parts]
    raw = Fraction(sum((value for _, value in parts), Decimal(0)))
    if dropped:
        base = full - dropped
        if base <= 0:
            return None
        raw = raw / Fraction(base) * Fraction(full)
        expr = f"SUM({','.join(refs)})/{format_decimal(base)}*{format_decimal(full)}"
        if bonuses:
            expr += f"+SUM({','.join(ref for ref, _ in bonuses)})"
    else:
        expr = f"SUM({','.join(refs + [ref for ref, _ in bonuses])})"
    raw += Fraction(sum((value for _, value in bonuses), Decimal(0)))
    if bonuses and spec.policy.total_cap:
        raw = min(raw, Fraction(full))
        expr = f"MIN({format_decimal(full)},{expr})"
    quantum = spec.rounding.total
    exp = quantum.as_tuple().exponent
    power_of_ten = quantum.normalize().as_tuple().digits == (1,) and isinstance(exp, int)
    places = -int(quantum.normalize().as_tuple().exponent) if power_of_ten else None
    widest = max(
        (-int(e) for _, v in parts + bonuses if isinstance(e := v.as_tuple().exponent, int)),
        default=0,
    )
    steps = raw / Fraction(quantum)
    rounded_steps = (steps.numerator * 2 + steps.denominator) // (2 * steps.denominator)
    rounded = Decimal(rounded_steps) * quantum
    if places is None:
        expr = f"MROUND({expr},{format_decimal(quantum)})"
    elif dropped or widest > places:
        expr = f"ROUND({expr},{places})"
    elif raw != rounded:  # pragma: no cover - a sum of cells at the quantum is on the quantum
        return None
    return expr if rounded == ev.total else None
