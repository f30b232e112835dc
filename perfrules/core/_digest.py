"""A content digest of a spec that ignores formatting, comments and key order."""

from __future__ import annotations

import enum
import hashlib
import json
from decimal import Decimal
from typing import Any

import attrs

from perfrules.model import Spec, format_decimal


def canonical(value: Any) -> Any:
    """A JSON-ready, canonical form of a model value (Decimals as normalised strings)."""
    if attrs.has(type(value)):
        out: dict[str, Any] = {"@type": type(value).__name__}
        name = getattr(type(value), "name", None)
        if isinstance(name, str) and not attrs.fields_dict(type(value)).get("name"):
            out["@name"] = name  # scoring methods name themselves by a class variable
        for f in attrs.fields(type(value)):
            if f.eq is False:
                continue
            out[f.name] = canonical(getattr(value, f.name))
        return out
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    return value


def spec_sha256(spec: Spec) -> str:
    """SHA-256 of the spec's canonical JSON: equal specs have equal digests."""
    text = json.dumps(canonical(spec), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
