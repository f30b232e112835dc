"""Targets written in words (不低于90%, 90%以上) get a located error whose did-you-mean is the sign form.

Expected lines and columns are computed from the input text (:func:`conftest.line_of`,
:func:`conftest.column_of`), never copied from perfrules' output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import column_of, line_of

import perfrules
from perfrules import SpecError
from perfrules.cli import main
from perfrules.model import Comparator
from perfrules.model._target import read_wording

SPEC = """\
[meta]
id = "demo"
title = "测试项目"
unit = "测试单位"
year = 2024
kind = "项目支出"

[budget_execution]
weight = 10

[[categories]]
id = "output"
name = "产出指标"
weight = 60

[[categories]]
id = "benefit"
name = "效益指标"
weight = 30

[[indicators]]
id = "books"
name = "图书采购数量"
category = "output"
weight = 20
target = "≥5000册"

[[indicators]]
id = "cost_rate"
name = "成本控制率"
category = "output"
weight = 20
target = "≤100%"

[[indicators]]
id = "timeliness"
name = "时效"
category = "output"
weight = 20
target_text = "按规定时限办结"

[[indicators]]
id = "satisfaction"
name = "满意度"
category = "benefit"
weight = 30
target = "≥90%"
"""

SATISFACTION = 'target = "≥90%"'


def _errors(text: str) -> list[perfrules.Problem]:
    with pytest.raises(SpecError) as err:
        perfrules.loads_spec(text, file="spec.toml")
    return list(err.value.problems)


def _one(text: str) -> perfrules.Problem:
    problems = _errors(text)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_base_spec_loads() -> None:
    assert len(perfrules.loads_spec(SPEC).indicators) == 4


# ------------------------------------------------------------------ reading


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("不低于90%", "≥90%"),
        ("不少于5000册", "≥5000册"),
        ("不小于3个", "≥3个"),
        ("至少4次", "≥4次"),
        ("大于等于95%", "≥95%"),
        ("大于或等于95%", "≥95%"),
        ("达到100%", "≥100%"),
        ("不高于100%", "≤100%"),
        ("不超过5件", "≤5件"),
        ("不多于2次", "≤2次"),
        ("不大于3天", "≤3天"),
        ("小于等于3天", "≤3天"),
        ("控制在100%以内", "≤100%"),
        ("控制在5%", "≤5%"),
        ("最多3次", "≤3次"),
        ("大于0次", ">0次"),
        ("超过3次", ">3次"),
        ("高于80%", ">80%"),
        ("低于5%", "<5%"),
        ("少于2起", "<2起"),
        ("小于1%", "<1%"),
        ("不足3次", "<3次"),
        ("等于24期", "=24期"),
        ("90%以上", "≥90%"),
        ("90%及以上", "≥90%"),
        ("90%（含）以上", "≥90%"),
        ("在90%以上", "≥90%"),
        ("5000册以上", "≥5000册"),
        ("100%以内", "≤100%"),
        ("3天之内", "≤3天"),
        ("5件以下", "≤5件"),
        ("5件及以下", "≤5件"),
        ("≥90%以上", "≥90%"),
        ("≤100%以内", "≤100%"),
        (">=90%以上", "≥90%"),
        ("至少3次以上", "≥3次"),
        ("不低于 90 %", "≥90%"),
        ("不低于２.5万条", "≥2.5万条"),
        ("90以上", "≥90"),
    ],
)
def test_wording_reads_as_the_sign(written: str, meant: str) -> None:
    wording = read_wording(written)
    assert wording is not None
    assert wording.suggestion == meant


@pytest.mark.parametrize(
    "text",
    [
        "≥90%",
        ">=90%",
        "≤100%",
        "=24期",
        "24期",
        "400",
        "> 3次",  # the compact form
        "按规定时限办结",
        "推进公共机构节能工作",
        "不低于上年水平",
        "达到预期效果",
        "控制在预算以内",  # no number
        "在90%",  # a filler alone states no comparison
        "不少于1,000册",  # not a plain number, whatever the words
    ],
)
def test_no_wording(text: str) -> None:
    assert read_wording(text) is None


@pytest.mark.parametrize("text", ["≥90%以下", "超过90%以上", "不低于90%以内", "<5%以上"])
def test_contradicting_words_have_no_suggestion(text: str) -> None:
    wording = read_wording(text)
    assert wording is not None and wording.target is None and wording.suggestion is None


def test_the_reading_keeps_comparator_number_and_unit() -> None:
    wording = read_wording("不少于2.5万条")
    assert wording is not None and wording.target is not None
    assert wording.target.comparator is Comparator.GE
    assert str(wording.target.value) == "2.5" and wording.target.unit == "万条"
    assert wording.words == ("不少于",)


# ------------------------------------------------------------------ loading


@pytest.mark.parametrize(
    ("written", "meant", "word", "sign"),
    [
        ("不低于90%", "≥90%", "不低于", "≥"),
        ("90%以上", "≥90%", "以上", "≥"),
        ("100%以内", "≤100%", "以内", "≤"),
        ("超过85%", ">85%", "超过", ">"),
        ("低于95%", "<95%", "低于", "<"),
    ],
)
def test_a_worded_target_is_a_located_error_with_the_sign_form(
    written: str, meant: str, word: str, sign: str
) -> None:
    text = SPEC.replace(SATISFACTION, f'target = "{written}"')
    p = _one(text)
    assert p.code == "invalid-value"
    assert p.severity is perfrules.Severity.ERROR
    assert p.path == ("indicators", 3, "target")
    assert (p.file, p.line, p.column) == (
        "spec.toml",
        line_of(text, written),
        column_of(text, f'target = "{written}"'),
    )
    assert p.suggestion == meant
    assert f"({word} means {sign}" in p.message
    assert f"“{word}”即“{sign}”" in p.message_zh
    assert f"did you mean '{meant}'?" in p.text("en")
    assert f"是否应为 “{meant}”" in p.text("zh")
    # the suggestion is a target that loads
    assert (
        perfrules.loads_spec(SPEC.replace(SATISFACTION, f'target = "{meant}"')).indicators[3].target
        is not None
    )


def test_the_books_example_from_the_issue() -> None:
    text = SPEC.replace('target = "≥5000册"', 'target = "不少于5000册"')
    p = _one(text)
    assert p.suggestion == "≥5000册"
    assert p.path == ("indicators", 0, "target")
    assert p.line == line_of(text, "不少于5000册")


def test_a_trailing_word_no_longer_loads_as_part_of_the_unit() -> None:
    """ "100%以内" used to load silently as the exact target =100 with the unit "%以内"."""
    text = SPEC.replace('target = "≤100%"', 'target = "100%以内"')
    p = _one(text)
    assert p.suggestion == "≤100%"
    assert "the number included" in p.message and "含本数" in p.message_zh


def test_contradicting_words_are_an_error_without_suggestion() -> None:
    text = SPEC.replace(SATISFACTION, 'target = "≥90%以下"')
    p = _one(text)
    assert p.code == "invalid-value" and p.suggestion is None
    assert "disagree" in p.message and "the sign ≥" in p.message
    assert "相互矛盾" in p.message_zh


def test_every_worded_target_is_reported_at_once() -> None:
    text = SPEC.replace(SATISFACTION, 'target = "不低于90%"').replace(
        'target = "≥5000册"', 'target = "5000册以上"'
    )
    problems = _errors(text)
    assert sorted((p.path, p.suggestion) for p in problems) == [
        (("indicators", 0, "target"), "≥5000册"),
        (("indicators", 3, "target"), "≥90%"),
    ]


def test_other_wording_keeps_the_plain_message() -> None:
    text = SPEC.replace(SATISFACTION, 'target = "满意度不低于90%"')
    p = _one(text)
    assert p.code == "invalid-value" and p.suggestion is None
    assert "cannot read target" in p.message


@pytest.mark.parametrize(
    "wording",
    ["按规定时限办结", "推进公共机构节能工作", "不低于90%", "90%以上", "满意度达到95%以上"],
)
def test_target_text_is_free_wording(wording: str) -> None:
    """A qualitative indicator's target_text may say anything; only ``target`` is read as a target."""
    spec = perfrules.loads_spec(
        SPEC.replace('target_text = "按规定时限办结"', f'target_text = "{wording}"')
    )
    assert spec.indicators[2].target is None and spec.indicators[2].target_text == wording


