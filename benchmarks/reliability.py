"""The long profile of the reliability suite: many more hostile inputs than CI runs.

    python benchmarks/reliability.py            # 1,000 examples per property, a fresh random seed
    python benchmarks/reliability.py --seed 7   # reproducible

CI runs tests/test_reliability.py (and tests/test_writers.py, tests/test_batch_hostile.py) with
their short profiles on every change. This script runs the fuzzing properties of
tests/test_reliability.py with ``PERFRULES_RELIABILITY=long`` and prints, per property, how
many examples ran and how long it took (wall and CPU time of the pytest process, one thread of
perfrules' own); it exits with pytest's code, so a found failure is a failed run. docs/reliability.md
says what the properties promise.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, help="hypothesis seed (default: random)")
    ap.add_argument(
        "-k", default=None, help="only the properties matching this pytest -k expression"
    )
    args = ap.parse_args()
    env = dict(os.environ, PERFRULES_RELIABILITY="long")
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-show-statistics",
        str(ROOT / "tests" / "test_reliability.py"),
    ]
    if args.seed is not None:
        cmd.append(f"--hypothesis-seed={args.seed}")
    if args.k:
        cmd += ["-k", args.k]
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    for line in res.stdout.splitlines():
        if (
            line.startswith(("tests/", "  - ", "FAILED", "="))
            or "passed" in line
            or "failed" in line
        ):
            print(line)
    if (
        res.returncode != 0
    ):  # what failed: pytest's "E " lines (the assertion, the falsifying example)
        failure = [line for line in res.stdout.splitlines() if line.startswith("E ")]
        print("\n".join(failure[:300]) or res.stdout[-4000:], res.stderr[-2000:], sep="\n")
    print(
        f"long reliability profile: exit {res.returncode}, wall {wall:.1f} s, cpu {cpu:.1f} s, 1 pytest process"
    )
    return res.returncode


if __name__ == "__main__":
    sys.exit(main())
