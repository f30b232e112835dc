"""The spec: an indicator system (指标体系) with its weights, targets and declared policies.

Every class here is a frozen attrs class; collections are tuples. Build them
in Python or load them from TOML with :func:`perfrules.load_spec`.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import ClassVar, TypeAlias, cast

import attrs

from perfrules.model._formula import Formula
from perfrules.model._lookup import SMALL, cached, find
from perfrules.model._source import SourceMap
from perfrules.model._target import QuantitativeTarget


class Kind(enum.Enum):
    """What is evaluated: a department's whole spending or one project."""

    DEPARTMENT = "部门整体支出"
    PROJECT = "项目支出"


class ExecutionPolicy(enum.Enum):
    """How the budget-execution rate (预算执行率) becomes points.

    ``proportional``: rate × weight, rounded half-up to the score quantum
    (central practice, 财预〔2020〕10号 自评表). ``round_whole``: rate × weight
    rounded half-up to whole points (consistent with published Hunan
    部门整体支出 scores, e.g. 94.48% × 10 → 9).
    """

    PROPORTIONAL = "proportional"
    ROUND_WHOLE = "round_whole"


class ExecutionBase(enum.Enum):
    """Which budget figure the execution rate divides by."""

    FULL_YEAR = "full_year"  # 全年预算数 (adjusted budget, incl. carry-over)
    INITIAL = "initial"  # 年初预算数


class NegativeRule(enum.Enum):
    """How an unmet negative (≤, <) target scores.

    ``inverse_ratio``: target / actual × weight (指标值/实际值, the older forms'
    反向指标 rule). ``linear_overshoot``: (1 − (actual − target) / target) ×
    weight, zero at twice the target (a production provincial system's rule).
    """

    INVERSE_RATIO = "inverse_ratio"
    LINEAR_OVERSHOOT = "linear_overshoot"


class EqualAbove(enum.Enum):
    """How an exact (=) target scores when the actual is above it."""

    FULL = "full"  # exceeding an exact target counts as met (production practice)
    INVERSE_RATIO = "inverse_ratio"  # target / actual × weight


class QualitativeDefault(enum.Enum):
    """What a qualitative indicator scores when the actuals give a tier but no score."""

    TIER_TOP = "tier_top"  # the highest score the tier admits at the score quantum
    REQUIRE_SCORE = "require_score"  # an entered score is mandatory below the top tier


class WeightPrecision(enum.Enum):
    """Whether a weight finer than the quantum its score is rounded to is an error."""

    ERROR = "error"  # the default: rounding could lift a score above its weight (4.5 → 5)
    ALLOW = "allow"  # the rule is applied as written: a full 4.5 rounded to whole points scores 5


# ---------------------------------------------------------------------------
# Scoring methods. Each names itself in TOML by ``name``.


@attrs.frozen
class Ratio:
    """Quantitative ratio scoring (财预〔2020〕10号 第十六条).

    Met → full weight; unmet positive → actual / target × weight; unmet
    negative → by the spec's :class:`NegativeRule`; exact targets by
    :class:`EqualAbove` above and actual / target × weight below.
    """

    name: ClassVar[str] = "ratio"


@attrs.frozen
class LinearOvershoot:
    """Negative targets only: (1 − (actual − target) / target) × weight, 0 at twice the target."""

    name: ClassVar[str] = "linear_overshoot"


@attrs.frozen
class InverseRatio:
    """Negative targets only: target / actual × weight, whatever ``policy.negative`` says."""

    name: ClassVar[str] = "inverse_ratio"


@attrs.frozen
class Qualitative:
    """Three tiers at 100–80% / 80–60% / 60–0% of the weight (财预〔2020〕10号 第十六条)."""

    name: ClassVar[str] = "qualitative"


class PartialStep(enum.Enum):
    """How a part of a step counts in step deductions."""

    FLOOR = "floor"  # only whole steps deduct (每超过一个百分点扣…: 1.5 points over → 1 step)
    CEIL = "ceil"  # any started step deducts in full
    PROPORTIONAL = "proportional"  # deduct pro rata (1.5 points over → 1.5 steps)


