"""Anchored steps (issue 12, item 1): ``step`` counts from the rule's start point (起扣点), not the target.

"85%以上得满分，每降低1个百分点扣0.5分，扣完为止" on a row whose target is ``≥95%``: the
target stays as written, ``met`` is judged against it, the explanation names the
start point, why-not answers from it, and a start that would make a met target lose
points is a located error.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import perfrules

SPEC = """\
[meta]
id = "anchored"
title = "起扣点"
unit = "单位"
year = 2024
kind = "项目支出"

[[categories]]
id = "s"
name = "满意度指标"
weight = 90

[[indicators]]
id = "sat"
name = "服务对象满意度"
category = "s"
weight = 90
target = "{target}"
method = {{ name = "step", start = {start}, per = 1, deduct = 0.5 }}

[budget_execution]
weight = 10
method = {{ name = "step", start = 90, per = 1, deduct = 1 }}
"""


def _load(tmp_path: Path, *, target: str = "≥95%", start: str = "85") -> perfrules.Spec:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(target=target, start=start), encoding="utf-8")
    return perfrules.load_spec(path)


def _evaluate(spec: perfrules.Spec, value: str, spent: str = "100") -> perfrules.Evaluation:
    actuals = perfrules.loads_actuals(
        f"[indicators]\nsat = {value}\n\n[budget]\nfull_year = 100\nspent = {spent}\n", spec=spec
    )
    return perfrules.evaluate(spec, actuals)


def test_the_distance_counts_from_the_start_and_met_from_the_target(tmp_path: Path) -> None:
    spec = _load(tmp_path)
    res = _evaluate(spec, "80").indicator("sat")
    assert res.score == Decimal("87.5")  # 5 points below 85, 0.5 each
    assert res.target == "≥95%" and res.met is False
    compare = next(s for s in res.steps if s.kind == "compare")
    assert "起扣点 85" in compare.zh and "指标值" not in compare.zh
    assert "start point 85" in compare.en
    assert res.reason is not None and "年度指标值≥95%" in res.reason and "起扣点85%" in res.reason
    between = _evaluate(spec, "90").indicator("sat")  # above the start, below the target
    assert (between.score, between.met, between.reason) == (Decimal(90), False, None)
    met = _evaluate(spec, "96").indicator("sat")
    assert (met.score, met.met) == (Decimal(90), True)


def test_without_a_start_the_same_row_counts_from_its_target(tmp_path: Path) -> None:
    """The contrast that makes ``start`` matter: from 95, 80% is 15 steps, not 5."""
    spec = _load(tmp_path)
    ind = spec.indicators[0]
    assert ind.method is not None and ind.method.start == Decimal(85)  # type: ignore[union-attr]
    plain = attrs.evolve(
        spec, indicators=(attrs.evolve(ind, method=attrs.evolve(ind.method, start=None)),)
    )  # type: ignore[arg-type]
    assert _evaluate(plain, "80").indicator("sat").score == Decimal("82.5")


def test_why_not_answers_from_the_start(tmp_path: Path) -> None:
    res = _evaluate(_load(tmp_path), "80").indicator("sat")
    answer = res.full_marks
    assert answer is not None
    assert (answer.threshold, answer.comparator) == (Decimal(84), ">")  # floor: a part step is free
    assert "84" in answer.zh


def test_the_budget_row_counts_from_its_start(tmp_path: Path) -> None:
    spec = _load(tmp_path)
    assert _evaluate(spec, "96", spent="92").budget_execution.score == Decimal(10)  # type: ignore[union-attr]
    assert _evaluate(spec, "96", spent="87").budget_execution.score == Decimal(7)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("target", "start", "words"),
    [
        ("≥95%", "98", "高于指标值≥95%"),
        ("≤10%", "8", "低于指标值≤10%"),
        ("=100", "90", "只适用于 ≥、>、≤、< 指标值"),
        ("≥95%", "-1", "不能为负数"),
    ],
)
def test_a_start_on_the_strict_side_is_a_located_error(
    tmp_path: Path, target: str, start: str, words: str
) -> None:
    with pytest.raises(perfrules.SpecError) as info:
        _load(tmp_path, target=target, start=start)
    (problem,) = [p for p in info.value.problems if p.code == "method-params"]
    assert words in problem.message_zh
    assert problem.path == ("indicators", 0, "method", "start")
    assert problem.line == 19 and problem.file is not None and problem.file.endswith("spec.toml")


def test_a_start_on_the_budget_row_above_100_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(
        SPEC.format(target="≥95%", start="85").replace("start = 90", "start = 101"),
        encoding="utf-8",
    )
    with pytest.raises(perfrules.SpecError) as info:
        perfrules.load_spec(path)
    (problem,) = [p for p in info.value.problems if p.code == "method-params"]
    assert problem.path == ("budget_execution", "method", "start")
