"""``evaluate(spec, actuals)``: the pure evaluation core."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeGuard

import attrs

from perfrules._errors import SpecError
from perfrules.core import _citations as cite
from perfrules.core._budget import BudgetRow
from perfrules.core._derive import compute as derive_compute
from perfrules.core._derive import names_of
from perfrules.core._derive import text_of as derive_text
from perfrules.core._digest import spec_sha256
from perfrules.core._exact import Quantum, frac, quantum_of, show, show_dec
from perfrules.core._fullmarks import FullMarks
from perfrules.core._result import (
    STATED_MARK,
    STATED_METHOD,
    BonusResult,
    BudgetExecutionResult,
    CategoryResult,
    Evaluation,
    IndicatorResult,
    OwnScoreResult,
    ScoreWarning,
    Step,
    VetoResult,
    deferred_step,
    deferred_warning,
    make_budget_line,
    make_budget_result,
    make_category_result,
    make_evaluation,
    make_indicator_result,
)
from perfrules.core._scoring import Scored, finish, fixed_step, new_scored, with_deductions
from perfrules.core._validate import validate_actuals, validate_spec
from perfrules.core._whynot import budget_full_marks, full_marks
from perfrules.core.methods import Inputs, rule_of
from perfrules.model import (
    Actuals,
    BonusItem,
    BudgetExecution,
    Category,
    Derivation,
    Formula,
    Indicator,
    IndicatorActual,
    QuantitativeTarget,
    RateDisplay,
    Rounding,
    RuleSource,
    Spec,
    StatedWords,
    Tier,
    Veto,
    VetoEffect,
    cached,
    category_tree,
    first_by,
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

    A spec is immutable: it is validated, digested and compiled once (the
    :class:`_Plan` kept for the spec object), and every evaluation of it reuses
    that work; explanation steps are built as data and their text formatted
    when first read.
    """
    check(spec, actuals)
    plan = _plan(spec)
    amounts = _Amounts(actuals, plan.rate, plan.truncate_rates)
    given = first_by(actuals, "indicators", actuals.indicators, _act_id)
    results = tuple([row.score(spec, given.get(row.id), amounts) for row in plan.rows])

    budget_result: BudgetExecutionResult | None = None
    if spec.budget_execution is not None and actuals.budget is not None:
        budget_result = _score_budget(spec, plan, actuals)

    categories = plan.subtotals(results)
    total, total_steps, bonus, vetoes = _total(spec, actuals, results, categories, budget_result)
    grade: str | None
    grade_steps: tuple[Step, ...]
    if spec.meta.partial is not None:
        grade, grade_steps = None, (_partial_step(spec),)
    else:
        grade, grade_steps = plan.grade(total)
    if actuals.vetoes and grade is not None:
        vetoed = {r.id for r in vetoes}
        veto_grades = [v for v in spec.vetoes if v.id in vetoed and v.effect is VetoEffect.GRADE]
    else:
        veto_grades = []
    if veto_grades and grade is not None:
        lowest = spec.grades[-1].name
        imposed = [v.grade or lowest for v in veto_grades]
        order = [g.name for g in spec.grades]
        rank = {
            name: i for i, name in reversed(list(enumerate(order)))
        }  # the first place of each grade
        earned: str = grade
        worst = max(
            [*imposed, earned], key=rank.__getitem__
        )  # a veto never improves the earned grade
        grade_steps = (
            *grade_steps,
            Step(
                kind="policy",
                zh=f"一票否决（{'、'.join(v.name for v in veto_grades)}）：等级定为“{worst}”",
                en=f"veto ({', '.join(v.id for v in veto_grades)}): grade set to {worst!r}",
            ),
        )
        grade = worst

    warnings = tuple([w for r in results if r.warnings for w in r.warnings])
    meta = spec.meta
    return make_evaluation(
        meta.id,  # spec_id
        meta.title,  # title
        meta.unit,  # unit
        meta.year,  # year
        meta.kind.value,  # kind
        meta.basis,  # basis
        plan.sha256,  # spec_sha256
        actuals.label,  # actuals_label
        results,  # indicators
        budget_result,  # budget_execution
        categories,  # categories
        full_score(spec),  # total_weight
        total,  # total
        grade,  # grade
        grade_steps,  # grade_steps
        warnings,  # warnings
        plan.policies,  # policies
        total_steps,  # total_steps
        bonus,  # bonus
        vetoes,  # vetoes
        spec.framework,  # framework
        meta.partial,  # partial
    )


def round_to_texts(round_to: Decimal, score: Decimal) -> tuple[str, str]:
    """The policy step of an indicator rounded to its own ``round_to`` instead of ``rounding.score``."""
    return (
        f"本指标得分按规范声明的精度 round_to = {show_dec(round_to)} 四舍五入（而非 rounding.score = {show_dec(score)}）",
        f"this indicator's score is rounded half-up to round_to = {show_dec(round_to)} as the spec declares (not rounding.score = {show_dec(score)})",
    )


def own_rule_texts(rule: RuleSource) -> tuple[str, str]:
    """The step citing an indicator's own declared rule."""
    return (
        f"本指标计分规则：{rule.document}{'：' + rule.text if rule.text else ''}",
        f"this indicator's own rule: {rule.document}",
    )


def _own_rule_first(steps: tuple[Step, ...], own: tuple[Step, ...]) -> tuple[Step, ...]:
    """The row's own rule cited first: before the first generic citation step, else at the end."""
    for i, step in enumerate(steps):
        if step.kind == "rule":
            return (*steps[:i], *own, *steps[i:])
    return (*steps, *own)


