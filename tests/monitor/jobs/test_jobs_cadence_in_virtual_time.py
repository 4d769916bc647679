"""The scheduler's cadence in virtual time (FakeClock), on SQLite and PostgreSQL.

These replace the old wall-clock process tests ("4–5 fetches in 9 s"): the same properties,
exact, in milliseconds of real time.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from virtual_nodes import Outcome, ScriptedRuns, add_sources, config, node, simulate

from monitor.jobs.cadence import jitter_bound
from monitor.jobs.clock import FakeClock
from monitor.sources import remove_source
from storage import schedule
from storage.db import Database

EPS = 1e-6


def test_each_source_runs_once_per_interval_plus_jitter(db: Database, tmp_path: Path) -> None:
    add_sources(db, tmp_path, ["a", "b", "c"], interval=10)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1")
        await scheduler.start()
        await clock.run_for(300)
        await scheduler.stop(grace=0)

    simulate(body)
    for name in "abc":
        gaps = runs.gaps(name)
        assert runs.times[name][0] <= 2.5  # first runs spread over at most interval/4
        assert all(10 - EPS <= gap <= 10 + jitter_bound(10) + EPS for gap in gaps), gaps
        assert 28 <= len(runs.times[name]) <= 31


def test_runs_that_start_late_still_keep_a_full_interval_apart(db: Database, tmp_path: Path) -> None:
    """One slot, three sources whose runs take 4 s every 10 s: runs queue and start late."""
    add_sources(db, tmp_path, ["a", "b", "c"], interval=10)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    for name in "abc":
        runs.scripts[name] = lambda _n: Outcome(duration=4.0)

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1", config(max_concurrent=1))
        await scheduler.start()
        await clock.run_for(600)
        await scheduler.stop(grace=0)

    simulate(body)
    starts = sorted(t for name in "abc" for t in runs.times[name])
    assert all(b - a >= 4 - EPS for a, b in itertools.pairwise(starts))  # one at a time
    for name in "abc":
        gaps = runs.gaps(name)
        assert min(gaps) >= 10 - EPS, gaps
        assert len(runs.times[name]) >= 600 / 14  # late, but not starved


def test_min_interval_overrides_a_shorter_source_interval(db: Database, tmp_path: Path) -> None:
    add_sources(db, tmp_path, ["fast"], interval=1)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1", config(min_interval=5))
        await scheduler.start()
        await clock.run_for(100)
        await scheduler.stop(grace=0)

    simulate(body)
    assert min(runs.gaps("fast")) >= 5 - EPS
    assert 19 <= len(runs.times["fast"]) <= 21


def test_jitter_spreads_slots_within_its_bound(db: Database, tmp_path: Path) -> None:
    names = [f"s{i}" for i in range(12)]
    add_sources(db, tmp_path, names, interval=100)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1", seed=7)
        await scheduler.start()
        await clock.run_for(1000)
        await scheduler.stop(grace=0)

    simulate(body)
    gaps = [gap for name in names for gap in runs.gaps(name)]
    assert all(100 - EPS <= gap <= 100 + jitter_bound(100) + EPS for gap in gaps)
    assert len({round(gap, 3) for gap in gaps}) > len(gaps) // 2  # really jittered
    assert max(gaps) - min(gaps) > 1.0


def test_sources_added_and_removed_while_running_are_followed(db: Database, tmp_path: Path) -> None:
    add_sources(db, tmp_path, ["old"], interval=2)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    removed_at: list[float] = []

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1")
        await scheduler.start()
        await clock.run_for(10)
        add_sources(db, tmp_path, ["new"], interval=2)
        remove_source(db, "old")
        removed_at.append(clock.monotonic())
        await clock.run_for(10)
        await scheduler.stop(grace=0)

    simulate(body)
    assert runs.times["old"] and all(t <= removed_at[0] + 1.0 for t in runs.times["old"])
    assert runs.times["new"][0] <= removed_at[0] + 1.0 + 0.5 + 1.0  # next resync + first spread
    assert len(runs.times["new"]) >= 4


def test_a_stop_gives_the_lease_of_a_run_in_flight_back(db: Database, tmp_path: Path) -> None:
    add_sources(db, tmp_path, ["slow"], interval=60)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    runs.scripts["slow"] = lambda _n: Outcome(duration=1000)

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1")
        await scheduler.start()
        await clock.run_for(10)
        assert schedule.list_schedules(db)[0].lease_owner == "n1"
        await scheduler.stop(grace=0)

    simulate(body)
    row = schedule.list_schedules(db)[0]
    assert row.lease_owner is None and row.lease_expires_at is None
    assert row.next_run_at is None  # never finished: due again at once, on any node
