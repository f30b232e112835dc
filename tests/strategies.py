"""Hypothesis strategies that build valid :class:`Spec` + :class:`Actuals` pairs directly.

The generated specs cover what real indicator systems contain and where
scoring rules have edges:

* random 一级/二级 category trees (一级 with or without 二级 children);
* weights as multiples of 0.01, 0.5 or 1 that add up exactly to
  ``meta.total`` (either exactly 100, or any total declared in meta.total);
* mixed comparators ≥ > ≤ < =, zero targets, units, explicit methods
  (ratio, linear_overshoot, qualitative);
* qualitative indicators with tiers (names or aliases) and optional entered
  scores at and inside the tier edges;
* rates derived from amounts;
* budget execution with both policies and both bases;
* declared policies, rounding quanta and grade bands;
* near-boundary actuals: actual == target, just above / below, exactly
  130% and 120% of the target, zero, and actuals that put the exact score
  w·a/t (or its negative-rule counterpart) on a half-quantum tie such as
  x.xx5.

Every number stays within what the TOML loader accepts (|x| < 10^15, at
most 10 decimal places), so the objects also round-trip through TOML.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from collections.abc import Sequence
from typing import Any, TypeVar

import tomli_w
from hypothesis import strategies as st

from perfrules import (
    Actuals,
    Amount,
    BudgetAmounts,
    BudgetExecution,
    BudgetLine,
    Category,
    Comparator,
    Derivation,
    EqualAbove,
    ExecutionBase,
    ExecutionPolicy,
    GradeBand,
    Indicator,
    IndicatorActual,
    Kind,
    LinearOvershoot,
    Meta,
    NegativeRule,
    Policy,
    Qualitative,
    QualitativeDefault,
    QuantitativeTarget,
    Ratio,
    Rounding,
    Spec,
    Tier,
)
from perfrules.model import DEFAULT_GRADES, DEFAULT_TIERS

MAX_PLACES = 10

UNITS = ["", "%", "期", "万条", "次", "个", "篇", "天", "万元"]
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_-.指标率"
# free text: any characters TOML strings can carry (hypothesis excludes surrogates)
free_text = st.text(max_size=12)
ids = st.text(alphabet=ID_ALPHABET, min_size=1, max_size=10)
maybe_text = st.none() | free_text


@dataclass(frozen=True)
class Case:
    """A valid spec with valid actuals for it."""

    spec: Spec
    actuals: Actuals

    def __repr__(self) -> str:  # short, readable falsifying examples
        return f"Case(spec={self.spec!r},\n     actuals={self.actuals!r})"


T = TypeVar("T")


def pick(draw: st.DrawFn, options: Sequence[T]) -> T:
    """One of ``options`` (cheaper than building a sampled_from strategy per draw)."""
    return options[draw(st.integers(0, len(options) - 1))]


# ---------------------------------------------------------------------------
# exact numbers


def exact_decimal(value: Fraction) -> Decimal | None:
    """``value`` as an exact Decimal with at most MAX_PLACES places, else None."""
    if value < 0:
        return None
    scaled = value * 10**MAX_PLACES
    if scaled.denominator != 1:
        return None
    result = Decimal(scaled.numerator).scaleb(-MAX_PLACES)
    if result >= Decimal(10) ** 15:
        return None
    text = format(result, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def decimal_value(draw: st.DrawFn, max_value: int = 2000, places: int = 2) -> Decimal:
    """A non-negative decimal up to ``max_value`` with up to ``places`` places."""
    return Decimal(draw(st.integers(0, max_value * 10**places))).scaleb(-places)


def decimals(max_value: int = 2000, places: int = 2) -> st.SearchStrategy[Decimal]:
    """Non-negative decimals with up to ``places`` places."""
    return st.integers(0, max_value * 10**places).map(lambda n: Decimal(n).scaleb(-places))


budget_lines = st.lists(
    st.builds(
        BudgetLine,
        name=free_text,
        spent=decimals(1000),
        full_year=st.none() | decimals(1000),
        initial=st.none() | decimals(1000),
    ),
    max_size=2,
)

positive_decimals = st.one_of(
    st.integers(1, 1000).map(Decimal),
    st.integers(1, 100_000).map(lambda n: Decimal(n).scaleb(-2)),
    st.integers(1, 10_000).map(lambda n: Decimal(n).scaleb(-1)),
)


target_values = st.one_of(
    st.sampled_from([Decimal(0), Decimal(100), Decimal(95), Decimal(90), Decimal(400), Decimal(1), Decimal("2.5")]),
    positive_decimals,
)


# ---------------------------------------------------------------------------
# weights


def partition(draw: st.DrawFn, total_units: int, parts: int) -> list[int]:
    """``parts`` positive integers adding up to ``total_units``."""
    cuts = draw(
        st.lists(st.integers(1, total_units - 1), min_size=parts - 1, max_size=parts - 1, unique=True)
        if parts > 1
        else st.just([])
    )
    edges = [0, *sorted(cuts), total_units]
    return [b - a for a, b in zip(edges, edges[1:], strict=False)]


# ---------------------------------------------------------------------------
# near-boundary actuals


def tie_actual(cmp: Comparator, t: Decimal, w: Decimal, q: Decimal, k: int, linear: bool) -> Decimal | None:
    """An actual whose exact (unrounded) score is (k + ½)·q, a rounding tie."""
    s = (Fraction(k) + Fraction(1, 2)) * Fraction(q)
    if not 0 < s < Fraction(w) or t == 0:
        return None
    tf, wf = Fraction(t), Fraction(w)
    if cmp.direction in ("positive", "equal"):
        a = s / wf * tf  # a / t × w = s
    elif linear:
        a = tf * (2 - s / wf)  # (1 − (a − t)/t) × w = s
    else:
        a = tf * wf / s  # t / a × w = s
    return exact_decimal(a)


def quantitative_actual(draw: st.DrawFn, ind: Indicator, q: Decimal, linear: bool) -> Decimal:
    target = ind.target
    assert target is not None
    t, w = target.value, ind.weight
    kind = pick(draw, ["equal", "equal", "near", "times", "zero", "random", "tie", "tie"])
    if kind == "equal":
        return t
    if kind == "near":
        step = pick(draw, [Decimal("0.01"), Decimal("0.0001"), Decimal(1)])
        return max(Decimal(0), t + pick(draw, [step, -step]))
    if kind == "times":
        factor = pick(draw, ["1.3", "1.2", "1.29", "2", "0.5", "3", "1.5"])
        return t * Decimal(factor)
    if kind == "zero":
        return Decimal(0)
    if kind == "tie":
        k = draw(st.integers(0, max(0, int(Fraction(w) / Fraction(q)) - 1)))
        found = tie_actual(target.comparator, t, w, q, k, linear)
        if found is not None:
            return found
    return decimal_value(draw, 2000, pick(draw, (0, 1, 2, 4)))


# ---------------------------------------------------------------------------
# specs


def target_for(draw: st.DrawFn, *, derived: bool) -> QuantitativeTarget:
    cmp = pick(draw, list(Comparator))
    unit = pick(draw, ["%", ""]) if derived else pick(draw, UNITS)
    value = draw(target_values)
    return QuantitativeTarget(comparator=cmp, value=value, unit=unit)


def indicator(draw: st.DrawFn, ind_id: str, category: str, weight: Decimal, quantum: Decimal) -> Indicator:
    # A qualitative weight must leave every default tier a score on the quantum grid
    # (部分达成 spans 0.2 × weight, so weight ≥ 5 quanta); smaller weights are quantitative.
    kinds = ["quant", "quant", "quant", "derived", "qual"] if weight >= 5 * quantum else ["quant", "derived"]
    kind = pick(draw, kinds)
    name = draw(free_text)
    note = draw(maybe_text)
    if kind == "qual":
        return Indicator(
            id=ind_id,
            name=name,
            category=category,
            weight=weight,
            target_text=draw(free_text),
            method=pick(draw, [None, Qualitative()]),
            note=note,
        )
    target = target_for(draw, derived=kind == "derived")
    methods: list[Any] = [None, Ratio()]
    if target.comparator.direction == "negative":
        methods.append(LinearOvershoot())
    return Indicator(
        id=ind_id,
        name=name,
        category=category,
        weight=weight,
        target=target,
        target_text=draw(maybe_text),
        method=pick(draw, methods),
        derive=Derivation(numerator=f"{ind_id}/num", denominator=f"{ind_id}/den") if kind == "derived" else None,
        note=note,
        source=draw(maybe_text),
    )


def grade_bands(draw: st.DrawFn, total: Decimal) -> tuple[GradeBand, ...]:
    options = ["random"]
    if total >= 90:
        options.append("default")
    if total >= 80:
        options.append("80/70/60")
    choice = pick(draw, options)
    if choice == "default":
        return DEFAULT_GRADES
    if choice == "80/70/60":
        mins = [80, 70, 60, 0]
        return tuple(GradeBand(name=n, min=Decimal(m)) for n, m in zip("优良中差", mins, strict=True))
    units = int(total * 100)
    picks = draw(st.lists(st.integers(1, units), max_size=3, unique=True)) if units >= 1 else []
    mins_d = [Decimal(p).scaleb(-2) for p in sorted(picks, reverse=True)] + [Decimal(0)]
    names = draw(st.lists(free_text, min_size=len(mins_d), max_size=len(mins_d), unique=True))
    return tuple(GradeBand(name=n, min=m) for n, m in zip(names, mins_d, strict=True))


@st.composite
def specs(draw: st.DrawFn, budget_execution: bool | None = None) -> Spec:
    """A valid spec; ``budget_execution`` forces a budget-execution block on (True) or off (False)."""
    # precision first: weights must be multiples of the score quantum
    granularity = pick(draw, [Decimal("0.01"), Decimal("0.5"), Decimal(1)])
    quanta = {Decimal("0.01"): ["0.01"], Decimal("0.5"): ["0.01", "0.1"], Decimal(1): ["0.01", "0.1", "1"]}
    q = Decimal(pick(draw, quanta[granularity]))
    rounding = Rounding(
        score=q,
        total=pick(draw, [Decimal("0.01"), q]),
        rate_display=Decimal(pick(draw, ["0.01", "0.1", "1"])),
    )

    # category tree: leaves are (category id, number of indicators)
    n_top = draw(st.integers(1, 3))
    n_kids = [pick(draw, [0, 0, 1, 2, 3]) for _ in range(n_top)]
    cat_ids = draw(st.lists(ids, min_size=n_top + sum(n_kids), max_size=n_top + sum(n_kids), unique=True))
    tops = cat_ids[:n_top]
    kids: dict[str, list[str]] = {}
    rest = iter(cat_ids[n_top:])
    for top, n in zip(tops, n_kids, strict=True):
        kids[top] = [next(rest) for _ in range(n)]
    leaves = [k for top in tops for k in (kids[top] or [top])]
    per_leaf = [draw(st.integers(1, 3)) for _ in leaves]
    n_inds = sum(per_leaf)

    # budget execution
    budget = None
    if budget_execution if budget_execution is not None else draw(st.booleans()):
        policy = pick(draw, list(ExecutionPolicy))
        budget = BudgetExecution(
            weight=Decimal(pick(draw, [5, 10, 10, 15, 20])),
            policy=policy,
            base=pick(draw, list(ExecutionBase)),
            name=pick(draw, ["预算执行率", "资金执行率"]),
        )
    budget_weight = budget.weight if budget else Decimal(0)

    # weights of the indicators, in units of the granularity
    if draw(st.booleans()):  # the usual full score of 100
        total_units = int((100 - budget_weight) / granularity)
        units = partition(draw, total_units, n_inds)
    else:  # any total, declared in meta.total
        max_units = int(Decimal(30) / granularity)
        units = [draw(st.integers(1, max_units)) for _ in range(n_inds)]
    weights = [granularity * u for u in units]
    total = sum(weights, Decimal(0)) + budget_weight

    ind_ids = draw(st.lists(ids, min_size=n_inds, max_size=n_inds, unique=True))
    indicators: list[Indicator] = []
    leaf_weight: dict[str, Decimal] = {}
    it = iter(zip(ind_ids, weights, strict=True))
    for leaf, count in zip(leaves, per_leaf, strict=True):
        for _ in range(count):
            ind_id, weight = next(it)
            indicators.append(indicator(draw, ind_id, leaf, weight, q))
            leaf_weight[leaf] = leaf_weight.get(leaf, Decimal(0)) + weight

    categories: list[Category] = []
    for top in tops:
        top_weight = sum((leaf_weight[k] for k in kids[top]), Decimal(0)) if kids[top] else leaf_weight[top]
        categories.append(Category(id=top, name=draw(free_text), weight=top_weight))
        categories.extend(Category(id=k, name=draw(free_text), weight=leaf_weight[k], parent=top) for k in kids[top])
    if draw(st.booleans()):  # categories in any order: a 二级 may come before its 一级
        categories = draw(st.permutations(categories))
    if draw(st.booleans()):
        indicators = draw(st.permutations(indicators))

    policy = Policy(
        negative=pick(draw, list(NegativeRule)),
        equal_above=pick(draw, list(EqualAbove)),
        overshoot_warning=pick(draw, [None, Decimal("1.2"), Decimal("1.3"), Decimal("1.5")]),
        qualitative_default=pick(draw, list(QualitativeDefault)),
    )
    meta = Meta(
        id=draw(ids),
        title=draw(free_text),
        unit=draw(free_text),
        year=draw(st.integers(2000, 2035)),
        kind=pick(draw, list(Kind)),
        basis=draw(free_text),
        total=total,
    )
    return Spec(
        meta=meta,
        categories=tuple(categories),
        indicators=tuple(indicators),
        budget_execution=budget,
        policy=policy,
        rounding=rounding,
        grades=grade_bands(draw, total),
        tiers=DEFAULT_TIERS,
    )


# ---------------------------------------------------------------------------
# actuals


def tier_score_bounds(weight: Decimal, tier: Tier, q: Decimal) -> tuple[int, int]:
    """Range of k such that k·q lies inside the tier's score range."""
    lo = Fraction(weight) * Fraction(tier.min)
    hi = Fraction(weight) * Fraction(tier.max)
    qf = Fraction(q)
    k_lo = math.ceil(lo / qf)
    k_hi = math.floor(hi / qf) if tier.max_inclusive else math.ceil(hi / qf) - 1
    return k_lo, k_hi


