"""Stock properties: plain functions that raise :class:`AssertionError` saying what broke.

Each ``check_*`` takes a spec and actuals (valid for it), evaluates them with
``evaluate`` (``perfrules.evaluate`` unless you pass another — a wrapper of
yours, or a deliberately broken one to see the property fail), and checks one
thing the scoring rules promise. Each returns ``True`` when the property
applied and held, ``False`` when it had nothing to check (e.g. no indicator
whose score is monotone). They work inside ``@given`` tests and on their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NoReturn

import attrs

from perfrules._errors import SpecError
from perfrules.core import (
    Evaluation,
    IndicatorResult,
    evaluate,
    spec_sha256,
    to_document,
    to_json,
)
from perfrules.loading import dumps_actuals, dumps_spec, loads_actuals, loads_spec
from perfrules.model import (
    Actuals,
    Amount,
    BudgetExecution,
    Derivation,
    ExecutionBase,
    ExecutionPolicy,
    Formula,
    Indicator,
    IndicatorActual,
    Spec,
    VetoEffect,
    WeightPrecision,
)
from perfrules.testing._numbers import exact_decimal, on_grid, round_half_up, show, simple_ratio
from perfrules.testing._rules import (
    RATIO_FAMILY,
    Shape,
    budget_full_rate,
    budget_shape,
    full_marks_tier,
    full_marks_value,
    indicator_shape,
    method_name,
    stated_outcome,
)

Evaluate = Callable[[Spec, Actuals], Evaluation]
"""The evaluation under test: ``perfrules.evaluate`` or anything with its signature."""

DEFAULT_DELTAS: tuple[Decimal, ...] = (Decimal("0.01"), Decimal(1), Decimal(10**6))
"""How far :func:`check_monotone` moves each actual by default: a little, a unit, and past every
edge."""


def _fail(prop: str, message: str) -> NoReturn:
    raise AssertionError(f"[{prop}] {message}")


def _label(ind: Indicator) -> str:
    target = f", target {ind.target_display}" if ind.target_display else ""
    return f"indicator {ind.id!r} ({method_name(ind)}{target})"


# ---------------------------------------------------------------------------
# policy.weight_precision = "allow": the rule as written, rounding may pass the weight


def _allows(spec: Spec) -> bool:
    """Whether the spec declares ``policy.weight_precision = "allow"``: a weight finer than the
    quantum its row is rounded to is scored as written (the clamped raw score is rounded)."""
    return spec.policy.weight_precision is WeightPrecision.ALLOW


def _row_quantum(spec: Spec, ind: Indicator) -> Decimal:
    """The quantum an indicator's score is rounded to: its ``round_to``, else ``rounding.score``."""
    return spec.rounding.score if ind.round_to is None else ind.round_to


def _budget_quantum(spec: Spec, block: BudgetExecution) -> Decimal:
    """The quantum the budget row's score is rounded to: whole points under ``round_whole`` (no
    method), else ``rounding.score``."""
    whole = block.method is None and block.policy is ExecutionPolicy.ROUND_WHOLE
    return Decimal(1) if whole else spec.rounding.score


def _top(spec: Spec, weight: Decimal, quantum: Decimal) -> Fraction:
    """The highest score a row of ``weight`` rounded to ``quantum`` can reach, and the score of a
    met target: the weight; under ``"allow"`` the weight rounded half-up to the quantum (the raw
    score is at most the weight, and rounding it is monotone): 4.5 → 5 and 4.4 → 4 at whole
    points."""
    return round_half_up(Fraction(weight), quantum) if _allows(spec) else Fraction(weight)


def _as_allowed(weight: Decimal, quantum: Decimal, top: Fraction) -> str:
    return (
        f"its weight {show(Fraction(weight))} rounded half-up to {show(Fraction(quantum))} = "
        f"{show(top)} (policy.weight_precision = allow)"
    )


# ---------------------------------------------------------------------------
# bounds