def full_score(spec: Spec) -> Decimal:
    """The score a perfect result reaches: ``meta.total``, or in partial mode the declared rows' weight."""
    if spec.meta.partial is None:
        return spec.meta.total
    rows = sum((ind.weight for ind in spec.indicators), Decimal(0))  # a category may hold more
    return rows + (spec.budget_execution.weight if spec.budget_execution is not None else 0)


def _partial_step(spec: Spec) -> Step:
    full = show_dec(full_score(spec))
    form = show_dec(spec.meta.total)
    reason = spec.meta.partial
    return Step(
        kind="policy",
        zh=f"部分指标：{reason}。总分只按已录入的各行（满分{full}分，表的总分为{form}分）计算，不评定等级",
        en=f"partial: {reason}. The total runs over the declared rows (full marks {full} of the "
        f"form's {form}); no grade is claimed",
    )


def _act_id(act: IndicatorActual) -> str:
    return act.id


def plain_actual(act: IndicatorActual | None) -> TypeGuard[IndicatorActual]:
    """Whether a row's actual holds no more than its value or tier (and text, note): no 不适用, no
    deduction, no stated result, no own score — what the value path and the fast writers score."""
    return (
        act is not None
        and act.not_applicable is None
        and not act.deductions
        and act.stated is None
        and act.own_score is None
    )


