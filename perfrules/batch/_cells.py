"""Cells as exact integers and results as the core's Decimal text, column-wise with Arrow (the vectorised path).

:func:`parse` turns a column of cell texts into integers at the column's
scale (never through float), :func:`fmt` turns integers back into exactly
the text ``str(Decimal)`` writes (``"99.00"``, ``"9"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

try:  # the batch path's text kernels in C (optional: built where a C compiler was found at install)
    from perfrules.batch import _ctext
except ImportError:  # pragma: no cover - Arrow and NumPy do the same
    _ctext = None  # type: ignore[assignment]

MAX_INT_DIGITS, MAX_PLACES = (
    12,
    6,
)  # the kernel's domain; other numbers (up to perfrules._limits') go to the pure path
_CANONICAL = rf"^(0|[1-9][0-9]{{0,{MAX_INT_DIGITS - 1}}})(\.[0-9]{{1,{MAX_PLACES}}})?$"

IntArray = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]


def arrow_strings(col: Sequence[str]) -> pa.Array:
    """A column of cell texts as a pyarrow string array (no copy when the chunk already holds one)."""
    arr = getattr(col, "arrow", None)
    if arr is None:
        arr = (
            col if isinstance(col, (pa.Array, pa.ChunkedArray)) else pa.array(col, type=pa.string())
        )
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    return arr


def _np(arr: pa.Array) -> npt.NDArray[Any]:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


@attrs.frozen(eq=False)
class Numbers:
    """A parsed numeric column: ``value`` = the number × 10^scale (int64), where ``ok``."""

    value: IntArray
    ok: BoolArray  # a plain non-negative decimal the kernel accepts
    empty: BoolArray
    places: IntArray  # decimals as written (0 for "12"), per row
    scale: int


def parse(texts: pa.Array) -> Numbers:
    """Exact integers from decimal texts, vectorised; anything else is not ``ok`` (the pure path judges it).

    Fast path: Arrow's exact string → decimal128 cast over the filled cells
    at the column's largest number of places (never through float), after
    ruling out what Arrow accepts but the table format does not (exponents,
    whitespace). If the cast rejects any cell, the column is checked cell by
    cell with the table format's regular expression first.
    """
    n = len(texts)
    if _ctext is not None and n and texts.type == pa.string() and not texts.null_count:
        # every cell plain digits (the common case): in one pass in C, the same numbers
        value = np.empty(n, dtype=np.int64)
        places = np.empty(n, dtype=np.int64)
        ok = np.empty(n, dtype=bool)
        empty = np.empty(n, dtype=bool)
        data = texts.buffers()[2]
        offsets = np.frombuffer(
            texts.buffers()[1], dtype=np.int32, count=n + 1, offset=4 * texts.offset
        )
        scale = _ctext.parse_decimals(
            offsets,
            b"" if data is None else data,
            value,
            places,
            ok,
            empty,
            MAX_INT_DIGITS,
            MAX_PLACES,
        )
        if scale >= 0:
            return Numbers(value, ok, empty, places, scale)
    length = _np(pc.binary_length(texts)).astype(np.int64)
    empty = length == 0
    filled = np.flatnonzero(~empty)
    value = np.zeros(n, dtype=np.int64)
    places = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    if not len(filled):
        return Numbers(value, ok, empty, places, 0)
    sub = texts if len(filled) == n else texts.take(pa.array(filled))
    if _few_distinct(sub):
        # each distinct text parsed once: a cell's outcome depends only on its text and on the scale, and
        # the distinct texts set the same scale (and fail the cast alike) as the cells do
        enc = pc.dictionary_encode(sub)
        idx = _np(enc.indices)
        words = enc.dictionary
        dv, do, dp, scale = _parse_filled(words, _np(pc.binary_length(words)).astype(np.int64))
        v, o, pl = dv[idx], do[idx], dp[idx]
    else:
        v, o, pl, scale = _parse_filled(sub, length[filled])
    value[filled], ok[filled], places[filled] = v, o, pl
    return Numbers(value, ok, empty, places, scale)


# ``parse`` reads a column by its distinct texts when a sample of its first filled cells repeats enough:
# dictionary-encoding costs about a third of the per-cell parse, so it pays when the distinct texts are at
# most about a quarter of the cells; a prefix sample overstates the whole column's share of distinct texts
# (weights, targets: 0.004 and 0.33 in the sample, 0.0004 and 0.16 in the 54,000-row chunk)
DISTINCT_SAMPLE = 4096
DISTINCT_SHARE = 0.4  # at most this share of distinct texts in the sample: by the distinct texts


def _few_distinct(texts: pa.Array) -> bool:
    """Whether the first :data:`DISTINCT_SAMPLE` cells of ``texts`` hold few enough distinct texts to
    parse the column by its distinct texts (see :data:`DISTINCT_SHARE`)."""
    if texts.null_count:
        return False
    sample = texts.slice(0, DISTINCT_SAMPLE)
    distinct = int(pc.count_distinct(sample).as_py())
    return distinct <= DISTINCT_SHARE * len(sample)


def _parse_filled(texts: pa.Array, length: IntArray) -> tuple[IntArray, BoolArray, IntArray, int]:
    n = len(texts)
    dot = _np(pc.find_substring(texts, ".")).astype(np.int64)
    places = np.where(dot >= 0, length - dot - 1, 0)
    ok = (places <= MAX_PLACES) & (length <= MAX_INT_DIGITS + MAX_PLACES + 2)
    if _has_any_byte(texts, b"eE "):  # cell by cell only when some cell has one of them
        odd = pc.or_(
            pc.or_(pc.match_substring(texts, "e"), pc.match_substring(texts, "E")),
            pc.match_substring(texts, " "),
        )
        ok &= ~_np(odd).astype(bool)
    try:
        dec, scale = _cast(texts, ok, places)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok &= _np(pc.match_substring_regex(texts, _CANONICAL)).astype(bool)
        dec, scale = _cast(texts, ok, places)
    words = np.frombuffer(
        dec.buffers()[1], dtype=np.int64, count=2 * n, offset=dec.offset * 16
    ).reshape(n, 2)
    value = words[:, 0].copy()
    ok &= (words[:, 1] == 0) & (value >= 0)  # non-negative and inside int64
    ok &= value < 10 ** (
        MAX_INT_DIGITS + scale
    )  # at most MAX_INT_DIGITS whole digits (the pure path takes the rest)
    return np.where(ok, value, 0), ok, np.where(ok, places, 0), scale


def _has_any_byte(texts: pa.Array, chars: bytes) -> bool:
    """Whether any cell of a string array holds one of ``chars`` (ASCII), over its data buffer at once."""
    data = texts.buffers()[2]
    if data is None or len(texts) == 0:
        return False
    offsets = np.frombuffer(
        texts.buffers()[1], dtype=np.int32, count=len(texts) + 1, offset=4 * texts.offset
    )
    raw = memoryview(data)[int(offsets[0]) : int(offsets[-1])].tobytes()
    return any(bytes([c]) in raw for c in chars)


def _cast(texts: pa.Array, ok: BoolArray, places: IntArray) -> tuple[pa.Array, int]:
    scale = int(places[ok].max()) if ok.any() else 0
    clean = pc.if_else(pa.array(ok), texts, pa.scalar("0")) if not ok.all() else texts
    # every cell kept has at most ``scale`` places and 18 digits: nothing to truncate or overflow
    return pc.cast(clean, pa.decimal128(38, scale), safe=False), scale


# ---------------------------------------------------------------------------
# decimal text, digit for digit as str(Decimal) writes it


# ``fmt`` of small integers is a take from a table of their texts, made once per number of places (a
# take is several times cheaper than Arrow's decimal → text cast, and result scores, weights and losses
# are small integers at their scale); other values are cast
LOOKUP_HALF = 1 << 15  # the tables hold the texts of −32768 … 32767 (at 2 places: −327.68 … 327.67)
_LOOKUP: dict[int, pa.Array] = {}
_POW10 = 10 ** np.arange(19, dtype=np.int64)


def _cast_text(v: IntArray, places: int) -> pa.Array:
    """``str(Decimal)`` texts of int64 ``v`` × 10^-places by Arrow's decimal → text cast."""
    words = np.empty((len(v), 2), dtype=np.int64)
    words[:, 0] = v
    words[:, 1] = v >> 63
    arr = pa.Array.from_buffers(pa.decimal128(38, places), len(v), [None, pa.py_buffer(words)])
    return pc.cast(arr, pa.string())


