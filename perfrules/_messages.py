"""The bilingual message of each problem code: templates in one table, keyed by code.

:data:`MESSAGES` maps a key to a :class:`Message`, an (English, Chinese) pair of
:meth:`str.format` templates with named fields (``{key!r}``, ``{digits:,}``). The key is the
problem code (an entry of :data:`perfrules._codes.PROBLEMS`) or, where one code has several
messages, the code and a variant name: ``("file", "too-large")``. :func:`message` fills a template
and refuses an unknown key and a missing or an extra field, so a raise site cannot drift from
its table entry::

    en, zh = message("missing-key", key="weight")

The service's errors (``perfrules.service.ApiError``) have a table of their own,
:data:`API_MESSAGES`, keyed by the service's error codes and filled by :func:`api_message`
(an API error code may spell a problem code and mean another thing).

To add or reword a message, edit its entry here (both languages name the same fields); the
code list of docs/spec-format.md shows the templates: regenerate it with
``python -m perfrules._codes docs/spec-format.md``. Standard library only (like
``perfrules/_codes.py``): every layer may import it. No ``eval``: templates are filled by
:meth:`str.format` with the fields given by name, never from the environment.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import NamedTuple, TypeAlias, TypedDict

MessageKey: TypeAlias = str | tuple[str, str]


class EnZh(TypedDict):
    """The keyword arguments ``en=``, ``zh=`` (``make_problem``, a lint finding)."""

    en: str
    zh: str


class MessageArgs(TypedDict):
    """The keyword arguments ``message=``, ``message_zh=`` (:class:`perfrules.Problem`)."""

    message: str
    message_zh: str


class Message(NamedTuple):
    """One message: the English and the Chinese text (or template)."""

    en: str
    zh: str

    def as_en_zh(self) -> EnZh:
        """``make_problem(code, path, **m.as_en_zh())``."""
        return {"en": self.en, "zh": self.zh}

    def as_message(self) -> MessageArgs:
        """``Problem(code=code, **m.as_message())``."""
        return {"message": self.en, "message_zh": self.zh}


def _beyond(what_en: str, what_zh: str) -> Message:
    """A place of a worksheet beyond the bounds perfrules reads (``sheet-too-large``)."""
    return Message(
        what_en + " {ref} lies beyond the {columns:,} columns ({last_column}) × {rows:,} rows "
        "perfrules reads in a sheet; delete what is beyond the form",
        what_zh
        + " {ref} 超出 perfrules 读取的范围（{columns:,} 列，至 {last_column} 列；{rows:,} 行）；"
        "请删除表格以外的内容",
    )


_RESAVE_TEXT = Message(
    "re-save it as UTF-8: Notepad: File → Save As → Encoding: UTF-8; VS Code: click the encoding "
    "in the status bar → Save with Encoding → UTF-8; Notepad++: Encoding → Convert to UTF-8",
    "请用 UTF-8 编码另存：记事本：文件 → 另存为 → 编码选“UTF-8”；VS Code：点击右下角状态栏中的编码 → "
    "“通过编码保存” → “UTF-8”；Notepad++：编码 → 转为 UTF-8 编码",
)
"""How to re-save a text file as UTF-8 (``encoding``)."""

_RESAVE = Message(
    'save the table again as UTF-8: in Excel, File → Save As → "CSV UTF-8 (Comma delimited)"; '
    "or save it as .xlsx, which perfrules reads too",
    "请将表格重新保存为 UTF-8 编码：Excel 中“文件 → 另存为”，文件类型选“CSV UTF-8（逗号分隔）”；"
    "或另存为 .xlsx（perfrules 同样可以读取）",
)
"""The advice of the table's encoding messages (``encoding``)."""


