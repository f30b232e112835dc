"""Semantic checks of a spec and of actuals against it. Pure: they return problems."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

from perfrules._errors import PathKey, Problem
from perfrules._messages import Message, listing, message, slashed
from perfrules._suggest import suggest
from perfrules.core._derive import BUDGET_NAMES, amount_env, names_of
from perfrules.core._derive import compute as derive_compute
from perfrules.core._derive import text_of as derive_text
from perfrules.core._exact import frac, on_grid, show, show_dec
from perfrules.core._formula_eval import FormulaZeroDivision
from perfrules.core.methods import Issue, rule_for, rule_of
from perfrules.model import (
    DEFAULT_GRADES,
    MAX_CATEGORY_LEVELS,
    Actuals,
    BonusItem,
    Category,
    Deviation,
    DeviationTarget,
    ExecutionBase,
    ExecutionPolicy,
    Indicator,
    IndicatorActual,
    Method,
    QualitativeDefault,
    QuantitativeTarget,
    SourceMap,
    Spec,
    Suggestions,
    Tier,
    VetoEffect,
    WeightPrecision,
    cached,
    category_tree,
    goal_blocks,
    level_name,
    make_problem,
)


class _Collector:
    def __init__(self, source: SourceMap | None) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(
        self, code: str, path: PathKey, *, en: str, zh: str, suggestion: str | None = None
    ) -> None:
        """One problem; its texts come from the message table: ``**message(key, ...).as_en_zh()``."""
        self.problems.append(
            make_problem(code, path, en=en, zh=zh, source=self.source, suggestion=suggestion)
        )

    def issues(self, at: PathKey, issues: list[Issue]) -> None:
        """A method's own issues, their paths under ``at`` (the method's key path)."""
        for i in issues:
            self.add(i.code, (*at, *i.path), en=i.en, zh=i.zh, suggestion=i.suggestion)


def _named(x: Category | Indicator | BonusItem) -> Message:
    """A message field naming ``x``: its id in English, its name in Chinese."""
    return Message(x.id, x.name)


def _entry_grid(spec: Spec, round_to: Decimal | None) -> Decimal:
    """The grid an entered deduction or qualitative score of a row must lie on: ``rounding.score``,
    or the row's own ``round_to`` where that is coarser (both are powers of ten, so a multiple of
    the coarser lies on both), so that rounding the row's score never moves it."""
    q = spec.rounding.score
    return q if round_to is None or round_to <= q else round_to


def _is_power_of_ten(q: Decimal) -> bool:
    if q <= 0:
        return False
    digits = q.normalize().as_tuple().digits
    return digits == (1,)


def _first_index(seq: list[str]) -> Iterator[tuple[int, int]]:
    """Pairs (first, duplicate) of indexes of repeated values."""
    seen: dict[str, int] = {}
    for i, v in enumerate(seq):
        if v in seen:
            yield seen[v], i
        else:
            seen[v] = i


def validate_spec(spec: Spec) -> list[Problem]:
    """Every semantic problem of ``spec`` (empty when it is sound).

    A spec is immutable: its problems are worked out once (the loader checks
    it, and ``evaluate`` checks it again) — also for a copy that differs only
    in what validation never reads (``attrs.evolve(spec, framework=…)``, as
    the loader makes after checking).
    """
    problems: tuple[Problem, ...] = cached(spec, "validate_spec", lambda: _problems_of(spec))
    return list(problems)


# The problems of the specs validated last, by the identity of the parts validation reads (every field but
# ``framework``); each entry holds those parts, so their identities stay theirs while it is kept.
_RECENT: dict[tuple[int, ...], tuple[tuple[object, ...], tuple[Problem, ...]]] = {}
_RECENT_KEPT = 4


def _problems_of(spec: Spec) -> tuple[Problem, ...]:
    parts = (
        spec.meta,
        spec.categories,
        spec.indicators,
        spec.budget_execution,
        spec.policy,
        spec.rounding,
        spec.grades,
        spec.tiers,
        spec.bonus,
        spec.vetoes,
        spec.source,
    )
    key = tuple(map(id, parts))
    hit = _RECENT.get(key)
    if hit is not None:
        return hit[1]
    problems = tuple(_validate_spec(spec))
    try:
        while len(_RECENT) >= _RECENT_KEPT:
            _RECENT.pop(next(iter(_RECENT)), None)
    except (StopIteration, RuntimeError):  # pragma: no cover - another thread emptied it meanwhile
        pass
    _RECENT[key] = (parts, problems)
    return problems


