"""The review queue as monitors read it: one page of items under their filters, who holds
which, the counts per status, the values the filters offer; and an item's neighbours in queue
order (for j/k).

Counts are cached for a few seconds per filter. A text search's counts visit every match
(34,000 items for a common word at a million posts: a second on PostgreSQL), so they are
computed off the request: the page waits for them at most `SEARCH_COUNT_WAIT` and otherwise
says they are being counted; the next view shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monitor.caching import Background, Refreshed, TtlCache
from monitor.policy import Actor, Right
from monitor.services.guard import require
from storage.db import Database
from storage.holds import Hold, holds_for
from storage.queue_search import (
    QueueFilter,
    QueueRow,
    filter_choices,
    parse_after,
    search_queue,
    status_counts,
)
from storage.queue_search import neighbours as queue_neighbours

__all__ = ["PAGE_SIZE", "QueueCaches", "QueueView", "StatusCounts", "neighbours",
           "parse_after", "queue_view"]

PAGE_SIZE = 50
COUNTS_SECONDS = 10.0   # counts per status: exact to within this
SEARCH_COUNTS_SECONDS = 60.0
SEARCH_COUNT_WAIT = 0.05  # seconds a page waits for a search's counts
CHOICES_SECONDS = 60.0  # the platforms, sources and regions offered in the filters


@dataclass(frozen=True)
class StatusCounts:
    """Items per status; `counting` while a search's counts are still being computed."""

    counts: dict[str, int]
    counting: bool = False

    def get(self, status: str, default: int = 0) -> int:
        return self.counts.get(status, default)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class QueueCaches:
    """One per app (or process): counts and filter choices shared by every reader. The
    choices (distinct platforms and regions: half a second at a million posts on PostgreSQL)
    are refreshed in the background and warmed at start-up."""

    choices: Refreshed[dict[str, list[str]]]
    counts: TtlCache = field(default_factory=lambda: TtlCache(COUNTS_SECONDS))
    search_counts: Background = field(default_factory=lambda: Background(
        SEARCH_COUNTS_SECONDS, wait=SEARCH_COUNT_WAIT))

    @classmethod
    def for_database(cls, db: Database, **caches: Any) -> QueueCaches:
        def choices() -> dict[str, list[str]]:
            with db.reader() as session:
                return filter_choices(session)

        return cls(choices=Refreshed(CHOICES_SECONDS, choices, "queue-choices"), **caches)

    def warm(self) -> None:
        self.choices.warm()


@dataclass(frozen=True)
class QueueView:
    rows: list[QueueRow]
    holds: dict[int, Hold]
    counts: StatusCounts
    choices: dict[str, list[str]]
    next_after: str | None


def _count_key(f: QueueFilter) -> tuple[object, ...]:
    return tuple(v for k, v in f.__dict__.items() if k not in ("status", "after"))


def queue_view(db: Database, actor: Actor, filters: QueueFilter, caches: QueueCaches, *,
               limit: int = PAGE_SIZE) -> QueueView:
    """Highest score first under `filters`, keyset-paged from `filters.after`."""
    require(actor, Right.VIEW_QUEUE)
    key = _count_key(filters)
    with db.reader() as session:
        page = search_queue(session, filters, limit=limit)
        holds = holds_for(session, [row.id for row in page.rows])
        if not filters.q:
            counts = StatusCounts(caches.counts.get(key, lambda: status_counts(session, filters)))
    if filters.q:
        found = caches.search_counts.get(key, lambda: _counted(db, filters))
        counts = StatusCounts(found) if found is not None else StatusCounts({}, counting=True)
    return QueueView(rows=page.rows, holds=holds, counts=counts, choices=caches.choices.get(),
                     next_after=page.next_after)


def _counted(db: Database, filters: QueueFilter) -> dict[str, int]:
    with db.reader() as session:  # its own session: it runs in the background worker
        return status_counts(session, filters)


def neighbours(db: Database, actor: Actor, review_id: int,
               status: str | None) -> tuple[int | None, int | None]:
    """(previous, next) item ids around this one in queue order, same status."""
    require(actor, Right.VIEW_QUEUE)
    with db.reader() as session:
        return queue_neighbours(session, review_id, status)
