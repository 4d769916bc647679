"""The scheduler's queries (storage.schedule), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from test_leases import _row, _source

from storage import leases, schedule
from storage.db import Database

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_schedules_are_plain_snapshots_of_the_sources(db: Database) -> None:
    on = _source(db, "on", next_run_at=T0)
    off = _source(db, "off", enabled=False)
    rows = schedule.list_schedules(db)
    assert [(r.id, r.name, r.enabled) for r in rows] == [(on, "on", True), (off, "off", False)]
    assert rows[0].next_run_at == T0 and rows[0].interval_seconds == 60.0
    assert schedule.get_schedule(db, on) == rows[0]
    assert schedule.get_schedule(db, 10**6) is None


def test_a_crash_nobody_recorded_counts_as_a_failure(db: Database) -> None:
    sid = _source(db, "a")
    assert schedule.record_run_failure(db, sid, "ValueError: " + "x" * 5000, T0) == 1
    assert schedule.record_run_failure(db, sid, "KeyError: 'id'", T0 + timedelta(seconds=5)) == 2
    row = _row(db, sid)
    assert row.consecutive_failures == 2 and row.last_error == "KeyError: 'id'"
    assert row.last_error_at == T0 + timedelta(seconds=5) == row.last_run_at
    assert schedule.record_run_failure(db, 10**6, "gone", T0) == 0


def test_dead_nodes_leases_are_freed_with_a_health_message(db: Database) -> None:
    a, b, c = _source(db, "a"), _source(db, "b"), _source(db, "c")
    assert leases.claim_source(db, a, "h:1:dead", ttl=60, now=T0)
    assert leases.claim_source(db, b, "h:1:dead", ttl=60, now=T0)
    assert leases.claim_source(db, c, "h:2:alive", ttl=60, now=T0)
    assert sorted(schedule.release_dead_leases(db, ["h:1:dead"], T0 + timedelta(seconds=3))) == ["a", "b"]
    for sid in (a, b):
        row = _row(db, sid)
        assert row.lease_owner is None and row.lease_expires_at is None
        assert row.last_error == "node h:1:dead stopped mid-run (lease until 2026-01-01T12:01:00+00:00)"
    assert _row(db, c).lease_owner == "h:2:alive" and _row(db, c).last_error is None
    assert schedule.release_dead_leases(db, [], T0) == []
    assert leases.claim_source(db, a, "h:3:new", ttl=60, now=T0 + timedelta(seconds=4)) is not None
