"""What the kit knows about each scoring method, stated independently of the core.

* :func:`indicator_shape` — where a method's score is monotone in the actual
  (the basis of the monotonicity property);
* :func:`full_marks_value` — an actual that earns the full weight (the basis
  of the rescaling property);
* :func:`boundary_values` and :func:`tie_values` — the actuals where a rule
  changes its mind or where the exact score is a rounding tie (the basis of
  the near-boundary strategies);
* :func:`stated_outcome` — what a result stated in words (据陈述) counts as
  and earns under the spec's ``[stated]`` declaration (the basis of the
  explanation property on stated rows).

Everything is exact (fractions) and follows the rules as docs/spec-format.md
and docs/scoring.md state them — independently of the core's method
catalogue (:mod:`perfrules.core.methods`), which the kit checks the core
against. The dispatch is exhaustive: every function names every method class
it knows (:data:`KNOWN_METHODS`) and raises
:class:`~perfrules.core.methods.UnknownMethod` for any other, so a method
added to the catalogue but not to this reference fails loudly instead of
being treated as another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from perfrules.core.methods import UnknownMethod
from perfrules.model import (
    Band,
    BandBasis,
    Bands,
    Comparator,
    Deviation,
    DeviationBand,
    DeviationTarget,
    EqualAbove,
    Indicator,
    InverseRatio,
    LinearOvershoot,
    NegativeRule,
    PartialStep,
    PerOccurrence,
    Qualitative,
    RateTimesWeight,
    Ratio,
    Spec,
    StepDeduction,
)
from perfrules.testing._numbers import round_half_up

RATIO_FAMILY = frozenset({"ratio", "inverse_ratio", "linear_overshoot"})

KNOWN_METHODS: tuple[type, ...] = (
    Ratio,
    InverseRatio,
    LinearOvershoot,
    Qualitative,
    StepDeduction,
    Bands,
    RateTimesWeight,
    PerOccurrence,
    Deviation,
)
"""The method classes this reference knows (each function below dispatches over all of them)."""


def unknown(method: object) -> UnknownMethod:
    """The error for a method this reference does not know: never treated as another method."""
    name = getattr(method, "name", type(method).__name__)
    return UnknownMethod(
        f"the testing kit's reference rules (perfrules.testing._rules) do not know scoring method "
        f"{name!r} ({type(method).__qualname__}); state its rules there"
    )


def method_name(ind: Indicator) -> str:
    """The scoring method an indicator uses: its declared method, or the default for its target."""
    m = ind.method
    if m is not None and type(m) not in KNOWN_METHODS:
        raise unknown(m)
    if ind.is_qualitative:
        return "qualitative"
    return "ratio" if m is None else m.name


def negative_rule(spec: Spec, ind: Indicator) -> NegativeRule:
    """The rule an unmet ≤/< target of a ratio-family indicator scores by."""
    match ind.method:
        case LinearOvershoot():
            return NegativeRule.LINEAR_OVERSHOOT
        case InverseRatio():
            return NegativeRule.INVERSE_RATIO
        case None | Ratio():
            return spec.policy.negative
        case m:
            raise unknown(m)


# ---------------------------------------------------------------------------
# band tables


def band_contains(band: Band, value: Fraction) -> bool:
    """Whether ``value`` lies in ``band``, edges as declared."""
    if band.min is not None:
        lo = Fraction(band.min)
        if value < lo or (value == lo and not band.min_inclusive):
            return False
    if band.max is not None:
        hi = Fraction(band.max)
        if value > hi or (value == hi and not band.max_inclusive):
            return False
    return True


def band_in_value_order(bands: Iterable[Band]) -> list[Band]:
    """The bands that hold values ≥ 0, from the lowest values up."""

    def lo_key(b: Band) -> tuple[int, Fraction, int]:
        if b.min is None:
            return (0, Fraction(0), 0)
        return (1, Fraction(b.min), 0 if b.min_inclusive else 1)

    def below_zero(b: Band) -> bool:
        return b.max is not None and (b.max < 0 or (b.max == 0 and not b.max_inclusive))

    return [b for b in sorted(bands, key=lo_key) if not below_zero(b)]


def band_point(band: Band) -> Fraction | None:
    """A value ≥ 0 inside ``band`` (its lowest edge when it can), or ``None`` if it holds none."""
    lo = None if band.min is None else Fraction(band.min)
    hi = None if band.max is None else Fraction(band.max)
    candidates: list[Fraction] = []
    if lo is None or lo <= 0:
        candidates.append(Fraction(0))
    if lo is not None:
        candidates.append(lo)
        candidates.append((lo + hi) / 2 if hi is not None else lo + 1)
    if hi is not None:
        candidates.append(hi)
        candidates.append(hi / 2)
    return next((c for c in candidates if c >= 0 and band_contains(band, c)), None)


def deviation_band(band: DeviationBand) -> Band:
    """A deviation band as a band of values (its share as the score); no ``min`` means from 0."""
    return Band(
        score=band.share,
        min=band.min,
        max=band.max,
        min_inclusive=band.min_inclusive,
        max_inclusive=band.max_inclusive,
    )


# ---------------------------------------------------------------------------
# monotone shapes


@dataclass(frozen=True)
class Bound:
    """An edge of a monotone region: ``value`` (``None``: unbounded) and whether it belongs to
    it."""

    value: Fraction | None
    inclusive: bool = True


@dataclass(frozen=True)
class Shape:
    """Where a score is monotone in the actual *a* ≥ 0.

    Non-decreasing on [0, ``rise``] (``rise.value`` ``None``: everywhere) and
    non-increasing on [``fall``, ∞); ``None`` for a region that does not
    exist. Moving *a* toward the target inside a region never loses points.
    """

    rise: Bound | None = None
    fall: Bound | None = None

    def in_rise(self, a: Fraction) -> bool:
        r = self.rise
        if r is None:
            return False
        return r.value is None or a < r.value or (a == r.value and r.inclusive)

    def in_fall(self, a: Fraction) -> bool:
        f = self.fall
        if f is None:
            return False
        assert f.value is not None
        return a > f.value or (a == f.value and f.inclusive)


RISING = Shape(rise=Bound(None))
FALLING = Shape(fall=Bound(Fraction(0)))


def peak(at: Fraction, *, inclusive: bool = True) -> Shape:
    """Non-decreasing up to ``at``, non-increasing from ``at``."""
    return Shape(rise=Bound(at, inclusive), fall=Bound(at, inclusive))


def band_shape(bands: Bands, target: Fraction) -> Shape | None:
    """The monotone shape of a band table; ``None`` unless its scores rise then fall (or only
    one)."""
    order = band_in_value_order(bands.bands)
    scores = [b.score for b in order]
    # bands on |a − t| / t: only tables that never reward deviating
    if bands.on is BandBasis.DEVIATION:
        if any(scores[i] < scores[i + 1] for i in range(len(scores) - 1)):
            return None
        return peak(target)
    top = max(scores)
    p = scores.index(top)
    if any(scores[i] > scores[i + 1] for i in range(p)) or any(
        scores[i] < scores[i + 1] for i in range(p, len(scores) - 1)
    ):
        return None
    p2 = p
    while p2 + 1 < len(scores) and scores[p2 + 1] == top:
        p2 += 1
    hi = order[p2]
    rise = Bound(None if hi.max is None else Fraction(hi.max), hi.max_inclusive)
    lo = order[p]
    if lo.min is None or lo.min < 0:
        fall = Bound(Fraction(0))
    else:
        fall = Bound(Fraction(lo.min), lo.min_inclusive)
    return Shape(rise=rise, fall=fall)


def indicator_shape(spec: Spec, ind: Indicator) -> Shape | None:
    """Where the indicator's score is monotone in its actual; ``None`` when it is not (or not by
    number)."""
    name = method_name(ind)
    target = ind.target
    if name == "qualitative" or target is None:
        return None
    t = Fraction(target.value)
    direction = target.comparator.direction
    match ind.method:
        case None | Ratio() | InverseRatio() | LinearOvershoot():
            od = spec.policy.overshoot_deduction
            if direction == "negative":
                return FALLING
            if direction == "equal" and t == 0:
                return peak(t)
            if od is not None and t > 0:  # full up to threshold × target, deducted beyond
                if direction == "equal" and spec.policy.equal_above is EqualAbove.INVERSE_RATIO:
                    return peak(t)
                return peak(Fraction(od.threshold) * t)
            if direction == "equal" and spec.policy.equal_above is EqualAbove.INVERSE_RATIO:
                return peak(t)
            return RISING
        case StepDeduction():
            return (
                FALLING
                if direction == "negative"
                else RISING
                if direction == "positive"
                else peak(t)
            )
        case Bands() as m:
            return band_shape(m, t)
        case RateTimesWeight():
            return RISING
        case PerOccurrence():
            return FALLING
        case Deviation() as m:  # shares by |a − p| / p: only tables that never reward deviating
            return band_shape(
                Bands(bands=tuple(deviation_band(b) for b in m.shares), on=BandBasis.DEVIATION), t
            )
        case m:  # Qualitative() is answered above
            raise unknown(m)


def budget_shape(spec: Spec) -> Shape | None:
    """Where the budget row's score is monotone in the execution rate (in %)."""
    block = spec.budget_execution
    if block is None:
        return None
    match block.method:
        case Bands() as m:
            return band_shape(m, Fraction(100))
        case None | StepDeduction():
            # the policy (rate capped at 100%) and steps below 100% both only reward spending
            return RISING
        case m:
            raise unknown(m)


