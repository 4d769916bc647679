"""Process counters for `/metrics`, and the Prometheus text rendering of them plus database gauges.

Counters (fetches, errors, posts, flagged) belong to this process, as Prometheus expects: each
node is scraped separately and the server sums them. Gauges (queue size, per-source lag and
failures) are read from the shared database, so every node reports the same values for them.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage.counts import source_gauges, stored_and_pending
from storage.db import Database

__all__ = ["GAUGE_SECONDS", "Metrics", "DbGauges", "read_gauges", "render"]

# The posts and queue totals are counted at most this often per process: a scrape every few
# seconds must not count a million posts each time (source lag and failures stay live).
GAUGE_SECONDS = 15.0
_totals: weakref.WeakKeyDictionary[Database, tuple[float, tuple[int, int]]] = (
    weakref.WeakKeyDictionary())
_totals_lock = threading.Lock()


class Metrics:
    """Thread-safe counters: the scheduler writes from the event loop, the web thread reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.fetches: dict[str, int] = defaultdict(int)
        self.errors: dict[str, int] = defaultdict(int)
        self.posts: dict[str, int] = defaultdict(int)
        self.flagged: dict[str, int] = defaultdict(int)
        self.started_at = datetime.now(UTC)

    def record_run(self, source: str, *, ok: bool, errors: int, new: int, flagged: int) -> None:
        with self._lock:
            self.fetches[source] += 1
            self.errors[source] += errors if ok else max(errors, 1)
            self.posts[source] += new
            self.flagged[source] += flagged

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {"fetches": dict(self.fetches), "errors": dict(self.errors),
                    "posts": dict(self.posts), "flagged": dict(self.flagged)}


@dataclass(frozen=True)
class DbGauges:
    posts: int
    queue_pending: int
    sources: list[tuple[str, float | None, int, bool]]  # name, lag seconds, failures, enabled


def read_gauges(db: Database, now: datetime | None = None) -> DbGauges:
    """Lag is the time since the source's last successful run (since its creation if none)."""
    now = now or datetime.now(UTC)
    with _totals_lock:
        hit = _totals.get(db)
    fresh = hit is not None and time.monotonic() - hit[0] < GAUGE_SECONDS
    with db.reader() as session:
        totals = hit[1] if fresh and hit is not None else stored_and_pending(session)
        rows = source_gauges(session)
    if not fresh:
        with _totals_lock:
            _totals[db] = (time.monotonic(), totals)
    sources: list[tuple[str, float | None, int, bool]] = [(g.name, (now - (g.last_success_at or g.created_at)).total_seconds(),
                g.consecutive_failures, g.enabled) for g in rows]
    return DbGauges(posts=totals[0], queue_pending=totals[1], sources=sources)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _family(name: str, kind: str, help_text: str, samples: Iterable[tuple[str, Any]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{labels} {value}" for labels, value in samples]
    return lines


def _per_source(values: dict[str, int]) -> list[tuple[str, Any]]:
    return [(f'{{source="{_label(k)}"}}', v) for k, v in sorted(values.items())]


def render(metrics: Metrics | None, gauges: DbGauges | None) -> str:
    """Prometheus text exposition format 0.0.4."""
    lines: list[str] = []
    if metrics is not None:
        counts = metrics.snapshot()
        for key, help_text in (("fetches", "source runs by this process"),
                               ("errors", "source runs that failed or recorded errors"),
                               ("posts", "new posts stored by this process"),
                               ("flagged", "posts flagged for review by this process")):
            lines += _family(f"pantau_{key}_total", "counter", help_text, _per_source(counts[key]))
    if gauges is not None:
        lines += _family("pantau_posts_stored", "gauge", "posts in the database",
                         [("", gauges.posts)])
        lines += _family("pantau_review_queue_size", "gauge", "pending review-queue items",
                         [("", gauges.queue_pending)])
        enabled = [s for s in gauges.sources if s[3]]
        lines += _family("pantau_source_lag_seconds", "gauge",
                         "seconds since the source's last successful run",
                         [(f'{{source="{_label(n)}"}}', f"{lag:.3f}") for n, lag, _f, _e in enabled])
        lines += _family("pantau_source_consecutive_failures", "gauge",
                         "failed runs in a row (drives the backoff)",
                         [(f'{{source="{_label(n)}"}}', f) for n, _l, f, _e in enabled])
    return "\n".join(lines) + "\n"
