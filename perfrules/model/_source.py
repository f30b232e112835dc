"""Where each key of a loaded file sits, so that any later check can point at it.

A spec that ``extends`` a framework is merged from several files. Its
:class:`SourceMap` then also records, for every key path of the merged
(flattened) data, which file wrote it and under which path in that file
(:attr:`SourceMap.origins`). Problems are located accordingly: a key the
loaded file writes is shown at its own line; a value inherited from a
framework is reported at the loaded file's ``extends`` key, and the message
names the framework file, line and key the value comes from.

A source map need not come from a text file. Besides line:column
``positions`` it can hold ``places``: per key path, a workbook cell
(:class:`SheetCell`, ``自评表!E12``) or a position in a long table
(:class:`TableCell`, row and column). A reader that builds data from cells or
rows (the 自评表 workbook reader, the batch table) records them while it reads,
hands data and map to :func:`perfrules.loading.load_data`, and every problem
comes out at its cell or row:column (``Problem.cell`` for a sheet cell; for a
table, ``line``/``column`` with the column's name as the path). Both kinds are
looked up by nearest ancestor; a key path recorded as ``None`` in ``places`` is
known to have no place, and the search stops there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from perfrules._errors import PathKey, Problem, Severity, format_path

Position = tuple[int, int]

_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


@attrs.frozen
class SheetCell:
    """A workbook cell: its sheet and its A1 reference (``SheetCell("自评表", "E12")``)."""

    sheet: str
    ref: str

    @property
    def text(self) -> str:
        """``sheet!A1``, as :attr:`Problem.cell <perfrules.Problem.cell>` shows it."""
        return f"{self.sheet}!{self.ref}"

    @property
    def row(self) -> int | None:
        """The cell's 1-based row (``None`` if the reference is not of the ``A1`` form)."""
        m = _REF.fullmatch(self.ref)
        return int(m[2]) if m else None

    @property
    def column(self) -> int | None:
        """The cell's 1-based column number (``E`` is 5; ``None`` if not of the ``A1`` form)."""
        m = _REF.fullmatch(self.ref)
        return _column_number(m[1]) if m else None


@attrs.frozen
class TableCell:
    """A place in a long table: the row (header = row 1), the 1-based column number and its name."""

    row: int
    column: int
    name: str


Place = SheetCell | TableCell


def _nearest_place(places: Mapping[PathKey, Place | None], path: PathKey) -> Place | None:
    """The place of ``path`` or of its nearest recorded ancestor (``None`` recorded: no place)."""
    if not places:
        return None
    for end in range(len(path), 0, -1):
        key = path[:end]
        if key in places:
            return places[key]
    return None


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
    places: Mapping[PathKey, Place | None] = attrs.field(factory=dict, repr=False, kw_only=True)

    def locate(self, path: PathKey) -> tuple[int | None, int | None]:
        """Line and column of ``path`` in this file, or of its nearest ancestor that has one.

        For a cell or a table place: its row and column number.
        """
        place = _nearest_place(self.places, path)
        if place is not None:
            return (place.row, place.column)
        return _nearest(self.positions, path)

    def place(self, path: PathKey) -> Place | None:
        """The cell or table place of ``path`` or of its nearest recorded ancestor, if any."""
        return _nearest_place(self.places, path)


@attrs.frozen
class Location:
    """A place in a file: the file, the key path inside it, line and column (1-based)."""

    file: str | None
    path: PathKey
    line: int | None = None
    column: int | None = None
    framework: str | None = None  # set when the file is a framework the loaded file extends
    # a workbook cell or a table place (line and column: its row and column)
    place: Place | None = None

    @property
    def text(self) -> str:
        """``file:line:column`` as far as known (``<input>`` when there is no file);
        ``file:sheet!A1`` for a cell."""
        where = self.file if self.file is not None else "<input>"
        if isinstance(self.place, SheetCell):
            return f"{where}:{self.place.text}"
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

    ``places`` locate key paths at a workbook cell (:class:`SheetCell`) or a
    table place (:class:`TableCell`) instead of a line and column, for data a
    reader built from cells or rows; a key path recorded as ``None`` has no
    place. Places are looked up first, positions after.
    """

    file: str | None
    positions: Mapping[PathKey, Position] = attrs.field(factory=dict, repr=False)
    origins: Mapping[PathKey, tuple[SourceFile, PathKey]] = attrs.field(factory=dict, repr=False)
    anchor: PathKey | None = None
    places: Mapping[PathKey, Place | None] = attrs.field(factory=dict, repr=False, kw_only=True)

    def _at(self, path: PathKey) -> Location:
        """``path`` located in the loaded file itself: its place, else its line and column."""
        place = _nearest_place(self.places, path)
        if place is not None:
            return Location(self.file, path, place.row, place.column, place=place)
        line, column = _nearest(self.positions, path)
        return Location(self.file, path, line, column)

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
                return Location(
                    src.file, local_path, line, column, src.framework, src.place(local_path)
                )
        return self._at(path)

    def reported(self, path: PathKey) -> Location:
        """Where a problem about ``path`` is reported.

        A key the loaded file writes: there. A value inherited from a framework:
        the loaded file's ``extends`` key (the framework is shared; the problem
        arises in this spec), with ``framework`` set.
        """
        loc = self.written(path)
        if loc.framework is None or self.anchor is None:
            return loc
        return attrs.evolve(self._at(self.anchor), framework=loc.framework)

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

    The problem's ``path`` is the key path inside the file it names. At a
    workbook cell the problem carries ``cell`` (``sheet!A1``) with its row and
    column as ``line`` and ``column``; at a table place, ``line`` and ``column``
    are its row and column number and the path is the column's name. A value
    inherited from a framework is reported at the loaded file's ``extends`` key
    and the message says where the framework writes it; with ``written`` the
    problem is located in the framework file itself (for problems of the value
    as written there: an unknown key, a value of the wrong type).
    """
    file: str | None = None
    line: int | None = None
    column: int | None = None
    cell: str | None = None
    if source is not None:
        origin = source.written(path)
        loc = origin if written else source.reported(path)
        if loc.framework is not None and not written:
            en += (
                f" ({format_path(origin.path)}, inherited from "
                f"framework {loc.framework!r} at {origin.text})"
            )
            zh += f"（{format_path(origin.path)}，继承自框架“{loc.framework}”，位于 {origin.text}）"
        file, line, column, path = loc.file, loc.line, loc.column, loc.path
        if isinstance(loc.place, SheetCell):
            cell = loc.place.text
        elif isinstance(loc.place, TableCell):
            path = (loc.place.name,)
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
        cell=cell,
    )
