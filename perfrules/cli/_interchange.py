"""``perfrules import`` and ``perfrules export``: the 自评表 workbook and the reports (docs/excel.md).

``import XLSX -o FOLDER [--framework ID] [--force]`` reads a filled 自评表,
writes ``spec.toml`` and ``actuals.toml`` into FOLDER as one pair (both new or
both as they were: ``perfrules._atomic.Transaction``; a folder already holding
either asks for ``--force``) and prints the declared-vs-computed
disagreements: exit 0 when the form's scores agree, 1 when some disagree, 2
for an unreadable form or bad input (every problem at its cell). ``export SPEC [ACTUALS] --to xlsx|md|html|narrative [-o FILE]`` writes
the evaluated 自评表 (``xlsx`` needs ``-o``) or a report (to standard output
without ``-o``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from perfrules import _atomic
from perfrules._errors import Lang
from perfrules._names import ACTUALS_FILE, SPEC_FILE
from perfrules.cli._common import check_distinct, check_output, load, resolve, spec_file, write_text
from perfrules.cli._console import stderr_console
from perfrules.cli._exit import EXIT_FINDINGS, EXIT_OK, UsageError
from perfrules.core import evaluate
from perfrules.loading import dumps_actuals, dumps_spec
from perfrules.render import ProblemList

if TYPE_CHECKING:
    from perfrules.interchange import ImportedForm

EXIT_DISAGREE = EXIT_FINDINGS  # import: the form's declared scores disagree with the computed ones


def run_import(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    """``perfrules import``: exit 0 (scores agree), 1 (declared scores disagree); errors raise (exit 2)."""
    from perfrules.interchange import (
        DisagreementReport,
        compare_declared,
        openpyxl_module,
        read_workbook,
    )

    openpyxl_module()  # without openpyxl: perfrules.MissingExtraError (exit 2, naming the extra) before any work

    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: 不是文件夹 / not a folder")
    pair = (folder / SPEC_FILE, folder / ACTUALS_FILE)
    check_distinct([("-o", pair[0]), ("-o", pair[1])], [("XLSX", args.xlsx)])
    present = [p for p in pair if os.path.lexists(p)]
    if present and not args.force:
        raise UsageError(
            f"-o {folder}: 已有 {'、'.join(p.name for p in present)}；如要替换请加 --force / "
            f"already holds {' and '.join(p.name for p in present)}; add --force to replace them"
        )
    form: ImportedForm = read_workbook(args.xlsx, framework=args.framework)
    spec_text, actuals_text = dumps_spec(form.spec), dumps_actuals(form.actuals)
    folder.mkdir(parents=True, exist_ok=True)
    with _atomic.Transaction() as tx:  # the pair as one: both files new, or both as they were
        tx.add(pair[0], spec_text)
        tx.add(pair[1], actuals_text)
        tx.commit()
    err = stderr_console()
    zh = lang == "zh"
    if form.warnings:
        err.print(ProblemList(form.warnings, lang=lang))
    if zh:
        how = (
            "（按隐藏表 perfrules 还原）"
            if form.hidden
            else f"（手工填写的表，依据框架 {form.framework}）"
        )
        out.print(f"已写入 {folder / SPEC_FILE} 与 {folder / ACTUALS_FILE}{how}", markup=False)
    else:
        how = (
            " (restored from the hidden perfrules sheet)"
            if form.hidden
            else f" (hand-filled, on framework {form.framework})"
        )
        out.print(f"wrote {folder / SPEC_FILE} and {folder / ACTUALS_FILE}{how}", markup=False)
    ev = evaluate(form.spec, form.actuals)
    found = compare_declared(form, ev)
    out.print(DisagreementReport(found, lang=lang, file=form.file))
    total = f"{ev.total}（{ev.grade}）" if zh else f"{ev.total} ({ev.grade})"
    out.print(("计算得分：" if zh else "computed total: ") + total, markup=False)
    return EXIT_DISAGREE if found else EXIT_OK


def run_export(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    """``perfrules export``: the evaluated 自评表 as xlsx, or a Markdown/HTML/narrative report."""
    if args.to == "xlsx" and not args.output:
        raise UsageError("--to xlsx needs -o FILE (a workbook is not written to standard output)")
    if args.output:
        check_output(args.output)
    spec_path, actuals_path = resolve(args.spec, args.actuals, need_actuals=True)
    if args.output:
        check_distinct(
            [("-o", args.output)], [("SPEC", spec_file(spec_path)), ("ACTUALS", actuals_path)]
        )
    spec, actuals = load(spec_path, actuals_path)
    assert actuals is not None
    ev = evaluate(spec, actuals)
    if args.to == "xlsx":
        from perfrules.interchange import openpyxl_module, write_workbook

        openpyxl_module()

        path = write_workbook(spec, actuals, args.output, evaluation=ev)
        out.print(f"已写入 {path}" if lang == "zh" else f"wrote {path}", markup=False)
        return EXIT_OK
    from perfrules import report

    if args.to == "narrative":
        text = report.to_narrative(
            ev, lang=lang, actual="stated" if args.stated_actuals else "computed"
        )
    else:
        text = {"md": report.to_markdown, "html": report.to_html}[args.to](ev, lang=lang)
    if not text.endswith("\n"):
        text += "\n"
    if args.output:
        write_text(args.output, text)
        out.print(f"已写入 {args.output}" if lang == "zh" else f"wrote {args.output}", markup=False)
    else:
        sys.stdout.write(text)
    return EXIT_OK
