"""The whole report in the text formats: HTML (the page PDF is printed from), Markdown and plain
text.

The HTML page is styled as a 公文: A4, 仿宋 body text with a first-line indent
of two characters, 黑体 headings, a CJK font stack that ends in fonts every
Linux, Windows and macOS machine has (``Noto Serif CJK SC`` / ``FangSong`` /
``STFangsong``), page numbers at the foot of each printed page, headings kept
with what follows and tables whose header repeats on every page.
"""

from __future__ import annotations

from collections.abc import Sequence

from perfrules._errors import Lang
from perfrules.core import Evaluation
from perfrules.report._blocks import Block, ChartSlot, Heading, Items, PageBreak, Para, Table
from perfrules.report._full import Issue, report_blocks
from perfrules.report._html import _CSS, render_html
from perfrules.report._markdown import render_markdown
from perfrules.report._narrative import Actual
from perfrules.report._unit_text import ReportText

SERIF = (
    '"FangSong", "FangSong_GB2312", "仿宋", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC", '
    '"Noto Serif SC", "Source Han Serif SC", "Source Han Serif CN", "Songti SC", "SimSun", '
    '"AR PL UMing CN", "Noto Sans CJK SC", serif'
)
SANS = (
    '"SimHei", "黑体", "STHeiti", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", '
    '"Source Han Sans CN", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", '
    '"WenQuanYi Zen Hei", "Droid Sans Fallback", sans-serif'
)

REPORT_CSS = (
    _CSS
    + f"""
body.report {{ font-family: {SERIF}; font-size: 16px; line-height: 1.75; max-width: 860px; }}
body.report h1, body.report h2, body.report h3, body.report h4, body.report th, \
body.report .cover_title {{
  font-family: {SANS}; }}
body.report h1 {{ font-size: 28px; text-align: center; margin: 24px 0 40px; }}
body.report h2 {{ font-size: 18px; border-bottom: none; margin: 24px 0 8px; }}
body.report h3 {{ font-size: 16px; margin: 16px 0 6px; }}
body.report h4 {{ font-size: 16px; font-weight: 400; margin: 10px 0 4px; }}
body.report p.body, body.report p.draft, body.report p.placeholder {{ text-indent: 2em; \
margin: 4px 0; }}
body.report p.cover_title {{ font-size: 24px; font-weight: 700; text-align: center; \
margin-top: 160px; }}
body.report p.cover {{ text-align: center; font-size: 18px; margin: 12px 0; }}
body.report p.placeholder {{ background: #fff3bf; border-left: 4px solid #e0a800; \
padding: 2px 6px; }}
body.report p.draft {{ background: #eef4ff; }}
body.report table {{ font-family: {SERIF}; font-size: 14px; line-height: 1.45; }}
div.page-break {{ break-after: page; page-break-after: always; height: 0; }}
@media print {{
  body.report {{ font-size: 12pt; max-width: none; }}
  body.report h1 {{ font-size: 22pt; }}
  body.report h2, body.report h3, body.report h4 {{ font-size: 12pt; }}
  body.report table {{ font-size: 9pt; }}
  body.report p.cover_title {{ font-size: 20pt; margin-top: 60mm; }}
  body.report p.cover {{ font-size: 14pt; }}
  p.placeholder, p.draft {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
""".rstrip()
)


def to_report_html(
    evaluation: Evaluation,
    text: ReportText | None = None,
    issues: Sequence[Issue] = (),
    *,
    lang: Lang = "zh",
    actual: Actual = "computed",
    style: str | None = None,
) -> str:
    """The whole self-evaluation report as one self-contained, printable HTML page.

    ``style`` is CSS added after the page's own: a province restyles the page
    (fonts, sizes, margins, colours) without forking perfrules.
    """
    blocks = report_blocks(evaluation, text, issues, lang=lang, actual=actual)
    return render_html(
        blocks, evaluation, lang=lang, css=REPORT_CSS, style=style, body_class="report"
    )


def to_report_markdown(
    evaluation: Evaluation,
    text: ReportText | None = None,
    issues: Sequence[Issue] = (),
    *,
    lang: Lang = "zh",
    actual: Actual = "computed",
) -> str:
    """The whole self-evaluation report as Markdown (placeholders as quotes ``> 【待填写：…】``)."""
    return render_markdown(report_blocks(evaluation, text, issues, lang=lang, actual=actual))


def _plain(b: Block) -> list[str]:
    if isinstance(b, Heading | Para):
        return [b.text]
    if isinstance(b, Items):
        return [f"{i}. {t}" if b.ordered else f"· {t}" for i, t in enumerate(b.items, 1)]
    if isinstance(b, Table):
        return ["　".join(c for c in b.head)] + ["　".join(c for c in r.cells) for r in b.rows]
    assert isinstance(b, ChartSlot | PageBreak)
    return []


def to_report_text(
    evaluation: Evaluation,
    text: ReportText | None = None,
    issues: Sequence[Issue] = (),
    *,
    lang: Lang = "zh",
    actual: Actual = "computed",
) -> str:
    """The whole report as plain text without the annex: one paragraph per line, blank lines
    between."""
    blocks = report_blocks(evaluation, text, issues, lang=lang, actual=actual, annex=False)
    chunks = ["\n".join(lines) for lines in map(_plain, blocks) if lines]
    return "\n\n".join(chunks) + "\n"
