"""``perfrules lint``: target-setting findings, the figure audit, the renderable and the command.

Expected values are worked out by hand from the seed report
(``../shared/seed/000_89c0cb00bebb9dcf.txt`` beside the checkout) and the thresholds in
docs/lint.md, not copied from lint's output:

* 参事建言 104 ÷ 70 = 148.57…% ≥ 130% and 志愿服务 7 ÷ 4 = 175% ≥ 130%: target-low;
  幼儿园办班 12 ÷ 10 = 120% < 130%: nothing.
* 效益指标 has 志愿服务活动 (≥4次), 公共机构节能工作 and 普法工作 (both qualitative):
  2 of 3 = 66.67% > 50%: benefit-qualitative.
* "推进公共机构节能工作": no number, no comparison, open-ended 推进: target-vague.
* every stated figure agrees at its stated precision, e.g. 702.8 ÷ 823 = 85.3948…%
  → 85.4 at 1 place; 14168.86 + 6301.53 = 20470.39 exactly.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from conftest import SEED_DIR, D, derived, line_of, qual, quant
from rich.console import Console

import perfrules
from perfrules import Actuals, Amount, Category, Figure, IndicatorActual, Kind, Meta, Policy, Spec
from perfrules.cli import main
from perfrules.lint import (
    CODES,
    FigureCheck,
    Finding,
    LintOptions,
    audit_figures,
    lint,
    lint_report,
    parse_stated,
    to_lint_document,
    vague_words_in,
)
from perfrules.model import Deduction, Formula
from perfrules.render import FigureAuditTable, FindingList

ROOT = Path(__file__).resolve().parents[1]
LINT_DOC = ROOT / "docs" / "lint.md"


def _codes(findings: tuple[Finding, ...], code: str | None = None) -> list[tuple[str, str | None]]:
    return [(f.code, f.indicator) for f in findings if code is None or f.code == code]


def _render(renderable: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


# ----------------------------------------------------------------- builders

_CATEGORIES = (
    ("output", "产出指标", None),
    ("output.quantity", "数量指标", "output"),
    ("output.cost", "成本指标", "output"),
    ("benefit", "效益指标", None),
    ("benefit.social", "社会效益指标", "benefit"),
)


def build(
    *indicators: perfrules.Indicator,
    categories: tuple[tuple[str, str, str | None], ...] = _CATEGORIES,
    total: int | None = None,
    policy: Policy | None = None,
) -> Spec:
    """A spec around ``indicators``; category weights are the sums of what is filed under them."""
    leaf = {
        cid: sum((i.weight for i in indicators if i.category == cid), Decimal(0))
        for cid, _, _ in categories
    }
    weights = {
        cid: leaf[cid] + sum((leaf[c] for c, _, p in categories if p == cid), Decimal(0))
        for cid, _, _ in categories
    }
    cats = tuple(
        Category(id=cid, name=name, parent=parent, weight=weights[cid])
        for cid, name, parent in categories
    )
    top = sum((weights[cid] for cid, _, p in categories if p is None), Decimal(0))
    meta = Meta(
        id="t",
        title="测试",
        unit="测试单位",
        year=2024,
        kind=Kind.PROJECT,
        total=Decimal(total) if total is not None else top,
    )
    return Spec(meta=meta, categories=cats, indicators=tuple(indicators), policy=policy or Policy())


def cost() -> perfrules.Indicator:
    return quant("cost", 10, "≤100万元", category="output.cost")


def acts(
    *items: IndicatorActual, amounts: dict[str, str] | None = None, figures: tuple[Figure, ...] = ()
) -> Actuals:
    return Actuals(
        indicators=(IndicatorActual(id="cost", value=D(90)), *items),
        amounts=tuple(Amount(name=k, value=D(v)) for k, v in (amounts or {}).items()),
        figures=figures,
    )


def figure(name: str, formula: str, stated: str) -> Figure:
    return Figure(name=name, formula=Formula.parse(formula), stated=stated, label=f"核对{name}")


# ===================================================================== seed


@pytest.fixture(scope="module")
def seed_report() -> perfrules.lint.LintReport:
    spec, actuals = perfrules.load_example(SEED_DIR)
    return lint_report(spec, actuals)


def test_seed_findings_exactly(seed_report: perfrules.lint.LintReport) -> None:
    assert _codes(seed_report.findings) == [
        ("benefit-qualitative", None),
        ("target-low", "counsellor_proposals"),
        ("target-low", "volunteer_activities"),
        ("target-vague", "energy_saving"),
    ]
    assert all(f.severity == "warning" for f in seed_report.findings)


def test_seed_kindergarten_classes_120_percent_is_not_flagged(
    seed_report: perfrules.lint.LintReport,
) -> None:
    assert not [f for f in seed_report.findings if f.indicator == "kindergarten_classes"]
    # ... while it would be at a 120% threshold
    spec, actuals = perfrules.load_example(SEED_DIR)
    low = lint(spec, actuals, options=LintOptions(overshoot=Decimal("1.2")))
    assert ("target-low", "kindergarten_classes") in _codes(low)


def test_seed_target_low_evidence(
    seed_report: perfrules.lint.LintReport, seed_spec_text: str
) -> None:
    f = next(f for f in seed_report.findings if f.indicator == "counsellor_proposals")
    ev = {e.key: e for e in f.evidence}
    assert ev["actual"].value == "104篇"
    assert ev["target"].value == "≥70篇"
    assert ev["share"].value == "≈148.57%"
    assert ev["share"].exact == "1040/7"  # 104 / 70 × 100, exactly
    assert (ev["threshold"].value, ev["threshold_source"].value) == (
        "130%",
        "policy.overshoot_warning",
    )
    assert f.citation is not None and "第十六条" in f.citation.document
    assert f.path == ("indicators", 4, "target")
    assert (f.file, f.line, f.column) == (
        str(SEED_DIR / "spec.toml"),
        line_of(seed_spec_text, 'target = "≥70篇"'),
        1,
    )
    volunteer = next(f for f in seed_report.findings if f.indicator == "volunteer_activities")
    assert "175%" in volunteer.text("zh") and "≥4次" in volunteer.text("zh")


def test_seed_benefit_qualitative_names_two_of_three(
    seed_report: perfrules.lint.LintReport,
) -> None:
    f = seed_report.findings[0]
    ev = {e.key: e.value for e in f.evidence}
    assert (ev["indicators"], ev["qualitative"]) == ("3", "2")
    assert ev["qualitative_ids"] == "energy_saving, legal_education"
    assert ev["share"] == "≈66.67%"
    assert "公共机构节能工作、普法工作" in f.text("zh")
    assert f.path == ("categories", 5)


def test_seed_inherited_category_names_the_framework(
    seed_report: perfrules.lint.LintReport,
) -> None:
    spec = perfrules.load_spec(SEED_DIR)
    if spec.framework is None:
        pytest.skip("the seed spec does not extend a framework")
    f = seed_report.findings[0]
    assert f.line == line_of((SEED_DIR / "spec.toml").read_text(encoding="utf-8"), "extends =")
    defined = {e.key: e.value for e in f.evidence}["defined_in"]
    assert defined.startswith(spec.framework.file or "specs/") and "categories[" in defined


def test_seed_figures_all_agree(seed_report: perfrules.lint.LintReport) -> None:
    got = {c.name: (c.stated, c.status, c.rounded) for c in seed_report.figures}
    assert got == {
        "basic_execution_rate": ("99.54%", "agrees", D("99.54")),
        "personnel_share": ("69.22%", "agrees", D("69.22")),
        "daily_public_share": ("30.78%", "agrees", D("30.78")),
        "basic_spent_sum": ("20470.39", "agrees", D("20470.39")),
        "project_execution_rate": ("84.61%", "agrees", D("84.61")),
        "business_special_share": ("16.54%", "agrees", D("16.54")),
        "operations_special_share": ("24.24%", "agrees", D("24.24")),
        "other_development_share": ("59.22%", "agrees", D("59.22")),
        "project_spent_sum": ("9302.72", "agrees", D("9302.72")),
        "budget_execution_rate": ("94.48%", "agrees", D("94.48")),
        "public_funds_control_rate": ("98.88%", "agrees", D("98.88")),
        "three_public_control_rate": ("85.4%", "agrees", D("85.4")),
        "three_public_control": ("85.4%", "agrees", D("85.4")),  # the derived indicator's own text
    }
    three = next(c for c in seed_report.figures if c.name == "three_public_control")
    assert three.kind == "indicator" and three.places == 1 and three.percent


def test_seed_without_actuals_gives_the_spec_findings_only(seed_spec: Spec) -> None:
    assert _codes(lint(seed_spec)) == [
        ("benefit-qualitative", None),
        ("target-vague", "energy_saving"),
    ]


def test_seed_hand_altered_stated_figure(seed_spec: Spec, seed_actuals_text: str) -> None:
    text = seed_actuals_text.replace('stated = "69.22%"', 'stated = "69.23%"')
    actuals = perfrules.loads_actuals(text, file="actuals.toml", spec=seed_spec)
    found = [f for f in lint(seed_spec, actuals) if f.document == "actuals"]
    assert _codes(tuple(found)) == [("figure-mismatch", None)]
    f = found[0]
    assert f.path == ("figures", "personnel_share", "stated")
    assert (f.file, f.line) == ("actuals.toml", line_of(text, 'stated = "69.23%"'))
    assert "69.23%" in f.text("zh") and "≈69.216366%" in f.text("zh") and "69.22%" in f.text("zh")
    assert (
        "stated 69.23% but recomputed ≈69.216366% (69.22% at the stated 2 decimal places"
        in f.text("en")
    )


def test_seed_spec_unchanged_and_still_scores_99(seed_eval: perfrules.Evaluation) -> None:
    assert seed_eval.total == D(99)


# ============================================================ target-low


@pytest.mark.parametrize(
    ("target", "actual", "flagged"),
    [
        ("≥10个", "13", True),  # exactly 130%
        ("≥10个", "12.99", False),
        ("≥10个", "12", False),  # the seed's 办班数量
        (">10个", "13", True),
        ("=10个", "13", True),
        ("=10个", "12.9", False),
        ("≤10个", "2", False),  # negative targets are not "set low"
        ("<10个", "1", False),
        ("≥0个", "5", False),  # no ratio to a zero target
    ],
)
def test_target_low_boundary(target: str, actual: str, flagged: bool) -> None:
    spec = build(quant("x", 10, target, category="output.quantity"), cost())
    found = lint(spec, acts(IndicatorActual(id="x", value=D(actual))))
    assert (("target-low", "x") in _codes(found)) is flagged


def test_target_low_threshold_from_options_and_policy() -> None:
    ind = quant("x", 10, "≥10个", category="output.quantity")
    at = {v: acts(IndicatorActual(id="x", value=D(v))) for v in ("12", "14.99", "15")}
    # the spec's policy.overshoot_warning is the default threshold ...
    spec15 = build(ind, cost(), policy=Policy(overshoot_warning=D("1.5")))
    assert _codes(lint(spec15, at["14.99"]), "target-low") == []
    assert _codes(lint(spec15, at["15"]), "target-low") == [("target-low", "x")]
    # ... an explicit option wins ...
    assert _codes(
        lint(spec15, at["12"], options=LintOptions(overshoot=D("1.2"))), "target-low"
    ) == [("target-low", "x")]
    # ... and with the spec's warning off, 1.3 applies
    off = build(ind, cost(), policy=Policy(overshoot_warning=None))
    f = lint(off, acts(IndicatorActual(id="x", value=D(13))))
    assert _codes(f, "target-low") == [("target-low", "x")]
    ev = {e.key: e.value for e in f[0].evidence}
    assert (ev["threshold"], ev["threshold_source"]) == ("130%", "default")
    f = lint(spec15, at["12"], options=LintOptions(overshoot=D("1.2")))
    assert {e.key: e.value for e in f[0].evidence}["threshold_source"] == "option"


def test_target_low_derived_rate_and_not_applicable() -> None:
    rate = derived("rate", 10, "≥50%", "done", "planned", category="output.quantity")
    spec = build(rate, cost())
    assert _codes(lint(spec, acts(amounts={"done": "65", "planned": "100"})), "target-low") == [
        ("target-low", "rate")
    ]
    assert _codes(lint(spec, acts(amounts={"done": "64.99", "planned": "100"})), "target-low") == []
    # a zero denominator or a missing amount is a load error: lint skips, never crashes
    assert _codes(lint(spec, acts(amounts={"done": "65", "planned": "0"})), "target-low") == []
    assert _codes(lint(spec, acts(amounts={"done": "65"})), "target-low") == []
    x = build(quant("x", 10, "≥10个", category="output.quantity"), cost())
    na = IndicatorActual(id="x", value=D(20), not_applicable="本年度未开展")
    assert _codes(lint(x, acts(na)), "target-low") == []


# ================================================================ benefit-qualitative


def _benefit(n_quant: int, n_qual: int) -> Spec:
    inds = [quant(f"q{i}", 5, "≥1次", category="benefit.social") for i in range(n_quant)]
    inds += [
        qual(f"t{i}", 5, category="benefit.social", text="建立长效机制") for i in range(n_qual)
    ]
    return build(*inds, cost())


@pytest.mark.parametrize(
    ("n_quant", "n_qual", "share", "flagged"),
    [
        (1, 1, None, False),  # exactly half is not "more than half"
        (1, 2, None, True),  # the seed: 2 of 3
        (2, 2, None, False),
        (1, 3, None, True),
        (0, 1, None, True),
        (1, 3, "0.75", False),  # 3 of 4 = 75%, not more than 75%
        (1, 3, "0.74", True),
        (1, 2, "0.6667", False),  # 2/3 < 0.6667
        (1, 2, "0.6666", True),
        (1, 0, "0", False),
        (1, 1, "0", True),
    ],
)
def test_benefit_qualitative_boundary(
    n_quant: int, n_qual: int, share: str | None, flagged: bool
) -> None:
    opts = LintOptions() if share is None else LintOptions(benefit_qualitative_share=D(share))
    assert (
        bool(_codes(lint(_benefit(n_quant, n_qual), options=opts), "benefit-qualitative"))
        is flagged
    )


def test_benefit_recognised_by_level_2_name_and_satisfaction_not_counted() -> None:
    cats = (
        ("effect", "效果指标", None),
        ("effect.social", "社会效益指标", "effect"),
        ("effect.other", "满意度指标", "effect"),
        ("output", "产出指标", None),
        ("output.cost", "成本指标", "output"),
    )
    spec = build(
        qual("a", 5, category="effect.social", text="建立长效机制"),
        quant("b", 5, "≥1次", category="effect.social"),
        qual("c", 5, category="effect.other", text="群众满意"),
        qual("d", 5, category="effect.other", text="群众满意"),
        cost(),
        categories=cats,
    )
    assert _codes(lint(spec), "benefit-qualitative") == []  # 1 of 2 under 社会效益指标
    spec2 = attrs.evolve(
        spec,
        indicators=(*spec.indicators, qual("e", 5, category="effect.social", text="建立长效机制")),
    )
    f = lint(spec2)
    assert _codes(f, "benefit-qualitative") == [("benefit-qualitative", None)]
    assert next(x for x in f if x.code == "benefit-qualitative").path == ("categories", 1)


def test_benefit_keyword_option() -> None:
    spec = _benefit(1, 2)
    assert (
        _codes(lint(spec, options=LintOptions(benefit_keyword="效果")), "benefit-qualitative") == []
    )


# ================================================================ no-cost-indicator


def test_no_cost_indicator() -> None:
    without = build(quant("x", 10, "≥1次", category="output.quantity"))
    f = lint(without)
    assert _codes(f, "no-cost-indicator") == [("no-cost-indicator", None)]
    assert next(x for x in f if x.code == "no-cost-indicator").path == ("categories", 0)  # 产出指标
    assert (
        _codes(
            lint(build(quant("x", 10, "≥1次", category="output.quantity"), cost())),
            "no-cost-indicator",
        )
        == []
    )
    # the category name decides, not its id; a 一级 成本 category counts too
    cats = (("output", "产出指标", None), ("money", "经济成本", None))
    assert (
        _codes(
            lint(build(quant("m", 5, "≤1万元", category="money"), categories=cats)),
            "no-cost-indicator",
        )
        == []
    )
    nothing = (("a", "效益指标", None),)
    f = lint(build(quant("y", 5, "≥1次", category="a"), categories=nothing))
    assert next(x for x in f if x.code == "no-cost-indicator").path == ("categories",)


# ================================================================ unmeasurable targets


def test_target_without_unit() -> None:
    spec = build(
        quant("x", 10, "≥400", category="output.quantity"),
        quant("y", 10, "≥400期", category="output.quantity"),
        cost(),
    )
    f = lint(spec)
    assert _codes(f, "target-no-unit") == [("target-no-unit", "x")]
    assert next(x for x in f if x.code == "target-no-unit").path == ("indicators", 0, "target")


@pytest.mark.parametrize(
    ("wording", "vague"),
    [
        ("推进公共机构节能工作", ["推进"]),  # the seed
        ("进一步提升服务水平", ["提升", "进一步"]),
        ("沿线群众出行条件明显改善", ["改善", "明显"]),
        ("持续推进，全年开展4次", []),  # a number
        ("持续开展三次培训", []),  # a Chinese numeral with a measure word
        ("服务满意度不低于上年", []),  # a comparison
        ("有效投诉≤5件", []),
        ("按规定时限办结", []),  # the seed's other qualitative targets: an end state, not flagged
        ("无重大差错", []),
        ("组织国家工作人员学法考法", []),
        ("报送的政务信息被国务院办公厅采用或国务院领导有批示", []),
        ("建立“路长制”养护长效机制", []),
    ],
)
def test_vague_wording(wording: str, vague: list[str]) -> None:
    assert vague_words_in(wording, LintOptions().vague_words) == vague
    spec = build(qual("x", 10, category="benefit.social", text=wording), cost())
    assert bool(_codes(lint(spec), "target-vague")) is bool(vague)


def test_vague_wording_only_for_qualitative_targets_and_configurable() -> None:
    q = attrs.evolve(
        quant("x", 10, "≥95%", category="output.quantity"), target_text="进一步提升满意度"
    )
    assert _codes(lint(build(q, cost())), "target-vague") == []
    spec = build(qual("y", 10, category="benefit.social", text="做好宣传工作"), cost())
    assert _codes(lint(spec), "target-vague") == []
    assert _codes(lint(spec, options=LintOptions(vague_words=("做好",))), "target-vague") == [
        ("target-vague", "y")
    ]


# ================================================================ weights


@pytest.mark.parametrize(
    ("weight", "share", "flagged"),
    [
        ("0.99", None, True),
        ("1", None, False),
        ("1.99", "0.02", True),
        ("2", "0.02", False),
        ("0.5", "0", False),
    ],
)
def test_weight_trivial_boundary(weight: str, share: str | None, flagged: bool) -> None:
    rest = D(100) - D(weight) - 10
    spec = build(
        quant("x", weight, "≥1次", category="output.quantity"),
        quant("big", rest, "≥1次", category="benefit.social"),
        cost(),
    )
    assert spec.meta.total == 100
    opts = LintOptions() if share is None else LintOptions(min_weight_share=D(share))
    assert (("weight-trivial", "x") in _codes(lint(spec, options=opts))) is flagged


@pytest.mark.parametrize(
    ("small", "share", "flagged"),
    [
        ("2.5", None, False),
        ("2.4", None, True),
        ("2.4", "0", False),
        ("3", "0.6", False),
        ("2.99", "0.6", True),
    ],
)
def test_weight_minor_boundary(small: str, share: str | None, flagged: bool) -> None:
    # 数量指标 20 over 4 indicators: average 5; limit 0.5 × 5 = 2.5 by default
    big = (D(20) - 2 * D(small)) / 2
    inds = [
        quant("a", big, "≥1次", category="output.quantity"),
        quant("b", big, "≥1次", category="output.quantity"),
        quant("s1", small, "≥1次", category="output.quantity"),
        quant("s2", small, "≥1次", category="output.quantity"),
    ]
    spec = build(*inds, quant("z", 70, "≥1次", category="benefit.social"), cost())
    opts = LintOptions() if share is None else LintOptions(min_sibling_share=D(share))
    found = lint(spec, options=opts)
    assert _codes(found, "weight-minor") == (
        [("weight-minor", "s1"), ("weight-minor", "s2")] if flagged else []
    )
    assert all(f.severity == "info" for f in found if f.code == "weight-minor")


def test_weight_minor_needs_siblings_and_trivial_takes_precedence() -> None:
    spec = build(
        quant("x", "0.5", "≥1次", category="output.quantity"),
        quant("y", "89.5", "≥1次", category="output.quantity"),
        cost(),
    )
    assert _codes(lint(spec)) == [("weight-trivial", "x")]  # one weight finding per indicator
    single = build(
        quant("x", 2, "≥1次", category="output.quantity"),
        quant("z", 88, "≥1次", category="benefit.social"),
        cost(),
    )
    assert _codes(lint(single), "weight-minor") == []


# ================================================================ figure audit


@pytest.mark.parametrize(
    ("text", "value", "places", "percent"),
    [
        ("85.4%", "85.4", 1, True),
        ("99.54%", "99.54", 2, True),
        ("20470.39", "20470.39", 2, False),
        ("85%", "85", 0, True),
        ("85.40%", "85.40", 2, True),
        ("-3.5%", "-3.5", 1, True),
        (" 85.4％ ", "85.4", 1, True),
        ("0", "0", 0, False),
    ],
)
def test_parse_stated(text: str, value: str, places: int, percent: bool) -> None:
    got = parse_stated(text)
    assert got is not None
    assert (got.value, got.places, got.percent) == (D(value), places, percent)


@pytest.mark.parametrize(
    "text",
    [
        "约85.4%",
        "85.4 %",
        "1,234.5",
        "85.4‰",
        "",
        "+85.4",
        ".5",
        "5.",
        "1e3",
        "８５%",
        "85.4%%",
        "85.4万元",
        "85.4%（控制在预算内）",
    ],
)
def test_parse_stated_refuses_anything_else(text: str) -> None:
    assert parse_stated(text) is None


THREE = {"spent": "702.8", "budget": "823"}  # 85.3948…%


@pytest.mark.parametrize(
    ("stated", "status"),
    [
        ("85.4%", "agrees"),  # 1 place: 85.39… → 85.4
        ("85.39%", "agrees"),  # 2 places
        ("85.395%", "agrees"),  # 3 places: 85.3948… → 85.395
        ("85%", "agrees"),
        ("85.40%", "disagrees"),  # 2 places: 85.39 ≠ 85.40
        ("85.5%", "disagrees"),
        ("85.3%", "disagrees"),
        ("0.85%", "disagrees"),
    ],
)
def test_figure_precision(stated: str, status: str) -> None:
    a = acts(amounts=THREE, figures=(figure("three", "spent / budget", stated),))
    (check,) = audit_figures(None, a)
    assert check.status == status
    assert bool(_codes(lint(build(cost()), a), "figure-mismatch")) is (status == "disagrees")


def test_figure_half_up_and_sums() -> None:
    amounts = {"a": "1", "b": "8", "x": "14168.86", "y": "6301.53"}
    cases = {
        "13%": "agrees",
        "12%": "disagrees",
        "12.5%": "agrees",  # 1/8 = 12.5%: half-up to 13
        "20470.39": "agrees",
        "20470.4": "agrees",
        "20470": "agrees",
        "20470.38": "disagrees",
    }
    figs = tuple(
        figure(f"f{i}", "a / b" if s.endswith("%") else "x + y", s) for i, s in enumerate(cases)
    )
    checks = audit_figures(None, acts(amounts=amounts, figures=figs))
    assert [c.status for c in checks] == list(cases.values())


def test_figure_mismatch_finding_has_both_values() -> None:
    a = acts(amounts=THREE, figures=(figure("three", "spent / budget", "85.5%"),))
    (f,) = [x for x in lint(build(cost()), a) if x.code == "figure-mismatch"]
    assert f.severity == "warning" and f.document == "actuals"
    assert f.path == ("figures", "three", "stated")
    ev = {e.key: e for e in f.evidence}
    assert ev["stated"].value == "85.5%"
    assert ev["recomputed"].value == "≈85.394897%"
    assert ev["recomputed"].exact == "70280/823"
    assert ev["rounded"].value == "85.4%"
    assert ev["places"].value == "1"
    assert ev["input:spent"].value == "702.8"
    assert "报告数85.5%与重算数≈85.394897%不一致（按报告的1位小数四舍五入为85.4%" in f.text("zh")


def test_figure_formula_times_100_gets_a_hint() -> None:
    a = acts(amounts=THREE, figures=(figure("three", "spent / budget * 100", "85.4%"),))
    (f,) = [x for x in lint(build(cost()), a) if x.code == "figure-mismatch"]
    assert "不要再乘以100" in f.text("zh") and "without × 100" in f.text("en")


def test_figure_unreadable_stated_value() -> None:
    a = acts(amounts=THREE, figures=(figure("three", "spent / budget", "约85.4%"),))
    (f,) = lint(build(cost()), a)
    assert (f.code, f.severity, f.path) == (
        "figure-unreadable",
        "warning",
        ("figures", "three", "stated"),
    )
    assert "约85.4%" in f.text("zh")
    (check,) = audit_figures(None, a)
    assert check.status == "unreadable" and check.agrees is None


def test_figure_unknown_name_and_zero_division_never_crash() -> None:
    # these are load errors (core validation); lint still reports them if they occur
    a = acts(
        amounts=THREE,
        figures=(figure("typo", "spnet / budget", "85.4%"), figure("zero", "spent / nil", "1%")),
    )
    a = attrs.evolve(a, amounts=(*a.amounts, Amount(name="nil", value=D(0))))
    found = lint(build(cost()), a)
    assert _codes(found) == [("figure-unknown-name", None), ("figure-zero-division", None)]
    assert found[0].suggestion == "spent" and found[0].path == ("figures", "typo", "formula")
    assert "nil" in found[1].text("en")
    assert [c.status for c in audit_figures(None, a)] == ["error", "error"]


def test_budget_names_in_figures() -> None:
    a = attrs.evolve(
        acts(figures=(figure("exec", "budget.spent / budget.full_year", "94.48%"),)),
        budget=perfrules.BudgetAmounts(full_year=D("32909.2"), spent=D("31092.65")),
    )
    assert [c.status for c in audit_figures(None, a)] == ["agrees"]


def test_derived_indicator_text_is_audited() -> None:
    rate = derived("three", 10, "≤100%", "spent", "budget", category="output.cost")
    spec = build(rate)

    def run(text: str) -> tuple[Finding, ...]:
        return lint(
            spec,
            Actuals(
                indicators=(IndicatorActual(id="three", text=text),),
                amounts=tuple(Amount(name=k, value=D(v)) for k, v in THREE.items()),
            ),
        )

    assert run("85.4%") == ()
    assert run("85.39") == ()  # the target's unit is %: a bare number is in %
    (f,) = run("85.5%")
    assert (f.code, f.indicator, f.path) == (
        "figure-mismatch",
        "three",
        ("indicators", "three", "text"),
    )
    (g,) = run("控制在预算以内")
    assert (g.code, g.severity) == ("figure-unreadable", "info")  # free wording is allowed there


def test_figure_locations_in_a_loaded_file(seed_spec: Spec, seed_actuals_text: str) -> None:
    text = seed_actuals_text.replace('stated = "85.4%"', 'stated = "85,4%"').replace(
        'three_public_control = { text = "85.4%"', 'three_public_control = { text = "85.5%"'
    )
    actuals = perfrules.loads_actuals(text, file="actuals.toml", spec=seed_spec)
    found = [f for f in lint(seed_spec, actuals) if f.document == "actuals"]
    assert [(f.code, f.line) for f in found] == [
        ("figure-mismatch", line_of(text, 'three_public_control = { text = "85.5%"')),
        ("figure-unreadable", line_of(text, 'stated = "85,4%"')),
    ]


# ================================================================ options, document, renderable


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="exceed 1"):
        LintOptions(overshoot=D(1))
    with pytest.raises(ValueError, match="benefit_qualitative_share"):
        LintOptions(benefit_qualitative_share=D(1))
    with pytest.raises(ValueError, match="min_weight_share"):
        LintOptions(min_weight_share=D("-0.1"))
    with pytest.raises(ValueError, match="did you mean 'target-low'"):
        LintOptions(ignore=frozenset({"target-lo"}))


def test_ignore_drops_codes(seed: tuple[Spec, Actuals]) -> None:
    found = lint(*seed, options=LintOptions(ignore=frozenset({"target-low", "target-vague"})))
    assert _codes(found) == [("benefit-qualitative", None)]


def test_document_is_json_and_exact(seed_report: perfrules.lint.LintReport) -> None:
    doc = json.loads(json.dumps(to_lint_document(seed_report), ensure_ascii=False))
    assert doc["lint_version"] == 1
    assert doc["summary"] == {
        "findings": 4,
        "warnings": 4,
        "info": 0,
        "figures": 13,
        "figures_agree": 13,
        "figures_disagree": 0,
        "figures_unchecked": 0,
    }
    first = doc["findings"][1]
    assert (first["code"], first["indicator"], first["path"]) == (
        "target-low",
        "counsellor_proposals",
        "indicators[4].target",
    )
    assert first["message"]["zh"].startswith("组织参事围绕中心工作形成建言篇数")
    assert first["citation"]["status"] == "recalled"
    three = next(c for c in doc["figures"] if c["name"] == "three_public_control_rate")
    assert (three["value"], three["rounded"], three["places"]) == ("70280/823", "85.4", 1)
    assert three["inputs"] == {"three_public_budget": "823", "three_public_spent": "702.8"}


def test_finding_list_renders_location_evidence_and_rule(
    seed_report: perfrules.lint.LintReport,
) -> None:
    out = _render(FindingList(seed_report.findings, figures=seed_report.figures, title="t"))
    assert "4 个警告，0 个提示" in out
    assert "数字核对：13 项，一致 13 项，不一致 0 项，无法核对 0 项" in out
    assert f"{SEED_DIR / 'spec.toml'}:" in out and "indicators[4].target" in out
    assert "证据：实际完成值 104篇；指标值 ≥70篇；完成比例 ≈148.57%" in out
    assert "依据：财预〔2020〕10号" in out and "（同上）" in out
    en = _render(FindingList(seed_report.findings, lang="en"))
    assert "4 warnings, 0 info" in en and "target set low" in en
    assert "未发现问题" in _render(FindingList(()))
    table = _render(FigureAuditTable(seed_report.figures))
    assert "personnel_spent / basic_spent × 100%" in table and "✓ 一致" in table


def test_every_code_is_documented() -> None:
    doc = LINT_DOC.read_text(encoding="utf-8")
    section = doc[doc.index("## Finding codes") : doc.index("## Target-setting checks")]
    documented = re.findall(r"^\|\s*`([a-z][a-z-]*)`\s*\|", section, re.M)
    assert documented == list(CODES)  # every code, in catalogue order
    for code in CODES:  # and each has its own explanation further down
        assert doc.count(f"`{code}`") >= 2, code


def test_docs_show_the_real_seed_output(seed_report: perfrules.lint.LintReport) -> None:
    doc = LINT_DOC.read_text(encoding="utf-8")
    for f in seed_report.findings:
        assert f.text("zh") in doc, f.code
        assert f.text("en") in doc, f.code


# ================================================================ a well-set spec

WELL_SET_SPEC = """
[meta]
id = "well-set"
title = "某县农村公路养护项目"
unit = "某县交通运输局"
year = 2024
kind = "项目支出"