def check_score_bounds(spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate) -> bool:
    """Every score lies in [0, weight] on its rounding grid; subtotals and the total in their range.

    Indicators: 0 ≤ score ≤ weight, a multiple of the row's quantum (its
    ``round_to``, else ``rounding.score``), lost =
    weight − score; a 不适用 indicator scores 0 and loses nothing. The budget
    row likewise (whole points under ``round_whole``). Subtotals lie in
    [0, applicable weight]. The total is ≥ 0, on the ``rounding.total`` grid,
    and at most ``meta.total`` unless bonus points may lift it
    (``policy.total_cap = false``).

    Under ``policy.weight_precision = "allow"`` a score is its clamped raw
    score (at most the weight) rounded half-up, so its upper bound is the
    weight rounded half-up to the row's quantum (a 4.5 at whole points scores
    up to 5, lost −0.5); a subtotal's is the sum of those bounds over its
    applicable rows, and the total's what the total rule gives with every
    applicable row (and the budget row) at its bound — at most ``meta.total``
    again when bonus points are awarded under ``total_cap``.
    """
    prop = "score_bounds"
    ev = evaluate(spec, actuals)
    if [r.id for r in ev.indicators] != [i.id for i in spec.indicators]:
        _fail(
            prop,
            f"the results {[r.id for r in ev.indicators]} are not "
            f"the spec's indicators {[i.id for i in spec.indicators]}",
        )
    q = spec.rounding.score
    allow = _allows(spec)
    tops: dict[str, Fraction] = {}  # "allow": Σ of the applicable rows' bounds, by leaf category
    for ind, res in zip(spec.indicators, ev.indicators, strict=True):
        if res.weight != ind.weight:
            _fail(
                prop,
                f"{_label(ind)} has weight {res.weight} in the result, {ind.weight} in the spec",
            )
        if not res.applicable:
            if res.score != 0 or res.lost != 0:
                _fail(
                    prop,
                    f"{_label(ind)} is not applicable yet scores {res.score} "
                    f"(lost {res.lost}); it must score 0 and lose nothing",
                )
            continue
        top = _top(spec, ind.weight, _row_quantum(spec, ind))
        tops[ind.category] = tops.get(ind.category, Fraction(0)) + top
        if not 0 <= Fraction(res.score) <= top:
            _fail(
                prop,
                f"{_label(ind)} scores {res.score}, outside [0, {res.weight}]"
                if not allow
                else f"{_label(ind)} scores {res.score}, outside [0, {show(top)}]: "
                + _as_allowed(ind.weight, _row_quantum(spec, ind), top),
            )
        if ind.round_to is None and not on_grid(res.score, q):
            _fail(prop, f"{_label(ind)} scores {res.score}, not a multiple of rounding.score = {q}")
        if ind.round_to is not None and not on_grid(res.score, ind.round_to):
            _fail(
                prop,
                f"{_label(ind)} scores {res.score}, not a multiple of its round_to = "
                f"{show(Fraction(ind.round_to))}",
            )
        if res.lost != res.weight - res.score:
            _fail(
                prop,
                f"{_label(ind)}: lost {res.lost} is not weight − score = {res.weight - res.score}",
            )
    be, block = ev.budget_execution, spec.budget_execution
    budget_top = Fraction(0)
    if be is not None and block is not None:
        quantum = _budget_quantum(spec, block)
        budget_top = _top(spec, block.weight, quantum)
        if not 0 <= Fraction(be.score) <= budget_top or be.weight != block.weight:
            _fail(
                prop,
                f"the budget row scores {be.score} of weight "
                f"{be.weight} (spec: {block.weight}), outside [0, weight]"
                + ("" if not allow else ": " + _as_allowed(block.weight, quantum, budget_top)),
            )
        if not on_grid(be.score, quantum):
            _fail(prop, f"the budget row scores {be.score}, not a multiple of {quantum}")
        if be.lost != be.weight - be.score:
            _fail(prop, f"the budget row: lost {be.lost} is not weight − score")
    below = _below(spec, tops) if allow else {}
    for cat in ev.categories:
        limit = cat.weight if cat.applicable_weight is None else cat.applicable_weight
        if allow:  # Σ of the bounds of the applicable rows anywhere below it
            bound = below.get(cat.id, Fraction(0))
            if not 0 <= Fraction(cat.score) <= bound:
                _fail(
                    prop,
                    f"category {cat.id!r} subtotal {cat.score} lies outside [0, {show(bound)}], "
                    "the sum of its applicable rows' weights each rounded half-up to its row's "
                    "quantum (policy.weight_precision = allow)",
                )
        elif not Decimal(0) <= cat.score <= limit:
            _fail(prop, f"category {cat.id!r} subtotal {cat.score} lies outside [0, {limit}]")
    if ev.total < 0:
        _fail(prop, f"the total {ev.total} is negative")
    lifted = bool(actuals.bonus) and not spec.policy.total_cap
    if allow and not lifted:
        T = Fraction(spec.meta.total)
        raw = sum(tops.values(), budget_top)
        na = sum((Fraction(r.weight) for r in ev.indicators if not r.applicable), Fraction(0))
        if na:
            raw = raw * T / (T - na)  # 按百分制折算
        capped = bool(actuals.bonus) and spec.policy.total_cap
        bound = T if capped else round_half_up(raw, spec.rounding.total)
        if ev.total > bound:
            _fail(
                prop,
                f"the total {ev.total} exceeds {show(bound)}, "
                + (
                    "meta.total (bonus points awarded under total_cap)"
                    if capped
                    else "what the total rule gives with every applicable row at its weight "
                    "rounded half-up to its quantum (policy.weight_precision = allow)"
                ),
            )
    elif not lifted and ev.total > spec.meta.total:
        _fail(prop, f"the total {ev.total} exceeds meta.total = {spec.meta.total}")
    if not on_grid(ev.total, spec.rounding.total):
        _fail(
            prop,
            f"the total {ev.total} is not a multiple of rounding.total = {spec.rounding.total}",
        )
    return True


def _below(spec: Spec, by_leaf: dict[str, Fraction]) -> dict[str, Fraction]:
    """Each category's sum of ``by_leaf`` over the leaf categories at or below it."""
    parent = {c.id: c.parent for c in spec.categories}
    out: dict[str, Fraction] = {}
    for leaf, value in by_leaf.items():
        seen: set[str] = set()
        at: str | None = leaf
        while at is not None and at not in seen:
            seen.add(at)
            out[at] = out.get(at, Fraction(0)) + value
            at = parent.get(at)
    return out


# ---------------------------------------------------------------------------
# total and subtotals


