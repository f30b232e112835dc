"""Semantic checks of a spec and of actuals against it. Pure: they return problems."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

from perfrules._errors import PathKey, Problem
from perfrules._suggest import suggest
from perfrules.core._derive import BUDGET_NAMES, amount_env, names_of
from perfrules.core._derive import compute as derive_compute
from perfrules.core._derive import text_of as derive_text
from perfrules.core._exact import frac, on_grid, show, show_dec
from perfrules.core._formula_eval import FormulaZeroDivision
from perfrules.core.methods import Issue, rule_for, rule_of
from perfrules.model import (
    DEFAULT_GRADES,
    MAX_CATEGORY_LEVELS,
    Actuals,
    BonusItem,
    Category,
    Deviation,
    DeviationTarget,
    ExecutionBase,
    ExecutionPolicy,
    Indicator,
    IndicatorActual,
    Method,
    QualitativeDefault,
    QuantitativeTarget,
    SourceMap,
    Spec,
    Suggestions,
    Tier,
    VetoEffect,
    WeightPrecision,
    cached,
    category_tree,
    goal_blocks,
    level_name,
    make_problem,
)


class _Collector:
    def __init__(self, source: SourceMap | None) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(
        self, code: str, path: PathKey, *, en: str, zh: str, suggestion: str | None = None
    ) -> None:
        self.problems.append(
            make_problem(code, path, en=en, zh=zh, source=self.source, suggestion=suggestion)
        )

    def issues(self, at: PathKey, issues: list[Issue]) -> None:
        """A method's own issues, their paths under ``at`` (the method's key path)."""
        for i in issues:
            self.add(i.code, (*at, *i.path), en=i.en, zh=i.zh, suggestion=i.suggestion)


def _is_power_of_ten(q: Decimal) -> bool:
    if q <= 0:
        return False
    digits = q.normalize().as_tuple().digits
    return digits == (1,)


def _first_index(seq: list[str]) -> Iterator[tuple[int, int]]:
    """Pairs (first, duplicate) of indexes of repeated values."""
    seen: dict[str, int] = {}
    for i, v in enumerate(seq):
        if v in seen:
            yield seen[v], i
        else:
            seen[v] = i


def validate_spec(spec: Spec) -> list[Problem]:
    """Every semantic problem of ``spec`` (empty when it is sound).

    A spec is immutable: its problems are worked out once (the loader checks
    it, and ``evaluate`` checks it again) — also for a copy that differs only
    in what validation never reads (``attrs.evolve(spec, framework=…)``, as
    the loader makes after checking).
    """
    problems: tuple[Problem, ...] = cached(spec, "validate_spec", lambda: _problems_of(spec))
    return list(problems)


# The problems of the specs validated last, by the identity of the parts validation reads (every field but
# ``framework``); each entry holds those parts, so their identities stay theirs while it is kept.
_RECENT: dict[tuple[int, ...], tuple[tuple[object, ...], tuple[Problem, ...]]] = {}
_RECENT_KEPT = 4


def _problems_of(spec: Spec) -> tuple[Problem, ...]:
    parts = (
        spec.meta,
        spec.categories,
        spec.indicators,
        spec.budget_execution,
        spec.policy,
        spec.rounding,
        spec.grades,
        spec.tiers,
        spec.bonus,
        spec.vetoes,
        spec.source,
    )
    key = tuple(map(id, parts))
    hit = _RECENT.get(key)
    if hit is not None:
        return hit[1]
    problems = tuple(_validate_spec(spec))
    try:
        while len(_RECENT) >= _RECENT_KEPT:
            _RECENT.pop(next(iter(_RECENT)), None)
    except (StopIteration, RuntimeError):  # pragma: no cover - another thread emptied it meanwhile
        pass
    _RECENT[key] = (parts, problems)
    return problems


def _validate_spec(spec: Spec) -> list[Problem]:
    c = _Collector(spec.source)
    cats = spec.categories
    inds = spec.indicators

    def line_of(path: PathKey) -> str:
        if spec.source is None:
            return ""
        line, _ = spec.source.locate(path)
        return f" (line {line})" if line else ""

    for first, dup in _first_index([x.id for x in cats]):
        c.add(
            "duplicate-id",
            ("categories", dup, "id"),
            en=f"category id {cats[dup].id!r} is already used by categories[{first}]{line_of(('categories', first))}",
            zh=f"类别编号“{cats[dup].id}”重复，已在 categories[{first}]{line_of(('categories', first))} 使用",
        )
    for first, dup in _first_index([x.id for x in inds]):
        c.add(
            "duplicate-id",
            ("indicators", dup, "id"),
            en=f"indicator id {inds[dup].id!r} is already used by indicators[{first}]{line_of(('indicators', first))}",
            zh=f"指标编号“{inds[dup].id}”重复，已在 indicators[{first}]{line_of(('indicators', first))} 使用",
        )

    cat_ids = Suggestions(x.id for x in cats)
    by_id = {x.id: x for x in cats}
    top_ids = Suggestions(x.id for x in cats if x.parent is None)
    top_goal: Category | None = None  # the first top category: goal blocks are all or none
    for i, cat in enumerate(cats):
        if cat.weight <= 0:
            c.add(
                "weight",
                ("categories", i, "weight"),
                en=f"category {cat.id!r} has weight {show_dec(cat.weight)}; weights must be positive",
                zh=f"类别“{cat.name}”分值为{show_dec(cat.weight)}，分值必须大于0",
            )
        if cat.parent is not None:
            parent = by_id.get(cat.parent)
            if parent is None:
                c.add(
                    "unknown-category",
                    ("categories", i, "parent"),
                    en=f"parent {cat.parent!r} of category {cat.id!r} is not a category",
                    zh=f"类别“{cat.name}”的上级“{cat.parent}”不存在",
                    suggestion=top_ids(cat.parent),
                )
            elif cat.goal:
                c.add(
                    "category-goal",
                    ("categories", i, "goal"),
                    en=f"category {cat.id!r} has a parent, so it cannot be a goal block (goal = true): "
                    "年度绩效目标 blocks are top categories",
                    zh=f"类别“{cat.name}”有上级，不能标为年度绩效目标（goal = true）：目标只能是最上层类别",
                )
        elif top_goal is not None and cat.goal != top_goal.goal:
            c.add(
                "category-goal",
                ("categories", i, "goal"),
                en=f"top category {cat.id!r} is {'' if cat.goal else 'not '}a goal block but "
                f"{top_goal.id!r} is{'' if top_goal.goal else ' not'}: either every top category is "
                "a 年度绩效目标 block (goal = true) or none is",
                zh=f"最上层类别“{cat.name}”{'是' if cat.goal else '不是'}年度绩效目标，而“{top_goal.name}”"
                f"{'是' if top_goal.goal else '不是'}：最上层类别须全部标为目标（goal = true）或全不标",
            )
        else:
            top_goal = top_goal or cat
        chain = _category_chain(cat, by_id)
        if len(chain) > 1 and chain[-1] is cat:
            c.add(
                "category-cycle",
                ("categories", i, "parent"),
                en=f"category {cat.id!r} is its own ancestor (category → parent): "
                + " → ".join(repr(x.id) for x in chain),
                zh=f"类别“{cat.name}”的上级链形成循环（类别 → 上级）："
                + " → ".join(x.name for x in chain),
            )
        elif len(chain) == MAX_CATEGORY_LEVELS + 1 and chain[-1].parent is None:
            c.add(
                "category-depth",
                ("categories", i, "parent"),
                en=f"category {cat.id!r} is on level {len(chain)}: "
                + " → ".join(repr(x.id) for x in reversed(chain))
                + f"; categories have at most {MAX_CATEGORY_LEVELS} levels (一级, 二级, 三级, or "
                "目标, 一级, 二级) and a form at most four with its indicators",
                zh=f"类别“{cat.name}”位于第{len(chain)}层（"
                + " → ".join(x.name for x in reversed(chain))
                + "）；类别至多三层（一级、二级、三级，或目标、一级、二级），连同指标至多四级",
            )

    parents_with_children = {x.parent for x in cats if x.parent is not None}
    goal = goal_blocks(cats)
    levels = {x.id: level for x, level in category_tree(cats)}

    def sub_word(cat_id: str, down: int = 1) -> str:
        """二级 for the children of a 一级 (the level ``down`` below ``cat_id``, named as the form names it)."""
        return level_name(levels.get(cat_id, 1) + down, goal=goal)[:2]

    tier_grid = _TierGrid(spec)
    for i, ind in enumerate(inds):
        path: PathKey = ("indicators", i)
        if ind.weight <= 0:
            c.add(
                "weight",
                (*path, "weight"),
                en=f"indicator {ind.id!r} has weight {show_dec(ind.weight)}; weights must be positive",
                zh=f"指标“{ind.name}”分值为{show_dec(ind.weight)}，分值必须大于0",
            )
        if ind.is_qualitative:
            tier_grid.check(c, ind, (*path, "weight"))
        if ind.category not in by_id:
            c.add(
                "unknown-category",
                (*path, "category"),
                en=f"indicator {ind.id!r} is filed under unknown category {ind.category!r}",
                zh=f"指标“{ind.name}”所属类别“{ind.category}”不存在",
                suggestion=cat_ids(ind.category),
            )
        elif ind.category in parents_with_children:
            c.add(
                "category-not-leaf",
                (*path, "category"),
                en=f"indicator {ind.id!r} is filed under {ind.category!r}, which has {sub_word(ind.category)} "
                "categories; file it under one of them",
                zh=f"指标“{ind.name}”所属类别“{by_id[ind.category].name}”下设{sub_word(ind.category)}指标，应归入其中之一",
            )
        _check_indicator_target(c, spec, i)
        if ind.method is not None:
            _check_method_params(c, spec, ind.method, ind.weight, (*path, "method"), ind.target)
        if spec.policy.weight_precision is WeightPrecision.ERROR:
            quantum, what = (
                (spec.rounding.score, "rounding.score")
                if ind.round_to is None
                else (ind.round_to, "round_to")
            )
            _check_precision(c, (*path, "weight"), ind.weight, quantum, what)
        if ind.round_to is not None and (ind.round_to <= 0 or not _is_power_of_ten(ind.round_to)):
            c.add(
                "rounding",
                (*path, "round_to"),
                en=f"round_to must be a positive power of ten (1, 0.1, 0.01, …), not {show_dec(ind.round_to)}",
                zh=f"round_to 须为10的正整数次幂或其倒数（1、0.1、0.01……），而非{show_dec(ind.round_to)}",
            )

    # weights add up
    sub_weights: dict[str | None, list[Decimal]] = {}
    partial = spec.meta.partial is not None
    for x in cats:
        sub_weights.setdefault(x.parent, []).append(x.weight)
    ind_weights: dict[str, list[Decimal]] = {}
    for ind in inds:
        ind_weights.setdefault(ind.category, []).append(ind.weight)
    for i, cat in enumerate(cats):
        kids = sub_weights.get(cat.id) or ind_weights.get(cat.id, [])
        if not kids:
            c.add(
                "empty-category",
                ("categories", i),
                en=f"category {cat.id!r} has no sub-categories and no indicators",
                zh=f"类别“{cat.name}”下既无{sub_word(cat.id)}指标也无{sub_word(cat.id, 2)}指标"
                if levels.get(cat.id, 1) < MAX_CATEGORY_LEVELS
                else f"类别“{cat.name}”下没有{sub_word(cat.id)}指标",
            )
        elif sum(kids, Decimal(0)) != cat.weight and not (
            partial and sum(kids, Decimal(0)) < cat.weight
        ):  # partial mode: the form's category holds rows that are not declared
            c.add(
                "weight-sum",
                ("categories", i, "weight"),
                en=f"category {cat.id!r} has weight {show_dec(cat.weight)} but its parts add up to {show_dec(sum(kids, Decimal(0)))}",
                zh=f"类别“{cat.name}”分值{show_dec(cat.weight)}分，但其下各项分值合计{show_dec(sum(kids, Decimal(0)))}分",
            )
    top_sum = sum((x.weight for x in cats if x.parent is None), Decimal(0))
    if spec.budget_execution is not None:
        top_sum += spec.budget_execution.weight
        if spec.budget_execution.weight <= 0:
            c.add(
                "weight",
                ("budget_execution", "weight"),
                en="the budget-execution weight must be positive",
                zh="预算执行率分值必须大于0",
            )
        elif spec.policy.weight_precision is WeightPrecision.ALLOW:
            pass  # declared: the rule is applied as written, even where rounding passes the weight
        elif (
            spec.budget_execution.policy is ExecutionPolicy.ROUND_WHOLE
            and spec.budget_execution.method is None
        ):
            _check_precision(
                c,
                ("budget_execution", "weight"),
                spec.budget_execution.weight,
                Decimal(1),
                "budget_execution.policy = round_whole",
            )
        else:
            _check_precision(
                c,
                ("budget_execution", "weight"),
                spec.budget_execution.weight,
                spec.rounding.score,
                "rounding.score",
            )
    if partial and top_sum > spec.meta.total:
        c.add(
            "total",
            ("meta", "total"),
            en=f"the declared rows weigh {show_dec(top_sum)}, more than the form's total "
            f"{show_dec(spec.meta.total)} (partial mode: at most the total)",
            zh=f"已录入各行分值合计{show_dec(top_sum)}分，超过表的总分{show_dec(spec.meta.total)}分"
            "（部分指标模式下不得超过总分）",
        )
    elif cats and top_sum != spec.meta.total and not partial:
        c.add(
            "total",
            ("meta", "total"),
            en=f"{'goal blocks' if goal else '一级 categories'}"
            f"{' and budget execution' if spec.budget_execution else ''} add up to "
            f"{show_dec(top_sum)}, not the declared total {show_dec(spec.meta.total)} (declare meta.total if intended)",
            zh=f"{'各年度绩效目标' if goal else '一级指标'}{'及预算执行率' if spec.budget_execution else ''}"
            f"分值合计{show_dec(top_sum)}分，"
            f"与总分{show_dec(spec.meta.total)}分不符（如确需其他总分，请在 meta.total 声明）",
        )
    if not inds and not (partial and spec.budget_execution is not None):
        c.add(
            "no-indicators",
            ("indicators",),
            en="the spec has no indicators",
            zh="规范中没有任何三级指标",
        )

    _check_precision(c, ("meta", "total"), spec.meta.total, spec.rounding.total, "rounding.total")
    _check_bands(c, spec)
    _check_catalogue(c, spec)
    return c.problems


def _category_chain(cat: Category, by_id: dict[str, Category]) -> list[Category]:
    """``cat`` and its ancestors, nearest first, up to a top category, an unknown parent or a repeat.

    A chain that comes back to ``cat`` ends with ``cat`` again (a cycle); one
    that reaches a cycle above ``cat`` stops before repeating. At most
    ``MAX_CATEGORY_LEVELS + 1`` categories are walked (then the last one's
    ``parent`` is not ``None``: ``cat`` is deeper than that).
    """
    chain = [cat]
    seen = {cat.id}
    cur = cat
    while cur.parent is not None and len(chain) <= MAX_CATEGORY_LEVELS:
        nxt = by_id.get(cur.parent)
        if nxt is None:
            break
        if nxt.id in seen:
            if nxt is cat:
                chain.append(cat)  # ends with cat again: a cycle through it
            break
        chain.append(nxt)
        seen.add(nxt.id)
        cur = nxt
    return chain


def _check_tier_synonyms(c: _Collector, spec: Spec, tier_words: list[str]) -> None:
    """``[tier_synonyms]`` name declared tiers, and each word names one tier only."""
    names = Suggestions(t.name for t in spec.tiers)
    taken = set(tier_words)
    seen: dict[str, str] = {}
    for name, words in spec.tier_synonyms.entries:
        path: PathKey = ("tier_synonyms", name)
        if name not in {t.name for t in spec.tiers}:
            c.add(
                "unknown-tier",
                path,
                en=f"tier_synonyms: {name!r} is not a tier of this spec",
                zh=f"tier_synonyms：档次“{name}”不存在",
                suggestion=names(name),
            )
            continue
        for word in words:
            if word in taken or seen.get(word, name) != name:
                c.add(
                    "duplicate-id",
                    path,
                    en=f"tier_synonyms: {word!r} already names a tier"
                    f" ({spec.tier(word).name if word in taken else seen[word]!r})",
                    zh=f"tier_synonyms：“{word}”已是档次"
                    f"“{spec.tier(word).name if word in taken else seen[word]}”的名称、别名或同义词",
                )
            seen.setdefault(word, name)


def _check_method_params(
    c: _Collector,
    spec: Spec,
    method: Method,
    weight: Decimal,
    path: PathKey,
    target: QuantitativeTarget | None,
) -> None:
    """The method's own checks of its parameters (positive steps, band tables that tile the values once, …)."""
    c.issues(
        path,
        rule_for(method).check(method, weight=weight, quantum=spec.rounding.score, target=target),
    )


