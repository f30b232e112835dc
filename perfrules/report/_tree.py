"""The form's order: the budget row first, then each 一级 category with its 二级 groups and indicators."""

from __future__ import annotations

import attrs

from perfrules.core import CategoryResult, Evaluation, IndicatorResult


@attrs.frozen(kw_only=True)
class Group:
    """A 二级 category (or ``None`` for indicators filed directly under the 一级) and its indicators."""

    category: CategoryResult | None
    indicators: tuple[IndicatorResult, ...]


@attrs.frozen(kw_only=True)
class Section:
    """A 一级 category and what sits below it, in form order."""

    category: CategoryResult
    groups: tuple[Group, ...]

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        """Every indicator of the section, in form order."""
        return tuple(r for g in self.groups for r in g.indicators)


def sections(ev: Evaluation) -> tuple[Section, ...]:
    """The 一级 categories in form order, each with its direct indicators and its 二级 groups."""
    out: list[Section] = []
    for top in ev.children(None):
        groups: list[Group] = []
        direct = ev.indicators_in(top.id)
        if direct:
            groups.append(Group(category=None, indicators=direct))
        for mid in ev.children(top.id):
            groups.append(Group(category=mid, indicators=ev.indicators_in(mid.id)))
        out.append(Section(category=top, groups=tuple(groups)))
    return tuple(out)
