"""The digest of specs of one shape from a template (``perfrules.core.DigestTemplate``).

A batch's units of one shape are one prototype spec with other numbers and meta texts; their
``spec_sha256`` is written from the prototype's canonical JSON with the text of those fields spliced
in. It must be ``spec_sha256`` of the spec byte for byte (worked out the whole way on a fresh copy),
for any values in the holes, and the template must refuse a spec that differs anywhere else.
"""

from __future__ import annotations

import hashlib
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.batch import _chunked, read_table, run_batch
from perfrules.core import DigestTemplate, show_dec, spec_sha256
from perfrules.core._digest import canonical_json
from perfrules.model import Spec
from perfrules.testing import cases


def _whole_way(spec: Spec) -> str:
    """The digest of an equal spec object that nothing has digested yet."""
    fresh = attrs.evolve(spec)
    assert fresh is not spec
    return hashlib.sha256(canonical_json(fresh).encode("utf-8")).hexdigest()


def _holes(spec: Spec) -> list[tuple[str, int, str]]:
    holes: list[tuple[str, int, str]] = [("meta", 0, k) for k in ("id", "title", "unit")]
    for j in range(len(spec.indicators)):
        holes += [("indicators", j, "weight"), ("indicators", j, "target")]
        holes += [("indicators", j, "round_to"), ("indicators", j, "method")]
    holes += [("categories", j, "weight") for j in range(len(spec.categories))]
    return holes


decimals = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=1000),
    st.sampled_from(
        [Decimal("0"), Decimal("-0"), Decimal("0.00"), Decimal("1E+2"), Decimal("2.50")]
    ),
)
texts = st.one_of(
    st.text(max_size=12), st.sampled_from(["\x000\x00", '"', "\\", "\u2028", "单位\n"])
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_indicators=6), st.data())
def test_a_template_gives_spec_sha256_for_any_values_in_its_holes(case: Any, data: Any) -> None:
    spec, _ = case
    template = DigestTemplate.of(spec, _holes(spec))
    assert template is not None
    indicators = []
    for ind in spec.indicators:
        changes: dict[str, Any] = {"weight": data.draw(decimals)}
        if ind.target is not None and hasattr(ind.target, "value"):
            # (an int where a Decimal was: not written as a number)
            value = data.draw(st.one_of(decimals, st.integers(-5, 5)))
            target = attrs.evolve(ind.target, value=value)
            if hasattr(target, "unit") and data.draw(st.booleans()):
                # a field of the hole's object that is not the prototype's own object
                target = attrs.evolve(target, unit=data.draw(texts))
            changes["target"] = target
        method = ind.method
        if method is not None and data.draw(st.booleans()):  # the method's numbers
            numbers = {
                f.name: data.draw(decimals)
                for f in attrs.fields(type(method))
                if type(getattr(method, f.name)) is Decimal
            }
            changes["method"] = attrs.evolve(method, **numbers)
        if data.draw(st.booleans()):
            changes["round_to"] = data.draw(st.one_of(st.none(), decimals))
        indicators.append(attrs.evolve(ind, **changes))
    categories = [attrs.evolve(c, weight=data.draw(decimals)) for c in spec.categories]
    meta = attrs.evolve(
        spec.meta, id=data.draw(texts), title=data.draw(texts), unit=data.draw(texts)
    )
    variant = attrs.evolve(
        spec, meta=meta, indicators=tuple(indicators), categories=tuple(categories)
    )
    assert template.fits(variant)
    assert template.text(variant) == canonical_json(attrs.evolve(variant))
    assert template.sha256(variant) == _whole_way(variant)
    assert spec_sha256(variant) == _whole_way(variant)  # the digest kept for the spec is that one
    assert template.sha256(spec) == _whole_way(spec)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_indicators=6), st.data())
