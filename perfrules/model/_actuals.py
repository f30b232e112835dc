"""Actuals (实际完成值): one year's (or one draft's) results for a spec."""

from __future__ import annotations

from decimal import Decimal

import attrs

from perfrules.model._source import SourceMap


@attrs.frozen(kw_only=True)
class BudgetLine:
    """One line of the budget breakdown (e.g. 基本支出, 项目支出). Informational."""

    name: str
    spent: Decimal
    full_year: Decimal | None = None
    initial: Decimal | None = None


@attrs.frozen(kw_only=True)
class BudgetAmounts:
    """年初预算数 / 全年预算数 / 全年执行数, in ``unit`` (万元 by default)."""

    full_year: Decimal
    spent: Decimal
    initial: Decimal | None = None
    unit: str = "万元"
    lines: tuple[BudgetLine, ...] = ()


@attrs.frozen(kw_only=True)
class Amount:
    """A named amount that derived indicators divide (e.g. 公用经费预算数)."""

    name: str
    value: Decimal
    label: str | None = None


@attrs.frozen(kw_only=True)
class IndicatorActual:
    """The 实际完成值 of one indicator.

    Quantitative indicators give ``value`` (derived ones give none: it is
    computed from amounts); qualitative ones give a ``tier`` and optionally a
    ``score`` inside the tier's range. ``text`` is the 实际完成值 as the form
    words it, ``note`` the 偏差原因/说明.
    """

    id: str
    value: Decimal | None = None
    tier: str | None = None
    score: Decimal | None = None
    text: str | None = None
    note: str | None = None


@attrs.frozen(kw_only=True)
class Actuals:
    """Actual values for every indicator of a spec, plus the amounts behind derived rates."""

    indicators: tuple[IndicatorActual, ...]
    budget: BudgetAmounts | None = None
    amounts: tuple[Amount, ...] = ()
    spec: str | None = None  # the spec id these actuals belong to (checked when given)
    year: int | None = None
    label: str | None = None
    source: SourceMap | None = attrs.field(default=None, eq=False, repr=False)

    def indicator(self, indicator_id: str) -> IndicatorActual | None:
        """The actual given for ``indicator_id``, or ``None``."""
        for act in self.indicators:
            if act.id == indicator_id:
                return act
        return None

    def amount(self, name: str) -> Decimal:
        """The value of the amount called ``name`` (:class:`KeyError` if none)."""
        for amt in self.amounts:
            if amt.name == name:
                return amt.value
        raise KeyError(name)
