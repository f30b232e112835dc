"""The descriptions the JSON Schemas show on hover: Chinese first, then English
(``"中文 / English"``).

Keys are ``"Class.field"`` for the model's fields (perfrules/model, perfrules/golden),
``"Enum.MEMBER"`` for enumerated values, ``"method:<name>"`` for scoring methods and
plain words for the keys the framework machinery reads itself (``extends``,
``overrides``, ``framework``, ``versions``). The wording follows
docs/spec-format.md, docs/frameworks.md and docs/golden-cases.md.
``tests/test_schemas.py`` fails when a field of the model has no entry here, when
an entry is not used, or when one is not bilingual.
"""

from __future__ import annotations

FIELDS: dict[str, str] = {
    # ---- the spec ----------------------------------------------------------------
    "Spec.meta": "基本信息：评价对象、年度、类型与总分 / who and what is "
    "evaluated: id, title, unit, year, kind, total",
    "Spec.categories": "一级、二级指标（类别）；无 parent 为一级，parent 为一级编号时为二级 / "
    "the 一级 and 二级 indicator categories; without parent a 一级 one, with parent (a 一级 id) a 二级 one",
    "Spec.indicators": "三级指标：分值、年度指标值与计分方法 / the 三级 indicators: weight, target and scoring method",
    "Spec.budget_execution": "预算执行率一行及其计分方式；省略则无此行 / "
    "the budget-execution row (预算执行率) and how it scores; absent: no such row",
    "Spec.policy": "声明的计分口径（各项均有默认值） / declared scoring choices (every key has a default)",
    "Spec.rounding": "舍入精度（一律四舍五入） / rounding quanta (always half-up)",
    "Spec.grades": "等级及其最低分，自高到低，最后一档须为 0；默认 优90/良80/中60/差0 / "
    "grades and the lowest total earning each, highest "
    "first, the last at 0; default 优/良/中/差 at 90/80/60/0",
    "Spec.tiers": "定性指标档次（占分值的比例）；默认为财预〔2020〕10号的三档 / "
    "qualitative tiers as shares of the weight; default the three tiers of 财预〔2020〕10号",
    "Spec.tier_synonyms": "档次同义词：以档次名称为键，补充实际完成值可用的词语，无须重新声明档次 / "
    "more words for tiers, keyed by tier name, without redeclaring the tiers",
    "Spec.bonus": "加分项，由实际完成值中的 [bonus] 授予 / bonus items the actuals' [bonus] may award",
    "Spec.vetoes": "一票否决事项，由实际完成值中的 [vetoes] 触发 / veto "
    "conditions the actuals' [vetoes] may trigger",
    "Spec.stated": "文字陈述的实际完成值（据陈述）：哪些词语计为完成或未完成及其得分比例；未声明则不接受 / "
    "words an actuals entry may give as a numeric target's "
    "actual (stated, not computed) and what they count as; "
    "absent: refused",
    "StatedWords.met": "计为完成指标值的词语，如“达标”“已完成”“100%完成” / words counting as met, e.g. 达标, 已完成",
    "StatedWords.not_met": "计为未完成指标值的词语，如“未达标” / words counting as not met, e.g. 未达标",
    "StatedWords.met_share": "陈述为完成时得分占分值的比例（默认 1，满分） / the share of "
    "the weight a met word earns (default 1)",
    "StatedWords.not_met_share": "陈述为未完成时得分占分值的比例（默认 0） / the share "
    "a not-met word earns (default 0)",
    "StatedWords.rule": "接受文字陈述结果所依据的规则（文件及条文） / the rule that "
    "admits stated results (document and text)",
    "Meta.id": "规范编号；实际完成值文件的 spec 须与之相同 / the spec's id; an actuals file's `spec` must equal it",
    "Meta.title": "评价标题 / title of the evaluation (标题)",
    "Meta.unit": "预算部门/单位 / the budget unit evaluated",
    "Meta.year": "预算年度（整数）；实际完成值文件的 year 须与之相同，并据此选择框架版本 / "
    "budget year (an integer); an actuals file's `year` "
    "must equal it; it picks the framework version in force",
    "Meta.kind": "评价类型：部门整体支出或项目支出 / what is evaluated: a "
    "department's whole spending or one project",
    "Meta.basis": "文件依据（按报告表述） / the policy basis as the report words it",
    "Meta.total": "总分；一级指标分值与预算执行率分值之和须恰好等于它 / "
    "the full score; the 一级 weights plus budget_execution.weight must add up to exactly this",
    "Meta.partial": "部分指标模式：说明为何只录入了表中的部分行；总分只按已录入的行计算，分值不必合计为总分，不评定等级 / "
    "partial mode: why only some rows of the form are encoded; "
    "the total runs over them, weights need not add up, no grade",
    "Category.id": "类别编号，唯一；供 parent 与指标的 category 引用 / "
    "unique id, used by `parent` and by indicators' `category`",
    "Category.name": "一级/二级指标名称，如“产出指标”“数量指标” / the category's name, e.g. 产出指标, 数量指标",
    "Category.weight": "分值：等于其二级指标（或其三级指标）分值之和 / "
    "weight (分值): the sum of its children's (or its indicators') weights",
    "Category.parent": "上级类别的编号；省略则本类别为最上层（一级指标或年度绩效目标）；类别至多三层 / "
    "the id of the category above, making this one level "
    "deeper; absent: a top category; three levels at most",
    "Category.goal": "true：本类别（最上层）为年度绩效目标，其下为一级、二级指标；最上层类别须全部为目标或全不是 / "
    "true: this top category is a 年度绩效目标 block, with 一级 "
    "and 二级 categories below; all top categories or none",
    "Indicator.id": "指标编号，唯一；实际完成值 [indicators] 以它为键 / unique "
    "id; the actuals' [indicators] use it as key",
    "Indicator.name": "三级指标名称 / the indicator's name",
    "Indicator.category": "所属类别编号（须为无下级的类别） / the id of a category without children",
    "Indicator.weight": "分值（权重），大于 0，须为 rounding.score 的整数倍 / "
    "weight (分值), above 0, a multiple of rounding.score",
    "Indicator.target": "年度指标值（定量）：如“≥400期”“≤100%”“24期”（无比较符即为等于），"
    "偏差目标如“120公里±5%”“500万元，偏差率<10%”（计划值在前，按 deviation 方法计分），"
    "或 { comparator, value, unit } / quantitative target: a string such as '≥400期', '≤100%', '24期' "
    "(no comparator: exact), a deviation target such "
    "as '120公里±5%' (the plan first; scored by method "
    "deviation), or a table { comparator, value, unit }",
    "Indicator.target_text": "年度指标值的文字表述（表中显示）；定性指标只写此项 / "
    "the target as the form words it (shown instead "
    "of target); a qualitative indicator has only this",
    "Indicator.method": "计分方法：方法名字符串，或含参数的表 { name = …, … }；省略时有目标值用 ratio，否则 qualitative / "
    "scoring method: a method name, or a table with the name and its parameters; "
    "default ratio with a target, qualitative without",
    "Indicator.derive": "由金额计算实际值：公式字符串，或 { numerator, denominator } / "
    "compute the actual from amounts: a formula string, or { numerator, denominator }",
    "Indicator.rule": "本指标计分所依据的规则（文件及条文），仅作说明 / "
    "the rule this indicator's scoring follows (document and text); informational",
    "Indicator.note": "指标解释或备注，仅作说明 / free text (指标解释, remarks); informational",
    "Indicator.source": "指标来源或数据来源，仅作说明 / where the indicator "
    "or its data comes from; informational",
    "Indicator.round_to": "本指标得分的精度（10 的幂，如 1 为取整），代替 rounding.score / "
    "this indicator's score precision (a power of ten, 1: whole points), instead of rounding.score",
    "QuantitativeTarget.comparator": "比较符（指标性质）：≥ > 为正向，≤ < 为反向，= 为等于 / "
    "comparator: ≥ > positive, ≤ < negative, = exact",
    "QuantitativeTarget.value": "指标值（数值） / the target number",
    "QuantitativeTarget.unit": "计量单位，如“%”“期”；默认无 / the unit, e.g. '%', '期'; default none",
    "Derivation.numerator": "分子：[amounts] 中的金额名称 / numerator: the name "
    "of an amount in the actuals' [amounts]",
    "Derivation.denominator": "分母：[amounts] 中的金额名称 / denominator: the "
    "name of an amount in the actuals' [amounts]",
    "RuleSource.document": "规则所在文件（含文号） / the document the rule comes from, with its number",
    "RuleSource.text": "规则条文 / the rule's wording",
    "BudgetExecution.weight": "预算执行率分值（默认 10） / weight of the budget-execution row (default 10)",
    "BudgetExecution.policy": "预算执行率计分口径 / how the execution rate becomes points",
    "BudgetExecution.base": "执行率的分母：全年预算数或年初预算数 / the denominator: full-year or initial budget",
    "BudgetExecution.name": "该行名称（默认“预算执行率”） / the row's label (default 预算执行率)",
    "BudgetExecution.method": "按区间（bands）或按步扣分（step）对执行率（百分数）计分，代替 policy / "
    "score the rate (in percent) by a band table or by steps, instead of policy",
    "BudgetExecution.rule": "该行计分所依据的规则 / the rule the row follows",
    "Policy.negative": "反向指标（≤ <）未达标时的计分方式 / how an unmet negative (≤, <) target scores",
    "Policy.equal_above": "实际值高于等值（=）目标时的计分方式 / how an actual above an exact (=) target scores",
    "Policy.overshoot_warning": "超额提示阈值（指标值的倍数，大于 1），false 为关闭 / "
    "overshoot warning threshold, a multiple of the target above 1; false switches it off",
    "Policy.overshoot_deduction": "按偏离度适度调减分值：{ threshold, per, deduct, partial } / "
    "deduct points from indicators far above their target",
    "Policy.qualitative_default": "定性指标只给档次未给得分时的处理 / "
    "what a qualitative actual with a tier but no score scores",
    "Policy.total_cap": "加分后总分是否以 meta.total 为上限（默认 true） / "
    "whether the total stays at most meta.total after bonus points (default true)",
    "Policy.weight_precision": "分值精度细于得分精度时是否报错 / "
    "whether a weight finer than its score's rounding quantum is an error",
    "OvershootDeduction.threshold": "开始调减的倍数（≥ 1，如 1.3 即指标值的 130%） / "
    "the multiple of the target where deducting starts (≥ 1; 1.3: 130%)",
    "OvershootDeduction.per": "每一步占指标值的比例（如 0.1 即每再超 10%） / "
    "the step as a share of the target (0.1: every further 10%)",
    "OvershootDeduction.deduct": "每步调减的分值 / points deducted per step",
    "OvershootDeduction.partial": "不足一步的部分如何计算 / how a part of a step counts",
    "Rounding.score": "指标得分的精度（10 的幂，默认 0.01） / quantum of indicator "
    "scores (a power of ten, default 0.01)",
    "Rounding.total": "总分的精度（10 的幂，默认 0.01） / quantum of the total (a power of ten, default 0.01)",
    "Rounding.rate_display": "百分率显示精度（百分点，默认 0.01），仅用于显示 / "
    "precision of rates shown, in percentage points (default 0.01); display only",
    "Rounding.mode": "舍入方式，只支持 half_up（四舍五入） / rounding mode; only half_up is accepted",
    "Rounding.rate_display_mode": "比率显示方式：half_up 四舍五入（默认）或 truncate 截尾；只影响显示，得分按精确比率计算 / "
    "how rates are cut for display: half_up (default) or truncate (截尾); scores use the exact rate",
    "GradeBand.name": "等级名称，如“优” / the grade's name, e.g. 优",
    "GradeBand.min": "获得该等级的最低总分 / the lowest total that earns the grade",
    "Tier.name": "档次名称（实际完成值中的 tier） / the tier's name as the actuals write it",
    "Tier.min": "最低得分占分值的比例（含） / lowest admitted score as a share of the weight (inclusive)",
    "Tier.max": "最高得分占分值的比例 / highest admitted score as a share of the weight",
    "Tier.max_inclusive": "max 本身是否包含在内 / whether max itself is admitted",
    "Tier.aliases": "档次的其他名称 / other names the actuals may use",
    "BonusItem.id": "加分项编号，唯一；实际完成值 [bonus] 以它为键 / unique id; "
    "the key of an award in the actuals' [bonus]",
    "BonusItem.name": "加分项名称 / the item's name",
    "BonusItem.cap": "单项最高加分（大于 0，须为 rounding.score 的倍数） / "
    "the most points an award may give (above 0, a multiple of rounding.score)",
    "BonusItem.rule": "加分项所依据的文件 / the document the item comes from",
    "Veto.id": "否决事项编号，唯一；实际完成值 [vetoes] 以它为键 / unique id; "
    "the key of a trigger in the actuals' [vetoes]",
    "Veto.name": "否决事项名称 / what the veto is",
    "Veto.effect": "触发后的效果 / what a triggered veto does",
    "Veto.grade": 'effect = "grade" 时强制的等级（默认最低等级） / '
    'for effect = "grade": the grade it imposes (default: the lowest)',
    "Veto.rule": "否决事项所依据的文件 / the document the veto comes from",
    "StepDeduction.per": "步长，单位同指标值（% 指标为百分点） / the step, in the "
    "target's unit (percentage points for %)",
    "StepDeduction.deduct": "每步扣减的分值 / points deducted per step",
    "StepDeduction.partial": "不足一步的部分如何计算 / how a part of a step counts",
    "StepDeduction.start": "起扣点：从此值起计算差距（默认为指标值），如“85%以上得满分”中的 85 / the point "
    "deductions count from (default: the target), 85 in “85%以上得满分”",
    "Bands.bands": "区间表：每个区间 { min, max, min_inclusive, max_inclusive, score } / "
    "the band table: each band { min, max, min_inclusive, max_inclusive, score }",
    "Bands.on": "区间对照的数值 / what the bands are read against",
    "Band.score": "落在本区间的得分 / the points the band gives",
    "Band.min": "下限；省略则无下限 / the lower edge; absent: unbounded below",
    "Band.max": "上限；省略则无上限 / the upper edge; absent: unbounded above",
    "Band.min_inclusive": "是否包含下限（默认 true） / whether min itself is in the band (default true)",
    "Band.max_inclusive": "是否包含上限（默认 false） / whether max itself is in the band (default false)",
    "PerOccurrence.deduct": "每出现一例扣减的分值 / points deducted per occurrence",
    "Deviation.shares": "偏差区间表：每个区间 { min, max, min_inclusive, max_inclusive, share }，"
    "按偏差率 |实际完成值 − 计划值| ÷ 计划值 × 100 分档 / deviation bands, each "
    "{ min, max, min_inclusive, max_inclusive, share }, on |actual − plan| ÷ plan × 100",
    "DeviationBand.share": "落在本区间的得分占分值的比例（0 至 1，0.6 即 60%） / "
    "the share of the weight the band gives (0 to 1; 0.6 is 60%)",
    "DeviationBand.min": "偏差率下限（%）；省略则自 0 起 / the lower edge of the deviation in %; absent: from 0",
    "DeviationBand.max": "偏差率上限（%）；省略则无上限 / the upper edge of "
    "the deviation in %; absent: unbounded",
    "DeviationBand.min_inclusive": "是否包含下限（默认 true） / whether min "
    "itself is in the band (default true)",
    "DeviationBand.max_inclusive": "是否包含上限（默认 false） / whether max "
    "itself is in the band (default false)",
    # ---- the actuals -------------------------------------------------------------
    "Actuals.indicators": "各指标的实际完成值，以指标编号为键：数值，或 { value, tier, score, text, note, "
    "not_applicable, deductions, deviation, stated, evidence, own_score "
    "} / one entry per indicator, keyed by its id: a number or a table",
    "Actuals.budget": "预算执行数据：年初预算数、全年预算数、全年执行数 / budget figures: initial, full-year, spent",
    "Actuals.amounts": "派生指标使用的金额，以名称为键：数值，或 { value, label } / "
    "named amounts for derived rates: a number or { value, label }",
    "Actuals.bonus": "授予的加分，以加分项编号为键：{ points, reason } / "
    "bonus points awarded, keyed by bonus item id: { points, reason }",
    "Actuals.vetoes": "触发的一票否决，以否决事项编号为键：原因字符串，或 { reason } / "
    "vetoes triggered, keyed by veto id: the reason, or { reason }",
    "Actuals.figures": "报告中陈述的数字及其复算公式，以名称为键 / figures the report "
    "states, with formulas recomputing them",
    "Actuals.spec": "这些实际完成值所属的规范编号（与 meta.id 核对） / the spec id these actuals belong to (checked)",
    "Actuals.year": "年度（与 meta.year 核对） / the year (checked against meta.year)",
    "Actuals.label": "说明文字，如“2024年度自评”，写入 JSON 文档 / free text, copied into the JSON document",
    "BudgetAmounts.full_year": "全年预算数（调整后，含上年结转） / full-year budget (adjusted, incl. carry-over)",
    "BudgetAmounts.spent": "全年执行数 / amount spent in the year",
    "BudgetAmounts.initial": '年初预算数；base = "initial" 时必填 / initial '
    'budget; required when base = "initial"',
    "BudgetAmounts.unit": "金额单位（默认“万元”） / the amounts' unit (default 万元)",
    "BudgetAmounts.lines": "预算明细（基本支出、项目支出等），仅作说明 / an informational breakdown",
    "BudgetLine.name": "明细名称 / the line's name",
    "BudgetLine.spent": "执行数 / amount spent",
    "BudgetLine.full_year": "全年预算数 / full-year budget",
    "BudgetLine.initial": "年初预算数 / initial budget",
    "Amount.value": "金额 / the amount",
    "Amount.label": "说明中显示的名称（默认为键名） / what explanations call it (default: its name)",
    "IndicatorActual.value": "实际完成值（数值，单位同指标值） / the actual value, in the target's unit",
    "IndicatorActual.tier": "定性指标的档次名称或别名 / the tier's name or alias (qualitative)",
    "IndicatorActual.score": "定性指标的评定得分，须在档次范围内 / an entered score "
    "inside the tier's range (qualitative)",
    "IndicatorActual.text": "实际完成值的文字表述 / the actual as the report words it",
    "IndicatorActual.note": "偏差原因分析或说明 / explanation of deviations",
    "IndicatorActual.not_applicable": "不适用的原因；该指标不计分，总分按适用分值折算 / "
    "the reason the indicator does not apply; it is dropped and the total rescaled",
    "IndicatorActual.deductions": "扣减分数：[{ points, reason }] / points "
    "deducted by hand, each with a reason",
    "IndicatorActual.deviation": "报告所列偏差率（如“5.01%”），由 lint 的核对按计划值与实际完成值重算 / "
    "the deviation the report states (e.g. '5.01%'), recomputed by lint's figure audit",
    "IndicatorActual.stated": "据陈述：以文字陈述的实际完成值（如“达标”），须为规范 [stated] 声明的词语，并填写 evidence / "
    "the actual stated in words (e.g. 达标), a word the spec's [stated] declares; needs evidence",
    "IndicatorActual.evidence": "文字陈述结果的佐证材料（如“验收报告（2023-05）”），各输出均随之显示 / "
    "the evidence a stated result rests on, shown with it in every output",
    "IndicatorActual.own_score": "表内得分（单位自填）：{ score, reason }，自评表所填得分与计分规则所得不同时填写；"
    "本行仍按规则计算（是否完成、计算步骤不变），小计与总分按表内得分计，lint 提示 / "
    "the score the unit's table prints when it differs "
    "from the rule's: { score, reason }; the row is "
    "still computed, the totals use the printed score, lint warns",
    "OwnScore.score": "表内得分（0 至分值） / the printed score (0 to the weight)",
    "OwnScore.reason": "原因（表内所注，各输出均随之显示） / the reason (as printed; shown in every output)",
    "Deduction.points": "扣减的分值（大于 0） / points deducted (above 0)",
    "Deduction.reason": "扣分原因 / the reason",
    "BonusAward.points": "加分分值（不超过加分项的 cap） / points awarded (at most the item's cap)",
    "BonusAward.reason": "加分原因 / the reason",
    "VetoTrigger.reason": "触发原因 / what happened",
    "Figure.formula": "复算公式（基于 [amounts] 与 budget.*） / the formula "
    "recomputing it from [amounts] and budget.*",
    "Figure.stated": "报告中写的数字，如“96.52%” / the figure as the report prints it, e.g. '96.52%'",
    "Figure.label": "报告中的名称 / what the report calls the figure",
    # ---- golden cases ------------------------------------------------------------------
    "CaseFile.cases": "用例 [[cases]]，至少一个 / the cases, at least one",
    "CaseFile.spec": "各用例默认的规范：路径（相对于用例文件；文件或含 spec.toml 的文件夹），或内联规范表 / "
    "default spec of every case: a path (relative to this file) or an inline spec table",
    "CaseFile.actuals": "各用例默认的实际完成值：路径或内联表 / default actuals "
    "of every case: a path or an inline table",
    "CaseFile.tolerance": "各用例默认的容差（≥ 0，默认 0 即精确） / default tolerance "
    "of every case (≥ 0; default 0: exact)",
    "Case.name": "用例名称，在文件中唯一 / the case's name, unique in the file",
    "Case.expect": "期望结果（至少一项） / the expected results (at least one key)",
    "Case.description": "说明文字 / free text",
    "Case.spec": "规范：路径（相对于用例文件）或内联规范表 / the spec: a path "
    "(relative to this file) or an inline spec",
    "Case.actuals": "实际完成值：路径或内联表；省略时用规范文件夹中的 actuals.toml / "
    "the actuals: a path or an inline table; absent: actuals.toml beside the spec",
    "Case.tolerance": "容差：|实际 − 期望| ≤ 容差即通过 / tolerance: passes when |actual − expected| ≤ it",
    "Expect.total": "期望总分 / the expected total",
    "Expect.grade": "期望等级 / the expected grade",
    "Expect.budget_execution": "期望的预算执行率得分 / the expected budget-execution score",
    "Expect.indicators": "各指标的期望得分，以指标编号为键 / expected scores, keyed by indicator id",
    "Expect.subtotals": "各类别的期望小计，以类别编号为键 / expected subtotals, keyed by category id",
    "Expect.warnings": '各指标的提示代码（完整列出；"*" 为不属于指标的提示） / '
    "warning codes per indicator, complete ('*': warnings tied to no indicator)",
}

