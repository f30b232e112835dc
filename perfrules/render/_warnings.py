"""The list of warnings an evaluation raised."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from perfrules._errors import Lang
from perfrules.core import ScoreWarning


class WarningList:
    """Warnings (提示) that do not change scores but need a reviewer's attention."""

    def __init__(self, warnings: Sequence[ScoreWarning], *, lang: Lang = "zh") -> None:
        self.warnings = tuple(warnings)
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold yellow", no_wrap=True)
        grid.add_column(overflow="fold")
        for i, w in enumerate(self.warnings, 1):
            body = Text(w.text(self.lang))
            if w.citation is not None:
                body.append(
                    ("（依据：" if self.lang == "zh" else " (rule: ")
                    + w.citation.document
                    + ("）" if self.lang == "zh" else ")"),
                    style="dim",
                )
            grid.add_row(f"{i}.", body)
        title = "提示" if self.lang == "zh" else "Warnings"
        yield Panel(
            grid, title=f"{title} ({len(self.warnings)})", border_style="yellow", expand=True
        )