# ---------------------------------------------------------------------------
# results stated in words (据陈述)


@dataclass(frozen=True)
class StatedOutcome:
    """What a stated word counts as: ``met`` or not, and the exact raw score (share × weight)."""

    met: bool
    raw: Fraction


def stated_outcome(spec: Spec, ind: Indicator, word: str) -> StatedOutcome | None:
    """A numeric row's actual stated in words: met for a ``[stated] met`` word, not met for a
    ``not_met`` word, ``met_share`` / ``not_met_share`` of the weight, never computed from a
    number; ``None`` when the spec declares no such word (the actuals would be refused)."""
    words = spec.stated
    if words is None:
        return None
    if word in words.met:
        return StatedOutcome(True, Fraction(words.met_share) * Fraction(ind.weight))
    if word in words.not_met:
        return StatedOutcome(False, Fraction(words.not_met_share) * Fraction(ind.weight))
    return None


# ---------------------------------------------------------------------------
# full marks


def full_marks_value(spec: Spec, ind: Indicator) -> Fraction | None:
    """An actual that earns ``ind`` its full weight by its method, or ``None`` if none does."""
    target = ind.target
    name = method_name(ind)
    if name == "qualitative" or target is None:
        return None
    t = Fraction(target.value)
    cmp = target.comparator
    match ind.method:
        case None | Ratio() | InverseRatio() | LinearOvershoot():
            if cmp is Comparator.GT and t == 0:
                return Fraction(1)
            if cmp is Comparator.LT:
                return Fraction(0) if t > 0 else None
            return t
        case StepDeduction() as m:
            return t if m.start is None else Fraction(m.start)  # no distance, no step
        case Bands() as m:
            full = [
                b for b in band_in_value_order(m.bands) if Fraction(b.score) == Fraction(ind.weight)
            ]
            for band in full:
                v = band_point(band)
                if v is not None:
                    return v if m.on is BandBasis.ACTUAL else t * (1 + v / 100)
            return None
        case RateTimesWeight():
            return Fraction(100) if target.unit == "%" else Fraction(1)
        case PerOccurrence():
            return Fraction(0)
        case Deviation() as m:
            # the plan itself (deviation 0) when its band's share rounds to what the full weight
            # rounds to (the weight itself, unless policy.weight_precision = "allow")
            w, q = Fraction(ind.weight), Fraction(ind.score_quantum(spec.rounding.score))
            for band in band_in_value_order(deviation_band(b) for b in m.shares):
                if round_half_up(Fraction(band.score) * w, q) == round_half_up(w, q):
                    v = band_point(band)
                    if v is not None:
                        return t * (1 + v / 100)
            return None
        case m:  # Qualitative() is answered above
            raise unknown(m)


