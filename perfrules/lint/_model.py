"""What ``perfrules lint`` reports: findings, figure checks, options and the code catalogue."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, NamedTuple, TypeAlias

import attrs

from perfrules._errors import Lang, PathKey, format_path
from perfrules._messages import message
from perfrules._suggest import suggest
from perfrules.core import Citation

FindingSeverity: TypeAlias = Literal["warning", "info"]
"""``warning``: the target setting or a stated figure needs fixing or explaining; ``info``: worth
a look."""

Document: TypeAlias = Literal["spec", "actuals"]
"""Which file a finding's key path points into."""


class CodeInfo(NamedTuple):
    """One finding code of the catalogue."""

    # the usual severity (figure-unreadable is info for an indicator's free text)
    severity: FindingSeverity
    needs_actuals: bool
    zh: str
    en: str


CODES: dict[str, CodeInfo] = {
    "target-low": CodeInfo("warning", True, "指标值设定偏低", "target set low"),
    "benefit-qualitative": CodeInfo(
        "warning", False, "效益指标以定性为主", "benefit indicators mostly qualitative"
    ),
    "no-cost-indicator": CodeInfo("warning", False, "缺少成本指标", "no cost indicator"),
    "target-no-unit": CodeInfo(
        "warning", False, "定量指标值缺少计量单位", "quantitative target without a unit"
    ),
    "target-vague": CodeInfo(
        "warning", False, "定性指标值表述无法衡量", "qualitative target not measurable"
    ),
    "weight-trivial": CodeInfo(
        "warning", False, "分值占总分比例过小", "weight a trivial share of the total"
    ),
    "weight-minor": CodeInfo("info", False, "分值远低于同类指标", "weight far below its siblings'"),
    "deduction-on-met": CodeInfo(
        "warning", True, "达到指标值仍扣分", "points deducted from a row that met its target"
    ),
    "stated-result": CodeInfo(
        "warning", True, "实际完成值据陈述而非计算", "actual stated in words, not computed"
    ),
    "score-above-rule": CodeInfo(
        "warning", True, "表内得分高于其计分规则所得", "table's score above its rule's"
    ),
    "score-below-rule": CodeInfo(
        "warning", True, "表内得分低于其计分规则所得", "table's score below its rule's"
    ),
    "figure-mismatch": CodeInfo("warning", True, "报告数与重算数不一致", "stated figure disagrees"),
    "figure-unreadable": CodeInfo("warning", True, "报告数无法读取", "cannot read stated figure"),
    "figure-unknown-name": CodeInfo(
        "warning", True, "核对公式引用未知名称", "figure formula uses an unknown name"
    ),
    "figure-zero-division": CodeInfo(
        "warning", True, "核对公式除数为0", "figure formula divides by zero"
    ),
}
"""Every finding code ``lint`` can report, in the order the documentation lists them."""

VAGUE_WORDS: tuple[str, ...] = (
    "推进",
    "加强",
    "提升",
    "提高",
    "改善",
    "优化",
    "完善",
    "促进",
    "增强",
    "持续",
    "进一步",
    "明显",
    "显著",
    "有效",
    "积极",
    "稳步",
    "不断",
    "逐步",
    "较好",
    "良好",
)
"""Open-ended wording: a direction without an end point (``推进公共机构节能工作``)."""


def _decimal_in(
    low: Decimal, high: Decimal, *, low_open: bool = False, high_open: bool = False
) -> Callable[[Any, attrs.Attribute[Decimal], Decimal], None]:
    def check(instance: Any, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"{attribute.name} must be a finite Decimal, not {value!r}")
        too_low = value <= low if low_open else value < low
        too_high = value >= high if high_open else value > high
        if too_low or too_high:
            lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
            raise ValueError(f"{attribute.name} must lie in {lo}{low}, {high}{hi}, not {value}")

    return check


def _check_overshoot(
    instance: LintOptions, attribute: attrs.Attribute[Decimal | None], value: Decimal | None
) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 1:
        raise ValueError(f"overshoot is a multiple of the target and must exceed 1, not {value}")


def _check_ignore(
    instance: LintOptions, attribute: attrs.Attribute[frozenset[str]], value: frozenset[str]
) -> None:
    for code in sorted(value):
        if code not in CODES:
            hint = suggest(code, CODES)
            raise ValueError(
                f"unknown finding code {code!r}" + (f" (did you mean {hint!r}?)" if hint else "")
            )


def _check_words(
    instance: LintOptions, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]
) -> None:
    if any(not isinstance(w, str) or not w.strip() for w in value):
        raise ValueError(f"{attribute.name} must be non-empty strings")


