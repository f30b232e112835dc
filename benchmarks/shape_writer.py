"""The full audit's shape writer alone: its CPU time in a batch run, and replayed (issue 11, item b).

    python benchmarks/shape_writer.py                     # 2000 units, 3 runs, 5 replays
    python benchmarks/shape_writer.py --units 300 --runs 1 --replays 2

``run_batch(..., audit_level="full")`` on the batch benchmark's workload
(benchmarks/_workload.py: N units × 20 indicators), with
``perfrules.batch._shape.ShapeWriter.write`` timed by ``time.process_time`` around each call:

* **in the run**: the writers' CPU seconds in one whole run (its first unit of each shape goes
  the normal way; every later unit the writer's, caches cold as a run finds them), the median of
  ``--runs`` runs, beside the run's own CPU seconds;
* **replayed**: the same units written again by the same writers, one after another
  (``--replays`` times, the median; caches warm), per unit.

Compare trees by running the script in each, in turn (``PYTHONPATH=tree``); the load average is
printed beside the figures: on a busy machine CPU times grow, so compare figures of one sitting.
Under ``valgrind --tool=callgrind``, ``--runs 1 --replays 0`` against ``--runs 1 --replays 2``
gives the writer's instructions per unit (the difference over 2 × the units written).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _workload as W  # noqa: E402

from perfrules.batch import _shape, read_table, run_batch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--replays", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="perfrules-shape-"))
    (folder / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
    W.write_csv(W.generate(args.units), folder / "units.csv")
    real = _shape.ShapeWriter.write
    calls: list[tuple[Any, Any]] = []
    spent = [0.0]

    def timed(self: Any, prepared: Any) -> Any:
        calls.append((self, prepared))
        start = time.process_time()
        try:
            return real(self, prepared)
        finally:
            spent[0] += time.process_time() - start

    writers, runs = [], []
    _shape.ShapeWriter.write = timed  # type: ignore[method-assign]
    try:
        for _ in range(args.runs):
            calls.clear()
            spent[0] = 0.0
            table = read_table(folder / "units.csv")
            start = time.process_time()
            run_batch(table, folder / "out.csv", audit=folder / "audit.jsonl", audit_level="full")
            runs.append(time.process_time() - start)
            writers.append(spent[0])
    finally:
        _shape.ShapeWriter.write = real  # type: ignore[method-assign]
    written = len(calls)
    replays = []
    for _ in range(args.replays):
        start = time.process_time()
        for writer, prepared in calls:
            real(writer, prepared)
        replays.append(time.process_time() - start)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"shape writer, {args.units} units × 20 indicators, {written} units written by it")
    if writers:
        print(
            f"  in the run: writer cpu {statistics.median(writers):.3f} s "
            f"(runs {', '.join(f'{x:.3f}' for x in writers)}); "
            f"whole run cpu {statistics.median(runs):.3f} s"
        )
    if replays and written:
        per_unit = statistics.median(replays) / written * 1e3
        print(
            f"  replayed:   writer cpu {statistics.median(replays):.3f} s "
            f"(replays {', '.join(f'{x:.3f}' for x in replays)}), {per_unit:.3f} ms a unit"
        )
    print(f"  load average {load}")


if __name__ == "__main__":
    main()
