"""The shipped workbooks are, byte for byte, what the code writes today (they cannot go stale).

The writer is deterministic: no time of writing in the file (docProps/core.xml
and every zip member carry SOURCE_DATE_EPOCH, else 1980-01-01T00:00:00Z),
members in a fixed order with fixed attributes. So two writes of the same
content give the same bytes, and a shipped workbook changes in git only when
what it holds changes.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import ROOT, SEED_DIR

import perfrules
from perfrules.cli import main
from perfrules.interchange import blank_template, write_workbook
from perfrules.interchange._write import ZIP_EPOCH, write_timestamp

SHIPPED_FORM = SEED_DIR / "自评表.xlsx"
SHIPPED_BLANK = ROOT / "specs" / "templates" / "绩效自评表-空白.xlsx"
REGENERATE = {
    SHIPPED_FORM: "perfrules export examples/hunan-2024-general-office --to xlsx -o examples/hunan-2024-general-office/自评表.xlsx",
    SHIPPED_BLANK: 'python -c "from perfrules.interchange import blank_template; '
    "blank_template('specs/templates/绩效自评表-空白.xlsx')\"",
}  # the commands of docs/excel.md, "Command line" (tests/test_docs_examples.py runs them as written)


def _members(path: Path) -> list[tuple[str, tuple[int, ...], int, int, int, bytes]]:
    """Each zip member in order: name, date, compression, system, attributes, uncompressed content."""
    with zipfile.ZipFile(path) as z:
        return [
            (i.filename, i.date_time, i.compress_type, i.create_system, i.external_attr, z.read(i))
            for i in z.infolist()
        ]


def _contents(path: Path) -> dict[str, Any]:
    """Every sheet's cell values, number formats, merged ranges and state (for a readable failure)."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = {
            c.coordinate: (c.value, c.number_format)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        }
        out[ws.title] = (ws.sheet_state, cells, sorted(str(r) for r in ws.merged_cells.ranges))
    return out


def _assert_same_bytes(shipped: Path, fresh: Path) -> None:
    if shipped.read_bytes() == fresh.read_bytes():
        return
    stale = f"stale {shipped.relative_to(ROOT)}: regenerate it with  {REGENERATE[shipped]}"
    old, new = _contents(shipped), _contents(fresh)
    assert old.keys() == new.keys(), stale
    for sheet in old:
        assert old[sheet] == new[sheet], f"{stale}  (sheet {sheet} differs)"
    assert _members(shipped) == _members(fresh), (
        f"{stale}  (the cells agree; the package parts differ)"
    )
    # Same members, same content, same attributes: only the compressed streams differ. zlib
    # implementations (zlib-ng, …) may compress the same input differently; this one is
    pytest.skip(
        f"the shipped workbook holds exactly what the code writes, but this Python's zlib "
        f"({zlib.ZLIB_RUNTIME_VERSION}) compresses it to other bytes than the one that wrote it"
    )


def test_the_shipped_seed_form_is_what_the_exporter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the framework's file is recorded relative to the working directory
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    spec, actuals = perfrules.load_example(Path("examples") / "hunan-2024-general-office")
    fresh = write_workbook(spec, actuals, tmp_path / "fresh.xlsx")
    _assert_same_bytes(SHIPPED_FORM, fresh)


def test_the_shipped_blank_template_is_what_the_code_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _assert_same_bytes(SHIPPED_BLANK, blank_template(tmp_path / "blank.xlsx"))


def test_two_writes_give_identical_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in the file depends on when (or as whom) it was written; the exporter writes what the library does."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    spec, actuals = perfrules.load_example(Path("examples") / "hunan-2024-general-office")
    first = write_workbook(spec, actuals, tmp_path / "a.xlsx").read_bytes()
    # a later write (the clock moved on), through the command line
    assert (
        main(
            [
                "export",
                "examples/hunan-2024-general-office",
                "--to",
                "xlsx",
                "-o",
                str(tmp_path / "b.xlsx"),
            ]
        )
        == 0
    )
    assert (tmp_path / "b.xlsx").read_bytes() == first
    assert (
        blank_template(tmp_path / "c.xlsx").read_bytes()
        == blank_template(tmp_path / "d.xlsx").read_bytes()
    )


def test_the_written_dates_are_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert write_timestamp() == ZIP_EPOCH
    path = blank_template(tmp_path / "blank.xlsx")
    members = _members(path)
    assert [m[0] for m in members][:2] == ["docProps/app.xml", "docProps/core.xml"]
    assert {m[1] for m in members} == {(1980, 1, 1, 0, 0, 0)}
    assert {(m[2], m[3], m[4]) for m in members} == {(zipfile.ZIP_DEFLATED, 3, 0o600 << 16)}
    props = openpyxl.load_workbook(path).properties
    assert props.created == props.modified == ZIP_EPOCH.replace(tzinfo=None)


def test_source_date_epoch_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1745000000")  # 2025-04-18T18:13:20Z
    path = blank_template(tmp_path / "blank.xlsx")
    assert {m[1] for m in _members(path)} == {(2025, 4, 18, 18, 13, 20)}
    props = openpyxl.load_workbook(path).properties
    assert props.created.isoformat() == props.modified.isoformat() == "2025-04-18T18:13:20"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # before the zip epoch: clamped
    assert write_timestamp() == ZIP_EPOCH
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        blank_template(tmp_path / "bad.xlsx")
    assert not (tmp_path / "bad.xlsx").exists()


def test_the_blank_template_has_the_official_headers() -> None:
    ws = openpyxl.load_workbook(SHIPPED_BLANK)["自评表"]
    assert [ws.cell(9, c).value for c in (1, 3, 7)] == ["年度总体目标", "预期目标", "实际完成情况"]
    row11 = [ws.cell(11, c).value for c in range(1, 10)]
    assert row11 == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "扣分原因",
        "偏差原因分析及改进措施",
    ]
    assert [ws.cell(5, c).value for c in range(4, 11)] == [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
        "扣分原因",
    ]
    assert "perfrules" not in openpyxl.load_workbook(SHIPPED_BLANK).sheetnames
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A12:A19", "B12:B13", "A30:A31"} <= merged