MESSAGES: Mapping[MessageKey, Message] = MappingProxyType(
    {
        # ---- reading: perfrules/loading ---------------------------------------------------------
        ("file", "not-regular"): Message("{file} is not a regular file", "{file} 不是普通文件"),
        ("file", "unreadable"): Message(
            "cannot read {file}: {reason}", "无法读取文件 {file}：{reason}"
        ),
        ("file", "too-large"): Message(
            "{file} is more than the {limit:,} bytes perfrules reads for such a file",
            "{file} 超过此类文件的上限 {limit:,} 字节",
        ),
        ("file", "no-such-path"): Message(
            "no such file or folder: {path}", "文件或文件夹不存在：{path}"
        ),
        ("toml-syntax", "parse"): Message("TOML syntax error: {error}", "TOML 语法错误：{error}"),
        ("toml-syntax", "key-parts"): Message(
            "a dotted key with more than {parts} parts (a.b.c…); perfrules reads keys of at most "
            "{parts} parts",
            "点分键（a.b.c…）超过{parts}段；perfrules 只读取不超过{parts}段的键",
        ),
        ("toml-syntax", "nesting"): Message(
            "arrays and tables are nested more than {levels} deep; perfrules reads at most "
            "{levels} levels",
            "数组和表的嵌套超过{levels}层；perfrules 最多读取{levels}层",
        ),
        # ---- frameworks: perfrules/loading/_extends.py -----------------------------------------
        ("extends", "empty"): Message(
            "extends is empty: name a framework id or a framework file",
            "extends 为空：请写框架编号或框架文件路径",
        ),
        ("extends", "ambiguous"): Message(
            "framework id {ref!r} is declared by more than one file in {place}: {names}",
            "框架编号“{ref}”在 {place} 中被多个文件声明：{names}",
        ),
        ("extends", "not-found"): Message(
            "no framework with id {ref!r}; searched {searched}; write a framework id or a path "
            "ending in .toml (perfrules frameworks lists the ids)",
            "找不到编号为“{ref}”的框架；已查找：{searched}；请写框架编号或以 .toml 结尾的文件路径"
            "（perfrules frameworks 列出可用的编号）",
        ),
        ("extends", "unreadable"): Message(
            "cannot read framework {file}: {reason}", "无法读取框架 {file}：{reason}"
        ),
        ("extends", "not-a-framework"): Message(
            "{file} is not a framework: it has no [framework] table (id, title)",
            "{file} 不是框架文件：缺少 [framework] 表（id、title）",
        ),
        "extends-cycle": Message(
            "extends goes round in a circle: {cycle}", "extends 形成循环：{cycle}"
        ),
        "version-overlap": Message(
            "version valid {later} overlaps the version valid {earlier} (versions[{index}], "
            "line {line}); a budget year must have one version in force",
            "版本有效期{later}与 versions[{index}]（第{line}行）的有效期{earlier}重叠；"
            "每个预算年度只能有一个版本适用",
        ),
        "version-period": Message(
            "validity period {period} ends before it starts", "有效期{period}的结束早于开始"
        ),
        "no-version": Message(
            "framework {fw!r} has no version in force for {year} (meta.year): it covers {spans}",
            "框架“{fw}”没有适用于{year}年度（meta.year）的版本：其有效期为{spans}",
        ),
        "override-conflict": Message(
            "{what}already defined by framework {fw!r} at {at}; to replace it, say so: {how}",
            "{what}已由框架“{fw}”定义（{at}）；如需替换，请明确写在覆盖项中：{how}",
        ),
        ("override-conflict", "twice"): Message(
            "{key} entry {ident!r} is overridden twice (first at {at})",
            "{key} 中编号“{ident}”被覆盖了两次（第一次在 {at}）",
        ),
        ("override-dangling", "no-extends"): Message(
            "overrides without extends: this file inherits nothing to override",
            "没有 extends 却写了 overrides：本文件没有继承任何可覆盖的内容",
        ),
        ("override-dangling", "table"): Message(
            "framework {parent!r} does not define {key}, so there is nothing to override; "
            "declare {key} directly",
            "框架“{parent}”没有定义 {key}，无可覆盖；请直接声明 {key}",
        ),
        ("override-dangling", "key"): Message(
            "framework {parent!r} does not define {key}.{k}, so there is nothing to override; "
            "set it directly in [{key}]",
            "框架“{parent}”没有定义 {key}.{k}，无可覆盖；请直接写在 [{key}] 中",
        ),
        ("override-dangling", "entry"): Message(
            "framework {parent!r} has no {key} entry {ident!r} to override",
            "框架“{parent}”的 {key} 中没有编号为“{ident}”的项，无可覆盖",
        ),
        "framework-template": Message(
            "category {category!r} of framework {fw!r} ({at}) is a template without a weight; "
            "to use it give it one: [[overrides.categories]] id = {category!r}, weight = …",
            "框架“{fw}”的类别“{category}”（{at}）是未定分值的模板；如需使用，"
            '请在 [[overrides.categories]] 中写 id = "{category}" 及 weight',
        ),
        "framework-file": Message(
            "this file is a framework ({name!r}), not a complete spec, and cannot be evaluated by "
            'itself; write a unit spec that declares extends = "{name}" and its own meta, '
            "categories and indicators",
            "此文件是框架（{name}），不是完整的规范，不能单独评价；请编写单位规范，"
            '写 extends = "{name}" 并声明本单位的 meta、类别和指标',
        ),
        ("unknown-key", "version"): Message(
            "{key!r} is not allowed inside a version; a version holds a validity period (valid), "
            "a note and the spec values that differ in that period",
            "版本中不能使用“{key}”；版本只含有效期（valid）、说明（note）及该期间不同的规范取值",
        ),
        ("unknown-key", "versions"): Message(
            "unknown key 'versions': dated versions belong in a framework (a file with a "
            "[framework] table)",
            "未知的键“versions”：分期版本只能写在框架文件（含 [framework] 表）中",
        ),
        ("unknown-key", "overrides"): Message(
            "unknown key {key!r} in overrides; allowed here: {allowed}",
            "overrides 中未知的键“{key}”；此处可用的键：{allowed}",
        ),
        ("missing-key", "valid"): Message(
            "required key 'valid' is missing: a version needs its validity period, "
            "e.g. valid = {{ from = 2024 }}",
            "缺少必填的键“valid”：版本须写明有效期，如 valid = {{ from = 2024 }}",
        ),
        ("missing-key", "override-id"): Message(
            "required key 'id' is missing: an entry of overrides.{key} names the inherited "
            "entry it changes",
            "缺少必填的键“id”：overrides.{key} 的每一项须以 id 指明要覆盖的继承项",
        ),
        ("invalid-value", "extends"): Message(
            "extends: expected a string (a framework id or a path to a framework file), got {got}",
            "extends 应为字符串（框架编号或框架文件路径），实际为 {got}",
        ),
        ("invalid-value", "string"): Message("expected a string", "应为字符串"),
        ("invalid-value", "versions"): Message(
            "versions: expected an array of tables ([[versions]])",
            "versions 应为表数组（[[versions]]）",
        ),
        ("invalid-value", "valid"): Message(
            "a validity period is a table: {{ from = 2021, to = 2023 }} (either end may be left "
            "open)",
            "有效期应为表：{{ from = 2021, to = 2023 }}（任一端可省略）",
        ),
        ("invalid-value", "valid-end"): Message(
            "valid.{key}: expected a year (2024) or a date (2024-01-01)",
            "valid.{key} 应为年份（如 2024）或日期（如 2024-01-01）",
        ),
        ("invalid-value", "valid-year"): Message(
            "valid.{key}: {problem}", "valid.{key}：{problem}"
        ),
        ("invalid-value", "overrides"): Message(
            "overrides: expected a table ([overrides.<table>] or [[overrides.<list>]])",
            "overrides 应为表（[overrides.表名] 或 [[overrides.列表名]]）",
        ),
        ("invalid-value", "overrides-like"): Message(
            "overrides.{key}: expected an array of tables, like {key}",
            "overrides.{key} 应为表数组，与 {key} 相同",
        ),
        ("invalid-value", "overrides-table"): Message(
            "overrides.{key}: expected a table ([overrides.{key}])",
            "overrides.{key} 应为表（[overrides.{key}]）",
        ),
        ("invalid-value", "overrides-array"): Message(
            "overrides.{key}: expected an array of tables ([[overrides.{key}]])",
            "overrides.{key} 应为表数组（[[overrides.{key}]]）",
        ),
        # ---- structure -------------------------------------------------------------------------
        "missing-key": Message("required key {key!r} is missing", "缺少必填的键“{key}”"),
        ("missing-key", "case-spec"): Message(
            "required key 'spec' is missing (give it in the case or at the top of the file)",
            "缺少必填的键“spec”（写在用例中，或写在文件开头作为默认值）",
        ),
        ("missing-key", "case-actuals"): Message(
            "required key 'actuals' is missing (it may be left out only when spec names a folder "
            "holding {actuals_file})",
            "缺少必填的键“actuals”（仅当 spec 指向含 {actuals_file} 的文件夹时可省略）",
        ),
        "unknown-key": Message(
            "unknown key {key!r}; allowed here: {allowed}",
            "未知的键“{key}”；此处可用的键：{allowed}",
        ),
        "invalid-value": Message("invalid value: {error}", "取值无效：{error}"),
        ("invalid-value", "integer"): Message("an integer is too large", "整数过大"),
        ("invalid-value", "integer-digits"): Message(
            "an integer of {digits:,} digits is too large (the absolute value must be below 10^15)",
            "{digits:,} 位的整数数值过大（绝对值须小于10^15）",
        ),
        ("invalid-value", "tolerance"): Message("tolerance must not be negative", "容差不能为负数"),
        # values of a spec or actuals file: perfrules/loading/_converter.py
        ("invalid-value", "type"): Message("expected {want}, got {got}", "应为{want}，实际为{got}"),
        ("invalid-value", "number-or-false"): Message(
            "expected a number or false, got true", "应为数值或 false，实际为 true"
        ),
        ("invalid-value", "option"): Message(
            "{value!r} is not one of: {options}", "“{value}”不是可选值之一：{options}"
        ),
        ("invalid-value", "target-words-disagree"): Message(
            "target {value!r} states its comparison in words that disagree ({glossary}); write the "
            "one comparator meant as a sign, with the number and unit (e.g. '≥400期', '≤100%')",
            "指标值“{value}”用文字表述的比较关系相互矛盾（{glossary}）；请只写一个比较符，"
            "后接数值和单位（如“≥400期”“≤100%”）",
        ),
        ("invalid-value", "target-words"): Message(
            "target {value!r} states its comparison in words ({glossary}); write the comparator as "
            "a sign, number and unit, and keep the wording in target_text if the form should show "
            "it",
            "指标值“{value}”用文字表述比较关系（{glossary}）；请写成比较符、数值和单位，"
            "原文如需显示可写入 target_text",
        ),
        ("invalid-value", "deviation-plan"): Message(
            "target {value!r} is a deviation target (±{tolerance}%) but names no plan: write the "
            "plan and its unit before it, e.g. '120公里±{tolerance}%', and keep the form's wording "
            "in target_text",
            "指标值“{value}”是偏差目标（±{tolerance}%），但未写明计划值：请在前面写出计划值及单位，"
            "如“120公里±{tolerance}%”，原文可写入 target_text",
        ),
        ("invalid-value", "target"): Message(
            "cannot read target {value!r} as comparator, number and unit (e.g. '≥400期', "
            "'≤100%'); write a qualitative target's wording as target_text instead",
            "无法将指标值“{value}”解析为比较符、数值和单位（如“≥400期”“≤100%”）；"
            "定性指标请用 target_text 表述",
        ),
        ("invalid-value", "comparator-word"): Message(
            "comparator {cmp!r} is a word ({glossary}); write the sign",
            "比较符“{cmp}”是文字（{glossary}），请写符号",
        ),
        ("invalid-value", "unit-word"): Message(
            "unit {unit!r} ends in a comparator word ({glossary}); the comparison belongs in "
            "comparator",
            "单位“{unit}”以比较用语结尾（{glossary}）；比较关系请写在 comparator 中",
        ),
        ("invalid-value", "formula"): Message(
            "formula {value!r}: {error}{at}", "公式“{value}”：{error}{at}"
        ),
        # a formula's own problems (perfrules.model.FormulaError): the {error} of the entry above
        ("invalid-value", "formula-number"): Message(
            "a number literal must be a finite, non-negative Decimal, not {value!r} "
            "(write a sign as Unary)",
            "数字字面量须为有限的非负Decimal，而非{value!r}（负号应写作一元运算）",
        ),
        ("invalid-value", "formula-literal"): Message(
            "literal {literal!r} does not spell the number {value}",
            "字面量{literal!r}与数值{value}不符",
        ),
        ("invalid-value", "formula-name"): Message(
            "{value!r} is not a valid name", "{value!r}不是有效的名称"
        ),
        ("invalid-value", "formula-node"): Message(
            "{field} must be a formula node, not {kind}", "{field}须为公式节点，而非{kind}"
        ),
        ("invalid-value", "formula-argument-node"): Message(
            "function arguments must be formula nodes, not {kind}",
            "函数参数须为公式节点，而非{kind}",
        ),
        ("invalid-value", "formula-operator"): Message(
            "unknown operator {value!r}", "未知运算符{value!r}"
        ),
        ("invalid-value", "formula-call-func"): Message(
            "Call.func must be a str", "Call.func须为字符串"
        ),
        ("invalid-value", "formula-call-args"): Message(
            "Call.args must be a tuple", "Call.args须为元组"
        ),
        ("invalid-value", "formula-arity"): Message(
            "{func}() takes {need}, got {given}; usage: {usage}",
            "函数{func}需要{need}，实际为{given}个；用法：{usage}",
        ),
        ("invalid-value", "formula-at-least"): Message("at least {n} arguments", "至少{n}个参数"),
        ("invalid-value", "formula-exactly"): Message("exactly {n} arguments", "{n}个参数"),
        ("invalid-value", "formula-exactly-one"): Message("exactly 1 argument", "1个参数"),
        ("invalid-value", "formula-round-places"): Message(
            "the second argument of round() must be a whole-number literal from 0 to {places} "
            "(the number of decimal places), such as 2",
            "round的第二个参数须为0至{places}的整数字面量（保留的小数位数），如2",
        ),
        ("invalid-value", "formula-function"): Message(
            "unknown function '{func}'{hint}", "未知函数“{func}”{hint}"
        ),
        ("invalid-value", "formula-unknown-name"): Message(
            "unknown name '{name}'{hint}", "未知名称“{name}”{hint}"
        ),
        ("invalid-value", "formula-did-you-mean"): Message(
            "; did you mean '{hint}'?", "，是否应为“{hint}”？"
        ),
        ("invalid-value", "formula-functions"): Message(
            "; available: {known}", "；可用函数：{known}"
        ),
        ("invalid-value", "formula-wide-digit"): Message(
            "unexpected character '{ch}': write digits as ASCII 0-9",
            "无法识别的字符“{ch}”：数字请使用半角0-9",
        ),
        ("invalid-value", "formula-character"): Message(
            "unexpected character '{ch}'", "无法识别的字符“{ch}”"
        ),
        ("invalid-value", "formula-bare-point"): Message(
            "'.' must be followed by digits", "小数点后须有数字"
        ),
        ("invalid-value", "formula-trailing-point"): Message(
            "a decimal point must be followed by digits (write {whole} or {whole}.0)",
            "小数点后须有数字（应写作{whole}或{whole}.0）",
        ),
        ("invalid-value", "formula-two-points"): Message(
            "a number has only one decimal point", "数字中只能有一个小数点"
        ),
        ("invalid-value", "formula-exponent"): Message(
            "scientific notation (such as 1e3) is not supported; write the number as a plain "
            "decimal",
            "不支持科学计数法（如1e3），请写成普通小数",
        ),
        ("invalid-value", "formula-number-then-name"): Message(
            "a number cannot be directly followed by '{ch}'; put an operator between them "
            "(e.g. 2 * x)",
            "数字后不能直接跟“{ch}”，请在两者之间加运算符（如 2 * x）",
        ),
        ("invalid-value", "formula-name-point"): Message(
            "'.' in a name must be followed by a letter or '_' (e.g. budget.spent)",
            "名称中的“.”后须跟字母或下划线（如 budget.spent）",
        ),
        ("invalid-value", "formula-depth"): Message(
            "parentheses are nested too deeply: more than {depth} levels",
            "括号嵌套过深：超过{depth}层",
        ),
        ("invalid-value", "formula-ends-after"): Message(
            "the formula ends after '{after}'; expected a number, a name or '('",
            "公式在“{after}”后意外结束，此处应为数字、名称或“(”",
        ),
        ("invalid-value", "formula-operand"): Message(
            "unexpected {token}; expected a number, a name or '('",
            "此处不应出现{token}，应为数字、名称或“(”",
        ),
        ("invalid-value", "formula-unclosed"): Message(
            "'{opener}' at column {column} is never closed; add ')'",
            "第{column}列的“{opener}”缺少对应的“)”",
        ),
        ("invalid-value", "formula-unmatched"): Message(
            "unmatched ')'", "多余的“)”，没有与之对应的“(”"
        ),
        ("invalid-value", "formula-missing-operator"): Message(
            "missing operator before {token}", "{token}之前缺少运算符"
        ),
        ("invalid-value", "formula-comma"): Message(
            "',' may only separate function arguments", "“,”只能用于分隔函数参数"
        ),
        ("invalid-value", "formula-operator-expected"): Message(
            "unexpected {token}; expected an operator or {closers}",
            "此处不应出现{token}，应为运算符或{closers}",
        ),
        ("invalid-value", "formula-empty"): Message("empty formula", "公式为空"),
        # what stands at a place of a formula (the {token} and {closers} above)
        ("invalid-value", "formula-at-end"): Message("the end of the formula", "公式结尾"),
        ("invalid-value", "formula-at-number"): Message("number {raw}", "数字{raw}"),
        ("invalid-value", "formula-at-name"): Message("name '{raw}'", "名称“{raw}”"),
        ("invalid-value", "formula-comma-or-paren"): Message("',' or ')'", "“,”或“)”"),
        ("invalid-value", "formula-percent"): Message(
            "'%' may only follow a number literal (it means ÷ 100, not remainder)",
            "“%”只能紧跟在数字之后（表示除以100，而非取余）",
        ),
        ("invalid-value", "formula-nodes"): Message(
            "the formula is too complex: more than {nodes} parts (numbers, names, operators, "
            "function calls)",
            "公式过于复杂：超过{nodes}个组成部分（数字、名称、运算符、函数）",
        ),
        ("invalid-value", "formula-length"): Message(
            "the formula is too long: {length} characters, at most {limit} allowed",
            "公式过长：共{length}个字符，最多允许{limit}个",
        ),
        ("invalid-value", "rate-method"): Message(
            'budget execution scores by its policy, or by method "bands" or "step" on the rate; '
            "not {method!r}",
            '预算执行率按 policy 计分，或用 method = "bands"/"step" 按执行率分档；不支持“{method}”',
        ),
        ("invalid-value", "method-name"): Message(
            "a method table needs a name, one of: {methods}", "计分方法表须有 name，可选：{methods}"
        ),
        ("invalid-value", "method"): Message(
            "unknown scoring method {value!r}; known: {methods}",
            "未知的计分方法“{value}”；可选：{methods}",
        ),
        ("invalid-value", "method-parameters"): Message(
            'method {value!r} needs parameters: write method = {{ name = "{value}", {keys} }}',
            '计分方法“{value}”需要参数：method = {{ name = "{value}", {keys} }}',
        ),
        ("invalid-value", "tier-synonyms"): Message(
            "tier synonyms are words (strings), got {got}",
            "档次同义词应为词语（字符串），实际为{got}",
        ),
        ("invalid-value", "keyed"): Message(
            "{field!r} is given by this entry's key ({key!r}); remove it",
            "“{field}”已由本条目的键（{key}）给出，请删除",
        ),
        ("invalid-value", "case-source"): Message(
            "expected a path (a string, relative to the case file) or an inline table",
            "应为路径（字符串，相对于用例文件）或内联表",
        ),
        # ---- the semantic checks of a spec and of its actuals: perfrules/core/_validate.py -------
        # a field such as {indicator} is the id in English and the name in Chinese
        ("duplicate-id", "category"): Message(
            "category id {id!r} is already used by categories[{first}]{line}",
            "类别编号“{id}”重复，已在 categories[{first}]{line} 使用",
        ),
        ("duplicate-id", "indicator"): Message(
            "indicator id {id!r} is already used by indicators[{first}]{line}",
            "指标编号“{id}”重复，已在 indicators[{first}]{line} 使用",
        ),
        ("duplicate-id", "tier-synonym"): Message(
            "tier_synonyms: {word!r} already names a tier ({tier!r})",
            "tier_synonyms：“{word}”已是档次“{tier}”的名称、别名或同义词",
        ),
        ("duplicate-id", "bonus"): Message(
            "bonus item id {id!r} is used twice", "加分项编号“{id}”重复"
        ),
        ("duplicate-id", "veto"): Message(
            "veto id {id!r} is used twice", "一票否决事项编号“{id}”重复"
        ),
        ("duplicate-id", "grade"): Message(
            "grade {grade!r} is declared twice", "等级“{grade}”重复声明"
        ),
        ("duplicate-id", "tier"): Message(
            "tier name or alias {name!r} is used twice", "档次名称或别名“{name}”重复"
        ),
        ("weight", "category"): Message(
            "category {category!r} has weight {weight}; weights must be positive",
            "类别“{category}”分值为{weight}，分值必须大于0",
        ),
        ("weight", "indicator"): Message(
            "indicator {indicator!r} has weight {weight}; weights must be positive",
            "指标“{indicator}”分值为{weight}，分值必须大于0",
        ),
        ("weight", "budget-execution"): Message(
            "the budget-execution weight must be positive", "预算执行率分值必须大于0"
        ),
        ("unknown-category", "parent"): Message(
            "parent {parent!r} of category {category!r} is not a category",
            "类别“{category}”的上级“{parent}”不存在",
        ),
        ("unknown-category", "indicator"): Message(
            "indicator {indicator!r} is filed under unknown category {category!r}",
            "指标“{indicator}”所属类别“{category}”不存在",
        ),
        ("category-goal", "parent"): Message(
            "category {category!r} has a parent, so it cannot be a goal block (goal = true): "
            "年度绩效目标 blocks are top categories",
            "类别“{category}”有上级，不能标为年度绩效目标（goal = true）：目标只能是最上层类别",
        ),
        ("category-goal", "top-goal"): Message(
            "top category {category!r} is a goal block but {other!r} is not: either every top "
            "category is a 年度绩效目标 block (goal = true) or none is",
            "最上层类别“{category}”是年度绩效目标，而“{other}”不是：最上层类别须全部标为目标"
            "（goal = true）或全不标",
        ),
        ("category-goal", "top-not-goal"): Message(
            "top category {category!r} is not a goal block but {other!r} is: either every top "
            "category is a 年度绩效目标 block (goal = true) or none is",
            "最上层类别“{category}”不是年度绩效目标，而“{other}”是：最上层类别须全部标为目标"
            "（goal = true）或全不标",
        ),
        "category-cycle": Message(
            "category {category!r} is its own ancestor (category → parent): {chain}",
            "类别“{category}”的上级链形成循环（类别 → 上级）：{chain}",
        ),
        "category-depth": Message(
            "category {category!r} is on level {level}: {chain}; categories have at most 3 levels "
            "(一级, 二级, 三级, or 目标, 一级, 二级) and a form at most four with its indicators",
            "类别“{category}”位于第{level}层（{chain}）；类别至多三层（一级、二级、三级，或目标、"
            "一级、二级），连同指标至多四级",
        ),
        "category-not-leaf": Message(
            "indicator {indicator!r} is filed under {category!r}, which has {level} categories; "
            "file it under one of them",
            "指标“{indicator}”所属类别“{category}”下设{level}指标，应归入其中之一",
        ),
        # {sub} and {subsub}: "sub-categories", "indicators" in English, the level names in Chinese
        "empty-category": Message(
            "category {category!r} has no {sub} and no {subsub}",
            "类别“{category}”下既无{sub}指标也无{subsub}指标",
        ),
        ("empty-category", "lowest"): Message(
            "category {category!r} has no sub-categories and no {sub}",
            "类别“{category}”下没有{sub}指标",
        ),
        "weight-sum": Message(
            "category {category!r} has weight {weight} but its parts add up to {parts}",
            "类别“{category}”分值{weight}分，但其下各项分值合计{parts}分",
        ),
        "total": Message(
            "一级 categories{budget} add up to {sum}, not the declared total {total} "
            "(declare meta.total if intended)",
            "一级指标{budget}分值合计{sum}分，与总分{total}分不符（如确需其他总分，请在 meta.total 声明）",
        ),
        ("total", "goal-blocks"): Message(
            "goal blocks{budget} add up to {sum}, not the declared total {total} "
            "(declare meta.total if intended)",
            "各年度绩效目标{budget}分值合计{sum}分，与总分{total}分不符（如确需其他总分，请在 "
            "meta.total 声明）",
        ),
        ("total", "budget-execution"): Message(" and budget execution", "及预算执行率"),
        ("total", "partial"): Message(
            "the declared rows weigh {sum}, more than the form's total {total} (partial mode: at "
            "most the total)",
            "已录入各行分值合计{sum}分，超过表的总分{total}分（部分指标模式下不得超过总分）",
        ),
        "no-indicators": Message("the spec has no indicators", "规范中没有任何三级指标"),
        ("rounding", "round-to"): Message(
            "round_to must be a positive power of ten (1, 0.1, 0.01, …), not {value}",
            "round_to 须为10的正整数次幂或其倒数（1、0.1、0.01……），而非{value}",
        ),
        ("rounding", "quantum"): Message(
            "rounding.{key} must be a power of ten such as 1, 0.1 or 0.01, not {value}",
            "rounding.{key} 须为1、0.1、0.01等10的幂，而非{value}",
        ),
        ("rounding", "mode"): Message(
            "rounding mode {mode!r} is not supported; perfrules rounds half-up (四舍五入)",
            "不支持舍入方式“{mode}”；perfrules 按四舍五入计算",
        ),
        "weight-precision": Message(
            "weight {weight} is not a multiple of the score precision {quantum} ({what}); rounding "
            "a score could exceed the weight or cost points on a met target",
            "分值{weight}不是得分精度{quantum}（{what}）的整数倍，舍入后得分可能超过分值或在完成指标时"
            "被扣分",
        ),
        ("unknown-tier", "synonyms"): Message(
            "tier_synonyms: {name!r} is not a tier of this spec",
            "tier_synonyms：档次“{name}”不存在",
        ),
        ("unknown-tier", "actual"): Message(
            "indicator {indicator!r}: {tier!r} is not a tier of this spec",
            "指标“{indicator}”：档次“{tier}”不存在",
        ),
        # {tier}: its name and score range in English, its name in Chinese
        "tier-precision": Message(
            "indicator {indicator!r}: with weight {weight} no score at the quantum {quantum} lies in "
            "tier {tier}; raise the weight or use a finer rounding.score",
            "指标“{indicator}”：分值{weight}分时，按{quantum}分精度，档次“{tier}”的区间内没有可取的"
            "分数；请调整分值或 rounding.score",
        ),
        ("bonus", "cap"): Message(
            "bonus item {item!r}: cap must be positive and on the score grid",
            "加分项“{item}”：上限须大于0且符合 rounding.score 精度",
        ),
        ("bonus", "points"): Message(
            "bonus {item!r}: {points} points must be above 0, at most the cap {cap} and on the "
            "score grid",
            "加分项“{item}”：加{points}分须大于0、不超过上限{cap}分且符合精度",
        ),
        ("veto", "grade"): Message(
            "veto {veto!r}: {grade!r} is not a grade of this spec",
            "一票否决“{veto}”：等级“{grade}”不存在",
        ),
        ("veto", "effect"): Message(
            'veto {veto!r}: a grade only goes with effect = "grade"',
            '一票否决“{veto}”：仅 effect = "grade" 时可设置等级',
        ),
        ("policy", "deduct-grid"): Message(
            "policy.overshoot_deduction.deduct = {deduct} is finer than rounding.score ({quantum})",
            "policy.overshoot_deduction.deduct = {deduct} 的小数位多于 rounding.score（{quantum}）",
        ),
        ("policy", "overshoot-deduction"): Message(
            "policy.overshoot_deduction.{key} = {value} is out of range (threshold ≥ 1, per > 0, "
            "deduct > 0)",
            "policy.overshoot_deduction.{key} = {value} 超出范围（threshold ≥ 1，per > 0，deduct > 0）",
        ),
        ("policy", "overshoot-warning"): Message(
            "policy.overshoot_warning is a multiple of the target and must exceed 1, not {value}",
            "policy.overshoot_warning 为指标值的倍数，须大于1，而非{value}",
        ),
        "missing-target": Message(
            "indicator {indicator!r} has neither a target nor a target_text",
            "指标“{indicator}”未设置年度指标值（target 或 target_text）",
        ),
        ("method-target", "qualitative-target"): Message(
            "indicator {indicator!r} is qualitative but has a quantitative target {target}; write "
            "the target wording as target_text, or choose a quantitative method",
            "指标“{indicator}”为定性指标，却设置了定量指标值{target}；定性指标请用 target_text 表述",
        ),
        ("method-target", "qualitative-derive"): Message(
            "indicator {indicator!r} is qualitative and cannot derive its actual from amounts",
            "指标“{indicator}”为定性指标，不能由金额计算实际完成值",
        ),
        # {method}: the method's name in English, its kind ("quantitative") in Chinese
        ("method-target", "no-target"): Message(
            "indicator {indicator!r} uses method {method!r} but has no quantitative target",
            "指标“{indicator}”采用{method}计分，但没有定量指标值（如“≥400期”）",
        ),
        ("method-target", "quantitative"): Message("quantitative", "定量"),
        ("method-target", "deviation"): Message(
            "indicator {indicator!r} has the deviation target {target}: declare its scoring as "
            'method = {{ name = "deviation", shares = [ … ] }} (shares of the weight by deviation)',
            "指标“{indicator}”的指标值{target}为偏差目标，须声明偏差计分："
            'method = {{ name = "deviation", shares = [ … ] }}（按偏差率分档，得分为分值的比例）',
        ),
        ("target-value", "deviation-plan"): Message(
            "indicator {indicator!r}: the plan of a deviation target must be above 0, not {value}",
            "指标“{indicator}”：偏差目标的计划值须大于0，而非{value}",
        ),
        ("target-value", "negative"): Message(
            "indicator {indicator!r}: target value {value} is negative; ratio scoring needs a "
            "target ≥ 0",
            "指标“{indicator}”指标值{value}为负数，按比例计分要求指标值不小于0",
        ),
        "derive-unit": Message(
            "indicator {indicator!r}: a derived rate needs the unit % (or none), not {unit!r}",
            "指标“{indicator}”：由金额计算的比率，计量单位应为“%”或留空，而非“{unit}”",
        ),
        ("grades", "default"): Message(
            "the default grade bands (优 ≥ 90, 良 ≥ 80, 中 ≥ 60) are for a total of 100; declare "
            "[[grades]] for a total of {total}",
            "默认等级线（优≥90、良≥80、中≥60）适用于总分100分；总分为{total}分时请声明 [[grades]]",
        ),
        ("grades", "none"): Message("at least one grade band is needed", "至少需要一个等级"),
        ("grades", "order"): Message(
            "grade bands must be listed from the highest minimum to the lowest, strictly decreasing",
            "等级须按分数线从高到低排列，且分数线严格递减",
        ),
        ("grades", "lowest"): Message(
            "the lowest grade band must start at 0 so that every total gets a grade",
            "最低等级的分数线须为0，保证每个总分都有等级",
        ),
        ("grades", "range"): Message(
            "grade minimum {min} lies outside 0..{total}", "等级分数线{min}超出0至{total}的范围"
        ),
        "tiers": Message(
            "tier {tier!r}: need 0 ≤ min < max ≤ 1 (shares of the weight), or min = max with "
            "max_inclusive = true (a fixed share)",
            "档次“{tier}”：须满足 0 ≤ min < max ≤ 1（占分值的比例），或 min = max 且 "
            "max_inclusive = true（固定比例）",
        ),
        ("stated-words", "none"): Message(
            "[stated] declares no word: list the words that count as met (met) or not met (not_met)",
            "[stated] 未声明任何词语：请列出计为完成（met）或未完成（not_met）的词语",
        ),
        ("stated-words", "blank"): Message(
            "a stated word must not be blank", "文字陈述词语不能为空"
        ),
        ("stated-words", "both"): Message(
            "{word!r} is declared both met and not met", "“{word}”同时声明为完成和未完成"
        ),
        ("stated-words", "share"): Message(
            "{key} is a share of the weight between 0 and 1, not {value}",
            "{key} 为分值的比例，须在0至1之间，而非{value}",
        ),
        ("stated-words", "order"): Message(
            "not_met_share is above met_share: a result stated not met would score more than one "
            "stated met",
            "not_met_share 大于 met_share：陈述为未完成的得分将高于陈述为完成的",
        ),
        # the actuals against their spec
        "spec-mismatch": Message(
            "these actuals are for spec {given!r}, not {spec!r}",
            "本实际完成值文件对应规范“{given}”，而非“{spec}”",
        ),
        "year-mismatch": Message(
            "these actuals are for {given}, the spec for {year}",
            "实际完成值年度为{given}年，规范年度为{year}年",
        ),
        ("unknown-indicator", "actuals"): Message(
            "actual given for {indicator!r}, which is not an indicator of spec {spec!r}",
            "指标“{indicator}”不在规范“{spec}”中",
        ),
        ("negative", "amount"): Message(
            "amount {amount!r} is negative ({value})", "金额“{amount}”为负数（{value}）"
        ),
        ("negative", "value"): Message(
            "indicator {indicator!r}: actual {value} is negative",
            "指标“{indicator}”实际完成值{value}为负数",
        ),
        ("negative", "derived"): Message(
            "indicator {indicator!r}: {formula} is negative ({value}) with these amounts, and its "
            "method scores values ≥ 0 only (use a step method, or a band unbounded below)",
            "指标“{indicator}”：按本年金额计算 {formula} 为负数（{value}），其计分方法只适用于非负值"
            "（可改用扣分档计分，或设置无下限的区间）",
        ),
        ("negative", "budget"): Message(
            "budget.{key} is negative ({value})", "budget.{key} 为负数（{value}）"
        ),
        ("negative", "budget-line"): Message(
            "budget line {line!r}: {key} is negative", "预算明细“{line}”的 {key} 为负数"
        ),
        ("actual-kind", "deviation"): Message(
            "indicator {indicator!r} has no deviation target: a stated deviation (偏差率) does not "
            "apply",
            "指标“{indicator}”不是偏差目标，不应填写偏差率 deviation",
        ),
        ("actual-kind", "count"): Message(
            "indicator {indicator!r} counts occurrences: the value must be a whole number",
            "指标“{indicator}”按例扣分，实际完成值须为整数（例数）",
        ),
        ("actual-kind", "derived-count"): Message(
            "indicator {indicator!r} counts occurrences, but {formula} gives {value}, not a whole "
            "number",
            "指标“{indicator}”按例扣分，但 {formula} 计算得{value}，不是整数",
        ),
        ("actual-kind", "quantitative"): Message(
            "indicator {indicator!r} is quantitative: give a value, not a tier or score",
            "指标“{indicator}”为定量指标，应填写数值 value，而非档次或得分",
        ),
        ("actual-kind", "qualitative"): Message(
            "indicator {indicator!r} is qualitative: give a tier (and optionally a score), not a "
            "value",
            "指标“{indicator}”为定性指标，应填写档次 tier（可另填得分 score），而非数值 value",
        ),
        ("actual-kind", "stated-qualitative"): Message(
            "indicator {indicator!r} is qualitative: give its tier, not a stated result",
            "指标“{indicator}”为定性指标，应填写档次 tier，而非 stated",
        ),
        ("actual-kind", "stated-derived"): Message(
            "indicator {indicator!r} is computed from amounts: its actual cannot be stated in words",
            "指标“{indicator}”由金额计算得出，实际完成值不能以文字陈述",
        ),
        ("actual-kind", "value-and-stated"): Message(
            "indicator {indicator!r}: give either a value or a stated result ({word!r}), not both",
            "指标“{indicator}”：value 与文字陈述 stated（“{word}”）只能填写其一",
        ),
        ("actual-kind", "not-applicable"): Message(
            "indicator {indicator!r} is not applicable: give no value, tier, score or deductions",
            "指标“{indicator}”不适用，不应再填写数值、档次、得分或扣减",
        ),
        "derived-value": Message(
            "indicator {indicator!r} is computed from amounts ({formula}); do not type its value in",
            "指标“{indicator}”由金额计算得出（{formula}），不应填写 value",
        ),
        # {amount}: its name and role in English, its name in Chinese
        ("missing-amount", "misspelt"): Message(
            "indicator {indicator!r} needs amount {amount}; the actuals give {close!r}",
            "指标“{indicator}”需要金额“{amount}”，实际完成值文件给出的是“{close}”",
        ),
        ("missing-amount", "absent"): Message(
            "indicator {indicator!r} needs amount {amount}, which the actuals do not give",
            "指标“{indicator}”需要金额“{amount}”，实际完成值文件 [amounts] 中没有",
        ),
        ("missing-amount", "figure"): Message(
            "figure {figure!r}: {error}", "数据核对项“{figure}”：{error}"
        ),
        ("zero-denominator", "amount"): Message(
            "amount {amount!r} is 0 and divides indicator {indicator!r}",
            "金额“{amount}”为0，无法作为指标“{indicator}”的分母",
        ),
        ("zero-denominator", "formula"): Message(
            "indicator {indicator!r}: in {formula}, the divisor {divisor} is 0 with these amounts",
            "指标“{indicator}”：公式 {formula} 中的除数 {divisor} 按本年金额为0，无法计算",
        ),
        ("zero-denominator", "budget"): Message(
            "the budget that execution is measured against is 0", "预算执行率的分母（预算数）为0"
        ),
        ("zero-denominator", "figure"): Message(
            "figure {figure!r}: the divisor {divisor} is 0",
            "数据核对项“{figure}”：除数 {divisor} 为0",
        ),
        ("missing-actual", "none"): Message(
            "no actual given for indicator {id!r} ({name})", "指标“{name}”（{id}）缺少实际完成值"
        ),
        ("missing-actual", "value"): Message(
            "indicator {indicator!r} is quantitative and needs a value",
            "指标“{indicator}”为定量指标，缺少实际完成值 value",
        ),
        ("missing-actual", "tier"): Message(
            "indicator {indicator!r} is qualitative and needs a tier: {tiers}",
            "指标“{indicator}”为定性指标，须填写档次：{tiers}",
        ),
        ("missing-budget", "actuals"): Message(
            "the spec scores budget execution; the actuals need a [budget] block with full_year and "
            "spent",
            "规范包含预算执行率，实际完成值文件须有 [budget]（全年预算数 full_year、全年执行数 spent）",
        ),
        ("missing-budget", "initial"): Message(
            "the spec divides by the initial budget (年初预算数); give budget.initial",
            "规范以年初预算数为分母，须填写 budget.initial",
        ),
        ("stated-evidence", "no-stated"): Message(
            "indicator {indicator!r}: evidence supports a result stated in words; give stated too, "
            "or remove it",
            "指标“{indicator}”：佐证材料 evidence 用于文字陈述的结果，请同时填写 stated，或删除 evidence",
        ),
        "stated-evidence": Message(
            "indicator {indicator!r}: a result stated in words ({word!r}) needs its evidence "
            '(evidence = "验收报告（2023-05）"), shown with it in every output',
            "指标“{indicator}”：文字陈述的结果（“{word}”）须注明佐证材料"
            '（如 evidence = "验收报告（2023-05）"），各输出均随之显示',
        ),
        ("stated-actual", "undeclared"): Message(
            "indicator {indicator!r}: the actual is stated in words ({word!r}), but the spec "
            "declares no [stated] words, so it cannot be scored: give the number, or declare in the "
            "spec's [stated] which words count as met (met = [...]) or not met (not_met = [...])",
            "指标“{indicator}”：实际完成值以文字陈述（“{word}”），但规范未声明 [stated] 词语，无法计分："
            "请填写数值，或在规范的 [stated] 中声明计为完成（met）或未完成（not_met）的词语",
        ),
        ("stated-actual", "unknown-word"): Message(
            "indicator {indicator!r}: {word!r} is not a declared stated word (met: {met}; not met: "
            "{not_met})",
            "指标“{indicator}”：“{word}”不是规范 [stated] 声明的词语（完成：{met}；未完成：{not_met}）",
        ),
        ("stated-actual", "no-words"): Message("—", "无"),
        "own-score-reason": Message(
            "indicator {indicator!r}: the unit's own score ({score}) needs its reason "
            '(own_score = {{ score = 5, reason = "特困人员实行动态管理" }}), shown in every output',
            "指标“{indicator}”：表内得分（单位自填，{score}分）须注明原因"
            '（如 own_score = {{ score = 5, reason = "特困人员实行动态管理" }}），各输出均随之显示',
        ),
        "own-score-range": Message(
            "indicator {indicator!r}: the unit's own score {score} is outside 0..{weight} (the "
            "row's weight)",
            "指标“{indicator}”：表内得分{score}分超出0至分值{weight}分的范围",
        ),
        ("own-score-kind", "not-applicable"): Message(
            "indicator {indicator!r} is not applicable: it has no score of its own",
            "指标“{indicator}”为不适用，不应填写表内得分 own_score",
        ),
        ("own-score-kind", "deductions"): Message(
            "indicator {indicator!r}: the unit's own score is the row's final score; give it or the "
            "deductions, not both",
            "指标“{indicator}”：表内得分即本行最终得分，与扣减分数 deductions 只能填写其一",
        ),
        ("reason", "not-applicable"): Message(
            "not_applicable needs the reason", "不适用须说明原因"
        ),
        ("reason", "deduction"): Message("a deduction needs its reason", "扣减分数须注明原因"),
        ("reason", "bonus"): Message("a bonus award needs its reason", "加分须注明理由"),
        ("reason", "veto"): Message("a triggered veto needs its reason", "一票否决须说明事实"),
        "deduction": Message(
            "a deduction must be positive and on the score grid ({quantum}), not {points}",
            "扣减分数须大于0且符合 rounding.score 精度（{quantum}），而非{points}",
        ),
        ("deduction", "round-to"): Message(
            "a deduction must be positive and on this indicator's round_to grid ({quantum}), "
            "not {points}",
            "扣减分数须大于0且符合本指标 round_to 精度（{quantum}），而非{points}",
        ),
        "not-applicable": Message(
            "every indicator is marked not applicable: nothing to score",
            "所有指标均为不适用，无可计分指标",
        ),
        "unknown-bonus": Message(
            "{item!r} is not a bonus item of this spec", "加分项“{item}”不存在"
        ),
        "unknown-veto": Message(
            "{veto!r} is not a veto of this spec", "一票否决事项“{veto}”不存在"
        ),
        "score-precision": Message(
            "indicator {indicator!r}: score {score} has more decimals than rounding.score "
            "({quantum}); rounding it could move it across a tier edge",
            "指标“{indicator}”：得分{score}的小数位多于 rounding.score（{quantum}），"
            "舍入后可能跨越档次边界",
        ),
        ("score-precision", "round-to"): Message(
            "indicator {indicator!r}: score {score} has more decimals than its round_to "
            "({quantum}); rounding it could move it across a tier edge",
            "指标“{indicator}”：得分{score}的小数位多于本指标 round_to（{quantum}），"
            "舍入后可能跨越档次边界",
        ),
        "score-outside-tier": Message(
            "indicator {indicator!r}: score {score} is outside tier {tier!r}, which admits "
            "[{low}, {high}{close} of weight {weight}",
            "指标“{indicator}”：得分{score}不在档次“{tier}”的分值区间[{low}, {high}{close}内"
            "（分值{weight}分）",
        ),
        "missing-score": Message(
            "indicator {indicator!r}: the spec requires an entered score for tier {tier!r}",
            "指标“{indicator}”：规范要求档次“{tier}”须填写得分 score",
        ),
        # ---- workbooks: perfrules/_xlsx_guard.py ----------------------------------------------
        ("unreadable", "zip"): Message(
            "not an .xlsx workbook (not a readable zip file: {error})",
            "不是 .xlsx 工作簿（不是可读取的 zip 文件：{error}）",
        ),
        ("unreadable", "xml"): Message(
            "{part}: malformed XML ({reason}): the workbook is damaged",
            "{part}：XML 格式错误（{reason}），工作簿已损坏",
        ),
        ("unreadable", "part"): Message(
            "{part} cannot be read: {error}", "无法读取 {part}：{error}"
        ),
        ("workbook-too-large", "parts"): Message(
            "the workbook has {parts:,} parts, more than the {limit:,} perfrules reads",
            "工作簿含 {parts:,} 个组成部分，超过 perfrules 读取的上限 {limit:,} 个",
        ),
        ("workbook-too-large", "part-bytes"): Message(
            "{part} would inflate to {size:,} bytes, more than the {limit:,} perfrules reads "
            "(a zip bomb?)",
            "{part} 解压后有 {size:,} 字节，超过 perfrules 读取的上限 {limit:,} 字节（压缩炸弹？）",
        ),
        ("workbook-too-large", "total-bytes"): Message(
            "the workbook would inflate to {size:,} bytes, more than the {limit:,} perfrules "
            "reads (a zip bomb?)",
            "工作簿解压后共 {size:,} 字节，超过 perfrules 读取的上限 {limit:,} 字节（压缩炸弹？）",
        ),
        "xml-forbidden": Message(
            "{part}: a document type declaration (DTD) or entity: refused, never read (a workbook "
            "saved by Excel or WPS has none; an XML entity attack?)",
            "{part}：含文档类型声明（DTD）或实体，已拒绝，未读取（Excel 或 WPS 保存的工作簿不含此类"
            "内容；疑为 XML 实体攻击）",
        ),
        ("sheet-too-large", "cell"): _beyond("cell", "单元格"),
        ("sheet-too-large", "row"): _beyond("row", "行"),
        ("sheet-too-large", "used-range"): _beyond(
            "the used range {range} reaches", "已用区域 {range} 到达"
        ),
        ("sheet-too-large", "merged-range"): _beyond(
            "the merged range {range} reaches", "合并区域 {range} 到达"
        ),
        ("sheet-too-large", "cells"): Message(
            "sheet {sheet!r} has more than {limit:,} cells, the most perfrules reads",
            "工作表“{sheet}”的单元格超过 perfrules 读取的上限 {limit:,} 个",
        ),
        ("sheet-too-large", "merged-cells"): Message(
            "sheet {sheet!r}: its merged ranges cover more than {limit:,} cells, the most "
            "perfrules reads",
            "工作表“{sheet}”的合并区域覆盖超过 {limit:,} 个单元格，超出 perfrules 读取的上限",
        ),
        # ---- the command line: perfrules/cli, perfrules/whatif ---------------------------------
        "ambiguous-indicator": Message(
            "{wanted!r} matches {count} indicators: {hits}; give the id",
            "“{wanted}”与 {count} 个指标相符：{hits}；请写指标编号",
        ),
        "unknown-indicator": Message(
            "no indicator {wanted!r} in spec {spec!r} (give an id or a name; ids: {ids})",
            "规范“{spec}”中没有指标“{wanted}”（请写指标编号或名称；编号：{ids}）",
        ),
        "no-actuals": Message(
            "no actuals to compare over: give --actuals, or a folder holding {actuals_file}",
            "没有可比较的实际完成值：请用 --actuals 指定，或给出含 {actuals_file} 的文件夹",
        ),
        # ---- golden cases: perfrules/golden ----------------------------------------------------
        "case-empty": Message(
            "no cases: add at least one [[cases]] table", "没有用例：请至少写一个 [[cases]] 表"
        ),
        ("case-empty", "expect"): Message(
            "nothing expected: give at least one of total, grade, budget_execution, indicators, "
            "subtotals, warnings",
            "没有任何期望值：请至少写 total、grade、budget_execution、indicators、subtotals、"
            "warnings 之一",
        ),
        "case-duplicate": Message(
            "case name {name!r} is used twice (first at line {first})",
            "用例名“{name}”重复（第一次在第{first}行）",
        ),
        "case-path": Message(
            "no {what} at {path}: no such file or folder (paths are relative to the case file)",
            "{what}不存在：{path}（路径相对于用例文件）",
        ),
        ("unknown-indicator", "case"): Message(
            "spec {spec!r} has no indicator {key!r}", "规范“{spec}”中没有指标“{key}”"
        ),
        ("unknown-category", "case"): Message(
            "spec {spec!r} has no category {key!r}", "规范“{spec}”中没有类别“{key}”"
        ),
        "unknown-grade": Message(
            "spec {spec!r} has no grade {grade!r}; its grades: {grades}",
            "规范“{spec}”中没有等级“{grade}”；可用等级：{grades}",
        ),
        "no-budget-execution": Message(
            "spec {spec!r} has no budget-execution row to expect a score of",
            "规范“{spec}”没有预算执行率，无法期望其得分",
        ),
        "evaluation-error": Message("the evaluation failed: {error}", "评价失败：{error}"),
        # ---- bytes that are not UTF-8: perfrules/loading/_decode.py ----------------------------
        ("encoding", "not-utf-8"): Message(
            "not UTF-8 text (byte {byte}){hint}", "文件不是 UTF-8 编码（第 {byte} 字节）{hint}"
        ),
        ("encoding", "not-utf-8-here"): Message(
            "not UTF-8 text (byte {byte}){hint}", "此处不是 UTF-8 编码（第 {byte} 字节）{hint}"
        ),
        ("encoding", "utf-16"): Message(
            ': the file is UTF-16 (Notepad\'s "Unicode"); ' + _RESAVE_TEXT.en,
            "：文件是 UTF-16 编码（记事本中的“Unicode”）；" + _RESAVE_TEXT.zh,
        ),
        ("encoding", "gbk"): Message(
            ": the file looks GBK-encoded, the default of Chinese Windows (read as GBK, it says "
            "\u201c{snippet}\u201d here); "
            + _RESAVE_TEXT.en
            + "; or iconv -f GBK -t UTF-8 OLD > NEW",
            "：文件似乎是 GBK 编码（中文 Windows 的默认编码；按 GBK 读，此处为“{snippet}”）；"
            + _RESAVE_TEXT.zh
            + "；或在命令行运行 iconv -f GBK -t UTF-8 原文件 > 新文件",
        ),
        ("encoding", "save-as-utf-8"): Message("; save the file as UTF-8", "；请用 UTF-8 编码另存"),
        # ---- a number cell of a form: perfrules/interchange/_cells.py --------------------------
        # (a declared result's cell reports these as ``declared-unreadable``)
        "not-a-number": Message("{value!r} is not a number", "“{value}”不是数字"),
        ("not-a-number", "type"): Message(
            "{value!r} ({type}) is not a number", "“{value}”（{type}）不是数字"
        ),
        ("not-a-number", "not-finite"): Message(
            "{value!r} is not a finite number", "“{value}”不是有限的数"
        ),
        ("not-a-number", "float-digits"): Message(
            "{value!r} has more than {digits} significant digits: not an exact value (a formula "
            "result?); type the number",
            "“{value!r}”超过{digits}位有效数字，不是精确值（公式计算结果？）；请直接填写数值",
        ),
        # ---- 年度指标值 and 实际完成值 of a form: perfrules/interchange/_targets.py -------------
        # (a round trip's edited cell reports these as ``unreadable``)
        ("target-unreadable", "empty"): Message("年度指标值 is empty", "年度指标值为空"),
        ("target-unreadable", "shape"): Message(
            "{text!r} starts like a quantitative target but does not read as comparator, number "
            "and unit (e.g. ≥400期, ≤100%, =24期); write it so, or as words for a qualitative "
            "target",
            "“{text}”看似定量指标值，但无法读作“比较符+数值+单位”（如 ≥400期、≤100%、=24期）；"
            "请按此格式填写，定性指标请用文字表述",
        ),
        ("target-unreadable", "number"): Message(
            "年度指标值 {text!r}: {problem}", "年度指标值“{text}”：{problem}"
        ),
        ("target-unreadable", "comparator-and-suffix"): Message(
            "{text!r} has both a comparator and {suffix!r}; keep one",
            "“{text}”同时含比较符和“{suffix}”，请只保留一个",
        ),
        ("target-unreadable", "no-plan"): Message(
            "{text!r} is a tolerance without its plan: write the plan first (e.g. 120公里±5%, "
            "500万元，偏差率≤10%), the deviation |actual − plan| ÷ plan cannot be computed without "
            "it",
            "“{text}”只有偏差范围而无计划值：请先写明计划值（如 120公里±5%、500万元，偏差率≤10%），"
            "否则无法计算偏差率",
        ),
        ("actual-unreadable", "not-a-number"): Message(
            "{text!r} is not a number{with_unit} (e.g. 408{unit}); a quantitative indicator "
            "needs its actual as a number",
            "“{text}”不是数值{with_unit}；定量指标的实际完成值须填写数值（如 408{unit}）",
        ),
        ("actual-unreadable", "with-unit"): Message(" with the unit {unit!r}", "（单位“{unit}”）"),
        ("actual-unreadable", "other-unit"): Message(
            "{text!r}: unit {got!r} differs from the target's unit {unit!r}",
            "“{text}”：单位“{got}”与年度指标值的单位“{unit}”不一致",
        ),
        ("actual-unreadable", "not-plain"): Message(
            "{text!r} is not a plain number", "“{text}”不是普通数值"
        ),
        ("actual-unreadable", "number"): Message(
            "实际完成值 {text!r}: {problem}", "实际完成值“{text}”：{problem}"
        ),
        "bare-target": Message(
            "年度指标值 {text!r} has no comparator: read as the exact target ={value} (scored as ≥ "
            "under the default policy equal_above = full); write ≥{value}, ≤{value} or ={value} "
            "to say which",
            "年度指标值“{text}”未写比较符：按等于“={value}”读取（默认政策 equal_above = full 下与"
            "“≥”计分相同）；请写明 ≥{value}、≤{value} 或 ={value}",
        ),
        # ---- reading a 自评表 workbook: perfrules/interchange/_read.py --------------------------
        ("file", "workbook-missing"): Message(
            "cannot read {file}: no such file", "无法读取文件 {file}：文件不存在"
        ),
        ("unreadable", "openpyxl"): Message(
            "not an .xlsx workbook openpyxl can read: {error}", "不是可读取的 .xlsx 工作簿：{error}"
        ),
        "no-sheet": Message("the workbook has no form sheet", "工作簿中没有自评表工作表"),
        ("hidden-sheet", "not-perfrules"): Message(
            "the sheet {sheet!r} is not perfrules' hidden sheet (format {format!r} with spec.toml "
            "and actuals.toml); rename or delete it to import the form as hand-filled",
            "工作表“{sheet}”不是 perfrules 写入的隐藏表（应含 format = {format}、spec.toml 与 "
            "actuals.toml）；如需按手工填写的表导入，请将其改名或删除",
        ),
        ("hidden-sheet", "layout-version"): Message(
            "the form was written with layout version {version!r}; this perfrules reads {versions}",
            "该表由版式版本 {version} 写入，本版本 perfrules 只能读取版式 {versions}",
        ),
        "framework-ignored": Message(
            "--framework {framework!r} is not used: the hidden sheet carries the spec "
            "(framework {carried!r})",
            "未使用指定的框架“{framework}”：隐藏表中已含规范（框架：{carried}）",
        ),
        ("framework-ignored", "none"): Message("none", "无"),
        "layout-changed": Message(
            "expected {value!r} here: the form's layout changed after export (rows inserted or "
            "deleted?); restore it, or delete the hidden sheet {sheet!r} and import the form as "
            "hand-filled with --framework",
            "此处应为“{value}”：导出后表格版式已改动（插入或删除了行？）；请恢复版式，"
            "或删除隐藏表“{sheet}”后按手工填写的表导入（指定 --framework）",
        ),
        ("declared-unreadable", "declared"): Message(
            "declared {label}: {problem}", "填报的{label}：{problem}"
        ),
        "visible-overrides-hidden": Message(
            "differs from the hidden sheet ({old!r}): the visible cell wins",
            "与隐藏表中的值（“{old}”）不同：以表中可见的值为准",
        ),
        # a visible cell of an exported form that does not read (``unreadable`` at its cell)
        ("unreadable", "kind"): Message(
            "the title names neither {project} nor {department}",
            "表头未写明“{project}”或“{department}”",
        ),
        ("unreadable", "no-year"): Message(
            "no year (e.g. （2024年度）)", "未写明年度（如“（2024年度）”）"
        ),
        ("unreadable", "budget-unit"): Message(
            "no unit in brackets, e.g. 资金情况（万元）",
            "未在括号中写明金额单位，如“资金情况（万元）”",
        ),
        ("unreadable", "weight-empty"): Message("分值 is empty", "分值为空"),
        ("unreadable", "amount-empty"): Message("the amount is empty", "金额为空"),
        ("unreadable", "spent-empty"): Message("全年执行数 is empty", "全年执行数为空"),
        ("unreadable", "stated-no-evidence"): Message(
            "{word!r} is a result stated in words: write its evidence in the cell, as "
            "{word}（据陈述；佐证：验收报告（2023-05））",
            "“{word}”为文字陈述的结果，须在单元格中注明佐证，如“{word}（据陈述；佐证：验收报告（2023-05））”",
        ),
        ("unreadable", "stated-word"): Message(
            "{word!r} is stated (据陈述) but is not one of the spec's [stated] words{declared}",
            "“{word}”为文字陈述（据陈述），但不是规范 [stated] 声明的词语{declared}",
        ),
        ("unreadable", "stated-words"): Message(" ({words})", "（{words}）"),
        ("unreadable", "stated-words-none"): Message(
            ": the spec declares none", "：规范未声明任何词语"
        ),
        ("unreadable", "tier-or-score"): Message(
            "qualitative indicator: write a tier ({tiers}) in 实际完成值, or its score in 得分, so "
            "that the tier is known",
            "定性指标：请在实际完成值中填写档次（{tiers}），或在得分中填写分数，以确定档次",
        ),
        ("unreadable", "score-fits-no-tier"): Message(
            "declared score {declared} fits no tier of a weight {weight} indicator",
            "填报得分 {declared} 不属于分值为 {weight} 的指标的任何档次",
        ),
        "derived-actual": Message(
            "实际完成值 of a derived indicator is computed from the amounts ({value!r}); the cell "
            "is not read: change the amounts in the hidden sheet's actuals instead",
            "派生指标的实际完成值由金额计算（“{value}”），此单元格不作为输入；如需修改请改动金额",
        ),
        # a hand-filled form
        "framework-required": Message(
            "a hand-filled form (no hidden perfrules sheet) carries no ids, methods or policy: "
            "give the framework it follows, e.g. --framework hunan-department or national-project",
            "手工填写的自评表（无 perfrules 隐藏表）不含指标编号、计分方法和政策：请指定其依据的框架，"
            "如 --framework hunan-department 或 national-project",
        ),
        "no-indicator-table": Message(
            "sheet {sheet!r}: no indicator table (a header row with 三级指标 and 年度指标值)",
            "工作表“{sheet}”中未找到指标表（含“三级指标”“年度指标值”的表头行）",
        ),
        "header-missing": Message("row {row}: no column {name!r}", "第{row}行表头缺少“{name}”列"),
        "year-missing": Message(
            "no year above the indicator table (e.g. （2024年度）)",
            "指标表上方未写明年度（如“（2024年度）”）",
        ),
        "unit-missing": Message(
            "no unit: a cell labelled {labels} with its name beside it",
            "未找到单位名称：应有“{labels}”标签及其右侧的名称",
        ),
        ("missing-budget", "no-full-year"): Message(
            "{total}: no 全年预算数", "{total}：缺少全年预算数"
        ),
        ("missing-budget", "no-spent"): Message(
            "{total}: no 全年执行数", "{total}：缺少全年执行数"
        ),
        ("missing-budget", "line"): Message(
            "budget line {line!r}: no 全年执行数", "预算明细“{line}”缺少全年执行数"
        ),
        ("missing-budget", "fill-in"): Message(
            "framework {framework!r} scores 预算执行率: fill in 全年预算数 and 全年执行数",
            "框架“{framework}”对预算执行率计分：请填写全年预算数和全年执行数",
        ),
        ("missing-budget", "no-block"): Message(
            "framework {framework!r} scores 预算执行率 but the form has no budget block "
            "(年初预算数 / 全年预算数 / 全年执行数)",
            "框架“{framework}”对预算执行率计分，但表中没有资金情况（年初预算数/全年预算数/全年执行数）",
        ),
        "not-imported": Message(
            "bonus and veto rows are not imported from a hand-filled form: add them to the spec "
            "and actuals",
            "手工填写的表中的加分项和一票否决行不导入：请在规范和实际完成值中补充",
        ),
        "row-unknown": Message(
            "a row spanning the indicator columns that is neither 小计, 总分 nor 自评等级",
            "跨越指标列的行既不是“小计”“总分”也不是“自评等级”",
        ),
        ("row-unknown", "subtotal"): Message(
            "小计 of an unknown 一级指标 {name!r}", "“{name}”不是表中的一级指标"
        ),
        "category-missing": Message(
            "一级指标 is empty (merge it over its rows)",
            "一级指标为空（请将其单元格纵向合并覆盖所属各行）",
        ),
        "name-missing": Message("三级指标 is empty", "三级指标名称为空"),
        "weight-missing": Message("分值 is empty", "分值为空"),
        "actual-missing": Message("实际完成值 is empty", "实际完成值为空"),
        "title-missing": Message(
            "no {labels}: the title is made up as {title!r}",
            "未找到“{labels}”：自评名称按“{title}”生成",
        ),
        "kind-differs": Message(
            "the form is a {kind} form, framework {framework!r} is for {framework_kind}",
            "表头为{kind}自评表，而框架“{framework}”适用于{framework_kind}",
        ),
        "framework-differs": Message(
            "framework {framework!r} gives {category} {weight} points; the form's indicators "
            "under it add up to {total}",
            "框架“{framework}”规定{category}分值为 {weight}，而表中其下三级指标分值合计为 {total}",
        ),
        ("framework-differs", "budget-weight"): Message(
            "framework {framework!r} gives 预算执行率 {weight} points",
            "框架“{framework}”规定预算执行率分值为 {weight}",
        ),
        "tier-unknown": Message(
            "qualitative indicator: write its tier in 实际完成值 ({tiers}) or its score in 得分",
            "定性指标：请在实际完成值中填写档次（{tiers}），或在得分中填写分数",
        ),
        ("tier-unknown", "score"): Message(
            "declared score {declared} fits no tier of a {weight}-point indicator",
            "填报得分 {declared} 不属于分值为 {weight} 的指标的任何档次",
        ),
        # ---- the long table of a batch run: perfrules/batch/_table.py --------------------------
        ("file", "table-missing"): Message(
            "cannot read {file}: it does not exist", "无法读取 {file}：文件不存在"
        ),
        ("file", "table-refused"): Message(
            "cannot read {file}: {reason}", "无法读取 {file}：{reason}"
        ),
        ("file", "table-suffix"): Message(
            "{file}: a table must be .csv, .parquet or .xlsx, not {suffix}",
            "{file}：表格须为 .csv、.parquet 或 .xlsx 文件，不能是{suffix}",
        ),
        ("file", "no-suffix"): Message("'no suffix'", "无后缀的文件"),
        ("file", "needs-pyarrow"): Message(
            "reading Parquet needs pyarrow: pip install 'perfrules[batch]'",
            "读取 Parquet 需要 pyarrow：pip install 'perfrules[batch]'",
        ),
        ("file", "not-parquet"): Message(
            "not a Parquet file: {error}", "不是有效的 Parquet 文件：{error}"
        ),
        ("file", "needs-openpyxl"): Message(
            "reading .xlsx needs openpyxl: pip install 'perfrules[xlsx]'",
            "读取 .xlsx 需要 openpyxl：pip install 'perfrules[xlsx]'",
        ),
        ("file", "not-xlsx"): Message(
            "not a readable .xlsx workbook: {error}", "不是可读取的 .xlsx 工作簿：{error}"
        ),
        ("file", "sheet-unreadable"): Message(
            "the first worksheet of {file} cannot be read: {error}",
            "{file} 的第一个工作表无法读取：{error}",
        ),
        "unknown-column": Message(
            "unknown column {name!r}; known columns: {columns} (or their Chinese aliases: "
            "perfrules docs batch)",
            "未知的列“{name}”；可用的列：{columns}（或其中文别名，见 perfrules docs batch）",
        ),
        "duplicate-column": Message(
            "column {name!r} repeats column {first} ({canonical})",
            "列“{name}”与第{first}列（{canonical}）重复",
        ),
        "missing-column": Message("the table has no {need!r} column", "表格缺少“{need}”列"),
        ("missing-column", "empty"): Message(
            "the table is empty: no header row", "表格为空：没有表头行"
        ),
        ("missing-column", "empty-sheet"): Message(
            "the worksheet is empty: no header row", "工作表为空：没有表头行"
        ),
        ("csv-syntax", "header"): Message(
            "the header row (row 1) cannot be read: a quote in it is not closed on its line, or a "
            "name is too long",
            "表头行（第1行）无法读取：其中的引号未在本行闭合，或列名过长",
        ),
        ("csv-syntax", "cell-too-long"): Message(
            "line {line} of the file cannot be read as CSV: a cell is longer than {limit:,} "
            "characters",
            "文件第{line}行无法按 CSV 读取：某个单元格超过 {limit:,} 个字符",
        ),
        "unterminated-quote": Message(
            "the quote that opens column {column} is not closed on its line (line {line} of the "
            "file), and what follows does not continue it: the row is read up to its line end, "
            "and the next line as the next row; close the quote (a quote inside a quoted cell is "
            'written twice: "")',
            "第{column}列开头的引号在本行（文件第{line}行）未闭合，且后续内容不是该单元格的延续："
            "该行只读到行尾，下一行作为下一行数据读取；"
            '请补全引号（带引号的单元格内的引号须写成两个：""）',
        ),
        ("ragged-row", "missing-cell"): Message(
            "the row has {cells} cells but the header has {width} columns: a cell is missing (or "
            "two cells were joined); every row needs a cell for every column, empty or not",
            "该行有{cells}个单元格，而表头有{width}列：缺少单元格（或两个单元格被合并）；"
            "每行须为每一列留一个单元格（可为空）",
        ),
        ("ragged-row", "missing-cell-one"): Message(
            "the row has {cells} cell but the header has {width} columns: a cell is missing (or "
            "two cells were joined); every row needs a cell for every column, empty or not",
            "该行有{cells}个单元格，而表头有{width}列：缺少单元格（或两个单元格被合并）；"
            "每行须为每一列留一个单元格（可为空）",
        ),
        ("ragged-row", "extra-cell"): Message(
            "the row has {cells} cells but the header has {width} columns: cell {extra} "
            '({text!r}) has no column (a comma inside a cell must be quoted: "a,b")',
            "该行有{cells}个单元格，而表头有{width}列：第{extra}个单元格（“{text}”）没有对应的列"
            '（单元格内的逗号须加引号，如 "a,b"）',
        ),
        ("ragged-row", "right-of-header"): Message(
            "cell {cell} is right of the header's last column ({last}): it has no column, so it "
            "would not be read; delete it, or move what it holds into a column of the table "
            "(such as note)",
            "单元格 {cell} 位于表头最后一列（{last}）右侧，没有对应的列，不会被读取；"
            "请删除，或将其内容移到表中的某一列（如 note 说明列）",
        ),
        ("encoding", "utf-8-in-gbk"): Message(
            "this line is UTF-8 text but the table is GBK (byte {at}): which it is cannot be "
            "told; " + _RESAVE.en,
            "该行是 UTF-8 编码，而表格其余部分是 GBK 编码（第 {at} 字节），无法确定应按哪种编码读取；"
            + _RESAVE.zh,
        ),
        ("encoding", "not-gbk"): Message(
            'not GBK text (byte {at}): the table reads as GBK (GB18030, what Excel\'s plain "CSV" '
            "saves on Chinese Windows) but this line does not; " + _RESAVE.en,
            "不是 GBK 编码的文本（第 {at} 字节）：表格按 GBK（GB18030，中文 Windows 上 Excel 保存“CSV”"
            "时的编码）读取，但该行不是；" + _RESAVE.zh,
        ),
        "float-column": Message(
            "column {name!r} is stored as floating point ({type}), which cannot hold decimals "
            "exactly; store it as decimal or string",
            "列“{name}”以浮点数（{type}）存储，无法精确表示小数；请改用 decimal 或字符串类型",
        ),
        "column-type": Message(
            "column {name!r} has type {type}; store it as string, decimal or integer",
            "列“{name}”的类型为 {type}；请改用字符串、decimal 或整数类型",
        ),
        "cell-error": Message(
            "cell {cell} holds the error value {value}, not a value: correct the formula or the "
            "cell it comes from and type the value",
            "单元格 {cell} 是错误值 {value}，不是数值：请更正公式或其来源单元格，并录入数值",
        ),
        ("formula", "cell"): Message(
            "cell {cell} holds the formula {formula}{shows}: perfrules reads typed values, "
            "never formulas — the result a workbook stores for a formula can be stale, or a "
            "placeholder (such as 0) that the tool that wrote it never computed; replace it by "
            "its value: copy the column, then Paste Special → Values{equals_hint}",
            "单元格 {cell} 是公式 {formula}{shows}：perfrules 只读取录入的值，不读取公式——"
            "工作簿为公式保存的结果可能已过期，或是写入它的工具从未计算的占位值（如 0）；"
            "请替换为数值：复制该列，再“选择性粘贴 → 数值”{equals_hint}",
        ),
        ("formula", "shows"): Message(" (it shows {value!r})", "（显示为“{value}”）"),
        ("formula", "equals-sign"): Message(
            "; to write the text =, type '= (an apostrophe first); an empty comparator means = "
            "as well",
            "；如需录入文本“=”，请输入 '=（先输入一个单引号）；比较符留空也表示“=”",
        ),
        # ---- a unit of a batch run: perfrules/batch/_unit.py, perfrules/batch/_chunked.py -------
        ("file", "cannot-read"): Message("cannot read {file}", "无法读取 {file}"),
        ("missing-unit", "row"): Message("the row has no unit id", "该行未填写单位（unit 列）"),
        ("not-contiguous", "rows"): Message(
            "the rows of unit {unit!r} are not contiguous: rows {first}–{last}, then again from "
            "row {resume}; keep each unit's rows together",
            "单位“{unit}”的行不连续：第{first}—{last}行之后，又从第{resume}行起出现；同一单位的行须相邻",
        ),
        "unit-disagree": Message(
            "unit {unit!r}: {column} is {text!r} in row {row} but {first!r} in row {first_row}; "
            "a per-unit column must agree on every row that gives it",
            "单位“{unit}”的 {column} 在第{row}行为“{text}”，在第{first_row}行为“{first}”；"
            "同一单位各行填写的单位级列必须一致",
        ),
        ("invalid-value", "year-range"): Message("year: {why}", "年度：{why}"),
        ("invalid-value", "year"): Message(
            "year {text!r} is not a year such as 2024", "年度“{text}”不是有效年份（如 2024）"
        ),
        ("invalid-number", "cell-why"): Message("{column}: {why}", "{column}：{why}"),
        ("invalid-number", "cell"): Message(
            "{column}: {text!r} is not a plain decimal number (write e.g. 12.5: no thousands "
            "separators, exponents or units)",
            "{column}：“{text}”不是有效数字（请写如 12.5 的十进制数，不带千分位、指数或单位）",
        ),
        ("missing-actual", "amount"): Message(
            "amount {name!r} has no value in the actual column", "金额“{name}”缺少数值（actual 列）"
        ),
        ("missing-year", "inline"): Message(
            "unit {unit!r} declares its indicators inline and needs its budget year: fill the year "
            "column (or declare meta.year in its base)",
            "单位“{unit}”在表中声明指标，须填写年度（year 列），或在其基础规范中声明 meta.year",
        ),
        ("row-kind", "both"): Message(
            "a row gives either an indicator or an amount, not both",
            "一行只能填写指标（indicator）或金额名称（amount）之一",
        ),
        ("row-kind", "neither"): Message(
            "the row gives {filled} but neither an indicator nor an amount",
            "该行填写了 {filled}，但未填写指标（indicator）或金额名称（amount）",
        ),
        ("duplicate-indicator", "row"): Message(
            "unit {unit!r}: indicator {indicator!r} is already given in row {row}",
            "单位“{unit}”的指标“{indicator}”已在第{row}行填写",
        ),
        ("declared-by-spec", "indicator"): Message(
            "{column}: indicator {indicator!r} is declared by the spec {spec!r}; its rows give "
            "only actuals (indicator, actual, tier, score, text, note)",
            "{column}：指标“{indicator}”由规范“{spec}”声明；"
            "表中只填写实际完成情况（indicator、actual、tier、score、text、note）",
        ),
        ("declared-by-spec", "meta"): Message(
            "{column}: the unit's spec {spec!r} declares its meta",
            "{column}：单位的规范“{spec}”已声明其基本信息",
        ),
        # ---- many tables at once: perfrules/batch/_dask.py --------------------------------------
        ("file", "no-match"): Message("no file matches {pattern}", "没有与 {pattern} 相符的文件"),
        ("not-contiguous", "files"): Message(
            "the rows of unit {unit!r} are in more than one file: {first_file}, then {path} from row "
            "{row}; keep each unit's rows in one file",
            "单位“{unit}”的行分在多个文件中：{first_file}，又在 {path} 第{row}行起出现；"
            "同一单位的行须在同一文件中",
        ),
        # ---- the service: perfrules/service (its own errors: API_MESSAGES) --------------------
        ("file", "outside-frameworks"): Message(
            "not read: the service reads framework files from its frameworks folders only",
            "未读取：服务只读取其框架文件夹中的框架文件",
        ),
        # ---- lint findings: perfrules/lint (keyed by lint's own codes, perfrules.lint.CODES) -----
        "target-low": Message(
            "{name} ({id}): actual {actual} is {share} of target {target}, at or above {limit}; "
            "far above the target: explain why, the target may have been set too low",
            "{name}（{id}）：实际完成值{actual}为指标值{target}的{share}，达到{limit}提示线；"
            "完成值高于指标值较多，需分析原因，指标值可能设定偏低",
        ),
        "benefit-qualitative": Message(
            "{category} ({category_id}): {qualitative} of its {indicators} indicators are "
            "qualitative ({listed}), {share}, more than {limit}: too few quantified indicators "
            "measure the benefits",
            "{category}（{category_id}）：{indicators}个三级指标中{qualitative}个为定性指标"
            "（{listed}），占{share}，超过{limit}；用可量化的指标评估实际效益偏少",
        ),
        "no-cost-indicator": Message(
            "the indicator system has no cost indicator: no indicator is filed under a category "
            "whose name contains '{keyword}'; cost indicators (a spending control rate, a unit "
            "cost) measure economy",
            "指标体系中没有成本指标：没有任何三级指标归入名称含“{keyword}”的类别；"
            "成本指标（如经费控制率、单位成本）反映资金使用的经济性",
        ),
        "target-no-unit": Message(
            "{name} ({id}): target {target} has no unit, so what it measures is unclear "
            "(期, %, 万元, …)",
            "{name}（{id}）：指标值{target}没有计量单位，无法判断衡量的是什么（如“期”“%”“万元”）",
        ),
        "target-vague": Message(
            "{name} ({id}): the target '{text}' has no number, no comparison and only open-ended "
            "wording ({words}): whether it is met cannot be judged; state a measurable result "
            "(a quantity, a standard or a deadline)",
            "{name}（{id}）：指标值“{text}”没有数字、没有比较，只有方向性表述{words}，"
            "无法判断是否达成；应写明可衡量的结果（数量、标准或时限）",
        ),
        "weight-trivial": Message(
            "{name} ({id}): weight {weight} is {share} of the total {total}, below {limit}%: "
            "meeting it or not hardly changes the result",
            "{name}（{id}）：分值{weight}分仅占总分{total}分的{share}，低于{limit}%；"
            "完成与否对结果几乎没有影响",
        ),
        "weight-minor": Message(
            "{name} ({id}): weight {weight} is less than {share} of the average in {category} "
            "({category_weight} over {indicators} indicators, {average} each); make sure it "
            "really matters that much less than its siblings",
            "{name}（{id}）：分值{weight}分不到所在类别{category}（{category_weight}分、"
            "{indicators}个指标，平均{average}分）平均分值的{share}；"
            "请确认其重要程度确实远低于同类指标",
        ),
        "deduction-on-met": Message(
            "{name} ({id}): actual {actual} meets the target {target}, yet {points} points are "
            "deducted ({reasons}); the table's score contradicts its rule",
            "{name}（{id}）：实际完成值{actual}达到年度指标值{target}，仍扣{points}分（{reasons}）；"
            "表内得分与其计分规则不一致，请核对或说明",
        ),
        "stated-result": Message(
            "{name} ({id}): the actual is stated as {stated!r} ({counted}), not computed against "
            "the target {target}; evidence: {evidence}. Check the evidence",
            "{name}（{id}）：实际完成值据陈述为“{stated}”（{counted}），并非按年度指标值"
            "{target}计算得出；佐证：{evidence}。请核对佐证材料",
        ),
        ("stated-result", "met"): Message("counted met", "计为完成"),
        ("stated-result", "not-met"): Message("counted not met", "计为未完成"),
        ("stated-result", "undeclared"): Message("undeclared", "未声明"),
        ("stated-result", "no-evidence"): Message("none", "无"),
        "score-above-rule": Message(
            "{name} ({id}): the table's score {printed} (the unit's own) is above the "
            "{computed} its rule gives; actual {actual}, target {target}{met}; reason: "
            "{reason}. The totals use the table's score",
            "{name}（{id}）：表内得分{printed}分（单位自填）高于其计分规则所得{computed}分；"
            "实际完成值{actual}，年度指标值{target}{met}；原因：{reason}。"
            "小计与总分按表内得分计，请核对或说明",
        ),
        "score-below-rule": Message(
            "{name} ({id}): the table's score {printed} (the unit's own) is below the "
            "{computed} its rule gives; actual {actual}, target {target}{met}; reason: "
            "{reason}. The totals use the table's score",
            "{name}（{id}）：表内得分{printed}分（单位自填）低于其计分规则所得{computed}分；"
            "实际完成值{actual}，年度指标值{target}{met}；原因：{reason}。"
            "小计与总分按表内得分计，请核对或说明",
        ),
        # the same two notes for score-below-rule
        ("score-above-rule", "target-met"): Message(" (target met)", "（已完成指标值）"),
        ("score-above-rule", "target-missed"): Message(" (target missed)", "（未完成指标值）"),
        "figure-unknown-name": Message(
            "{what}: formula {formula} uses '{name}', which is neither an amount of [amounts] nor "
            "a budget.* figure, so it cannot be recomputed",
            "{what}：公式 {formula} 引用的名称“{name}”不是 [amounts] 中的金额，也不是 budget.* "
            "预算数，无法重算",
        ),
        ("figure-unknown-name", "not-computable"): Message(
            "{what}: formula {formula} cannot be computed ({error})",
            "{what}：公式 {formula} 无法计算（{error}）",
        ),
        ("figure-unknown-name", "did-you-mean"): Message(
            " (did you mean {suggestion!r}?)", "（是否应为 “{suggestion}”？）"
        ),
        "figure-zero-division": Message(
            "{what}: in formula {formula} the divisor {divisor} is 0; it cannot be recomputed",
            "{what}：公式 {formula} 的除数 {divisor} 为0，无法重算",
        ),
        "figure-unreadable": Message(
            "{what}: cannot read stated figure {stated!r}: it must be a plain decimal with an "
            "optional % (85.4%, 20470.39); it is never guessed",
            "{what}：无法读取报告数“{stated}”：报告数须为纯数字，可带小数和“%”"
            "（如 85.4%、20470.39），不作猜测",
        ),
        "figure-mismatch": Message(
            "{what}: stated {stated} but recomputed {exact} ({at} at the stated {places}: "
            "{diff}); formula {formula}{inputs}{hint}",
            "{what}：报告数{stated}与重算数{exact}不一致（按报告的{places}四舍五入为{at}，"
            "{diff}）；公式 {formula}{inputs}{hint}",
        ),
        ("figure-mismatch", "truncated"): Message(
            "{what}: stated {stated} but recomputed {exact} ({at} at the stated {places}, "
            "truncated: {diff}); formula {formula}{inputs}{hint}",
            "{what}：报告数{stated}与重算数{exact}不一致（按报告的{places}截尾为{at}，"
            "{diff}）；公式 {formula}{inputs}{hint}",
        ),
        ("figure-mismatch", "place"): Message("{places} decimal place", "{places}位小数"),
        ("figure-mismatch", "places"): Message("{places} decimal places", "{places}位小数"),
        ("figure-mismatch", "higher"): Message(
            "the stated figure is {size} too high", "报告数高{size}"
        ),
        ("figure-mismatch", "lower"): Message(
            "the stated figure is {size} too low", "报告数低{size}"
        ),
        ("figure-mismatch", "higher-points"): Message(
            "the stated figure is {size} percentage points too high", "报告数高{size}个百分点"
        ),
        ("figure-mismatch", "lower-points"): Message(
            "the stated figure is {size} percentage points too low", "报告数低{size}个百分点"
        ),
        ("figure-mismatch", "inputs"): Message(" with {inputs}", "，{inputs}"),
        ("figure-mismatch", "ratio-hint"): Message(
            ". The formula's own value matches the stated number: for a figure stated in %, the "
            "formula gives the ratio (a / b), without × 100",
            "。公式的值本身与报告数相符：以%表示的核对项，公式应给出比率（如 a / b），不要再乘以100",
        ),
    }
)
"""Every message template, keyed by a problem or lint finding code, or by (code, variant)."""

