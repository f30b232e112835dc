"""Target-setting checks: targets set low, qualitative-heavy 效益, missing 成本, unmeasurable
targets, trivial weights."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

from perfrules._messages import Message, listing, message
from perfrules.core import amount_env, exact_str, show, show_dec
from perfrules.core import compute as derive_compute
from perfrules.lint import _citations as cite
from perfrules.lint._model import CODES, Evidence, Finding, LintOptions
from perfrules.model import Actuals, Category, Indicator, Spec

DEFAULT_OVERSHOOT = Decimal("1.3")

# A number in a target's wording: a digit (ASCII or full-width), 百分之… , or a
# Chinese numeral directly followed by a measure word (三次, 十二期, 两个). A
# numeral alone is not enough: 进一步, 一定, 统一 are words, not numbers.
_MEASURE_WORDS = "次个项期篇家人场批轮条份本所件名天日月年周时万亿元户座台套处门类种级倍"
_NUMBER = re.compile(
    r"[0-9０-９]|百分之[零〇一二两三四五六七八九十百]+"
    rf"|[零〇一二两三四五六七八九十百千]+[{_MEASURE_WORDS}]"
)
# A comparison in a target's wording, as a sign or as the words forms use.
_COMPARATOR = re.compile(
    r"[≥≤><＞＜=＝≧≦⩾⩽]|不少于|不低于|不超过|不高于|不多于|不大于|不小于|至少|最多|以上|以下|以内"
    r"|低于|高于|超过|少于|多于|达到|控制在"
)


def _pct(value: Fraction) -> str:
    return f"{show(value * 100, 2)}%"


def _ev(key: str, value: str, zh: str, en: str, exact: Fraction | None = None) -> Evidence:
    return Evidence(
        key=key, value=value, zh=zh, en=en, exact=None if exact is None else exact_str(exact)
    )


def _finding(code: str, **fields: Any) -> Finding:
    """A spec finding with the catalogue severity of ``code``."""
    return Finding(code=code, severity=CODES[code].severity, **fields)


class _Context:
    """Indexes of the spec shared by the checks."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.cat_index = {c.id: i for i, c in enumerate(spec.categories)}
        self.cats = {c.id: c for c in spec.categories}

    def path(self, category_id: str) -> list[Category]:
        """The category and every category above it, up to its top one (a cycle is cut)."""
        out: list[Category] = []
        cat = self.cats.get(category_id)
        while cat is not None and cat not in out:
            out.append(cat)
            cat = self.cats.get(cat.parent) if cat.parent is not None else None
        return out

    def top(self, category_id: str) -> Category | None:
        """The 一级 category above (or equal to) ``category_id``; None if unknown.

        In a deeper tree that is still the 一级 category: a 年度绩效目标 block
        (``goal = true``) above it is not one.
        """
        levels = [c for c in self.path(category_id) if not c.goal]
        return levels[-1] if levels else None

    def names_on_path(self, category_id: str) -> list[str]:
        """Names of the category and of every category above it (一级, 二级, a 三级 category
        holding 四级 rows), nearest first; 年度绩效目标 blocks left out."""
        return [c.name for c in self.path(category_id) if not c.goal]


# --------------------------------------------------------------------- actuals


def actual_of(ind: Indicator, actuals: Actuals, env: dict[str, Fraction]) -> Fraction | None:
    """The actual in the target's unit, or None (qualitative, not applicable, missing, not
    computable)."""
    if ind.target is None or ind.is_qualitative:
        return None
    act = actuals.indicator(ind.id)
    if act is not None and act.not_applicable is not None:
        return None
    if ind.derive is not None:
        try:
            ratio = derive_compute(ind.derive, env)
        except (KeyError, ArithmeticError, TypeError, ValueError):
            # a load error (missing-amount, zero-denominator); the figure audit reports formulas
            return None
        return ratio * 100 if ind.target.unit == "%" else ratio
    if act is None or act.value is None:
        return None
    return Fraction(act.value)


def _overshoot(spec: Spec, options: LintOptions) -> tuple[Decimal, str]:
    """The threshold and where it comes from: ``option``, ``policy.overshoot_warning`` or
    ``default``."""
    if options.overshoot is not None:
        return options.overshoot, "option"
    if spec.policy.overshoot_warning is not None:
        return spec.policy.overshoot_warning, "policy.overshoot_warning"
    return DEFAULT_OVERSHOOT, "default"


