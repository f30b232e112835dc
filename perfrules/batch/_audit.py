"""The audit trail: one JSON document per unit, streamed, with a sidecar index for :func:`explain`.

``AUDIT.jsonl`` holds one line per unit: exactly ``perfrules.to_document(ev)``
of the unit's evaluation plus a top-level ``"unit"`` key (the unit id of the
table; the document has none), or, for a unit that could not be scored,
``{"unit": …, "status": "error", "problems": [...]}``. The index
``AUDIT.jsonl.idx`` is JSON lines too: a first line ``{"audit": name, "size":
bytes}``, then ``[unit, offset, length]`` per unit. Both are written to
temporary files and renamed into place at the end, together with the run's
result tables when the writer shares their transaction
(:class:`perfrules._atomic.Transaction`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any

from perfrules._atomic import Transaction
from perfrules._errors import Problem, format_path
from perfrules.batch._write import PageRelease, empty_file

INDEX_SUFFIX = ".idx"


def problem_document(p: Problem) -> dict[str, Any]:
    """A problem as JSON."""
    return {
        "code": p.code,
        "file": p.file,
        "row": p.line,
        "column": p.column,
        "field": format_path(p.path),
        "message": p.text("en"),
        "message_zh": p.text("zh"),
    }


class AuditWriter:
    """Streams documents to a temporary audit file and its index; :meth:`commit` renames both into place.

    With ``transaction``, the audit and its index are outputs of that
    transaction (committed with the run's other outputs, as one generation):
    this writer's :meth:`commit` then only finishes the index. Without, the
    writer has a transaction of its own and its :meth:`commit` renames both.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, transaction: Transaction | None = None
    ) -> None:
        self.path = Path(path)
        self.index_path = index_path(self.path)
        self._own = transaction is None
        self.transaction = Transaction() if transaction is None else transaction
        self._fh: IO[bytes] = self.transaction.open(self.path)
        # the index's body, until the audit's size (its first line) is known
        self._index_body, self._index = self.transaction.scratch(self.index_path)
        self.offset = 0
        # the room allocate() gave in the audit's buffer: its address, its size, how to take it as written
        self._reserved: tuple[int, int, Callable[[int], None]] | None = None

    def write(self, unit: str, document: dict[str, Any]) -> None:
        """Append one unit's document (a ``"unit"`` key is added when the document lacks it)."""
        doc = document if "unit" in document else {"unit": unit, **document}
        line = (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        self._reserved = None
        self._fh.write(line)
        self._index.write(
            (json.dumps([unit, self.offset, len(line)], ensure_ascii=False) + "\n").encode()
        )
        self.offset += len(line)

    def allocate(self, size: int) -> Any:
        """A writable Arrow buffer of ``size`` bytes for the next block of lines (``_ctext.join``'s
        ``allocate``): the room in the audit's own buffer where the file's next bytes go, so that
        :meth:`write_block` of lines joined there (and nothing written in between) copies nothing;
        else a buffer of Arrow's pool."""
        import pyarrow as pa

        reserve = getattr(self._fh, "reserve", None)
        self._reserved = None
        if reserve is None:
            return pa.allocate_buffer(size)
        buf = pa.py_buffer(reserve(size))
        self._reserved = (buf.address, size, self._fh.advance)  # type: ignore[attr-defined]
        return buf

    def page_release(self) -> PageRelease:
        """A :class:`~perfrules.batch._write.PageRelease` of the audit file: what hands its written
        pages back as it grows (the record audit's thread calls it after each block)."""
        return PageRelease(self._fh)

    def write_line(self, unit: str, text: str) -> None:
        """Append one unit's document already written as one line of compact JSON (no newline)."""
        self.write_data(unit, text.encode() + b"\n")

    def write_data(self, unit: str, line: bytes) -> None:
        """Append one unit's document already written as one line of compact JSON, as UTF-8
        with its newline."""
        self._reserved = None
        self._fh.write(line)
        # json.dumps([unit, offset, length], ensure_ascii=False), written directly
        self._index.write(f"[{encode_basestring(unit)}, {self.offset}, {len(line)}]\n".encode())
        self.offset += len(line)

    def write_block(self, lines: Any, units: Any) -> None:
        """Append many units at once: ``lines`` an Arrow string array (each ending in a newline), ``units`` their ids.

        The lines' bytes go to the file as they sit in the array's buffer; the
        index lines are built the same way (the audit records' fast path).
        """
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        from perfrules.batch._records import json_strings

        if len(lines) == 0:
            return
        lines = pa.concat_arrays([lines]) if lines.offset else lines
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1)
        data = lines.buffers()[2]
        lo, hi = int(offsets[0]), int(offsets[-1])
        reserved, self._reserved = self._reserved, None
        write_with = getattr(self._fh, "write_with", None)  # a transaction's staged output
        if reserved is not None and data.address + lo == reserved[0] and hi - lo <= reserved[1]:
            reserved[2](hi - lo)  # joined where the file's next bytes go: nothing to copy
        elif write_with is not None:  # copied into its buffer by NumPy, without the GIL
            write_with(memoryview(data)[lo:hi], _copy_bytes)
        else:
            self._fh.write(memoryview(data)[lo:hi])
        lengths = np.diff(offsets).astype(np.int64)
        starts = self.offset + np.r_[0, np.cumsum(lengths)[:-1]]
        index = pc.binary_join_element_wise(
            "[",
            json_strings(units),
            ", ",
            pc.cast(pa.array(starts), pa.string()),
            ", ",
            pc.cast(pa.array(lengths), pa.string()),
            "]\n",
            "",
        )
        idx_offsets = np.frombuffer(index.buffers()[1], dtype=np.int32, count=len(index) + 1)
        self._index.write(
            memoryview(index.buffers()[2])[int(idx_offsets[0]) : int(idx_offsets[-1])]
        )
        self.offset += hi - lo

    def reset(self) -> None:
        """Empty the audit and its index's body, as just opened (a run that starts over)."""
        empty_file(self._fh)
        empty_file(self._index)
        self.offset = 0
        self._reserved = None

    def commit(self) -> None:
        """Write the index (its head line, then its body); rename both files when the writer owns its transaction."""
        self._index.flush()
        head = json.dumps({"audit": self.path.name, "size": self.offset}, ensure_ascii=False) + "\n"
        out = self.transaction.open(self.index_path)
        out.write(head.encode())
        with open(self._index_body, "rb") as body:
            shutil.copyfileobj(body, out, 1 << 20)
        if self._own:
            self.transaction.commit()

    def abort(self) -> None:
        """Drop the temporary files (the whole transaction); the audit and index stay as they were."""
        self.transaction.abort()


