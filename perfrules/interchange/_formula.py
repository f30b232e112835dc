"""The formulas a 自评表 uses for its 小计 and 总分, evaluated exactly when no value is cached.

A workbook saved by Excel or LibreOffice stores each formula's result, which the
reader uses. One saved by a library that does not calculate (openpyxl) keeps
the formula without a result; so that the declared 小计 and 总分 are still
checked, the reader evaluates such a cell itself. Only what the exporter and
the blank template write is understood — numbers, cell references and ranges,
``+ - * /``, parentheses and ``SUM``, ``ROUND``, ``MROUND``, ``MIN``, ``MAX`` —
in exact fractions (no float noise); anything else is not evaluated and the
cell reads as empty (:class:`FormulaError`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from perfrules._errors import PerfrulesError
from perfrules._xlsx_guard import column_number

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d{1,7}(?::\$?[A-Z]{1,3}\$?\d{1,7})?)(?![A-Z(])"
    r"|(?P<name>[A-Z][A-Z0-9.]*)\s*\("
    r"|(?P<op>[-+*/(),]))"
)
MAX_DEPTH = 32  # formulas referring to formulas, at most this deep
MAX_CELLS = 10_000  # cells one formula may read (a range is bounded by the form's size anyway)


class FormulaError(PerfrulesError, ValueError):
    """A formula this reader does not evaluate (a function or syntax it does not know, a cycle)."""


Lookup = Callable[[int, int], Fraction | None]
"""The value of the cell at (row, column), ``None`` when empty."""


def _ref(text: str) -> tuple[int, int]:
    text = text.replace("$", "")
    m = re.fullmatch(r"([A-Z]+)(\d+)", text)
    if m is None:  # pragma: no cover - the token pattern admits only references
        raise FormulaError(text)
    return int(m[2]), column_number(m[1])


def _round_half_up(x: Fraction, quantum: Fraction) -> Fraction:
    steps = abs(x) / quantum
    n = (steps.numerator * 2 + steps.denominator) // (2 * steps.denominator)
    return (n if x >= 0 else -n) * quantum


class _Parser:
    def __init__(self, text: str, lookup: Lookup) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise FormulaError(f"cannot read {text[pos:]!r}")
            kind = m.lastgroup or ""
            self.tokens.append((kind, m[kind]))
            if kind == "name":
                self.tokens.append(("op", "("))
            pos = m.end()
        self.i = 0
        self.lookup = lookup
        self.read = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, op: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (op is not None and tok != ("op", op)):
            raise FormulaError(f"expected {op or 'more'}")
        self.i += 1
        return tok

    def parse(self) -> Fraction:
        value = self.expr()
        if self.peek() is not None:
            raise FormulaError("unexpected text after the formula")
        return value

    def expr(self) -> Fraction:
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> Fraction:
        value = self.factor()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            rhs = self.factor()
            if op == "/" and rhs == 0:
                raise FormulaError("division by zero")
            value = value * rhs if op == "*" else value / rhs
        return value

    def factor(self) -> Fraction:
        kind, text = self.take()
        if (kind, text) == ("op", "-"):
            return -self.factor()
        if (kind, text) == ("op", "+"):
            return self.factor()
        if (kind, text) == ("op", "("):
            value = self.expr()
            self.take(")")
            return value
        if kind == "num":
            return Fraction(Decimal(text))
        if kind == "ref":
            values = self.cells(text)
            if len(values) != 1:
                raise FormulaError(f"a range {text} outside a function")
            return values[0]
        if kind == "name":
            return self.call(text)
        raise FormulaError(f"unexpected {text!r}")

    def cells(self, text: str) -> list[Fraction]:
        first, _, last = text.partition(":")
        r1, c1 = _ref(first)
        r2, c2 = _ref(last or first)
        (r1, r2), (c1, c2) = sorted((r1, r2)), sorted((c1, c2))
        self.read += (r2 - r1 + 1) * (c2 - c1 + 1)
        if self.read > MAX_CELLS:
            raise FormulaError("the formula reads too many cells")
        out = []
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                v = self.lookup(r, c)
                if v is not None:
                    out.append(v)
        return out if ":" in text else (out or [Fraction(0)])

    def args(self) -> list[list[Fraction]]:
        self.take("(")
        out: list[list[Fraction]] = []
        if self.peek() == ("op", ")"):
            self.take(")")
            return out
        while True:
            tok = self.peek()
            nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
            if tok is not None and tok[0] == "ref" and nxt in (("op", ","), ("op", ")")):
                self.take()
                out.append(self.cells(tok[1]))
            else:
                out.append([self.expr()])
            if self.take()[1] == ")":
                return out

    def call(self, name: str) -> Fraction:
        args = self.args()
        flat = [v for group in args for v in group]
        if name == "SUM":
            return sum(flat, Fraction(0))
        if name in ("MIN", "MAX"):
            if not flat:
                return Fraction(0)
            return min(flat) if name == "MIN" else max(flat)
        if name in ("ROUND", "MROUND") and len(args) == 2 and all(len(a) == 1 for a in args):
            (x,), (y,) = args
            if name == "ROUND":
                if y.denominator != 1:
                    raise FormulaError("ROUND to a fractional number of digits")
                return _round_half_up(x, Fraction(1, 10 ** int(y)) if y >= 0 else 10 ** -int(y))
            if y <= 0:
                raise FormulaError("MROUND to a multiple that is not positive")
            return _round_half_up(x, y)
        raise FormulaError(f"the function {name} is not evaluated")


def evaluate_formula(text: str, lookup: Lookup) -> Fraction:
    """The exact value of ``text`` (a formula without its ``=``), reading cells through ``lookup``.

    Raises :class:`FormulaError` for what it does not evaluate.
    """
    return _Parser(text.lstrip("="), lookup).parse()
