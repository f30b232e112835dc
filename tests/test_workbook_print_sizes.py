"""The 自评表's print set-up and sizes, read from the file (no LibreOffice needed; tests/test_workbook_print.py prints it).

Every row has an explicit height that fits its wrapped text; columns fit the
numbers and headers they hold; the sheet prints A4 landscape, fitted to the
page width, the print area is the form and the indicator header repeats.
"""

from __future__ import annotations

import math

import openpyxl
import pytest
from conftest import SEED_DIR

import perfrules
from perfrules.interchange import write_workbook
from perfrules.interchange._layout import GOALS_MAX, _short, build_layout
from perfrules.interchange._print import (
    LINE,
    MAX_HEIGHT,
    MIN_WIDTH,
    WIDE,
    column_widths,
    row_heights,
    text_width,
    wrapped_lines,
)

SHIPPED = SEED_DIR / "自评表.xlsx"


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("一二三四五", 11.5, 1),  # five CJK characters: 10.5 digits and padding
        ("一二三四五", 11.4, 2),
        ("一二三四五\n六", 30, 2),  # explicit line breaks count
        ("abc defgh", 6.0, 2),  # a word moves to the next line whole
        ("abcdefghijkl", 6.0, 3),  # a word wider than the cell is cut
        ("", 10, 1),
    ],
)
def test_wrapped_lines(text: str, width: float, lines: int) -> None:
    assert wrapped_lines(text, width) == lines


def test_cjk_counts_double() -> None:
    assert text_width("全年执行数") == 5 * WIDE and text_width("31092.65") == 8


def test_the_shipped_form_prints_a4_landscape_fitted_to_the_width() -> None:
    ws = openpyxl.load_workbook(SHIPPED)["自评表"]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"  # A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_area == "'自评表'!$A$1:$J$34"
    assert ws.print_title_rows == "$11:$11"  # the indicator table's header
    assert [ws.cell(11, c).value for c in (1, 3)] == ["一级指标", "三级指标"]


def test_every_row_has_a_height_that_fits_its_wrapped_text() -> None:
    spec, actuals = perfrules.load_example(SEED_DIR)
    layout = build_layout(spec, actuals, perfrules.evaluate(spec, actuals))
    ws = openpyxl.load_workbook(SHIPPED)["自评表"]
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFGHIJ"}
    assert widths == column_widths(layout)
    heights = row_heights(layout, widths)
    assert sorted(heights) == list(range(1, 35))
    for row, height in heights.items():
        assert ws.row_dimensions[row].height == height
        assert ws.row_dimensions[row].customHeight
    # the 年度总体目标 text (C:F merged) and the budget's 扣分原因 (J) get the lines they need
    goals = ws["C10"].value
    need = wrapped_lines(goals, sum(widths[c] for c in "CDEF"))
    assert need >= 8 and heights[10] >= need * LINE[11]
    reason = ws["J6"].value
    assert "扣1分" in reason and heights[6] >= wrapped_lines(reason, widths["J"]) * LINE[11]


def test_columns_fit_their_numbers_and_headers() -> None:
    ws = openpyxl.load_workbook(SHIPPED)["自评表"]
    width = {col: ws.column_dimensions[col].width for col in "ABCDEFGHIJ"}
    assert ws["F5"].value == "全年执行数"
    assert width["F"] >= text_width("全年执行数") + 2  # the header on one line, with its padding
    assert width["F"] >= len("31092.65") + 2
    assert min(width.values()) >= MIN_WIDTH
    assert math.isclose(MIN_WIDTH, WIDE + 2.0)


def test_a_long_reason_gets_a_taller_row(tmp_path: pytest.TempPathFactory) -> None:
    import attrs

    spec, actuals = perfrules.load_example(SEED_DIR)
    note = "偏差原因" * 60
    act = attrs.evolve(actuals.indicators[0], note=note)
    actuals2 = attrs.evolve(actuals, indicators=(act, *actuals.indicators[1:]))
    path = write_workbook(spec, actuals2, tmp_path / "long.xlsx")  # type: ignore[operator]
    ws = openpyxl.load_workbook(path)["自评表"]
    row = next(r for r in range(1, 40) if ws[f"I{r}"].value == note)
    lines = wrapped_lines(note, ws.column_dimensions["I"].width + ws.column_dimensions["J"].width)
    assert lines >= 6 and ws.row_dimensions[row].height >= lines * LINE[11]


def test_no_row_is_taller_than_a_spreadsheet_keeps(tmp_path: pytest.TempPathFactory) -> None:
    import attrs

    spec, actuals = perfrules.load_example(SEED_DIR)
    act = attrs.evolve(actuals.indicators[0], note="很长的说明" * 800)
    actuals2 = attrs.evolve(actuals, indicators=(act, *actuals.indicators[1:]))
    layout = build_layout(spec, actuals2, perfrules.evaluate(spec, actuals2))
    heights = row_heights(layout, column_widths(layout))
    assert max(heights.values()) == MAX_HEIGHT == 409


def test_a_long_goals_text_refers_to_the_table() -> None:
    text = "；".join(f"指标{i}≥{i}次" for i in range(400))
    short = _short(text)
    assert len(short) <= GOALS_MAX + 10 and short.endswith("……（详见下表）")
    assert text.startswith(short[: -len("……（详见下表）")])
    assert _short("短") == "短"
