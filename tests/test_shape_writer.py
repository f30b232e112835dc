"""The full audit's shape writer (perfrules/batch/_shape.py): units written from their number cells.

The first unit of a shape goes the normal way (build, validate, digest, ``unit_document``); a later
unit of the shape is written by the shape's writer when it proves the unit valid, else it declines
and the unit goes the normal way. Neither may be visible: every output of a run must be
byte-identical to the run without shape writers, for valid and invalid units alike.
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfrules.batch import _shape, run_batch

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
{policy}
[[tiers]]
name = "A"
min = 1
max = 1
max_inclusive = true

[[tiers]]
name = "B"
min = 0.8
max = 0.8
max_inclusive = true

[[tiers]]
name = "C"
min = 0
max = 0
max_inclusive = true
"""


def _rows(
    unit: str,
    numbers: dict[str, str],
    *,
    cmp: tuple[str, str, str] = ("≥", "≥", "≤"),
    round_to: str = "",
    partial: str = "",
) -> list[dict[str, str]]:
    """Four indicators (ratio, step in %, inverse ratio, qualitative); ``numbers`` their cells;
    ``partial`` the step row's partial-step rule (empty: the default)."""
    n = numbers
    return [
        {
            "unit": unit,
            "spec": "base.toml",
            "year": "2024",
            "indicator": "q1",
            "name": "完成数量",
            "category": "产出指标",
            "weight": n["w1"],
            "method": "ratio",
            "comparator": cmp[0],
            "target": n["t1"],
            "actual": n["a1"],
            "round_to": round_to,
        },
        {
            "unit": unit,
            "indicator": "q2",
            "name": "达标率",
            "category": "产出指标",
            "weight": n["w2"],
            "method": "step",
            "comparator": cmp[1],
            "target": n["t2"],
            "target_unit": "%",
            "actual": n["a2"],
            "per": n["per"],
            "deduct": n["deduct"],
            **({"partial": partial} if partial else {}),
        },
        {
            "unit": unit,
            "indicator": "q3",
            "name": "单位成本",
            "category": "成本指标",
            "weight": n["w3"],
            "method": "inverse_ratio",
            "comparator": cmp[2],
            "target": n["t3"],
            "actual": n["a3"],
        },
        {
            "unit": unit,
            "indicator": "s1",
            "name": "满意度",
            "category": "满意度指标",
            "weight": n["w4"],
            "method": "qualitative",
            "target_text": "群众满意",
            "tier": n["tier"],
        },
    ]


VALID = {
    "w1": "30",
    "w2": "20",
    "w3": "25",
    "w4": "25",
    "t1": "400",
    "a1": "380",
    "t2": "95",
    "a2": "97.5",
    "per": "1",
    "deduct": "0.5",
    "t3": "120",
    "a3": "130",
    "tier": "B",
}


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    cols: list[str] = []
    for r in rows:
        cols.extend(c for c in r if c not in cols)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, cols)
        w.writeheader()
        w.writerows(rows)
    return path


def _run(table: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, on: bool) -> dict[str, bytes]:
    folder.mkdir()
    with monkeypatch.context() as m:
        m.setattr(_shape, "ENABLED", on)
        run_batch(table, folder / "out.csv", audit=folder / "audit.jsonl", audit_level="full")
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def _compare(
    table: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, bytes], dict[str, int]]:
    """The run with shape writers and without: every output byte-identical; the rows written."""
    _shape.ACCEPTED.clear()
    fast = _run(table, folder / "on", monkeypatch, True)
    accepted = dict(_shape.ACCEPTED)
    slow = _run(table, folder / "off", monkeypatch, False)
    for name in OUTPUTS:
        assert fast[name] == slow[name], name
    return fast, accepted


def _statuses(out: bytes) -> dict[str, str]:
    return {r["unit"]: r["status"] for r in csv.DictReader(out.decode("utf-8").splitlines())}


# ---------------------------------------------------------------------------
# the property: random number cells, valid or not, against the run without shape writers

_SPECIAL = st.sampled_from(
    ["0", "0.0", "-1", "-0", "1e3", "abc", "+5", " 7 ", "12.34567890123", "0.00000000001"]
    + ["99999999999", "999999999999", "1000000000000000", "5.5000000000", "007.50"]
)


def _decimal(lo: int, hi: int, places: int) -> st.SearchStrategy[str]:
    return st.integers(lo * 10**places, hi * 10**places).map(
        lambda n: str(Decimal(n).scaleb(-places))
    )


