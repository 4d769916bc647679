"""APScheduler wiring: one job per enabled source, each run claimed through a lease.

Every node keeps one AsyncIOScheduler job per enabled source (interval trigger at the source's
interval, never below `scheduler.min_interval`, `max_instances=1` so a run never overlaps the
next one in this process). The database decides who actually runs: a job that fires claims the
source (storage.leases); the winner runs it and moves `next_run_at` on by one interval (plus
jitter), or by an exponential backoff after failures; every job then re-aims its own next fire
time at the stored `next_run_at`, so all nodes follow one shared schedule. A periodic re-sync
adds jobs for new sources, drops removed or disabled ones and follows other nodes' schedules.
"""

from __future__ import annotations

from contextlib import suppress

import asyncio
import logging
import os
import random
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Awaitable, Callable

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from monitor.metrics import Metrics
from storage import leases
from storage.db import Database
from storage.models import Source

__all__ = ["Scheduler", "SchedulerConfig", "backoff_delay", "next_slot", "node_id"]

log = logging.getLogger(__name__)
RunSource = Callable[[str], Awaitable[Any]]
BACKOFF_CAP = 3600.0  # a failing source is still tried at least hourly (or at its own interval)
JITTER_FRACTION = 0.05  # of the interval, added to each next slot
JITTER_CAP = 30.0
FIRST_RUN_SPREAD = 5.0  # never-run sources start spread over this many seconds (at most)


