"""``perfrules import`` and ``perfrules export``: the 自评表 workbook and the reports (docs/excel.md).

``import XLSX -o FOLDER [--framework ID] [--force]`` reads a filled 自评表,
writes ``spec.toml`` and ``actuals.toml`` into FOLDER as one pair (both new or
both as they were: ``perfrules._atomic.Transaction``; a folder already holding
either asks for ``--force``) and prints the declared-vs-computed
disagreements: exit 0 when the form's scores agree, 1 when some disagree, 2
for an unreadable form or bad input (every problem at its cell).
``export SPEC [ACTUALS] --to xlsx|docx|pdf|md|html|narrative [-o FILE]``
writes the evaluated 自评表 (``xlsx``) or the whole 自评报告 (docx, pdf, md,
html, or the plain text of ``narrative``; the binary formats need ``-o``, the
others go to standard output without it), with the unit's own sections from
``report.toml`` beside the spec (or ``--report-text FILE``) and ``--style``
files (CSS for html and pdf, a reference .docx for docx).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

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
    from perfrules.core import Evaluation
    from perfrules.interchange import ImportedForm
    from perfrules.model import Actuals, Spec
    from perfrules.report import Issue, ReportText

EXIT_DISAGREE = EXIT_FINDINGS  # import: the form's declared scores disagree with the computed ones


def run_import(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    """``perfrules import``: exit 0 (scores agree), 1 (declared scores disagree); errors raise
    (exit 2)."""
    from perfrules.interchange import (
        DisagreementReport,
        compare_declared,
        openpyxl_module,
        read_workbook,
    )

    # without openpyxl: perfrules.MissingExtraError (exit 2, naming the extra) before any work
    openpyxl_module()

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
    total = f"{ev.total}（{ev.grade_shown()}）" if zh else f"{ev.total} ({ev.grade_shown('en')})"
    out.print(("计算得分：" if zh else "computed total: ") + total, markup=False)
    return EXIT_DISAGREE if found else EXIT_OK


BINARY_FORMATS = ("xlsx", "docx", "pdf")


def _styles(paths: list[str], fmt: str) -> tuple[str | None, bytes | None]:
    """The CSS (html, pdf) and the reference .docx (docx) the ``--style`` files give."""
    css: list[str] = []
    reference: bytes | None = None
    for name in paths:
        path = Path(name)
        suffix = path.suffix.lower()
        if suffix not in (".css", ".docx"):
            raise UsageError(
                f"--style {name}: 应为 .css（html、pdf）或参考 .docx（docx）文件 / "
                "expected a .css file (html, pdf) or a reference .docx (docx)"
            )
        if not path.is_file():
            raise UsageError(f"--style {name}: 文件不存在 / no such file")
        if suffix == ".css" and fmt in ("html", "pdf"):
            text = path.read_text(encoding="utf-8")
            if "</" in text or "<!--" in text:
                raise UsageError(
                    f"--style {name}: 样式表不能含 “</” 或 “<!--” / a "
                    "style sheet may not contain '</' or '<!--'"
                )
            css.append(text)
        elif suffix == ".docx" and fmt == "docx":
            if reference is not None:
                raise UsageError("--style: 只能给一个参考 .docx / give one reference .docx")
            reference = path.read_bytes()
    return ("\n".join(css) if css else None), reference


def _report_text(args: argparse.Namespace, spec_path: Path, ev: Evaluation) -> ReportText | None:
    """The unit's own sections: ``--report-text FILE``, else report.toml beside the spec when
    there is one."""
    from perfrules.loading import read_toml
    from perfrules.report import REPORT_FILE, report_text_from_data

    if args.report_text:
        path = Path(args.report_text)
    else:
        path = spec_file(spec_path).parent / REPORT_FILE
        if not path.exists():
            return None
    data, source = read_toml(path)
    return report_text_from_data(data, source, evaluation=ev)


def _issues(spec: Spec, actuals: Actuals, lang: Lang) -> list[Issue]:
    """The target-setting findings (``perfrules lint``, warnings) that 存在的问题 is drafted from."""
    from perfrules.lint import CODES, lint
    from perfrules.report import issues_from_findings

    return issues_from_findings(lint(spec, actuals), CODES, lang)


def run_export(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    """``perfrules export``: the evaluated 自评表 as xlsx, or the whole 自评报告 (docx, pdf, md, html,
    text)."""
    if args.to in BINARY_FORMATS and not args.output:
        raise UsageError(
            f"--to {args.to} needs -o FILE (a {args.to} file is not written to standard output)"
        )
    if args.output:
        check_output(args.output)
    spec_path, actuals_path = resolve(args.spec, args.actuals, need_actuals=True)
    if args.output:
        check_distinct(
            [("-o", args.output)],
            [
                ("SPEC", spec_file(spec_path)),
                ("ACTUALS", actuals_path),
                ("--report-text", args.report_text),
                *(("--style", s) for s in args.style),
            ],
        )
    css, reference = _styles(args.style, args.to)
    if args.to == "docx":
        from perfrules.report import docx_module

        # without python-docx: MissingExtraError (exit 2, naming the extra) before any work
        docx_module()
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

    unit_text = _report_text(args, spec_path, ev)
    issues = _issues(spec, actuals, lang)
    actual: Literal["computed", "stated"] = "stated" if args.stated_actuals else "computed"
    if args.to in ("docx", "pdf"):
        if args.to == "docx":
            data = report.to_docx(
                ev, unit_text, issues, lang=lang, actual=actual, reference=reference
            )
        else:
            try:
                data = report.to_pdf(ev, unit_text, issues, lang=lang, actual=actual, style=css)
            except report.PdfError as exc:
                raise UsageError(f"--to pdf: {exc}") from None
        path = _atomic.write_bytes(args.output, data)
        out.print(f"已写入 {path}" if lang == "zh" else f"wrote {path}", markup=False)
        return EXIT_OK
    if args.to == "narrative":
        text = report.to_report_text(ev, unit_text, issues, lang=lang, actual=actual)
    elif args.to == "md":
        text = report.to_report_markdown(ev, unit_text, issues, lang=lang, actual=actual)
    else:
        text = report.to_report_html(ev, unit_text, issues, lang=lang, actual=actual, style=css)
    if not text.endswith("\n"):
        text += "\n"
    if args.output:
        write_text(args.output, text)
        out.print(f"已写入 {args.output}" if lang == "zh" else f"wrote {args.output}", markup=False)
    else:
        sys.stdout.write(text)
    return EXIT_OK
