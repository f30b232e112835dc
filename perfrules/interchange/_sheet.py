"""A worksheet read once into plain values, with merged cells resolved and every cell nameable."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from perfrules._xlsx_guard import column_letters as letter
from perfrules._xlsx_guard import column_number
from perfrules.interchange._cells import CellValueError, plain, read_decimal, visible
from perfrules.interchange._formula import MAX_DEPTH, FormulaError, evaluate_formula


def split_ref(ref: str) -> tuple[int, int]:
    """``C12`` → (12, 3)."""
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), column_number(ref[:i])


class Sheet:
    """The values and number formats of one worksheet; a cell inside a merged range reads as its
    top-left cell.

    ``formulas``, when given, returns the formula of every formula cell (read
    on first need): a formula cell without a cached value (saved by a program
    that does not calculate) then reads as the formula's exact value
    (:mod:`perfrules.interchange._formula`) instead of as empty.
    """

    def __init__(
        self, ws: Any, formulas: Callable[[], dict[tuple[int, int], str]] | None = None
    ) -> None:
        self.name: str = ws.title
        self._formula_source = formulas
        self._formulas: dict[tuple[int, int], str] | None = None
        self._evaluating: set[tuple[int, int]] = set()
        self.values: dict[tuple[int, int], Any] = {}
        self.formats: dict[tuple[int, int], str] = {}
        # the cells the sheet holds, never its whole used range (iter_rows would make a cell at
        # every position)
        cells = getattr(ws, "_cells", None)
        held = (
            cells.values()
            if isinstance(cells, dict)
            else (c for row in ws.iter_rows() for c in row)
        )
        for c in held:
            if getattr(c, "value", None) is not None or formulas is not None:
                self.formats[(c.row, c.column)] = c.number_format
            if getattr(c, "value", None) is not None:
                self.values[(c.row, c.column)] = c.value
        self.top_left: dict[tuple[int, int], tuple[int, int]] = {}
        self.span: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            self.span[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.top_left[(r, c)] = (rng.min_row, rng.min_col)
        self.max_row = max((r for r, _ in self.values), default=0)
        self.max_col = max((c for _, c in self.values), default=0)
        self._by_row: dict[int, list[int]] = {}
        for r, c in sorted(self.values):
            self._by_row.setdefault(r, []).append(c)
        self._rows = sorted(self._by_row)

    def rows_with_values(self, start: int, stop: int) -> list[int]:
        """The rows from ``start`` to ``stop`` (inclusive) with a value in some cell, in order."""
        import bisect

        return self._rows[
            bisect.bisect_left(self._rows, start) : bisect.bisect_right(self._rows, stop)
        ]

    def columns_with_values(self, row: int) -> list[int]:
        """The columns of ``row`` whose own cell holds a value (a merged range's top-left only),
        in order."""
        return self._by_row.get(row, [])

    def where(self, row: int, col: int) -> tuple[int, int]:
        """The cell that holds the value shown at (row, col): its merged range's top-left, or
        itself."""
        return self.top_left.get((row, col), (row, col))

    def raw(self, row: int, col: int) -> Any:
        return self.values.get(self.where(row, col))

    def fmt(self, row: int, col: int) -> str | None:
        return self.formats.get(self.where(row, col))

    def ref(self, row: int, col: int) -> str:
        r, c = self.where(row, col)
        return f"{letter(c)}{r}"

    def cell(self, row: int, col: int) -> str:
        return f"{self.name}!{self.ref(row, col)}"

    def text(self, row: int, col: int) -> str | None:
        """The cell as text (a number as plain digits); ``None`` when empty."""
        value = self.raw(row, col)
        if value is None:
            return None
        if isinstance(value, str):
            return visible(value)
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            try:
                number = read_decimal(value, self.fmt(row, col))
            except CellValueError:
                return repr(value)
            return plain(number) if number is not None else None
        return str(value)

    def number(
        self,
        row: int,
        col: int,
        *,
        declared: bool = False,
        percent: bool = False,
        suffixes: tuple[str, ...] = (),
    ) -> Decimal | None:
        """The exact number at (row, col); :class:`CellValueError` when it is not one.

        A declared result (``declared``) in a formula cell without a cached value
        is the formula's value, when it is one :func:`evaluate_formula`
        evaluates; else it reads as empty.
        """
        where = self.where(row, col)
        if declared and self.raw(row, col) is None and self._formula_source is not None:
            if self._formulas is None:
                self._formulas = self._formula_source()
            formula = self._formulas.get(where)
            if formula is not None:
                value = self._evaluate(where, formula)
                if value is not None:  # as the cell would cache it
                    return read_decimal(
                        value,
                        self.fmt(row, col),
                        declared=True,
                        percent=percent,
                        suffixes=suffixes,
                    )
        return read_decimal(
            self.raw(row, col),
            self.fmt(row, col),
            declared=declared,
            percent=percent,
            suffixes=suffixes,
        )

    def spans_right(self, row: int, col: int) -> bool:
        """Whether the cell at (row, col) is merged with cells to its right."""
        r, c = self.where(row, col)
        end = self.span.get((r, c))
        return end is not None and end[1] > c

    def _evaluate(self, where: tuple[int, int], formula: str) -> float | None:
        """The value of the uncached formula at ``where``, as a cell would hold it; ``None`` when
        not evaluated."""
        if where in self._evaluating or len(self._evaluating) >= MAX_DEPTH:
            return None  # a cycle, or formulas nested too deep: not evaluated
        self._evaluating.add(where)
        try:
            exact = evaluate_formula(formula, self._fraction)
        except (FormulaError, CellValueError):
            return None
        finally:
            self._evaluating.discard(where)
        return float(exact)  # what a spreadsheet would cache: read by the number rules

    def _fraction(self, row: int, col: int) -> Fraction | None:
        number = self.number(row, col, declared=True)
        return None if number is None else Fraction(number)