def _policies(spec: Spec) -> tuple[tuple[str, str], ...]:
    return (
        ("negative", spec.policy.negative.value),
        ("equal_above", spec.policy.equal_above.value),
        (
            "overshoot_warning",
            show_dec(spec.policy.overshoot_warning) if spec.policy.overshoot_warning else "off",
        ),
        ("qualitative_default", spec.policy.qualitative_default.value),
        (
            "rounding",
            f"half_up score={show_dec(spec.rounding.score)} total={show_dec(spec.rounding.total)}",
        ),
        ("budget_execution", _budget_policy(spec)),
        ("grades", " ".join(f"{g.name}≥{show_dec(g.min)}" for g in spec.grades)),
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
    full = full_score(spec)
    steps: list[Step] = []
    parts = [(c.name, c.score) for c in categories if c.parent is None]
    if budget is not None:
        parts.append((budget.name, budget.score))
    raw = _sum([s for _, s in parts])
    steps.append(deferred_step("formula", _sum_texts, tuple(parts), raw))
    dropped = [] if all(map(_APPLICABLE, results)) else [r for r in results if not r.applicable]
    if dropped:
        na_weight = sum((frac(r.weight) for r in dropped), Fraction(0))
        base = frac(full) - na_weight
        scaled = raw / base * frac(full)
        names = "、".join(r.name for r in dropped)
        steps.append(
            Step(
                kind="formula",
                zh=f"不适用指标（{names}，分值合计{show(na_weight)}分）不考核，按百分制折算："
                f"{show(raw, 6)} ÷ {show(base)} × {show_dec(full)} = {show(scaled, 6)}",
                en=f"not applicable ({', '.join(r.id for r in dropped)}, weight {show(na_weight)}): rescaled "
                f"{show(raw, 6)} / {show(base)} × {show_dec(full)} = {show(scaled, 6)}",
            )
        )
        steps.append(
            Step(
                kind="rule",
                zh=f"依据：{cite.NOT_APPLICABLE}",
                en=f"rule: {cite.NOT_APPLICABLE.document} [{cite.NOT_APPLICABLE.id}]",
            )
        )
        raw = scaled
    bonus: list[BonusResult] = []
    items: dict[str, BonusItem] = {}
    for b in spec.bonus if actuals.bonus else ():  # the declared items, when some are awarded
        items.setdefault(b.id, b)
    for award in actuals.bonus:
        item = items[award.id]
        bonus.append(
            BonusResult(
                id=item.id, name=item.name, cap=item.cap, points=award.points, reason=award.reason
            )
        )
        raw += frac(award.points)
        src = item.rule.document if item.rule else cite.BONUS.document
        steps.append(
            Step(
                kind="formula",
                zh=f"加分项“{item.name}”加{show_dec(award.points)}分（上限{show_dec(item.cap)}分）：{award.reason}（{src}）",
                en=f"bonus {item.id!r}: +{show_dec(award.points)} (cap {show_dec(item.cap)}): {award.reason}",
            )
        )
    if bonus and spec.policy.total_cap and raw > frac(full):
        steps.append(
            Step(
                kind="clamp",
                zh=f"加分后{show(raw, 6)}分超过满分，按{show_dec(full)}分计（policy.total_cap）",
                en=f"{show(raw, 6)} exceeds the full score; capped at {show_dec(full)} (policy.total_cap)",
            )
        )
        raw = frac(full)
    vetoes: list[VetoResult] = []
    declared: dict[str, Veto] = {}
    for v in spec.vetoes if actuals.vetoes else ():  # the declared vetoes, when some are triggered
        declared.setdefault(v.id, v)
    for trig in actuals.vetoes:
        veto = declared[trig.id]
        vetoes.append(
            VetoResult(id=veto.id, name=veto.name, effect=veto.effect.value, reason=trig.reason)
        )
        src = veto.rule.document if veto.rule else cite.VETO.document
        if veto.effect is VetoEffect.ZERO:
            steps.append(
                Step(
                    kind="policy",
                    zh=f"一票否决“{veto.name}”：{trig.reason}；总分记为0分（{src}）",
                    en=f"veto {veto.id!r}: {trig.reason}; the total is 0",
                )
            )
            raw = Fraction(0)
        else:
            steps.append(
                Step(
                    kind="policy",
                    zh=f"一票否决“{veto.name}”：{trig.reason}；等级按规定确定（{src}）",
                    en=f"veto {veto.id!r}: {trig.reason}; the grade is imposed",
                )
            )
    quantum = quantum_of(spec.rounding.total)
    rn, rd = raw.as_integer_ratio()
    total = quantum.round_ratio(rn, rd)
    if not quantum.exact(rn, rd):
        steps.append(deferred_step("round", _total_rounded, spec.rounding.total, raw, total))
    return total, tuple(steps), tuple(bonus), tuple(vetoes)


def _sum(values: Iterable[Decimal]) -> Fraction:
    """The exact sum of Decimals (integers only: no Fraction per term)."""
    num, den = 0, 1
    for value in values:
        n, d = value.as_integer_ratio()
        if d == den:
            num += n
        else:
            num, den = num * d + n * den, den * d
    return Fraction(num, den)


def _sum_texts(parts: tuple[tuple[str, Decimal], ...], raw: Fraction) -> tuple[str, str]:
    shown, sr = [show_dec(s) for _, s in parts], show(raw, 6)
    return (
        "总分 = "
        + " + ".join(f"{n}{s}" for (n, _), s in zip(parts, shown, strict=True))
        + f" = {sr}",
        "total = " + " + ".join(shown) + f" = {sr}",
    )


def _total_rounded(quantum: Decimal, raw: Fraction, total: Decimal) -> tuple[str, str]:
    sq, sr, st = show_dec(quantum), show(raw, 6), show_dec(total)
    return f"总分按四舍五入保留到{sq}：{sr} → {st}", f"total rounded half-up to {sq}: {sr} → {st}"


def _category_path(spec: Spec, category_id: str) -> tuple[str, ...]:
    path: list[str] = []
    cur: str | None = category_id
    while cur is not None:
        cat = spec.category(cur)
        path.insert(0, cat.name)
        cur = cat.parent
    return tuple(path)


def _not_applicable(
    spec: Spec, ind: Indicator, reason: str, note: str | None, category_path: tuple[str, ...]
) -> IndicatorResult:
    c = cite.NOT_APPLICABLE
    return IndicatorResult(
        id=ind.id,
        name=ind.name,
        category=ind.category,
        category_path=category_path,
        weight=ind.weight,
        target=ind.target_display,
        actual="不适用",
        actual_value=None,
        tier=None,
        method="not_applicable",
        met=None,
        score=Decimal(0),
        citation=c,
        note=note,
        applicable=False,
        rule=ind.rule,
        steps=(
            Step(kind="input", zh=f"不适用：{reason}", en=f"not applicable: {reason}"),
            Step(
                kind="policy",
                zh=f"不考核该指标（分值{show_dec(ind.weight)}分），其余指标得分按百分制折算",
                en=f"not scored (weight {show_dec(ind.weight)}); the total is rescaled over the applicable weight",
            ),
            Step(kind="rule", zh=f"依据：{c}", en=f"rule: {c.document} [{c.id}]"),
        ),
    )


class _Amounts:
    """What the derived indicators read, worked out once per evaluation (not once per indicator).

    ``env`` is :func:`perfrules.core._derive.amount_env` (each amount's exact
    value, and the budget's), ``labels`` each amount's label; ``rate`` the
    quantum rates are shown at. Immutable once made (what it works out is
    kept), so a step's text may read it when first formatted.
    """

    def __init__(self, actuals: Actuals, rate: Quantum, truncate: bool = False) -> None:
        self.actuals = actuals
        self.rate = rate
        self.truncate = truncate  # rates shown 截尾 (rounding.rate_display_mode)
        self._values: dict[str, Decimal] | None = None
        self._env: dict[str, Fraction] | None = None
        self._labels: dict[str, str] | None = None

    @property
    def values(self) -> dict[str, Decimal]:
        """Each name a derivation may use, with its Decimal (as ``env`` has it: the last amount of a name)."""
        if self._values is None:
            actuals = self.actuals
            values = {a.name: a.value for a in actuals.amounts}
            b = actuals.budget
            if b is not None:
                values["budget.full_year"] = b.full_year
                values["budget.spent"] = b.spent
                if b.initial is not None:
                    values["budget.initial"] = b.initial
            self._values = values
        return self._values

    @property
    def env(self) -> dict[str, Fraction]:
        if self._env is None:
            self._env = {name: frac(value) for name, value in self.values.items()}
        return self._env

    @property
    def labels(self) -> dict[str, str]:
        if self._labels is None:
            self._labels = {a.name: (a.label or a.name) for a in self.actuals.amounts}
        return self._labels


class _Row:
    """One indicator of a spec, compiled: what its scoring needs that depends on the spec alone.

    The method's scorer (:meth:`~perfrules.core.methods.MethodRule.quantity` or
    ``outcome``), the indicator's rounding, its category path, the steps every
    result of it carries (declared rounding, declared rule), the overshoot
    warning's threshold; the full-marks answer is worked out on first need.
    Holds nothing of the spec object itself (the plan is kept for as long as
    the spec lives, and must not keep it alive).
    """

    def __init__(
        self, spec: Spec, ind: Indicator, path: tuple[str, ...], tiers: dict[str, Tier]
    ) -> None:
        self.ind = ind
        self.tiers = tiers
        self.id = ind.id
        self.path = path
        self.weight = ind.weight
        rounding = (
            spec.rounding
            if ind.round_to is None
            else attrs.evolve(spec.rounding, score=ind.round_to)
        )
        self.rounding = rounding
        rule = rule_of(ind)
        self.qualitative = rule.qualitative
        self.target = ind.target
        self.target_display = ind.target_display
        self.strict = False
        self.warn_at: tuple[int, int] | None = None
        if rule.qualitative:
            self.outcome = rule.outcome(
                ind.method,
                Inputs(
                    weight=ind.weight,
                    rounding=rounding,
                    policy=spec.policy,
                    target_text=ind.target_display,
                ),
            )
        else:
            target = ind.target
            assert target is not None  # guaranteed by validate_spec
            self.quantity = rule.quantity(
                ind.method,
                Inputs(weight=ind.weight, rounding=rounding, policy=spec.policy, target=target),
            )
            self.unit = target.unit
            self.percent = target.unit == "%"
            self.t = frac(target.value)
            self.tn, self.td = self.t.numerator, self.t.denominator
            limit = spec.policy.overshoot_warning
            if (
                limit is not None
                and target.comparator.direction in ("positive", "equal")
                and target.value > 0
            ):
                warn_at = frac(limit) * self.t  # the overshoot warning from this actual up
                self.warn_at = (warn_at.numerator, warn_at.denominator)
                self.limit = limit
            self.strict = target.comparator.value in (">", "<")
            # what a met row scores: its weight rounded to its quantum (the weight itself unless
            # policy.weight_precision = "allow" lets the weight lie off its grid)
            self.met_score = quantum_of(rounding.score).round_ratio(*ind.weight.as_integer_ratio())
        self.warns = self.warn_at is not None or self.strict  # whether a score may carry a warning
        first: tuple[Step, ...] = ()
        if ind.round_to is not None:
            first = (fixed_step("policy", *round_to_texts(ind.round_to, spec.rounding.score)),)
        self.first = first
        last: tuple[Step, ...] = ()
        if ind.rule is not None:
            last = (fixed_step("rule", *own_rule_texts(ind.rule)),)
        self.last = last
        self.wrapped = bool(first or last)
        self._full_marks: tuple[FullMarks | None] | None = None
        # a quantitative indicator with a typed-in value (the common case) has a path of its own
        self.score = (
            self._tier if rule.qualitative else self._value if ind.derive is None else self._general
        )

    def full_marks(self, spec: Spec) -> FullMarks | None:
        """What actual would have earned the full weight (once per indicator)."""
        if self._full_marks is None:
            self._full_marks = (full_marks(spec, self.ind),)
        return self._full_marks[0]

    def _warnings(
        self, scored: Scored, actual_value: Fraction, an: int, ad: int
    ) -> tuple[ScoreWarning, ...]:
        """The overshoot and strict-boundary warnings of a quantitative score (actual ``an / ad``)."""
        ind = self.ind
        warnings: tuple[ScoreWarning, ...] = ()
        warn = self.warn_at
        if warn is not None and an * warn[1] >= warn[0] * ad:
            warnings = (
                deferred_warning(
                    "overshoot",
                    ind.id,
                    cite.OVERSHOOT,
                    _overshoot_texts,
                    ind.name,
                    actual_value,
                    self.target,
                    self.limit,
                ),
            )
        if (
            self.strict
            and scored.met is False
            and an * self.td == self.tn * ad
            and scored.score == self.met_score
        ):
            strict = self.target.comparator.value if self.target is not None else ""
            warnings = (
                *warnings,
                deferred_warning(
                    "strict-boundary", ind.id, scored.citation, _strict_texts, ind.name, strict
                ),
            )
        return warnings

    def _value(self, spec: Spec, act: IndicatorActual | None, amounts: _Amounts) -> IndicatorResult:
        """:meth:`_general` for a quantitative indicator with a typed-in value, without deductions."""
        if not plain_actual(act):
            return self._general(spec, act, amounts)
        value = act.value
        assert value is not None  # guaranteed by validate_actuals
        actual_value = frac(value)
        scored = self.quantity(actual_value, None)  # shown as f"{show(actual_value)}{unit}"
        ind = self.ind
        warnings: tuple[ScoreWarning, ...] = ()
        if self.warns:
            an, ad = value.as_integer_ratio()
            warn = self.warn_at
            if self.strict or (warn is not None and an * warn[1] >= warn[0] * ad):
                warnings = self._warnings(scored, actual_value, an, ad)
        score, met, method, steps, citation, reason, reason_en = scored
        if self.wrapped:
            steps = self.first + _own_rule_first(steps, self.last)
        return make_indicator_result(
            ind.id,  # id
            ind.name,  # name
            ind.category,  # category
            self.path,  # category_path
            ind.weight,  # weight
            self.target_display,  # target
            act.text or f"{_shown(value)}{self.unit}",  # actual
            actual_value,  # actual_value
            None,  # tier
            method,  # method
            met,  # met
            score,  # score
            steps,  # steps
            citation,  # citation
            reason,  # reason
            reason_en,  # reason_en
            act.note,  # note
            warnings,  # warnings
            True,  # applicable
            ind.rule,  # rule
            self._full_marks_of(spec, act) if score < ind.weight else None,  # full_marks
            None,  # stated
            None,  # evidence
            None,  # own_score
        )

    def _tier(self, spec: Spec, act: IndicatorActual | None, amounts: _Amounts) -> IndicatorResult:
        """:meth:`_general` for a qualitative indicator, without deductions."""
        if (
            act is None
            or act.not_applicable is not None
            or act.deductions
            or act.own_score is not None
        ):
            return self._general(spec, act, amounts)
        assert act.tier is not None  # guaranteed by validate_actuals
        tier = self.tiers[act.tier]  # spec.tier(act.tier)
        text = act.text
        score, met, method, steps, citation, reason, reason_en = self.outcome(tier, act.score, text)
        if self.wrapped:
            steps = self.first + _own_rule_first(steps, self.last)
        ind = self.ind
        return make_indicator_result(
            ind.id,  # id
            ind.name,  # name
            ind.category,  # category
            self.path,  # category_path
            ind.weight,  # weight
            self.target_display,  # target
            text or tier.name,  # actual
            None,  # actual_value
            tier.name,  # tier
            method,  # method
            met,  # met
            score,  # score
            steps,  # steps
            citation,  # citation
            reason,  # reason
            reason_en,  # reason_en
            act.note,  # note
            (),  # warnings
            True,  # applicable
            ind.rule,  # rule
            self._full_marks_of(spec, act) if score < ind.weight else None,  # full_marks
            None,  # stated
            None,  # evidence
            None,  # own_score
        )

    def _general(
        self, spec: Spec, act: IndicatorActual | None, amounts: _Amounts
    ) -> IndicatorResult:
        ind = self.ind
        if act is not None and act.not_applicable is not None:
            return _not_applicable(spec, ind, act.not_applicable, act.note, self.path)
        text = act.text if act is not None else None
        warnings: tuple[ScoreWarning, ...] = ()
        actual_value: Fraction | None = None
        tier_name: str | None = None
        derive_steps: tuple[Step, ...] = ()
        stated: str | None = None
        scored: Scored
        evidence: str | None = None
        if act is not None and act.stated is not None and spec.stated is not None:
            evidence = act.evidence
            scored = _score_stated(ind, act.stated, evidence or "", spec.stated, self.rounding)
            stated = act.stated
            # every output shows the actual column: the mark and the evidence travel with it
            actual_display = f"{text or act.stated}（{STATED_MARK[0]}；佐证：{evidence}）"
        elif self.qualitative:
            assert act is not None and act.tier is not None  # guaranteed by validate_actuals
            tier = spec.tier(act.tier)
            tier_name = tier.name
            scored = self.outcome(tier, act.score, text)
            actual_display = text or tier.name
        else:
            unit = self.unit
            derive = ind.derive
            if derive is not None:
                percent = self.percent
                if isinstance(derive, Derivation):  # numerator / denominator, on integers
                    values = amounts.values
                    nn, nd = values[derive.numerator].as_integer_ratio()
                    dn, dd = values[derive.denominator].as_integer_ratio()
                    rn, rd = nn * dd, nd * dn
                    if rd < 0:
                        rn, rd = -rn, -rd
                    actual_value = Fraction(rn * 100, rd) if percent else Fraction(rn, rd)
                    shown = (
                        f"{amounts.rate.show_ratio(rn * 100, rd, amounts.truncate):f}%"
                        if percent
                        else show(actual_value)
                    )
                else:
                    ratio = derive_compute(derive, amounts.env)
                    actual_value = ratio * 100 if percent else ratio
                    shown = (
                        _show_percent(ratio, amounts.rate, amounts.truncate)
                        if percent
                        else show(ratio)
                    )
                derive_steps = (
                    deferred_step(
                        "input", _derived_texts, derive, amounts, percent, actual_value, unit, shown
                    ),
                )
                actual_display = shown
                if text is not None and text != shown:
                    stated = text
                    derive_steps = (
                        *derive_steps,
                        deferred_step("input", _stated_texts, text, shown),
                    )
                scored = self.quantity(actual_value, actual_display)
                an, ad = actual_value.as_integer_ratio()
            else:
                assert act is not None and act.value is not None  # guaranteed by validate_actuals
                value = act.value
                actual_value = frac(value)
                actual_display = text or f"{_shown(value)}{unit}"
                scored = self.quantity(actual_value, None)  # shown as f"{show(actual_value)}{unit}"
                an, ad = value.as_integer_ratio()
            if self.warns:
                warnings = self._warnings(scored, actual_value, an, ad)
        if act is not None and act.deductions:
            items = [(frac(d.points), d.reason, d.reason) for d in act.deductions]
            scored = with_deductions(
                scored, ind.weight, self.rounding.score, items, cite.MANUAL_DEDUCTION
            )
        own: OwnScoreResult | None = None
        if act is not None and act.own_score is not None:
            own = OwnScoreResult(
                score=act.own_score.score, computed=scored.score, reason=act.own_score.reason
            )
            scored = _with_own_score(scored, own, ind.weight)
        steps = scored.steps
        if derive_steps:
            steps = derive_steps + steps
        if self.last:
            steps = _own_rule_first(steps, self.last)
        if self.first:
            steps = self.first + steps
        score = scored.score
        return make_indicator_result(
            ind.id,  # id
            ind.name,  # name
            ind.category,  # category
            self.path,  # category_path
            ind.weight,  # weight
            self.target_display,  # target
            actual_display,  # actual
            actual_value,  # actual_value
            tier_name,  # tier
            scored.method,  # method
            scored.met,  # met
            score,  # score
            steps,  # steps
            scored.citation,  # citation
            scored.reason,  # reason
            scored.reason_en,  # reason_en
            act.note if act is not None else None,  # note
            warnings,  # warnings
            True,  # applicable
            ind.rule,  # rule
            self._full_marks_of(spec, act) if score < ind.weight else None,  # full_marks
            stated,  # stated
            evidence,  # evidence
            own,  # own_score
        )

    def _full_marks_of(self, spec: Spec, act: IndicatorActual | None) -> FullMarks | None:
        fm = self.full_marks(spec)
        if fm is not None and act is not None and act.deductions:
            points = sum((d.points for d in act.deductions), Decimal(0))
            fm = attrs.evolve(
                fm,
                zh=fm.zh + f"；另有扣减分数{show_dec(points)}分，与实际完成值无关",
                en=fm.en
                + f"; a manual deduction of {show_dec(points)} applies whatever the actual",
            )
        return fm


def _with_own_score(scored: Scored, own: OwnScoreResult, weight: Decimal) -> Scored:
    """表内得分（单位自填）: the rule's score and steps kept, then the printed score replacing it.

    ``met`` stays as the rule says; the row's score (and so every subtotal and
    the total) is the printed one. The 扣分原因, present exactly when points are
    lost, is the replacement's sentence.
    """
    lost = own.score < weight
    step = Step(
        kind="policy",
        zh=own.text("zh") + "；本行得分、小计与总分均按表内得分计",
        en=own.text("en") + "; the row's score, its subtotals and the total use the printed score",
    )
    return new_scored(
        own.score,
        scored.met,
        scored.method,
        (*scored.steps, step),
        scored.citation,
        own.text("zh") if lost else None,
        own.text("en") if lost else None,
    )


def _score_stated(
    ind: Indicator, word: str, evidence: str, words: StatedWords, rounding: Rounding
) -> Scored:
    """据陈述: a numeric target's actual stated in words, scored by the spec's declaration, never computed."""
    met = words.meaning(word)
    assert met is not None  # guaranteed by validate_actuals
    share = words.met_share if met else words.not_met_share
    raw = frac(share) * frac(ind.weight)
    pct = f"{show(frac(share) * 100)}%"
    how_zh = "完成指标值" if met else "未完成指标值"
    how_en = "met" if met else "not met"
    mark_zh, mark_en = STATED_MARK
    steps = [
        Step(
            kind="input",
            zh=f"实际完成值{mark_zh}为“{word}”（非计算结果）；年度指标值 {ind.target_display}；佐证：{evidence}",
            en=f"the actual is {mark_en}: {word!r}; target {ind.target_display}; evidence: {evidence}",
        ),
        Step(
            kind="policy",
            zh=f"规范声明“{word}”计为{how_zh}，得分为分值的{pct}：{pct} × {show_dec(ind.weight)} = {show(raw, 6)}",
            en=f"the spec declares {word!r} {how_en}: {pct} of the weight = {show(raw, 6)}",
        ),
    ]
    if words.rule is not None:
        steps.append(
            Step(
                kind="rule",
                zh=f"本项计分规则：{words.rule.document}{'：' + words.rule.text if words.rule.text else ''}",
                en=f"the rule admitting stated results: {words.rule.document}",
            )
        )
    return finish(
        raw,
        ind.weight,
        rounding.score,
        steps,
        met=met,
        method=STATED_METHOD,
        citation=cite.STATED,
        why_zh=f"实际完成值{mark_zh}为“{word}”（佐证：{evidence}），按规范声明计分值的{pct}",
        why_en=f"the actual is {mark_en} as {word!r} (evidence: {evidence}); {pct} of the weight as declared",
    )


def _overshoot_texts(
    name: str, actual_value: Fraction, target: QuantitativeTarget, ratio_limit: Decimal
) -> tuple[str, str]:
    share = show(actual_value / frac(target.value) * 100, 2)
    sa, sl = show(actual_value), show(frac(ratio_limit) * 100)
    return (
        f"{name}：实际完成值{sa}{target.unit}为指标值{target}的{share}%"
        f"（≥{sl}%）。实际完成值远超指标值，需说明偏差原因/目标设置是否偏低",
        f"{name}: actual {sa}{target.unit} is {share}% of target {target} "
        f"(≥ {sl}%): far above the target; explain the deviation "
        "or whether the target was set too low",
    )


def _strict_texts(name: str, strict: str) -> tuple[str, str]:
    return (
        f"{name}：实际完成值等于指标值，未满足“{strict}”的严格要求，但按完成比例计分仍为满分，请复核指标值表述",
        f"{name}: the actual equals the target, so the strict '{strict}' is not met, "
        "yet the completion ratio still gives full marks; review how the target is worded",
    )


_SHOWN: dict[Decimal, str] = {}


def _shown(value: Decimal) -> str:
    """``show_dec(value)``, kept per value (an actual repeats across units and evaluations); zero is not kept (±0)."""
    hit = _SHOWN.get(value) if value else None
    if hit is None:
        hit = show_dec(value)
        if value:
            if len(_SHOWN) >= 4096:
                _SHOWN.clear()
            _SHOWN[value] = hit
    return hit


def _ratio(a: Decimal, b: Decimal) -> Fraction:
    """``frac(a) / frac(b)`` (``b`` ≠ 0)."""
    an, ad = a.as_integer_ratio()
    bn, bd = b.as_integer_ratio()
    return Fraction(an * bd, ad * bn)


def _show_percent(rate: Fraction, quantum: Quantum, truncate: bool) -> str:
    """``show_percent(rate, quantum.value)`` with the quantum worked out once (截尾 when declared)."""
    num, den = rate.as_integer_ratio()
    return f"{quantum.show_ratio(num * 100, den, truncate):f}%"


def _derived_texts(
    derive: Derivation | Formula,
    amounts: _Amounts,
    percent: bool,
    actual_value: Fraction,
    unit: str,
    shown: str,
) -> tuple[str, str]:
    labels, env = amounts.labels, amounts.env
    f_zh, f_en = derive_text(derive, labels)
    values = "，".join(f"{labels.get(n, n)} = {show(env[n])}" for _, n in names_of(derive))
    values_en = ", ".join(f"{n} = {show(env[n])}" for _, n in names_of(derive))
    times = " × 100%" if percent else ""
    sv = show(actual_value, 6)
    return (
        f"实际完成值 = {f_zh}{times}（{values}）= {sv}{unit}（显示为{shown}）",
        f"actual = {f_en}{times} ({values_en}) = {sv}{unit} (shown as {shown})",
    )


def _stated_texts(text: str, shown: str) -> tuple[str, str]:
    return (
        f"报告填报的实际完成值为“{text}”，按金额计算值{shown}计分",
        f"the report states {text!r}; scored on the computed {shown}",
    )


class _Plan:
    """What evaluating a spec needs that depends on the spec alone, worked out once per spec object.

    Its digest, its compiled indicators (:class:`_Row`), the policies line of
    the document, the category tree for the subtotals, the grade bands, the
    budget row's full-marks answer. Kept for as long as the spec object lives
    (:func:`perfrules.model._lookup.cached`); it holds no reference to the
    spec itself.
    """

    def __init__(self, spec: Spec) -> None:
        self.sha256 = spec_sha256(spec)
        self.policies = _policies(spec)
        self.budget_policy = _budget_policy(spec)
        self.rate = quantum_of(spec.rounding.rate_display)
        self.truncate_rates = spec.rounding.rate_display_mode is RateDisplay.TRUNCATE
        paths: dict[str, tuple[str, ...]] = {}
        # name, alias or declared synonym → the tier spec.tier finds for it
        tiers: dict[str, Tier] = {word: spec.tier(word) for word in spec.tier_words()}
        parts = _SPEC_PARTS(spec)
        rows = []
        for ind in spec.indicators:
            path = paths.get(ind.category)
            if path is None:
                path = paths[ind.category] = _category_path(spec, ind.category)
            rows.append(_compiled_row(spec, ind, path, tiers, parts))
        self.rows = tuple(rows)
        # the category tree: leaves sum their (applicable) indicators, every other category its children
        tree = category_tree(spec.categories)
        children: dict[str | None, list[Category]] = {}
        for cat, _ in tree:
            children.setdefault(cat.parent, []).append(cat)
        rows_of: dict[str, list[int]] = {}
        for i, ind in enumerate(spec.indicators):
            rows_of.setdefault(ind.category, []).append(i)
        zero = Decimal(0)
        # every category sums its own indicators (their weights: the applicable weight when all apply) …
        self.leaves = tuple(
            (
                c.id,
                tuple(rows_of.get(c.id, ())),
                sum([spec.indicators[i].weight for i in rows_of.get(c.id, ())], zero),
            )
            for c in spec.categories
        )
        # … then a category with children sums theirs, the deepest first (children before parents)
        self.parents = tuple(
            (c.id, tuple(k.id for k in children[c.id]))
            for c, _ in sorted(tree, key=lambda x: -x[1])
            if children.get(c.id)
        )
        applicable = {cat_id: weight for cat_id, _, weight in self.leaves}
        for cat_id, kids in self.parents:
            applicable[cat_id] = sum([applicable[k] for k in kids], zero)
        self.applicable: dict[str, Decimal | None] = {
            c.id: applicable[c.id] if applicable[c.id] != c.weight else None
            for c in spec.categories
        }  # when every indicator applies
        self.ordered = tree
        self.grades = spec.grades
        self.bands = "、".join(f"{g.name}≥{show_dec(g.min)}" for g in spec.grades)
        self.grade_rule = fixed_step(
            "rule", f"依据：{cite.GRADES}", f"rule: {cite.GRADES.document} [{cite.GRADES.id}]"
        )
        self._budget_full: tuple[FullMarks] | None = None
        self._budget_row: BudgetRow | None = None

    def budget_row(self, spec: Spec) -> BudgetRow:
        """The budget row, compiled (on the first evaluation with a budget)."""
        if self._budget_row is None:
            assert spec.budget_execution is not None
            self._budget_row = BudgetRow(spec.budget_execution, spec.rounding)
        return self._budget_row

    def budget_full_marks(self, spec: Spec, block: BudgetExecution) -> FullMarks:
        if self._budget_full is None:
            self._budget_full = (budget_full_marks(spec, block),)
        return self._budget_full[0]

    def subtotals(self, results: tuple[IndicatorResult, ...]) -> tuple[CategoryResult, ...]:
        """Each category's subtotal: leaves sum their indicators, the others their children."""
        zero = Decimal(0)
        scores: dict[str, Decimal] = {}
        for cat_id, rows, _ in self.leaves:
            subtotal = zero  # what sum(..., zero) gives, without a list per category
            for i in rows:
                subtotal += results[i].score
            scores[cat_id] = subtotal
        for cat_id, kids in self.parents:
            subtotal = zero
            for k in kids:
                subtotal += scores[k]
            scores[cat_id] = subtotal
        if all(map(_APPLICABLE, results)):
            shown = (
                self.applicable
            )  # every indicator applies: each category's applicable weight is its own
        else:
            applicable: dict[str, Decimal] = {}
            for cat_id, rows, _ in self.leaves:
                applicable[cat_id] = sum(
                    [results[i].weight for i in rows if results[i].applicable], zero
                )
            for cat_id, kids in self.parents:
                applicable[cat_id] = sum([applicable[k] for k in kids], zero)
            shown = {
                c.id: applicable[c.id] if applicable[c.id] != c.weight else None
                for c, _ in self.ordered
            }
        return tuple(
            [
                make_category_result(
                    c.id, c.name, level, c.parent, c.weight, scores[c.id], shown[c.id], c.goal
                )  # in field order
                for c, level in self.ordered
            ]
        )

    def grade(self, total: Decimal) -> tuple[str, tuple[Step, ...]]:
        for band in self.grades:
            if total >= band.min:
                return band.name, (
                    deferred_step("compare", _grade_texts, total, band.min, band.name, self.bands),
                    self.grade_rule,
                )
        raise AssertionError("validate_spec guarantees a band starting at 0")  # pragma: no cover


_APPLICABLE = operator.attrgetter("applicable")


def _grade_texts(total: Decimal, low: Decimal, name: str, bands: str) -> tuple[str, str]:
    st, sl = show_dec(total), show_dec(low)
    return (
        f"总分{st}分 ≥ {sl}分，等级为“{name}”（等级线：{bands}）",
        f"total {st} ≥ {sl}: grade {name!r} (bands: {bands})",
    )


# A compiled indicator depends on the indicator, its category path and the spec's parts other than its
# meta, categories and indicators (how a row rounds, its policy, the tiers, …): specs of one batch shape
# share those parts, and their indicators often share every field (the converter makes one object per
# cell text). Rows are kept by the identity of those objects — the entry holds them, so equal ids are
# the same objects, and a row is reused only for exactly the values (and Decimal digits) it was made of.
_IND_FIELDS = operator.attrgetter(*[f.name for f in attrs.fields(Indicator)])
_SPEC_PARTS = operator.attrgetter(
    *[
        f.name
        for f in attrs.fields(Spec)
        if f.name not in ("meta", "categories", "indicators", "framework", "source")
    ]
)
# The rows used last are kept (a batch's rows that recur — a tier row's weight, a step row's target and
# parameters — stay while the rows of one unit only come and go), the least recently used quarter dropped
# when full.
_ROWS: dict[tuple[Any, ...], tuple[object, _Row]] = {}
_ROWS_KEPT = 4096  # rows are a few kilobytes each: memory stays bounded


def _compiled_row(
    spec: Spec, ind: Indicator, path: tuple[str, ...], tiers: dict[str, Tier], parts: Any
) -> _Row:
    """``_Row(spec, ind, path, tiers)``, or the row made before of the same objects."""
    key = (path, *map(id, _IND_FIELDS(ind)), *map(id, parts))
    hit = _ROWS.pop(key, None)
    if hit is not None:
        _ROWS[key] = hit  # now the most recently used
        return hit[1]
    row = _Row(spec, ind, path, tiers)
    if len(_ROWS) >= _ROWS_KEPT:
        # the keys copied in one call (no other thread runs in between), then the oldest dropped
        for old in list(_ROWS)[: _ROWS_KEPT // 4]:
            _ROWS.pop(old, None)
    _ROWS[key] = ((ind, parts), row)
    return row


def _plan(spec: Spec) -> _Plan:
    """The spec's compiled plan (made on the first evaluation of the spec object, then reused)."""
    plan: _Plan = cached(spec, "evaluate", lambda: _Plan(spec))
    return plan


def _budget_texts(rule: RuleSource) -> tuple[str, str]:
    return (
        f"本项计分规则：{rule.document}{'：' + rule.text if rule.text else ''}",
        f"this row's own rule: {rule.document}",
    )


def _score_budget(spec: Spec, plan: _Plan, actuals: Actuals) -> BudgetExecutionResult:
    block = spec.budget_execution
    budget = actuals.budget
    assert block is not None and budget is not None
    scored, rate, _, pct = plan.budget_row(spec)(budget)
    steps = scored.steps
    if block.rule is not None:
        steps = _own_rule_first(steps, (deferred_step("rule", _budget_texts, block.rule),))
    lines = []
    base = block.base.value
    initial = base == "initial"
    for line in budget.lines:
        line_base = line.initial if initial else line.full_year
        if line_base:
            line_rate = _ratio(line.spent, line_base)
            shown = _show_percent(line_rate, plan.rate, plan.truncate_rates)
            lines.append(make_budget_line(line.name, line.spent, line_base, line_rate, shown))
        else:
            lines.append(make_budget_line(line.name, line.spent, line_base, None, None))
    return make_budget_result(
        block.name,  # name
        block.weight,  # weight
        budget.initial,  # initial
        budget.full_year,  # full_year
        budget.spent,  # spent
        budget.unit,  # unit
        base,  # base
        rate,  # rate
        pct,  # rate_display
        plan.budget_policy,  # policy
        scored.score,  # score
        steps,  # steps
        scored.citation,  # citation
        scored.reason,  # reason
        scored.reason_en,  # reason_en
        tuple(lines),  # lines
        block.rule,  # rule
        plan.budget_full_marks(spec, block) if scored.score < block.weight else None,  # full_marks
    )
