"""The scheduler's sense of time, injectable so its decisions can be tested in virtual time.

`SystemClock` is the real one. `FakeClock` runs on virtual time inside one asyncio loop: every
`sleep` waits for the test to advance the clock (`run_for`), which wakes sleepers in time order
and lets the woken tasks run until they sleep again. Combined with inline database calls (no
threads, see `inline` below), a scheduler under a FakeClock is fully deterministic.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

__all__ = ["Clock", "FakeClock", "Offload", "SystemClock", "inline"]

T = TypeVar("T")
Offload = Callable[..., Any]  # async (fn, *args) -> result: asyncio.to_thread or `inline`


class Clock(Protocol):
    """What the scheduler asks of time: wall time (UTC, aware), monotonic seconds, and sleep."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


async def inline(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking call on the loop itself: deterministic under a FakeClock (tests only)."""
    return fn(*args, **kwargs)


class FakeClock:
    """Virtual time: nothing moves until `run_for`/`run_until` is awaited by the test."""

    SETTLE_ROUNDS = 200  # loop turns given to woken tasks before time moves on again

    def __init__(self, start: datetime | None = None) -> None:
        self.start = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._elapsed + seconds, next(self._order), future))
        await future

    async def settle(self) -> None:
        """Let every runnable task run until it waits on this clock (or on something else).

        Quiet means the loop has no other callback ready (CPython's `_ready` queue; without
        it, a fixed number of turns).
        """
        ready = getattr(asyncio.get_running_loop(), "_ready", None)
        for _ in range(self.SETTLE_ROUNDS):
            await asyncio.sleep(0)
            if ready is not None and not ready:
                return

    async def run_for(self, seconds: float) -> None:
        await self.run_until(self._elapsed + seconds)

    async def run_until(self, elapsed: float) -> None:
        """Advance to `elapsed` seconds after start, waking each sleeper at its own time."""
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= elapsed:
            wake, _n, future = heapq.heappop(self._sleepers)
            if future.done():  # cancelled sleeper
                continue
            self._elapsed = max(self._elapsed, wake)
            future.set_result(None)
            await self.settle()
        self._elapsed = max(self._elapsed, elapsed)
        await self.settle()
