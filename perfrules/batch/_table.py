"""Reading the long table: one row per unit × indicator, CSV, XLSX or Parquet, every cell as text.

The table is read in blocks (:meth:`Table.blocks`) so that a run never holds
more than a chunk of rows as Python objects; :func:`read_table` only opens the
file, checks the header and counts the units (one pass over the ``unit``
column), which is what makes the contiguity check possible before anything is
scored. The columns and their aliases are documented in docs/batch.md.

The readers never drop data: a record that cannot be read as it stands (a
quote left open, a row with too few or too many cells, bytes that are not
text, a formula or error cell in a workbook) is kept as a row of its unit with
its problems (:attr:`Table.issues`), and every row after it is still read.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import mmap
import os
import re
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from perfrules._errors import PerfrulesError, Problem, SpecError
from perfrules._limits import (
    MAX_TABLE_BYTES,
    MAX_WORKBOOK_BYTES,
    exact,
    file_problem,
    number_problem,
)
from perfrules._messages import Message, listing, message
from perfrules._suggest import suggest
from perfrules.loading import as_gbk, encoding_problem

try:  # the batch path's text kernels in C (optional: built where a C compiler was found at install)
    from perfrules.batch import _ctext
except ImportError:  # pragma: no cover - the file is read for quotes first (_deferred_csv)
    _ctext = None  # type: ignore[assignment]

# canonical column name → accepted aliases (Chinese headers as the forms write them)
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    # row columns
    "unit": ("单位", "单位编号", "单位代码"),
    "indicator": ("指标", "指标编号", "三级指标编号"),
    "name": ("指标名称", "三级指标"),
    "category": ("一级指标",),
    "subcategory": ("二级指标",),
    "weight": ("分值",),
    "method": ("计分方法",),
    "comparator": ("比较符",),
    "target": ("指标值", "年度指标值"),
    "target_unit": ("计量单位",),
    "target_text": ("指标值表述", "年度指标值表述"),
    "per": ("步长",),
    "deduct": ("扣分",),
    "partial": ("不足一步",),
    "round_to": ("计分精度",),
    "actual": ("实际完成值", "实际值"),
    "tier": ("档次", "评价档次"),
    "score": ("自评得分",),
    "text": ("实际完成情况", "完成情况"),
    "note": ("偏差原因", "说明"),
    "not_applicable": ("不适用",),
    "amount": ("金额名称",),
    # per-unit columns
    "spec": ("规范", "指标体系"),
    "budget": ("全年预算数",),
    "spent": ("全年执行数",),
    "initial": ("年初预算数",),
    "year": ("年度",),
    "kind": ("支出类型",),
    "title": ("标题",),
    "unit_name": ("单位名称",),
}
UNIT_LEVEL: tuple[str, ...] = (
    "spec",
    "budget",
    "spent",
    "initial",
    "year",
    "kind",
    "title",
    "unit_name",
)
REQUIRED: tuple[str, ...] = ("unit",)
_ALIAS: dict[str, str] = {
    **{name: name for name in INPUT_COLUMNS},
    **{alias: name for name, aliases in INPUT_COLUMNS.items() for alias in aliases},
}

CSV_SUFFIX = ".csv"
PARQUET_SUFFIXES = (".parquet", ".pq")
XLSX_SUFFIX = ".xlsx"
EXCEL_DIGITS = 15  # the significant digits an Excel numeric cell keeps


def plain_lines(data: bytes | mmap.mmap) -> bool:
    """No blank line (LF or CRLF) and no carriage return that does not end a line: Arrow and csv count alike."""
    if data[:1] in (b"\n", b"\r"):
        return False
    return _no_blank_line(data) and (data.find(b"\r") < 0 or _crs_end_lines(data))


def _no_blank_line(data: bytes | mmap.mmap) -> bool:
    return data.find(b"\n\n") < 0 and data.find(b"\n\r\n") < 0


def _crs_end_lines(data: bytes | mmap.mmap) -> bool:
    """Every carriage return is followed by a line feed."""
    import numpy as np  # only reached on the pyarrow path, which comes with NumPy

    raw = np.frombuffer(data, dtype=np.uint8)
    cr = np.flatnonzero(raw == 13)
    return bool(cr[-1] + 1 < len(raw) and (raw[cr + 1] == 10).all())


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def parse_number(text: str) -> Decimal | None:
    """The exact Decimal a cell's text writes, or ``None`` when it is not a plain decimal number.

    Plain decimals only (``12``, ``-0.5``, ``.5``): no thousands separators,
    exponents, ``nan`` or ``inf``, and never through float.
    """
    s = text.strip()
    if not _NUMBER.fullmatch(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


_NUMBER_CELLS: dict[str, tuple[Decimal | None, tuple[str, str] | None]] = {}
_MAX_NUMBER_CELLS = 65_536  # texts kept (values repeat across a table's units)


def number_cell(text: str) -> tuple[Decimal | None, tuple[str, str] | None]:
    """:func:`read_number_cell`, kept per text (a pure function of it)."""
    hit = _NUMBER_CELLS.get(text)
    if hit is None:
        hit = read_number_cell(text)
        if len(_NUMBER_CELLS) >= _MAX_NUMBER_CELLS:
            _NUMBER_CELLS.clear()
        _NUMBER_CELLS[text] = hit
    return hit


def read_number_cell(text: str) -> tuple[Decimal | None, tuple[str, str] | None]:
    """A numeric cell read: ``(value, None)``; ``(None, None)`` when it is not a plain decimal; ``(None, why)``
    when it is one outside the bounds every number obeys (``perfrules._limits.number_problem``: below
    10^15, at most 10 decimal places), ``why`` in English and Chinese.

    A 5,000-digit integer is refused here, by its length, never carried on.
    """
    value = parse_number(text)
    if value is None:
        return None, None
    why = number_problem(value, text.strip())
    if why is not None:
        return None, why
    return exact(
        value
    ), None  # 0.000… is 0, as the spec loader reads it: no exponent reaches the arithmetic


def table_problem(
    code: str,
    file: str,
    en: str,
    zh: str,
    *,
    row: int | None = None,
    column: int | None = None,
    column_name: str | None = None,
    suggestion: str | None = None,
) -> Problem:
    """A problem located in the table: file, row (header = row 1), 1-based column number."""
    return Problem(
        code=code,
        message=en,
        message_zh=zh,
        path=(column_name,) if column_name else (),
        file=file,
        line=row,
        column=column,
        suggestion=suggestion,
    )


def _resolve_header(names: Sequence[str], file: str) -> dict[str, int]:
    """Canonical column → 1-based column number; unknown or repeated headers are problems."""
    out: dict[str, int] = {}
    problems: list[Problem] = []
    known = sorted(_ALIAS)
    for i, raw in enumerate(names, start=1):
        name = raw.strip()
        canon = _ALIAS.get(name)
        if canon is None:
            problems.append(
                table_problem(
                    "unknown-column",
                    file,
                    *message("unknown-column", name=name, columns=listing(INPUT_COLUMNS)),
                    row=1,
                    column=i,
                    column_name=name,
                    suggestion=suggest(name, known),
                )
            )
        elif canon in out:
            problems.append(
                table_problem(
                    "duplicate-column",
                    file,
                    *message("duplicate-column", name=name, first=out[canon], canonical=canon),
                    row=1,
                    column=i,
                    column_name=name,
                )
            )
        else:
            out[canon] = i
    for need in REQUIRED:
        if need not in out and not problems:
            problems.append(
                table_problem(
                    "missing-column",
                    file,
                    *message("missing-column", need=need),
                    row=1,
                )
            )
    if problems:
        raise SpecError(problems)
    return out


@attrs.frozen(eq=False)
class Block:
    """Some consecutive rows of the table: canonical column → cell text, and each row's number."""

    columns: dict[str, list[str]]
    rows: list[int]

    def __len__(self) -> int:
        return len(self.rows)


