"""The batch acceptance run: a large long table with deliberately corrupted rows, through ``perfrules batch``.

    python benchmarks/corrupted.py --n 100000 --rate 0.01

Writes the reference workload (benchmarks/_workload.py) as a CSV, corrupts
``rate`` of its units (one row each, five kinds: a number that is not one, an
unknown tier, an unknown method, a negative weight, a missing actual), runs
the ``perfrules batch`` command on it and checks, from the files it wrote:

* the exit code is 2 (some unit failed) and the units table has every unit;
* the failed units are exactly the corrupted ones, and each one's problems
  (the problems table) name the corrupted row;
* every other unit is scored, with the total and grade of the exact NumPy
  baseline (benchmarks/_baseline.py).

Prints one JSON line; exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _baseline as B  # noqa: E402
import _workload as W  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pcsv  # noqa: E402

KINDS = (
    ("actual", "12,5"),
    ("tier", "Z"),
    ("method", "ratioo"),
    ("weight", "-2.00"),
    ("actual", ""),
)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--rate", type=float, default=0.01)
    args = p.parse_args()
    cols = W.generate(args.n)
    total, grade = B.score(cols)
    rng = np.random.default_rng(7)
    bad_units = np.sort(rng.choice(args.n, int(args.n * args.rate), replace=False))
    with tempfile.TemporaryDirectory(prefix="perfrules-corrupt-") as tmp:
        folder = Path(tmp)
        (folder / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
        path = folder / "units.csv"
        W.write_csv(cols, path)
        table = pcsv.read_csv(
            path,
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.string() for c in W.HEADER}, strings_can_be_null=False
            ),
        )
        data = {c: table.column(c).to_pylist() for c in W.HEADER}
        corrupted: dict[str, int] = {}  # unit → file row
        for i, u in enumerate(bad_units.tolist()):
            col, value = KINDS[i % len(KINDS)]
            slots = (
                W.slots("qual")
                if col == "tier"
                else [j for j, k in enumerate(W.KINDS) if k != "qual"]
            )
            j = slots[i % len(slots)]
            r = u * W.K + j
            data[col][r] = value
            corrupted[data["unit"][r]] = r + 2
        pcsv.write_csv(
            pa.table(data), path, write_options=pcsv.WriteOptions(quoting_style="needed")
        )
        out = folder / "results.csv"
        t = time.perf_counter()
        res = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from perfrules.cli import main; sys.exit(main())",
                "batch",
                str(path),
                "--out",
                str(out),
                "-q",
            ],
            capture_output=True,
            text=True,
        )
        secs = time.perf_counter() - t
        units = pcsv.read_csv(
            out, convert_options=pcsv.ConvertOptions(column_types={"total": pa.string()})
        )
        problems = pcsv.read_csv(
            folder / "results.problems.csv",
            convert_options=pcsv.ConvertOptions(column_types={"row": pa.string()}),
        )
        ids = units.column("unit").to_pylist()
        status = units.column("status").to_pylist()
        failed = {u for u, s in zip(ids, status, strict=True) if s == "error"}
        named = {
            (u, int(r))
            for u, r in zip(
                problems.column("unit").to_pylist(), problems.column("row").to_pylist(), strict=True
            )
            if r
        }
        ok = [i for i, s in enumerate(status) if s == "ok"]
        got_total = np.array([int(units.column("total")[i].as_py().replace(".", "")) for i in ok])
        got_grade = [units.column("grade")[i].as_py() for i in ok]
        checks = {
            "exit_code_1": res.returncode == 1,
            "every_unit_in_results": len(ids) == args.n and len(set(ids)) == args.n,
            "failed_are_exactly_the_corrupted": failed == set(corrupted),
            "each_failure_names_its_row": all((u, r) in named for u, r in corrupted.items()),
            "good_units_equal_the_baseline": bool(np.array_equal(got_total, total[ok]))
            and got_grade == ["优良中差"[g] for g in grade[ok]],
        }
        report = {
            "n": args.n,
            "corrupted_units": len(corrupted),
            "failed_units": len(failed),
            "seconds": round(secs, 2),
            "units_per_s": round(args.n / secs),
            "checks": checks,
        }
        print(json.dumps(report, ensure_ascii=False))
        if not all(checks.values()):
            sys.stderr.write(res.stdout[-2000:] + res.stderr[-2000:])
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
