"""The columnar runner: the long table read with pyarrow, scored by the vectorised path, written with pyarrow.

:class:`ColumnarEngine` is the vector engine's runner for a CSV or Parquet
file that :func:`usable` admits (``perfrules.batch._run.select_engine``
chooses it when NumPy, pyarrow and the vectorised module import). Rows never
become Python objects on the way: cells stay in Arrow arrays from the reader
to the writer. Every unit the vectorised path does not score (bad input, a
method it does not do, a unit whose per-unit columns disagree, a ``spec``
cell that does not load …) is handed, with its rows, to the chunk-by-chunk
runner's own pure scorer (:func:`perfrules.batch._chunked._score_chunk`), so
results and error rows are the pure path's, digit for digit and problem for
problem.
"""

from __future__ import annotations

import csv
import os
import sys
import threading
from array import array
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, cast

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from perfrules._errors import SpecError
from perfrules.batch._cells import _np, parse
from perfrules.batch._chunk import (
    BOOL_COLUMNS,
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    INT_COLUMNS,
    PROBLEM_COLUMNS,
    STATUS_OK,
    UNIT_COLUMNS,
    BuildingScorer,
    Chunk,
    ChunkResult,
    Columns,
    Losses,
    UnitBuilder,
)
from perfrules.batch._chunked import CHUNK_UNITS, _Out, _Pending, _score_chunk
from perfrules.batch._engines import Engine, OnUnit
from perfrules.batch._records import RecordInputs
from perfrules.batch._summary import Tally
from perfrules.batch._table import (
    UNIT_LEVEL,
    Table,
    TableNotPlain,
    block_size,
    csv_parse_options,
    file_has,
    parquet_file,
    repeated_values,
    strip_agrees,
)
from perfrules.batch._unit import Bases, Prepared, UnitRows, prepare

try:  # the batch path's text kernels in C (optional: built where a C compiler was found at install)
    from perfrules.batch import _ctext
except ImportError:  # pragma: no cover - pyarrow's CSV reader reads the same columns
    _ctext = None  # type: ignore[assignment]
from perfrules.model import Spec

# CSV read in blocks of about 1 MiB: pyarrow's streaming reader reads ahead, its memory grows with the block
BLOCK_BYTES = 1 << 20
# Parquet read in batches of this many rows: with 65,536 (3,277 units of 20 rows) a run of 100,000 units peaked
# 24–34 MiB higher (with and without the record audit), and was no faster
PARQUET_BATCH_ROWS = 1 << 14
WORKERS = 1  # chunks scored at once beside the reading (each spreads its arithmetic over the CPUs); 2 gained
# under 10 % on 2 CPUs for 20 % more memory, and would share the base cache between threads


def usable(table: Table) -> bool:
    """Whether the columnar runner reads this table exactly as the pure reader does.

    A CSV qualifies when the table scan ran on pyarrow (``Table.plain``): UTF-8,
    no blank lines or stray carriage returns, every record on one line, as wide
    as the header and with a unit id, unit ids trimmed alike by Arrow and
    ``str.strip`` — a table the csv reader reads without a problem. A Parquet
    file when its unit ids trim alike (``Table.plain`` too). Otherwise (and whenever a row could not
    be read as it stands: ``Table.issues``) the chunk-by-chunk runner reads the
    table.
    """
    if table.format not in ("csv", "parquet") or table.path is None or table.strays or table.issues:
        return False
    return table.plain  # the table scan checked it (a Parquet file's: its unit ids trim alike)


def _batches(table: Table) -> Iterator[pa.RecordBatch]:
    """The table's record batches, every column as text, named by canonical column."""
    return (block.batch for block in _read(table))


class _Block(NamedTuple):
    """A record batch as read, every column text, named by canonical column."""

    #: the batch
    batch: pa.RecordBatch
    #: the share of the input read so far (an estimate for a CSV file: a run's progress while the unit
    #: count is unknown)
    share: float
    #: its unit ids are known to be non-empty, with no byte below 0x21 or above 0x7f: nothing to trim
    #: (False: not known)
    plain_units: bool
    #: no cell is longer than the csv module reads (``csv.field_size_limit``): the reader checked
    #: (False: not checked)
    cells_checked: bool


