"""``perfrules.core.unit_document``: the full audit's line written straight from spec and actuals.

Wherever it writes a line, the line must be byte-identical to ``document_line(evaluate(spec, actuals),
unit)`` (and so to ``json.dumps`` of ``to_document``), and the values the batch's tables read must be
those of the evaluation; wherever it cannot, it returns ``None`` and the batch evaluates the unit.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.batch import _engines, read_table, run_batch
from perfrules.batch._chunked import _Out
from perfrules.core import (
    UnitDocument,
    compile_document,
    document_line,
    to_document,
    unit_document,
)
from perfrules.loading import loads_actuals, loads_spec
from perfrules.testing import actuals_for, cases, specs

FAST_METHODS = ("ratio", "inverse_ratio", "qualitative", "step")
UNIT = '单位 "1"\n'  # quotes and control characters escaped as json.dumps escapes them


def _tables(ev: perfrules.Evaluation | UnitDocument) -> tuple[Any, ...]:
    """What the batch's units, indicators and categories tables read of a unit (as strings, as they write)."""
    return (
        str(ev.total),
        ev.grade,
        str(ev.total_weight),
        str(ev.lost),
        len(ev.warnings),
        ev.budget_execution is None,
        [
            (r.id, r.category, str(r.weight), str(r.score), str(r.lost), r.met)
            for r in ev.indicators
        ],
        [(c.id, c.name, c.level, str(c.weight), str(c.score)) for c in ev.categories],
    )


def _same(spec: perfrules.Spec, actuals: perfrules.Actuals) -> UnitDocument | None:
    """unit_document's answer, checked against the evaluation wherever it gives one."""
    doc = unit_document(spec, actuals, UNIT)
    ev = perfrules.evaluate(spec, actuals)
    if doc is not None:
        assert doc.line == document_line(ev, UNIT)
        assert doc.line == json.dumps(
            {"unit": UNIT, **to_document(ev)}, ensure_ascii=False, separators=(",", ":")
        )
        assert _tables(doc) == _tables(ev)
        # the batch's tables: a document's rows are read column by column, an evaluation's by row
        by_doc, by_ev = _Out(), _Out()
        by_doc.ok(UNIT, doc)
        by_ev.ok(UNIT, ev)
        assert (by_doc.units, by_doc.indicators, by_doc.categories) == (
            by_ev.units,
            by_ev.indicators,
            by_ev.categories,
        )
        assert unit_document(spec, actuals) is not None
        assert unit_document(spec, actuals).line == document_line(ev)  # type: ignore[union-attr]
    return doc


@st.composite
def _fast_cases(draw: st.DrawFn) -> tuple[perfrules.Spec, perfrules.Actuals]:
    """Specs of the methods the writer covers, with actuals of the kinds it covers (mostly)."""
    spec = draw(
        specs(
            methods=FAST_METHODS,
            budget_execution=False,
            bonus=False,
            vetoes=False,
            derived=False,
            deep=None,
        )
    )
    actuals = draw(
        actuals_for(spec, not_applicable=False, bonus=False, vetoes=False, deductions=False)
    )
    return spec, actuals


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fast_cases())
def test_the_line_is_the_evaluations_for_every_covered_method(case: Any) -> None:
    _same(*case)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_any_spec_is_written_alike_or_left_to_evaluate(case: Any) -> None:
    spec, actuals = case
    try:
        _same(spec, actuals)
    except perfrules.SpecError as err:  # invalid alike: evaluate raises the same problems
        with pytest.raises(perfrules.SpecError) as again:
            perfrules.evaluate(spec, actuals)
        assert again.value.problems == err.problems


# ---------------------------------------------------------------------------
# a shape's document plan (the batch's shape writer): what checked_document writes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fast_cases(), st.sampled_from([UNIT, "u1"]))
def test_a_plan_writes_what_checked_document_writes(case: Any, unit: str) -> None:
    """The plan compiled from a unit writes that unit (its meta's id, title and unit the unit's
    name) from its numbers as the document writer does, or declines (None)."""
    spec, actuals = case
    spec = attrs.evolve(spec, meta=attrs.evolve(spec.meta, id=unit, title=unit, unit=unit))
    try:
        doc = unit_document(spec, actuals, unit)
    except perfrules.SpecError:
        return
    plan = compile_document(spec, actuals)
    if plan is None or doc is None:
        return
    written = plan.write(spec, actuals, unit)
    event(f"written {written is not None}")
    if written is not None:
        assert written.line == doc.line
        assert _tables(written) == _tables(doc)


