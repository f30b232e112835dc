"""The batch path's text kernels in C (perfrules/batch/_ctext.c): optional, built where a C compiler is found."""

from collections.abc import Callable
from typing import Any

def join(
    n: int, parts: list[tuple[Any, ...]], allocate: Callable[[int], Any], /
) -> tuple[Any, bytes]: ...
def parse_decimals(
    offsets: Any,
    data: Any,
    value: Any,
    places: Any,
    ok: Any,
    empty: Any,
    max_int_digits: int,
    max_places: int,
    /,
) -> int: ...
def split_lines(
    block: Any, ncols: int, wanted: tuple[int, ...], allocate: Callable[[int], Any], /
) -> tuple[int, list[tuple[bytes, Any, int, int]], int, int, int]: ...
def first_byte_in(offsets: Any, data: Any, table: bytes, /) -> bool: ...
def json_escapes(data: Any, lo: int, hi: int, /) -> bool: ...
def repeats(offsets: Any, data: Any, n: int, k: int, /) -> bool: ...
def format_ints(values: Any, allocate: Callable[[int], Any], /) -> tuple[bytes, Any]: ...
