"""The exact vectorised batch path gives identical results to the per-unit evaluator.

Property: for generated batches — several shapes of unit (mixed methods,
comparators, tiers, per-indicator precision, budget rows), bases with varied
policies and rounding, exact half-up ties (raw scores of the form
(k + ½) × quantum) and units with bad or out-of-domain numbers — every unit
the vectorised scorer scores has exactly the rows the pure path writes for
it (``_Out.ok(unit, perfrules.evaluate(spec, actuals))``), digit for digit;
and every clean unit is scored by the vectorised path (so the property is not
vacuous).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("pyarrow")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import perfrules  # noqa: E402
from perfrules._errors import SpecError  # noqa: E402
from perfrules.batch import _compute  # noqa: E402
from perfrules.batch import _kernel as K  # noqa: E402
from perfrules.batch._cells import fmt, parse  # noqa: E402
from perfrules.batch._chunk import CATEGORY_COLUMNS, INDICATOR_COLUMNS, UNIT_COLUMNS  # noqa: E402
from perfrules.batch._chunked import _make_chunk, _Out, _units  # noqa: E402
from perfrules.batch._chunked import _plain as _py  # noqa: E402
from perfrules.batch._table import table_from_columns  # noqa: E402
from perfrules.batch._unit import Bases, build, prepare  # noqa: E402
from perfrules.batch._vector import score_chunk  # noqa: E402

COLUMNS = (
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
    "per",
    "deduct",
    "partial",
    "round_to",
    "spec",
    "year",
    "budget",
    "spent",
)

FIXED_TIERS = "".join(
    f'\n[[tiers]]\nname = "{n}"\nmin = {s}\nmax = {s}\nmax_inclusive = true\n'
    for n, s in (("A", "1"), ("B", "0.8"), ("C", "0.6"), ("D", "0"))
)


def _dec(f: Fraction) -> str | None:
    """Plain decimal text of ``f`` if it has at most 6 places."""
    d = Decimal(f.numerator) / Decimal(f.denominator)
    if Fraction(d) != f or d < 0:
        return None
    text = format(d.normalize(), "f")
    return text if "." not in text or len(text.split(".")[1]) <= 6 else None


@st.composite
def bases(draw: st.DrawFn) -> dict[str, Any]:
    score_places = draw(st.sampled_from([2, 2, 1, 0]))
    budget = draw(st.sampled_from([None, "proportional", "round_whole"]))
    return {
        "negative": draw(st.sampled_from(["inverse_ratio", "linear_overshoot"])),
        "equal_above": draw(st.sampled_from(["full", "inverse_ratio"])),
        "precision": draw(st.sampled_from(["error", "allow"])),
        "warning": draw(st.sampled_from(["1.3", "1.5", "false"])),
        "score_places": score_places,
        "total_places": draw(st.sampled_from([2, 1]))
        if score_places
        else draw(st.sampled_from([2, 1, 0])),
        "fixed_tiers": draw(st.booleans()),
        "budget": budget,
    }


def _base_toml(b: dict[str, Any]) -> str:
    q = {2: "0.01", 1: "0.1", 0: "1"}
    text = (
        '[meta]\nid = "vbase"\ntitle = "base"\nunit = "u"\nyear = 2024\nkind = "项目支出"\n\n'
        f'[policy]\nnegative = "{b["negative"]}"\nequal_above = "{b["equal_above"]}"\n'
        f'weight_precision = "{b["precision"]}"\novershoot_warning = {b["warning"]}\n\n'
        f"[rounding]\nscore = {q[b['score_places']]}\ntotal = {q[b['total_places']]}\n"
    )
    if b["budget"]:
        text += f'\n[budget_execution]\nweight = 10\npolicy = "{b["budget"]}"\n'
    if b["fixed_tiers"]:
        text += FIXED_TIERS
    return text


SLOT_KINDS = ("ge", "gt", "eq", "le", "lt", "linear", "step", "rate", "per_occurrence", "qual")


@st.composite
def shapes(draw: st.DrawFn, base: dict[str, Any]) -> list[dict[str, Any]]:
    k = draw(st.integers(1, 6))
    slots = []
    for j in range(k):
        kind = draw(st.sampled_from(SLOT_KINDS))
        slot: dict[str, Any] = {
            "kind": kind,
            "id": f"i{j}",
            "category": draw(st.sampled_from(["产出指标", "效益指标"])),
            "round_to": draw(st.sampled_from(["", "", "", "1", "0.1"])),
        }
        if kind == "step":
            slot["partial"] = draw(st.sampled_from(["", "floor", "ceil", "proportional"]))
            slot["cmp"] = draw(st.sampled_from(["≥", "≤", "="]))
        slots.append(slot)
    return slots


@st.composite
def number(draw: st.DrawFn, lo: int = 0, hi: int = 1000, places: int = 2) -> Fraction:
    return Fraction(draw(st.integers(lo * 10**places, hi * 10**places)), 10**places)


@st.composite
def unit_rows(
    draw: st.DrawFn, uid: str, base: dict[str, Any], slots: list[dict[str, Any]], corrupt: bool
) -> list[dict[str, str]]:
    q_places = base["score_places"]
    budget_w = 10 if base["budget"] else 0
    total = 100 - budget_w
    # weights: positive parts of the total on a grid; sometimes a finer (off-grid) weight
    grid = Fraction(1, 10**q_places) if draw(st.booleans()) else Fraction(1, 2)
    if any(s["round_to"] == "1" for s in slots) and draw(st.booleans()):
        grid = Fraction(1)
    n_parts = int(total / grid)
    cuts = sorted(
        draw(
            st.lists(
                st.integers(1, n_parts - 1),
                min_size=len(slots) - 1,
                max_size=len(slots) - 1,
                unique=True,
            )
        )
    )
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, n_parts], strict=True)]
    weights = [p * grid for p in parts]
    rows = []
    for slot, w in zip(slots, weights, strict=True):
        kind = slot["kind"]
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            unit=uid,
            indicator=slot["id"],
            name=f"指标{slot['id']}",
            category=slot["category"],
            weight=_dec(w) or "1",
            round_to=slot["round_to"],
        )
        if kind == "qual":
            row.update(
                method="qualitative",
                target_text="达成预期",
                tier=draw(
                    st.sampled_from(
                        ["A", "B", "C", "D"]
                        if base["fixed_tiers"]
                        else ["达成年度指标", "部分达成", "未达成"]
                    )
                ),
            )
            rows.append(row)
            continue
        t = draw(number(1, 500))
        if kind in ("rate",):
            t = draw(st.sampled_from([Fraction(90), Fraction(95), Fraction(100)]))
        mode = draw(st.sampled_from(["random", "tie", "equal", "over"]))
        a = draw(number(0, 600))
        if mode == "equal":
            a = t
        elif mode == "over":
            a = t * draw(
                st.sampled_from([Fraction(13, 10), Fraction(3, 2), Fraction(2), Fraction(11, 10)])
            )
        elif mode == "tie" and w > 0:
            # w·a/t = (m + ½)·quantum exactly: a half-up tie at this indicator's precision
            qp = {"1": 0, "0.1": 1}.get(slot["round_to"], q_places)
            m = draw(st.integers(0, max(0, int(w * 10**qp) - 1)))
            a_tie = (m + Fraction(1, 2)) / 10**qp * t / w
            if _dec(a_tie) is not None:
                a = a_tie
        a_text = _dec(a) or "1"
        method, cmp = (
            "",
            {"ge": "≥", "gt": ">", "eq": "=", "le": "≤", "lt": "<", "linear": "≤"}.get(kind, "≥"),
        )
        if kind == "linear":
            method = "linear_overshoot"
        elif kind == "step":
            method, cmp = "step", slot["cmp"]
            row.update(
                per=draw(st.sampled_from(["1", "0.5", "2.5"])),
                deduct=draw(st.sampled_from(["0.25", "0.5", "1"])),
                partial=slot["partial"],
            )
        elif kind == "rate":
            method = "rate"
            row["target_unit"] = "%"
        elif kind == "per_occurrence":
            method, cmp = "per_occurrence", "="
            t, a_text = Fraction(0), str(draw(st.integers(0, 12)))
        row.update(method=method, comparator=cmp, target=_dec(t) or "1", actual=a_text)
        rows.append(row)
    if corrupt:
        r = draw(st.integers(0, len(rows) - 1))
        col, bad = draw(
            st.sampled_from(
                [
                    ("actual", "-3"),
                    ("actual", "abc"),
                    ("actual", ""),
                    ("weight", "0"),
                    ("target", "0"),
                    ("actual", "1e2"),
                    ("tier", "X"),
                    ("actual", " 5"),
                    ("weight", "1.1234567"),
                ]
            )
        )
        rows[r][col] = bad
    rows[0]["spec"] = "vbase.toml"
    if base["budget"]:
        b = draw(number(100, 9000))
        rows[0]["budget"] = _dec(b) or "100"
        rows[-1]["spent"] = (
            _dec(
                b
                * draw(
                    st.sampled_from(
                        [Fraction(1), Fraction(9448, 10000), Fraction(21, 20), Fraction(1, 2)]
                    )
                )
            )
            or "50"
        )
    return rows


@st.composite
def batches(draw: st.DrawFn) -> tuple[dict[str, Any], list[list[dict[str, str]]], list[bool]]:
    base = draw(bases())
    shape_list = [draw(shapes(base)) for _ in range(draw(st.integers(1, 3)))]
    units, corrupt_flags = [], []
    for n in range(draw(st.integers(1, 10))):
        corrupt = draw(st.integers(0, 9)) == 0
        units.append(draw(unit_rows(f"u{n:03d}", base, draw(st.sampled_from(shape_list)), corrupt)))
        corrupt_flags.append(corrupt)
    return base, units, corrupt_flags


def _pure_rows(
    folder: Path, columns: dict[str, list[str]]
) -> tuple[dict[str, Any], list[bool], Any, Any]:
    table = table_from_columns(columns, file=str(folder / "t.csv"), folder=folder)
    bases_ = Bases(folder, table.file)
    pending = list(_units(table, 1024))
    prepared = [prepare(p.rows, bases_) for p in pending]
    chunk = _make_chunk(table, prepared, 0)
    expected: dict[str, Any] = {}
    valid: list[Any] = []
    for p in prepared:
        out = _Out()
        try:
            spec, actuals = build(p, bases_)
            out.ok(p.rows.unit, perfrules.evaluate(spec, actuals))
            valid.append(True)
        except SpecError as err:
            valid.append(err)
        expected[p.rows.unit] = out
    return expected, valid, chunk, table


def _rows_of(result: Any, table: str, names: tuple[str, ...], unit: str) -> list[tuple[Any, ...]]:
    cols = {c: list(map(_py, v)) for c, v in getattr(result, table).items()}
    out = []
    for r in range(len(cols["unit"])):
        if cols["unit"][r] == unit:
            out.append(tuple(_py(cols[c][r]) for c in names))
    return out


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batches())
def test_vectorised_equals_per_unit_evaluator(
    tmp_path_factory: pytest.TempPathFactory,
    batch: tuple[dict[str, Any], list[list[dict[str, str]]], list[bool]],
) -> None:
    base, units, corrupt = batch
    folder = tmp_path_factory.mktemp("vb")
    (folder / "vbase.toml").write_text(_base_toml(base), encoding="utf-8")
    columns = {c: [row[c] for unit in units for row in unit] for c in COLUMNS}
    expected, valid, chunk, table = _pure_rows(folder, columns)
    result = score_chunk(chunk, folder=folder)
    # blocks of a few units on two threads give the very same result
    saved = _compute.BLOCK_UNITS
    try:
        _compute.BLOCK_UNITS = 2
        blocked = score_chunk(chunk, folder=folder)
    finally:
        _compute.BLOCK_UNITS = saved
    for part in ("units", "indicators", "categories"):
        a, b = getattr(result, part), getattr(blocked, part)
        assert {c: list(map(_py, a[c])) for c in a} == {c: list(map(_py, b[c])) for c in b}, part
    assert tuple(result.unscored) == tuple(blocked.unscored)
    scored = [chunk.units[i] for i in range(len(chunk)) if i not in set(result.unscored)]
    assert list(map(_py, result.units["unit"])) == scored
    for unit in scored:
        exp = expected[unit]
        v = valid[chunk.units.index(unit)]
        assert v is True, f"{unit}: the vectorised path scored a unit the evaluator rejects: {v}"
        for table_name, names in (
            ("units", UNIT_COLUMNS),
            ("indicators", INDICATOR_COLUMNS),
            ("categories", CATEGORY_COLUMNS),
        ):
            want = [
                tuple(getattr(exp, table_name)[c][r] for c in names)
                for r in range(len(getattr(exp, table_name)["unit"]))
            ]
            assert _rows_of(result, table_name, names, unit) == want, (unit, table_name)
    # not vacuous: a clean unit that the evaluator accepts is scored by the vectorised path
    for i, unit in enumerate(chunk.units):
        if valid[i] is True and not corrupt[i]:
            assert unit in scored, f"{unit}: a clean, valid unit was left to the pure path"


def test_a_tie_rounds_half_up_exactly() -> None:
    # 3 × 0.5/1 = 1.5 points → 2 at whole points; 2.5 × 0.0207/0.1 = 0.5175 → 0.52 at 0.01 (float: 0.51749…)
    rule = K.Rule(kind="ratio", cmp="ge", places=0)
    s, met = K.score(
        rule, K.Scales(weight=0, target=1, actual=1), np.array([3]), np.array([10]), np.array([5])
    )
    assert s.tolist() == [2] and met.tolist() == [False]
    rule = K.Rule(kind="ratio", cmp="ge", places=2)
    s, _ = K.score(
        rule, K.Scales(weight=1, target=1, actual=4), np.array([25]), np.array([1]), np.array([207])
    )
    assert s.tolist() == [52]


def test_half_up_is_the_rounded_quotient_for_every_divisor() -> None:
    """half_up(num, den) = ⌊(2·num + den) / (2·den)⌋ for num ≥ 0 and den > 0, odd or even, with
    den a number, an int64 array or an array of Python integers."""
    from math import floor

    nums = np.arange(0, 400, dtype=np.int64)
    for den in range(1, 60):
        want = [floor(Fraction(2 * x + den, 2 * den)) for x in range(400)]
        assert K.half_up(nums, den).tolist() == want, den
        dens = np.full(400, den, dtype=np.int64)
        assert K.half_up(nums, dens).tolist() == want, den
        assert K.half_up(nums.astype(object), dens.astype(object)).tolist() == want, den
    big = 10**30 + 7  # past int64: the same formula on Python integers
    assert K.half_up(np.array([big], dtype=object), 2).tolist() == [(big + 1) // 2]


def _round(x: Fraction) -> int:
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


@pytest.mark.parametrize("python_ints", [False, True])
@pytest.mark.parametrize("quanta", [False, True])
@pytest.mark.parametrize("scales", [(2, 2), (0, 2), (2, 0), (1, 3), (3, 1)])
def test_ratio_kernels_at_the_target_and_at_zero(
    scales: tuple[int, int], quanta: bool, python_ints: bool
) -> None:
    """The ratio and inverse kernels take the smaller of the rounded ratio and the full weight: exact
    at and around the target, at an actual of 0 (full weight under ≤ and <, as when sa < st) and at
    ties, on int64 and on Python integers."""
    from perfrules.core import methods as catalogue

    st_, sa = scales
    T = 3 if quanta else 10**st_ * 3  # a target of 3 quanta of its scale (below one of sa's), or 3
    w, sw, places = 725, 2, 2  # 7.25 points at 0.01
    at_t = T * 10**sa // 10**st_  # the target at the actual's scale (rounded down)
    actuals = sorted({0, 1, 2, 7, max(at_t - 1, 0), at_t, at_t + 1, 10**sa * 3 + 1})
    A = np.array(actuals, dtype=np.int64)
    Wa, Ta = np.full(len(A), w, dtype=np.int64), np.full(len(A), T, dtype=np.int64)
    if python_ints:
        A, Wa, Ta = A.astype(object), Wa.astype(object), Ta.astype(object)
    t = Fraction(T, 10**st_)
    W = Fraction(w, 10**sw)
    full = _round(W * 10**places)
    for kind, cmp in (("ratio", "ge"), ("ratio", "gt"), ("inverse", "le"), ("inverse", "lt")):
        group = catalogue.Group(
            np,
            cmp=cmp,
            places=places,
            percent=False,
            partial="floor",
            sw=sw,
            st=st_,
            sa=sa,
            sp=0,
            sd=0,
            w=Wa,
            t=Ta,
            a=A,
        )
        s, met = catalogue.kernel(kind).score(group)
        for i, x in enumerate(actuals):
            a = Fraction(x, 10**sa)
            ok = {"ge": a >= t, "gt": a > t, "le": a <= t, "lt": a < t}[cmp]
            if ok:
                want = full
            elif kind == "ratio":
                want = _round(W * a / t * 10**places)
            else:
                want = _round(W * t / a * 10**places)
            assert int(s[i]) == want, (kind, cmp, scales, x)
            assert bool(met[i]) is ok, (kind, cmp, scales, x)


def test_overflowing_numbers_switch_to_python_integers() -> None:
    rule = K.Rule(kind="ratio", cmp="ge", places=2)
    big = 10**17
    w, t, a = np.array([10**4]), np.array([big]), np.array([big // 3])
    s, _ = K.score(rule, K.Scales(weight=2, target=2, actual=2), w, t, a)
    assert s.tolist() == [
        round(Fraction(10**4 * (big // 3), big) + Fraction(1, 10**9))
    ]  # 3333.33… → 3333


def test_parse_is_exact_and_refuses_what_the_table_format_refuses() -> None:
    import pyarrow as pa

    nums = parse(pa.array(["0.1", "2.675", "31092.65", "", "1e2", "-1", "abc", " 5", "5.5"]))
    assert nums.scale == 3
    assert nums.value[:3].tolist() == [100, 2675, 31092650]
    # refused cells go to the pure path, which accepts some ("-1") and reports the rest
    assert nums.ok.tolist() == [True, True, True, False, False, False, False, False, True]
    assert nums.empty.tolist()[3] is True
    clean = parse(
        pa.array(["007", "5.", "+2.50"])
    )  # forms the table format accepts; the cast reads them exactly
    assert clean.ok.tolist() == [True, True, True] and clean.value.tolist() == [700, 500, 250]
    assert fmt(np.array([500, 1234, 0]), 2).to_pylist() == ["5.00", "12.34", "0.00"]
    assert fmt(np.array([9]), 0).to_pylist() == ["9"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize(
    "body",
    [
        ["a,x,1", "a,y,2", "b,x,1", "c,x,1"],
        [
            "a,x,1",
            "b,x,1",
            "a,y,2",
            "c,x,1",
            "b,y,3",
            "a,z,4",
        ],  # strays: a resumes at row 4, b at row 6
        ["a,x,1", "", "b,x,1"],  # a blank line: the csv module's reading is the reference
        [" a ,x,1", "a,y,2", ",,", "b,x,1"],  # a blank record and padded ids
    ],
)
def test_fast_csv_scan_agrees_with_the_csv_module(
    tmp_path: Path, newline: str, body: list[str]
) -> None:
    from perfrules.batch import _table

    path = tmp_path / "t.csv"
    path.write_bytes(newline.join(["unit,indicator,actual", *body, ""]).encode())
    fast = _table._open_csv_table(path, str(path))
    fields = ("header", "row_count", "unit_count", "strays")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_table, "_fast_csv_scan", lambda p, f: None)
        slow = _table._open_csv_table(path, str(path))
    assert {f: getattr(fast, f) for f in fields} == {f: getattr(slow, f) for f in fields}
    used_fast = _table._fast_csv_scan(path, str(path)) is not None
    assert used_fast == ("" not in body and ",," not in body)


_TWO_RATIOS = """\
[meta]
id = "two"
title = "两项"
unit = "测试"
year = 2024
kind = "项目支出"

