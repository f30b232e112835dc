"""Batch readers never drop data (issue 16): every unit of a hostile table is scored or reported, on both engines.

The reproducers of the issue come first (an unclosed quote that swallowed every later unit, an .xlsx whose
``<dimension>`` says ``A1`` or is a row short, formula cells read as something else), then each kind of hostile
input on its own (GBK and UTF-8 with a BOM, encoding errors, ragged rows, stray carriage returns, numbers out of
bounds, cells too long), then the property: for a generated hostile table (unclosed quotes, ragged rows, blank
lines, a BOM, CRLF / LF / CR line ends, stray line breaks, bytes that are not UTF-8, a GBK twin, huge numbers and
formula-like text, duplicated and non-contiguous units, quotes at the end of the file …),

* ``run_batch(engine="pure")`` and ``run_batch(engine="auto")`` write byte-identical files;
* the units table holds each distinct unit id of the input exactly once (no unit lost, none invented), and the
  problems table no other;
* every failed unit has a located problem (file and row), and every record the generator broke is reported at
  its row, with its code, for its unit;
* a GBK table scores byte for byte as its UTF-8 twin;

and the same for generated workbooks (formula cells, cells right of the header, empty rows, a wrong
``<dimension>``). The discrepancies found on the way keep their minimal reproducers at the end.

``PERFRULES_HOSTILE_EXAMPLES`` sets the number of examples (60 by default, a third of them for workbooks; a bug
hunt: thousands).
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("numpy")
pytest.importorskip("pyarrow")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_batch_engines import COLUMNS, folder, small_chunks, unit_rows  # noqa: E402

from perfrules import SpecError  # noqa: E402
from perfrules.batch import _table, output_paths, read_table, run_batch  # noqa: E402

Tables = dict[str, list[dict[str, str]]]


def run_engines(path: Path, **kw: Any) -> Tables:
    """Both engines on ``path``: their files must be byte-identical, their summaries agree and count every unit
    the table scan counted; the pure engine's tables, as rows."""
    files, summaries = {}, []
    for engine in ("pure", "auto"):
        out = path.parent / f"out-{engine}.csv"
        s = run_batch(path, out, engine=engine, **kw)
        summaries.append((s.units, s.scored, s.failed, dict(s.grades)))
        files[engine] = {k: p.read_bytes() for k, p in output_paths(out).items()}
    for name, data in files["pure"].items():
        assert files["auto"][name] == data, name
    tables = {
        k: list(csv.DictReader(io.StringIO(v.decode("utf-8"), newline="")))
        for k, v in files["pure"].items()
    }
    assert summaries[0] == summaries[1]
    assert (
        summaries[0][0] == len(tables["units"]) == read_table(path).unit_count
    )  # the report's unit count
    return tables


def check(tables: Tables, expected: set[str]) -> None:
    """No unit lost, none invented, each once; every failed unit located."""
    units = [r["unit"] for r in tables["units"]]
    assert len(units) == len(set(units)), units
    assert set(units) == expected
    assert {r["unit"] for r in tables["problems"]} <= expected
    for r in tables["units"]:
        if r["status"] == "error":
            assert r["error_file"] and r["error_row"], r


def status(tables: Tables) -> dict[str, tuple[str, str]]:
    """unit → (status, total or first error code)."""
    return {r["unit"]: (r["status"], r["total"] or r["error_code"]) for r in tables["units"]}


def problems(tables: Tables, unit: str) -> list[tuple[str, str, str, str]]:
    return [
        (r["code"], r["row"], r["column"], r["field"])
        for r in tables["problems"]
        if r["unit"] == unit
    ]


H = "单位,指标,一级指标,分值,比较符,指标值,实际完成值,年度,说明\n"


def row(unit: str, actual: str = "9", note: str = "") -> str:
    return f"{unit},a,产出指标,100,≥,10,{actual},2024,{note}\n"


# ---------------------------------------------------------------------------
# the issue's reproducers


def test_unclosed_quote_keeps_every_later_unit(tmp_path: Path) -> None:
    """The issue's printf: u1's quote never closes; u2 was swallowed into u1's 说明 and scored as nothing."""
    path = tmp_path / "t.csv"
    path.write_bytes(
        H.encode() + 'u1,a,产出指标,100,≥,10,8,2024,"x\nu2,a,产出指标,100,≥,10,9,2024,\n'.encode()
    )
    tables = run_engines(path)
    check(tables, {"u1", "u2"})
    assert status(tables) == {"u1": ("error", "unterminated-quote"), "u2": ("ok", "90.00")}
    assert problems(tables, "u1") == [("unterminated-quote", "2", "9", "note")]
    assert "line 2 of the file" in tables["problems"][0]["error_en"]


def test_unclosed_quote_through_the_command_line_exits_1(tmp_path: Path) -> None:
    from test_batch_cli import run

    path = tmp_path / "t.csv"
    path.write_bytes(
        H.encode() + 'u1,a,产出指标,100,≥,10,8,2024,"x\nu2,a,产出指标,100,≥,10,9,2024,\n'.encode()
    )
    code, text = run(["batch", str(path), "--out", str(tmp_path / "r.csv"), "--lang", "en"])
    assert code == 1 and "2 units: 1 scored, 1 failed" in text