# Keys the framework machinery (perfrules/loading/_extends.py) reads itself, and the roots.
SPECIAL: dict[str, str] = {
    "extends": '继承的框架：框架编号（如 "hunan-department"）或以 .toml 结尾的路径 / '
    "the framework this file builds on: a framework id or a path ending in .toml",
    "overrides": "显式替换继承的值：[overrides.<表>] 逐键替换，[[overrides.<列表>]] 以 id 逐字段替换，"
    "grades/tiers 整体替换 / replace inherited values: "
    "tables key by key, entries by id field by field, "
    "grades and tiers as a whole",
    "framework": "框架信息：有此表的文件是框架，不能单独评价 / the framework's identity; a file with it is a framework",
    "framework.id": "框架编号，单位规范在 extends 中引用 / the id unit specs write in extends",
    "framework.title": "框架标题 / the framework's title",
    "framework.note": "说明文字，如取值的核实程度 / free text, e.g. how far its values are verified",
    "framework.valid": "框架基础值（[[versions]] 之外的值）的有效期 / the years "
    "the framework's base values are in force",
    "versions": "分期版本：各版本在有效期内替换框架的值 / dated versions: values "
    "that replace the framework's in a period",
    "versions.valid": "版本有效期（必填） / the version's validity period (required)",
    "versions.note": "版本说明 / free text about the version",
    "period.from": "起始：年份（2024）或日期（2024-01-01） / start: a year (2024) or a date (2024-01-01)",
    "period.to": "结束：年份或日期；省略为不限 / end: a year or a date; absent: open",
    "method.name": "计分方法名 / the method's name",
    "root:spec": "perfrules 规范文件（spec.toml）：指标体系、分值、年度指标值与计分规则 / "
    "a perfrules spec (spec.toml): the indicator system, weights, targets and scoring rules",
    "root:actuals": "perfrules 实际完成值文件（actuals.toml） / a perfrules "
    "actuals file (actuals.toml): one year's results",
    "root:framework": "perfrules 框架文件（specs/*.toml）：多个单位共用的指标框架 / "
    "a perfrules framework (specs/*.toml): values many unit specs share",
    "root:case": "perfrules 黄金用例文件（*.case.toml） / a perfrules golden-case file (*.case.toml)",
}

