"""The review queue as monitors read it: one page of items under their filters, who holds
which, the counts per status, the values the filters offer; and an item's neighbours in queue
order (for j/k).

Counts are cached for a few seconds per filter. With a text search they stop at `COUNT_CAP`
per status (shown as "1000+"): counting a common word's matches exactly visits every one of
them, which no page view should pay for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.caching import TtlCache
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

__all__ = ["COUNT_CAP", "PAGE_SIZE", "QueueCaches", "QueueView", "StatusCounts", "neighbours",
           "parse_after", "queue_view"]

PAGE_SIZE = 50
COUNT_CAP = 1000
COUNTS_SECONDS = 10.0   # counts per status: exact to within this
CHOICES_SECONDS = 60.0  # the platforms, sources and regions offered in the filters


@dataclass(frozen=True)
class StatusCounts:
    """Items per status; a status in `at_least` has at least that many (the count stopped)."""

    counts: dict[str, int]
    at_least: frozenset[str] = frozenset()

    def get(self, status: str, default: int = 0) -> int:
        return self.counts.get(status, default)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class QueueCaches:
    """One per app (or process): counts and filter choices shared by every reader."""

    counts: TtlCache = field(default_factory=lambda: TtlCache(COUNTS_SECONDS))
    choices: TtlCache = field(default_factory=lambda: TtlCache(CHOICES_SECONDS))
    count_cap: int = COUNT_CAP


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
    cap = caches.count_cap if filters.q else None
    with db.reader() as session:
        page = search_queue(session, filters, limit=limit)
        holds = holds_for(session, [row.id for row in page.rows])
        raw = caches.counts.get(_count_key(filters),
                                lambda: status_counts(session, filters, cap=cap))
        choices = caches.choices.get("all", lambda: filter_choices(session))
    at_least = frozenset(s for s, n in raw.items() if cap is not None and n >= cap)
    counts = StatusCounts({s: min(n, cap) if cap is not None else n for s, n in raw.items()},
                          at_least)
    return QueueView(rows=page.rows, holds=holds, counts=counts, choices=choices,
                     next_after=page.next_after)


def neighbours(db: Database, actor: Actor, review_id: int,
               status: str | None) -> tuple[int | None, int | None]:
    """(previous, next) item ids around this one in queue order, same status."""
    require(actor, Right.VIEW_QUEUE)
    with db.reader() as session:
        return queue_neighbours(session, review_id, status)
