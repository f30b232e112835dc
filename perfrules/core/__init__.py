"""The pure evaluation core: exact scoring with explanations. Depends only on the model."""

from perfrules.core._citations import Citation
from perfrules.core._digest import spec_sha256
from perfrules.core._document import DOCUMENT_SCHEMA_VERSION, to_document, to_json
from perfrules.core._evaluate import check, evaluate
from perfrules.core._exact import round_half_up
from perfrules.core._result import (
    BudgetExecutionResult,
    BudgetLineResult,
    CategoryResult,
    Evaluation,
    IndicatorResult,
    ScoreWarning,
    Step,
)
from perfrules.core._validate import validate_actuals, validate_spec

__all__ = [
    "DOCUMENT_SCHEMA_VERSION",
    "BudgetExecutionResult",
    "BudgetLineResult",
    "CategoryResult",
    "Citation",
    "Evaluation",
    "IndicatorResult",
    "ScoreWarning",
    "Step",
    "check",
    "evaluate",
    "round_half_up",
    "spec_sha256",
    "to_document",
    "to_json",
    "validate_actuals",
    "validate_spec",
]
