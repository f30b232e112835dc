"""Quantitative rows reported in words (issue 12, item 5): 达标, 已完成, 100%完成 — stated, not computed.

Refused by default (a located error); admitted only by the spec's ``[stated]`` declaration, with
each actual's evidence; scored as declared, marked 「据陈述」 with the evidence in the explanation,
the actual column every output shows and the JSON document (schema_version 3); lint warns on
every such row. The worked cases of docs/scoring.md (``stated-cases``) are evaluated here.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import perfrules
from perfrules.lint import lint

ROOT = Path(__file__).resolve().parent.parent
SCORING = ROOT / "docs" / "scoring.md"

WORDS = '[stated]\nmet = ["达标", "已完成", "100%完成"]\nnot_met = ["未达标"]\n'


def _spec(weight: str = "10", stated: str = WORDS) -> perfrules.Spec:
    return perfrules.loads_spec(
        f"""
[meta]
id = "s"
title = "s"
unit = "u"
year = 2024
kind = "项目支出"
total = {weight}
[[grades]]
name = "—"
min = 0
[[categories]]
id = "k"
name = "产出指标"
weight = {weight}
[[indicators]]
id = "x"
name = "道路里程"
category = "k"
weight = {weight}
target = "≥120公里"
{stated}
"""
    )


def _actuals(spec: perfrules.Spec, entry: str) -> perfrules.Actuals:
    return perfrules.loads_actuals(f"[indicators]\nx = {entry}\n", spec=spec)


def _evaluate(spec: perfrules.Spec, entry: str) -> perfrules.Evaluation:
    return perfrules.evaluate(spec, _actuals(spec, entry))


STATED = '{ stated = "达标", evidence = "验收报告（2023-05）" }'


def _problems(spec: perfrules.Spec, entry: str) -> set[str]:
    with pytest.raises(perfrules.SpecError) as err:
        _actuals(spec, entry)
    assert all(p.line is not None for p in err.value.problems)  # located
    return {p.code for p in err.value.problems}


def test_words_for_a_numeric_target_are_refused_by_default() -> None:
    plain = _spec(stated="")
    assert _problems(plain, '"达标"') == {"invalid-value"}
    assert _problems(plain, STATED) == {"stated-actual"}


@pytest.mark.parametrize(
    ("entry", "codes"),
    [
        ('{ stated = "达表", evidence = "验收报告" }', {"stated-actual"}),  # not a declared word
        ('{ stated = "达标" }', {"stated-evidence"}),  # no evidence
        ('{ stated = "达标", evidence = "  " }', {"stated-evidence"}),  # a blank one
        ('{ evidence = "验收报告" }', {"stated-evidence", "missing-actual"}),
        ('{ value = 130, stated = "达标", evidence = "验收报告" }', {"actual-kind"}),
    ],
)
def test_a_stated_actual_is_checked_where_it_is_written(entry: str, codes: set[str]) -> None:
    assert _problems(_spec(), entry) == codes


@pytest.mark.parametrize(
    ("stated", "code"),
    [
        ("[stated]\n", "stated-words"),  # no word
        ('[stated]\nmet = ["达标"]\nnot_met = ["达标"]\n', "stated-words"),
        ('[stated]\nmet = ["达标"]\nmet_share = 1.5\n', "stated-words"),
        ('[stated]\nmet = ["达标"]\nmet_share = 0.2\nnot_met_share = 0.5\n', "stated-words"),
    ],
)
def test_the_declaration_is_checked(stated: str, code: str) -> None:
    with pytest.raises(perfrules.SpecError) as err:
        _spec(stated=stated)
    assert code in {p.code for p in err.value.problems}


def _cases() -> list[list[str]]:
    doc = SCORING.read_text(encoding="utf-8")
    start, end = doc.index("<!-- stated-cases:begin -->"), doc.index("<!-- stated-cases:end -->")
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in doc[start:end].splitlines()[3:]
        if line.startswith("|")
    ]
    assert rows
    return rows


@pytest.mark.parametrize("row", _cases(), ids=lambda r: f"{r[0]}|{r[1]}|{r[2]}|{r[3]}")
def test_scoring_stated_case(row: list[str]) -> None:
    weight, word, met_share, not_met_share, score, met = row[:6]
    spec = _spec(weight, WORDS + f"met_share = {met_share}\nnot_met_share = {not_met_share}\n")
    res = _evaluate(spec, f'{{ stated = "{word}", evidence = "验收报告" }}').indicator("x")
    assert res.score == Decimal(score)
    assert res.met is {"true": True, "false": False}[met]
    assert res.method == "stated" and res.is_stated
    assert (res.reason is None) == (res.lost == 0)


def test_the_result_is_marked_stated_with_its_evidence_everywhere_it_is_shown() -> None:
    spec = _spec()
    ev = _evaluate(spec, STATED)
    res = ev.indicator("x")
    assert (
        res.actual_value is None and res.evidence == "验收报告（2023-05）" and res.stated == "达标"
    )
    assert res.actual == "达标（据陈述；佐证：验收报告（2023-05））"
    assert res.steps[0].zh == (
        "实际完成值据陈述为“达标”（非计算结果）；年度指标值 ≥120公里；佐证：验收报告（2023-05）"
    )
    assert res.steps[0].en.startswith("the actual is stated, not computed: '达标'")
    assert res.citation is not None and res.citation.id == "stated"
    doc = perfrules.to_document(ev)
    assert doc["schema_version"] == 3
    (row,) = doc["indicators"]
    assert row["method"] == "stated" and row["actual_value"] is None
    assert row["stated"] == {
        "word": "达标",
        "evidence": "验收报告（2023-05）",
        "mark": "据陈述",
        "mark_en": "stated, not computed",
    }
    # the fast JSON writer agrees with the document, byte for byte
    assert json.loads(perfrules.to_json(ev, indent=None)) == doc
    # a computed row has no stated object
    computed = perfrules.to_document(_evaluate(spec, "130"))
    assert computed["indicators"][0]["stated"] is None


def test_reports_show_the_mark_and_the_evidence() -> None:
    from perfrules.report import to_html, to_markdown

    ev = _evaluate(_spec(), '{ stated = "未达标", evidence = "审计报告" }')
    assert "未达标（据陈述；佐证：审计报告）" in to_markdown(ev)
    assert "未达标（据陈述；佐证：审计报告）" in to_html(ev)


def test_lint_warns_on_every_stated_row() -> None:
    spec = _spec()
    found = [f for f in lint(spec, _actuals(spec, STATED)) if f.code == "stated-result"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "据陈述" in found[0].text("zh") and "验收报告（2023-05）" in found[0].text("zh")
    assert not [f for f in lint(spec, _actuals(spec, "130")) if f.code == "stated-result"]


def test_a_stated_row_round_trips_through_toml() -> None:
    spec = _spec()
    actuals = _actuals(spec, STATED)
    again = perfrules.loads_spec(perfrules.dumps_spec(spec))
    acts = perfrules.loads_actuals(perfrules.dumps_actuals(actuals), spec=again)
    assert again == spec and acts == actuals
    assert perfrules.to_json(perfrules.evaluate(again, acts)) == perfrules.to_json(
        perfrules.evaluate(spec, actuals)
    )


def test_manual_deductions_still_apply_after_a_stated_score() -> None:
    res = _evaluate(
        _spec(),
        '{ stated = "达标", evidence = "验收报告", deductions = [{ points = 1, reason = "资料不全" }] }',
    ).indicator("x")
    assert res.score == 9 and res.reason is not None and "资料不全" in res.reason