def target_low(spec: Spec, actuals: Actuals, options: LintOptions) -> Iterator[Finding]:
    """``target-low``: an actual at or above overshoot × a ≥, > or = target above 0."""
    limit, source = _overshoot(spec, options)
    env = amount_env(actuals)
    for i, ind in enumerate(spec.indicators):
        target = ind.target
        if target is None or target.comparator.direction == "negative" or target.value <= 0:
            continue
        actual = actual_of(ind, actuals, env)
        if actual is None:
            continue
        share = actual / Fraction(target.value)
        if share < Fraction(limit):
            continue
        a = f"{show(actual)}{target.unit}"
        t = str(target)
        lim = _pct(Fraction(limit))
        yield _finding(
            "target-low",
            indicator=ind.id,
            path=("indicators", i, "target"),
            **message(
                "target-low",
                name=ind.name,
                id=ind.id,
                actual=a,
                share=_pct(share),
                target=t,
                limit=lim,
            ).as_en_zh(),
            evidence=(
                _ev("actual", a, "实际完成值", "actual", actual),
                _ev("target", t, "指标值", "target"),
                _ev("share", _pct(share), "完成比例", "actual ÷ target", share * 100),
                _ev("threshold", lim, "提示线", "threshold", Fraction(limit) * 100),
                _ev("threshold_source", source, "提示线来源", "threshold from"),
            ),
            citation=cite.TARGET_LOW,
        )


# ------------------------------------------------------------ spec structure


def _benefit_groups(ctx: _Context, keyword: str) -> list[tuple[Category, list[Indicator]]]:
    """效益 groups: each category whose name holds ``keyword`` and no category above it does,
    with everything under it — the 一级 category when its name holds the keyword, else a 二级
    one (or a 三级 category holding 四级 rows). 年度绩效目标 blocks are never a group: a
    goal block's 效益指标 is its own group."""
    groups: dict[str, list[Indicator]] = {}
    for ind in ctx.spec.indicators:
        holding = [c for c in ctx.path(ind.category) if not c.goal and keyword in c.name]
        if holding:
            groups.setdefault(holding[-1].id, []).append(ind)
    return [(ctx.cats[cid], inds) for cid, inds in groups.items()]


def benefit_qualitative(spec: Spec, options: LintOptions) -> Iterator[Finding]:
    """``benefit-qualitative``: more than the allowed share of a 效益 group's indicators are
    qualitative."""
    ctx = _Context(spec)
    limit = Fraction(options.benefit_qualitative_share)
    for cat, inds in _benefit_groups(ctx, options.benefit_keyword):
        qual = [ind for ind in inds if ind.is_qualitative]
        share = Fraction(len(qual), len(inds))
        if share <= limit:
            continue
        # the names in Chinese, the ids in English (as before)
        listed = Message(", ".join(ind.id for ind in qual), listing(ind.name for ind in qual).zh)
        n, q = len(inds), len(qual)
        yield _finding(
            "benefit-qualitative",
            path=("categories", ctx.cat_index[cat.id]),
            **message(
                "benefit-qualitative",
                category=cat.name,
                category_id=cat.id,
                indicators=n,
                qualitative=q,
                listed=listed,
                share=_pct(share),
                limit=_pct(limit),
            ).as_en_zh(),
            evidence=(
                _ev("indicators", str(n), "三级指标数", "indicators"),
                _ev("qualitative", str(q), "定性指标数", "qualitative"),
                _ev(
                    "qualitative_ids",
                    ", ".join(ind.id for ind in qual),
                    "定性指标",
                    "qualitative indicators",
                ),
                _ev("share", _pct(share), "定性占比", "qualitative share", share * 100),
                _ev("threshold", _pct(limit), "上限（不含）", "limit (exclusive)"),
            ),
            citation=cite.MEASURABLE,
        )


def no_cost_indicator(spec: Spec, options: LintOptions) -> Iterator[Finding]:
    """``no-cost-indicator``: no indicator under a category whose name holds 成本."""
    ctx = _Context(spec)
    keyword = options.cost_keyword
    if any(keyword in name for ind in spec.indicators for name in ctx.names_on_path(ind.category)):
        return
    output = next(
        (i for i, c in enumerate(spec.categories) if c.parent is None and "产出" in c.name), None
    )
    path: tuple[str | int, ...] = ("categories", output) if output is not None else ("categories",)
    yield _finding(
        "no-cost-indicator",
        path=path,
        **message("no-cost-indicator", keyword=keyword).as_en_zh(),
        evidence=(
            _ev("keyword", keyword, "识别关键字", "keyword"),
            _ev("categories", "、".join(c.name for c in spec.categories), "现有类别", "categories"),
        ),
        citation=cite.COST,
    )


