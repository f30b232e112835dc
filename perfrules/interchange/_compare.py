"""Declared versus computed: checking the scores a submitted form states, cell by cell."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import attrs
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from perfrules._errors import Lang
from perfrules.core import Evaluation, round_half_up
from perfrules.interchange._cells import visible
from perfrules.interchange._model import DeclaredKind, DeclaredScore, ImportedForm
from perfrules.model import format_decimal


@attrs.frozen(kw_only=True)
class Disagreement:
    """A declared result that differs from perfrules' own: the cell, what it concerns, both values,
    the difference.

    ``difference`` is declared − computed (``None`` for a grade or a missing row).
    """

    cell: str
    kind: DeclaredKind
    subject: str
    label: str
    declared: Decimal | str
    computed: Decimal | str
    difference: Decimal | None


def _exact_decimal(value: Fraction, places: int) -> Decimal:
    """``value`` half-up at ``places`` — the core's one rounding, on the exact fraction (no
    28-digit division)."""
    return round_half_up(value, Decimal(1).scaleb(-places))


def _places(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def compare_declared(form: ImportedForm, evaluation: Evaluation) -> tuple[Disagreement, ...]:
    """Every declared result of ``form`` that differs from ``evaluation`` (its spec and actuals
    evaluated).

    Scores, subtotals and the total compare exactly (``9`` equals ``9.00``,
    ``9`` differs from ``9.45``). A rate compares at the precision the form
    states it: 94.5% agrees with a computed 94.48…% rounded half-up to one
    decimal. A declared cell left empty is not compared.
    """
    out: list[Disagreement] = []
    for d in form.declared:
        found = _compare_one(d, evaluation)
        if found is not None:
            out.append(found)
    return tuple(out)


def _compare_one(d: DeclaredScore, ev: Evaluation) -> Disagreement | None:
    if d.kind == "grade":
        if d.text is None or d.text == visible(ev.grade_shown()):  # as a cell holds it
            return None
        return Disagreement(
            cell=d.cell,
            kind=d.kind,
            subject=d.subject,
            label=d.label,
            declared=d.text,
            computed=ev.grade_shown(),
            difference=None,
        )
    if d.value is None:
        return None
    computed: Decimal
    if d.kind == "indicator":
        try:
            computed = ev.indicator(d.subject).score
        except KeyError:
            return Disagreement(
                cell=d.cell,
                kind=d.kind,
                subject=d.subject,
                label=d.label,
                declared=d.value,
                computed="—",
                difference=None,
            )
    elif d.kind == "category":
        try:
            computed = ev.category(d.subject).score
        except KeyError:
            return Disagreement(
                cell=d.cell,
                kind=d.kind,
                subject=d.subject,
                label=d.label,
                declared=d.value,
                computed="—",
                difference=None,
            )
    elif d.kind == "total":
        computed = ev.total
    else:  # budget or rate
        be = ev.budget_execution
        if be is None:
            return Disagreement(
                cell=d.cell,
                kind=d.kind,
                subject=d.subject,
                label=d.label,
                declared=d.value,
                computed="—",
                difference=None,
            )
        computed = (
            be.score if d.kind == "budget" else _exact_decimal(be.rate * 100, _places(d.value))
        )
    if d.value == computed:
        return None
    return Disagreement(
        cell=d.cell,
        kind=d.kind,
        subject=d.subject,
        label=d.label,
        declared=d.value,
        computed=computed,
        difference=d.value - computed,
    )


_KIND_ZH = {
    "indicator": "三级指标",
    "budget": "预算执行率得分",
    "rate": "预算执行率",
    "category": "小计",
    "total": "总分",
    "grade": "自评等级",
}
_KIND_EN = {
    "indicator": "indicator",
    "budget": "budget score",
    "rate": "execution rate",
    "category": "subtotal",
    "total": "total",
    "grade": "grade",
}


def _show(value: Decimal | str, kind: DeclaredKind) -> str:
    if isinstance(value, str):
        return value
    return format_decimal(value) + ("%" if kind == "rate" else "")


def _signed(value: Decimal | None, kind: DeclaredKind) -> str:
    if value is None:
        return "—"
    text = format_decimal(value) + ("%" if kind == "rate" else "")
    return text if value < 0 else "+" + text


class DisagreementReport:
    """The declared-vs-computed report as a rich renderable: one line per disagreeing cell
    (Chinese by default)."""

    def __init__(
        self, disagreements: Sequence[Disagreement], *, lang: Lang = "zh", file: str | None = None
    ) -> None:
        self.disagreements = tuple(disagreements)
        self.lang = lang
        self.file = file

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        zh = self.lang == "zh"
        n = len(self.disagreements)
        where = f"{self.file}：" if zh and self.file else f"{self.file}: " if self.file else ""
        if n == 0:
            yield Text(
                where
                + (
                    "表中填报的得分与计算结果一致"
                    if zh
                    else "the form's declared scores agree with the computed ones"
                ),
                style="green",
            )
            return
        head = (
            f"{where}表中填报的得分有 {n} 处与计算结果不一致："
            if zh
            else f"{where}{n} declared value{'s' if n != 1 else ''} "
            f"disagree{'s' if n == 1 else ''} with the computed ones:"
        )
        yield Text(head, style="bold red")
        table = Table(show_lines=False, header_style="bold")
        for col in (
            ("单元格", "cell"),
            ("项目", "kind"),
            ("指标", "indicator"),
            ("填报值", "declared"),
            ("计算值", "computed"),
            ("差额", "difference"),
        ):
            table.add_column(
                col[0] if zh else col[1],
                justify="right" if col[1] in ("declared", "computed", "difference") else "left",
            )
        kinds = _KIND_ZH if zh else _KIND_EN
        for d in self.disagreements:
            table.add_row(
                d.cell,
                kinds[d.kind],
                f"{d.label} ({d.subject})" if d.subject not in ("total", "grade") else d.label,
                _show(d.declared, d.kind),
                _show(d.computed, d.kind),
                _signed(d.difference, d.kind),
            )
        yield table
