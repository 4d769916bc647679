"""Page captures of flagged posts: which posts still need one, and recording the result.

The screenshot and PDF are stored as the post's snapshots (content-addressed blobs, linked to
the post's current version), so they travel with every other piece of raw evidence; the
`page_captures` row only says that the capture was made, or why and until when it waits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from storage.models import PageCapture, Post, PostSnapshot, Review, Source
from storage.scrape_state import SnapshotLike, store_snapshots

__all__ = [
    "CaptureCandidate",
    "CaptureSource",
    "CaptureState",
    "capture_candidates",
    "capture_sources",
    "capture_state",
    "record_capture",
    "record_capture_failure",
]


@dataclass(frozen=True)
class CaptureSource:
    id: int
    name: str
    options: Mapping[str, Any]


@dataclass(frozen=True)
class CaptureCandidate:
    post_id: int
    source_id: int
    url: str
    version: int
    attempts: int


@dataclass(frozen=True)
class CaptureState:
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None


def capture_sources(session: Session) -> list[CaptureSource]:
    """Every enabled source with its options (the caller decides which capture)."""
    rows = session.execute(select(Source.id, Source.name, Source.options)
                           .where(Source.enabled.is_(True)).order_by(Source.id))
    return [CaptureSource(id, name, dict(options or {})) for id, name, options in rows]


def capture_candidates(session: Session, source_ids: Sequence[int], now: datetime,
                       limit: int) -> list[CaptureCandidate]:
    """Flagged posts (those in the review queue) of these sources, with a URL, never captured,
    or whose failed capture is due again; oldest first."""
    if not source_ids:
        return []
    due = or_(PageCapture.post_id.is_(None),
              and_(PageCapture.status == "failed", PageCapture.next_attempt_at.is_not(None),
                   PageCapture.next_attempt_at <= now))
    rows = session.execute(
        select(Post.id, Post.source_id, Post.url, Post.version, PageCapture.attempts)
        .join(Review, Review.post_id == Post.id)
        .outerjoin(PageCapture, PageCapture.post_id == Post.id)
        .where(Post.source_id.in_(list(source_ids)), Post.url.is_not(None), Post.url != "", due)
        .order_by(Post.id).limit(limit))
    return [CaptureCandidate(post_id, source_id or 0, url or "", version, attempts or 0)
            for post_id, source_id, url, version, attempts in rows]


def _state_row(session: Session, post_id: int, now: datetime) -> PageCapture:
    row = session.get(PageCapture, post_id)
    if row is None:
        row = PageCapture(post_id=post_id, status="failed", attempts=0, updated_at=now)
        session.add(row)
    return row


def record_capture(session: Session, candidate: CaptureCandidate,
                   pages: Sequence[SnapshotLike], now: datetime) -> list[int]:
    """Store the captured files as the post's snapshots and mark the post captured."""
    ids = store_snapshots(session, candidate.source_id, pages)
    session.add_all(PostSnapshot(post_id=candidate.post_id, snapshot_id=snapshot_id,
                                 post_version=candidate.version) for snapshot_id in ids)
    row = _state_row(session, candidate.post_id, now)
    row.status, row.attempts, row.updated_at = "captured", row.attempts + 1, now
    row.last_error, row.next_attempt_at = None, None
    return ids


def record_capture_failure(session: Session, post_id: int, error: str, now: datetime,
                           retry_at: datetime | None) -> None:
    """One more failed attempt; `retry_at` None means the capture is given up."""
    row = _state_row(session, post_id, now)
    row.status, row.attempts, row.updated_at = "failed", row.attempts + 1, now
    row.last_error, row.next_attempt_at = error[:2000], retry_at


def capture_state(session: Session, post_id: int) -> CaptureState | None:
    row = session.get(PageCapture, post_id)
    if row is None:
        return None
    return CaptureState(row.status, row.attempts, row.last_error, row.next_attempt_at)
