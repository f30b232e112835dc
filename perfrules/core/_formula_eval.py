"""Exact evaluation of formulas parsed by :mod:`perfrules.model._formula`.

Semantics:

* Every value is an exact rational (:class:`fractions.Fraction`). Inputs may
  be ``Fraction``, ``Decimal`` or ``int`` and are converted exactly; floats
  (and bools) are refused, because they are not exact. No ``Decimal``
  context and no binary float ever touches an intermediate.
* Number literals are exact decimals; ``95%`` is exactly 95/100.
* ``+ - * /`` are the rational operations; ``/`` by zero raises
  :class:`FormulaZeroDivision`, naming the divisor as written.
* ``min``/``max``/``abs`` are the usual ones; ``round(x, n)`` rounds to ``n``
  decimal places half-up, ties away from zero (四舍五入): ``round(2.5, 0)``
  is 3, ``round(-2.5, 0)`` is -3, ``round(1.005, 2)`` is 1.01.
* Nothing is rounded implicitly: the result of ``1 / 3`` is exactly 1/3, and
  ``1 / 3 * 3`` is exactly 1. Only an explicit ``round`` rounds.
* All arguments are evaluated, left to right; a name missing from the
  environment raises ``KeyError(name)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from perfrules._errors import PerfrulesError
from perfrules.core._exact import round_half_up
from perfrules.model import (
    Binary,
    Call,
    Formula,
    Name,
    Node,
    Number,
    Unary,
    unparse,
)

__all__ = ["FormulaZeroDivision", "evaluate_formula"]


class FormulaZeroDivision(PerfrulesError, ZeroDivisionError):
    """Division by zero while evaluating a formula (a :class:`ArithmeticError`).

    ``divisor_text`` is the divisor as :func:`unparse` writes it (``budget-spent``),
    ``column`` the 1-based column of the ``/`` (``None`` for an AST built in
    code), ``en``/``zh`` the English and Chinese messages.
    """

    def __init__(self, en: str, zh: str, column: int | None, divisor_text: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh
        self.column = column
        self.divisor_text = divisor_text

    def __str__(self) -> str:
        return self.en if self.column is None else f"column {self.column}: {self.en}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.en, self.zh, self.column, self.divisor_text))


def _exact(name: str, value: object) -> Fraction:
    if isinstance(value, bool):
        raise TypeError(f"value of {name!r} must be a Fraction, Decimal or int, not bool")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"value of {name!r} must be finite, not {value}")
        return Fraction(value)
    raise TypeError(
        f"value of {name!r} must be a Fraction, Decimal or int, not {type(value).__name__}"
    )


def _round_half_up(value: Fraction, places: int) -> Fraction:
    """``round(x, places)`` of a formula: the one half-up rounding (ties away from zero) of the core."""
    return Fraction(round_half_up(value, Decimal(1).scaleb(-places)))


class _Evaluator:
    def __init__(self, env: Mapping[str, Fraction | Decimal | int]) -> None:
        self.env = env
        self.cache: dict[str, Fraction] = {}

    def name(self, name: str) -> Fraction:
        if name not in self.cache:
            try:
                raw = self.env[name]
            except KeyError:
                raise KeyError(name) from None
            self.cache[name] = _exact(name, raw)
        return self.cache[name]

    def value(self, node: Node) -> Fraction:  # recursion depth ≤ MAX_NODES (Formula's limit)
        if isinstance(node, Number):
            return Fraction(node.value)
        if isinstance(node, Name):
            return self.name(node.name)
        if isinstance(node, Unary):
            operand = self.value(node.operand)
            return -operand if node.op == "-" else operand
        if isinstance(node, Binary):
            left = self.value(node.left)
            right = self.value(node.right)
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            if right == 0:
                text = unparse(node.right)
                raise FormulaZeroDivision(
                    f"division by zero: the divisor '{text}' is 0",
                    f"除数“{text}”的值为0，无法相除",
                    node.column,
                    text,
                )
            return left / right
        return self.call(node)

    def call(self, node: Call) -> Fraction:
        if node.func == "round":
            places = node.args[1]
            assert isinstance(places, Number)  # guaranteed by Call's validator
            return _round_half_up(self.value(node.args[0]), int(places.value))
        values = [self.value(arg) for arg in node.args]
        if node.func == "min":
            return min(values)
        if node.func == "max":
            return max(values)
        if node.func == "abs":
            return abs(values[0])
        raise AssertionError(f"unknown function {node.func!r}")  # pragma: no cover - Call validates


def evaluate_formula(
    formula_or_node: Formula | Node, env: Mapping[str, Fraction | Decimal | int]
) -> Fraction:
    """The exact value of a formula (or AST) with names bound by ``env``.

    Raises ``KeyError(name)`` for a name missing from ``env``,
    :class:`FormulaZeroDivision` for a zero divisor, ``TypeError`` for a
    float (or other inexact) value in ``env``, and
    :class:`~perfrules.model._formula.FormulaError` for a bare AST beyond the
    formula limits.
    """
    if isinstance(formula_or_node, Formula):
        root = formula_or_node.root
    else:
        root = Formula.from_node(formula_or_node).root  # enforces the limits
    return _Evaluator(env).value(root)
