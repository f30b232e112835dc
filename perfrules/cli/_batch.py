"""``perfrules batch IN --out OUT``: score every unit of a long table (docs/batch.md).

The lead hooks this in ``perfrules/cli/_main.py``::

    from perfrules.cli import _batch
    _batch.add_parser(sub, common)          # in _build_parser
    if args.command == "batch": return _batch.run(args, out)

Exit codes: 0 every unit scored, 2 any unit failed or bad input (arguments,
an unreadable table, an unknown header), 1 internal error (raised to the
caller, which reports it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import attrs
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from perfrules._errors import Lang, SpecError
from perfrules.batch import ENGINES, EngineUnavailable, output_paths, read_table, run_batch
from perfrules.batch._write import FORMATS

EXIT_OK, EXIT_INPUT = 0, 2
MAX_LISTED = 20  # failed units whose problems are printed (all are in the problems table)


def add_parser(subparsers: Any, common: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Add the ``batch`` subcommand to ``subparsers``; ``common`` adds --lang and --width."""
    b: argparse.ArgumentParser = subparsers.add_parser(
        "batch", help="score every unit of a long table (CSV or Parquet) and write result tables (docs/batch.md)",
    )
    b.add_argument("input", metavar="IN", help="the long table: .csv, .xlsx or .parquet, one row per unit × indicator")
    b.add_argument("--out", required=True, metavar="OUT",
                   help="units table (.csv or .parquet); <stem>.indicators, .categories and .problems beside it")
    b.add_argument("--audit", metavar="AUDIT.jsonl",
                   help="stream every unit's audit trail here (one JSON line per unit, with an index)")
    b.add_argument("--audit-level", choices=("full", "record"), default="full",
                   help="full: the core's evaluation document of every unit (pure path); record: every input cell "
                   "and output of the unit at batch speed, turned into the full document on demand by "
                   "perfrules.batch.explain (docs/batch.md)")
    b.add_argument("--engine", choices=ENGINES, default="auto",
                   help="auto: the vectorised path when installed, else pure; pure; vector (needs perfrules[batch])")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    common(b)
    return b


def _err(lang: Lang) -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def run(args: argparse.Namespace, out_console: Console) -> int:
    """Run ``perfrules batch``; the exit code. SpecError and usage problems are reported here (exit 2)."""
    lang: Lang = getattr(args, "lang", "zh")
    zh = lang == "zh"
    err = _err(lang)
    out_path = output_paths(args.out)["units"]
    if out_path.suffix.lower() not in FORMATS:
        err.print(f"perfrules batch: {'参数错误' if zh else 'usage error'}: --out "
                  + ("须以 .csv 或 .parquet 结尾" if zh else "must end in .csv or .parquet"), markup=False)  # fmt: skip
        return EXIT_INPUT
    if not out_path.parent.exists() and str(out_path.parent) not in ("", "."):
        err.print(f"perfrules batch: --out: {'文件夹不存在' if zh else 'no such folder'}: {out_path.parent}", markup=False)
        return EXIT_INPUT
    try:
        table = read_table(args.input)
    except SpecError as exc:
        for p in exc.problems:
            where = p.location
            err.print(f"{where}: {p.text(lang)} [{p.code}]", markup=False, style="bold red")
        return EXIT_INPUT
    show = not args.quiet and err.is_terminal
    try:
        if show:
            with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), console=err, transient=True) as bar:  # fmt: skip
                task = bar.add_task("评分" if zh else "scoring", total=table.unit_count)
                summary = run_batch(table, args.out, audit=args.audit, engine=args.engine, audit_level=args.audit_level,
                                    progress=lambda done, total: bar.update(task, completed=done))  # fmt: skip
        else:
            summary = run_batch(table, args.out, audit=args.audit, engine=args.engine, audit_level=args.audit_level)
    except EngineUnavailable as exc:
        msg = "向量化计分需要 NumPy 和 pyarrow：pip install 'perfrules[batch]'" if zh else str(exc)
        err.print(f"perfrules batch: {msg}", markup=False, style="bold red")
        return EXIT_INPUT
    except SpecError as exc:
        for p in exc.problems:
            err.print(f"{p.location}: {p.text(lang)} [{p.code}]", markup=False, style="bold red")
        return EXIT_INPUT
    summary = attrs.evolve(summary, lang=lang)
    if summary.failed:
        _list_failures(args.out, lang, err)
    if not args.quiet:
        out_console.print(summary)
    return EXIT_OK if summary.failed == 0 else EXIT_INPUT


def _list_failures(out: str, lang: Lang, err: Console) -> None:
    """Print the first failed units' problems from the problems table (CSV only; Parquet: see the file)."""
    path = output_paths(out)["problems"]
    zh = lang == "zh"
    if path.suffix.lower() != ".csv":
        err.print(f"{'有误单位的问题见' if zh else 'problems of the failed units are in'} {path}", markup=False)
        return
    import csv

    units: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["unit"] not in units:
                if len(units) == MAX_LISTED:
                    err.print(f"… {'其余见' if zh else 'the rest are in'} {path}", markup=False, style="dim")
                    return
                units.append(row["unit"])
            where = f"{row['file']}:{row['row']}:{row['column']}" if row["row"] else row["file"]
            msg = row["error"] if zh else row["error_en"]
            err.print(f"{where}: [{row['unit']}] {msg} [{row['code']}]", markup=False, style="red")
