"""The batch pipeline end to end: a generated 1,000-unit table with 1 % corrupted units, audit, atomic writes."""

from __future__ import annotations

import csv
import json
import os
import random
import sys
import weakref
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import perfrules
from perfrules import (
    Actuals,
    Category,
    Comparator,
    Indicator,
    IndicatorActual,
    Kind,
    Meta,
    QuantitativeTarget,
    Spec,
    evaluate,
    to_document,
)
from perfrules.batch import (
    ChunkResult,
    EngineUnavailable,
    _engines,
    explain,
    output_paths,
    read_table,
    run_batch,
    score_units,
    table_from_columns,
)
from perfrules.batch import _chunked as run_module

ROOT = Path(__file__).resolve().parents[1]
HUNAN = ROOT / "examples" / "hunan-2024-general-office"
BASE = ROOT / "tests" / "data" / "batch" / "base.toml"
COLUMNS = [
    "unit",
    "indicator",
    "name",
    "category",
    "subcategory",
    "weight",
    "method",
    "comparator",
    "target",
    "target_unit",
    "target_text",
    "actual",
    "tier",
    "text",
    "year",
    "budget",
    "spent",
]
TIERS = ("达成年度指标", "部分达成", "未达成")


# ---------------------------------------------------------------------------
# the generator: rows of the table and, independently, the Spec and Actuals they mean


@attrs.define
class GenUnit:
    unit: str
    rows: list[dict[str, str]]
    spec: Spec
    actuals: Actuals


def _num(rng: random.Random, lo: int, hi: int, places: int) -> Decimal:
    return Decimal(rng.randint(lo * 10**places, hi * 10**places)).scaleb(-places)


def gen_unit(k: int, rng: random.Random) -> GenUnit:
    unit = f"u{k:04d}"
    t1 = Decimal(rng.randint(50, 200))
    a1 = _num(rng, 25, 300, 1)
    a2 = _num(rng, 80, 120, 2)
    a4 = _num(rng, 70, 100, 1)
    tier = rng.choice(TIERS)
    rows = [
        {
            "unit": unit,
            "indicator": "q1",
            "name": "完成数量",
            "category": "产出指标",
            "subcategory": "数量指标",
            "weight": "30",
            "comparator": "≥",
            "target": str(t1),
            "target_unit": "个",
            "actual": str(a1),
            "year": "2024",
        },
        {
            "unit": unit,
            "indicator": "q2",
            "name": "成本控制率",
            "category": "产出指标",
            "subcategory": "成本指标",
            "weight": "20",
            "comparator": "<=",
            "target": "100",
            "target_unit": "%",
            "actual": str(a2),
        },
        {
            "unit": unit,
            "indicator": "t1",
            "name": "社会效益",
            "category": "效益指标",
            "weight": "30",
            "target_text": "成效明显",
            "tier": tier,
            "text": "有成效",
        },
        {
            "unit": unit,
            "indicator": "s1",
            "name": "满意度",
            "category": "满意度指标",
            "weight": "20",
            "comparator": ">=",
            "target": "90",
            "target_unit": "%",
            "actual": str(a4),
        },
    ]
    D = Decimal
    spec = Spec(
        meta=Meta(id=unit, title=unit, unit=unit, year=2024, kind=Kind.PROJECT),
        categories=(
            Category(id="产出指标", name="产出指标", weight=D(50)),
            Category(id="产出指标.数量指标", name="数量指标", weight=D(30), parent="产出指标"),
            Category(id="产出指标.成本指标", name="成本指标", weight=D(20), parent="产出指标"),
            Category(id="效益指标", name="效益指标", weight=D(30)),
            Category(id="满意度指标", name="满意度指标", weight=D(20)),
        ),
        indicators=(
            Indicator(
                id="q1",
                name="完成数量",
                category="产出指标.数量指标",
                weight=D(30),
                target=QuantitativeTarget(comparator=Comparator.GE, value=t1, unit="个"),
            ),
            Indicator(
                id="q2",
                name="成本控制率",
                category="产出指标.成本指标",
                weight=D(20),
                target=QuantitativeTarget(comparator=Comparator.LE, value=D(100), unit="%"),
            ),
            Indicator(
                id="t1", name="社会效益", category="效益指标", weight=D(30), target_text="成效明显"
            ),
            Indicator(
                id="s1",
                name="满意度",
                category="满意度指标",
                weight=D(20),
                target=QuantitativeTarget(comparator=Comparator.GE, value=D(90), unit="%"),
            ),
        ),
    )
    actuals = Actuals(
        indicators=(
            IndicatorActual(id="q1", value=a1),
            IndicatorActual(id="q2", value=a2),
            IndicatorActual(id="t1", tier=tier, text="有成效"),
            IndicatorActual(id="s1", value=a4),
        )
    )
    return GenUnit(unit, rows, spec, actuals)


