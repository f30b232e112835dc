"""The full audit's faster writers (issue 11, item 3b) write exactly what the reference writers write.

The spec digest is written directly (:func:`perfrules.core._digest.canonical_json`),
keeping the text of each model object it has written: it must equal
``json.dumps(canonical(spec), sort_keys=True, …)`` for every spec, also for specs
that share parts with specs digested before and for parts changed since.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.core import _digest
from perfrules.core._digest import canonical, canonical_json, spec_sha256
from perfrules.testing import cases

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted({p.parent for p in (ROOT / "examples").rglob("spec.toml")})
CASES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reference(value: Any) -> str:
    return json.dumps(canonical(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_the_digest_text_is_the_canonical_json_of_every_example(folder: Path) -> None:
    spec = perfrules.load_spec(folder / "spec.toml")
    assert canonical_json(spec) == _reference(spec)
    assert canonical_json(spec) == _reference(spec)  # written again from the kept texts
    want = hashlib.sha256(_reference(spec).encode("utf-8")).hexdigest()
    assert spec_sha256(spec) == want


@CASES
@given(cases())
def test_the_digest_text_is_the_canonical_json_of_generated_specs(case: Any) -> None:
    spec, _ = case
    assert canonical_json(spec) == _reference(spec)
    for part in (spec.meta, spec.policy, spec.rounding, spec.tiers, *spec.indicators):
        assert canonical_json(part) == _reference(part)


def test_a_spec_sharing_parts_with_one_digested_before_gets_its_own_digest() -> None:
    spec, _ = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    before = spec_sha256(spec)
    ind = spec.indicators[0]
    changed = attrs.evolve(
        spec,
        indicators=(attrs.evolve(ind, weight=ind.weight + 1), *spec.indicators[1:]),
        policy=attrs.evolve(spec.policy, total_cap=not spec.policy.total_cap),
    )
    assert canonical_json(changed) == _reference(changed)
    assert spec_sha256(changed) != before
    assert spec_sha256(spec) == before
    # the kept texts are bounded, and a digest after they were dropped is the same
    _digest._TEXTS.clear()
    assert spec_sha256(changed) == hashlib.sha256(_reference(changed).encode()).hexdigest()


# ---------------------------------------------------------------------------
# compiled indicators shared by specs made of the same objects (perfrules/core/_evaluate.py, _compiled_row)


def _with_weights(spec: perfrules.Spec, weights: dict[str, Decimal]) -> perfrules.Spec:
    inds = tuple(
        attrs.evolve(i, weight=weights[i.id]) if i.id in weights else i for i in spec.indicators
    )
    return attrs.evolve(spec, indicators=inds)


def test_specs_of_the_same_indicator_objects_share_their_compiled_rows() -> None:
    from perfrules.core import _evaluate

    spec, actuals = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    other = attrs.evolve(spec, meta=attrs.evolve(spec.meta, title="另一单位"))
    first = _evaluate._plan(spec).rows
    second = _evaluate._plan(other).rows
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert (
        perfrules.evaluate(other, actuals).indicators
        == perfrules.evaluate(spec, actuals).indicators
    )


def test_an_equal_weight_written_otherwise_is_never_taken_from_another_spec() -> None:
    """5.00 equals 5, but a result carries the weight its own spec wrote (str(weight) is in the tables)."""
    from perfrules.core import _evaluate

    spec, actuals = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    ind = spec.indicators[0]
    whole = Decimal(int(ind.weight))
    assert whole == ind.weight
    for weight in (whole, Decimal(f"{whole}.00"), Decimal(f"{whole}.0"), whole):
        warm = perfrules.evaluate(_with_weights(spec, {ind.id: weight}), actuals)
        _evaluate._ROWS.clear()
        cold = perfrules.evaluate(_with_weights(spec, {ind.id: weight}), actuals)
        assert str(warm.indicators[0].weight) == str(weight)
        assert repr(warm) == repr(cold)


# ---------------------------------------------------------------------------
# the garbage collector during a run (perfrules/batch/_run.py, fewer_collections)


def _table(folder: Path, units: int) -> Path:
    rows = ["unit,indicator,name,category,weight,comparator,target,actual,year"]
    for u in range(units):
        rows.append(f"u{u},a,数量,产出指标,60,≥,100,{90 + u},2024")
        rows.append(f"u{u},b,质量,效益指标,40,≥,95,{94 + u % 3},2024")
    path = folder / "t.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_run_collects_young_garbage_less_often_and_restores_the_thresholds(
    tmp_path: Path,
) -> None:
    import gc

    from perfrules.batch import _run, run_batch

    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    run_batch(
        _table(tmp_path, 3),
        tmp_path / "out.csv",
        audit=tmp_path / "audit.jsonl",
        progress=lambda done, total: during.append(gc.get_threshold()),
    )
    assert during and all(t == (_run.GC_THRESHOLD, *before[1:]) for t in during)
    assert gc.get_threshold() == before

    def fail(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(_table(tmp_path, 3), tmp_path / "out2.csv", progress=fail)
    assert gc.get_threshold() == before


def test_thresholds_changed_during_a_run_are_left_as_they_were_set(tmp_path: Path) -> None:
    import gc

    from perfrules.batch import _run

    before = gc.get_threshold()
    try:
        with _run.fewer_collections():
            with _run.fewer_collections():  # a second run meanwhile (another thread)
                assert gc.get_threshold()[0] == _run.GC_THRESHOLD
            assert gc.get_threshold()[0] == _run.GC_THRESHOLD  # the first still runs
            gc.set_threshold(1234, 5, 6)
        assert gc.get_threshold() == (1234, 5, 6)
    finally:
        gc.set_threshold(*before)
