"""Evaluation results: immutable, fully explained, Decimal throughout."""

from __future__ import annotations

import threading
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


def _building(cls: type, **slots: Any) -> type:
    """A subclass of the frozen attrs class ``cls`` whose instances take plain attribute stores.

    It adds no slot (so its instances have ``cls``'s very layout) and puts ``object``'s own
    ``__setattr__`` and ``__delattr__`` back, so that storing a field is CPython's generic slot
    store (specialised by the interpreter) instead of a call of the frozen class's Python
    ``__setattr__``; its ``__init__`` is ``object``'s, so ``building()`` makes an empty instance
    (cheaper than ``object.__new__(building)``). A constructor below makes an instance of it, stores
    every field, then sets its ``__class__`` to ``cls`` (allowed: the layouts are the same): from
    then on it is exactly the object ``cls(...)`` would have made — the same type, slots and values,
    frozen.

    ``slots``: the member descriptors of slots whose names ``cls`` has given to another descriptor
    (:class:`Step`'s lazily formatted texts), so that a store reaches the slot itself.
    """
    fields = attrs.fields(cls)
    if any(f.validator is not None or f.converter is not None for f in fields) or hasattr(
        cls, "__attrs_post_init__"
    ):  # then __init__ does more than store the fields
        raise TypeError(f"{cls.__name__} has validators, converters or a post-init hook")
    namespace = {
        "__slots__": (),
        "__init__": object.__init__,  # so that calling it makes an empty instance
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__module__": __name__,
        "__doc__": f"A {cls.__name__} being made (see _building); never seen outside its constructor.",
        **slots,
    }
    return type(f"_{cls.__name__}Building", (cls,), namespace)


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
        return _formatted(obj, self._get_zh, self._get_en, self._set_zh, self._set_en)[self._index]

    def __set__(self, obj: object, value: str) -> None:
        self._set(obj, value)


_FORMATTING = threading.RLock()  # reentrant: a render may read another step


def _formatted(
    obj: object,
    get_zh: Callable[[object, Any], Any],
    get_en: Callable[[object, Any], Any],
    set_zh: Callable[[object, Any], None],
    set_en: Callable[[object, Any], None],
) -> tuple[str, str]:
    """Format an object's texts from its recipe, once, safely across threads.

    Steps are shared between evaluations (a compiled row's steps, module constants), so two threads
    may read one step's texts at once. The recipe is replaced under a lock, ``en`` first: a ``str`` in
    ``zh`` then means both texts are stored, and the reads that find one (every read after the
    first) take no lock.
    """
    with _FORMATTING:
        zh = get_zh(obj, None)
        if type(zh) is str:  # another thread formatted them meanwhile
            return zh, get_en(obj, None)
        texts: tuple[str, str] = get_en(obj, None)(*zh)
        set_en(obj, texts[1])
        set_zh(obj, texts[0])
        return texts


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
_ZH_SLOT, _EN_SLOT = Step.__dict__["zh"], Step.__dict__["en"]  # before _Text takes their names
_ZH_SET, _EN_SET = _deferred_texts(Step)
_StepBuilding = _building(Step, zh=_ZH_SLOT, en=_EN_SLOT)


_ZH_GET, _EN_GET = Step.__dict__["zh"]._get, Step.__dict__["en"]._get


def step_texts(step: Step) -> tuple[str, str]:
    """``(step.zh, step.en)``, formatting them (once) if the step still holds its recipe."""
    zh = _ZH_GET(step, Step)
    if type(zh) is str:
        return zh, _EN_GET(step, Step)
    return _formatted(step, _ZH_GET, _EN_GET, _ZH_SET, _EN_SET)


def deferred_step(kind: StepKind, render: Render, *args: Any) -> Step:
    """A step whose texts are ``render(*args)``, formatted when first read (``args`` must be immutable values)."""
    step: Any = _StepBuilding()  # see _building
    step.kind = kind
    step.zh = args  # the recipe, in the slots themselves
    step.en = render
    step.__class__ = Step
    made: Step = step
    return made


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