def _read(table: Table) -> Iterator[_Block]:
    """:func:`_batches`, as :class:`_Block` s: a CSV file without a quote character through the C
    splitter where it is built (:func:`_split_csv`), else through pyarrow's streaming reader."""
    assert table.path is not None
    names = {i: c for c, i in table.header.items()}
    if table.format == "csv":
        import pyarrow.csv as pcsv

        with open(table.path, encoding="utf-8-sig", newline="") as fh:
            raw = next(csv.reader(fh))
        if _ctext is not None and (table.deferred or not file_has(table.path, b'"')):
            yield from _split_csv(table.path, len(raw), names)
            return
        with open(table.path, "rb") as fb:
            head = len(fb.readline())  # the header line's bytes (BOM included)
        reader = pcsv.open_csv(
            table.path,
            read_options=pcsv.ReadOptions(
                block_size=block_size(table.path, BLOCK_BYTES), encoding="utf8"
            ),
            # a deferred table has no quote character (read_table checked it); a blank line is read as a
            # record without a unit id (TableNotPlain), never skipped
            parse_options=pcsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False)
            if table.deferred
            else csv_parse_options(table.path),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in raw},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        size = max(os.stat(table.path).st_size, 1)
        read = head
        for rb in reader:
            cols = {names[i + 1]: rb.column(i) for i in range(rb.num_columns) if i + 1 in names}
            # each record: its cells, a comma between them and a line end (quotes and CRs uncounted)
            read += sum(_text_bytes(a) for a in cols.values()) + rb.num_rows * rb.num_columns
            yield _Block(pa.RecordBatch.from_pydict(cols), min(read / size, 1.0), False, False)
        return
    pf = parquet_file(table.path)
    schema_names = pf.schema_arrow.names
    wanted = {c: schema_names[i - 1] for c, i in table.header.items()}
    rows = max(pf.metadata.num_rows, 1)
    read = 0
    for rb in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=list(wanted.values())):
        read += rb.num_rows
        yield _Block(
            pa.RecordBatch.from_pydict(
                {c: _as_text(rb.column(rb.schema.get_field_index(n))) for c, n in wanted.items()}
            ),
            min(read / rows, 1.0),
            False,
            False,
        )


def _split_csv(path: Path, width: int, names: dict[int, str]) -> Iterator[_Block]:
    """A CSV file without a quote character, read by the C splitter (``_ctext.split_lines``)
    :data:`BLOCK_BYTES` of whole lines at a time: the text columns pyarrow's reader gives.

    Every record must be ``width`` fields, with no carriage return but that of a CRLF, and the file
    UTF-8; else :class:`pyarrow.ArrowInvalid`, as pyarrow's reader raises (the caller decides what a
    table that is not plain becomes). The file's last line may lack its line end.
    """
    assert _ctext is not None
    first = next((i - 1 for i, c in names.items() if c == "unit"), min(names) - 1)
    # the unit ids first: the kernel ranges their bytes (plain_units)
    wanted = (first, *sorted(i - 1 for i in names if i - 1 != first))
    order = sorted(range(len(wanted)), key=lambda j: wanted[j])  # back to the header's order
    columns = [names[wanted[j] + 1] for j in order]
    size = max(os.stat(path).st_size, 1)
    buf = bytearray(2 * BLOCK_BYTES)
    with open(path, "rb") as fh:
        header = fh.readline()  # the header (its BOM included): the csv reader read it
        if not header.endswith(b"\n"):  # no record, and no line end after the header
            raise pa.ArrowInvalid(
                "a CSV file of its header alone, without a line end"
            )  # as pyarrow's
        read = len(header)
        have = 0
        while True:
            if have + BLOCK_BYTES > len(buf):  # a line longer than the buffer holds
                buf.extend(bytes(len(buf)))
            with memoryview(buf) as view:
                got = fh.readinto(view[have : have + BLOCK_BYTES])
            have += got
            if got:
                cut = buf.rfind(b"\n", 0, have) + 1
                if not cut:
                    continue
            elif not have:
                return
            else:  # the end of the file: its last line, given a line end if it has none
                if buf[have - 1] != 0x0A:
                    buf[have : have + 1] = b"\n"
                    have += 1
                cut = have
            with memoryview(buf) as view:
                try:
                    rows, cols, lo, hi, utf8 = _ctext.split_lines(
                        view[:cut], width, wanted, pa.allocate_buffer
                    )
                except ValueError as e:
                    raise pa.ArrowInvalid(str(e)) from None
            if not utf8:
                raise pa.ArrowInvalid("a CSV record is not UTF-8")
            if max(c[3] for c in cols) > csv.field_size_limit():
                raise pa.ArrowInvalid("a cell longer than the csv module reads")
            read += cut
            buf[: have - cut] = buf[cut:have]  # the start of a line that goes on in the next block
            have -= cut
            arrays = [
                pa.Array.from_buffers(pa.string(), rows, [None, pa.py_buffer(o), d])
                for o, d, _, _ in cols
            ]
            # ids with no byte that could be whitespace (none below 0x21 or above 0x7f) and none empty
            plain_units = lo >= 0x21 and hi <= 0x7F and cols[0][2] > 0
            yield _Block(
                pa.RecordBatch.from_arrays([arrays[j] for j in order], names=columns),
                min(read / size, 1.0),
                plain_units,
                True,
            )
            if not got:
                return