@attrs.frozen(kw_only=True)
class LintOptions:
    """Thresholds of the target-setting checks (see docs/lint.md).

    * ``overshoot``: ``target-low`` when actual ≥ overshoot × target (≥, > or =
      targets above 0). ``None``: the spec's ``policy.overshoot_warning``, or
      1.3 when the spec switches that warning off.
    * ``benefit_qualitative_share``: ``benefit-qualitative`` when *more than*
      this share of a 效益 category's indicators are qualitative (0.5: more
      than half).
    * ``min_weight_share``: ``weight-trivial`` when weight < this share of
      ``meta.total`` (0.01: below 1 point of 100).
    * ``min_sibling_share``: ``weight-minor`` when weight < this share of the
      average weight of the indicators in its category (category weight ÷
      number of indicators); 0 switches the check off.
    * ``vague_words``: the open-ended words ``target-vague`` looks for.
    * ``benefit_keyword`` / ``cost_keyword``: how 效益 and 成本 categories are
      recognised (a substring of the category name).
    * ``ignore``: finding codes not to report.
    """

    overshoot: Decimal | None = attrs.field(default=None, validator=_check_overshoot)
    benefit_qualitative_share: Decimal = attrs.field(
        default=Decimal("0.5"), validator=_decimal_in(Decimal(0), Decimal(1), high_open=True)
    )
    min_weight_share: Decimal = attrs.field(
        default=Decimal("0.01"), validator=_decimal_in(Decimal(0), Decimal(1), high_open=True)
    )
    min_sibling_share: Decimal = attrs.field(
        default=Decimal("0.5"), validator=_decimal_in(Decimal(0), Decimal(1))
    )
    vague_words: tuple[str, ...] = attrs.field(default=VAGUE_WORDS, validator=_check_words)
    benefit_keyword: str = "效益"
    cost_keyword: str = "成本"
    ignore: frozenset[str] = attrs.field(
        default=frozenset(), converter=frozenset, validator=_check_ignore
    )


@attrs.frozen(kw_only=True)
class Evidence:
    """One number (or text) a finding rests on: ``key`` for machines, ``zh``/``en`` labels for
    people."""

    key: str
    value: str
    zh: str
    en: str
    # the exact number behind ``value`` when that is rounded (``2/3`` for "≈66.67%")
    exact: str | None = None

    def label(self, lang: Lang = "zh") -> str:
        """The label in the requested language."""
        return self.zh if lang == "zh" else self.en


@attrs.frozen(kw_only=True)
class Finding:
    """One thing about the target setting or a stated figure that deserves attention.

    ``path`` is the key path in the file ``document`` names (the spec or the
    actuals); ``file``, ``line`` and ``column`` locate it when the object was
    loaded from a file. ``evidence`` holds the numbers, exactly;
    ``citation`` the rule the finding rests on, when there is one.
    """

    code: str
    severity: FindingSeverity
    zh: str
    en: str
    indicator: str | None = None
    path: PathKey = ()
    document: Document = "spec"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    evidence: tuple[Evidence, ...] = ()
    citation: Citation | None = None
    suggestion: str | None = None

    @property
    def location(self) -> str:
        """``file:line:column`` as far as known (``<spec>``/``<actuals>`` when built in Python)."""
        where = self.file if self.file is not None else f"<{self.document}>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def title(self, lang: Lang = "zh") -> str:
        """The code's short title from :data:`CODES` (the code itself if it is not catalogued)."""
        info = CODES.get(self.code)
        if info is None:
            return self.code
        return info.zh if lang == "zh" else info.en

    def text(self, lang: Lang = "zh") -> str:
        """The message in the requested language, with the did-you-mean when there is one."""
        msg = self.zh if lang == "zh" else self.en
        if self.suggestion is not None:
            hint = message(("figure-unknown-name", "did-you-mean"), suggestion=self.suggestion)
            msg += hint.zh if lang == "zh" else hint.en
        return msg

    def __str__(self) -> str:
        path = format_path(self.path)
        return (
            f"{self.location}: {self.severity}: "
            f"{path + ': ' if path else ''}{self.text('en')} [{self.code}]"
        )


FigureStatus: TypeAlias = Literal["agrees", "disagrees", "unreadable", "error"]


@attrs.frozen(kw_only=True)
class FigureCheck:
    """A stated figure recomputed from the actuals' amounts.

    ``kind`` is ``figure`` for an actuals ``[figures]`` entry and
    ``indicator`` for a derived indicator's ``text``. ``value`` is the exact
    recomputed value on the stated scale (× 100 for a stated percentage),
    ``rounded`` that value rounded half-up to the stated ``places``.
    """

    name: str
    kind: Literal["figure", "indicator"]
    label: str | None
    formula: str
    stated: str
    path: PathKey
    status: FigureStatus
    percent: bool = False
    places: int | None = None
    value: Fraction | None = None
    rounded: Decimal | None = None
    inputs: tuple[tuple[str, Fraction], ...] = ()

    @property
    def agrees(self) -> bool | None:
        """True or False once recomputed; None when the figure could not be read or computed."""
        if self.status == "agrees":
            return True
        if self.status == "disagrees":
            return False
        return None