def _validate_spec(spec: Spec) -> list[Problem]:
    c = _Collector(spec.source)
    cats = spec.categories
    inds = spec.indicators

    def line_of(path: PathKey) -> str:
        if spec.source is None:
            return ""
        line, _ = spec.source.locate(path)
        return f" (line {line})" if line else ""

    for first, dup in _first_index([x.id for x in cats]):
        c.add(
            "duplicate-id",
            ("categories", dup, "id"),
            **message(
                ("duplicate-id", "category"),
                id=cats[dup].id,
                first=first,
                line=line_of(("categories", first)),
            ).as_en_zh(),
        )
    for first, dup in _first_index([x.id for x in inds]):
        c.add(
            "duplicate-id",
            ("indicators", dup, "id"),
            **message(
                ("duplicate-id", "indicator"),
                id=inds[dup].id,
                first=first,
                line=line_of(("indicators", first)),
            ).as_en_zh(),
        )

    cat_ids = Suggestions(x.id for x in cats)
    by_id = {x.id: x for x in cats}
    top_ids = Suggestions(x.id for x in cats if x.parent is None)
    top_goal: Category | None = None  # the first top category: goal blocks are all or none
    for i, cat in enumerate(cats):
        if cat.weight <= 0:
            c.add(
                "weight",
                ("categories", i, "weight"),
                **message(
                    ("weight", "category"), category=_named(cat), weight=show_dec(cat.weight)
                ).as_en_zh(),
            )
        if cat.parent is not None:
            parent = by_id.get(cat.parent)
            if parent is None:
                c.add(
                    "unknown-category",
                    ("categories", i, "parent"),
                    **message(
                        ("unknown-category", "parent"), parent=cat.parent, category=_named(cat)
                    ).as_en_zh(),
                    suggestion=top_ids(cat.parent),
                )
            elif cat.goal:
                c.add(
                    "category-goal",
                    ("categories", i, "goal"),
                    **message(("category-goal", "parent"), category=_named(cat)).as_en_zh(),
                )
        elif top_goal is not None and cat.goal != top_goal.goal:
            c.add(
                "category-goal",
                ("categories", i, "goal"),
                **(
                    message(
                        ("category-goal", "top-goal"), category=_named(cat), other=_named(top_goal)
                    )
                    if cat.goal
                    else message(
                        ("category-goal", "top-not-goal"),
                        category=_named(cat),
                        other=_named(top_goal),
                    )
                ).as_en_zh(),
            )
        else:
            top_goal = top_goal or cat
        chain = _category_chain(cat, by_id)
        if len(chain) > 1 and chain[-1] is cat:
            c.add(
                "category-cycle",
                ("categories", i, "parent"),
                **message(
                    "category-cycle",
                    category=_named(cat),
                    chain=Message(
                        " → ".join(repr(x.id) for x in chain), " → ".join(x.name for x in chain)
                    ),
                ).as_en_zh(),
            )
        elif len(chain) == MAX_CATEGORY_LEVELS + 1 and chain[-1].parent is None:
            c.add(
                "category-depth",
                ("categories", i, "parent"),
                **message(
                    "category-depth",
                    category=_named(cat),
                    level=len(chain),
                    chain=Message(
                        " → ".join(repr(x.id) for x in reversed(chain)),
                        " → ".join(x.name for x in reversed(chain)),
                    ),
                ).as_en_zh(),
            )

    parents_with_children = {x.parent for x in cats if x.parent is not None}
    goal = goal_blocks(cats)
    levels = {x.id: level for x, level in category_tree(cats)}

    def sub_word(cat_id: str, down: int = 1) -> str:
        """二级 for the children of a 一级 (the level ``down`` below ``cat_id``, named as the form names it)."""
        return level_name(levels.get(cat_id, 1) + down, goal=goal)[:2]

    tier_grid = _TierGrid(spec)
    for i, ind in enumerate(inds):
        path: PathKey = ("indicators", i)
        if ind.weight <= 0:
            c.add(
                "weight",
                (*path, "weight"),
                **message(
                    ("weight", "indicator"), indicator=_named(ind), weight=show_dec(ind.weight)
                ).as_en_zh(),
            )
        if ind.is_qualitative:
            tier_grid.check(c, ind, (*path, "weight"))
        if ind.category not in by_id:
            c.add(
                "unknown-category",
                (*path, "category"),
                **message(
                    ("unknown-category", "indicator"), indicator=_named(ind), category=ind.category
                ).as_en_zh(),
                suggestion=cat_ids(ind.category),
            )
        elif ind.category in parents_with_children:
            c.add(
                "category-not-leaf",
                (*path, "category"),
                **message(
                    "category-not-leaf",
                    indicator=_named(ind),
                    category=_named(by_id[ind.category]),
                    level=sub_word(ind.category),
                ).as_en_zh(),
            )
        _check_indicator_target(c, spec, i)
        if ind.method is not None:
            _check_method_params(c, spec, ind.method, ind.weight, (*path, "method"), ind.target)
        if spec.policy.weight_precision is WeightPrecision.ERROR:
            quantum, what = (
                (spec.rounding.score, "rounding.score")
                if ind.round_to is None
                else (ind.round_to, "round_to")
            )
            _check_precision(c, (*path, "weight"), ind.weight, quantum, what)
        if ind.round_to is not None and (ind.round_to <= 0 or not _is_power_of_ten(ind.round_to)):
            c.add(
                "rounding",
                (*path, "round_to"),
                **message(("rounding", "round-to"), value=show_dec(ind.round_to)).as_en_zh(),
            )

    # weights add up
    sub_weights: dict[str | None, list[Decimal]] = {}
    partial = spec.meta.partial is not None
    for x in cats:
        sub_weights.setdefault(x.parent, []).append(x.weight)
    ind_weights: dict[str, list[Decimal]] = {}
    for ind in inds:
        ind_weights.setdefault(ind.category, []).append(ind.weight)
    for i, cat in enumerate(cats):
        kids = sub_weights.get(cat.id) or ind_weights.get(cat.id, [])
        if not kids:
            c.add(
                "empty-category",
                ("categories", i),
                **(
                    message(
                        "empty-category",
                        category=_named(cat),
                        sub=Message("sub-categories", sub_word(cat.id)),
                        subsub=Message("indicators", sub_word(cat.id, 2)),
                    )
                    if levels.get(cat.id, 1) < MAX_CATEGORY_LEVELS
                    else message(
                        ("empty-category", "lowest"),
                        category=_named(cat),
                        sub=Message("indicators", sub_word(cat.id)),
                    )
                ).as_en_zh(),
            )
        elif sum(kids, Decimal(0)) != cat.weight and not (
            partial and sum(kids, Decimal(0)) < cat.weight
        ):  # partial mode: the form's category holds rows that are not declared
            c.add(
                "weight-sum",
                ("categories", i, "weight"),
                **message(
                    "weight-sum",
                    category=_named(cat),
                    weight=show_dec(cat.weight),
                    parts=show_dec(sum(kids, Decimal(0))),
                ).as_en_zh(),
            )
    top_sum = sum((x.weight for x in cats if x.parent is None), Decimal(0))
    if spec.budget_execution is not None:
        top_sum += spec.budget_execution.weight
        if spec.budget_execution.weight <= 0:
            c.add(
                "weight",
                ("budget_execution", "weight"),
                **message(("weight", "budget-execution")).as_en_zh(),
            )
        elif spec.policy.weight_precision is WeightPrecision.ALLOW:
            pass  # declared: the rule is applied as written, even where rounding passes the weight
        elif (
            spec.budget_execution.policy is ExecutionPolicy.ROUND_WHOLE
            and spec.budget_execution.method is None
        ):
            _check_precision(
                c,
                ("budget_execution", "weight"),
                spec.budget_execution.weight,
                Decimal(1),
                "budget_execution.policy = round_whole",
            )
        else:
            _check_precision(
                c,
                ("budget_execution", "weight"),
                spec.budget_execution.weight,
                spec.rounding.score,
                "rounding.score",
            )
    if partial and top_sum > spec.meta.total:
        c.add(
            "total",
            ("meta", "total"),
            **message(
                ("total", "partial"), sum=show_dec(top_sum), total=show_dec(spec.meta.total)
            ).as_en_zh(),
        )
    elif cats and top_sum != spec.meta.total and not partial:
        budget = (
            message(("total", "budget-execution")) if spec.budget_execution else Message("", "")
        )
        summed, declared = show_dec(top_sum), show_dec(spec.meta.total)
        c.add(
            "total",
            ("meta", "total"),
            **(
                message(("total", "goal-blocks"), budget=budget, sum=summed, total=declared)
                if goal
                else message("total", budget=budget, sum=summed, total=declared)
            ).as_en_zh(),
        )
    if not inds and not (partial and spec.budget_execution is not None):
        c.add(
            "no-indicators",
            ("indicators",),
            **message("no-indicators").as_en_zh(),
        )

    _check_precision(c, ("meta", "total"), spec.meta.total, spec.rounding.total, "rounding.total")
    _check_bands(c, spec)
    _check_catalogue(c, spec)
    return c.problems


