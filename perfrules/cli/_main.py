"""The ``perfrules`` command line.

Exit codes: 0 success, 2 bad input (spec, actuals or arguments), 1 internal error;
``lint --strict`` also exits 1 when there is a warning-level finding; ``test``
exits 1 when a golden case fails (2 when a case file or what it names is bad);
``diff`` exits 2 when a unit's actuals do not load or fit one of the specs;
``import`` exits 1 when the form's declared scores (得分, 执行率, 小计, 总分, 等级)
disagree with the computed ones (spec.toml and actuals.toml are written all the
same) and 2 when the workbook cannot be read (every problem at its sheet!cell)
or openpyxl is missing (install ``perfrules[xlsx]``); ``export`` exits 2 on bad
input, ``--to xlsx`` without ``-o``, or a missing optional dependency;
``batch`` exits 2 when any unit of the table failed (its error row says why;
every other unit is scored and written) or the table cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

import attrs
from rich.console import Console

from perfrules._errors import Lang, Problem, SpecError
from perfrules._suggest import suggest
from perfrules._version import __version__
from perfrules.cli import _batch
from perfrules.cli._interchange import ExtraMissing, add_parsers, run_export, run_import
from perfrules.core import evaluate, to_document
from perfrules.core._document import to_json
from perfrules.golden import CASE_SUFFIX, EditError, run_paths, update_files
from perfrules.lint import CODES, LintOptions, lint_report, to_lint_document
from perfrules.model import Actuals, Spec
from perfrules.render import AuditTable, CaseReport, ChangeList, DiffReport, FindingList, IndicatorDetail, ProblemList
from perfrules.spec import ACTUALS_FILE, SPEC_FILE, load_actuals, load_spec
from perfrules.whatif import diff_paths, to_diff_document

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
EXIT_LINT_STRICT = 1  # lint --strict with a warning-level finding
EXIT_TEST_FAILED = 1  # test: a golden case failed
BUDGET_IDS = ("budget_execution", "预算执行率")


class _UsageError(Exception):
    """Bad command-line arguments (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _console(stream: IO[str], width: int | None = None) -> Console:
    if width is None and not stream.isatty() and "COLUMNS" not in os.environ:
        width = 160  # Chinese tables need room; pipes otherwise get 80 columns
    return Console(file=stream, width=width, soft_wrap=False, highlight=False)


def _build_parser() -> _Parser:
    p = _Parser(
        prog="perfrules",
        description="预算绩效自评 as code: check specs, evaluate actuals, explain every point.",
    )
    p.add_argument("--version", action="version", version=f"perfrules {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--lang", choices=("zh", "en"), default="zh", help="output language (default zh)")
        sp.add_argument("--width", type=int, default=None, help="terminal width for tables")

    c = sub.add_parser("check", help="validate a spec, and actuals against it")
    c.add_argument("spec", help=f"spec file, or a folder holding {SPEC_FILE} (and {ACTUALS_FILE})")
    c.add_argument("actuals", nargs="?", help=f"actuals file (default: {ACTUALS_FILE} in a spec folder, if present)")
    common(c)

    e = sub.add_parser("evaluate", help="score actuals against a spec")
    e.add_argument("spec", help=f"spec file, or a folder holding {SPEC_FILE} and {ACTUALS_FILE}")
    e.add_argument("actuals", nargs="?", help=f"actuals file (default: {ACTUALS_FILE} in the spec's folder)")
    e.add_argument("--format", choices=("table", "json"), default="table")
    e.add_argument("-o", "--output", help="write to this file instead of standard output")
    common(e)

    x = sub.add_parser("explain", help="show every step behind one indicator's score")
    x.add_argument("args", nargs="+", metavar="SPEC [ACTUALS] INDICATOR_ID",
                   help="spec (file or folder), optional actuals file, then the indicator id "
                   f"({' or '.join(BUDGET_IDS)} for the budget row)")  # fmt: skip
    x.add_argument("--format", choices=("table", "json"), default="table")
    common(x)

    lt = sub.add_parser("lint", help="target-setting quality and figure audit (see docs/lint.md)")
    lt.add_argument("spec", help=f"spec file, or a folder holding {SPEC_FILE} (and {ACTUALS_FILE})")
    lt.add_argument("actuals", nargs="?", help=f"actuals file (default: {ACTUALS_FILE} in a spec folder, if present)")
    lt.add_argument("--format", choices=("table", "json"), default="table")
    lt.add_argument("--strict", action="store_true", help="exit 1 when there is a warning-level finding")
    lt.add_argument("--overshoot", type=_decimal_arg, metavar="X",
                    help="target-low when actual ≥ X × target (default: the spec's policy.overshoot_warning, or 1.3)")
    lt.add_argument("--benefit-qualitative-share", type=_decimal_arg, metavar="S",
                    help="benefit-qualitative when more than S of a 效益 category is qualitative (default 0.5)")
    lt.add_argument("--min-weight-share", type=_decimal_arg, metavar="S",
                    help="weight-trivial when weight < S × meta.total (default 0.01)")
    lt.add_argument("--min-sibling-share", type=_decimal_arg, metavar="S",
                    help="weight-minor when weight < S × its category's average weight (default 0.5; 0: off)")
    lt.add_argument("--ignore", action="append", default=[], metavar="CODE",
                    help="do not report this finding code (repeatable)")
    lt.add_argument("--figures", action="store_true", help="also print every recomputed figure (table format)")
    common(lt)

    ts = sub.add_parser("test", help=f"run golden cases ({'*' + CASE_SUFFIX}) and show what differs (docs/golden-cases.md)")
    ts.add_argument("paths", nargs="+", metavar="PATH", help=f"case files, or folders searched for *{CASE_SUFFIX}")
    ts.add_argument("--update", action="store_true",
                    help="re-record the expected values of failing cases in their files (after a deliberate rule change)")
    ts.add_argument("-q", "--quiet", action="store_true", help="do not list the cases that pass")
    common(ts)

    df = sub.add_parser("diff", help="score two spec versions over units' actuals and compare (docs/what-if.md)")
    df.add_argument("old", metavar="OLD", help=f"the old spec: a spec file or a folder holding {SPEC_FILE}")
    df.add_argument("new", metavar="NEW", help=f"the new spec: a spec file or a folder holding {SPEC_FILE}")
    df.add_argument("--actuals", nargs="+", default=[], metavar="PATH",
                    help=f"units' actuals: files, folders holding {ACTUALS_FILE}, or folders of actuals files "
                    f"(default: {ACTUALS_FILE} beside OLD, else beside NEW)")  # fmt: skip
    df.add_argument("--format", choices=("table", "json"), default="table")
    df.add_argument("--all-rows", action="store_true", help="table: list unchanged rows too")
    common(df)
    add_parsers(sub, common)  # import, export (perfrules/cli/_interchange.py)
    _batch.add_parser(sub, common)  # batch (perfrules/cli/_batch.py)
    return p


def _decimal_arg(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


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
            raise _UsageError(f"--ignore: unknown finding code {code!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    try:
        return attrs.evolve(LintOptions(ignore=frozenset(args.ignore)), **{k: v for k, v in given.items() if v is not None})
    except ValueError as exc:
        raise _UsageError(str(exc).replace("_", "-")) from None


def _resolve(spec_arg: str, actuals_arg: str | None, *, need_actuals: bool) -> tuple[Path, Path | None]:
    spec_path = Path(spec_arg)
    if not spec_path.exists():
        load_spec(spec_path)  # raises the located "cannot read" problem
    actuals_path = Path(actuals_arg) if actuals_arg else None
    if actuals_path is None and spec_path.is_dir():
        candidate = spec_path / ACTUALS_FILE
        if candidate.exists() or need_actuals:
            actuals_path = candidate
    if need_actuals and actuals_path is None:
        raise _UsageError(f"no actuals: give an actuals file or a folder holding {SPEC_FILE} and {ACTUALS_FILE}")
    return spec_path, actuals_path


def _load(spec_path: Path, actuals_path: Path | None) -> tuple[Spec, Actuals | None]:
    spec = load_spec(spec_path)
    actuals = load_actuals(actuals_path, spec=spec) if actuals_path is not None else None
    return spec, actuals


def _run(argv: Sequence[str] | None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command is None:
        raise _UsageError("choose a command: check, evaluate, explain, lint, test, diff, import or export (see --help)")
    lang: Lang = args.lang
    out = _console(sys.stdout, args.width)

    if args.command == "check":
        spec_path, actuals_path = _resolve(args.spec, args.actuals, need_actuals=False)
        spec, actuals = _load(spec_path, actuals_path)
        n = len(spec.indicators)
        if lang == "zh":
            msg = f"✓ 规范 {spec.meta.id} 有效：{len(spec.categories)} 个类别，{n} 个三级指标"
            msg += f"；实际完成值 {actuals_path} 与之相符" if actuals is not None else ""
        else:
            msg = f"✓ spec {spec.meta.id} is valid: {len(spec.categories)} categories, {n} indicators"
            msg += f"; actuals {actuals_path} match it" if actuals is not None else ""
        out.print(msg)
        return EXIT_OK

    if args.command == "evaluate":
        spec_path, actuals_path = _resolve(args.spec, args.actuals, need_actuals=True)
        spec, actuals = _load(spec_path, actuals_path)
        assert actuals is not None
        ev = evaluate(spec, actuals)
        if args.format == "json":
            text = to_json(ev) + "\n"
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
        elif args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                _console(fh, args.width or 160).print(AuditTable(ev, lang=lang))
        else:
            out.print(AuditTable(ev, lang=lang))
        return EXIT_OK

    if args.command == "lint":
        return _lint(args, lang, out)

    if args.command == "test":
        return _test(args, lang, out)

    if args.command == "diff":
        return _diff(args, lang, out)

    if args.command == "import":
        return run_import(args, lang, out, _console(sys.stderr))

    if args.command == "export":
        return run_export(args, lang, out)

    if args.command == "batch":
        return _batch.run(args, out)

    # explain
    parts: list[str] = args.args
    if len(parts) not in (2, 3):
        raise _UsageError("explain takes SPEC [ACTUALS] INDICATOR_ID")
    indicator_id = parts[-1]
    spec_path, actuals_path = _resolve(parts[0], parts[1] if len(parts) == 3 else None, need_actuals=True)
    spec, actuals = _load(spec_path, actuals_path)
    assert actuals is not None
    ev = evaluate(spec, actuals)
    doc = to_document(ev)
    if indicator_id in BUDGET_IDS:
        if ev.budget_execution is None:
            raise _UsageError("this spec has no budget-execution block")
        if args.format == "json":
            sys.stdout.write(json.dumps(doc["budget_execution"], ensure_ascii=False, indent=2) + "\n")
        else:
            out.print(IndicatorDetail(ev.budget_execution, lang=lang))
        return EXIT_OK
    ids = [r.id for r in ev.indicators]
    if indicator_id not in ids:
        hint = suggest(indicator_id, ids + list(BUDGET_IDS))
        raise SpecError([Problem(
            code="unknown-indicator", path=(indicator_id,), file="<command line>",
            message=f"no indicator {indicator_id!r} in spec {spec.meta.id!r}",
            message_zh=f"规范“{spec.meta.id}”中没有指标“{indicator_id}”", suggestion=hint,
        )])  # fmt: skip
    if args.format == "json":
        item = next(i for i in doc["indicators"] if i["id"] == indicator_id)
        sys.stdout.write(json.dumps(item, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(IndicatorDetail(ev.indicator(indicator_id), lang=lang))
    return EXIT_OK


def _lint(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    options = _lint_options(args)
    spec_path, actuals_path = _resolve(args.spec, args.actuals, need_actuals=False)
    spec, actuals = _load(spec_path, actuals_path)
    report = lint_report(spec, actuals, options=options)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_lint_document(report), ensure_ascii=False, indent=2) + "\n")
    else:
        zh = lang == "zh"
        title = f"perfrules lint {spec.meta.id}"
        out.print(FindingList(report.findings, lang=lang, figures=report.figures if actuals is not None else None,
                              show_figures=args.figures, title=title))  # fmt: skip
        if actuals is None:
            out.print("（未提供实际完成值：未检查指标值偏低，也未核对数字）" if zh
                      else "(no actuals: targets set low and the figure audit were not checked)", style="dim")  # fmt: skip
    if args.strict and report.count("warning"):
        return EXIT_LINT_STRICT
    return EXIT_OK


def _test(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    zh = lang == "zh"
    run = run_paths(args.paths)
    if not run.cases and not run.file_errors:
        raise _UsageError(f"no case files (*{CASE_SUFFIX}) under {', '.join(args.paths)}")
    if args.update:
        try:
            changes = update_files(run)
        except EditError as exc:
            out.print(f"perfrules test --update: {exc}", markup=False, style="bold red")
            return EXIT_INPUT
        if changes:
            out.print(ChangeList(changes, lang=lang))
        else:
            out.print("没有需要重新记录的期望值" if zh else "nothing to re-record", style="dim")
        run = run_paths(args.paths)
    for f in run.file_errors:
        line = f"! {f.file}  " + ("用例文件有误，未运行" if zh else "ERROR (case file not read)")
        out.print(line, markup=False, style="bold red")
        out.print(ProblemList(f.problems, lang=lang))
    for case in run.cases:
        if case.status != "passed" or not args.quiet:
            out.print(CaseReport(case, lang=lang))
    if run.errors:
        out.print(f"{run.errors} 项输入有误" if zh else f"{run.errors} with bad input", style="bold red")
    out.print(run.summary, markup=False, highlight=False)
    if run.errors:
        return EXIT_INPUT
    return EXIT_TEST_FAILED if run.failed else EXIT_OK


def _diff(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    diff = diff_paths(args.old, args.new, args.actuals)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_diff_document(diff), ensure_ascii=False, indent=2) + "\n")
        err = _console(sys.stderr)
        for unit in diff.bad_units:
            err.print(f"{unit.unit}:", markup=False, style="bold red")
            err.print(ProblemList([e.problem for e in unit.errors], lang=lang))
    else:
        out.print(DiffReport(diff, lang=lang, all_rows=args.all_rows))
    return EXIT_INPUT if diff.bad_units else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input, 1 internal error)."""
    err = _console(sys.stderr)
    lang: Lang = "en" if argv is not None and "--lang=en" in argv else "zh"
    raw = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in raw and raw.index("--lang") + 1 < len(raw) and raw[raw.index("--lang") + 1] == "en":
        lang = "en"
    try:
        return _run(argv)
    except SpecError as exc:
        err.print(ProblemList(exc.problems, lang=lang))
        return EXIT_INPUT
    except _UsageError as exc:
        err.print(f"perfrules: {'参数错误' if lang == 'zh' else 'usage error'}: {exc}", markup=False)
        err.print("perfrules --help", style="dim")
        return EXIT_INPUT
    except ExtraMissing as exc:
        err.print(f"perfrules: {exc}", markup=False)
        return EXIT_INPUT
    except SystemExit as exc:  # --help / --version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - anything else is our bug: say so, exit 1
        err.print("perfrules: internal error (please report it with the input that caused it):", style="bold red")
        err.print(traceback.format_exc(), markup=False)
        return EXIT_INTERNAL
