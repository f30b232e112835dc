"""``perfrules import`` and ``perfrules export``: outputs, files, exit codes, located errors."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SEED_DIR, D

import perfrules
from perfrules.cli import main
from perfrules.interchange import blank_template, read_workbook

SEED_XLSX = SEED_DIR / "自评表.xlsx"
ALTERED = ROOT / "tests" / "data" / "自评表-altered.xlsx"


def test_import_writes_spec_and_actuals_that_load_to_the_same_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "unit"
    assert main(["import", str(SEED_XLSX), "-o", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "一致" in out and "99.00（优）" in out
    spec, actuals = perfrules.load_example(out_dir)
    seed_spec, seed_actuals = perfrules.load_example(SEED_DIR)
    assert spec == seed_spec and actuals == seed_actuals
    ev = perfrules.evaluate(spec, actuals)
    assert (ev.total, ev.grade) == (D(99), "优")
    assert not list(out_dir.glob(".*"))  # atomic writes leave no temp files


def test_import_exits_1_and_names_the_cell_when_declared_scores_disagree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(ALTERED), "-o", str(tmp_path / "u"), "--width", "200"]) == 1
    out = capsys.readouterr().out
    assert "自评表!G14" in out and "全年报送《湖南信息》期数" in out and "有 1 处" in out
    assert (tmp_path / "u" / "spec.toml").exists() and (tmp_path / "u" / "actuals.toml").exists()
    assert (
        main(
            [
                "import",
                str(ALTERED),
                "-o",
                str(tmp_path / "u"),
                "--lang",
                "en",
                "--width",
                "200",
                "--force",
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "1 declared value disagrees" in out and "自评表!G14" in out


def test_import_of_a_hand_filled_form_needs_the_framework(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = openpyxl.load_workbook(SEED_XLSX)
    del wb["perfrules"]
    wb.save(tmp_path / "hand.xlsx")
    assert main(["import", str(tmp_path / "hand.xlsx"), "-o", str(tmp_path / "u")]) == 2
    assert "--framework" in capsys.readouterr().err
    assert (
        main(
            [
                "import",
                str(tmp_path / "hand.xlsx"),
                "-o",
                str(tmp_path / "u"),
                "--framework",
                "hunan-department",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert (
        "bare-target" in captured.err and "自评表!D13" in captured.err
    )  # warnings go to stderr, with their cell
    assert "依据框架 hunan-department" in captured.out
    spec = perfrules.load_spec(tmp_path / "u")
    assert [i.id for i in spec.indicators][:3] == ["i01", "i02", "i03"]


def test_import_errors_exit_2_with_every_located_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = blank_template(tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["自评表"]
    for ref, value in {
        "A2": "（2024年度）",
        "C3": "测试",
        "C4": "某厅",
        "E6": 100,
        "F6": 90,
        "G6": 10,
        "C12": "甲",
        "D12": "≥abc",
        "E12": "1次",
        "F12": 25,
        "C13": "乙",
        "D13": "≥1次",
        "E13": "很多",
        "F13": 25,
        "C23": "丙",
        "D23": "≥1次",
        "E23": "1次",
        "F23": "三十",
    }.items():
        ws[ref].value = value
    wb.save(path)
    assert (
        main(["import", str(path), "-o", str(tmp_path / "u"), "--framework", "hunan-department"])
        == 2
    )
    err = capsys.readouterr().err
    for cell, seen in (("自评表!D12", "≥abc"), ("自评表!E13", "很多"), ("自评表!F23", "三十")):
        assert f"{path}:{cell}" in err and seen in err
    assert not (tmp_path / "u").exists()  # nothing written for a form that does not read


def test_import_of_a_file_that_is_not_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("no", encoding="utf-8")
    assert main(["import", str(bad), "-o", str(tmp_path / "u")]) == 2
    assert "unreadable" in capsys.readouterr().err


def test_import_needs_an_output_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SEED_XLSX)]) == 2
    assert "-o" in capsys.readouterr().err


def test_export_xlsx_writes_the_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "form.xlsx"
    assert (
        main(["export", str(SEED_DIR), "--to", "xlsx", "-o", str(target)]) == 2
    )  # no folder out/: exit 2, nothing written
    assert "out" in capsys.readouterr().err and not target.parent.exists()
    target.parent.mkdir()
    assert main(["export", str(SEED_DIR), "--to", "xlsx", "-o", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    form = read_workbook(target)
    assert form.spec == perfrules.load_spec(SEED_DIR)
    ws = openpyxl.load_workbook(target)["自评表"]
    assert ws["I6"].value == 9


def test_export_xlsx_without_output_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(SEED_DIR), "--to", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err


def test_export_bad_format_and_missing_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(SEED_DIR), "--to", "pdf"]) == 2
    assert "pdf" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "nothing"), "--to", "md"]) == 2
    assert "nothing" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("fmt", "needle"), [("md", "99"), ("html", "<html"), ("narrative", "得9分")]
)
def test_export_reports_to_stdout_and_to_a_file(
    fmt: str, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the whole 自评报告 (issue 13: every section, report.toml beside the spec), the same to
    # standard output and to a file; tests/test_report_full.py checks its content
    from perfrules.report import to_narrative

    assert main(["export", str(SEED_DIR), "--to", fmt]) == 0
    out = capsys.readouterr().out
    ev = perfrules.evaluate(*perfrules.load_example(SEED_DIR))
    assert needle in out and "八、下一步改进措施" in out and "推动绩效管理深度嵌入预算全周期" in out
    headers = [ln for ln in to_narrative(ev).splitlines() if ln.startswith("（")]
    assert len(headers) == 4
    for line in headers:  # the scoring prose is its section 六
        assert line in out, line
    target = tmp_path / f"r.{fmt}"
    assert main(["export", str(SEED_DIR), "--to", fmt, "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == out
    assert main(["export", str(SEED_DIR), "--to", fmt, "-o", str(target), "--lang", "en"]) == 0
    assert "Improvements" in target.read_text(encoding="utf-8")


def test_missing_openpyxl_names_the_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    assert main(["import", str(SEED_XLSX), "-o", str(tmp_path / "u")]) == 2
    assert "perfrules[xlsx]" in capsys.readouterr().err
    assert main(["export", str(SEED_DIR), "--to", "xlsx", "-o", str(tmp_path / "f.xlsx")]) == 2
    assert "perfrules[xlsx]" in capsys.readouterr().err
    assert not (tmp_path / "f.xlsx").exists()


def test_export_narrative_with_stated_actuals(capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(Path(__file__).resolve().parent.parent / "examples" / "hunan-2024-general-office")
    assert main(["export", seed, "--to", "narrative"]) == 0
    computed = capsys.readouterr().out
    assert main(["export", seed, "--to", "narrative", "--stated-actuals"]) == 0
    stated = capsys.readouterr().out
    assert "实际完成值：85.39%" in computed and "实际完成值：85.4%，" not in computed
    assert "实际完成值：85.4%，" in stated and "实际完成值：85.39%" not in stated
