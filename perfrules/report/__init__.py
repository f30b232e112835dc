"""Reports from an evaluation: the whole 自评报告 (HTML, Markdown, text, Word, PDF), the narrative and
the audit trail.

Pure functions from an :class:`~perfrules.core.Evaluation` to text or bytes
(no I/O, except :func:`to_pdf`, which runs headless Chromium)::

    import perfrules
    from perfrules.report import to_docx, to_html, to_markdown, to_narrative, to_report_html

    spec, actuals = perfrules.load_example("examples/hunan-2024-general-office")
    ev = perfrules.evaluate(spec, actuals)
    to_narrative(ev)     # the report's own scoring prose: （一）预算执行率（分值10分，得9分，扣1分）…
    to_markdown(ev)      # the audit trail: tables, losses, warnings, every step and its rule
    to_html(ev)          # the same as one page, with an inline SVG chart of points lost
    to_report_html(ev)   # the whole report, every section (ReportText: the unit's own text)
    to_docx(ev)          # the whole report as a Word document (bytes; the docx extra)

Chinese by default, English with ``lang="en"``. See ``docs/reports.md``.
"""

from perfrules.report._docx import docx_module, to_docx
from perfrules.report._full import Issue, draft_problems, issues_from_findings, report_blocks
from perfrules.report._html import to_html
from perfrules.report._markdown import to_markdown
from perfrules.report._narrative import to_narrative
from perfrules.report._page import to_report_html, to_report_markdown, to_report_text
from perfrules.report._pdf import BrowserMissing, PdfError, find_browser, html_to_pdf, to_pdf
from perfrules.report._prose import full_marks_text, policy_words, target_shown
from perfrules.report._unit_text import (
    REPORT_FILE,
    BudgetText,
    Part,
    PerformanceText,
    ReportText,
    Section,
    report_text_from_data,
)

__all__ = [
    "REPORT_FILE",
    "BrowserMissing",
    "BudgetText",
    "Issue",
    "issues_from_findings",
    "Part",
    "PdfError",
    "PerformanceText",
    "ReportText",
    "Section",
    "docx_module",
    "draft_problems",
    "find_browser",
    "full_marks_text",
    "html_to_pdf",
    "policy_words",
    "report_blocks",
    "report_text_from_data",
    "target_shown",
    "to_docx",
    "to_html",
    "to_markdown",
    "to_narrative",
    "to_pdf",
    "to_report_html",
    "to_report_markdown",
    "to_report_text",
]