def node_id() -> str:
    """Unique per process: a restarted node must not mistake a dead predecessor's lease for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def backoff_delay(interval: float, failures: int, cap: float = BACKOFF_CAP) -> float:
    """interval × 2^failures, capped (never below the interval itself)."""
    return min(interval * 2 ** min(failures, 30), max(interval, cap))


def next_slot(due_at: datetime, interval: float, failures: int, now: datetime,
              jitter: float = 0.0, started_at: datetime | None = None) -> datetime:
    """The next due time: on cadence from the slot just run, or backed off from now.

    A run that started late counts its interval from its start, so two fetches of one source
    are never closer than the interval (politeness), however late a node picked the slot up.
    """
    if failures:
        return now + timedelta(seconds=backoff_delay(interval, failures) + jitter)
    start = max(due_at, started_at) if started_at is not None else due_at
    slot = start + timedelta(seconds=interval + jitter)
    return slot if slot > now else now  # fell behind: run once now, not a burst of catch-ups


@dataclass(frozen=True)
class SchedulerConfig:
    min_interval: float
    max_concurrent: int
    lease_ttl: float
    resync: float

    @classmethod
    def from_settings(cls, settings: Any) -> SchedulerConfig:
        minimum = float(settings.get("scheduler.min_interval"))
        return cls(min_interval=minimum,
                   max_concurrent=max(1, int(settings.get("scheduler.max_concurrent_fetches"))),
                   lease_ttl=float(settings.get("scheduler.lease_ttl")),
                   resync=max(0.5, min(5.0, minimum)))


class Scheduler:
    """Runs due sources through `run(name)` (monitor.scrape.run_source bound to a client)."""

    def __init__(self, db: Database, config: SchedulerConfig, run: RunSource, *,
                 metrics: Metrics | None = None, owner: str | None = None) -> None:
        self.db, self.config, self._run = db, config, run
        self.metrics = metrics
        self.owner = owner or node_id()
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._slots = asyncio.Semaphore(config.max_concurrent)
        self._running: dict[int, asyncio.Task[Any]] = {}
        self._intervals: dict[int, float] = {}
        self._stopping = False

    def interval_of(self, row_interval: float) -> float:
        return max(float(row_interval), self.config.min_interval)

    async def start(self) -> None:
        self._aps.start()
        await self.resync()
        self._aps.add_job(self.resync, IntervalTrigger(seconds=self.config.resync), id="resync",
                          max_instances=1, coalesce=True, misfire_grace_time=None)
        log.info("scheduler started node=%s sources=%d max_concurrent=%d lease_ttl=%gs",
                 self.owner, len(self._intervals), self.config.max_concurrent, self.config.lease_ttl)

    async def resync(self) -> None:
        """Match jobs to the sources table and to the schedule other nodes have written."""
        rows = await asyncio.to_thread(self._read_sources)
        now = datetime.now(UTC)
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

    def _read_sources(self) -> list[Source]:
        with self.db.session() as session:
            return list(session.scalars(select(Source)))

    def _target(self, row: Source, now: datetime) -> datetime | None:
        """When this node should next try: the stored slot, or when another node's lease ends."""
        if row.lease_owner and row.lease_owner != self.owner and row.lease_expires_at \
                and row.lease_expires_at > now:
            return min(row.lease_expires_at, now + timedelta(seconds=self.config.resync))
        if row.next_run_at is None:
            return None
        return max(row.next_run_at, now)

    def _add(self, row: Source, now: datetime) -> None:
        interval = self.interval_of(row.interval_seconds)
        first = self._target(row, now)
        if first is None:  # never run: spread the first runs so a fleet does not start at once
            first = now + timedelta(seconds=random.uniform(0, min(FIRST_RUN_SPREAD, interval / 4)))
        self._aps.add_job(self._attempt, IntervalTrigger(seconds=interval), args=[row.id],
                          id=f"source:{row.id}", name=row.name, next_run_time=first,
                          max_instances=1, coalesce=True, misfire_grace_time=None,
                          replace_existing=True)
        self._intervals[row.id] = interval
        log.info("source=%s scheduled interval=%gs first_run=%s", row.name, interval,
                 first.isoformat(timespec="seconds"))

    def _drop(self, source_id: int) -> None:
        self._intervals.pop(source_id, None)
        with suppress(JobLookupError):
            self._aps.remove_job(f"source:{source_id}")
        log.info("source_id=%d unscheduled (removed or disabled)", source_id)

    def _aim(self, source_id: int, when: datetime | None) -> None:
        if when is None or self._stopping or source_id not in self._intervals:
            return
        job = self._aps.get_job(f"source:{source_id}")
        if job is not None and (job.next_run_time is None
                                or abs((job.next_run_time - when).total_seconds()) > 0.05):
            job.modify(next_run_time=when)

    async def _attempt(self, source_id: int) -> None:
        """One fire of a source's job: claim, run, release with the next slot."""
        if self._stopping:
            return
        async with self._slots:
            if self._stopping:
                return
            lease = await asyncio.to_thread(leases.claim_source, self.db, source_id, self.owner,
                                            ttl=self.config.lease_ttl)
            if lease is None:
                await self._follow(source_id)
                return
            task = asyncio.current_task()
            assert task is not None
            self._running[source_id] = task
            try:
                await self._run_claimed(lease)
            finally:
                self._running.pop(source_id, None)

    async def _follow(self, source_id: int) -> None:
        """Not ours this time (not due, or another node has it): aim at the stored schedule."""
        rows = await asyncio.to_thread(self._read_one, source_id)
        now = datetime.now(UTC)
        if rows is None or not rows.enabled:
            self._drop(source_id)
            return
        target = self._target(rows, now)
        if target is not None and target <= now:  # lost a race for the row lock: look again soon
            target = now + timedelta(seconds=0.2)
        self._aim(source_id, target)

    def _read_one(self, source_id: int) -> Source | None:
        with self.db.session() as session:
            return session.get(Source, source_id)

    async def _run_claimed(self, lease: leases.Lease) -> None:
        renewer = asyncio.create_task(self._keep_renewed(lease))
        failed = False
        try:
            report = await self._run(lease.name)
            self._count(lease.name, report)
            failed = not getattr(report, "ok", True)
        except asyncio.CancelledError:
            # Stopping: give the slot back unchanged so another node runs it at once.
            await asyncio.shield(asyncio.to_thread(leases.release, self.db, lease, next_run_at=None))
            raise
        except Exception:  # a bug, not a source failure (those come back in the report)
            log.exception("source=%s run crashed", lease.name)
            failed = True
        finally:
            renewer.cancel()
        await self._finish(lease, failed)

    async def _finish(self, lease: leases.Lease, failed: bool) -> None:
        row = await asyncio.to_thread(self._read_one, lease.source_id)
        failures = row.consecutive_failures if row is not None else 0
        if failed:
            failures = max(failures, 1)
        interval = self.interval_of(lease.interval_seconds)
        now = datetime.now(UTC)
        jitter = random.uniform(0, min(JITTER_CAP, interval * JITTER_FRACTION))
        slot = next_slot(lease.due_at, interval, failures, now, jitter, started_at=lease.claimed_at)
        await asyncio.to_thread(leases.release, self.db, lease, next_run_at=slot)
        if failures:
            log.warning("source=%s consecutive_failures=%d backoff_until=%s", lease.name, failures,
                        slot.isoformat(timespec="seconds"))
        self._aim(lease.source_id, slot)

    async def _keep_renewed(self, lease: leases.Lease) -> None:
        """Renew at a third of the TTL so a long run keeps its lease; a lost lease is logged."""
        while True:
            await asyncio.sleep(self.config.lease_ttl / 3)
            renewed = await asyncio.to_thread(leases.renew, self.db, lease, ttl=self.config.lease_ttl)
            if renewed is None:
                log.warning("source=%s lease lost during the run", lease.name)
                return

    def _count(self, name: str, report: Any) -> None:
        if self.metrics is not None:
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
        self._aps.shutdown(wait=False)
        running = list(self._running.values())
        if running:
            log.info("waiting for %d run(s) in flight (up to %.0fs)", len(running), grace)
            _done, pending = await asyncio.wait(running, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)
        released = await asyncio.to_thread(leases.release_all, self.db, self.owner)
        log.info("scheduler stopped node=%s leases_released=%d", self.owner, released)
