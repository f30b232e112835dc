"""Where each key of a loaded file sits, so that any later check can point at it.

A spec that ``extends`` a framework is merged from several files. Its
:class:`SourceMap` then also records, for every key path of the merged
(flattened) data, which file wrote it and under which path in that file
(:attr:`SourceMap.origins`). Problems are located accordingly: a key the
loaded file writes is shown at its own line; a value inherited from a
framework is reported at the loaded file's ``extends`` key, and the message
names the framework file, line and key the value comes from.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from perfrules._errors import PathKey, Problem, Severity, format_path

Position = tuple[int, int]


def _nearest(positions: Mapping[PathKey, Position], path: PathKey) -> tuple[int | None, int | None]:
    """Line and column of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), 0, -1):
        pos = positions.get(path[:end])
        if pos is not None:
            return pos
    return (None, None)


@attrs.frozen
class SourceFile:
    """One file that contributed to a merged spec: its name, key positions and framework id."""

    file: str | None
    positions: Mapping[PathKey, Position] = attrs.field(factory=dict, repr=False)
    framework: str | None = None  # the framework's id; None for the loaded file itself

    def locate(self, path: PathKey) -> tuple[int | None, int | None]:
        """Line and column of ``path`` in this file, or of its nearest ancestor that has one."""
        return _nearest(self.positions, path)


@attrs.frozen
class Location:
    """A place in a file: the file, the key path inside it, line and column (1-based)."""

    file: str | None
    path: PathKey
    line: int | None = None
    column: int | None = None
    framework: str | None = None  # set when the file is a framework the loaded file extends

    @property
    def text(self) -> str:
        """``file:line:column`` as far as known (``<input>`` when there is no file)."""
        where = self.file if self.file is not None else "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


@attrs.frozen
class SourceMap:
    """The file a model object was loaded from and the position of every key path in it.

    Attached to :class:`~perfrules.Spec` and :class:`~perfrules.Actuals` by the
    loaders; objects built in Python have none. It never takes part in equality.

    ``positions`` are the loaded file's own (key path in that file → line,
    column). For a spec merged from frameworks, ``origins`` maps key paths of
    the merged data to the file that wrote them and the path there, and
    ``anchor`` is the path of the loaded file's ``extends`` key.
    """

    file: str | None
    positions: Mapping[PathKey, Position] = attrs.field(factory=dict, repr=False)
    origins: Mapping[PathKey, tuple[SourceFile, PathKey]] = attrs.field(factory=dict, repr=False)
    anchor: PathKey | None = None

    def written(self, path: PathKey) -> Location:
        """Where ``path`` of the (merged) data is written, possibly in a framework file.

        Without ``origins`` this is the loaded file and ``path`` itself. The
        position is that of the key or of its nearest ancestor that has one.
        """
        if self.origins:
            for end in range(len(path), -1, -1):
                hit = self.origins.get(path[:end])
                if hit is None:
                    continue
                src, local = hit
                local_path = (*local, *path[end:])
                line, column = src.locate(local_path)
                return Location(src.file, local_path, line, column, src.framework)
        line, column = _nearest(self.positions, path)
        return Location(self.file, path, line, column)

    def reported(self, path: PathKey) -> Location:
        """Where a problem about ``path`` is reported.

        A key the loaded file writes: there. A value inherited from a framework:
        the loaded file's ``extends`` key (the framework is shared; the problem
        arises in this spec), with ``framework`` set.
        """
        loc = self.written(path)
        if loc.framework is None or self.anchor is None:
            return loc
        line, column = _nearest(self.positions, self.anchor)
        return Location(self.file, self.anchor, line, column, loc.framework)

    def locate(self, path: PathKey) -> tuple[int | None, int | None]:
        """Line and column where a problem about ``path`` is reported (see :meth:`reported`)."""
        loc = self.reported(path)
        return (loc.line, loc.column)


def make_problem(
    code: str,
    path: PathKey,
    *,
    en: str,
    zh: str,
    source: SourceMap | None = None,
    suggestion: str | None = None,
    severity: Severity = Severity.ERROR,
    written: bool = False,
) -> Problem:
    """Build a :class:`Problem`, located through ``source`` when there is one.

    The problem's ``path`` is the key path inside the file it names. A value
    inherited from a framework is reported at the loaded file's ``extends`` key
    and the message says where the framework writes it; with ``written`` the
    problem is located in the framework file itself (for problems of the value
    as written there: an unknown key, a value of the wrong type).
    """
    file: str | None = None
    line: int | None = None
    column: int | None = None
    if source is not None:
        origin = source.written(path)
        loc = origin if written else source.reported(path)
        if loc.framework is not None and not written:
            en += f" ({format_path(origin.path)}, inherited from framework {loc.framework!r} at {origin.text})"
            zh += f"（{format_path(origin.path)}，继承自框架“{loc.framework}”，位于 {origin.text}）"
        file, line, column, path = loc.file, loc.line, loc.column, loc.path
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