def qualitative_actual(draw: st.DrawFn, spec: Spec, ind: Indicator) -> IndicatorActual:
    tier = pick(draw, spec.tiers)
    name = pick(draw, [tier.name, *tier.aliases])
    top = tier.max_inclusive and tier.max == 1
    need_score = spec.policy.qualitative_default is QualitativeDefault.REQUIRE_SCORE and not top
    q = spec.rounding.score
    score: Decimal | None = None
    if need_score or draw(st.booleans()):
        k_lo, k_hi = tier_score_bounds(ind.weight, tier, q)
        # entered scores sit on the quantum grid (score-precision): the tier's lowest and
        # highest admitted multiples of q, and one in between
        choices = [q * k_lo, q * k_hi, q * draw(st.integers(k_lo, k_hi))]
        score = pick(draw, choices)
    return IndicatorActual(id=ind.id, tier=name, score=score, text=draw(maybe_text))


def budget_amounts(draw: st.DrawFn, block: BudgetExecution | None) -> BudgetAmounts:
    full_year = draw(positive_decimals)
    initial = draw(st.none() | positive_decimals)
    if block is not None and block.base is ExecutionBase.INITIAL and initial is None:
        initial = draw(positive_decimals)
    base = initial if block is not None and block.base is ExecutionBase.INITIAL else full_year
    assert base is not None
    kind = pick(draw, ["equal", "tie", "random", "over", "zero"])
    spent: Decimal | None = None
    if kind == "equal":
        spent = base
    elif kind == "tie" and block is not None:
        quantum = Decimal(1) if block.policy is ExecutionPolicy.ROUND_WHOLE else Decimal("0.01")
        k = draw(st.integers(0, int(block.weight / quantum) - 1))
        spent = exact_decimal((Fraction(k) + Fraction(1, 2)) * Fraction(quantum) / Fraction(block.weight) * Fraction(base))
    elif kind == "over":
        spent = base * Decimal(pick(draw, ["1.01", "1.5", "2"]))
    elif kind == "zero":
        spent = Decimal(0)
    if spent is None:
        spent = decimal_value(draw, int(base * 2) + 1, 2)
    lines = draw(budget_lines)
    return BudgetAmounts(
        full_year=full_year,
        spent=spent,
        initial=initial,
        unit=pick(draw, ["万元", "元"]),
        lines=tuple(lines),
    )


