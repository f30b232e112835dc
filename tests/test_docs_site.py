"""``docs/`` builds as a site: ``mkdocs build --strict`` (mkdocs.yml at the root; extra ``docs``).

Strict mode turns every warning into a failure; mkdocs.yml raises every kind of
link problem to a warning — a link to a file that is not a page (such as
``../specs/…``: outside docs/ it is not part of the site), a missing anchor, a
page left out of the navigation. Skipped, saying why, when mkdocs or Material
for MkDocs is not installed (``pip install 'perfrules[docs]'``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None,
    reason="mkdocs and mkdocs-material are not installed (pip install 'perfrules[docs]')",
)


def _build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _warnings(done: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(
        line
        for line in (done.stdout + done.stderr).splitlines()
        if "WARNING" in line or "Error" in line
    )


def test_the_docs_build_strictly(tmp_path: Path) -> None:
    done = _build(CONFIG, tmp_path / "site")
    assert done.returncode == 0, (
        f"mkdocs build --strict failed:\n{_warnings(done) or done.stderr[-3000:]}"
    )
    for page in (ROOT / "docs").glob("*.md"):
        assert (tmp_path / "site" / f"{page.stem}.html").is_file(), page.name
    assert (tmp_path / "site" / "search" / "search_index.json").is_file()


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    """The gate works: a link out of docs/, a missing anchor and an unlisted page each fail strict mode."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(CONFIG, tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "index.md").open("a", encoding="utf-8") as fh:
        fh.write(
            "\nSee [the template](../specs/templates/x.xlsx) and [bands](scoring.md#no-such-anchor).\n"
        )
    (tmp_path / "docs" / "stray.md").write_text("# Stray\n", encoding="utf-8")
    done = _build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert done.returncode != 0
    found = _warnings(done)
    assert "../specs/templates/x.xlsx" in found
    assert "#no-such-anchor" in found
    assert (
        "stray.md" in done.stdout + done.stderr
    )  # listed under the "not included in the nav" warning
    assert 'not included in the "nav" configuration' in found
