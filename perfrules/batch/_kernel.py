"""The exact vectorised scoring kernel: NumPy integer arithmetic, no floats.

Every number arrives as a scaled integer array: a value ``x`` with scale
``s`` is the integer ``x × 10^s``. A score is returned in quanta of its
slot's score precision (``10^-e``): the integer ``round_half_up(raw × 10^e)``.
The formulas are the methods' own integer kernels, each in its module of the
method catalogue (:mod:`perfrules.core.methods`, written against the array
namespace this module passes in: NumPy): the exact raw score is a quotient
``num / den`` of integers, clamped to ``[0, weight]`` and rounded once,
half-up, as ``(2·num + den) // (2·den)`` (for ``num, den ≥ 0``) — ``w·a/t``
is formed before the single rounding, never ``w·round(a/t)``. A :class:`Rule`
names its kernel; a name no catalogue module defines is refused.

Arrays are ``int64`` when every product provably fits (the caller checks the
bound with Python integers, see :func:`fits_int64`) and ``object`` arrays of
Python integers otherwise: the same code, the same exact results, slower.

The kernel supports the domain the batch path sends it: targets > 0,
actuals ≥ 0, positive weights and step parameters. Everything else goes to
the per-unit evaluator, which handles every case (and reports bad input).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from perfrules.core import half_up as half_up  # re-exported: the batch layer rounds totals with it
from perfrules.core import methods as catalogue
from perfrules.core import p10 as p10
from perfrules.core.methods import Bounds, Group, Kernel

IntArray = npt.NDArray[Any]  # int64, or object (Python ints) when a bound could overflow int64
BoolArray = npt.NDArray[np.bool_]

# a kernel's name: "ratio", "inverse", "linear", "equal_full", "equal_inverse", "step", "rate", …
Kind = str
Cmp = Literal["ge", "gt", "le", "lt", "eq"]
Partial = Literal["floor", "ceil", "proportional"]

INT64_SAFE = 2**62  # every intermediate stays below this in absolute value on the int64 path

PARAMS = (
    "per",
    "deduct",
)  # the parameter arrays a kernel may read (the long table's numeric parameter columns)
if not all(set(k.params) <= set(PARAMS) for k in catalogue.KERNELS.values()):  # pragma: no cover
    raise AssertionError(f"a catalogue kernel reads a parameter array other than {PARAMS}")


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
    """The spec's tiers as arrays (one entry per tier): the top and bottom shares as fractions,
    and inclusiveness."""

    hi_num: IntArray
    hi_den: IntArray
    inclusive: BoolArray
    lo_num: IntArray
    lo_den: IntArray
    met: BoolArray  # the tier means the target is met: an inclusive top at 100 %
    all_inclusive: bool
    common_den: int  # the least common multiple of the top shares' denominators
    hi_common: IntArray  # each top share as a numerator over ``common_den``

    @classmethod
    def of(cls, bounds: list[tuple[int, int, bool, int, int]]) -> TierTable:
        """From (top num, top den, inclusive, bottom num, bottom den) per tier."""
        hn = np.array([b[0] for b in bounds], dtype=np.int64)
        hd = np.array([b[1] for b in bounds], dtype=np.int64)
        inc = np.array([b[2] for b in bounds], dtype=bool)
        den = math.lcm(*(b[1] for b in bounds)) if bounds else 1
        return cls(
            hi_num=hn,
            hi_den=hd,
            inclusive=inc,
            lo_num=np.array([b[3] for b in bounds], dtype=np.int64),
            lo_den=np.array([b[4] for b in bounds], dtype=np.int64),
            met=inc & (hn == hd),
            all_inclusive=bool(inc.all()),
            common_den=den,
            hi_common=np.array([b[0] * (den // b[1]) for b in bounds], dtype=np.int64),
        )


def _known(_: Any, __: Any, kind: str) -> None:
    catalogue.kernel(kind)  # raises UnknownMethod for a kernel no catalogue module defines


@attrs.frozen(kw_only=True)
class Rule:
    """What the core does for one kind of slot (all slots of a rule group share it): a catalogue
    kernel."""

    kind: Kind = attrs.field(validator=_known)  # the kernel's name
    cmp: Cmp
    places: int  # the score quantum is 10^-places
    percent: bool = False  # rate: the actual is a % (÷ 100)
    partial: Partial = "floor"  # step

    @property
    def kernel(self) -> Kernel:
        """The catalogue's kernel of this rule."""
        return catalogue.kernel(self.kind)


