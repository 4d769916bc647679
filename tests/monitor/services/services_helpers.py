"""Builders shared by the use-case tests: users, flagged items, audit counts."""

from __future__ import annotations

from sqlalchemy import func, select

from monitor.policy import Actor, operator_actor, user_actor
from monitor.services.users import add_user
from storage.db import Database
from storage.models import AuditEntry
from storage.posts import store_posts
from storage.records import PostRecord
from storage.reviews import ScoreRow, add_scores, enqueue, review_queue


def person(db: Database, name: str, role: str) -> Actor:
    """A user added by the local operator through the use case (so its row is bound)."""
    row = add_user(db, operator_actor(users_exist=True), name, "rahasia-panjang-1", role)
    return user_actor(row.username, row.role, row.id)


def flagged_items(db: Database, count: int = 1) -> list[int]:
    records = [PostRecord(platform="x", external_id=f"p{i}", text=f"ayo coblos nomor {i}")
               for i in range(count)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m1", 0.9 - i / 100, 0.5, True, "banner", [["coblos", 0.4]])
                for i, s in enumerate(stored)]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.reader() as session:
        return [item.id for item in review_queue(session, limit=100)]


def audit_count(db: Database) -> int:
    with db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def last_audit(db: Database) -> AuditEntry:
    with db.reader() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    return entry
