"""Checks an .xlsx file before openpyxl loads it: bounded time and memory, no DTDs (standard library
only).

openpyxl trusts what a workbook says. A 16 KB file with one cell at
``XFD1048576`` makes a reader that walks the used range visit 17 billion
cells; a zip member can inflate a thousandfold; an XML member can carry a
DTD with entities. :func:`check_xlsx` opens the zip itself and, before
anything else reads the file:

* refuses a file that is not a regular file or is larger than
  :data:`perfrules._limits.MAX_WORKBOOK_BYTES`;
* refuses more than ``max_members`` members, and any member — or all of them
  together — that would inflate beyond ``max_member_bytes`` /
  ``max_total_bytes`` (the sizes the zip declares: :mod:`zipfile` never
  inflates a member past its declared size, so they bound what openpyxl reads);
* parses every XML member (``*.xml``, ``*.rels``, ``*.vml``) with expat, streamed
  in blocks, refusing a document type declaration (``<!DOCTYPE``: every
  entity declaration, internal or external, comes with one) and external
  entity references — nothing is ever fetched or expanded — and reporting
  malformed XML at its member, line and column;
* reads each worksheet's extent while parsing it: every ``<row r>``,
  ``<c r>`` (or the position implied when ``r`` is left out), ``<mergeCell
  ref>`` and ``<dimension ref>`` must lie within ``max_rows`` × ``max_columns``,
  and the sheet may hold at most ``max_cells`` ``<c>`` elements. The parse
  stops at the first cell outside the bounds, so ``XFD1048576`` is refused in
  milliseconds.

Each refusal is a :class:`perfrules.Problem` (code ``file``, ``unreadable``,
``workbook-too-large``, ``xml-forbidden``, ``sheet-too-large``), located at
the cell (``sheet!XFD1048576``) or at the member's line and column
(``book.xlsx[xl/worksheets/sheet1.xml]:3:17``). :data:`FORM_LIMITS` are the
bounds of a 自评表 (``perfrules import``), :data:`TABLE_LIMITS` those of a
long batch table.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from perfrules._errors import Problem
from perfrules._limits import MAX_WORKBOOK_BYTES, file_problem
from perfrules._messages import Message, message

_BLOCK = 1 << 16
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_REF = re.compile(r"\$?([A-Za-z]{1,7})\$?([0-9]{1,10})")
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_TYPE = _REL_NS + "/worksheet"


@dataclasses.dataclass(frozen=True)
class XlsxLimits:
    """What a workbook may hold (see the module's documentation)."""

    max_members: int = 10_000
    max_member_bytes: int = 64 * 2**20  # inflated, one member
    max_total_bytes: int = 256 * 2**20  # inflated, all members
    max_rows: int = 65_536  # an Excel 97–2003 sheet: far beyond any 自评表
    max_columns: int = 256
    max_cells: int = 200_000  # <c> elements (and cells covered by merged ranges) of one sheet
    max_file_bytes: int = MAX_WORKBOOK_BYTES


FORM_LIMITS = XlsxLimits()
"""A 自评表 workbook (``perfrules import``, :func:`perfrules.interchange.read_workbook`)."""

TABLE_LIMITS = XlsxLimits(
    max_member_bytes=2048 * 2**20,
    max_total_bytes=4096 * 2**20,
    max_rows=1_048_576,
    max_columns=256,
    max_cells=32 * 2**20,
)
"""A long batch table as .xlsx: as many rows as Excel has; no cell right of column IV."""


def column_letters(col: int) -> str:
    """1 → ``A``, 256 → ``IV``, 16384 → ``XFD``."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def column_number(letters: str) -> int:
    """``A`` → 1, ``J`` → 10, ``AA`` → 27 (either case)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - ord("A") + 1
    return n


class _Stop(Exception):
    """Ends a parse early with the problem found."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def check_xlsx(path: str | os.PathLike[str], limits: XlsxLimits = FORM_LIMITS) -> list[Problem]:
    """Every reason not to load the workbook at ``path`` (an empty list: it is within ``limits``).

    A missing file gives no problem (the caller's own open reports it). Never
    raises for a bad file; reads only the zip directory and streams each XML
    member once.
    """
    file = os.fspath(path)
    if not os.path.exists(file):
        return []
    found = file_problem(file, limits.max_file_bytes)
    if found is not None:
        return [_problem("file", file, Message(*found))]
    try:
        zf = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return [
            _problem(
                "unreadable",
                file,
                message(("unreadable", "zip"), error=exc),
            )
        ]
    with zf:
        problems = _check_sizes(file, zf, limits)
        if problems:
            return problems
        sheets = _sheet_names(file, zf)
        if isinstance(sheets, Problem):
            return [sheets]
        for info in zf.infolist():
            name = info.filename
            if not name.lower().endswith(_XML_SUFFIXES) or info.is_dir():
                continue
            sheet = sheets.get(name)
            if sheet is None and re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
                sheet = name
            scan = _SheetScan(file, sheet, limits) if sheet is not None else None
            problem = _parse(file, zf, info, scan)
            if problem is not None:
                return [problem]
    return []


# ---------------------------------------------------------------------------
# the zip


def _problem(
    code: str,
    file: str,
    text: Message,
    *,
    line: int | None = None,
    column: int | None = None,
    cell: str | None = None,
) -> Problem:
    """A workbook problem (its codes are the importer's: docs/excel.md, "Errors")."""
    return Problem(code=code, **text.as_message(), file=file, line=line, column=column, cell=cell)


def _check_sizes(file: str, zf: zipfile.ZipFile, limits: XlsxLimits) -> list[Problem]:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        return [
            _problem(
                "workbook-too-large",
                file,
                message(
                    ("workbook-too-large", "parts"), parts=len(infos), limit=limits.max_members
                ),
            )
        ]
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_member_bytes:
            return [
                _problem(
                    "workbook-too-large",
                    file,
                    message(
                        ("workbook-too-large", "part-bytes"),
                        part=info.filename,
                        size=info.file_size,
                        limit=limits.max_member_bytes,
                    ),
                )
            ]
    if total > limits.max_total_bytes:
        return [
            _problem(
                "workbook-too-large",
                file,
                message(
                    ("workbook-too-large", "total-bytes"), size=total, limit=limits.max_total_bytes
                ),
            )
        ]
    return []


def _sheet_names(file: str, zf: zipfile.ZipFile) -> dict[str, str] | Problem:
    """Worksheet member → sheet name, from ``xl/workbook.xml`` and its relationships (parsed with
    the same guard)."""
    names = set(zf.namelist())
    book = "xl/workbook.xml"
    rels = "xl/_rels/workbook.xml.rels"
    if book not in names or rels not in names:
        return {}
    sheets: dict[str, str] = {}  # relationship id → sheet name
    targets: dict[str, str] = {}  # relationship id → member

    def on_book(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id" and k != "sheetId"), None)
            if rid is not None:
                sheets[rid] = attrs.get("name", rid)

    def on_rels(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and attrs.get("Type", "").endswith("/worksheet"):
            target = attrs.get("Target", "")
            member = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            targets[attrs.get("Id", "")] = member

    for member, handler in ((book, on_book), (rels, on_rels)):
        problem = _parse(file, zf, zf.getinfo(member), None, handler)
        if problem is not None:
            return problem
    return {member: sheets.get(rid, member) for rid, member in targets.items()}


def _local(name: str) -> str:
    """An element or attribute name without its namespace prefix (``x:c`` → ``c``)."""
    return name.rsplit(":", 1)[-1]


# ---------------------------------------------------------------------------
# XML


def _parse(
    file: str,
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    scan: _SheetScan | None,
    on_start: Callable[[str, dict[str, str]], None] | None = None,
) -> Problem | None:
    """Stream one XML member through expat: DTDs refused, errors located; ``scan`` reads a
    worksheet's extent."""
    where = f"{file}[{info.filename}]"
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def forbidden(*_: Any) -> None:
        line, col = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        raise _Stop(
            _problem(
                "xml-forbidden",
                where,
                message("xml-forbidden", part=info.filename),
                line=line,
                column=col,
            )
        )

    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    parser.ExternalEntityRefHandler = forbidden  # type: ignore[assignment]
    if scan is not None:
        scan.parser = parser
        parser.StartElementHandler = scan.start
    elif on_start is not None:
        parser.StartElementHandler = on_start
    try:
        with zf.open(info) as fh:
            while block := fh.read(_BLOCK):
                parser.Parse(block, False)
            parser.Parse(b"", True)
        if scan is not None:
            scan.finish()
    except _Stop as stop:
        return stop.problem
    except expat.ExpatError as exc:
        reason = expat.errors.messages.get(exc.code, str(exc)) if exc.code is not None else str(exc)
        return _problem(
            "unreadable",
            where,
            message(("unreadable", "xml"), part=info.filename, reason=reason),
            line=exc.lineno,
            column=exc.offset + 1,
        )
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ) as exc:
        return _problem(
            "unreadable",
            where,
            message(("unreadable", "part"), part=info.filename, error=exc),
        )
    return None


def _cell_beyond(**at: object) -> Message:
    return message(("sheet-too-large", "cell"), **at)


def _row_beyond(**at: object) -> Message:
    return message(("sheet-too-large", "row"), **at)


class _SheetScan:
    """The extent of one worksheet, read element by element; stops at the first thing out of
    bounds."""

    def __init__(self, file: str, sheet: str, limits: XlsxLimits) -> None:
        self.file = file
        self.sheet = sheet
        self.limits = limits
        self.parser: Any = None
        self.row = 0
        self.col = 0
        self.cells = 0
        self.merged = 0
        self.dimension = ""

    def finish(self) -> None:
        """After the last element: the declared used range (``<dimension ref>``) within the
        bounds too."""
        for part in self.dimension.split(":")[:2]:
            pos = self._ref(part)
            if pos is not None:
                self._beyond(
                    *pos,
                    lambda **at: message(
                        ("sheet-too-large", "used-range"), range=self.dimension, **at
                    ),
                )

    def _beyond(self, row: int, col: int, text: Callable[..., Message]) -> None:
        """Stop at ``row``, ``col`` when it lies beyond the bounds; ``text`` makes the message
        from the fields ``ref``, ``columns``, ``last_column`` and ``rows`` (only then)."""
        lim = self.limits
        if row <= lim.max_rows and col <= lim.max_columns:
            return
        ref = f"{column_letters(col)}{row}"
        raise _Stop(
            _problem(
                "sheet-too-large",
                self.file,
                text(
                    ref=ref,
                    columns=lim.max_columns,
                    last_column=column_letters(lim.max_columns),
                    rows=lim.max_rows,
                ),
                line=row,
                column=col,
                cell=f"{self.sheet}!{ref}",
            )
        )

    def _ref(self, text: str) -> tuple[int, int] | None:
        m = _REF.fullmatch(text.strip())
        return (int(m[2]), column_number(m[1])) if m else None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            self.cells += 1
            if self.cells > self.limits.max_cells:
                raise _Stop(
                    _problem(
                        "sheet-too-large",
                        self.file,
                        message(
                            ("sheet-too-large", "cells"),
                            sheet=self.sheet,
                            limit=self.limits.max_cells,
                        ),
                    )
                )
            pos = self._ref(attrs["r"]) if "r" in attrs else None
            if pos is not None:
                self.row, self.col = pos
            else:
                self.col += 1
            self._beyond(self.row or 1, self.col, _cell_beyond)
        elif tag == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() and len(r) <= 10 else self.row + 1
            self.col = 0
            self._beyond(self.row, 1, _row_beyond)
        elif tag == "dimension":
            # what a read-only reader walks; checked after the cells, which locate better
            self.dimension = attrs.get("ref", "")
        elif tag == "mergeCell":
            ref = attrs.get("ref", "")
            ends = [pos for part in ref.split(":")[:2] if (pos := self._ref(part)) is not None]
            for pos in ends:
                self._beyond(
                    *pos,
                    lambda **at: message(("sheet-too-large", "merged-range"), range=ref, **at),
                )
            if ends:  # a reader resolves every cell of a merged range
                (r1, c1), (r2, c2) = ends[0], ends[-1]
                self.merged += (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
                if self.merged > self.limits.max_cells:
                    raise _Stop(
                        _problem(
                            "sheet-too-large",
                            self.file,
                            message(
                                ("sheet-too-large", "merged-cells"),
                                sheet=self.sheet,
                                limit=self.limits.max_cells,
                            ),
                        )
                    )


__all__ = ["FORM_LIMITS", "TABLE_LIMITS", "XlsxLimits", "check_xlsx", "column_letters"]