def fits_int64(*bounds: int) -> bool:
    """Whether every given bound on an intermediate stays inside the int64-safe range."""
    return all(abs(b) < INT64_SAFE for b in bounds)


def _mx(x: IntArray | None) -> int:
    return int(abs(x).max(initial=0)) if x is not None and x.size else 0


def bound(
    rule: Rule,
    sc: Scales,
    w: IntArray,
    t: IntArray,
    a: IntArray,
    per: IntArray | None,
    deduct: IntArray | None,
    tier_hi: TierTable | None,
    maxima: tuple[int, int, int, int, int] | None = None,
) -> int:
    """An upper bound on every intermediate :func:`score` forms for ``rule`` on these inputs (Python
    ints).

    It follows the formulas term by term (each product, each numerator and
    denominator after its power of ten: the kernel's own terms and the ones
    every kernel shares), times 8 for the ``2·num + den`` of the rounding and
    the comparisons.
    """
    W, T, A, PER, D = (
        maxima if maxima is not None else (_mx(w), _mx(t), _mx(a), _mx(per), _mx(deduct))
    )
    b = Bounds(
        W=W + 1,
        T=T + 1,
        A=A + 1,
        PER=PER + 1,
        D=D + 1,
        places=rule.places,
        sw=sc.weight,
        st=sc.target,
        sa=sc.actual,
        sp=sc.per,
        sd=sc.deduct,
        percent=rule.percent,
        tiers=tier_hi,
    )
    terms = [b.W * p10(max(b.places - b.sw, 0)), b.tc, b.ac, *rule.kernel.bound(b)]
    return 8 * max(terms)


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
    integer arrays. For a kernel that scores tiers: ``tiers = (index, table)``
    gives each element's tier (an index into the table of tier bounds; ``t``
    and ``a`` are then ignored). ``maxima`` (of |w|, |t|, |a|, |per|,
    |deduct|) spares the overflow check its passes over the arrays when the
    caller knows them.

    Each formula is written with its powers of ten collected into one
    exponent, so that no array is multiplied by 1: raw = w·a/t at the score
    precision is ``W·A·10^(st + places − sw − sa) / T`` in scaled integers.
    """
    kernel = rule.kernel
    if w.dtype != object and not fits_int64(
        bound(rule, sc, w, t, a, per, deduct, tiers[1] if tiers else None, maxima)
    ):
        w, t, a = w.astype(object), t.astype(object), a.astype(object)
        per = per.astype(object) if per is not None else None
        deduct = deduct.astype(object) if deduct is not None else None
    group = Group(
        np,
        cmp=rule.cmp,
        places=rule.places,
        percent=rule.percent,
        partial=rule.partial,
        sw=sc.weight,
        st=sc.target,
        sa=sc.actual,
        sp=sc.per,
        sd=sc.deduct,
        w=w,
        t=t,
        a=a,
        per=per,
        deduct=deduct,
        tiers=tiers,
    )
    s, met = kernel.score(group)
    return s, np.asarray(met)


def budget_score(
    w: int, w_scale: int, places: int, budget: IntArray, spent: IntArray, b_scale: int, s_scale: int
) -> tuple[IntArray, BoolArray]:
    """预算执行率 rows: min(spent / budget, 1) × weight, half-up at 10^-places; met = rate ≥ 1."""
    e, sw = p10(places), p10(w_scale)
    sp_b, b_sp = spent * p10(b_scale), budget * p10(s_scale)
    capped = np.minimum(sp_b, b_sp)
    num, den = w * capped * e, b_sp * sw
    return half_up(num, den), np.asarray(sp_b >= b_sp)
