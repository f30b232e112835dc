"""The method catalogue: one module per scoring method, one registry, every dispatch through it.

Each module (:mod:`.ratio`, :mod:`.inverse_ratio`, :mod:`.linear_overshoot`,
:mod:`.qualitative`, :mod:`.step`, :mod:`.bands`, :mod:`.rate`,
:mod:`.per_occurrence`, :mod:`.deviation`) holds one :class:`MethodRule`: the method's parameter
checks, its exact score with explanation steps, its why-not inverse, its
citations and its long-table parameter columns — and its integer kernels, written
against an array namespace the batch layer passes in (:mod:`._integer`; the
core never imports NumPy). :data:`CATALOGUE` lists them
in the model's order (:data:`perfrules.model.METHODS`); :func:`rule_for`
finds the rule of a method object by its exact class and raises
:class:`UnknownMethod` for any other — an unregistered method is refused,
never scored by another method's rule.

Evaluation, validation, the why-not answers, the batch layer (plan, kernel,
long-table columns) and the testing kit's generator all dispatch here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from perfrules.core.methods import (
    bands,
    deviation,
    inverse_ratio,
    linear_overshoot,
    per_occurrence,
    qualitative,
    rate,
    ratio,
    step,
)
from perfrules.core.methods._integer import Bounds, Group, Kernel, KernelPlan
from perfrules.core.methods._rule import (
    Ask,
    ColumnKind,
    Inputs,
    Issue,
    Issues,
    MethodRule,
    UnknownMethod,
)
from perfrules.model import Indicator

__all__ = [
    "CATALOGUE",
    "KERNELS",
    "PARAMETER_COLUMNS",
    "RULES",
    "Ask",
    "Bounds",
    "ColumnKind",
    "Group",
    "Inputs",
    "Issue",
    "Issues",
    "Kernel",
    "KernelPlan",
    "MethodRule",
    "UnknownMethod",
    "kernel",
    "rule_for",
    "rule_named",
    "rule_of",
]

CATALOGUE: tuple[MethodRule[Any], ...] = (
    ratio.RULE,
    inverse_ratio.RULE,
    linear_overshoot.RULE,
    qualitative.RULE,
    step.RULE,
    bands.RULE,
    rate.RULE,
    per_occurrence.RULE,
    deviation.RULE,
)
"""Every scoring method's rule, in the model's order (one line per method)."""

RULES: Mapping[type, MethodRule[Any]] = MappingProxyType({r.cls: r for r in CATALOGUE})
"""Method class → its rule."""

_BY_NAME: Mapping[str, MethodRule[Any]] = MappingProxyType({r.name: r for r in CATALOGUE})

PARAMETER_COLUMNS: tuple[tuple[str, ColumnKind], ...] = tuple(
    {col: (col, kind) for r in CATALOGUE for col, kind in r.columns}.values()
)
"""The long table's method-parameter columns (``per``, ``deduct``, ``partial``), each with its kind."""

KERNELS: Mapping[str, Kernel] = MappingProxyType({k.name: k for r in CATALOGUE for k in r.kernels})
"""Kernel name → the integer kernel (the batch layer's exact vectorised formulas)."""
if len(KERNELS) != sum(
    len(r.kernels) for r in CATALOGUE
):  # pragma: no cover - a catalogue module's mistake
    raise AssertionError("two catalogue modules define a kernel of the same name")


def rule_for(method: object) -> MethodRule[Any]:
    """The rule of ``method`` (a method object, by its exact class); :class:`UnknownMethod` if none."""
    rule = RULES.get(type(method))
    if rule is None:
        cls = type(method)
        name = getattr(method, "name", cls.__name__)
        raise UnknownMethod(
            f"scoring method {name!r} ({cls.__module__}.{cls.__qualname__}) is not in the method catalogue "
            "(perfrules.core.methods); a method is scored only by its own registered rule, never by another's"
            f" / 计分方法“{name}”未在方法目录中登记，不能计分"
        )
    return rule


def rule_of(indicator: Indicator) -> MethodRule[Any]:
    """The rule ``indicator`` follows: its method's, or the default (``ratio`` with a target, else ``qualitative``)."""
    if indicator.method is not None:
        return rule_for(indicator.method)
    return qualitative.RULE if indicator.target is None else ratio.RULE


def rule_named(name: str) -> MethodRule[Any] | None:
    """The rule of the method called ``name`` in TOML (``None`` if there is none)."""
    return _BY_NAME.get(name)


def kernel(name: str) -> Kernel:
    """The integer kernel called ``name``; :class:`UnknownMethod` if no catalogue module defines it."""
    found = KERNELS.get(name)
    if found is None:
        raise UnknownMethod(
            f"no scoring method of the catalogue defines the kernel {name!r}; known: {', '.join(KERNELS)}"
        )
    return found