[budget_execution]
weight = 10

[[categories]]
id = "output"
name = "产出指标"
weight = 50
[[categories]]
id = "output.quantity"
name = "数量指标"
parent = "output"
weight = 20
[[categories]]
id = "output.quality"
name = "质量指标"
parent = "output"
weight = 10
[[categories]]
id = "output.timeliness"
name = "时效指标"
parent = "output"
weight = 10
[[categories]]
id = "output.cost"
name = "成本指标"
parent = "output"
weight = 10
[[categories]]
id = "benefit"
name = "效益指标"
weight = 30
[[categories]]
id = "benefit.social"
name = "社会效益指标"
parent = "benefit"
weight = 20
[[categories]]
id = "benefit.sustainable"
name = "可持续影响指标"
parent = "benefit"
weight = 10
[[categories]]
id = "satisfaction"
name = "满意度指标"
weight = 10
[[categories]]
id = "satisfaction.service"
name = "服务对象满意度指标"
parent = "satisfaction"
weight = 10

[[indicators]]
id = "maintained_km"
name = "农村公路日常养护里程"
category = "output.quantity"
weight = 10
target = "≥120公里"
[[indicators]]
id = "potholes"
name = "修复路面坑槽面积"
category = "output.quantity"
weight = 10
target = "≥3000平方米"
[[indicators]]
id = "acceptance"
name = "养护工程验收合格率"
category = "output.quality"
weight = 10
target = "≥95%"
[[indicators]]
id = "flood_repair"
name = "汛期前完成水毁路段修复"
category = "output.timeliness"
weight = 10
target_text = "汛期前（5月31日前）完成全部水毁路段修复"
[[indicators]]
id = "cost_control"
name = "项目成本控制率"
category = "output.cost"
weight = 10
target = "≤100%"
derive = { numerator = "cost_spent", denominator = "cost_budget" }
[[indicators]]
id = "good_road_rate"
name = "农村公路优良中等路率"
category = "benefit.social"
weight = 10
target = "≥80%"
[[indicators]]
id = "travel_time"
name = "沿线群众到乡镇平均出行时间"
category = "benefit.social"
weight = 10
target = "≤30分钟"
[[indicators]]
id = "mechanism"
name = "养护长效机制建立"
category = "benefit.sustainable"
weight = 10
target_text = "建立“路长制”养护长效机制"
[[indicators]]
id = "satisfaction"
name = "沿线群众满意度"
category = "satisfaction.service"
weight = 10
target = "≥90%"
"""

WELL_SET_ACTUALS = """
spec = "well-set"
year = 2024

