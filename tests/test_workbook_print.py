"""The 自评表 as printed: LibreOffice converts the workbook to PDF, and the pages are checked as a person sees them.

Layout facts, from the PDF's words (``pdftotext -bbox``) and its page images
(``pdftoppm``, grey): A4 landscape pages, a page count within bounds, no two
words printed over each other, no word crossing a row's border (each row's
text lies within its row), every header on one line (全年执行数 is not
broken), every 扣分原因 printed whole, and no column narrower than one CJK
character plus padding. The same checks fail on the form as it was written
before row heights and widths were set (rebuilt here from today's form by
removing them), so they test what they name.

The 小计 and 总分 formulas are recalculated by LibreOffice
(``--convert-to xlsx``) from a form without cached values: the values it
computes are perfrules' numbers, and ``import`` reads them back and finds no
disagreement — and finds three when a 得分 was typed over.

Tools: ``soffice`` (libreoffice-calc-nogui), ``pdftotext``/``pdftoppm``/
``pdfinfo`` (poppler-utils) and a CJK font (fonts-noto-cjk), installed by
.ci/system-packages; a test whose tool is missing skips and says which.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from conftest import SEED_DIR

import perfrules
from perfrules.interchange import blank_template, compare_declared, read_workbook, write_workbook
from perfrules.interchange._layout import INDICATOR_HEADERS

TOOLS = ("soffice", "pdftotext", "pdftoppm", "pdfinfo", "fc-list")
A4 = (841.89, 595.28)  # landscape, points
DPI = 150
OLD_WIDTHS = {
    "A": 12,
    "B": 14,
    "C": 30,
    "D": 22,
    "E": 22,
    "F": 8,
    "G": 8,
    "H": 30,
    "I": 18,
    "J": 18,
}
"""The column widths written before the widths were fitted (perfrules 0.x, issue 13)."""


def _need_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed (.ci/system-packages: libreoffice-calc-nogui, poppler-utils)"
        )
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if not fonts.strip():
        pytest.skip("no CJK font installed (.ci/system-packages: fonts-noto-cjk)")


def _soffice(src: Path, out: Path, to: str) -> Path:
    """``soffice --headless --convert-to`` with a private profile (tests may run LibreOffice side by side)."""
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    made = out / (src.stem + "." + to.split(":")[0])
    assert made.exists(), f"LibreOffice wrote no {made.name}"
    return made


# ---------------------------------------------------------------------------
# what the PDF shows


class Word:
    def __init__(self, page: int, x0: float, y0: float, x1: float, y1: float, text: str) -> None:
        self.page, self.x0, self.y0, self.x1, self.y1, self.text = page, x0, y0, x1, y1, text

    def __repr__(self) -> str:
        return f"p{self.page} {self.text!r} ({self.x0:.1f},{self.y0:.1f})-({self.x1:.1f},{self.y1:.1f})"


def _words(pdf: Path) -> tuple[list[tuple[float, float]], list[Word]]:
    """The pages' sizes and every word with its box (points, origin top left)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages: list[tuple[float, float]] = []
    words: list[Word] = []
    for m in re.finditer(
        r'<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" '
        r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    ):
        if m[1] is not None:
            pages.append((float(m[1]), float(m[2])))
        else:
            text = m[7].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            x0, y0, x1, y1 = (float(m[i]) for i in range(3, 7))
            words.append(Word(len(pages), x0, y0, x1, y1, text))
    return pages, words


class Image:
    """A page rendered grey at :data:`DPI` (PGM)."""

    def __init__(self, pdf: Path, page: int, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"page{page}"
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page), "-l", str(page), str(pdf), stem],
            check=True,
        )
        (made,) = folder.glob(f"page{page}*.pgm")
        data = made.read_bytes()
        m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
        assert m is not None
        self.width, self.height = int(m[1]), int(m[2])
        self.pixels = data[m.end() :]

    def dark(self, x: int, y: int) -> bool:
        return self.pixels[y * self.width + x] < 160

    def px(self, points: float) -> int:
        return round(points * DPI / 72)

    def horizontal_rule(self, w: Word) -> int | None:
        """A pixel row inside the word's box (its middle half) that a border crosses, if any."""
        x0, x1 = self.px(w.x0) + 1, self.px(w.x1) - 1
        top, bottom = self.px(w.y0), self.px(w.y1)
        margin = (bottom - top) // 4
        span = x1 - x0
        if span < 4:
            return None
        for y in range(top + margin, bottom - margin + 1):
            if sum(self.dark(x, y) for x in range(x0, x1)) >= 0.97 * span:
                return y
        return None

    def vertical_rules(self, min_run: int) -> list[int]:
        """The x positions (pixels) of vertical lines at least ``min_run`` pixels long (the grid's columns)."""
        found = []
        for x in range(self.width):
            run = best = 0
            for y in range(self.height):
                run = run + 1 if self.dark(x, y) else 0
                best = max(best, run)
            if best >= min_run:
                found.append(x)
        merged: list[int] = []
        for x in found:
            if merged and x - merged[-1] <= 3:
                merged[-1] = x
            else:
                merged.append(x)
        return merged


