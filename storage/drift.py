"""Figures for the data team's drift watch: flagged shares per week, and the explanations of
a week's flagged posts (whose terms the drift page compares with the training data)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from storage.models import Post, Score, Source
from storage.reviews import latest_score_id

__all__ = ["ShareRow", "flag_shares", "flagged_explanations"]


@dataclass(frozen=True, slots=True)
class ShareRow:
    key: str        # source name or platform
    posts: int      # scored posts collected in the window
    flagged: int

    @property
    def share(self) -> float:
        return self.flagged / self.posts if self.posts else 0.0


def _window(start: datetime, end: datetime) -> list[Any]:
    return [Post.collected_at >= start, Post.collected_at < end,
            Score.id == latest_score_id(Post.id)]


def flag_shares(session: Session, start: datetime, end: datetime, by: str) -> list[ShareRow]:
    """Scored posts collected in [start, end) and how many of them are flagged (their newest
    score), per source (`by="source"`) or per platform (`by="platform"`)."""
    flagged = func.sum(cast(case((Score.flagged, 1), else_=0), Integer))
    key: Any
    if by == "source":
        key = func.coalesce(Source.name, "")
        query = (select(key, func.count(), flagged).select_from(Post)
                 .join(Score, Score.post_id == Post.id)
                 .outerjoin(Source, Source.id == Post.source_id))
    else:
        key = Post.platform
        query = select(key, func.count(), flagged).select_from(Post).join(Score, Score.post_id == Post.id)
    rows = session.execute(query.where(*_window(start, end)).group_by(key).order_by(key)).all()
    return [ShareRow(k or "", int(n), int(f or 0)) for k, n, f in rows]


def flagged_explanations(session: Session, start: datetime, end: datetime,
                         batch: int = 1000) -> Iterator[list[list[object]]]:
    """The explanation ([term, weight] pairs) of each flagged post collected in [start, end)."""
    after = 0
    while True:
        rows = session.execute(
            select(Post.id, Score.explanation).join(Score, Score.post_id == Post.id)
            .where(*_window(start, end), Score.flagged, Post.id > after)
            .order_by(Post.id).limit(batch)).all()
        if not rows:
            return
        for _id, explanation in rows:
            yield list(explanation or [])
        after = rows[-1][0]
