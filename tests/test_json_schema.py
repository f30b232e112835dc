"""specs/schemas/evaluation.schema.json describes the documents perfrules.to_document writes.

Batch audit lines (`--audit-level full`) and perfrules.batch.explain() results, which are
those documents plus the unit's id as "unit", validate too.

The seed example, an evaluation with lost points and partial qualitative tiers,
and one without a budget-execution row must validate; documents with a number
where a string belongs, or with a field the schema does not know, must not.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from jsonschema import Draft202012Validator

import perfrules

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "specs" / "schemas" / "evaluation.schema.json"
SEED = ROOT / "examples" / "hunan-2024-general-office"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(validator: Draft202012Validator, doc: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]


def _seed_document() -> dict[str, Any]:
    spec, actuals = perfrules.load_example(SEED)
    return perfrules.to_document(perfrules.evaluate(spec, actuals))


# A made-up project that loses points almost everywhere: unmet positive, exact and
# negative targets under both negative rules, a derived % rate, partial and failed
# qualitative tiers (one by tier_top, one with an entered score), an overshoot
# warning, execution measured against the initial budget, budget lines without
# a rate, actuals without a label.
LOSSY_SPEC = """
[meta]
id = "lossy-2024"
title = "2024年度某市社区服务项目支出绩效自评（测试）"
unit = "某市民政局"
year = 2024
kind = "项目支出"

[budget_execution]
weight = 10
policy = "proportional"
base = "initial"

[policy]
negative = "linear_overshoot"
equal_above = "inverse_ratio"

[rounding]
total = 0.1

[[categories]]
id = "output"
name = "产出指标"
weight = 60

[[categories]]
id = "benefit"
name = "效益指标"
weight = 30

[[indicators]]
id = "visits"
name = "上门服务人次"
category = "output"
weight = 10
target = "≥1200人次"

[[indicators]]
id = "trainings"
name = "培训场次"
category = "output"
weight = 10
target = "=12场"

[[indicators]]
id = "complaints"
name = "投诉件数"
category = "output"
weight = 10
target = "≤20件"

[[indicators]]
id = "cost_rate"
name = "成本控制率"
category = "output"
weight = 10
target = "≤100%"
method = "ratio"
derive = { numerator = "cost_spent", denominator = "cost_budget" }

[[indicators]]
id = "volunteers"
name = "志愿者招募人数"
category = "output"
weight = 10
target = "≥50人"

[[indicators]]
id = "response"
name = "响应时限"
category = "output"
weight = 10
target_text = "48小时内响应"

[[indicators]]
id = "wellbeing"
name = "居民获得感"
category = "benefit"
weight = 20
target_text = "居民获得感明显提升"

[[indicators]]
id = "mechanism"
name = "长效机制"
category = "benefit"
weight = 10
target_text = "建立社区服务长效机制"
"""

LOSSY_ACTUALS = """
spec = "lossy-2024"
year = 2024

[budget]
initial = 300
full_year = 320
spent = 281.37

[[budget.lines]]
name = "人员经费"
spent = 100
full_year = 110

[amounts]
cost_budget = 90
cost_spent = { value = 97.3, label = "实际成本" }