def _lookup(places: int) -> pa.Array:
    """The texts of −:data:`LOOKUP_HALF` … :data:`LOOKUP_HALF` − 1 at ``places`` (made on first use; a
    race makes the same table twice, harmlessly)."""
    table = _LOOKUP.get(places)
    if table is None:
        table = _cast_text(np.arange(-LOOKUP_HALF, LOOKUP_HALF, dtype=np.int64), places)
        _LOOKUP[places] = table
    return table


def _fmt_ints(v: IntArray, places: int) -> pa.Array:
    """:func:`fmt` of an int64 array: looked up when every value is small, else cast."""
    if len(v) and 0 <= places <= MAX_PLACES:
        lo, hi = int(v.min()), int(v.max())
        if lo >= -LOOKUP_HALF and hi < LOOKUP_HALF:
            return _lookup(places).take(pa.array(v + LOOKUP_HALF))
    return _cast_text(v, places)


def fmt(values: IntArray, places: int) -> pa.Array:
    """``str(Decimal)`` of value × 10^-places for each element (places 0..6; plain notation), as Arrow strings."""
    if values.dtype == object:
        return pa.array([_fmt1(int(v), places) for v in values.tolist()], type=pa.string())
    return _fmt_ints(np.ascontiguousarray(values, dtype=np.int64), places)