@attrs.frozen(eq=False)
class Table:
    """A long table, opened: its header and how to read it in blocks.

    ``path`` is ``None`` for a table given in memory (:func:`table_from_columns`),
    whose ``data`` then holds the columns (an .xlsx table is read into memory:
    ``path`` set, ``numbers`` its rows' sheet row numbers). ``unit_count`` is the
    number of distinct units, ``row_count`` the number of data rows; ``issues``
    maps a unit to the problems of its rows that could not be read as they
    stand (the unit fails with them).
    """

    file: str  # as problems show it
    folder: Path  # where relative ``spec`` paths are read from
    header: dict[str, int]
    format: str  # "csv" | "parquet" | "memory"
    row_count: int
    unit_count: int
    path: Path | None = None
    data: Mapping[str, Sequence[str]] | None = None
    strays: Mapping[str, int] = attrs.field(
        factory=dict
    )  # unit → row where its rows resume after another unit's
    plain: bool = (
        False  # checked: a CSV the pyarrow reader reads alike; a Parquet file's unit ids trim alike
    )
    issues: Mapping[str, Sequence[Problem]] = attrs.field(
        factory=dict
    )  # unit → problems of its rows not read as they stand
    numbers: Sequence[int] | None = None  # a table in memory: each row's number (default: 2, 3, …)
    # opened without its unit scan (``read_table(path, scan=False)``): ``row_count`` and ``unit_count``
    # are unknown (0), ``strays`` and ``issues`` unread; see :func:`scan_table`
    deferred: bool = False

    def blocks(self, size: int = 8192) -> Iterator[Block]:
        """The table's rows in order, ``size`` rows at a time."""
        if self.format == "memory":
            assert self.data is not None
            for start in range(0, self.row_count, size):
                stop = min(start + size, self.row_count)
                rows = (
                    list(self.numbers[start:stop])
                    if self.numbers is not None
                    else list(range(start + 2, stop + 2))
                )
                yield Block({c: list(v[start:stop]) for c, v in self.data.items()}, rows)
        elif self.format == "csv":
            assert self.path is not None
            # a scanned plain table without a quote: read by pyarrow (each record one line, the cells
            # what the csv reader reads); any other by the csv reader, which checks what the scan vouched
            arrow = (
                _arrow_csv_blocks(self.path, self.header)
                if self.plain and not self.deferred and not file_has(self.path, b'"')
                else None
            )
            if arrow is not None:
                yield from arrow
            else:
                yield from _csv_blocks(self.path, self.file, self.header, size, self.plain)
        else:
            assert self.path is not None
            yield from _parquet_blocks(self.path, self.file, self.header, size)


# ---------------------------------------------------------------------------
# CSV: records read from physical lines, so that a broken record never takes the rest of the file along
#
# The csv module parses; this reader decides what it is given. A quoted cell may hold line breaks
# (Excel's Alt+Enter), so a record may span lines — but it may only go on past its line while
# nothing says the quote was never meant to stay open: the next line does not read as a record of
# its own (complete, its quotes balanced, as wide as the header), the quote closes before the end of the file, within
# the csv module's cell limit and MAX_RECORD_LINES lines, and the joined record parses strictly
# (each closing quote followed by a comma or the record's end) to exactly the header's cells. Else
# the record is an ``unterminated-quote`` error at its first line, read up to that line (its unit
# is known), and reading resumes at the next physical line: every line after it is read again.

SAMPLE_BYTES = 1 << 20  # the start of a CSV file its encoding and line ends are judged from
READ_BYTES = 1 << 20  # CSV files are read in blocks of about this many bytes, cut at a line end
MAX_RECORD_LINES = 10_000  # lines one record may span (a quoted cell with line breaks)
_BREAK = "\ud800"  # stands for a line-break character that ends no line while the csv module parses
_ESCAPED = re.compile("[\udc00-\udcff]")  # a byte that did not decode (see _escape_byte)
_BAD, _BROKE = (
    1,
    2,
)  # line flags: bytes that did not decode; a stray line-break character (as _BREAK)
_GBK = "gb18030"  # GBK as Python reads it (GB18030, its superset)
Line = tuple[int, str, int]  # (number in the file, 1-based; text with its line end; flags)


