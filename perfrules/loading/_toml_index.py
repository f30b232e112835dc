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

:func:`shape_problem` guards :mod:`tomllib` itself: its time grows with the
square of a dotted key's parts (``a.b.c…``: 16,000 parts take 8 seconds) and
its recursion with the nesting of arrays and inline tables, so a file with a
key of more than :data:`~perfrules._limits.MAX_KEY_PARTS` parts is refused
before it is parsed, and :func:`nesting_position` locates the array or table
nested too deeply when it is not.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeAlias

from perfrules._errors import Problem, SpecError
from perfrules._limits import MAX_KEY_PARTS, MAX_NESTING, MAX_SPEC_BYTES, file_problem
from perfrules._messages import message

__all__ = [
    "LazyPositions",
    "PathKey",
    "Position",
    "index_positions",
    "nesting_position",
    "parse_toml",
    "read_bytes",
    "shape_problem",
]

PathKey: TypeAlias = tuple[str | int, ...]
Position: TypeAlias = tuple[int, int]

_DIGITS = frozenset("0123456789")
_WHITESPACE = frozenset(" \t")
# Characters that terminate an unquoted value token (number, bool, date, ...).
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


_NEWLINE = re.compile("\n")
_SPACES = re.compile("[ \t]*")
_BARE_KEY = re.compile("[A-Za-z0-9_-]*")
_TOKEN = re.compile("[^ \t\r\n,\\]}#]*")
# a basic string's rest up to its closing quote, without escapes
_PLAIN_STRING = re.compile('([^"\\\\\n\r]*)"')


class _Found(Exception):
    """Internal signal: the guarded scanner found what it looks for, at ``position``."""

    def __init__(self, position: Position) -> None:
        super().__init__(position)
        self.position = position


# A line with MAX_KEY_PARTS dots between non-blank parts, none holding "=": what a key of more than
# MAX_KEY_PARTS parts needs (a cheap filter over the whole text; the scanner then checks it is a
# key).
_MANY_PARTS = re.compile(r"\.(?:[ \t]*+[^\s.=][^\n.=]*+\.){" + str(MAX_KEY_PARTS - 1) + "}")


def shape_problem(text: str) -> tuple[Position, str, str] | None:
    """A dotted key of more than :data:`MAX_KEY_PARTS` parts in ``text``: its position and why (en,
    zh).

    None when there is none. Costs one regular-expression pass over the text
    (a few milliseconds a megabyte); only a text with a line of that many
    dot-separated parts is scanned key by key.
    """
    if _MANY_PARTS.search(text) is None:
        return None
    scanner = _Scanner(text, max_key_parts=MAX_KEY_PARTS)
    try:
        scanner.scan_document()
    except _Found as found:
        return (
            found.position,
            *message(("toml-syntax", "key-parts"), parts=MAX_KEY_PARTS),
        )
    except (_Stop, RecursionError):
        pass
    return None


def nesting_position(text: str) -> Position | None:
    """Where arrays and inline tables in ``text`` first nest more than :data:`MAX_NESTING` deep
    (None: nowhere)."""
    scanner = _Scanner(text, max_nesting=MAX_NESTING)
    try:
        scanner.scan_document()
    except _Found as found:
        return found.position
    except (_Stop, RecursionError):
        pass
    return None


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

    def __init__(
        self, text: str, *, max_key_parts: int | None = None, max_nesting: int | None = None
    ) -> None:
        self.text = text
        self.end = len(text)
        self.i = 0
        self.max_key_parts = max_key_parts  # raise _Found at a longer key (shape_problem)
        # raise _Found at deeper arrays and inline tables (nesting_position)
        self.max_nesting = max_nesting
        self.nesting = 0
        self.positions: dict[PathKey, Position] = {}
        # Resolved path of each array of tables -> number of elements so far.
        self._aot_counts: dict[PathKey, int] = {}
        self._line_starts = [0]
        self._line_starts.extend(m.end() for m in _NEWLINE.finditer(text))

    # ----------------------------------------------------------- low level
    def peek(self) -> str:
        """Return the current character, or ``""`` at end of input."""
        return self.text[self.i] if self.i < self.end else ""

    def expect(self, literal: str) -> None:
        """Consume *literal* or stop scanning."""
        if not self.text.startswith(literal, self.i):
            raise _Stop
        self.i += len(literal)

    def position(self, index: int) -> Position:
        """(line, column) of *index*, both 1-based."""
        line = bisect_right(self._line_starts, index) - 1
        return (line + 1, index - self._line_starts[line] + 1)

    def record(self, path: PathKey, index: int) -> None:
        """Remember the position of *index* for *path* unless already known."""
        if path not in self.positions:
            self.positions[path] = self.position(index)

    def nest(self) -> None:
        """Enter an array or inline table (checked against ``max_nesting``)."""
        self.nesting += 1
        if self.max_nesting is not None and self.nesting > self.max_nesting:
            raise _Found(self.position(self.i))

    def skip_whitespace(self) -> None:
        """Skip spaces and tabs."""
        if self.i < self.end and self.text[self.i] in _WHITESPACE:
            # always matches
            self.i = _SPACES.match(self.text, self.i).end()  # type: ignore[union-attr]

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
            if self.max_key_parts is not None and len(segments) > self.max_key_parts:
                raise _Found(self.position(segments[0][1]))
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
        # always matches
        self.i = _BARE_KEY.match(self.text, start).end()  # type: ignore[union-attr]
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
        self.nest()
        self.i += 1
        index = 0
        while True:
            self.skip_trivia()
            if self.peek() == "]":
                self.i += 1
                self.nesting -= 1
                return
            element = (*path, index)
            self.record(element, self.i)
            self.scan_value(element)
            index += 1
            self.skip_trivia()
            char = self.peek()
            if char == "]":
                self.i += 1
                self.nesting -= 1
                return
            self.expect(",")

    def scan_inline_table(self, path: PathKey) -> None:
        """Scan ``{ ... }`` recording each key's position."""
        self.nest()
        self.i += 1
        while True:
            self.skip_trivia()  # tolerant: TOML 1.0 allows no newlines here
            if self.peek() == "}":
                self.i += 1
                self.nesting -= 1
                return
            self.scan_key_value(path)
            self.skip_trivia()
            if self.peek() == "}":
                self.i += 1
                self.nesting -= 1
                return
            self.expect(",")

    def skip_token(self) -> None:
        """Skip an unquoted scalar (number, boolean, date/time, inf, nan)."""
        start = self.i
        while True:
            # always matches
            self.i = _TOKEN.match(self.text, self.i).end()  # type: ignore[union-attr]
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
        plain = _PLAIN_STRING.match(self.text, self.i)
        if plain is not None:  # no escape: the common case, in one step
            self.i = plain.end()
            return plain[1]
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


