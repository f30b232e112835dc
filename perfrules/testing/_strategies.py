"""Hypothesis strategies: valid specs, valid actuals for a given spec, and (spec, actuals) cases.

Every spec :func:`specs` draws passes ``perfrules.check``; every actuals
:func:`actuals_for` draws pass ``perfrules.check(spec, actuals)``, so
``perfrules.evaluate`` never raises on them. All numbers stay within what the
TOML loader accepts (below 10^15, at most 10 decimal places), so the objects
also round-trip through ``dumps_spec``/``loads_spec`` and
``dumps_actuals``/``loads_actuals``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, NamedTuple, TypeVar

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from perfrules.core import validate_actuals, validate_spec
from perfrules.core.methods import CATALOGUE, MethodRule, UnknownMethod, rule_named, rule_of
from perfrules.model import (
    DEFAULT_GRADES,
    DEFAULT_TIERS,
    Actuals,
    Amount,
    Band,
    BandBasis,
    Bands,
    BonusAward,
    BonusItem,
    BudgetAmounts,
    BudgetExecution,
    BudgetLine,
    Category,
    Comparator,
    Deduction,
    Derivation,
    Deviation,
    DeviationBand,
    DeviationTarget,
    EqualAbove,
    ExecutionBase,
    ExecutionPolicy,
    Formula,
    GradeBand,
    Indicator,
    IndicatorActual,
    InverseRatio,
    Kind,
    LinearOvershoot,
    Meta,
    Method,
    NegativeRule,
    OvershootDeduction,
    PartialStep,
    PerOccurrence,
    Policy,
    Qualitative,
    QualitativeDefault,
    QuantitativeTarget,
    RateTimesWeight,
    Ratio,
    Rounding,
    RuleSource,
    Spec,
    StatedWords,
    StepDeduction,
    Tier,
    Veto,
    VetoEffect,
    VetoTrigger,
    WeightPrecision,
)
from perfrules.testing._numbers import formula_value, simple_ratio, to_decimal
from perfrules.testing._rules import (
    boundary_values,
    budget_boundary_rates,
    budget_tie_rates,
    tie_values,
)

METHOD_NAMES: tuple[str, ...] = tuple(rule.name for rule in CATALOGUE)
"""The scoring methods :func:`specs` can use — every method of the catalogue
(:mod:`perfrules.core.methods`): ``ratio``, ``inverse_ratio``, ``linear_overshoot``,
``qualitative``, ``step``, ``bands``, ``rate``, ``per_occurrence``, ``deviation``."""

BUDGET_KINDS: tuple[str, ...] = ("proportional", "round_whole", "bands", "step")
"""How a generated 预算执行率 row scores: one of the two policies, or a bands/step method on the rate."""

DERIVABLE = frozenset(rule.name for rule in CATALOGUE if not rule.qualitative and not rule.counts)
"""The methods whose actual can be derived from amounts: a number, not a tier or a count."""

T = TypeVar("T")


class Case(NamedTuple):
    """A valid spec and valid actuals for it (unpacks as ``spec, actuals = case``)."""

    spec: Spec
    actuals: Actuals


# ---------------------------------------------------------------------------
# argument validation (hypothesis style: InvalidArgument saying what is wrong)


def _tri_state(name: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise InvalidArgument(
            f"{name}={value!r} must be True (always), False (never) or None (sometimes)"
        )
    return value


def _int_arg(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an int, not {type(value).__name__}")
    if not lo <= value <= hi:
        raise InvalidArgument(f"{name}={value} must be between {lo} and {hi}")
    return value


def _names_arg(name: str, value: object, allowed: Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidArgument(
            f"{name}={value!r} is a single string; pass a "
            f"collection of names, e.g. {name}=[{value!r}]"
        )
    if not isinstance(value, Collection):
        raise InvalidArgument(
            f"{name}={value!r} must be a collection of names from {list(allowed)}"
        )
    items = list(value)
    for item in items:
        if not isinstance(item, str) or item not in allowed:
            raise InvalidArgument(f"{name} contains {item!r}, which is not one of {list(allowed)}")
    if not items:
        raise InvalidArgument(f"{name} is empty; give at least one of {list(allowed)}")
    return tuple(dict.fromkeys(items))


def _total_arg(value: object) -> Decimal | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or isinstance(value, float)
        or not isinstance(value, int | Decimal | str)
    ):
        raise InvalidArgument(
            f"total={value!r} must be an int, a Decimal or "
            "a decimal string such as '99.5' (never a float)"
        )
    try:
        total = Decimal(value)
    except InvalidOperation:
        raise InvalidArgument(f"total={value!r} is not a number") from None
    if not total.is_finite() or not Decimal(10) <= total <= Decimal(10**6):
        raise InvalidArgument(f"total={value!r} must lie between 10 and 1000000")
    if total != total.quantize(Decimal("0.01")):
        raise InvalidArgument(f"total={value!r} has more than 2 decimal places")
    return total


# ---------------------------------------------------------------------------
# small pieces

UNITS = ["", "%", "期", "万条", "次", "个", "篇", "天", "万元"]
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_-.指标率"
free_text = st.text(max_size=12)  # any character TOML strings carry
maybe_text = st.none() | free_text
ids = st.text(alphabet=ID_ALPHABET, min_size=1, max_size=10)
reasons = st.builds(
    lambda head, tail: head + tail, st.sampled_from(["原因：", "因", "r"]), free_text
)

positive_decimals = st.one_of(
    st.integers(1, 1000).map(Decimal),
    st.integers(1, 100_000).map(lambda n: Decimal(n).scaleb(-2)),
    st.integers(1, 10_000).map(lambda n: Decimal(n).scaleb(-1)),
)
target_values = st.one_of(
    st.sampled_from(
        [
            Decimal(0),
            Decimal(100),
            Decimal(95),
            Decimal(90),
            Decimal(400),
            Decimal(1),
            Decimal("2.5"),
        ]
    ),
    positive_decimals,
)


def _pick(draw: st.DrawFn, options: Sequence[T]) -> T:
    """One of ``options``, shrinking toward the first."""
    return options[draw(st.integers(0, len(options) - 1))]


def _chance(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in ``one_in`` draws; shrinks toward False (the simpler case)."""
    return draw(st.integers(0, one_in - 1)) == one_in - 1


def _decimal_value(draw: st.DrawFn, max_value: int, places: int) -> Decimal:
    return Decimal(draw(st.integers(0, max_value * 10**places))).scaleb(-places)


def _d(value: Fraction) -> Decimal:
    dec = to_decimal(value)
    assert dec is not None, value
    return dec