def _flat(partial: str) -> perfrules.Spec:
    """The branches' spec with top-level categories only and no step start (rows a plan covers)."""
    text = BRANCHES.format(partial=partial, policy="")
    text = text.replace('[[categories]]\nid = "output"\nname = "产出指标"\nweight = 60\n\n', "")
    text = text.replace('parent = "output"\n', "").replace("start = 90, ", "")
    text = text.replace(
        'id = "branches"\ntitle = "分支"\nunit = "单位"', 'id = "u"\ntitle = "u"\nunit = "u"'
    )
    return loads_spec(text, file="flat.toml")


@pytest.mark.parametrize("partial", ["floor", "ceil", "proportional"])
def test_a_plan_writes_every_covered_branch(partial: str) -> None:
    """The branches of the covered rows (met, ratio, rounded, deducted, floored at 0, a note, a
    text, an own rule), each unit's plan compiled from it and written alike."""
    written = 0
    for values in COVERED:
        spec = _flat(partial)
        actuals = _acts(**values)
        doc = unit_document(spec, actuals, "u")
        plan = compile_document(spec, actuals)
        assert doc is not None
        if plan is None:  # an entered score, a start: rows a plan leaves to the writer
            continue
        made = plan.write(spec, actuals, "u")
        assert made is not None and made.line == doc.line
        assert _tables(made) == _tables(doc)
        written += 1
    assert written == len(COVERED) - 1  # all but the entered score


# ---------------------------------------------------------------------------
# every covered branch is covered (a writer that gave up on everything would pass the above)

BRANCHES = """
[meta]
id = "branches"
title = "分支"
unit = "单位"
year = 2024
kind = "项目支出"
{policy}
[[categories]]
id = "output"
name = "产出指标"
weight = 60

[[categories]]
id = "quantity"
name = "数量指标"
parent = "output"
weight = 33

[[categories]]
id = "quality"
name = "质量指标"
parent = "output"
weight = 27

[[categories]]
id = "satisfaction"
name = "满意度指标"
weight = 40

[[indicators]]
id = "ge"
name = "培训场次"
category = "quantity"
weight = 9
target = "≥12场"

[[indicators]]
id = "rate"
name = "资金执行率"
category = "quantity"
weight = 6
target = "≥100%"
round_to = 1

[[indicators]]
id = "le"
name = "单位成本"
category = "quantity"
weight = 9
target = "≤180元"
method = "inverse_ratio"

[[indicators]]
id = "le_policy"
name = "投诉次数"
category = "quantity"
weight = 9
target = "≤5次"

[[indicators]]
id = "step"
name = "合格率"
category = "quality"
weight = 9
target = "≥98%"
method = {{ name = "step", per = 0.5, deduct = 0.25 }}

[[indicators]]
id = "step_start"
name = "完成率"
category = "quality"
weight = 9
target = "≥95%"
method = {{ name = "step", start = 90, per = 1, deduct = 1, partial = "{partial}" }}

[[indicators]]
id = "step_le"
name = "差错率"
category = "quality"
weight = 9
target = "≤2%"
method = {{ name = "step", per = 1, deduct = 3 }}
rule = {{ document = "本单位考核办法", text = "差错率每超1个百分点扣3分" }}

[[indicators]]
id = "q1"
name = "群众满意度"
category = "satisfaction"
weight = 20
target_text = "达到预期效果"

[[indicators]]
id = "q2"
name = "社会效益"
category = "satisfaction"
weight = 20
target_text = "达到预期效果"
"""


def _branches(partial: str = "floor", policy: str = "") -> perfrules.Spec:
    return loads_spec(BRANCHES.format(partial=partial, policy=policy), file="branches.toml")


def _acts(**values: str) -> perfrules.Actuals:
    given = {
        "ge": "12",
        "rate": "100",
        "le": "150",
        "le_policy": "5",
        "step": "98",
        "step_start": "95",
        "step_le": "1",
        "q1": '"达成"',
        "q2": '"达成"',
    } | values
    lines = [
        f"{k} = {{ tier = {v} }}" if k.startswith("q") else f"{k} = {{ value = {v} }}"
        for k, v in given.items()
    ]
    return loads_actuals("[indicators]\n" + "\n".join(lines) + "\n", file="actuals.toml")


COVERED: list[dict[str, str]] = [
    {},  # every row met: full marks
    {"ge": '10, note = "延期"', "le": '200, text = "200元/人"'},  # a note, a text
    {"q1": '"达成", score = 19.5', "q2": '"部分达成", text = "基本满意"'},  # entered, described
    {"ge": "7.5", "rate": "91.66", "le": "181.3", "le_policy": "8"},  # ratios unmet, rounded
    {"ge": "11.994"},  # a ratio that rounds up to the full weight
    {"rate": "50"},  # round_to = 1 on a tie: 2.25 → 2
    {"step": "96.6", "step_start": "85.5", "step_le": "4.5"},  # steps deducted
    {"step": "0", "step_le": "90"},  # deducted past zero: floored at 0 (clamp)
    {"q1": '"部分达成"', "q2": '"未达成"'},  # tiers below the top
    {"ge": "0.5", "q1": '"未达成"', "q2": '"未达成"', "step": "10"},  # a low total, a low grade
]