def full_marks_tier(spec: Spec) -> str | None:
    """The tier whose range reaches the full weight inclusively (达成年度指标), if the spec has one."""
    return next((t.name for t in spec.tiers if t.max == 1 and t.max_inclusive), None)


def budget_full_rate(spec: Spec) -> Fraction | None:
    """An execution rate (in %) that earns the budget row its full weight."""
    block = spec.budget_execution
    if block is None:
        return None
    match block.method:
        case Bands() as m:
            for band in band_in_value_order(m.bands):
                if Fraction(band.score) == Fraction(block.weight):
                    v = band_point(band)
                    if v is not None:
                        return v if m.on is BandBasis.ACTUAL else 100 + v
            return None
        case None | StepDeduction():
            return Fraction(100)
        case m:
            raise unknown(m)


# ---------------------------------------------------------------------------
# near-boundary values


def _step_zero(weight: Fraction, deduct: Fraction) -> int:
    """The number of steps that takes the whole weight."""
    return math.ceil(weight / deduct)


def boundary_values(spec: Spec, ind: Indicator) -> list[Fraction]:
    """Actuals where the indicator's rule changes its mind: the target, edges, thresholds (all ≥
    0)."""
    target = ind.target
    if target is None:
        return []
    t, w = Fraction(target.value), Fraction(ind.weight)
    method_name(ind)  # an unknown method raises
    values = [t, Fraction(0)]
    if spec.policy.overshoot_warning is not None:
        values.append(Fraction(spec.policy.overshoot_warning) * t)
    match ind.method:
        case None | Ratio() | InverseRatio() | LinearOvershoot():
            values += [2 * t, t / 2]
            od = spec.policy.overshoot_deduction
            if od is not None:
                thr, per = Fraction(od.threshold), Fraction(od.per)
                values += [(thr + k * per) * t for k in range(4)]
        case StepDeduction() as m:
            per = Fraction(m.per)
            zero = _step_zero(w, Fraction(m.deduct))
            anchor = t if m.start is None else Fraction(m.start)
            for k in (*range(4), zero, zero + 1):
                values += [anchor + k * per, anchor - k * per]
        case Bands() as m:
            for band in m.bands:
                for edge in (band.min, band.max):
                    if edge is None:
                        continue
                    e = Fraction(edge)
                    values += (
                        [e] if m.on is BandBasis.ACTUAL else [t * (1 + e / 100), t * (1 - e / 100)]
                    )
        case RateTimesWeight():
            values.append(Fraction(100) if target.unit == "%" else Fraction(1))
        case PerOccurrence() as m:
            zero = _step_zero(w, Fraction(m.deduct))
            values += [Fraction(n) for n in (1, 2, zero - 1, zero, zero + 1)]
        case Deviation() as m:
            edges = [Fraction(e) for b in m.shares for e in (b.min, b.max) if e is not None]
            if isinstance(target, DeviationTarget):
                edges.append(Fraction(target.tolerance))
            for e in edges:
                values += [t * (1 + e / 100), t * (1 - e / 100)]
        case Qualitative():
            pass  # a qualitative method with a target: no number decides its score
        case m:
            raise unknown(m)
    return _unique_non_negative(values)


