"""Lint's target checks on deeper indicator trees: 年度绩效目标 blocks and 三级 categories with 四级 rows.

A goal block is not a 一级 category: the 效益 groups are the 一级 效益指标 categories under each
block, and the 成本 check reads every level's name above an indicator.
"""

from __future__ import annotations

from conftest import ROOT

import perfrules
from perfrules.lint import lint

GOALS = ROOT / "examples" / "goal-blocks-demo"


def _codes(spec: perfrules.Spec) -> list[tuple[str, tuple[str | int, ...]]]:
    return [(f.code, tuple(f.path)) for f in lint(spec)]


def test_benefit_groups_are_the_first_level_under_each_goal_block() -> None:
    spec = perfrules.load_spec(GOALS)
    found = [f for f in lint(spec) if f.code == "benefit-qualitative"]
    at = [spec.categories[int(f.path[1])].id for f in found]
    assert at == ["g1.benefit", "g2.benefit"]  # 一级 效益指标, not the goal blocks, not the 二级


def test_a_cost_category_between_the_top_and_a_fourth_level_row_counts() -> None:
    spec = perfrules.load_spec(GOALS / "four-level")
    assert "no-cost-indicator" in [c for c, _ in _codes(spec)]
    # rename the 二级 category between the 一级 and the 三级 category that holds 四级 rows
    tree = {c.id: c for c in spec.categories}
    parents = {c.parent for c in spec.categories if c.parent is not None}
    middle = next(
        c
        for c in spec.categories
        if c.parent is not None and tree[c.parent].parent is None and c.id in parents
    )
    renamed = perfrules.loads_spec(
        perfrules.dumps_spec(spec).replace(f'name = "{middle.name}"', 'name = "成本控制指标"', 1)
    )
    assert "no-cost-indicator" not in [c for c, _ in _codes(renamed)]
