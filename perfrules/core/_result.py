"""Evaluation results: immutable, fully explained, Decimal throughout."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from perfrules._codes import check_warning_code
from perfrules._errors import Lang
from perfrules.core._citations import Citation
from perfrules.core._exact import show_dec
from perfrules.core._fullmarks import FullMarks
from perfrules.model import FrameworkInfo, RuleSource, find, having, level_names

StepKind = Literal["input", "compare", "formula", "round", "clamp", "policy", "deduction", "rule"]


@attrs.frozen(kw_only=True)
class Step:
    """One step of an explanation, in Chinese and English.

    The scoring core builds its steps as data (:func:`deferred_step`: the
    kind, a render function and its arguments) and formats ``zh`` and ``en``
    the first time either is read; a step's value, equality, hash, repr and
    pickle are those of the formatted text, exactly as if it had been
    written out eagerly.
    """

    kind: StepKind
    zh: str
    en: str

    def text(self, lang: Lang = "zh") -> str:
        """The step in the requested language."""
        return self.zh if lang == "zh" else self.en


Render = Callable[..., tuple[str, str]]
"""Formats the texts of a step or a warning: its arguments → ``(zh, en)``."""


class _Text:
    """The ``zh`` / ``en`` attribute of :class:`Step` and :class:`ScoreWarning`: the text, formatted on first read.

    An object made by :func:`deferred_step` or :func:`deferred_warning` holds
    its recipe until one of its texts is read: the render function's
    arguments (a tuple) in the ``zh`` slot, the function in the ``en`` slot
    (a text is always a ``str``). The first read formats both texts at once
    and stores them in place of the recipe.
    """

    __slots__ = ("_get", "_get_zh", "_get_en", "_set", "_set_zh", "_set_en", "_index")

    def __init__(self, cls: type, name: str) -> None:
        slot = cls.__dict__[name]
        self._get = slot.__get__
        self._set = slot.__set__
        self._get_zh, self._set_zh = cls.__dict__["zh"].__get__, cls.__dict__["zh"].__set__
        self._get_en, self._set_en = cls.__dict__["en"].__get__, cls.__dict__["en"].__set__
        self._index = 0 if name == "zh" else 1

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self._get(obj, owner)
        if type(value) is str:
            return value
        texts = self._get_en(obj, owner)(*self._get_zh(obj, owner))
        self._set_zh(obj, texts[0])
        self._set_en(obj, texts[1])
        return texts[self._index]

    def __set__(self, obj: object, value: str) -> None:
        self._set(obj, value)


def _deferred_texts(
    cls: type,
) -> tuple[Callable[[object, Any], None], Callable[[object, Any], None]]:
    """Make ``cls.zh`` and ``cls.en`` formatted on first read; the setters of their slots."""
    set_zh, set_en = cls.__dict__["zh"].__set__, cls.__dict__["en"].__set__
    zh, en = _Text(cls, "zh"), _Text(cls, "en")
    cls.zh = zh  # type: ignore[attr-defined]
    cls.en = en  # type: ignore[attr-defined]
    return set_zh, set_en


_new = object.__new__
_KIND_SET = Step.__dict__["kind"].__set__
_ZH_SET, _EN_SET = _deferred_texts(Step)


_ZH_GET, _EN_GET = Step.__dict__["zh"]._get, Step.__dict__["en"]._get


def step_texts(step: Step) -> tuple[str, str]:
    """``(step.zh, step.en)``, formatting them (once) if the step still holds its recipe."""
    zh = _ZH_GET(step, Step)
    if type(zh) is str:
        return zh, _EN_GET(step, Step)
    texts: tuple[str, str] = _EN_GET(step, Step)(*zh)
    _ZH_SET(step, texts[0])
    _EN_SET(step, texts[1])
    return texts


def deferred_step(kind: StepKind, render: Render, *args: Any) -> Step:
    """A step whose texts are ``render(*args)``, formatted when first read (``args`` must be immutable values)."""
    step: Step = _new(Step)
    _KIND_SET(step, kind)
    _ZH_SET(step, args)
    _EN_SET(step, render)
    return step


@attrs.frozen(kw_only=True)
class ScoreWarning:
    """Something a reviewer must look at; it does not change the score."""

    code: str = attrs.field(validator=lambda _, __, code: check_warning_code(code))
    zh: str
    en: str
    indicator: str | None = None
    citation: Citation | None = None

    def text(self, lang: Lang = "zh") -> str:
        """The warning in the requested language."""
        return self.zh if lang == "zh" else self.en


_W_CODE, _W_INDICATOR, _W_CITATION = (
    ScoreWarning.__dict__[n].__set__ for n in ("code", "indicator", "citation")
)
_W_ZH, _W_EN = _deferred_texts(ScoreWarning)


def deferred_warning(
    code: str, indicator: str | None, citation: Citation | None, render: Render, *args: Any
) -> ScoreWarning:
    """A warning whose texts are ``render(*args)``, formatted when first read (``args`` must be immutable values)."""
    warning: ScoreWarning = _new(ScoreWarning)
    _W_CODE(warning, check_warning_code(code))
    _W_INDICATOR(warning, indicator)
    _W_CITATION(warning, citation)
    _W_ZH(warning, args)
    _W_EN(warning, render)
    return warning


STATED_METHOD = "stated"
"""The ``method`` of a result stated in words (据陈述), with its evidence: not computed."""

STATED_MARK = ("据陈述", "stated, not computed")
"""How every output marks a stated result (Chinese, English)."""


OWN_SCORE_MARK = ("单位自填", "the unit's own score")
"""How every output marks a row scored as the unit's table prints it (Chinese, English)."""


