"""Loaded specs by the digest of what a request sent: a spec is read, merged and checked once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from perfrules.model import Spec


class SpecCache:
    """Loaded specs by the digest of what a request sent (LRU, thread-safe): a spec is read and
    checked once.

    A cached :class:`Spec` is immutable, and the core compiles a spec object
    once, so a page sending the same spec with each keystroke costs one load.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Spec] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, load: Callable[[], Spec]) -> Spec:
        with self._lock:
            spec = self._items.get(key)
            if spec is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return spec
            self.misses += 1
        spec = load()  # outside the lock; a SpecError is not cached
        with self._lock:
            self._items[key] = spec
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return spec
