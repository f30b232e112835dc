"""The method catalogue (perfrules.core.methods): one home per scoring method, every dispatch through it.

* the registry holds exactly the model's method classes, in the model's order,
  each with its citations in the sources table, its parameter columns in the
  long table and its documentation;
* a method class the catalogue does not hold is refused — at evaluation,
  validation, the why-not answer, batch planning and in the testing kit —
  never scored (or generated) as another method;
* per method with an integer kernel: the kernel on scaled integers (NumPy as
  the array namespace) gives exactly the core's exact score and met flag.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar, get_args

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import perfrules
from perfrules.core import _citations, validate_actuals, validate_spec
from perfrules.core._whynot import full_marks
from perfrules.core.methods import (
    CATALOGUE,
    KERNELS,
    PARAMETER_COLUMNS,
    RULES,
    Inputs,
    MethodRule,
    UnknownMethod,
    kernel,
    rule_for,
    rule_named,
)
from perfrules.model import (
    DEFAULT_TIERS,
    METHODS,
    Category,
    Comparator,
    EqualAbove,
    Indicator,
    Kind,
    Meta,
    Method,
    NegativeRule,
    Policy,
    QuantitativeTarget,
    Rounding,
    Spec,
    StepDeduction,
    Tier,
)
from perfrules.testing import _rules, _strategies, actuals_for, specs

ROOT = Path(__file__).resolve().parent.parent


@attrs.frozen
class Custom:
    """A scoring method nobody registered."""

    name: ClassVar[str] = "custom"


@attrs.frozen(kw_only=True)
class MyStep(StepDeduction):
    """A subclass of a registered method: not the registered class, so not its rule either."""


# ---------------------------------------------------------------------------
# the registry


def test_the_registry_holds_exactly_the_models_method_classes_in_its_order() -> None:
    model = set(get_args(Method))
    assert set(RULES) == model == set(METHODS.values())
    assert tuple(rule.cls for rule in CATALOGUE) == tuple(METHODS.values())
    assert tuple(rule.name for rule in CATALOGUE) == tuple(METHODS)
    for rule in CATALOGUE:
        assert rule.name == rule.cls.name
        assert rule_named(rule.name) is rule
        assert rule.__module__ == f"perfrules.core.methods.{rule.name}", (
            "one module per method, named after it"
        )


def test_every_method_documents_its_rule_and_its_parameters() -> None:
    from perfrules.batch._table import INPUT_COLUMNS
    from perfrules.schema._describe import METHODS as DESCRIBED

    scoring = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for rule in CATALOGUE:
        assert rule.citations and set(rule.citations) <= set(_citations.ALL), (
            rule.name
        )  # the sources table
        assert f"`{rule.name}`" in scoring, rule.name
        assert rule.name in DESCRIBED, rule.name  # the JSON Schema's description
        for column, kind in rule.columns:
            assert column in INPUT_COLUMNS and kind in ("number", "text"), (rule.name, column)
    assert [c for c, _ in PARAMETER_COLUMNS] == ["per", "deduct", "partial"]


def test_the_kernels_are_named_uniquely_and_read_only_the_batch_parameters() -> None:
    pytest.importorskip("numpy")
    from perfrules.batch import _kernel as K

    assert sorted(KERNELS) == sorted(k.name for rule in CATALOGUE for k in rule.kernels)
    for k in KERNELS.values():
        assert set(k.params) <= set(K.PARAMS), k.name
        assert kernel(k.name) is k
    with pytest.raises(UnknownMethod, match="'bands'"):
        kernel("bands")  # the batch path scores band tables per unit
    with pytest.raises(UnknownMethod):
        K.Rule(kind="nope", cmp="ge", places=2)


def test_the_kit_knows_every_method_of_the_catalogue() -> None:
    assert set(_strategies._METHOD_DRAWS) == set(RULES)  # the generator draws each as itself
    assert set(_rules.KNOWN_METHODS) == set(RULES)  # the independent reference rules state each
    assert _strategies.METHOD_NAMES == tuple(rule.name for rule in CATALOGUE)


# ---------------------------------------------------------------------------
# an unregistered method is refused everywhere, never scored as ratio


def _spec_with(method: Any) -> tuple[Spec, perfrules.Actuals]:
    spec, actuals = perfrules.load_example("examples/catalogue-demo")
    inds = tuple(
        attrs.evolve(i, method=method) if i.id == "satisfaction" else i for i in spec.indicators
    )
    return attrs.evolve(spec, indicators=inds), actuals


@pytest.mark.parametrize(
    "method", [Custom(), MyStep(per=Decimal(1), deduct=Decimal("0.5"))], ids=["custom", "subclass"]
)
def test_an_unregistered_method_is_refused_by_the_core(method: Any) -> None:
    with pytest.raises(UnknownMethod):
        rule_for(method)
    spec, actuals = _spec_with(method)
    with pytest.raises(UnknownMethod, match="not in the method catalogue"):
        perfrules.evaluate(spec, actuals)
    with pytest.raises(UnknownMethod):
        validate_spec(spec)
    good, _ = perfrules.load_example("examples/catalogue-demo")
    with pytest.raises(UnknownMethod):
        validate_actuals(attrs.evolve(good, indicators=spec.indicators), actuals)
    with pytest.raises(UnknownMethod):
        full_marks(spec, spec.indicator("satisfaction"))


def test_an_unregistered_method_is_refused_by_batch_planning() -> None:
    pytest.importorskip("numpy")
    pytest.importorskip("pyarrow")
    from perfrules.batch._plan import plan_of

    spec, _ = _spec_with(Custom())
    order = {ind.id: k for k, ind in enumerate(spec.indicators)}
    lean = attrs.evolve(spec, policy=attrs.evolve(spec.policy, overshoot_deduction=None))
    with pytest.raises(UnknownMethod):
        plan_of(lean, order, inline=False, has_budget=False)


def test_an_unregistered_method_is_refused_by_the_kit() -> None:
    spec, _ = _spec_with(Custom())
    ind = spec.indicator("satisfaction")
    with pytest.raises(UnknownMethod):
        _rules.method_name(ind)
    with pytest.raises(UnknownMethod):
        _rules.indicator_shape(spec, ind)
    with pytest.raises(UnknownMethod):
        _rules.full_marks_value(spec, ind)
    with pytest.raises(UnknownMethod):
        _rules.boundary_values(spec, ind)
    with pytest.raises(UnknownMethod):
        _rules.tie_values(spec, ind, 0)
    with pytest.raises(UnknownMethod):
        actuals_for(spec).example()
    with pytest.raises(InvalidArgument, match="custom"):
        specs(methods=["custom"]).example()


def test_a_catalogue_method_the_kit_cannot_draw_is_never_drawn_as_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    draws = dict(_strategies._METHOD_DRAWS)
    del draws[rule_named("per_occurrence").cls]  # type: ignore[union-attr]
    monkeypatch.setattr(_strategies, "_METHOD_DRAWS", draws)
    with pytest.raises(UnknownMethod, match="per_occurrence"):
        specs(methods=["per_occurrence"])
    with pytest.raises(UnknownMethod, match="per_occurrence"):
        specs()  # every method by default: the missing one is not silently replaced


# ---------------------------------------------------------------------------
# per method: the integer kernel is the exact score

FIXED_TIERS = tuple(
    Tier(name=n, min=Decimal(s), max=Decimal(s), max_inclusive=True)
    for n, s in (("A", "1"), ("B", "0.8"), ("C", "0.6"), ("D", "0"))
)


CMP = {
    Comparator.GE: "ge",
    Comparator.GT: "gt",
    Comparator.LE: "le",
    Comparator.LT: "lt",
    Comparator.EQ: "eq",
}


def _places(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    assert isinstance(exp, int)
    return max(0, -exp)


def _plain(d: Decimal) -> Decimal:
    """``d`` without trailing zeros, in plain notation (12.5, 100)."""
    n = d.normalize()
    return n.quantize(Decimal(1)) if n.as_tuple().exponent > 0 else n  # type: ignore[operator]


def _at(value: Fraction, scale: int) -> int | None:
    """``value × 10^scale`` if it is an integer."""
    x = value * 10**scale
    return int(x) if x.denominator == 1 else None


def _short(value: Fraction, most: int = 6) -> int | None:
    """The fewest decimal places that write ``value`` exactly (at most ``most``), or None."""
    return next((p for p in range(most + 1) if _at(value, p) is not None), None)


def _spec(ind: Indicator, policy: Policy, q: Decimal) -> Spec:
    """A minimal (unchecked) spec around one indicator: what the kit's boundary and tie values read."""
    meta = Meta(id="p", title="p", unit="u", year=2024, kind=Kind.PROJECT, total=ind.weight)
    return Spec(
        meta=meta,
        categories=(Category(id="c", name="c", weight=ind.weight),),
        indicators=(ind,),
        policy=policy,
        rounding=Rounding(score=q),
    )


