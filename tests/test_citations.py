"""Truthful citations (issue 12, item 8): a row's own rule first, a generic text only where it is the row's rule.

A method's generic citation quotes one published rule (岳阳's staff control rate, 重点支出安排率's
bands, 10号's three tiers, the form's 10-point 预算执行率 …). It is cited only for a row whose
rule is that rule; elsewhere the row cites its own ``rule`` or nothing. These tests state,
independently of the code's own predicates, what each generic text describes, and check every
row kind of every method against it — by example and over generated specs.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.core import Citation
from perfrules.model import (
    DEFAULT_TIERS,
    BandBasis,
    Bands,
    Deviation,
    DeviationTarget,
    Indicator,
    PerOccurrence,
    RateTimesWeight,
    Spec,
    StepDeduction,
)
from perfrules.testing import cases


def _one(indicator: str, actual: str, *, tiers: str = "", budget: str = "") -> perfrules.Evaluation:
    weight = Decimal(10)
    total = weight + (Decimal(10) if "weight = 10" in budget else Decimal(20) if budget else 0)
    spec = perfrules.loads_spec(
        f"""
[meta]
id = "c"
title = "c"
unit = "u"
year = 2024
kind = "部门整体支出"
total = {total}
{budget}
[[grades]]
name = "—"
min = 0
{tiers}
[[categories]]
id = "k"
name = "满意度指标"
weight = {weight}
[[indicators]]
id = "x"
name = "服务对象满意度"
category = "k"
weight = {weight}
{indicator}
"""
    )
    amounts = "\n[budget]\nfull_year = 100\nspent = 90\n" if budget else ""
    return perfrules.evaluate(
        spec, perfrules.loads_actuals(f"[indicators]\nx = {actual}\n{amounts}", spec=spec)
    )


def _cited(res: perfrules.IndicatorResult | perfrules.BudgetExecutionResult) -> str | None:
    generic = [s for s in res.steps if s.kind == "rule" and s.zh.startswith("依据：")]
    if res.citation is None:
        assert generic == []  # no generic step without a generic citation
        return None
    assert [s.zh for s in generic] == [f"依据：{res.citation}"]
    return res.citation.id


KEY_SPENDING = """method = { name = "bands", bands = [
  { min = 90, score = 10 }, { min = 80, max = 90, score = 8 }, { min = 0, max = 80, score = 0 },
] }"""
QUOTED_BANDS = """method = { name = "bands", bands = [
  { min = 90, score = 5 }, { min = 80, max = 90, score = 4 }, { min = 70, max = 80, score = 3 },
  { min = 60, max = 70, score = 2 }, { min = 0, max = 60, score = 0 },
] }"""


@pytest.mark.parametrize(
    ("indicator", "actual", "cited"),
    [
        # step: the 岳阳 text is a ≦100% control rate, 0.5 or 1 per percentage point
        ('target = "≤100%"\nmethod = { name = "step", per = 1, deduct = 0.5 }', "101", "step"),
        ('target = "≤100%"\nmethod = { name = "step", per = 1, deduct = 1 }', "103", "step"),
        ('target = "≥95%"\nmethod = { name = "step", per = 1, deduct = 0.5 }', "90", None),
        (
            'target = "≥95%"\nmethod = { name = "step", start = 85, per = 1, deduct = 0.5 }',
            "80",
            None,
        ),
        ('target = "≤100%"\nmethod = { name = "step", per = 1, deduct = 2 }', "101", None),
        ('target = "≤10人"\nmethod = { name = "step", per = 1, deduct = 0.5 }', "12", None),
        # bands: the 重点支出安排率 table only
        ('target = "≥90%"\n' + QUOTED_BANDS.replace("5 }", "10 }"), "85", None),
        ('target = "≥90%"\n' + KEY_SPENDING, "85", None),
        # rate: a completion rate in %
        ('target = "≥90%"\nmethod = "rate"', "85", "rate"),
        ('target = "≥0.9"\nmethod = "rate"', "0.85", None),
        # per occurrence: 1 point per case
        (
            'target = "=0例"\nmethod = { name = "per_occurrence", deduct = 1 }',
            "2",
            "per_occurrence",
        ),
        ('target = "=0例"\nmethod = { name = "per_occurrence", deduct = 0.5 }', "2", None),
        # the ratio family: 10号's generic rules for 定量指标 state no row-specific numbers
        ('target = "≥95%"', "90", "quantitative.positive"),
        ('target = "≤100万元"', "110", "quantitative.negative.inverse_ratio"),
        # deviation: the declared method's text states no row-specific numbers
        (
            'target = "120公里±5%"\nmethod = { name = "deviation", shares = [\n'
            "  { max = 5, max_inclusive = true, share = 1 }, { min = 5, min_inclusive = false, share = 0 },\n] }",
            "130",
            "deviation",
        ),
    ],
)
def test_a_generic_text_is_cited_only_where_it_is_the_rows_rule(
    indicator: str, actual: str, cited: str | None
) -> None:
    assert _cited(_one(indicator, actual).indicator("x")) == cited


def test_the_quoted_band_table_cites_its_text() -> None:
    res = _one('target = "≥90%"\n' + QUOTED_BANDS, "85").indicator("x")
    # the row weighs 10 here, so the table's scores (5/4/3/2/0) are not its full marks: still the
    # same table, and the text is this row's rule
    assert _cited(res) == "bands"


def test_tiers_of_the_default_table_cite_10号_and_a_specs_own_tiers_cite_nothing() -> None:
    default = _one('target_text = "有效提升"', '{ tier = "达成年度指标" }').indicator("x")
    assert _cited(default) == "qualitative.tiers"
    own = """
