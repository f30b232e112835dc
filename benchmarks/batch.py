"""Batch benchmark: perfrules' exact batch path against a hand-written exact NumPy baseline, in the same run.

    python benchmarks/batch.py --n 100000

Generates the reference workload (benchmarks/_workload.py: N units × 20
indicators, the rules and distributions of ../shared/bench/README.md, our own
generator and seed), then measures, each phase in a fresh child process so
that its peak memory is its own:

* ``baseline`` — benchmarks/_baseline.py: exact int64 NumPy over the wide
  (N, 20) arrays, this workload's rules hard-coded, nothing else;
* ``scores`` — perfrules' vectorised scoring (``perfrules.batch._compute.compute``)
  from the same in-memory integer columns: the rules read off the spec (a
  base file + the table's indicator declarations, checked by the loader),
  per-unit validity checks, scores, met flags, warnings, totals and grades;
* ``e2e`` — ``perfrules batch`` as a library call from the long CSV file
  (about 100 MB at N = 100,000): read, check, score, write the four result tables;
* ``audit`` — the same run with the audit trail streamed (``--audit --audit-level record``:
  every input cell and output of every unit; ``explain`` gives the full document on demand).

Every phase's unit totals and grades are checked against the baseline's
(identical, exactly) before any figure is printed; a mismatch exits 1.
Prints one JSON line: evals/s for each phase, ``ratio`` (perfrules scores ÷
baseline, the issue's scores-only target is ≥ 0.8), and peak RSS per phase.
Absolute figures drift between machines and runs: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _workload as W  # noqa: E402
import numpy as np  # noqa: E402

PHASES = ("baseline", "scores", "e2e", "audit")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _prototype_plan(folder: Path, cols: W.Columns):
    """The perfrules plan of the template, read off unit 0 as the loader builds it."""
    from perfrules.batch._chunked import _units
    from perfrules.batch._plan import plan_of
    from perfrules.batch._table import read_table
    from perfrules.batch._unit import Bases, build, prepare

    one = folder / "one.csv"
    (folder / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
    W.write_csv({k: v[:1] for k, v in cols.items()}, one)
    table = read_table(one)
    bases = Bases(table.folder, table.file)
    pending = next(_units(table, 64))
    spec, _ = build(prepare(pending.rows, bases), bases)
    order = {f"s{j + 1:02d}": j for j in range(W.K)}
    return plan_of(spec, order, inline=True, has_budget=False)


def phase(name: str, n: int, folder: Path, repeat: int) -> dict[str, object]:
    evals = n * W.K
    out: dict[str, object] = {}
    if (
        name == "prepare"
    ):  # the CSV for the file phases, written apart so that no phase's memory includes it
        (folder / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
        W.write_csv(W.generate(n), folder / "units.csv")
        return {"seconds": 0.0}
    cols = W.generate(n) if name in ("baseline", "scores") else {}
    if name == "baseline":
        import _baseline as B

        secs, (total, grade) = _best(lambda: B.score(cols), repeat)
        np.save(folder / "baseline_total.npy", total)
        np.save(folder / "baseline_grade.npy", grade)
        out = {"seconds": secs}
    elif name == "scores":
        from perfrules.batch import _kernel as K
        from perfrules.batch._compute import compute

        plan = _prototype_plan(folder, cols)
        tier_of = np.array([plan.tiers[t] for t in W.TIERS], dtype=np.int64)
        sc = K.Scales(weight=2, target=2, actual=2, per=2, deduct=2)
        args = (
            cols["weight"],
            cols["target"],
            cols["actual"],
            cols["step"],
            cols["deduct"],
            tier_of[cols["tier"]],
        )
        ok = np.ones(n, dtype=bool)
        secs, got = _best(lambda: compute(plan, sc, *args, ok), repeat)
        assert got is not None and bool(got.ok.all()), "every unit of the workload is valid"
        scale = 10 ** (2 - plan.total_places)
        _check(folder, got.total * scale, np.array([g for g, _ in plan.grades])[got.grade_idx])
        out = {"seconds": secs}
    else:
        import pyarrow.csv as pcsv

        from perfrules.batch import read_table, run_batch

        csv_path = folder / "units.csv"
        result = folder / f"{name}.csv"
        audit = folder / "audit.jsonl" if name == "audit" else None
        t = time.perf_counter()
        summary = run_batch(read_table(csv_path), result, audit=audit, audit_level="record")
        secs = time.perf_counter() - t
        units = pcsv.read_csv(
            result, convert_options=pcsv.ConvertOptions(column_types={"total": "string"})
        )
        totals = np.array([int(x.replace(".", "")) for x in units.column("total").to_pylist()])
        _check(folder, totals, np.array(units.column("grade").to_pylist()))
        out = {
            "seconds": secs,
            "engines": dict(summary.engines),
            "csv_mb": round(csv_path.stat().st_size / 2**20, 1),
        }
        if audit is not None:
            out["audit_mb"] = round(audit.stat().st_size / 2**20, 1)
    out.update(evals_per_s=evals / float(out["seconds"]), peak_rss_mb=round(_peak_mb(), 1))
    return out


def _check(folder: Path, total: np.ndarray, grade: np.ndarray) -> None:
    want_total = np.load(folder / "baseline_total.npy")
    want_grade = np.array(["优良中差"[g] for g in np.load(folder / "baseline_grade.npy")])
    if not (
        np.array_equal(total.astype(np.int64), want_total) and np.array_equal(grade, want_grade)
    ):
        bad = int(np.flatnonzero((total != want_total) | (grade != want_grade))[0])
        raise SystemExit(
            f"MISMATCH at unit {bad}: {total[bad]} {grade[bad]} vs baseline {want_total[bad]} {want_grade[bad]}"
        )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="units (× 20 indicators)")
    p.add_argument(
        "--repeat", type=int, default=5, help="timings of the in-memory phases: best of this many"
    )
    p.add_argument(
        "--phases", default=",".join(PHASES), help=f"comma-separated subset of {','.join(PHASES)}"
    )
    p.add_argument("--phase", help=argparse.SUPPRESS)  # child process: run one phase
    p.add_argument("--dir", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.n < 1:
        p.error("--n must be at least 1")
    if args.phase:
        print(json.dumps(phase(args.phase, args.n, Path(args.dir), args.repeat)))
        return 0
    wanted = [x for x in args.phases.split(",") if x]
    unknown = sorted(set(wanted) - set(PHASES))
    if unknown:
        p.error(f"unknown phase(s) {', '.join(unknown)}; choose from {', '.join(PHASES)}")
    if "baseline" not in wanted:
        wanted.insert(0, "baseline")  # every phase is checked against it
    report: dict[str, object] = {
        "n": args.n,
        "indicators": args.n * W.K,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    with tempfile.TemporaryDirectory(prefix="perfrules-bench-") as tmp:
        for name in ("prepare", *PHASES):
            if name not in wanted and not (name == "prepare" and {"e2e", "audit"} & set(wanted)):
                continue
            cmd = [
                sys.executable,
                __file__,
                "--phase",
                name,
                "--n",
                str(args.n),
                "--repeat",
                str(args.repeat),
                "--dir",
                tmp,
            ]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode != 0:
                sys.stderr.write(res.stdout + res.stderr)
                return 1
            if name != "prepare":
                report[name] = json.loads(res.stdout.strip().splitlines()[-1])
    base = report["baseline"]["evals_per_s"]  # type: ignore[index]
    for name in ("scores", "e2e", "audit"):
        if name in report:
            report[name]["ratio"] = round(report[name]["evals_per_s"] / base, 3)  # type: ignore[index]
    if "scores" in report:
        report["ratio"] = report["scores"]["ratio"]  # type: ignore[index]
    report["identical_totals_and_grades"] = (
        True  # every phase was checked against the baseline before printing
    )
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