def _text_bytes(arr: pa.Array) -> int:
    """The bytes of an Arrow string array's cells."""
    offsets = np.frombuffer(
        arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset
    )
    return int(offsets[-1] - offsets[0])


def _as_text(arr: pa.Array) -> pa.Array:
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return pc.fill_null(arr.cast(pa.string()), "")
    return pc.fill_null(pc.cast(arr, pa.string()), "")


@attrs.frozen(eq=False)
class _Tables:
    """The four output tables of a chunk as Arrow arrays, in unit order."""

    units: dict[str, pa.Array]
    indicators: dict[str, pa.Array]
    categories: dict[str, pa.Array]
    problems: dict[str, pa.Array]


@attrs.frozen(eq=False)
class Scored:
    """One chunk's output tables (Arrow arrays, unit order) and its input rows, as they came from the reader."""

    out: _Tables
    vector: int
    pure: int
    cells: dict[str, pa.Array]  # every output unit's input rows, unit after unit
    row_numbers: npt.NDArray[np.int64]
    row_counts: npt.NDArray[np.int64]
    share: float = (
        0.0  # the share of the input read when the chunk was cut (progress of a deferred table)
    )
    losses: Losses | None = (
        None  # the indicators table's positive losses, when the scorer gave them
    )

    @property
    def tables(self) -> _Tables:
        return self.out

    def tally(self, tally: Tally) -> None:
        tally_arrays(tally, self.out.units, self.out.indicators, self.losses)

    def record_inputs(self) -> RecordInputs:
        return RecordInputs(self.cells, self.row_numbers, self.row_counts)


class ColumnarEngine(Engine):
    """The columnar runner: ``score`` (the vectorised path) over Arrow chunks, the pure path for the rest.

    ``score`` and ``unit_builder`` are the vectorised module's
    :func:`~perfrules.batch._vector.score_chunk` and
    :func:`~perfrules.batch._vector.unit_builder`; ``chunk_units`` is the
    least number of units per chunk. It keeps no :class:`~perfrules.Evaluation`
    of a unit, so it takes no ``on_unit`` (the full audit runs on the pure
    engine).
    """

    reads_deferred = True  # checks a deferred table as it reads it (TableNotPlain)

    def __init__(
        self,
        score: BuildingScorer,
        unit_builder: UnitBuilder,
        *,
        chunk_units: int = CHUNK_UNITS,
        fallback_units: int = CHUNK_UNITS,
    ) -> None:
        self.score = score
        self.unit_builder = unit_builder
        self.chunk_units = chunk_units
        self.fallback_units = (
            fallback_units  # units per chunk of the chunk-by-chunk runner (fallback)
        )

    def chunks(self, table: Table, on_unit: OnUnit | None = None) -> Iterator[Scored]:
        if on_unit is not None:
            raise ValueError(
                "the columnar runner keeps no Evaluation per unit: use the pure engine for on_unit"
            )
        return _in_pool(_scored_chunks(table, self, self.chunk_units))

    def fallback(self, table: Table) -> Engine:
        """This runner when it reads the scanned ``table`` as it stands, else the chunk-by-chunk runner
        with the same vectorised scorer (as ``select_engine`` chooses)."""
        if usable(table):
            return self
        from perfrules.batch._chunked import ChunkedEngine
        from perfrules.batch._vector import score_chunk

        return ChunkedEngine(score_chunk, chunk_units=self.fallback_units)


def run_pool() -> pa.MemoryPool | None:
    """The Arrow memory pool of a columnar run: jemalloc's, when Arrow's default pool is its own
    (mimalloc) and the user chose none (``ARROW_DEFAULT_MEMORY_POOL``); else ``None``.

    The run allocates and frees buffers of a block's size block after block: mimalloc hands
    their pages back to the system soon after each is freed, and the next block's first touch
    faults them in again (huge pages, zeroed by the kernel); jemalloc keeps reusing them, with a
    lower peak RSS (docs/batch.md, "Memory and speed").
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") or pa.default_memory_pool().backend_name != (
        "mimalloc"
    ):
        return None
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return None


# jemalloc's decay while a run uses the run pool: a freed page stays for reuse about this long
RUN_DECAY_MS = 5000
# Arrow's own jemalloc decay (its malloc_conf: 1000 ms where jemalloc has its background thread,
# 0 on macOS), set back when the last run ends
ARROW_DECAY_MS = 0 if sys.platform == "darwin" else 1000


def _set_decay(ms: int) -> None:
    """Set the decay of jemalloc arenas Arrow creates from now on, unless the user configured
    Arrow's jemalloc (``JE_ARROW_MALLOC_CONF``: their settings stand)."""
    if os.environ.get("JE_ARROW_MALLOC_CONF"):
        return
    try:
        pa.jemalloc_set_decay_ms(ms)
    except (NotImplementedError, pa.ArrowException):  # a pyarrow without jemalloc: nothing to set
        pass


