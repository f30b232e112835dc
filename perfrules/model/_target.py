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
        return _DIRECTIONS[self._value_]

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


# a comparator's direction by its sign (``direction`` reads it per row: a lookup, not a search)
_DIRECTIONS: dict[str, str] = {
    "≥": "positive",
    ">": "positive",
    "≤": "negative",
    "<": "negative",
    "=": "equal",
}
assert set(_DIRECTIONS) == {c.value for c in Comparator}

_ALIASES: dict[str, Comparator] = {
    "≥": Comparator.GE,
    ">=": Comparator.GE,
    "≧": Comparator.GE,
    "＞=": Comparator.GE,
    "⩾": Comparator.GE,
    ">": Comparator.GT,
    "＞": Comparator.GT,
    "≤": Comparator.LE,
    "<=": Comparator.LE,
    "≦": Comparator.LE,
    "＜=": Comparator.LE,
    "⩽": Comparator.LE,
    "<": Comparator.LT,
    "＜": Comparator.LT,
    "=": Comparator.EQ,
    "＝": Comparator.EQ,
    "==": Comparator.EQ,
}

TARGET_RE = re.compile(
    r"^\s*(?P<cmp>>=|<=|==|＞=|＜=|[≥≧⩾>＞≤≦⩽<＜=＝])?\s*"
    r"(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[^\d\s].*?)?\s*$"
)
"""A compact target: optional comparator, number, optional unit (``≥400期``); the JSON Schema
states it too."""

# a "unit" that really continues the number: thousands separator, second point, exponent
_NUMBER_TAIL = re.compile(r"[,，.．][0-9]|[eE][+-]?[0-9]")


def format_decimal(value: Decimal) -> str:
    """Plain notation without exponent or needless trailing zeros (``2.50`` → ``2.5``)."""
    # ``format(..., "f")`` is exact; ``quantize``/``normalize`` would round to
    # the context precision (28 digits) or raise InvalidOperation beyond it.
    # ``str`` writes a value the same way unless it chooses an exponent (then it writes an "E",
    # or an "e" under a context with ``capitals=0``), at less than half the cost: that first.
    text = str(value)
    if "E" in text or "e" in text:
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
        m = TARGET_RE.match(text)
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


# ------------------------------------------------------------------ wording
#
# Forms often write a target in words: 不低于90%, 不少于5000册, 90%以上,
# 控制在100%以内. A spec's ``target`` must use the symbolic form; the loader
# recognises the wording to point at it with the form it stands for (``≥90%``).
# Chinese legal usage (民法典第一千二百五十九条, 刑法第九十九条): 以上、以下、以内
# include the number itself; 超过、不满 (and 低于、不足) exclude it.

# A word before the number, with the comparator it stands for. ``None``: a
# filler that states no comparison of its own (在90%以上).
_PREFIX_WORDS: dict[str, Comparator | None] = {
    "大于或等于": Comparator.GE,
    "大于等于": Comparator.GE,
    "不低于": Comparator.GE,
    "不少于": Comparator.GE,
    "不小于": Comparator.GE,
    "不短于": Comparator.GE,
    "至少": Comparator.GE,
    "最少": Comparator.GE,
    "最低": Comparator.GE,
    "小于或等于": Comparator.LE,
    "小于等于": Comparator.LE,
    "不高于": Comparator.LE,
    "不超过": Comparator.LE,
    "不超出": Comparator.LE,
    "不多于": Comparator.LE,
    "不大于": Comparator.LE,
    "不长于": Comparator.LE,
    "至多": Comparator.LE,
    "最多": Comparator.LE,
    "最高": Comparator.LE,
    "大于": Comparator.GT,
    "超过": Comparator.GT,
    "高于": Comparator.GT,
    "多于": Comparator.GT,
    "小于": Comparator.LT,
    "低于": Comparator.LT,
    "少于": Comparator.LT,
    "不足": Comparator.LT,
    "不到": Comparator.LT,
    "不满": Comparator.LT,
    "等于": Comparator.EQ,
    # weak: a comparison only when nothing else in the wording states one
    "达到": Comparator.GE,
    "控制在": Comparator.LE,
    "在": None,
}
_WEAK_WORDS = frozenset({"达到", "控制在"})

