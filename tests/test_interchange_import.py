"""Import: declared vs computed cell by cell, visible cells winning over the hidden sheet, hand-filled forms, located errors."""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, D
from rich.console import Console

import perfrules
from perfrules.interchange import (
    DisagreementReport,
    WorkbookError,
    blank_template,
    compare_declared,
    read_workbook,
    write_workbook,
)
from perfrules.model import SheetCell

SEED_XLSX = ROOT / "examples" / "hunan-2024-general-office" / "自评表.xlsx"
ALTERED = ROOT / "tests" / "data" / "自评表-altered.xlsx"


def _render(obj: object) -> str:
    buf = StringIO()
    Console(file=buf, width=200, color_system=None).print(obj)
    return buf.getvalue()


def _cells(err: WorkbookError) -> list[str | None]:
    """The cells of the errors (the exception also carries the warnings found on the way)."""
    return [p.cell for p in err.problems if p.severity is perfrules.Severity.ERROR]


# ---------------------------------------------------------------------------
# the shipped, hand-altered copy: one declared score changed


def test_the_altered_form_reports_exactly_the_changed_cell() -> None:
    form = read_workbook(ALTERED)
    found = compare_declared(form, perfrules.evaluate(form.spec, form.actuals))
    assert len(found) == 1
    (d,) = found
    assert d.cell == "自评表!G14"
    assert (d.kind, d.subject, d.label) == (
        "indicator",
        "hunan_info_issues",
        "全年报送《湖南信息》期数",
    )
    assert (d.declared, d.computed, d.difference) == (D(2), D(3), D(-1))
    # the altered copy differs from the shipped form in that cell only
    shipped = openpyxl.load_workbook(SEED_XLSX)["自评表"]
    altered = openpyxl.load_workbook(ALTERED)["自评表"]
    diff = [
        c.coordinate
        for row in shipped.iter_rows()
        for c in row
        if altered[c.coordinate].value != c.value
    ]
    assert diff == ["G14"]


def test_the_disagreement_report_renders_in_chinese_and_english() -> None:
    form = read_workbook(ALTERED)
    found = compare_declared(form, perfrules.evaluate(form.spec, form.actuals))
    zh = _render(DisagreementReport(found))
    assert "有 1 处与计算结果不一致" in zh and "自评表!G14" in zh and "填报值" in zh and "-1" in zh
    en = _render(DisagreementReport(found, lang="en"))
    assert "1 declared value disagrees" in en and "declared" in en and "自评表!G14" in en
    assert "agree" in _render(DisagreementReport((), lang="en"))


def test_the_shipped_form_agrees_with_itself() -> None:
    form = read_workbook(SEED_XLSX)
    ev = perfrules.evaluate(form.spec, form.actuals)
    assert compare_declared(form, ev) == ()
    assert (ev.total, ev.grade) == (D(99), "优")


# ---------------------------------------------------------------------------
# visible cells win over the hidden sheet


def _edit(src: Path, dst: Path, **cells: object) -> Path:
    wb = openpyxl.load_workbook(src)
    for ref, value in cells.items():
        wb["自评表"][ref].value = value
    wb.save(dst)
    return dst


def test_visible_cells_win_and_are_reported(tmp_path: Path) -> None:
    path = _edit(
        SEED_XLSX,
        tmp_path / "f.xlsx",
        C14="全年报送《湖南信息》（修改）",
        E14="390期",
        I14="因故少报",
    )
    form = read_workbook(path)
    assert [(w.code, w.cell) for w in form.warnings] == [
        ("visible-overrides-hidden", "自评表!C14"),
        ("visible-overrides-hidden", "自评表!E14"),
        ("visible-overrides-hidden", "自评表!I14"),
    ]
    assert all(w.severity is perfrules.Severity.WARNING for w in form.warnings)
    assert "408期" in form.warnings[1].message  # the hidden value it replaced
    assert form.spec.indicator("hunan_info_issues").name == "全年报送《湖南信息》（修改）"
    act = form.actuals.indicator("hunan_info_issues")
    assert act is not None and (act.value, act.text, act.note) == (
        D(390),
        None,
        "因故少报",
    )  # 390期 is value + unit
    ev = perfrules.evaluate(form.spec, form.actuals)
    assert ev.indicator("hunan_info_issues").score == Decimal("2.93")
    found = compare_declared(
        form, ev
    )  # the declared 得分 were not updated: three cells now disagree
    assert [d.cell for d in found] == ["自评表!G14", "自评表!G25", "自评表!G34"]
    assert [d.kind for d in found] == ["indicator", "category", "total"]


