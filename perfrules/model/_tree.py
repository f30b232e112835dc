"""The category tree of a spec: form order, levels and the names of the levels.

A spec's categories form a tree of at most :data:`MAX_CATEGORY_LEVELS` levels
above its indicators (docs/spec-format.md, "Categories"): 一级 → 二级 (→ 三级,
whose rows are then 四级 indicators), or, when the top categories are 年度绩效目标
blocks (``goal = true``), 目标 → 一级 → 二级. Every output walks the tree with
:func:`category_tree` and names its levels with :func:`level_names`.
"""

from __future__ import annotations

from collections.abc import Sequence

from perfrules.model._spec import Category

MAX_CATEGORY_LEVELS = 3
"""Category levels at most; with the indicator level, a form is at most four levels deep."""

_NUMERALS = "一二三四"


def category_tree(categories: Sequence[Category]) -> tuple[tuple[Category, int], ...]:
    """Every category with its level (1: a top category), in form order.

    Form order is the spec's order walked depth first: each category, then its
    children (each followed by its own), siblings in the order the spec
    declares them. A category whose parent is unknown, or that sits in a
    parent cycle, is not reachable and not listed (validation refuses both).
    """
    children: dict[str | None, list[Category]] = {}
    for cat in categories:
        children.setdefault(cat.parent, []).append(cat)
    out: list[tuple[Category, int]] = []
    seen: set[str] = set()
    stack: list[tuple[Category, int]] = [(c, 1) for c in reversed(children.get(None, []))]
    while stack:
        cat, level = stack.pop()
        if cat.id in seen:
            continue
        seen.add(cat.id)
        out.append((cat, level))
        stack.extend((k, level + 1) for k in reversed(children.get(cat.id, [])))
    return tuple(out)


def goal_blocks(categories: Sequence[Category]) -> bool:
    """Whether the top categories are 年度绩效目标 blocks (``goal = true``)."""
    return any(c.goal and c.parent is None for c in categories)


def level_names(levels: int, *, goal: bool, lang: str = "zh") -> tuple[str, ...]:
    """The names of a table's name columns: one per category level, then the indicator column.

    ``levels`` is the number of category levels (at least two columns of
    categories are shown, as on the two-level form). Plain trees: 一级指标,
    二级指标, 三级指标 (, 四级指标); with goal blocks: 目标, 一级指标, 二级指标,
    三级指标. The indicator column is named after the deepest level: an
    indicator filed higher up is shown in it too (as a 二级 row directly under
    a 一级 is shown in the 三级指标 column of the two-level form).
    """
    columns = max(levels, 2) + 1
    if lang == "zh":
        if goal:
            return ("目标", *(f"{_NUMERALS[i]}级指标" for i in range(columns - 1)))
        return tuple(f"{_NUMERALS[i]}级指标" for i in range(columns))
    if goal:
        return ("Goal", *(f"Level {i + 1}" for i in range(columns - 2)), "Indicator")
    return (*(f"Level {i + 1}" for i in range(columns - 1)), "Indicator")


def level_name(level: int, *, goal: bool, lang: str = "zh") -> str:
    """The name of one category level (1: the top): 目标 for a goal block, else 一级指标, 二级指标, …."""
    if goal:
        if level == 1:
            return "目标" if lang == "zh" else "Goal"
        level -= 1
    if lang != "zh":
        return f"Level {level}"
    return f"{_NUMERALS[level - 1] if level <= len(_NUMERALS) else level}级指标"
