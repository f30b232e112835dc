"""Reading the long table: one row per unit × indicator, CSV or Parquet, every cell as text.

The table is read in blocks (:meth:`Table.blocks`) so that a run never holds
more than a chunk of rows as Python objects; :func:`read_table` only opens the
file, checks the header and counts the units (one pass over the ``unit``
column), which is what makes the contiguity check possible before anything is
scored. The columns and their aliases are documented in docs/batch.md.
"""

from __future__ import annotations

import csv
import io
import mmap
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from perfrules._errors import Problem, SpecError
from perfrules._suggest import suggest

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
UNIT_LEVEL: tuple[str, ...] = ("spec", "budget", "spent", "initial", "year", "kind", "title", "unit_name")
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
    if data[:1] in (b"\n", b"\r") or data.find(b"\n\n") >= 0 or data.find(b"\n\r\n") >= 0:
        return False
    if data.find(b"\r") < 0:
        return True
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


def table_problem(code: str, file: str, en: str, zh: str, *, row: int | None = None, column: int | None = None,
                  column_name: str | None = None, suggestion: str | None = None) -> Problem:  # fmt: skip
    """A problem located in the table: file, row (header = row 1), 1-based column number."""
    return Problem(
        code=code, message=en, message_zh=zh, path=(column_name,) if column_name else (), file=file,
        line=row, column=column, suggestion=suggestion,
    )  # fmt: skip


def _resolve_header(names: Sequence[str], file: str) -> dict[str, int]:
    """Canonical column → 1-based column number; unknown or repeated headers are problems."""
    out: dict[str, int] = {}
    problems: list[Problem] = []
    known = sorted(_ALIAS)
    for i, raw in enumerate(names, start=1):
        name = raw.strip()
        canon = _ALIAS.get(name)
        if canon is None:
            problems.append(table_problem(
                "unknown-column", file,
                f"unknown column {name!r}; known columns: {', '.join(INPUT_COLUMNS)} (or their Chinese aliases: perfrules docs batch)",
                f"未知的列“{name}”；可用的列：{'、'.join(INPUT_COLUMNS)}（或其中文别名，见 perfrules docs batch）",
                row=1, column=i, column_name=name, suggestion=suggest(name, known),
            ))  # fmt: skip
        elif canon in out:
            problems.append(table_problem(
                "duplicate-column", file, f"column {name!r} repeats column {out[canon]} ({canon})",
                f"列“{name}”与第{out[canon]}列（{canon}）重复", row=1, column=i, column_name=name,
            ))  # fmt: skip
        else:
            out[canon] = i
    for need in REQUIRED:
        if need not in out and not problems:
            problems.append(table_problem(
                "missing-column", file, f"the table has no {need!r} column", f"表格缺少“{need}”列", row=1,
            ))  # fmt: skip
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
    whose ``data`` then holds the columns. ``units`` is the number of distinct
    units, ``row_count`` the number of data rows.
    """

    file: str  # as problems show it
    folder: Path  # where relative ``spec`` paths are read from
    header: dict[str, int]
    format: str  # "csv" | "parquet" | "memory"
    row_count: int
    unit_count: int
    path: Path | None = None
    data: Mapping[str, Sequence[str]] | None = None
    strays: Mapping[str, int] = attrs.field(factory=dict)  # unit → row where its rows resume after another unit's
    plain: bool = False  # checked: no blank lines or lone carriage returns (a CSV the pyarrow reader reads alike)

    def blocks(self, size: int = 8192) -> Iterator[Block]:
        """The table's rows in order, ``size`` rows at a time."""
        if self.format == "memory":
            assert self.data is not None
            for start in range(0, self.row_count, size):
                stop = min(start + size, self.row_count)
                yield Block({c: list(v[start:stop]) for c, v in self.data.items()}, list(range(start + 2, stop + 2)))
        elif self.format == "csv":
            assert self.path is not None
            yield from _csv_blocks(self.path, self.header, size)
        else:
            assert self.path is not None
            yield from _parquet_blocks(self.path, self.file, self.header, size)


# ---------------------------------------------------------------------------
# CSV (the csv module: streaming, no dependency)


