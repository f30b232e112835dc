"""Deeper indicator systems: 年度绩效目标 blocks above the 一级 level, and 三级 categories with 四级 rows.

A spec's categories may be three levels deep (docs/spec-format.md, "Categories"):
目标 → 一级 → 二级 with ``goal = true`` on the top, or 一级 → 二级 → 三级 with 四级
indicators. Checked here: validation refuses a fourth level, a parent cycle and a
misplaced ``goal``, each at its key with the chain; every subtotal is the exact
sum of its children at every level, whatever the order of the file; every output
shows the levels (terminal table, JSON document and its schema, Markdown, HTML,
narrative, the 自评表 workbook and its round trip, the batch plan); and a
property over generated deep trees (the hypothesis kit's ``deep=True``).
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from rich.cells import cell_len
from rich.console import Console

import perfrules
from perfrules.core import validate_spec
from perfrules.interchange import compare_declared, read_workbook, write_workbook
from perfrules.interchange._formula import evaluate_formula
from perfrules.interchange._layout import build_layout
from perfrules.interchange._sheet import split_ref
from perfrules.render import AuditTable
from perfrules.report import to_html, to_markdown, to_narrative
from perfrules.testing import Case, cases, check_subtotals, check_total

ROOT = Path(__file__).resolve().parents[1]
GOALS = ROOT / "examples" / "goal-blocks-demo"
FOUR = GOALS / "four-level"
D = Decimal


def _spec_text(categories: str, indicators: str, total: int = 100) -> str:
    return (
        f'[meta]\nid = "t"\ntitle = "t"\nunit = "u"\nyear = 2024\nkind = "项目支出"\ntotal = {total}\n\n'
        + categories
        + indicators
    )


def _cat(cid: str, weight: int, parent: str | None = None, goal: bool = False) -> str:
    out = f'[[categories]]\nid = "{cid}"\nname = "{cid}名"\nweight = {weight}\n'
    if parent is not None:
        out += f'parent = "{parent}"\n'
    if goal:
        out += "goal = true\n"
    return out + "\n"


def _ind(iid: str, category: str, weight: int) -> str:
    return (
        f'[[indicators]]\nid = "{iid}"\nname = "{iid}名"\ncategory = "{category}"\n'
        f'weight = {weight}\ntarget = "≥10个"\n\n'
    )


def _problems(text: str) -> list[perfrules.Problem]:
    with pytest.raises(perfrules.SpecError) as err:
        perfrules.loads_spec(text, file="spec.toml")
    return list(err.value.problems)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# ---------------------------------------------------------------------------
# validation


def test_a_fourth_category_level_is_refused_at_its_parent_with_the_chain() -> None:
    text = _spec_text(
        _cat("a", 100) + _cat("b", 100, "a") + _cat("c", 100, "b") + _cat("d", 100, "c"),
        _ind("x", "d", 100),
    )
    depth = [p for p in _problems(text) if p.code == "category-depth"]
    assert len(depth) == 1  # at the first category too deep, not again below it
    (p,) = depth
    assert p.path == ("categories", 3, "parent")
    line = _line_of(text, 'parent = "c"')
    assert str(p).startswith(f"spec.toml:{line}:")
    assert "'a' → 'b' → 'c' → 'd'" in p.message and "on level 4" in p.message
    assert "a名 → b名 → c名 → d名" in p.message_zh and "第4层" in p.message_zh


def test_three_category_levels_are_valid_and_four_levels_deep_with_the_indicators() -> None:
    text = _spec_text(
        _cat("a", 100) + _cat("b", 100, "a") + _cat("c", 100, "b"), _ind("x", "c", 100)
    )
    spec = perfrules.loads_spec(text)
    assert validate_spec(spec) == []


def test_a_parent_cycle_is_refused_with_the_cycle() -> None:
    text = _spec_text(_cat("a", 100) + _cat("b", 50, "c") + _cat("c", 50, "b"), _ind("x", "a", 100))
    cycle = [p for p in _problems(text) if p.code == "category-cycle"]
    assert [p.path for p in cycle] == [("categories", 1, "parent"), ("categories", 2, "parent")]
    assert "'b' → 'c' → 'b'" in cycle[0].message and "b名 → c名 → b名" in cycle[0].message_zh


def test_goal_only_on_top_categories_and_on_all_of_them() -> None:
    below = _spec_text(
        _cat("g", 100, goal=True) + _cat("o", 100, "g", goal=True), _ind("x", "o", 100)
    )
    (p,) = [p for p in _problems(below) if p.code == "category-goal"]
    assert p.path == ("categories", 1, "goal") and "有上级" in p.message_zh
    line = _line_of(below, 'id = "o"') + 4  # its goal key
    assert str(p).startswith(f"spec.toml:{line}:")
    mixed = _spec_text(
        _cat("g", 60, goal=True) + _cat("o", 60, "g") + _cat("p", 40),
        _ind("x", "o", 60) + _ind("y", "p", 40),
    )
    (p,) = [p for p in _problems(mixed) if p.code == "category-goal"]
    assert p.path == ("categories", 2, "goal") and "全部标为目标" in p.message_zh


def test_level_words_in_the_messages_follow_the_tree() -> None:
    text = _spec_text(
        _cat("a", 100) + _cat("b", 100, "a") + _cat("c", 100, "b"),
        _ind("x", "b", 50) + _ind("y", "c", 50),
    )
    leaf = [p for p in _problems(text) if p.code == "category-not-leaf"]
    assert [p.path for p in leaf] == [("indicators", 0, "category")]
    assert "下设三级指标" in leaf[0].message_zh and "which has 三级 categories" in leaf[0].message
    goal_total = _spec_text(_cat("g", 90, goal=True) + _cat("o", 90, "g"), _ind("x", "o", 90))
    (p,) = [p for p in _problems(goal_total) if p.code == "total"]
    assert p.message_zh.startswith("各年度绩效目标分值合计90分") and p.message.startswith(
        "goal blocks add up"
    )


def test_weights_must_add_up_at_the_third_level() -> None:
    text = _spec_text(
        _cat("a", 100) + _cat("b", 100, "a") + _cat("c", 60, "b") + _cat("d", 40, "b"),
        _ind("x", "c", 60) + _ind("y", "d", 30),
    )
    (p,) = [p for p in _problems(text) if p.code == "weight-sum"]
    assert p.path == ("categories", 3, "weight") and "合计30分" in p.message_zh


# ---------------------------------------------------------------------------
# subtotals


def _tree_text(order: list[str]) -> str:
    """A 四级 tree with its categories in the given order (by id)."""
    cats = {
        "top": _cat("top", 100),
        "mid": _cat("mid", 100, "top"),
        "c1": _cat("c1", 60, "mid"),
        "c2": _cat("c2", 40, "mid"),
    }
    return _spec_text(
        "".join(cats[k] for k in order),
        _ind("i1", "c1", 30) + _ind("i2", "c1", 30) + _ind("i3", "c2", 40),
    )


@pytest.mark.parametrize(
    "order", [["top", "mid", "c1", "c2"], ["c2", "c1", "mid", "top"], ["c1", "top", "c2", "mid"]]
)
def test_subtotals_at_every_level_whatever_the_file_order(order: list[str]) -> None:
    spec = perfrules.loads_spec(_tree_text(order))
    actuals = perfrules.loads_actuals(
        'spec = "t"\nyear = 2024\n[indicators]\ni1 = 5\ni2 = 10\ni3 = 3\n', spec=spec
    )
    ev = perfrules.evaluate(spec, actuals)
    # 5/10 × 30 = 15, 10 ≥ 10 → 30, 3/10 × 40 = 12
    siblings = [k for k in order if k in ("c1", "c2")]  # in file order, after their parent
    scores = {"c1": D(45), "c2": D(12)}
    assert [(c.id, c.level, c.parent, c.score) for c in ev.categories] == [
        ("top", 1, None, D(57)),
        ("mid", 2, "top", D(57)),
        *((k, 3, "mid", scores[k]) for k in siblings),
    ]
    assert ev.total == D(57) and ev.levels == 3 and not ev.goal_blocks
    assert ev.level_names() == ("一级指标", "二级指标", "三级指标", "四级指标")


def test_the_goal_example_subtotals_are_the_sums_of_their_children() -> None:
    spec, actuals = perfrules.load_example(GOALS)
    ev = perfrules.evaluate(spec, actuals)
    by_level = {lvl: [c for c in ev.categories if c.level == lvl] for lvl in (1, 2, 3)}
    assert [c.id for c in by_level[1]] == ["g1", "g2"] and all(c.goal for c in by_level[1])
    assert len(by_level[2]) == 6 and len(by_level[3]) == 8
    assert not any(c.goal for c in [*by_level[2], *by_level[3]])
    for cat in ev.categories:
        kids = ev.children(cat.id)
        parts = [k.score for k in kids] if kids else [r.score for r in ev.indicators_in(cat.id)]
        assert cat.score == sum(parts, D(0)), cat.id
    assert ev.total == sum((c.score for c in by_level[1]), D(0)) + D(19)
    assert ev.level_names("en") == ("Goal", "Level 1", "Level 2", "Indicator")


# ---------------------------------------------------------------------------
# every output shows the depth


def _terminal(ev: perfrules.Evaluation) -> list[str]:
    out = io.StringIO()
    Console(width=200, file=out, color_system=None).print(AuditTable(ev))
    return out.getvalue().splitlines()


def _column_of(lines: list[str], text: str) -> int:
    """The column where ``text`` starts, as a cell of its own (not inside a longer name)."""
    pattern = re.compile(rf"(?<!\S){re.escape(text)}")
    (col,) = {cell_len(line[: m.start()]) for line in lines for m in pattern.finditer(line)}
    return col  # in terminal cells: a CJK character is two


def test_the_terminal_table_puts_each_level_in_its_column() -> None:
    lines = _terminal(perfrules.evaluate(*perfrules.load_example(GOALS)))
    (head,) = [line for line in lines if "目标" in line and "分值" in line]
    cols = [
        cell_len(head[: head.index(h)])
        for h in ("目标", "一级指标", "二级指标", "三级指标", "分值")
    ]
    assert cols == sorted(cols)
    assert _column_of(lines, "年度绩效目") == cols[0]
    assert _column_of(lines, "效益指标") == cols[1]  # 一级 under the goal
    assert _column_of(lines, "社会效益指标") == cols[2]  # 二级
    assert _column_of(lines, "监测数据合格率") >= cols[3] - 1  # the indicator column
    four = _terminal(perfrules.evaluate(*perfrules.load_example(FOUR)))
    (head,) = [line for line in four if "四级指标" in line and "分值" in line]
    assert _column_of(four, "一、示范区建") == cell_len(head[: head.index("三级指标")])


def test_the_two_level_terminal_table_keeps_its_three_name_columns() -> None:
    seed = perfrules.evaluate(*perfrules.load_example(ROOT / "examples/hunan-2024-general-office"))
    (head,) = [line for line in _terminal(seed) if "一级指标" in line]
    assert "四级指标" not in head and "目标" not in head
    assert re.search(r"一级指标\s+二级指标\s+三级指标\s+分值", head)


def _schema() -> Draft202012Validator:
    schema = json.loads((ROOT / "specs/schemas/evaluation.schema.json").read_text("utf-8"))
    return Draft202012Validator(schema)


@pytest.mark.parametrize("folder", [GOALS, FOUR])
def test_the_json_document_carries_levels_parents_and_goals(folder: Path) -> None:
    ev = perfrules.evaluate(*perfrules.load_example(folder))
    doc = perfrules.to_document(ev)
    assert json.loads(perfrules.to_json(ev)) == doc  # the fast writer and the dict agree
    assert not list(_schema().iter_errors(doc))
    cats = {c["id"]: c for c in doc["categories"]}
    assert max(c["level"] for c in cats.values()) == 3
    for c in cats.values():
        if c["parent"] is not None:
            assert cats[c["parent"]]["level"] == c["level"] - 1
        assert c.get("goal", False) is (folder == GOALS and c["level"] == 1)
        assert ("goal" in c) is c.get("goal", False)  # written only on a goal block


def test_the_schema_refuses_a_fourth_level_and_a_false_goal() -> None:
    doc = perfrules.to_document(perfrules.evaluate(*perfrules.load_example(FOUR)))
    deep = json.loads(json.dumps(doc))
    deep["categories"][2]["level"] = 4
    assert list(_schema().iter_errors(deep))
    false_goal = json.loads(json.dumps(doc))
    false_goal["categories"][0]["goal"] = False
    assert list(_schema().iter_errors(false_goal))


def test_the_seed_document_has_no_goal_key() -> None:
    doc = perfrules.to_document(
        perfrules.evaluate(*perfrules.load_example(ROOT / "examples/hunan-2024-general-office"))
    )
    assert all("goal" not in c and c["level"] in (1, 2) for c in doc["categories"])


def test_markdown_tables_have_a_column_per_level() -> None:
    md = to_markdown(perfrules.evaluate(*perfrules.load_example(GOALS)))
    assert md.count("| 一级指标 | 二级指标 | 三级指标 | 分值 |") == 2  # one table per goal block
    assert "### （二）年度绩效目标1：完成年度监测任务（分值40分，得38.75分，扣1.25分）" in md
    assert "| 产出指标 |   |   | 20 |" in md  # 一级 subtotal in the first column
    assert "|   | 数量指标 |   | 10 |" in md  # 二级 in the second
    assert "|   |   | 监测报告期数 | 5 | ≥4期 | 3期 | 3.75 | 1.25 |" in md
    md4 = to_markdown(perfrules.evaluate(*perfrules.load_example(FOUR)))
    assert "| 二级指标 | 三级指标 | 四级指标 | 分值 |" in md4
    assert "|   | 一、示范区建立 |   | 15 |" in md4
    assert "|   |   | 2、玉米种肥同播示范面积 | 5 | ≥1000亩 | 800亩 | 4 | 1 |" in md4


def test_html_tables_have_a_column_per_level() -> None:
    html = to_html(perfrules.evaluate(*perfrules.load_example(FOUR)))
    assert "<th>二级指标</th><th>三级指标</th><th>四级指标</th>" in html
    assert '<tr class="subtotal"><td></td><td>一、示范区建立</td><td></td>' in html
    assert '<tr class="row"><td></td><td></td><td>1、水稻侧深施肥示范面积</td>' in html


def test_the_narrative_numbers_every_level() -> None:
    text = to_narrative(perfrules.evaluate(*perfrules.load_example(GOALS)))
    paras = text.split("\n\n")
    start = paras.index("（二）年度绩效目标1：完成年度监测任务（分值40分，得38.75分，扣1.25分）")
    assert paras[start + 1 : start + 3] == [
        "1、产出指标（分值20分，得18.75分，扣1.25分）",
        "（1）数量指标（分值10分，得8.75分，扣1.25分）",
    ]
    assert "（2）质量指标（分值10分，得10分，未扣分）" in paras
    assert "2、效益指标（分值10分，得10分，未扣分）" in paras  # counted again under goal 1
    four = to_narrative(perfrules.evaluate(*perfrules.load_example(FOUR)), lang="en").split("\n\n")
    assert "1.1 一、示范区建立 (weight 15, score 14, 1 deducted)" in four
    assert "1.2 二、化肥减量增效田间试验 (weight 15, score 14, 1 deducted)" in four


@pytest.mark.parametrize("folder", [GOALS, FOUR])
def test_the_workbook_round_trips_and_its_formulas_give_every_subtotal(
    folder: Path, tmp_path: Path
) -> None:
    spec, actuals = perfrules.load_example(folder)
    ev = perfrules.evaluate(spec, actuals)
    path = write_workbook(spec, actuals, tmp_path / "form.xlsx", evaluation=ev)
    form = read_workbook(path)
    assert (form.spec, form.actuals) == (spec, actuals) and not form.warnings
    assert not compare_declared(form, perfrules.evaluate(form.spec, form.actuals))
    declared = {d.subject for d in form.declared if d.kind == "category"}
    with_subtotal_rows = (1, 2) if folder == GOALS else (1, 3)  # goal + 一级; 一级 + 三级
    assert declared == {c.id for c in ev.categories if c.level in with_subtotal_rows}
    _check_formulas(spec, actuals)


def _check_formulas(spec: perfrules.Spec, actuals: perfrules.Actuals) -> None:
    """Every 小计 and the 总分 is a formula over cells of the layout that gives the evaluation's value."""
    ev = perfrules.evaluate(spec, actuals)
    layout = build_layout(spec, actuals, ev)
    values = {
        split_ref(c.ref): Fraction(c.value) for c in layout.cells if isinstance(c.value, Decimal)
    }
    for c in layout.cells:
        if c.result is None or c.result[0] not in ("category", "total"):
            continue
        expected = ev.total if c.result[0] == "total" else ev.category(c.result[1]).score
        assert c.value == expected
        if c.formula is not None:
            got = evaluate_formula(c.formula, lambda r, col: values.get((r, col)))
            assert got == Fraction(expected), (c.ref, c.formula, got, expected)