def check_total(spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate) -> bool:
    """The total follows the documented rule (``_evaluate._total``), exactly.

    total = Σ 一级 subtotals + the budget row; with 不适用 indicators,
    × meta.total ÷ (meta.total − their weight) (按百分制折算); + bonus points,
    capped at meta.total under ``policy.total_cap``; 0 when a ``zero`` veto is
    triggered; rounded half-up to ``rounding.total``. With no 不适用, bonus or
    veto that is the plain sum (exactly, whenever the sum is on the
    ``rounding.total`` grid). Also: ``total_weight`` is meta.total, ``lost``
    is meta.total − total (never below 0), the bonus and veto results are the
    ones the actuals award and trigger, and the budget row is there exactly
    when the spec has one.
    """
    prop = "total"
    ev = evaluate(spec, actuals)
    T = spec.meta.total
    if ev.total_weight != T:
        _fail(prop, f"total_weight {ev.total_weight} is not meta.total = {T}")
    if (ev.budget_execution is None) != (spec.budget_execution is None):
        _fail(
            prop,
            "the budget row is present in the result exactly "
            "when the spec declares [budget_execution]",
        )
    tops = [c for c in ev.categories if c.level == 1]
    if sorted(c.id for c in tops) != sorted(c.id for c in spec.categories if c.parent is None):
        _fail(prop, f"the top subtotals {[c.id for c in tops]} are not the spec's top categories")
    budget = ev.budget_execution.score if ev.budget_execution is not None else Decimal(0)
    plain = sum((c.score for c in tops), Decimal(0)) + budget
    raw = Fraction(plain)
    how = [f"Σ 一级 subtotals + budget = {plain}"]
    na_given = sorted(a.id for a in actuals.indicators if a.not_applicable is not None)
    dropped = [r for r in ev.indicators if not r.applicable]
    if sorted(r.id for r in dropped) != na_given:
        _fail(
            prop,
            f"indicators {na_given} are 不适用 in the actuals, but "
            f"{sorted(r.id for r in dropped)} are in the result",
        )
    if dropped:
        na_weight = sum((Fraction(r.weight) for r in dropped), Fraction(0))
        raw = raw / (Fraction(T) - na_weight) * Fraction(T)
        how.append(f"rescaled × {T} ÷ ({T} − {show(na_weight)}) = {show(raw)}")
    if actuals.bonus:
        raw += sum((Fraction(b.points) for b in actuals.bonus), Fraction(0))
        how.append(f"+ bonus = {show(raw)}")
        if spec.policy.total_cap and raw > T:
            raw = Fraction(T)
            how.append(f"capped at {T}")
    zero = [
        v.id
        for v in spec.vetoes
        if v.effect is VetoEffect.ZERO and v.id in {t.id for t in actuals.vetoes}
    ]
    if zero:
        raw = Fraction(0)
        how.append(f"veto {zero[0]!r} sets it to 0")
    expected = round_half_up(raw, spec.rounding.total)
    if Fraction(ev.total) != expected:
        if not dropped and not actuals.bonus and not zero:
            _fail(
                prop,
                f"the total {ev.total} is not Σ 一级 subtotals + budget = {plain}"
                + (
                    f" (rounded to {spec.rounding.total}: {show(expected)})"
                    if Fraction(plain) != expected
                    else ""
                ),
            )
        _fail(
            prop,
            f"the total is {ev.total}, the documented rule gives {show(expected)}: "
            + "; ".join(how),
        )
    if ev.lost != max(T - ev.total, Decimal(0)):
        _fail(
            prop,
            f"lost {ev.lost} is not max(meta.total − total, 0) = {max(T - ev.total, Decimal(0))}",
        )
    if [(b.id, b.points) for b in ev.bonus] != [(b.id, b.points) for b in actuals.bonus]:
        _fail(
            prop,
            f"bonus results {[(b.id, b.points) for b in ev.bonus]} "
            "are not the awards in the actuals",
        )
    if [v.id for v in ev.vetoes] != [t.id for t in actuals.vetoes]:
        _fail(
            prop, f"veto results {[v.id for v in ev.vetoes]} are not the vetoes the actuals trigger"
        )
    return True


def check_subtotals(spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate) -> bool:
    """Every subtotal is the exact sum of its children (sub-categories, or the indicators of a
    leaf), at every level.

    Also: the results hold exactly the spec's categories with their levels
    (1 at the top, one more per parent above), parents, weights and goal
    marks, each after its parent; and ``applicable_weight`` is the weight of
    the applicable indicators anywhere below a category when some are 不适用
    (else ``None``).
    """
    prop = "subtotals"
    ev = evaluate(spec, actuals)
    if sorted(c.id for c in ev.categories) != sorted(c.id for c in spec.categories):
        _fail(prop, f"the subtotals {[c.id for c in ev.categories]} are not the spec's categories")
    seen: set[str] = set()
    for cat in ev.categories:
        sc = spec.category(cat.id)
        level, up = 1, sc.parent
        while up is not None:
            level, up = level + 1, spec.category(up).parent
        if (
            cat.level != level
            or cat.parent != sc.parent
            or cat.weight != sc.weight
            or cat.goal != sc.goal
        ):
            _fail(
                prop,
                f"category {cat.id!r}: level {cat.level}, "
                f"parent {cat.parent!r}, weight {cat.weight}, "
                f"goal {cat.goal} do not match the spec (level {level})",
            )
        if cat.parent is not None and cat.parent not in seen:
            _fail(prop, f"category {cat.id!r} is listed before its parent {cat.parent!r}")
        seen.add(cat.id)
        kids = [k.id for k in spec.categories if k.parent == cat.id]
        below = set(kids)
        frontier = list(kids)
        while frontier:
            nxt = [k.id for k in spec.categories if k.parent in frontier]
            below.update(nxt)
            frontier = nxt
        if kids:
            results = ev.children(cat.id)
            if sorted(r.id for r in results) != sorted(kids):
                _fail(
                    prop,
                    f"category {cat.id!r}: its sub-category subtotals "
                    f"{[r.id for r in results]} are not {kids}",
                )
            total = sum((r.score for r in results), Decimal(0))
            parts = [r for r in ev.indicators if r.category in below]
        else:
            parts = list(ev.indicators_in(cat.id))
            total = sum((r.score for r in parts), Decimal(0))
        if cat.score != total:
            _fail(
                prop,
                f"category {cat.id!r} subtotal is {cat.score}, but its children add up to {total}",
            )
        applicable = sum((r.weight for r in parts if r.applicable), Decimal(0))
        expected = None if applicable == cat.weight else applicable
        if cat.applicable_weight != expected:
            _fail(
                prop,
                f"category {cat.id!r}: applicable_weight "
                f"{cat.applicable_weight} should be {expected}",
            )
    return True


# ---------------------------------------------------------------------------
# grade


def check_grade(spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate) -> bool:
    """The grade is the first band, from the top, whose ``min`` the total reaches.

    A triggered ``grade`` veto imposes its grade (the lowest band when it names
    none; the lowest of several) unless the total earns a lower one: a veto
    never improves a grade.
    """
    prop = "grade"
    ev = evaluate(spec, actuals)
    bands = spec.grades
    names = [b.name for b in bands]
    shown = ", ".join(f"{b.name}≥{b.min}" for b in bands)
    earned = next((b for b in bands if ev.total >= b.min), None)
    if earned is None:
        _fail(prop, f"the total {ev.total} reaches no grade band ({shown})")
    triggered = {t.id for t in actuals.vetoes}
    imposed = [
        v.grade or names[-1]
        for v in spec.vetoes
        if v.id in triggered and v.effect is VetoEffect.GRADE
    ]
    if imposed:
        expected = max([*imposed, earned.name], key=names.index)
        if ev.grade != expected:
            _fail(
                prop,
                f"grade veto(es) impose {sorted(set(imposed))}, "
                f"the total {ev.total} earns {earned.name!r}: "
                f"the grade must be the lower, {expected!r}, not {ev.grade!r}",
            )
        return True
    if ev.grade != earned.name:
        _fail(
            prop,
            f"the total {ev.total} earns {earned.name!r} "
            f"(bands {shown}), but the grade is {ev.grade!r}",
        )
    idx = names.index(ev.grade)
    if ev.total < bands[idx].min or (idx > 0 and ev.total >= bands[idx - 1].min):
        _fail(prop, f"the total {ev.total} does not lie in the band of {ev.grade!r} ({shown})")
    return True