# Evaluation makes its results (one per indicator, per category, …) with constructors written out: an
# instance of the class's _building subclass, one plain store per field, then its class set to the result
# class — no keyword matching and no frozen __setattr__ call per field (attrs' __init__ calls
# object.__setattr__ for each). The classes have no validator, converter or post-init hook (_building
# checks it), so the object is the one __init__ makes. Each constructor's parameters are its class's
# fields in field order (tests/test_compile_once.py checks it with a distinct value per field).
_IndicatorResultBuilding = _building(IndicatorResult)
_CategoryResultBuilding = _building(CategoryResult)
_BudgetExecutionResultBuilding = _building(BudgetExecutionResult)
_BudgetLineResultBuilding = _building(BudgetLineResult)
_EvaluationBuilding = _building(Evaluation)


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
    obj: Any = _IndicatorResultBuilding()
    obj.id = id
    obj.name = name
    obj.category = category
    obj.category_path = category_path
    obj.weight = weight
    obj.target = target
    obj.actual = actual
    obj.actual_value = actual_value
    obj.tier = tier
    obj.method = method
    obj.met = met
    obj.score = score
    obj.steps = steps
    obj.citation = citation
    obj.reason = reason
    obj.reason_en = reason_en
    obj.note = note
    obj.warnings = warnings
    obj.applicable = applicable
    obj.rule = rule
    obj.full_marks = full_marks
    obj.stated = stated
    obj.evidence = evidence
    obj.own_score = own_score
    obj.__class__ = IndicatorResult  # frozen from here on
    made: IndicatorResult = obj
    return made


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
    obj: Any = _CategoryResultBuilding()
    obj.id = id
    obj.name = name
    obj.level = level
    obj.parent = parent
    obj.weight = weight
    obj.score = score
    obj.applicable_weight = applicable_weight
    obj.goal = goal
    obj.__class__ = CategoryResult  # frozen from here on
    made: CategoryResult = obj
    return made


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
    obj: Any = _BudgetExecutionResultBuilding()
    obj.name = name
    obj.weight = weight
    obj.initial = initial
    obj.full_year = full_year
    obj.spent = spent
    obj.unit = unit
    obj.base = base
    obj.rate = rate
    obj.rate_display = rate_display
    obj.policy = policy
    obj.score = score
    obj.steps = steps
    obj.citation = citation
    obj.reason = reason
    obj.reason_en = reason_en
    obj.lines = lines
    obj.rule = rule
    obj.full_marks = full_marks
    obj.__class__ = BudgetExecutionResult  # frozen from here on
    made: BudgetExecutionResult = obj
    return made


def make_budget_line(
    name: str,
    spent: Decimal,
    budget: Decimal | None,
    rate: Fraction | None,
    rate_display: str | None,
) -> BudgetLineResult:
    """``BudgetLineResult(...)`` from every field, in field order (or by name): an equal object, made faster."""
    obj: Any = _BudgetLineResultBuilding()
    obj.name = name
    obj.spent = spent
    obj.budget = budget
    obj.rate = rate
    obj.rate_display = rate_display
    obj.__class__ = BudgetLineResult  # frozen from here on
    made: BudgetLineResult = obj
    return made


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
    obj: Any = _EvaluationBuilding()
    obj.spec_id = spec_id
    obj.title = title
    obj.unit = unit
    obj.year = year
    obj.kind = kind
    obj.basis = basis
    obj.spec_sha256 = spec_sha256
    obj.actuals_label = actuals_label
    obj.indicators = indicators
    obj.budget_execution = budget_execution
    obj.categories = categories
    obj.total_weight = total_weight
    obj.total = total
    obj.grade = grade
    obj.grade_steps = grade_steps
    obj.warnings = warnings
    obj.policies = policies
    obj.total_steps = total_steps
    obj.bonus = bonus
    obj.vetoes = vetoes
    obj.framework = framework
    obj.partial = partial
    obj.__class__ = Evaluation  # frozen from here on
    made: Evaluation = obj
    return made