def test_the_workbook_shows_goal_bands_and_indented_fourth_level_rows() -> None:
    spec, actuals = perfrules.load_example(GOALS)
    layout = build_layout(spec, actuals, perfrules.evaluate(spec, actuals))
    band = next(c for c in layout.cells if c.value == "年度绩效目标1：完成年度监测任务")
    assert band.field == ("category", "g1", "name") and band.ref.startswith("A")
    row = split_ref(band.ref)[0]
    assert f"A{row}:E{row}" in layout.merges
    goal_total = next(c for c in layout.cells if c.result and c.result[1] == "g1")
    assert re.fullmatch(r"SUM\(G\d+,G\d+,G\d+\)", goal_total.formula or "")  # its 3 一级 小计
    spec, actuals = perfrules.load_example(FOUR)
    layout = build_layout(spec, actuals, perfrules.evaluate(spec, actuals))
    c3 = next(c for c in layout.cells if c.value == "一、示范区建立")
    assert c3.ref.startswith("C") and c3.indent == 0
    rows = [
        c for c in layout.cells if c.field and c.field[0] == "indicator" and c.field[2] == "name"
    ]
    indented = {str(c.field[1]) for c in rows if c.indent == 1}  # type: ignore[index]
    assert indented == {i.id for i in spec.indicators if i.category.startswith("output.quantity.")}
    output = next(c for c in layout.cells if c.result and c.result[1] == "output")
    assert output.formula is not None and "," in output.formula  # the 三级 小计 rows left out