def test_a_template_refuses_a_spec_that_differs_outside_its_holes(case: Any, data: Any) -> None:
    spec, _ = case
    holes = [h for h in _holes(spec) if h[2] != "weight"]  # weights are not holes here
    template = DigestTemplate.of(spec, holes)
    assert template is not None
    j = data.draw(st.integers(0, len(spec.indicators) - 1))
    ind = spec.indicators[j]
    what = data.draw(st.sampled_from(["weight", "name", "copy", "policy", "indicators"]))
    if what == "weight":  # another value, not a hole here
        other = attrs.evolve(ind, weight=ind.weight + 1)
    elif what == "name":
        other = attrs.evolve(ind, name=ind.name + "x")
    else:  # an equal value, not the prototype's own object: refused (2.5 and 2.50 are equal)
        other = attrs.evolve(ind, weight=Decimal(str(ind.weight)))
    if what == "copy":
        assert template.fits(
            attrs.evolve(spec, indicators=tuple(attrs.evolve(i) for i in spec.indicators))
        )  # new indicator objects of the same field objects: the same text
    if what == "policy":
        variant = attrs.evolve(spec, policy=attrs.evolve(spec.policy))
    elif what == "indicators":
        variant = attrs.evolve(spec, indicators=(*spec.indicators, ind))
    else:
        indicators = list(spec.indicators)
        indicators[j] = other
        variant = attrs.evolve(spec, indicators=tuple(indicators))
    assert not template.fits(variant)
    assert template.sha256(variant) is None
    assert spec_sha256(variant) == _whole_way(variant)


def test_a_prototype_holding_a_mark_is_refused_or_right() -> None:
    spec, _ = perfrules.load_example(
        Path(__file__).resolve().parents[1] / "examples" / "hunan-2024-general-office"
    )
    ind = spec.indicators[0]
    # the text a mark would take, in a field that is no hole: the template must not split there
    tricky = attrs.evolve(ind, name="\x000\x00", note="\x001\x00")
    spec = attrs.evolve(spec, indicators=(tricky, *spec.indicators[1:]))
    template = DigestTemplate.of(spec, _holes(spec))
    if template is not None:
        variant = attrs.evolve(
            spec, indicators=(attrs.evolve(tricky, weight=Decimal("7.5")), *spec.indicators[1:])
        )
        assert template.sha256(variant) == _whole_way(variant)
    assert DigestTemplate.of(spec, [("budget_execution", 0, "weight")]) is None
    assert DigestTemplate.of(spec, [("indicators", len(spec.indicators), "weight")]) is None
    assert DigestTemplate.of(spec, [("indicators", 0, "no_such_field")]) is None


def test_the_batch_workload_digests_come_from_the_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every unit of the benchmark workload: the digest its audit line shows is its spec's, whole way."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import _workload as W  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    (tmp_path / "bench-base.toml").write_text(W.BASE_SPEC, encoding="utf-8")
    W.write_csv(W.generate(40), tmp_path / "units.csv")
    built: list[Spec] = []
    real_build = _chunked.build

    def build(*args: Any) -> Any:
        spec, actuals = real_build(*args)
        built.append(spec)
        return spec, actuals

    spliced = [0]
    real_text = DigestTemplate.text

    def text(self: DigestTemplate, spec: Spec) -> str:
        spliced[0] += 1
        return real_text(self, spec)

    monkeypatch.setattr(_chunked, "build", build)
    monkeypatch.setattr(DigestTemplate, "text", text)
    run_batch(read_table(tmp_path / "units.csv"), tmp_path / "out.csv", engine="pure")
    assert len(built) == 40 and spliced[0] == 39  # all but the prototype's own unit
    for spec in built:
        assert spec_sha256(spec) == _whole_way(spec)


def test_a_template_refuses_a_spec_of_another_class() -> None:
    # a Spec subclass writes its own "@type": the prototype's text would give it another spec's digest
    spec, _ = perfrules.load_example(
        Path(__file__).resolve().parents[1] / "examples" / "hunan-2024-general-office"
    )
    template = DigestTemplate.of(spec, _holes(spec))
    assert template is not None

    @attrs.frozen(kw_only=True)
    class LocalSpec(Spec):
        pass

    sub = LocalSpec(**{a.alias: getattr(spec, a.name) for a in attrs.fields(Spec) if a.init})
    assert template.sha256(sub) is None
    assert spec_sha256(sub) == _whole_way(sub) != spec_sha256(spec)


# ---------------------------------------------------------------------------
# the layout: the template's text around the fields the batch's shape writer fills


def _json(value: Any) -> str:
    """A slot's JSON text, as canonical_json writes the value."""
    return json.dumps(show_dec(value) if type(value) is Decimal else value, ensure_ascii=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_indicators=6), st.data())
