"""How ``check`` and ``evaluate`` scale with the number of indicators (issue 16): near-linear, against tomllib.

Run from the repository root (or anywhere perfrules is installed)::

    python benchmarks/scale.py                          # 1,000 / 10,000 / 100,000 indicators
    python benchmarks/scale.py --sizes 1000 10000 --runs 5

For each size it writes a spec of that many indicators (one 一级 category with
ten 二级 ones; targets ≥, ≤ and = and qualitative tiers in turn) and its
actuals to a temporary folder, then measures, in this process:

* ``baseline``: :func:`tomllib.loads` of the same two files (numbers as
  Decimals), the floor any TOML loader stands on;
* ``check``: ``load_spec`` + ``load_actuals(spec=…)``, what ``perfrules check``
  does (parsing, strict structure, every semantic check);
* ``evaluate``: ``perfrules.evaluate`` of the loaded spec and actuals (every
  score explained; the checks the loader already made are not repeated);
* ``json``: the evaluation as the JSON document ``perfrules evaluate --format json`` writes;

and, as fresh processes, the commands ``perfrules check DIR`` and
``perfrules evaluate DIR --format json -o FILE`` (wall time, CPU time of the
child from ``wait4``, and its peak resident memory and peak number of threads
sampled from ``/proc`` every 5 ms; Linux).

It prints the median wall and CPU time of the rounds, the time per indicator,
that time as a ratio to the smallest size's (near-linear: ratios near 1;
quadratic: near 10 and 100) and each phase's time as a ratio to the baseline
of the same size. Timings on a shared machine vary: the load average is printed
with them.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from _proc import peak_mb, perfrules_command, threads

import perfrules
from perfrules.core._document import to_json

SIZES = (1_000, 10_000, 100_000)
CATEGORIES = 10
MIN_SIZE = 100  # a total of at least 90 (+ 10 for budget execution): the default grade bands fit


def write_unit(folder: Path, n: int) -> None:
    """``spec.toml`` and ``actuals.toml`` of ``n`` indicators in ``folder``."""
    per = -(-n // CATEGORIES)
    spec = [
        f'[meta]\nid = "scale-{n}"\ntitle = "规模测试"\nunit = "测试单位"\nyear = 2024\nkind = "项目支出"\ntotal = {n + 10}',
        "[budget_execution]\nweight = 10",
        f'[[categories]]\nid = "output"\nname = "产出指标"\nweight = {n}',
    ]
    sizes = [min(per, n - c * per) for c in range(CATEGORIES) if n - c * per > 0]
    spec += [
        f'[[categories]]\nid = "output.c{c}"\nname = "二级指标{c}"\nparent = "output"\nweight = {size}'
        for c, size in enumerate(sizes)
    ]
    actuals = [
        f'spec = "scale-{n}"\nyear = 2024\n\n[budget]\nfull_year = 500\nspent = 463.5\n\n[indicators]'
    ]
    for i in range(n):
        kind = i % 4
        if kind == 0:
            target, actual = 'target = "≥100件"', str(90 + i % 20)
        elif kind == 1:
            target, actual = 'target = "≤100%"', str(95 + i % 10)
        elif kind == 2:
            target, actual = 'target = "=5次"', str(4 + i % 3)
        else:
            target, actual = 'target_text = "按期完成"', '{ tier = "达成年度指标" }'
        spec.append(
            f'[[indicators]]\nid = "i{i}"\nname = "指标{i}"\ncategory = "output.c{i // per}"\nweight = 1\n{target}'
        )
        actuals.append(f"i{i} = {actual}")
    (folder / "spec.toml").write_text("\n\n".join(spec) + "\n", encoding="utf-8")
    (folder / "actuals.toml").write_text("\n".join(actuals) + "\n", encoding="utf-8")


def _timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def in_process(folder: Path) -> dict[str, tuple[float, float]]:
    """One round of the in-process phases: wall and CPU seconds each."""
    texts = [(folder / name).read_text(encoding="utf-8") for name in ("spec.toml", "actuals.toml")]
    out: dict[str, tuple[float, float]] = {}
    wall, cpu, _ = _timed(lambda: [tomllib.loads(t, parse_float=Decimal) for t in texts])
    out["baseline"] = (wall, cpu)

    def check() -> tuple[perfrules.Spec, perfrules.Actuals]:
        spec = perfrules.load_spec(folder)
        return spec, perfrules.load_actuals(folder, spec=spec)

    wall, cpu, (spec, actuals) = _timed(check)
    out["check"] = (wall, cpu)
    wall, cpu, ev = _timed(lambda: perfrules.evaluate(spec, actuals))
    out["evaluate"] = (wall, cpu)
    wall, cpu, _ = _timed(lambda: to_json(ev))
    out["json"] = (wall, cpu)
    return out


def run_command(cmd: list[str], cwd: Path) -> tuple[float, float, int, float, int]:
    """Wall seconds, CPU seconds (user + system), peak threads seen, peak memory seen (MB), exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak, memory = 0, 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            return wall, usage.ru_utime + usage.ru_stime, max(peak, 1), memory, proc.returncode
        peak = max(peak, threads(proc.pid))
        memory = max(memory, peak_mb(proc.pid))
        time.sleep(0.005)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(SIZES),
        help="numbers of indicators (default 1000 10000 100000)",
    )
    ap.add_argument(
        "--runs", type=int, default=3, help="rounds of the in-process phases (default 3)"
    )
    ap.add_argument(
        "--command-runs",
        type=int,
        default=1,
        help="rounds of the commands (default 1; 0 skips them)",
    )
    args = ap.parse_args()
    if args.runs < 1 or args.command_runs < 0 or min(args.sizes) < MIN_SIZE:
        ap.error(
            f"--runs must be at least 1, --command-runs at least 0, every size at least {MIN_SIZE}"
        )
    sizes = sorted(set(args.sizes))
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"perfrules scale benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.2f} at the start; medians of {args.runs} in-process round(s) and {args.command_runs} "
        f"command round(s)"
    )
    rows: list[
        tuple[int, str, float, float, int, float | None]
    ] = []  # size, phase, wall, cpu, threads, MB
    work = Path(tempfile.mkdtemp(prefix="perfrules-scale-"))
    try:
        (work / ".git").mkdir()  # framework look-ups (none here) stop at this folder
        pr = perfrules_command()
        warm = work / "warm-up"
        warm.mkdir()
        write_unit(warm, MIN_SIZE)
        in_process(
            warm
        )  # imports and one-time set-up (the converter, the shipped frameworks' paths) out of the timing
        for n in sizes:
            unit = work / f"unit-{n}"
            unit.mkdir()
            write_unit(unit, n)
            rounds = [in_process(unit) for _ in range(args.runs)]
            threads = threading.active_count()
            for phase in ("baseline", "check", "evaluate", "json"):
                rows.append(
                    (
                        n,
                        phase,
                        _median([r[phase][0] for r in rounds]),
                        _median([r[phase][1] for r in rounds]),
                        threads,
                        None,
                    )
                )
            commands = {
                "perfrules check": [*pr, "check", unit.name],
                "perfrules evaluate --format json": [
                    *pr,
                    "evaluate",
                    unit.name,
                    "--format",
                    "json",
                    "-o",
                    f"{unit.name}.json",
                ],
            }
            for name, cmd in commands.items():
                samples = [run_command(cmd, work) for _ in range(args.command_runs)]
                if any(s[4] != 0 for s in samples):
                    print(f"{name} ({n:,} indicators): exit code {samples[0][4]}", file=sys.stderr)
                    return 1
                if samples:
                    rows.append(
                        (
                            n,
                            name,
                            _median([s[0] for s in samples]),
                            _median([s[1] for s in samples]),
                            max(s[2] for s in samples),
                            max(s[3] for s in samples),
                        )
                    )
            print(f"  … {n:,} indicators measured", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    first = sizes[0]
    per_first = {phase: wall / first for n, phase, wall, _, _, _ in rows if n == first}
    baseline = {n: wall for n, phase, wall, _, _, _ in rows if phase == "baseline"}
    print(
        f"{'indicators':>10}  {'phase':34} {'wall s':>8} {'cpu s':>8} {'µs/ind.':>8} "
        f"{'× ' + format(first, ',') + '/ind.':>12} {'× baseline':>10} {'threads':>7} {'peak MB':>8}"
    )
    for n, phase, wall, cpu, threads, mb in rows:
        per = wall / n
        print(
            f"{n:>10,}  {phase:34} {wall:8.3f} {cpu:8.3f} {per * 1e6:8.1f} {per / per_first[phase]:12.2f} "
            f"{wall / baseline[n]:10.2f} {threads:7d} {'' if mb is None else format(mb, '.0f'):>8}"
        )
    totals = {
        n: sum(
            wall for m, phase, wall, _, _, _ in rows if m == n and phase in ("check", "evaluate")
        )
        for n in sizes
    }
    for n in sizes:
        print(
            f"check + evaluate (in process) of {n:,} indicators: {totals[n]:.2f} s "
            f"({totals[n] / baseline[n]:.2f} × tomllib parsing the same files)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