[[categories]]
id = "output"
name = "产出指标"
weight = 100

[[indicators]]
id = "a"
name = "甲"
category = "output"
weight = 60
target = "≥100"

[[indicators]]
id = "b"
name = "乙"
category = "output"
weight = 40
target = "≥100"
"""


def _two_ratio_plan() -> Any:
    from perfrules.batch._plan import plan_of

    spec = perfrules.loads_spec(_TWO_RATIOS)
    return plan_of(spec, {"a": 0, "b": 1}, inline=False, has_budget=False)


def _compute_two(A: Any, *, order: str = "C", threads: int = 2) -> Any:
    n = len(A)
    W = np.array([[6000, 4000]] * n, dtype=np.int64, order=order)  # weights at scale 2
    T = np.full((n, 2), 10000, dtype=np.int64, order=order)
    zeros = np.zeros((n, 2), dtype=np.int64, order=order)
    sc = K.Scales(weight=2, target=2, actual=2)
    A = np.asarray(A, dtype=np.int64, order=order)
    return _compute.compute(
        _two_ratio_plan(), sc, W, T, A, zeros, zeros, zeros, np.ones(n, bool), threads=threads
    )


def test_compute_scores_blocks_alike_in_either_memory_order() -> None:
    """Each block is scored in Fortran order: C- and Fortran-ordered inputs give the same numbers."""
    rng = np.random.default_rng(7)
    A = rng.integers(0, 15000, (37, 2))
    saved = _compute.BLOCK_UNITS
    try:
        _compute.BLOCK_UNITS = 8
        c, f = _compute_two(A, order="C"), _compute_two(A, order="F")
    finally:
        _compute.BLOCK_UNITS = saved
    assert c is not None and f is not None
    for name in ("S", "MET", "warn", "raw", "total", "grade_idx", "ok"):
        assert getattr(c, name).tolist() == getattr(f, name).tolist(), name
    # the exact scores: w·a/t half-up at 0.01, full marks when met
    want = [
        [
            min(w, (2 * w * a + 10000) // 20000) if a < 10000 else w
            for w, a in zip((6000, 4000), row, strict=True)
        ]
        for row in A.tolist()
    ]
    assert c.S.tolist() == want


def test_compute_leaves_the_group_to_the_pure_path_when_any_block_could_overflow() -> None:
    """One block's numbers past the int64 bound send the whole group to the pure path (None)."""
    A = np.full((20, 2), 9000, dtype=np.int64)
    saved = _compute.BLOCK_UNITS
    try:
        _compute.BLOCK_UNITS = 4
        assert _compute_two(A) is not None
        A[17, 1] = 10**17  # in the fifth block only
        assert _compute_two(A) is None
        assert _compute_two(A, threads=1) is None
    finally:
        _compute.BLOCK_UNITS = saved