def test_the_batch_plan_walks_the_same_tree() -> None:
    from perfrules.batch._plan import plan_of  # the vector engine's plan of a spec

    spec, _ = perfrules.load_example(FOUR)
    plan = plan_of(spec, {ind.id: k for k, ind in enumerate(spec.indicators)}, False, True)
    ev = perfrules.evaluate(*perfrules.load_example(FOUR))
    assert [(c.id, c.level, c.parent) for c in plan.cats] == [
        (c.id, c.level, c.parent) for c in ev.categories
    ]
    ids = [s.id for s in plan.slots]
    for c in plan.cats:
        under = {ids[k] for k in c.slots}
        assert sum((ev.indicator(i).score for i in under), D(0)) == ev.category(c.id).score


# ---------------------------------------------------------------------------
# docs


def test_the_docs_fragment_is_the_example() -> None:
    doc = (ROOT / "docs" / "spec-format.md").read_text("utf-8")
    start = doc.index("# fragment: the first goal block")
    fragment = tomllib.loads(doc[start : doc.index("```", start)])
    example = tomllib.loads((GOALS / "spec.toml").read_text("utf-8"))
    assert fragment["categories"] == example["categories"][:3]


# ---------------------------------------------------------------------------
# property: generated deep trees


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(cases(deep=True))
def test_property_subtotals_and_total_over_deep_trees(case: Case) -> None:
    spec, actuals = case
    assert validate_spec(spec) == []
    assert check_subtotals(spec, actuals) and check_total(spec, actuals)
    ev = perfrules.evaluate(spec, actuals)
    assert ev.levels == 3 or ev.goal_blocks  # deep: goal blocks, or 三级 categories
    _check_formulas(spec, actuals)
    assert perfrules.loads_spec(perfrules.dumps_spec(spec)) == spec  # goal and parents kept


