"""Tier synonyms (issue 12, item 4): forms' words for the tiers, by default and declared.

Published forms write 达成预期指标, 已完成, 达标, 基本完成, 未完成 … where the spec's tiers are
named 达成年度指标 and so on. The default tiers know the common words; a spec or a framework
adds more in ``[tier_synonyms]`` without redeclaring the tiers; an unknown word is still a
located error with a did-you-mean, and a word may name only one tier.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import perfrules
from perfrules.model import DEFAULT_TIER_WORDS, DEFAULT_TIERS

SPEC = """\
[meta]
id = "words"
title = "档次用语"
unit = "单位"
year = 2024
kind = "项目支出"

[[categories]]
id = "c"
name = "效益指标"
weight = 100

[[indicators]]
id = "q"
name = "社会效益"
category = "c"
weight = 100
target_text = "有效提升"
"""


def _score(spec: perfrules.Spec, word: str) -> perfrules.IndicatorResult:
    actuals = perfrules.loads_actuals(f'[indicators]\nq = {{ tier = "{word}" }}\n', spec=spec)
    return perfrules.evaluate(spec, actuals).indicator("q")


@pytest.mark.parametrize(
    ("word", "tier", "score"),
    [
        ("达成预期指标", "达成年度指标", Decimal(100)),
        ("已完成", "达成年度指标", Decimal(100)),
        ("完成", "达成年度指标", Decimal(100)),
        ("达标", "达成年度指标", Decimal(100)),
        ("全部完成", "达成年度指标", Decimal(100)),
        ("基本完成", "部分达成年度指标并具有一定效果", Decimal("79.99")),
        ("部分完成", "部分达成年度指标并具有一定效果", Decimal("79.99")),
        ("未完成", "未达成年度指标且效果较差", Decimal("59.99")),  # the top of a tier open above
    ],
)
def test_the_default_tiers_know_the_forms_words(word: str, tier: str, score: Decimal) -> None:
    res = _score(perfrules.loads_spec(SPEC), word)
    assert (res.tier, res.score) == (tier, score)


def test_every_default_word_names_exactly_one_default_tier() -> None:
    words = [w for ws in DEFAULT_TIER_WORDS.values() for w in ws]
    assert len(words) == len(set(words))
    assert {t.name: t.aliases for t in DEFAULT_TIERS} == DEFAULT_TIER_WORDS


def test_a_spec_adds_synonyms_without_redeclaring_tiers() -> None:
    spec = perfrules.loads_spec(SPEC + '\n[tier_synonyms]\n"达成年度指标" = ["圆满完成"]\n')
    assert spec.tiers == DEFAULT_TIERS
    assert _score(spec, "圆满完成").tier == "达成年度指标"
    again = perfrules.loads_spec(perfrules.dumps_spec(spec))  # written back and read again
    assert again == spec and again.tier("圆满完成").name == "达成年度指标"


def test_synonyms_name_declared_tiers_too() -> None:
    tiers = """
[[tiers]]
name = "A"
min = 1
max = 1
max_inclusive = true

[[tiers]]
name = "B"
min = 0
max = 1

[tier_synonyms]
A = ["优秀"]
B = ["一般"]
"""
    spec = perfrules.loads_spec(SPEC + tiers)
    assert (_score(spec, "优秀").tier, _score(spec, "优秀").score) == ("A", Decimal(100))
    assert _score(spec, "一般").tier == "B"
    with pytest.raises(perfrules.SpecError):  # the default words belong to the default tiers
        _score(spec, "已完成")


def test_an_unknown_word_is_located_with_a_did_you_mean() -> None:
    spec = perfrules.loads_spec(SPEC + '\n[tier_synonyms]\n"达成年度指标" = ["圆满完成"]\n')
    with pytest.raises(perfrules.SpecError) as info:
        perfrules.loads_actuals('[indicators]\nq = { tier = "圆满完层" }\n', spec=spec)
    (problem,) = info.value.problems
    assert problem.code == "unknown-tier" and problem.suggestion == "圆满完成"
    assert (problem.line, problem.path) == (2, ("indicators", "q", "tier"))


@pytest.mark.parametrize(
    ("table", "code", "words"),
    [
        ('"达成年度指" = ["圆满完成"]', "unknown-tier", "达成年度指标"),
        ('"达成年度指标" = ["基本完成"]', "duplicate-id", "部分达成年度指标并具有一定效果"),
        (
            '"达成年度指标" = ["好"]\n"未达成年度指标且效果较差" = ["好"]',
            "duplicate-id",
            "达成年度指标",
        ),
        ('"达成年度指标" = ["圆满完成", 3]', "invalid-value", "字符串"),
        ('"达成年度指标" = "圆满完成"', "invalid-value", "数组"),
    ],
)
def test_bad_synonyms_are_located_errors(tmp_path: Path, table: str, code: str, words: str) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC + "\n[tier_synonyms]\n" + table + "\n", encoding="utf-8")
    with pytest.raises(perfrules.SpecError) as info:
        perfrules.load_spec(path)
    (problem,) = info.value.problems
    assert problem.code == code
    assert words in problem.message_zh or words == problem.suggestion
    assert problem.file is not None and problem.file.endswith("spec.toml")
    assert problem.line is not None and problem.line >= 20
    assert problem.path[0] == "tier_synonyms"


def test_a_framework_and_a_spec_add_words_key_by_key(tmp_path: Path) -> None:
    (tmp_path / "fw.toml").write_text(
        '[framework]\nid = "fw"\ntitle = "框架"\n\n[tier_synonyms]\n"达成年度指标" = ["圆满完成"]\n',
        encoding="utf-8",
    )
    unit = (
        'extends = "fw.toml"\n' + SPEC + '\n[tier_synonyms]\n"未达成年度指标且效果较差" = ["差"]\n'
    )
    (tmp_path / "spec.toml").write_text(unit, encoding="utf-8")
    spec = perfrules.load_spec(tmp_path / "spec.toml")
    assert spec.tier("圆满完成").name == "达成年度指标"
    assert spec.tier("差").name == "未达成年度指标且效果较差"
