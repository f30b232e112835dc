"""Source maps of three kinds: line:column, a workbook cell (``sheet!A1``) and a table place (row:column).

Each kind is looked up by nearest ancestor and gives the Problem a reader of
that kind gives: a TOML file's line and column; a workbook's ``cell`` with its
row and column; a table's row and column number with the column's name as the
path (as the batch table's problems are). The expected rows, columns and
texts are written out from the inputs, never copied from perfrules' output.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfrules import Actuals, Problem, Spec, SpecError
from perfrules.loading import load_data, parse_toml_text
from perfrules.model import Location, SheetCell, SourceFile, SourceMap, TableCell, make_problem

# ---------------------------------------------------------------------------
# line:column (unchanged)


def test_line_column_by_nearest_ancestor() -> None:
    source = SourceMap(
        "spec.toml", {("indicators", 0): (12, 1), ("indicators", 0, "weight"): (15, 1)}
    )
    assert source.locate(("indicators", 0, "weight", "x")) == (15, 1)
    assert source.locate(("indicators", 0, "name")) == (12, 1)
    assert source.locate(("meta",)) == (None, None)
    p = make_problem("invalid-value", ("indicators", 0, "name"), en="bad", zh="错", source=source)
    assert (p.file, p.line, p.column, p.cell, p.path) == (
        "spec.toml",
        12,
        1,
        None,
        ("indicators", 0, "name"),
    )
    assert str(p) == "spec.toml:12:1: indicators[0].name: bad [invalid-value]"


def test_the_old_constructors_keep_working() -> None:
    """Positional SourceMap, SourceFile and Location as before; the new ``places`` is keyword-only."""
    fw = SourceFile("fw.toml", {("meta",): (2, 1)}, "fw")
    source = SourceMap("u.toml", {("extends",): (1, 1)}, {("meta",): (fw, ("meta",))}, ("extends",))
    loc = source.written(("meta", "year"))
    assert loc == Location("fw.toml", ("meta", "year"), 2, 1, "fw")
    assert loc.text == "fw.toml:2:1"
    assert source.locate(("meta", "year")) == (1, 1)  # reported at the extends key
    assert SourceMap("u.toml").places == {} and SourceFile(None).places == {}


# ---------------------------------------------------------------------------
# a workbook cell


def _cells() -> SourceMap:
    return SourceMap(
        "form.xlsx",
        places={
            ("indicators", 0): SheetCell("自评表", "C12"),
            ("indicators", 0, "weight"): SheetCell("自评表", "F12"),
            ("indicators", 1): None,  # the form has no cell for it
            ("meta", "year"): SheetCell("自评表", "A2"),
            ("budget",): SheetCell("自评表", "AB107"),
        },
    )


def test_sheet_cell_kinds_and_numbers() -> None:
    assert (SheetCell("自评表", "E12").row, SheetCell("自评表", "E12").column) == (12, 5)
    assert (SheetCell("s", "AB107").row, SheetCell("s", "AB107").column) == (107, 28)
    assert SheetCell("自评表", "E12").text == "自评表!E12"
    assert (SheetCell("s", "not a ref").row, SheetCell("s", "not a ref").column) == (None, None)


@pytest.mark.parametrize(
    ("path", "cell", "line", "column"),
    [
        (("indicators", 0, "weight"), "自评表!F12", 12, 6),
        (("indicators", 0, "weight", "deep"), "自评表!F12", 12, 6),  # nearest ancestor: the weight
        (("indicators", 0, "category"), "自评表!C12", 12, 3),  # nearest ancestor: the row's name
        (("indicators", 0), "自评表!C12", 12, 3),
        (("meta", "year"), "自评表!A2", 2, 1),
        (("budget", "lines", 3, "spent"), "自评表!AB107", 107, 28),
    ],
)
def test_sheet_cells_by_nearest_ancestor(
    path: tuple[str | int, ...], cell: str, line: int, column: int
) -> None:
    p = make_problem("weight", path, en="bad", zh="错", source=_cells(), suggestion="10")
    assert p == Problem(
        code="weight",
        message="bad",
        message_zh="错",
        path=path,
        file="form.xlsx",
        line=line,
        column=column,
        cell=cell,
        suggestion="10",
    )
    assert p.location == f"form.xlsx:{cell}"
    assert _cells().locate(path) == (line, column)
    assert _cells().reported(path).text == f"form.xlsx:{cell}"


@pytest.mark.parametrize(
    "path",
    [
        ("indicators", 1, "weight"),  # recorded as having no place: not the ancestor's, none
        ("indicators", 2),  # nothing recorded above it
        ("meta", "id"),
        (),
    ],
)
def test_a_path_without_a_cell_names_the_file_alone(path: tuple[str | int, ...]) -> None:
    p = make_problem("invalid-value", path, en="bad", zh="错", source=_cells())
    assert (p.file, p.line, p.column, p.cell, p.path) == ("form.xlsx", None, None, None, path)
    assert p.location == "form.xlsx"


def test_places_come_before_positions_and_none_falls_back_to_them() -> None:
    source = SourceMap(
        "f",
        {("a",): (3, 1), ("b",): (4, 1)},
        places={("a",): SheetCell("s", "B2"), ("b", "c"): None},
    )
    assert make_problem("invalid-value", ("a", "x"), en="e", zh="z", source=source).cell == "s!B2"
    p = make_problem("invalid-value", ("b", "c"), en="e", zh="z", source=source)
    assert (p.cell, p.line, p.column) == (None, 4, 1)


# ---------------------------------------------------------------------------
# a table place (row:column), as the batch table locates


def test_table_places_by_nearest_ancestor() -> None:
    source = SourceMap(
        "units.csv",
        places={
            ("indicators",): TableCell(row=2, column=1, name="unit"),
            ("indicators", "i1"): TableCell(row=5, column=4, name="actual"),
            ("indicators", "i1", "note"): TableCell(row=5, column=9, name="note"),
        },
    )
    cases = {
        ("indicators", "i1", "value"): (5, 4, "actual"),
        ("indicators", "i1", "note"): (5, 9, "note"),
        ("indicators", "i2", "value"): (2, 1, "unit"),
    }
    for path, (row, column, name) in cases.items():
        p = make_problem("negative", path, en="below zero", zh="为负", source=source)
        # what batch's own table problems look like: row and column number, the column's name as the path
        assert p == Problem(
            code="negative",
            message="below zero",
            message_zh="为负",
            path=(name,),
            file="units.csv",
            line=row,
            column=column,
        )
        assert str(p) == f"units.csv:{row}:{column}: {name}: below zero [negative]"
        assert source.locate(path) == (row, column)
    assert make_problem("invalid-value", ("meta",), en="e", zh="z", source=source).line is None


def test_a_framework_file_of_cells_is_named_by_cell() -> None:
    """An origin whose file locates by cell: the inherited-value message names the cell."""
    fw = SourceFile("fw.xlsx", framework="fw", places={("meta",): SheetCell("框架", "B3")})
    source = SourceMap(
        "u.toml", {("extends",): (1, 1)}, {("meta",): (fw, ("meta",))}, anchor=("extends",)
    )
    assert source.written(("meta", "year")).text == "fw.xlsx:框架!B3"
    p = make_problem("invalid-value", ("meta", "year"), en="bad", zh="错", source=source)
    assert (p.file, p.line, p.cell) == ("u.toml", 1, None)
    assert p.message == "bad (meta.year, inherited from framework 'fw' at fw.xlsx:框架!B3)"
    w = make_problem(
        "invalid-value", ("meta", "year"), en="bad", zh="错", source=source, written=True
    )
    assert (w.file, w.line, w.column, w.cell) == ("fw.xlsx", 3, 2, "框架!B3")


# ---------------------------------------------------------------------------
# the loader with a map of cells: data built from a form, problems at cells

_SPEC = """\
[meta]
id = "u"
title = "单位自评"
unit = "某单位"
year = 2024
kind = "项目支出"