# The scoring methods (perfrules.model.METHODS), by name.
METHODS: dict[str, str] = {
    "ratio": "比率法：达标得满分，未达标按实际值与指标值之比计分（定量指标的默认方法） / "
    "ratio scoring, the default for a quantitative target",
    "inverse_ratio": "反向指标：指标值 ÷ 实际值 × 分值 / negative targets only: target ÷ actual × weight",
    "linear_overshoot": "反向指标：(1 − 超出部分 ÷ 指标值) × 分值，两倍指标值时为 0 / "
    "negative targets only: (1 − (actual − target) ÷ target) × weight",
    "qualitative": "定性指标：按档次计分（无目标值时的默认方法） / the tier rule, the default without a target",
    "step": "每超过/低于 per 扣 deduct 分，扣完为止；参数 per、deduct、partial / "
    "deduct `deduct` points per `per` from the target; parameters per, deduct, partial",
    "bands": "区间计分：所在区间给出得分；参数 bands、on / the band the value "
    "falls in gives the score; parameters bands, on",
    "rate": "比率×分值：实际比率乘分值，以分值为上限 / rate × weight, met or not, capped at the weight",
    "per_occurrence": "按例扣分：每出现一例扣 deduct 分，扣完为止；参数 deduct / "
    "deduct `deduct` points per occurrence; parameter deduct",
    "deviation": "偏差计分：偏差目标（如“120公里±5%”）按偏差率 |实际完成值 − 计划值| ÷ 计划值 所在区间给出分值的比例；"
    "参数 shares / a deviation target ('120公里±5%') scored by the band its deviation falls in, "
    "as a share of the weight; parameter shares",
}

