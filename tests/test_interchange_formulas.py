"""The 自评表's 小计 and 总分 are formulas over the cells they add up, with perfrules' numbers as their values.

Without a spreadsheet program: the formulas are evaluated exactly
(perfrules.interchange._formula) over the layout's cells, for the seed and
for generated cases with 不适用 indicators, bonus points, vetoes and any
rounding; the written file caches each formula's value; a form saved without
cached values (openpyxl) is still checked. tests/test_workbook_print.py does
the same through LibreOffice.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from conftest import SEED_DIR
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.interchange import _write as writer
from perfrules.interchange import compare_declared, read_workbook, write_workbook
from perfrules.interchange._formula import FormulaError, evaluate_formula
from perfrules.interchange._layout import Layout, build_layout
from perfrules.interchange._sheet import split_ref
from perfrules.testing import Case, cases

D = Decimal


def _lookup(layout: Layout) -> dict[tuple[int, int], Fraction]:
    return {
        split_ref(c.ref): Fraction(c.value) for c in layout.cells if isinstance(c.value, Decimal)
    }


def _check_formulas(spec: perfrules.Spec, actuals: perfrules.Actuals) -> Layout:
    ev = perfrules.evaluate(spec, actuals)
    layout = build_layout(spec, actuals, ev)
    values = _lookup(layout)
    subtotals = [c for c in layout.cells if c.result is not None and c.result[0] == "category"]
    (total,) = [c for c in layout.cells if c.result is not None and c.result[0] == "total"]
    for c in subtotals:  # every 小计 is a formula: the sum of the 得分 above it
        assert c.formula is not None and re.fullmatch(r"SUM\(G\d+:G\d+\)", c.formula), c
    zeroed = any(v.effect == "zero" for v in ev.vetoes)
    assert (total.formula is None) == zeroed, (total, ev.vetoes)
    for c in [*subtotals, total]:
        if c.formula is not None:
            got = evaluate_formula(c.formula, lambda r, col: values.get((r, col)))
            assert got == Fraction(c.value), (c.ref, c.formula, got, c.value)  # type: ignore[arg-type]
    return layout


def test_the_seed_subtotals_and_total_are_formulas() -> None:
    spec, actuals = perfrules.load_example(SEED_DIR)
    layout = _check_formulas(spec, actuals)
    formulas = {c.ref: c.formula for c in layout.cells if c.formula is not None}
    assert formulas == {
        "G25": "SUM(G12:G24)",  # 产出指标小计
        "G29": "SUM(G26:G28)",  # 效益指标小计
        "G33": "SUM(G30:G32)",  # 满意度指标小计
        "G34": "SUM(I6,G25,G29,G33)",  # 总分: 预算执行率 得分 + the 小计
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_property_every_formula_gives_the_evaluation(case: Case) -> None:
    spec, actuals = case
    _check_formulas(spec, actuals)


def test_rescaled_bonus_and_capped_totals_get_their_formula(
    seed: tuple[perfrules.Spec, perfrules.Actuals],
) -> None:
    """不适用 rescales the total (ROUND over the rescaled sum); a bonus is capped at the full score."""
    import attrs

    spec, actuals = seed
    na = attrs.evolve(actuals.indicators[0], value=None, text=None, not_applicable="本年度未开展")
    na_actuals = attrs.evolve(actuals, indicators=(na, *actuals.indicators[1:]))
    layout = _check_formulas(spec, na_actuals)
    total = next(c for c in layout.cells if c.result == ("total", "total", "总分"))
    assert total.formula == "ROUND(SUM(I6,G25,G29,G33)/97*100,2)"


def test_the_written_form_caches_each_formula_value(tmp_path: Path) -> None:
    path = SEED_DIR / "自评表.xlsx"
    formulas = openpyxl.load_workbook(path)["自评表"]
    values = openpyxl.load_workbook(path, data_only=True)["自评表"]
    assert formulas["G34"].value == "=SUM(I6,G25,G29,G33)" and values["G34"].value == 99
    assert formulas["G25"].value == "=SUM(G12:G24)" and values["G25"].value == 50
    assert formulas["G25"].number_format == "0.00" == formulas["G14"].number_format


def _without_cached_values(src: Path, dst: Path) -> Path:
    """``src`` with every formula's cached value removed (as a program that does not calculate saves it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as d:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb"(</f>)<v>[^<]*</v>", rb"\1<v></v>", data)
                assert n == 4
            d.writestr(info, data)
    dst.write_bytes(out.getvalue())
    return dst


