"""The chart of points lost by category: one horizontal bar per 一级 category and one for the budget
row.

Inline SVG, no script, fixed pixel geometry so that a browser draws each bar
exactly ``BAR_MAX`` × lost ÷ (the category's own points) pixels long: the
track is the category's weight, the bar the share of it that was lost (1 point
of 10 lost is a tenth of the track; a category that lost nothing gets a
0-length bar). Lengths are computed exactly and rounded half-up to 0.01 px; no
float is involved.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from fractions import Fraction
from html import escape

import attrs

from perfrules._errors import Lang
from perfrules.core import Evaluation, round_half_up
from perfrules.report._text import lost_of, lost_phrase, one_line, pts

BAR_COLOUR = "#c8102e"  # the bars (rgb 200, 16, 46): the browser test counts these pixels
# the full-length track behind each bar (rgb 241, 223, 226): marks the rows
TRACK_COLOUR = "#f1dfe2"
BAR_MAX = 400  # px: the longest bar
LABEL_WIDTH = 220  # px left of the bars for the category names
ROW_HEIGHT = 30  # px per bar row
BAR_HEIGHT = 18  # px
PAD = 8  # px above the first and below the last row
VALUE_WIDTH = 130  # px right of the bars for the points lost
WIDTH = LABEL_WIDTH + BAR_MAX + VALUE_WIDTH
# label width in half-width units (a CJK character is 2); longer names are shortened on the
_LABEL_UNITS = 30
# chart, the full name is the row's tooltip and is in the table under the chart


@attrs.frozen(kw_only=True)
class Bar:
    """One bar: a 一级 category or the budget row, with the points it lost and its length in px."""

    key: str  # the category id, or ``budget_execution``
    label: str
    weight: Decimal
    score: Decimal
    lost: Decimal
    length: Decimal  # px, exact to 0.01


def loss_bars(ev: Evaluation, lang: Lang = "zh") -> tuple[Bar, ...]:
    """The budget row first (when there is one), then every 一级 category in form order.

    Each bar is the share of the category's own points that was lost.
    """
    rows: list[tuple[str, str, Decimal, Decimal, Decimal]] = []
    be = ev.budget_execution
    if be is not None:
        rows.append(
            (
                "budget_execution",
                be.name if lang == "zh" else "Budget execution",
                be.weight,
                be.score,
                lost_of(be.lost),
            )
        )
    for c in ev.children(None):
        rows.append((c.id, c.name, c.weight, c.score, lost_of(c.lost)))
    bars = []
    for key, label, weight, score, lost in rows:
        share = Fraction(0) if weight <= 0 else min(Fraction(lost) / Fraction(weight), Fraction(1))
        length = round_half_up(share * BAR_MAX, Decimal("0.01"))
        bars.append(
            Bar(
                key=key, label=one_line(label), weight=weight, score=score, lost=lost, length=length
            )
        )
    return tuple(bars)


def _units(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _short(label: str) -> str:
    """The label as it fits left of the bars: cut with ``…`` beyond ``_LABEL_UNITS``."""
    if sum(map(_units, label)) <= _LABEL_UNITS:
        return label
    out, used = "", 0
    for ch in label:
        if used + _units(ch) > _LABEL_UNITS - 1:
            break
        out += ch
        used += _units(ch)
    return out + "…"


def chart_svg(ev: Evaluation, lang: Lang = "zh") -> str:
    """The chart as an inline ``<svg>`` element (HTML-escaped text, no external references)."""
    bars = loss_bars(ev, lang)
    height = PAD * 2 + ROW_HEIGHT * max(len(bars), 1)
    title = "各类别扣分" if lang == "zh" else "Points lost by category"
    parts = [
        f'<svg class="chart" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" shape-rendering="crispEdges">',
        f"<title>{escape(title)}</title>",
    ]
    for i, b in enumerate(bars):
        y = PAD + i * ROW_HEIGHT
        bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) // 2
        text_y = y + ROW_HEIGHT // 2 + 5
        key = escape(b.key)
        parts.append(
            f'<g class="bar-row" data-key="{key}" data-lost="{pts(b.lost)}">'
            f"<title>{escape(b.label)}：{escape(lost_phrase(b.lost, lang))}</title>"
            f'<text x="{LABEL_WIDTH - 10}" y="{text_y}" '
            f'text-anchor="end">{escape(_short(b.label))}</text>'
            f'<rect class="track" x="{LABEL_WIDTH}" y="{bar_y}" '
            f'width="{BAR_MAX}" height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}"/>'
            f'<rect class="bar" data-key="{key}" x="{LABEL_WIDTH}" '
            f'y="{bar_y}" width="{pts(b.length)}" '
            f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            f'<text x="{LABEL_WIDTH + BAR_MAX + 10}" '
            f'y="{text_y}">{escape(lost_phrase(b.lost, lang))}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)
