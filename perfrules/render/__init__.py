"""rich renderables for evaluations and problems: one module per concept.

The core never imports this package; these objects wrap core results and
render through ``__rich_console__``. Each is imported on first use (PEP 562),
so a command that prints one renderable loads only that module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perfrules._lazy import lazy_attributes

if TYPE_CHECKING:
    from perfrules.render._audit_table import AuditTable
    from perfrules.render._diff import DiffReport
    from perfrules.render._findings import FigureAuditTable, FindingList
    from perfrules.render._golden import CaseReport, ChangeList
    from perfrules.render._indicator_detail import IndicatorDetail
    from perfrules.render._losses import LossRanking
    from perfrules.render._problems import ProblemList
    from perfrules.render._warnings import WarningList

__all__ = [
    "AuditTable",
    "CaseReport",
    "ChangeList",
    "DiffReport",
    "FigureAuditTable",
    "FindingList",
    "IndicatorDetail",
    "LossRanking",
    "ProblemList",
    "WarningList",
]

_MODULES = {
    "AuditTable": "_audit_table",
    "CaseReport": "_golden",
    "ChangeList": "_golden",
    "DiffReport": "_diff",
    "FigureAuditTable": "_findings",
    "FindingList": "_findings",
    "IndicatorDetail": "_indicator_detail",
    "LossRanking": "_losses",
    "ProblemList": "_problems",
    "WarningList": "_warnings",
}

__getattr__, __dir__ = lazy_attributes(
    __name__, {k: f"perfrules.render.{v}" for k, v in _MODULES.items()}, globals(), __all__
)
