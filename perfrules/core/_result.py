"""Evaluation results: immutable, fully explained, Decimal throughout."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from perfrules._errors import Lang
from perfrules.core._citations import Citation
from perfrules.core._fullmarks import FullMarks
from perfrules.model import FrameworkInfo, RuleSource
from perfrules.model._lookup import find, having

StepKind = Literal["input", "compare", "formula", "round", "clamp", "policy", "deduction", "rule"]


@attrs.frozen(kw_only=True)
class Step:
    """One step of an explanation, in Chinese and English."""

    kind: StepKind
    zh: str
    en: str

    def text(self, lang: Lang = "zh") -> str:
        """The step in the requested language."""
        return self.zh if lang == "zh" else self.en


@attrs.frozen(kw_only=True)
class ScoreWarning:
    """Something a reviewer must look at; it does not change the score."""

    code: str
    zh: str
    en: str
    indicator: str | None = None
    citation: Citation | None = None

    def text(self, lang: Lang = "zh") -> str:
        """The warning in the requested language."""
        return self.zh if lang == "zh" else self.en


@attrs.frozen(kw_only=True)
class IndicatorResult:
    """The score of one 三级 indicator and every step that produced it."""

    id: str
    name: str
    category: str
    category_path: tuple[str, ...]
    weight: Decimal
    target: str
    actual: str
    actual_value: Fraction | None
    tier: str | None
    method: str
    met: bool | None
    score: Decimal
    steps: tuple[Step, ...]
    citation: Citation
    reason: str | None = None  # 扣分原因 (Chinese) when points are lost
    reason_en: str | None = None
    note: str | None = None  # 偏差原因分析 from the actuals
    warnings: tuple[ScoreWarning, ...] = ()
    applicable: bool = True  # False: 不适用, dropped and the rest rescaled
    rule: RuleSource | None = None  # the rule the spec declares for this indicator
    full_marks: FullMarks | None = None  # when points were lost: what actual would have earned full marks
    stated: str | None = None  # the 实际完成值 as the actuals state it, where the score uses a computed value (derived rates)

    @property
    def lost(self) -> Decimal:
        """Points deducted (扣分): weight − score (0 for a not-applicable indicator)."""
        return self.weight - self.score if self.applicable else Decimal(0)


@attrs.frozen(kw_only=True)
class BudgetLineResult:
    """One informational line of the budget breakdown with its own rate."""

    name: str
    spent: Decimal
    budget: Decimal | None
    rate: Fraction | None
    rate_display: str | None


@attrs.frozen(kw_only=True)
class BudgetExecutionResult:
    """The budget-execution row (预算执行率) of the form."""

    name: str
    weight: Decimal
    initial: Decimal | None
    full_year: Decimal
    spent: Decimal
    unit: str
    base: str
    rate: Fraction
    rate_display: str
    policy: str
    score: Decimal
    steps: tuple[Step, ...]
    citation: Citation
    reason: str | None = None
    reason_en: str | None = None
    lines: tuple[BudgetLineResult, ...] = ()
    rule: RuleSource | None = None
    full_marks: FullMarks | None = None

    @property
    def lost(self) -> Decimal:
        """Points deducted: weight − score."""
        return self.weight - self.score


@attrs.frozen(kw_only=True)
class CategoryResult:
    """Subtotal of a 一级 or 二级 category."""

    id: str
    name: str
    level: int
    parent: str | None
    weight: Decimal
    score: Decimal
    applicable_weight: Decimal | None = None  # weight of the applicable indicators, when some are 不适用

    @property
    def lost(self) -> Decimal:
        """Points deducted in this category (of its applicable weight)."""
        base = self.weight if self.applicable_weight is None else self.applicable_weight
        return base - self.score


@attrs.frozen(kw_only=True)
class BonusResult:
    """A 加分项 as awarded."""

    id: str
    name: str
    cap: Decimal
    points: Decimal
    reason: str


@attrs.frozen(kw_only=True)
class VetoResult:
    """A triggered 一票否决 and what it did."""

    id: str
    name: str
    effect: str
    reason: str


@attrs.frozen(kw_only=True)
class Evaluation:
    """The whole self-evaluation: every indicator, subtotals, total and grade."""

    spec_id: str
    title: str
    unit: str
    year: int
    kind: str
    basis: str
    spec_sha256: str
    actuals_label: str | None
    indicators: tuple[IndicatorResult, ...]
    budget_execution: BudgetExecutionResult | None
    categories: tuple[CategoryResult, ...]
    total_weight: Decimal
    total: Decimal
    grade: str
    grade_steps: tuple[Step, ...]
    warnings: tuple[ScoreWarning, ...]
    policies: tuple[tuple[str, str], ...]
    total_steps: tuple[Step, ...] = ()
    bonus: tuple[BonusResult, ...] = ()
    vetoes: tuple[VetoResult, ...] = ()
    framework: FrameworkInfo | None = None

    @property
    def lost(self) -> Decimal:
        """Points below the full score: total weight − total (never below 0)."""
        return max(self.total_weight - self.total, Decimal(0))

    def losses(self) -> tuple[IndicatorResult | BudgetExecutionResult, ...]:
        """Every row that lost points, the most points lost first (ties in form order)."""
        rows: list[IndicatorResult | BudgetExecutionResult] = [r for r in self.indicators if r.lost > 0]
        if self.budget_execution is not None and self.budget_execution.lost > 0:
            rows.insert(0, self.budget_execution)
        return tuple(sorted(rows, key=lambda r: -r.lost))

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of the indicator with this id (:class:`KeyError` if none)."""
        res = find(self, "indicators", self.indicators, _id, indicator_id)
        if res is None:
            raise KeyError(indicator_id)
        return res

    def category(self, category_id: str) -> CategoryResult:
        """The subtotal of the category with this id (:class:`KeyError` if none)."""
        res = find(self, "categories", self.categories, _id, category_id)
        if res is None:
            raise KeyError(category_id)
        return res

    def children(self, category_id: str | None) -> tuple[CategoryResult, ...]:
        """Categories whose parent is ``category_id`` (``None``: the 一级 ones)."""
        return having(self, "children", self.categories, _parent, category_id)

    def indicators_in(self, category_id: str) -> tuple[IndicatorResult, ...]:
        """Indicators filed directly under ``category_id``."""
        return having(self, "indicators_in", self.indicators, _category, category_id)


def _id(res: IndicatorResult | CategoryResult) -> str:
    return res.id


def _parent(res: CategoryResult) -> str | None:
    return res.parent


def _category(res: IndicatorResult) -> str:
    return res.category