@pytest.mark.parametrize("rule", CATALOGUE, ids=lambda r: r.name)
def test_the_kernel_on_integers_is_the_exact_score(rule: MethodRule[Any]) -> None:
    if not rule.kernels:
        pytest.skip(f"{rule.name} has no integer kernel: the batch path scores it per unit")
    np = pytest.importorskip("numpy")
    from perfrules.batch import _kernel as K

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        draw = data.draw
        places = draw(st.integers(0, 3), label="score places")
        q = Decimal(1).scaleb(-places)
        sw = draw(st.integers(0, 3), label="weight scale")
        # any weight, or one ending in 5: at a finer scale than the score, w·share lands on rounding ties
        W = draw(
            st.integers(1, 1000 * 10**sw) | st.integers(0, 999).map(lambda k: 10 * k + 5),
            label="weight (scaled)",
        )
        w = Decimal(W).scaleb(-sw)
        policy = Policy(
            negative=draw(st.sampled_from(list(NegativeRule))),
            equal_above=draw(st.sampled_from(list(EqualAbove))),
        )
        if rule.qualitative:
            tiers = draw(st.sampled_from([DEFAULT_TIERS, FIXED_TIERS]), label="tiers")
            k = draw(st.integers(0, len(tiers) - 1), label="tier")
            plan = rule.kernel_plan(None, None, policy)
            assert plan is not None
            exact = rule.score(
                None, Inputs(weight=w, rounding=Rounding(score=q), policy=policy, tier=tiers[k])
            )
            table = K.TierTable.of(
                [
                    (
                        Fraction(t.max).numerator,
                        Fraction(t.max).denominator,
                        t.max_inclusive,
                        Fraction(t.min).numerator,
                        Fraction(t.min).denominator,
                    )
                    for t in tiers
                ]
            )
            s, met = K.score(
                K.Rule(kind=plan.kernel, cmp="eq", places=places),
                K.Scales(weight=sw, target=0, actual=0),
                np.array([W]),
                np.array([1]),
                np.array([0]),
                tiers=(np.array([k]), table),
            )
        else:
            target = _plain(Decimal(draw(st.integers(1, 10**6), label="target (×10^4)")).scaleb(-4))
            draft = _strategies._Draft(
                cmp=draw(st.sampled_from(list(Comparator))),
                unit=draw(st.sampled_from(["", "%", "次"])),
                value=target,
                weight=w,
                q=q,
            )
            method, got = _strategies._METHOD_DRAWS[rule.cls](draw, draft)
            assert method is None or type(method) is rule.cls
            t_value = got.value
            if (
                t_value <= 0
            ):  # the kernel's domain: targets above 0 (the batch path sends the others per unit)
                return
            target_obj = QuantitativeTarget(comparator=got.cmp, value=t_value, unit=got.unit)
            plan = rule.kernel_plan(method, target_obj, policy)
            if (
                plan is None
            ):  # only an anchored step leaves the kernels (they count from the target)
                assert isinstance(method, StepDeduction) and method.start is not None
                return
            ind = Indicator(
                id="x", name="x", category="c", weight=w, target=target_obj, method=method
            )
            spec = _spec(ind, policy, q)
            t = Fraction(t_value)
            candidates = [
                *_rules.boundary_values(spec, ind),
                *_rules.tie_values(spec, ind, draw(st.integers(0, 50))),
                Fraction(draw(st.integers(0, 3 * 10**6)), 10**4),
            ]
            a = draw(st.sampled_from(candidates), label="actual")
            sa = _short(a)
            if sa is None:
                a, sa = t, _places(t_value)
            st_ = max(_places(t_value), draw(st.integers(0, 4), label="target scale"))
            params = dict(plan.params)
            sp = _places(params.get("per", Decimal(1)))
            sd = _places(params.get("deduct", Decimal(1)))
            exact = rule.score(
                method,
                Inputs(
                    weight=w,
                    rounding=Rounding(score=q),
                    policy=policy,
                    target=target_obj,
                    actual=a,
                    actual_text="x",
                ),
            )
            krule = K.Rule(
                kind=plan.kernel,
                cmp=CMP[got.cmp],
                places=places,
                percent=got.unit == "%",
                partial=plan.partial,
            )  # type: ignore[arg-type]
            T, A = _at(t, st_), _at(a, sa)
            P, D = (
                _at(Fraction(params.get("per", Decimal(1))), sp),
                _at(Fraction(params.get("deduct", Decimal(1))), sd),
            )
            assert None not in (T, A, P, D)
            s, met = K.score(
                krule,
                K.Scales(weight=sw, target=st_, actual=sa, per=sp, deduct=sd),
                np.array([W]),
                np.array([T]),
                np.array([A]),
                per=np.array([P]),
                deduct=np.array([D]),
            )
        got_score = Decimal(int(s[0])).scaleb(-places)
        assert got_score == exact.score, (rule.name, exact.steps)
        assert bool(met[0]) is bool(exact.met), (rule.name, exact.steps)

    check()