def test_unclosed_quotes_in_a_large_table_lose_no_unit(tmp_path: Path) -> None:
    """A 20,000-unit table lost 49 units to a few unclosed quotes; here 3,000 units, 40 broken at random."""
    rng = random.Random(16)
    n = 3000
    broken = set(rng.sample(range(n), 40))
    lines = [H]
    for k in range(n):
        note = f'"备注{k}' if k in broken else rng.choice(["", "说明", '"含,逗号"', '"多行\n说明"'])
        lines.append(row(f"u{k}", str(rng.randint(0, 12)), note))
    path = tmp_path / "big.csv"
    path.write_text("".join(lines), encoding="utf-8")
    table = read_table(path)
    assert table.unit_count == n and not table.plain
    tables = run_engines(path)
    check(tables, {f"u{k}" for k in range(n)})
    got = status(tables)
    assert {u for u, (s, _) in got.items() if s == "error"} == {f"u{k}" for k in broken}
    assert {code for s, code in got.values() if s == "error"} == {"unterminated-quote"}


def _workbook(
    tmp_path: Path,
    rows: list[list[Any]],
    *,
    xml: Callable[[bytes], bytes] | None = None,
    name: str = "t.xlsx",
) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    plain = tmp_path / f"plain-{name}"
    wb.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if xml is not None and item.filename == "xl/worksheets/sheet1.xml":
                data = xml(data)
            dst.writestr(item, data)
    return path


XH = ["unit", "indicator", "category", "weight", "comparator", "target", "actual", "year"]
XROWS = [
    ["u1", "a", "产出指标", 100, "≥", 10, 8, 2024],
    ["u2", "a", "产出指标", 100, "≥", 10, 9, 2024],
    ["u3", "a", "产出指标", 100, "≥", 10, 10, 2024],
]