def _open_csv(path: Path, file: str) -> io.TextIOWrapper:
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise SpecError([table_problem("file", file, f"cannot read {file}: {exc.strerror or exc}",
                                       f"无法读取文件 {file}：{exc.strerror or exc}")]) from None  # fmt: skip
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _csv_rows(path: Path, file: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every record; the header is row 1."""
    with _open_csv(path, file) as fh:
        reader = csv.reader(fh)
        try:
            yield from enumerate(reader, start=1)
        except UnicodeDecodeError:
            raise SpecError([table_problem("encoding", file, "not UTF-8 text (save the table as UTF-8 CSV)",
                                           "文件不是 UTF-8 编码（请另存为 UTF-8 CSV）")]) from None  # fmt: skip
        except csv.Error as exc:
            raise SpecError([table_problem("csv-syntax", file, f"CSV syntax error: {exc}", f"CSV 格式错误：{exc}",
                                           row=reader.line_num)]) from None  # fmt: skip


def _csv_blocks(path: Path, header: dict[str, int], size: int) -> Iterator[Block]:
    rows = _csv_rows(path, str(path))
    next(rows, None)
    cols = {c: i - 1 for c, i in header.items()}
    block = Block({c: [] for c in cols}, [])
    for n, record in rows:
        if not any(cell.strip() for cell in record):
            continue  # blank lines are not rows
        width = len(record)
        for c, i in cols.items():
            block.columns[c].append(record[i] if i < width else "")
        block.rows.append(n)
        if len(block.rows) >= size:
            yield block
            block = Block({c: [] for c in cols}, [])
    if block.rows:
        yield block


def _open_csv_table(path: Path, file: str) -> Table:
    fast = _fast_csv_scan(path, file)
    if fast is not None:
        return fast
    rows = _csv_rows(path, file)
    first = next(rows, None)
    if first is None:
        raise SpecError([table_problem("missing-column", file, "the table is empty: no header row",
                                       "表格为空：没有表头行", row=1)])  # fmt: skip
    header = _resolve_header(first[1], file)
    unit_col = header["unit"] - 1
    scan = _UnitScan()
    for n, record in rows:
        if any(cell.strip() for cell in record):
            scan.add(n, record[unit_col].strip() if unit_col < len(record) else "")
    return Table(file=file, folder=path.parent, header=header, format="csv", row_count=scan.rows,
                 unit_count=len(scan.seen), path=path, strays=scan.strays)  # fmt: skip


def csv_parse_options(path: Path) -> Any:
    """pyarrow's CSV parse options for ``path``: quoted line breaks allowed when the file has quotes at all."""
    import pyarrow.csv as pcsv

    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        quoted = mm.find(b'"') >= 0
    return pcsv.ParseOptions(newlines_in_values=quoted)


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
    trimmed = pc.utf8_trim_whitespace(units)
    if pc.min(pc.binary_length(trimmed)).as_py() == 0:
        return False  # a record without a unit id (maybe a blank record): the csv scan decides
    offsets = np.frombuffer(units.buffers()[1], dtype=np.int32, count=n + 1)
    data = units.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8)[int(offsets[0]):int(offsets[-1])] if data is not None else np.zeros(0)
    odd = ((raw < 0x21) | (raw > 0x7F)).astype(np.int64)
    per_row = np.add.reduceat(odd, (offsets[:-1] - offsets[0]).astype(np.int64)) if len(raw) else np.zeros(n)
    per_row[np.diff(offsets) == 0] = 0  # reduceat gives the next row's first byte for an empty cell
    idx = np.flatnonzero(per_row)
    if not len(idx):
        return True
    sel = pa.array(idx)
    pairs = zip(units.take(sel).to_pylist(), trimmed.take(sel).to_pylist(), strict=True)
    return all((u or "").strip() == t for u, t in pairs)