def _copy_bytes(into: memoryview, piece: memoryview) -> None:
    """``into[:] = piece`` by NumPy, which releases the GIL for the copy (a record audit's blocks are
    megabytes: the scoring thread goes on meanwhile)."""
    import numpy as np

    np.copyto(np.frombuffer(into, dtype=np.uint8), np.frombuffer(piece, dtype=np.uint8))


def index_path(audit: str | os.PathLike[str]) -> Path:
    """The sidecar index of an audit file: ``AUDIT.jsonl.idx``."""
    p = Path(audit)
    return p.with_name(p.name + INDEX_SUFFIX)


def explain(audit: str | os.PathLike[str], unit: str, *, full: bool = True) -> dict[str, Any]:
    """The audit document of ``unit``, found through the index: one seek, one line read.

    For an audit written at ``--audit-level record``, the line is the unit's
    record; with ``full`` (the default) it is turned into the core's evaluation
    document, exactly as ``--audit-level full`` writes it: that one unit is
    rebuilt from the record's cells (its base read again from the record's
    folder) and evaluated, and the result must agree with the record's total,
    grade and every indicator score (:class:`ValueError` otherwise — the base
    changed since the batch ran). ``full=False`` returns the record itself.

    Raises :class:`KeyError` when the unit is not in the audit, and
    :class:`ValueError` when the index does not belong to the audit file (it
    was rewritten since).
    """
    doc = _line(audit, unit)
    if full and doc.get("schema") == "perfrules.batch-audit" and doc.get("status") == "ok":
        return _document_of_record(doc)
    return doc


def _document_of_record(rec: dict[str, Any]) -> dict[str, Any]:
    from perfrules.batch._unit import Bases, UnitRows, build, prepare
    from perfrules.core import evaluate, to_document

    cells: dict[str, list[str]] = {"unit": [rec["unit"]] * len(rec["rows"]), **rec["cells"]}
    header = {c: i for i, c in enumerate(cells, start=1)}
    folder = Path(rec["folder"])
    bases = Bases(folder, rec["table"])
    rows = UnitRows(rec["unit"], rec["table"], folder, header, cells, list(rec["rows"]))
    ev = evaluate(*build(prepare(rows, bases), bases))
    got = (str(ev.total), ev.grade, [(r.id, str(r.score)) for r in ev.indicators])
    ind = rec["indicators"]
    want = (
        rec["total"],
        rec["grade"],
        [
            (i, sc)
            for i, sc in zip(ind["indicator"], ind["score"], strict=True)
            if i != "budget_execution"
        ],
    )
    if got != want:
        raise ValueError(
            f"unit {rec['unit']!r}: evaluating its recorded cells now gives {got[0]} {got[1]}, "
            f"not the recorded {want[0]} {want[1]}: its base or spec changed since the batch ran"
        )
    document = to_document(ev)
    return document if "unit" in document else {"unit": rec["unit"], **document}


def _line(audit: str | os.PathLike[str], unit: str) -> dict[str, Any]:
    path = Path(audit)
    with open(index_path(path), "rb") as idx:
        head = json.loads(idx.readline())
        if head.get("size") != path.stat().st_size:
            raise ValueError(
                f"{index_path(path)} does not match {path} (size {head.get('size')} ≠ {path.stat().st_size})"
            )
        for raw in idx:
            name, offset, length = json.loads(raw)
            if name == unit:
                with open(path, "rb") as fh:
                    fh.seek(offset)
                    doc: dict[str, Any] = json.loads(fh.read(length))
                return doc
    raise KeyError(unit)