@attrs.frozen(kw_only=True)
class StepDeduction:
    """每超过/低于 ``per`` 扣 ``deduct`` 分，扣完为止.

    The distance counts in the direction the comparator sets (above a ≤/<
    target, below a ≥/> target, either side of an = target) from ``start``:
    the point the rule's text deducts from (起扣点: 85 in "85%以上得满分，每降低1个
    百分点扣0.5分" on a ``≥95%`` row), by default the target itself. ``start``
    lies on the lenient side of a ≥/≤ target (≤ a ≥ target, ≥ a ≤ target), so a
    met target always scores full; the target is still shown as written and
    ``met`` is judged against it. ``per`` is in the target's unit (percentage
    points for a % target).
    """

    name: ClassVar[str] = "step"
    per: Decimal
    deduct: Decimal
    partial: PartialStep = PartialStep.FLOOR
    start: Decimal | None = None


class BandBasis(enum.Enum):
    """What a band table is read against."""

    ACTUAL = "actual"  # the actual value, in the target's unit
    # |actual − target| ÷ target × 100 (percent), symmetric around the target
    DEVIATION = "deviation"


@attrs.frozen(kw_only=True)
class Band:
    """One row of a band table: values in [min, max) (edges as declared) score ``score`` points."""

    score: Decimal
    min: Decimal | None = None  # None: unbounded below
    max: Decimal | None = None  # None: unbounded above
    min_inclusive: bool = True
    max_inclusive: bool = False


@attrs.frozen(kw_only=True)
class Bands:
    """区间计分: "≥90% 计5分；80%（含）-90% 计4分；…；低于60%不得分"."""

    name: ClassVar[str] = "bands"
    bands: tuple[Band, ...]
    on: BandBasis = BandBasis.ACTUAL


@attrs.frozen
class RateTimesWeight:
    """Score = rate × weight (a % actual as its share; capped at the weight), met or not."""

    name: ClassVar[str] = "rate"


@attrs.frozen(kw_only=True)
class PerOccurrence:
    """每出现一例扣 ``deduct`` 分，扣完为止: the actual is a count of occurrences."""

    name: ClassVar[str] = "per_occurrence"
    deduct: Decimal


@attrs.frozen(kw_only=True)
class DeviationBand:
    """One row of a deviation table: deviations (in % of the plan) in [min, max) (edges as
    declared) earn ``share`` of the weight."""

    share: Decimal  # of the weight, 0 to 1 (0.6: 60% of the weight)
    min: Decimal | None = None  # None: from 0
    max: Decimal | None = None  # None: unbounded above
    min_inclusive: bool = True
    max_inclusive: bool = False


@attrs.frozen(kw_only=True)
class Deviation:
    """偏差计分: |actual − plan| ÷ plan × 100 looked up in a table of shares of the weight.

    For a :class:`~perfrules.model.DeviationTarget` (``120公里±5%``): "偏差在5%以内（含）得满分，
    5%-10%（含）得60%，超过10%不得分". ``met`` is the target's tolerance, whatever band is hit.
    """

    name: ClassVar[str] = "deviation"
    shares: tuple[DeviationBand, ...]  # the bands of deviation, each with its share of the weight


Method: TypeAlias = (
    Ratio
    | InverseRatio
    | LinearOvershoot
    | Qualitative
    | StepDeduction
    | Bands
    | RateTimesWeight
    | PerOccurrence
    | Deviation
)
METHODS: dict[str, type[Method]] = {
    m.name: m
    for m in (
        Ratio,
        InverseRatio,
        LinearOvershoot,
        Qualitative,
        StepDeduction,
        Bands,
        RateTimesWeight,
        PerOccurrence,
        Deviation,
    )
}


# ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Meta:
    """Who and what is evaluated, and on which policy basis."""

    id: str
    title: str
    unit: str  # 预算部门 / 单位
    year: int
    kind: Kind
    basis: str = ""  # the policy basis (文件依据) as the report states it
    total: Decimal = Decimal(100)  # the declared full score
    # Declared partial mode: why only some rows of the form are encoded ("原文只公开了预算执行率一行").
    # The total runs over the declared rows, their weights need not add up to ``total`` (the form's
    # full score), and no grade is claimed; every output says the result is partial.
    partial: str | None = None


