"""The hypothesis kit perfrules.testing: its arguments, what it draws, and that each property bites."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from conftest import ROOT, SEED_DIR, D, make_actuals, make_spec, qual, quant, tier, value
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis.errors import InvalidArgument

import perfrules
from perfrules import (
    Actuals,
    BudgetAmounts,
    BudgetExecution,
    Evaluation,
    IndicatorActual,
    Policy,
    RateTimesWeight,
    Rounding,
    Spec,
    StepDeduction,
    WeightPrecision,
)
from perfrules.testing import (
    BUDGET_KINDS,
    METHOD_NAMES,
    PROPERTIES,
    Case,
    actuals_for,
    cases,
    check_all,
    check_deterministic,
    check_explained,
    check_grade,
    check_monotone,
    check_rescaling,
    check_round_trip,
    check_score_bounds,
    check_subtotals,
    check_total,
    specs,
)
from perfrules.testing._rules import method_name

KIT = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
AUTHOR = settings(
    KIT, max_examples=100
)  # what docs/testing.md recommends for a policy author's spec
FIND = settings(
    max_examples=2000,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# ---------------------------------------------------------------------------
# importing


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_importing_perfrules_never_imports_hypothesis() -> None:
    done = _python(
        "import sys, perfrules, perfrules.cli, perfrules.core, perfrules.model, perfrules.render, perfrules.loading\n"
        "assert 'hypothesis' not in sys.modules, sorted(m for m in sys.modules if 'hypothesis' in m)\n"
    )
    assert done.returncode == 0, done.stderr


def test_the_kit_without_hypothesis_names_the_testing_extra() -> None:
    done = _python(
        "import sys\n"
        "sys.modules['hypothesis'] = None  # as if it were not installed\n"
        "import perfrules\n"
        "try:\n"
        "    import perfrules.testing\n"
        "except perfrules.MissingExtraError as exc:\n"
        "    print(isinstance(exc, ImportError), exc)\n"
        "else:\n"
        "    raise SystemExit('imported')\n"
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.startswith("True")
        and "perfrules[testing]" in done.stdout
        and "hypothesis" in done.stdout
    )


# ---------------------------------------------------------------------------
# argument validation: InvalidArgument at once, saying what is wrong


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: specs(methods="ratio"), "single string"),
        (lambda: specs(methods=["ratio", "rato"]), "'rato', which is not one of"),
        (lambda: specs(methods=[]), "empty"),
        (lambda: specs(methods=42), "collection of names"),
        (lambda: specs(budget_execution=["bands", "capped"]), "'capped'"),
        (lambda: specs(budget_execution="bands"), "single string"),
        (lambda: specs(min_indicators=0), "between 1 and 60"),
        (lambda: specs(max_indicators=61), "between 1 and 60"),
        (lambda: specs(max_indicators=True), "must be an int"),
        (lambda: specs(min_indicators=2.0), "must be an int"),
        (lambda: specs(min_indicators=5, max_indicators=2), "above max_indicators"),
        (lambda: specs(total=99.5), "never a float"),
        (lambda: specs(total="abc"), "not a number"),
        (lambda: specs(total=5), "between 10 and 1000000"),
        (lambda: specs(total="100.001"), "more than 2 decimal places"),
        (lambda: specs(total=Decimal("Infinity")), "between 10"),
        (lambda: specs(derived=1), "True (always), False (never) or None"),
        (lambda: specs(bonus="yes"), "bonus='yes'"),
        (lambda: specs(round_to=1), "round_to=1 must be True (always), False (never) or None"),
        (lambda: specs(round_to="0.1"), "round_to='0.1' must be True"),
        (lambda: cases(round_to=Decimal(1)), "round_to=Decimal('1') must be True"),
        (
            lambda: specs(weight_precision=1),
            "weight_precision=1 must be True (always), False (never) or None",
        ),
        (lambda: specs(weight_precision="allow"), "weight_precision='allow' must be True"),
        (lambda: cases(weight_precision="error"), "weight_precision='error' must be True"),
        (
            lambda: specs(methods=["qualitative", "per_occurrence"], derived=True),
            "derived=True needs",
        ),
        (lambda: actuals_for("spec.toml"), "must be a perfrules.Spec"),
        (lambda: actuals_for(_one_indicator_spec(), not_applicable=True), "two indicators or more"),
        (lambda: actuals_for(_one_indicator_spec(), bonus=True), "declares no bonus items"),
        (lambda: actuals_for(_one_indicator_spec(), vetoes=True), "declares no vetoes"),
        (lambda: actuals_for(_one_indicator_spec(), near_boundary=None), "near_boundary=None"),
        (lambda: actuals_for(_one_indicator_spec(), deductions=0), "deductions=0"),
        (lambda: cases(not_applicable=True, max_indicators=1), "max_indicators ≥ 2"),
        (lambda: cases(near_boundary="edges"), "near_boundary='edges'"),
        (lambda: cases(methods=["ratio"], vetoes=2), "vetoes=2"),
    ],
)
def test_strategy_arguments_are_validated_at_once(make: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=_literal(message)):
        make()


def test_actuals_for_an_invalid_spec_lists_its_problems() -> None:
    spec = _one_indicator_spec()
    broken = attrs.evolve(spec, meta=attrs.evolve(spec.meta, total=D(90)))
    with pytest.raises(
        InvalidArgument, match="is not valid, so it has no valid actuals: meta.total"
    ):
        actuals_for(broken)


def test_property_arguments_are_validated() -> None:
    spec, actuals = _small_case()
    with pytest.raises(ValueError, match="skip must name properties"):
        check_all(spec, actuals, skip=["monotonic"])
    with pytest.raises(ValueError, match="skip must name properties"):
        check_all(spec, actuals, skip="monotone")
    with pytest.raises(ValueError, match="deltas must be positive"):
        check_monotone(spec, actuals, deltas=[D(0)])


def _literal(text: str) -> str:
    return re.escape(text)


def _one_indicator_spec() -> Spec:
    return make_spec([quant("x", 100, "≥10")], filler=False)


# ---------------------------------------------------------------------------
# what the strategies draw


CONFIGS: list[dict[str, Any]] = [
    {},
    {"methods": ["bands"], "budget_execution": ["bands"], "custom_tiers": False},
    {"methods": ["step", "per_occurrence", "rate"], "budget_execution": ["step", "round_whole"]},
    {"methods": ["qualitative"], "custom_tiers": True, "budget_execution": False},
    {
        "methods": ["ratio", "inverse_ratio", "linear_overshoot"],
        "overshoot_deduction": True,
        "derived": True,
    },
    {
        "not_applicable": True,
        "bonus": True,
        "vetoes": True,
        "deductions": True,
        "min_indicators": 3,
    },
    {"total": "87.5", "budget_execution": True, "near_boundary": False},
    {
        "total": 1000,
        "min_indicators": 10,
        "max_indicators": 12,
        "derived": False,
        "bonus": False,
        "vetoes": False,
    },
    {"round_to": True, "deductions": True, "stated": None},
    {"round_to": True, "methods": ["qualitative"], "custom_tiers": None},
    {"round_to": False},
    {"weight_precision": True, "deductions": True, "not_applicable": None, "stated": None},
    {"weight_precision": True, "methods": ["qualitative", "bands"], "round_to": True},
    {"weight_precision": True, "budget_execution": True, "total": "99.5"},
    {"weight_precision": False},
]


@pytest.mark.parametrize("config", CONFIGS, ids=[str(i) for i in range(len(CONFIGS))])
def test_drawn_cases_are_valid_and_honour_the_arguments(config: dict[str, Any]) -> None:
    @KIT
    @given(cases(**config))
    def run(case: Case) -> None:
        spec, actuals = case  # a Case unpacks as a pair
        perfrules.check(spec, actuals)  # never a problem: evaluate never raises
        ev = perfrules.evaluate(spec, actuals)
        used = {method_name(i) for i in spec.indicators}
        assert used <= set(config.get("methods", METHOD_NAMES))
        lo, hi = config.get("min_indicators", 1), config.get("max_indicators", 8)
        assert lo <= len(spec.indicators) <= hi
        if config.get("budget_execution") is False:
            assert spec.budget_execution is None
        elif config.get("budget_execution") is not None:
            assert spec.budget_execution is not None and ev.budget_execution is not None
            kinds = config["budget_execution"]
            if kinds is not True:
                block = spec.budget_execution
                kind = block.method.name if block.method is not None else block.policy.value
                assert kind in kinds and kind in BUDGET_KINDS
        if "total" in config:
            assert spec.meta.total == Decimal(config["total"])
        if config.get("custom_tiers") is True:
            assert spec.tiers != perfrules.model.DEFAULT_TIERS
        if config.get("custom_tiers") is False:
            assert spec.tiers == perfrules.model.DEFAULT_TIERS
        if config.get("overshoot_deduction"):
            assert spec.policy.overshoot_deduction is not None
        if config.get("derived") is True:
            assert any(i.derive is not None for i in spec.indicators)
        if config.get("derived") is False:
            assert all(i.derive is None for i in spec.indicators)
        for flag, declared, given_ in (
            ("bonus", spec.bonus, actuals.bonus),
            ("vetoes", spec.vetoes, actuals.vetoes),
        ):
            if config.get(flag) is True:
                assert declared and given_
            if config.get(flag) is False:
                assert not declared and not given_
        if config.get("not_applicable"):
            assert any(not r.applicable for r in ev.indicators) and any(
                r.applicable for r in ev.indicators
            )
        if config.get("deductions"):
            assert any(a.deductions for a in actuals.indicators)
        if config.get("round_to") is True:
            assert any(i.round_to is not None for i in spec.indicators)
        if config.get("round_to") is False:
            assert all(i.round_to is None for i in spec.indicators)
        allow = spec.policy.weight_precision is WeightPrecision.ALLOW
        if config.get("weight_precision") is True:
            assert allow
        if config.get("weight_precision") is False:
            assert not allow and not _fine_rows(spec)

    run()


@KIT
@given(specs())
def test_drawn_specs_are_valid_and_load_back(spec: Spec) -> None:
    perfrules.check(spec)
    assert perfrules.loads_spec(perfrules.dumps_spec(spec)) == spec


def _actual_equals_target(case: Case) -> bool:
    ev = perfrules.evaluate(*case)
    return any(
        ev.indicator(i.id).actual_value == Fraction(i.target.value)
        for i in case.spec.indicators
        if i.target is not None
    )


def _ratio_tie(case: Case) -> bool:
    """Some unmet ≥ indicator scored by ratio whose exact score w·a/t is a half-quantum tie (x.xx5)."""
    ev = perfrules.evaluate(*case)
    q = Fraction(case.spec.rounding.score)
    for ind in case.spec.indicators:
        res = ev.indicator(ind.id)
        t = ind.target
        if (
            method_name(ind) != "ratio"
            or t is None
            or t.comparator.value != "≥"
            or res.actual_value is None
        ):
            continue
        if 0 < res.actual_value < t.value:
            steps = res.actual_value / Fraction(t.value) * Fraction(ind.weight) / q
            if steps - (steps.numerator // steps.denominator) == Fraction(1, 2):
                return True
    return False


def _at_band_edge(case: Case) -> bool:
    ev = perfrules.evaluate(*case)
    for ind in case.spec.indicators:
        res = ev.indicator(ind.id)
        m = ind.method
        if (
            isinstance(m, perfrules.Bands)
            and m.on is perfrules.BandBasis.ACTUAL
            and res.actual_value is not None
        ):
            edges = {
                Fraction(e) for b in m.bands for e in (b.min, b.max) if e is not None and e > 0
            }
            if res.actual_value in edges:
                return True
    return False


def _at_step_edge(case: Case) -> bool:
    ev = perfrules.evaluate(*case)
    for ind in case.spec.indicators:
        res = ev.indicator(ind.id)
        m, t = ind.method, ind.target
        if isinstance(m, StepDeduction) and t is not None and res.actual_value is not None:
            distance = abs(res.actual_value - Fraction(t.value))
            if distance > 0 and (distance / Fraction(m.per)).denominator == 1:
                return True
    return False


def _budget_tie(case: Case) -> bool:
    ev = perfrules.evaluate(*case)
    be, block = ev.budget_execution, case.spec.budget_execution
    if be is None or block is None or block.method is not None or be.rate >= 1:
        return False
    quantum = (
        Fraction(1) if block.policy.value == "round_whole" else Fraction(case.spec.rounding.score)
    )
    steps = be.rate * Fraction(block.weight) / quantum
    return steps - (steps.numerator // steps.denominator) == Fraction(1, 2)


@pytest.mark.parametrize(
    ("strategy", "condition"),
    [
        (cases(methods=["ratio"]), _actual_equals_target),
        (cases(methods=["ratio"]), _ratio_tie),
        (cases(methods=["bands"]), _at_band_edge),
        (cases(methods=["step"]), _at_step_edge),
        (cases(budget_execution=["round_whole", "proportional"]), _budget_tie),
    ],
    ids=[
        "actual-equals-target",
        "ratio-tie",
        "band-edge",
        "step-edge",
        "budget-rounding-threshold",
    ],
)
def test_near_boundary_values_are_drawn(strategy: Any, condition: Callable[[Case], bool]) -> None:
    find(strategy, condition, settings=FIND)


def _own_quanta(spec: Spec) -> list[Decimal]:
    return [i.round_to for i in spec.indicators if i.round_to is not None]


def _coarse_and_fine(spec: Spec) -> bool:
    """Rows with a round_to coarser than rounding.score and rows with one finer, in one spec."""
    q = spec.rounding.score
    return any(r > q for r in _own_quanta(spec)) and any(r < q for r in _own_quanta(spec))


def _respelled(spec: Spec) -> bool:
    """A round_to written apart from its plain spelling (1.0, 1E-1, 0.010)."""
    return any(str(r) not in {"10", "1", "0.1", "0.01", "0.001"} for r in _own_quanta(spec))


def _tie_at_own_quantum(case: Case) -> bool:
    """An unmet ratio row whose exact score w·a/t is a half-up tie at its own round_to, finer than
    rounding.score (x.xxx5 at 0.001: a tie no edge of the rule and no tie at rounding.score
    gives, so only ties drawn at the row's own quantum hit it)."""
    ev = perfrules.evaluate(*case)
    for ind in case.spec.indicators:
        res, t = ev.indicator(ind.id), ind.target
        if ind.round_to is None or ind.round_to >= case.spec.rounding.score:
            continue
        if method_name(ind) != "ratio" or t is None or t.comparator.value != "≥":
            continue
        if res.actual_value is not None and 0 < res.actual_value < t.value:
            own = res.actual_value / Fraction(t.value) * Fraction(ind.weight / ind.round_to)
            if own - own.numerator // own.denominator == Fraction(1, 2):
                return True
    return False


@pytest.mark.parametrize(
    ("strategy", "condition"),
    [
        (specs(weight_precision=False), lambda spec: bool(_own_quanta(spec))),
        (specs(weight_precision=False), _coarse_and_fine),
        (specs(weight_precision=False), _respelled),
        (
            specs(methods=["qualitative"], weight_precision=False),
            lambda spec: bool(_own_quanta(spec)),
        ),
    ],
    ids=["some-row", "coarser-and-finer", "respelled", "qualitative"],
)
def test_specs_draw_rows_with_their_own_round_to(
    strategy: Any, condition: Callable[[Spec], bool]
) -> None:
    found = find(strategy, condition, settings=FIND)
    # a valid spec under weight_precision = "error": every weight a multiple of its row's quantum
    # (under "allow" a round_to need not divide the weight: test_specs_draw_weights_finer_than…)
    perfrules.check(found)
    assert all(i.weight % i.score_quantum(found.rounding.score) == 0 for i in found.indicators)


def test_specs_draw_round_to_in_a_share_of_specs_by_default() -> None:
    """By default about a third of the specs have rows with round_to (0 of 600 before the kit
    drew it); round_to=True puts one in every spec, round_to=False in none."""
    drawn = {True: 0, False: 0}

    @settings(FIND, max_examples=300, database=None)
    @given(specs())
    def count(spec: Spec) -> None:
        drawn[bool(_own_quanta(spec))] += 1

    count()
    assert drawn[True] >= 30, drawn  # ~100 of 300 expected; 30 is far in the tail

    @settings(KIT, database=None)
    @given(specs(round_to=True), specs(round_to=False))
    def always_never(with_: Spec, without: Spec) -> None:
        assert _own_quanta(with_) and not _own_quanta(without)

    always_never()


def _fine_rows(spec: Spec) -> list[str]:
    """The rows whose weight is finer than the quantum their score is rounded to (the budget row
    as ``budget``): what only ``policy.weight_precision = "allow"`` admits."""
    q = spec.rounding.score
    fine = [i.id for i in spec.indicators if i.weight % i.score_quantum(q) != 0]
    block = spec.budget_execution
    if block is not None:
        whole = block.method is None and block.policy.value == "round_whole"
        if block.weight % (Decimal(1) if whole else q) != 0:
            fine.append("budget")
    return fine


def _allows(spec: Spec) -> bool:
    return spec.policy.weight_precision is WeightPrecision.ALLOW


def _above_its_weight(case: Case) -> bool:
    """A met row that scores above its weight (4.5 → 5 at whole points)."""
    ev = perfrules.evaluate(*case)
    return any(r.met and r.score > r.weight for r in ev.indicators)


def _met_below_its_weight(case: Case) -> bool:
    """A met row that loses points to rounding alone (4.4 → 4 at whole points; drawn without
    deductions)."""
    ev = perfrules.evaluate(*case)
    return _allows(case.spec) and any(
        r.met
        and r.applicable
        and r.method == "ratio"  # a met rate row may score below its weight by its own rule
        and 0 < r.weight - r.score < 1
        for r in ev.indicators
    )


def _fine_at_a_tenth(spec: Spec) -> bool:
    """A weight finer than 0.1 on a row rounded to 0.1 (2.25 at 0.1)."""
    q = spec.rounding.score
    return any(
        i.score_quantum(q) == Decimal("0.1") and i.weight % Decimal("0.1") != 0
        for i in spec.indicators
    )


def _fine_by_round_to(spec: Spec) -> bool:
    """A weight on ``rounding.score``'s grid, but finer than the row's own, coarser round_to."""
    q = spec.rounding.score
    return any(
        i.round_to is not None and i.weight % q == 0 and i.weight % i.round_to != 0
        for i in spec.indicators
    )


@pytest.mark.parametrize(
    ("strategy", "condition"),
    [
        (specs(), lambda spec: _allows(spec) and bool(_fine_rows(spec))),
        (specs(), _fine_at_a_tenth),
        (specs(), _fine_by_round_to),
        (specs(budget_execution=True), lambda spec: "budget" in _fine_rows(spec)),
        (cases(methods=["ratio", "step"]), _above_its_weight),
        (
            cases(methods=["ratio", "rate"], deductions=False, overshoot_deduction=False),
            _met_below_its_weight,
        ),
        (
            cases(weight_precision=True, bonus=False, not_applicable=False),
            lambda case: perfrules.evaluate(*case).total > case.spec.meta.total,
        ),
    ],
    ids=[
        "fine-row",
        "fine-at-a-tenth",
        "fine-by-round-to",
        "fine-budget-row",
        "met-above-weight",
        "met-below-weight",
        "total-above-meta-total",
    ],
)
def test_specs_draw_weights_finer_than_their_quantum_under_allow(
    strategy: Any, condition: Callable[[Any], bool]
) -> None:
    found = find(strategy, condition, settings=FIND)
    spec = found if isinstance(found, Spec) else found.spec
    perfrules.check(spec)  # valid: weight-precision is not checked under "allow"
    assert _allows(spec) and _fine_rows(spec)


def test_specs_draw_weight_precision_allow_in_a_share_of_specs_by_default() -> None:
    """By default about one spec in four declares "allow" (none did before the kit drew it), most
    of them with rows finer than their quantum; weight_precision=True declares it in every spec,
    weight_precision=False in none (and no row finer than its quantum)."""
    drawn = {"specs": 0, "allow": 0, "fine": 0}

    @settings(FIND, max_examples=300, database=None)
    @given(specs())
    def count(spec: Spec) -> None:
        drawn["specs"] += 1
        drawn["allow"] += _allows(spec)
        drawn["fine"] += bool(_fine_rows(spec))
        assert _allows(spec) or not _fine_rows(spec)

    count()
    # ~75 of 300 expected, 37 to 115 seen (hypothesis draws in runs); 20 is far in the tail. Most
    # "allow" specs have rows finer than their quantum (40 of 55 at the least seen): not a single
    # row holding the whole of a total of 100
    assert drawn["allow"] >= 20, drawn
    assert drawn["fine"] >= drawn["allow"] / 2, drawn

    @settings(KIT, database=None)
    @given(specs(weight_precision=True), specs(weight_precision=False))
    def always_never(with_: Spec, without: Spec) -> None:
        assert _allows(with_) and not _allows(without) and not _fine_rows(without)

    always_never()


def test_near_boundary_actuals_hit_ties_at_a_rows_own_quantum() -> None:
    find(cases(methods=["ratio"], round_to=True), _tie_at_own_quantum, settings=FIND)


def test_near_boundary_actuals_for_the_seed_hit_the_budget_rows_rounding_threshold() -> None:
    spec = perfrules.load_spec(SEED_DIR)  # round_whole at weight 10: 94.5% is the tie 9.45 → 9
    found = find(actuals_for(spec), lambda a: _budget_tie(Case(spec, a)), settings=FIND)
    assert found.budget is not None


# ---------------------------------------------------------------------------
# each property fails when the behaviour it names breaks


def _small_case() -> tuple[Spec, Actuals]:
    spec = make_spec(
        [
            quant("x", 10, "≥100"),
            quant("y", 5, "≤10", method=StepDeduction(per=D(1), deduct=D(1))),
            quant("r", 10, "≥90%", method=RateTimesWeight()),
            qual("z", 10),
        ],
        budget=BudgetExecution(weight=D(10)),
    )
    actuals = make_actuals(
        value("x", 90),
        value("y", 12),
        value("r", "92.5"),
        tier("z", "部分达成"),
        budget=BudgetAmounts(full_year=D(100), spent=D(90)),
    )
    return spec, actuals


def _broken(change: Callable[[Evaluation], Evaluation]) -> Callable[[Spec, Actuals], Evaluation]:
    return lambda spec, actuals: change(perfrules.evaluate(spec, actuals))


def _with_indicator(ev: Evaluation, ind_id: str, **changes: Any) -> Evaluation:
    return attrs.evolve(
        ev,
        indicators=tuple(
            attrs.evolve(r, **changes) if r.id == ind_id else r for r in ev.indicators
        ),
    )


def test_the_small_case_satisfies_every_property() -> None:
    spec, actuals = _small_case()
    assert check_all(spec, actuals) == tuple(PROPERTIES)


def test_score_bounds_catches_a_score_above_its_weight_or_off_the_grid() -> None:
    spec, actuals = _small_case()
    above = _broken(lambda ev: _with_indicator(ev, "x", score=D("10.5")))
    with pytest.raises(
        AssertionError, match=r"\[score_bounds\] indicator 'x' .* scores 10.5, outside \[0, 10\]"
    ):
        check_score_bounds(spec, actuals, evaluate=above)
    fine = _broken(lambda ev: _with_indicator(ev, "x", score=D("9.005")))
    with pytest.raises(AssertionError, match="not a multiple of rounding.score"):
        check_score_bounds(spec, actuals, evaluate=fine)
    whole = _with_round_to(spec, "x", "1")  # 10 × 90/100 = 9 at whole points
    assert check_score_bounds(whole, actuals)
    off = _broken(lambda ev: _with_indicator(ev, "x", score=D("9.5")))
    with pytest.raises(AssertionError, match=r"scores 9.5, not a multiple of its round_to = 1"):
        check_score_bounds(whole, actuals, evaluate=off)
    over = _broken(lambda ev: attrs.evolve(ev, total=D("100.01")))
    with pytest.raises(AssertionError, match="exceeds meta.total"):
        check_score_bounds(spec, actuals, evaluate=over)


def test_total_catches_a_wrong_total() -> None:
    spec, actuals = _small_case()
    wrong = _broken(lambda ev: attrs.evolve(ev, total=ev.total - D("0.01")))
    with pytest.raises(
        AssertionError, match=r"\[total\] the total .* is not Σ 一级 subtotals \+ budget"
    ):
        check_total(spec, actuals, evaluate=wrong)
    na = attrs.evolve(
        actuals,
        indicators=tuple(
            IndicatorActual(id="y", not_applicable="本年无此业务") if a.id == "y" else a
            for a in actuals.indicators
        ),
    )
    unscaled = _broken(
        lambda ev: attrs.evolve(
            ev,
            total=sum(
                (c.score for c in ev.categories if c.level == 1),
                ev.budget_execution.score if ev.budget_execution else D(0),
            ),
        )
    )
    with pytest.raises(AssertionError, match="the documented rule gives .*rescaled"):
        check_total(spec, na, evaluate=unscaled)


def test_subtotals_catches_a_subtotal_that_is_not_the_sum() -> None:
    spec, actuals = _small_case()
    wrong = _broken(
        lambda ev: attrs.evolve(
            ev, categories=tuple(attrs.evolve(c, score=c.score - 1) for c in ev.categories)
        )
    )
    with pytest.raises(
        AssertionError, match=r"\[subtotals\] category 'c' subtotal is .* children add up to"
    ):
        check_subtotals(spec, actuals, evaluate=wrong)


def test_grade_catches_a_grade_outside_its_band() -> None:
    spec, actuals = _small_case()
    wrong = _broken(lambda ev: attrs.evolve(ev, grade="优" if ev.grade != "优" else "良"))
    with pytest.raises(AssertionError, match=r"\[grade\] the total .* earns"):
        check_grade(spec, actuals, evaluate=wrong)


def test_explained_catches_a_lost_point_without_reason_and_a_met_target_below_full() -> None:
    spec, actuals = _small_case()
    silent = _broken(lambda ev: _with_indicator(ev, "x", reason=None))
    with pytest.raises(AssertionError, match=r"\[explained\] indicator 'x' .* without a reason"):
        check_explained(spec, actuals, evaluate=silent)
    met = attrs.evolve(
        actuals,
        indicators=tuple(
            attrs.evolve(a, value=D(100)) if a.id == "x" else a for a in actuals.indicators
        ),
    )
    short = _broken(
        lambda ev: _with_indicator(
            ev,
            "x",
            score=D("9.99"),
            reason="扣0.01分",
            steps=(
                *ev.indicator("x").steps[:-1],
                perfrules.Step(kind="deduction", zh="扣0.01分", en=""),
                ev.indicator("x").steps[-1],
            ),
        )
    )
    with pytest.raises(AssertionError, match="meets its target .* but scores 9.99"):
        check_explained(spec, met, evaluate=short)


def _with_round_to(spec: Spec, ind_id: str, quantum: str) -> Spec:
    return attrs.evolve(
        spec,
        indicators=tuple(
            attrs.evolve(i, round_to=D(quantum)) if i.id == ind_id else i for i in spec.indicators
        ),
    )


def test_explained_catches_a_qualitative_score_outside_its_tier() -> None:
    spec, actuals = _small_case()  # 'z' (weight 10) at 部分达成 [6, 8): tier_top 7.99
    assert check_explained(spec, actuals)
    across = _broken(lambda ev: _with_indicator(ev, "z", score=D(8)))
    with pytest.raises(
        AssertionError,
        match=r"\[explained\] indicator 'z' .* is at tier '部分达成.*' \[6, 8\) but scores 8, outside",
    ):
        check_explained(spec, actuals, evaluate=across)


def test_explained_catches_a_round_to_row_that_does_not_say_so_first() -> None:
    spec, actuals = _small_case()
    whole = _with_round_to(spec, "x", "1")
    assert check_explained(whole, actuals)
    unsaid = _broken(lambda ev: _with_indicator(ev, "x", steps=ev.indicator("x").steps[1:]))
    with pytest.raises(
        AssertionError, match=r"indicator 'x' .* declares round_to = 1, but its first step"
    ):
        check_explained(whole, actuals, evaluate=unsaid)


# policy.weight_precision = "allow": the rule as written, rounding may pass the weight


def _allow_case() -> tuple[Spec, Actuals]:
    """Weights in half points rounded to whole points, declared "allow": x (4.5, ≥100) met scores
    5; y (4.5) at 90 scores 4.05 → 4; z (qualitative, 10.5) at 达成 scores 11; s (step, 4.5) met
    scores 5; the filler (71.5) 72; the budget row (4.5, round_whole) at 99% 4.455 → 4. Total 101,
    above meta.total = 100."""
    spec = make_spec(
        [
            quant("x", "4.5", "≥100"),
            quant("y", "4.5", "≥100"),
            qual("z", "10.5"),
            quant("s", "4.5", "≤10", method=StepDeduction(per=D(1), deduct=D(1))),
        ],
        budget=BudgetExecution(weight=D("4.5"), policy=perfrules.ExecutionPolicy.ROUND_WHOLE),
        policy=Policy(weight_precision=WeightPrecision.ALLOW),
        rounding=Rounding(score=D(1)),
    )
    actuals = make_actuals(
        value("x", 100),
        value("y", 90),
        tier("z", "达成年度指标"),
        value("s", 10),
        budget=BudgetAmounts(full_year=D(100), spent=D(99)),
    )
    return spec, actuals


def _with_budget(ev: Evaluation, **changes: Any) -> Evaluation:
    assert ev.budget_execution is not None
    return attrs.evolve(ev, budget_execution=attrs.evolve(ev.budget_execution, **changes))


def test_the_allow_case_satisfies_every_property() -> None:
    spec, actuals = _allow_case()
    ev = perfrules.evaluate(spec, actuals)
    scores = {r.id: r.score for r in ev.indicators}
    assert scores == {"x": 5, "y": 4, "z": 11, "s": 5, "fill": 72}
    assert ev.budget_execution is not None and ev.budget_execution.score == 4
    assert ev.total == 101
    assert check_all(spec, actuals) == tuple(PROPERTIES)


def test_score_bounds_under_allow_bounds_a_score_by_its_weight_rounded() -> None:
    spec, actuals = _allow_case()
    above = _broken(lambda ev: _with_indicator(ev, "x", score=D(6)))
    with pytest.raises(
        AssertionError,
        match=r"indicator 'x' .* scores 6, outside \[0, 5\]: its weight 4.5 rounded half-up to "
        r"1 = 5",
    ):
        check_score_bounds(spec, actuals, evaluate=above)
    budget = _broken(lambda ev: _with_budget(ev, score=D(6)))
    with pytest.raises(AssertionError, match=r"the budget row scores 6 of weight 4.5 .*= 5"):
        check_score_bounds(spec, actuals, evaluate=budget)
    subtotal = _broken(
        lambda ev: attrs.evolve(
            ev, categories=tuple(attrs.evolve(c, score=c.score + 2) for c in ev.categories)
        )
    )  # c scores 97 (y: 4); x 5 + y 5 + z 11 + s 5 + fill 72 = 98 at most
    with pytest.raises(AssertionError, match=r"category 'c' subtotal 99 lies outside \[0, 98\]"):
        check_score_bounds(spec, actuals, evaluate=subtotal)
    total = _broken(lambda ev: attrs.evolve(ev, total=D("103.01")))  # 98 + 5 at most
    with pytest.raises(AssertionError, match=r"the total 103.01 exceeds 103, what the total rule"):
        check_score_bounds(spec, actuals, evaluate=total)
    assert check_score_bounds(
        spec, actuals, evaluate=_broken(lambda ev: attrs.evolve(ev, total=D(103)))
    )


def test_explained_under_allow_wants_a_met_target_at_its_weight_rounded() -> None:
    spec, actuals = _allow_case()
    clamped = _broken(  # the weight as a cap after rounding: "error" applied to an "allow" spec
        lambda ev: _with_indicator(ev, "x", score=D("4.5"))
    )
    with pytest.raises(
        AssertionError,
        match=r"indicator 'x' .* meets its target .* but scores 4.5 of 4.5, not its weight 4.5 "
        r"rounded half-up to 1 = 5",
    ):
        check_explained(spec, actuals, evaluate=clamped)
    tier_top = _broken(lambda ev: _with_indicator(ev, "z", score=D(12)))
    with pytest.raises(
        AssertionError, match=r"indicator 'z' .* \[8.4, 11\] but scores 12, outside it \(its top"
    ):
        check_explained(spec, actuals, evaluate=tier_top)


def test_explained_under_allow_wants_no_full_marks_threshold_for_a_weight_off_its_grid() -> None:
    spec, actuals = _allow_case()
    ev = perfrules.evaluate(spec, actuals)
    assert ev.indicator("y").full_marks is None  # 4.5 at whole points: no score equals it
    be = ev.budget_execution
    assert be is not None and be.full_marks is not None and be.full_marks.threshold is None
    promise = attrs.evolve(  # a threshold, as the step method's why-not gave before
        be.full_marks, threshold=Fraction(100), comparator="≥", zh="预算执行率≥100%即可得满分"
    )
    with pytest.raises(
        AssertionError, match=r"indicator 'y'.*its weight 4.5 is finer than its quantum 1"
    ):
        check_explained(
            spec, actuals, evaluate=_broken(lambda e: _with_indicator(e, "y", full_marks=promise))
        )
    with pytest.raises(
        AssertionError,
        match=r"the budget row's weight 4.5 is finer than its quantum 1 .* names a threshold",
    ):
        check_explained(
            spec, actuals, evaluate=_broken(lambda e: _with_budget(e, full_marks=promise))
        )
    with pytest.raises(
        AssertionError, match=r"indicator 'x' .* loses nothing \(5 of 4.5\), yet says"
    ):
        check_explained(
            spec, actuals, evaluate=_broken(lambda e: _with_indicator(e, "x", full_marks=promise))
        )
    with pytest.raises(AssertionError, match=r"the budget row scores 4 of 4.5: it must say what"):
        check_explained(spec, actuals, evaluate=_broken(lambda e: _with_budget(e, full_marks=None)))


def test_rescaling_under_allow_wants_the_total_of_the_rounded_weights() -> None:
    spec, actuals = _allow_case()
    na = attrs.evolve(
        actuals,
        indicators=tuple(
            IndicatorActual(id="y", not_applicable="本年无此业务") if a.id == "y" else a
            for a in actuals.indicators
        ),
    )
    # x 5 + z 11 + s 5 + fill 72 + budget 5 = 98, × 100 / 95.5 = 102.6178… → 102.62
    assert check_rescaling(spec, na)
    assert perfrules.evaluate(
        spec, attrs.evolve(na, budget=BudgetAmounts(full_year=D(100), spent=D(100)))
    ).total == D("102.62")
    capped = _broken(lambda ev: attrs.evolve(ev, total=min(ev.total, D(100))))
    with pytest.raises(
        AssertionError,
        match=r"\[rescaling\] every applicable row is at full marks, each scoring its weight "
        r"rounded half-up .*: 98 in all, rescaled for \['y'\] not applicable, so the total must "
        r"be 102.62; it is 100",
    ):
        check_rescaling(spec, na, evaluate=capped)
    exact = _broken(lambda ev: _with_indicator(ev, "x", score=D("4.5")))
    with pytest.raises(
        AssertionError, match=r"indicator 'x' .* scores 4.5, not 4.5: its weight 4.5"
    ):
        check_rescaling(spec, na, evaluate=exact)


def test_monotone_catches_a_rule_that_rewards_doing_worse() -> None:
    spec, actuals = _small_case()

    def upside_down(
        s: Spec, a: Actuals
    ) -> Evaluation:  # 'x' (≥100) scored higher the lower its actual
        ev = perfrules.evaluate(s, a)
        res = ev.indicator("x")
        assert res.actual_value is not None
        score = max(D(0), D(10) - perfrules.core.round_half_up(res.actual_value / 10, D("0.01")))
        return _with_indicator(ev, "x", score=score)

    with pytest.raises(
        AssertionError,
        match=r"\[monotone\] indicator 'x' \(ratio, target ≥100\): moving the actual from 90 to",
    ):
        check_monotone(spec, actuals, evaluate=upside_down)


def test_monotone_catches_a_broken_scoring_method_in_the_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec, actuals = _small_case()
    from perfrules.core.methods import rate

    score_rate = rate.score_rate

    def falling_rate(**kw: Any) -> Any:  # rate × weight turned into (1 − rate) × weight
        kw["actual"] = 100 - kw["actual"]
        return score_rate(**kw)

    monkeypatch.setattr(rate, "score_rate", falling_rate)
    with pytest.raises(AssertionError, match=r"\[monotone\] indicator 'r' \(rate"):
        check_monotone(spec, actuals)


def test_rescaling_catches_a_total_that_is_not_rescaled() -> None:
    spec, actuals = _small_case()
    na = attrs.evolve(
        actuals,
        indicators=tuple(
            IndicatorActual(id="y", not_applicable="本年无此业务") if a.id == "y" else a
            for a in actuals.indicators
        ),
    )
    assert check_rescaling(spec, na)

    def unscaled(s: Spec, a: Actuals) -> Evaluation:
        ev = perfrules.evaluate(s, a)
        plain = sum((c.score for c in ev.categories if c.level == 1), D(0))
        return attrs.evolve(
            ev, total=plain + (ev.budget_execution.score if ev.budget_execution else D(0))
        )

    with pytest.raises(
        AssertionError,
        match=r"\[rescaling\] every applicable row is at full marks with \['y'\] not applicable",
    ):
        check_rescaling(spec, na, evaluate=unscaled)


def test_deterministic_catches_an_evaluation_that_changes_between_calls() -> None:
    spec, actuals = _small_case()
    calls: list[int] = []

    def drifting(s: Spec, a: Actuals) -> Evaluation:
        calls.append(1)
        ev = perfrules.evaluate(s, a)
        return attrs.evolve(ev, actuals_label=str(len(calls)))

    with pytest.raises(
        AssertionError, match=r"\[deterministic\] two evaluations .* differ in \['actuals_label'\]"
    ):
        check_deterministic(spec, actuals, evaluate=drifting)


def test_round_trip_catches_an_evaluation_that_depends_on_the_file() -> None:
    spec, actuals = _small_case()

    def file_sensitive(s: Spec, a: Actuals) -> Evaluation:
        ev = perfrules.evaluate(s, a)
        return attrs.evolve(ev, title=ev.title + "（文件）") if s.source is not None else ev

    with pytest.raises(
        AssertionError,
        match=r"\[round_trip\] the inputs read back evaluate to another JSON document",
    ):
        check_round_trip(spec, actuals, evaluate=file_sensitive)


def test_check_all_reports_the_first_failing_property_by_name() -> None:
    spec, actuals = _small_case()
    wrong = _broken(lambda ev: attrs.evolve(ev, total=ev.total + 1))
    with pytest.raises(AssertionError, match=r"^\[total\]"):
        check_all(spec, actuals, evaluate=wrong)
    assert "total" not in check_all(spec, actuals, skip=["total", "round_trip"])


# ---------------------------------------------------------------------------
# a policy author's spec, in a few lines (as docs/testing.md shows)

SEED_SPEC = perfrules.load_spec(SEED_DIR / "spec.toml")


@AUTHOR
@given(actuals_for(SEED_SPEC))
def test_seed_spec(actuals: Actuals) -> None:
    check_all(SEED_SPEC, actuals)


CATALOGUE_SPEC = perfrules.load_spec(ROOT / "examples" / "catalogue-demo" / "spec.toml")


@KIT
@given(actuals_for(CATALOGUE_SPEC, not_applicable=True, bonus=True, vetoes=None))
def test_catalogue_demo_spec(actuals: Actuals) -> None:
    check_all(CATALOGUE_SPEC, actuals)


def test_the_examples_of_docs_testing_md_run(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(ROOT)  # the examples name files relative to the project
    namespace: dict[str, Any] = {}
    for block in blocks:  # in order, sharing names, as a reader would paste them; few examples each
        exec(re.sub(r"max_examples=\d+", "max_examples=3", block), namespace)  # noqa: S102
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert len(tests) >= 4
    for test in tests:
        test()


def test_the_published_actuals_satisfy_every_property() -> None:
    spec, actuals = perfrules.load_example(SEED_DIR)
    assert check_all(spec, actuals) == tuple(PROPERTIES)
    spec, actuals = perfrules.load_example(ROOT / "examples" / "catalogue-demo")
    assert set(check_all(spec, actuals)) >= set(PROPERTIES) - {"rescaling"}
