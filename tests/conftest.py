"""Shared fixtures and small builders for specs and actuals built in Python."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import perfrules
from perfrules import (
    Actuals,
    BudgetAmounts,
    BudgetExecution,
    Category,
    Derivation,
    Evaluation,
    GradeBand,
    Indicator,
    IndicatorActual,
    IndicatorResult,
    Kind,
    Meta,
    Policy,
    QuantitativeTarget,
    Rounding,
    Spec,
)
from perfrules.model import DEFAULT_GRADES

ROOT = Path(__file__).resolve().parents[1]
# The published report the seed example reproduces, beside the checkout (../shared/seed/); tests that
# read it skip, saying why, where it is absent (an sdist, a checkout elsewhere).
SEED_REPORT = ROOT.parent / "shared" / "seed" / "000_89c0cb00bebb9dcf.txt"
SEED_REPORT_MISSING = (
    f"the seed report is not beside this checkout (looked for ../shared/seed/{SEED_REPORT.name})"
)
SEED_DIR = ROOT / "examples" / "hunan-2024-general-office"


def D(value: str | int) -> Decimal:
    """Short Decimal constructor; always from text or int, never from a float."""
    assert not isinstance(value, float)
    return Decimal(value)


# ---------------------------------------------------------------------------
# builders


def quant(
    ind_id: str,
    weight: str | int,
    target: str,
    *,
    category: str = "c",
    **kw: object,
) -> Indicator:
    """A quantitative indicator with a target written the way forms write it (``≥400期``)."""
    return Indicator(
        id=ind_id,
        name=kw.pop("name", f"指标{ind_id}"),  # type: ignore[arg-type]
        category=category,
        weight=D(weight),
        target=QuantitativeTarget.parse(target),
        **kw,  # type: ignore[arg-type]
    )


def qual(
    ind_id: str, weight: str | int, *, category: str = "c", text: str = "按规定时限办结"
) -> Indicator:
    """A qualitative indicator (no numeric target, wording in target_text)."""
    return Indicator(
        id=ind_id, name=f"定性{ind_id}", category=category, weight=D(weight), target_text=text
    )


def derived(
    ind_id: str, weight: str | int, target: str, num: str, den: str, *, category: str = "c"
) -> Indicator:
    """A rate computed from two amounts."""
    return attrs.evolve(
        quant(ind_id, weight, target, category=category),
        derive=Derivation(numerator=num, denominator=den),
    )


def make_spec(
    indicators: Iterable[Indicator],
    *,
    budget: BudgetExecution | None = None,
    policy: Policy = Policy(),
    rounding: Rounding = Rounding(),
    grades: tuple[GradeBand, ...] = DEFAULT_GRADES,
    filler: bool = True,
) -> Spec:
    """A one-category spec around ``indicators``.

    With ``filler`` (the default) a met filler indicator ``fill`` (≥1, weight
    chosen so that everything adds up to 100) is added, so that the default
    grade bands 90/80/60 stay valid; ``fill_actual()`` gives its actual.
    """
    inds = list(indicators)
    used = sum((i.weight for i in inds), Decimal(0)) + (budget.weight if budget else 0)
    if filler and used < 100:
        inds.append(quant("fill", 100 - used, "≥1"))
    cat_weight = sum((i.weight for i in inds), Decimal(0))
    total = cat_weight + (budget.weight if budget else 0)
    return Spec(
        meta=Meta(
            id="t-spec",
            title="测试规范",
            unit="测试单位",
            year=2024,
            kind=Kind.PROJECT,
            total=total,
        ),
        categories=(Category(id="c", name="产出指标", weight=cat_weight),),
        indicators=tuple(inds),
        budget_execution=budget,
        policy=policy,
        rounding=rounding,
        grades=grades,
    )


def fill_actual() -> IndicatorActual:
    return IndicatorActual(id="fill", value=D(1))


def make_actuals(
    *items: IndicatorActual,
    budget: BudgetAmounts | None = None,
    amounts: dict[str, str] | None = None,
    filler: bool = True,
) -> Actuals:
    acts = list(items)
    if filler:
        acts.append(fill_actual())
    return Actuals(
        indicators=tuple(acts),
        budget=budget,
        amounts=tuple(perfrules.Amount(name=k, value=D(v)) for k, v in (amounts or {}).items()),
    )


def value(ind_id: str, v: str | int) -> IndicatorActual:
    return IndicatorActual(id=ind_id, value=D(v))


def tier(ind_id: str, name: str, score: str | None = None) -> IndicatorActual:
    return IndicatorActual(id=ind_id, tier=name, score=None if score is None else D(score))


def score_one(
    target: str,
    actual: str | int,
    weight: str | int = 3,
    *,
    policy: Policy = Policy(),
    rounding: Rounding = Rounding(),
    **kw: object,
) -> IndicatorResult:
    """Evaluate a single quantitative indicator ``x`` and return its result."""
    spec = make_spec([quant("x", weight, target, **kw)], policy=policy, rounding=rounding)
    ev = perfrules.evaluate(spec, make_actuals(value("x", actual)))
    return ev.indicator("x")


def evaluate_one(spec: Spec, actuals: Actuals) -> Evaluation:
    return perfrules.evaluate(spec, actuals)


def step_kinds(result: IndicatorResult | perfrules.BudgetExecutionResult) -> list[str]:
    return [s.kind for s in result.steps]


def problem_codes(exc: perfrules.SpecError) -> list[str]:
    return [p.code for p in exc.problems]


@contextlib.contextmanager
def without_ctext(module: Any) -> Iterator[None]:
    """``module``'s compiled text kernels (its ``_ctext``) set aside: its NumPy and Arrow path runs."""
    saved = module._ctext
    module._ctext = None
    try:
        yield
    finally:
        module._ctext = saved


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line containing ``needle`` (computed from the input)."""
    found = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s)")


def column_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based column where ``needle`` starts on the line :func:`line_of` finds."""
    line = text.splitlines()[line_of(text, needle, occurrence) - 1]
    return line.index(needle) + 1


# ---------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session")
def seed_spec_text() -> str:
    return (SEED_DIR / "spec.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_actuals_text() -> str:
    return (SEED_DIR / "actuals.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed() -> tuple[Spec, Actuals]:
    return perfrules.load_example(SEED_DIR)


@pytest.fixture(scope="session")
def seed_spec(seed: tuple[Spec, Actuals]) -> Spec:
    return seed[0]


@pytest.fixture(scope="session")
def seed_actuals(seed: tuple[Spec, Actuals]) -> Actuals:
    return seed[1]


@pytest.fixture(scope="session")
def seed_eval(seed: tuple[Spec, Actuals]) -> Evaluation:
    return perfrules.evaluate(*seed)
