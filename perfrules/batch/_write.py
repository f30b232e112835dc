"""Column-oriented, atomic table writers: CSV (pyarrow or the csv rules by hand, identical text) and Parquet.

Each writer streams into a temporary file of a :class:`perfrules._atomic.Transaction`
(its own, or one shared with the run's other outputs so that they are
committed as one generation); until the commit the destination (and any
previous file there) is untouched, and an abort removes the temporary file.
Chunks arrive as ``dict[str, Sequence]`` columns, so a vectorised scorer never
builds per-row objects. CSV text is the same with or without pyarrow: a quoted
header, string cells always quoted (``""`` doubled inside), integers and
``true``/``false`` bare, missing values empty, ``\\n`` line ends, UTF-8.

**CSV injection** (OWASP): a text cell of a CSV output that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is written with a leading
``'``, so that a spreadsheet opening the file shows it as text and never runs
it as a formula — unless the cell is a plain decimal number (``-5``, ``+0.5``:
a number, not a formula). The number columns (:data:`NUMBER_TEXT_COLUMNS`:
the core's Decimal text, file row and column numbers) are never changed.
Parquet files hold typed strings and are written as they are.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from perfrules._atomic import Transaction
from perfrules._errors import MissingExtraError
from perfrules._safe_text import FORMULA_START, neutralise
from perfrules.batch._chunk import BOOL_COLUMNS, INT_COLUMNS

try:  # the batch path's text kernels in C (optional: built where a C compiler was found at install)
    from perfrules.batch import _ctext
except ImportError:  # pragma: no cover - NumPy does the same test
    _ctext = None  # type: ignore[assignment]

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
WRITE_BATCH_ROWS = 1 << 16  # rows of a CSV output the pyarrow writer turns into text at once
# string columns that hold numbers: Decimal text of the core (a lost of "-1" is a number) and file positions
NUMBER_TEXT_COLUMNS: frozenset[str] = frozenset(
    {"total", "total_weight", "lost", "weight", "score", "row", "column"}
)


def _text_column(column: str) -> bool:
    return (
        column not in INT_COLUMNS
        and column not in BOOL_COLUMNS
        and column not in NUMBER_TEXT_COLUMNS
    )


def _neutralise_array(arr: Any) -> Any:
    """:func:`neutralise` over an Arrow string array: a vectorised test of the first character, Python for the few hits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(arr) == 0:
        return arr
    if not _may_start_a_formula(arr):
        return arr
    first = pc.utf8_slice_codeunits(arr, 0, 1)
    hits = pc.is_in(first, value_set=pa.array(FORMULA_START, type=arr.type))
    if not pc.any(hits).as_py():
        return arr
    values = arr.to_pylist()
    for i in pc.indices_nonzero(hits).to_pylist():
        values[i] = neutralise(values[i])
    return pa.array(values, type=arr.type)


_STARTS = frozenset(ord(c) for c in FORMULA_START if len(c.encode()) == 1)
_START_TABLE = bytes(
    1 if b in _STARTS else 0 for b in range(256)
)  # the bytes a formula may start with


def _may_start_a_formula(arr: Any) -> bool:
    """Whether some cell of a string array may start with a :data:`FORMULA_START` character: its first
    byte, read from the array's buffers (every such character is one ASCII byte; ``False`` only when no
    cell's first byte is one) — in C where ``perfrules.batch._ctext`` is built, else with NumPy."""
    import numpy as np
    import pyarrow as pa

    if len(_STARTS) != len(FORMULA_START) or not pa.types.is_string(arr.type):
        return True  # not a case this test covers: let the exact test decide
    data = arr.buffers()[2]
    if data is None:
        return False
    offsets = np.frombuffer(
        arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset
    )
    if _ctext is not None:
        return _ctext.first_byte_in(offsets, data, _START_TABLE)
    starts = offsets[:-1][offsets[1:] > offsets[:-1]]  # non-empty cells (a null cell is empty)
    if not len(starts):
        return False
    table = np.frombuffer(_START_TABLE, dtype=np.uint8).astype(bool)
    return bool(table[np.frombuffer(data, dtype=np.uint8)[starts]].any())