[[tiers]]
name = "好"
min = 0.8
max = 1
max_inclusive = true
[[tiers]]
name = "差"
min = 0
max = 0.8
"""
    assert (
        _cited(_one('target_text = "有效提升"', '{ tier = "好" }', tiers=own).indicator("x"))
        is None
    )


@pytest.mark.parametrize(("weight", "cited"), [(10, "budget_execution.proportional"), (20, None)])
def test_the_10_point_budget_text_is_cited_for_a_10_point_row_only(
    weight: int, cited: str | None
) -> None:
    ev = _one('target = "≥95%"', "96", budget=f"[budget_execution]\nweight = {weight}\n")
    assert ev.budget_execution is not None and _cited(ev.budget_execution) == cited


def test_the_rows_own_rule_is_cited_first() -> None:
    rule = 'rule = { document = "某市评分细则", text = "85%以上得满分，每降低1个百分点扣0.5分" }'
    for indicator, generic in (
        ('target = "≥95%"\nmethod = { name = "step", start = 85, per = 1, deduct = 0.5 }', False),
        ('target = "≤100%"\nmethod = { name = "step", per = 1, deduct = 0.5 }', True),
    ):
        res = _one(indicator + "\n" + rule, "101" if generic else "80").indicator("x")
        rules = [s.zh for s in res.steps if s.kind == "rule"]
        assert rules[0] == "本指标计分规则：某市评分细则：85%以上得满分，每降低1个百分点扣0.5分"
        assert len(rules) == (2 if generic else 1)


def _describes(citation: Citation, spec: Spec, ind: Indicator) -> bool:
    """What each generic text is the rule of, stated here from the texts themselves."""
    t, m = ind.target, ind.method
    if citation.id == "step":
        return (
            isinstance(m, StepDeduction)
            and t is not None
            and t.comparator.value in ("≤", "<")
            and (t.value, t.unit) == (100, "%")
            and m.per == 1
            and m.deduct in (Decimal("0.5"), 1)
        )
    if citation.id == "bands":
        return isinstance(m, Bands) and m.on is BandBasis.ACTUAL and t is not None and t.unit == "%"
    if citation.id == "rate":
        return isinstance(m, RateTimesWeight) and t is not None and t.unit == "%"
    if citation.id == "per_occurrence":
        return isinstance(m, PerOccurrence) and m.deduct == 1
    if citation.id == "deviation":  # the declared method's generic text: every deviation row
        return isinstance(m, Deviation) and isinstance(t, DeviationTarget)
    if citation.id == "qualitative.tiers":
        return spec.tiers == DEFAULT_TIERS or any(x in DEFAULT_TIERS for x in spec.tiers)
    return citation.id.startswith(("quantitative.", "not_applicable", "manual_deduction"))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_cited_text_matches_what_the_row_is(case: object) -> None:
    spec, actuals = case  # type: ignore[misc]
    ev = perfrules.evaluate(spec, actuals)
    for res in ev.indicators:
        if res.citation is not None:
            assert _describes(res.citation, spec, spec.indicator(res.id)), (res.id, res.citation.id)
        _cited(res)
    be = ev.budget_execution
    if be is not None and spec.budget_execution is not None and be.citation is not None:
        if be.citation.id == "budget_execution.proportional":
            assert spec.budget_execution.weight == 10
        _cited(be)
