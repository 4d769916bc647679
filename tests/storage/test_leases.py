"""Leases on source runs (storage.leases), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage import leases
from storage.db import Database
from storage.models import Source

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _source(db: Database, name: str, *, next_run_at: datetime | None = None,
            enabled: bool = True) -> int:
    with db.session() as session:
        row = Source(name=name, type="rss", url="http://feeds.test/x", interval_seconds=60.0,
                     options={}, enabled=enabled, origin="cli", cursor={}, created_at=T0,
                     consecutive_failures=0, posts_collected=0, next_run_at=next_run_at)
        session.add(row)
        session.flush()
        return row.id


def _row(db: Database, source_id: int) -> Source:
    with db.session() as session:
        row = session.get(Source, source_id)
        assert row is not None
        return row


def test_claim_is_exclusive_until_released(db: Database) -> None:
    sid = _source(db, "a")
    lease = leases.claim_source(db, sid, "node-1", ttl=30, now=T0)
    assert lease is not None and lease.due_at == T0 and lease.expires_at == T0 + timedelta(seconds=30)
    assert leases.claim_source(db, sid, "node-2", ttl=30, now=T0 + timedelta(seconds=1)) is None
    assert leases.release(db, lease, next_run_at=T0 + timedelta(seconds=60))
    row = _row(db, sid)
    assert row.lease_owner is None and row.next_run_at == T0 + timedelta(seconds=60)
    # Not due before its next slot, due at it.
    assert leases.claim_source(db, sid, "node-2", ttl=30, now=T0 + timedelta(seconds=59)) is None
    assert leases.claim_source(db, sid, "node-2", ttl=30, now=T0 + timedelta(seconds=60)) is not None


def test_expired_lease_is_taken_over_and_the_loser_cannot_release(db: Database) -> None:
    sid = _source(db, "a")
    dead = leases.claim_source(db, sid, "dead-node", ttl=10, now=T0)
    assert dead is not None
    assert leases.claim_source(db, sid, "node-2", ttl=10, now=T0 + timedelta(seconds=9)) is None
    alive = leases.claim_source(db, sid, "node-2", ttl=10, now=T0 + timedelta(seconds=10))
    assert alive is not None and alive.owner == "node-2"
    # The old owner comes back late: its release and renewal must not disturb the new lease.
    assert not leases.release(db, dead, next_run_at=T0 + timedelta(hours=1))
    assert leases.renew(db, dead, ttl=10) is None
    assert _row(db, sid).lease_owner == "node-2"


def test_renew_extends_only_the_owners_lease(db: Database) -> None:
    sid = _source(db, "a")
    lease = leases.claim_source(db, sid, "n1", ttl=10, now=T0)
    assert lease is not None
    renewed = leases.renew(db, lease, ttl=10, now=T0 + timedelta(seconds=8))
    assert renewed is not None and renewed.expires_at == T0 + timedelta(seconds=18)
    assert leases.claim_source(db, sid, "n2", ttl=10, now=T0 + timedelta(seconds=12)) is None


def test_disabled_and_future_sources_are_not_claimed(db: Database) -> None:
    _source(db, "off", enabled=False)
    _source(db, "later", next_run_at=T0 + timedelta(minutes=5))
    due = _source(db, "due", next_run_at=T0 - timedelta(seconds=1))
    fresh = _source(db, "never-run")
    claimed = leases.claim_due(db, "n1", ttl=30, limit=10, now=T0)
    assert sorted(lease.source_id for lease in claimed) == sorted([due, fresh])
    assert leases.claim_due(db, "n2", ttl=30, limit=10, now=T0) == []


def test_release_all_frees_a_stopping_nodes_sources(db: Database) -> None:
    ids = [_source(db, f"s{i}") for i in range(3)]
    assert len(leases.claim_due(db, "stopping", ttl=300, limit=10, now=T0)) == 3
    assert leases.release_all(db, "stopping") == 3
    assert len(leases.claim_due(db, "other", ttl=300, limit=10, now=T0)) == len(ids)


@pytest.mark.parametrize("contenders", [12])
def test_concurrent_claims_have_exactly_one_winner(db: Database, contenders: int) -> None:
    """Many nodes fire at the same moment for the same source: one run, never two."""
    sids = [_source(db, f"s{i}") for i in range(5)]
    barrier = threading.Barrier(contenders)
    won: list[tuple[int, str]] = []
    lock = threading.Lock()

    def node(number: int) -> None:
        barrier.wait()
        for sid in sids:
            lease = leases.claim_source(db, sid, f"node-{number}", ttl=60)
            if lease is not None:
                with lock:
                    won.append((sid, lease.owner))

    threads = [threading.Thread(target=node, args=(n,)) for n in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(sid for sid, _owner in won) == sorted(sids)
    with db.session() as session:
        owners = dict(session.execute(select(Source.id, Source.lease_owner)).all())
    assert all(owners[sid] == owner for sid, owner in won)


def test_claim_due_splits_work_between_nodes(db: Database) -> None:
    sids = {_source(db, f"s{i}") for i in range(10)}
    first = leases.claim_due(db, "n1", ttl=30, limit=4, now=T0)
    second = leases.claim_due(db, "n2", ttl=30, limit=100, now=T0)
    assert len(first) == 4 and len(second) == 6
    assert {lease.source_id for lease in first} | {lease.source_id for lease in second} == sids


def test_renew_all_is_a_nodes_heartbeat(db: Database) -> None:
    ids = {_source(db, "x"), _source(db, "y")}
    other = _source(db, "z")
    for sid in ids:
        assert leases.claim_source(db, sid, "n1", ttl=60, now=T0)
    assert leases.claim_source(db, other, "n2", ttl=60, now=T0)
    later = T0 + timedelta(seconds=40)
    assert leases.renew_all(db, "n1", ttl=60, now=later) == ids
    assert {sid: _row(db, sid).lease_expires_at for sid in ids} == dict.fromkeys(ids, later + timedelta(seconds=60))
    assert _row(db, other).lease_expires_at == T0 + timedelta(seconds=60)  # not n1's
    assert leases.renew_all(db, "nobody", ttl=60, now=later) == set()


def test_taking_over_an_expired_lease_names_the_dead_node_in_health(db: Database) -> None:
    sid = _source(db, "a")
    assert leases.claim_source(db, sid, "dead-node", ttl=10, now=T0)
    taken = leases.claim_source(db, sid, "alive", ttl=10, now=T0 + timedelta(seconds=11))
    assert taken is not None and taken.taken_over_from == "dead-node"
    row = _row(db, sid)
    assert row.last_error is not None and row.last_error.startswith("node dead-node stopped mid-run")
    assert row.last_error_at == T0 + timedelta(seconds=11)
    # A plain claim after a clean release names nobody.
    assert leases.release(db, taken, next_run_at=None)
    again = leases.claim_source(db, sid, "alive", ttl=10, now=T0 + timedelta(seconds=12))
    assert again is not None and again.taken_over_from is None