_PLAIN = st.one_of(_decimal(1, 2000, 0), _decimal(1, 2000, 2), _decimal(1, 50, 6))


def _spelled(draw: st.DrawFn, text: str) -> str:
    """A number's cell as a table may spell it: as written, with trailing or leading zeros, a
    plus sign or spaces (the value the same; its Decimal's exponent may differ)."""
    how = draw(st.sampled_from(["as is"] * 4 + ["zeros", "lead", "plus", "spaces", "point"]))
    if how == "zeros":
        return text + ("00" if "." in text else ".00")
    if how == "lead":
        return "0" + text
    if how == "plus":
        return "+" + text
    if how == "spaces":
        return f" {text} "
    if how == "point" and text.startswith("0."):
        return text[1:]  # ".5"
    return text


@st.composite
def _unit_numbers(draw: st.DrawFn) -> dict[str, str]:
    """One unit's cells: a valid unit (weights adding to 100; actuals below, at, just above and far
    above the target, or 0), and in half of them one fault: a cell zero, negative, many-decimal,
    huge or not a number, weights adding to 101 or finer than the quantum, an unknown tier."""
    n = dict(VALID)
    # the qualitative weight mostly one the shape has seen valid (the first unit's), so that the
    # writer writes the unit when the rest is valid; the ratio row's weight makes the sum 100
    n["w4"] = draw(st.sampled_from(["25", "25", "25", "24.5", "10"]))
    for key in ("w2", "w3"):
        n[key] = draw(st.sampled_from(["10", "20", "25", "24.5", "7.5", "1"]))
    n["w1"] = str(Decimal(100) - sum(Decimal(n[k]) for k in ("w2", "w3", "w4")))
    for key in ("t1", "t2", "t3"):
        n[key] = draw(_PLAIN)
    if draw(st.booleans()):  # the step row of the quoted rule (≤100%, 1 point, 0.5 or 1 off)
        n["t2"] = "100"
    n["per"] = draw(st.sampled_from(["1", "0.5", "2.5", "0.001", "0.3"]))
    n["deduct"] = draw(st.sampled_from(["0.5", "1", "0.25", "3", "0.7"]))
    for a, t in (("a1", "t1"), ("a2", "t2"), ("a3", "t3")):
        how = draw(
            st.sampled_from(["plain", "plain", "equal", "below", "above", "overshoot", "zero"])
        )
        target = Decimal(n[t])
        n[a] = {
            "plain": draw(_PLAIN),
            "equal": n[t],
            "below": str(target - Decimal("0.01")),
            "above": str(target + Decimal("0.01")),
            "overshoot": str(target * Decimal("1.3")),
            "zero": "0",
        }[how]
    n["tier"] = draw(st.sampled_from(["A", "B", "C"]))
    for key in sorted(VALID):
        if key != "tier" and not draw(st.integers(0, 3)):
            n[key] = _spelled(draw, n[key])
    fault = draw(st.sampled_from(["none"] * 4 + ["cell", "sum", "precision", "tier"]))
    if fault == "cell":
        n[draw(st.sampled_from(sorted(VALID)))] = draw(_SPECIAL)
    elif fault == "sum":
        n["w1"] = str(Decimal(n["w1"]) + 1)
    elif fault == "precision":
        n["w1"] = str(Decimal(n["w1"]) + Decimal("0.001"))
        n["w2"] = str(Decimal(n["w2"]) - Decimal("0.001"))
    elif fault == "tier":
        n["tier"] = draw(st.sampled_from(["Z", "b", "A ", ""]))
    return n


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    units=st.lists(_unit_numbers(), min_size=2, max_size=6),
    cmp=st.tuples(
        st.sampled_from(["≥", ">", "="]),
        st.sampled_from(["≥", "≤", "=", ">", "<"]),
        st.sampled_from(["≤", "<"]),
    ),
    round_to=st.sampled_from(["", "1", "0.1"]),
    partial=st.sampled_from(["", "ceil", "proportional"]),
    policy=st.sampled_from(
        [
            '\n[policy]\nweight_precision = "allow"\n',
            "",
            '\n[policy]\nequal_above = "inverse_ratio"\n',
        ]
    ),
)
def test_units_written_by_their_shape_are_the_normal_paths(
    tmp_path_factory: pytest.TempPathFactory,
    units: list[dict[str, str]],
    cmp: tuple[str, str, str],
    round_to: str,
    partial: str,
    policy: str,
) -> None:
    folder = tmp_path_factory.mktemp("shape")
    (folder / "base.toml").write_text(BASE.format(policy=policy), encoding="utf-8")
    shape = {"cmp": cmp, "round_to": round_to, "partial": partial}
    rows = _rows("u0", VALID, **shape)  # type: ignore[arg-type]  # a valid first unit: the shape
    for k, numbers in enumerate(units):
        rows += _rows(f"u{k + 1}", numbers, **shape)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as mp:
        _compare(_write(folder / "t.csv", rows), folder, mp)


