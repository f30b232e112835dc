"""The ``perfrules`` command line: parse, run one command, turn every outcome into an exit code.

Exit codes (``perfrules/cli/_exit.py``, README): 0 ok; 1 findings (``lint
--strict`` warnings, failed golden cases, ``import`` disagreements, ``batch``
units that failed); 2 bad input or usage (every problem located; an output
path that cannot be written; a missing optional dependency); 3 internal error.

Start-up is kept short: the parser imports only the standard library, and a
command's implementation (with the scoring core, cattrs and rich) is imported
when that command runs, from the module :data:`COMMANDS` names.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from perfrules.cli._exit import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, UsageError
from perfrules.cli._parser import build_parser

# command → (module, function); the function takes (args, lang, out console) and returns the exit
# code.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("perfrules.cli._commands", "run_check"),
    "evaluate": ("perfrules.cli._commands", "run_evaluate"),
    "explain": ("perfrules.cli._commands", "run_explain"),
    "lint": ("perfrules.cli._authoring", "run_lint"),
    "test": ("perfrules.cli._authoring", "run_test"),
    "diff": ("perfrules.cli._authoring", "run_diff"),
    "frameworks": ("perfrules.cli._catalogue", "run_frameworks"),
    "template": ("perfrules.cli._catalogue", "run_template"),
    "import": ("perfrules.cli._interchange", "run_import"),
    "export": ("perfrules.cli._interchange", "run_export"),
    "batch": ("perfrules.cli._batch", "run"),
    "schema": ("perfrules.cli._schema", "run"),
    "docs": ("perfrules.cli._docs", "run"),
    "completion": ("perfrules.cli._completion", "run"),
    "serve": ("perfrules.cli._serve", "run"),
}


def _lang_of(raw: Sequence[str]) -> str:
    """The output language asked for, read before parsing (so that parse errors use it too)."""
    for i, arg in enumerate(raw):
        if arg == "--lang=en" or (arg == "--lang" and i + 1 < len(raw) and raw[i + 1] == "en"):
            return "en"
    return "zh"


def _plain_console(stream: IO[str]) -> Any:
    from perfrules.cli._console import console

    return console(stream)


def _one_blas_thread() -> None:
    """Load NumPy's OpenBLAS with one thread in the ``batch`` command's process.

    At import, OpenBLAS starts a thread per CPU that spins while it waits for
    work (some 0.1 s of CPU at every start, on a CPU the run could use);
    ``perfrules batch`` does no linear algebra. Only when this process is the
    command (run as ``perfrules`` or ``python -m perfrules``), NumPy is not
    imported yet and the user set no ``OPENBLAS_NUM_THREADS``; the variable
    is removed again once NumPy is loaded (a child process sees the
    environment as it was).
    """
    if (
        "numpy" in sys.modules
        or "OPENBLAS_NUM_THREADS" in os.environ
        or Path(sys.argv[0]).name not in ("perfrules", "__main__.py")
    ):
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        import numpy  # noqa: F401
    except ImportError:  # no NumPy: the pure engine
        pass
    finally:
        del os.environ["OPENBLAS_NUM_THREADS"]


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    module_name, function = COMMANDS[args.command]
    if args.command == "batch":
        _one_blas_thread()
    module = importlib.import_module(module_name)
    lang = args.lang
    if args.command == "completion":
        return int(module.run(args, sys.stdout, parser))
    if args.command in ("schema", "docs"):
        return int(getattr(module, function)(args, _plain_console(sys.stdout)))
    from perfrules.cli._console import console

    out = console(sys.stdout, args.width)
    if args.command == "batch":
        return int(module.run(args, out))
    return int(getattr(module, function)(args, lang, out))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 findings, 2 bad input or usage, 3
    internal error)."""
    raw = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_of(raw)
    zh = lang == "zh"
    parser = build_parser()
    try:
        if not raw:
            sys.stdout.write(parser.format_help())
            return EXIT_OK
        args = parser.parse_args(raw)
        if args.command is None:
            raise UsageError(
                "choose a command (perfrules --help lists them) / 请选择命令（perfrules --help 列出全部命令）"
            )
        from perfrules._atomic import signals_as_exceptions

        # SIGTERM/SIGHUP raise, so every writer removes its temporary files
        with signals_as_exceptions():
            return _dispatch(args, parser)
    except UsageError as exc:
        sys.stderr.write(f"perfrules: {'参数错误' if zh else 'usage error'}: {exc}\n")
        sys.stderr.write("perfrules --help\n")
        return EXIT_INPUT
    except SystemExit as exc:  # --help / --version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BaseException as exc:  # noqa: BLE001
        # sorted below: input problems are exit 2, anything else is a bug
        from perfrules._atomic import Interrupted

        # SIGTERM or SIGHUP: temporary files are gone, outputs untouched
        if isinstance(exc, Interrupted):
            return 128 + exc.signum
        return _failure(exc, zh)


def _failure(exc: BaseException, zh: bool) -> int:
    """Report an exception: located input problems, a missing extra and unwritable paths are exit
    2, anything else 3."""
    from perfrules._errors import MissingExtraError, SpecError

    err = _plain_console(sys.stderr)
    if isinstance(exc, SpecError):
        from perfrules.render import ProblemList

        err.print(ProblemList(exc.problems, lang="zh" if zh else "en"))
        return EXIT_INPUT
    if isinstance(exc, MissingExtraError):  # names the extra to install
        err.print(f"perfrules: {exc.text('zh' if zh else 'en')}", markup=False)
        return EXIT_INPUT
    if isinstance(exc, OSError) and exc.filename is not None:
        what = exc.strerror or type(exc).__name__
        if zh:
            err.print(f"perfrules: 无法读写 {exc.filename}：{what}", markup=False)
        else:
            err.print(f"perfrules: cannot use {exc.filename}: {what}", markup=False)
        return EXIT_INPUT
    import traceback

    err.print(
        "perfrules: 内部错误（请连同引起它的输入一起报告）："
        if zh
        else "perfrules: internal error (please report it with the input that caused it):",
        style="bold red",
    )
    err.print("".join(traceback.format_exception(exc)), markup=False)
    return EXIT_INTERNAL