[indicators]
visits = 1013
trainings = { value = 14, text = "14场" }
complaints = { value = 23, note = "集中在第三季度" }
volunteers = 71
response = { tier = "部分达成", text = "平均52小时" }
wellbeing = { tier = "未达成年度指标且效果较差", score = 7.5 }
mechanism = { tier = "达成", score = 8.5 }
"""


def _lossy() -> perfrules.Evaluation:
    spec = perfrules.loads_spec(LOSSY_SPEC, file="spec.toml")
    actuals = perfrules.loads_actuals(LOSSY_ACTUALS, file="actuals.toml", spec=spec)
    return perfrules.evaluate(spec, actuals)


def test_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_seed_document_validates(validator: Draft202012Validator) -> None:
    doc = _seed_document()
    assert _errors(validator, doc) == []
    # and through JSON text, as other tools read it
    assert _errors(validator, json.loads(perfrules.to_json(_evaluate_seed()))) == []
    assert (doc["total"], doc["grade"], doc["budget_execution"]["score"]) == ("99", "优", "9")


def _evaluate_seed() -> perfrules.Evaluation:
    spec, actuals = perfrules.load_example(SEED)
    return perfrules.evaluate(spec, actuals)


def test_lossy_document_validates(validator: Draft202012Validator) -> None:
    ev = _lossy()
    doc = perfrules.to_document(ev)
    assert _errors(validator, doc) == []

    by_id = {r["id"]: r for r in doc["indicators"]}
    # points were lost across the board, each with a reason
    lost = {k: r["lost"] for k, r in by_id.items()}
    assert lost == {
        "visits": "1.56",  # 1013 ÷ 1200 × 10 = 8.441666…
        "trainings": "1.43",  # 12 ÷ 14 × 10 = 8.571428… (equal_above = inverse_ratio)
        "complaints": "1.5",  # (1 − 3 ÷ 20) × 10 (negative = linear_overshoot)
        "cost_rate": "0.81",  # 97.3 ÷ 90 = 108.11…% → (1 − 0.0811…) × 10 = 9.1888…
        "volunteers": "0",  # met, but 142% ≥ 130%: warned
        "response": "2.01",  # 部分达成 [6, 8) → tier_top 7.99
        "wellbeing": "12.5",  # 未达成 [0, 12) with entered 7.5
        "mechanism": "1.5",  # 达成 [8, 10] with entered 8.5
    }
    assert all((r["reason"] is None) == (r["lost"] == "0") for r in doc["indicators"])
    assert by_id["response"]["tier"] == "部分达成年度指标并具有一定效果"
    assert by_id["wellbeing"]["tier"] == "未达成年度指标且效果较差"
    assert by_id["cost_rate"]["actual_value"] == "973/9"  # 97.3 ÷ 90 × 100, exact
    assert by_id["trainings"]["method"] == "inverse_ratio"
    assert by_id["complaints"]["method"] == "linear_overshoot"
    assert [w["indicator"] for w in doc["warnings"]] == ["volunteers"]

    be = doc["budget_execution"]
    assert (be["base"], be["initial"], be["rate"], be["rate_display"], be["score"]) == (
        "initial",
        "300",
        "0.9379",
        "93.79%",
        "9.38",
    )
    assert be["lines"] == [
        {"name": "人员经费", "budget": None, "spent": "100", "rate": None, "rate_display": None}
    ]
    assert doc["actuals"] == {"label": None}
    assert doc["policies"]["rounding"] == "half_up score=0.01 total=0.1"
    # 52.69 + 16 + 9.38 = 78.07, rounded half-up to rounding.total = 0.1
    assert [c["score"] for c in doc["categories"]] == ["52.69", "16"]
    assert (doc["total"], doc["lost"], doc["grade"]) == ("78.1", "21.9", "中")
    assert ev.total == Decimal("78.1")


def test_document_without_budget_execution_validates(validator: Draft202012Validator) -> None:
    spec = perfrules.loads_spec(LOSSY_SPEC)
    assert spec.budget_execution is not None
    # drop the row: 一级 weights must then add up to meta.total on their own
    spec = attrs.evolve(
        spec,
        budget_execution=None,
        meta=attrs.evolve(spec.meta, total=Decimal(90)),
        grades=(
            perfrules.GradeBand(name="合格", min=Decimal(60)),
            perfrules.GradeBand(name="不合格", min=Decimal(0)),
        ),
        policy=attrs.evolve(spec.policy, overshoot_warning=None),
    )
    actuals = perfrules.loads_actuals(LOSSY_ACTUALS, spec=spec)
    doc = perfrules.to_document(perfrules.evaluate(spec, actuals))
    assert doc["budget_execution"] is None
    assert doc["policies"]["budget_execution"] == "none"
    assert doc["policies"]["overshoot_warning"] == "off"
    assert doc["warnings"] == []
    assert _errors(validator, doc) == []


# ---------------------------------------------------------------------------
# the schema rejects what it should


def _invalid(validator: Draft202012Validator, doc: Any) -> bool:
    return not validator.is_valid(doc)


def test_rejects_a_number_where_a_string_is_required(validator: Draft202012Validator) -> None:
    doc = _seed_document()
    for mutate in (
        lambda d: d.__setitem__("total", 99),
        lambda d: d.__setitem__("total", 99.0),
        lambda d: d["indicators"][0].__setitem__("score", 3),
        lambda d: d["budget_execution"].__setitem__("rate", 0.9448),
        lambda d: d["categories"][0].__setitem__("weight", 50),
    ):
        bad = copy.deepcopy(doc)
        mutate(bad)
        assert _invalid(validator, bad)
    with pytest.raises(jsonschema.ValidationError):
        bad = copy.deepcopy(doc)
        bad["total"] = 99
        jsonschema.validate(
            bad, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")), cls=Draft202012Validator
        )


def test_rejects_an_unknown_field(validator: Draft202012Validator) -> None:
    doc = _seed_document()
    for mutate in (
        lambda d: d.__setitem__("comment", "x"),
        lambda d: d["spec"].__setitem__("version", "1"),
        lambda d: d["indicators"][0].__setitem__("extra", None),
        lambda d: d["indicators"][0]["citation"].__setitem__("url", "https://example.org"),
        lambda d: d["budget_execution"]["steps"][0].__setitem__("note", "x"),
        lambda d: d["policies"].__setitem__("strictness", "high"),
        lambda d: d["warnings"][0].__setitem__("severity", "warning"),
    ):
        bad = copy.deepcopy(doc)
        mutate(bad)
        assert _invalid(validator, bad)


def test_rejects_malformed_strings_and_inconsistencies(validator: Draft202012Validator) -> None:
    doc = _seed_document()
    for mutate in (
        lambda d: d.__setitem__("total", "99.00"),  # needless trailing zeros
        lambda d: d.__setitem__("total", "9.9E+1"),  # exponent
        lambda d: d["budget_execution"].__setitem__("rate", "0.944801…"),  # not exact
        lambda d: d.__setitem__("schema_version", 1),  # the version before grade became nullable
        lambda d: d.__setitem__("grade", ""),  # an empty grade: null is the only "no grade"
        lambda d: d["indicators"][0].__setitem__("reason", "扣0分"),  # a reason without a deduction
        lambda d: d["budget_execution"].__setitem__("reason", None),  # a deduction without a reason
        lambda d: d["indicators"][0].__setitem__(
            "tier", "达成年度指标"
        ),  # tier on a quantitative result
        lambda d: d["categories"][1].__setitem__("parent", None),  # a 二级 category without parent
        lambda d: d["indicators"][0]["steps"][0].__setitem__("kind", "comment"),
        lambda d: d["indicators"][0]["citation"].__setitem__("status", "rumoured"),
        lambda d: d.pop("warnings"),  # a required field missing
    ):
        bad = copy.deepcopy(doc)
        mutate(bad)
        assert _invalid(validator, bad), mutate


# ---------------------------------------------------------------------------
# the rule catalogue's fields


CATALOGUE_DEMO = ROOT / "examples" / "catalogue-demo"

# Everything the catalogue adds to a document at once: step/bands/rate/per_occurrence results,
# budget execution by steps, 不适用, manual and overshoot deductions, declared rules, bonus
# (total_cap off, so the total passes 100), and both kinds of veto.
CATALOGUE_SPEC = """
[meta]
id = "catalogue-schema"
title = "规则目录（测试）"
unit = "某局"
year = 2024
kind = "部门整体支出"

