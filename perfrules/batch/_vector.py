"""The exact vectorised path: a chunk of units scored with NumPy integer arithmetic, identical to the core.

:func:`score_chunk` takes a :class:`~perfrules.batch.Chunk` and returns a
:class:`~perfrules.batch.ChunkResult` for every unit it can score *exactly as*
``perfrules.evaluate`` would, and lists the others as unscored (the runner
then scores them on the pure path, which also reports bad input). How:

1. **Parse** every numeric column once, vectorised (pyarrow): a cell is
   accepted only when it is a plain non-negative decimal (``0``, ``12.5``;
   at most 12 integer digits and 6 decimals) and becomes an integer at the
   column's scale (``12.5`` at scale 2 is ``1250``) — never a float.
2. **Group** units by shape: the same base (or spec), the same indicator ids,
   categories, methods, comparators, units and precisions in the same order,
   and whether a budget is given.
3. For each group, **build one prototype** unit with the pure path
   (``Chunk.build``: the same loader and validator as a spec file) and read
   the rules off it: each indicator's method, comparator, quantum, the
   policy, tiers, grades and the budget row. A group whose spec uses anything
   the kernel does not do (band tables, derived rates, the overshoot
   deduction, …) goes to the pure path whole.
4. **Check** every unit of the group against what validation would check of
   its own numbers (weights on their score precision, categories adding up to
   the declared total, tiers admitting a score, actuals present, targets and
   step sizes positive, …); a unit that fails any check goes to the pure path,
   which reports it. Only the checked domain is vectorised.
5. **Score** with :mod:`perfrules.batch._kernel`: exact integer formulas,
   ``w·a/t`` formed before one half-up rounding per indicator, Decimal
   string forms of every result reproduced digit for digit (``"99.00"``,
   ``"9"``).

Identity with the per-unit evaluator is a tested property
(tests/test_batch_vector.py, hypothesis over generated batches).

Modules: :mod:`._cells` (text ↔ exact integers), :mod:`._plan` (the rules of
a spec), :mod:`._compute` (the arithmetic over blocks of units),
:mod:`._kernel` (the formulas); this one runs a chunk through them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from perfrules._errors import SpecError
from perfrules.batch import _kernel as K
from perfrules.batch._cells import (
    MAX_PLACES,
    Numbers,
    _dec_places,
    _fmt_signed,
    _has_any_byte,
    _np,
    arrow_strings,
    const,
    fmt,
    fmt_places,
    interleave,
    parse,
    repeats,
)
from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    UNIT_COLUMNS,
    Chunk,
    ChunkResult,
    Losses,
)
from perfrules.batch._compute import compute
from perfrules.batch._plan import Plan, Unsupported, plan_of
from perfrules.core.methods import PARAMETER_COLUMNS
from perfrules.model import Actuals, Spec

__all__ = ["score_chunk", "unit_builder"]

# the methods' parameter columns (per, deduct; partial), from the method catalogue
NUMERIC = (
    "weight",
    "target",
    "actual",
    *(c for c, kind in PARAMETER_COLUMNS if kind == "number"),
    "budget",
    "spent",
)
# columns whose text is part of a unit's shape (what the prototype's rules are read from)
SHAPE = (
    "indicator",
    "category",
    "subcategory",
    "method",
    "comparator",
    "target_unit",
    "round_to",
    *(c for c, kind in PARAMETER_COLUMNS if kind == "text"),
)
# columns the kernel never handles: a non-empty cell sends its unit to the pure path
UNSUPPORTED = ("score", "not_applicable", "amount", "initial")
BUDGET_ROW = "budget_execution"  # the indicator id of the 预算执行率 row in the indicators table (as _chunked writes it)

IntArray = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]


# ---------------------------------------------------------------------------
# the chunk


@attrs.frozen(eq=False)
class _Cols:
    """A chunk's columns, parsed once."""

    text: dict[str, pa.Array]
    num: dict[str, Numbers]
    n_rows: int
    _filled: dict[str, BoolArray] = attrs.field(factory=dict)
    _codes: dict[str, tuple[IntArray, list[Any]]] = attrs.field(factory=dict)

    def nonempty(self, name: str) -> BoolArray:
        """Rows whose ``name`` cell is not empty (cached)."""
        if name not in self._filled:
            if name not in self.text:
                self._filled[name] = np.zeros(self.n_rows, dtype=bool)
            else:
                self._filled[name] = _np(pc.binary_length(self.text[name])) > 0
        return self._filled[name]

    def codes(self, name: str) -> tuple[IntArray, list[Any]]:
        """The column dictionary-encoded: per-row codes and the distinct texts (cached)."""
        if name not in self._codes:
            enc = pc.dictionary_encode(self.text[name])
            self._codes[name] = (_np(enc.indices).astype(np.int64), enc.dictionary.to_pylist())
        return self._codes[name]


