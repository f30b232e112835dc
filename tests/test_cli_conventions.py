"""Command-line conventions: exit codes, output paths, -V, the command list, help examples, names for
``explain``, ``--format json`` for ``check`` and ``test``, piped output that never hard-wraps prose."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED_DIR

from perfrules._version import __version__
from perfrules.cli import main
from perfrules.cli._main import COMMANDS
from perfrules.cli._parser import BATCH_ENGINES, EXPORT_FORMATS, build_parser


def _subcommands() -> dict[str, object]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return dict(action.choices)  # type: ignore[arg-type]


def test_every_command_has_an_implementation_and_examples() -> None:
    commands = _subcommands()
    assert set(commands) == set(COMMANDS)
    for name, sub in commands.items():
        help_text = sub.format_help()  # type: ignore[attr-defined]
        assert "examples:" in help_text or name in ("completion",), name
        assert "docs/" not in help_text, (
            f"{name} --help points at docs/*.md files a pip user does not have"
        )


def test_bare_perfrules_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert f"    {name} " in out, name
    assert "0 ok; 1 findings" in out and "3 internal error" in out


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([flag]) == 0
    assert capsys.readouterr().out.strip() == f"perfrules {__version__}"


def test_parser_constants_match_the_implementations() -> None:
    from perfrules.batch import ENGINES
    from perfrules.cli._parser import BUDGET_IDS
    from perfrules.report import to_html  # noqa: F401 - the export formats exist

    assert BATCH_ENGINES == ENGINES
    assert EXPORT_FORMATS == ("xlsx", "docx", "pdf", "md", "html", "narrative")
    assert BUDGET_IDS == ("budget_execution", "预算执行率")


# ---------------------------------------------------------------------------
# output paths


def test_an_output_in_a_missing_folder_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing_dir" / "x.json"
    assert main(["evaluate", str(SEED_DIR), "--format", "json", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "missing_dir" in err and "Traceback" not in err and not target.parent.exists()


def test_an_output_that_is_a_folder_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["export", str(SEED_DIR), "--to", "md", "-o", str(tmp_path)],
        ["evaluate", str(SEED_DIR), "-o", str(tmp_path)],
        ["template", "-o", str(tmp_path)],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "是文件夹" in err and "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_output_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["evaluate", str(SEED_DIR), "-o", str(locked / "x.txt")]) == 2
        err = capsys.readouterr().err
        assert str(locked) in err and "Traceback" not in err
    finally:
        locked.chmod(0o700)


def test_a_write_error_is_exit_2_with_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    import perfrules._atomic as atomic

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(
            errno.ENOSPC, "No space left on device"
        )  # as os.pwrite raises it: no file name

    monkeypatch.setattr(atomic.os, "pwrite", full)
    assert (
        main(["evaluate", str(SEED_DIR), "--format", "json", "-o", str(tmp_path / "x.json")]) == 2
    )
    err = capsys.readouterr().err
    assert "No space left on device" in err and "x.json" in err and "Traceback" not in err
    assert not (tmp_path / "x.json").exists() and not list(
        tmp_path.iterdir()
    )  # no temporary file either


def test_an_internal_error_is_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import perfrules.cli._commands as commands

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(commands, "evaluate", broken)
    assert main(["evaluate", str(SEED_DIR)]) == 3
    err = capsys.readouterr().err
    assert "内部错误" in err and "RuntimeError: a bug" in err


# ---------------------------------------------------------------------------
# explain by name, check and test as JSON


def test_explain_accepts_a_unique_chinese_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SEED_DIR), "志愿服务活动", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "volunteer_activities"
    assert (
        main(["explain", str(SEED_DIR), "参事", "--format", "json"]) == 0
    )  # a unique part of a name
    assert json.loads(capsys.readouterr().out)["id"] == "counsellor_proposals"


def test_explain_with_an_ambiguous_or_unknown_name_suggests_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", str(SEED_DIR), "满意度"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "与 2 个指标相符" in err and "hospital_satisfaction" in err and "请写指标编号" in err
    assert main(["explain", str(SEED_DIR), "志愿服务活懂"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "是否应为 “volunteer_activities”" in err


def test_check_format_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED_DIR), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is True and doc["spec"]["indicators"] == 19 and doc["problems"] == []
    bad = tmp_path / "spec.toml"
    bad.write_text(
        (SEED_DIR / "spec.toml").read_text(encoding="utf-8").replace("weight = 3", "wieght = 3", 1),
        encoding="utf-8",
    )
    assert main(["check", str(bad), "--format", "json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is False
    first = doc["problems"][0]
    assert first["code"] == "unknown-key" and first["suggestion"] == "weight" and first["line"] > 0
    assert first["message_zh"] and first["message"] and first["location"].startswith(str(bad))


def test_test_format_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = ROOT / "examples" / "hunan-2024-general-office" / "cases"
    assert main(["test", str(cases), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["failed"] == 0 and doc["passed"] == len(doc["cases"]) > 0
    unit = tmp_path / "unit"
    shutil.copytree(SEED_DIR, unit, ignore=shutil.ignore_patterns("*.xlsx"))
    case = unit / "cases" / "report-2024.case.toml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("total = 99", "total = 98", 1), encoding="utf-8"
    )
    assert main(["test", str(case), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    failed = [c for c in doc["cases"] if c["status"] == "failed"]
    assert failed and failed[0]["mismatches"][0]["kind"] == "total"
    assert (failed[0]["mismatches"][0]["expected"], failed[0]["mismatches"][0]["actual"]) == (
        "98",
        "99.00",
    )


# ---------------------------------------------------------------------------
# piped output


def test_piped_output_never_hard_wraps_prose(tmp_path: Path) -> None:
    long_name = "一个名称很长的指标" * 30
    spec = (SEED_DIR / "spec.toml").read_text(encoding="utf-8").replace("wieght", "weight")
    bad = tmp_path / "unit"
    bad.mkdir()
    (bad / "spec.toml").write_text(
        spec.replace("weight = 3", f'wieght = 3\nnote2 = "{long_name}"', 1), encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    res = subprocess.run(
        [sys.executable, "-m", "perfrules", "check", str(bad)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
    )
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    problem = [line for line in lines if "wieght" in line]
    assert len(problem) == 1 and "是否应为 “weight”" in problem[0], lines  # one problem, one line
    res = subprocess.run(
        [sys.executable, "-m", "perfrules", "explain", str(SEED_DIR), "预算执行率"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
    )
    rule = [line for line in res.stdout.splitlines() if "湘财绩〔2025〕2号" in line]
    assert len(rule) == 1 and rule[0].rstrip().endswith("得9分）。"), res.stdout
