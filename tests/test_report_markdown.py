"""The Markdown audit trail: header, total, tables, losses, warnings, every step and its rule."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import perfrules
from perfrules.core._exact import show_dec
from perfrules.report import to_markdown
from perfrules.report._markdown import md_escape

ROOT = Path(__file__).resolve().parent.parent


def _evaluate(example: str) -> perfrules.Evaluation:
    spec, actuals = perfrules.load_example(ROOT / "examples" / example)
    return perfrules.evaluate(spec, actuals)


@pytest.fixture(scope="module")
def seed() -> perfrules.Evaluation:
    return _evaluate("hunan-2024-general-office")


@pytest.fixture(scope="module")
def catalogue() -> perfrules.Evaluation:
    return _evaluate("catalogue-demo")


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def test_header_names_unit_year_spec_framework_and_basis(seed: perfrules.Evaluation) -> None:
    md = to_markdown(seed)
    assert md.startswith("# 2024年度湖南省人民政府办公厅部门整体支出绩效自评\n")
    assert "单位：湖南省人民政府办公厅 · 年度：2024年 · 类型：部门整体支出" in md
    assert "- 规范：hunan-2024-general-office" in md
    assert f"- 规范摘要（SHA-256）：{seed.spec_sha256}" in md
    assert (
        "- 框架：湖南省省级部门整体支出绩效自评框架（hunan-department，版本 2024–，specs/hunan-department.toml）"
        in md
    )
    assert (
        "- 依据：《湖南省财政厅关于开展2024年度省级预算部门绩效自评和部门评价的通知》（湘财绩〔2025〕2号）"
        in md
    )
    assert "- 实际数据：2024年度自评（2025年4月18日报告）" in md


def test_total_grade_and_how(seed: perfrules.Evaluation) -> None:
    md = to_markdown(seed)
    assert "**总分 99 分（满分 100 分，扣 1 分），等级：优**" in md
    assert "- 总分 = 产出指标50 + 效益指标30 + 满意度指标10 + 预算执行率9 = 99" in md
    assert "- 总分99分 ≥ 90分，等级为“优”（等级线：优≥90、良≥80、中≥60、差≥0）" in md


def test_budget_row_and_loss_table(seed: perfrules.Evaluation) -> None:
    md = to_markdown(seed)
    assert "**（一）预算执行率（分值10分，得9分，扣1分）**" in md
    assert (
        _row(
            "**预算执行率**",
            " ",
            "**32909.2**",
            "**31092.65**",
            "**10**",
            "**94.48%**",
            "**9**",
            "**1**",
            "**预算执行率94.48%，未达到100%，按执行率×分值四舍五入取整计分，扣1分**",
        )
        in md
    )
    assert _row("基本支出", " ", "20564.9", "20470.39", " ", "99.54%", " ", " ", " ") in md
    # points lost by category: the chart's data
    assert _row("预算执行率", "10", "9", "1") in md
    assert _row("产出指标", "50", "50", "0") in md


def test_one_table_per_category_with_every_indicator(seed: perfrules.Evaluation) -> None:
    md = to_markdown(seed)
    for heading in (
        "### （二）产出指标（分值50分，得50分，未扣分）",
        "### （三）效益指标（分值30分，得30分，未扣分）",
        "### （四）满意度指标（分值10分，得10分，未扣分）",
    ):
        assert heading in md
    assert (
        md.count(
            "| 二级指标 | 三级指标 | 分值 | 年度指标值 | 实际完成值 | 得分 | 扣分 | 扣分原因 |"
        )
        == 3
    )
    assert _row("数量指标", " ", "20", " ", " ", "20", "0", "小计，未扣分") in md
    for r in seed.indicators:
        actual = r.actual + (" ⚠" if r.warnings else "")
        assert r.score == r.weight
        assert (
            _row(
                " ",
                md_escape(r.name),
                show_dec(r.weight),
                md_escape(r.target),
                md_escape(actual),
                show_dec(r.score),
                "0",
                " ",
            )
            in md
        ), r.id
    assert _row("**产出指标**", " ", "**50**", " ", " ", "**50**", "**0**", "**未扣分**") in md


def test_losses_warnings_and_every_step_with_its_rule(seed: perfrules.Evaluation) -> None:
    md = to_markdown(seed)
    assert (
        _row(
            "1",
            "预算执行率",
            "1",
            "预算执行率94.48%，未达到100%，按执行率×分值四舍五入取整计分，扣1分",
            "预算执行率≥95%即可得满分（执行率×分值四舍五入取整后为满分）",
        )
        in md
    )
    for w in seed.warnings:
        assert md_escape(w.zh) in md
    rows = [seed.budget_execution, *seed.indicators]
    for r in rows:
        assert r is not None
        for step in r.steps:
            assert md_escape(step.zh) in md, step.zh
        # a rule quoted from memory carries a footnote mark; the others say how sure they are
        tail = "［注" if r.citation.status == "recalled" else "（"
        assert md_escape(f"- 依据：{r.citation.document}{tail}") in md
    assert "### 组织参事围绕中心工作形成建言篇数（counsellor\\_proposals）" in md
    assert "- 说明：呈报《参事建言专报》104期，全年呈报建言数、批示率再创新高" in md
    # recalled citations are footnotes: one mark per document, the caveat once under 注释
    assert "- 依据：财预〔2020〕10号《项目支出绩效评价管理办法》第十六条［注1］" in md
    assert "（凭记忆引述" not in md
    notes = md.split("\n## 注释\n\n", 1)[1]
    assert notes.startswith(
        "1. 财预〔2020〕10号《项目支出绩效评价管理办法》第十六条：条文凭记忆引述，正式引用前须核对原文"
    )


def test_catalogue_losses_are_ranked_and_special_rows_render(
    catalogue: perfrules.Evaluation,
) -> None:
    md = to_markdown(catalogue)
    ranked = [r.name for r in catalogue.losses()]
    assert ranked[:3] == ["“三公经费”控制率", "资金使用合规性", "预算执行率"]
    positions = [md.index(f"| {i} | {md_escape(name)} |") for i, name in enumerate(ranked, 1)]
    assert positions == sorted(positions)
    # not applicable, bands, bonus, declared rule, the rescaled total
    assert (
        _row(" ", "试点县数量", "30", "≥5个", "不适用", "—", "—", "不适用：本年度未开展试点") in md
    )
    assert "### （三）产出指标（分值60分，其中不适用指标30分，得28.5分，扣1.5分）" in md
    assert (
        _row(
            " ",
            "重点支出安排率",
            "5",
            "≥90%",
            "85%",
            "4",
            "1",
            "实际完成值85%落在“80（含）至90（不含）”区间，计4分，扣1分",
        )
        in md
    )
    assert "## 加分项" in md and _row("创新加分", "2", "+1.5", "获评省级改革创新案例") in md
    assert (
        "- 本评价方案规定的依据：某市部门整体支出绩效评价办法：预算执行率≥95%计10分；90%（含）-95%计8分；80%（含）-90%计6分；低于80%不得分"
        in md
    )
    assert (
        "- 不适用指标（试点县数量，分值合计30分）不考核，按百分制折算：58.33 ÷ 70 × 100 = ≈83.328571"
        in md
    )
    assert "**总分 84.83 分（满分 100 分，扣 15.17 分），等级：良**" in md


def test_vetoes_render(catalogue: perfrules.Evaluation) -> None:
    spec, actuals = perfrules.load_example(ROOT / "examples" / "catalogue-demo")
    vetoed = attrs.evolve(
        actuals, vetoes=(perfrules.VetoTrigger(id="major_violation", reason="审计发现挪用资金"),)
    )
    md = to_markdown(perfrules.evaluate(spec, vetoed))
    assert "## 一票否决" in md
    assert _row("重大违纪违规", "等级定为“差”", "审计发现挪用资金") in md


def test_no_losses_no_warnings() -> None:
    ev = _evaluate("hunan-2024-general-office")
    be = ev.budget_execution
    assert be is not None
    full = attrs.evolve(
        ev,
        budget_execution=attrs.evolve(
            be, score=be.weight, reason=None, reason_en=None, full_marks=None
        ),
        warnings=(),
        total=ev.total_weight,
    )
    md = to_markdown(full)
    assert "无失分，各项均得满分。" in md and "无提示。" in md
    en = to_markdown(full, lang="en")
    assert "No points lost: full marks on every row." in en and "No warnings." in en


def test_user_text_is_escaped() -> None:
    spec, actuals = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    evil = "<script>alert(1)</script> & a|b *x*"
    spec2 = attrs.evolve(
        spec,
        indicators=tuple(
            attrs.evolve(i, name=evil) if i.id == "hunan_info_issues" else i
            for i in spec.indicators
        ),
    )
    md = to_markdown(perfrules.evaluate(spec2, actuals))
    assert "<script>" not in md and "</script>" not in md and " & a" not in md
    assert "\\<script\\>alert(1)\\</script\\> \\& a\\|b \\*x\\*" in md
    # the table still has its 8 columns on that row
    row = next(line for line in md.splitlines() if line.startswith("|   | \\<script"))
    assert row.replace("\\|", "").count("|") == 9


def test_english(seed: perfrules.Evaluation) -> None:
    md = to_markdown(seed, lang="en")
    assert "**Total 99 of 100 (1 deducted), grade 优**" in md
    assert (
        "| Level 2 | Indicator | Weight | Target | Actual | Score | Lost | Reason for deduction |"
        in md
    )
    assert (
        "## Budget execution" in md and "## Points lost, most first (what full marks needed)" in md
    )
    be = seed.budget_execution
    assert be is not None and be.reason_en is not None
    assert md_escape(be.reason_en) in md
    for r in seed.indicators:
        for step in r.steps:
            assert md_escape(step.en) in md
    for w in seed.warnings:
        assert md_escape(w.en) in md
    for word in ("扣分原因", "年度指标值", "计分过程", "总分与等级"):
        assert word not in md
