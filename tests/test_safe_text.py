"""Safe text out and bounded workbooks in (issue 16).

* CSV outputs neutralise a text cell starting with ``= + - @``, tab or CR (OWASP, CSV injection) and leave the
  number columns — and text that is a plain number — alone; both batch engines write the same bytes;
* xlsx text cells are never formulas, and those starting like one carry Excel's quote prefix;
* control characters and escape sequences in user text reach no terminal: ``check``, ``evaluate``, ``explain``,
  ``lint`` and the Markdown and narrative exports show them escaped (``\\x1b``), while rich's own styles work;
* a workbook is checked before openpyxl loads it: a cell at ``XFD1048576`` or ``A1048576``, a zip bomb, malformed
  XML and an XXE attempt are each a located exit 2, in bounded time;
* import applies the loader's number rules (``perfrules._limits.number_problem``) to every number it reads.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import attrs
import openpyxl
import pytest
from conftest import SEED_DIR
from rich.text import Text

import perfrules
from perfrules._safe_text import escape_controls, formula_like, neutralise, unneutralise
from perfrules._xlsx_guard import FORM_LIMITS, TABLE_LIMITS, check_xlsx
from perfrules.batch import run_batch
from perfrules.cli import main
from perfrules.cli._console import console
from perfrules.interchange import WorkbookError, read_workbook, write_workbook

SEED_XLSX = SEED_DIR / "自评表.xlsx"
ESC_NAME = "全年报送\x1b[2J\x1b]0;pwned\x07\x9b31m期数\u202e"  # clear screen, set the title, a C1 CSI, a bidi override
RAW = ("\x1b", "\x9b", "\u202e")


# ---------------------------------------------------------------------------
# CSV and xlsx: formulas neutralised


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),
        ("+0.5", "+0.5"),
        ("-.5", "-.5"),
        ("12", "12"),  # plain numbers are numbers, not formulas
        ("a=1", "a=1"),
        ("", ""),
        ("产出指标", "产出指标"),
    ],
)
def test_neutralise_follows_owasp(text: str, safe: str) -> None:
    assert neutralise(text) == safe and unneutralise(safe) == text
    assert formula_like(text) == (safe != text)


HEADER = ["unit", "indicator", "category", "weight", "comparator", "target", "actual", "year"]
ROWS = [
    ['=HYPERLINK("http://x","y")', "x", "@SUM(A1)", "100", ">=", "10", "9", "2024"],
    ["-5", "x", "+cmd|' /C calc'!A0", "100", ">=", "10", "9", "2024"],
    ["ok", "x", "-2+3", "100", ">=", "10", "12", "2024"],
    ["=bad", "x", "产出指标", "100", ">=", "10", "九", "2024"],
]


def _table(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *ROWS])
    return path


def test_batch_csv_neutralises_text_cells_and_keeps_numbers(tmp_path: Path) -> None:
    run_batch(_table(tmp_path), tmp_path / "r.csv", engine="pure", use_pyarrow=False)
    units = list(csv.DictReader(open(tmp_path / "r.csv", encoding="utf-8")))
    assert [u["unit"] for u in units] == ['\'=HYPERLINK("http://x","y")', "-5", "ok", "'=bad"]
    assert [u["total"] for u in units[:3]] == [
        "90.00",
        "90.00",
        "100.00",
    ]  # number columns as they were
    cats = list(csv.DictReader(open(tmp_path / "r.categories.csv", encoding="utf-8")))
    assert [c["name"] for c in cats] == ["'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3"]
    problems = list(csv.DictReader(open(tmp_path / "r.problems.csv", encoding="utf-8")))
    assert {p["unit"] for p in problems} == {"'=bad"} and problems[0]["row"] == "5"
    for line in (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell


def test_both_batch_engines_and_both_csv_writers_neutralise_alike(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    src = _table(tmp_path)
    runs = {"pure-csv": ("pure", False), "pure-arrow": ("pure", True), "auto-arrow": ("auto", True)}
    for name, (engine, arrow) in runs.items():
        run_batch(src, tmp_path / f"{name}.csv", engine=engine, use_pyarrow=arrow)
    for part in ("", ".indicators", ".categories", ".problems"):
        texts = {(tmp_path / f"{name}{part}.csv").read_bytes() for name in runs}
        assert len(texts) == 1, part


def test_the_batch_command_shows_failed_units_as_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["batch", str(_table(tmp_path)), "--out", str(tmp_path / "r.csv"), "-q"]) == 1
    err = capsys.readouterr().err
    assert "[=bad]" in err and "['=bad]" not in err  # the problems table's quote is not shown


def test_xlsx_text_starting_like_a_formula_is_text_with_a_quote_prefix(tmp_path: Path) -> None:
    spec, actuals = perfrules.load_example(SEED_DIR)
    ind = spec.indicators[0]
    named = attrs.evolve(ind, name='=HYPERLINK("http://evil","点击")')
    spec = attrs.evolve(spec, indicators=(named, *spec.indicators[1:]))
    out = write_workbook(spec, actuals, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(out)["自评表"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == named.name]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    plain = [c for row in ws.iter_rows() for c in row if c.value == spec.indicators[1].name]
    assert plain and not any(c.quotePrefix for c in plain)
    form = read_workbook(out)  # read back exactly, no warning
    assert form.spec.indicators[0].name == named.name and not form.warnings


# ---------------------------------------------------------------------------
# terminal escapes


def test_escape_controls_keeps_newlines_and_tabs() -> None:
    assert escape_controls("a\tb\nc") == "a\tb\nc"
    assert (
        escape_controls("\x1b[31mred\x07\x9b\x7f\u202e\x00")
        == "\\x1b[31mred\\x07\\x9b\\x7f\\u202e\\x00"
    )


def test_consoles_escape_user_text_but_keep_their_own_styles() -> None:
    buf = io.StringIO()
    c = console(buf, 120, force_terminal=True, color_system="standard")
    c.print(Text(ESC_NAME, style="bold red"))
    out = buf.getvalue()
    assert "\\x1b[2J" in out and "\\x9b31m" in out and "\\u202e" in out and "pwned" in out
    assert (
        "\x1b[2J" not in out and "\x1b]0;" not in out and "\x9b" not in out and "\u202e" not in out
    )
    assert "\x1b[1;31m" in out  # rich's own style codes still reach the terminal


@pytest.fixture
def escaped_unit(tmp_path: Path) -> Path:
    unit = tmp_path / "unit"
    shutil.copytree(SEED_DIR, unit)
    spec = unit / "spec.toml"
    text = spec.read_text(encoding="utf-8")
    toml_name = (
        ESC_NAME.encode("unicode_escape").decode().replace("\\x", "\\u00")
    )  # TOML writes \u001b
    spec.write_text(
        text.replace('name = "全年报送《湖南信息》期数"', f'name = "{toml_name}"'), encoding="utf-8"
    )
    assert perfrules.load_spec(unit).indicator("hunan_info_issues").name == ESC_NAME
    return unit


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "{unit}"],
        ["evaluate", "{unit}", "-o", "{out}"],
        ["explain", "{unit}", "hunan_info_issues"],
        ["lint", "{unit}", "--min-weight-share", "0.9"],
        ["export", "{unit}", "--to", "md"],
        ["export", "{unit}", "--to", "narrative"],
        ["export", "{unit}", "--to", "md", "-o", "{out}"],
    ],
    ids=lambda a: "-".join(x for x in a if not x.startswith(("{", "-")))[:30],
)
def test_commands_show_escape_sequences_escaped(
    escaped_unit: Path, argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.txt"
    code = main([a.format(unit=escaped_unit, out=out) for a in argv] + ["--width", "400"])
    assert code in (0, 1)
    captured = capsys.readouterr()
    shown = captured.out + captured.err + (out.read_text(encoding="utf-8") if out.exists() else "")
    assert not any(ch in shown for ch in RAW), shown
    assert (
        "x1b" in shown and "pwned" in shown
    )  # shown, escaped (Markdown escapes the backslash: it renders as \x1b)


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "{unit}", "--format", "json"],
        ["explain", "{unit}", "hunan_info_issues", "--format", "json"],
    ],
)
def test_json_output_escapes_every_control_character(
    escaped_unit: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    assert main([a.format(unit=escaped_unit) for a in argv]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in RAW) and "\\u009b" in out
    doc = json.loads(out)
    names = [i["name"] for i in doc["indicators"]] if "indicators" in doc else [doc["name"]]
    assert ESC_NAME in names  # the same document: only its text escapes differ


def test_check_shows_an_escaped_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[meta]\n"key\\u001b]0;pwned\\u009b" = 1\n', encoding="utf-8")
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "key\\x1b]0;pwned\\x9b" in err and not any(ch in err for ch in RAW)


def test_the_narrative_escapes_only_user_text() -> None:
    from perfrules.report import to_markdown, to_narrative

    spec, actuals = perfrules.load_example(SEED_DIR)
    plain = to_narrative(perfrules.evaluate(spec, actuals))
    assert "\\x" not in plain  # the seed's prose is untouched
    ind = attrs.evolve(spec.indicators[0], name=ESC_NAME)
    ev = perfrules.evaluate(attrs.evolve(spec, indicators=(ind, *spec.indicators[1:])), actuals)
    for text in (to_narrative(ev), to_narrative(ev, lang="en")):
        assert (
            not any(ch in text for ch in RAW)
            and "全年报送\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m期数\\u202e" in text
        )
    md = to_markdown(ev)
    assert (
        not any(ch in md for ch in RAW) and "全年报送\\\\x1b\\[2J\\\\x1b\\]0;pwned" in md
    )  # Markdown-escaped too


# ---------------------------------------------------------------------------
# workbooks: bounded before loading


def _with_cell(tmp_path: Path, ref: str) -> Path:
    wb = openpyxl.load_workbook(SEED_XLSX)
    del wb["perfrules"]
    wb["自评表"][ref] = "x"
    path = tmp_path / f"{ref}.xlsx"
    wb.save(path)
    return path


def _rewrite(tmp_path: Path, name: str, change: dict[str, bytes | None]) -> Path:
    """The seed workbook with some members replaced (``None``: removed)."""
    path = tmp_path / name
    with zipfile.ZipFile(SEED_XLSX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change.get(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info.filename, data)
    return path


def _sheet1() -> bytes:
    with zipfile.ZipFile(SEED_XLSX) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


def _import(path: Path, tmp_path: Path) -> tuple[int, str, float]:
    """``perfrules import`` in a subprocess, with a timeout: the exit code, standard error and the seconds it took."""
    start = time.monotonic()
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfrules",
            "import",
            str(path),
            "-o",
            str(tmp_path / "out"),
            "--framework",
            "hunan-department",
            "--force",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return res.returncode, res.stderr, time.monotonic() - start


@pytest.mark.parametrize("ref", ["XFD1048576", "A1048576", "IW1"])
def test_a_cell_far_away_is_refused_at_once(tmp_path: Path, ref: str) -> None:
    code, err, seconds = _import(_with_cell(tmp_path, ref), tmp_path)
    assert code == 2 and "sheet-too-large" in err and "Traceback" not in err, err
    assert "自评表!" in err and seconds < 20, seconds
    assert not (tmp_path / "out").exists()


def test_a_cell_within_the_bounds_is_read(tmp_path: Path) -> None:
    code, err, seconds = _import(_with_cell(tmp_path, "IV65536"), tmp_path)
    assert code == 0 and seconds < 20, err


def test_a_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(SEED_XLSX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet2.xml":
                dst.writestr(info.filename, src.read(info))
        with dst.open(
            "xl/worksheets/sheet2.xml", "w"
        ) as member:  # 100 MB of spaces: ~100 KB compressed
            block = b" " * (1 << 20)
            for _ in range(100):
                member.write(block)
    assert path.stat().st_size < 1 << 20
    code, err, seconds = _import(path, tmp_path)
    assert code == 2 and "workbook-too-large" in err and "sheet2.xml" in err and seconds < 20, err


def test_malformed_xml_is_a_located_problem(tmp_path: Path) -> None:
    broken = _sheet1().replace(b"<sheetData>", b'<sheetData><row r="1"><c r="A1"><v>1</c></row>', 1)
    code, err, _ = _import(
        _rewrite(tmp_path, "broken.xlsx", {"xl/worksheets/sheet1.xml": broken}), tmp_path
    )
    assert code == 2 and "Traceback" not in err, err
    assert "[xl/worksheets/sheet1.xml]:" in err and "unreadable" in err and "XML" in err


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',  # XXE: an external entity
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',  # billion laughs
    ],
    ids=["xxe", "billion-laughs"],
)
def test_an_entity_attack_is_refused(tmp_path: Path, doctype: bytes) -> None:
    for member in ("xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml"):
        with zipfile.ZipFile(SEED_XLSX) as zf:
            data = zf.read(member)
        end = (
            data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
        )  # after the XML declaration, if any
        target = data[:end] + doctype + data[end:]
        code, err, seconds = _import(_rewrite(tmp_path, "xxe.xlsx", {member: target}), tmp_path)
        assert code == 2 and "xml-forbidden" in err and "Traceback" not in err and seconds < 20, err
        assert f"[{member}]:" in err and "root:" not in err


def test_not_a_zip_and_a_merged_range_too_large(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "x.xlsx")
    assert info.value.problems[0].code == "unreadable"
    wb = openpyxl.Workbook()
    wb.active.merge_cells("A1:IV1000")  # 256,000 cells to resolve
    wb.save(tmp_path / "m.xlsx")
    problems = check_xlsx(tmp_path / "m.xlsx", FORM_LIMITS)
    assert [p.code for p in problems] == ["sheet-too-large"] and "merged" in problems[0].message


def test_batch_tables_have_their_own_bounds(tmp_path: Path) -> None:
    assert (
        check_xlsx(_with_cell(tmp_path, "A1048576"), TABLE_LIMITS) == []
    )  # a table may have a million rows
    found = check_xlsx(_with_cell(tmp_path, "XFD1"), TABLE_LIMITS)
    assert [p.code for p in found] == ["sheet-too-large"] and found[
        0
    ].cell == "自评表!XFD1"  # the cell, not the range
    assert check_xlsx(SEED_XLSX, FORM_LIMITS) == [] and check_xlsx(tmp_path / "missing.xlsx") == []


# ---------------------------------------------------------------------------
# import: the loader's number rules


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (1e15, "10^15"),
        (1e-20, "10"),
        (0.12345678901, "10"),
        ("0.12345678901", "10"),
        ("1000000000000000", "10^15"),
    ],
)
def test_import_refuses_numbers_the_loader_refuses(tmp_path: Path, value: object, why: str) -> None:
    wb = openpyxl.load_workbook(SEED_XLSX)
    del wb["perfrules"]
    wb["自评表"]["F13"] = value  # a 分值
    wb.save(tmp_path / "n.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "n.xlsx", framework="hunan-department")
    found = [p for p in info.value.problems if p.cell == "自评表!F13"]
    assert found and why in found[0].message, info.value.problems


@pytest.mark.parametrize(
    ("cell", "text"),
    [("D13", "≥1000000000000000期"), ("E13", "0.000000000001期"), ("D13", "≥0.12345678901期")],
)
def test_import_refuses_targets_and_actuals_out_of_bounds(
    tmp_path: Path, cell: str, text: str
) -> None:
    wb = openpyxl.load_workbook(SEED_XLSX)
    del wb["perfrules"]
    wb["自评表"][cell] = text
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_workbook(tmp_path / "t.xlsx", framework="hunan-department")
    assert any(p.cell == f"自评表!{cell}" for p in info.value.problems), info.value.problems


def test_what_import_writes_loads(tmp_path: Path) -> None:
    assert main(["import", str(SEED_XLSX), "-o", str(tmp_path / "u")]) == 0
    assert main(["check", str(tmp_path / "u")]) == 0
