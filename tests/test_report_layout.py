"""The reports as a reader sees them: printed to PDF, turned into page images, layout facts checked.

* HTML: headless Chromium prints the page (``perfrules.report.html_to_pdf``, what
  ``export --to pdf`` does) — the whole report and the audit-trail page;
* Word: LibreOffice headless converts the .docx to PDF (``soffice --headless --convert-to pdf``);
* ``pdfinfo``, ``pdftotext`` and ``pdftoppm`` (poppler-utils) read the PDF and draw its pages.

Checked on every PDF: A4 pages, a page count within bounds, one page image per page at A4
proportions, a page number at each page's foot, no heading left at the foot of a page (the last
line of a page is never a heading), no table column collapsed (every short first-column text of
every table, e.g. ``基本支出``, stands whole on one line — a column narrower than a CJK character
and its padding prints it one character per line, as the audit page did before issue 13). For the
Word document also: the CJK font embedded, and every table column at least one CJK character plus
the cell padding wide (measured in the document's own grid). Each tool missing skips with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

import perfrules
from perfrules.loading import read_toml
from perfrules.report import (
    find_browser,
    html_to_pdf,
    report_blocks,
    report_text_from_data,
    to_docx,
    to_html,
    to_report_html,
)
from perfrules.report._audit import audit_blocks
from perfrules.report._blocks import Block, Heading, Table

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "examples" / "hunan-2024-general-office"
TIMEOUT = 180
A4_PT = (595.0, 842.0)

POPPLER = all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdftoppm"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdfinfo, pdftotext, pdftoppm) not installed"
)
needs_browser = pytest.mark.skipif(find_browser() is None, reason="Chromium is not installed")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def seed() -> tuple[perfrules.Evaluation, object]:
    spec, actuals = perfrules.load_example(SEED_DIR)
    ev = perfrules.evaluate(spec, actuals)
    data, source = read_toml(SEED_DIR / "report.toml")
    return ev, report_text_from_data(data, source, evaluation=ev)


def _run(argv: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False, **kw)  # type: ignore[call-overload, no-any-return]


def _pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    info = _run(["pdfinfo", str(pdf)]).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert m, info
    return pages, (float(m.group(1)), float(m.group(2)))


def _page_text(pdf: Path, page: int, layout: bool = False) -> str:
    argv = [
        "pdftotext",
        "-f",
        str(page),
        "-l",
        str(page),
        *(["-layout"] if layout else []),
        str(pdf),
        "-",
    ]
    return _run(argv).stdout


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>'
)


def _page_lines(pdf: Path) -> list[tuple[float, list[tuple[float, str]]]]:
    """Each page's height and its text lines top to bottom as (top y, text), from the word boxes."""
    import html

    out = []
    for m in _PAGE.finditer(_run(["pdftotext", "-bbox", str(pdf), "-"]).stdout):
        words = sorted(
            (float(y), float(x), html.unescape(t)) for x, y, t in _WORD.findall(m.group(3))
        )
        lines: list[tuple[float, list[tuple[float, str]]]] = []
        for y, x, t in words:
            if lines and y - lines[-1][0] <= 2.0:
                lines[-1][1].append((x, t))
            else:
                lines.append((y, [(x, t)]))
        out.append(
            (
                float(m.group(2)),
                [(y, "".join(t for _, t in sorted(ws))) for y, ws in lines],
            )
        )
    return out


def _page_images(pdf: Path, folder: Path) -> list[Path]:
    _run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")])
    return sorted(folder.glob("page-*.png"))


PAGE_NUMBER = re.compile(r"^(?:—\s*)?(\d+)(?:\s*—)?$")


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _headings(blocks: Iterable[Block]) -> set[str]:
    return {b.text for b in blocks if isinstance(b, Heading)}


def _first_column_texts(blocks: Iterable[Block]) -> set[str]:
    """Short first-column texts of every table (they fit one line in any column that is not collapsed)."""
    out = set()
    for b in blocks:
        if isinstance(b, Table):
            for row in b.rows:
                cell = row.cells[0].strip()
                if 2 <= len(cell) <= 5 and not cell.isdigit():
                    out.add(cell)
    return out


