"""``python -m perfrules.schema --write [FOLDER]`` / ``--check [FOLDER]``: regenerate or check the
schema files.

FOLDER defaults to the shipped ``specs/schemas`` (in a source checkout, the repository's own).
Exit codes: 0 done (``--check``: every file is current), 1 ``--check`` found stale files, 2 bad
arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from perfrules._resources import schema_path
from perfrules.schema._shipped import REGENERATE, stale_schemas, write_schemas


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit code."""
    p = argparse.ArgumentParser(
        prog="python -m perfrules.schema",
        description="regenerate (--write) or check (--check) the JSON Schemas of the TOML files",
    )
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--write",
        nargs="?",
        const="",
        metavar="FOLDER",
        help="write the generated schemas into FOLDER",
    )
    mode.add_argument(
        "--check",
        nargs="?",
        const="",
        metavar="FOLDER",
        help="exit 1 when a file in FOLDER is stale",
    )
    args = p.parse_args(argv)
    given = args.write if args.write is not None else args.check
    folder = Path(given) if given else schema_path("spec").parent
    if not folder.is_dir():
        print(f"python -m perfrules.schema: no such folder: {folder}", file=sys.stderr)
        return 2
    if args.write is not None:
        for path in write_schemas(folder):
            print(path)
        return 0
    stale = stale_schemas(folder)
    for name in stale:
        print(
            f"{folder / (name + '.schema.json')}: stale; regenerate with: {REGENERATE}",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
