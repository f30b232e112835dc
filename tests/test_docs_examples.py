"""The annotated examples and the error examples of docs/spec-format.md are real.

The doc's main example is two fenced ``toml`` blocks whose first lines are
``# file: spec.toml`` and ``# file: actuals.toml``; its catalogue example two
blocks starting ``# file: catalogue/spec.toml`` and ``# file:
catalogue/actuals.toml``. This test loads them as they stand, evaluates them
and compares the result with the numbers the doc states (the results tables
and the totals), checks that the main example spells out the defaults the doc
claims, and that every problem code the package can raise is documented with
a message the code really produces (most made by breaking one of the two
examples). If the code or the doc changes alone, this fails.

It also checks the worked cases of docs/scoring.md and the JSON excerpts of
docs/json-format.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfrules
from perfrules.model import DEFAULT_GRADES, DEFAULT_TIERS, Formula

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "spec-format.md"
PACKAGE = ROOT / "perfrules"

_FENCE = re.compile(r"^```toml\n(.*?)^```", re.S | re.M)


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _blocks(marker: str) -> list[str]:
    """Fenced toml blocks whose first line is ``marker``."""
    return [b for b in _FENCE.findall(_doc()) if b.splitlines()[0].strip() == marker]


def _one(marker: str) -> str:
    found = _blocks(marker)
    assert len(found) == 1, f"expected exactly one ```toml block starting with {marker!r}, found {len(found)}"
    return found[0]


def spec_text() -> str:
    return _one("# file: spec.toml")


def actuals_text() -> str:
    return _one("# file: actuals.toml")


def catalogue_spec_text() -> str:
    return _one("# file: catalogue/spec.toml")


def catalogue_actuals_text() -> str:
    return _one("# file: catalogue/actuals.toml")


def _evaluate(spec_src: str, actuals_src: str) -> perfrules.Evaluation:
    spec = perfrules.loads_spec(spec_src, file="spec.toml")
    actuals = perfrules.loads_actuals(actuals_src, file="actuals.toml", spec=spec)
    return perfrules.evaluate(spec, actuals)


# ---------------------------------------------------------------------------
# the annotated example


def test_example_loads_and_gives_the_stated_total() -> None:
    ev = _evaluate(spec_text(), actuals_text())
    m = re.search(r"total \(总分\) is \*\*([0-9.]+)\*\*.*?grade \(等级\) is \*\*([^*]+)\*\*", _doc(), re.S)
    assert m is not None, "the doc must state: total (总分) is **N** … grade (等级) **G**"
    assert ev.total == Decimal(m[1])
    assert ev.grade == m[2]
    assert perfrules.to_document(ev)["total"] == m[1]


def _results_rows(name: str = "results") -> dict[str, list[str]]:
    doc = _doc()
    start, end = doc.index(f"<!-- {name}:begin -->"), doc.index(f"<!-- {name}:end -->")
    rows: dict[str, list[str]] = {}
    for line in doc[start:end].splitlines():
        m = re.match(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if m:
            rows[m[1]] = [c.strip() for c in m[2].split("|")]
    return rows


@pytest.mark.parametrize(
    ("table", "texts"),
    [("results", lambda: (spec_text(), actuals_text())),
     ("catalogue-results", lambda: (catalogue_spec_text(), catalogue_actuals_text()))],
    ids=["main", "catalogue"],
)
def test_results_table_matches_the_evaluation(table: str, texts: Callable[[], tuple[str, str]]) -> None:
    """Columns after the id: name | weight (分值) | score (得分) | lost (扣分) | …"""
    ev = _evaluate(*texts())
    rows = _results_rows(table)
    expected: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for r in ev.indicators:
        expected[r.id] = (r.weight, r.score, r.lost)
    for c in ev.categories:
        expected[c.id] = (c.weight, c.score, c.lost)
    be = ev.budget_execution
    assert be is not None
    expected["budget_execution"] = (be.weight, be.score, be.lost)
    expected["total"] = (ev.total_weight, ev.total, ev.lost)
    assert set(rows) == set(expected), "the results table must list every indicator, category, budget_execution and total"
    for key, (weight, score, lost) in expected.items():
        cells = rows[key]
        assert Decimal(cells[1]) == weight, key
        assert Decimal(cells[2]) == score, key
        assert Decimal(cells[3]) == lost, key


def test_catalogue_example_total_grade_and_details() -> None:
    """The catalogue example's stated total and grade, and what the doc says about it."""
    ev = _evaluate(catalogue_spec_text(), catalogue_actuals_text())
    m = re.search(r"catalogue example totals \*\*([0-9.]+)\*\*, grade \*\*([^*]+)\*\*", _doc())
    assert m is not None
    assert (ev.total, ev.grade) == (Decimal(m[1]), m[2])
    by_id = {r.id: r for r in ev.indicators}
    assert by_id["pilot"].applicable is False
    assert [r.method for r in ev.indicators] == [
        "step", "bands", "per_occurrence", "rate", "bands", "ratio", "inverse_ratio", "not_applicable"
    ]
    assert ev.category("output").applicable_weight == Decimal(45)
    assert [b.id for b in ev.bonus] == ["award"] and ev.vetoes == ()
    assert [(w.code, w.indicator) for w in ev.warnings] == [("overshoot", "trainings")]
    assert ev.budget_execution is not None and ev.budget_execution.citation.id == "budget_execution.method"
    # every catalogue key the doc says the example shows is there
    spec = perfrules.loads_spec(catalogue_spec_text())
    assert spec.policy.overshoot_deduction is not None and spec.policy.total_cap is True
    assert spec.bonus and spec.vetoes and spec.budget_execution is not None
    assert isinstance(spec.budget_execution.method, perfrules.StepDeduction)
    assert isinstance(spec.indicator("budget_adjust").derive, Formula)
    assert spec.indicator("unit_cost").method == perfrules.Bands(
        bands=spec.indicator("unit_cost").method.bands, on=perfrules.BandBasis.DEVIATION  # type: ignore[union-attr]
    )
    actuals = perfrules.loads_actuals(catalogue_actuals_text(), spec=spec)
    assert [f.name for f in actuals.figures] == ["exec_rate"]