def test_a_visible_target_is_read_like_a_hand_filled_one(tmp_path: Path) -> None:
    path = _edit(SEED_XLSX, tmp_path / "f.xlsx", D14="450期")
    form = read_workbook(path)
    codes = [(w.code, w.cell) for w in form.warnings]
    assert ("bare-target", "自评表!D14") in codes and (
        "visible-overrides-hidden",
        "自评表!D14",
    ) in codes
    ind = form.spec.indicator("hunan_info_issues")
    assert ind.target is not None and str(ind.target) == "=450期" and ind.target_text == "450期"


def test_a_visible_weight_that_breaks_the_sums_is_a_located_error(tmp_path: Path) -> None:
    path = _edit(SEED_XLSX, tmp_path / "f.xlsx", F14=4)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    errors = [p for p in info.value.problems if p.severity is perfrules.Severity.ERROR]
    assert errors and all(p.file == str(path) for p in errors)
    assert "自评表!B12" in [
        p.cell for p in errors
    ]  # 数量指标: its indicators now add up to 21, not 20


def test_a_changed_layout_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(SEED_XLSX)
    wb["自评表"].insert_rows(12)
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "f.xlsx")
    assert {p.code for p in info.value.problems} == {"layout-changed"}
    assert "delete the hidden sheet" in info.value.problems[0].message


def test_a_broken_hidden_sheet_is_located_at_its_row(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(SEED_XLSX)
    ws = wb["perfrules"]
    row = next(
        r
        for r in range(1, ws.max_row + 1)
        if ws[f"A{r}"].value == "spec.toml" and ws[f"B{r}"].value == 'id = "hunan_info_issues"'
    )
    weight_row = row + 3
    assert ws[f"B{weight_row}"].value == "weight = 3"
    ws[f"B{weight_row}"].value = 'weight = "三"'
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "f.xlsx")
    assert f"perfrules!B{weight_row}" in _cells(info.value)


