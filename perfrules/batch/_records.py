"""Audit records: the streamed audit trail at batch speed (``--audit-level record``).

One JSON line per unit, built column-wise with Arrow string kernels (no
Python object per row or per unit):

``{"schema": "perfrules.batch-audit", "schema_version": 1, "unit": …,
"status": "ok", "table": …, "folder": …, "rows": [row number, …], "cells": {column: [cell text per row, …], …},
"total": …, "grade": …, "total_weight": …, "lost": …, "warnings": n,
"indicators": {"indicator": […], "category": […], "weight": […], "score":
[…], "lost": […], "met": […]}, "categories": {"category": […], "name": […],
"level": […], "weight": […], "score": […]}}`` — columns, one entry per row of
the result tables (the ``unit`` column of the cells is the record's ``unit``)

— every input cell of the unit (so the record is self-contained with respect
to the table) and every output of the result tables. A failed unit's line is
``{"schema": …, "unit": …, "status": "error", "problems": [...]}``.
:func:`perfrules.batch.explain` turns a record into the core's full
evaluation document on demand by rebuilding that one unit from its cells
(and its base, read again from ``folder``) and evaluating it, and checks that
the total, the grade and every indicator score agree with the record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from perfrules.batch._cells import const, repeats
from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    PROBLEM_COLUMNS,
    UNIT_COLUMNS,
    ResultTables,
)
from perfrules.batch._write import arrow_schema, arrow_table, whole_column

try:  # the compiled joiner (optional: built where a C compiler was found at install)
    from perfrules.batch import _ctext
except ImportError:  # pragma: no cover - the Arrow joins take its place
    _ctext = None  # type: ignore[assignment]

Allocate = Callable[[int], Any]
"""``allocate(size)``: a writable buffer of at least ``size`` bytes (``pyarrow.allocate_buffer``)."""

SCHEMA = "perfrules.batch-audit"
SCHEMA_VERSION = 1
_CONTROL = r"[\x00-\x1f\x7f]"


def json_strings(arr: pa.Array) -> pa.Array:
    """Each string as a JSON string literal (nulls as ``null``), vectorised; exotic characters via json.dumps."""
    arr = arr.cast(pa.string())
    if arr.offset:
        arr = pa.concat_arrays([arr])
    nulls = arr.is_null()
    filled = pc.fill_null(arr, "") if arr.null_count else arr
    if not _needs_escaping(filled):  # the common case: wrap in quotes, nothing to escape
        out = pc.binary_join_element_wise('"', filled, '"', "")
        return pc.if_else(nulls, pa.scalar("null"), out) if arr.null_count else out
    esc = pc.replace_substring(pc.replace_substring(filled, "\\", "\\\\"), '"', '\\"')
    out = pc.binary_join_element_wise('"', esc, '"', "")
    odd = np.asarray(
        pc.match_substring_regex(filled, _CONTROL).to_numpy(zero_copy_only=False), dtype=bool
    )
    if odd.any():  # control characters: let json escape them, only for those cells
        idx = np.flatnonzero(odd)
        fixed = pa.array(
            [json.dumps(v, ensure_ascii=False) for v in filled.take(pa.array(idx)).to_pylist()]
        )
        values = out.to_pylist()
        for i, v in zip(idx.tolist(), fixed.to_pylist(), strict=True):
            values[i] = v
        out = pa.array(values, type=pa.string())
    return pc.if_else(nulls, pa.scalar("null"), out)


def _needs_escaping(arr: pa.Array) -> bool:
    """Whether any string of ``arr`` holds a quote, a backslash or a control character (one pass over its bytes)."""
    data = arr.buffers()[2]
    if data is None or len(arr) == 0:
        return False
    offsets = np.frombuffer(
        arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset
    )
    lo, hi = int(offsets[0]), int(offsets[-1])
    if lo == hi:
        return False
    if _ctext is not None:  # one pass in C, without the GIL
        return _ctext.json_escapes(data, lo, hi)
    raw = np.frombuffer(data, dtype=np.uint8)[lo:hi]
    if int(raw.min()) < 32:  # a control character
        return True
    # the three others by the bytes' own search (memchr), not a comparison array each
    text = raw.tobytes()
    return b'"' in text or b"\\" in text or b"\x7f" in text


def _literal(arr: pa.Array) -> pa.Array:
    """JSON literals of an Arrow column: strings quoted, ints and bools bare, nulls null."""
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return json_strings(arr)
    if pa.types.is_boolean(arr.type):
        return pc.fill_null(pc.if_else(arr, pa.scalar("true"), pa.scalar("false")), "null")
    if _ctext is not None and arr.type == pa.int64() and not arr.null_count and len(arr):
        # integers (row numbers, levels): their texts written in C, as Arrow's cast writes them
        values = np.frombuffer(
            arr.buffers()[1], dtype=np.int64, count=len(arr), offset=8 * arr.offset
        )
        offsets, data = _ctext.format_ints(values, pa.allocate_buffer)
        return pa.Array.from_buffers(pa.string(), len(arr), [None, pa.py_buffer(offsets), data])
    return pc.fill_null(pc.cast(arr, pa.string()), "null")


def _per_unit(fragments: pa.Array, counts: npt.NDArray[np.int64], sep: str = ",") -> pa.Array:
    """Join consecutive runs of ``fragments`` (``counts[i]`` for unit i) with ``sep``: one string per unit."""
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), fragments), sep)


def _list_parts(col: pa.Array, counts: npt.NDArray[np.int64], *, plain: bool = False) -> list[Any]:
    """Each unit's JSON array of its run of ``col`` as parts of a join (strings stand for themselves on every line): when every
    unit has a value and no cell needs escaping, the brackets are left to the caller's join, saving a
    pass over the column. ``plain``: the cells are known to need no escaping (numbers' texts)."""
    is_text = pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
    if is_text and col.null_count == 0 and bool(counts.all()):
        col = pa.concat_arrays([col]) if col.offset else col
        same = _same_runs(col, counts)
        if same is not None:  # every unit's list is the first unit's: one text for the whole chunk
            return ["[" + ",".join(json.dumps(v, ensure_ascii=False) for v in same) + "]"]
        if plain or not _needs_escaping(col):
            return ['["', Runs(col, counts, '","'), '"]']
    # numbers and booleans (a missing one: null), texts to escape: each cell's literal
    return ["[", Runs(_literal(col), counts, ","), "]"]


@attrs.frozen(eq=False)
class Runs:
    """A part of a join: each unit's run of ``cells`` (``counts[i]`` for unit i, unit after unit; a
    string array without nulls) joined by ``sep`` — :func:`_per_unit`, made by the joiner."""

    cells: pa.Array
    counts: npt.NDArray[np.int64]
    sep: str


def join_lines(parts: list[Any], n: int, allocate: Allocate | None = None) -> pa.Array:
    """The ``n`` lines made of ``parts`` (each: a text that stands for itself on every line, a string
    array of a text per line, or :class:`Runs`), as a string array: in one pass by the compiled
    joiner (``perfrules.batch._ctext``) when it is built, else with Arrow's joins — the same text.
    ``allocate(size)``: the writable Arrow buffer the compiled joiner writes the lines' bytes into
    (:meth:`~perfrules.batch._audit.AuditWriter.allocate`; default: Arrow's pool)."""
    parts = _merged(parts)
    if _ctext is not None and all(
        isinstance(p, str) or (_plain_strings(p.cells if isinstance(p, Runs) else p)) for p in parts
    ):
        return _join_compiled(parts, n, allocate or pa.allocate_buffer)
    return _join_arrow(parts, n)


def _plain_strings(arr: pa.Array) -> bool:
    return bool(arr.type == pa.string() and arr.null_count == 0)


def _join_arrow(parts: list[Any], n: int) -> pa.Array:
    arrays = [_per_unit(p.cells, p.counts, p.sep) if isinstance(p, Runs) else p for p in parts]
    if not any(isinstance(p, pa.Array) for p in arrays):  # every line the same text
        return const("".join(arrays), n)
    return pc.binary_join_element_wise(*arrays, "")


def _buffers(arr: pa.Array, count: int) -> tuple[npt.NDArray[np.int32], Any]:
    """A string array's ``count`` + 1 offsets (from its first element) and its data buffer."""
    offsets = np.frombuffer(
        arr.buffers()[1], dtype=np.int32, count=count + 1, offset=4 * arr.offset
    )
    data = arr.buffers()[2]
    return offsets, (b"" if data is None else data)


def _join_compiled(parts: list[Any], n: int, allocate: Allocate = pa.allocate_buffer) -> pa.Array:
    assert _ctext is not None
    spec: list[tuple[Any, ...]] = []
    for p in parts:
        if isinstance(p, str):
            spec.append((0, p.encode()))
        elif isinstance(p, Runs):
            counts = np.ascontiguousarray(p.counts, dtype=np.int64)
            spec.append((2, *_buffers(p.cells, len(p.cells)), counts, b"", p.sep.encode(), b""))
        else:
            spec.append((1, *_buffers(p, n)))
    data, offsets = _ctext.join(n, spec, allocate)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), data])