@st.composite
def _valid_numbers(draw: st.DrawFn, strict: tuple[bool, bool, bool]) -> dict[str, str]:
    """A valid unit without a warning (no overshoot, no strict boundary met to the letter), its
    qualitative weight the first unit's: one every shape writer writes. ``strict``: which
    quantitative rows have a > or < target."""
    n = dict(VALID)
    for key in ("w2", "w3"):
        n[key] = draw(st.sampled_from(["10", "20", "25", "7", "1", "30"]))
    n["w1"] = str(Decimal(100) - sum(Decimal(n[k]) for k in ("w2", "w3", "w4")))
    for key in ("t1", "t2", "t3"):
        n[key] = draw(_PLAIN)
    if draw(st.booleans()):
        n["t2"] = "100"
    n["per"] = draw(st.sampled_from(["1", "0.5", "2.5", "0.001", "0.3"]))
    n["deduct"] = draw(st.sampled_from(["0.5", "1", "0.25", "3", "0.7"]))
    for (a, t), at_target_ok in zip(
        (("a1", "t1"), ("a2", "t2"), ("a3", "t3")), strict, strict=True
    ):
        target = Decimal(n[t])
        hows = ["below", "above", "ratio", "far below"] + ([] if at_target_ok else ["equal"])
        how = draw(st.sampled_from(hows))
        value = {
            "below": target - min(target / 2, Decimal("0.01")),
            "above": target + Decimal("0.01"),
            "ratio": target * Decimal("0.77"),
            "far below": target / 7,
            "equal": target,
        }[how]
        n[a] = format(value.quantize(Decimal("0.0001")).normalize(), "f")
        if Decimal(n[a]) <= 0:
            n[a] = n[t]  # (a tiny target: the ratio rounded to 0)
    n["tier"] = draw(st.sampled_from(["A", "B", "C"]))
    for key in sorted(VALID):
        if key != "tier" and not draw(st.integers(0, 3)):
            n[key] = _spelled(draw, n[key])
    return n


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cmp=st.tuples(
        st.sampled_from(["≥", ">", "="]),
        st.sampled_from(["≥", "≤", "=", ">", "<"]),
        st.sampled_from(["≤", "<"]),
    ),
    round_to=st.sampled_from(["", "0.1"]),
    partial=st.sampled_from(["", "ceil", "proportional"]),
    policy=st.sampled_from(["", '\n[policy]\nequal_above = "inverse_ratio"\n']),
    data=st.data(),
)
def test_valid_units_of_a_shape_are_all_written_by_it(
    tmp_path_factory: pytest.TempPathFactory,
    cmp: tuple[str, str, str],
    round_to: str,
    partial: str,
    policy: str,
    data: st.DataObject,
) -> None:
    """The property's valid units without a warning: every one after the first written by its
    shape's writer (each branch of its rows: met, ratio, deducted, floored at 0, quoted rule,
    spelled cells), and every output the normal path's."""
    strict = tuple(c in (">", "<") for c in cmp)
    units = data.draw(st.lists(_valid_numbers(strict), min_size=1, max_size=5))  # type: ignore[arg-type]
    folder = tmp_path_factory.mktemp("valid")
    (folder / "base.toml").write_text(BASE.format(policy=policy), encoding="utf-8")
    shape = {"cmp": cmp, "round_to": round_to, "partial": partial}
    rows = _rows("u0", VALID, **shape)  # type: ignore[arg-type]
    for k, numbers in enumerate(units):
        rows += _rows(f"u{k + 1}", numbers, **shape)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as mp:
        _, accepted = _compare(_write(folder / "t.csv", rows), folder, mp)
    n = len(units)
    assert accepted == {"ratio": n, "step": n, "inverse_ratio": n, "qualitative": n}


