"""How the 自评表 prints: column widths that fit their content and row heights that fit wrapped text.

Pure estimates from the layout (no openpyxl): a spreadsheet does not size rows
to wrapped text when it opens a file (Excel and LibreOffice both keep the
default height unless asked), so the writer states every row's height. Widths
are in Excel's unit, the width of one digit of the default font (Calibri 11,
7 px); a CJK character of an 11 pt CJK font is about 2.1 digits wide (14.7 px),
:data:`WIDE`. Heights are in points.
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal

from perfrules.interchange._cells import fits_number_cell, plain
from perfrules.interchange._layout import COLUMNS, WIDTHS, Cell, Layout
from perfrules.interchange._sheet import split_ref

WIDE = 2.1  # a CJK (East Asian wide or fullwidth) character, in digit widths (14.7 px of 7)
NARROW = 1.0  # any other character
PADDING = 1.0  # digit widths lost to the cell's margins and borders
MIN_WIDTH = WIDE + PADDING + 1  # no column narrower than one CJK character plus padding
LINE = {11: 16.0, 16: 24.0}  # points per line of text by font size (CJK fonts set ~1.45 em)
ROW_PADDING = 6.0  # points above and below the text
MIN_HEIGHT = 20.0  # a row of one line, with room around it
MAX_HEIGHT = 409.0  # the tallest row a spreadsheet keeps (Excel: 409 pt)


def char_width(ch: str) -> float:
    """The width of ``ch`` in digit widths."""
    return WIDE if unicodedata.east_asian_width(ch) in ("W", "F") else NARROW


def text_width(text: str) -> float:
    """The width of one line of ``text`` (no wrapping), in digit widths."""
    return sum(char_width(ch) for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a cell ``width`` digits wide (explicit line breaks kept).

    CJK text breaks between any two characters; a run of other characters
    (a word, a number with its unit) moves to the next line whole when it does
    not fit, and is cut only when it is wider than the cell.
    """
    room = max(width - PADDING, NARROW)
    total = 0
    for line in text.split("\n"):
        lines, used = 1, 0.0
        for token in _tokens(line):
            w = text_width(token)
            if used + w <= room:
                used += w
                continue
            if token == " ":
                continue  # a space at a break disappears
            if w <= room:
                lines, used = lines + 1, w
                continue
            for ch in token:  # a word wider than the cell is cut
                cw = char_width(ch)
                if used + cw > room:
                    lines, used = lines + 1, 0.0
                used += cw
        total += lines
    return total


def _tokens(line: str) -> list[str]:
    out: list[str] = []
    word = ""
    for ch in line:
        if ch == " " or char_width(ch) == WIDE:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def shown_text(cell: Cell) -> str | None:
    """What the cell shows, as text (a number as its number format shows it)."""
    value = cell.value
    if isinstance(value, Decimal):
        if not fits_number_cell(value):
            return plain(value * 100) + "%" if cell.percent else plain(value)
        places = cell.places or 0
        shown = value * 100 if cell.percent else value
        return f"{shown:.{places}f}" + ("%" if cell.percent else "")
    return value


def _spans(layout: Layout) -> dict[str, tuple[int, int, int, int]]:
    """Each merged range's top-left ref → (first row, last row, first column, last column)."""
    out: dict[str, tuple[int, int, int, int]] = {}
    for rng in layout.merges:
        first, last = rng.split(":")
        r1, c1 = split_ref(first)
        r2, c2 = split_ref(last)
        out[first] = (r1, r2, c1, c2)
    return out


def column_widths(layout: Layout) -> dict[str, float]:
    """Each column's width: the base width, widened to fit every unwrapped value it holds alone.

    Numbers and header texts are never wrapped: a column is made wide enough
    for the widest of them (全年执行数 fits its amounts and its header).
    """
    widths = {col: float(WIDTHS[col]) for col in COLUMNS}
    spans = _spans(layout)
    for cell in layout.cells:
        text = shown_text(cell)
        if not text or cell.ref in spans and spans[cell.ref][2] != spans[cell.ref][3]:
            continue  # empty, or spread over several columns
        if cell.wrap and cell.role != "header":
            continue  # long text wraps: the row grows instead
        col = cell.ref.rstrip("0123456789")
        need = max(text_width(line) for line in text.split("\n")) + PADDING + 0.5
        if cell.role == "header":
            need += 1  # bold
        widths[col] = max(widths[col], need)
    return {col: round(max(w, MIN_WIDTH), 1) for col, w in widths.items()}


def row_heights(layout: Layout, widths: dict[str, float]) -> dict[int, float]:
    """Each written row's height in points: enough lines for the tallest wrapped text in it.

    A cell merged over several columns wraps in their summed width; one merged
    over several rows shares its lines among them (the last row takes what the
    others do not give).
    """
    spans = _spans(layout)
    first_col = {i + 1: col for i, col in enumerate(COLUMNS)}
    heights: dict[int, float] = {}
    tall: list[tuple[int, int, float]] = []  # (first row, last row, points) of cells over rows
    for cell in layout.cells:
        text = shown_text(cell)
        row, col = split_ref(cell.ref)
        r1, r2, c1, c2 = spans.get(cell.ref, (row, row, col, col))
        heights.setdefault(row, MIN_HEIGHT)
        if not text:
            continue
        width = sum(widths[first_col[c]] for c in range(c1, c2 + 1))
        size = 16 if cell.role == "heading" and cell.ref == "A1" else 11
        points = wrapped_lines(text, width) * LINE[size] + ROW_PADDING
        if r1 == r2:
            heights[row] = max(heights[row], points)
        else:
            tall.append((r1, r2, points))
    for row, points in layout.min_heights:
        heights[row] = max(heights.get(row, MIN_HEIGHT), points)
    for r1, r2, points in tall:
        rows = range(r1, r2 + 1)
        have = sum(heights.setdefault(r, MIN_HEIGHT) for r in rows)
        if have < points:
            heights[r2] += points - have
    return {r: min(math.ceil(h * 4) / 4, MAX_HEIGHT) for r, h in sorted(heights.items())}
