"""Writing the 自评表 workbook: the visible form, the hidden ``perfrules`` sheet, the blank
template."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfrules import _atomic
from perfrules._safe_text import formula_like
from perfrules._version import __version__
from perfrules.core import Evaluation, evaluate
from perfrules.interchange._cells import (
    fits_number_cell,
    number_format,
    plain,
    visible,
    xml_safe_toml,
)
from perfrules.interchange._layout import (
    BUDGET_HEADERS,
    BUDGET_LABEL,
    BUDGET_TOTAL,
    COLUMNS,
    GOALS_ACHIEVED,
    GOALS_EXPECTED,
    GOALS_LABEL,
    HIDDEN_SHEET,
    INDICATOR_HEADERS,
    LAYOUT_VERSION,
    SHEET,
    SUBTOTAL_SUFFIX,
    TITLE_LABEL,
    TOTAL_LABEL,
    UNIT_LABEL,
    Cell,
    Layout,
    build_layout,
)
from perfrules.interchange._print import column_widths, row_heights
from perfrules.interchange._problems import openpyxl_module
from perfrules.loading import dumps_actuals, dumps_spec
from perfrules.model import Actuals, Spec

FORMAT_ID = "perfrules-xlsx"
CHUNK = 30000  # characters per hidden cell (a cell holds at most 32767)


def write_workbook(
    spec: Spec,
    actuals: Actuals,
    path: str | os.PathLike[str],
    *,
    evaluation: Evaluation | None = None,
) -> Path:
    """Write the evaluated 自评表 of ``spec`` and ``actuals`` to ``path`` (.xlsx), atomically.

    The visible sheet ``自评表`` is the official layout, ready to submit; the
    hidden sheet ``perfrules`` carries the spec and actuals as TOML, so that
    :func:`read_workbook` gives back an equal spec and equal actuals. Pass
    ``evaluation`` when you already have it (it must be the evaluation of these
    two); otherwise it is computed.
    """
    ev = evaluation if evaluation is not None else evaluate(spec, actuals)
    layout = build_layout(spec, actuals, ev)
    openpyxl = openpyxl_module()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    cached = _write_layout(ws, layout)
    _write_hidden(wb, spec, actuals)
    return _save(wb, Path(path), cached)


# ---------------------------------------------------------------------------
# saving: atomically, and byte for byte the same for the same content
#
# openpyxl stamps the time of writing into docProps/core.xml (created,
# modified) and into every zip member's date, so each save differed. Both now
# come from one timestamp: SOURCE_DATE_EPOCH when set (the reproducible-builds
# convention), else ZIP_EPOCH. Members keep openpyxl's order; their attributes
# are fixed. Same content, same perfrules, same zlib: same bytes.

ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
"""The timestamp of a written workbook without SOURCE_DATE_EPOCH: the earliest a zip member can
carry."""
# the latest a zip member can carry
_ZIP_LAST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)
_COMPRESS_LEVEL = 6  # zlib's default, what openpyxl uses


def write_timestamp() -> dt.datetime:
    """The timestamp written into a workbook (UTC): ``SOURCE_DATE_EPOCH`` when set, else
    :data:`ZIP_EPOCH`.

    Raises ``ValueError`` when ``SOURCE_DATE_EPOCH`` is not a whole number of
    seconds. A value outside what a zip member can carry (1980–2107) is clamped.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return ZIP_EPOCH
    try:
        seconds = int(raw)
        stamp = dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {raw!r}"
        ) from None
    return min(max(stamp, ZIP_EPOCH), _ZIP_LAST)