def test_a_layout_gives_spec_sha256_for_any_values_in_its_slots(case: Any, data: Any) -> None:
    """Each slot (a hole, or a Decimal field of a hole's object) given the text of a new value:
    the layout's text is the canonical JSON of the spec with those values, its digest the spec's;
    with some slots fixed to the prototype's texts, the same."""
    spec, _ = case
    template = DigestTemplate.of(spec, _layout_holes(spec))
    assert template is not None
    layout = template.layout()
    assert layout is not None
    assert len(layout.pieces) == len(layout.slots) + 1
    values: dict[Any, Any] = {}
    for slot in layout.slots:
        part, j, name, field = slot
        entry = spec.meta if part == "meta" else getattr(spec, part)[j]
        held = getattr(entry, name) if field is None else getattr(getattr(entry, name), field)
        values[slot] = data.draw(decimals if type(held) is Decimal else texts)
    changed: dict[tuple[str, int], dict[str, Any]] = {}
    for (part, j, name, field), value in values.items():
        fields = changed.setdefault((part, j), {})
        if field is None:
            fields[name] = value
        else:
            entry = spec.meta if part == "meta" else getattr(spec, part)[j]
            inner = fields.get(name, getattr(entry, name))
            fields[name] = attrs.evolve(inner, **{field: value})
    parts: dict[str, list[Any]] = {
        "meta": [spec.meta],
        "indicators": list(spec.indicators),
        "categories": list(spec.categories),
    }
    for (part, j), fields in changed.items():
        parts[part][j] = attrs.evolve(parts[part][j], **fields)
    variant = attrs.evolve(
        spec,
        meta=parts["meta"][0],
        indicators=tuple(parts["indicators"]),
        categories=tuple(parts["categories"]),
    )
    filled = [_json(values[slot]) for slot in layout.slots]
    assert layout.text(filled) == canonical_json(attrs.evolve(variant))
    assert layout.sha256(filled) == _whole_way(variant)
    # slots fixed to the prototype's texts: the prototype's values there
    keep = data.draw(st.sets(st.sampled_from(layout.slots))) if layout.slots else set()
    prototype = {slot: _json(_held(spec, slot)) for slot in keep}
    fixed = layout.fixed(prototype)
    assert fixed.slots == tuple(s for s in layout.slots if s not in keep)
    mixed = [prototype[s] if s in keep else _json(values[s]) for s in layout.slots]
    assert fixed.text([_json(values[s]) for s in fixed.slots]) == layout.text(mixed)


def _layout_holes(spec: Spec) -> list[tuple[str, int, str]]:
    """The holes of :func:`_holes` that hold a Decimal or a str, a target with a value or a
    method (those a layout writes: a hole holding None has no slot)."""
    holes = []
    for part, j, name in _holes(spec):
        held = getattr(spec.meta if part == "meta" else getattr(spec, part)[j], name)
        if type(held) in (Decimal, str) or (name == "target" and hasattr(held, "value")):
            holes.append((part, j, name))
        elif name == "method" and held is not None:
            holes.append((part, j, name))
    return holes


def _held(spec: Spec, slot: Any) -> Any:
    part, j, name, field = slot
    entry = spec.meta if part == "meta" else getattr(spec, part)[j]
    held = getattr(entry, name)
    return held if field is None else getattr(held, field)


def test_a_layout_of_the_seed_example_writes_its_digest() -> None:
    """The seed example's holes that a layout writes: its own values in the slots, its digest;
    a hole holding None (a qualitative row's target, a round_to not given): no layout."""
    spec, _ = perfrules.load_example(
        Path(__file__).resolve().parents[1] / "examples" / "hunan-2024-general-office"
    )
    template = DigestTemplate.of(spec, _layout_holes(spec))
    assert template is not None
    layout = template.layout()
    assert layout is not None and len(layout.slots) >= len(spec.indicators)
    texts = [_json(_held(spec, slot)) for slot in layout.slots]
    assert layout.sha256(texts) == _whole_way(spec)
    every = DigestTemplate.of(spec, _holes(spec))
    assert every is not None and every.layout() is None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(), min_size=1, max_size=8).flatmap(
        lambda pieces: st.tuples(
            st.just(pieces), st.lists(st.text(), min_size=len(pieces) - 1, max_size=len(pieces) - 1)
        )
    )
)
def test_a_layouts_digest_is_the_hash_of_its_text(drawn: tuple[list[str], list[str]]) -> None:
    """``DigestLayout.sha256`` encodes only the slots' texts (joined and split at NULs): it is
    the SHA-256 of :meth:`DigestLayout.text`'s UTF-8 for any pieces and texts (a NUL or Chinese
    among them), and refuses texts of the wrong number."""
    from perfrules.core._digest import DigestLayout

    pieces, texts = drawn
    slots = tuple(("indicators", k, "weight", None) for k in range(len(texts)))
    layout = DigestLayout(tuple(pieces), slots)  # type: ignore[arg-type]
    text = layout.text(texts)
    assert layout.sha256(texts) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    with pytest.raises(ValueError, match="slots given"):
        layout.sha256([*texts, "1"])