# ---------------------------------------------------------------------------
# the writer is used, and what it declines still comes out right


def test_every_row_kind_of_the_workload_is_written_by_its_shape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import _workload as W  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    (tmp_path / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
    W.write_csv(W.generate(80), tmp_path / "units.csv")
    _, accepted = _compare(tmp_path / "units.csv", tmp_path, monkeypatch)
    # 8 ratio, 4 inverse ratio, 5 qualitative and 3 step rows a unit
    written = accepted.get("ratio", 0) // 8
    assert accepted == {
        "ratio": 8 * written,
        "inverse_ratio": 4 * written,
        "qualitative": 5 * written,
        "step": 3 * written,
    }
    assert written >= 60  # all but the first unit and those with a qualitative weight not seen yet


def test_a_unit_the_writer_declines_goes_the_normal_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base.toml").write_text(BASE.format(policy=""), encoding="utf-8")
    units = {
        "first": {},  # compiles the shape
        "second": {"a1": "300", "tier": "A"},  # written
        "tier": {"tier": "Z"},  # an unknown tier
        "sum": {"w1": "31"},  # weights adding to 101
        "zero": {"w1": "0", "w2": "50"},  # a weight of 0
        "negative": {"a3": "-1"},  # a negative actual
        "per": {"per": "0"},  # a step of 0
        "deduct": {"deduct": "-0.5"},  # a negative deduction
        "huge": {"t1": "100000000000000", "a1": "99999999999999"},  # valid, past the writer's bound
        "precision": {"w1": "30.001", "w2": "19.999"},  # weights finer than the score quantum
        "new-weight": {"w1": "25.5", "w4": "29.5"},  # a qualitative weight not seen yet: declined
        "learned": {"w1": "25.5", "w4": "29.5", "tier": "C"},  # ... then seen valid: written
    }
    rows: list[dict[str, str]] = []
    for unit, changes in units.items():
        rows += _rows(unit, {**VALID, **changes})
    out, accepted = _compare(_write(tmp_path / "t.csv", rows), tmp_path, monkeypatch)
    status = _statuses(out["out.csv"])
    ok = ["first", "second", "huge", "new-weight", "learned"]
    assert [u for u, s in status.items() if s == "ok"] == ok
    assert accepted == {"ratio": 2, "step": 2, "inverse_ratio": 2, "qualitative": 2}
    problems = out["out.problems.csv"].decode("utf-8")
    for unit in ("tier", "sum", "zero", "negative", "per", "deduct", "precision"):
        assert f'\n"{unit}",' in problems


@pytest.mark.parametrize(
    ("cmp", "numbers", "later"),
    [
        # a step row met (no step deducted) that loses its 0.4 points to rounding alone
        (("≥", "≥", "≤"), {"w2": "19.4", "w3": "25.6", "a2": "93"}, {"a2": "97.5"}),
        # a ratio row at its strict target: the strict-boundary warning (30.4 scores 30 either way)
        ((">", "≥", "≤"), {"w1": "30.4", "w3": "24.6"}, {"a1": "400"}),
    ],
)
def test_weights_off_their_grid_are_written_as_the_normal_path_writes_them(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cmp: tuple[str, str, str],
    numbers: dict[str, str],
    later: dict[str, str],
) -> None:
    """``policy.weight_precision = "allow"`` at whole points: the shape's first unit is written by the
    core's writer, its later units (the case) by the shape's writer or, where it declines, the
    normal way; every output alike with the shape writer and without."""
    policy = '[policy]\nweight_precision = "allow"\n\n[rounding]\nscore = 1\n'
    (tmp_path / "base.toml").write_text(BASE.format(policy=policy), encoding="utf-8")
    first = {**VALID, **numbers}
    rows = _rows("u1", first, cmp=cmp) + [
        r for u in ("u2", "u3") for r in _rows(u, {**first, **later}, cmp=cmp)
    ]
    fast, accepted = _compare(_write(tmp_path / "t.csv", rows), tmp_path, monkeypatch)
    audit = fast["audit.jsonl"].decode("utf-8")
    assert set(_statuses(fast["out.csv"]).values()) == {"ok"}
    assert accepted == {}  # the writer declines both cases: the normal path writes them
    if "a2" in later:
        assert audit.count("分值不是得分精度的整数倍，按得分精度四舍五入后低于分值，扣0.4分") == 4
    else:
        assert audit.count('"code":"strict-boundary"') == 4  # the row's and the unit's, twice
