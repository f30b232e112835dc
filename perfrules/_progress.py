"""The live progress line of long work: one home for ``batch``, ``diff``, ``test`` and the Dask
route.

:func:`progress_line` is a context manager yielding ``update(done, total)``.
On a terminal it draws one transient rich line on the console's stream
(stderr by default): a label, a bar, ``done/total`` and the rate per second;
when the stream is piped or redirected (not a terminal), or when ``enabled``
is false, ``update`` does nothing and nothing is written, so piped output
stays clean. rich is imported only when a line is drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

Update = Callable[[int, int], None]
"""``update(done, total)``: how much is done so far, out of how much."""


def _quiet(done: int, total: int) -> None:
    """The update of a line that is not drawn."""


def _rate_column() -> Any:
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second, from rich's moving estimate (blank until there is one)."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")

    return RateColumn()


@contextmanager
def progress_line(
    label: str, *, console: Console | None = None, enabled: bool = True
) -> Iterator[Update]:
    """A live ``label ━━━ done/total rate/s`` line while the block runs, only on a terminal.

    ``console`` is where to draw (default: a console on stderr); the line is
    drawn only when it is a terminal and ``enabled`` is true, and is removed
    when the block ends. The yielded ``update(done, total)`` may be called
    from the thread that runs the block as often as wished (rich redraws at
    most ten times a second).
    """
    if not enabled:
        yield _quiet
        return
    if console is None:
        if not sys.stderr.isatty():
            yield _quiet
            return
        from rich.console import Console

        console = Console(file=sys.stderr)
    if not console.is_terminal:
        yield _quiet
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _rate_column(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