def _columns(chunk: Chunk) -> _Cols:
    n = len(chunk.rows)
    text = {name: arrow_strings(col) for name, col in chunk.columns.items()}
    num = {name: parse(text[name]) for name in NUMERIC if name in text}
    return _Cols(text=text, num=num, n_rows=n)


def _unit_values(
    cols: _Cols, name: str, starts: IntArray, stops: IntArray
) -> tuple[Numbers | None, BoolArray]:
    """A per-unit numeric column: the first non-empty cell of each unit (the runner checked they agree)."""
    n_units = len(starts)
    if name not in cols.num:
        return None, np.zeros(n_units, dtype=bool)
    nums = cols.num[name]
    given = ~nums.empty
    unit_of_row = np.repeat(np.arange(n_units), stops - starts)
    rows = np.flatnonzero(given)
    first = np.full(n_units, -1, dtype=np.int64)
    if len(rows):
        u = unit_of_row[rows]  # non-decreasing: a unit's rows are contiguous
        lead = np.ones(len(u), dtype=bool)
        lead[1:] = u[1:] != u[:-1]
        first[u[lead]] = rows[lead]
    has = first >= 0
    pick = np.where(has, first, 0)
    return Numbers(nums.value[pick], nums.ok[pick] & has, ~has, nums.places[pick], nums.scale), has


_SEP = "\x1f"  # the unit separator: joins a row's shape cells when no cell holds it


def _uniform_positions(cols: _Cols, starts: IntArray, stops: IntArray) -> IntArray | None:
    """Each row's position in its unit, when every unit of the chunk has the same rows' shape texts: its
    units all ``k`` rows long, one after another, and each shape column's cells of every unit byte for byte
    those of the first unit (cell lengths and bytes compared over the array's buffers, no hashing). Such
    positions are shape codes as good as the texts' own (:func:`_shape_codes`): units are only ever
    compared position by position, and at each position every unit has the same texts. ``None`` when the
    units differ (or a column is not a plain string array)."""
    n_units = len(starts)
    if n_units == 0:
        return None
    k = int(stops[0] - starts[0])
    if k <= 0 or cols.n_rows != n_units * k:
        return None
    if not (np.array_equal(starts, np.arange(n_units) * k) and np.array_equal(stops, starts + k)):
        return None
    for c in SHAPE:
        if c not in cols.text:
            continue
        arr = cols.text[c]
        if not pa.types.is_string(arr.type) or arr.null_count or len(arr) != cols.n_rows:
            return None
        offsets = np.frombuffer(
            arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset
        )
        if not repeats(offsets, arr.buffers()[2], n_units, k):
            return None
    return np.tile(np.arange(k, dtype=np.int64), n_units)


def _shape_codes(cols: _Cols, positions: IntArray | None = None) -> IntArray:
    """One integer per row for the text of its shape columns and which of its other cells are filled.

    ``positions`` (:func:`_uniform_positions`) stand for the shape texts when every unit has the same.
    """
    code = np.zeros(cols.n_rows, dtype=np.int64)
    shape = [c for c in SHAPE if c in cols.text]
    if positions is not None:
        code, shape = positions, []
    elif len(shape) > 1 and not any(_has_any_byte(cols.text[c], _SEP.encode()) for c in shape):
        # one encoding of the shape cells joined by a character none of them holds (so the join is
        # one-to-one) instead of one per column
        joined = pc.binary_join_element_wise(*(cols.text[c] for c in shape), _SEP)
        code = _np(pc.dictionary_encode(joined).indices).astype(np.int64)
        shape = []
    for c in shape:
        col_codes, names = cols.codes(c)
        code = code * (len(names) + 1) + col_codes
        if code.size and int(code.max()) > 2**40:  # renumber before the product could overflow
            code = np.unique(code, return_inverse=True)[1].reshape(-1).astype(np.int64)
    filled = [c for c in cols.text if c not in SHAPE]
    presence = np.zeros(cols.n_rows, dtype=np.int64)
    for bit, c in enumerate(filled):
        presence |= cols.nonempty(c).astype(np.int64) << bit
    return code << len(filled) | presence


def _equal_rows(key: IntArray, passes: int = 8) -> list[IntArray]:
    """Indices of ``key``'s rows, grouped by equal rows (a few shapes are the common case: compare, don't sort)."""
    remaining = np.arange(len(key))
    out: list[IntArray] = []
    while len(remaining) and len(out) < passes:
        same = (key[remaining] == key[remaining[0]]).all(axis=1)
        out.append(remaining[same])
        remaining = remaining[~same]
    if len(remaining):
        _, inv = np.unique(key[remaining], axis=0, return_inverse=True)
        inv = np.asarray(inv).reshape(-1)
        order = np.argsort(inv, kind="stable")
        out.extend(np.split(remaining[order], np.flatnonzero(np.diff(inv[order])) + 1))
    return out


