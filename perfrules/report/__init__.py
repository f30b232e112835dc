"""Reports from an evaluation: the Chinese narrative, Markdown and a self-contained HTML page.

Pure functions from an :class:`~perfrules.core.Evaluation` to text (no I/O)::

    import perfrules
    from perfrules.report import to_html, to_markdown, to_narrative

    spec, actuals = perfrules.load_example("examples/hunan-2024-general-office")
    ev = perfrules.evaluate(spec, actuals)
    to_narrative(ev)   # the report's own scoring prose: （一）预算执行率（分值10分，得9分，扣1分）…
    to_markdown(ev)    # the audit trail: tables, losses, warnings, every step and its rule
    to_html(ev)        # the same as one page, with an inline SVG chart of points lost

Chinese by default, English with ``lang="en"``. See ``docs/reports.md``.
"""

from perfrules.report._html import to_html
from perfrules.report._markdown import to_markdown
from perfrules.report._narrative import to_narrative

__all__ = ["to_html", "to_markdown", "to_narrative"]