def _dimension(ref: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        new, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', data)
        assert n == 1
        return new

    return edit


@pytest.mark.parametrize("ref", [b"A1", b"A1:H3", b"A1:G4"])
def test_xlsx_reads_the_real_cell_range_not_the_dimension(tmp_path: Path, ref: bytes) -> None:
    """A dimension of A1 scored 0 units; one a row short lost u3; one a column short lost every actual."""
    pytest.importorskip("openpyxl")
    path = _workbook(tmp_path, [XH, *XROWS], xml=_dimension(ref))
    table = read_table(path)
    assert (table.row_count, table.unit_count) == (3, 3) and "actual" in table.header
    tables = run_engines(path)
    check(tables, {"u1", "u2", "u3"})
    assert status(tables) == {"u1": ("ok", "80.00"), "u2": ("ok", "90.00"), "u3": ("ok", "100.00")}


def _cell(ref: str, new: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        out, n = re.subn(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)', new, data)
        assert n == 1, data
        return out

    return edit


def test_xlsx_formula_cells_are_reported_never_read(tmp_path: Path) -> None:
    """A formula without a stored value used to read as an empty cell; one with a stored value is not read either."""
    pytest.importorskip("openpyxl")
    rows = [
        XH,
        *XROWS,
        ["u4", "a", "产出指标", 100, "≥", 10, 9, 2024],
        ["u5", "a", "产出指标", 100, "≥", 10, 9, 2024],
    ]

    def edit(data: bytes) -> bytes:
        data = _cell("G2", b'<c r="G2"><f>F2*0.8</f></c>')(
            data
        )  # never computed (as openpyxl or a script writes it)
        data = _cell("G3", b'<c r="G3"><f>F3*0.9</f><v>9</v></c>')(
            data
        )  # computed and stored by Excel
        data = _cell("G4", b'<c r="G4" t="e"><f>F4/0</f><v>#DIV/0!</v></c>')(data)
        return _cell("G5", b'<c r="G5" t="e"><v>#N/A</v></c>')(
            data
        )  # an error value typed (or pasted)

    tables = run_engines(_workbook(tmp_path, rows, xml=edit))
    check(tables, {"u1", "u2", "u3", "u4", "u5"})
    assert status(tables) == {
        "u1": ("error", "formula"),
        "u2": ("error", "formula"),
        "u3": ("error", "formula"),
        "u4": ("error", "cell-error"),
        "u5": ("ok", "90.00"),
    }
    assert problems(tables, "u1") == [("formula", "2", "7", "actual")]
    by_unit = {r["unit"]: r["error_en"] for r in tables["problems"]}
    assert "cell G2 holds the formula =F2*0.8" in by_unit["u1"] and "Paste Special" in by_unit["u1"]
    assert "(it shows '9')" in by_unit["u2"]
    assert "#N/A" in by_unit["u4"]


def test_xlsx_formula_in_the_unit_column_fails_its_own_unit(tmp_path: Path) -> None:
    """Ids filled down by formula (=A2): the row belongs to the unit its stored value names, which fails."""
    pytest.importorskip("openpyxl")
    rows = [
        XH,
        ["u1", "a", "产出指标", 60, "≥", 10, 8, 2024],
        ["u1", "b", "产出指标", 40, "≥", 10, 9, 2024],
        ["u2", "a", "产出指标", 100, "≥", 10, 9, 2024],
    ]
    tables = run_engines(
        _workbook(tmp_path, rows, xml=_cell("A3", b'<c r="A3" t="str"><f>A2</f><v>u1</v></c>'))
    )
    check(tables, {"u1", "u2"})  # no unit "=A2", and u1 is not scored without its row 3
    assert status(tables) == {"u1": ("error", "formula"), "u2": ("ok", "90.00")}
    assert problems(tables, "u1") == [("formula", "3", "1", "unit")]


def test_xlsx_text_starting_with_equals(tmp_path: Path) -> None:
    """'= typed with an apostrophe is text; a formula "=" (what a script writing "=" may store) is reported."""
    pytest.importorskip("openpyxl")
    rows = [
        XH,
        ["u1", "a", "产出指标", 100, "=", 10, 10, 2024],
        ["u2", "a", "产出指标", 100, "x", 10, 10, 2024],
    ]
    tables = run_engines(_workbook(tmp_path, rows, xml=_cell("E3", b'<c r="E3"><f></f></c>')))
    assert status(tables) == {"u1": ("ok", "100.00"), "u2": ("error", "formula")}
    assert "type '= (an apostrophe first)" in tables["problems"][0]["error_en"]


def test_xlsx_cells_right_of_the_header_and_empty_rows(tmp_path: Path) -> None:
    """A cell with no column is reported (it would not be read); empty rows are skipped, row numbers kept."""
    pytest.importorskip("openpyxl")
    rows = [XH, XROWS[0], [None] * 8, [*XROWS[1], None, "备注"], [], XROWS[2]]
    tables = run_engines(_workbook(tmp_path, rows))
    check(tables, {"u1", "u2", "u3"})  # no unit "" from the empty rows
    assert status(tables) == {
        "u1": ("ok", "80.00"),
        "u2": ("error", "ragged-row"),
        "u3": ("ok", "100.00"),
    }
    assert problems(tables, "u2") == [("ragged-row", "4", "10", "")]
    assert "cell J4 is right of the header's last column (H1)" in tables["problems"][0]["error_en"]
    assert read_table(tmp_path / "t.xlsx").numbers == [2, 4, 6]


# ---------------------------------------------------------------------------
# encodings: what Excel and WPS save


BODY = row("u1", "8", "完成") + row("u2", "9", '"多行\n说明，含逗号"') + row("u3", "10")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_gbk_table_scores_as_its_utf8_twin(tmp_path: Path, newline: str) -> None:
    """Excel's plain "CSV" on Chinese Windows saves GBK: read as GBK when that is unambiguous."""
    text = (H + BODY).replace("\n", newline)
    (tmp_path / "u").mkdir()
    (tmp_path / "g").mkdir()
    (tmp_path / "u" / "t.csv").write_bytes(text.encode("utf-8"))
    (tmp_path / "g" / "t.csv").write_bytes(text.encode("gbk"))
    want = run_engines(tmp_path / "u" / "t.csv")
    got = run_engines(tmp_path / "g" / "t.csv")
    assert got == want and status(got) == {
        "u1": ("ok", "80.00"),
        "u2": ("ok", "90.00"),
        "u3": ("ok", "100.00"),
    }


def test_utf8_with_bom_reads(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" writes a byte order mark."""
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (H + BODY).encode())
    assert read_table(path).header["unit"] == 1
    assert status(run_engines(path)) == {
        "u1": ("ok", "80.00"),
        "u2": ("ok", "90.00"),
        "u3": ("ok", "100.00"),
    }


def test_a_line_that_is_not_the_table_s_encoding_fails_its_unit_only(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(
        (H + row("u1", "8")).encode() + row("u2", "9", "说明").encode("gbk") + row("u3").encode()
    )
    tables = run_engines(path)
    check(tables, {"u1", "u2", "u3"})
    assert status(tables)["u2"] == ("error", "encoding") and status(tables)["u3"] == ("ok", "90.00")
    assert problems(tables, "u2") == [
        ("encoding", "3", "3", "category")
    ]  # the first cell that is not UTF-8: 产出指标
    (p,) = [r for r in tables["problems"] if r["unit"] == "u2"]
    assert "looks GBK-encoded" in p["error_en"] and "iconv -f GBK" in p["error_en"]
    assert (
        f"(byte {len((H + row('u1', '8') + 'u2,a,').encode())})" in p["error_en"]
    )  # the byte in the file

    gbk = tmp_path / "g.csv"  # a GBK table with a byte that is not GBK
    gbk.write_bytes(
        (H + row("u1", "8", "完成")).encode("gbk")
        + row("u2").encode("gbk")[:-2]
        + b"\x80\n"
        + row("u3").encode("gbk")
    )
    tables = run_engines(gbk)
    assert status(tables) == {
        "u1": ("ok", "80.00"),
        "u2": ("error", "encoding"),
        "u3": ("ok", "90.00"),
    }
    assert (
        "not GBK text" in tables["problems"][0]["error_en"]
        and "CSV UTF-8" in tables["problems"][0]["error_en"]
    )


def test_gbk_and_utf8_lines_in_one_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which encoding a line is in is never guessed line by line: the table's start decides, other lines fail."""
    ascii_header = "unit,indicator,category,weight,comparator,target,actual,year,note\n"
    path = tmp_path / "t.csv"
    path.write_bytes(
        ascii_header.encode() + row("u1", "8", "完成").encode("gbk") + row("u2").encode("utf-8")
    )
    tables = run_engines(path)  # a UTF-8 line at the start: a UTF-8 table, whose GBK line fails
    assert status(tables) == {"u1": ("error", "encoding"), "u2": ("ok", "90.00")}

    path.write_bytes((H + row("u1", "8", "完成")).encode("gbk") + row("u2").encode("utf-8"))
    with pytest.raises(
        SpecError
    ) as err:  # with a GBK header in a table read as UTF-8, no column can be known
        read_table(path)
    assert err.value.problems[0].code == "encoding" and "GBK" in err.value.problems[0].message

    monkeypatch.setattr(
        _table, "SAMPLE_BYTES", len(ascii_header) + 40
    )  # the start holds GBK lines only
    path.write_bytes(
        ascii_header.encode() + row("u1", "8", "完成").encode("gbk") + row("u2").encode("utf-8")
    )
    tables = run_engines(path)
    assert status(tables) == {"u1": ("ok", "80.00"), "u2": ("error", "encoding")}
    assert "this line is UTF-8 text but the table is GBK" in tables["problems"][0]["error_en"]


def test_bytes_that_are_not_text_in_the_unit_cell(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(H.encode() + b"u\xff1,a,x,100,>=,10,8,2024,\n" + row("u2").encode())
    tables = run_engines(path)
    check(tables, {"u\ufffd1", "u2"})
    assert problems(tables, "u\ufffd1") == [("encoding", "2", "1", "unit")]


def test_utf16_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes((H + BODY).encode("utf-16"))
    with pytest.raises(SpecError, match="UTF-16") as err:
        read_table(path)
    assert err.value.problems[0].code == "encoding"


# ---------------------------------------------------------------------------
# rows and line ends


def test_ragged_rows_fail_their_unit(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        H
        + "u1,a,产出指标,100,≥,10,8,2024\n"
        + row("u2", "9", "x,多余")
        + row("u3")
        + row("u4", "9", ",,")
        + "u5,a,产出指标,100,≥,10,9,2024,,,,\n",
        encoding="utf-8",
    )
    tables = run_engines(path)
    check(tables, {"u1", "u2", "u3", "u4", "u5"})
    assert status(tables) == {
        "u1": ("error", "ragged-row"),
        "u2": ("error", "ragged-row"),
        "u3": ("ok", "90.00"),
        "u4": ("ok", "90.00"),
        "u5": ("ok", "90.00"),
    }  # empty extra cells hold nothing
    assert problems(tables, "u1") == [("ragged-row", "2", "9", "note")]
    assert problems(tables, "u2") == [("ragged-row", "3", "10", "")]


def test_a_header_with_empty_columns_at_its_right(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        H.rstrip("\n") + ",,\n" + row("u1", "8", ",,") + row("u2", "9", ",x,"), encoding="utf-8"
    )
    tables = run_engines(path)
    assert status(tables) == {"u1": ("ok", "80.00"), "u2": ("error", "ragged-row")}


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_line_ends_and_stray_line_breaks(tmp_path: Path, newline: str) -> None:
    """CR alone ends lines in a file without LF (old Mac "CSV"); elsewhere a stray one is a character of its cell."""
    stray = "\n" if newline == "\r" else "\r"
    lines = [
        H,
        row("u1", "8", f"a{stray}b"),
        row("u2", f"9{stray}"),
        row("u3", "10", '"多行\r\n说明"'),
    ]
    path = tmp_path / "t.csv"
    path.write_bytes("".join(line[:-1] + newline for line in lines).encode())
    tables = run_engines(path)
    check(tables, {"u1", "u2", "u3"})
    assert status(tables) == {"u1": ("ok", "80.00"), "u2": ("ok", "90.00"), "u3": ("ok", "100.00")}


def test_a_stray_cr_in_the_header_does_not_make_the_file_one_line(tmp_path: Path) -> None:
    """Found by tests/test_reliability.py: a lone CR in the header's first cell of an LF file made every
    later line one record and lost its units. The LF file stays an LF file, and the stray CR is blank space."""
    path = tmp_path / "t.csv"
    path.write_bytes(
        H.replace(",", "\r,", 1).encode() + row("u0", "8").encode() + row("u1", "9").encode()
    )
    assert status(run_engines(path)) == {"u0": ("ok", "80.00"), "u1": ("ok", "90.00")}


def test_the_file_ends_inside_a_quote(tmp_path: Path) -> None:
    for tail in ('"x', '"x\n', '"x\r\n'):
        path = tmp_path / "t.csv"
        path.write_bytes((H + row("u1", "8") + row("u2").rstrip("\n") + tail).encode())
        assert (
            _table._fast_csv_scan(path, str(path)) is None
        )  # Arrow reads the quote on to the end: the csv reader decides
        tables = run_engines(path)
        assert status(tables) == {"u1": ("ok", "80.00"), "u2": ("error", "unterminated-quote")}, (
            tail
        )


def test_a_header_that_is_not_one_line_fails_the_run(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('unit,"indicator\n' + row("u1"), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        read_table(path)
    assert err.value.problems[0].code == "csv-syntax"


def test_a_quoted_line_break_is_one_cell(tmp_path: Path) -> None:
    """What Excel writes for Alt+Enter: read as one record (its closing line has an odd number of quotes)."""
    path = tmp_path / "t.csv"
    path.write_text(
        "说明,单位,指标,一级指标,分值,比较符,指标值,实际完成值,年度\n"
        '"第一行\n第二行,a,b,c,d,e,f,g,h",u1,a,产出指标,100,≥,10,8,2024\n'
        '"x",u2,a,产出指标,100,≥,10,9,2024\n',
        encoding="utf-8",
    )
    tables = run_engines(path)
    assert status(tables) == {"u1": ("ok", "80.00"), "u2": ("ok", "90.00")}


# ---------------------------------------------------------------------------
# numbers: the bounds every number obeys (perfrules._limits), at the cell


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("1e999999", "not a plain decimal"),
        ("9" * 5000, "too large"),
        ("-" + "9" * 16, "too large"),
        (
            "1000000000000000",
            "too large",
        ),  # 10^15: the vectorised path scored it while the pure path refused it
        (
            "999999999999999",
            None,
        ),  # below 10^15: scored (by the pure path: the kernel takes 12 whole digits)
        ("0.00000000001", "more than 10 decimal places"),
        ("1.00000000000000000000", None),  # trailing zeros do not count
        ("1." + "0" * 100_000, ""),  # too many digits to carry (perfrules._limits)
        ("0." + "0" * 100_000, None),  # zero
        ("=SUM(A1:A3)", "not a plain decimal"),
        ("#DIV/0!", "not a plain decimal"),
    ],
)
def test_numbers_out_of_bounds_are_located_errors(
    tmp_path: Path, cell: str, why: str | None
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(H + f"u1,a,产出指标,100,≥,10,{cell},2024,\n" + row("u2"), encoding="utf-8")
    start = time.perf_counter()
    tables = run_engines(path)
    assert time.perf_counter() - start < 20  # never a slow path
    check(tables, {"u1", "u2"})
    if why is None:
        assert status(tables)["u1"][0] == "ok"
        return
    assert status(tables)["u1"] == ("error", "invalid-number")
    assert problems(tables, "u1")[0] == ("invalid-number", "2", "7", "actual")
    assert why in tables["problems"][0]["error_en"] and len(tables["problems"][0]["error_en"]) < 300


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("budget", "9" * 5000),
        ("year", "0024"),
        ("year", "9999"),
        ("weight", "1e999999"),
        ("target", "12345678901234567.5"),
    ],
)
def test_unit_columns_and_years_obey_the_bounds(tmp_path: Path, column: str, cell: str) -> None:
    cells = {
        "unit": "u1",
        "indicator": "a",
        "category": "产出指标",
        "weight": "100",
        "comparator": "≥",
        "target": "10",
        "actual": "9",
        "year": "2024",
        "budget": "100",
        "spent": "90",
        column: cell,
    }
    path = tmp_path / "t.csv"
    path.write_text(
        ",".join(cells)
        + "\n"
        + ",".join(cells.values())
        + "\n"
        + ",".join(cells.values())
        .replace("u1", "u2", 1)
        .replace(cell, "2024" if column == "year" else "100")
        + "\n",
        encoding="utf-8",
    )
    tables = run_engines(path)
    assert status(tables)["u1"][0] == "error" and status(tables)["u2"][0] == "ok"
    assert problems(tables, "u1")[0][1:] == ("2", str(list(cells).index(column) + 1), column)


def test_a_cell_too_long_for_the_csv_module_fails_its_unit(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        H + row("u1", "8", "x" * (csv.field_size_limit() + 1)) + row("u2"), encoding="utf-8"
    )
    tables = run_engines(path)
    assert status(tables) == {"u1": ("error", "csv-syntax"), "u2": ("ok", "90.00")}


def test_the_columnar_runner_reads_only_what_the_csv_reader_reads_alike(tmp_path: Path) -> None:
    """The pyarrow scan applies to clean UTF-8 tables (quoted commas allowed), never to a table with a problem."""
    path = tmp_path / "t.csv"
    cases = {
        "clean": (H + row("u1", "8", '"含,逗号"') + row("u2", "9", '"a ""b"""'), True),
        "unclosed": (H + row("u1", "8", '"x') + row("u2"), False),
        "multi-line": (
            H + row("u1", "8", '"a\nb"') + row("u2", "9", '"c\r\nd"'),
            True,
        ),  # Alt+Enter in Excel
        "unclosed, then closed": (H + row("u1", "8", '"x') + "u2\n" + 'a",b\n', False),
        "ragged": (H + row("u1", "8", "x,y") + row("u2"), False),
        "empty right": (H.rstrip("\n") + ",\n" + row("u1", "8", ",") + row("u2", "9", ","), False),
    }
    for name, (text, fast) in cases.items():
        path.write_text(text, encoding="utf-8")
        assert (_table._fast_csv_scan(path, str(path)) is not None) == fast, name
        run_engines(path)
    path.write_bytes((H + row("u1", "8", "完成")).encode("gbk"))
    assert _table._fast_csv_scan(path, str(path)) is None


# ---------------------------------------------------------------------------
# the property


HOSTILE_NUMBERS = (
    "1e999999",
    "9" * 5000,
    "0.00000000001",
    "-" + "9" * 20,
    "=SUM(A1:A3)",
    "=1+1",
    "#DIV/0!",
    "１２",
    "12%",
    "1,000",
    "0." + "0" * 30,
    "2024" + "0" * 30,
)
NUMERIC = ("weight", "target", "actual", "budget", "spent", "year")
BAD_BYTES = (b"\xff", b"\x80", b"\xfe\xff", b"\xc3(")  # neither UTF-8 nor GB18030
MARK = "\ue000"  # where bad bytes go (a private-use character: never in generated text)


def _plain(text: str) -> str:
    return re.sub(r'[",\r\n]', "", text)


@st.composite
def hostile_tables(draw: st.DrawFn) -> dict[str, Any]:
    """A long table as bytes, the unit ids it holds, and the (unit, code, row) problems its breakage must give.

    One table in three is hostile only in ways the pyarrow reader reads too (numbers out of bounds, formula-like
    text, odd but closed quotes, a BOM, CRLF, duplicated units), so that the columnar runner's reading is compared
    with the csv reader's on them; the others break records in every way.
    """
    arrow = draw(st.integers(0, 2)) == 0
    n = draw(st.integers(1, 7))
    units = [draw(unit_rows(k, draw(st.integers(0, 3)) == 0)) for k in range(1, n + 1)]
    if arrow:  # every record on one line
        units = [
            [{c: re.sub(r"[\r\n]", " ", v) for c, v in r.items()} for r in unit] for unit in units
        ]
    for k in range(1, n):  # duplicated unit ids: non-contiguous (or merged when adjacent)
        if draw(st.integers(0, 9)) == 0:
            other = units[draw(st.integers(0, k - 1))][0]["unit"]
            for r in units[k]:
                r["unit"] = other
    records: list[dict[str, str] | None] = [r for u in units for r in u]  # None: a blank line
    if len(units) > 1 and draw(st.integers(0, 3)) == 0:  # a unit's rows resume after another unit's
        moved = records.pop(draw(st.integers(0, len(records) - 1)))
        records.insert(draw(st.integers(0, len(records))), moved)
    for _ in range(
        0 if arrow else draw(st.integers(0, 3))
    ):  # rows without a unit id, blank lines, blank records
        kind = draw(st.integers(0, 2))
        at = draw(st.integers(0, len(records)))
        records.insert(
            at,
            None
            if kind == 0
            else {"unit": " ", "indicator": "x", "actual": "1"}
            if kind == 1
            else {c: draw(st.sampled_from(["", " "])) for c in COLUMNS},
        )
    cols = [
        "unit",
        *(
            draw(st.lists(st.sampled_from(COLUMNS[1:]), unique=True, min_size=3))
            if draw(st.integers(0, 3)) == 0
            else COLUMNS[1:]
        ),
    ]
    cols = draw(st.permutations(cols))
    u = cols.index("unit")
    width = len(cols)
    newline = draw(st.sampled_from(["\n", "\r\n"] if arrow else ["\n", "\r\n", "\r"]))
    stray_char = "\n" if newline == "\r" else "\r"
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))

    def encode(cells: list[str]) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n", quoting=quoting).writerow(
            cells
        )  # quotes cells with \r or \n
        return buf.getvalue()[:-2]

    dangling = draw(
        st.booleans()
    )  # quotes closing a bare cell (12"), or quotes left open: not both (see below)
    lines: list[bytes] = [encode(cols).encode()]
    ids: list[str] = []
    broken: set[tuple[str, str, int]] = set()
    byte_level = False
    row_no = 1
    for rec in records:
        row_no += 1
        if rec is None:
            lines.append(b"")
            continue
        cells = [rec.get(c, "") for c in cols]
        blank = not any(c.strip() for c in cells)
        unit = cells[u].strip()
        one_line = not any(ch in c for c in cells for ch in "\r\n")
        after = [j for j in range(u + 1, width)]
        kind = (
            99
            if blank
            else draw(st.sampled_from([6, 7, 8, 8, 8]))
            if arrow
            else draw(st.integers(0, 14))
        )
        if (
            kind == 0 and one_line and after and not dangling
        ):  # a quote left open; no quote after it on its line
            j = draw(st.sampled_from(after))
            head = encode(cells[:j]) + ","
            tail = "".join("," + _plain(c) for c in cells[j + 1 :])
            text = head + '"x' + _plain(cells[j]) + tail
            broken.add((unit, "unterminated-quote", row_no))
        elif (
            kind == 1 and one_line and after and any(c.strip() for c in cells[: after[0]])
        ):  # a cell dropped
            j = draw(
                st.sampled_from(after)
            )  # (what remains is not blank: a blank record is no row)
            text = encode(cells[:j] + cells[j + 1 :])
            broken.add((unit, "ragged-row", row_no))
        elif kind == 2 and one_line:  # a cell too many
            text = encode(cells) + "," + draw(st.sampled_from(["多余", "x", "0"]))
            broken.add((unit, "ragged-row", row_no))
        elif kind == 3 and one_line:  # empty cells too many: nothing is lost
            text = encode(cells) + "," * draw(st.integers(1, 3))
        elif (
            kind == 4 and one_line and width > 1
        ):  # bytes that are not text, in a cell other than the unit's
            j = draw(st.sampled_from([j for j in range(width) if j != u]))
            cells[j] = _plain(cells[j]) + MARK
            text = encode(cells)
            byte_level = True
            broken.add((unit, "encoding", row_no))
        elif kind == 5 and one_line:  # a stray line-break character in a cell written bare
            j = draw(st.sampled_from(range(width)))
            cells = [_plain(c) for c in cells]
            cells[j] = (
                cells[j] + stray_char + "x"
            )  # in the unit cell: part of the unit id (u1\rx is another unit)
            unit = cells[u].strip()
            text = ",".join(cells)
            if quoting == csv.QUOTE_ALL:
                text = ",".join(f'"{c}"' for c in cells)
        elif kind == 6:  # hostile numbers and formula-like text
            for c in NUMERIC:
                if c in cols and draw(st.integers(0, 2)) == 0:
                    cells[cols.index(c)] = draw(st.sampled_from(HOSTILE_NUMBERS))
            text = encode(cells)
        elif (
            kind == 7 and one_line and width > 1
        ):  # odd but closed quotes, read alike by csv and Arrow
            j = draw(st.sampled_from([j for j in range(width) if j != u]))
            cells = [_plain(c) for c in cells]
            # a quote closing a bare cell (b") could close a quote left open on an earlier line, with the right number
            # of cells: that is one record spanning lines, as any CSV reader reads it (docs/batch.md)
            odd = draw(st.sampled_from(['"a"b', 'a"b', '"a" ', *(['b"'] if dangling else [])]))
            text = ",".join(odd if k == j else c for k, c in enumerate(cells))
        else:
            text = encode(cells)
        if not blank:
            ids.append(unit)
        data = text.encode()
        if MARK in text:
            data = data.replace(MARK.encode(), draw(st.sampled_from(BAD_BYTES)))
        lines.append(data)
    sep = newline.encode()
    body = sep.join(lines)
    ending = draw(st.sampled_from(["newline", "newline", "none"]))
    if ending == "newline":
        body += sep
    bom = draw(st.integers(0, 4)) == 0
    gbk = None
    if not byte_level and not bom:
        try:
            gbk = body.decode().encode("gbk")
        except UnicodeEncodeError:
            pass
    return {
        "data": (b"\xef\xbb\xbf" if bom else b"") + body,
        "expected": set(ids),
        "broken": broken,
        "gbk": gbk,
        "chinese": re.search("[\u3400-\u9fff]", body.decode("utf-8", "replace")) is not None,
    }