def unit_builder(chunk: Chunk, folder: Path) -> Callable[[int], tuple[Spec, Actuals]]:
    """``build(i)``: unit ``i`` of ``chunk`` as the pure path builds it (checked Spec and Actuals, or SpecError)."""
    from perfrules.batch._unit import Bases, UnitRows, build, prepare

    bases = Bases(folder, chunk.file)

    def build_unit(i: int) -> tuple[Spec, Actuals]:
        lo, hi = chunk.starts[i], chunk.stops[i]
        cells = {c: [_text(v) for v in col[lo:hi]] for c, col in chunk.columns.items()}
        rows = UnitRows(
            unit=chunk.units[i],
            file=chunk.file,
            folder=folder,
            header=dict(chunk.column_numbers),
            cells=cells,
            rows=[int(r) for r in chunk.rows[lo:hi]],
        )
        return build(prepare(rows, bases), bases)

    return build_unit


def _text(v: Any) -> str:
    if isinstance(v, pa.Scalar):
        v = v.as_py()
    return "" if v is None else str(v)


def score_chunk(
    chunk: Chunk,
    build: Callable[[int], tuple[Spec, Actuals]] | None = None,
    *,
    folder: Path | None = None,
) -> ChunkResult:
    """Score every unit of ``chunk`` the kernel can score exactly; list the others as unscored.

    ``build(i)`` builds unit ``i`` on the pure path (for the group prototypes);
    by default :func:`unit_builder` over ``folder`` (the table's folder, which
    relative ``spec`` paths are read from; default: the chunk file's folder).
    """
    n_units = len(chunk)
    if n_units == 0:
        return ChunkResult.empty(n_units)
    if build is None:
        build = unit_builder(chunk, folder if folder is not None else Path(chunk.file).parent)
    cols = _columns(chunk)
    starts = np.asarray(chunk.starts, dtype=np.int64)
    stops = np.asarray(chunk.stops, dtype=np.int64)
    sizes = stops - starts
    codes = _shape_codes(cols, _uniform_positions(cols, starts, stops))
    bad_row = np.zeros(cols.n_rows, dtype=bool)
    for c in UNSUPPORTED:
        bad_row |= cols.nonempty(c)
    unit_of_row = np.repeat(np.arange(n_units), sizes)
    unit_bad = np.zeros(n_units, dtype=bool)
    unit_bad[unit_of_row[bad_row]] = True
    budget, has_budget = _unit_values(cols, "budget", starts, stops)
    spent, has_spent = _unit_values(cols, "spent", starts, stops)
    unit_bad |= has_budget != has_spent
    row_clean = np.ones(cols.n_rows, dtype=bool)
    for nums in cols.num.values():
        row_clean &= nums.ok | nums.empty
    unit_clean = (
        np.logical_and.reduceat(row_clean, starts) if cols.n_rows else np.ones(n_units, dtype=bool)
    )
    unit_clean &= sizes > 0
    # each unit's base spec as a code, in order of first use (one id() per unit, the rest in NumPy)
    base_id = np.fromiter(map(id, chunk.bases), dtype=np.uint64, count=n_units)
    _, first_use, base_inv = np.unique(base_id, return_index=True, return_inverse=True)
    base_code = np.argsort(np.argsort(first_use))[np.asarray(base_inv).reshape(-1)].astype(np.int64)
    inline = np.asarray(chunk.inline, dtype=bool)

    groups: list[_GroupOut] = []
    unscored: list[int] = []
    for k in np.unique(sizes).tolist():
        members = np.flatnonzero(sizes == k)
        if k == 0:
            unscored.extend(members.tolist())
            continue
        mat = codes[starts[members][:, None] + np.arange(k)[None, :]]
        key = np.concatenate(
            [
                base_code[members][:, None],
                inline[members][:, None].astype(np.int64),
                has_budget[members][:, None].astype(np.int64),
                mat,
            ],
            axis=1,
        )
        for same in _equal_rows(key):
            units = members[same]
            units = units[~unit_bad[units]]
            if len(units) == 0:
                continue
            candidates = np.concatenate([units[unit_clean[units]], units[~unit_clean[units]]])
            out = _score_group(
                chunk,
                build,
                cols,
                units,
                candidates,
                starts,
                k,
                budget,
                spent,
                bool(has_budget[units[0]]),
            )
            done = out.units if out is not None else np.empty(0, dtype=np.int64)
            if out is not None:
                groups.append(out)
            unscored.extend(np.setdiff1d(units, done).tolist())
    unscored.extend(int(u) for u in np.flatnonzero(unit_bad))
    return _assemble(groups, sorted(set(unscored)))


