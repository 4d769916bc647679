"""Caches for figures shown beside the rows a reader asked for (counts per status, filter
choices, dashboard aggregates, charts): exact to within their few seconds, so no request
recounts the whole queue.

`TtlCache` recomputes a stale entry in the request that finds it; `Refreshed` serves a stale
value while one background thread recomputes it, so only a value never computed is waited for
(and `warm()` computes that at start-up); `Background` computes values in its own worker
thread and lets a request wait only so long for them (a slow count shows as "counting")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Generic, TypeVar

__all__ = ["Background", "Refreshed", "TtlCache"]

T = TypeVar("T")


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


class Refreshed(Generic[T]):
    """One value, at most `seconds` old when fresh; once older it is still served while a
    background thread recomputes it."""

    def __init__(self, seconds: float, compute: Callable[[], T], name: str = "refresh") -> None:
        self.seconds, self._compute, self._name = seconds, compute, name
        self._value: tuple[float, T] | None = None
        self._refreshing = False
        self._lock = threading.Lock()
        self._first = threading.Lock()  # one computation of a value never computed

    def get(self) -> T:
        with self._lock:
            hit = self._value
            if hit is not None:
                if time.monotonic() - hit[0] >= self.seconds and not self._refreshing:
                    self._refreshing = True
                    threading.Thread(target=self._refresh, daemon=True, name=self._name).start()
                return hit[1]
        with self._first:
            with self._lock:
                if self._value is not None:  # computed by whoever held the lock before us
                    return self._value[1]
            value = self._compute()
            with self._lock:
                self._value = (time.monotonic(), value)
            return value

    def warm(self) -> None:
        """Compute the first value in the background (at start-up), so no request waits."""
        threading.Thread(target=self._warm, daemon=True, name=self._name).start()

    def _warm(self) -> None:
        try:
            self.get()
        except Exception:  # noqa: BLE001 - a request computes it again and shows the error
            return

    def _refresh(self) -> None:
        try:
            value = self._compute()
            with self._lock:
                self._value = (time.monotonic(), value)
        finally:
            with self._lock:
                self._refreshing = False


class Background:
    """Values per key, fresh for `seconds`, computed by `workers` threads off the request: a
    reader waits at most `wait` seconds, then gets the stale value or None while the
    computation goes on; the same key is never computed twice at once."""

    def __init__(self, seconds: float, *, wait: float, workers: int = 1,
                 maxsize: int = 256) -> None:
        self.seconds, self.wait, self.maxsize = seconds, wait, maxsize
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._running: dict[Hashable, Future[Any]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="background")

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any | None:
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.seconds:
                return hit[1]
            running = self._running.get(key)
            if running is None:
                running = self._running[key] = self._pool.submit(self._run, key, compute)
        try:
            return running.result(timeout=self.wait)
        except FutureTimeout:
            return hit[1] if hit is not None else None

    def _run(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        try:
            value = compute()
        except BaseException:
            with self._lock:
                self._running.pop(key, None)
            raise
        with self._lock:  # stored before it stops running: no reader starts it again between
            if len(self._values) >= self.maxsize:
                self._values.clear()
            self._values[key] = (time.monotonic(), value)
            self._running.pop(key, None)
        return value
