"""The shipped workbooks are what the code writes today (they cannot go stale)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROOT, SEED_DIR

import perfrules
from perfrules.interchange import blank_template, write_workbook

SHIPPED_FORM = SEED_DIR / "自评表.xlsx"
SHIPPED_BLANK = ROOT / "specs" / "templates" / "绩效自评表-空白.xlsx"
REGENERATE = {
    SHIPPED_FORM: "perfrules export examples/hunan-2024-general-office --to xlsx -o examples/hunan-2024-general-office/自评表.xlsx",
    SHIPPED_BLANK: "python -c \"from perfrules.interchange import blank_template; "
    "blank_template('specs/templates/绩效自评表-空白.xlsx')\"",
}


def _contents(path: Path) -> dict[str, Any]:
    """Every sheet's cell values, number formats, merged ranges and state; the writer's version row left out."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if ws.title == "perfrules" and c.column == 2 and ws.cell(c.row, 1).value == "perfrules":
                    continue  # the perfrules version that wrote the file
                cells[c.coordinate] = (c.value, c.number_format)
        out[ws.title] = (ws.sheet_state, cells, sorted(str(r) for r in ws.merged_cells.ranges))
    return out


def _assert_same(shipped: Path, fresh: Path) -> None:
    old, new = _contents(shipped), _contents(fresh)
    assert old.keys() == new.keys(), f"stale {shipped.name}: regenerate with {REGENERATE[shipped]}"
    for sheet in old:
        assert old[sheet] == new[sheet], f"stale {shipped.name} (sheet {sheet}): regenerate with {REGENERATE[shipped]}"


def test_the_shipped_seed_form_is_what_the_exporter_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the framework's file is recorded relative to the working directory
    spec, actuals = perfrules.load_example(Path("examples") / "hunan-2024-general-office")
    fresh = write_workbook(spec, actuals, tmp_path / "fresh.xlsx")
    _assert_same(SHIPPED_FORM, fresh)


def test_the_shipped_blank_template_is_what_the_code_writes(tmp_path: Path) -> None:
    _assert_same(SHIPPED_BLANK, blank_template(tmp_path / "blank.xlsx"))


def test_the_blank_template_has_the_official_headers() -> None:
    ws = openpyxl.load_workbook(SHIPPED_BLANK)["自评表"]
    row9 = [ws.cell(9, c).value for c in range(1, 10)]
    assert row9 == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "扣分原因", "偏差原因分析及改进措施"]
    assert [ws.cell(5, c).value for c in range(4, 11)] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "扣分原因"]
    assert "perfrules" not in openpyxl.load_workbook(SHIPPED_BLANK).sheetnames
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A10:A17", "B10:B11", "A28:A29"} <= merged