# ---------------------------------------------------------------------------
# 4–5. one group


def _prototype(
    build: Callable[[int], Any],
    candidates: IntArray,
    signature: Callable[[int], Any],
    tries: int = 8,
) -> tuple[int, Spec] | None:
    """The first candidate the pure path builds (skipping candidates whose numbers repeat a failed one's)."""
    failed: set[Any] = set()
    for u in candidates.tolist():
        sig = signature(int(u))
        if sig in failed:
            continue
        try:
            spec, _ = build(int(u))
        except SpecError:
            failed.add(sig)
            if len(failed) >= tries:
                return None
            continue
        return int(u), spec
    return None


# the plan of a group, kept across chunks (and runs) by what it is read from: the group's base spec (the
# object itself, kept here so that its id is never another's), whether its units are inline and have a
# budget, and its shape — the text of its SHAPE cells and which of its other cells are filled, row by row:
# every unit of a group shares one plan, read off a prototype; units with the same shape in another chunk
# would read the same plan off theirs (a plan holds none of a unit's own numbers)
_PLANS: dict[tuple[Any, ...], tuple[Spec | None, Plan | None]] = {}
MAX_PLANS = 4096


def _plan_key(
    chunk: Chunk, cols: _Cols, unit: int, lo: int, k: int, has_budget: bool
) -> tuple[Any, ...]:
    """What a group's plan is read from, as the group's first unit (at rows lo … lo + k) holds it."""
    return (
        id(chunk.bases[unit]),
        bool(chunk.inline[unit]),
        has_budget,
        k,
        tuple(cols.text),
        tuple(tuple(cols.text[c].slice(lo, k).to_pylist()) for c in SHAPE if c in cols.text),
        tuple(cols.nonempty(c)[lo : lo + k].tobytes() for c in cols.text if c not in SHAPE),
    )


