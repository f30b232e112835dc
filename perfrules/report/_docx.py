"""The whole report as a Word document (python-docx), styled as a 公文.

A4 with the 公文 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm),
仿宋 三号 (16 pt) body text with a two-character first-line indent and a fixed
28 pt line pitch, 黑体 headings (East Asian font names set through
``w:eastAsia``, so Word and LibreOffice use them for Chinese text), the page
number centred in the footer (``— PAGE —``, a Word field), and tables whose
header row repeats on every page and whose rows do not split across pages.

A province restyles the document without forking perfrules by passing a
*reference document* (``reference``): a .docx whose styles (Normal, Heading 1–4,
Title, Table Grid) and page set-up are used as they are; perfrules only adds
the content.

The bytes are reproducible: the document's core properties carry one fixed
timestamp (``SOURCE_DATE_EPOCH`` when set, else 1980-01-01, as the 自评表
workbook does), and the zip members carry that date and fixed attributes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Sequence
from typing import Any

from perfrules._errors import Lang, MissingExtraError
from perfrules.core import Evaluation
from perfrules.report._blocks import Block, ChartSlot, Heading, Items, PageBreak, Para, Table
from perfrules.report._full import Issue, report_blocks
from perfrules.report._narrative import Actual
from perfrules.report._unit_text import ReportText

EXTRA = "docx"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_PT = 16  # 三号
TABLE_PT = 10.5  # 五号
LINE_PITCH_PT = 28
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
_ZIP_LAST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)


def docx_module() -> Any:
    """The python-docx module, or :class:`~perfrules.MissingExtraError` naming the ``docx``
    extra."""
    try:
        import docx
    except ImportError:
        raise MissingExtraError(
            EXTRA,
            "writing Word documents needs python-docx, which is not installed; install the extra",
            "生成 Word 文档需要 python-docx（尚未安装），请安装扩展",
            module="docx",
        ) from None
    return docx


def write_timestamp() -> dt.datetime:
    """The timestamp written into the document (UTC): ``SOURCE_DATE_EPOCH`` when set, else
    1980-01-01."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return ZIP_EPOCH
    try:
        stamp = dt.datetime.fromtimestamp(int(raw), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {raw!r}"
        ) from None
    return min(max(stamp, ZIP_EPOCH), _ZIP_LAST)


def _fonts(style_or_run: Any, east_asia: str, qn: Any) -> None:
    """Latin and East Asian font names of a style or run (``w:rFonts``)."""
    style_or_run.font.name = LATIN_FONT
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


def _set_up(doc: Any, docx: Any) -> None:
    """公文 page set-up and styles on the default template."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(18)
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, qn)
    normal.font.size = Pt(BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PITCH_PT)
    pf.space_before = pf.space_after = Pt(0)
    lang = normal.element.get_or_add_rPr().makeelement(qn("w:lang"), {})
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    sizes = {1: 22, 2: BODY_PT, 3: BODY_PT, 4: BODY_PT}
    for level, size in sizes.items():
        st = doc.styles[f"Heading {level}"]
        _fonts(st, HEADING_FONT, qn)
        st.font.size = Pt(size)
        st.font.bold = level != 4
        st.font.italic = False
        st.font.color.rgb = RGBColor(0, 0, 0)
        hp = st.paragraph_format
        hp.keep_with_next = True
        hp.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        hp.line_spacing = Pt(LINE_PITCH_PT if level > 1 else 36)
        hp.space_before = Pt(12 if level <= 2 else 0)
        hp.space_after = Pt(0 if level > 1 else 24)
        if level == 1:
            hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            hp.first_line_indent = Pt(BODY_PT * 2) if level > 2 else None
    table = doc.styles["Table Grid"]
    _fonts(table, BODY_FONT, qn)
    table.font.size = Pt(TABLE_PT)


def _footer_page_number(doc: Any) -> None:
    """``— PAGE —`` centred in every section's footer, PAGE a Word field."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for section in doc.sections:
        p = (
            section.footer.paragraphs[0]
            if section.footer.paragraphs
            else section.footer.add_paragraph()
        )
        p.text = ""
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)

        def run(
            text: str | None = None, fld: str | None = None, instr: str | None = None, p: Any = p
        ) -> None:
            r = p.add_run(text or "")
            r.font.size = Pt(14)
            if fld is not None:
                el = r._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): fld})
                r._r.append(el)
            if instr is not None:
                el = r._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
                el.text = instr
                r._r.append(el)

        run("— ")
        run(fld="begin")
        run(instr=" PAGE ")
        run(fld="separate")
        run("1")
        run(fld="end")
        run(" —")


def _clear_body(doc: Any) -> None:
    """A reference document's content removed, its section properties (page set-up) kept."""
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


UNIT_MM = TABLE_PT * 0.3528 / 2  # half a CJK character of the table text, in mm
PAD_UNITS = 3.5  # the cell's left and right margins (0.19 cm each in Word and LibreOffice)


