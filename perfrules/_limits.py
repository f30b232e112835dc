"""Bounds on what perfrules accepts, so that what ``check`` lets through ``evaluate`` can finish.

Every numeric place (amounts, targets, actuals, weights, batch table cells,
workbook cells) goes through :func:`number_problem`; every year through
:func:`year_problem`; every file a user names (specs, actuals, frameworks,
case files, tables, workbooks) through :func:`file_problem` before it is
opened. The limits are far beyond any budget form; docs/reliability.md and
docs/spec-format.md ("Limits") list them. Standard library only.
"""

from __future__ import annotations

import os
import stat
from decimal import Decimal

MAX_MAGNITUDE = 15  # numbers must be below 10**15 in absolute value ...
MAX_PLACES = 10  # ... and have at most 10 decimal places, so Decimal sums stay exact ...
# ... and be written with at most 40 digits (1.000…0 with a million zeros is refused)
MAX_DIGITS = 40
MIN_YEAR, MAX_YEAR = 1900, 2200  # a budget year (meta.year, version periods)

MAX_SPEC_BYTES = 16 * 2**20  # a spec, actuals, framework or case file
# a batch table (read in chunks; the bound only refuses devices that never end)
MAX_TABLE_BYTES = 64 * 2**30
MAX_WORKBOOK_BYTES = 256 * 2**20  # an .xlsx file as stored (zip)

MAX_KEY_PARTS = 32  # parts of one dotted TOML key (a.b.c); tomllib's cost grows with their square
MAX_NESTING = 32  # arrays and tables inside each other in one TOML file (a spec needs about 6)


def number_problem(value: Decimal | int, shown: object | None = None) -> tuple[str, str] | None:
    """Why ``value`` is refused, in English and Chinese (None when it is within the bounds).

    Zero with any exponent is zero (:func:`exact` drops the exponent); a
    non-finite value, one of 10**15 or more in absolute value, one with more
    than 10 decimal places (trailing zeros not counted) or one written with
    more than 40 digits is refused (exact sums and products of such numbers
    stay small and fast). The cost is bounded by the number's length.
    """
    text = value if shown is None else shown
    if isinstance(value, int):
        if abs(value) >= 10**MAX_MAGNITUDE:
            return _too_large(text)
        return None
    if not value.is_finite():
        return f"{_short(text)} is not a finite number", f"{_short(text)} 不是有限数值"
    if value.is_zero():
        return None
    if value.adjusted() >= MAX_MAGNITUDE:
        return _too_large(text)
    _, digits, exp = value.as_tuple()
    assert isinstance(exp, int)
    if len(digits) > MAX_DIGITS:
        return (
            f"{_short(text)} is written with more than {MAX_DIGITS} digits",
            f"{_short(text)} 的数字位数超过{MAX_DIGITS}位",
        )
    if exp < -MAX_PLACES:
        trailing = 0
        while trailing < len(digits) and digits[-1 - trailing] == 0:
            trailing += 1
        if -(exp + trailing) > MAX_PLACES:
            return (
                f"{_short(text)} has more than {MAX_PLACES} decimal places",
                f"{_short(text)} 的小数位数超过{MAX_PLACES}位",
            )
    return None


def _too_large(text: object) -> tuple[str, str]:
    return (
        f"{_short(text)} is too large (the absolute value must be below 10^{MAX_MAGNITUDE})",
        f"{_short(text)} 数值过大（绝对值须小于10^{MAX_MAGNITUDE}）",
    )


def exact(value: Decimal) -> Decimal:
    """``value`` with a zero's exponent dropped (``0e-999999999`` → ``0``), for numbers that
    passed the check."""
    return Decimal(0) if value.is_zero() else value


def year_problem(year: int) -> tuple[str, str] | None:
    """Why ``year`` is not a budget year (None when it is one)."""
    if MIN_YEAR <= year <= MAX_YEAR:
        return None
    return (
        f"{_short(year)} is not a budget year (expected {MIN_YEAR}–{MAX_YEAR})",
        f"{_short(year)} 不是预算年度（应在{MIN_YEAR}—{MAX_YEAR}之间）",
    )


def file_problem(path: str | os.PathLike[str], limit: int) -> tuple[str, str] | None:
    """Why ``path`` is not opened (None: a regular file of at most ``limit`` bytes).

    Named pipes, devices and sockets are refused before opening (reading one
    could block forever or never end); so is a file larger than ``limit``.
    A missing file is left to the caller (its ``open`` says so).
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return f"{path} is a folder, not a file", f"{path} 是文件夹，不是文件"
    if not stat.S_ISREG(st.st_mode):
        return (
            f"{path} is not a regular file (a pipe, a device "
            "or a socket): perfrules reads regular files only",
            f"{path} 不是普通文件（管道、设备或套接字）：perfrules 只读取普通文件",
        )
    if st.st_size > limit:
        return (
            f"{path} is {st.st_size:,} bytes, more than "
            f"the {limit:,} perfrules reads for such a file",
            f"{path} 有 {st.st_size:,} 字节，超过此类文件的上限 {limit:,} 字节",
        )
    return None


def _short(value: object) -> str:
    """A number as shown in a message: at most 40 characters (a 4,000-digit integer is not echoed
    whole)."""
    # str() of a huge int is slow, and refused past 4,300 digits
    if isinstance(value, int) and abs(value) >= 10**40:
        return f"{'-' if value < 0 else ''}≈10^{int(abs(value).bit_length() * 0.30103)}"
    text = str(value)
    return text if len(text) <= 40 else f"{text[:20]}…{text[-10:]}（{len(text)} 位 / digits）"


__all__ = [
    "MAX_DIGITS",
    "MAX_KEY_PARTS",
    "MAX_MAGNITUDE",
    "MAX_NESTING",
    "MAX_PLACES",
    "MAX_SPEC_BYTES",
    "MAX_TABLE_BYTES",
    "MAX_WORKBOOK_BYTES",
    "MAX_YEAR",
    "MIN_YEAR",
    "exact",
    "file_problem",
    "number_problem",
    "year_problem",
]