def test_uncached_formulas_are_evaluated_so_the_declared_scores_are_still_checked(
    tmp_path: Path,
) -> None:
    path = _without_cached_values(SEED_DIR / "自评表.xlsx", tmp_path / "nocache.xlsx")
    assert openpyxl.load_workbook(path, data_only=True)["自评表"]["G34"].value is None
    form = read_workbook(path)
    declared = {d.cell: d.value for d in form.declared if d.kind in ("category", "total")}
    assert declared == {
        "自评表!G25": 50,
        "自评表!G29": 30,
        "自评表!G33": 10,
        "自评表!G34": 99,
    }
    assert not compare_declared(form, perfrules.evaluate(form.spec, form.actuals))
    # a 得分 typed over: its 小计 and the 总分 follow, as in a spreadsheet, and all three disagree
    wb = openpyxl.load_workbook(path)
    wb["自评表"]["G14"] = 2
    wb.save(tmp_path / "typed.xlsx")
    found = compare_declared(
        form2 := read_workbook(tmp_path / "typed.xlsx"),
        perfrules.evaluate(form2.spec, form2.actuals),
    )
    assert [(d.cell, d.declared, d.computed) for d in found] == [
        ("自评表!G14", D(2), D(3)),
        ("自评表!G25", D(49), D(50)),
        ("自评表!G34", D(98), D(99)),
    ]


def test_a_hand_filled_form_from_the_blank_template_sums_its_subtotals(tmp_path: Path) -> None:
    path = writer.blank_template(tmp_path / "blank.xlsx")
    ws = openpyxl.load_workbook(path)["自评表"]
    subtotals = [
        (r, ws[f"G{r}"].value)
        for r in range(1, ws.max_row + 1)
        if str(ws[f"A{r}"].value or "").endswith("小计")
    ]
    assert [f for _, f in subtotals] == ["=SUM(G12:G19)", "=SUM(G21:G28)", "=SUM(G30:G31)"]
    total_row = ws.max_row
    assert ws[f"A{total_row}"].value == "总分"
    assert ws[f"G{total_row}"].value == "=SUM(I6,G20,G29,G32)"


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("SUM(A1:A3)", Fraction(6)),
        ("ROUND(2.675,2)", Fraction("2.68")),  # half-up, exactly (a float would give 2.67)
        ("ROUND(-2.5,0)", Fraction(-3)),  # away from zero, as a spreadsheet rounds
        ("MROUND(2.25,0.5)", Fraction("2.5")),
        ("MIN(100,SUM(A1,A2)+99)", Fraction(100)),
        ("SUM(A1:A3)/4*100", Fraction(150)),
        ("-(A1+A2)*2", Fraction(-6)),
        ("SUM(A1,A9)", Fraction(1)),  # an empty cell adds nothing
    ],
)
def test_the_formula_evaluator(formula: str, value: Fraction) -> None:
    cells = {(1, 1): Fraction(1), (2, 1): Fraction(2), (3, 1): Fraction(3)}
    assert evaluate_formula(formula, lambda r, c: cells.get((r, c))) == value


@pytest.mark.parametrize("formula", ["VLOOKUP(A1,A1:A3,1)", "SUM(A1", "A1/0", "A1&A2", "'x'"])
def test_what_the_evaluator_does_not_evaluate(formula: str) -> None:
    with pytest.raises(FormulaError):
        evaluate_formula(formula, lambda r, c: Fraction(0))


def test_a_form_of_layout_1_without_the_goals_block_still_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, actuals = perfrules.load_example(SEED_DIR)
    monkeypatch.setattr(writer, "LAYOUT_VERSION", 1)
    monkeypatch.setattr(writer, "build_layout", functools.partial(build_layout, version=1))
    path = write_workbook(spec, actuals, tmp_path / "v1.xlsx")
    ws = openpyxl.load_workbook(path)["自评表"]
    assert ws["A9"].value == "一级指标"  # no 年度总体目标 block
    form = read_workbook(path)
    assert (form.spec, form.actuals) == (spec, actuals) and not form.warnings
    assert not compare_declared(form, perfrules.evaluate(spec, actuals))


def test_the_goals_block_is_drafted_from_the_indicator_table() -> None:
    ws = openpyxl.load_workbook(SEED_DIR / "自评表.xlsx")["自评表"]
    assert (ws["A9"].value, ws["C9"].value, ws["G9"].value) == (
        "年度总体目标",
        "预期目标",
        "实际完成情况",
    )
    expected, achieved = ws["C10"].value, ws["G10"].value
    assert expected.splitlines()[0].startswith("产出指标：省政府门户网站全年信息更新量")
    assert "全年报送《湖南信息》期数≥400期" in expected
    assert "全年报送《湖南信息》期数408期" in achieved
    assert [line.split("：")[0] for line in achieved.splitlines()] == [
        "产出指标",
        "效益指标",
        "满意度指标",
    ]
