"""The audit trail as Markdown (CommonMark with GitHub tables).

Text from the spec and actuals is escaped: Markdown punctuation and ``<``,
``>``, ``&`` get a backslash, so a name such as ``<script>`` shows as text
and never becomes HTML, and ``|`` cannot break a table; control characters
(a terminal escape sequence in a name) are shown as escapes (``\\x1b``,
``perfrules._safe_text``), so the file is safe to print in a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable

from perfrules._errors import Lang
from perfrules._safe_text import escape_controls
from perfrules.core import Evaluation
from perfrules.report._audit import audit_blocks
from perfrules.report._blocks import Block, ChartSlot, Heading, Items, PageBreak, Para, Table
from perfrules.report._text import one_line

_SPECIAL = set("\\`*_[]<>&|#~")


def md_escape(text: str) -> str:
    """Plain text made safe for Markdown: special punctuation backslash-escaped, one line,
    control characters escaped."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in escape_controls(one_line(text)))


def _cell(text: str) -> str:
    return md_escape(text) if text else " "


def _table(t: Table) -> list[str]:
    lines = [
        "| " + " | ".join(_cell(h) for h in t.head) + " |",
        "|" + "|".join("---:" if i in t.numeric else "---" for i in range(len(t.head))) + "|",
    ]
    for row in t.rows:
        cells = [_cell(c) for c in row.cells]
        if row.role in ("group", "total"):
            cells = [f"**{c}**" if c.strip() else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _block(b: Block) -> list[str]:
    if isinstance(b, Heading):
        return ["#" * b.level + " " + md_escape(b.text)]
    if isinstance(b, Para):
        if b.role == "placeholder":
            return [f"> {md_escape(b.text)}"]
        if b.role == "cover_title":
            return [f"**{md_escape(b.text)}**"]
        return [f"**{md_escape(b.text)}**" if b.strong else md_escape(b.text)]
    if isinstance(b, PageBreak):
        return []
    if isinstance(b, Items):
        return [
            (f"{i}. " if b.ordered else "- ") + md_escape(item) for i, item in enumerate(b.items, 1)
        ]
    if isinstance(b, Table):
        return _table(b)
    assert isinstance(b, ChartSlot)
    return []  # Markdown has no chart; the table that follows holds its data


def render_markdown(blocks: Iterable[Block]) -> str:
    """Blocks as one Markdown document."""
    chunks = ["\n".join(lines) for lines in (_block(b) for b in blocks) if lines]
    return "\n\n".join(chunks) + "\n"


def to_markdown(evaluation: Evaluation, *, lang: Lang = "zh") -> str:
    """The audit trail of an evaluation as one Markdown document (Chinese, or English with
    ``lang="en"``)."""
    return render_markdown(audit_blocks(evaluation, lang))
