"""Cell values: the exact rules for text and numbers between the model and a workbook.

Numbers (docs/excel.md, "Numbers"):

* A number with at most 15 significant digits is written as a numeric cell
  with a number format showing every decimal it has. Excel keeps 15
  significant digits, so such a number survives Excel and is read back exactly:
  the reader turns the stored ``float`` into ``Decimal(repr(x))`` (the shortest
  text that reads back as the same float), which equals the number written.
* A number with more digits is written as a text cell ("123456789012345.1234")
  so that nothing is lost; the reader accepts numeric text in every numeric
  column and reads it with ``Decimal(text)``.
* A numeric cell whose shortest ``repr`` has more than 15 significant digits
  (``0.30000000000000004``: a formula's float noise, never a typed value) is
  an error, except in the cells of declared results (得分, 执行率, totals), which
  are read as the form displays them when their number format fixes the
  decimals (``0.00`` → two decimals, half-up).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from perfrules._errors import PerfrulesError
from perfrules._limits import exact, number_problem
from perfrules._messages import message
from perfrules.model import format_decimal

MAX_DIGITS = 15  # what an Excel numeric cell keeps

# characters a worksheet cannot hold (XML 1.0): control characters other than tab/newline,
# U+FFFE/U+FFFF, surrogates
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_FIXED = re.compile(r"^[^;]*?[0#](?:\.(?P<dec>[0#]+))?")


def visible(text: str | None) -> str | None:
    """What a text cell holds after a save and a load: line ends as ``\\n``, illegal characters as
    U+FFFD.

    ``None`` and ``""`` are both an empty cell (``None``).
    """
    if text is None or text == "":
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("\ufffd", text)


def xml_safe_toml(text: str) -> str:
    """TOML text with the characters a cell cannot hold written as TOML escapes.

    ``tomli_w`` writes every string as a basic string and escapes control
    characters itself, so what is left (U+FFFE, U+FFFF) sits inside a basic
    string, where ``\\uXXXX`` means the same character.
    """
    return _ILLEGAL.sub(lambda m: f"\\u{ord(m[0]):04X}", text)


def significant_digits(value: Decimal) -> int:
    """How many significant digits ``value`` has (trailing zeros of the integer part count)."""
    digits = value.as_tuple().digits
    text = "".join(map(str, digits)).lstrip("0")
    if value.as_tuple().exponent < 0:  # type: ignore[operator]
        text = text.rstrip("0")
    return max(len(text), 1)


def fits_number_cell(value: Decimal) -> bool:
    """Whether ``value`` can be a numeric cell without losing a digit."""
    return value.is_finite() and significant_digits(value) <= MAX_DIGITS


def decimals(value: Decimal) -> int:
    """Decimal places ``value`` shows (``3.00`` → 2, ``3`` → 0)."""
    exp = value.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def number_format(places: int, *, percent: bool = False) -> str:
    """``0``, ``0.00``, ``0.00%`` …"""
    fmt = "0" if places == 0 else "0." + "0" * places
    return fmt + ("%" if percent else "")


def format_places(fmt: str | None) -> int | None:
    """The decimals a number format fixes (``0.00`` → 2, ``#,##0`` → 0), ``None`` for General or
    text."""
    if not fmt or fmt == "General" or fmt == "@":
        return None
    m = _FIXED.match(fmt)
    if m is None:
        return None
    return len(m["dec"] or "")


class CellValueError(PerfrulesError, ValueError):
    """A cell value that is not what its column needs; ``en``/``zh`` say why."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh


def shown(value: Any) -> str:
    """A cell value as a person reads it, for messages."""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def read_decimal(
    value: Any,
    fmt: str | None,
    *,
    declared: bool = False,
    percent: bool = False,
    suffixes: tuple[str, ...] = (),
) -> Decimal | None:
    """The exact number in a cell (``None`` when empty); :class:`CellValueError` when it is not one.

    ``percent``: a rate in percent points — a numeric cell formatted with ``%``
    holds the share (0.9448 → 94.48), any other numeric cell the points
    (94.48), text may end in ``%``. ``suffixes``: units text may end in (``分``).
    The number must keep the loader's bounds (``perfrules._limits.number_problem``:
    below 10^15, at most 10 decimal places), so that an import never writes a
    file ``check`` refuses.
    """
    number = _read_decimal(value, fmt, declared=declared, percent=percent, suffixes=suffixes)
    if number is not None:
        bounds(number, value)
        number = exact(number)
    return number


def bounds(number: Decimal, seen: object = None) -> None:
    """:class:`CellValueError` when ``number`` is outside the loader's bounds
    (``perfrules._limits.number_problem``)."""
    found = number_problem(
        number, shown(seen) if seen is not None and not isinstance(seen, Decimal) else None
    )
    if found is not None:
        raise CellValueError(*found)


def _read_decimal(
    value: Any, fmt: str | None, *, declared: bool, percent: bool, suffixes: tuple[str, ...]
) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellValueError(*message("not-a-number", value=value))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = _from_float(value, fmt, declared=declared)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if percent and text.endswith(("%", "％")):
            text = text[:-1].strip()
        for suffix in suffixes:
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip()
                break
        if not _NUMBER.match(text):
            raise CellValueError(*message("not-a-number", value=value))
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise CellValueError(*message("not-a-number", value=value)) from None
    else:
        raise CellValueError(
            *message(("not-a-number", "type"), value=shown(value), type=type(value).__name__)
        )
    if percent and fmt is not None and "%" in fmt:
        number = number * 100
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        else:
            number = number.normalize()
    return number


def _from_float(value: float, fmt: str | None, *, declared: bool) -> Decimal:
    if value != value or value in (float("inf"), float("-inf")):
        raise CellValueError(*message(("not-a-number", "not-finite"), value=value))
    if value.is_integer() and abs(value) < 1e15:
        return Decimal(int(value))
    number = Decimal(repr(value))
    if significant_digits(number) <= MAX_DIGITS:
        return number
    places = format_places(fmt)
    if declared and places is not None:
        # a declared result computed in the sheet: read it as the form shows it
        shown_places = places + (2 if fmt is not None and "%" in fmt else 0)
        return number.quantize(Decimal(1).scaleb(-shown_places), rounding=ROUND_HALF_UP)
    raise CellValueError(*message(("not-a-number", "float-digits"), value=value, digits=MAX_DIGITS))


def plain(value: Decimal) -> str:
    """A number as plain text (``2.50`` → ``2.5``)."""
    return format_decimal(value)
