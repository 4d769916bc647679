"""Audit-log queries for checks against things kept outside the database.

An anchor (the chain head, signed and stored elsewhere) and an export bundle (whose manifest
hash an audit entry records) both point at one entry of the chain; these queries say what the
database holds there now, and whether the chain from the start up to that entry is intact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.audit import GENESIS, ChainBreak, entry_hash
from storage.models import AuditEntry

__all__ = [
    "AuditRow",
    "ChainHead",
    "audit_row",
    "chain_head",
    "count_through",
    "find_export_entry",
    "verify_chain_through",
]


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    entity_id: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainHead:
    """The last entry and the number of entries up to it (None, None, None, 0 when empty)."""

    entry_id: int | None
    hash: str | None
    at: datetime | None
    count: int


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(entry.id, entry.at, entry.actor, entry.action, entry.entity_id,
                    dict(entry.details or {}), entry.prev_hash, entry.hash)


def chain_head(session: Session) -> ChainHead:
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is None:
        return ChainHead(None, None, None, 0)
    return ChainHead(last.id, last.hash, last.at, count_through(session, last.id))


def audit_row(session: Session, entry_id: int) -> AuditRow | None:
    entry = session.get(AuditEntry, entry_id)
    return _row(entry) if entry is not None else None


def count_through(session: Session, entry_id: int | None) -> int:
    """Entries with an id up to and including `entry_id` (all entries when None)."""
    query = select(func.count()).select_from(AuditEntry)
    if entry_id is not None:
        query = query.where(AuditEntry.id <= entry_id)
    return int(session.scalar(query) or 0)


def find_export_entry(session: Session, manifest_sha256: str) -> AuditRow | None:
    """The first export entry recording this manifest hash (details are JSON: filtered here)."""
    query = select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)
    for entry in session.scalars(query).yield_per(500):
        if (entry.details or {}).get("manifest_sha256") == manifest_sha256:
            return _row(entry)
    return None


def _entries_through(session: Session, last_id: int, batch: int = 1000) -> Iterator[AuditEntry]:
    after = 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > after,
                                                        AuditEntry.id <= last_id)
                               .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].id


def verify_chain_through(session: Session, last_id: int) -> tuple[int, ChainBreak | None]:
    """(entries checked, first break or None) from the first entry up to `last_id`."""
    previous, count = GENESIS, 0
    for entry in _entries_through(session, last_id):
        count += 1
        if entry.prev_hash != previous:
            return count, ChainBreak(entry.id, "its prev_hash does not match the entry before it "
                                               "(an entry was removed or reordered)")
        if entry_hash(previous, entry) != entry.hash:
            return count, ChainBreak(entry.id, "its content does not match its hash (edited)")
        previous = entry.hash
    return count, None
