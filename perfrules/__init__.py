"""perfrules: budget performance self-evaluation (预算绩效自评) as code.

Load an indicator system and its actuals from TOML, evaluate them exactly and
get every point explained::

    import perfrules

    spec, actuals = perfrules.load_example("examples/hunan-2024-general-office")
    ev = perfrules.evaluate(spec, actuals)
    ev.total, ev.grade  # (Decimal('99.00'), '优')

The flow is spec (TOML) → model (frozen attrs objects) → core (pure
evaluation) → render / cli. See ``docs/`` for the spec format and the JSON
document.

The names below are imported on first use (PEP 562): ``import perfrules``
costs almost nothing, so the command line starts fast and ``perfrules
--version`` never loads the scoring core.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from perfrules._version import __version__

if TYPE_CHECKING:
    from perfrules._errors import PerfrulesError, Problem, Severity, SpecError
    from perfrules.core import (
        BudgetExecutionResult,
        CategoryResult,
        Citation,
        Evaluation,
        IndicatorResult,
        ScoreWarning,
        Step,
        check,
        evaluate,
        to_document,
        to_json,
    )
    from perfrules.model import (
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
        EqualAbove,
        ExecutionBase,
        ExecutionPolicy,
        Figure,
        FrameworkInfo,
        GradeBand,
        Indicator,
        IndicatorActual,
        InverseRatio,
        Kind,
        LinearOvershoot,
        Meta,
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
        StepDeduction,
        Tier,
        Veto,
        VetoEffect,
        VetoTrigger,
        WeightPrecision,
    )
    from perfrules.spec import (
        dumps_actuals,
        dumps_spec,
        load_actuals,
        load_example,
        load_spec,
        loads_actuals,
        loads_spec,
    )

_LAZY: dict[str, str] = {
    "Actuals": "perfrules.model",
    "Amount": "perfrules.model",
    "Band": "perfrules.model",
    "BandBasis": "perfrules.model",
    "Bands": "perfrules.model",
    "BonusAward": "perfrules.model",
    "BonusItem": "perfrules.model",
    "BudgetAmounts": "perfrules.model",
    "BudgetExecution": "perfrules.model",
    "BudgetExecutionResult": "perfrules.core",
    "BudgetLine": "perfrules.model",
    "Category": "perfrules.model",
    "CategoryResult": "perfrules.core",
    "Citation": "perfrules.core",
    "Comparator": "perfrules.model",
    "Deduction": "perfrules.model",
    "Derivation": "perfrules.model",
    "EqualAbove": "perfrules.model",
    "Evaluation": "perfrules.core",
    "ExecutionBase": "perfrules.model",
    "ExecutionPolicy": "perfrules.model",
    "Figure": "perfrules.model",
    "FrameworkInfo": "perfrules.model",
    "GradeBand": "perfrules.model",
    "Indicator": "perfrules.model",
    "IndicatorActual": "perfrules.model",
    "IndicatorResult": "perfrules.core",
    "InverseRatio": "perfrules.model",
    "Kind": "perfrules.model",
    "LinearOvershoot": "perfrules.model",
    "Meta": "perfrules.model",
    "NegativeRule": "perfrules.model",
    "OvershootDeduction": "perfrules.model",
    "PartialStep": "perfrules.model",
    "PerOccurrence": "perfrules.model",
    "PerfrulesError": "perfrules._errors",
    "Policy": "perfrules.model",
    "Problem": "perfrules._errors",
    "Qualitative": "perfrules.model",
    "QualitativeDefault": "perfrules.model",
    "QuantitativeTarget": "perfrules.model",
    "RateTimesWeight": "perfrules.model",
    "Ratio": "perfrules.model",
    "Rounding": "perfrules.model",
    "RuleSource": "perfrules.model",
    "ScoreWarning": "perfrules.core",
    "Severity": "perfrules._errors",
    "Spec": "perfrules.model",
    "SpecError": "perfrules._errors",
    "Step": "perfrules.core",
    "StepDeduction": "perfrules.model",
    "Tier": "perfrules.model",
    "Veto": "perfrules.model",
    "VetoEffect": "perfrules.model",
    "VetoTrigger": "perfrules.model",
    "WeightPrecision": "perfrules.model",
    "check": "perfrules.core",
    "dumps_actuals": "perfrules.spec",
    "dumps_spec": "perfrules.spec",
    "evaluate": "perfrules.core",
    "load_actuals": "perfrules.spec",
    "load_example": "perfrules.spec",
    "load_spec": "perfrules.spec",
    "loads_actuals": "perfrules.spec",
    "loads_spec": "perfrules.spec",
    "to_document": "perfrules.core",
    "to_json": "perfrules.core",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'perfrules' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "Actuals",
    "Amount",
    "Band",
    "BandBasis",
    "Bands",
    "BonusAward",
    "BonusItem",
    "BudgetAmounts",
    "BudgetExecution",
    "BudgetExecutionResult",
    "BudgetLine",
    "Category",
    "CategoryResult",
    "Citation",
    "Comparator",
    "Deduction",
    "Derivation",
    "EqualAbove",
    "Evaluation",
    "ExecutionBase",
    "ExecutionPolicy",
    "Figure",
    "FrameworkInfo",
    "GradeBand",
    "Indicator",
    "IndicatorActual",
    "IndicatorResult",
    "InverseRatio",
    "Kind",
    "LinearOvershoot",
    "Meta",
    "NegativeRule",
    "OvershootDeduction",
    "PartialStep",
    "PerOccurrence",
    "PerfrulesError",
    "Policy",
    "Problem",
    "Qualitative",
    "QualitativeDefault",
    "QuantitativeTarget",
    "RateTimesWeight",
    "Ratio",
    "Rounding",
    "RuleSource",
    "ScoreWarning",
    "Severity",
    "Spec",
    "SpecError",
    "Step",
    "StepDeduction",
    "Tier",
    "Veto",
    "VetoEffect",
    "VetoTrigger",
    "WeightPrecision",
    "check",
    "dumps_actuals",
    "dumps_spec",
    "evaluate",
    "load_actuals",
    "load_example",
    "load_spec",
    "loads_actuals",
    "loads_spec",
    "to_document",
    "to_json",
    "__version__",
]