def workbook_bytes(
    wb: Any, stamp: dt.datetime | None = None, cached: dict[str, str] | None = None
) -> bytes:
    """The .xlsx bytes of openpyxl workbook ``wb``, with ``stamp`` (default :func:`write_timestamp`)
    as every date.

    ``cached`` maps formula cells of the first sheet (``G25``) to the value
    they compute, written as the formula's cached result (as Excel saves it:
    ``<f>SUM(G8:G24)</f><v>50</v>``), which openpyxl cannot write. Readers that
    do not calculate (openpyxl's ``data_only``, previews) see the value.
    """
    when = (stamp or write_timestamp()).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    raw = io.BytesIO()
    # openpyxl sets properties.modified to now while saving: core.xml is written again below
    wb.save(raw)
    wb.properties.created = when
    wb.properties.modified = when
    tostring = importlib.import_module("openpyxl.xml.functions").tostring
    core = tostring(wb.properties.to_tree())
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 3  # unix, wherever it is written
            # -rw------- (what zipfile gives a member written from bytes)
            member.external_attr = 0o600 << 16
            data = core if info.filename == "docProps/core.xml" else src.read(info)
            if cached and info.filename == _FIRST_SHEET:
                data = _with_cached_values(data, cached)
            dst.writestr(member, data, compresslevel=_COMPRESS_LEVEL)
    return out.getvalue()


_FIRST_SHEET = "xl/worksheets/sheet1.xml"


def _with_cached_values(xml: bytes, cached: dict[str, str]) -> bytes:
    """The sheet's XML with each formula cell of ``cached`` given its value (``<v>…</v>``)."""
    found = set()

    def fill(m: re.Match[bytes]) -> bytes:
        ref = m[1].decode()
        if ref not in cached:
            return m[0]
        found.add(ref)
        return m[0][: -len(b"<v></v></c>")] + b"<v>" + cached[ref].encode() + b"</v></c>"

    out = re.sub(rb'<c r="([A-Z]+[0-9]+)"[^>]*><f>[^<]*</f><v></v></c>', fill, xml)
    if found != set(cached):  # pragma: no cover - openpyxl changed how it writes a formula
        raise AssertionError(f"formula cells not found in the sheet: {sorted(set(cached) - found)}")
    return out


def _save(wb: Any, path: Path, cached: dict[str, str] | None = None) -> Path:
    """Write the workbook's bytes (:func:`workbook_bytes`, so the same for the same content)
    atomically."""
    data = workbook_bytes(wb, cached=cached)
    path.parent.mkdir(parents=True, exist_ok=True)
    return _atomic.write_bytes(path, data)


def _text(cell: Any, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # never a formula, even when the text starts with "="
    # and edited in Excel it stays text: the quote prefix of a cell typed as '=…
    if formula_like(text):
        cell.quotePrefix = True


def _write_layout(ws: Any, layout: Layout) -> dict[str, str]:
    """Write ``layout`` into ``ws``, set up to print; the formula cells' values, by ref."""
    styles = openpyxl_module().styles
    thin = styles.Side(style="thin", color="000000")
    border = styles.Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = styles.PatternFill("solid", fgColor="D9E1F2")
    label_fill = styles.PatternFill("solid", fgColor="F2F2F2")
    first, last = layout.table_rows
    for row in range(3, last + 1):
        for col in COLUMNS:
            c = ws[f"{col}{row}"]
            c.border = border
            c.alignment = styles.Alignment(vertical="center", wrap_text=True)
    cached: dict[str, str] = {}
    for cell in layout.cells:
        value = _put(ws, cell, styles, header_fill, label_fill)
        if value is not None:
            cached[cell.ref] = value
    for rng in layout.merges:
        ws.merge_cells(rng)
        top, bottom = rng.split(":")
        if top[0] in "AB" and top[1:] != bottom[1:] and top[0] == bottom[0]:
            # a 一级/二级 name merged down its rows sits at their top: printed, the range may
            # cross a page break, and a centred name would land under the next page's header
            ws[top].alignment = styles.Alignment(
                horizontal="center", vertical="top", wrap_text=True
            )
    widths = column_widths(layout)
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for row, height in row_heights(layout, widths).items():
        ws.row_dimensions[row].height = height  # openpyxl marks it customHeight
    ws.print_area = f"A1:{COLUMNS[-1]}{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = openpyxl_module().worksheet.page.PageMargins(
        left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.3
    )
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if layout.header_row is not None:  # the indicator table's header on every page
        ws.print_title_rows = f"{layout.header_row}:{layout.header_row}"
    return cached