def _check_catalogue(c: _Collector, spec: Spec) -> None:
    """Budget-execution methods, bonus items, vetoes and the overshoot deduction."""
    be = spec.budget_execution
    if be is not None and be.method is not None:
        _check_method_params(c, spec, be.method, be.weight, ("budget_execution", "method"), None)
    for _first, dup in _first_index([b.id for b in spec.bonus]):
        c.add(
            "duplicate-id",
            ("bonus", dup, "id"),
            en=f"bonus item id {spec.bonus[dup].id!r} is used twice",
            zh=f"加分项编号“{spec.bonus[dup].id}”重复",
        )
    for i, item in enumerate(spec.bonus):
        if item.cap <= 0 or not on_grid(item.cap, spec.rounding.score):
            c.add(
                "bonus",
                ("bonus", i, "cap"),
                en=f"bonus item {item.id!r}: cap must be positive and on the score grid",
                zh=f"加分项“{item.name}”：上限须大于0且符合 rounding.score 精度",
            )
    names = [g.name for g in spec.grades]
    for _first, dup in _first_index([v.id for v in spec.vetoes]):
        c.add(
            "duplicate-id",
            ("vetoes", dup, "id"),
            en=f"veto id {spec.vetoes[dup].id!r} is used twice",
            zh=f"一票否决事项编号“{spec.vetoes[dup].id}”重复",
        )
    for i, veto in enumerate(spec.vetoes):
        if veto.grade is not None and veto.grade not in names:
            c.add(
                "veto",
                ("vetoes", i, "grade"),
                en=f"veto {veto.id!r}: {veto.grade!r} is not a grade of this spec",
                zh=f"一票否决“{veto.name}”：等级“{veto.grade}”不存在",
                suggestion=suggest(veto.grade, names),
            )
        if veto.grade is not None and veto.effect is not VetoEffect.GRADE:
            c.add(
                "veto",
                ("vetoes", i, "grade"),
                en=f'veto {veto.id!r}: a grade only goes with effect = "grade"',
                zh=f'一票否决“{veto.name}”：仅 effect = "grade" 时可设置等级',
            )
    od = spec.policy.overshoot_deduction
    if od is not None and od.deduct > 0 and not on_grid(od.deduct, spec.rounding.score):
        c.add(
            "policy",
            ("policy", "overshoot_deduction", "deduct"),
            en=f"policy.overshoot_deduction.deduct = {show_dec(od.deduct)} is finer than rounding.score ({show_dec(spec.rounding.score)})",
            zh=f"policy.overshoot_deduction.deduct = {show_dec(od.deduct)} 的小数位多于 rounding.score（{show_dec(spec.rounding.score)}）",
        )
    if od is not None:
        for key, v, ok in (
            ("threshold", od.threshold, od.threshold >= 1),
            ("per", od.per, od.per > 0),
            ("deduct", od.deduct, od.deduct > 0),
        ):
            if not ok:
                c.add(
                    "policy",
                    ("policy", "overshoot_deduction", key),
                    en=f"policy.overshoot_deduction.{key} = {show_dec(v)} is out of range "
                    "(threshold ≥ 1, per > 0, deduct > 0)",
                    zh=f"policy.overshoot_deduction.{key} = {show_dec(v)} 超出范围（threshold ≥ 1，per > 0，deduct > 0）",
                )


