"""The official 自评表 workbook in and out (openpyxl; install the ``perfrules[xlsx]`` extra).

::

    import perfrules
    from perfrules.interchange import compare_declared, read_workbook, write_workbook

    spec, actuals = perfrules.load_example("examples/hunan-2024-general-office")
    write_workbook(spec, actuals, "自评表.xlsx")  # the official layout + a hidden perfrules sheet
    form = read_workbook("自评表.xlsx")  # equal spec and actuals back
    form = read_workbook("filled.xlsx", framework="hunan-department")  # a hand-filled form
    # declared vs computed, cell by cell
    compare_declared(form, perfrules.evaluate(form.spec, form.actuals))

Without openpyxl, reading or writing a workbook raises
:class:`perfrules.MissingExtraError` (``pip install 'perfrules[xlsx]'``);
``MissingDependencyError`` is its older name, deprecated and kept as an alias.
See docs/excel.md.
"""

from perfrules.interchange._compare import Disagreement, DisagreementReport, compare_declared
from perfrules.interchange._model import DeclaredScore, IdMapping, ImportedForm
from perfrules.interchange._problems import MissingDependencyError, WorkbookError, openpyxl_module
from perfrules.interchange._read import read_workbook
from perfrules.interchange._targets import TargetReading, read_target
from perfrules.interchange._write import blank_template, write_workbook

__all__ = [
    "DeclaredScore",
    "Disagreement",
    "DisagreementReport",
    "IdMapping",
    "ImportedForm",
    "MissingDependencyError",
    "TargetReading",
    "WorkbookError",
    "blank_template",
    "compare_declared",
    "openpyxl_module",
    "read_target",
    "read_workbook",
    "write_workbook",
]
