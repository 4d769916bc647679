"""The source scheduler: one timer job per enabled source, each run claimed through a lease.

Every node keeps one job per enabled source (APScheduler interval jobs in production, at the
source's interval, never below `scheduler.min_interval`, one instance at a time). The database
decides who actually runs: a job that fires claims the source (storage.leases); the winner runs
it and moves `next_run_at` on by one interval plus jitter — or by an exponential backoff after
failures, or past a server's Retry-After — and every job then re-aims at the stored
`next_run_at`, so all nodes follow one shared schedule. A heartbeat renews the node's short
leases while it lives; a node that dies loses them within one `lease_ttl`, and a node starting
on the same host frees its dead predecessors' leases at once.

Time comes from an injected Clock and database calls go through an injected `offload`, so the
whole scheduler runs deterministically in virtual time in tests (monitor.jobs.clock).
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.config import ConfigError
from monitor.jobs import cadence
from monitor.jobs.clock import Clock, Offload, SystemClock
from monitor.jobs.nodes import dead_siblings, node_id
from monitor.jobs.timers import ApsTimer, Timer
from monitor.metrics import Metrics
from storage import leases, schedule
from storage.db import Database
from storage.errors import N_, exception_text
from storage.schedule import SourceSchedule

__all__ = ["Scheduler", "SchedulerConfig"]

log = logging.getLogger(__name__)
RunSource = Callable[[str], Awaitable[Any]]
FIRST_RUN_SPREAD = 5.0  # never-run sources start spread over this many seconds (at most)
RACE_RETRY = 0.2  # lost a race for a row lock: look again this soon


@dataclass(frozen=True)
class SchedulerConfig:
    min_interval: float
    max_concurrent: int
    lease_ttl: float
    heartbeat: float
    resync: float
    max_backoff: float = cadence.BACKOFF_CAP

    def __post_init__(self) -> None:
        if self.lease_ttl <= 0 or not 0 < self.heartbeat <= self.lease_ttl / 2:
            raise ConfigError(
                N_("scheduler.lease_heartbeat ({heartbeat}) must be above 0 and at most half of "
                   "scheduler.lease_ttl ({ttl}), so a live node never loses a lease"),
                heartbeat=f"{self.heartbeat:g}s", ttl=f"{self.lease_ttl:g}s")

    @classmethod
    def from_settings(cls, settings: Any) -> SchedulerConfig:
        minimum = float(settings.get("scheduler.min_interval"))
        return cls(min_interval=minimum,
                   max_concurrent=max(1, int(settings.get("scheduler.max_concurrent_fetches"))),
                   lease_ttl=float(settings.get("scheduler.lease_ttl")),
                   heartbeat=float(settings.get("scheduler.lease_heartbeat")),
                   resync=max(0.5, min(5.0, minimum)),
                   max_backoff=float(settings.get("scheduler.max_backoff")))


class Scheduler:
    """Runs due sources through `run(name)` (monitor.scrape.run_source bound to a client).

    `run` reports a source's own failures in its report (`ok`, and `retry_after` when a server
    asked for one) after recording them in the source's health; an exception escaping `run` is
    recorded here. Either way the next run backs off.
    """

    def __init__(self, db: Database, config: SchedulerConfig, run: RunSource, *,
                 metrics: Metrics | None = None, owner: str | None = None,
                 clock: Clock | None = None, timer: Timer | None = None,
                 offload: Offload = asyncio.to_thread, rng: random.Random | None = None,
                 heartbeat_thread: bool | None = None) -> None:
        self.db, self.config, self._run = db, config, run
        self.metrics = metrics
        self.owner = owner or node_id()
        self.clock = clock or SystemClock()
        self._timer = timer or ApsTimer()
        self._offload = offload
        self._rng = rng or random.Random()
        self._slots = asyncio.Semaphore(config.max_concurrent)
        self._running: dict[int, asyncio.Task[Any]] = {}
        self._intervals: dict[int, float] = {}
        self._heartbeat: asyncio.Task[None] | None = None
        self._beat_stop = threading.Event()
        threaded = isinstance(self.clock, SystemClock) if heartbeat_thread is None else heartbeat_thread
        self._beat_thread = (threading.Thread(target=self._beat_in_thread, name="lease-heartbeat",
                                              daemon=True) if threaded else None)
        self._stopping = False

    def interval_of(self, row_interval: float) -> float:
        return max(float(row_interval), self.config.min_interval)

    async def start(self) -> None:
        await self.release_dead_siblings()
        self._timer.start()
        await self.resync()
        self._timer.add("resync", self.resync, (), interval=self.config.resync,
                        first=self.clock.now() + timedelta(seconds=self.config.resync))
        if self._beat_thread is not None:
            self._beat_thread.start()
        else:
            self._heartbeat = asyncio.create_task(self._beat_forever())
        log.info("scheduler started node=%s sources=%d max_concurrent=%d lease_ttl=%gs "
                 "heartbeat=%gs", self.owner, len(self._intervals), self.config.max_concurrent,
                 self.config.lease_ttl, self.config.heartbeat)

    async def release_dead_siblings(self) -> list[str]:
        """Free the leases of this host's dead nodes (a `kill -9`, a crash) before starting."""
        rows = await self._offload(schedule.list_schedules, self.db)
        dead = dead_siblings({row.lease_owner for row in rows if row.lease_owner}, self.owner)
        freed = await self._offload(schedule.release_dead_leases, self.db, dead, self.clock.now())
        for name in freed:
            log.warning("source=%s lease_released reason=%s", name, "dead_node_on_this_host")
        return list(freed)

    async def resync(self) -> None:
        """Match jobs to the sources table and to the schedule other nodes have written."""
        rows = await self._offload(schedule.list_schedules, self.db)
        now = self.clock.now()
        wanted = {row.id: row for row in rows if row.enabled}
        for source_id in set(self._intervals) - set(wanted):
            self._drop(source_id)
        for source_id, row in wanted.items():
            if source_id not in self._intervals:
                self._add(row, now)
            elif self.interval_of(row.interval_seconds) != self._intervals[source_id]:
                self._drop(source_id)
                self._add(row, now)
            elif source_id not in self._running:
                self._aim(source_id, self._target(row, now))

    def _target(self, row: SourceSchedule, now: datetime) -> datetime | None:
        """When this node should next try: the stored slot, or when another node's lease ends."""
        if row.lease_owner and row.lease_owner != self.owner and row.lease_expires_at \
                and row.lease_expires_at > now:
            return min(row.lease_expires_at, now + timedelta(seconds=self.config.resync))
        if row.next_run_at is None:
            return None
        return max(row.next_run_at, now)

    def _add(self, row: SourceSchedule, now: datetime) -> None:
        interval = self.interval_of(row.interval_seconds)
        first = self._target(row, now)
        if first is None:  # never run: spread the first runs so a fleet does not start at once
            spread = self._rng.uniform(0, min(FIRST_RUN_SPREAD, interval / 4))
            first = now + timedelta(seconds=spread)
        self._timer.add(f"source:{row.id}", self._attempt, (row.id,), interval=interval, first=first)
        self._intervals[row.id] = interval
        log.info("source=%s scheduled interval=%gs first_run=%s", row.name, interval,
                 first.isoformat(timespec="seconds"))

    def _drop(self, source_id: int) -> None:
        self._intervals.pop(source_id, None)
        self._timer.remove(f"source:{source_id}")
        log.info("source_id=%d unscheduled (removed or disabled)", source_id)

    def _aim(self, source_id: int, when: datetime | None) -> None:
        if when is None or self._stopping or source_id not in self._intervals:
            return
        key = f"source:{source_id}"
        current = self._timer.next_time(key)
        if current is None or abs((current - when).total_seconds()) > 0.05:
            self._timer.aim(key, when)

    async def _attempt(self, source_id: int) -> None:
        """One fire of a source's job: claim, run, release with the next slot."""
        if self._stopping:
            return
        async with self._slots:
            if self._stopping:
                return
            lease = await self._offload(leases.claim_source, self.db, source_id, self.owner,
                                        ttl=self.config.lease_ttl, now=self.clock.now())
            if lease is None:
                await self._follow(source_id)
                return
            if lease.taken_over_from:
                log.warning("source=%s lease_taken_over from=%s reason=lease_expired", lease.name,
                            lease.taken_over_from)
            task = asyncio.current_task()
            assert task is not None
            self._running[source_id] = task
            try:
                await self._run_claimed(lease)
            finally:
                self._running.pop(source_id, None)

    async def _follow(self, source_id: int) -> None:
        """Not ours this time (not due, or another node has it): aim at the stored schedule."""
        row = await self._offload(schedule.get_schedule, self.db, source_id)
        now = self.clock.now()
        if row is None or not row.enabled:
            self._drop(source_id)
            return
        target = self._target(row, now)
        if target is not None and target <= now:
            target = now + timedelta(seconds=RACE_RETRY)
        self._aim(source_id, target)

    async def _run_claimed(self, lease: leases.Lease) -> None:
        failed, retry_after = False, None
        try:
            report = await self._run(lease.name)
            self._count(lease.name, report)
            failed = not getattr(report, "ok", True)
            retry_after = cadence.retry_after_of(report)
        except asyncio.CancelledError:
            # Stopping: give the slot back unchanged so another node runs it at once.
            await asyncio.shield(self._offload(leases.release, self.db, lease, next_run_at=None))
            raise
        except Exception as exc:  # nobody recorded this one: count it in the source's health
            log.exception("source=%s run crashed", lease.name)
            failed, retry_after = True, cadence.retry_after_of(exc)
            # the English text as ever (`Type: message`), its template and values kept beside
            # it, so that the source's last error is said in the reader's language: an error
            # raised with a template as its message alone, any other by its kind's label
            await self._offload(schedule.record_run_failure, self.db, lease.source_id,
                                exception_text(exc), self.clock.now())
            self._count(lease.name, None)
        await self._finish(lease, failed, retry_after)

    async def _finish(self, lease: leases.Lease, failed: bool, retry_after: float | None) -> None:
        row = await self._offload(schedule.get_schedule, self.db, lease.source_id)
        failures = max(row.consecutive_failures if row else 0, 1) if failed else 0
        interval = self.interval_of(lease.interval_seconds)
        now = self.clock.now()
        delay = cadence.backoff_delay(interval, failures, self.config.max_backoff)
        slot = cadence.next_slot(lease.due_at, interval, failures, now, started_at=lease.claimed_at,
                                 extra=cadence.jitter(delay, self._rng), retry_after=retry_after,
                                 cap=self.config.max_backoff)
        await self._offload(leases.release, self.db, lease, next_run_at=slot)
        if failures or retry_after:
            log.warning("source=%s consecutive_failures=%d retry_after=%s backoff_until=%s",
                        lease.name, failures, f"{retry_after:g}s" if retry_after else "-",
                        slot.isoformat(timespec="seconds"))
        self._aim(lease.source_id, slot)

    def beat(self) -> set[int]:
        """Renew every lease this node holds; warn about runs whose lease was lost meanwhile."""
        held = leases.renew_all(self.db, self.owner, ttl=self.config.lease_ttl, now=self.clock.now())
        for source_id in set(self._running) - held:  # a C-level copy: safe from this thread
            log.warning("source_id=%d lease lost during the run (node stalled past lease_ttl?)",
                        source_id)
        return held

    async def heartbeat(self) -> set[int]:
        return set(await self._offload(self.beat))

    def _late(self, slept_from: float) -> None:
        late = self.clock.monotonic() - slept_from - self.config.heartbeat
        if late > self.config.heartbeat:  # something kept the heartbeat from running
            log.warning("lease heartbeat late by %.1fs (lease_ttl %gs)", late, self.config.lease_ttl)

    async def _beat_forever(self) -> None:
        """The heartbeat on the event loop (virtual time in tests)."""
        while True:
            slept_from = self.clock.monotonic()
            await self.clock.sleep(self.config.heartbeat)
            self._late(slept_from)
            try:
                await self.heartbeat()
            except Exception:  # a database hiccup: the next beat tries again, well within the TTL
                log.exception("lease heartbeat failed")

    def _beat_in_thread(self) -> None:
        """The heartbeat in its own thread (real time): a source run holding the event loop in a
        long synchronous step (parsing, scoring a batch) cannot starve it, so a live node never
        loses its leases; only a dead (or frozen) process stops beating."""
        while True:
            slept_from = self.clock.monotonic()
            if self._beat_stop.wait(self.config.heartbeat):
                return
            self._late(slept_from)
            try:
                self.beat()
            except Exception:
                log.exception("lease heartbeat failed")

    def _count(self, name: str, report: Any) -> None:
        if self.metrics is None:
            return
        if report is None:
            self.metrics.record_run(name, ok=False, errors=1, new=0, flagged=0)
            return
        self.metrics.record_run(
            name, ok=bool(getattr(report, "ok", True)),
            errors=len(getattr(report, "errors", []) or []),
            new=int(getattr(report, "new", 0)), flagged=int(getattr(report, "flagged", 0)))

    async def stop(self, grace: float) -> None:
        """Stop claiming; let runs in flight finish for `grace` s, then cancel them; drop leases.

        A cancelled run stops between transactions (every storage step is one `with
        db.session()` block, run synchronously), so what it wrote is committed, never half.
        """
        self._stopping = True
        self._timer.shutdown()
        running = list(self._running.values())
        if running:
            log.info("waiting for %d run(s) in flight (up to %.0fs)", len(running), grace)
            pending = await self._wait(running, grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        self._beat_stop.set()
        released = await self._offload(leases.release_all, self.db, self.owner)
        log.info("scheduler stopped node=%s leases_released=%d", self.owner, released)

    async def _wait(self, tasks: list[asyncio.Task[Any]], grace: float) -> set[asyncio.Task[Any]]:
        """Wait for tasks up to `grace` seconds of the scheduler's clock; the ones still running."""
        timeout = asyncio.ensure_future(self.clock.sleep(grace))
        pending: set[Any] = set(tasks)
        while pending and not timeout.done():
            _done, pending = await asyncio.wait(pending | {timeout},
                                                return_when=asyncio.FIRST_COMPLETED)
            pending.discard(timeout)
        timeout.cancel()
        return {task for task in pending if not task.done()}
