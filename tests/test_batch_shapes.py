"""Units of one shape (perfrules/batch/_unit.py, ``_Prototype``) and the audit line written directly.

A run loads the first inline unit of each shape (same base, year, keys, ids, names, methods and
comparators) the loader's whole way and builds the next units of that shape from its spec, with their
own numbers and meta texts structured by the same converter and validated; ``perfrules.core.document_line``
writes a unit's audit line without the intermediate dicts. Neither may be visible: every output file of a
run must be byte-identical to the run that loads every unit the whole way and writes every document with
``json.dumps(to_document(ev))``, for valid and invalid units, across bases, and after a base file changes
between runs.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.batch import _engines, _unit, run_batch
from perfrules.core import document_line, to_document
from perfrules.testing import cases

OUTPUTS = (
    "out.csv",
    "out.indicators.csv",
    "out.categories.csv",
    "out.problems.csv",
    "audit.jsonl",
    "audit.jsonl.idx",
)

BASE = """\
[meta]
kind = "项目支出"

[policy]
weight_precision = "allow"

[[tiers]]
name = "A"
min = 1
max = 1
max_inclusive = true

[[tiers]]
name = "B"
min = {b}
max = {b}
max_inclusive = true

[[tiers]]
name = "C"
min = 0
max = 0
max_inclusive = true
"""


def _unit_rows(
    unit: str,
    spec: str,
    *,
    weights: tuple[str, str, str, str] = ("30", "20", "25", "25"),
    targets: tuple[str, str, str] = ("400", "95", "120"),
    actuals: tuple[str, str, str] = ("380", "97.5", "130"),
    tier: str = "B",
    per: str = "1",
    deduct: str = "0.5",
    round_to: str = "",
    title: str = "",
) -> list[dict[str, str]]:
    """Four indicators: ratio (≥), step (≥ %), inverse ratio (≤) and a qualitative tier."""
    w, t, a = weights, targets, actuals
    return [
        {
            "unit": unit,
            "spec": spec,
            "year": "2024",
            "title": title,
            "unit_name": title and f"{title}（单位）",
            "indicator": "q1",
            "name": "完成数量",
            "category": "产出指标",
            "weight": w[0],
            "comparator": "≥",
            "target": t[0],
            "actual": a[0],
            "round_to": round_to,
        },
        {
            "unit": unit,
            "indicator": "q2",
            "name": "达标率",
            "category": "产出指标",
            "weight": w[1],
            "method": "step",
            "comparator": "≥",
            "target": t[1],
            "target_unit": "%",
            "actual": a[1],
            "per": per,
            "deduct": deduct,
        },
        {
            "unit": unit,
            "indicator": "q3",
            "name": "单位成本",
            "category": "成本指标",
            "weight": w[2],
            "method": "inverse_ratio",
            "comparator": "≤",
            "target": t[2],
            "actual": a[2],
        },
        {
            "unit": unit,
            "indicator": "s1",
            "name": "满意度",
            "category": "满意度指标",
            "weight": w[3],
            "method": "qualitative",
            "target_text": "群众满意",
            "tier": tier,
        },
    ]


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    cols: list[str] = []
    for r in rows:
        cols.extend(c for c in r if c not in cols)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, cols)
        w.writeheader()
        w.writerows(rows)
    return path


def _outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def _run(table: Path, folder: Path) -> dict[str, bytes]:
    folder.mkdir(exist_ok=True)
    run_batch(table, folder / "out.csv", audit=folder / "audit.jsonl", engine="pure")
    return _outputs(folder)


def _whole_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unit through the loader's whole way and evaluate(), every document through json.dumps(to_document(ev))."""
    monkeypatch.setattr(_unit._Prototype, "make", classmethod(lambda cls, *a: None))

    def line(ev: perfrules.Evaluation, unit: str | None = None) -> str:
        doc = to_document(ev) if unit is None else {"unit": unit, **to_document(ev)}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))

    monkeypatch.setattr(_engines, "document_line", line)
    monkeypatch.setattr(_engines, "unit_document", lambda *a: None)  # every unit evaluated