def test_round_trip_of_the_catalogue_example() -> None:
    spec = perfrules.loads_spec(catalogue_spec_text())
    actuals = perfrules.loads_actuals(catalogue_actuals_text(), spec=spec)
    spec2 = perfrules.loads_spec(perfrules.dumps_spec(spec))
    assert spec2 == spec
    actuals2 = perfrules.loads_actuals(perfrules.dumps_actuals(actuals), spec=spec2)
    assert perfrules.to_document(perfrules.evaluate(spec2, actuals2)) == perfrules.to_document(
        perfrules.evaluate(spec, actuals)
    )


def test_example_warnings_are_the_ones_the_doc_names() -> None:
    ev = _evaluate(spec_text(), actuals_text())
    assert [(w.code, w.indicator) for w in ev.warnings] == [("overshoot", "potholes_repaired")]
    assert "4200平方米为指标值≥3000平方米的140%" in ev.warnings[0].zh
    assert "140%" in _doc()


def test_example_spells_out_the_defaults() -> None:
    """The doc says the example's [policy], [rounding], [[grades]] and [budget_execution] are the defaults."""
    spec = perfrules.loads_spec(spec_text())
    assert spec.policy == perfrules.Policy()
    assert spec.rounding == perfrules.Rounding()
    assert spec.grades == DEFAULT_GRADES
    assert spec.budget_execution == perfrules.BudgetExecution()
    assert spec.meta.total == Decimal(100)
    assert spec.tiers == DEFAULT_TIERS  # not declared in the example


def test_default_tiers_fragment_is_the_default() -> None:
    fragment = _one("# fragment: the default tiers")
    spec = perfrules.loads_spec(spec_text() + "\n" + fragment)
    assert spec.tiers == DEFAULT_TIERS


def test_round_trip_of_the_example() -> None:
    """Writing the example back to TOML and reading it again evaluates the same."""
    spec = perfrules.loads_spec(spec_text())
    actuals = perfrules.loads_actuals(actuals_text(), spec=spec)
    spec2 = perfrules.loads_spec(perfrules.dumps_spec(spec))
    assert spec2 == spec
    actuals2 = perfrules.loads_actuals(perfrules.dumps_actuals(actuals), spec=spec2)
    before = perfrules.to_document(perfrules.evaluate(spec, actuals))
    after = perfrules.to_document(perfrules.evaluate(spec2, actuals2))
    assert after == before


# ---------------------------------------------------------------------------
# strictness and errors: every code is documented, every example message is real