@pytest.mark.parametrize("folder", [GOALS, FOUR])
def test_the_workbook_goals_block_lists_every_indicator_under_its_top(folder: Path) -> None:
    from perfrules.interchange._layout import goals_text

    spec, actuals = perfrules.load_example(folder)
    expected, _ = goals_text(spec, actuals, perfrules.evaluate(spec, actuals))
    lines = expected.splitlines()
    tops = [c for c in spec.categories if c.parent is None]
    assert [line.split("：")[0] for line in lines] == [t.name.split("：")[0] for t in tops]
    for ind in spec.indicators:  # every row, at any depth, in its top's line
        top = spec.category(ind.category)
        while top.parent is not None:
            top = spec.category(top.parent)
        assert ind.name in lines[tops.index(top)], ind.id


def test_the_goal_mark_is_in_the_digest_only_when_set() -> None:
    from perfrules.core._digest import canonical, spec_sha256

    spec, _ = perfrules.load_example(GOALS)
    plain = attrs.evolve(
        spec, categories=tuple(attrs.evolve(c, goal=False) for c in spec.categories)
    )
    assert spec_sha256(plain) != spec_sha256(spec)  # the goal blocks are part of what is scored
    assert "goal" not in canonical(plain.categories[0])  # left out at false: older digests hold
    assert canonical(spec.categories[0])["goal"] is True
