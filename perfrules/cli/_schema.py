"""``perfrules schema spec|actuals|framework|case|evaluation [-o FILE]``: print or write a shipped
JSON Schema.

Its options are in ``perfrules/cli/_parser.py``.
The schemas are the files perfrules ships (``specs/schemas/<name>.schema.json``,
package data ``perfrules._specs.schemas``), printed as they are: nothing is
generated here and only the standard library is imported, so the command is
fast. Editor set-up: docs/editors.md (``perfrules docs editors``).

Exit codes: 0 printed or written, 2 the output cannot be written (a folder,
a missing folder: nothing is written; a file is replaced atomically) or the
schema cannot be read (perfrules installed without its data).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from perfrules._resources import schema_text

if TYPE_CHECKING:  # rich is imported by the command line anyway; not needed here at run time
    from rich.console import Console

EXIT_OK, EXIT_INPUT = 0, 2


def run(args: argparse.Namespace, out: Console) -> int:
    """Print the schema to standard output, or write it to ``args.output``; the exit code.

    ``out`` (the command's rich console) is not used for the schema itself:
    JSON goes to standard output as plain text, never through rich markup or
    wrapping.
    """
    try:
        text = schema_text(args.name)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"perfrules schema: 无法读取模式文件 / cannot read the schema: {exc}\n")
        return EXIT_INPUT
    if not args.output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    problem = _write(Path(args.output), text)
    if problem is not None:
        sys.stderr.write(f"perfrules schema: -o {args.output}: {problem}\n")
        return EXIT_INPUT
    return EXIT_OK


def _write(out: Path, text: str) -> str | None:
    """Write ``text`` to ``out`` atomically (a temporary file beside it, then a rename); the
    problem, if any."""
    if out.is_dir():
        return "是文件夹，请写文件名 / is a folder; give a file name"
    folder = out.parent
    if not folder.is_dir():
        return f"文件夹 {folder} 不存在 / the folder {folder} does not exist"
    from perfrules._atomic import write_text  # standard library only, like this module

    try:
        write_text(out, text)
    except OSError as exc:
        return f"无法写入 / cannot be written: {exc.strerror or exc}"
    return None
