"""The compiled one-pass joiner of the batch audit records (perfrules/batch/_joinc.c)."""

from collections.abc import Callable
from typing import Any

def join(
    n: int, parts: list[tuple[Any, ...]], allocate: Callable[[int], Any], /
) -> tuple[Any, bytes]: ...
