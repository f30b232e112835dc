"""Prose a person writes: targets as the form writes them, whole counts, policies and totals in
words.

The core's explanation steps are an exact record (``58.33 ÷ 70 × 100 =
≈83.328571``); the report's prose says the same things the way a finance
official writes them: no ``=`` or ``≈`` artefacts, no internal key names, a
counted quantity never asked for in fractions (``5000册``, not ``4999.75册``).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from perfrules._errors import Lang
from perfrules._safe_text import escape_controls
from perfrules.core import BudgetExecutionResult, Evaluation, IndicatorResult
from perfrules.report._text import one_line, pts

# Units of things that are counted one by one: a why-not threshold in these is a whole number.
COUNTED_UNITS = frozenset(
    "册 本 个 次 期 篇 人 人次 场 场次 例 件 家 所 项 份 台 套 辆 条 户 名 座 处 批 门 节 课时 张 部 间 "
    "只 头 棵 株 起 艘 架 栋 幢 块 片 窗 村 县 镇 园 校 班 床 床位 户次 篇次 期次 份次 册次 组 队 支 种".split()
)

_NUMBER = re.compile(r"^(?P<cmp>[≥>≤<=]?)\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>\S*)$")


def target_shown(target: str) -> str:
    """The 年度指标值 as the form writes it: an exact target ``=100%`` is written ``100%``."""
    text = one_line(escape_controls(target)).strip()
    if text[:1] in ("=", "＝") and len(text) > 1:
        return text[1:].lstrip()
    return text


def clean(text: str) -> str:
    """perfrules' own wording made prose: ``≈66.67%`` is ``约66.67%``; on one line, control
    characters escaped."""
    return one_line(escape_controls(text)).replace("≈", "约")


# Internal terms in the core's step texts, and how the report says them.
_TERMS = (("规范声明", "评价方案规定"),)
_POLICY_REF = re.compile(r"policy\.([a-z_]+)(?: = ([a-z_0-9.]+))?")
_POLICY_NAMES = {
    "negative": "反向指标计分口径",
    "equal_above": "等值指标超额口径",
    "overshoot_deduction": "超额完成扣分口径",
    "overshoot_warning": "超额完成提示口径",
    "qualitative_default": "定性指标计分口径",
    "total_cap": "总分不超过满分",
    "weight_precision": "分值精度口径",
}


def plain_terms(text: str) -> str:
    """A step text of the core in words: ``规范声明`` → ``评价方案规定``,
    ``policy.negative = inverse_ratio`` → the policy's sentence."""
    for term, words in _TERMS:
        text = text.replace(term, words)

    def policy(m: re.Match[str]) -> str:
        key, value = m.group(1), m.group(2)
        if value is not None:
            return policy_words(key, value)
        return _POLICY_NAMES.get(key, "计分口径")

    return _POLICY_REF.sub(policy, text)


def target_unit(target: str) -> str | None:
    """The unit a quantitative target is written in (``≥5000册`` → ``册``), or ``None``."""
    m = _NUMBER.match(target_shown(target))
    return m.group("unit") if m else None


def _whole(comparator: str, t: Fraction) -> tuple[int, bool]:
    """The whole-number bound equivalent to ``comparator t`` for a count, and whether it is a
    lower bound."""
    if comparator == "≥":
        return math.ceil(t), True
    if comparator == ">":
        return math.floor(t) + 1, True
    if comparator == "≤":
        return math.floor(t), False
    return math.ceil(t) - 1, False


def _whole_bounds(text: str, unit: str) -> str:
    """Every bound ``≥9.9984场`` / ``<14场`` on a count in ``text`` written whole: ``≥10场`` /
    ``≤13场``."""
    pattern = re.compile(r"([≥>≤<])(\d+(?:\.\d+)?)" + re.escape(unit) + r"(?![\d.])")

    def whole(m: re.Match[str]) -> str:
        n, at_least = _whole(m.group(1), Fraction(m.group(2)))
        return f"{'≥' if at_least else '≤'}{n}{unit}"

    return pattern.sub(whole, text)


def full_marks_text(r: IndicatorResult | BudgetExecutionResult, lang: Lang = "zh") -> str:
    """What would have earned full marks, in words; a counted quantity is whole (``≥5000册``)."""
    fm = r.full_marks
    if fm is None:
        return ""
    text = fm.zh if lang == "zh" else fm.en
    unit = target_unit(r.target) if isinstance(r, IndicatorResult) else None
    if unit in COUNTED_UNITS:
        if fm.threshold is not None and fm.comparator in ("≥", ">", "≤", "<"):
            t = Fraction(fm.threshold)
            whole, at_least = _whole(fm.comparator, t)
            if whole != t or fm.comparator in (">", "<"):
                if lang == "zh":
                    return f"实际完成值{'不少于' if at_least else '不超过'}{whole}{unit}即可得满分"
                return (
                    "full marks with an actual of "
                    f"{'at least' if at_least else 'at most'} {whole} {unit}"
                )
        text = _whole_bounds(text, unit or "")
    return (
        clean(text).replace("实际完成值=", "实际完成值为").replace("实际完成值＝", "实际完成值为")
    )