def _partition(draw: st.DrawFn, total_units: int, parts: int, min_units: int) -> list[int]:
    """``parts`` integers ≥ ``min_units`` adding up to ``total_units``."""
    extra = total_units - parts * min_units
    assert extra >= 0
    cuts = sorted(draw(st.lists(st.integers(0, extra), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, extra]
    return [min_units + b - a for a, b in zip(edges, edges[1:], strict=False)]


def _sizes(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    """``parts`` integers ≥ 1 adding up to ``total``."""
    return _partition(draw, total, parts, 1)


# ---------------------------------------------------------------------------
# specs


@dataclass(frozen=True)
class _SpecConfig:
    methods: tuple[str, ...]
    budget: bool | None
    budget_kinds: tuple[str, ...]
    min_indicators: int
    max_indicators: int
    total: Decimal | None
    derived: bool | None
    bonus: bool | None
    vetoes: bool | None
    overshoot_deduction: bool | None
    custom_tiers: bool | None
    deep: bool | None = False
    stated: bool | None = None
    round_to: bool | None = None
    weight_precision: bool | None = None


def specs(
    *,
    methods: Collection[str] | None = None,
    budget_execution: bool | Collection[str] | None = None,
    min_indicators: int = 1,
    max_indicators: int = 8,
    total: Decimal | int | str | None = None,
    derived: bool | None = None,
    bonus: bool | None = None,
    vetoes: bool | None = None,
    overshoot_deduction: bool | None = None,
    custom_tiers: bool | None = None,
    deep: bool | None = False,
    stated: bool | None = False,
    round_to: bool | None = None,
    weight_precision: bool | None = None,
) -> st.SearchStrategy[Spec]:
    """Valid specs mixing the rule catalogue's scoring methods.

    * ``methods`` — the methods indicators may use (default: all of
      :data:`METHOD_NAMES`); ``"ratio"`` covers both an explicit ``ratio``
      and no method. ``inverse_ratio``/``linear_overshoot`` get ``≤``/``<``
      targets; ``qualitative`` indicators get weights whose every tier holds a
      score on the rounding grid.
    * ``budget_execution`` — ``None``: sometimes a 预算执行率 row; ``True``:
      always; ``False``: never; or a collection of :data:`BUDGET_KINDS`
      (always, scoring by one of them).
    * ``min_indicators``/``max_indicators`` — how many 三级 indicators (1–60).
    * ``total`` — ``meta.total`` exactly (10 to 1000000, at most 2 decimal
      places); default: 100 or any other declared total.
    * ``derived``, ``bonus``, ``vetoes``, ``overshoot_deduction``,
      ``custom_tiers`` — ``None``: sometimes; ``True``: always (at least one
      derived indicator, bonus item, veto; a declared overshoot deduction;
      tiers other than the default three); ``False``: never.
    * ``deep`` — a deeper category tree: 年度绩效目标 blocks (``goal = true``)
      above the 一级 categories, or 三级 categories under 二级 ones holding
      四级 indicators. ``False`` (the default): the 一级/二级 tree;
      ``True``: always one of the two; ``None``: sometimes.
    * ``stated`` — a ``[stated]`` declaration: the words that count as met /
      not met when a numeric row's actual is stated in words (据陈述), with
      their shares of the weight and sometimes a rule. ``False`` (the
      default): never; ``True``: always; ``None``: sometimes.
    * ``round_to`` — indicators with a score quantum of their own
      (``round_to``, in place of ``rounding.score``): a power of ten from
      0.001 to 10 that divides the weight, coarser or finer than
      ``rounding.score`` or equal to it, in several spellings (``1``,
      ``1.0``, ``1E+1``). ``None`` (the default): sometimes, on some rows; ``True``:
      on at least one row; ``False``: never.
    * ``weight_precision`` — a declared ``policy.weight_precision = "allow"``:
      weights finer than the quantum their row is rounded to (4.5 at whole
      points, 2.25 at 0.1, a budget row of 12.25), the rule applied as
      written (a met 4.5 scores 5). ``None`` (the default): in about one spec
      in four, then on some rows; ``True``: in every spec; ``False``: never
      (``"error"``, every weight on its row's grid).

    Weights are multiples of the score quantum (unless ``"allow"`` is
    declared) and add up exactly (each
    category's children to it, the top categories and the budget row to
    ``meta.total``); band tables cover every value ≥ 0 exactly once; grades,
    tiers and rounding are valid.
    """
    chosen = METHOD_NAMES if methods is None else _names_arg("methods", methods, METHOD_NAMES)
    if budget_execution is None or isinstance(budget_execution, bool):
        budget, kinds = budget_execution, BUDGET_KINDS
    else:
        budget, kinds = True, _names_arg("budget_execution", budget_execution, BUDGET_KINDS)
    lo = _int_arg("min_indicators", min_indicators, 1, 60)
    hi = _int_arg("max_indicators", max_indicators, 1, 60)
    if lo > hi:
        raise InvalidArgument(f"min_indicators={lo} is above max_indicators={hi}")
    for name in chosen:
        # a catalogue method the kit cannot generate raises, never drawn as another
        _method_draw(name)
    derived_ = _tri_state("derived", derived)
    if derived_ and not DERIVABLE & set(chosen):
        raise InvalidArgument(
            "derived=True needs a method whose actual can "
            f"be derived from amounts ({sorted(DERIVABLE)}); "
            f"methods={list(chosen)} has none"
        )
    cfg = _SpecConfig(
        methods=chosen,
        budget=budget,
        budget_kinds=kinds,
        min_indicators=lo,
        max_indicators=hi,
        total=_total_arg(total),
        derived=derived_,
        bonus=_tri_state("bonus", bonus),
        vetoes=_tri_state("vetoes", vetoes),
        overshoot_deduction=_tri_state("overshoot_deduction", overshoot_deduction),
        custom_tiers=_tri_state("custom_tiers", custom_tiers),
        deep=_tri_state("deep", deep),
        stated=_tri_state("stated", stated),
        round_to=_tri_state("round_to", round_to),
        weight_precision=_tri_state("weight_precision", weight_precision),
    )
    return _spec(cfg)


def _flag(draw: st.DrawFn, setting: bool | None, one_in: int = 2) -> bool:
    return setting if setting is not None else _chance(draw, one_in)


@st.composite
def _spec(draw: st.DrawFn, cfg: _SpecConfig) -> Spec:
    # policy.weight_precision = "allow" in about one spec in four: weights finer than their row's
    # quantum (the budget row's, the weight grid's, a row's own round_to) are drawn only then
    allow = _flag(draw, cfg.weight_precision, 4)
    # the budget row first: its weight comes off the total
    budget_kind = _pick(draw, cfg.budget_kinds) if _flag(draw, cfg.budget) else None
    budget_weight = Decimal(0)
    if budget_kind is not None:
        options = [Decimal(w) for w in (5, 10, 15, 20)]
        if allow:  # finer than whole points (round_whole) and than 0.1
            options += [Decimal(w) for w in ("7.5", "12.25", "4.5", "2.05")]
        if cfg.total is not None:
            options = [w for w in options if w <= cfg.total / 2]
        budget_weight = _pick(draw, options)

    qual_only = all(_is_qualitative(m) for m in cfg.methods)
    n_inds = draw(st.integers(cfg.min_indicators, cfg.max_indicators))
    fixed_total = cfg.total
    if fixed_total is None and draw(st.booleans()):
        fixed_total = Decimal(100)  # the usual full score
    # precision: granularity g of the weights, score quantum q (g is a multiple of q)
    grids = [
        (Decimal(g), Decimal(q))
        for g, qs in (("0.01", ["0.01"]), ("0.5", ["0.01", "0.1"]), ("1", ["0.01", "0.1", "1"]))
        for q in qs
    ]

    def min_units(g: Decimal, q: Decimal) -> int:
        # a qualitative weight ≥ 5 quanta fits every tier
        return math.ceil(5 * q / g) if qual_only else 1

    # under "allow": weight grids finer than the score quantum (4.5 at whole points, 2.25 at 0.1),
    # each a multiple of 0.01 so that any total stays on the 0.01 grid
    fine = [
        (Decimal(g), Decimal(q))
        for g, q in (("0.5", "1"), ("0.25", "1"), ("0.25", "0.1"), ("0.05", "0.1"), ("0.01", "1"))
    ]

    def fits(grid: list[tuple[Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
        if fixed_total is None:
            return grid
        rest = fixed_total - budget_weight
        return [(g, q) for g, q in grid if rest % g == 0 and rest / g >= n_inds * min_units(g, q)]

    grids = (allow and fits(fine)) or fits(grids)
    g, q = _pick(draw, grids)  # (0.01, 0.01) always fits
    mu = min_units(g, q)
    if fixed_total is not None:
        units = _partition(draw, int((fixed_total - budget_weight) / g), n_inds, mu)
    else:
        units = [draw(st.integers(mu, max(mu, int(Decimal(30) / g)))) for _ in range(n_inds)]
    if allow and g < q and all((g * u) % q == 0 for u in units):
        # every weight happened to land on the quantum: move one grid step between two rows (or
        # add one to a free total), so that the spec has rows finer than their quantum
        give = [i for i, u in enumerate(units) if u > mu]
        if fixed_total is None:
            units[0] += 1
        elif give and n_inds > 1:
            a = give[0]
            units[a] -= 1
            units[a - 1] += 1  # another row (a - 1 is the last one when a = 0)
    weights = [g * u for u in units]
    total = fixed_total if fixed_total is not None else sum(weights, Decimal(0)) + budget_weight
    total_quanta = [x for x in (Decimal("0.01"), q) if total % x == 0]
    rounding = Rounding(
        score=q,
        total=_pick(draw, total_quanta),
        rate_display=Decimal(_pick(draw, ["0.01", "0.1", "1"])),
    )

    # category tree: 一级 categories, some with 二级 children; leaves hold the indicators
    n_leaves = draw(st.integers(1, min(n_inds, 6)))
    n_tops = draw(st.integers(1, min(n_leaves, 3)))
    groups = _sizes(draw, n_leaves, n_tops)
    has_kids = [size > 1 or draw(st.booleans()) for size in groups]
    n_cats = sum(size + 1 if kids else 1 for size, kids in zip(groups, has_kids, strict=True))
    deep = _flag(draw, cfg.deep, 3)
    cat_ids = draw(
        st.lists(ids, min_size=n_cats + 6 * deep, max_size=n_cats + 6 * deep, unique=True)
    )
    it_ids = iter(cat_ids)
    tops: list[tuple[str, list[str]]] = []
    for size, kids in zip(groups, has_kids, strict=True):
        top = next(it_ids)
        tops.append((top, [next(it_ids) for _ in range(size)] if kids else []))
    leaves = [leaf for top, kids in tops for leaf in (kids or [top])]
    parent_of: dict[str, str | None] = {}
    order: list[str] = []  # the categories as the spec lists them (before any shuffle)
    for top, below in tops:
        parent_of[top] = None
        order.append(top)
        for k in below:
            parent_of[k] = top
            order.append(k)
    goals: list[str] = []
    if deep:
        spare = list(it_ids)  # six ids no category has yet
        splittable = [k for k in leaves if parent_of[k] is not None]
        if splittable and len(leaves) < n_inds and draw(st.booleans()):
            # 三级 categories under 二级 ones; their indicators are 四级 (the first split always)
            for n, k in enumerate(splittable):
                room = min(2, n_inds - len(leaves) + 1, len(spare))
                if room < 1 or (n and not draw(st.booleans())):
                    continue
                subs = [spare.pop() for _ in range(draw(st.integers(1, room)))]
                for c in subs:
                    parent_of[c] = k
                    order.append(c)
                at = leaves.index(k)
                leaves[at : at + 1] = subs
        else:  # 年度绩效目标 blocks above the 一级 categories
            n_goals = draw(st.integers(1, min(2, len(tops))))
            at = 0
            for size in _sizes(draw, len(tops), n_goals):
                goal = spare.pop()
                goals.append(goal)
                parent_of[goal] = None
                for top, _ in tops[at : at + size]:
                    parent_of[top] = goal
                at += size
            order = goals + order
    per_leaf = _sizes(draw, n_inds, len(leaves))

    # tiers before the indicators: qualitative weights must fit them
    tiers = _tiers(draw) if _flag(draw, cfg.custom_tiers, 5) else DEFAULT_TIERS

    forced_derived = draw(st.integers(0, n_inds - 1)) if cfg.derived else None
    # rows with a score quantum of their own: in about one spec in three, then on about half its
    # rows (round_to=True: on one row at least)
    own_quanta = _flag(draw, cfg.round_to, 3)
    forced_round_to = draw(st.integers(0, n_inds - 1)) if cfg.round_to else None
    shared: dict[str, str] = {}  # shared denominators of derived indicators, by form
    ind_ids = draw(st.lists(ids, min_size=n_inds, max_size=n_inds, unique=True))
    indicators: list[Indicator] = []
    leaf_weight: dict[str, Decimal] = {}
    position = 0
    for leaf, count in zip(leaves, per_leaf, strict=True):
        for _ in range(count):
            weight = weights[position]
            indicators.append(
                _indicator(
                    draw,
                    cfg,
                    position,
                    ind_ids[position],
                    leaf,
                    weight,
                    q,
                    forced=position == forced_derived,
                    shared=shared,
                    budget=budget_kind is not None,
                    own_quantum=position == forced_round_to or (own_quanta and draw(st.booleans())),
                    allow=allow,
                )
            )
            leaf_weight[leaf] = leaf_weight.get(leaf, Decimal(0)) + weight
            position += 1

    children: dict[str, list[str]] = {}
    for c in order:
        parent = parent_of[c]
        if parent is not None:
            children.setdefault(parent, []).append(c)

    def weight_of(cat: str) -> Decimal:
        kids = children.get(cat)
        return sum((weight_of(k) for k in kids), Decimal(0)) if kids else leaf_weight[cat]

    categories: list[Category] = [
        Category(
            id=c, name=draw(free_text), weight=weight_of(c), parent=parent_of[c], goal=c in goals
        )
        for c in order
    ]
    if draw(st.booleans()):  # any order: a 二级 may come before its 一级
        categories = list(draw(st.permutations(categories)))
    if draw(st.booleans()):
        indicators = list(draw(st.permutations(indicators)))

    od = None
    if _flag(draw, cfg.overshoot_deduction, 4):
        od = OvershootDeduction(
            threshold=Decimal(_pick(draw, ["1.3", "1", "1.2", "1.5"])),
            per=Decimal(_pick(draw, ["0.1", "0.05", "0.2", "0.25"])),
            deduct=_pick(
                draw, [d for d in map(Decimal, ["0.5", "1", "0.25", "0.1", "2"]) if d % q == 0]
            ),
            partial=_pick(draw, list(PartialStep)),
        )
    policy = Policy(
        negative=_pick(draw, list(NegativeRule)),
        equal_above=_pick(draw, list(EqualAbove)),
        overshoot_warning=_pick(draw, [Decimal("1.3"), None, Decimal("1.2"), Decimal("1.5")]),
        overshoot_deduction=od,
        qualitative_default=_pick(draw, list(QualitativeDefault)),
        total_cap=draw(st.booleans()),
        weight_precision=WeightPrecision.ALLOW if allow else WeightPrecision.ERROR,
    )
    grades = _grades(draw, total)
    block = _budget_block(draw, budget_kind, budget_weight, q) if budget_kind is not None else None
    bonus: list[BonusItem] = []
    if _flag(draw, cfg.bonus, 3):
        n = draw(st.integers(1, 2))
        caps = [c for c in (Decimal(1), Decimal(2), Decimal("0.5"), Decimal(3), q) if c % q == 0]
        bonus = [
            BonusItem(id=bid, name=draw(free_text), cap=_pick(draw, caps), rule=_rule(draw))
            for bid in draw(st.lists(ids, min_size=n, max_size=n, unique=True))
        ]
    vetoes: list[Veto] = []
    if _flag(draw, cfg.vetoes, 3):
        n = draw(st.integers(1, 2))
        for vid in draw(st.lists(ids, min_size=n, max_size=n, unique=True)):
            effect = _pick(draw, list(VetoEffect))
            grade = None
            if effect is VetoEffect.GRADE and draw(st.booleans()):
                grade = _pick(draw, [g.name for g in reversed(grades)])
            vetoes.append(
                Veto(id=vid, name=draw(free_text), effect=effect, grade=grade, rule=_rule(draw))
            )
    meta = Meta(
        id=draw(ids),
        title=draw(free_text),
        unit=draw(free_text),
        year=draw(st.integers(2000, 2035)),
        kind=_pick(draw, list(Kind)),
        basis=draw(free_text),
        total=total,
    )
    return Spec(
        meta=meta,
        categories=tuple(categories),
        indicators=tuple(indicators),
        budget_execution=block,
        policy=policy,
        rounding=rounding,
        grades=grades,
        tiers=tiers,
        bonus=tuple(bonus),
        vetoes=tuple(vetoes),
        stated=_stated_words(draw) if _flag(draw, cfg.stated, 4) else None,
    )


STATED_MET: tuple[str, ...] = ("达标", "已完成", "100%完成", "全部完成", "met")
STATED_NOT_MET: tuple[str, ...] = ("未达标", "未完成", "部分完成", "not met")


def _stated_words(draw: st.DrawFn) -> StatedWords:
    """A valid ``[stated]`` declaration: disjoint word lists, at least one word, 0 ≤ not met ≤
    met ≤ 1."""
    met = draw(st.lists(st.sampled_from(STATED_MET), max_size=3, unique=True))
    not_met = draw(
        st.lists(st.sampled_from(STATED_NOT_MET), min_size=0 if met else 1, max_size=2, unique=True)
    )
    met_share = _pick(draw, [Decimal(1), Decimal("0.9"), Decimal("0.8"), Decimal("0.5")])
    not_met_share = _pick(
        draw, [s for s in (Decimal(0), Decimal("0.5"), Decimal("0.25")) if s <= met_share]
    )
    return StatedWords(
        met=tuple(met),
        not_met=tuple(not_met),
        met_share=met_share,
        not_met_share=not_met_share,
        rule=_rule(draw),
    )


def _rule(draw: st.DrawFn) -> RuleSource | None:
    if _chance(draw, 4):
        return RuleSource(document=draw(free_text), text=draw(free_text))
    return None


def _tiers(draw: st.DrawFn) -> tuple[Tier, ...]:
    """Custom tiers: cuts at multiples of 0.2, so every tier spans at least 20% of the weight."""
    cuts = sorted(
        draw(st.sets(st.sampled_from(["0.2", "0.4", "0.6", "0.8"]), min_size=1, max_size=3)),
        key=Decimal,
    )
    edges = [Decimal(0), *(Decimal(c) for c in cuts), Decimal(1)]
    n = len(edges) - 1
    names = draw(
        st.lists(
            st.sampled_from(["优秀", "良好", "合格", "基本合格", "不合格", "较差"]),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    top_inclusive = not _chance(draw, 8)  # rarely a top tier that stops short of the full weight
    tiers = []
    for i in range(n):  # the top tier first
        lo, hi = edges[n - 1 - i], edges[n - i]
        alias = (f"{names[i]}档",) if draw(st.booleans()) else ()
        tiers.append(
            Tier(
                name=names[i], min=lo, max=hi, max_inclusive=i == 0 and top_inclusive, aliases=alias
            )
        )
    return tuple(tiers)


def _grades(draw: st.DrawFn, total: Decimal) -> tuple[GradeBand, ...]:
    options = ["random"]
    if total >= 90:
        options.insert(0, "default")
    if total >= 80:
        options.append("80/70/60")
    choice = _pick(draw, options)
    if choice == "default":
        return DEFAULT_GRADES
    if choice == "80/70/60":
        return tuple(
            GradeBand(name=n, min=Decimal(m))
            for n, m in zip("优良中差", [80, 70, 60, 0], strict=True)
        )
    picks = draw(st.lists(st.integers(1, int(total * 100)), max_size=3, unique=True))
    mins = [Decimal(p).scaleb(-2) for p in sorted(picks, reverse=True)] + [Decimal(0)]
    names = draw(st.lists(free_text, min_size=len(mins), max_size=len(mins), unique=True))
    return tuple(GradeBand(name=n, min=m) for n, m in zip(names, mins, strict=True))


def _indicator(
    draw: st.DrawFn,
    cfg: _SpecConfig,
    index: int,
    ind_id: str,
    category: str,
    weight: Decimal,
    q: Decimal,
    *,
    forced: bool,
    shared: dict[str, str],
    budget: bool,
    own_quantum: bool = False,
    allow: bool = False,
) -> Indicator:
    options = [m for m in cfg.methods if not _is_qualitative(m) or weight >= 5 * q]
    if forced:
        options = [m for m in options if m in DERIVABLE]
    name = _pick(draw, options)
    common: dict[str, Any] = {
        "id": ind_id,
        "name": draw(free_text),
        "category": category,
        "weight": weight,
        "note": draw(maybe_text),
        "rule": _rule(draw),
    }
    if own_quantum:
        common["round_to"] = _round_to(draw, weight, qualitative=_is_qualitative(name), allow=allow)
    rule, make = _method_draw(name)
    if rule.qualitative:
        target_text = draw(free_text)
        method, _ = make(
            draw, _Draft(cmp=Comparator.EQ, unit="", value=Decimal(0), weight=weight, q=q)
        )
        return Indicator(target_text=target_text, method=method, **common)
    derive: Derivation | Formula | None = None
    if name in DERIVABLE and (forced or (cfg.derived is None and _chance(draw, 5))):
        derive = _derive(draw, index, shared, budget)
    cmp = _pick(draw, list(Comparator))
    unit = _pick(draw, ["%", ""]) if derive is not None else _pick(draw, UNITS)
    value = draw(target_values)
    method, got = make(draw, _Draft(cmp=cmp, unit=unit, value=value, weight=weight, q=q))
    cmp, unit, value = got.cmp, got.unit, got.value
    target = (
        QuantitativeTarget(comparator=cmp, value=value, unit=unit)
        if got.tolerance is None
        else DeviationTarget.of(value, got.tolerance, unit, inclusive=got.inclusive)
    )
    return Indicator(
        target=target,
        target_text=draw(maybe_text),
        method=method,
        derive=derive,
        source=draw(maybe_text),
        **common,
    )


ROUND_TO_SPELLINGS: dict[Decimal, tuple[str, ...]] = {
    Decimal(1): ("1", "1.0", "1.00"),
    Decimal("0.1"): ("0.1", "0.10"),
    Decimal("0.01"): ("0.01", "0.010"),
    Decimal("0.001"): ("0.001", "0.0010"),
    Decimal(10): ("10", "1E+1", "10.0"),
}
"""The quanta a drawn ``round_to`` takes (powers of ten, as the spec format requires), each in the
spellings a Decimal keeps apart (its exponent: ``1.0`` is not ``1``, ``1E+1`` not ``10``; ``1E-1``
is ``0.1``): equal values, written apart."""


def _round_to(
    draw: st.DrawFn, weight: Decimal, *, qualitative: bool, allow: bool = False
) -> Decimal:
    """An indicator's own score quantum: a power of ten that divides ``weight`` (so a met target
    keeps its full weight; under ``allow``, any: a 4.5 rounded to whole points, a 5 to tens) and,
    for a qualitative row, leaves a score in every tier (weight ≥ 5 quanta; tiers span ≥ 20% of
    the weight). ``rounding.score`` always qualifies: there is one."""
    fits = [
        r
        for r in ROUND_TO_SPELLINGS
        if (allow or weight % r == 0) and (not qualitative or weight >= 5 * r)
    ]
    quantum = _pick(draw, fits)
    return Decimal(_pick(draw, ROUND_TO_SPELLINGS[quantum]))


@dataclass(frozen=True)
class _Draft:
    """A quantitative indicator's target as drawn so far; a method's draw may redraw it to suit
    the method."""

    cmp: Comparator
    unit: str
    value: Decimal
    weight: Decimal
    q: Decimal  # the score quantum
    # a deviation target's tolerance (in %): the target is plan±tolerance
    tolerance: Decimal | None = None
    inclusive: bool = True  # whether a deviation equal to the tolerance is within it


_MethodDraw = Callable[[st.DrawFn, _Draft], tuple[Method | None, _Draft]]


def _draw_ratio(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    return _pick(draw, [None, Ratio()]), d  # no method: the default for a target


def _draw_inverse_ratio(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    # ≤/< targets only
    return InverseRatio(), replace(d, cmp=_pick(draw, [Comparator.LE, Comparator.LT]))


def _draw_linear_overshoot(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    # ≤/< targets only
    return LinearOvershoot(), replace(d, cmp=_pick(draw, [Comparator.LE, Comparator.LT]))


def _draw_qualitative(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    return _pick(draw, [None, Qualitative()]), d  # no method: the default without a target


def _draw_step(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    per_options = [Decimal(1), Decimal("0.5"), Decimal(2), Decimal(5), Decimal(10), Decimal("0.1")]
    method = StepDeduction(
        per=_pick(draw, per_options),
        deduct=_pick(
            draw,
            [Decimal("0.5"), Decimal(1), Decimal("0.25"), Decimal(2), Decimal("0.3"), d.weight],
        ),
        partial=_pick(draw, list(PartialStep)),
        start=_draw_start(draw, d.cmp.direction, d.value),
    )
    return method, d


def _draw_start(draw: st.DrawFn, direction: str, target: Decimal) -> Decimal | None:
    """Sometimes a start point (起扣点) on the lenient side of the target: below ≥, above ≤."""
    if direction == "equal" or not _chance(draw, 3):
        return None
    gap = _pick(draw, [Decimal(10), Decimal(0), Decimal(5), Decimal("0.5"), Decimal(1)])
    start = target - gap if direction == "positive" else target + gap
    return start if start >= 0 else Decimal(0)


def _draw_bands(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    on = _pick(draw, list(BandBasis)) if d.value > 0 else BandBasis.ACTUAL
    return Bands(bands=_band_table(draw, d.weight, d.q, Fraction(d.value), on), on=on), d


def _draw_rate(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    unit = _pick(draw, ["%", ""])
    if unit == "%":
        value = _pick(
            draw,
            [Decimal(90), Decimal(100), Decimal(95), Decimal(80), _decimal_value(draw, 100, 1)],
        )
    else:
        value = _pick(draw, [Decimal("0.9"), Decimal(1), Decimal("0.95"), Decimal("0.8")])
    cmp = _pick(draw, [Comparator.GE, *Comparator])
    return RateTimesWeight(), replace(d, cmp=cmp, unit=unit, value=value)


def _draw_per_occurrence(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    unit = _pick(draw, ["例", "次", ""])
    cmp = _pick(draw, [Comparator.EQ, Comparator.LE, Comparator.LT, Comparator.GE])
    value = _pick(draw, [Decimal(0), Decimal(1), Decimal(2)])
    method = PerOccurrence(
        deduct=_pick(draw, [Decimal(1), Decimal("0.5"), Decimal(2), Decimal("0.25"), d.weight])
    )
    return method, replace(d, cmp=cmp, unit=unit, value=value)


def _draw_deviation(draw: st.DrawFn, d: _Draft) -> tuple[Method | None, _Draft]:
    """A deviation target (plan ± tolerance, plan > 0) and a table of shares by deviation."""
    plan = d.value if d.value > 0 else _pick(draw, [Decimal(100), Decimal(120), Decimal("0.5")])
    tolerance = _pick(draw, [Decimal(5), Decimal(10), Decimal(2), Decimal(0), Decimal(20)])
    # shares on a 0.1 grid (any of them may make share × weight finer than the score quantum)
    table = _band_table(draw, Decimal(1), Decimal("0.1"), Fraction(plan), BandBasis.DEVIATION)
    bands = tuple(
        DeviationBand(
            share=b.score,
            min=b.min,
            max=b.max,
            min_inclusive=b.min_inclusive,
            max_inclusive=b.max_inclusive,
        )
        for b in table
    )
    return Deviation(shares=bands), replace(
        d, cmp=Comparator.EQ, value=plan, tolerance=tolerance, inclusive=draw(st.booleans())
    )


_METHOD_DRAWS: dict[type, _MethodDraw] = {
    Ratio: _draw_ratio,
    InverseRatio: _draw_inverse_ratio,
    LinearOvershoot: _draw_linear_overshoot,
    Qualitative: _draw_qualitative,
    StepDeduction: _draw_step,
    Bands: _draw_bands,
    RateTimesWeight: _draw_rate,
    PerOccurrence: _draw_per_occurrence,
    Deviation: _draw_deviation,
}
"""How the kit draws each catalogue method's parameters (and the targets that suit it), by method
class."""


def _is_qualitative(name: str) -> bool:
    rule = rule_named(name)
    return rule is not None and rule.qualitative


def _method_draw(name: str) -> tuple[MethodRule[Any], _MethodDraw]:
    """The catalogue rule called ``name`` and the kit's draw of it; :class:`UnknownMethod` if the
    kit has none."""
    rule = rule_named(name)
    make = _METHOD_DRAWS.get(rule.cls) if rule is not None else None
    if rule is None or make is None:
        raise UnknownMethod(
            f"the testing kit cannot generate scoring method {name!r}: add its draw to "
            "perfrules.testing._strategies._METHOD_DRAWS (it is never generated as another method)"
        )
    return rule, make


def _derive(
    draw: st.DrawFn, index: int, shared: dict[str, str], budget: bool
) -> Derivation | Formula:
    forms = ["table", "formula", "sum"] + (["budget"] if budget else [])
    form = _pick(draw, forms)
    if form == "budget":  # an indicator computed from the budget figures
        return Formula.parse(
            _pick(draw, ["budget.spent / budget.full_year", "budget.spent/budget.full_year"])
        )
    if form == "table":
        den = shared.setdefault("table", f"{index}/den") if draw(st.booleans()) else f"{index}/den"
        return Derivation(numerator=f"{index}/num", denominator=den)
    den = shared.setdefault("formula", f"d{index}") if draw(st.booleans()) else f"d{index}"
    if form == "sum":
        return Formula.parse(f"(n{index} + m{index}) / {den}")
    return Formula.parse(f"n{index} / {den}")


def _band_table(
    draw: st.DrawFn, weight: Decimal, q: Decimal, t: Fraction, on: BandBasis
) -> tuple[Band, ...]:
    """A band table covering every value ≥ 0 exactly once, edges near the target."""
    if on is BandBasis.DEVIATION:
        candidates = [Fraction(x) for x in (5, 10, 20, 30, 15, 50)]
    elif t > 0:
        candidates = [
            t * Fraction(f) for f in ("0.9", "1", "0.8", "0.6", "1.1", "0.7", "1.2", "0.5", "1.5")
        ]
    else:
        candidates = [Fraction(x) for x in (1, 5, 10, "0.5", 50, 100)]
    picked = draw(st.lists(st.sampled_from(candidates), max_size=4, unique=True))
    edges = sorted({e for e in picked if e > 0 and to_decimal(e) is not None})
    point_at_zero = _chance(draw, 6)  # "=0": the single value 0 has its own band
    rows: list[dict[str, Any]] = []
    lo: Fraction | None = Fraction(0) if point_at_zero or draw(st.booleans()) else None
    lo_incl = True
    if point_at_zero:
        rows.append(
            {"min": Fraction(0), "max": Fraction(0), "min_inclusive": True, "max_inclusive": True}
        )
        lo_incl = False
    for e in edges:
        mode = _pick(draw, ["upper", "lower", "point"])  # which band holds the edge itself
        rows.append(
            {"min": lo, "max": e, "min_inclusive": lo_incl, "max_inclusive": mode == "lower"}
        )
        if mode == "point":
            rows.append({"min": e, "max": e, "min_inclusive": True, "max_inclusive": True})
        lo, lo_incl = e, mode == "upper"
    rows.append({"min": lo, "max": None, "min_inclusive": lo_incl, "max_inclusive": False})

    top = int(weight / q)
    n = len(rows)
    ks = sorted(draw(st.lists(st.integers(0, top), min_size=n, max_size=n)))
    pattern = _pick(
        draw,
        ["rising", "falling", "peak", "random", "constant"]
        if on is BandBasis.ACTUAL
        else ["falling", "falling", "random", "constant"],
    )
    if not _chance(draw, 6):
        ks[-1] = top  # usually a band gives the full weight
    if pattern == "falling":
        ks.reverse()
    elif pattern == "peak":  # rising to the top band, then falling
        at = draw(st.integers(0, n - 1))
        rest = ks[:-1]
        ks = rest[:at] + [ks[-1]] + sorted(rest[at:], reverse=True)
    elif pattern == "random":
        ks = draw(st.permutations(ks))
    elif pattern == "constant":
        ks = [ks[-1]] * n
    bands = [
        Band(
            score=q * k,
            min=None if r["min"] is None else _d(r["min"]),
            max=None if r["max"] is None else _d(r["max"]),
            min_inclusive=r["min_inclusive"],
            max_inclusive=r["max_inclusive"],
        )
        for r, k in zip(rows, ks, strict=True)
    ]
    if draw(st.booleans()):
        bands = list(draw(st.permutations(bands)))  # a table may list its bands in any order
    return tuple(bands)


def _budget_block(draw: st.DrawFn, kind: str, weight: Decimal, q: Decimal) -> BudgetExecution:
    method: Bands | StepDeduction | None = None
    policy = _pick(draw, list(ExecutionPolicy))
    if kind in ("proportional", "round_whole"):
        policy = ExecutionPolicy(kind)
    elif kind == "bands":
        on = BandBasis.DEVIATION if _chance(draw, 5) else BandBasis.ACTUAL
        method = Bands(bands=_band_table(draw, weight, q, Fraction(100), on), on=on)
    else:
        method = StepDeduction(
            per=_pick(draw, [Decimal(1), Decimal(5), Decimal(10), Decimal("0.5")]),
            deduct=_pick(draw, [Decimal("0.5"), Decimal(1), Decimal(2), Decimal("0.25")]),
            partial=_pick(draw, list(PartialStep)),
            start=_draw_start(draw, "positive", Decimal(100)),
        )
    return BudgetExecution(
        weight=weight,
        policy=policy,
        base=_pick(draw, list(ExecutionBase)),
        name=_pick(draw, ["预算执行率", "资金执行率"]),
        method=method,
        rule=_rule(draw),
    )


# ---------------------------------------------------------------------------
# actuals


@dataclass(frozen=True)
class _ActualsConfig:
    near_boundary: bool
    not_applicable: bool | None
    bonus: bool | None
    vetoes: bool | None
    deductions: bool | None
    stated: bool | None = None


def actuals_for(
    spec: Spec,
    *,
    near_boundary: bool = True,
    not_applicable: bool | None = None,
    bonus: bool | None = None,
    vetoes: bool | None = None,
    deductions: bool | None = None,
    stated: bool | None = None,
) -> st.SearchStrategy[Actuals]:
    """Valid actuals for ``spec`` — a spec you wrote or loaded, or one :func:`specs` drew.

    * ``near_boundary`` — draw mostly where rules change their mind: actual
      == target, band edges, step edges, overshoot thresholds, actuals whose
      exact score w·a/t (or the method's counterpart) is a half-up tie such
      as x.xx5, execution rates at the budget row's rounding threshold; each
      also nudged by 0.01, 0.0001 or 1. ``False``: plain random values.
    * ``not_applicable`` — mark indicators 不适用 (never all of them);
      ``bonus`` — award the spec's bonus items; ``vetoes`` — trigger its
      vetoes; ``deductions`` — manual 扣减分数 on indicators; ``stated`` —
      numeric rows (typed in, not derived) whose actual is stated in words
      (``{ stated = "达标", evidence = "…" }``, 据陈述), one of the spec's
      ``[stated]`` words with its evidence (only when the spec declares
      ``[stated]``; the default ``None`` states none when it declares
      none). Each ``None``: sometimes; ``True``: at least one;
      ``False``: never.

    Derived indicators get amounts that produce the wanted value exactly
    (formulas of the form ``n / d`` and ``(n1 + n2) / d`` are inverted; other
    formulas get random positive amounts).
    """
    if not isinstance(spec, Spec):
        raise InvalidArgument(
            f"spec={spec!r} must be a perfrules.Spec (load one with perfrules.load_spec)"
        )
    problems = validate_spec(spec)
    if problems:
        listed = "; ".join(f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems[:5])
        raise InvalidArgument(
            f"spec {spec.meta.id!r} is not valid, so it has no valid actuals: {listed}"
        )
    if not isinstance(near_boundary, bool):
        raise InvalidArgument(f"near_boundary={near_boundary!r} must be True or False")
    cfg = _ActualsConfig(
        near_boundary=near_boundary,
        not_applicable=_tri_state("not_applicable", not_applicable),
        bonus=_tri_state("bonus", bonus),
        vetoes=_tri_state("vetoes", vetoes),
        deductions=_tri_state("deductions", deductions),
        stated=_tri_state("stated", stated),
    )
    if cfg.stated and (spec.stated is None or not any(map(_statable, spec.indicators))):
        raise InvalidArgument(
            f"stated=True, but spec {spec.meta.id!r} declares no [stated] words or has no numeric "
            "indicator typed in (not derived) whose actual could be stated"
        )
    if cfg.not_applicable and len(spec.indicators) < 2:
        raise InvalidArgument(
            "not_applicable=True needs a spec with two "
            "indicators or more (one must stay applicable)"
        )
    if cfg.bonus and not spec.bonus:
        raise InvalidArgument(f"bonus=True, but spec {spec.meta.id!r} declares no bonus items")
    if cfg.vetoes and not spec.vetoes:
        raise InvalidArgument(f"vetoes=True, but spec {spec.meta.id!r} declares no vetoes")
    return _actuals(spec, cfg)


def _statable(ind: Indicator) -> bool:
    """A row whose actual may be stated in words: numeric and typed in (not qualitative, not
    derived)."""
    return not ind.is_qualitative and ind.derive is None


def _derive_names(ind: Indicator) -> tuple[str, ...]:
    if isinstance(ind.derive, Derivation):
        return (ind.derive.numerator, ind.derive.denominator)
    if isinstance(ind.derive, Formula):
        return tuple(sorted(ind.derive.names))
    return ()


@st.composite
def _actuals(draw: st.DrawFn, spec: Spec, cfg: _ActualsConfig) -> Actuals:
    inds = spec.indicators
    na: set[str] = set()
    if cfg.not_applicable is True:
        na = set(
            draw(
                st.lists(
                    st.sampled_from([i.id for i in inds]),
                    min_size=1,
                    max_size=len(inds) - 1,
                    unique=True,
                )
            )
        )
    elif cfg.not_applicable is None:
        na = {i.id for i in inds if _chance(draw, 16)}
        if len(na) == len(inds):
            na.discard(inds[0].id)
    applicable = [i for i in inds if i.id not in na]

    names_needed = {n for i in applicable for n in _derive_names(i)}
    need_budget = spec.budget_execution is not None or any(
        n.startswith("budget.") for n in names_needed
    )
    budget = None
    if need_budget or _chance(draw, 2):
        budget = _budget_amounts(draw, spec, cfg.near_boundary, "budget.initial" in names_needed)
    env: dict[str, Fraction] = {}
    if budget is not None:
        env["budget.full_year"] = Fraction(budget.full_year)
        env["budget.spent"] = Fraction(budget.spent)
        if budget.initial is not None:
            env["budget.initial"] = Fraction(budget.initial)
    amounts: dict[str, Decimal] = {}

    deducted: set[str] = set()
    if cfg.deductions is True:
        deducted = {_pick(draw, [i.id for i in applicable])}
    if cfg.deductions is not False:
        deducted |= {i.id for i in applicable if _chance(draw, 10)}

    said: set[str] = set()  # rows whose actual is stated in words (据陈述)
    if spec.stated is not None and cfg.stated is not False:
        statable = [i.id for i in applicable if _statable(i)]
        if cfg.stated is True:
            assume(statable)  # cases(stated=True): a spec with no such row is passed over
            said = {_pick(draw, statable)}
        said |= {i for i in statable if _chance(draw, 6)}

    acts: list[IndicatorActual] = []
    for ind in inds:
        text, note = draw(maybe_text), draw(maybe_text)
        if ind.id in na:
            acts.append(
                IndicatorActual(id=ind.id, not_applicable=draw(reasons), text=text, note=note)
            )
            continue
        cuts = _deductions(draw, spec, ind) if ind.id in deducted else ()
        if ind.is_qualitative:
            tier, score = _qualitative(draw, spec, ind)
            acts.append(
                IndicatorActual(
                    id=ind.id, tier=tier, score=score, text=text, note=note, deductions=cuts
                )
            )
        elif ind.id in said:
            assert spec.stated is not None
            words = [*spec.stated.met, *spec.stated.not_met]
            acts.append(
                IndicatorActual(
                    id=ind.id,
                    stated=_pick(draw, words),
                    evidence=draw(reasons),
                    text=text,
                    note=note,
                    deductions=cuts,
                )
            )
        elif ind.derive is not None:
            _derived_amounts(draw, spec, ind, cfg.near_boundary, env, amounts)
            if text is not None or note is not None or cuts:
                acts.append(IndicatorActual(id=ind.id, text=text, note=note, deductions=cuts))
        else:
            value = _quantitative_value(draw, spec, ind, cfg.near_boundary)
            acts.append(
                IndicatorActual(id=ind.id, value=value, text=text, note=note, deductions=cuts)
            )
    # derived values must be computable and not negative (a negative derived rate is outside the
    # rules)
    for ind in applicable:
        if isinstance(ind.derive, Formula):
            derived_value = formula_value(ind.derive, env)
            assume(derived_value is not None and derived_value >= 0)
    if _chance(draw, 8):  # an amount no indicator uses is allowed and ignored
        amounts.setdefault("unused", draw(positive_decimals))
    if draw(st.booleans()):
        acts = list(draw(st.permutations(acts)))

    awards: list[BonusAward] = []
    if cfg.bonus is not False and spec.bonus:
        chosen = [b for b in spec.bonus if _chance(draw, 3)]
        if cfg.bonus and not chosen:
            chosen = [_pick(draw, spec.bonus)]
        q = spec.rounding.score
        for item in chosen:
            top = int(item.cap / q)
            k = _pick(draw, [top, 1, draw(st.integers(1, top))])
            awards.append(BonusAward(id=item.id, points=q * k, reason=draw(reasons)))
    triggers: list[VetoTrigger] = []
    if cfg.vetoes is not False and spec.vetoes:
        hit = [v for v in spec.vetoes if _chance(draw, 10)]
        if cfg.vetoes and not hit:
            hit = [_pick(draw, spec.vetoes)]
        triggers = [VetoTrigger(id=v.id, reason=draw(reasons)) for v in hit]

    actuals = Actuals(
        indicators=tuple(acts),
        budget=budget,
        amounts=tuple(Amount(name=n, value=v, label=draw(maybe_text)) for n, v in amounts.items()),
        bonus=tuple(awards),
        vetoes=tuple(triggers),
        spec=_pick(draw, [None, spec.meta.id]),
        year=_pick(draw, [None, spec.meta.year]),
        label=draw(maybe_text),
    )
    # only unusual user formulas (a zero divisor) are ever rejected
    assume(not validate_actuals(spec, actuals))
    return actuals


def _entry_grid(spec: Spec, ind: Indicator) -> Decimal:
    """The grid of a row's manual deductions and entered qualitative score: ``rounding.score``, or
    the row's ``round_to`` where that is coarser (what rounding the row's score leaves alone)."""
    q = spec.rounding.score
    return q if ind.round_to is None else max(q, ind.round_to)


def _deductions(draw: st.DrawFn, spec: Spec, ind: Indicator) -> tuple[Deduction, ...]:
    q = _entry_grid(spec, ind)
    top = max(1, int(ind.weight / q))  # a weight below its row's grid (under "allow"): one step
    n = draw(st.integers(1, 2))
    return tuple(
        Deduction(
            points=q * _pick(draw, [1, top, top + 1, draw(st.integers(1, top + 1))]),
            reason=draw(reasons),
        )
        for _ in range(n)
    )


def _qualitative(draw: st.DrawFn, spec: Spec, ind: Indicator) -> tuple[str, Decimal | None]:
    tier = _pick(draw, spec.tiers)
    name = _pick(draw, [tier.name, *tier.aliases])
    top = tier.max_inclusive and tier.max == 1
    need_score = spec.policy.qualitative_default is QualitativeDefault.REQUIRE_SCORE and not top
    if not (need_score or draw(st.booleans())):
        return name, None
    grid = _entry_grid(spec, ind)
    q = Fraction(grid)
    lo, hi = Fraction(ind.weight) * Fraction(tier.min), Fraction(ind.weight) * Fraction(tier.max)
    k_lo = math.ceil(lo / q)
    k_hi = math.floor(hi / q) if tier.max_inclusive else math.ceil(hi / q) - 1
    # the tier's edges on the grid, or inside
    k = _pick(draw, [k_hi, k_lo, draw(st.integers(k_lo, k_hi))])
    return name, grid * k


def _wanted_actual(
    draw: st.DrawFn, spec: Spec, ind: Indicator, near: bool, *, whole: bool
) -> Fraction:
    """An actual for a quantitative indicator: near a boundary of its rule, or random."""
    target = ind.target
    assert target is not None
    t = Fraction(target.value)
    if not near or _chance(draw, 6):
        places = 0 if whole else _pick(draw, [0, 1, 2, 4])
        return Fraction(_decimal_value(draw, int(max(2 * t, Fraction(10))) + 1, places))
    edges = boundary_values(spec, ind)
    kind = _pick(draw, ["edge", "tie", "offset"])
    if kind == "tie" and not whole:
        quantum = Fraction(ind.score_quantum(spec.rounding.score))  # the row's round_to, if any
        k = draw(st.integers(0, max(0, int(Fraction(ind.weight) / quantum) - 1)))
        ties = tie_values(spec, ind, k)
        if ties:
            return _pick(draw, ties)
    edge = _pick(draw, edges)
    if kind == "offset":
        eps = (
            Fraction(1)
            if whole
            else Fraction(_pick(draw, [Decimal("0.01"), Decimal("0.0001"), Decimal(1)]))
        )
        edge = max(Fraction(0), edge + _pick(draw, [eps, -eps]))
    return Fraction(math.floor(edge)) if whole else edge


def _quantitative_value(draw: st.DrawFn, spec: Spec, ind: Indicator, near: bool) -> Decimal:
    whole = rule_of(ind).counts  # a count of occurrences: a whole number
    wanted = _wanted_actual(draw, spec, ind, near, whole=whole)
    value = to_decimal(wanted)
    # not a short decimal (a tie of w × a / t with w = 3, …): fall back to the target
    if value is None:
        assert ind.target is not None
        value = Decimal(math.floor(ind.target.value)) if whole else ind.target.value
    return value


def _derived_amounts(
    draw: st.DrawFn,
    spec: Spec,
    ind: Indicator,
    near: bool,
    env: dict[str, Fraction],
    amounts: dict[str, Decimal],
) -> None:
    """Amounts for a derived indicator; the wanted actual exactly when the derivation can be
    inverted."""
    derive = ind.derive
    target = ind.target
    assert derive is not None and target is not None
    if isinstance(derive, Derivation):
        parts: tuple[tuple[str, ...], str] | None = ((derive.numerator,), derive.denominator)
    else:
        parts = simple_ratio(derive)
    free = parts is not None and all(n not in env and not n.startswith("budget.") for n in parts[0])
    if parts is not None and free and not parts[1].startswith("budget."):
        numerators, den_name = parts
        wanted = _wanted_actual(draw, spec, ind, near, whole=rule_of(ind).counts)
        ratio = wanted / (100 if target.unit == "%" else 1)
        den = env.get(den_name)
        if den is None:
            if ratio.denominator == 1 or _chance(draw, 3):
                den = Fraction(draw(positive_decimals))
            else:  # a denominator that makes the ratio exact: ties that no short decimal can type
                den = Fraction(ratio.denominator * _pick(draw, [1, 2, 10, 7]))
            if to_decimal(den) is None:
                den = Fraction(100)
            _set(env, amounts, den_name, den)
        num = ratio * den
        if to_decimal(num) is None:
            num = Fraction(_decimal_value(draw, 5000, 2))
        shares = [num]
        if len(numerators) > 1:
            first = num * Fraction(_pick(draw, ["0", "0.5", "0.25", "1"]))
            if to_decimal(first) is None:
                first = Fraction(0)
            shares = [first, num - first] + [Fraction(0)] * (len(numerators) - 2)
        for name, share in zip(numerators, shares, strict=True):
            _set(env, amounts, name, share)
        return
    for name in _derive_names(ind):  # any other formula: random amounts
        if name not in env and not name.startswith("budget."):
            _set(env, amounts, name, Fraction(draw(positive_decimals)))


def _set(env: dict[str, Fraction], amounts: dict[str, Decimal], name: str, value: Fraction) -> None:
    env[name] = value
    amounts[name] = _d(value)


def _budget_amounts(draw: st.DrawFn, spec: Spec, near: bool, need_initial: bool) -> BudgetAmounts:
    block = spec.budget_execution
    base_is_initial = block is not None and block.base is ExecutionBase.INITIAL
    full_year = draw(positive_decimals)
    initial = draw(st.none() | positive_decimals)
    if (base_is_initial or need_initial) and initial is None:
        initial = draw(positive_decimals)
    if base_is_initial and _chance(draw, 10):
        full_year = Decimal(0)  # only the initial budget is divided by
    # the execution rate, in %
    rate: Fraction
    if not near or _chance(draw, 6):
        rate = Fraction(_decimal_value(draw, 150, _pick(draw, [2, 0, 4])))
    else:
        kind = _pick(draw, ["edge", "tie", "display", "offset"])
        rates = budget_boundary_rates(spec)
        rate = _pick(draw, rates)
        if kind == "tie" and block is not None:
            quantum = (
                Decimal(1)
                if block.method is None and block.policy is ExecutionPolicy.ROUND_WHOLE
                else spec.rounding.score
            )
            k = draw(st.integers(0, max(0, int(block.weight / quantum) - 1)))
            rate = _pick(draw, budget_tie_rates(spec, k) or rates)
        elif kind == "display":
            # a rate shown at a half-up tie of rounding.rate_display, e.g. 94.475%
            rd = Fraction(spec.rounding.rate_display)
            rate = (draw(st.integers(0, int(150 / rd))) + Fraction(1, 2)) * rd
        elif kind == "offset":
            eps = Fraction(_pick(draw, [Decimal("0.01"), Decimal("0.0001"), Decimal(1)]))
            rate = max(Fraction(0), rate + _pick(draw, [eps, -eps]))
    base = Fraction(initial if base_is_initial and initial is not None else full_year)
    spent = rate / 100 * base
    if to_decimal(spent) is None:  # choose the base so that the rate is exact
        share = rate / 100
        base = Fraction(share.denominator * _pick(draw, [1, 100, 3]))
        spent = share * base
        if to_decimal(base) is None or to_decimal(spent) is None:
            base, spent = Fraction(100), Fraction(_decimal_value(draw, 150, 2))
        if base_is_initial:
            initial = _d(base)
        else:
            full_year = _d(base)
    lines = draw(
        st.lists(
            st.builds(
                BudgetLine,
                name=free_text,
                spent=positive_decimals,
                full_year=st.none() | positive_decimals,
                initial=st.none() | positive_decimals,
            ),
            max_size=2,
        )
    )
    return BudgetAmounts(
        full_year=full_year,
        spent=_d(spent),
        initial=initial,
        unit=_pick(draw, ["万元", "元"]),
        lines=tuple(lines),
    )


# ---------------------------------------------------------------------------
# cases


def cases(
    *,
    methods: Collection[str] | None = None,
    budget_execution: bool | Collection[str] | None = None,
    min_indicators: int = 1,
    max_indicators: int = 8,
    total: Decimal | int | str | None = None,
    derived: bool | None = None,
    overshoot_deduction: bool | None = None,
    custom_tiers: bool | None = None,
    near_boundary: bool = True,
    not_applicable: bool | None = None,
    bonus: bool | None = None,
    vetoes: bool | None = None,
    deductions: bool | None = None,
    deep: bool | None = False,
    stated: bool | None = False,
    round_to: bool | None = None,
    weight_precision: bool | None = None,
) -> st.SearchStrategy[Case]:
    """(spec, actuals) pairs: a spec from :func:`specs` and actuals from :func:`actuals_for`.

    The arguments are those of :func:`specs` and :func:`actuals_for`;
    ``bonus`` and ``vetoes`` apply to both (``True``: the spec declares at
    least one and the actuals award / trigger at least one; ``False``:
    neither; ``None``: sometimes); so does ``stated``, default ``False``
    (``True``: the spec declares ``[stated]`` words and the actuals state at
    least one numeric row in words, specs with no such row passed over;
    ``None``: sometimes); ``round_to`` and ``weight_precision`` apply to the
    spec (rows with a score quantum of their own, a declared
    ``weight_precision = "allow"``, as in :func:`specs`).
    ``not_applicable=True`` draws specs with two indicators or more.
    """
    _int_arg("min_indicators", min_indicators, 1, 60)
    _int_arg("max_indicators", max_indicators, 1, 60)
    if not_applicable is True and max_indicators < 2:
        raise InvalidArgument(
            "not_applicable=True needs max_indicators ≥ 2 (one indicator must stay applicable)"
        )
    spec_strategy = specs(
        methods=methods,
        budget_execution=budget_execution,
        min_indicators=max(min_indicators, 2) if not_applicable is True else min_indicators,
        max_indicators=max_indicators,
        total=total,
        derived=derived,
        bonus=bonus,
        vetoes=vetoes,
        overshoot_deduction=overshoot_deduction,
        custom_tiers=custom_tiers,
        deep=deep,
        stated=stated,
        round_to=round_to,
        weight_precision=weight_precision,
    )
    if not isinstance(near_boundary, bool):
        raise InvalidArgument(f"near_boundary={near_boundary!r} must be True or False")
    cfg = _ActualsConfig(
        near_boundary=near_boundary,
        not_applicable=_tri_state("not_applicable", not_applicable),
        bonus=_tri_state("bonus", bonus),
        vetoes=_tri_state("vetoes", vetoes),
        deductions=_tri_state("deductions", deductions),
        stated=_tri_state("stated", stated),
    )
    return spec_strategy.flatmap(
        lambda spec: _actuals(spec, cfg).map(lambda actuals: Case(spec, actuals))
    )
