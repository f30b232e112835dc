"""The annotated example and the error examples of docs/spec-format.md are real.

The doc's example is two fenced ``toml`` blocks whose first lines are
``# file: spec.toml`` and ``# file: actuals.toml``. This test loads them as
they stand, evaluates them and compares the result with the numbers the doc
states (the results table and the total), checks that the example spells out
the defaults the doc claims, and that every problem code the package can
raise is documented with a message the code really produces. If the code or
the doc changes alone, this fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import perfrules
from perfrules.model import DEFAULT_GRADES, DEFAULT_TIERS

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


def _results_rows() -> dict[str, list[str]]:
    doc = _doc()
    start, end = doc.index("<!-- results:begin -->"), doc.index("<!-- results:end -->")
    rows: dict[str, list[str]] = {}
    for line in doc[start:end].splitlines():
        m = re.match(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if m:
            rows[m[1]] = [c.strip() for c in m[2].split("|")]
    return rows


def test_results_table_matches_the_evaluation() -> None:
    """Columns after the id: name | weight (分值) | score (得分) | lost (扣分) | …"""
    ev = _evaluate(spec_text(), actuals_text())
    rows = _results_rows()
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
    codes: set[str] = set()
    pattern = re.compile(r"""(?:c\.add\(|make_problem\(|code=)\s*["']([a-z][a-z-]*)["']""")
    for path in PACKAGE.rglob("*.py"):
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


Mutation = tuple[str, str, str, str]  # (code, "spec" | "actuals" | "both", old, new)

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
]


def _apply(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"mutation target {old!r} must occur exactly once in the doc's example"
    return text.replace(old, new)


def _problems_of(where: str, old: str, new: str) -> list[perfrules.Problem]:
    spec_src, actuals_src = spec_text(), actuals_text()
    if where in ("spec", "both"):
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


@pytest.mark.parametrize(
    ("code", "make"),
    [("missing-budget", _missing_budget), ("no-indicators", _no_indicators), ("tiers", _tiers)],
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


def test_json_format_excerpts_are_real() -> None:
    doc = perfrules.to_document(_evaluate(spec_text(), actuals_text()))
    found = dict(_JSON_EXAMPLE.findall(JSON_DOC.read_text(encoding="utf-8")))
    assert set(found) == {"head", "indicators[0]", "budget_execution", "categories[0:2]", "tail"}
    head = json.loads(found["head"])
    # these two change with the release and with the model, not with the format
    assert isinstance(head.pop("perfrules_version"), str)
    assert re.fullmatch(r"[0-9a-f]{64}", head["spec"].pop("sha256"))
    expected_head = {k: doc[k] for k in ("schema", "schema_version", "spec", "actuals", "policies")}
    expected_head["spec"] = {k: v for k, v in doc["spec"].items() if k != "sha256"}
    assert head == expected_head
    assert json.loads(found["indicators[0]"]) == doc["indicators"][0]
    assert json.loads(found["budget_execution"]) == doc["budget_execution"]
    assert json.loads(found["categories[0:2]"]) == doc["categories"][0:2]
    tail_keys = ("total_weight", "total", "lost", "grade", "grade_steps", "warnings")
    assert json.loads(found["tail"]) == {k: doc[k] for k in tail_keys}