def _score_group(
    chunk: Chunk,
    build: Callable[[int], Any],
    cols: _Cols,
    units: IntArray,
    candidates: IntArray,
    starts: IntArray,
    k: int,
    budget: Numbers | None,
    spent: Numbers | None,
    has_budget: bool,
) -> _GroupOut | None:
    rows = starts[units][:, None] + np.arange(k)[None, :]  # (n, k) row indices, table order
    ok = np.ones(len(units), dtype=bool)
    first_row = int(rows[0, 0]) if len(units) else 0
    # the common case: the group's units one after another in the table, k rows each, so a slot's rows
    # are every k-th row from the first unit's (a strided view of a column, not a gather)
    regular = bool(len(units)) and bool((np.diff(starts[units]) == k).all())

    def at(j: int) -> IntArray | slice:
        """The rows of slot position ``j``, one per unit (as ``rows[:, j]`` selects them)."""
        if regular:
            return slice(first_row + j, first_row + j + (len(units) - 1) * k + 1, k)
        return rows[:, j]

    # a candidate whose cells (all but the unit id: numbers, and words such as a tier) repeat those
    # of one that failed to build fails alike and is skipped; one differing in any cell is tried
    cells = [col for name, col in cols.text.items() if name != "unit"]

    def signature(u: int) -> tuple[Any, ...]:
        lo = int(starts[u])
        return tuple(tuple(col.slice(lo, k).to_pylist()) for col in cells)

    first = int(units[0])
    key = _plan_key(chunk, cols, first, int(starts[first]), k, has_budget)
    known = _PLANS.get(key)
    if known is not None and known[0] is chunk.bases[first]:
        plan = known[1]
    else:
        proto = _prototype(build, candidates, signature)
        if proto is None:
            return None  # no member builds (its numbers, not its shape, may be why): nothing kept
        u0, spec = proto
        ids = (
            cols.text["indicator"].take(pa.array(rows[units == u0][0])).to_pylist()
            if "indicator" in cols.text
            else []
        )
        order = {ident: j for j, ident in enumerate(ids)}
        try:
            plan = plan_of(spec, order, bool(chunk.inline[u0]), has_budget)
        except Unsupported:
            plan = None
        if len(_PLANS) >= MAX_PLANS:
            _PLANS.clear()
        _PLANS[key] = (chunk.bases[first], plan)
    if plan is None:
        return None
    n = len(units)
    w_cols: list[
        tuple[IntArray, int, IntArray | None, str | None]
    ] = []  # weight ints, scale, places, const text

    def col(name: str, j: int) -> tuple[Numbers, IntArray | slice]:
        return cols.num[name], at(j)

    def need(name: str, j: int) -> IntArray:
        nonlocal ok
        if name not in cols.num:
            ok &= False
            return np.zeros(n, dtype=np.int64)
        nums, r = col(name, j)
        ok &= nums.ok[r]
        return nums.value[r]

    def const(value: Decimal, scale: int) -> IntArray:
        return np.full(n, int(value.scaleb(scale)), dtype=np.int64)

    # scales: a spec's own numbers join the table's at a common scale
    def scale_of(name: str, decl: list[Decimal | None]) -> int:
        s = cols.num[name].scale if name in cols.num else 0
        return max([s] + [_dec_places(d) for d in decl if d is not None])

    sw = scale_of("weight", [s.weight for s in plan.slots])
    st = scale_of("target", [s.target for s in plan.slots])
    sp = scale_of("per", [s.params.get("per") for s in plan.slots])
    sd = scale_of("deduct", [s.params.get("deduct") for s in plan.slots])
    sa = cols.num["actual"].scale if "actual" in cols.num else 0
    if max(sw, st, sp, sd, sa) > MAX_PLACES:
        return None
    sc = K.Scales(weight=sw, target=st, actual=sa, per=sp, deduct=sd)

    def rescale(v: IntArray, have: int, want: int) -> IntArray:
        return v * (10 ** (want - have)) if want != have else v

    # filled column by column, and read so by the kernel: Fortran order keeps each column contiguous
    W = np.empty((n, k), dtype=np.int64, order="F")
    T = np.zeros((n, k), dtype=np.int64, order="F")
    A = np.zeros((n, k), dtype=np.int64, order="F")
    P = np.zeros((n, k), dtype=np.int64, order="F")
    D = np.zeros((n, k), dtype=np.int64, order="F")
    TIER = np.zeros((n, k), dtype=np.int64, order="F")
    params = {
        "per": (P, sp),
        "deduct": (D, sd),
    }  # a kernel's parameter matrices (K.PARAMS) and their scales
    has_tier = "tier" in cols.text
    for j, slot in enumerate(plan.slots):
        r = slot.row
        if slot.weight is None:
            W[:, j] = rescale(
                need("weight", r), cols.num["weight"].scale if "weight" in cols.num else 0, sw
            )
            w_cols.append(
                (
                    W[:, j],
                    sw,
                    cols.num["weight"].places[at(r)] if "weight" in cols.num else None,
                    None,
                )
            )
        else:
            W[:, j] = const(slot.weight, sw)
            w_cols.append((W[:, j], sw, None, str(slot.weight)))
        kernel = slot.rule.kernel
        if kernel.tiers:
            if not has_tier:
                return None
            row_codes, names = cols.codes("tier")
            lut = np.array(
                [plan.tiers.get(x.strip() if isinstance(x, str) else x, -1) for x in names] or [-1],
                dtype=np.int64,
            )
            codes = lut[row_codes[at(r)]]
            ok &= codes >= 0
            TIER[:, j] = np.maximum(codes, 0)
            if "actual" in cols.num:
                ok &= cols.num["actual"].empty[at(r)]
            continue
        ok &= ~cols.nonempty("tier")[at(r)]
        A[:, j] = need("actual", r)
        if slot.target is None:
            T[:, j] = rescale(
                need("target", r), cols.num["target"].scale if "target" in cols.num else 0, st
            )
        else:
            T[:, j] = const(slot.target, st)
        ok &= T[:, j] > 0
        for name in (
            kernel.params
        ):  # the kernel's parameters: the spec's, or the table's cells; each positive
            mat, scale = params[name]
            declared = slot.params.get(name)
            if declared is None:
                mat[:, j] = rescale(
                    need(name, r), cols.num[name].scale if name in cols.num else 0, scale
                )
            else:
                mat[:, j] = const(declared, scale)
            ok &= mat[:, j] > 0
    ok &= (W > 0).all(axis=1)
    # rows already refused still flow through the arithmetic: keep their divisors non-zero
    T[T <= 0] = 1
    P[P <= 0] = 1

    bud = None
    if plan.budget is not None:
        assert budget is not None and spent is not None
        bud = (
            budget.value[units],
            spent.value[units],
            budget.ok[units] & spent.ok[units],
            budget.scale,
            spent.scale,
        )
    got = compute(plan, sc, W, T, A, P, D, TIER, ok, bud)
    if got is None:
        return None
    S = [got.S[:, j] for j in range(k)]
    met_cols = [got.MET[:, j] for j in range(k)]
    return _format_group(
        chunk,
        cols,
        plan,
        units,
        rows,
        got.ok,
        S,
        met_cols,
        w_cols,
        sw,
        got.places,
        got.E,
        got.raw,
        got.total,
        got.grade_idx,
        got.warn,
        got.b_score,
    )


