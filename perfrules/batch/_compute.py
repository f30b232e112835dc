"""A group's numbers, scored: checks, scores, met flags, warnings, totals and grades from scaled
integer matrices.

:func:`compute` is the vectorised path's arithmetic; it runs over blocks of
units on all CPUs and calls :mod:`perfrules.batch._kernel` once per rule.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from perfrules.batch import _kernel as K
from perfrules.batch._cells import MAX_PLACES, _dec_places
from perfrules.batch._plan import Plan
from perfrules.model import WeightPrecision

IntArray = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]


@attrs.frozen(eq=False)
class Computed:
    """A group's numbers: scores in quanta per slot, met flags, warnings, totals, grades and the
    units that check."""

    S: IntArray  # (n, k) scores, slot j in quanta of 10^-places[j]
    MET: BoolArray
    warn: IntArray
    raw: IntArray  # Σ of the scores (and the budget row) at 10^-E
    total: IntArray  # at 10^-plan.total_places
    grade_idx: IntArray  # index into plan.grades
    # the units whose numbers pass what validation checks (the others go to the pure path)
    ok: BoolArray
    b_score: IntArray | None
    places: list[int]
    E: int


BLOCK_UNITS = 4096  # units per block: a block's temporaries stay in the CPU's caches


def _span(js: list[int]) -> slice | list[int]:
    """A slice when the slot indices are a contiguous run (a view, not a copy)."""
    return slice(js[0], js[-1] + 1) if js == list(range(js[0], js[-1] + 1)) else js


def _runs(js: list[int]) -> tuple[slice, ...]:
    """Sorted slot indices as runs of consecutive slots (slices: views, not copies)."""
    runs: list[slice] = []
    for j in js:
        if runs and runs[-1].stop == j:
            runs[-1] = slice(runs[-1].start, j + 1)
        else:
            runs.append(slice(j, j + 1))
    return tuple(runs)


@attrs.frozen(eq=False)
class _Consts:
    """What :func:`compute` needs of a plan, worked out once per call (Python objects, not per
    unit)."""

    rules: tuple[tuple[K.Rule, slice | list[int]], ...]
    tier_table: K.TierTable
    strict: tuple[
        tuple[int, slice | list[int]], ...
    ]  # (places, slots) whose weights must sit on the grid
    tier_grid: tuple[tuple[_TierGrid, slice | list[int]], ...]  # (the rule, qualitative slots)
    warn_slots: tuple[int, ...]  # the slots overshoot warnings apply to (none without a limit)
    limit: tuple[int, int] | None  # overshoot_warning as num/den
    strict_boundary: slice | list[int] | None  # > and < slots
    extra: tuple[tuple[int, slice | list[int]], ...]  # (10^(E − places) − 1, slots) for places < E
    declared: tuple[
        tuple[slice | list[int], int], ...
    ]  # categories with a declared weight (scaled)
    top_total: (
        int | None
    )  # Σ 一级 weights (+ budget) must equal meta.total (scaled); None: cannot be compared
    grade_mins: IntArray  # ascending, at 10^-gp
    gp: int
    places: list[int]
    E: int
    # the slots each input matrix is read at, as runs (W, T, A, P, D, TIER): a block copies and
    # bounds only these columns
    reads: tuple[tuple[slice, ...], ...]
    warn_runs: tuple[slice, ...]  # warn_slots as runs


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
    tiers = [j for j, s in enumerate(plan.slots) if s.rule.kernel.tiers]
    warn = [j for j, s in enumerate(plan.slots) if not s.rule.kernel.tiers and s.warn]
    boundary = [
        j
        for j, s in enumerate(plan.slots)
        if not s.rule.kernel.tiers and s.rule.cmp in ("gt", "lt")
    ]
    limit = plan.spec.policy.overshoot_warning
    tb = plan.tier_bounds or ((Fraction(0), Fraction(1), True),)
    total_w = plan.spec.meta.total
    top_total: int | None = int(total_w.scaleb(sw)) if _dec_places(total_w) <= sw else None
    if plan.budget is not None and top_total is not None:
        top_total = (
            top_total - int(plan.budget[0].scaleb(sw))
            if _dec_places(plan.budget[0]) <= sw
            else None
        )
    tp = plan.total_places
    gp = max([tp] + [_dec_places(m) for _, m in plan.grades])
    numbers = [j for j, s in enumerate(plan.slots) if not s.rule.kernel.tiers]
    reads = (
        _runs(list(range(len(plan.slots)))),
        _runs(numbers),
        _runs(numbers),
        *(
            _runs([j for j, s in enumerate(plan.slots) if name in s.rule.kernel.params])
            for name in K.PARAMS  # the P and D matrices, in this order
        ),
        _runs(tiers),
    )
    return _Consts(
        rules=tuple((r, _span(js)) for r, js in by_rule.items()),
        tier_table=K.TierTable.of(
            [(b[1].numerator, b[1].denominator, b[2], b[0].numerator, b[0].denominator) for b in tb]
        ),
        strict=tuple((p, _span(js)) for p, js in by_places.items()) if strict else (),
        tier_grid=tuple(
            (_TierGrid.of(sw, p, plan.tier_bounds), _span([j for j in tiers if places[j] == p]))
            for p in sorted({places[j] for j in tiers})
        ),
        warn_slots=tuple(warn) if limit is not None else (),
        limit=(Fraction(limit).numerator, Fraction(limit).denominator)
        if limit is not None
        else None,
        strict_boundary=_span(boundary) if boundary else None,
        extra=tuple((10 ** (E - p) - 1, _span(js)) for p, js in by_places.items() if p < E),
        declared=tuple(
            (_span(list(c.slots)), int(c.weight.scaleb(sw)))
            for c in plan.cats
            if c.weight is not None and c.slots and _dec_places(c.weight) <= sw
        ),
        top_total=top_total,
        grade_mins=np.array([int(m.scaleb(gp)) for _, m in reversed(plan.grades)], dtype=np.int64),
        gp=gp,
        places=places,
        E=E,
        reads=reads,
        warn_runs=_runs(warn) if limit is not None else (),
    )


def compute(
    plan: Plan,
    sc: K.Scales,
    W: IntArray,
    T: IntArray,
    A: IntArray,
    P: IntArray,
    D: IntArray,
    TIER: IntArray,
    ok: BoolArray,
    budget: tuple[IntArray, IntArray, BoolArray, int, int] | None = None,
    *,
    threads: int | None = None,
) -> Computed | None:
    """Score a group's units from scaled integer matrices (n units × k slots, in ``plan``'s slot
    order).

    ``W``, ``T``, ``A``, ``P``, ``D`` are weights, targets, actuals, step sizes
    and deductions at ``sc``'s scales; ``TIER`` holds tier indices (into
    ``plan.spec.tiers``) for qualitative slots; ``ok`` marks units whose cells
    parsed. ``budget`` is (budget, spent, parsed, budget scale, spent scale)
    per unit when the plan scores a 预算执行率 row. Returns ``None`` when the
    numbers could overflow int64 outside the kernel (the caller then uses the
    pure path).

    Units are scored in blocks of :data:`BLOCK_UNITS`, on ``threads`` threads
    (default: the machine's CPUs; NumPy releases the GIL inside its loops). Each
    block writes its rows of the results (allocated once, ``S`` and ``MET`` in
    Fortran order: a slot's scores are a contiguous column).
    """
    n, k = W.shape
    c = _consts(plan, sc)
    if c.top_total is None or (plan.budget is not None and _dec_places(plan.budget[0]) > sc.weight):
        return None
    lim_den = c.limit[1] if c.limit else 1
    blocks = [(lo, min(n, lo + BLOCK_UNITS)) for lo in range(0, n, BLOCK_UNITS)] or [(0, 0)]
    out = Computed(
        S=np.empty((n, k), dtype=np.int64, order="F"),
        MET=np.empty((n, k), dtype=bool, order="F"),
        warn=np.empty(n, dtype=np.int64),
        raw=np.empty(n, dtype=np.int64),
        total=np.empty(n, dtype=np.int64),
        grade_idx=np.empty(n, dtype=np.int64),
        ok=np.empty(n, dtype=bool),
        b_score=np.empty(n, dtype=np.int64) if plan.budget is not None else None,
        places=c.places,
        E=c.E,
    )

    def run(span: tuple[int, int]) -> bool:
        lo, hi = span
        bud = (
            None
            if budget is None
            else (budget[0][lo:hi], budget[1][lo:hi], budget[2][lo:hi], budget[3], budget[4])
        )
        # Each block with its slots' columns contiguous (Fortran order): a rule's slots are then
        # columns of the block, and every operation below runs over whole columns (C-ordered
        # slices would give NumPy inner loops as short as the rule's number of slots). Fortran-
        # ordered input is read in place; C-ordered input is copied, only the slots it is read at.
        w, t, a, p, d, tier = (
            _columns(x, lo, hi, runs)
            for x, runs in zip((W, T, A, P, D, TIER), c.reads, strict=True)
        )
        # The bounds, per block while its numbers are in the CPU's caches: the int64 path is taken
        # for a block only when every intermediate provably fits (monotone in the maxima, so a
        # block fits whenever the whole would).
        maxima = (
            _amax(w, c.reads[0]),
            _amax(t, c.reads[1]),
            _amax(a, c.reads[2]),
            _amax(p, c.reads[3]),
            _amax(d, c.reads[4]),
        )
        outside = (
            maxima[0] * 10**MAX_PLACES * (k + 1)
            + maxima[2] * 10**sc.target * lim_den * 8
            + maxima[1] * 10**sc.actual * 100
        )
        if not K.fits_int64(outside):
            return False
        _block(plan, c, sc, w, t, a, p, d, tier, ok[lo:hi], bud, maxima, out, lo, hi)
        return True

    workers = min(threads or os.cpu_count() or 1, len(blocks))
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            fits = list(pool.map(run, blocks))
    else:
        fits = [run(b) for b in blocks]
    if not all(fits):
        return (
            None  # a bound could overflow int64 outside the kernel: the caller uses the pure path
        )
    return out


def _columns(x: IntArray, lo: int, hi: int, runs: tuple[slice, ...]) -> IntArray:
    """Rows ``lo:hi`` of ``x`` with contiguous columns: a view when they are (Fortran order), else a
    copy of the columns in ``runs`` (the others are left unset: nothing reads them)."""
    rows = x[lo:hi]
    if rows.strides[0] == rows.itemsize or not runs:
        return rows
    block = np.empty(rows.shape, dtype=rows.dtype, order="F")
    for js in runs:
        block[:, js] = rows[:, js]
    return block


def _amax(x: IntArray, runs: tuple[slice, ...]) -> int:
    """The largest |x| in the columns ``runs`` (the matrices hold parsed non-negative numbers; a
    negative one is checked all the same)."""
    most = 0
    for js in runs:
        part = x[:, js]
        if part.size:
            most = max(most, int(part.max()), -int(part.min()))
    return most


def _tally(hits: list[BoolArray], n: int) -> IntArray:
    """How many flags hold in each of ``n`` rows: ``hits`` are n × r boolean matrices (columns
    contiguous), their rows added up as bytes, 255 columns at a time (one reduction per matrix, no
    cast per flag)."""
    total = np.zeros(n, dtype=np.int64)
    for h in hits:
        as_bytes = h.view(np.uint8)
        for lo in range(0, as_bytes.shape[1], 255):
            total += np.add.reduce(as_bytes[:, lo : lo + 255], axis=1, dtype=np.uint8)
    return total


def _block(
    plan: Plan,
    c: _Consts,
    sc: K.Scales,
    W: IntArray,
    T: IntArray,
    A: IntArray,
    P: IntArray,
    D: IntArray,
    TIER: IntArray,
    ok_in: BoolArray,
    budget: tuple[IntArray, IntArray, BoolArray, int, int] | None,
    maxima: tuple[int, int, int, int, int],
    out: Computed,
    lo: int,
    hi: int,
) -> None:
    """Units ``lo:hi`` scored into their rows of ``out``."""
    n, k = W.shape
    sw = sc.weight
    ok = out.ok[lo:hi]
    ok[:] = ok_in
    # what validation checks of these numbers (a unit failing any goes to the pure path, which
    # reports it)
    for places, js in c.strict:  # weights on the grid of their score precision
        if places < sw:
            q = 10 ** (sw - places)
            ok &= ((W[:, js] // q) * q == W[:, js]).all(axis=1)  # floor division by a number: fast
    for grid, js in c.tier_grid:  # every tier admits a score at the precision, for these weights
        grid.check(W[:, js], ok)
    for js, declared in c.declared:
        ok &= W[:, js].sum(axis=1) == declared
    ok &= W.sum(axis=1) == c.top_total
    # scores, one kernel call per rule over all the slots that share it
    Sq = out.S[lo:hi]
    MET = out.MET[lo:hi]
    for rule, js in c.rules:
        kernel = rule.kernel
        if kernel.tiers:  # the tier kernel reads no targets or actuals (nor their unset columns)
            s, m = K.score(
                rule,
                sc,
                W[:, js],
                T[:, js],
                A[:, js],
                tiers=(TIER[:, js], c.tier_table),
                maxima=maxima,
            )
        else:
            s, m = K.score(
                rule,
                sc,
                W[:, js],
                T[:, js],
                A[:, js],
                per=P[:, js] if "per" in kernel.params else None,
                deduct=D[:, js] if "deduct" in kernel.params else None,
                maxima=maxima,
            )
        Sq[:, js] = s
        MET[:, js] = m
    # warnings: overshoot (actual ≥ limit × target, target > 0) and the strict boundary (> or < with
    # actual = target), counted per unit
    flags: list[BoolArray] = []  # n × r matrices of warnings
    cs = max(sc.target, sc.actual)
    if c.warn_runs and c.limit is not None:
        num, den = c.limit
        fa, ft = 10 ** (cs - sc.actual) * den, 10 ** (cs - sc.target) * num
        for js in c.warn_runs:  # a run of slots at a time: whole columns, no gathered copies
            a_js, t_js = A[:, js], T[:, js]
            flags.append((a_js * fa if fa != 1 else a_js) >= (t_js * ft if ft != 1 else t_js))
    if c.strict_boundary is not None:
        js = c.strict_boundary
        same = A[:, js] * 10 ** (cs - sc.actual) == T[:, js] * 10 ** (cs - sc.target)
        pl = np.array(c.places)[js]
        # a met row's score: the weight rounded half-up to the row's places (the weight itself
        # unless policy.weight_precision = "allow" puts it off its grid), at the score's scale
        shift = sw - pl
        down = (10 ** np.maximum(shift, 0)).astype(np.int64)[None, :]
        up = (10 ** np.maximum(-shift, 0)).astype(np.int64)[None, :]
        full = Sq[:, js] == ((W[:, js] + down // 2) // down) * up
        flags.append(same & ~MET[:, js] & full)
    out.warn[lo:hi] = _tally(flags, n)
    # the budget row
    b_score = None
    if plan.budget is not None:
        assert budget is not None and out.b_score is not None
        bw, bp = plan.budget
        bsel, ssel, b_ok, b_scale, s_scale = budget
        ok &= b_ok & (bsel > 0)
        b_score, _ = K.budget_score(
            int(bw.scaleb(_dec_places(bw))),
            _dec_places(bw),
            bp,
            np.where(bsel > 0, bsel, 1),
            ssel,
            b_scale,
            s_scale,
        )
        out.b_score[lo:hi] = b_score
    # the total: Σ scores (+ budget) at 10^-E, rounded once to rounding.total; the grade by its
    # minimum
    E = c.E
    raw = out.raw[lo:hi]
    np.sum(Sq, axis=1, out=raw)
    for less_one, js in c.extra:  # Σ s·10^(E − places) = Σ s + Σ s·(10^(E − places) − 1)
        raw += Sq[:, js].sum(axis=1) * less_one
    if b_score is not None and plan.budget is not None:
        raw += b_score * 10 ** (E - plan.budget[1])
    tp = plan.total_places
    total = out.total[lo:hi]
    total[:] = (
        raw * 10 ** (tp - E) if tp > E else raw if tp == E else K.half_up(raw, 10 ** (E - tp))
    )
    at_gp = total * 10 ** (c.gp - tp) if c.gp > tp else total
    out.grade_idx[lo:hi] = len(c.grade_mins) - np.searchsorted(c.grade_mins, at_gp, side="right")


@attrs.frozen
class _TierGrid:
    """validate_spec's tier-precision rule for weights at scale ``sw`` and scores at 10^-places:
    every tier admits a score at the quantum, worked out once per plan (numbers, not Fractions)."""

    modulus: int  # the fixed shares n/d: w·n·e/(d·10^sw) is an integer ⟺ modulus divides w
    ranges: tuple[tuple[int, int, int, int, bool], ...]  # lo·e, lo's den·10^sw, hi·e, …, inclusive

    @classmethod
    def of(
        cls, sw: int, places: int, bounds: tuple[tuple[Fraction, Fraction, bool], ...]
    ) -> _TierGrid:
        e = 10**places
        modulus = 1
        ranges = []
        for lo, hi, inclusive in bounds:
            if lo == hi and inclusive:
                den = lo.denominator * 10**sw
                modulus = math.lcm(modulus, den // math.gcd(lo.numerator * e, den))
            else:
                ranges.append(
                    (
                        lo.numerator * e,
                        lo.denominator * 10**sw,
                        hi.numerator * e,
                        hi.denominator * 10**sw,
                        inclusive,
                    )
                )
        return cls(modulus=modulus, ranges=tuple(ranges))

    def check(self, w: IntArray, ok: BoolArray) -> None:
        """``ok`` &= every tier admits a score for each unit's weights ``w`` (n × r)."""
        good: BoolArray | None = None
        m = self.modulus
        if m > 1:
            good = (w // m) * m == w  # w % m == 0, by a division NumPy does fast
        for lo_n, lo_d, hi_n, hi_d, inclusive in self.ranges:
            # lo·w and hi·w in quanta: (n · w · e) / (d · 10^sw)
            lo_num, hi_num = w * lo_n, w * hi_n
            first = -((-lo_num) // lo_d)  # smallest quantum ≥ lo·w
            fits = (first * hi_d < hi_num) | ((first * hi_d == hi_num) & inclusive)
            good = fits if good is None else good & fits
        if good is not None:
            ok &= good.all(axis=1)