def _category_chain(cat: Category, by_id: dict[str, Category]) -> list[Category]:
    """``cat`` and its ancestors, nearest first, up to a top category, an unknown parent or a repeat.

    A chain that comes back to ``cat`` ends with ``cat`` again (a cycle); one
    that reaches a cycle above ``cat`` stops before repeating. At most
    ``MAX_CATEGORY_LEVELS + 1`` categories are walked (then the last one's
    ``parent`` is not ``None``: ``cat`` is deeper than that).
    """
    chain = [cat]
    seen = {cat.id}
    cur = cat
    while cur.parent is not None and len(chain) <= MAX_CATEGORY_LEVELS:
        nxt = by_id.get(cur.parent)
        if nxt is None:
            break
        if nxt.id in seen:
            if nxt is cat:
                chain.append(cat)  # ends with cat again: a cycle through it
            break
        chain.append(nxt)
        seen.add(nxt.id)
        cur = nxt
    return chain


def _check_tier_synonyms(c: _Collector, spec: Spec, tier_words: list[str]) -> None:
    """``[tier_synonyms]`` name declared tiers, and each word names one tier only."""
    names = Suggestions(t.name for t in spec.tiers)
    taken = set(tier_words)
    seen: dict[str, str] = {}
    for name, words in spec.tier_synonyms.entries:
        path: PathKey = ("tier_synonyms", name)
        if name not in {t.name for t in spec.tiers}:
            c.add(
                "unknown-tier",
                path,
                **message(("unknown-tier", "synonyms"), name=name).as_en_zh(),
                suggestion=names(name),
            )
            continue
        for word in words:
            if word in taken or seen.get(word, name) != name:
                c.add(
                    "duplicate-id",
                    path,
                    **message(
                        ("duplicate-id", "tier-synonym"),
                        word=word,
                        tier=spec.tier(word).name if word in taken else seen[word],
                    ).as_en_zh(),
                )
            seen.setdefault(word, name)


def _check_method_params(
    c: _Collector,
    spec: Spec,
    method: Method,
    weight: Decimal,
    path: PathKey,
    target: QuantitativeTarget | None,
) -> None:
    """The method's own checks of its parameters (positive steps, band tables that tile the values once, …)."""
    c.issues(
        path,
        rule_for(method).check(method, weight=weight, quantum=spec.rounding.score, target=target),
    )


def _check_catalogue(c: _Collector, spec: Spec) -> None:
    """Budget-execution methods, bonus items, vetoes and the overshoot deduction."""
    be = spec.budget_execution
    if be is not None and be.method is not None:
        _check_method_params(c, spec, be.method, be.weight, ("budget_execution", "method"), None)
    for _first, dup in _first_index([b.id for b in spec.bonus]):
        c.add(
            "duplicate-id",
            ("bonus", dup, "id"),
            **message(("duplicate-id", "bonus"), id=spec.bonus[dup].id).as_en_zh(),
        )
    for i, item in enumerate(spec.bonus):
        if item.cap <= 0 or not on_grid(item.cap, spec.rounding.score):
            c.add(
                "bonus",
                ("bonus", i, "cap"),
                **message(("bonus", "cap"), item=_named(item)).as_en_zh(),
            )
    names = [g.name for g in spec.grades]
    for _first, dup in _first_index([v.id for v in spec.vetoes]):
        c.add(
            "duplicate-id",
            ("vetoes", dup, "id"),
            **message(("duplicate-id", "veto"), id=spec.vetoes[dup].id).as_en_zh(),
        )
    for i, veto in enumerate(spec.vetoes):
        if veto.grade is not None and veto.grade not in names:
            c.add(
                "veto",
                ("vetoes", i, "grade"),
                **message(
                    ("veto", "grade"), veto=Message(veto.id, veto.name), grade=veto.grade
                ).as_en_zh(),
                suggestion=suggest(veto.grade, names),
            )
        if veto.grade is not None and veto.effect is not VetoEffect.GRADE:
            c.add(
                "veto",
                ("vetoes", i, "grade"),
                **message(("veto", "effect"), veto=Message(veto.id, veto.name)).as_en_zh(),
            )
    od = spec.policy.overshoot_deduction
    if od is not None and od.deduct > 0 and not on_grid(od.deduct, spec.rounding.score):
        c.add(
            "policy",
            ("policy", "overshoot_deduction", "deduct"),
            **message(
                ("policy", "deduct-grid"),
                deduct=show_dec(od.deduct),
                quantum=show_dec(spec.rounding.score),
            ).as_en_zh(),
        )
    if od is not None:
        for key, v, ok in (
            ("threshold", od.threshold, od.threshold >= 1),
            ("per", od.per, od.per > 0),
            ("deduct", od.deduct, od.deduct > 0),
        ):
            if not ok:
                c.add(
                    "policy",
                    ("policy", "overshoot_deduction", key),
                    **message(
                        ("policy", "overshoot-deduction"), key=key, value=show_dec(v)
                    ).as_en_zh(),
                )