def tie_values(spec: Spec, ind: Indicator, k: int) -> list[Fraction]:
    """Actuals whose exact, unrounded score is (k + ½) × the row's score quantum (its ``round_to``,
    else ``rounding.score``): a half-up rounding tie."""
    target = ind.target
    if target is None:
        return []
    t, w = Fraction(target.value), Fraction(ind.weight)
    s = (k + Fraction(1, 2)) * Fraction(ind.score_quantum(spec.rounding.score))
    if not 0 < s < w:
        return []
    method_name(ind)  # an unknown method raises
    direction = target.comparator.direction
    values: list[Fraction] = []
    match ind.method:
        case None | Ratio() | InverseRatio() | LinearOvershoot():
            if t > 0:
                if direction in ("positive", "equal"):
                    values.append(s / w * t)  # a / t × w = s
                if direction == "equal" and spec.policy.equal_above is EqualAbove.INVERSE_RATIO:
                    values.append(t * w / s)  # t / a × w = s, above the target
                if direction == "negative":
                    linear = negative_rule(spec, ind) is NegativeRule.LINEAR_OVERSHOOT
                    values.append(t * (2 - s / w) if linear else t * w / s)
        case StepDeduction(partial=PartialStep.PROPORTIONAL) as m:
            d = (w - s) / Fraction(m.deduct) * Fraction(m.per)  # w − d / per × deduct = s
            anchor = t if m.start is None else Fraction(m.start)
            values += [anchor - d, anchor + d]
        case RateTimesWeight():
            values.append(s / w * (100 if target.unit == "%" else 1))
        case Deviation() as m:
            # share × w is a tie only when a band's share makes one: any actual in that band
            for b in m.shares:
                if Fraction(b.share) * w == s:
                    v = band_point(deviation_band(b))
                    if v is not None:
                        values.append(t * (1 + v / 100))
        case StepDeduction() | Bands() | PerOccurrence() | Qualitative():
            pass  # whole steps, band scores and whole counts: no actual gives a tie
        case m:
            raise unknown(m)
    return _unique_non_negative(values)


