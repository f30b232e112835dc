"""``evaluate(spec, actuals)``: the pure evaluation core."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules._errors import SpecError
from perfrules.core import _citations as cite
from perfrules.core._derive import amount_env, names_of
from perfrules.core._derive import compute as derive_compute
from perfrules.core._derive import text_of as derive_text
from perfrules.core._digest import spec_sha256
from perfrules.core._exact import round_half_up, show, show_dec, show_percent
from perfrules.core._result import (
    BudgetExecutionResult,
    BudgetLineResult,
    CategoryResult,
    Evaluation,
    IndicatorResult,
    ScoreWarning,
    Step,
)
from perfrules.core._scoring import Scored, score_budget_execution, score_qualitative, score_quantitative
from perfrules.core._validate import validate_actuals, validate_spec
from perfrules.model import Actuals, Indicator, InverseRatio, LinearOvershoot, NegativeRule, Spec


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
    results = tuple(_score_indicator(spec, ind, actuals) for ind in spec.indicators)

    budget_result: BudgetExecutionResult | None = None
    if spec.budget_execution is not None and actuals.budget is not None:
        budget_result = _score_budget(spec, actuals)

    categories = _subtotals(spec, results)
    raw_total = sum((c.score for c in categories if c.parent is None), Decimal(0))
    if budget_result is not None:
        raw_total += budget_result.score
    total = round_half_up(Fraction(raw_total), spec.rounding.total)
    grade, grade_steps = _grade(spec, total)

    warnings = tuple(w for r in results for w in r.warnings)
    policies = (
        ("negative", spec.policy.negative.value),
        ("equal_above", spec.policy.equal_above.value),
        ("overshoot_warning", show_dec(spec.policy.overshoot_warning) if spec.policy.overshoot_warning else "off"),
        ("qualitative_default", spec.policy.qualitative_default.value),
        ("rounding", f"half_up score={show_dec(spec.rounding.score)} total={show_dec(spec.rounding.total)}"),
        ("budget_execution", spec.budget_execution.policy.value if spec.budget_execution else "none"),
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
    )


def _category_path(spec: Spec, category_id: str) -> tuple[str, ...]:
    path: list[str] = []
    cur: str | None = category_id
    while cur is not None:
        cat = spec.category(cur)
        path.insert(0, cat.name)
        cur = cat.parent
    return tuple(path)


def _score_indicator(spec: Spec, ind: Indicator, actuals: Actuals) -> IndicatorResult:
    act = actuals.indicator(ind.id)
    text = act.text if act is not None else None
    warnings: list[ScoreWarning] = []
    actual_value: Fraction | None = None
    tier_name: str | None = None
    derive_steps: list[Step] = []
    scored: Scored
    if ind.is_qualitative:
        assert act is not None and act.tier is not None  # guaranteed by validate_actuals
        tier = spec.tier(act.tier)
        tier_name = tier.name
        scored = score_qualitative(
            weight=ind.weight,
            target_text=ind.target_display,
            tier=tier,
            entered=act.score,
            description=text,
            default=spec.policy.qualitative_default,
            rounding=spec.rounding,
        )
        actual_display = text or tier.name
    else:
        target = ind.target
        assert target is not None  # guaranteed by validate_spec
        if ind.derive is not None:
            env = amount_env(actuals)
            ratio = derive_compute(ind.derive, env)
            percent = target.unit == "%"
            actual_value = ratio * 100 if percent else ratio
            shown = show_percent(ratio, spec.rounding.rate_display) if percent else show(ratio)
            labels = {a.name: (a.label or a.name) for a in actuals.amounts}
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
                derive_steps.append(Step(
                    kind="input",
                    zh=f"报告填报的实际完成值为“{text}”，按金额计算值{shown}计分",
                    en=f"the report states {text!r}; scored on the computed {shown}",
                ))  # fmt: skip
        else:
            assert act is not None and act.value is not None  # guaranteed by validate_actuals
            actual_value = Fraction(act.value)
            actual_display = text or f"{show_dec(act.value)}{target.unit}"
        method: NegativeRule | None = None  # a per-indicator negative rule overrides policy.negative
        if isinstance(ind.method, LinearOvershoot):
            method = NegativeRule.LINEAR_OVERSHOOT
        elif isinstance(ind.method, InverseRatio):
            method = NegativeRule.INVERSE_RATIO
        scored = score_quantitative(
            weight=ind.weight,
            target=target,
            actual=actual_value,
            actual_text=actual_display if ind.derive else f"{show(actual_value)}{target.unit}",
            method=method,
            negative_rule=spec.policy.negative,
            equal_above=spec.policy.equal_above,
            rounding=spec.rounding,
        )
        ratio_limit = spec.policy.overshoot_warning
        if (
            ratio_limit is not None
            and target.comparator.direction in ("positive", "equal")
            and target.value > 0
            and actual_value >= Fraction(ratio_limit) * Fraction(target.value)
        ):
            share = show(actual_value / Fraction(target.value) * 100, 2)
            warnings.append(ScoreWarning(
                code="overshoot",
                indicator=ind.id,
                zh=f"{ind.name}：实际完成值{show(actual_value)}{target.unit}为指标值{target}的{share}%"
                f"（≥{show(Fraction(ratio_limit) * 100)}%）。实际完成值远超指标值，需说明偏差原因/目标设置是否偏低",
                en=f"{ind.name}: actual {show(actual_value)}{target.unit} is {share}% of target {target} "
                f"(≥ {show(Fraction(ratio_limit) * 100)}%): far above the target; explain the deviation "
                "or whether the target was set too low",
                citation=cite.OVERSHOOT,
            ))  # fmt: skip
        if (
            scored.met is False
            and scored.score == ind.weight
            and target.comparator.value in (">", "<")
            and actual_value == Fraction(target.value)
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
    steps = tuple(derive_steps) + scored.steps
    return IndicatorResult(
        id=ind.id,
        name=ind.name,
        category=ind.category,
        category_path=_category_path(spec, ind.category),
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
    )


def _score_budget(spec: Spec, actuals: Actuals) -> BudgetExecutionResult:
    block = spec.budget_execution
    budget = actuals.budget
    assert block is not None and budget is not None
    scored, rate, base = score_budget_execution(block, budget, spec.rounding)
    lines = []
    for line in budget.lines:
        line_base = line.initial if block.base.value == "initial" else line.full_year
        line_rate = Fraction(line.spent) / Fraction(line_base) if line_base else None
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
        policy=block.policy.value,
        score=scored.score,
        steps=scored.steps,
        citation=scored.citation,
        reason=scored.reason,
        reason_en=scored.reason_en,
        lines=tuple(lines),
    )


def _subtotals(spec: Spec, results: tuple[IndicatorResult, ...]) -> tuple[CategoryResult, ...]:
    scores: dict[str, Decimal] = {}
    for cat in spec.categories:  # leaves first: sum their indicators
        scores[cat.id] = sum((r.score for r in results if r.category == cat.id), Decimal(0))
    for cat in spec.categories:  # then 一级 categories sum their 二级 children
        kids = [k for k in spec.categories if k.parent == cat.id]
        if kids:
            scores[cat.id] = sum((scores[k.id] for k in kids), Decimal(0))
    ordered = []
    for top in (c for c in spec.categories if c.parent is None):
        ordered.append(top)
        ordered.extend(c for c in spec.categories if c.parent == top.id)
    return tuple(
        CategoryResult(
            id=c.id,
            name=c.name,
            level=1 if c.parent is None else 2,
            parent=c.parent,
            weight=c.weight,
            score=scores[c.id],
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
