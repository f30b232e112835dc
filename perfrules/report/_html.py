"""The audit trail as one self-contained HTML page with an inline SVG chart of points lost.

No external reference of any kind: the CSS is inline, the chart is inline
SVG, there is no script, font, image or link. Every text from the spec and
actuals is HTML-escaped. The page prints cleanly (A4, tables kept whole where
they fit, the chart in colour).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from perfrules._errors import Lang
from perfrules.core import Evaluation
from perfrules.report._audit import audit_blocks
from perfrules.report._blocks import Block, ChartSlot, Heading, Items, PageBreak, Para, Table
from perfrules.report._chart import chart_svg

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 32px 48px; max-width: 1180px; color: #1d1d1f; \
background: #ffffff;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", \
"PingFang SC",
  "Hiragino Sans GB", "Microsoft YaHei", "SimHei", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", \
"Droid Sans Fallback",
  "Helvetica Neue", Arial, sans-serif; font-size: 14px; line-height: 1.55; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #1d1d1f; }
h3 { font-size: 15px; margin: 20px 0 8px; }
p { margin: 6px 0; }
p.meta { color: #555555; }
p.strong { font-weight: 700; font-size: 16px; }
ul, ol { margin: 6px 0; padding-left: 24px; }
li { margin: 2px 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { border: 1px solid #c9c9cf; padding: 4px 8px; vertical-align: top; text-align: left; \
min-width: 3.5em; }
th:first-child, td:first-child { min-width: 6.5em; }
th { word-break: keep-all; }
th { background: #ececf1; font-weight: 700; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.group td, tr.total td { font-weight: 700; background: #f6f6f8; }
tr.subtotal td { font-style: italic; background: #fafafb; }
tr.not_applicable td { color: #8a8a8e; }
figure.chart { margin: 8px 0; }
svg.chart text { font-size: 13px; fill: #1d1d1f; }
@media print {
  @page { size: A4; margin: 14mm 12mm 16mm; @bottom-center { content: counter(page); \
font-size: 9pt; } }
  body { padding: 0; max-width: none; font-size: 10pt; }
  table { font-size: 8.5pt; }
  th, td { padding: 3px 4px; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  h2 + *, h3 + *, h4 + * { break-before: avoid; page-break-before: avoid; }
  tr, li, figure.chart, p { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th, tr.group td, tr.total td, tr.subtotal td, svg.chart { -webkit-print-color-adjust: exact; \
print-color-adjust: exact; }
}
""".strip()


def _table(t: Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i in t.numeric else ""

    head = "".join(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(t.head))
    body = []
    for row in t.rows:
        cells = "".join(f"<td{cls(i)}>{escape(c)}</td>" for i, c in enumerate(row.cells))
        body.append(f'<tr class="{row.role}">{cells}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _block(b: Block, ev: Evaluation, lang: Lang, first_para: list[bool]) -> str:
    if isinstance(b, Heading):
        anchor = f' id="{escape(b.anchor)}"' if b.anchor else ""
        return f"<h{b.level}{anchor}>{escape(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        if b.role != "plain":
            cls = f' class="{b.role}"'
        elif b.strong:
            cls = ' class="strong"'
        elif first_para[0]:
            cls = ' class="meta"'
        else:
            cls = ""
        first_para[0] = False
        return f"<p{cls}>{escape(b.text)}</p>"
    if isinstance(b, Items):
        tag = "ol" if b.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in b.items) + f"</{tag}>"
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, PageBreak):
        return '<div class="page-break"></div>'
    assert isinstance(b, ChartSlot)
    return f'<figure class="chart">{chart_svg(ev, lang)}</figure>'


def style_css(css: str) -> str:
    """A province's own CSS, checked so that it cannot end the page's ``<style>`` element."""
    if "</" in css or "<!--" in css:
        raise ValueError("a style sheet may not contain '</' or '<!--'")
    return css


def render_html(
    blocks: Iterable[Block],
    evaluation: Evaluation,
    *,
    lang: Lang = "zh",
    css: str = _CSS,
    style: str | None = None,
    body_class: str | None = None,
) -> str:
    """Blocks as one self-contained HTML page; ``style`` is CSS added after the page's own."""
    first_para = [True]  # the line under the title is the page's meta line
    body = "\n".join(_block(b, evaluation, lang, first_para) for b in blocks)
    html_lang = "zh-CN" if lang == "zh" else "en"
    extra = f"<style>\n{style_css(style)}\n</style>\n" if style else ""
    cls = f' class="{escape(body_class)}"' if body_class else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(evaluation.title)}</title>\n<style>\n{css}\n</style>\n{extra}</head>\n"
        f"<body{cls}>\n{body}\n</body>\n</html>\n"
    )


def to_html(evaluation: Evaluation, *, lang: Lang = "zh", style: str | None = None) -> str:
    """The audit trail of an evaluation as one self-contained HTML page (``lang`` zh-CN or en).

    ``style``: CSS added after the page's own (a province's look, see docs/reports.md).
    """
    return render_html(audit_blocks(evaluation, lang), evaluation, lang=lang, style=style)
