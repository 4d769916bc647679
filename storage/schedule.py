"""What the scheduler reads and writes about sources besides leases: their schedule and health.

Plain frozen dataclasses out, so the scheduler (monitor.jobs) never touches the ORM. The lease
columns themselves are written only by storage.leases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from storage.db import Database
from storage.errors import N_, Message
from storage.models import Source
from storage.stored_errors import error_fields

__all__ = [
    "SourceSchedule",
    "get_schedule",
    "list_schedules",
    "record_run_failure",
    "release_dead_leases",
    "stopped_mid_run",
]

@dataclass(frozen=True)
class SourceSchedule:
    """One source as the scheduler sees it."""

    id: int
    name: str
    enabled: bool
    interval_seconds: float
    next_run_at: datetime | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    consecutive_failures: int


def _schedule(row: Source) -> SourceSchedule:
    return SourceSchedule(row.id, row.name, bool(row.enabled), float(row.interval_seconds),
                          row.next_run_at, row.lease_owner, row.lease_expires_at,
                          int(row.consecutive_failures or 0))


def list_schedules(db: Database) -> list[SourceSchedule]:
    with db.reader() as session:
        return [_schedule(row) for row in session.scalars(select(Source).order_by(Source.id))]


def get_schedule(db: Database, source_id: int) -> SourceSchedule | None:
    with db.reader() as session:
        row = session.get(Source, source_id)
        return None if row is None else _schedule(row)


def record_run_failure(db: Database, source_id: int, message: str, now: datetime) -> int:
    """A run that ended in an exception nobody recorded: count it in the source's health,
    `message` the English text; a `Message` (storage.errors.exception_text) brings its template
    and values, stored beside it (error_fields) to be shown translated.

    Returns the new number of consecutive failures (0 if the source is gone).
    """
    with db.session() as session:
        session.execute(update(Source).where(Source.id == source_id).values(
            last_run_at=now, last_error_at=now, consecutive_failures=Source.consecutive_failures + 1,
            **error_fields(message)))
        return int(session.scalar(select(Source.consecutive_failures)
                                  .where(Source.id == source_id)) or 0)


def stopped_mid_run(owner: str, expires_at: datetime | None) -> Message:
    """The health message of a source whose run was cut short by its node's death: a
    `Message`, its template and values stored beside the English text (error_fields), so that
    it is said in the reader's language."""
    if expires_at is None:
        return Message(N_("node {owner} stopped mid-run"), owner=owner)
    return Message(N_("node {owner} stopped mid-run (lease until {until})"), owner=owner,
                   until=expires_at.isoformat(timespec="seconds"))


def release_dead_leases(db: Database, owners: Iterable[str], now: datetime) -> list[str]:
    """Free the leases of nodes known to be dead, saying so in each source's health.

    Returns the names of the sources freed; they are due again at their stored slot.
    """
    dead = sorted(set(owners))
    if not dead:
        return []
    freed: list[str] = []
    with db.session() as session:
        rows = session.scalars(select(Source).where(Source.lease_owner.in_(dead))
                               .with_for_update(skip_locked=True)).all()
        for row in rows:
            for key, value in error_fields(stopped_mid_run(str(row.lease_owner),
                                                           row.lease_expires_at)).items():
                setattr(row, key, value)
            row.last_error_at = now
            row.lease_owner, row.lease_expires_at = None, None
            freed.append(row.name)
    return freed