@attrs.frozen(eq=False)
class _GroupOut:
    """A group's rows of the three output tables, column by column, unit-major; ``units`` are chunk indices."""

    units: IntArray
    unit_cols: dict[str, Any]
    ind_cols: dict[str, Any]
    cat_cols: dict[str, Any]
    k: int
    n_cats: int
    losses: Losses | None = (
        None  # its indicators table's positive losses (None: read off the texts)
    )


def _format_group(
    chunk: Chunk,
    cols: _Cols,
    plan: Plan,
    units: IntArray,
    rows: IntArray,
    ok: BoolArray,
    S: list[IntArray],
    met: list[BoolArray],
    w_cols: list[tuple[IntArray, int, IntArray | None, str | None]],
    sw: int,
    places: list[int],
    E: int,
    raw: IntArray,
    total: IntArray,
    grade_idx: IntArray,
    warn: IntArray,
    b_score: IntArray | None,
) -> _GroupOut | None:
    """The group's checked units as output cells (Arrow arrays): Decimal texts digit for digit as the core writes them."""
    sel = np.flatnonzero(ok)
    if len(sel) == 0:
        return None
    n, k = len(sel), len(plan.slots)
    unit_ids = pa.array([chunk.units[int(u)] for u in units[sel].tolist()], type=pa.string())
    tp = plan.total_places
    tw = plan.spec.meta.total
    lp = max(tp, _dec_places(tw))
    lost_q = int(tw.scaleb(lp)) - total[sel] * 10 ** (lp - tp)
    # max(total_weight − total, Decimal(0)) is Decimal(0) when negative (and total_weight − total, e.g. 0.00, at 0)
    lost_s = pc.if_else(pa.array(lost_q < 0), pa.scalar("0"), fmt(np.maximum(lost_q, 0), lp))
    none = pa.nulls(n, pa.string())
    unit_cols: dict[str, Any] = {
        "unit": unit_ids,
        "status": const("ok", n),
        "total": fmt(total[sel], tp),
        "grade": pa.array([g for g, _ in plan.grades], type=pa.string()).take(
            pa.array(grade_idx[sel])
        ),
        "total_weight": const(str(tw), n),
        "lost": lost_s,
        "warnings": pa.array(warn[sel].astype(np.int64)),
        **{
            c: (pa.nulls(n, pa.int64()) if c in ("error_row", "error_column") else none)
            for c in UNIT_COLUMNS
            if c.startswith("error")
        },
    }

    ind_text = cols.text["indicator"]
    fast, losses = _indicator_matrix(ind_text, plan, rows, sel, S, met, w_cols, sw, places)
    id_cols, score_cols, lost_cols, weight_cols, cat_cols_, wplaces_cols = [], [], [], [], [], []
    for j, slot in enumerate(plan.slots):
        wv, wscale, wplaces, wconst = w_cols[j]
        p = places[j]
        if (
            fast is not None
        ):  # the texts are made below, all slots at once; the weights' places are kept
            wplaces_cols.append(
                wplaces[sel]
                if wplaces is not None
                else np.full(n, _dec_places(Decimal(wconst or "0")), dtype=np.int64)
            )
            continue
        id_cols.append(ind_text.take(pa.array(rows[sel, slot.row])))
        cat_cols_.append(const(slot.leaf, n))
        score_cols.append(fmt(S[j][sel], p))
        if wconst is not None:
            weight_cols.append(const(wconst, n))
            wpl = np.full(n, _dec_places(Decimal(wconst)), dtype=np.int64)
        else:
            assert wplaces is not None
            wpl = wplaces[sel]
            weight_cols.append(fmt_places(wv[sel], wpl, wscale))
        wplaces_cols.append(wpl)
        top = max(p, wscale)
        diff = wv[sel] * 10 ** (top - wscale) - S[j][sel] * 10 ** (top - p)
        lost_cols.append(_fmt_signed(diff, np.maximum(wpl, p), top))
    met_cols = [] if fast is not None else [pa.array(m[sel]) for m in met]
    kk = k
    if (
        plan.budget is not None and b_score is not None
    ):  # the 预算执行率 row follows the indicators (as the pure path writes it)
        bw, bp = plan.budget
        top = max(bp, _dec_places(bw))
        id_cols.append(const(BUDGET_ROW, n))
        cat_cols_.append(none)
        weight_cols.append(const(str(bw), n))
        score_cols.append(fmt(b_score[sel], bp))
        lost_cols.append(
            _fmt_signed(
                int(bw.scaleb(top)) - b_score[sel] * 10 ** (top - bp),
                np.full(n, top, dtype=np.int64),
                top,
            )
        )
        met_cols.append(pa.nulls(n, pa.bool_()))
        kk = k + 1
    ind_cols = {
        "unit": unit_ids.take(pa.array(np.repeat(np.arange(n), kk))),
        **(
            fast
            if fast is not None
            else {
                "indicator": interleave(id_cols),
                "category": interleave(cat_cols_),
                "weight": interleave(weight_cols),
                "score": interleave(score_cols),
                "lost": interleave(lost_cols),
                "met": interleave(met_cols),
            }
        ),
    }
    c_w, c_s = [], []
    for c in plan.cats:
        cp = max([places[j] for j in c.slots] + [0])
        cs = np.zeros(n, dtype=total.dtype)
        for j in c.slots:
            cs = cs + S[j][sel] * 10 ** (cp - places[j])
        c_s.append(fmt(cs, cp))
        if c.weight is not None:
            c_w.append(const(str(c.weight), n))
        elif not c.slots:
            c_w.append(const("0", n))
        else:
            wsum = sum((w_cols[j][0][sel] for j in c.slots), np.zeros(n, dtype=total.dtype))
            wpl = np.max(np.stack([wplaces_cols[j] for j in c.slots]), axis=0)
            c_w.append(fmt_places(wsum, wpl, sw))
    nc = len(plan.cats)
    cat_cols: dict[str, Any] = {
        "unit": unit_ids.take(pa.array(np.repeat(np.arange(n), nc))),
        "category": interleave([const(c.id, n) for c in plan.cats])
        if nc
        else pa.array([], pa.string()),
        "name": interleave([const(c.name, n) for c in plan.cats])
        if nc
        else pa.array([], pa.string()),
        "level": interleave([const(c.level, n, pa.int64()) for c in plan.cats])
        if nc
        else pa.array([], pa.int64()),
        "weight": interleave(c_w) if nc else pa.array([], pa.string()),
        "score": interleave(c_s) if nc else pa.array([], pa.string()),
    }
    return _GroupOut(
        units=units[sel],
        unit_cols=unit_cols,
        ind_cols=ind_cols,
        cat_cols=cat_cols,
        k=kk,
        n_cats=nc,
        losses=losses,
    )