def budget_boundary_rates(spec: Spec) -> list[Fraction]:
    """Execution rates (in %) where the budget row's rule changes its mind."""
    block = spec.budget_execution
    values = [Fraction(100), Fraction(0)]
    if block is None:
        return values
    match block.method:
        case Bands() as m:
            for band in m.bands:
                for edge in (band.min, band.max):
                    if edge is not None:
                        e = Fraction(edge)
                        values += [e] if m.on is BandBasis.ACTUAL else [100 + e, 100 - e]
        case StepDeduction() as m:
            zero = _step_zero(Fraction(block.weight), Fraction(m.deduct))
            anchor = Fraction(100) if m.start is None else Fraction(m.start)
            values += [anchor - k * Fraction(m.per) for k in (0, 1, 2, 3, zero, zero + 1)]
        case None:
            pass
        case m:
            raise unknown(m)
    return _unique_non_negative(values)


def budget_tie_rates(spec: Spec, k: int) -> list[Fraction]:
    """Execution rates (in %) where the budget row's exact score is a half-up rounding tie."""
    block = spec.budget_execution
    if block is None:
        return []
    w = Fraction(block.weight)
    m = block.method
    if m is None:
        quantum = (
            Fraction(1) if block.policy.value == "round_whole" else Fraction(spec.rounding.score)
        )
        s = (k + Fraction(1, 2)) * quantum
        return [s / w * 100] if 0 < s < w else []
    s = (k + Fraction(1, 2)) * Fraction(spec.rounding.score)
    match m:
        case StepDeduction(partial=PartialStep.PROPORTIONAL) if 0 < s < w:
            anchor = Fraction(100) if m.start is None else Fraction(m.start)
            return _unique_non_negative([anchor - (w - s) / Fraction(m.deduct) * Fraction(m.per)])
        case StepDeduction() | Bands():
            return []
        case _:
            raise unknown(m)


def _unique_non_negative(values: Iterable[Fraction]) -> list[Fraction]:
    out: list[Fraction] = []
    for v in values:
        if v >= 0 and v not in out:
            out.append(v)
    return out
