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
docs/json-format.md; and, last, that every fenced block of README.md and
docs/*.md is run or checked by some test (DOC_BLOCKS says which, or why not).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
import tokenize
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfrules
from perfrules import _codes as codes
from perfrules._codes import PROBLEMS, SPEC_FORMAT, WARNINGS
from perfrules.core._result import deferred_warning
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
    assert len(found) == 1, (
        f"expected exactly one ```toml block starting with {marker!r}, found {len(found)}"
    )
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
    m = re.search(
        r"total \(总分\) is \*\*([0-9.]+)\*\*.*?grade \(等级\) is \*\*([^*]+)\*\*", _doc(), re.S
    )
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
    [
        ("results", lambda: (spec_text(), actuals_text())),
        ("catalogue-results", lambda: (catalogue_spec_text(), catalogue_actuals_text())),
    ],
    ids=["main", "catalogue"],
)
def test_results_table_matches_the_evaluation(
    table: str, texts: Callable[[], tuple[str, str]]
) -> None:
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
    assert set(rows) == set(expected), (
        "the results table must list every indicator, category, budget_execution and total"
    )
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
        "step",
        "bands",
        "per_occurrence",
        "rate",
        "bands",
        "ratio",
        "inverse_ratio",
        "not_applicable",
    ]
    assert ev.category("output").applicable_weight == Decimal(45)
    assert [b.id for b in ev.bonus] == ["award"] and ev.vetoes == ()
    assert [(w.code, w.indicator) for w in ev.warnings] == [("overshoot", "trainings")]
    assert (
        ev.budget_execution is not None
        and ev.budget_execution.citation.id == "budget_execution.method"
    )
    # every catalogue key the doc says the example shows is there
    spec = perfrules.loads_spec(catalogue_spec_text())
    assert spec.policy.overshoot_deduction is not None and spec.policy.total_cap is True
    assert spec.bonus and spec.vetoes and spec.budget_execution is not None
    assert isinstance(spec.budget_execution.method, perfrules.StepDeduction)
    assert isinstance(spec.indicator("budget_adjust").derive, Formula)
    assert spec.indicator("unit_cost").method == perfrules.Bands(
        bands=spec.indicator("unit_cost").method.bands,
        on=perfrules.BandBasis.DEVIATION,  # type: ignore[union-attr]
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


def test_tier_synonyms_fragment_adds_words() -> None:
    fragment = _one("# fragment: synonyms added to the default tiers")
    spec = perfrules.loads_spec(spec_text() + "\n" + fragment)
    assert spec.tiers == DEFAULT_TIERS  # not redeclared
    assert spec.tier("超额完成").name == "达成年度指标"
    assert spec.tier("大部分完成").name == "部分达成年度指标并具有一定效果"
    assert spec.tier("已完成").name == "达成年度指标"  # a default word still works


def test_partial_table_fragment_scores_without_a_grade() -> None:
    spec = perfrules.loads_spec(_one("# fragment: a partial table"))
    actuals = perfrules.loads_actuals(
        "[indicators]\n[budget]\nfull_year = 100\nspent = 94.48\n", spec=spec
    )
    ev = perfrules.evaluate(spec, actuals)
    assert (ev.total, ev.total_weight, ev.grade) == (Decimal("9.45"), Decimal(10), None)
    assert ev.partial == "原文只公开了预算执行率一行"


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
    pattern = re.compile(
        r"""(?:c\.add\(|make_problem\(|deferred_warning\(|code=)\s*["']([a-z][a-z-]*)["']"""
    )
    for path in PACKAGE.rglob("*.py"):
        if (PACKAGE / "lint") in path.parents:
            continue
        codes.update(pattern.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_problem_code_is_documented() -> None:
    """Cross-check of the catalogue against the package and the docs: a code the package raises
    has an entry; the page an entry names lists it; an entry is raised somewhere."""
    doc = _doc()
    section = doc[doc.index("### Problem codes") : doc.index("### Example messages")]
    documented = set(re.findall(r"^\|\s*`([a-z][a-z-]*)`\s*\|", section, re.M))
    codes = _codes_in_package()
    assert codes, "no problem codes found in the package: the pattern is stale"
    catalogued = set(PROBLEMS) | set(WARNINGS)
    assert codes - catalogued == set(), "problem codes raised by the package but not catalogued"
    on_page = {code for code, c in PROBLEMS.items() if c.page == SPEC_FORMAT} | set(WARNINGS)
    assert codes - documented <= catalogued - on_page, "raised, not listed in spec-format.md"
    assert documented == on_page, "spec-format.md's code tables differ from the catalogue"
    for code, c in PROBLEMS.items():
        page = (ROOT / "docs" / f"{c.page}.md").read_text(encoding="utf-8")
        assert f"`{code}`" in page, f"{code!r} is not named in docs/{c.page}.md"
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in PACKAGE.rglob("*.py")
        if path.name not in {"_codes.py", "_messages.py"} and (PACKAGE / "lint") not in path.parents
    )
    never = {code for code in catalogued if f'"{code}"' not in source}
    assert never == set(), "catalogued codes that nothing in the package raises"


def test_the_code_tables_are_generated_from_the_catalogue() -> None:
    """docs/spec-format.md's two code tables are byte for byte what perfrules/_codes.py renders
    (regenerate: ``python -m perfrules._codes docs/spec-format.md``)."""
    doc = _doc()
    assert doc.count(codes.BEGIN) == 2 and doc.count(codes.END) == 2
    assert codes.render_docs(doc) == doc, "stale: run python -m perfrules._codes"
    assert "\n\n" + codes.problem_table() + "\n" in doc
    assert "\n\n" + codes.warning_table() + "\n" in doc
    # a changed entry shows: the check is not vacuous
    stale = doc.replace("| `weight` | spec | ", "| `weight` | actuals | ", 1)
    assert stale != doc and codes.render_docs(stale) == doc


def test_the_code_command_rewrites_and_checks_the_page(tmp_path: Path) -> None:
    page = tmp_path / "spec-format.md"
    page.write_text(_doc().replace("| `weight` | spec | ", "| `weight` | ? | ", 1), "utf-8")
    assert codes.main(["--check", str(page)]) == 1
    assert codes.main([str(page)]) == 0
    assert page.read_text(encoding="utf-8") == _doc()
    assert codes.main(["--check", str(page)]) == 0


def test_a_code_not_in_the_catalogue_is_refused() -> None:
    """A typo'd (or new, undocumented) code fails at construction: Problem, ScoreWarning and the
    core's deferred warning alike; every catalogued code is accepted."""
    typo = "unknown code 'unknwon-key' .did you mean 'unknown-key'"
    with pytest.raises(ValueError, match=typo):
        perfrules.Problem(code="unknwon-key", message="m", message_zh="m")
    with pytest.raises(ValueError, match="unknown code 'overshot'"):
        perfrules.ScoreWarning(code="overshot", zh="z", en="e")
    with pytest.raises(ValueError, match="unknown code 'strict'"):
        deferred_warning("strict", None, None, lambda: ("z", "e"))
    with pytest.raises(ValueError, match="unknown code 'overshoot'"):
        perfrules.Problem(code="overshoot", message="a warning code", message_zh="m")
    for code in PROBLEMS:
        assert perfrules.Problem(code=code, message="m", message_zh="m").code == code
    for code in WARNINGS:
        assert perfrules.ScoreWarning(code=code, zh="z", en="e").code == code
        assert deferred_warning(code, None, None, lambda: ("z", "e")).text("en") == "e"


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
    (
        "category-depth",
        "spec",
        'parent = "benefit"\nweight = 10',
        'parent = "benefit.mid"\nweight = 10\n[[categories]]\nid = "benefit.mid"\n'
        'name = "中间层"\nparent = "benefit.social"\nweight = 10',
    ),
    ("category-not-leaf", "spec", 'category = "output.quality"', 'category = "output"'),
    ("empty-category", "spec", 'category = "output.quality"', 'category = "output"'),
    ("weight-sum", "spec", "weight = 6\n", "weight = 7\n"),
    (
        "total",
        "spec",
        "[budget_execution]                       # 预算执行率 row, scored from actuals [budget]\nweight = 10",
        "[budget_execution]                       # 预算执行率 row, scored from actuals [budget]\nweight = 12",
    ),
    ("missing-target", "spec", 'target = "≥90%"\n', ""),
    ("method-target", "spec", 'target_text = "沿线群众出行条件明显改善"', 'target = "≥1次"'),
    ("target-value", "spec", 'target = "≥90%"', 'target = "≥-5%"'),
    ("derive-unit", "spec", 'target = "≤100%"', 'target = "≤100元"'),
    ("grades", "spec", "min = 80", "min = 95"),
    ("rounding", "spec", "score = 0.01", "score = 0.05"),
    ("policy", "spec", "overshoot_warning = 1.3", "overshoot_warning = 1"),
    (
        "spec-mismatch",
        "actuals",
        'spec = "demo-2024-road-maintenance"',
        'spec = "demo-2024-road-maintenanse"',
    ),
    ("year-mismatch", "actuals", "year = 2024", "year = 2023"),
    ("unknown-indicator", "actuals", "good_road_rate = 84", "good_road_rat = 84"),
    ("missing-actual", "actuals", "good_road_rate = 84", "good_road_rat = 84"),
    ("negative", "actuals", "cost_spent = 206", "cost_spent = -206"),
    ("derived-value", "actuals", "cost_control = { note", "cost_control = { value = 103, note"),
    ("missing-amount", "actuals", "cost_spent = 206", "cost_spend = 206"),
    ("zero-denominator", "actuals", "value = 200,", "value = 0,"),
    (
        "actual-kind",
        "actuals",
        "good_road_rate = 84",
        'good_road_rate = { value = 84, tier = "达成" }',
    ),
    ("unknown-tier", "actuals", 'tier = "部分达成"', 'tier = "部份达成"'),
    ("score-outside-tier", "actuals", "score = 9,", "score = 7.5,"),
    ("missing-score", "both", *_REQUIRE_SCORE),
    # the catalogue example
    ("method-params", "cat-spec", "per = 1, deduct = 0.5 }", "per = 0, deduct = 0.5 }"),
    ("method-params", "cat-spec", 'target = "=800元"', 'target = "=0元"'),
    (
        "bands",
        "cat-spec",
        "  { min = 10, min_inclusive = false, max = 20, max_inclusive = true, score = 1 },\n",
        "",
    ),
    ("bands", "cat-spec", "{ min = 20, min_inclusive = false, max = 30,", "{ min = 20, max = 30,"),
    ("bands", "cat-spec", "  { min = 30, min_inclusive = false, score = 0 },\n", ""),
    ("bands", "cat-spec", "score = 0.5 }", "score = 3.5 }"),
    ("bonus", "cat-spec", "cap = 3\n", "cap = 0\n"),
    ("bonus", "cat-actuals", "points = 2,", "points = 4,"),
    ("veto", "cat-spec", 'grade = "差"', 'grade = "极差"'),
    ("veto", "cat-spec", 'effect = "grade"', 'effect = "zero"'),
    ("policy", "cat-spec", "threshold = 1.5", "threshold = 0.5"),
    (
        "method-target",
        "cat-spec",
        'target = "≥90%"\nmethod = "rate"',
        'target = "≥90分"\nmethod = "rate"',
    ),
    (
        "invalid-value",
        "cat-spec",
        'method = { name = "per_occurrence", deduct = 1 }',
        'method = "per_occurrence"',
    ),
    (
        "invalid-value",
        "cat-spec",
        '{ name = "step", per = 1, deduct = 0.2, partial = "ceil" }',
        '"rate"',
    ),
    ("invalid-value", "cat-spec", 'on = "deviation"', 'on = "deviance"'),
    ("invalid-value", "cat-spec", "budget.initial) / budget.initial", "budget.initial) /"),
    ("missing-amount", "cat-spec", "/ budget.initial", "/ budget.inital"),
    ("zero-denominator", "cat-actuals", "initial = 450", "initial = 0"),
    ("reason", "cat-actuals", 'not_applicable = "本年度未安排试点项目"', 'not_applicable = " "'),
    ("reason", "cat-actuals", 'reason = "一笔支出附件不全"', 'reason = ""'),
    (
        "actual-kind",
        "cat-actuals",
        "pilot = { not_applicable",
        "pilot = { value = 1, not_applicable",
    ),
    ("actual-kind", "cat-actuals", "compliance = { value = 1,", "compliance = { value = 1.5,"),
    ("deduction", "cat-actuals", "points = 0.5,", "points = 0.005,"),
    ("unknown-bonus", "cat-actuals", "award = {", "awrd = {"),
    (
        "unknown-veto",
        "cat-actuals",
        "[figures]",
        '[vetoes]\naudti = "审计发现挪用专项资金"\n\n[figures]',
    ),
    (
        "invalid-value",
        "cat-actuals",
        'award = { points = 2, reason = "获市级文明单位等两项表彰" }',
        "award = 2",
    ),
    (
        "zero-denominator",
        "cat-actuals",
        '"budget.spent / budget.full_year"',
        '"budget.spent / (budget.full_year - 500)"',
    ),
]


def _apply(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, (
        f"mutation target {old!r} must occur exactly once in the doc's example"
    )
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


@pytest.mark.parametrize(
    ("code", "where", "old", "new"), MUTATIONS, ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTATIONS)]
)
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
    src = _apply(
        src[: src.index("# ---- 三级 indicators")], "[meta]\n", "indicators = []\n\n[meta]\n"
    )
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
def test_documented_error_message_is_real_more(
    code: str, make: Callable[[], list[perfrules.Problem]]
) -> None:
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


def _mini_spec(
    weight: str, indicator: str, *, policy: str = "", rounding: str = "", budget: str = ""
) -> str:
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


@pytest.mark.parametrize(
    "row", QUAL_CASES, ids=[f"{r[0]}|{r[1]}|{r[2]}|{r[3]}" for r in QUAL_CASES]
)
def test_scoring_qualitative_case(row: list[str]) -> None:
    weight, quantum, tier, entered, score = (_cell(c) for c in row[:5])
    entry = f'{{ tier = "{tier}"' + ("" if entered == "—" else f", score = {entered}") + " }"
    spec_src = _mini_spec(
        weight, 'target_text = "x"', rounding=f"score = {quantum}\ntotal = {quantum}"
    )
    ev = _evaluate(spec_src, f"[indicators]\ni = {entry}\n")
    assert ev.indicators[0].score == Decimal(score)


@pytest.mark.parametrize(
    "row", BUDGET_CASES, ids=[f"{r[0]}|{r[1]}|{r[2]}|{r[3]}" for r in BUDGET_CASES]
)
def test_scoring_budget_case(row: list[str]) -> None:
    full_year, spent, policy, score = (_cell(c) for c in row[:4])
    budget = f'[budget_execution]\nweight = 10\npolicy = "{policy}"\n'
    spec_src = _mini_spec("90", 'target = "≥1"', budget=budget)
    ev = _evaluate(
        spec_src, f"[budget]\nfull_year = {full_year}\nspent = {spent}\n[indicators]\ni = 1\n"
    )
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


TAIL_KEYS = (
    "total_weight",
    "total",
    "lost",
    "grade",
    "grade_steps",
    "total_steps",
    "bonus",
    "vetoes",
    "framework",
    "losses",
    "warnings",
)
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
    blocks = [
        b
        for b in _FENCE.findall(SCORING.read_text(encoding="utf-8"))
        if b.splitlines()[0] == f"# fragment: {name}"
    ]
    assert len(blocks) == 1, name
    return "\n".join(line for line in blocks[0].splitlines() if not line.startswith("#"))


def _one_indicator(
    weight: str, indicator: str, actual: str, *, policy: str = ""
) -> perfrules.IndicatorResult:
    return _evaluate(
        _mini_spec(weight, indicator, policy=policy), f"[indicators]\ni = {actual}\n"
    ).indicators[0]


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
    assert res.method == "step"
    # the Yueyang text ("≦100%，每超过一个百分点扣0.5分/1分") is cited only for a row with that rule
    quoted = target in ("≤100%", "<100%") and re.fullmatch(
        r"\{ name = \"step\", per = 1, deduct = (0\.5|1)(, partial = \"\w+\")? \}", method
    )
    assert (res.citation.id if res.citation else None) == ("step" if quoted else None)


@pytest.mark.parametrize("row", BANDS_CASES, ids=[f"{r[0]}|{r[1]}|{r[3]}" for r in BANDS_CASES])
def test_scoring_bands_case(row: list[str]) -> None:
    target, actual, weight, bands, score, met = (_cell(c) for c in row[:6])
    res = _one_indicator(
        weight, f'target = "{target}"\n' + _scoring_fragment(f"{bands} bands"), actual
    )
    _check(res, score, met)
    assert res.method == "bands"
    # the 重点支出安排率 text is cited only for its own table (≥90% 5, 80–90 4, 70–80 3, 60–70 2, <60 0)
    quoted = bands == "key_spending" and target.endswith("%")
    assert (res.citation.id if res.citation else None) == ("bands" if quoted else None)


@pytest.mark.parametrize("row", RATE_CASES, ids=[f"{r[0]}|{r[1]}|{r[2]}" for r in RATE_CASES])
def test_scoring_rate_case(row: list[str]) -> None:
    target, actual, weight, score, met = (_cell(c) for c in row[:5])
    res = _one_indicator(weight, f'target = "{target}"\nmethod = "rate"', actual)
    _check(res, score, met)
    assert res.method == "rate"
    quoted = target.endswith("%")  # the text scores a completion rate in %
    assert (res.citation.id if res.citation else None) == ("rate" if quoted else None)


@pytest.mark.parametrize("row", OCCURRENCE_CASES, ids=[f"{r[0]}|{r[2]}" for r in OCCURRENCE_CASES])
def test_scoring_occurrence_case(row: list[str]) -> None:
    count, weight, deduct, score, met = (_cell(c) for c in row[:5])
    method = f'method = {{ name = "per_occurrence", deduct = {deduct} }}'
    res = _one_indicator(weight, f'target = "=0例"\n{method}', count)
    _check(res, score, met)
    assert res.method == "per_occurrence"
    quoted = Decimal(deduct) == 1  # "每出现一例不符合要求的扣1分"
    assert (res.citation.id if res.citation else None) == ("per_occurrence" if quoted else None)


@pytest.mark.parametrize(
    "row", BUDGET_METHOD_CASES, ids=[f"{r[1]}|{r[2]}" for r in BUDGET_METHOD_CASES]
)
def test_scoring_budget_method_case(row: list[str]) -> None:
    full_year, spent, method, score = (_cell(c) for c in row[:4])
    line = _scoring_fragment(method) if method.endswith(" bands") else f"method = {method}"
    spec_src = _mini_spec(
        "90", 'target = "≥1"', budget=f"[budget_execution]\nweight = 10\n{line}\n"
    )
    ev = _evaluate(
        spec_src, f"[budget]\nfull_year = {full_year}\nspent = {spent}\n[indicators]\ni = 1\n"
    )
    be = ev.budget_execution
    assert be is not None
    assert be.score == Decimal(score)
    assert be.citation.id == "budget_execution.method"
    assert be.policy == (
        "method bands" if method.endswith(" bands") else "method step"
    )  # the method scored the row
    assert (be.reason is None) == (be.lost == 0)


@pytest.mark.parametrize(
    "row", OVERSHOOT_CASES, ids=[f"{r[0]}|{r[1]}|{r[2]}" for r in OVERSHOOT_CASES]
)
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
        assert (Decimal(cells[2]), Decimal(cells[3]), Decimal(cells[4])) == (weight, score, lost), (
            key
        )
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
    assert [(r[0].strip("`"), r[2], r[3]) for r in rows] == [
        (c.id, c.document, c.status) for c in ALL
    ]
    doc = SCORING.read_text(encoding="utf-8")
    start, end = doc.index("<!-- source-texts:begin -->"), doc.index("<!-- source-texts:end -->")
    texts = re.findall(r"^\* \*\*`([^`]+)`\*\* \(([a-z]+)\): (.*)$", doc[start:end], re.M)
    assert texts == [(c.id, c.status, c.text) for c in ALL]
    statuses = re.findall(
        r"^\* `([a-z]+)` — ", doc[doc.index("## Sources and their status") :], re.M
    )
    assert set(statuses) == {c.status for c in ALL}


# ===========================================================================
# every code block of the docs and the README is run or checked
#
# DOC_BLOCKS lists each fenced block of README.md and docs/*.md (by file and the start of its
# first line) with what holds it true:
#
#   RUN        a python block, run here as written in a copy of the repository's examples/,
#              specs/, tests/data/ and docs/ (a fresh folder as the working directory, so the
#              paths a block names resolve as from the repository root and what it writes stays
#              there); its listed comment claims (`expr  # value`, `print(...)  # output`) are
#              compared with what it gives, `…` standing for anything
#   SHELL      a sh block, command by command: `perfrules …` run through perfrules.cli.main
#              (exit 0 unless listed) or, when it shows placeholders (SPEC, [--opt], a|b), every
#              option and choice checked against that command's --help; pip installs checked
#              against pyproject's extras; `python -m perfrules…`, `python -c`, mkdir/cp/printf and
#              `for` loops run (perfrules in a loop is `python -m perfrules`); pytest not run
#   HERE       checked by the named test function of this file
#   ELSEWHERE  checked by the named test of another file (it must exist)
#   ALLOWED    not run, for the reason given (python blocks are still compiled, toml parsed)
#
# A block that no entry matches, or an entry that matches no block, fails
# test_every_doc_block_is_run_or_checked: a new block must say how it is held.

RUN, SHELL, HERE, ELSEWHERE, ALLOWED = "run", "shell", "here", "elsewhere", "allowed"
BLOCK_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@dataclass(frozen=True)
class Block:
    file: str  # relative to the repository: README.md, docs/x.md
    line: int  # of the opening fence
    lang: str  # the info string's first word ("" when none)
    text: str  # the content, dedented by the fence's indentation

    @property
    def first(self) -> str:
        return next((line.strip() for line in self.text.splitlines() if line.strip()), "")

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def doc_blocks() -> list[Block]:
    """Every fenced block of README.md and docs/*.md, in file order."""
    found: list[Block] = []
    opening = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")
    for path in BLOCK_FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            m = opening.match(lines[i])
            if not m:
                i += 1
                continue
            indent, fence = len(m[1]), m[2]
            j = i + 1
            while j < len(lines) and not (
                lines[j].strip().startswith(fence[0] * len(fence))
                and not lines[j].strip().strip(fence[0])
            ):
                j += 1
            assert j < len(lines), f"{path.name}:{i + 1}: unclosed code block"
            body = "\n".join(
                line[indent:] if line[:indent].strip() == "" else line for line in lines[i + 1 : j]
            )
            found.append(Block(path.relative_to(ROOT).as_posix(), i + 1, m[3], body + "\n"))
            i = j + 1
    return found


@dataclass(frozen=True)
class Entry:
    file: str
    prefix: str  # the block's first line starts with this (ending in "\n": is this)
    how: str
    detail: str = ""  # HERE/ELSEWHERE: the test; ALLOWED: the reason; RUN/SHELL: a note
    count: int = 1  # how many blocks of the file it covers (blocks of one kind, e.g. JSON excerpts)
    setup: str = ""  # RUN/SHELL: what the working folder is given first (see _SETUPS)
    claims: tuple[
        str, ...
    ] = ()  # RUN: statements (by their start) whose trailing comment states the result
    needs: tuple[str, ...] = ()  # RUN/SHELL: modules needed (skipped, saying so, without them)
    codes: dict[str, int] = field(
        default_factory=dict
    )  # SHELL: exit code by command start (default 0)
    then: str = ""  # SHELL: a function of this file checking the folder afterwards


R, D = "README.md", "docs/"
DOC_BLOCKS: list[Entry] = [
    # README.md
    Entry(R, "python -m pip install . && perfrules evaluate", SHELL),
    Entry(R, "python -m pip install -e '.[test]'", SHELL),
    Entry(R, "perfrules check SPEC", SHELL),
    Entry(
        R, "import perfrules", RUN, claims=("print(ev.total, ev.grade)", "print(be.rate_display")
    ),
    Entry(R, "perfrules/model/", HERE, "test_readme_layout_names_real_folders"),
    # docs/architecture.md
    Entry(
        D + "architecture.md",
        "spec.toml, actuals.toml",
        HERE,
        "test_architecture_tour_names_real_files",
    ),
    # docs/index.md
    Entry(D + "index.md", "perfrules evaluate examples/", SHELL),
    # docs/serve.md (a long-running server: its tests run it in process and in a browser)
    Entry(
        D + "serve.md",
        "pip install 'perfrules[serve]'",
        ELSEWHERE,
        "tests/test_serve_browser.py::test_a_person_fills_the_seed_and_gets_99",
    ),
    Entry(
        D + "serve.md",
        "{\n",
        ELSEWHERE,
        "tests/test_serve_api.py::test_evaluate_returns_the_librarys_document",
    ),
    Entry(
        D + "serve.md",
        "jq -n --rawfile s spec.toml",
        ELSEWHERE,
        "tests/test_serve_api.py::test_evaluate_returns_the_librarys_document",
    ),
    Entry(
        D + "serve.md",
        '{"error": {"code": "invalid-input"',
        ELSEWHERE,
        "tests/test_serve_api.py::test_wrong_toml_is_422_with_the_clis_problems",
    ),
    Entry(
        D + "serve.md",
        "# frameworks: a read-only folder",
        ALLOWED,
        "a production set-up: installs into /srv and starts workers that keep running",
    ),
    Entry(
        D + "serve.md", "[Service]", ALLOWED, "an excerpt of a systemd unit, for an administrator"
    ),
    Entry(D + "serve.md", "location / {", ALLOWED, "an excerpt of an nginx configuration"),
    Entry(
        D + "serve.md",
        "from perfrules.service import ServiceConfig, create_app",
        ELSEWHERE,
        "tests/test_serve_api.py::test_a_configured_frameworks_folder_is_looked_up_first",
    ),
    # docs/batch.md
    Entry(D + "batch.md", "perfrules batch units.csv", SHELL, setup="units_csv"),
    Entry(D + "batch.md", "import rich", RUN, setup="units_csv"),
    Entry(D + "batch.md", "[meta]", HERE, "test_batch_base_excerpt_is_the_test_data"),
    Entry(
        D + "batch.md",
        "python benchmarks/batch.py --quick",
        HERE,
        "test_batch_benchmark_lines_use_real_options",
    ),
    Entry(
        D + "batch.md",
        "from distributed import",
        RUN,
        "the Dask route on a local cluster, over units.csv split in two files",
        setup="units_parts",
        claims=("summary.units",),
        needs=("distributed", "pyarrow"),
    ),
    Entry(D + "batch.md", "# score_partition.py", RUN, setup="units_csv", needs=("pandas",)),
    Entry(
        D + "batch.md",
        "import pandas as pd",
        RUN,
        setup="score_partition",
        claims=("by_unit.reset_index",),
        needs=("pandas",),
    ),
    Entry(
        D + "batch.md",
        "from pyspark.sql",
        ALLOWED,
        "untested, as the page says: needs Spark and Java (not in CI) and an hdfs:// path; "
        "score_frame, which it applies, runs in the pandas example",
    ),
    # docs/editors.md
    Entry(D + "editors.md", "perfrules schema spec", SHELL),
    Entry(
        D + "editors.md",
        "#:schema ../schemas/spec.schema.json",
        ALLOWED,
        "the first line of a unit spec, as an illustration; the shipped files' own #:schema lines are checked "
        "where the schemas are tested",
    ),
    Entry(
        D + "editors.md",
        "{",
        ALLOWED,
        "VS Code settings with a user's absolute paths; parsed as JSON here",
    ),
    Entry(
        D + "editors.md",
        "# file: .taplo.toml",
        ALLOWED,
        "taplo's configuration for a user's project; parsed as TOML here (the schemas' tests run taplo)",
    ),
    Entry(
        D + "editors.md",
        "taplo check",
        ALLOWED,
        "taplo on a user's files (units/…), which this repository does not have",
    ),
    Entry(
        D + "editors.md",
        "error: Additional properties",
        ALLOWED,
        "taplo's output for a user's file, as an illustration",
    ),
    Entry(D + "editors.md", "python -m perfrules.schema --write", SHELL),
    # docs/excel.md
    Entry(D + "excel.md", "import perfrules", RUN, setup="filled_xlsx", needs=("openpyxl",)),
    Entry(D + "excel.md", "自评表!G14", HERE, "test_excel_disagreement_line_is_real"),
    Entry(D + "excel.md", "perfrules import FORM.xlsx", SHELL),
    Entry(
        D + "excel.md",
        "perfrules export examples/",
        SHELL,
        needs=("openpyxl",),
        then="_same_as_the_shipped_workbooks",
    ),
    # docs/frameworks.md
    Entry(
        D + "frameworks.md",
        "import perfrules",
        RUN,
        claims=("spec.framework.id, spec.framework.version", "spec.framework.reason"),
    ),
    Entry(
        D + "frameworks.md",
        'extends = "hunan-department"',
        HERE,
        "test_frameworks_unit_spec_excerpt_is_the_seed",
    ),
    Entry(D + "frameworks.md", "[project]", ELSEWHERE, "tests/test_framework_packages.py"),
    Entry(
        D + "frameworks.md",
        "[overrides.budget_execution]",
        HERE,
        "test_frameworks_overrides_fragment_applies",
    ),
    Entry(
        D + "frameworks.md",
        "# national-project lists",
        HERE,
        "test_frameworks_templates_fragment_names_templates",
    ),
    Entry(D + "frameworks.md", "[[versions]]", HERE, "test_frameworks_versions_fragment_is_hunans"),
    Entry(D + "frameworks.md", "2024年度适用", HERE, "test_frameworks_reason_text_is_real"),
    Entry(
        D + "frameworks.md",
        "# extends = ",
        ELSEWHERE,
        "tests/test_frameworks.py::test_doc_example_messages_are_real",
    ),
    # docs/golden-cases.md
    Entry(
        D + "golden-cases.md",
        "perfrules test examples/ specs/",
        SHELL,
        detail="python -m pytest examples/ specs/ is not run (pytest inside pytest): this suite collects them",
    ),
    Entry(
        D + "golden-cases.md",
        "examples/hunan-2024-general-office/cases/",
        HERE,
        "test_golden_case_listing_is_the_shipped_files",
    ),
    Entry(
        D + "golden-cases.md",
        "# file: docs-example.case.toml",
        ELSEWHERE,
        "tests/test_golden.py::test_the_documented_example_runs_and_passes",
    ),
    Entry(D + "golden-cases.md", "✗ examples/", HERE, "test_golden_failure_report_is_real"),
    Entry(
        D + "golden-cases.md",
        "$ perfrules test t.case.toml",
        HERE,
        "test_golden_error_reports_are_real",
    ),
    Entry(D + "golden-cases.md", "! t.case.toml:3", HERE, "test_golden_error_reports_are_real"),
    Entry(
        D + "golden-cases.md", "from perfrules.golden import", RUN, claims=("print(run.summary)",)
    ),
    # docs/json-format.md
    Entry(
        D + "json-format.md",
        "import perfrules",
        RUN,
        claims=('doc["total"], doc["grade"]',),
        needs=("jsonschema",),
    ),
    Entry(D + "json-format.md", "{", HERE, "test_json_format_excerpts_are_real", count=8),
    Entry(D + "json-format.md", "[", HERE, "test_json_format_excerpts_are_real"),
    # docs/lint.md
    Entry(D + "lint.md", "perfrules lint SPEC", SHELL),
    Entry(D + "lint.md", "import perfrules", RUN),
    Entry(
        D + "lint.md", "[figures.personnel_share]", HERE, "test_lint_figure_fragment_is_the_seeds"
    ),
    Entry(D + "lint.md", "{", HERE, "test_lint_json_outline_is_real"),
    Entry(
        D + "lint.md",
        "perfrules lint hunan-2024-general-office",
        HERE,
        "test_lint_outputs_are_real",
        count=4,
    ),
    # docs/reports.md
    Entry(D + "reports.md", "import perfrules", RUN, claims=("to_narrative(ev)", "to_html(ev)")),
    Entry(
        D + "reports.md",
        "2024年度湖南省人民政府办公厅",
        ELSEWHERE,
        "tests/test_report_narrative.py::test_docs_show_the_seed_narrative_as_generated",
    ),
    Entry(
        D + "reports.md",
        "chromium --headless",
        HERE,
        "test_reports_chromium_command_is_the_browser_tests",
    ),
    # docs/scoring.md
    Entry(D + "scoring.md", "# fragment: key_spending bands", HERE, "test_scoring_bands_case"),
    Entry(D + "scoring.md", "# fragment: budget_adjust bands", HERE, "test_scoring_bands_case"),
    Entry(D + "scoring.md", "# fragment: deviation bands", HERE, "test_scoring_bands_case"),
    Entry(D + "scoring.md", "# fragment: budget bands", HERE, "test_scoring_budget_method_case"),
    Entry(
        D + "scoring.md", "总分 = 投入", HERE, "test_scoring_worked_example_is_the_catalogue_demo"
    ),
    Entry(D + "scoring.md", "出现 2 例", HERE, "test_scoring_worked_example_is_the_catalogue_demo"),
    # docs/spec-format.md
    Entry(D + "spec-format.md", "import perfrules", RUN),
    Entry(
        D + "spec-format.md",
        "from perfrules import Actuals",
        RUN,
        claims=('data["extends"]', "source.locate(", 'base["budget_execution"]'),
    ),
    Entry(
        D + "spec-format.md",
        "# file: spec.toml",
        HERE,
        "test_example_loads_and_gives_the_stated_total",
    ),
    Entry(
        D + "spec-format.md",
        "# file: actuals.toml",
        HERE,
        "test_example_loads_and_gives_the_stated_total",
    ),
    Entry(
        D + "spec-format.md",
        "# file: catalogue/spec.toml",
        HERE,
        "test_catalogue_example_total_grade_and_details",
    ),
    Entry(
        D + "spec-format.md",
        "# file: catalogue/actuals.toml",
        HERE,
        "test_catalogue_example_total_grade_and_details",
    ),
    Entry(
        D + "spec-format.md",
        "# fragment: the first goal block",
        ELSEWHERE,
        "tests/test_depth.py::test_the_docs_fragment_is_the_example",
    ),
    Entry(
        D + "spec-format.md",
        "# fragment: the default tiers",
        HERE,
        "test_default_tiers_fragment_is_the_default",
    ),
    Entry(
        D + "spec-format.md",
        "# fragment: synonyms added to the default tiers",
        HERE,
        "test_tier_synonyms_fragment_adds_words",
    ),
    Entry(
        D + "spec-format.md",
        "# fragment: a partial table",
        HERE,
        "test_partial_table_fragment_scores_without_a_grade",
    ),
    Entry(
        D + "spec-format.md",
        "spec.toml:101:1: indicators[0].wieght",
        HERE,
        "test_prose_examples_of_a_problem_are_real",
    ),
    Entry(
        D + "spec-format.md",
        '# load_spec("nowhere/spec.toml")',
        HERE,
        "test_documented_error_message_is_real",
    ),
    # docs/testing.md
    Entry(D + "testing.md", "python -m pip install 'perfrules[testing]'", SHELL),
    Entry(
        D + "testing.md",
        "import perfrules",
        ELSEWHERE,
        "tests/test_testing_kit.py::test_the_examples_of_docs_testing_md_run",
    ),
    Entry(
        D + "testing.md",
        "AssertionError: [monotone]",
        ALLOWED,
        "a made-up failure, as the page says; each property's message is tested in tests/test_testing_kit.py",
    ),
    Entry(
        D + "testing.md",
        "from perfrules.testing import specs",
        ELSEWHERE,
        "tests/test_testing_kit.py::test_the_examples_of_docs_testing_md_run",
    ),
    Entry(
        D + "testing.md",
        "from perfrules.testing import cases",
        ELSEWHERE,
        "tests/test_testing_kit.py::test_the_examples_of_docs_testing_md_run",
    ),
    Entry(
        D + "testing.md",
        "from decimal import Decimal\n",
        ELSEWHERE,
        "tests/test_testing_kit.py::test_the_examples_of_docs_testing_md_run",
    ),
    Entry(
        D + "testing.md",
        "from decimal import Decimal as D",
        ELSEWHERE,
        "tests/test_testing_kit.py::test_the_examples_of_docs_testing_md_run",
    ),
    # docs/what-if.md
    Entry(D + "what-if.md", "perfrules diff OLD NEW", SHELL),
    Entry(D + "what-if.md", "mkdir -p work", SHELL),
    Entry(D + "what-if.md", "规则对比（what-if）", HERE, "test_what_if_acceptance_output_is_real"),
    Entry(
        D + "what-if.md",
        "{",
        ELSEWHERE,
        "tests/test_whatif.py::test_the_documented_example_and_json_are_real",
    ),
    Entry(
        D + "what-if.md",
        "import perfrules",
        RUN,
        setup="proportional",
        claims=(
            "print(u.old_total, u.new_total, u.total_delta)",
            "print(row.old, row.new, row.delta)",
        ),
    ),
]


def _matches(entry: Entry, block: Block) -> bool:
    prefix = entry.prefix
    if prefix.endswith("\n"):  # the whole first line
        return entry.file == block.file and block.first == prefix.strip()
    return entry.file == block.file and block.first.startswith(prefix)


def _covered() -> dict[Block, Entry]:
    """Each block with its entry; raises AssertionError on a block without one or an entry that does not fit."""
    blocks = doc_blocks()
    owner: dict[Block, Entry] = {}
    problems: list[str] = []
    for entry in DOC_BLOCKS:
        mine = [b for b in blocks if _matches(entry, b)]
        if len(mine) != entry.count:
            problems.append(
                f"entry {entry.file} {entry.prefix!r}: matches {len(mine)} blocks, expected {entry.count}"
            )
        for b in mine:
            if b in owner:
                problems.append(
                    f"{b.where}: matched by two entries ({owner[b].prefix!r}, {entry.prefix!r})"
                )
            owner[b] = entry
    for b in blocks:
        if b not in owner:
            problems.append(
                f"{b.where}: a {b.lang or 'plain'} block starting {b.first[:60]!r} that no test runs or "
                "checks: add it to DOC_BLOCKS in tests/test_docs_examples.py"
            )
    assert not problems, "\n".join(problems)
    return owner


def _blocks_of(how: str) -> list[Any]:
    """The blocks held by ``how``, as pytest parameters named by their place (collection never fails here)."""
    try:
        blocks = doc_blocks()
    except AssertionError:  # an unclosed block: reported by test_every_doc_block_is_run_or_checked
        return []
    owner = {b: e for e in DOC_BLOCKS for b in blocks if _matches(e, b)}
    return [pytest.param(b, e, id=b.where) for b, e in owner.items() if e.how == how]


def test_every_doc_block_is_run_or_checked() -> None:
    owner = _covered()
    assert len(owner) >= 70  # the parser found the blocks (79 when this was written)
    for block, entry in owner.items():
        assert entry.how in (RUN, SHELL, HERE, ELSEWHERE, ALLOWED), entry
        if entry.how == RUN:
            assert block.lang == "python", f"{block.where}: RUN is for python blocks"
        elif entry.how == SHELL:
            assert block.lang == "sh", f"{block.where}: SHELL is for sh blocks"
        elif entry.how == HERE:
            assert callable(globals().get(entry.detail)) and entry.detail.startswith("test_"), (
                entry.detail
            )
        elif entry.how == ELSEWHERE:
            path, _, name = entry.detail.partition("::")
            assert (ROOT / path).is_file(), f"{block.where}: {path} does not exist"
            if name:
                assert re.search(
                    rf"^def {re.escape(name)}\(", (ROOT / path).read_text(encoding="utf-8"), re.M
                ), entry.detail
        else:
            assert len(entry.detail) > 20, f"{block.where}: say why it is not run"
        if entry.then:
            assert callable(globals().get(entry.then)), entry.then


@pytest.mark.parametrize(("block", "entry"), _blocks_of(ALLOWED))
def test_allowed_blocks_are_at_least_well_formed(block: Block, entry: Entry) -> None:
    if block.lang == "python":
        ast.parse(block.text, filename=block.where)
    elif block.lang == "toml":
        tomllib.loads(block.text)
    elif block.lang == "json":
        json.loads(block.text)


# --- the sandbox: a copy of what the docs' paths name, as the working directory

UNITS_CSV = """\
unit,year,indicator,category,subcategory,weight,comparator,target,target_unit,target_text,actual,tier
u0041,2024,meetings,产出指标,数量指标,60,≥,12,次,,12,
u0041,2024,service,满意度指标,服务对象满意度指标,40,,,,群众满意,,达成
u0042,2024,meetings,产出指标,数量指标,60,≥,12,次,,9,
u0042,2024,service,满意度指标,服务对象满意度指标,40,,,,群众满意,,部分达成
u0043,2024,meetings,产出指标,数量指标,60,≥,12,次,,15,
u0043,2024,service,满意度指标,服务对象满意度指标,40,,,,群众满意,,达成
"""  # the units.csv the batch examples read: three inline units (u0042 loses points)


def _sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(
        "SOURCE_DATE_EPOCH", raising=False
    )  # the workbooks written compare with the shipped ones
    box = tmp_path / "repo"
    for name in ("examples", "specs", "docs"):
        shutil.copytree(ROOT / name, box / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests" / "data", box / "tests" / "data")
    monkeypatch.chdir(box)
    return box


def _block(file: str, prefix: str) -> Block:
    [found] = [b for b in doc_blocks() if b.file == file and b.first.startswith(prefix)]
    return found


def _setup_units_csv(box: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (box / "units.csv").write_text(UNITS_CSV, encoding="utf-8")


def _setup_units_parts(box: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """units.csv as two files, units-1.csv (u0041) and units-2.csv (u0042, u0043): the Dask example's glob."""
    header, *rows = UNITS_CSV.splitlines(keepends=True)
    (box / "units-1.csv").write_text(header + "".join(rows[:2]), encoding="utf-8")
    (box / "units-2.csv").write_text(header + "".join(rows[2:]), encoding="utf-8")


def _setup_score_partition(box: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup_units_csv(box, monkeypatch)
    (box / "score_partition.py").write_text(
        _block("docs/batch.md", "# score_partition.py").text, encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(box))
    monkeypatch.delitem(sys.modules, "score_partition", raising=False)


def _setup_filled_xlsx(box: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-filled form: the seed's form with one score changed, without the hidden perfrules sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(box / "tests" / "data" / "自评表-altered.xlsx")
    del wb["perfrules"]
    wb.save(box / "filled.xlsx")


def _setup_proportional(box: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What-if's acceptance example, made by the page's own commands (work/proportional)."""
    for command in _shell_commands(_block("docs/what-if.md", "mkdir -p work").text):
        if not command.startswith("perfrules "):
            subprocess.run(["bash", "-c", command], cwd=box, check=True)


_SETUPS: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "": lambda box, mp: None,
    "units_csv": _setup_units_csv,
    "score_partition": _setup_score_partition,
    "units_parts": _setup_units_parts,
    "filled_xlsx": _setup_filled_xlsx,
    "proportional": _setup_proportional,
}


# --- python blocks


def _comment_claim(comment: str, shown: str) -> bool:
    """Whether ``shown`` is what ``comment`` states: equal, "…" standing for anything; quotes around it optional."""
    wanted = comment.strip()
    options = [wanted]
    if len(wanted) > 1 and wanted[0] == wanted[-1] and wanted[0] in "\"'":
        options.append(wanted[1:-1])
    for w in options:
        pattern = ".*?".join(re.escape(part.strip()) for part in w.split("…"))
        if re.fullmatch(pattern, shown.strip(), re.S) or re.fullmatch(
            pattern, " ".join(shown.split()), re.S
        ):
            return True
    return False


def _trailing_comments(source: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string[1:].strip()
    return out


def run_python_block(block: Block, claims: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run ``block`` statement by statement in the working folder; check its claims; its namespace."""
    tree = ast.parse(block.text, filename=block.where)
    ast.increment_lineno(tree, block.line)  # tracebacks name the line of the document
    lines = block.text.splitlines()
    comments = _trailing_comments(block.text)
    namespace: dict[str, Any] = {"__name__": "__doc_block__"}
    checked: list[str] = []
    for stmt in tree.body:
        start = lines[stmt.lineno - block.line - 1].strip()
        end_line = (stmt.end_lineno or stmt.lineno) - block.line
        is_print = (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id == "print"
        )
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            if isinstance(stmt, ast.Expr) and not is_print:
                value = eval(compile(ast.Expression(stmt.value), block.where, "eval"), namespace)  # noqa: S307
                shown = [repr(value), str(value)]
            else:
                exec(compile(ast.Module([stmt], type_ignores=[]), block.where, "exec"), namespace)  # noqa: S102
                shown = [buffer.getvalue().rstrip("\n")]
        claim = next((c for c in claims if start.startswith(c)), None)
        if claim is not None:
            comment = comments.get(end_line)
            assert comment is not None, (
                f"{block.where}: {claim!r} has no comment stating its result"
            )
            assert any(_comment_claim(comment, s) for s in shown), (
                f"{block.where}: `{start}` says {comment!r} but gives {shown[-1][:300]!r}"
            )
            checked.append(claim)
    assert sorted(checked) == sorted(claims), (
        f"{block.where}: claims not found: {set(claims) - set(checked)}"
    )
    return namespace


def _needs(entry: Entry) -> None:
    for module in entry.needs:
        pytest.importorskip(module, reason=f"{module} is not installed: the block needs it")


@pytest.mark.parametrize(("block", "entry"), _blocks_of(RUN))
def test_python_block_runs(
    block: Block,
    entry: Entry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _needs(entry)
    box = _sandbox(tmp_path, monkeypatch)
    _SETUPS[entry.setup](box, monkeypatch)
    run_python_block(block, entry.claims)


def test_readme_render_line_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """README: "Render with rich: `import …`, then `rich.print(…)` …" — its code spans run after the README's block."""
    _sandbox(tmp_path, monkeypatch)
    namespace = run_python_block(_block("README.md", "import perfrules"))
    [line] = [
        x
        for x in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if x.startswith("Render with rich")
    ]
    spans = re.findall(r"`([^`]+)`", line)
    assert spans[0].startswith("import ") and len(spans) >= 3
    for span in spans:
        exec(span, namespace)  # noqa: S102
    out = capsys.readouterr().out
    assert "预算执行率" in out and "组织参事围绕中心工作形成建言篇数" in out


# --- shell blocks


def _shell_split(line: str, separator: str) -> list[str]:
    """``line`` cut at ``separator`` outside quotes (and at an unquoted # comment, which is dropped)."""
    parts, current, quote, i = [], "", "", 0
    while i < len(line):
        ch = line[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (not current or current[-1].isspace()):
            break
        elif line.startswith(separator, i):
            parts.append(current.strip())
            current, i = "", i + len(separator)
            continue
        current += ch
        i += 1
    parts.append(current.strip())
    return [p for p in parts if p]


def _shell_commands(text: str) -> list[str]:
    commands: list[str] = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.strip().removeprefix("$ ")
        if raw[:1].isspace() and line.startswith("[") and commands:  # a usage line continued
            commands[-1] += " " + _shell_split(line, "&&")[0]
        elif line and not line.startswith("#"):
            commands += _shell_split(line, "&&")
    return commands


_PLACEHOLDER = re.compile(r"^[\[\]]*(?:[A-Z][A-Z0-9_]+(?:\.\w+)?|[A-Z]\.\w+)(?:\.\.\.)?[\[\]]*$")


def _check_synopsis(tokens: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """A usage line (placeholders, [optional parts]): the command exists and has every option and choice shown."""
    from perfrules.cli import main

    command = tokens[1]
    capsys.readouterr()
    assert main([command, "--help"]) == 0, f"perfrules {command}: no such command"
    usage = capsys.readouterr().out
    for token in tokens[2:]:
        bare = token.strip("[]").split("=")[0]
        if bare.startswith("-"):
            assert re.search(rf"(?<![\w-]){re.escape(bare)}(?![\w-])", usage), (
                f"perfrules {command} has no option {bare}"
            )
        elif "|" in bare:
            for choice in bare.split("|"):
                assert re.search(rf"\b{re.escape(choice)}\b", usage), (
                    f"perfrules {command}: {choice!r} is not a choice"
                )


def _check_pip(tokens: list[str]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for target in (t for t in tokens[4:] if t not in ("-e", "--editable")):
        m = re.fullmatch(r"(\.|perfrules)(?:\[([\w,-]+)\])?", target)
        assert m, f"pip install {target}: not this project"
        for extra in (m[2] or "").split(","):
            assert not extra or extra in project["optional-dependencies"], (
                f"no extra {extra!r} in pyproject.toml"
            )


def run_shell_block(
    block: Block, entry: Entry, box: Path, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """Run or check every command of ``block`` in ``box``; the commands not run, with why."""
    from perfrules.cli import main

    not_run: list[str] = []
    for command in _shell_commands(block.text):
        tokens = shlex.split(command)
        if tokens[0] == "perfrules":
            if any(_PLACEHOLDER.match(t) or "|" in t for t in tokens[2:]) or any(
                "[" in t for t in tokens
            ):
                _check_synopsis(tokens, capsys)
                continue
            capsys.readouterr()
            code = main(tokens[1:])
            expected = next((c for start, c in entry.codes.items() if command.startswith(start)), 0)
            output = capsys.readouterr()
            assert code == expected, (
                f"{block.where}: `{command}` exited {code}\n{output.out[-2000:]}{output.err[-2000:]}"
            )
        elif tokens[:3] == ["python", "-m", "pip"] and tokens[3] == "install":
            _check_pip(tokens)
            not_run.append(f"{command} (the extras it names exist)")
        elif tokens[:3] == ["python", "-m", "pytest"]:
            assert all((box / p).exists() for p in tokens[3:] if not p.startswith("-")), command
            not_run.append(f"{command} (pytest inside pytest; this suite runs the same)")
        elif tokens[:2] == ["python", "-m"] and tokens[2].startswith("perfrules"):
            done = subprocess.run(
                [sys.executable, *tokens[1:]], cwd=box, capture_output=True, text=True, check=False
            )
            assert done.returncode == 0, (
                f"{block.where}: `{command}` exited {done.returncode}: {done.stderr[-2000:]}"
            )
        elif tokens[:2] == ["python", "-c"]:
            exec(tokens[2], {"__name__": "__main__"})  # noqa: S102
        elif tokens[0] in ("mkdir", "cp", "printf", "for"):
            # perfrules inside a shell construct: the same command, from this Python
            shim = f'perfrules() {{ {shlex.quote(sys.executable)} -m perfrules "$@"; }}; '
            subprocess.run(["bash", "-c", shim + command], cwd=box, check=True)
        else:
            pytest.fail(
                f"{block.where}: no handler for `{command}` (teach run_shell_block, or list the block as ALLOWED)"
            )
    return not_run


@pytest.mark.parametrize(("block", "entry"), _blocks_of(SHELL))
def test_shell_block_runs(
    block: Block,
    entry: Entry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _needs(entry)
    box = _sandbox(tmp_path, monkeypatch)
    _SETUPS[entry.setup](box, monkeypatch)
    run_shell_block(block, entry, box, capsys)
    if entry.then:
        globals()[entry.then](box)


def _same_as_the_shipped_workbooks(box: Path) -> None:
    """docs/excel.md's regeneration commands write, byte for byte, the workbooks the repository ships."""
    for rel in (
        "examples/hunan-2024-general-office/自评表.xlsx",
        "specs/templates/绩效自评表-空白.xlsx",
    ):
        assert (box / rel).read_bytes() == (ROOT / rel).read_bytes(), (
            f"{rel}: not what its documented command writes"
        )


# --- output and excerpt blocks checked here


def _normal(line: str) -> str:
    """A line of terminal output without box drawing and with single spaces."""
    return " ".join(re.sub(r"[│┃╭╮╰╯─━┏┓┗┛┡┩┣┫╇╈┳┻╋]", " ", line).split())


def same_output(doc: str, real: str, *, abridged: bool = False) -> None:
    """``doc`` (a block) shows ``real`` (what the command printed), line by line, whitespace aside.

    ``abridged``: the doc's lines appear in order among the real ones, a line ending in "…" being a
    prefix and a line of "…" alone skipping any number of lines.
    """
    want = [n for n in map(_normal, doc.splitlines()) if n]
    have = [n for n in map(_normal, real.splitlines()) if n]
    if not abridged:
        assert want == have, "\n".join(difflib_lines(want, have))
        return
    i = 0
    for w in want:
        if w == "…":
            continue
        prefix = w[:-1].rstrip() if w.endswith("…") else None
        while i < len(have) and not (
            have[i] == w or (prefix is not None and have[i].startswith(prefix))
        ):
            i += 1
        assert i < len(have), f"not in the real output (in order): {w!r}\n--- real:\n" + "\n".join(
            have
        )
        i += 1


def difflib_lines(want: list[str], have: list[str]) -> list[str]:
    import difflib

    return list(difflib.unified_diff(want, have, "doc", "real", lineterm="", n=1))


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str], code: int = 0) -> str:
    from perfrules.cli import main

    capsys.readouterr()
    got = main(argv)
    out = capsys.readouterr()
    assert got == code, f"perfrules {' '.join(argv)} exited {got}: {out.err[-2000:]}"
    return out.out


def test_what_if_acceptance_output_is_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/what-if.md: the commands' output as shown, the sha256 prefixes included."""
    box = _sandbox(tmp_path, monkeypatch)
    _setup_proportional(box, monkeypatch)
    [command] = [
        c
        for c in _shell_commands(_block("docs/what-if.md", "mkdir -p work").text)
        if c.startswith("perfrules ")
    ]
    real = _cli([*shlex.split(command)[1:], "--width", "250"], capsys)
    same_output(_block("docs/what-if.md", "规则对比（what-if）").text, real)
    from perfrules.core import spec_sha256

    shown = re.findall(
        r"sha256 ([0-9a-f]{12})", _block("docs/what-if.md", "规则对比（what-if）").text
    )
    assert shown == [
        spec_sha256(perfrules.load_spec(p))[:12]
        for p in ("examples/hunan-2024-general-office", "work/proportional")
    ]


def test_excel_disagreement_line_is_real() -> None:
    pytest.importorskip("openpyxl", reason="openpyxl is not installed (perfrules[xlsx])")
    from rich.console import Console

    from perfrules.interchange import DisagreementReport, compare_declared, read_workbook

    form = read_workbook(ROOT / "tests" / "data" / "自评表-altered.xlsx")
    console = Console(width=250, file=io.StringIO(), color_system=None)
    console.print(
        DisagreementReport(compare_declared(form, perfrules.evaluate(form.spec, form.actuals)))
    )
    rows = [_normal(x) for x in console.file.getvalue().splitlines() if "自评表!" in x]  # type: ignore[attr-defined]
    assert rows == [_normal(_block("docs/excel.md", "自评表!G14").text)]


def test_readme_layout_names_real_folders() -> None:
    block = _block("README.md", "perfrules/model/")
    folders = [
        line.split()[0]
        for line in block.text.splitlines()
        if line.strip() and not line[0].isspace()
    ]
    missing = [f for f in folders if not (ROOT / f).exists()]
    assert not missing, f"README's layout names what does not exist: {missing}"
    for f in folders:
        if f.startswith("perfrules/") and f.endswith("/"):
            assert (ROOT / f / "__init__.py").is_file(), f


def test_architecture_tour_names_real_files() -> None:
    """docs/architecture.md names files and folders to touch: each must exist (the tour drifts otherwise)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    flow = _block("docs/architecture.md", "spec.toml, actuals.toml").text
    named = set(re.findall(r"`(perfrules/[\w/]+(?:\.py)?|specs/[\w/]*|tests/[\w]+\.py)`", text))
    named |= set(re.findall(r"perfrules/[a-z]+", flow))
    for stem in re.findall(
        r"`(_[a-z_]+\.py)`", text
    ):  # a bare module name: it must exist somewhere in perfrules
        assert list((ROOT / "perfrules").rglob(stem)), stem
    missing = sorted(n for n in named if not (ROOT / n).exists())
    assert named and not missing, f"docs/architecture.md names what does not exist: {missing}"


def test_batch_base_excerpt_is_the_test_data() -> None:
    """docs/batch.md quotes tests/data/batch/base.toml ("# … B, C": the rest left out)."""
    excerpt = tomllib.loads(_block("docs/batch.md", "[meta]").text)
    _contained(
        excerpt,
        tomllib.loads(
            (ROOT / "tests" / "data" / "batch" / "base.toml").read_text(encoding="utf-8")
        ),
        "base",
    )


def _contained(part: Any, whole: Any, path: str) -> None:
    """``part`` (an abridged excerpt of TOML data) is in ``whole``: tables key by key, arrays in order."""
    if isinstance(part, dict):
        assert isinstance(whole, dict), path
        for key, value in part.items():
            assert key in whole, f"{path}.{key}: not in the file"
            _contained(value, whole[key], f"{path}.{key}")
    elif isinstance(part, list) and part and isinstance(part[0], dict):
        assert isinstance(whole, list), path
        i = 0
        for n, item in enumerate(part):
            while i < len(whole) and not _fits(item, whole[i]):
                i += 1
            assert i < len(whole), f"{path}[{n}]: no such entry (in order) in the file: {item}"
            i += 1
    else:
        assert part == whole, f"{path}: {part!r} in the doc, {whole!r} in the file"


def _fits(part: Any, whole: Any) -> bool:
    try:
        _contained(part, whole, "")
    except AssertionError:
        return False
    return True


def _seed_text(name: str) -> str:
    return (ROOT / "examples" / "hunan-2024-general-office" / name).read_text(encoding="utf-8")


def test_frameworks_unit_spec_excerpt_is_the_seed() -> None:
    block = _block("docs/frameworks.md", 'extends = "hunan-department"')
    _contained(tomllib.loads(block.text), tomllib.loads(_seed_text("spec.toml")), "spec")
    m = re.search(r"the (\d+) indicators", block.text)
    assert m is not None and int(m[1]) == len(tomllib.loads(_seed_text("spec.toml"))["indicators"])


def test_frameworks_overrides_fragment_applies() -> None:
    """Appended to the seed, the fragment's overrides take effect: 产出 55 no longer adds up, and only that."""
    fragment = _block("docs/frameworks.md", "[overrides.budget_execution]").text
    with pytest.raises(perfrules.SpecError) as info:
        perfrules.loads_spec(
            _seed_text("spec.toml") + "\n" + fragment,
            file=str(ROOT / "examples" / "hunan-2024-general-office" / "spec.toml"),
        )
    assert {p.code for p in info.value.problems} == {"weight-sum", "total"}
    assert any("category 'output' has weight 55" in str(p) for p in info.value.problems)
    fixed = perfrules.loads_spec(
        _seed_text("spec.toml") + "\n" + fragment.replace("weight = 55", "weight = 50"),
        file=str(ROOT / "examples" / "hunan-2024-general-office" / "spec.toml"),
    )
    assert (
        fixed.budget_execution is not None and fixed.budget_execution.policy.value == "proportional"
    )
    assert [g.name for g in fixed.grades] == ["合格", "不合格"]


def test_frameworks_templates_fragment_names_templates() -> None:
    """The ids the fragment weights are categories national-project declares without a weight (templates)."""
    fragment = tomllib.loads(_block("docs/frameworks.md", "# national-project lists").text)
    declared = {
        c["id"]: c
        for c in tomllib.loads(
            (ROOT / "specs" / "national-project.toml").read_text(encoding="utf-8")
        )["categories"]
    }
    ids = [c["id"] for c in fragment["overrides"]["categories"]]
    assert ids and all(i in declared and "weight" not in declared[i] for i in ids), ids


def test_frameworks_versions_fragment_is_hunans() -> None:
    fragment = tomllib.loads(_block("docs/frameworks.md", "[[versions]]").text)
    _contained(
        fragment,
        tomllib.loads((ROOT / "specs" / "hunan-department.toml").read_text(encoding="utf-8")),
        "hunan-department",
    )


def test_frameworks_reason_text_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    spec = perfrules.load_spec("examples/hunan-2024-general-office")
    assert spec.framework is not None
    assert _block("docs/frameworks.md", "2024年度适用").text.strip() == spec.framework.reason


def test_golden_case_listing_is_the_shipped_files() -> None:
    listed = [
        line.split()[0]
        for line in _block(
            "docs/golden-cases.md", "examples/hunan-2024-general-office/cases/"
        ).text.splitlines()
        if line.strip()
    ]
    shipped = sorted(
        p.relative_to(ROOT).as_posix()
        for p in [*ROOT.glob("examples/*/cases/*.case.toml"), *ROOT.glob("specs/cases/*.case.toml")]
    )
    expanded = [
        p
        for pattern in listed
        for p in shipped
        if re.fullmatch(re.escape(pattern).replace(re.escape("<framework>"), r"[\w-]+"), p)
    ]
    assert sorted(expanded) == shipped, f"listed {listed}, shipped {shipped}"


def test_golden_failure_report_is_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seed's case after its 预算执行率 policy became proportional in a copy (the page abridges the panel)."""
    box = _sandbox(tmp_path, monkeypatch)
    with (box / "examples" / "hunan-2024-general-office" / "spec.toml").open(
        "a", encoding="utf-8"
    ) as fh:
        fh.write('\n[overrides.budget_execution]\npolicy = "proportional"\n')
    real = _cli(
        [
            "test",
            "examples/hunan-2024-general-office/cases/report-2024.case.toml",
            "--width",
            "250",
        ],
        capsys,
        1,
    )
    same_output(_block("docs/golden-cases.md", "✗ examples/").text, real, abridged=True)


def test_golden_error_reports_are_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case file with a misspelt key (it does not load), then with a misspelt indicator id (it does not fit)."""
    box = _sandbox(tmp_path, monkeypatch)
    head = 'spec = "examples/hunan-2024-general-office"\n\n[[cases]]\nname = "typos"\n\n[cases.expect]\n'
    (box / "t.case.toml").write_text(head + "totl = 99\n", encoding="utf-8")
    first = _block("docs/golden-cases.md", "$ perfrules test t.case.toml").text
    real = _cli(["test", "t.case.toml", "--width", "250"], capsys, 2)
    same_output(first.split("\n", 1)[1], real)
    (box / "t.case.toml").write_text(
        head + "total = 99\n[cases.expect.indicators]\nportal_update = 2.5\n", encoding="utf-8"
    )
    real = _cli(["test", "t.case.toml", "--width", "250"], capsys, 2)
    same_output(_block("docs/golden-cases.md", "! t.case.toml:3").text, real, abridged=True)


def _lint_blocks() -> list[Block]:
    return [
        b
        for b in doc_blocks()
        if b.file == "docs/lint.md"
        and b.first.startswith("perfrules lint hunan-2024-general-office")
    ]


def test_lint_outputs_are_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seed's lint output in Chinese (with --figures) and English, then with one stated figure altered."""
    box = _sandbox(tmp_path, monkeypatch)
    zh, en, zh_bad, en_bad = _lint_blocks()
    seed = "examples/hunan-2024-general-office"
    same_output(zh.text, _cli(["lint", seed, "--figures", "--width", "250"], capsys))
    same_output(en.text, _cli(["lint", seed, "--lang", "en", "--width", "250"], capsys))
    actuals = box / seed / "actuals.toml"
    text = actuals.read_text(encoding="utf-8")
    assert text.count('stated = "69.22%"') == 1
    actuals.write_text(text.replace('stated = "69.22%"', 'stated = "69.23%"'), encoding="utf-8")
    ignore = [
        "--ignore",
        "benefit-qualitative",
        "--ignore",
        "target-low",
        "--ignore",
        "target-vague",
        "--width",
        "250",
    ]
    same_output(zh_bad.text, _cli(["lint", seed, *ignore], capsys))
    same_output(en_bad.text, _cli(["lint", seed, *ignore, "--lang", "en"], capsys))


def test_lint_json_outline_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/lint.md's outline of --format json: its keys, the summary, a finding's and a figure's keys."""
    monkeypatch.chdir(ROOT)
    from perfrules.lint import lint_report, to_lint_document

    outline = _block("docs/lint.md", "{").text
    spec, actuals = perfrules.load_example("examples/hunan-2024-general-office")
    doc = to_lint_document(lint_report(spec, actuals))
    assert re.findall(r'^  "(\w+)":', outline, re.M) == list(doc)
    summary = re.search(r'"summary": (\{.*?\}),\n', outline, re.S)
    assert summary is not None and json.loads(summary[1]) == doc["summary"]
    finding_keys = re.findall(
        r'"(\w+)": ', outline[outline.index('"findings"') : outline.index('"figures": [')]
    )
    assert (
        set(doc["findings"][1]) <= set(finding_keys) and doc["findings"][1]["code"] == "target-low"
    )
    figure_keys = re.findall(r'"(\w+)": ', outline[outline.index('"figures": [') :])
    assert set(doc["figures"][0]) <= set(figure_keys)
    assert f'"lint_version": {doc["lint_version"]}' in outline


def test_lint_figure_fragment_is_the_seeds() -> None:
    fragment = tomllib.loads(_block("docs/lint.md", "[figures.personnel_share]").text)
    _contained(fragment, tomllib.loads(_seed_text("actuals.toml")), "actuals")


def test_reports_chromium_command_is_the_browser_tests() -> None:
    """docs/reports.md shows the flags tests/test_report_browser.py runs Chromium with."""
    shown = [
        t
        for t in shlex.split(
            _block("docs/reports.md", "chromium --headless").text.replace("\\\n", " ")
        )
        if t.startswith("--")
    ]
    source = (ROOT / "tests" / "test_report_browser.py").read_text(encoding="utf-8")
    body = source[source.index("def _chromium") :]
    used = re.findall(r'"(--[a-z-]+)(?:=[^"]*)?"', body[: body.index("\ndef ")])
    assert [s.split("=")[0] for s in shown if not s.startswith("--screenshot")] == [u for u in used]


# --- statements of the prose held true


def test_golden_cases_quotes_the_real_testpaths() -> None:
    configured = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "pytest"
    ]["ini_options"]["testpaths"]
    doc = (ROOT / "docs" / "golden-cases.md").read_text(encoding="utf-8")
    assert f"`testpaths = {json.dumps(configured, ensure_ascii=False)}`" in doc
    assert ("collects the shipped cases as items" in doc) == (
        {"examples", "specs"} <= set(configured)
    )


@pytest.mark.parametrize("target", ["≥1,000人", "≥1，000人", "≥1.000.5人", "≥1e3"])
def test_separators_and_exponents_in_targets_are_errors(target: str) -> None:
    """spec-format.md, Targets: such a number is an invalid-value error, never the number 1 with a strange unit."""
    assert f'`"{target}"`' in _doc()
    src = _apply(spec_text(), 'target = "≥90%"', f'target = "{target}"')
    with pytest.raises(perfrules.SpecError) as info:
        perfrules.loads_spec(src, file="spec.toml")
    [problem] = info.value.problems
    assert problem.code == "invalid-value" and problem.path[-1] == "target"
    assert "as comparator, number and unit" in str(problem)


def test_the_block_checks_catch_what_they_claim_to(capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong comment claim, a missing claim, an option a command does not have, an unknown extra."""
    good = Block("docs/x.md", 1, "python", 'x = 41\nx + 1  # 42\nprint("a", x)  # a …\n')
    run_python_block(good, claims=("x + 1", "print("))
    with pytest.raises(AssertionError, match="says '43' but gives '42'"):
        run_python_block(
            Block("docs/x.md", 1, "python", "x = 41\nx + 1  # 43\n"), claims=("x + 1",)
        )
    with pytest.raises(AssertionError, match="claims not found"):
        run_python_block(good, claims=("y = ",))
    with pytest.raises(AssertionError, match="has no option --frobnicate"):
        _check_synopsis(shlex.split("perfrules lint SPEC [--frobnicate]"), capsys)
    with pytest.raises(AssertionError, match="'nope' is not a choice"):
        _check_synopsis(shlex.split("perfrules lint SPEC [--format table|nope]"), capsys)
    with pytest.raises(AssertionError, match="no extra 'gpu'"):
        _check_pip(shlex.split("python -m pip install 'perfrules[gpu]'"))
    assert _shell_commands("a && b  # c\n  [--x]\n$ d 'e # f'\n") == ["a", "b [--x]", "d 'e # f'"]
    same_output(
        "╭─ t ─╮\n│ a  b │\n…\n│ z…", "╭──── t ────╮\n│ a   b │\n│ y │\n│ zed │\n", abridged=True
    )
    with pytest.raises(AssertionError):
        same_output("a\nb\n", "a\nc\n")


def test_batch_benchmark_lines_use_real_options() -> None:
    """docs/batch.md's benchmark commands (minutes to run: not run here) name only options the script has."""
    block = _block("docs/batch.md", "python benchmarks/batch.py --quick")
    helped = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    used = set(re.findall(r"(--[a-z][a-z-]*)", block.text))
    assert used >= {"--quick", "--sizes", "--cache"}
    for option in used:
        assert re.search(rf"(^|\s|\[){re.escape(option)}\b", helped), option