# ---------------------------------------------------------------------------
# explanations


def _overshoot_applies(spec: Spec, ind: Indicator, actual: Fraction | None) -> bool:
    """Whether ``policy.overshoot_deduction`` bites on this indicator at this actual."""
    od = spec.policy.overshoot_deduction
    t = ind.target
    if od is None or t is None or actual is None or method_name(ind) not in RATIO_FAMILY:
        return False
    if t.comparator.direction == "negative" or t.value <= 0:
        return False
    return actual / Fraction(t.value) > Fraction(od.threshold)


def check_explained(spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate) -> bool:
    """Every point lost is explained, every result ends with its rule, a met target earns its
    weight.

    For each applicable indicator and the budget row: the steps end with a
    ``rule`` step citing the rule applied (the spec's own ``rule`` last when it
    declares one); a reason (扣分原因) and a ``deduction`` step exactly when
    points are lost; each manual deduction's reason appears in the reason and
    in a ``deduction`` step. A met target earns the full weight under ratio,
    step and per-occurrence scoring (without deductions), and a qualitative
    row scores inside its tier (without deductions: rounding, at the row's own
    quantum, never carries it across an edge); a row that declares its own
    ``round_to`` says so in a first ``policy`` step. A 不适用 indicator is
    marked so.
    An overshoot deduction that rounds away (``partial = "proportional"``)
    may leave its ``deduction`` step, but no reason. A result stated in words
    (据陈述) is scored by the method ``stated``, never computed: met exactly for
    a declared met word, its declared share of the weight (rounded half-up,
    before deductions, to the row's quantum), the mark 据陈述 and its evidence
    in the actual shown and in the first step (after the ``round_to`` policy
    step of a row that declares one). A row that loses nothing says nothing
    of full marks (no why-not); the budget row that loses points says what
    would have earned them.

    Under ``policy.weight_precision = "allow"`` a met target scores its
    weight rounded half-up to the row's quantum (4.5 → 5, 4.4 → 4 at whole
    points: points lost to rounding alone have a reason too), an inclusive
    tier's top score is rounded the same way, and a row whose weight is
    finer than its quantum has no score equal to its weight, so no why-not
    threshold (``full_marks`` ``None``; the budget row: a sentence without
    threshold).
    """
    prop = "explained"
    ev = evaluate(spec, actuals)
    allow = _allows(spec)
    given = {a.id: a for a in actuals.indicators}
    for ind in spec.indicators:
        res = ev.indicator(ind.id)
        act = given.get(ind.id)
        if not res.applicable:
            if (
                act is None
                or act.not_applicable is None
                or res.method != "not_applicable"
                or res.reason is not None
            ):
                _fail(
                    prop,
                    f"{_label(ind)} is marked not applicable without "
                    "a not_applicable actual (or with a reason)",
                )
            continue
        if act is not None and act.not_applicable is not None:
            _fail(prop, f"{_label(ind)} is 不适用 in the actuals but was scored")
        rules = [s.zh for s in res.steps if s.kind == "rule"]
        stated_rule = (  # a stated result cites the rule that admits it, after the row's own
            spec.stated.rule
            if act is not None and act.stated is not None and spec.stated is not None
            else None
        )
        cited = [
            *([ind.rule.document] if ind.rule is not None else []),
            *([stated_rule.document] if stated_rule is not None else []),
            *([res.citation.document] if res.citation is not None else []),
        ]
        if len(rules) < len(cited) or any(
            doc not in text for doc, text in zip(cited, rules, strict=False)
        ):
            _fail(
                prop,
                f"{_label(ind)}: the rule steps must cite "
                "the row's own rule first, then the method's "
                f"text where it fits ({cited}): {rules}",
            )
        kinds = [s.kind for s in res.steps]
        if ind.round_to is not None and (
            not res.steps or kinds[0] != "policy" or "round_to" not in res.steps[0].zh
        ):
            _fail(
                prop,
                f"{_label(ind)} declares round_to = {show(Fraction(ind.round_to))}, but its first "
                "step does not say so",
            )
        cuts = act.deductions if act is not None else ()
        overshoot = _overshoot_applies(spec, ind, res.actual_value)
        if res.score < res.weight:
            if res.reason is None or "deduction" not in kinds:
                _fail(
                    prop,
                    f"{_label(ind)} loses {res.lost} point(s) "
                    "without a reason and a deduction step",
                )
            if not cuts and not overshoot:
                first = next(s for s in res.steps if s.kind == "deduction")
                if res.reason not in first.zh:
                    _fail(
                        prop,
                        f"{_label(ind)}: the reason {res.reason!r} "
                        f"is not in the deduction step {first.zh!r}",
                    )
        elif res.reason is not None or ("deduction" in kinds and not overshoot):
            _fail(
                prop,
                f"{_label(ind)} loses nothing, yet has a reason {res.reason!r} or a deduction step",
            )
        for cut in cuts:
            if res.reason is None or cut.reason not in res.reason:
                _fail(
                    prop,
                    f"{_label(ind)}: the manual deduction {cut.reason!r} "
                    f"is missing from the reason {res.reason!r}",
                )
            if not any(s.kind == "deduction" and cut.reason in s.zh for s in res.steps):
                _fail(
                    prop,
                    f"{_label(ind)}: no deduction step names the manual deduction {cut.reason!r}",
                )
        quantum = _row_quantum(spec, ind)
        if res.score >= res.weight and res.full_marks is not None:
            _fail(
                prop,
                f"{_label(ind)} loses nothing ({res.score} of {res.weight}), yet says what would "
                f"have earned full marks: {res.full_marks.zh!r}",
            )
        if allow and not on_grid(ind.weight, quantum) and res.full_marks is not None:
            _fail(
                prop,
                f"{_label(ind)}: its weight {ind.weight} is finer than its quantum "
                f"{show(Fraction(quantum))} (policy.weight_precision = allow), so no score equals "
                f"it, yet the why-not names a way to full marks: {res.full_marks.zh!r}",
            )
        if act is not None and act.stated is not None:
            _check_stated(prop, spec, ind, act, res)
            continue
        if res.met and not cuts and not overshoot:
            name = method_name(ind)
            top = _top(spec, ind.weight, quantum)
            if name in RATIO_FAMILY | {"step", "per_occurrence"} and res.score != top:
                _fail(
                    prop,
                    f"{_label(ind)} meets its target (actual "
                    f"{res.actual}) but scores {res.score} of {res.weight}"
                    + ("" if not allow else ", not " + _as_allowed(ind.weight, quantum, top)),
                )
            if res.tier is not None and res.score < res.weight * spec.tier(res.tier).min:
                _fail(
                    prop,
                    f"{_label(ind)} is met at tier {res.tier!r} "
                    f"but scores {res.score}, below the tier",
                )
        if res.tier is not None and not cuts and (act is None or act.own_score is None):
            # rounding never carries a qualitative score across a tier edge (tier-precision and
            # score-precision refuse what would): every tier, at the row's own quantum
            tier = spec.tier(res.tier)
            lo = Fraction(res.weight) * Fraction(tier.min)
            hi = Fraction(res.weight) * Fraction(tier.max)
            if allow and tier.max_inclusive:  # the top itself is a raw score, rounded half-up
                hi = round_half_up(hi, quantum)
            score = Fraction(res.score)
            if not lo <= score <= hi or (score == hi and not tier.max_inclusive):
                close = "]" if tier.max_inclusive else ")"
                _fail(
                    prop,
                    f"{_label(ind)} is at tier {res.tier!r} [{show(lo)}, {show(hi)}{close} "
                    f"but scores {res.score}, outside it"
                    + (
                        " (its top rounded half-up: policy.weight_precision = allow)"
                        if allow
                        else ""
                    ),
                )
    be, block = ev.budget_execution, spec.budget_execution
    if be is not None and block is not None:
        rules = [s.zh for s in be.steps if s.kind == "rule"]
        cited = [
            *([block.rule.document] if block.rule is not None else []),
            *([be.citation.document] if be.citation is not None else []),
        ]
        if len(rules) < len(cited) or any(
            doc not in text for doc, text in zip(cited, rules, strict=False)
        ):
            _fail(prop, f"the budget row's rule steps do not cite its own rule first: {rules}")
        if (be.score < be.weight) != (be.reason is not None):
            _fail(
                prop,
                f"the budget row scores {be.score} of {be.weight} but its reason is {be.reason!r}",
            )
        if (be.score < be.weight) != (be.full_marks is not None):
            _fail(
                prop,
                f"the budget row scores {be.score} of {be.weight}: it must say what would have "
                f"earned full marks exactly when it loses points, not {be.full_marks!r}",
            )
        quantum = _budget_quantum(spec, block)
        if (
            allow
            and be.full_marks is not None
            and not on_grid(block.weight, quantum)
            and be.full_marks.threshold is not None
        ):
            _fail(
                prop,
                f"the budget row's weight {block.weight} is finer than its quantum "
                f"{show(Fraction(quantum))} (policy.weight_precision = allow), so no rate scores "
                f"exactly the weight, yet its why-not names a threshold: {be.full_marks.zh!r}",
            )
    if not ev.total_steps or not ev.grade_steps:
        _fail(prop, "the total and the grade must be explained step by step")
    return True