@attrs.frozen(kw_only=True)
class OwnScoreResult:
    """表内得分（单位自填）: the score the unit's table prints, which the row's score is; the rule's own beside it."""

    score: Decimal  # as the table prints it: the row's score, used in the totals
    computed: Decimal  # what the row's rule gives (met, the steps and lint keep it)
    reason: str

    @property
    def direction(self) -> Literal["above", "below", "equal"]:
        """Whether the printed score is above, below or equal to the rule's."""
        if self.score > self.computed:
            return "above"
        return "below" if self.score < self.computed else "equal"

    def text(self, lang: Lang = "zh") -> str:
        """「表内得分X分（单位自填），高于按规则计得的Y分；原因：…」 (or in English)."""
        own, rule = show_dec(self.score), show_dec(self.computed)
        if lang == "zh":
            how = {"above": "高于", "below": "低于", "equal": "等于"}[self.direction]
            return f"表内得分{own}分（{OWN_SCORE_MARK[0]}），{how}按规则计得的{rule}分；原因：{self.reason}"
        how_en = {"above": "above", "below": "below", "equal": "equal to"}[self.direction]
        return (
            f"{own} as the table prints it ({OWN_SCORE_MARK[1]}), {how_en} the rule's {rule}; "
            f"reason: {self.reason}"
        )


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
    citation: Citation | None  # None: no generic rule text fits (cited: the row's own rule, if any)
    reason: str | None = None  # 扣分原因 (Chinese) when points are lost
    reason_en: str | None = None
    note: str | None = None  # 偏差原因分析 from the actuals
    warnings: tuple[ScoreWarning, ...] = ()
    applicable: bool = True  # False: 不适用, dropped and the rest rescaled
    rule: RuleSource | None = None  # the rule the spec declares for this indicator
    full_marks: FullMarks | None = (
        None  # when points were lost: what actual would have earned full marks
    )
    stated: str | None = (
        None  # the 实际完成值 as the actuals state it, where the score uses a computed value (derived
        # rates); for a result stated in words (method "stated"), the word (达标)
    )
    evidence: str | None = None  # 据陈述 (method "stated"): the evidence the stated result rests on
    own_score: OwnScoreResult | None = (
        None  # 表内得分（单位自填）: the printed score that replaced the rule's
    )

    @property
    def lost(self) -> Decimal:
        """Points deducted (扣分): weight − score (0 for a not-applicable indicator)."""
        return self.weight - self.score if self.applicable else Decimal(0)

    def score_mark(self, lang: Lang = "zh") -> str:
        """What every output writes after the score of a row scored as the unit's table prints it ('' else)."""
        if self.own_score is None:
            return ""
        return f"（{OWN_SCORE_MARK[0]}）" if lang == "zh" else f" ({OWN_SCORE_MARK[1]})"

    @property
    def is_stated(self) -> bool:
        """Whether the result is stated in words (据陈述: 达标, 已完成), not computed from a number."""
        return self.method == STATED_METHOD


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
    citation: Citation | None  # None: no generic rule text fits (cited: the row's own rule, if any)
    reason: str | None = None
    reason_en: str | None = None
    lines: tuple[BudgetLineResult, ...] = ()
    rule: RuleSource | None = None
    full_marks: FullMarks | None = None

    @property
    def lost(self) -> Decimal:
        """Points deducted: weight − score."""
        return self.weight - self.score

    def score_mark(self, lang: Lang = "zh") -> str:
        """What outputs write after the score ('': a budget row is always scored by its rule)."""
        return ""


