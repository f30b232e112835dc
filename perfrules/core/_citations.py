"""The rule texts each scoring method encodes, with their sources.

``status`` says how sure we are of the wording: ``verified`` (read in a
stored published source), ``recalled`` (the clause as we recall it; the
official text was not available to check it word for word — verify before
citing it in a formal report), ``practice`` (what production systems do; no
document number), ``inferred`` (derived from published scores), ``declared``
(a rule the spec itself declares, such as its bonus items and vetoes; the
spec's own ``rule`` table names the document).
"""

from __future__ import annotations

from decimal import Decimal

import attrs


@attrs.frozen(kw_only=True)
class Citation:
    """A rule's source: document, clause text and how sure the wording is."""

    id: str
    document: str
    text: str
    status: str

    def __str__(self) -> str:
        return f"{self.document}：{self.text}"


CY2020_10 = "财预〔2020〕10号《项目支出绩效评价管理办法》"

QUANT_POSITIVE = Citation(
    id="quantitative.positive",
    document=f"{CY2020_10}第十六条",
    text="定量指标得分按照以下方法评定：与年初指标值相比，完成指标值的，记该指标所赋全部分值；"
    "未完成指标值的，按照完成值与指标值的比例记分。",
    status="recalled",
)
QUANT_NEGATIVE_INVERSE = Citation(
    id="quantitative.negative.inverse_ratio",
    document="项目支出绩效自评表填表说明（财政部门印发的自评表样式）",
    text="若定量指标为反向指标（即指标值≤*），则得分计算方法应用年度指标值（A）/全年实际值（B）*该指标分值。",
    status="verified",
)
QUANT_NEGATIVE_LINEAR = Citation(
    id="quantitative.negative.linear_overshoot",
    document="省级预算绩效管理系统自评计分规则（生产实践，无文号）",
    text="反向指标：实际完成值≤指标值得满分；指标值＜实际完成值＜2倍指标值时，"
    "得分＝(1－(实际完成值－指标值)÷指标值)×分值；实际完成值≥2倍指标值不得分。",
    status="practice",
)
QUANT_EQUAL = Citation(
    id="quantitative.equal",
    document=f"{CY2020_10}第十六条",
    text="完成指标值的，记该指标所赋全部分值；未完成指标值的，按照完成值与指标值的比例记分。"
    "（“=”指标：低于指标值按比例计分；高于指标值的处理由规范声明。）",
    status="recalled",
)
QUALITATIVE = Citation(
    id="qualitative.tiers",
    document=f"{CY2020_10}第十六条",
    text="定性指标得分按照以下方法评定：根据指标完成情况分为达成年度指标、部分达成年度指标并具有一定效果、"
    "未达成年度指标且效果较差三档，分别按照该指标对应分值区间100-80%（含80%）、80-60%（含60%）、60-0%合理确定分值。",
    status="recalled",
)
BUDGET_PROPORTIONAL = Citation(
    id="budget_execution.proportional",
    document=f"{CY2020_10}第十五条及附件项目支出绩效自评表",
    text="预算执行率=全年执行数/全年预算数；预算执行率分值10分，得分=预算执行率×分值，最高不超过分值。",
    status="recalled",
)
BUDGET_ROUND_WHOLE = Citation(
    id="budget_execution.round_whole",
    document="湖南省财政厅《关于开展2024年度省级预算部门绩效自评和部门评价的通知》（湘财绩〔2025〕2号）执行口径",
    text="预算执行率得分=预算执行率×分值，四舍五入取整数分，最高不超过分值"
    "（据已公开的湖南省部门整体支出自评得分归纳，如执行率94.48%得9分）。",
    status="inferred",
)
GRADES = Citation(
    id="grades",
    document="财政部预算司绩效评价结果等级划分标准（转引；与财预〔2020〕10号一致）",
    text="优（90-100分）、良（80-89分）、中（60-79分）、差（0-59分）四个档次。等级线可由规范另行声明。",
    status="verified",
)
OVERSHOOT = Citation(
    id="warning.overshoot",
    document=f"{CY2020_10}第十六条",
    text="对完成值高于指标值较多的，要分析原因，如果是由于年初指标值设定明显偏低造成的，要按照偏离度适度调减分值。"
    "（提示阈值：实际完成值≥指标值的130%时偏差原因必填，见省级预算绩效管理系统预警规则。）",
    status="recalled",
)
CAP = Citation(
    id="score.cap",
    document="项目支出绩效自评表填表说明（旧版自评表）",
    text="得分最高不能超过该指标分值上限。",
    status="recalled",
)

