"""A unit's own score for a row (表内得分（单位自填）): declared with its reason, audited, never inferred.

A published 自评表 sometimes prints a score that its own rule does not give (濉溪县 2019 临时救助:
特困人员救助供养人数 4604 of ≥4754 at 5/5). The actuals state it as ``own_score = { score, reason }``;
the row is still computed (``met``, the steps and the rule's score are kept), a last step says the
printed score replaces it, the totals use it, every output marks it 「单位自填」 and lint warns
``score-above-rule`` / ``score-below-rule`` with both numbers.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from rich.console import Console

import perfrules
from perfrules.core import document_line
from perfrules.lint import lint
from perfrules.render import AuditTable, IndicatorDetail
from perfrules.report import to_html, to_markdown, to_narrative
from perfrules.schema import shipped

SPEC = """
[meta]
id = "s"
title = "s"
unit = "u"
year = 2019
kind = "项目支出"
total = 15
[[grades]]
name = "—"
min = 0
[[categories]]
id = "k"
name = "产出指标"
weight = 15
[[indicators]]
id = "x"
name = "特困人员救助供养人数"
category = "k"
weight = 5
target = "≥4754人"
[[indicators]]
id = "y"
name = "扶贫临时救助标准"
category = "k"
weight = 10
target = "≤5300元/户"
"""

OWN = '{ value = 4604, own_score = { score = 5, reason = "特困人员实行动态管理" } }'


def _spec() -> perfrules.Spec:
    return perfrules.loads_spec(SPEC)


def _actuals(x: str = OWN, y: str = "5300") -> perfrules.Actuals:
    return perfrules.loads_actuals(f"[indicators]\nx = {x}\ny = {y}\n", spec=_spec())


def _evaluate(x: str = OWN, y: str = "5300") -> perfrules.Evaluation:
    return perfrules.evaluate(_spec(), _actuals(x, y))


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ("{ value = 4604, own_score = { score = 5 } }", "missing-key"),  # no reason
        ('{ value = 4604, own_score = { score = 5, reason = " " } }', "own-score-reason"),
        ('{ value = 4604, own_score = { score = 6, reason = "r" } }', "own-score-range"),
        ('{ value = 4604, own_score = { score = -1, reason = "r" } }', "own-score-range"),
        ("{ value = 4604, own_score = 5 }", "invalid-value"),  # always a table: it needs its reason
        ('{ value = 4604, own_score = { score = 5, reason = "r", why = "w" } }', "unknown-key"),
        (
            '{ not_applicable = "未开展", own_score = { score = 5, reason = "r" } }',
            "own-score-kind",
        ),
        (
            '{ value = 4604, deductions = [{ points = 1, reason = "d" }], '
            'own_score = { score = 5, reason = "r" } }',
            "own-score-kind",
        ),
    ],
)
def test_an_own_score_is_checked_where_it_is_written(entry: str, code: str) -> None:
    with pytest.raises(perfrules.SpecError) as err:
        _actuals(entry)
    problems = err.value.problems
    assert {p.code for p in problems} == {code}
    (p,) = problems
    assert p.line == 2 and p.column is not None  # x's entry, the second line of the actuals text
    assert p.path[:3] == ("indicators", "x", "own_score")


def test_the_row_is_computed_then_the_printed_score_replaces_it() -> None:
    ev = _evaluate()
    plain = _evaluate("4604").indicator("x")
    res = ev.indicator("x")
    # the rule's own result, kept: 4604 ÷ 4754 × 5 = 4.84 (not met)
    assert plain.score == Decimal("4.84") and plain.met is False and plain.own_score is None
    assert res.met is False and res.method == plain.method
    assert res.score == Decimal("5") and res.lost == 0
    assert res.own_score is not None
    assert (res.own_score.score, res.own_score.computed) == (Decimal("5"), Decimal("4.84"))
    assert res.own_score.reason == "特困人员实行动态管理"
    assert res.own_score.direction == "above"
    # every step of the rule, then the replacement
    assert res.steps[: len(plain.steps)] == plain.steps
    (last,) = res.steps[len(plain.steps) :]
    assert last.kind == "policy"
    assert last.zh.startswith(
        "表内得分5分（单位自填），高于按规则计得的4.84分；原因：特困人员实行动态管理"
    )
    assert "4.84" in last.en and "the unit's own score" in last.en
    assert res.reason is None  # 扣分原因 only where points are lost (the document's contract)


def test_the_totals_use_the_printed_score() -> None:
    ev = _evaluate()
    assert ev.total == Decimal("15") and ev.category("k").score == Decimal("15")
    assert ev.losses() == ()
    computed = _evaluate("4604")
    assert computed.total == Decimal("14.84")


def test_a_printed_score_below_the_rule() -> None:
    ev = _evaluate(y='{ value = 5300, own_score = { score = 8, reason = "资料不全" } }', x="4754")
    res = ev.indicator("y")
    assert res.met is True and res.score == Decimal("8") and res.lost == Decimal("2")
    assert res.own_score is not None and res.own_score.direction == "below"
    assert res.steps[-1].zh.startswith(
        "表内得分8分（单位自填），低于按规则计得的10分；原因：资料不全"
    )
    assert res.reason is not None and res.reason.startswith("表内得分8分（单位自填）")
    assert ev.total == Decimal("13")
    assert [r.id for r in ev.losses()] == ["y"]


def test_the_json_document_carries_it_and_validates() -> None:
    ev = _evaluate()
    doc = perfrules.to_document(ev)
    assert doc["schema_version"] == 3
    x, y = doc["indicators"]
    assert x["score"] == "5" and x["met"] is False
    assert x["own_score"] == {
        "score": "5",
        "computed": "4.84",
        "reason": "特困人员实行动态管理",
        "mark": "单位自填",
        "mark_en": "the unit's own score",
    }
    assert y["own_score"] is None
    Draft202012Validator(shipped("evaluation")).validate(doc)
    # the fast JSON writer agrees with the document, byte for byte
    assert json.loads(perfrules.to_json(ev, indent=None)) == doc
    assert document_line(ev) == json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    # an own_score object that breaks the schema is refused by it
    bad = json.loads(json.dumps(doc))
    bad["indicators"][0]["own_score"]["mark"] = "自填"
    assert not Draft202012Validator(shipped("evaluation")).is_valid(bad)


def test_lint_warns_with_both_numbers() -> None:
    spec = _spec()
    above = [f for f in lint(spec, _actuals()) if f.code.startswith("score-")]
    assert [(f.code, f.indicator, f.severity) for f in above] == [
        ("score-above-rule", "x", "warning")
    ]
    (f,) = above
    assert {e.key: e.value for e in f.evidence} == {
        "own_score": "5",
        "computed": "4.84",
        "reason": "特困人员实行动态管理",
    }
    assert "表内得分5分（单位自填）高于其计分规则所得4.84分" in f.text("zh")
    assert f.line == 2 and f.path == ("indicators", "x", "own_score", "score")
    below = lint(
        spec, _actuals("4754", '{ value = 5300, own_score = { score = 8, reason = "r" } }')
    )
    assert [(f.code, f.indicator) for f in below if f.code.startswith("score-")] == [
        ("score-below-rule", "y")
    ]
    # a printed score equal to the rule's contradicts nothing; a computed row gives no finding
    same = lint(spec, _actuals('{ value = 4604, own_score = { score = 4.84, reason = "r" } }'))
    assert not [f for f in same if f.code.startswith("score-")]
    assert not [f for f in lint(spec, _actuals("4604")) if f.code.startswith("score-")]


def _console_text(renderable: object) -> str:
    out = io.StringIO()
    Console(width=240, file=out, color_system=None).print(renderable)
    return out.getvalue()


def test_every_output_marks_the_printed_score(tmp_path: Path) -> None:
    ev = _evaluate()
    res = ev.indicator("x")
    assert res.score_mark("zh") == "（单位自填）"
    assert _evaluate("4604").indicator("x").score_mark("zh") == ""
    # terminal table and explain
    table = _console_text(AuditTable(ev))
    assert "5（单位自填）" in table
    assert "5 (the unit's own score)" in _console_text(AuditTable(ev, lang="en"))
    detail = _console_text(IndicatorDetail(res))
    assert "得分 5（单位自填） / 5 分" in detail and "按规则计得的4.84分" in detail
    # reports
    assert "5（单位自填）" in to_markdown(ev)
    assert "5（单位自填）" in to_html(ev)
    narrative = to_narrative(ev)
    assert "得分5分（单位自填）。表内得分5分（单位自填），高于按规则计得的4.84分" in narrative
    assert "特困人员实行动态管理" in narrative
    # the workbook: its 扣分原因 cell says so, where points are lost and at full marks alike; the own
    # score travels with the actuals on the hidden sheet
    openpyxl = pytest.importorskip("openpyxl")
    from perfrules.interchange import read_workbook, write_workbook

    spec = _spec()
    for name, y, said in (
        (
            "below",
            '{ value = 5300, own_score = { score = 8, reason = "资料不全" } }',
            "表内得分8分（单位自填），低于按规则计得的10分",
        ),
        ("full", None, "表内得分5分（单位自填），高于按规则计得的4.84分"),
    ):
        actuals = _actuals(y=y) if y is not None else _actuals()
        path = write_workbook(spec, actuals, tmp_path / f"{name}.xlsx")
        cells = [
            str(c.value)
            for sheet in openpyxl.load_workbook(path).worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        ]
        assert any(c.startswith(said) for c in cells), name
        assert read_workbook(path).actuals == actuals


def test_an_own_score_round_trips_through_toml() -> None:
    spec, actuals = _spec(), _actuals()
    again = perfrules.loads_actuals(perfrules.dumps_actuals(actuals), spec=spec)
    assert again == actuals
    assert again.indicator("x") is not None
    assert perfrules.to_json(perfrules.evaluate(spec, again)) == perfrules.to_json(
        perfrules.evaluate(spec, actuals)
    )