def _codes_in_package() -> set[str]:
    """Problem and evaluation-warning codes the package raises.

    ``perfrules/lint`` is left out: its findings are neither problems nor
    evaluation warnings and are documented with ``lint``.
    """
    codes: set[str] = set()
    pattern = re.compile(r"""(?:c\.add\(|make_problem\(|code=)\s*["']([a-z][a-z-]*)["']""")
    for path in PACKAGE.rglob("*.py"):
        if (PACKAGE / "lint") in path.parents:
            continue
        codes.update(pattern.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_problem_code_is_documented() -> None:
    doc = _doc()
    section = doc[doc.index("### Problem codes") : doc.index("### Example messages")]
    documented = set(re.findall(r"^\|\s*`([a-z][a-z-]*)`\s*\|", section, re.M))
    codes = _codes_in_package()
    assert codes, "no problem codes found in the package: the pattern is stale"
    assert codes - documented == set(), "problem codes raised by the package but not documented"
    assert documented - codes == set(), "problem codes documented but never raised by the package"


Mutation = tuple[str, str, str, str]
"""(code, where, old, new); where: "spec", "actuals" or "both" break the main example,
"cat-spec" or "cat-actuals" the catalogue example."""

_REQUIRE_SCORE = ('qualitative_default = "tier_top"', 'qualitative_default = "require_score"')

# Each mutation breaks the doc's example in one place; the first problem with
# ``code`` it yields must appear verbatim (``str(problem)``) in the doc.
MUTATIONS: list[Mutation] = [
    ("toml-syntax", "spec", "weight = 50", "weight = = 50"),
    ("unknown-key", "spec", 'weight = 10\ntarget = "≥120公里"', 'wieght = 10\ntarget = "≥120公里"'),
    ("missing-key", "spec", 'weight = 10\ntarget = "≥120公里"', 'target = "≥120公里"'),
    ("invalid-value", "spec", "weight = 6\n", 'weight = "6"\n'),
    ("invalid-value", "spec", 'policy = "proportional"', 'policy = "proportionnal"'),
    ("invalid-value", "spec", 'target = "≥90%"', 'target = "不低于90%"'),
    ("invalid-value", "spec", "weight = 6\n", "weight = 1000000000000000\n"),
    ("invalid-value", "spec", "overshoot_warning = 1.3", "overshoot_warning = true"),
    ("duplicate-id", "spec", 'id = "potholes_repaired"', 'id = "maintained_km"'),
    ("weight", "spec", "weight = 4\n", "weight = 0\n"),
    ("weight-precision", "spec", "weight = 4\n", "weight = 4.005\n"),
    ("unknown-category", "spec", 'category = "output.quality"', 'category = "output.qualty"'),
    ("category-depth", "spec", 'parent = "benefit"\nweight = 10', 'parent = "benefit.social"\nweight = 10'),
    ("category-not-leaf", "spec", 'category = "output.quality"', 'category = "output"'),
    ("empty-category", "spec", 'category = "output.quality"', 'category = "output"'),
    ("weight-sum", "spec", "weight = 6\n", "weight = 7\n"),
    ("total", "spec", "[budget_execution]                       # 预算执行率 row, scored from actuals [budget]\nweight = 10",
     "[budget_execution]                       # 预算执行率 row, scored from actuals [budget]\nweight = 12"),
    ("missing-target", "spec", 'target = "≥90%"\n', ""),
    ("method-target", "spec", 'target_text = "沿线群众出行条件明显改善"', 'target = "≥1次"'),
    ("target-value", "spec", 'target = "≥90%"', 'target = "≥-5%"'),
    ("derive-unit", "spec", 'target = "≤100%"', 'target = "≤100元"'),
    ("grades", "spec", "min = 80", "min = 95"),
    ("rounding", "spec", "score = 0.01", "score = 0.05"),
    ("policy", "spec", "overshoot_warning = 1.3", "overshoot_warning = 1"),
    ("spec-mismatch", "actuals", 'spec = "demo-2024-road-maintenance"', 'spec = "demo-2024-road-maintenanse"'),
    ("year-mismatch", "actuals", "year = 2024", "year = 2023"),
    ("unknown-indicator", "actuals", "good_road_rate = 84", "good_road_rat = 84"),
    ("missing-actual", "actuals", "good_road_rate = 84", "good_road_rat = 84"),
    ("negative", "actuals", "cost_spent = 206", "cost_spent = -206"),
    ("derived-value", "actuals", "cost_control = { note", "cost_control = { value = 103, note"),
    ("missing-amount", "actuals", "cost_spent = 206", "cost_spend = 206"),
    ("zero-denominator", "actuals", "value = 200,", "value = 0,"),
    ("actual-kind", "actuals", "good_road_rate = 84", 'good_road_rate = { value = 84, tier = "达成" }'),
    ("unknown-tier", "actuals", 'tier = "部分达成"', 'tier = "部份达成"'),
    ("score-outside-tier", "actuals", "score = 9,", "score = 7.5,"),
    ("missing-score", "both", *_REQUIRE_SCORE),
    # the catalogue example
    ("method-params", "cat-spec", "per = 1, deduct = 0.5 }", "per = 0, deduct = 0.5 }"),
    ("method-params", "cat-spec", 'target = "=800元"', 'target = "=0元"'),
    ("bands", "cat-spec", "  { min = 10, min_inclusive = false, max = 20, max_inclusive = true, score = 1 },\n", ""),
    ("bands", "cat-spec", "{ min = 20, min_inclusive = false, max = 30,", "{ min = 20, max = 30,"),
    ("bands", "cat-spec", "  { min = 30, min_inclusive = false, score = 0 },\n", ""),
    ("bands", "cat-spec", "score = 0.5 }", "score = 3.5 }"),
    ("bonus", "cat-spec", "cap = 3\n", "cap = 0\n"),
    ("bonus", "cat-actuals", "points = 2,", "points = 4,"),
    ("veto", "cat-spec", 'grade = "差"', 'grade = "极差"'),
    ("veto", "cat-spec", 'effect = "grade"', 'effect = "zero"'),
    ("policy", "cat-spec", "threshold = 1.5", "threshold = 0.5"),
    ("method-target", "cat-spec", 'target = "≥90%"\nmethod = "rate"', 'target = "≥90分"\nmethod = "rate"'),
    ("invalid-value", "cat-spec", "method = { name = \"per_occurrence\", deduct = 1 }", 'method = "per_occurrence"'),
    ("invalid-value", "cat-spec", '{ name = "step", per = 1, deduct = 0.2, partial = "ceil" }', '"rate"'),
    ("invalid-value", "cat-spec", 'on = "deviation"', 'on = "deviance"'),
    ("invalid-value", "cat-spec", "budget.initial) / budget.initial", "budget.initial) /"),
    ("missing-amount", "cat-spec", "/ budget.initial", "/ budget.inital"),
    ("zero-denominator", "cat-actuals", "initial = 450", "initial = 0"),
    ("reason", "cat-actuals", 'not_applicable = "本年度未安排试点项目"', 'not_applicable = " "'),
    ("reason", "cat-actuals", 'reason = "一笔支出附件不全"', 'reason = ""'),
    ("actual-kind", "cat-actuals", "pilot = { not_applicable", "pilot = { value = 1, not_applicable"),
    ("actual-kind", "cat-actuals", "compliance = { value = 1,", "compliance = { value = 1.5,"),
    ("deduction", "cat-actuals", "points = 0.5,", "points = 0.005,"),
    ("unknown-bonus", "cat-actuals", "award = {", "awrd = {"),
    ("unknown-veto", "cat-actuals", "[figures]", '[vetoes]\naudti = "审计发现挪用专项资金"\n\n[figures]'),
    ("invalid-value", "cat-actuals", 'award = { points = 2, reason = "获市级文明单位等两项表彰" }', "award = 2"),
    ("zero-denominator", "cat-actuals", '"budget.spent / budget.full_year"', '"budget.spent / (budget.full_year - 500)"'),
]


def _apply(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"mutation target {old!r} must occur exactly once in the doc's example"
    return text.replace(old, new)


def _problems_of(where: str, old: str, new: str) -> list[perfrules.Problem]:
    if where.startswith("cat-"):
        spec_src, actuals_src = catalogue_spec_text(), catalogue_actuals_text()
    else:
        spec_src, actuals_src = spec_text(), actuals_text()
    if where in ("spec", "both", "cat-spec"):
        spec_src = _apply(spec_src, old, new)
    else:
        actuals_src = _apply(actuals_src, old, new)
    try:
        spec = perfrules.loads_spec(spec_src, file="spec.toml")
        perfrules.loads_actuals(actuals_src, file="actuals.toml", spec=spec)
    except perfrules.SpecError as exc:
        return list(exc.problems)
    return []


@pytest.mark.parametrize(("code", "where", "old", "new"), MUTATIONS, ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTATIONS)])
def test_documented_error_message_is_real(code: str, where: str, old: str, new: str) -> None:
    problems = _problems_of(where, old, new)
    mine = [p for p in problems if p.code == code]
    assert mine, f"mutation gave {[p.code for p in problems]}, not {code!r}"
    assert str(mine[0]) in _doc(), f"the doc should quote: {mine[0]}"