API_MESSAGES: Mapping[MessageKey, Message] = MappingProxyType(
    {
        # ---- perfrules/service: keyed by the service's error codes (perfrules.service.ERROR_CODES)
        ("invalid-request", "lang"): Message("lang must be 'zh' or 'en'", "lang 应为 zh 或 en"),
        ("invalid-request", "indicator"): Message(
            "'indicator' must be an indicator's id or name", "“indicator”应为指标编号或名称"
        ),
        ("invalid-request", "ignore"): Message(
            "'ignore' must be a list of finding codes", "“ignore”应为检查项代码列表"
        ),
        ("invalid-request", "unknown-finding"): Message(
            "unknown finding code {code!r}", "未知的检查项代码“{code}”"
        ),
        ("invalid-request", "missing-field"): Message(
            "the request has no {name!r}", "请求中缺少“{name}”"
        ),
        ("invalid-request", "source"): Message(
            "{name!r} must be TOML text, or an object with one of {kinds}",
            "“{name}”应为 TOML 文本，或只含 {kinds} 之一的对象",
        ),
        ("invalid-request", "data"): Message(
            "{name}.data must be an object (the TOML's tables as JSON)",
            "{name}.data 应为对象（TOML 各表的 JSON 形式）",
        ),
        ("invalid-request", "toml"): Message(
            "{name}.toml must be a string", "{name}.toml 应为字符串"
        ),
        ("invalid-request", "framework"): Message(
            "spec.framework must be a framework id", "spec.framework 应为框架编号"
        ),
        ("invalid-request", "meta"): Message("spec.meta must be an object", "spec.meta 应为对象"),
        ("invalid-request", "content-length"): Message(
            "Content-Length is not a number", "Content-Length 不是数字"
        ),
        "malformed-json": Message("the body is not JSON: {error}", "请求体不是 JSON：{error}"),
        ("malformed-json", "not-an-object"): Message(
            "the body must be a JSON object", "请求体应为 JSON 对象"
        ),
        "body-too-large": Message(
            "the body is larger than {limit} bytes", "请求体超过 {limit} 字节"
        ),
        "path-refused": Message(
            "extends = {ref!r} names a file; the service opens no path a request names: write a "
            "framework id (GET /api/v1/frameworks lists them)",
            "extends = “{ref}” 是文件路径；服务不打开请求中的任何路径：请写框架编号"
            "（GET /api/v1/frameworks 列出可用编号）",
        ),
        "not-found": Message("no such endpoint", "没有此地址"),
        ("not-found", "schema"): Message(
            "no schema {name!r} (one of {names})", "没有名为“{name}”的 schema（可选：{names}）"
        ),
        ("not-found", "export"): Message(
            "no export format {format!r} (one of {formats})",
            "没有导出格式“{format}”（可选：{formats}）",
        ),
        ("not-found", "static"): Message("no file {name!r}", "没有文件“{name}”"),
        "unknown-framework": Message(
            "no framework {framework!r} (GET /api/v1/frameworks lists them)",
            "没有编号为“{framework}”的框架（GET /api/v1/frameworks 列出可用编号）",
        ),
        "unknown-indicator": Message(
            "no indicator {wanted!r} in spec {spec!r}", "规范“{spec}”中没有指标“{wanted}”"
        ),
        ("unknown-indicator", "ambiguous"): Message(
            "{wanted!r} matches {count} indicators; give the id",
            "“{wanted}”与 {count} 个指标相符；请写指标编号",
        ),
        "method-not-allowed": Message(
            "this endpoint does not take that method", "此地址不接受该请求方法"
        ),
        "unsupported-media-type": Message(
            "send the workbook itself as the body, Content-Type {type}",
            "请以工作簿文件本身为请求体，Content-Type 为 {type}",
        ),
        "invalid-input": Message("{count} problem(s) found", "发现 {count} 个问题"),
        "internal-error": Message(
            "internal error: the server logged it (please report it with the request)",
            "内部错误：服务器已记录（请连同请求一起报告）",
        ),
        # what an optional dependency is needed for (MissingExtraError's ``needs``), by extra; the
        # service answers a missing extra as extra-missing
        ("extra-missing", "serve"): Message(
            "perfrules serve needs Starlette and uvicorn",
            "perfrules serve 需要 Starlette 和 uvicorn",
        ),
        ("extra-missing", "xlsx"): Message(
            "reading and writing .xlsx workbooks needs openpyxl, which is not installed; install "
            "the extra",
            "读写 .xlsx 工作簿需要 openpyxl（尚未安装），请安装扩展",
        ),
    }
)
"""The messages of the service's errors, keyed like :data:`MESSAGES` but by an error code of
``perfrules.service.ERROR_CODES`` (or that code and a variant). A table of its own: an API error
code may spell a problem code (``unknown-indicator``) and mean another thing."""