def _patch_value(path: Path, ref: str, raw: str) -> None:
    """Store ``raw`` as the XML value of numeric cell ``ref`` (openpyxl itself never writes float noise; Excel does)."""
    src = path.read_bytes()
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                patched = re.sub(rf'(<c r="{ref}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>{raw}\g<2>", text)
                assert patched != text
                data = patched.encode("utf-8")
            zout.writestr(item, data)
    assert src != out.read_bytes()
    out.replace(path)


def test_float_noise_in_a_declared_score_reads_as_shown_but_not_in_a_weight(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    shutil.copy(SEED_XLSX, path)
    _patch_value(path, "G14", "2.9999999999999996")  # format 0.00 shows 3.00
    score = read_workbook(path).declared_score("hunan_info_issues")
    assert score is not None and score.value == Decimal("3.00")
    shutil.copy(SEED_XLSX, path)
    _patch_value(path, "F14", "2.9999999999999996")
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert (
        _cells(info.value) == ["自评表!F14"]
        and "2.9999999999999996" in info.value.problems[0].message
    )


# ---------------------------------------------------------------------------
# a hand-filled form on a framework


def _hand_filled(path: Path, **changes: object) -> Path:
    """The blank template filled in by hand: a small 部门整体支出 form that follows hunan-department."""
    blank_template(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["自评表"]
    cells: dict[str, object] = {
        "A2": "（2024年度）",
        "C3": "2024年度某厅部门整体支出绩效自评",
        "C4": "某厅",
        "E6": 32909.2,
        "F6": 31092.65,
        "G6": 10,
        "H6": 0.9448,
        "I6": 9,
        "C12": "全年报送《湖南信息》期数",
        "D12": "≥400期",
        "E12": "408期",
        "F12": 15,
        "G12": 15,
        "C13": "全年编辑出版《省政府公报》期数",
        "D13": "24期",
        "E13": "24期",
        "F13": 10,
        "G13": 10,
        "C14": "报送政务信息采用情况",
        "D14": "报送的政务信息被国务院办公厅采用",
        "E14": "达成年度指标",
        "F14": 10,
        "G14": 10,
        "C16": "督办批示件办理",
        "D16": "按规定时限办结",
        "E16": "基本按时限完成",
        "F16": 5,
        "G16": 4.5,
        "C18": "公用经费控制率",
        "D18": "≤100%",
        "E18": 0.9888,
        "F18": 10,
        "G18": 10,
        "C23": "志愿服务活动",
        "D23": "≥4次",
        "E23": "7次",
        "F23": 10,
        "G23": 10,
        "C25": "公共机构节能工作",
        "D25": "推进公共机构节能工作",
        "E25": "达成",
        "F25": 10,
        "G25": 10,
        "C27": "普法工作",
        "D27": "组织国家工作人员学法考法",
        "E27": "达成年度指标",
        "F27": 10,
        "G27": 10,
        "C30": "服务满意度",
        "D30": "≥95%",
        "E30": "100%",
        "F30": 10,
        "G30": 10,
        "G20": 49.5,
        "G29": 30,
        "G32": 10,
        "G33": 98.5,
        "H33": "自评等级：优",
    }
    cells.update(changes)
    for ref, value in cells.items():
        ws[ref].value = value
    ws["H6"].number_format = "0.00%"
    ws["E18"].number_format = "0.00%"
    wb.save(path)
    return path


def test_a_hand_filled_form_is_read_on_its_framework(tmp_path: Path) -> None:
    form = read_workbook(_hand_filled(tmp_path / "filled.xlsx"), framework="hunan-department")
    assert form.hidden is False and form.framework == "hunan-department"
    spec, actuals = form.spec, form.actuals
    assert spec.framework is not None and spec.framework.id == "hunan-department"
    assert spec.meta.id == "filled" and spec.meta.year == 2024 and spec.meta.unit == "某厅"
    assert [i.id for i in spec.indicators] == [f"i0{n}" for n in range(1, 10)]
    assert [c.id for c in spec.categories] == [
        "output",
        "benefit",
        "satisfaction",
        "output.quantity",
        "output.quality",
        "output.timeliness",
        "output.cost",
        "benefit.social",
        "benefit.ecological",
        "benefit.sustainable",
        "satisfaction.service",
    ]
    mapping = {m.id: m.cell for m in form.ids}
    assert (
        mapping["i01"] == "自评表!C12"
        and mapping["output.quantity"] == "自评表!B12"
        and mapping["output"] == "自评表!A12"
    )
    assert (
        str(spec.indicator("i01").target) == "≥400期" and spec.indicator("i01").target_text is None
    )
    assert (
        str(spec.indicator("i02").target) == "=24期" and spec.indicator("i02").target_text == "24期"
    )
    assert spec.indicator("i03").is_qualitative
    timely = actuals.indicator("i04")
    assert timely is not None and (timely.tier, timely.score, timely.text) == (
        "达成年度指标",
        D("4.5"),
        "基本按时限完成",
    )
    cost = actuals.indicator("i05")
    assert cost is not None and cost.value == D("98.88")
    assert actuals.budget is not None and (actuals.budget.full_year, actuals.budget.spent) == (
        D("32909.2"),
        D("31092.65"),
    )
    assert [(w.code, w.cell) for w in form.warnings] == [("bare-target", "自评表!D13")]
    ev = perfrules.evaluate(spec, actuals)
    assert (ev.total, ev.grade) == (D("98.5"), "优")
    assert ev.budget_execution is not None and ev.budget_execution.score == 9
    assert compare_declared(form, ev) == ()
    assert {d.kind for d in form.declared} == {
        "indicator",
        "category",
        "total",
        "grade",
        "budget",
        "rate",
    }


def test_a_hand_filled_form_with_a_wrong_score(tmp_path: Path) -> None:
    form = read_workbook(
        _hand_filled(tmp_path / "f.xlsx", G12=14, I6=9.45), framework="hunan-department"
    )
    found = compare_declared(form, perfrules.evaluate(form.spec, form.actuals))
    assert [(d.cell, d.declared, d.computed) for d in found] == [
        ("自评表!I6", D("9.45"), D(9)),
        ("自评表!G12", D(14), D(15)),
    ]


def test_hand_filled_errors_are_all_located_with_the_text_seen(tmp_path: Path) -> None:
    path = _hand_filled(tmp_path / "f.xlsx", D12="≥abc", E23="超7次", F14="五")
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, framework="hunan-department")
    err = info.value
    assert isinstance(err, perfrules.PerfrulesError) and isinstance(err, ValueError)
    assert sorted(_cells(err)) == ["自评表!D12", "自评表!E23", "自评表!F14"]  # type: ignore[type-var]
    by_cell = {p.cell: p for p in err.problems}
    assert "≥abc" in by_cell["自评表!D12"].message and "≥abc" in by_cell["自评表!D12"].message_zh
    assert "超7次" in by_cell["自评表!E23"].message
    assert "五" in by_cell["自评表!F14"].message
    p = by_cell["自评表!E23"]
    assert (p.line, p.column, p.file) == (23, 5, str(path))
    assert p.location == f"{path}:自评表!E23"


def test_weights_that_differ_from_the_framework_are_errors(tmp_path: Path) -> None:
    path = _hand_filled(tmp_path / "f.xlsx", F12=16)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, framework="hunan-department")
    errors = [p for p in info.value.problems if p.severity is perfrules.Severity.ERROR]
    assert [(p.code, p.cell) for p in errors] == [("framework-differs", "自评表!A12")]
    assert "50" in errors[0].message and "51" in errors[0].message


def test_a_hand_filled_form_needs_a_framework(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as info:
        read_workbook(_hand_filled(tmp_path / "f.xlsx"))
    assert [p.code for p in info.value.problems] == ["framework-required"]


def test_an_unknown_framework_is_reported(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as info:
        read_workbook(_hand_filled(tmp_path / "f.xlsx"), framework="hunan-departmnt")
    assert any(p.suggestion == "hunan-department" for p in info.value.problems)


def test_the_blank_template_imports_to_located_problems_only(tmp_path: Path) -> None:
    path = blank_template(tmp_path / "blank.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, framework="hunan-department")
    assert {p.code for p in info.value.problems} == {"year-missing", "unit-missing"}


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(WorkbookError) as info:
        read_workbook(bad)
    assert [p.code for p in info.value.problems] == ["unreadable"]
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "missing.xlsx")
    assert [p.code for p in info.value.problems] == ["file"]


def test_an_exported_form_without_its_hidden_sheet_reads_as_hand_filled(
    tmp_path: Path, seed: tuple[perfrules.Spec, perfrules.Actuals]
) -> None:
    write_workbook(*seed, tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "f.xlsx")
    del wb["perfrules"]
    wb.save(tmp_path / "f.xlsx")
    form = read_workbook(tmp_path / "f.xlsx", framework="hunan-department")
    ev = perfrules.evaluate(form.spec, form.actuals)
    assert (ev.total, ev.grade) == (D(99), "优")
    assert ev.budget_execution is not None and ev.budget_execution.score == 9
    assert compare_declared(form, ev) == ()
    assert len(form.spec.indicators) == 19
    # bare 24期 / 12期 / 1次 read as exact targets, each said at its cell
    assert [(w.code, w.cell) for w in form.warnings] == [
        ("bare-target", "自评表!D13"),
        ("bare-target", "自评表!D15"),
        ("bare-target", "自评表!D17"),
    ]
    # the wording "全年信息更新量不少于2.5万条" is no compact target: the indicator is read as qualitative
    assert form.spec.indicator("i01").is_qualitative


def test_a_quantitative_actual_that_is_wording_is_a_located_error(tmp_path: Path) -> None:
    """ "超7次" is not a number with the unit 次: never a guess, an error at its cell with the text seen."""
    path = _hand_filled(tmp_path / "f.xlsx", E23="全年超7次")
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, framework="hunan-department")
    assert _cells(info.value) == ["自评表!E23"]
    assert "全年超7次" in info.value.problems[-1].message_zh


def test_declared_rates_compare_on_the_exact_fraction() -> None:
    """A rate just below a half-up tie stays below it: no 28-digit Decimal division before rounding."""
    from fractions import Fraction

    from perfrules.interchange._compare import _exact_decimal

    assert _exact_decimal(Fraction(5, 1000) - Fraction(1, 10**40), 2) == Decimal("0.00")
    assert _exact_decimal(Fraction(5, 1000), 2) == Decimal("0.01")
    assert _exact_decimal(Fraction(94475, 1000), 2) == Decimal("94.48")


# ---------------------------------------------------------------------------
# the reader loads its data directly: a source map of cells, no TOML text in between


def test_the_reader_imports_neither_tomli_w_nor_the_text_loaders() -> None:
    import ast

    import perfrules.interchange._read as reader

    tree = ast.parse(Path(reader.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "tomli_w" not in imported
    assert not imported & {"loads_spec", "loads_actuals", "load_spec", "load_actuals"}
    assert "load_data" in imported


def test_a_hand_filled_form_is_loaded_without_a_toml_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No TOML text is written or parsed for the form's own data; the loader's problems come at cells."""
    import tomli_w

    import perfrules.interchange._read as reader
    import perfrules.loading._load as load

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("the workbook reader wrote TOML text")

    parsed: list[str | None] = []
    real_parse = load.parse_toml_text

    def spy(text: str, file: str | None = None) -> object:
        parsed.append(file)
        return real_parse(text, file)

    monkeypatch.setattr(tomli_w, "dumps", refuse)
    monkeypatch.setattr(load, "parse_toml_text", spy)
    monkeypatch.setattr(reader, "parse_toml_text", spy)
    form = read_workbook(_hand_filled(tmp_path / "f.xlsx"), framework="hunan-department")
    # only the framework's own files are parsed as text, never the form's data
    assert parsed and all(f is not None and f.endswith(".toml") for f in parsed)
    assert form.spec.indicator("i01").weight == D(15)
    # the spec and actuals carry the map of the cells they were read from
    assert form.spec.source is not None and form.actuals.source is form.spec.source
    where = form.spec.source.reported(("indicators", 0, "weight"))
    assert (where.place, where.line, where.column) == (SheetCell("自评表", "F12"), 12, 6)
    assert form.actuals.source.reported(("indicators", "i01", "note")).place == SheetCell(
        "自评表", "I12"
    )
    # a problem the loader finds (validate_spec inside load_data) is at its cell, with the data's path
    with pytest.raises(WorkbookError) as info:
        read_workbook(_hand_filled(tmp_path / "g.xlsx", D12="≥-1期"), framework="hunan-department")
    errors = [p for p in info.value.problems if p.severity is perfrules.Severity.ERROR]
    assert [(p.code, p.cell, p.path, p.line, p.column) for p in errors] == [
        ("target-value", "自评表!D12", ("indicators", 0, "target"), 12, 4)
    ]
    assert errors[0].file == str(tmp_path / "g.xlsx")
    # and one validate_actuals finds, located through the actuals' map (by indicator id)
    with pytest.raises(WorkbookError) as info:
        read_workbook(_hand_filled(tmp_path / "h.xlsx", E18=-0.5), framework="hunan-department")
    errors = [p for p in info.value.problems if p.severity is perfrules.Severity.ERROR]
    assert [(p.code, p.cell, p.path) for p in errors] == [
        ("negative", "自评表!E18", ("indicators", "i05", "value"))
    ]


def test_an_exported_form_is_read_without_writing_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hidden sheet's stored TOML is parsed (it is the payload); nothing is written back to text."""
    import tomli_w

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("the workbook reader wrote TOML text")

    monkeypatch.setattr(tomli_w, "dumps", refuse)
    path = _edit(SEED_XLSX, tmp_path / "f.xlsx", F14=4)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    errors = [p for p in info.value.problems if p.severity is perfrules.Severity.ERROR]
    assert "自评表!B12" in [p.cell for p in errors]
    form = read_workbook(SEED_XLSX)
    assert form.hidden and form.spec.source is not None


def test_a_budget_total_without_an_amount_names_its_column_in_both_languages(
    tmp_path: Path,
) -> None:
    """The English names the missing column as the Chinese does (全年预算数, 全年执行数), like the
    budget line's message, not by its TOML key (full_year, spent)."""
    for ref, column in (("E6", "全年预算数"), ("F6", "全年执行数")):
        with pytest.raises(WorkbookError) as info:
            read_workbook(
                _hand_filled(tmp_path / f"{ref}.xlsx", **{ref: None}), framework="hunan-department"
            )
        (p,) = [p for p in info.value.problems if p.code == "missing-budget"]
        assert (p.cell, p.message, p.message_zh) == (
            f"自评表!{ref}",
            f"年度资金总额: no {column}",
            f"年度资金总额：缺少{column}",
        )


def test_the_framework_a_hidden_sheet_carries_is_named_in_each_language(tmp_path: Path) -> None:
    """--framework on an exported form: the warning names the hidden sheet's framework, or says
    it has none, each in its own language."""
    form = read_workbook(SEED_XLSX, framework="national-project")
    (w,) = form.warnings
    assert (w.code, w.message, w.message_zh) == (
        "framework-ignored",
        "--framework 'national-project' is not used: the hidden sheet carries the spec "
        "(framework 'hunan-department')",
        "未使用指定的框架“national-project”：隐藏表中已含规范（框架：hunan-department）",
    )
    demo = ROOT / "examples" / "deviation-demo"
    spec = perfrules.load_spec(demo)
    write_workbook(
        spec, perfrules.load_actuals(demo / "actuals.toml", spec=spec), tmp_path / "d.xlsx"
    )
    (w,) = read_workbook(tmp_path / "d.xlsx", framework="national-project").warnings
    assert (w.message, w.message_zh) == (
        "--framework 'national-project' is not used: the hidden sheet carries the spec "
        "(framework 'none')",
        "未使用指定的框架“national-project”：隐藏表中已含规范（框架：无）",
    )
