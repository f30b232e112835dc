"""The scoring core's speed against plain-Python baselines measured in the same run (issue 11, item 3).

    python benchmarks/core.py                 # 200 repetitions, a 500-unit batch
    python benchmarks/core.py --units 2000
    python benchmarks/core.py --units 2000 --batch-repeat 5   # (b) five times, the median run

Two figures, each a median of repeated measurements, wall time beside CPU time:

(a) ``evaluate()`` of the seed example (examples/hunan-2024-general-office: 19
    indicators and the 预算执行率 row, every step explained), the same Spec and
    Actuals objects each time, against the **baseline**: a plain-Python
    ``Decimal`` loop over the same 20 rows that computes each row's score by
    the seed's rules (ratio capped at the weight, ≤ targets full when met,
    tiers, derived rates, round-whole budget execution, half-up to 0.01) and
    records each row's inputs, score and reason as strings — what a careful
    hand-written script would do, with no validation and no other rule. Its
    total must equal perfrules' (99) before anything is printed. Target: the
    ratio evaluate ÷ baseline ≤ 5.
(b) ``perfrules batch`` with ``--audit-level full`` (the core's full document of
    every unit) on the batch benchmark's workload (benchmarks/_workload.py: N
    units × 20 indicators), as evaluations per CPU-second of this process (all
    its threads), an evaluation being one indicator of one unit (as in
    benchmarks/batch.py: N units × 20 evaluations). Target: ≥ 25,000.

Threads: (a) runs on one thread; (b) reports the most threads seen in the
process while it ran. Absolute figures drift with the machine: compare ratios
and figures from one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import perfrules  # noqa: E402

SEED = ROOT / "examples" / "hunan-2024-general-office"
CENT = Decimal("0.01")


def _interleaved(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median (wall, CPU) seconds of two functions timed call by call in turn, ``repeat`` calls each.

    Each call of one is next to a call of the other (and which goes first alternates), so a
    busy spell on a shared machine slows both alike: their ratio holds where two separate
    series, one after the other, would each catch a different spell.
    """
    times: list[list[tuple[float, float]]] = [[], []]
    fns = (first, second)
    for k in range(repeat):
        for j in (0, 1) if k % 2 == 0 else (1, 0):
            w, c = time.perf_counter(), time.process_time()
            fns[j]()
            times[j].append((time.perf_counter() - w, time.process_time() - c))
    a, b = (
        (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts)) for ts in times
    )
    return a, b


# ---------------------------------------------------------------------------
# (a) the baseline: a plain Decimal loop over the seed's rows


def _rows(spec: perfrules.Spec, actuals: perfrules.Actuals) -> list[dict[str, Any]]:
    """The seed's rows as plain values (read once, outside the timed loop)."""
    amounts = {a.name: a.value for a in actuals.amounts}
    tiers = {t.name: t.max for t in spec.tiers} | {a: t.max for t in spec.tiers for a in t.aliases}
    acts = {a.id: a for a in actuals.indicators}
    rows: list[dict[str, Any]] = []
    for ind in spec.indicators:
        act = acts.get(ind.id)
        row: dict[str, Any] = {"id": ind.id, "name": ind.name, "weight": ind.weight}
        if ind.target is None:
            assert act is not None
            row.update(kind="tier", share=tiers[act.tier or ""], tier=act.tier)
        else:
            row.update(
                kind=ind.target.comparator.value, target=ind.target.value, unit=ind.target.unit
            )
            if ind.derive is not None:
                row.update(
                    numerator=amounts[ind.derive.numerator],
                    denominator=amounts[ind.derive.denominator],
                )
            else:
                assert act is not None
                row.update(actual=act.value)
        rows.append(row)
    assert spec.budget_execution is not None and actuals.budget is not None
    rows.append(
        {
            "id": "budget_execution",
            "name": "预算执行率",
            "kind": "budget",
            "weight": spec.budget_execution.weight,
            "full_year": actuals.budget.full_year,
            "spent": actuals.budget.spent,
        }
    )
    return rows


