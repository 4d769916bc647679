"""What an export is built from: reviewed items with their decision trail and the snapshots
(raw responses) their posts were read from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import AuthorRow, Blob, Post, PostSnapshot, Review, ReviewDecision, SnapshotRow
from storage.post_listing import post_record
from storage.records import record_to_dict
from storage.reviews import latest_scores

__all__ = ["ExportQuery", "ExportItem", "export_items", "blob_bodies"]


@dataclass(frozen=True)
class ExportQuery:
    status: str | None = None
    since: datetime | None = None
    region: str | None = None


@dataclass(frozen=True)
class ExportItem:
    """One exported item; `document` is its JSON form (the jsonl line, the bundle's item)."""

    review_id: int
    snapshot_sha256s: tuple[str, ...]
    document: dict[str, Any]


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _decisions(session: Session, review_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(ReviewDecision).where(ReviewDecision.review_id == review_id)
                           .order_by(ReviewDecision.id)).all()
    return [{"decision": d.decision, "previous_status": d.previous_status,
             "category": d.category, "note": d.note, "reviewer": d.reviewer,
             "decided_at": _iso(d.decided_at), "review_version": d.review_version} for d in rows]


def _snapshots(session: Session, post_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(SnapshotRow.sha256, SnapshotRow.url, SnapshotRow.fetched_at, SnapshotRow.status,
               PostSnapshot.post_version)
        .join(PostSnapshot, PostSnapshot.snapshot_id == SnapshotRow.id)
        .where(PostSnapshot.post_id == post_id).order_by(SnapshotRow.id)).all()
    return [{"sha256": s.sha256, "url": s.url, "fetched_at": _iso(s.fetched_at),
             "status": s.status, "post_version": s.post_version} for s in rows]


def _query(flt: ExportQuery) -> Any:
    latest = latest_scores()
    query = (select(Review, Post, AuthorRow, latest.c.score, latest.c.model_version,
                    latest.c.explanation)
             .join(Post, Post.id == Review.post_id)
             .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
             .outerjoin(latest, latest.c.post_id == Post.id)
             .order_by(Review.id))
    if flt.status:
        query = query.where(Review.status == flt.status)
    if flt.since:
        query = query.where(func.coalesce(Review.decided_at, Review.created_at) >= flt.since)
    if flt.region:
        query = query.where(Post.region == flt.region)
    return query


def export_items(session: Session, flt: ExportQuery) -> Iterator[ExportItem]:
    for review, post, author, score, model_version, explanation in session.execute(_query(flt)):
        snapshots = _snapshots(session, post.id)
        yield ExportItem(review.id, tuple(s["sha256"] for s in snapshots), {
            "review_id": review.id, "status": review.status, "category": review.category,
            "reviewer": review.reviewer, "decided_at": _iso(review.decided_at),
            "note": review.note, "score": score, "model_version": model_version,
            "explanation": explanation or [],
            "post": record_to_dict(post_record(post, author)),
            "collected_at": _iso(post.collected_at), "content_sha256": post.content_sha256,
            "post_version": post.version, "post_status": post.status,
            "decisions": _decisions(session, review.id), "snapshots": snapshots,
        })


def blob_bodies(session: Session, sha256s: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """The raw bodies of these snapshots, by SHA-256 (missing ones are skipped)."""
    for sha in sorted(set(sha256s)):
        blob = session.get(Blob, sha)
        if blob is not None:
            yield sha, blob.body