def code_of(key: MessageKey) -> str:
    """The problem code of a table key: the key itself, or its first part."""
    return key if isinstance(key, str) else key[0]


@cache
def fields_of(template: str) -> frozenset[str]:
    """The names of the fields a template uses (``{name}``, ``{name!r}``, ``{name:,}``)."""
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(template) if name is not None
    )


def _template(key: MessageKey, table: Mapping[MessageKey, Message], what: str) -> Message:
    try:
        return table[key]
    except KeyError:
        from perfrules._suggest import suggest  # difflib: only when a key is refused

        shown = {repr(k): v for k, v in table.items()}
        hint = suggest(repr(key), shown)
        raise ValueError(
            f"no {what} {key!r}"
            + (f" (did you mean {hint}?)" if hint else "")
            + f": every {what} has an entry in perfrules/_messages.py"
        ) from None


def message(key: MessageKey, /, **fields: object) -> Message:
    """The English and Chinese texts of message ``key`` with ``fields`` filled in.

    A field is the same in both languages, except a :class:`Message` (such as :func:`listing`
    makes), whose English fills the English template and whose Chinese the Chinese one.

    ValueError for a key the table does not have, and for a field the templates use but is not
    given or one given that they do not use.
    """
    return _filled(key, _template(key, MESSAGES, "message"), fields)


