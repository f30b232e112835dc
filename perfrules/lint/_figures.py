"""Figure audit: recompute each figure a report states from its amounts, at the stated precision.

Two sources of stated figures:

* the actuals' ``[figures]`` table: ``formula`` over the amounts (and
  ``budget.full_year`` / ``budget.spent`` / ``budget.initial``) and the
  ``stated`` text, e.g. ``formula = "personnel_spent / basic_spent"``,
  ``stated = "69.22%"``;
* a derived indicator's actual ``text`` (``three_public_control`` states
  "85.4%"), recomputed from its ``derive``.

A stated figure is read only when it is a plain decimal with an optional
percent sign (``85.4%``, ``20470.39``, ``-3.5%``); its decimal places are its
precision. A stated percentage compares the formula's value × 100 (formulas
give ratios, as ``derive`` does). The exact recomputed value is rounded
half-up (四舍五入) to the stated places and must equal the stated number.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from perfrules._errors import PathKey
from perfrules._limits import number_problem
from perfrules._messages import Message, clauses, message
from perfrules._suggest import suggest
from perfrules.core import amount_env, exact_str, round_half_up, show
from perfrules.core import compute as derive_compute
from perfrules.core import text_of as derive_text
from perfrules.lint._model import Evidence, FigureCheck, FigureStatus, Finding, FindingSeverity
from perfrules.lint._targets import actual_of
from perfrules.model import Actuals, Derivation, DeviationTarget, Formula, RateDisplay, Spec

_DEVIATION = Formula.parse("abs(actual - plan) / plan")
"""A deviation row's 偏差率 as a ratio (× 100 when stated in %): the actual's distance from the
plan."""
_STATED = re.compile(r"-?[0-9]+(?:\.([0-9]+))?([%％]?)", re.ASCII)


@attrs.frozen(kw_only=True)
class StatedFigure:
    """A stated figure as read: its number, decimal places and whether it is a percentage."""

    value: Decimal
    places: int
    percent: bool

    @property
    def quantum(self) -> Decimal:
        """One unit in the last stated place (``85.4`` → ``0.1``)."""
        return Decimal(1).scaleb(-self.places)

    def __str__(self) -> str:
        return f"{self.value:f}{'%' if self.percent else ''}"


def parse_stated(text: str) -> StatedFigure | None:
    """Read a stated figure: a plain decimal (ASCII digits, optional ``-``) and an optional
    ``%``/``％``.

    Surrounding whitespace is ignored; anything else (thousands separators,
    units, words, ``约``) gives ``None``: the figure is never guessed.
    """
    m = _STATED.fullmatch(text.strip())
    if m is None:
        return None
    number = m[0].rstrip("%％")
    value = Decimal(number)
    # beyond the loader's bounds: not a figure any form states
    if number_problem(value) is not None:
        return None
    return StatedFigure(value=value, places=len(m[1] or ""), percent=bool(m[2]))


def _ev(key: str, value: str, zh: str, en: str, exact: Fraction | None = None) -> Evidence:
    return Evidence(
        key=key, value=value, zh=zh, en=en, exact=None if exact is None else exact_str(exact)
    )


def _truncate(value: Fraction, quantum: Decimal) -> Decimal:
    """``value`` cut toward zero to a multiple of ``quantum`` (截尾: 96.479 → 96.47 at 0.01)."""
    steps = value / Fraction(quantum)
    whole = (
        steps.numerator // steps.denominator
        if steps >= 0
        else -((-steps.numerator) // steps.denominator)
    )
    return quantum * whole


class _Audit:
    def __init__(self, spec: Spec | None, actuals: Actuals) -> None:
        self.spec = spec
        self.actuals = actuals
        self.env = amount_env(actuals)
        self.checks: list[FigureCheck] = []
        self.findings: list[Finding] = []
        # rates stated in % are compared as the spec declares they are shown (截尾 or 四舍五入)
        self.truncates = (
            spec is not None and spec.rounding.rate_display_mode is RateDisplay.TRUNCATE
        )

    def finding(
        self,
        code: str,
        severity: FindingSeverity,
        path: PathKey,
        text: Message,
        indicator: str | None = None,
        evidence: tuple[Evidence, ...] = (),
        suggestion: str | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                path=path,
                document="actuals",
                **text.as_en_zh(),
                indicator=indicator,
                evidence=evidence,
                suggestion=suggestion,
            )
        )

    def run(self) -> None:
        for fig in self.actuals.figures:
            self.one(
                name=fig.name,
                kind="figure",
                label=fig.label,
                derive=fig.formula,
                stated_text=fig.stated,
                stated_path=("figures", fig.name, "stated"),
                formula_path=("figures", fig.name, "formula"),
                unit_percent=False,
                unreadable_severity="warning",
                indicator=None,
            )
        if self.spec is None:
            return
        self.deviations(self.spec)
        for ind in self.spec.indicators:
            act = self.actuals.indicator(ind.id)
            if (
                ind.derive is None
                or act is None
                or act.text is None
                or act.not_applicable is not None
            ):
                continue
            self.one(
                name=ind.id,
                kind="indicator",
                label=ind.name,
                derive=ind.derive,
                stated_text=act.text,
                stated_path=("indicators", ind.id, "text"),
                formula_path=("indicators", ind.id, "text"),
                unit_percent=ind.target is not None and ind.target.unit == "%",
                unreadable_severity="info",
                indicator=ind.id,
            )

    def deviations(self, spec: Spec) -> None:
        """A deviation row's stated 偏差率 (``deviation = "5.01%"``): |actual − plan| ÷ plan,
        recomputed."""
        for ind in spec.indicators:
            act = self.actuals.indicator(ind.id)
            target = ind.target
            if act is None or act.deviation is None or not isinstance(target, DeviationTarget):
                continue
            actual = actual_of(ind, self.actuals, self.env)
            env = self.env
            # the row's own plan and actual, by name, for this one formula
            self.env = {**env, "plan": Fraction(target.value)}
            if actual is not None:
                self.env["actual"] = actual
            try:
                self.one(
                    name=ind.id,
                    kind="indicator",
                    label=ind.name,
                    derive=_DEVIATION,
                    stated_text=act.deviation,
                    stated_path=("indicators", ind.id, "deviation"),
                    formula_path=("indicators", ind.id, "deviation"),
                    unit_percent=True,
                    unreadable_severity="warning",
                    indicator=ind.id,
                )
            finally:
                self.env = env

    def one(
        self,
        *,
        name: str,
        kind: Literal["figure", "indicator"],
        label: str | None,
        derive: Derivation | Formula,
        stated_text: str,
        stated_path: PathKey,
        formula_path: PathKey,
        unit_percent: bool,
        unreadable_severity: FindingSeverity,
        indicator: str | None,
    ) -> None:
        what = Message(f"{label} ({name})", f"{label}（{name}）") if label else Message(name, name)
        formula = derive_text(derive)[1]
        names = (
            [derive.numerator, derive.denominator]
            if isinstance(derive, Derivation)
            else sorted(derive.names)
        )
        inputs = tuple((n, self.env[n]) for n in dict.fromkeys(names) if n in self.env)

        def record(
            status: FigureStatus,
            *,
            percent: bool = False,
            places: int | None = None,
            value: Fraction | None = None,
            rounded: Decimal | None = None,
        ) -> None:
            self.checks.append(
                FigureCheck(
                    name=name,
                    kind=kind,
                    label=label,
                    formula=formula,
                    stated=stated_text,
                    path=stated_path,
                    inputs=inputs,
                    status=status,
                    percent=percent,
                    places=places,
                    value=value,
                    rounded=rounded,
                )
            )

        value: Fraction | None = None
        unknown = [n for n in dict.fromkeys(names) if n not in self.env]
        for n in unknown:
            hint = suggest(n, self.env)
            self.finding(
                "figure-unknown-name",
                "warning",
                formula_path,
                indicator=indicator,
                suggestion=hint,
                text=message("figure-unknown-name", what=what, formula=formula, name=n),
                evidence=(
                    _ev("formula", formula, "公式", "formula"),
                    _ev("name", n, "未知名称", "unknown name"),
                ),
            )
        if not unknown:
            try:
                value = derive_compute(derive, self.env)
            except ZeroDivisionError as exc:
                divisor = getattr(
                    exc,
                    "divisor_text",
                    derive.denominator if isinstance(derive, Derivation) else "?",
                )
                self.finding(
                    "figure-zero-division",
                    "warning",
                    formula_path,
                    indicator=indicator,
                    text=message(
                        "figure-zero-division", what=what, formula=formula, divisor=divisor
                    ),
                    evidence=(
                        _ev("formula", formula, "公式", "formula"),
                        _ev("divisor", divisor, "除数", "divisor"),
                    ),
                )
            except (
                KeyError,
                ArithmeticError,
                TypeError,
                ValueError,
            ) as exc:  # never crash on odd input
                self.finding(
                    "figure-unknown-name",
                    "warning",
                    formula_path,
                    indicator=indicator,
                    text=message(
                        ("figure-unknown-name", "not-computable"),
                        what=what,
                        formula=formula,
                        error=exc,
                    ),
                    evidence=(_ev("formula", formula, "公式", "formula"),),
                )

        stated = parse_stated(stated_text)
        if stated is None:
            self.finding(
                "figure-unreadable",
                unreadable_severity,
                stated_path,
                indicator=indicator,
                text=message("figure-unreadable", what=what, stated=stated_text),
                evidence=(_ev("stated", stated_text, "报告数", "stated"),),
            )
            record("unreadable")
            return
        percent = stated.percent or unit_percent
        if value is None:
            record("error", percent=percent, places=stated.places)
            return
        scaled = value * 100 if percent else value
        truncate = percent and self.truncates
        rounded = (
            _truncate(scaled, stated.quantum) if truncate else round_half_up(scaled, stated.quantum)
        )
        agrees = rounded == stated.value
        record(
            "agrees" if agrees else "disagrees",
            percent=percent,
            places=stated.places,
            value=scaled,
            rounded=rounded,
        )
        if agrees:
            return
        pct = "%" if percent else ""
        exact = f"{show(scaled, 6)}{pct}"
        at = f"{rounded:f}{pct}"
        gap = Fraction(stated.value) - Fraction(rounded)
        size = show(abs(gap))
        if percent:
            diff = (
                message(("figure-mismatch", "higher-points"), size=size)
                if gap > 0
                else message(("figure-mismatch", "lower-points"), size=size)
            )
        else:
            diff = (
                message(("figure-mismatch", "higher"), size=size)
                if gap > 0
                else message(("figure-mismatch", "lower"), size=size)
            )
        ratio_hint = Message("", "")
        if percent and kind == "figure" and round_half_up(value, stated.quantum) == stated.value:
            ratio_hint = message(("figure-mismatch", "ratio-hint"))
        listed = (
            message(
                ("figure-mismatch", "inputs"),
                inputs=clauses(f"{n} = {show(v)}" for n, v in inputs),
            )
            if inputs
            else Message("", "")
        )
        places = (
            message(("figure-mismatch", "place"), places=stated.places)
            if stated.places == 1
            else message(("figure-mismatch", "places"), places=stated.places)
        )
        fields = {
            "what": what,
            "stated": stated,
            "exact": exact,
            "at": at,
            "places": places,
            "diff": diff,
            "formula": formula,
            "inputs": listed,
            "hint": ratio_hint,
        }
        self.finding(
            "figure-mismatch",
            "warning",
            stated_path,
            indicator=indicator,
            text=(
                message(("figure-mismatch", "truncated"), **fields)
                if truncate
                else message("figure-mismatch", **fields)
            ),
            evidence=(
                _ev("stated", stated_text, "报告数", "stated"),
                _ev("recomputed", exact, "重算数", "recomputed", scaled),
                _ev("rounded", at, "按报告精度", "at the stated precision"),
                _ev("places", str(stated.places), "报告小数位数", "stated decimal places"),
                _ev("formula", formula + (" × 100%" if percent else ""), "公式", "formula"),
                *(_ev(f"input:{n}", show(v), n, n, v) for n, v in inputs),
            ),
        )


def run_audit(
    spec: Spec | None, actuals: Actuals
) -> tuple[tuple[FigureCheck, ...], tuple[Finding, ...]]:
    """Every figure check and the findings they raise (unlocated: :func:`lint` locates them)."""
    audit = _Audit(spec, actuals)
    audit.run()
    return tuple(audit.checks), tuple(audit.findings)


def audit_figures(spec: Spec | None, actuals: Actuals) -> tuple[FigureCheck, ...]:
    """Recompute every ``[figures]`` entry (and, with ``spec``, every derived indicator's stated
    text)."""
    return run_audit(spec, actuals)[0]