# Enumerated values, by ``Enum.MEMBER``.
ENUMS: dict[str, str] = {
    "Kind.DEPARTMENT": "部门整体支出绩效自评 / a department's whole spending",
    "Kind.PROJECT": "项目支出绩效自评 / one project's spending",
    "ExecutionPolicy.PROPORTIONAL": "执行率 × 分值，按 rounding.score 四舍五入 / rate × "
    "weight, rounded half-up to rounding.score",
    "ExecutionPolicy.ROUND_WHOLE": "执行率 × 分值，四舍五入取整（如湖南 94.48% → 9 分） / "
    "rate × weight rounded half-up to whole points (94.48% → 9)",
    "ExecutionBase.FULL_YEAR": "以全年预算数为分母 / divide by the full-year budget",
    "ExecutionBase.INITIAL": "以年初预算数为分母 / divide by the initial budget",
    "NegativeRule.INVERSE_RATIO": "指标值 ÷ 实际值 × 分值 / target ÷ actual × weight",
    "NegativeRule.LINEAR_OVERSHOOT": "(1 − (实际值 − 指标值) ÷ 指标值) × 分值 / (1 − "
    "(actual − target) ÷ target) × weight",
    "EqualAbove.FULL": "高于等值目标视为达标 / above an exact target counts as met",
    "EqualAbove.INVERSE_RATIO": "高于等值目标按 指标值 ÷ 实际值 × 分值 计分 / above an exact "
    "target scores target ÷ actual × weight",
    "QualitativeDefault.TIER_TOP": "取该档次可得的最高分 / the highest score the tier admits",
    "QualitativeDefault.REQUIRE_SCORE": "除满分档外必须填写得分 / an entered score "
    "is required below the top tier",
    "WeightPrecision.ERROR": "分值细于得分精度时报错 / a weight finer than its score quantum is an error",
    "WeightPrecision.ALLOW": "按规则原样计算（4.5 分取整可得 5 分） / apply the "
    "rule as written (a full 4.5 rounds to 5)",
    "RateDisplay.HALF_UP": "四舍五入显示（96.475% → 96.48%） / rounded half-up (96.475% → 96.48%)",
    "RateDisplay.TRUNCATE": "截尾显示（96.479% → 96.47%） / truncated toward zero (96.479% → 96.47%)",
    "PartialStep.FLOOR": "只计整步（超 1.5 个步长计 1 步） / only whole steps count (1.5 steps → 1)",
    "PartialStep.CEIL": "不足一步按一步计（→ 2 步） / a started step counts in full (1.5 → 2)",
    "PartialStep.PROPORTIONAL": "按比例计（→ 1.5 步） / pro rata (1.5 → 1.5)",
    "BandBasis.ACTUAL": "对照实际值（单位同指标值） / the actual value, in the target's unit",
    "BandBasis.DEVIATION": "对照偏离度 |实际 − 目标| ÷ 目标 × 100（百分数） / the "
    "deviation |actual − target| ÷ target × 100",
    "VetoEffect.ZERO": "总分记为 0 / the total becomes 0",
    "VetoEffect.GRADE": "等级降为 grade（默认最低等级） / the grade becomes `grade` (default: the lowest)",
    "Comparator.GE": "不低于（正向指标） / at least (positive: more is better)",
    "Comparator.GT": "高于（正向指标） / above (positive)",
    "Comparator.LE": "不高于（反向指标） / at most (negative: less is better)",
    "Comparator.LT": "低于（反向指标） / below (negative)",
    "Comparator.EQ": "等于 / exactly",
}