[budget_execution]
weight = 10
method = { name = "step", per = 1, deduct = 0.5, partial = "proportional" }
rule = { document = "某办法", text = "" }

[policy]
overshoot_deduction = { threshold = 1.2, per = 0.1, deduct = 1 }
total_cap = false

[[grades]]
name = "优"
min = 90
[[grades]]
name = "中"
min = 60
[[grades]]
name = "差"
min = 0

[[categories]]
id = "a"
name = "投入"
weight = 90

[[bonus]]
id = "b"
name = "加分"
cap = 5

[[vetoes]]
id = "g"
name = "等级否决"
grade = "中"

[[vetoes]]
id = "z"
name = "总分否决"
effect = "zero"

[[indicators]]
id = "s"
name = "控制率"
category = "a"
weight = 20
target = "≤100%"
method = { name = "step", per = 1, deduct = 2 }
rule = { document = "共性指标", text = "每超过一个百分点扣2分" }

[[indicators]]
id = "d"
name = "偏离度"
category = "a"
weight = 20
target = "=50"
method = { name = "bands", on = "deviation", bands = [{ max = 10, score = 20 }, { min = 10, score = 5 }] }

[[indicators]]
id = "r"
name = "满意度"
category = "a"
weight = 20
target = "≥90%"
method = "rate"

