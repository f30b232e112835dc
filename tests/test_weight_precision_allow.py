"""``policy.weight_precision = "allow"``: what the hypothesis kit found once it drew it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import perfrules

SPEC = """
[meta]
id = "allow"
title = "allow"
unit = "u"
year = 2024
kind = "项目支出"
total = 100

[policy]
weight_precision = "allow"

[rounding]
score = 1

[[categories]]
id = "k"
name = "产出指标"
weight = 95.5

[[indicators]]
id = "x"
name = "道路里程"
category = "k"
weight = 95.5
target = "≥100"

[budget_execution]
weight = 4.5
{method}
"""

ACTUALS = """
[indicators]
x = 100

[budget]
full_year = 100
spent = {spent}
"""


# found by the hypothesis kit once it drew "allow": the budget row's why-not under a step method
# named the step's threshold (预算执行率>99%即可得满分 under floor, ≥100% under the others) although
# a 4.5-point row rounded to whole points never scores exactly 4.5 (at 100%: 5; one step below: 4);
# the policy path (round_whole) said so already
@pytest.mark.parametrize(
    ("method", "spent", "score"),
    [
        ('method = { name = "step", per = 1, deduct = 1 }', "99", "4"),  # 3.5 → 4
        ('method = { name = "step", per = 0.5, deduct = 1, partial = "ceil" }', "99.9", "4"),
        ('policy = "round_whole"', "99", "4"),  # 4.455 → 4
    ],
)
def test_a_budget_row_finer_than_its_quantum_names_no_full_marks_threshold(
    method: str, spent: str, score: str
) -> None:
    spec = perfrules.loads_spec(SPEC.format(method=method))
    actuals = perfrules.loads_actuals(ACTUALS.format(spent=spent), spec=spec)
    be = perfrules.evaluate(spec, actuals).budget_execution
    assert be is not None and be.score == Decimal(score) and be.full_marks is not None
    assert be.full_marks.threshold is None and be.full_marks.comparator is None
    assert be.full_marks.zh == "分值4.5分不是得分精度1的整数倍，任何执行率的得分都不会恰为分值"


# found by drawing "allow": a budget row that meets 100% but loses points to rounding alone (its
# weight 12.25 rounded to whole points is 12) said it had not reached 100% (预算执行率100.00%，
# 未达到100%，…，扣0.25分)
def test_a_met_budget_row_that_loses_points_to_rounding_does_not_say_it_missed() -> None:
    text = SPEC.format(method='policy = "round_whole"').replace("4.5", "12.25")
    spec = perfrules.loads_spec(text.replace("95.5", "87.75"))
    for spent in ("100", "103"):
        actuals = perfrules.loads_actuals(ACTUALS.format(spent=spent), spec=spec)
        be = perfrules.evaluate(spec, actuals).budget_execution
        assert be is not None and be.score == Decimal(12)
        assert be.reason is not None and be.reason_en is not None
        assert "未达到" not in be.reason and "below" not in be.reason_en
        assert be.reason.endswith("，已达到100%，按执行率×分值四舍五入取整计分，扣0.25分")
        assert be.reason_en.endswith(
            " reaches 100%; rate × weight rounded to whole points; 0.25 point(s) deducted"
        )
    actuals = perfrules.loads_actuals(ACTUALS.format(spent="99"), spec=spec)
    be = perfrules.evaluate(spec, actuals).budget_execution
    assert (
        be is not None
        and be.reason == "预算执行率99.00%，未达到100%，按执行率×分值四舍五入取整计分，扣0.25分"
    )


ROUNDING_SPEC = """
[meta]
id = "allow-rounding"
title = "allow"
unit = "u"
year = 2024
kind = "项目支出"
total = 100

[policy]
weight_precision = "allow"

[rounding]
score = 1

[[categories]]
id = "k"
name = "产出指标"
weight = 100

[[indicators]]
id = "a"
name = "道路里程"
category = "k"
weight = 4.4
target = "{target}"
{method}

