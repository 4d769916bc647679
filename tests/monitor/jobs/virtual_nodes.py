"""Schedulers in virtual time: real databases, a FakeClock, and scripted source runs.

A `ScriptedRuns` stands in for monitor.scrape.run_source with the same contract: it records
each fetch at the virtual time it happens, reports a source failure after counting it in the
source's health (as run_source does), or raises (a bug the scheduler must record itself).
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from monitor.config import SourceSpec, load_settings
from monitor.jobs.clock import FakeClock, inline
from monitor.jobs.scheduler import Scheduler, SchedulerConfig
from monitor.jobs.timers import ClockTimer
from monitor.sources import add_source
from storage import schedule
from storage.db import Database


@dataclass(frozen=True)
class Outcome:
    ok: bool = True
    duration: float = 0.0  # virtual seconds the run takes
    retry_after: float | None = None  # passed on in the report
    raises: BaseException | None = None  # raised instead of reporting


@dataclass
class Report:
    ok: bool
    retry_after: float | None = None
    new: int = 0
    flagged: int = 0


OK = Outcome()
Script = Callable[[int], Outcome]  # fetch number (0-based) → what happens


class ScriptedRuns:
    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db, self.clock = db, clock
        self.times: dict[str, list[float]] = defaultdict(list)
        self.by_node: dict[str, list[str]] = defaultdict(list)
        self.scripts: dict[str, Script] = {}

    def for_node(self, node: str) -> Callable[[str], Coroutine[Any, Any, Report]]:
        async def run(name: str) -> Report:
            return await self._run(node, name)
        return run

    async def _run(self, node: str, name: str) -> Report:
        outcome = self.scripts.get(name, lambda _n: OK)(len(self.times[name]))
        self.times[name].append(self.clock.monotonic())
        self.by_node[node].append(name)
        if outcome.duration:
            await self.clock.sleep(outcome.duration)
        if outcome.raises is not None:
            raise outcome.raises
        source_id = _source_id(self.db, name)
        if outcome.ok:
            _reset_failures(self.db, name)
        else:
            schedule.record_run_failure(self.db, source_id, "HTTPError: 500", self.clock.now())
        return Report(ok=outcome.ok, retry_after=outcome.retry_after)

    def gaps(self, name: str) -> list[float]:
        times = self.times[name]
        return [b - a for a, b in itertools.pairwise(times)]


def _source_id(db: Database, name: str) -> int:
    with db.reader() as session:
        return int(session.execute(text("SELECT id FROM sources WHERE name = :n"), {"n": name}).scalar_one())


def _reset_failures(db: Database, name: str) -> None:
    with db.session() as session:
        session.execute(text("UPDATE sources SET consecutive_failures = 0 WHERE name = :n"), {"n": name})


def add_sources(db: Database, tmp_path: Path, names: list[str], interval: float) -> None:
    settings = load_settings(cwd=tmp_path, environ={"PANTAU_SCHEDULER__MIN_INTERVAL": "1s"})
    for name in names:
        add_source(db, SourceSpec(name=name, type="rss", url=f"http://feeds.test/{name}",
                                  interval=interval), settings)


def config(**overrides: Any) -> SchedulerConfig:
    values: dict[str, Any] = {"min_interval": 1.0, "max_concurrent": 8, "lease_ttl": 60.0,
                              "heartbeat": 15.0, "resync": 1.0, "max_backoff": 3600.0}
    values.update(overrides)
    return SchedulerConfig(**values)


def node(db: Database, clock: FakeClock, runs: ScriptedRuns, owner: str,
         cfg: SchedulerConfig | None = None, seed: int = 0) -> Scheduler:
    return Scheduler(db, cfg or config(), runs.for_node(owner), owner=owner, clock=clock,
                     timer=ClockTimer(clock), offload=inline, rng=random.Random(seed))


def simulate(body: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(body())


def freeze(scheduler: Scheduler) -> None:
    """Make a node stop dead, like `kill -9`: no more fires, no heartbeat, leases kept."""
    scheduler._timer.shutdown()
    if scheduler._heartbeat is not None:
        scheduler._heartbeat.cancel()