[[indicators]]
id = "o"
name = "违规"
category = "a"
weight = 10
target = "=0例"
method = { name = "per_occurrence", deduct = 4 }

[[indicators]]
id = "q"
name = "场次"
category = "a"
weight = 10
target = "≥10场"

[[indicators]]
id = "n"
name = "试点"
category = "a"
weight = 10
target_text = "开展试点"
"""

CATALOGUE_ACTUALS = """
[budget]
full_year = 200
spent = 190.5

[indicators]
s = { value = 100, deductions = [{ points = 1.5, reason = "台账不全" }] }
d = 56
r = 88
o = 3
q = 15
n = { not_applicable = "未安排" }

[bonus]
b = { points = 5, reason = "获奖" }
"""


def _catalogue(vetoes: str = "") -> dict[str, Any]:
    spec = perfrules.loads_spec(CATALOGUE_SPEC, file="spec.toml")
    actuals = perfrules.loads_actuals(CATALOGUE_ACTUALS + vetoes, file="actuals.toml", spec=spec)
    return perfrules.to_document(perfrules.evaluate(spec, actuals))


def test_catalogue_documents_validate(validator: Draft202012Validator) -> None:
    demo = perfrules.to_document(perfrules.evaluate(*perfrules.load_example(CATALOGUE_DEMO)))
    assert _errors(validator, demo) == []
    doc = _catalogue()
    assert _errors(validator, doc) == []
    by_id = {r["id"]: r for r in doc["indicators"]}
    assert {k: r["method"] for k, r in by_id.items()} == {
        "s": "step",
        "d": "bands",
        "r": "rate",
        "o": "per_occurrence",
        "q": "ratio",
        "n": "not_applicable",
    }
    assert by_id["s"]["score"] == "18.5" and by_id["s"]["rule"] == {
        "document": "共性指标",
        "text": "每超过一个百分点扣2分",
    }
    assert by_id["s"]["full_marks"]["comparator"] is None or by_id["s"]["full_marks"]["zh"]
    assert (by_id["q"]["score"], by_id["q"]["met"]) == ("7", True)  # 150%: 3 steps above 120% × 1
    assert (by_id["n"]["applicable"], by_id["n"]["met"], by_id["n"]["score"]) == (False, None, "0")
    assert doc["categories"][0]["applicable_weight"] == "80"
    be = doc["budget_execution"]
    # 95.25%: 4.75 points below 100% × 0.5 (proportional) = 2.375 → 7.625 → 7.63 (half-up)
    assert (be["score"], be["citation"]["id"], be["rule"], be["policy"]) == (
        "7.63",
        "budget_execution.method",
        {"document": "某办法", "text": ""},
        "method step",
    )
    # (18.5 + 5 + 17.6 + 0 + 7 + 7.63) ÷ 90 × 100 = 61.9222…, + 5 = 66.9222… → 66.92
    assert [b["points"] for b in doc["bonus"]] == ["5"]
    assert (doc["total"], doc["grade"], doc["vetoes"]) == ("66.92", "中", [])
    assert [(r["id"], r["lost"]) for r in doc["losses"]] == [
        ("d", "15"),
        ("o", "10"),
        ("q", "3"),
        ("r", "2.4"),
        ("budget_execution", "2.37"),
        ("s", "1.5"),
    ]


def test_veto_documents_validate(validator: Draft202012Validator) -> None:
    graded = _catalogue('[vetoes]\ng = "审计发现问题"\n')
    assert _errors(validator, graded) == []
    assert (graded["grade"], graded["vetoes"]) == (
        "中",
        [{"id": "g", "name": "等级否决", "effect": "grade", "reason": "审计发现问题"}],
    )
    assert graded["grade_steps"][-1]["kind"] == "policy"
    zeroed = _catalogue('[vetoes]\nz = "重大违纪"\n')
    assert _errors(validator, zeroed) == []
    assert (zeroed["total"], zeroed["lost"], zeroed["grade"]) == ("0", "100", "差")
    assert zeroed["vetoes"][0]["effect"] == "zero"


def test_total_above_the_full_score_validates(validator: Draft202012Validator) -> None:
    spec = perfrules.loads_spec(CATALOGUE_SPEC)
    text = (
        CATALOGUE_ACTUALS.replace("d = 56", "d = 50")
        .replace("r = 88", "r = 100")
        .replace("o = 3", "o = 0")
    )
    text = text.replace("q = 15", "q = 10").replace(
        's = { value = 100, deductions = [{ points = 1.5, reason = "台账不全" }] }', "s = 100"
    )
    text = text.replace("spent = 190.5", "spent = 200")
    doc = perfrules.to_document(perfrules.evaluate(spec, perfrules.loads_actuals(text, spec=spec)))
    assert (doc["total"], doc["lost"], doc["losses"]) == ("105", "0", [])
    assert _errors(validator, doc) == []


def test_seed_document_names_its_framework(validator: Draft202012Validator) -> None:
    doc = _seed_document()
    fw = doc["framework"]
    assert fw is not None and set(fw) == {"id", "title", "file", "version", "reason"}
    assert _errors(validator, doc) == []


def test_schema_enumerations_are_the_code_s() -> None:
    from perfrules.core._citations import ALL
    from perfrules.model import METHODS

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert defs["citation"]["properties"]["id"]["enum"] == [c.id for c in ALL]
    assert set(defs["citation"]["properties"]["status"]["enum"]) == {c.status for c in ALL}
    assert set(defs["indicator"]["properties"]["method"]["enum"]) == set(METHODS) | {
        "not_applicable",
        "stated",  # a result stated in words (据陈述), schema_version 3
    }
    assert set(schema["required"]) == set(_seed_document())


def test_rejects_malformed_catalogue_fields(validator: Draft202012Validator) -> None:
    doc = _catalogue('[vetoes]\ng = "审计发现问题"\n')
    assert _errors(validator, doc) == []
    na = next(i for i, r in enumerate(doc["indicators"]) if r["applicable"] is False)
    for mutate in (
        lambda d: d["indicators"][na].__setitem__("method", "ratio"),  # 不适用 with a method
        lambda d: d["indicators"][na].__setitem__("score", "5"),  # 不适用 with a score
        lambda d: d["indicators"][na].__setitem__("met", False),
        lambda d: d["indicators"][0].__setitem__(
            "method", "not_applicable"
        ),  # applicable yet not_applicable
        lambda d: d["indicators"][0].__setitem__("met", None),  # applicable results are met or not
        lambda d: d["indicators"][0].__setitem__("rule", {"document": "x"}),  # rule without text
        lambda d: d["indicators"][0]["full_marks"].__setitem__("threshold", 101),
        lambda d: d["categories"][0].__setitem__("applicable_weight", 80),
        lambda d: d["bonus"][0].__setitem__("points", "0"),  # an award is above 0
        lambda d: d["bonus"][0].__setitem__("points", 5),
        lambda d: d["vetoes"][0].__setitem__("effect", "downgrade"),
        lambda d: d["vetoes"][0].pop("reason"),
        lambda d: d.__setitem__(
            "framework", {"id": "x", "title": "y"}
        ),  # the three optional keys are always present
        lambda d: d["losses"][0].__setitem__("lost", "0"),  # only rows that lost points
        lambda d: d.__setitem__("total_steps", []),
        lambda d: d.pop("losses"),
        lambda d: d["budget_execution"].pop("rule"),
        lambda d: d["warnings"].append(
            {"code": "unknown", "indicator": None, "zh": "x", "en": "x", "citation": None}
        ),
    ):
        bad = copy.deepcopy(doc)
        mutate(bad)
        assert _invalid(validator, bad), mutate


# ---------------------------------------------------------------------------
# batch audit lines and explain(): the document plus the unit's id


BATCH_BASE = """[meta]
id = "base"
title = "base"
unit = "u"
year = 2024
kind = "项目支出"