def _fast_csv_scan(path: Path, file: str) -> Table | None:
    """The same scan as the csv module's, by pyarrow over the unit column, when it provably agrees.

    It applies to a UTF-8 table without blank lines whose every record has a
    unit id (a blank record is skipped by the csv scan but not by Arrow), and
    only when pyarrow imports; otherwise ``None`` and the csv module scans.
    """
    try:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
    except ImportError:
        return None
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            if not plain_lines(mm):
                return None  # blank lines, or lone carriage returns: the csv module's reading is the reference
    try:
        with open(path, encoding="utf-8-sig", newline="") as text:
            names = next(csv.reader(text))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    header = _resolve_header(names, file)
    unit_name = names[header["unit"] - 1]
    if names.count(unit_name) != 1:
        return None
    try:  # every record must parse with the header's width (Arrow refuses ragged rows; the csv module pads them)
        units = pcsv.read_csv(path, read_options=pcsv.ReadOptions(encoding="utf8"), parse_options=csv_parse_options(path),
                              convert_options=pcsv.ConvertOptions(
            include_columns=[unit_name], column_types={unit_name: pa.string()}, strings_can_be_null=False,
            quoted_strings_can_be_null=False)).column(0).combine_chunks()  # fmt: skip
    except (pa.ArrowInvalid, OSError):
        return None  # the csv module reads it and reports what is wrong
    if not strip_agrees(units):
        return None  # a record without a unit id, or ids that only str.strip trims: the csv scan decides
    trimmed = pc.utf8_trim_whitespace(units)
    enc = pc.dictionary_encode(trimmed)
    codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False))
    n = len(codes)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if n else np.zeros(0, dtype=np.int64)
    strays: dict[str, int] = {}
    if n and len(starts) != len(enc.dictionary):  # some unit has more than one run
        seen: set[int] = set()
        for r in starts.tolist():
            code = int(codes[r])
            if code in seen:
                name = enc.dictionary[code].as_py()
                strays.setdefault(name, r + 2)
            seen.add(code)
    return Table(file=file, folder=path.parent, header=header, format="csv", row_count=n,
                 unit_count=len(enc.dictionary), path=path, strays=strays, plain=True)  # fmt: skip


class _UnitScan:
    """One pass over the unit column: row and unit counts, and units whose rows are not contiguous."""

    def __init__(self) -> None:
        self.rows = 0
        self.seen: set[str] = set()
        self.current: str | None = None
        self.strays: dict[str, int] = {}

    def add(self, row: int, unit: str) -> None:
        self.rows += 1
        if unit != self.current:
            if unit in self.seen and unit not in self.strays:
                self.strays[unit] = row
            self.seen.add(unit)
            self.current = unit


# ---------------------------------------------------------------------------
# Parquet (pyarrow)


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return None
    return pq


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
            problems.append(table_problem(
                "float-column", file,
                f"column {field.name!r} is stored as floating point ({t}), which cannot hold decimals exactly; "
                "store it as decimal or string",
                f"列“{field.name}”以浮点数（{t}）存储，无法精确表示小数；请改用 decimal 或字符串类型",
                row=1, column=i, column_name=name,
            ))  # fmt: skip
        elif not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_decimal(t)
                  or pa.types.is_integer(t) or pa.types.is_null(t) or pa.types.is_dictionary(t)):  # fmt: skip
            problems.append(table_problem(
                "column-type", file, f"column {field.name!r} has type {t}; store it as string, decimal or integer",
                f"列“{field.name}”的类型为 {t}；请改用字符串、decimal 或整数类型", row=1, column=i, column_name=name,
            ))  # fmt: skip
    if problems:
        raise SpecError(problems)


def _open_parquet(path: Path, file: str) -> Table:
    pq = _pyarrow()
    if pq is None:
        raise SpecError([table_problem("file", file, "reading Parquet needs pyarrow: pip install 'perfrules[batch]'",
                                       "读取 Parquet 需要 pyarrow：pip install 'perfrules[batch]'")])  # fmt: skip
    try:
        pf = pq.ParquetFile(path)
    except OSError as exc:
        raise SpecError([table_problem("file", file, f"cannot read {file}: {exc}", f"无法读取文件 {file}：{exc}")]) from None
    except Exception as exc:  # noqa: BLE001 - pyarrow raises its own errors for bad files
        raise SpecError([table_problem("file", file, f"not a Parquet file: {exc}", f"不是有效的 Parquet 文件：{exc}")]) from None
    schema = pf.schema_arrow
    header = _resolve_header(list(schema.names), file)
    _check_types(schema, file, header)
    scan = _UnitScan()
    units = _cell_texts(pf.read(columns=[schema.names[header["unit"] - 1]]).column(0).to_pylist())
    for n, unit in enumerate(units, start=2):
        scan.add(n, unit.strip())
    return Table(file=file, folder=path.parent, header=header, format="parquet", row_count=scan.rows,
                 unit_count=len(scan.seen), path=path, strays=scan.strays)  # fmt: skip