def _indicator_matrix(
    ind_text: pa.Array,
    plan: Plan,
    rows: IntArray,
    sel: IntArray,
    S: list[IntArray],
    met: list[BoolArray],
    w_cols: list[tuple[IntArray, int, IntArray | None, str | None]],
    sw: int,
    places: list[int],
) -> tuple[dict[str, pa.Array] | None, Losses | None]:
    """The indicators table's columns of a group, unit after unit and slot after slot, each made at once
    over the (units × slots) matrix: the very texts the slot-by-slot loop writes, with a few Arrow calls
    instead of a few per slot; and their positive losses (:func:`_losses`). ``None`` (the loop then
    writes them, and the summary reads the texts) for a budget row, a declared weight whose text is
    not its plain decimal, a matrix of Python integers, or numbers that might overflow int64 at the
    common scale."""
    k = len(plan.slots)
    n = len(sel)
    if plan.budget is not None or k == 0 or n == 0:
        return None, None
    if any(c is not None and format(Decimal(c), "f") != c for _, _, _, c in w_cols):
        return None, None
    if any(s.dtype == object for s in S) or any(w.dtype == object for w, _, _, _ in w_cols):
        return None, None
    p_top = max(places)
    l_top = max(max(p, sw) for p in places)  # the lost column's common scale
    bound = 10**17  # |value| × 10^(scale gap) below this stays well inside int64
    for j in range(k):
        most = max(int(np.abs(S[j][sel]).max()), int(np.abs(w_cols[j][0][sel]).max()))
        if most * 10 ** max(p_top - places[j], l_top - places[j], l_top - sw) >= bound:
            return None, None
    score = np.empty((n, k), dtype=np.int64)
    weight = np.empty((n, k), dtype=np.int64)
    lost = np.empty((n, k), dtype=np.int64)
    w_places = np.empty((n, k), dtype=np.int64)
    for j in range(k):
        wv, _, wplaces, wconst = w_cols[j]
        p = places[j]
        s_j = S[j][sel]
        score[:, j] = s_j * 10 ** (p_top - p)
        weight[:, j] = wv[sel]
        w_places[:, j] = (
            wplaces[sel] if wplaces is not None else _dec_places(Decimal(wconst or "0"))
        )
        lost[:, j] = wv[sel] * 10 ** (l_top - sw) - s_j * 10 ** (l_top - p)
    slot_places = np.tile(np.asarray(places, dtype=np.int64), n)
    slot_rows = np.array([s.row for s in plan.slots], dtype=np.int64)
    w_flat = w_places.ravel()
    lost_places = np.maximum(w_flat, slot_places)
    # the group's units share their indicator ids (a shape cell): slot j's is the first unit's
    ids = ind_text.take(pa.array(rows[sel[0], slot_rows])).to_pylist()
    losses = _losses(ids, lost, lost_places.reshape(n, k), l_top)
    return {
        "indicator": _rows_of(ind_text, rows[sel][:, slot_rows].ravel()),
        "category": pa.array([s.leaf for s in plan.slots], type=pa.string()).take(
            pa.array(np.tile(np.arange(k, dtype=np.int64), n))
        ),
        "weight": fmt_places(weight.ravel(), w_flat, sw),
        "score": fmt_places(score.ravel(), slot_places, p_top),
        "lost": _fmt_signed(lost.ravel(), lost_places, l_top),
        "met": pa.array(np.stack([np.asarray(m[sel], dtype=bool) for m in met], axis=1).ravel()),
    }, losses