[[indicators]]
id = "rest"
name = "其余"
category = "k"
weight = 95.6
target = "≥1"
"""


# found by drawing "allow": a row whose rule gives the full weight but whose weight is off its score
# grid (4.4 at whole points scores 4) lost its points without a reason of its own — ratio wrote
# "，扣0.4分", a step row "实际完成值100低于年度指标值≥100…，扣0.4分" — in the evaluation and in the
# full audit's line alike
@pytest.mark.parametrize(
    ("target", "method", "met"),
    [
        ("≥100", "", True),  # ratio, met
        ("=100", "", True),  # ratio, exact target met
        ("≥100", 'method = { name = "step", per = 1, deduct = 1 }', True),
        (">100", 'method = { name = "step", per = 1, deduct = 1 }', False),  # no step deducted
        ("≤100", 'method = { name = "step", per = 1, deduct = 1 }', True),
    ],
)
def test_points_lost_to_rounding_alone_say_so(target: str, method: str, met: bool) -> None:
    from perfrules.core import document_line, unit_document

    spec = perfrules.loads_spec(ROUNDING_SPEC.format(target=target, method=method))
    actuals = perfrules.loads_actuals("[indicators]\na = 100\nrest = 1\n", spec=spec)
    ev = perfrules.evaluate(spec, actuals)
    row = ev.indicators[0]
    assert row.score == Decimal(4) and row.met is met
    assert row.reason == "分值不是得分精度的整数倍，按得分精度四舍五入后低于分值，扣0.4分"
    assert row.reason_en == (
        "the weight is not a multiple of the score precision and rounds half-up to below it; "
        "0.4 point(s) deducted"
    )
    # the full audit's own writer says the same, byte for byte (a row with a warning it leaves to
    # the evaluation: > 100 met by equality is the strict-boundary case)
    line = document_line(ev, "u1")
    assert "扣0.4分" in line and "低于年度指标值" not in line
    doc = unit_document(spec, actuals, "u1")
    if ev.warnings:
        assert doc is None and [w.code for w in ev.warnings] == ["strict-boundary"]
    else:
        assert doc is not None and doc.line == line


# found by drawing "allow": an actual equal to a strict target (> or <) that still scores what a met
# row scores carries the strict-boundary warning; with a weight off its grid (95.5 at whole points:
# both score 96) the warning was missing, since the check compared the score with the weight
@pytest.mark.parametrize(
    ("target", "method"),
    [
        (">100", ""),
        ("<100", ""),
        (">100", 'method = { name = "step", per = 1, deduct = 1 }'),
    ],
)
@pytest.mark.parametrize("weight", ["4.5", "4"])  # off the whole-point grid, and on it
def test_a_strict_boundary_off_the_grid_is_warned(target: str, method: str, weight: str) -> None:
    from perfrules.core import document_line, unit_document

    text = ROUNDING_SPEC.format(target=target, method=method)
    text = text.replace("weight = 4.4", f"weight = {weight}")
    text = text.replace("weight = 95.6", f"weight = {Decimal(100) - Decimal(weight)}")
    spec = perfrules.loads_spec(text)
    actuals = perfrules.loads_actuals("[indicators]\na = 100\nrest = 1\n", spec=spec)
    ev = perfrules.evaluate(spec, actuals)
    row = ev.indicators[0]
    assert row.met is False and row.score == Decimal(5 if weight == "4.5" else 4)
    assert [w.code for w in ev.warnings] == ["strict-boundary"]
    # the full audit's writer leaves a warned row to the evaluation: the same line either way
    doc = unit_document(spec, actuals, "u1")
    assert doc is None or doc.line == document_line(ev, "u1")


# found by the vectorised engine's differential property once the warning followed a met row's
# score: its strict-boundary check still compared the score with the weight
@pytest.mark.parametrize("engine", ["vector", "pure"])
def test_the_vectorised_engine_warns_a_strict_boundary_off_the_grid(
    tmp_path: Path, engine: str
) -> None:
    pytest.importorskip("pyarrow")
    from perfrules.batch import run_batch

    (tmp_path / "base.toml").write_text(
        '[meta]\nkind = "项目支出"\n\n[policy]\nweight_precision = "allow"\n', encoding="utf-8"
    )
    (tmp_path / "t.csv").write_text(
        "unit,spec,year,indicator,name,category,weight,comparator,target,actual,round_to\n"
        "u1,base.toml,2024,i0,甲,产出指标,0.5,≥,1,0,\n"
        "u1,,,i1,乙,产出指标,99.5,>,1,1,1\n",
        encoding="utf-8",
    )
    summary = run_batch(tmp_path / "t.csv", tmp_path / "out.csv", engine=engine)
    assert summary.scored == 1
    import csv

    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["status"], row["total"], row["warnings"]) == ("ok", "100.00", "1")
