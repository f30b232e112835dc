"""The rich consoles of the command line (rich only: no scoring code is imported here)."""

from __future__ import annotations

import os
import sys
from typing import IO

from rich.console import Console

PIPE_WIDTH = 160  # tables piped to a file or another program: Chinese tables need room


def console(stream: IO[str], width: int | None = None) -> Console:
    """A console for ``stream``: a terminal's own width; piped, tables at 160 and prose never hard-wrapped."""
    piped = not stream.isatty()
    if width is None and piped and "COLUMNS" not in os.environ:
        width = PIPE_WIDTH
    # markup and emoji off: names, reasons and paths from specs are text, never rich markup
    return Console(file=stream, width=width, soft_wrap=piped, highlight=False, markup=False, emoji=False)


def stdout_console(width: int | None = None) -> Console:
    return console(sys.stdout, width)


def stderr_console() -> Console:
    return console(sys.stderr)
