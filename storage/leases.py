"""Leases on source runs: how several `pantau run` nodes sharing one database split the work.

A due source (enabled, `next_run_at` reached or never set, no live lease) is claimed by writing
`lease_owner`/`lease_expires_at` in one short transaction. On PostgreSQL the candidate row is
locked with `SELECT … FOR UPDATE SKIP LOCKED`, so two nodes racing for it never block each
other and exactly one wins; on SQLite the transaction starts with BEGIN IMMEDIATE (storage.db),
which serialises writers, so the same code is correct on a single node. Releasing clears the
lease and moves `next_run_at` on, so the source is not due again until its next interval; a
node that dies keeps its lease only until `lease_expires_at`, after which anyone may claim it.

Leases are short (`scheduler.lease_ttl`, a minute by default) and a live node renews all of its
leases at once (`renew_all`, its heartbeat), so a lease outlives its node by at most one TTL.
Whoever takes over an expired lease writes "node X stopped mid-run" into the source's health
(with its template, said in the reader's language).

Times are the caller's UTC clock: nodes on different machines must keep their clocks in sync
(NTP), as the deployment guide says.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import Source
from storage.schedule import stopped_mid_run
from storage.stored_errors import error_fields

__all__ = [
    "Lease",
    "claim_due",
    "claim_source",
    "is_due",
    "release",
    "release_all",
    "renew",
    "renew_all",
]


@dataclass(frozen=True)
class Lease:
    """A node's claim on one run of one source."""

    source_id: int
    name: str
    owner: str
    due_at: datetime  # when the run was due (its slot); the next slot is counted from here
    claimed_at: datetime
    expires_at: datetime
    interval_seconds: float
    taken_over_from: str | None = None  # the dead node whose expired lease this one replaced


def _execute(session: Session, statement: Any) -> CursorResult[Any]:
    """An UPDATE whose rowcount matters (typed: Session.execute returns a plain Result)."""
    return cast(CursorResult[Any], session.execute(statement))


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def is_due(now: datetime) -> ColumnElement[bool]:
    """SQL condition: enabled, its slot has come, and nobody holds a live lease on it."""
    return and_(
        Source.enabled.is_(True),
        or_(Source.next_run_at.is_(None), Source.next_run_at <= now),
        or_(Source.lease_owner.is_(None), Source.lease_expires_at.is_(None),
            Source.lease_expires_at <= now),
    )


def _take(session: Session, row: Source, owner: str, ttl: float, now: datetime) -> Lease:
    due = row.next_run_at or now
    expires = now + timedelta(seconds=ttl)
    previous = row.lease_owner if row.lease_owner and row.lease_owner != owner else None
    if previous is not None:  # its node died (or stalled past the TTL) during a run
        for key, value in error_fields(stopped_mid_run(previous, row.lease_expires_at)).items():
            setattr(row, key, value)
        row.last_error_at = now
    row.lease_owner, row.lease_expires_at = owner, expires
    return Lease(row.id, row.name, owner, due, now, expires, row.interval_seconds, previous)


def claim_source(db: Database, source_id: int, owner: str, *, ttl: float,
                 now: datetime | None = None) -> Lease | None:
    """Claim this source if it is due and free; None if it is not due or another node has it."""
    now = _now(now)
    with db.session() as session:
        row = session.scalar(
            select(Source).where(Source.id == source_id, is_due(now))
            .with_for_update(skip_locked=True))
        return None if row is None else _take(session, row, owner, ttl, now)


def claim_due(db: Database, owner: str, *, ttl: float, limit: int,
              now: datetime | None = None) -> list[Lease]:
    """Claim up to `limit` due sources, longest overdue first."""
    now = _now(now)
    with db.session() as session:
        rows = session.scalars(
            select(Source).where(is_due(now))
            .order_by(Source.next_run_at.is_not(None), Source.next_run_at, Source.id)
            .limit(limit).with_for_update(skip_locked=True)).all()
        return [_take(session, row, owner, ttl, now) for row in rows]


def renew(db: Database, lease: Lease, *, ttl: float, now: datetime | None = None) -> Lease | None:
    """Extend a lease still held by its owner (long runs); None if it was lost meanwhile."""
    now = _now(now)
    expires = now + timedelta(seconds=ttl)
    with db.session() as session:
        done = _execute(session,
            update(Source).where(Source.id == lease.source_id, Source.lease_owner == lease.owner)
            .values(lease_expires_at=expires).execution_options(synchronize_session=False))
    if not done.rowcount:
        return None
    return replace(lease, expires_at=expires)


def renew_all(db: Database, owner: str, *, ttl: float, now: datetime | None = None) -> set[int]:
    """A node's heartbeat: extend every lease it still holds; returns their source ids."""
    expires = _now(now) + timedelta(seconds=ttl)
    with db.session() as session:
        done = session.execute(
            update(Source).where(Source.lease_owner == owner).values(lease_expires_at=expires)
            .returning(Source.id).execution_options(synchronize_session=False))
        return {int(source_id) for source_id in done.scalars()}


def release(db: Database, lease: Lease, *, next_run_at: datetime | None) -> bool:
    """Drop the lease and set the next slot (None keeps the current one: due again at once).

    Returns False when the lease had already expired and been taken by another node; the
    other node's schedule then stands.
    """
    values: dict[str, object] = {"lease_owner": None, "lease_expires_at": None}
    if next_run_at is not None:
        values["next_run_at"] = next_run_at
    with db.session() as session:
        done = _execute(session,
            update(Source).where(Source.id == lease.source_id, Source.lease_owner == lease.owner)
            .values(**values).execution_options(synchronize_session=False))
    return bool(done.rowcount)


def release_all(db: Database, owner: str) -> int:
    """Drop every lease of a node that is stopping, so others can take its sources at once."""
    with db.session() as session:
        done = _execute(session,
            update(Source).where(Source.lease_owner == owner)
            .values(lease_owner=None, lease_expires_at=None)
            .execution_options(synchronize_session=False))
    return int(done.rowcount or 0)