def _escape_byte(exc: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: one undecodable byte becomes U+DC00 + byte, and decoding goes on after it."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return chr(0xDC00 + exc.object[exc.start]), exc.start + 1


codecs.register_error("perfrules-batch-escape", _escape_byte)


@attrs.frozen
class _Kind:
    """How a CSV file's bytes become lines of text, judged from its first :data:`SAMPLE_BYTES`."""

    encoding: str  # "utf-8" or _GBK
    newline: str  # "\n" (LF or CRLF) or "\r" (classic Mac): what ends a line
    bom: int  # bytes of a UTF-8 byte order mark to skip


def _text_kind(head: bytes, whole: bool, file: str) -> _Kind:
    """UTF-8 (a BOM is skipped), or GBK when the start of the file is unambiguously GBK; LF or CR line ends.

    A file starting with a UTF-16 byte order mark is refused (the whole run:
    no line of it can be read). The file's line end is ``\\r`` alone (Excel for
    Mac's old "CSV (Macintosh)") when a ``\\r`` is the first line-break character (a
    ``\\n`` after it can be a stray character of the next line's first cell) and lone
    ``\\r`` outnumber ``\\n`` in the start of the file; otherwise ``\\n`` (with or
    without ``\\r``), so that a stray ``\\r`` in the header of an ordinary file
    cannot make the whole file one line. A line-break character that is not
    the file's line end is an ordinary character of its cell.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SpecError([attrs.evolve(encoding_problem(head, 0), file=file, line=1, column=1)])
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    body = head[bom:]
    cr, lf = body.find(b"\r"), body.find(b"\n")
    lone_cr = body.count(b"\r") - body.count(b"\r\n")
    newline = "\r" if cr >= 0 and (lf < 0 or (cr < lf and lone_cr >= body.count(b"\n"))) else "\n"
    if not whole:  # judge whole lines only
        cut = body.rfind(newline.encode()) + 1
        body = body[:cut] if cut else body
    return _Kind(
        _GBK if not bom and _reads_as_gbk(body, newline.encode()) else "utf-8", newline, bom
    )


def _reads_as_gbk(sample: bytes, sep: bytes) -> bool:
    """Whether the sample is GBK text: not UTF-8, some line reads as Chinese in GBK and no line that is not ASCII is UTF-8."""
    try:
        sample.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    gbk = False
    for line in sample.split(sep):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            return False  # a UTF-8 line: a UTF-8 table with some lines that are not (each an encoding error)
        except UnicodeDecodeError:
            pass
        gbk = gbk or as_gbk(line) is not None
    return gbk


class _Abort(Exception):
    """A record may not go on to the next line (or the file ends inside its quotes)."""


class _Feed:
    """The csv module's source of lines: the file's lines, a line given back to be read again first.

    While a record is being read (``taken`` holds its lines), the next line
    is refused — :class:`_Abort`, the line kept for the next record — when it
    reads as a record of its own, when the record already spans
    :data:`MAX_RECORD_LINES` lines, when the file ends, and always while the
    header is read (``width`` 0: the header is one line).
    """

    def __init__(self, lines: Iterator[Line]) -> None:
        self.lines = lines
        self.back: deque[Line] = deque()
        self.taken: list[Line] = []
        self.width = 0

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line = self.back.popleft() if self.back else next(self.lines, None)
        if line is None:
            if self.taken:
                raise _Abort
            raise StopIteration
        if self.taken and (
            not self.width
            or len(self.taken) >= MAX_RECORD_LINES
            or _starts_record(line[1], self.width)
        ):
            self.back.appendleft(line)
            raise _Abort
        self.taken.append(line)
        return line[1]


def _fits(cells: Sequence[str], width: int) -> bool:
    """Exactly the header's cells, or more with the extra ones empty."""
    return len(cells) >= width and not any(c.strip() for c in cells[width:])


def _starts_record(text: str, width: int) -> bool:
    """Whether a line read on its own is a complete record as wide as the header, its quotes balanced.

    A line that closes a quoted cell opened on an earlier line holds an odd
    number of quote characters, so it never reads as a record of its own.
    """
    if text.count('"') % 2:
        return False
    try:
        cells = next(csv.reader((text,), strict=True), None)
    except csv.Error:
        return False
    return cells is not None and _fits(cells, width)


def _closed(text: str) -> bool:
    """Whether a line read on its own parses strictly (its quotes closed, each closing quote followed by a comma or its end)."""
    try:
        list(csv.reader((text,), strict=True))
    except csv.Error:
        return False
    return True


def _salvage(text: str) -> tuple[list[str], int]:
    """The cells of a record's first line whose quote runs on past it, read with that quote as a plain character.

    Returns the cells and the 1-based column where the quote opens. The cells
    before it are read as the line writes them; the open cell's text is split
    at its commas, as if the quote were not there, so that the unit id is
    found where the unit column is.
    """
    body = text.rstrip("\r\n")
    try:
        cells = next(csv.reader((body,)), [""])
    except csv.Error:  # a cell beyond the csv module's limit
        return body.split(","), 1
    return [*cells[:-1], *cells[-1].split(",")], len(cells)


class _CsvReader:
    """A CSV table file, opened: its header (``names``, ``header``, ``width``), then :meth:`records`.

    Raises :class:`SpecError` for what fails the whole table: a file that
    cannot be opened, a UTF-16 file, a header that cannot be read (not one
    line, not text) or names unknown columns.
    """

    def __init__(self, path: Path, file: str) -> None:
        self.file = file
        try:
            self._fh = open(path, "rb")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise SpecError(
                [
                    table_problem(
                        "file",
                        file,
                        *message(("file", "unreadable"), file=file, reason=exc.strerror or exc),
                    )
                ]
            ) from None
        try:
            head = self._fh.read(SAMPLE_BYTES)
            self.kind = _text_kind(head, len(head) < SAMPLE_BYTES, file)
            self._messages: dict[
                int, tuple[str, str]
            ] = {}  # line number → encoding message, for lines not yet read
            self._feed = _Feed(self._lines())
            self._reader = csv.reader(self._feed)
            self.names, self.header, self.raw_width = self._read_header()
        except BaseException:
            self._fh.close()
            raise
        self.width = len(self.names)

    def __enter__(self) -> _CsvReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._fh.close()

    # -- lines

    def _lines(self) -> Iterator[Line]:
        kind = self.kind
        sep = kind.newline.encode()
        self._fh.seek(kind.bom)
        number, offset = 0, kind.bom
        pending: list[bytes] = []
        size = 1 << 16  # a small first block: opening a table reads its header only
        while True:
            chunk = self._fh.read(size)
            size = READ_BYTES
            if chunk:
                cut = chunk.rfind(sep) + 1
                if not cut:
                    pending.append(chunk)
                    continue
                block = b"".join([*pending, chunk[:cut]]) if pending else chunk[:cut]
                pending = [chunk[cut:]] if cut < len(chunk) else []
            else:
                block = b"".join(pending)
                if not block:
                    return
            lines = self._decode(block, number, offset)
            yield from lines
            number += len(lines)
            offset += len(block)
            if not chunk:
                return

    def _decode(self, block: bytes, number: int, offset: int) -> list[Line]:
        """The lines of a block of whole lines; a line that does not decode is flagged, its message kept."""
        nl = self.kind.newline
        other = "\r" if nl == "\n" else "\n"
        if self.kind.encoding == "utf-8":
            try:
                text = block.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                parts = text.split(nl)
                last = parts.pop()
                if other in text:
                    out = [
                        _mark(number + k, p + nl, nl, other) for k, p in enumerate(parts, start=1)
                    ]
                else:
                    out = [(number + k, p + nl, 0) for k, p in enumerate(parts, start=1)]
                if last:
                    out.append(_mark(number + len(out) + 1, last, nl, other))
                return out
        sep = nl.encode()
        raws = block.split(sep)
        last_raw = raws.pop()
        ends = [sep] * len(raws)
        if last_raw:
            raws.append(last_raw)
            ends.append(b"")
        out = []
        at = offset
        for k, (raw, end) in enumerate(zip(raws, ends, strict=True), start=number + 1):
            text, bad, why = self._decode_line(raw)
            line = _mark(k, text + end.decode(), nl, other)
            if bad >= 0:
                self._messages[k] = _encoding_message(raw, bad, at, why)
                line = (line[0], line[1], line[2] | _BAD)
            out.append(line)
            at += len(raw) + len(end)
        return out

    def _decode_line(self, raw: bytes) -> tuple[str, int, str]:
        """(text, offset of the first bad byte or -1, why it is bad) of one line."""
        enc = self.kind.encoding
        if enc == _GBK and not raw.isascii():
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:  # UTF-8 inside a GBK table: which it is cannot be told
                return text, next(i for i, b in enumerate(raw) if b > 0x7F), "utf-8-in-gbk"
        try:
            return raw.decode(enc), -1, ""
        except UnicodeDecodeError as exc:
            return raw.decode(enc, "perfrules-batch-escape"), exc.start, enc

    # -- records

    def _next(self) -> tuple[list[str], list[Line], str | None, int] | None:
        """The next record: (cells, its lines, the code of a record read only up to its first line, its column)."""
        self._feed.taken = []
        try:
            cells = next(self._reader)
        except StopIteration:
            return None
        except _Abort:
            return self._finish(None, self._feed.taken, "unterminated-quote")
        except csv.Error:
            return self._finish(None, self._feed.taken, "csv-syntax")
        return self._finish(cells, self._feed.taken, None)

    def _finish(
        self, cells: list[str] | None, taken: list[Line], failed: str | None
    ) -> tuple[list[str], list[Line], str | None, int]:
        """A record the csv module gave (``cells``), or failed on (``None``): it ran past its line, or a cell is too long."""
        if cells is None:
            return self._broken(
                "unterminated-quote"
                if failed == "unterminated-quote" or len(taken) > 1
                else "csv-syntax"
            )
        if len(taken) > 1 and not self._joins(cells, taken):
            return self._broken("unterminated-quote")
        return cells, taken, None, 0

    def _joins(self, cells: list[str], taken: list[Line]) -> bool:
        """Whether a record spanning lines is one: it parses strictly to exactly the header's cells."""
        try:
            strict = list(csv.reader(("".join(t[1] for t in taken),), strict=True))
        except csv.Error:
            return False
        return strict == [cells] and _fits(cells, self._feed.width)

    def _broken(self, code: str) -> tuple[list[str], list[Line], str | None, int]:
        """A record read up to its first line; its other lines are read again, the csv module starts afresh."""
        feed = self._feed
        taken = feed.taken
        feed.back.extendleft(reversed(taken[1:]))
        self._reader = csv.reader(feed)
        cells, column = (
            _salvage(taken[0][1])
            if code == "unterminated-quote"
            else (taken[0][1].rstrip("\r\n").split(","), 0)
        )
        return cells, taken[:1], code, column

    def _read_header(self) -> tuple[list[str], dict[str, int], int]:
        got = self._next()
        if got is None:
            raise SpecError(
                [
                    table_problem(
                        "missing-column",
                        self.file,
                        *message(("missing-column", "empty")),
                        row=1,
                    )
                ]
            )
        cells, taken, code, column = got
        if code is not None:
            raise SpecError(
                [
                    table_problem(
                        "csv-syntax",
                        self.file,
                        *message(("csv-syntax", "header")),
                        row=1,
                        column=column or None,
                    )
                ]
            )
        flags = taken[0][2]
        if flags & _BAD:
            en, zh = self._messages.pop(taken[0][0])
            raise SpecError([table_problem("encoding", self.file, en, zh, row=1)])
        if flags & _BROKE:
            cells = _restore(cells, self.kind.newline)
        names = list(cells)
        while names and not names[-1].strip():  # unused columns at the right of the header
            names.pop()
        header = _resolve_header(names, self.file)
        self._feed.width = len(names)
        return names, header, len(cells)

    def records(self) -> Iterator[tuple[int, list[str], list[Problem]]]:
        """(row, cells, problems) of every record after the header, each with exactly the header's cells.

        Blank records are skipped (their rows still count); a record that
        cannot be read as it stands — a quote not closed on its line, bytes
        that are not text in the file's encoding, too few or too many cells —
        comes with its problems, located, and the cells that could be read.
        """
        width = self.width
        feed = self._feed
        row = 1
        while True:
            row += 1
            # the common case inline (a record on one line, as wide as the header, not blank): the csv module's speed
            feed.taken = []
            failed = None
            try:
                got_cells: list[str] | None = next(self._reader)
            except StopIteration:
                return
            except _Abort:
                got_cells, failed = None, "unterminated-quote"
            except csv.Error:
                got_cells, failed = None, "csv-syntax"
            taken = feed.taken
            if (
                got_cells is not None
                and len(taken) == 1
                and not taken[0][2]
                and len(got_cells) == width
            ):
                if "".join(got_cells).strip():
                    yield row, got_cells, []
                continue
            cells, taken, code, column = self._finish(got_cells, taken, failed)
            flags = 0
            for t in taken:
                flags |= t[2]
            if flags & _BROKE:
                cells = _restore(cells, self.kind.newline)
            problems: list[Problem] = []
            if code is not None:
                problems.append(self._syntax(code, row, taken[0][0], column))
            if flags & _BAD:
                messages = [self._messages.pop(t[0]) for t in taken if t[0] in self._messages]
                at = next((j for j, c in enumerate(cells) if _ESCAPED.search(c)), 0)
                en, zh = messages[0]
                problems.append(self._problem("encoding", en, zh, row, at + 1))
                cells = [_ESCAPED.sub("\ufffd", c) for c in cells]
            if not problems and not "".join(cells).strip():
                continue  # a blank record: not a row
            n = len(cells)
            if n != width and code is None and not (n > width and _fits(cells, width)):
                problems.append(self._ragged(row, cells))
            if n < width:
                cells = cells + [""] * (width - n)
            elif n > width:
                cells = cells[:width]
            yield row, cells, problems

    def _problem(self, code: str, en: str, zh: str, row: int, column: int | None) -> Problem:
        name = None
        if column is not None and column <= self.width:
            name = _ALIAS.get(self.names[column - 1].strip())
        return table_problem(code, self.file, en, zh, row=row, column=column, column_name=name)

    def _syntax(self, code: str, row: int, line: int, column: int) -> Problem:
        if code == "unterminated-quote":
            return self._problem(
                code, *message("unterminated-quote", column=column, line=line), row, column
            )
        text = message(("csv-syntax", "cell-too-long"), line=line, limit=csv.field_size_limit())
        return self._problem(code, *text, row, None)

    def _ragged(self, row: int, cells: list[str]) -> Problem:
        n, width = len(cells), self.width
        if n < width:
            text = (
                message(("ragged-row", "missing-cell-one"), cells=n, width=width)
                if n == 1
                else message(("ragged-row", "missing-cell"), cells=n, width=width)
            )
            return self._problem("ragged-row", *text, row, n + 1)
        extra = next(j for j in range(width, n) if cells[j].strip())
        return self._problem(
            "ragged-row",
            *message(
                ("ragged-row", "extra-cell"),
                cells=n,
                width=width,
                extra=extra + 1,
                text=_clip(cells[extra]),
            ),
            row,
            extra + 1,
        )


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mark(number: int, text: str, nl: str, other: str) -> Line:
    """A line, its stray line-break characters (not its line end) replaced by :data:`_BREAK`."""
    if other not in text:
        return number, text, 0
    end = "\r\n" if nl == "\n" and text.endswith("\r\n") else nl if text.endswith(nl) else ""
    if not end and nl == "\n" and text.endswith("\r"):
        end = "\r"  # the file's last line, ended by a carriage return: a line end, as the csv module reads it
    body = text[: len(text) - len(end)]
    if other not in body:
        return number, text, 0
    return number, body.replace(other, _BREAK) + end, _BROKE


def _restore(cells: list[str], nl: str) -> list[str]:
    other = "\r" if nl == "\n" else "\n"
    return [c.replace(_BREAK, other) for c in cells]


def _encoding_message(raw: bytes, bad: int, offset: int, why: str) -> tuple[str, str]:
    """The encoding problem's message for a line whose byte ``bad`` is not text (``offset``: the line's in the file)."""
    at = offset + bad
    if why == "utf-8":
        # the spec loader's message, with its GBK and UTF-16 hints, at the byte's place in the file
        p = encoding_problem(raw, bad, byte=at, here=True)
        return p.message, p.message_zh
    if why == "utf-8-in-gbk":
        return message(("encoding", "utf-8-in-gbk"), at=at)
    return message(("encoding", "not-gbk"), at=at)


def _csv_blocks(
    path: Path, file: str, header: dict[str, int], size: int, plain: bool
) -> Iterator[Block]:
    with _CsvReader(path, file) as reader:
        cols = {c: i - 1 for c, i in header.items()}
        block = Block({c: [] for c in cols}, [])
        for n, record, problems in reader.records():
            if (
                problems and plain
            ):  # the pyarrow scan vouched for a table the csv reader finds a problem in
                raise RuntimeError(
                    f"{file}: row {n} has a problem the table scan did not see: {problems[0]}"
                )
            for c, i in cols.items():
                block.columns[c].append(record[i])
            block.rows.append(n)
            if len(block.rows) >= size:
                yield block
                block = Block({c: [] for c in cols}, [])
        if block.rows:
            yield block


def _arrow_csv_blocks(path: Path, header: dict[str, int]) -> Iterator[Block] | None:
    """The blocks of a plain table without a quote character, read by pyarrow (``None`` when pyarrow
    does not import): every record one line (no blank line, no lone carriage return: the table scan
    checked), its cells the text between its commas, as the csv reader reads them; a block per Arrow
    batch of about :data:`READ_BYTES`, its rows numbered as the csv reader numbers its records."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:
        return None

    def blocks() -> Iterator[Block]:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            names = next(csv.reader(fh))
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(block_size=block_size(path, READ_BYTES), encoding="utf8"),
            parse_options=pcsv.ParseOptions(newlines_in_values=False),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        row = 2
        for batch in reader:
            n = batch.num_rows
            if n:
                columns = {c: _texts(batch.column(i - 1)) for c, i in header.items()}
                yield Block(columns, list(range(row, row + n)))
                row += n

    return blocks()


def _texts(column: Any) -> list[str]:
    """An Arrow string column's texts (no nulls) as a list: ``to_pylist()``, but where a column
    repeats its texts (ids, names, methods: a unit's rows are the same as the next unit's) each
    text is one object, made once, so that later hashing and comparing of the cells is cheap."""
    import pyarrow.compute as pc

    coded = pc.dictionary_encode(column)
    if len(coded.dictionary) * 4 > len(column):  # mostly distinct texts: made one by one
        return column.to_pylist()  # type: ignore[no-any-return]
    texts = coded.dictionary.to_pylist()
    return list(map(texts.__getitem__, coded.indices.to_pylist()))


def _open_csv_table(path: Path, file: str) -> Table:
    fast = _fast_csv_scan(path, file)
    if fast is not None:
        return fast
    scan = _UnitScan()
    with _CsvReader(path, file) as reader:
        unit_col = reader.header["unit"] - 1
        for n, record, problems in reader.records():
            scan.add(n, record[unit_col].strip(), problems)
        header = reader.header

    def reread() -> Iterator[tuple[int, str]]:
        with _CsvReader(path, file) as again:
            for n, record, _ in again.records():
                yield n, record[unit_col].strip()

    scan.finish(reread)
    return Table(
        file=file,
        folder=path.parent,
        header=header,
        format="csv",
        row_count=scan.rows,
        unit_count=scan.unit_count,
        path=path,
        strays=scan.strays,
        issues=scan.issues,
    )


SCAN_BYTES = (
    1 << 23
)  # a CSV file's bytes are scanned this many at a time (never mapped whole: memory stays flat)


def _file_blocks(path: str | os.PathLike[str], size: int = SCAN_BYTES) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while block := fh.read(size):
            yield block


def file_has(path: str | os.PathLike[str], byte: bytes) -> bool:
    """Whether the file holds ``byte`` (one byte), read block by block."""
    return any(byte in block for block in _file_blocks(path))


def csv_parse_options(path: Path, quoted: bool | None = None) -> Any:
    """pyarrow's CSV parse options for ``path``: quoted line breaks allowed when the file has quotes at all."""
    import pyarrow.csv as pcsv

    return pcsv.ParseOptions(newlines_in_values=file_has(path, b'"') if quoted is None else quoted)


def block_size(path: str | os.PathLike[str], size: int) -> int:
    """The block size, at most ``size``, at which pyarrow reads the CSV file: no block may end on a carriage return.

    pyarrow's streaming CSV reader loses the line feed of a CRLF inside a
    quoted cell when a block ends between the CR and the LF (pyarrow 26:
    ``"x\r\ny"`` comes back as ``"x\ry"``); a block that ends anywhere else
    reads alike. Blocks start at multiples of the block size in the file
    (BOM included), so the first size from ``size`` down to ``size // 2``
    that puts no block end after a CR is taken; a file with none (a
    pathological run of CRs) is read as one block.
    """
    n = os.stat(path).st_size
    if n <= size:
        return size  # one block
    if not file_has(path, b"\r"):
        return size
    with open(path, "rb") as fh:
        fd = fh.fileno()
        for b in range(size, max(size // 2, 1) - 1, -1):
            if all(
                os.pread(fd, 1, k * b - 1) != b"\r" for k in range(1, (n - 1) // b + 1)
            ):  # the file's end is no block end
                return b
    return n + 1


@attrs.frozen
class _Shape:
    """What one pass over a CSV file's bytes tells: plain lines, UTF-8, lines, the longest, the last, quotes."""

    lines: int
    longest: int  # bytes of the longest line, its line end included
    last: bytes  # the last line, its line end included
    quoted: bool  # a quote character anywhere


def _csv_shape(path: Path) -> _Shape | None:
    """One pass over the file, :data:`SCAN_BYTES` at a time: ``None`` unless every line is plain UTF-8.

    Plain: no blank line (LF or CRLF) and no carriage return that does not
    end a line (:func:`plain_lines`, over the whole file); UTF-8: every byte
    is (Arrow's validation, cut at line ends so that no character is split).
    """
    import numpy as np
    import pyarrow as pa

    lines = longest = 0
    last = b""
    quoted = False
    carry = b""
    first = True
    for block in itertools.chain(_file_blocks(path), [b""]):  # b"": the end of the file
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1 if block else len(data)
        piece, carry = (data[:cut], data[cut:]) if block else (data, b"")
        if not piece:
            continue
        if first and piece[:1] in (b"\n", b"\r"):
            return None
        if not first and piece.startswith((b"\n", b"\r\n")):
            return None  # a blank line right after the previous piece's last line
        first = False
        raw = np.frombuffer(piece, dtype=np.uint8)
        ends = np.flatnonzero(raw == 10)
        gaps = np.diff(ends)
        if bool((gaps == 1).any()) or bool(((gaps == 2) & (raw[ends[:-1] + 1] == 13)).any()):
            return None  # a blank line inside the piece: "\n\n" or "\n\r\n"
        if b"\r" in piece and not _crs_end_lines(piece):
            return None
        # UTF-8, line by line (a line end never splits a character; Arrow validates many short strings
        # some twenty times faster than one long one)
        bounds = np.r_[0, ends + 1, len(piece)].astype(np.int64)
        bounds = bounds[np.r_[True, bounds[1:] != bounds[:-1]]]
        try:
            pa.Array.from_buffers(
                pa.large_string(),
                len(bounds) - 1,
                [None, pa.py_buffer(bounds), pa.py_buffer(piece)],
            ).validate(full=True)
        except pa.ArrowInvalid:
            return None
        quoted = quoted or b'"' in piece
        lines += len(ends)
        if len(ends):
            longest = max(longest, int(np.diff(ends, prepend=-1).max()))
        if len(ends) and ends[-1] == len(piece) - 1:
            start = piece.rfind(b"\n", 0, len(piece) - 1) + 1
        else:  # the file's last line, without a line end
            lines += 1
            start = piece.rfind(b"\n") + 1
            longest = max(longest, len(piece) - start)
        last = piece[start:]
    if first:
        return None
    return _Shape(lines, longest, last, quoted)


def strip_agrees(units: Any) -> bool:
    """Whether Arrow's whitespace trimming of these unit ids gives what ``str.strip`` gives, and none is empty.

    Only ids with a byte below 0x21 or above 0x7f can differ; those few are
    compared in Python.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(units)
    if n == 0:
        return True
    units = pa.concat_arrays([units]) if units.offset else units
    offsets = np.frombuffer(units.buffers()[1], dtype=np.int32, count=n + 1)
    data = units.buffers()[2]
    raw = (
        np.frombuffer(data, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
        if data is not None
        else np.zeros(0, dtype=np.uint8)
    )
    odd_bytes = (raw < 0x21) | (raw > 0x7F)
    if not odd_bytes.any():  # no whitespace to trim, for either: only an empty id fails
        return bool((np.diff(offsets) > 0).all())
    trimmed = pc.utf8_trim_whitespace(units)
    if pc.min(pc.binary_length(trimmed)).as_py() == 0:
        return False  # a record without a unit id (maybe a blank record): the csv scan decides
    odd = odd_bytes.astype(np.int64)
    per_row = (
        np.add.reduceat(odd, (offsets[:-1] - offsets[0]).astype(np.int64))
        if len(raw)
        else np.zeros(n)
    )
    per_row[np.diff(offsets) == 0] = 0  # reduceat gives the next row's first byte for an empty cell
    idx = np.flatnonzero(per_row)
    if not len(idx):
        return True
    sel = pa.array(idx)
    pairs = zip(units.take(sel).to_pylist(), trimmed.take(sel).to_pylist(), strict=True)
    return all((u or "").strip() == t for u, t in pairs)


def _arrow_units(path: Path, unit_name: str, quoted: bool) -> Iterator[Any]:
    """The unit column of a CSV file as Arrow string arrays, block by block (pyarrow's streaming reader)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    reader = pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(encoding="utf8", block_size=block_size(path, 1 << 20)),
        parse_options=csv_parse_options(path, quoted),
        convert_options=pcsv.ConvertOptions(
            include_columns=[unit_name],
            column_types={unit_name: pa.string()},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    for rb in reader:
        yield rb.column(0)


def run_heads(trimmed: Any) -> tuple[Any, list[str]]:
    """Where each run of equal ids starts in an Arrow string array (NumPy), and the runs' ids."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(trimmed) == 0:
        return np.zeros(0, dtype=np.int64), []
    codes = np.asarray(pc.dictionary_encode(trimmed).indices.to_numpy(zero_copy_only=False))
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return starts, trimmed.take(pa.array(starts)).to_pylist()


def _heads_of(batches: Iterable[Any]) -> Iterator[tuple[int, str]]:
    """(row, unit) of the first row of every run of one unit id, over trimmed Arrow batches (rows from 2)."""
    row = 2
    for trimmed in batches:
        starts, heads = run_heads(trimmed)
        yield from zip((starts + row).tolist(), heads, strict=True)
        row += len(trimmed)


def _reads_alike(path: Path, file: str, units: Iterator[Any]) -> bool:
    """For a table with records spanning lines (quoted line breaks): whether the csv reader reads it without a
    problem, record for record as Arrow did (the same unit ids, ``units`` Arrow's in blocks), every record short
    enough for Arrow's blocks."""
    arrow = (u for block in units for u in block.to_pylist())
    with _CsvReader(path, file) as reader:
        unit_col = reader.header["unit"] - 1
        for _, cells, problems in reader.records():
            if problems or sum(map(len, cells)) > csv.field_size_limit():
                return False
            if next(arrow, None) != cells[unit_col]:
                return False
    return next(arrow, None) is None


def _fast_csv_scan(path: Path, file: str) -> Table | None:
    """The same scan as the csv reader's, by pyarrow over the unit column, when it provably agrees.

    It applies to a UTF-8 table that reads, record for record, as the csv
    reader reads it without a problem: no blank lines or lone carriage
    returns, every record one line — or, when some span lines (quoted line
    breaks), the csv reader reads every record without a problem and with the
    unit ids Arrow read (Arrow reads a quote left open on to the lines after
    it; the csv reader does not) —, the last line's quotes closed,
    every record as wide as the header (Arrow refuses other widths) and with
    a unit id (a blank record is skipped by the csv scan but not by Arrow), no
    line longer than the csv module's cell limit — and only when pyarrow
    imports; otherwise ``None`` and the csv reader scans.

    Every pass is streamed (the file's bytes, then the unit column block by
    block): memory does not grow with the table (:class:`_UnitScan`).
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    if os.stat(path).st_size == 0:
        return None
    shape = _csv_shape(path)
    if shape is None:
        return None  # blank lines, lone carriage returns or bytes that are not UTF-8: the csv reader reports them
    if shape.longest > csv.field_size_limit():
        return None  # a cell may be longer than the csv module reads (Arrow has no such limit): the csv reader reports it
    with _CsvReader(
        path, file
    ) as reader:  # the header exactly as the csv reader reads it (and its problems)
        if reader.raw_width != reader.width:
            return None
        names = reader.names
        header = reader.header
    try:
        if not _closed(shape.last.decode("utf-8")):
            return None
    except UnicodeDecodeError:  # pragma: no cover - the file was checked
        return None
    unit_name = names[header["unit"] - 1]
    if names.count(unit_name) != 1:
        return None
    scan = _UnitScan()
    try:  # every record must parse with the header's width (Arrow refuses ragged rows; the csv reader reports them)
        for units in _arrow_units(path, unit_name, shape.quoted):
            if not strip_agrees(units):
                return None  # a record without a unit id, or ids that only str.strip trims: the csv scan decides
            scan.add_runs(len(units), run_heads(pc.utf8_trim_whitespace(units))[1])
        if scan.rows + 1 != shape.lines and not _reads_alike(
            path, file, _arrow_units(path, unit_name, shape.quoted)
        ):
            return None  # a quote left open (or another record the csv reader does not read as Arrow does)
    except (pa.ArrowInvalid, OSError):
        return None  # the csv reader reads it and reports what is wrong
    scan.finish(
        lambda: _heads_of(
            pc.utf8_trim_whitespace(u) for u in _arrow_units(path, unit_name, shape.quoted)
        )
    )
    return Table(
        file=file,
        folder=path.parent,
        header=header,
        format="csv",
        row_count=scan.rows,
        unit_count=scan.unit_count,
        path=path,
        strays=scan.strays,
        plain=True,
    )


def _deferred_csv(path: Path, file: str) -> Table | None:
    """The CSV table opened without its unit scan, when the columnar runner can check the rest as it reads.

    That is a UTF-8 file (as far as its start tells: every byte read is
    checked) whose header the csv reader reads as it stands (no unused
    columns at its right, one unit column); NumPy and pyarrow import. What is
    left — no quote character at all (every record one line, read alike by
    the runner and the csv module), no carriage return that does not end a
    line, every record as wide as the header, not blank, with a unit id that
    Arrow trims as ``str.strip`` does, no cell beyond the csv module's limit,
    every unit's rows contiguous — the runner checks as it reads
    (:class:`TableNotPlain`). Where the C splitter (``perfrules.batch._ctext``)
    is not built, the file is first read whole for quotes and carriage
    returns here, since pyarrow's reader would take them. Otherwise ``None``:
    the table is scanned.
    """
    try:
        import numpy  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return None
    if os.stat(path).st_size == 0:
        return None
    with _CsvReader(
        path, file
    ) as reader:  # the header exactly as the csv reader reads it (and its problems)
        if reader.raw_width != reader.width or reader.kind != _Kind("utf-8", "\n", reader.kind.bom):
            return None
        names, header = reader.names, reader.header
    if names.count(names[header["unit"] - 1]) != 1:
        return None
    # the columnar runner's C splitter refuses a quote or a stray carriage return as it reads (the run
    # then starts over on the scanned table); without it, pyarrow reads the file: look first
    if _ctext is None and not _unquoted_lines(path):
        return None
    return _deferred(file, path, header, "csv")


def _deferred(file: str, path: Path, header: dict[str, int], fmt: str) -> Table:
    """A plain table the columnar runner checks as it reads it: no counts yet (``deferred``)."""
    return Table(
        file=file,
        folder=path.parent,
        header=header,
        format=fmt,
        row_count=0,
        unit_count=0,
        path=path,
        plain=True,
        deferred=True,
    )


def _unquoted_lines(path: Path) -> bool:
    """No quote character in the file, and every carriage return ends a line (CRLF), read block by block."""
    last = b""
    for block in _file_blocks(path):
        if b'"' in block:
            return False
        if last == b"\r" and block[:1] != b"\n":
            return False  # the previous block's last carriage return
        if b"\r" in block and block.count(b"\r") != block.count(b"\r\n") + (block[-1:] == b"\r"):
            return False
        last = block[-1:]
    return last != b"\r"


class _UnitScan:
    """One pass over the unit column: row and unit counts, units whose rows are not contiguous, rows not read.

    Memory does not grow with the ids: each run of rows of one unit is kept as
    the 64-bit hash of its id and its first row (16 bytes per unit, never the
    id itself). :meth:`finish` finds the units seen in more than one run: when
    no two runs share a hash, every run is a unit of its own; otherwise the
    column is read again (``reread``) and only the runs whose hash repeats are
    compared by their ids, exactly (a collision of two different ids costs
    that second pass, never a wrong answer).
    """

    def __init__(self) -> None:
        self.rows = 0
        self.current: str | None = None
        self.hashes = array("q")  # one per run of rows: hash of its unit id
        self.issues: dict[str, list[Problem]] = {}
        self.unit_count = 0
        self.strays: dict[str, int] = {}

    def add(self, row: int, unit: str, problems: Sequence[Problem] = ()) -> None:
        self.rows += 1
        if unit != self.current:
            self.hashes.append(hash(unit))
            self.current = unit
        if problems:
            self.issues.setdefault(unit, []).extend(problems)

    def add_runs(self, rows: int, heads: Sequence[str]) -> None:
        """``rows`` consecutive rows whose runs start with units ``heads`` (the first may go on from the last run)."""
        self.rows += rows
        if heads and heads[0] == self.current:
            heads = heads[1:]
        if heads:
            self.hashes.extend(hash(u) for u in heads)
            self.current = heads[-1]

    def finish(self, reread: Callable[[], Iterable[tuple[int, str]]]) -> None:
        """Count the units and find the strays; ``reread()`` gives (row, unit) of every row again, in order."""
        repeated = repeated_values(self.hashes)
        runs = len(self.hashes)
        self.hashes = array("q")
        if not repeated:
            self.unit_count = runs
            return
        seen: set[str] = set()
        current: str | None = None
        strays: dict[str, int] = {}
        runs_of_repeated = 0
        for row, unit in reread():
            if unit == current:
                continue
            current = unit
            if hash(unit) not in repeated:
                continue
            runs_of_repeated += 1
            if unit in seen:
                strays.setdefault(unit, row)
            seen.add(unit)
        self.strays = strays
        self.unit_count = runs - runs_of_repeated + len(seen)


def repeated_values(hashes: array[int]) -> set[int]:
    """The values that occur more than once (NumPy when it imports, else a sort)."""
    if len(hashes) < 2:
        return set()
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - the pure install
        plain = sorted(hashes)
        return {x for x, y in zip(plain, plain[1:], strict=False) if x == y}
    ordered = np.sort(np.frombuffer(hashes, dtype=np.int64))
    same = ordered[1:] == ordered[:-1]
    return {int(x) for x in ordered[1:][same]} if bool(same.any()) else set()


# ---------------------------------------------------------------------------
# Parquet (pyarrow)


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return None
    return pq


def parquet_file(path: str | os.PathLike[str]) -> Any:
    """A Parquet file opened for reading in batches, in bounded memory.

    ``pre_buffer=False``: with pyarrow's default (pre-buffering), the memory
    held while iterating over batches grows with the rows read (154 MiB after
    2 M rows, 300 MiB after 20 M), without it it stays flat (about 150 MiB),
    at the same speed.
    """
    import pyarrow.parquet as pq

    return pq.ParquetFile(path, pre_buffer=False)


def _cell_texts(values: list[Any]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v is None:
            out.append("")
        elif isinstance(v, Decimal):
            out.append(format(v, "f"))
        else:
            out.append(str(v))
    return out


def _check_types(schema: Any, file: str, header: dict[str, int]) -> None:
    import pyarrow as pa

    problems: list[Problem] = []
    for name, i in header.items():
        field = schema.field(i - 1)
        t = field.type
        if pa.types.is_floating(t):
            problems.append(
                table_problem(
                    "float-column",
                    file,
                    *message("float-column", name=field.name, type=t),
                    row=1,
                    column=i,
                    column_name=name,
                )
            )
        elif not (
            pa.types.is_string(t)
            or pa.types.is_large_string(t)
            or pa.types.is_decimal(t)
            or pa.types.is_integer(t)
            or pa.types.is_null(t)
            or pa.types.is_dictionary(t)
        ):
            problems.append(
                table_problem(
                    "column-type",
                    file,
                    *message("column-type", name=field.name, type=t),
                    row=1,
                    column=i,
                    column_name=name,
                )
            )
    if problems:
        raise SpecError(problems)


def _open_parquet(path: Path, file: str, *, scan: bool = True) -> Table:
    pq = _pyarrow()
    if pq is None:
        raise SpecError(
            [
                table_problem(
                    "file",
                    file,
                    *message(("file", "needs-pyarrow")),
                )
            ]
        )
    try:
        pf = parquet_file(path)
    except OSError as exc:
        raise SpecError(
            [table_problem("file", file, *message(("file", "unreadable"), file=file, reason=exc))]
        ) from None
    except Exception as exc:  # noqa: BLE001 - pyarrow raises its own errors for bad files
        raise SpecError(
            [table_problem("file", file, *message(("file", "not-parquet"), error=exc))]
        ) from None
    schema = pf.schema_arrow
    header = _resolve_header(list(schema.names), file)
    _check_types(schema, file, header)
    unit_name = schema.names[header["unit"] - 1]
    if not scan and _numpy_imports():  # the columnar runner checks the unit ids as it reads them
        return _deferred(file, path, header, "parquet")
    units_scan = _UnitScan()
    agree = True  # every id trims alike by Arrow and str.strip, none empty: what the columnar runner needs
    for units in _parquet_units(pf, unit_name):
        agree = agree and strip_agrees(parquet_text(units))
        units_scan.add_runs(len(units), _trimmed_heads(units)[1])
    units_scan.finish(lambda: _parquet_heads(pf, unit_name))
    return Table(
        file=file,
        folder=path.parent,
        header=header,
        format="parquet",
        row_count=units_scan.rows,
        unit_count=units_scan.unit_count,
        path=path,
        strays=units_scan.strays,
        plain=agree,
    )


def _numpy_imports() -> bool:
    try:
        import numpy  # noqa: F401 - the columnar runner needs it beside pyarrow
    except ImportError:  # pragma: no cover - pyarrow comes with NumPy
        return False
    return True


PARQUET_BATCH = 1 << 16  # rows of a Parquet file's unit column read at a time by the scan


def _parquet_units(pf: Any, unit_name: str) -> Iterator[Any]:
    for rb in pf.iter_batches(batch_size=PARQUET_BATCH, columns=[unit_name]):
        yield rb.column(0)


def parquet_text(arr: Any) -> Any:
    """A Parquet column as Arrow strings, nulls as empty text (the columnar runner's reading of it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return pc.fill_null(arr.cast(pa.string()), "")
    return pc.fill_null(pc.cast(arr, pa.string()), "")


def _trimmed_heads(units: Any) -> tuple[Any, list[str]]:
    """Run starts and ids of a block of a Parquet unit column, its cells read as :func:`_cell_texts` reads them."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(units.type) or pa.types.is_large_string(units.type):
        text = pc.fill_null(units.cast(pa.string()), "")
        if strip_agrees(text):
            return run_heads(pc.utf8_trim_whitespace(text))
    ids = [u.strip() for u in _cell_texts(units.to_pylist())]  # a rare block: str.strip decides
    starts = [k for k in range(len(ids)) if k == 0 or ids[k] != ids[k - 1]]
    return np.array(starts, dtype=np.int64), [ids[k] for k in starts]


def _parquet_heads(pf: Any, unit_name: str) -> Iterator[tuple[int, str]]:
    row = 2
    for units in _parquet_units(pf, unit_name):
        starts, heads = _trimmed_heads(units)
        yield from zip((starts + row).tolist(), heads, strict=True)
        row += len(units)


def _parquet_blocks(path: Path, file: str, header: dict[str, int], size: int) -> Iterator[Block]:
    pf = parquet_file(path)
    names = pf.schema_arrow.names
    wanted = {c: names[i - 1] for c, i in header.items()}
    row = 2
    for batch in pf.iter_batches(batch_size=size, columns=list(wanted.values())):
        cols = {
            c: _cell_texts(batch.column(batch.schema.get_field_index(n)).to_pylist())
            for c, n in wanted.items()
        }
        n = batch.num_rows
        yield Block(cols, list(range(row, row + n)))
        row += n


# ---------------------------------------------------------------------------


class TableNotPlain(PerfrulesError, ValueError):
    """A table opened without its unit scan (:attr:`Table.deferred`) turned out not to be plain.

    The columnar runner raises it when, reading such a table, it finds what
    the unit scan would have refused (a unit whose rows are not contiguous or
    repeat, a record Arrow reads otherwise than the csv reader, bytes that are
    not UTF-8 …); the run then starts over on :func:`scan_table`'s table.
    """


def scan_table(table: Table) -> Table:
    """The table with its unit scan (rows and units counted, strays and issues found): ``table`` itself when
    it is not :attr:`~Table.deferred`, else the file opened again as :func:`read_table` opens it."""
    if not table.deferred:
        return table
    assert table.path is not None
    if table.format == "csv":
        return _open_csv_table(table.path, table.file)
    return _open_parquet(table.path, table.file)


def read_table(path: str | os.PathLike[str], *, scan: bool = True) -> Table:
    """Open a long table (``.csv``, ``.xlsx`` or ``.parquet``): check its header, count its rows and units.

    With ``scan=False`` a CSV or Parquet file that the columnar runner may
    read as it stands is opened without the unit scan, the run's own read
    then checks what the scan would (:attr:`Table.deferred`, :func:`scan_table`):
    the header and its problems are the same, ``row_count`` and
    ``unit_count`` are unknown (0). Any other table is scanned as usual.

    Raises :class:`~perfrules.SpecError` (exit 2 on the command line) for an
    unreadable file (missing, a folder or a device, a UTF-16 CSV, a workbook
    refused before it is opened), a header that cannot be read, an unknown or
    repeated header (with a did-you-mean), a missing ``unit`` column or a
    Parquet float column. Rows are read later, in blocks, by
    :meth:`Table.blocks`; a row that cannot be read as it stands never raises:
    its problems are in :attr:`Table.issues`, under its unit.
    """
    p = Path(path)
    file = str(path)
    suffix = p.suffix.lower()
    if not p.exists():
        raise SpecError(
            [
                table_problem(
                    "file",
                    file,
                    *message(("file", "table-missing"), file=file),
                )
            ]
        )
    refused = file_problem(p, MAX_WORKBOOK_BYTES if suffix == XLSX_SUFFIX else MAX_TABLE_BYTES)
    if (
        refused is not None
    ):  # a folder, a pipe or device (reading it could block forever), a file beyond the bound
        raise SpecError(
            [
                table_problem(
                    "file",
                    file,
                    *message(("file", "table-refused"), file=file, reason=Message(*refused)),
                )
            ]
        )
    if suffix == CSV_SUFFIX:
        deferred = None if scan else _deferred_csv(p, file)
        return _open_csv_table(p, file) if deferred is None else deferred
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(p, file, scan=scan)
    if suffix == XLSX_SUFFIX:
        return _open_xlsx(p, file)
    raise SpecError(
        [
            table_problem(
                "file",
                file,
                *message(
                    ("file", "table-suffix"),
                    file=file,
                    suffix=(
                        Message(repr(suffix), f"“{suffix}”")
                        if suffix
                        else message(("file", "no-suffix"))
                    ),
                ),
            )
        ]
    )


# ---------------------------------------------------------------------------
# XLSX (openpyxl)

Grid = list[list[tuple[Any, str]]]  # the sheet's rows: (value, openpyxl data type) of each cell


def _open_xlsx(path: Path, file: str) -> Table:
    """The first worksheet of a workbook as a long table (openpyxl; the extra ``perfrules[xlsx]``).

    Every row and cell the sheet holds is read: its ``<dimension>`` element,
    which the tool that wrote it may have got wrong, is not trusted. Cells
    become the text the table format reads: text as written, whole numbers as
    digits, other numbers as the shortest decimal that is the stored binary
    value (``Decimal(repr(x))``). A number with more than 15 significant
    digits is float noise (a formula's result, never a typed value): its text
    is marked so that the unit fails with the cell located, never a silent
    guess. A formula cell is never read (``formula``: its stored result can be
    stale, or a placeholder its writer never computed), nor an error value
    such as ``#DIV/0!`` (``cell-error``), nor a cell right of the header's last
    column (``ragged-row``): each fails the unit of its row — found from the
    unit cell's stored value even when that cell is a formula — located at the
    cell. Empty rows are skipped; rows keep their sheet row numbers (the
    header is row 1).
    """
    try:
        import openpyxl
    except ImportError:
        raise SpecError(
            [
                table_problem(
                    "file",
                    file,
                    *message(("file", "needs-openpyxl")),
                )
            ]
        ) from None
    from perfrules._xlsx_guard import TABLE_LIMITS, check_xlsx

    refused = check_xlsx(
        path, TABLE_LIMITS
    )  # before openpyxl: zip bombs, DTDs, malformed XML, the sheet's real extent
    if refused:
        raise SpecError(refused)
    grid = _xlsx_grid(openpyxl, path, file, formulas=True)
    has_formula = any(t == "f" for row in grid for _, t in row)
    stored = (
        _xlsx_grid(openpyxl, path, file, formulas=False) if has_formula else grid
    )  # formulas' stored results
    if not grid or not grid[0]:
        raise SpecError(
            [
                table_problem(
                    "missing-column",
                    file,
                    *message(("missing-column", "empty-sheet")),
                    row=1,
                )
            ]
        )
    for j, (value, kind) in enumerate(grid[0]):
        if kind in ("f", "e"):
            raise SpecError([_xlsx_problem(kind, file, 1, j, value, None, None)])
    names = [_xlsx_text(v) for v, _ in grid[0]]
    while names and not names[-1].strip():  # unused columns at the right of the header
        names.pop()
    header = _resolve_header(names, file)
    width = len(names)
    canon = {i - 1: c for c, i in header.items()}
    unit_col = header["unit"] - 1
    data: dict[str, list[str]] = {c: [] for c in header}
    numbers: list[int] = []
    scan = _UnitScan()
    for i in range(1, len(grid)):
        row = i + 1
        texts: list[str] = []
        problems: list[Problem] = []
        outside = None
        for j, (value, kind) in enumerate(grid[i]):
            if kind == "f":
                cached = stored[i][j][0] if i < len(stored) and j < len(stored[i]) else None
                texts.append(_xlsx_text(cached) if j == unit_col else "")
                if j < width:
                    problems.append(_xlsx_problem("f", file, row, j, value, cached, canon.get(j)))
            elif kind == "e":
                texts.append("")
                if j < width:
                    problems.append(_xlsx_problem("e", file, row, j, value, None, canon.get(j)))
            else:
                texts.append(_xlsx_text(value))
            if j >= width and outside is None and (kind in ("f", "e") or texts[-1].strip()):
                outside = j
        if outside is not None:
            problems.append(
                table_problem(
                    "ragged-row",
                    file,
                    *message(
                        ("ragged-row", "right-of-header"),
                        cell=_cell_ref(row, outside),
                        last=_cell_ref(1, width - 1),
                    ),
                    row=row,
                    column=outside + 1,
                )
            )
        if not problems and not any(t.strip() for t in texts):
            continue  # an empty row: not a row of the table
        texts = (texts + [""] * width)[:width]
        for c, col in header.items():
            data[c].append(texts[col - 1])
        numbers.append(row)
        scan.add(row, texts[unit_col].strip(), problems)
    scan.finish(lambda: zip(numbers, (u.strip() for u in data["unit"]), strict=True))
    return Table(
        file=file,
        folder=path.parent,
        header=header,
        format="memory",
        row_count=scan.rows,
        unit_count=scan.unit_count,
        path=path,
        data=data,
        strays=scan.strays,
        issues=scan.issues,
        numbers=numbers,
    )


def _xlsx_grid(openpyxl: Any, path: Path, file: str, *, formulas: bool) -> Grid:
    """Every row of the first worksheet, as far as it really goes (never bounded by the declared dimension)."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=not formulas)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise SpecError(
            [
                table_problem(
                    "file",
                    file,
                    *message(("file", "not-xlsx"), error=exc),
                )
            ]
        ) from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # the <dimension> a writer declared may be short (or just A1): read what is there
        return [[(cell.value, cell.data_type) for cell in row] for row in ws.iter_rows()]
    except Exception as exc:  # noqa: BLE001 - a sheet openpyxl cannot parse
        raise SpecError(
            [
                table_problem(
                    "file",
                    file,
                    *message(("file", "sheet-unreadable"), file=file, error=exc),
                )
            ]
        ) from None
    finally:
        wb.close()


def _cell_ref(row: int, j: int) -> str:
    """``B5``: the cell of a 1-based row and 0-based column."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(j + 1)}{row}"


def _xlsx_problem(
    kind: str, file: str, row: int, j: int, value: Any, cached: Any, column: str | None
) -> Problem:
    """A formula cell (``kind`` "f") or an error value ("e"), located at its cell."""
    ref = _cell_ref(row, j)
    if kind == "e":
        return table_problem(
            "cell-error",
            file,
            *message("cell-error", cell=ref, value=value),
            row=row,
            column=j + 1,
            column_name=column,
        )
    formula = str(getattr(value, "text", value))
    none = Message("", "")
    shows = none if cached is None else message(("formula", "shows"), value=_xlsx_text(cached))
    hint = message(("formula", "equals-sign")) if formula.strip() == "=" else none
    text = message(("formula", "cell"), cell=ref, formula=formula, shows=shows, equals_hint=hint)
    return table_problem("formula", file, *text, row=row, column=j + 1, column_name=column)


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        digits = Decimal(text).as_tuple().digits
        if len("".join(map(str, digits)).strip("0")) > EXCEL_DIGITS:
            return f"{text}（浮点误差 float noise: type the number）"
        return format(Decimal(text), "f")
    return str(value)


def table_from_columns(
    columns: Mapping[str, Sequence[str]],
    *,
    file: str = "<table>",
    folder: str | os.PathLike[str] = ".",
) -> Table:
    """A table given in memory: header name (or alias) → cell texts, all columns of equal length."""
    header = _resolve_header(list(columns), file)
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    names = list(columns)
    data = {
        c: ["" if x is None else str(x) for x in columns[names[i - 1]]] for c, i in header.items()
    }
    scan = _UnitScan()
    for r, unit in enumerate(data["unit"], start=2):
        scan.add(r, unit.strip())
    scan.finish(lambda: enumerate((u.strip() for u in data["unit"]), start=2))
    return Table(
        file=file,
        folder=Path(folder),
        header=header,
        format="memory",
        row_count=n,
        unit_count=scan.unit_count,
        data=data,
        strays=scan.strays,
    )
