"""Chinese wording shared by the scoring methods and the full-marks answers."""

from __future__ import annotations

from perfrules.core._exact import show_dec
from perfrules.model import Band


def band_text(band: Band) -> str:
    """A band as the forms write it: ``80（含）至90（不含）``, ``90（含）以上``, ``低于60（不含）``."""
    lo = (
        ""
        if band.min is None
        else f"{show_dec(band.min)}{'（含）' if band.min_inclusive else '（不含）'}"
    )
    hi = (
        ""
        if band.max is None
        else f"{show_dec(band.max)}{'（含）' if band.max_inclusive else '（不含）'}"
    )
    if band.min is None:
        return f"低于{hi}" if hi else "任意值"
    if band.max is None:
        return f"{lo}以上"
    return f"{lo}至{hi}"