def _string_parts(col: pa.Array) -> list[Any]:
    """:func:`json_strings` as parts of a join (one value per unit): a column of one text throughout is
    that text's literal; when no cell is null or needs escaping, the quotes are left to the join."""
    if col.null_count == 0 and pa.types.is_string(col.type):
        col = pa.concat_arrays([col]) if col.offset else col
        same = _same_runs(col, np.ones(len(col), dtype=np.int64))
        if same is not None:
            return [json.dumps(same[0], ensure_ascii=False)]
        if not _needs_escaping(col):
            return ['"', col, '"']
    return [json_strings(col)]


def _same_runs(col: pa.Array, counts: npt.NDArray[np.int64]) -> list[str] | None:
    """The first unit's cells when every unit has as many cells as it and the same texts in the same
    order (a string column without nulls); else ``None``.

    Compared on the column's buffers with NumPy: every unit's cell lengths are the first unit's, and
    its bytes are the first unit's bytes (equal lengths: each cell's text equal too).
    """
    n = len(counts)
    k = int(counts[0]) if n else 0
    if n < 2 or k == 0 or col.null_count or not pa.types.is_string(col.type):
        return None
    if not bool((counts == k).all()):
        return None
    offsets = np.frombuffer(
        col.buffers()[1], dtype=np.int32, count=n * k + 1, offset=4 * col.offset
    )
    data = col.buffers()[2]
    a, b, c = int(offsets[0]), int(offsets[k]), int(offsets[2 * k])
    if b - a != c - b or (
        data is not None and memoryview(data)[a:b] != memoryview(data)[b:c]
    ):  # the second unit's bytes already differ from the first's (most columns that differ)
        return None
    if not repeats(offsets, data, n, k):
        return None
    return [str(v) for v in col.slice(0, k).to_pylist()]


