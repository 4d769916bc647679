"""What the pipeline reads, outside any write transaction, to score posts before storing them:
the stored content hash and author status of each incoming post, and stored posts that have no
score for their current version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from storage.dialect import select_by_keys
from storage.models import AuthorRow, Post, Score
from storage.posts import StoredPost, author_key, public_handle
from storage.records import Author as RecordAuthor
from storage.records import Media, PostRecord

__all__ = ["StoredState", "stored_state", "unscored_posts"]


@dataclass(frozen=True, slots=True)
class StoredState:
    """What is stored under one incoming post's key: its content hash (None: not stored) and
    the status of the author it names ('unknown' for an author not stored yet)."""

    content_sha256: str | None
    asn_status: str


def stored_state(session: Session, records: Sequence[PostRecord]) -> list[StoredState]:
    """One StoredState per record (a read: it takes no write lock on either backend)."""
    conn = session.connection()
    post_keys = sorted({(r.platform, r.external_id) for r in records})
    digests = {(p, e): d for p, e, d in select_by_keys(
        conn, Post.__table__, ["platform", "external_id"], post_keys,
        ["platform", "external_id", "content_sha256"])}
    author_keys = sorted({(r.platform, k) for r in records if (k := author_key(r))})
    statuses = {(p, h): s for p, h, s in select_by_keys(
        conn, AuthorRow.__table__, ["platform", "handle"], author_keys,
        ["platform", "handle", "asn_status"])}
    return [StoredState(digests.get((r.platform, r.external_id)),
                        statuses.get((r.platform, author_key(r) or ""), "unknown"))
            for r in records]


def _record(post: Post, author: AuthorRow | None) -> PostRecord:
    return PostRecord(
        platform=post.platform, external_id=post.external_id, text=post.text, url=post.url,
        author=RecordAuthor(handle=public_handle(author.handle), name=author.name,
                            bio=author.bio, url=author.url) if author else RecordAuthor(),
        posted_at=post.posted_at, region=post.region,
        media=tuple(Media(url=m["url"], type=m["type"]) for m in post.media or ()),
        label=post.label, category=post.category, hard_case=post.hard_case,
        extra=post.extra or {})


def unscored_posts(session: Session, *, after_id: int, limit: int) -> list[StoredPost]:
    """Stored posts with id > after_id whose current version has no score, by id."""
    found = session.execute(
        select(Post, AuthorRow).outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
        .where(Post.id > after_id, ~exists().where(and_(
            Score.post_id == Post.id, Score.post_version == Post.version)))
        .order_by(Post.id).limit(limit)).all()
    return [StoredPost(p.id, _record(p, a), p.version, "unchanged",
                       a.asn_status if a else "unknown") for p, a in found]
