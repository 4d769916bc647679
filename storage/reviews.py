"""Scores and the review queue: flagged posts wait here for a human decision.

A decision is an UPDATE guarded by the item's version (optimistic concurrency) plus an
appended `review_decisions` row, so two reviewers racing on one item cannot both win and every
decision ever made stays on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.dialect import insert_ignore
from storage.posts import public_handle
from storage.models import DECISIONS, REVIEW_STATUSES, Author, Post, Review, ReviewDecision, Score

__all__ = [
    "ScoreRow", "StaleDecision", "ReviewNotFound", "QueueItem",
    "add_scores", "enqueue", "review_queue", "decide", "count_by_status", "latest_scores",
    "note_post_changes",
]


class ReviewNotFound(LookupError):
    """No review item with that id."""


class StaleDecision(RuntimeError):
    """The item changed since it was read; the message says how."""


@dataclass(frozen=True)
class ScoreRow:
    post_id: int
    post_version: int
    model_version: str
    score: float
    threshold: float
    flagged: bool
    category: str | None
    explanation: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class QueueItem:
    id: int
    post_id: int
    platform: str
    external_id: str
    url: str | None
    author: dict[str, str]
    text: str
    score: float
    status: str
    category: str | None
    predicted_category: str | None
    explanation: list[Any]
    model_version: str | None
    version: int
    reviewer: str | None
    note: str | None
    decided_at: datetime | None
    posted_at: datetime | None
    region: str | None

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items()}


def add_scores(session: Session, rows: Sequence[ScoreRow], *, now: datetime | None = None) -> None:
    if not rows:
        return
    now = now or datetime.now(UTC)
    session.execute(
        insert_ignore(session, Score.__table__, ["post_id", "post_version", "model_version"]),
        [{**row.__dict__, "explanation": [list(t) for t in row.explanation], "scored_at": now}
         for row in rows],
    )


def enqueue(session: Session, flagged: Sequence[ScoreRow], *, now: datetime | None = None) -> int:
    """Open a pending review for each flagged post that has none; returns how many were opened."""
    if not flagged:
        return 0
    now = now or datetime.now(UTC)
    rows = [{"post_id": r.post_id, "status": "pending", "priority": r.score,
             "category": None, "created_at": now, "version": 1} for r in flagged]
    result = session.execute(
        insert_ignore(session, Review.__table__, ["post_id"]).returning(Review.id), rows
    ).all()
    return len(result)


def note_post_changes(session: Session, scores: dict[int, float | None]) -> None:
    """Posts edited since they were queued: their items change version, so a decision taken on
    the old text is refused as stale, and take the new score as their priority."""
    for post_id, score in scores.items():
        values: dict[str, Any] = {"version": Review.version + 1}
        if score is not None:
            values["priority"] = score
        session.execute(update(Review).where(Review.post_id == post_id).values(**values)
                        .execution_options(synchronize_session=False))


def latest_scores() -> Any:
    """Subquery: the most recent score row of each post."""
    ranked = select(
        Score.post_id, Score.score, Score.flagged, Score.category, Score.explanation,
        Score.model_version,
        func.row_number().over(partition_by=Score.post_id, order_by=Score.id.desc()).label("rn"),
    ).subquery()
    return select(ranked).where(ranked.c.rn == 1).subquery()


def review_queue(
    session: Session, *, status: str | None = "pending", limit: int = 50, offset: int = 0,
    review_id: int | None = None,
) -> list[QueueItem]:
    """Queue items, highest score first (the index on status, priority serves this)."""
    if status is not None and status not in REVIEW_STATUSES:
        raise ValueError(f"status must be one of {', '.join(REVIEW_STATUSES)}")
    latest = latest_scores()
    query = (
        select(Review, Post, Author, latest.c.category, latest.c.explanation, latest.c.model_version)
        .join(Post, Post.id == Review.post_id)
        .outerjoin(Author, Author.id == Post.author_id)
        .outerjoin(latest, latest.c.post_id == Post.id)
        .order_by(Review.priority.desc(), Review.id)
        .limit(limit).offset(offset)
    )
    if status is not None:
        query = query.where(Review.status == status)
    if review_id is not None:
        query = query.where(Review.id == review_id)
    items = []
    for review, post, author, category, explanation, model_version in session.execute(query):
        items.append(QueueItem(
            id=review.id, post_id=post.id, platform=post.platform, external_id=post.external_id,
            url=post.url,
            author={"handle": public_handle(author.handle) if author else "", "name": author.name if author else "",
                    "bio": author.bio if author else ""},
            text=post.text, score=review.priority, status=review.status, category=review.category,
            predicted_category=category, explanation=explanation or [],
            model_version=model_version, version=review.version, reviewer=review.reviewer,
            note=review.note, decided_at=review.decided_at, posted_at=post.posted_at,
            region=post.region,
        ))
    return items


def decide(
    session: Session, review_id: int, *, decision: str, reviewer: str,
    category: str | None = None, note: str | None = None, expected_version: int | None = None,
    now: datetime | None = None,
) -> Review:
    """Record a decision. Without expected_version only a pending item may be decided."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    if not reviewer.strip():
        raise ValueError("a decision needs a reviewer")
    now = now or datetime.now(UTC)
    current = session.get(Review, review_id)
    if current is None:
        raise ReviewNotFound(f"no review item {review_id}")
    if expected_version is None:
        if current.status != "pending":
            raise StaleDecision(
                f"item {review_id} was already decided: {current.status} by {current.reviewer} "
                f"at {current.decided_at:%Y-%m-%d %H:%M:%S} UTC (version {current.version}); "
                f"to change it, decide again with --version {current.version}")
        expected_version = current.version
    previous_status = current.status
    result = session.execute(
        update(Review)
        .where(Review.id == review_id, Review.version == expected_version)
        .values(status=decision, category=category, note=note, reviewer=reviewer,
                decided_at=now, version=Review.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        fresh = session.get(Review, review_id)
        assert fresh is not None
        raise StaleDecision(
            f"item {review_id} changed since it was read (version {expected_version}, now "
            f"{fresh.version}: {fresh.status} by {fresh.reviewer}); reload it and decide again")
    session.add(ReviewDecision(
        review_id=review_id, decision=decision, previous_status=previous_status,
        category=category, note=note, reviewer=reviewer, decided_at=now,
        review_version=expected_version + 1,
    ))
    session.flush()
    session.refresh(current)
    return current


def count_by_status(session: Session) -> dict[str, int]:
    counts = dict.fromkeys(REVIEW_STATUSES, 0)
    for status, count in session.execute(select(Review.status, func.count()).group_by(Review.status)):
        counts[status] = count
    return counts
