"""The exact vectorised scoring kernel: NumPy integer arithmetic, no floats.

Every number arrives as a scaled integer array: a value ``x`` with scale
``s`` is the integer ``x × 10^s``. A score is returned in quanta of its
slot's score precision (``10^-e``): the integer ``round_half_up(raw × 10^e)``.
Each formula is the core's own (perfrules.core._scoring) written over
integers: the exact raw score is a quotient ``num / den`` of integers, clamped
to ``[0, weight]`` and rounded once, half-up, as ``(2·num + den) // (2·den)``
(for ``num, den ≥ 0``) — ``w·a/t`` is formed before the single rounding,
never ``w·round(a/t)``.

Arrays are ``int64`` when every product provably fits (the caller checks the
bound with Python integers, see :func:`fits_int64`) and ``object`` arrays of
Python integers otherwise: the same code, the same exact results, slower.

The kernel supports the domain the batch path sends it: targets > 0,
actuals ≥ 0, positive weights and step parameters. Everything else goes to
the per-unit evaluator, which handles every case (and reports bad input).
"""

from __future__ import annotations

from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[Any]  # int64, or object (Python ints) when a bound could overflow int64
BoolArray = npt.NDArray[np.bool_]

Kind = Literal["ratio", "inverse", "linear", "equal_full", "equal_inverse", "step", "rate", "per_occurrence", "tier"]
Cmp = Literal["ge", "gt", "le", "lt", "eq"]
Partial = Literal["floor", "ceil", "proportional"]

INT64_SAFE = 2**62  # every intermediate stays below this in absolute value on the int64 path


@attrs.frozen(kw_only=True)
class Scales:
    """Decimal places of each numeric column: value = integer / 10^scale."""

    weight: int
    target: int
    actual: int
    per: int = 0
    deduct: int = 0


@attrs.frozen(eq=False)
class TierTable:
    """The spec's tiers as arrays (one entry per tier): the top and bottom shares as fractions, and inclusiveness."""

    hi_num: IntArray
    hi_den: IntArray
    inclusive: BoolArray
    lo_num: IntArray
    lo_den: IntArray
    met: BoolArray  # the tier means the target is met: an inclusive top at 100 %
    all_inclusive: bool

    @classmethod
    def of(cls, bounds: list[tuple[int, int, bool, int, int]]) -> TierTable:
        """From (top num, top den, inclusive, bottom num, bottom den) per tier."""
        hn = np.array([b[0] for b in bounds], dtype=np.int64)
        hd = np.array([b[1] for b in bounds], dtype=np.int64)
        inc = np.array([b[2] for b in bounds], dtype=bool)
        return cls(hi_num=hn, hi_den=hd, inclusive=inc, lo_num=np.array([b[3] for b in bounds], dtype=np.int64),
                   lo_den=np.array([b[4] for b in bounds], dtype=np.int64), met=inc & (hn == hd),
                   all_inclusive=bool(inc.all()))  # fmt: skip


@attrs.frozen(kw_only=True)
class Rule:
    """What the core does for one kind of slot (all slots of a rule group share it)."""

    kind: Kind
    cmp: Cmp
    places: int  # the score quantum is 10^-places
    percent: bool = False  # rate: the actual is a % (÷ 100)
    partial: Partial = "floor"  # step


def p10(n: int) -> int:
    """10^n for n ≥ 0."""
    return int(10**n)


def half_up(num: IntArray, den: IntArray | int) -> IntArray:
    """round(num / den) half-up, for num ≥ 0 and den > 0 (exact integer floor division)."""
    return (2 * num + den) // (2 * den)


def fits_int64(*bounds: int) -> bool:
    """Whether every given bound on an intermediate stays inside the int64-safe range."""
    return all(abs(b) < INT64_SAFE for b in bounds)


def _mx(x: IntArray | None) -> int:
    return int(abs(x).max(initial=0)) if x is not None and x.size else 0


