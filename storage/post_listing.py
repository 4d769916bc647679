"""Stored posts read back: as interchange records (interfaces.md §1) and as listed posts with
their source, latest score and review-derived labels (for `posts list` and `train`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuthorRow, Post, Review, Score, Source
from storage.posts import public_handle
from storage.records import Author as RecordAuthor
from storage.records import Media, PostRecord, record_to_dict
from storage.reviews import LatestScore, latest_score_id, latest_score_rows

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
               limit: int = 20, after: int | None = None) -> list[ListedPost]:
    """Newest first (ids grow with collection); score is the post's latest score. A removed
    source's posts still list under its name. `after` (a post id) gives the next page by
    keyset; `flagged` probes each post's newest score by index as the walk goes."""
    query = (select(Post, AuthorRow, Source.name)
             .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
             .outerjoin(Source, Source.id == Post.source_id)
             .order_by(Post.id.desc()).limit(limit))
    if source:
        query = query.where(Source.name == source)
    if after is not None:
        query = query.where(Post.id < after)
    if flagged:
        query = query.where(select(Score.flagged).where(Score.id == latest_score_id(Post.id))
                            .scalar_subquery().is_(True))
    found = session.execute(query).all()
    latest = latest_score_rows(session, [post.id for post, _, _ in found])
    return [_listed(post, author, source_name, latest.get(post.id))
            for post, author, source_name in found]


def _listed(post: Post, author: AuthorRow | None, source_name: str | None,
            latest: LatestScore | None) -> ListedPost:
    return ListedPost(id=post.id, record=post_record(post, author), source=source_name,
                      collected_at=post.collected_at, score=latest.score if latest else None,
                      flagged=latest.flagged if latest else None,
                      model_version=latest.model_version if latest else None,
                      status=post.status, version=post.version)


def reviewed_records(session: Session) -> list[PostRecord]:
    """Completed decisions as labeled records: a confirmed item becomes a positive with the
    reviewer's category (else the predicted one), a rejected one a negative. Pending, escalated
    and items awaiting their second review are undecided and left out."""
    query = (select(Review.status, Review.category, Post, AuthorRow)
             .join(Post, Post.id == Review.post_id)
             .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
             .where(Review.status.in_(("confirmed", "rejected")))
             .order_by(Review.id))
    found = session.execute(query).all()
    latest = latest_score_rows(session, [post.id for _, _, post, _ in found])
    records = []
    for status, category, post, author in found:
        record = post_record(post, author)
        predicted = latest[post.id].category if post.id in latest else None
        if status == "confirmed":
            record = replace(record, label=1, category=category or predicted, hard_case=None,
                             extra={**record.extra, "author_is_asn": True})
        else:
            record = replace(record, label=0, category=None)
        records.append(record)
    return records