def _losses(ids: list[Any], lost: IntArray, places: IntArray, scale: int) -> Losses | None:
    """What the summary reads off a group's ``lost`` texts (:data:`~perfrules.batch._chunk.Losses`),
    from their integers: ``lost`` (units × slots, at ``scale``) is written with ``places`` (per
    cell) by :func:`_fmt_signed` — its magnitude cut to those places — so a cell's text is a
    positive number exactly when that cut value is; ``ids``: each slot's indicator id. ``None``
    when a sum might overflow int64."""
    n, k = lost.shape
    q = lost // (10 ** (scale - places))  # ≤ 0 for a negative or zero loss, as its text is
    positive = q > 0
    counts = positive.sum(axis=0)
    slots = np.flatnonzero(counts)
    if not len(slots):
        return ()
    most = np.where(positive, places, 0).max(axis=0)
    top = int(most.max())
    if int(q.max()) * 10 ** (top - int(places.min())) * n >= 2**62:
        return None
    shift = np.where(positive, most[None, :] - places, 0)  # each positive cell to its slot's places
    totals = np.where(positive, q * 10**shift, 0).sum(axis=0)
    first = positive.argmax(axis=0)  # each slot's first unit with a positive loss
    # in order of first appearance among the table's rows (unit after unit, slot after slot)
    order = slots[np.argsort(first[slots] * k + slots, kind="stable")]
    out: dict[str, list[int]] = {}
    for j in order.tolist():
        t, m, c = int(totals[j]), int(most[j]), int(counts[j])
        got = out.get(ids[j])
        if got is None:
            out[ids[j]] = [t, m, c]
        else:  # an id on two rows of a unit: one entry, as the texts would give
            mm = max(got[1], m)
            got[:] = [got[0] * 10 ** (mm - got[1]) + t * 10 ** (mm - m), mm, got[2] + c]
    return tuple((name, t, m, c) for name, (t, m, c) in out.items())


def _rows_of(arr: pa.Array, idx: IntArray) -> pa.Array:
    """``arr.take(idx)``; a slice (no copy) when ``idx`` is a run of consecutive rows (a group of every
    unit of the chunk, its indicators in row order: the common case)."""
    n = len(idx)
    if n and int(idx[-1]) - int(idx[0]) == n - 1 and bool((np.diff(idx) == 1).all()):
        return arr.slice(int(idx[0]), n)
    return arr.take(pa.array(idx))


def _assemble(groups: list[_GroupOut], unscored: list[int]) -> ChunkResult:
    """The groups' rows in chunk unit order (a stable sort by unit keeps each unit's rows in order)."""
    if not groups:
        return ChunkResult(
            units={c: [] for c in UNIT_COLUMNS},
            indicators={c: [] for c in INDICATOR_COLUMNS},
            categories={c: [] for c in CATEGORY_COLUMNS},
            unscored=tuple(unscored),
        )

    def table(
        names: tuple[str, ...], part: str, per_unit: Callable[[_GroupOut], int]
    ) -> dict[str, Any]:
        if len(groups) == 1:  # one group (the common case): its rows in unit order, not copied
            return {c: getattr(groups[0], part)[c] for c in names}
        keys = np.concatenate([np.repeat(g.units, per_unit(g)) for g in groups])
        cols = {c: pa.concat_arrays([getattr(g, part)[c] for g in groups]) for c in names}
        if len(keys) < 2 or bool((keys[1:] >= keys[:-1]).all()):
            return cols  # already in unit order
        order = pa.array(np.argsort(keys, kind="stable"))
        return {c: a.take(order) for c, a in cols.items()}

    return ChunkResult(
        units=table(UNIT_COLUMNS, "unit_cols", lambda g: 1),
        indicators=table(INDICATOR_COLUMNS, "ind_cols", lambda g: g.k),
        categories=table(CATEGORY_COLUMNS, "cat_cols", lambda g: g.n_cats),
        unscored=tuple(unscored),
        losses=groups[0].losses if len(groups) == 1 else None,  # (several: read off the texts)
    )
