"""Actuals (实际完成值): one year's (or one draft's) results for a spec."""

from __future__ import annotations

from decimal import Decimal

import attrs

from perfrules.model._formula import Formula
from perfrules.model._lookup import find
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
class Deduction:
    """扣减分数: points deducted by hand from an indicator, always with a reason."""

    points: Decimal
    reason: str


@attrs.frozen(kw_only=True)
class OwnScore:
    """表内得分（单位自填）: the score the unit's own table prints for a row, with its reason.

    The counterpart of :class:`Deduction` (which can only lower a score): the
    row is still computed by its rule, and the printed score replaces the
    computed one in the totals; every output and lint say so.
    """

    score: Decimal
    reason: str


@attrs.frozen(kw_only=True)
class IndicatorActual:
    """The 实际完成值 of one indicator.

    Quantitative indicators give ``value`` (derived ones give none: it is
    computed from amounts); qualitative ones give a ``tier`` and optionally a
    ``score`` inside the tier's range. ``text`` is the 实际完成值 as the form
    words it, ``note`` the 偏差原因/说明. A quantitative indicator's actual may
    instead be stated in words (``stated``: 达标, 已完成) when the spec declares the
    word (:class:`~perfrules.model.StatedWords`), always with its ``evidence``.
    ``own_score`` is the score the unit's table prints for the row when it
    differs from what the rule gives (表内得分, 单位自填), always with its reason.
    """

    id: str
    value: Decimal | None = None
    tier: str | None = None
    score: Decimal | None = None
    text: str | None = None
    note: str | None = None
    # 不适用: the reason; the indicator is dropped and the rest rescaled
    not_applicable: str | None = None
    deductions: tuple[Deduction, ...] = ()
    # 偏差率 as the form states it ("5.01%"), for a deviation target: lint's figure audit recomputes it
    deviation: str | None = None
    # 据陈述: the actual of a numeric target given in words ("达标"), one of the spec's declared
    # [stated] words, with the evidence it rests on; scored as stated, never computed
    stated: str | None = None
    evidence: str | None = None
    # 表内得分（单位自填）: the score the unit's table prints, replacing the computed one in the totals
    own_score: OwnScore | None = None


@attrs.frozen(kw_only=True)
class BonusAward:
    """加分: points awarded under a spec's bonus item, with the reason."""

    id: str
    points: Decimal
    reason: str


@attrs.frozen(kw_only=True)
class VetoTrigger:
    """一票否决 triggered: the veto's id and what happened."""

    id: str
    reason: str


@attrs.frozen(kw_only=True)
class Figure:
    """A figure a report states (``stated``, e.g. "69.22%") and the formula that recomputes it."""

    name: str
    formula: Formula
    stated: str
    label: str | None = None


@attrs.frozen(kw_only=True)
class Actuals:
    """Actual values for every indicator of a spec, plus the amounts behind derived rates."""

    indicators: tuple[IndicatorActual, ...]
    budget: BudgetAmounts | None = None
    amounts: tuple[Amount, ...] = ()
    bonus: tuple[BonusAward, ...] = ()
    vetoes: tuple[VetoTrigger, ...] = ()
    figures: tuple[Figure, ...] = ()
    spec: str | None = None  # the spec id these actuals belong to (checked when given)
    year: int | None = None
    label: str | None = None
    source: SourceMap | None = attrs.field(default=None, eq=False, repr=False)

    def indicator(self, indicator_id: str) -> IndicatorActual | None:
        """The actual given for ``indicator_id``, or ``None``."""
        return find(self, "indicators", self.indicators, _id, indicator_id)

    def amount(self, name: str) -> Decimal:
        """The value of the amount called ``name`` (:class:`KeyError` if none)."""
        amt = find(self, "amounts", self.amounts, _name, name)
        if amt is None:
            raise KeyError(name)
        return amt.value


def _id(act: IndicatorActual) -> str:
    return act.id


def _name(amt: Amount) -> str:
    return amt.name
