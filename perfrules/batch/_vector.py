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
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from perfrules._errors import SpecError
from perfrules.batch import _kernel as K
from perfrules.batch._chunk import CATEGORY_COLUMNS, INDICATOR_COLUMNS, UNIT_COLUMNS, Chunk, ChunkResult
from perfrules.model import (
    Actuals,
    Comparator,
    EqualAbove,
    ExecutionBase,
    ExecutionPolicy,
    InverseRatio,
    LinearOvershoot,
    NegativeRule,
    PerOccurrence,
    QualitativeDefault,
    RateTimesWeight,
    Ratio,
    Spec,
    StepDeduction,
    WeightPrecision,
)

MAX_INT_DIGITS, MAX_PLACES = 12, 6
_CANONICAL = rf"^(0|[1-9][0-9]{{0,{MAX_INT_DIGITS - 1}}})(\.[0-9]{{1,{MAX_PLACES}}})?$"
NUMERIC = ("weight", "target", "actual", "per", "deduct", "budget", "spent")
# columns whose text is part of a unit's shape (what the prototype's rules are read from)
SHAPE = ("indicator", "category", "subcategory", "method", "comparator", "target_unit", "round_to", "partial")
# columns the kernel never handles: a non-empty cell sends its unit to the pure path
UNSUPPORTED = ("score", "not_applicable", "amount", "initial")
BUDGET_ROW = "budget_execution"  # the indicator id of the 预算执行率 row in the indicators table (as _run writes it)
_CMP = {Comparator.GE: "ge", Comparator.GT: "gt", Comparator.LE: "le", Comparator.LT: "lt", Comparator.EQ: "eq"}

IntArray = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]


class Unsupported(Exception):
    """A group's spec uses something the kernel does not do: the group goes to the pure path."""


# ---------------------------------------------------------------------------
# 1. parsing


