"""Where each key of a loaded file sits, so that any later check can point at it."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from perfrules._errors import PathKey, Problem, Severity


@attrs.frozen
class SourceMap:
    """The file a model object was loaded from and the position of every key path in it.

    Attached to :class:`~perfrules.Spec` and :class:`~perfrules.Actuals` by the
    loaders; objects built in Python have none. It never takes part in equality.
    """

    file: str | None
    positions: Mapping[PathKey, tuple[int, int]] = attrs.field(factory=dict, repr=False)

    def locate(self, path: PathKey) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), 0, -1):
            pos = self.positions.get(path[:end])
            if pos is not None:
                return pos
        return (None, None)


def make_problem(
    code: str,
    path: PathKey,
    *,
    en: str,
    zh: str,
    source: SourceMap | None = None,
    suggestion: str | None = None,
    severity: Severity = Severity.ERROR,
) -> Problem:
    """Build a :class:`Problem`, located through ``source`` when there is one."""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    if source is not None:
        file = source.file
        line, column = source.locate(path)
    return Problem(
        code=code,
        message=en,
        message_zh=zh,
        path=path,
        file=file,
        line=line,
        column=column,
        suggestion=suggestion,
        severity=severity,
    )
