"""The long table as an .xlsx workbook (openpyxl): the same results as the same table in CSV."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")

from perfrules.batch import read_table, run_batch  # noqa: E402

HEADER = ["unit", "indicator", "category", "weight", "comparator", "target", "actual", "year"]
ROWS = [
    ["u1", "a", "产出指标", 60, "≥", 100, 95.5, 2024],
    ["u1", "b", "效益指标", 40, "≤", 50, 60.25, 2024],
    ["u2", "a", "产出指标", 60.5, "≥", 100, 100, 2024],
    ["u2", "b", "效益指标", 39.5, "≤", 50, 0.1 + 0.2, 2024],  # float noise: not a typed value
    ["u3", "a", "产出指标", 60, "≥", "100", "88", 2024],  # numbers typed as text
    ["u3", "b", "效益指标", 40, "≤", 50, 50, 2024],
]


def _write(tmp_path: Path) -> tuple[Path, Path]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    ws.append([None] * len(HEADER))  # a trailing empty row, as formatted sheets have
    plain = tmp_path / "plain.xlsx"
    wb.save(
        plain
    )  # openpyxl writes 15 significant digits, as Excel does: 0.1 + 0.2 is stored as 0.3
    xlsx = tmp_path / "units.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if (
                item.filename == "xl/worksheets/sheet1.xml"
            ):  # a formula's float noise, as Excel can store it
                assert data.count(b"<v>0.3</v>") == 1
                data = data.replace(b"<v>0.3</v>", b"<v>0.30000000000000004</v>")
            dst.writestr(item, data)
    text_rows = [
        [("0.3" if isinstance(v, float) and v == 0.1 + 0.2 else str(v)) for v in r] for r in ROWS
    ]
    path = tmp_path / "units.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *text_rows])
    return xlsx, path


def test_xlsx_reads_exact_numbers_and_locates_float_noise(tmp_path: Path) -> None:
    xlsx, path = _write(tmp_path)
    table = read_table(xlsx)
    assert table.row_count == 6 and table.unit_count == 3
    summary = run_batch(xlsx, tmp_path / "x.csv")
    run_batch(path, tmp_path / "c.csv")
    x_units = (tmp_path / "x.csv").read_text(encoding="utf-8").splitlines()
    c_units = (tmp_path / "c.csv").read_text(encoding="utf-8").splitlines()
    assert x_units[1] == c_units[1] and x_units[3] == c_units[3]  # u1 and u3: identical results
    assert summary.failed == 1 and '"u2","error"' in x_units[2]
    problems = (tmp_path / "x.problems.csv").read_text(encoding="utf-8")
    assert '"u2","invalid-number"' in problems and '"5","7","actual"' in problems  # row 5, column 7
    assert "0.30000000000000004（浮点误差 float noise" in problems
    assert '"u2","ok"' in c_units[2]  # the same unit with the typed 0.3 scores


def test_xlsx_without_openpyxl_says_which_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import perfrules

    xlsx, _ = _write(tmp_path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(perfrules.SpecError, match=r"perfrules\[xlsx\]"):
        read_table(xlsx)