def baseline(rows: list[dict[str, Any]]) -> tuple[Decimal, list[dict[str, str]]]:
    """Score every row and record its inputs, score and reason; the total."""
    total = Decimal(0)
    records: list[dict[str, str]] = []
    for r in rows:
        w: Decimal = r["weight"]
        kind = r["kind"]
        if kind == "tier":
            score = (w * r["share"]).quantize(CENT, ROUND_HALF_UP)
            inputs = f"档次 {r['tier']}"
        elif kind == "budget":
            rate = r["spent"] / r["full_year"]
            score = (rate * w).quantize(Decimal(1), ROUND_HALF_UP)
            inputs = f"全年预算数 {r['full_year']}；全年执行数 {r['spent']}；执行率 {rate:.4%}"
        else:
            actual = r["numerator"] / r["denominator"] * 100 if "numerator" in r else r["actual"]
            target: Decimal = r["target"]
            if kind == "≥":
                share = min(actual / target, Decimal(1))
            elif kind == "≤":
                share = Decimal(1) if actual <= target else target / actual
            else:  # "="
                share = Decimal(1) if actual == target else min(actual / target, target / actual)
            score = (w * share).quantize(CENT, ROUND_HALF_UP)
            inputs = f"指标值 {kind}{target}{r['unit']}；实际完成值 {actual}{r['unit']}"
        lost = w - score
        reason = f"{r['name']}：{inputs}，扣{lost}分" if lost else ""
        records.append({"id": r["id"], "inputs": inputs, "score": str(score), "reason": reason})
        total += score
    return total, records


# ---------------------------------------------------------------------------
# (b) the full-document audit batch


def _audit_batch(units: int) -> tuple[float, float, int, int]:
    """Wall and CPU seconds of ``run_batch(..., audit_level="full")``, the units scored, peak threads."""
    import _workload as W

    from perfrules.batch import read_table, run_batch

    with tempfile.TemporaryDirectory(prefix="perfrules-core-") as tmp:
        folder = Path(tmp)
        (folder / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
        W.write_csv(W.generate(units), folder / "units.csv")
        table = read_table(folder / "units.csv")
        peak = [threading.active_count()]
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.01):
                peak[0] = max(peak[0], threading.active_count() - 1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        w, c = time.perf_counter(), time.process_time()
        summary = run_batch(
            table, folder / "out.csv", audit=folder / "audit.jsonl", audit_level="full"
        )
        cpu, wall = time.process_time() - c, time.perf_counter() - w
        done.set()
        watcher.join()
        assert summary.failed == 0, "every unit of the workload is valid"
        return wall, cpu, summary.scored, peak[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--repeat", type=int, default=200, help="repetitions of (a), median taken (default 200)"
    )
    ap.add_argument("--units", type=int, default=500, help="units of the (b) batch (default 500)")
    ap.add_argument(
        "--batch-repeat",
        type=int,
        default=1,
        help="runs of the (b) batch, the median run reported (default 1)",
    )
    args = ap.parse_args()
    if args.repeat < 3 or args.units < 1 or args.batch_repeat < 1:
        ap.error("--repeat must be at least 3, --units and --batch-repeat at least 1")
    spec, actuals = perfrules.load_example(SEED)
    rows = _rows(spec, actuals)
    ev = perfrules.evaluate(spec, actuals)
    total, records = baseline(rows)
    if total != ev.total or len(records) != len(ev.indicators) + 1:
        print(
            f"baseline total {total} != perfrules {ev.total}: the baseline does not score the seed",
            file=sys.stderr,
        )
        return 1
    for _ in range(20):  # warm both up
        baseline(rows)
        perfrules.evaluate(spec, actuals)
    (b_wall, b_cpu), (e_wall, e_cpu) = _interleaved(
        lambda: baseline(rows), lambda: perfrules.evaluate(spec, actuals), args.repeat
    )
    print(
        f"perfrules core benchmark (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs); medians"
    )
    print(f"(a) seed evaluate(), {len(rows)} rows, {args.repeat} runs each, interleaved, 1 thread")
    print(f"    baseline Decimal loop     wall {b_wall * 1e3:8.3f} ms   cpu {b_cpu * 1e3:8.3f} ms")
    print(f"    perfrules.evaluate()      wall {e_wall * 1e3:8.3f} ms   cpu {e_cpu * 1e3:8.3f} ms")
    ratio = e_wall / b_wall
    print(
        f"    ratio evaluate ÷ baseline  {ratio:6.1f} (wall)  {e_cpu / b_cpu:6.1f} (cpu)   target ≤ 5: "
        f"{'met' if ratio <= 5 else 'NOT met'}"
    )
    runs = sorted((_audit_batch(args.units) for _ in range(args.batch_repeat)), key=lambda r: r[1])
    wall, cpu, scored, _ = runs[len(runs) // 2]  # the median run by CPU time
    threads = max(r[3] for r in runs)
    rate = scored * 20 / cpu  # 20 indicators a unit
    print(f"(b) batch --audit-level full, {scored} units × 20 indicators, up to {threads} threads")
    if len(runs) > 1:
        print(
            f"    {len(runs)} runs, the median by CPU time below; evaluations per CPU-second of each: "
            + ", ".join(f"{r[2] * 20 / r[1]:,.0f}" for r in runs)
        )
    print(
        f"    wall {wall:.2f} s   cpu {cpu:.2f} s   {scored / cpu:,.0f} units and {rate:,.0f} evaluations per "
        "CPU-second   target ≥ 25,000: "
        f"{'met' if rate >= 25_000 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
