"""A framework's flattened values, the base a hand-filled form is read on.

perfrules.spec has no public call that flattens a framework without a unit
spec around it, so this module drives the same resolver ``loads_spec`` uses
(``perfrules.spec._extends.resolve``) with a unit spec that only names the
framework and the form's meta; the result is the data a unit spec extending
the framework starts from.
"""

from __future__ import annotations

from typing import Any

from perfrules._errors import Problem
from perfrules.model import FrameworkInfo, SourceMap
from perfrules.spec._extends import resolve
from perfrules.spec._load import _read_toml


def resolve_framework(framework: str, meta: dict[str, Any]) -> tuple[dict[str, Any], FrameworkInfo | None, list[Problem]]:
    """The flat data of ``framework`` for a unit with ``meta`` (its year picks the version), its info, problems."""
    probe: dict[str, Any] = {"extends": framework, "meta": dict(meta)}
    res = resolve(probe, SourceMap(file=None, positions={}), read=_read_toml, structural=lambda data, source: [])
    return res.data, res.framework, list(res.problems)
