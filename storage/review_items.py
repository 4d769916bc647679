"""One review item in full, for `pantau review show` and the web app's item page.

Everything a reviewer needs to decide, and a lead to check a decision later: the post as it is
now and every earlier text, its author, every score with its explanation and model version, the
decision trail (who, what, when), whether the post may have been deleted, and its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import ReviewNotFound
from storage.models import AuthorRow, Post, PostVersion, Review, ReviewDecision, Score, Source
from storage.posts import public_handle

__all__ = ["ItemDetail", "PostText", "AuthorInfo", "ScoreInfo", "DecisionInfo", "item_detail"]


@dataclass(frozen=True)
class AuthorInfo:
    handle: str
    name: str
    bio: str
    url: str
    asn_status: str


@dataclass(frozen=True)
class PostText:
    """One version of a post's text; the current one has `replaced_at` None."""

    version: int
    text: str
    url: str | None
    content_sha256: str
    collected_at: datetime
    replaced_at: datetime | None


@dataclass(frozen=True)
class ScoreInfo:
    post_version: int
    model_version: str
    score: float
    threshold: float
    flagged: bool
    category: str | None
    explanation: tuple[tuple[str, float], ...]
    scored_at: datetime


@dataclass(frozen=True)
class DecisionInfo:
    decision: str
    previous_status: str
    category: str | None
    note: str | None
    reviewer: str
    decided_at: datetime
    review_version: int


@dataclass(frozen=True)
class ItemDetail:
    id: int
    status: str
    version: int
    priority: float
    category: str | None
    note: str | None
    reviewer: str | None
    decided_at: datetime | None
    created_at: datetime
    post_id: int
    platform: str
    external_id: str
    url: str | None
    text: str
    posted_at: datetime | None
    collected_at: datetime
    region: str | None
    media: tuple[dict[str, Any], ...]
    post_status: str                      # active | possibly_deleted
    post_status_changed_at: datetime | None
    source: str | None                    # the source's name (kept when the source is removed)
    source_removed: bool
    author: AuthorInfo | None
    versions: tuple[PostText, ...]        # oldest first, the current text last
    scores: tuple[ScoreInfo, ...]         # newest first
    decisions: tuple[DecisionInfo, ...]   # oldest first


def _author(author: AuthorRow | None) -> AuthorInfo | None:
    if author is None:
        return None
    return AuthorInfo(handle=public_handle(author.handle), name=author.name, bio=author.bio,
                      url=author.url, asn_status=author.asn_status)


def _versions(session: Session, post: Post) -> tuple[PostText, ...]:
    old = session.scalars(select(PostVersion).where(PostVersion.post_id == post.id)
                          .order_by(PostVersion.version)).all()
    earlier = [PostText(v.version, v.text, v.url, v.content_sha256, v.collected_at, v.replaced_at)
               for v in old]
    current = PostText(post.version, post.text, post.url, post.content_sha256, post.collected_at,
                       None)
    return (*earlier, current)


def _scores(session: Session, post_id: int) -> tuple[ScoreInfo, ...]:
    rows = session.scalars(select(Score).where(Score.post_id == post_id)
                           .order_by(Score.id.desc())).all()
    return tuple(ScoreInfo(
        post_version=s.post_version, model_version=s.model_version, score=s.score,
        threshold=s.threshold, flagged=s.flagged, category=s.category,
        explanation=tuple((str(t[0]), float(t[1])) for t in s.explanation or ()),
        scored_at=s.scored_at) for s in rows)


def _decisions(session: Session, review_id: int) -> tuple[DecisionInfo, ...]:
    rows = session.scalars(select(ReviewDecision).where(ReviewDecision.review_id == review_id)
                           .order_by(ReviewDecision.id)).all()
    return tuple(DecisionInfo(d.decision, d.previous_status, d.category, d.note, d.reviewer,
                              d.decided_at, d.review_version) for d in rows)


def item_detail(session: Session, review_id: int) -> ItemDetail:
    found = session.execute(
        select(Review, Post, AuthorRow, Source)
        .join(Post, Post.id == Review.post_id)
        .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
        .outerjoin(Source, Source.id == Post.source_id)
        .where(Review.id == review_id)).first()
    if found is None:
        raise ReviewNotFound(f"no review item {review_id}")
    review, post, author, source = found
    return ItemDetail(
        id=review.id, status=review.status, version=review.version, priority=review.priority,
        category=review.category, note=review.note, reviewer=review.reviewer,
        decided_at=review.decided_at, created_at=review.created_at, post_id=post.id,
        platform=post.platform, external_id=post.external_id, url=post.url, text=post.text,
        posted_at=post.posted_at, collected_at=post.collected_at, region=post.region,
        media=tuple(dict(m) for m in post.media or ()), post_status=post.status,
        post_status_changed_at=post.status_changed_at,
        source=source.name if source else None,
        source_removed=bool(source and source.removed_at is not None),
        author=_author(author), versions=_versions(session, post),
        scores=_scores(session, post.id), decisions=_decisions(session, review.id))