@attrs.define
class Corruption:
    unit: str
    code: str
    row: int  # expected file row of the first problem
    column: str  # expected column name


@attrs.define
class Generated:
    path: Path
    good: dict[str, GenUnit]
    bad: dict[str, Corruption]
    order: list[str]  # unit ids in table order (first appearance)


def _corrupt(kind: str, u: GenUnit) -> tuple[str, int, str]:
    """Break unit ``u`` in place: (code, index of the row within the unit, column)."""
    r = u.rows
    if kind == "bad-number":
        r[0]["actual"] = "1,5"
        return "invalid-number", 0, "actual"
    if kind == "unknown-method":
        r[1]["method"] = "inverse_ratoi"
        return "invalid-value", 1, "method"
    if kind == "missing-actual":
        r[3]["actual"] = ""
        return "missing-actual", 3, "actual"
    if kind == "weights":
        r[3]["weight"] = "25"
        return "total", 0, "unit"
    if kind == "unknown-tier":
        r[2]["tier"] = "部份达成"
        return "unknown-tier", 2, "tier"
    if kind == "duplicate":
        r[2]["indicator"] = "q2"
        return "duplicate-indicator", 2, "indicator"
    if kind == "budget":
        r[0]["budget"], r[2]["budget"] = "100", "120"
        return "unit-disagree", 2, "budget"
    if kind == "comparator":
        r[0]["comparator"] = "≈"
        return "invalid-value", 0, "comparator"
    if kind == "bad-weight":
        r[1]["weight"] = "二十"
        return "invalid-number", 1, "weight"
    raise AssertionError(kind)


KINDS = (
    "bad-number",
    "unknown-method",
    "missing-actual",
    "weights",
    "unknown-tier",
    "duplicate",
    "budget",
    "comparator",
    "bad-weight",
)