# ---------------------------------------------------------------------------
# reading and parsing within bounds (the loader's and framework discovery's)

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads`` with numbers as Decimals, its cost and depth bounded; :class:`SpecError`
    otherwise.

    Refused, located (without a file name): a dotted key of more than
    ``MAX_KEY_PARTS`` parts (before parsing: tomllib's time grows with their
    square), an integer of more than 4,300 digits (Python will not convert
    it), arrays and tables nested more than ``MAX_NESTING`` deep, and TOML
    syntax errors.
    """
    shape = shape_problem(text)
    if shape is not None:
        at, en, zh = shape
        raise SpecError(
            [Problem(code="toml-syntax", message=en, message_zh=zh, line=at[0], column=at[1])]
        )
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line, col = (int(m[1]), int(m[2])) if m else (None, None)
        raise SpecError(
            [
                Problem(
                    code="toml-syntax",
                    **message(("toml-syntax", "parse"), error=msg).as_message(),
                    line=line,
                    column=col,
                )
            ]
        ) from None
    except RecursionError:
        raise SpecError([_nesting_problem(nesting_position(text))]) from None
    except ValueError:  # int() refuses more than 4,300 digits (sys.get_int_max_str_digits)
        raise SpecError([_long_integer_problem(text)]) from None
    deep = _too_deep(data)
    if deep is not None:
        raise SpecError([_nesting_problem(_nearest_position(index_positions(text), deep), deep)])
    return data


def _nesting_problem(at: Position | None, path: PathKey = ()) -> Problem:
    return Problem(
        code="toml-syntax",
        path=path,
        line=at[0] if at else None,
        column=at[1] if at else None,
        **message(("toml-syntax", "nesting"), levels=MAX_NESTING).as_message(),
    )


_LONG_INTEGER = re.compile(r"(?<![\w.])[+-]?[0-9][0-9_]{4300,}")


def _long_integer_problem(text: str) -> Problem:
    """The integer of more than 4,300 digits tomllib could not convert, located, with its key
    path when known."""
    m = _LONG_INTEGER.search(text)
    if m is None:  # pragma: no cover - tomllib raises this ValueError for such integers only
        return Problem(code="invalid-value", **message(("invalid-value", "integer")).as_message())
    digits = sum(ch.isdigit() for ch in m[0])
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    before = [(pos, path) for path, pos in index_positions(text).items() if pos <= (line, col)]
    path: PathKey = max(before, key=lambda item: (item[0], len(item[1])))[1] if before else ()
    return Problem(
        code="invalid-value",
        path=path,
        line=line,
        column=col,
        **message(("invalid-value", "integer-digits"), digits=digits).as_message(),
    )


def _too_deep(data: dict[str, Any]) -> PathKey | None:
    """The key path of a value nested more than MAX_NESTING arrays and tables below the top (None:
    none is).

    Breadth first and iterative: a few hundredths of a second for a 100,000-indicator spec.
    """
    level: list[tuple[PathKey, Any]] = [((), data)]
    for _ in range(MAX_NESTING + 1):
        deeper: list[tuple[PathKey, Any]] = []
        for path, value in level:
            items = value.items() if type(value) is dict else enumerate(value)
            deeper += [((*path, k), v) for k, v in items if type(v) is dict or type(v) is list]
        if not deeper:
            return None
        level = deeper
    return level[0][0]


def _nearest_position(positions: dict[PathKey, Position], path: PathKey) -> Position | None:
    for end in range(len(path), 0, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return None


def _file_error(p: Path, en: str, zh: str) -> SpecError:
    return SpecError([Problem(code="file", message=en, message_zh=zh, file=str(p))])


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_SPEC_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; a located ``file`` problem otherwise.

    Named pipes, devices and sockets are refused before they are opened
    (:func:`perfrules._limits.file_problem`), so that reading never blocks or
    never ends; the file is opened without blocking and checked again, and
    at most ``limit`` bytes are read (a file that grows meanwhile is refused).
    """
    p = Path(path)
    problem = file_problem(p, limit)
    if problem is not None:
        raise _file_error(p, *problem)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            # replaced between the check and the open
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise _file_error(
                    p,
                    *(file_problem(p, limit) or message(("file", "not-regular"), file=p)),
                )
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise _file_error(
            p, *message(("file", "unreadable"), file=p, reason=exc.strerror or exc)
        ) from None
    if len(raw) > limit:
        raise _file_error(p, *message(("file", "too-large"), file=p, limit=limit))
    return raw
