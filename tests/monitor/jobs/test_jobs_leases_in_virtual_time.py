"""Leases that follow the node, in virtual time on SQLite and PostgreSQL: renewed by the
heartbeat while a run lasts, taken over within one TTL when the node dies, freed at once by a
node starting on the same host, and shared fairly by two nodes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from virtual_nodes import Outcome, ScriptedRuns, add_sources, config, freeze, node, simulate

from monitor.jobs.clock import FakeClock
from monitor.jobs.nodes import dead_siblings, node_id, this_host
from storage import leases, schedule
from storage.db import Database

EPS = 1e-6


def _row(db: Database, name: str) -> schedule.SourceSchedule:
    return next(row for row in schedule.list_schedules(db) if row.name == name)


def _last_error(db: Database, name: str) -> str:
    from sqlalchemy import text

    with db.reader() as session:
        return str(session.execute(text("SELECT last_error FROM sources WHERE name = :n"),
                                   {"n": name}).scalar_one())


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_long_run_keeps_its_lease_by_heartbeat(db: Database, tmp_path: Path) -> None:
    add_sources(db, tmp_path, ["long"], interval=30)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    runs.scripts["long"] = lambda n: Outcome(duration=300) if n == 0 else Outcome()
    expiries = []

    async def body() -> None:
        a = node(db, clock, runs, "a", config(resync=5.0))
        b = node(db, clock, runs, "b", config(resync=5.0))
        await a.start()
        await clock.run_for(5)  # a has claimed it
        await b.start()
        for _ in range(19):
            await clock.run_for(15)
            expiries.append(_row(db, "long").lease_expires_at)
        await a.stop(grace=0)
        await b.stop(grace=0)

    simulate(body)
    assert runs.times["long"][0] <= 5 and runs.by_node["a"][0] == "long"
    assert len([t for t in runs.times["long"] if t < 300]) == 1  # b never ran it meanwhile
    live = [e for e in expiries if e is not None]
    assert len(live) >= 18 and live == sorted(live)  # renewed every beat while the run lasted


def test_a_frozen_node_loses_its_sources_within_one_ttl(db: Database, tmp_path: Path) -> None:
    """Node a hangs mid-run (no heartbeat, no more fires: what `kill -9` looks like from the
    database); node b takes the source over once the lease expires, and says so in health."""
    add_sources(db, tmp_path, ["victim"], interval=30)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    runs.scripts["victim"] = lambda n: Outcome(duration=10**6) if n == 0 else Outcome()
    froze_at: list[float] = []

    async def body() -> None:
        a = node(db, clock, runs, "host-a:101:aaaaaa", config(resync=5.0))
        await a.start()
        await clock.run_for(10)
        assert runs.by_node["host-a:101:aaaaaa"] == ["victim"]
        freeze(a)
        froze_at.append(clock.monotonic())
        b = node(db, clock, runs, "host-b:202:bbbbbb", config(resync=5.0))
        await b.start()
        await clock.run_for(120)
        await b.stop(grace=0)

    simulate(body)
    taken = runs.times["victim"][1]
    assert runs.by_node["host-b:202:bbbbbb"][0] == "victim"
    assert taken - runs.times["victim"][0] <= 60 + 5 + EPS  # one TTL after the last beat, at most
    assert "node host-a:101:aaaaaa stopped mid-run" in _last_error(db, "victim")
    assert all(gap >= 30 - EPS for gap in runs.gaps("victim")[1:])


def test_an_expired_lease_of_another_host_is_taken_over_and_reported(db: Database,
                                                                     tmp_path: Path) -> None:
    add_sources(db, tmp_path, ["orphan"], interval=30)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    held = leases.claim_source(db, _row(db, "orphan").id, "gone-host:7:cccccc", ttl=60,
                               now=clock.now())
    assert held is not None

    async def body() -> None:
        scheduler = node(db, clock, runs, node_id(), config(resync=5.0))
        await scheduler.start()
        await clock.run_for(100)
        await scheduler.stop(grace=0)

    simulate(body)
    assert 60 - EPS <= runs.times["orphan"][0] <= 60 + 0.5  # another host: wait for the TTL
    assert "node gone-host:7:cccccc stopped mid-run" in _last_error(db, "orphan")


def test_a_node_frees_its_dead_predecessors_leases_at_start(db: Database, tmp_path: Path) -> None:
    """Same host: a lease whose process is gone is freed at once; a live process's is kept."""
    add_sources(db, tmp_path, ["mine", "alive"], interval=30)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    host = this_host()
    dead_owner, live_owner = f"{host}:{_dead_pid()}:eeeeee", f"{host}:{os.getppid()}:ffffff"
    for name, owner in (("mine", dead_owner), ("alive", live_owner)):
        assert leases.claim_source(db, _row(db, name).id, owner, ttl=60, now=clock.now())
    me = f"{host}:{os.getpid()}:999999"
    assert dead_siblings({dead_owner, live_owner, me, "other-host:1:aaaaaa"}, me) == {dead_owner}

    async def body() -> None:
        scheduler = node(db, clock, runs, me, config(resync=5.0))
        await scheduler.start()
        await clock.run_for(90)
        await scheduler.stop(grace=0)

    simulate(body)
    assert runs.times["mine"][0] <= 5.0  # at once (first-run spread), not after the TTL
    assert f"node {dead_owner} stopped mid-run" in _last_error(db, "mine")
    assert runs.times["alive"][0] >= 60 - EPS  # a live node's lease is never stolen early


def test_a_reused_pid_of_this_process_is_a_dead_predecessor() -> None:
    """In a container every start is pid 1: the same pid with another token is a dead node."""
    me = "box:1:aaaaaa"
    assert dead_siblings({"box:1:bbbbbb", "box:x:cccccc", "nohost"}, me) == {"box:1:bbbbbb"}
    assert dead_siblings({"box:1:bbbbbb"}, "plain-name") == set()
    # Another PID namespace under the same hostname (containers): never judged from here.
    assert dead_siblings({"box~2:1:bbbbbb"}, "box~1:1:aaaaaa") == set()
    assert node_id().startswith(this_host() + ":")


def test_two_nodes_run_each_slot_once_in_total(db: Database, tmp_path: Path) -> None:
    names = [f"src{i}" for i in range(10)]
    add_sources(db, tmp_path, names, interval=10)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    for name in names:
        runs.scripts[name] = lambda _n: Outcome(duration=1.5)

    async def body() -> None:
        a = node(db, clock, runs, "a", config(resync=2.0), seed=1)
        b = node(db, clock, runs, "b", config(resync=2.0), seed=2)
        await a.start()
        await b.start()
        await clock.run_for(300)
        await a.stop(grace=0)
        await b.stop(grace=0)

    simulate(body)
    for name in names:
        assert min(runs.gaps(name)) >= 10 - EPS, runs.gaps(name)
        assert 27 <= len(runs.times[name]) <= 31
    assert runs.by_node["a"] and runs.by_node["b"]