def _missing_budget() -> list[perfrules.Problem]:
    actuals_src = actuals_text()
    start = actuals_src.index("[budget]")
    end = actuals_src.index("[amounts]")
    return _problems_of("actuals", actuals_src[start:end], "")


def _no_indicators() -> list[perfrules.Problem]:
    src = spec_text()
    src = _apply(src[: src.index("# ---- 三级 indicators")], "[meta]\n", "indicators = []\n\n[meta]\n")
    try:
        perfrules.loads_spec(src, file="spec.toml")
    except perfrules.SpecError as exc:
        return list(exc.problems)
    return []


def _tiers() -> list[perfrules.Problem]:
    bad = '\n[[tiers]]\nname = "达成"\nmin = 0.8\nmax = 0.6\n'
    src = spec_text()
    last = src.rstrip().splitlines()[-1]
    return _problems_of("spec", last, last + bad)


def _all_not_applicable() -> list[perfrules.Problem]:
    src = catalogue_actuals_text()
    start, end = src.index("[indicators]\n"), src.index("[bonus]")
    ids = [line.split("=")[0].strip() for line in src[start:end].splitlines()[1:] if "=" in line]
    entries = "".join(f'{i} = {{ not_applicable = "本年度未开展" }}\n' for i in ids)
    return _problems_of("cat-actuals", src[start:end], "[indicators]\n" + entries + "\n")


