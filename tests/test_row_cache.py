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


def test_threads_filling_the_cache_at_once_never_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    # a small cache trimmed again and again while 4 threads add rows, switching threads as often as
    # CPython allows: trimming must not iterate the dict another thread is changing
    import sys
    import threading

    spec, actuals = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    monkeypatch.setattr(_evaluate, "_ROWS", {})
    monkeypatch.setattr(_evaluate, "_ROWS_KEPT", 16)
    base = spec.indicators[0].weight
    errors: list[BaseException] = []
    done = [0]

    def work(t: int) -> None:
        try:
            for _ in range(400):  # an equal weight, a new object: a new row each time
                perfrules.evaluate(_with_weight(spec, Decimal(str(base))), actuals)
                done[0] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert len(_evaluate._ROWS) <= 16
