"""What the page's form needs to know about a spec: the rows of the 自评表 and what each asks for."""

from __future__ import annotations

from typing import Any

from perfrules.core import spec_sha256
from perfrules.model import Derivation, Formula, Spec


def _derive(derive: Derivation | Formula | None) -> tuple[str | None, list[str]]:
    if derive is None:
        return None, []
    if isinstance(derive, Derivation):
        return f"{derive.numerator} ÷ {derive.denominator}", [derive.numerator, derive.denominator]
    return str(derive), sorted(derive.names)


def describe(spec: Spec) -> dict[str, Any]:
    """The spec as the page's form shows it: meta, categories, each indicator's input, amounts,
    tiers."""
    levels: dict[str, int] = {}
    for cat in spec.categories:
        levels[cat.id] = 1 if cat.parent is None else levels.get(cat.parent, 1) + 1
    amounts: list[str] = []
    indicators = []
    for ind in spec.indicators:
        formula, names = _derive(ind.derive)
        for name in names:
            if name not in amounts:
                amounts.append(name)
        kind = "derived" if formula is not None else "tier" if ind.is_qualitative else "value"
        indicators.append(
            {
                "id": ind.id,
                "name": ind.name,
                "category": ind.category,
                "weight": str(ind.weight),
                "target": ind.target_display,
                "unit": ind.target.unit if ind.target is not None else "",
                "input": kind,
                "formula": formula,
                "amounts": names,
            }
        )
    block = spec.budget_execution
    return {
        "schema": "perfrules.form",
        "schema_version": 1,
        "digest": spec_sha256(spec),
        "meta": {
            "id": spec.meta.id,
            "title": spec.meta.title,
            "unit": spec.meta.unit,
            "year": spec.meta.year,
            "kind": spec.meta.kind.value,
            "total": str(spec.meta.total),
        },
        "framework": None
        if spec.framework is None
        else {
            "id": spec.framework.id,
            "title": spec.framework.title,
            "version": spec.framework.version,
        },
        "budget_execution": None
        if block is None
        else {"name": block.name, "weight": str(block.weight), "base": block.base.value},
        "categories": [
            {
                "id": c.id,
                "name": c.name,
                "parent": c.parent,
                "weight": str(c.weight),
                "level": levels[c.id],
            }
            for c in spec.categories
        ],
        "indicators": indicators,
        "amounts": amounts,
        "tiers": [t.name for t in spec.tiers],
        "bonus": [{"id": b.id, "name": b.name, "cap": str(b.cap)} for b in spec.bonus],
        "vetoes": [{"id": v.id, "name": v.name} for v in spec.vetoes],
    }