ALL: tuple[Citation, ...] = (
    QUANT_POSITIVE,
    QUANT_NEGATIVE_INVERSE,
    QUANT_NEGATIVE_LINEAR,
    QUANT_EQUAL,
    QUALITATIVE,
    BUDGET_PROPORTIONAL,
    BUDGET_ROUND_WHOLE,
    GRADES,
    OVERSHOOT,
    CAP,
)

YUEYANG = "部门整体支出绩效评价共性指标体系（如岳阳市部门整体支出绩效自评表）"

STEP = Citation(
    id="step",
    document=YUEYANG,
    text="以100%为标准。在职人员控制率≦100%，计5分；每超过一个百分点扣0.5分，扣完为止。"
    "（“三公经费”控制率≦100%，计6分；每超过一个百分点扣1分，扣完为止。）",
    status="verified",
)
BANDS = Citation(
    id="bands",
    document=YUEYANG,
    text="重点支出安排率≥90%，计5分；80%（含）-90%，计4分；70%（含）-80%，计3分；60%（含）-70%，计2分；低于60%不得分。",
    status="verified",
)
RATE = Citation(
    id="rate",
    document="部门考核表计分办法（如一般公共预算支出实际完成率）",
    text="一般公共预算支出实际完成率=本年一般公共预算支出完成数*100%/本年一般公共预算支出年初预算数……按完成比例计算得分，满分为止。",
    status="verified",
)
PER_OCCURRENCE = Citation(
    id="per_occurrence",
    document=YUEYANG,
    text="以上情况每出现一例不符合要求的扣1分，扣完为止。",
    status="verified",
)
MANUAL_DEDUCTION = Citation(
    id="manual_deduction",
    document="省级预算绩效管理系统自评表“扣减分数”栏（生产实践，无文号）",
    text="扣减分数须注明原因，从该指标得分中扣减，扣完为止。",
    status="practice",
)
NOT_APPLICABLE = Citation(
    id="not_applicable",
    document="项目支出绩效自评表填表说明（旧版自评表）",
    text="对于不适用部分评价对象的评价指标，不考核该指标，用适用指标得分汇总后按百分制对该项目折算计分。",
    status="verified",
)
OVERSHOOT_DEDUCTION = Citation(
    id="overshoot_deduction",
    document=f"{CY2020_10}第十六条",
    text="对完成值高于指标值较多的，要分析原因，如果是由于年初指标值设定明显偏低造成的，要按照偏离度适度调减分值。"
    "（调减的起点、步长和分值由规范 policy.overshoot_deduction 声明。）",
    status="recalled",
)
BUDGET_METHOD = Citation(
    id="budget_execution.method",
    document="规范声明的预算执行率计分办法",
    text="预算执行率按规范声明的计分区间或扣分档计分（规范的 budget_execution.rule 载明所依据的文件）。",
    status="declared",
)
BONUS = Citation(
    id="bonus",
    document="规范声明的加分项",
    text="加分项按规范声明的上限计分，须注明加分理由；总分是否可超过满分由规范 policy.total_cap 声明。",
    status="declared",
)
VETO = Citation(
    id="veto",
    document="规范声明的一票否决事项",
    text="发生一票否决事项的，按规范声明将总分记为0分或将等级定为规定等级。",
    status="declared",
)
DEVIATION = Citation(
    id="deviation",
    document="规范声明的偏差率计分办法",
    text="偏差率=|实际完成值−计划值|÷计划值×100%；偏差率在偏差目标（如±5%）以内为完成指标值，"
    "得分按规范声明的偏差区间及其占分值的比例确定（规范的 rule 载明所依据的文件）。",
    status="declared",
)
STATED = Citation(
    id="stated",
    document="规范声明的文字陈述结果",
    text="定量指标的实际完成值以文字陈述（如“达标”“已完成”）的，须附佐证材料，按规范声明计为完成或未完成指标值并计分；"
    "该结果据陈述而非计算得出，各输出均予标明。",
    status="declared",
)

