"""How fast the ``perfrules`` command starts: medians over fresh processes, against ``python -c pass``.

Run from the repository root (or anywhere perfrules is installed)::

    python benchmarks/startup.py            # 15 rounds
    python benchmarks/startup.py --runs 31

Each round starts every command once, in turn (so that machine noise falls
on all of them alike): the baseline ``python -c pass``, ``perfrules
--version``, ``perfrules --help``, ``perfrules check`` and ``perfrules
evaluate`` on the seed example (``examples/hunan-2024-general-office``, copied
to a temporary folder outside any checkout, so that its framework is found as
an installed user finds it). "Cold" means a new process each time, as a user
runs the command; bytecode is written once by a warm-up round (as ``pip
install`` compiles it), into a temporary ``PYTHONPYCACHEPREFIX``.

For every command it prints the median wall time, the median CPU time (user +
system of the child, from ``wait4``), the peak number of threads seen in the
child (sampled from ``/proc`` every millisecond; Linux only) and the ratio of
the median wall time to the baseline's. Targets (issue 10): ``--version``
≤ 0.1 s and ``evaluate`` ≤ 0.3 s, median wall time.

Wall time on a shared machine drifts (the baseline itself has been seen at
13 and at 21 ms on the same machine in one afternoon). ``--instructions``
also counts each command's instructions once under ``valgrind --tool=callgrind``
(Debian's valgrind), a figure that repeats exactly for the same code and input,
and prints it with its ratio to the baseline's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _proc import perfrules_command, threads

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "hunan-2024-general-office"
TARGETS = {"perfrules --version": 0.1, "perfrules evaluate SEED": 0.3}


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (user + system), peak threads seen, exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            return wall, usage.ru_utime + usage.ru_stime, max(peak, 1), proc.returncode
        peak = max(peak, threads(proc.pid))
        time.sleep(0.001)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="timed rounds (default 15)")
    ap.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions with valgrind (callgrind)",
    )
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    work = Path(tempfile.mkdtemp(prefix="perfrules-startup-"))
    try:
        unit = work / "unit"
        shutil.copytree(SEED, unit, ignore=shutil.ignore_patterns("cases", "*.xlsx"))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        env.pop("COLUMNS", None)
        pr = perfrules_command()
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "perfrules --version": [*pr, "--version"],
            "perfrules --help": [*pr, "--help"],
            "perfrules check SEED": [*pr, "check", "unit"],
            "perfrules evaluate SEED": [*pr, "evaluate", "unit"],
        }
        for name, cmd in commands.items():  # warm-up: bytecode written, files in the OS cache
            _, _, _, code = _run(cmd, env, work)
            if code != 0:
                print(f"{name}: exit code {code}", file=sys.stderr)
                return 1
        samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                wall, cpu, threads, _ = _run(cmd, env, work)
                samples[name].append((wall, cpu, threads))
        counts = (
            {name: _instructions(cmd, env, work) for name, cmd in commands.items()}
            if args.instructions
            else {}
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(s[0] for s in samples["python -c pass"])
    print(
        f"perfrules start-up, {args.runs} rounds, median of fresh processes ({os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]})"
    )
    print(f"{'command':28} {'wall s':>8} {'cpu s':>8} {'threads':>8} {'× baseline':>11}  target")
    failed = False
    for name, rows in samples.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        threads = max(r[2] for r in rows)
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            ok = wall <= target
            failed |= not ok
            verdict = f"≤ {target} s: {'met' if ok else 'NOT met'}"
        print(f"{name:28} {wall:8.3f} {cpu:8.3f} {threads:8d} {wall / base:11.1f}  {verdict}")
    if counts:
        print(f"{'command':28} {'instructions':>14} {'× baseline':>11}   (callgrind, one run each)")
        for name, count in counts.items():
            print(f"{name:28} {count:14,d} {count / counts['python -c pass']:11.1f}")
    return 1 if failed else 0


def _instructions(cmd: list[str], env: dict[str, str], cwd: Path) -> int:
    """Instructions the command executes, counted by callgrind (exact and repeatable, unlike time)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    out = cwd / "callgrind.out"
    res = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", res.stderr)
    out.unlink(missing_ok=True)
    if found is None:
        raise SystemExit(f"callgrind gave no count for {' '.join(cmd)}:\n{res.stderr[-2000:]}")
    return int(found[1])


if __name__ == "__main__":
    sys.exit(main())