def parquet_needs_pyarrow() -> MissingExtraError:
    """The error for a Parquet table to write without pyarrow."""
    return MissingExtraError(
        "batch", "writing Parquet needs pyarrow", "写入 Parquet 文件需要 pyarrow", module="pyarrow"
    )


def pyarrow_available(*, parquet: bool = True) -> bool:
    """Whether pyarrow imports (the pyarrow CSV writer; with ``parquet``, Parquet too).

    ``parquet=False`` spares a CSV run the import of ``pyarrow.parquet`` (and
    through it pyarrow's file systems and ``ssl``: some 50 ms at every start).
    """
    try:
        import pyarrow  # noqa: F401
        import pyarrow.csv  # noqa: F401

        if parquet:
            import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _quote(value: Any, column: str) -> str:
    if value is None:
        return ""
    if column in BOOL_COLUMNS:
        return "true" if value else "false"
    if column in INT_COLUMNS:
        return str(int(value))
    text = str(value)
    if column not in NUMBER_TEXT_COLUMNS:
        text = neutralise(text)
    return '"' + text.replace('"', '""') + '"'


def whole_column(col: Any) -> Any:
    """A column of one chunk as that chunk (no copy: ``combine_chunks`` copies even a single chunk),
    else its chunks combined."""
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def arrow_schema(columns: Sequence[str]) -> Any:
    """The Arrow schema of an output table: integer, boolean and string columns (:mod:`perfrules.batch._chunk`)."""
    import pyarrow as pa

    def kind(c: str) -> Any:
        return pa.int64() if c in INT_COLUMNS else pa.bool_() if c in BOOL_COLUMNS else pa.string()

    return pa.schema([(c, kind(c)) for c in columns])


def arrow_table(schema: Any, columns: Sequence[str], chunk: Mapping[str, Sequence[Any]]) -> Any:
    """``chunk``'s columns as an Arrow table of ``schema`` (Arrow arrays of the right type pass straight through)."""
    import pyarrow as pa

    arrays = []
    for c in columns:
        given = chunk[c]
        kind = schema.field(c).type
        if (
            isinstance(given, pa.Array) and given.type == kind
        ):  # columnar results pass straight through
            arrays.append(given)
            continue
        values = list(given)
        if c in INT_COLUMNS:
            values = [None if v is None else int(v) for v in values]
        elif c in BOOL_COLUMNS:
            values = [None if v is None else bool(v) for v in values]
        else:
            values = [None if v is None else str(v) for v in values]
        arrays.append(pa.array(values, type=schema.field(c).type))
    return pa.Table.from_arrays(arrays, schema=schema)


