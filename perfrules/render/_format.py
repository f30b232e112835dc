"""Small text helpers shared by the renderables."""

from __future__ import annotations

from decimal import Decimal

from perfrules.model import format_decimal


def pts(value: Decimal | None) -> str:
    """Points as the forms print them: ``9``, ``2.85``."""
    return "" if value is None else format_decimal(value)


def amount(value: Decimal | None) -> str:
    """An amount with its own precision (``32909.2``)."""
    return "" if value is None else format_decimal(value)
