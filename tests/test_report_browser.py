"""The HTML report in a real browser: Debian's headless Chromium draws the chart and the Chinese text as promised.

The page is written to a temporary file and screenshotted at 1280×2000; the
screenshot is read with Pillow. The chart's rows are found by their colours
(every row has a full-length track in TRACK_COLOUR, the bar drawn over it in
BAR_COLOUR), so the test measures each bar's drawn length in pixels: each bar
is the share of its category's own points that was lost.

Chinese text must render in a CJK font: a probe page with the reports' own CSS
draws distinct Chinese characters, each in its own box, and the screenshot must
show them as distinct glyphs. Without a CJK font every character is the same
"tofu" box, and the test fails; a control run with a font configuration that
holds no CJK font (``FONTCONFIG_FILE``) shows that the check detects exactly that.
Skipped only when Chromium is not installed (CI installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import perfrules
from perfrules.report import to_html
from perfrules.report._chart import BAR_COLOUR, BAR_MAX, TRACK_COLOUR

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")  # Debian's package
TIMEOUT = 120  # seconds

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"Chromium is not installed at {CHROMIUM}"
)
Image = pytest.importorskip("PIL.Image", reason="Pillow reads the screenshot (test extra)")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


BAR = _rgb(BAR_COLOUR)
TRACK = _rgb(TRACK_COLOUR)


def _chromium(
    args: list[str], page: str, tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        *args,
        report.as_uri(),
    ]
    return subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False, env=env)


def _screenshot(page: str, tmp_path: Path, env: dict[str, str] | None = None) -> Any:  # a PIL image
    shot = tmp_path / "shot.png"
    done = _chromium([f"--screenshot={shot}"], page, tmp_path, env)
    assert shot.exists(), (
        f"Chromium wrote no screenshot (exit {done.returncode}): {done.stderr.decode()[-2000:]}"
    )
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 2000)
    return img


def _chart_rows(img: Any) -> list[tuple[int, int]]:
    """Each chart row top to bottom: (bar pixels, track pixels) on its fullest pixel line."""
    width, height = img.size
    px = img.load()
    assert px is not None
    lines: list[tuple[int, int, int]] = []
    for y in range(height):
        bar = track = 0
        for x in range(width):
            p = px[x, y]
            if p == BAR:
                bar += 1
            elif p == TRACK:
                track += 1
        if bar or track:
            lines.append((y, bar, track))
    rows: list[list[tuple[int, int, int]]] = []
    for line in lines:
        if rows and line[0] == rows[-1][-1][0] + 1:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [max(((b, t) for _, b, t in row), key=lambda bt: bt[0] + bt[1]) for row in rows]


def test_seed_chart_shows_the_budget_bar_and_zero_length_category_bars(tmp_path: Path) -> None:
    spec, actuals = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    img = _screenshot(to_html(perfrules.evaluate(spec, actuals)), tmp_path)
    rows = _chart_rows(img)
    # four rows: 预算执行率 (1 of its 10 points lost: a tenth of the track), 产出, 效益, 满意度 (lost 0)
    assert len(rows) == 4, rows
    (budget_bar, budget_track), *categories = rows
    assert abs(budget_bar - BAR_MAX / 10) <= 2 and abs(budget_track - BAR_MAX * 9 / 10) <= 2
    for bar, track in categories:
        assert bar == 0 and abs(track - BAR_MAX) <= 2
    # a non-trivial number of bar pixels in all: the bar is drawn, not a hairline
    hist = img.getcolors(maxcolors=1 << 20)
    assert hist is not None
    assert dict((colour, n) for n, colour in hist).get(BAR, 0) >= BAR_MAX / 10 * 15


TWO_LOSSES_SPEC = """
[meta]
id = "two-losses"
title = "两类扣分示例 <chart> & co"
unit = "示例单位"
year = 2024
kind = "项目支出"

[[categories]]
id = "output"
name = "产出指标"
weight = 50

[[categories]]
id = "benefit"
name = "效益指标"
weight = 30

[[categories]]
id = "satisfaction"
name = "满意度指标"
weight = 20

[[indicators]]
id = "trained"
name = "培训人次"
category = "output"
weight = 50
target = "≥100人次"

[[indicators]]
id = "beneficiaries"
name = "受益人数"
category = "benefit"
weight = 30
target = "≥100人"

