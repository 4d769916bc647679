"""Scores and the review queue: flagged posts wait here for a human decision.

A decision is an UPDATE guarded by the item's version (optimistic concurrency) plus an
appended `review_decisions` row, so two reviewers racing on one item cannot both win and every
decision ever made stays on record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from storage.dialect import insert_ignore
from storage.errors import N_, InvalidValue, ReviewNotFound, StaleDecision
from storage.models import (
    DECISIONS,
    REVIEW_STATUSES,
    AuthorRow,
    Post,
    Review,
    ReviewDecision,
    Score,
    Source,
)
from storage.posts import public_handle
from storage.review_columns import sync_review_columns

__all__ = [
    "DECISIONS", "REVIEW_STATUSES", "QueueFilter", "ScoreRow", "StaleDecision", "ReviewNotFound", "QueueItem", "ReviewState", "DecisionRow",
    "add_scores", "enqueue", "review_queue", "decide", "review_state", "count_by_status",
    "latest_scores", "note_post_changes", "already_decided", "changed_since",
    "already_decided_error", "changed_since_error",
    "LatestScore", "latest_score_rows", "latest_score_id", "count_queue",
]


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
        insert_ignore(session, cast(Table, Score.__table__), ["post_id", "post_version", "model_version"]),
        [{**row.__dict__, "explanation": [list(t) for t in row.explanation], "scored_at": now}
         for row in rows],
    )
    sync_review_columns(session, [row.post_id for row in rows])  # a rescored item's category


def enqueue(session: Session, flagged: Sequence[ScoreRow], *, now: datetime | None = None) -> int:
    """Open a pending review for each flagged post that has none; returns how many were opened."""
    if not flagged:
        return 0
    now = now or datetime.now(UTC)
    rows = [{"post_id": r.post_id, "status": "pending", "priority": r.score,
             "category": None, "created_at": now, "version": 1} for r in flagged]
    result = session.execute(
        insert_ignore(session, cast(Table, Review.__table__), ["post_id"]).returning(Review.id), rows
    ).all()
    if result:
        sync_review_columns(session, [r.post_id for r in flagged])
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


@dataclass(frozen=True)
class LatestScore:
    """The newest score row of one post (what the queue and lists show beside it)."""

    post_id: int
    score: float
    flagged: bool
    category: str | None
    explanation: list[Any]
    model_version: str


def latest_score_id(post_id: Any) -> Any:
    """Correlated scalar subquery: the id of the newest score row of `post_id` — one probe of
    the scores (post_id, id) index per outer row, never a pass over all score rows."""
    inner = cast(Table, Score.__table__).alias("newest")
    return (select(func.max(inner.c.id)).where(inner.c.post_id == post_id)
            .correlate_except(inner).scalar_subquery())


def latest_score_rows(session: Session, post_ids: Sequence[int]) -> dict[int, LatestScore]:
    """The newest score of each given post, in two index-served queries per 500 posts."""
    found: dict[int, LatestScore] = {}
    ids = sorted(set(post_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        newest = (select(func.max(Score.id)).where(Score.post_id.in_(chunk))
                  .group_by(Score.post_id))
        rows = session.execute(select(
            Score.post_id, Score.score, Score.flagged, Score.category, Score.explanation,
            Score.model_version).where(Score.id.in_(newest)))
        for post_id, score, flagged, category, explanation, model_version in rows:
            found[post_id] = LatestScore(post_id, score, bool(flagged), category,
                                         explanation or [], model_version)
    return found


def latest_scores() -> Any:
    """Subquery: the most recent score row of each post. A window over every score row: only
    for whole-table passes (exports); pages use latest_score_rows / latest_score_id."""
    ranked = select(
        Score.post_id, Score.score, Score.flagged, Score.category, Score.explanation,
        Score.model_version,
        func.row_number().over(partition_by=Score.post_id, order_by=Score.id.desc()).label("rn"),
    ).subquery()
    return select(ranked).where(ranked.c.rn == 1).subquery()


@dataclass(frozen=True)
class QueueFilter:
    """Narrowing the queue (the web app's filters); None means any."""

    platform: str | None = None
    region: str | None = None
    source: str | None = None
    min_score: float | None = None
    max_score: float | None = None


def _filtered(query: Any, flt: QueueFilter) -> Any:
    """On the review row's copies of the post's fields (migration 0011), each with its own
    (status, column, priority desc, id) index: neither a page nor a count joins posts to filter."""
    if flt.platform:
        query = query.where(Review.platform == flt.platform)
    if flt.region:
        query = query.where(Review.region == flt.region)
    if flt.source:
        query = query.where(Review.source_id.in_(select(Source.id).where(Source.name == flt.source)))
    if flt.min_score is not None:
        query = query.where(Review.priority >= flt.min_score)
    if flt.max_score is not None:
        query = query.where(Review.priority <= flt.max_score)
    return query


def _after(query: Any, session: Session, after: int) -> Any:
    """Keyset: the items that follow item `after` in queue order (priority desc, id)."""
    priority = session.scalar(select(Review.priority).where(Review.id == after))
    if priority is None:
        raise ReviewNotFound(N_("no review item {id}"), id=after)
    return query.where(or_(Review.priority < priority,
                           and_(Review.priority == priority, Review.id > after)))


def review_queue(
    session: Session, *, status: str | None = "pending", limit: int = 50, offset: int = 0,
    review_id: int | None = None, where: QueueFilter | None = None, after: int | None = None,
) -> list[QueueItem]:
    """Queue items, highest score first. The page walks the reviews (status, priority desc, id)
    index; each item's latest score is then probed by (post_id, id). `after` (an item id) gives
    the next page by keyset, flat however deep; `offset` stays for small skips."""
    if status is not None and status not in REVIEW_STATUSES:
        raise InvalidValue(N_("status must be one of {choices}"), choices=", ".join(REVIEW_STATUSES))
    query = (
        select(*_QUEUE_COLUMNS)
        .join(Post, Post.id == Review.post_id)
        .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
        .order_by(Review.priority.desc(), Review.id)
        .limit(limit).offset(offset)
    )
    if status is not None:
        query = query.where(Review.status == status)
    if review_id is not None:
        query = query.where(Review.id == review_id)
    if where is not None:
        query = _filtered(query, where)
    if after is not None:
        query = _after(query, session, after)
    found = session.execute(query).all()
    latest = latest_score_rows(session, [row.post_id for row in found])
    return [_queue_item(row, latest.get(row.post_id)) for row in found]


# Plain columns, not ORM entities: a page of 50 builds no identity map.
_QUEUE_COLUMNS = (
    Review.id, Review.post_id, Review.priority, Review.status, Review.category, Review.version,
    Review.reviewer, Review.note, Review.decided_at, Post.platform, Post.external_id, Post.url,
    Post.text, Post.posted_at, Post.region, AuthorRow.handle.label("author_handle"),
    AuthorRow.name.label("author_name"), AuthorRow.bio.label("author_bio"),
)


def _queue_item(row: Any, latest: LatestScore | None) -> QueueItem:
    known = row.author_handle is not None
    return QueueItem(
        id=row.id, post_id=row.post_id, platform=row.platform, external_id=row.external_id,
        url=row.url,
        author={"handle": public_handle(row.author_handle) if known else "",
                "name": row.author_name if known else "", "bio": row.author_bio if known else ""},
        text=row.text, score=row.priority, status=row.status, category=row.category,
        predicted_category=latest.category if latest else None,
        explanation=latest.explanation if latest else [],
        model_version=latest.model_version if latest else None, version=row.version,
        reviewer=row.reviewer, note=row.note, decided_at=row.decided_at,
        posted_at=row.posted_at, region=row.region,
    )


@dataclass(frozen=True)
class ReviewState:
    """The current state of one queue item, as a decision must check it."""

    id: int
    post_id: int
    status: str
    version: int
    category: str | None
    reviewer: str | None
    decided_at: datetime | None


def review_state(session: Session, review_id: int) -> ReviewState:
    row = session.get(Review, review_id, populate_existing=True)
    if row is None:
        raise ReviewNotFound(N_("no review item {id}"), id=review_id)
    return ReviewState(id=row.id, post_id=row.post_id, status=row.status, version=row.version,
                       category=row.category, reviewer=row.reviewer, decided_at=row.decided_at)


@dataclass(frozen=True)
class DecisionRow:
    """One recorded decision: `decision` is what the reviewer chose, `status` what the item
    became (a monitor's confirmation waits for a second review)."""

    id: int
    review_id: int
    decision: str
    status: str
    previous_status: str
    category: str | None
    note: str | None
    reviewer: str
    decided_at: datetime
    review_version: int


def decide(
    session: Session, review_id: int, *, decision: str, reviewer: str,
    category: str | None = None, note: str | None = None, expected_version: int | None = None,
    status: str | None = None, now: datetime | None = None,
) -> DecisionRow:
    """Record a decision, guarded by the item's version; the item becomes `status` (default: the
    decision). Without expected_version only a pending item may be decided. Rules about who may
    decide what live in monitor/services/review.py; this only keeps the record consistent."""
    if decision not in DECISIONS:
        raise InvalidValue(N_("decision must be one of {choices}"), choices=", ".join(DECISIONS))
    status = status or decision
    if status not in REVIEW_STATUSES or not reviewer.strip():
        raise InvalidValue(N_("a decision needs a known status and a reviewer"))
    now = now or datetime.now(UTC)
    current = review_state(session, review_id)
    if expected_version is None:
        if current.status != "pending":
            raise already_decided_error(current)
        expected_version = current.version
    result = cast(CursorResult[Any], session.execute(
        update(Review)
        .where(Review.id == review_id, Review.version == expected_version)
        .values(status=status, category=category, note=note, reviewer=reviewer,
                decided_at=now, version=Review.version + 1)
        .execution_options(synchronize_session=False)
    ))
    if result.rowcount != 1:
        raise changed_since_error(review_state(session, review_id), expected_version)
    row = ReviewDecision(
        review_id=review_id, decision=decision, previous_status=current.status,
        category=category, note=note, reviewer=reviewer, decided_at=now,
        review_version=expected_version + 1,
    )
    session.add(row)
    session.flush()
    return DecisionRow(id=row.id, review_id=review_id, decision=decision, status=status,
                       previous_status=current.status, category=category, note=note,
                       reviewer=reviewer, decided_at=now, review_version=expected_version + 1)


def who_decided(state: ReviewState) -> dict[str, object]:
    """The values of an "already decided" refusal: who decided what, when, at which version."""
    at = f"{state.decided_at:%Y-%m-%d %H:%M:%S} UTC" if state.decided_at else "-"
    return {"id": state.id, "status": state.status, "reviewer": state.reviewer or "-", "at": at,
            "version": state.version}


# The same message ids as monitor.services.review's refusals (one translation for both).
def already_decided_error(state: ReviewState) -> StaleDecision:
    return StaleDecision(N_("item {id} was already decided: {status} by {reviewer} at {at} "
                            "(version {version}); to change it, decide again with --version "
                            "{version}"), **who_decided(state))


def changed_since_error(state: ReviewState, expected_version: int) -> StaleDecision:
    if state.reviewer is None:
        return StaleDecision(N_("item {id} changed since it was read (version {expected}, now "
                                "{version}): its post changed (new text or score); reload it "
                                "and decide again"), expected=expected_version, **who_decided(state))
    return StaleDecision(N_("item {id} changed since it was read (version {expected}, now "
                            "{version}: {status} by {reviewer} at {at}); reload it and decide "
                            "again"), expected=expected_version, **who_decided(state))


def already_decided(state: ReviewState) -> str:
    return already_decided_error(state).message


def changed_since(state: ReviewState, expected_version: int) -> str:
    return changed_since_error(state, expected_version).message


def count_queue(session: Session, *, status: str | None = "pending",
                where: QueueFilter | None = None) -> int:
    """How many items a queue filter holds (the count beside a filtered page). Without a
    filter it is answered from the status index alone."""
    query = select(func.count()).select_from(Review)
    if status is not None:
        query = query.where(Review.status == status)
    if where is not None:
        query = _filtered(query, where)
    return int(session.scalar(query) or 0)


def count_by_status(session: Session) -> dict[str, int]:
    counts = dict.fromkeys(REVIEW_STATUSES, 0)
    for status, count in session.execute(select(Review.status, func.count()).group_by(Review.status)):
        counts[status] = count
    return counts