ALL = (
    *ALL,
    STEP,
    BANDS,
    RATE,
    PER_OCCURRENCE,
    MANUAL_DEDUCTION,
    NOT_APPLICABLE,
    OVERSHOOT_DEDUCTION,
    BUDGET_METHOD,
    BONUS,
    VETO,
    DEVIATION,
    STATED,
)


# ---------------------------------------------------------------------------
# where a generic citation is the row's rule
#
# A method's generic citation quotes one published rule. It is cited only for a row whose
# rule is that rule — the same kind of row, the same numbers the text states — and never
# for another row the method also scores (a satisfaction row scored by steps is not a staff
# control rate; a 20-point 预算执行率 row is not the 10-point row 10号's form describes).
# Elsewhere a row cites its own ``rule`` or nothing.


def step_quotes(
    comparator: str,
    target: Decimal,
    unit: str,
    per: Decimal,
    deduct: Decimal,
    start: Decimal | None,
) -> bool:
    """STEP quotes "≦100%，每超过一个百分点扣0.5分" (在职人员控制率) and "…扣1分" (“三公经费”控制率)."""
    return (
        comparator in ("≤", "<")
        and target == 100
        and unit == "%"
        and per == 1
        and deduct in (Decimal("0.5"), Decimal(1))
        and start in (None, Decimal(100))
    )


BANDS_QUOTED: tuple[tuple[Decimal | None, Decimal | None, Decimal], ...] = (
    (Decimal(90), None, Decimal(5)),
    (Decimal(80), Decimal(90), Decimal(4)),
    (Decimal(70), Decimal(80), Decimal(3)),
    (Decimal(60), Decimal(70), Decimal(2)),
    (None, Decimal(60), Decimal(0)),
)
"""BANDS quotes 重点支出安排率: ≥90% 5; 80%（含）-90% 4; 70%（含）-80% 3; 60%（含）-70% 2; 低于60% 0."""


def bands_quote(
    bands: tuple[tuple[Decimal | None, Decimal | None, bool, bool, Decimal], ...], unit: str
) -> bool:
    """Whether a band table on the actual (min, max, min_inclusive, max_inclusive, score) is BANDS' table."""
    if unit != "%" or len(bands) != len(BANDS_QUOTED):
        return False
    want = {(lo, hi, s) for lo, hi, s in BANDS_QUOTED}
    got = set()
    for lo, hi, lo_in, hi_in, score in bands:
        if (lo is not None and not lo_in) or (hi is not None and hi_in):
            return (
                False  # the text's bands include their lower edge ("（含）") and exclude the upper
            )
        got.add((None if lo == 0 else lo, hi, score))
    return got == want


def per_occurrence_quotes(deduct: Decimal) -> bool:
    """PER_OCCURRENCE quotes "每出现一例不符合要求的扣1分"."""
    return deduct == 1


def rate_quotes(unit: str) -> bool:
    """RATE quotes a completion rate in % scored by its share of the weight."""
    return unit == "%"


def budget_proportional_quotes(weight: Decimal) -> bool:
    """BUDGET_PROPORTIONAL quotes the form's "预算执行率分值10分"."""
    return weight == 10