def _cjk_width(words: list[Word]) -> float:
    """The width of one CJK character as printed (points): the median over words of CJK characters only."""
    per = sorted(
        (w.x1 - w.x0) / len(w.text)
        for w in words
        if len(w.text) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w.text)
    )
    assert per, "no CJK words printed"
    return per[len(per) // 2]


def _text_columns(words: list[Word]) -> list[str]:
    """The text of each left edge of each page: printed lines starting there, top to bottom, joined.

    A wrapped cell's lines all start at its left edge, so its whole text is a
    part of one of these (neighbouring cells print at other edges).
    """
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.page, round(w.y0, 1), w.x0)):
        last = lines[-1][-1] if lines else None
        if (
            last is not None
            and last.page == w.page
            and abs(last.y0 - w.y0) < 0.5
            and 0 <= w.x0 - last.x1 <= 3
        ):
            lines[-1].append(w)
        else:
            lines.append([w])
    by_edge: dict[tuple[int, float], list[tuple[float, str]]] = {}
    for line in lines:
        key = (line[0].page, round(line[0].x0))
        by_edge.setdefault(key, []).append((line[0].y0, "".join(w.text for w in line)))
    return ["".join(t for _, t in sorted(found)) for found in by_edge.values()]


def layout_problems(pdf: Path, folder: Path, reasons: list[str]) -> list[str]:
    """Every layout fact the printed form breaks (empty: it prints)."""
    problems: list[str] = []
    pages, words = _words(pdf)
    for i, (w, h) in enumerate(pages, start=1):
        if abs(w - A4[0]) > 2 or abs(h - A4[1]) > 2:
            problems.append(f"page {i} is {w:.0f}×{h:.0f} pt, not A4 landscape")
    if not 1 <= len(pages) <= 3:
        problems.append(f"{len(pages)} pages (expected 1 to 3)")
    if any("###" in w.text for w in words):
        problems.append("a number does not fit its column (###)")
    # no two words printed over each other
    for a_i, a in enumerate(words):
        for b in words[a_i + 1 :]:
            if a.page != b.page:
                continue
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            dy = min(a.y1, b.y1) - max(a.y0, b.y0)
            if dx > 1 and dy > 1:
                problems.append(f"overprinted: {a} and {b}")
    # every header on one line (全年执行数 not broken over two)
    texts = {w.text for w in words}
    for header in [*INDICATOR_HEADERS.values(), "年初预算数", "全年预算数", "全年执行数"]:
        if header not in texts:
            problems.append(f"the header {header!r} is not printed on one line")
    # every 扣分原因 and note printed whole, its lines one under the other in its cell
    columns = _text_columns(words)
    for reason in reasons:
        if not any(re.sub(r"\s+", "", reason) in text for text in columns):
            problems.append(f"not printed whole: {reason!r}")
    # each row's text lies within its row; no column narrower than one CJK character plus padding
    char = _cjk_width(words)
    for page in range(1, len(pages) + 1):
        img = Image(pdf, page, folder)
        for word in words:
            if word.page == page and len(word.text) >= 2:
                y = img.horizontal_rule(word)
                if y is not None:
                    problems.append(f"a row border crosses {word} (at y={y * 72 / DPI:.1f} pt)")
        rules = img.vertical_rules(min_run=img.px(14))
        if len(rules) < 2:
            problems.append(f"page {page}: no table grid found")
        narrowest = min((b - a for a, b in zip(rules, rules[1:], strict=False)), default=img.width)
        if narrowest * 72 / DPI < char + 3:
            problems.append(
                f"page {page}: a column {narrowest * 72 / DPI:.1f} pt wide, narrower than one CJK "
                f"character ({char:.1f} pt) plus padding"
            )
    return problems


# ---------------------------------------------------------------------------
# the forms


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, list[str]]]:
    _need_tools()
    folder = tmp_path_factory.mktemp("print")
    spec, actuals = perfrules.load_example(SEED_DIR)
    ev = perfrules.evaluate(spec, actuals)
    form = write_workbook(spec, actuals, folder / "seed.xlsx", evaluation=ev)
    reasons = [r.reason for r in ev.indicators if r.reason]  # 扣分原因
    if ev.budget_execution is not None and ev.budget_execution.reason:
        reasons.append(ev.budget_execution.reason)
    reasons += [a.note for a in actuals.indicators if a.note]  # 偏差原因分析及改进措施
    yield _soffice(form, folder, "pdf"), folder, reasons


