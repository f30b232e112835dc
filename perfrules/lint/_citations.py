"""The rules the target-setting findings rest on.

``status`` follows :mod:`perfrules.core._citations`: ``recalled`` means the
clause as we recall it — the official text was not available to check it
word for word, so verify it before quoting it in a formal report.
"""

from __future__ import annotations

from perfrules.core import CY2020_10, OVERSHOOT, Citation

CY2015_88 = "《中央部门预算绩效目标管理办法》（财预〔2015〕88号）"

TARGET_LOW = OVERSHOOT
"""财预〔2020〕10号 第十六条: over-achievement caused by a target set too low."""

MEASURABLE = Citation(
    id="lint.measurable",
    document=f"{CY2015_88}，绩效目标设定原则“细化量化”",
    text="绩效目标应当从数量、质量、成本、时效以及经济效益、社会效益、生态效益、可持续影响、满意度等方面进行细化，"
    "尽量进行定量表述。不能以量化形式表述的，可以采用定性表述，但应具有可衡量性。",
    status="recalled",
)
"""Targets should be quantified where possible, and measurable when qualitative."""

COST = Citation(
    id="lint.cost",
    document=f"{CY2020_10}第十五条",
    text="单位自评指标是指预算批复时确定的绩效指标，包括项目的产出数量、质量、时效、成本，"
    "以及经济效益、社会效益、生态效益、可持续影响、服务对象满意度等。",
    status="recalled",
)
"""成本 is one of the 产出 dimensions an indicator system covers."""

WEIGHTS = Citation(
    id="lint.weights",
    document=f"{CY2020_10}第十五条",
    text="二、三级指标应当根据指标重要程度、项目实施阶段等因素综合确定，准确反映项目的产出和效益。",
    status="recalled",
)
"""Weights follow the importance of each indicator."""
