"""``lint``, ``test`` and ``diff``: the policy author's checks."""

from __future__ import annotations

import argparse
from typing import Any

import attrs
from rich.console import Console

from perfrules._errors import Lang, problem_document
from perfrules._progress import progress_line
from perfrules._suggest import suggest
from perfrules.cli._commands import json_out
from perfrules.cli._common import load, resolve
from perfrules.cli._console import stderr_console
from perfrules.cli._exit import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, UsageError
from perfrules.golden import CASE_SUFFIX, EditError, run_paths, update_files
from perfrules.golden import RunResult as CaseRun
from perfrules.lint import CODES, LintOptions, lint_report, to_lint_document
from perfrules.render import CaseReport, ChangeList, DiffReport, FindingList, ProblemList
from perfrules.whatif import diff_paths, to_diff_document

# ---------------------------------------------------------------------------
# lint


def _lint_options(args: argparse.Namespace) -> LintOptions:
    given = {
        "overshoot": args.overshoot,
        "benefit_qualitative_share": args.benefit_qualitative_share,
        "min_weight_share": args.min_weight_share,
        "min_sibling_share": args.min_sibling_share,
    }
    for code in args.ignore:
        if code not in CODES:
            hint = suggest(code, CODES)
            raise UsageError(
                f"--ignore: unknown finding code {code!r}"
                + (f" (did you mean {hint!r}?)" if hint else "")
            )
    try:
        return attrs.evolve(
            LintOptions(ignore=frozenset(args.ignore)),
            **{k: v for k, v in given.items() if v is not None},
        )
    except ValueError as exc:
        raise UsageError(str(exc).replace("_", "-")) from None


def run_lint(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    options = _lint_options(args)
    spec_path, actuals_path = resolve(args.spec, args.actuals, need_actuals=False)
    spec, actuals = load(spec_path, actuals_path)
    report = lint_report(spec, actuals, options=options)
    if args.format == "json":
        json_out(to_lint_document(report))
    else:
        zh = lang == "zh"
        out.print(
            FindingList(
                report.findings,
                lang=lang,
                figures=report.figures if actuals is not None else None,
                show_figures=args.figures,
                title=f"perfrules lint {spec.meta.id}",
            )
        )
        if actuals is None:
            out.print(
                "（未提供实际完成值：未检查指标值偏低，也未核对数字）"
                if zh
                else "(no actuals: targets set low and the figure audit were not checked)",
                style="dim",
            )
    if args.strict and report.count("warning"):
        return EXIT_FINDINGS
    return EXIT_OK


# ---------------------------------------------------------------------------
# test


def _case_document(run: CaseRun) -> dict[str, Any]:
    return {
        "schema": "perfrules.test",
        "schema_version": 1,
        "passed": run.passed,
        "failed": run.failed,
        "errors": run.errors,
        "files_not_read": [
            {"file": f.file, "problems": [problem_document(p) for p in f.problems]}
            for f in run.file_errors
        ],
        "cases": [
            {
                "file": c.file,
                "line": c.line,
                "index": c.index,
                "name": c.name,
                "status": c.status,
                "tolerance": str(c.tolerance),
                "mismatches": [
                    {
                        "kind": m.kind,
                        "id": m.id,
                        "name": m.name,
                        "label": m.label("zh"),
                        "label_en": m.label("en"),
                        "expected": _plain(m.expected),
                        "actual": _plain(m.actual),
                        "line": m.line,
                    }
                    for m in c.mismatches
                ],
                "problems": [problem_document(p) for p in c.problems],
            }
            for c in run.cases
        ],
    }


def _plain(value: object) -> object:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return str(value)


def run_test(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    zh = lang == "zh"
    with progress_line(
        "运行用例" if zh else "cases", console=stderr_console(), enabled=not args.quiet
    ) as update:
        run = run_paths(args.paths, progress=update)
    if not run.cases and not run.file_errors:
        raise UsageError(f"no case files (*{CASE_SUFFIX}) under {', '.join(args.paths)}")
    if args.update:
        try:
            changes = update_files(run)
        except EditError as exc:
            out.print(f"perfrules test --update: {exc}", markup=False, style="bold red")
            return EXIT_INPUT
        if args.format != "json":
            if changes:
                out.print(ChangeList(changes, lang=lang))
            else:
                out.print("没有需要重新记录的期望值" if zh else "nothing to re-record", style="dim")
        with progress_line(
            "运行用例" if zh else "cases", console=stderr_console(), enabled=not args.quiet
        ) as update:
            run = run_paths(args.paths, progress=update)
    if args.format == "json":
        json_out(_case_document(run))
    else:
        for f in run.file_errors:
            line = f"! {f.file}  " + (
                "用例文件有误，未运行" if zh else "ERROR (case file not read)"
            )
            out.print(line, markup=False, style="bold red")
            out.print(ProblemList(f.problems, lang=lang))
        for case in run.cases:
            if case.status != "passed" or not args.quiet:
                out.print(CaseReport(case, lang=lang))
        if run.errors:
            out.print(
                f"{run.errors} 项输入有误" if zh else f"{run.errors} with bad input",
                style="bold red",
            )
        out.print(run.summary, markup=False, highlight=False)
    if run.errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if run.failed else EXIT_OK


# ---------------------------------------------------------------------------
# diff


def run_diff(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    with progress_line("比较单位" if lang == "zh" else "units", console=stderr_console()) as update:
        diff = diff_paths(args.old, args.new, args.actuals, progress=update)
    if args.format == "json":
        json_out(to_diff_document(diff))
        err = stderr_console()
        for unit in diff.bad_units:
            err.print(f"{unit.unit}:", markup=False, style="bold red")
            err.print(ProblemList([e.problem for e in unit.errors], lang=lang))
    else:
        out.print(DiffReport(diff, lang=lang, all_rows=args.all_rows))
    return EXIT_INPUT if diff.bad_units else EXIT_OK
