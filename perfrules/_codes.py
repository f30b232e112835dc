"""Every problem code and evaluation-warning code: the stage that raises it and when.

One catalogue for the codes of :class:`perfrules.Problem` (``PROBLEMS``) and of
:class:`perfrules.ScoreWarning` (``WARNINGS``). Both refuse a code that is not here, so a new
code cannot go undocumented: add its entry (stage, and when it is raised, in the wording of the
docs), and for a code of docs/spec-format.md regenerate that page's two tables::

    python -m perfrules._codes docs/spec-format.md           # rewrite the tables
    python -m perfrules._codes --check docs/spec-format.md   # exit 1 when they are stale

The other pages (frameworks.md, batch.md, golden-cases.md, excel.md) name their codes in their
own words; ``page`` says which one lists a code. Standard library only: every layer, the core
included, may import it. The bilingual messages are templates in ``perfrules/_messages.py``,
keyed by code (the table of docs/spec-format.md shows them); the raise sites not yet moved there
write theirs inline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple


class Code(NamedTuple):
    """One code: the stage that raises it, when (English, Markdown) and the docs page listing it."""

    stage: str
    when: str
    page: str = "spec-format"


SPEC_FORMAT = "spec-format"
FRAMEWORKS = "frameworks"
BATCH = "batch"
GOLDEN = "golden-cases"
EXCEL = "excel"

PROBLEMS: Mapping[str, Code] = MappingProxyType(
    {
        # ---- docs/spec-format.md, in the order of its table --------------------------------------
        "file": Code(
            "reading",
            "the file cannot be read (missing, a directory, no permission), is not a regular file "
            "(a named pipe, a device such as `/dev/zero`, a socket) or is larger than 16 MiB "
            "([Limits](#limits))",
        ),
        "encoding": Code(
            "reading",
            "the file is not UTF-8 (a UTF-8 BOM is accepted); the line and column of the first "
            "bad byte are given. A file that reads as GBK/GB18030 (what Chinese Windows saves by "
            "default: every non-ASCII character reads as Chinese text) or starts with a UTF-16 "
            "byte order mark (Notepad's “Unicode”) is named as such, with how to re-save it as "
            "UTF-8 (Notepad, VS Code, Notepad++, `iconv -f GBK -t UTF-8`); spec, actuals, "
            "framework and case files alike",
        ),
        "toml-syntax": Code(
            "reading",
            "`tomllib` rejects the text (also: a key defined twice); a dotted key of more than 32 "
            "parts; arrays and tables nested more than 32 deep ([Limits](#limits))",
        ),
        "missing-key": Code(
            "structure",
            "a required key is absent (`meta.year`, an indicator's `weight`, the actuals' "
            "`indicators`, …)",
        ),
        "unknown-key": Code(
            "structure",
            "a key the format does not have (also `id` inside an actuals `[indicators]` entry or "
            "`name` inside an `[amounts]` entry: the table key is the id/name)",
        ),
        "invalid-value": Code(
            "structure",
            'a value of the wrong type (`"6"` for a number, `1` for a boolean, `2024.0` for an '
            "integer, a number for a target), a non-finite number, a number of 10^15 or more in "
            "absolute value, with more than 10 decimal places or written with more than 40 digits "
            "(also an integer of more than 4,300 digits, located at its key), a year outside "
            "1900–2200, a value that is not one of the allowed strings, an unknown method, a "
            "method with required parameters given by name only, a `budget_execution.method` "
            "other than `bands` or `step`, a target string that is not comparator + number + unit "
            "(nor a deviation target), a deviation target without its plan (`±5%` alone: write "
            "`120公里±5%`), a target that states its comparison in words (see below), a formula "
            "that does not parse",
        ),
        "duplicate-id": Code(
            "spec",
            "two categories, two indicators, two bonus items or two vetoes share an id; a grade "
            "name is declared twice; a tier name or alias is used twice; a `[tier_synonyms]` word "
            "already names a tier",
        ),
        "weight": Code("spec", "a category, indicator or budget-execution weight is 0 or negative"),
        "weight-precision": Code(
            "spec",
            "an indicator weight is not a multiple of `rounding.score`, or the budget-execution "
            "weight not a multiple of the quantum its policy rounds to (`rounding.score`, or 1 for "
            "`round_whole`): rounding could then exceed the weight or cost points on a met target",
        ),
        "unknown-category": Code(
            "spec", "an indicator's `category` or a category's `parent` is not a category id"
        ),
        "category-depth": Code(
            "spec",
            "a category is on a fourth level (its chain of parents is longer than two); the "
            "message shows the chain",
        ),
        "category-cycle": Code("spec", "a category's chain of parents comes back to itself"),
        "category-goal": Code(
            "spec",
            "`goal = true` on a category with a parent, or on some top categories but not all",
        ),
        "category-not-leaf": Code(
            "spec", "an indicator is filed under a category that has children"
        ),
        "empty-category": Code("spec", "a category has neither children nor indicators"),
        "weight-sum": Code(
            "spec",
            "a category's weight differs from the sum of its children's (or its indicators') "
            "weights",
        ),
        "total": Code(
            "spec",
            "the top weights (一级, or the goal blocks) plus the budget-execution weight differ from "
            "`meta.total`",
        ),
        "no-indicators": Code("spec", "`indicators = []`"),
        "missing-target": Code("spec", "an indicator has neither `target` nor `target_text`"),
        "method-target": Code(
            "spec",
            "method and target do not fit: a qualitative indicator with a `target` or a `derive`; "
            "a quantitative method without a `target`; `linear_overshoot` or `inverse_ratio` on a "
            "`≥`, `>` or `=` target; `rate` on a target whose unit is neither `%` nor empty; a "
            "deviation target (`120公里±5%`) scored by another method than `deviation`, or "
            "`deviation` on another target",
        ),
        "method-params": Code(
            "spec",
            "a catalogue method's parameter is out of range: `step` with `per` or `deduct` ≤ 0, "
            '`per_occurrence` with `deduct` ≤ 0, `bands` with `on = "deviation"` and a target of 0 '
            "(for indicators and for `budget_execution.method`)",
        ),
        "bands": Code(
            "spec",
            "a band table (or a `deviation` method's `shares`) is empty; a band's `score` lies "
            "outside 0 … weight or is finer than `rounding.score`; a `deviation` band's `share` "
            "lies outside 0 … 1 or an edge is negative; a band's `min` is not below its `max`; "
            "the bands do not cover every value ≥ 0 exactly once (a gap, an overlap, no band "
            "unbounded above)",
        ),
        "bonus": Code(
            "spec, actuals",
            "a bonus item's `cap` is not above 0 or not a multiple of `rounding.score`; an award's "
            "`points` are not above 0, exceed the item's `cap` or are not a multiple of "
            "`rounding.score`",
        ),
        "veto": Code(
            "spec",
            'a veto\'s `grade` is not a grade of the spec, or is given with `effect = "zero"`',
        ),
        "target-value": Code(
            "spec", "a target's number is negative; a deviation target's plan is not above 0"
        ),
        "derive-unit": Code("spec", "a derived indicator's target unit is neither `%` nor empty"),
        "grades": Code(
            "spec",
            "no grade band; bands not strictly decreasing; the last band's `min` is not 0; a `min` "
            "outside 0 … `meta.total`",
        ),
        "tiers": Code(
            "spec",
            "a tier without `0 ≤ min < max ≤ 1` (or a fixed share `min = max` with `max_inclusive "
            "= true`)",
        ),
        "rounding": Code(
            "spec", "a quantum that is not a power of ten; a `mode` other than `half_up`"
        ),
        "policy": Code(
            "spec",
            "`overshoot_warning` is 1 or less; `overshoot_deduction` has `threshold` below 1, or "
            "`per` or `deduct` not above 0",
        ),
        "spec-mismatch": Code("actuals", "the actuals' `spec` is not the spec's `meta.id`"),
        "year-mismatch": Code("actuals", "the actuals' `year` is not the spec's `meta.year`"),
        "unknown-indicator": Code(
            "actuals", "an `[indicators]` key that is not an indicator of the spec"
        ),
        "missing-actual": Code(
            "actuals",
            "a non-derived indicator has no entry; a quantitative entry has no `value`; a "
            "qualitative entry has no `tier`",
        ),
        "actual-kind": Code(
            "actuals",
            "a quantitative entry gives a `tier` or `score`; a qualitative entry gives a `value`; "
            "a `per_occurrence` entry's `value` is not a whole number; a `not_applicable` entry "
            "also gives a `value`, `tier`, `score` or `deductions`; an entry gives both a `value` "
            "and a `stated` word, or states a qualitative or derived indicator; a `deviation` is "
            "given for an indicator without a deviation target",
        ),
        "stated-actual": Code(
            "actuals",
            'an entry states its actual in words (`stated = "达标"`) but the spec declares no '
            "`[stated]` words, or the word is none of them",
        ),
        "stated-evidence": Code(
            "actuals",
            "a `stated` entry has no (or a blank) `evidence`; an `evidence` without `stated`",
        ),
        "own-score-reason": Code(
            "actuals", "an `own_score` (表内得分（单位自填）) has a blank `reason`"
        ),
        "own-score-range": Code(
            "actuals", "an `own_score`'s `score` is below 0 or above the row's weight"
        ),
        "own-score-kind": Code(
            "actuals",
            "an `own_score` on a 不适用 row, or with `deductions` (the printed score is the row's "
            "final score)",
        ),
        "stated-words": Code(
            "spec",
            "`[stated]` declares no word, a blank word, a word both met and not met, a share "
            "outside 0 … 1, or `not_met_share` above `met_share`",
        ),
        "negative": Code(
            "actuals",
            "a `value`, an amount, a `[budget]` figure or a budget line figure is negative",
        ),
        "derived-value": Code("actuals", "a derived indicator's entry gives a `value`"),
        "missing-amount": Code(
            "actuals",
            "an amount named by a `derive` (table form or formula) is not in `[amounts]` (nor, "
            "for a formula, among the `budget.*` figures the actuals give); a `[figures]` formula "
            "names something the actuals do not give",
        ),
        "zero-denominator": Code(
            "actuals",
            "a derived rate's denominator amount is 0; a divisor in a `derive` or `[figures]` "
            "formula is 0 with these figures; the budget figure execution is measured against is "
            "0",
        ),
        "missing-budget": Code(
            "actuals",
            "the spec has `[budget_execution]` but the actuals have no `[budget]`; `base = "
            '"initial"` but no `budget.initial`',
        ),
        "unknown-tier": Code(
            "actuals, spec",
            "a `tier` that is no tier name, alias or synonym of the spec; a `[tier_synonyms]` key "
            "that is no tier",
        ),
        "score-outside-tier": Code("actuals", "an entered `score` lies outside its tier's range"),
        "missing-score": Code(
            "actuals",
            '`qualitative_default = "require_score"` and a tier below the top one has no `score`',
        ),
        "tier-precision": Code(
            "spec",
            "a qualitative indicator's weight leaves a tier without any multiple of "
            "`rounding.score` (weight 2 at whole points: 部分达成 [1.2, 1.6))",
        ),
        "score-precision": Code(
            "actuals",
            "an entered qualitative `score` has more decimal places than `rounding.score` (or "
            "than the indicator's `round_to`, where that is coarser), so rounding could move it "
            "across a tier edge",
        ),
        "not-applicable": Code(
            "actuals", "every indicator is marked `not_applicable`: nothing is left to score"
        ),
        "reason": Code(
            "actuals",
            "a blank reason: a `not_applicable` reason, a deduction's `reason`, a bonus award's "
            "`reason` or a triggered veto's reason",
        ),
        "deduction": Code(
            "actuals",
            "a deduction's `points` are not above 0 or not a multiple of `rounding.score` (and of "
            "the indicator's `round_to`, where that is coarser: rounding would undo them)",
        ),
        "unknown-bonus": Code(
            "actuals", "a `[bonus]` key that is not the id of a bonus item of the spec"
        ),
        "unknown-veto": Code(
            "actuals", "a `[vetoes]` key that is not the id of a veto of the spec"
        ),
        "no-actuals": Code(
            "command line",
            "`perfrules diff` has no actuals to compare over: `--actuals` names none, or without "
            "it neither OLD's nor NEW's folder holds `actuals.toml`",
        ),
        "ambiguous-indicator": Code(
            "command line",
            "`perfrules explain` names an indicator by a name that more than one indicator of the "
            "spec has: give its id",
        ),
        # ---- docs/frameworks.md ------------------------------------------------------------------
        "extends": Code(
            "framework",
            "the framework named by `extends` cannot be found (did-you-mean among the ids found) "
            "or read, is not a framework (no `[framework]` table), or its id is declared by two "
            "files of one `specs/` folder; `extends` is empty",
            FRAMEWORKS,
        ),
        "extends-cycle": Code(
            "framework", "a chain of `extends` comes back to a file already in it", FRAMEWORKS
        ),
        "override-conflict": Code(
            "framework",
            "a unit or framework redefines a table key, an entry id or a list its framework "
            "defines without `overrides`; an entry is overridden twice",
            FRAMEWORKS,
        ),
        "override-dangling": Code(
            "framework",
            "an override names a table, key or entry id the framework does not define "
            "(did-you-mean); `overrides` in a file that extends nothing",
            FRAMEWORKS,
        ),
        "framework-template": Code(
            "framework",
            "an indicator or category is filed under a framework's template category that no "
            "override gave a weight",
            FRAMEWORKS,
        ),
        "version-overlap": Code(
            "framework", "two versions of a framework share a budget year", FRAMEWORKS
        ),
        "version-period": Code(
            "framework",
            "a version's (or the framework's) `valid` period ends before it starts",
            FRAMEWORKS,
        ),
        "no-version": Code(
            "framework",
            "no version of a framework in the chain is in force for the unit's `meta.year` and "
            "its base values do not cover that year",
            FRAMEWORKS,
        ),
        "framework-file": Code(
            "framework",
            "a framework file is loaded or evaluated as if it were a complete spec",
            FRAMEWORKS,
        ),
        # ---- docs/batch.md: the long table -------------------------------------------------------
        "unknown-column": Code("batch table", "a header names a column batch does not have", BATCH),
        "duplicate-column": Code("batch table", "a header names a column twice", BATCH),
        "missing-column": Code("batch table", "the header lacks a required column", BATCH),
        "float-column": Code("batch table", "a Parquet column of type float", BATCH),
        "column-type": Code("batch table", "a Parquet column of another unsupported type", BATCH),
        "unterminated-quote": Code(
            "batch table",
            "a CSV record whose quote does not close on its line and what follows does not "
            "continue it",
            BATCH,
        ),
        "ragged-row": Code(
            "batch table",
            "a CSV record with fewer cells than the header, or a non-empty cell right of it; an "
            ".xlsx cell right of the header's last column",
            BATCH,
        ),
        "csv-syntax": Code(
            "batch table",
            "a CSV cell longer than 131,072 characters; a header that is not one line of text",
            BATCH,
        ),
        "formula": Code("batch table", "an .xlsx formula cell (never read)", BATCH),
        "cell-error": Code("batch table", "an .xlsx error value (`#DIV/0!`, `#N/A`, …)", BATCH),
        "not-contiguous": Code(
            "batch table",
            "a unit's rows resume after another unit's; on the Dask route, a unit's rows in two "
            "files",
            BATCH,
        ),
        "missing-unit": Code("batch table", "rows without a unit id", BATCH),
        "unit-disagree": Code(
            "batch table", "two rows of a unit give different values in a per-unit column", BATCH
        ),
        "invalid-number": Code(
            "batch table",
            "a cell that must be a number is not a plain decimal, or is one beyond the bounds of "
            "every number",
            BATCH,
        ),
        "duplicate-indicator": Code("batch table", "an indicator id given twice in a unit", BATCH),
        "row-kind": Code(
            "batch table",
            "a row gives both an indicator and an amount, or row columns with neither",
            BATCH,
        ),
        "declared-by-spec": Code("batch table", "a declaring column on a spec unit's row", BATCH),
        "bands-in-table": Code("batch table", "`method = bands` in a table", BATCH),
        "missing-year": Code(
            "batch table",
            "an inline unit without a year (and a base without `meta.year`)",
            BATCH,
        ),
        # ---- docs/golden-cases.md ----------------------------------------------------------------
        "case-empty": Code(
            "golden cases", "no `[[cases]]`, or a case that expects nothing", GOLDEN
        ),
        "case-duplicate": Code("golden cases", "two cases of a file with the same name", GOLDEN),
        "case-path": Code(
            "golden cases",
            "the spec or actuals a case names do not exist (paths are relative to the case file)",
            GOLDEN,
        ),
        "unknown-grade": Code(
            "golden cases", "`expect.grade` is not one of the spec's grades", GOLDEN
        ),
        "no-budget-execution": Code(
            "golden cases",
            "`expect.budget_execution` for a spec without a 预算执行率 row",
            GOLDEN,
        ),
        "evaluation-error": Code(
            "golden cases",
            "the evaluation itself failed on this input (please report it)",
            GOLDEN,
        ),
        # ---- docs/excel.md: the 自评表 workbook (read by import, checked before openpyxl) -----------
        "unreadable": Code(
            "workbook",
            "the file is not a readable .xlsx workbook (not a zip file, malformed XML, a member "
            "that cannot be read), or a changed visible cell cannot be read",
            EXCEL,
        ),
        "workbook-too-large": Code(
            "workbook",
            "the workbook, its number of zip members or their inflated sizes pass the bounds",
            EXCEL,
        ),
        "xml-forbidden": Code("workbook", "an XML member holds a `<!DOCTYPE` or an entity", EXCEL),
        "sheet-too-large": Code(
            "workbook",
            "a sheet has a cell beyond 65,536 rows or 256 columns, or more than 200,000 cells",
            EXCEL,
        ),
        "no-sheet": Code("workbook", "the workbook has no form sheet", EXCEL),
        "hidden-sheet": Code(
            "workbook",
            "the hidden sheet is not perfrules' (another format), or was written with a layout "
            "version this perfrules does not read",
            EXCEL,
        ),
        "layout-changed": Code(
            "workbook",
            "a label of the exported form is not where the hidden sheet says (rows inserted or "
            "deleted after export)",
            EXCEL,
        ),
        "framework-required": Code(
            "workbook", "a hand-filled form (no hidden sheet) is read without `--framework`", EXCEL
        ),
        "no-indicator-table": Code(
            "workbook", "a hand-filled form's sheet has no indicator table", EXCEL
        ),
        "header-missing": Code(
            "workbook", "the indicator table's header row lacks a column it needs", EXCEL
        ),
        "year-missing": Code("workbook", "a hand-filled form gives no budget year", EXCEL),
        "invalid-year": Code("workbook", "a hand-filled form's budget year is not a year", EXCEL),
        "unit-missing": Code("workbook", "a hand-filled form has no cell naming the unit", EXCEL),
        "category-missing": Code(
            "workbook", "an indicator row of a hand-filled form has no 一级 or 二级 category", EXCEL
        ),
        "name-missing": Code(
            "workbook", "an indicator row of a hand-filled form has no indicator name", EXCEL
        ),
        "weight-missing": Code(
            "workbook", "an indicator row of a hand-filled form has no weight (分值)", EXCEL
        ),
        "target-unreadable": Code(
            "workbook", "an indicator row's 年度指标值 cannot be read as a target", EXCEL
        ),
        "actual-missing": Code(
            "workbook", "an indicator row of a hand-filled form has no 实际完成值", EXCEL
        ),
        "actual-unreadable": Code(
            "workbook", "an indicator row's 实际完成值 cannot be read", EXCEL
        ),
        "tier-unknown": Code(
            "workbook",
            "a qualitative row's 实际完成值 names no tier, or its declared score fits no tier",
            EXCEL,
        ),
        "not-a-number": Code("workbook", "a cell that must hold a number does not", EXCEL),
        "declared-unreadable": Code(
            "workbook", "a declared score or total of the form cannot be read", EXCEL
        ),
        "framework-differs": Code(
            "workbook",
            "the form's categories, weights or budget lines disagree with the framework given",
            EXCEL,
        ),
        "row-unknown": Code(
            "workbook", "a row of a hand-filled form fits no part of the form", EXCEL
        ),
        "bare-target": Code(
            "workbook", "warning: a 年度指标值 written without a comparator", EXCEL
        ),
        "visible-overrides-hidden": Code(
            "workbook",
            "warning: a visible cell differs from the hidden sheet (the visible cell wins)",
            EXCEL,
        ),
        "derived-actual": Code(
            "workbook",
            "warning: the 实际完成值 cell of a derived indicator, which is computed from the "
            "amounts and not read",
            EXCEL,
        ),
        "not-imported": Code(
            "workbook",
            "warning: bonus and veto rows of a hand-filled form, which are not imported",
            EXCEL,
        ),
        "title-missing": Code(
            "workbook", "warning: a hand-filled form without a title (one is made up)", EXCEL
        ),
        "kind-differs": Code(
            "workbook", "warning: the form's kind differs from the framework's", EXCEL
        ),
        "framework-ignored": Code(
            "workbook",
            "warning: `--framework` is given for a form whose hidden sheet carries the spec",
            EXCEL,
        ),
    }
)
"""Every code a :class:`perfrules.Problem` may carry (errors and the workbook's warnings)."""

WARNINGS: Mapping[str, Code] = MappingProxyType(
    {
        "overshoot": Code(
            "evaluation",
            "a positive (`≥`/`>`) or exact (`=`) indicator with a target above 0 reaches "
            "`policy.overshoot_warning` × target (130% by default)",
        ),
        "strict-boundary": Code(
            "evaluation",
            "a strict target (`>`/`<`) is missed by equality (actual = target), yet the completion "
            "ratio gives full marks: the wording of the target deserves a look",
        ),
    }
)
"""Every code of an evaluation warning (:class:`perfrules.ScoreWarning`): never raised, attached
to the evaluation."""


def unknown_code(code: str, known: Mapping[str, Code]) -> str:
    """The message refusing ``code``: a did-you-mean, and where to add it."""
    from perfrules._suggest import suggest  # difflib: only when a code is refused

    hint = suggest(code, known)
    return (
        f"unknown code {code!r}"
        + (f" (did you mean {hint!r}?)" if hint else "")
        + ": every code has an entry in perfrules/_codes.py"
    )


def check_problem_code(code: str) -> str:
    """``code`` when :data:`PROBLEMS` has it; ValueError otherwise."""
    if code not in PROBLEMS:
        raise ValueError(unknown_code(code, PROBLEMS))
    return code


def check_warning_code(code: str) -> str:
    """``code`` when :data:`WARNINGS` has it; ValueError otherwise."""
    if code not in WARNINGS:
        raise ValueError(unknown_code(code, WARNINGS))
    return code


# ---- the tables of docs/spec-format.md ------------------------------------------------------

BEGIN = "<!-- generated from perfrules/_codes.py by `python -m perfrules._codes`: edit it there -->"
END = "<!-- end of generated table -->"


def messages_cell(code: str) -> str:
    """The messages of ``code`` in :data:`perfrules._messages.MESSAGES`, for a table cell: each
    as its Chinese and English template (fields as ``{name}``), one per line; empty for a code
    whose messages are still written at their raise sites."""
    from perfrules._messages import MESSAGES, code_of, shown

    def cell(text: str) -> str:
        return shown(text, markdown=True).replace("|", "\\|")

    return "<br>".join(
        f"{cell(m.zh)} / {cell(m.en)}" for key, m in MESSAGES.items() if code_of(key) == code
    )


def problem_table() -> str:
    """The Markdown table of the problem codes docs/spec-format.md lists (code, stage, when and
    the message templates of perfrules/_messages.py)."""
    rows = [
        f"| `{code}` | {c.stage} | {c.when} | {messages_cell(code)} |"
        for code, c in PROBLEMS.items()
        if c.page == SPEC_FORMAT
    ]
    head = ["| code | stage | raised when | message (zh / en) |", "|---|---|---|---|"]
    return "\n".join([*head, *rows]) + "\n"


def warning_table() -> str:
    """The Markdown table of the evaluation-warning codes: code | raised when."""
    rows = [f"| `{code}` | {c.when} |" for code, c in WARNINGS.items()]
    return "\n".join(["| code | raised when |", "|---|---|", *rows]) + "\n"


def render_docs(text: str) -> str:
    """``text`` (docs/spec-format.md) with its two generated blocks replaced by the current tables.

    The blocks are the lines between :data:`BEGIN` and :data:`END` (a blank line around each table,
    so that Markdown reads the markers as comments): the problem codes first, then the warnings.
    ValueError when the page does not have exactly two.
    """
    parts = text.split(BEGIN + "\n")
    if len(parts) != 3:
        raise ValueError(f"expected two generated blocks, found {len(parts) - 1}")
    out = [parts[0]]
    for part, table in zip(parts[1:], (problem_table(), warning_table()), strict=True):
        if END not in part:
            raise ValueError(f"a generated block without its end marker {END!r}")
        out.append(BEGIN + "\n\n" + table + "\n" + part[part.index(END) :])
    return "".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m perfrules._codes [--check] [DOC]``: rewrite (or check) the tables of DOC."""
    import argparse
    import sys
    from pathlib import Path

    p = argparse.ArgumentParser(
        prog="python -m perfrules._codes",
        description="regenerate (or --check) the code tables of docs/spec-format.md",
    )
    p.add_argument("doc", nargs="?", default="docs/spec-format.md", help="the page to rewrite")
    p.add_argument("--check", action="store_true", help="exit 1 when the tables are stale")
    args = p.parse_args(argv)
    path = Path(args.doc)
    text = path.read_text(encoding="utf-8")
    new = render_docs(text)
    if args.check:
        if new != text:
            print(
                f"{path}: stale code tables; regenerate with: python -m perfrules._codes {path}",
                file=sys.stderr,
            )
            return 1
        return 0
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
