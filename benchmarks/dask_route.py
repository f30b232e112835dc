"""The Dask route against ``perfrules batch`` on the same files, measured in the same run.

    python benchmarks/dask_route.py                          # 40,000 units in 4 CSV files, 3 runs
    python benchmarks/dask_route.py --units 200000 --files 8 --runs 5

Generates the batch benchmark's workload (benchmarks/_workload.py: N units × 20
indicators) and cuts it into ``--files`` CSV files of whole units. Then, each
``--runs`` times, reported as the **median** (wall seconds; CPU seconds of
every process that did the work, the Dask workers included; threads):

* ``batch`` — the one-machine route: ``perfrules.batch.run_batch`` on each file
  in turn, in this process (the reference the Dask route must equal);
* ``dask`` — ``perfrules.batch.dask.run_dask`` over all the files on a
  ``distributed.LocalCluster`` of 2 worker processes × 1 thread (started once,
  before the runs): scan, score on the workers, merge on the client.

The Dask route's four CSV outputs are checked byte for byte against the files
``run_batch`` wrote, concatenated, before any figure is printed (a mismatch
exits 1). Printed: both phases' figures and the ratios ``batch ÷ dask`` of
wall seconds (the speed-up from two workers) and of evaluations per
CPU-second (what the cluster's scheduling, the Parquet parts and the merge
cost). The load average before and after is printed: on a shared machine,
compare ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _workload as W  # noqa: E402
from _proc import threads  # noqa: E402


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of a process so far, from /proc (0 where unavailable)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _concat(paths: list[Path]) -> bytes:
    texts = [p.read_bytes() for p in paths]
    head = texts[0].split(b"\n", 1)[0] + b"\n"
    return head + b"".join(t[len(head) :] for t in texts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=40_000, help="units in all (default 40,000)")
    ap.add_argument("--files", type=int, default=4, help="CSV files to cut them into (default 4)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each phase, median (default 3)")
    args = ap.parse_args()
    if args.units < args.files or args.files < 1 or args.runs < 1:
        ap.error("--files must be at least 1, --units at least --files, --runs at least 1")
    try:
        import distributed
    except ImportError:
        ap.error("the Dask route needs the dask extra: pip install 'perfrules[dask]'")

    from perfrules.batch import output_paths, run_batch

    dd: Any = distributed  # untyped
    from perfrules.batch.dask import run_dask

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="perfrules-dask-bench-") as tmp:
        folder = Path(tmp)
        (folder / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
        cols = W.generate(args.units)
        cuts = [round(k * args.units / args.files) for k in range(args.files + 1)]
        files = []
        for k in range(args.files):
            part = {c: v[cuts[k] : cuts[k + 1]] for c, v in cols.items()}
            path = folder / f"units-{k:03d}.csv"
            W.write_csv(part, path)
            files.append(path)
        # the workload numbers its units from 0 in each part: give each file its own ids
        for k, path in enumerate(files):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("\nu", f"\nf{k:03d}u"), encoding="utf-8")
        evals = args.units * W.K

        def batch_once() -> tuple[float, float, int]:
            t, c = time.perf_counter(), time.process_time()
            peak = 0
            for k, path in enumerate(files):
                run_batch(path, folder / f"ref-{k:03d}.csv")
                peak = max(peak, threads(os.getpid()))
            return time.perf_counter() - t, time.process_time() - c, peak

        with (
            dd.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            dd.Client(cluster) as client,
        ):
            workers: dict[str, int] = client.run(os.getpid)

            def dask_once() -> tuple[float, float, int]:
                before = sum(_cpu_of(p) for p in workers.values())
                t, c = time.perf_counter(), time.process_time()
                run_dask(
                    [str(p) for p in files], folder / "dask.csv", client=client, progress=False
                )
                wall, cpu = time.perf_counter() - t, time.process_time() - c
                cpu += sum(_cpu_of(p) for p in workers.values()) - before
                peak = threads(os.getpid()) + sum(threads(p) for p in workers.values())
                return wall, cpu, peak

            got: dict[str, list[tuple[float, float, int]]] = {"batch": [], "dask": []}
            for _ in range(args.runs):  # interleaved, so that drift on the machine hits both
                got["batch"].append(batch_once())
                got["dask"].append(dask_once())
        for name in ("units", "indicators", "categories", "problems"):
            refs = [output_paths(folder / f"ref-{k:03d}.csv")[name] for k in range(args.files)]
            if output_paths(folder / "dask.csv")[name].read_bytes() != _concat(refs):
                print(f"the Dask route's {name} table differs from run_batch's", file=sys.stderr)
                return 1
    med: dict[str, dict[str, Any]] = {}
    for name, runs in got.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        med[name] = {"wall": wall, "cpu": cpu, "threads": max(r[2] for r in runs)}
    print(
        f"perfrules Dask benchmark (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs); "
        f"{args.units:,} units × {W.K} indicators in {args.files} CSV files; "
        f"medians of {args.runs} runs; load {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    labels = {
        "batch": "run_batch, file after file, this process",
        "dask": "run_dask, LocalCluster 2 workers × 1 thread",
    }
    for name, m in med.items():
        print(
            f"  {labels[name]:<46} wall {m['wall']:7.2f} s  cpu {m['cpu']:7.2f} s  "
            f"{evals / m['wall']:>12,.0f} evals/s  {evals / m['cpu']:>12,.0f} evals/CPU-s  "
            f"threads {m['threads']}"
        )
    b, d = med["batch"], med["dask"]
    print(
        f"  ratio batch ÷ dask: wall {b['wall'] / d['wall']:.2f}  per CPU-second "
        f"{(evals / d['cpu']) / (evals / b['cpu']):.2f}"
    )
    print("  outputs: the Dask route's four tables equal run_batch's per file, byte for byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