[[categories]]
id = "output"
name = "产出指标"
weight = 100

[[indicators]]
id = "a"
name = "甲"
category = "output"
weight = 60
target = "≥10件"

[[indicators]]
id = "b"
name = "乙"
category = "output"
weight = 40
target = "≥10件"
"""


def _form_data() -> dict[str, object]:
    data, _ = parse_toml_text(_SPEC)
    return data


def test_load_data_locates_structural_and_semantic_problems_at_cells() -> None:
    data = _form_data()
    data["indicators"][1]["weight"] = "四十"  # type: ignore[index]
    data["indicators"][0]["wieght"] = Decimal(1)  # type: ignore[index]
    cells = SourceMap(
        "form.xlsx",
        places={
            ("indicators", 0): SheetCell("自评表", "C12"),
            ("indicators", 1): SheetCell("自评表", "C13"),
            ("indicators", 1, "weight"): SheetCell("自评表", "F13"),
        },
    )
    with pytest.raises(SpecError) as info:
        load_data(data, cells, Spec)
    found = {(p.code, p.cell, p.path) for p in info.value.problems}
    assert ("unknown-key", "自评表!C12", ("indicators", 0, "wieght")) in found
    assert ("invalid-value", "自评表!F13", ("indicators", 1, "weight")) in found
    assert all(p.file == "form.xlsx" for p in info.value.problems)

    data = _form_data()
    data["indicators"][1]["weight"] = Decimal(30)  # type: ignore[index]
    cells = SourceMap(
        cells.file, places={**cells.places, ("categories", 0): SheetCell("自评表", "A12")}
    )
    with pytest.raises(SpecError) as info:
        load_data(data, cells, Spec)
    assert [(p.code, p.cell, p.line, p.column, p.path) for p in info.value.problems] == [
        ("weight-sum", "自评表!A12", 12, 1, ("categories", 0, "weight"))
    ]


def test_load_data_carries_the_map_and_actuals_locate_by_table_place() -> None:
    cells = SourceMap("form.xlsx", places={("meta", "year"): SheetCell("自评表", "A2")})
    spec = load_data(_form_data(), cells, Spec)
    assert spec.source is cells
    table = SourceMap(
        "units.csv", places={("indicators", "a"): TableCell(row=3, column=4, name="actual")}
    )
    with pytest.raises(SpecError) as info:
        load_data({"indicators": {"a": {"value": Decimal(-1)}}}, table, Actuals, spec=spec)
    found = {p.code: p for p in info.value.problems}
    assert set(found) == {"negative", "missing-actual"}
    p = found["negative"]
    assert (p.file, p.line, p.column, p.path, p.cell) == ("units.csv", 3, 4, ("actual",), None)
    assert p.location == "units.csv:3:4"
    # no place recorded for indicator b or above it: the file alone, with the data's path
    q = found["missing-actual"]
    assert (q.file, q.line, q.column, q.cell) == ("units.csv", None, None, None)