# A word after the unit (90%以上, 3天以内); an optional （含） before it is dropped.
SUFFIX_WORDS: dict[str, Comparator] = {
    "及以上": Comparator.GE,
    "以上": Comparator.GE,
    "及以下": Comparator.LE,
    "以下": Comparator.LE,
    "以内": Comparator.LE,
    "之内": Comparator.LE,
}
_INCLUSIVE_NOTE = re.compile(r"[（(]\s*含\s*[)）]\s*$")
_BY_LENGTH = sorted(_PREFIX_WORDS, key=len, reverse=True)
_SUFFIX_BY_LENGTH = sorted(SUFFIX_WORDS, key=len, reverse=True)
# str.startswith/endswith with a tuple: one call tells whether any word is there
_ANY_PREFIX = tuple(_BY_LENGTH)
_ANY_SUFFIX = tuple(_SUFFIX_BY_LENGTH)

WORD_COMPARATORS: dict[str, Comparator] = {
    **{word: cmp for word, cmp in _PREFIX_WORDS.items() if cmp is not None},
    **SUFFIX_WORDS,
}
"""Every comparator word :func:`read_wording` knows, with the comparator it stands for."""


def strip_suffix_word(unit: str) -> str:
    """``unit`` without a trailing comparator word and its （含）: ``%（含）以上`` → ``%``."""
    unit = unit.strip()
    if not unit.endswith(_ANY_SUFFIX):
        return unit
    for word in _SUFFIX_BY_LENGTH:
        if unit.endswith(word):
            return _INCLUSIVE_NOTE.sub("", unit[: -len(word)]).strip()
    return unit


@attrs.frozen(kw_only=True)
class TargetWording:
    """A target written with comparator words, as :func:`read_wording` found it.

    ``words`` are the comparator words as written (``("不低于",)``,
    ``("在", "以上")``); ``target`` is the symbolic target they stand for, or
    ``None`` when the words contradict each other (``≥90%以下``).
    """

    text: str
    words: tuple[str, ...]
    sign: Comparator | None  # a comparator sign written as well (≥90%以上), if any
    target: QuantitativeTarget | None

    @property
    def suggestion(self) -> str | None:
        """The compact symbolic form to write instead (``≥90%``), when the wording is
        unambiguous."""
        return None if self.target is None else str(self.target)


def read_wording(text: str) -> TargetWording | None:
    """Recognise a target written in words: a comparator word, then a number and a unit.

    ``不低于90%`` → ``≥90%``; ``不少于5000册`` → ``≥5000册``; ``超过3次`` → ``>3次``;
    ``低于5%`` → ``<5%``; ``90%以上`` / ``90%（含）以上`` → ``≥90%``; ``100%以内`` and
    ``控制在100%以内`` → ``≤100%``; ``≥90%以上`` → ``≥90%``. Returns ``None`` when
    the text has no comparator word around a number (``≥90%``, ``24期``, and
    wording without a number such as ``按规定时限办结``); a :class:`TargetWording`
    whose ``target`` is ``None`` when the words contradict each other or a sign.
    """
    rest = text.strip()
    prefix = (
        next((w for w in _BY_LENGTH if rest.startswith(w)), None)
        if rest.startswith(_ANY_PREFIX)
        else None
    )
    if prefix is not None:
        rest = rest[len(prefix) :]
    m = TARGET_RE.match(rest)
    if m is None:
        return None
    written = (m["unit"] or "").strip()
    suffix = (
        next((w for w in _SUFFIX_BY_LENGTH if written.endswith(w)), None)
        if written.endswith(_ANY_SUFFIX)
        else None
    )
    unit = strip_suffix_word(written)
    if (prefix is None or _PREFIX_WORDS[prefix] is None) and suffix is None:
        return None  # no comparator word: a compact target, or nothing this reads ("在90%")
    if _NUMBER_TAIL.match(unit):
        return None  # "不少于1,000册": not a plain number, whatever the words
    words = tuple(w for w in (prefix, suffix) if w is not None)
    sign = Comparator.parse(m["cmp"]) if m["cmp"] else None
    strong = [
        cmp
        for cmp in (
            None if prefix is None or prefix in _WEAK_WORDS else _PREFIX_WORDS[prefix],
            sign,
            None if suffix is None else SUFFIX_WORDS[suffix],
        )
        if cmp is not None
    ]
    weak = _PREFIX_WORDS[prefix] if prefix in _WEAK_WORDS else None
    chosen = set(strong) if strong else {weak} if weak is not None else set()
    if len(chosen) != 1:
        return TargetWording(text=text, words=words, sign=sign, target=None)
    (cmp,) = chosen
    try:
        value = Decimal(m["num"])
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        return TargetWording(text=text, words=words, sign=sign, target=None)
    target = QuantitativeTarget(comparator=cmp, value=value, unit=unit)
    return TargetWording(text=text, words=words, sign=sign, target=target)