def _put(ws: Any, cell: Cell, styles: Any, header_fill: Any, label_fill: Any) -> str | None:
    """Write one cell; for a formula cell, the value it computes (its cached result), else
    ``None``."""
    c = ws[cell.ref]
    value = cell.value
    cached = None
    if cell.formula is not None and (
        value is None or (isinstance(value, Decimal) and fits_number_cell(value))
    ):
        c.value = "=" + cell.formula
        c.number_format = number_format(cell.places or 0, percent=cell.percent)
        c.alignment = styles.Alignment(horizontal="right", vertical="center")
        cached = plain(value) if isinstance(value, Decimal) else None
    elif isinstance(value, Decimal):
        if fits_number_cell(value):
            c.value = value
            c.number_format = number_format(cell.places or 0, percent=cell.percent)
        else:  # more digits than a numeric cell keeps: exact text
            _text(c, plain(value * 100) + "%" if cell.percent else plain(value))
        c.alignment = styles.Alignment(horizontal="right", vertical="center")
    elif isinstance(value, str):
        text = visible(value)
        if text is not None:
            _text(c, text)
    if cell.role == "heading":
        size = 16 if cell.ref == "A1" else 11
        c.font = styles.Font(bold=cell.ref == "A1", size=size)
        c.alignment = styles.Alignment(horizontal="center", vertical="center")
    elif cell.role == "header":
        c.font = styles.Font(bold=True)
        c.fill = header_fill
        c.alignment = styles.Alignment(horizontal="center", vertical="center", wrap_text=True)
    elif cell.role == "label" or (cell.ref.startswith(("A", "B")) and cell.role == "input"):
        c.font = styles.Font(bold=cell.role == "label")
        c.fill = label_fill
        c.alignment = styles.Alignment(horizontal="center", vertical="center", wrap_text=True)
    elif cell.wrap:  # indented: a 四级 row under its 三级 category
        c.alignment = styles.Alignment(vertical="center", wrap_text=True, indent=cell.indent)
    return cached


def _write_hidden(wb: Any, spec: Spec, actuals: Actuals) -> None:
    ws = wb.create_sheet(HIDDEN_SHEET)
    ws.sheet_state = "hidden"
    rows: list[tuple[str, str]] = [
        ("format", FORMAT_ID),
        ("layout", str(LAYOUT_VERSION)),
        ("perfrules", __version__),
        ("sheet", SHEET),
        (
            "note",
            "Written by perfrules. The visible sheet is "
            "authoritative: a visible cell that differs from "
            "this sheet wins and is reported (perfrules docs excel).",
        ),
    ]
    fw = spec.framework
    if fw is not None:
        for key in ("id", "title", "file", "version", "reason"):
            value = getattr(fw, key)
            if value is not None:
                rows.append((f"framework.{key}", value))
    rows += _chunks("spec.toml", xml_safe_toml(dumps_spec(spec)))
    rows += _chunks("actuals.toml", xml_safe_toml(dumps_actuals(actuals)))
    for i, (key, value) in enumerate(rows, start=1):
        _text(ws.cell(row=i, column=1), key)
        if value != "":
            _text(ws.cell(row=i, column=2), value)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 100


def _chunks(key: str, text: str) -> Iterable[tuple[str, str]]:
    """One row per line of ``text``; a line longer than a cell continues on rows keyed ``key+``."""
    for line in text.split("\n"):
        yield key, line[:CHUNK]
        for start in range(CHUNK, len(line), CHUNK):
            yield key + "+", line[start : start + CHUNK]


# ---------------------------------------------------------------------------
# the blank template

BLANK_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)
BLANK_ROWS_PER_GROUP = 2
BLANK_LINES = ("其中：基本支出", "项目支出")
BLANK_GOAL_HEIGHT = 70.0  # points of room for 预期目标 and 实际完成情况 (four lines)


