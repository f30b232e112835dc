"""The pure evaluation core: exact scoring with explanations. Depends only on the model.

Besides evaluation, validation and the JSON document, the helpers the other
packages share: exact numbers (:func:`round_half_up`, :func:`exact_str`,
:func:`show`, :func:`show_dec`), derived values (:func:`amount_env`,
:func:`compute`, :func:`text_of`), the integer kernels' rounding for the batch
layer (:func:`half_up`, :func:`p10`) and rule citations (:data:`CY2020_10`,
:data:`OVERSHOOT`).
"""

from perfrules.core._citations import CY2020_10, OVERSHOOT, Citation
from perfrules.core._derive import amount_env, compute, text_of
from perfrules.core._digest import DigestLayout, DigestTemplate, spec_sha256
from perfrules.core._document import DOCUMENT_SCHEMA_VERSION, document_line, to_document, to_json
from perfrules.core._evaluate import check, evaluate
from perfrules.core._exact import exact_str, round_half_up, show, show_dec
from perfrules.core._fastdoc import (
    DocumentPlan,
    Number,
    RowValues,
    UnitDocument,
    checked_document,
    compile_document,
    number,
    unit_document,
)
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
from perfrules.core.methods._integer import half_up, p10

__all__ = [
    "CY2020_10",
    "DOCUMENT_SCHEMA_VERSION",
    "OVERSHOOT",
    "BudgetExecutionResult",
    "BudgetLineResult",
    "CategoryResult",
    "Citation",
    "DigestLayout",
    "DigestTemplate",
    "Evaluation",
    "IndicatorResult",
    "ScoreWarning",
    "Step",
    "DocumentPlan",
    "Number",
    "RowValues",
    "UnitDocument",
    "amount_env",
    "check",
    "checked_document",
    "compile_document",
    "compute",
    "document_line",
    "evaluate",
    "exact_str",
    "half_up",
    "number",
    "p10",
    "round_half_up",
    "show",
    "show_dec",
    "spec_sha256",
    "text_of",
    "to_document",
    "to_json",
    "unit_document",
    "validate_actuals",
    "validate_spec",
]
