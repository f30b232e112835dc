"""The reference batch workload, written from its description (../shared/bench/README.md).

N units × 20 indicators on a fixed template of slot kinds — 6 ``gte``, 4
``lte``, 5 ``qual``, 2 ``exec_rate``, 3 ``deduct_step`` — with weights,
targets and actuals varying per unit. Every number is an integer count of
hundredths, so every engine sees the same exact decimals.

The rules (the description's):

* gte: met → full, else w·a/t; lte: met → full, else w·t/a;
* qual: tiers A/B/C/D give 100/80/60/0 % of the weight;
* exec_rate: w·min(a/t, 1) rounded half-up to whole points;
* deduct_step: w − deduct·⌊(t − a)/step⌋, floored at 0;
* every indicator score rounded half-up to 0.01; grades ≥90 优, ≥80 良, ≥60 中, else 差.

The distributions (also the description's): weights start at 5.0 points per
slot and take 60 random transfers of 0.5 points between slots, never leaving
a slot below 1.0; gte targets 50..1000 with actuals 50–125 % of them (one
decimal); lte targets 50..200 with actuals 80–150 % (one decimal); qual tiers
A/B/C/D with probabilities 0.4/0.3/0.2/0.1; exec_rate budgets 10,000..5,000,000
yuan with cents and spending 50–105 % of them; deduct_step targets 90/95/98 %,
actuals 80.0..100.0 %, step 1 or 0.5 points, deduction 0.25, 0.5 or 1 per step.

This module is our own generator (own seed, own code); it does not import or
copy ../shared/bench.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import numpy.typing as npt

KINDS: tuple[str, ...] = (
    ("gte",) * 6 + ("lte",) * 4 + ("qual",) * 5 + ("exec_rate",) * 2 + ("deduct_step",) * 3
)
K = len(KINDS)
TIERS = "ABCD"
SEED = 2026_11_26

# The perfrules view of the template: how each slot kind is declared in the long table.
CATEGORY = {
    "gte": "产出指标",
    "lte": "产出指标",
    "qual": "满意度指标",
    "exec_rate": "效益指标",
    "deduct_step": "效益指标",
}
BASE_SPEC = """\
# The benchmark's base spec: what the reference workload's rules need beyond the long table.
[meta]
id = "bench-base"
title = "参考工作负载（基准测试）"
unit = "基准"
year = 2024
kind = "项目支出"

[policy]
# exec_rate rounds w·min(a/t, 1) to whole points even for half-point weights (4.5 → 5 when met):
# the reference rule as written, declared rather than refused.
weight_precision = "allow"

[[tiers]]
name = "A"
min = 1
max = 1
max_inclusive = true

[[tiers]]
name = "B"
min = 0.8
max = 0.8
max_inclusive = true

[[tiers]]
name = "C"
min = 0.6
max = 0.6
max_inclusive = true

