"""The review row's copies of its post's filter fields and newest score's category.

Migration 0011 put platform, source, region, posted_at, author and predicted category on the
review row so that the queue's filters and the dashboard read review rows only. Every write that
can change one of them calls `sync_review_columns` for the posts it touched, in its own
transaction: a new queue item (enqueue), a new score (add_scores), a post's metadata changed on
re-import (storage.posts). One UPDATE per call, served by the posts and scores primary-key and
(post_id, id) indexes.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Post, Review, Score

__all__ = ["sync_review_columns"]

_COPIED = ("platform", "source_id", "region", "posted_at", "author_id")
_CHUNK = 500


def _values() -> dict[str, object]:
    values: dict[str, object] = {
        name: select(getattr(Post, name)).where(Post.id == Review.post_id).scalar_subquery()
        for name in _COPIED}
    values["predicted_category"] = (select(Score.category).where(Score.post_id == Review.post_id)
                                    .order_by(Score.id.desc()).limit(1).scalar_subquery())
    return values


def sync_review_columns(session: Session, post_ids: Iterable[int] | None = None) -> None:
    """Refresh the copies on the review rows of these posts (all review rows if None)."""
    if post_ids is None:
        session.execute(update(Review).values(**_values())
                        .execution_options(synchronize_session=False))
        return
    ids = sorted(set(post_ids))
    for start in range(0, len(ids), _CHUNK):
        session.execute(update(Review).where(Review.post_id.in_(ids[start:start + _CHUNK]))
                        .values(**_values()).execution_options(synchronize_session=False))
