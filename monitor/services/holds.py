"""Holds on review items: opening an item to work on it holds it for five minutes, so two
monitors don't work the same post; a lead may take it over (audited, in the same transaction)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from monitor.errors import N_, Conflict
from monitor.localtime import local_time
from monitor.policy import Actor, Right, can
from monitor.services.guard import require
from storage.audit import append_audit
from storage.db import Database
from storage.holds import Hold, current_hold, needs_renewal, release_hold, take_hold

__all__ = ["break_hold", "check_not_held", "open_item", "release"]


def _may_work_on(actor: Actor, status: str, finder: str | None) -> bool:
    if actor.user_id is None:
        return False
    if status == "pending":
        return can(actor, Right.DECIDE)
    if status == "awaiting_second_review":
        return can(actor, Right.SECOND_REVIEW) and finder != actor.name
    return False


def open_item(db: Database, actor: Actor, review_id: int, status: str,
              finder: str | None) -> Hold | None:
    """Hold the item for a reviewer who opens it to work on it (a pending item, or a second
    review of someone else's finding); returns the hold in force (theirs or another's)."""
    with db.reader() as session:
        held = current_hold(session, review_id)
    if not _may_work_on(actor, status, finder):
        return held
    assert actor.user_id is not None
    if held is not None and not needs_renewal(held, actor.user_id):
        return held  # another's live hold, or this reviewer's fresh one: no write on this GET
    for _attempt in range(2):  # two first openers racing: the loser reads the winner's hold
        try:
            with db.session() as session:
                hold, _broken = take_hold(session, review_id, actor.user_id, actor.name)
                return hold
        except IntegrityError:
            continue
    with db.reader() as session:
        return current_hold(session, review_id)


def break_hold(db: Database, actor: Actor, review_id: int) -> Hold:
    """A lead takes over an item someone else holds."""
    require(actor, Right.BREAK_HOLD)
    assert actor.user_id is not None
    with db.session() as session:
        hold, broken = take_hold(session, review_id, actor.user_id, actor.name, force=True)
        if broken is not None:
            append_audit(session, actor=actor.name, action="review.break_hold", entity="review",
                         entity_id=review_id, details={"held_by": broken.holder,
                                                       "held_until": broken.expires_at})
    return hold


def check_not_held(db: Database, actor: Actor, review_id: int, zone: str = "UTC") -> None:
    """Refuse a decision on an item another reviewer holds (the time in the deployment's zone)."""
    with db.reader() as session:
        hold = current_hold(session, review_id)
    if hold is not None and hold.user_id != actor.user_id:
        raise Conflict(N_("item {id} is open with {holder} until {until}; wait, or ask a "
                          "lead to take it over"), id=review_id, holder=hold.holder,
                       until=local_time(hold.expires_at, zone, "%H:%M"))


def release(db: Database, actor: Actor, review_id: int) -> None:
    """The holder lets go (after deciding, or leaving the item); another's hold is untouched."""
    with db.session() as session:
        release_hold(session, review_id, actor.user_id)
