"""``perfrules import`` and ``perfrules export``: the 自评表 workbook and the reports (docs/excel.md).

``import XLSX -o FOLDER [--framework ID]`` reads a filled 自评表, writes
``spec.toml`` and ``actuals.toml`` into FOLDER (each atomically) and prints the
declared-vs-computed disagreements: exit 0 when the form's scores agree, 1 when
some disagree, 2 for an unreadable form or bad input (every problem at its
cell). ``export SPEC [ACTUALS] --to xlsx|md|html|narrative [-o FILE]`` writes
the evaluated 自评表 (``xlsx`` needs ``-o``) or a report (to standard output
without ``-o``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from perfrules._errors import Lang
from perfrules.core import evaluate
from perfrules.render import ProblemList
from perfrules.spec import ACTUALS_FILE, SPEC_FILE, dumps_actuals, dumps_spec

if TYPE_CHECKING:
    from perfrules.interchange import ImportedForm

EXIT_DISAGREE = 1  # import: the form's declared scores disagree with the computed ones
EXPORT_FORMATS = ("xlsx", "md", "html", "narrative")


class ExtraMissing(Exception):
    """An optional dependency is not installed (exit 2, with the extra to install)."""


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: object) -> None:  # fmt: skip
    """Register ``import`` and ``export`` on the main parser's subcommands; ``common`` adds --lang/--width."""
    im = sub.add_parser("import", help="read a filled 自评表 workbook into spec.toml + actuals.toml (docs/excel.md)")
    im.add_argument("xlsx", metavar="XLSX", help="the 自评表 workbook (.xlsx)")
    im.add_argument("-o", "--output", required=True, metavar="FOLDER",
                    help=f"folder to write {SPEC_FILE} and {ACTUALS_FILE} into (created if missing)")  # fmt: skip
    im.add_argument("--framework", metavar="ID",
                    help="the framework a hand-filled form follows, e.g. hunan-department or national-project "
                    "(not needed for a workbook perfrules exported)")  # fmt: skip
    common(im)  # type: ignore[operator]

    ex = sub.add_parser("export", help="write the evaluated 自评表 (xlsx) or a report (md, html, narrative)")
    ex.add_argument("spec", metavar="SPEC", help=f"spec file, or a folder holding {SPEC_FILE} and {ACTUALS_FILE}")
    ex.add_argument("actuals", nargs="?", metavar="ACTUALS", help=f"actuals file (default: {ACTUALS_FILE} beside the spec)")
    ex.add_argument("--to", required=True, choices=EXPORT_FORMATS, dest="to", help="output format")
    ex.add_argument("-o", "--output", metavar="FILE", help="output file (required for xlsx; others default to stdout)")
    ex.add_argument("--stated-actuals", action="store_true",
                    help="narrative: a derived rate's 实际完成值 as the actuals state it (85.4%%), not as computed (85.39%%)")
    common(ex)  # type: ignore[operator]


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _interchange() -> object:
    from perfrules.interchange import MissingDependencyError
    from perfrules.interchange._problems import openpyxl_module

    try:
        openpyxl_module()
    except MissingDependencyError as exc:
        raise ExtraMissing(str(exc)) from None
    import perfrules.interchange

    return perfrules.interchange


def run_import(args: argparse.Namespace, lang: Lang, out: Console, err: Console) -> int:
    """``perfrules import``: exit 0 (scores agree), 1 (declared scores disagree); errors raise (exit 2)."""
    _interchange()
    from perfrules.interchange import DisagreementReport, compare_declared, read_workbook

    form: ImportedForm = read_workbook(args.xlsx, framework=args.framework)
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        from perfrules.cli._main import _UsageError

        raise _UsageError(f"-o {folder}: not a folder")
    _write_atomic(folder / SPEC_FILE, dumps_spec(form.spec))
    _write_atomic(folder / ACTUALS_FILE, dumps_actuals(form.actuals))
    zh = lang == "zh"
    if form.warnings:
        err.print(ProblemList(form.warnings, lang=lang))
    if zh:
        how = "（按隐藏表 perfrules 还原）" if form.hidden else f"（手工填写的表，依据框架 {form.framework}）"
        out.print(f"已写入 {folder / SPEC_FILE} 与 {folder / ACTUALS_FILE}{how}", markup=False)
    else:
        how = " (restored from the hidden perfrules sheet)" if form.hidden else f" (hand-filled, on framework {form.framework})"
        out.print(f"wrote {folder / SPEC_FILE} and {folder / ACTUALS_FILE}{how}", markup=False)
    ev = evaluate(form.spec, form.actuals)
    found = compare_declared(form, ev)
    out.print(DisagreementReport(found, lang=lang, file=form.file))
    total = f"{ev.total}（{ev.grade}）" if zh else f"{ev.total} ({ev.grade})"
    out.print(("计算得分：" if zh else "computed total: ") + total, markup=False)
    return EXIT_DISAGREE if found else 0


def run_export(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    """``perfrules export``: the evaluated 自评表 as xlsx, or a Markdown/HTML/narrative report."""
    from perfrules.cli._main import _load, _resolve, _UsageError

    if args.to == "xlsx" and not args.output:
        raise _UsageError("--to xlsx needs -o FILE (a workbook is not written to standard output)")
    spec_path, actuals_path = _resolve(args.spec, args.actuals, need_actuals=True)
    spec, actuals = _load(spec_path, actuals_path)
    assert actuals is not None
    ev = evaluate(spec, actuals)
    if args.to == "xlsx":
        _interchange()
        from perfrules.interchange import write_workbook

        path = write_workbook(spec, actuals, args.output, evaluation=ev)
        out.print(f"已写入 {path}" if lang == "zh" else f"wrote {path}", markup=False)
        return 0
    try:
        from perfrules import report
    except ImportError as exc:  # the report package is optional here
        raise ExtraMissing(f"--to {args.to}: the report renderers are not available ({exc})") from None
    if args.to == "narrative":
        text = report.to_narrative(ev, lang=lang, actual="stated" if args.stated_actuals else "computed")
    else:
        text = {"md": report.to_markdown, "html": report.to_html}[args.to](ev, lang=lang)
    if not text.endswith("\n"):
        text += "\n"
    if args.output:
        _write_atomic(Path(args.output), text)
        out.print(f"已写入 {args.output}" if lang == "zh" else f"wrote {args.output}", markup=False)
    else:
        sys.stdout.write(text)
    return 0