@attrs.frozen(kw_only=True)
class CategoryResult:
    """Subtotal of a category: ``level`` 1 is a top category, 2 one under it, 3 one under that.

    ``goal``: a top category that is a 年度绩效目标 block (its level is named 目标).
    """

    id: str
    name: str
    level: int
    parent: str | None
    weight: Decimal
    score: Decimal
    applicable_weight: Decimal | None = (
        None  # weight of the applicable indicators, when some are 不适用
    )
    goal: bool = False

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
    total_weight: (
        Decimal  # the full score: meta.total, or in partial mode the declared rows' weight
    )
    total: Decimal
    grade: str | None  # None in partial mode: no grade is claimed where the whole form is unknown
    grade_steps: tuple[Step, ...]
    warnings: tuple[ScoreWarning, ...]
    policies: tuple[tuple[str, str], ...]
    total_steps: tuple[Step, ...] = ()
    bonus: tuple[BonusResult, ...] = ()
    vetoes: tuple[VetoResult, ...] = ()
    framework: FrameworkInfo | None = None
    partial: str | None = None  # meta.partial: why only some rows of the form are scored

    def grade_shown(self, lang: str = "zh") -> str:
        """The grade as outputs print it; in partial mode, that no grade is claimed."""
        if self.grade is not None:
            return self.grade
        return "不评定（部分指标）" if lang == "zh" else "not graded (partial)"

    @property
    def lost(self) -> Decimal:
        """Points below the full score: total weight − total (never below 0)."""
        return max(self.total_weight - self.total, Decimal(0))

    def losses(self) -> tuple[IndicatorResult | BudgetExecutionResult, ...]:
        """Every row that lost points, the most points lost first (ties in form order)."""
        rows: list[IndicatorResult | BudgetExecutionResult] = [
            r for r in self.indicators if r.lost > 0
        ]
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

    @property
    def levels(self) -> int:
        """Category levels of the form: 2 for 一级/二级, 3 with goal blocks or 三级 categories."""
        return max((c.level for c in self.categories), default=1)

    @property
    def goal_blocks(self) -> bool:
        """Whether the top categories are 年度绩效目标 blocks (目标 above the 一级 categories)."""
        return any(c.goal for c in self.categories)

    def level_names(self, lang: str = "zh") -> tuple[str, ...]:
        """The name columns of the form: one per category level (two at least), then the indicator column.

        ``一级指标, 二级指标, 三级指标`` on the two-level form; ``目标, 一级指标,
        二级指标, 三级指标`` with goal blocks; ``一级指标, 二级指标, 三级指标,
        四级指标`` with 三级 categories. (:func:`perfrules.model.level_names`.)
        """
        return level_names(self.levels, goal=self.goal_blocks, lang=lang)


