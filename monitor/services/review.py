"""Review decisions, second review, and reading the queue: the rules every interface obeys.

A decision on a pending item needs `Right.DECIDE`. With `review.second_review` on (the default),
a confirmation never completes an item by itself: it leaves the item `awaiting_second_review`
until a user with `Right.SECOND_REVIEW` who is not the one who made the finding confirms or
rejects it — nobody completes their own finding, leads included. Changing an item that is
already decided needs `Right.REDECIDE` and the version the user read (`expected_version`). A
decision on a version that moved (another decision, or a changed post) is refused as stale with
the other decision shown. Each decision row is bound to its audit entry (storage.bindings).
A decision that makes an item `confirmed` puts it into its author's case
(monitor/services/cases.py) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from monitor.policy import Actor, Right, can
from monitor.services.cases import attach_confirmed
from monitor.services.guard import require, storage_errors
from storage.audit import append_audit
from storage.bindings import row_binding
from storage.db import Database
from storage.errors import ReviewNotFound, StaleDecision
from storage.records import CATEGORIES
from storage.review_items import ItemDetail, item_detail
from storage.reviews import (
    DECISIONS,
    REVIEW_STATUSES,
    QueueFilter,
    QueueItem,
    ReviewState,
    review_queue,
    review_state,
    who_decided,
)
from storage.reviews import decide as record_decision

__all__ = ["Decided", "ItemDetail", "QueueItem", "QueueFilter", "AWAITING", "decide", "show", "queue"]

AWAITING = "awaiting_second_review"


@dataclass(frozen=True)
class Decided:
    id: int
    status: str
    version: int
    awaiting_second_review: bool
    decision: str
    category: str | None
    reviewer: str
    decided_at: datetime
    case_id: int | None = None     # the case a completed confirmation opened or joined


def _validate(decision: str, category: str | None) -> None:
    if decision not in DECISIONS:
        raise InvalidInput(N_("decision must be one of {choices}"), choices=", ".join(DECISIONS))
    if category is not None and category not in CATEGORIES:
        raise InvalidInput(N_("category must be one of {choices}"), choices=", ".join(CATEGORIES))


def _already_decided(state: ReviewState) -> Conflict:
    return Conflict(N_("item {id} was already decided: {status} by {reviewer} at {at} (version "
                       "{version}); to change it, decide again with --version {version}"),
                    **who_decided(state))


def _stale(state: ReviewState, expected: int) -> Conflict:
    if state.reviewer is None:
        return Conflict(N_("item {id} changed since it was read (version {expected}, now "
                           "{version}): its post changed (new text or score); reload it and "
                           "decide again"), expected=expected, **who_decided(state))
    return Conflict(N_("item {id} changed since it was read (version {expected}, now {version}: "
                       "{status} by {reviewer} at {at}); reload it and decide again"),
                    expected=expected, **who_decided(state))


def _check(actor: Actor, state: ReviewState, expected: int | None) -> None:
    """May this actor decide this item now? Raises the reason it may not."""
    require(actor, Right.DECIDE)
    if expected is not None and expected != state.version:
        raise _stale(state, expected)
    if state.status == "pending":
        return
    if state.status == AWAITING:
        if state.reviewer == actor.name:
            raise PermissionDenied(N_("item {id} is your own finding: a second reviewer (another "
                                      "lead) must confirm or reject it"), id=state.id)
        if not can(actor, Right.SECOND_REVIEW):
            if expected is None:
                raise _already_decided(state)
            require(actor, Right.SECOND_REVIEW)
        return
    if expected is None:
        raise _already_decided(state)
    require(actor, Right.REDECIDE)


def _outcome(state: ReviewState, decision: str, second_review: bool) -> str:
    if decision == "confirmed" and second_review and state.status != AWAITING:
        return AWAITING
    return decision


def _record(session: Session, actor: Actor, state: ReviewState, *, decision: str,
            category: str | None, note: str | None, second_review: bool) -> Decided:
    status = _outcome(state, decision, second_review)
    if category is None and state.status == AWAITING:
        category = state.category  # completing keeps the finding's category unless changed
    try:
        row = record_decision(session, state.id, decision=decision, reviewer=actor.name,
                              category=category, note=note, expected_version=state.version,
                              status=status)
    except StaleDecision:
        raise _stale(review_state(session, state.id), state.version) from None
    append_audit(session, actor=actor.name, action="review.decide", entity="review",
                 entity_id=state.id, details={
                     "decision": decision, "status": status, "previous_status": state.status,
                     "category": category, "note": note, "version": row.review_version,
                     "rows": [row_binding(session, "review_decisions", row.id)]})
    case_id = None
    if status == "confirmed":  # confirmed evidence: into its author's case, same transaction
        case_id = attach_confirmed(session, actor, state.id, at=row.decided_at).case_id
    return Decided(id=state.id, status=status, version=row.review_version,
                   awaiting_second_review=status == AWAITING, decision=decision,
                   category=category, reviewer=actor.name, decided_at=row.decided_at,
                   case_id=case_id)


def decide(db: Database, actor: Actor, review_id: int, *, decision: str,
           category: str | None = None, note: str | None = None,
           expected_version: int | None = None, second_review: bool = True) -> Decided:
    """Record `actor`'s decision on one item; `second_review` is the `review.second_review`
    setting. Raises PermissionDenied, NotFound, InvalidInput or Conflict (stale)."""
    _validate(decision, category)
    note = note.strip() or None if note else None
    with db.session() as session:
        try:
            state = review_state(session, review_id)
        except ReviewNotFound:
            raise NotFound(N_("no review item {id}"), id=review_id) from None
        _check(actor, state, expected_version)
        return _record(session, actor, state, decision=decision, category=category, note=note,
                       second_review=second_review)


def show(db: Database, actor: Actor, review_id: int) -> ItemDetail:
    """One item in full: post, versions, author, scores, decision trail, source."""
    require(actor, Right.VIEW_QUEUE)
    with db.reader() as session:
        try:
            return item_detail(session, review_id)
        except ReviewNotFound:
            raise NotFound(N_("no review item {id}"), id=review_id) from None


def queue(db: Database, actor: Actor, *, status: str | None = "pending", limit: int = 50,
          offset: int = 0, where: QueueFilter | None = None,
          after: int | None = None) -> list[QueueItem]:
    """Queue items with this status (None: all), highest score first, optionally narrowed;
    `after` an item id: the page that follows it (keyset)."""
    require(actor, Right.VIEW_QUEUE)
    if status is not None and status not in REVIEW_STATUSES:
        raise InvalidInput(N_("status must be one of {choices}"),
                           choices=", ".join(REVIEW_STATUSES))
    if not 1 <= limit <= 10_000 or offset < 0:
        raise InvalidInput(N_("limit must be 1 to 10000 and offset not negative"))
    with db.reader() as session, storage_errors():
        try:
            return review_queue(session, status=status, limit=limit, offset=offset, where=where,
                                after=after)
        except ReviewNotFound:
            raise NotFound(N_("no review item {id}"), id=after) from None
