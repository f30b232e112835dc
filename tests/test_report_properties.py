"""Properties of the reports over generated evaluations (perfrules.testing strategies)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules._errors import Lang
from perfrules._safe_text import escape_controls
from perfrules.core._exact import show_dec
from perfrules.report import to_html, to_markdown, to_narrative
from perfrules.report._markdown import md_escape
from perfrules.testing import Case, cases

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# a （n） header's points: …（分值X分[，其中不适用指标Y分]，得Z分，未扣分|扣W分）
SECTION = re.compile(
    r"^（[一二三四五六七八九十]+）.*，得(\d+(?:\.\d+)?)分，(?:未扣分|扣\d+(?:\.\d+)?分)）$"
)


def _flat(text: str) -> str:
    return " ".join(text.splitlines())


@SETTINGS
@given(cases())
def test_every_renderer_mentions_every_indicator_and_the_total(case: Case) -> None:
    ev = perfrules.evaluate(case.spec, case.actuals)
    total = show_dec(ev.total)
    langs: tuple[Lang, ...] = ("zh", "en")
    for lang in langs:
        narrative = to_narrative(ev, lang=lang)
        markdown = to_markdown(ev, lang=lang)
        page = to_html(ev, lang=lang)
        for r in ev.indicators:
            assert _flat(escape_controls(r.name)) in narrative, (
                r.name
            )  # control characters shown escaped
            assert md_escape(r.name) in markdown, r.name
            assert html.escape(r.name) in page, r.name
        assert (
            f"得分{total}分" in narrative if lang == "zh" else f"score is {total} of" in narrative
        )
        assert f"总分 {total} 分" in markdown if lang == "zh" else f"Total {total} of" in markdown
        assert f"总分 {total} 分" in page if lang == "zh" else f"Total {total} of" in page


@SETTINGS
@given(cases())
def test_narrative_section_points_add_up_to_the_total(case: Case) -> None:
    ev = perfrules.evaluate(case.spec, case.actuals)
    lines = to_narrative(ev).splitlines()
    points = [Decimal(m.group(1)) for line in lines if (m := SECTION.match(line))]
    # one （n） header with 得X分 per 一级 category and one for the budget row
    assert len(points) == len(ev.children(None)) + (ev.budget_execution is not None)
    subtotal = sum(points, Decimal(0))
    if len(ev.total_steps) == 1:  # no 不适用, bonus, veto or rounding: the total is the plain sum
        assert subtotal == ev.total
    else:  # the narrative says how the sum became the total
        how = next(line for line in lines if line.startswith("总分计算："))
        assert how.startswith(f"总分计算：各项得分合计{show_dec(subtotal)}分；")
        words = how  # prose, not the steps' record: no = or ≈ outside the names from the files
        names = (
            [r.name for r in ev.indicators]
            + [b.name for b in ev.bonus]
            + [v.name for v in ev.vetoes]
        )
        # the longest first: a name inside another ("°" in "=°") must not split it
        for name in sorted(names, key=len, reverse=True):
            words = words.replace(_flat(escape_controls(name)), "")
        assert "=" not in words and "≈" not in words, how
        assert how.endswith(f"；总分为{show_dec(ev.total)}分。")


@SETTINGS
@given(cases())
def test_the_whole_report_holds_every_indicator_in_every_format(case: Case) -> None:
    from perfrules.report import to_report_html, to_report_markdown, to_report_text

    ev = perfrules.evaluate(case.spec, case.actuals)
    langs: tuple[Lang, ...] = ("zh", "en")
    for lang in langs:
        text = to_report_text(ev, lang=lang)
        markdown = to_report_markdown(ev, lang=lang)
        page = to_report_html(ev, lang=lang)
        for r in ev.indicators:
            assert _flat(escape_controls(r.name)) in text, r.name
            assert md_escape(r.name) in markdown, r.name
            assert html.escape(r.name) in page, r.name
        if lang == "zh":  # every section the unit writes is there, filled or marked
            assert text.count("【待填写：") >= 5
