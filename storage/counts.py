"""Counts for `pantau stats` and the `/metrics` gauges, read in one snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Post, Review, Source
from storage.reviews import count_by_status

__all__ = ["Counts", "SourceGauge", "counts", "source_gauges", "stored_and_pending"]


@dataclass(frozen=True)
class Counts:
    posts: int
    flagged: int                 # posts with a queue item
    by_status: dict[str, int]    # queue items per review status
    sources: int                 # sources not removed


@dataclass(frozen=True)
class SourceGauge:
    name: str
    last_success_at: datetime | None
    created_at: datetime
    consecutive_failures: int
    enabled: bool


def counts(session: Session) -> Counts:
    return Counts(
        posts=int(session.scalar(select(func.count()).select_from(Post)) or 0),
        flagged=int(session.scalar(select(func.count()).select_from(Review)) or 0),
        by_status=count_by_status(session),
        sources=int(session.scalar(select(func.count()).select_from(Source)
                                   .where(Source.removed_at.is_(None))) or 0),
    )


def source_gauges(session: Session) -> list[SourceGauge]:
    rows = session.execute(select(
        Source.name, Source.last_success_at, Source.created_at, Source.consecutive_failures,
        Source.enabled).where(Source.removed_at.is_(None)).order_by(Source.name)).all()
    return [SourceGauge(name, ok, created, failures, bool(enabled))
            for name, ok, created, failures, enabled in rows]


def stored_and_pending(session: Session) -> tuple[int, int]:
    """(posts stored, pending queue items): the two totals `/metrics` shows."""
    posts = int(session.scalar(select(func.count()).select_from(Post)) or 0)
    pending = int(session.scalar(select(func.count()).select_from(Review)
                                 .where(Review.status == "pending")) or 0)
    return posts, pending
