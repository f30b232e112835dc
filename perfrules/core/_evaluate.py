"""``evaluate(spec, actuals)``: the pure evaluation core."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from perfrules._errors import SpecError
from perfrules.core import _citations as cite
from perfrules.core._budget import score_budget_execution
from perfrules.core._derive import amount_env, names_of
from perfrules.core._derive import compute as derive_compute
from perfrules.core._derive import text_of as derive_text
from perfrules.core._digest import spec_sha256
from perfrules.core._exact import frac, round_half_up, show, show_dec, show_percent
from perfrules.core._fullmarks import FullMarks
from perfrules.core._result import (
    BonusResult,
    BudgetExecutionResult,
    BudgetLineResult,
    CategoryResult,
    Evaluation,
    IndicatorResult,
    ScoreWarning,
    Step,
    VetoResult,
)
from perfrules.core._scoring import Scored, with_deductions
from perfrules.core._validate import validate_actuals, validate_spec
from perfrules.core._whynot import budget_full_marks, full_marks
from perfrules.core.methods import Inputs, rule_of
from perfrules.model import (
    Actuals,
    BonusItem,
    Category,
    Indicator,
    IndicatorActual,
    Spec,
    Veto,
    VetoEffect,
)


def check(spec: Spec, actuals: Actuals | None = None) -> None:
    """Raise :class:`~perfrules.SpecError` with every problem of ``spec`` (and ``actuals``)."""
    problems = validate_spec(spec)
    if actuals is not None and not problems:
        problems += validate_actuals(spec, actuals)
    if problems:
        raise SpecError(problems)


def evaluate(spec: Spec, actuals: Actuals) -> Evaluation:
    """Score ``actuals`` against ``spec``: every indicator, subtotals, total and grade.

    Pure and deterministic: no I/O, no globals, exact arithmetic. Raises
    :class:`~perfrules.SpecError` (listing every problem) when the spec or
    the actuals are not valid.
    """
    check(spec, actuals)
    amounts = _Amounts(actuals)
    results = tuple(_score_indicator(spec, ind, actuals, amounts) for ind in spec.indicators)

    budget_result: BudgetExecutionResult | None = None
    if spec.budget_execution is not None and actuals.budget is not None:
        budget_result = _score_budget(spec, actuals)

    categories = _subtotals(spec, results)
    total, total_steps, bonus, vetoes = _total(spec, actuals, results, categories, budget_result)
    grade, grade_steps = _grade(spec, total)
    vetoed = {r.id for r in vetoes}
    veto_grades = [v for v in spec.vetoes if v.id in vetoed and v.effect is VetoEffect.GRADE]
    if veto_grades:
        lowest = spec.grades[-1].name
        imposed = [v.grade or lowest for v in veto_grades]
        order = [g.name for g in spec.grades]
        rank = {name: i for i, name in reversed(list(enumerate(order)))}  # the first place of each grade
        worst = max([*imposed, grade], key=rank.__getitem__)  # a veto never improves the earned grade
        grade_steps = (*grade_steps, Step(
            kind="policy",
            zh=f"一票否决（{'、'.join(v.name for v in veto_grades)}）：等级定为“{worst}”",
            en=f"veto ({', '.join(v.id for v in veto_grades)}): grade set to {worst!r}",
        ))  # fmt: skip
        grade = worst

    warnings = tuple(w for r in results for w in r.warnings)
    policies = (
        ("negative", spec.policy.negative.value),
        ("equal_above", spec.policy.equal_above.value),
        ("overshoot_warning", show_dec(spec.policy.overshoot_warning) if spec.policy.overshoot_warning else "off"),
        ("qualitative_default", spec.policy.qualitative_default.value),
        ("rounding", f"half_up score={show_dec(spec.rounding.score)} total={show_dec(spec.rounding.total)}"),
        ("budget_execution", _budget_policy(spec)),
        ("grades", " ".join(f"{g.name}≥{show_dec(g.min)}" for g in spec.grades)),
    )
    meta = spec.meta
    return Evaluation(
        spec_id=meta.id,
        title=meta.title,
        unit=meta.unit,
        year=meta.year,
        kind=meta.kind.value,
        basis=meta.basis,
        spec_sha256=spec_sha256(spec),
        actuals_label=actuals.label,
        indicators=results,
        budget_execution=budget_result,
        categories=categories,
        total_weight=meta.total,
        total=total,
        grade=grade,
        grade_steps=grade_steps,
        warnings=warnings,
        policies=policies,
        total_steps=total_steps,
        bonus=bonus,
        vetoes=vetoes,
        framework=spec.framework,
    )


def _budget_policy(spec: Spec) -> str:
    be = spec.budget_execution
    if be is None:
        return "none"
    return f"method {be.method.name}" if be.method is not None else be.policy.value


def _total(
    spec: Spec,
    actuals: Actuals,
    results: tuple[IndicatorResult, ...],
    categories: tuple[CategoryResult, ...],
    budget: BudgetExecutionResult | None,
) -> tuple[Decimal, tuple[Step, ...], tuple[BonusResult, ...], tuple[VetoResult, ...]]:
    """The total: Σ subtotals (+ budget), rescaled for 不适用, + bonus, capped, vetoed, rounded."""
    meta = spec.meta
    steps: list[Step] = []
    parts = [(c.name, c.score) for c in categories if c.parent is None]
    if budget is not None:
        parts.append((budget.name, budget.score))
    raw = sum((frac(s) for _, s in parts), Fraction(0))
    steps.append(Step(kind="formula",
                      zh="总分 = " + " + ".join(f"{n}{show_dec(s)}" for n, s in parts) + f" = {show(raw, 6)}",
                      en="total = " + " + ".join(show_dec(s) for _, s in parts) + f" = {show(raw, 6)}"))  # fmt: skip
    dropped = [r for r in results if not r.applicable]
    if dropped:
        na_weight = sum((frac(r.weight) for r in dropped), Fraction(0))
        base = frac(meta.total) - na_weight
        scaled = raw / base * frac(meta.total)
        names = "、".join(r.name for r in dropped)
        steps.append(Step(kind="formula",
                          zh=f"不适用指标（{names}，分值合计{show(na_weight)}分）不考核，按百分制折算："
                          f"{show(raw, 6)} ÷ {show(base)} × {show_dec(meta.total)} = {show(scaled, 6)}",
                          en=f"not applicable ({', '.join(r.id for r in dropped)}, weight {show(na_weight)}): rescaled "
                          f"{show(raw, 6)} / {show(base)} × {show_dec(meta.total)} = {show(scaled, 6)}"))  # fmt: skip
        steps.append(Step(kind="rule", zh=f"依据：{cite.NOT_APPLICABLE}",
                          en=f"rule: {cite.NOT_APPLICABLE.document} [{cite.NOT_APPLICABLE.id}]"))  # fmt: skip
        raw = scaled
    bonus: list[BonusResult] = []
    items: dict[str, BonusItem] = {}
    for b in spec.bonus:
        items.setdefault(b.id, b)
    for award in actuals.bonus:
        item = items[award.id]
        bonus.append(BonusResult(id=item.id, name=item.name, cap=item.cap, points=award.points, reason=award.reason))
        raw += frac(award.points)
        src = item.rule.document if item.rule else cite.BONUS.document
        steps.append(Step(kind="formula",
                          zh=f"加分项“{item.name}”加{show_dec(award.points)}分（上限{show_dec(item.cap)}分）：{award.reason}（{src}）",
                          en=f"bonus {item.id!r}: +{show_dec(award.points)} (cap {show_dec(item.cap)}): {award.reason}"))  # fmt: skip
    if bonus and spec.policy.total_cap and raw > frac(meta.total):
        steps.append(Step(kind="clamp", zh=f"加分后{show(raw, 6)}分超过满分，按{show_dec(meta.total)}分计（policy.total_cap）",
                          en=f"{show(raw, 6)} exceeds the full score; capped at {show_dec(meta.total)} (policy.total_cap)"))  # fmt: skip
        raw = frac(meta.total)
    vetoes: list[VetoResult] = []
    declared: dict[str, Veto] = {}
    for v in spec.vetoes:
        declared.setdefault(v.id, v)
    for trig in actuals.vetoes:
        veto = declared[trig.id]
        vetoes.append(VetoResult(id=veto.id, name=veto.name, effect=veto.effect.value, reason=trig.reason))
        src = veto.rule.document if veto.rule else cite.VETO.document
        if veto.effect is VetoEffect.ZERO:
            steps.append(Step(kind="policy", zh=f"一票否决“{veto.name}”：{trig.reason}；总分记为0分（{src}）",
                              en=f"veto {veto.id!r}: {trig.reason}; the total is 0"))  # fmt: skip
            raw = Fraction(0)
        else:
            steps.append(Step(kind="policy", zh=f"一票否决“{veto.name}”：{trig.reason}；等级按规定确定（{src}）",
                              en=f"veto {veto.id!r}: {trig.reason}; the grade is imposed"))  # fmt: skip
    total = round_half_up(raw, spec.rounding.total)
    if frac(total) != raw:
        steps.append(Step(kind="round", zh=f"总分按四舍五入保留到{show_dec(spec.rounding.total)}：{show(raw, 6)} → {show_dec(total)}",
                          en=f"total rounded half-up to {show_dec(spec.rounding.total)}: {show(raw, 6)} → {show_dec(total)}"))  # fmt: skip
    return total, tuple(steps), tuple(bonus), tuple(vetoes)


def _category_path(spec: Spec, category_id: str) -> tuple[str, ...]:
    path: list[str] = []
    cur: str | None = category_id
    while cur is not None:
        cat = spec.category(cur)
        path.insert(0, cat.name)
        cur = cat.parent
    return tuple(path)


def _not_applicable(spec: Spec, ind: Indicator, reason: str, note: str | None,
                    category_path: tuple[str, ...]) -> IndicatorResult:  # fmt: skip
    c = cite.NOT_APPLICABLE
    return IndicatorResult(
        id=ind.id, name=ind.name, category=ind.category, category_path=category_path,
        weight=ind.weight, target=ind.target_display, actual="不适用", actual_value=None, tier=None,
        method="not_applicable", met=None, score=Decimal(0), citation=c, note=note, applicable=False, rule=ind.rule,
        steps=(
            Step(kind="input", zh=f"不适用：{reason}", en=f"not applicable: {reason}"),
            Step(kind="policy", zh=f"不考核该指标（分值{show_dec(ind.weight)}分），其余指标得分按百分制折算",
                 en=f"not scored (weight {show_dec(ind.weight)}); the total is rescaled over the applicable weight"),
            Step(kind="rule", zh=f"依据：{c}", en=f"rule: {c.document} [{c.id}]"),
        ),
    )  # fmt: skip


class _Amounts:
    """What every indicator's scoring reads, worked out once per evaluation (not once per indicator).

    The actuals' amounts as derived indicators read them, and each category's
    path of names (``category_path``).
    """

    def __init__(self, actuals: Actuals) -> None:
        self.actuals = actuals
        self._env: dict[str, Fraction] | None = None
        self._labels: dict[str, str] | None = None
        self.paths: dict[str, tuple[str, ...]] = {}

    def category_path(self, spec: Spec, category_id: str) -> tuple[str, ...]:
        path = self.paths.get(category_id)
        if path is None:
            path = self.paths[category_id] = _category_path(spec, category_id)
        return path

    @property
    def env(self) -> dict[str, Fraction]:
        if self._env is None:
            self._env = amount_env(self.actuals)
        return self._env

    @property
    def labels(self) -> dict[str, str]:
        if self._labels is None:
            self._labels = {a.name: (a.label or a.name) for a in self.actuals.amounts}
        return self._labels


def _score_indicator(spec: Spec, ind: Indicator, actuals: Actuals, amounts: _Amounts) -> IndicatorResult:
    act = actuals.indicator(ind.id)
    if act is not None and act.not_applicable is not None:
        return _not_applicable(spec, ind, act.not_applicable, act.note, amounts.category_path(spec, ind.category))
    text = act.text if act is not None else None
    warnings: list[ScoreWarning] = []
    actual_value: Fraction | None = None
    tier_name: str | None = None
    derive_steps: list[Step] = []
    stated: str | None = None
    scored: Scored
    rounding = spec.rounding if ind.round_to is None else attrs.evolve(spec.rounding, score=ind.round_to)
    rule = rule_of(ind)
    if rule.qualitative:
        assert act is not None and act.tier is not None  # guaranteed by validate_actuals
        tier = spec.tier(act.tier)
        tier_name = tier.name
        scored = rule.score(ind.method, Inputs(
            weight=ind.weight,
            rounding=rounding,
            policy=spec.policy,
            target_text=ind.target_display,
            tier=tier,
            entered=act.score,
            description=text,
        ))  # fmt: skip
        actual_display = text or tier.name
    else:
        target = ind.target
        assert target is not None  # guaranteed by validate_spec
        if ind.derive is not None:
            env = amounts.env
            ratio = derive_compute(ind.derive, env)
            percent = target.unit == "%"
            actual_value = ratio * 100 if percent else ratio
            shown = show_percent(ratio, spec.rounding.rate_display) if percent else show(ratio)
            labels = amounts.labels
            f_zh, f_en = derive_text(ind.derive, labels)
            values = "，".join(f"{labels.get(n, n)} = {show(env[n])}" for _, n in names_of(ind.derive))
            values_en = ", ".join(f"{n} = {show(env[n])}" for _, n in names_of(ind.derive))
            times = " × 100%" if percent else ""
            derive_steps.append(Step(
                kind="input",
                zh=f"实际完成值 = {f_zh}{times}（{values}）= {show(actual_value, 6)}{target.unit}（显示为{shown}）",
                en=f"actual = {f_en}{times} ({values_en}) = {show(actual_value, 6)}{target.unit} (shown as {shown})",
            ))  # fmt: skip
            actual_display = shown
            if text is not None and text != shown:
                stated = text
                derive_steps.append(Step(
                    kind="input",
                    zh=f"报告填报的实际完成值为“{text}”，按金额计算值{shown}计分",
                    en=f"the report states {text!r}; scored on the computed {shown}",
                ))  # fmt: skip
        else:
            assert act is not None and act.value is not None  # guaranteed by validate_actuals
            actual_value = frac(act.value)
            actual_display = text or f"{show_dec(act.value)}{target.unit}"
        scored = rule.score(ind.method, Inputs(
            weight=ind.weight,
            rounding=rounding,
            policy=spec.policy,
            target=target,
            actual=actual_value,
            actual_text=actual_display if ind.derive else f"{show(actual_value)}{target.unit}",
        ))  # fmt: skip
        ratio_limit = spec.policy.overshoot_warning
        if (
            ratio_limit is not None
            and target.comparator.direction in ("positive", "equal")
            and target.value > 0
            and actual_value >= frac(ratio_limit) * frac(target.value)
        ):
            share = show(actual_value / frac(target.value) * 100, 2)
            warnings.append(ScoreWarning(
                code="overshoot",
                indicator=ind.id,
                zh=f"{ind.name}：实际完成值{show(actual_value)}{target.unit}为指标值{target}的{share}%"
                f"（≥{show(frac(ratio_limit) * 100)}%）。实际完成值远超指标值，需说明偏差原因/目标设置是否偏低",
                en=f"{ind.name}: actual {show(actual_value)}{target.unit} is {share}% of target {target} "
                f"(≥ {show(frac(ratio_limit) * 100)}%): far above the target; explain the deviation "
                "or whether the target was set too low",
                citation=cite.OVERSHOOT,
            ))  # fmt: skip
        if (
            scored.met is False
            and scored.score == ind.weight
            and target.comparator.value in (">", "<")
            and actual_value == frac(target.value)
        ):
            strict = target.comparator.value
            warnings.append(ScoreWarning(
                code="strict-boundary",
                indicator=ind.id,
                zh=f"{ind.name}：实际完成值等于指标值，未满足“{strict}”的严格要求，但按完成比例计分仍为满分，请复核指标值表述",
                en=f"{ind.name}: the actual equals the target, so the strict '{strict}' is not met, "
                "yet the completion ratio still gives full marks; review how the target is worded",
                citation=scored.citation,
            ))  # fmt: skip
    if act is not None and act.deductions:
        items = [(frac(d.points), d.reason, d.reason) for d in act.deductions]
        scored = with_deductions(scored, ind.weight, rounding.score, items, cite.MANUAL_DEDUCTION)
    steps = tuple(derive_steps) + scored.steps
    if ind.round_to is not None:
        steps = (Step(kind="policy", zh=f"本指标得分按规范声明的精度 round_to = {show_dec(ind.round_to)} 四舍五入（而非 rounding.score = {show_dec(spec.rounding.score)}）",
                      en=f"this indicator's score is rounded half-up to round_to = {show_dec(ind.round_to)} as the spec declares (not rounding.score = {show_dec(spec.rounding.score)})"),
                 *steps)  # fmt: skip
    if ind.rule is not None:
        steps = (*steps, Step(kind="rule", zh=f"本指标计分依据（规范声明）：{ind.rule.document}{'：' + ind.rule.text if ind.rule.text else ''}",
                              en=f"this indicator's rule (declared by the spec): {ind.rule.document}"))  # fmt: skip
    return IndicatorResult(
        id=ind.id,
        name=ind.name,
        category=ind.category,
        category_path=amounts.category_path(spec, ind.category),
        weight=ind.weight,
        target=ind.target_display,
        actual=actual_display,
        actual_value=actual_value,
        tier=tier_name,
        method=scored.method,
        met=scored.met,
        score=scored.score,
        steps=steps,
        citation=scored.citation,
        reason=scored.reason,
        reason_en=scored.reason_en,
        note=act.note if act is not None else None,
        warnings=tuple(warnings),
        rule=ind.rule,
        full_marks=_full_marks_of(spec, ind, act) if scored.score < ind.weight else None,
        stated=stated,
    )


def _full_marks_of(spec: Spec, ind: Indicator, act: IndicatorActual | None) -> FullMarks | None:
    fm = full_marks(spec, ind)
    if fm is not None and act is not None and act.deductions:
        points = sum((d.points for d in act.deductions), Decimal(0))
        fm = attrs.evolve(fm, zh=fm.zh + f"；另有扣减分数{show_dec(points)}分，与实际完成值无关",
                          en=fm.en + f"; a manual deduction of {show_dec(points)} applies whatever the actual")  # fmt: skip
    return fm


def _score_budget(spec: Spec, actuals: Actuals) -> BudgetExecutionResult:
    block = spec.budget_execution
    budget = actuals.budget
    assert block is not None and budget is not None
    scored, rate, base = score_budget_execution(block, budget, spec.rounding)
    steps = scored.steps
    if block.rule is not None:
        steps = (*steps, Step(kind="rule", zh=f"本项计分依据（规范声明）：{block.rule.document}{'：' + block.rule.text if block.rule.text else ''}",
                              en=f"this row's rule (declared by the spec): {block.rule.document}"))  # fmt: skip
    lines = []
    for line in budget.lines:
        line_base = line.initial if block.base.value == "initial" else line.full_year
        line_rate = frac(line.spent) / frac(line_base) if line_base else None
        lines.append(BudgetLineResult(
            name=line.name, spent=line.spent, budget=line_base, rate=line_rate,
            rate_display=show_percent(line_rate, spec.rounding.rate_display) if line_rate is not None else None,
        ))  # fmt: skip
    return BudgetExecutionResult(
        name=block.name,
        weight=block.weight,
        initial=budget.initial,
        full_year=budget.full_year,
        spent=budget.spent,
        unit=budget.unit,
        base=block.base.value,
        rate=rate,
        rate_display=show_percent(rate, spec.rounding.rate_display),
        policy=_budget_policy(spec),
        score=scored.score,
        steps=steps,
        citation=scored.citation,
        reason=scored.reason,
        reason_en=scored.reason_en,
        lines=tuple(lines),
        rule=block.rule,
        full_marks=budget_full_marks(spec, block) if scored.score < block.weight else None,
    )


def _subtotals(spec: Spec, results: tuple[IndicatorResult, ...]) -> tuple[CategoryResult, ...]:
    scores: dict[str, Decimal] = {}
    applicable: dict[str, Decimal] = {}
    by_category: dict[str, list[IndicatorResult]] = {}
    for r in results:
        by_category.setdefault(r.category, []).append(r)
    children: dict[str | None, list[Category]] = {}
    for cat in spec.categories:
        children.setdefault(cat.parent, []).append(cat)
    for cat in spec.categories:  # leaves first: sum their (applicable) indicators
        mine = by_category.get(cat.id, [])
        scores[cat.id] = sum((r.score for r in mine), Decimal(0))
        applicable[cat.id] = sum((r.weight for r in mine if r.applicable), Decimal(0))
    for cat in spec.categories:  # then 一级 categories sum their 二级 children
        kids = children.get(cat.id, [])
        if kids:
            scores[cat.id] = sum((scores[k.id] for k in kids), Decimal(0))
            applicable[cat.id] = sum((applicable[k.id] for k in kids), Decimal(0))
    ordered = []
    for top in children.get(None, []):
        ordered.append(top)
        ordered.extend(children.get(top.id, []))
    return tuple(
        CategoryResult(
            id=c.id,
            name=c.name,
            level=1 if c.parent is None else 2,
            parent=c.parent,
            weight=c.weight,
            score=scores[c.id],
            applicable_weight=applicable[c.id] if applicable[c.id] != c.weight else None,
        )
        for c in ordered
    )


def _grade(spec: Spec, total: Decimal) -> tuple[str, tuple[Step, ...]]:
    for band in spec.grades:
        if total >= band.min:
            bands = "、".join(f"{g.name}≥{show_dec(g.min)}" for g in spec.grades)
            return band.name, (
                Step(kind="compare", zh=f"总分{show_dec(total)}分 ≥ {show_dec(band.min)}分，等级为“{band.name}”（等级线：{bands}）",
                     en=f"total {show_dec(total)} ≥ {show_dec(band.min)}: grade {band.name!r} (bands: {bands})"),
                Step(kind="rule", zh=f"依据：{cite.GRADES}", en=f"rule: {cite.GRADES.document} [{cite.GRADES.id}]"),
            )  # fmt: skip
    raise AssertionError("validate_spec guarantees a band starting at 0")  # pragma: no cover