def test_wording_beside_a_symbolic_target_is_fine() -> None:
    spec = perfrules.loads_spec(
        SPEC.replace(SATISFACTION, f'{SATISFACTION}\ntarget_text = "不低于90%"')
    )
    assert str(spec.indicators[3].target) == "≥90%"


def test_table_form_comparator_word() -> None:
    written = 'target = { comparator = "不低于", value = 90, unit = "%" }'
    text = SPEC.replace(SATISFACTION, written)
    p = _one(text)
    assert p.code == "invalid-value"
    assert p.path == ("indicators", 3, "target", "comparator")
    assert (p.line, p.column) == (line_of(text, written), column_of(text, "comparator ="))
    assert p.suggestion == "≥"


def test_table_form_unit_with_a_trailing_word() -> None:
    written = 'target = { comparator = "≥", value = 90, unit = "%以上" }'
    text = SPEC.replace(SATISFACTION, written)
    p = _one(text)
    assert p.path == ("indicators", 3, "target", "unit")
    assert (p.line, p.column) == (line_of(text, written), column_of(text, 'unit = "%以上"'))
    assert p.suggestion == "%"


def test_table_form_reports_the_word_and_the_other_problems() -> None:
    text = SPEC.replace(
        SATISFACTION, 'target = { comparator = "不低于", value = "90", unit = "%" }'
    )
    problems = _errors(text)
    assert sorted(p.path[-1] for p in problems) == ["comparator", "value"]


def test_a_framework_target_in_words_is_located_in_the_framework(tmp_path: Path) -> None:
    framework = tmp_path / "base.toml"
    framework.write_text(
        SPEC.replace(SATISFACTION, 'target = "不低于90%"').replace(
            "[meta]", '[framework]\nid = "base"\n\n[meta]', 1
        ),
        encoding="utf-8",
    )
    unit = tmp_path / "spec.toml"
    unit.write_text('extends = "base.toml"\n', encoding="utf-8")
    with pytest.raises(SpecError) as err:
        perfrules.load_spec(unit)
    worded = [p for p in err.value.problems if p.suggestion == "≥90%"]
    assert len(worded) == 1, [str(p) for p in err.value.problems]
    assert worded[0].file == str(framework)
    assert worded[0].line == line_of(framework.read_text(encoding="utf-8"), "不低于90%")


# ------------------------------------------------------------------ command line


def test_cli_check_exits_2_and_prints_the_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spec.toml"
    text = SPEC.replace(SATISFACTION, 'target = "不低于90%"')
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "≥90%" in err and "不低于" in err
    assert f"{line_of(text, '不低于90%')}:" in err
    assert "Traceback" not in err


def test_cli_check_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.replace('target = "≥5000册"', 'target = "不少于5000册"'), encoding="utf-8")
    assert main(["check", str(path), "--lang", "en"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "did you mean '≥5000册'?" in err
    assert "Traceback" not in err