def arrow_strings(col: Sequence[str]) -> pa.Array:
    """A column of cell texts as a pyarrow string array (no copy when the chunk already holds one)."""
    arr = getattr(col, "arrow", None)
    if arr is None:
        arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else pa.array(col, type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    return arr


def _np(arr: pa.Array) -> npt.NDArray[Any]:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


@attrs.frozen(eq=False)
class Numbers:
    """A parsed numeric column: ``value`` = the number × 10^scale (int64), where ``ok``."""

    value: IntArray
    ok: BoolArray  # a plain non-negative decimal the kernel accepts
    empty: BoolArray
    places: IntArray  # decimals as written (0 for "12"), per row
    scale: int


def parse(texts: pa.Array) -> Numbers:
    """Exact integers from decimal texts, vectorised; anything else is not ``ok`` (the pure path judges it).

    Fast path: Arrow's exact string → decimal128 cast over the filled cells
    at the column's largest number of places (never through float), after
    ruling out what Arrow accepts but the table format does not (exponents,
    whitespace). If the cast rejects any cell, the column is checked cell by
    cell with the table format's regular expression first.
    """
    n = len(texts)
    length = _np(pc.binary_length(texts)).astype(np.int64)
    empty = length == 0
    filled = np.flatnonzero(~empty)
    value = np.zeros(n, dtype=np.int64)
    places = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    if not len(filled):
        return Numbers(value, ok, empty, places, 0)
    sub = texts if len(filled) == n else texts.take(pa.array(filled))
    v, o, pl, scale = _parse_filled(sub, length[filled])
    value[filled], ok[filled], places[filled] = v, o, pl
    return Numbers(value, ok, empty, places, scale)


def _parse_filled(texts: pa.Array, length: IntArray) -> tuple[IntArray, BoolArray, IntArray, int]:
    n = len(texts)
    dot = _np(pc.find_substring(texts, ".")).astype(np.int64)
    places = np.where(dot >= 0, length - dot - 1, 0)
    odd = pc.or_(pc.or_(pc.match_substring(texts, "e"), pc.match_substring(texts, "E")), pc.match_substring(texts, " "))
    ok = ~_np(odd).astype(bool) & (places <= MAX_PLACES) & (length <= MAX_INT_DIGITS + MAX_PLACES + 2)
    try:
        dec, scale = _cast(texts, ok, places)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok &= _np(pc.match_substring_regex(texts, _CANONICAL)).astype(bool)
        dec, scale = _cast(texts, ok, places)
    words = np.frombuffer(dec.buffers()[1], dtype=np.int64, count=2 * n, offset=dec.offset * 16).reshape(n, 2)
    value = words[:, 0].copy()
    ok &= (words[:, 1] == 0) & (value >= 0)  # non-negative and inside int64
    return np.where(ok, value, 0), ok, np.where(ok, places, 0), scale


def _cast(texts: pa.Array, ok: BoolArray, places: IntArray) -> tuple[pa.Array, int]:
    scale = int(places[ok].max()) if ok.any() else 0
    clean = pc.if_else(pa.array(ok), texts, pa.scalar("0")) if not ok.all() else texts
    # every cell kept has at most ``scale`` places and 18 digits: nothing to truncate or overflow
    return pc.cast(clean, pa.decimal128(38, scale), safe=False), scale


# ---------------------------------------------------------------------------
# decimal text, digit for digit as str(Decimal) writes it


def fmt(values: IntArray, places: int) -> pa.Array:
    """``str(Decimal)`` of value × 10^-places for each element (places 0..6; plain notation), as Arrow strings."""
    if values.dtype == object:
        return pa.array([_fmt1(int(v), places) for v in values.tolist()], type=pa.string())
    v = np.ascontiguousarray(values, dtype=np.int64)
    words = np.empty((len(v), 2), dtype=np.int64)
    words[:, 0] = v
    words[:, 1] = v >> 63
    arr = pa.Array.from_buffers(pa.decimal128(38, places), len(v), [None, pa.py_buffer(words)])
    return pc.cast(arr, pa.string())


def fmt_places(values: IntArray, places: IntArray, scale: int) -> pa.Array:
    """Like :func:`fmt` with a per-element number of places; ``values`` are at ``scale`` (≥ every place)."""
    distinct = np.flatnonzero(np.bincount(places, minlength=1)).tolist()
    if len(distinct) == 1:
        p = int(distinct[0])
        return fmt(values // (10 ** (scale - p)) if scale > p else values, p)
    pieces, order = [], []
    for p in distinct:
        sel = np.flatnonzero(places == p)
        pieces.append(fmt(values[sel] // (10 ** (scale - p)), int(p)))
        order.append(sel)
    where = np.empty(len(values), dtype=np.int64)
    where[np.concatenate(order)] = np.arange(len(values))
    return pa.concat_arrays(pieces).take(pa.array(where))


def const(value: Any, n: int, kind: pa.DataType | None = None) -> pa.Array:
    """An Arrow array of ``n`` copies of ``value``."""
    base = pa.array([value], type=kind if kind is not None else pa.string())
    return base.take(pa.array(np.zeros(n, dtype=np.int64)))


def interleave(columns: list[pa.Array]) -> pa.Array:
    """Row-major order of k equal-length columns: c0[0], c1[0], …, c0[1], c1[1], … (one take)."""
    k = len(columns)
    if k == 1:
        return columns[0]
    n = len(columns[0])
    order = (np.arange(n, dtype=np.int64)[:, None] + np.arange(k, dtype=np.int64)[None, :] * n).ravel()
    return pa.concat_arrays(columns).take(pa.array(order))


def _fmt1(v: int, places: int) -> str:
    return str(Decimal(v).scaleb(-places))


# ---------------------------------------------------------------------------
# 3. the rules of a group, read off its prototype


@attrs.frozen(eq=False)
class Slot:
    """One indicator position of a group."""

    id: str
    row: int  # offset of its row inside the unit's rows
    rule: K.Rule
    leaf: str  # its category id
    weight: Decimal | None  # a spec-declared weight (spec-referencing units), else None: the table's
    target: Decimal | None
    per: Decimal | None
    deduct: Decimal | None
    percent_unit: bool
    warn: bool  # overshoot warnings apply (positive or exact, target > 0 checked per unit)


@attrs.frozen(eq=False)
class CatPlan:
    id: str
    name: str
    level: int
    parent: str | None
    slots: tuple[int, ...]  # slot indices it sums (a 一级 with 二级 children: all of theirs)
    weight: Decimal | None  # declared (spec-referencing units) or None: Σ of the unit's weights


@attrs.frozen(eq=False)
class Plan:
    spec: Spec
    slots: tuple[Slot, ...]
    cats: tuple[CatPlan, ...]
    tops: tuple[int, ...]  # indices into cats of the 一级 categories
    inline: bool
    budget: tuple[Decimal, int] | None  # (weight, places) of the 预算执行率 row when it is scored
    tiers: dict[str, int]
    tier_bounds: tuple[tuple[Fraction, Fraction, bool], ...]
    total_places: int
    grades: tuple[tuple[str, Decimal], ...]


def _places(q: Decimal) -> int:
    """n for a quantum 10^-n (0 ≤ n ≤ 6), else Unsupported."""
    t = q.normalize().as_tuple()
    if t.digits != (1,) or not isinstance(t.exponent, int) or not -MAX_PLACES <= t.exponent <= 0 or t.sign:
        raise Unsupported(f"quantum {q}")
    # Decimal("1") and Decimal("1.00") both quantise whole points; the core keeps the written exponent
    exp = q.as_tuple().exponent
    assert isinstance(exp, int)
    if q.as_tuple().digits != (1,) and q != Decimal(1).scaleb(exp):
        raise Unsupported(f"quantum {q} written with trailing zeros")
    return -exp


def plan_of(spec: Spec, order: dict[str, int], inline: bool, has_budget: bool) -> Plan:
    """The kernel's view of ``spec``; ``order`` maps indicator ids to row offsets in the unit."""
    pol = spec.policy
    if pol.overshoot_deduction is not None:
        raise Unsupported("overshoot deduction")
    if pol.qualitative_default is not QualitativeDefault.TIER_TOP:
        raise Unsupported("qualitative_default")
    rounding = spec.rounding
    slots: list[Slot] = []
    for ind in spec.indicators:
        if ind.derive is not None:
            raise Unsupported("derived indicator")
        places = _places(ind.score_quantum(rounding.score))
        if ind.id not in order:
            raise Unsupported("indicator without a row")
        common: dict[str, Any] = {"id": ind.id, "row": order[ind.id], "leaf": ind.category,
                  "weight": None if inline else ind.weight}  # fmt: skip
        if ind.is_qualitative:
            slots.append(Slot(rule=K.Rule(kind="tier", cmp="eq", places=places), target=None, per=None, deduct=None,
                              percent_unit=False, warn=False, **common))  # fmt: skip
            continue
        t = ind.target
        assert t is not None
        m = ind.method
        direction = t.comparator.direction
        per = deduct = None
        partial = "floor"
        kind: K.Kind
        if isinstance(m, StepDeduction):
            kind, per, deduct, partial = "step", m.per, m.deduct, m.partial.value
        elif isinstance(m, RateTimesWeight):
            kind = "rate"
        elif isinstance(m, PerOccurrence):
            kind, deduct = "per_occurrence", m.deduct
        elif isinstance(m, InverseRatio) or (
            (m is None or isinstance(m, Ratio)) and direction == "negative" and pol.negative is NegativeRule.INVERSE_RATIO
        ):
            kind = "inverse"
        elif isinstance(m, LinearOvershoot) or (m is None or isinstance(m, Ratio)) and direction == "negative":
            kind = "linear"
        elif m is None or isinstance(m, Ratio):
            if direction == "positive":
                kind = "ratio"
            else:
                kind = "equal_full" if pol.equal_above is EqualAbove.FULL else "equal_inverse"
        else:
            raise Unsupported(f"method {m.name}")
        if kind in ("inverse", "linear") and direction != "negative":
            raise Unsupported("negative-only method on another target")
        slots.append(Slot(
            rule=K.Rule(kind=kind, cmp=_CMP[t.comparator], places=places, percent=t.unit == "%",  # type: ignore[arg-type]
                        partial=partial),  # type: ignore[arg-type]
            target=None if inline else t.value, per=per if not inline else None,
            deduct=deduct if not inline else None, percent_unit=t.unit == "%",
            warn=pol.overshoot_warning is not None and direction in ("positive", "equal"), **common,
        ))  # fmt: skip
    index = {s.id: k for k, s in enumerate(slots)}
    members: dict[str, list[int]] = {}
    for k, ind in enumerate(spec.indicators):
        members.setdefault(ind.category, []).append(k)
    ordered = []
    for top in (c for c in spec.categories if c.parent is None):
        ordered.append(top)
        ordered.extend(c for c in spec.categories if c.parent == top.id)
    cats: list[CatPlan] = []
    for c in ordered:
        kids = [k.id for k in spec.categories if k.parent == c.id]
        mine = sorted(i for cid in ([c.id, *kids] if kids else [c.id]) for i in members.get(cid, []))
        cats.append(CatPlan(id=c.id, name=c.name, level=1 if c.parent is None else 2, parent=c.parent,
                            slots=tuple(mine), weight=None if inline else c.weight))  # fmt: skip
    del index
    budget = None
    be = spec.budget_execution
    if has_budget:
        if be is None:
            raise Unsupported("budget without a budget-execution row")
        if be.method is not None or be.base is not ExecutionBase.FULL_YEAR:
            raise Unsupported("budget method or base")
        places = 0 if be.policy is ExecutionPolicy.ROUND_WHOLE else _places(rounding.score)
        budget = (be.weight, places)
    tiers: dict[str, int] = {}
    for k, tier in enumerate(spec.tiers):
        for name in (tier.name, *tier.aliases):
            tiers.setdefault(name, k)
    return Plan(
        spec=spec, slots=tuple(slots), cats=tuple(cats), tops=tuple(k for k, c in enumerate(cats) if c.level == 1),
        inline=inline, budget=budget, tiers=tiers,
        tier_bounds=tuple((Fraction(t.min), Fraction(t.max), t.max_inclusive) for t in spec.tiers),
        total_places=_places(rounding.total), grades=tuple((g.name, g.min) for g in spec.grades),
    )  # fmt: skip


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


def _unit_values(cols: _Cols, name: str, starts: IntArray, stops: IntArray) -> tuple[Numbers | None, BoolArray]:
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


def _shape_codes(cols: _Cols) -> IntArray:
    """One integer per row for the text of its shape columns and which of its other cells are filled."""
    code = np.zeros(cols.n_rows, dtype=np.int64)
    for c in SHAPE:
        if c in cols.text:
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
        rows = UnitRows(unit=chunk.units[i], file=chunk.file, folder=folder, header=dict(chunk.column_numbers),
                        cells=cells, rows=[int(r) for r in chunk.rows[lo:hi]])  # fmt: skip
        return build(prepare(rows, bases), bases)

    return build_unit


def _text(v: Any) -> str:
    if isinstance(v, pa.Scalar):
        v = v.as_py()
    return "" if v is None else str(v)


def score_chunk(chunk: Chunk, build: Callable[[int], tuple[Spec, Actuals]] | None = None, *,
                folder: Path | None = None) -> ChunkResult:  # fmt: skip
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
    codes = _shape_codes(cols)
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
    unit_clean = np.logical_and.reduceat(row_clean, starts) if cols.n_rows else np.ones(n_units, dtype=bool)
    unit_clean &= sizes > 0
    base_ids: dict[int, int] = {}
    base_code = np.array([base_ids.setdefault(id(b), len(base_ids)) for b in chunk.bases], dtype=np.int64)
    inline = np.asarray(chunk.inline, dtype=bool)

    groups: list[_GroupOut] = []
    unscored: list[int] = []
    for k in np.unique(sizes).tolist():
        members = np.flatnonzero(sizes == k)
        if k == 0:
            unscored.extend(members.tolist())
            continue
        mat = codes[starts[members][:, None] + np.arange(k)[None, :]]
        key = np.concatenate([base_code[members][:, None], inline[members][:, None].astype(np.int64),
                              has_budget[members][:, None].astype(np.int64), mat], axis=1)  # fmt: skip
        for same in _equal_rows(key):
            units = members[same]
            units = units[~unit_bad[units]]
            if len(units) == 0:
                continue
            candidates = np.concatenate([units[unit_clean[units]], units[~unit_clean[units]]])
            out = _score_group(chunk, build, cols, units, candidates, starts, k, budget, spent,
                               bool(has_budget[units[0]]))  # fmt: skip
            done = out.units if out is not None else np.empty(0, dtype=np.int64)
            if out is not None:
                groups.append(out)
            unscored.extend(np.setdiff1d(units, done).tolist())
    unscored.extend(int(u) for u in np.flatnonzero(unit_bad))
    return _assemble(groups, sorted(set(unscored)))


# ---------------------------------------------------------------------------
# 4–5. one group


def _prototype(build: Callable[[int], Any], candidates: IntArray, signature: Callable[[int], Any],
               tries: int = 8) -> tuple[int, Spec] | None:
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

    # what must parse, per slot, is known once the plan is: first a cheap pre-check for the prototype
    numeric = [cols.text[c] for c in NUMERIC if c in cols.text]

    def signature(u: int) -> tuple[Any, ...]:
        lo = int(starts[u])
        return tuple(tuple(col.slice(lo, k).to_pylist()) for col in numeric)

    proto = _prototype(build, candidates, signature)
    if proto is None:
        return None
    u0, spec = proto
    ids = cols.text["indicator"].take(pa.array(rows[units == u0][0])).to_pylist() if "indicator" in cols.text else []
    order = {ident: j for j, ident in enumerate(ids)}
    try:
        plan = plan_of(spec, order, bool(chunk.inline[u0]), has_budget)
    except Unsupported:
        return None
    n = len(units)
    w_cols: list[tuple[IntArray, int, IntArray | None, str | None]] = []  # weight ints, scale, places, const text

    def col(name: str, j: int) -> tuple[Numbers, IntArray]:
        nums = cols.num[name]
        r = rows[:, j]
        return nums, r

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
    sp = scale_of("per", [s.per for s in plan.slots])
    sd = scale_of("deduct", [s.deduct for s in plan.slots])
    sa = cols.num["actual"].scale if "actual" in cols.num else 0
    if max(sw, st, sp, sd, sa) > MAX_PLACES:
        return None
    sc = K.Scales(weight=sw, target=st, actual=sa, per=sp, deduct=sd)

    def rescale(v: IntArray, have: int, want: int) -> IntArray:
        return v * (10 ** (want - have)) if want != have else v

    W = np.empty((n, k), dtype=np.int64)
    T = np.zeros((n, k), dtype=np.int64)
    A = np.zeros((n, k), dtype=np.int64)
    P = np.zeros((n, k), dtype=np.int64)
    D = np.zeros((n, k), dtype=np.int64)
    TIER = np.zeros((n, k), dtype=np.int64)
    has_tier = "tier" in cols.text
    for j, slot in enumerate(plan.slots):
        r = slot.row
        if slot.weight is None:
            W[:, j] = rescale(need("weight", r), cols.num["weight"].scale if "weight" in cols.num else 0, sw)
            w_cols.append((W[:, j], sw, cols.num["weight"].places[rows[:, r]] if "weight" in cols.num else None, None))
        else:
            W[:, j] = const(slot.weight, sw)
            w_cols.append((W[:, j], sw, None, str(slot.weight)))
        if slot.rule.kind == "tier":
            if not has_tier:
                return None
            row_codes, names = cols.codes("tier")
            lut = np.array([plan.tiers.get(x.strip() if isinstance(x, str) else x, -1) for x in names] or [-1],
                           dtype=np.int64)  # fmt: skip
            codes = lut[row_codes[rows[:, r]]]
            ok &= codes >= 0
            TIER[:, j] = np.maximum(codes, 0)
            if "actual" in cols.num:
                ok &= cols.num["actual"].empty[rows[:, r]]
            continue
        ok &= ~cols.nonempty("tier")[rows[:, r]]
        A[:, j] = need("actual", r)
        if slot.target is None:
            T[:, j] = rescale(need("target", r), cols.num["target"].scale if "target" in cols.num else 0, st)
        else:
            T[:, j] = const(slot.target, st)
        ok &= T[:, j] > 0
        if slot.rule.kind == "step":
            if slot.per is None:
                P[:, j] = rescale(need("per", r), cols.num["per"].scale if "per" in cols.num else 0, sp)
                D[:, j] = rescale(need("deduct", r), cols.num["deduct"].scale if "deduct" in cols.num else 0, sd)
            else:
                assert slot.deduct is not None
                P[:, j], D[:, j] = const(slot.per, sp), const(slot.deduct, sd)
            ok &= (P[:, j] > 0) & (D[:, j] > 0)
        elif slot.rule.kind == "per_occurrence":
            if slot.deduct is None:
                D[:, j] = rescale(need("deduct", r), cols.num["deduct"].scale if "deduct" in cols.num else 0, sd)
            else:
                D[:, j] = const(slot.deduct, sd)
            ok &= D[:, j] > 0
    ok &= (W > 0).all(axis=1)
    # rows already refused still flow through the arithmetic: keep their divisors non-zero
    T[T <= 0] = 1
    P[P <= 0] = 1

    bud = None
    if plan.budget is not None:
        assert budget is not None and spent is not None
        bud = (budget.value[units], spent.value[units], budget.ok[units] & spent.ok[units], budget.scale, spent.scale)
    got = compute(plan, sc, W, T, A, P, D, TIER, ok, bud)
    if got is None:
        return None
    S = [got.S[:, j] for j in range(k)]
    met_cols = [got.MET[:, j] for j in range(k)]
    return _format_group(chunk, cols, plan, units, rows, got.ok, S, met_cols, w_cols, sw, got.places, got.E,
                         got.raw, got.total, got.grade_idx, got.warn, got.b_score)  # fmt: skip


@attrs.frozen(eq=False)
class Computed:
    """A group's numbers: scores in quanta per slot, met flags, warnings, totals, grades and the units that check."""

    S: IntArray  # (n, k) scores, slot j in quanta of 10^-places[j]
    MET: BoolArray
    warn: IntArray
    raw: IntArray  # Σ of the scores (and the budget row) at 10^-E
    total: IntArray  # at 10^-plan.total_places
    grade_idx: IntArray  # index into plan.grades
    ok: BoolArray  # the units whose numbers pass what validation checks (the others go to the pure path)
    b_score: IntArray | None
    places: list[int]
    E: int


BLOCK_UNITS = 4096  # units per block: a block's temporaries stay in the CPU's caches


def _span(js: list[int]) -> slice | list[int]:
    """A slice when the slot indices are a contiguous run (a view, not a copy)."""
    return slice(js[0], js[-1] + 1) if js == list(range(js[0], js[-1] + 1)) else js


@attrs.frozen(eq=False)
class _Consts:
    """What :func:`compute` needs of a plan, worked out once per call (Python objects, not per unit)."""

    rules: tuple[tuple[K.Rule, slice | list[int]], ...]
    tier_table: K.TierTable
    strict: tuple[tuple[int, slice | list[int]], ...]  # (places, slots) whose weights must sit on the grid
    tier_grid: tuple[tuple[int, slice | list[int]], ...]  # (places, qualitative slots)
    warn_slots: slice | list[int] | None
    limit: tuple[int, int] | None  # overshoot_warning as num/den
    strict_boundary: slice | list[int] | None  # > and < slots
    mult: IntArray  # per slot: 10^(E − places), to sum scores at 10^-E
    declared: tuple[tuple[slice | list[int], int], ...]  # categories with a declared weight (scaled)
    top_total: int | None  # Σ 一级 weights (+ budget) must equal meta.total (scaled); None: cannot be compared
    grade_mins: IntArray  # ascending, at 10^-gp
    gp: int
    places: list[int]
    E: int


def _consts(plan: Plan, sc: K.Scales) -> _Consts:
    sw = sc.weight
    places = [s.rule.places for s in plan.slots]
    E = max(places + ([plan.budget[1]] if plan.budget else []) + [0])
    by_rule: dict[K.Rule, list[int]] = {}
    by_places: dict[int, list[int]] = {}
    for j, slot in enumerate(plan.slots):
        by_rule.setdefault(slot.rule, []).append(j)
        by_places.setdefault(slot.rule.places, []).append(j)
    strict = plan.spec.policy.weight_precision is WeightPrecision.ERROR
    tiers = [j for j, s in enumerate(plan.slots) if s.rule.kind == "tier"]
    warn = [j for j, s in enumerate(plan.slots) if s.rule.kind != "tier" and s.warn]
    boundary = [j for j, s in enumerate(plan.slots) if s.rule.kind != "tier" and s.rule.cmp in ("gt", "lt")]
    limit = plan.spec.policy.overshoot_warning
    tb = plan.tier_bounds or ((Fraction(0), Fraction(1), True),)
    total_w = plan.spec.meta.total
    top_total: int | None = int(total_w.scaleb(sw)) if _dec_places(total_w) <= sw else None
    if plan.budget is not None and top_total is not None:
        top_total = top_total - int(plan.budget[0].scaleb(sw)) if _dec_places(plan.budget[0]) <= sw else None
    tp = plan.total_places
    gp = max([tp] + [_dec_places(m) for _, m in plan.grades])
    return _Consts(
        rules=tuple((r, _span(js)) for r, js in by_rule.items()),
        tier_table=K.TierTable.of([(b[1].numerator, b[1].denominator, b[2], b[0].numerator, b[0].denominator)
                                   for b in tb]),  # fmt: skip
        strict=tuple((p, _span(js)) for p, js in by_places.items()) if strict else (),
        tier_grid=tuple((p, _span([j for j in tiers if places[j] == p])) for p in sorted({places[j] for j in tiers})),
        warn_slots=_span(warn) if warn and limit is not None else None,
        limit=(Fraction(limit).numerator, Fraction(limit).denominator) if limit is not None else None,
        strict_boundary=_span(boundary) if boundary else None,
        mult=np.array([10 ** (E - p) for p in places], dtype=np.int64),
        declared=tuple((_span(list(c.slots)), int(c.weight.scaleb(sw))) for c in plan.cats
                       if c.weight is not None and c.slots and _dec_places(c.weight) <= sw),  # fmt: skip
        top_total=top_total,
        grade_mins=np.array([int(m.scaleb(gp)) for _, m in reversed(plan.grades)], dtype=np.int64),
        gp=gp, places=places, E=E,
    )  # fmt: skip


def compute(plan: Plan, sc: K.Scales, W: IntArray, T: IntArray, A: IntArray, P: IntArray, D: IntArray,
            TIER: IntArray, ok: BoolArray, budget: tuple[IntArray, IntArray, BoolArray, int, int] | None = None,
            *, threads: int | None = None) -> Computed | None:  # fmt: skip
    """Score a group's units from scaled integer matrices (n units × k slots, in ``plan``'s slot order).

    ``W``, ``T``, ``A``, ``P``, ``D`` are weights, targets, actuals, step sizes
    and deductions at ``sc``'s scales; ``TIER`` holds tier indices (into
    ``plan.spec.tiers``) for qualitative slots; ``ok`` marks units whose cells
    parsed. ``budget`` is (budget, spent, parsed, budget scale, spent scale)
    per unit when the plan scores a 预算执行率 row. Returns ``None`` when the
    numbers could overflow int64 outside the kernel (the caller then uses the
    pure path).

    Units are scored in blocks of :data:`BLOCK_UNITS`, on ``threads`` threads
    (default: the machine's CPUs; NumPy releases the GIL inside its loops).
    """
    n, k = W.shape
    c = _consts(plan, sc)
    if c.top_total is None or (plan.budget is not None and _dec_places(plan.budget[0]) > sc.weight):
        return None
    maxima = (_amax(W), _amax(T), _amax(A), _amax(P), _amax(D))
    lim_den = c.limit[1] if c.limit else 1
    outside = maxima[0] * 10**MAX_PLACES * (k + 1) + maxima[2] * 10**sc.target * lim_den * 8 + maxima[1] * 10**sc.actual * 100
    if not K.fits_int64(outside):
        return None
    blocks = [(lo, min(n, lo + BLOCK_UNITS)) for lo in range(0, n, BLOCK_UNITS)] or [(0, 0)]

    def run(span: tuple[int, int]) -> Computed:
        lo, hi = span
        bud = None if budget is None else (budget[0][lo:hi], budget[1][lo:hi], budget[2][lo:hi], budget[3], budget[4])
        return _block(plan, c, sc, W[lo:hi], T[lo:hi], A[lo:hi], P[lo:hi], D[lo:hi], TIER[lo:hi], ok[lo:hi], bud, maxima)

    workers = min(threads or os.cpu_count() or 1, len(blocks))
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(run, blocks))
    else:
        parts = [run(b) for b in blocks]
    if len(parts) == 1:
        return parts[0]
    cat = np.concatenate
    b_scores = [p.b_score for p in parts]
    return Computed(S=cat([p.S for p in parts]), MET=cat([p.MET for p in parts]), warn=cat([p.warn for p in parts]),
                    raw=cat([p.raw for p in parts]), total=cat([p.total for p in parts]),
                    grade_idx=cat([p.grade_idx for p in parts]), ok=cat([p.ok for p in parts]),
                    b_score=None if b_scores[0] is None else cat(b_scores),  # type: ignore[arg-type]
                    places=c.places, E=c.E)  # fmt: skip


def _amax(x: IntArray) -> int:
    """The largest |x| (the matrices hold parsed non-negative numbers; a negative one is checked all the same)."""
    if not x.size:
        return 0
    hi, lo = int(x.max()), int(x.min())
    return max(hi, -lo)


def _block(plan: Plan, c: _Consts, sc: K.Scales, W: IntArray, T: IntArray, A: IntArray, P: IntArray, D: IntArray,
           TIER: IntArray, ok: BoolArray, budget: tuple[IntArray, IntArray, BoolArray, int, int] | None,
           maxima: tuple[int, int, int, int, int]) -> Computed:  # fmt: skip
    n, k = W.shape
    sw = sc.weight
    ok = ok.copy()
    # what validation checks of these numbers (a unit failing any goes to the pure path, which reports it)
    for places, js in c.strict:  # weights on the grid of their score precision
        if places < sw:
            ok &= ~(W[:, js] % 10 ** (sw - places)).any(axis=1)
    for places, js in c.tier_grid:  # every tier admits a score at the precision, for these weights
        ok &= _tier_grid_ok(W[:, js], sw, places, plan.tier_bounds).all(axis=1)
    for js, declared in c.declared:
        ok &= W[:, js].sum(axis=1) == declared
    ok &= W.sum(axis=1) == c.top_total
    # scores, one kernel call per rule over all the slots that share it
    Sq = np.empty((n, k), dtype=np.int64)
    MET = np.empty((n, k), dtype=bool)
    for rule, js in c.rules:
        if rule.kind == "tier":
            s, m = K.score(rule, sc, W[:, js], T[:, js], A[:, js], tiers=(TIER[:, js], c.tier_table), maxima=maxima)
        else:
            s, m = K.score(rule, sc, W[:, js], T[:, js], A[:, js], per=P[:, js], deduct=D[:, js], maxima=maxima)
        Sq[:, js] = s
        MET[:, js] = m
    # warnings: overshoot (actual ≥ limit × target, target > 0) and the strict boundary (> or < with actual = target)
    warn = np.zeros(n, dtype=np.int64)
    cs = max(sc.target, sc.actual)
    if c.warn_slots is not None and c.limit is not None:
        num, den = c.limit
        a_c = A[:, c.warn_slots] * (10 ** (cs - sc.actual) * den)
        t_c = T[:, c.warn_slots] * (10 ** (cs - sc.target) * num)
        warn += (a_c >= t_c).sum(axis=1)
    if c.strict_boundary is not None:
        js = c.strict_boundary
        same = A[:, js] * 10 ** (cs - sc.actual) == T[:, js] * 10 ** (cs - sc.target)
        pl = np.array(c.places)[js]
        full = Sq[:, js] * 10**sw == W[:, js] * (10 ** pl)[None, :]
        warn += (same & ~MET[:, js] & full).sum(axis=1)
    # the budget row
    b_score = None
    if plan.budget is not None:
        assert budget is not None
        bw, bp = plan.budget
        bsel, ssel, b_ok, b_scale, s_scale = budget
        ok &= b_ok & (bsel > 0)
        b_score, _ = K.budget_score(int(bw.scaleb(_dec_places(bw))), _dec_places(bw), bp,
                                    np.where(bsel > 0, bsel, 1), ssel, b_scale, s_scale)  # fmt: skip
    # the total: Σ scores (+ budget) at 10^-E, rounded once to rounding.total; the grade by its minimum
    E = c.E
    raw = Sq.sum(axis=1) if not (c.mult != 1).any() else (Sq * c.mult[None, :]).sum(axis=1)
    if b_score is not None and plan.budget is not None:
        raw = raw + b_score * 10 ** (E - plan.budget[1])
    tp = plan.total_places
    total = raw * 10 ** (tp - E) if tp >= E else K.half_up(raw, 10 ** (E - tp))
    at_gp = total * 10 ** (c.gp - tp) if c.gp > tp else total
    grade_idx = len(c.grade_mins) - np.searchsorted(c.grade_mins, at_gp, side="right")
    return Computed(S=Sq, MET=MET, warn=warn, raw=raw, total=total, grade_idx=grade_idx, ok=ok, b_score=b_score,
                    places=c.places, E=E)


def _dec_places(d: Decimal) -> int:
    exp = d.as_tuple().exponent
    assert isinstance(exp, int)
    return max(0, -exp)


def _tier_grid_ok(w: IntArray, sw: int, places: int, bounds: tuple[tuple[Fraction, Fraction, bool], ...]) -> BoolArray:
    """validate_spec's tier-precision rule, element-wise: every tier admits a score at the quantum for weight w."""
    ok = np.ones(w.shape, dtype=bool)
    e = 10**places
    modulus = 1  # fixed shares n/d: w·n·e/(d·10^sw) is an integer ⟺ w is a multiple of d·10^sw / gcd(n·e, d·10^sw)
    for lo, hi, inclusive in bounds:
        if lo == hi and inclusive:
            den = lo.denominator * 10**sw
            modulus = math.lcm(modulus, den // math.gcd(lo.numerator * e, den))
    if modulus > 1:
        ok &= w % modulus == 0
    for lo, hi, inclusive in bounds:
        if lo == hi and inclusive:
            continue
        # lo·w and hi·w in quanta: (n · w · e) / (d · 10^sw)
        lo_num, lo_den = w * lo.numerator * e, lo.denominator * 10**sw
        hi_num, hi_den = w * hi.numerator * e, hi.denominator * 10**sw
        first = -((-lo_num) // lo_den)  # smallest quantum ≥ lo·w
        ok &= (first * hi_den < hi_num) | ((first * hi_den == hi_num) & inclusive)
    return ok


@attrs.frozen(eq=False)
class _GroupOut:
    """A group's rows of the three output tables, column by column, unit-major; ``units`` are chunk indices."""

    units: IntArray
    unit_cols: dict[str, Any]
    ind_cols: dict[str, Any]
    cat_cols: dict[str, Any]
    k: int
    n_cats: int


def _format_group(chunk: Chunk, cols: _Cols, plan: Plan, units: IntArray, rows: IntArray, ok: BoolArray,
                  S: list[IntArray], met: list[BoolArray], w_cols: list[tuple[IntArray, int, IntArray | None, str | None]],
                  sw: int, places: list[int], E: int, raw: IntArray, total: IntArray, grade_idx: IntArray,
                  warn: IntArray, b_score: IntArray | None) -> _GroupOut | None:  # fmt: skip
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
        "unit": unit_ids, "status": const("ok", n), "total": fmt(total[sel], tp),
        "grade": pa.array([g for g, _ in plan.grades], type=pa.string()).take(pa.array(grade_idx[sel])),
        "total_weight": const(str(tw), n), "lost": lost_s, "warnings": pa.array(warn[sel].astype(np.int64)),
        **{c: (pa.nulls(n, pa.int64()) if c in ("error_row", "error_column") else none)
           for c in UNIT_COLUMNS if c.startswith("error")},
    }  # fmt: skip

    ind_text = cols.text["indicator"]
    id_cols, score_cols, lost_cols, weight_cols, cat_cols_, wplaces_cols = [], [], [], [], [], []
    for j, slot in enumerate(plan.slots):
        wv, wscale, wplaces, wconst = w_cols[j]
        p = places[j]
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
    met_cols = [pa.array(m[sel]) for m in met]
    kk = k
    if plan.budget is not None and b_score is not None:  # the 预算执行率 row follows the indicators (as the pure path writes it)
        bw, bp = plan.budget
        top = max(bp, _dec_places(bw))
        id_cols.append(const(BUDGET_ROW, n))
        cat_cols_.append(none)
        weight_cols.append(const(str(bw), n))
        score_cols.append(fmt(b_score[sel], bp))
        lost_cols.append(_fmt_signed(int(bw.scaleb(top)) - b_score[sel] * 10 ** (top - bp),
                                     np.full(n, top, dtype=np.int64), top))  # fmt: skip
        met_cols.append(pa.nulls(n, pa.bool_()))
        kk = k + 1
    ind_cols = {
        "unit": unit_ids.take(pa.array(np.repeat(np.arange(n), kk))),
        "indicator": interleave(id_cols), "category": interleave(cat_cols_), "weight": interleave(weight_cols),
        "score": interleave(score_cols), "lost": interleave(lost_cols), "met": interleave(met_cols),
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
        "category": interleave([const(c.id, n) for c in plan.cats]) if nc else pa.array([], pa.string()),
        "name": interleave([const(c.name, n) for c in plan.cats]) if nc else pa.array([], pa.string()),
        "level": interleave([const(c.level, n, pa.int64()) for c in plan.cats]) if nc else pa.array([], pa.int64()),
        "weight": interleave(c_w) if nc else pa.array([], pa.string()),
        "score": interleave(c_s) if nc else pa.array([], pa.string()),
    }
    return _GroupOut(units=units[sel], unit_cols=unit_cols, ind_cols=ind_cols, cat_cols=cat_cols, k=kk, n_cats=nc)


def _fmt_signed(diff: IntArray, places: IntArray, scale: int) -> pa.Array:
    """Decimal text of a possibly negative difference at per-element places (diff is at ``scale``)."""
    neg = diff < 0
    mag = fmt_places(np.abs(diff), places, scale)
    if neg.any():
        mag = pc.if_else(pa.array(neg), pc.binary_join_element_wise("-", mag, ""), mag)
    return mag


def _assemble(groups: list[_GroupOut], unscored: list[int]) -> ChunkResult:
    """The groups' rows in chunk unit order (a stable sort by unit keeps each unit's rows in order)."""
    if not groups:
        return ChunkResult(units={c: [] for c in UNIT_COLUMNS}, indicators={c: [] for c in INDICATOR_COLUMNS},
                           categories={c: [] for c in CATEGORY_COLUMNS}, unscored=tuple(unscored))  # fmt: skip

    def table(names: tuple[str, ...], part: str, per_unit: Callable[[_GroupOut], int]) -> dict[str, Any]:
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
    )