@st.composite
def actuals_for(draw: st.DrawFn, spec: Spec) -> Actuals:
    acts: list[IndicatorActual] = []
    amounts: list[Amount] = []
    q = spec.rounding.score
    for ind in spec.indicators:
        linear = isinstance(ind.method, LinearOvershoot) or spec.policy.negative is NegativeRule.LINEAR_OVERSHOOT
        if ind.is_qualitative:
            acts.append(qualitative_actual(draw, spec, ind))
            continue
        text = draw(maybe_text)
        note = draw(maybe_text)
        if ind.derive is not None:
            target = ind.target
            assert target is not None
            den = draw(positive_decimals)
            scale = Fraction(100) if target.unit == "%" else Fraction(1)
            wanted = quantitative_actual(draw, ind, q, linear)  # the rate we want to land on
            num = exact_decimal(Fraction(wanted) / scale * Fraction(den))
            if num is None:
                num = decimal_value(draw, 5000)
            amounts.append(Amount(name=ind.derive.numerator, value=num, label=draw(maybe_text)))
            amounts.append(Amount(name=ind.derive.denominator, value=den, label=draw(maybe_text)))
            if text is not None or note is not None:
                acts.append(IndicatorActual(id=ind.id, text=text, note=note))
            continue
        acts.append(IndicatorActual(id=ind.id, value=quantitative_actual(draw, ind, q, linear), text=text, note=note))
    if draw(st.booleans()):
        acts = draw(st.permutations(acts))
    budget = None
    if spec.budget_execution is not None or draw(st.booleans()):
        budget = budget_amounts(draw, spec.budget_execution)
    return Actuals(
        indicators=tuple(acts),
        budget=budget,
        amounts=tuple(amounts),
        spec=pick(draw, [None, spec.meta.id]),
        year=pick(draw, [None, spec.meta.year]),
        label=draw(maybe_text),
    )