def api_message(key: MessageKey, /, **fields: object) -> Message:
    """:func:`message` for the service's errors: the texts of :data:`API_MESSAGES` entry ``key``
    with ``fields`` filled in (``ApiError(code, *api_message(key, ...))``)."""
    return _filled(key, _template(key, API_MESSAGES, "API message"), fields)


def _filled(key: MessageKey, template: Message, fields: Mapping[str, object]) -> Message:
    wanted = fields_of(template.en) | fields_of(template.zh)
    if wanted != set(fields):
        missing, extra = sorted(wanted - set(fields)), sorted(set(fields) - wanted)
        raise ValueError(
            f"message {key!r}: "
            + "; ".join(
                part
                for part in (
                    f"missing field(s) {', '.join(missing)}" if missing else "",
                    f"unexpected field(s) {', '.join(extra)}" if extra else "",
                )
                if part
            )
        )
    en = {k: v.en if isinstance(v, Message) else v for k, v in fields.items()}
    zh = {k: v.zh if isinstance(v, Message) else v for k, v in fields.items()}
    return Message(template.en.format(**en), template.zh.format(**zh))


def listing(items: Iterable[object]) -> Message:
    """A list as a field of both languages: ``a, b`` in English, ``a、b`` in Chinese."""
    shown = [str(item) for item in items]
    return Message(", ".join(shown), "、".join(shown))


def clauses(items: Iterable[object]) -> Message:
    """Clauses as a field of both languages: ``a, b`` in English, ``a，b`` in Chinese."""
    shown = [str(item) for item in items]
    return Message(", ".join(shown), "，".join(shown))


def alternatives(items: Iterable[object]) -> Message:
    """Alternatives as a field of both languages: ``a / b`` in English, ``a”或“b`` in Chinese (the
    template quotes the field: ``“{labels}”`` reads “a”或“b”)."""
    shown = [str(item) for item in items]
    return Message(" / ".join(shown), "”或“".join(shown))


def slashed(items: Iterable[object]) -> Message:
    """Choices as a field of both languages: ``a / b`` in English, ``a／b`` in Chinese."""
    shown = [str(item) for item in items]
    return Message(" / ".join(shown), "／".join(shown))


def shown(template: str, *, markdown: bool = False) -> str:
    """A template as the docs show it: each field as ``{name}`` (no conversion, no format), in
    backticks for ``markdown``."""
    out = []
    tick = "`" if markdown else ""
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(tick + "{" + name + "}" + tick)
    return "".join(out)
