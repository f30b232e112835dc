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
        raise ReadError("年度指标值 is empty", "年度指标值为空")
    deviation = read_deviation(stripped)
    if deviation is not None:
        return _read_deviation(text, stripped, deviation.plan is None)
    if not _QUANT_START.match(stripped):
        return TargetReading(target=None, text=text)
    try:
        target = QuantitativeTarget.parse(stripped)
    except ValueError:
        raise ReadError(
            f"{text!r} starts like a quantitative target but "
            "does not read as comparator, number and unit "
            "(e.g. ≥400期, ≤100%, =24期); write it so, or as words for a qualitative target",
            f"“{text}”看似定量指标值，但无法读作“比较符+数值+单位”（如 ≥400期、≤100%、=24期）；请按此格式填写，定性指标请用文字表述",
        ) from None
    found = number_problem(target.value)
    if found is not None:
        raise ReadError(f"年度指标值 {text!r}: {found[0]}", f"年度指标值“{text}”：{found[1]}")
    target = attrs.evolve(target, value=exact(target.value))
    has_comparator = not re.match(r"^[+-]?[0-9.]", stripped)
    bare = False
    for suffix, cmp in _SUFFIXES:
        if target.unit.endswith(suffix):
            if has_comparator:
                raise ReadError(
                    f"{text!r} has both a comparator and {suffix!r}; keep one",
                    f"“{text}”同时含比较符和“{suffix}”，请只保留一个",
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
        raise ReadError(
            f"{text!r} is a tolerance without its plan: write the plan first (e.g. 120公里±5%, "
            "500万元，偏差率≤10%), the deviation |actual − plan| ÷ plan cannot be computed without it",
            f"“{text}”只有偏差范围而无计划值：请先写明计划值（如 120公里±5%、500万元，偏差率≤10%），"
            "否则无法计算偏差率",
        )
    target = DeviationTarget.parse(stripped)
    found = number_problem(target.value)
    if found is not None:
        raise ReadError(f"年度指标值 {text!r}: {found[0]}", f"年度指标值“{text}”：{found[1]}")
    return TargetReading(target=target, text=None if str(target) == text else text)


def read_number_with_unit(text: str, unit: str) -> Decimal:
    """A 实际完成值 such as ``408期`` or ``98.88%`` for a target in ``unit``; :class:`ReadError`
    otherwise.

    The unit may be left out; another unit is an error (``408篇`` for ``期``).
    """
    m = _ACTUAL.match(text)
    if m is None:
        hint = f"e.g. 408{unit}" if unit else "e.g. 408"
        raise ReadError(
            f"{text!r} is not a number{' with the unit ' + repr(unit) if unit else ''} ({hint}); "
            "a quantitative indicator needs its actual as a number",
            f"“{text}”不是数值{('（单位“' + unit + '”）') if unit else ''}；定量指标的实际完成值须填写数值（如 408{unit}）",
        )
    got = (m["unit"] or "").strip()
    if got and got != unit:
        raise ReadError(
            f"{text!r}: unit {got!r} differs from the target's unit {unit!r}",
            f"“{text}”：单位“{got}”与年度指标值的单位“{unit}”不一致",
        )
    if re.search(
        r"[,，.．][0-9]|[eE][+-]?[0-9]", got
    ):  # pragma: no cover - caught by the unit check
        raise ReadError(f"{text!r} is not a plain number", f"“{text}”不是普通数值")
    value = Decimal(m["num"])
    found = number_problem(value, m["num"])
    if found is not None:
        raise ReadError(f"实际完成值 {text!r}: {found[0]}", f"实际完成值“{text}”：{found[1]}")
    return exact(value)


def bare_warning(text: str, target: QuantitativeTarget) -> tuple[str, str]:
    """The ``bare-target`` warning text (English, Chinese)."""
    value = format_decimal(target.value) + target.unit
    return (
        f"年度指标值 {text!r} has no comparator: read as the exact "
        f"target ={value} (scored as ≥ under the default "
        f"policy equal_above = full); write ≥{value}, ≤{value} or ={value} to say which",
        f"年度指标值“{text}”未写比较符：按等于“={value}”读取（默认政策 equal_above = full 下与“≥”计分相同）；"
        f"请写明 ≥{value}、≤{value} 或 ={value}",
    )
