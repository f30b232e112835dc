"""The 自评表 workbook with deviation targets and actuals stated in words (据陈述): export → import.

The exported form shows a stated actual as every output does — ``已完成（据陈述；佐证：…）`` —
and a deviation target as its plan and tolerance; the import reads both back to the same spec
and actuals, and reads an edited cell of either kind (a new word and evidence, a number instead
of the word, a new plan) or refuses it at its cell.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.interchange import (
    WorkbookError,
    compare_declared,
    read_target,
    read_workbook,
    write_workbook,
)
from perfrules.interchange._targets import ReadError
from perfrules.model import DeviationTarget, QuantitativeTarget
from perfrules.testing import Case, cases

DEMO = ROOT / "examples" / "deviation-demo"
STATED_CELL = "已完成（据陈述；佐证：交工验收报告（2024-11））"


@pytest.fixture(scope="module")
def demo() -> tuple[perfrules.Spec, perfrules.Actuals]:
    spec = perfrules.load_spec(DEMO)
    return spec, perfrules.load_actuals(DEMO / "actuals.toml", spec=spec)


@pytest.fixture(scope="module")
def exported(demo: tuple[perfrules.Spec, perfrules.Actuals]) -> Path:
    path = Path(tempfile.mkdtemp(prefix="perfrules-stated-")) / "demo.xlsx"
    write_workbook(*demo, path)
    return path


def _round_trip(spec: perfrules.Spec, actuals: perfrules.Actuals, path: Path) -> None:
    ev = perfrules.evaluate(spec, actuals)
    write_workbook(spec, actuals, path, evaluation=ev)
    form = read_workbook(path)
    assert form.hidden is True
    assert form.warnings == ()
    assert form.spec == spec
    assert form.actuals == actuals
    again = perfrules.evaluate(form.spec, form.actuals)
    assert perfrules.to_document(again) == perfrules.to_document(ev)
    assert compare_declared(form, again) == ()


def _edit(src: Path, dst: Path, **cells: object) -> Path:
    wb = openpyxl.load_workbook(src)
    for ref, value in cells.items():
        wb["自评表"][ref].value = value
    wb.save(dst)
    return dst


def test_the_demo_round_trips(
    tmp_path: Path, demo: tuple[perfrules.Spec, perfrules.Actuals]
) -> None:
    _round_trip(*demo, tmp_path / "demo.xlsx")


def test_the_form_shows_the_stated_actual_and_the_deviation_targets(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["自评表"]
    assert (ws["C11"].value, ws["D11"].value, ws["E11"].value) == (
        "新建涵洞数量",
        "≥30座",
        STATED_CELL,
    )
    assert ws["G11"].value == 10
    assert (ws["C10"].value, ws["D10"].value, ws["E10"].value) == (
        "新建道路里程",
        "120公里±5%",
        "127.5公里",
    )
    assert ws["D15"].value == "500万元，控制在预算的±5%以内"  # the form's wording (target_text)
    assert f"新建涵洞数量（{STATED_CELL}）" in ws["G8"].value  # 实际完成情况 drafted from the table


def test_the_exported_form_reads_back_to_the_same_actuals(
    exported: Path, demo: tuple[perfrules.Spec, perfrules.Actuals]
) -> None:
    form = read_workbook(exported)
    assert form.warnings == ()
    assert (form.spec, form.actuals) == demo
    act = form.actuals.indicator("culverts")
    assert act is not None
    assert (act.stated, act.evidence, act.value) == ("已完成", "交工验收报告（2024-11）", None)
    assert isinstance(form.spec.indicator("project_cost").target, DeviationTarget)


def test_an_edited_stated_cell_is_read_with_its_new_word_and_evidence(
    tmp_path: Path, exported: Path
) -> None:
    path = _edit(exported, tmp_path / "e.xlsx", E11="未完成（据陈述；佐证：复核报告（2025-01））")
    form = read_workbook(path)
    assert [(w.code, w.cell) for w in form.warnings] == [("visible-overrides-hidden", "自评表!E11")]
    act = form.actuals.indicator("culverts")
    assert act is not None
    assert (act.stated, act.evidence, act.value, act.text) == (
        "未完成",
        "复核报告（2025-01）",
        None,
        None,
    )
    ev = perfrules.evaluate(form.spec, form.actuals)
    res = ev.indicator("culverts")
    assert (res.method, res.score, res.met) == ("stated", Decimal(0), False)
    assert [(d.cell, d.kind) for d in compare_declared(form, ev)] == [
        ("自评表!G11", "indicator"),
        ("自评表!G14", "category"),
        ("自评表!G21", "total"),
        ("自评表!H21", "grade"),  # 88.1 良 → 78.1 中
    ]


def test_a_bare_declared_word_keeps_the_rows_evidence(tmp_path: Path, exported: Path) -> None:
    form = read_workbook(_edit(exported, tmp_path / "w.xlsx", E11="未达标"))
    act = form.actuals.indicator("culverts")
    assert act is not None
    assert (act.stated, act.evidence) == ("未达标", "交工验收报告（2024-11）")


def test_a_number_replaces_the_stated_word(tmp_path: Path, exported: Path) -> None:
    form = read_workbook(_edit(exported, tmp_path / "n.xlsx", E11="28座"))
    act = form.actuals.indicator("culverts")
    assert act is not None
    assert (act.value, act.stated, act.evidence) == (Decimal(28), None, None)
    res = perfrules.evaluate(form.spec, form.actuals).indicator("culverts")
    assert (res.method, res.score) == ("ratio", Decimal("9.33"))  # 28 ÷ 30 × 10


def test_an_undeclared_stated_word_is_refused_at_its_cell(tmp_path: Path, exported: Path) -> None:
    path = _edit(exported, tmp_path / "u.xlsx", E11="基本完成（据陈述；佐证：自查报告）")
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    (problem,) = err.value.problems
    assert (problem.code, problem.cell) == ("unreadable", "自评表!E11")
    assert "基本完成" in problem.message_zh and "已完成" in problem.message_zh


def test_a_stated_word_without_evidence_is_refused_when_the_row_has_none(
    tmp_path: Path, exported: Path
) -> None:
    path = _edit(exported, tmp_path / "v.xlsx", E12="达标")  # 工程验收合格率: a number before
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    (problem,) = err.value.problems
    assert (problem.code, problem.cell) == ("unreadable", "自评表!E12")
    assert "佐证" in problem.message_zh


def test_an_edited_deviation_target_is_read_as_one(tmp_path: Path, exported: Path) -> None:
    path = _edit(exported, tmp_path / "t.xlsx", D10="125公里±5%", D13="12个月，偏差率<10%")
    form = read_workbook(path)
    assert [w.cell for w in form.warnings] == ["自评表!D10", "自评表!D13"]
    road = form.spec.indicator("road_length").target
    assert road == DeviationTarget.parse("125公里±5%")
    schedule = form.spec.indicator("schedule").target
    assert isinstance(schedule, DeviationTarget)
    assert (schedule.value, schedule.tolerance, schedule.inclusive) == (Decimal(12), 10, False)
    ev = perfrules.evaluate(form.spec, form.actuals)
    assert ev.indicator("road_length").score == 10  # 127.5 is 2% off 125


def test_a_tolerance_without_its_plan_is_refused_at_its_cell(
    tmp_path: Path, exported: Path
) -> None:
    with pytest.raises(WorkbookError) as err:
        read_workbook(_edit(exported, tmp_path / "p.xlsx", D10="±5%"))
    (problem,) = err.value.problems
    assert (problem.code, problem.cell) == ("unreadable", "自评表!D10")
    assert "计划值" in problem.message_zh


@pytest.mark.parametrize(
    ("text", "expected", "wording"),
    [
        ("120公里±5%", "120公里±5%", None),
        ("500万元，偏差率<10%", "500万元，偏差率<10%", None),
        ("500万元，偏差率≤10%", "500万元±10%", "500万元，偏差率≤10%"),
        ("500万元控制在预算的±5%以内", "500万元±5%", "500万元控制在预算的±5%以内"),
    ],
)
def test_deviation_targets_read_from_a_cell(text: str, expected: str, wording: str | None) -> None:
    reading = read_target(text)
    assert reading.target == DeviationTarget.parse(expected)
    assert (reading.text, reading.bare) == (wording, False)


def test_other_targets_still_read_as_before() -> None:
    assert read_target("≥120公里").target == QuantitativeTarget.parse("≥120公里")
    assert not isinstance(read_target("≥120公里").target, DeviationTarget)
    with pytest.raises(ReadError):
        read_target("±5%")


_DIR = Path(tempfile.mkdtemp(prefix="perfrules-xlsx-stated-"))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases(stated=True))
def test_property_stated_rows_round_trip(case: Case) -> None:
    assert any(a.stated is not None for a in case.actuals.indicators)
    _round_trip(*case, _DIR / "stated.xlsx")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases(methods=["deviation"]))
def test_property_deviation_rows_round_trip(case: Case) -> None:
    _round_trip(*case, _DIR / "deviation.xlsx")
