"""Safe text out: control characters shown escaped, spreadsheet formulas neutralised (standard
library only).

Names, keys, reasons and cells come from files users write; what perfrules
prints or writes must not let them act on the reader's terminal or
spreadsheet:

* :func:`escape_controls` — for text shown in a terminal or a text report: C0
  controls but tab and newline (``ESC`` starts every terminal escape
  sequence), ``DEL``, C1 controls (``\\x9b`` is a one-byte CSI) and the Unicode
  bidirectional overrides and isolates (they reorder what is shown) become
  visible escapes: ``\\x1b``, ``\\x9b``, ``\\u202e``. The command line's consoles
  apply it to every text they print (``perfrules/cli/_console.py``), the
  Markdown and narrative reports to the user's text.
* :func:`neutralise` — for a text cell of a CSV file (OWASP, "CSV Injection"):
  a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading ``'``, so that a spreadsheet shows it as text and never evaluates it
  — unless it is a plain decimal number (``-5``, ``+0.5``), which a spreadsheet
  reads as that number. (An .xlsx text cell is never a formula; perfrules also
  marks such cells "quote prefix", the form Excel gives a cell typed with a
  leading ``'``.)
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _escape_one(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character but tab and newline written as a visible escape
    (``\\x1b``)."""
    return UNSAFE.sub(_escape_one, text) if UNSAFE.search(text) else text


def json_controls(text: str) -> str:
    """JSON text with the control characters :func:`json.dumps` leaves (C1, DEL, bidi overrides) as
    ``\\uXXXX``.

    ``json.dumps`` escapes C0 controls itself; these others can only sit inside
    JSON strings, where ``\\u009b`` means the same character: the document
    reads back identical, and a terminal never sees the raw character.
    """
    return UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text) if UNSAFE.search(text) else text


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (it starts like one and is not a
    plain number)."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def neutralise(text: str) -> str:
    """A CSV text cell made safe to open in a spreadsheet: ``'`` before a leading ``= + - @``,
    tab or CR."""
    return "'" + text if formula_like(text) else text


def unneutralise(text: str) -> str:
    """The text :func:`neutralise` was given (to show a cell read back from a CSV output)."""
    return text[1:] if text.startswith("'") and formula_like(text[1:]) else text


__all__ = [
    "FORMULA_START",
    "UNSAFE",
    "escape_controls",
    "formula_like",
    "json_controls",
    "neutralise",
    "unneutralise",
]
