"""The audit trail: one JSON document per unit, streamed, with a sidecar index for :func:`explain`.

``AUDIT.jsonl`` holds one line per unit: exactly ``perfrules.to_document(ev)``
of the unit's evaluation plus a top-level ``"unit"`` key (the unit id of the
table; the document has none), or, for a unit that could not be scored,
``{"unit": …, "status": "error", "problems": [...]}``. The index
``AUDIT.jsonl.idx`` is JSON lines too: a first line ``{"audit": name, "size":
bytes}``, then ``[unit, offset, length]`` per unit. Both are written to
temporary files and renamed into place at the end.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any

from perfrules._errors import Problem, format_path

INDEX_SUFFIX = ".idx"


def problem_document(p: Problem) -> dict[str, Any]:
    """A problem as JSON."""
    return {
        "code": p.code, "file": p.file, "row": p.line, "column": p.column, "field": format_path(p.path),
        "message": p.text("en"), "message_zh": p.text("zh"),
    }  # fmt: skip


class AuditWriter:
    """Streams documents to a temporary audit file and its index; :meth:`commit` renames both into place."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.index_path = index_path(self.path)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent or ".")
        self.tmp = Path(tmp)
        self._fh: IO[bytes] = os.fdopen(fd, "wb")
        fd2, tmp2 = tempfile.mkstemp(prefix=f".{self.index_path.name}.", suffix=".tmp", dir=self.path.parent or ".")
        self.tmp_index = Path(tmp2)
        self._index: IO[bytes] = os.fdopen(fd2, "wb")
        self.offset = 0

    def write(self, unit: str, document: dict[str, Any]) -> None:
        """Append one unit's document (a ``"unit"`` key is added when the document lacks it)."""
        doc = document if "unit" in document else {"unit": unit, **document}
        line = (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        self._fh.write(line)
        self._index.write((json.dumps([unit, self.offset, len(line)], ensure_ascii=False) + "\n").encode())
        self.offset += len(line)

    def commit(self) -> None:
        self._fh.close()
        self._index.close()
        head = json.dumps({"audit": self.path.name, "size": self.offset}, ensure_ascii=False) + "\n"
        final_index = self.tmp_index.with_suffix(".tmp2")
        with open(final_index, "wb") as out, open(self.tmp_index, "rb") as body:
            out.write(head.encode())
            while block := body.read(1 << 20):
                out.write(block)
        self.tmp_index.unlink()
        os.replace(self.tmp, self.path)
        os.replace(final_index, self.index_path)

    def abort(self) -> None:
        for fh in (self._fh, self._index):
            if not fh.closed:
                fh.close()
        self.tmp.unlink(missing_ok=True)
        self.tmp_index.unlink(missing_ok=True)


def index_path(audit: str | os.PathLike[str]) -> Path:
    """The sidecar index of an audit file: ``AUDIT.jsonl.idx``."""
    p = Path(audit)
    return p.with_name(p.name + INDEX_SUFFIX)


def explain(audit: str | os.PathLike[str], unit: str) -> dict[str, Any]:
    """The audit document of ``unit``, found through the index: one seek, one line read.

    Raises :class:`KeyError` when the unit is not in the audit, and
    :class:`ValueError` when the index does not belong to the audit file (it
    was rewritten since).
    """
    path = Path(audit)
    with open(index_path(path), "rb") as idx:
        head = json.loads(idx.readline())
        if head.get("size") != path.stat().st_size:
            raise ValueError(f"{index_path(path)} does not match {path} (size {head.get('size')} ≠ {path.stat().st_size})")
        for raw in idx:
            name, offset, length = json.loads(raw)
            if name == unit:
                with open(path, "rb") as fh:
                    fh.seek(offset)
                    doc: dict[str, Any] = json.loads(fh.read(length))
                return doc
    raise KeyError(unit)