def _merged(parts: list[Any]) -> list[Any]:
    """Adjacent strings of a join's parts as one."""
    out: list[Any] = []
    for p in parts:
        if isinstance(p, str) and out and isinstance(out[-1], str):
            out[-1] += p
        else:
            out.append(p)
    return out


def record_lines(
    *,
    table: str,
    folder: str,
    units: dict[str, pa.Array],
    indicators: dict[str, pa.Array],
    categories: dict[str, pa.Array],
    cells: dict[str, pa.Array],
    rows: npt.NDArray[np.int64],
    row_counts: npt.NDArray[np.int64],
    ind_counts: npt.NDArray[np.int64],
    cat_counts: npt.NDArray[np.int64],
    allocate: Allocate | None = None,
) -> pa.Array:
    """One JSON line (ending in a newline) per unit of the result tables, all units ``status == ok``
    (``allocate``: as for :func:`join_lines`).

    ``cells`` are the units' input rows (canonical column → texts), unit after
    unit, ``rows`` their row numbers in the file; the three ``*_counts`` say
    how many input rows, indicator rows and category rows each unit has.
    """
    n = len(units["unit"])
    if n == 0:
        return pa.array([], type=pa.string())
    head = f'{{"schema":"{SCHEMA}","schema_version":{SCHEMA_VERSION},"unit":'
    table_lit, folder_lit = (
        json.dumps(table, ensure_ascii=False),
        json.dumps(folder, ensure_ascii=False),
    )

    def obj(
        columns: dict[str, pa.Array],
        counts: npt.NDArray[np.int64],
        names: Sequence[str],
        numbers: Sequence[str] = (),
    ) -> list[Any]:
        parts: list[Any] = ["{"]
        for i, name in enumerate(names):
            parts += [
                ("," if i else "") + json.dumps(name, ensure_ascii=False) + ":",
                *_list_parts(columns[name], counts, plain=name in numbers),
            ]
        return [*parts, "}"]

    parts: list[Any] = [
        head,
        *_string_parts(units["unit"]),
        ',"status":"ok","table":',
        table_lit,
        ',"folder":',
        folder_lit,
        ',"rows":',
        *_list_parts(pa.array(rows), row_counts),
        ',"cells":',
        *obj(cells, row_counts, [c for c in cells if c != "unit"]),
        ',"total":',
        *_string_parts(units["total"]),
        ',"grade":',
        *_string_parts(units["grade"]),
        ',"total_weight":',
        *_string_parts(units["total_weight"]),
        ',"lost":',
        *_string_parts(units["lost"]),
        ',"warnings":',
        _literal(units["warnings"]),
        ',"indicators":',
        *obj(
            indicators,
            ind_counts,
            ("indicator", "category", "weight", "score", "lost", "met"),
            _NUMBER_TEXTS,
        ),
        ',"categories":',
        *obj(
            categories,
            cat_counts,
            ("category", "name", "level", "weight", "score"),
            _NUMBER_TEXTS,
        ),
        "}\n",
    ]
    return join_lines(parts, n, allocate)