@pytest.mark.parametrize("values", COVERED)
@pytest.mark.parametrize("partial", ["floor", "ceil", "proportional"])
def test_every_covered_branch_is_written_and_equal(values: dict[str, str], partial: str) -> None:
    doc = _same(_branches(partial), _acts(**values))
    assert doc is not None


@pytest.mark.parametrize("values", COVERED)
@pytest.mark.parametrize("round_to", ["1", "0.1", "0.001"])
def test_every_covered_branch_with_a_round_to_is_written_and_equal(
    values: dict[str, str], round_to: str
) -> None:
    """Every row (qualitative and step ones too) rounded to its own ``round_to``, not the spec's."""
    if round_to == "1":  # an entered score on the row's whole-point grid (score-precision)
        values = {k: v.replace("score = 19.5", "score = 19") for k, v in values.items()}
    spec = _branches()
    spec = attrs.evolve(
        spec,
        indicators=tuple(attrs.evolve(i, round_to=Decimal(round_to)) for i in spec.indicators),
    )
    doc = _same(spec, _acts(**values))
    assert doc is not None
    assert doc.line.count("本指标得分按规范声明的精度 round_to") == len(spec.indicators)


def test_a_total_that_needs_rounding_is_written_and_equal() -> None:
    spec = _branches(policy="[rounding]\nscore = 0.001\ntotal = 0.1\n")
    doc = _same(spec, _acts(ge="11.3", le="181.3"))
    assert doc is not None
    assert "总分按四舍五入保留到0.1" in doc.line


# ---------------------------------------------------------------------------
# what the writer leaves to evaluate


@pytest.mark.parametrize(
    "actuals",
    [
        "[indicators]\nge = { value = 20 }\n",  # an overshoot warning (≥ 1.3 × the target)
        '[indicators]\nge = { value = 10, deductions = [{ points = 1, reason = "扣" }] }\n',
        '[indicators]\nge = { not_applicable = "未开展" }\n',
    ],
)
def test_a_row_the_writer_does_not_cover_is_left_to_evaluate(actuals: str) -> None:
    spec = _branches()
    base = loads_actuals(actuals, file="actuals.toml")
    given = {a.id for a in base.indicators}
    acts = loads_actuals(actuals + _rest(given), file="actuals.toml")
    assert unit_document(spec, acts) is None
    perfrules.evaluate(spec, acts)  # the unit itself scores


def _rest(given: set[str]) -> str:
    lines = {
        "ge": "ge = { value = 12 }",
        "rate": "rate = { value = 100 }",
        "le": "le = { value = 150 }",
        "le_policy": "le_policy = { value = 5 }",
        "step": "step = { value = 98 }",
        "step_start": "step_start = { value = 95 }",
        "step_le": "step_le = { value = 1 }",
        "q1": 'q1 = { tier = "达成" }',
        "q2": 'q2 = { tier = "达成" }',
    }
    return "".join(v + "\n" for k, v in lines.items() if k not in given)


def test_a_method_the_writer_does_not_cover_is_left_to_evaluate() -> None:
    spec = _branches(policy='[policy]\nnegative = "linear_overshoot"\n')
    assert _same(spec, _acts()) is None  # ≤ under the linear rule
    assert _same(_branches(), _acts()) is not None


def test_an_invalid_unit_raises_as_evaluate_does() -> None:
    spec = _branches()
    acts = loads_actuals("[indicators]\nnope = { value = 1 }\n", file="actuals.toml")
    with pytest.raises(perfrules.SpecError) as fast:
        unit_document(spec, acts)
    with pytest.raises(perfrules.SpecError) as slow:
        perfrules.evaluate(spec, acts)
    assert fast.value.problems == slow.value.problems


# ---------------------------------------------------------------------------
# the batch: covered units written by the core, the others evaluated, the audit the same

