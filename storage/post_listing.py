"""Stored posts read back: as interchange records (interfaces.md §1) and as listed posts with
their source, latest score and review-derived labels (for `posts list` and `train`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuthorRow, Post, Review, Source
from storage.posts import public_handle
from storage.records import Author as RecordAuthor
from storage.records import Media, PostRecord, record_to_dict
from storage.reviews import latest_scores

__all__ = ["ListedPost", "post_record", "list_posts", "reviewed_records"]


def post_record(post: Post, author: AuthorRow | None) -> PostRecord:
    """The interchange record of a stored post (the handle as the public sees it)."""
    return PostRecord(
        platform=post.platform, external_id=post.external_id, text=post.text, url=post.url,
        author=RecordAuthor(handle=public_handle(author.handle), name=author.name,
                            bio=author.bio, url=author.url) if author else RecordAuthor(),
        posted_at=post.posted_at, region=post.region,
        media=tuple(Media(url=m["url"], type=m["type"]) for m in post.media or ()),
        label=post.label, category=post.category, hard_case=post.hard_case,
        extra=post.extra or {},
    )


@dataclass(frozen=True)
class ListedPost:
    id: int
    record: PostRecord
    source: str | None
    collected_at: datetime
    score: float | None
    flagged: bool | None
    model_version: str | None
    status: str
    version: int

    def as_dict(self) -> dict[str, Any]:
        """The `posts list --json` document: the interchange record plus what Pantau knows."""
        item = record_to_dict(self.record)
        item.update(id=self.id, source=self.source, collected_at=self.collected_at.isoformat(),
                    score=self.score, flagged=self.flagged, model_version=self.model_version,
                    status=self.status, version=self.version)
        return item


def list_posts(session: Session, *, source: str | None = None, flagged: bool = False,
               limit: int = 20) -> list[ListedPost]:
    """Newest first (ids grow with collection); score is the post's latest score. A removed
    source's posts still list under its name."""
    latest = latest_scores()
    query = (select(Post, AuthorRow, Source.name, latest.c.score, latest.c.flagged,
                    latest.c.model_version)
             .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
             .outerjoin(Source, Source.id == Post.source_id)
             .outerjoin(latest, latest.c.post_id == Post.id)
             .order_by(Post.id.desc()).limit(limit))
    if source:
        query = query.where(Source.name == source)
    if flagged:
        query = query.where(latest.c.flagged.is_(True))
    return [ListedPost(id=post.id, record=post_record(post, author), source=source_name,
                       collected_at=post.collected_at, score=score,
                       flagged=bool(is_flagged) if score is not None else None,
                       model_version=model_version, status=post.status, version=post.version)
            for post, author, source_name, score, is_flagged, model_version
            in session.execute(query)]


def reviewed_records(session: Session) -> list[PostRecord]:
    """Completed decisions as labeled records: a confirmed item becomes a positive with the
    reviewer's category (else the predicted one), a rejected one a negative. Pending, escalated
    and items awaiting their second review are undecided and left out."""
    latest = latest_scores()
    query = (select(Review.status, Review.category, latest.c.category, Post, AuthorRow)
             .join(Post, Post.id == Review.post_id)
             .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
             .outerjoin(latest, latest.c.post_id == Post.id)
             .where(Review.status.in_(("confirmed", "rejected")))
             .order_by(Review.id))
    records = []
    for status, category, predicted, post, author in session.execute(query):
        record = post_record(post, author)
        if status == "confirmed":
            record = replace(record, label=1, category=category or predicted, hard_case=None,
                             extra={**record.extra, "author_is_asn": True})
        else:
            record = replace(record, label=0, category=None)
        records.append(record)
    return records