[budget]
full_year = 500
spent = 480

[amounts]
cost_budget = 200
cost_spent = 196

[indicators]
maintained_km = 125
potholes = 3200
acceptance = 97
flood_repair = { tier = "达成", text = "5月28日完成全部修复" }
cost_control = { text = "98%" }
good_road_rate = 84
travel_time = 25
mechanism = { tier = "达成", text = "全县推行“路长制”" }
satisfaction = 92

[figures.execution]
formula = "budget.spent / budget.full_year"
stated = "96%"
label = "预算执行率"
"""


@pytest.fixture
def well_set(tmp_path: Path) -> Path:
    (tmp_path / "spec.toml").write_text(WELL_SET_SPEC, encoding="utf-8")
    (tmp_path / "actuals.toml").write_text(WELL_SET_ACTUALS, encoding="utf-8")
    return tmp_path


def test_well_set_spec_has_no_findings(well_set: Path) -> None:
    spec, actuals = perfrules.load_example(well_set)
    report = lint_report(spec, actuals)
    assert report.findings == ()
    assert [(c.name, c.status) for c in report.figures] == [
        ("execution", "agrees"),
        ("cost_control", "agrees"),
    ]
    assert isinstance(report.figures[0], FigureCheck)


# ================================================================ command line


def test_cli_seed_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(SEED_DIR), "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "4 个警告，0 个提示" in out
    assert "数字核对：13 项，一致 13 项" in out
    for text in (
        "[benefit-qualitative]",
        "组织参事围绕中心工作形成建言篇数",
        "志愿服务活动",
        "推进公共机构节能工作",
    ):
        assert text in out
    assert "幼儿园办班" not in out
    assert f"{SEED_DIR / 'spec.toml'}:" in out


def test_cli_strict_exit_codes(capsys: pytest.CaptureFixture[str], well_set: Path) -> None:
    assert main(["lint", str(SEED_DIR), "--strict"]) == 1
    ignore = [
        "--ignore",
        "target-low",
        "--ignore",
        "target-vague",
        "--ignore",
        "benefit-qualitative",
    ]
    assert main(["lint", str(SEED_DIR), "--strict", *ignore]) == 0
    assert main(["lint", str(well_set), "--strict"]) == 0
    assert "未发现问题" in capsys.readouterr().out


def test_cli_info_only_is_not_strict_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = WELL_SET_SPEC.replace(
        'weight = 10\ntarget = "≥120公里"', 'weight = 16\ntarget = "≥120公里"'
    ).replace('weight = 10\ntarget = "≥3000平方米"', 'weight = 4\ntarget = "≥3000平方米"')
    (tmp_path / "spec.toml").write_text(spec, encoding="utf-8")
    assert main(["lint", str(tmp_path), "--strict", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["severity"]) for f in doc["findings"]] == [("weight-minor", "info")]


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "lint",
                str(SEED_DIR / "spec.toml"),
                str(SEED_DIR / "actuals.toml"),
                "--format",
                "json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["indicator"]) for f in doc["findings"]] == [
        ("benefit-qualitative", None),
        ("target-low", "counsellor_proposals"),
        ("target-low", "volunteer_activities"),
        ("target-vague", "energy_saving"),
    ]
    assert doc["summary"]["figures_agree"] == 13
    assert doc["findings"][1]["line"] == line_of(
        (SEED_DIR / "spec.toml").read_text(encoding="utf-8"), 'target = "≥70篇"'
    )


def test_cli_spec_only_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(SEED_DIR / "spec.toml"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in doc["findings"]] == ["benefit-qualitative", "target-vague"]
    assert doc["with_actuals"] is False and doc["figures"] == []
    assert main(["lint", str(SEED_DIR), "--overshoot", "1.2", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "kindergarten_classes" in [f["indicator"] for f in doc["findings"]]
    assert doc["options"]["overshoot"] == "1.2"
    assert (
        main(["lint", str(SEED_DIR), "--benefit-qualitative-share", "0.7", "--format", "json"]) == 0
    )
    assert "benefit-qualitative" not in [
        f["code"] for f in json.loads(capsys.readouterr().out)["findings"]
    ]


def test_cli_english_and_figure_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(SEED_DIR), "--lang", "en", "--figures", "--width", "220"]) == 0
    out = capsys.readouterr().out
    assert "4 warnings, 0 info" in out and "target set low" in out
    assert "Figure audit: 13 figures, 13 agree, 0 disagree, 0 not checked" in out
    assert "✓ agrees" in out


@pytest.mark.parametrize(
    "args",
    [
        ["lint"],
        ["lint", "nowhere"],
        ["lint", str(SEED_DIR), "--overshoot", "1"],
        ["lint", str(SEED_DIR), "--overshoot", "abc"],
        ["lint", str(SEED_DIR), "--min-weight-share", "1"],
        ["lint", str(SEED_DIR), "--ignore", "target-lo"],
        ["lint", str(SEED_DIR), "--format", "xml"],
    ],
)
def test_cli_bad_input_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_cli_bad_spec_exit_2_with_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "spec.toml").write_text(
        WELL_SET_SPEC.replace('target = "≥95%"', 'target = "不低于95%"'), "utf-8"
    )
    assert main(["lint", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "[invalid-value]" in err and "Traceback" not in err
    assert f"{tmp_path / 'spec.toml'}:" in err


def test_cli_unknown_ignore_code_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(SEED_DIR), "--ignore", "target-lo", "--lang", "en"]) == 2
    assert (
        "--ignore: unknown finding code 'target-lo' (did you mean 'target-low'?)"
        in capsys.readouterr().err
    )


# ============================================================ deduction-on-met


def test_deduction_on_met_flags_a_met_row_that_lost_points() -> None:
    spec = build(quant("x", 10, "≥100%", category="output.quantity"), cost())
    cut = Deduction(points=D(3), reason="原表未说明扣分原因")
    found = lint(spec, acts(IndicatorActual(id="x", value=D(100), deductions=(cut,))))
    assert _codes(found, "deduction-on-met") == [("deduction-on-met", "x")]
    f = [x for x in found if x.code == "deduction-on-met"][0]
    assert (f.document, f.path) == ("actuals", ("indicators", "x", "deductions"))
    assert "达到年度指标值≥100%" in f.text("zh") and "仍扣3分" in f.text("zh")
    assert "原表未说明扣分原因" in f.text("zh")
    assert {e.key: e.value for e in f.evidence}["deducted"] == "3"


def test_deduction_on_met_spares_missed_rows_and_rows_without_deductions() -> None:
    spec = build(quant("x", 10, "≥100%", category="output.quantity"), cost())
    cut = Deduction(points=D(1), reason="进度滞后")
    missed = acts(IndicatorActual(id="x", value=D(90), deductions=(cut,)))
    assert _codes(lint(spec, missed), "deduction-on-met") == []
    plain = acts(IndicatorActual(id="x", value=D(100)))
    assert _codes(lint(spec, plain), "deduction-on-met") == []


# ============================================================ rate display policy


def test_figure_audit_follows_a_declared_truncating_display() -> None:
    """96.479% printed as 96.47% (截尾) agrees under rate_display_mode = "truncate", not under half-up."""
    amounts = {"done": "96479", "plan": "100000"}
    stated = ("96.47%", "96.48%", "96.4%", "96479")  # the last is not a rate: never truncated
    figs = tuple(
        figure(f"f{i}", "done / plan" if s.endswith("%") else "done", s)
        for i, s in enumerate(stated)
    )
    a = acts(amounts=amounts, figures=figs)
    half_up = build(cost())
    truncating = attrs.evolve(
        half_up,
        rounding=attrs.evolve(half_up.rounding, rate_display_mode=perfrules.RateDisplay.TRUNCATE),
    )
    assert [c.status for c in audit_figures(half_up, a)] == [
        "disagrees",
        "agrees",
        "disagrees",
        "agrees",
    ]
    assert [c.status for c in audit_figures(truncating, a)] == [
        "agrees",
        "disagrees",
        "agrees",
        "agrees",
    ]
    (f,) = [x for x in lint(truncating, a) if x.code == "figure-mismatch"]
    assert "截尾为96.47%" in f.text("zh") and "at the stated 2 decimal places, truncated" in f.text(
        "en"
    )
