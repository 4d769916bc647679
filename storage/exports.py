"""What an export is built from: reviewed items with their decision trail, every score and text
version of their posts, and the snapshots (raw responses) the posts were read from.

Items are read in batches by review id (keyset), each batch with a handful of IN queries, so an
export of any size holds one batch in memory and costs a few queries per batch, not per item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import (
    AuthorRow,
    Blob,
    CaseItem,
    Post,
    PostSnapshot,
    PostVersion,
    Review,
    ReviewDecision,
    Score,
    SnapshotRow,
    Source,
)
from storage.post_listing import post_record
from storage.records import record_to_dict

__all__ = ["ExportQuery", "ExportItem", "SnapshotRef", "export_batches", "export_items",
           "count_export_items", "export_case_counts", "blob_body", "blob_bodies"]

BATCH = 500


@dataclass(frozen=True)
class ExportQuery:
    """Which items: `status` one review status; without it every reviewed item (not `pending`)."""

    status: str | None = None
    since: datetime | None = None
    region: str | None = None  # matched case-insensitively
    # The web queue's other filters (a lead exports what the queue shows), on the review row's
    # copies of its post's fields, as storage.queue_search reads them:
    platform: str | None = None
    source: str | None = None          # a source's name
    category: str | None = None        # the predicted category
    min_score: float | None = None
    max_score: float | None = None
    posted_since: datetime | None = None
    posted_until: datetime | None = None  # exclusive

    def fields(self) -> dict[str, Any]:
        """The filter as JSON (times ISO 8601, UTC), for the manifest and the audit entry."""
        out = {k: (v.astimezone(UTC).isoformat() if isinstance(v, datetime) else v)
               for k, v in self.__dict__.items()}
        return {k: v for k, v in out.items() if v is not None or k in ("status", "since", "region")}


@dataclass(frozen=True)
class SnapshotRef:
    sha256: str
    content_type: str | None
    size: int | None


@dataclass(frozen=True)
class ExportItem:
    """One exported item; `document` is its JSON form (the jsonl line, the bundle's post)."""

    review_id: int
    post_id: int
    snapshots: tuple[SnapshotRef, ...]
    document: dict[str, Any]

    @property
    def snapshot_sha256s(self) -> tuple[str, ...]:
        return tuple(s.sha256 for s in self.snapshots)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _content_type(headers: Any) -> str | None:
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == "content-type" and isinstance(value, str):
            return value
    return None


def _filtered(query: Any, flt: ExportQuery) -> Any:
    if flt.status:
        query = query.where(Review.status == flt.status)
    else:
        query = query.where(Review.status != "pending")
    if flt.since:
        query = query.where(func.coalesce(Review.decided_at, Review.created_at) >= flt.since)
    if flt.region:
        query = query.where(func.lower(Post.region) == flt.region.strip().lower())
    if flt.platform:
        query = query.where(Review.platform == flt.platform)
    if flt.source:
        source_id = select(Source.id).where(Source.name == flt.source).scalar_subquery()
        query = query.where(Review.source_id == source_id)
    if flt.category:
        query = query.where(Review.predicted_category == flt.category)
    if flt.min_score is not None:
        query = query.where(Review.priority >= flt.min_score)
    if flt.max_score is not None:
        query = query.where(Review.priority <= flt.max_score)
    if flt.posted_since is not None:
        query = query.where(Review.posted_at >= flt.posted_since)
    if flt.posted_until is not None:
        query = query.where(Review.posted_at < flt.posted_until)
    return query


def count_export_items(session: Session, flt: ExportQuery) -> int:
    query = select(func.count()).select_from(Review).join(Post, Post.id == Review.post_id)
    return int(session.scalar(_filtered(query, flt)) or 0)


def export_case_counts(session: Session, flt: ExportQuery) -> dict[int, int]:
    """{case id: how many of the export's items are in it}: the bundle writes a case's folder
    once all of them have been read, so a case's items need not come one after another."""
    query = (select(CaseItem.case_id, func.count()).select_from(Review)
             .join(Post, Post.id == Review.post_id).join(CaseItem, CaseItem.review_id == Review.id))
    rows = session.execute(_filtered(query, flt).group_by(CaseItem.case_id)).all()
    return {int(case_id): int(count) for case_id, count in rows}


def _grouped(rows: Iterable[Any], key: str) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[getattr(row, key)].append(row)
    return out


def _batch_documents(session: Session, rows: list[Any]) -> list[ExportItem]:
    review_ids = [review.id for review, _, _ in rows]
    post_ids = [post.id for _, post, _ in rows]
    decisions = _grouped(session.execute(
        select(ReviewDecision).where(ReviewDecision.review_id.in_(review_ids))
        .order_by(ReviewDecision.id)).scalars(), "review_id")
    scores = _grouped(session.execute(
        select(Score).where(Score.post_id.in_(post_ids)).order_by(Score.id)).scalars(), "post_id")
    versions = _grouped(session.execute(
        select(PostVersion).where(PostVersion.post_id.in_(post_ids))
        .order_by(PostVersion.version)).scalars(), "post_id")
    snapshots = _grouped(session.execute(
        select(PostSnapshot.post_id, PostSnapshot.post_version, SnapshotRow.sha256, SnapshotRow.url,
               SnapshotRow.fetched_at, SnapshotRow.status, SnapshotRow.headers,
               SnapshotRow.truncated, Blob.size)
        .join(SnapshotRow, PostSnapshot.snapshot_id == SnapshotRow.id)
        .outerjoin(Blob, Blob.sha256 == SnapshotRow.sha256)
        .where(PostSnapshot.post_id.in_(post_ids)).order_by(SnapshotRow.id)), "post_id")
    items = []
    for review, post, author in rows:
        post_scores = scores.get(post.id, [])
        latest = post_scores[-1] if post_scores else None
        shots = snapshots.get(post.id, [])
        texts = [{"version": v.version, "text": v.text, "url": v.url,
                  "content_sha256": v.content_sha256, "collected_at": _iso(v.collected_at),
                  "replaced_at": _iso(v.replaced_at)} for v in versions.get(post.id, [])]
        texts.append({"version": post.version, "text": post.text, "url": post.url,
                      "content_sha256": post.content_sha256, "collected_at": _iso(post.collected_at),
                      "replaced_at": None})
        document = {
            "review_id": review.id, "post_id": post.id, "status": review.status,
            "category": review.category, "reviewer": review.reviewer,
            "decided_at": _iso(review.decided_at), "queued_at": _iso(review.created_at),
            "note": review.note,
            "score": latest.score if latest else None,
            "model_version": latest.model_version if latest else None,
            "explanation": (latest.explanation or []) if latest else [],
            "post": record_to_dict(post_record(post, author)),
            "author_asn_status": author.asn_status if author else None,
            "collected_at": _iso(post.collected_at), "content_sha256": post.content_sha256,
            "post_version": post.version, "post_status": post.status,
            "status_changed_at": _iso(post.status_changed_at),
            "versions": texts,
            "scores": [{"post_version": s.post_version, "model_version": s.model_version,
                        "score": s.score, "threshold": s.threshold, "flagged": s.flagged,
                        "category": s.category, "explanation": s.explanation or [],
                        "scored_at": _iso(s.scored_at)} for s in post_scores],
            "decisions": [{"decision": d.decision, "previous_status": d.previous_status,
                           "category": d.category, "note": d.note, "reviewer": d.reviewer,
                           "decided_at": _iso(d.decided_at), "review_version": d.review_version}
                          for d in decisions.get(review.id, [])],
            "snapshots": [{"sha256": s.sha256, "url": s.url, "fetched_at": _iso(s.fetched_at),
                           "status": s.status, "post_version": s.post_version,
                           "content_type": _content_type(s.headers), "size": s.size,
                           "truncated": bool(s.truncated)} for s in shots],
        }
        refs = tuple(SnapshotRef(s.sha256, _content_type(s.headers), s.size) for s in shots)
        items.append(ExportItem(review.id, post.id, refs, document))
    return items


def export_batches(session: Session, flt: ExportQuery, batch: int = BATCH) -> Iterator[list[ExportItem]]:
    """The items in review-id order, `batch` at a time (the session's identity map is emptied
    after each, so memory stays flat however many there are)."""
    last = 0
    while True:
        query = (select(Review, Post, AuthorRow).join(Post, Post.id == Review.post_id)
                 .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
                 .where(Review.id > last).order_by(Review.id).limit(batch))
        rows: list[Any] = list(session.execute(_filtered(query, flt)).all())
        if not rows:
            return
        last = rows[-1][0].id
        items = _batch_documents(session, rows)
        session.expunge_all()
        yield items


def export_items(session: Session, flt: ExportQuery) -> Iterator[ExportItem]:
    for items in export_batches(session, flt):
        yield from items


def blob_body(session: Session, sha256: str) -> bytes | None:
    """One raw body (a column read: no ORM object kept in the session)."""
    body = session.scalar(select(Blob.body).where(Blob.sha256 == sha256))
    return bytes(body) if body is not None else None


def blob_bodies(session: Session, sha256s: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """The raw bodies of these snapshots, by SHA-256 (missing ones are skipped)."""
    for sha in sorted(set(sha256s)):
        body = blob_body(session, sha)
        if body is not None:
            yield sha, body
