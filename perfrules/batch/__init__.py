"""Batch scoring of many units from one long table (docs/batch.md)."""

from perfrules.batch._chunk import (
    CATEGORY_COLUMNS,
    INDICATOR_COLUMNS,
    UNIT_COLUMNS,
    Chunk,
    ChunkResult,
)

__all__ = [
    "CATEGORY_COLUMNS",
    "INDICATOR_COLUMNS",
    "UNIT_COLUMNS",
    "Chunk",
    "ChunkResult",
]
