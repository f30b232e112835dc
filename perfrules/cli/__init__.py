"""The ``perfrules`` command-line interface.

``perfrules --version`` answers before the parser is built; every other
command builds the standard-library parser (``_parser``) and imports its own
implementation only when it runs (``_main.COMMANDS``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 findings, 2 bad input or usage, 3
    internal error)."""
    from perfrules.cli._main import main as _main

    return _main(argv)


def run() -> None:
    """Console-script entry point: exit with :func:`main`'s code."""
    if sys.argv[1:] in (["-V"], ["--version"]):
        from perfrules._version import __version__

        sys.stdout.write(f"perfrules {__version__}\n")
        sys.exit(0)
    sys.exit(main())
