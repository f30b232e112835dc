"""A worksheet read once into plain values, with merged cells resolved and every cell nameable."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfrules._xlsx_guard import column_letters as letter
from perfrules._xlsx_guard import column_number
from perfrules.interchange._cells import CellValueError, plain, read_decimal, visible


def split_ref(ref: str) -> tuple[int, int]:
    """``C12`` → (12, 3)."""
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), column_number(ref[:i])


class Sheet:
    """The values and number formats of one worksheet; a cell inside a merged range reads as its top-left cell."""

    def __init__(self, ws: Any) -> None:
        self.name: str = ws.title
        self.values: dict[tuple[int, int], Any] = {}
        self.formats: dict[tuple[int, int], str] = {}
        # the cells the sheet holds, never its whole used range (iter_rows would make a cell at every position)
        cells = getattr(ws, "_cells", None)
        held = (
            cells.values()
            if isinstance(cells, dict)
            else (c for row in ws.iter_rows() for c in row)
        )
        for c in held:
            if getattr(c, "value", None) is not None:
                self.values[(c.row, c.column)] = c.value
                self.formats[(c.row, c.column)] = c.number_format
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
        """The columns of ``row`` whose own cell holds a value (a merged range's top-left only), in order."""
        return self._by_row.get(row, [])

    def where(self, row: int, col: int) -> tuple[int, int]:
        """The cell that holds the value shown at (row, col): its merged range's top-left, or itself."""
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
        """The exact number at (row, col); :class:`CellValueError` when it is not one."""
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