def test_the_seed_form_prints_on_a4_without_overprinted_rows(
    printed: tuple[Path, Path, list[str]],
) -> None:
    pdf, folder, reasons = printed
    assert len(reasons) >= 3  # the check covers the 扣分原因 and notes of the seed
    assert layout_problems(pdf, folder / "img", reasons) == []


def test_every_page_repeats_the_indicator_header(printed: tuple[Path, Path, list[str]]) -> None:
    pdf, _, _ = printed
    pages, words = _words(pdf)
    assert len(pages) >= 2  # the seed needs two pages: the check means something
    for page in range(2, len(pages) + 1):
        top = sorted((w for w in words if w.page == page), key=lambda w: w.y0)[:9]
        assert {"一级指标", "三级指标", "扣分原因"} <= {w.text for w in top}, page


def test_the_blank_template_prints(tmp_path: Path) -> None:
    _need_tools()
    pdf = _soffice(blank_template(tmp_path / "blank.xlsx"), tmp_path, "pdf")
    assert layout_problems(pdf, tmp_path / "img", []) == []


def test_the_checks_catch_the_form_without_row_heights_and_fitted_widths(
    printed: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    """The form as written before issue 13 (no row heights, the old widths): the checks fail, and say why."""
    _need_tools()
    wb = openpyxl.load_workbook(SEED_DIR / "自评表.xlsx")
    ws = wb["自评表"]
    for row in list(ws.row_dimensions):
        ws.row_dimensions[row].height = None
    for col, width in OLD_WIDTHS.items():
        ws.column_dimensions[col].width = width
    wb.save(tmp_path / "old.xlsx")
    _, _, reasons = printed
    problems = layout_problems(
        _soffice(tmp_path / "old.xlsx", tmp_path, "pdf"), tmp_path / "img", reasons
    )
    assert any(p.startswith("overprinted:") for p in problems), problems
    assert any(p.startswith("a row border crosses") for p in problems), problems
    assert "the header '全年执行数' is not printed on one line" in problems


# ---------------------------------------------------------------------------
# the formulas, recalculated by LibreOffice


def _without_cached_values(src: Path, dst: Path, **typed: str) -> Path:
    """``src`` with the formulas' cached values removed, and cells typed over (``G14="2"``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as d:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb"(</f>)<v>[^<]*</v>", rb"\1<v></v>", data)
                assert n == 4
                for ref, value in typed.items():
                    data, n = re.subn(
                        rf'(<c r="{ref}"[^>]*><v>)[^<]*(</v>)'.encode(),
                        rb"\g<1>" + value.encode() + rb"\2",
                        data,
                    )
                    assert n == 1, ref
            d.writestr(info, data)
    dst.write_bytes(out.getvalue())
    return dst


def test_libreoffice_computes_perfrules_subtotals_and_total(tmp_path: Path) -> None:
    _need_tools()
    bare = _without_cached_values(SEED_DIR / "自评表.xlsx", tmp_path / "bare.xlsx")
    recalculated = _soffice(bare, tmp_path / "lo", "xlsx")
    ws = openpyxl.load_workbook(recalculated, data_only=True)["自评表"]
    formulas = openpyxl.load_workbook(recalculated)["自评表"]
    assert formulas["G34"].value == "=SUM(I6,G25,G29,G33)"  # still a formula
    spec, actuals = perfrules.load_example(SEED_DIR)
    ev = perfrules.evaluate(spec, actuals)
    computed = {
        "G25": ev.category("output").score,
        "G29": ev.category("benefit").score,
        "G33": ev.category("satisfaction").score,
        "G34": ev.total,
    }
    assert {ref: Decimal(repr(ws[ref].value)) for ref in computed} == computed
    form = read_workbook(recalculated)
    assert (form.spec, form.actuals) == (spec, actuals)
    assert not compare_declared(form, perfrules.evaluate(form.spec, form.actuals))
    assert {d.cell for d in form.declared if d.kind in ("category", "total")} == {
        f"自评表!{ref}" for ref in computed
    }


def test_libreoffice_recalculates_after_a_score_is_typed_over(tmp_path: Path) -> None:
    _need_tools()
    typed = _without_cached_values(SEED_DIR / "自评表.xlsx", tmp_path / "typed.xlsx", G14="2")
    form = read_workbook(_soffice(typed, tmp_path / "lo", "xlsx"))
    found = compare_declared(form, perfrules.evaluate(form.spec, form.actuals))
    assert [(d.cell, d.declared, d.computed) for d in found] == [
        ("自评表!G14", D(2), D(3)),
        ("自评表!G25", D(49), D(50)),
        ("自评表!G34", D(98), D(99)),
    ]
