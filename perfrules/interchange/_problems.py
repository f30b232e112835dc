"""The importer's errors: located at a workbook cell (``自评表!E12``) with the text seen there."""

from __future__ import annotations

import re
from typing import Any

from perfrules._errors import MissingExtraError, PathKey, Problem, Severity, SpecError
from perfrules._messages import api_message
from perfrules._xlsx_guard import column_number

EXTRA = "xlsx"  # the optional dependency group that installs openpyxl


class WorkbookError(SpecError):
    """A workbook that cannot be read as a 自评表: every problem at once, each at its cell.

    A :class:`perfrules.SpecError` (so a :class:`perfrules.PerfrulesError` and a
    :class:`ValueError`); iterate :attr:`problems`.
    """


MissingDependencyError = MissingExtraError
"""Deprecated: the older name of :class:`perfrules.MissingExtraError` (raised when openpyxl is
not installed)."""


def openpyxl_module() -> Any:
    """The openpyxl module, or :class:`~perfrules.MissingExtraError` naming the extra."""
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError(
            EXTRA, *api_message(("extra-missing", "xlsx")), module="openpyxl"
        ) from None
    return openpyxl


_REF = re.compile(r"^([A-Z]+)(\d+)$")


def at_cell(
    code: str,
    file: str,
    sheet: str,
    ref: str,
    *,
    en: str,
    zh: str,
    path: PathKey = (),
    severity: Severity = Severity.ERROR,
    suggestion: str | None = None,
) -> Problem:
    """A problem located at ``sheet!ref`` of ``file`` (line = row, column = column number)."""
    m = _REF.match(ref)
    line, column = (int(m[2]), column_number(m[1])) if m else (None, None)
    return Problem(
        code=code,
        message=en,
        message_zh=zh,
        path=path,
        file=file,
        line=line,
        column=column,
        cell=f"{sheet}!{ref}",
        severity=severity,
        suggestion=suggestion,
    )


def in_file(
    code: str,
    file: str,
    *,
    en: str,
    zh: str,
    path: PathKey = (),
    severity: Severity = Severity.ERROR,
) -> Problem:
    """A problem of the workbook as a whole (no cell)."""
    return Problem(code=code, message=en, message_zh=zh, path=path, file=file, severity=severity)
