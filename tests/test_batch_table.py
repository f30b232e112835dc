"""Reading the long table: numbers, per-unit columns, row kinds, bands, years, in-memory tables."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfrules.batch import parse_number, score_units, table_from_columns

BASE = {
    "unit": "u",
    "year": "2024",
    "category": "产出指标",
    "weight": "100",
    "comparator": "≥",
    "target": "10",
}


def one(rows: list[dict[str, str]]) -> list[object]:
    cols: list[str] = []
    for r in rows:
        cols.extend(c for c in r if c not in cols)
    table = table_from_columns({c: [r.get(c, "") for r in rows] for c in cols}, file="t.csv")
    return list(score_units(table, engine="pure"))


@pytest.mark.parametrize("text", ["1,000", "1e3", "nan", "inf", "12.5%", "", " ", "０"])
def test_numbers_are_plain_decimals(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"), [("12", "12"), (" -0.5 ", "-0.5"), (".5", "0.5"), ("2.50", "2.50")]
)
def test_numbers_parse_exactly(text: str, value: str) -> None:
    got = parse_number(text)
    assert got == Decimal(value) and str(got) == value


def test_unit_defaults_and_exact_decimal_scores() -> None:
    (res,) = one([dict(BASE, indicator="x", actual="3.3333333333")])
    assert res.status == "ok"  # type: ignore[attr-defined]
    ev = res.evaluation  # type: ignore[attr-defined]
    assert (ev.spec_id, ev.title, ev.unit, ev.kind, ev.year) == ("u", "u", "u", "项目支出", 2024)
    assert ev.total == Decimal("33.33")


def test_inline_unit_needs_a_year() -> None:
    (res,) = one(
        [{k: v for k, v in BASE.items() if k != "year"} | {"indicator": "x", "actual": "9"}]
    )
    assert res.status == "error" and res.problems[0].code == "missing-year"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "code", "column"),
    [
        ({"method": "bands"}, "bands-in-table", "method"),
        ({"amount": "a1"}, "row-kind", "amount"),
        ({"weight": "0"}, "weight", "weight"),
        ({"target": "-5"}, "target-value", "target"),
        ({"method": "step", "per": "1"}, "missing-key", "method"),
        ({"method": "ratio", "deduct": "1"}, "unknown-key", "deduct"),
        ({"round_to": "0.5"}, "rounding", "round_to"),
    ],
)
def test_row_problems_are_located(change: dict[str, str], code: str, column: str) -> None:
    row = dict(BASE, indicator="x", actual="9") | change
    (res,) = one([row])
    problems = res.problems  # type: ignore[attr-defined]
    assert res.status == "error"  # type: ignore[attr-defined]
    assert (code, "t.csv", 2, (column,)) in [(p.code, p.file, p.line, p.path) for p in problems], [
        str(p) for p in problems
    ]


def test_per_unit_columns_must_agree_numerically() -> None:
    rows = [
        dict(BASE, indicator="x", actual="9", weight="50", budget="100", spent="90"),
        dict(BASE, indicator="y", actual="9", weight="50", budget="100.0"),
    ]
    (res,) = one(rows)
    assert res.status == "ok"  # type: ignore[attr-defined]


def test_not_applicable_and_amount_label() -> None:
    rows = [
        dict(BASE, indicator="x", actual="9", weight="50"),
        dict(BASE, indicator="y", weight="50", not_applicable="本年度未开展"),
    ]
    (res,) = one(rows)
    assert res.status == "ok", res.problems  # type: ignore[attr-defined]
    assert res.evaluation.total == Decimal("90.00")  # type: ignore[attr-defined]
