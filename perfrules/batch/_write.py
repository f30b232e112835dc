"""Column-oriented, atomic table writers: CSV (pyarrow or the csv rules by hand, identical text) and Parquet.

Each writer writes to a temporary file in the destination's folder and
:meth:`TableWriter.commit` renames it into place with ``os.replace``; until
then the destination (and any previous file there) is untouched, and
:meth:`TableWriter.abort` removes the temporary file. Chunks arrive as
``dict[str, Sequence]`` columns, so a vectorised scorer never builds per-row
objects. CSV text is the same with or without pyarrow: a quoted header, string
cells always quoted (``""`` doubled inside), integers and ``true``/``false``
bare, missing values empty, ``\\n`` line ends, UTF-8.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from perfrules.batch._chunk import BOOL_COLUMNS, INT_COLUMNS

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def pyarrow_available() -> bool:
    """Whether pyarrow imports (Parquet, and the pyarrow CSV writer)."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.csv  # noqa: F401
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
    return '"' + str(value).replace('"', '""') + '"'


def _schema(columns: Sequence[str]) -> Any:
    import pyarrow as pa

    def kind(c: str) -> Any:
        return pa.int64() if c in INT_COLUMNS else pa.bool_() if c in BOOL_COLUMNS else pa.string()

    return pa.schema([(c, kind(c)) for c in columns])


def _arrow_table(schema: Any, columns: Sequence[str], chunk: Mapping[str, Sequence[Any]]) -> Any:
    import pyarrow as pa

    arrays = []
    for c in columns:
        given = chunk[c]
        kind = schema.field(c).type
        if isinstance(given, pa.Array) and given.type == kind:  # columnar results pass straight through
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
    """Writes one output table in chunks to a temporary file; :meth:`commit` moves it into place."""

    def __init__(self, path: str | os.PathLike[str], columns: Sequence[str], *, use_pyarrow: bool | None = None) -> None:
        self.path = Path(path)
        self.columns = tuple(columns)
        self.format = FORMATS[self.path.suffix.lower()]
        self.use_pyarrow = pyarrow_available() if use_pyarrow is None else use_pyarrow
        if self.format == "parquet" and not self.use_pyarrow:
            raise RuntimeError("writing Parquet needs pyarrow: pip install 'perfrules[batch]'")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent or ".")
        self.tmp = Path(tmp)
        self._fh: IO[bytes] = os.fdopen(fd, "wb")
        self._writer: Any = None
        self._schema: Any = None
        if self.use_pyarrow:
            self._schema = _schema(self.columns)
            if self.format == "parquet":
                import pyarrow.parquet as pq

                self._writer = pq.ParquetWriter(self._fh, self._schema)
            else:
                import pyarrow.csv as pcsv

                self._writer = pcsv.CSVWriter(self._fh, self._schema)
        else:
            self._fh.write((",".join(_quote(c, "") for c in self.columns) + "\n").encode())
        self.rows = 0

    def write(self, chunk: Mapping[str, Sequence[Any]]) -> None:
        """Append rows given column by column (every column of :attr:`columns`, equal lengths)."""
        n = len(chunk[self.columns[0]]) if self.columns else 0
        if n == 0:
            return
        if self._writer is not None:
            self._writer.write_table(_arrow_table(self._schema, self.columns, chunk))
        else:
            cols = [(c, chunk[c]) for c in self.columns]
            lines = [",".join(_quote(values[r], c) for c, values in cols) for r in range(n)]
            self._fh.write(("\n".join(lines) + "\n").encode())
        self.rows += n

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def commit(self) -> None:
        """Finish the file and move it into place atomically."""
        self.close()
        os.chmod(self.tmp, default_mode())  # mkstemp made it private; the result is an ordinary file
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Drop the temporary file; the destination stays as it was."""
        try:
            if self._writer is not None:
                self._writer.close()
        except Exception:  # noqa: BLE001,S110 - the file is being thrown away
            pass
        if not self._fh.closed:
            self._fh.close()
        self.tmp.unlink(missing_ok=True)


def default_mode() -> int:
    """The permissions a newly created file gets under the process's umask (0o644 under the usual 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def sibling(out: Path, name: str) -> Path:
    """``<stem>.<name><suffix>`` next to ``out`` (``units.csv`` → ``units.indicators.csv``)."""
    return out.with_name(f"{out.stem}.{name}{out.suffix}")