BASE = """[meta]
kind = "项目支出"
year = 2024
""" + "".join(
    f'[[tiers]]\nname = "{n}"\nmin = {v}\nmax = {v}\nmax_inclusive = true\n'
    for n, v in (("A", 1), ("B", 0.8), ("C", 0))
)
TABLE = """unit,indicator,name,category,weight,method,comparator,target,target_text,actual,tier,note,spec
u1,a,培训场次,产出指标,60,ratio,≥,12,,9,,,base.toml
u1,b,满意度,满意度指标,40,qualitative,,,满意,,B,,
u2,a,培训场次,产出指标,60,ratio,≥,12,,16,,延期,base.toml
u2,b,满意度,满意度指标,40,qualitative,,,满意,,A,,
u3,a,培训场次,产出指标,60,inverse_ratio,≤,12,,15,,,base.toml
u3,b,满意度,满意度指标,40,qualitative,,,满意,,C,,
"""


def test_the_batch_writes_covered_units_from_the_core_and_evaluates_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base.toml").write_text(BASE, encoding="utf-8")
    (tmp_path / "units.csv").write_text(TABLE, encoding="utf-8")
    written: list[str] = []
    real = _engines.unit_document

    def counted(spec: perfrules.Spec, actuals: perfrules.Actuals, unit: str) -> Any:
        doc = real(spec, actuals, unit)
        if doc is not None:
            written.append(unit)
        return doc

    def run(name: str) -> dict[str, bytes]:
        folder = tmp_path / name
        folder.mkdir()
        summary = run_batch(
            read_table(tmp_path / "units.csv"),
            folder / "out.csv",
            audit=folder / "audit.jsonl",
            engine="pure",
        )
        assert summary.failed == 0
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    monkeypatch.setattr(_engines, "unit_document", counted)
    fast = run("fast")
    assert written == ["u1", "u3"]  # u2 has an overshoot warning: evaluated
    monkeypatch.setattr(_engines, "unit_document", lambda *a: None)
    slow = run("slow")
    assert fast.keys() == slow.keys() and len(fast) == 6
    for name in fast:
        assert fast[name] == slow[name], name
    docs = [json.loads(line) for line in fast["audit.jsonl"].decode().splitlines()]
    ev_doc = {d["unit"]: d for d in docs}
    assert ev_doc["u2"]["indicators"][0]["note"] == "延期"
    assert Decimal(ev_doc["u1"]["total"]) == Decimal(45) + Decimal(32)


# ---------------------------------------------------------------------------
# what the writer keeps between units


@pytest.mark.parametrize(
    "policies",
    [
        (
            "[rounding]\nscore = 0.01\n",
            "[rounding]\nscore = 0.010\n",
        ),  # equal quanta, two exponents
        ("[rounding]\nscore = 1\n", "[rounding]\nscore = 1.00\n"),
    ],
)
def test_a_kept_row_has_the_score_of_its_own_quantum(policies: tuple[str, str]) -> None:
    """Specs whose quanta are equal but written apart score to Decimals written apart (``15.99`` and
    ``15.990``, as the tables write them): a row kept for one is not the other's."""
    acts = _acts(q1='"部分达成"', q2='"部分达成"', ge="7.5")
    one, other = (_branches(policy=p) for p in policies)
    for spec in (one, other, one, other):
        assert _same(spec, acts) is not None


def _respelled(obj: Any, trailing_zero: bool) -> Any:
    """``obj`` with every finite Decimal in it written apart at an equal value: one more trailing zero
    (``2.5`` → ``2.50``), or normalized (``2.50`` → ``2.5``, ``100`` → ``1E+2``)."""
    if isinstance(obj, Decimal):
        if not obj.is_finite() or not obj:
            return obj
        exponent = obj.as_tuple().exponent
        assert isinstance(exponent, int)
        if trailing_zero:
            return obj.quantize(Decimal(1).scaleb(exponent - 1)) if exponent > -8 else obj
        return obj.normalize()
    if type(obj) is tuple:
        return tuple(_respelled(x, trailing_zero) for x in obj)
    if attrs.has(type(obj)):
        changes = {}
        for field in attrs.fields(type(obj)):
            if field.init:
                value = getattr(obj, field.name)
                new = _respelled(value, trailing_zero)
                if new is not value:
                    changes[field.alias] = new
        return attrs.evolve(obj, **changes) if changes else obj
    return obj


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fast_cases(), st.booleans())
def test_units_equal_but_written_apart_are_each_written_as_evaluated(
    case: Any, trailing_zero: bool
) -> None:
    """What the writer keeps by value (rows, compiled parts, templates, texts) is kept for a unit
    whose numbers are written apart at equal values only where its line and tables are the same."""
    spec, actuals = case
    again = _respelled(spec, trailing_zero), _respelled(actuals, trailing_zero)
    try:
        for one in (case, again, case, again):
            _same(*one)
    except perfrules.SpecError as err:  # a respelled number may be finer than the spec allows
        with pytest.raises(perfrules.SpecError) as slow:
            perfrules.evaluate(*again)
        assert slow.value.problems == err.problems