def _triggered_veto_without_reason() -> list[perfrules.Problem]:
    return _problems_of("cat-actuals", "[figures]", '[vetoes]\naudit = ""\n\n[figures]')


@pytest.mark.parametrize(
    ("code", "make"),
    [
        ("missing-budget", _missing_budget),
        ("no-indicators", _no_indicators),
        ("tiers", _tiers),
        ("not-applicable", _all_not_applicable),
        ("reason", _triggered_veto_without_reason),
    ],
)
def test_documented_error_message_is_real_more(code: str, make: Callable[[], list[perfrules.Problem]]) -> None:
    mine = [p for p in make() if p.code == code]
    assert mine, code
    assert str(mine[0]) in _doc(), f"the doc should quote: {mine[0]}"


def test_file_and_encoding_codes(tmp_path: Path) -> None:
    with pytest.raises(perfrules.SpecError) as missing:
        perfrules.load_spec(tmp_path / "nowhere" / "spec.toml")
    assert [p.code for p in missing.value.problems] == ["file"]
    bad = tmp_path / "spec.toml"
    bad.write_bytes(b'[meta]\nid = "\xff"\n')
    with pytest.raises(perfrules.SpecError) as enc:
        perfrules.load_spec(bad)
    assert [(p.code, p.line) for p in enc.value.problems] == [("encoding", 2)]
    assert "[file]" in _doc() and "[encoding]" in _doc()


# ---------------------------------------------------------------------------
# the worked cases of docs/scoring.md

SCORING = ROOT / "docs" / "scoring.md"


def _table(name: str) -> list[list[str]]:
    doc = SCORING.read_text(encoding="utf-8")
    start, end = doc.index(f"<!-- {name}:begin -->"), doc.index(f"<!-- {name}:end -->")
    rows = []
    for line in doc[start:end].splitlines()[3:]:  # marker, header, separator
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    assert rows, name
    return rows


def _mini_spec(weight: str, indicator: str, *, policy: str = "", rounding: str = "", budget: str = "") -> str:
    total = Decimal(weight) + (Decimal(10) if budget else 0)
    return f"""
[meta]
id = "case"
title = "case"
unit = "case"
year = 2024
kind = "项目支出"
total = {total}
{budget}
[policy]
{policy}
[rounding]
{rounding}
[[grades]]
name = "—"
min = 0
[[categories]]
id = "c"
name = "c"
weight = {weight}
[[indicators]]
id = "i"
name = "i"
category = "c"
weight = {weight}
{indicator}
"""


def _cell(text: str) -> str:
    return text.strip("`").strip()


QUANT_CASES = _table("quantitative-cases")
QUAL_CASES = _table("qualitative-cases")
BUDGET_CASES = _table("budget-cases")