def generate(path: Path, n: int = 1000, seed: int = 20240601) -> Generated:
    """Write an ``n``-unit table at ``path`` with 1 % of the units corrupted (seeded)."""
    rng = random.Random(seed)
    units = [gen_unit(k, rng) for k in range(n)]
    picks = rng.sample(range(n), max(n // 100, len(KINDS) + 1))
    plan: dict[int, str] = {k: KINDS[j] for j, k in enumerate(picks[: len(KINDS)])}
    stray_k = picks[len(KINDS)]
    broken: dict[str, tuple[str, int, str]] = {
        units[k].unit: _corrupt(kind, units[k]) for k, kind in plan.items()
    }
    rows: list[dict[str, str]] = []
    first_row: dict[str, int] = {}
    stray_row: dict[str, str] | None = None
    for k, u in enumerate(units):
        first_row[u.unit] = len(rows) + 2
        unit_rows = list(u.rows)
        if k == stray_k:
            stray_row = unit_rows.pop()  # its last row goes to the end of the table: not contiguous
        rows.extend(unit_rows)
    assert stray_row is not None
    rows.append(stray_row)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        w.writerows(rows)
    bad = {
        unit: Corruption(unit, code, first_row[unit] + i, col)
        for unit, (code, i, col) in broken.items()
    }
    stray = units[stray_k].unit
    bad[stray] = Corruption(stray, "not-contiguous", len(rows) + 1, "unit")
    good = {u.unit: u for u in units if u.unit not in bad}
    return Generated(path, good, bad, [u.unit for u in units])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("batch") / "units.csv")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ran(generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("out") / "results.csv"
    summary = run_batch(generated.path, out, audit=out.with_name("audit.jsonl"), engine="pure")
    return out, summary


# ---------------------------------------------------------------------------


def test_every_unit_has_one_row_in_table_order(generated: Generated, ran: tuple[Path, Any]) -> None:
    out, summary = ran
    units = read_csv(out)
    assert [u["unit"] for u in units] == generated.order
    assert summary.units == 1000 and summary.failed == len(generated.bad) == 10
    assert summary.exit_code == 1


def test_good_units_equal_evaluate_directly(generated: Generated, ran: tuple[Path, Any]) -> None:
    out, _ = ran
    paths = output_paths(out)
    by_unit = {u["unit"]: u for u in read_csv(out)}
    indicators: dict[str, dict[str, dict[str, str]]] = {}
    for row in read_csv(paths["indicators"]):
        indicators.setdefault(row["unit"], {})[row["indicator"]] = row
    categories: dict[str, dict[str, dict[str, str]]] = {}
    for row in read_csv(paths["categories"]):
        categories.setdefault(row["unit"], {})[row["category"]] = row
    for unit, g in generated.good.items():
        ev = evaluate(g.spec, g.actuals)
        row = by_unit[unit]
        assert row["status"] == "ok"
        assert (row["total"], row["grade"], row["total_weight"], row["lost"]) == (
            str(ev.total),
            ev.grade,
            str(ev.total_weight),
            str(ev.lost),
        )
        assert row["warnings"] == str(len(ev.warnings))
        assert {
            i: (r["score"], r["lost"], r["met"], r["category"]) for i, r in indicators[unit].items()
        } == {
            r.id: (
                str(r.score),
                str(r.lost),
                "" if r.met is None else str(r.met).lower(),
                r.category,
            )
            for r in ev.indicators
        }
        assert {c: (r["score"], r["weight"], r["level"]) for c, r in categories[unit].items()} == {
            c.id: (str(c.score), str(c.weight), str(c.level)) for c in ev.categories
        }


def test_bad_units_are_error_rows_with_row_and_column(
    generated: Generated, ran: tuple[Path, Any]
) -> None:
    out, _ = ran
    header = COLUMNS
    by_unit = {u["unit"]: u for u in read_csv(out)}
    for unit, c in generated.bad.items():
        row = by_unit[unit]
        assert row["status"] == "error", unit
        assert (row["error_code"], row["error_row"], row["error_column"]) == (
            c.code,
            str(c.row),
            str(header.index(c.column) + 1),
        ), (unit, row)
        assert row["error_file"] == str(generated.path)
        assert row["error"] and row["error_en"]
        assert row["total"] == "" and row["grade"] == ""
    problems = read_csv(output_paths(out)["problems"])
    assert {p["unit"] for p in problems} == set(generated.bad)


def test_did_you_mean_reaches_the_error_row(generated: Generated, ran: tuple[Path, Any]) -> None:
    out, _ = ran
    by_unit = {u["unit"]: u for u in read_csv(out)}
    method_unit = next(u for u, c in generated.bad.items() if c.column == "method")
    assert "inverse_ratio" in by_unit[method_unit]["error_en"]
    tier_unit = next(u for u, c in generated.bad.items() if c.code == "unknown-tier")
    assert "部分达成" in by_unit[tier_unit]["error"]


def test_audit_documents_equal_to_document(generated: Generated, ran: tuple[Path, Any]) -> None:
    out, _ = ran
    audit = out.with_name("audit.jsonl")
    lines = audit.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1000
    docs = [json.loads(line) for line in lines]
    assert [d["unit"] for d in docs] == generated.order
    for doc in docs[:200]:
        unit = doc.pop("unit")
        if unit in generated.bad:
            assert (
                doc["status"] == "error" and doc["problems"][0]["code"] == generated.bad[unit].code
            )
            continue
        g = generated.good[unit]
        assert doc == json.loads(
            json.dumps(to_document(evaluate(g.spec, g.actuals)), ensure_ascii=False)
        )


def test_explain_uses_the_index(
    generated: Generated, ran: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = ran
    audit = out.with_name("audit.jsonl")
    target = generated.order[777]
    reads: list[int] = []
    real_open = open

    class Spy:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def seek(self, n: int) -> None:
            self.fh.seek(n)

        def read(self, n: int = -1) -> bytes:
            assert n >= 0, "explain must not read the whole audit file"
            reads.append(n)
            data: bytes = self.fh.read(n)
            return data

        def readline(self) -> bytes:
            line: bytes = self.fh.readline()
            return line

        def __iter__(self) -> Iterator[bytes]:
            return iter(self.fh)

    def spy_open(path: Any, mode: str = "r", *a: Any, **k: Any) -> Any:
        fh = real_open(path, mode, *a, **k)
        return Spy(fh) if str(path) == str(audit) else fh

    monkeypatch.setattr("builtins.open", spy_open)
    doc = explain(audit, target)
    monkeypatch.undo()
    g = generated.good.get(target)
    assert doc["unit"] == target
    if g is not None:
        assert doc["total"] == str(evaluate(g.spec, g.actuals).total)
    assert len(reads) == 1 and reads[0] < audit.stat().st_size // 100
    with pytest.raises(KeyError):
        explain(audit, "no-such-unit")


def test_summary_grades_and_losses(generated: Generated, ran: tuple[Path, Any]) -> None:
    _, summary = ran
    evs = [evaluate(g.spec, g.actuals) for g in generated.good.values()]
    grades: dict[str, int] = {}
    for ev in evs:
        grades[ev.grade] = grades.get(ev.grade, 0) + 1
    assert dict(summary.grades) == grades
    lost: dict[str, Decimal] = {}
    count: dict[str, int] = {}
    for ev in evs:
        for r in ev.indicators:
            if r.lost > 0:
                lost[r.id] = lost.get(r.id, Decimal(0)) + r.lost
                count[r.id] = count.get(r.id, 0) + 1
    top = max(lost, key=lambda k: lost[k])
    assert summary.losses[0].indicator == top
    assert (summary.losses[0].points, summary.losses[0].units) == (lost[top], count[top])


# ---------------------------------------------------------------------------
# spec-referencing units: the Hunan example as rows


def hunan_rows(unit: str, spec_cell: str) -> list[dict[str, str]]:
    spec, act = perfrules.load_example(HUNAN)
    rows: list[dict[str, str]] = []
    for a in act.indicators:
        rows.append(
            {
                "unit": unit,
                "indicator": a.id,
                "actual": "" if a.value is None else str(a.value),
                "tier": a.tier or "",
                "text": a.text or "",
                "note": a.note or "",
            }
        )
    for am in act.amounts:
        rows.append(
            {"unit": unit, "amount": am.name, "actual": str(am.value), "name": am.label or ""}
        )
    assert act.budget is not None
    rows[0].update(spec=spec_cell, budget=str(act.budget.full_year))
    rows[1].update(spent=str(act.budget.spent), year="2024")
    return rows


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    cols: list[str] = []
    for r in rows:
        cols.extend(c for c in r if c not in cols)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, cols)
        w.writeheader()
        w.writerows(rows)
    return path


def test_hunan_rows_score_99(tmp_path: Path) -> None:
    rel = os.path.relpath(HUNAN / "spec.toml", tmp_path)
    rows = hunan_rows("hn-1", rel) + hunan_rows("hn-2", os.path.relpath(HUNAN, tmp_path))
    table = write_rows(tmp_path / "hunan.csv", rows)
    results = list(score_units(table, engine="pure"))
    assert [(r.unit, r.status, r.row["total"], r.row["grade"]) for r in results] == [
        ("hn-1", "ok", "99.00", "优"),
        ("hn-2", "ok", "99.00", "优"),
    ]
    spec, act = perfrules.load_example(HUNAN)
    ev = results[0].evaluation
    assert ev is not None
    direct = to_document(evaluate(spec, act))
    doc = to_document(ev)
    for key in (
        "indicators",
        "categories",
        "total",
        "grade",
        "lost",
        "total_weight",
        "warnings",
        "losses",
        "spec",
    ):
        assert doc[key] == direct[key], key
    for key in (
        "score",
        "rate",
        "lost",
        "reason",
    ):  # budget lines and the actuals label are not in a table
        assert doc["budget_execution"][key] == direct["budget_execution"][key]
    budget = [i for i in results[0].indicators if i["indicator"] == "budget_execution"]
    assert budget == [
        {
            "unit": "hn-1",
            "indicator": "budget_execution",
            "category": None,
            "weight": "10",
            "score": "9",
            "lost": "1",
            "met": None,
        }
    ]


def test_declaring_columns_on_spec_rows_are_errors(tmp_path: Path) -> None:
    rows = hunan_rows("hn", os.path.relpath(HUNAN, tmp_path))
    rows[3]["weight"] = "3"
    table = write_rows(tmp_path / "t.csv", rows)
    (res,) = list(score_units(table, engine="pure"))
    assert res.status == "error"
    p = res.problems[0]
    header = list(rows[0]) + [c for c in rows[1] if c not in rows[0]]
    assert (p.code, p.line, p.column) == (
        "declared-by-spec",
        5,
        [*dict.fromkeys(header + ["weight"])].index("weight") + 1,
    )


def test_year_mismatch_against_the_spec(tmp_path: Path) -> None:
    rows = hunan_rows("hn", os.path.relpath(HUNAN, tmp_path))
    rows[1]["year"] = "2023"
    (res,) = list(score_units(write_rows(tmp_path / "t.csv", rows), engine="pure"))
    assert (
        res.status == "error"
        and res.problems[0].code == "year-mismatch"
        and res.problems[0].line == 3
    )


# ---------------------------------------------------------------------------
# inline units on a base, and on a framework


def inline_rows(unit: str, spec_cell: str, tier: str) -> list[dict[str, str]]:
    return [
        {
            "unit": unit,
            "spec": spec_cell,
            "year": "2024",
            "indicator": "a",
            "category": "产出指标",
            "weight": "60.5",
            "comparator": "≥",
            "target": "10",
            "actual": "9",
            "round_to": "1",
        },
        {
            "unit": unit,
            "indicator": "b",
            "category": "效益指标",
            "weight": "39.5",
            "target_text": "好",
            "tier": tier,
            "method": "qualitative",
        },
    ]


def test_inline_units_on_a_base_file(tmp_path: Path) -> None:
    rel = os.path.relpath(BASE, tmp_path)
    table = write_rows(tmp_path / "t.csv", inline_rows("x", rel, "B") + inline_rows("y", rel, "甲"))
    x, y = score_units(table, engine="pure")
    assert x.status == "ok", x.problems
    ev = x.evaluation
    assert ev is not None
    # weight_precision = "allow": 60.5 at whole points is allowed; 9/10 × 60.5 = 54.45 → 54
    assert ev.indicator("a").score == Decimal(54)
    assert ev.indicator("b").score == Decimal("31.60")  # tier B tops at 80 % inclusive: 0.8 × 39.5
    assert y.status == "error" and y.problems[0].code == "unknown-tier" and y.problems[0].line == 5


def test_inline_unit_on_a_framework_uses_its_categories(tmp_path: Path) -> None:
    rows = [
        {
            "unit": "p",
            "spec": "national-project",
            "year": "2024",
            "indicator": "a",
            "category": "产出指标",
            "subcategory": "数量指标",
            "weight": "50",
            "comparator": "≥",
            "target": "10",
            "actual": "10",
            "budget": "100",
            "spent": "90",
        },
        {
            "unit": "p",
            "indicator": "b",
            "category": "效益指标",
            "subcategory": "社会效益指标",
            "weight": "30",
            "target_text": "好",
            "tier": "达成",
        },
        {
            "unit": "p",
            "indicator": "c",
            "category": "满意度指标",
            "subcategory": "服务对象满意度指标",
            "weight": "10",
            "comparator": "≥",
            "target": "90",
            "target_unit": "%",
            "actual": "95",
        },
    ]
    (res,) = score_units(write_rows(tmp_path / "t.csv", rows), engine="pure")
    assert res.status == "ok", [str(p) for p in res.problems]
    ev = res.evaluation
    assert ev is not None
    assert [c.id for c in ev.categories][:2] == [
        "output",
        "output.quantity",
    ]  # the framework's template ids
    assert ev.budget_execution is not None and ev.budget_execution.score == Decimal(9)
    assert ev.total == Decimal("99.00")


def test_unknown_framework_is_located_at_the_spec_cell(tmp_path: Path) -> None:
    rows = inline_rows("x", "national-projekt", "A")
    (res,) = score_units(write_rows(tmp_path / "t.csv", rows), engine="pure")
    p = res.problems[0]
    assert (p.code, p.line, p.column, p.suggestion) == ("extends", 2, 2, "national-project")


# ---------------------------------------------------------------------------
# memory, atomic writes, CSV without pyarrow, Parquet, the engine hook


def test_runner_holds_at_most_one_evaluation(
    generated: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = [0]
    peak = [0]
    chunks = [0]
    real = run_module.evaluate
    real_chunk = run_module._score_chunk

    def counting(spec: Spec, actuals: Actuals) -> perfrules.Evaluation:
        ev = real(spec, actuals)
        live[0] += 1
        peak[0] = max(peak[0], live[0])
        weakref.finalize(ev, lambda: live.__setitem__(0, live[0] - 1))
        return ev

    def counting_chunk(*a: Any, **k: Any) -> Any:
        chunks[0] += 1
        return real_chunk(*a, **k)

    monkeypatch.setattr(run_module, "evaluate", counting)
    monkeypatch.setattr(run_module, "_score_chunk", counting_chunk)
    monkeypatch.setattr(_engines, "unit_document", lambda *a: None)  # every unit evaluated
    small = tmp_path / "small.csv"
    lines = generated.path.read_text(encoding="utf-8").splitlines()[:801]
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = run_batch(
        small, tmp_path / "o.csv", audit=tmp_path / "a.jsonl", chunk_units=7, engine="pure"
    )
    assert summary.units == 200
    assert chunks[0] == -(-200 // 7)
    assert peak[0] == 1


def test_crash_mid_run_leaves_previous_outputs(
    generated: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r.csv"
    paths = output_paths(out)
    for p in paths.values():
        p.write_text("previous\n", encoding="utf-8")
    calls = [0]
    real_ok = run_module._Out.ok

    def crash(self: Any, unit: str, ev: Any) -> None:
        calls[0] += 1
        if calls[0] == 150:
            raise RuntimeError("injected crash")
        real_ok(self, unit, ev)

    monkeypatch.setattr(run_module._Out, "ok", crash)
    with pytest.raises(RuntimeError, match="injected"):
        run_batch(generated.path, out, audit=tmp_path / "a.jsonl", chunk_units=50, engine="pure")
    assert calls[0] == 150
    for p in paths.values():
        assert p.read_text(encoding="utf-8") == "previous\n"
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted(p.name for p in paths.values())


def test_csv_text_identical_without_pyarrow(
    generated: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = tmp_path / "small.csv"
    lines = generated.path.read_text(encoding="utf-8").splitlines()
    small.write_text("\n".join(lines[:401] + lines[-1:]) + "\n", encoding="utf-8")
    run_batch(small, tmp_path / "with.csv", engine="pure")
    for mod in ("pyarrow", "pyarrow.csv", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, mod, None)  # import fails
    from perfrules.batch._write import pyarrow_available

    assert not pyarrow_available()
    run_batch(small, tmp_path / "without.csv", engine="auto")
    for name in ("", ".indicators", ".categories", ".problems"):
        a = (tmp_path / f"with{name}.csv").read_bytes()
        b = (tmp_path / f"without{name}.csv").read_bytes()
        assert a == b, name
    assert (tmp_path / "with.problems.csv").read_text(encoding="utf-8").count(
        "\n"
    ) > 1  # errors were written too


def test_parquet_in_and_out(generated: Generated, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    small = tmp_path / "small.csv"
    lines = generated.path.read_text(encoding="utf-8").splitlines()
    small.write_text("\n".join(lines[:401]) + "\n", encoding="utf-8")
    rows = read_csv(small)
    cols = {c: [r[c] or None for r in rows] for c in COLUMNS}
    arrays = {c: pa.array(v, pa.string()) for c, v in cols.items()}
    arrays["weight"] = pa.array(
        [None if v is None else Decimal(v) for v in cols["weight"]], pa.decimal128(10, 2)
    )
    pq.write_table(pa.table(arrays), tmp_path / "in.parquet")
    run_batch(small, tmp_path / "a.csv", engine="pure")
    run_batch(tmp_path / "in.parquet", tmp_path / "b.parquet", engine="pure")
    a = read_csv(tmp_path / "a.csv")
    b = pq.read_table(tmp_path / "b.parquet").to_pylist()
    assert len(a) == len(b) == 100
    assert [(r["unit"], r["total"], r["grade"]) for r in a] == [
        (r["unit"], r["total"] or "", r["grade"] or "") for r in b
    ]
    # a weight cell "30.00" from the decimal column scores as 30: same results
    ind = pq.read_table(tmp_path / "b.indicators.parquet").to_pylist()
    assert [r["score"] for r in ind] == [
        r["score"] for r in read_csv(tmp_path / "a.indicators.csv")
    ]
    floats = dict(
        arrays,
        actual=pa.array([None if v is None else float(v) for v in cols["actual"]], pa.float64()),
    )
    pq.write_table(pa.table(floats), tmp_path / "float.parquet")
    with pytest.raises(perfrules.SpecError) as err:
        read_table(tmp_path / "float.parquet")
    p = err.value.problems[0]
    assert (p.code, p.column) == ("float-column", COLUMNS.index("actual") + 1)


def test_vector_hook_results_do_not_depend_on_the_engine(
    generated: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import types

    seen: list[int] = []

    def score_chunk(chunk: Any) -> ChunkResult:
        """A stand-in scorer: scores even units through the pure core, leaves odd ones."""
        seen.append(len(chunk))
        out = run_module._Out()
        unscored = []
        for i, unit in enumerate(chunk.units):
            if i % 2:
                unscored.append(i)
                continue
            cells = {c: [v[r] for r in chunk.unit_slice(i)] for c, v in chunk.columns.items()}
            rows = run_module.UnitRows(
                unit,
                chunk.file,
                Path("."),
                dict(chunk.column_numbers),
                cells,
                [chunk.rows[r] for r in chunk.unit_slice(i)],
            )
            bases = run_module.Bases(Path("."), chunk.file)
            try:
                spec, actuals = run_module.build(run_module.prepare(rows, bases), bases)
            except perfrules.SpecError:
                unscored.append(i)  # a unit that fails is left to the pure path, which reports it
                continue
            out.ok(unit, evaluate(spec, actuals))
        return ChunkResult(
            units=out.units, indicators=out.indicators, categories=out.categories, unscored=unscored
        )

    small = tmp_path / "small.csv"
    lines = generated.path.read_text(encoding="utf-8").splitlines()
    small.write_text("\n".join(lines[:401] + lines[-1:]) + "\n", encoding="utf-8")
    run_batch(small, tmp_path / "pure.csv", engine="pure")
    monkeypatch.setitem(
        sys.modules, "perfrules.batch._vector", types.SimpleNamespace(score_chunk=score_chunk)
    )
    summary = run_batch(small, tmp_path / "vec.csv", engine="vector", chunk_units=30)
    assert seen and dict(summary.engines)["vector"] > 0 and dict(summary.engines)["pure"] > 0
    for name in ("", ".indicators", ".categories", ".problems"):
        assert (tmp_path / f"pure{name}.csv").read_bytes() == (
            tmp_path / f"vec{name}.csv"
        ).read_bytes(), name


def test_vector_engine_without_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "perfrules.batch._vector", None)
    table = table_from_columns({"unit": ["a"], "indicator": ["x"]})
    with pytest.raises(EngineUnavailable, match=r"perfrules\[batch\]"):
        run_batch(table, tmp_path / "o.csv", engine="vector")
    assert list(tmp_path.iterdir()) == []
    assert [r.status for r in score_units(table, engine="auto")] == [
        "error"
    ]  # auto falls back to pure


def test_installed_vector_engine_agrees_with_pure(
    generated: Generated, ran: tuple[Path, Any], tmp_path: Path
) -> None:
    """With perfrules[batch] and the vectorised module present, engine auto writes the same tables as pure."""
    pytest.importorskip("numpy")
    pytest.importorskip("pyarrow")
    try:
        import perfrules.batch._vector  # noqa: F401
    except ImportError:
        pytest.skip("the vectorised module is not installed")
    out, _ = ran
    run_batch(generated.path, tmp_path / "auto.csv", engine="auto")
    for name in ("", ".indicators", ".categories", ".problems"):
        assert (tmp_path / f"auto{name}.csv").read_bytes() == out.with_name(
            f"results{name}.csv"
        ).read_bytes(), name
