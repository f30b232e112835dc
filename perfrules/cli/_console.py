"""The rich consoles of the command line (rich only: no scoring code is imported here).

Every console the commands print through is a :class:`SafeConsole`: names,
keys, reasons and paths come from specs, tables and workbooks, and a raw
terminal escape sequence in one of them (``\\x1b]0;…``, ``\\x1b[2J``) must not
reach the terminal. Control characters in the text are shown escaped
(``\\x1b``, ``\\x9b``, ``\\u202e``); rich's own styles and cursor controls are
rendered as usual.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console
from rich.segment import Segment

from perfrules._safe_text import UNSAFE, escape_controls

PIPE_WIDTH = 160  # tables piped to a file or another program: Chinese tables need room


class SafeConsole(Console):
    """A rich console that never writes a control character of the printed text: each is shown
    escaped.

    Only text segments are escaped; control segments (cursor movement of a
    progress bar) and the style codes rich renders around the text are not
    text, and pass as they are.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(_safe(buffer))


def _safe(buffer: Iterable[Segment]) -> Iterable[Segment]:
    for seg in buffer:
        text, style, control = seg
        if control is None and UNSAFE.search(text):
            yield Segment(escape_controls(text), style, control)
        else:
            yield seg


def console(stream: IO[str], width: int | None = None, **options: Any) -> Console:
    """A console for ``stream``: a terminal's own width; piped, tables at 160 and prose never
    hard-wrapped."""
    piped = not stream.isatty()
    if width is None and piped and "COLUMNS" not in os.environ:
        width = PIPE_WIDTH
    # markup and emoji off: names, reasons and paths from specs are text, never rich markup
    settings: dict[str, Any] = {
        "width": width,
        "soft_wrap": piped,
        "highlight": False,
        "markup": False,
        "emoji": False,
    }
    settings.update(options)
    return SafeConsole(file=stream, **settings)


def stdout_console(width: int | None = None) -> Console:
    return console(sys.stdout, width)


def stderr_console() -> Console:
    return console(sys.stderr)
