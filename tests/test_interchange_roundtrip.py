"""Export → import is lossless: equal spec, equal actuals, identical scores, no disagreement."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
from conftest import ROOT, D
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.interchange import compare_declared, read_workbook, write_workbook
from perfrules.testing import Case, cases

DEMO = ROOT / "examples" / "catalogue-demo"


def _round_trip(
    spec: perfrules.Spec, actuals: perfrules.Actuals, path: Path
) -> perfrules.Evaluation:
    ev = perfrules.evaluate(spec, actuals)
    write_workbook(spec, actuals, path, evaluation=ev)
    form = read_workbook(path)
    assert form.hidden is True
    assert form.warnings == ()
    assert form.spec == spec
    assert form.spec.framework == spec.framework
    assert form.actuals == actuals
    again = perfrules.evaluate(form.spec, form.actuals)
    assert perfrules.to_document(again) == perfrules.to_document(ev)
    assert compare_declared(form, again) == ()
    return again


def test_the_seed_round_trips_with_identical_scores(
    tmp_path: Path, seed: tuple[perfrules.Spec, perfrules.Actuals]
) -> None:
    ev = _round_trip(*seed, tmp_path / "seed.xlsx")
    assert ev.total == 99
    assert ev.grade == "优"
    assert ev.budget_execution is not None
    assert ev.budget_execution.score == 9
    assert ev.budget_execution.rate_display == "94.48%"


def test_the_seed_form_declares_every_score_perfrules_computes(
    tmp_path: Path, seed: tuple[perfrules.Spec, perfrules.Actuals]
) -> None:
    spec, actuals = seed
    write_workbook(spec, actuals, tmp_path / "seed.xlsx")
    form = read_workbook(tmp_path / "seed.xlsx")
    kinds = [d.kind for d in form.declared]
    assert kinds.count("indicator") == len(spec.indicators) == 19
    assert kinds.count("category") == 3  # the 一级 subtotals
    assert form.declared_score("total") is not None and form.declared_score("total").value == 99  # type: ignore[union-attr]
    assert form.declared_score("grade") is not None and form.declared_score("grade").text == "优"  # type: ignore[union-attr]
    rate = form.declared_score("budget_execution", "rate")
    assert rate is not None and rate.value == Decimal("94.48") and rate.cell == "自评表!H6"
    budget = form.declared_score("budget_execution", "budget")
    assert budget is not None and budget.value == 9 and budget.cell == "自评表!I6"


def test_the_visible_form_shows_the_seed(
    tmp_path: Path, seed: tuple[perfrules.Spec, perfrules.Actuals]
) -> None:
    write_workbook(*seed, tmp_path / "seed.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "seed.xlsx")["自评表"]
    assert ws["A1"].value == "部门整体支出绩效自评表"
    assert ws["A2"].value == "（2024年度）"
    assert ws["C4"].value == "湖南省人民政府办公厅"
    assert (ws["E6"].value, ws["F6"].value, ws["G6"].value, ws["I6"].value) == (
        32909.2,
        31092.65,
        10,
        9,
    )
    assert ws["H6"].value == 0.9448 and ws["H6"].number_format == "0.00%"
    assert ws["F6"].number_format == "0.00"
    assert "扣1分" in ws["J6"].value
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {
        "A12:A24",
        "B12:B18",
        "A26:A28",
        "A30:A32",
        "B30:B32",
        "A34:E34",
    } <= merged  # 一级/二级 merged vertically
    assert ws["D14"].value == "≥400期" and ws["E14"].value == "408期"
    total_row = next(r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "总分")
    assert ws[f"G{total_row}"].value == "=SUM(I6,G25,G29,G33)"  # 预算执行率 得分 + 一级 小计
    assert ws["G25"].value == "=SUM(G12:G24)" and ws[f"H{total_row}"].value == "自评等级：优"
    cached = openpyxl.load_workbook(tmp_path / "seed.xlsx", data_only=True)["自评表"]
    assert (cached[f"G{total_row}"].value, cached["G25"].value) == (99, 50)  # the values, cached
    assert ws.column_dimensions["C"].width == 30
    assert ws["C14"].border.left.style == "thin"
    wb = openpyxl.load_workbook(tmp_path / "seed.xlsx")
    assert wb["perfrules"].sheet_state == "hidden"


def test_catalogue_demo_round_trips(tmp_path: Path) -> None:
    spec, actuals = perfrules.load_example(DEMO)
    ev = _round_trip(spec, actuals, tmp_path / "demo.xlsx")
    assert ev.total == Decimal("84.83") and ev.grade == "良"
    assert ev.bonus and ev.vetoes is not None


def test_text_a_cell_cannot_hold_round_trips_through_the_hidden_sheet(
    tmp_path: Path, seed: tuple[perfrules.Spec, perfrules.Actuals]
) -> None:
    spec, actuals = seed
    odd = "=SUM(A1)\r\n控制\x01字符\ufffe"
    ind = attrs.evolve(spec.indicators[0], name=odd, target_text="=不少于2.5万条")
    spec2 = attrs.evolve(
        spec,
        indicators=(ind, *spec.indicators[1:]),
        meta=attrs.evolve(spec.meta, title=" 前后空格 "),
    )
    act = attrs.evolve(actuals.indicators[0], note="第一行\r第二行")
    actuals2 = attrs.evolve(actuals, indicators=(act, *actuals.indicators[1:]))
    _round_trip(spec2, actuals2, tmp_path / "odd.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "odd.xlsx")["自评表"]
    assert ws["C12"].value == "=SUM(A1)\n控制\ufffd字符\ufffd"  # text, never a formula
    assert ws["C12"].data_type == "s"


_DIR = Path(tempfile.mkdtemp(prefix="perfrules-xlsx-"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_property_export_then_import_is_lossless(case: Case) -> None:
    spec, actuals = case
    _round_trip(spec, actuals, _DIR / "case.xlsx")


def test_weights_and_scores_are_numeric_cells_with_their_decimals(
    tmp_path: Path, seed: tuple[perfrules.Spec, perfrules.Actuals]
) -> None:
    spec, actuals = seed
    ind = attrs.evolve(spec.indicators[0], weight=D("2.5"))
    other = attrs.evolve(spec.indicators[1], weight=D("3.5"))
    spec2 = attrs.evolve(spec, indicators=(ind, other, *spec.indicators[2:]))
    write_workbook(spec2, actuals, tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["自评表"]
    assert (ws["F12"].value, ws["F12"].number_format) == (2.5, "0.0")
    assert ws["G12"].number_format == "0.00"
    assert read_workbook(tmp_path / "w.xlsx").spec == spec2