def _id(res: IndicatorResult | CategoryResult) -> str:
    return res.id


def _parent(res: CategoryResult) -> str | None:
    return res.parent


def _category(res: IndicatorResult) -> str:
    return res.category


def _setter(cls: type, name: str) -> Callable[[object, Any], None]:
    """The setter of the slot ``name`` of the attrs class ``cls`` (which must have such a field)."""
    if name not in {f.name for f in attrs.fields(cls)}:
        raise TypeError(f"{cls.__name__} has no field {name!r}")  # pragma: no cover
    setter: Callable[[object, Any], None] = cls.__dict__[name].__set__
    return setter


# Evaluation makes its results with constructors written out: a new object and one slot setter call per
# field (no keyword matching, no frozen-class __setattr__ per field; about half of what the attrs __init__
# costs). The classes have no validator, converter or post-init hook, so the object is the one __init__
# makes. Each constructor's parameters are its class's fields in field order (tests/test_compile_once.py
# checks it with a distinct value per field).
_I_ID, _I_NAME, _I_CATEGORY, _I_CATEGORY_PATH = (
    _setter(IndicatorResult, n) for n in ("id", "name", "category", "category_path")
)
_I_WEIGHT, _I_TARGET, _I_ACTUAL, _I_ACTUAL_VALUE = (
    _setter(IndicatorResult, n) for n in ("weight", "target", "actual", "actual_value")
)
_I_TIER, _I_METHOD, _I_MET, _I_SCORE, _I_STEPS = (
    _setter(IndicatorResult, n) for n in ("tier", "method", "met", "score", "steps")
)
_I_CITATION, _I_REASON, _I_REASON_EN, _I_NOTE = (
    _setter(IndicatorResult, n) for n in ("citation", "reason", "reason_en", "note")
)
_I_WARNINGS, _I_APPLICABLE, _I_RULE, _I_FULL_MARKS = (
    _setter(IndicatorResult, n) for n in ("warnings", "applicable", "rule", "full_marks")
)
_I_STATED, _I_EVIDENCE, _I_OWN_SCORE = (
    _setter(IndicatorResult, n) for n in ("stated", "evidence", "own_score")
)


def make_indicator_result(
    id: str,
    name: str,
    category: str,
    category_path: tuple[str, ...],
    weight: Decimal,
    target: str,
    actual: str,
    actual_value: Fraction | None,
    tier: str | None,
    method: str,
    met: bool | None,
    score: Decimal,
    steps: tuple[Step, ...],
    citation: Citation | None,
    reason: str | None,
    reason_en: str | None,
    note: str | None,
    warnings: tuple[ScoreWarning, ...],
    applicable: bool,
    rule: RuleSource | None,
    full_marks: FullMarks | None,
    stated: str | None,
    evidence: str | None,
    own_score: OwnScoreResult | None,
) -> IndicatorResult:
    """``IndicatorResult(...)`` from every field, in field order (or by name): an equal object, made faster."""
    obj: IndicatorResult = _new(IndicatorResult)
    _I_ID(obj, id)
    _I_NAME(obj, name)
    _I_CATEGORY(obj, category)
    _I_CATEGORY_PATH(obj, category_path)
    _I_WEIGHT(obj, weight)
    _I_TARGET(obj, target)
    _I_ACTUAL(obj, actual)
    _I_ACTUAL_VALUE(obj, actual_value)
    _I_TIER(obj, tier)
    _I_METHOD(obj, method)
    _I_MET(obj, met)
    _I_SCORE(obj, score)
    _I_STEPS(obj, steps)
    _I_CITATION(obj, citation)
    _I_REASON(obj, reason)
    _I_REASON_EN(obj, reason_en)
    _I_NOTE(obj, note)
    _I_WARNINGS(obj, warnings)
    _I_APPLICABLE(obj, applicable)
    _I_RULE(obj, rule)
    _I_FULL_MARKS(obj, full_marks)
    _I_STATED(obj, stated)
    _I_EVIDENCE(obj, evidence)
    _I_OWN_SCORE(obj, own_score)
    return obj