def _check_precision(
    c: _Collector, path: PathKey, weight: Decimal, quantum: Decimal, what: str
) -> None:
    """A weight must be a multiple of the quantum its score is rounded to.

    Otherwise rounding can lift a score above its weight (7.5 rounded to whole
    points is 8) or cost points on a met target (2.544 at 0.01 is 2.54).
    """
    if weight <= 0 or not _is_power_of_ten(quantum):
        return  # reported elsewhere
    if (frac(weight) / frac(quantum)).denominator != 1:
        c.add(
            "weight-precision",
            path,
            en=f"weight {show_dec(weight)} is not a multiple of the score precision {show_dec(quantum)} ({what}); "
            "rounding a score could exceed the weight or cost points on a met target",
            zh=f"分值{show_dec(weight)}不是得分精度{show_dec(quantum)}（{what}）的整数倍，"
            "舍入后得分可能超过分值或在完成指标时被扣分",
        )


def _check_indicator_target(c: _Collector, spec: Spec, i: int) -> None:
    ind = spec.indicators[i]
    path: PathKey = ("indicators", i)
    method = ind.method
    rule = rule_of(ind)
    if ind.target is None and ind.target_text is None:
        c.add(
            "missing-target",
            path,
            en=f"indicator {ind.id!r} has neither a target nor a target_text",
            zh=f"指标“{ind.name}”未设置年度指标值（target 或 target_text）",
        )
        return
    if rule.qualitative:
        if ind.target is not None:
            c.add(
                "method-target",
                (*path, "target"),
                en=f"indicator {ind.id!r} is qualitative but has a quantitative target {ind.target}; "
                "write the target wording as target_text, or choose a quantitative method",
                zh=f"指标“{ind.name}”为定性指标，却设置了定量指标值{ind.target}；定性指标请用 target_text 表述",
            )
        if ind.derive is not None:
            c.add(
                "method-target",
                (*path, "derive"),
                en=f"indicator {ind.id!r} is qualitative and cannot derive its actual from amounts",
                zh=f"指标“{ind.name}”为定性指标，不能由金额计算实际完成值",
            )
        return
    if ind.target is None:
        c.add(
            "method-target",
            (*path, "method"),
            en=f"indicator {ind.id!r} uses method {method.name if method else 'ratio'!r} but has no quantitative target",
            zh=f"指标“{ind.name}”采用定量计分，但没有定量指标值（如“≥400期”）",
        )
        return
    t = ind.target
    if isinstance(t, DeviationTarget):
        if not isinstance(method, Deviation):
            c.add(
                "method-target",
                (*path, "method"),
                en=f"indicator {ind.id!r} has the deviation target {t}: declare its scoring as "
                'method = { name = "deviation", shares = [ … ] } (shares of the weight by deviation)',
                zh=f"指标“{ind.name}”的指标值{t}为偏差目标，须声明偏差计分："
                'method = { name = "deviation", shares = [ … ] }（按偏差率分档，得分为分值的比例）',
            )
        if t.value <= 0:
            c.add(
                "target-value",
                (*path, "target"),
                en=f"indicator {ind.id!r}: the plan of a deviation target must be above 0, not {show_dec(t.value)}",
                zh=f"指标“{ind.name}”：偏差目标的计划值须大于0，而非{show_dec(t.value)}",
            )
    if t.value < 0:
        c.add(
            "target-value",
            (*path, "target"),
            en=f"indicator {ind.id!r}: target value {show_dec(t.value)} is negative; ratio scoring needs a target ≥ 0",
            zh=f"指标“{ind.name}”指标值{show_dec(t.value)}为负数，按比例计分要求指标值不小于0",
        )
    c.issues((*path, "method"), rule.check_target(method, ind, t))
    if ind.derive is not None and t.unit not in ("%", ""):
        c.add(
            "derive-unit",
            (*path, "derive"),
            en=f"indicator {ind.id!r}: a derived rate needs the unit % (or none), not {t.unit!r}",
            zh=f"指标“{ind.name}”：由金额计算的比率，计量单位应为“%”或留空，而非“{t.unit}”",
        )


