"""Failing sources in virtual time: exponential backoff (with jitter, capped), reset on success,
errors nobody caught counted in health, and a server's Retry-After for one source only."""

from __future__ import annotations

from pathlib import Path

import pytest
from virtual_nodes import OK, Outcome, ScriptedRuns, add_sources, config, node, simulate

from monitor.jobs.cadence import jitter_bound
from monitor.jobs.clock import FakeClock
from storage import schedule
from storage.db import Database

EPS = 1e-6


class RateLimited(Exception):
    """What the HTTP client raises on 429/503 with Retry-After (any numeric `retry_after`)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429 Too Many Requests (retry after {retry_after:g}s)")
        self.retry_after = retry_after


def _health(db: Database, name: str) -> schedule.SourceSchedule:
    return next(row for row in schedule.list_schedules(db) if row.name == name)


def _within(gap: float, delay: float) -> bool:
    return delay - EPS <= gap <= delay + jitter_bound(delay) + EPS


@pytest.mark.parametrize("how", ["reported", "raised"])
def test_backoff_doubles_then_resets_after_a_success(db: Database, tmp_path: Path, how: str) -> None:
    add_sources(db, tmp_path, ["flaky", "steady"], interval=10)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    failure = Outcome(ok=False) if how == "reported" else Outcome(raises=ValueError("bad charset"))
    runs.scripts["flaky"] = lambda n: failure if n < 4 else OK
    failures_seen: list[int] = []

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1", config(resync=5.0))
        await scheduler.start()
        while len(runs.times["flaky"]) < 4:
            await clock.run_for(1)
            failures_seen.append(_health(db, "flaky").consecutive_failures)
        await clock.run_for(400)
        await scheduler.stop(grace=0)

    simulate(body)
    gaps = runs.gaps("flaky")
    assert [_within(gap, delay) for gap, delay in zip(gaps, [20, 40, 80, 160], strict=False)] == [True] * 4
    assert all(_within(gap, 10) for gap in gaps[4:]), gaps  # reset after the first success
    assert max(failures_seen) == 4 and _health(db, "flaky").consecutive_failures == 0
    assert all(_within(gap, 10) for gap in runs.gaps("steady"))  # never affected
    if how == "raised":
        assert "ValueError: bad charset" in str(_last_error(db, "flaky"))


def test_backoff_is_capped_by_max_backoff(db: Database, tmp_path: Path) -> None:
    add_sources(db, tmp_path, ["down"], interval=10)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    runs.scripts["down"] = lambda _n: Outcome(ok=False)

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1", config(max_backoff=60.0, resync=5.0))
        await scheduler.start()
        await clock.run_for(600)
        await scheduler.stop(grace=0)

    simulate(body)
    gaps = runs.gaps("down")
    assert _within(gaps[0], 20) and _within(gaps[1], 40), gaps
    assert all(_within(gap, 60) for gap in gaps[2:]), gaps
    assert _health(db, "down").consecutive_failures == len(runs.times["down"])


@pytest.mark.parametrize("how", ["reported", "raised"])
def test_retry_after_defers_that_source_only(db: Database, tmp_path: Path, how: str) -> None:
    """Two sources on one host: the one told to wait 5 minutes waits; the other keeps going."""
    add_sources(db, tmp_path, ["limited", "neighbour"], interval=10)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    told = (Outcome(ok=False, retry_after=300) if how == "reported"
            else Outcome(raises=RateLimited(300)))
    runs.scripts["limited"] = lambda n: told if n == 0 else OK

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1", config(resync=5.0))
        await scheduler.start()
        await clock.run_for(400)
        await scheduler.stop(grace=0)

    simulate(body)
    first_gap = runs.gaps("limited")[0]
    assert 300 - EPS <= first_gap <= 300 + jitter_bound(300) + EPS
    assert all(_within(gap, 10) for gap in runs.gaps("limited")[1:])
    assert all(_within(gap, 10) for gap in runs.gaps("neighbour"))
    assert len(runs.times["neighbour"]) >= 38


def _last_error(db: Database, name: str) -> str | None:
    from sqlalchemy import text

    with db.reader() as session:
        return session.execute(text("SELECT last_error FROM sources WHERE name = :n"),
                               {"n": name}).scalar_one()


def test_a_crash_raised_with_a_template_is_said_as_its_message_alone(
        db: Database, tmp_path: Path) -> None:
    """An exception nobody recorded keeps `Type: message` as the English text in the source's
    last error, as ever; raised with a template (a source gone meanwhile), a reader reads the
    translated message alone, without the class name: Indonesian by default, English with the
    English catalog. Any other exception is said by a label for its kind and its text."""
    from monitor.errors import N_, NotFound
    from monitor.i18n import gettext_for
    from storage.sources import find_source

    add_sources(db, tmp_path, ["hilang", "rusak"], interval=10)
    clock = FakeClock()
    runs = ScriptedRuns(db, clock)
    gone = NotFound(N_("no source named {name!r} (see `pantau sources list`)"), name="hilang")
    runs.scripts["hilang"] = lambda n: Outcome(raises=gone)
    runs.scripts["rusak"] = lambda n: Outcome(raises=RuntimeError("adapter bug"))

    async def body() -> None:
        scheduler = node(db, clock, runs, "n1", config(resync=5.0))
        await scheduler.start()
        while not (runs.times["hilang"] and runs.times["rusak"]):
            await clock.run_for(1)
        await clock.run_for(1)
        await scheduler.stop(grace=0)

    simulate(body)
    english = "NotFound: no source named 'hilang' (see `pantau sources list`)"
    assert _last_error(db, "hilang") == english
    assert _last_error(db, "rusak") == "RuntimeError: adapter bug"
    with db.reader() as session:
        gone_row, broken_row = find_source(session, "hilang"), find_source(session, "rusak")
    assert gone_row is not None and broken_row is not None
    assert gone_row.last_error_in(gettext_for("id")) == (
        "tidak ada sumber bernama 'hilang' (lihat `pantau sources list`)")
    assert gone_row.last_error_in(gettext_for("en")) == (
        "no source named 'hilang' (see `pantau sources list`)")
    assert broken_row.last_error_in(gettext_for("id")) == "Kesalahan tak terduga: adapter bug"
    assert broken_row.last_error_in(gettext_for("en")) == "Unexpected error: adapter bug"