def _units(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_widths(t: Table, width_mm: float) -> list[float]:
    """Column widths in mm that fill ``width_mm``: every column at least its minimum, the rest
    shared.

    A column's minimum holds a number whole (numeric columns) and its header on
    at most two lines (at least two CJK characters); its preferred width holds
    its longest text on one line. The space beyond the minimums is shared in
    proportion to what each column would still like.
    """
    mins: list[float] = []
    prefs: list[float] = []
    for i, head in enumerate(t.head):
        cells = [r.cells[i] for r in t.rows if i < len(r.cells)]
        longest = max((_units(c) for c in cells), default=0)
        head_min = min(max(-(-_units(head) // 2), 4), 10)  # the header on two lines at most
        if i in t.numeric:
            low = max(longest + 1, head_min)  # + 1: bold figures are wider
        else:
            low = max(head_min, min(longest, 8))  # text wraps, four CJK characters a line at least
        mins.append(low + PAD_UNITS)
        prefs.append(max(low, min(max(longest, _units(head)), 60)) + PAD_UNITS)
    avail = width_mm / UNIT_MM
    need, want = sum(mins), sum(prefs)
    if want <= avail:
        units = [p * avail / want for p in prefs]
    elif need >= avail:
        units = [m * avail / need for m in mins]
    else:
        share = (avail - need) / (want - need)
        units = [m + (p - m) * share for m, p in zip(mins, prefs, strict=True)]
    return [u * UNIT_MM for u in units]


def _table(doc: Any, t: Table, width_mm: float) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.head))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(w) for w in column_widths(t, width_mm)]
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w  # w:gridCol, what LibreOffice lays the table out by

    def fill(row: Any, cells: Sequence[str], header: bool, role: str) -> None:
        trpr = row._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
        if header:
            trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
        for i, text in enumerate(cells):
            cell = row.cells[i]
            cell.width = widths[i]
            p = cell.paragraphs[0]
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if i in t.numeric and not header:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif header:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(text)
            run.font.size = Pt(TABLE_PT)
            if header or role in ("group", "total"):
                run.font.bold = True
            if header:
                _fonts(run, HEADING_FONT, qn)

    fill(table.rows[0], t.head, True, "head")
    for row, r in zip(table.rows[1:], t.rows, strict=True):
        fill(row, r.cells, False, r.role)


def _compact(p: Any) -> None:
    """A paragraph of the annex: 四号 (14 pt) on a 22 pt pitch, so that the long lists stay short."""
    from docx.shared import Pt

    p.paragraph_format.line_spacing = Pt(22)
    for run in p.runs:
        run.font.size = Pt(14)


def _para(doc: Any, b: Para) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    p = doc.add_paragraph()
    run = p.add_run(b.text)
    pf = p.paragraph_format
    if b.role in ("cover", "cover_title"):
        pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if b.role == "cover_title":
            _fonts(run, HEADING_FONT, qn)
            run.font.size = Pt(22)
            run.font.bold = True
            pf.space_before = Pt(160)
        else:
            pf.space_before = Pt(12)
        return p
    pf.first_line_indent = Pt(BODY_PT * 2)
    if b.strong:
        run.font.bold = True
    if b.role == "placeholder":
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    elif b.role == "draft":
        run.font.color.rgb = RGBColor(0x1F, 0x3A, 0x93)
    return p


def _blocks(doc: Any, blocks: Sequence[Block], width_mm: float) -> None:
    from docx.shared import Pt

    annex = False  # from the annex on, paragraphs are compact
    for b in blocks:
        if isinstance(b, Heading):
            annex = annex or b.anchor == "annex"
            doc.add_heading(b.text, level=min(max(b.level, 1), 4))
        elif isinstance(b, Para):
            p = _para(doc, b)
            if annex:
                _compact(p)
        elif isinstance(b, Items):
            for i, item in enumerate(b.items, 1):
                p = doc.add_paragraph((f"{i}. " if b.ordered else "· ") + item)
                p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
                if annex:
                    _compact(p)
        elif isinstance(b, Table):
            _table(doc, b, width_mm)
            doc.add_paragraph()
        elif isinstance(b, PageBreak):
            doc.add_page_break()
        else:
            assert isinstance(b, ChartSlot)  # the table after it holds the chart's data


def _reproducible(raw: bytes, stamp: dt.datetime) -> bytes:
    """The .docx zip rewritten with ``stamp`` on every member and fixed member attributes."""
    when = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            new.create_system = 3
            dst.writestr(new, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def to_docx(
    evaluation: Evaluation,
    text: ReportText | None = None,
    issues: Sequence[Issue] = (),
    *,
    lang: Lang = "zh",
    actual: Actual = "computed",
    reference: bytes | None = None,
) -> bytes:
    """The whole self-evaluation report as the bytes of a Word document (.docx).

    ``reference``: the bytes of a .docx whose styles and page set-up are used
    instead of perfrules' 公文 styles (its content is dropped).
    """
    docx = docx_module()
    if reference is not None:
        doc = docx.Document(io.BytesIO(reference))
        _clear_body(doc)
    else:
        doc = docx.Document()
        _set_up(doc, docx)
    _footer_page_number(doc)
    sec = doc.sections[0]
    width_mm = (sec.page_width - sec.left_margin - sec.right_margin) / 36000  # EMU per mm
    _blocks(doc, report_blocks(evaluation, text, issues, lang=lang, actual=actual), width_mm)
    stamp = write_timestamp()
    props = doc.core_properties
    props.title = evaluation.title
    props.author = evaluation.unit
    props.last_modified_by = evaluation.unit
    props.comments = "perfrules"
    props.revision = 1
    naive = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    props.created = props.modified = naive
    props.last_printed = naive
    raw = io.BytesIO()
    doc.save(raw)
    return _reproducible(raw.getvalue(), stamp)
