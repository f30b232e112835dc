"""Map TOML key paths to the source positions of their keys.

Neither :mod:`tomllib` nor cattrs reports line numbers for *semantic* errors
(a value of the wrong type, an unknown comparator, ...).  This module provides
a small, forgiving scanner that walks a TOML document which ``tomllib.loads``
has already accepted and records, for every key path, where that key appears.

Paths mirror the structure returned by ``tomllib.loads``: ``str`` items for
table keys and ``int`` items for array indexes.  Positions are ``(line,
column)`` pairs, both 1-based, with columns counted in Unicode code points.

The scanner assumes valid TOML 1.0.  Should it meet anything it does not
understand, it stops and returns the positions collected so far; it never
raises.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import TypeAlias

__all__ = ["LazyPositions", "PathKey", "Position", "index_positions"]

PathKey: TypeAlias = tuple[str | int, ...]
Position: TypeAlias = tuple[int, int]

_DIGITS = frozenset("0123456789")
_BARE_KEY_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)
_WHITESPACE = frozenset(" \t")
# Characters that terminate an unquoted value token (number, bool, date, ...).
_TOKEN_END = frozenset(" \t\r\n,]}#")
_SIMPLE_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",  # TOML 1.1; harmless for 1.0 input
    '"': '"',
    "\\": "\\",
}
_HEX_ESCAPE_LENGTHS = {"u": 4, "U": 8, "x": 2}  # "x" is TOML 1.1


class _Stop(Exception):
    """Internal signal: the scanner met input it does not understand."""


class LazyPositions(Mapping[PathKey, Position]):
    """:func:`index_positions` of a text, computed when a position is first asked for.

    A spec that loads without a problem is rarely asked where a key is, so
    the scan (a few milliseconds a file) is left until a problem, a lint
    finding or an explanation needs a line number.
    """

    __slots__ = ("_text", "_positions")

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._positions: dict[PathKey, Position] | None = None

    def _index(self) -> dict[PathKey, Position]:
        if self._positions is None:
            self._positions = index_positions(self._text or "")
            self._text = None
        return self._positions

    def __getitem__(self, key: PathKey) -> Position:
        return self._index()[key]

    def __iter__(self) -> Iterator[PathKey]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())

    def __reduce__(self) -> tuple[type[dict[PathKey, Position]], tuple[dict[PathKey, Position]]]:
        return (dict, (self._index(),))


def index_positions(text: str) -> dict[PathKey, Position]:
    """Map every key path in a TOML document to the (line, column) of its key.

    Both numbers are 1-based; columns count Unicode code points.  Table keys
    point at the first character of the key (the opening quote for quoted
    keys); array elements point at the element's first character; tables
    created by ``[header]`` / ``[[header]]`` lines point at the corresponding
    key inside the header.  For implicitly created parent tables the first
    occurrence wins.

    The input should be text that ``tomllib.loads`` accepted.  The function
    never raises: on anything it cannot understand it returns the positions
    gathered so far.
    """
    scanner = _Scanner(text)
    try:
        scanner.scan_document()
    except (_Stop, RecursionError):
        pass
    return scanner.positions


def _is_date(token: str) -> bool:
    """Return True if *token* looks like a ``YYYY-MM-DD`` local date."""
    return (
        len(token) == 10
        and token[4] == "-"
        and token[7] == "-"
        and all(token[k] in _DIGITS for k in (0, 1, 2, 3, 5, 6, 8, 9))
    )


class _Scanner:
    """Single-use cursor over a TOML document collecting key positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.end = len(text)
        self.i = 0
        self.positions: dict[PathKey, Position] = {}
        # Resolved path of each array of tables -> number of elements so far.
        self._aot_counts: dict[PathKey, int] = {}
        self._line_starts = [0]
        self._line_starts.extend(k + 1 for k, ch in enumerate(text) if ch == "\n")

    # ----------------------------------------------------------- low level
    def peek(self) -> str:
        """Return the current character, or ``""`` at end of input."""
        return self.text[self.i] if self.i < self.end else ""

    def expect(self, literal: str) -> None:
        """Consume *literal* or stop scanning."""
        if not self.text.startswith(literal, self.i):
            raise _Stop
        self.i += len(literal)

    def record(self, path: PathKey, index: int) -> None:
        """Remember the position of *index* for *path* unless already known."""
        if path not in self.positions:
            line = bisect_right(self._line_starts, index) - 1
            self.positions[path] = (line + 1, index - self._line_starts[line] + 1)

    def skip_whitespace(self) -> None:
        """Skip spaces and tabs."""
        while self.i < self.end and self.text[self.i] in _WHITESPACE:
            self.i += 1

    def skip_comment(self) -> None:
        """Skip a ``#`` comment up to (not including) the line break."""
        if self.peek() == "#":
            newline = self.text.find("\n", self.i)
            self.i = self.end if newline < 0 else newline

    def skip_newline(self) -> bool:
        """Consume one ``\\n`` or ``\\r\\n``; return whether one was found."""
        for newline in ("\n", "\r\n"):
            if self.text.startswith(newline, self.i):
                self.i += len(newline)
                return True
        return False

    def skip_trivia(self) -> None:
        """Skip whitespace, comments and line breaks (inside arrays)."""
        while True:
            self.skip_whitespace()
            self.skip_comment()
            if not self.skip_newline():
                return

    # ---------------------------------------------------------- structure
    def scan_document(self) -> None:
        """Scan the whole document, line by line."""
        current: PathKey = ()
        while True:
            self.skip_whitespace()
            self.skip_comment()
            if self.i >= self.end:
                return
            if self.skip_newline():
                continue
            if self.peek() == "[":
                current = self.scan_header()
            else:
                self.scan_key_value(current)
            self.skip_whitespace()
            self.skip_comment()
            if self.i < self.end and not self.skip_newline():
                raise _Stop

    def scan_header(self) -> PathKey:
        """Scan a ``[table]`` or ``[[array]]`` header; return the new table path."""
        is_array = self.text.startswith("[[", self.i)
        self.i += 2 if is_array else 1
        segments = self.scan_key()
        self.skip_whitespace()
        self.expect("]]" if is_array else "]")
        path: PathKey = ()
        for number, (name, start) in enumerate(segments):
            path = (*path, name)
            self.record(path, start)
            if is_array and number == len(segments) - 1:
                count = self._aot_counts.get(path, 0)
                self._aot_counts[path] = count + 1
                path = (*path, count)
                self.record(path, start)
            elif path in self._aot_counts:
                # A header through an array of tables refers to its last element.
                path = (*path, self._aot_counts[path] - 1)
        return path

    def scan_key_value(self, table: PathKey) -> None:
        """Scan ``key = value`` relative to *table*."""
        path = table
        for name, start in self.scan_key():
            path = (*path, name)
            self.record(path, start)
        self.skip_whitespace()
        self.expect("=")
        self.skip_whitespace()
        self.scan_value(path)

    def scan_key(self) -> list[tuple[str, int]]:
        """Scan a possibly dotted key; return ``(name, start index)`` per part."""
        segments: list[tuple[str, int]] = []
        while True:
            self.skip_whitespace()
            start = self.i
            segments.append((self.scan_simple_key(), start))
            self.skip_whitespace()
            if self.peek() != ".":
                return segments
            self.i += 1

    def scan_simple_key(self) -> str:
        """Scan one bare, basic-quoted or literal-quoted key part."""
        char = self.peek()
        if char == '"':
            return self.scan_basic_string()
        if char == "'":
            return self.scan_literal_string()
        start = self.i
        while self.i < self.end and self.text[self.i] in _BARE_KEY_CHARS:
            self.i += 1
        if self.i == start:
            raise _Stop
        return self.text[start : self.i]

    # -------------------------------------------------------------- values
    def scan_value(self, path: PathKey) -> None:
        """Skip over one value, indexing nested arrays and inline tables."""
        char = self.peek()
        if self.text.startswith('"""', self.i) or self.text.startswith("'''", self.i):
            self.skip_multiline_string()
        elif char == '"':
            self.scan_basic_string()
        elif char == "'":
            self.scan_literal_string()
        elif char == "[":
            self.scan_array(path)
        elif char == "{":
            self.scan_inline_table(path)
        else:
            self.skip_token()

    def scan_array(self, path: PathKey) -> None:
        """Scan ``[ ... ]`` recording each element's position."""
        self.i += 1
        index = 0
        while True:
            self.skip_trivia()
            if self.peek() == "]":
                self.i += 1
                return
            element = (*path, index)
            self.record(element, self.i)
            self.scan_value(element)
            index += 1
            self.skip_trivia()
            char = self.peek()
            if char == "]":
                self.i += 1
                return
            self.expect(",")

    def scan_inline_table(self, path: PathKey) -> None:
        """Scan ``{ ... }`` recording each key's position."""
        self.i += 1
        while True:
            self.skip_trivia()  # tolerant: TOML 1.0 allows no newlines here
            if self.peek() == "}":
                self.i += 1
                return
            self.scan_key_value(path)
            self.skip_trivia()
            if self.peek() == "}":
                self.i += 1
                return
            self.expect(",")

    def skip_token(self) -> None:
        """Skip an unquoted scalar (number, boolean, date/time, inf, nan)."""
        start = self.i
        while True:
            while self.i < self.end and self.text[self.i] not in _TOKEN_END:
                self.i += 1
            # "1979-05-27 07:32:00": a date may be joined to a time by a space.
            after = self.text[self.i + 1 : self.i + 4]
            if (
                _is_date(self.text[start : self.i])
                and self.peek() == " "
                and len(after) == 3
                and after[0] in _DIGITS
                and after[1] in _DIGITS
                and after[2] == ":"
            ):
                self.i += 1
                continue
            break
        if self.i == start:
            raise _Stop

    def scan_basic_string(self) -> str:
        """Scan a single-line ``"..."`` string and return its decoded value."""
        self.i += 1
        parts: list[str] = []
        while True:
            char = self.peek()
            if char in ("", "\n", "\r"):
                raise _Stop
            self.i += 1
            if char == '"':
                return "".join(parts)
            if char != "\\":
                parts.append(char)
                continue
            code = self.peek()
            self.i += 1
            if code in _SIMPLE_ESCAPES:
                parts.append(_SIMPLE_ESCAPES[code])
            elif code in _HEX_ESCAPE_LENGTHS:
                digits = self.text[self.i : self.i + _HEX_ESCAPE_LENGTHS[code]]
                self.i += len(digits)
                try:
                    parts.append(chr(int(digits, 16)))
                except ValueError:
                    raise _Stop from None
            else:
                raise _Stop

    def scan_literal_string(self) -> str:
        """Scan a single-line ``'...'`` string and return its value."""
        close = self.text.find("'", self.i + 1)
        if close < 0:
            raise _Stop
        value = self.text[self.i + 1 : close]
        if "\n" in value:
            raise _Stop
        self.i = close + 1
        return value

    def skip_multiline_string(self) -> None:
        """Skip a ``\"\"\"...\"\"\"`` or ``'''...'''`` string."""
        quote = self.text[self.i]
        delimiter = quote * 3
        pos = self.i + 3
        while pos < self.end:
            if quote == '"' and self.text[pos] == "\\":
                pos += 2  # escaped character, incl. line-ending backslash
            elif self.text.startswith(delimiter, pos):
                # Up to two extra quotes belong to the content: '''''' -> "''".
                stop = pos + 3
                while stop < self.end and stop < pos + 5 and self.text[stop] == quote:
                    stop += 1
                self.i = stop
                return
            else:
                pos += 1
        raise _Stop