class TableWriter:
    """Writes one output table in chunks to a temporary file; :meth:`commit` moves it into place.

    With ``transaction``, the file is one output of that transaction: the
    transaction's commit moves it into place together with the others (this
    writer's :meth:`commit` then only finishes the file) and its abort removes
    it. Without, the writer has a transaction of its own.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        columns: Sequence[str],
        *,
        use_pyarrow: bool | None = None,
        transaction: Transaction | None = None,
    ) -> None:
        self.path = Path(path)
        self.columns = tuple(columns)
        self.format = FORMATS[self.path.suffix.lower()]
        self.use_pyarrow = (
            pyarrow_available(parquet=self.format == "parquet")
            if use_pyarrow is None
            else use_pyarrow
        )
        if self.format == "parquet" and not self.use_pyarrow:
            raise parquet_needs_pyarrow()
        self._own = transaction is None
        self.transaction = Transaction() if transaction is None else transaction
        self._fh: IO[bytes] = self.transaction.open(self.path)
        self._writer: Any = None
        self._schema: Any = None
        self._release = PageRelease(self._fh)
        self._start()

    def _start(self) -> None:
        """The file's head: the CSV header, or a Parquet writer's."""
        if self.use_pyarrow:
            self._schema = arrow_schema(self.columns)
            if self.format == "parquet":
                import pyarrow.parquet as pq

                self._writer = pq.ParquetWriter(self._fh, self._schema)
            else:
                import pyarrow.csv as pcsv

                # rows converted to text WRITE_BATCH_ROWS at a time (pyarrow's default, 1,024, took twice
                # the CPU over a chunk's 54,300 indicator rows); the text is the same whatever the batch
                self._writer = pcsv.CSVWriter(
                    self._fh,
                    self._schema,
                    write_options=pcsv.WriteOptions(batch_size=WRITE_BATCH_ROWS),
                )
        else:
            self._fh.write((",".join(_quote(c, "") for c in self.columns) + "\n").encode())
        self.rows = 0

    def reset(self) -> None:
        """Empty the file, as just opened (a run that starts over)."""
        if self._writer is not None:
            self._writer.close()  # the caller's file stays open
            self._writer = None
        empty_file(self._fh)
        self._release.reset()
        self._start()

    def write(self, chunk: Mapping[str, Sequence[Any]]) -> None:
        """Append rows given column by column (every column of :attr:`columns`, equal lengths)."""
        n = len(chunk[self.columns[0]]) if self.columns else 0
        if n == 0:
            return
        if self._writer is not None:
            table = arrow_table(self._schema, self.columns, chunk)
            if self.format == "csv":
                for i, c in enumerate(self.columns):
                    if _text_column(c):
                        given = whole_column(table.column(c))
                        safe = _neutralise_array(given)
                        if safe is not given:  # a cell was changed: the column is a new array
                            table = table.set_column(i, c, safe)
            self._writer.write_table(table)
        else:
            cols = [(c, chunk[c]) for c in self.columns]
            lines = [",".join(_quote(values[r], c) for c, values in cols) for r in range(n)]
            self._fh.write(("\n".join(lines) + "\n").encode())
        self.rows += n
        self._release()

    def close(self) -> None:
        """Finish the table (a Parquet footer); the transaction's commit flushes, syncs and renames the file."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def commit(self) -> None:
        """Finish the file; move it into place atomically when the writer has its own transaction."""
        self.close()
        if self._own:
            self.transaction.commit()

    def abort(self) -> None:
        """Drop the temporary file (the whole transaction); the destination stays as it was."""
        try:
            if self._writer is not None:
                self._writer.close()
        except Exception:  # noqa: BLE001,S110 - the file is being thrown away
            pass
        self._writer = None
        self.transaction.abort()


# bytes written to an output between two hand-backs of its pages (PageRelease)
RELEASE_BYTES = 8 << 20


class PageRelease:
    """Hands an output's written pages back to the system as the file grows (Linux: ``posix_fadvise``
    ``DONTNEED``; elsewhere nothing).

    Each call, once :data:`RELEASE_BYTES` more were written, asks the kernel to start writing out the
    file's dirty pages and to drop those already on disk: a long run's outputs stream through some
    megabytes of page cache instead of taking a fresh page per 4 KiB written (on a virtual machine
    a fresh page's first touch costs far more than the copy into it: ``--audit-level record`` at
    100,000 units spent about half its kernel time so).
    The file's contents are unchanged, and its last pages are still written out by the commit's
    ``fsync``.
    """

    __slots__ = ("_at", "_fh")

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self._at = 0  # the file's size at the last hand-back

    def __call__(self) -> None:
        advise = getattr(os, "posix_fadvise", None)
        if advise is None:
            return
        at = self._fh.tell()
        if at - self._at < RELEASE_BYTES:
            return
        self._at = at
        try:
            advise(self._fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        except OSError:  # advice only: a file system that takes none is written as it is
            pass

    def reset(self) -> None:
        """The file was emptied (a run that starts over)."""
        self._at = 0


def empty_file(fh: IO[bytes]) -> None:
    """Empty a file being written (a transaction's: its raw file has no ``truncate``), to write it again from its start."""
    fh.flush()
    fh.seek(0)
    os.ftruncate(fh.fileno(), 0)


def sibling(out: Path, name: str) -> Path:
    """``<stem>.<name><suffix>`` next to ``out`` (``units.csv`` → ``units.indicators.csv``)."""
    return out.with_name(f"{out.stem}.{name}{out.suffix}")
