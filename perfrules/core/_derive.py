"""Actuals derived from amounts: ``{numerator, denominator}`` tables and formulas.

A derived actual is computed exactly from the actuals' ``[amounts]`` (and the
``[budget]`` figures, as ``budget.full_year``, ``budget.spent`` and
``budget.initial``). For a target in %, the value computed is a ratio and is
shown × 100 (``702.8 / 823`` → 85.39%).
"""

from __future__ import annotations

from fractions import Fraction

from perfrules.core._formula_eval import evaluate_formula
from perfrules.model import Actuals, Derivation, Formula, unparse

BUDGET_NAMES = ("budget.full_year", "budget.spent", "budget.initial")


def amount_env(actuals: Actuals) -> dict[str, Fraction]:
    """Every name a derivation may use, with its exact value."""
    env = {a.name: Fraction(a.value) for a in actuals.amounts}
    b = actuals.budget
    if b is not None:
        env["budget.full_year"] = Fraction(b.full_year)
        env["budget.spent"] = Fraction(b.spent)
        if b.initial is not None:
            env["budget.initial"] = Fraction(b.initial)
    return env


def names_of(derive: Derivation | Formula) -> list[tuple[str, str]]:
    """(role, name) of every amount the derivation reads, in order."""
    if isinstance(derive, Derivation):
        return [("numerator", derive.numerator), ("denominator", derive.denominator)]
    return [("formula", n) for n in sorted(derive.names)]


def compute(derive: Derivation | Formula, env: dict[str, Fraction]) -> Fraction:
    """The exact value; raises ZeroDivisionError (a FormulaZeroDivision for formulas)."""
    if isinstance(derive, Derivation):
        return env[derive.numerator] / env[derive.denominator]
    return evaluate_formula(derive, env)


def text_of(derive: Derivation | Formula, labels: dict[str, str] | None = None) -> tuple[str, str]:
    """The derivation as Chinese (with amount labels) and English text."""
    if isinstance(derive, Derivation):
        lbl = labels or {}
        zh = f"{lbl.get(derive.numerator, derive.numerator)} ÷ {lbl.get(derive.denominator, derive.denominator)}"
        return zh, f"{derive.numerator} / {derive.denominator}"
    text = unparse(derive.root, spaced=True)
    return text, text
