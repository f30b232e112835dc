"""Target-setting quality and figure audit (``perfrules lint``). Pure analysis: no I/O.

::

    from perfrules.lint import lint

    for finding in lint(spec, actuals):
        print(finding.location, finding.code, finding.text("zh"))

Depends on the model and the core only. Every code, its trigger and its
thresholds are documented in docs/lint.md.
"""

from perfrules.lint._figures import StatedFigure, audit_figures, parse_stated
from perfrules.lint._lint import (
    LINT_DOCUMENT_VERSION,
    LintReport,
    lint,
    lint_report,
    to_lint_document,
)
from perfrules.lint._model import (
    CODES,
    VAGUE_WORDS,
    CodeInfo,
    Evidence,
    FigureCheck,
    FigureStatus,
    Finding,
    FindingSeverity,
    LintOptions,
)
from perfrules.lint._targets import DEFAULT_OVERSHOOT, vague_words_in

__all__ = [
    "CODES",
    "DEFAULT_OVERSHOOT",
    "LINT_DOCUMENT_VERSION",
    "VAGUE_WORDS",
    "CodeInfo",
    "Evidence",
    "FigureCheck",
    "FigureStatus",
    "Finding",
    "FindingSeverity",
    "LintOptions",
    "LintReport",
    "StatedFigure",
    "audit_figures",
    "lint",
    "lint_report",
    "parse_stated",
    "to_lint_document",
    "vague_words_in",
]
