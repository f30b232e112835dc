"""What-if: score two versions of a spec over the same units' actuals and compare (docs/what-if.md).

:func:`compare` is pure: two specs and the units' actuals in, a frozen
:class:`SpecDiff` out (spec changes, per unit and per row the score and grade
deltas, a summary). :func:`diff_paths` reads the specs and actuals first;
:func:`to_diff_document` gives the JSON document ``perfrules diff --format
json`` prints.
"""

from perfrules.whatif._compare import compare, compare_unit, spec_changes, spec_ref, summarize
from perfrules.whatif._document import DIFF_SCHEMA, DIFF_SCHEMA_VERSION, to_diff_document
from perfrules.whatif._load import (
    NO_ACTUALS,
    actuals_files,
    default_actuals,
    diff_paths,
    load_units,
)
from perfrules.whatif._model import (
    DiffSummary,
    GradeMove,
    RowDelta,
    RowSummary,
    SpecChange,
    SpecDiff,
    SpecRef,
    UnitDiff,
    UnitError,
    UnitInput,
)

__all__ = [
    "DIFF_SCHEMA",
    "DIFF_SCHEMA_VERSION",
    "NO_ACTUALS",
    "DiffSummary",
    "GradeMove",
    "RowDelta",
    "RowSummary",
    "SpecChange",
    "SpecDiff",
    "SpecRef",
    "UnitDiff",
    "UnitError",
    "UnitInput",
    "actuals_files",
    "compare",
    "compare_unit",
    "default_actuals",
    "diff_paths",
    "load_units",
    "spec_changes",
    "spec_ref",
    "summarize",
    "to_diff_document",
]
