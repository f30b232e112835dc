"""A file saved as GBK (Chinese Windows' default) gets one located ``encoding`` problem with a re-save hint.

Lines and columns are computed from the input text, never copied from perfrules' output.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import perfrules
from perfrules import SpecError
from perfrules.cli import main
from perfrules.golden import load_case_file

SPEC = """\
[meta]
id = "demo"
title = "测试项目"
unit = "测试单位"
year = 2024
kind = "项目支出"

[[categories]]
id = "output"
name = "产出指标"
weight = 100

[[indicators]]
id = "issues"
name = "期数"
category = "output"
weight = 100
target = "≥400期"
"""

ACTUALS = """\
spec = "demo"
year = 2024
label = "2024年度自评"

[indicators]
issues = 408
"""


def _position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column (in characters) of the first ``needle`` in ``text``."""
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _first_non_ascii(text: str) -> str:
    return next(ch for ch in text if ord(ch) > 0x7F)


def _only(err: SpecError) -> perfrules.Problem:
    assert len(err.problems) == 1, [str(p) for p in err.problems]
    return err.problems[0]


def test_the_utf8_spec_loads(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(SPEC, encoding="utf-8")
    assert perfrules.load_spec(tmp_path).meta.id == "demo"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "gb2312"])
def test_a_gbk_spec_gets_one_located_problem_with_the_hint(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "spec.toml"
    path.write_bytes(SPEC.encode(encoding))
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(path)
    p = _only(err.value)
    assert p.code == "encoding"
    assert p.severity is perfrules.Severity.ERROR
    assert p.file == str(path)
    assert (p.line, p.column) == _position(SPEC, _first_non_ascii(SPEC))
    assert "GBK" in p.message and "UTF-8" in p.message
    assert "文件似乎是 GBK 编码" in p.message_zh
    assert "另存" in p.message_zh and "记事本" in p.message_zh and "VS Code" in p.message_zh
    assert "测试项目" in p.message_zh  # the text at the bad byte, read as GBK
    assert "iconv -f GBK -t UTF-8" in p.message
    assert str(p).startswith(f"{path}:{p.line}:{p.column}: ")


def test_the_column_counts_characters_before_the_bad_byte(tmp_path: Path) -> None:
    """UTF-8 Chinese before the GBK part of a line counts as one column per character."""
    text = 'title = "注释"  # 测试\n'
    raw = 'title = "注释"  # '.encode() + "测试\n".encode("gbk")  # 测 is b"\xb2\xe2": never UTF-8
    path = tmp_path / "spec.toml"
    path.write_bytes(raw)
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(path)
    p = _only(err.value)
    assert (p.line, p.column) == _position(text, "测试")


def test_a_bom_before_the_first_line_is_not_a_column(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_bytes(codecs.BOM_UTF8 + b"\xff = 1\n")
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(path)
    p = _only(err.value)
    assert (p.line, p.column) == (1, 1)
    assert "byte 3" in p.message  # the offset in the file, the BOM counted


def test_bytes_that_are_not_gbk_get_the_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_bytes(b'[meta]\nid = "\xff"\n')
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(path)
    p = _only(err.value)
    assert (p.code, p.line, p.column) == ("encoding", 2, len('id = "') + 1)
    assert "GBK" not in p.message and "GBK" not in p.message_zh
    assert "UTF-8" in p.message_zh


def test_latin1_is_not_taken_for_gbk(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_bytes('title = "café"\n'.encode("latin-1"))
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(path)
    assert "GBK" not in _only(err.value).message


def test_utf16_gets_its_own_hint(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_bytes(SPEC.encode("utf-16"))  # with a byte order mark, as Notepad's "Unicode" saves
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(path)
    p = _only(err.value)
    assert (p.line, p.column) == (1, 1)
    assert "UTF-16" in p.message and "UTF-16" in p.message_zh and "另存" in p.message_zh


def test_a_gbk_actuals_file(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "actuals.toml").write_bytes(ACTUALS.encode("gbk"))
    with pytest.raises(SpecError) as err:
        perfrules.load_example(tmp_path)
    p = _only(err.value)
    assert p.code == "encoding" and p.file == str(tmp_path / "actuals.toml")
    assert (p.line, p.column) == _position(ACTUALS, _first_non_ascii(ACTUALS))
    assert "GBK" in p.message


def test_a_gbk_framework(tmp_path: Path) -> None:
    framework = SPEC.replace("[meta]", '[framework]\nid = "base"\n\n[meta]', 1)
    (tmp_path / "base.toml").write_bytes(framework.encode("gbk"))
    (tmp_path / "spec.toml").write_text('extends = "base.toml"\n', encoding="utf-8")
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(tmp_path / "spec.toml")
    encoding = [p for p in err.value.problems if p.code == "encoding"]
    assert len(encoding) == 1, [str(p) for p in err.value.problems]
    assert "GBK" in encoding[0].message
    assert encoding[0].line == _position(framework, _first_non_ascii(framework))[0]


def test_a_gbk_case_file(tmp_path: Path) -> None:
    case = '# 黄金用例\n[[cases]]\nname = "示例"\n'
    path = tmp_path / "demo.case.toml"
    path.write_bytes(case.encode("gbk"))
    with pytest.raises(SpecError) as err:
        load_case_file(path)
    p = _only(err.value)
    assert p.code == "encoding" and (p.line, p.column) == (1, 3)
    assert "GBK" in p.message


def test_cli_check_exits_2_with_the_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spec.toml"
    path.write_bytes(SPEC.encode("gbk"))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    flat = "".join(err.split())
    assert "GBK" in err and "UTF-8" in err
    assert "另存" in flat
    line, column = _position(SPEC, _first_non_ascii(SPEC))
    assert f":{line}:{column}" in flat
    assert "Traceback" not in err


def test_cli_check_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "spec.toml").write_bytes(SPEC.encode("gbk"))
    assert main(["check", str(tmp_path), "--lang", "en"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "looks GBK-encoded" in err and "Save with Encoding" in err
    assert "Traceback" not in err
