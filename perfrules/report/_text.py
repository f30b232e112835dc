"""Small text helpers shared by the report formats: points, numbering, labels.

Numbers pass only through :mod:`perfrules.core._exact`: a score, weight or
amount prints as the forms print it (``show_dec``: ``9``, ``2.85``,
``31092.65``; never ``9.00``), a rate as the evaluation already displays it.
"""

from __future__ import annotations

from decimal import Decimal

from perfrules._errors import Lang
from perfrules.core import show_dec

_DIGITS = "零一二三四五六七八九"

STATUS = {
    "zh": {
        "verified": "已核实",
        "recalled": "凭记忆引述，正式引用前须核对原文",
        "practice": "实务做法，无文号",
        "inferred": "据已公开得分归纳",
        "declared": "评价方案自定",
    },
    "en": {
        "verified": "verified",
        "recalled": "recalled; check the official wording before citing it",
        "practice": "practice, no document number",
        "inferred": "inferred from published scores",
        "declared": "stated by this evaluation scheme",
    },
}

STEP_KIND = {
    "zh": {
        "input": "输入",
        "compare": "比较",
        "formula": "计算",
        "round": "舍入",
        "clamp": "限值",
        "policy": "口径",
        "deduction": "扣分",
        "rule": "依据",
    },
    "en": {
        "input": "input",
        "compare": "compare",
        "formula": "formula",
        "round": "round",
        "clamp": "clamp",
        "policy": "policy",
        "deduction": "deduction",
        "rule": "rule",
    },
}


def pts(value: Decimal | None) -> str:
    """Points or an amount as the forms print them: ``9``, ``2.85``, ``32909.2`` (``""`` for
    none)."""
    return "" if value is None else show_dec(value)


def lost_of(value: Decimal) -> Decimal:
    """Points lost, never below 0 (a lost value is shown, never a gain)."""
    return value if value > 0 else Decimal(0)


def zh_number(n: int) -> str:
    """A Chinese numeral for 1–99 as headings number them: 一, 十, 十一, 二十, 二十一."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def zh_section(n: int) -> str:
    """The seed's 一级 numbering: （一）（二）…"""
    return f"（{zh_number(n)}）"


def lost_phrase(lost: Decimal, lang: Lang) -> str:
    """``未扣分`` / ``扣1分`` (``no deduction`` / ``1 deducted``)."""
    lost = lost_of(lost)
    if lost == 0:
        return "未扣分" if lang == "zh" else "no deduction"
    return f"扣{pts(lost)}分" if lang == "zh" else f"{pts(lost)} deducted"


def one_line(text: str) -> str:
    """Text on one line: every line break a user file may hold (``str.splitlines``) becomes a
    space."""
    return " ".join(text.splitlines())
