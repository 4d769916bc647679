"""The web queue: review items filtered, searched by full text and paged by keyset.

Highest score first, ties newest first: (priority DESC, id DESC) is the reviews (status,
priority, id) index read backwards, so no page sorts the queue; the next page starts after the
last (priority, id) seen, so paging stays fast at any depth. Text search goes
through the full-text index made by migration 0005 (FTS5 on SQLite, GIN on PostgreSQL), never a
LIKE scan. A search query's words are all required; FTS syntax in it is treated as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, and_, bindparam, column, func, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from storage.models import AuthorRow, Post, Review, Source
from storage.posts import public_handle
from storage.reviews import REVIEW_STATUSES

__all__ = [
    "QueueFilter",
    "QueuePage",
    "QueueRow",
    "filter_choices",
    "neighbours",
    "parse_after",
    "search_queue",
    "status_counts",
]

_WORD = re.compile(r"\w+", re.UNICODE)
COMMON_MATCHES = 2000  # a search matching at least this many queued posts walks the queue index
PG_COMMON_MATCHES = 3000  # …on PostgreSQL, posts (all of them are in its full-text index)
PG_PREFIX_ROWS = 1500  # a PostgreSQL search first looks for its page among this many items


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = "pending"
    platform: str | None = None
    source: str | None = None
    region: str | None = None
    category: str | None = None
    q: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    since: datetime | None = None
    until: datetime | None = None
    after: tuple[float, int] | None = None


@dataclass(frozen=True)
class QueueRow:
    id: int
    post_id: int
    platform: str
    url: str | None
    author_handle: str
    author_name: str
    text: str
    score: float
    status: str
    category: str | None
    predicted_category: str | None
    region: str | None
    source: str | None
    posted_at: datetime | None
    collected_at: datetime
    version: int
    reviewer: str | None
    post_status: str


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_after: str | None
    filters: QueueFilter = field(default_factory=QueueFilter)


def parse_after(value: str | None) -> tuple[float, int] | None:
    """`0.93125:812` → (0.93125, 812); anything else is not a keyset position (ValueError)."""
    if not value:
        return None
    score, _, ident = value.partition(":")
    return float(score), int(ident)


def _fts_query(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _text_condition(session: Session, q: str, *, paging: bool) -> Any:
    """The condition on review rows that their post matches `q` (None for a query of no words).

    A search matching many posts walks the queue's own index and tests each item (50 matches
    are met within a few hundred rows); a rarer one finds its posts through the full-text index
    and probes their items. Counting always takes the second way (it visits every match)."""
    words = _WORD.findall(q)[:12]
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        fts = _fts_query(words)
        common = paging and session.scalar(text(
            "SELECT count(*) FROM (SELECT rowid FROM posts_fts WHERE posts_fts MATCH :fts "
            "LIMIT :cap)"), {"fts": fts, "cap": COMMON_MATCHES}) == COMMON_MATCHES
        if common:
            # '+' keeps SQLite from probing reviews by post_id for every match instead
            return text("+reviews.post_id IN (SELECT rowid FROM posts_fts "
                        "WHERE posts_fts MATCH :fts)").bindparams(fts=fts)
        matching = text("SELECT rowid FROM posts_fts WHERE posts_fts MATCH :fts").bindparams(
            fts=fts).columns(column("rowid", Integer))
        return Review.post_id.in_(matching)
    tsq = " ".join(words)
    matching_sql = ("SELECT id FROM posts WHERE to_tsvector('simple', text) "
                    "@@ plainto_tsquery('simple', :tsq)")
    found = list(session.scalars(text(matching_sql + " LIMIT :cap"),
                                 {"tsq": tsq, "cap": PG_COMMON_MATCHES}))
    if len(found) < PG_COMMON_MATCHES:
        # the posts are known: their items are probed by post_id (the planner's guess of a
        # term's frequency cannot send it along the whole queue index instead)
        return text("reviews.post_id = ANY(:ids)").bindparams(
            bindparam("ids", value=found, type_=ARRAY(BigInteger)))
    if paging:
        # many matches: walk the queue index and test each item's own post. A scalar subquery,
        # so the planner cannot turn it into a join that computes every post's tsvector
        # (a semi join here read ~40,000 posts for one page of 50)
        return text("(SELECT to_tsvector('simple', p.text) @@ plainto_tsquery('simple', :tsq) "
                    "FROM posts p WHERE p.id = reviews.post_id)").bindparams(tsq=tsq)
    return Review.post_id.in_(text(matching_sql).bindparams(tsq=tsq)
                              .columns(column("id", Integer)))


def _filtered(session: Session, f: QueueFilter, query: Any, *, paging: bool = True) -> Any:
    """Every filter reads the review row's own columns (copied from the post and its newest
    score, migration 0011), each served by a (status, column, priority desc, id) index; only
    the text search looks at posts."""
    conditions: list[Any] = []
    if f.status:
        conditions.append(Review.status == f.status)
    if f.platform:
        conditions.append(Review.platform == f.platform)
    if f.source:
        source_id = session.scalar(select(Source.id).where(Source.name == f.source))
        conditions.append(Review.source_id == (source_id if source_id is not None else -1))
    if f.region:
        conditions.append(Review.region == f.region)
    if f.category:
        conditions.append(Review.predicted_category == f.category)
    if f.min_score is not None:
        conditions.append(Review.priority >= f.min_score)
    if f.max_score is not None:
        conditions.append(Review.priority <= f.max_score)
    if f.since is not None:
        conditions.append(Review.posted_at >= f.since)
    if f.until is not None:
        conditions.append(Review.posted_at < f.until)
    if f.q:
        condition = _text_condition(session, f.q, paging=paging)
        if condition is not None:
            conditions.append(condition)
    return query.where(*conditions) if conditions else query


def _row(values: Any) -> QueueRow:
    review, post, handle, name, source = values
    return QueueRow(
        id=review.id, post_id=post.id, platform=post.platform, url=post.url,
        author_handle=_public(handle), author_name=name or "", text=post.text[:400],
        score=review.priority, status=review.status, category=review.category,
        predicted_category=review.predicted_category, region=post.region, source=source,
        posted_at=post.posted_at, collected_at=post.collected_at, version=review.version,
        reviewer=review.reviewer, post_status=post.status)


def _public(handle: str | None) -> str:
    return public_handle(handle) if handle else ""


def _keyset(query: Any, f: QueueFilter) -> Any:
    if f.after is None:
        return query
    score, ident = f.after
    # the plain bound (priority <= score) lets the index range start at the position
    return query.where(Review.priority <= score,
                       or_(Review.priority < score,
                           and_(Review.priority == score, Review.id < ident)))


def _pg_prefix_walk(session: Session, f: QueueFilter, limit: int) -> list[Any] | None:
    """A PostgreSQL search's page among the first PG_PREFIX_ROWS items of its range, each
    item's post tested by a scalar subquery (never a join that computes every post's tsvector);
    None when the prefix holds neither a full page nor the whole range (a rarer term: the
    full-text index finds it faster)."""
    words = _WORD.findall(f.q or "")[:12]
    base = _filtered(session, QueueFilter(**{**f.__dict__, "q": None}),
                     select(Review.id, Review.priority, Review.post_id).select_from(Review))
    prefix = (_keyset(base, f).order_by(Review.priority.desc(), Review.id.desc())
              .limit(PG_PREFIX_ROWS).subquery("prefix"))
    matches = text("(SELECT to_tsvector('simple', p.text) @@ plainto_tsquery('simple', :tsq) "
                   "FROM posts p WHERE p.id = prefix.post_id)").bindparams(tsq=" ".join(words))
    rows = list(session.execute(select(prefix.c.id, prefix.c.priority).where(matches)
                                .order_by(prefix.c.priority.desc(), prefix.c.id.desc())
                                .limit(limit + 1)))
    if len(rows) > limit:
        return rows
    examined = int(session.scalar(select(func.count()).select_from(prefix)) or 0)
    return rows if examined < PG_PREFIX_ROWS else None


def _page_ids(session: Session, f: QueueFilter, limit: int) -> list[Any]:
    if f.q and _WORD.search(f.q) and session.get_bind().dialect.name != "sqlite":
        found = _pg_prefix_walk(session, f, limit)
        if found is not None:
            return found
    ids = _keyset(_filtered(session, f, select(Review.id, Review.priority).select_from(Review)), f)
    return list(session.execute(ids.order_by(Review.priority.desc(), Review.id.desc())
                                .limit(limit + 1)))


def search_queue(session: Session, f: QueueFilter, *, limit: int = 50) -> QueuePage:
    """One page of the queue under these filters, highest score first. The page's ids are
    chosen from review rows alone (their own filter columns and indexes; a text search tests
    posts); posts, authors and sources are read for those rows only."""
    ids = [row.id for row in _page_ids(session, f, limit)]
    if not ids:
        return QueuePage(rows=[], next_after=None, filters=f)
    query = (select(Review, Post, AuthorRow.handle, AuthorRow.name, Source.name)
             .select_from(Review).where(Review.id.in_(ids))
             .join(Post, Post.id == Review.post_id)
             .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
             .outerjoin(Source, Source.id == Post.source_id)
             .order_by(Review.priority.desc(), Review.id.desc()))
    rows = [_row(values) for values in session.execute(query)]
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = f"{rows[-1].score!r}:{rows[-1].id}" if more and rows else None
    return QueuePage(rows=rows, next_after=next_after, filters=f)


def status_counts(session: Session, f: QueueFilter) -> dict[str, int]:
    """Items per status under the other filters (the status filter itself left out), from
    review rows only. Every status is named so that each one's (status, column …) index range
    is counted, rather than the whole table scanned."""
    base = (select(Review.status, func.count()).select_from(Review)
            .where(Review.status.in_(REVIEW_STATUSES)))
    unfiltered = QueueFilter(**{**f.__dict__, "status": None, "after": None})
    # counting visits every match anyway: probe reviews by post_id, never walk the queue
    query = _filtered(session, unfiltered, base, paging=False).group_by(Review.status)
    return {status: int(count) for status, count in session.execute(query)}


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The values the queue's drop-downs offer: platforms, sources and regions in use."""
    platforms = session.scalars(select(Review.platform).where(Review.platform.is_not(None))
                                .distinct().order_by(Review.platform).limit(100))
    sources = session.scalars(select(Source.name).order_by(Source.name).limit(500))
    regions = session.scalars(select(Review.region).where(Review.region.is_not(None))
                              .distinct().order_by(Review.region).limit(500))
    return {"platform": [p for p in platforms if p], "source": list(sources),
            "region": [r for r in regions if r]}


def neighbours(session: Session, review_id: int, status: str | None) -> tuple[int | None, int | None]:
    """(previous, next) item ids around this one in queue order (same status), for j/k."""
    current = session.get(Review, review_id)
    if current is None:
        return None, None
    status = status or current.status
    p, i = current.priority, current.id
    before = session.scalar(
        select(Review.id).where(Review.status == status, Review.priority >= p,
                                or_(Review.priority > p, and_(Review.priority == p, Review.id > i)))
        .order_by(Review.priority.asc(), Review.id.asc()).limit(1))
    after = session.scalar(
        select(Review.id).where(Review.status == status, Review.priority <= p,
                                or_(Review.priority < p, and_(Review.priority == p, Review.id < i)))
        .order_by(Review.priority.desc(), Review.id.desc()).limit(1))
    return before, after