def check_layout(
    pdf: Path, blocks: tuple[Block, ...], folder: Path, pages: tuple[int, int]
) -> list[str]:
    """The layout facts of a printed report; a list of what is wrong (empty: all is well)."""
    wrong: list[str] = []
    n, size = _pages(pdf)
    if not (abs(size[0] - A4_PT[0]) <= 1.5 and abs(size[1] - A4_PT[1]) <= 1.5):
        wrong.append(f"page size {size} pt is not A4")
    if not pages[0] <= n <= pages[1]:
        wrong.append(f"{n} pages, expected {pages[0]}–{pages[1]}")
    images = _page_images(pdf, folder)
    if len(images) != n:
        wrong.append(f"{len(images)} page images for {n} pages")
    from PIL import Image

    for img in images:
        w, h = Image.open(img).size
        if abs(h / w - 297 / 210) > 0.01:
            wrong.append(f"{img.name}: {w}×{h} px is not A4-shaped")
    headings = {re.sub(r"\s+", "", h) for h in _headings(blocks)}
    for page, (height, lines) in enumerate(_page_lines(pdf), 1):
        foot = [t for y, t in lines if y > height * 0.9]
        body = [t for y, t in lines if y <= height * 0.9]
        numbers = [int(m.group(1)) for t in foot if (m := PAGE_NUMBER.match(t))]
        if numbers != [page]:
            wrong.append(f"page {page}: no page number {page} at its foot ({foot})")
        if page < n and body and body[-1] in headings:
            wrong.append(f"page {page}: heading {body[-1]!r} stranded at the foot of the page")
    layout = _run(["pdftotext", "-layout", str(pdf), "-"]).stdout
    flat = [re.sub(r"\s+", "", ln) for ln in layout.splitlines()]
    for cell in sorted(_first_column_texts(blocks)):
        if not any(cell in ln for ln in flat):
            wrong.append(f"table cell {cell!r} is not whole on any line: its column collapsed")
    return wrong


# ---------------------------------------------------------------------------
# HTML printed by Chromium


@needs_poppler
@needs_browser
def test_the_whole_report_prints_on_a4(
    seed: tuple[perfrules.Evaluation, object], tmp_path: Path
) -> None:
    ev, text = seed
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(html_to_pdf(to_report_html(ev, text)))  # type: ignore[arg-type]
    blocks = report_blocks(ev, text)  # type: ignore[arg-type]
    wrong = check_layout(pdf, blocks, tmp_path, pages=(8, 24))
    assert not wrong, wrong
    first = _lines(_page_text(pdf, 1))
    assert first[:2] == [
        "2024年度湖南省人民政府办公厅",
        "部门整体支出绩效自评报告",
    ]  # the cover alone
    assert "一、部门基本情况" not in first


@needs_poppler
@needs_browser
def test_the_audit_page_prints_on_a4(
    seed: tuple[perfrules.Evaluation, object], tmp_path: Path
) -> None:
    ev, _ = seed
    pdf = tmp_path / "audit.pdf"
    pdf.write_bytes(html_to_pdf(to_html(ev)))
    wrong = check_layout(pdf, audit_blocks(ev), tmp_path, pages=(5, 16))
    assert not wrong, wrong


@needs_poppler
@needs_browser
def test_the_checks_catch_a_collapsed_column_and_a_stranded_heading(
    seed: tuple[perfrules.Evaluation, object], tmp_path: Path
) -> None:
    """The control: the page as it printed before issue 13 (narrow columns, no keep-with-next) fails."""
    ev, _ = seed
    old = (
        to_html(ev)
        .replace("min-width: 6.5em", "min-width: 0")
        .replace("min-width: 3.5em", "min-width: 0")
    )
    old = old.replace("th { word-break: keep-all; }", "")
    old = old.replace("@media print {", "@media print {\n  table { font-size: 10pt !important; }")
    pdf = tmp_path / "old.pdf"
    pdf.write_bytes(html_to_pdf(old))
    wrong = check_layout(pdf, audit_blocks(ev), tmp_path, pages=(5, 16))
    assert any("collapsed" in w for w in wrong), wrong


# ---------------------------------------------------------------------------
# Word converted by LibreOffice


def _soffice_pdf(docx: Path, folder: Path) -> Path:
    profile = folder / "lo-profile"
    env = {**os.environ, "HOME": str(folder)}
    done = _run(
        [
            str(SOFFICE),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        env=env,
    )
    pdf = folder / (docx.stem + ".pdf")
    assert pdf.exists(), done.stderr[-2000:]
    return pdf


@needs_poppler
@needs_soffice
def test_the_word_report_prints_on_a4(
    seed: tuple[perfrules.Evaluation, object], tmp_path: Path
) -> None:
    pytest.importorskip("docx", reason="python-docx (the docx extra) is not installed")
    ev, text = seed
    docx = tmp_path / "report.docx"
    docx.write_bytes(to_docx(ev, text))  # type: ignore[arg-type]
    pdf = _soffice_pdf(docx, tmp_path)
    blocks = report_blocks(ev, text)  # type: ignore[arg-type]
    wrong = check_layout(pdf, blocks, tmp_path, pages=(15, 40))
    assert not wrong, wrong
    fonts = _run(["pdffonts", str(pdf)]).stdout.splitlines()[2:]
    cjk = [f for f in fonts if re.search(r"CJK|Hei|Song|Fang|Kai|Ming|WenQuanYi|Droid", f)]
    assert cjk, fonts  # Chinese set in a CJK font…
    assert all(f.split()[-5] == "yes" for f in cjk), cjk  # …embedded