class _TierGrid:
    """Every qualitative tier must admit at least one score at the score quantum.

    The tiers that admit none depend on the weight and the quantum only: they
    are worked out once per pair, not once per indicator.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.empty: dict[tuple[Decimal, Decimal], list[tuple[Tier, Fraction, Fraction]]] = {}

    def check(self, c: _Collector, ind: Indicator, path: PathKey) -> None:
        spec = self.spec
        quantum = ind.score_quantum(spec.rounding.score)
        if ind.weight <= 0 or quantum <= 0:
            return
        key = (ind.weight, quantum)
        if key not in self.empty:
            self.empty[key] = _empty_tiers(spec, ind.weight, frac(quantum))
        for tier, lo, hi in self.empty[key]:
            c.add(
                "tier-precision",
                path,
                en=f"indicator {ind.id!r}: with weight {show_dec(ind.weight)} no score at the quantum "
                f"{show_dec(spec.rounding.score)} lies in tier {tier.name!r} [{show(lo)}, {show(hi)}"
                f"{']' if tier.max_inclusive else ')'}; raise the weight or use a finer rounding.score",
                zh=f"指标“{ind.name}”：分值{show_dec(ind.weight)}分时，按{show_dec(spec.rounding.score)}分精度，"
                f"档次“{tier.name}”的区间内没有可取的分数；请调整分值或 rounding.score",
            )


def _empty_tiers(spec: Spec, weight: Decimal, q: Fraction) -> list[tuple[Tier, Fraction, Fraction]]:
    """The tiers (with their score ranges) that admit no multiple of ``q`` at ``weight``."""
    out: list[tuple[Tier, Fraction, Fraction]] = []
    wn, wd = weight.as_integer_ratio()
    qn, qd = q.numerator, q.denominator
    for tier in spec.tiers:
        # lo = w × min, hi = w × max; first = ⌈lo / q⌉ × q, the smallest multiple of q ≥ lo (on integers)
        an, ad = tier.min.as_integer_ratio()
        bn, bd = tier.max.as_integer_ratio()
        num, den = wn * an * qd, wd * ad * qn  # lo / q
        if den < 0:
            num, den = -num, -den
        c = -((-num) // den)
        lhs, rhs = (
            c * qn * wd * bd,
            wn * bn * qd,
        )  # first vs hi, over the positive denominator qd·wd·bd
        if qd * wd * bd < 0:
            lhs, rhs = -lhs, -rhs
        if not (lhs < rhs or (tier.max_inclusive and lhs == rhs)):
            lo, hi = tier_range(weight, tier.min, tier.max)
            out.append((tier, lo, hi))
    return out


def _check_bands(c: _Collector, spec: Spec) -> None:
    names = [g.name for g in spec.grades]
    for _first, dup in _first_index(names):
        c.add(
            "duplicate-id",
            ("grades", dup, "name"),
            en=f"grade {names[dup]!r} is declared twice",
            zh=f"等级“{names[dup]}”重复声明",
        )
    mins = [g.min for g in spec.grades]
    if (
        spec.grades == DEFAULT_GRADES
        and spec.meta.total != 100
        and spec.meta.total < DEFAULT_GRADES[0].min
    ):
        c.add(
            "grades",
            ("meta", "total"),
            en=f"the default grade bands (优 ≥ 90, 良 ≥ 80, 中 ≥ 60) are for a total of 100; "
            f"declare [[grades]] for a total of {show_dec(spec.meta.total)}",
            zh=f"默认等级线（优≥90、良≥80、中≥60）适用于总分100分；总分为{show_dec(spec.meta.total)}分时请声明 [[grades]]",
        )
    elif not spec.grades:
        c.add("grades", ("grades",), en="at least one grade band is needed", zh="至少需要一个等级")
    else:
        for i in range(1, len(mins)):
            if mins[i] >= mins[i - 1]:
                c.add(
                    "grades",
                    ("grades", i, "min"),
                    en="grade bands must be listed from the highest minimum to the lowest, strictly decreasing",
                    zh="等级须按分数线从高到低排列，且分数线严格递减",
                )
        if mins[-1] != 0:
            c.add(
                "grades",
                ("grades", len(mins) - 1, "min"),
                en="the lowest grade band must start at 0 so that every total gets a grade",
                zh="最低等级的分数线须为0，保证每个总分都有等级",
            )
        for i, m in enumerate(mins):
            if m < 0 or m > spec.meta.total:
                c.add(
                    "grades",
                    ("grades", i, "min"),
                    en=f"grade minimum {show_dec(m)} lies outside 0..{show_dec(spec.meta.total)}",
                    zh=f"等级分数线{show_dec(m)}超出0至{show_dec(spec.meta.total)}的范围",
                )
    tier_names: list[str] = []
    for i, tier in enumerate(spec.tiers):
        tier_names += [tier.name, *tier.aliases]
        fixed = (
            tier.min == tier.max and tier.max_inclusive
        )  # a fixed share: A/B/C/D = 100/80/60/0 %
        if not (0 <= tier.min <= tier.max <= 1) or (tier.min == tier.max and not fixed):
            c.add(
                "tiers",
                ("tiers", i),
                en=f"tier {tier.name!r}: need 0 ≤ min < max ≤ 1 (shares of the weight), or min = max with max_inclusive = true (a fixed share)",
                zh=f"档次“{tier.name}”：须满足 0 ≤ min < max ≤ 1（占分值的比例），或 min = max 且 max_inclusive = true（固定比例）",
            )
    for _first, dup in _first_index(tier_names):
        c.add(
            "duplicate-id",
            ("tiers",),
            en=f"tier name or alias {tier_names[dup]!r} is used twice",
            zh=f"档次名称或别名“{tier_names[dup]}”重复",
        )
    _check_tier_synonyms(c, spec, tier_names)
    _check_stated_words(c, spec)
    r = spec.rounding
    for key, q in (("score", r.score), ("total", r.total), ("rate_display", r.rate_display)):
        if not _is_power_of_ten(q):
            c.add(
                "rounding",
                ("rounding", key),
                en=f"rounding.{key} must be a power of ten such as 1, 0.1 or 0.01, not {show_dec(q)}",
                zh=f"rounding.{key} 须为1、0.1、0.01等10的幂，而非{show_dec(q)}",
            )
    if r.mode != "half_up":
        c.add(
            "rounding",
            ("rounding", "mode"),
            en=f"rounding mode {r.mode!r} is not supported; perfrules rounds half-up (四舍五入)",
            zh=f"不支持舍入方式“{r.mode}”；perfrules 按四舍五入计算",
            suggestion="half_up",
        )
    ow = spec.policy.overshoot_warning
    if ow is not None and ow <= 1:
        c.add(
            "policy",
            ("policy", "overshoot_warning"),
            en=f"policy.overshoot_warning is a multiple of the target and must exceed 1, not {show_dec(ow)}",
            zh=f"policy.overshoot_warning 为指标值的倍数，须大于1，而非{show_dec(ow)}",
        )


def validate_actuals(spec: Spec, actuals: Actuals) -> list[Problem]:
    """Every problem of ``actuals`` as the actuals of ``spec`` (empty when they fit).

    Worked out once per pair of (immutable) objects, like :func:`validate_spec`.
    """
    memo: dict[int, tuple[weakref.ref[Spec], tuple[Problem, ...]]] = cached(
        actuals, "validate_actuals", dict
    )
    hit = memo.get(id(spec))
    if hit is None or hit[0]() is not spec:
        hit = memo[id(spec)] = (weakref.ref(spec), tuple(_validate_actuals(spec, actuals)))
    return list(hit[1])


def _validate_actuals(spec: Spec, actuals: Actuals) -> list[Problem]:
    c = _Collector(actuals.source)
    meta = spec.meta
    if actuals.spec is not None and actuals.spec != meta.id:
        c.add(
            "spec-mismatch",
            ("spec",),
            en=f"these actuals are for spec {actuals.spec!r}, not {meta.id!r}",
            zh=f"本实际完成值文件对应规范“{actuals.spec}”，而非“{meta.id}”",
            suggestion=meta.id,
        )
    if actuals.year is not None and actuals.year != meta.year:
        c.add(
            "year-mismatch",
            ("year",),
            en=f"these actuals are for {actuals.year}, the spec for {meta.year}",
            zh=f"实际完成值年度为{actuals.year}年，规范年度为{meta.year}年",
        )

    spec_ids = {i.id for i in spec.indicators}
    spec_suggest = Suggestions(i.id for i in spec.indicators)
    for given in actuals.indicators:
        if given.id not in spec_ids:
            c.add(
                "unknown-indicator",
                ("indicators", given.id),
                en=f"actual given for {given.id!r}, which is not an indicator of spec {meta.id!r}",
                zh=f"指标“{given.id}”不在规范“{meta.id}”中",
                suggestion=spec_suggest(given.id),
            )
    env = amount_env(actuals)
    env_suggest = Suggestions(env)
    tier_names = Suggestions(spec.tier_words())
    for amt in actuals.amounts:
        if amt.value < 0:
            c.add(
                "negative",
                ("amounts", amt.name),
                en=f"amount {amt.name!r} is negative ({show_dec(amt.value)})",
                zh=f"金额“{amt.label or amt.name}”为负数（{show_dec(amt.value)}）",
            )

    for ind in spec.indicators:
        act = actuals.indicator(ind.id)
        path: PathKey = ("indicators", ind.id)
        if act is not None and act.own_score is not None:
            _check_own_score(c, ind, act, path)
        if act is not None and act.not_applicable is not None:
            continue  # 不适用: checked in _check_catalogue_actuals
        if (
            act is not None
            and act.deviation is not None
            and not isinstance(ind.target, DeviationTarget)
        ):
            c.add(
                "actual-kind",
                (*path, "deviation"),
                en=f"indicator {ind.id!r} has no deviation target: a stated deviation (偏差率) does not apply",
                zh=f"指标“{ind.name}”不是偏差目标，不应填写偏差率 deviation",
            )
        if act is not None and (act.stated is not None or act.evidence is not None):
            if _check_stated_actual(c, spec, ind, act, path):
                continue  # scored as stated: no value to check
        if ind.derive is not None:
            f_zh, f_en = derive_text(ind.derive)
            if act is not None and act.value is not None:
                c.add(
                    "derived-value",
                    (*path, "value"),
                    en=f"indicator {ind.id!r} is computed from amounts ({f_en}); do not type its value in",
                    zh=f"指标“{ind.name}”由金额计算得出（{f_zh}），不应填写 value",
                )
            missing = False
            for role, name in names_of(ind.derive):
                if name not in env:
                    missing = True
                    close = env_suggest(name)
                    if (
                        close is not None and close not in BUDGET_NAMES
                    ):  # point at the likely misspelling in the actuals
                        c.add(
                            "missing-amount",
                            ("amounts", close),
                            en=f"indicator {ind.id!r} needs amount {name!r} ({role}); the actuals give {close!r}",
                            zh=f"指标“{ind.name}”需要金额“{name}”，实际完成值文件给出的是“{close}”",
                            suggestion=name,
                        )
                    else:  # nothing close in the actuals, or the spec misspells a budget.* name
                        c.add(
                            "missing-amount",
                            ("amounts",),
                            en=f"indicator {ind.id!r} needs amount {name!r} ({role}), which the actuals do not give",
                            zh=f"指标“{ind.name}”需要金额“{name}”，实际完成值文件 [amounts] 中没有",
                            suggestion=close,
                        )
                    continue
                if role == "denominator" and env[name] == 0:
                    c.add(
                        "zero-denominator",
                        ("amounts", name),
                        en=f"amount {name!r} is 0 and divides indicator {ind.id!r}",
                        zh=f"金额“{name}”为0，无法作为指标“{ind.name}”的分母",
                    )
                    missing = True
            if not missing and all(
                env[n] >= 0 for _, n in names_of(ind.derive)
            ):  # negatives: reported above
                try:
                    derived = derive_compute(ind.derive, env)
                except FormulaZeroDivision as exc:
                    c.add(
                        "zero-denominator",
                        ("amounts",),
                        en=f"indicator {ind.id!r}: in {f_en}, the divisor {exc.divisor_text} is 0 with these amounts",
                        zh=f"指标“{ind.name}”：公式 {f_zh} 中的除数 {exc.divisor_text} 按本年金额为0，无法计算",
                    )
                else:
                    _check_derived_value(c, ind, derived, f_zh, f_en)
            continue
        if act is None:
            c.add(
                "missing-actual",
                ("indicators",),
                en=f"no actual given for indicator {ind.id!r} ({ind.name})",
                zh=f"指标“{ind.name}”（{ind.id}）缺少实际完成值",
            )
            continue
        if act.not_applicable is not None:
            continue  # checked with the other 不适用 entries below
        if (
            rule_of(ind).counts
            and act.value is not None
            and act.value != act.value.to_integral_value()
        ):
            c.add(
                "actual-kind",
                (*path, "value"),
                en=f"indicator {ind.id!r} counts occurrences: the value must be a whole number",
                zh=f"指标“{ind.name}”按例扣分，实际完成值须为整数（例数）",
            )
        if ind.is_qualitative:
            _check_qualitative_actual(c, spec, ind, act, path, tier_names)
        else:
            if act.tier is not None or act.score is not None:
                c.add(
                    "actual-kind",
                    (*path, "tier" if act.tier is not None else "score"),
                    en=f"indicator {ind.id!r} is quantitative: give a value, not a tier or score",
                    zh=f"指标“{ind.name}”为定量指标，应填写数值 value，而非档次或得分",
                )
            if act.value is None:
                c.add(
                    "missing-actual",
                    path,
                    en=f"indicator {ind.id!r} is quantitative and needs a value",
                    zh=f"指标“{ind.name}”为定量指标，缺少实际完成值 value",
                )
            elif act.value < 0:
                c.add(
                    "negative",
                    (*path, "value"),
                    en=f"indicator {ind.id!r}: actual {show_dec(act.value)} is negative",
                    zh=f"指标“{ind.name}”实际完成值{show_dec(act.value)}为负数",
                )

    _check_catalogue_actuals(c, spec, actuals, env)
    be = spec.budget_execution
    b = actuals.budget
    if be is not None and b is None:
        c.add(
            "missing-budget",
            ("budget",),
            en="the spec scores budget execution; the actuals need a [budget] block with full_year and spent",
            zh="规范包含预算执行率，实际完成值文件须有 [budget]（全年预算数 full_year、全年执行数 spent）",
        )
    if b is not None:
        for key in ("full_year", "spent", "initial"):
            v = getattr(b, key)
            if v is not None and v < 0:
                c.add(
                    "negative",
                    ("budget", key),
                    en=f"budget.{key} is negative ({show_dec(v)})",
                    zh=f"budget.{key} 为负数（{show_dec(v)}）",
                )
        base_value = b.full_year
        if be is not None and be.base is ExecutionBase.INITIAL:
            if b.initial is None:
                c.add(
                    "missing-budget",
                    ("budget",),
                    en="the spec divides by the initial budget (年初预算数); give budget.initial",
                    zh="规范以年初预算数为分母，须填写 budget.initial",
                )
            base_value = b.initial if b.initial is not None else Decimal(1)
        if be is not None and base_value == 0:
            c.add(
                "zero-denominator",
                ("budget", be.base.value),
                en="the budget that execution is measured against is 0",
                zh="预算执行率的分母（预算数）为0",
            )
        for li, line in enumerate(b.lines):
            for key in ("full_year", "spent", "initial"):
                v = getattr(line, key)
                if v is not None and v < 0:
                    c.add(
                        "negative",
                        ("budget", "lines", li, key),
                        en=f"budget line {line.name!r}: {key} is negative",
                        zh=f"预算明细“{line.name}”的 {key} 为负数",
                    )
    return c.problems


def _check_stated_actual(
    c: _Collector, spec: Spec, ind: Indicator, act: IndicatorActual, path: PathKey
) -> bool:
    """A result stated in words (据陈述): a declared word of a numeric target, with its evidence.

    ``True`` when the entry is a stated result of a quantitative, typed-in indicator (its
    value is not checked then).
    """
    word = act.stated
    if word is None:
        c.add(
            "stated-evidence",
            (*path, "evidence"),
            en=f"indicator {ind.id!r}: evidence supports a result stated in words; give stated too, or remove it",
            zh=f"指标“{ind.name}”：佐证材料 evidence 用于文字陈述的结果，请同时填写 stated，或删除 evidence",
        )
        return False
    if ind.is_qualitative:
        c.add(
            "actual-kind",
            (*path, "stated"),
            en=f"indicator {ind.id!r} is qualitative: give its tier, not a stated result",
            zh=f"指标“{ind.name}”为定性指标，应填写档次 tier，而非 stated",
        )
        return False
    if ind.derive is not None:
        c.add(
            "actual-kind",
            (*path, "stated"),
            en=f"indicator {ind.id!r} is computed from amounts: its actual cannot be stated in words",
            zh=f"指标“{ind.name}”由金额计算得出，实际完成值不能以文字陈述",
        )
        return False
    if act.value is not None:
        c.add(
            "actual-kind",
            (*path, "value"),
            en=f"indicator {ind.id!r}: give either a value or a stated result ({word!r}), not both",
            zh=f"指标“{ind.name}”：value 与文字陈述 stated（“{word}”）只能填写其一",
        )
    words = spec.stated
    if words is None:
        c.add(
            "stated-actual",
            (*path, "stated"),
            en=f"indicator {ind.id!r}: the actual is stated in words ({word!r}), but the spec declares no "
            "[stated] words, so it cannot be scored: give the number, or declare in the spec's [stated] "
            "which words count as met (met = [...]) or not met (not_met = [...])",
            zh=f"指标“{ind.name}”：实际完成值以文字陈述（“{word}”），但规范未声明 [stated] 词语，无法计分："
            "请填写数值，或在规范的 [stated] 中声明计为完成（met）或未完成（not_met）的词语",
        )
    elif words.meaning(word) is None:
        known = [*words.met, *words.not_met]
        c.add(
            "stated-actual",
            (*path, "stated"),
            en=f"indicator {ind.id!r}: {word!r} is not a declared stated word (met: {', '.join(words.met) or '—'}; "
            f"not met: {', '.join(words.not_met) or '—'})",
            zh=f"指标“{ind.name}”：“{word}”不是规范 [stated] 声明的词语（完成：{'、'.join(words.met) or '无'}；"
            f"未完成：{'、'.join(words.not_met) or '无'}）",
            suggestion=suggest(word, known),
        )
    if act.evidence is None or not act.evidence.strip():
        c.add(
            "stated-evidence",
            path,
            en=f"indicator {ind.id!r}: a result stated in words ({word!r}) needs its evidence "
            '(evidence = "验收报告（2023-05）"), shown with it in every output',
            zh=f"指标“{ind.name}”：文字陈述的结果（“{word}”）须注明佐证材料"
            '（如 evidence = "验收报告（2023-05）"），各输出均随之显示',
        )
    return True


def _check_own_score(c: _Collector, ind: Indicator, act: IndicatorActual, path: PathKey) -> None:
    """表内得分（单位自填）: a score in 0..weight with its reason, on a scored row without deductions."""
    own = act.own_score
    assert own is not None
    where: PathKey = (*path, "own_score")
    if not own.reason.strip():
        c.add(
            "own-score-reason",
            (*where, "reason"),
            en=f"indicator {ind.id!r}: the unit's own score ({show_dec(own.score)}) needs its reason "
            '(own_score = { score = 5, reason = "特困人员实行动态管理" }), shown in every output',
            zh=f"指标“{ind.name}”：表内得分（单位自填，{show_dec(own.score)}分）须注明原因"
            '（如 own_score = { score = 5, reason = "特困人员实行动态管理" }），各输出均随之显示',
        )
    if own.score < 0 or own.score > ind.weight:
        c.add(
            "own-score-range",
            (*where, "score"),
            en=f"indicator {ind.id!r}: the unit's own score {show_dec(own.score)} is outside "
            f"0..{show_dec(ind.weight)} (the row's weight)",
            zh=f"指标“{ind.name}”：表内得分{show_dec(own.score)}分超出0至分值{show_dec(ind.weight)}分的范围",
        )
    if act.not_applicable is not None:
        c.add(
            "own-score-kind",
            where,
            en=f"indicator {ind.id!r} is not applicable: it has no score of its own",
            zh=f"指标“{ind.name}”为不适用，不应填写表内得分 own_score",
        )
    if act.deductions:
        c.add(
            "own-score-kind",
            where,
            en=f"indicator {ind.id!r}: the unit's own score is the row's final score; "
            "give it or the deductions, not both",
            zh=f"指标“{ind.name}”：表内得分即本行最终得分，与扣减分数 deductions 只能填写其一",
        )


def _check_stated_words(c: _Collector, spec: Spec) -> None:
    """The [stated] declaration: words on both lists never, shares in 0..1, met at least not met."""
    words = spec.stated
    if words is None:
        return
    path: PathKey = ("stated",)
    if not words.met and not words.not_met:
        c.add(
            "stated-words",
            path,
            en="[stated] declares no word: list the words that count as met (met) or not met (not_met)",
            zh="[stated] 未声明任何词语：请列出计为完成（met）或未完成（not_met）的词语",
        )
    for key, listed in (("met", words.met), ("not_met", words.not_met)):
        for i, word in enumerate(listed):
            if not word.strip():
                c.add(
                    "stated-words",
                    (*path, key, i),
                    en="a stated word must not be blank",
                    zh="文字陈述词语不能为空",
                )
            elif key == "not_met" and word in words.met:
                c.add(
                    "stated-words",
                    (*path, key, i),
                    en=f"{word!r} is declared both met and not met",
                    zh=f"“{word}”同时声明为完成和未完成",
                )
    for key, share in (("met_share", words.met_share), ("not_met_share", words.not_met_share)):
        if not 0 <= share <= 1:
            c.add(
                "stated-words",
                (*path, key),
                en=f"{key} is a share of the weight between 0 and 1, not {show_dec(share)}",
                zh=f"{key} 为分值的比例，须在0至1之间，而非{show_dec(share)}",
            )
    if words.not_met_share > words.met_share:
        c.add(
            "stated-words",
            (*path, "not_met_share"),
            en="not_met_share is above met_share: a result stated not met would score more than one stated met",
            zh="not_met_share 大于 met_share：陈述为未完成的得分将高于陈述为完成的",
        )


def _check_derived_value(
    c: _Collector, ind: Indicator, value: Fraction, f_zh: str, f_en: str
) -> None:
    """A derived actual must suit its method: ≥ 0 unless the rule reads below 0; a whole count."""
    rule = rule_of(ind)
    below_zero_ok = rule.reads_below_zero(ind.method)
    if value < 0 and not below_zero_ok:
        c.add(
            "negative",
            ("indicators", ind.id),
            en=f"indicator {ind.id!r}: {f_en} is negative ({show(value)}) with these amounts, and its method "
            "scores values ≥ 0 only (use a step method, or a band unbounded below)",
            zh=f"指标“{ind.name}”：按本年金额计算 {f_zh} 为负数（{show(value)}），其计分方法只适用于非负值"
            "（可改用扣分档计分，或设置无下限的区间）",
        )
    if rule.counts and value.denominator != 1:
        c.add(
            "actual-kind",
            ("indicators", ind.id),
            en=f"indicator {ind.id!r} counts occurrences, but {f_en} gives {show(value)}, not a whole number",
            zh=f"指标“{ind.name}”按例扣分，但 {f_zh} 计算得{show(value)}，不是整数",
        )


def _name_of(spec: Spec, indicator_id: str) -> str:
    try:
        return spec.indicator(indicator_id).name
    except KeyError:
        return indicator_id


def _check_catalogue_actuals(
    c: _Collector, spec: Spec, actuals: Actuals, env: dict[str, Fraction]
) -> None:
    """不适用 entries, manual deductions, bonus awards, veto triggers and stated figures."""
    q = spec.rounding.score
    dropped = 0
    for act in actuals.indicators:
        path: PathKey = ("indicators", act.id)
        if act.not_applicable is not None:
            dropped += 1
            if not act.not_applicable.strip():
                c.add(
                    "reason",
                    (*path, "not_applicable"),
                    en="not_applicable needs the reason",
                    zh="不适用须说明原因",
                )
            if (
                act.value is not None
                or act.tier is not None
                or act.score is not None
                or act.deductions
            ):
                c.add(
                    "actual-kind",
                    (*path, "not_applicable"),
                    en=f"indicator {act.id!r} is not applicable: give no value, tier, score or deductions",
                    zh=f"指标“{_name_of(spec, act.id)}”不适用，不应再填写数值、档次、得分或扣减",
                )
        for j, d in enumerate(act.deductions):
            if d.points <= 0 or not on_grid(d.points, q):
                c.add(
                    "deduction",
                    (*path, "deductions", j, "points"),
                    en=f"a deduction must be positive and on the score grid ({show_dec(q)}), not {show_dec(d.points)}",
                    zh=f"扣减分数须大于0且符合 rounding.score 精度（{show_dec(q)}），而非{show_dec(d.points)}",
                )
            if not d.reason.strip():
                c.add(
                    "reason",
                    (*path, "deductions", j, "reason"),
                    en="a deduction needs its reason",
                    zh="扣减分数须注明原因",
                )
    if spec.indicators and dropped >= len(spec.indicators):
        c.add(
            "not-applicable",
            ("indicators",),
            en="every indicator is marked not applicable: nothing to score",
            zh="所有指标均为不适用，无可计分指标",
        )
    items: dict[str, BonusItem] = {}
    for b in spec.bonus:
        items.setdefault(b.id, b)
    bonus_ids = Suggestions(items)
    for award in actuals.bonus:
        path = ("bonus", award.id)
        item = items.get(award.id)
        if item is None:
            c.add(
                "unknown-bonus",
                path,
                en=f"{award.id!r} is not a bonus item of this spec",
                zh=f"加分项“{award.id}”不存在",
                suggestion=bonus_ids(award.id),
            )
            continue
        if award.points <= 0 or award.points > item.cap or not on_grid(award.points, q):
            c.add(
                "bonus",
                (*path, "points"),
                en=f"bonus {award.id!r}: {show_dec(award.points)} points must be above 0, at most the cap "
                f"{show_dec(item.cap)} and on the score grid",
                zh=f"加分项“{item.name}”：加{show_dec(award.points)}分须大于0、不超过上限{show_dec(item.cap)}分且符合精度",
            )
        if not award.reason.strip():
            c.add(
                "reason",
                (*path, "reason"),
                en="a bonus award needs its reason",
                zh="加分须注明理由",
            )
    veto_ids = {v.id for v in spec.vetoes}
    veto_suggest = Suggestions(v.id for v in spec.vetoes)
    for trig in actuals.vetoes:
        if trig.id not in veto_ids:
            c.add(
                "unknown-veto",
                ("vetoes", trig.id),
                en=f"{trig.id!r} is not a veto of this spec",
                zh=f"一票否决事项“{trig.id}”不存在",
                suggestion=veto_suggest(trig.id),
            )
        elif not trig.reason.strip():
            c.add(
                "reason",
                ("vetoes", trig.id),
                en="a triggered veto needs its reason",
                zh="一票否决须说明事实",
            )
    for fig in actuals.figures:
        path = ("figures", fig.name, "formula")
        unknown = fig.formula.check(env)
        for err in unknown:
            c.add(
                "missing-amount",
                path,
                en=f"figure {fig.name!r}: {err.en}",
                zh=f"数据核对项“{fig.name}”：{err.zh}",
            )
        if not unknown:
            try:
                derive_compute(fig.formula, env)
            except FormulaZeroDivision as exc:
                c.add(
                    "zero-denominator",
                    path,
                    en=f"figure {fig.name!r}: the divisor {exc.divisor_text} is 0",
                    zh=f"数据核对项“{fig.name}”：除数 {exc.divisor_text} 为0",
                )


def _check_qualitative_actual(
    c: _Collector,
    spec: Spec,
    ind: Indicator,
    act: IndicatorActual,
    path: PathKey,
    tier_names: Suggestions,
) -> None:
    if act.value is not None:
        c.add(
            "actual-kind",
            (*path, "value"),
            en=f"indicator {ind.id!r} is qualitative: give a tier (and optionally a score), not a value",
            zh=f"指标“{ind.name}”为定性指标，应填写档次 tier（可另填得分 score），而非数值 value",
        )
    if act.tier is None:
        c.add(
            "missing-actual",
            path,
            en=f"indicator {ind.id!r} is qualitative and needs a tier: "
            + " / ".join(t.name for t in spec.tiers),
            zh=f"指标“{ind.name}”为定性指标，须填写档次：" + "／".join(t.name for t in spec.tiers),
        )
        return
    try:
        tier = spec.tier(act.tier)
    except KeyError:
        c.add(
            "unknown-tier",
            (*path, "tier"),
            en=f"indicator {ind.id!r}: {act.tier!r} is not a tier of this spec",
            zh=f"指标“{ind.name}”：档次“{act.tier}”不存在",
            suggestion=tier_names(act.tier),
        )
        return
    lo, hi = tier_range(ind.weight, tier.min, tier.max)
    if act.score is not None and (frac(act.score) / frac(spec.rounding.score)).denominator != 1:
        c.add(
            "score-precision",
            (*path, "score"),
            en=f"indicator {ind.id!r}: score {show_dec(act.score)} has more decimals than rounding.score "
            f"({show_dec(spec.rounding.score)}); rounding it could move it across a tier edge",
            zh=f"指标“{ind.name}”：得分{show_dec(act.score)}的小数位多于 rounding.score（{show_dec(spec.rounding.score)}），"
            "舍入后可能跨越档次边界",
        )
    elif act.score is not None:
        s = frac(act.score)
        inside = lo <= s and (s <= hi if tier.max_inclusive else s < hi)
        if not inside:
            close = "]" if tier.max_inclusive else ")"
            c.add(
                "score-outside-tier",
                (*path, "score"),
                en=f"indicator {ind.id!r}: score {show_dec(act.score)} is outside tier {tier.name!r}, "
                f"which admits [{show(lo)}, {show(hi)}{close} of weight {show_dec(ind.weight)}",
                zh=f"指标“{ind.name}”：得分{show_dec(act.score)}不在档次“{tier.name}”的分值区间"
                f"[{show(lo)}, {show(hi)}{close}内（分值{show_dec(ind.weight)}分）",
            )
    elif spec.policy.qualitative_default is QualitativeDefault.REQUIRE_SCORE and not (
        tier.max_inclusive and tier.max == 1
    ):
        c.add(
            "missing-score",
            (*path, "score"),
            en=f"indicator {ind.id!r}: the spec requires an entered score for tier {tier.name!r}",
            zh=f"指标“{ind.name}”：规范要求档次“{tier.name}”须填写得分 score",
        )


def tier_range(weight: Decimal, lo: Decimal, hi: Decimal) -> tuple[Fraction, Fraction]:
    """The score range a tier admits for ``weight``."""
    return frac(weight) * frac(lo), frac(weight) * frac(hi)
