"""Readable, located listing of input problems (a :class:`~perfrules.SpecError`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from perfrules._errors import Lang, Problem, Severity, format_path


class ProblemList:
    """Every problem with ``file:line:column``, key path, message, did-you-mean and code."""

    def __init__(self, problems: Sequence[Problem], *, lang: Lang = "zh") -> None:
        self.problems = tuple(problems)
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        n = len(self.problems)
        zh = self.lang == "zh"
        yield Text(
            f"发现 {n} 个问题：" if zh else f"{n} problem{'s' if n != 1 else ''} found:",
            style="bold red",
        )
        for p in self.problems:
            line = Text()
            line.append(p.location, style="bold")
            line.append(": ")
            if p.severity is Severity.WARNING:
                line.append("警告 " if zh else "warning ", style="yellow")
            path = format_path(p.path)
            if path:
                line.append(path, style="cyan")
                line.append(": ")
            line.append(p.text(self.lang))
            line.append(f" [{p.code}]", style="dim")
            yield line
