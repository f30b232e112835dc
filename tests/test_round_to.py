"""Per-indicator score precision (``round_to``) and the declared ``policy.weight_precision``."""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfrules
from perfrules._errors import Problem
from perfrules.core import validate_actuals
from perfrules.loading import loads_actuals, loads_spec

SPEC = """
[meta]
id = "round-to"
title = "t"
unit = "u"
year = 2024
kind = "项目支出"
total = {total}
{policy}
[[categories]]
id = "output"
name = "产出指标"
weight = {total}

[[indicators]]
id = "exec"
name = "资金执行率"
category = "output"
weight = {w1}
target = "≥100%"
round_to = 1

[[indicators]]
id = "count"
name = "培训场次"
category = "output"
weight = 5
target = "≥10场"

[[indicators]]
id = "filler"
name = "其他指标"
category = "output"
weight = {filler}
target = "≥1个"
"""


def _spec(w1: str, policy: str = "") -> perfrules.Spec:
    return loads_spec(
        SPEC.format(w1=w1, total=100, filler=95 - Decimal(w1), policy=policy), file="spec.toml"
    )


def _acts(rate: str, count: str = "10") -> perfrules.Actuals:
    return loads_actuals(
        f"[indicators]\nexec = {{ value = {rate} }}\ncount = {{ value = {count} }}\nfiller = {{ value = 1 }}\n",
        file="actuals.toml",
    )


def test_round_to_rounds_this_indicator_only_and_half_up() -> None:
    spec = _spec("6")
    ev = perfrules.evaluate(spec, _acts("91.75", "9.99"))
    # 6 × 91.75% = 5.505 → whole points, half-up: 6; the sibling keeps rounding.score = 0.01: 5 × 0.999 = 4.995 → 5.00
    assert ev.indicator("exec").score == Decimal(6)
    assert ev.indicator("count").score == Decimal("5.00")
    ev2 = perfrules.evaluate(spec, _acts("91.66"))
    assert ev2.indicator("exec").score == Decimal(5)  # 5.4996 → 5
    steps = " ".join(s.zh for s in ev2.indicator("exec").steps)
    assert "round_to = 1" in steps and "取整数" in steps


def test_round_to_computes_w_a_over_t_before_rounding() -> None:
    # 3 × 50.5/100 = 1.515: whole points → 2; never 3 × round(0.505) or similar
    spec = _spec("3")
    assert perfrules.evaluate(spec, _acts("50")).indicator("exec").score == Decimal(
        2
    )  # 1.5 → 2 (tie, half-up)
    assert perfrules.evaluate(spec, _acts("49.9")).indicator("exec").score == Decimal(
        1
    )  # 1.497 → 1


def test_weight_finer_than_round_to_is_an_error_by_default() -> None:
    with pytest.raises(perfrules.SpecError) as info:
        _spec("4.5")
    codes = [p.code for p in info.value.problems]
    assert codes == ["weight-precision"]
    assert info.value.problems[0].path == ("indicators", 0, "weight")


def test_weight_precision_allow_applies_the_rule_as_written() -> None:
    spec = _spec("4.5", '\n[policy]\nweight_precision = "allow"\n')
    perfrules.check(spec)
    ev = perfrules.evaluate(spec, _acts("100"))
    assert ev.indicator("exec").score == Decimal(
        5
    )  # a full 4.5 rounded to whole points, as the rule says


def test_round_to_must_be_a_power_of_ten() -> None:
    with pytest.raises(perfrules.SpecError) as info:
        loads_spec(
            SPEC.format(w1="6", total=100, filler=89, policy="").replace(
                "round_to = 1", "round_to = 0.5"
            ),
            file="spec.toml",
        )
    assert [p.code for p in info.value.problems] == ["rounding"]


def test_full_marks_are_not_promised_when_no_score_can_equal_the_weight() -> None:
    # weight 0.5 rounded to whole points (declared allow): the score is 0 or 1, never 0.5
    text = SPEC.format(
        w1="0.5", total=100, filler=94.5, policy='\n[policy]\nweight_precision = "allow"\n'
    )
    spec = loads_spec(text, file="spec.toml")
    ev = perfrules.evaluate(spec, _acts("40"))  # 0.5 × 40% = 0.2 → 0
    res = ev.indicator("exec")
    assert res.score == Decimal(0) and res.full_marks is None


# found by the hypothesis kit once it drew round_to: the actuals' grid checks used rounding.score
# alone, so a deduction or an entered qualitative score finer than the row's own (coarser)
# quantum passed, and rounding then undid the deduction or carried the score across a tier edge

ROW_SPEC = """
[meta]
id = "row-grid"
title = "t"
unit = "u"
year = 2024
kind = "项目支出"
total = 100

[[categories]]
id = "c"
name = "c"
weight = 100

[[indicators]]
id = "exec"
name = "资金执行率"
category = "c"
weight = 10
target = "≥100%"
round_to = 1

[[indicators]]
id = "q"
name = "制度健全性"
category = "c"
weight = 10
target_text = "健全"
round_to = 1

[[indicators]]
id = "rest"
name = "其他"
category = "c"
weight = 80
target = "≥1个"
"""


def _row_problems(entries: str) -> list[Problem]:
    spec = loads_spec(ROW_SPEC, file="spec.toml")
    actuals = loads_actuals("[indicators]\nrest = 1\n" + entries, file="actuals.toml")
    return validate_actuals(spec, actuals)


def test_a_deduction_off_the_rows_own_grid_is_refused_not_rounded_away() -> None:
    # 10 − 0.01 = 9.99 would round back to 10 at whole points: the deduction would vanish
    problems = _row_problems(
        'exec = { value = 100, deductions = [{ points = 0.01, reason = "附件不全" }] }\n'
        'q = { tier = "达成" }\n'
    )
    assert [(p.code, p.path) for p in problems] == [
        ("deduction", ("indicators", "exec", "deductions", 0, "points"))
    ]
    # the row's quantum, not rounding.score (0.01), named as the row's round_to
    assert (
        "round_to grid (1)" in problems[0].message
        and "round_to 精度（1）" in problems[0].message_zh
    )
    whole = _row_problems(
        'exec = { value = 100, deductions = [{ points = 1, reason = "附件不全" }] }\n'
        'q = { tier = "达成" }\n'
    )
    assert whole == []


def test_an_entered_score_off_the_rows_own_grid_is_refused_not_carried_across_a_tier() -> None:
    # 5.99 lies in 未达成 [0, 6); at whole points it would score 6, the 部分达成 tier's minimum
    problems = _row_problems('exec = 100\nq = { tier = "未达成", score = 5.99 }\n')
    assert [(p.code, p.path) for p in problems] == [
        ("score-precision", ("indicators", "q", "score"))
    ]
    assert "its round_to (1)" in problems[0].message
    assert _row_problems('exec = 100\nq = { tier = "未达成", score = 5 }\n') == []


def test_a_tier_without_a_score_names_the_rows_own_quantum() -> None:
    # weight 2 at whole points (round_to = 1, rounding.score 0.01): 部分达成 [1.2, 1.6) holds none
    text = ROW_SPEC.replace('weight = 10\ntarget_text = "健全"', 'weight = 2\ntarget_text = "健全"')
    text = text.replace("weight = 80\n", "weight = 88\n")
    with pytest.raises(perfrules.SpecError) as info:
        loads_spec(text, file="spec.toml")
    (problem,) = info.value.problems
    assert problem.code == "tier-precision"
    assert "quantum 1 " in problem.message and "按1分精度" in problem.message_zh
