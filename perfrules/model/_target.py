"""Targets (年度指标值): a comparator with a value and a unit."""

from __future__ import annotations

import enum
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import attrs


class Comparator(enum.Enum):
    """The comparison a quantitative target states (指标性质).

    ``≥``/``>`` are positive indicators (正向指标: more is better), ``≤``/``<``
    negative ones (反向指标: less is better), ``=`` an exact target.
    """

    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="

    @classmethod
    def parse(cls, text: str) -> Comparator:
        """Read a comparator as forms write it (``≥``, ``>=``, ``≧``, ``＞``, ``＝`` …)."""
        try:
            return _ALIASES[text.strip()]
        except KeyError:
            raise ValueError(f"unknown comparator {text!r}") from None

    @property
    def direction(self) -> str:
        """``positive``, ``negative`` or ``equal``."""
        if self in (Comparator.GE, Comparator.GT):
            return "positive"
        if self in (Comparator.LE, Comparator.LT):
            return "negative"
        return "equal"

    def holds(self, actual: Fraction | Decimal, target: Fraction | Decimal) -> bool:
        """Whether ``actual`` meets ``target`` under this comparator."""
        if self is Comparator.GE:
            return actual >= target
        if self is Comparator.GT:
            return actual > target
        if self is Comparator.LE:
            return actual <= target
        if self is Comparator.LT:
            return actual < target
        return actual == target


_ALIASES: dict[str, Comparator] = {
    "≥": Comparator.GE, ">=": Comparator.GE, "≧": Comparator.GE, "＞=": Comparator.GE, "⩾": Comparator.GE,
    ">": Comparator.GT, "＞": Comparator.GT,
    "≤": Comparator.LE, "<=": Comparator.LE, "≦": Comparator.LE, "＜=": Comparator.LE, "⩽": Comparator.LE,
    "<": Comparator.LT, "＜": Comparator.LT,
    "=": Comparator.EQ, "＝": Comparator.EQ, "==": Comparator.EQ,
}  # fmt: skip

_TARGET_RE = re.compile(
    r"^\s*(?P<cmp>>=|<=|==|＞=|＜=|[≥≧⩾>＞≤≦⩽<＜=＝])?\s*"
    r"(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[^\d\s].*?)?\s*$"
)


# a "unit" that really continues the number: thousands separator, second point, exponent
_NUMBER_TAIL = re.compile(r"[,，.．][0-9]|[eE][+-]?[0-9]")


def format_decimal(value: Decimal) -> str:
    """Plain notation without exponent or needless trailing zeros (``2.50`` → ``2.5``)."""
    # ``format(..., "f")`` is exact; ``quantize``/``normalize`` would round to
    # the context precision (28 digits) or raise InvalidOperation beyond it.
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@attrs.frozen(kw_only=True)
class QuantitativeTarget:
    """A quantitative target such as ``≥400期`` or ``≤100%``."""

    comparator: Comparator
    value: Decimal
    unit: str = ""

    @classmethod
    def parse(cls, text: str) -> QuantitativeTarget:
        """Parse the compact form used in the forms: ``≥400期``, ``≤100%``, ``=24期``, ``24期``.

        A value without a comparator is an exact target (``=``), as the forms
        write "24期". Raises :class:`ValueError` on anything else.
        """
        m = _TARGET_RE.match(text)
        if m is None or _NUMBER_TAIL.match(m["unit"] or ""):
            # "≥1,000期" or "≥1e5" must not silently become "≥1" with unit ",000期" / "e5"
            raise ValueError(f"cannot read {text!r} as comparator, number and unit")
        try:
            value = Decimal(m["num"])
        except InvalidOperation:  # pragma: no cover - the regex admits only numbers
            raise ValueError(f"cannot read the number in {text!r}") from None
        cmp = Comparator.parse(m["cmp"]) if m["cmp"] else Comparator.EQ
        return cls(comparator=cmp, value=value, unit=(m["unit"] or "").strip())

    def __str__(self) -> str:
        return f"{self.comparator.value}{format_decimal(self.value)}{self.unit}"