@st.composite
def cases(draw: st.DrawFn, budget_execution: bool | None = None) -> Case:
    spec = draw(specs(budget_execution))
    return Case(spec=spec, actuals=draw(actuals_for(spec)))


# ---------------------------------------------------------------------------
# malformed TOML


KEYS = [
    "id", "name", "weight", "category", "parent", "target", "target_text", "method", "derive", "total",
    "policy", "base", "cap", "score", "tier", "value", "min", "max", "year", "kind", "wieght", "unknown",
    "overshoot_warning", "negative", "equal_above", "rounding", "grades", "tiers", "numerator", "denominator",
]  # fmt: skip


mutation_keys = st.sampled_from(KEYS) | ids


def _toml_string(s: str) -> str:
    return tomli_w.dumps({"k": s})[4:].rstrip("\n")


toml_literals = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: format(d, "f")),
    st.sampled_from(
        [
            "true", "false", "inf", "-inf", "nan", "+nan", "1e30", "1e-30", "1e400", "-0", "0", "0.0",
            "[]", "{}", "[1, 2]", '["a"]', '{ name = "x" }', '{ numerator = "a" }', "2024-01-01",
            '"≥ abc"', '"≥400期"', '"≤100%"', '"=0"', '">0"', '"ratio"', '"linear_overshoot"',
            '"qualitative"', '"round_whole"', '"initial"', '"部门整体支出"', '"达成"', '""',
            "99999999999999999999999999999999", "0.00000000000000000000001", "1_000", "0x10",
        ]
    ),
    free_text.map(_toml_string),
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with one to three random edits (line deleted, key inserted, value replaced, truncated, …)."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        op = pick(draw, ["delete", "insert", "replace", "replace", "truncate", "duplicate", "char", "number", "string"])
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "delete" and lines:
            del lines[i]
        elif op == "insert":
            key = draw(mutation_keys)
            lines.insert(i, f"{_toml_key(key)} = {draw(toml_literals)}")
        elif op == "replace":
            candidates = [n for n, line in enumerate(lines) if " = " in line]
            if candidates:
                n = pick(draw, candidates)
                key = lines[n].split(" = ", 1)[0]
                lines[n] = f"{key} = {draw(toml_literals)}"
        elif op == "number":  # a plausible number for a numeric value: reaches the semantic checks
            candidates = [n for n, line in enumerate(lines) if re.search(r" = -?[0-9][0-9.]*\s*(#.*)?$", line)]
            if candidates:
                n = pick(draw, candidates)
                key = lines[n].split(" = ", 1)[0]
                lines[n] = f"{key} = {pick(draw, ['0', '-1', '1', '2.5', '3', '9.995', '10', '50', '100', '2025'])}"
        elif op == "string":  # another string of the same document: ids, categories, enums
            strings = re.findall(r'"[^"\\\n]*"', text)
            candidates = [n for n, line in enumerate(lines) if re.search(r' = "[^"]*"\s*(#.*)?$', line)]
            if candidates and strings:
                n = pick(draw, candidates)
                key = lines[n].split(" = ", 1)[0]
                lines[n] = f"{key} = {pick(draw, strings)}"
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "truncate":
            joined = "\n".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].split("\n")
        elif op == "char":
            joined = "\n".join(lines)
            if joined:
                at = draw(st.integers(0, len(joined) - 1))
                joined = joined[:at] + pick(draw, list("=[]{}\"'#,.\n 0x≥") + ["\\"]) + joined[at + 1 :]
            lines = joined.split("\n")
        text = "\n".join(lines)
    return text


def _toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return _toml_string(key)
