"""Bytes to text: UTF-8 (a BOM allowed), and the located ``encoding`` problem of bytes that are not.

Shared by the TOML loader and the batch table reader: the problem names the
line and column of the first bad byte and, for GBK/GB18030 text (what
Chinese Windows saves by default) or UTF-16, says how to re-save it.
"""

from __future__ import annotations

import codecs

from perfrules._errors import Problem
from perfrules._messages import message

__all__ = ["as_gbk", "decode_text", "encoding_problem"]

_BOM_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MAX_SNIPPET = 12  # characters of the GBK reading quoted in the message


def decode_text(raw: bytes) -> str:
    """``raw`` as UTF-8 text (a leading UTF-8 BOM is dropped); :class:`UnicodeDecodeError`
    otherwise.

    The error's ``start`` is the offset of the first bad byte in ``raw``, the BOM counted.
    """
    skip = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnicodeDecodeError(
            "utf-8", raw, skip + exc.start, skip + exc.end, exc.reason
        ) from None


def _is_chinese(ch: str) -> bool:
    """A character Chinese text is made of: ideographs, CJK and full-width punctuation, ≥, “”, ……"""
    o = ord(ch)
    return (
        0x3400 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0x2000 <= o <= 0x206F
        or 0x2100 <= o <= 0x22FF
        or 0x2460 <= o <= 0x24FF
        or o in (0xB7, 0xD7, 0xF7)
    )


def as_gbk(raw: bytes) -> str | None:
    """``raw`` decoded as GBK (read as GB18030, its superset) when it plausibly is Chinese text
    in GBK; else None."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not any(0x3400 <= ord(ch) <= 0x9FFF for ch in wide):
        return None
    return text if sum(map(_is_chinese, wide)) * 10 >= len(wide) * 9 else None


def encoding_problem(
    raw: bytes, start: int, *, byte: int | None = None, here: bool = False
) -> Problem:
    """The ``encoding`` problem of ``raw`` whose first byte that is not UTF-8 is at ``start``.

    The message names the byte ``byte`` (default ``start``: a batch table passes one line as
    ``raw`` and the byte's offset in its file as ``byte``); ``here`` says "here" (此处) rather
    than "the file" (文件) in Chinese, for a line of a table that is otherwise readable.

    Located at the line and column of that byte (the column counts the
    characters before it on its line). Text that reads as GBK/GB18030 — what
    Chinese Windows saves by default — or starts with a UTF-16 byte order mark
    (Notepad's "Unicode") gets a hint on re-saving it as UTF-8.
    """
    line_start = raw.rfind(b"\n", 0, start) + 1
    head = raw[line_start:start]
    if line_start == 0 and head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    line = raw[:start].count(b"\n") + 1
    column = len(head.decode("utf-8", errors="replace")) + 1
    gbk = None if raw.startswith(_BOM_UTF16) else as_gbk(raw)
    if raw.startswith(_BOM_UTF16):
        hint = message(("encoding", "utf-16"))
    elif gbk is not None:
        at = len(raw[:start].decode("gb18030", errors="replace"))
        snippet = gbk[at:].split("\n", 1)[0].rstrip("\r")[:_MAX_SNIPPET]
        hint = message(("encoding", "gbk"), snippet=snippet)
    else:
        hint = message(("encoding", "save-as-utf-8"))
    shown = start if byte is None else byte
    text = (
        message(("encoding", "not-utf-8-here"), byte=shown, hint=hint)
        if here
        else message(("encoding", "not-utf-8"), byte=shown, hint=hint)
    )
    return Problem(code="encoding", **text.as_message(), line=line, column=column)
