"""``perfrules schema spec|actuals|framework|case|evaluation [-o FILE]``: print or write a shipped JSON Schema.

The lead hooks this in ``perfrules/cli/_main.py``::

    from perfrules.cli import _schema
    _schema.add_parser(sub, common)          # in _build_parser
    if args.command == "schema": return _schema.run(args, out)

The schemas are the files perfrules ships (``specs/schemas/<name>.schema.json``,
package data ``perfrules._specs.schemas``), printed as they are: nothing is
generated here and only the standard library is imported, so the command is
fast. Editor set-up: docs/editors.md (``perfrules docs editors``).

Exit codes: 0 printed or written, 2 the output file cannot be written (or
the schema cannot be read: perfrules installed without its data).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfrules._resources import SCHEMA_NAMES, schema_text

if TYPE_CHECKING:  # rich is imported by the command line anyway; not needed here at run time
    from rich.console import Console

EXIT_OK, EXIT_INPUT = 0, 2

_WHAT = {
    "spec": "spec.toml (a unit spec or a flat spec)",
    "actuals": "actuals.toml",
    "framework": "a framework (specs/*.toml)",
    "case": "a golden-case file (*.case.toml)",
    "evaluation": "the JSON document of an evaluation (perfrules evaluate --format json)",
}


def add_parser(subparsers: Any, common: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Add the ``schema`` subcommand to ``subparsers``; ``common`` adds --lang and --width."""
    s: argparse.ArgumentParser = subparsers.add_parser(
        "schema",
        help="print a JSON Schema perfrules ships: of its TOML files, for editors (perfrules docs editors), "
        "or of the evaluation JSON document",
        description="Print (or write with -o) a JSON Schema perfrules ships:\n"
        + "\n".join(f"  {name:<11}{what}" for name, what in _WHAT.items())
        + "\nThe TOML schemas (draft-07) check keys, types and enumerations as an editor types;"
        "\nperfrules check does the rest (perfrules docs editors).",
        epilog="examples:\n  perfrules schema spec -o spec.schema.json\n  perfrules schema evaluation > evaluation.schema.json",
    )  # fmt: skip
    s.add_argument("name", metavar="NAME", choices=SCHEMA_NAMES, help=f"one of: {', '.join(SCHEMA_NAMES)}")
    s.add_argument("-o", "--output", metavar="FILE", help="write the schema to FILE instead of standard output")
    common(s)
    return s


def run(args: argparse.Namespace, out: Console) -> int:
    """Print the schema to standard output, or write it to ``args.output``; the exit code.

    ``out`` (the command's rich console) is not used for the schema itself:
    JSON goes to standard output as plain text, never through rich markup or
    wrapping.
    """
    zh = getattr(args, "lang", "zh") == "zh"
    try:
        text = schema_text(args.name)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"perfrules schema: {'无法读取模式文件' if zh else 'cannot read the schema'}: {exc}\n")
        return EXIT_INPUT
    if not args.output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    try:
        Path(args.output).write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        sys.stderr.write(f"perfrules schema: -o {args.output}: {exc.strerror or exc}\n")
        return EXIT_INPUT
    return EXIT_OK
