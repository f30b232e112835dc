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
"""

from perfrules._errors import PerfrulesError, Problem, Severity, SpecError
from perfrules._version import __version__
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
    InverseRatio,
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
from perfrules.spec import (
    dumps_actuals,
    dumps_spec,
    load_actuals,
    load_example,
    load_spec,
    loads_actuals,
    loads_spec,
)

__all__ = [
    "Actuals",
    "Amount",
    "BudgetAmounts",
    "BudgetExecution",
    "BudgetExecutionResult",
    "BudgetLine",
    "Category",
    "CategoryResult",
    "Citation",
    "Comparator",
    "Derivation",
    "EqualAbove",
    "Evaluation",
    "ExecutionBase",
    "ExecutionPolicy",
    "GradeBand",
    "Indicator",
    "IndicatorActual",
    "IndicatorResult",
    "InverseRatio",
    "Kind",
    "LinearOvershoot",
    "Meta",
    "NegativeRule",
    "PerfrulesError",
    "Policy",
    "Problem",
    "Qualitative",
    "QualitativeDefault",
    "QuantitativeTarget",
    "Ratio",
    "Rounding",
    "ScoreWarning",
    "Severity",
    "Spec",
    "SpecError",
    "Step",
    "Tier",
    "__version__",
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
]
