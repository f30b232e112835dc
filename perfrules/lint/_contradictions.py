"""Checks that a table is consistent with its own rules: points deducted from a row that met its
target.

A published 自评表 sometimes deducts points from a row whose 实际完成值 meets its 年度指标值.
An example keeps the published score (a manual deduction in the actuals, with the table's
reason or a note that none is given); lint says that the table contradicts its rule, so
nobody takes the deduction for something perfrules computed. The same holds for a row whose
printed score no rule gives (a unit's own score, ``own_score`` in the actuals): lint names both
numbers, above or below the rule's.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

from perfrules._errors import SpecError
from perfrules.core import amount_env, evaluate, show, show_dec
from perfrules.lint._model import CODES, Evidence, Finding
from perfrules.lint._targets import actual_of
from perfrules.model import Actuals, Spec


def deduction_on_met(spec: Spec, actuals: Actuals) -> Iterator[Finding]:
    """``deduction-on-met``: a manual deduction from a quantitative indicator whose target is
    met."""
    env: dict[str, Fraction] = amount_env(actuals)
    for ind in spec.indicators:
        act = actuals.indicator(ind.id)
        if act is None or not act.deductions or ind.target is None:
            continue
        actual = actual_of(ind, actuals, env)
        target = ind.target
        if actual is None or not target.comparator.holds(actual, Fraction(target.value)):
            continue
        points = sum((d.points for d in act.deductions), start=Decimal(0))
        reasons = "；".join(d.reason for d in act.deductions)
        lost = show_dec(points)
        shown = act.text or f"{show(actual)}{target.unit}"
        written = ind.target_display  # as the form prints it (≧100 rather than ≥100)
        yield Finding(
            code="deduction-on-met",
            severity=CODES["deduction-on-met"].severity,
            indicator=ind.id,
            path=("indicators", ind.id, "deductions"),
            document="actuals",
            zh=f"{ind.name}（{ind.id}）：实际完成值{shown}达到年度指标值{written}，"
            f"仍扣{lost}分（{reasons}）；表内得分与其计分规则不一致，请核对或说明",
            en=f"{ind.name} ({ind.id}): actual {shown} meets the target {written}, yet "
            f"{lost} points are deducted ({reasons}); the table's score contradicts its rule",
            evidence=(
                Evidence(key="actual", value=shown, zh="实际完成值", en="actual"),
                Evidence(key="target", value=written, zh="年度指标值", en="target"),
                Evidence(key="deducted", value=lost, zh="扣减分数", en="points deducted"),
                Evidence(key="reason", value=reasons, zh="扣分原因", en="reason given"),
            ),
        )


def stated_results(spec: Spec, actuals: Actuals) -> Iterator[Finding]:
    """``stated-result``: every row whose actual is stated in words (据陈述), scored as the spec
    declares."""
    words = spec.stated
    for ind in spec.indicators:
        act = actuals.indicator(ind.id)
        if act is None or act.stated is None or act.not_applicable is not None:
            continue
        meaning = None if words is None else words.meaning(act.stated)
        how_zh = "计为完成" if meaning else "计为未完成" if meaning is False else "未声明"
        how_en = (
            "counted met" if meaning else "counted not met" if meaning is False else "undeclared"
        )
        evidence = act.evidence or ""
        yield Finding(
            code="stated-result",
            severity=CODES["stated-result"].severity,
            indicator=ind.id,
            path=("indicators", ind.id, "stated"),
            document="actuals",
            zh=f"{ind.name}（{ind.id}）：实际完成值据陈述为“{act.stated}”（{how_zh}），并非按年度指标值"
            f"{ind.target_display}计算得出；佐证：{evidence or '无'}。请核对佐证材料",
            en=f"{ind.name} ({ind.id}): the actual is stated "
            f"as {act.stated!r} ({how_en}), not computed "
            f"against the target {ind.target_display}; "
            f"evidence: {evidence or 'none'}. Check the evidence",
            evidence=(
                Evidence(key="stated", value=act.stated, zh="陈述", en="stated"),
                Evidence(key="evidence", value=evidence, zh="佐证", en="evidence"),
                Evidence(key="target", value=ind.target_display, zh="年度指标值", en="target"),
            ),
        )


def own_scores(spec: Spec, actuals: Actuals) -> Iterator[Finding]:
    """``score-above-rule`` / ``score-below-rule``: a row scored as the unit's table prints it
    (own_score)."""
    if not any(a.own_score is not None for a in actuals.indicators):
        return
    try:
        ev = evaluate(spec, actuals)
    except SpecError:
        return  # the loader reports the actuals' problems
    for r in ev.indicators:
        own = r.own_score
        if own is None or own.direction == "equal":
            continue
        code = "score-above-rule" if own.direction == "above" else "score-below-rule"
        printed, computed = show_dec(own.score), show_dec(own.computed)
        how_zh = "高于" if own.direction == "above" else "低于"
        how_en = own.direction
        met_zh = "" if r.met is None else ("（已完成指标值）" if r.met else "（未完成指标值）")
        met_en = "" if r.met is None else (" (target met)" if r.met else " (target missed)")
        yield Finding(
            code=code,
            severity=CODES[code].severity,
            indicator=r.id,
            path=("indicators", r.id, "own_score", "score"),
            document="actuals",
            zh=f"{r.name}（{r.id}）：表内得分{printed}分（单位自填）{how_zh}其计分规则所得{computed}分；"
            f"实际完成值{r.actual}，年度指标值{r.target}{met_zh}；原因：{own.reason}。"
            "小计与总分按表内得分计，请核对或说明",
            en=f"{r.name} ({r.id}): the table's score {printed} (the unit's own) is {how_en} the "
            f"{computed} its rule gives; actual {r.actual}, target {r.target}{met_en}; reason: "
            f"{own.reason}. The totals use the table's score",
            evidence=(
                Evidence(key="own_score", value=printed, zh="表内得分", en="table's score"),
                Evidence(key="computed", value=computed, zh="按规则计得", en="by the rule"),
                Evidence(key="reason", value=own.reason, zh="原因", en="reason given"),
            ),
        )