_C_ID, _C_NAME, _C_LEVEL, _C_PARENT = (
    _setter(CategoryResult, n) for n in ("id", "name", "level", "parent")
)
_C_WEIGHT, _C_SCORE, _C_APPLICABLE_WEIGHT, _C_GOAL = (
    _setter(CategoryResult, n) for n in ("weight", "score", "applicable_weight", "goal")
)


def make_category_result(
    id: str,
    name: str,
    level: int,
    parent: str | None,
    weight: Decimal,
    score: Decimal,
    applicable_weight: Decimal | None,
    goal: bool,
) -> CategoryResult:
    """``CategoryResult(...)`` from every field, in field order (or by name): an equal object, made faster."""
    obj: CategoryResult = _new(CategoryResult)
    _C_ID(obj, id)
    _C_NAME(obj, name)
    _C_LEVEL(obj, level)
    _C_PARENT(obj, parent)
    _C_WEIGHT(obj, weight)
    _C_SCORE(obj, score)
    _C_APPLICABLE_WEIGHT(obj, applicable_weight)
    _C_GOAL(obj, goal)
    return obj


_B_NAME, _B_WEIGHT, _B_INITIAL, _B_FULL_YEAR = (
    _setter(BudgetExecutionResult, n) for n in ("name", "weight", "initial", "full_year")
)
_B_SPENT, _B_UNIT, _B_BASE, _B_RATE = (
    _setter(BudgetExecutionResult, n) for n in ("spent", "unit", "base", "rate")
)
_B_RATE_DISPLAY, _B_POLICY, _B_SCORE, _B_STEPS = (
    _setter(BudgetExecutionResult, n) for n in ("rate_display", "policy", "score", "steps")
)
_B_CITATION, _B_REASON, _B_REASON_EN, _B_LINES = (
    _setter(BudgetExecutionResult, n) for n in ("citation", "reason", "reason_en", "lines")
)
_B_RULE, _B_FULL_MARKS = (_setter(BudgetExecutionResult, n) for n in ("rule", "full_marks"))


def make_budget_result(
    name: str,
    weight: Decimal,
    initial: Decimal | None,
    full_year: Decimal,
    spent: Decimal,
    unit: str,
    base: str,
    rate: Fraction,
    rate_display: str,
    policy: str,
    score: Decimal,
    steps: tuple[Step, ...],
    citation: Citation | None,
    reason: str | None,
    reason_en: str | None,
    lines: tuple[BudgetLineResult, ...],
    rule: RuleSource | None,
    full_marks: FullMarks | None,
) -> BudgetExecutionResult:
    """``BudgetExecutionResult(...)`` from every field, in field order (or by name): an equal object, made faster."""
    obj: BudgetExecutionResult = _new(BudgetExecutionResult)
    _B_NAME(obj, name)
    _B_WEIGHT(obj, weight)
    _B_INITIAL(obj, initial)
    _B_FULL_YEAR(obj, full_year)
    _B_SPENT(obj, spent)
    _B_UNIT(obj, unit)
    _B_BASE(obj, base)
    _B_RATE(obj, rate)
    _B_RATE_DISPLAY(obj, rate_display)
    _B_POLICY(obj, policy)
    _B_SCORE(obj, score)
    _B_STEPS(obj, steps)
    _B_CITATION(obj, citation)
    _B_REASON(obj, reason)
    _B_REASON_EN(obj, reason_en)
    _B_LINES(obj, lines)
    _B_RULE(obj, rule)
    _B_FULL_MARKS(obj, full_marks)
    return obj


