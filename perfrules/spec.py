"""Deprecated: the old name of :mod:`perfrules.loading`.

``perfrules.spec`` was renamed ``perfrules.loading`` ("spec" already names the
model class, the ``spec.toml`` file, the ``specs/`` folder and a batch
column). Every public name of :mod:`perfrules.loading` is still reachable here
(``from perfrules.spec import load_spec`` keeps working) and warns with a
:class:`DeprecationWarning` on use; ``dir()`` does not list them, so that tools
walking the module do not warn. The private modules ``perfrules.spec._*`` are
gone. Import from :mod:`perfrules.loading` instead.
"""

from __future__ import annotations

import warnings
from typing import Any

import perfrules.loading as _loading

__all__ = list(_loading.__all__)


def __getattr__(name: str) -> Any:
    if name in _loading.__all__:
        warnings.warn(
            f"perfrules.spec is deprecated: import {name} from perfrules.loading instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_loading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