# result columns that hold the core's Decimal texts (digits, a point, a sign: nothing JSON escapes)
_NUMBER_TEXTS = ("weight", "score", "lost")


def error_line(unit: str, problems: list[dict[str, Any]]) -> str:
    """The record of a unit that could not be scored."""
    doc = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "unit": unit,
        "status": "error",
        "problems": problems,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _runs(col: pa.Array) -> npt.NDArray[np.int64]:
    """Lengths of the runs of equal values of a column (one run per unit in a unit-ordered table)."""
    n = len(col)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # where a value differs from the one before it (a comparison of neighbours, no hashing)
    change = pc.not_equal(col.slice(1), col.slice(0, n - 1))
    if change.null_count:  # a null starts a run of its own (as its dictionary code, missing, did)
        change = pc.fill_null(change, True)
    starts = np.flatnonzero(
        np.r_[True, np.asarray(change.to_numpy(zero_copy_only=False), dtype=bool)]
    )
    runs: npt.NDArray[np.int64] = np.diff(np.r_[starts, n]).astype(np.int64)
    return runs


def lines_for(
    *,
    table: str,
    folder: str,
    units: dict[str, pa.Array],
    indicators: dict[str, pa.Array],
    categories: dict[str, pa.Array],
    problems: dict[str, pa.Array],
    cells: dict[str, pa.Array],
    rows: npt.NDArray[np.int64],
    row_counts: npt.NDArray[np.int64],
    allocate: Allocate | None = None,
) -> tuple[pa.Array, pa.Array]:
    """The audit lines of one chunk's units, in unit order, and the units' ids (``allocate``: as for
    :func:`join_lines`).

    ``cells``/``rows``/``row_counts`` are every output unit's input rows, unit
    after unit (failed units included).
    """
    n = len(units["unit"])
    ok = np.asarray(pc.equal(units["status"], "ok").to_numpy(zero_copy_only=False), dtype=bool)
    ok_idx = np.flatnonzero(ok)
    scored = units
    if len(ok_idx) < n:  # the scored units and their input rows
        take_rows = np.flatnonzero(np.repeat(ok, row_counts))
        sel = pa.array(take_rows)
        scored = {c: a.take(pa.array(ok_idx)) for c, a in units.items()}
        cells, rows = {c: a.take(sel) for c, a in cells.items()}, rows[take_rows]
        row_counts = row_counts[ok_idx]
    lines_ok = record_lines(
        table=table,
        folder=folder,
        units=scored,
        indicators=indicators,
        categories=categories,
        cells=cells,
        rows=rows,
        row_counts=row_counts,
        ind_counts=_runs(indicators["unit"]),
        cat_counts=_runs(categories["unit"])
        if len(categories["unit"])
        else np.zeros(len(ok_idx), dtype=np.int64),
        allocate=allocate,
    )
    if len(ok_idx) == n:
        return lines_ok, units["unit"]
    # failed units: their problems, as the full audit writes them
    by_unit: dict[str, list[dict[str, Any]]] = {}
    p_cols = {c: a.to_pylist() for c, a in problems.items()}
    for r in range(len(p_cols["unit"])):
        by_unit.setdefault(p_cols["unit"][r], []).append(
            {
                "code": p_cols["code"][r],
                "file": p_cols["file"][r],
                "row": _int(p_cols["row"][r]),
                "column": _int(p_cols["column"][r]),
                "field": p_cols["field"][r],
                "message": p_cols["error_en"][r],
                "message_zh": p_cols["error"][r],
            }
        )
    ids = units["unit"].to_pylist()
    out: list[Any] = [None] * n
    for j, i in enumerate(ok_idx.tolist()):
        out[i] = j
    bad = [error_line(ids[i], by_unit.get(ids[i], [])) for i in range(n) if not ok[i]]
    merged = pa.concat_arrays([lines_ok, pa.array(bad, type=pa.string())])
    order = np.empty(n, dtype=np.int64)
    order[ok_idx] = np.arange(len(ok_idx))
    order[~ok] = len(ok_idx) + np.arange(n - len(ok_idx))
    return merged.take(pa.array(order)), units["unit"]


