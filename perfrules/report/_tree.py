"""The form's order: the budget row first, then each top category with the groups below it and
their indicators."""

from __future__ import annotations

import attrs

from perfrules.core import CategoryResult, Evaluation, IndicatorResult


@attrs.frozen(kw_only=True)
class Group:
    """A category below the top (or ``None`` for indicators filed directly under the top) and its
    own indicators.

    ``level`` is the category's level (2 under the top, 3 under that; 2 for
    ``None``). A group whose category has sub-categories has no indicators:
    its sub-categories follow it as groups of their own.
    """

    category: CategoryResult | None
    indicators: tuple[IndicatorResult, ...]
    level: int = 2


@attrs.frozen(kw_only=True)
class Section:
    """A top category (一级, or a 年度绩效目标 block) and what sits below it, in form order."""

    category: CategoryResult
    groups: tuple[Group, ...]

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        """Every indicator of the section, in form order."""
        return tuple(r for g in self.groups for r in g.indicators)


def sections(ev: Evaluation) -> tuple[Section, ...]:
    """The top categories in form order, each with its direct indicators and every category below
    it.

    Below a top category, each category follows its parent (form order: the
    evaluation's categories are listed depth first), so a three-level form
    gives a level-2 group, then its level-3 groups with their indicators.
    """
    out: list[Section] = []
    top: CategoryResult | None = None
    groups: list[Group] = []
    for cat in ev.categories:
        if cat.level == 1:
            if top is not None:
                out.append(Section(category=top, groups=tuple(groups)))
            top, groups = cat, []
            direct = ev.indicators_in(cat.id)
            if direct:
                groups.append(Group(category=None, indicators=direct))
        else:
            groups.append(Group(category=cat, indicators=ev.indicators_in(cat.id), level=cat.level))
    if top is not None:
        out.append(Section(category=top, groups=tuple(groups)))
    return tuple(out)