def bound(rule: Rule, sc: Scales, w: IntArray, t: IntArray, a: IntArray, per: IntArray | None,
          deduct: IntArray | None, tier_hi: TierTable | None,
          maxima: tuple[int, int, int, int, int] | None = None) -> int:  # fmt: skip
    """An upper bound on every intermediate :func:`score` forms for ``rule`` on these inputs (Python ints).

    It follows the formulas term by term (each product, each numerator and
    denominator after its power of ten), times 8 for the ``2·num + den`` of
    the rounding and the comparisons.
    """
    W, T, A, PER, D = maxima if maxima is not None else (_mx(w), _mx(t), _mx(a), _mx(per), _mx(deduct))
    W, T, A, PER, D = W + 1, T + 1, A + 1, PER + 1, D + 1
    pl, sw, st, sa = rule.places, sc.weight, sc.target, sc.actual

    def up(x: int) -> int:
        return p10(max(x, 0))

    c = max(st, sa)
    tc, ac = T * p10(c - st), A * p10(c - sa)
    terms = [W * up(pl - sw), tc, ac]
    kind = rule.kind
    if kind == "tier":
        assert tier_hi is not None
        h = max(int(tier_hi.hi_num.max()), int(tier_hi.hi_den.max()), int(tier_hi.lo_num.max()),
                int(tier_hi.lo_den.max()), 1) + 1  # fmt: skip
        terms += [W * h * up(pl - sw) * h, h * up(sw - pl) * W * h]
    elif kind in ("ratio", "equal_full", "equal_inverse", "inverse"):
        x, y = st + pl - sw - sa, sa + pl - sw - st
        terms += [W * A * up(x), T * up(-x), W * T * up(y), A * up(-y)]
    elif kind == "linear":
        terms += [W * (2 * tc + ac) * up(pl - sw), tc * up(sw - pl)]
    elif kind == "step":
        y = sc.per - c
        dn, dd = (tc + ac) * up(y), PER * up(-y)
        m = max(sw, sc.deduct)
        num = W * p10(m - sw) * dd + dn * D * p10(m - sc.deduct)
        terms += [dn, dd, num * up(pl - m), dd * up(m - pl), W * dd * up(m - sw)]
    elif kind == "rate":
        m = sw + sa + (2 if rule.percent else 0)
        terms += [W * A * up(pl - m), up(m - pl), W * p10(m - sw) * up(sw - m)]
    else:  # per_occurrence
        m = max(sw, sa + sc.deduct)
        num = W * p10(m - sw) + A * D * p10(m - sa - sc.deduct)
        terms += [num * up(pl - m), up(m - pl)]
    return 8 * max(terms)


def met_mask(cmp: Cmp, a_t: IntArray, t_a: IntArray) -> BoolArray:
    """Whether actual ``cmp`` target holds; ``a_t``, ``t_a`` are actual and target at a common scale."""
    if cmp == "ge":
        return np.asarray(a_t >= t_a)
    if cmp == "gt":
        return np.asarray(a_t > t_a)
    if cmp == "le":
        return np.asarray(a_t <= t_a)
    if cmp == "lt":
        return np.asarray(a_t < t_a)
    return np.asarray(a_t == t_a)


def _scaled(x: IntArray, exp: int) -> IntArray:
    """x · 10^exp for exp ≥ 0 (no pass over the array when exp is 0)."""
    return x if exp == 0 else x * p10(exp)


def _ratio(num: IntArray, den: IntArray | int, exp: int) -> IntArray:
    """round_half_up(num / den × 10^exp) for num ≥ 0, den > 0: the exponent goes to whichever side keeps it exact."""
    if exp >= 0:
        if isinstance(den, int) and den == 1:
            return _scaled(num, exp)  # an integer already: nothing to round
        return half_up(_scaled(num, exp), den)
    return half_up(num, den * p10(-exp) if isinstance(den, int) else den * p10(-exp))


