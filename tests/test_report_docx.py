"""The whole report as Word (python-docx, the ``docx`` extra): a 公文 that a unit can sign and print.

Read back with python-docx and as raw XML: A4 with the 公文 margins, 仿宋 body and 黑体 headings
(East Asian font names in ``w:eastAsia``), the page number as a PAGE field in the footer, every
table's header row repeated on each page and no row split across pages, every table column at
least one CJK character plus the cell padding wide, every section of the report, the same bytes
for the same input (fixed timestamps, ``SOURCE_DATE_EPOCH``), and a province's reference document
honoured. Without python-docx the command line says which extra to install (exit 2).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

import perfrules
from perfrules.cli import main
from perfrules.loading import read_toml
from perfrules.report import ReportText, report_text_from_data, to_docx

docx = pytest.importorskip("docx", reason="python-docx (the docx extra) is not installed")
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm, Pt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "examples" / "hunan-2024-general-office"
ONE_CJK_PLUS_PADDING_TWIPS = (
    210 + 2 * 108
)  # a 10.5 pt character (20 twips a point) and two 0.19 cm margins


@pytest.fixture(scope="module")
def seed() -> tuple[perfrules.Evaluation, ReportText]:
    spec, actuals = perfrules.load_example(SEED_DIR)
    ev = perfrules.evaluate(spec, actuals)
    data, source = read_toml(SEED_DIR / "report.toml")
    return ev, report_text_from_data(data, source, evaluation=ev)


@pytest.fixture(scope="module")
def document(seed: tuple[perfrules.Evaluation, ReportText]) -> object:
    ev, text = seed
    return docx.Document(io.BytesIO(to_docx(ev, text)))


def _east_asia(style: object) -> str | None:
    rfonts = style.element.rPr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def test_a4_with_the_official_document_margins(document: object) -> None:
    for section in document.sections:  # type: ignore[attr-defined]
        assert abs(section.page_width - Mm(210)) < Mm(0.5)
        assert abs(section.page_height - Mm(297)) < Mm(0.5)
        assert abs(section.top_margin - Mm(37)) < Mm(0.5)
        assert abs(section.left_margin - Mm(28)) < Mm(0.5)


def test_fangsong_body_and_heiti_headings(document: object) -> None:
    styles = document.styles  # type: ignore[attr-defined]
    assert _east_asia(styles["Normal"]) == "仿宋"
    assert styles["Normal"].font.size == Pt(16)
    for level in (1, 2, 3, 4):
        assert _east_asia(styles[f"Heading {level}"]) == "黑体", level
        assert styles[f"Heading {level}"].paragraph_format.keep_with_next is True
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]  # type: ignore[attr-defined]
    for title in (
        "部门整体支出绩效自评报告",
        "一、部门基本情况",
        "二、一般公共预算支出情况",
        "六、部门整体支出绩效情况",
        "七、存在的问题及原因分析",
        "十、其他需要说明的情况",
        "附件：评分明细与计分依据",
    ):
        assert title in headings, title


def test_page_numbers_are_a_page_field_in_the_footer(document: object) -> None:
    footer = document.sections[0].footer._element  # type: ignore[attr-defined]
    xml = footer.xml
    assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)


def test_tables_repeat_their_header_and_keep_rows_whole(document: object) -> None:
    tables = document.tables  # type: ignore[attr-defined]
    assert len(tables) >= 7  # budget by line, the loss table, the budget row, one per 一级, losses
    for t in tables:
        first = t.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        for row in t.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_no_column_narrower_than_a_cjk_character_and_its_padding(document: object) -> None:
    for t in document.tables:  # type: ignore[attr-defined]
        grid = t._tbl.tblGrid
        widths = [int(c.get(qn("w:w"))) for c in grid.findall(qn("w:gridCol"))]
        assert widths and min(widths) >= ONE_CJK_PLUS_PADDING_TWIPS, (
            t.rows[0].cells[0].text,
            widths,
        )
        assert sum(widths) <= int((Mm(210 - 28 - 26)).twips) + 5  # within the text width


def test_placeholders_are_highlighted_without_report_toml(
    seed: tuple[perfrules.Evaluation, ReportText],
) -> None:
    ev, _ = seed
    doc = docx.Document(io.BytesIO(to_docx(ev)))
    marked = [p for p in doc.paragraphs if p.text.startswith("【待填写：")]
    assert len(marked) == 10
    for p in marked:
        assert p.runs[0].font.highlight_color is not None


def test_the_same_input_gives_the_same_bytes(
    seed: tuple[perfrules.Evaluation, ReportText], monkeypatch: pytest.MonkeyPatch
) -> None:
    ev, text = seed
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = to_docx(ev, text), to_docx(ev, text)
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        core = z.read("docProps/core.xml").decode()
        assert "1980-01-01T00:00:00Z" in core
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1745000000")  # 2025-04-18
    c = to_docx(ev, text)
    assert c != a and c == to_docx(ev, text)
    with zipfile.ZipFile(io.BytesIO(c)) as z:
        assert "2025-04-18T" in z.read("docProps/core.xml").decode()


def test_a_reference_document_restyles_without_forking(
    seed: tuple[perfrules.Evaluation, ReportText], tmp_path: Path
) -> None:
    ref = docx.Document()
    normal = ref.styles["Normal"]
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.makeelement(qn("w:rFonts"), {qn("w:eastAsia"): "楷体"})
    rpr.insert(0, rfonts)
    ref.sections[0].left_margin = Mm(30)
    ref.add_paragraph("模板里的示例文字")
    path = tmp_path / "province.docx"
    ref.save(str(path))
    ev, text = seed
    out = docx.Document(io.BytesIO(to_docx(ev, text, reference=path.read_bytes())))
    assert _east_asia(out.styles["Normal"]) == "楷体" and out.styles["Normal"].font.size == Pt(14)
    assert abs(out.sections[0].left_margin - Mm(30)) < Mm(0.5)
    texts = [p.text for p in out.paragraphs]
    assert "模板里的示例文字" not in texts and "一、部门基本情况" in texts
    # the same through the command line
    target = tmp_path / "r.docx"
    assert (
        main(["export", str(SEED_DIR), "--to", "docx", "-o", str(target), "--style", str(path)])
        == 0
    )
    again = docx.Document(str(target))
    assert _east_asia(again.styles["Normal"]) == "楷体"


def test_export_to_docx(tmp_path: Path) -> None:
    out = tmp_path / "自评报告.docx"
    assert main(["export", str(SEED_DIR), "--to", "docx", "-o", str(out)]) == 0
    doc = docx.Document(str(out))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "根据部门整体支出绩效评价指标，部门整体支出绩效得分99分，具体情况如下：" in body
    assert "推动绩效管理深度嵌入预算全周期" in body


def test_without_python_docx_the_extra_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "docx", None)  # import docx raises ImportError
    code = main(["export", str(SEED_DIR), "--to", "docx", "-o", str(tmp_path / "r.docx")])
    assert code == 2
    assert "pip install 'perfrules[docx]'" in capsys.readouterr().err
    assert not (tmp_path / "r.docx").exists()
