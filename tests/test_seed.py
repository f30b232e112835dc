"""End to end: the published 2024 湖南省人民政府办公厅 self-evaluation (99 points).

Every expected value below was checked by hand against the report
(``../shared/seed/000_89c0cb00bebb9dcf.txt`` beside the checkout) and the rules in
docs / domain notes, not copied from perfrules' output:

* 预算执行率 = 31092.65 / 32909.2 = 0.944801…, shown 94.48%; round_whole:
  9.448… → 9 (report: 得9分，扣1分); proportional: 9.448… → 9.45.
* 公用经费控制率 = 6897.35 / 6975.25 = 98.883…% → "98.88%" (≤100%: met).
* “三公”经费控制率 = 702.8 / 823 = 85.394…% → "85.39%" (the report rounds to 85.4%).
* every indicator is met, so each scores its weight; 产出 50 + 效益 30 +
  满意度 10 + 预算执行 9 = 99 → 优 (90 ≤ 99).
* over-achievement ≥ 130%: 参事建言 104/70 = 148.6%, 志愿活动 7/4 = 175%;
  幼儿园办班 12/10 = 120% stays below the threshold.
"""

from __future__ import annotations

import json
import re

import attrs
import pytest
from conftest import SEED_REPORT, SEED_REPORT_MISSING, D

import perfrules
from perfrules import Actuals, Evaluation, ExecutionPolicy, Spec
from perfrules.core import spec_sha256

REPORT = SEED_REPORT

# (id, weight) of all 19 三级 indicators, as the report lists them
SEED_WEIGHTS = {
    "portal_updates": 3,
    "gazette_issues": 3,
    "hunan_info_issues": 3,
    "chronicle_issues": 3,
    "counsellor_proposals": 3,
    "key_inspections": 3,
    "kindergarten_classes": 2,
    "info_adoption": 5,
    "meeting_service": 5,
    "instruction_followup": 5,
    "proposal_followup": 5,
    "public_funds_control": 5,
    "three_public_control": 5,
    "volunteer_activities": 10,
    "energy_saving": 10,
    "legal_education": 10,
    "work_report_approval": 4,
    "hospital_satisfaction": 3,
    "kindergarten_satisfaction": 3,
}


def test_seed_has_the_19_indicators_of_the_report(seed_eval: Evaluation) -> None:
    assert {r.id: r.weight for r in seed_eval.indicators} == {
        k: D(v) for k, v in SEED_WEIGHTS.items()
    }


@pytest.mark.parametrize("ind_id", sorted(SEED_WEIGHTS))
def test_every_seed_indicator_scores_its_weight(seed_eval: Evaluation, ind_id: str) -> None:
    res = seed_eval.indicator(ind_id)
    assert res.score == D(SEED_WEIGHTS[ind_id])
    assert res.lost == 0
    assert res.reason is None
    assert "deduction" not in [s.kind for s in res.steps]


@pytest.mark.skipif(not REPORT.exists(), reason=SEED_REPORT_MISSING)
def test_indicator_scores_match_the_published_report(seed_eval: Evaluation) -> None:
    """Each "<name>，年度指标值…分值N分，得分M分" of the report equals perfrules' weight and score."""
    text = REPORT.read_text(encoding="utf-8")
    checked = 0
    for res in seed_eval.indicators:
        at = text.find(res.name)
        assert at >= 0, res.name
        m = re.search(r"分值(\d+)分，得分(\d+)分", text[at:])
        assert m is not None, res.name
        assert (res.weight, res.score) == (D(m[1]), D(m[2])), res.name
        checked += 1
    assert checked == 19
    assert "部门整体支出绩效得分99分" in text
    assert "预算执行率（分值10分，得9分，扣1分）" in text


def test_budget_execution_row(seed_eval: Evaluation) -> None:
    be = seed_eval.budget_execution
    assert be is not None
    assert be.rate_display == "94.48%"
    assert be.full_year == D("32909.2") and be.spent == D("31092.65")
    assert be.policy == "round_whole"
    assert be.score == D(9)
    assert be.lost == D(1)
    assert be.reason is not None and "扣1分" in be.reason
    assert "94.48%" in be.reason
    kinds = [s.kind for s in be.steps]
    assert "deduction" in kinds and "rule" in kinds
    rule = next(s for s in be.steps if s.kind == "rule")
    assert "湘财绩〔2025〕2号" in rule.zh


def test_budget_rate_is_exact(seed_eval: Evaluation) -> None:
    from fractions import Fraction

    be = seed_eval.budget_execution
    assert be is not None
    assert be.rate == Fraction(3109265, 3290920)


