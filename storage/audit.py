"""Append-only, hash-chained audit log: who did what, provably in that order.

Each entry's hash covers its content and the previous entry's hash, so editing or deleting any
entry breaks the chain from there on; `verify_chain` names the first broken entry. Entries that
bind rows (storage.bindings) extend the proof to decisions, users and sources: `verify_log`
checks the chain and those rows in one pass.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.bindings import RowProblem, collect_bindings, verify_rows
from storage.models import AuditEntry

__all__ = ["GENESIS", "append_audit", "verify_chain", "verify_log", "AuditCheck", "ChainBreak",
           "entry_hash", "AuditRecord", "audit_head", "find_entry", "recent_entries"]

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 7_241_001  # serialises chain appends across processes on PostgreSQL


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def _canonical(at: datetime, actor: str, action: str, entity: str, entity_id: str | None,
               details: dict[str, Any]) -> bytes:
    body = {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"), "actor": actor,
        "action": action, "entity": entity, "entity_id": entity_id, "details": details,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    content = _canonical(entry.at, entry.actor, entry.action, entry.entity, entry.entity_id,
                         entry.details)
    return hashlib.sha256(prev_hash.encode() + content).hexdigest()


def append_audit(
    session: Session, *, actor: str, action: str, entity: str, entity_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (so it commits or rolls back with the act)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    last = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    details = json.loads(json.dumps(details or {}, default=str))
    entry = AuditEntry(
        at=datetime.now(UTC), actor=actor,
        action=action, entity=entity, entity_id=None if entity_id is None else str(entity_id),
        details=details, prev_hash=last or GENESIS, hash="",
    )
    entry.hash = entry_hash(entry.prev_hash, entry)
    session.add(entry)
    session.flush()
    return entry


def _entries(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


@dataclass(frozen=True)
class AuditCheck:
    entries: int
    chain_break: ChainBreak | None
    row_problems: tuple[RowProblem, ...]

    @property
    def intact(self) -> bool:
        return self.chain_break is None and not self.row_problems


def verify_chain(session: Session) -> tuple[int, ChainBreak | None]:
    """(entries checked, first break or None)."""
    return _walk(session, None)


def verify_log(session: Session) -> AuditCheck:
    """The chain, and every decision, user and source row against the entry that bound it."""
    bindings: dict[tuple[str, int], tuple[int, str | None]] = {}
    count, broken = _walk(session, bindings)
    return AuditCheck(count, broken, tuple(verify_rows(session, bindings)))


def _walk(session: Session, bindings: dict[tuple[str, int], tuple[int, str | None]] | None,
          ) -> tuple[int, ChainBreak | None]:
    previous, count = GENESIS, 0
    for entry in _entries(session):
        count += 1
        if bindings is not None:
            collect_bindings(bindings, entry.id, entry.details)
        if entry.prev_hash != previous:
            return count, ChainBreak(entry.id, "its prev_hash does not match the entry before it "
                                               "(an entry was removed or reordered)")
        if entry_hash(previous, entry) != entry.hash:
            return count, ChainBreak(entry.id, "its content does not match its hash (edited)")
        previous = entry.hash
    return count, None


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    details: dict[str, Any]


def _record(entry: AuditEntry) -> AuditRecord:
    return AuditRecord(entry.id, entry.at, entry.actor, entry.action, entry.entity,
                       entry.entity_id, dict(entry.details))


def audit_head(session: Session) -> str | None:
    """The newest entry's hash: a bundle's manifest pins the log as it was at export."""
    return session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))


def find_entry(session: Session, action: str, key: str, value: Any) -> AuditRecord | None:
    """The first entry of this action whose details[key] equals value (e.g. an export's
    manifest SHA-256)."""
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                 .order_by(AuditEntry.id)):
        if entry.details.get(key) == value:
            return _record(entry)
    return None


def recent_entries(session: Session, *, limit: int = 50) -> list[AuditRecord]:
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return [_record(e) for e in rows]
