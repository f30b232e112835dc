"""Reading 年度指标值 and 实际完成值 as hand-filled forms write them (docs/excel.md, "Targets").

Rules, in order, for a 年度指标值:

1. Text that starts with a comparator (``≥ ≤ > < = >= <= ＞ ＜ ＝ …``), a sign or a
   digit is quantitative and must read as ``comparator number unit``
   (:meth:`perfrules.QuantitativeTarget.parse`); when it does not, it is an
   error at its cell — never a guess.
2. A unit ending in ``以上``/``及以上`` means ``≥`` and one ending in
   ``以下``/``及以下``/``以内`` means ``≤`` (they include the number, as Chinese
   legal usage has it); the suffix leaves the unit.
3. A number without comparator or suffix (``24期``, ``100%``) is an **exact**
   target ``=`` — the reading :meth:`~perfrules.QuantitativeTarget.parse` gives
   — and the import says so in a ``bare-target`` warning at the cell. Under the
   default policy (``equal_above = "full"``) an ``=`` target scores exactly as
   ``≥`` does: full marks at or above it, actual ÷ target below it; write
   ``≤100%`` for a control rate.
4. A plan with a tolerance either side (``120公里±5%``, ``500万元，偏差率≤10%``,
   ``500万元控制在预算的±5%以内``) is a deviation target
   (:class:`perfrules.model.DeviationTarget`), scored by the method ``deviation``;
   a tolerance without its plan (``±5%``) is an error at its cell.
5. Anything else is a qualitative target: its wording becomes ``target_text``.

The wording is kept as ``target_text`` whenever it differs from the target's
compact form (``100%`` → target ``=100%``, ``target_text = "100%"``).
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from perfrules._errors import PerfrulesError
from perfrules._limits import exact, number_problem
from perfrules._messages import Message, message
from perfrules.model import (
    Comparator,
    DeviationTarget,
    QuantitativeTarget,
    format_decimal,
    read_deviation,
)

_QUANT_START = re.compile(r"^\s*(?:>=|<=|==|＞=|＜=|[≥≧⩾>＞≤≦⩽<＜=＝]|[+-]?[0-9.])")
_SUFFIXES: tuple[tuple[str, Comparator], ...] = (
    ("及以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
)
_ACTUAL = re.compile(r"^\s*(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[^\d\s].*?)?\s*$")


@attrs.frozen(kw_only=True)
class TargetReading:
    """A 年度指标值 as read: the target (``None``: qualitative), the wording to keep, and whether it
    was bare."""

    target: QuantitativeTarget | None
    text: str | None
    bare: bool = False


class ReadError(PerfrulesError, ValueError):
    """A cell's text that does not read; ``en``/``zh`` say why."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh


def read_target(text: str) -> TargetReading:
    """Read a 年度指标值 by the rules of this module; :class:`ReadError` when it looks quantitative
    but is not."""
    stripped = text.strip()
    if not stripped:
        raise ReadError(*message(("target-unreadable", "empty")))
    deviation = read_deviation(stripped)
    if deviation is not None:
        return _read_deviation(text, stripped, deviation.plan is None)
    if not _QUANT_START.match(stripped):
        return TargetReading(target=None, text=text)
    try:
        target = QuantitativeTarget.parse(stripped)
    except ValueError:
        raise ReadError(*message(("target-unreadable", "shape"), text=text)) from None
    found = number_problem(target.value)
    if found is not None:
        raise ReadError(
            *message(("target-unreadable", "number"), text=text, problem=Message(*found))
        )
    target = attrs.evolve(target, value=exact(target.value))
    has_comparator = not re.match(r"^[+-]?[0-9.]", stripped)
    bare = False
    for suffix, cmp in _SUFFIXES:
        if target.unit.endswith(suffix):
            if has_comparator:
                raise ReadError(
                    *message(
                        ("target-unreadable", "comparator-and-suffix"), text=text, suffix=suffix
                    )
                )
            target = QuantitativeTarget(
                comparator=cmp, value=target.value, unit=target.unit[: -len(suffix)].strip()
            )
            break
    else:
        bare = not has_comparator
    wording = None if str(target) == text else text
    return TargetReading(target=target, text=wording, bare=bare)


def _read_deviation(text: str, stripped: str, no_plan: bool) -> TargetReading:
    """A deviation target (plan ± tolerance); :class:`ReadError` without the plan."""
    if no_plan:
        raise ReadError(*message(("target-unreadable", "no-plan"), text=text))
    target = DeviationTarget.parse(stripped)
    found = number_problem(target.value)
    if found is not None:
        raise ReadError(
            *message(("target-unreadable", "number"), text=text, problem=Message(*found))
        )
    return TargetReading(target=target, text=None if str(target) == text else text)


def read_number_with_unit(text: str, unit: str) -> Decimal:
    """A 实际完成值 such as ``408期`` or ``98.88%`` for a target in ``unit``; :class:`ReadError`
    otherwise.

    The unit may be left out; another unit is an error (``408篇`` for ``期``).
    """
    m = _ACTUAL.match(text)
    if m is None:
        with_unit = (
            message(("actual-unreadable", "with-unit"), unit=unit) if unit else Message("", "")
        )
        raise ReadError(
            *message(
                ("actual-unreadable", "not-a-number"), text=text, with_unit=with_unit, unit=unit
            )
        )
    got = (m["unit"] or "").strip()
    if got and got != unit:
        raise ReadError(
            *message(("actual-unreadable", "other-unit"), text=text, got=got, unit=unit)
        )
    if re.search(
        r"[,，.．][0-9]|[eE][+-]?[0-9]", got
    ):  # pragma: no cover - caught by the unit check
        raise ReadError(*message(("actual-unreadable", "not-plain"), text=text))
    value = Decimal(m["num"])
    found = number_problem(value, m["num"])
    if found is not None:
        raise ReadError(
            *message(("actual-unreadable", "number"), text=text, problem=Message(*found))
        )
    return exact(value)


def bare_warning(text: str, target: QuantitativeTarget) -> tuple[str, str]:
    """The ``bare-target`` warning text (English, Chinese)."""
    value = format_decimal(target.value) + target.unit
    return message("bare-target", text=text, value=value)
