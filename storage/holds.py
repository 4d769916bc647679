"""Holds on review items: opening an item reserves it for its opener for a few minutes.

A hold is advisory for reading (others see who holds the item) and binding for deciding: the web
app refuses a decision on an item someone else holds until the hold expires or a lead breaks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import ReviewHold

__all__ = ["HOLD_SECONDS", "Hold", "current_hold", "holds_for", "needs_renewal", "release_hold",
           "take_hold"]

HOLD_SECONDS = 300.0


@dataclass(frozen=True)
class Hold:
    review_id: int
    user_id: int
    holder: str
    taken_at: datetime
    expires_at: datetime


def _hold(row: ReviewHold) -> Hold:
    return Hold(review_id=row.review_id, user_id=row.user_id, holder=row.holder,
                taken_at=row.taken_at, expires_at=row.expires_at)


def current_hold(session: Session, review_id: int, now: datetime | None = None) -> Hold | None:
    """The unexpired hold on an item, if any."""
    now = now or datetime.now(UTC)
    row = session.get(ReviewHold, review_id)
    return _hold(row) if row is not None and row.expires_at > now else None


def needs_renewal(hold: Hold, user_id: int, *, seconds: float = HOLD_SECONDS,
                  now: datetime | None = None) -> bool:
    """Whether opening the item should write the hold: it is this user's and has run more than
    half its time. Another's live hold is never renewed here; a fresh own hold is left as it is,
    so reopening an item (reloads, j/k back) reads only."""
    now = now or datetime.now(UTC)
    return hold.user_id == user_id and hold.expires_at - now < timedelta(seconds=seconds / 2)


def take_hold(session: Session, review_id: int, user_id: int, holder: str, *,
              force: bool = False, seconds: float = HOLD_SECONDS,
              now: datetime | None = None) -> tuple[Hold, Hold | None]:
    """Hold an item for this user unless another holds it (or `force`): (the hold now in force,
    the other user's hold that was replaced when forced, else None)."""
    now = now or datetime.now(UTC)
    row = session.get(ReviewHold, review_id, with_for_update=True)
    live_other = row is not None and row.expires_at > now and row.user_id != user_id
    if live_other and not force:
        assert row is not None
        return _hold(row), None
    broken = _hold(row) if live_other and row is not None else None
    expires = now + timedelta(seconds=seconds)
    if row is None:
        row = ReviewHold(review_id=review_id, user_id=user_id, holder=holder, taken_at=now,
                         expires_at=expires)
        session.add(row)
    else:
        if row.user_id != user_id:
            row.taken_at = now
        row.user_id, row.holder, row.expires_at = user_id, holder, expires
    session.flush()
    return _hold(row), broken


def release_hold(session: Session, review_id: int, user_id: int | None = None) -> None:
    query = delete(ReviewHold).where(ReviewHold.review_id == review_id)
    if user_id is not None:
        query = query.where(ReviewHold.user_id == user_id)
    session.execute(query)


def holds_for(session: Session, review_ids: list[int],
              now: datetime | None = None) -> dict[int, Hold]:
    """Unexpired holds of these items (for the queue list)."""
    if not review_ids:
        return {}
    now = now or datetime.now(UTC)
    rows = session.scalars(select(ReviewHold).where(ReviewHold.review_id.in_(review_ids),
                                                    ReviewHold.expires_at > now))
    return {row.review_id: _hold(row) for row in rows}
