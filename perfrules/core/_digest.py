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
    text = json.dumps(canonical(spec), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
