"""The compiled rows kept across specs (perfrules/core/_evaluate.py, ``_compiled_row``): least recently
used dropped first, bounded, and a row kept never changes a result."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import perfrules
from perfrules.core import _evaluate

ROOT = Path(__file__).resolve().parents[1]


def _with_weight(spec: perfrules.Spec, weight: Decimal) -> perfrules.Spec:
    first = attrs.evolve(spec.indicators[0], weight=weight)
    return attrs.evolve(spec, indicators=(first, *spec.indicators[1:]))


def test_a_row_used_again_and_again_stays_while_others_come_and_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec, actuals = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    kept = 64
    setattr_ = monkeypatch.setattr
    setattr_(_evaluate, "_ROWS", {})
    setattr_(_evaluate, "_ROWS_KEPT", kept)
    base = spec.indicators[0].weight
    recurring = _evaluate._plan(spec).rows[0]
    for k in range(1, 4 * kept):  # many rows of one use each: the cache fills and is trimmed
        other = _with_weight(spec, base + Decimal(k) / 100)
        _evaluate._plan(other)
        assert len(_evaluate._ROWS) <= kept
        if k % 8 == 0:  # the recurring row is used now and then: it is never the oldest
            again = attrs.evolve(spec, meta=attrs.evolve(spec.meta, title=f"单位{k}"))
            assert _evaluate._plan(again).rows[0] is recurring
    lonely = _with_weight(spec, base + Decimal(1) / 100)  # used once, long ago: made again
    assert _evaluate._plan(lonely).rows[0] is not _evaluate._plan(_with_weight(spec, base)).rows[0]
    # a kept row gives the result a fresh one gives
    cold = attrs.evolve(spec, meta=attrs.evolve(spec.meta, title="冷"))
    warm_result = perfrules.evaluate(cold, actuals)
    setattr_(_evaluate, "_ROWS", {})
    fresh = attrs.evolve(spec, meta=attrs.evolve(spec.meta, title="冷"))
    assert repr(perfrules.evaluate(fresh, actuals)) == repr(warm_result)