class _PoolSwitch:
    """Arrow's default pool while columnar runs are under way: the first run to start sets
    :func:`run_pool`, the last to end puts back the pool it found (runs in several threads at once
    share the switch, so none restores the pool while another still runs, and none takes the run
    pool for the user's).

    With the run pool, jemalloc keeps a freed page for reuse for :data:`RUN_DECAY_MS` instead of
    Arrow's 1,000 ms: a run frees and allocates buffers of a chunk's size chunk after chunk, and
    with Arrow's decay some of every chunk's pages went back to the system and were faulted in again
    (a record audit at 1,000,000 units: 390,000–500,000 page faults, 135,000–205,000 at 5,000 ms, the
    same peak RSS). The decay is jemalloc's setting for the arenas made from then on (the threads'
    first allocations); it is set back to Arrow's when the last run ends. Pages a run kept go back
    to the system within some seconds of its end, by jemalloc's background thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._before: pa.MemoryPool | None = None

    def enter(self) -> bool:
        """Count a run in, setting the run pool if it is the first; whether it was counted."""
        with self._lock:
            if self._runs == 0:
                pool = run_pool()
                if pool is None:
                    return False
                self._before = pa.default_memory_pool()
                _set_decay(RUN_DECAY_MS)
                pa.set_memory_pool(pool)
            self._runs += 1
            return True

    def leave(self) -> None:
        """Count a run out, putting back the pool found when it is the last."""
        with self._lock:
            self._runs -= 1
            if self._runs == 0 and self._before is not None:
                pa.set_memory_pool(self._before)
                _set_decay(ARROW_DECAY_MS)
                self._before = None


_POOL = _PoolSwitch()


def _in_pool(chunks: Iterator[Scored]) -> Iterator[Scored]:
    """``chunks``, with :func:`run_pool` as Arrow's default pool while they are made and written
    (the caller writes each chunk before asking for the next); the previous one restored after."""
    if not _POOL.enter():
        yield from chunks
        return
    try:
        yield from chunks
    finally:
        _POOL.leave()


def _scored_chunks(table: Table, engine: ColumnarEngine, chunk_units: int) -> Iterator[Scored]:
    """Score the table chunk by chunk (whole units; ``chunk_units`` per chunk at least)."""
    bases = Bases(table.folder, table.file)
    probes: dict[tuple[str, str], Prepared | SpecError] = {}
    carry: pa.Table | None = None
    row0 = 2  # file row number of the carried rows' first row (the header is row 1)
    first_unit = 0
    pending_rows: list[pa.Table] = []
    pending_n = 0
    # the pending rows' units, as this thread found them: each unit's first row (in the pending rows) and
    # its trimmed id; handed to the worker with the rows, so it never trims and hashes the ids again
    pending_starts: list[npt.NDArray[np.int64]] = []
    pending_ids: list[pa.Array] = []
    pending_checked = (
        True  # every block of the pending rows had its cells' lengths checked by the reader
    )
    carry_id: pa.Array | None = None  # the carried unit's trimmed id (one element)
    carry_plain = True  # the carried rows' ids need no trimming (_Block.plain_units)

    # one worker thread scores chunk i while this thread reads chunk i + 1 and the caller writes chunk i − 1
    # (Arrow and NumPy release the GIL in their kernels); at most two chunks are in flight
    # a deferred table (read_table(scan=False)) is checked here as it is read, as the unit scan would have
    # checked it: each run of rows of one unit is kept as the hash of its id (a repeated hash: TableNotPlain,
    # and the run starts over on the scanned table, which tells a stray unit from a collision exactly)
    deferred = table.deferred
    heads = array("q")
    share = 0.0

    # one worker thread scores chunk i while this thread reads chunk i + 1 and the caller writes chunk i − 1
    # (Arrow and NumPy release the GIL in their kernels); at most two chunks are in flight
    inflight: deque[Future[Scored]] = deque()
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="perfrules-batch") as pool:

        def submit(data: pa.Table, start_row: int, cut: _Cut) -> Iterator[Scored]:
            nonlocal first_unit
            inflight.append(
                pool.submit(
                    _score, engine, table, data, start_row, bases, probes, first_unit, share, cut
                )
            )
            first_unit += len(cut.starts)
            while len(inflight) > WORKERS:
                yield inflight.popleft().result()

        batches = _read(table)
        while True:
            try:
                got = next(batches, None)
            except pa.ArrowInvalid:
                if not deferred:
                    raise
                raise TableNotPlain(table.file) from None  # a ragged record, bytes not UTF-8 …
            if got is None:
                break
            rb, share, plain_units, cells_checked = got
            pending_checked = pending_checked and cells_checked
            if deferred and not plain_units and not strip_agrees(rb.column("unit")):
                raise TableNotPlain(
                    table.file
                )  # a record without a unit id, or ids only str.strip trims
            data = (
                pa.Table.from_batches([rb])
                if carry is None
                else pa.concat_tables([carry, pa.Table.from_batches([rb])])
            )
            units = data.column("unit").combine_chunks()
            if not (plain_units and carry_plain):  # ids that may need trimming
                units = _trimmed(units)
            carry_plain = plain_units
            n = len(units)
            if n == 0:
                continue
            # the last unit may continue in the next block: keep it back
            change = _changes(units)
            cut = int(change[-1]) if len(change) else 0
            done, carry = data.slice(0, cut), data.slice(cut)
            carry_id = units.slice(cut, 1)
            if cut:
                starts = np.r_[0, change[:-1]].astype(np.int64)
                ids = units.take(pa.array(starts))
                pending_starts.append(starts + sum(t.num_rows for t in pending_rows))
                pending_ids.append(ids)
                pending_rows.append(done)
                pending_n += len(change)
                if deferred:
                    heads.extend(map(hash, ids.to_pylist()))
            if pending_n >= chunk_units:
                block = pa.concat_tables(pending_rows).combine_chunks()
                yield from submit(
                    block, row0, _Cut.of(pending_starts, pending_ids, pending_checked)
                )
                row0 += block.num_rows
                pending_rows, pending_n, pending_starts, pending_ids = [], 0, [], []
                pending_checked = cells_checked  # the carried rows' block
        tail = [*pending_rows, *([carry] if carry is not None and carry.num_rows else [])]
        if carry is not None and carry.num_rows:
            assert carry_id is not None
            at = sum(t.num_rows for t in pending_rows)
            pending_starts.append(np.array([at], dtype=np.int64))
            pending_ids.append(carry_id)
            if deferred:
                heads.append(hash(carry_id[0].as_py()))
        if tail:
            block = pa.concat_tables(tail).combine_chunks()
            yield from submit(block, row0, _Cut.of(pending_starts, pending_ids, pending_checked))
        while inflight:
            yield inflight.popleft().result()
    if deferred and repeated_values(heads):
        raise TableNotPlain(
            table.file
        )  # a unit's rows are not contiguous (or two ids share a hash)


def _trimmed(units: pa.Array) -> pa.Array:
    """The unit ids with their whitespace trimmed (Arrow's ``utf8_trim_whitespace``); the array itself
    when no id has a byte that could be whitespace (below 0x21, or above 0x7f: a multibyte character)."""
    units = pa.concat_arrays([units]) if units.offset else units
    data = units.buffers()[2]
    if data is None or not len(units):
        return units
    offsets = np.frombuffer(units.buffers()[1], dtype=np.int32, count=len(units) + 1)
    raw = np.frombuffer(data, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
    if int(raw.min(initial=0x21)) >= 0x21 and int(raw.max(initial=0)) <= 0x7F:
        return units
    return pc.utf8_trim_whitespace(units)


def _changes(units: pa.Array) -> npt.NDArray[np.int64]:
    """The rows (from 1) whose unit id differs from the row before's: each unit's first row but the
    first (a comparison of neighbours, no hashing)."""
    n = len(units)
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    differ = pc.not_equal(units.slice(1), units.slice(0, n - 1))
    if differ.null_count:  # a missing id starts a unit of its own
        differ = pc.fill_null(differ, True)
    return np.flatnonzero(_np(differ)).astype(np.int64) + 1


@attrs.frozen(eq=False)
class _Cut:
    """A block's units as the reading thread cut it: each unit's first row in the block, and its id
    (trimmed), in row order."""

    starts: npt.NDArray[np.int64]
    ids: pa.Array
    checked: bool = False  # the reader checked every cell's length (_Block.cells_checked)

    @classmethod
    def of(
        cls, starts: list[npt.NDArray[np.int64]], ids: list[pa.Array], checked: bool = False
    ) -> _Cut:
        if not starts:
            return cls(np.zeros(0, dtype=np.int64), pa.array([], type=pa.string()), checked)
        return cls(np.concatenate(starts), pa.concat_arrays(ids), checked)


def _whole(col: pa.ChunkedArray) -> pa.Array:
    """A column of one chunk as that chunk (no copy), else its chunks combined."""
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def _score(
    engine: ColumnarEngine,
    table: Table,
    data: pa.Table,
    row0: int,
    bases: Bases,
    probes: dict[tuple[str, str], Prepared | SpecError],
    first_unit: int,
    share: float,
    cut: _Cut,
) -> Scored:
    n_rows = data.num_rows
    # the block's columns are whole already (one chunk each): a ChunkedArray's combine_chunks would copy it
    text = {c: _whole(data.column(c)) for c in data.column_names}
    if table.deferred and table.format == "csv" and n_rows and not cut.checked:
        limit = csv.field_size_limit()
        if any(_longest(a) > limit for a in text.values()):
            raise TableNotPlain(table.file)  # a cell the csv module would not read (Arrow does)
    filled = {c: _np(pc.binary_length(text[c])) > 0 for c in UNIT_LEVEL if c in text}
    # usable() admits only tables whose every record has a unit id and whose units are contiguous:
    # no blank record to skip, no unit without an id, no rows out of place
    rows_no = np.arange(row0, row0 + n_rows, dtype=np.int64)
    starts = cut.starts  # each unit's first row and trimmed id, as the reading thread cut the block
    stops = np.r_[starts[1:], n_rows].astype(np.int64)
    ids: list[str] = cut.ids.to_pylist()
    n_units = len(ids)
    unit_of_row = np.repeat(np.arange(n_units), stops - starts)

    # per-unit columns must agree where given (else the pure path reports it); the unit's spec/year pick its base
    fallback = np.zeros(n_units, dtype=bool)
    firsts: dict[str, npt.NDArray[Any]] = {}
    level_codes: dict[str, npt.NDArray[np.int64]] = {}  # per row: its cell's code (−1 when empty)
    for c in UNIT_LEVEL:
        if c not in text:
            continue
        level_codes[c] = _filled_codes(text[c], filled[c])
        c_codes = level_codes[c]
        first = np.full(n_units, -1, dtype=np.int64)
        rows = np.flatnonzero(filled[c])
        if len(rows):
            u = unit_of_row[rows]
            lead = np.r_[True, u[1:] != u[:-1]]
            first[u[lead]] = rows[lead]
            seen = c_codes[first[unit_of_row[rows]]]
            fallback[u[c_codes[rows] != seen]] = True
        firsts[c] = first

    def cell(c: str, r: int) -> str:
        return str(text[c][r].as_py()).strip() if c in text and r >= 0 else ""

    def code_of(c: str) -> npt.NDArray[np.int64]:
        """Per unit: the code of its first filled ``c`` cell's text (−1 when none)."""
        if c not in text:
            return np.full(n_units, -1, dtype=np.int64)
        first = firsts[c]  # a filled row: its code is its text's
        return np.where(first >= 0, level_codes[c][np.maximum(first, 0)], -1)

    def rows_of(i: int) -> UnitRows:
        lo, hi = int(starts[i]), int(stops[i])
        cells = {c: a.slice(lo, hi - lo).to_pylist() for c, a in text.items()}
        return UnitRows(
            ids[i], table.file, table.folder, table.header, cells, rows_no[lo:hi].tolist()
        )

    # each distinct (spec, year) is resolved once, on its first unit, by the pure path's own ``prepare``
    combos = np.stack([code_of("spec"), code_of("year")], axis=1)
    _, first_of, combo_of = np.unique(combos, axis=0, return_index=True, return_inverse=True)
    combo_of = np.asarray(combo_of).reshape(-1)
    resolved: list[Prepared | SpecError] = []
    for g, r in enumerate(first_of.tolist()):
        key = (
            cell("spec", int(firsts["spec"][r]) if "spec" in firsts else -1),
            cell("year", int(firsts["year"][r]) if "year" in firsts else -1),
        )
        got = probes.get(key)
        if got is None:
            # a unit can fail prepare for its own reasons (a bad budget cell): try a few before giving up on the base
            for u in np.flatnonzero((combo_of == g) & ~fallback)[:3].tolist() or [r]:
                try:
                    got = prepare(rows_of(u), bases)
                    break
                except SpecError as err:
                    got = err
            assert got is not None
            if isinstance(got, Prepared):
                probes[key] = got
        resolved.append(got)
    # per distinct (spec, year), then unit by unit through its index
    failed = np.array([isinstance(got, SpecError) for got in resolved], dtype=bool)
    fallback |= failed[combo_of]
    base_of: list[Spec | None] = []
    inline_of: list[bool] = []
    ref_of: list[str] = []
    for got in resolved:
        if isinstance(got, Prepared):
            base_of.append(got.base_spec)
            inline_of.append(got.inline)
            ref_of.append(got.values.get("spec", ("", 0))[0])
        else:  # its units fall back
            base_of.append(None)
            inline_of.append(True)
            ref_of.append("")
    good = np.flatnonzero(~fallback)
    vector_count = 0
    vres: ChunkResult | None = None
    if len(good):
        sub_starts, sub_stops = starts[good], stops[good]
        take = (
            np.concatenate(
                [
                    np.arange(a, b)
                    for a, b in zip(sub_starts.tolist(), sub_stops.tolist(), strict=True)
                ]
            )
            if len(good) < n_units
            else np.arange(n_rows)
        )
        columns = {c: a.take(pa.array(take)) if len(good) < n_units else a for c, a in text.items()}
        sizes = sub_stops - sub_starts
        new_starts = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
        row_numbers = cast(
            Sequence[int], rows_no[take]
        )  # a NumPy array serves as the chunk's row numbers
        chunk = Chunk(
            file=table.file,
            columns=columns,
            column_numbers=dict(table.header),
            rows=row_numbers,
            units=[ids[i] for i in good.tolist()] if len(good) < n_units else list(ids),
            starts=new_starts.tolist(),
            stops=(new_starts + sizes).tolist(),
            bases=[base_of[g] for g in combo_of[good].tolist()],
            inline=[inline_of[g] for g in combo_of[good].tolist()],
            refs=[ref_of[g] for g in combo_of[good].tolist()],
            first_unit=first_unit,
        )
        vres = engine.score(chunk, engine.unit_builder(chunk, Path(table.folder)))
        unscored = sorted(set(vres.unscored))
        vector_count = len(good) - len(unscored)
        fallback[good[np.array(unscored, dtype=np.int64)]] = True
    pure_units = np.flatnonzero(fallback).tolist()
    pure_out: _Out | None = None
    pure_scored = 0  # the units the pure path scored (not those it reports as failed), as the chunk-by-chunk runner counts
    if pure_units:
        pendings = [_Pending(rows_of(i)) for i in pure_units]
        pure = _score_chunk(table, pendings, bases, None, first_unit, None)
        pure_out, pure_scored = pure.out, pure.pure
    return Scored(
        # the vectorised path's losses stand for the indicators table when it holds its rows alone
        losses=vres.losses if vres is not None and pure_out is None else None,
        out=_merge(vres, pure_out, ids),
        vector=vector_count,
        pure=pure_scored,
        cells=text,
        row_numbers=rows_no,
        row_counts=(stops - starts).astype(np.int64),
        share=share,
    )


def _longest(arr: pa.Array) -> int:
    """The bytes of the longest cell of a string array (0 when it has none), read off its offsets."""
    if len(arr) == 0:
        return 0
    offsets = np.frombuffer(
        arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset
    )
    return int(np.diff(offsets).max())


# a per-unit column is encoded cell by cell when at least this share of its cells is filled, else only its
# filled cells are (a ``spec`` column names the spec on a unit's first row: one cell in twenty)
ENCODE_ALL_SHARE = 0.25


def _filled_codes(arr: pa.Array, filled: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Per row: a code of its cell's text (−1 for an empty cell): equal codes for equal texts, and
    larger codes for texts that first appear later among the filled cells (whichever way it is encoded,
    sorting by code orders the texts alike)."""
    n_filled = int(filled.sum())
    if n_filled >= ENCODE_ALL_SHARE * len(arr):
        codes = _np(pc.dictionary_encode(arr).indices).astype(np.int64)
        codes[~filled] = -1
        return codes
    codes = np.full(len(arr), -1, dtype=np.int64)
    if n_filled:
        where = np.flatnonzero(filled)
        codes[where] = _np(pc.dictionary_encode(arr.take(pa.array(where))).indices)
    return codes


def _arrow(values: Sequence[Any], name: str) -> pa.Array:
    if isinstance(values, pa.Array):
        return values
    kind = (
        pa.int64() if name in INT_COLUMNS else pa.bool_() if name in BOOL_COLUMNS else pa.string()
    )
    if isinstance(values, np.ndarray) and (values.dtype != object or kind == pa.string()):
        return pa.array(values, type=kind, from_pandas=values.dtype == object)
    if kind == pa.string():  # as the writer does: every other cell is written as its text
        return pa.array([None if v is None else str(v) for v in values], type=kind)
    return pa.array(list(values), type=kind)


def _merge(vres: ChunkResult | None, pure: _Out | None, ids: list[str]) -> _Tables:
    """Vector and pure results in unit order: every row is keyed by the index of its unit id in the chunk.

    A stable sort by that key keeps each unit's rows together and in their
    order. (Keys come from the rows' own unit ids: a failed unit has a units
    row and problems rows but no indicator or category rows.)
    """
    sources: list[
        dict[str, Columns]
    ] = []  # the vectorised path's tables (no problems: it reports none), the pure path's
    if vres is not None:
        sources.append(
            {"units": vres.units, "indicators": vres.indicators, "categories": vres.categories}
        )
    if pure is not None:
        sources.append(
            {
                "units": pure.units,
                "indicators": pure.indicators,
                "categories": pure.categories,
                "problems": pure.problems,
            }
        )

    def table(names: tuple[str, ...], name: str) -> dict[str, pa.Array]:
        if pure is None and vres is not None:
            # the vectorised path's rows alone: in chunk unit order already (its _assemble sorts them)
            t = sources[0].get(name)
            if t is None or not len(t[names[0]]):
                return {c: pa.array([], type=_arrow([], c).type) for c in names}
            return {c: _arrow(t[c], c) for c in names}
        index_of = {u: i for i, u in enumerate(ids)}
        keys: list[npt.NDArray[np.int64]] = []
        cols: dict[str, list[pa.Array]] = {c: [] for c in names}
        for source in sources:
            t = source.get(name)
            if t is None or not len(t[names[0]]):
                continue
            u_col = _arrow(t["unit"], "unit")
            enc = pc.dictionary_encode(u_col)
            lut = np.array([index_of[u] for u in enc.dictionary.to_pylist()], dtype=np.int64)
            keys.append(lut[_np(enc.indices)])
            for c in names:
                cols[c].append(_arrow(t[c], c))
        if not keys:
            return {c: pa.array([], type=_arrow([], c).type) for c in names}
        key = np.concatenate(keys)
        if not len(key) or bool(
            (key[1:] >= key[:-1]).all()
        ):  # in unit order already (the common case)
            return {
                c: cols[c][0] if len(cols[c]) == 1 else pa.concat_arrays(cols[c]) for c in names
            }
        order = pa.array(np.argsort(key, kind="stable"))
        return {c: pa.concat_arrays(cols[c]).take(order) for c in names}

    return _Tables(
        units=table(UNIT_COLUMNS, "units"),
        indicators=table(INDICATOR_COLUMNS, "indicators"),
        categories=table(CATEGORY_COLUMNS, "categories"),
        problems=table(PROBLEM_COLUMNS, "problems"),
    )


def _first_seen(
    idx: npt.NDArray[Any], m: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Of codes ``idx`` (in 0 … m − 1): the codes present in order of first appearance, and each code's count."""
    counts = np.bincount(idx, minlength=m)
    first = np.full(m, len(idx), dtype=np.int64)
    np.minimum.at(first, idx, np.arange(len(idx), dtype=np.int64))
    present = np.flatnonzero(counts)
    return present[np.argsort(first[present], kind="stable")], counts


def tally_arrays(
    tally: Tally,
    units: dict[str, pa.Array],
    indicators: dict[str, pa.Array],
    losses: Losses | None = None,
) -> None:
    """:meth:`Tally.add` for Arrow columns, vectorised (same counts, same first-seen order); with
    ``losses`` (the scorer's, for these indicator rows) the ``lost`` texts are not read."""
    status = _np(units["status"])
    ok = status == STATUS_OK
    tally.units += len(status)
    tally.scored += int(ok.sum())
    grades = pc.dictionary_encode(units["grade"].filter(pa.array(ok)))
    g_idx = _np(grades.indices)
    if len(g_idx):
        order, counts = _first_seen(g_idx, len(grades.dictionary))
        names = grades.dictionary.to_pylist()
        for code in order.tolist():
            name = names[code]
            tally.grades[name] = tally.grades.get(name, 0) + int(counts[code])
    if losses is not None:
        for name, whole, exp, rows in losses:  # as below, from the integers
            points = Decimal(whole).scaleb(-exp)
            tally.points[name] = tally.points.get(name, Decimal(0)) + points
            tally.losing[name] = tally.losing.get(name, 0) + rows
        return
    lost = indicators["lost"]
    if lost.null_count:
        lost = pc.fill_null(lost, "")
    # each distinct text of the column is parsed once: a loss is a positive number (not "", not "-…")
    enc = pc.dictionary_encode(lost)
    texts = enc.dictionary
    wanted = np.flatnonzero(
        (_np(pc.binary_length(texts)) > 0) & ~_np(pc.starts_with(texts, "-")).astype(bool)
    )
    if not len(wanted):
        return
    nums = parse(texts.take(pa.array(wanted)))
    value_of = np.zeros(len(texts), dtype=np.int64)
    places_of = np.zeros(len(texts), dtype=np.int64)
    value_of[wanted], places_of[wanted] = nums.value, nums.places
    codes = _np(enc.indices)
    row_value = value_of[codes]
    sel = np.flatnonzero(row_value > 0)
    if not len(sel):
        return
    values, places = row_value[sel], places_of[codes[sel]]
    ind = pc.dictionary_encode(indicators["indicator"].take(pa.array(sel)))
    idx = _np(ind.indices)
    m = len(ind.dictionary)
    order, counts = _first_seen(idx, m)
    total = np.zeros(m, dtype=np.int64)
    np.add.at(total, idx, values)  # exact: integers at the column's scale
    most = np.zeros(m, dtype=np.int64)
    np.maximum.at(most, idx, places)  # Σ Decimal keeps the most places any term has
    names = ind.dictionary.to_pylist()
    for code in order.tolist():
        name = names[code]
        points = Decimal(int(total[code]) // 10 ** (nums.scale - int(most[code]))).scaleb(
            -int(most[code])
        )
        tally.points[name] = tally.points.get(name, Decimal(0)) + points
        tally.losing[name] = tally.losing.get(name, 0) + int(counts[code])