def blank_layout() -> Layout:
    """The layout of the blank 自评表: headers and category labels, every value cell empty."""
    cells: list[Cell] = []
    merges: list[str] = []

    def put(ref: str, value: str | None, role: str, **kw: Any) -> None:
        cells.append(Cell(ref=ref, value=value, role=role, **kw))  # type: ignore[arg-type]

    put("A1", "部门整体支出绩效自评表", "heading")
    merges.append("A1:J1")
    put("A2", "（    年度）", "heading")
    merges.append("A2:J2")
    put("A3", TITLE_LABEL, "label")
    merges += ["A3:B3", "C3:J3"]
    put("A4", UNIT_LABEL, "label")
    merges += ["A4:B4", "C4:J4"]
    row = 5
    put(f"A{row}", f"{BUDGET_LABEL}（万元）", "label")
    merges.append(f"A{row}:B{row + 1 + len(BLANK_LINES)}")
    for col, text in BUDGET_HEADERS.items():
        put(f"{col}{row}", text, "header")
    row += 1
    put(f"C{row}", BUDGET_TOTAL, "label")
    budget_score = f"I{row}"
    for name in BLANK_LINES:
        row += 1
        put(f"C{row}", name, "input")
    row += 1
    put(f"A{row}", GOALS_LABEL, "label")
    merges.append(f"A{row}:B{row + 1}")
    put(f"C{row}", GOALS_EXPECTED, "header")
    put(f"G{row}", GOALS_ACHIEVED, "header")
    merges += [
        f"C{row}:F{row}",
        f"G{row}:J{row}",
        f"C{row + 1}:F{row + 1}",
        f"G{row + 1}:J{row + 1}",
    ]
    row += 1
    put(f"C{row}", None, "input", wrap=True)
    put(f"G{row}", None, "input", wrap=True)
    goal_row = row
    row += 1
    header_row = row
    subtotals: list[str] = []
    for col, text in INDICATOR_HEADERS.items():
        put(f"{col}{row}", text, "header")
    merges.append(f"I{row}:J{row}")
    for top, subs in BLANK_GROUPS:
        top_start = row + 1
        for sub in subs:
            start = row + 1
            put(f"B{start}", sub, "input")
            row += BLANK_ROWS_PER_GROUP
            merges.append(f"B{start}:B{row}")
            merges += [f"I{r}:J{r}" for r in range(start, row + 1)]
        put(f"A{top_start}", top, "input")
        merges.append(f"A{top_start}:A{row}")
        row += 1
        put(f"A{row}", f"{top}{SUBTOTAL_SUFFIX}", "info")
        merges += [f"A{row}:E{row}", f"H{row}:J{row}"]
        put(f"G{row}", None, "info", places=2, formula=f"SUM(G{top_start}:G{row - 1})")
        subtotals.append(f"G{row}")
    row += 1
    put(f"A{row}", TOTAL_LABEL, "label")
    merges += [f"A{row}:E{row}", f"H{row}:J{row}"]
    put(f"G{row}", None, "info", places=2, formula=f"SUM({','.join([budget_score, *subtotals])})")
    put(f"H{row}", "自评等级：", "info")
    return Layout(
        cells=tuple(cells),
        merges=tuple(merges),
        table_rows=(5, row),
        header_row=header_row,
        min_heights=((goal_row, BLANK_GOAL_HEIGHT),),  # room to write in
    )


def blank_template(path: str | os.PathLike[str]) -> Path:
    """Write the blank 自评表 (部门整体支出 layout, the national 二级 categories, two empty rows each) to
    ``path``.

    Fill it in Excel and import it with ``read_workbook(path, framework=...)``:
    empty rows are skipped, the category names may be changed, rows may be added
    (keep 一级/二级 merged over their rows). No hidden sheet.
    """
    openpyxl = openpyxl_module()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    _write_layout(ws, blank_layout())
    return _save(wb, Path(path))