def _check_precision(
    c: _Collector, path: PathKey, weight: Decimal, quantum: Decimal, what: str
) -> None:
    """A weight must be a multiple of the quantum its score is rounded to.

    Otherwise rounding can lift a score above its weight (7.5 rounded to whole
    points is 8) or cost points on a met target (2.544 at 0.01 is 2.54).
    """
    if weight <= 0 or not _is_power_of_ten(quantum):
        return  # reported elsewhere
    if (frac(weight) / frac(quantum)).denominator != 1:
        c.add(
            "weight-precision",
            path,
            **message(
                "weight-precision",
                weight=show_dec(weight),
                quantum=show_dec(quantum),
                what=what,
            ).as_en_zh(),
        )


def _check_indicator_target(c: _Collector, spec: Spec, i: int) -> None:
    ind = spec.indicators[i]
    path: PathKey = ("indicators", i)
    method = ind.method
    rule = rule_of(ind)
    if ind.target is None and ind.target_text is None:
        c.add(
            "missing-target",
            path,
            **message("missing-target", indicator=_named(ind)).as_en_zh(),
        )
        return
    if rule.qualitative:
        if ind.target is not None:
            c.add(
                "method-target",
                (*path, "target"),
                **message(
                    ("method-target", "qualitative-target"),
                    indicator=_named(ind),
                    target=ind.target,
                ).as_en_zh(),
            )
        if ind.derive is not None:
            c.add(
                "method-target",
                (*path, "derive"),
                **message(
                    ("method-target", "qualitative-derive"), indicator=_named(ind)
                ).as_en_zh(),
            )
        return
    if ind.target is None:
        c.add(
            "method-target",
            (*path, "method"),
            **message(
                ("method-target", "no-target"),
                indicator=_named(ind),
                method=Message(
                    method.name if method else "ratio",
                    message(("method-target", "quantitative")).zh,
                ),
            ).as_en_zh(),
        )
        return
    t = ind.target
    if isinstance(t, DeviationTarget):
        if not isinstance(method, Deviation):
            c.add(
                "method-target",
                (*path, "method"),
                **message(
                    ("method-target", "deviation"), indicator=_named(ind), target=t
                ).as_en_zh(),
            )
        if t.value <= 0:
            c.add(
                "target-value",
                (*path, "target"),
                **message(
                    ("target-value", "deviation-plan"),
                    indicator=_named(ind),
                    value=show_dec(t.value),
                ).as_en_zh(),
            )
    if t.value < 0:
        c.add(
            "target-value",
            (*path, "target"),
            **message(
                ("target-value", "negative"), indicator=_named(ind), value=show_dec(t.value)
            ).as_en_zh(),
        )
    c.issues((*path, "method"), rule.check_target(method, ind, t))
    if ind.derive is not None and t.unit not in ("%", ""):
        c.add(
            "derive-unit",
            (*path, "derive"),
            **message("derive-unit", indicator=_named(ind), unit=t.unit).as_en_zh(),
        )