[budget_execution]
weight = 10
policy = "round_whole"
"""
BATCH_HEADER = "unit,indicator,name,category,weight,comparator,target,actual,method,target_text,tier,spec,budget,spent\n"


def _batch_table(tmp_path: Path) -> Path:
    rows = []
    for u in range(4):
        rows.append(f"u{u},a,指标A,产出指标,40,≥,100,{80 + u},,,,base.toml,1000,{900 + u}")
        rows.append(f"u{u},b,指标B,效益指标,30,≤,50,{40 + u},,,,,,")
        rows.append(
            f"u{u},c,指标C,满意度指标,20,,,,qualitative,满意,{'达成' if u % 2 else '部分达成'},,,"
        )
    rows[3] = rows[3].replace(
        ",81,", ",abc,"
    )  # unit u1: a bad actual, so its audit line is an error line
    (tmp_path / "base.toml").write_text(BATCH_BASE, encoding="utf-8")
    path = tmp_path / "units.csv"
    path.write_text(BATCH_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_batch_full_audit_lines_and_explain_validate(
    validator: Draft202012Validator, tmp_path: Path
) -> None:
    """`perfrules batch --audit-level full` lines and explain() results are documents plus a "unit" key."""
    from perfrules.batch import explain, run_batch

    table = _batch_table(tmp_path)
    audit = tmp_path / "audit.jsonl"
    run_batch(table, tmp_path / "out.csv", audit=audit, engine="pure")
    lines = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert [line["unit"] for line in lines] == ["u0", "u1", "u2", "u3"]
    documents = [line for line in lines if line.get("status") != "error"]
    assert len(documents) == 3 and all(d["schema"] == "perfrules.evaluation" for d in documents)
    for doc in documents:
        assert _errors(validator, doc) == [], doc["unit"]
    explained = explain(audit, "u2")
    assert explained["unit"] == "u2" and _errors(validator, explained) == []
    # the key is optional (to_document never writes it) and, when present, the unit id as a string
    assert _errors(validator, {k: v for k, v in explained.items() if k != "unit"}) == []
    assert _invalid(validator, {**explained, "unit": 2})
    # a failed unit's line is no evaluation document
    failed = next(line for line in lines if line.get("status") == "error")
    assert set(failed) == {"unit", "status", "problems"} and _invalid(validator, failed)


def test_batch_record_audit_explains_to_a_valid_document(
    validator: Draft202012Validator, tmp_path: Path
) -> None:
    pytest.importorskip("numpy")
    pytest.importorskip("pyarrow")
    from perfrules.batch import explain, run_batch

    table = _batch_table(tmp_path)
    audit = tmp_path / "records.jsonl"
    run_batch(table, tmp_path / "out.csv", audit=audit, audit_level="record")
    for unit in ("u0", "u2", "u3"):
        doc = explain(audit, unit)
        assert doc["unit"] == unit and _errors(validator, doc) == []
    assert _invalid(
        validator, explain(audit, "u0", full=False)
    )  # the record itself is another format


def test_the_unit_key_is_documented() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    unit = schema["properties"]["unit"]
    assert unit["type"] == "string" and "unit" not in schema["required"]
    assert (
        "perfrules.batch.explain()" in unit["description"]
        and "--audit-level full" in unit["description"]
    )


def test_the_example_of_json_format_md_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/json-format.md's Python block, as written (from the repository root)."""
    import re

    text = (ROOT / "docs" / "json-format.md").read_text(encoding="utf-8")
    block = re.search(r"^```python\n(.*?)^```", text, re.S | re.M)
    assert block is not None and 'shipped("evaluation")' in block[1]
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {}
    exec(compile(block[1], "docs/json-format.md", "exec"), namespace)  # the doc's own example
    assert (namespace["doc"]["total"], namespace["doc"]["grade"]) == ("99", "优")