@pytest.mark.parametrize("row", QUANT_CASES, ids=[f"{r[0]}|{r[1]}|{r[3]}" for r in QUANT_CASES])
def test_scoring_quantitative_case(row: list[str]) -> None:
    target, actual, weight, declared, score, met = (_cell(c) for c in row[:6])
    indicator, policy = f'target = "{target}"', ""
    if declared.startswith("policy."):
        policy = declared.removeprefix("policy.")
    elif declared.startswith("method"):
        indicator += "\n" + declared
    else:
        assert declared == "—", declared
    ev = _evaluate(_mini_spec(weight, indicator, policy=policy), f"[indicators]\ni = {actual}\n")
    res = ev.indicators[0]
    assert res.score == Decimal(score)
    assert res.met is {"true": True, "false": False}[met]
    assert (res.reason is None) == (res.lost == 0)


@pytest.mark.parametrize("row", QUAL_CASES, ids=[f"{r[0]}|{r[1]}|{r[2]}|{r[3]}" for r in QUAL_CASES])
def test_scoring_qualitative_case(row: list[str]) -> None:
    weight, quantum, tier, entered, score = (_cell(c) for c in row[:5])
    entry = f'{{ tier = "{tier}"' + ("" if entered == "—" else f", score = {entered}") + " }"
    spec_src = _mini_spec(weight, 'target_text = "x"', rounding=f"score = {quantum}\ntotal = {quantum}")
    ev = _evaluate(spec_src, f"[indicators]\ni = {entry}\n")
    assert ev.indicators[0].score == Decimal(score)


@pytest.mark.parametrize("row", BUDGET_CASES, ids=[f"{r[0]}|{r[1]}|{r[2]}|{r[3]}" for r in BUDGET_CASES])
def test_scoring_budget_case(row: list[str]) -> None:
    full_year, spent, policy, score = (_cell(c) for c in row[:4])
    budget = f'[budget_execution]\nweight = 10\npolicy = "{policy}"\n'
    spec_src = _mini_spec("90", 'target = "≥1"', budget=budget)
    ev = _evaluate(spec_src, f"[budget]\nfull_year = {full_year}\nspent = {spent}\n[indicators]\ni = 1\n")
    assert ev.budget_execution is not None
    assert ev.budget_execution.score == Decimal(score)


def test_scoring_seed_budget_execution() -> None:
    """scoring.md: the seed's 94.48% gives 9 under round_whole (the report's score) and a total of 99."""
    spec, actuals = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    ev = perfrules.evaluate(spec, actuals)
    assert ev.budget_execution is not None
    assert (ev.budget_execution.rate_display, ev.budget_execution.score, ev.total, ev.grade) == (
        "94.48%",
        Decimal(9),
        Decimal(99),
        "优",
    )
    assert {w.indicator for w in ev.warnings} == {"counsellor_proposals", "volunteer_activities"}


# ---------------------------------------------------------------------------
# the excerpts of docs/json-format.md are the example's real document

JSON_DOC = ROOT / "docs" / "json-format.md"
_JSON_EXAMPLE = re.compile(r"<!-- example: ([^ ]+) -->\n```json\n(.*?)^```", re.S | re.M)


TAIL_KEYS = ("total_weight", "total", "lost", "grade", "grade_steps", "total_steps", "bonus", "vetoes", "framework",
             "losses", "warnings")  # fmt: skip
CATALOGUE_TOTAL_KEYS = ("total_weight", "total", "lost", "grade", "total_steps", "bonus", "vetoes")


def json_excerpts() -> dict[str, Any]:
    """What each ``<!-- example: NAME -->`` excerpt of json-format.md must be (head: minus the volatile fields)."""
    doc = perfrules.to_document(_evaluate(spec_text(), actuals_text()))
    cat = perfrules.to_document(_evaluate(catalogue_spec_text(), catalogue_actuals_text()))
    head = {k: doc[k] for k in ("schema", "schema_version", "spec", "actuals", "policies")}
    head["spec"] = {k: v for k, v in doc["spec"].items() if k != "sha256"}
    return {
        "head": head,
        "indicators[0]": doc["indicators"][0],
        "budget_execution": doc["budget_execution"],
        "categories[0:2]": doc["categories"][0:2],
        "tail": {k: doc[k] for k in TAIL_KEYS},
        "catalogue:categories[1]": cat["categories"][1],
        "catalogue:indicators[7]": cat["indicators"][7],
        "catalogue:indicators[0]": cat["indicators"][0],
        "catalogue:total": {k: cat[k] for k in CATALOGUE_TOTAL_KEYS},
    }


