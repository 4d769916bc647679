"""The data team's labels, kept apart from monitors' decisions, and the labeling queue's queries.

Every label given is a row: a relabel clears `current` on the earlier row and inserts a new
one, so the history stays. A post counts as labeled (and its near-duplicate group as covered)
once any label row exists for it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from storage.models import AuthorRow, Label, Post, Score
from storage.post_listing import post_record
from storage.posts import public_handle
from storage.records import PostRecord
from storage.reviews import latest_score_id

__all__ = ["LabelRow", "Candidate", "add_label", "current_label", "label_history",
           "uncertain_candidates", "random_candidates", "candidate", "labeled_records",
           "SAMPLED_AS"]

SAMPLED_AS = ("uncertain", "random", "chosen")


@dataclass(frozen=True, slots=True)
class LabelRow:
    id: int
    post_id: int
    label: int
    category: str | None
    hard_case: str | None
    sampled_as: str
    labeled_by: str
    labeled_at: datetime
    current: bool


def _row(label: Label) -> LabelRow:
    return LabelRow(label.id, label.post_id, label.label, label.category, label.hard_case,
                    label.sampled_as, label.labeled_by, label.labeled_at, label.current)


def add_label(session: Session, post_id: int, label: int, *, category: str | None,
              hard_case: str | None, sampled_as: str, labeled_by: str,
              now: datetime | None = None) -> tuple[LabelRow, LabelRow | None]:
    """Store a label as the current one; returns it and the label it replaced (if any)."""
    before = session.scalars(select(Label).where(Label.post_id == post_id, Label.current)
                             .with_for_update()).first()
    previous = _row(before) if before is not None else None
    if before is not None:
        session.execute(update(Label).where(Label.post_id == post_id, Label.current)
                        .values(current=False))
    row = Label(post_id=post_id, label=label, category=category, hard_case=hard_case,
                sampled_as=sampled_as, labeled_by=labeled_by,
                labeled_at=now or datetime.now(UTC), current=True)
    session.add(row)
    session.flush()
    return _row(row), previous


def current_label(session: Session, post_id: int) -> LabelRow | None:
    found = session.scalars(select(Label).where(Label.post_id == post_id, Label.current)).first()
    return _row(found) if found is not None else None


def label_history(session: Session, post_id: int) -> list[LabelRow]:
    return [_row(r) for r in session.scalars(
        select(Label).where(Label.post_id == post_id).order_by(Label.id))]


def _unlabeled() -> Any:
    """Condition: the post has no label and no post of its near-duplicate group has one."""
    own = select(Label.id).where(Label.post_id == Post.id).exists()
    member = aliased(Post)
    group = (select(Label.id).join(member, member.id == Label.post_id)
             .where(member.dup_group == Post.dup_group).exists())
    return ~own & (Post.dup_group.is_(None) | ~group)


@dataclass(frozen=True, slots=True)
class Candidate:
    post_id: int
    group: int        # the near-duplicate group, or the post's own id when it has none
    score: float
    threshold: float


def uncertain_candidates(session: Session, *, offset: int, limit: int) -> list[Candidate]:
    """Unlabeled posts by the distance of their newest score from its threshold, nearest first.

    Reads every newest score once per call (ordered by an expression no index holds): the
    queue asks for a page of a few dozen, so this is one sort per page served."""
    distance = func.abs(Score.score - Score.threshold)
    rows = session.execute(
        select(Post.id, Post.dup_group, Score.score, Score.threshold)
        .join(Score, Score.post_id == Post.id)
        .where(Score.id == latest_score_id(Post.id), _unlabeled())
        .order_by(distance, Post.id).offset(offset).limit(limit)).all()
    return [Candidate(p, g if g is not None else p, s, t) for p, g, s, t in rows]


def random_candidates(session: Session, rng: random.Random, count: int, *,
                      attempts: int = 0) -> list[Candidate]:
    """About `count` unlabeled scored posts drawn uniformly by id (index probes, no scan):
    each draw picks a random id and takes the first eligible post from there."""
    low, high = session.execute(select(func.min(Post.id), func.max(Post.id))).one()
    if low is None:
        return []
    out: dict[int, Candidate] = {}
    for _ in range(attempts or count * 4):
        if len(out) >= count:
            break
        start = rng.randint(low, high)
        found = session.execute(
            select(Post.id, Post.dup_group, Score.score, Score.threshold)
            .join(Score, Score.post_id == Post.id)
            .where(Post.id >= start, Score.id == latest_score_id(Post.id),
                   _unlabeled())
            .order_by(Post.id).limit(1)).first()
        if found is not None:
            p, g, s, t = found
            out.setdefault(p, Candidate(p, g if g is not None else p, s, t))
    return list(out.values())


@dataclass(frozen=True, slots=True)
class QueueEntry:
    post_id: int
    platform: str
    external_id: str
    url: str | None
    author: str
    text: str
    group_size: int


__all__ += ["QueueEntry"]


def candidate(session: Session, post_id: int) -> QueueEntry | None:
    found = session.execute(
        select(Post, AuthorRow.handle).outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
        .where(Post.id == post_id)).first()
    if found is None:
        return None
    post, handle = found
    size = 1
    if post.dup_group is not None:
        size = session.scalar(select(func.count()).select_from(Post)
                              .where(Post.dup_group == post.dup_group)) or 1
    return QueueEntry(post.id, post.platform, post.external_id, post.url,
                      public_handle(handle or ""), post.text, size)


def labeled_records(session: Session, batch: int = 500) -> Iterator[PostRecord]:
    """Every current label as an interchange record of its post (label, category, hard_case
    from the label; `labeled_by`, `labeled_at`, `sampled_as` as extra fields), in label order."""
    after = 0
    while True:
        rows = session.execute(
            select(Label, Post, AuthorRow).join(Post, Post.id == Label.post_id)
            .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
            .where(Label.current, Label.id > after).order_by(Label.id).limit(batch)).all()
        if not rows:
            return
        for label, post, author in rows:
            record = post_record(post, author)
            yield replace(record, label=label.label, category=label.category,
                          hard_case=label.hard_case,
                          extra={**record.extra, "labeled_by": label.labeled_by,
                                 "labeled_at": label.labeled_at.astimezone(UTC).isoformat(),
                                 "sampled_as": label.sampled_as})
        after = rows[-1][0].id