# ------------------------------------------------------------------ deviation targets
#
# 偏差目标: "±5%", "偏差率≤10%", "控制在预算的±5%以内" — the actual within a tolerance of a plan,
# either side. The plan (计划值, with its unit) is written before the tolerance: "120公里±5%",
# "500万元，偏差率<10%"; without it the text still reads, and the loader asks for the plan.

_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)"
DEVIATION_RE = re.compile(
    rf"^\s*(?:(?P<plan>{_NUM})\s*(?P<unit>[^\d\s±+,，;；]*?)\s*[,，;；]?\s*)?"
    r"(?:控制在)?\s*(?:(?:预算|计划值|计划|目标值|目标|指标值|预算数)的?)?\s*"
    rf"(?:(?:±|\+/-|\+-|＋/－|正负)\s*(?P<tol>{_NUM})\s*[%％]\s*(?:[（(]\s*含\s*[)）])?\s*(?:以内|之内)?"
    rf"|(?:偏差率|偏离度|偏离率|偏差)\s*(?P<cmp>≤|<=|≦|⩽|<|＜)\s*(?P<tol2>{_NUM})\s*[%％])\s*$"
)
"""A deviation target: an optional plan with its unit, then ``±5%`` (``以内`` included) or
``偏差率≤10%``/``<10%``."""


@attrs.frozen(kw_only=True)
class DeviationWording:
    """A deviation target as :func:`read_deviation` read it; ``plan`` is ``None`` when the text
    names none."""

    text: str
    plan: Decimal | None
    unit: str
    tolerance: Decimal  # percent of the plan
    inclusive: bool  # whether a deviation equal to the tolerance is within it


def read_deviation(text: str) -> DeviationWording | None:
    """Read ``±5%``, ``120公里±5%``, ``偏差率≤10%``, ``500万元，偏差率<10%``, ``控制在预算的±5%以内``.

    ``None`` when the text is not a deviation target. ``±`` and ``以内`` include the
    tolerance itself (a deviation of exactly 5% is within ±5%); ``<`` excludes it.
    """
    m = DEVIATION_RE.match(text)
    if m is None:
        return None
    try:
        tol = Decimal(m["tol"] if m["tol"] is not None else m["tol2"])
        plan = Decimal(m["plan"]) if m["plan"] is not None else None
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        return None
    inclusive = m["cmp"] is None or m["cmp"] not in ("<", "＜")
    return DeviationWording(
        text=text, plan=plan, unit=(m["unit"] or "").strip(), tolerance=tol, inclusive=inclusive
    )


@attrs.frozen(kw_only=True)
class DeviationTarget(QuantitativeTarget):
    """A deviation target (偏差目标): the actual within ± ``tolerance`` percent of the plan.

    ``120公里±5%``: plan 120 公里, met from 114 to 126 公里. As a
    :class:`QuantitativeTarget` it is the plan itself — comparator ``=``,
    ``value`` the plan, ``unit`` the plan's (and the actual's) unit — so what reads
    a target's unit or value reads the plan; it is scored only by the ``deviation``
    method, on |actual − plan| ÷ plan. ``inclusive``: whether a deviation equal to
    the tolerance is within it (``±5%``, ``偏差率≤10%``: yes; ``偏差率<10%``: no).
    """

    tolerance: Decimal
    inclusive: bool = True

    @classmethod
    def of(
        cls, plan: Decimal, tolerance: Decimal, unit: str = "", *, inclusive: bool = True
    ) -> DeviationTarget:
        """The deviation target ``plan``±``tolerance``% (comparator ``=``)."""
        return cls(
            comparator=Comparator.EQ,
            value=plan,
            unit=unit,
            tolerance=tolerance,
            inclusive=inclusive,
        )

    @classmethod
    def parse(cls, text: str) -> DeviationTarget:
        """Parse ``120公里±5%`` or ``500万元，偏差率<10%``; :class:`ValueError` without a plan or on
        anything else."""
        wording = read_deviation(text)
        if wording is None or wording.plan is None:
            raise ValueError(f"cannot read {text!r} as a plan with a deviation tolerance")
        return cls.of(wording.plan, wording.tolerance, wording.unit, inclusive=wording.inclusive)

    @property
    def tolerance_text(self) -> str:
        """The tolerance as written: ``±5%`` (included) or ``偏差率<10%`` (excluded)."""
        tol = format_decimal(self.tolerance)
        return f"±{tol}%" if self.inclusive else f"偏差率<{tol}%"

    def __str__(self) -> str:
        plan = f"{format_decimal(self.value)}{self.unit}"
        return (
            f"{plan}±{format_decimal(self.tolerance)}%"
            if self.inclusive
            else (f"{plan}，{self.tolerance_text}")
        )
