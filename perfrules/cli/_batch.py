"""``perfrules batch IN --out OUT``: score every unit of a long table (docs/batch.md).

Its options are in ``perfrules/cli/_parser.py``. Exit codes: 0 every unit
scored; 1 some units failed (each has its error row; every other unit is
scored and written); 2 bad input (arguments, an unreadable table, an unknown
header) or a missing extra; an internal error is raised to the caller, which reports it (3).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import attrs
from rich.console import Console

from perfrules._errors import Lang, MissingExtraError, SpecError
from perfrules._progress import progress_line
from perfrules._safe_text import unneutralise
from perfrules.batch import FORMATS, index_path, output_paths, read_table, run_batch
from perfrules.cli._common import check_distinct
from perfrules.cli._console import console
from perfrules.cli._exit import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK

MAX_LISTED = 20  # failed units whose problems are printed (all are in the problems table)


def _err(lang: Lang) -> Console:
    # control characters of unit ids, paths and messages are shown escaped
    # (perfrules/cli/_console.py)
    return console(sys.stderr, soft_wrap=True)


def _pyarrow_without_pandas() -> None:
    """Spare the command's process pyarrow's import of pandas (0.3–0.5 s of CPU at every start).

    pyarrow imports pandas, when it is installed, on its first ``pa.array()``,
    only to recognise pandas objects among the values it is given; the batch
    command never gives it any. Only when this process is the command (run
    as ``perfrules`` or ``python -m perfrules``) and pandas is not imported
    yet: pyarrow is shown pandas as missing once, then pandas imports as
    usual (an explicit pandas conversion in pyarrow imports it again).
    """
    if "pandas" in sys.modules or Path(sys.argv[0]).name not in ("perfrules", "__main__.py"):
        return

    class _NoPandas:
        @staticmethod
        def find_spec(name: str, path: object = None, target: object = None) -> None:
            if name.partition(".")[0] == "pandas":
                raise ImportError("pandas is not used by perfrules batch")

    sys.meta_path.insert(0, _NoPandas)
    try:
        import pyarrow

        pyarrow.array([0])  # pyarrow looks for pandas once, here
    except ImportError:  # no pyarrow: nothing to spare
        pass
    finally:
        sys.meta_path.remove(_NoPandas)


def run(args: argparse.Namespace, out_console: Console) -> int:
    """Run ``perfrules batch``; the exit code. SpecError and usage problems are reported here (exit
    2).

    Failed units are findings (exit 1): their rows are in the problems table.
    """
    _pyarrow_without_pandas()
    lang: Lang = getattr(args, "lang", "zh")
    zh = lang == "zh"
    err = _err(lang)
    out_path = output_paths(args.out)["units"]
    if out_path.suffix.lower() not in FORMATS:
        err.print(
            f"perfrules batch: {'参数错误' if zh else 'usage error'}: --out "
            + ("须以 .csv 或 .parquet 结尾" if zh else "must end in .csv or .parquet"),
            markup=False,
        )
        return EXIT_INPUT
    if not out_path.parent.exists() and str(out_path.parent) not in ("", "."):
        err.print(
            f"perfrules batch: --out: {'文件夹不存在' if zh else 'no such folder'}: {out_path.parent}",
            markup=False,
        )
        return EXIT_INPUT
    if args.audit is not None and not index_path(args.audit).parent.is_dir():
        err.print(
            f"perfrules batch: --audit: {'文件夹不存在' if zh else 'no such folder'}: "
            f"{index_path(args.audit).parent}",
            markup=False,
        )
        return EXIT_INPUT
    outputs: list[tuple[str, str | Path]] = [("--out", p) for p in output_paths(args.out).values()]
    if args.audit is not None:
        outputs += [("--audit", args.audit), ("--audit", index_path(args.audit))]
    # before any work: an output never replaces an input
    check_distinct(outputs, [("IN", args.input)])
    try:
        table = read_table(args.input, scan=False)  # the run checks what the unit scan would
    except SpecError as exc:
        for p in exc.problems:
            where = p.location
            err.print(f"{where}: {p.text(lang)} [{p.code}]", markup=False, style="bold red")
        return EXIT_INPUT
    try:
        # one live line (label, bar, done/total, rate), drawn only on a terminal and never with
        # --quiet
        with progress_line(
            "评分" if zh else "scoring", console=err, enabled=not args.quiet
        ) as update:
            summary = run_batch(
                table,
                args.out,
                audit=args.audit,
                engine=args.engine,
                audit_level=args.audit_level,
                progress=update,
            )
    except (
        MissingExtraError
    ) as exc:  # --engine vector, Parquet or audit records without perfrules[batch]
        err.print(f"perfrules batch: {exc.text(lang)}", markup=False, style="bold red")
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
    return EXIT_OK if summary.failed == 0 else EXIT_FINDINGS


def _list_failures(out: str, lang: Lang, err: Console) -> None:
    """Print the first failed units' problems from the problems table (CSV only; Parquet: see the
    file)."""
    path = output_paths(out)["problems"]
    zh = lang == "zh"
    if path.suffix.lower() != ".csv":
        err.print(
            f"{'有误单位的问题见' if zh else 'problems of the failed units are in'} {path}",
            markup=False,
        )
        return
    import csv

    units: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["unit"] not in units:
                if len(units) == MAX_LISTED:
                    err.print(
                        f"… {'其余见' if zh else 'the rest are in'} {path}",
                        markup=False,
                        style="dim",
                    )
                    return
                units.append(row["unit"])
            row = {
                k: unneutralise(v) if isinstance(v, str) else v for k, v in row.items()
            }  # CSV-injection quotes
            where = f"{row['file']}:{row['row']}:{row['column']}" if row["row"] else row["file"]
            msg = row["error"] if zh else row["error_en"]
            err.print(f"{where}: [{row['unit']}] {msg} [{row['code']}]", markup=False, style="red")
