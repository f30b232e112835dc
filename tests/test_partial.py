"""Partial tables (issue 12, item 6): only some rows of a form are known, declared, never passed as whole.

``[meta] partial = "…"`` says why only part of the form is encoded. The total runs over the
declared rows, weights need not add up to the form's ``total``, no grade is claimed, and every
output says the result is partial.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

import perfrules
from perfrules.render import AuditTable
from perfrules.report import to_html, to_markdown, to_narrative

BUDGET_ONLY = """\
categories = []
indicators = []

[meta]
id = "only-budget"
title = "预算执行率（只公开了一行）"
unit = "某乡镇"
year = 2023
kind = "部门整体支出"
partial = "原文只公开了预算执行率一行"

[budget_execution]
weight = 10
policy = "round_whole"
"""

THREE_ROWS = """\
[meta]
id = "three-rows"
title = "三行"
unit = "某单位"
year = 2023
kind = "项目支出"
partial = "原文满意度一行缺失"

[budget_execution]
weight = 10

[[categories]]
id = "output"
name = "产出指标"
weight = 50

[[indicators]]
id = "count"
name = "培训人次"
category = "output"
weight = 20
target = "≥400人次"

[[indicators]]
id = "rate"
name = "合格率"
category = "output"
weight = 20
target = "≥95%"
"""

ACTUALS = """\
[indicators]
count = 380
rate = 96

[budget]
full_year = 100
spent = 94.48
"""


def _three() -> perfrules.Evaluation:
    spec = perfrules.loads_spec(THREE_ROWS)
    return perfrules.evaluate(spec, perfrules.loads_actuals(ACTUALS, spec=spec))


def test_a_budget_row_alone_scores_without_a_grade() -> None:
    spec = perfrules.loads_spec(BUDGET_ONLY)
    ev = perfrules.evaluate(
        spec,
        perfrules.loads_actuals(
            "[indicators]\n[budget]\nfull_year = 100\nspent = 94.48\n", spec=spec
        ),
    )
    assert (ev.total, ev.total_weight, ev.grade, ev.partial) == (
        Decimal(9),
        Decimal(10),
        None,
        "原文只公开了预算执行率一行",
    )
    assert ev.indicators == () and ev.grade_shown() == "不评定（部分指标）"
    assert any("不评定等级" in s.zh for s in ev.grade_steps)


def test_the_total_runs_over_the_declared_rows() -> None:
    ev = _three()
    # 20 × 380/400 = 19, 20 (met), 10 × 94.48% = 9.45: over the 50 declared points, not the form's 100
    assert (ev.total, ev.total_weight, ev.lost, ev.grade) == (
        Decimal("48.45"),
        Decimal(50),
        Decimal("1.55"),
        None,
    )
    output = ev.category("output")  # the form's 50, of which 40 are declared
    assert (output.weight, output.applicable_weight, output.score, output.lost) == (
        Decimal(50),
        Decimal(40),
        Decimal(39),
        Decimal(1),
    )


def test_weights_may_fall_short_of_the_form_but_never_pass_it() -> None:
    short = perfrules.loads_spec(THREE_ROWS)  # 产出 50 holds 40 declared points of the form's 100
    assert short is not None
    whole = THREE_ROWS.replace('partial = "原文满意度一行缺失"\n', "")
    with pytest.raises(perfrules.SpecError) as info:
        perfrules.loads_spec(whole)
    assert {p.code for p in info.value.problems} >= {"weight-sum", "total"}
    over = THREE_ROWS.replace("weight = 50", "weight = 95").replace(
        'name = "培训人次"\ncategory = "output"\nweight = 20',
        'name = "培训人次"\ncategory = "output"\nweight = 75',
    )
    with pytest.raises(perfrules.SpecError) as info:
        perfrules.loads_spec(over)
    (problem,) = [p for p in info.value.problems if p.code == "total"]
    assert "部分指标模式下不得超过总分" in problem.message_zh


def test_every_output_says_the_result_is_partial() -> None:
    ev = _three()
    doc = perfrules.to_document(ev)
    assert doc["schema_version"] == 3 and doc["grade"] is None
    assert doc["partial"] == "原文满意度一行缺失"
    json.dumps(doc)
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(AuditTable(ev))
    table = console.file.getvalue()  # type: ignore[attr-defined]
    assert "部分指标：原文满意度一行缺失" in table and "不评定" in table
    for text in (to_markdown(ev), to_html(ev)):
        assert "部分指标" in text and "不评定等级" in text
    narrative = to_narrative(ev)
    assert "本表为部分指标（原文满意度一行缺失），不评定等级" in narrative
    assert "自评等级为" not in narrative


def test_a_partial_document_validates_against_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(
        (
            Path(__file__).resolve().parents[1] / "specs" / "schemas" / "evaluation.schema.json"
        ).read_text(encoding="utf-8")
    )
    jsonschema.validate(perfrules.to_document(_three()), schema)
    spec = perfrules.loads_spec(BUDGET_ONLY)
    ev = perfrules.evaluate(
        spec,
        perfrules.loads_actuals(
            "[indicators]\n[budget]\nfull_year = 100\nspent = 94.48\n", spec=spec
        ),
    )
    jsonschema.validate(perfrules.to_document(ev), schema)