_L_NAME, _L_SPENT, _L_BUDGET, _L_RATE = (
    _setter(BudgetLineResult, n) for n in ("name", "spent", "budget", "rate")
)
_L_RATE_DISPLAY = _setter(BudgetLineResult, "rate_display")


def make_budget_line(
    name: str,
    spent: Decimal,
    budget: Decimal | None,
    rate: Fraction | None,
    rate_display: str | None,
) -> BudgetLineResult:
    """``BudgetLineResult(...)`` from every field, in field order (or by name): an equal object, made faster."""
    obj: BudgetLineResult = _new(BudgetLineResult)
    _L_NAME(obj, name)
    _L_SPENT(obj, spent)
    _L_BUDGET(obj, budget)
    _L_RATE(obj, rate)
    _L_RATE_DISPLAY(obj, rate_display)
    return obj


_E_SPEC_ID, _E_TITLE, _E_UNIT, _E_YEAR = (
    _setter(Evaluation, n) for n in ("spec_id", "title", "unit", "year")
)
_E_KIND, _E_BASIS, _E_SPEC_SHA256, _E_ACTUALS_LABEL = (
    _setter(Evaluation, n) for n in ("kind", "basis", "spec_sha256", "actuals_label")
)
_E_INDICATORS, _E_BUDGET_EXECUTION, _E_CATEGORIES, _E_TOTAL_WEIGHT = (
    _setter(Evaluation, n) for n in ("indicators", "budget_execution", "categories", "total_weight")
)
_E_TOTAL, _E_GRADE, _E_GRADE_STEPS, _E_WARNINGS = (
    _setter(Evaluation, n) for n in ("total", "grade", "grade_steps", "warnings")
)
_E_POLICIES, _E_TOTAL_STEPS, _E_BONUS, _E_VETOES = (
    _setter(Evaluation, n) for n in ("policies", "total_steps", "bonus", "vetoes")
)
_E_FRAMEWORK, _E_PARTIAL = (_setter(Evaluation, n) for n in ("framework", "partial"))


def make_evaluation(
    spec_id: str,
    title: str,
    unit: str,
    year: int,
    kind: str,
    basis: str,
    spec_sha256: str,
    actuals_label: str | None,
    indicators: tuple[IndicatorResult, ...],
    budget_execution: BudgetExecutionResult | None,
    categories: tuple[CategoryResult, ...],
    total_weight: Decimal,
    total: Decimal,
    grade: str | None,
    grade_steps: tuple[Step, ...],
    warnings: tuple[ScoreWarning, ...],
    policies: tuple[tuple[str, str], ...],
    total_steps: tuple[Step, ...],
    bonus: tuple[BonusResult, ...],
    vetoes: tuple[VetoResult, ...],
    framework: FrameworkInfo | None,
    partial: str | None,
) -> Evaluation:
    """``Evaluation(...)`` from every field, in field order (or by name): an equal object, made faster."""
    obj: Evaluation = _new(Evaluation)
    _E_SPEC_ID(obj, spec_id)
    _E_TITLE(obj, title)
    _E_UNIT(obj, unit)
    _E_YEAR(obj, year)
    _E_KIND(obj, kind)
    _E_BASIS(obj, basis)
    _E_SPEC_SHA256(obj, spec_sha256)
    _E_ACTUALS_LABEL(obj, actuals_label)
    _E_INDICATORS(obj, indicators)
    _E_BUDGET_EXECUTION(obj, budget_execution)
    _E_CATEGORIES(obj, categories)
    _E_TOTAL_WEIGHT(obj, total_weight)
    _E_TOTAL(obj, total)
    _E_GRADE(obj, grade)
    _E_GRADE_STEPS(obj, grade_steps)
    _E_WARNINGS(obj, warnings)
    _E_POLICIES(obj, policies)
    _E_TOTAL_STEPS(obj, total_steps)
    _E_BONUS(obj, bonus)
    _E_VETOES(obj, vetoes)
    _E_FRAMEWORK(obj, framework)
    _E_PARTIAL(obj, partial)
    return obj
