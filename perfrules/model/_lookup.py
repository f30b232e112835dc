"""Constant-time lookups by id on frozen model and result objects; did-you-mean among many ids.

``spec.indicator(id)``, ``actuals.indicator(id)``, ``ev.indicators_in(cat)``
and the like are called once per indicator by validation, evaluation and
rendering; a scan of the whole tuple each time would make those quadratic in
the number of indicators. The objects are frozen (slotted attrs classes), so
the index cannot live on them: it is kept here, keyed by the owner's ``id``
and dropped when the owner is garbage-collected (a weak reference's
callback). It is built on first use, from the owner's own (immutable)
tuples, so it always agrees with a scan: the first match wins, as in one.

Collections of up to :data:`SMALL` items are scanned as before (an index
costs more than it saves there).

:class:`Suggestions` gives :func:`perfrules._suggest.suggest`'s answer for
many words against one large pool (every unknown indicator id of an actuals
file against the spec's ids) with the work bounded: one difflib pass over a
100,000-id pool takes about a second, so past :data:`SUGGEST_BUDGET`
comparisons only the exact case- and dash-insensitive match is offered.
"""

from __future__ import annotations

import difflib
import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")

SMALL = 16  # collections of this size or less are scanned, not indexed
SUGGEST_BUDGET = 200_000  # difflib comparisons one Suggestions spends in all (about 0.3 s to 2 s)

_CACHE: dict[tuple[int, str], tuple[weakref.ref[Any], Any]] = {}


def cached(owner: object, name: str, build: Callable[[], Any]) -> Any:
    """``build()`` computed once per live ``owner`` and ``name``."""
    key = (id(owner), name)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is owner:
        return hit[1]
    value = build()

    def drop(ref: weakref.ref[Any], key: tuple[int, str] = key) -> None:
        entry = _CACHE.get(key)
        if entry is not None and entry[0] is ref:
            del _CACHE[key]

    _CACHE[key] = (weakref.ref(owner, drop), value)
    return value


def first_by(owner: object, name: str, items: tuple[V, ...], key: Callable[[V], K]) -> dict[K, V]:
    """``{key(item): item}`` over ``items``, the first item of each key kept (as a scan finds
    it)."""

    def build() -> dict[K, V]:
        out: dict[K, V] = {}
        for item in items:
            out.setdefault(key(item), item)
        return out

    result: dict[K, V] = cached(owner, name, build)
    return result


def grouped_by(
    owner: object, name: str, items: tuple[V, ...], key: Callable[[V], K]
) -> dict[K, tuple[V, ...]]:
    """``{key: (items with that key, in order)}`` over ``items``."""

    def build() -> dict[K, tuple[V, ...]]:
        groups: dict[K, list[V]] = {}
        for item in items:
            groups.setdefault(key(item), []).append(item)
        return {k: tuple(v) for k, v in groups.items()}

    result: dict[K, tuple[V, ...]] = cached(owner, name, build)
    return result


def find(
    owner: object, name: str, items: tuple[V, ...], key: Callable[[V], K], wanted: K
) -> V | None:
    """The first item of ``items`` whose key is ``wanted`` (None when none is): a scan, or an
    index when large."""
    if len(items) <= SMALL:
        return next((item for item in items if key(item) == wanted), None)
    return first_by(owner, name, items, key).get(wanted)


def having(
    owner: object, name: str, items: tuple[V, ...], key: Callable[[V], K], wanted: K
) -> tuple[V, ...]:
    """Every item of ``items`` whose key is ``wanted``, in order."""
    if len(items) <= SMALL:
        return tuple(item for item in items if key(item) == wanted)
    return grouped_by(owner, name, items, key).get(wanted, ())


class Suggestions:
    """``suggest(word, candidates)`` for many words against one pool of candidates, with bounded
    work.

    The answer is :func:`perfrules._suggest.suggest`'s as long as the
    comparisons spent so far stay within ``budget``; past it, only the
    case- and dash-insensitive match is looked up (in constant time).
    """

    def __init__(self, candidates: Iterable[str], budget: int = SUGGEST_BUDGET) -> None:
        # read on the first call (most checks never ask)
        self.given: Iterable[str] | None = candidates
        self.pool: list[str] = []
        self.budget = budget
        self.folded: dict[str, list[str]] = {}
        self.answers: dict[
            str, str | None
        ] = {}  # a word asked again (one typo in many entries) costs nothing

    def __call__(self, word: str) -> str | None:
        if word not in self.answers:
            self.answers[word] = self._suggest(word)
        return self.answers[word]

    def _suggest(self, word: str) -> str | None:
        if self.given is not None:
            given = list(self.given)
            self.given = None
            self.pool = list(dict.fromkeys(given))  # duplicates change nothing in difflib's answer
            for c in given:
                self.folded.setdefault(_fold(c), []).append(c)
        same = self.folded.get(_fold(word), [])
        others = [c for c in same if c != word]
        if others:
            return others[-1]  # suggest's folded map keeps the last candidate of a key
        size = len(self.pool) - (word in same)
        if size == 0 or size > self.budget:
            return None
        self.budget -= size
        pool = self.pool if word not in same else [c for c in self.pool if c != word]
        match = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
        return match[0] if match else None


def _fold(word: str) -> str:
    return word.casefold().replace("-", "_")
