"""When each source's job fires: APScheduler in production, a Clock-driven twin for virtual time.

Both give the scheduler the same three things: an interval job per key that fires at an aimed
time and then every interval (coalesced: a late job fires once, not a burst), never two
instances of one job at once, and `aim(key, when)` to move a job's next fire time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from monitor.jobs.clock import Clock

__all__ = ["ApsTimer", "ClockTimer", "Timer"]

Job = Callable[..., Coroutine[Any, Any, Any]]


class Timer(Protocol):
    def start(self) -> None: ...

    def shutdown(self) -> None: ...

    def add(self, key: str, job: Job, args: tuple[Any, ...], *, interval: float,
            first: datetime) -> None: ...

    def remove(self, key: str) -> None: ...

    def next_time(self, key: str) -> datetime | None: ...

    def aim(self, key: str, when: datetime) -> None: ...


class ApsTimer:
    """APScheduler's AsyncIOScheduler: one interval job per key, max_instances=1, coalesced."""

    def __init__(self) -> None:
        self._aps = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        self._aps.start()

    def shutdown(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def add(self, key: str, job: Job, args: tuple[Any, ...], *, interval: float,
            first: datetime) -> None:
        self._aps.add_job(job, IntervalTrigger(seconds=interval, start_date=first), args=list(args),
                          id=key, name=key, next_run_time=first, max_instances=1, coalesce=True,
                          misfire_grace_time=None, replace_existing=True)

    def remove(self, key: str) -> None:
        with suppress(JobLookupError):
            self._aps.remove_job(key)

    def next_time(self, key: str) -> datetime | None:
        job = self._aps.get_job(key)
        return None if job is None else job.next_run_time

    def aim(self, key: str, when: datetime) -> None:
        job = self._aps.get_job(key)
        if job is not None:
            job.modify(next_run_time=when)


@dataclass
class _Entry:
    job: Job
    args: tuple[Any, ...]
    interval: float
    next: datetime
    running: asyncio.Task[Any] | None = None


class ClockTimer:
    """The same contract on an injected Clock (used with FakeClock for virtual-time tests)."""

    IDLE = 3600.0

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._jobs: dict[str, _Entry] = {}
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._loop())

    def shutdown(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            self._loop_task = None

    def add(self, key: str, job: Job, args: tuple[Any, ...], *, interval: float,
            first: datetime) -> None:
        self._jobs[key] = _Entry(job, args, interval, first)
        self._wake.set()

    def remove(self, key: str) -> None:
        self._jobs.pop(key, None)

    def next_time(self, key: str) -> datetime | None:
        entry = self._jobs.get(key)
        return None if entry is None else entry.next

    def aim(self, key: str, when: datetime) -> None:
        entry = self._jobs.get(key)
        if entry is not None:
            entry.next = when
            self._wake.set()

    def _fire(self, entry: _Entry, now: datetime) -> None:
        step = timedelta(seconds=entry.interval)
        while entry.next <= now:  # coalesce: one fire however late
            entry.next += step
        if entry.running is None or entry.running.done():
            entry.running = asyncio.create_task(entry.job(*entry.args))

    def _wait_seconds(self, now: datetime) -> float:
        waits = [(entry.next - now).total_seconds() for entry in self._jobs.values()]
        return max(0.0, min(waits, default=self.IDLE))

    async def _loop(self) -> None:
        while True:
            now = self.clock.now()
            for entry in list(self._jobs.values()):
                if entry.next <= now:
                    self._fire(entry, now)
            self._wake.clear()
            sleeper = asyncio.ensure_future(self.clock.sleep(self._wait_seconds(now)))
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                waker.cancel()