def target_no_unit(spec: Spec) -> Iterator[Finding]:
    """``target-no-unit``: a quantitative target without a unit (``≥400`` rather than ``≥400期``)."""
    for i, ind in enumerate(spec.indicators):
        if ind.target is None or ind.target.unit.strip():
            continue
        t = str(ind.target)
        yield _finding(
            "target-no-unit",
            indicator=ind.id,
            path=("indicators", i, "target"),
            **message("target-no-unit", name=ind.name, id=ind.id, target=t).as_en_zh(),
            evidence=(
                _ev("target", t, "指标值", "target"),
                *(
                    [_ev("target_text", ind.target_text, "年度指标值表述", "target wording")]
                    if ind.target_text
                    else []
                ),
            ),
            citation=cite.MEASURABLE,
        )


def vague_words_in(text: str, words: tuple[str, ...]) -> list[str]:
    """The open-ended words of ``words`` in ``text``, when it has no number and no comparison;
    else []."""
    if _NUMBER.search(text) or _COMPARATOR.search(text):
        return []
    return [w for w in words if w in text]


def target_vague(spec: Spec, options: LintOptions) -> Iterator[Finding]:
    """``target-vague``: a qualitative target worded with no number, no comparison, and an
    open-ended word."""
    for i, ind in enumerate(spec.indicators):
        if not ind.is_qualitative or not ind.target_text:
            continue
        found = vague_words_in(ind.target_text, options.vague_words)
        if not found:
            continue
        words = Message(", ".join(found), listing(f"“{w}”" for w in found).zh)
        yield _finding(
            "target-vague",
            indicator=ind.id,
            path=("indicators", i, "target_text"),
            **message(
                "target-vague", name=ind.name, id=ind.id, text=ind.target_text, words=words
            ).as_en_zh(),
            evidence=(
                _ev("target_text", ind.target_text, "指标值表述", "target wording"),
                _ev("vague_words", "、".join(found), "方向性用语", "open-ended words"),
            ),
            citation=cite.MEASURABLE,
        )


def weights(spec: Spec, options: LintOptions) -> Iterator[Finding]:
    """``weight-trivial`` (share of meta.total) and ``weight-minor`` (share of the category
    average)."""
    total = Fraction(spec.meta.total)
    min_total = Fraction(options.min_weight_share) * total
    counts: dict[str, int] = {}
    for ind in spec.indicators:
        counts[ind.category] = counts.get(ind.category, 0) + 1
    cats = {c.id: c for c in spec.categories}
    for i, ind in enumerate(spec.indicators):
        w = Fraction(ind.weight)
        path = ("indicators", i, "weight")
        if total > 0 and w < min_total:
            lim = show_dec(options.min_weight_share * 100)
            yield _finding(
                "weight-trivial",
                indicator=ind.id,
                path=path,
                **message(
                    "weight-trivial",
                    name=ind.name,
                    id=ind.id,
                    weight=show_dec(ind.weight),
                    share=_pct(w / total),
                    total=show_dec(spec.meta.total),
                    limit=lim,
                ).as_en_zh(),
                evidence=(
                    _ev("weight", show_dec(ind.weight), "分值", "weight"),
                    _ev("total", show_dec(spec.meta.total), "总分", "total"),
                    _ev(
                        "share",
                        _pct(w / total),
                        "占总分比例",
                        "share of the total",
                        w / total * 100,
                    ),
                    _ev("threshold", f"{lim}%", "下限（不含）", "limit (exclusive)"),
                ),
                citation=cite.WEIGHTS,
            )
            continue  # one weight finding per indicator
        cat = cats.get(ind.category)
        n = counts[ind.category]
        if cat is None or n < 2 or options.min_sibling_share == 0:
            continue
        average = Fraction(cat.weight) / n
        limit = Fraction(options.min_sibling_share) * average
        if w < limit:
            yield _finding(
                "weight-minor",
                indicator=ind.id,
                path=path,
                **message(
                    "weight-minor",
                    name=ind.name,
                    id=ind.id,
                    weight=show_dec(ind.weight),
                    share=_pct(Fraction(options.min_sibling_share)),
                    category=cat.name,
                    category_weight=show_dec(cat.weight),
                    indicators=n,
                    average=show(average, 2),
                ).as_en_zh(),
                evidence=(
                    _ev("weight", show_dec(ind.weight), "分值", "weight"),
                    _ev("category_weight", show_dec(cat.weight), "类别分值", "category weight"),
                    _ev("siblings", str(n), "类别内指标数", "indicators in the category"),
                    _ev("average", show(average, 4), "平均分值", "average weight", average),
                    _ev("threshold", show(limit, 4), "下限（不含）", "limit (exclusive)", limit),
                ),
                citation=cite.WEIGHTS,
            )