class RateDisplay(enum.Enum):
    """How a rate is cut to ``rounding.rate_display`` for display (scores never use the shown
    rate)."""

    HALF_UP = "half_up"  # 四舍五入: 96.475% → 96.48%
    TRUNCATE = "truncate"  # 截尾 (toward zero): 96.479% → 96.47%, as some forms print


@attrs.frozen(kw_only=True)
class Rounding:
    """Declared rounding: quanta for indicator scores and the total; always half-up.

    ``rate_display`` and ``rate_display_mode`` only say how rates are *shown*
    (94.48%); every score is computed from the exact rate.
    """

    score: Decimal = Decimal("0.01")
    total: Decimal = Decimal("0.01")
    rate_display: Decimal = Decimal("0.01")  # precision of rates shown in %, e.g. 94.48%
    mode: str = "half_up"
    rate_display_mode: RateDisplay = RateDisplay.HALF_UP


@attrs.frozen(kw_only=True)
class OvershootDeduction:
    """按照偏离度适度调减分值: above ``threshold`` × target, every further ``per`` × target deducts
    ``deduct``."""

    threshold: Decimal  # a multiple of the target, e.g. 1.3
    per: Decimal  # a share of the target, e.g. 0.1 (every further 10 % of the target)
    deduct: Decimal  # points per step
    partial: PartialStep = PartialStep.FLOOR


@attrs.frozen(kw_only=True)
class Policy:
    """Declared choices where local practice differs (never hard-coded ``if``s)."""

    negative: NegativeRule = NegativeRule.INVERSE_RATIO
    equal_above: EqualAbove = EqualAbove.FULL
    overshoot_warning: Decimal | None = Decimal("1.3")
    overshoot_deduction: OvershootDeduction | None = None
    qualitative_default: QualitativeDefault = QualitativeDefault.TIER_TOP
    total_cap: bool = True  # bonus points never lift the total above meta.total
    weight_precision: WeightPrecision = WeightPrecision.ERROR


@attrs.frozen(kw_only=True)
class GradeBand:
    """A grade (等级) and the lowest total that earns it."""

    name: str
    min: Decimal


DEFAULT_GRADES: tuple[GradeBand, ...] = (
    GradeBand(name="优", min=Decimal(90)),
    GradeBand(name="良", min=Decimal(80)),
    GradeBand(name="中", min=Decimal(60)),
    GradeBand(name="差", min=Decimal(0)),
)


@attrs.frozen(kw_only=True)
class Tier:
    """A qualitative tier (定性档次) and the share of the weight it admits.

    A score ``s`` fits when ``min × weight ≤ s`` and ``s ≤ max × weight``
    (``<`` when ``max_inclusive`` is false).
    """

    name: str
    min: Decimal
    max: Decimal
    max_inclusive: bool = False
    aliases: tuple[str, ...] = ()


DEFAULT_TIER_WORDS: dict[str, tuple[str, ...]] = {
    "达成年度指标": (
        "达成",
        "达成预期指标",
        "达成预期目标",
        "达到预期",
        "达到预期目标",
        "达成目标",
        "已达成",
        "完成",
        "已完成",
        "全部完成",
        "完成目标",
        "达标",
        "已达标",
    ),
    "部分达成年度指标并具有一定效果": (
        "部分达成",
        "基本达成",
        "基本完成",
        "部分完成",
        "基本达标",
    ),
    "未达成年度指标且效果较差": ("未达成", "未完成", "未达标", "未达到预期"),
}
"""The words forms use for the three tiers of 财预〔2020〕10号 第十六条 (documented in docs/scoring.md)."""

DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier(
        name="达成年度指标",
        min=Decimal("0.8"),
        max=Decimal(1),
        max_inclusive=True,
        aliases=DEFAULT_TIER_WORDS["达成年度指标"],
    ),
    Tier(
        name="部分达成年度指标并具有一定效果",
        min=Decimal("0.6"),
        max=Decimal("0.8"),
        aliases=DEFAULT_TIER_WORDS["部分达成年度指标并具有一定效果"],
    ),
    Tier(
        name="未达成年度指标且效果较差",
        min=Decimal(0),
        max=Decimal("0.6"),
        aliases=DEFAULT_TIER_WORDS["未达成年度指标且效果较差"],
    ),
)