def _compare(
    table: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str = "run",
    calls: list[int] | None = None,
) -> dict[str, bytes]:
    """Run ``table`` as is and the whole way (the same output folder name): byte-identical outputs.

    ``calls`` (from :func:`_count_whole_way`) is left at the count of the first run.
    """
    fast = _run(table, tmp_path / name)
    counted = None if calls is None else calls[0]
    with monkeypatch.context() as m:
        _whole_way(m)
        (tmp_path / name).rename(tmp_path / f"{name}.fast")
        slow = _run(table, tmp_path / name)
    for file in OUTPUTS:
        assert fast[file] == slow[file], file
    if calls is not None and counted is not None:
        calls[0] = counted
    return fast


def _count_whole_way(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real: Callable[..., Any] = _unit._load_spec_data_slow

    def counted(*args: Any) -> Any:
        calls[0] += 1
        return real(*args)

    monkeypatch.setattr(_unit, "_load_spec_data_slow", counted)
    return calls


def _units(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["unit"]: r for r in csv.DictReader(fh)}


def _documents(audit: bytes) -> dict[str, dict[str, Any]]:
    docs = [json.loads(line) for line in audit.decode().splitlines()]
    return {d["unit"]: d for d in docs}


# ---------------------------------------------------------------------------


def test_units_of_one_shape_differing_in_numbers_score_as_loaded_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base.toml").write_text(BASE.format(b=0.8), encoding="utf-8")
    variants: list[dict[str, Any]] = [
        {},
        {"weights": ("40", "10", "25", "25"), "targets": ("500", "90", "80")},
        {"actuals": ("520", "80", "160"), "tier": "C", "per": "0.5", "deduct": "2"},
        {"weights": ("35.5", "14.5", "25", "25"), "title": "甲单位"},
        {"targets": ("7", "99", "3"), "actuals": ("2", "100", "3"), "title": "乙单位"},
        {"round_to": "1", "actuals": ("301", "91", "101")},  # another shape: round_to given
        {"round_to": "0.1", "actuals": ("399", "94.5", "125")},
    ]
    rows: list[dict[str, str]] = []
    for k, v in enumerate(variants):
        rows += _unit_rows(f"u{k}", "base.toml", **v)
    calls = _count_whole_way(monkeypatch)
    out = _compare(_write(tmp_path / "t.csv", rows), tmp_path, monkeypatch, calls=calls)
    assert calls[0] == 2  # one per shape: without round_to (titles are free), with it
    units = _units(tmp_path / "run.fast" / "out.csv")
    assert all(units[f"u{k}"]["status"] == "ok" for k in range(len(variants)))
    assert len({units[f"u{k}"]["total"] for k in range(len(variants))}) == len(variants)
    docs = _documents(out["audit.jsonl"])
    assert (
        docs["u3"]["spec"]["title"] == "甲单位" and docs["u3"]["spec"]["unit"] == "甲单位（单位）"
    )
    assert docs["u1"]["indicators"][0]["weight"] == "40"
    assert docs["u5"]["indicators"][0]["score"] == "23"  # 301 / 400 × 30 = 22.575, to whole points
    # each unit's document is the core's for the unit loaded by itself
    for k, v in enumerate(variants):
        alone = tmp_path / f"alone{k}"
        alone.mkdir()
        (alone / "base.toml").write_text(BASE.format(b=0.8), encoding="utf-8")
        table = _write(alone / "t.csv", _unit_rows(f"u{k}", "base.toml", **v))
        single = _documents(_run(table, alone)["audit.jsonl"])[f"u{k}"]
        mine = dict(docs[f"u{k}"])
        assert {**mine, "framework": None} == {**single, "framework": None}


def test_an_invalid_unit_of_a_known_shape_gets_the_whole_way_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base.toml").write_text(BASE.format(b=0.8), encoding="utf-8")
    rows = (
        _unit_rows("ok", "base.toml")
        + _unit_rows("neg", "base.toml", targets=("-400", "95", "120"))  # a negative ratio target
        + _unit_rows("zero", "base.toml", weights=("0", "20", "25", "25"))
        + _unit_rows("big", "base.toml", weights=("30", "20", "25", "1000000000000000"))
        + _unit_rows("tier", "base.toml", tier="Z")  # an unknown tier: the actuals' problem
        + _unit_rows("ok2", "base.toml", weights=("25", "25", "25", "25"))
    )
    _compare(_write(tmp_path / "t.csv", rows), tmp_path, monkeypatch)
    units = _units(tmp_path / "run.fast" / "out.csv")
    assert [u for u, r in units.items() if r["status"] == "ok"] == ["ok", "ok2"]
    problems = (tmp_path / "run.fast" / "out.problems.csv").read_text(encoding="utf-8")
    assert "neg" in problems and "zero" in problems and "big" in problems and "tier" in problems


def test_units_on_different_bases_never_share_a_prototype(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.toml").write_text(BASE.format(b=0.8), encoding="utf-8")
    (tmp_path / "b.toml").write_text(BASE.format(b=0.5), encoding="utf-8")
    rows: list[dict[str, str]] = []
    for k in range(6):
        rows += _unit_rows(f"u{k}", "a.toml" if k % 2 == 0 else "b.toml")
    _compare(_write(tmp_path / "t.csv", rows), tmp_path, monkeypatch)
    docs = _documents((tmp_path / "run.fast" / "audit.jsonl").read_bytes())
    tier = {u: d["indicators"][3]["score"] for u, d in docs.items()}
    assert tier == {"u0": "20", "u1": "12.5", "u2": "20", "u3": "12.5", "u4": "20", "u5": "12.5"}


def test_a_base_changed_between_runs_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "base.toml"
    base.write_text(BASE.format(b=0.8), encoding="utf-8")
    rows = _unit_rows("u0", "base.toml") + _unit_rows("u1", "base.toml", tier="B")
    table = _write(tmp_path / "t.csv", rows)
    first = _compare(table, tmp_path, monkeypatch, "first")
    base.write_text(BASE.format(b=0.6), encoding="utf-8")
    second = _compare(table, tmp_path, monkeypatch, "second")
    before, after = _documents(first["audit.jsonl"]), _documents(second["audit.jsonl"])
    assert before["u1"]["indicators"][3]["score"] == "20"
    assert after["u1"]["indicators"][3]["score"] == "15"
    assert before["u1"]["spec"]["sha256"] != after["u1"]["spec"]["sha256"]


def test_units_on_a_framework_with_template_categories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Subcategories of the framework's templates, given their weights by overrides, unit by unit."""

    def unit(u: str, w: tuple[str, str], actual: str) -> list[dict[str, str]]:
        return [
            {
                "unit": u,
                "spec": "national-project",
                "year": "2024",
                "indicator": "a",
                "category": "产出指标",
                "subcategory": "数量指标",
                "weight": w[0],
                "comparator": "≥",
                "target": "10",
                "actual": actual,
                "budget": "100",
                "spent": "90",
            },
            {
                "unit": u,
                "indicator": "a2",
                "category": "产出指标",
                "subcategory": "质量指标",
                "weight": w[1],
                "comparator": "≥",
                "target": "98",
                "target_unit": "%",
                "actual": "97",
            },
            {
                "unit": u,
                "indicator": "b",
                "category": "效益指标",
                "subcategory": "社会效益指标",
                "weight": "30",
                "target_text": "好",
                "tier": "达成",
            },
            {
                "unit": u,
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

    rows = (
        unit("p0", ("30", "20"), "10")
        + unit("p1", ("25", "25"), "7")
        + unit("p2", ("40", "10"), "9.5")
        + unit("p3", ("30", "30"), "9.5")  # 产出指标 weighs 50 in the framework, not 60
    )
    calls = _count_whole_way(monkeypatch)
    _compare(_write(tmp_path / "t.csv", rows), tmp_path, monkeypatch, calls=calls)
    assert calls[0] == 2  # p0 (the prototype) and p3 (its problem, reported the whole way)
    units = _units(tmp_path / "run.fast" / "out.csv")
    assert [units[u]["status"] for u in ("p0", "p1", "p2", "p3")] == ["ok", "ok", "ok", "error"]
    assert units["p3"]["error_code"] == "weight-sum"
    docs = _documents((tmp_path / "run.fast" / "audit.jsonl").read_bytes())
    weights = {c["id"]: c["weight"] for c in docs["p1"]["categories"]}
    assert weights["output.quantity"] == "25" and weights["output.quality"] == "25"
    weights = {c["id"]: c["weight"] for c in docs["p2"]["categories"]}
    assert weights["output.quantity"] == "40" and weights["output.quality"] == "10"


def test_the_benchmark_workload_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import _workload as W  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    (tmp_path / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
    W.write_csv(W.generate(60), tmp_path / "units.csv")
    calls = _count_whole_way(monkeypatch)
    _compare(tmp_path / "units.csv", tmp_path, monkeypatch, calls=calls)
    assert calls[0] == 1


# ---------------------------------------------------------------------------
# the audit line


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_document_line_is_json_dumps_of_the_document(case: Any) -> None:
    spec, actuals = case
    ev = perfrules.evaluate(spec, actuals)
    assert document_line(ev) == json.dumps(
        to_document(ev), ensure_ascii=False, separators=(",", ":")
    )
    unit = '单位 "1"\n'  # quotes and control characters escaped as json.dumps escapes them
    fresh = perfrules.evaluate(spec, actuals)  # texts not formatted yet
    assert document_line(fresh, unit) == json.dumps(
        {"unit": unit, **to_document(ev)}, ensure_ascii=False, separators=(",", ":")
    )


def test_document_line_of_the_examples() -> None:
    root = Path(__file__).resolve().parents[1] / "examples"
    checked = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        spec, actuals = perfrules.load_example(folder)
        ev = perfrules.evaluate(spec, actuals)
        assert document_line(ev, os.fspath(folder.name)) == json.dumps(
            {"unit": folder.name, **to_document(ev)}, ensure_ascii=False, separators=(",", ":")
        )
        checked += 1
    assert checked >= 2


# ---------------------------------------------------------------------------
# units of one cell shape: their data replayed (perfrules/batch/_unit.py, ``_Replay``)


def _count(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls = [0]
    real: Callable[..., Any] = getattr(_unit, name)

    def counted(*args: Any) -> Any:
        calls[0] += 1
        return real(*args)

    monkeypatch.setattr(_unit, name, counted)
    return calls


def test_units_of_one_cell_shape_are_replayed_not_assembled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first unit of a cell shape is assembled from its cells; the others replay its data."""
    (tmp_path / "base.toml").write_text(BASE.format(b=0.8), encoding="utf-8")
    rows: list[dict[str, str]] = []
    for k in range(6):
        rows += _unit_rows(
            f"u{k}",
            "base.toml",
            weights=(str(30 - k), str(20 + k), "25", "25"),
            actuals=(str(380 + 7 * k), "97.5", str(130 - k)),
            tier="ABC"[k % 3],
            title="" if k % 2 else f"单位{k}",
        )
    table = _write(tmp_path / "t.csv", rows)
    assembled = _count(monkeypatch, "_spec_data")
    fast = _run(table, tmp_path / "fast")
    assert assembled[0] == 2  # with a title and without: two cell shapes, one assembled each
    with monkeypatch.context() as m:
        m.setattr(_unit._Replay, "make", classmethod(lambda cls, *a: None))
        again = _run(table, tmp_path / "again")
    assert assembled[0] == 2 + 6
    for file in OUTPUTS:
        assert fast[file] == again[file].replace(b"again", b"fast"), file
    _compare(table, tmp_path, monkeypatch)


@pytest.mark.parametrize(
    "bad",
    [
        {"weights": ("30", "20", "25", "abc")},  # not a number
        {"weights": ("30", "20", "25", "1e3")},  # an exponent
        {"actuals": ("380", "97.5", "1000000000000000")},  # out of bounds
        {"actuals": ("380", "97.5", "0.00000000001")},  # too many decimals
        {"weights": ("30", "20", "25", "0")},  # a zero weight: validation
        {"weights": ("30", "20", "25", "-25")},
        {"targets": ("0", "95", "120")},  # a zero ratio target
        {"per": "0"},  # the step method's own check
        {"tier": "Z"},  # an unknown tier: the actuals' problem
        {"tier": " B "},  # a tier with spaces (stripped, as the cell is read)
        {"weights": (" 30 ", "20", "25", "25")},  # a number with spaces: another cell shape
        {"actuals": ("380", "97.5", "-130")},
    ],
)
def test_a_bad_cell_in_a_replayed_shape_is_reported_as_the_whole_way_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: dict[str, Any]
) -> None:
    (tmp_path / "base.toml").write_text(BASE.format(b=0.8), encoding="utf-8")
    rows = (
        _unit_rows("first", "base.toml")
        + _unit_rows("bad", "base.toml", **bad)
        + _unit_rows("after", "base.toml", weights=("25", "25", "25", "25"))
    )
    _compare(_write(tmp_path / "t.csv", rows), tmp_path, monkeypatch)
    units = _units(tmp_path / "run.fast" / "out.csv")
    assert units["first"]["status"] == "ok" and units["after"]["status"] == "ok"


def test_units_on_a_framework_with_their_own_budgets_are_replayed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A framework unit's budget and spending (per-unit numbers) are put in place like its other numbers."""

    def unit(u: str, budget: str, spent: str, actual: str) -> list[dict[str, str]]:
        return [
            {
                "unit": u,
                "spec": "national-project",
                "year": "2024",
                "indicator": "a",
                "category": "产出指标",
                "subcategory": "数量指标",
                "weight": "30",
                "comparator": "≥",
                "target": "10",
                "actual": actual,
                "budget": budget,
                "spent": spent,
            },
            {
                "unit": u,
                "indicator": "a2",
                "category": "产出指标",
                "subcategory": "质量指标",
                "weight": "20",
                "comparator": "≥",
                "target": "98",
                "target_unit": "%",
                "actual": "97",
            },
            {
                "unit": u,
                "indicator": "b",
                "category": "效益指标",
                "subcategory": "社会效益指标",
                "weight": "30",
                "target_text": "好",
                "tier": "达成",
            },
            {
                "unit": u,
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

    rows = (
        unit("p0", "100", "90", "10")
        + unit("p1", "250.50", "250.5", "7")
        + unit("p2", "1000", "612.34", "9.5")
        + unit("p3", "80", "96", "9")  # spent above the budget
        + unit("p4", "0", "0", "9")  # a zero budget
    )
    table = _write(tmp_path / "t.csv", rows)
    assembled = _count(monkeypatch, "_spec_data")
    fast = _run(table, tmp_path / "fast")
    replayed = 5 - assembled[0]
    assert replayed >= 3  # p1, p2 and p3 at least: their data is the first unit's, replayed
    _compare(table, tmp_path, monkeypatch)
    docs = _documents(fast["audit.jsonl"])
    spent = {u: docs[u]["budget_execution"]["spent"] for u in ("p0", "p1", "p2") if u in docs}
    assert spent == {"p0": "90", "p1": "250.5", "p2": "612.34"}
