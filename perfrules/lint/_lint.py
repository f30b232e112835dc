"""``lint``: run every check, locate the findings, and describe them as a JSON-ready document."""

from __future__ import annotations

from typing import Any

import attrs

from perfrules._errors import format_path
from perfrules.core import exact_str, show
from perfrules.lint import _targets as targets
from perfrules.lint._contradictions import deduction_on_met, own_scores, stated_results
from perfrules.lint._figures import run_audit
from perfrules.lint._model import CODES, Evidence, FigureCheck, Finding, LintOptions
from perfrules.model import Actuals, Spec

_DEFAULT_OPTIONS = LintOptions()

LINT_DOCUMENT_VERSION = 1
"""Version of the document :func:`to_lint_document` returns; raised on incompatible changes."""


@attrs.frozen(kw_only=True)
class LintReport:
    """Everything one lint run found: the findings and every figure it recomputed."""

    spec: str
    findings: tuple[Finding, ...]
    figures: tuple[FigureCheck, ...]
    options: LintOptions
    with_actuals: bool

    def count(self, severity: str) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity == severity)


def _locate(finding: Finding, spec: Spec, actuals: Actuals | None) -> Finding:
    """Locate where problems are reported (``SourceMap.locate``: for a value a spec inherits from a
    framework, its ``extends`` key); name the framework file and line in the evidence then."""
    source = (
        spec.source
        if finding.document == "spec"
        else (actuals.source if actuals is not None else None)
    )
    if source is None:
        return finding
    line, column = source.locate(finding.path)
    evidence = finding.evidence
    # source maps of merged specs know which file wrote a key
    written = getattr(source, "written", None)
    if callable(written):
        loc = written(finding.path)
        if getattr(loc, "file", source.file) != source.file:
            where = f"{loc.text} {format_path(loc.path)}".strip()
            evidence = (
                *evidence,
                Evidence(key="defined_in", value=where, zh="定义于", en="defined in"),
            )
    return attrs.evolve(finding, file=source.file, line=line, column=column, evidence=evidence)


def lint_report(
    spec: Spec, actuals: Actuals | None = None, *, options: LintOptions = _DEFAULT_OPTIONS
) -> LintReport:
    """Run every check of :data:`~perfrules.lint.CODES` (those needing actuals only with
    ``actuals``).

    Pure: no I/O. Findings are located through ``spec.source`` /
    ``actuals.source`` when the objects were loaded from files, and sorted
    spec first, then by position in the file.
    """
    found: list[Finding] = []
    found += targets.benefit_qualitative(spec, options)
    found += targets.no_cost_indicator(spec, options)
    found += targets.target_no_unit(spec)
    found += targets.target_vague(spec, options)
    found += targets.weights(spec, options)
    checks: tuple[FigureCheck, ...] = ()
    if actuals is not None:
        found += targets.target_low(spec, actuals, options)
        found += deduction_on_met(spec, actuals)
        found += stated_results(spec, actuals)
        found += own_scores(spec, actuals)
        checks, figure_findings = run_audit(spec, actuals)
        found += figure_findings
    located = [_locate(f, spec, actuals) for f in found if f.code not in options.ignore]
    order = {code: i for i, code in enumerate(CODES)}

    def key(item: tuple[int, Finding]) -> tuple[int, int, int, int, int]:
        i, f = item
        big = 1 << 30
        return (f.document == "actuals", f.line or big, f.column or 0, order.get(f.code, big), i)

    ordered = tuple(f for _, f in sorted(enumerate(located), key=key))
    return LintReport(
        spec=spec.meta.id,
        findings=ordered,
        figures=checks,
        options=options,
        with_actuals=actuals is not None,
    )


def lint(
    spec: Spec, actuals: Actuals | None = None, *, options: LintOptions = _DEFAULT_OPTIONS
) -> tuple[Finding, ...]:
    """Target-setting findings for ``spec`` and, with ``actuals``, targets set low and the figure
    audit.

    Pure analysis: no I/O, never raises for odd but loadable input. See
    docs/lint.md for every code, its trigger and its thresholds.
    """
    return lint_report(spec, actuals, options=options).findings


def _finding_doc(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "indicator": f.indicator,
        "document": f.document,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "path": format_path(f.path),
        "path_keys": list(f.path),
        "message": {"zh": f.text("zh"), "en": f.text("en")},
        "suggestion": f.suggestion,
        "evidence": [
            {"key": e.key, "value": e.value, "exact": e.exact, "zh": e.zh, "en": e.en}
            for e in f.evidence
        ],
        "citation": None
        if f.citation is None
        else {
            "id": f.citation.id,
            "document": f.citation.document,
            "text": f.citation.text,
            "status": f.citation.status,
        },
    }


def _figure_doc(c: FigureCheck) -> dict[str, Any]:
    return {
        "name": c.name,
        "kind": c.kind,
        "label": c.label,
        "formula": c.formula,
        "stated": c.stated,
        "status": c.status,
        "percent": c.percent,
        "places": c.places,
        "value": None if c.value is None else exact_str(c.value),
        "value_display": None if c.value is None else show(c.value, 6),
        "rounded": None if c.rounded is None else f"{c.rounded:f}",
        "inputs": {n: exact_str(v) for n, v in c.inputs},
        "path": format_path(c.path),
    }


def to_lint_document(report: LintReport) -> dict[str, Any]:
    """The report as plain JSON-ready data; exact numbers are strings (``p/q`` when not
    terminating)."""
    o = report.options
    statuses = [c.status for c in report.figures]
    return {
        "lint_version": LINT_DOCUMENT_VERSION,
        "spec": report.spec,
        "with_actuals": report.with_actuals,
        "options": {
            "overshoot": None if o.overshoot is None else str(o.overshoot),
            "benefit_qualitative_share": str(o.benefit_qualitative_share),
            "min_weight_share": str(o.min_weight_share),
            "min_sibling_share": str(o.min_sibling_share),
            "vague_words": list(o.vague_words),
            "benefit_keyword": o.benefit_keyword,
            "cost_keyword": o.cost_keyword,
            "ignore": sorted(o.ignore),
        },
        "summary": {
            "findings": len(report.findings),
            "warnings": report.count("warning"),
            "info": report.count("info"),
            "figures": len(report.figures),
            "figures_agree": statuses.count("agrees"),
            "figures_disagree": statuses.count("disagrees"),
            "figures_unchecked": statuses.count("unreadable") + statuses.count("error"),
        },
        "findings": [_finding_doc(f) for f in report.findings],
        "figures": [_figure_doc(c) for c in report.figures],
    }