def _check_stated(
    prop: str, spec: Spec, ind: Indicator, act: IndicatorActual, res: IndicatorResult
) -> None:
    """A row whose actual is stated in words: scored as declared, marked, with its evidence."""
    word, evidence = act.stated, act.evidence
    assert word is not None
    outcome = stated_outcome(spec, ind, word)
    if outcome is None:
        _fail(prop, f"{_label(ind)} was scored from the undeclared stated word {word!r}")
    if res.method != "stated" or res.actual_value is not None:
        _fail(
            prop,
            f"{_label(ind)} is stated as {word!r} but scored by {res.method!r} "
            f"from the actual {res.actual_value} (a stated result is never computed)",
        )
    if res.met is not outcome.met:
        _fail(
            prop,
            f"{_label(ind)}: the stated word {word!r} counts as met={outcome.met}, not {res.met}",
        )
    if not act.deductions:
        expected = round_half_up(outcome.raw, ind.score_quantum(spec.rounding.score))
        if res.score != expected:
            _fail(
                prop,
                f"{_label(ind)}: the stated word {word!r} earns {show(expected)} "
                f"(its declared share of {ind.weight}), not {res.score}",
            )
    # the first step, after the policy step of a row that declares its own round_to
    steps = res.steps[1:] if ind.round_to is not None else res.steps
    first = steps[0].zh if steps else ""
    shown = [(res.actual, "the actual", p) for p in ("据陈述", evidence or "")]
    shown += [(first, "the first step", p) for p in ("据陈述", word, evidence or "")]
    for text, where, part in shown:
        if part not in text:
            _fail(
                prop, f"{_label(ind)}: the stated result must show {part!r} in {where} ({text!r})"
            )


# ---------------------------------------------------------------------------
# monotonicity


@dataclass(frozen=True)
class _Mover:
    """One actual the monotonicity check can move: an indicator's value or numerator, or the
    budget's spending."""

    label: str
    shape: Shape
    position: Fraction  # the actual (or the execution rate in %) now
    indicator: str | None  # None: the budget row
    whole: bool = False  # counts move by whole numbers
    amount: str | None = None  # the numerator amount moved for a derived indicator
    scale: Fraction = Fraction(1)  # new amount = numerator + (new − position) × scale

    def amount_at(self, base: Fraction, new: Fraction) -> Fraction:
        return base + (new - self.position) * self.scale


