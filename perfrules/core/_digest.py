"""A content digest of a spec that ignores formatting, comments and key order."""

from __future__ import annotations

import enum
import hashlib
import json
from decimal import Decimal
from typing import Any

import attrs

from perfrules.core._exact import show_dec
from perfrules.model import Spec


def canonical(value: Any) -> Any:
    """A JSON-ready, canonical form of a model value (Decimals as normalised strings)."""
    kind = type(value)
    shape = _SHAPES.get(kind)
    if shape is None and kind not in _PLAIN:
        shape = _shape(kind)
    if shape is not None:
        head, names, omit = shape
        out: dict[str, Any] = dict(head)
        for name in names:
            field = getattr(value, name)
            if omit and name in omit and field == omit[name]:
                continue  # a field added later, at its default: digests of older specs unchanged
            kind = type(field)
            if field is None or kind in _SCALARS:
                out[name] = field
            elif kind is Decimal:
                out[name] = show_dec(field)  # format_decimal(field)
            elif kind is tuple:
                out[name] = [canonical(v) for v in field]
            else:
                out[name] = canonical(field)
        return out
    if isinstance(value, Decimal):
        return show_dec(value)  # format_decimal(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    return value


# attrs classes: the fixed part of their canonical form, the fields that follow, and those left out at
# their default (metadata ``digest_omit_default``) (worked out once per class)
_SHAPES: dict[type, tuple[dict[str, str], tuple[str, ...], dict[str, Any]]] = {}
_PLAIN: set[type] = set()  # classes that are not attrs classes
_SCALARS = frozenset({str, int, bool})  # canonical as they are


def _shape(kind: type) -> tuple[dict[str, str], tuple[str, ...], dict[str, Any]] | None:
    if not attrs.has(kind):
        _PLAIN.add(kind)
        return None
    head = {"@type": kind.__name__}
    name = getattr(kind, "name", None)
    if isinstance(name, str) and not attrs.fields_dict(kind).get("name"):
        head["@name"] = name  # scoring methods name themselves by a class variable
    fields = [f for f in attrs.fields(kind) if f.eq is not False]
    omit = {f.name: f.default for f in fields if f.metadata.get("digest_omit_default")}
    shape = (head, tuple(f.name for f in fields), omit)
    _SHAPES[kind] = shape
    return shape


def spec_sha256(spec: Spec) -> str:
    """SHA-256 of the spec's canonical JSON: equal specs have equal digests."""
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """``json.dumps(canonical(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))``, byte for byte.

    Written directly, without the intermediate dicts: each attrs class's keys
    are sorted once, and the text of each part of a spec (a model object or a
    tuple; never a whole spec) is kept by identity, for the last two thousand
    or so written. Specs of one batch shape share most of their parts (tiers,
    grades, policy, rounding, methods): each is written once, not per spec.
    """
    if type(value) is Spec:  # a spec is digested once (evaluate keeps it): only its parts are kept
        keys, omit = _sorted_shape(Spec) or ((), {})
        return _object_text(value, keys, omit)
    return _text(value)


_encode_str = (
    json.encoder.encode_basestring
)  # what json.dumps(ensure_ascii=False) writes a str with

# model objects and tuples → (the object, its canonical JSON), by identity; the entry keeps the object alive,
# so its id names it for as long as the entry is kept
_TEXTS: dict[int, tuple[object, str]] = {}
_TEXTS_KEPT = 2048

# attrs classes: their canonical keys in sorted order, each with its constant text (a head key) or
# ``None`` (a field, written from the value), and the fields left out at their default
_SORTED: dict[type, tuple[tuple[tuple[str, str, str | None], ...], dict[str, Any]] | None] = {}


def _sorted_shape(
    kind: type,
) -> tuple[tuple[tuple[str, str, str | None], ...], dict[str, Any]] | None:
    hit = _SORTED.get(kind, _SORTED)
    if hit is not _SORTED:
        return hit  # type: ignore[return-value]
    shape = _SHAPES.get(kind) if kind in _SHAPES else (None if kind in _PLAIN else _shape(kind))
    if shape is None:
        _SORTED[kind] = None
        return None
    head, names, omit = shape
    keys: list[tuple[str, str, str | None]] = [
        (k, _encode_str(k) + ":", _encode_str(v)) for k, v in head.items()
    ]
    keys += [(n, _encode_str(n) + ":", None) for n in names if n not in head]
    keys.sort(key=lambda k: k[0])
    out = (tuple(keys), omit)
    _SORTED[kind] = out
    return out


def _text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        text: str = _encode_str(value)
        return text
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is Decimal:
        shown: str = _encode_str(show_dec(value))
        return shown
    if kind is tuple:
        hit = _TEXTS.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        text = "[" + ",".join([_text(v) for v in value]) + "]"
        _keep(value, text)
        return text
    shape = _sorted_shape(kind)
    if shape is None:
        if isinstance(value, enum.Enum):
            return _text(value.value)
        # anything else as canonical() and json.dumps write it
        return json.dumps(
            canonical(value), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
    hit = _TEXTS.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    text = _object_text(value, *shape)
    _keep(value, text)
    return text


def _object_text(
    value: Any, keys: tuple[tuple[str, str, str | None], ...], omit: dict[str, Any]
) -> str:
    parts: list[str] = []
    for name, key, constant in keys:
        if constant is not None:
            parts.append(key + constant)
            continue
        field = getattr(value, name)
        if omit and name in omit and field == omit[name]:
            continue  # a field added later, at its default: digests of older specs unchanged
        kind = type(field)  # the commonest leaves written here, the rest by _text
        if kind is str:
            parts.append(key + _encode_str(field))
        elif field is None:
            parts.append(key + "null")
        elif kind is Decimal:
            parts.append(key + _encode_str(show_dec(field)))
        else:
            parts.append(key + _text(field))
    return "{" + ",".join(parts) + "}"


def _keep(value: object, text: str) -> None:
    if len(_TEXTS) >= _TEXTS_KEPT:
        _TEXTS.clear()
    _TEXTS[id(value)] = (value, text)
