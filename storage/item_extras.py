"""What the web item page shows beside the use case's ItemDetail: the raw snapshots a post was
read from, other flagged posts by the same author, and the source's ASN evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Blob, Post, PostSnapshot, Review, SnapshotRow, Source

__all__ = [
    "AuthorPost",
    "SnapshotBody",
    "SnapshotInfo",
    "other_posts_by_author",
    "post_snapshots",
    "snapshot_body",
    "source_asn_status",
]


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    url: str
    status: int
    fetched_at: datetime
    size: int
    truncated: bool
    content_type: str
    post_version: int


@dataclass(frozen=True)
class SnapshotBody:
    id: int
    url: str
    content_type: str
    body: bytes


@dataclass(frozen=True)
class AuthorPost:
    review_id: int
    text: str
    score: float
    status: str
    posted_at: datetime | None


def _content_type(headers: dict[str, object] | None) -> str:
    for key, value in (headers or {}).items():
        if str(key).lower() == "content-type":
            return str(value)[:200]
    return ""


def post_snapshots(session: Session, post_id: int) -> list[SnapshotInfo]:
    rows = session.execute(
        select(SnapshotRow, PostSnapshot.post_version, Blob.size)
        .join(PostSnapshot, PostSnapshot.snapshot_id == SnapshotRow.id)
        .join(Blob, Blob.sha256 == SnapshotRow.sha256)
        .where(PostSnapshot.post_id == post_id).order_by(SnapshotRow.id.desc()).limit(20))
    return [SnapshotInfo(id=s.id, url=s.url, status=s.status, fetched_at=s.fetched_at, size=size,
                         truncated=s.truncated, content_type=_content_type(s.headers),
                         post_version=version) for s, version, size in rows]


def snapshot_body(session: Session, review_id: int, snapshot_id: int) -> SnapshotBody | None:
    """A snapshot's raw body, only when it belongs to this item's post (ids cannot be walked)."""
    row = session.execute(
        select(SnapshotRow, Blob.body)
        .join(PostSnapshot, PostSnapshot.snapshot_id == SnapshotRow.id)
        .join(Blob, Blob.sha256 == SnapshotRow.sha256)
        .join(Review, Review.post_id == PostSnapshot.post_id)
        .where(Review.id == review_id, SnapshotRow.id == snapshot_id)).first()
    if row is None:
        return None
    snapshot, body = row
    return SnapshotBody(id=snapshot.id, url=snapshot.url,
                        content_type=_content_type(snapshot.headers), body=bytes(body))


def other_posts_by_author(session: Session, post_id: int, limit: int = 10) -> list[AuthorPost]:
    author_id = session.scalar(select(Post.author_id).where(Post.id == post_id))
    if author_id is None:
        return []
    # the review row's own copy of the author (migration 0011): the author's items come from
    # ix_reviews_author_id_status, not from every post of a prolific author
    rows = session.execute(
        select(Review.id, Post.text, Review.priority, Review.status, Post.posted_at)
        .join(Post, Post.id == Review.post_id)
        .where(Review.author_id == author_id, Review.post_id != post_id)
        .order_by(Review.priority.desc(), Review.id).limit(limit))
    return [AuthorPost(review_id=r[0], text=r[1][:200], score=r[2], status=r[3], posted_at=r[4])
            for r in rows]


def source_asn_status(session: Session, post_id: int) -> str | None:
    """The source's own ASN status (e.g. an official agency account), for the evidence box."""
    return session.scalar(select(Source.asn_status).join(Post, Post.source_id == Source.id)
                          .where(Post.id == post_id))
