"""The semantic checks' messages (perfrules/core/_validate.py) from the message table: the texts
where the two languages differ in more than words (issue 11, item 7).

A field such as ``{indicator}`` is the id in English and the name in Chinese; a list is joined
in each language's way; some English names a thing the Chinese names differently (a tier with its
score range, an amount with its role, the method of a target-less indicator). These texts are the
ones the checks wrote inline before they moved into the table, byte for byte.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import perfrules
from perfrules.core import validate_actuals, validate_spec
from perfrules.model import (
    Amount,
    Category,
    Derivation,
    IndicatorActual,
    Ratio,
    Spec,
    StatedWords,
)

ROOT = Path(perfrules.__file__).parent.parent
SEED = ROOT / "examples" / "hunan-2024-general-office"
GOALS = ROOT / "examples" / "goal-blocks-demo"


@pytest.fixture(scope="module")
def seed() -> tuple[Spec, perfrules.Actuals]:
    spec = perfrules.load_spec(SEED / "spec.toml")
    return attrs.evolve(spec, source=None), perfrules.load_actuals(SEED / "actuals.toml")


def _texts(problems: list[perfrules.Problem], code: str) -> list[tuple[str, str]]:
    return [(p.message, p.message_zh) for p in problems if p.code == code]


def _with_goal(spec: Spec, index: int) -> Spec:
    """``spec`` with its ``index``-th top category (only) a goal block."""
    top = [c for c in spec.categories if c.parent is None][index]
    return attrs.evolve(
        spec,
        categories=tuple(attrs.evolve(c, goal=True) if c is top else c for c in spec.categories),
    )


def test_goal_blocks_on_some_top_categories_name_both_in_each_language(
    seed: tuple[Spec, perfrules.Actuals],
) -> None:
    spec, _ = seed
    rest = "either every top category is a 年度绩效目标 block (goal = true) or none is"
    rest_zh = "最上层类别须全部标为目标（goal = true）或全不标"
    assert _texts(validate_spec(_with_goal(spec, 0)), "category-goal")[0] == (
        f"top category 'benefit' is not a goal block but 'output' is: {rest}",
        f"最上层类别“效益指标”不是年度绩效目标，而“产出指标”是：{rest_zh}",
    )
    assert _texts(validate_spec(_with_goal(spec, 1)), "category-goal") == [
        (
            f"top category 'benefit' is a goal block but 'output' is not: {rest}",
            f"最上层类别“效益指标”是年度绩效目标，而“产出指标”不是：{rest_zh}",
        )
    ]


def test_a_total_names_its_parts_with_and_without_budget_execution(
    seed: tuple[Spec, perfrules.Actuals],
) -> None:
    spec, _ = seed
    tail = "(declare meta.total if intended)"
    tail_zh = "（如确需其他总分，请在 meta.total 声明）"
    off = attrs.evolve(spec, meta=attrs.evolve(spec.meta, total=Decimal(90)))
    assert _texts(validate_spec(off), "total") == [
        (
            f"一级 categories and budget execution add up to 100, not the declared total 90 {tail}",
            f"一级指标及预算执行率分值合计100分，与总分90分不符{tail_zh}",
        )
    ]
    assert _texts(validate_spec(attrs.evolve(spec, budget_execution=None)), "total") == [
        (
            f"一级 categories add up to 90, not the declared total 100 {tail}",
            f"一级指标分值合计90分，与总分100分不符{tail_zh}",
        )
    ]
    goals = perfrules.load_spec(GOALS / "spec.toml")
    goals = attrs.evolve(goals, meta=attrs.evolve(goals.meta, total=Decimal(90)))
    assert _texts(validate_spec(goals), "total") == [
        (
            f"goal blocks and budget execution add up to 100, not the declared total 90 {tail}",
            f"各年度绩效目标及预算执行率分值合计100分，与总分90分不符{tail_zh}",
        )
    ]


def test_an_empty_category_names_the_levels_below_it_in_chinese(
    seed: tuple[Spec, perfrules.Actuals],
) -> None:
    spec, _ = seed
    empty = Category(id="empty", name="空类", weight=Decimal(5))
    assert _texts(
        validate_spec(attrs.evolve(spec, categories=(*spec.categories, empty))), "empty-category"
    ) == [
        (
            "category 'empty' has no sub-categories and no indicators",
            "类别“空类”下既无二级指标也无三级指标",
        )
    ]
    lowest = (
        Category(id="d1", name="深一", weight=Decimal(1), parent="output"),
        Category(id="d2", name="深二", weight=Decimal(1), parent="d1"),
    )
    assert _texts(
        validate_spec(attrs.evolve(spec, categories=(*spec.categories, *lowest))), "empty-category"
    ) == [("category 'd2' has no sub-categories and no indicators", "类别“深二”下没有四级指标")]


def test_a_target_less_indicator_names_its_method_in_english_only(
    seed: tuple[Spec, perfrules.Actuals],
) -> None:
    spec, _ = seed
    inds = list(spec.indicators)
    inds[0] = attrs.evolve(inds[0], target=None, target_text="文字", method=Ratio())
    assert _texts(validate_spec(attrs.evolve(spec, indicators=tuple(inds))), "method-target") == [
        (
            "indicator 'portal_updates' uses method 'ratio' but has no quantitative target",
            "指标“省政府门户网站全年信息更新量”采用定量计分，但没有定量指标值（如“≥400期”）",
        )
    ]


def test_a_tier_without_a_score_on_the_grid_shows_its_range_in_english(
    seed: tuple[Spec, perfrules.Actuals],
) -> None:
    spec, _ = seed
    inds = list(spec.indicators)
    i = next(i for i, ind in enumerate(inds) if ind.id == "info_adoption")
    inds[i] = attrs.evolve(inds[i], weight=Decimal(1))
    coarse = attrs.evolve(
        spec,
        indicators=tuple(inds),
        rounding=attrs.evolve(spec.rounding, score=Decimal(1)),
    )
    assert _texts(validate_spec(coarse), "tier-precision") == [
        (
            "indicator 'info_adoption': with weight 1 no score at the quantum 1 lies in tier "
            "'部分达成年度指标并具有一定效果' [0.6, 0.8); raise the weight or use a finer "
            "rounding.score",
            "指标“报送政务信息采用情况”：分值1分时，按1分精度，档次“部分达成年度指标并具有一定效果”的"
            "区间内没有可取的分数；请调整分值或 rounding.score",
        )
    ]


def _with_actual(actuals: perfrules.Actuals, act: IndicatorActual) -> perfrules.Actuals:
    others = tuple(a for a in actuals.indicators if a.id != act.id)
    return attrs.evolve(actuals, indicators=(*others, act))


def test_actuals_messages_join_lists_and_name_amounts_in_each_language(
    seed: tuple[Spec, perfrules.Actuals],
) -> None:
    spec, actuals = seed
    # the tiers to choose from: " / " in English, "／" in Chinese
    qualitative = _with_actual(actuals, IndicatorActual(id="info_adoption", value=Decimal(3)))
    assert _texts(validate_actuals(spec, qualitative), "missing-actual") == [
        (
            "indicator 'info_adoption' is qualitative and needs a tier: 达成年度指标 / "
            "部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差",
            "指标“报送政务信息采用情况”为定性指标，须填写档次：达成年度指标／"
            "部分达成年度指标并具有一定效果／未达成年度指标且效果较差",
        )
    ]
    # no declared word of a kind: "—" in English, "无" in Chinese
    words = attrs.evolve(spec, stated=StatedWords(met=(), not_met=("未完成",)))
    stated = _with_actual(
        actuals, IndicatorActual(id="portal_updates", stated="完成了", evidence="验收报告")
    )
    assert _texts(validate_actuals(words, stated), "stated-actual") == [
        (
            "indicator 'portal_updates': '完成了' is not a declared stated word "
            "(met: —; not met: 未完成)",
            "指标“省政府门户网站全年信息更新量”：“完成了”不是规范 [stated] 声明的词语"
            "（完成：无；未完成：未完成）",
        )
    ]
    # an amount: by its name in English, by its label (when it has one) in Chinese
    negative = attrs.evolve(
        actuals,
        amounts=(
            *actuals.amounts,
            Amount(name="neg1", value=Decimal("-1.5")),
            Amount(name="neg2", value=Decimal(-2), label="负数金额"),
        ),
    )
    assert _texts(validate_actuals(spec, negative), "negative") == [
        ("amount 'neg1' is negative (-1.5)", "金额“neg1”为负数（-1.5）"),
        ("amount 'neg2' is negative (-2)", "金额“负数金额”为负数（-2）"),
    ]
    # a missing amount: with its role in English
    inds = list(spec.indicators)
    inds[0] = attrs.evolve(
        inds[0],
        derive=Derivation(numerator="num_amt", denominator="den_amt"),
        target=attrs.evolve(inds[0].target, unit="%") if inds[0].target else None,
    )
    derived = attrs.evolve(spec, indicators=tuple(inds))
    typed = _with_actual(actuals, IndicatorActual(id="portal_updates", value=Decimal(5)))
    problems = validate_actuals(derived, typed)
    assert _texts(problems, "derived-value") == [
        (
            "indicator 'portal_updates' is computed from amounts (num_amt / den_amt); do not "
            "type its value in",
            "指标“省政府门户网站全年信息更新量”由金额计算得出（num_amt ÷ den_amt），不应填写 value",
        )
    ]
    assert _texts(problems, "missing-amount") == [
        (
            f"indicator 'portal_updates' needs amount {name!r} ({role}), which the actuals do "
            "not give",
            f"指标“省政府门户网站全年信息更新量”需要金额“{name}”，实际完成值文件 [amounts] 中没有",
        )
        for name, role in (("num_amt", "numerator"), ("den_amt", "denominator"))
    ]


def test_category_depth_text_states_the_model_limit() -> None:
    """The depth message spells the limit out (三层 / 3 levels): it must change with the model's."""
    from perfrules._messages import MESSAGES
    from perfrules.model import MAX_CATEGORY_LEVELS

    words = {3: "三层"}
    en, zh = MESSAGES["category-depth"]
    assert f"at most {MAX_CATEGORY_LEVELS} levels" in en
    assert f"至多{words[MAX_CATEGORY_LEVELS]}" in zh
