"""Rate display policies (issue 12, item 7): rates shown 截尾 where the spec declares it, scores untouched.

Some forms print 96.479% as 96.47% (truncated) rather than 96.48%. ``[rounding]
rate_display_mode = "truncate"`` declares it: every rate perfrules *shows* (the budget row's
执行率, a derived rate's actual, a budget line's rate) is cut toward zero at
``rate_display``, while every score is computed from the exact rate.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfrules

SPEC = """\
[meta]
id = "rates"
title = "比率显示"
unit = "单位"
year = 2024
kind = "项目支出"

[rounding]
{rounding}

[budget_execution]
weight = 10

[[categories]]
id = "c"
name = "产出指标"
weight = 90

[[indicators]]
id = "share"
name = "完成率"
category = "c"
weight = 90
target = "≥90%"
derive = {{ numerator = "done", denominator = "planned" }}
"""

ACTUALS = """\
[indicators]

[budget]
full_year = 100000
spent = 96479

[amounts]
done = 96479
planned = 100000
"""


def _evaluate(rounding: str) -> perfrules.Evaluation:
    spec = perfrules.loads_spec(SPEC.format(rounding=rounding))
    return perfrules.evaluate(spec, perfrules.loads_actuals(ACTUALS, spec=spec))


@pytest.mark.parametrize(
    ("rounding", "shown"),
    [
        ("", "96.48%"),
        ('rate_display_mode = "half_up"', "96.48%"),
        ('rate_display_mode = "truncate"', "96.47%"),
        ('rate_display = 0.1\nrate_display_mode = "truncate"', "96.4%"),
        ("rate_display = 0.1", "96.5%"),
    ],
)
def test_rates_are_shown_as_declared_and_scored_exactly(rounding: str, shown: str) -> None:
    ev = _evaluate(rounding)
    be = ev.budget_execution
    assert be is not None and be.rate_display == shown
    assert ev.indicator("share").actual == shown
    # the scores never read the shown rate: 10 × 0.96479 and full marks above the 90% target
    assert (be.score, ev.indicator("share").score) == (Decimal("9.65"), Decimal(90))


def test_an_unknown_display_mode_is_a_located_error() -> None:
    with pytest.raises(perfrules.SpecError) as info:
        perfrules.loads_spec(SPEC.format(rounding='rate_display_mode = "floor"'))
    (problem,) = info.value.problems
    assert problem.path == ("rounding", "rate_display_mode") and problem.line == 9
    assert "truncate" in problem.message
