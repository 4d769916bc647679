"""A small time-limited cache for figures a page shows beside its rows (counts per status,
filter choices, dashboard aggregates and charts): exact to within its few seconds, and the
queue page no longer counts the whole queue on every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["TtlCache"]


class TtlCache:
    def __init__(self, seconds: float, maxsize: int = 256) -> None:
        self.seconds, self.maxsize = seconds, maxsize
        self._items: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and now - hit[0] < self.seconds:
                return hit[1]
        value = compute()
        with self._lock:
            if len(self._items) >= self.maxsize:
                self._items = {k: v for k, v in self._items.items() if now - v[0] < self.seconds}
                if len(self._items) >= self.maxsize:
                    self._items.clear()
            self._items[key] = (time.monotonic(), value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