@attrs.frozen(eq=False)
class RecordInputs:
    """Every output unit's input rows, unit after unit (failed units included), as its records hold them.

    ``cells``: canonical column → the rows' cell texts (Arrow strings);
    ``rows``: the rows' numbers in the file; ``counts``: how many rows each
    unit has.
    """

    cells: dict[str, pa.Array]
    rows: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]


def record_block(
    table: str,
    folder: str,
    tables: ResultTables,
    inputs: RecordInputs,
    allocate: Allocate | None = None,
) -> tuple[pa.Array, pa.Array]:
    """The audit records of one chunk's units (``audit_level="record"``) and their ids, for ``AuditWriter.write_block``.

    ``table`` is the table's file name as messages give it, ``folder`` the
    resolved folder its ``spec`` cells are read from; ``allocate``: where the
    lines are joined (``AuditWriter.allocate``: in place in the audit's buffer).
    """
    columns = {
        "units": (UNIT_COLUMNS, tables.units),
        "indicators": (INDICATOR_COLUMNS, tables.indicators),
        "categories": (CATEGORY_COLUMNS, tables.categories),
        "problems": (PROBLEM_COLUMNS, tables.problems),
    }
    arrays: dict[str, dict[str, pa.Array]] = {}
    for name, (names, chunk) in columns.items():
        t = arrow_table(arrow_schema(names), names, chunk)
        arrays[name] = {c: whole_column(t.column(c)) for c in t.column_names}
    return lines_for(
        table=table,
        folder=folder,
        units=arrays["units"],
        indicators=arrays["indicators"],
        categories=arrays["categories"],
        problems=arrays["problems"],
        cells=inputs.cells,
        rows=inputs.rows,
        row_counts=inputs.counts,
        allocate=allocate,
    )


def _int(v: Any) -> int | None:
    return None if v in (None, "") else int(v)