def fmt_places(values: IntArray, places: IntArray, scale: int) -> pa.Array:
    """Like :func:`fmt` with a per-element number of places; ``values`` are at ``scale`` (≥ every place)."""
    distinct = np.flatnonzero(np.bincount(places, minlength=1)).tolist()
    if len(distinct) == 1:
        p = int(distinct[0])
        return fmt(values // (10 ** (scale - p)) if scale > p else values, p)
    if values.dtype == object:
        return _fmt_each(
            [values[places == p] // (10 ** (scale - p)) for p in distinct], places, distinct
        )
    q = values // _POW10[scale - places]
    return _fmt_by_places(q, places, distinct)


# the lookup tables of several numbers of places, end to end (``distinct`` places → their tables in that
# order), made on first use: numbers at mixed places are then one take, not one per place and another to
# put them in order
_LOOKUPS: dict[tuple[int, ...], pa.Array] = {}


def _fmt_by_places(q: IntArray, places: IntArray, distinct: list[int]) -> pa.Array:
    """The texts of int64 ``q`` (each element at its own ``places``; ``distinct``: the places present,
    ascending): one take from the places' lookup tables end to end when every value is small, else
    :func:`_fmt_each`."""
    if len(q) and 0 <= distinct[0] and distinct[-1] <= MAX_PLACES:
        lo, hi = int(q.min()), int(q.max())
        if lo >= -LOOKUP_HALF and hi < LOOKUP_HALF:
            key = tuple(distinct)
            table = _LOOKUPS.get(key)
            if table is None:
                table = pa.concat_arrays([_lookup(p) for p in key])
                _LOOKUPS[key] = table
            slot = np.zeros(MAX_PLACES + 1, dtype=np.int64)
            slot[distinct] = np.arange(len(distinct), dtype=np.int64) * (2 * LOOKUP_HALF)
            return table.take(pa.array(q + (LOOKUP_HALF + slot[places])))
    return _fmt_each([q[places == p] for p in distinct], places, distinct)


def _fmt_each(pieces: list[IntArray], places: IntArray, distinct: list[int]) -> pa.Array:
    """The texts of several numbers of places: ``pieces[i]`` holds the values (at their places) of the
    elements whose place is ``distinct[i]``, in order; each made apart, then all put in element order."""
    texts = [fmt(v, int(p)) for v, p in zip(pieces, distinct, strict=True)]
    order = np.concatenate([np.flatnonzero(places == p) for p in distinct])
    where = np.empty(len(places), dtype=np.int64)
    where[order] = np.arange(len(places))
    return pa.concat_arrays(texts).take(pa.array(where))


def const(value: Any, n: int, kind: pa.DataType | None = None) -> pa.Array:
    """An Arrow array of ``n`` copies of ``value``: a text's buffers made directly (its bytes repeated,
    evenly spaced offsets), any other value taken ``n`` times."""
    if (kind is None or kind == pa.string()) and isinstance(value, str):
        raw = value.encode()
        if len(raw) * n < 2**31:
            offsets = np.arange(n + 1, dtype=np.int32) * np.int32(len(raw))
            return pa.Array.from_buffers(
                pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(raw * n)]
            )
    base = pa.array([value], type=kind if kind is not None else pa.string())
    return base.take(pa.array(np.zeros(n, dtype=np.int64)))


def interleave(columns: list[pa.Array]) -> pa.Array:
    """Row-major order of k equal-length columns: c0[0], c1[0], …, c0[1], c1[1], … (one take)."""
    k = len(columns)
    if k == 1:
        return columns[0]
    n = len(columns[0])
    order = (
        np.arange(n, dtype=np.int64)[:, None] + np.arange(k, dtype=np.int64)[None, :] * n
    ).ravel()
    return pa.concat_arrays(columns).take(pa.array(order))


def _fmt1(v: int, places: int) -> str:
    return str(Decimal(v).scaleb(-places))


def _dec_places(d: Decimal) -> int:
    exp = d.as_tuple().exponent
    assert isinstance(exp, int)
    return max(0, -exp)


def _fmt_signed(diff: IntArray, places: IntArray, scale: int) -> pa.Array:
    """Decimal text of a possibly negative difference at per-element places (diff is at ``scale``)."""
    neg = diff < 0
    if diff.dtype != object and neg.any() and bool((places <= scale).all()):
        # the magnitude at its own places, signed: ``fmt`` writes a negative integer with its "-"
        mag = np.abs(diff) // _POW10[scale - places]
        if not bool((mag[neg] == 0).any()):  # (a "-0…" would lose its sign)
            signed = np.where(neg, -mag, mag)
            distinct = np.flatnonzero(np.bincount(places, minlength=1)).tolist()
            if len(distinct) == 1:
                return fmt(signed, int(distinct[0]))
            return _fmt_by_places(signed, places, distinct)
    mag = fmt_places(np.abs(diff), places, scale)
    if neg.any():
        mag = pc.if_else(pa.array(neg), pc.binary_join_element_wise("-", mag, ""), mag)
    return mag


def repeats(offsets: npt.NDArray[np.int32], data: Any, n: int, k: int) -> bool:
    """Whether n runs of k texts (a string column's offsets from its first element, its bytes) are each
    the first run again: in C (``_ctext.repeats``) where it is built, else with NumPy — every run's cell
    lengths the first run's, and its bytes the first run's bytes (equal lengths: each text equal too)."""
    if _ctext is not None:
        return _ctext.repeats(offsets, b"" if data is None else data, n, k)
    if n < 2:
        return True
    lengths = np.diff(offsets[: n * k + 1]).reshape(n, k)
    if not bool((lengths == lengths[0]).all()):
        return False
    width = int(offsets[k] - offsets[0])
    if width:
        assert data is not None
        text = np.frombuffer(data, dtype=np.uint8, count=n * width, offset=int(offsets[0]))
        rows = text.reshape(n, width)
        if not bool((rows == rows[0]).all()):
            return False
    return True
