"""The C splitter (``_ctext.split_lines``, read by ``_columnar._split_csv``) against pyarrow's CSV reader:
a file without a quote character gives the same text columns, or fails where pyarrow fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pytest.importorskip("numpy")
pcsv = pytest.importorskip("pyarrow.csv")

from perfrules.batch import _columnar  # noqa: E402

compiled = pytest.mark.skipif(
    _columnar._ctext is None,
    reason="perfrules.batch._ctext was not built (no C compiler at install)",
)

# field text without the bytes that end a field or a line, and without a quote
_FIELD = st.text(st.sampled_from(list("ab1. \t\x00中文，—\u3000𝄞é")), max_size=6)


def _arrow(path: Path, width: int) -> pa.Table | None:
    """pyarrow's reading of the file as ``_read`` asks for it (the header names its columns, every
    column text); ``None`` where it refuses the file."""
    header = [f"h{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(encoding="utf8"),
            parse_options=pcsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    assert table.column_names == header
    return table.rename_columns([f"c{i}" for i in range(width)])


def _split(path: Path, width: int, wanted: list[int]) -> pa.Table | None:
    names = {i + 1: f"c{i}" for i in wanted}
    try:
        blocks = list(_columnar._split_csv(path, width, names))
    except pa.ArrowInvalid:
        return None
    schema = pa.schema([(f"c{i}", pa.string()) for i in sorted(wanted)])
    return pa.Table.from_batches([b.batch for b in blocks], schema=schema)


@st.composite
def _files(draw: st.DrawFn) -> tuple[bytes, int, list[int]]:
    """A header and records of text fields, LF or CRLF line ends, the last one maybe missing; some
    records a field short or long, some bytes not UTF-8."""
    width = draw(st.integers(1, 5))
    wanted = draw(st.lists(st.integers(0, width - 1), min_size=1, unique=True))
    if 0 not in wanted:
        wanted.append(0)  # the unit column is always read (its ids' bytes are ranged)
    lines = [",".join(f"h{i}" for i in range(width))]
    for _ in range(draw(st.integers(0, 12))):
        n = width
        if draw(st.integers(0, 9)) == 0:
            n = draw(st.integers(1, width + 2))  # ragged (a blank line when one empty field)
        lines.append(",".join(draw(st.lists(_FIELD, min_size=n, max_size=n))))
    ends = [draw(st.sampled_from(["\n", "\r\n"])) for _ in lines]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    if len(lines) > 1 and draw(st.booleans()):
        text = text.rstrip("\r\n")  # the last record without its line end
    data = text.encode()
    if draw(st.integers(0, 9)) == 0 and len(lines) > 1:  # a byte that is not UTF-8 in a record
        head = len(lines[0]) + len(
            ends[0]
        )  # the header, read apart, is UTF-8 and ends as it should
        at = draw(st.integers(head, max(head, len(data) - 1)))
        data = (
            data[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe4\xb8"]))
            + data[at:]
        )
    return data, width, sorted(set(wanted))


@compiled
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=_files(), block=st.sampled_from([8, 64, 1 << 20]))
def test_the_splitter_reads_what_pyarrow_reads(
    case: tuple[bytes, int, list[int]], block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of 8 bytes carry lines over and grow the buffer for long ones; both readers agree on the
    cells of every file pyarrow reads, and refuse the same files (a ragged record, bytes not UTF-8)."""
    data, width, wanted = case
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    monkeypatch.setattr(_columnar, "BLOCK_BYTES", block)
    want = _arrow(path, width)
    got = _split(path, width, wanted)
    if want is None:
        assert got is None
    else:
        assert got is not None
        assert got.equals(want.select([f"c{i}" for i in wanted]))


@compiled
def test_a_stray_carriage_return_is_refused(tmp_path: Path) -> None:
    """Only the CR of a CRLF ends a line: a lone one (which pyarrow would read as a line end) is no
    record of the table's, and the splitter refuses it."""
    path = tmp_path / "t.csv"
    path.write_bytes(b"h0,h1\nu1,x\ru2,y\n")
    assert _split(path, 2, [0, 1]) is None
    assert _arrow(path, 2) is not None  # pyarrow reads two records
    path.write_bytes(b"h0,h1\r\nu1,x\r\n")
    got = _split(path, 2, [0, 1])
    assert got is not None and got.column("c1").to_pylist() == ["x"]


