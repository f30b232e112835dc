"""Golden cases: expected results of a spec and actuals, checked on every run
(docs/golden-cases.md).

A case file (``*.case.toml``) names a spec and actuals (paths relative to it,
or inline tables) and the results they must give: per-indicator scores,
subtotals, the budget-execution score, the total, the grade, the warnings,
with an optional tolerance. ``perfrules test`` and the pytest plugin run them;
``perfrules test --update`` re-records the expected values after a deliberate
rule change.

The checks are pure (:func:`run_case`, :func:`compare`, :func:`update_text`);
reading case files, specs and actuals and writing updates happen at the edges
(:func:`load_case_file`, :func:`run_paths`, :func:`update_files`).
"""

from perfrules._names import CASE_SUFFIX
from perfrules.golden._check import Mismatch, check_expect, compare, warnings_by_indicator
from perfrules.golden._edit import EditError
from perfrules.golden._load import (
    CODES,
    find_case_files,
    is_case_file,
    load_case_file,
    loads_case_file,
)
from perfrules.golden._model import NO_INDICATOR, Case, CaseFile, Expect
from perfrules.golden._run import (
    CaseResult,
    CaseRunner,
    FileError,
    RunResult,
    run_case,
    run_case_file,
    run_paths,
)
from perfrules.golden._update import Change, update_files, update_text

__all__ = [
    "CASE_SUFFIX",
    "CODES",
    "NO_INDICATOR",
    "Case",
    "CaseFile",
    "CaseResult",
    "CaseRunner",
    "Change",
    "EditError",
    "Expect",
    "FileError",
    "Mismatch",
    "RunResult",
    "check_expect",
    "compare",
    "find_case_files",
    "is_case_file",
    "load_case_file",
    "loads_case_file",
    "run_case",
    "run_case_file",
    "run_paths",
    "update_files",
    "update_text",
    "warnings_by_indicator",
]