def test_json_format_excerpts_are_real() -> None:
    found = dict(_JSON_EXAMPLE.findall(JSON_DOC.read_text(encoding="utf-8")))
    expected = json_excerpts()
    assert set(found) == set(expected)
    head = json.loads(found["head"])
    # these two change with the release and with the model, not with the format
    assert isinstance(head.pop("perfrules_version"), str)
    assert re.fullmatch(r"[0-9a-f]{64}", head["spec"].pop("sha256"))
    assert head == expected.pop("head")
    for name, value in expected.items():
        assert json.loads(found[name]) == value, name


def test_prose_examples_of_a_problem_are_real() -> None:
    """The `str(problem)` example and its Chinese text in "Strictness and errors" are what the code gives."""
    mutation = ('weight = 10\ntarget = "≥120公里"', 'wieght = 10\ntarget = "≥120公里"')
    problem = [p for p in _problems_of("spec", *mutation) if p.code == "unknown-key"][0]
    doc = _doc()
    section = doc[doc.index("## Strictness and errors") : doc.index("### Problem codes")]
    assert f"```text\n{problem}\n```" in section
    assert f"`{problem.text('zh')}`" in doc


# ---------------------------------------------------------------------------
# the rule catalogue in docs/scoring.md


def _scoring_fragment(name: str) -> str:
    """The ``method = …`` line of a ``# fragment: <name>`` toml block of scoring.md."""
    blocks = [b for b in _FENCE.findall(SCORING.read_text(encoding="utf-8")) if b.splitlines()[0] == f"# fragment: {name}"]
    assert len(blocks) == 1, name
    return "\n".join(line for line in blocks[0].splitlines() if not line.startswith("#"))


def _one_indicator(weight: str, indicator: str, actual: str, *, policy: str = "") -> perfrules.IndicatorResult:
    return _evaluate(_mini_spec(weight, indicator, policy=policy), f"[indicators]\ni = {actual}\n").indicators[0]


def _check(res: perfrules.IndicatorResult, score: str, met: str | None = None) -> None:
    assert res.score == Decimal(score)
    if met is not None:
        assert res.met is {"true": True, "false": False}[met]
    assert (res.reason is None) == (res.lost == 0)


STEP_CASES = _table("step-cases")
BANDS_CASES = _table("bands-cases")
RATE_CASES = _table("rate-cases")
OCCURRENCE_CASES = _table("occurrence-cases")
BUDGET_METHOD_CASES = _table("budget-method-cases")
OVERSHOOT_CASES = _table("overshoot-cases")


@pytest.mark.parametrize("row", STEP_CASES, ids=[f"{r[0]}|{r[1]}|{r[3]}" for r in STEP_CASES])
def test_scoring_step_case(row: list[str]) -> None:
    target, actual, weight, method, score, met = (_cell(c) for c in row[:6])
    res = _one_indicator(weight, f'target = "{target}"\nmethod = {method}', actual)
    _check(res, score, met)
    assert (res.method, res.citation.id) == ("step", "step")


@pytest.mark.parametrize("row", BANDS_CASES, ids=[f"{r[0]}|{r[1]}|{r[3]}" for r in BANDS_CASES])
def test_scoring_bands_case(row: list[str]) -> None:
    target, actual, weight, bands, score, met = (_cell(c) for c in row[:6])
    res = _one_indicator(weight, f'target = "{target}"\n' + _scoring_fragment(f"{bands} bands"), actual)
    _check(res, score, met)
    assert (res.method, res.citation.id) == ("bands", "bands")


@pytest.mark.parametrize("row", RATE_CASES, ids=[f"{r[0]}|{r[1]}|{r[2]}" for r in RATE_CASES])
def test_scoring_rate_case(row: list[str]) -> None:
    target, actual, weight, score, met = (_cell(c) for c in row[:5])
    res = _one_indicator(weight, f'target = "{target}"\nmethod = "rate"', actual)
    _check(res, score, met)
    assert (res.method, res.citation.id) == ("rate", "rate")


@pytest.mark.parametrize("row", OCCURRENCE_CASES, ids=[f"{r[0]}|{r[2]}" for r in OCCURRENCE_CASES])
def test_scoring_occurrence_case(row: list[str]) -> None:
    count, weight, deduct, score, met = (_cell(c) for c in row[:5])
    method = f'method = {{ name = "per_occurrence", deduct = {deduct} }}'
    res = _one_indicator(weight, f'target = "=0例"\n{method}', count)
    _check(res, score, met)
    assert (res.method, res.citation.id) == ("per_occurrence", "per_occurrence")