[[indicators]]
id = "satisfaction"
name = "满意度"
category = "satisfaction"
weight = 20
target = "≥90%"
"""

TWO_LOSSES_ACTUALS = """
[indicators]
trained = { value = 70 }        # 50 × 70% = 35: 15 lost
beneficiaries = { value = 80 }  # 30 × 80% = 24: 6 lost
satisfaction = { value = 95 }   # full marks
"""


def test_each_bar_is_the_share_of_its_own_points_lost(tmp_path: Path) -> None:
    ev = perfrules.evaluate(
        perfrules.loads_spec(TWO_LOSSES_SPEC), perfrules.loads_actuals(TWO_LOSSES_ACTUALS)
    )
    lost = [c.lost for c in ev.children(None)]
    assert [str(x) for x in lost] == ["15.00", "6.00", "0.00"]
    rows = _chart_rows(_screenshot(to_html(ev, lang="en"), tmp_path))
    assert len(rows) == 3, rows
    (output, _), (benefit, _), (satisfaction, _) = rows
    assert abs(output - BAR_MAX * 15 / 50) <= 2  # 120 px: 15 of 产出's 50 points
    assert abs(benefit - BAR_MAX * 6 / 30) <= 2  # 80 px: 6 of 效益's 30 points
    assert satisfaction == 0


def test_dom_holds_the_chart_and_the_escaped_text(tmp_path: Path) -> None:
    ev = perfrules.evaluate(
        perfrules.loads_spec(TWO_LOSSES_SPEC), perfrules.loads_actuals(TWO_LOSSES_ACTUALS)
    )
    done = _chromium(["--dump-dom"], to_html(ev), tmp_path)
    dom = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert '<html lang="zh-CN">' in dom
    assert dom.count('class="bar"') == 3
    assert "两类扣分示例 &lt;chart&gt; &amp; co" in dom and "<chart>" not in dom


# ---------------------------------------------------------------------------
# Chinese in a CJK font, or the test fails

PROBE = (
    "预算绩效自评报告得分扣"  # eleven different characters: eleven different glyphs in a CJK font
)
CELL = 64  # px: each character in its own box


def _probe_page(css: str, body_class: str, tag: str) -> str:
    """A page with the reports' CSS: each probe character alone in a box, in ``tag`` (p or h2)."""
    boxes = "".join(f'<span class="probe">{ch}</span>' for ch in PROBE)
    extra = (
        f"span.probe {{ display: inline-block; width: {CELL}px; height: {CELL}px; font-size: 44px; "
        f"line-height: {CELL}px; text-align: center; overflow: hidden; color: #000; text-indent: 0; }}"
        f"{tag}.probe-row {{ position: absolute; left: 0; top: 0; margin: 0 !important; "
        "padding: 0 !important; border: none !important; text-indent: 0 !important; "
        f"background: #fff !important; white-space: nowrap; width: {CELL * len(PROBE)}px; }}"
    )
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style>'
        f'<style>{extra}</style></head><body class="{body_class}"><{tag} class="body probe-row">{boxes}</{tag}></body></html>'
    )


def _distinct_glyphs(img: Any) -> int:
    """How many different images the probe boxes hold (tofu: one box for all, or nothing drawn)."""
    gray = img.convert("L")
    crops = []
    for i in range(len(PROBE)):
        crop = gray.crop((i * CELL, 0, (i + 1) * CELL, CELL))
        if sum(1 for v in crop.tobytes() if v < 128) >= 40:  # a glyph's worth of dark pixels
            crops.append(crop.tobytes())
    return len(set(crops))


def _page_css() -> list[tuple[str, str, str, str]]:
    from perfrules.report._html import _CSS
    from perfrules.report._page import REPORT_CSS

    return [
        ("audit page, text", _CSS, "", "p"),
        ("report, 仿宋 body", REPORT_CSS, "report", "p"),
        ("report, 黑体 headings", REPORT_CSS, "report", "h2"),
    ]


@pytest.mark.parametrize("what", range(3), ids=["audit-text", "report-body", "report-heading"])
def test_chinese_renders_in_a_cjk_font(what: int, tmp_path: Path) -> None:
    name, css, cls, tag = _page_css()[what]
    img = _screenshot(_probe_page(css, cls, tag), tmp_path)
    found = _distinct_glyphs(img)
    assert found == len(PROBE), (
        f"{name}: {found} distinct glyphs for {len(PROBE)} different characters; Chinese renders "
        "without a CJK font (tofu). Install fonts-noto-cjk (.ci/system-packages)."
    )


def test_the_glyph_check_fails_without_cjk_fonts(tmp_path: Path) -> None:
    """The control: with a font configuration holding no CJK font, the same probe shows tofu."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("the control needs the DejaVu fonts (fonts-dejavu-core)")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{dejavu}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    _, css, cls, tag = _page_css()[1]
    img = _screenshot(_probe_page(css, cls, tag), tmp_path, env)
    assert _distinct_glyphs(img) <= 1  # every character the same box: what the real test rejects