EXAMPLES = int(os.environ.get("PERFRULES_HOSTILE_EXAMPLES", "60"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(t=hostile_tables(), small=st.sampled_from([None, None, None, 1, 2]))
def test_no_unit_is_lost_or_invented_on_either_engine(t: dict[str, Any], small: int | None) -> None:
    with folder() as d:
        path = d / "units.csv"
        path.write_bytes(t["data"])
        if small is None:
            tables = run_engines(path)
        else:
            longest = max(
                len(line) for line in t["data"].splitlines()
            )  # Arrow's blocks hold whole lines
            with small_chunks(small, max(256, 2 * longest, len(t["data"]) // 3)):
                tables = run_engines(path, chunk_units=small)
        check(tables, t["expected"])
        found = {(r["unit"], r["code"], int(r["row"])) for r in tables["problems"]}
        assert t["broken"] <= found, t["broken"] - found
        if t["gbk"] is not None and t["chinese"]:
            (d / "g").mkdir()
            for f in d.glob("*.toml"):
                (d / "g" / f.name).write_bytes(f.read_bytes())
            twin = d / "g" / "units.csv"
            twin.write_bytes(t["gbk"])
            got = run_engines(twin)
            if not any(
                r["code"] == "encoding" for r in got["problems"]
            ):  # unambiguous: read as GBK
                here = str(d / "g")
                same = {
                    k: [{c: v.replace(here, str(d)) for c, v in r.items()} for r in rows]
                    for k, rows in got.items()
                }
                assert same == tables


# ---------------------------------------------------------------------------
# the discrepancies between the engines found on the way (minimal reproducers)


def test_engines_agree_on_numbers_beyond_the_bounds(tmp_path: Path) -> None:
    """An actual of 10^15: the vectorised path scored it (the group's prototype was another unit) while the pure
    path refused it. The kernel now takes at most 12 whole digits; every other number goes to the pure path."""
    from perfrules.batch._cells import parse

    path = tmp_path / "t.csv"
    path.write_text(
        H
        + row("u2")
        + row("u1", "1000000000000000")
        + row("u3", "999999999999999")
        + row("u4", "12"),
        encoding="utf-8",
    )
    tables = run_engines(path)
    assert status(tables) == {
        "u2": ("ok", "90.00"),
        "u1": ("error", "invalid-number"),
        "u3": ("ok", "100.00"),
        "u4": ("ok", "100.00"),
    }
    pa = pytest.importorskip("pyarrow")
    assert parse(
        pa.array(["999999999999", "1000000000000", "1000000000000000", "0.5"])
    ).ok.tolist() == [True, False, False, True]


def test_engines_agree_on_a_cell_longer_than_the_csv_module_reads(tmp_path: Path) -> None:
    """The pure engine stopped the run (exit 2) where the columnar runner, reading with Arrow, scored every unit."""
    path = tmp_path / "t.csv"
    path.write_text(
        H + row("u1", "8", "x" * (csv.field_size_limit() + 1)) + row("u2"), encoding="utf-8"
    )
    assert _table._fast_csv_scan(path, str(path)) is None
    assert status(run_engines(path)) == {"u1": ("error", "csv-syntax"), "u2": ("ok", "90.00")}


def test_a_row_the_scan_did_not_see_is_never_scored(tmp_path: Path) -> None:
    """Should the pyarrow scan ever pass a table in which the csv reader finds a problem, the run stops (exit 3)."""
    import attrs

    path = tmp_path / "t.csv"
    path.write_text(H + row("u1", "8", '"x') + row("u2"), encoding="utf-8")
    table = attrs.evolve(read_table(path), plain=True, issues={})
    with pytest.raises(RuntimeError, match="did not see"):
        list(table.blocks())


def test_a_workbook_is_checked_before_it_is_opened(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    far = _cell("H4", b'<c r="H4" t="n"><v>2024</v></c><c r="IW4" t="n"><v>1</v></c>')
    with pytest.raises(SpecError) as err:
        read_table(_workbook(tmp_path, [XH, *XROWS], xml=far))
    assert err.value.problems[0].code == "sheet-too-large"


@st.composite
def hostile_workbooks(draw: st.DrawFn) -> dict[str, Any]:
    """Rows of a long table for a worksheet (cells as text), with formula cells, cells right of the header and
    empty rows, and a ``<dimension>`` that may be wrong: the unit ids and the problems the breakage must give."""
    units = [draw(unit_rows(k, draw(st.booleans()))) for k in range(1, draw(st.integers(1, 5)) + 1)]
    cols = [
        "unit",
        *draw(st.lists(st.sampled_from(COLUMNS[1:]), unique=True, min_size=3, max_size=8)),
    ]
    width = len(cols)
    sheet: list[list[Any]] = [cols]
    ids: set[str] = set()
    broken: set[tuple[str, str, int]] = set()
    for rec in (r for u in units for r in u):
        if draw(st.integers(0, 5)) == 0:
            sheet.append([])  # an empty row
        cells: list[Any] = [re.sub(r"[\r\n]", " ", rec.get(c, "")) or None for c in cols]
        unit = (cells[0] or "").strip()
        row_no = len(sheet) + 1
        kind = draw(st.integers(0, 5))
        if kind == 0:  # a formula (as a script writes it: no stored result)
            cells[draw(st.integers(1, width - 1))] = draw(
                st.sampled_from(["=1+1", "=B2*0.9", "=SUM(A1:A3)"])
            )
            broken.add((unit, "formula", row_no))
        elif kind == 1:  # something right of the header
            cells += [None] * draw(st.integers(0, 2)) + [draw(st.sampled_from(["备注", "x", 0]))]
            broken.add((unit, "ragged-row", row_no))
        ids.add(unit)
        sheet.append(cells)
    return {
        "sheet": sheet,
        "ids": ids,
        "broken": broken,
        "dimension": draw(
            st.sampled_from(
                [None, b"A1", b"A1:B2", f"A1:{chr(64 + width)}{len(sheet) - 1}".encode()]
            )
        ),
    }


@settings(
    max_examples=max(10, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(w=hostile_workbooks())
def test_no_unit_of_a_workbook_is_lost_or_invented(w: dict[str, Any]) -> None:
    pytest.importorskip("openpyxl")
    with folder() as d:
        path = _workbook(d, w["sheet"], xml=_dimension(w["dimension"]) if w["dimension"] else None)
        tables = run_engines(path)
        check(tables, w["ids"])
        found = {(r["unit"], r["code"], int(r["row"])) for r in tables["problems"]}
        assert w["broken"] <= found, w["broken"] - found


# Found by the property above in CI: a classic-Mac (CR) table whose first data row begins with a
# stray LF in its first cell (the header's CR then reads as CRLF), and with a quoted LF.
_CR_HEADER = (
    "\ufeffname,indicator,unit,category,weight,method,comparator,target,target_text,actual,tier,"
    "text,note,spec,year,budget,spent,kind,title,unit_name"
).encode()


@pytest.mark.parametrize(
    ("body", "expected", "broken"),
    [
        (
            "\r\nx,i0,单位1,产出指标,90,,,,成效明显,,A,,,base_year.toml,,,,,,"
            "\r,i0,单位2,产出指标,90,,,,成效明显,,A,,,base_year.toml,,,,,,\r",
            {"单位1", "单位2"},
            set(),
        ),
        (
            "\r,b1,单位1,40,,,,,,达成年度指标,,,spec.toml,,,,,,"
            '\r,q2,单位1,,40,,,,,5.,,,"x\ny",,,,,,,'
            "\r\nx,i0,单位2,产出指标,100,,,,成效明显,,A,,,base.toml,2024,,,,,",
            {"单位1", "单位2"},
            {("单位1", "ragged-row", 2)},
        ),
    ],
)
def test_a_cr_table_whose_first_row_begins_with_a_stray_lf(
    body: str, expected: set[str], broken: set[tuple[str, str, int]]
) -> None:
    with folder() as d:
        path = d / "units.csv"
        path.write_bytes(_CR_HEADER + body.encode())
        tables = run_engines(path)
        check(tables, expected)
        found = {(r["unit"], r["code"], int(r["row"])) for r in tables["problems"]}
        assert broken <= found, broken - found
