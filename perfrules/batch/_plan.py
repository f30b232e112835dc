"""The vectorised path's view of a spec: each indicator's rule, the categories, the budget row, tiers and grades.

:func:`plan_of` reads them off a prototype unit's checked spec; each
indicator's method says (through the method catalogue,
:mod:`perfrules.core.methods`) which integer kernel scores it. Anything no
kernel does raises :class:`Unsupported` (the group then goes to the pure
path); a method the catalogue does not hold raises
:class:`~perfrules.core.methods.UnknownMethod`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from perfrules.batch import _kernel as K
from perfrules.batch._cells import MAX_PLACES
from perfrules.core.methods import kernel, rule_of
from perfrules.model import (
    Comparator,
    ExecutionBase,
    ExecutionPolicy,
    QualitativeDefault,
    Spec,
    category_tree,
)

_CMP: dict[Comparator, K.Cmp] = {
    Comparator.GE: "ge",
    Comparator.GT: "gt",
    Comparator.LE: "le",
    Comparator.LT: "lt",
    Comparator.EQ: "eq",
}


class Unsupported(Exception):
    """A group's spec uses something the kernel does not do: the group goes to the pure path."""


@attrs.frozen(eq=False)
class Slot:
    """One indicator position of a group."""

    id: str
    row: int  # offset of its row inside the unit's rows
    rule: K.Rule
    leaf: str  # its category id
    weight: (
        Decimal | None
    )  # a spec-declared weight (spec-referencing units), else None: the table's
    target: Decimal | None
    params: dict[
        str, Decimal
    ]  # the kernel's spec-declared parameters (per, deduct); {}: the table's
    percent_unit: bool
    warn: bool  # overshoot warnings apply (positive or exact, target > 0 checked per unit)


@attrs.frozen(eq=False)
class CatPlan:
    id: str
    name: str
    level: int
    parent: str | None
    slots: tuple[int, ...]  # slot indices it sums (a 一级 with 二级 children: all of theirs)
    weight: Decimal | None  # declared (spec-referencing units) or None: Σ of the unit's weights


@attrs.frozen(eq=False)
class Plan:
    spec: Spec
    slots: tuple[Slot, ...]
    cats: tuple[CatPlan, ...]
    tops: tuple[int, ...]  # indices into cats of the 一级 categories
    inline: bool
    budget: tuple[Decimal, int] | None  # (weight, places) of the 预算执行率 row when it is scored
    tiers: dict[str, int]
    tier_bounds: tuple[tuple[Fraction, Fraction, bool], ...]
    total_places: int
    grades: tuple[tuple[str, Decimal], ...]


def _places(q: Decimal) -> int:
    """n for a quantum 10^-n (0 ≤ n ≤ 6), else Unsupported."""
    t = q.normalize().as_tuple()
    if (
        t.digits != (1,)
        or not isinstance(t.exponent, int)
        or not -MAX_PLACES <= t.exponent <= 0
        or t.sign
    ):
        raise Unsupported(f"quantum {q}")
    # Decimal("1") and Decimal("1.00") both quantise whole points; the core keeps the written exponent
    exp = q.as_tuple().exponent
    assert isinstance(exp, int)
    if q.as_tuple().digits != (1,) and q != Decimal(1).scaleb(exp):
        raise Unsupported(f"quantum {q} written with trailing zeros")
    return -exp


def plan_of(spec: Spec, order: dict[str, int], inline: bool, has_budget: bool) -> Plan:
    """The kernel's view of ``spec``; ``order`` maps indicator ids to row offsets in the unit."""
    pol = spec.policy
    rules = [
        rule_of(ind) for ind in spec.indicators
    ]  # an unknown method raises, whatever else the spec uses
    if spec.meta.partial is not None:
        raise Unsupported("partial mode (no grade)")
    if pol.overshoot_deduction is not None:
        raise Unsupported("overshoot deduction")
    if pol.qualitative_default is not QualitativeDefault.TIER_TOP:
        raise Unsupported("qualitative_default")
    rounding = spec.rounding
    slots: list[Slot] = []
    for ind, rule in zip(spec.indicators, rules, strict=True):
        if ind.derive is not None:
            raise Unsupported("derived indicator")
        places = _places(ind.score_quantum(rounding.score))
        if ind.id not in order:
            raise Unsupported("indicator without a row")
        common: dict[str, Any] = {
            "id": ind.id,
            "row": order[ind.id],
            "leaf": ind.category,
            "weight": None if inline else ind.weight,
        }
        kp = rule.kernel_plan(ind.method, ind.target, pol)
        if kp is None:
            raise Unsupported(f"method {rule.name}")
        if kernel(kp.kernel).tiers:  # scored by tier: no target, no comparator
            slots.append(
                Slot(
                    rule=K.Rule(kind=kp.kernel, cmp="eq", places=places),
                    target=None,
                    params={},
                    percent_unit=False,
                    warn=False,
                    **common,
                )
            )
            continue
        t = ind.target
        assert t is not None
        direction = t.comparator.direction
        slots.append(
            Slot(
                rule=K.Rule(
                    kind=kp.kernel,
                    cmp=_CMP[t.comparator],
                    places=places,
                    percent=t.unit == "%",
                    partial=kp.partial,  # type: ignore[arg-type]
                ),
                target=None if inline else t.value,
                params={} if inline else dict(kp.params),
                percent_unit=t.unit == "%",
                warn=pol.overshoot_warning is not None and direction in ("positive", "equal"),
                **common,
            )
        )
    index = {s.id: k for k, s in enumerate(slots)}
    members: dict[str, list[int]] = {}
    for k, ind in enumerate(spec.indicators):
        members.setdefault(ind.category, []).append(k)
    tree = category_tree(spec.categories)  # form order, with each category's level
    below: dict[str, list[int]] = {}  # the indicators anywhere under each category
    for c, _ in reversed(tree):  # children before their parents
        below.setdefault(c.id, []).extend(members.get(c.id, []))
        if c.parent is not None:
            below.setdefault(c.parent, []).extend(below[c.id])
    cats: list[CatPlan] = []
    for c, level in tree:
        cats.append(
            CatPlan(
                id=c.id,
                name=c.name,
                level=level,
                parent=c.parent,
                slots=tuple(sorted(below[c.id])),
                weight=None if inline else c.weight,
            )
        )
    del index
    budget = None
    be = spec.budget_execution
    if has_budget:
        if be is None:
            raise Unsupported("budget without a budget-execution row")
        if be.method is not None or be.base is not ExecutionBase.FULL_YEAR:
            raise Unsupported("budget method or base")
        places = 0 if be.policy is ExecutionPolicy.ROUND_WHOLE else _places(rounding.score)
        budget = (be.weight, places)
    tier_at = {id(tier): k for k, tier in enumerate(spec.tiers)}
    # name, alias or declared synonym → the index of the tier spec.tier finds for it
    tiers: dict[str, int] = {word: tier_at[id(spec.tier(word))] for word in spec.tier_words()}
    return Plan(
        spec=spec,
        slots=tuple(slots),
        cats=tuple(cats),
        tops=tuple(k for k, c in enumerate(cats) if c.level == 1),
        inline=inline,
        budget=budget,
        tiers=tiers,
        tier_bounds=tuple((Fraction(t.min), Fraction(t.max), t.max_inclusive) for t in spec.tiers),
        total_places=_places(rounding.total),
        grades=tuple((g.name, g.min) for g in spec.grades),
    )
