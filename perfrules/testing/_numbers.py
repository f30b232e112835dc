"""Exact-number helpers of the testing kit, independent of the core's own.

The kit re-derives what it needs (half-up rounding, formula values, decimal
conversion) rather than calling the core's private helpers, so that a bug
there cannot hide itself from the properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from perfrules.model import Binary, Call, Formula, Name, Node, Number, Unary

MAX_PLACES = 10  # the TOML loader's limits: at most 10 decimal places ...
MAX_VALUE = Fraction(10**15)  # ... and an absolute value below 10^15


def to_decimal(value: Fraction, *, places: int = MAX_PLACES) -> Decimal | None:
    """``value`` as an exact Decimal with at most ``places`` places and below 10^15, else ``None``.

    The result has no needless trailing zeros (``2.50`` → ``2.5``), like the
    numbers a TOML file holds.
    """
    if abs(value) >= MAX_VALUE:
        return None
    scaled = value * 10**places
    if scaled.denominator != 1:
        return None
    result = Decimal(scaled.numerator).scaleb(-places)
    text = format(result, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def exact_decimal(value: Fraction) -> Decimal | None:
    """``value`` as an exact Decimal (any number of places) when it terminates, else ``None``."""
    d = value.denominator
    k = 0
    while d % 10 == 0:
        d //= 10
        k += 1
    while d % 2 == 0:
        d //= 2
        k += 1
    while d % 5 == 0:
        d //= 5
        k += 1
    if d != 1:
        return None
    return Decimal((value * 10**k).numerator).scaleb(-k)


def round_half_up(value: Fraction, quantum: Decimal | Fraction) -> Fraction:
    """四舍五入 to a multiple of ``quantum``: ties away from zero."""
    q = Fraction(quantum)
    steps = value / q
    n = (abs(steps) * 2 + 1) // 2
    return (n if steps >= 0 else -n) * q


def on_grid(value: Decimal | Fraction, quantum: Decimal | Fraction) -> bool:
    """Whether ``value`` is a whole multiple of ``quantum``."""
    return (Fraction(value) / Fraction(quantum)).denominator == 1


def show(value: Fraction | Decimal | int) -> str:
    """Short exact text for messages: a decimal when it terminates, else ``p/q (≈x)``."""
    f = Fraction(value)
    dec = exact_decimal(f)
    if dec is not None:
        text = format(dec, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    approx = round_half_up(f, Fraction(1, 10**6))
    shown = exact_decimal(approx)
    return f"{f.numerator}/{f.denominator} (≈{shown})"


def formula_value(formula: Formula, env: Mapping[str, Fraction]) -> Fraction | None:
    """The exact value of ``formula`` over ``env``; ``None`` on a zero divisor or a missing name."""
    try:
        return _node_value(formula.root, env)
    except (ZeroDivisionError, KeyError):
        return None


def _node_value(node: Node, env: Mapping[str, Fraction]) -> Fraction:
    if isinstance(node, Number):
        return Fraction(node.value)
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Unary):
        v = _node_value(node.operand, env)
        return -v if node.op == "-" else v
    if isinstance(node, Binary):
        left, right = _node_value(node.left, env), _node_value(node.right, env)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return left / right  # ZeroDivisionError on 0
    assert isinstance(node, Call)
    if node.func == "round":
        places = node.args[1]
        assert isinstance(places, Number)
        return round_half_up(_node_value(node.args[0], env), Fraction(1, 10 ** int(places.value)))
    values = [_node_value(a, env) for a in node.args]
    if node.func == "min":
        return min(values)
    if node.func == "max":
        return max(values)
    return abs(values[0])


def simple_ratio(formula: Formula) -> tuple[tuple[str, ...], str] | None:
    """``(numerator names, denominator name)`` when the formula is ``n / d`` or
    ``(n1 + n2 + …) / d``."""
    root = formula.root
    if not (isinstance(root, Binary) and root.op == "/" and isinstance(root.right, Name)):
        return None
    terms: list[str] = []

    def collect(node: Node) -> bool:
        if isinstance(node, Name):
            terms.append(node.name)
            return True
        if isinstance(node, Binary) and node.op == "+":
            return collect(node.left) and collect(node.right)
        return False

    if not collect(root.left):
        return None
    names = (*terms, root.right.name)
    if len(set(names)) != len(names):
        return None
    return tuple(terms), root.right.name
