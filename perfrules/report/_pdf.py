"""The whole report as PDF: headless Chromium prints the report's HTML page.

Chromium (Debian's ``chromium`` package, or Google Chrome) is found on
``PATH``; it lays the page out with the page's own print CSS (A4, page numbers,
headings kept with what follows, header rows repeated) and embeds the fonts it
used. It runs with a fresh profile in a temporary folder, without network
services, and with a two-minute timeout. Without a browser,
:class:`BrowserMissing` says which package to install (the command line exits 2).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from perfrules._errors import Lang, MissingExtraError, PerfrulesError
from perfrules.core import Evaluation
from perfrules.report._full import Issue
from perfrules.report._narrative import Actual
from perfrules.report._page import to_report_html
from perfrules.report._unit_text import ReportText

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
TIMEOUT = 120  # seconds
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


class BrowserMissing(MissingExtraError):
    """No headless browser to print the PDF with; the message names the package to install."""

    @property
    def install(self) -> str:
        return "apt-get install chromium"


class PdfError(PerfrulesError, RuntimeError):
    """The browser ran but wrote no PDF (its error output is in the message)."""


def find_browser() -> str | None:
    """The path of the first Chromium or Chrome on ``PATH``, or ``None``."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, *, browser: str | None = None) -> bytes:
    """The PDF headless Chromium prints from the HTML page ``html``."""
    exe = browser or find_browser()
    if exe is None:
        raise BrowserMissing(
            "pdf",
            "writing PDF needs headless Chromium (or Google "
            "Chrome) on PATH, none was found; install it",
            "生成 PDF 需要无界面的 Chromium（或 Google Chrome），在 PATH 中未找到；请安装",
            module=None,
        )
    with tempfile.TemporaryDirectory(prefix="perfrules-pdf-") as tmp:
        folder = Path(tmp)
        page = folder / "report.html"
        page.write_text(html, encoding="utf-8")
        out = folder / "report.pdf"
        argv = [
            exe,
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        env = {**os.environ, "HOME": str(folder)}
        try:
            res = subprocess.run(
                argv, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            raise PdfError(f"{exe} did not finish within {TIMEOUT} s") from None
        if not out.is_file() or out.stat().st_size == 0:
            raise PdfError(
                f"{exe} wrote no PDF (exit {res.returncode}): {res.stderr.strip()[-2000:]}"
            )
        return out.read_bytes()


def to_pdf(
    evaluation: Evaluation,
    text: ReportText | None = None,
    issues: Sequence[Issue] = (),
    *,
    lang: Lang = "zh",
    actual: Actual = "computed",
    style: str | None = None,
    browser: str | None = None,
) -> bytes:
    """The whole self-evaluation report as PDF: :func:`to_report_html` printed by headless
    Chromium."""
    html = to_report_html(evaluation, text, issues, lang=lang, actual=actual, style=style)
    return html_to_pdf(html, browser=browser)
