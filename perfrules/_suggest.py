"""Did-you-mean suggestions for misspelled keys, ids and tier names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to ``word``, or ``None`` when nothing is close."""
    pool = [c for c in candidates if c != word]
    if not pool:
        return None
    folded = {c.casefold().replace("-", "_"): c for c in pool}
    key = word.casefold().replace("-", "_")
    if key in folded:
        return folded[key]
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if match:
        return match[0]
    # Short CJK names: one wrong character out of four scores 0.75; one
    # missing character of a long tier name still fits the cutoff above.
    return None