def _toward(m: _Mover, d: Fraction) -> Fraction | None:
    """A position closer to where the rule gives most, inside the monotone region; ``None`` if
    none."""
    a, shape = m.position, m.shape
    if shape.in_rise(a):
        end = shape.rise
        assert end is not None
        if end.value is None:
            return a + d
        if a < end.value:
            y = a + d
            if y < end.value or (y == end.value and end.inclusive):
                return y
            if end.inclusive:
                return (
                    Fraction(int(end.value))
                    if m.whole and int(end.value) > a
                    else None
                    if m.whole
                    else end.value
                )
            return None if m.whole else (a + end.value) / 2
    if shape.in_fall(a):
        start = shape.fall
        assert start is not None and start.value is not None
        if a > start.value:
            y = a - d
            if y > start.value or (y == start.value and start.inclusive):
                return y
            if start.inclusive:
                return start.value if not m.whole or start.value.denominator == 1 else None
            return None if m.whole else (a + start.value) / 2
    return None


def _away(m: _Mover, d: Fraction) -> Fraction | None:
    """A position further from where the rule gives most, inside the monotone region."""
    a, shape = m.position, m.shape
    if shape.in_rise(a) and a > 0:
        return max(a - d, Fraction(0))
    if shape.in_fall(a):
        return a + d
    return None


def _derived_numerator(spec: Spec, ind: Indicator) -> tuple[str, str] | None:
    """(numerator, denominator) names when a derived actual moves with one amount that only it
    reads."""
    derive = ind.derive
    if isinstance(derive, Derivation):
        num, den = derive.numerator, derive.denominator
    elif isinstance(derive, Formula):
        parts = simple_ratio(derive)
        if parts is None:
            return None
        num, den = parts[0][0], parts[1]
    else:
        return None
    if num.startswith("budget.") or num == den or not _only_reader(spec, num):
        return None
    return num, den


def _only_reader(spec: Spec, name: str) -> bool:
    """Whether exactly one indicator's derivation reads the amount ``name``."""
    return sum(1 for i in spec.indicators if i.derive is not None and name in _names(i.derive)) == 1


def _names(derive: Derivation | Formula) -> set[str]:
    if isinstance(derive, Derivation):
        return {derive.numerator, derive.denominator}
    return set(derive.names)


def _env(actuals: Actuals) -> dict[str, Fraction]:
    env = {a.name: Fraction(a.value) for a in actuals.amounts}
    b = actuals.budget
    if b is not None:
        env["budget.full_year"], env["budget.spent"] = Fraction(b.full_year), Fraction(b.spent)
        if b.initial is not None:
            env["budget.initial"] = Fraction(b.initial)
    return env


def _budget_base(spec: Spec, actuals: Actuals) -> Fraction | None:
    block, b = spec.budget_execution, actuals.budget
    if block is None or b is None:
        return None
    base = b.initial if block.base is ExecutionBase.INITIAL else b.full_year
    return Fraction(base) if base else None


def _movers(spec: Spec, actuals: Actuals, ev: Evaluation) -> list[_Mover]:
    env = _env(actuals)
    given = {a.id: a for a in actuals.indicators}
    movers: list[_Mover] = []
    for ind in spec.indicators:
        res = ev.indicator(ind.id)
        shape = indicator_shape(spec, ind)
        if not res.applicable or shape is None or ind.target is None:
            continue
        scale = Fraction(100) if ind.target.unit == "%" else Fraction(1)
        whole = method_name(ind) == "per_occurrence"  # a count moves by whole numbers
        if ind.derive is None:
            act = given.get(ind.id)
            if act is None or act.value is None:
                continue
            movers.append(_Mover(_label(ind), shape, Fraction(act.value), ind.id, whole=whole))
            continue
        names = _derived_numerator(spec, ind)
        if names is None or names[1] not in env or env[names[1]] == 0 or names[0] not in env:
            continue
        rest = Fraction(0)
        if isinstance(ind.derive, Formula):
            parts = simple_ratio(ind.derive)
            assert parts is not None
            rest = sum((env[n] for n in parts[0][1:] if n in env), Fraction(0))
        a = (env[names[0]] + rest) / env[names[1]] * scale
        movers.append(
            _Mover(
                _label(ind),
                shape,
                a,
                ind.id,
                whole=whole,
                amount=names[0],
                scale=env[names[1]] / scale,
            )
        )
    base = _budget_base(spec, actuals)
    reads_budget = any(
        i.derive is not None and any(n.startswith("budget.") for n in _names(i.derive))
        for i in spec.indicators
    )
    shape = budget_shape(spec)
    if base is not None and shape is not None and not reads_budget:
        assert actuals.budget is not None
        rate = Fraction(actuals.budget.spent) / base * 100
        movers.append(
            _Mover("the budget row (execution rate in %)", shape, rate, None, scale=base / 100)
        )
    return movers


def _moved(spec: Spec, actuals: Actuals, positions: list[tuple[_Mover, Fraction]]) -> Actuals:
    values: dict[str, Decimal] = {}
    amounts: dict[str, Decimal] = {}
    budget = actuals.budget
    env = _env(actuals)
    for m, new in positions:
        if m.indicator is None:
            assert budget is not None
            spent = exact_decimal(m.amount_at(Fraction(budget.spent), new))
            assert spent is not None
            budget = attrs.evolve(budget, spent=spent)
        elif m.amount is not None:
            value = exact_decimal(m.amount_at(env[m.amount], new))
            assert value is not None
            amounts[m.amount] = value
        else:
            value = exact_decimal(new)
            assert value is not None
            values[m.indicator] = value
    indicators = tuple(
        attrs.evolve(a, value=values[a.id]) if a.id in values else a for a in actuals.indicators
    )
    amts = tuple(
        Amount(name=a.name, value=amounts[a.name], label=a.label) if a.name in amounts else a
        for a in actuals.amounts
    )
    return attrs.evolve(actuals, indicators=indicators, amounts=amts, budget=budget, figures=())