class _TierGrid:
    """Every qualitative tier must admit at least one score at the score quantum.

    The tiers that admit none depend on the weight and the quantum only: they
    are worked out once per pair, not once per indicator.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.empty: dict[tuple[Decimal, Decimal], list[tuple[Tier, Fraction, Fraction]]] = {}

    def check(self, c: _Collector, ind: Indicator, path: PathKey) -> None:
        spec = self.spec
        quantum = ind.score_quantum(spec.rounding.score)
        if ind.weight <= 0 or quantum <= 0:
            return
        key = (ind.weight, quantum)
        if key not in self.empty:
            self.empty[key] = _empty_tiers(spec, ind.weight, frac(quantum))
        for tier, lo, hi in self.empty[key]:
            c.add(
                "tier-precision",
                path,
                **message(
                    "tier-precision",
                    indicator=_named(ind),
                    weight=show_dec(ind.weight),
                    quantum=show_dec(quantum),
                    tier=Message(
                        f"{tier.name!r} [{show(lo)}, {show(hi)}{']' if tier.max_inclusive else ')'}",
                        tier.name,
                    ),
                ).as_en_zh(),
            )


def _empty_tiers(spec: Spec, weight: Decimal, q: Fraction) -> list[tuple[Tier, Fraction, Fraction]]:
    """The tiers (with their score ranges) that admit no multiple of ``q`` at ``weight``."""
    out: list[tuple[Tier, Fraction, Fraction]] = []
    wn, wd = weight.as_integer_ratio()
    qn, qd = q.numerator, q.denominator
    for tier in spec.tiers:
        # lo = w × min, hi = w × max; first = ⌈lo / q⌉ × q, the smallest multiple of q ≥ lo (on integers)
        an, ad = tier.min.as_integer_ratio()
        bn, bd = tier.max.as_integer_ratio()
        num, den = wn * an * qd, wd * ad * qn  # lo / q
        if den < 0:
            num, den = -num, -den
        c = -((-num) // den)
        lhs, rhs = (
            c * qn * wd * bd,
            wn * bn * qd,
        )  # first vs hi, over the positive denominator qd·wd·bd
        if qd * wd * bd < 0:
            lhs, rhs = -lhs, -rhs
        if not (lhs < rhs or (tier.max_inclusive and lhs == rhs)):
            lo, hi = tier_range(weight, tier.min, tier.max)
            out.append((tier, lo, hi))
    return out


def _check_bands(c: _Collector, spec: Spec) -> None:
    names = [g.name for g in spec.grades]
    for _first, dup in _first_index(names):
        c.add(
            "duplicate-id",
            ("grades", dup, "name"),
            **message(("duplicate-id", "grade"), grade=names[dup]).as_en_zh(),
        )
    mins = [g.min for g in spec.grades]
    if (
        spec.grades == DEFAULT_GRADES
        and spec.meta.total != 100
        and spec.meta.total < DEFAULT_GRADES[0].min
    ):
        c.add(
            "grades",
            ("meta", "total"),
            **message(("grades", "default"), total=show_dec(spec.meta.total)).as_en_zh(),
        )
    elif not spec.grades:
        c.add("grades", ("grades",), **message(("grades", "none")).as_en_zh())
    else:
        for i in range(1, len(mins)):
            if mins[i] >= mins[i - 1]:
                c.add(
                    "grades",
                    ("grades", i, "min"),
                    **message(("grades", "order")).as_en_zh(),
                )
        if mins[-1] != 0:
            c.add(
                "grades",
                ("grades", len(mins) - 1, "min"),
                **message(("grades", "lowest")).as_en_zh(),
            )
        for i, m in enumerate(mins):
            if m < 0 or m > spec.meta.total:
                c.add(
                    "grades",
                    ("grades", i, "min"),
                    **message(
                        ("grades", "range"), min=show_dec(m), total=show_dec(spec.meta.total)
                    ).as_en_zh(),
                )
    tier_names: list[str] = []
    for i, tier in enumerate(spec.tiers):
        tier_names += [tier.name, *tier.aliases]
        fixed = (
            tier.min == tier.max and tier.max_inclusive
        )  # a fixed share: A/B/C/D = 100/80/60/0 %
        if not (0 <= tier.min <= tier.max <= 1) or (tier.min == tier.max and not fixed):
            c.add(
                "tiers",
                ("tiers", i),
                **message("tiers", tier=tier.name).as_en_zh(),
            )
    for _first, dup in _first_index(tier_names):
        c.add(
            "duplicate-id",
            ("tiers",),
            **message(("duplicate-id", "tier"), name=tier_names[dup]).as_en_zh(),
        )
    _check_tier_synonyms(c, spec, tier_names)
    _check_stated_words(c, spec)
    r = spec.rounding
    for key, q in (("score", r.score), ("total", r.total), ("rate_display", r.rate_display)):
        if not _is_power_of_ten(q):
            c.add(
                "rounding",
                ("rounding", key),
                **message(("rounding", "quantum"), key=key, value=show_dec(q)).as_en_zh(),
            )
    if r.mode != "half_up":
        c.add(
            "rounding",
            ("rounding", "mode"),
            **message(("rounding", "mode"), mode=r.mode).as_en_zh(),
            suggestion="half_up",
        )
    ow = spec.policy.overshoot_warning
    if ow is not None and ow <= 1:
        c.add(
            "policy",
            ("policy", "overshoot_warning"),
            **message(("policy", "overshoot-warning"), value=show_dec(ow)).as_en_zh(),
        )


def validate_actuals(spec: Spec, actuals: Actuals) -> list[Problem]:
    """Every problem of ``actuals`` as the actuals of ``spec`` (empty when they fit).

    Worked out once per pair of (immutable) objects, like :func:`validate_spec`.
    """
    memo: dict[int, tuple[weakref.ref[Spec], tuple[Problem, ...]]] = cached(
        actuals, "validate_actuals", dict
    )
    hit = memo.get(id(spec))
    if hit is None or hit[0]() is not spec:
        hit = memo[id(spec)] = (weakref.ref(spec), tuple(_validate_actuals(spec, actuals)))
    return list(hit[1])


def _validate_actuals(spec: Spec, actuals: Actuals) -> list[Problem]:
    c = _Collector(actuals.source)
    meta = spec.meta
    if actuals.spec is not None and actuals.spec != meta.id:
        c.add(
            "spec-mismatch",
            ("spec",),
            **message("spec-mismatch", given=actuals.spec, spec=meta.id).as_en_zh(),
            suggestion=meta.id,
        )
    if actuals.year is not None and actuals.year != meta.year:
        c.add(
            "year-mismatch",
            ("year",),
            **message("year-mismatch", given=actuals.year, year=meta.year).as_en_zh(),
        )

    spec_ids = {i.id for i in spec.indicators}
    spec_suggest = Suggestions(i.id for i in spec.indicators)
    for given in actuals.indicators:
        if given.id not in spec_ids:
            c.add(
                "unknown-indicator",
                ("indicators", given.id),
                **message(
                    ("unknown-indicator", "actuals"), indicator=given.id, spec=meta.id
                ).as_en_zh(),
                suggestion=spec_suggest(given.id),
            )
    env = amount_env(actuals)
    env_suggest = Suggestions(env)
    tier_names = Suggestions(spec.tier_words())
    for amt in actuals.amounts:
        if amt.value < 0:
            c.add(
                "negative",
                ("amounts", amt.name),
                **message(
                    ("negative", "amount"),
                    amount=Message(amt.name, amt.label or amt.name),
                    value=show_dec(amt.value),
                ).as_en_zh(),
            )

    for ind in spec.indicators:
        act = actuals.indicator(ind.id)
        path: PathKey = ("indicators", ind.id)
        if act is not None and act.own_score is not None:
            _check_own_score(c, ind, act, path)
        if act is not None and act.not_applicable is not None:
            continue  # 不适用: checked in _check_catalogue_actuals
        if (
            act is not None
            and act.deviation is not None
            and not isinstance(ind.target, DeviationTarget)
        ):
            c.add(
                "actual-kind",
                (*path, "deviation"),
                **message(("actual-kind", "deviation"), indicator=_named(ind)).as_en_zh(),
            )
        if act is not None and (act.stated is not None or act.evidence is not None):
            if _check_stated_actual(c, spec, ind, act, path):
                continue  # scored as stated: no value to check
        if ind.derive is not None:
            f_zh, f_en = derive_text(ind.derive)
            formula = Message(f_en, f_zh)
            if act is not None and act.value is not None:
                c.add(
                    "derived-value",
                    (*path, "value"),
                    **message("derived-value", indicator=_named(ind), formula=formula).as_en_zh(),
                )
            missing = False
            for role, name in names_of(ind.derive):
                if name not in env:
                    missing = True
                    close = env_suggest(name)
                    if (
                        close is not None and close not in BUDGET_NAMES
                    ):  # point at the likely misspelling in the actuals
                        c.add(
                            "missing-amount",
                            ("amounts", close),
                            **message(
                                ("missing-amount", "misspelt"),
                                indicator=_named(ind),
                                amount=Message(f"{name!r} ({role})", name),
                                close=close,
                            ).as_en_zh(),
                            suggestion=name,
                        )
                    else:  # nothing close in the actuals, or the spec misspells a budget.* name
                        c.add(
                            "missing-amount",
                            ("amounts",),
                            **message(
                                ("missing-amount", "absent"),
                                indicator=_named(ind),
                                amount=Message(f"{name!r} ({role})", name),
                            ).as_en_zh(),
                            suggestion=close,
                        )
                    continue
                if role == "denominator" and env[name] == 0:
                    c.add(
                        "zero-denominator",
                        ("amounts", name),
                        **message(
                            ("zero-denominator", "amount"), amount=name, indicator=_named(ind)
                        ).as_en_zh(),
                    )
                    missing = True
            if not missing and all(
                env[n] >= 0 for _, n in names_of(ind.derive)
            ):  # negatives: reported above
                try:
                    derived = derive_compute(ind.derive, env)
                except FormulaZeroDivision as exc:
                    c.add(
                        "zero-denominator",
                        ("amounts",),
                        **message(
                            ("zero-denominator", "formula"),
                            indicator=_named(ind),
                            formula=formula,
                            divisor=exc.divisor_text,
                        ).as_en_zh(),
                    )
                else:
                    _check_derived_value(c, ind, derived, formula)
            continue
        if act is None:
            c.add(
                "missing-actual",
                ("indicators",),
                **message(("missing-actual", "none"), id=ind.id, name=ind.name).as_en_zh(),
            )
            continue
        if act.not_applicable is not None:
            continue  # checked with the other 不适用 entries below
        if (
            rule_of(ind).counts
            and act.value is not None
            and act.value != act.value.to_integral_value()
        ):
            c.add(
                "actual-kind",
                (*path, "value"),
                **message(("actual-kind", "count"), indicator=_named(ind)).as_en_zh(),
            )
        if ind.is_qualitative:
            _check_qualitative_actual(c, spec, ind, act, path, tier_names)
        else:
            if act.tier is not None or act.score is not None:
                c.add(
                    "actual-kind",
                    (*path, "tier" if act.tier is not None else "score"),
                    **message(("actual-kind", "quantitative"), indicator=_named(ind)).as_en_zh(),
                )
            if act.value is None:
                c.add(
                    "missing-actual",
                    path,
                    **message(("missing-actual", "value"), indicator=_named(ind)).as_en_zh(),
                )
            elif act.value < 0:
                c.add(
                    "negative",
                    (*path, "value"),
                    **message(
                        ("negative", "value"), indicator=_named(ind), value=show_dec(act.value)
                    ).as_en_zh(),
                )

    _check_catalogue_actuals(c, spec, actuals, env)
    be = spec.budget_execution
    b = actuals.budget
    if be is not None and b is None:
        c.add(
            "missing-budget",
            ("budget",),
            **message(("missing-budget", "actuals")).as_en_zh(),
        )
    if b is not None:
        for key in ("full_year", "spent", "initial"):
            v = getattr(b, key)
            if v is not None and v < 0:
                c.add(
                    "negative",
                    ("budget", key),
                    **message(("negative", "budget"), key=key, value=show_dec(v)).as_en_zh(),
                )
        base_value = b.full_year
        if be is not None and be.base is ExecutionBase.INITIAL:
            if b.initial is None:
                c.add(
                    "missing-budget",
                    ("budget",),
                    **message(("missing-budget", "initial")).as_en_zh(),
                )
            base_value = b.initial if b.initial is not None else Decimal(1)
        if be is not None and base_value == 0:
            c.add(
                "zero-denominator",
                ("budget", be.base.value),
                **message(("zero-denominator", "budget")).as_en_zh(),
            )
        for li, line in enumerate(b.lines):
            for key in ("full_year", "spent", "initial"):
                v = getattr(line, key)
                if v is not None and v < 0:
                    c.add(
                        "negative",
                        ("budget", "lines", li, key),
                        **message(("negative", "budget-line"), line=line.name, key=key).as_en_zh(),
                    )
    return c.problems


def _check_stated_actual(
    c: _Collector, spec: Spec, ind: Indicator, act: IndicatorActual, path: PathKey
) -> bool:
    """A result stated in words (据陈述): a declared word of a numeric target, with its evidence.

    ``True`` when the entry is a stated result of a quantitative, typed-in indicator (its
    value is not checked then).
    """
    word = act.stated
    if word is None:
        c.add(
            "stated-evidence",
            (*path, "evidence"),
            **message(("stated-evidence", "no-stated"), indicator=_named(ind)).as_en_zh(),
        )
        return False
    if ind.is_qualitative:
        c.add(
            "actual-kind",
            (*path, "stated"),
            **message(("actual-kind", "stated-qualitative"), indicator=_named(ind)).as_en_zh(),
        )
        return False
    if ind.derive is not None:
        c.add(
            "actual-kind",
            (*path, "stated"),
            **message(("actual-kind", "stated-derived"), indicator=_named(ind)).as_en_zh(),
        )
        return False
    if act.value is not None:
        c.add(
            "actual-kind",
            (*path, "value"),
            **message(
                ("actual-kind", "value-and-stated"), indicator=_named(ind), word=word
            ).as_en_zh(),
        )
    words = spec.stated
    if words is None:
        c.add(
            "stated-actual",
            (*path, "stated"),
            **message(("stated-actual", "undeclared"), indicator=_named(ind), word=word).as_en_zh(),
        )
    elif words.meaning(word) is None:
        known = [*words.met, *words.not_met]
        none = message(("stated-actual", "no-words"))
        c.add(
            "stated-actual",
            (*path, "stated"),
            **message(
                ("stated-actual", "unknown-word"),
                indicator=_named(ind),
                word=word,
                met=listing(words.met) if words.met else none,
                not_met=listing(words.not_met) if words.not_met else none,
            ).as_en_zh(),
            suggestion=suggest(word, known),
        )
    if act.evidence is None or not act.evidence.strip():
        c.add(
            "stated-evidence",
            path,
            **message("stated-evidence", indicator=_named(ind), word=word).as_en_zh(),
        )
    return True


def _check_own_score(c: _Collector, ind: Indicator, act: IndicatorActual, path: PathKey) -> None:
    """表内得分（单位自填）: a score in 0..weight with its reason, on a scored row without deductions."""
    own = act.own_score
    assert own is not None
    where: PathKey = (*path, "own_score")
    if not own.reason.strip():
        c.add(
            "own-score-reason",
            (*where, "reason"),
            **message(
                "own-score-reason", indicator=_named(ind), score=show_dec(own.score)
            ).as_en_zh(),
        )
    if own.score < 0 or own.score > ind.weight:
        c.add(
            "own-score-range",
            (*where, "score"),
            **message(
                "own-score-range",
                indicator=_named(ind),
                score=show_dec(own.score),
                weight=show_dec(ind.weight),
            ).as_en_zh(),
        )
    if act.not_applicable is not None:
        c.add(
            "own-score-kind",
            where,
            **message(("own-score-kind", "not-applicable"), indicator=_named(ind)).as_en_zh(),
        )
    if act.deductions:
        c.add(
            "own-score-kind",
            where,
            **message(("own-score-kind", "deductions"), indicator=_named(ind)).as_en_zh(),
        )


def _check_stated_words(c: _Collector, spec: Spec) -> None:
    """The [stated] declaration: words on both lists never, shares in 0..1, met at least not met."""
    words = spec.stated
    if words is None:
        return
    path: PathKey = ("stated",)
    if not words.met and not words.not_met:
        c.add(
            "stated-words",
            path,
            **message(("stated-words", "none")).as_en_zh(),
        )
    for key, listed in (("met", words.met), ("not_met", words.not_met)):
        for i, word in enumerate(listed):
            if not word.strip():
                c.add(
                    "stated-words",
                    (*path, key, i),
                    **message(("stated-words", "blank")).as_en_zh(),
                )
            elif key == "not_met" and word in words.met:
                c.add(
                    "stated-words",
                    (*path, key, i),
                    **message(("stated-words", "both"), word=word).as_en_zh(),
                )
    for key, share in (("met_share", words.met_share), ("not_met_share", words.not_met_share)):
        if not 0 <= share <= 1:
            c.add(
                "stated-words",
                (*path, key),
                **message(("stated-words", "share"), key=key, value=show_dec(share)).as_en_zh(),
            )
    if words.not_met_share > words.met_share:
        c.add(
            "stated-words",
            (*path, "not_met_share"),
            **message(("stated-words", "order")).as_en_zh(),
        )


def _check_derived_value(c: _Collector, ind: Indicator, value: Fraction, formula: Message) -> None:
    """A derived actual must suit its method: ≥ 0 unless the rule reads below 0; a whole count."""
    rule = rule_of(ind)
    below_zero_ok = rule.reads_below_zero(ind.method)
    if value < 0 and not below_zero_ok:
        c.add(
            "negative",
            ("indicators", ind.id),
            **message(
                ("negative", "derived"), indicator=_named(ind), formula=formula, value=show(value)
            ).as_en_zh(),
        )
    if rule.counts and value.denominator != 1:
        c.add(
            "actual-kind",
            ("indicators", ind.id),
            **message(
                ("actual-kind", "derived-count"),
                indicator=_named(ind),
                formula=formula,
                value=show(value),
            ).as_en_zh(),
        )


def _name_of(spec: Spec, indicator_id: str) -> str:
    try:
        return spec.indicator(indicator_id).name
    except KeyError:
        return indicator_id


def _check_catalogue_actuals(
    c: _Collector, spec: Spec, actuals: Actuals, env: dict[str, Fraction]
) -> None:
    """不适用 entries, manual deductions, bonus awards, veto triggers and stated figures."""
    q = spec.rounding.score
    own_quanta = {i.id: i.round_to for i in spec.indicators if i.round_to is not None}
    dropped = 0
    for act in actuals.indicators:
        path: PathKey = ("indicators", act.id)
        if act.not_applicable is not None:
            dropped += 1
            if not act.not_applicable.strip():
                c.add(
                    "reason",
                    (*path, "not_applicable"),
                    **message(("reason", "not-applicable")).as_en_zh(),
                )
            if (
                act.value is not None
                or act.tier is not None
                or act.score is not None
                or act.deductions
            ):
                c.add(
                    "actual-kind",
                    (*path, "not_applicable"),
                    **message(
                        ("actual-kind", "not-applicable"),
                        indicator=Message(act.id, _name_of(spec, act.id)),
                    ).as_en_zh(),
                )
        grid = _entry_grid(spec, own_quanta.get(act.id))
        for j, d in enumerate(act.deductions):
            if d.points <= 0 or not on_grid(d.points, grid):
                shown = {"quantum": show_dec(grid), "points": show_dec(d.points)}
                c.add(
                    "deduction",
                    (*path, "deductions", j, "points"),
                    **(
                        message("deduction", **shown)
                        if grid == q
                        else message(("deduction", "round-to"), **shown)
                    ).as_en_zh(),
                )
            if not d.reason.strip():
                c.add(
                    "reason",
                    (*path, "deductions", j, "reason"),
                    **message(("reason", "deduction")).as_en_zh(),
                )
    if spec.indicators and dropped >= len(spec.indicators):
        c.add(
            "not-applicable",
            ("indicators",),
            **message("not-applicable").as_en_zh(),
        )
    items: dict[str, BonusItem] = {}
    for b in spec.bonus:
        items.setdefault(b.id, b)
    bonus_ids = Suggestions(items)
    for award in actuals.bonus:
        path = ("bonus", award.id)
        item = items.get(award.id)
        if item is None:
            c.add(
                "unknown-bonus",
                path,
                **message("unknown-bonus", item=award.id).as_en_zh(),
                suggestion=bonus_ids(award.id),
            )
            continue
        if award.points <= 0 or award.points > item.cap or not on_grid(award.points, q):
            c.add(
                "bonus",
                (*path, "points"),
                **message(
                    ("bonus", "points"),
                    item=Message(award.id, item.name),
                    points=show_dec(award.points),
                    cap=show_dec(item.cap),
                ).as_en_zh(),
            )
        if not award.reason.strip():
            c.add(
                "reason",
                (*path, "reason"),
                **message(("reason", "bonus")).as_en_zh(),
            )
    veto_ids = {v.id for v in spec.vetoes}
    veto_suggest = Suggestions(v.id for v in spec.vetoes)
    for trig in actuals.vetoes:
        if trig.id not in veto_ids:
            c.add(
                "unknown-veto",
                ("vetoes", trig.id),
                **message("unknown-veto", veto=trig.id).as_en_zh(),
                suggestion=veto_suggest(trig.id),
            )
        elif not trig.reason.strip():
            c.add(
                "reason",
                ("vetoes", trig.id),
                **message(("reason", "veto")).as_en_zh(),
            )
    for fig in actuals.figures:
        path = ("figures", fig.name, "formula")
        unknown = fig.formula.check(env)
        for err in unknown:
            c.add(
                "missing-amount",
                path,
                **message(
                    ("missing-amount", "figure"), figure=fig.name, error=Message(err.en, err.zh)
                ).as_en_zh(),
            )
        if not unknown:
            try:
                derive_compute(fig.formula, env)
            except FormulaZeroDivision as exc:
                c.add(
                    "zero-denominator",
                    path,
                    **message(
                        ("zero-denominator", "figure"), figure=fig.name, divisor=exc.divisor_text
                    ).as_en_zh(),
                )


def _check_qualitative_actual(
    c: _Collector,
    spec: Spec,
    ind: Indicator,
    act: IndicatorActual,
    path: PathKey,
    tier_names: Suggestions,
) -> None:
    if act.value is not None:
        c.add(
            "actual-kind",
            (*path, "value"),
            **message(("actual-kind", "qualitative"), indicator=_named(ind)).as_en_zh(),
        )
    if act.tier is None:
        c.add(
            "missing-actual",
            path,
            **message(
                ("missing-actual", "tier"),
                indicator=_named(ind),
                tiers=slashed(t.name for t in spec.tiers),
            ).as_en_zh(),
        )
        return
    try:
        tier = spec.tier(act.tier)
    except KeyError:
        c.add(
            "unknown-tier",
            (*path, "tier"),
            **message(("unknown-tier", "actual"), indicator=_named(ind), tier=act.tier).as_en_zh(),
            suggestion=tier_names(act.tier),
        )
        return
    lo, hi = tier_range(ind.weight, tier.min, tier.max)
    grid = _entry_grid(spec, ind.round_to)
    if act.score is not None and (frac(act.score) / frac(grid)).denominator != 1:
        fields = {"indicator": _named(ind), "score": show_dec(act.score), "quantum": show_dec(grid)}
        c.add(
            "score-precision",
            (*path, "score"),
            **(
                message("score-precision", **fields)
                if grid == spec.rounding.score
                else message(("score-precision", "round-to"), **fields)
            ).as_en_zh(),
        )
    elif act.score is not None:
        s = frac(act.score)
        inside = lo <= s and (s <= hi if tier.max_inclusive else s < hi)
        if not inside:
            close = "]" if tier.max_inclusive else ")"
            c.add(
                "score-outside-tier",
                (*path, "score"),
                **message(
                    "score-outside-tier",
                    indicator=_named(ind),
                    score=show_dec(act.score),
                    tier=tier.name,
                    low=show(lo),
                    high=show(hi),
                    close=close,
                    weight=show_dec(ind.weight),
                ).as_en_zh(),
            )
    elif spec.policy.qualitative_default is QualitativeDefault.REQUIRE_SCORE and not (
        tier.max_inclusive and tier.max == 1
    ):
        c.add(
            "missing-score",
            (*path, "score"),
            **message("missing-score", indicator=_named(ind), tier=tier.name).as_en_zh(),
        )


def tier_range(weight: Decimal, lo: Decimal, hi: Decimal) -> tuple[Fraction, Fraction]:
    """The score range a tier admits for ``weight``."""
    return frac(weight) * frac(lo), frac(weight) * frac(hi)