@attrs.frozen
class TierSynonyms:
    """More words for declared or default tiers, without redeclaring them.

    Written as a table keyed by tier name (``[tier_synonyms]`` /
    ``达成年度指标 = ["达成预期指标", "已完成"]``); frameworks and specs add
    words key by key. ``entries`` keeps the declaration order: (tier name,
    its words).
    """

    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def words(self) -> dict[str, str]:
        """Each declared word and the tier it names (the first declaration of a word wins)."""
        out: dict[str, str] = {}
        for tier, words in self.entries:
            for word in words:
                out.setdefault(word, tier)
        return out


@attrs.frozen(kw_only=True)
class StatedWords:
    """Words a form may give as the actual of a numeric target (达标, 已完成, 100%完成), declared.

    Without this declaration such an actual is refused. With it, an actuals entry
    ``{ stated = "达标", evidence = "验收报告（2023-05）" }`` of a quantitative indicator
    is scored as stated — ``met_share`` of the weight for a word of ``met``,
    ``not_met_share`` for one of ``not_met`` — never computed from a number, and every
    output marks it 「据陈述」 with its evidence.
    """

    met: tuple[str, ...] = ()
    not_met: tuple[str, ...] = ()
    met_share: Decimal = Decimal(1)  # of the weight: 1, full marks
    not_met_share: Decimal = Decimal(0)
    rule: RuleSource | None = None  # the rule that admits stated results, if the spec names one

    def meaning(self, word: str) -> bool | None:
        """``True`` for a declared met word, ``False`` for a not-met word, ``None`` otherwise."""
        if word in self.met:
            return True
        if word in self.not_met:
            return False
        return None


@attrs.frozen(kw_only=True)
class Category:
    """An indicator category: a top one (no parent) or one under another (``parent``), at most three
    levels.

    ``goal`` marks a top category as a 年度绩效目标 block (目标), whose children
    are the 一级 categories of that goal (docs/spec-format.md, "Categories").
    """

    id: str
    name: str
    weight: Decimal
    parent: str | None = None
    goal: bool = attrs.field(default=False, metadata={"digest_omit_default": True})
    # (left out of the spec's digest when false: the digests of specs without goal blocks are
    # unchanged)


@attrs.frozen(kw_only=True)
class Derivation:
    """An actual computed from amounts: numerator / denominator (× 100 when the unit is %)."""

    numerator: str
    denominator: str


@attrs.frozen(kw_only=True)
class RuleSource:
    """A rule's source as a spec declares it: document (with number) and the rule text."""

    document: str
    text: str = ""


@attrs.frozen(kw_only=True)
class Indicator:
    """A 三级 indicator: weight (分值), target (年度指标值) and scoring method."""

    id: str
    name: str
    category: str
    weight: Decimal
    target: QuantitativeTarget | None = None
    target_text: str | None = None  # 年度指标值 as the form words it
    method: Method | None = None  # None: the spec's default for the target
    derive: Derivation | Formula | None = None
    rule: RuleSource | None = None  # the rule text and document this indicator's scoring follows
    note: str | None = None  # 指标解释 / remarks, informational
    # where the indicator comes from (document, 绩效目标表), informational
    source: str | None = None
    # this indicator's score precision, instead of rounding.score (1: whole points)
    round_to: Decimal | None = None

    def score_quantum(self, default: Decimal) -> Decimal:
        """The quantum this indicator's score is rounded to: ``round_to``, else ``default``
        (rounding.score)."""
        return default if self.round_to is None else self.round_to

    @property
    def is_qualitative(self) -> bool:
        """Whether the indicator is scored by tier rather than by number."""
        if self.method is not None:
            return isinstance(self.method, Qualitative)
        return self.target is None

    @property
    def target_display(self) -> str:
        """What the 年度指标值 column shows."""
        if self.target_text is not None:
            return self.target_text
        return str(self.target) if self.target is not None else ""