def check_monotone(
    spec: Spec,
    actuals: Actuals,
    *,
    deltas: Iterable[Decimal | int] = DEFAULT_DELTAS,
    evaluate: Evaluate = evaluate,
) -> bool:
    """Moving an actual toward where its rule gives most never loses points; moving away never
    gains.

    By re-scoring the actuals with values moved by each of ``deltas``, for
    every applicable indicator whose method is monotone in its actual —
    ratio (more is better for ≥/>, less for ≤/<; toward the target for =;
    up to the threshold under an overshoot deduction), step, rate,
    per-occurrence, bands whose scores rise then fall along the values — and
    for the budget row's execution rate. Derived indicators move through
    their numerator amount (when no other indicator reads it). Qualitative
    indicators and band tables that are not unimodal are left out.
    """
    prop = "monotone"
    steps = [Fraction(d) for d in deltas]
    if not steps or any(d <= 0 for d in steps):
        raise ValueError(f"deltas must be positive numbers, not {list(deltas)}")
    base = evaluate(spec, actuals)
    movers = _movers(spec, actuals, base)
    env = _env(actuals)
    if not movers:
        return False

    def score(ev: Evaluation, m: _Mover) -> Decimal:
        if m.indicator is None:
            assert ev.budget_execution is not None
            return ev.budget_execution.score
        return ev.indicator(m.indicator).score

    for d in steps:
        for direction, move in (("toward", _toward), ("away", _away)):
            positions = []
            for m in movers:
                step = Fraction(max(1, -(-d.numerator // d.denominator))) if m.whole else d
                new = move(m, step)
                if new is None or new == m.position:
                    continue
                if m.amount is not None and m.amount_at(env[m.amount], new) < 0:
                    continue  # a derived sum cannot go below its other terms
                positions.append((m, new))
            if not positions:
                continue
            ev = evaluate(spec, _moved(spec, actuals, positions))
            for m, new in positions:
                before, after = score(base, m), score(ev, m)
                if direction == "toward" and after < before:
                    _fail(
                        prop,
                        f"{m.label}: moving the actual from "
                        f"{show(m.position)} to {show(new)}, toward where "
                        f"the rule gives most, lowered the score from {before} to {after}",
                    )
                if direction == "away" and after > before:
                    _fail(
                        prop,
                        f"{m.label}: moving the actual from "
                        f"{show(m.position)} to {show(new)}, away from where "
                        f"the rule gives most, raised the score from {before} to {after}",
                    )
    return True


# ---------------------------------------------------------------------------
# rescaling


def _full_marks_actuals(spec: Spec, actuals: Actuals) -> Actuals | None:
    """The actuals with every applicable indicator and the budget row at full marks (same 不适用
    set)."""
    na = {a.id: a for a in actuals.indicators if a.not_applicable is not None}
    env = _env(actuals)
    amounts = {a.name: a.value for a in actuals.amounts}
    acts: list[IndicatorActual] = []
    for ind in spec.indicators:
        if ind.id in na:
            acts.append(IndicatorActual(id=ind.id, not_applicable=na[ind.id].not_applicable))
            continue
        if ind.is_qualitative:
            tier = full_marks_tier(spec)
            if tier is None:
                return None
            acts.append(IndicatorActual(id=ind.id, tier=tier))
            continue
        value = full_marks_value(spec, ind)
        if value is None or ind.target is None:
            return None
        if ind.derive is None:
            dec = exact_decimal(value)
            if dec is None:
                return None
            acts.append(IndicatorActual(id=ind.id, value=dec))
            continue
        names = _derived_numerator(spec, ind)
        if names is None or env.get(names[1], Fraction(0)) == 0:
            return None
        parts = simple_ratio(ind.derive) if isinstance(ind.derive, Formula) else None
        for other in parts[0][1:] if parts is not None else ():
            if other.startswith("budget.") or not _only_reader(spec, other):
                return None
            amounts[other] = Decimal(0)
        scale = Fraction(100) if ind.target.unit == "%" else Fraction(1)
        num = exact_decimal(value / scale * env[names[1]])
        if num is None:
            return None
        amounts[names[0]] = num
    budget = actuals.budget
    if spec.budget_execution is not None:
        rate = budget_full_rate(spec)
        base = _budget_base(spec, actuals)
        if rate is None or base is None or budget is None:
            return None
        spent = exact_decimal(rate / 100 * base)
        assert spent is not None
        budget = attrs.evolve(budget, spent=spent)
        if any(
            i.derive is not None and any(n.startswith("budget.") for n in _names(i.derive))
            for i in spec.indicators
            if i.id not in na
        ):
            return None  # moving the spending would move those too
    return Actuals(
        indicators=tuple(acts),
        budget=budget,
        amounts=tuple(Amount(name=n, value=v) for n, v in amounts.items()),
        spec=actuals.spec,
        year=actuals.year,
    )


def check_rescaling(spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate) -> bool:
    """With every applicable indicator (and the budget row) at full marks, the total is the full
    meta.total.

    The actuals' 不适用 indicators stay 不适用, so the rescaling (按百分制折算)
    must restore the full score; bonus, vetoes and deductions are left out.
    Each indicator gets an actual its own rule scores at the full weight (the
    target for ratio and step, a full band, 100% for rate, 0 occurrences, the
    top tier); the property does not apply when some indicator has none.

    Under ``policy.weight_precision = "allow"`` each such row scores its
    weight rounded half-up to its quantum (a 4.5 at whole points: 5), and the
    total is what the total rule makes of those scores: their sum (with the
    budget row's), rescaled for the 不适用 rows, rounded to ``rounding.total``
    — ``meta.total`` only when the roundings cancel out.
    """
    prop = "rescaling"
    full = _full_marks_actuals(spec, actuals)
    if full is None:
        return False
    ev = evaluate(spec, full)
    allow = _allows(spec)
    reached = Fraction(0)  # Σ of the applicable rows' full-marks scores
    for ind, res in zip(spec.indicators, ev.indicators, strict=True):
        if not res.applicable:
            continue
        top = _top(spec, ind.weight, _row_quantum(spec, ind))
        reached += top
        if res.score != top:
            _fail(
                prop,
                f"{_label(ind)} at an actual its rule gives full marks "
                f"({res.actual}) scores {res.score}, not {res.weight}"
                + (
                    ""
                    if not allow
                    else ": " + _as_allowed(ind.weight, _row_quantum(spec, ind), top)
                ),
            )
    be, block = ev.budget_execution, spec.budget_execution
    if be is not None and block is not None:
        top = _top(spec, block.weight, _budget_quantum(spec, block))
        reached += top
        if be.score != top:
            _fail(
                prop,
                f"the budget row at a full-marks rate ({be.rate_display}) "
                f"scores {be.score}, not {be.weight}"
                + (
                    ""
                    if not allow
                    else ": " + _as_allowed(block.weight, _budget_quantum(spec, block), top)
                ),
            )
    dropped = [r.id for r in ev.indicators if not r.applicable]
    if allow:
        T = Fraction(spec.meta.total)
        na = sum((Fraction(r.weight) for r in ev.indicators if not r.applicable), Fraction(0))
        expected = round_half_up(reached * T / (T - na), spec.rounding.total)
        if ev.total != expected:
            what = f", rescaled for {dropped} not applicable" if dropped else ""
            _fail(
                prop,
                f"every applicable row is at full marks, each scoring its weight rounded half-up "
                f"to its quantum (policy.weight_precision = allow): {show(reached)} in all{what}, "
                f"so the total must be {show(expected)}; it is {ev.total}",
            )
        return True
    if ev.total != spec.meta.total:
        what = f" with {dropped} not applicable (rescaled)" if dropped else ""
        _fail(
            prop,
            f"every applicable row is at full marks{what}, so the "
            f"total must be {spec.meta.total}; it is {ev.total}",
        )
    return True


# ---------------------------------------------------------------------------
# determinism and round trips


def check_deterministic(spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate) -> bool:
    """Evaluating twice gives equal results and the same JSON document."""
    prop = "deterministic"
    first, second = evaluate(spec, actuals), evaluate(spec, actuals)
    if first != second:
        diff = [
            f.name
            for f in attrs.fields(Evaluation)
            if getattr(first, f.name) != getattr(second, f.name)
        ]
        _fail(prop, f"two evaluations of the same inputs differ in {diff}")
    text = to_json(first)
    if text != to_json(second):
        _fail(prop, "two evaluations of the same inputs give different JSON documents")
    doc = json.loads(text)
    if doc["total"] != to_document(first)["total"] or Decimal(doc["total"]) != first.total:
        _fail(
            prop,
            f"the JSON document's total {doc['total']!r} is not the evaluation's {first.total}",
        )
    return True


def check_round_trip(spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate) -> bool:
    """dumps_spec/loads_spec and dumps_actuals/loads_actuals give equal objects and the same
    evaluation.

    The text read back dumps to the same text again, and the spec keeps its
    digest. ``Spec.framework`` (which framework a spec was flattened from) is
    provenance that the TOML does not carry; it is carried over before
    comparing the evaluations.
    """
    prop = "round_trip"
    text = dumps_spec(spec)
    try:
        again = loads_spec(text, file="dumped-spec.toml")
    except SpecError as err:
        _fail(prop, f"loads_spec rejects what dumps_spec wrote: {err}")
    if again != spec:
        diff = [
            f.name for f in attrs.fields(Spec) if getattr(again, f.name) != getattr(spec, f.name)
        ]
        _fail(prop, f"the spec read back differs in {diff}")
    # which framework a spec was flattened from is provenance, not TOML content: carry it over
    again = attrs.evolve(again, framework=spec.framework)
    if spec_sha256(again) != spec_sha256(spec) or dumps_spec(again) != text:
        _fail(prop, "the spec read back has another digest or dumps to other text")
    atext = dumps_actuals(actuals)
    try:
        acts = loads_actuals(atext, file="dumped-actuals.toml", spec=again)
    except SpecError as err:
        _fail(prop, f"loads_actuals rejects what dumps_actuals wrote: {err}")
    if acts != actuals:
        diff = [
            f.name
            for f in attrs.fields(Actuals)
            if getattr(acts, f.name) != getattr(actuals, f.name)
        ]
        _fail(prop, f"the actuals read back differ in {diff}")
    if dumps_actuals(acts) != atext:
        _fail(prop, "the actuals read back dump to other text")
    if to_json(evaluate(again, acts)) != to_json(evaluate(spec, actuals)):
        _fail(prop, "the inputs read back evaluate to another JSON document")
    return True


# ---------------------------------------------------------------------------
# all of them


PROPERTIES: dict[str, Callable[..., bool]] = {
    "score_bounds": check_score_bounds,
    "total": check_total,
    "subtotals": check_subtotals,
    "grade": check_grade,
    "explained": check_explained,
    "monotone": check_monotone,
    "rescaling": check_rescaling,
    "deterministic": check_deterministic,
    "round_trip": check_round_trip,
}
"""Every stock property by name, in the order :func:`check_all` runs them."""


def check_all(
    spec: Spec, actuals: Actuals, *, evaluate: Evaluate = evaluate, skip: Collection[str] = ()
) -> tuple[str, ...]:
    """Run every stock property (but those named in ``skip``); return the names of those that
    applied.

    Raises :class:`AssertionError` from the first property that fails, its
    message prefixed with the property's name in brackets.
    """
    unknown = sorted(set(skip) - set(PROPERTIES))
    if isinstance(skip, str) or unknown:
        raise ValueError(
            f"skip must name properties among {list(PROPERTIES)}, not {unknown or skip!r}"
        )
    memo: dict[str, Evaluation] = {}

    def once(
        s: Spec, a: Actuals
    ) -> Evaluation:  # the plain evaluation is shared by the checks that read it
        if s is spec and a is actuals:
            if "ev" not in memo:
                memo["ev"] = evaluate(s, a)
            return memo["ev"]
        return evaluate(s, a)

    applied = []
    for name, check in PROPERTIES.items():
        if name in skip:
            continue
        if check(spec, actuals, evaluate=evaluate if name == "deterministic" else once):
            applied.append(name)
    return tuple(applied)
