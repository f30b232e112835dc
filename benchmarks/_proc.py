"""What the benchmarks read of a child process: the perfrules command to start, its threads, its peak memory."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def perfrules_command() -> list[str]:
    """The installed ``perfrules`` script beside this Python, else ``python -m perfrules``."""
    script = Path(sys.executable).with_name("perfrules")
    return [str(script)] if script.exists() else [sys.executable, "-m", "perfrules"]


def threads(pid: int) -> int:
    """How many threads the process has now (``/proc``; 0 when it is gone or not on Linux)."""
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def peak_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM; ru_maxrss would count this benchmark's own, inherited at fork)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0
