"""Cell values and form wording: exact numbers from floats and text, targets and actuals as forms write them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from conftest import D

import perfrules
from perfrules import BudgetLine, Comparator
from perfrules.interchange import read_target, read_workbook, write_workbook
from perfrules.interchange._cells import CellValueError, read_decimal, significant_digits, visible
from perfrules.interchange._targets import ReadError, read_number_with_unit

# ---------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (0.1, "0.1"),
        (2.675, "2.675"),
        (31092.65, "31092.65"),
        (94.48, "94.48"),
        (3.0, "3"),
        (7, "7"),
        (32909.2, "32909.2"),
        (123456789012345.0, "123456789012345"),
        (0.0000000001, "1E-10"),
    ],
)
def test_a_float_cell_reads_as_the_number_typed(stored: float | int, expected: str) -> None:
    value = read_decimal(stored, "General")
    assert value == Decimal(expected)
    assert isinstance(value, Decimal)


def test_float_noise_is_an_error_not_a_value() -> None:
    with pytest.raises(CellValueError, match="more than 15 significant digits"):
        read_decimal(0.1 + 0.2, "General")


def test_a_declared_result_with_float_noise_reads_as_the_form_shows_it() -> None:
    assert read_decimal(0.1 + 0.2, "0.00", declared=True) == Decimal("0.30")
    with pytest.raises(
        CellValueError
    ):  # General format: nothing says how many decimals the form shows
        read_decimal(0.1 + 0.2, "General", declared=True)


def test_numeric_text_is_exact_beyond_fifteen_digits() -> None:
    assert read_decimal("123456789012345.1234567890", "General") == Decimal(
        "123456789012345.1234567890"
    )
    assert read_decimal(" 3分 ", "General", suffixes=("分",)) == Decimal(3)
    with pytest.raises(CellValueError):
        read_decimal("3 points", "General")
    with pytest.raises(CellValueError):
        read_decimal("1,000", "General")
    with pytest.raises(CellValueError):
        read_decimal(True, "General")


def test_percent_cells() -> None:
    assert read_decimal(0.9448, "0.00%", percent=True) == Decimal("94.48")
    assert read_decimal(1, "0%", percent=True) == Decimal(100)
    assert read_decimal(94.48, "General", percent=True) == Decimal("94.48")
    assert read_decimal("94.48%", "General", percent=True) == Decimal("94.48")


def test_significant_digits() -> None:
    assert significant_digits(D("31092.65")) == 7
    assert significant_digits(D("0.0000000001")) == 1
    assert significant_digits(D("100")) == 3
    assert significant_digits(D("123456789012345.1")) == 16


@pytest.mark.parametrize(
    "amount",
    [
        "0.1",
        "2.675",
        "31092.65",
        "123456789012345.1234567890",
        "0.0000000001",
        "999999999999999",
        "999999999999999.99",
    ],
)
def test_amounts_survive_the_workbook_exactly(
    tmp_path: Path, seed: tuple[perfrules.Spec, perfrules.Actuals], amount: str
) -> None:
    """Each amount goes through a real .xlsx, visible cell included: a hidden sheet cannot hide a lossy cell."""
    spec, actuals = seed
    assert actuals.budget is not None
    lines = (BudgetLine(name="测试", spent=D(amount), full_year=D(amount), initial=D(amount)),)
    changed = attrs.evolve(actuals, budget=attrs.evolve(actuals.budget, lines=lines))
    path = write_workbook(spec, changed, tmp_path / "f.xlsx")
    form = read_workbook(path)
    assert form.warnings == ()  # the visible cells agree with the hidden sheet, digit for digit
    assert form.actuals.budget is not None
    assert form.actuals.budget.lines[0].spent == D(amount)
    assert form.actuals == changed


def test_visible_normalises_line_ends_and_illegal_characters() -> None:
    assert visible("a\r\nb\rc") == "a\nb\nc"
    assert visible("x\x00y\ufffe") == "x\ufffdy\ufffd"
    assert visible("") is None
    assert visible("  kept ") == "  kept "


# ---------------------------------------------------------------------------
# targets


@pytest.mark.parametrize(
    ("text", "cmp", "value", "unit", "kept"),
    [
        ("≥400期", Comparator.GE, "400", "期", None),
        ("≤100%", Comparator.LE, "100", "%", None),
        ("≥2.5万条", Comparator.GE, "2.5", "万条", None),
        ("=24期", Comparator.EQ, "24", "期", None),
        (">=95%", Comparator.GE, "95", "%", ">=95%"),
        ("95%以上", Comparator.GE, "95", "%", "95%以上"),
        ("3天以内", Comparator.LE, "3", "天", "3天以内"),
        ("5次及以下", Comparator.LE, "5", "次", "5次及以下"),
    ],
)
def test_targets_with_a_comparator(
    text: str, cmp: Comparator, value: str, unit: str, kept: str | None
) -> None:
    reading = read_target(text)
    assert reading.target is not None
    assert (reading.target.comparator, reading.target.value, reading.target.unit) == (
        cmp,
        D(value),
        unit,
    )
    assert reading.text == kept
    assert reading.bare is False


@pytest.mark.parametrize(
    ("text", "value", "unit"), [("100%", "100", "%"), ("24期", "24", "期"), ("1次", "1", "次")]
)
def test_a_bare_value_is_an_exact_target_and_says_so(text: str, value: str, unit: str) -> None:
    reading = read_target(text)
    assert reading.target is not None
    assert reading.target.comparator is Comparator.EQ
    assert (reading.target.value, reading.target.unit) == (D(value), unit)
    assert reading.bare is True
    assert reading.text == text  # the form's wording stays, so the target column shows it unchanged


def test_qualitative_wording() -> None:
    reading = read_target("按规定时限办结")
    assert reading.target is None and reading.text == "按规定时限办结" and not reading.bare


@pytest.mark.parametrize("text", ["≥1,000期", "≥abc", "≥95%以上", "  ", "≥1e5"])
def test_unreadable_quantitative_targets_are_errors(text: str) -> None:
    with pytest.raises(ReadError):
        read_target(text)


def test_actual_values_with_units() -> None:
    assert read_number_with_unit("408期", "期") == D(408)
    assert read_number_with_unit(" 98.88% ", "%") == D("98.88")
    assert read_number_with_unit("408", "期") == D(408)
    with pytest.raises(ReadError, match="differs from the target's unit"):
        read_number_with_unit("408篇", "期")
    with pytest.raises(ReadError, match="not a number"):
        read_number_with_unit("全年信息更新量超2.7万条", "万条")