def score(
    rule: Rule,
    sc: Scales,
    w: IntArray,
    t: IntArray,
    a: IntArray,
    per: IntArray | None = None,
    deduct: IntArray | None = None,
    tiers: tuple[IntArray, TierTable] | None = None,
    *,
    maxima: tuple[int, int, int, int, int] | None = None,
) -> tuple[IntArray, BoolArray]:
    """Scores (in quanta of 10^-places) and the met flags of one rule group.

    ``w``, ``t``, ``a`` (and ``per``, ``deduct``) are same-shaped scaled
    integer arrays. For ``tier``: ``tiers = (index, table)`` gives each
    element's tier (an index into the table of tier bounds; ``t`` and ``a``
    are then ignored). ``maxima`` (of |w|, |t|,
    |a|, |per|, |deduct|) spares the overflow check its passes over the arrays
    when the caller knows them.

    Each formula is written with its powers of ten collected into one
    exponent, so that no array is multiplied by 1: raw = w·a/t at the score
    precision is ``W·A·10^(st + places − sw − sa) / T`` in scaled integers.
    """
    if w.dtype != object and not fits_int64(bound(rule, sc, w, t, a, per, deduct, tiers[1] if tiers else None, maxima)):
        w, t, a = w.astype(object), t.astype(object), a.astype(object)
        per = per.astype(object) if per is not None else None
        deduct = deduct.astype(object) if deduct is not None else None
    pl, sw = rule.places, sc.weight
    full = _ratio(w, 1, pl - sw)  # the weight at the score precision (a raw score clamped to the weight)
    kind = rule.kind
    if kind == "tier":
        # tier_top (core._scoring): w·max when the top is inclusive, else the largest
        # quantum strictly below w·max, but never below w·min; then rounded half-up.
        assert tiers is not None
        idx, table = tiers
        met = table.met[idx]
        hn, hd = table.hi_num[idx], table.hi_den[idx]
        x = _scaled(w * hn, max(pl - sw, 0))  # w·max in quanta = x / den
        den = _scaled(hd, max(sw - pl, 0))
        top_incl = half_up(x, den)
        if table.all_inclusive:
            return top_incl, met
        inclusive = table.inclusive[idx]
        top_excl = -((-x) // den) - 1
        lo_num = _scaled(w * table.lo_num[idx], max(pl - sw, 0))
        lo_den = _scaled(table.lo_den[idx], max(sw - pl, 0))
        top_excl = np.where(top_excl * lo_den < lo_num, half_up(lo_num, lo_den), top_excl)
        return np.where(inclusive, top_incl, top_excl), met
    st, sa = sc.target, sc.actual
    c = max(st, sa)  # actual and target at the common scale 10^c
    a_c, t_c = _scaled(a, c - sa), _scaled(t, c - st)
    met = met_mask(rule.cmp, a_c, t_c)
    if kind in ("ratio", "equal_full", "equal_inverse"):
        # unmet below the target: w·a/t (0 ≤ raw < w); > with a == t: w·a/t = w
        below = ~met if rule.cmp == "ge" else np.asarray(a_c < t_c)
        s = np.where(below, _ratio(w * a, t, st + pl - sw - sa), full)
        if kind == "equal_inverse":  # above an exact target: w·t/a (0 < raw < w)
            above = np.asarray(a_c > t_c)
            s = np.where(above, _ratio(w * t, np.where(above, a, 1), sa + pl - sw - st), s)
            return s, met
        if kind == "equal_full":  # above an exact target counts as met (policy.equal_above = full)
            return s, met | (a_c > t_c)
        return s, met
    if kind == "inverse":  # unmet (a > t, or a = t under <): w·t/a, 0 < raw ≤ w
        un = ~met
        return np.where(un, _ratio(w * t, np.where(un, a, 1), sa + pl - sw - st), full), met
    if kind == "linear":  # unmet: (2t − a)/t · w, below 0 from twice the target
        un = ~met
        num = np.maximum(w * (2 * t_c - a_c), 0)  # at scale sw + c
        return np.where(un, _ratio(num, _scaled(t, c - st), pl - sw), full), met
    if kind == "step":
        assert per is not None and deduct is not None
        sp, sd = sc.per, sc.deduct
        if rule.cmp in ("ge", "gt"):
            dist = np.maximum(t_c - a_c, 0)
        elif rule.cmp in ("le", "lt"):
            dist = np.maximum(a_c - t_c, 0)
        else:
            dist = np.abs(a_c - t_c)
        # steps = dist/10^c ÷ per/10^sp = dn / dd
        y = sp - c
        dn, dd = (_scaled(dist, y), per) if y >= 0 else (dist, per * p10(-y))
        m = max(sw, sd)  # the raw score w − steps·deduct at scale 10^m
        if rule.partial == "proportional":
            num = _scaled(w, m - sw) * dd - dn * _scaled(deduct, m - sd)  # at scale m, over dd
            return _clamped(np.maximum(num, 0), dd, m, pl, w, sw, full, high=False), met
        n = dn // dd if rule.partial == "floor" else -((-dn) // dd)
        num = _scaled(w, m - sw) - n * _scaled(deduct, m - sd)
        return _clamped(np.maximum(num, 0), 1, m, pl, w, sw, full, high=False), met
    if kind == "rate":  # share × w, capped at the weight
        return _clamped(w * a, 1, sw + sa + (2 if rule.percent else 0), pl, w, sw, full, high=True), met
    if kind == "per_occurrence":  # w − a·deduct, floored at 0
        assert deduct is not None
        sd = sc.deduct
        m = max(sw, sa + sd)
        num = np.maximum(_scaled(w, m - sw) - _scaled(a * deduct, m - sa - sd), 0)
        return _clamped(num, 1, m, pl, w, sw, full, high=False), np.asarray(a == 0)
    raise ValueError(f"unknown kind {kind!r}")  # pragma: no cover


def _clamped(num: IntArray, den: IntArray | int, m: int, pl: int, w: IntArray, sw: int, full: IntArray, *,
             high: bool) -> IntArray:  # fmt: skip
    """The raw score ``num/den`` at scale 10^m (num ≥ 0), at the score precision 10^-pl, half-up.

    With ``high``, a raw score above the weight ``w/10^sw`` gives ``full`` (the
    weight at the score precision), decided on integers:
    num/den/10^m > w/10^sw ⟺ num·10^sw > w·den·10^m.
    """
    s = _ratio(num, den, pl - m)
    if high:
        lhs, rhs = (num, w * den * p10(m - sw)) if m >= sw else (num * p10(sw - m), w * den)
        s = np.where(lhs > rhs, full, s)
    return s


def budget_score(
    w: int, w_scale: int, places: int, budget: IntArray, spent: IntArray, b_scale: int, s_scale: int
) -> tuple[IntArray, BoolArray]:
    """预算执行率 rows: min(spent / budget, 1) × weight, half-up at 10^-places; met = rate ≥ 1."""
    e, sw = p10(places), p10(w_scale)
    sp_b, b_sp = spent * p10(b_scale), budget * p10(s_scale)
    capped = np.minimum(sp_b, b_sp)
    num, den = w * capped * e, b_sp * sw
    return half_up(num, den), np.asarray(sp_b >= b_sp)
