"""rich renderables for evaluations and problems: one module per concept.

The core never imports this package; these objects wrap core results and
render through ``__rich_console__``.
"""

from perfrules.render._audit_table import AuditTable
from perfrules.render._diff import DiffReport
from perfrules.render._findings import FigureAuditTable, FindingList
from perfrules.render._golden import CaseReport, ChangeList
from perfrules.render._indicator_detail import IndicatorDetail
from perfrules.render._losses import LossRanking
from perfrules.render._problems import ProblemList
from perfrules.render._warnings import WarningList

__all__ = ["AuditTable", "FigureAuditTable", "FindingList", "IndicatorDetail", "LossRanking", "ProblemList", "WarningList"]
__all__ += ["CaseReport", "ChangeList", "DiffReport"]
