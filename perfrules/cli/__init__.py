"""The ``perfrules`` command-line interface."""

import sys

from perfrules.cli._main import main

__all__ = ["main", "run"]


def run() -> None:
    """Console-script entry point: exit with :func:`main`'s code."""
    sys.exit(main())