@pytest.mark.parametrize(
    ("cat_id", "score"),
    [
        ("output", 50),
        ("output.quantity", 20),
        ("output.quality", 10),
        ("output.timeliness", 10),
        ("output.cost", 10),
        ("benefit", 30),
        ("benefit.social", 10),
        ("benefit.ecological", 10),
        ("benefit.sustainable", 10),
        ("satisfaction", 10),
        ("satisfaction.service", 10),
    ],
)
def test_subtotals(seed_eval: Evaluation, cat_id: str, score: int) -> None:
    cat = seed_eval.category(cat_id)
    assert cat.score == D(score)
    assert cat.weight == D(score)  # nothing lost in any category


def test_category_levels(seed_eval: Evaluation) -> None:
    assert [c.id for c in seed_eval.children(None)] == ["output", "benefit", "satisfaction"]
    assert [c.id for c in seed_eval.children("output")] == [
        "output.quantity",
        "output.quality",
        "output.timeliness",
        "output.cost",
    ]


def test_total_and_grade(seed_eval: Evaluation) -> None:
    assert seed_eval.total == D(99)
    assert seed_eval.total_weight == D(100)
    assert seed_eval.lost == D(1)
    assert seed_eval.grade == "优"


def test_derived_cost_rates(seed_eval: Evaluation) -> None:
    pub = seed_eval.indicator("public_funds_control")
    three = seed_eval.indicator("three_public_control")
    assert pub.actual == "98.88%"
    assert three.actual == "85.39%"
    from fractions import Fraction

    assert pub.actual_value == Fraction(689735, 697525) * 100
    assert three.actual_value == Fraction(7028, 8230) * 100
    # the report's own 85.4% is kept as a note but scoring uses the computed value
    assert any("85.4%" in s.zh and s.kind == "input" for s in three.steps)


def test_overshoot_warnings(seed_eval: Evaluation) -> None:
    assert len(seed_eval.warnings) == 2
    assert {w.code for w in seed_eval.warnings} == {"overshoot"}
    assert sorted(w.indicator or "" for w in seed_eval.warnings) == [
        "counsellor_proposals",
        "volunteer_activities",
    ]
    assert seed_eval.indicator("kindergarten_classes").warnings == ()
    # warnings never cost points
    assert seed_eval.indicator("counsellor_proposals").score == D(3)
    assert seed_eval.indicator("volunteer_activities").score == D(10)


def test_json_document(seed_spec: Spec, seed_eval: Evaluation) -> None:
    doc = perfrules.to_document(seed_eval)
    assert doc["schema_version"] == 3
    assert doc["total"] == "99"
    assert doc["grade"] == "优"
    assert re.fullmatch(r"[0-9a-f]{64}", doc["spec"]["sha256"])
    assert doc["spec"]["sha256"] == spec_sha256(seed_spec)
    assert doc["budget_execution"]["score"] == "9"
    assert doc["budget_execution"]["rate_display"] == "94.48%"
    assert len(doc["indicators"]) == 19
    assert len(doc["warnings"]) == 2
    # the JSON text is the same document, numbers as strings (never floats)
    parsed = json.loads(perfrules.to_json(seed_eval))
    assert parsed == doc
    assert all(isinstance(i["score"], str) for i in parsed["indicators"])


def test_spec_digest_depends_on_content(seed_spec: Spec) -> None:
    other = attrs.evolve(
        seed_spec,
        budget_execution=attrs.evolve(
            seed_spec.budget_execution, policy=ExecutionPolicy.PROPORTIONAL
        ),
    )
    assert spec_sha256(other) != spec_sha256(seed_spec)
    # formatting and comments do not matter: the re-dumped spec has the same digest
    assert spec_sha256(perfrules.loads_spec(perfrules.dumps_spec(seed_spec))) == spec_sha256(
        seed_spec
    )


def test_proportional_policy_gives_9_45(seed_spec: Spec, seed_actuals: Actuals) -> None:
    block = seed_spec.budget_execution
    assert block is not None
    spec = attrs.evolve(
        seed_spec, budget_execution=attrs.evolve(block, policy=ExecutionPolicy.PROPORTIONAL)
    )
    ev = perfrules.evaluate(spec, seed_actuals)
    assert ev.budget_execution is not None
    assert ev.budget_execution.score == D("9.45")
    assert ev.total == D("99.45")
    assert ev.grade == "优"
    assert perfrules.to_document(ev)["total"] == "99.45"


def test_seed_loads_from_files_with_locations(seed_spec: Spec, seed_actuals: Actuals) -> None:
    assert seed_spec.source is not None and seed_spec.source.file is not None
    assert seed_spec.source.file.endswith("spec.toml")
    assert seed_actuals.spec == seed_spec.meta.id
    assert seed_actuals.year == seed_spec.meta.year == 2024
