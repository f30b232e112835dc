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
          deduct: IntArray | None, tier_hi: tuple[IntArray, IntArray, BoolArray] | None) -> int:
    """An upper bound on every intermediate :func:`score` forms for ``rule`` on these inputs (Python ints)."""
    W, T, A, PER, D = _mx(w), _mx(t), _mx(a), _mx(per), _mx(deduct)
    e, sw, st, sa, sp, sd = p10(rule.places), p10(sc.weight), p10(sc.target), p10(sc.actual), p10(sc.per), p10(sc.deduct)
    at = A * st + T * sa  # |actual| + |target| at the common scale
    base = 4 * (W * e * sw + at)
    kind = rule.kind
    if kind == "tier":
        assert tier_hi is not None
        h = max(_mx(tier_hi[0]), _mx(tier_hi[1]), 1)
        return base + 8 * W * h * e * sw * h
    if kind in ("ratio", "equal_full", "equal_inverse", "inverse", "linear"):
        return base + 8 * W * at * e * st * sa + 4 * at * sw * st * sa
    if kind == "step":
        dn = at * sp
        dd = max(PER, 1) * st * sa
        return base + 8 * (W * sd * dd + dn * max(D, 1) * sw) * e * sw + 4 * dn
    if kind == "rate":
        return base + 8 * W * A * e * sw * sa * 100
    return base + 8 * (W * sa * sd + A * max(D, 1) * sw) * e * sw  # per_occurrence


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


def _clamped(num: IntArray, den: IntArray | int, w: IntArray, e: int, sw: int, full: IntArray,
             low: bool, high: bool) -> IntArray:
    """Round ``num/den`` quanta half-up after clamping the raw score to [0, weight] where it can leave it.

    ``low``/``high``: whether the raw score can fall below 0 / rise above the
    weight for this formula (the clamps cost array passes; they are skipped
    where the formula provably stays inside).
    """
    if low:
        num = np.maximum(num, 0)
    s = half_up(num, den)
    if high:
        s = np.where(num * sw > w * e * den, full, s)  # raw > weight: the weight, rounded
    return s


def score(
    rule: Rule,
    sc: Scales,
    w: IntArray,
    t: IntArray,
    a: IntArray,
    per: IntArray | None = None,
    deduct: IntArray | None = None,
    tier_hi: tuple[IntArray, IntArray, BoolArray] | None = None,
    tier_lo: tuple[IntArray, IntArray] | None = None,
) -> tuple[IntArray, BoolArray]:
    """Scores (in quanta of 10^-places) and the met flags of one rule group.

    ``w``, ``t``, ``a`` (and ``per``, ``deduct``) are same-shaped scaled
    integer arrays. For ``tier``: ``tier_hi = (num, den, inclusive)`` and
    ``tier_lo = (num, den)`` give each element's tier bounds as fractions of
    the weight (``t`` and ``a`` are then ignored).
    """
    if w.dtype != object and not fits_int64(bound(rule, sc, w, t, a, per, deduct, tier_hi)):
        w, t, a = w.astype(object), t.astype(object), a.astype(object)
        per = per.astype(object) if per is not None else None
        deduct = deduct.astype(object) if deduct is not None else None
    e = p10(rule.places)
    sw = p10(sc.weight)
    full = half_up(w * e, sw)  # the weight itself at the score precision (clamped raw = weight)
    kind = rule.kind
    if kind == "tier":
        # tier_top (core._scoring): w·max when the top is inclusive, else the largest
        # quantum strictly below w·max, but never below w·min; then rounded half-up.
        assert tier_hi is not None and tier_lo is not None
        hn, hd, inclusive = tier_hi
        ln, ld = tier_lo
        x, den = w * hn * e, sw * hd  # w·max in quanta = x / den
        top_incl = half_up(x, den)
        top_excl = -((-x) // den) - 1
        lo_num, lo_den = w * ln * e, sw * ld
        top_excl = np.where(top_excl * lo_den < lo_num, half_up(lo_num, lo_den), top_excl)
        return np.where(inclusive, top_incl, top_excl), np.asarray(inclusive & (hn == hd))
    st, sa = p10(sc.target), p10(sc.actual)
    a_t, t_a = a * st, t * sa  # actual and target at the common scale 10^(st + sa)
    met = met_mask(rule.cmp, a_t, t_a)
    if kind in ("ratio", "equal_full", "equal_inverse"):
        # unmet below the target: w·a/t (0 ≤ raw < w); > with a == t: w·a/t = w
        below = a_t < t_a
        s = np.where(below, half_up(w * a * (st * e), t * (sw * sa)), full)
        if kind == "equal_inverse":  # above an exact target: w·t/a (0 < raw < w)
            above = a_t > t_a
            s = np.where(above, half_up(w * t * (sa * e), np.where(above, a, 1) * (sw * st)), s)
            return s, met
        if kind == "equal_full":  # above an exact target counts as met (policy.equal_above = full)
            return s, met | (a_t > t_a)
        return s, met
    if kind == "inverse":  # unmet (a > t, or a = t under <): w·t/a, 0 < raw ≤ w
        un = ~met
        s = np.where(un, half_up(w * t * (sa * e), np.where(un, a, 1) * (sw * st)), full)
        return s, met
    if kind == "linear":  # unmet: (2t − a)/t · w, below 0 from twice the target
        un = ~met
        num = np.maximum(w * (2 * t_a - a_t) * e, 0)
        s = np.where(un, half_up(num, t * (sw * sa)), full)
        return s, met
    if kind == "step":
        assert per is not None and deduct is not None
        sp, sd = p10(sc.per), p10(sc.deduct)
        if rule.cmp in ("ge", "gt"):
            dist = np.maximum(t_a - a_t, 0)
        elif rule.cmp in ("le", "lt"):
            dist = np.maximum(a_t - t_a, 0)
        else:
            dist = np.abs(a_t - t_a)
        dn, dd = dist * sp, per * (st * sa)  # steps = dn / dd
        if rule.partial == "proportional":
            num = (w * sd * dd - dn * deduct * sw) * e
            return _clamped(num, sw * sd * dd, w, e, sw, full, True, False), met
        n = dn // dd if rule.partial == "floor" else -((-dn) // dd)
        num = (w * sd - n * deduct * sw) * e
        return _clamped(num, sw * sd, w, e, sw, full, True, False), met
    if kind == "rate":  # share × w, capped at the weight
        hundred = 100 if rule.percent else 1
        return _clamped(w * a * e, sw * sa * hundred, w, e, sw, full, False, True), met
    if kind == "per_occurrence":  # w − a·deduct, floored at 0
        assert deduct is not None
        sd = p10(sc.deduct)
        num = (w * sa * sd - a * deduct * sw) * e
        return _clamped(num, sw * sa * sd, w, e, sw, full, True, False), np.asarray(a == 0)
    raise ValueError(f"unknown kind {kind!r}")  # pragma: no cover


def budget_score(
    w: int, w_scale: int, places: int, budget: IntArray, spent: IntArray, b_scale: int, s_scale: int
) -> tuple[IntArray, BoolArray]:
    """预算执行率 rows: min(spent / budget, 1) × weight, half-up at 10^-places; met = rate ≥ 1."""
    e, sw = p10(places), p10(w_scale)
    sp_b, b_sp = spent * p10(b_scale), budget * p10(s_scale)
    capped = np.minimum(sp_b, b_sp)
    num, den = w * capped * e, b_sp * sw
    return half_up(num, den), np.asarray(sp_b >= b_sp)
