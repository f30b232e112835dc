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
from perfrules._messages import Message, message
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
            **message(
                "deduction-on-met",
                name=ind.name,
                id=ind.id,
                actual=shown,
                target=written,
                points=lost,
                reasons=reasons,
            ).as_en_zh(),
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
        counted = (
            message(("stated-result", "met"))
            if meaning
            else message(("stated-result", "not-met"))
            if meaning is False
            else message(("stated-result", "undeclared"))
        )
        evidence = act.evidence or ""
        yield Finding(
            code="stated-result",
            severity=CODES["stated-result"].severity,
            indicator=ind.id,
            path=("indicators", ind.id, "stated"),
            document="actuals",
            **message(
                "stated-result",
                name=ind.name,
                id=ind.id,
                stated=act.stated,
                counted=counted,
                target=ind.target_display,
                evidence=(
                    Message(evidence, evidence)
                    if evidence
                    else message(("stated-result", "no-evidence"))
                ),
            ).as_en_zh(),
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
        met = (
            Message("", "")
            if r.met is None
            else message(("score-above-rule", "target-met"))
            if r.met
            else message(("score-above-rule", "target-missed"))
        )
        fields = {
            "name": r.name,
            "id": r.id,
            "printed": printed,
            "computed": computed,
            "actual": r.actual,
            "target": r.target,
            "met": met,
            "reason": own.reason,
        }
        text = (
            message("score-above-rule", **fields)
            if own.direction == "above"
            else message("score-below-rule", **fields)
        )
        yield Finding(
            code=code,
            severity=CODES[code].severity,
            indicator=r.id,
            path=("indicators", r.id, "own_score", "score"),
            document="actuals",
            **text.as_en_zh(),
            evidence=(
                Evidence(key="own_score", value=printed, zh="表内得分", en="table's score"),
                Evidence(key="computed", value=computed, zh="按规则计得", en="by the rule"),
                Evidence(key="reason", value=own.reason, zh="原因", en="reason given"),
            ),
        )