@compiled
def test_the_kernel_reports_its_units_byte_range_and_utf8() -> None:
    """The first wanted column's byte range and shortest cell (what ``_scored_chunks`` reads to skip
    trimming), and whether the block is UTF-8."""
    k = _columnar._ctext
    assert k is not None
    rows, cols, lo, hi, utf8 = k.split_lines(b"u1,x\nu22,\n", 2, (0, 1), pa.allocate_buffer)
    assert (rows, lo, hi, utf8) == (2, ord("1"), ord("u"), 1)
    (o0, d0, short0, long0), (o1, d1, short1, long1) = cols
    assert (short0, short1, long0, long1) == (2, 0, 3, 1)
    assert pa.Array.from_buffers(pa.string(), 2, [None, pa.py_buffer(o1), d1]).to_pylist() == [
        "x",
        "",
    ]
    _, _, lo, hi, utf8 = k.split_lines(b" u,\xe4\xb8\n", 2, (0,), pa.allocate_buffer)
    assert (lo, hi, utf8) == (ord(" "), ord("u"), 0)
    _, cols, lo, hi, _ = k.split_lines(b",x\n", 2, (0,), pa.allocate_buffer)
    assert (lo, hi, cols[0][2]) == (
        256,
        -1,
        0,
    )  # an empty column: no range, its shortest cell empty
    rows, cols, *_ = k.split_lines(b"a,b\n\r\n\nc,d\n", 2, (1, 0), pa.allocate_buffer)
    texts = [
        pa.Array.from_buffers(pa.string(), rows, [None, pa.py_buffer(o), d]) for o, d, _, _ in cols
    ]
    assert [t.to_pylist() for t in texts] == [["b", "", "", "d"], ["a", "", "", "c"]]  # blank lines


@compiled
@pytest.mark.parametrize(
    ("block", "width", "wanted", "error"),
    [
        (b"a,b", 2, (0,), "does not end a line"),
        (b"a\n", 2, (0,), "line 1 of the block is not 2 plain fields"),
        (b"a,b,c\n", 2, (0,), "line 1 of the block is not 2 plain fields"),
        (b"a,b\na\n", 2, (0,), "line 2 of the block"),
        (b"a\rb\n", 1, (0,), "line 1"),
        (b'a,b\nc,"d"\n', 2, (0,), "line 2 of the block holds a quote character"),
        (b"a\n", 1, (1,), "out of range"),
        (b"a\n", 0, (0,), "bad number of columns"),
    ],
)
def test_the_kernel_refuses_what_is_not_its_lines(
    block: bytes, width: int, wanted: tuple[int, ...], error: str
) -> None:
    k = _columnar._ctext
    assert k is not None
    with pytest.raises(ValueError, match=error):
        k.split_lines(block, width, wanted, pa.allocate_buffer)


@compiled
@given(st.binary(max_size=40))
def test_the_kernels_utf8_is_pythons(raw: bytes) -> None:
    """Well-formed UTF-8 as Python's strict decoder judges it (no overlong form, no surrogate, nothing
    beyond U+10FFFF), through the eight-bytes-at-a-time path and the byte-by-byte one."""
    k = _columnar._ctext
    assert k is not None
    for pad in (b"", b"abcdefgh" * 2):
        text = (pad + raw).replace(b"\n", b"n").replace(b"\r", b"r").replace(b",", b"c")
        text = text.replace(b'"', b"q") + b"\n"
        try:
            text.decode("utf-8")
            want = 1
        except UnicodeDecodeError:
            want = 0
        assert k.split_lines(text, 1, (0,), pa.allocate_buffer)[4] == want


def test_without_the_kernel_pyarrow_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the extension was not built, ``_read`` reads a file without quotes through pyarrow: the
    same columns."""
    from perfrules.batch import read_table

    path = tmp_path / "units.csv"
    path.write_text("unit,indicator,actual\nu1,a,1\nu1,b,2\nu2,a,3\n", encoding="utf-8")
    table = read_table(path, scan=False)
    both = []
    for kernel in (_columnar._ctext, None):
        if kernel is None and _columnar._ctext is None:
            continue
        monkeypatch.setattr(_columnar, "_ctext", kernel)
        both.append(pa.Table.from_batches(list(_columnar._batches(table))))
    if len(both) == 2:
        assert both[0].equals(both[1])
    assert both[-1].column("unit").to_pylist() == ["u1", "u1", "u2"]