@attrs.frozen(kw_only=True)
class BudgetExecution:
    """The budget-execution block (预算执行率) and how it scores.

    ``method`` (bands or steps on the rate in %, against a 100% target)
    replaces ``policy`` when given.
    """

    weight: Decimal = Decimal(10)
    policy: ExecutionPolicy = ExecutionPolicy.PROPORTIONAL
    base: ExecutionBase = ExecutionBase.FULL_YEAR
    name: str = "预算执行率"
    method: Bands | StepDeduction | None = None
    rule: RuleSource | None = None


@attrs.frozen(kw_only=True)
class BonusItem:
    """加分项: extra points up to ``cap``, each award with a reason in the actuals."""

    id: str
    name: str
    cap: Decimal
    rule: RuleSource | None = None


class VetoEffect(enum.Enum):
    """What a triggered veto (一票否决) does."""

    ZERO = "zero"  # the total becomes 0
    GRADE = "grade"  # the grade becomes ``grade`` (e.g. 差) whatever the total


@attrs.frozen(kw_only=True)
class Veto:
    """一票否决: a condition that, when the actuals trigger it, sets the total or the grade."""

    id: str
    name: str
    effect: VetoEffect = VetoEffect.GRADE
    grade: str | None = None  # for effect = grade: the grade it imposes (default: the lowest band)
    rule: RuleSource | None = None


@attrs.frozen(kw_only=True)
class FrameworkInfo:
    """Which shared framework (and which dated version of it) a spec was built from, and why."""

    id: str
    title: str
    file: str | None = None
    version: str | None = None  # the validity period chosen, e.g. "2024" or "2021–2023"
    reason: str | None = None  # why that version: "in force for 2024"


@attrs.frozen(kw_only=True)
class Spec:
    """A complete indicator system with its policies, ready to evaluate."""

    meta: Meta
    categories: tuple[Category, ...]
    indicators: tuple[Indicator, ...]
    budget_execution: BudgetExecution | None = None
    policy: Policy = Policy()
    rounding: Rounding = Rounding()
    grades: tuple[GradeBand, ...] = DEFAULT_GRADES
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    tier_synonyms: TierSynonyms = TierSynonyms()
    bonus: tuple[BonusItem, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    stated: StatedWords | None = None  # words admitted as the actual of a numeric target (据陈述)
    framework: FrameworkInfo | None = attrs.field(default=None, eq=False)
    source: SourceMap | None = attrs.field(default=None, eq=False, repr=False)

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (:class:`KeyError` if none)."""
        ind = find(self, "indicators", self.indicators, _id, indicator_id)
        if ind is None:
            raise KeyError(indicator_id)
        return ind

    def category(self, category_id: str) -> Category:
        """The category with this id (:class:`KeyError` if none)."""
        cat = find(self, "categories", self.categories, _id, category_id)
        if cat is None:
            raise KeyError(category_id)
        return cat

    def tier(self, name: str) -> Tier:
        """The qualitative tier called ``name``, one of its aliases or a declared synonym."""
        if len(self.tiers) <= SMALL and not self.tier_synonyms.entries:
            for tier in self.tiers:
                if name == tier.name or name in tier.aliases:
                    return tier
            raise KeyError(name)
        return cast(dict[str, Tier], cached(self, "tiers", self._tier_names))[name]

    def tier_words(self) -> tuple[str, ...]:
        """Every word that names a tier: names, aliases, then declared synonyms."""
        return tuple(cast(dict[str, Tier], cached(self, "tiers", self._tier_names)))

    def _tier_names(self) -> dict[str, Tier]:
        out: dict[str, Tier] = {}
        for tier in self.tiers:
            for key in (tier.name, *tier.aliases):
                out.setdefault(key, tier)
        by_name = {tier.name: tier for tier in self.tiers}
        for word, name in self.tier_synonyms.words().items():
            if name in by_name:  # a synonym of an unknown tier is a spec problem, not a name
                out.setdefault(word, by_name[name])
        return out


def _id(item: Indicator | Category) -> str:
    return item.id
