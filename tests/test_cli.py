"""The command line: outputs, exit codes, located errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "hunan-2024-general-office"


def test_evaluate_json_gives_the_seed_result(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SEED), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["total"] == "99"
    assert doc["grade"] == "优"
    assert doc["budget_execution"]["score"] == "9"
    assert doc["budget_execution"]["rate_display"] == "94.48%"


def test_evaluate_table_mirrors_the_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SEED), "--width", "200"]) == 0
    out = capsys.readouterr().out
    for text in (
        "产出指标",
        "预算执行率",
        "94.48%",
        "扣1分",
        "总分 99 分",
        "等级：优",
        "参事",
        "远超指标值",
    ):
        assert text in out


def test_evaluate_table_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SEED), "--lang", "en", "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "Total 99 of 100 (1 deducted), grade 优" in out
    assert "1 point(s) deducted" in out


def test_evaluate_with_explicit_files_and_output(tmp_path: Path) -> None:
    out = tmp_path / "ev.json"
    code = main(
        [
            "evaluate",
            str(SEED / "spec.toml"),
            str(SEED / "actuals.toml"),
            "--format",
            "json",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["total"] == "99"


def test_explain_shows_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SEED), "budget_execution", "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "31092.65 ÷ 32909.2" in out
    assert "9.448011 → 9" in out
    assert "湘财绩〔2025〕2号" in out


def test_explain_json_of_one_indicator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SEED), "three_public_control", "--format", "json"]) == 0
    item = json.loads(capsys.readouterr().out)
    assert item["actual"] == "85.39%"
    # 702.8 / 823 × 100 has no finite decimal expansion: the document keeps it exact as p/q
    assert item["actual_value"] == "70280/823"
    assert item["score"] == "5"


def test_explain_unknown_indicator_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SEED), "counselor_proposals"]) == 2
    err = capsys.readouterr().err
    assert "counsellor_proposals" in err


def test_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED)]) == 0
    assert "19" in capsys.readouterr().out


def test_check_misspelled_key_exit_2_with_line_and_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (SEED / "spec.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    target = next(i for i, ln in enumerate(lines) if ln.startswith("weight = 3"))
    lines[target] = "wieght = 3"
    bad = tmp_path / "spec.toml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["check", str(bad), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"spec.toml:{target + 1}:1" in err
    assert "did you mean 'weight'?" in err
    assert "[unknown-key]" in err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate"]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["evaluate", str(SEED), "--format", "xml"]) == 2


def test_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml" in capsys.readouterr().err


def test_folder_without_actuals_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(SEED / "spec.toml", tmp_path / "spec.toml")
    assert main(["check", str(tmp_path)]) == 0  # a spec alone can be checked
    assert main(["evaluate", str(tmp_path)]) == 2
    assert "actuals.toml" in capsys.readouterr().err


def test_version() -> None:
    assert main(["--version"]) == 0


def test_console_script_runs_as_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "perfrules", "evaluate", str(SEED), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["grade"] == "优"
