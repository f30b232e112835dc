"""Text templates compiled once and filled by one join (the full-document writer's rows).

A :class:`Fill` is a sequence of literal texts and field numbers. ``fill(values)``
gives what ``str.format(*values)`` gives for the same template, without parsing
the template again on every call: its literals sit at the even places of a list,
the values it names are picked into the odd places at once, and the list is
joined. The document writer (:mod:`perfrules.core._fastdoc`) fills one per row of
every unit, so this is the cost it pays per row; ``tests/test_fill.py`` holds
``fill`` equal to ``str.format``.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

__all__ = ["Fill", "Piece", "encode_each", "pieces"]

Piece = str | int  # a literal text, or the number of the value that goes there


def encode_each(texts: Sequence[str]) -> list[bytes] | None:
    """Each text's UTF-8, made by one encoding: the texts joined by NULs, encoded at once and
    split (many short texts cost one call); None when a text holds a NUL (encode them apart)."""
    encoded = "\0".join(texts).encode().split(b"\0")
    return encoded if len(encoded) == len(texts) else None


def pieces(fmt: str) -> list[Piece]:
    """The literal texts and field numbers of a ``str.format`` template of bare positional fields
    (``{0}``, ``{1}``…; ``{{`` and ``}}`` for braces)."""
    made: list[Piece] = []
    for literal, field, spec, conversion in string.Formatter().parse(fmt):
        if literal:
            if made and isinstance(made[-1], str):
                made[-1] += literal  # an escaped brace splits a text in two
            else:
                made.append(literal)
        if field is not None:
            if not field.isdigit() or spec or conversion:
                raise ValueError(f"not a bare positional field: {{{field}}} in {fmt!r}")
            made.append(int(field))
    return made


class Fill:
    """Literal texts and value numbers, joined by :meth:`fill` (``str.format`` compiled once)."""

    __slots__ = ("_literals", "_encoded", "_pick", "_fields", "_one", "uses")

    def __init__(self, parts: Sequence[Piece]) -> None:
        literals = [""]
        fields: list[int] = []
        for part in parts:
            if isinstance(part, str):
                literals[-1] += part
            else:
                if part < 0:
                    raise ValueError(f"a field number is never negative: {part}")
                fields.append(part)
                literals.append("")
        template: list[Any] = [None] * (2 * len(fields) + 1)
        template[0::2] = literals
        self._literals: list[Any] = template  # the odd places are filled per call
        # the same as UTF-8, for :meth:`fill_bytes`
        self._encoded: list[Any] = [None] * len(template)
        self._encoded[0::2] = [literal.encode() for literal in literals]
        self._fields = tuple(fields)
        self.uses = frozenset(
            fields
        )  # the value numbers the text names (a value not named may be "")
        # itemgetter of one index gives the value itself, not a 1-tuple
        self._one = len(fields) == 1
        self._pick = itemgetter(*fields) if fields else None

    @classmethod
    def format(cls, fmt: str) -> Fill:
        """The fill of a ``str.format`` template of bare positional fields."""
        return cls(pieces(fmt))

    @property
    def fields(self) -> tuple[int, ...]:
        """The value numbers, in the order the text names them."""
        return self._fields

    def fill(self, values: Sequence[str]) -> str:
        """The text with ``values[n]`` at each field ``n`` (as ``str.format(*values)``)."""
        pick = self._pick
        if pick is None:
            return str(self._literals[0])
        out = self._literals.copy()
        if self._one:
            out[1] = pick(values)
        else:
            out[1::2] = pick(values)
        return "".join(out)

    def fill_bytes(self, values: Sequence[str]) -> bytes:
        """``fill(values).encode()``, made without encoding the literal texts again: the values
        encoded at once (:func:`encode_each`), then joined with the literals' UTF-8 (a value
        holding a NUL: the text encoded whole)."""
        pick = self._pick
        if pick is None:
            return bytes(self._encoded[0])
        encoded = encode_each(values)
        if encoded is None:
            return self.fill(values).encode()
        out = self._encoded.copy()
        if self._one:
            out[1] = pick(encoded)
        else:
            out[1::2] = pick(encoded)
        return b"".join(out)