[[tiers]]
name = "D"
min = 0
max = 0
max_inclusive = true
"""

Columns = dict[str, npt.NDArray[np.int64]]


def slots(kind: str) -> list[int]:
    """The template positions of one slot kind."""
    return [j for j, k in enumerate(KINDS) if k == kind]


def generate(n: int, seed: int = SEED) -> Columns:
    """The workload as (n, 20) int64 arrays in hundredths: weight, target, actual, step, deduct; tier 0..3."""
    rng = np.random.default_rng(seed)
    cols = {
        c: np.zeros((n, K), dtype=np.int64)
        for c in ("weight", "target", "actual", "step", "deduct", "tier")
    }
    halves = np.full((n, K), 10, dtype=np.int64)  # 5.0 points = 10 half-points
    rows = np.arange(n)
    for _ in range(60):
        src, dst = rng.integers(0, K, n), rng.integers(0, K, n)
        ok = (halves[rows, src] > 2) & (src != dst)  # never below 1.0 point
        halves[rows[ok], src[ok]] -= 1
        halves[rows[ok], dst[ok]] += 1
    cols["weight"] = halves * 50

    def fill(kind: str, col: str, values: npt.NDArray[np.int64]) -> None:
        cols[col][:, slots(kind)] = values

    def shape(kind: str) -> tuple[int, int]:
        return (n, len(slots(kind)))

    t = rng.integers(50, 1001, shape("gte")) * 100
    fill("gte", "target", t)
    fill(
        "gte",
        "actual",
        np.rint(t * rng.uniform(0.5, 1.25, shape("gte")) / 10).astype(np.int64) * 10,
    )
    t = rng.integers(50, 201, shape("lte")) * 100
    fill("lte", "target", t)
    fill(
        "lte", "actual", np.rint(t * rng.uniform(0.8, 1.5, shape("lte")) / 10).astype(np.int64) * 10
    )
    fill("qual", "tier", rng.choice(4, shape("qual"), p=[0.4, 0.3, 0.2, 0.1]))
    b = rng.integers(1_000_000, 500_000_001, shape("exec_rate"))
    fill("exec_rate", "target", b)
    fill(
        "exec_rate",
        "actual",
        np.rint(b * rng.uniform(0.5, 1.05, shape("exec_rate"))).astype(np.int64),
    )
    fill("deduct_step", "target", rng.choice([9000, 9500, 9800], shape("deduct_step")))
    fill("deduct_step", "actual", rng.integers(800, 1001, shape("deduct_step")) * 10)
    fill("deduct_step", "step", rng.choice([100, 50], shape("deduct_step")))
    fill("deduct_step", "deduct", rng.choice([25, 50, 100], shape("deduct_step")))
    return cols


def _cents(v: npt.NDArray[np.int64]) -> npt.NDArray[np.str_]:
    """Hundredths as exact decimal text with two places ("12.50")."""
    whole, frac = np.divmod(v, 100)
    return np.char.add(np.char.add(whole.astype(str), "."), np.char.zfill(frac.astype(str), 2))


HEADER = (
    "unit",
    "indicator",
    "name",
    "category",
    "weight",
    "method",
    "comparator",
    "target",
    "target_unit",
    "target_text",
    "actual",
    "tier",
    "per",
    "deduct",
    "round_to",
    "spec",
)


def _slot_cells(
    cols: Columns, j: int, kind: str, lo: int, hi: int
) -> dict[str, npt.NDArray[np.str_] | str]:
    """The cells of slot ``j`` for units ``lo:hi`` (texts or one text for every unit)."""
    row: dict[str, npt.NDArray[np.str_] | str] = {
        "indicator": f"s{j + 1:02d}",
        "name": f"{kind}{j + 1:02d}",
        "category": CATEGORY[kind],
        "weight": _cents(cols["weight"][lo:hi, j]),
    }
    empty = ""
    if kind == "qual":
        row.update(
            method="qualitative",
            comparator=empty,
            target=empty,
            target_unit=empty,
            target_text="达到预期效果",
            actual=empty,
            tier=np.array(list(TIERS))[cols["tier"][lo:hi, j]],
            per=empty,
            deduct=empty,
            round_to=empty,
        )
        return row
    method = {"gte": "ratio", "lte": "inverse_ratio", "exec_rate": "ratio", "deduct_step": "step"}
    row.update(
        method=method[kind],
        comparator="≤" if kind == "lte" else "≥",
        target=_cents(cols["target"][lo:hi, j]),
        target_unit="%" if kind == "deduct_step" else "",
        target_text=empty,
        actual=_cents(cols["actual"][lo:hi, j]),
        tier=empty,
        per=_cents(cols["step"][lo:hi, j]) if kind == "deduct_step" else empty,
        deduct=_cents(cols["deduct"][lo:hi, j]) if kind == "deduct_step" else empty,
        round_to="1" if kind == "exec_rate" else empty,
    )
    return row


def write_csv(cols: Columns, path: Path, base: str = "bench-base.toml") -> None:
    """The workload as perfrules' long table: one row per unit × indicator (docs/batch.md).

    Written 20,000 units at a time (the texts of one block only: memory does not grow with N).
    """
    n = cols["weight"].shape[0]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        chunk = 20_000
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            units = np.char.add("u", np.char.zfill(np.arange(lo, hi).astype(str), 7))
            cells = []
            for j, kind in enumerate(KINDS):
                row = _slot_cells(cols, j, kind, lo, hi)
                fields = []
                for name in HEADER:
                    if name == "unit":
                        fields.append(units)
                    elif name == "spec":
                        fields.append(np.full(hi - lo, base if j == 0 else ""))
                    else:
                        v = row[name]
                        fields.append(v if isinstance(v, np.ndarray) else np.full(hi - lo, v))
                line = fields[0]
                for f in fields[1:]:
                    line = np.char.add(np.char.add(line, ","), f)
                cells.append(line)
            stacked = np.stack(cells, axis=1)  # (units, 20): rows of a unit stay together
            buf = io.StringIO()
            buf.write("\n".join(stacked.ravel().tolist()))
            buf.write("\n")
            fh.write(buf.getvalue())