@pytest.mark.parametrize("row", BUDGET_METHOD_CASES, ids=[f"{r[1]}|{r[2]}" for r in BUDGET_METHOD_CASES])
def test_scoring_budget_method_case(row: list[str]) -> None:
    full_year, spent, method, score = (_cell(c) for c in row[:4])
    line = _scoring_fragment(method) if method.endswith(" bands") else f"method = {method}"
    spec_src = _mini_spec("90", 'target = "≥1"', budget=f"[budget_execution]\nweight = 10\n{line}\n")
    ev = _evaluate(spec_src, f"[budget]\nfull_year = {full_year}\nspent = {spent}\n[indicators]\ni = 1\n")
    be = ev.budget_execution
    assert be is not None
    assert be.score == Decimal(score)
    assert be.citation.id == "budget_execution.method"
    assert be.policy == ("method bands" if method.endswith(" bands") else "method step")  # the method scored the row
    assert (be.reason is None) == (be.lost == 0)


@pytest.mark.parametrize("row", OVERSHOOT_CASES, ids=[f"{r[0]}|{r[1]}|{r[2]}" for r in OVERSHOOT_CASES])
def test_scoring_overshoot_deduction_case(row: list[str]) -> None:
    target, actual, partial, score = (_cell(c) for c in row[:4])
    policy = f'overshoot_deduction = {{ threshold = 1.3, per = 0.1, deduct = 0.5, partial = "{partial}" }}'
    res = _one_indicator("10", f'target = "{target}"', actual, policy=policy)
    _check(res, score)
    deducted = any("[overshoot_deduction]" in s.en for s in res.steps)
    assert deducted == (res.score < Decimal(10) and res.met is True)


def _demo() -> perfrules.Evaluation:
    return perfrules.evaluate(*perfrules.load_example(ROOT / "examples" / "catalogue-demo"))


def test_scoring_worked_example_is_the_catalogue_demo() -> None:
    ev = _demo()
    rows = {r[0].strip("`"): r for r in _table("demo")}
    expected: dict[str, tuple[Decimal, Decimal, Decimal, str, str]] = {
        r.id: (r.weight, r.score, r.lost, r.method, f"`{r.citation.id}`") for r in ev.indicators
    }
    be = ev.budget_execution
    assert be is not None
    expected["budget_execution"] = (be.weight, be.score, be.lost, "bands", f"`{be.citation.id}`")
    for c in ev.categories:
        expected[c.id] = (c.weight, c.score, c.lost, "", "")
    expected["total"] = (ev.total_weight, ev.total, ev.lost, "", "")
    assert set(rows) == set(expected)
    for key, (weight, score, lost, method, citation) in expected.items():
        cells = rows[key]
        assert (Decimal(cells[2]), Decimal(cells[3]), Decimal(cells[4])) == (weight, score, lost), key
        assert (cells[5], cells[6]) == (method, citation), key
    assert (ev.total, ev.grade) == (Decimal("84.83"), "良")
    doc = SCORING.read_text(encoding="utf-8")
    assert "**84.83**, grade **良**" in doc

    def block(name: str) -> list[str]:
        start, end = doc.index(f"<!-- {name}:begin -->"), doc.index(f"<!-- {name}:end -->")
        m = re.search(r"```text\n(.*?)```", doc[start:end], re.S)
        assert m is not None, name
        return m[1].splitlines()

    assert block("demo-total-steps") == [s.zh for s in ev.total_steps]
    assert block("demo-compliance-steps") == [s.zh for s in ev.indicator("compliance").steps]


def test_scoring_sources_table_is_the_citation_catalogue() -> None:
    from perfrules.core._citations import ALL

    rows = _table("sources")
    assert [(r[0].strip("`"), r[2], r[3]) for r in rows] == [(c.id, c.document, c.status) for c in ALL]
    doc = SCORING.read_text(encoding="utf-8")
    start, end = doc.index("<!-- source-texts:begin -->"), doc.index("<!-- source-texts:end -->")
    texts = re.findall(r"^\* \*\*`([^`]+)`\*\* \(([a-z]+)\): (.*)$", doc[start:end], re.M)
    assert texts == [(c.id, c.status, c.text) for c in ALL]
    statuses = re.findall(r"^\* `([a-z]+)` — ", doc[doc.index("## Sources and their status") :], re.M)
    assert set(statuses) == {c.status for c in ALL}
