"""Progress of long work (perfrules/_progress.py): a live line on a terminal, nothing when piped.

``perfrules test`` over many cases and ``perfrules diff`` over many units draw the line on
stderr when it is a terminal (run here on a pseudo-terminal) and write nothing of it when
stderr is piped; the Dask route's line is tested in tests/test_batch_dask.py.
"""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from perfrules._progress import progress_line

ROOT = Path(__file__).resolve().parent.parent
SEED = "examples/hunan-2024-general-office"


def test_the_line_is_drawn_on_a_terminal_console_only() -> None:
    shown = io.StringIO()
    with progress_line("评分", console=Console(file=shown, force_terminal=True, width=80)) as up:
        for done in range(1, 6):
            up(done, 5)
    assert "评分" in shown.getvalue() and "5/5" in shown.getvalue()
    piped = io.StringIO()
    with progress_line("评分", console=Console(file=piped, width=80)) as up:
        up(5, 5)
    assert piped.getvalue() == ""
    off = io.StringIO()
    with progress_line("评分", console=Console(file=off, force_terminal=True), enabled=False) as up:
        up(5, 5)
    assert off.getvalue() == ""


def _on_pty(args: list[str]) -> tuple[int, str]:
    """``python -m perfrules ARGS`` with stdout and stderr on a pseudo-terminal: exit code and all it wrote."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfrules", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(follower)
    chunks: list[bytes] = []
    while select.select([leader], [], [], 60)[0]:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed: the process ended
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=60)
    os.close(leader)
    return code, b"".join(chunks).decode("utf-8", errors="replace")


def _piped(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfrules", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def _cases() -> int:
    from perfrules.golden import run_paths

    return len(run_paths(["examples", "specs"]).cases)


def test_perfrules_test_shows_progress_on_a_terminal_and_none_when_piped() -> None:
    n = _cases()
    assert n > 5
    code, shown = _on_pty(["test", "examples", "specs"])
    assert code == 0, shown
    assert "运行用例" in shown and f"{n}/{n}" in shown
    piped = _piped(["test", "examples", "specs"])
    assert piped.returncode == 0
    assert piped.stderr == ""
    assert "运行用例" not in piped.stdout and f"{n}/{n}" not in piped.stdout


def test_perfrules_diff_shows_progress_on_a_terminal_and_none_when_piped(tmp_path: Path) -> None:
    actuals = ROOT / SEED / "actuals.toml"
    units = tmp_path / "units"
    units.mkdir()
    for i in range(12):
        (units / f"u{i:02d}.toml").write_text(actuals.read_text(encoding="utf-8"), encoding="utf-8")
    args = ["diff", SEED, SEED, "--actuals", str(units), "--lang", "en"]
    code, shown = _on_pty(args)
    assert code == 0, shown
    assert "units" in shown and "12/12" in shown
    piped = _piped(args)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == "" and "12/12" not in piped.stdout


def test_run_paths_and_diff_paths_report_every_step() -> None:
    from perfrules.golden import run_paths
    from perfrules.whatif import diff_paths

    seen: list[tuple[int, int]] = []
    run = run_paths([ROOT / "examples"], progress=lambda d, t: seen.append((d, t)))
    n = len(run.cases)
    assert seen == [(d, n) for d in range(1, n + 1)]
    seen.clear()
    diff_paths(ROOT / SEED, ROOT / SEED, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 1)]
