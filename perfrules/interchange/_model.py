"""What an import gives: the spec, the actuals, the scores the form declares and where everything
sits."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, TypeAlias

import attrs

from perfrules._errors import Problem
from perfrules.model import Actuals, Spec

DeclaredKind: TypeAlias = Literal["indicator", "budget", "rate", "category", "total", "grade"]


@attrs.frozen(kw_only=True)
class DeclaredScore:
    """A result the form states (得分, 执行率, 小计, 总分, 自评等级), kept to compare with perfrules' own.

    ``subject`` is the indicator or category id, ``budget_execution``,
    ``total`` or ``grade``; ``value`` the number (percent points for a rate),
    ``text`` the grade.
    """

    kind: DeclaredKind
    subject: str
    label: str
    cell: str  # sheet!A1
    value: Decimal | None = None
    text: str | None = None


@attrs.frozen(kw_only=True)
class IdMapping:
    """Which id the import gave to which row of the form (hand-filled forms carry no ids)."""

    id: str
    kind: Literal["category", "indicator"]
    label: str
    cell: str  # sheet!A1 of the name


@attrs.frozen(kw_only=True)
class ImportedForm:
    """A 自评表 read back: spec and actuals, the declared results, the id mapping, the warnings.

    ``hidden``: whether the hidden ``perfrules`` sheet was used (a workbook
    :func:`write_workbook` wrote); otherwise the form was read as hand-filled on
    top of ``framework``.
    """

    spec: Spec
    actuals: Actuals
    declared: tuple[DeclaredScore, ...]
    ids: tuple[IdMapping, ...]
    warnings: tuple[Problem, ...]
    file: str
    sheet: str
    hidden: bool
    framework: str | None = None

    def declared_score(
        self, subject: str, kind: DeclaredKind | None = None
    ) -> DeclaredScore | None:
        """The declared result for ``subject`` (an indicator id, ``total`` …), if the form states
        one."""
        for d in self.declared:
            if d.subject == subject and (kind is None or d.kind == kind):
                return d
        return None
