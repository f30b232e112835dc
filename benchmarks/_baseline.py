"""A hand-written exact NumPy scorer for the reference workload: the baseline perfrules is measured against.

Written the way a careful engineer would for this one template and nothing
else: wide (n, 20) int64 arrays in hundredths, every score an exact integer
number of hundredths of a point, half-up rounding by integer floor division
``round(p / q) = (2p + q) // (2q)`` for p, q ≥ 0. No validation, no
explanation, no other rule: the practical speed limit for this workload.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from _workload import Columns, slots

GTE, LTE, QUAL, EXEC, STEP = (slots(k) for k in ("gte", "lte", "qual", "exec_rate", "deduct_step"))
QUAL_PERCENT = np.array([100, 80, 60, 0], dtype=np.int64)


def score(cols: Columns) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Unit totals in hundredths of a point and grade codes (0 优, 1 良, 2 中, 3 差)."""
    w, t, a = cols["weight"], cols["target"], cols["actual"]
    s = np.empty_like(w)
    wg, tg, ag = w[:, GTE], t[:, GTE], a[:, GTE]
    s[:, GTE] = np.where(ag >= tg, wg, (2 * wg * ag + tg) // (2 * tg))
    wl, tl, al = w[:, LTE], t[:, LTE], a[:, LTE]
    s[:, LTE] = np.where(al <= tl, wl, (2 * wl * tl + al) // (2 * al))
    s[:, QUAL] = (w[:, QUAL] * QUAL_PERCENT[cols["tier"][:, QUAL]] + 50) // 100
    we, te, ae = w[:, EXEC], t[:, EXEC], a[:, EXEC]
    s[:, EXEC] = (
        (2 * we * np.minimum(ae, te) + 100 * te) // (200 * te) * 100
    )  # whole points, in hundredths
    ws, ts, as_ = w[:, STEP], t[:, STEP], a[:, STEP]
    steps = np.maximum(ts - as_, 0) // cols["step"][:, STEP]
    s[:, STEP] = np.maximum(ws - steps * cols["deduct"][:, STEP], 0)
    total = s.sum(axis=1)
    grade = np.select([total >= 9000, total >= 8000, total >= 6000], [0, 1, 2], 3)
    return total, grade