_POLICY_ZH = {
    ("negative", "inverse_ratio"): "反向指标按“指标值÷实际完成值×分值”计分",
    ("negative", "linear_overshoot"): "反向指标按超出指标值的比例线性扣分，超出一倍不得分",
    ("equal_above", "full"): "等值指标超过指标值视同完成",
    ("equal_above", "inverse_ratio"): "等值指标超过指标值的，按“指标值÷实际完成值×分值”计分",
    ("qualitative_default", "tier_top"): "定性指标未填得分的，按所评档次的最高分计分",
    ("qualitative_default", "require_score"): "定性指标评为最高档以下的，须填写得分",
    ("budget_execution", "proportional"): "预算执行率按“执行率×分值”计分",
    ("budget_execution", "round_whole"): "预算执行率按“执行率×分值”四舍五入取整计分",
    ("budget_execution", "none"): "不设预算执行率指标",
    ("weight_precision", "allow"): "分值按规则舍入，可能高于原分值",
    ("weight_precision", "error"): "舍入不得使得分高于分值",
}
_POLICY_EN = {
    ("negative", "inverse_ratio"): "negative indicators score target ÷ actual × weight",
    (
        "negative",
        "linear_overshoot",
    ): "negative indicators lose points linearly with the overshoot, nothing at twice the target",
    ("equal_above", "full"): "exceeding an exact target counts as met",
    ("equal_above", "inverse_ratio"): "exceeding an exact target scores target ÷ actual × weight",
    (
        "qualitative_default",
        "tier_top",
    ): "a qualitative tier without an entered score scores the tier's highest",
    (
        "qualitative_default",
        "require_score",
    ): "below the top tier a qualitative score must be entered",
    ("budget_execution", "proportional"): "budget execution scores rate × weight",
    (
        "budget_execution",
        "round_whole",
    ): "budget execution scores rate × weight rounded to whole points",
    ("budget_execution", "none"): "no budget-execution row",
}


def policy_words(key: str, value: str, lang: Lang = "zh") -> str:
    """One scoring policy (``negative = inverse_ratio``) as a sentence."""
    zh = lang == "zh"
    known = (_POLICY_ZH if zh else _POLICY_EN).get((key, value))
    if known is not None:
        return known
    if key == "overshoot_warning":
        if value == "off":
            return "超额完成不作提示" if zh else "no warning for overshooting a target"
        share = pts(Decimal(value) * 100)
        return (
            f"实际完成值达到指标值的{share}%时，须分析偏差原因"
            if zh
            else f"an actual at {share}% of the target or more needs its reason analysed"
        )
    if key == "rounding":
        m = re.search(r"score=(\S+) total=(\S+)", value)
        if m:
            return (
                f"得分四舍五入保留到{m.group(1)}分，总分保留到{m.group(2)}分"
                if zh
                else f"scores rounded half-up to {m.group(1)}, the total to {m.group(2)}"
            )
    if key == "budget_execution" and value.startswith("method "):
        name = value.removeprefix("method ")
        names = {"bands": "分档", "ratio": "比例", "steps": "阶梯扣分"}
        return (
            f"预算执行率按{names.get(name, name)}规则计分"
            if zh
            else f"budget execution scored by the {name} rule"
        )
    if key == "grades":
        bands = [g.partition("≥") for g in value.split()]
        if zh:
            return "等级：" + "、".join(f"{n}（{m}分及以上）" for n, _, m in bands)
        return "grades: " + ", ".join(f"{n} from {m}" for n, _, m in bands)
    return f"{key}：{value}" if zh else f"{key}: {value}"


def policies_in_words(ev: Evaluation, lang: Lang = "zh") -> tuple[str, ...]:
    """Every policy of the evaluation as a sentence, in the evaluation's order."""
    return tuple(policy_words(k, v, lang) for k, v in ev.policies)


def _shown(text: str) -> str:
    """A name from the files as the prose shows it: on one line, control characters escaped."""
    return one_line(escape_controls(text))


def total_in_words(ev: Evaluation, lang: Lang = "zh") -> str | None:
    """How the plain sum became the total, in words (``None`` when the total is the plain sum)."""
    if len(ev.total_steps) <= 1:
        return None
    zh = lang == "zh"
    parts = [c.score for c in ev.children(None)]
    if ev.budget_execution is not None:
        parts.append(ev.budget_execution.score)
    subtotal = sum(parts, Decimal(0))
    out = [f"各项得分合计{pts(subtotal)}分" if zh else f"the scores add up to {pts(subtotal)}"]
    dropped = [r for r in ev.indicators if not r.applicable]
    if dropped:
        na = sum((r.weight for r in dropped), Decimal(0))
        base = ev.total_weight - na
        names = "、".join(_shown(r.name) for r in dropped)
        out.append(
            f"不适用指标{names}（分值{pts(na)}分）不考核，按百分制折算：{pts(subtotal)} "
            f"÷ {pts(base)} × {pts(ev.total_weight)}"
            if zh
            else f"not applicable: {names} (weight {pts(na)}), rescaled "
            f"{pts(subtotal)} / {pts(base)} × {pts(ev.total_weight)}"
        )
    for b in ev.bonus:
        out.append(
            f"加分项“{_shown(b.name)}”加{pts(b.points)}分"
            if zh
            else f"bonus {_shown(b.name)} +{pts(b.points)}"
        )
    if any(s.kind == "clamp" for s in ev.total_steps):
        out.append(
            f"加分后超过满分，按{pts(ev.total_weight)}分计"
            if zh
            else f"capped at the full {pts(ev.total_weight)}"
        )
    for v in ev.vetoes:
        if v.effect == "zero":
            out.append(
                f"一票否决事项“{_shown(v.name)}”，总分记为0分"
                if zh
                else f"veto {_shown(v.name)}: the total is 0"
            )
    if any(s.kind == "round" for s in ev.total_steps):
        out.append("四舍五入" if zh else "rounded half-up")
    if zh:
        return "总分计算：" + "；".join(out) + f"；总分为{pts(ev.total)}分。"
    return "How the total was reached: " + "; ".join(out) + f"; the total is {pts(ev.total)}."