def _parquet_blocks(path: Path, file: str, header: dict[str, int], size: int) -> Iterator[Block]:
    pq = _pyarrow()
    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    wanted = {c: names[i - 1] for c, i in header.items()}
    row = 2
    for batch in pf.iter_batches(batch_size=size, columns=list(wanted.values())):
        cols = {c: _cell_texts(batch.column(batch.schema.get_field_index(n)).to_pylist()) for c, n in wanted.items()}
        n = batch.num_rows
        yield Block(cols, list(range(row, row + n)))
        row += n


# ---------------------------------------------------------------------------


def read_table(path: str | os.PathLike[str]) -> Table:
    """Open a long table (``.csv`` or ``.parquet``): check its header, count its rows and units.

    Raises :class:`~perfrules.SpecError` (exit 2 on the command line) for an
    unreadable file, an unknown or repeated header (with a did-you-mean), a
    missing ``unit`` column or a Parquet float column. Rows are read later, in
    blocks, by :meth:`Table.blocks`.
    """
    p = Path(path)
    file = str(path)
    suffix = p.suffix.lower()
    if not p.is_file():
        why = "is a folder" if p.is_dir() else "does not exist"
        why_zh = "是文件夹" if p.is_dir() else "不存在"
        raise SpecError([table_problem("file", file, f"cannot read {file}: it {why}", f"无法读取 {file}：文件{why_zh}")])
    if suffix == CSV_SUFFIX:
        return _open_csv_table(p, file)
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(p, file)
    if suffix == XLSX_SUFFIX:
        return _open_xlsx(p, file)
    raise SpecError([table_problem("file", file, f"{file}: a table must be .csv, .parquet or .xlsx, not {suffix or 'no suffix'!r}",
                                   f"{file}：表格须为 .csv、.parquet 或 .xlsx 文件")])  # fmt: skip


def _open_xlsx(path: Path, file: str) -> Table:
    """The first worksheet of a workbook as a long table (openpyxl; the extra ``perfrules[xlsx]``).

    Cells become the text the table format reads: text as written, whole
    numbers as digits, other numbers as the shortest decimal that is the
    stored binary value (``Decimal(repr(x))``). A number with more than 15
    significant digits is float noise (a formula's result, never a typed
    value): its text is marked so that the unit fails with the cell located,
    never a silent guess. Trailing empty rows are dropped; rows keep their
    sheet row numbers (the header is row 1).
    """
    try:
        import openpyxl
    except ImportError:
        raise SpecError([table_problem("file", file, "reading .xlsx needs openpyxl: pip install 'perfrules[xlsx]'",
                                       "读取 .xlsx 需要 openpyxl：pip install 'perfrules[xlsx]'")]) from None  # fmt: skip
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise SpecError([table_problem("file", file, f"not a readable .xlsx workbook: {exc}",
                                       f"不是可读取的 .xlsx 工作簿：{exc}")]) from None  # fmt: skip
    try:
        rows = [[_xlsx_text(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows:
        raise SpecError([table_problem("missing-column", file, "the worksheet is empty: no header row",
                                       "工作表为空：没有表头行", row=1)])  # fmt: skip
    while len(rows) > 1 and not any(c.strip() for c in rows[-1]):
        rows.pop()
    names = rows[0]
    while names and not names[-1].strip():  # unused columns at the right of the header
        names = names[:-1]
    width = len(names)
    columns = {name: [r[i] if i < len(r) else "" for r in rows[1:]] for i, name in enumerate(names)}
    if len(columns) != width:  # a repeated header: let the header check say so
        _resolve_header(names, file)
    table = table_from_columns(columns, file=file, folder=path.parent)
    return attrs.evolve(table, path=path)


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


def table_from_columns(columns: Mapping[str, Sequence[str]], *, file: str = "<table>",
                       folder: str | os.PathLike[str] = ".") -> Table:  # fmt: skip
    """A table given in memory: header name (or alias) → cell texts, all columns of equal length."""
    header = _resolve_header(list(columns), file)
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    names = list(columns)
    data = {c: ["" if x is None else str(x) for x in columns[names[i - 1]]] for c, i in header.items()}
    scan = _UnitScan()
    for r, unit in enumerate(data["unit"], start=2):
        scan.add(r, unit.strip())
    return Table(file=file, folder=Path(folder), header=header, format="memory", row_count=n,
                 unit_count=len(scan.seen), data=data, strays=scan.strays)  # fmt: skip