_THREE_METHODS = (
    """\
[meta]
id = "three"
title = "三种方法"
unit = "测试"
year = 2024
kind = "项目支出"

[policy]
overshoot_warning = 1.3

[[categories]]
id = "output"
name = "产出指标"
weight = 100

[[indicators]]
id = "r"
name = "比率"
category = "output"
weight = 40
target = "≥100"

[[indicators]]
id = "q"
name = "定性"
category = "output"
weight = 30
target_text = "达成"
"""
    + FIXED_TIERS
    + """
[[indicators]]
id = "s"
name = "扣分"
category = "output"
weight = 30
target = "≥95%"
method = { name = "step", per = 1, deduct = 0.5 }
"""
)


def test_compute_reads_only_the_columns_its_rules_read() -> None:
    """A block copies and bounds only the slots each matrix is read at: numbers in the other
    columns (a qualitative slot's target and actual, a ratio slot's step and deduction, a
    quantitative slot's tier), however large, change nothing, in either memory order."""
    from perfrules.batch._plan import plan_of

    spec = perfrules.loads_spec(_THREE_METHODS)
    plan = plan_of(spec, {"r": 0, "q": 1, "s": 2}, inline=False, has_budget=False)
    assert [s.rule.kind for s in plan.slots] == ["ratio", "tier", "step"]
    rng = np.random.default_rng(11)
    n = 53
    W = np.tile(np.array([4000, 3000, 3000], dtype=np.int64), (n, 1))
    T = np.zeros((n, 3), dtype=np.int64)
    T[:, 0], T[:, 2] = 10000, 9500
    A = np.zeros((n, 3), dtype=np.int64)
    A[:, 0] = rng.integers(0, 20000, n)
    A[:, 2] = rng.integers(8000, 10000, n)
    P = np.zeros((n, 3), dtype=np.int64)
    D = np.zeros((n, 3), dtype=np.int64)
    P[:, 2], D[:, 2] = 100, 50
    TIER = np.zeros((n, 3), dtype=np.int64)
    TIER[:, 1] = rng.integers(0, 4, n)
    sc = K.Scales(weight=2, target=2, actual=2, per=2, deduct=2)
    ok = np.ones(n, dtype=bool)
    saved = _compute.BLOCK_UNITS
    try:
        _compute.BLOCK_UNITS = 16
        clean = _compute.compute(plan, sc, W, T, A, P, D, TIER, ok, threads=1)
        junk = 10**17  # past the int64 bound of every kernel, were it read
        T2, A2, P2, D2, TIER2 = T.copy(), A.copy(), P.copy(), D.copy(), TIER.copy()
        T2[:, 1] = A2[:, 1] = junk
        P2[:, :2] = D2[:, :2] = junk
        TIER2[:, [0, 2]] = junk
        for order in ("C", "F"):
            w, t, a, p, d, tier = (np.asarray(x, order=order) for x in (W, T2, A2, P2, D2, TIER2))
            got = _compute.compute(plan, sc, w, t, a, p, d, tier, ok, threads=2)
            assert clean is not None and got is not None, order
            for name in ("S", "MET", "warn", "raw", "total", "grade_idx", "ok"):
                assert getattr(got, name).tolist() == getattr(clean, name).tolist(), (order, name)
    finally:
        _compute.BLOCK_UNITS = saved
    assert clean is not None
    # the numbers themselves: w·a/t (full when met), the tier's share, 30 − 0.5 per whole point
    share = [100, 80, 60, 0]
    for i in range(n):
        a, tier, a_s = int(A[i, 0]), int(TIER[i, 1]), int(A[i, 2])
        want = [
            min(4000, (2 * 4000 * a + 10000) // 20000),
            3000 * share[tier] // 100,
            max(3000 - 50 * (max(9500 - a_s, 0) // 100), 0),
        ]
        assert clean.S[i].tolist() == want, i
        assert clean.warn[i] == int(10 * a >= 13 * 10000) + int(10 * a_s >= 13 * 9500), i


def test_flags_are_counted_past_a_byte() -> None:
    """Warnings are counts of flags, added up as bytes 255 columns at a time: 300 flags count 300,
    over one matrix or several, in either memory order."""
    rng = np.random.default_rng(3)
    hits = rng.random((9, 300)) < 0.9
    hits[:, :256] = True  # the first 256 columns all set in every row: a byte would wrap to 0
    want = hits.sum(axis=1).tolist()
    for matrix in (hits, np.asfortranarray(hits)):
        got = _compute._tally([matrix], 9)
        assert got.dtype == np.int64
        assert got.tolist() == want
    parts = [hits[:, :100], hits[:, 100:101], hits[:, 101:]]
    assert _compute._tally(parts, 9).tolist() == want
    assert _compute._tally([], 9).tolist() == [0] * 9


def test_a_shape_is_planned_once_across_chunks_and_bases_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group's plan is kept by its base and shape: one prototype for a shape seen again in later
    chunks, one more for the same shape on another base, the very files of the pure engine."""
    from perfrules.batch import _run, _vector, output_paths, run_batch

    # the same shape on two bases that round apart: a plan kept for one and used for the other shows
    (tmp_path / "a.toml").write_text("[meta]\nyear = 2024\n", encoding="utf-8")
    (tmp_path / "b.toml").write_text(
        "[meta]\nyear = 2024\n[rounding]\nscore = 0.1\n", encoding="utf-8"
    )
    head = "unit,indicator,category,weight,comparator,target,actual,spec"
    rows = [head]
    for n in range(8):
        base = "a.toml" if n < 5 else "b.toml"
        rows += [
            f"u{n},x,产出指标,60,>=,10,{5 + n},{base}",
            f"u{n},y,效益指标,40,<=,5,{3 + n % 4},",
        ]
    path = tmp_path / "in.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(_vector, "_PLANS", {})
    seen: list[int] = []
    real = _vector._prototype

    def counted(*args: Any) -> Any:
        seen.append(1)
        return real(*args)

    monkeypatch.setattr(_vector, "_prototype", counted)
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    got = run_batch(path, tmp_path / "auto.csv", engine="auto", chunk_units=1)
    assert dict(got.engines) == {"vector": 8}
    assert len(seen) == 2  # base a, base b: each shape planned once, whatever the chunks
    run_batch(path, tmp_path / "pure.csv", engine="pure")
    for name, p in output_paths(tmp_path / "pure.csv").items():
        assert output_paths(tmp_path / "auto.csv")[name].read_bytes() == p.read_bytes(), name


def test_shape_codes_tell_apart_cells_that_join_alike() -> None:
    """Rows' shape cells are encoded joined by \\x1f only when no cell holds it: else column by column."""
    import pyarrow as pa

    from perfrules.batch._vector import _Cols, _shape_codes

    def codes(indicator: list[str], category: list[str]) -> list[int]:
        text = {"indicator": pa.array(indicator), "category": pa.array(category)}
        return _shape_codes(_Cols(text=text, num={}, n_rows=len(indicator))).tolist()

    a, b, c = codes(["a\x1fb", "a", "a\x1fb"], ["c", "b\x1fc", "c"])
    assert a == c != b  # "a\x1fb" + "c" and "a" + "b\x1fc" join alike, yet are two shapes
    a, b, c = codes(["a", "a", "b"], ["x", "x", "x"])
    assert a == b != c


def _unit_partition(codes: Any, starts: Any, stops: Any) -> list[list[int]]:
    """Units grouped as score_chunk groups them: by size, then by their rows' codes position by position."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for u, (a, b) in enumerate(zip(starts.tolist(), stops.tolist(), strict=True)):
        groups.setdefault((b - a, *codes[a:b].tolist()), []).append(u)
    return sorted(groups.values())


_SHAPE_TEXTS = st.sampled_from(["", "a", "b", "ab", "≥", "≥≥", "a\x1fb", "\x1f"])


@st.composite
def _shape_chunks(draw: st.DrawFn) -> tuple[dict[str, Any], Any, Any, int]:
    """Chunks of units whose shape cells mostly repeat a template (so the uniform case is common),
    with now and then a cell changed, a unit of another size, or a column whose cells shift bytes."""
    import numpy as np

    k = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.sampled_from([k, k, k, k + 1, 0]), min_size=1, max_size=6))
    names = draw(
        st.lists(st.sampled_from(["indicator", "method", "comparator"]), unique=True, min_size=1)
    )
    template = {c: draw(st.lists(_SHAPE_TEXTS, min_size=k + 1, max_size=k + 1)) for c in names}
    text: dict[str, list[str]] = {c: [] for c in [*names, "actual"]}
    for size in sizes:
        for j in range(size):
            for c in names:
                text[c].append(
                    draw(_SHAPE_TEXTS) if draw(st.integers(0, 9)) == 0 else template[c][j]
                )
            text["actual"].append(draw(st.sampled_from(["", "1"])))
    stops = np.cumsum(np.asarray(sizes, dtype=np.int64))
    starts = stops - np.asarray(sizes, dtype=np.int64)
    return text, starts, stops, int(stops[-1])


@settings(max_examples=400, deadline=None)
@given(_shape_chunks())
def test_uniform_positions_group_units_as_the_shape_texts_do(
    got: tuple[dict[str, Any], Any, Any, int],
) -> None:
    """When every unit has the same shape texts, each row's position in its unit stands for its texts
    (no hashing): the units fall into the very groups the texts' own codes make; otherwise no positions."""
    import pyarrow as pa

    from perfrules.batch._vector import _Cols, _shape_codes, _uniform_positions

    text, starts, stops, n = got
    cols = _Cols(text={c: pa.array(v, type=pa.string()) for c, v in text.items()}, num={}, n_rows=n)
    positions = _uniform_positions(cols, starts, stops)
    slow = _shape_codes(cols)
    shape = [c for c in text if c != "actual"]
    uniform = (
        len(set((stops - starts).tolist())) == 1
        and int(stops[0] - starts[0]) > 0
        and all(
            text[c][a:b] == text[c][int(starts[0]) : int(stops[0])]
            for c in shape
            for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
        )
    )
    assert (positions is not None) == uniform
    if positions is not None:
        fast = _shape_codes(cols, positions)
        assert _unit_partition(fast, starts, stops) == _unit_partition(slow, starts, stops)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.one_of(
                st.tuples(st.integers(0, n - 1), st.integers(0, n)).map(
                    lambda ab: list(range(ab[0], min(n, ab[0] + ab[1])))  # a run of rows
                ),
                st.lists(st.integers(0, n - 1), max_size=2 * n),  # any rows, repeated, unordered
            ),
        )
    )
)
def test_a_groups_indicator_texts_are_a_slice_only_of_consecutive_rows(
    got: tuple[int, list[int]],
) -> None:
    """``_rows_of``: the rows ``idx`` of an array, sliced when they are consecutive, else taken; the
    same texts either way, and a slice only for a run of rows."""
    import numpy as np
    import pyarrow as pa

    from perfrules.batch._vector import _rows_of

    n, idx = got
    arr = pa.array([f"r{i}" for i in range(n)], type=pa.string())
    out = _rows_of(arr, np.asarray(idx, dtype=np.int64))
    assert out.to_pylist() == [f"r{i}" for i in idx]
    consecutive = bool(idx) and idx == list(range(idx[0], idx[0] + len(idx)))
    # a slice shares the array's text buffer; a take writes a buffer of its own
    assert (out.buffers()[2].address == arr.buffers()[2].address) == consecutive
