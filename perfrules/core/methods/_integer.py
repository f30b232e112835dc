"""Integer kernels: each method's exact formula over scaled integers, written against an array namespace.

The batch layer passes the namespace in (NumPy: ``where``, ``maximum``,
``abs``, ``asarray``) with one rule group's numbers as integer arrays; the
core never imports NumPy. A value ``x`` with scale ``s`` is the integer
``x × 10^s``; a score is returned in quanta of the group's score precision
(``10^-places``): ``round_half_up(raw × 10^places)``. Each formula is the
method's exact score written over integers: the raw score is a quotient
``num / den`` of integers, clamped to ``[0, weight]`` and rounded once,
half-up, as ``(2·num + den) // (2·den)`` (for ``num, den ≥ 0``) — ``w·a/t``
is formed before the single rounding, never ``w·round(a/t)``.

The arrays are ``int64`` or ``object`` arrays of Python integers (the batch
layer chooses, from :meth:`Kernel.bound`): the same code gives the same
exact results on both.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

import attrs

Array = Any  # an integer (or boolean) array of the namespace the batch layer passes in
Cmp = Literal["ge", "gt", "le", "lt", "eq"]


def p10(n: int) -> int:
    """10^n for n ≥ 0."""
    return int(10**n)


def up(x: int) -> int:
    """10^x for x ≥ 0, else 1 (the factor a power of ten contributes to a bound)."""
    return p10(max(x, 0))


def half_up(num: Array, den: Array | int) -> Array:
    """round(num / den) half-up, for num ≥ 0 and den > 0 (exact integer floor division).

    ``⌊(num + ⌊den/2⌋) / den⌋``, which is ``⌊(2·num + den) / (2·den)⌋`` with a
    pass fewer: for an even den both are ``⌊(num + den/2) / den⌋``; for an odd
    den = 2h + 1, with num + h = q·den + r (0 ≤ r < den), both are q, as
    (2r + 1) / (2·den) < 1.
    """
    q = num + (den // 2 if isinstance(den, int) else den >> 1)
    q //= den  # in place: q is new
    return q


def scaled(x: Array, exp: int) -> Array:
    """x · 10^exp for exp ≥ 0 (no pass over the array when exp is 0)."""
    return x if exp == 0 else x * p10(exp)


def ratio(num: Array, den: Array | int, exp: int) -> Array:
    """round_half_up(num / den × 10^exp) for num ≥ 0, den > 0: the exponent goes to whichever side keeps it exact."""
    if exp >= 0:
        if isinstance(den, int) and den == 1:
            return scaled(num, exp)  # an integer already: nothing to round
        return half_up(scaled(num, exp), den)
    return half_up(num, den * p10(-exp) if isinstance(den, int) else den * p10(-exp))


def met_mask(xp: Any, cmp: Cmp, a_t: Array, t_a: Array) -> Array:
    """Whether actual ``cmp`` target holds; ``a_t``, ``t_a`` are actual and target at a common scale."""
    if cmp == "ge":
        return xp.asarray(a_t >= t_a)
    if cmp == "gt":
        return xp.asarray(a_t > t_a)
    if cmp == "le":
        return xp.asarray(a_t <= t_a)
    if cmp == "lt":
        return xp.asarray(a_t < t_a)
    return xp.asarray(a_t == t_a)


class Group:
    """One rule group's numbers: same-shaped scaled integer arrays and what every kernel derives from them.

    ``w``, ``t``, ``a`` (weight, target, actual) at scales ``sw``, ``st``,
    ``sa``; ``per``, ``deduct`` at ``sp``, ``sd`` for the kernels that read
    them; ``tiers = (index, table)`` for a kernel that scores tiers (``t`` and
    ``a`` are then unused). ``cmp``, ``places``, ``percent`` and ``partial``
    come from the group's rule.
    """

    def __init__(
        self,
        xp: Any,
        *,
        cmp: Cmp,
        places: int,
        percent: bool,
        partial: str,
        sw: int,
        st: int,
        sa: int,
        sp: int,
        sd: int,
        w: Array,
        t: Array,
        a: Array,
        per: Array | None = None,
        deduct: Array | None = None,
        tiers: tuple[Array, Any] | None = None,
    ) -> None:
        self.xp = xp
        self.cmp, self.places, self.percent, self.partial = cmp, places, percent, partial
        self.sw, self.st, self.sa, self.sp, self.sd = sw, st, sa, sp, sd
        self.w, self.t, self.a, self.per, self.deduct, self.tiers = w, t, a, per, deduct, tiers

    @cached_property
    def full(self) -> Array:
        """The weight at the score precision (a raw score clamped to the weight)."""
        return ratio(self.w, 1, self.places - self.sw)

    @cached_property
    def c(self) -> int:
        """The common scale 10^c of actual and target."""
        return max(self.st, self.sa)

    @cached_property
    def a_c(self) -> Array:
        return scaled(self.a, self.c - self.sa)

    @cached_property
    def t_c(self) -> Array:
        return scaled(self.t, self.c - self.st)

    @cached_property
    def met(self) -> Array:
        """The comparator on the exact numbers."""
        return met_mask(self.xp, self.cmp, self.a_c, self.t_c)

    def clamped(self, num: Array, den: Array | int, m: int, *, high: bool) -> Array:
        """The raw score ``num/den`` at scale 10^m (num ≥ 0), at the score precision 10^-places, half-up.

        With ``high``, a raw score above the weight ``w/10^sw`` gives ``full`` (the
        weight at the score precision), decided on integers:
        num/den/10^m > w/10^sw ⟺ num·10^sw > w·den·10^m.
        """
        pl, sw, w = self.places, self.sw, self.w
        s = ratio(num, den, pl - m)
        if high:
            lhs, rhs = (num, w * den * p10(m - sw)) if m >= sw else (num * p10(sw - m), w * den)
            s = self.xp.where(lhs > rhs, self.full, s)
        return s


@attrs.frozen(kw_only=True)
class Bounds:
    """Upper bounds (Python ints, each already + 1) on a rule group's |numbers|, for :meth:`Kernel.bound`."""

    W: int
    T: int
    A: int
    PER: int
    D: int
    places: int
    sw: int
    st: int
    sa: int
    sp: int
    sd: int
    percent: bool
    tiers: Any = None  # the tier table of a kernel that scores tiers

    @property
    def c(self) -> int:
        return max(self.st, self.sa)

    @property
    def tc(self) -> int:
        """The target bound at the common scale."""
        return self.T * p10(self.c - self.st)

    @property
    def ac(self) -> int:
        """The actual bound at the common scale."""
        return self.A * p10(self.c - self.sa)


@attrs.frozen(kw_only=True)
class Kernel:
    """One integer kernel variant of a method.

    ``score(group)`` returns the scores (in quanta) and the met flags;
    ``bound(bounds)`` the terms that bound every intermediate ``score`` forms
    (the batch layer adds the common ones and chooses int64 or Python
    integers); ``params`` names the parameter arrays it reads (``per``,
    ``deduct``), each positive; ``tiers`` that it scores tiers instead of
    actuals against targets.
    """

    name: str
    score: Callable[[Group], tuple[Array, Array]]
    bound: Callable[[Bounds], list[int]]
    params: tuple[str, ...] = ()
    tiers: bool = False


@attrs.frozen(kw_only=True)
class KernelPlan:
    """Which kernel scores an indicator, with the parameters its spec declares and its partial-step rule."""

    kernel: str
    params: tuple[tuple[str, Decimal], ...] = ()
    partial: str = "floor"
