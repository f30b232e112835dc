"""Pure: replacing one value of a TOML text, or adding a key to a table, leaving every other byte
alone.

Used by ``perfrules test --update``: comments, layout, key order, the other
cases and every key not re-recorded stay exactly as written. Positions come
from the spec loader's key-path index (line and column of each key).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal

from perfrules._errors import PathKey, PerfrulesError
from perfrules.model import format_decimal

Position = tuple[int, int]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_TOKEN_END = frozenset(" \t\r\n,]}#")


class EditError(PerfrulesError, ValueError):
    """The text cannot be edited at that path (it is not written in a form the editor knows)."""


def toml_value(value: Decimal | str | tuple[str, ...]) -> str:
    """``value`` as TOML: ``9.45``, ``"优"``, ``["overshoot"]``."""
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, quoted otherwise."""
    return key if _BARE.fullmatch(key) else json.dumps(key, ensure_ascii=False)


class _Text:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def offset(self, pos: Position) -> int:
        line, column = pos
        return self.starts[line - 1] + column - 1

    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_end(self, i: int) -> int:
        """Index just after the line break ending the line of ``i`` (the text's end when none)."""
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def skip_ws(self, i: int, *, newlines: bool = False) -> int:
        t = self.text
        while i < len(t):
            if t[i] in " \t" or (newlines and t[i] in "\r\n"):
                i += 1
            elif newlines and t[i] == "#":
                j = t.find("\n", i)
                i = len(t) if j < 0 else j
            else:
                break
        return i

    def skip_key_part(self, i: int) -> int:
        t = self.text
        if i < len(t) and t[i] in "\"'":
            return self.string_end(i)
        j = i
        while j < len(t) and (t[j].isalnum() or t[j] in "_-") and t[j].isascii():
            j += 1
        if j == i:
            raise EditError(f"no key at offset {i}")
        return j

    def value_start(self, key_at: int) -> int | None:
        """Where the value of the key-value whose (last) key part starts at ``key_at`` begins;
        None if no ``=``."""
        i = self.skip_ws(self.skip_key_part(key_at))
        if i >= len(self.text) or self.text[i] != "=":
            return None
        return self.skip_ws(i + 1)

    def string_end(self, i: int) -> int:
        t = self.text
        for delim in ('"""', "'''"):
            if t.startswith(delim, i):
                j = i + 3
                while j < len(t):
                    if delim == '"""' and t[j] == "\\":
                        j += 2
                    elif t.startswith(delim, j):
                        end = j + 3  # up to two more quotes belong to the content: """a""""
                        while end < len(t) and end < j + 5 and t[end] == delim[0]:
                            end += 1
                        return end
                    else:
                        j += 1
                raise EditError("unterminated string")
        quote = t[i]
        j = i + 1
        while j < len(t) and t[j] != "\n":
            if quote == '"' and t[j] == "\\":
                j += 2
                continue
            if t[j] == quote:
                return j + 1
            j += 1
        raise EditError("unterminated string")

    def value_end(self, i: int) -> int:
        t = self.text
        if i >= len(t):
            raise EditError("no value")
        c = t[i]
        if c in "\"'":
            return self.string_end(i)
        if c == "[":
            j = i + 1
            while True:
                j = self.skip_ws(j, newlines=True)
                if j >= len(t):
                    raise EditError("unterminated array")
                if t[j] == "]":
                    return j + 1
                j = self.skip_ws(self.value_end(j), newlines=True)
                if j < len(t) and t[j] == ",":
                    j += 1
        if c == "{":
            j = i + 1
            while True:
                j = self.skip_ws(j, newlines=True)
                if j >= len(t):
                    raise EditError("unterminated inline table")
                if t[j] == "}":
                    return j + 1
                while True:  # a possibly dotted key
                    j = self.skip_ws(self.skip_key_part(self.skip_ws(j)))
                    if j < len(t) and t[j] == ".":
                        j += 1
                        continue
                    break
                if j >= len(t) or t[j] != "=":
                    raise EditError("malformed inline table")
                j = self.skip_ws(self.value_end(self.skip_ws(j + 1)), newlines=True)
                if j < len(t) and t[j] == ",":
                    j += 1
        j = i
        while j < len(t) and t[j] not in _TOKEN_END:
            j += 1
        # a local date-time may be written with a space: 1979-05-27 07:32:00
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t[i:j]) and re.match(r" \d{2}:", t[j : j + 4]):
            j += 1
            while j < len(t) and t[j] not in _TOKEN_END:
                j += 1
        if j == i:
            raise EditError("no value")
        return j


Edit = tuple[int, int, str]  # start, end, replacement


def replace_value(
    text: str, positions: Mapping[PathKey, Position], path: PathKey, new: str
) -> Edit:
    """The edit that writes ``new`` (TOML) as the value of the key at ``path``."""
    t = _Text(text)
    pos = positions.get(path)
    if pos is None:
        raise EditError(f"{path!r} is not written in the text")
    start = t.value_start(t.offset(pos))
    if start is None:
        raise EditError(f"{path!r} is a table, not a value")
    end = t.value_end(start)
    gap = t.skip_ws(end) - end
    # keep a trailing comment in its column when there is room
    if gap and text[end + gap : end + gap + 1] == "#":
        pad = max(1, gap - (len(new) - (end - start)))
        return (start, end + gap, new + " " * pad)
    return (start, end, new)


def add_key(
    text: str, positions: Mapping[PathKey, Position], table: PathKey, key: str, new: str
) -> Edit:
    """The edit that adds ``key = new`` to the table at ``table`` (a [header] table, dotted keys
    or inline)."""
    t = _Text(text)
    entry = f"{toml_key(key)} = {new}"
    nl = "\r\n" if "\r\n" in text else "\n"
    pos = positions.get(table)
    if pos is not None:
        at = t.offset(pos)
        start = t.value_start(at)
        if start is not None:
            if text[start] != "{":
                raise EditError(f"{table!r} is not a table")
            end = t.value_end(start)
            inner = text[start + 1 : end - 1]
            if not inner.strip():
                return (start, end, "{ " + entry + " }")
            close = start + 1 + len(inner.rstrip())
            return (close, close, ", " + entry)
    children = [
        (t.offset(p), k)
        for k, p in positions.items()
        if len(k) == len(table) + 1 and k[: len(table)] == table
    ]
    if children:
        key_at = max(children)[0]
        value_at = t.value_start(key_at)
        if value_at is None:
            raise EditError(f"cannot add a key after {table!r}")
        prefix = text[t.line_start(key_at) : key_at]  # indentation, and the dotted prefix if any
        after = t.line_end(t.value_end(value_at))
        lead = "" if after == 0 or text[after - 1] == "\n" else nl
        return (after, after, lead + prefix + entry + nl)
    if pos is None:
        raise EditError(f"{table!r} is not written in the text")
    after = t.line_end(t.offset(pos))  # an empty [header] table: right below its header
    lead = "" if text[after - 1 : after] == "\n" else nl
    return (after, after, lead + entry + nl)


def apply(text: str, edits: list[Edit]) -> str:
    """``text`` with every edit made (edits must not overlap; insertions at one place keep their
    order)."""
    ordered = sorted(enumerate(edits), key=lambda e: (e[1][0], e[0]), reverse=True)
    for _, (start, end, new) in ordered:
        text = text[:start] + new + text[end:]
    return text
