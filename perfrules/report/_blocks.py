"""A small document model shared by the Markdown and HTML reports, so that both say the same thing.

The audit trail (``_audit.py``) is built once as a sequence of blocks; each
format only decides how a block looks. Every string in a block is plain text:
the renderers escape it for their format.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

RowRole = Literal["row", "group", "subtotal", "total", "not_applicable"]
ParaRole = Literal["plain", "body", "cover", "cover_title", "placeholder", "draft", "note"]
"""How a paragraph of the whole report looks: ``body`` (indented 公文 text), the cover page's
lines, a ``placeholder`` for a section the unit has not written, a ``draft`` perfrules wrote for
the unit to check, a ``note`` (the footnotes)."""


@attrs.frozen(kw_only=True)
class Heading:
    """A heading; ``anchor`` is an id the HTML page gives it."""

    level: int
    text: str
    anchor: str | None = None


@attrs.frozen(kw_only=True)
class Para:
    """A paragraph of plain text (``strong``: the key line of a section)."""

    text: str
    strong: bool = False
    role: ParaRole = "plain"


@attrs.frozen(kw_only=True)
class Items:
    """A bulleted or numbered list."""

    items: tuple[str, ...]
    ordered: bool = False


@attrs.frozen(kw_only=True)
class Row:
    """A table row; ``role`` marks 一级/二级 subtotal rows, the total and not-applicable rows."""

    cells: tuple[str, ...]
    role: RowRole = "row"


@attrs.frozen(kw_only=True)
class Table:
    """A table; the columns in ``numeric`` are right-aligned."""

    head: tuple[str, ...]
    rows: tuple[Row, ...]
    numeric: frozenset[int] = frozenset()


@attrs.frozen(kw_only=True)
class ChartSlot:
    """Where the HTML page draws the chart of points lost by category (Markdown: nothing)."""


@attrs.frozen(kw_only=True)
class PageBreak:
    """A new page (after the cover; Markdown and the plain text show nothing)."""


Block: TypeAlias = Heading | Para | Items | Table | ChartSlot | PageBreak
